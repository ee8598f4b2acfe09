"""Whether one run tells a plan's explanations apart from the formulas the other runs ruled out.

    rivals(held, ev, slots)       formulas this run's arguments also fit that the plan does not hold
    coincident(plan, ev, values)  whether the run sits where such a rival agrees (it then proves no value
                                  of a goal word no argument uses: `_envelope_checks._unused_problem`)

A run whose deposit divides evenly between the guests gives the same share rounded up and rounded down:
"..., rounding down" agreed with a plan of "..., rounding up" on that run, and on a second such run, and
the goal word "down" joined the plan as a slot seen in two runs (rule 1's "a goal word no argument uses").
Neither run said what "down" means: both sat where the plan's formula and another one over the same
values agree. A run proves a value of a word no argument uses only when every formula its arguments fit
(but constants fitted to that one value and formulas over constant words) is one the plan still holds.
`wordings._singles_out` asks the same of a sibling wording's one run (issue 9, helper redZ: found by
`bench/families_heldout10.py`, h10_split and h10_courier: "cheapest" / "fastest" of one list of quotes).
"""

from __future__ import annotations

import operator
from itertools import chain
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning import explain as ex
from llmos.learning._envelope_checks import unused_slots
from llmos.learning._evidence import Evidence
from llmos.learning.plans import Plan

# per call: each argument leaf's path, its value in the run, and the explanations kept for it
Held = list[list[tuple[ex.Path, Any, list[ex.Cand]]]]


def fitted(c: ex.Cand) -> bool:
    """A formula with a constant fitted to this one value (order + 4622): any one run fits one, so it is
    no rival reading."""
    return c[0] == "arith" and any(isinstance(x, tuple) and x[:1] == ("k",) for x in c[2:4])


def varying(c: ex.Cand, slots: set[int]) -> frozenset[ex.Cand]:
    """The sources an explanation reads that vary between goals: results, and slots."""
    return frozenset(r for r in ex.refs(c) if r[0] in ("res", "txt") or (r[0] == "tok" and r[1] in slots))


def rivals(held: Held, ev: Evidence, slots: set[int]) -> list[ex.Cand]:
    """Formulas over varying sources that the run's argument values fit and `held` does not hold."""
    env = ev.env()
    out: list[ex.Cand] = []
    for call, leaves in zip(ev.calls, held, strict=True):
        before = next(j for j, c in enumerate(ev.calls) if c.group == call.group)
        for _path, value, kept in leaves:
            keep = set(kept)
            for c in ex.generate(value, env, before, wider=False):
                if c not in keep and not fitted(c) and varying(c, slots):
                    out.append(c)
    return out


def coincident(plan: Plan, ev: Evidence, values: list[dict[ex.Path, Any]]) -> bool:
    """Whether this run (merged into `plan`, whose explanations it narrowed; `values`: its argument
    leaves per call) also fits a formula the plan does not hold, while the plan has a goal word no
    argument uses: then the run proves no value of that word."""
    if not _unused(plan) or len(plan.steps) != len(ev.calls):
        return False
    held = [
        [(lf.path, vals[lf.path], list(lf.cands)) for lf in step.leaves]
        for step, vals in zip(plan.steps, values, strict=True)
    ]
    return bool(rivals(held, ev, set(plan.slots)))


def has_unused(plan: Plan) -> bool:
    """Whether the plan has a goal word no argument uses (`coincident` asks nothing else then)."""
    return bool(_unused(plan))


def _unused(plan: Plan) -> list[int]:
    """`unused_slots(plan)`, asked after every run a plan takes: with the shortcuts on, kept on the plan
    with the slot positions and every leaf's candidates it came from, and given again while they are the
    same objects (candidates are immutable tuples; a run that narrows none keeps every one:
    `induction._apply`)."""
    if not _shortcuts.ON:
        return unused_slots(plan)
    cands = [lf.cands for step in plan.steps for lf in step.leaves]
    slots = tuple(plan.slots)
    cached: tuple[tuple[int, ...], list[list[ex.Cand]], list[int]] | None = plan.__dict__.get("_unused")
    if (
        cached is not None
        and cached[0] == slots
        and list(map(len, cached[1])) == list(map(len, cands))  # each leaf's as many, then the very same ones
        and all(map(operator.is_, chain.from_iterable(cached[1]), chain.from_iterable(cands)))
    ):
        return list(cached[2])
    out = unused_slots(plan)
    plan.__dict__["_unused"] = (slots, [list(c) for c in cands], out)
    return list(out)
