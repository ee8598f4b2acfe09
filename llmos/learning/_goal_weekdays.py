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

A date is also read in the formats a goal writes as one word: `YYYY/MM/DD` or `YYYY.MM.DD`, and
`MM/DD/YYYY` or `DD/MM/YYYY` (slashes or dots). A harbour pilot's booking took "12/20/2026" as written, no
ISO date anywhere, and main replayed a Sunday for the Monday the rules ask (`families_heldout27.py`
h27_pilot). A word whose day and month can be read either way ("12/04/2026": Friday 4 December or Sunday
12 April) is judged under every reading that fits the live word and every value seen (`weekdays`): a day no
run showed under any of them stops the replay; values that share no reading with the live word (a format
of another order) stop it too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from llmos.learning._explain_more import WEEKDAYS, parse_date
from llmos.learning._goal_quantities import PRECAUTION
from llmos.learning.goals import Token
from llmos.learning.plans import Plan

_WORD_DATE = re.compile(r"(\d{1,4})([/.])(\d{1,2})\2(\d{1,4})")


def weekdays(text: str) -> dict[str, int]:
    """The day of the week (0 = Monday) of a date word under each reading that makes it a date: "iso"
    (`_explain_more.parse_date`), "ymd" (2026/12/20, 2026.12.20), "mdy" and "dmy" (12/20/2026, 20.12.2026:
    both tried); empty for anything else."""
    t = text.strip()
    d = parse_date(t)
    if d is not None:
        return {"iso": d.weekday()}
    m = _WORD_DATE.fullmatch(t)
    if m is None:
        return {}
    a, _, b, c = m.groups()
    if len(a) == 4 and len(c) <= 2:
        orders = {"ymd": (a, b, c)}
    elif len(c) == 4 and len(a) <= 2:
        orders = {"mdy": (c, a, b), "dmy": (c, b, a)}
    else:
        return {}
    out: dict[str, int] = {}
    for name, (y, mo, day) in orders.items():
        try:
            out[name] = dt.date(int(y), int(mo), int(day)).weekday()
        except ValueError:
            continue
    return out


def weekday(text: str) -> int | None:
    """The day of the week of a date word when every reading of it agrees (`weekdays`), else None."""
    days = set(weekdays(text).values())
    return days.pop() if len(days) == 1 else None


def _reading_problem(live: int, seen: list[int]) -> bool:
    days = set(seen)
    working = {d for d in days if d < 5}
    return not (live in days or (live < 5 and len(working) >= 2))


def weekday_problem(plan: Plan, tokens: list[Token], risk_of: Callable[[str], str] | None = None) -> str | None:
    """The first goal date on a day of the week the evidence never showed (the module's rule), else None."""
    if risk_of is not None and all(risk_of(s.name) == "read_only" for s in plan.steps):
        return None
    for pos, slot in sorted(plan.slots.items()):
        live = weekdays(tokens[pos].text) if pos < len(tokens) else {}
        if not live:
            continue
        seen = [weekdays(v) for v in slot.values]
        if not seen or any(not d for d in seen):
            continue  # not a slot of dates
        readings = [r for r in live if all(r in d for d in seen)]
        if not readings:
            return (
                f"{PRECAUTION}: {slot.name} = {tokens[pos].text} is a date the supporting runs' dates "
                "cannot be read like: a rule of the tools may turn on the day"
            )
        for r in readings:
            if _reading_problem(live[r], [d[r] for d in seen]):
                shown = ", ".join(WEEKDAYS[d] for d in sorted({d[r] for d in seen}))
                return (
                    f"{PRECAUTION}: {slot.name} = {tokens[pos].text} falls on a {WEEKDAYS[live[r]]}, and the "
                    f"supporting runs' dates fell on {shown}: a rule of the tools may turn on the day of the week"
                )
    return None
