"""A plan whose first run was explained by a coincidence is learned again when a later run shows it
(`learning/_refit.py`): 10 cans where `capacity / size` is 10 as well as `ceil((capacity - level) /
size)`. The next run (3 cans) used to start a second plan of the same task; now the two are one plan
with the wider explanations, which replays where every hypothesis agrees and hands the goal to the
model where they do not (rule 2). A run of another rule, or of an older plan, is never refit.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, stopped_outside_evidence

from llmos.learning import _refit


class TankWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(tanks={}, orders=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_tank":
            cap, level = state["tanks"][a["tank"]]
            return {"tank": a["tank"], "capacity_l": cap, "level_l": level}
        if name == "order_cans":
            state["orders"].append([a["tank"], a["cans"]])
            return {"ordered": a["cans"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"read_tank": ["tank"], "order_cans": ["tank", "cans"]})
        return reg


async def solve_fill(p: dict[str, Any], calls: Calls) -> str:
    (t,) = await calls([("read_tank", {"tank": p["tank"]})])
    cans = math.ceil((t["capacity_l"] - t["level_l"]) / p["size"])
    await calls([("order_cans", {"tank": p["tank"], "cans": cans})])
    return f"Ordered {cans} cans for {p['tank']}."


async def solve_fixed(p: dict[str, Any], calls: Calls) -> str:
    await calls([("read_tank", {"tank": p["tank"]})])
    await calls([("order_cans", {"tank": p["tank"], "cans": p.get("cans", 7)})])  # another rule: a fixed order
    return "Ordered."


FILL = Family("fill", "Order cans to fill tank {tank} with {size} litre cans", solve_fill, nothing)
FIXED = Family("fixed", "Order cans to fill tank {tank} with {size} litre cans", solve_fixed, nothing)


def harness(tmp: Path, tanks: dict[str, tuple[int, int]]) -> Harness:
    h = Harness(tmp)
    h.world = TankWorld()
    h.world.state["tanks"].update(tanks)
    h.registry = h.world.registry()
    return h


TANKS = {
    "T1": (2000, 50),  # 1950 / 200 = 9.75 -> 10 cans; capacity / size = 10 too (the coincidence)
    "T2": (1500, 900),  # 600 / 200 = 3 cans; capacity / size = 7.5
    "T3": (1800, 1000),  # 800 / 200 = 4: every rounding agrees
    "T4": (1000, 130),  # 870 / 200 = 4.35: ceil 5, round 4: the hypotheses disagree
    "T5": (1200, 410),  # 790 / 200 = 3.95: ceil and round give 4
}


async def test_a_coincidence_of_the_first_run_no_longer_splits_the_task(tmp_path: Path) -> None:
    h = harness(tmp_path, TANKS)
    first = await h.run(FILL, {"tank": "T1", "size": 200})
    second = await h.run(FILL, {"tank": "T2", "size": 200})
    assert first.correct and second.correct
    plans = list(h.engine.index.plans.values())
    assert len(plans) == 1 and plans[0].support == 2  # one plan of the task, both runs its support
    out = await h.run(FILL, {"tank": "T3", "size": 200})
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "follower"
    assert h.world.state["orders"][-1] == ["T3", 4]
    out = await h.run(FILL, {"tank": "T5", "size": 200})
    assert out.correct and out.trace.mode == "follower" and h.world.state["orders"][-1] == ["T5", 4]


async def test_where_the_refit_hypotheses_disagree_the_model_decides(tmp_path: Path) -> None:
    h = harness(tmp_path, TANKS)
    await h.run(FILL, {"tank": "T1", "size": 200})
    await h.run(FILL, {"tank": "T2", "size": 200})
    out = await h.run(FILL, {"tank": "T4", "size": 200})  # ceil says 5, round says 4
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "learner"
    assert stopped_outside_evidence(out.trace) and "disagree" in str(out.trace.events)
    assert [c.name for c in out.trace.tool_calls if c.name == PREFIX + "order_cans"] == [PREFIX + "order_cans"]
    assert h.world.state["orders"][-1] == ["T4", 5]  # the model's order, not a guessed one


async def test_a_run_of_another_rule_is_never_replayed_from_a_refit(tmp_path: Path) -> None:
    h = harness(tmp_path, TANKS)
    await h.run(FILL, {"tank": "T1", "size": 200})
    await h.run(FIXED, {"tank": "T2", "size": 200, "cans": 6})  # 6 cans: another rule
    # at most lines through the two runs remain (two points pin no line: rule 2 waits for a third)
    for plan in h.engine.index.plans.values():
        cans = next(lf for st in plan.steps for lf in st.leaves if lf.path == ("cans",))
        assert plan.support == 1 or all(c[0] == "lin" for c in cans.cands), cans.cands
    out = await h.run(FILL, {"tank": "T3", "size": 200})
    assert out.correct and out.trace.mode != "follower"  # the model decides: no guessed order
    assert h.world.state["orders"][-1] == ["T3", 4]


async def test_an_older_plan_is_not_refit(tmp_path: Path) -> None:
    h = harness(tmp_path, TANKS)
    await h.run(FILL, {"tank": "T1", "size": 200})
    plan = next(iter(h.engine.index.plans.values()))
    plan.support_count = _refit.REFIT_MAX_SUPPORT + 1  # as if many runs had agreed on capacity / size
    assert not _refit.wants_refit(plan, "nothing explains bench__order_cans.cans in every trace")
    plan.support_count = 1
    assert _refit.wants_refit(plan, "nothing explains bench__order_cans.cans in every trace")
    assert not _refit.wants_refit(plan, "different tool sequence or goal length")  # only that one case
