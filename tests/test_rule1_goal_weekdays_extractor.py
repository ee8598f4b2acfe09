"""Rule 1 for a goal date's day of the week (`_goal_weekdays`), on redAK's probe.

The extractor room is closed on Sundays: a Sunday booking goes on the Monday after. Every supporting run
booked a weekday; a Sunday inside the range of the dates seen passed the goal check, and main booked the
room for the Sunday (`bench/families_heldout25.py` h25_extract, seed 7). A date of a kind of day no
supporting run's date had (a weekday, a Saturday, a Sunday) now goes to the model.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._goal_weekdays import weekday
from llmos.learning.risk import registry_risk


class RoomWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(bookings=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "book_room":
            state["bookings"].append((a["keeper"], a["date"]))
            return {"ok": True, "keeper": a["keeper"], "date": a["date"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"book_room": ["keeper", "date"]})
        return reg


async def solve(p: dict[str, Any], calls: Calls) -> str:
    d = dt.date.fromisoformat(p["date"])
    day = d + dt.timedelta(days=1) if d.weekday() == 6 else d
    await calls([("book_room", {"keeper": p["keeper"], "date": day.isoformat()})])
    return f"Extractor room booked for {p['keeper']} on {day.isoformat()}."


BOOK = Family("book", "Book the extractor room for {keeper} on {date}", solve, nothing)


async def test_a_goal_date_on_a_day_no_supporting_run_had_goes_to_the_model(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = RoomWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    for keeper, date in [("Marta", "2026-12-07"), ("Idris", "2026-12-30"), ("Bea", "2026-12-17")]:
        await run_ok(h, BOOK, {"keeper": keeper, "date": date})
    out = await h.run(BOOK, {"keeper": "Noor", "date": "2026-12-22"})  # a Tuesday: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await h.run(BOOK, {"keeper": "Tomas", "date": "2026-12-13"})  # a Sunday inside the range
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ("Tomas", "2026-12-14") in h.world.state["bookings"]
    assert "falls on a Sunday" in str(out.trace.events)


def test_dates_that_are_no_day() -> None:
    assert weekday("2026-12-13") == 6 and weekday("2026-12-12") == 5 and weekday("2026-12-07") == 0
    assert weekday("2026-02-30") is None and weekday("13/13/2026") is None
    assert weekday("13/12/2026") == 6  # day/month, the one reading that fits (tests/test_rule1_goal_date_formats.py)
