"""Rule 1 for a date an argument copies from a result (`_arg_dates`), and a day a tool's description names
(`_described_dates`).

A bindery books the binding of an order on the day the order is ready (read from the order), except a
Sunday or a day its description says it is closed (25 and 26 December): then the next open day. Every
supporting run's ready date fell on a Monday to Thursday; a copied date was the call's business (a value
an argument consumes), so main booked a Sunday, and Christmas Day, as it read them. The weekday a copied
date falls on is now recorded and checked like a computed date's, and a day the tool's description names
stops the replay before the call: the model decides.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._described_dates import named_days
from llmos.learning.risk import registry_risk

CLOSED = ["2026-12-25", "2026-12-26"]


class BinderyWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(orders={}, bindings=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "bind_order":
            return {"order": a["order"], "volumes": 12, "ready": state["orders"][a["order"]]}
        if name == "book_binding":
            state["bindings"].append([a["order"], a["day"]])
            return {"status": "booked"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"bind_order": ["order"], "book_binding": ["order", "day"]})
        read, book = reg.get(PREFIX + "bind_order"), reg.get(PREFIX + "book_binding")
        assert read is not None and book is not None
        read.metadata["annotations"] = {"readOnlyHint": True}
        book.description = "Book a binding day: the bindery is closed on Sundays and on 25 and 26 December."
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = BinderyWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


def open_day(day: str) -> str:
    d = dt.date.fromisoformat(day)
    while d.weekday() == 6 or d.isoformat() in CLOSED:
        d += dt.timedelta(days=1)
    return d.isoformat()


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (o,) = await calls([("bind_order", {"order": p["order"]})])
    day = open_day(o["ready"])
    await calls([("book_binding", {"order": p["order"], "day": day})])
    return f"Order {p['order']} will be bound on {day}."


BIND = Family("bind", "Book the binding of order {order} for the day it is ready", solve, nothing)

# Monday to Thursday
RUNS = [("BO-501", "2026-11-02"), ("BO-517", "2026-11-10"), ("BO-533", "2026-11-18"), ("BO-548", "2026-11-26")]


async def _runs(h: Harness) -> None:
    for order, ready in RUNS:
        h.world.state["orders"][order] = ready
        await run_ok(h, BIND, {"order": order})


def test_named_days() -> None:
    assert named_days("closed on Sundays and on 25 and 26 December") == {(12, 25), (12, 26)}
    assert named_days("not on January 1st, Dec 24, 25 & 31, nor 2027-04-16") == {
        (1, 1),
        (12, 24),
        (12, 25),
        (12, 31),
        (4, 16),
    }
    assert named_days("A boat's length (m), up to 12 m") == set()


async def test_a_copied_date_on_a_working_day_seen_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h)
    h.world.state["orders"]["BO-562"] = "2026-12-04"  # a Friday
    out = await h.run(BIND, {"order": "BO-562"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    assert h.world.state["bindings"][-1] == ["BO-562", "2026-12-04"]


async def test_a_copied_date_on_a_sunday_stops_before_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h)
    h.world.state["orders"]["BO-577"] = "2026-12-06"  # a Sunday
    out = await h.run(BIND, {"order": "BO-577"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["bindings"][-1] == ["BO-577", "2026-12-07"]
    assert "Sunday" in str(out.trace.events)


async def test_a_day_the_description_names_stops_before_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h)
    h.world.state["orders"]["BO-590"] = "2026-12-25"  # a Friday, Christmas Day
    out = await h.run(BIND, {"order": "BO-590"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["bindings"][-1] == ["BO-590", "2026-12-28"]
    assert "description names" in str(out.trace.events)
