"""Evidence pooled across wordings (`llmos/learning/_pool.py`): one run of a wording whose plan has no
slot yet, and one run of another wording that made the same calls with other values and answered alike,
are the two runs rule 2 needs: the second wording replays after its one run. Must-NOT-replay: a wording
that answers in other words (another task), a verb that changes a constant, a loan whose run was
rejected. Values in swapped word order keep the roles the new wording's own run showed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import _pool


class GreenhouseWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(watered=[], valves={}, trays={f"T{n}": f"S{n % 5 + 1}" for n in range(10, 60)})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "get_bed":
            return {"bed": a["bed"], "moisture_pct": 31, "crop": "basil"}
        if name == "water":
            state["watered"].append([a["bed"], a["litres"]])
            return {"ok": True}
        if name == "set_valve":
            state["valves"][a["bed"]] = a["state"]
            return {"ok": True}
        if name == "get_tray":
            return {"tray": a["tray"], "bench": state["trays"][a["tray"]]}
        if name == "move_tray":
            if state["trays"][a["tray"]] != a["src"]:
                raise ValueError(f"tray {a['tray']} is not on bench {a['src']}")
            state["trays"][a["tray"]] = a["dst"]
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        tools = {"get_bed": ["bed"], "water": ["bed", "litres"], "set_valve": ["bed", "state"]}
        self.register(reg, {**tools, "get_tray": ["tray"], "move_tray": ["tray", "src", "dst"]})
        return reg


def _water(answer: str) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        await calls([("get_bed", {"bed": p["bed"]})])
        await calls([("water", {"bed": p["bed"], "litres": p["litres"]})])
        return answer.format(**p)

    return solve


def _valve(state: str) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        await calls([("get_bed", {"bed": p["bed"]})])
        await calls([("set_valve", {"bed": p["bed"], "state": state})])
        return f"The valve of bed {p['bed']} is {state}."

    return solve


async def _move(p: dict[str, Any], calls: Calls) -> str:
    await calls([("get_tray", {"tray": p["tray"]})])
    await calls([("move_tray", {"tray": p["tray"], "src": p["src"], "dst": p["dst"]})])
    return f"Tray {p['tray']} is on bench {p['dst']}."


WATER = Family("water", "Water bed {bed} with {litres} litres", _water("Watered {bed}: {litres} l."), nothing)
NEEDS = Family("water", "Bed {bed} needs {litres} litres of water", _water("Watered {bed}: {litres} l."), nothing)
# the same calls, another question answered: how dry the bed was (a check, not a watering order)
DRY = Family("check", "Is bed {bed} dry after {litres} litres", _water("Bed {bed} was dry; gave {litres} l."), nothing)
OPEN = Family("valve", "Please open the valve of bed {bed}", _valve("open"), nothing)
SHUT = Family("valve", "Please shut off the water valve of bed {bed}", _valve("shut"), nothing)
MOVE = Family("tray", "Move tray {tray} from bench {src} to bench {dst}", _move, nothing)
GETS = Family("tray", "Bench {dst} gets tray {tray} from bench {src}", _move, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = GreenhouseWorld()
    h.registry = h.world.registry()
    return h


def _plan_of(h: Harness, trace_id: str) -> Any:
    return h.engine.index.plans[h.engine.store.plan_of_trace(trace_id) or ""]


async def test_one_run_of_each_of_two_wordings_pools_and_the_second_wording_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, WATER, {"bed": "B12", "litres": 30})
    first = await h.run(NEEDS, {"bed": "B7", "litres": 25})
    assert first.correct and first.decision.mode != "follower"
    plan = _plan_of(h, first.trace.id)
    assert plan.sibling.get("pooled") and plan.support == 1 and len(plan.slots) == 2, plan.sibling
    out = await h.run(NEEDS, {"bed": "B3", "litres": 28})
    assert out.correct and out.trace.mode == "follower", out.decision.reason
    sib = out.decision.reason["sibling"]
    assert sib["lent_support"] == 1 and "sibling wording" in sib["why"]
    assert h.world.state["watered"][-1] == ["B3", 28]
    assert "Watered B7" not in out.trace.output  # never the earlier run's answer (rule 5)


async def test_without_the_pool_the_second_wording_waits_for_its_own_runs(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(_pool, "pool", lambda *a, **k: None)
    h = harness(tmp_path)
    await run_ok(h, WATER, {"bed": "B12", "litres": 30})
    await run_ok(h, NEEDS, {"bed": "B7", "litres": 25})
    out = await h.run(NEEDS, {"bed": "B3", "litres": 28})
    assert out.correct and out.trace.mode != "follower"


async def test_a_wording_that_answers_in_other_words_is_not_pooled(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, WATER, {"bed": "B12", "litres": 30})
    first = await h.run(DRY, {"bed": "B7", "litres": 25})
    assert not _plan_of(h, first.trace.id).sibling
    out = await h.run(DRY, {"bed": "B3", "litres": 28})
    assert out.correct and out.trace.mode != "follower"


async def test_another_verb_that_changes_a_constant_is_not_pooled(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, OPEN, {"bed": "B12"})
    first = await h.run(SHUT, {"bed": "B7"})
    assert first.correct and not _plan_of(h, first.trace.id).sibling
    out = await h.run(SHUT, {"bed": "B3"})
    assert out.correct and out.trace.mode != "follower"
    assert h.world.state["valves"]["B3"] == "shut"


async def test_values_in_another_word_order_keep_the_roles_the_wording_showed(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, MOVE, {"tray": "T11", "src": "S2", "dst": "S4"})
    first = await h.run(GETS, {"tray": "T12", "src": "S3", "dst": "S1"})
    assert first.correct and _plan_of(h, first.trace.id).sibling.get("pooled")
    out = await h.run(GETS, {"tray": "T14", "src": "S5", "dst": "S2"})
    assert out.correct and out.trace.mode == "follower", out.decision.reason
    assert h.world.state["trays"]["T14"] == "S2"


async def test_a_rejected_run_of_the_pooled_plan_ends_the_loan(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, WATER, {"bed": "B12", "litres": 30})
    lender = h.engine.store.plan_of_trace(h.engine.index.plans[next(iter(h.engine.index.plans))].trace_ids[0])
    first = await h.run(NEEDS, {"bed": "B7", "litres": 25})
    assert _plan_of(h, first.trace.id).sibling.get("plan") == lender
    h.engine.reject(h.engine.index.plans[lender or ""].trace_ids[0])
    out = await h.run(NEEDS, {"bed": "B3", "litres": 28})
    assert out.correct and out.trace.mode != "follower"
