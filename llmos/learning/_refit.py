"""A plan learned from a coincidence, learned again when a later run shows it (rule 2's hypotheses).

The wider explanations of a number (three-operand forms such as `ceil((capacity - left) / 250)`,
unit conversions, lines; `_explain_more`) are searched only where the usual ones find no exact
explanation. In a plan's first run a usual one may fit by chance: 10 bottles where
`capacity / 250` is 10 as well as `ceil((2500 - 108) / 250)`. The next run of the task (3 bottles,
`capacity / 250` is 8) then leaves the argument without any explanation, and that run started a
plan of its own: two plans of one task, neither with the support to replay, each waiting for runs
of its own.

`refit` is the rule for that case: when a run leaves an argument of a young plan (at most
`REFIT_MAX_SUPPORT` runs) without an explanation, the plan is learned again from its own runs with
every number's wider explanations searched, then this run is merged as usual. It succeeds only when
every one of those runs and this one fit together; the plan then keeps every hypothesis consistent
with all of them, and replay still uses a value only when all give the same one (rule 2). Nothing is
loosened: the refit plan holds more hypotheses than the usual search would, never fewer runs.
"""

from __future__ import annotations

from llmos.learning import induction
from llmos.learning.induction import Evidence
from llmos.learning.plans import Plan

REFIT_MAX_SUPPORT = 3  # a coincidence shows early; older plans are not relearned (observe stays flat)
NOTHING_EXPLAINS = "nothing explains"  # the start of `induction.merge`'s reason this rule answers
WIDER_SEARCHED = "_wider_searched"  # marks a plan learned again here (a goal word's table may then explain)


def wants_refit(plan: Plan, why: str) -> bool:
    """Whether a failed merge is the case `refit` answers."""
    return why.startswith(NOTHING_EXPLAINS) and 0 < plan.support <= REFIT_MAX_SUPPORT


def refit(plan: Plan, evidence: list[Evidence], ev: Evidence) -> Plan | None:
    """The plan learned again from `evidence` (its own runs, in order) with the wider explanations
    searched, and `ev` merged; None when the runs are not all there or do not fit together."""
    if not evidence or {e.trace_id for e in evidence} != set(plan.trace_ids) or len(evidence) != plan.support:
        return None  # runs of this plan not stored yet (a bulk batch) or dropped: no guess
    rebuilt = induction.new_plan(evidence[0], force_wider=True)
    rebuilt.__dict__[WIDER_SEARCHED] = True
    for e in [*evidence[1:], ev]:
        merged, _why = induction.merge(rebuilt, e)
        if merged is None:
            return None
        rebuilt = merged
    # what replay learned about the plan stays with it (as in a rebuild after a rejection)
    rebuilt.uses, rebuilt.replay_successes = plan.uses, plan.replay_successes
    rebuilt.fallbacks, rebuilt.penalty = plan.fallbacks, plan.penalty
    rebuilt.demoted, rebuilt.demoted_at = plan.demoted, plan.demoted_at
    rebuilt.post_write_checks = list(plan.post_write_checks)
    rebuilt.branching = list(plan.branching)
    rebuilt.contradicted = list(plan.contradicted)
    return rebuilt
