"""The wider hypothesis families: three-operand arithmetic, unit conversions, dates, learned lines.

Numbers: searched only where the two-operand families find no exact explanation free of learned
constants (`weak`), computed once per value and run (`Env.memo`), and dormant (`explain.awake`) while a
usual explanation still fits every run. Dates: searched for ISO dates and weekday names. Candidates:

    ("expr", form, (a, b, c), rounding)     a FORMS expression over three operands (refs or ("k", constant):
                                            a catalogue constant, never one learned from the evidence)
    ("date", src, offset, fmt)              the date in `src` moved by offset days, written as fmt ("iso";
                                            "keep": with the source's time; "weekday"); offset ("k", n) |
                                            ("+", ref) | ("-", ref)
    ("lin", ref, (x1, y1), (x2, y2) | None, runs)
                                            y = c * x + b with c and b learned from two runs' points. A seed
                                            (one point) is dormant: it wakes only when every other
                                            explanation of its argument failed. With two constants learned it
                                            gives a value only once LIN_RUNS runs fit it; before, it disagrees.
    ("rlin", ref, points, rounding)         a rounded line (`_explain_lines`), spawned by a line a run's point
                                            stopped fitting exactly: a value only where the evidence pins it.
    ("band", form, (a, b), (lo, hi), rounding)
                                            a rival of a rounded form with a constant over two result values:
                                            a quantity of them at every constant the runs fit (`_explain_bands`)

Rule 2 holds for all of them as for the rest: a replay uses a value only when every candidate left agrees.
The private interior of `llmos.learning.explain`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from llmos.learning import _explain_bands, _explain_lines
from llmos.learning._explain_values import (
    ROUNDING_MODES,
    Cand,
    Disagree,
    Env,
    Unavailable,
    is_num,
    leaves,
    rounded,
    same,
)

FORMS: dict[str, Callable[[float, float, float], float]] = {
    "(a-b)/c": lambda a, b, c: (a - b) / c,
    "(a+b)/c": lambda a, b, c: (a + b) / c,
    "a*b/c": lambda a, b, c: a * b / c,
    "(a-b)*c": lambda a, b, c: (a - b) * c,
    "(a+b)*c": lambda a, b, c: (a + b) * c,
    "a-b*c": lambda a, b, c: a - b * c,
    "a+b*c": lambda a, b, c: a + b * c,
}
_SYMMETRIC = frozenset({"(a+b)/c", "a*b/c", "(a+b)*c"})
# constants a person divides or multiplies by without saying so: percent, per mille, time, a week, a year
CONSTANTS = (100.0, 1000.0, 60.0, 3600.0, 24.0, 7.0, 12.0, 365.0, 1024.0, 10.0, 2.0)
# unit conversions: (form, where the value goes, the two constants in order). Temperatures (F to C, C to F,
# K to C, C to K), then factors both ways: miles, pounds, inches, feet, US gallons, ounces
_FACTORS = (1.609344, 0.45359237, 2.54, 0.3048, 3.785411784, 28.349523125)
CONVERSIONS: tuple[tuple[str, int, float, float], ...] = (
    ("(a-b)*c", 0, 32.0, 5 / 9),
    ("a+b*c", 1, 32.0, 1.8),
    ("(a-b)*c", 0, 273.15, 1.0),
    ("(a+b)*c", 0, 273.15, 1.0),
    *(("a*b/c", 0, f, 1.0) for f in _FACTORS),
    *(("a*b/c", 0, 1.0, f) for f in _FACTORS),
)
MAX_REFS = 12  # operands tried in the three-reference forms
LIN_RUNS = 3  # a line with two learned constants: two runs pin it, a third confirms it
_DATE = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\Z")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# every rounding (the same list as the two-operand search)
_ROUNDINGS: tuple[tuple[str, int], ...] = tuple(
    (m, d) for d in range(5) for m in ("up", "even", "down", "floor", "ceil", "trunc")
)


def weak(found: set[Cand]) -> bool:
    """Whether the usual families left a numeric value without an exact explanation free of learned or
    scale constants: no goal or result value as it is, no unrounded arithmetic over two values of the
    run (a rounded one is too often a coincidence of one run: 1000 / 300 rounds to 3 as well)."""
    for c in found:
        if c[0] == "val":
            return False
        if c[0] == "arith" and c[4] is None and c[1] != "id" and c[3] is not None and c[3][0] != "k":
            return False
    return True


# ---------------------------------------------------------------- search
def generate_numbers(value: float | int, env: Env, ops: list[tuple[Cand, float | int]]) -> set[Cand]:
    """Three-operand forms, unit conversions and line seeds that explain a number (cached per run)."""
    key = ("more", float(value), tuple(r for r, _x in ops))
    hit = env.memo.get(key)
    if hit is not None and hit[0] is env.parsed:
        cached: set[Cand] = hit[1]
        return cached
    found: set[Cand] = set()
    refs = ops[:MAX_REFS]
    for i, (a, x) in enumerate(refs):
        for form, at, k1, k2 in CONVERSIONS:
            ks: list[Cand] = [("k", k1), ("k", k2)]
            nums = [k1, k2]
            ks.insert(at, a)
            nums.insert(at, float(x))
            _check(found, value, form, (ks[0], ks[1], ks[2]), nums[0], nums[1], nums[2])
        for j in range(len(refs)):
            if i != j:
                _pair(found, value, refs, i, j)
        found.add(("lin", a, (float(x), float(value)), None, 1))
    env.memo[key] = (env.parsed, found)
    return found


def _pair(found: set[Cand], value: float | int, refs: list[tuple[Cand, float | int]], i: int, j: int) -> None:
    """Every form over operands i and j, with a catalogue constant or a third operand."""
    (a, x), (b, y) = refs[i], refs[j]
    for form in FORMS:
        if form in _SYMMETRIC and i > j:
            continue  # a+b and a*b: one order is enough
        for k in CONSTANTS:
            _check(found, value, form, (a, b, ("k", k)), float(x), float(y), k)
        for n, (c, z) in enumerate(refs):
            if n != i and n != j:
                _check(found, value, form, (a, b, c), float(x), float(y), float(z))


def scaled_pairs(value: float | int, ops: list[tuple[Cand, float | int]], scales: tuple[float, ...]) -> set[Cand]:
    """Two operands with a unit scale, for a number an answer states: a / b * k (kg over m3 told in mg/L,
    a share told in percent) and a * b / k (a price times a rate in percent), k a catalogue scale, never
    one fitted to the run; every rounding. Rivals of the usual families (`_answer_numbers.derived`)."""
    found: set[Cand] = set()
    refs = ops[:MAX_REFS]
    for i, (a, x) in enumerate(refs):
        for j, (b, y) in enumerate(refs):
            if i == j:
                continue
            for k in scales:
                _check(found, value, "a*b/c", (a, ("k", k), b), float(x), k, float(y))
                if i < j:
                    _check(found, value, "a*b/c", (a, b, ("k", k)), float(x), float(y), k)
    return found


def _check(
    found: set[Cand], value: float | int, form: str, operands: tuple[Cand, Cand, Cand], a: float, b: float, c: float
) -> None:
    try:
        x = FORMS[form](a, b, c)
    except (ZeroDivisionError, OverflowError):
        return
    if not math.isfinite(x) or abs(x - value) > 1 + 1e-9:
        return
    if same(x, value):
        found.add(("expr", form, operands, None))
    for mode, d in _ROUNDINGS:
        try:
            if same(rounded(x, mode, d), value):
                found.add(("expr", form, operands, (mode, d)))
        except Unavailable:
            pass


def is_date(v: str) -> bool:
    """Whether a text is a weekday name or an ISO date (and time): what `generate_dates` explains."""
    return v in WEEKDAYS or parse_date(v) is not None


def parse_date(v: Any) -> dt.date | None:
    if not isinstance(v, str) or len(v) < 10 or not v[:4].isdigit():
        return None
    m = _DATE.fullmatch(v)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def generate_dates(value: str, env: Env, step: int, ops: list[tuple[Cand, float | int]]) -> set[Cand]:
    """A date (ISO, "iso"; or an ISO date and time, "keep": the source's time kept) or a weekday name as
    a date of the goal or of a result moved by some days: a constant, or a number of the goal or results."""
    target = None if value in WEEKDAYS else parse_date(value)
    if target is None and value not in WEEKDAYS:
        return set()
    found: set[Cand] = set()
    for ref, text, src in _date_sources(env, step):
        if target is None:  # a weekday: of the date itself, or moved by a number of the goal or results
            if WEEKDAYS[src.weekday()] == value:
                found.add(("date", ref, ("k", 0), "weekday"))
            for r, n in ops:
                for sign in ("+", "-"):
                    moved = _moved(src, n if sign == "+" else -n)
                    if moved is not None and WEEKDAYS[moved.weekday()] == value:
                        found.add(("date", ref, (sign, r), "weekday"))
            continue
        fmt = "iso" if value == target.isoformat() else "keep" if value[10:] == text[10:] else ""
        if not fmt:
            continue
        days = (target - src).days
        found.add(("date", ref, ("k", days), fmt))
        for r, n in ops:
            for sign, k in (("+", 1), ("-", -1)):
                if days != 0 and same(k * n, days):
                    found.add(("date", ref, (sign, r), fmt))
    return found


def _date_sources(env: Env, step: int) -> list[tuple[Cand, str, dt.date]]:
    out: list[tuple[Cand, str, dt.date]] = []
    for i, t in enumerate(env.tokens):
        d = parse_date(t.text)
        if d is not None:
            out.append((("tok", i), t.text, d))
    for s in range(min(step, len(env.texts))):
        if env.texts[s] is None:
            continue
        for path, v in leaves(env.parsed[s]):
            d = parse_date(v)
            if d is not None:
                out.append((("res", s, path), v, d))
    return out


def _moved(d: dt.date, n: float | int) -> dt.date | None:
    if not float(n).is_integer() or abs(n) > 100_000:
        return None
    try:
        return d + dt.timedelta(days=int(n))
    except OverflowError:
        return None


# ---------------------------------------------------------------- evaluation
def evaluate(cand: Cand, env: Env, number_of: Callable[[Cand, Env], float | int], ref_value: Any) -> Any:
    kind = cand[0]
    if kind == "expr":
        a, b, c = (float(number_of(r, env)) for r in cand[2])
        try:
            x = FORMS[cand[1]](a, b, c)
        except ZeroDivisionError as e:
            raise Unavailable("division by zero") from e
        except KeyError as e:
            raise Unavailable(f"unknown form {cand[1]!r}") from e
        if not math.isfinite(x):
            raise Unavailable("not a finite number")
        return rounded(x, cand[3][0], cand[3][1]) if cand[3] else x
    if kind == "date":
        src = parse_date(ref_value(cand[1], env))
        if src is None:
            raise Unavailable("not a date")
        off = cand[2]
        n = float(off[1]) if off[0] == "k" else float(number_of(off[1], env)) * (1 if off[0] == "+" else -1)
        moved = _moved(src, n)
        if moved is None:
            raise Unavailable(f"cannot move a date by {n!r} days")
        if cand[3] == "weekday":
            return WEEKDAYS[moved.weekday()]
        return moved.isoformat() + (str(ref_value(cand[1], env))[10:] if cand[3] == "keep" else "")
    if kind == "lin":
        return _line(cand, float(number_of(cand[1], env)))
    if kind == "rlin":
        return _explain_lines.evaluate(cand, float(number_of(cand[1], env)))
    if kind == "band":
        x, y = (float(number_of(r, env)) for r in cand[2])
        return _explain_bands.evaluate(cand, x, y)
    raise Unavailable(f"unknown explanation {kind!r}")


def _line(cand: Cand, x: float) -> float:
    (x1, y1), p2, runs = cand[2], cand[3], cand[4]
    if p2 is None:
        raise Unavailable("a line seed (one point) explains nothing yet")
    if runs < LIN_RUNS:
        raise Disagree(f"a line learned from {runs} runs (two constants) needs {LIN_RUNS} runs that fit it")
    c, b = _slope(x1, y1, p2[0], p2[1])
    return float(f"{c * x + b:.12g}")


def _slope(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float]:
    c = (y2 - y1) / (x2 - x1)
    return c, y1 - c * x1


def refit_line(cand: Cand, value: Any, x: float | int) -> list[Cand]:
    """The line candidate after one more run with point (x, value): itself refit, or the rounded lines
    through its points and this one when it stops fitting exactly; [] when nothing fits."""
    if cand[0] == "rlin":
        got = _explain_lines.refit(cand, value, x)
        return [] if got is None else [got]
    line = _refit_exact(cand, value, x)
    if line is not None:
        return [line]
    if not is_num(value) or cand[3] is None:
        return []
    return _explain_lines.spawn([cand[2], cand[3], (float(x), float(value))], cand[1])


def _refit_exact(cand: Cand, value: Any, x: float | int) -> Cand | None:
    if not is_num(value):
        return None
    (x1, y1), p2, runs = cand[2], cand[3], cand[4]
    if p2 is None:
        if same(float(x), x1):
            return cand if same(float(value), y1) else None
        return (cand[0], cand[1], (x1, y1), (float(x), float(value)), runs + 1)
    c, b = _slope(x1, y1, p2[0], p2[1])
    if not same(float(f"{c * x + b:.12g}"), float(value)):
        return None
    if same(float(x), x1) or same(float(x), p2[0]):
        return cand  # a point it already has: no new evidence for the line
    return (*cand[:4], runs + 1)


def describe(cand: Cand, ref_text: Callable[[Cand], str]) -> str:
    kind = cand[0]
    if kind == "expr":
        names = dict(zip("abc", (ref_text(r) for r in cand[2]), strict=True))
        expr = re.sub(r"[abc]", lambda m: names[m.group()], cand[1])
        return f"{ROUNDING_MODES[cand[3][0]][1]}({expr}, {cand[3][1]})" if cand[3] else expr
    if kind == "date":
        off = cand[2]
        days = f"{off[1]:+g} days" if off[0] == "k" else f"{off[0]} {ref_text(off[1])} days"
        return f"{'weekday' if cand[3] == 'weekday' else 'date'}({ref_text(cand[1])} {days})"
    if kind == "lin":
        if cand[3] is None:
            return f"line through ({cand[2][0]:g}, {cand[2][1]:g}) of {ref_text(cand[1])} (one run)"
        c, b = _slope(cand[2][0], cand[2][1], cand[3][0], cand[3][1])
        return f"{c:.6g} * {ref_text(cand[1])} + {b:.6g} (fit by {cand[4]} runs)"
    if kind == "rlin":
        return _explain_lines.describe(cand, ref_text(cand[1]))
    if kind == "band":
        return _explain_bands.describe(cand, ref_text)
    return repr(cand)


def refs(cand: Cand) -> list[Cand]:
    kind = cand[0]
    if kind == "expr":
        return [r for r in cand[2] if r[0] != "k"]
    if kind == "date":
        return [cand[1]] + ([cand[2][1]] if cand[2][0] != "k" else [])
    if kind in ("lin", "rlin"):
        return [cand[1]]
    if kind == "band":
        return list(cand[2])
    return []
