"""The result of one run: the JSON contract of `llmos run --json` and `POST /v1/execute`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llmos.learning.trace import Trace
from llmos.models.base import Message

MODES = ("auto", "learner", "follower", "mixed", "crystallized", "orchestrator")


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
    warnings: list[str] = field(default_factory=list)  # for the operator: an MCP server skipped...
    messages: list[Message] = field(default_factory=list, repr=False)  # the conversation (not in JSON)

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
            warnings=[str(e.get("message", "")) for e in trace.events if e.get("kind") == "warning"],
        )

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
            "warnings": self.warnings,
        }
        if explain:
            out["mode_reason"] = self.mode_reason
        return out
