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
