"""A replay that stopped and handed the goal to the model: what the trace and `--explain` say.

    record_fallback(ctx, "follower", outcome, plan_id)

The trace gets a `fallback` event (from which mode, why, at which step) that also says whether
the replay had already written something (`after_write`, `writes`): a run whose replay stopped
after a write is never a clean replay. The mode reported is the one actually used from then on
(`learner`), and `mode_reason` keeps the replay's story (`fallback`, `mode_used`).

A tool counts as read-only only when it says so: a built-in `file_read` tool, or an MCP
`readOnlyHint` annotation that nothing the tool says or did contradicts (`tools.hint_trust`). Every
other tool counts as a write (issue 9, rule 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llmos.kernel.context import RunContext
from llmos.tools.base import Tool
from llmos.tools.hint_trust import contradiction
from llmos.trace import ToolCallRecord

READ_ONLY_KINDS = frozenset({"file_read"})


def is_read_only(tool: Tool | None) -> bool:
    if tool is None:
        return False
    if tool.kind in READ_ONLY_KINDS:
        return True
    meta = tool.metadata or {}
    hints = meta.get("annotations")
    if isinstance(hints, dict) and hints.get("readOnlyHint") is True:
        return contradiction(tool) is None  # a hint its name, description or results contradict: a write
    return meta.get("readOnlyHint") is True or meta.get("read_only") is True


def writes_done(ctx: RunContext, records: Sequence[ToolCallRecord]) -> list[str]:
    """The calls (tool names, in order) that may have changed something: allowed, not failed,
    to a tool that is not read-only."""
    return [r.name for r in records if not r.denied and not r.is_error and not is_read_only(ctx.registry.get(r.name))]


def mixed_retry(ctx: RunContext, outcome: Any, plan_id: str | None) -> str | None:
    """After a MIXED attempt (the model guided by a related run, offered that run's tools): why the
    goal goes to the model again as LEARNER, with the agent's full tool set and no example, or None.

    The rule: a guided attempt that did not finish (failed, or the model gave up in words) and that
    changed nothing (no write done) is retried once, since the related run may not fit this goal
    (its tools may not be the ones this goal needs). After a write it is never retried (the retry could
    repeat the write); the run then fails honestly. The trace gets a `fallback` event from "mixed",
    and such a run is no evidence for a plan (its calls mix two attempts: LearningEngine.observe)."""
    from llmos.kernel.outcome import unfinished
    from llmos.learning.risk import registry_risk

    why = (
        outcome.error
        if outcome.status != "success"
        else unfinished(ctx.trace, outcome.output, registry_risk(ctx.registry))
    )
    if not why:
        return None
    writes = writes_done(ctx, ctx.trace.tool_calls)
    if writes:
        return None
    info: dict[str, Any] = {
        "from_mode": "mixed",
        "reason": str(why)[:300],
        "step": len(ctx.trace.tool_calls),
        "plan_id": plan_id,
        "after_write": False,
        "writes": [],
    }
    reason = f"the mixed attempt (guided by plan {plan_id}) did not finish and wrote nothing: {info['reason']}"
    _to_learner(ctx, info, reason)
    return reason


def _to_learner(ctx: RunContext, info: dict[str, Any], why: str) -> None:
    """The trace's record of a hand-over to the model: a `fallback` event, mode `learner` from now on."""
    ctx.trace.event("fallback", **info)
    ctx.trace.mode = "learner"
    ctx.trace.mode_reason = {**ctx.trace.mode_reason, "fallback": info, "mode_used": "learner", "fallback_reason": why}


def record_fallback(ctx: RunContext, from_mode: str, outcome: Any, plan_id: str | None) -> dict[str, Any]:
    """Mark the trace: the replay stopped, the model takes over. Returns the fallback record."""
    writes = writes_done(ctx, list(getattr(outcome, "records", []) or []))
    info: dict[str, Any] = {
        "from_mode": from_mode,
        "reason": getattr(outcome, "diverged", None),
        "step": getattr(outcome, "step", 0),
        "plan_id": plan_id,
        "after_write": bool(writes),
        "writes": writes,
    }
    why = f"the {from_mode} replay fell back to the model at step {info['step']}: {info['reason']}"
    if writes:
        why += f" (after the write(s) {', '.join(writes)}: never a clean replay)"
    _to_learner(ctx, info, why)
    if writes:
        ctx.trace.metadata["fallback_after_write"] = writes
    return info
