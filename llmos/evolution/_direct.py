"""A crystallized tool the model calls itself checks the live plan, as CRYSTALLIZED mode does.

The runtime offers generated tools to the model like any other tool. A LEARNER or MIXED run, often
one that selection handed to the model because replay was not safe, may call one: the module then
runs the plan's reads and writes on the model's arguments. Without the live plan the tool would
check only what it compiled (its arguments' formulas, its results' shapes), never rule 1 (a
result outside what the evidence saw stops the plan before a write). So the runtime puts a lookup
in the run's scratch (`LIVE_PLAN`: plan id -> the plan as it is now, or None), and the tool reads
the plan from it when no dispatcher watches the call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmos.execution.replay import sibling_tools
from llmos.learning.risk import registry_risk
from llmos.tools.base import ToolContext

LIVE_PLAN = "live_plan"  # RunContext.scratch key: Callable[[str], Plan | None]
GONE = "the plan this tool was crystallized from is no longer learned; make the calls yourself"


def live_plan(ctx: ToolContext, plan_id: str) -> tuple[bool, Any, Any, list[str]]:
    """(known, plan, risk_of, tools) for a call no dispatcher watches. known=False: no runtime
    lookup (the module called outside a run), the tool checks what it compiled only. A known
    lookup that finds no plan gives plan=None (the caller refuses the call)."""
    run = ctx.extra.get("run_context")
    lookup: Callable[[str], Any] | None = getattr(run, "scratch", {}).get(LIVE_PLAN) if run is not None else None
    if lookup is None or run is None:
        return False, None, None, []
    plan = lookup(plan_id)
    return (True, plan, *checks_for(run.registry, plan))


def checks_for(registry: Any, plan: Any) -> tuple[Any, list[str]]:
    """(risk_of, tools): what a crystallized call needs beside the live plan to check it, whoever
    called the tool (the CRYSTALLIZED dispatcher or the model)."""
    return registry_risk(registry), sibling_tools(registry, list(getattr(plan, "tool_names", None) or []))
