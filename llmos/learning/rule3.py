"""Rule 3, side effects last, worked out from the plan itself (before FOLLOWER is chosen).

A replay checks everything it can before each write. The one check it cannot place before a write
is a check of that write's own result. Such a check is needed when:

- the step is a non-idempotent write (`write` or `destructive`; a tool without annotations is one),
- no later step writes (else the check runs before that later write: rule 1, in its place),
- the plan relies on the write's result: a later step or the answer reads a value of it, and
- the rest of that result (what is not passed on, and not an echo of the call's own arguments)
  read differently across the supporting runs: a text of another template ("enrolled" against
  "waitlisted"), not one that differed in every run once `noise_min_runs` runs show it (an id).

Then what the plan passes on means different things in different runs, and only a check after the
write could tell which: that is no guard, so the plan is not replayed blind (MIXED or LEARNER), and
`--explain` says "rule 3" and names the step. A write whose acknowledgement feeds nothing stays
replayable, and so does one whose result is passed on whole (a value, whatever it says).
The replays' own findings (`Plan.post_write_checks`, kept by the engine) still apply besides.
"""

from __future__ import annotations

import json

from llmos.learning import explain as ex
from llmos.learning._seen import consumed_paths, excluded
from llmos.learning.plans import Plan
from llmos.learning.risk import RiskOf, writes_after

WRITES = ("write", "destructive")


def _varied(plan: Plan, i: int, passed_on: set[ex.Path], noise_runs: int) -> list[str]:
    """The paths of step i's result, not passed on, whose text read in two or more templates across the
    supporting runs (a text new in every one of at least `noise_runs` runs is noise, not a category)."""
    step = plan.steps[i]
    echo = set(step.echo_paths)
    out = []
    for key, rec in step.seen.items():
        path_json, _, kind = key.rpartition("|")
        if kind != "t" or not isinstance(rec, dict) or len(rec.get("t", {})) < 2:
            continue
        path = tuple(json.loads(path_json))
        if excluded(path, passed_on, echo):
            continue
        if rec.get("d") and int(rec.get("n", 0)) >= noise_runs:
            continue
        shown = ", ".join(repr(t.replace("\x00", "…")[:40]) for t in list(rec["t"])[:3])
        out.append(f"{'the result' if not path else ex.format_path(path)} ({shown})")
    return out


def blind_write_checks(plan: Plan, risk_of: RiskOf | None, noise_runs: int = 4) -> list[str]:
    """Why the plan may not be replayed blind under rule 3 ([] when it may)."""
    if not plan.seen_runs or plan.support < 2:
        return []
    names, groups = [s.name for s in plan.steps], [s.group for s in plan.steps]
    later = consumed_paths(plan)
    in_answer: dict[int, set[ex.Path]] = {}
    for r in ex.nested_refs(plan.answer):
        if r[0] == "res":
            in_answer.setdefault(r[1], set()).add(r[2])
    out = []
    for i, step in enumerate(plan.steps):
        risk = risk_of(step.name) if risk_of is not None else "write"
        if risk not in WRITES or writes_after(i, names, groups, risk_of):
            continue
        passed_on = later.get(i, set()) | in_answer.get(i, set())
        if not passed_on:
            continue  # an acknowledgement that feeds nothing
        varied = _varied(plan, i, passed_on, noise_runs)
        if varied:
            feeds = "the answer" if i not in later else "a later step"
            out.append(
                f"rule 3 (side effects last): step {i} ({step.name}) is a non-idempotent write whose result "
                f"feeds {feeds}, while {'; '.join(varied[:2])} read differently across the supporting runs: "
                "only a check after the write could tell which case this is, so the plan is not replayed blind"
            )
    return out
