"""Rule 2 for a fitted constant: a step function the runs chose is every constant and every quantity that fits.

    ("band", form, (a, b), (lo, hi), (mode, 0))

A rounded form with a catalogue constant over two result values (floor((kg + cartons) / 24), floor(area x
thickness / 365): `fit_form`), a result value through constants rounded to a whole number (ceil(length x
0.01), round(guests / 28.35): `constant_step`), or a rounded line the runs fit (`_explain_lines`), is one
point of a family the runs cannot tell apart: any constant of a band fits their few counts as well, and so
does another quantity of the same values with its own band (ceil(kg x cartons / 500), the real rule, which
no catalogue constant spells). A band candidate is one such rival:

    value = R(u + v * t)   for every t in [lo, hi] (None: unbounded), R = `rounded(., mode, 0)`

with (u, v) computed from the live operands by `form` (QUANTITIES: the product, sum, differences, ratios
of a and b, or a alone, all through the origin (u = 0, t = 1 / constant), and a + b x t, the affine forms).
Each run that fits narrows [lo, hi] to the t that give its value; a run no t fits drops the rival (a rival
counts only when it fits ALL runs). At replay u + v x t is monotone in t: the rival gives a value only when
both ends of the band round to the same one ("exactly one live value"), else it disagrees.

A band is a rival, never an explanation: `explain.awake` never lists it (nothing reads its operands as
consumed), it lives only while another explanation of its argument fits every run (`explain.fitting`), and
`explain.evaluate_all` holds the explanations in use to every band when a step function is among them
(`rivals`): a live quantity between the classes the runs showed, or past them, goes to the model. It can
stop a replay, never make one (a uniform step is one hypothesis; tiers at 600 and 1100 kg are another).

Generated (`generate`, from `_explain_search.generate`) for a whole number only, for the operand pairs of the
fit forms and the values of the constant steps a run found, in three roundings (floor, ceil, half up: the
others differ from these only on a boundary, which the intervals leave out by a hair).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from llmos.learning._explain_lines import _digits, _interval
from llmos.learning._explain_values import Cand, Disagree, Unavailable, is_num, rounded

# form -> (u, v) of the operands' values x, y
QUANTITIES: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "a*b": lambda x, y: (0.0, x * y),
    "a+b": lambda x, y: (0.0, x + y),
    "a-b": lambda x, y: (0.0, x - y),
    "a/b": lambda x, y: (0.0, x / y),
    "a": lambda x, _y: (0.0, x),
    "a+b*t": lambda x, y: (x, y),
}
_ORDERED = frozenset({"a-b", "a/b", "a", "a+b*t"})  # both orders of the operands are rivals
MODES = ("floor", "ceil", "up")
Band = tuple[float | None, float | None]


def fit_form(cand: Cand) -> bool:
    """A rounded three-operand form with a catalogue constant over two result values and no goal number."""
    if cand[0] != "expr" or cand[3] is None:
        return False
    values = [o for o in cand[2] if o[0] != "k"]
    return len(values) == 2 and not any(o[0] == "tok" for o in values)


def constant_step(cand: Cand) -> bool:
    """A result value through constants, rounded to a whole number: times or over a constant (ceil(length x
    0.01)), or a conversion (round(guests / 28.35), ounces: `_explain_more.CONVERSIONS`)."""
    if cand[0] == "arith":
        if cand[1] not in ("*", "/") or not cand[4] or int(cand[4][1]) != 0:
            return False
        return cand[3] is not None and cand[3][0] == "k" and cand[2][0] in ("res", "txt")
    if cand[0] != "expr" or not cand[3] or int(cand[3][1]) != 0:
        return False
    values = [o for o in cand[2] if o[0] != "k"]
    return len(values) == 1 and values[0][0] in ("res", "txt")


def _value_of(cand: Cand) -> Cand:
    """The one result value a constant step reads."""
    return cand[2] if cand[0] == "arith" else next(o for o in cand[2] if o[0] != "k")


def step_function(cand: Cand) -> bool:
    """A step function the runs chose: a fit form, a constant step, or a line learned from the runs rounded
    to a whole number (`_explain_lines`: its own two constants pinned, not the quantity it reads). Its band
    rivals hold it (`rivals`)."""
    if cand[0] == "rlin":
        return int(cand[3][1]) == 0
    return fit_form(cand) or constant_step(cand)


def rivals(cands: list[Cand], used: list[Cand]) -> list[Cand]:
    """The band rivals `evaluate_all` holds the explanations in use (`used`) to: every band of the argument
    (each fits every supporting run) when a step function is among them; none otherwise."""
    if not any(c[0] == "band" for c in cands) or not any(step_function(c) for c in used):
        return []
    return [c for c in cands if c[0] == "band"]


def _run_band(form: str, x: float, y: float, value: float, rnd: tuple[str, int]) -> Band | None:
    """The t with R(u + v x t) = value for these operands; None when no t gives it."""
    try:
        u, v = QUANTITIES[form](x, y)
    except (ZeroDivisionError, OverflowError):
        return None
    if not (math.isfinite(u) and math.isfinite(v)):
        return None
    zlo, zhi = _interval(value, rnd[0], rnd[1])
    if v == 0:
        return (None, None) if zlo <= u <= zhi else None
    a, b = (zlo - u) / v, (zhi - u) / v
    return (min(a, b), max(a, b))


def _meet(band: Band, other: Band) -> Band | None:
    lo = other[0] if band[0] is None else band[0] if other[0] is None else max(band[0], other[0])
    hi = other[1] if band[1] is None else band[1] if other[1] is None else min(band[1], other[1])
    return None if lo is not None and hi is not None and lo > hi else (lo, hi)


def generate(value: Any, fits: set[Cand], values: dict[Cand, float | int]) -> set[Cand]:
    """The band rivals of the step functions among `fits` (`values`: each operand's value): over the
    values of the constant steps, and over the operand pairs of the fit forms."""
    d = _digits(float(value)) if is_num(value) else None
    if d is None or d > 0:
        return set()  # a count or a tier: a whole number
    pairs, ones = _operands(fits, values)
    out: set[Cand] = set()
    for a, b, forms in [(a, a, ("a",)) for a in ones] + [(a, b, tuple(QUANTITIES)) for a, b in pairs]:
        for form in forms:
            if form not in _ORDERED and repr(a) > repr(b):
                continue  # a symmetric quantity: one order
            for mode in MODES:
                band = _run_band(form, float(values[a]), float(values[b]), float(value), (mode, 0))
                if band is not None:
                    out.add(("band", form, (a, b), band, (mode, 0)))
    return out


def _operands(fits: set[Cand], values: dict[Cand, float | int]) -> tuple[set[tuple[Cand, Cand]], set[Cand]]:
    """The operand pairs (both orders) of the fit forms and the values of the constant steps among `fits`."""
    pairs: set[tuple[Cand, Cand]] = set()
    ones: set[Cand] = set()
    for c in fits:
        if fit_form(c):
            a, b = (o for o in c[2] if o[0] != "k")
            if a in values and b in values:
                pairs |= {(a, b), (b, a)}
        elif constant_step(c) and _value_of(c) in values:
            ones.add(_value_of(c))
    return pairs, ones


def refit(cand: Cand, value: Any, x: float | int, y: float | int) -> Cand | None:
    """The rival after one more run (operands x, y; its value), or None when no t fits every run."""
    rnd = (str(cand[4][0]), int(cand[4][1]))
    d = _digits(float(value)) if is_num(value) else None
    if d is None or d > rnd[1]:
        return None  # a value the rounding cannot give
    here = _run_band(cand[1], float(x), float(y), float(value), rnd)
    if here is None:
        return None
    band = _meet((cand[3][0], cand[3][1]), here)
    return None if band is None else (*cand[:3], band, cand[4])


def evaluate(cand: Cand, x: float, y: float) -> float:
    """The one value every t of the band gives at these operands (Disagree otherwise)."""
    try:
        u, v = QUANTITIES[cand[1]](x, y)
    except ZeroDivisionError as e:
        raise Unavailable("division by zero") from e
    except KeyError as e:
        raise Unavailable(f"unknown quantity {cand[1]!r}") from e
    mode, d = str(cand[4][0]), int(cand[4][1])
    lo, hi = cand[3]
    if v == 0:
        return rounded(u, mode, d)
    if lo is None or hi is None:
        raise Disagree(f"a {mode} step of {cand[1]} with an unbounded band of constants: the runs do not pin it")
    ends = [rounded(u + v * float(t), mode, d) for t in (lo, hi)]
    if ends[0] != ends[1]:
        raise Disagree(
            f"a {mode} step of {cand[1]} gives {min(ends):g} to {max(ends):g} over the band of constants the "
            "runs fit: the evidence does not pin the value"
        )
    return ends[0]


def describe(cand: Cand, ref_text: Callable[[Cand], str]) -> str:
    names = dict(zip("ab", (ref_text(r) for r in cand[2]), strict=True))
    q = re.sub(r"[ab]", lambda m: names[m.group()], cand[1].replace("*t", " x t"))
    return f"{cand[4][0]}({q} at any constant the runs fit, {cand[4][1]} decimals)"
