"""Rule 1 for the difference of two numbers of one record (`_seen_products.record_differences`).

Each of two meter readings lies inside the readings the supporting runs saw, and so does their product
and every order between them, while the consumption since the last bill (the reading now minus the
reading then) is past every consumption a supporting run approved: the utility sends a reader out over
900 kWh. The replay stops before the write and the model decides. (The probe that found this is a haul
truck's engine hours since its last service against a 500-hour interval: `bench/families_heldout12.py`
h12_haul; main dispatched the overdue truck on two supporting runs.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class MeterWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(meters={}, approved=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "meter":
            last, now = state["meters"][a["flat"]]
            return {"flat": a["flat"], "last_bill_kwh": last, "reading_kwh": now, "tariff": "standard"}
        if name == "approve_reading":
            state["approved"].append(a["flat"])
            return {"status": "approved"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"meter": ["flat"], "approve_reading": ["flat"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = MeterWorld()
    h.registry = h.world.registry()
    return h


async def solve_approve(p: dict[str, Any], calls: Calls) -> str:
    (m,) = await calls([("meter", {"flat": p["flat"]})])
    if m["reading_kwh"] - m["last_bill_kwh"] <= 900:
        await calls([("approve_reading", {"flat": p["flat"]})])
        return f"The reading of flat {p['flat']} is approved."
    return f"Not approved: flat {p['flat']} used over 900 kWh since its last bill; a reader will visit."


APPROVE = Family("approve", "Approve the meter reading of flat {flat}", solve_approve, nothing)


async def test_a_difference_of_two_readings_stays_inside_the_differences_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(flat: str, last: int, now: int) -> dict[str, str]:
        h.world.state["meters"][flat] = [last, now]
        return {"flat": flat}

    # last bills 4500..8000 kWh, readings 5200..8800, 300..800 kWh used: every reading approved
    for flat, last, now in [("F1", 4500, 5200), ("F2", 8000, 8800), ("F3", 6000, 6300), ("F4", 7000, 7500)]:
        await run_ok(h, APPROVE, goal(flat, last, now))
    out = await h.run(APPROVE, goal("F5", 5500, 6100))  # 600 kWh: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # both readings, their product and their order inside what was seen; 1500 kWh used
    out = await h.run(APPROVE, goal("F6", 6000, 7500))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "F6" not in h.world.state["approved"]
    assert "the difference reading_kwh - last_bill_kwh" in str(out.trace.events)
