"""Rule 1 for a call's derived arguments: a number the plan works out for a write (a new level =
level + litres, a dose = weight x mg/kg) keeps, against every number of the run that it does not
read, the order it had in every supporting run.

Each input may stay inside the range the evidence saw, and every result value too, while the derived
value passes a limit nothing consumed ("capacity_l", "max_single_mg"): a model that capped the value
or stopped at the limit made the same calls in every supporting run, because the limit was never
reached. A replay that would now pass it stops before the call and the model decides.

    operand  ("arg", step, path)    the value of an argument leaf explained by arithmetic and by no
                                    copy of a value (a copied value is already an operand of its own)

The relations are kept in `Plan.relations` with the others; `live` maps these operands to the run's
values (the recorded arguments of a supporting run, the computed arguments of a replay).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llmos.learning import _arg_dates, _call_totals, _described_tables, _word_tables
from llmos.learning import explain as ex
from llmos.learning._envelope_checks import CMP
from llmos.learning._envelope_facts import Operand, Relation, numbers, sign_allows, sign_of
from llmos.learning.plans import Plan, PlanStep
from llmos.learning.risk import RiskOf, describe

MAX_ARG_RELATIONS = 64
_READ = "read_only"


def _describe(op: Operand) -> str:
    if op[0] == "tok":
        return f"goal number #{op[1]}"
    if op[0] == "tnum":
        return f"number {op[3] + 1} of the step {op[1]} result's text"
    if op[0] == "zero":
        return "0"
    return f"step {op[1]} result {ex.format_path(op[2])}"


def arg_operands(
    steps: Sequence[PlanStep], arguments: Sequence[Any], *, refs: bool = True
) -> list[tuple[Operand, float, set[Any]]]:
    """(operand, value, the references its explanations read) for every derived numeric argument
    (`refs=False`: the references are not listed, an empty set stands for them)."""
    out: list[tuple[Operand, float, set[Any]]] = []
    for s, step in enumerate(steps):
        args = arguments[s] if s < len(arguments) else None
        if not isinstance(args, dict):
            continue
        for leaf in step.leaves:
            kinds = {c[0] for c in leaf.cands}
            if "arith" not in kinds or kinds & {"val", "tmpl"}:  # a copied value is an operand already
                continue
            try:
                v = ex.walk(args, leaf.path)
            except ex.Unavailable:
                continue
            if ex.is_num(v):
                # only the explanations replay uses: a dormant form that reads the limit by a coincidence
                # of rounding ("round((pct + limit) / 100, 1)") computes nothing and must not excuse the order
                used = {r for c in ex.awake(leaf.cands) for r in ex.refs(c)} if refs else set()
                out.append((("arg", s, tuple(leaf.path)), float(v), used))
    return out


def live_values(steps: Sequence[PlanStep], arguments: Sequence[Any]) -> dict[Operand, float]:
    return {op: v for op, v, _used in arg_operands(steps, arguments, refs=False)}


def arg_relations(
    env: ex.Env, echo_paths: list[list[str]], steps: Sequence[PlanStep], arguments: Sequence[Any]
) -> list[Relation]:
    """The order of each derived argument with every number known before its call (those its explanations
    read are left out when checked: which ones they are is known only once the evidence narrowed them)."""
    ops = numbers(env, echo_paths)
    out: list[Relation] = []
    for arg, y, _used in arg_operands(steps, arguments, refs=False):
        s = arg[1]
        for a, x in ops:
            if a[0] in ("res", "tnum") and a[1] >= s:
                continue
            out.append((a, arg, (x > y) - (x < y) if abs(x - y) > 1e-9 else 0))
            if len(out) >= MAX_ARG_RELATIONS:
                return out
    return out


def tool_argument_problem(
    plan: Plan, env: ex.Env, step: int, arguments: dict[str, Any], risk_of: RiskOf | None, tool: str
) -> str | None:
    """`argument_problem` with the tool's risk and what it says of itself, from the risk lookup."""
    return argument_problem(plan, env, step, arguments, risk_of(tool) if risk_of else None, describe(risk_of, tool))


def argument_problem(
    plan: Plan, env: ex.Env, step: int, arguments: dict[str, Any], risk: str | None, described: str | None = None
) -> str | None:
    """Before the call of `step` (not a read): a derived argument whose order with a number of the run
    differs from every supporting run's. `described`: what the step's tool says of itself (its days)."""
    if risk == _READ:
        return None
    why = _arg_dates.problem(
        plan, env, step, arguments, described
    )  # a computed date: its weekday, a date a result lists
    why = why or _call_totals.problem(plan, env, step)  # a total over the calls of the goal's list
    why = why or _word_tables.problem(plan, env, step, arguments)  # a goal word's table: a rival (rule 2)
    why = why or _described_tables.problem(plan, env, step, arguments, described)  # a described table (rule 2)
    if why or plan.support < 2:
        return why
    mine = [r for r in plan.relations if r[1][0] == "arg" and r[1][1] == step]
    if not mine:
        return None
    args: list[Any] = [None] * len(plan.steps)
    args[step] = arguments
    ops = arg_operands(plan.steps, args)
    live = {op: v for op, v, _used in ops}
    used = {op: u for op, _v, u in ops}  # what the kept explanations read: their order follows from arithmetic
    for r in mine:
        if r[0] in used.get(r[1], set()):
            continue
        sign = sign_of(r, env, live)
        if sign is not None and not sign_allows(int(r[2]), sign):
            cmp = CMP[r[2]]
            name = plan.steps[step].name
            return (
                f"{_describe(r[0])} {cmp} {name}.{ex.format_path(r[1][2])} (worked out from this run's values) "
                "in every supporting run, but not now: the model may have capped it or stopped at that limit"
            )
    return None
