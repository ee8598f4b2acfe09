"""The search for explanations: every candidate that explains an argument value in one trace.

`generate` tries, against every goal token and every earlier result leaf: the value itself
(transformed), arithmetic over two numbers or a number and a constant (rounded or not), and string
templates built from pieces of the value. The private interior of `llmos.learning.explain`.
"""

from __future__ import annotations

import json
import math
from itertools import product
from typing import Any

from llmos.learning import _explain_agg, _explain_bands, _explain_more, _explain_text
from llmos.learning._explain_values import (
    MAX_LEAVES,
    Cand,
    Env,
    Unavailable,
    is_num,
    leaves,
    rounded,
    same,
    transform,
)

STRING_TRANSFORMS = (
    "id",
    "lower",
    "upper",
    "title",
    "capitalize",
    "strip",
    "slug_",
    "slug-",
    "possessive",
    "lead_num",
    "hour",
)
TEMPLATE_TRANSFORMS = ("id", "lower", "upper", "capitalize", "title", "possessive", "lead_num")
# every rounding a person or a model may have applied: both half roundings, half-down, floor, ceiling and
# truncation; a plan keeps all that fit, and replay uses a value only when they all agree (ceil vs round)
ROUNDINGS: tuple[tuple[str, int], ...] = tuple(
    (m, d) for d in range(5) for m in ("up", "even", "down", "floor", "ceil", "trunc")
)
MAX_TEMPLATES = 96
SCALES = (10.0, 100.0, 1000.0, 0.1, 0.01, 0.001, 60.0, 3600.0, 1024.0)
MAX_OPERANDS = 24


def _string_sources(env: Env, step: int) -> list[tuple[Cand, str, Any]]:
    """(ref, transform, value) of every text-ish source available before `step`."""
    out: list[tuple[Cand, str, Any]] = []
    for i, t in enumerate(env.tokens):
        if t.kind != "punct":
            out.append((("tok", i), "id", t.text))
    for s in range(min(step, len(env.texts))):
        text = env.texts[s]
        if text is None:
            continue
        out.append((("res", s, ()), "id", text))
        for n, (path, v) in enumerate(leaves(env.parsed[s])):
            if n >= MAX_LEAVES:
                break
            out.append((("res", s, path), "id", v))
    return out


def _operands(env: Env, step: int) -> list[tuple[Cand, float | int]]:
    out: list[tuple[Cand, float | int]] = []
    for i, t in enumerate(env.tokens):
        if t.kind == "number":
            v = t.typed()
            assert not isinstance(v, str)
            out.append((("tok", i), v))
    for s in range(min(step, len(env.texts))):
        if env.texts[s] is None:
            continue
        for path, v in leaves(env.parsed[s]):
            if is_num(v):
                out.append((("res", s, path), v))
            if len(out) >= MAX_OPERANDS:
                return out
    out.extend(_explain_text.operands(env, step))  # the numbers of plain-text results, by template
    return out[:MAX_OPERANDS]


# distinct values a constant fitted to the runs must be shown on before it is used (a fitted proportion
# that a second run confirms was tested once: 100 kg / 5000 m3 and 400 kg / 10000 m3 both read m3 x 0.004,
# a workload that scaled kg with the square of the volume)
PROOF_VALUES = 3


def fitted_constant(c: Cand) -> bool:
    """Whether an explanation adds or multiplies a constant learned from the runs ({weight} + 6, {n} * 1.9:
    fit by the runs, not taken from the catalogue of scales: seconds * 0.01666666667 is seconds / 60). Two
    runs test such a constant once."""
    if c[0] != "arith" or c[4] is not None or c[3] is None or c[3][0] != "k":
        return False
    k = float(c[3][1])
    return c[1] in ("+", "-") or (c[1] == "*" and not any(same(k, s) or same(k * s, 1.0) for s in SCALES))


def scaled_pairs(value: float | int, env: Env, step: int) -> set[Cand]:
    """Two operands of the run with a unit scale (`_explain_more.scaled_pairs`): a / b * k and a * b / k."""
    return _explain_more.scaled_pairs(value, _operands(env, step), SCALES)


def _nice(c: float) -> float:
    return float(f"{c:.10g}")


def _arith(value: float | int, env: Env, step: int) -> set[Cand]:  # noqa: C901
    found: set[Cand] = set()
    ops = _operands(env, step)

    def check(op: str, a: Cand, b: Cand | None, x: float) -> None:
        if not math.isfinite(x):
            return
        if op != "id" and same(x, value):
            found.add(("arith", op, a, b, None))
        if abs(x - value) <= 1 + 1e-9:  # a directed rounding moves a value by up to one unit
            for mode, d in ROUNDINGS:
                try:
                    if same(rounded(x, mode, d), value):
                        found.add(("arith", op, a, b, (mode, d)))
                except Unavailable:
                    pass

    for i, (a, x) in enumerate(ops):
        check("id", a, None, x)
        for scale in SCALES:  # a unit change, rounded: cents, per mille, kilo
            check("*", a, ("k", scale), x * scale)
        if x != 0:
            k = _nice(value / x)
            if k not in (0.0, 1.0) and same(x * k, value):
                found.add(("arith", "*", a, ("k", k), None))
        k = _nice(value - x)
        if k != 0.0 and same(x + k, value):
            found.add(("arith", "+", a, ("k", k), None))
        for j, (b, y) in enumerate(ops):
            if i == j:
                continue
            if i < j:
                check("+", a, b, x + y)
                check("*", a, b, x * y)
            check("-", a, b, x - y)
            if y != 0:
                check("/", a, b, x / y)
    return found


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _templates(value: str, env: Env, step: int) -> set[Cand]:  # noqa: C901
    spans: dict[tuple[int, int], list[Cand]] = {}
    for ref, _tf, src in _string_sources(env, step):
        transforms: tuple[str, ...] = ("str",) if is_num(src) else TEMPLATE_TRANSFORMS
        if ref[0] == "tok" and env.tokens[ref[1]].kind == "number" and not is_num(src):
            transforms = ("num", *transforms)  # a number word ("three") written as digits ("3 seats")
        seen_text: set[str] = set()
        for tf in transforms:
            try:
                text = env.tokens[ref[1]].typed() if tf == "num" else transform(tf, src)
            except Unavailable:
                continue
            if is_num(text):  # the number of a compound ("3-qubit"), as the template shows it
                text = str(text)
            if not isinstance(text, str) or not text or text in seen_text or text == value:
                continue
            seen_text.add(text)
            start = value.find(text)
            while start != -1:
                end = start + len(text)
                if len(text) >= 2 or _bounded(value, start, end):
                    spans.setdefault((start, end), []).append(("val", ref, tf))
                start = value.find(text, start + 1)
    if not spans:
        return set()
    keys = sorted(spans)
    subsets: list[list[tuple[int, int]]] = []

    def choose(i: int, chosen: list[tuple[int, int]], last_end: int) -> None:
        if len(subsets) >= MAX_TEMPLATES:
            return
        if i == len(keys):
            if chosen:
                subsets.append(list(chosen))
            return
        s, e = keys[i]
        if s >= last_end:
            chosen.append((s, e))
            choose(i + 1, chosen, e)
            chosen.pop()
        choose(i + 1, chosen, last_end)

    choose(0, [], 0)
    found: set[Cand] = set()
    for subset in subsets:
        alternatives: list[list[Cand]] = []
        pos = 0
        for s, e in subset:
            if s > pos:
                alternatives.append([("lit", value[pos:s])])
            alternatives.append(spans[(s, e)])
            pos = e
        if pos < len(value):
            alternatives.append([("lit", value[pos:])])
        for parts in product(*alternatives):
            found.add(("tmpl", tuple(parts)))
            if len(found) >= MAX_TEMPLATES:
                return found
    return found


def generate(value: Any, env: Env, step: int, wider: bool = True, force_wider: bool = False) -> set[Cand]:
    """Every candidate that explains `value` (an argument leaf of plan step `step`) in this trace.
    `wider`: also the families of `_explain_more` (dates; for a number the usual families left
    without an explanation free of constants, three-operand forms, conversions and line seeds).
    `force_wider`: a number's wider families even where a usual one explains it (`_refit`: a later
    run showed that usual explanation to be a coincidence of this one)."""
    found: set[Cand] = {("const", json.dumps(value, sort_keys=True))}
    for ref, _tf, src in _string_sources(env, step):
        for tf in STRING_TRANSFORMS if isinstance(src, str) else ("id", "str"):
            try:
                if same(transform(tf, src), value):
                    found.add(("val", ref, tf))
            except Unavailable:
                pass
    for i, t in enumerate(env.tokens):
        if t.kind == "number" and same(t.typed(), value):
            found.add(("val", ("tok", i), "num"))
    if is_num(value):
        found |= _arith(value, env, step)
        if wider and (force_wider or _explain_more.weak(found)):
            found |= _explain_more.generate_numbers(value, env, _operands(env, step))
        if wider and any(_explain_bands.step_function(c) for c in found):
            found |= _explain_bands.generate(value, found, dict(_operands(env, step)))
    if is_num(value) or isinstance(value, str):
        found |= _explain_agg.generate(value, env, step)
    if isinstance(value, str) and not any(c[0] == "val" for c in found):
        # words a plain-text result says, by the sentence before them: only where no goal word or result
        # leaf gives the value (a text that echoes the goal's name would make that name Unavailable when
        # the sentence changes, where rule 1 should judge the text)
        found.update(_explain_text.words(value, env, step))
    if isinstance(value, str) and len(value) >= 2:
        found |= _templates(value, env, step)
        if wider and _explain_more.is_date(value) and not any(c[0] == "val" for c in found):
            found |= _explain_more.generate_dates(value, env, step, _operands(env, step))
    return found
