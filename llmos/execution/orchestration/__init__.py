"""ORCHESTRATOR mode: a goal split into subtasks for agents, run concurrently, then combined.

    plan     a planner model call returns a checked plan (`plan.py`, `planner.py`)
    agents   new agents the plan defines are created through `create_agent` (versioned)
    run      each subtask is a full `LLMOS.execute` of its own goal, linked by `parent_id`,
             capped by its budget share (`scheduler.py`)
    combine  a final model call, or the last subtask, writes the answer (`combine.py`)
    choose   AUTO orchestrates a goal a configured or learned rule marks multi-part (`rules.py`)

Budget: the subtasks together get at most what the run's cap leaves after planning, each its
share; the combining call is capped by what the subtasks left. So the whole orchestration never
spends more than the run's cap, and the ledger's total budget holds as for any run.

Sentience knobs read here: `orchestration_threshold_delta` (AUTO's learned threshold),
`prefer_cheap_modes` (combine without a model call), `prefer_safe_modes` (one subtask at a time),
`allow_exploration` / `allow_self_modification` (no new agents).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "AgentSpec": "plan",
    "OrchestrationPlan": "plan",
    "PlanSpec": "plan",
    "SubtaskSpec": "plan",
    "validate_plan": "plan",
    "OrchestrationRules": "rules",
    "RuleVerdict": "rules",
    "skeleton": "rules",
    "SubtaskOutcome": "scheduler",
    "auto_decision": "choose",
    "forced_decision": "choose",
    "orchestrate": "run",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:  # the plan schema loads only when an orchestration runs
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
