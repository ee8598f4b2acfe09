"""Rule 1 for a date the plan works out for a write (`_arg_dates`): its day of the week, and whether a
result of the run lists it.

A lab reads a culture plate: received on a date, incubated some days (both read from the sample's
record); the reading is booked on the date received + days, a Saturday or Sunday moved to the Monday, a
day the lab's calendar lists as closed moved to the next day. Every supporting run's date fell on a
working day the calendar did not list; each value of the live run is inside what they saw, and the
computed date falls on a Sunday, or on a closed day: the replay stops before the booking, the model
decides.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk

CLOSED = ["2026-05-14", "2026-05-25", "2026-06-04"]


class LabWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(samples={}, readings=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "sample":
            received, days = state["samples"][a["sample"]]
            return {"sample": a["sample"], "received": received, "incubation_days": days, "closed": CLOSED}
        if name == "book_reading":
            state["readings"].append([a["sample"], a["date"]])
            return {"status": "booked"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"sample": ["sample"], "book_reading": ["sample", "date"]})
        tool = reg.get(PREFIX + "sample")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = LabWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


def reading_day(received: str, days: int) -> str:
    d = dt.date.fromisoformat(received) + dt.timedelta(days=days)
    while d.weekday() >= 5 or d.isoformat() in CLOSED:
        d += dt.timedelta(days=1)
    return d.isoformat()


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (s,) = await calls([("sample", {"sample": p["sample"]})])
    day = reading_day(s["received"], int(s["incubation_days"]))
    await calls([("book_reading", {"sample": p["sample"], "date": day})])
    return f"Plate {p['sample']} will be read on {day}."


READ = Family("read", "Book the reading of culture plate {sample}", solve, nothing)


async def _runs(h: Harness, rows: list[tuple[str, str, int]]) -> None:
    for sample, received, days in rows:
        h.world.state["samples"][sample] = [received, days]
        await run_ok(h, READ, {"sample": sample})


# received Monday..Wednesday, read 2..9 days later on a Tuesday, Wednesday, Thursday or Friday
RUNS = [
    ("PL-101", "2026-05-04", 2),
    ("PL-102", "2026-05-05", 8),
    ("PL-103", "2026-05-06", 9),
    ("PL-104", "2026-05-11", 2),
]


async def test_a_computed_date_on_a_working_day_seen_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    h.world.state["samples"]["PL-105"] = ["2026-05-05", 3]  # a Friday
    out = await h.run(READ, {"sample": "PL-105"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    assert h.world.state["readings"][-1] == ["PL-105", "2026-05-08"]


async def test_a_computed_date_on_a_weekend_stops_before_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    h.world.state["samples"]["PL-106"] = ["2026-05-06", 4]  # each value seen; lands on a Sunday
    out = await h.run(READ, {"sample": "PL-106"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["readings"][-1] == ["PL-106", "2026-05-11"]
    assert "Sunday" in str(out.trace.events)


async def test_a_computed_date_a_result_lists_stops_before_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    h.world.state["samples"]["PL-107"] = ["2026-05-11", 3]  # a Thursday the calendar lists as closed
    out = await h.run(READ, {"sample": "PL-107"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["readings"][-1] == ["PL-107", "2026-05-15"]
    assert "a result of this run shows" in str(out.trace.events)
