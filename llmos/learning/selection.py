"""Mode selection: FOLLOWER, MIXED or LEARNER, from a confidence defined by evidence.

FOLLOWER needs exactly one plan whose skeleton the goal matches (equal constants, slot values of
known shapes), that plan safe (no branching, no contradiction, every argument explained), at least
`min_support` independent successful traces, conditional wording only when the evidence can see the
condition (`conditions.py`), and a confidence at or above the threshold. Plans of one skeleton that
branch after common reads replay as a set (`branches.py`, `_branch_select.py`): the live results pick
the path. Anything less is never replayed.

MIXED needs a related plan (same skeleton but not replayable, a near-miss skeleton, or a
paraphrase) whose relatedness reaches the MIXED threshold. Otherwise LEARNER. A near-miss that
differs from the goal in a task word (a word none of its calls used as a value) is another task and
never related (`relatedness.py`): it would narrow the model to that task's tools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llmos.config import LearningConfig
from llmos.learning import _ambiguity, conditions, spans, wordings
from llmos.learning._explain_search import PROOF_VALUES
from llmos.learning._related_search import RELATED_SHOWN
from llmos.learning._related_search import related as _related
from llmos.learning.goals import Token, branch_words, shape, tokenize_goal
from llmos.learning.index import PlanIndex
from llmos.learning.plans import Match, Plan, match
from llmos.learning.risk import RiskOf, not_trusted, plan_risk, required_support
from llmos.learning.rule3 import blind_write_checks
from llmos.modes import LEARNING_MODES

MODES = LEARNING_MODES


@dataclass
class SelectionPolicy:
    """A tightening of the thresholds (sentience provides one). Deltas are >= 0 and raise thresholds."""

    follower_threshold_delta: float = 0.0
    mixed_threshold_delta: float = 0.0
    allow_mixed: bool = True
    require_well_supported: bool = False

    min_support_delta: int = 0  # >= 0: more independent traces before FOLLOWER

    def __post_init__(self) -> None:
        if self.follower_threshold_delta < 0 or self.mixed_threshold_delta < 0 or self.min_support_delta < 0:
            raise ValueError("SelectionPolicy deltas must be >= 0 (a policy can only tighten)")

    @classmethod
    def of(cls, policy: object | None) -> SelectionPolicy:
        """A SelectionPolicy from any object with these attributes (e.g. sentience's Policy).
        Negative deltas are ignored: a policy may tighten the thresholds, never loosen them."""
        if policy is None:
            return cls()
        if isinstance(policy, SelectionPolicy):
            return policy
        return cls(
            follower_threshold_delta=max(0.0, float(getattr(policy, "follower_threshold_delta", 0.0))),
            mixed_threshold_delta=max(0.0, float(getattr(policy, "mixed_threshold_delta", 0.0))),
            allow_mixed=bool(getattr(policy, "allow_mixed", True)),
            require_well_supported=bool(getattr(policy, "require_well_supported", False)),
            min_support_delta=max(0, int(getattr(policy, "min_support_delta", 0))),
        )


@dataclass
class ModeDecision:
    mode: str  # learner | follower | mixed
    confidence: float
    plan_id: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    reason: dict[str, Any] = field(default_factory=dict)
    plan: Plan | None = None
    example: str | None = None  # MIXED: the text to put before the goal
    tool_names: list[str] | None = None  # MIXED: the plan's tools (offered first)
    narrow_tools: bool = True  # MIXED: offer only `tool_names` (False: every tool of the agent too)
    goal: str = ""
    branches: list[Plan] = field(default_factory=list)  # FOLLOWER over a branch set (`branches.py`)
    companions: list[Plan] = field(default_factory=list)  # FOLLOWER: other plans replayed as one (_ambiguity)


def near_limit(n: int) -> int:
    """How many skeleton positions a near-miss may differ in."""
    return max(1, min(6, (n - 1) // 2))


MAX_FOLLOWER_THRESHOLD = 0.995  # support >= min_support + 7 reaches it (see follower_confidence)


def follower_confidence(plan: Plan, cfg: LearningConfig) -> float:
    n, m = plan.support, cfg.min_support
    support = 1 - 0.04 / (n - m + 1) if n >= m else 0.5 + 0.3 * n / m
    conf = support * (1 - min(1.0, plan.penalty))
    if plan.unsafe_reasons():
        conf *= 0.5
    if n < m:  # a plan below min_support never reaches the FOLLOWER threshold
        conf = min(conf, max(0.0, cfg.follower_threshold - 0.01))
    return round(max(0.0, conf), 4)


def slot_values(plan: Plan, tokens: list[Token]) -> dict[str, Any]:
    return {s.name: tokens[p].typed() for p, s in sorted(plan.slots.items())}


def risk_config(plan: Plan, cfg: LearningConfig, risk_of: RiskOf | None) -> tuple[LearningConfig, dict[str, Any]]:
    """Rule 4: the configuration with the support this plan's riskiest step asks for, and why."""
    risk, steps = plan_risk(plan.tool_names, risk_of)
    need = required_support(cfg.min_support, risk, cfg.extra_support.model_dump())
    why = {
        "risk": risk,
        "tools": steps,
        "min_support": need,
        "why": f"a {risk.replace('_', '-')} plan needs {need} independent successful run(s) "
        f"(min_support {cfg.min_support} {'+' if need >= cfg.min_support else '-'} "
        f"{abs(need - cfg.min_support)}; [learning.extra_support])",
    }
    untrusted = not_trusted(risk_of, plan.tool_names)
    if untrusted:
        why["hints_not_trusted"] = untrusted
    return (cfg if need == cfg.min_support else cfg.model_copy(update={"min_support": need})), why


def _evidence(plan: Plan, cfg: LearningConfig) -> dict[str, Any]:
    ambiguous = [f"{e['tool']}.{e['argument']}" for e in plan.explanations() if e["ambiguous"]]
    return {
        "support": plan.support,
        "min_support": cfg.min_support,
        "replays": plan.uses,
        "replay_successes": plan.replay_successes,
        "fallbacks": plan.fallbacks,
        "penalty": round(plan.penalty, 4),
        "unsafe": plan.unsafe_reasons(),
        "ambiguous_arguments": ambiguous[:10],
        "skeleton": plan.skeleton_text(),
    }


def _follower_blockers(
    full: list[Match],
    cond: list[str],
    cfg: LearningConfig,
    policy: SelectionPolicy,
    risk_of: RiskOf | None = None,
    tokens: list[Token] | None = None,
    after_demotion: int = 0,
) -> list[str]:
    if not full:
        return ["no learned plan matches this goal's skeleton"]
    if len(full) > 1:  # and `_one_of_many` could not make one of them
        return [f"the goal matches {len(full)} plans ({', '.join(m.plan.id for m in full[:4])}): ambiguous"]
    plan = full[0].plan
    out = list(plan.unsafe_reasons())
    out += blind_write_checks(plan, risk_of, cfg.noise_min_runs)  # rule 3, from the plan itself
    if plan.support < cfg.min_support:
        out.append(f"support {plan.support} < min_support {cfg.min_support}")
    elif plan.support < cfg.min_support + 1 or len(plan.evidence_tokens) < PROOF_VALUES:
        learned = _ambiguity.learned_constant(plan)
        if learned:  # rule 2: a hypothesis, not a fact; one more run, of a goal not seen, must confirm it
            out.append(
                f"{learned} rests on a constant learned from {plan.support} runs of {len(plan.evidence_tokens)} "
                f"distinct goals: one more run, and {PROOF_VALUES} distinct goals, must confirm it"
            )
    # a person's verdict asks for the configured new evidence at least: rule 4 lowers what a read-only
    # plan needs before its first replay, not what it needs after someone said a replay was wrong
    demoted = plan.demotion(max(cfg.min_support, after_demotion))
    if demoted:
        out.append(demoted)
    if cond and tokens is None:
        out.append(f"conditional wording ({', '.join(cond)}): a branch the evidence never showed may apply")
    elif cond and tokens is not None:  # replayed only when the evidence can see the condition
        why = conditions.problem(plan, tokens, risk_of)
        if why:
            out.append(why)
    if not plan.steps:
        out.append("the plan makes no tool calls")
    if policy.require_well_supported and (plan.support < max(cfg.min_support + 1, 3) or plan.penalty > 0):
        out.append("policy requires a well-supported plan (more support, no recent fallback)")
    return out


def _describe_match(
    reason: dict[str, Any], plan: Plan, tokens: list[Token], f_conf: float, cfg: LearningConfig, risk: dict[str, Any]
) -> None:
    """The one plan whose skeleton the goal matches, as `--explain` shows it (slots and spans included)."""
    reason["plan"] = {"id": plan.id, "confidence": f_conf, "evidence": _evidence(plan, cfg), "risk": risk}
    reason["slots"] = slot_values(plan, tokens)
    described = spans.describe(plan, tokens)
    if described:
        reason["spans"] = described


def select(
    index: PlanIndex,
    goal: str,
    cfg: LearningConfig,
    requested: str = "auto",
    agent: str = "default",
    policy: object | None = None,
    risk_of: RiskOf | None = None,
) -> tuple[ModeDecision, list[str]]:
    """The decision, and (for forced modes that cannot run) the blockers. Never raises."""
    policy = SelectionPolicy.of(policy)
    if policy.min_support_delta:
        cfg = cfg.model_copy(update={"min_support": cfg.min_support + policy.min_support_delta})
    tokens = tokenize_goal(goal)
    base_cfg = cfg  # before rule 4 adjusts it to one plan's risk (a loop's plan is judged on its own)
    # a tightened threshold stays reachable: a cautious system still replays very well-supported plans
    # (the policy never lowers the configured threshold; it raises it at most to MAX_FOLLOWER_THRESHOLD)
    f_thr = max(
        cfg.follower_threshold,
        min(MAX_FOLLOWER_THRESHOLD, cfg.follower_threshold + policy.follower_threshold_delta),
    )
    m_thr = min(1.0, cfg.mixed_threshold + policy.mixed_threshold_delta)
    reason: dict[str, Any] = {
        "requested": requested,
        "thresholds": {"follower": round(f_thr, 4), "mixed": round(m_thr, 4), "min_support": cfg.min_support},
        "policy": {
            "follower_threshold_delta": policy.follower_threshold_delta,
            "mixed_threshold_delta": policy.mixed_threshold_delta,
            "allow_mixed": policy.allow_mixed,
            "require_well_supported": policy.require_well_supported,
        },
    }
    decision = ModeDecision("learner", 0.0, reason=reason, goal=goal)
    if requested in ("learner", "crystallized"):
        reason["why"] = (
            "learner forced"
            if requested == "learner"
            else ("crystallized tools are not available yet: running the model")
        )
        decision.confidence = 1.0
        return decision, []

    limit = near_limit(len(tokens))
    shapes = [shape(t) for t in tokens]
    full = [m for p in index.exact(agent, tokens) if (m := match(p, tokens, limit, shapes)) is not None and m.full]
    full, aligned = spans.full_matches(index, agent, tokens, full)  # slots of several words
    full, companions = _ambiguity.one_of_many(full, tokens, aligned, reason)
    full = wordings.lend(full, index, cfg, risk_of, reason, companions)  # evidence of a sibling wording
    cond = conditions.words(tokens)  # quantities ("3 more chairs") are no condition
    f_conf = 0.0
    if len(full) == 1:
        cfg, risk = risk_config(full[0].plan, cfg, risk_of)
        f_conf = follower_confidence(full[0].plan, cfg)
        _describe_match(reason, full[0].plan, aligned.get(full[0].plan.id, tokens), f_conf, cfg, risk)
    blockers = _follower_blockers(
        full,
        cond,
        cfg,
        policy,
        risk_of,
        aligned.get(full[0].plan.id, tokens) if len(full) == 1 else None,
        base_cfg.min_support,
    ) + _ambiguity.blockers(companions, cfg, risk_of)
    if not blockers and f_conf < f_thr and requested != "follower":
        blockers.append(f"confidence {f_conf} < follower threshold {round(f_thr, 4)}")
    if not blockers:
        plan = full[0].plan
        decision.mode, decision.confidence, decision.plan_id, decision.plan = (
            "follower",
            f_conf,
            plan.id,
            plan,
        )
        decision.slots = slot_values(plan, aligned.get(plan.id, tokens))
        decision.companions = companions
        reason["why"] = (
            f"plan {plan.id} matches the skeleton '{plan.skeleton_text()}' with support "
            f"{plan.support} and confidence {f_conf} >= {round(f_thr, 4)}{_ambiguity.said(companions)}"
        )
        return decision, []
    if _branch(full, aligned, tokens, cond, base_cfg, policy, risk_of, requested, decision, index, agent) or _loop(
        index, agent, tokens, base_cfg, policy, risk_of, f_thr, requested, decision, blockers
    ):
        return decision, []
    reason["why_not_follower"] = blockers
    if requested == "follower":
        return decision, blockers

    not_related: list[dict[str, Any]] = []
    related = _related(index, agent, tokens, index.near_counts(agent, tokens, limit), full, shapes, not_related)
    reason["related"] = [
        {"plan": p.id, "kind": kind, "score": score, "goal": p.example.get("goal", "")}
        for score, kind, p in related[:3]
    ]
    if not_related:  # near-misses that are another task (llmos/learning/relatedness.py)
        reason["not_related"] = sorted(not_related, key=lambda r: -float(r["score"]))[:RELATED_SHOWN]
    best = related[0] if related else None
    if best is not None and policy.allow_mixed and (best[0] >= m_thr or requested == "mixed"):
        _mixed(decision, best, m_thr, branch_words(tokens))
        return decision, []
    if requested == "mixed":
        why = "MIXED is disabled by policy" if not policy.allow_mixed else "no related trace"
        return decision, [why]
    decision.confidence = max(f_conf, best[0] if best else 0.0)
    if best is None:
        reason["why"] = "no related plan: the model solves this goal"
        if not_related:
            reason["why"] += f" ({reason['not_related'][0]['why']})"
    elif not policy.allow_mixed:
        reason["why"] = "MIXED is disabled by policy: the model solves this goal"
    else:
        reason["why"] = f"the closest plan scores {best[0]} < mixed threshold {round(m_thr, 4)}"
    return decision, []


def _branch(
    full: list[Match],
    aligned: dict[str, list[Token]],
    tokens: list[Token],
    cond: list[str],
    cfg: LearningConfig,
    policy: SelectionPolicy,
    risk_of: RiskOf | None,
    requested: str,
    decision: ModeDecision,
    index: PlanIndex,
    agent: str,
) -> bool:
    """Plans of one skeleton with other calls after common reads: FOLLOWER over the set (`branches`)."""
    if not full or (len(full) < 2 and not full[0].plan.branching) or requested == "mixed":
        return False
    from llmos.learning._branch_select import branch_decision

    def paths_of(took: str) -> list[Plan]:  # the agent's plans of that tool sequence, of any goal length
        seq = () if took == "(no calls)" else tuple(tuple(g.split("+")) for g in took.split(" -> "))
        return [q for by_id in index.seq_buckets(agent, seq, 1 << 30) for q in by_id.values()]

    return branch_decision(full, aligned, tokens, cond, cfg, policy, risk_of, decision, paths_of)


def _mixed(decision: ModeDecision, best: tuple[float, str, Plan], m_thr: float, cond: list[str]) -> None:
    """MIXED: the related plan's run shown as an example, its tools offered. Only its tools, unless
    the goal's wording branches (`goals.branch_words`): a branch its runs never took may need tools
    they never used, and a model narrowed to the plan's tools would give up (issue 9: "Reorder ...
    if fewer than 20 units are left", guided by runs that never had to order). Then every tool is
    offered too."""
    from llmos.learning.mixed import example_text

    score, kind, plan = best
    decision.mode, decision.confidence, decision.plan_id, decision.plan = "mixed", score, plan.id, plan
    decision.example = example_text(plan)
    decision.tool_names = plan.tool_names
    decision.reason["why"] = f"a related plan ({kind}, score {score} >= {round(m_thr, 4)}) guides the model"
    if cond:
        decision.narrow_tools = False
        decision.reason["mixed_tools"] = (
            f"every tool is offered, the plan's first: the goal's conditional wording ({', '.join(cond)}) "
            "may take a branch its runs never took, with tools they never used"
        )


def _loop(
    index: PlanIndex,
    agent: str,
    tokens: list[Token],
    cfg: LearningConfig,
    policy: SelectionPolicy,
    risk_of: RiskOf | None,
    f_thr: float,
    requested: str,
    decision: ModeDecision,
    blockers: list[str],
) -> bool:
    """A list of a length no plan of its own covers: the loop learned from other lengths (`loops`);
    True when it replays (the decision is then FOLLOWER with the loop's plan for this list)."""
    if requested == "mixed":
        return False
    from llmos.learning.loops._select import follow_loop

    reason = decision.reason
    looped = follow_loop(index, agent, tokens, cfg, policy, risk_of, f_thr, requested, reason)
    if looped is not None:
        plan, conf = looped
        decision.mode, decision.confidence, decision.plan_id, decision.plan = "follower", conf, plan.id, plan
        decision.slots = slot_values(plan, tokens)
        reason["why_not_own_plan"] = blockers
        risk = reason["loop"]["risk"]
        reason["plan"] = {"id": plan.id, "confidence": conf, "evidence": _evidence(plan, cfg), "risk": risk}
        reason["slots"] = slot_values(plan, tokens)
        reason["why"] = (
            f"loop {plan.id}: the segment {' -> '.join(reason['loop']['segment'])} once per item of "
            f"{reason['loop']['items']}, learned from lists of {reason['loop']['lengths_seen']} items, "
            f"support {plan.support}, confidence {conf} >= {round(f_thr, 4)}"
        )
    return looped is not None
