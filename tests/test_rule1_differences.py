"""Rule 1 for the difference of two numbers of one record or of one plain text
(`_seen_products.record_differences`) and of two numbers of two reads (`read_differences`).

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
        self.state.update(meters={}, approved=[], loads={}, bays={}, tills={})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "meter":
            last, now = state["meters"][a["flat"]]
            return {"flat": a["flat"], "last_bill_kwh": last, "reading_kwh": now, "tariff": "standard"}
        if name == "load":
            return {"truck": a["truck"], "gross_kg": state["loads"][a["truck"]], "bay": "B" + a["truck"]}
        if name == "bay":
            return {"bay": a["bay"], "max_kg": state["bays"][a["bay"]]}
        if name == "till":
            counted, expected = state["tills"][a["till"]]
            return f"Till {a['till']}: counted {counted} EUR in the drawer; expected {expected} EUR from the sales."
        if name in ("approve_reading", "accept", "close_till"):
            state["approved"].append(next(iter(a.values())))
            return {"status": "approved"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "meter": ["flat"],
                "approve_reading": ["flat"],
                "load": ["truck"],
                "bay": ["bay"],
                "accept": ["truck"],
                "till": ["till"],
                "close_till": ["till"],
            },
        )
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


async def solve_accept(p: dict[str, Any], calls: Calls) -> str:
    (ld,) = await calls([("load", {"truck": p["truck"]})])
    (b,) = await calls([("bay", {"bay": ld["bay"]})])
    if b["max_kg"] - ld["gross_kg"] >= 500:
        await calls([("accept", {"truck": p["truck"]})])
        return f"Truck {p['truck']} accepted."
    return f"Not accepted: truck {p['truck']} leaves under 500 kg of margin on its bay."


ACCEPT = Family("accept", "Accept the load of truck {truck}", solve_accept, nothing)


async def test_a_difference_of_two_reads_stays_inside_the_differences_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(truck: str, kg: int, max_kg: int) -> dict[str, str]:
        h.world.state["loads"][truck] = kg
        h.world.state["bays"]["B" + truck] = max_kg
        return {"truck": truck}

    # loads 2000..6000 kg on bays of 4000..8000 kg, 1000..2000 kg of margin: every load accepted
    for truck, kg, mx in [("T1", 2000, 4000), ("T2", 6000, 8000), ("T3", 4000, 5000), ("T4", 3000, 4500)]:
        await run_ok(h, ACCEPT, goal(truck, kg, mx))
    out = await h.run(ACCEPT, goal("T5", 3500, 5000))  # 1500 kg of margin: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # the load, the bay's maximum and their order inside what was seen; 200 kg of margin
    out = await h.run(ACCEPT, goal("T6", 5800, 6000))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "T6" not in h.world.state["approved"]
    assert "the difference max_kg - step 1's gross_kg" in str(out.trace.events)


async def solve_close(p: dict[str, Any], calls: Calls) -> str:
    (t,) = await calls([("till", {"till": p["till"]})])
    counted = int(t.split("counted ")[1].split(" ")[0])
    expected = int(t.split("expected ")[1].split(" ")[0])
    if abs(counted - expected) <= 50:
        await calls([("close_till", {"till": p["till"]})])
        return f"Till {p['till']} closed."
    return f"Not closed: till {p['till']} is off by more than 50 EUR; a supervisor will count it."


CLOSE = Family("close", "Close till {till} for the night", solve_close, nothing)


async def test_a_difference_of_two_numbers_of_a_text_stays_inside_the_differences_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(till: str, counted: int, expected: int) -> dict[str, str]:
        h.world.state["tills"][till] = [counted, expected]
        return {"till": till}

    # counted 900..1600 EUR against expected 920..1580: off by 20 at most, every till closed
    for till, counted, expected in [("K1", 900, 920), ("K2", 1600, 1580), ("K3", 1200, 1190), ("K4", 1000, 1010)]:
        await run_ok(h, CLOSE, goal(till, counted, expected))
    out = await h.run(CLOSE, goal("K5", 1300, 1295))  # off by 5: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # each amount inside the amounts seen, and counted under expected as in two runs; 200 EUR short
    out = await h.run(CLOSE, goal("K6", 1000, 1200))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "K6" not in h.world.state["approved"]
    assert "the difference" in str(out.trace.events)
