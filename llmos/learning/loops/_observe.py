"""What a loop's replay teaches: its outcome counts for every plan the loop was learned from."""

from __future__ import annotations

from llmos.learning.plans import Plan
from llmos.trace import Trace


def count_replay(plans: list[Plan], trace: Trace, penalty: float) -> tuple[str, str]:
    """Count the replay on each plan (uses, successes, fallbacks, penalty, as for any replay); returns
    (what happened, the rule 3 note to mark them with or ''). Rule 3 strictly: a check of a write's own
    result that stopped the replay after the write marks them all (which later write it guarded is
    known only in the list written out for that goal)."""
    fell_back = any(e.get("kind") == "fallback" for e in trace.events)
    precaution = any(e.get("kind") == "envelope" for e in trace.events)
    post_write = next(
        (
            e
            for e in trace.events
            if e.get("kind") == "envelope" and e.get("after_write") and e.get("check") == "result"
        ),
        None,
    )
    why = "loop replay succeeded"
    for plan in plans:
        plan.uses += 1
        if fell_back and precaution and trace.success and not trace.rejected:
            why = "loop replay stopped outside the evidence; the model finished"
        elif fell_back or not trace.success or trace.rejected:
            plan.fallbacks += 1 if fell_back else 0
            plan.penalty = min(1.0, plan.penalty + penalty)
            why = "loop replay fell back to the model" if fell_back else f"loop replay ended {trace.status}"
        else:
            plan.replay_successes += 1
            plan.penalty /= 2
    rule3 = ""
    if post_write is not None:
        rule3 = (
            f"run {trace.id} (a loop replay): a check of a write's own result stopped it after the write "
            f"({str(post_write.get('reason') or '')[:200]}); not replayed blind"
        )
    return why, rule3
