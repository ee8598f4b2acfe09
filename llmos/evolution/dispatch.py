"""CRYSTALLIZED execution: one call of a generated tool, through the hook chain, zero model calls.

    outcome = await run_crystallized(ctx, decision, tool)     # -> ReplayOutcome (as FOLLOWER)

The goal's slot values (read from the goal's tokens at the module's slot positions) become the
tool's arguments; the call is `execute_tool_call(..., source="crystallized")`, and the tool's
body makes every inner call through `ctx.call_tool` (each one through the hook chain, recorded
with `parent_id`). When the tool stops (a failed call, a result that breaks an assumption) the
outcome is `diverged`, and `records` holds the inner calls done so far as top-level calls, one
turn per plan group, so `execution.continuation.continuation(goal, records)` lets the model
continue from there.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from llmos.evolution import support
from llmos.evolution._direct import checks_for
from llmos.execution.replay import ReplayOutcome
from llmos.kernel.context import RunContext
from llmos.kernel.toolcall import execute_tool_call
from llmos.learning.goals import Token, tokenize_goal
from llmos.learning.replay_plan import goal_tokens
from llmos.models.base import ToolCall
from llmos.tools.base import Tool
from llmos.trace import ToolCallRecord


def _tokens(decision: Any) -> list[Token]:
    plan = getattr(decision, "plan", None)
    if plan is not None:  # the goal as the plan reads it (a slot may take several words)
        return goal_tokens(plan, getattr(decision, "goal", ""), getattr(decision, "slots", {}))
    if getattr(decision, "goal", ""):
        return tokenize_goal(decision.goal)
    return []


def slot_arguments(tool: Tool, decision: Any) -> tuple[dict[str, Any] | None, str]:
    """The tool's arguments for this goal, or (None, why the goal does not fit the module)."""
    skeleton = [tuple(t) for t in tool.metadata.get("skeleton", [])]
    slots = {int(pos): param for pos, param in tool.metadata.get("slots", [])}
    tokens = _tokens(decision)
    if len(tokens) != len(skeleton):
        return None, "the goal does not match the crystallized tool's skeleton (length)"
    for i, (tok, (kind, text)) in enumerate(zip(tokens, skeleton, strict=True)):
        if i not in slots and (tok.kind != kind or tok.text != text):
            return None, f"the goal differs from the crystallized skeleton at word {i + 1} ({tok.text!r})"
    return {param: tokens[pos].typed() for pos, param in sorted(slots.items())}, ""


async def run_crystallized(ctx: RunContext, decision: Any, tool: Tool) -> ReplayOutcome:
    """Run the crystallized tool for this decision. Never raises for a divergence (see `diverged`)."""
    arguments, why = slot_arguments(tool, decision)
    if arguments is None:
        return ReplayOutcome(False, "", [], why, 0)
    if ctx.registry.get(tool.name) is not tool:
        return ReplayOutcome(False, "", [], f"the crystallized tool {tool.name} is no longer registered", 0)
    call_id = "call_" + uuid.uuid4().hex[:12]
    base_turn = ctx.turn
    progress = support.watch(call_id)
    progress.plan = getattr(decision, "plan", None)  # the live plan: its evidence envelope is checked too
    progress.risk_of, progress.tools = checks_for(ctx.registry, progress.plan)
    try:
        record = await execute_tool_call(
            ctx, ToolCall(call_id, tool.name, arguments), source="crystallized", turn=base_turn + 1
        )
    finally:
        support.unwatch(call_id)
    ctx.turn = base_turn + 1
    _number_turns(ctx, record, progress, base_turn)
    steps = int(tool.metadata.get("steps", 0))
    if not record.is_error:
        return ReplayOutcome(True, record.result, [record], None, steps)
    records = _top_level(ctx, record, progress, base_turn)
    if records:
        ctx.turn = max(r.turn for r in records)
    reason = progress.diverged or (
        record.decision_reason if record.denied else record.result.removeprefix("ERROR: ")[:500]
    )
    step = progress.step if progress.step is not None else progress.steps_done
    if progress.precaution:  # as FOLLOWER replay marks it: the learning layer does not count it against the plan
        plan = getattr(decision, "plan", None)
        after = bool(
            plan is not None
            and step < len(plan.steps)
            and progress.step_ran(step)
            and progress.risk_of(plan.steps[step].name) in ("write", "destructive")
        )
        ctx.trace.event(
            "envelope",
            plan_id=getattr(decision, "plan_id", None),
            reason=reason,
            step=step,
            after_write=after,
            check=progress.check,
        )
    return ReplayOutcome(False, "", records, reason, step)


def _turns(progress: support.Progress, base_turn: int) -> dict[str, int]:
    """Inner record id -> turn: one turn per plan group, in order, after the tool's own turn."""
    group_of = dict(progress.calls)
    turn_of = {g: base_turn + 1 + n for n, g in enumerate(sorted(set(group_of.values())))}
    return {rid: turn_of[g] for rid, g in group_of.items()}


def _number_turns(ctx: RunContext, parent: ToolCallRecord, progress: support.Progress, base_turn: int) -> None:
    """Give the inner calls in the trace the turns of their plan groups, so that learning reads the
    run like a replay of the plan (groups, order) and later model turns come after them."""
    turns = _turns(progress, base_turn)
    for r in ctx.trace.tool_calls:
        if r.parent_id == parent.id and r.id in turns:
            r.turn = turns[r.id]
    if turns:
        ctx.turn = max(ctx.turn, *turns.values())


def _top_level(
    ctx: RunContext, parent: ToolCallRecord, progress: support.Progress, base_turn: int
) -> list[ToolCallRecord]:
    """The inner calls of `parent`, as top-level calls with one turn per plan group (in order)."""
    group_of = dict(progress.calls)
    groups = sorted(set(group_of.values()))
    turn_of = {g: base_turn + 1 + n for n, g in enumerate(groups)}
    out = []
    for r in ctx.trace.tool_calls:
        if r.parent_id == parent.id and r.id in group_of:
            out.append(dataclasses.replace(r, parent_id=None, turn=turn_of[group_of[r.id]]))
    out.sort(key=lambda r: r.turn)  # stable: calls of one group keep their trace order
    return out
