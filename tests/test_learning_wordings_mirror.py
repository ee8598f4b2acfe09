"""The pool's mirror (`llmos/learning/_pool.py`, `_mirror`): when one run R of a new wording W is pooled
with the one run of a slot-less plan P of another wording, the same two runs are P's evidence too. P's plan
becomes the joined plan lent back to P's own run by `wordings.align` (P's wording checked rule for rule),
counting R as lent: P's wording replays its next goal as W's does, instead of waiting for a second model
run of its own. Must-NOT-replay: a rejected R ends P's loan; a third wording still pools with P; P's answer
is never R's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import _pool


class KennelWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(fed=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "get_dog":
            return {"dog": a["dog"], "weight_kg": 24, "breed": "collie"}
        if name == "feed":
            state["fed"].append([a["dog"], a["grams"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"get_dog": ["dog"], "feed": ["dog", "grams"]})
        return reg


async def _feed(p: dict[str, Any], calls: Calls) -> str:
    await calls([("get_dog", {"dog": p["dog"]})])
    await calls([("feed", {"dog": p["dog"], "grams": p["grams"]})])
    return f"Fed {p['dog']}: {p['grams']} g."


FEED = Family("feed", "Feed kennel dog {dog} {grams} grams", _feed, nothing)
GETS = Family("feed", "Kennel dog {dog} gets {grams} grams of food", _feed, nothing)
GIVE = Family("feed", "Give {grams} grams of food to kennel dog {dog}", _feed, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = KennelWorld()
    h.registry = h.world.registry()
    return h


def _plan_of(h: Harness, trace_id: str) -> Any:
    return h.engine.index.plans[h.engine.store.plan_of_trace(trace_id) or ""]


async def test_the_lender_of_a_pool_replays_its_own_wording_after_one_run_of_each(tmp_path: Path) -> None:
    h = harness(tmp_path)
    first = await h.run(FEED, {"dog": "D12", "grams": 300})
    lender = _plan_of(h, first.trace.id)
    assert not lender.slots
    second = await h.run(GETS, {"dog": "D7", "grams": 250})
    assert second.correct and _plan_of(h, second.trace.id).sibling.get("pooled")
    mirror = h.engine.index.plans[lender.id]
    assert mirror.sibling.get("mirror") and mirror.support == 1 and len(mirror.slots) == 2, mirror.sibling
    out = await h.run(FEED, {"dog": "D3", "grams": 280})
    assert out.correct and out.trace.mode == "follower", out.decision.reason
    assert out.decision.reason["sibling"]["lent_support"] == 1
    assert h.world.state["fed"][-1] == ["D3", 280]
    assert "D7" not in out.trace.output and "250" not in out.trace.output  # never the borrowed run's answer


async def test_without_the_mirror_the_lender_waits_for_its_own_second_run(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(_pool, "_mirror", lambda *a, **k: None)
    h = harness(tmp_path)
    await run_ok(h, FEED, {"dog": "D12", "grams": 300})
    await run_ok(h, GETS, {"dog": "D7", "grams": 250})
    out = await h.run(FEED, {"dog": "D3", "grams": 280})
    assert out.correct and out.trace.mode != "follower"


async def test_a_rejected_run_of_the_borrower_ends_the_mirror_loan(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, FEED, {"dog": "D12", "grams": 300})
    second = await h.run(GETS, {"dog": "D7", "grams": 250})
    h.engine.reject(second.trace.id)
    out = await h.run(FEED, {"dog": "D3", "grams": 280})
    assert out.correct and out.trace.mode != "follower"


async def test_a_third_wording_still_pools_with_the_mirrored_lender(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, FEED, {"dog": "D12", "grams": 300})
    await run_ok(h, GETS, {"dog": "D7", "grams": 250})
    third = await h.run(GIVE, {"dog": "D9", "grams": 320})
    sib = _plan_of(h, third.trace.id).sibling
    assert third.correct and sib.get("pooled") and not sib.get("mirror"), sib
    assert len(sib["runs"]) == 2  # the lender's own run and the run it borrowed: a rejection of either ends it
    out = await h.run(GIVE, {"dog": "D4", "grams": 310})
    assert out.correct and out.trace.mode == "follower", out.decision.reason
    assert h.world.state["fed"][-1] == ["D4", 310]
