"""Branching plans: two plans of one skeleton that made other calls, and what tells them apart.

A goal wording whose runs made other calls (the model branched on a result: "vent it if the pressure
is above 350") gives plans of one skeleton with other tool sequences. A replay of one of them is
safe only when the live results are shown to be on its side before the calls differ.

`discriminated`: a replay that the evidence envelope stopped (a precaution, before any write's own
result) on a result that came before the first call where the model then differed did tell this run
from the supporting runs before the branch: that fallback does not mark the plan as branching.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmos.learning import envelope
from llmos.learning._envelope_facts import sign_set
from llmos.learning.plans import Plan, Seq
from llmos.learning.replay_plan import BoundPlan, Stop
from llmos.learning.risk import RiskOf
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


def continued(trace: Trace) -> bool:
    """A replay of a branch set that stopped at the branch (the live results of the common reads fit no
    path, or several: `choose`), before any write, and that the model finished with success. The calls
    before the stop are the set's common reads, read-only, with the arguments every path's own
    independent runs agree on; the path after them is the model's own choice, over results it saw. The
    run is evidence for the path the model took, as a model run would be (the paths learn the results
    on which the model decided them; a replay that a path's plan finished is never evidence)."""
    note = trace.mode_reason.get("branch_taken")
    if not isinstance(note, dict) or "taken" in note or trace.rejected or not trace.success:
        return False
    falls = [e for e in trace.events if e.get("kind") == "fallback"]
    return (
        len(falls) == 1
        and falls[0].get("from_mode") == "follower"
        and not falls[0].get("after_write")
        and str(falls[0].get("reason") or "").startswith(f"{envelope.PRECAUTION}: branch: the live results fit")
        and not trace.metadata.get("context_dependent")
    )


# ---------------------------------------------------------------- a branch set: replay picks the path
def seq_text(seq: Seq) -> str:
    return " -> ".join("+".join(g) for g in seq) or "(no calls)"


@dataclass
class BranchSet:
    """Plans of one skeleton (the goal fits each) that make the same read-only calls first (`prefix`
    groups) and differ after them. Replay runs the prefix, then the one plan whose evidence the live
    results fit (`choose`)."""

    plans: list[Plan]
    prefix: int  # groups in common
    why: str = ""


def _prefix(plans: list[Plan]) -> int:
    n = 0
    while all(len(p.seq) > n for p in plans) and len({p.seq[n] for p in plans}) == 1:
        n += 1
    return n


def _notes_explained(plan: Plan, texts: set[str]) -> bool:
    """Every branching note of the plan names a path one of the set's plans takes."""
    for note in plan.branching:
        took = note.split(" took ", 1)[1] if " took " in note else ""
        took = took.split(" instead of ", 1)[0].split(" for the goal ", 1)[0]
        if took not in texts:
            return False
    return True


def _disjoint(a: Any, b: Any) -> bool:
    """Whether two records of one result path (`PlanStep.seen`) share no value: number ranges apart,
    or no text template in common."""
    if isinstance(a, list) and isinstance(b, list):
        return bool(a[1] < b[0] - 1e-9 or b[1] < a[0] - 1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return not set(a.get("t", {})) & set(b.get("t", {}))
    return False


def _apart(p: Plan, q: Plan, steps: set[int]) -> bool:
    """Whether some fact of the prefix's results tells p's evidence from q's: a result path whose
    values never met, or an order of numbers that held one way in every run of p and the other in q."""
    for k in steps:
        for key, rec in p.steps[k].seen.items():
            other = q.steps[k].seen.get(key)
            if other is not None and _disjoint(rec, other):
                return True

    def inside(op: Any) -> bool:
        if op[0] in ("diff", "prod", "ratio"):
            return inside(op[1]) and inside(op[2])
        return op[0] not in ("res", "tnum", "arg", "tot", "wsum") or int(op[1]) in steps

    q_signs = {(r[0], r[1]): r[2] for r in q.relations if inside(r[0]) and inside(r[1])}
    return any(
        (a, b) in q_signs and not sign_set(q_signs[(a, b)]) & sign_set(sign)
        for a, b, sign in p.relations
        if inside(a) and inside(b)
    )


def branch_set(
    full: list[Plan], blockers_of: Callable[[Plan], list[str]], risk_of: RiskOf | None
) -> tuple[BranchSet | None, str]:
    """The goal's full matches as a branch set, or (None, why not)."""
    plans = sorted(full, key=lambda p: (-p.support, p.id))
    if len(plans) < 2 or len({p.seq for p in plans}) != len(plans):
        return None, "not plans of other calls"
    texts = {seq_text(p.seq) for p in plans}
    for p in plans:
        if not p.seen_runs:
            return None, f"plan {p.id}'s evidence did not record what its results showed"
        if not _notes_explained(p, texts):
            return None, f"plan {p.id} branched to a path no plan of this goal takes"
        blocked = [b for b in blockers_of(p) if not b.startswith("branching:") and "ambiguous" not in b]
        if blocked:
            return None, f"plan {p.id}: {blocked[0]}"
    n = _prefix(plans)
    if n == 0:
        return None, "the paths differ from the first call: no read comes before the branch"
    first = plans[0]
    groups = sorted({s.group for s in first.steps})[:n]
    steps = {i for i, s in enumerate(first.steps) if s.group in groups}
    for i in steps:
        if risk_of is None or risk_of(first.steps[i].name) != "read_only":
            return None, f"the common calls before the branch include {first.steps[i].name}, not read-only"
    for k, p in enumerate(plans):
        for q in plans[k + 1 :]:
            if not _apart(p, q, steps):
                return None, f"no result before the branch told plan {p.id}'s runs from plan {q.id}'s"
    why = f"{len(plans)} plans share {n} read-only group(s) of calls, then differ: the live results pick one"
    return BranchSet(plans, n, why), why


def choose(bounds: list[BoundPlan], fit: dict[str, str], prefix_steps: list[int], noise_runs: int) -> BoundPlan:
    """After the common calls: the one bound plan whose evidence the live results fit (rule 1 on every
    result of the prefix, as before a write; `fit` holds why a plan already did not: a relation, a
    membership, a result its runs never showed). Stop when both or neither fit: the model decides."""
    for b in bounds:
        if b.plan.id in fit:
            continue
        for i in prefix_steps:
            why, _noise = envelope.seen_problem(b.plan, b.env, list(b.args), i, noise_runs, b.risk_of, always=True)
            if why:
                fit[b.plan.id] = why
                break
    left = [b for b in bounds if b.plan.id not in fit]
    if len(left) == 1:
        return left[0]
    why = (
        "the live results fit the evidence of no path"
        if not left
        else f"the live results fit the evidence of {len(left)} paths ({', '.join(b.plan.id for b in left)})"
    )
    raise Stop(f"{envelope.PRECAUTION}: branch: {why}", prefix_steps[-1] if prefix_steps else 0, precaution=True)
