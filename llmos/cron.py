"""Cron expressions for scheduled goals, read by the `croniter` package (extra `schedule`).

Five fields (minute hour day month weekday, as in crontab), or six with seconds last
(`*/10 * * * * 30`); `@hourly`, `@daily`... work too. A schedule's expression is evaluated in its
time zone (an IANA name, UTC by default), and a slot is the epoch second the expression names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from llmos.exceptions import MissingDependency, UserError


def _croniter() -> Any:
    try:
        from croniter import croniter  # type: ignore[import-untyped]
    except ModuleNotFoundError as e:
        if e.name != "croniter":
            raise
        raise MissingDependency("croniter", "schedule") from None
    return croniter


def check_tz(tz: str) -> ZoneInfo:
    """The time zone named `tz`, or UserError naming it."""
    name = (tz or "UTC").strip()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"unknown time zone {tz!r}: use an IANA name such as UTC or Europe/Paris") from None


def check_cron(expr: str) -> str:
    """The expression, stripped, if it is valid; UserError saying what is wrong otherwise."""
    text = " ".join((expr or "").split())
    if not text:
        raise UserError("the cron expression is empty: give five fields, e.g. '0 9 * * 1-5'")
    croniter = _croniter()
    from croniter import CroniterError  # type: ignore[import-untyped]

    try:
        croniter(text, dt.datetime.now(dt.UTC))
    except (CroniterError, ValueError, KeyError) as e:
        fields = text.split()
        if not text.startswith("@") and len(fields) not in (5, 6):
            hint = f"it has {len(fields)} field(s); cron needs 5 (minute hour day month weekday) or 6 (seconds last)"
        else:
            hint = _bad_field(croniter, fields) or str(e)
        raise UserError(f"invalid cron expression {expr!r}: {hint}") from None
    return text


FIELD_NAMES = ("minute", "hour", "day of month", "month", "day of week", "second")


def _bad_field(croniter: Any, fields: list[str]) -> str | None:
    """Which field is wrong: each one tried alone, with `*` for the others."""
    from croniter import CroniterError  # type: ignore[import-untyped]

    for i, value in enumerate(fields[: len(FIELD_NAMES)]):
        probe = ["*"] * len(fields)
        probe[i] = value
        try:
            croniter(" ".join(probe), dt.datetime.now(dt.UTC))
        except (CroniterError, ValueError, KeyError) as e:
            return f"the {FIELD_NAMES[i]} field {value!r} is not valid ({e})"
    return None


def previous_slot(expr: str, tz: str, now: float) -> int:
    """The latest time at or before `now` (epoch seconds) that the expression names."""
    croniter = _croniter()
    start = dt.datetime.fromtimestamp(int(now) + 1, check_tz(tz))  # +1 s: `now` itself counts
    return int(croniter(expr, start).get_prev(float))


def next_slot(expr: str, tz: str, now: float) -> int:
    """The first time after `now` (epoch seconds) that the expression names."""
    croniter = _croniter()
    return int(croniter(expr, dt.datetime.fromtimestamp(int(now), check_tz(tz))).get_next(float))


def iso(ts: float) -> str:
    """An epoch second as ISO 8601 in UTC (how slots are shown)."""
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
