"""Rule 1 for a goal date in another format: its day of the week is one the evidence saw (`_goal_weekdays`).

A harbour pilot boards Monday to Friday; a request for a Saturday or a Sunday is booked for the following
Monday. The goals write their dates as one word in another format than ISO ("12/20/2026", "20.12.2026",
"2026/12/20"), and the booking takes the date as written. Main read the weekday of an ISO date only, so every
supporting run on a working day let a Sunday in the same format replay verbatim (`bench/families_heldout27.py`
h27_pilot). A date word whose day and month could be read either way is checked under every reading that
fits every value seen and the live word: one that falls on a day no run showed stops the replay.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._goal_weekdays import weekday, weekdays
from llmos.learning.risk import registry_risk

RULES = "Pilots board Monday to Friday; a request for a Saturday or a Sunday is booked for the following Monday."


class PilotWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(pilots=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "rules":
            return RULES
        if name == "book":
            state["pilots"].append([a["yacht"], a["date"]])
            return {"status": "booked"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"rules": ["yacht"], "book": ["yacht", "date"]})
        tool = reg.get(PREFIX + "rules")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PilotWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


FORMATS = {"us": "%m/%d/%Y", "eu": "%d.%m.%Y", "ymd": "%Y/%m/%d"}


def pilot_day(date: str, fmt: str) -> str:
    d = dt.datetime.strptime(date, fmt).date()
    return (d + dt.timedelta(days=7 - d.weekday())).strftime(fmt) if d.weekday() >= 5 else date


def family(fmt: str) -> Family:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        await calls([("rules", {"yacht": p["yacht"]})])
        day = pilot_day(p["date"], fmt)
        await calls([("book", {"yacht": p["yacht"], "date": day})])
        return f"Pilot booked for {p['yacht']} on {day}."

    return Family("book", "Book the harbour pilot for the yacht {yacht} on {date}", solve, nothing)


YACHTS = ["Tern", "Kittiwake", "Ardent", "Morwenna", "Fulmar", "Petrel"]


def _dates(days: list[int], fmt: str) -> list[str]:
    return [(dt.date(2026, 12, 1) + dt.timedelta(days=n)).strftime(fmt) for n in days]


async def _learn(h: Harness, fam: Family, dates: list[str]) -> list[str]:
    return [await run_ok(h, fam, {"yacht": YACHTS[n], "date": d}) for n, d in enumerate(dates)]


async def _sunday_stops(tmp: Path, key: str) -> None:
    fmt = FORMATS[key]
    h, fam = harness(tmp), family(fmt)
    modes = await _learn(h, fam, _dates([6, 8, 9, 14], fmt))  # Mon 7, Wed 9, Thu 10, Tue 15 Dec
    assert modes[-1] == "follower", modes
    sunday = dt.date(2026, 12, 20).strftime(fmt)
    out = await h.run(fam, {"yacht": "Ardent", "date": sunday})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["pilots"][-1] == ["Ardent", dt.date(2026, 12, 21).strftime(fmt)]
    assert "Sunday" in str(out.trace.events)


async def test_a_us_date_on_a_sunday_stops_the_write(tmp_path: Path) -> None:
    await _sunday_stops(tmp_path, "us")


async def test_a_dotted_date_on_a_sunday_stops_the_write(tmp_path: Path) -> None:
    await _sunday_stops(tmp_path, "eu")


async def test_a_slashed_iso_order_date_on_a_sunday_stops_the_write(tmp_path: Path) -> None:
    await _sunday_stops(tmp_path, "ymd")


async def test_another_working_day_in_the_same_format_replays(tmp_path: Path) -> None:
    fmt = FORMATS["us"]
    h, fam = harness(tmp_path), family(fmt)
    await _learn(h, fam, _dates([6, 8, 9, 14], fmt))
    out = await h.run(fam, {"yacht": "Ardent", "date": dt.date(2026, 12, 18).strftime(fmt)})  # a Friday
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events


def test_readings_of_a_date_word() -> None:
    assert weekday("12/20/2026") == 6  # only month/day fits
    assert weekday("20.12.2026") == 6  # only day.month fits
    assert weekday("2026/12/20") == 6
    assert weekdays("12/04/2026") == {"mdy": 4, "dmy": 6}  # Friday 4 December, or Sunday 12 April
    assert weekday("12/04/2026") is None  # two readings: no single day
    assert weekday("2026-12-20") == 6
    assert weekday("13/13/2026") is None and weekdays("13/13/2026") == {}
    assert weekday("Order 12/20") is None
