"""Rounded lines learned from runs: y = R(c * x + b), R a rounding of `ROUNDINGS` (0 to 2 decimals).

    ("rlin", ref, ((x, y), ...), (mode, digits))

A line (`_explain_more`, "lin") that stops fitting a run's point exactly may still be a rounded line:
shipping = ceil(weight * 1.5) + 4, servings = floor(guests / 3). Rounding hides c and b: every point
only says that c * x + b lies in the interval the rounding maps to y. The candidate keeps the points
(up to MAX_POINTS) and lives while some (c, b) satisfies them all.

Rule 2 inside one candidate: at the live x, c * x + b ranges over an interval as (c, b) ranges over
every line the evidence allows; the candidate gives a value only when the rounding maps that whole
interval to one value ("exactly one live value"), else it disagrees (the model decides, and its run
narrows the lines). Across candidates, as always, every rounding still alive must agree.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from llmos.learning._explain_values import Cand, Disagree, Unavailable, is_num, rounded, same

MAX_POINTS = 10  # points kept per rounded line (more only narrow it further: dropping them is cautious)
MAX_DIGITS = 2  # decimals of the roundings tried
MODES = ("up", "even", "down", "floor", "ceil", "trunc")
_EPS = 1e-9  # the open end of a rounding interval, relative to its width
Point = tuple[float, float]


def _digits(y: float) -> int | None:
    """The fewest decimals that write y exactly (up to MAX_DIGITS), None for more."""
    for d in range(MAX_DIGITS + 1):
        if same(round(y, d), y):
            return d
    return None


def _interval(y: float, mode: str, d: int) -> tuple[float, float]:
    """The values z with R(z) = y, as a closed interval shrunk by a hair at its open ends (a half
    exactly on a boundary belongs to one side only: excluding it is the cautious choice)."""
    q = 10.0**-d
    e = q * _EPS
    if mode == "floor" or (mode == "trunc" and y > 0):
        return y, y + q - e
    if mode == "ceil" or (mode == "trunc" and y < 0):
        return y - q + e, y
    if mode == "trunc":  # y == 0: toward zero from either side
        return -q + e, q - e
    return y - q / 2 + e, y + q / 2 - e


def _bounds(points: tuple[Point, ...], rnd: tuple[str, int]) -> list[tuple[float, float, float]]:
    """(x, lo, hi): lo <= c * x + b <= hi for every point."""
    return [(x, *_interval(y, rnd[0], rnd[1])) for x, y in points]


def live_range(points: tuple[Point, ...], rnd: tuple[str, int], x0: float) -> tuple[float, float] | None:
    """(min, max) of c * x0 + b over every (c, b) the points allow; None when none does. The feasible
    (c, b) form a convex polygon: the extremes lie on its vertices, the crossings of two bound lines."""
    cons = _bounds(points, rnd)
    if len({x for x, _lo, _hi in cons}) < 2:
        raise Unavailable("a rounded line needs points at two x or more")
    lines = [(x, r) for x, lo, hi in cons for r in (lo, hi)]  # c * x + b = r
    best: tuple[float, float] | None = None
    tol = 1e-9 * max(1.0, *(abs(r) for _x, r in lines))
    for (xa, ra), (xb, rb) in itertools.combinations(lines, 2):
        if xa == xb:
            continue
        c = (rb - ra) / (xb - xa)
        b = ra - c * xa
        if all(lo - tol <= c * x + b <= hi + tol for x, lo, hi in cons):
            z = c * x0 + b
            best = (z, z) if best is None else (min(best[0], z), max(best[1], z))
    return best


def feasible(points: tuple[Point, ...], rnd: tuple[str, int]) -> bool:
    return live_range(points, rnd, points[0][0]) is not None


def spawn(points: list[Point], ref: Cand) -> list[Cand]:
    """The rounded lines through `points` (those of a line that just stopped fitting, and the new one)."""
    ys = [y for _x, y in points]
    ds = [_digits(y) for y in ys]
    if any(d is None for d in ds) or len({x for x, _y in points}) < 3:
        return []
    least = max(d for d in ds if d is not None)
    pts = tuple(points[:MAX_POINTS])
    out: list[Cand] = []
    for d in range(least, MAX_DIGITS + 1):
        for mode in MODES:
            if feasible(pts, (mode, d)):
                out.append(("rlin", ref, pts, (mode, d)))
    return out


def refit(cand: Cand, value: Any, x: float | int) -> Cand | None:
    """The rounded line after one more run with point (x, value), or None when no line fits them all."""
    if not is_num(value):
        return None
    pts: tuple[Point, ...] = tuple((float(a), float(b)) for a, b in cand[2])
    rnd = (str(cand[3][0]), int(cand[3][1]))
    d = _digits(float(value))
    if d is None or d > rnd[1]:
        return None
    new = (*pts, (float(x), float(value)))
    if not feasible(new, rnd):
        return None
    if any(same(px, float(x)) for px, _py in pts) or len(pts) >= MAX_POINTS:
        return cand  # no new x (or enough kept): the evidence it keeps is a superset's, still cautious
    return (cand[0], cand[1], new, cand[3])


def evaluate(cand: Cand, x0: float) -> float:
    """The one value every line the evidence allows gives at x0 (Disagree otherwise)."""
    pts: tuple[Point, ...] = tuple((float(a), float(b)) for a, b in cand[2])
    mode, d = str(cand[3][0]), int(cand[3][1])
    span = live_range(pts, (mode, d), x0)
    if span is None:
        raise Unavailable("no line fits the evidence")
    if not all(math.isfinite(z) for z in span):
        raise Unavailable("not a finite number")
    lo, hi = rounded(span[0], mode, d), rounded(span[1], mode, d)
    if not same(lo, hi):
        raise Disagree(
            f"a {mode} rounding of a line through {len(pts)} points gives {lo:g} to {hi:g} at {x0:g}: "
            "the evidence does not pin the value"
        )
    return lo


def describe(cand: Cand, ref_text: str) -> str:
    return f"{cand[3][0]}-rounded line of {ref_text} ({cand[3][1]} decimals, fit by {len(cand[2])} runs)"
