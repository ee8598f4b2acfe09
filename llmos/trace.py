"""Traces: the record of one run, the raw material the learning layer learns from.

A trace is plain data (dataclasses), versioned by `FORMAT_VERSION`, stored by
`llmos.storage.traces.TraceStore` and exported to JSON and Markdown.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FORMAT_VERSION = 1

Status = Literal["running", "success", "failed", "cancelled", "budget_exceeded", "interrupted"]
CallSource = Literal["model", "replay", "crystallized", "sandbox", "inner"]


def new_run_id() -> str:
    return "run_" + uuid.uuid4().hex[:16]


@dataclass
class ModelCallRecord:
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    cost_usd: float | None = None  # None: the model is unpriced
    duration_s: float = 0.0
    stop_reason: str = ""
    started_at: float = field(default_factory=time.time)


@dataclass
class ToolCallRecord:
    """One tool call as it happened. `decision` is the hook chain's verdict on it."""

    id: str
    name: str
    arguments: dict[str, Any]
    result: str = ""
    is_error: bool = False
    duration_s: float = 0.0
    result_chars: int | None = None  # the original size when `result` was truncated
    turn: int = 0  # calls of the same model turn (or replay group) share a turn number
    source: CallSource = "model"
    decision: Literal["allow", "deny", "ask"] = "allow"
    decision_reason: str = ""
    original_arguments: dict[str, Any] | None = None  # set when a hook rewrote the input
    parent_id: str | None = None  # for calls made from inside another tool (crystallized, sandbox)
    started_at: float = field(default_factory=time.time)

    @property
    def denied(self) -> bool:
        return self.decision != "allow"

    def public(self) -> dict[str, Any]:
        """The form in the result JSON contract."""
        return {
            "name": self.name,
            "arguments": self.arguments,
            "result": self.result,
            "is_error": self.is_error,
        }


@dataclass
class Trace:
    goal: str
    id: str = field(default_factory=new_run_id)
    agent: str = "default"
    mode: str = "learner"
    requested_mode: str = "auto"
    status: Status = "running"
    output: str = ""
    error: str | None = None
    model_calls: list[ModelCallRecord] = field(default_factory=list)
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    mode_reason: dict[str, Any] = field(default_factory=dict)  # why this mode (plan, slots, confidence)
    plan_id: str | None = None  # plan replayed or used as an example, if any
    events: list[dict[str, Any]] = field(default_factory=list)  # notable events: fallbacks, policy, state
    rejected: bool = False
    started_at: float = field(default_factory=time.time)
    ended_at: float | None = None
    format_version: int = FORMAT_VERSION
    metadata: dict[str, Any] = field(default_factory=dict)
    parent_id: str | None = None  # the orchestrated run this run is a subtask of

    # ---- derived figures
    @property
    def success(self) -> bool:
        return self.status == "success"

    @property
    def llm_calls(self) -> int:
        return len(self.model_calls)

    @property
    def input_tokens(self) -> int:
        return sum(c.input_tokens + c.cache_write_tokens + c.cache_read_tokens for c in self.model_calls)

    @property
    def output_tokens(self) -> int:
        return sum(c.output_tokens for c in self.model_calls)

    @property
    def cost_usd(self) -> float:
        return round(sum(c.cost_usd or 0.0 for c in self.model_calls), 8)

    @property
    def unpriced(self) -> bool:
        return any(c.cost_usd is None for c in self.model_calls)

    @property
    def duration_s(self) -> float:
        end = self.ended_at if self.ended_at is not None else time.time()
        return max(0.0, end - self.started_at)

    @property
    def top_level_calls(self) -> list[ToolCallRecord]:
        return [c for c in self.tool_calls if c.parent_id is None]

    def event(self, kind: str, **data: Any) -> None:
        self.events.append({"kind": kind, "at": time.time(), **data})

    def finish(self, status: Status, output: str = "", error: str | None = None) -> None:
        self.status = status
        if output:
            self.output = output
        self.error = error
        self.ended_at = time.time()

    # ---- serialisation
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(
            success=self.success,
            llm_calls=self.llm_calls,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cost_usd=self.cost_usd,
            duration_s=round(self.duration_s, 4),
        )
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Trace:
        d = dict(d)
        for derived in ("success", "llm_calls", "input_tokens", "output_tokens", "cost_usd", "duration_s"):
            d.pop(derived, None)
        d["model_calls"] = [ModelCallRecord(**m) for m in d.get("model_calls", [])]
        d["tool_calls"] = [ToolCallRecord(**t) for t in d.get("tool_calls", [])]
        return cls(**d)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)

    def to_markdown(self) -> str:
        lines = [
            f"# Run {self.id}",
            "",
            f"- **Goal:** {self.goal}",
            f"- **Agent:** {self.agent}",
            *([f"- **Parent run:** {self.parent_id}"] if self.parent_id else []),
            f"- **Mode:** {self.mode} (requested: {self.requested_mode})",
            f"- **Status:** {self.status}",
            f"- **Model calls:** {self.llm_calls} ({self.input_tokens} in / {self.output_tokens} out tokens)",
            f"- **Cost:** ${self.cost_usd:.6f}" + (" (some calls unpriced)" if self.unpriced else ""),
            f"- **Duration:** {self.duration_s:.3f}s",
            f"- **Started:** {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(self.started_at))} UTC",
            f"- **Format version:** {self.format_version}",
        ]
        if self.mode_reason:
            lines += [
                "",
                "## Why this mode",
                "",
                "```json",
                json.dumps(self.mode_reason, indent=2, default=str),
                "```",
            ]
        if self.tool_calls:
            lines += ["", "## Tool calls", ""]
            for i, c in enumerate(self.tool_calls, 1):
                flag = " (error)" if c.is_error else ""
                denied = f" — **{c.decision}**: {c.decision_reason}" if c.denied else ""
                lines.append(f"{i}. `{c.name}` [{c.source}, turn {c.turn}]{flag}{denied}")
                lines.append(f"   - arguments: `{json.dumps(c.arguments, ensure_ascii=False)}`")
                lines.append(f"   - result: `{_clip(c.result)}` ({c.duration_s * 1000:.1f} ms)")
        if self.model_calls:
            lines += [
                "",
                "## Model calls",
                "",
                "| # | model | in | out | cache w | cache r | cost |",
                "|---|---|---|---|---|---|---|",
            ]
            for i, m in enumerate(self.model_calls, 1):
                cost = "unpriced" if m.cost_usd is None else f"${m.cost_usd:.6f}"
                lines.append(
                    f"| {i} | {m.provider}:{m.model} | {m.input_tokens} | {m.output_tokens} | "
                    f"{m.cache_write_tokens} | {m.cache_read_tokens} | {cost} |"
                )
        if self.events:
            lines += ["", "## Events", ""]
            lines += [
                f"- {e.get('kind')}: {json.dumps({k: v for k, v in e.items() if k not in ('kind', 'at')}, default=str)}"
                for e in self.events
            ]
        lines += ["", "## Answer", "", self.output or "_(none)_"]
        if self.error:
            lines += ["", "## Error", "", self.error]
        return "\n".join(lines) + "\n"


def _clip(text: str, limit: int = 300) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"
