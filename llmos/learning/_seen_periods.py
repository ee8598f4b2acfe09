"""Rule 1 for a date a result implies: a date plus a period of the same record.

A record that holds a date and a period of time ("last_check": "2025-12-20", "valid_months": 12;
"borrowed": ..., "loan_days": 21) implies a third date, the end of that period, which no leaf shows.
Each value may lie inside what the supporting runs saw, and the days between the record's dates too,
while the date the period ends falls where no run's did: a gas certificate checked 350 days ago and
valid 12 months (ends in 15 days) where every supporting run's certificate (12 months checked 100 or
200 days ago, 24 months checked 300 to 650 days ago) ran for 80 days or more and no check was booked
(`families_heldout16b.py` h16b_gascert: main declined four bookings). `_seen_derived` pairs each such
date with every other date (the goal's, an earlier step's, this result's) like a date the result shows
("~days", strict), made of the date, the period and the other date.

A period is a numeric leaf beside the date (same parent: one record, or one item of a list) whose key
ends with its unit ("valid_months", "interval_months", "loan_period_days", "warranty_years", "weeks";
not a rate or a count of the unit: "max_mg_per_kg_day", "hours_this_week"): months and years by
calendar (the day of month kept, or the month's last day), days and weeks by count. Whole numbers only
for months and years. A date inside a longer text is no record's date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning import explain as ex
from llmos.learning._seen_roles import Roles, role

MAX_PERIODS = 4  # derived dates per result
_UNIT_RE = re.compile(r"(?:^|_)(day|week|month|year)s?$", re.IGNORECASE)
_NOT_PERIOD = {"per", "this", "last", "next", "a", "each", "every"}
_WHOLE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TEXT_PERIOD = re.compile(r"(?<![\w.,-])(\d{1,4}) (day|week|month|year)s?\b", re.IGNORECASE)
Dated = tuple[str, float, list[ex.Path]]  # (label, day number, the result paths it is made of)


def unit(key: Any) -> str | None:
    """The unit of time a key names ("valid_months" -> "month"), or None (with the shortcuts on, read once
    per key: the same keys come back in every run)."""
    if not isinstance(key, str):
        return None
    if _shortcuts.ON and type(key) is str:
        return _cached_unit(key)
    return _unit(key)


def _unit(key: str) -> str | None:
    m = _UNIT_RE.search(key)
    words = key.lower().split("_")
    return m.group(1).lower() if m and not _NOT_PERIOD & set(words[-3:-1]) else None


_cached_unit = lru_cache(maxsize=1 << 12)(_unit)


def _add_months(d: dt.date, months: int) -> dt.date | None:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    if not 1 <= year <= 9998:
        return None
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def _end(d: dt.date, n: float, what: str) -> float | None:
    """The day number of d plus n units of `what`."""
    if what in ("day", "week"):
        return d.toordinal() + n * (7 if what == "week" else 1)
    if n != int(n) or abs(n) > 1200:
        return None
    end = _add_months(d, int(n) * (12 if what == "year" else 1))
    return None if end is None else float(end.toordinal())


def period_dates(values: list[tuple[ex.Path, Any]], roles: Roles | None = None) -> list[Dated]:
    """Every date leaf of a result plus every period leaf of the same record (module docstring), labelled
    with a goal item's role for its index (`_seen_roles`)."""
    periods = [
        (path, float(v), u)
        for path, v in values
        if path and ex.is_num(v) and not isinstance(v, bool) and (u := unit(path[-1])) is not None
    ]
    out: list[Dated] = []
    if not periods:
        return out
    for path, v in values:
        if not (path and isinstance(v, str) and (m := _WHOLE_DATE.fullmatch(v.strip()))):
            continue
        try:
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        for ppath, n, u in periods:
            if ppath[:-1] != path[:-1] or len(out) >= MAX_PERIODS:
                continue
            end = _end(d, n, u)
            if end is not None:
                where = ["@plus", list(role(path, roles or {})), list(role(ppath, roles or {}))]
                out.append((f"{json.dumps(where)}#0", end, [path, ppath]))
    return out


def across_reads(
    values: list[tuple[ex.Path, Any]], earlier: list[tuple[int, list[tuple[ex.Path, Any]]]]
) -> list[Dated]:
    """The dates a period of one read and a date of an earlier read imply, and the other way round
    (`earlier`: the date values and numbers of the earlier steps whose tool the plan calls once, as it
    calls this one's): a pipette's last calibration (one read) plus its model's
    "calibration_interval_days" (the spec sheet, another read), or a period a text of it states ("protection
    lasts 3 years": whole numbers before a unit of time, by place, `#period0`). Labelled ["@plus", date, period] with
    the earlier operand as ("@step", j, *path), whose paths are those operands too; outside lists only,
    at most MAX_PERIODS."""
    out: list[Dated] = []
    if not earlier and _shortcuts.ON:  # no earlier read: nothing to pair (the reads below find nothing to use)
        return out

    def dates(vals: list[tuple[ex.Path, Any]]) -> list[tuple[ex.Path, dt.date]]:
        found = []
        for path, v in vals:
            if path and not any(map(ex.is_int, path)) and isinstance(v, str):
                m = _WHOLE_DATE.fullmatch(v.strip())
                if m:
                    try:
                        found.append((path, dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
                    except ValueError:
                        continue
        return found

    def periods(vals: list[tuple[ex.Path, Any]]) -> list[tuple[ex.Path, float, str]]:
        found = [
            (path, float(v), u)
            for path, v in vals
            if path and not any(map(ex.is_int, path)) and ex.is_num(v) and (u := unit(path[-1])) is not None
        ]
        for path, v in vals:  # a period a text states: "protection lasts 3 years"
            if isinstance(v, str) and not any(map(ex.is_int, path)):
                for k, m in enumerate(_TEXT_PERIOD.finditer(v[:1000])):
                    found.append(((*path, f"#period{k}"), float(m.group(1)), m.group(2).lower()))
        return found

    here_dates, here_periods = dates(values), periods(values)
    for j, vals in earlier:
        pairs = [(("@step", j, *dp), d, pp, n, u) for dp, d in dates(vals) for pp, n, u in here_periods]
        pairs += [(dp, d, ("@step", j, *pp), n, u) for dp, d in here_dates for pp, n, u in periods(vals)]
        for dpath, d, ppath, n, u in pairs:
            end = _end(d, n, u)
            if end is not None and len(out) < MAX_PERIODS:
                out.append((f"{json.dumps(['@plus', list(dpath), list(ppath)])}#0", end, [dpath, ppath]))
    return out


def own(pa: list[ex.Path], pb: list[ex.Path]) -> bool:
    """Whether one of two dates is the other plus a period (their difference is the period itself)."""
    return (len(pa) == 2 and pb == pa[:1]) or (len(pb) == 2 and pa == pb[:1])


def label(where: list[Any]) -> str:
    """How `_seen_describe._label` names such a date."""
    return f"{ex.format_path(tuple(where[1]))} + {ex.format_path(tuple(where[2]))}"
