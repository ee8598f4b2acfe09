"""Red-team probes (redW) of the crystallized path against FOLLOWER replay (issue 9, rules 2 and 6).

A crystallized tool is compiled from its plan at one time. When the plan changes under it (a person
rejects a run that supported it, and the plan is learned again without that run), the rules must
stay those of the plan as it is now: a value the rebuilt plan's hypotheses no longer agree on is
the model's, whether the plan replays as FOLLOWER or through its compiled tool.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

GOAL_RE = re.compile(r"Pack (\d+) jars in boxes of (\d+)")


def packer(packed: list[int]) -> list[Any]:
    @tool
    def pack(boxes: int) -> dict[str, Any]:
        """Pack jars into boxes."""
        packed.append(boxes)
        return {"boxes": boxes}

    pack.metadata["annotations"] = {"readOnlyHint": False, "destructiveHint": False}
    return [pack]


def model(request: ModelRequest) -> Any:
    """Boxes for N jars: a box for every started six (the person later says: full boxes only)."""
    first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
    jars, size = map(int, GOAL_RE.findall(first.text)[-1])
    if not any(isinstance(b, ToolResult) for m in request.messages for b in m.content):
        return ToolCall("", "pack", {"boxes": -(-jars // size)})
    return "Packed."


async def test_a_rejected_supporting_run_no_longer_decides_a_crystallized_value(tmp_path: Path) -> None:
    packed: list[int] = []
    overrides = {"evolution": {"min_uses": 4}}
    async with LLMOS(
        workspace=tmp_path, model=TestModel(script=model), tools=packer(packed), overrides=overrides
    ) as os:
        r1 = await os.execute("Pack 18 jars in boxes of 6", mode="learner")
        r2 = await os.execute("Pack 10 jars in boxes of 4", mode="learner")  # 2.5 boxes: ceil (half-up alike)
        r3 = await os.execute("Pack 8 jars in boxes of 4", mode="learner")
        assert r1.success and r2.success and r3.success
        modes = []
        for n, k in ((12, 6), (12, 4), (18, 6), (16, 4), (12, 6), (12, 4)):
            r = await os.execute(f"Pack {n} jars in boxes of {k}")
            assert r.success, r.to_dict()
            modes.append(r.mode)
            if r.mode == "crystallized":
                break
        assert modes[-1] == "crystallized", modes
        plan_id = r.plan_id
        assert plan_id and os.evolution.tool_for(plan_id) is not None
        os.reject(r2.run_id)  # a person: r2 packed a box that is not full
        plan = os.learning.plan(plan_id)  # learned again from 18/6 and 8/4: floor, ceil, rounding all fit
        assert r2.run_id not in plan.support_run_ids and plan.support == 2
        packed.clear()
        live = await os.execute("Pack 14 jars in boxes of 4")  # 3.5 boxes: floor says 3, ceil and half-up 4
        d = live.to_dict(explain=True)
        calls = os.traces.require(live.run_id).tool_calls
        replayed = [c for c in calls if c.name == "pack" and (c.source != "model" or c.parent_id)]
        assert replayed == [], (d["mode"], d["mode_reason"])  # FOLLOWER and the tool alike: no write
        assert d["llm_calls"] > 0 and "disagree" in d["mode_reason"]["fallback_reason"], d["mode_reason"]


# ---------------------------------------------------------------- the same rule, another domain
SHIFT_RE = re.compile(r"Staff the (\w+) shift: (\d+) hours with (\d+) hour slots")


async def test_a_rejected_run_leaves_no_crystallized_hypothesis_behind_for_rota_slots(tmp_path: Path) -> None:
    """Rule 2 in the compiled tool is the plan's rule 2 as it is now: slots for a shift, where a
    rejected run alone had chosen to round a part slot up (floor, ceil and rounding agree on the rest)."""
    booked: list[tuple[str, int]] = []

    @tool
    def open_slots(shift: str, slots: int) -> dict[str, Any]:
        """Open rota slots on a shift."""
        booked.append((shift, slots))
        return {"shift": shift, "opened": slots}

    open_slots.metadata["annotations"] = {"destructiveHint": False}  # a write, not idempotent

    def planner(request: ModelRequest) -> Any:
        first = next(m for m in request.messages if m.role == "user" and SHIFT_RE.search(m.text))
        shift, hours, size = SHIFT_RE.findall(first.text)[-1]
        if not any(isinstance(b, ToolResult) for m in request.messages for b in m.content):
            return ToolCall("", "open_slots", {"shift": shift, "slots": -(-int(hours) // int(size))})
        return "Opened."

    async with LLMOS(
        workspace=tmp_path,
        model=TestModel(script=planner),
        tools=[open_slots],
        overrides={"evolution": {"min_uses": 4}},
    ) as os:
        await os.execute("Staff the early shift: 24 hours with 8 hour slots", mode="learner")
        bad = await os.execute("Staff the late shift: 30 hours with 4 hour slots", mode="learner")  # 7.5 -> 8
        await os.execute("Staff the night shift: 16 hours with 4 hour slots", mode="learner")
        for i in range(8):
            r = await os.execute(
                [
                    "Staff the early shift: 24 hours with 8 hour slots",
                    "Staff the night shift: 16 hours with 4 hour slots",
                ][i % 2]
            )
            if r.mode == "crystallized":
                break
        assert r.mode == "crystallized", r.to_dict(explain=True)["mode_reason"]
        os.reject(bad.run_id)
        booked.clear()
        live = await os.execute("Staff the late shift: 22 hours with 4 hour slots")  # 5.5: floor 5, ceil 6
        calls = os.traces.require(live.run_id).tool_calls
        assert not [c for c in calls if c.name == "open_slots" and (c.source != "model" or c.parent_id)], live.to_dict(
            explain=True
        )["mode_reason"]
        assert live.llm_calls > 0


# ---------------------------------------------------------------- a lent view: the plan's own runs count
def _source(path: str) -> str:
    return Path(path).read_text()


async def test_a_crystallized_run_counts_noise_and_answers_on_the_plans_own_runs(tmp_path: Path) -> None:
    """A plan of a wording (`learning/wordings.py`) is selected with the support a sibling wording lends
    it; a FOLLOWER replay then needs `noise_min_runs` runs of the plan's own before a varying text is
    noise, and counts its own runs for the answer (`replay_plan.own_noise`, `own_support`). Its
    crystallized tool (built on its own runs) must count the same way: main took the lent runs as its own."""
    import copy
    import types

    from llmos.evolution import support
    from llmos.learning.replay_plan import own_support
    from llmos.tools.base import ToolContext

    packed: list[int] = []
    async with LLMOS(
        workspace=tmp_path,
        model=TestModel(script=model),
        tools=packer(packed),
        overrides={"evolution": {"min_uses": 4}},
    ) as os:
        for goal in ("Pack 18 jars in boxes of 6", "Pack 8 jars in boxes of 4", "Pack 12 jars in boxes of 4"):
            await os.execute(goal, mode="learner")
        for n, k in ((18, 6), (8, 4), (12, 4), (12, 6)):
            r = await os.execute(f"Pack {n} jars in boxes of {k}")
            if r.mode == "crystallized":
                break
        assert r.mode == "crystallized" and r.plan_id
        tool = os.evolution.tool_for(r.plan_id)
        assert tool is not None
        module = types.ModuleType("probe")
        exec(compile(_source(tool.metadata["path"]), "probe", "exec"), module.__dict__)
        view = copy.copy(os.learning.plan(r.plan_id))
        view.sibling = {"lent": 3, "plan": "plan_lender", "support": 3}  # as `_lend.lend` hands it over
        progress = support.watch("rec_probe")
        progress.plan, progress.risk_of, progress.tools = view, (lambda _n: "write"), ["pack"]
        try:
            ctx = ToolContext(workspace=tmp_path, extra={"config": os.config, "record_id": "rec_probe"})
            run = support.CrystallizedRun(ctx, module.CHECKS, [14, 4])
        finally:
            support.unwatch("rec_probe")
        assert run.noise_runs == os.config.learning.noise_min_runs + 3
        assert own_support(view) == view.support - 3
