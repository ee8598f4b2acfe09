"""A date written with its month's name is a date (rule 1).

"last landed 2 December 2026", "made 21 Feb 2026", "due November 14, 2026": rule 1's template read such a
date as two numbers and a word ("# December #"), so the same sentence on another month was a text of a
template never seen (every replay of a plan whose runs spanned a month stopped), the day and the year were
range-checked each on its own (the 28th after the 3rd..14th of other months stopped; a day and a year inside
their ranges passed whatever the month), and no date rule (days between two dates of a result, between a
result date and a goal date) saw it at all. `iso` writes every such date as the ISO date it names
("2026-12-02"), and rule 1 then reads it as it reads an ISO date: one number to a range (its digits in
order), compared with the other dates of the run (`_seen_derived`). Only a whole date (day, month and year;
a valid day of that month) is read; a month's name must be capitalised ("may" is a verb); a date without
its year ("2 Dec") stays as it is.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["iso"]

_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS: dict[str, int] = {}
for _k, _name in enumerate(_NAMES, 1):
    MONTHS[_name] = MONTHS[_name[:3]] = MONTHS[_name.upper()] = MONTHS[_name[:3].upper()] = _k
MONTHS["Sept"] = MONTHS["SEPT"] = 9

# every name above starts with one of these: a text without any holds no date to rewrite (a cheap test first)
_HINT = re.compile("|".join(sorted({name[:3] for name in MONTHS})))
_MONTH = r"(" + "|".join(sorted(MONTHS, key=lambda s: (-len(s), s))) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4})"
# "2 December 2026", "2 Dec. 2026", "2nd December, 2026"; "December 2, 2026", "Dec 2nd 2026"
_NAMED = re.compile(
    rf"(?<![\w.:/-]){_DAY} {_MONTH},? {_YEAR}(?![\w-]|[.:/]\d)"
    rf"|(?<![\w.:/-]){_MONTH} {_DAY},? {_YEAR}(?![\w-]|[.:/]\d)"
)


def _iso(mo: re.Match[str]) -> str:
    if mo.group(1) is not None:
        day, month, year = mo.group(1), mo.group(2), mo.group(3)
    else:
        month, day, year = mo.group(4), mo.group(5), mo.group(6)
    try:
        d = dt.date(int(year), MONTHS[month], int(day))
    except ValueError:  # "31 February 2026" names no date: left as it is written
        return mo.group()
    return d.isoformat()


def iso(text: str) -> str:
    """`text` with every date written with its month's name written as the ISO date it names."""
    if _HINT.search(text) is None:
        return text
    return _NAMED.sub(_iso, text)
