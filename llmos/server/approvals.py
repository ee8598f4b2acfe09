"""Approvals: a tool call whose policy verdict is `ask` waits for a person, through the API.

The run's asker registers a pending approval (`GET /v1/approvals` lists them, a streamed run also
gets an `approval_required` event) and waits; `POST /v1/approvals/{id} {"approve": true|false}`
answers it. Nobody answering within `[server] approval_timeout_s` denies the call, and the denial
says so in the run's result (the tool call's `result` names the timeout).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from llmos.kernel.context import AskAnswer, Asker, EventSink
from llmos.server.errors import JSON, error


@dataclass
class Pending:
    id: str
    run_id: str | None
    tool: str
    prompt: str
    created_at: float
    timeout_s: float
    answer: asyncio.Future[bool] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        left = self.created_at + self.timeout_s - time.time()
        return {
            "id": self.id,
            "run_id": self.run_id,
            "tool": self.tool,
            "prompt": self.prompt,
            "created_at": self.created_at,
            "expires_in_s": round(max(0.0, left), 3),
        }


class Approvals:
    """The pending approvals of one server (in memory: a restart denies what was pending)."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._pending: dict[str, Pending] = {}

    def pending(self) -> list[Pending]:
        return sorted(self._pending.values(), key=lambda p: p.created_at)

    def answer(self, approval_id: str, approve: bool) -> Pending | None:
        """Answer a pending approval; None when there is none by that id (answered, expired, unknown)."""
        pending = self._pending.pop(approval_id, None)
        if pending is None or pending.answer.done():
            return None
        pending.answer.set_result(approve)
        return pending

    def asker(self, run: RunWatch) -> Asker:
        """The `ask` callback of one run: announces the question, waits for an answer or the timeout."""

        async def ask(prompt: str) -> AskAnswer:
            if self.timeout_s <= 0:
                return AskAnswer(False, "approvals are off on this server ([server] approval_timeout_s = 0)")
            loop = asyncio.get_running_loop()
            pending = Pending(
                id="ap_" + uuid.uuid4().hex[:12],
                run_id=run.run_id,
                tool=prompt.split(" ", 1)[0],
                prompt=prompt,
                created_at=time.time(),
                timeout_s=self.timeout_s,
                answer=loop.create_future(),
            )
            self._pending[pending.id] = pending
            await run.emit({"type": "approval_required", "run_id": run.run_id, "approval": pending.to_dict()})
            try:
                approved = await asyncio.wait_for(asyncio.shield(pending.answer), timeout=self.timeout_s)
            except TimeoutError:
                reply = AskAnswer(False, f"nobody approved it within {self.timeout_s:g} s (approval {pending.id})")
            else:
                verb = "approved" if approved else "refused"
                reply = AskAnswer(approved, f"{verb} through the API (approval {pending.id})")
            finally:
                self._pending.pop(pending.id, None)
            await run.emit(
                {
                    "type": "approval_resolved",
                    "run_id": run.run_id,
                    "approval_id": pending.id,
                    "approved": reply.approved,
                    "reason": reply.reason,
                }
            )
            return reply

        return ask


class RunWatch:
    """One request's view of its run: learns the run id from the first event, forwards events."""

    def __init__(self, forward: EventSink | None = None) -> None:
        self.run_id: str | None = None
        self.forward = forward

    async def emit(self, event: dict[str, Any]) -> None:
        if self.run_id is None and event.get("run_id"):
            self.run_id = str(event["run_id"])
        if self.forward is not None:
            await self.forward(event)


# ---------------------------------------------------------------- routes


class ApprovalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool = Field(description="true runs the tool call; false refuses it.")


class ApprovalOut(BaseModel):
    id: str
    run_id: str | None
    tool: str
    prompt: str
    created_at: float
    expires_in_s: float


class ApprovalListOut(BaseModel):
    approvals: list[ApprovalOut]


class ApprovalAnswerOut(BaseModel):
    ok: bool
    id: str
    approved: bool


def _approvals(request: Request) -> Approvals:
    approvals: Approvals = request.app.state.approvals
    return approvals


Registry = Annotated[Approvals, Depends(_approvals)]
router = APIRouter()
_ERR: dict[str, Any] = {"description": "No such pending approval", "content": {"application/json": {}}}


@router.get("/v1/approvals", response_model=ApprovalListOut, tags=["runs"])
async def list_approvals(approvals: Registry) -> JSON:
    """Tool calls waiting for a person's decision (policy verdict `ask`), oldest first."""
    return JSON({"approvals": [p.to_dict() for p in approvals.pending()]})


@router.post("/v1/approvals/{approval_id}", response_model=ApprovalAnswerOut, responses={404: _ERR}, tags=["runs"])
async def answer_approval(approval_id: str, body: ApprovalRequest, approvals: Registry) -> JSON:
    """Approve (`{"approve": true}`) or refuse a pending tool call; 404 once answered or expired."""
    pending = approvals.answer(approval_id, body.approve)
    if pending is None:
        return error(404, f"no pending approval with id {approval_id!r} (answered, expired or unknown)")
    return JSON({"ok": True, "id": pending.id, "approved": body.approve})
