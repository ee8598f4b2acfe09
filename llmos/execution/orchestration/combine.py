"""Combining subtask results into the answer: a final model call, the last subtask's output, or
(when cheap modes are preferred, or the budget cannot pay for a call) a plain join. Whatever
writes the answer, a closing line says what is missing."""

from __future__ import annotations

from llmos.exceptions import BudgetExceeded
from llmos.execution.orchestration.plan import OrchestrationPlan
from llmos.execution.orchestration.planner import COMBINE_SYSTEM, data_message
from llmos.execution.orchestration.scheduler import SubtaskOutcome
from llmos.kernel.context import RunContext
from llmos.kernel.loop import LoopOptions, model_turn
from llmos.models.base import ModelRequest


def missing_note(plan: OrchestrationPlan, outcomes: dict[str, SubtaskOutcome]) -> str:
    lost = [outcomes[i] for i in plan.order if not outcomes[i].success]
    if not lost:
        return ""
    items = "; ".join(f"{o.id} ({o.agent}: {o.goal}) — {o.error or o.status}" for o in lost)
    return f"Missing ({len(lost)} of {len(outcomes)} subtasks did not succeed): {items}"


def joined(goal: str, plan: OrchestrationPlan, outcomes: dict[str, SubtaskOutcome]) -> str:
    parts = [f"## {o.id} ({o.agent})\n{o.output.strip()}" for i in plan.order if (o := outcomes[i]).success]
    return f"Results for: {goal}\n\n" + "\n\n".join(parts) if parts else ""


async def combine(
    ctx: RunContext,
    opts: LoopOptions,
    goal: str,
    plan: OrchestrationPlan,
    outcomes: dict[str, SubtaskOutcome],
    *,
    cheap: bool,
) -> tuple[str, str]:
    """The answer and how it was written ("last", "joined", "model", "joined (budget)")."""
    note = missing_note(plan, outcomes)
    ok = [outcomes[i] for i in plan.order if outcomes[i].success]
    last = outcomes[plan.order[-1]]
    if plan.spec.combine == "last" and last.success:
        how, text = "last", last.output
    elif not ok:
        how, text = "none", ""
    elif cheap:
        how, text = "joined", joined(goal, plan, outcomes)
    else:
        data = {
            "goal": goal,
            "results": [{"id": o.id, "agent": o.agent, "goal": o.goal, "output": o.output} for o in ok],
            "missing": [{"id": o.id, "reason": o.error or o.status} for o in outcomes.values() if not o.success],
        }
        request = ModelRequest(
            messages=[data_message("Write the answer to this goal from these results.", data)],
            system=COMBINE_SYSTEM,
            max_tokens=opts.max_tokens,
            temperature=opts.temperature,
        )
        try:
            text, how = (await model_turn(ctx, opts, request)).text, "model"
        except BudgetExceeded as e:  # the budget left cannot pay for the call: the results still count
            ctx.trace.event("combine_fallback", reason=str(e))
            how, text = "joined (budget)", joined(goal, plan, outcomes)
    text = text.strip()
    if note:
        text = f"{text}\n\n{note}" if text else note
    return text, how
