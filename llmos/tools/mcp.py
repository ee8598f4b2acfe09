"""MCP client: every tool of every configured MCP server becomes an LLM OS `Tool`.

    async with MCPManager(config.mcp.servers, cwd=workspace) as mcp:
        registry = ToolRegistry(mcp.tools)          # named SERVER__tool, source "mcp:SERVER"

Each server runs in its own long-lived asyncio task that enters and exits the MCP client's anyio
context managers (they must stay in one task) and serves a queue of calls, each call in its own
child task: calls may come concurrently from any task (or any thread, through the manager's loop).
Servers start concurrently, once. A server that dies mid-run turns the call into an error result
naming the server; the next call tries one restart. `close()` ends every server process and
everything they started (found by an environment marker under /proc), so nothing outlives the manager.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shlex
import signal
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from llmos._log import logger
from llmos.exceptions import MCPServerError
from llmos.kernel.config import MCPServerConfig
from llmos.tools.base import NAME_RE, Tool, ToolContext, ToolOutput

SEP = "__"
MARKER_ENV = "LLMOS_MCP_SERVER_ID"
CONNECTION_CLOSED = -32000  # JSON-RPC codes the SDK uses for a dead connection and a timeout
REQUEST_TIMEOUT = -32001
STOP_TIMEOUT_S = 10.0
STARTUP_TIMEOUT_S = 30.0  # at least this long for initialize + tools/list (npx may download)
STDERR_TAIL = 2000
MAX_RESTARTS = 3


def tool_name(server: str, name: str) -> str:
    """The LLM OS name of an MCP tool: SERVER__tool, with characters a tool name cannot hold replaced."""
    full = re.sub(r"[^A-Za-z0-9_.\-]", "_", f"{server}{SEP}{name}")
    if not re.match(r"[A-Za-z_]", full):
        full = "_" + full
    return full[:64]


def _error(text: str) -> ToolOutput:
    return ToolOutput(f"ERROR: {text}", is_error=True)


def _leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _field(obj: Any, snake: str, camel: str) -> Any:
    """A result field under its mcp 2.x (snake_case) or 1.x (camelCase) name."""
    value = getattr(obj, snake, None)
    return getattr(obj, camel, None) if value is None else value


def content_text(result: Any) -> str:
    """The text of a CallToolResult: text blocks joined unchanged, placeholders for other content."""
    parts: list[str] = []
    for block in getattr(result, "content", None) or []:
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(block.text)
        elif kind == "resource" and isinstance(getattr(block.resource, "text", None), str):
            parts.append(block.resource.text)
        elif kind in ("image", "audio"):
            parts.append(f"[{kind} {_field(block, 'mime_type', 'mimeType') or ''}]".replace(" ]", "]"))
        elif kind in ("resource", "resource_link"):
            uri = getattr(block, "uri", None) or getattr(getattr(block, "resource", None), "uri", "")
            parts.append(f"[{kind} {uri}]")
        else:
            parts.append(f"[{kind or 'unknown'} content]")
    structured = _field(result, "structured_content", "structuredContent")
    if not parts and structured is not None:
        return json.dumps(structured, ensure_ascii=False, default=str)
    return "\n".join(parts)


def _marked_pids(marker: str) -> list[int]:
    """Processes whose environment carries this server's marker (the server and its descendants)."""
    needle = f"{MARKER_ENV}={marker}".encode()
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _sweep(marker: str) -> None:
    """Kill every process that still carries the marker."""
    for _ in range(3):
        pids = [p for p in _marked_pids(marker) if p != os.getpid()]
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


@dataclass
class _Call:
    tool: str
    arguments: dict[str, Any]
    future: asyncio.Future[ToolOutput]


@dataclass
class _Server:
    """One MCP server: its runner task, its call queue and what it offered."""

    name: str
    config: MCPServerConfig
    cwd: Path | None
    listing: list[Any] = field(default_factory=list)
    running: bool = False
    error: str | None = None
    restarts: int = 0
    gave_up: bool = False
    pid: int | None = None
    task: asyncio.Task[None] | None = None
    queue: asyncio.Queue[_Call | None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    errlog: IO[str] | None = None

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
            raise MCPServerError(
                f"MCP server {self.name!r} has neither a command nor a url in its configuration"
            )
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queue = asyncio.Queue()
        self.marker = uuid.uuid4().hex
        self.task = asyncio.create_task(self._run(ready, self.queue), name=f"mcp:{self.name}")
        await ready
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
                await session.initialize()
                self.listing = await _list_tools(session)
        except TimeoutError:
            raise TimeoutError(f"no answer to initialize / tools/list within {limit:g}s") from None
        pids = _marked_pids(self.marker)
        self.pid = min(pids) if pids else None
        return session

    async def _run(self, ready: asyncio.Future[None], queue: asyncio.Queue[_Call | None]) -> None:
        try:
            async with contextlib.AsyncExitStack() as stack:
                session = await self._connect(stack)
                ready.set_result(None)
                await self._serve(session, queue)
        except Exception as e:
            exc = _leaf(e)
            if not ready.done():
                reason = (
                    f"command not found: {self.config.command}"
                    if isinstance(exc, FileNotFoundError)
                    else f"{type(exc).__name__}: {exc}"
                )
                ready.set_exception(
                    MCPServerError(
                        self._with_stderr(
                            f"MCP server {self.name!r} failed to start ({self.describe()}): {reason}"
                        )
                    )
                )
            else:
                self.error = f"{type(exc).__name__}: {exc}"
                logger.warning("MCP server %s stopped: %s", self.name, self.error)
        finally:
            self.running = False
            self.pid = None
            _sweep(self.marker)
            if not ready.done():  # cancelled while starting
                ready.set_exception(MCPServerError(f"MCP server {self.name!r} was stopped while starting"))
            while not queue.empty():
                call = queue.get_nowait()
                if call is not None and not call.future.done():
                    call.future.set_result(_error(f"MCP server {self.name!r} is not running"))
            if self.errlog is not None:
                with contextlib.suppress(OSError):
                    self.errlog.close()
                self.errlog = None

    async def _serve(self, session: Any, queue: asyncio.Queue[_Call | None]) -> None:
        import anyio

        async with anyio.create_task_group() as tg:
            while True:
                call = await queue.get()
                if call is None:
                    break
                if not call.future.done():
                    tg.start_soon(self._do, session, call, queue)
            tg.cancel_scope.cancel()

    async def _do(self, session: Any, call: _Call, queue: asyncio.Queue[_Call | None]) -> None:
        from mcp.shared.exceptions import MCPError

        out = _error(f"MCP server {self.name!r} was closed while {call.tool} was running")
        try:
            result = await session.call_tool(
                call.tool, call.arguments, read_timeout_seconds=self.config.timeout_s
            )
            text = content_text(result)
            if _field(result, "is_error", "isError"):
                out = ToolOutput(
                    text or f"ERROR: {call.tool} failed on MCP server {self.name!r}", is_error=True
                )
            else:
                out = ToolOutput(text, data=_field(result, "structured_content", "structuredContent"))
        except MCPError as e:
            if e.code == CONNECTION_CLOSED:
                self.running = False
                self.error = f"the server died during a call to {call.tool}"
                out = _error(
                    self._with_stderr(f"MCP server {self.name!r} ({self.describe()}) died: {e.message}")
                )
                queue.put_nowait(None)  # end the runner; the next call restarts the server
            elif e.code == REQUEST_TIMEOUT:
                out = _error(
                    f"{call.tool} on MCP server {self.name!r} timed out after {self.config.timeout_s:g}s"
                )
            else:
                out = ToolOutput(e.message or str(e), is_error=True)
        except Exception as e:
            out = _error(f"MCP server {self.name!r}: {type(e).__name__}: {e}")
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
        _sweep(self.marker)


async def _list_tools(session: Any) -> list[Any]:
    tools: list[Any] = []
    result = await session.list_tools()
    tools.extend(result.tools)
    cursor = _field(result, "next_cursor", "nextCursor")
    pages = 1
    while cursor and pages < 100:
        from mcp.types import PaginatedRequestParams

        result = await session.list_tools(params=PaginatedRequestParams(cursor=cursor))
        tools.extend(result.tools)
        cursor = _field(result, "next_cursor", "nextCursor")
        pages += 1
    return tools


def _server_cwd(config: MCPServerConfig, base: Path | None) -> Path | None:
    """The server's working directory: its own `cwd` (relative to the manager's), else the manager's."""
    if not config.cwd:
        return base
    cwd = Path(config.cwd).expanduser()
    return base / cwd if base is not None and not cwd.is_absolute() else cwd


class MCPManager:
    """Starts the enabled MCP servers, exposes their tools, and ends every server process on close."""

    def __init__(self, servers: Mapping[str, MCPServerConfig], *, cwd: Path | None = None) -> None:
        base = Path(cwd).expanduser().resolve() if cwd else None
        self._servers = {
            name: _Server(name, cfg, _server_cwd(cfg, base)) for name, cfg in servers.items() if cfg.enabled
        }
        self.tools: list[Tool] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = False
        self._closed = False

    async def start(self, *, strict: bool = True) -> list[Tool]:
        """Start every enabled server concurrently; return all their tools.

        With `strict` (the default) a server that fails to start raises `MCPServerError` after the
        others are closed again; otherwise the failure shows in `status()` and the rest run.
        """
        if self._started:
            return self.tools
        if self._closed:
            raise MCPServerError("this MCPManager was closed; create a new one")
        self._started = True
        self._loop = asyncio.get_running_loop()
        servers = list(self._servers.values())
        results = await asyncio.gather(*(s.start() for s in servers), return_exceptions=True)
        failures: list[BaseException] = []
        for server, res in zip(servers, results, strict=True):
            if isinstance(res, BaseException):
                server.error, server.gave_up = str(res), True
                failures.append(res)
        if failures and strict:
            await self.close()
            raise failures[0]
        self.tools = [self._make_tool(s, t) for s in servers if s.running for t in s.listing]
        return self.tools

    def _make_tool(self, server: _Server, remote: Any) -> Tool:
        remote_name: str = remote.name
        schema = dict(_field(remote, "input_schema", "inputSchema") or {})
        schema.setdefault("type", "object")
        schema.setdefault("properties", {})
        name = tool_name(server.name, remote_name)
        if not NAME_RE.match(name):  # pragma: no cover - tool_name() already sanitises
            name = f"mcp{SEP}{uuid.uuid4().hex[:8]}"

        async def invoke(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
            return await self.call(server.name, remote_name, args)

        return Tool(
            name=name,
            description=remote.description or f"{remote_name} (from the MCP server {server.name})",
            input_schema=schema,
            invoke=invoke,
            source=f"mcp:{server.name}",
            kind="function",
            metadata={"mcp_server": server.name, "mcp_tool": remote_name},
        )

    async def call(self, server: str, tool: str, arguments: dict[str, Any] | None = None) -> ToolOutput:
        """Call one tool of one server; every failure is an error result, never an exception."""
        loop = self._loop
        if loop is not None and loop is not asyncio.get_running_loop():
            fut = asyncio.run_coroutine_threadsafe(self.call(server, tool, arguments), loop)
            return await asyncio.wrap_future(fut)
        srv = self._servers.get(server)
        if srv is None:
            return _error(f"no MCP server named {server!r}")
        if self._closed:
            return _error(f"MCP server {server!r} was closed")
        if not srv.running:
            failure = await self._restart(srv)
            if failure is not None:
                return failure
        assert srv.queue is not None
        future: asyncio.Future[ToolOutput] = asyncio.get_running_loop().create_future()
        srv.queue.put_nowait(_Call(tool, dict(arguments or {}), future))
        return await future

    async def _restart(self, srv: _Server) -> ToolOutput | None:
        async with srv.lock:
            if srv.running:
                return None
            if srv.gave_up or srv.restarts >= MAX_RESTARTS:
                return _error(f"MCP server {srv.name!r} is not running ({srv.error or 'stopped'})")
            srv.restarts += 1
            await srv.stop()
            try:
                await srv.start()
            except MCPServerError as e:
                srv.error, srv.gave_up = str(e), True
                return _error(str(e))
            logger.info("MCP server %s restarted", srv.name)
            return None

    def status(self) -> dict[str, dict[str, Any]]:
        """Per server: running, tool count, error, pid, restarts."""
        return {
            name: {
                "running": s.running,
                "tools": len(s.listing),
                "error": s.error,
                "pid": s.pid,
                "restarts": s.restarts,
                "target": s.describe(),
            }
            for name, s in self._servers.items()
        }

    async def close(self) -> None:
        """Stop every server; no server process (or process it started) outlives this call."""
        self._closed = True
        await asyncio.gather(*(s.stop() for s in self._servers.values()), return_exceptions=True)

    async def __aenter__(self) -> MCPManager:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
