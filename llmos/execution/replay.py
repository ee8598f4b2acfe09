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

import copy
import re
from dataclasses import dataclass, field

from llmos.kernel.context import RunContext
from llmos.kernel.toolcall import execute_tool_call, execute_tool_calls
from llmos.learning import answers, envelope
from llmos.learning import explain as ex
from llmos.learning.goals import Token, tokenize
from llmos.learning.plans import Plan, coerce, match, path_key, result_shape, set_path
from llmos.learning.risk import RiskOf, registry_risk
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


def goal_tokens(plan: Plan, decision: ModeDecision) -> list[Token]:
    """The goal's tokens (from the decision's goal, else the skeleton with the slot values)."""
    if decision.goal:
        return tokenize(decision.goal)
    tokens = list(plan.skeleton)
    for pos, slot in plan.slots.items():
        if slot.name in decision.slots:
            v = decision.slots[slot.name]
            tokens[pos] = Token("number" if ex.is_num(v) else tokens[pos].kind, str(v))
    return tokens


class _Diverged(Exception):
    def __init__(self, reason: str, step: int, precaution: bool = False, check: str = "") -> None:
        super().__init__(reason)
        self.reason, self.step, self.precaution = reason, step, precaution
        self.check = check  # "result": a check of step's own result (rule 3 asks where it ran)


async def replay(ctx: RunContext, decision: ModeDecision, *, retries: int = 1) -> ReplayOutcome:
    """Run the decision's plan. Zero model calls; never raises for a divergence (see `diverged`)."""
    plan = decision.plan
    records: list[ToolCallRecord] = []
    if plan is None:
        return ReplayOutcome(False, "", records, "the decision carries no plan", 0)
    tokens = goal_tokens(plan, decision)
    m = match(plan, tokens)
    if m is None or not m.full:
        return ReplayOutcome(False, "", records, "the goal does not match the plan's skeleton", 0)
    env = ex.Env(tokens, [None] * len(plan.steps), [ex.NOT_JSON] * len(plan.steps))
    groups = sorted({s.group for s in plan.steps})
    args: list[dict[str, object] | None] = [None] * len(plan.steps)  # each step's arguments, for the answer
    base_turn = ctx.turn
    risk_of = registry_risk(ctx.registry)
    previous: list[int] = []
    try:
        why = envelope.goal_problem(plan, tokens)
        if why:
            raise _Diverged(why, 0, precaution=True)
        for g_index, group in enumerate(groups):
            idxs = [i for i, s in enumerate(plan.steps) if s.group == group]
            calls = [ToolCall("", plan.steps[i].name, _arguments(plan, i, env)) for i in idxs]
            for i, call in zip(idxs, calls, strict=True):
                args[i] = copy.deepcopy(call.arguments)
                if ctx.registry.get(call.name) is None:
                    raise _Diverged(f"the tool {call.name} is not available", i)
            _check_seen(ctx, plan, env, args, previous, risk_of)  # rule 1: before the side effects
            turn = base_turn + g_index + 1
            done = await execute_tool_calls(ctx, calls, source="replay", turn=turn)
            records.extend(done)
            ctx.turn = turn  # before any stop: the model's turns come after this group, not inside it
            for i, call, rec in zip(idxs, calls, done, strict=True):
                rec = await _retry(ctx, call, rec, retries, turn, records)
                _verify(plan, i, rec, env)
            for i in idxs:
                why = envelope.relation_problem(plan, env, i)
                if why:
                    raise _Diverged(why, i, precaution=True)
            previous = idxs
    except _Diverged as d:
        if d.precaution:
            after = _after_write(plan, env, d, risk_of)
            ctx.trace.event("envelope", plan_id=plan.id, reason=d.reason, step=d.step, after_write=after, check=d.check)
        return ReplayOutcome(False, "", records, d.reason, d.step)
    return ReplayOutcome(True, _answer(plan, env, args), records, None, len(plan.steps))


def _after_write(plan: Plan, env: ex.Env, d: _Diverged, risk_of: RiskOf) -> bool:
    """Rule 3: whether the stop came from the result of a non-idempotent write that already ran: such a
    check is no guard (the damage is done), and learning does not forgive it as a precaution."""
    ran = d.step < len(env.texts) and env.texts[d.step] is not None
    return ran and risk_of(plan.steps[d.step].name) in ("write", "destructive")


def _arguments(plan: Plan, i: int, env: ex.Env) -> dict[str, object]:
    step = plan.steps[i]
    args = copy.deepcopy(step.arguments)
    for leaf in step.leaves:
        try:
            value = coerce(ex.evaluate_all(leaf.cands, env), leaf.type)
        except ex.Disagree as e:  # rule 2: the evidence cannot tell which is right; the model decides
            raise _Diverged(
                f"{envelope.PRECAUTION}: {step.name}.{ex.format_path(leaf.path)}: explanations disagree ({e})",
                i,
                precaution=True,
            ) from None
        except (ex.Unavailable, ArithmeticError, ValueError, TypeError) as e:
            raise _Diverged(f"{step.name}.{ex.format_path(leaf.path)}: {e}", i) from None
        set_path(args, leaf.path, value)
    return args


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


def _check_seen(
    ctx: RunContext, plan: Plan, env: ex.Env, args: list[dict[str, object] | None], steps: list[int], risk_of: RiskOf
) -> None:
    """Rule 1: the results of `steps` (the group before the one about to run) stay inside what the
    evidence saw while a step that changes the world is ahead. Noise let through is on the trace."""
    for i in steps:
        why, noise = envelope.seen_problem(plan, env, list(args), i, ctx.config.learning.noise_min_runs, risk_of)
        if noise:
            ctx.trace.mode_reason.setdefault("envelope_noise", []).extend(
                f"{plan.steps[i].name}: {n} treated as noise" for n in noise
            )
        if why:
            raise _Diverged(f"{envelope.PRECAUTION}: {why}", i, precaution=True)


def _verify(plan: Plan, i: int, rec: ToolCallRecord, env: ex.Env) -> None:
    step = plan.steps[i]
    if rec.denied:
        raise _Diverged(f"{step.name} was denied: {rec.decision_reason}", i)
    if rec.is_error:
        raise _Diverged(f"{step.name} failed: {rec.result[:300]}", i)
    if rec.original_arguments is not None:
        raise _Diverged(f"a hook rewrote the arguments of {step.name}", i)
    parsed = ex.parse_result(rec.result)
    shp = result_shape(parsed)
    if step.result_shapes and shp not in step.result_shapes:
        raise _Diverged(f"{step.name} returned a result of a shape the plan never saw", i)
    env.texts[i] = rec.result
    env.parsed[i] = parsed
    _check_envelope(plan, i, parsed)


def _check_envelope(plan: Plan, i: int, parsed: object) -> None:
    """Stop when a result leaves what every supporting run saw (see the module docstring)."""
    step = plan.steps[i]
    if step.const_results and plan.fixed_leaf_after(i):
        live = {path_key(p): v for p, v in ex.leaves(parsed)}
        for key, value in step.const_results.items():
            if key in live and not ex.same(live[key], value):
                raise _Diverged(
                    f"{step.name} returned {live[key]!r} at {key} where every supporting run saw "
                    f"{value!r}, and a later argument is a constant that may depend on it",
                    i,
                )
    why = envelope.result_problem(plan, i, parsed)
    if why:
        raise _Diverged(why, i, precaution=True, check="result")


def _answer(plan: Plan, env: ex.Env, args: list[dict[str, object] | None]) -> str:
    """Only values of this run: the plan's verified answer template, else a listing of the results."""
    return answers.final_answer(plan.answer, [s.name for s in plan.steps], env, args)
