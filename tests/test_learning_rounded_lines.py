"""Rounded lines (issue 9, rule 2): y = R(c * x + b) learned from runs, used only where every line and
every rounding the evidence allows give one live value; the model decides everywhere else."""

from __future__ import annotations

import math

import pytest

from llmos.learning import _explain_lines as rl
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize


def _env(goal: str) -> ex.Env:
    return ex.Env(tokenize(goal), [], [])


def _learn(goal: str, f: object, xs: list[float]) -> list[ex.Cand]:
    assert callable(f)
    cands = ex.generate(f(xs[0]), _env(goal.format(x=xs[0])), 0)
    for x in xs[1:]:
        cands = ex.fitting(cands, f(x), _env(goal.format(x=x)))
    return cands


def _live(cands: list[ex.Cand], goal: str) -> object:
    try:
        return ex.evaluate_all(cands, _env(goal))
    except ex.Disagree:
        return "model"


def test_a_ceiling_line_replays_where_the_evidence_pins_it() -> None:
    def ship(w: float) -> float:
        return float(math.ceil(w * 1.5) + 4)

    cands = _learn("Ship {x} kg to Lyon", ship, [3, 7, 10, 4, 12])
    assert cands and all(c[0] == "rlin" for c in cands)
    assert _live(cands, "Ship 6 kg to Lyon") == ship(6)
    assert _live(cands, "Ship 8 kg to Lyon") == ship(8)


def test_must_not_replay_a_rounded_line_far_outside_its_points() -> None:
    cands = _learn("Ship {x} kg to Lyon", lambda w: float(math.ceil(w * 1.5) + 4), [3, 7, 10, 4, 12])
    assert _live(cands, "Ship 40 kg to Lyon") == "model"  # c in a range: 59 to 66 at 40


def test_must_not_replay_where_two_roundings_differ_at_the_live_x() -> None:
    # guests / 4 for servings: floor and half-up both fit 4, 8, 12, 16 (every value exact)...
    cands = _learn("Plan servings for {x} guests", lambda g: float(g // 4), [4, 8, 12, 16, 5])
    # ...5 -> 1 (floor) kept floor, trunc, and the halves that give 1.25 -> 1; at 14: 3.5 splits them
    assert _live(cands, "Plan servings for 14 guests") == "model"


def test_servings_floor_pins_after_more_points() -> None:
    def servings(g: float) -> float:
        return float(math.floor(g / 3) + 2)  # a third of the guests, and two for the staff

    cands = _learn("Plan servings for {x} guests", servings, [4, 8, 13, 17, 20, 25, 29])
    assert cands
    for live in (10, 22, 27):
        got = _live(cands, f"Plan servings for {live} guests")
        assert got in ("model", servings(live)), (live, got)  # never another value
    assert _live(cands, "Plan servings for 22 guests") == servings(22)


def test_no_rounded_line_fits_a_curve() -> None:
    assert _learn("Tile a {x} m wall", lambda x: float(x * x), [1, 2, 3, 5]) == []


def test_the_rounding_interval_keeps_the_boundaries_honest() -> None:
    pts = ((1.0, 2.0), (2.0, 4.0), (3.0, 6.0))
    assert rl.feasible(pts, ("floor", 0)) and rl.feasible(pts, ("ceil", 0))
    assert rl.evaluate(("rlin", ("tok", 0), pts, ("floor", 0)), 2.0) == 4.0  # a point seen replays
    assert not rl.feasible(((1.0, 1.0), (2.0, 5.0), (3.0, 1.0)), ("up", 0))


@pytest.mark.xfail(strict=True, reason="open: round(guests * 0.3048) fits floor(guests / 3) on every run below 27")
def test_must_not_replay_a_catalogue_rounding_that_fits_by_coincidence() -> None:
    def servings(g: float) -> float:
        return float(math.floor(g / 3))

    cands = _learn("Plan servings for {x} guests", servings, [4, 8, 13, 17, 20, 25, 29])
    assert _live(cands, "Plan servings for 27 guests") in ("model", servings(27))
