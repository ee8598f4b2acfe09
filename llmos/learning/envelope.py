"""The evidence envelope: facts about tool results that held in every supporting run of a plan.

A plan's explanations say how each argument was computed, but not *why the model made these calls
at all*. A model that branches on a tool result ("set the budget only when it is over the cap",
"page the team only for a high-priority ticket") leaves no trace of the branch in runs that all
took the same side. What those runs do share are facts about the results they saw:

- a result value that was the same in every run (`PlanStep.const_results`: priority "high");
- the order of two numbers (`Plan.relations`): a numeric result against a number of the goal,
  against another numeric result, or against zero (`amount > cap` in every run);
- the length of a list in a result (`PlanStep.lengths`): a model that loops over a list ("e-mail
  every member") or tests it for emptiness ("register unless found") made as many calls as it had
  items; a list of another length may need other calls (or none);
- whether a goal word (or number) is one of a result's values (`Plan.memberships`): "add Quinn to
  the channel" when Quinn was never among its members; a replay that finds Quinn there stops;
- when a later argument is a constant that may have been picked from a few choices (a carrier, a
  service level): the numbers of the goal stay within the range the evidence saw (`Slot.span`), and
  a short text result (a tier, a zone) is one of the few values the evidence saw
  (`PlanStep.categories`).

A replay that sees one of these facts broken is outside the evidence: the model's branch may go
the other way, so the replay stops and the model continues (a *precaution*, not a failure of the
plan). The model's run then teaches the plan: the fact is dropped (same calls) or the skeleton is
marked as branching (other calls).

    Operand  = ("tok", position) | ("res", step, path) | ("zero",)
    Relation = (a, b, sign)          sign of a - b in every supporting run: -1, 0 or 1
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from llmos.learning import explain as ex
from llmos.learning.goals import STOPWORDS, Token
from llmos.learning.plans import Plan, Slot, path_key

Operand = tuple[Any, ...]
Relation = tuple[Operand, Operand, int]
Membership = tuple[int, int, int]  # (goal token position, step, 1 present / 0 absent)

MAX_NUMBERS_PER_STEP = 12
MAX_OPERANDS = 32
MAX_RELATIONS = 200
ZERO: Operand = ("zero",)
MAX_PICKED_CHARS = 40
MAX_PICKED_WORDS = 3
MAX_LISTS = 24  # list lengths kept per step
MAX_CATEGORIES = 8  # distinct short texts a categorical result path may take (more: not categorical)
MAX_MEMBER_TOKENS = 24
PRECAUTION = "outside the evidence"
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")  # the start of every reason this module gives


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


# ---------------------------------------------------------------- list lengths, categories, membership
def list_lengths(parsed: Any, path: ex.Path = (), depth: int = 0, out: dict[str, int] | None = None) -> dict[str, int]:
    """json(path) -> length of every list in a result (the whole result included), bounded."""
    out = {} if out is None else out
    if len(out) >= MAX_LISTS or depth > 6:
        return out
    if isinstance(parsed, list):
        out[path_key(path)] = len(parsed)
        for i, v in enumerate(parsed[:MAX_LISTS]):
            list_lengths(v, (*path, i), depth + 1, out)
    elif isinstance(parsed, dict):
        for k, v in parsed.items():
            list_lengths(v, (*path, str(k)), depth + 1, out)
    return out


def same_lengths(kept: dict[str, int], live: dict[str, int]) -> dict[str, int]:
    return {k: n for k, n in kept.items() if live.get(k) == n}


def _short_text(v: Any) -> bool:
    return isinstance(v, str) and 0 < len(v) <= MAX_PICKED_CHARS and len(v.split()) <= MAX_PICKED_WORDS


def categories(parsed: Any, echo_paths: list[str]) -> dict[str, list[str]]:
    """json(path) -> [value] for every short text leaf of a result that is not an echo of an argument."""
    echo = set(echo_paths)
    out: dict[str, list[str]] = {}
    for n, (p, v) in enumerate(ex.leaves(parsed)):
        if n >= ex.MAX_LEAVES:
            break
        key = path_key(p)
        if _short_text(v) and key not in echo:
            out[key] = [v]
    return out


def union_categories(kept: dict[str, list[str]], live: dict[str, list[str]]) -> dict[str, list[str]]:
    """Paths known in both, with the values of both; a path with too many values is not categorical."""
    out: dict[str, list[str]] = {}
    for k, vals in kept.items():
        if k not in live:
            continue
        merged = list(dict.fromkeys([*vals, *live[k]]))
        if len(merged) <= MAX_CATEGORIES:
            out[k] = merged
    return out


def _token_value(tok: Token) -> Any:
    return tok.typed()


def is_member(tok: Token, parsed: Any) -> bool:
    """Whether a goal token's value is one of a result's scalar values (texts compared without case)."""
    want = _token_value(tok)
    for n, (_p, v) in enumerate(ex.leaves(parsed)):
        if n >= ex.MAX_LEAVES:
            break
        if isinstance(want, str):
            if isinstance(v, str) and v.casefold() == want.casefold():
                return True
        elif ex.is_num(v) and ex.same(v, want):
            return True
    return False


def _member_tokens(tokens: list[Token]) -> list[int]:
    out = []
    for i, t in enumerate(tokens):
        if t.kind in ("word", "number", "quoted") and t.text and t.text.lower() not in STOPWORDS:
            out.append(i)
            if len(out) >= MAX_MEMBER_TOKENS:
                break
    return out


def memberships(env: ex.Env) -> list[Membership]:
    """For every goal word, number or quoted text and every step: is it one of the step's result values?"""
    out: list[Membership] = []
    for pos in _member_tokens(env.tokens):
        for s, parsed in enumerate(env.parsed):
            if env.texts[s] is not None:
                out.append((pos, s, int(is_member(env.tokens[pos], parsed))))
    return out


def keep_members(kept: list[Membership], env: ex.Env) -> list[Membership]:
    """The memberships that also hold in this run."""
    out = []
    for pos, s, present in kept:
        live = pos < len(env.tokens) and s < len(env.parsed) and env.texts[s] is not None
        if live and int(is_member(env.tokens[pos], env.parsed[s])) == present:
            out.append((pos, s, present))
    return out


def member_problem(plan: Plan, env: ex.Env, step: int) -> str | None:
    """After step `step`: a goal value that was (not) among its results in every supporting run is
    now (not) there: a membership test ("unless already a member") may decide the next calls."""
    if plan.support < 2:
        return None
    for pos, s, present in plan.memberships:
        if s != step or pos >= len(env.tokens) or env.texts[s] is None:
            continue
        if int(is_member(env.tokens[pos], env.parsed[s])) != present:
            tok = env.tokens[pos].text
            where = plan.steps[s].name if s < len(plan.steps) else f"step {s}"
            was = "was" if present else "was never"
            return (
                f"{PRECAUTION}: {tok!r} {was} a value of the {where} result in every supporting run, "
                f"but {'is not' if present else 'is'} now"
            )
    return None


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
        if tok is not None and tok.kind == "number":
            why = _number_outside(slot, tok)
            if why:
                return why
            continue
        if tok is None or tok.kind != "word" or any(ch.isdigit() for ch in tok.text) or tok.text in slot.values:
            continue
        return (
            f"{PRECAUTION}: {slot.name} = {tok.text!r} was never seen, and an argument that was "
            "the same in every supporting run may depend on it"
        )
    return None


def slot_span(slot: Slot) -> list[float]:
    """[min, max] of a numeric slot's values in the evidence ([] when none is known)."""
    if slot.span:
        return slot.span
    nums = [float(v) for v in slot.values if _NUMBER_RE.fullmatch(v)]
    return [min(nums), max(nums)] if nums else []


def widen_span(span: list[float], tok: Token) -> list[float]:
    if tok.kind != "number":
        return span
    v = float(tok.typed())
    return [min(span[0], v), max(span[1], v)] if span else [v, v]


def _next_identifier(slot: Slot, v: float) -> bool:
    """Whether the slot looks like a growing identifier (an order or ticket number) and `v` is its next
    value: integers, at least three of them, each larger than the one before, close together for their
    size, and `v` a little above the largest. Such numbers name things; they are not measures that a
    threshold could turn into another constant."""
    nums = [float(t) for t in slot.values if t.isdigit()]
    if len(nums) < 3 or len(nums) != len(slot.values) or not v.is_integer():
        return False
    if any(b <= a for a, b in itertools.pairwise(nums)):
        return False
    lo, hi = min(nums), max(nums)
    return hi > 0 and hi - lo < 0.5 * hi and hi < v <= hi + (hi - lo)


def _number_outside(slot: Slot, tok: Token) -> str | None:
    """A goal number outside the range every supporting run saw, while a constant argument may have
    been picked by a threshold on it (a weight picks a service)."""
    span = slot_span(slot)
    v = float(tok.typed())
    if span and span[0] - 1e-9 <= v <= span[1] + 1e-9:
        return None
    if _next_identifier(slot, v):
        return None
    seen = f"[{span[0]:g}, {span[1]:g}]" if span else "no number"
    return (
        f"{PRECAUTION}: {slot.name} = {tok.text} is outside {seen} seen in every supporting run, and an "
        "argument that was the same in every supporting run may depend on it"
    )


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
    if plan.support >= 2 and step.lengths:
        live_lengths = list_lengths(parsed)
        for key, n in step.lengths.items():
            if key in live_lengths and live_lengths[key] != n:
                return (
                    f"{PRECAUTION}: {step.name} returned {live_lengths[key]} items at {key} where every "
                    f"supporting run saw {n}: the model may have made one call per item, or none"
                )
    check_consts = plan.support >= 2 and bool(step.const_results)
    if not check_consts and not (fixed_after and (step.ranges or step.categories)):
        return None
    live = {path_key(p): v for p, v in ex.leaves(parsed)}
    echo = set(step.echo_paths)
    if fixed_after:
        for key, seen in step.categories.items():
            v = live.get(key)
            if isinstance(v, str) and key not in echo and v not in seen:
                return (
                    f"{PRECAUTION}: {step.name} returned {v!r} at {key}, never seen in a supporting run "
                    f"(seen: {', '.join(map(repr, seen[:4]))}), and a later argument is a constant that may "
                    "depend on it"
                )
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
    """After step `step`'s result is in `env`: a relation (an order of numbers, a membership of a goal
    value) of the plan that its live values break."""
    why = broken(plan.relations, env, step)
    if why:
        return f"{PRECAUTION}: {why}"
    return member_problem(plan, env, step)


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
