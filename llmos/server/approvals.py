"""Pending approvals: a hook's "ask" verdict in a run started through the API waits for a person to
approve or deny it on the dashboard (or `POST /v1/approvals/{id}`); nobody answering within the
timeout is a denial with that reason. Requests and answers are published on the event bus."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from llmos.events import Event, EventBus, RunEvent

DEFAULT_TIMEOUT_S = 300.0


@dataclass
class Approval:
    id: str
    run_id: str | None
    question: str
    created_at: float = field(default_factory=time.time)
    future: asyncio.Future[bool] | None = field(default=None, repr=False)

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "run_id": self.run_id, "question": self.question, "created_at": self.created_at}


class Approvals:
    """The questions runs are waiting on, answered from the dashboard."""

    def __init__(self, bus: EventBus, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.bus = bus
        self.timeout_s = timeout_s
        self._pending: dict[str, Approval] = {}
        self._ids = itertools.count(1)

    def pending(self) -> list[Approval]:
        return sorted(self._pending.values(), key=lambda a: a.created_at)

    def asker(self) -> tuple[Any, Any]:
        """An `ask` for one run and the event sink that tells it the run's id (from its first event)."""
        run: dict[str, str | None] = {"id": None}

        async def sink(event: dict[str, Any]) -> None:
            run["id"] = run["id"] or event.get("run_id")

        async def ask(question: str) -> bool:
            return await self.wait(question, run["id"])

        return ask, sink

    async def wait(self, question: str, run_id: str | None) -> bool:
        approval = Approval(f"ap{next(self._ids)}", run_id, question)
        approval.future = asyncio.get_running_loop().create_future()
        self._pending[approval.id] = approval
        await self._publish("approval_requested", approval)
        try:
            return await asyncio.wait_for(asyncio.shield(approval.future), self.timeout_s)
        except TimeoutError:
            return False
        finally:
            self._pending.pop(approval.id, None)

    async def resolve(self, approval_id: str, approve: bool) -> Approval | None:
        """Answer a pending question; None when there is no such question (any more)."""
        approval = self._pending.pop(approval_id, None)
        if approval is None or approval.future is None or approval.future.done():
            return None
        approval.future.set_result(approve)
        await self._publish("approval_resolved", approval, approved=approve)
        return approval

    async def _publish(self, kind: str, approval: Approval, **extra: Any) -> None:
        data = {"approval_id": approval.id, "question": approval.question, **extra}
        event: Event = RunEvent(run_id=approval.run_id, kind=kind, data=data)
        await self.bus.publish(event)
