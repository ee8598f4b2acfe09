"""Rule 5: the goal's own number is no figure a listing leaves out.

Found by bench/families_heldout9.py (h9_sim) and families_heldout9b.py (h9b_route): after the rule that
a listing stands in for supporting answers that stated a figure only on results like the runs'
(heldout13b h13b_exam: rule 1 on every result), main counted the goal's own number as a stated figure
("SIM 8944... is active", "Route 395 is on time" of "... bus route 395?"), so a result with a word no
run showed ("Route 55 to Old Town: on time.") went to the model, where the answers stated no figure at
all and a listing states what was asked. A number of the answer written after the word the goal wrote
it after ("route 395") is the goal's value; any other number stays a figure (once more than the goal
wrote it, or after another word).

The check itself is not narrowed: a number outside the range the runs saw, or a date no run saw, still
stops a listing that stands in for a stated figure (a copied figure may hide a cap no run reached).
Tested here in other domains: parcel lockers, seedling trays.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.learning import answers
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

LOCKERS = {
    "80412": ("Central", "occupied since 2026-11-02 by a parcel"),
    "80577": ("Central", "free"),
    "81230": ("Airport", "free"),
    "82004": ("Airport", "occupied since 2026-11-02 by a parcel"),
    "83391": ("Harbour", "free"),
}


@tool
def locker_state(locker: str) -> str:
    """A parcel locker's state (plain text)."""
    station, state = LOCKERS[locker]
    return f"Locker {locker} at {station} station: {state}."


locker_state.metadata["annotations"] = {"readOnlyHint": True}


def locker_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "locker" in m.text)
    locker = re.findall(r"locker (\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "locker_state", {"locker": locker})
    state = str(results[-1].content).rsplit(": ", 1)[1].rstrip(".").split(" by ")[0]
    return f"Locker {locker} is {state}."


def test_the_goals_own_number_is_no_figure() -> None:
    example = {"goal": "What is the state of parcel locker 80412?", "answer": "Locker 80412 is free."}
    assert not answers.states_figures(example)
    assert answers.states_figures({**example, "answer": "Locker 80412 is free: 3 parcels waiting."})
    # the number after another word than the goal's, or twice where the goal has it once: a figure too
    assert answers.states_figures({**example, "answer": "80412 parcels are waiting."})
    assert answers.states_figures({**example, "answer": "Locker 80412 holds locker 80412's parcels."})


async def test_a_listing_of_a_goal_number_answer_on_a_new_word(tmp_path: Path) -> None:
    goals = list(LOCKERS)
    async with LLMOS(workspace=tmp_path, model=TestModel(script=locker_model), tools=[locker_state]) as os:
        outs = [await os.execute(f"What is the state of parcel locker {n}?") for n in goals]
    for n, out in zip(goals, outs, strict=True):
        assert out.success, out.to_dict()
        assert LOCKERS[n][1].split(" by ")[0] in out.output and n in out.output, (n, out.mode, out.output)
    # "Harbour" no run showed: the listing states the locker's state (main: the model, for the number 83391)
    assert outs[-1].mode == "follower", (outs[-1].mode, outs[-1].output)


# ---------------------------------------------------------------- a listing for a stated figure
TRAYS = {
    "T1": (40, 0, "2026-11-03"),
    "T2": (36, 0, "2026-11-03"),
    "T3": (38, 0, "2026-11-03"),
    "T4": (62, 0, "2026-11-09"),  # more sown than any run saw: a cap of 50 a tray no run reached?
    "T5": (50, 6, "2026-11-09"),  # 6 failed where every run saw 0: 44 are planted out, never 50
}


@tool
def tray_log(tray: str) -> str:
    """A seedling tray's log (plain text)."""
    sown, failed, day = TRAYS[tray]
    return f"Tray {tray} checked {day}: {sown} seedlings sown, {failed} failed."


tray_log.metadata["annotations"] = {"readOnlyHint": True}


def tray_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "tray" in m.text)
    tray = re.findall(r"tray (T\d)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "tray_log", {"tray": tray})
    text = str(results[-1].content)
    sown, failed = (int(x) for x in re.findall(r"(\d+) (?:seedlings sown|failed)", text))
    return f"{sown - failed} seedlings of tray {tray} will be planted out."


async def test_a_listing_stands_in_for_a_figure_only_inside_what_the_runs_saw(tmp_path: Path) -> None:
    goals = list(TRAYS)
    async with LLMOS(workspace=tmp_path, model=TestModel(script=tray_model), tools=[tray_log]) as os:
        outs = [await os.execute(f"How many seedlings of tray {t} will be planted out?") for t in goals]
    for tray, out in zip(goals, outs, strict=True):
        sown, failed, _day = TRAYS[tray]
        assert out.success, out.to_dict()
        assert re.search(rf"(?<![\d.]){sown - failed}(?![\d.])", out.output), (tray, out.mode, out.output)
    assert outs[2].mode == "follower", (outs[2].mode, outs[2].output)  # a result like the runs': listed
    assert outs[3].mode != "follower" and outs[4].mode != "follower", [(o.mode, o.output) for o in outs[3:]]
