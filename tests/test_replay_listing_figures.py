"""Rule 5 with rule 1: when a listing of the results stands in for supporting answers that stated a figure.

Found by bench/families_heldout9.py (h9_sim, h9_meter) and families_heldout9b.py (h9b_route): after the
rule that a listing stands in for a stated figure only on results like the runs' (heldout13b h13b_exam),
main checked every number of a read-only plan's results against the ranges the runs saw, and counted the
goal's own number ("SIM 8944...", "route 395") as a stated figure: "Route 55 to Old Town: on time." and a
reading dated a day no run saw were answered by the model, where the listing states what was asked.

- the goal's number, written after the word the goal wrote it after, is no figure the model worked out;
- a number that differed among the runs is not range-checked for a listing (the listing shows it), but a
  text of a template no run showed, or a number every run saw alike that changed, still stops it
  ("0 failed" in every run: "40 will be planted out" may be 40 - 0).
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


# ---------------------------------------------------------------- numbers of a listing
TRAYS = {
    "T1": (40, 0, "2026-11-03"),
    "T2": (36, 0, "2026-11-03"),
    "T3": (44, 0, "2026-11-03"),
    "T4": (62, 0, "2026-11-09"),  # more sown than any run saw, on a day no run saw: a listing shows it
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


async def test_a_listing_stands_in_on_a_template_seen_with_its_constants(tmp_path: Path) -> None:
    goals = list(TRAYS)
    async with LLMOS(workspace=tmp_path, model=TestModel(script=tray_model), tools=[tray_log]) as os:
        outs = [await os.execute(f"How many seedlings of tray {t} will be planted out?") for t in goals]
    for tray, out in zip(goals, outs, strict=True):
        sown, failed, _day = TRAYS[tray]
        assert out.success, out.to_dict()
        assert re.search(rf"(?<![\d.]){sown - failed}(?![\d.])", out.output), (tray, out.mode, out.output)
    assert outs[3].mode == "follower", (outs[3].mode, outs[3].output)  # main: the model (62 outside [36, 44])
    assert outs[4].mode != "follower", (outs[4].mode, outs[4].output)
