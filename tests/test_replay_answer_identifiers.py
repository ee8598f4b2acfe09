"""Rule 5: an identifier is one value (found by bench/families_heldout13.py, h13_lifts_down).

"2 lifts out of service at Maison Lefèvre: L1, L5." states a count the model worked out. The run's result
showed lift "L2", so main counted the 2 as given by a value of the run, and a replay of the one-run plan
answered with a listing of the lift board: every lift and its status, never how many were down. An
identifier (a word that starts with a letter and holds a digit: "L2", "B-101", "SO-4821") gives no
figure, as a date gives none; an identifier the answer states is given only by a text that holds it whole.
Nor is "1 lift out of service" given by the run's one call: the count of calls is given only where the
answer counts calls ("Done: 1 tool call.").
Tested here in another domain: the free beds of a hospital ward.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from llmos.learning import answers
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

WARDS = {
    "W4": ["free", "occupied", "free", "occupied", "occupied"],
    "W7": ["occupied", "free", "free", "free"],
    "W2": ["occupied", "free", "occupied"],
}


def _board(ward: str) -> str:
    beds = WARDS[ward]
    return f"Ward {ward}, {len(beds)} beds. " + "; ".join(f"B{n + 1}: {s}" for n, s in enumerate(beds)) + "."


def test_the_digits_of_an_identifier_give_no_figure() -> None:
    example = {
        "goal": "How many beds are free on ward W4?",
        "calls": [{"name": "ward_beds", "arguments": {"ward": "W4"}, "result": _board("W4")}],
        "answer": "2 beds free on ward W4: B1, B3.",
    }
    assert answers.unstated_figures(example) == ["2"]  # not the 2 of bed B2
    example["answer"] = "Beds B1 and B3 are free on ward W4."
    assert answers.unstated_figures(example) == []  # identifiers the result holds whole
    example["answer"] = "Bed B9 is free on ward W4."
    assert answers.unstated_figures(example) == ["B9"]  # an identifier no text of the run holds
    example["answer"] = "Ward W4 has 5 beds."
    assert answers.unstated_figures(example) == []  # a number the result states as a number
    one = {**example, "goal": "How many beds are free on ward W2?", "answer": "1 bed free on ward W2: B2."}
    one["calls"] = [{"name": "ward_beds", "arguments": {"ward": "W2"}, "result": _board("W2")}]
    assert answers.unstated_figures(one) == ["1"]  # not given by the run's one call
    one["answer"] = "Done: 1 tool call."
    assert answers.unstated_figures(one) == []  # a count of calls, as the listing states it
    loop = {
        "goal": "Check the beds of ward W7",
        "answer": "Checked 3 beds.",
        "calls": [{"name": "bed", "arguments": {"bed": b}, "result": "free"} for b in ("B1", "B2", "B3")],
    }
    assert answers.unstated_figures(loop) == []  # a loop's items: one line of the listing each


def ward_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "beds are free" in m.text)
    ward = re.findall(r"on ward (W\d)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "ward_beds", {"ward": ward})
    free = re.findall(r"(B\d): free", str(results[-1].content))
    return f"{len(free)} beds free on ward {ward}: {', '.join(free)}."


@tool
def ward_beds(ward: str) -> str:
    """The bed board of a hospital ward: every bed and whether it is free (plain text)."""
    return _board(ward)


ward_beds.metadata["annotations"] = {"readOnlyHint": True}  # a read-only plan replays after one run


@pytest.mark.parametrize(
    "workload",
    [
        ["W4", "W4", "W7", "W4"],  # 2 free beds: the 2 of bed B2
        ["W2", "W2", "W7", "W2"],  # 1 free bed: the run's one call
    ],
)
async def test_a_count_is_not_replaced_by_a_listing(tmp_path: Path, workload: list[str]) -> None:
    model = TestModel(script=ward_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[ward_beds]) as os:
        outs = [await os.execute(f"How many beds are free on ward {w}?") for w in workload]
    for ward, out in zip(workload, outs, strict=True):
        free = WARDS[ward].count("free")
        assert out.success, out.to_dict()
        assert out.output.startswith(f"{free} beds free on ward {ward}"), (ward, out.mode, out.output)


# ---------------------------------------------------------------- a proven template this run cannot fill
# (found by bench/families_heldout13b.py, h13b_exam: "19 candidates registered, 3 absent with notice"
# where every supporting run read "no absences notified"; the template "{n} candidates will sit" could
# not be filled, and a crystallized replay listed the results, never the 16 who sit)
TABLES = {"T3": (8, 0), "T5": (10, 0), "T6": (12, 0), "T8": (9, 0), "T9": (11, 3)}


@tool
def table_guests(table: str) -> str:
    """A dinner table's guest list (plain text)."""
    invited, declined = TABLES[table]
    note = f"{declined} declined" if declined else "no one declined"
    return f"Table {table}: {invited} guests invited, {note}. Host: Ms Abara."


table_guests.metadata["annotations"] = {"readOnlyHint": True}


def table_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "will dine" in m.text)
    table = re.findall(r"at table (T\d)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "table_guests", {"table": table})
    text = str(results[-1].content)
    invited = int(re.search(r"(\d+) guests invited", text).group(1))  # type: ignore[union-attr]
    declined = re.search(r"(\d+) declined", text)
    return f"{invited - (int(declined.group(1)) if declined else 0)} guests will dine at table {table}."


async def test_a_listing_stands_in_only_on_results_like_the_runs(tmp_path: Path) -> None:
    goals = ["T3", "T5", "T6", "T8", "T9"]
    async with LLMOS(workspace=tmp_path, model=TestModel(script=table_model), tools=[table_guests]) as os:
        outs = [await os.execute(f"How many guests will dine at table {t}?") for t in goals]
    for table, out in zip(goals, outs, strict=True):
        invited, declined = TABLES[table]
        assert out.success, out.to_dict()
        # the model's answer, or a listing that states the figure (a result like the runs': "12 invited, no one
        # declined"); never a listing of "11 guests invited, 3 declined" for the 8 who dine
        assert re.search(rf"(?<![\d.]){invited - declined}(?![\d.])", out.output), (table, out.mode, out.output)
