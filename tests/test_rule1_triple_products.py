"""Rule 1 for the product of three numbers of one record (`_seen_products.record_triples`, "~prod").

An aquarium's length, width and height are each inside what the supporting runs saw, and so is every
product of two of them and their differences, while the tank holds 150 litres where every supporting run's
held 75: they all fitted the small heater. The replay stops before the write and the model decides. (The
probe that found this: a slab's length x width x depth against a pump's 8 m3, `bench/families_heldout22.py`
h22_slab, seed 41; main booked the small pump.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk


class TankWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(tanks={}, heaters=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "tank":
            length, width, height = state["tanks"][a["tank"]]
            return {"tank": a["tank"], "length_cm": length, "width_cm": width, "height_cm": height}
        if name == "fit_heater":
            state["heaters"].append([a["tank"], a["watts"]])
            return {"status": "fitted"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"tank": ["tank"], "fit_heater": ["tank", "watts"]})
        tool = reg.get(PREFIX + "tank")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = TankWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve_heater(p: dict[str, Any], calls: Calls) -> str:
    (t,) = await calls([("tank", {"tank": p["tank"]})])
    litres = t["length_cm"] * t["width_cm"] * t["height_cm"] / 1000
    watts = 100 if litres <= 100 else 200
    await calls([("fit_heater", {"tank": p["tank"], "watts": watts})])
    return f"Fitted a {watts} W heater to tank {p['tank']}."


HEATER = Family("heater", "Fit the right heater to tank {tank}", solve_heater, nothing)


def goal(h: Harness, tank: str, dims: tuple[int, int, int]) -> dict[str, str]:
    h.world.state["tanks"][tank] = list(dims)
    return {"tank": tank}


async def test_three_numbers_each_seen_whose_product_no_run_reached_stop_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    runs = [("AQ-1041", (100, 25, 30)), ("AQ-1042", (25, 100, 30)), ("AQ-1043", (25, 25, 120))]
    runs.append(("AQ-1044", (50, 50, 30)))
    for tank, dims in runs:  # 75 litres each
        await run_ok(h, HEATER, goal(h, tank, dims))
    out = await h.run(HEATER, goal(h, "AQ-1045", (100, 25, 30)))  # a tank like the runs': replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    out = await h.run(HEATER, goal(h, "AQ-1046", (50, 50, 60)))  # every side and pair inside; 150 litres
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["heaters"][-1] == ["AQ-1046", 200]
    assert "length_cm x width_cm x height_cm" in str(out.trace.events)
