"""Rule 1 for a number of one step's result against the difference of two numbers of another's.

A class's pupils, a bus's seats and the seats already booked come from two reads; each number lies
inside the range the supporting runs saw and every pair keeps the order it had (or had both), yet the
class no longer fits in what is left (seats - booked), where it fitted in every supporting run (and
was added). The replay stops before the write and the model decides (held-out round E found the same
class on berths: a vessel's length against a berth's length minus what is occupied).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class SchoolWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(classes={}, buses={}, trips=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "school_class":
            return {"class": a["cls"], "pupils": state["classes"][a["cls"]]}
        if name == "bus":
            seats, booked = state["buses"][a["bus"]]
            return {"bus": a["bus"], "seats": seats, "booked": booked}
        if name == "add_to_bus":
            state["trips"].append([a["cls"], a["bus"]])
            return {"added": a["cls"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"school_class": ["cls"], "bus": ["bus"], "add_to_bus": ["cls", "bus"]})
        return reg


async def solve_add(p: dict[str, Any], calls: Calls) -> str:
    c, b = await calls([("school_class", {"cls": p["cls"]}), ("bus", {"bus": p["bus"]})])
    if c["pupils"] <= b["seats"] - b["booked"]:
        await calls([("add_to_bus", {"cls": p["cls"], "bus": p["bus"]})])
        return f"Class {p['cls']} is on bus {p['bus']}."
    return f"Not added: bus {p['bus']} has {b['seats'] - b['booked']} seats left."


ADD = Family("add", "Put class {cls} on school bus {bus}", solve_add, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = SchoolWorld()
    h.registry = h.world.registry()
    return h


def _goal(h: Harness, cls: str, pupils: int, bus: str, seats: int, booked: int) -> dict[str, str]:
    h.world.state["classes"][cls] = pupils
    h.world.state["buses"][bus] = [seats, booked]
    return {"cls": cls, "bus": bus}


async def test_a_number_against_another_steps_difference_stays_in_its_order(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # pupils 15..35, seats 50..70, booked 10..40; pupils below and above booked; always fits what is left
    for cls, pupils, bus, seats, booked in [
        ("4A", 20, "B1", 60, 10),
        ("4B", 35, "B2", 50, 12),
        ("5A", 15, "B3", 70, 40),
        ("5B", 28, "B4", 65, 30),
    ]:
        await run_ok(h, ADD, _goal(h, cls, pupils, bus, seats, booked))
    out = await h.run(ADD, _goal(h, "6A", 25, "B5", 60, 20))  # 40 left for 25: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # every number inside its range, every pair in an order seen, 20 seats left for 30 pupils
    out = await h.run(ADD, _goal(h, "6B", 30, "B6", 55, 35))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["6B", "B6"] not in h.world.state["trips"]


class DepotWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(tours={}, vans={}, dispatched=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "tour":
            return {"tour": a["tour"], "stops": [{"parcels": n} for n in state["tours"][a["tour"]]]}
        if name == "van":
            return {"van": a["van"], "capacity": state["vans"][a["van"]]}
        if name == "dispatch":
            state["dispatched"].append([a["tour"], a["van"]])
            return {"dispatched": a["tour"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"tour": ["tour"], "van": ["van"], "dispatch": ["tour", "van"]})
        return reg


async def solve_dispatch(p: dict[str, Any], calls: Calls) -> str:
    t, v = await calls([("tour", {"tour": p["tour"]}), ("van", {"van": p["van"]})])
    if sum(s["parcels"] for s in t["stops"]) <= v["capacity"]:
        await calls([("dispatch", {"tour": p["tour"], "van": p["van"]})])
        return f"Tour {p['tour']} dispatched with {p['van']}."
    return f"Not dispatched: tour {p['tour']} does not fit van {p['van']}."


DISPATCH = Family("dispatch", "Dispatch delivery tour {tour} with van {van}", solve_dispatch, nothing)


async def test_a_number_against_another_steps_list_total_stays_in_its_order(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = DepotWorld()
    h.registry = h.world.registry()

    def goal(tour: str, stops: list[int], van: str, cap: int) -> dict[str, str]:
        h.world.state["tours"][tour] = stops
        h.world.state["vans"][van] = cap
        return {"tour": tour, "van": van}

    # three stops each; totals 23..75, capacities 60..120: every tour fitted its van
    for tour, stops, van, cap in [
        ("T1", [10, 20, 15], "V1", 80),
        ("T2", [30, 25, 20], "V2", 90),
        ("T3", [12, 30, 28], "V3", 120),
        ("T4", [5, 8, 10], "V4", 60),
    ]:
        await run_ok(h, DISPATCH, goal(tour, stops, van, cap))
    out = await h.run(DISPATCH, goal("T5", [20, 20, 20], "V5", 100))  # 60 in a van of 100: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # every stop and the capacity inside the ranges seen, the total (70) among the totals seen, over 65
    out = await h.run(DISPATCH, goal("T6", [25, 25, 20], "V6", 65))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["T6", "V6"] not in h.world.state["dispatched"]
    assert "the total of step" in str(out.trace.events)
