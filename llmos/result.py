"""The result of one run: the JSON contract of `llmos run --json` and `POST /v1/execute`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llmos.models.base import Message
from llmos.modes import MODES
from llmos.trace import Trace

__all__ = ["MODES", "RunResult"]


@dataclass
class RunResult:
    run_id: str
    mode: str
    success: bool
    output: str
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    duration_s: float
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    status: str = ""
    agent: str = ""
    requested_mode: str = "auto"
    plan_id: str | None = None
    mode_reason: dict[str, Any] = field(default_factory=dict)
    saved_usd: float = 0.0
    unpriced: bool = False
    session_id: str | None = None
    warnings: list[str] = field(default_factory=list)  # for the operator: an MCP server skipped...
    messages: list[Message] = field(default_factory=list, repr=False)  # the conversation (not in JSON)
    subtasks: list[dict[str, Any]] = field(default_factory=list)  # ORCHESTRATOR: one entry per subtask

    @classmethod
    def from_trace(cls, trace: Trace) -> RunResult:
        return cls(
            run_id=trace.id,
            mode=trace.mode,
            success=trace.success,
            output=trace.output,
            llm_calls=trace.llm_calls,
            input_tokens=trace.input_tokens,
            output_tokens=trace.output_tokens,
            cost_usd=trace.cost_usd,
            duration_s=round(trace.duration_s, 4),
            tool_calls=[c.public() for c in trace.top_level_calls],
            error=trace.error,
            status=trace.status,
            agent=trace.agent,
            requested_mode=trace.requested_mode,
            plan_id=trace.plan_id,
            mode_reason=trace.mode_reason,
            saved_usd=float(trace.metadata.get("saved_usd") or 0.0),
            unpriced=trace.unpriced,
            subtasks=[dict(s) for s in trace.metadata.get("subtasks") or []],
            session_id=trace.metadata.get("session_id"),
            warnings=[str(e.get("message", "")) for e in trace.events if e.get("kind") == "warning"],
        )

    def add_subtask_totals(self, trace: Trace) -> None:
        """An orchestrated run's figures include its subtasks' runs (each also has its own trace)."""
        totals = trace.metadata.get("subtask_totals") or {}
        self.cost_usd = round(self.cost_usd + float(totals.get("cost_usd") or 0.0), 8)
        self.llm_calls += int(totals.get("llm_calls") or 0)
        self.input_tokens += int(totals.get("input_tokens") or 0)
        self.output_tokens += int(totals.get("output_tokens") or 0)

    def to_dict(self, *, explain: bool = True) -> dict[str, Any]:
        """The contract fields first, then extras (mode_reason only with explain)."""
        out: dict[str, Any] = {
            "run_id": self.run_id,
            "mode": self.mode,
            "success": self.success,
            "output": self.output,
            "llm_calls": self.llm_calls,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": self.cost_usd,
            "duration_s": self.duration_s,
            "tool_calls": self.tool_calls,
            "error": self.error,
            "status": self.status,
            "agent": self.agent,
            "requested_mode": self.requested_mode,
            "plan_id": self.plan_id,
            "saved_usd": self.saved_usd,
            "unpriced": self.unpriced,
            "subtasks": self.subtasks,
            "warnings": self.warnings,
        }
        if self.session_id:
            out["session_id"] = self.session_id
        if explain:
            out["mode_reason"] = self.mode_reason
        return out
