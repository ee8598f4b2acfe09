"""One MCP server: a long-lived task that owns the client's anyio contexts and serves a call queue."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from llmos._log import logger
from llmos.config import MCPServerConfig
from llmos.exceptions import MCPServerError
from llmos.tools.base import ToolOutput
from llmos.tools.mcp._util import (
    CONNECTION_CLOSED,
    MARKER_ENV,
    REQUEST_TIMEOUT,
    STARTUP_TIMEOUT_S,
    STDERR_TAIL,
    STOP_TIMEOUT_S,
    content_text,
    error_output,
    field_of,
    leaf,
    list_tools,
    marked_pids,
    sweep,
)


def _server_info(init: Any) -> dict[str, Any]:
    """{name, version} of an MCP initialize result's serverInfo (what is there)."""
    info = field_of(init, "server_info", "serverInfo")
    found = {k: field_of(info, k, k) for k in ("name", "version")} if info is not None else {}
    return {k: v for k, v in found.items() if isinstance(v, str)}


@dataclass
class Call:
    tool: str
    arguments: dict[str, Any]
    future: asyncio.Future[ToolOutput]
    ping: bool = False  # a liveness check (MCP `ping`), not a tool call


@dataclass
class ServerRunner:
    """One MCP server: its runner task, its call queue and what it offered."""

    name: str
    config: MCPServerConfig
    cwd: Path | None
    listing: list[Any] = field(default_factory=list)
    running: bool = False
    error: str | None = None
    restarts: int = 0
    gave_up: bool = False
    pending: bool = False  # lazy: tools offered from the cache, process not started yet
    pid: int | None = None
    task: asyncio.Task[None] | None = None
    queue: asyncio.Queue[Call | None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    errlog: IO[str] | None = None
    info: dict[str, Any] = field(default_factory=dict)  # {name, version} the server reported (serverInfo)

    def describe(self) -> str:
        if self.config.url:
            return self.config.url
        return shlex.join([self.config.command or "", *self.config.args])

    def stderr_tail(self) -> str:
        if self.errlog is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            fd = self.errlog.fileno()
            size = os.fstat(fd).st_size
            start = max(0, size - STDERR_TAIL)
            return os.pread(fd, size - start, start).decode("utf-8", errors="replace").strip()
        return ""

    def _with_stderr(self, message: str) -> str:
        tail = self.stderr_tail()
        return f"{message}\n--- stderr (tail) ---\n{tail}" if tail else message

    async def start(self) -> None:
        """Start the runner task and wait until the server listed its tools (or failed)."""
        if not self.config.command and not self.config.url:
            raise MCPServerError(f"MCP server {self.name!r} has neither a command nor a url in its configuration")
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queue = asyncio.Queue()
        self.marker = uuid.uuid4().hex
        task = self.task = asyncio.create_task(self._run(ready, self.queue), name=f"mcp:{self.name}")
        try:
            await ready
        except asyncio.CancelledError:
            # the caller gave up while the server was starting: stop the runner (and its process)
            # instead of leaving it to finish starting and report to a future nobody awaits
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            if self.task is task:
                self.task = None
            raise
        self.running, self.error = True, None

    async def _connect(self, stack: contextlib.AsyncExitStack) -> Any:
        import anyio
        from mcp.client.session import ClientSession

        if self.config.url:
            from mcp.client.streamable_http import streamable_http_client

            streams = await stack.enter_async_context(streamable_http_client(self.config.url))
        else:
            from mcp.client.stdio import StdioServerParameters, stdio_client

            params = StdioServerParameters(
                command=self.config.command or "",
                args=list(self.config.args),
                env={**self.config.env, MARKER_ENV: self.marker},
                cwd=self.cwd,
            )
            self.errlog = tempfile.TemporaryFile("a+", encoding="utf-8", errors="replace")  # noqa: SIM115 - closed in _run
            streams = await stack.enter_async_context(stdio_client(params, errlog=self.errlog))
        read, write = streams[0], streams[1]
        session = await stack.enter_async_context(ClientSession(read, write))
        limit = max(self.config.timeout_s, STARTUP_TIMEOUT_S)
        try:
            with anyio.fail_after(limit):
                init = await session.initialize()
                self.info = _server_info(init)
                self.listing = await list_tools(session)
        except TimeoutError:
            raise TimeoutError(f"no answer to initialize / tools/list within {limit:g}s") from None
        pids = marked_pids(self.marker)
        self.pid = min(pids) if pids else None
        return session

    async def _run(self, ready: asyncio.Future[None], queue: asyncio.Queue[Call | None]) -> None:
        try:
            async with contextlib.AsyncExitStack() as stack:
                session = await self._connect(stack)
                if ready.done():  # start() was cancelled meanwhile: nobody waits for this server
                    return
                ready.set_result(None)
                await self._serve(session, queue)
        except Exception as e:
            exc = leaf(e)
            if not ready.done():
                reason = (
                    f"command not found: {self.config.command}"
                    if isinstance(exc, FileNotFoundError)
                    else f"{type(exc).__name__}: {exc}"
                )
                ready.set_exception(
                    MCPServerError(
                        self._with_stderr(f"MCP server {self.name!r} failed to start ({self.describe()}): {reason}")
                    )
                )
            else:
                self.error = f"{type(exc).__name__}: {exc}"
                logger.warning("MCP server %s stopped: %s", self.name, self.error)
        finally:
            self.running = False
            self.pid = None
            sweep(self.marker)
            if not ready.done():  # cancelled while starting
                ready.set_exception(MCPServerError(f"MCP server {self.name!r} was stopped while starting"))
            while not queue.empty():
                call = queue.get_nowait()
                if call is not None and not call.future.done():
                    call.future.set_result(error_output(f"MCP server {self.name!r} is not running"))
            if self.errlog is not None:
                with contextlib.suppress(OSError):
                    self.errlog.close()
                self.errlog = None

    async def _serve(self, session: Any, queue: asyncio.Queue[Call | None]) -> None:
        import anyio

        async with anyio.create_task_group() as tg:
            while True:
                call = await queue.get()
                if call is None:
                    break
                if not call.future.done():
                    tg.start_soon(self._do, session, call, queue)
            tg.cancel_scope.cancel()

    async def _do(self, session: Any, call: Call, queue: asyncio.Queue[Call | None]) -> None:
        from mcp.shared.exceptions import MCPError

        out = error_output(f"MCP server {self.name!r} was closed while {call.tool} was running")
        if call.ping:
            try:
                await session.send_ping()
                out = ToolOutput("pong")
            except Exception as e:
                out = error_output(f"MCP server {self.name!r} did not answer a ping: {type(e).__name__}: {e}")
            finally:
                if not call.future.done():
                    call.future.set_result(out)
            return
        try:
            result = await session.call_tool(call.tool, call.arguments, read_timeout_seconds=self.config.timeout_s)
            text = content_text(result)
            if field_of(result, "is_error", "isError"):
                out = ToolOutput(text or f"ERROR: {call.tool} failed on MCP server {self.name!r}", is_error=True)
            else:
                out = ToolOutput(text, data=field_of(result, "structured_content", "structuredContent"))
        except MCPError as e:
            if e.code == CONNECTION_CLOSED:
                self.running = False
                self.error = f"the server died during a call to {call.tool}"
                out = error_output(self._with_stderr(f"MCP server {self.name!r} ({self.describe()}) died: {e.message}"))
                queue.put_nowait(None)  # end the runner; the next call restarts the server
            elif e.code == REQUEST_TIMEOUT:
                out = error_output(
                    f"{call.tool} on MCP server {self.name!r} timed out after {self.config.timeout_s:g}s"
                )
            else:
                out = ToolOutput(e.message or str(e), is_error=True)
        except Exception as e:
            out = error_output(f"MCP server {self.name!r}: {type(e).__name__}: {e}")
        finally:
            if not call.future.done():
                call.future.set_result(out)

    async def stop(self) -> None:
        task, self.task = self.task, None
        if task is not None and not task.done():
            if self.queue is not None:
                self.queue.put_nowait(None)
            try:
                await asyncio.wait_for(asyncio.shield(task), STOP_TIMEOUT_S)
            except (TimeoutError, Exception):
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        self.running = False
        sweep(self.marker)
