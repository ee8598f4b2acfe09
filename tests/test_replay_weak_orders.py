"""Rule 1 for an order of two numbers that the supporting runs saw both strict and equal.

Runs that set a router's upload limit below its plan's maximum, and one run that set it exactly at the
maximum, all made the same calls. Together they saw "limit <= maximum", not "anything goes": a goal
past the maximum is an order no supporting run saw (the model capped it), so the replay stops before
the write. Before this rule the run at the maximum dropped the order altogether.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, World, nothing, run_ok, stopped_outside_evidence, world_harness

from llmos.learning._arg_relations import arg_operands
from llmos.learning._envelope_facts import GE, LE, merged_sign, sign_allows
from llmos.learning.plans import Leaf, PlanStep


class RouterWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(routers={}, limits=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "router_plan":
            return {"router": a["router"], "plan_max_mbps": state["routers"][a["router"]]}
        if name == "set_upload_limit":  # the router does not refuse: a wrong replay oversells the plan
            state["limits"].append([a["router"], a["mbps"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"router_plan": ["router"], "set_upload_limit": ["router", "mbps"]})
        return reg


async def solve_limit(p: dict[str, Any], calls: Calls) -> str:
    (plan,) = await calls([("router_plan", {"router": p["router"]})])
    mbps = min(p["mbps"], plan["plan_max_mbps"])  # never past what the plan allows
    await calls([("set_upload_limit", {"router": p["router"], "mbps": mbps})])
    return f"Router {p['router']} uploads at up to {mbps} Mbps."


LIMIT = Family("limit", "Raise the upload limit of router {router} to {mbps} Mbps", solve_limit, nothing)


async def _learned(tmp: Path) -> Any:
    h = world_harness(tmp, RouterWorld())
    for router, mbps, cap in [("R1", 100, 500), ("R2", 900, 1000), ("R3", 300, 400), ("R4", 50, 600)]:
        h.world.state["routers"][router] = cap
        await run_ok(h, LIMIT, {"router": router, "mbps": mbps})
    h.world.state["routers"]["R5"] = 700
    assert await run_ok(h, LIMIT, {"router": "R5", "mbps": 250}) == "follower"
    h.world.state["routers"]["R6"] = 400  # exactly at the maximum: an order the runs had not seen
    out = await h.run(LIMIT, {"router": "R6", "mbps": 400})
    assert out.correct and stopped_outside_evidence(out.trace)
    return h


async def test_an_order_seen_strict_and_equal_still_stops_a_value_past_the_limit(tmp_path: Path) -> None:
    h = await _learned(tmp_path)
    h.world.state["routers"]["R7"] = 800  # each number inside what the runs saw; 850 passes the maximum
    out = await h.run(LIMIT, {"router": "R7", "mbps": 850})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert [c.name for c in out.trace.tool_calls][:1] == [PREFIX + "router_plan"]
    assert [lim for lim in h.world.state["limits"] if lim[0] == "R7"] == [["R7", 800]]  # the model capped it
    assert "<=" in str(out.trace.events)


async def test_both_orders_the_runs_saw_still_replay(tmp_path: Path) -> None:
    h = await _learned(tmp_path)
    h.world.state["routers"]["R8"] = 600
    assert await run_ok(h, LIMIT, {"router": "R8", "mbps": 600}) == "follower"  # equal, as a run saw
    h.world.state["routers"]["R9"] = 900
    assert await run_ok(h, LIMIT, {"router": "R9", "mbps": 350}) == "follower"  # below, as runs saw


def test_weak_orders_merge_and_allow() -> None:
    assert merged_sign(-1, 0) == LE and merged_sign(0, -1) == LE
    assert merged_sign(1, 0) == GE and merged_sign(GE, 1) == GE
    assert merged_sign(LE, 1) is None and merged_sign(-1, 1) is None and merged_sign(GE, -1) is None
    assert merged_sign(-1, -1) == -1 and merged_sign(0, 0) == 0
    assert sign_allows(LE, 0) and sign_allows(LE, -1) and not sign_allows(LE, 1)
    assert sign_allows(GE, 1) and not sign_allows(GE, -1) and not sign_allows(-1, 0)


def test_a_dormant_form_that_reads_the_limit_does_not_excuse_its_order() -> None:
    # level = pct / 100 (in use); round((pct + limit) / 100, 1) also fit every run, by a rounding coincidence,
    # and stays dormant: the order of the level with the limit is still checked before the write
    pct, limit = ("tok", 8), ("res", 0, ("glare_limit",))
    leaf = Leaf(
        ("level",),
        [("arith", "*", pct, ("k", 0.01), None), ("expr", "(a+b)/c", (pct, limit, ("k", 100.0)), ("up", 1))],
        "float",
    )
    steps = [PlanStep("lights", 0, {"room": "A"}, []), PlanStep("set_level", 1, {"level": 0.3}, [leaf])]
    ((op, value, used),) = arg_operands(steps, [None, {"level": 1.0}])
    assert op == ("arg", 1, ("level",)) and value == 1.0
    assert limit not in used and pct in used
