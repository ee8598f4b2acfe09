"""Rule 1 for what a result implies, not only for what it shows: date differences, list totals, products.

Every number of a result may lie inside the range the supporting runs saw while a quantity the model
read from them does not: a certificate checked on 2026-01-10 that expires on 2026-04-15 has both dates
inside the dates seen, yet 95 days left where every supporting run had under 30 (and renewed); three
boxes of 14, 19 and 23 kg each weigh what boxes weighed before, yet 56 kg in all where every
supporting run shipped under 40 kg by parcel. Such a quantity decides the path or a constant
argument as surely as a value does, so it is recorded and checked like one (strict: no noise):

    "days between"  for every two dates (and date-times) of one result, every date of the goal
                    with every date of the result, and every date of an EARLIER step's result with
                    every date of this one: the later minus the earlier one, in days (a claim whose
                    incident date and policy start both lie among the dates seen, 400 days apart
                    where every supporting run had under a year, came from two reads)
    "total"         for every list in a JSON result, the sum of one numeric leaf over its items
    "product"       of two numeric leaves of one record (a pane's width x height): a pane whose sides
                    each lie inside the sides seen may have an area past every area seen
    "difference"    of two numeric leaves of one record (engine hours now minus engine hours at the
                    last service: each inside the hours seen, 530 h since the service where every
                    supporting run had under 500 and dispatched the truck)
    "weighted sum"  for every list, the sum over its items of the product of two numeric leaves of one
                    item (an order's lines: qty x unit price)
    "across reads"  a number of this result minus a number of an earlier read, while the plan calls both
                    tools once (a boiler's rated maximum, from its model's spec, minus its gauge's pressure:
                    `_seen_products.read_differences`, `called_once`; checked only where recorded)
    "three across"  two numbers of one read times one of the other (a loan's value x months x an insurer's
                    rate: `_seen_products.read_triples`, `~xprod`; checked only where recorded)

Products and differences are kept small (`MAX_FACTORS`): a record (or list item) with more numeric leaves is a table.
A product, difference or weighted sum is checked only while NONE of its operands is consumed (a factor an argument
takes is the call's business: the quantity ordered times the stock on hand is no quantity of the world).
Goal numbers with result numbers (product, ratio, difference, sum: qty x unit price, kg of alum per
m3, a top-up over the balance) are recorded here too, and checked by the rules of `_seen_pairs`.

A quantity is checked before the next step that changes the world whenever one of the values it is
made of is not consumed by an argument (as rule 1's values are): one the supporting runs never showed
(a date more) stops the replay too. Records live in `PlanStep.seen` beside the values, under keys
whose path part is a JSON list starting with "~" (never a result path).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

from llmos.learning import _named_dates, _seen_pairs, _seen_periods, _seen_roles, _seen_units, _shortcuts
from llmos.learning import explain as ex
from llmos.learning._seen_describe import describe
from llmos.learning._seen_products import (
    ACROSS_KEYS,
    MAX_DIFF_PAIRS,
    Across,
    digit_fields,
    plain_text,
    read_differences,
    read_ratios,
    read_triples,
    record_differences,
    record_products,
    record_ratios,
    record_triples,
    records,
    weighted_sums,
)
from llmos.learning._seen_products import Numbers as Numbers
from llmos.learning._seen_products import read_numbers as read_numbers
from llmos.learning.goals import Token

if TYPE_CHECKING:
    from llmos.learning._run_facts import StepFacts

_key = _seen_pairs.record_key  # json(parts) + "|n", made once per key

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


Earlier = list[tuple[int, list[tuple[ex.Path, Any]]]]  # (step index, its result's values) of earlier steps


def date_values(values: list[tuple[ex.Path, Any]]) -> list[tuple[ex.Path, Any]]:
    """The values of a result kept for the steps after it: those that may hold a date, and its numbers
    outside lists (a patient's weight, for a dose read from the next result)."""
    nums = [(p, v) for p, v in values if ex.is_num(v) and not any(map(ex.is_int, p))][:MAX_EARLIER]
    return [(p, v) for p, v in values if isinstance(v, str) and _DATE_RE.search(_text_dates(v))] + nums


def _text_dates(v: str) -> str:
    """The text (its first MAX_TEXT characters) as `_DATE_RE` reads it: a date written with its month's
    name is the ISO date it names (`_named_dates`); "" when it holds no date to read."""
    t = _named_dates.iso(v[:MAX_TEXT])
    return t if "-" in t else ""


MAX_EARLIER = 6  # numbers of an earlier step's result in goal x result x earlier-result quantities


def earlier_of(env_parsed: list[Any], env_texts: list[str | None], i: int, scalars: Any) -> Earlier:
    """The date values of the results of the steps before step i (`scalars(parsed, text)` lists one)."""
    out: Earlier = []
    for j in range(min(i, len(env_texts))):
        text = env_texts[j]
        if text is not None:
            vals = date_values(scalars(env_parsed[j], text))
            if vals:
                out.append((j, vals))
    return out


def _value_dates(values: list[tuple[ex.Path, Any]]) -> list[tuple[ex.Path, int, float]]:
    """(result path, the date's place in its text, day number) of every date in a result's texts."""
    out = []
    for path, v in values:
        if isinstance(v, str) and (t := _text_dates(v)):
            for n, m in enumerate(_DATE_RE.finditer(t)):
                d = _days(m)
                if d is not None:
                    out.append((path, n, d))
    return out


def goal_dates(tokens: list[Token]) -> list[_seen_periods.Dated]:
    """("goal#k", day number, no path) of every date of the goal (the same for every step of a run)."""
    out: list[_seen_periods.Dated] = []
    for t in tokens:
        for m in _DATE_RE.finditer(t.text) if "-" in t.text else ():  # a date holds a "-"
            d = _days(m)
            if d is not None:
                out.append((f"goal#{len(out)}", d, []))
    return out


def _dates(
    values: list[tuple[ex.Path, Any]],
    tokens: list[Token],
    earlier: Earlier,
    roles: _seen_roles.Roles | None = None,
    goal: list[_seen_periods.Dated] | None = None,
) -> list[_seen_periods.Dated]:
    """(label, day number, this result's paths it is made of: none for the goal or an earlier step) of
    every date, goal first, then the earlier steps' (at most MAX_DATES of them), then this result's,
    then the dates a date and a period of one record imply (`_seen_periods`); a goal item's index is
    its role in the labels (`_seen_roles`); `goal`: `goal_dates(tokens)`, when already made for the run."""
    out: list[_seen_periods.Dated] = goal_dates(tokens) if goal is None else list(goal)
    before = len(out)
    for j, vals in earlier:
        eroles = _seen_roles.goal_items(vals, tokens)
        for path, n, d in _value_dates(vals):
            if len(out) - before < MAX_DATES:
                out.append((f"{json.dumps(['@step', j, *_seen_roles.role(path, eroles)])}#{n}", d, []))
    goal_count = len(out)
    roles = _seen_roles.goal_items(values, tokens) if roles is None else roles
    for path, n, d in _value_dates(values):
        if len(out) - goal_count < MAX_DATES:
            out.append((f"{json.dumps(list(_seen_roles.role(path, roles)))}#{n}", d, [path]))
    return out + _seen_periods.period_dates(values, roles)


def derive(
    values: list[tuple[ex.Path, Any]],
    tokens: list[Token],
    earlier: Earlier | None = None,
    across: Across | None = None,
    periods_from: Earlier | None = None,
    roles: _seen_roles.Roles | None = None,
    facts: StepFacts | None = None,
) -> Derived:
    """The quantities one result implies (see the module docstring), by key; `earlier`: the values of
    the results of the steps before this one (a date of theirs pairs with each date of this result);
    `across`: the numbers of the earlier reads and of this one (`across_of`: differences across reads);
    `roles`: `_seen_roles.goal_items(values, tokens)` when the caller has it already; `facts`: the
    result's facts made once for the run (`_run_facts`: the goal's dates and numbers, the records)."""
    out: Derived = {}
    roles = _seen_roles.goal_items(values, tokens) if roles is None else roles
    dates = _dates(values, tokens, earlier or [], roles, None if facts is None else facts.run.goal_dates())
    for a in range(len(dates)):
        for b in range(a + 1, len(dates)):
            (la, da, pa), (lb, db, pb) = dates[a], dates[b]
            if (not pa and not pb) or _seen_periods.own(pa, pb):
                continue  # two goal dates (the goal checks decide them), none of this result's, a period's own
            out[_key(("~days", la, lb))] = (db - da, [*pa, *pb])
    for label, day, paths in dates:  # a date a period implies is a date like those a result shows: range-checked
        if label.startswith('["@plus"'):
            out[_key(("~end", label))] = (day, paths)
    for label, day, paths in _seen_periods.across_reads(values, periods_from or []):  # its period in another read
        out[_key(("~xend", label))] = (day, paths)
    # the quantities of a list's items (totals, weighted sums, ranks): none in a result without a list
    items = values if not _shortcuts.ON or any(isinstance(x, int) for path, _v in values for x in path) else []
    for pattern, (total, paths) in leaf_totals(items).items():
        out[_key(("~total", pattern))] = (total, paths)
    role = _seen_roles.role
    groups = None if facts is None else facts.groups()  # each record's numeric leaves, listed once
    of_record = (  # two or three numbers of one record: a volume, a share (rooms booked / rooms), a difference
        ("~prod", [*record_products(values, groups).items(), *record_triples(values, groups).items()]),
        ("~rdiff", list(record_differences(values, groups).items())),  # not `_seen_pairs`' "~diff"
        ("~rratio", list(record_ratios(values, groups).items())),
        ("~rsum", list(_seen_units.record_sums(records(values, groups)).items())),  # of one unit (`_seen_units`)
    )
    for kind, found in of_record:
        for factors, (v, paths) in found:
            out[_key((kind, *(role(p, roles) for p in factors)))] = (v, paths)
    across_reads: list[tuple[str, list[Any]]] = [
        ("~xdiff", list(read_differences(across or ([], [])).items())),
        ("~xratio", list(read_ratios(across or ([], [])).items())),
        ("~xprod", list(read_triples(across or ([], [])).items())),  # two of one read x one of another
        ("~xsum", list(_seen_units.read_sums(across or ([], []), MAX_DIFF_PAIRS).items())),  # one unit
    ]
    for kind, got in across_reads:
        for operands, (v, paths) in got:
            out[_key((kind, *operands))] = (v, paths)
    for ((path, width, k), _), (v, paths) in digit_fields(values).items():
        out[_key(("~digits", role(path, roles), width, k))] = (v, paths)
    for (pa, pb), (v, paths) in weighted_sums(items).items():
        out[_key(("~wsum", pa, pb))] = (v, paths)
    numbers = None if facts is None else facts.run.goal_numbers()
    out.update(_seen_pairs.goal_pairs(values, tokens, earlier or [], numbers))
    out.update(_ranks(items))
    return out


def _ranks(values: list[tuple[ex.Path, Any]]) -> Derived:
    """The least, second least, greatest and second greatest value of each numeric leaf over a
    list's items (`~rank`: checked only for a pick that reads the list, `_seen_picks.pick_problem`)."""
    groups: dict[tuple[Any, ...], list[tuple[float, ex.Path]]] = {}
    for path, v in values:
        if ex.is_num(v) and any(map(ex.is_int, path)):
            groups.setdefault(tuple("*" if isinstance(x, int) else x for x in path), []).append((float(v), path))
    out: Derived = {}
    for pattern, items in list(groups.items())[:MAX_RANKED]:
        if len(items) < 2:
            continue
        low, high = sorted(items, key=lambda t: t[0]), sorted(items, key=lambda t: -t[0])
        for name, (v, path) in (("min1", low[0]), ("min2", low[1]), ("max1", high[0]), ("max2", high[1])):
            out[json.dumps(["~rank", list(pattern), name]) + "|n"] = (v, [path])
    return out


MAX_RANKED = 4  # list patterns per result whose order statistics are recorded


def leaf_totals(values: list[tuple[ex.Path, Any]]) -> dict[tuple[Any, ...], tuple[float, list[ex.Path]]]:
    """The sum of each numeric leaf over a result's list items, by its pattern (items[*].eur), with the
    paths it is made of (also the relations' operands: `_envelope_facts.list_totals`)."""
    out: dict[tuple[Any, ...], tuple[float, list[ex.Path]]] = {}
    for path, v in values:
        if ex.is_num(v) and any(map(ex.is_int, path)):
            pattern = tuple("*" if isinstance(x, int) else x for x in path)
            total, paths = out.get(pattern, (0.0, []))
            out[pattern] = (total + float(v), [*paths, path])
    return out


def observe(
    values: list[tuple[ex.Path, Any]],
    tokens: list[Token],
    earlier: Earlier | None = None,
    across: Across | None = None,
    periods_from: Earlier | None = None,
    roles: _seen_roles.Roles | None = None,
    facts: StepFacts | None = None,
) -> dict[str, tuple[str, Any]]:
    """The records' form (`_seen.merge`): key -> ("n", value)."""
    derived = derive(values, tokens, earlier, across, periods_from, roles, facts)
    return {key: ("n", v) for key, (v, _paths) in derived.items()}


def called_once(names: list[str]) -> list[bool]:
    """Per step: whether the plan calls its tool once only. Differences across two reads pair such
    steps only: a gauge and a spec sheet; not crate 1 and crate 4 of one tool, nor crate 4's load and
    bay 1's maximum (a list's items, in a plan of one length or a loop: no difference to keep, and a
    list of a new length pairs steps no run paired; a loop keeps none, `_seen_mentions.strip`)."""
    return [names.count(n) == 1 for n in names]


def across_of(names: list[str], env: Any, i: int, scalars: Any, masks_of: Any) -> Across | None:
    """The numbers (`read_numbers`) of the results of the steps before step i and of step i's, while
    step i and each of them call a tool the plan calls once (`names`: the plan's tools; `called_once`;
    `env`: the run's texts and parsed results; `masks_of(j)`: rule 1's masks for step j's result)."""
    once = called_once(names)
    if i >= len(names) or i >= len(env.texts) or env.texts[i] is None or not once[i]:
        return None
    reads: list[tuple[int, Numbers]] = []
    for j in range(i):
        text = env.texts[j]
        if text is not None and once[j]:
            values = scalars(env.parsed[j], text)
            nums = read_numbers(values, masks_of(j) if plain_text(values) else [])
            if nums:
                reads.append((j, nums))
    values = scalars(env.parsed[i], env.texts[i])
    return reads, read_numbers(values, masks_of(i) if plain_text(values) else [])


def periods_of(names: list[str], env: Any, i: int, scalars: Any) -> Earlier:
    """The date values and numbers (`date_values`) of the steps before step i whose tool the plan calls
    once, as it calls step i's (none otherwise): where a period of one read meets a date of another
    (`_seen_periods.across_reads`)."""
    once = called_once(names)
    if i >= len(names) or not once[i]:
        return []
    return [(j, vals) for j, vals in earlier_of(env.parsed, env.texts, i, scalars) if once[j]]


_OF_RECORD = ('["~prod"', '["~rdiff"', '["~rratio"', '["~rsum"', '["~wsum"')  # a record's (a list's) numbers


def problem(
    seen: dict[str, Any],
    values: list[tuple[ex.Path, Any]],
    tokens: list[Token],
    unchecked: Any,
    earlier: Earlier | None = None,
    scope: _seen_pairs.PairScope | None = None,
    across: Across | None = None,
    periods_from: Earlier | None = None,
) -> str | None:
    """The first implied quantity outside what the supporting runs saw, described; `unchecked(path)`:
    whether a result path is consumed or echoed (a quantity made only of such values is not checked);
    `scope`: what the goal number x result number quantities need of the plan (`_seen_pairs`; default:
    `unchecked` leaves a value out, no goal number is an amount); `across`: the numbers of earlier reads
    and of this one (a difference across two reads: checked only where recorded, and while neither
    operand is consumed: `unchecked(("@step", j, *path))` for the earlier one)."""
    scope = scope or _seen_pairs.PairScope(unchecked, unchecked, frozenset())
    for key, (v, paths) in derive(values, tokens, earlier, across, periods_from).items():
        if key.startswith(('["~goal"', '["~rank"')):
            continue
        if key.startswith(('["~prod"', '["~xprod"')) and _seen_units.meaningless(paths):
            continue  # a product whose units say no quantity exists (hours x hours): no decision turns on it
        if key.startswith(tuple(f'["{k}"' for k in _seen_pairs.KINDS)):
            if _seen_pairs.skipped(seen, key, tokens, paths[0], scope):
                continue
        elif key.startswith(_OF_RECORD):  # while no operand is consumed
            if paths and any(unchecked(p) for p in paths):
                continue
        elif key.startswith(ACROSS_KEYS):  # across two reads: only what the runs recorded (each operand is rule 1's)
            if key not in seen or any(unchecked(p) for p in paths):
                continue
        elif paths and all(unchecked(p) for p in paths):
            continue
        what = describe(key)
        rec = seen.get(key)
        if not isinstance(rec, list):
            return f"{what} = {v:g}, a quantity no supporting run showed"
        lo, hi = float(rec[0]), float(rec[1])
        if not lo - 1e-9 <= v <= hi + 1e-9:
            return f"{what} = {v:g} is outside [{lo:g}, {hi:g}] seen in the supporting runs"
    return None
