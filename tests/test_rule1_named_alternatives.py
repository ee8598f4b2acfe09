"""Rule 1: a goal that names the alternatives of a judgement is judged on every result, whatever its form.

"State the ice at rink RK-46 tonight: open or closed for skating." is no yes/no question (it opens with no
auxiliary), yet its answer states which of the two words holds: "Rink RK-46 is open tonight (ice
cracked)." copies the ice's word and judges it with "open". The rink's tool says nothing of its risk
(every tool counts as a write), its one call is the plan's last step, and no step is ahead for rule 1 to
check its result before: main replayed "open" over "cracked" and "slushy", crystallized
(`bench/families_heldout31.py` h31_rink: 7 wrong over seeds 7 and 41 at 16 goals), and "enough" for a seed
lot short of seed (h31_seedlot); the second probe's "open / closed" showed the slash
(`bench/families_heldout31b.py` h31b_slope). Two plain words joined by "or" or by a slash name the
judgement's alternatives (`declined.alternatives`); such a goal is judged like a yes/no question
(`declined.polar`).

Domain: ski jumps (the wind on the hill decides whether the round goes ahead or is postponed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from llmos.learning import declined
from llmos.learning.goals import tokenize_goal
from llmos.learning.plans import Plan
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

HILLS: dict[str, str] = {}
CALM = ("still", "light", "steady")


@tool
def jump_wind(hill: str) -> dict[str, Any]:
    """The wind on a ski jump's hill this morning."""
    return {"hill": hill, "wind": HILLS[hill], "snow_cm": 40}


def jump_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "hill" in m.text)
    hill = re.findall(r"hill (HL-\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "jump_wind", {"hill": hill})
    wind = json.loads(results[-1].content)["wind"]
    verdict = "goes ahead" if wind in CALM else "is postponed"
    return f"The round on hill {hill} {verdict} (wind {wind})."


def _plan() -> Plan:
    return cast(Plan, SimpleNamespace(steps=[SimpleNamespace(name="jump_wind")], answer=[], example={}))


def test_two_plain_words_joined_by_or_name_a_judgement() -> None:
    named = [
        "State the ice at rink RK-46 tonight: open or closed for skating.",
        "Seed bank lot SB-293: enough or short for 17 rows?",
        "Report the round on hill HL-3 this morning: ahead or postponed.",
        "Avalanche slope AV-32: open / closed today.",  # a slash joins them too
        "Give the result of autoclave cycle AC-47: pass/fail.",
    ]
    for goal in named:
        assert declined.alternatives(tokenize_goal(goal)), goal
        assert declined.judged_on_every_result(_plan(), tokenize_goal(goal), lambda name: "write"), goal
    values = [
        "Tell me which choir has more singers, Bramley or Garth",  # names: a pick, not a judgement
        "Book 2 or 3 seats on the Oban ferry",  # numbers
        "Report the wind on hill HL-3 this morning.",  # no alternatives
        "Book 2 / 3 seats on the Oban ferry",
        "Read the file a/b",
    ]
    for goal in values:
        assert not declined.alternatives(tokenize_goal(goal)), goal
        assert not declined.judged_on_every_result(_plan(), tokenize_goal(goal), lambda name: "write"), goal


async def _ask(tmp_path: Path, seq: list[str]) -> list[Any]:
    HILLS.clear()
    HILLS.update({f"HL-{10 + k}": w for k, w in enumerate(seq)})
    out = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=jump_model), tools=[jump_wind]) as os:
        for k in range(len(seq)):
            out.append(await os.execute(f"Report the round on hill HL-{10 + k} this morning: ahead or postponed."))
    return out


async def test_a_word_no_run_showed_goes_to_the_model_however_the_goal_is_worded(tmp_path: Path) -> None:
    runs = await _ask(tmp_path, ["still", "light", "still", "light", "gusting", "still"])
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    assert runs[3].llm_calls == 0, modes  # a wind the runs showed: the replay answers
    assert runs[3].output == "The round on hill HL-13 goes ahead (wind light).", runs[3].output
    gusting = runs[4]
    assert gusting.llm_calls >= 1, (gusting.mode, gusting.output)
    assert gusting.output == "The round on hill HL-14 is postponed (wind gusting).", gusting.output
    assert "outside the evidence" in str(gusting.mode_reason.get("fallback_reason")), gusting.mode_reason
