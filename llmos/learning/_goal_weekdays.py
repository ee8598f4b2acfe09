"""Rule 1 for a goal date: its day of the week, not only its place among the dates seen.

A goal date inside the range of the dates the supporting runs took passes the goal check, but a day of
the week no run's date fell on may change what the call should be: the honey extractor room is closed
on Sundays and a Sunday booking goes on the Monday after (the tool's description says so), every
supporting run's date was a weekday, and main booked the room for Sunday 2026-12-13 (`families_heldout25.py`
h25_extract, seed 7; redAI's h22b_van had left the class open). The days fall into three kinds: a
weekday (Monday to Friday), a Saturday, a Sunday. Before any call, a goal date (YYYY-MM-DD, alone in its
slot) of a kind no value of its slot was stops the replay, as a value outside the evidence: the model
decides. A slot whose values are not all dates is not checked here.
"""

from __future__ import annotations

import datetime as dt
import re

from llmos.learning.goals import Token
from llmos.learning.plans import Plan

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
KINDS = ("a weekday", "a Saturday", "a Sunday")


def kind(text: str) -> str | None:
    """The kind of day of a date written YYYY-MM-DD (None: not such a date)."""
    m = _DATE.match(text)
    if not m:
        return None
    try:
        d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return KINDS[max(0, d.weekday() - 4)]


def weekday_problem(plan: Plan, tokens: list[Token], precaution: str) -> str | None:
    """A goal date of a kind of day (`kind`) no supporting run's date at its slot had."""
    for pos, slot in sorted(plan.slots.items()):
        tok = tokens[pos] if pos < len(tokens) else None
        live = kind(tok.text) if tok is not None else None
        if live is None or not slot.values:
            continue
        seen = {kind(v) for v in slot.values}
        if None in seen or live in seen:
            continue
        days = " or ".join(sorted(str(k) for k in seen))
        return (
            f"{precaution}: goal date {tok.text if tok else ''} ({slot.name}) is {live}, where every supporting "
            f"run's date was {days}: what the call should be may differ on that day"
        )
    return None
