"""A constant chosen by the results: plans of one skeleton and the same calls that bind another
constant after common read-only calls replay as a branch set (`learning/branches.py`).

A domain no bench family uses: a clinic routes a patient to a lane by the temperature its read
shows ("routine" under 38.5 C, "urgent" from 39 C). One wording, the same two calls, two plans (the
lane a constant of each). The must-replay cases have must-NOT twins: a temperature neither plan's
evidence saw, and a third lane the model chose on something no result shows (a plan of one run
that contradicts both: the set is refused, the model decides).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_conditional_replay import READ, WRITE
from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, world_harness

from llmos.learning import branches
from llmos.learning.risk import registry_risk
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry


class Clinic(World):
    def __init__(self) -> None:
        super().__init__(0)
        self.state.update({"patients": {}, "lanes": []})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_patient":
            p = state["patients"][a["patient"]]
            return {"patient": a["patient"], "temp_c": p["temp"], "ward": "A"}
        if name == "assign_lane":
            state["lanes"].append({"patient": a["patient"], "lane": a["lane"]})
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> ToolRegistry:
        reg = super().registry()
        for name, names, ann in [("read_patient", ["patient"], READ), ("assign_lane", ["patient", "lane"], WRITE)]:
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


def _route(p: dict[str, Any]) -> Any:
    async def solve(q: dict[str, Any], calls: Calls) -> str:
        (r,) = await calls([("read_patient", {"patient": q["patient"]})])
        lane = q.get("force") or ("urgent" if r["temp_c"] >= 39 else "routine")
        await calls([("assign_lane", {"patient": q["patient"], "lane": lane})])
        return f"Patient {q['patient']} goes to the {lane} lane."

    return solve


ROUTE = Family("route", "Route patient {patient} to the right lane", _route({}), nothing)


def _harness(tmp: Path) -> Harness:
    h = world_harness(tmp, Clinic())
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _patient(h: Harness, pid: str, temp: float) -> dict[str, Any]:
    h.world.state["patients"][pid] = {"temp": temp}
    return {"patient": pid}


async def _learn(h: Harness) -> None:
    for pid, t in [("P101", 36.6), ("P104", 37.4), ("P107", 38.1)]:  # ids of one range for both lanes
        assert (await h.run(ROUTE, _patient(h, pid, t), mode="learner")).correct
    # a replay of the routine plan meets 40.2 C: the evidence stops it on the read, the model sends urgent
    out = await h.run(ROUTE, _patient(h, "P103", 40.2))
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "learner"
    for pid, t in [("P102", 39.4), ("P105", 40.8), ("P108", 39.9)]:
        assert (await h.run(ROUTE, _patient(h, pid, t), mode="learner")).correct
    plans = h.engine.plans()
    assert len(plans) == 2 and any(p.contradicted for p in plans), [p.contradicted for p in plans]


async def test_the_lane_the_results_fit_is_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    out = await h.run(ROUTE, _patient(h, "P106", 37.9))
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert h.world.state["lanes"][-1] == {"patient": "P106", "lane": "routine"}
    assert "bind other arguments" in out.decision.reason["branch"]["why"]
    out = await h.run(ROUTE, _patient(h, "P103", 40.1))
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert h.world.state["lanes"][-1] == {"patient": "P103", "lane": "urgent"}
    assert out.trace.mode_reason["branch_taken"]["taken"] == out.trace.plan_id


async def test_a_reading_neither_plan_saw_goes_to_the_model(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    lanes = len(h.world.state["lanes"])
    out = await h.run(ROUTE, _patient(h, "P106", 38.7))  # between 38.1 and 39.4: no plan saw it
    assert out.correct and out.trace.mode != "follower" and out.llm_calls > 0
    assert len(h.world.state["lanes"]) == lanes + 1  # the model's one write, no replayed one
    assert any(e.get("kind") == "envelope" for e in out.trace.events)


async def test_a_contradiction_no_plan_of_the_set_explains_goes_to_the_model(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    # the model sent two patients to isolation, on something no result shows: a third plan whose runs
    # contradict the routine plan, and whose readings the routine plan's evidence saw too
    for pid, t in [("P104", 37.0), ("P105", 37.3)]:
        assert (await h.run(ROUTE, {**_patient(h, pid, t), "force": "isolation"}, mode="learner")).correct
    out = await h.run(ROUTE, _patient(h, "P106", 37.2))
    assert out.correct and out.decision.mode != "follower" and out.llm_calls > 0, out.decision.reason
    assert "told plan" in out.decision.reason["branch"]["why"], out.decision.reason["branch"]


async def test_a_contradicting_run_that_left_the_set_goes_to_the_model(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    routine, urgent = sorted(h.engine.plans(), key=lambda p: p.steps[1].seen and p.id)
    for p in h.engine.plans():  # a contradiction by a run neither plan holds (rejected since, say)
        p.contradicted.append("trace run_gone: nothing explains bench__assign_lane.lane in every trace")
    why = branches._contradictions_explained(routine, [routine, urgent], {0})
    assert "run_gone" in why


async def test_a_replay_stopped_on_a_goal_word_told_no_result_apart(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    for pid, t in [("P101", 36.6), ("P104", 37.4), ("P107", 38.1)]:
        assert (await h.run(ROUTE, _patient(h, pid, t), mode="learner")).correct
    out = await h.run(ROUTE, _patient(h, "P900", 40.2))  # the id's number was never seen: stopped before any call
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "learner"
    (plan,) = [p for p in h.engine.plans() if p.contradicted]
    assert plan.contradicted[0].startswith(f"run {out.trace.id} (a replay the model finished): ")
