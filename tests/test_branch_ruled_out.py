"""A path whose plan does not match this goal, ruled out by the reads (`branches._paths`, `_ruled_out`).

A bakery: "Bake batch B7 for Harbour" reads the dough; the model bakes a proofed dough for the shop and
discards a collapsed one (the discard takes no shop). Both discards happened to be for Millbrook, so the
discard plan keeps "Millbrook" as a constant and never matches a goal for another shop: the bake plan
alone matches, marked branching by a path no plan of this goal takes. When every plan of that path is
strictly apart from the bake plan on the common read (a dough state the bake runs never showed), the
bake plan replays as a set of one path: the read must fit its evidence before the bake, else the
model. A path the reads do not tell apart (the model discarded on a day no result shows) keeps it out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_conditional_replay import READ, WRITE
from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, stopped_outside_evidence, world_harness

from llmos.learning.risk import registry_risk
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry


class Bakery(World):
    def __init__(self) -> None:
        super().__init__(0)
        self.state.update({"doughs": {}, "baked": [], "discarded": []})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_dough":
            d = state["doughs"][a["batch"]]
            return {"batch": a["batch"], "state": d["state"], "kg": d["kg"]}
        if name == "bake":
            state["baked"].append({"batch": a["batch"], "shop": a["shop"]})
            return {"ok": True}
        if name == "discard":
            state["discarded"].append(a["batch"])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> ToolRegistry:
        reg = super().registry()
        tools = {"read_dough": (["batch"], READ), "bake": (["batch", "shop"], WRITE), "discard": (["batch"], WRITE)}
        for name, (names, ann) in tools.items():
            reg.register(
                Tool(
                    PREFIX + name,
                    f"the {name} tool",
                    {"type": "object", "properties": {n: {} for n in names}, "required": names},
                    self._invoker(name),
                    source="mcp:bench",
                    metadata={"annotations": ann},
                )
            )
        return reg


async def _bake(p: dict[str, Any], calls: Calls) -> str:
    (d,) = await calls([("read_dough", {"batch": p["batch"]})])
    if d["state"] != "proofed" or p.get("sunday"):  # the model knows the day; no result shows it
        await calls([("discard", {"batch": p["batch"]})])
        return f"Batch {p['batch']} discarded."
    await calls([("bake", {"batch": p["batch"], "shop": p["shop"]})])
    return f"Batch {p['batch']} baked for {p['shop']}."


BAKE = Family("bake", "Bake batch {batch} for {shop}", _bake, nothing)


def _harness(tmp: Path) -> Harness:
    h = world_harness(tmp, Bakery())
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _dough(h: Harness, batch: str, state: str, kg: float) -> str:
    h.world.state["doughs"][batch] = {"state": state, "kg": kg}
    return batch


async def _learn(h: Harness, discard_state: str, sunday: bool) -> None:
    for i, (shop, kg) in enumerate([("Harbour", 12.0), ("Quayside", 14.5), ("Elmwood", 11.0), ("Harbour", 13.0)]):
        p = {"batch": _dough(h, f"B{i + 1}", "proofed", kg), "shop": shop}
        assert (await h.run(BAKE, p, mode="learner")).correct
    for i, kg in enumerate([12.5, 13.5]):
        p = {"batch": _dough(h, f"B{i + 11}", discard_state, kg), "shop": "Millbrook", "sunday": sunday}
        assert (await h.run(BAKE, p, mode="learner")).correct
    assert all(p.branching for p in h.engine.plans() if len(p.steps) == 2 and "bake" in p.steps[1].name)


async def test_a_path_the_read_rules_out_lets_the_other_replay(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h, "collapsed", sunday=False)
    out = await h.run(BAKE, {"batch": _dough(h, "B20", "proofed", 12.2), "shop": "Quayside"})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert h.world.state["baked"][-1] == {"batch": "B20", "shop": "Quayside"}
    assert "rule out" in out.decision.reason["branch"]["why"]
    assert out.trace.mode_reason["branch_taken"]["taken"] == out.trace.plan_id


async def test_a_read_of_the_other_path_or_unseen_goes_to_the_model(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h, "collapsed", sunday=False)
    for batch, state in [("B21", "collapsed"), ("B22", "overproofed")]:
        baked = len(h.world.state["baked"])
        out = await h.run(BAKE, {"batch": _dough(h, batch, state, 12.2), "shop": "Elmwood"})
        assert out.correct and out.trace.mode != "follower" and stopped_outside_evidence(out.trace)
        assert len(h.world.state["baked"]) == baked and h.world.state["discarded"][-1] == batch


async def test_a_path_no_read_tells_apart_keeps_the_plan_out(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h, "proofed", sunday=True)  # discarded on Sundays: the dough read the same
    out = await h.run(BAKE, {"batch": _dough(h, "B23", "proofed", 12.2), "shop": "Quayside", "sunday": True})
    assert out.correct and out.decision.mode != "follower", out.decision.reason
    assert "strictly" in out.decision.reason["branch"]["why"]
