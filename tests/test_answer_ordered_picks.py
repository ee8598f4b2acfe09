"""Rule 2 for an answer that names the item where a date or a weekday is least or greatest (`_explain_agg`:
a pick over ISO dates, "min@date", or weekday names, "min@day").

A pick was generated over numbers only. "Which jar of the pantry was sealed first?" answered from lists the
store kept oldest first had one explanation, the first item's name; on a list kept in another order the
replay named the first item, not the oldest (main: `bench/families_heldout29.py` h29_cask, h29_practice).
The pick over the dates is now a hypothesis too: on sorted lists both fit, on another order they disagree and
the answer is the model's; on lists in any order the pick alone fits and is said.

Tested here in other domains: a pantry's jars (sealed dates), a choir's rehearsal nights (weekday names).
"""

from __future__ import annotations

import json

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize


def env(goal: str, *results: str) -> ex.Env:
    return ex.Env(tokenize(goal), list(results), [ex.parse_result(r) for r in results])


def pantry(*jars: tuple[str, str]) -> str:
    return json.dumps({"pantry": "P-1", "jars": [{"jar": j, "sealed": d} for j, d in jars]})


def first_sealed(shelf: str, jar: str, result: str) -> tuple[str, str, str]:
    return f"Which jar on shelf {shelf} was sealed first?", f"Jar {jar} was sealed first.", result


def learn(runs: list[tuple[str, str, str]]) -> list[ex.Cand]:
    parts: list[ex.Cand] = []
    for goal, answer, result in runs:
        parts = answers.learn(parts, answer, env(goal, result))
    return parts


SORTED = [
    first_sealed("S1", "J12", pantry(("J12", "2026-01-04"), ("J40", "2026-03-09"), ("J77", "2026-05-01"))),
    first_sealed("S2", "J05", pantry(("J05", "2026-02-11"), ("J31", "2026-02-20"))),
    first_sealed("S3", "J63", pantry(("J63", "2025-11-30"), ("J08", "2026-04-02"), ("J19", "2026-06-15"))),
]


def test_a_first_item_that_was_always_the_oldest_is_no_answer_on_another_order() -> None:
    parts = learn(SORTED)
    assert answers.usable(parts)
    assert any(c[0] == "pick" and c[1] == "min@date" for p in parts[1:] if p[0] == "hole" for c in p[1]), parts
    live = env("Which jar on shelf S9 was sealed first?", pantry(("J21", "2026-05-02"), ("J22", "2026-01-15")))
    assert answers.render(parts, live) is None  # the first item and the oldest disagree: the model answers
    same_order = env("Which jar on shelf S9 was sealed first?", pantry(("J21", "2026-01-02"), ("J22", "2026-05-15")))
    assert answers.render(parts, same_order) == "Jar J21 was sealed first."


def test_the_oldest_of_lists_in_any_order_is_said() -> None:
    runs = [
        *SORTED[:2],
        first_sealed("S4", "J08", pantry(("J63", "2026-03-30"), ("J08", "2025-12-02"), ("J19", "2026-06-15"))),
    ]
    parts = learn(runs)
    live = env("Which jar on shelf S9 was sealed first?", pantry(("J21", "2026-05-02"), ("J22", "2026-01-15")))
    assert answers.render(parts, live) == "Jar J22 was sealed first."


def choir(*nights: tuple[str, str]) -> str:
    return json.dumps({"choir": "C-2", "groups": [{"group": g, "night": n} for g, n in nights]})


def test_a_pick_over_weekday_names_is_a_hypothesis_too() -> None:
    runs = [
        (
            "Which section of choir C1 rehearses first?",
            "Altos rehearse first.",
            choir(("Altos", "Monday"), ("Tenors", "Wednesday"), ("Basses", "Thursday")),
        ),
        (
            "Which section of choir C2 rehearses first?",
            "Sopranos rehearse first.",
            choir(("Sopranos", "Tuesday"), ("Altos", "Friday")),
        ),
    ]
    parts = learn(runs)
    assert any(c[0] == "pick" and c[1] == "min@day" for p in parts[1:] if p[0] == "hole" for c in p[1]), parts
    live = env("Which section of choir C3 rehearses first?", choir(("Basses", "Thursday"), ("Tenors", "Monday")))
    assert answers.render(parts, live) is None
