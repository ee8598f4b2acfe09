"""Rule 5 for totals and picks over a list (held-out round AA, `bench/families_heldout14.py`).

1. A total or a pick held as a hole's candidate directly (`("agg", "max", ...)`, from `list_cands`) is a
   computed number like arithmetic (`calc`): once the template started again among the runs the plan
   has seen, it is said only after twice the usual evidence. Main stated "the warmest reading was 36.7
   degrees Celsius" (the maximum of raw readings, one kept in Fahrenheit) from a template of the last two
   runs, while a supporting run with a Fahrenheit reading had answered 6.6 and the template had started
   again on it (h14_coldchain).
2. A usable template whose computed hole cannot be said this run (its explanations disagree) does not
   give way to a listing of the results: every run the template fits stated that figure, and a listing
   leaves it out. Main answered "Done." with a listing where the runs stated the patron's count of
   active interloans (h14_interloan).

Tested here in other domains: parcels on a delivery van (kg and lb), riders booked on a spinning class.
"""

from __future__ import annotations

import json

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize


def env(goal: str, *results: str) -> ex.Env:
    return ex.Env(tokenize(goal), list(results), [ex.parse_result(r) for r in results])


def van(*parcels: tuple[float, str]) -> str:
    return json.dumps(
        {"van": "V-7", "parcels": [{"ref": f"P{k}", "mass": m, "unit": u} for k, (m, u) in enumerate(parcels)]}
    )


def heaviest(van_id: str, answer: float, result: str) -> tuple[str, str, str]:
    return (
        f"What is the heaviest parcel on van {van_id} in kg?",
        f"The heaviest parcel on van {van_id} weighs {answer} kilograms.",
        result,
    )


def learn_runs(runs: list[tuple[str, str, str]]) -> list[ex.Cand]:
    parts: list[ex.Cand] = []
    for goal, answer, result in runs:
        parts = answers.learn(parts, answer, env(goal, result))
    return parts


def test_a_maximum_after_the_template_started_again_needs_twice_the_evidence() -> None:
    runs = [
        heaviest("V-1", 12.5, van((3.2, "kg"), (12.5, "kg"))),
        # a parcel kept in lb: the model converted it (30.0 lb is 13.6 kg), the heaviest is 14.1 kg
        heaviest("V-2", 14.1, van((30.0, "lb"), (14.1, "kg"), (2.0, "kg"))),
        heaviest("V-3", 9.4, van((9.4, "kg"), (1.1, "kg"))),
        heaviest("V-4", 8.8, van((2.5, "kg"), (8.8, "kg"), (0.7, "kg"))),
    ]
    parts = learn_runs(runs)
    assert answers.usable(parts)
    assert any(p[0] == "hole" and any(c[0] == "agg" for c in p[1]) for p in parts[1:]), parts
    live = env("What is the heaviest parcel on van V-9 in kg?", van((31.0, "lb"), (6.0, "kg")))
    # rendered alone the template says 31.0: the maximum of the raw masses
    assert answers.render(parts, live) == "The heaviest parcel on van V-9 weighs 31.0 kilograms."
    # the template fits the last 2 of the 4 runs the plan saw (2 supporting): not said
    why = answers.derived_unproven(parts, support=2, seen_runs=4, env=live)
    assert "started again" in why, why


def test_a_maximum_that_fits_every_run_is_said() -> None:
    parts = learn_runs([heaviest("V-1", 12.5, van((3.2, "kg"), (12.5, "kg"))), heaviest("V-3", 9.4, van((9.4, "kg")))])
    live = env("What is the heaviest parcel on van V-9 in kg?", van((4.0, "kg"), (6.0, "kg")))
    assert answers.render(parts, live) == "The heaviest parcel on van V-9 weighs 6.0 kilograms."
    assert answers.derived_unproven(parts, support=2, seen_runs=2, env=live) == ""


def spin(riders: list[str], seats: list[int] | None = None) -> str:
    seats = seats or [1] * len(riders)
    return json.dumps(
        {"class": "Spin 7am", "riders": [{"name": n, "seats": k} for n, k in zip(riders, seats, strict=True)]}
    )


def test_a_count_the_runs_stated_is_not_left_to_a_listing() -> None:
    # every rider took one seat in both runs: the count of riders and the sum of their seats both explain it
    runs = [
        ("Book Ada on the spinning class", "Booked Ada: 3 riders on the class.", spin(["Ada", "Bo", "Cy"])),
        ("Book Eve on the spinning class", "Booked Eve: 5 riders on the class.", spin(["Eve", "Fi", "Gu", "Hu", "Io"])),
    ]
    parts: list[ex.Cand] = []
    for goal, answer, result in runs:
        parts = answers.learn(parts, answer, env(goal, result))
    assert answers.usable(parts)
    live = env("Book Kim on the spinning class", spin(["Kim", "Lu"], [1, 2]))  # 2 riders, 3 seats (a tandem)
    assert answers.render(parts, live) is None  # the hypotheses disagree: nothing is guessed
    assert "listing would leave out" in answers.unsaid_computed(parts, live)
    agreeing = env("Book Kim on the spinning class", spin(["Kim", "Lu"]))
    assert answers.render(parts, agreeing) == "Booked Kim: 2 riders on the class."
    assert answers.unsaid_computed(parts, agreeing) == ""
