"""Running one orchestration: plan, create agents, run the subtasks, combine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos.exceptions import LLMOSError
from llmos.execution.orchestration.choose import policy_of
from llmos.execution.orchestration.combine import combine
from llmos.execution.orchestration.plan import OrchestrationPlan
from llmos.execution.orchestration.planner import PlannerInput, make_plan
from llmos.execution.orchestration.rules import OrchestrationRules
from llmos.execution.orchestration.scheduler import Scheduler
from llmos.kernel.context import RunContext
from llmos.kernel.loop import LoopOptions, LoopOutcome
from llmos.kernel.toolcall import execute_tool_call
from llmos.models.base import ToolCall

if TYPE_CHECKING:
    from llmos.runtime import LLMOS


def _shares(plan: OrchestrationPlan) -> dict[str, float]:
    """Each subtask's fraction of the cap; subtasks without a share split what the others leave."""
    subtasks = plan.spec.subtasks
    given = sum(s.budget_share for s in subtasks)
    unassigned = [s.id for s in subtasks if s.budget_share <= 0]
    rest = max(0.0, 1.0 - given) / len(unassigned) if unassigned else 0.0
    return {s.id: (s.budget_share if s.budget_share > 0 else rest) for s in subtasks}


async def _create_agents(ctx: RunContext, plan: OrchestrationPlan, fallback: str) -> dict[str, str]:
    """Create the plan's new agents through the tool seam; a subtask whose agent could not be
    created runs with the orchestrating agent instead (the trace says so)."""
    failed: set[str] = set()
    for spec in plan.new_agents:
        args: dict[str, Any] = {
            "name": spec.name,
            "description": spec.description,
            "system_prompt": spec.system_prompt,
            "reason": f"defined by the orchestration plan of run {ctx.run_id}",
        }
        if spec.tools is not None:
            args["tools"] = spec.tools
        record = await execute_tool_call(ctx, ToolCall("", "create_agent", args), source="model")
        if record.is_error:
            failed.add(spec.name)
            ctx.trace.event("agent_not_created", agent=spec.name, error=record.result[:300], instead=fallback)
    return {s.id: (fallback if s.agent in failed else s.agent) for s in plan.spec.subtasks}


def _inherited_model(rt: LLMOS, agent: str, opts: LoopOptions) -> Any:
    """A subtask runs with its agent's own model, else with the model the parent run uses."""
    try:
        own = rt.agents.get(agent).model
    except LLMOSError:  # a broken agent file: the subtask's run reports it
        return None
    return None if own else opts.model


async def orchestrate(rt: LLMOS, ctx: RunContext, goal: str, agent_def: Any, opts: LoopOptions) -> LoopOutcome:
    """Plan, create agents, run the subtasks, combine: the parent run's outcome."""
    cfg = rt.config.orchestration
    policy = policy_of(rt)
    may_create = bool(getattr(policy, "allow_exploration", True)) and bool(
        getattr(policy, "allow_self_modification", True)
    )
    agents = [{"name": a.name, "description": a.description} for a in rt.agents.list()]
    plan = await make_plan(ctx, opts, PlannerInput(goal, agents, may_create, cfg.max_subtasks))
    await ctx.emit("plan", subtasks=[s.model_dump() for s in plan.spec.subtasks], combine=plan.spec.combine)
    assignment = await _create_agents(ctx, plan, agent_def.name)

    cap = ctx.scratch.get("run_cap_usd")
    available = None if cap is None else max(0.0, cap - rt.ledger.run_spent(ctx.run_id))
    shares = _shares(plan)
    caps = {sid: None if available is None else available * share for sid, share in shares.items()}
    limit = 1 if getattr(policy, "prefer_safe_modes", False) else cfg.max_concurrency
    cheap = bool(getattr(policy, "prefer_cheap_modes", False))
    ctx.trace.metadata["orchestration"] = {
        "concurrency": limit,
        "available_usd": available,
        "may_create_agents": may_create,
        "combine": plan.spec.combine,
    }
    scheduler = Scheduler(
        ctx,
        plan,
        rt.execute,
        rt.hooks,
        caps,
        assignment,
        limit=limit,
        retries=cfg.retries,
        spent=rt.ledger.run_spent,
        load=rt.traces.get,
    )
    scheduler.models = {sid: _inherited_model(rt, agent, opts) for sid, agent in assignment.items()}
    outcomes = await scheduler.run()

    if cap is not None:  # the combining call gets what the subtasks left of the cap
        children = sum(rt.ledger.run_spent(r) for o in outcomes.values() for r in o.run_ids)
        ctx.scratch["run_cap_usd"] = max(0.0, cap - children)
    answer, how = await combine(ctx, opts, goal, plan, outcomes, cheap=cheap)
    ctx.trace.metadata["orchestration"]["combined_by"] = how
    ctx.trace.metadata["subtask_totals"] = {
        "cost_usd": round(sum(o.cost_usd for o in outcomes.values()), 8),
        "llm_calls": sum(o.llm_calls for o in outcomes.values()),
        "input_tokens": sum(o.input_tokens for o in outcomes.values()),
        "output_tokens": sum(o.output_tokens for o in outcomes.values()),
    }
    all_ok = all(o.success for o in outcomes.values())
    assert rt.db is not None
    OrchestrationRules(rt.db, cfg).record(
        goal, agent_def.name, success=all_ok, independent_parts=plan.independent_parts(), run_id=ctx.run_id
    )
    if all_ok:
        return LoopOutcome("success", answer)
    lost = [o.id for o in outcomes.values() if not o.success]
    return LoopOutcome("failed", answer, f"{len(lost)} of {len(outcomes)} subtasks did not succeed: {', '.join(lost)}")
