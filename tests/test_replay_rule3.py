"""Rule 3, strictly (issue 9): a check that can only run after a non-idempotent write is no guard.

A replay stopped by a check of a write's own result has already written; the plan then needs such a
check, so it is not replayed blind any more: FOLLOWER refuses it (MIXED or LEARNER) and the decision
says why. A read-only step whose result leaves the evidence still stops *before* the write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmos.config import Config, LearningConfig
from llmos.execution.fallback import record_fallback
from llmos.execution.replay import replay
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import HookChain
from llmos.learning.engine import LearningEngine
from llmos.modes import Mode
from llmos.storage.db import Database
from llmos.tools.base import Tool, ToolContext, ToolOutput
from llmos.tools.registry import ToolRegistry
from llmos.trace import ToolCallRecord, Trace

STUDENTS = ["Ann", "Bob", "Cem", "Dana", "Eli", "Fay"]


def support(i: int) -> Trace:
    student = STUDENTS[i]
    t = Trace(goal=f"Enrol {student} in course C{10 + i}")
    args = {"student": student, "course": f"C{10 + i}"}
    t.tool_calls = [ToolCallRecord("a", "enrol", args, json.dumps({"status": "enrolled", "seat": True}), turn=1)]
    t.finish("success", f"Enrolled {student}.")
    return t


def registry(status: str, log: list[dict[str, Any]]) -> ToolRegistry:
    reg = ToolRegistry()

    async def enrol(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        log.append(dict(args))
        return ToolOutput(json.dumps({"status": status, "seat": status == "enrolled"}))

    props = {"student": {"type": "string"}, "course": {"type": "string"}}
    reg.register(
        Tool("enrol", "enrol a student (a non-idempotent write)", {"type": "object", "properties": props}, enrol)
    )
    return reg


async def test_a_stop_on_a_writes_own_result_refuses_the_plan_from_then_on(tmp_path: Path) -> None:
    engine = LearningEngine(Database(tmp_path / "l.db"), LearningConfig())
    engine.observe_many([support(i) for i in range(4)])
    goal = "Enrol Gus in course C42"
    decision = engine.select(goal)
    assert decision.mode == Mode.FOLLOWER, decision.reason

    log: list[dict[str, Any]] = []
    trace = Trace(goal=goal, mode="follower", plan_id=decision.plan_id)
    ctx = RunContext(trace, tmp_path, registry("Gus is already enrolled", log), HookChain(), Config())
    out = await replay(ctx, decision)
    assert not out.success and log == [{"student": "Gus", "course": "C42"}]  # the write ran, then the check
    envelope = [e for e in trace.events if e.get("kind") == "envelope"]
    assert envelope and envelope[0]["after_write"] is True, trace.events
    info = record_fallback(ctx, "follower", out, decision.plan_id)
    assert info["after_write"] and "fell back" in trace.mode_reason["fallback_reason"]
    trace.finish("success", "Gus was already enrolled.")  # the model finished: still no clean replay
    engine.observe(trace)

    again = engine.select("Enrol Hal in course C43")
    assert again.mode != Mode.FOLLOWER, again.reason
    blockers = " ".join(again.reason["why_not_follower"])
    assert "rule 3" in blockers and "enrol" in blockers, blockers
    plan = engine.plan(str(decision.plan_id))
    assert plan.post_write_checks and "rule 3" in " ".join(plan.unsafe_reasons())

    # the refusal is stored with the plan: a fresh engine over the same database keeps it
    fresh = LearningEngine(Database(tmp_path / "l.db"), LearningConfig())
    assert fresh.select("Enrol Hal in course C43").mode != Mode.FOLLOWER
    assert fresh.plan(str(decision.plan_id)).post_write_checks == plan.post_write_checks


async def test_a_clean_replay_keeps_the_plan_replayable(tmp_path: Path) -> None:
    engine = LearningEngine(Database(tmp_path / "l.db"), LearningConfig())
    engine.observe_many([support(i) for i in range(4)])
    goal = "Enrol Gus in course C42"
    decision = engine.select(goal)
    log: list[dict[str, Any]] = []
    trace = Trace(goal=goal, mode="follower", plan_id=decision.plan_id)
    ctx = RunContext(trace, tmp_path, registry("enrolled", log), HookChain(), Config())
    out = await replay(ctx, decision)
    assert out.success, out.diverged
    trace.finish("success", out.output)
    engine.observe(trace)
    assert engine.select("Enrol Hal in course C43").mode == Mode.FOLLOWER
    assert not engine.plan(str(decision.plan_id)).post_write_checks
