"""A replay the model finished after rule 1 told the run apart is no contradiction (`_told_apart`).

A vet gives a dog its booster: 'half' up to 20 kg, 'full' above. Every learning run had a dog of
6..18 kg, so the plan keeps 'half' as a constant. A dog of 31.5 kg: rule 1 stops the replay on the
weight before the booster call, the model gives 'full', and nothing of the plan explains 'full'. That run
was outside the plan's evidence by a check every replay makes again before the same call, so the plan
is not contradicted: a later dog of 12 kg replays ('half', right), a later dog of 33 kg stops again.
A stop that came after the call whose argument differs (the write's own result) still marks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_conditional_replay import READ, WRITE
from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, stopped_outside_evidence, world_harness

from llmos.learning._told_apart import told_apart
from llmos.learning.risk import registry_risk
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry
from llmos.trace import Trace


class Vet(World):
    def __init__(self) -> None:
        super().__init__(0)
        self.state.update({"dogs": {}, "boosters": []})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_dog":
            return {"dog": a["dog"], "weight_kg": state["dogs"][a["dog"]], "breed": "mixed"}
        if name == "give_booster":
            state["boosters"].append((a["dog"], a["dose"]))
            return {"ok": True, "dog": a["dog"]}
        return super().apply(state, name, a)

    def registry(self) -> ToolRegistry:
        reg = super().registry()
        for name, ann in {"read_dog": READ, "give_booster": WRITE}.items():
            reg.register(
                Tool(
                    PREFIX + name,
                    f"the {name} tool",
                    {"type": "object", "properties": {"dog": {}, "dose": {}}, "required": ["dog"]},
                    self._invoker(name),
                    source="mcp:bench",
                    metadata={"annotations": ann},
                )
            )
        return reg


async def _booster(p: dict[str, Any], calls: Calls) -> str:
    (d,) = await calls([("read_dog", {"dog": p["dog"]})])
    dose = "full" if d["weight_kg"] > 20 else "half"
    await calls([("give_booster", {"dog": p["dog"], "dose": dose})])
    return f"Dog {p['dog']} had a {dose} booster."


BOOSTER = Family("booster", "Give dog {dog} its booster", _booster, nothing)


def _harness(tmp: Path) -> Harness:
    h = world_harness(tmp, Vet())
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _dog(h: Harness, kg: float) -> dict[str, Any]:
    name = f"DG-{len(h.world.state['dogs']) + 301}"
    h.world.state["dogs"][name] = kg
    return {"dog": name}


async def _learn(h: Harness) -> None:
    for kg in (6.0, 18.0, 11.5, 9.0, 14.0, 7.5):
        assert (await h.run(BOOSTER, _dog(h, kg), mode="learner")).correct


def _plan(h: Harness) -> Any:
    (plan,) = [p for p in h.engine.index.plans.values() if p.support >= 3]
    return plan


async def test_a_stop_before_the_call_leaves_the_plan_replaying_inside_its_evidence(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    out = await h.run(BOOSTER, _dog(h, 12.0))
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    out = await h.run(BOOSTER, _dog(h, 31.5))  # outside 6..18: rule 1 stops before the booster call
    assert out.correct and out.llm_calls > 0 and stopped_outside_evidence(out.trace)
    assert h.world.state["boosters"][-1][1] == "full"
    assert not _plan(h).contradicted
    out = await h.run(BOOSTER, _dog(h, 10.0))  # inside the evidence: the plan replays, and is right
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert h.world.state["boosters"][-1][1] == "half"
    out = await h.run(BOOSTER, _dog(h, 33.0))  # the same check stops it again: the model decides
    assert out.correct and out.llm_calls > 0 and stopped_outside_evidence(out.trace)
    assert h.world.state["boosters"][-1][1] == "full"


def _trace(
    plan_id: str, step: int, check: str, after_write: bool = False, status: str = "success", why: str = ""
) -> Trace:
    t = Trace(goal="Give dog DG-9 its booster", mode="learner", plan_id=plan_id)
    reason = f"outside the evidence: {why}"
    t.event("envelope", plan_id=plan_id, reason=reason, step=step, after_write=after_write, check=check)
    t.event(
        "fallback",
        from_mode="follower",
        reason="outside the evidence",
        step=step,
        after_write=after_write,
        writes=["give_booster"] if after_write else [],
    )
    t.finish(status, "done")  # type: ignore[arg-type]
    return t


async def test_only_a_stop_before_the_differing_call_tells_the_run_apart(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    plan = _plan(h)
    note = f"nothing explains {PREFIX}give_booster.dose in every trace"
    assert told_apart(_trace(plan.id, 0, "result"), plan, note)  # the read's weight, a group earlier
    arg = f"{PREFIX}give_booster.dose = 'half' falls outside"
    assert told_apart(_trace(plan.id, 1, "", why=arg), plan, note)  # a check of the call's arguments, before it
    # a goal word never seen: a check of no argument, which stops nearly every later goal
    assert not told_apart(_trace(plan.id, 0, "", why="dog = 'DG-9' was never seen"), plan, note)
    assert not told_apart(_trace(plan.id, 1, "result"), plan, note)  # the booster's own result: after it
    assert not told_apart(_trace(plan.id, 1, "result", after_write=True), plan, note)
    assert not told_apart(_trace(plan.id, 0, "result", status="failed"), plan, note)
    assert not told_apart(_trace("plan_other", 0, "result"), plan, note)
    assert not told_apart(_trace(plan.id, 0, "result"), plan, f"nothing explains {PREFIX}read_dog.dog in every trace")
    rejected = _trace(plan.id, 0, "result")
    rejected.rejected = True
    assert not told_apart(rejected, plan, note)
    no_stop = Trace(goal="g", mode="learner", plan_id=plan.id)
    no_stop.finish("success", "done")
    assert not told_apart(no_stop, plan, note)


class Crane(World):
    """A crane lift: 'hold' when the gust (one read) is over 80% of the site's wind limit (another read)."""

    def __init__(self) -> None:
        super().__init__(0)
        self.state.update({"sites": {}, "lifts": []})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_site":
            return {"site": a["site"], "wind_limit_ms": state["sites"][a["site"]][0]}
        if name == "read_gusts":
            return {"site": a["site"], "gust_ms": state["sites"][a["site"]][1]}
        if name == "book_lift":
            state["lifts"].append((a["site"], a["mode"]))
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> ToolRegistry:
        reg = super().registry()
        for name, ann in {"read_site": READ, "read_gusts": READ, "book_lift": WRITE}.items():
            reg.register(
                Tool(
                    PREFIX + name,
                    f"the {name} tool",
                    {"type": "object", "properties": {"site": {}, "mode": {}}, "required": ["site"]},
                    self._invoker(name),
                    source="mcp:bench",
                    metadata={"annotations": ann},
                )
            )
        return reg


async def _lift(p: dict[str, Any], calls: Calls) -> str:
    s, g = await calls([("read_site", {"site": p["site"]}), ("read_gusts", {"site": p["site"]})])
    mode = "hold" if g["gust_ms"] > 0.8 * s["wind_limit_ms"] else "go"
    await calls([("book_lift", {"site": p["site"], "mode": mode})])
    return f"Site {p['site']}: lift booked as {mode}."


LIFT = Family("lift", "Book today's crane lift at site {site}", _lift, nothing)


async def test_a_stop_on_one_of_two_varying_reads_still_contradicts(tmp_path: Path) -> None:
    """The limit of the first trap was past every limit seen, but the gust varied too: the model's 'hold'
    may turn on both (their ratio), and a later trap inside both ranges would replay 'go'. Marked."""
    h = world_harness(tmp_path, Crane())
    h.engine.risk_of = registry_risk(h.registry)

    def site(limit: float, gust: float) -> dict[str, Any]:
        name = f"CS-{len(h.world.state['sites']) + 41}"
        h.world.state["sites"][name] = (limit, gust)
        return {"site": name}

    for limit, gust in [(20.0, 9.0), (12.0, 4.5), (16.0, 12.0), (10.0, 7.5), (18.0, 8.0), (14.0, 6.0)]:
        assert (await h.run(LIFT, site(limit, gust), mode="learner")).correct
    out = await h.run(LIFT, site(26.0, 23.5))  # the limit is outside: rule 1 stops, the model holds
    assert out.correct and out.llm_calls > 0 and stopped_outside_evidence(out.trace)
    (plan,) = [p for p in h.engine.index.plans.values() if p.support >= 3]
    assert plan.contradicted
    out = await h.run(LIFT, site(15.0, 12.5))  # inside both ranges, over 80%: never a replay of 'go'
    assert out.correct and out.llm_calls > 0
