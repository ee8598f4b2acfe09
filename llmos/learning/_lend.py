"""The loan of a sibling wording's evidence (`wordings.py`): who may lend, and what selection counts."""

from __future__ import annotations

import copy
from typing import Any

from llmos.config import LearningConfig
from llmos.learning.index import PlanIndex
from llmos.learning.plans import Match, Plan
from llmos.learning.risk import RiskOf, plan_risk, required_support

__all__ = ["lend", "lender_problem", "lent_problem", "own_need", "revoke"]

MAX_PENALTY = 0.3  # a sibling with more recent fallbacks than this lends nothing


def own_need(plan: Plan, cfg: LearningConfig, risk_of: RiskOf | None) -> int:
    """Rule 4: the support this plan's riskiest step asks for."""
    risk, _steps = plan_risk(plan.tool_names, risk_of)
    return required_support(cfg.min_support, risk, dict(cfg.extra_support))  # model_dump() of flat ints, cheaper


def lender_problem(p: Plan, cfg: LearningConfig, risk_of: RiskOf | None, pooled: bool = False) -> str:
    """Why plan P may not lend its evidence ('' when it may). `pooled`: P's runs are pooled with the
    borrower's own run (`_pool.py`): together they are the evidence, so P's own support need not reach
    rule 4's need alone."""
    unsafe = p.unsafe_reasons()
    if unsafe:
        return f"plan {p.id} is unsafe ({unsafe[0]})"
    demoted = p.demotion(cfg.min_support)
    if demoted:
        return f"plan {p.id} is {demoted}"
    if p.penalty > MAX_PENALTY:
        return f"plan {p.id} fell back recently (penalty {round(p.penalty, 3)})"
    if not p.seen_runs:
        return f"plan {p.id} did not record what its results looked like (rule 1)"
    if pooled:
        return ""
    need = own_need(p, cfg, risk_of)
    if p.support < need:  # a plan's support is its own runs: what it borrowed is never lent on
        return f"plan {p.id} has {p.support} run(s) of its own; rule 4 asks {need} before it lends them"
    return ""


def lent_problem(w: Plan, index: PlanIndex, cfg: LearningConfig, risk_of: RiskOf | None) -> tuple[str, Plan | None]:
    """Why W may not count its sibling's evidence now ('' when it may), and the sibling."""
    sib = w.sibling
    if w.demoted:  # a person said a replay of W was wrong: W earns its own runs again (rule 6)
        return f"plan {w.id} was demoted ({w.demoted[:120]}): only its own runs count", None
    if sib.get("revoked"):
        return f"the loan was revoked: {sib['revoked']}", None
    p = index.plans.get(str(sib.get("plan", "")))
    if p is None:
        return f"plan {sib.get('plan')} is gone (rebuilt after a rejected run, or removed)", None
    if p.seq != w.seq:
        return f"plan {p.id} makes other calls now", p
    return lender_problem(p, cfg, risk_of, pooled=bool(sib.get("pooled"))), p


def lend(
    full: list[Match],
    index: PlanIndex,
    cfg: LearningConfig,
    risk_of: RiskOf | None,
    reason: dict[str, Any],
    companions: list[Plan],
) -> list[Match]:
    """The one matched plan, counting the evidence its sibling wording lent it while the loan holds."""
    if len(full) != 1 or not full[0].plan.sibling or companions:
        return full
    w = full[0].plan
    sib = w.sibling
    shown: dict[str, Any] = {
        "plan": sib.get("plan"),
        "skeleton": sib.get("skeleton"),
        "runs": list(sib.get("runs", []))[-5:],
        "own_runs": w.support,
    }
    if sib.get("pooled"):  # the lender's runs and this wording's own were pooled (`_pool.py`)
        shown["pooled"] = True
    reason["sibling"] = shown
    why, p = lent_problem(w, index, cfg, risk_of)
    if why or p is None:
        shown["not_used"] = why
        return full
    lent = min(int(sib.get("support", 0)), p.support)
    view = copy.copy(w)
    view.support_count = w.support + lent
    view.penalty = max(w.penalty, p.penalty)
    view.sibling = {**sib, "lent": lent}  # the answer is W's own: `replay_plan.BoundPlan.answer`
    shown["lent_support"] = lent
    shown["why"] = (
        f"learned from the sibling wording '{sib.get('skeleton')}' (plan {p.id}, {lent} run(s)): run "
        f"{sib.get('run')} of this wording made the same calls, every argument explained as in that plan"
    )
    return [Match(view, full[0].diff, full[0].bad_shapes)]


def revoke(index: PlanIndex, run_id: str) -> list[Plan]:
    """Plans that borrowed a run a person rejected: they keep only their own evidence."""
    out = []
    for w in index.plans.values():
        if w.sibling and not w.sibling.get("revoked") and run_id in w.sibling.get("runs", []):
            w.sibling = {**w.sibling, "revoked": f"run {run_id} of plan {w.sibling.get('plan')} was rejected"}
            out.append(w)
    return out
