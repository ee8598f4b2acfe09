"""Rule 1 for a goal date: its day of the week is one the evidence saw.

A goal date is checked for its shape and, once a plan computes with it, for its distances to the results'
dates (`_seen_derived`). Its weekday was never checked, while a tool's rule may turn on it and show it to
no value: "a Saturday or Sunday request is booked for the following Monday", "no deliveries on Sundays".
Every supporting run's date fell on a working day, the date went into the write as it was, and a goal on a
Sunday was replayed the same way (`families_heldout26.py` h26_sweep; `families_heldout22b.py` h22b_van).

So, before any call of a plan with a step that is not read-only, a goal date (a slot whose live word and
values seen are dates, `YYYY-MM-DD`, a date-time too) must fall on a day of the week some supporting run's
date fell on; or, for a working day (Monday to Friday), the runs showed two different working days at
least, which tells the plan does not turn on one working day. A Saturday and a Sunday are each a day of
their own: one the runs never showed stops the replay, and the model decides.
"""

from __future__ import annotations

from collections.abc import Callable

from llmos.learning._explain_more import WEEKDAYS, parse_date
from llmos.learning._goal_quantities import PRECAUTION
from llmos.learning.goals import Token
from llmos.learning.plans import Plan


def weekday(text: str) -> int | None:
    """The day of the week of a date word (0 = Monday; `_explain_more.parse_date`), None for anything else."""
    d = parse_date(text.strip())
    return None if d is None else d.weekday()


def weekday_problem(plan: Plan, tokens: list[Token], risk_of: Callable[[str], str] | None = None) -> str | None:
    """The first goal date on a day of the week the evidence never showed (the module's rule), else None."""
    if risk_of is not None and all(risk_of(s.name) == "read_only" for s in plan.steps):
        return None
    for pos, slot in sorted(plan.slots.items()):
        live = weekday(tokens[pos].text) if pos < len(tokens) else None
        if live is None:
            continue
        seen = [weekday(v) for v in slot.values]
        if not seen or any(d is None for d in seen):
            continue  # not a slot of dates
        days = {d for d in seen if d is not None}
        working = {d for d in days if d < 5}
        if live in days or (live < 5 and len(working) >= 2):
            continue
        shown = ", ".join(WEEKDAYS[d] for d in sorted(days))
        return (
            f"{PRECAUTION}: {slot.name} = {tokens[pos].text} falls on a {WEEKDAYS[live]}, and the "
            f"supporting runs' dates fell on {shown}: a rule of the tools may turn on the day of the week"
        )
    return None
