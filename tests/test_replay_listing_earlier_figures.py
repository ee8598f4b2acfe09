"""Rule 5: a listing never stands in for a figure an earlier supporting answer stated.

Found by bench/families_heldout17b.py (h17b_pending, main `5616f70`, seed 7): "Any returned parcels for
{customer} sitting at {depot}?" was answered "3 returns wait ..." and "2 returns wait ..." where parcels
waited, "Depot East has no pending returns for ..." where none did. The count is a figure no value of the
run gives (the model counted the parcels of a plain-text result), so a replay may not answer it with a
listing; main checked that on the plan's example only, the latest supporting run. Once two runs with no
parcels had come last, the example stated no figure, and a FOLLOWER replay for a customer with two
parcels answered with a listing of the board, never "2". The plan now keeps what every supporting
answer stated (`Plan.example["figures_before"]`, `["stated_before"]`): a figure one of them worked out
stops the listing whichever run came last (the model answers).

Tested here in another domain: a railway lost-property office.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

OFFICES = {
    "Kelvin": ["umbrella", "scarf", "phone"],
    "Brodie": [],
    "Dunmore": [],
    "Ashgrove": [],
    "Penhale": [],
    "Morven": ["wallet", "glove"],
}


@tool
def lost_property(station: str) -> str:
    """The lost property waiting at a station's office (plain text)."""
    items = OFFICES[station]
    if not items:
        return f"Lost property at {station} station: nothing handed in."
    return f"Lost property at {station} station: " + "; ".join(f"{x} (handed in 2026-12-01)" for x in items) + "."


lost_property.metadata["annotations"] = {"readOnlyHint": True}


def office_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "lost property" in m.text)
    station = re.findall(r"at (\w+) station", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "lost_property", {"station": station})
    n = str(results[-1].content).count("handed in 2026")
    return f"{n} items are waiting at {station} station." if n else f"Nothing is waiting at {station} station."


async def test_a_figure_of_an_earlier_supporting_answer_is_never_left_to_a_listing(tmp_path: Path) -> None:
    goals = list(OFFICES)
    async with LLMOS(workspace=tmp_path, model=TestModel(script=office_model), tools=[lost_property]) as os:
        outs = [await os.execute(f"Any lost property waiting at {s} station?") for s in goals]
    for station, out in zip(goals, outs, strict=True):
        assert out.success, out.to_dict()
        n = len(OFFICES[station])
        said = re.search(rf"(?<![\d.]){n}(?![\d.])", out.output) if n else "nothing" in out.output.lower()
        assert said, (station, out.mode, out.output)
    # main: a CRYSTALLIZED listing of Morven's two items, which never said 2
    assert "Done." not in outs[-1].output, (outs[-1].mode, outs[-1].output)
