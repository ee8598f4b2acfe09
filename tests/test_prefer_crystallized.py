"""The sentience knob `prefer_crystallized`: with a tightened policy, a goal a crystallized tool
covers runs CRYSTALLIZED when the knob is on, and goes to the model when it is off."""

from __future__ import annotations

from pathlib import Path

from test_evolution_e2e import make_tools, oracle

from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.sentience.policy import Policy

WHS = ["A1", "B2", "C3", "D4"]

# amounts in no order, the first two the extremes: a replay adds only amounts inside the range the
# supporting runs showed (rule 1: a goal amount a write takes)
QTY = [2, 9, 5, 3, 7, 4, 8, 6, 5, 7]


async def test_prefer_crystallized_waives_the_policy_tightening_for_a_crystallized_plan(tmp_path: Path) -> None:
    stock = {f"BOLT-{10 + i}@{WHS[i % 4]}": 10 * i for i in range(12)}
    goals = [f"Add {QTY[i]} units of BOLT-{10 + i} to warehouse {WHS[i % 4]}" for i in range(10)]
    async with LLMOS(tmp_path, model=TestModel(script=oracle), tools=make_tools(stock)) as os:
        modes = [(await os.execute(g)).mode for g in goals[:8]]
        assert modes[-1] == "crystallized", modes
        picked = {}
        for knob, goal in ((False, goals[8]), (True, goals[9])):
            tight = Policy(follower_threshold_delta=0.07, min_support_delta=20, prefer_crystallized=knob)
            os.sentience.selection_policy = lambda p=tight: p  # type: ignore[method-assign]
            os.sentience.policy = lambda p=tight: p  # type: ignore[method-assign]
            result = await os.execute(goal)
            picked[knob] = (result.mode, result.llm_calls, "prefer_crystallized" in result.mode_reason)
    assert picked[False][0] in ("learner", "mixed") and picked[False][1] > 0 and not picked[False][2]
    assert picked[True] == ("crystallized", 0, True)
