"""What follows every run (`LLMOS._finish`), kept out of runtime.py: the trace finished and saved,
the stop hooks, memory, the bus's run_finished, then learning from it (plans, sentience, a plan
crystallized into a tool). Learning is derived data: it never fails the run. Also what a
successful replay is credited with saving (`credit_savings`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos import _runevents
from llmos._log import logger

if TYPE_CHECKING:
    from llmos.kernel.context import RunContext
    from llmos.runtime import LLMOS
    from llmos.trace import Trace

SELF_MODIFYING_TOOLS = frozenset({"create_agent", "modify_agent", "create_tool"})


async def finish(rt: LLMOS, ctx: RunContext) -> None:
    trace = ctx.trace
    if trace.ended_at is None:
        trace.finish("failed", error=trace.error or "the run ended without an outcome")
    if rt.memory is not None:
        from llmos.memory.wiring import finish_memory

        finish_memory(rt, ctx)
    try:
        await rt.hooks.stop(ctx, trace)
    except Exception as e:  # a user hook must not lose the trace
        trace.event("hook_error", error=f"{type(e).__name__}: {e}")
    rt.traces.save(trace)
    await _runevents.run_finished(rt, trace)
    report, triggers, change = None, [], None
    try:
        report = rt.learning.observe(trace)
        new_tools = sorted(set(rt.registry.names()) - rt._known_tools)
        rt._known_tools.update(new_tools)
        if rt.sentience:
            triggers = rt.sentience.on_run_end(
                trace, repetition_count=report.repetition_count, novel=report.novel, new_tools=new_tools
            )
            for call in trace.top_level_calls:
                if call.name in SELF_MODIFYING_TOOLS and not call.denied:
                    rt.sentience.on_self_modification(call.name, not call.is_error, run_id=trace.id)
        change = maybe_crystallize(rt, report.plan_id or trace.plan_id)
        if rt.sentience and rt.config.sentience.auto_improve:
            actions = await rt.sentience.improve()
            for action in actions:
                trace.event("self_improvement", **action)
            if actions:
                rt.traces.save(trace)
    except Exception:  # learning is derived data: never fail a run over it
        logger.exception("learning from run %s failed", trace.id)
    await _runevents.learned(rt, trace, report, triggers, change)


def maybe_crystallize(rt: LLMOS, plan_id: str | None) -> Any:
    plan = rt.learning.index.plans.get(plan_id) if plan_id else None
    if plan is None or not rt.config.evolution.crystallize:
        return None
    policy = rt.sentience.policy() if rt.sentience else None
    delta = max(0, int(getattr(policy, "min_support_delta", 0) or 0))
    change = rt.evolution.maybe_crystallize(plan, min_uses_delta=delta)
    if change is not None and rt.sentience:
        rt.sentience.on_self_modification("crystallize", True)
    return change


def credit_savings(rt: LLMOS, trace: Trace, decision: Any) -> None:
    """A replay saves what the learner runs it replays cost, on average."""
    plan = decision.plan
    ids = list(getattr(plan, "support_run_ids", []) or [])[-5:]
    usage = rt.traces.usage(ids)  # one query on the indexed columns, not five parsed traces
    costs, tokens = [], []
    for run_id in ids:
        calls, cost, used = usage.get(run_id, (0, 0.0, 0))
        if calls:
            costs.append(cost)
            tokens.append(used)
    if costs:
        trace.metadata["saved_usd"] = round(sum(costs) / len(costs), 8)
        trace.metadata["saved_tokens"] = int(sum(tokens) / len(tokens))
