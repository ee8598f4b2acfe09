"""The sentience knob `prefer_crystallized`: a goal a crystallized tool covers runs CRYSTALLIZED
even when the policy has tightened FOLLOWER's thresholds.

A crystallized tool is a plan that already passed `[evolution] min_uses` replays at
`min_success`, so the policy's extra evidence (threshold and support deltas) is waived for it;
the configured thresholds and every safety blocker of mode selection still apply (the goal is
re-selected with no policy, and only a FOLLOWER decision for that same plan is taken).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmos.learning.selection import ModeDecision
    from llmos.runtime import LLMOS


def prefer_crystallized(rt: LLMOS, goal: str, requested: str, agent: str, decision: ModeDecision) -> ModeDecision:
    plan_id = (decision.reason.get("plan") or {}).get("id")
    if decision.mode == "follower" or not plan_id or rt.evolution.tool_for(plan_id) is None:
        return decision
    plain = rt.learning.select(goal, requested, agent=agent, policy=None)
    if plain.mode != "follower" or plain.plan_id != plan_id:
        return decision
    why: Any = plain.reason.get("why", "")
    plain.reason["why"] = f"prefer_crystallized: plan {plan_id} has a crystallized tool; {why}"
    plain.reason["prefer_crystallized"] = {
        "instead_of": decision.mode,
        "blocked_by": decision.reason.get("why_not_follower"),
    }
    return plain
