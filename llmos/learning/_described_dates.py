"""The days of the year a tool's description names ("closed on 25 and 26 December", "not on January 1st").

A tool may say in its description alone that it treats some days apart (a holiday, a closed day), and no
result shows them: a date an argument copies or computes that falls on such a day stops the replay before
the call (`_arg_dates.problem`), whatever the supporting runs saw: the model reads the description. Read:
a list of days before a month's name ("25 and 26 December", "24, 25 & 31 Dec"), a month's name before
a list of days ("December 25 and 26"), and ISO dates or month-days ("2027-12-25", "12-25").
"""

from __future__ import annotations

import re

from llmos.learning._named_dates import MONTHS

__all__ = ["named_days"]

_MONTH = r"(" + "|".join(sorted(MONTHS, key=lambda s: (-len(s), s))) + r")\b\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DAYS = rf"({_DAY}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*|\s+or\s+){_DAY})*)"
_BEFORE = re.compile(rf"(?<![\w-]){_DAYS}\s+(?:of\s+)?{_MONTH}")
_AFTER = re.compile(rf"(?<![\w-]){_MONTH}\s+{_DAYS}(?![\w-])")
_ISO = re.compile(r"(?<![\w-])(?:\d{4}-)?(\d{2})-(\d{2})(?![\w-])")


def _days(text: str) -> list[int]:
    return [int(d) for d in re.findall(r"\d{1,2}", text)]


def named_days(description: str) -> set[tuple[int, int]]:
    """(month, day) of every day the text names."""
    out: set[tuple[int, int]] = set()
    if not description:
        return out
    for mo in _BEFORE.finditer(description):
        out.update((MONTHS[mo.group(2)], d) for d in _days(mo.group(1)) if 1 <= d <= 31)
    for mo in _AFTER.finditer(description):
        out.update((MONTHS[mo.group(1)], d) for d in _days(mo.group(2)) if 1 <= d <= 31)
    for mo in _ISO.finditer(description):
        m, d = int(mo.group(1)), int(mo.group(2))
        if 1 <= m <= 12 and 1 <= d <= 31:
            out.add((m, d))
    return out
