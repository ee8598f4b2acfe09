"""Branching plans: two plans of one skeleton that made other calls, and what tells them apart.

A goal wording whose runs made other calls (the model branched on a result: "vent it if the pressure
is above 350") gives plans of one skeleton with other tool sequences. A replay of one of them is
safe only when the live results are shown to be on its side before the calls differ.

`discriminated`: a replay that the evidence envelope stopped (a precaution, before any write's own
result) on a result that came before the first call where the model then differed did tell this run
from the supporting runs before the branch: that fallback does not mark the plan as branching.
"""

from __future__ import annotations

from llmos.learning.plans import Plan, Seq
from llmos.trace import Trace


def discriminated(trace: Trace, plan: Plan, seq: Seq) -> bool:
    """A replay stopped as a precaution (a result outside the evidence, not a write's own result) on a
    result that came before the first call where the model's calls differ from the plan's: the
    envelope told this run from the supporting runs before the branch, so the plan is not branching
    for it (it still stops every replay whose results are outside its evidence)."""
    common = 0
    for a, b in zip(plan.seq, seq, strict=False):
        if a != b:
            break
        common += 1
    for e in trace.events:
        if e.get("kind") != "envelope" or e.get("after_write"):
            continue
        step = int(e.get("step") or 0)
        if 0 <= step < len(plan.steps) and sorted({s.group for s in plan.steps}).index(plan.steps[step].group) < common:
            return True
    return False
