"""Feedback closes the loop (issue 9, rule 6): a person says a replayed run was wrong.

`llmos feedback RUN bad`, POST /v1/feedback `bad`, `llmos traces reject RUN` and `llmos evolve
demote PLAN` all end here. The run is rejected (it never supports a plan), and when it replayed
a plan (FOLLOWER or CRYSTALLIZED, including one that fell back to the model) or was guided by one
(MIXED: the plan's example misled the model) that plan is demoted at once: its crystallized tool
is unregistered and FOLLOWER stays off until `min_support` new supporting runs (the model solves
the goal meanwhile).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from llmos.exceptions import EvolutionError, UserError

if TYPE_CHECKING:
    from llmos.runtime import LLMOS
    from llmos.trace import Trace


def demote_plan(rt: LLMOS, plan_id: str, reason: str, *, who: str = "user") -> list[str]:
    """Demote a plan and its crystallized tool. Returns what was done (for the caller to print).
    UserError when there is neither such a plan nor a crystallized tool for it."""
    from llmos.learning.loops import contributors

    if contributors(plan_id):  # a loop (`learning/loops`): the plans it was learned from
        return [line for pid in contributors(plan_id) for line in demote_plan(rt, pid, reason, who=who)]
    done: list[str] = []
    try:
        rt.learning.demote(plan_id, reason)
        done.append(f"plan {plan_id} demoted: FOLLOWER waits for {rt.config.learning.min_support} new supporting runs")
    except UserError:
        if rt.evolution.record(plan_id) is None:
            raise
    row = rt.evolution.record(plan_id)
    if row is not None and row.status == "active":
        try:
            change = rt.evolution.demote(plan_id, reason, who=who)
            done.append(f"crystallized tool {row.name} demoted (change #{change.id})")
        except EvolutionError as e:  # demoted meanwhile by another process
            done.append(str(e))
    return done


def reject_run(rt: LLMOS, run_id: str, why: str) -> Trace:
    """Reject a run; a replayed run also demotes the plan it replayed and that plan's tool."""
    from llmos.learning.engine import is_guided_run, is_replay_run

    trace = rt.traces.require(run_id)
    if not trace.rejected:  # rejecting twice (feedback bad, then `traces reject`) records it once
        trace = rt.traces.set_rejected(trace.id, True)
    rt.learning.reject(run_id, trace)  # never support again; a replayed plan is demoted there
    if rt.memory is not None:  # facts the rejected run wrote are marked, not trusted
        rt.memory.mark_run_rejected(run_id)
    if (is_replay_run(trace) or is_guided_run(trace)) and trace.plan_id:
        from llmos.learning.loops import contributors

        for plan_id in [trace.plan_id, *contributors(trace.plan_id)]:  # a loop: the plans it was learned from
            row = rt.evolution.record(plan_id)
            if row is not None and row.status == "active":
                with contextlib.suppress(EvolutionError):  # demoted meanwhile
                    rt.evolution.demote(plan_id, f"run {trace.id}: {why}", who="user")
        trace.event("demoted", plan_id=trace.plan_id, reason=why)
        rt.traces.save(trace)
    return trace
