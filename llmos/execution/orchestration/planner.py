"""The planner call: one model request that returns a plan, checked, with one retry on bad output.

The call goes through `kernel.loop.model_turn`, so the budget reserves it, its cost is settled
and it is recorded in the parent run's trace like any other model call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from llmos.exceptions import PlanInvalid
from llmos.execution.orchestration.plan import SCHEMA_TEXT, OrchestrationPlan, validate_plan
from llmos.kernel.context import RunContext
from llmos.kernel.loop import LoopOptions, model_turn
from llmos.models._testplanner import COMBINE_MARKER, DATA_END, DATA_START, PLANNER_MARKER
from llmos.models.base import Message, ModelRequest

PLANNER_SYSTEM = f"""{PLANNER_MARKER}
You split a goal into subtasks for agents. Reply with ONE JSON object and nothing else, matching
this JSON schema: {SCHEMA_TEXT}

Rules: every subtask has a short id, its own self-contained goal, the agent that runs it (one of
the offered agents, chosen by its description, or a new agent you define under "agents" with a
name, description and system_prompt), the ids it depends_on (their results are given to it), and
a budget_share (fraction of the run's budget; all shares together at most 1.0, leave some for
combining). Independent subtasks run in parallel: add a dependency only when a subtask needs
another's result. combine is "model" (a final call writes the answer) or "last" (the last
subtask's output is the answer)."""

COMBINE_SYSTEM = f"""{COMBINE_MARKER}
You write the final answer to a goal from the results of its subtasks. Use only those results.
If some subtasks are missing, say plainly what is missing and why."""


@dataclass
class PlannerInput:
    goal: str
    agents: list[dict[str, Any]]
    may_create_agents: bool
    max_subtasks: int


def data_message(intro: str, data: dict[str, Any]) -> Message:
    return Message.user(f"{intro}\n{DATA_START}\n{json.dumps(data, ensure_ascii=False)}\n{DATA_END}")


async def make_plan(ctx: RunContext, opts: LoopOptions, pin: PlannerInput) -> OrchestrationPlan:
    """Ask the model for a plan; one retry, told what was wrong; PlanInvalid if both fail."""
    data = {
        "goal": pin.goal,
        "agents": pin.agents,
        "may_create_agents": pin.may_create_agents,
        "max_subtasks": pin.max_subtasks,
    }
    messages = [data_message("Plan this goal.", data)]
    known = [str(a["name"]) for a in pin.agents]
    error: PlanInvalid | None = None
    for attempt in (1, 2):
        request = ModelRequest(
            messages=list(messages),
            system=PLANNER_SYSTEM,
            max_tokens=opts.max_tokens,
            temperature=opts.temperature,
        )
        response = await model_turn(ctx, opts, request)
        try:
            plan = validate_plan(response.text, known_agents=known, may_create_agents=pin.may_create_agents)
            if len(plan.spec.subtasks) > pin.max_subtasks:
                raise PlanInvalid(f"the plan has {len(plan.spec.subtasks)} subtasks; at most {pin.max_subtasks}")
        except PlanInvalid as e:
            error = e
            ctx.trace.event("plan_invalid", attempt=attempt, error=str(e))
            messages += [response.to_message(), Message.user(f"That plan is invalid: {e}. Reply with a valid plan.")]
            continue
        ctx.trace.event("plan", attempt=attempt, plan=plan.to_dict())
        return plan
    assert error is not None
    raise PlanInvalid(f"the planner returned no valid plan after a retry: {error}")
