"""Why a contradicted plan stays out of replay, even when another plan of its goal explains the
contradiction and the results tell the two plans' evidence apart.

A clinic routes a patient to a lane by two numbers its read shows; the lane is "urgent" when their
product reaches 1.2 million (a product: rule 1 checks each number against its range, not the
product). Three routine runs, a replay stopped by the evidence (1500 x 1500), three urgent runs: two
plans of one skeleton and the same calls, apart on every number's range. A patient at 1150 x 1150
is inside every range the routine plan saw, outside the urgent plan's, and urgent. Picking the
plan whose ranges the live results fit (a branch set over "a constant chosen by the results", tried
on branch `rate` and reverted) sends it to the routine lane; the contradiction mark keeps the model
in charge. Any rule that lifts a contradiction must keep this test green.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_conditional_replay import READ, WRITE
from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, world_harness

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
            return {"patient": a["patient"], "score_a": p["a"], "score_b": p["b"]}
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


async def _solve(q: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("read_patient", {"patient": q["patient"]})])
    lane = "urgent" if r["score_a"] * r["score_b"] >= 1_200_000 else "routine"
    await calls([("assign_lane", {"patient": q["patient"], "lane": lane})])
    return f"Patient {q['patient']} goes to the {lane} lane."


ROUTE = Family("route", "Route patient {patient} to the right lane", _solve, nothing)


def _patient(h: Harness, pid: str, a: int, b: int) -> dict[str, Any]:
    h.world.state["patients"][pid] = {"a": a, "b": b}
    return {"patient": pid}


async def test_a_constant_chosen_by_a_product_is_not_picked_by_ranges(tmp_path: Path) -> None:
    h = world_harness(tmp_path, Clinic())
    h.engine.risk_of = registry_risk(h.registry)
    for pid, a, b in [("P101", 1200, 600), ("P104", 600, 1200), ("P107", 1000, 1000)]:  # ids of one range
        assert (await h.run(ROUTE, _patient(h, pid, a, b), mode="learner")).correct
    out = await h.run(ROUTE, _patient(h, "P103", 1500, 1500))  # the evidence stops the routine replay
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "learner"
    for pid, a, b in [("P102", 1400, 1600), ("P105", 1600, 1400), ("P108", 1500, 1450)]:
        assert (await h.run(ROUTE, _patient(h, pid, a, b), mode="learner")).correct
    assert len(h.engine.plans()) == 2 and any(p.contradicted for p in h.engine.plans())
    out = await h.run(ROUTE, _patient(h, "P106", 1150, 1150))  # 1.32 million: urgent
    assert out.correct and out.decision.mode != "follower", out.decision.reason
    assert h.world.state["lanes"][-1] == {"patient": "P106", "lane": "urgent"}
