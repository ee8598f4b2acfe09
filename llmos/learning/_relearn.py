"""What a relearned plan keeps of the plans it replaces (`LearningEngine.relearn`).

Relearning makes a store's plans again from the stored evidence of their supporting runs, with this
code's rules (`_rules_version`). The evidence is not all a plan learned: replays counted for it
(uses, successes, fallbacks and the penalty they cost), a person's demotion (rule 6), the notes that
stopped it (a branch, a contradiction, a check that could only run after a write: rule 3). Those stay,
from every old plan whose runs the new plan now holds, and only ever on the cautious side: the fewest
successes, the largest penalty, every note, a demotion that still needs its runs. The records of the
replays the model finished (`induction.refine`) and of another wording's runs a plan borrowed are not
evidence rows: a relearned plan holds less, never more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from llmos.learning.plans import Plan


def carry_history(
    plans: Mapping[str, Plan], old: Mapping[str, Plan], placed: Mapping[str, str], held: Mapping[str, str]
) -> list[Plan]:
    """Give each relearned plan (`plans`) the history of the old plans (`old`) whose runs it holds now
    (`placed`: trace id -> new plan id; `held`: trace id -> old plan id). Returns the plans changed."""
    sources: dict[str, dict[str, Plan]] = {}
    for trace_id, new_id in placed.items():
        before = old.get(held.get(trace_id, ""))
        if new_id in plans and before is not None:
            sources.setdefault(new_id, {})[before.id] = before
    changed = []
    for new_id, by_id in sources.items():
        plan = plans[new_id]
        _carry(plan, list(by_id.values()), same=list(by_id) == [new_id])
        changed.append(plan)
    return changed


def _carry(plan: Plan, olds: list[Plan], same: bool) -> None:
    plan.uses = max(o.uses for o in olds)
    plan.replay_successes = min(o.replay_successes for o in olds)
    plan.fallbacks = max(o.fallbacks for o in olds)
    plan.penalty = max(o.penalty for o in olds)
    for o in olds:
        _notes(plan.branching, o.branching)
        _notes(plan.contradicted, o.contradicted)
        _notes(plan.post_write_checks, o.post_write_checks)
    demoted = [o for o in olds if o.demoted]
    if demoted:
        plan.demoted = demoted[0].demoted
        # the same plan keeps its count of runs since; a plan made of several counts from now
        plan.demoted_at = demoted[0].demoted_at if same else plan.support


def _notes(into: list[str], notes: Iterable[str]) -> None:
    for note in notes:
        if note not in into:
            into.append(note)
