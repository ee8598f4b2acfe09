"""Rule 1 for a goal date: its day of the week is one the evidence saw (`_goal_weekdays`).

A chimney sweep works Monday to Friday; a request for a Saturday or a Sunday is booked for the following
Monday (the rota says so in plain text, the same every time). Every supporting run's date fell on a working
day and went into the booking as it was; main booked a Sunday goal on the Sunday (`bench/families_heldout26.py`
h26_sweep; the class was open since `families_heldout22b.py` h22b_van).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._goal_weekdays import weekday
from llmos.learning.risk import registry_risk

ROTA = "Sweeps work Monday to Friday; a request for a Saturday or a Sunday is booked for the following Monday."


class SweepWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(visits=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "rota":
            return ROTA
        if name == "book":
            state["visits"].append([a["address"], a["date"]])
            return {"status": "booked"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"rota": ["address"], "book": ["address", "date"]})
        tool = reg.get(PREFIX + "rota")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = SweepWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


def visit_day(date: str) -> str:
    d = dt.date.fromisoformat(date)
    return (d + dt.timedelta(days=7 - d.weekday())).isoformat() if d.weekday() >= 5 else date


async def solve_book(p: dict[str, Any], calls: Calls) -> str:
    await calls([("rota", {"address": p["addr"]})])
    day = visit_day(p["date"])
    await calls([("book", {"address": p["addr"], "date": day})])
    return f"Sweep booked for {p['addr']} on {day}."


BOOK = Family("book", "Book the chimney sweep for {addr} on {date}", solve_book, nothing)
STREETS = ["Slate Row", "Rope Walk", "Mill Bank", "Cooper Mews", "Tanners Lane", "Bell Yard"]


async def _learn(h: Harness, dates: list[str]) -> list[str]:
    return [await run_ok(h, BOOK, {"addr": STREETS[n], "date": d}) for n, d in enumerate(dates)]


async def test_a_goal_date_on_a_day_no_run_showed_stops_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    modes = await _learn(h, ["2026-12-07", "2026-12-09", "2026-12-10", "2026-12-15"])  # Mon Wed Thu Tue
    assert modes[-1] == "follower", modes
    out = await h.run(BOOK, {"addr": "Rope Walk", "date": "2026-12-20"})  # a Sunday
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["visits"][-1] == ["Rope Walk", "2026-12-21"]
    assert "Sunday" in str(out.trace.events)


async def test_another_working_day_replays_once_two_were_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h, ["2026-12-07", "2026-12-09", "2026-12-10", "2026-12-15"])
    out = await h.run(BOOK, {"addr": "Rope Walk", "date": "2026-12-18"})  # a Friday, never seen
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events


async def test_one_working_day_seen_is_no_evidence_for_another(tmp_path: Path) -> None:
    h = harness(tmp_path)
    modes = await _learn(h, ["2026-12-08", "2026-12-15", "2026-12-22", "2027-01-05"])  # Tuesdays
    assert modes[-1] == "follower", modes
    out = await h.run(BOOK, {"addr": "Rope Walk", "date": "2027-01-07"})  # a Thursday
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events


def test_weekday_of_a_date_word() -> None:
    assert weekday("2026-12-20") == 6
    assert weekday("2026-12-18T09:30") == 4
    assert weekday("2026-02-30") is None
    assert weekday("12/18/2026") == 4  # read as a date since redAL (tests/test_rule1_goal_date_formats.py)
