"""MIXED's related-plan search (`selection._related`): plans of the same skeleton, near-misses and
paraphrases of the goal, best first. A near-miss or a paraphrase that differs from the goal in a task
word (a word none of its calls used as a value) is another task, never related (`relatedness.py`)."""

from __future__ import annotations

from typing import Any

from llmos.learning.goals import Token, content_words
from llmos.learning.index import PlanIndex
from llmos.learning.plans import Match, Plan, match
from llmos.learning.relatedness import (
    missing_task_words,
    not_related_why,
    paraphrase_not_related_why,
    task_words_differ,
)


def _near_miss_score(k: int) -> float:
    return round(0.97 - 0.04 * k, 4)


RELATED_SHOWN = 3  # related plans the decision reports (the best one guides MIXED)
MAX_NOT_RELATED = 32  # near-misses found to be another task before the scan stops (selection time bound)


def related(
    index: PlanIndex,
    agent: str,
    tokens: list[Token],
    near: list[tuple[Plan, int]],
    full: list[Match],
    shapes: list[str],
    not_related: list[dict[str, Any]] | None = None,
) -> list[tuple[float, str, Plan]]:
    """Related plans, best first. Only the best `RELATED_SHOWN` are ever used, so near-misses are
    compared with the goal in order of their differing constants (counted by the index) until no
    further one can score above the ones found: the same top entries as comparing them all.
    A near-miss that differs from the goal in a task word (not a value) is another task, not related
    (`relatedness.py`); it goes to `not_related` with the reason."""
    out: dict[str, tuple[float, str, Plan]] = {}
    rejected = not_related if not_related is not None else []
    for m in full:
        out[m.plan.id] = (0.95 if not m.plan.unsafe_reasons() else 0.9, "same skeleton", m.plan)
    full_ids = {m.plan.id for m in full}
    words = content_words(tokens)
    paraphrases = [(score, plan) for score, plan in index.paraphrases(agent, words)[:20] if score > 0]
    para_ids = {plan.id for _s, plan in paraphrases}

    def near_miss(plan: Plan) -> None:
        m = match(plan, tokens, None, shapes)
        if m is not None and not m.full:
            k = len(m.diff) + len(m.bad_shapes)
            differ = task_words_differ(m, tokens)
            if differ:
                why = not_related_why(plan, differ)
                rejected.append({"plan": plan.id, "score": _near_miss_score(k), "why": why})
                return
            out[plan.id] = (_near_miss_score(k), f"near-miss ({k} positions differ)", plan)

    pending = sorted(((d, p) for p, d in near if p.id not in full_ids), key=lambda x: x[0])
    for i, (d, plan) in enumerate(pending):
        best = sorted((v[0] for v in out.values()), reverse=True)
        done = len(best) >= RELATED_SHOWN and _near_miss_score(d) < best[RELATED_SHOWN - 1]
        if done or len(rejected) >= MAX_NOT_RELATED:  # the latter bounds the time: the model then decides
            for _d, rest in pending[i:]:  # a paraphrase among them keeps its near-miss score
                if rest.id in para_ids:
                    near_miss(rest)
            break
        near_miss(plan)
    rejected_ids = {r["plan"] for r in rejected}
    for score, plan in paraphrases:
        if plan.id not in out and plan.id not in rejected_ids:
            missing = missing_task_words(plan, tokens)
            if missing:
                rejected.append(
                    {"plan": plan.id, "score": round(score * 0.95, 4), "why": paraphrase_not_related_why(plan, missing)}
                )
                continue
            out[plan.id] = (round(score * 0.95, 4), "paraphrase", plan)
    return sorted(out.values(), key=lambda x: (-x[0], -x[2].support, x[2].id))
