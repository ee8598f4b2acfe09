"""Running the HTTP server: uvicorn, programmatically, over one runtime.

The runtime is started (MCP servers and all) before the socket is opened, so `/healthz` answers only
once everything is up and a startup failure is an ordinary exception with a clear message. SIGTERM
and SIGINT stop accepting connections, let in-flight requests finish (up to `graceful_timeout_s`),
close the runtime (ending MCP processes) and return normally. Log lines go to stderr only.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from llmos._log import logger
from llmos.exceptions import UserError
from llmos.server import guards
from llmos.server.app import create_app

if TYPE_CHECKING:
    from llmos.runtime import LLMOS

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging, with access lines on stderr too (stdout stays clean for tools)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"},
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
            },
        },
        "handlers": {
            "default": {
                "formatter": "default",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
            "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": ["access"], "level": level.upper(), "propagate": False},
        },
    }


class Server(uvicorn.Server):
    """uvicorn's server; signals are handled by `serve_runtime` for the whole life of the process
    (including the runtime's start and close), and a signal ends it with status 0, not by re-raising."""

    def __init__(self, config: uvicorn.Config, runtime: LLMOS) -> None:
        super().__init__(config)
        self.runtime = runtime

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    @property
    def port(self) -> int | None:
        """The port actually listened on (useful with port 0), once started."""
        for server in getattr(self, "servers", []):
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return None


def make_server(
    runtime: LLMOS,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    log_level: str = "info",
    access_log: bool = True,
    configure_logging: bool = True,
    graceful_timeout_s: int = 30,
    token: str | None = None,
) -> Server:
    """A uvicorn server for an already started runtime (the app's lifespan does not start it again)."""
    config = uvicorn.Config(
        create_app(runtime, manage_lifecycle=False, token=token),
        host=host,
        port=port,
        lifespan="on",
        http="h11",
        ws="none",
        log_config=log_config(log_level) if configure_logging else None,
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=graceful_timeout_s,
        server_header=False,
    )
    return Server(config, runtime)


async def serve_runtime(
    runtime: LLMOS,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    on_ready: Callable[[Server], None] | None = None,
    **server_kwargs: Any,
) -> None:
    """Start `runtime`, serve it on host:port until SIGTERM/SIGINT (or `server.should_exit`), close it.
    The socket is bound first, so a port in use fails at once, before any MCP server starts.
    A host other than loopback needs an API token (LLMOS_API_TOKEN or `[server] token`): UserError if not."""
    token = server_kwargs.pop("token", None) or guards.resolve_token(getattr(runtime, "config", None))
    guards.check_exposure(host, token)
    server = make_server(runtime, host, port, token=token, **server_kwargs)
    sock = bind(host, port)
    main = asyncio.current_task()
    loop = asyncio.get_running_loop()
    serving = False

    def on_signal(sig: signal.Signals) -> None:
        logger.info("received %s: shutting down", sig.name)
        if not serving:
            if main is not None:
                main.cancel()  # still starting: abandon the start, close what was opened
        elif server.should_exit:
            server.force_exit = True  # a second signal: stop waiting for in-flight requests
        else:
            server.should_exit = True

    installed = []
    for sig in _SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not the main thread
            loop.add_signal_handler(sig, on_signal, sig)
            installed.append(sig)
    try:
        try:
            await runtime.start()
            serving = True
            ready = asyncio.ensure_future(_notify_ready(server, on_ready)) if on_ready else None
            scheduler = _start_scheduler(runtime)  # cron goals (`llmos schedule add`), each slot once
            try:
                await server.serve(sockets=[sock])
            except SystemExit as exc:  # uvicorn exits this way when it cannot bind or start
                raise UserError(f"cannot serve on {host}:{port}: see the log above") from exc
            finally:
                if ready is not None:
                    ready.cancel()
                if scheduler is not None:
                    await asyncio.shield(scheduler.close())
        finally:
            await asyncio.shield(runtime.close())
    except asyncio.CancelledError:
        if serving:
            raise
        logger.info("stopped before the server started")
    finally:
        sock.close()
        for sig in installed:
            loop.remove_signal_handler(sig)


def _start_scheduler(runtime: LLMOS) -> Any:
    """The scheduler of a started runtime (None for a stand-in runtime without a database)."""
    if getattr(runtime, "db", None) is None:
        return None
    from llmos.ops.scheduler import Scheduler

    scheduler = Scheduler(runtime)
    scheduler.start()
    return scheduler


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free one); UserError naming the address if not."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family = infos[0][0]
        sock = socket.create_server(infos[0][4][:2], family=family, backlog=2048)
    except OSError as e:
        raise UserError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.setblocking(False)
    return sock


async def _notify_ready(server: Server, on_ready: Callable[[Server], None]) -> None:
    while not server.started:
        if server.should_exit:
            return
        await asyncio.sleep(0.01)
    on_ready(server)


def serve(
    workspace: Path | str | None,
    host: str | None = None,
    port: int | None = None,
    *,
    log_level: str = "info",
    access_log: bool = True,
    on_ready: Callable[[Server], None] | None = None,
    **runtime_kwargs: Any,
) -> None:
    """Serve the workspace's runtime over HTTP until SIGTERM/SIGINT. `host`/`port` default to the
    `[server]` section of llmos.toml; `runtime_kwargs` go to `LLMOS` (config, model, preset...);
    `on_ready(server)` is called once the socket listens (`server.port`). Blocks; returns normally
    after a clean shutdown; LLM OS errors (bad config, an MCP server that cannot start, port in use)
    propagate with their message."""
    from llmos.runtime import LLMOS

    runtime = LLMOS(workspace=Path(workspace) if workspace is not None else None, **runtime_kwargs)
    host = runtime.config.server.host if host is None else host
    port = runtime.config.server.port if port is None else port

    def announce(server: Server) -> None:
        logger.info("LLM OS serving %s on http://%s:%s", runtime.workspace, host, server.port)

    asyncio.run(
        serve_runtime(runtime, host, port, on_ready=on_ready or announce, log_level=log_level, access_log=access_log)
    )
