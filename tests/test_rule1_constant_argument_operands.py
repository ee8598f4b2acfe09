"""Rule 1 for the quantities of numbers an argument only seems to compute with (`_seen.varying_consumed`).

A slab's concrete: one 8 m3 truck, two above. Every supporting run ordered one truck, a count the
explanations read as the constant 1 and, as well, as ceil(area x 0.01) or ceil(thickness x 0.01): each
fits every run. The area and the thickness counted as consumed by those formulas, so their product (the
volume) went unchecked, and main ordered one truck for 50 m2 x 17 cm = 8.5 m3, each number inside what the
runs saw (`bench/families_heldout28.py` h28_pour, seed 41, wrong=2). A leaf a constant explains too shows
no dependence on what its other explanations read: those numbers keep their implied quantities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import _seen
from llmos.learning.risk import registry_risk

TRUCK_M3 = 8.0


class SlabWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(slabs={}, orders=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "slab":
            area, cm = state["slabs"][a["slab"]]
            return {"slab": a["slab"], "area_m2": area, "thickness_cm": cm, "mix": "C25"}
        state["orders"].append([a["slab"], a["trucks"]])
        return {"status": "ordered"}

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"slab": ["slab"], "order": ["slab", "trucks"]})
        tool = reg.get(PREFIX + "slab")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (s,) = await calls([("slab", {"slab": p["slab"]})])
    trucks = 1 if s["area_m2"] * s["thickness_cm"] / 100 <= TRUCK_M3 else 2
    await calls([("order", {"slab": p["slab"], "trucks": trucks})])
    return f"Slab {p['slab']}: {trucks} truck(s) ordered."


POUR = Family("pour", "Order the concrete for slab {slab}", solve, nothing)


def goal(h: Harness, name: str, area: float, cm: float) -> dict[str, str]:
    h.world.state["slabs"][name] = (area, cm)
    return {"slab": name}


async def test_a_volume_past_every_volume_seen_stops_though_a_formula_reads_its_operands(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = SlabWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    for n, (area, cm) in enumerate([(80.0, 5.0), (20.0, 20.0), (40.0, 10.0), (50.0, 12.0)], 1):
        await run_ok(h, POUR, goal(h, f"SL-{n}", area, cm))
    out = await h.run(POUR, goal(h, "SL-5", 50.0, 10.0))  # 5 m3: inside every quantity seen, replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    out = await h.run(POUR, goal(h, "SL-6", 50.0, 17.0))  # 8.5 m3: each number inside, the volume past
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["SL-6", 2] in h.world.state["orders"] and ["SL-6", 1] not in h.world.state["orders"]
    # rule 2 stops it first since step3 (the volume at every constant the runs fit gives 1 or 2 trucks:
    # `_explain_bands`); rule 1 still holds the volume: no explanation consumes the operands
    assert "the product" in str(out.trace.events) or "the runs fit" in str(out.trace.events)
    (plan,) = h.engine.store.load()
    assert not {("area_m2",), ("thickness_cm",)} & _seen.varying_consumed(plan).get(0, set())
