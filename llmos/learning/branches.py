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


def _took(note: str) -> str:
    took = note.split(" took ", 1)[1] if " took " in note else ""
    return took.split(" instead of ", 1)[0].split(" for the goal ", 1)[0]


def _disjoint(a: Any, b: Any, strict: bool = False) -> bool:
    """Whether two records of one result path (`PlanStep.seen`) share no value: number ranges apart,
    or no text template in common. `strict`: and a's record admits no noise (a number that grew in
    every run, a text that differed in every run), so a value rule 1 passes for a is outside b."""
    if isinstance(a, list) and isinstance(b, list):
        if strict and a[3]:
            return False
        return bool(a[1] < b[0] - 1e-9 or b[1] < a[0] - 1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        if strict and a.get("d"):
            return False
        return not set(a.get("t", {})) & set(b.get("t", {}))
    return False


def _apart(p: Plan, q: Plan, steps: set[int], strict: bool = False) -> bool:
    """Whether some fact of the prefix's results tells p's evidence from q's: a result path whose
    values never met, or an order of numbers that held one way in every run of p and the other in q."""
    for k in steps:
        for key, rec in p.steps[k].seen.items():
            other = q.steps[k].seen.get(key)
            if other is not None and _disjoint(rec, other, strict):
                return True

    def inside(op: Any) -> bool:
        if op[0] in ("diff", "prod", "ratio", "sum"):
            return inside(op[1]) and inside(op[2])
        return op[0] not in ("res", "tnum", "arg", "tot", "wsum") or int(op[1]) in steps

    q_signs = {(r[0], r[1]): r[2] for r in q.relations if inside(r[0]) and inside(r[1])}
    return any(
        (a, b) in q_signs and not sign_set(q_signs[(a, b)]) & sign_set(sign)
        for a, b, sign in p.relations
        if inside(a) and inside(b)
    )


def _paths(plans: list[Plan], texts: set[str], paths_of: Callable[[str], list[Plan]] | None) -> tuple[list[Plan], str]:
    """The plans of the paths the set's notes name that no plan of the set takes (a plan whose goal
    constants differ from this goal's: a word no argument of its path uses), or ([], why) when a path
    has no plan."""
    out: list[Plan] = []
    for note in sorted({note for p in plans for note in p.branching}):
        took = _took(note)
        if took in texts:
            continue
        found = [q for q in (paths_of(took) if paths_of else []) if q not in plans and seq_text(q.seq) == took]
        if not found:
            return [], f"a plan branched to {took}, a path no plan of this goal takes"
        out += [q for q in found if q not in out]
    return out, ""


def _ruled_out(plans: list[Plan], others: list[Plan], steps: set[int]) -> str:
    """Why a path no plan of the set takes may fit the live reads ("" when none may): each must have
    recorded its results and be *strictly* apart from every plan of the set on the common reads (a
    result path whose values never met, the set's side admitting no noise), so the one path `choose`
    finds the live results fit is not that path."""
    for q in others:
        if not q.seen_runs:
            return f"plan {q.id}'s evidence did not record what its results showed"
        near = next((p for p in plans if not _apart(p, q, steps, strict=True)), None)
        if near is not None:
            return f"no result before the branch strictly told plan {near.id}'s runs from plan {q.id}'s"
    return ""


def _common_reads(first: Plan, n: int, risk_of: RiskOf | None) -> tuple[set[int], str]:
    """The steps of the first `n` groups, and why not when one of them is not read-only."""
    groups = sorted({s.group for s in first.steps})[:n]
    steps = {i for i, s in enumerate(first.steps) if s.group in groups}
    for i in sorted(steps):
        if risk_of is None or risk_of(first.steps[i].name) != "read_only":
            return steps, f"the common calls before the branch include {first.steps[i].name}, not read-only"
    return steps, ""


def branch_set(
    full: list[Plan],
    blockers_of: Callable[[Plan], list[str]],
    risk_of: RiskOf | None,
    paths_of: Callable[[str], list[Plan]] | None = None,
) -> tuple[BranchSet | None, str]:
    """The goal's full matches as a branch set, or (None, why not). `paths_of`: the plans of the goal's
    agent and length (`branch_set` keeps those of a path a note names that no full match takes: the
    live reads must rule them out, `_ruled_out`; then one full match is a set of one path)."""
    plans = sorted(full, key=lambda p: (-p.support, p.id))
    if not plans or len({p.seq for p in plans}) != len(plans):
        return None, "not plans of other calls"
    texts = {seq_text(p.seq) for p in plans}
    for p in plans:
        if not p.seen_runs:
            return None, f"plan {p.id}'s evidence did not record what its results showed"
        blocked = [b for b in blockers_of(p) if not b.startswith("branching:") and "ambiguous" not in b]
        if blocked:
            return None, f"plan {p.id}: {blocked[0]}"
    others, why_not = _paths(plans, texts, paths_of)
    if why_not:
        return None, why_not
    if len(plans) + len(others) < 2:
        return None, "not plans of other calls"
    n = _prefix(plans + others)
    if n == 0:
        return None, "the paths differ from the first call: no read comes before the branch"
    steps, why_not = _common_reads(plans[0], n, risk_of)
    why_not = why_not or _ruled_out(plans, others, steps)
    if why_not:
        return None, why_not
    for k, p in enumerate(plans):
        for q in plans[k + 1 :]:
            if not _apart(p, q, steps):
                return None, f"no result before the branch told plan {p.id}'s runs from plan {q.id}'s"
    why = f"{len(plans)} plan(s) share {n} read-only group(s) of calls, then differ: the live results pick one"
    if others:
        why += f" (and rule out {', '.join(q.id for q in others)})"
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
