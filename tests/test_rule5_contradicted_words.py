"""Rules 1 and 5: a word only the runs that contradicted the answer's template showed is no case it speaks for.

"Which beds of mushroom house MH-16 are ready to pick?" The first runs answered with the ready beds,
the next four "None of the beds of MH-1x is ready to pick." (the template started again: `fit_runs`).
Main's follower then said "None ..." over a list with bed C1 "ready" where the runs the template fits
saw only "spent" and "pinning" (`bench/families_heldout30a.py` h30_beds, 3 wrong at seed 7).
`_seen_answer.decided_problem(fitted=True)` judges each step against the runs the template fits, and
skipped the step whenever the whole evidence flagged it too ("outside all the evidence: not this
check's"), comparing the first problem only: bed "A8"'s number 8 lay outside every run's range, so the
state "ready" was never looked at. Now such a step still stops on a text the runs the template fits
never showed at its path while other runs of the plan did (`_seen_answer._contradicted_word`).

Domain: mushroom houses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool

HOUSES: dict[str, list[dict[str, str]]] = {}


def _ro(t: Tool) -> Tool:
    t.metadata["annotations"] = {"readOnlyHint": True}
    return t


@tool
def mush_house(house: str) -> dict[str, Any]:
    """A mushroom house's beds and each bed's state (ready, pinning, spent)."""
    return {"house": house, "beds": HOUSES[house]}


def model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "house" in m.text)
    house = re.findall(r"house (MH-\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "mush_house", {"house": house})
    beds = json.loads(results[-1].content)["beds"]
    ready = [b["bed"] for b in beds if b["state"] == "ready"]
    if ready:
        s = ", ".join(ready[:-1]) + " and " + ready[-1] if len(ready) > 1 else ready[0]
        return f"Ready to pick in {house}: {s}."
    return f"None of the beds of {house} is ready to pick."


async def test_a_none_answer_is_not_said_over_a_ready_bed(tmp_path: Path) -> None:
    seq = [
        [("A1", "ready"), ("B2", "spent"), ("C3", "pinning")],
        [("A4", "pinning"), ("B5", "ready"), ("C6", "ready")],
        [("A7", "spent"), ("B8", "pinning"), ("C9", "spent")],
        [("A2", "pinning"), ("B3", "pinning"), ("C4", "spent"), ("D5", "pinning")],
        [("A6", "spent"), ("B7", "spent"), ("C8", "pinning")],
        [("A3", "pinning"), ("B4", "spent"), ("C5", "spent")],
        [("A8", "pinning"), ("B9", "spent"), ("C1", "ready")],
        [("A5", "ready"), ("B6", "pinning"), ("C7", "spent")],
    ]
    HOUSES.clear()
    for k, beds in enumerate(seq):
        HOUSES[f"MH-{10 + k}"] = [{"bed": b, "state": s} for b, s in beds]
    outs = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=model), tools=[_ro(mush_house)]) as os:
        for k in range(len(seq)):
            outs.append(await os.execute(f"Which beds of mushroom house MH-{10 + k} are ready to pick?"))
    assert all(o.success for o in outs)
    assert "C1" in outs[6].output, (outs[6].mode, outs[6].output)
    assert "A5" in outs[7].output, (outs[7].mode, outs[7].output)
    assert outs[6].llm_calls >= 1 and outs[7].llm_calls >= 1, [(o.mode, o.llm_calls) for o in outs]
