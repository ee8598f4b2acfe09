"""The evidence envelope: facts about tool results that held in every supporting run of a plan.

A plan's explanations say how each argument was computed, but not *why the model made these calls
at all*. A model that branches on a tool result ("set the budget only when it is over the cap",
"page the team only for a high-priority ticket") leaves no trace of the branch in runs that all
took the same side. What those runs do share are facts about the results they saw:

- a result value that was the same in every run (`PlanStep.const_results`: priority "high");
- the order of two numbers (`Plan.relations`): a numeric result against a number of the goal,
  against another numeric result, or against zero (`amount > cap` in every run).

A replay that sees one of these facts broken is outside the evidence: the model's branch may go
the other way, so the replay stops and the model continues (a *precaution*, not a failure of the
plan). The model's run then teaches the plan: the fact is dropped (same calls) or the skeleton is
marked as branching (other calls).

    Operand  = ("tok", position) | ("res", step, path) | ("zero",)
    Relation = (a, b, sign)          sign of a - b in every supporting run: -1, 0 or 1
"""

from __future__ import annotations

import json
from typing import Any

from llmos.learning import explain as ex
from llmos.learning.goals import Token
from llmos.learning.plans import Plan, path_key

Operand = tuple[Any, ...]
Relation = tuple[Operand, Operand, int]

MAX_NUMBERS_PER_STEP = 12
MAX_OPERANDS = 32
MAX_RELATIONS = 200
ZERO: Operand = ("zero",)
MAX_PICKED_CHARS = 40
MAX_PICKED_WORDS = 3
PRECAUTION = "outside the evidence"  # the start of every reason this module gives


def _sign(x: float) -> int:
    if abs(x) <= 1e-9:
        return 0
    return 1 if x > 0 else -1


def numbers(env: ex.Env, echo_paths: list[list[str]]) -> list[tuple[Operand, float]]:
    """Numeric operands of one run: goal numbers, then numeric result leaves that are not echoes
    of the call's own arguments (an echo is decided by the plan's explanations, not by the world)."""
    out: list[tuple[Operand, float]] = []
    for i, t in enumerate(env.tokens):
        if t.kind == "number":
            v = t.typed()
            assert not isinstance(v, str)
            out.append((("tok", i), float(v)))
    for s, parsed in enumerate(env.parsed):
        if env.texts[s] is None:
            continue
        echo = set(echo_paths[s]) if s < len(echo_paths) else set()
        n = 0
        for path, v in ex.leaves(parsed):
            if ex.is_num(v) and path_key(path) not in echo:
                out.append((("res", s, path), float(v)))
                n += 1
                if n >= MAX_NUMBERS_PER_STEP:
                    break
    return out[:MAX_OPERANDS]


def relations(env: ex.Env, echo_paths: list[list[str]]) -> list[Relation]:
    """Every relation between a numeric result and another number (or zero) in one run."""
    ops = numbers(env, echo_paths)
    out: list[Relation] = []
    for j, (b, y) in enumerate(ops):
        if b[0] != "res":
            continue
        out.append((b, ZERO, _sign(y)))
        for a, x in ops[:j]:
            out.append((a, b, _sign(x - y)))
            if len(out) >= MAX_RELATIONS:
                return out
    return out


def value(op: Operand, env: ex.Env) -> float | None:
    """The operand's live value; None when it is not available (yet) or not a number."""
    if op[0] == "zero":
        return 0.0
    try:
        v = ex.number_of(op, env)
    except (ex.Unavailable, IndexError):
        return None
    return float(v)


def sign_of(rel: Relation, env: ex.Env) -> int | None:
    a, b = value(rel[0], env), value(rel[1], env)
    if a is None or b is None:
        return None
    return _sign(a - b)


def keep_holding(rels: list[Relation], env: ex.Env) -> list[Relation]:
    """The relations that also hold in this run (a relation it cannot evaluate is dropped)."""
    return [r for r in rels if sign_of(r, env) == r[2]]


# ---------------------------------------------------------------- the checks a replay makes
def goal_problem(plan: Plan, tokens: list[Token]) -> str | None:
    """Before any call. A constant argument (the same in every supporting run, and short: a name, a
    number, a flag) may depend on a word of the goal (a city picks a carrier): a slot word the
    evidence never showed is outside it.
    Identifiers (words with digits), numbers and quoted text are not checked: they are new in
    almost every goal."""
    if not plan.slots or not _picked_constant(plan):
        return None
    for pos, slot in sorted(plan.slots.items()):
        tok = tokens[pos] if pos < len(tokens) else None
        if tok is None or tok.kind != "word" or any(ch.isdigit() for ch in tok.text) or tok.text in slot.values:
            continue
        return (
            f"{PRECAUTION}: {slot.name} = {tok.text!r} was never seen, and an argument that was "
            "the same in every supporting run may depend on it"
        )
    return None


def _picked_constant(plan: Plan) -> bool:
    """Whether an argument is the same in every supporting run, is not a word of the goal, and looks
    picked from a few choices (a number, a flag or a short name like "DHL"; not boilerplate text)."""
    for step in plan.steps:
        for leaf in step.leaves:
            if any(ex.uses_results(c) or ex.token_positions(c) for c in leaf.cands):
                continue  # computed from results or slots, or a word of the goal itself: not picked
            for c in leaf.cands:
                if c[0] != "const":
                    continue
                v = json.loads(c[1])
                if not isinstance(v, str) or (len(v) <= MAX_PICKED_CHARS and len(v.split()) <= MAX_PICKED_WORDS):
                    return True
    return False


def result_problem(plan: Plan, i: int, parsed: Any) -> str | None:
    """After step i returned `parsed`. A value that was the same in every supporting run (two or
    more) changed; or, when a later argument is a constant that may depend on it, a number is
    outside the range every supporting run saw. Echoes of the call's own arguments are not facts."""
    step = plan.steps[i]
    fixed_after = plan.fixed_leaf_after(i)
    check_consts = plan.support >= 2 and bool(step.const_results)
    if not check_consts and not (fixed_after and step.ranges):
        return None
    live = {path_key(p): v for p, v in ex.leaves(parsed)}
    echo = set(step.echo_paths)
    if check_consts:
        for key, want in step.const_results.items():
            if key in live and key not in echo and not ex.same(live[key], want):
                return (
                    f"{PRECAUTION}: {step.name} returned {live[key]!r} at {key} where every supporting "
                    f"run saw {want!r}: the model may have decided on it"
                )
    if fixed_after:
        for key, (lo, hi) in step.ranges.items():
            v = live.get(key)
            if isinstance(v, int | float) and key not in echo and not lo - 1e-9 <= v <= hi + 1e-9:
                return (
                    f"{PRECAUTION}: {step.name} returned {v!r} at {key}, outside [{lo}, {hi}] seen in every "
                    "supporting run, and a later argument is a constant that may depend on it"
                )
    return None


def relation_problem(plan: Plan, env: ex.Env, step: int) -> str | None:
    """After step `step`'s result is in `env`: a relation of the plan that its live values break."""
    why = broken(plan.relations, env, step)
    return f"{PRECAUTION}: {why}" if why else None


def broken(rels: list[Relation], env: ex.Env, step: int) -> str | None:
    """A relation involving step `step`'s result that the live values break (its description)."""
    for r in rels:
        if not any(op[0] == "res" and op[1] == step for op in r[:2]):
            continue
        s = sign_of(r, env)
        if s is not None and s != r[2]:
            return f"{_describe(r[0])} {_CMP[r[2]]} {_describe(r[1])} in every supporting run, but not now"
    return None


_CMP = {-1: "<", 0: "=", 1: ">"}


def _describe(op: Operand) -> str:
    if op[0] == "zero":
        return "0"
    if op[0] == "tok":
        return f"goal number #{op[1]}"
    return f"step {op[1]} result {ex.format_path(op[2])}"


def to_json(rels: list[Relation]) -> list[Any]:
    return [ex.to_json(r) for r in rels]


def from_json(data: list[Any]) -> list[Relation]:
    out: list[Relation] = []
    for r in data:
        a, b, s = ex.from_json(r)
        out.append((a, b, int(s)))
    return out
