"""FOLLOWER over a branch set (`branches.py`): the selection side, kept out of `selection.py`."""

from __future__ import annotations

from collections.abc import Callable

from llmos.config import LearningConfig
from llmos.learning import branches, conditions
from llmos.learning.goals import Token
from llmos.learning.plans import Match, Plan
from llmos.learning.risk import RiskOf
from llmos.learning.selection import (
    ModeDecision,
    SelectionPolicy,
    _follower_blockers,
    follower_confidence,
    risk_config,
    slot_values,
)


def branch_decision(
    full: list[Match],
    aligned: dict[str, list[Token]],
    tokens: list[Token],
    cond: list[str],
    cfg: LearningConfig,
    policy: SelectionPolicy,
    risk_of: RiskOf | None,
    decision: ModeDecision,
    paths_of: Callable[[str], list[Plan]] | None = None,
) -> bool:
    """Plans of one skeleton with other calls after common reads (`branches.py`): FOLLOWER over the set
    when each is replayable on its own but for the branch, and the reads' evidence tells them apart."""

    fixed: list[str] = []

    def blockers_of(p: Plan) -> list[str]:
        own = [m for m in full if m.plan is p]
        toks = aligned.get(p.id, tokens)
        # a condition of constant words only: the set's reads decide it, as for a goal without one
        if cond and conditions.fixed(p, toks):
            fixed.append(p.id)
            own_cond: list[str] = []
        else:
            own_cond = cond
        return _follower_blockers(
            own, own_cond, risk_config(p, cfg, risk_of)[0], policy, risk_of, toks, cfg.min_support
        )

    bset, why = branches.branch_set([m.plan for m in full], blockers_of, risk_of, paths_of)
    decision.reason["branch"] = {"plans": [m.plan.id for m in full], "why": why}
    if fixed:
        decision.reason["branch"]["condition"] = (
            f"the condition ({', '.join(cond)}) is the same words in every run of {', '.join(sorted(set(fixed)))}: "
            "the reads that tell the paths apart decide it"
        )
    if bset is None:
        return False
    plan = bset.plans[0]
    decision.mode, decision.plan_id, decision.plan, decision.branches = "follower", plan.id, plan, bset.plans
    decision.confidence = min(follower_confidence(p, risk_config(p, cfg, risk_of)[0]) * 2 for p in bset.plans)
    decision.confidence = min(1.0, decision.confidence)
    decision.slots = slot_values(plan, aligned.get(plan.id, tokens))
    decision.reason["branch"]["prefix_groups"] = bset.prefix
    decision.reason["why"] = f"branch: {why} ({', '.join(p.id for p in bset.plans)})"
    return True
