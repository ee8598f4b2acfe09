"""Checking the evidence envelope at replay: a fact every supporting run showed that the live run
breaks stops the replay (a *precaution*, see `llmos.learning.envelope`).

goal_problem      before any call: a goal word or number the evidence never showed
result_problem    after a step: a list length, a constant result value, a category or a range broken
relation_problem  after a step: an order of numbers or a membership of a goal value broken

The private interior of `llmos.learning.envelope`, which re-exports every name here.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from typing import Any

from llmos.learning import _value_kinds as _kinds
from llmos.learning import explain as ex
from llmos.learning._envelope_facts import GE, LE, Operand, Relation, result_step, sign_allows, sign_of, slot_span
from llmos.learning._envelope_lists import MAX_PICKED_CHARS, MAX_PICKED_WORDS, is_member, list_lengths
from llmos.learning._envelope_unrelated import unrelated_problem
from llmos.learning._goal_quantities import PRECAUTION, is_measure, next_identifier, quantity_problem, record_named
from llmos.learning._goal_weekdays import weekday_problem
from llmos.learning._seen import counter_noise
from llmos.learning.goals import Token
from llmos.learning.plans import Plan, PlanStep, Slot, path_key


def goal_problem(plan: Plan, tokens: list[Token], risk_of: Callable[[str], str] | None = None) -> str | None:
    """Before any call. A goal amount a write takes lies inside the range every supporting run showed
    (`_goal_quantities`). A constant argument (the same in every supporting run, and short: a name, a
    number, a flag) may depend on a word of the goal (a city picks a carrier): a slot word the
    evidence never showed is outside it.
    Numbers and quoted text are new in almost every goal: a number is checked against the range the
    evidence saw (`_number_outside`), quoted text is not checked. A word with digits is an identifier
    (an account "AC-104") only when every value seen has its shape, with another number: then its
    number is checked like a goal number; so is one of the identifier shapes of `_value_kinds` (an IP
    address, a version, a ticket) when every value seen had its shape. Otherwise it is a code picked
    from a few (warehouse "E5"), checked like any word."""
    if not plan.slots:
        return None
    why = (
        _part_problem(plan, tokens)
        or quantity_problem(plan, tokens, risk_of)
        or _unused_problem(plan, tokens, risk_of)
        or weekday_problem(plan, tokens, risk_of)
    )
    if why or not _picked_constant(plan):
        return why
    for pos, slot in sorted(plan.slots.items()):
        tok = tokens[pos] if pos < len(tokens) else None
        if tok is not None and tok.kind == "number":
            why = _number_outside(slot, tok, is_measure(tokens, pos))
            if why and not record_named(plan, tokens, pos, risk_of):  # a record's name ("order 6007") picks no constant
                return why
            continue
        if tok is None or tok.kind != "word" or tok.text in slot.values:
            continue
        if any(ch.isdigit() for ch in tok.text) and (
            _identifier_inside(slot, tok.text) or _same_identifier_shape(slot, tok.text)
        ):
            continue
        return (
            f"{PRECAUTION}: {slot.name} = {tok.text!r} was never seen, and an argument that was "
            "the same in every supporting run may depend on it"
        )
    return None


def _part_problem(plan: Plan, tokens: list[Token]) -> str | None:
    """A goal word of which an argument takes a part (the number of "12kg", the owner of "Bruno's"): the
    rest of the word is one the evidence saw in that slot. "9lb" after "12kg" and "5kg" is another
    word, not another number: a unit glued to a number is part of its meaning."""
    for step in plan.steps:
        for leaf in step.leaves:
            for c in ex.awake(leaf.cands):
                parts = [c] if c[0] == "val" else [p for p in c[1] if p[0] == "val"] if c[0] == "tmpl" else []
                for p in parts:
                    slot = plan.slots.get(p[1][1]) if p[2] in ex.PART_TRANSFORMS and p[1][0] == "tok" else None
                    if slot is None or p[1][1] >= len(tokens):
                        continue
                    rest = ex.part_rest(p[2], tokens[p[1][1]].text)
                    if rest not in {ex.part_rest(p[2], v) for v in slot.values}:
                        seen = ", ".join(map(repr, slot.values[:5]))
                        return (
                            f"{PRECAUTION}: {slot.name} = {tokens[p[1][1]].text!r} keeps {rest!r} around the part an "
                            f"argument takes, which no supporting run showed (seen: {seen})"
                        )
    return None


def unused_slots(plan: Plan) -> list[int]:
    """Slot positions no explanation of any argument reads (a goal word that varied for nothing)."""
    used: set[int] = set()
    slots = plan.slots.keys()
    for step in plan.steps:
        for leaf in step.leaves:
            for c in ex.awake(leaf.cands):  # a dormant explanation reads nothing (yet)
                got = ex.token_positions(c)
                if not got <= used:
                    used |= got
                    if used >= slots:  # every slot is read: the rest cannot change the answer
                        return []
    return sorted(set(plan.slots) - used)


def _unused_problem(plan: Plan, tokens: list[Token], risk_of: Callable[[str], str] | None = None) -> str | None:
    """A goal word no argument uses took only the values the evidence saw (rule 1 for goal words)."""
    for pos in unused_slots(plan):
        tok = tokens[pos] if pos < len(tokens) else None
        slot = plan.slots[pos]
        if tok is not None and _compared_number(plan, pos, tok, slot, risk_of):
            continue
        if tok is None or tok.text not in slot.values:
            seen = ", ".join(map(repr, slot.values[:5]))
            return (
                f"{PRECAUTION}: {slot.name} = {tok.text if tok else ''!r} was never seen (seen: {seen}), and no "
                "argument uses it: it may decide what the calls should be"
            )
        # a run where a formula the plan does not hold agreed with it proves nothing of the word
        # (`_coincidence.py`: "rounding down" on a deposit that divides evenly is "rounding up")
        told = [t for t in plan.evidence_tokens if pos < len(t) and t[pos] == tok.text and t not in plan.coincident]
        if plan.evidence_tokens and tok.kind == "word" and len(told) < 2:
            return (
                f"{PRECAUTION}: {slot.name} = {tok.text!r} was seen in {len(told)} run(s) that tell the plan's "
                "formulas from others, and no argument uses it: a run may have agreed by chance ('to 30 jars' "
                "on an empty shelf is 'by 30 jars'; 'rounding down' of an even share is 'rounding up')"
            )
    return None


def _compared_number(plan: Plan, pos: int, tok: Token, slot: Slot, risk_of: Callable[[str], str] | None = None) -> bool:
    """A goal number no argument uses, inside the range the evidence saw, that kept an order with a
    number of a result in every supporting run ("dose it if nitrate is above 44"): a threshold. The
    replay checks that order once the result is in, before the group after it (`relation_problem`),
    so its value need not be one seen. Only when a later group follows that result, or the result is
    a read's (its order is then checked before the answer)."""
    if tok.kind != "number" or plan.support < 2 or len(slot.span) != 2:
        return False
    v = tok.typed()
    if isinstance(v, str) or not slot.span[0] - 1e-9 <= v <= slot.span[1] + 1e-9:
        return False
    last = max((s.group for s in plan.steps), default=0)
    for a, b, _sign in plan.relations:
        for x, y in ((a, b), (b, a)):
            if x != ("tok", pos) or y[0] not in ("res", "tnum"):
                continue
            step = plan.steps[int(y[1])]
            if step.group < last or (risk_of is not None and risk_of(step.name) == "read_only"):
                return True
    return False


_DIGITS = re.compile(r"\d+")


def _identifier_inside(slot: Slot, text: str) -> bool:
    """Whether a word with digits is a new value of an identifier slot: every value seen and this one
    have one number in the same place of the same text ("AC-100", "AC-107" -> "AC-114"), and that
    number is within the numbers seen, or the next value of a growing identifier."""
    shape = _DIGITS.sub("#", text)
    if shape.count("#") != 1 or not slot.values:
        return False
    nums: list[str] = []
    for v in slot.values:
        if _DIGITS.sub("#", v) != shape:
            return False
        nums.append(_DIGITS.findall(v)[0])
    live = float(_DIGITS.findall(text)[0])
    vals = [float(n) for n in nums]
    if min(vals) - 1e-9 <= live <= max(vals) + 1e-9:
        return True
    return next_identifier(Slot(slot.pos, slot.name, values=nums), live)


def _same_identifier_shape(slot: Slot, text: str) -> bool:
    """Whether a goal word is one more identifier of a slot of identifiers (`_value_kinds`: an IP
    address of the same scope, a version of the same major, a ticket of the same prefix, a hash):
    at least two values seen, all of that one shape. Such a word names a thing; it is no measure
    a threshold could turn into another constant."""
    shape = _kinds.id_shape(text)
    return shape is not None and len(slot.values) >= 2 and all(_kinds.id_shape(v) == shape for v in slot.values)


def _number_outside(slot: Slot, tok: Token, measure: bool = False) -> str | None:
    """A goal number outside the range every supporting run saw, while a constant argument may have
    been picked by a threshold on it (a weight picks a service). A measure (a number with a unit) is
    never taken for a growing identifier, however its first values grew."""
    span = slot_span(slot)
    v = float(tok.typed())
    if span and span[0] - 1e-9 <= v <= span[1] + 1e-9:
        return None
    if not measure and next_identifier(slot, v):
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
            if any(ex.uses_results(c) or ex.token_positions(c) for c in ex.awake(leaf.cands)):
                continue  # computed from results or slots, or a word of the goal itself: not picked
            for c in leaf.cands:
                if c[0] != "const":
                    continue
                v = json.loads(c[1])
                if not isinstance(v, str) or (len(v) <= MAX_PICKED_CHARS and len(v.split()) <= MAX_PICKED_WORDS):
                    return True
    return False


def result_problem(
    plan: Plan, i: int, parsed: Any, noise_runs: int | None = None, noise: list[str] | None = None
) -> str | None:
    """After step i returned `parsed`. A value that was the same in every supporting run (two or
    more) changed; or, when a later argument is a constant that may depend on it, a number is
    outside the range every supporting run saw, or a short text is not among those seen. Echoes of
    the call's own arguments are not facts. With `noise_runs`, a short text that rule 1's evidence
    shows to be an identifier counted up by the tool (`_seen.counter_noise`) is noise, not a category:
    it is described in `noise`."""
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
        why = _category_problem(plan, step, live, echo, noise_runs, noise)
        if why:
            return why
    if check_consts:
        for key, want in step.const_results.items():
            if key in live and key not in echo and not ex.same(live[key], want):
                return (
                    f"{PRECAUTION}: {step.name} returned {live[key]!r} at {key} where every supporting "
                    f"run saw {want!r}: the model may have decided on it"
                )
    return _range_problem(step, live, echo) if fixed_after else None


def _range_problem(step: PlanStep, live: dict[str, Any], echo: set[str]) -> str | None:
    for key, (lo, hi) in step.ranges.items():
        v = live.get(key)
        if isinstance(v, int | float) and key not in echo and not lo - 1e-9 <= v <= hi + 1e-9:
            if _kinds.number_id_shape(tuple(json.loads(key)), v) is not None:
                continue  # a whole number under an identifier's key ("zip", "ticket_id"): a name
            return (
                f"{PRECAUTION}: {step.name} returned {v!r} at {key}, outside [{lo}, {hi}] seen in every "
                "supporting run, and a later argument is a constant that may depend on it"
            )
    return None


def _category_problem(
    plan: Plan, step: PlanStep, live: dict[str, Any], echo: set[str], noise_runs: int | None, noise: list[str] | None
) -> str | None:
    """A short text result not among those every supporting run saw, while a later argument is a
    constant that may depend on it; unless rule 1's evidence shows it is a counted identifier."""
    for key, seen in step.categories.items():
        v = live.get(key)
        if isinstance(v, str) and key not in echo and v not in seen:
            if _new_identifier(plan, v, seen, noise_runs):
                if noise is not None:  # said by --explain, like rule 1's other noise
                    noise.append(f"{key}: {v!r} (a name of the shape every supporting run showed, new in each)")
                continue
            counted = counter_noise(step.seen, key, v, noise_runs) if noise_runs is not None else None
            if counted is not None:
                if noise is not None:
                    noise.append(counted)
                continue
            return (
                f"{PRECAUTION}: {step.name} returned {v!r} at {key}, never seen in a supporting run "
                f"(seen: {', '.join(map(repr, seen[:4]))}), and a later argument is a constant that may "
                "depend on it"
            )
    return None


def _new_identifier(plan: Plan, v: str, seen: list[str], noise_runs: int | None = None) -> bool:
    """Whether a text never seen is one more name of a path of names: the value and every value seen
    have one shape (`_value_kinds.name_shape`: "INC-n", an IPv4 address, a date "#-#-#"), and every
    supporting run (two or more) showed another one. A name is not picked from a few; a path that
    repeated a value may be a category, and stays strict; a word without digits too ("open",
    "closed"). The numbers inside such a text are still rule 1's to range-check (`_seen`)."""
    shape = _kinds.name_shape(v)
    # as many names as rule 1's noise needs runs (`noise_min_runs`): a field that differed in every run is
    # noise only once enough runs showed it (a counter's "SHP-5003" after two runs is still a category)
    if shape is None or len(seen) < max(2, noise_runs or 0, min(plan.support, 8)):
        return False
    if not all(_kinds.name_shape(s) == shape for s in seen):
        return False
    return not _kinds.counted(shape) or _numbers_inside(v, seen)


def _numbers_inside(v: str, seen: list[str]) -> bool:
    """The numbers of a name whose number may mean something ("BX-1234" after BX-2001..2004: a recycled
    box) stay inside what the evidence saw, or carry on a count that grew in every run."""
    live = [int(x) for x in re.findall(r"\d+", v)]
    cols = [[int(x) for x in re.findall(r"\d+", s)] for s in seen]
    if any(len(c) != len(live) for c in cols):
        return False
    for j, x in enumerate(live):
        col = [c[j] for c in cols]
        grew = all(a < b for a, b in itertools.pairwise(col))
        if not (min(col) <= x <= max(col) or (grew and x > max(col))):
            return False
    return True


def relation_problem(plan: Plan, env: ex.Env, step: int) -> str | None:
    """After step `step`'s result is in `env`: a relation (an order of numbers, a membership of a goal
    value) of the plan that its live values break; or, before a later step, a number of the result that
    varied in the supporting runs and that no recorded order reached (`_envelope_unrelated`)."""
    why = broken(plan.relations, env, step)
    if why:
        return f"{PRECAUTION}: {why}"
    why = unrelated_problem(plan, env, step)
    if why:
        return why
    return member_problem(plan, env, step)


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


def broken(rels: list[Relation], env: ex.Env, step: int) -> str | None:
    """A relation involving step `step`'s result that the live values break (its description)."""
    for r in rels:
        if step not in (result_step(r[0]), result_step(r[1])):
            continue
        s = sign_of(r, env)
        if s is not None and not sign_allows(int(r[2]), s):
            return f"{_describe(r[0])} {CMP[r[2]]} {_describe(r[1])} in every supporting run, but not now"
    return None


CMP = {-1: "<", 0: "=", 1: ">", LE: "<=", GE: ">="}


def _describe(op: Operand) -> str:
    if op[0] in ("zero", "const"):
        return "0" if op[0] == "zero" else f"{op[1]:g}"
    if op[0] in ("diff", "prod", "ratio", "sum"):
        sym = {"diff": "-", "prod": "x", "ratio": "/", "sum": "+"}[str(op[0])]
        return f"({_describe(op[1])} {sym} {_describe(op[2])})"
    if op[0] == "wsum":
        a, b = (".".join(str(x) for x in p).replace(".*", "[*]") for p in op[2:4])
        return f"the sum of {a} x {b} of step {op[1]} result"
    if op[0] == "tok":
        return f"goal number #{op[1]}"
    if op[0] == "tot":
        return f"the total of step {op[1]} result {'.'.join(str(x) for x in op[2]).replace('.*', '[*]')}"
    if op[0] == "tnum":
        where = f" at {ex.format_path(op[2])}" if op[2] else ""
        return f"number {op[3] + 1} of the step {op[1]} result's text{where}"
    return f"step {op[1]} result {ex.format_path(op[2])}"
