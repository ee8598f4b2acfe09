"""Rule 1 for a goal amount with a list's total (`_seen_pairs._with_totals`, "~sum" and "~diff").

A farm's diesel issues this month (a list) total 280 litres and the goal issues 300 more: the total and
the goal's litres are each inside what the supporting runs saw (totals 50..300, litres 100..350), while
their sum, 580, is past every sum a supporting run had (350..400) where the monthly ration is 500. The
list's items have no goal pairs of their own (their number varies), and the total alone is inside. The
replay stops before the write and the model decides. (The probe that found this: a week's overtime entries
plus the goal's hours against a cap of 12, `bench/families_heldout22b.py` h22b_overtime, seed 7; main
logged them.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk

RATION = 500


class DieselWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(issued={}, issues=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "month_issues":
            return {"farm": a["farm"], "issues": [{"litres": x} for x in state["issued"][a["farm"]]]}
        if name == "issue_diesel":
            state["issues"].append([a["farm"], a["litres"]])
            return {"status": "issued"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"month_issues": ["farm"], "issue_diesel": ["farm", "litres"]})
        tool = reg.get(PREFIX + "month_issues")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = DieselWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve_issue(p: dict[str, Any], calls: Calls) -> str:
    (m,) = await calls([("month_issues", {"farm": p["farm"]})])
    if sum(x["litres"] for x in m["issues"]) + p["litres"] > RATION:
        return f"Not issued: {p['litres']} litres would take {p['farm']} past its monthly ration."
    await calls([("issue_diesel", {"farm": p["farm"], "litres": p["litres"]})])
    return f"Issued {p['litres']} litres of diesel to {p['farm']}."


ISSUE = Family("issue", "Issue {litres} litres of diesel to farm {farm}", solve_issue, nothing)


def goal(h: Harness, farm: str, issued: list[int], litres: int) -> dict[str, Any]:
    h.world.state["issued"][farm] = issued
    return {"farm": farm, "litres": litres}


async def test_a_goal_amount_plus_a_list_total_no_run_reached_stops_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    runs = [("FM-2201", [150, 150], 100), ("FM-2202", [50], 350), ("FM-2203", [100, 50], 200)]
    for farm, issued, litres in [*runs, ("FM-2204", [250], 150)]:
        await run_ok(h, ISSUE, goal(h, farm, issued, litres))
    out = await h.run(ISSUE, goal(h, "FM-2205", [100], 250))  # 350 in all: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    out = await h.run(ISSUE, goal(h, "FM-2206", [140, 140], 300))  # each inside; 580 past the ration
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert ["FM-2206", 300] not in h.world.state["issues"]
    assert "the total of issues[*].litres" in str(out.trace.events)
