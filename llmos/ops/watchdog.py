"""The watchdog of a runtime: run time limits, and MCP servers that stop answering.

- **Time limit.** Every run executes inside `Watchdog.guard(ctx)`. With `[agent] run_timeout_s` set,
  a run still going after that many seconds is cancelled where it waits (a model call, a tool
  call, a subtask): its trace gets a `watchdog` event (`action: run_timeout`), the bus a
  `watchdog` event, and the run ends `failed` with a `RunTimedOut` error naming the limit.
- **MCP servers.** Every `[mcp] ping_interval_s` seconds each started MCP server gets an MCP `ping`;
  one that does not answer within `ping_timeout_s` (hung, stopped, deadlocked) is killed and
  started again: its calls in flight end with an error result, and the next call reaches the new
  process. Each step is a `watchdog` event (`action`: `mcp_restart` with the reason, then
  `mcp_restarted` or `mcp_restart_failed`) in the trace of every run in flight and on the bus.

The guard also keeps the runs in flight (`active`), which is how a runtime-wide event reaches them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from llmos._log import logger
from llmos.events import RunEvent
from llmos.exceptions import RunTimedOut

if TYPE_CHECKING:
    from llmos.kernel.context import RunContext
    from llmos.runtime import LLMOS
    from llmos.tools.mcp import MCPManager

EVENT = "watchdog"


class Watchdog:
    """One per runtime: guards runs (time limit, registry of runs in flight) and pings MCP servers."""

    def __init__(self, runtime: LLMOS) -> None:
        self.runtime = runtime
        self.active: dict[str, RunContext] = {}
        self.history: list[dict[str, Any]] = []  # the latest events (newest last), for health pages
        self._task: asyncio.Task[None] | None = None

    # ---------------------------------------------------------------- runs
    @contextlib.asynccontextmanager
    async def guard(self, ctx: RunContext) -> AsyncIterator[None]:
        """Run the body under the run time limit, registered as in flight."""
        limit = self.runtime.config.agent.run_timeout_s
        run_id = ctx.trace.id
        self.active[run_id] = ctx
        try:
            if not limit:
                yield
                return
            timer = asyncio.timeout(limit)
            try:
                async with timer:
                    yield
            except TimeoutError:
                if not timer.expired():
                    raise
                data = {"action": "run_timeout", "limit_s": limit}
                ctx.trace.event(EVENT, **data)
                self._remember({"run_id": run_id, **data})
                await ctx.emit(EVENT, **data)
                raise RunTimedOut(
                    f"the run timed out after {limit:g}s, its time limit ([agent] run_timeout_s)", limit_s=limit
                ) from None
        finally:
            self.active.pop(run_id, None)

    # ---------------------------------------------------------------- MCP servers
    def watch_mcp(self, mcp: MCPManager) -> None:
        """Ping `mcp`'s servers every `[mcp] ping_interval_s` (0: never) until `close()`."""
        if self._task is None and self.runtime.config.mcp.ping_interval_s > 0:
            self._task = asyncio.create_task(self._watch(mcp), name="llmos-watchdog")

    async def _watch(self, mcp: MCPManager) -> None:
        interval = self.runtime.config.mcp.ping_interval_s
        while True:
            await asyncio.sleep(interval)
            try:
                await self.check_mcp(mcp)
            except Exception:  # the watchdog must outlive whatever one check meets
                logger.exception("the MCP watchdog check failed")

    async def check_mcp(self, mcp: MCPManager) -> list[str]:
        """Ping every started server once, restart those that do not answer; returns their names."""
        timeout = self.runtime.config.mcp.ping_timeout_s
        names = mcp.started_servers()
        answers = await asyncio.gather(*(mcp.ping(n, timeout) for n in names))
        restarted = []
        for name, why in zip(names, answers, strict=True):
            if why is None:
                continue
            logger.warning("MCP server %s stopped answering (%s): restarting it", name, why)
            await self.record({"action": "mcp_restart", "server": name, "reason": why})
            failure = await mcp.restart(name)
            if failure is None:
                restarted.append(name)
                await self.record({"action": "mcp_restarted", "server": name})
            else:
                await self.record({"action": "mcp_restart_failed", "server": name, "error": failure})
        return restarted

    async def record(self, data: dict[str, Any]) -> None:
        """A runtime-wide watchdog event: in the trace of every run in flight, and once on the bus."""
        self._remember(data)
        for ctx in list(self.active.values()):
            ctx.trace.event(EVENT, **data)
        await self.runtime.events.publish(RunEvent(kind=EVENT, data=dict(data)))

    def _remember(self, data: dict[str, Any]) -> None:
        import time

        self.history.append({"at": time.time(), **data})
        del self.history[:-100]

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
