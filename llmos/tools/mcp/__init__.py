"""MCP client: every tool of every configured MCP server becomes an LLM OS `Tool`.

    async with MCPManager(config.mcp.servers, cwd=workspace) as mcp:
        registry = ToolRegistry(mcp.tools)          # named SERVER__tool, source "mcp:SERVER"

Each server runs in its own long-lived asyncio task that enters and exits the MCP client's anyio
context managers (they must stay in one task) and serves a queue of calls, each call in its own
child task: calls may come concurrently from any task (or any thread, through the manager's loop).
Servers start concurrently, once. A server that dies mid-run turns the call into an error result
naming the server; the next call tries one restart. `close()` ends every server process and
everything they started (found by an environment marker under /proc), so nothing outlives the manager.

Lazy mode (`start_lazy(cache)`, what the runtime uses): a server whose tool list is cached in the
workspace (see `_cache`) is not started until one of its tools is first called; a server that
fails to start is skipped with a warning (`warnings`) instead of failing every run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from llmos._log import logger
from llmos.config import MCPServerConfig
from llmos.exceptions import MCPServerError
from llmos.tools.base import Tool, ToolContext, ToolOutput
from llmos.tools.mcp._cache import ToolListCache, cache_key, server_cwd
from llmos.tools.mcp._policy import annotations_of, exposed, kind_for
from llmos.tools.mcp._server import Call, ServerRunner
from llmos.tools.mcp._util import (
    MAX_RESTARTS,
    SEP,
    content_text,
    error_output,
    field_of,
    sweep,
    tool_name,
)

__all__ = ["SEP", "MCPManager", "ToolListCache", "content_text", "tool_name"]


class MCPManager:
    """Starts the enabled MCP servers, exposes their tools, and ends every server process on close."""

    def __init__(self, servers: Mapping[str, MCPServerConfig], *, cwd: Path | None = None) -> None:
        base = Path(cwd).expanduser().resolve() if cwd else None
        self._servers = {
            name: ServerRunner(name, cfg, server_cwd(cfg, base)) for name, cfg in servers.items() if cfg.enabled
        }
        self.tools: list[Tool] = []
        self.warnings: list[str] = []  # servers skipped by start_lazy, one line each
        self._cache: ToolListCache | None = None
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
        taken: set[str] = set()
        self.tools = [
            self._make_tool(s, t, taken)
            for s in servers
            if s.running
            for t in s.listing
            if exposed(s.config, t.name, annotations_of(t))
        ]
        return self.tools

    async def start_lazy(self, cache: ToolListCache | None = None) -> list[Tool]:
        """Offer every server's tools, starting only the servers whose tool list is not cached.

        A cached server starts when one of its tools is first called. A server that cannot start
        is skipped: its failure is in `warnings` and `status()`, and the other servers' tools work.
        """
        if self._started:
            return self.tools
        if self._closed:
            raise MCPServerError("this MCPManager was closed; create a new one")
        from llmos.tools.mcp._logfilter import quiet_stdout_noise

        quiet_stdout_noise()
        self._cache = cache
        self._started = True
        self._loop = asyncio.get_running_loop()
        servers = list(self._servers.values())
        keys = {s.name: cache_key(s.config, s.cwd) for s in servers}
        to_start = []
        for s in servers:
            cached = cache.get(s.name, keys[s.name]) if cache is not None else None
            if cached is None:
                to_start.append(s)
            else:
                s.listing, s.pending = cached, True
        results = await asyncio.gather(*(s.start() for s in to_start), return_exceptions=True)
        for server, res in zip(to_start, results, strict=True):
            if isinstance(res, BaseException):
                server.error, server.gave_up = str(res), True
                first = str(res).splitlines()[0] if str(res) else type(res).__name__
                self.warnings.append(f"MCP server {server.name!r} skipped: {first}")
            elif cache is not None:
                cache.put(server.name, keys[server.name], server.listing, server.info)
        taken: set[str] = set()
        self.tools = [
            self._make_tool(s, t, taken)
            for s in servers
            if s.running or s.pending
            for t in s.listing
            if exposed(s.config, t.name, annotations_of(t))
        ]
        return self.tools

    def _make_tool(self, server: ServerRunner, remote: Any, taken: set[str]) -> Tool:
        remote_name: str = remote.name
        schema = dict(field_of(remote, "input_schema", "inputSchema") or {})
        schema.setdefault("type", "object")
        schema.setdefault("properties", {})
        base = name = tool_name(server.name, remote_name)
        n = 1
        while name in taken:  # two remote names that sanitise alike
            n += 1
            name = f"{base[: 64 - len(str(n)) - 1]}_{n}"
        taken.add(name)

        async def invoke(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
            return await self.call(server.name, remote_name, args)

        hints = annotations_of(remote)
        return Tool(
            name=name,
            description=remote.description or f"{remote_name} (from the MCP server {server.name})",
            input_schema=schema,
            invoke=invoke,
            source=f"mcp:{server.name}",
            kind=kind_for(hints),
            metadata={"mcp_server": server.name, "mcp_tool": remote_name, "annotations": hints},
            annotations=hints,
        )

    async def call(self, server: str, tool: str, arguments: dict[str, Any] | None = None) -> ToolOutput:
        """Call one tool of one server; every failure is an error result, never an exception."""
        loop = self._loop
        if loop is not None and loop is not asyncio.get_running_loop():
            fut = asyncio.run_coroutine_threadsafe(self.call(server, tool, arguments), loop)
            return await asyncio.wrap_future(fut)
        srv = self._servers.get(server)
        if srv is None:
            return error_output(f"no MCP server named {server!r}")
        listed = {t.name: t for t in srv.listing}
        if tool in listed and not exposed(srv.config, tool, annotations_of(listed[tool])):
            return error_output(f"{tool} on MCP server {server!r} is not allowed by [mcp.servers.{server}]")
        if self._closed:
            return error_output(f"MCP server {server!r} was closed")
        if not srv.running:
            failure = await self._restart(srv)
            if failure is not None:
                return failure
        assert srv.queue is not None
        future: asyncio.Future[ToolOutput] = asyncio.get_running_loop().create_future()
        srv.queue.put_nowait(Call(tool, dict(arguments or {}), future))
        return await future

    async def _restart(self, srv: ServerRunner) -> ToolOutput | None:
        async with srv.lock:
            if srv.running:
                return None
            if srv.pending:  # lazy: the first call starts the server (not a restart)
                return await self._first_start(srv)
            if srv.gave_up or srv.restarts >= MAX_RESTARTS:
                return error_output(f"MCP server {srv.name!r} is not running ({srv.error or 'stopped'})")
            srv.restarts += 1
            declared = {t.name: annotations_of(t) for t in srv.listing}
            await srv.stop()
            try:
                await srv.start()
            except MCPServerError as e:
                srv.error, srv.gave_up = str(e), True
                return error_output(str(e))
            logger.info("MCP server %s restarted", srv.name)
            return self._refused(srv, self._declare_again(srv, declared))

    async def _first_start(self, srv: ServerRunner) -> ToolOutput | None:
        srv.pending = False
        cached = {t.name: annotations_of(t) for t in srv.listing}
        try:
            await srv.start()
        except MCPServerError as e:
            srv.error, srv.gave_up = str(e), True
            return error_output(str(e))
        changed = self._declare_again(srv, cached)
        if self._cache is not None:  # the server may have changed in a way the key cannot see
            key = cache_key(srv.config, srv.cwd)
            if self._cache.stale_version(srv.name, key, srv.info.get("version")):
                version = srv.info["version"]
                logger.info("MCP server %s reports version %s: its tool list is taken again", srv.name, version)
            self._cache.put(srv.name, key, srv.listing, srv.info)
        logger.info("MCP server %s started on first use", srv.name)
        return self._refused(srv, changed)

    def _refused(self, srv: ServerRunner, changed: list[str]) -> ToolOutput | None:
        """Rule 4: a call decided on what the server declared before its (re)start (a replay's support,
        rule 1's checks before writes) is not made when the started process declares otherwise."""
        if not changed:
            return None
        return error_output(
            f"MCP server {srv.name!r} now declares other annotations than its cached tool list for "
            f"{', '.join(changed[:5])}: the call was not made, so that it is decided again under what "
            "the server declares now"
        )

    def _declare_again(self, srv: ServerRunner, cached: dict[str, dict[str, bool]]) -> list[str]:
        """The offered tools of `srv` take the annotations its running process declares (they were the
        cached listing's: an upgrade the cache key could not see). Returns the remote tools whose
        annotations changed."""
        live = {t.name: t for t in srv.listing}
        changed = [n for n, hints in cached.items() if n in live and annotations_of(live[n]) != hints]
        for tool in self.tools:
            remote = (
                live.get(str(tool.metadata.get("mcp_tool"))) if tool.metadata.get("mcp_server") == srv.name else None
            )
            if remote is not None:
                hints = annotations_of(remote)
                tool.metadata["annotations"], tool.annotations, tool.kind = hints, hints, kind_for(hints)
        return changed

    def started_servers(self) -> list[str]:
        """The servers whose process is up (not pending, not given up): those a watchdog pings."""
        return [name for name, s in self._servers.items() if s.running and not s.pending]

    async def ping(self, server: str, timeout_s: float) -> str | None:
        """None when `server` answers an MCP ping within `timeout_s`, else why it did not."""
        srv = self._servers.get(server)
        if srv is None or not srv.running or srv.queue is None:
            return f"MCP server {server!r} is not running"
        future: asyncio.Future[ToolOutput] = asyncio.get_running_loop().create_future()
        srv.queue.put_nowait(Call("ping", {}, future, ping=True))
        try:
            out = await asyncio.wait_for(future, timeout_s)
        except TimeoutError:
            return f"no answer to a ping within {timeout_s:g}s"
        return out.content if out.is_error else None

    async def restart(self, server: str) -> str | None:
        """Stop `server` (whatever it is doing: its calls in flight get an error result) and start it
        again. None when it is up again, else why not."""
        srv = self._servers[server]
        async with srv.lock:
            if self._closed:
                return "the MCP manager is closed"
            srv.restarts += 1
            declared = {t.name: annotations_of(t) for t in srv.listing}
            sweep(srv.marker)  # it does not answer: no graceful shutdown to wait for
            await srv.stop()
            try:
                await srv.start()
            except MCPServerError as e:
                srv.error, srv.gave_up = str(e), True
                return str(e)
            self._declare_again(srv, declared)  # no call waits on it: the next ones are judged on these
        logger.info("MCP server %s restarted by the watchdog", server)
        return None

    def status(self) -> dict[str, dict[str, Any]]:
        """Per server: running, tool count, error, pid, restarts, pending (lazy, not started yet)."""
        return {
            name: {
                "running": s.running,
                "tools": len(s.listing),
                "error": s.error,
                "pid": s.pid,
                "restarts": s.restarts,
                "pending": s.pending,
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
