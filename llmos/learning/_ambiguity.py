"""A goal whose skeleton several plans match ("the goal matches 2 plans"): when one plan may replay.

1. One plan in several: every matching plan calls the same tools in the same groups and, for this
   live goal, binds the same value to every argument the goal decides (arguments read from results
   are compared call by call while the replay runs, `replay_plan.BoundPlans`). The plans then replay
   together: the first (most support) makes the calls, and every plan's evidence checks apply to the
   run (all must pass); a call on which they part stops the replay before it is made.
2. A more specific plan: where one plan has constants the other has slots, and no goal of the less
   specific plan's evidence is one the specific plan covers (nor did its slots take all the goal's
   words there): the specific plan alone is considered, with its own checks.
3. Otherwise (the calls differ, and neither is more specific on its own evidence) the model decides.
"""

from __future__ import annotations

from typing import Any

from llmos.config import LearningConfig
from llmos.learning import explain as ex
from llmos.learning._explain_search import fitted_constant
from llmos.learning.goals import Token
from llmos.learning.plans import Match, Plan
from llmos.learning.risk import RiskOf
from llmos.learning.rule3 import blind_write_checks


def one_of_many(
    full: list[Match], tokens: list[Token], aligned: dict[str, list[Token]], reason: dict[str, Any]
) -> tuple[list[Match], list[Plan]]:
    """(the matches left, the plans replayed with the first): unchanged unless several plans match."""
    if len(full) < 2:
        return full, []
    ranked = sorted(full, key=lambda m: (-m.plan.support, m.plan.id))
    tokens_of = {m.plan.id: aligned.get(m.plan.id, tokens) for m in ranked}
    ids = [m.plan.id for m in ranked]
    why = "the goal's words fall differently on the plans' skeletons"
    if all(t == tokens_of[ids[0]] for t in tokens_of.values()):
        why = same_calls([m.plan for m in ranked], tokens_of[ids[0]]) or ""
        if not why:
            reason["ambiguity"] = {"plans": ids, "resolved": "one plan: the same calls for this goal"}
            return ranked[:1], [m.plan for m in ranked[1:]]
    specific = more_specific(ranked, tokens_of)
    if specific is not None:
        reason["ambiguity"] = {
            "plans": ids,
            "resolved": f"{specific.plan.id} is more specific, and the others never saw this goal's words",
            "calls_differ": why,
        }
        return [specific], []
    reason["ambiguity"] = {"plans": ids, "unresolved": why}
    return full, []


def blockers(companions: list[Plan], cfg: LearningConfig, risk_of: RiskOf | None) -> list[str]:
    """Why the plans replayed with the first may not be: their evidence checks join the run, so none
    may be unsafe, demoted or blind before a write."""
    out: list[str] = []
    for plan in companions:
        why = list(plan.unsafe_reasons()) + blind_write_checks(plan, risk_of, cfg.noise_min_runs)
        demoted = plan.demotion(cfg.min_support)
        out += [f"{plan.id} (matches too): {b}" for b in [*why, *([demoted] if demoted else [])]]
    return out


def said(companions: list[Plan]) -> str:
    if not companions:
        return ""
    return f", with {', '.join(p.id for p in companions)} (the same calls for this goal: all their checks apply)"


def _calls_shape(plan: Plan) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(s.name, s.group, tuple(sorted(ex.format_path(lf.path) for lf in s.leaves))) for s in plan.steps]


def _goal_bound(plan: Plan, tokens: list[Token]) -> list[list[Any]] | None:
    """Each step's arguments, with the leaves the goal alone decides bound for these tokens (leaves read
    from results left as None: compared while replaying); None when a leaf cannot be bound."""
    env = ex.Env(tokens, [None] * len(plan.steps), [ex.NOT_JSON] * len(plan.steps))
    out: list[list[Any]] = []
    for step in plan.steps:
        row: list[Any] = [step.arguments]
        for leaf in sorted(step.leaves, key=lambda lf: ex.format_path(lf.path)):
            cands = ex.awake(leaf.cands) or leaf.cands
            if any(ex.uses_results(c) for c in cands):
                row.append((ex.format_path(leaf.path), None, sorted(map(repr, cands))))
                continue
            try:
                row.append((ex.format_path(leaf.path), ex.evaluate_all(leaf.cands, env)))
            except (ex.Disagree, ex.Unavailable, ArithmeticError, ValueError, TypeError):
                return None
        out.append(row)
    return out


def same_calls(plans: list[Plan], tokens: list[Token]) -> str | None:
    """None when every plan would make the same calls for this goal, else why not."""
    shape = _calls_shape(plans[0])
    for p in plans[1:]:
        if _calls_shape(p) != shape:
            return f"plans {plans[0].id} and {p.id} call other tools (or the same tools otherwise)"
    first = _goal_bound(plans[0], tokens)
    if first is None:
        return f"plan {plans[0].id} cannot bind its arguments for this goal"
    for p in plans[1:]:
        got = _goal_bound(p, tokens)
        if got is None:
            return f"plan {p.id} cannot bind its arguments for this goal"
        if not _same_rows(first, got):
            return f"plans {plans[0].id} and {p.id} bind other arguments for this goal"
    return None


def _same_rows(a: list[list[Any]], b: list[list[Any]]) -> bool:
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b, strict=True):
        if len(ra) != len(rb):
            return False
        # the steps' argument templates differ only by values the leaves replace: compare the leaves
        for la, lb in zip(ra[1:], rb[1:], strict=True):
            if la[0] != lb[0] or len(la) != len(lb):
                return False
            if len(la) == 2 and not ex.same(la[1], lb[1]):
                return False
            if len(la) == 3 and la[2] != lb[2]:  # read from results: the same explanations, or not one plan
                return False
    return True


def more_specific(matches: list[Match], tokens_of: dict[str, list[Token]]) -> Match | None:
    """The one match whose skeleton is more specific than every other's where they part, on the
    others' own evidence (no other plan's slot ever took the goal's word where it has a constant)."""
    found = [m for m in matches if all(m is o or _covers(m.plan, o.plan, tokens_of) for o in matches)]
    return found[0] if len(found) == 1 else None


def _covers(specific: Plan, general: Plan, tokens_of: dict[str, list[Token]]) -> bool:
    toks = tokens_of[specific.id]
    if tokens_of[general.id] != toks or len(specific.skeleton) != len(general.skeleton):
        return False
    extra = set(general.slots) - set(specific.slots)
    if not extra or not set(specific.slots) <= set(general.slots):
        return False
    if any(pos >= len(toks) for pos in extra):
        return False
    # a goal the specific plan covers, among the general plan's supporting goals
    if any(_fits(specific, t) for t in general.evidence_tokens):
        return False
    # runs the model finished with the general plan's calls name their words in its slots only
    return not all(toks[pos].text in general.slots[pos].values for pos in extra)


def _fits(plan: Plan, texts: tuple[str, ...]) -> bool:
    return len(texts) == len(plan.skeleton) and all(
        i in plan.slots or t.text == texts[i] for i, t in enumerate(plan.skeleton)
    )


def learned_constant(plan: Plan) -> str | None:
    """The first argument whose every explanation in use adds a constant learned from the runs
    ({weight} + 6, {n} * 1.9: fit by the runs, not taken from a catalogue of scales), described."""
    for step in plan.steps:
        for leaf in step.leaves:
            cands = ex.awake(leaf.cands) or leaf.cands
            if cands and all(fitted_constant(c) for c in cands):
                return f"{step.name}.{ex.format_path(leaf.path)} = {ex.describe(cands[0])}"
    return None
