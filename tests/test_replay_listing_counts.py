"""Rule 5: a listing writes the counts it stands in for (found by bench/families_heldout15b.py, h15b_wheels).

"Checked 2 trams: 2 booked for the wheel lathe (2073, 2098); the thinnest flange is 24.5 mm." stated a
count every supporting run stated alike (each read two trams and booked both), so no template could say
it, and the replay answered with a listing of its four calls. `unstated_figures` takes a count of calls
as given (the count of a tool called twice or more, the number of calls), since the listing shows one
line per call; but one line per call is no number written, and the answer never said how many trams
were booked. A listing of two calls or more now ends with the counts: "4 calls in all: read 2 times,
book 2 times."
Tested here in another domain: fire extinguishers checked and refilled room by room.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

PRESSURE = {"Kitchen": 9.5, "Library": 8.75, "Cellar": 9.25, "Attic": 8.5, "Studio": 9.0, "Garage": 8.8}
REFILLED: list[str] = []


@tool
def extinguisher(room: str) -> dict[str, Any]:
    """A room's fire extinguisher: its pressure (bar)."""
    return {"room": room, "pressure_bar": PRESSURE[room], "type": "foam"}


extinguisher.metadata["annotations"] = {"readOnlyHint": True}


@tool
def refill_extinguisher(room: str) -> dict[str, Any]:
    """Refill a room's fire extinguisher."""
    REFILLED.append(room)
    return {"room": room, "status": "refilled"}


def model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "extinguishers" in m.text)
    rooms = list(re.findall(r"extinguishers of (\w+) and (\w+)", goal)[-1])
    done = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    plan = [ToolCall("", "extinguisher", {"room": r}) for r in rooms]
    plan += [ToolCall("", "refill_extinguisher", {"room": r}) for r in rooms]
    if len(done) < len(plan):
        return plan[len(done)]
    low = min(PRESSURE[r] for r in rooms)
    return f"Checked 2 extinguishers: 2 refilled; the lowest pressure is {low} bar."


def _count(n: int, text: str) -> bool:
    return re.search(rf"(?<![\w.]){n}(?![\w.])", text) is not None


async def test_a_listing_states_the_count_a_supporting_answer_stated(tmp_path: Path) -> None:
    REFILLED.clear()
    goals = [("Kitchen", "Library"), ("Cellar", "Attic"), ("Studio", "Garage")]
    tools = [extinguisher, refill_extinguisher]
    async with LLMOS(workspace=tmp_path, model=TestModel(script=model), tools=tools) as os:
        outs = [await os.execute(f"Check the extinguishers of {a} and {b}") for a, b in goals]
    assert all(out.success for out in outs), [out.to_dict() for out in outs]
    assert [r for pair in goals for r in pair] == REFILLED
    last = outs[-1]
    assert last.mode == "follower" and last.llm_calls == 0, last.to_dict()
    # the model said "2 refilled"; the listing says it too, never only one line per call
    assert _count(2, last.output) and "8.8" in last.output, last.output


def test_the_count_line_writes_what_unstated_figures_takes_as_given() -> None:
    def env(texts: list[str | None]) -> ex.Env:
        return ex.Env(tokens=[], texts=texts, parsed=[ex.NOT_JSON] * len(texts))

    text = answers.listing(["read", "read", "book"], env(["a", "b", "c"]))
    assert text.splitlines()[-1] == "3 calls in all: read 2 times."
    assert answers.listing(["read"], env(["a"])) == "Done.\n- read: a"  # one call: no count (not a given figure)
    assert "calls in all" not in answers.listing(["read", "book"], env(["a", None]))  # a call not made
