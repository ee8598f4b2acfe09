"""Rule 5 with rule 2, for the words around a result's category: an answer whose own words may depend
on a result value ("Yes, loan L-1 is approved.") is not said for a value the evidence never showed
there. Identifiers (a new address every run) are said as before.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool


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


# ---------------------------------------------------------------- end to end: rule 1 for a derived answer
TANKS = {
    "T-1": (16.0, 50, 21),
    "T-2": (16.0, 25, 30),
    "T-3": (16.0, 75, 18),
    "T-4": (16.0, 40, 25),
    "T-5": (9.6, 49, 22),
}


async def test_a_factor_every_supporting_run_shared_is_not_folded_into_the_answer(tmp_path: Path) -> None:
    # held-out h4_battery: four supporting runs of 16 kWh tanks explain "kWh left" as soc x 0.16; a
    # 9.6 kWh tank is outside what they saw, so its answer is the model's (here: a fuel tank in litres)
    @tool
    def tank_status(tank: str) -> dict[str, Any]:
        """Capacity (litres), fill level (%) and temperature of a fuel tank."""
        cap, pct, temp = TANKS[tank]
        return {"tank": tank, "capacity_l": cap, "fill_pct": pct, "temp_c": temp}

    tank_status.metadata["annotations"] = {"readOnlyHint": True}

    def model(request: ModelRequest) -> Any:
        goal = next(m.text for m in request.messages if m.role == "user" and "fuel is left" in m.text)
        tank = re.findall(r"tank (T-\d)", goal)[-1]
        results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        if not results:
            return ToolCall("", "tank_status", {"tank": tank})
        row = json.loads(results[-1].content)
        return f"Tank {tank} holds {round(row['capacity_l'] * row['fill_pct'] / 100, 2)} litres."

    async with LLMOS(workspace=tmp_path, model=TestModel(script=model), tools=[tank_status]) as os:
        for t in ("T-1", "T-2", "T-3", "T-4", "T-1", "T-2"):
            r = await os.execute(f"How much fuel is left in tank {t}?")
            assert r.success, r.to_dict()
        live = await os.execute("How much fuel is left in tank T-5?")
        assert live.success and "4.7" in live.output and "7.84" not in live.output, live.to_dict()
