"""Rules 1 and 5: a result that fed nothing is judged by the answer's own words (helper words2).

"Report on the ice at rink RK-46 tonight." answered "Rink RK-46 is open tonight." over `{"ice": "smooth"}`:
the answer copies no category (stop 35's rule, `_answer_words`, needs one), and no value of the result
reaches the answer or a later call. The tool says nothing of its risk (a write for rule 4), so rule 3
took its result for an acknowledgement that feeds nothing, and no step is ahead for rule 1: a replay said
"open" over cracked ice (`bench/families_words2.py` w2_rink, w2_dough, w2_trail; w2_well, w2_honey,
w2_kiln, w2_pool with a number). Such a result is now judged on every result (`_answer_unread`): a category
it states, or a number of a call no earlier call may have written before. A number after a possible write
is an acknowledgement ("logged": 3 after `set_stock`, `tests/test_replay_feedback.py`), and so is a figure
the answer works out of the result ("1.234 kg" of 1234 grams: the template reads it).

Domains: a town's ice rink (a category), a farm's well (a number).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning._answer_unread import unread_results
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

ICE: dict[str, str] = {}
NITRATE: dict[str, int] = {}


@tool
def rink_ice(rink: str) -> dict[str, Any]:
    """The ice at a rink tonight."""
    return {"ice": ICE[rink], "crew": "night crew"}


@tool
def well_lab(well: str) -> dict[str, Any]:
    """A well's nitrate test."""
    return {"nitrate_mg_l": NITRATE[well]}


def rink_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "rink RK" in m.text)
    rink = re.findall(r"rink (RK-\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "rink_ice", {"rink": rink})
    ice = json.loads(results[-1].content)["ice"]
    return f"Rink {rink} is {'open' if ice in ('smooth', 'hard', 'fresh') else 'closed'} tonight."


def well_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "well WL" in m.text)
    well = re.findall(r"well (WL-\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "well_lab", {"well": well})
    n = json.loads(results[-1].content)["nitrate_mg_l"]
    return f"Well {well}: water {'fit to drink' if n <= 50 else 'boil-only'}."


def test_which_results_fed_nothing() -> None:
    rink = {
        "goal": "Report on the ice at rink RK-46 tonight.",
        "calls": [{"name": "rink_ice", "arguments": {"rink": "RK-46"}, "result": json.dumps({"ice": "smooth"})}],
        "answer": "Rink RK-46 is open tonight.",
    }
    assert unread_results(rink) == [0]  # a category no answer states
    assert unread_results({**rink, "answer": "Rink RK-46: ice smooth."}) == []  # copied
    well = {
        "goal": "Write up the water test for well WL-3.",
        "calls": [{"name": "well_lab", "arguments": {"well": "WL-3"}, "result": json.dumps({"nitrate_mg_l": 31})}],
        "answer": "Well WL-3: water fit to drink.",
    }
    assert unread_results(well) == []  # a number: without a risk lookup, maybe an acknowledgement
    assert unread_results(well, read_only=lambda n: False) == [0]  # the first call: no write before it
    logged = {
        "goal": "Add 4 units of BOLT-1 to warehouse A1",
        "calls": [
            {"name": "set_stock", "arguments": {"sku": "BOLT-1"}, "result": json.dumps({"quantity": 9})},
            {"name": "log_change", "arguments": {"change": 1004}, "result": json.dumps({"logged": 3})},
        ],
        "answer": "Done. BOLT-1 in A1 now has 9 units.",
    }
    assert unread_results(logged, read_only=lambda n: False) == []  # a number after a possible write
    shipped = {
        "goal": "Ship lot CL-1 to Deli Nord",
        "calls": [{"name": "ship_lot", "arguments": {"lot": "CL-1"}, "result": json.dumps({"status": "shipped"})}],
        "answer": "Done.",
    }
    assert unread_results(shipped, lambda n: True, lambda n: False) == []  # a declared write's result
    assert unread_results(shipped, lambda n: False, lambda n: False) == [0]  # a tool that says nothing


async def test_a_category_the_answer_never_copied_goes_to_the_model(tmp_path: Path) -> None:
    seq = ["smooth", "hard", "fresh", "smooth", "hard", "cracked", "slushy", "smooth"]
    ICE.clear()
    ICE.update({f"RK-{10 + k}": v for k, v in enumerate(seq)})
    runs = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=rink_model), tools=[rink_ice]) as os:
        for k in range(len(seq)):
            runs.append(await os.execute(f"Report on the ice at rink RK-{10 + k} tonight."))
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    assert any(o.llm_calls == 0 for o in runs[3:5]), modes  # ice the runs saw: the replay answers
    for o, k in ((runs[5], 15), (runs[6], 16)):
        assert o.llm_calls >= 1, modes
        assert o.output == f"Rink RK-{k} is closed tonight.", (o.output, modes)


async def test_a_number_of_the_plans_one_call_is_judged_too(tmp_path: Path) -> None:
    seq = [20, 35, 41, 28, 33, 22, 80, 30, 25, 90]
    NITRATE.clear()
    NITRATE.update({f"WL-{10 + k}": v for k, v in enumerate(seq)})
    runs = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=well_model), tools=[well_lab]) as os:
        for k in range(len(seq)):
            runs.append(await os.execute(f"Write up the water test for well WL-{10 + k}."))
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    assert any(o.llm_calls == 0 for o in runs[3:6]), modes
    for o, k in ((runs[6], 16), (runs[9], 19)):
        assert o.llm_calls >= 1, modes
        assert o.output == f"Well WL-{k}: water boil-only.", (o.output, modes)
