"""The scheduler inside `llmos serve`: cron goals, each slot fired exactly once across servers.

Every `[server] schedule_tick_s` the scheduler reads the schedules and, for each, the latest slot at
or before now (`llmos.cron.previous_slot`). A slot not seen yet is claimed in the database
(`ScheduleStore.claim`: a primary key on (schedule, slot)); only the server whose claim succeeds
runs the goal, so N servers on one database fire each slot once. The run's trace carries
`metadata.schedule = {id, slot, slot_at, cron}`, the bus gets a `schedule_fired` event, and the
claim records the run id and its status.

Rules:
- **Missed slots** (no server was up): only the latest missed slot fires, once, when a server comes
  up; the earlier ones are skipped, never a storm of catch-up runs. Slots before the schedule was
  created never fire.
- **Overlap**: a slot due while this server still runs the schedule's previous slot is not claimed
  here (another server may take it; with one server it is skipped).
- A server killed after claiming a slot loses that slot's run (at most once); the claim stays
  `claimed` and its trace, if the run had started, becomes `interrupted` at the next start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from llmos._log import logger
from llmos.cron import iso, next_slot, previous_slot
from llmos.events import RunEvent
from llmos.exceptions import LLMOSError
from llmos.kernel._owner import current_owner
from llmos.storage.schedules import Schedule, ScheduleStore

if TYPE_CHECKING:
    from llmos.runtime import LLMOS


class Scheduler:
    """Fires due schedules of one runtime's workspace; `start()` in a running loop, `close()` to stop."""

    def __init__(self, runtime: LLMOS, *, tick_s: float | None = None) -> None:
        self.runtime = runtime
        if runtime.db is None:
            raise LLMOSError("the scheduler needs a started runtime")
        self.store = ScheduleStore(runtime.db)
        self.tick_s = tick_s if tick_s is not None else runtime.config.server.schedule_tick_s
        self.owner = current_owner()
        self._seen: dict[str, int] = {}  # schedule id -> the latest slot this server looked at
        self._next: dict[str, int] = {}  # schedule id -> its next slot (no cron work before then)
        self._running: dict[str, asyncio.Task[None]] = {}  # schedule id -> its run in flight here
        self._loop_task: asyncio.Task[None] | None = None
        self.fired: list[tuple[str, int]] = []  # (schedule, slot) this server fired

    def start(self) -> None:
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._loop(), name="llmos-scheduler")

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except LLMOSError as e:  # a locked or unreachable database: try again next tick
                logger.warning("scheduler tick failed: %s", e)
            await asyncio.sleep(self.tick_s)

    async def tick(self, now: float | None = None) -> list[tuple[str, int]]:
        """Claim and start every due slot; returns the (schedule, slot) pairs this call fired."""
        now = time.time() if now is None else now
        schedules = await asyncio.to_thread(self.store.list, enabled_only=True)
        live = {s.id for s in schedules}
        for gone in set(self._seen) - live:
            del self._seen[gone]
        for gone in set(self._next) - live:
            del self._next[gone]
        fired = []
        for sched in schedules:
            slot = self._due(sched, now)
            if slot is None:
                continue
            self._seen[sched.id] = slot
            if not await asyncio.to_thread(self.store.claim, sched.id, slot, self.owner):
                continue  # another server (or an earlier life of this one) took it
            fired.append((sched.id, slot))
            self.fired.append((sched.id, slot))
            self._running[sched.id] = asyncio.create_task(self._fire(sched, slot), name=f"schedule:{sched.id}")
        return fired

    def _due(self, sched: Schedule, now: float) -> int | None:
        """The slot to claim now, or None (nothing new, created after it, or still running here)."""
        if now < self._next.get(sched.id, 0):
            return None
        try:
            slot = previous_slot(sched.cron, sched.tz, now)
            self._next[sched.id] = next_slot(sched.cron, sched.tz, now)
        except LLMOSError as e:  # croniter missing here, or an expression stored by a newer version
            logger.warning("schedule %s cannot be evaluated (next try in a minute): %s", sched.id, e)
            self._next[sched.id] = int(now) + 60
            return None
        if slot < sched.created_at or slot <= self._seen.get(sched.id, -1):
            return None
        task = self._running.get(sched.id)
        if task is not None and not task.done():
            self._seen[sched.id] = slot  # overlap: left to another server, or skipped
            return None
        return slot

    async def _fire(self, sched: Schedule, slot: int) -> None:
        rt = self.runtime
        info = {"id": sched.id, "slot": slot, "slot_at": iso(slot), "cron": sched.cron}
        await rt.events.publish(RunEvent(kind="schedule_fired", data={"schedule": info, "owner": self.owner}))
        status, run_id = "error", None
        try:
            result = await rt.execute(sched.goal, mode=sched.mode, agent=sched.agent, metadata={"schedule": info})
            status, run_id = result.status, result.run_id
        except asyncio.CancelledError:
            status = "cancelled"
            raise
        except LLMOSError as e:  # the run could not start (an unknown agent or mode): the claim says so
            logger.warning("scheduled goal %s (slot %s) could not run: %s", sched.id, info["slot_at"], e)
        finally:
            with contextlib.suppress(LLMOSError):
                await asyncio.to_thread(self.store.record, sched.id, slot, run_id=run_id, status=status)

    async def close(self, grace_s: float = 5.0) -> None:
        """Stop looking for slots; give runs in flight `grace_s` to finish, then cancel them."""
        task, self._loop_task = self._loop_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        runs = [t for t in self._running.values() if not t.done()]
        if runs:
            _, pending = await asyncio.wait(runs, timeout=grace_s)
            for t in pending:
                t.cancel()
            await asyncio.gather(*runs, return_exceptions=True)
        self._running.clear()

    def status(self) -> dict[str, Any]:
        return {"schedules_running": sorted(k for k, t in self._running.items() if not t.done())}
