"""Rule 1 for a date the plan works out for a write: its day of the week, and whether a result lists it.

A goal date's weekday is checked (`_goal_weekdays`), and the days between dates (`_seen_derived`). A date
the plan computes (`_explain_more`: a date of the goal or of a result moved by some days) was not: "the
next working day after 2027-05-21" explained as the goal date + 1 day by runs on Mondays to Thursdays
gave a Saturday for a Friday goal, and a kiln's next firing (its last firing + its interval, both read)
fell on a Sunday where the tool moves a weekend to the Monday; every value a rule checked was inside
what the runs saw, and main booked both (`bench/families_heldout29.py` h29_turning, h29_firing). A date
copied verbatim from a result was not checked at all (the call's business, as any value an argument
consumes): a binding booked on an order's ready date, a Sunday or 25 December where the tool's description
says the bindery is closed then, was booked by main's crystallized replay (`bench/families_hint2.py`
hn_bindery, seed 7: wrong 6).

So every supporting run records, for each argument leaf a date explanation computes (its key in the
step's `seen`: `["~argday", *path]|w`), the days of the week the computed dates fell on, and whether the
date was one a result of that run showed (a public holiday on a calendar, a closed day on a list). Before
the call, live: the computed date must fall on a day of the week some run's did, or, for a working day
(Monday to Friday), the runs showed two working days at least (`_goal_weekdays._reading_problem`); and
a date that a result of this run shows, where no supporting run's was one, stops the replay too. The same
holds for an argument that copies a result's value, when the value is a date (`_dating`), and a date whose
day and month the tool's description names ("closed on 25 and 26 December", "not on 1 January":
`_described_dates`) stops whatever the runs saw. A plan learned before this record was kept (no record for
such a leaf) stops: the model decides.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llmos.learning import _call_totals, _described_tables, _word_tables
from llmos.learning import explain as ex
from llmos.learning._described_dates import named_days
from llmos.learning._explain_more import WEEKDAYS, parse_date
from llmos.learning._goal_weekdays import _reading_problem, weekday
from llmos.learning.plans import Plan, PlanStep

__all__ = ["KEY", "problem", "record", "record_run"]

KEY = "~argday"


def _key(path: ex.Path) -> str:
    return json.dumps([KEY, *path]) + "|w"


def _dated(step: PlanStep) -> list[ex.Path]:
    """The argument leaves a date explanation computes, or that copy a result's value (a date or not: only
    a value that is a date is recorded and checked)."""
    out = []
    for lf in step.leaves:  # `any(_dating(c) for c in lf.cands)`, inline: no generator nor call per candidate
        for c in lf.cands:
            kind = c[0]
            if kind == "date" or (kind == "val" and c[1][0] == "res"):
                out.append(lf.path)
                break
    return out


def _dating(cand: ex.Cand) -> bool:
    return bool(cand[0] == "date" or (cand[0] == "val" and cand[1][0] == "res"))


def _parse(rec: Any) -> tuple[set[int], bool]:
    days, _, hit = str(rec).partition(";")
    return {int(d) for d in days if d.isdigit()}, hit == "1"


def _shown(date: str, texts: Sequence[str | None], before: int) -> bool:
    """Whether a result before step `before` shows the date (its ISO day: the first 10 characters)."""
    day = date[:10]
    return any(t is not None and day in t for t in texts[:before])


def record(plan: Plan, args: Sequence[Any], texts: Sequence[str | None]) -> None:
    """Widen each step's record of its computed dates by one run (in place)."""
    for i, step in enumerate(plan.steps):
        a = args[i] if i < len(args) else None
        if not isinstance(a, dict):
            continue
        for path in _dated(step):
            try:
                v = ex.walk(a, path)
            except ex.Unavailable:
                continue
            day = weekday(str(v)) if isinstance(v, str) else None
            if day is None:
                continue
            key = _key(path)
            old = step.seen.get(key)
            days, hit = _parse(old) if isinstance(old, str) else (set(), False)
            days.add(day)
            hit = hit or _shown(str(v), texts, i)
            step.seen = {**step.seen, key: "".join(str(d) for d in sorted(days)) + (";1" if hit else ";0")}


def record_run(plan: Plan, args: Sequence[Any], texts: Sequence[str | None], env: ex.Env) -> None:
    """What `_seen.record` adds for the calls' arguments: the computed dates (`record`), the totals over
    the goal list's calls (`_call_totals.record`), the goal words' tables (`_word_tables.record`) and the
    goal's words against each argument (`_described_tables.record`, for a table a description states)."""
    record(plan, args, texts)
    _word_tables.record(plan, args, env.tokens)
    _described_tables.record(plan, args, env.tokens)
    _call_totals.record(plan, env)


def problem(plan: Plan, env: ex.Env, step: int, arguments: dict[str, Any], described: str | None = None) -> str | None:
    """Before the call of `step` (not a read): a computed or copied date on a day of the week no supporting
    run's fell on, one a result of this run shows where no run's was, or one the tool's description names
    (`described`: a closed day, a holiday), else None (the module's rule)."""
    st = plan.steps[step]
    named = named_days(described or "")
    for path in _dated(st):
        try:
            v = ex.walk(arguments, path)
        except ex.Unavailable:
            continue
        day = weekday(str(v)) if isinstance(v, str) else None
        if day is None:
            continue
        where = f"{st.name}.{ex.format_path(path)} = {v} (worked out from this run's values)"
        d = parse_date(str(v).strip()) if named else None
        if d is not None and (d.month, d.day) in named:
            return f"{where} is a day the tool's description names: a rule of the tool may turn on it"
        rec = st.seen.get(_key(path))
        if not isinstance(rec, str):
            return f"{where}: the supporting runs recorded no day of the week for it"
        days, hit = _parse(rec)
        if _reading_problem(day, sorted(days)):
            shown = ", ".join(WEEKDAYS[d] for d in sorted(days))
            return (
                f"{where} falls on a {WEEKDAYS[day]}, and the supporting runs' fell on {shown}: a rule of the "
                "tools may turn on the day of the week"
            )
        if not hit and _shown(str(v), env.texts, step):
            return f"{where} is a date a result of this run shows, and no supporting run's was one"
    return None
