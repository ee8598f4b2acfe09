"""Issue 9, rule 2 (round V, h11_alum): a constant fitted to the runs is a hypothesis two runs test once.

An answer stated "20.0 mg/L" for 100 kg of alum in 5000 m3 and "40.0 mg/L" for 400 kg in 10000 m3; its
computed number was learned as `volume * 0.004` (a constant fitted to the first run, confirmed by the
second only because the workload scaled kg with the square of the volume), and the true form, kg / m3
x 1000, was not among the hole's explanations, so no rival disagreed. Two rules, tested here in other
domains (a pet's dose, a fertiliser's rate per hectare, crates ordered):

- a computed number whose every explanation carries a fitted constant (or is a form of the wider
  search) is said only once its runs stated `PROOF_VALUES` distinct values; an argument of a fitted
  constant waits for that many distinct goals (an exact repeat tests nothing);
- two operands with a unit scale (a / b x k, a x b / k) are rivals of an answer's computed number.
"""

from __future__ import annotations

import math
from pathlib import Path

from test_learning_ambiguity import _order
from test_learning_learned_constants import harness
from test_learning_world import Family, nothing, run_ok

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize


def env(goal: str, *results: str) -> ex.Env:
    return ex.Env(tokenize(goal), list(results), [ex.parse_result(r) for r in results])


def learned(runs: list[tuple[str, str, str]]) -> list[ex.Cand]:
    parts: list[ex.Cand] = []
    for goal, answer, result in runs:
        parts = answers.learn(parts, answer, env(goal, result))
    return parts


# a pet's dose in ml: weight x mg per kg / mg per ml (three operands: outside an answer's hypotheses);
# in both runs it happened to be weight x 0.125, a constant fitted to the first run
DOSE = "How much of the suspension should Rex get, patient {}?"


def dose_run(patient: str, kg: int, mg_kg: int, mg_ml: int) -> tuple[str, str, str]:
    result = f'{{"weight_kg": {kg}, "mg_per_kg": {mg_kg}, "mg_per_ml": {mg_ml}}}'
    return DOSE.format(patient), f"Give {kg * mg_kg / mg_ml} ml of the suspension.", result


def test_a_fitted_proportion_shown_on_two_values_is_not_said() -> None:
    runs = [dose_run("P-1", 10, 10, 80), dose_run("P-2", 20, 5, 40)]
    parts = learned(runs)
    assert answers.usable(parts)
    live = env(DOSE.format("P-3"), '{"weight_kg": 12, "mg_per_kg": 10, "mg_per_ml": 40}')
    # the hole's one explanation gives 1.5 ml (the true dose is 3.0): it may not be said on two points
    assert answers.render(parts, live) == "Give 1.5 ml of the suspension."
    why = answers.derived_unproven(parts, 2, 2)
    assert "fitted to the runs" in why and "2 distinct values" in why, why
    # an exact repeat of a run is no third test
    parts = learned([*runs, dose_run("P-2", 20, 5, 40)])
    assert "2 distinct values" in answers.derived_unproven(parts, 3, 3)
    # a third value that the constant still fits: three tests, said
    parts = learned([*runs, dose_run("P-4", 24, 5, 40)])
    assert answers.derived_unproven(parts, 3, 3) == ""


# a fertiliser's rate: g spread on a plot of m2, told in kg/ha = g x 10 / m2; the workload scaled g with
# the square of the area, so area x 0.5 fitted both runs
SPREAD = "Spread {} g of fertiliser on plot {}"


def spread_run(g: int, plot: str, m2: int) -> tuple[str, str, str]:
    return (
        SPREAD.format(g, plot),
        f"Spread on plot {plot}: {g * 10 / m2} kg/ha.",
        f'{{"plot": "{plot}", "area_m2": {m2}}}',
    )


def test_a_ratio_with_a_unit_scale_is_a_rival_of_a_fitted_proportion() -> None:
    runs = [spread_run(500, "A1", 100), spread_run(2000, "B2", 200)]
    parts = learned(runs)
    assert answers.usable(parts)
    # area x 0.5 says 75.0; g x 10 / area says 60.0: they disagree, nothing is said
    assert answers.render(parts, env(SPREAD.format(900, "C3"), '{"plot": "C3", "area_m2": 150}')) is None
    # a run that tells them apart leaves the true form, shown on three values
    parts = learned([*runs, spread_run(900, "C3", 150)])
    assert answers.derived_unproven(parts, 3, 3) == ""
    live = env(SPREAD.format(1200, "D4"), '{"plot": "D4", "area_m2": 300}')
    assert answers.render(parts, live) == "Spread on plot D4: 40.0 kg/ha."


def test_a_percentage_of_two_values_is_explained() -> None:
    # a share in percent (a x 100 / b), outside the usual families: now a hole, said once shown thrice
    ask = "How full is tank {}?"
    runs = [
        (ask.format(t), f"Tank {t} is {lit * 100 / cap}% full.", f'{{"litres": {lit}, "capacity": {cap}}}')
        for t, lit, cap in (("T1", 300, 800), ("T2", 450, 600), ("T3", 123, 400))
    ]
    parts = learned(runs[:2])
    assert answers.usable(parts)
    assert "2 distinct values" in answers.derived_unproven(parts, 2, 2)
    parts = learned(runs)
    assert answers.derived_unproven(parts, 3, 3) == ""
    live = env(ask.format("T4"), '{"litres": 250, "capacity": 400}')
    assert answers.render(parts, live) == "Tank T4 is 62.5% full."


# crates ordered: ceil(n x 1.5) + 4 boxes is n + 6 at 3 and 4 crates (a constant fitted to the runs)
SHIP = Family("ship", "Order {n} crates for site {site}", _order(lambda n, site: math.ceil(n * 1.5) + 4), nothing)


async def test_an_argument_of_a_fitted_constant_waits_for_three_distinct_goals(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in (3, 4, 4):  # the third run repeats the second goal: support 3, two goals
        await run_ok(h, SHIP, {"n": n, "site": "Lyon"})
    out = await h.run(SHIP, {"n": 8, "site": "Lyon"})  # 16 boxes, not 14
    assert out.correct and out.trace.mode != "follower", out.decision.reason
    assert any("2 distinct goals" in b for b in out.decision.reason["why_not_follower"])


# loyalty points: spend x the tier's rate / 100; every run earned 24 to 30.25 points. A basket that earns
# 4.5 is past every run's figure: the words around it ("credited") may be another rule's (a minimum)
POINTS = "How many points does order {} earn?"


def points_run(order: str, spend: float, rate: float) -> tuple[str, str, str]:
    result = f'{{"order": "{order}", "spend_eur": {spend}, "rate_pct": {rate}}}'
    return POINTS.format(order), f"Order {order} earns {round(spend * rate / 100, 2)} points, credited.", result


def test_a_computed_number_past_every_stated_one_is_not_said() -> None:
    runs = [points_run("O-1", 480, 5), points_run("O-2", 1210, 2.5), points_run("O-3", 301.5, 8)]
    parts = learned(runs)
    inside = env(POINTS.format("O-4"), '{"order": "O-4", "spend_eur": 550, "rate_pct": 5}')
    assert answers.render(parts, inside) == "Order O-4 earns 27.5 points, credited."
    assert answers.derived_unproven(parts, 3, 3, inside) == ""
    below = env(POINTS.format("O-5"), '{"order": "O-5", "spend_eur": 90, "rate_pct": 5}')
    assert answers.render(parts, below) == "Order O-5 earns 4.5 points, credited."
    assert "outside what the supporting runs stated" in answers.derived_unproven(parts, 3, 3, below)
