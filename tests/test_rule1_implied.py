"""Rule 1 for what results imply: the days between two dates, and a list's total.

Every value may stay inside the range the supporting runs saw, and no two values change their order,
while a quantity made of them leaves the evidence: a passport checked and expiring on dates like those
seen before, yet valid for 110 days where every supporting run had over 200 (and stamped); three
payments each of a size seen before, yet 12,200 EUR in all where every batch was under 10,000 (and
approved at the standard level, a constant). The replay stops before the write, and the model decides.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class OfficeWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(passports={}, stamps=[], batches={}, approvals=[], dogs={}, groomings=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "passport":
            checked, expires = state["passports"][a["number"]]
            return {"number": a["number"], "checked_on": checked, "expires": expires}
        if name == "stamp_visa":
            state["stamps"].append(a["number"])
            return {"stamped": a["number"]}
        if name == "batch":
            return {"batch": a["batch"], "payments": [{"eur": x} for x in state["batches"][a["batch"]]]}
        if name == "approve_batch":
            state["approvals"].append([a["batch"], a["level"]])
            return {"approved": a["batch"]}
        if name == "dog":
            return {"dog": a["dog"], "last_groom": state["dogs"][a["dog"]]}
        if name == "book_groom":
            state["groomings"].append([a["dog"], a["date"]])
            return {"booked": a["dog"], "on": a["date"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "passport": ["number"],
                "stamp_visa": ["number"],
                "batch": ["batch"],
                "approve_batch": ["batch", "level"],
                "dog": ["dog"],
                "book_groom": ["dog", "date"],
            },
        )
        return reg


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


async def solve_stamp(p: dict[str, Any], calls: Calls) -> str:
    (pp,) = await calls([("passport", {"number": p["number"]})])
    if _days(pp["checked_on"], pp["expires"]) >= 180:
        await calls([("stamp_visa", {"number": p["number"]})])
        return f"Stamped {p['number']}."
    return f"Not stamped: {p['number']} expires on {pp['expires']}, within 180 days."


async def solve_batch(p: dict[str, Any], calls: Calls) -> str:
    (b,) = await calls([("batch", {"batch": p["batch"]})])
    level = "standard" if sum(x["eur"] for x in b["payments"]) < 10000 else "dual"
    await calls([("approve_batch", {"batch": p["batch"], "level": level})])
    return f"Batch {p['batch']} approved ({level})."


async def solve_groom(p: dict[str, Any], calls: Calls) -> str:
    (d,) = await calls([("dog", {"dog": p["dog"]})])
    if _days(d["last_groom"], p["date"]) >= 28:
        await calls([("book_groom", {"dog": p["dog"], "date": p["date"]})])
        return f"{p['dog']} is booked on {p['date']}."
    return f"Not booked: {p['dog']} was groomed on {d['last_groom']}."


STAMP = Family("stamp", "Stamp a visa into passport {number}", solve_stamp, nothing)
BATCH = Family("batch", "Approve payment batch {batch}", solve_batch, nothing)
GROOM = Family("groom", "Book a grooming for {dog} on {date}", solve_groom, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = OfficeWorld()
    h.registry = h.world.registry()
    return h


async def _replayed(h: Harness, fam: Family, p: dict[str, Any]) -> bool:
    """The goal replayed to the end (no model), and the world is right."""
    out = await h.run(fam, p)
    return out.correct and out.trace.mode == "follower" and out.llm_calls == 0


def _calls(out: Any) -> list[str]:
    return [c.name.removeprefix(PREFIX) for c in out.trace.tool_calls]


async def test_days_between_two_dates_of_a_result_stay_inside_the_evidence(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # checked 2026-01-05..2026-11-20, expiries 2026-12-01..2027-12-30, valid 232..577 days: stamped
    for number, dates in [
        ("X1", ("2026-01-05", "2027-06-01")),
        ("X2", ("2026-11-20", "2027-07-10")),
        ("X3", ("2026-06-01", "2027-12-30")),
        ("X4", ("2026-03-10", "2026-12-01")),
    ]:
        h.world.state["passports"][number] = list(dates)
        await run_ok(h, STAMP, {"number": number})
    h.world.state["passports"]["X5"] = ["2026-05-01", "2027-03-01"]  # 304 days: inside
    assert await _replayed(h, STAMP, {"number": "X5"})
    h.world.state["passports"]["X6"] = ["2026-09-01", "2026-12-20"]  # each date inside, 110 days: not
    out = await h.run(STAMP, {"number": "X6"})
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert _calls(out) == ["passport"] and h.world.state["stamps"] == ["X1", "X2", "X3", "X4", "X5"]
    assert "the days between" in str(out.trace.events)


async def test_a_lists_total_stays_inside_the_evidence_before_a_constant_argument(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # each position's payment spans 500..6000 in mixed orders; every total under 10,000: "standard"
    for batch, pays in [
        ("PB-1001", [6000, 500, 1200]),
        ("PB-1002", [500, 6000, 2500]),
        ("PB-1003", [2000, 3000, 4000]),
        ("PB-1004", [4500, 800, 600]),
    ]:
        h.world.state["batches"][batch] = pays
        await run_ok(h, BATCH, {"batch": batch})
    h.world.state["batches"]["PB-1005"] = [3000, 2000, 1500]
    assert await _replayed(h, BATCH, {"batch": "PB-1005"})
    h.world.state["batches"]["PB-1006"] = [5800, 5500, 900]  # every payment inside its range, 12,200 in all
    out = await h.run(BATCH, {"batch": "PB-1006"})
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["approvals"][-1] == ["PB-1006", "dual"]
    assert "the total of payments[*].eur" in str(out.trace.events)


async def test_days_between_the_goals_date_and_a_results_date(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # last grooming 2026-01-02..2026-08-15, goal dates 2026-03-01..2026-10-01, 47..150 days apart: booked
    for dog, last, date in [
        ("Rex", "2026-01-02", "2026-03-01"),
        ("Fig", "2026-08-15", "2026-10-01"),
        ("Ozzy", "2026-04-01", "2026-08-29"),
        ("Moss", "2026-06-10", "2026-08-01"),
    ]:
        h.world.state["dogs"][dog] = last
        await run_ok(h, GROOM, {"dog": dog, "date": date})
    h.world.state["dogs"]["Pip"] = "2026-05-01"
    assert await _replayed(h, GROOM, {"dog": "Pip", "date": "2026-06-20"})  # 50 days
    h.world.state["dogs"]["Bea"] = "2026-07-20"  # both dates inside, 12 days apart
    out = await h.run(GROOM, {"dog": "Bea", "date": "2026-08-01"})
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["Bea", "2026-08-01"] not in h.world.state["groomings"]
