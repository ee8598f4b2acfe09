"""AUTO's choice of ORCHESTRATOR, and the forced decision (kept light: no plan schema import)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos.execution.orchestration.rules import OrchestrationRules

if TYPE_CHECKING:
    from llmos.learning.selection import ModeDecision
    from llmos.runtime import LLMOS


def policy_of(rt: LLMOS) -> Any:
    return rt.sentience.policy() if rt.sentience else None


def auto_decision(rt: LLMOS, goal: str, agent: str, learned: ModeDecision) -> ModeDecision | None:
    """ORCHESTRATOR when a rule marks the goal multi-part (AUTO only, never for a replayable goal)."""
    from llmos.learning.selection import ModeDecision

    cfg = rt.config.orchestration
    if not cfg.auto or learned.mode == "follower":
        return None
    policy = policy_of(rt)
    delta = float(getattr(policy, "orchestration_threshold_delta", 0.0) or 0.0)
    assert rt.db is not None
    verdict = OrchestrationRules(rt.db, cfg).judge(goal, agent, delta)
    learned.reason["orchestration"] = verdict.to_dict()
    if not verdict.multi_part:
        return None
    reason = {**learned.reason, "why": f"orchestrate: {verdict.why}", "instead_of": learned.mode}
    return ModeDecision("orchestrator", verdict.confidence, reason=reason, goal=goal)


def forced_decision(goal: str) -> ModeDecision:
    from llmos.learning.selection import ModeDecision

    return ModeDecision("orchestrator", 1.0, reason={"requested": "orchestrator", "why": "orchestrator forced"})
