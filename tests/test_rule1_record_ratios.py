"""Rule 1 for the ratio of two numbers of one record (`_seen_products.record_ratios`, "~rratio").

A venue's capacity and its tickets sold are each inside what the supporting runs saw, and so are their
difference and product, while 87% of the hall is sold where every supporting run's was 50% to 70% full:
they all staffed the doors with 3 stewards (6 from 80%). The replay stops before the write and the model
decides. (The probe that found this: a hotel's rooms booked over its rooms against a peak rate from 90%,
`bench/families_heldout22b.py` h22b_hotel, seed 7; main booked the standard rate six times.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk


class VenueWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(venues={}, staffed=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "venue":
            capacity, sold = state["venues"][a["venue"]]
            return {"venue": a["venue"], "capacity": capacity, "tickets_sold": sold}
        if name == "staff_doors":
            state["staffed"].append([a["venue"], a["stewards"]])
            return {"status": "rostered"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"venue": ["venue"], "staff_doors": ["venue", "stewards"]})
        tool = reg.get(PREFIX + "venue")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = VenueWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve_staff(p: dict[str, Any], calls: Calls) -> str:
    (v,) = await calls([("venue", {"venue": p["venue"]})])
    stewards = 6 if v["tickets_sold"] >= 0.8 * v["capacity"] else 3
    await calls([("staff_doors", {"venue": p["venue"], "stewards": stewards})])
    return f"Rostered {stewards} stewards on the doors at {p['venue']}."


STAFF = Family("staff", "Roster the door stewards for tonight at venue {venue}", solve_staff, nothing)


def goal(h: Harness, venue: str, capacity: int, sold: int) -> dict[str, str]:
    h.world.state["venues"][venue] = [capacity, sold]
    return {"venue": venue}


async def test_a_share_of_one_record_no_run_reached_stops_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for venue, capacity, sold in [("VN-3101", 1200, 840), ("VN-3102", 200, 100), ("VN-3103", 500, 350)]:
        await run_ok(h, STAFF, goal(h, venue, capacity, sold))
    await run_ok(h, STAFF, goal(h, "VN-3104", 300, 180))
    out = await h.run(STAFF, goal(h, "VN-3105", 600, 360))  # 60% full: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    out = await h.run(STAFF, goal(h, "VN-3106", 900, 780))  # each value, difference, product inside; 87%
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["staffed"][-1] == ["VN-3106", 6]
    assert "the ratio capacity / tickets_sold" in str(out.trace.events)
