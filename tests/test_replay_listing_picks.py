"""Rule 5: a figure an answer picked among like values of a result is never left to a listing.

Found by bench/families_heldout21.py (h21_heaviest, main `aed9fca`, seed 7): "What was the heaviest blast at
{quarry} in {month}?" read a plain-text blasting log ("4 Oct: bench 4, 1,892 kg ANFO; 6 Oct: bench 4, 1,954
kg ANFO; ...") and the model answered with the heaviest one. Every number of that answer is a value of the
run, so no figure was "worked out"; the template could not be traced (which item is the heaviest moves), and a
FOLLOWER replay answered "Done." with a listing of the log: every blast, never which one was asked for (3
wrong of 192). A number the answer states that a result holds among other values of the same role (numbers
followed by the same word in a text; one path of a JSON list) is a pick: a listing would leave it out, so the
model answers (`_answer_picks`).

Tested here in another domain: a bakery's oven log, and the pick's detector on JSON and text results.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.learning._answer_picks import earlier_figures, picked_figures, plan_figures
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

LINES = {
    "Alder": [212, 198, 240],
    "Birch": [305, 331, 290],
    "Cedar": [150, 149, 121],
    "Damson": [410, 398, 377],
    "Elm": [260, 275, 281],
    "Fir": [199, 230, 228],
    "Gorse": [333, 301, 322],
    "Hazel": [187, 214, 190],
}


@tool
def oven_log(line: str) -> str:
    """Today's bakes of one oven line (plain text)."""
    bakes = LINES[line]
    return f"Oven log, line {line}: " + "; ".join(f"batch {k + 1}, {n:,} loaves" for k, n in enumerate(bakes)) + "."


oven_log.metadata["annotations"] = {"readOnlyHint": True}


def oven_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "oven line" in m.text)
    line = re.findall(r"oven line (\w+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "oven_log", {"line": line})
    bakes = [int(x.replace(",", "")) for x in re.findall(r"([\d,]+) loaves", str(results[-1].content))]
    k = max(range(len(bakes)), key=lambda j: bakes[j])
    return f"The biggest bake on line {line} was batch {k + 1}, with {bakes[k]} loaves."


async def test_a_picked_figure_is_never_left_to_a_listing(tmp_path: Path) -> None:
    lines = [*LINES, *LINES]  # the second round repeats the first: main answered 10 of them with a listing
    async with LLMOS(workspace=tmp_path, model=TestModel(script=oven_model), tools=[oven_log]) as os:
        outs = [await os.execute(f"Which batch on oven line {line} was the biggest today?") for line in lines]
    for line, out in zip(lines, outs, strict=True):
        assert out.success, out.to_dict()
        top = max(LINES[line])
        assert re.search(rf"(?<![\d.,]){top}(?![\d])", out.output), (line, out.mode, out.output)
        assert "Done." not in out.output, (line, out.mode, out.output)


def _example(answer: str, result: str, goal: str = "Which one?") -> dict[str, Any]:
    return {"goal": goal, "answer": answer, "calls": [{"name": "t", "arguments": {}, "result": result}]}


def test_a_pick_of_a_text_result() -> None:
    log = "Log: 4 Oct: bench 4, 1,892 kg; 6 Oct: bench 4, 1,954 kg; 23 Oct: bench 5, 1,293 kg."
    assert picked_figures(_example("The heaviest was on 6 October, bench 4, with 1,954 kg.", log)) == ["1954", "4", "6"]
    # stating every value of the role is no pick (a listing shows them all), nor is a value alone in its role
    assert picked_figures(_example("Blasts: 1,892 kg, 1,954 kg and 1,293 kg.", log)) == []
    assert picked_figures(_example("Tank T-40 is at 62 percent.", "Tank T-40: level 62 percent, 4 alarms.")) == []


def test_a_pick_of_a_json_list() -> None:
    prices = '{"hotels": [{"name": "Krk", "eur": 40}, {"name": "Pag", "eur": 55}], "nights": 2}'
    assert picked_figures(_example("The cheapest is Krk at 40 euros.", prices)) == ["40", "Krk"]
    assert picked_figures(_example("Krk costs 40 and Pag 55.", prices)) == []
    assert picked_figures(_example("Pag is the dearer one.", prices)) == ["Pag"]  # a text of the list picked
    assert picked_figures(_example("2 nights booked.", prices)) == []  # one value at its path: no pick
    # the goal's own number is the goal's, and a date is one value
    assert picked_figures(_example("Pag is dearer than Krk.", prices, goal="Is Pag dearer than Krk?")) == []


def test_a_pick_joins_the_figures_a_listing_would_leave_out_and_is_kept_for_later_runs() -> None:
    log = "Oven log: batch 1, 212 loaves; batch 2, 240 loaves."
    picked = _example("Batch 2 baked the most: 240 loaves.", log)
    assert plan_figures(picked) == ["2", "240"]
    kept = earlier_figures(picked)
    assert kept["figures_before"] == ["2", "240"] and kept["stated_before"]
    lone = {**_example("Batch 1 baked the most: 212 loaves.", "Oven log: batch 1, 212 loaves."), **kept}
    assert plan_figures(lone) == ["2", "240"]  # the latest run picked nothing: the earlier pick still counts
