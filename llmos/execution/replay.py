"""FOLLOWER: replay a learned plan with new slot values, without the model.

Every call goes through `execute_tool_calls` (source="replay"), so the hook chain (security policy,
budget, confirmations, user hooks) sees it exactly as it sees a model's call. Calls of one
recorded turn run concurrently. The replay stops (and the runtime lets the model continue) when:

- the explanations of an argument disagree with live values, or need a value that is missing;
- a tool call is denied, or fails (a transient-looking failure is retried `retries` times first);
- a result's JSON shape is one the plan never saw;
- rule 1, before a group of calls while a step that is not read-only is ahead: a value of the
  previous group's results that no argument consumes is outside what the supporting runs saw
  (`learning/_seen.py`); explanations that disagree on a live value (rule 2) stop it too;
- a result is outside the evidence envelope (`learning/envelope.py`): a value that was the same in
  every supporting trace changes, two numbers are in the other order than in every supporting
  trace, or (when a later argument is a constant that might depend on it) a number falls outside
  the range the supporting traces saw. These stops are precautions: the trace gets an "envelope"
  event, and the learning layer does not count them against the plan. Rule 3: the checks that can
  run before a write run before it (rule 1's before each group); a check of a write's own result is
  no guard, it only hands what is left to the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from llmos.kernel.context import RunContext
from llmos.kernel.toolcall import execute_tool_call, execute_tool_calls
from llmos.learning import branches, envelope
from llmos.learning.replay_plan import BoundPlan, BoundPlans, Stop
from llmos.learning.risk import registry_risk
from llmos.learning.selection import ModeDecision
from llmos.models.base import ToolCall
from llmos.trace import ToolCallRecord

TRANSIENT_RE = re.compile(
    r"temporar|unavailable|try again|retry|timed? ?out|timeout|\b429\b|\b503\b|\b502\b|rate.?limit"
    r"|overloaded",
    re.IGNORECASE,
)


@dataclass
class ReplayOutcome:
    success: bool
    output: str
    records: list[ToolCallRecord] = field(default_factory=list)  # top-level calls done, in order
    diverged: str | None = None
    step: int = 0  # the plan step where the replay stopped (number of steps done on success)


def is_transient(record: ToolCallRecord) -> bool:
    return record.is_error and not record.denied and bool(TRANSIENT_RE.search(record.result[:500]))


async def replay(ctx: RunContext, decision: ModeDecision, *, retries: int = 1) -> ReplayOutcome:
    """Run the decision's plan, bound to this goal by the learning layer, which answers "the next
    calls" and "may I go on after this result". Zero model calls; never raises for a divergence."""
    plan = decision.plan
    records: list[ToolCallRecord] = []
    if plan is None:
        return ReplayOutcome(False, "", records, "the decision carries no plan", 0)
    risk_of = registry_risk(ctx.registry)
    bound: BoundPlan | None = None
    base_turn = ctx.turn
    previous: list[int] = []
    try:
        siblings = sibling_tools(ctx.registry, plan.tool_names)  # a declined goal names one of them
        bound = BoundPlans.bind_all(plan, decision.companions, decision.goal, decision.slots, risk_of, siblings)
        # a branch set (learning/branches.py): the other paths, bound too, until the common calls are done
        others = [
            BoundPlan.bind(p, decision.goal, decision.slots, risk_of, sibling_tools(ctx.registry, p.tool_names))
            for p in decision.branches[1:]
        ]
        # a set of one path (the others' plans do not match this goal) still has its path picked
        pick = bool(decision.branches)
        prefix = int(decision.reason.get("branch", {}).get("prefix_groups", 0)) if pick else 0
        fit: dict[str, str] = {}
        g_index = 0
        while True:
            if pick and g_index == prefix:  # the calls differ from here: the live results pick the path
                # (also when the primary path ends with the common calls: the chosen one may go on)
                bound = _choose(ctx, [bound, *others], fit, [i for g in bound.groups()[:prefix] for i in g])
                others, pick = [], False
            if g_index >= len(bound.groups()):
                break
            idxs = bound.groups()[g_index]
            planned = bound.calls(idxs)
            _same_calls(others, idxs, planned)
            for i, name, _args in planned:
                if ctx.registry.get(name) is None:
                    raise Stop(f"the tool {name} is not available", i)
            if not pick:  # (before the branch: the paths' common reads, checked at the branch by `choose`)
                try:
                    bound.check_before(previous, ctx.config.learning.noise_min_runs)  # rule 1: before side effects
                finally:
                    _note_noise(ctx, bound)
            calls = [ToolCall("", name, arguments) for _i, name, arguments in planned]
            turn = base_turn + g_index + 1
            done = await execute_tool_calls(ctx, calls, source="replay", turn=turn)
            records.extend(done)
            ctx.turn = turn  # before any stop: the model's turns come after this group, not inside it
            for i, call, rec in zip(idxs, calls, done, strict=True):
                rec = await _retry(ctx, call, rec, retries, turn, records)
                try:
                    _take(bound, others, i, rec, fit, ctx.config.learning.noise_min_runs, pick)
                finally:
                    _note_noise(ctx, bound)
            if pick:
                _after_all([bound, *others], idxs, fit)
            else:
                bound.after_group(idxs)
            previous = idxs
            g_index += 1
        try:
            bound.check_end(previous, ctx.config.learning.noise_min_runs)  # a conditional goal's answer
            output = bound.answer(ctx.config.learning.noise_min_runs)  # rule 5: may stop (the model then states it)
        finally:
            _note_noise(ctx, bound)
    except Stop as d:
        if d.precaution:
            after = bound.after_write(d) if bound is not None else False
            pid = bound.plan.id if bound is not None else plan.id
            ctx.trace.event("envelope", plan_id=pid, reason=d.reason, step=d.step, after_write=after, check=d.check)
        return ReplayOutcome(False, "", records, d.reason, d.step)
    return ReplayOutcome(True, output, records, None, len(bound.plan.steps))


def _same_calls(others: list[BoundPlan], idxs: list[int], planned: list[tuple[int, str, dict[str, object]]]) -> None:
    """The paths of a branch set make the same common calls, with the same arguments."""
    for other in others:
        if [(n, a) for _i, n, a in other.calls(idxs)] != [(n, a) for _i, n, a in planned]:
            raise Stop(f"{envelope.PRECAUTION}: branch: the paths make other common calls", idxs[0], True)


def _take(
    bound: BoundPlan,
    others: list[BoundPlan],
    i: int,
    rec: ToolCallRecord,
    fit: dict[str, str],
    noise_runs: int,
    pick: bool = False,
) -> None:
    """May the replay go on after this result (a failure stops it); before a branch (`pick`, also for a
    set of one path), which paths it fits: the branch (`choose`) stops when none does."""
    if not pick or rec.is_error or rec.denied:
        bound.accept(i, rec, noise_runs)
    if pick:
        _accept_all([bound, *others], i, rec, fit, noise_runs)


def _accept_all(bounds: list[BoundPlan], i: int, rec: ToolCallRecord, fit: dict[str, str], noise_runs: int) -> None:
    for b in bounds:
        if b.plan.id not in fit:
            try:
                b.accept(i, rec, noise_runs)
            except Stop as e:
                fit[b.plan.id] = e.reason


def _after_all(bounds: list[BoundPlan], idxs: list[int], fit: dict[str, str]) -> None:
    for b in bounds:
        if b.plan.id not in fit:
            try:
                b.after_group(idxs)
            except Stop as e:
                fit[b.plan.id] = e.reason


def _choose(ctx: RunContext, bounds: list[BoundPlan], fit: dict[str, str], steps: list[int]) -> BoundPlan:
    """The path whose evidence the live results fit (`branches.choose`), said in the trace."""
    note: dict[str, object] = {"plans": [b.plan.id for b in bounds], "not_taken": dict(fit)}
    ctx.trace.mode_reason["branch_taken"] = note
    try:
        chosen = branches.choose(bounds, fit, steps, ctx.config.learning.noise_min_runs)
    finally:  # why each path was not taken, also when none was (the model then decides)
        note["not_taken"] = dict(fit)
    note["taken"] = chosen.plan.id
    note["why"] = f"the results of the common calls fit plan {chosen.plan.id}'s evidence, and no other path's"
    ctx.trace.plan_id = chosen.plan.id
    return chosen


def sibling_tools(registry: Any, names: list[str]) -> list[str]:
    """The tools of the sources (servers) whose tools the plan calls: a declined goal names one of them
    (generated, built-in and other servers' tools are not the plan's alternatives)."""
    sources = {t.source for n in names if (t := registry.get(n)) is not None}
    return [t.name for t in registry if t.source in sources]


def _note_noise(ctx: RunContext, bound: BoundPlan) -> None:
    if bound.noise:
        ctx.trace.mode_reason.setdefault("envelope_noise", []).extend(bound.noise)
        bound.noise = []


async def _retry(
    ctx: RunContext,
    call: ToolCall,
    rec: ToolCallRecord,
    retries: int,
    turn: int,
    records: list[ToolCallRecord],
) -> ToolCallRecord:
    attempts = 0
    while is_transient(rec) and attempts < retries:
        attempts += 1
        rec = await execute_tool_call(ctx, ToolCall("", call.name, dict(call.arguments)), source="replay", turn=turn)
        records.append(rec)
    return rec
