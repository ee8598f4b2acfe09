"""Calling a crystallized tool from outside a model's run: one run of its own, through the seam."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmos import _runevents
from llmos.kernel.context import RunContext
from llmos.kernel.toolcall import execute_tool_call
from llmos.models.base import ToolCall
from llmos.trace import Trace

if TYPE_CHECKING:
    from llmos.runtime import LLMOS

GENERATED = "generated"  # the registry source of crystallized tools (llmos.evolution.generated.SOURCE)


@dataclass
class ToolRun:
    run_id: str
    result: str
    is_error: bool


def crystallized_tools(rt: LLMOS) -> list[Any]:
    """The workspace's crystallized tools (as the registry holds them now), by name."""
    rt.evolution.refresh()
    return sorted((t for t in rt.registry if t.source == GENERATED), key=lambda t: t.name)


async def call_crystallized(rt: LLMOS, name: str, arguments: dict[str, Any]) -> ToolRun:
    """Run one crystallized tool call as a run: PreToolUse hooks (policy) decide, the call and its
    inner calls are traced, the trace is stored and the run's events are published."""
    record_row = rt.evolution.store.by_name(name)
    goal = f"{name} {json.dumps(arguments, ensure_ascii=False, sort_keys=True)}"
    trace = Trace(goal=goal, agent=rt.config.agent.default, requested_mode="crystallized")
    trace.mode = "crystallized"
    trace.mode_reason = {"why": "called as an MCP tool", "crystallized_tool": name}
    trace.plan_id = record_row.plan_id if record_row is not None else None
    trace.metadata["via"] = "mcp"
    ctx = RunContext(trace, rt.workspace, rt.registry, rt.hooks, rt.config, bus=rt.events)
    ctx.scratch["run_cap_usd"] = rt.config.budget.per_run_usd
    ctx.scratch["live_plan"] = rt.live_plan  # the tool checks the plan as it is now, as CRYSTALLIZED mode does
    await _runevents.run_started(rt, trace)
    try:
        record = await execute_tool_call(ctx, ToolCall("", name, dict(arguments)), source="crystallized")
        if record.is_error:
            trace.finish("failed", record.result, error=record.result)
        else:
            trace.finish("success", record.result)
    except BaseException as e:
        trace.finish("failed", error=f"{type(e).__name__}: {e}")
        raise
    finally:
        try:
            await rt.hooks.stop(ctx, trace)
        finally:
            rt.traces.save(trace)
            await _runevents.run_finished(rt, trace)
    return ToolRun(trace.id, record.result, record.is_error)
