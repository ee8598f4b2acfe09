"""Rule 5 with rule 2, for the words around a result's category: an answer whose own words may depend
on a result value ("Yes, loan L-1 is approved.") is not said for a value the evidence never showed
there. Identifiers (a new address every run) are said as before.
"""

from __future__ import annotations

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize


def env(goal: str, *results: str) -> ex.Env:
    return ex.Env(tokenize(goal), list(results), [ex.parse_result(r) for r in results])


def learned(*runs: tuple[str, str, str]) -> list[ex.Cand]:
    parts: list[ex.Cand] = []
    for goal, answer, result in runs:
        parts = answers.learn(parts, answer, env(goal, result))
    return parts


def test_a_category_every_supporting_run_shared_is_not_said_with_another_value() -> None:
    parts = learned(
        ("Is loan L-1 approved?", "Yes, loan L-1 is approved.", '{"state": "approved"}'),
        ("Is loan L-2 approved?", "Yes, loan L-2 is approved.", '{"state": "approved"}'),
    )
    assert answers.usable(parts)
    assert answers.render(parts, env("Is loan L-3 approved?", '{"state": "approved"}')) == "Yes, loan L-3 is approved."
    assert answers.render(parts, env("Is loan L-4 approved?", '{"state": "rejected"}')) is None  # never "Yes"


def test_a_plain_text_category_too() -> None:
    parts = learned(
        ("Check pump P-7", "Pump P-7 is fine: running.", "running"),
        ("Check pump P-8", "Pump P-8 is fine: running.", "running"),
    )
    assert answers.render(parts, env("Check pump P-9", "running")) == "Pump P-9 is fine: running."
    assert answers.render(parts, env("Check pump P-9", "seized")) is None


def test_values_that_differ_in_every_run_are_said() -> None:
    parts = learned(
        ("Look up the email address of Ada", "Ada's email address is ada@x.org.", '{"email": "ada@x.org"}'),
        ("Look up the email address of Bo", "Bo's email address is bo@y.org.", '{"email": "bo@y.org"}'),
    )
    live = env("Look up the email address of Cy", '{"email": "cy@z.org"}')
    assert answers.render(parts, live) == "Cy's email address is cy@z.org."


def test_a_goal_word_the_result_repeats_is_the_goals() -> None:
    parts = learned(
        ("Where is crate Alpha?", "Crate Alpha is in bay 4.", '{"crate": "Alpha", "bay": 4}'),
        ("Where is crate Alpha?", "Crate Alpha is in bay 4.", '{"crate": "Alpha", "bay": 4}'),
    )
    live = env("Where is crate Delta?", '{"crate": "Delta", "bay": 9}')
    assert answers.render(parts, live) == "Crate Delta is in bay 9."


def test_answers_whose_own_words_differ_are_left_to_the_model() -> None:
    # held-out h4_lift: "can carry" in one supporting answer, "cannot carry" in the next
    parts = learned(
        ("Can lift L10 carry 300 kg?", "Lift L10 can carry 300 kg.", "Lift L10: rated load 630 kg"),
        ("Can lift L11 carry 900 kg?", "Lift L11 cannot carry 900 kg.", "Lift L11: rated load 630 kg"),
    )
    assert not answers.usable(parts)
    assert answers.phrasing_varied(parts, support=2)
    # one run is not yet a variation
    one = learned(("Can lift L10 carry 300 kg?", "Lift L10 can carry 300 kg.", "Lift L10: rated load 630 kg"))
    assert not answers.phrasing_varied(one, support=1)
