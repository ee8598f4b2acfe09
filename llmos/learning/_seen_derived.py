"""Rule 1 for what a result implies, not only for what it shows: date differences and list totals.

Every number of a result may lie inside the range the supporting runs saw while a quantity the model
read from them does not: a certificate checked on 2026-01-10 that expires on 2026-04-15 has both dates
inside the dates seen, yet 95 days left where every supporting run had under 30 (and renewed); three
boxes of 14, 19 and 23 kg each weigh what boxes weighed before, yet 56 kg in all where every
supporting run shipped under 40 kg by parcel. Such a quantity decides the path or a constant
argument as surely as a value does, so it is recorded and checked like one (strict: no noise):

    "days between"  for every two dates (and date-times) of one result, and every date of the goal
                    with every date of the result: the later minus the earlier one, in days
    "total"         for every list in a JSON result, the sum of one numeric leaf over its items

A quantity is checked before the next step that changes the world whenever one of the values it is
made of is not consumed by an argument (as rule 1's values are): one the supporting runs never showed
(a date more) stops the replay too. Records live in `PlanStep.seen` beside the values, under keys
whose path part is a JSON list starting with "~" (never a result path).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from llmos.learning import explain as ex
from llmos.learning.goals import Token

MAX_DATES = 8  # per result: the pairs grow with the square
MAX_TEXT = 1000
_DATE_RE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(?![\d])")

Derived = dict[str, tuple[float, list[ex.Path]]]  # key -> (value, the result paths it is made of)


def _days(m: re.Match[str]) -> float | None:
    try:
        d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    out = float(d.toordinal())
    if m.group(4) is not None:
        out += (int(m.group(4)) * 3600 + int(m.group(5)) * 60 + int(m.group(6) or 0)) / 86400
    return out


def _dates(values: list[tuple[ex.Path, Any]], tokens: list[Token]) -> list[tuple[str, float, ex.Path | None]]:
    """(label, day number, result path or None for the goal) of every date, goal first."""
    out: list[tuple[str, float, ex.Path | None]] = []
    k = 0
    for t in tokens:
        for m in _DATE_RE.finditer(t.text):
            d = _days(m)
            if d is not None:
                out.append((f"goal#{k}", d, None))
                k += 1
    goal_count = len(out)
    for path, v in values:
        if not isinstance(v, str) or "-" not in v:
            continue
        for n, m in enumerate(_DATE_RE.finditer(v[:MAX_TEXT])):
            d = _days(m)
            if d is not None and len(out) - goal_count < MAX_DATES:
                out.append((f"{json.dumps(list(path))}#{n}", d, path))
    return out


def derive(values: list[tuple[ex.Path, Any]], tokens: list[Token]) -> Derived:
    """The quantities one result implies (see the module docstring), by key."""
    out: Derived = {}
    dates = _dates(values, tokens)
    for a in range(len(dates)):
        for b in range(a + 1, len(dates)):
            (la, da, pa), (lb, db, pb) = dates[a], dates[b]
            if pa is None and pb is None:
                continue  # two goal dates: the goal checks decide them
            paths = [p for p in (pa, pb) if p is not None]
            out[json.dumps(["~days", la, lb]) + "|n"] = (db - da, paths)
    totals: dict[str, tuple[float, list[ex.Path]]] = {}
    for path, v in values:
        if not ex.is_num(v) or not any(isinstance(x, int) for x in path):
            continue
        pattern = ["*" if isinstance(x, int) else x for x in path]
        key = json.dumps(["~total", pattern]) + "|n"
        total, paths = totals.get(key, (0.0, []))
        totals[key] = (total + float(v), [*paths, path])
    out.update(totals)
    return out


def observe(values: list[tuple[ex.Path, Any]], tokens: list[Token]) -> dict[str, tuple[str, Any]]:
    """The records' form (`_seen.merge`): key -> ("n", value)."""
    return {key: ("n", v) for key, (v, _paths) in derive(values, tokens).items()}


def problem(
    seen: dict[str, Any],
    values: list[tuple[ex.Path, Any]],
    tokens: list[Token],
    unchecked: Any,
) -> str | None:
    """The first implied quantity outside what the supporting runs saw, described; `unchecked(path)`:
    whether a result path is consumed or echoed (a quantity made only of such values is not checked)."""
    for key, (v, paths) in derive(values, tokens).items():
        if paths and all(unchecked(p) for p in paths):
            continue
        what = _describe(key)
        rec = seen.get(key)
        if not isinstance(rec, list):
            return f"{what} = {v:g}, a quantity no supporting run showed"
        lo, hi = float(rec[0]), float(rec[1])
        if not lo - 1e-9 <= v <= hi + 1e-9:
            return f"{what} = {v:g} is outside [{lo:g}, {hi:g}] seen in the supporting runs"
    return None


def _describe(key: str) -> str:
    parts = json.loads(key.rsplit("|", 1)[0])
    if parts[0] == "~days":
        return f"the days between {_label(parts[1])} and {_label(parts[2])}"
    return f"the total of {ex.format_path(tuple(parts[1])).replace('.*', '[*]')}"


def _label(label: str) -> str:
    where, _, n = label.rpartition("#")
    if where == "goal":
        return f"the goal's date #{int(n) + 1}"
    path = tuple(json.loads(where))
    return f"the date #{int(n) + 1} of {'the result' if not path else ex.format_path(path)}"
