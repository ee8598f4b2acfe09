"""Rule 1 for the total of a leaf over the calls of one tool, one call per item of the goal's list.

A list's total inside one result is range-checked (`_seen_derived`, `~total`). A goal that lists its
items ("Book a trailer for the sheep in pens B9, J1 and A5") reads each with one call of a tool, and the
total over those calls was not: each pen's head count inside what the supporting runs saw, the flock 55
head where every run of the plan carried 67 to 75 (two trailers), and main booked two trailers for one
trailer's load (`bench/families_heldout29.py` h29_trailer, seed 41).

So every supporting run records, before each step (a step that is not a read checks it), the sum of every
numeric leaf over such a group of calls (`_explain_agg.groups`: calls of one tool with results of one shape,
as many as the goal's list has items), under `["~ctotal", first step, path]|n` in the step's `seen` (a number
record, `_seen_records`). Live, before that step: a total outside [lo, hi] stops the replay, unless an
argument computes with the group's sum exactly (a total or a mean, or arithmetic, reading that leaf of one of
its calls, `_consumed`: the total is then the call's business, as a consumed value is). A count of the calls
reads none of their values, a least or greatest value or a pick compares them (their order, not their sum),
and a rounding to a whole number is a step function the runs fitted: an argument that reads the group only
so does not make the total its business (`_computes`). The skips for a house's rooms, 2 in every run of two
rooms, were explained by a constant and by the count of the rooms, and the house (the same in each room's
result) by the house of the room with the most rubbish; the count and the pick "consumed" the rubbish of
each room, the total of 7.5 m3 (one skip) where every run had 9.5 was left unchecked, and main ordered two
skips (`bench/families_hint2.py` hn_skips, seed 41: wrong 5).
A plan kept before this record has none: nothing is checked. Nor is a loop's plan (`loops/`): a list of
another length has another total, and the loop's rules are per item.
"""

from __future__ import annotations

import json
from typing import Any

from llmos.learning import explain as ex
from llmos.learning._explain_agg import groups
from llmos.learning._explain_values import is_num
from llmos.learning._seen_records import _num_add, _num_new
from llmos.learning.plans import Plan

LOOP_PREFIX = "loop:"  # `loops._loop.LOOP_PREFIX` (imported there from here would be a cycle)

__all__ = ["problem", "record"]

_TOL = 1e-9


def _totals(env: ex.Env, step: int) -> dict[str, float]:
    """key -> the total of each numeric group of calls before `step`."""
    out: dict[str, float] = {}
    for src, rs, vals in groups(env, step):
        if src[0] != "refs" or not vals or not all(is_num(v) and not isinstance(v, bool) for v in vals):
            continue
        first = rs[0]
        out[json.dumps(["~ctotal", int(first[1]), list(first[2])]) + "|n"] = float(sum(vals))
    return out


def record(plan: Plan, env: ex.Env) -> None:
    """Widen the records of the totals before each step by one run (in place; only a step that is not a
    read checks them, and learning does not know the tools' risks)."""
    names = [s.name for s in plan.steps]
    for i in range(len(plan.steps)):
        if len(set(names[:i])) == i:  # no tool called twice before it: no group
            continue
        totals = _totals(env, i)
        if not totals:
            continue
        step = plan.steps[i]
        seen = dict(step.seen)
        for key, v in totals.items():
            rec = seen.get(key)
            seen[key] = _num_add(rec, v) if isinstance(rec, list) and len(rec) == 5 else _num_new(v)
        step.seen = seen


def _computes(cand: ex.Cand) -> bool:
    """Whether a candidate computes with the sum of the values it reads: a total or a mean, or arithmetic,
    exactly. A count reads none of the values; a least or greatest value, or a pick, compares them (its own
    order, not their sum); a rounding to a whole number (or coarser) is a step function the runs fitted
    (`_explain_bands`: one trailer up to some total, two past it), which says nothing of a total past the
    ones they showed."""
    if cand[0] == "agg":
        return cand[1] in ("sum", "mean") and _exact(cand[3])
    return cand[0] == "arith" and _exact(cand[4])


def _exact(rounding: Any) -> bool:
    return not rounding or int(rounding[1]) > 0


def _consumed(plan: Plan, step: int, first: int, path: list[Any]) -> bool:
    """Whether an argument of a step up to `step` computes with the group's leaf (any of its calls), exactly
    (`_computes`)."""
    for s in plan.steps[: step + 1]:
        for lf in s.leaves:
            for c in ex.awake(lf.cands):
                if _computes(c):
                    for r in ex.refs(c):
                        if r[0] == "res" and list(r[2]) == path and int(r[1]) >= first:
                            return True
    return False


def problem(plan: Plan, env: ex.Env, step: int) -> str | None:
    """Before the call of `step` (not a read): a total over the goal list's calls outside what the runs saw."""
    recs = plan.steps[step].seen
    if plan.id.startswith(LOOP_PREFIX) or not any(k.startswith('["~ctotal"') for k in recs):
        return None
    for key, v in _totals(env, step).items():
        rec = recs.get(key)
        if not isinstance(rec, list) or len(rec) != 5:
            continue
        lo, hi = float(rec[0]), float(rec[1])
        if lo - _TOL <= v <= hi + _TOL:
            continue
        _kind, first, path = json.loads(key[:-2])
        if _consumed(plan, step, int(first), path):
            continue
        return (
            f"the total of {ex.format_path(tuple(path))} over the calls of the goal's list is {v:g}, where every "
            f"supporting run's was in [{lo:g}, {hi:g}]: a limit may turn on the total"
        )
    return None
