"""The branching check's test of a plan's skeleton constants against other plans' goals (`engine._check_branching`)."""

from __future__ import annotations

import operator
from collections.abc import Callable

from llmos.learning.plans import Plan


def constants_test(plan: Plan) -> Callable[[list[tuple[str, ...]]], tuple[str, ...] | None]:
    """The first goal (token texts) of a list that holds every constant of the plan's skeleton at its
    position (`all(i in plan.slots or t.text == texts[i] for i, t in enumerate(plan.skeleton))`), or
    None. Whether there is one is asked in C first (the constants picked out of every goal at once)."""
    fixed = [(i, t.text) for i, t in enumerate(plan.skeleton) if i not in plan.slots]

    def first(goals: list[tuple[str, ...]]) -> tuple[str, ...] | None:
        return next((texts for texts in goals if all(texts[i] == text for i, text in fixed)), None)

    if len(fixed) < 2:
        return first
    pick, want = operator.itemgetter(*(i for i, _t in fixed)), tuple(text for _i, text in fixed)

    def fast(goals: list[tuple[str, ...]]) -> tuple[str, ...] | None:
        try:
            if want not in map(pick, goals):
                return None
        except IndexError:  # a goal shorter than the skeleton: as the plain test does it
            pass
        return first(goals)

    return fast
