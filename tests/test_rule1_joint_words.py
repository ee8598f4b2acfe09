"""Rule 1 for the words of two reads taken together (`_seen_joint`).

A car's plug (one read, plain text) and a charging bay's connector (another read, JSON) are each a value
the supporting runs saw, but never together: every run that started a session had the car's plug equal to
the bay's. A CCS2 car at a Type 2 bay stops before the write and the model decides. (The probe that found
this: a blood unit's RhD "positive" and a patient "RhD negative", each seen in runs that issued a unit, and
main issued it: `bench/families_heldout18c.py` h18_xmatch, seed 41.)

Words that vary independently in the evidence (every pair of the values seen was seen) are not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class ChargeWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(cars={}, bays={}, sessions=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "car_profile":
            plug, kwh = state["cars"][a["car"]]
            return f"Car {a['car']}: plug {plug}, battery {kwh} kWh."
        if name == "bay":
            connector, colour = state["bays"][a["bay"]]
            return {"bay": a["bay"], "connector": connector, "kw": 50, "colour": colour}
        if name == "start_session":
            state["sessions"].append([a["car"], a["bay"]])
            return {"status": "charging"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"car_profile": ["car"], "bay": ["bay"], "start_session": ["car", "bay"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = ChargeWorld()
    h.registry = h.world.registry()
    return h


async def solve_charge(p: dict[str, Any], calls: Calls) -> str:
    car, bay = await calls([("car_profile", {"car": p["car"]}), ("bay", {"bay": p["bay"]})])
    plug = car.split("plug ")[1].split(",")[0]
    if plug == bay["connector"]:
        await calls([("start_session", {"car": p["car"], "bay": p["bay"]})])
        return f"Charging {p['car']} at bay {p['bay']}."
    return f"Car {p['car']} cannot charge at bay {p['bay']}: its plug does not fit."


CHARGE = Family("charge", "Start charging car {car} at bay {bay}", solve_charge, nothing)


def goal(h: Harness, car: str, plug: str, bay: str, connector: str, colour: str = "green") -> dict[str, str]:
    h.world.state["cars"][car] = [plug, 64]
    h.world.state["bays"][bay] = [connector, colour]
    return {"car": car, "bay": bay}


async def test_two_words_each_seen_never_together_stop_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for car, plug, bay in [
        ("KX12", "CCS2", "B1"),
        ("LM34", "Type 2", "B2"),
        ("PQ56", "CCS2", "B3"),
        ("RS78", "Type 2", "B4"),
    ]:
        await run_ok(h, CHARGE, goal(h, car, plug, bay, plug))
    out = await h.run(CHARGE, goal(h, "TU90", "CCS2", "B5", "CCS2"))  # a pair seen: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    out = await h.run(CHARGE, goal(h, "VW11", "CCS2", "B6", "Type 2"))  # each seen, never together
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["VW11", "B6"] not in h.world.state["sessions"]
    assert "never together" in str(out.trace.events)


async def test_words_that_varied_independently_are_not_checked(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # the bay's colour and the car's plug: every pair of the values seen was seen
    runs = [("A1", "CCS2", "green"), ("A2", "Type 2", "blue"), ("A3", "CCS2", "blue"), ("A4", "Type 2", "green")]
    for n, (car, plug, colour) in enumerate(runs, 1):
        await run_ok(h, CHARGE, goal(h, car, plug, f"C{n}", plug, colour))
    out = await h.run(CHARGE, goal(h, "A5", "Type 2", "C5", "Type 2", "blue"))
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
