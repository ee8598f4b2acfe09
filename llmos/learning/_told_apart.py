"""A replay the model finished after rule 1 told the run apart is no contradiction of the plan.

A replay that stopped as a precaution (a value outside what the supporting runs saw) before any write and
before the call whose argument the model then set otherwise hands the goal to the model; what the model
did is not evidence for the plan (a replay never is), and it used to mark the plan contradicted for good
when no explanation of the plan fits that run (`induction.refine`: "nothing explains X"). A dog of 31.5 kg
after runs of 6..18 kg all given a 'half' booster: rule 1 stopped the replay on the weight, the model gave
'full', and every later dog of 6..18 kg went to the model for ever.

The run is outside the plan's evidence by a check every replay of the plan makes again, in the same place,
before the same call: the plan's hypotheses are not contradicted inside its evidence, which is the only
place it replays (the branching twin: `branches.discriminated`). So the contradiction is not marked; a
later run like this one stops at the same check and goes to the model. A stop on a write's own result, a
stop after the call whose argument differs (or in its group, for a check of a result), a failed or
rejected run, a run with no precaution: marked as before. So is a stop on a goal word never seen (a time,
a name): that check admits only words the runs had, it stops nearly every later goal, and each stop
hands the whole goal to the model (a contradicted plan guides it, MIXED, for fewer tokens).
"""

from __future__ import annotations

from llmos.learning.plans import Plan
from llmos.trace import Trace

PREFIX = "nothing explains "


def _step_of(plan: Plan, note: str) -> int | None:
    """The first step of the plan whose argument the note (`induction.refine`'s) names, else None."""
    if not note.startswith(PREFIX):
        return None
    what = note[len(PREFIX) :]
    for i, step in enumerate(plan.steps):
        if what.startswith(step.name + "."):
            return i
    return None


def varying(plan: Plan, j: int) -> int:
    """How many quantities the results before step `j`'s group showed varying across the supporting runs
    (a number over a range, a text of several templates or with numbers in it), derived ones (`~`) and
    values every run masked (goal values, copies into arguments) left out. The plan's constant can depend
    on nothing else its runs showed changing."""
    n = 0
    for step in plan.steps:
        if step.group >= plan.steps[j].group:
            continue
        for key, rec in step.seen.items():
            if key.startswith('["~'):
                continue
            if isinstance(rec, list) and len(rec) >= 2:
                n += int(bool(rec[0] < rec[1]))
            elif isinstance(rec, dict):
                t = rec.get("t") or {}
                n += int(len(t) > 1 or any(v for v in t.values()))
    return n


def told_apart(trace: Trace, plan: Plan, note: str) -> str:
    """Why the run that left an argument of `plan` unexplained (`note`) contradicts nothing inside the
    plan's evidence ('' when it may: mark the plan). The run must have succeeded, unrejected, after a
    precaution that stopped the replay of this plan before any write and before the call at that
    argument's step (a check of a result: in an earlier group; of an argument: at or before the call),
    while the results before that call showed at most one quantity varying (`varying`)."""
    j = _step_of(plan, note)
    if j is None or not trace.success or trace.rejected or trace.plan_id != plan.id:
        return ""
    falls = [e for e in trace.events if e.get("kind") == "fallback"]
    if len(falls) != 1 or falls[0].get("after_write") or falls[0].get("writes"):
        return ""
    groups = [s.group for s in plan.steps]
    for e in trace.events:
        if e.get("kind") != "envelope" or e.get("after_write") or e.get("plan_id") not in (None, plan.id):
            continue
        try:
            s = int(e.get("step") or 0)
        except (TypeError, ValueError):
            continue
        if not 0 <= s < len(plan.steps):
            continue
        reason = str(e.get("reason") or "")
        if e.get("check") == "result":
            before, most = groups[s] < groups[j], 1  # the one quantity that varied is the one outside
        else:  # a check before the call of an argument the plan works out (not a goal word's: below)
            before = s <= j and groups[s] <= groups[j] and any(f"{st.name}." in reason for st in plan.steps)
            most = 1
        if before and varying(plan, j) <= most:
            return f"rule 1 told this run apart before {plan.steps[j].name} ({reason[:160]})"
    return ""
