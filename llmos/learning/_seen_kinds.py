"""Rule 1 for a number whose meaning another field gives: its range by each category beside it (helper redAP).

A sill depth read with its unit in another field ("sill_depth": 4.2, "unit": "ft"), a starter's rise in
"times" or in "percent", a deviation "below" or "above" a target: each number was checked against the range
of every unit at once. 4.2 ft lay inside 1.9 m .. 7.9 ft, the unit was one seen, and main booked a boat of
1.4 m draft over a sill of 1.28 m (`families_heldout32.py` h32_lock, h32_starter, h32_bell: 11 wrong of 160
at seed 7). A list item's numbers have their kind (`_seen_groups`); a record's had none.

Recorded (`_seen.record`) for every number outside lists (not an identifier's) against each *category* beside
it: a short text of at most three words, no digit, no goal value or argument (`_seen_groups._category`), and
no capitalised word (a name: a hawk "Ash", a supplier "Kato"; one run per name is no kind, and a name that
comes back with another weight is no new meaning; "EUR", "km/h", "ft" are kinds), or a flag (true, false),
outside lists, at most MAX_CATS a record:
- of the same record (`["~rnum", record, category leaf, category, leaf]|n`), a record of at most
  MAX_RECORD_LEAVES leaves;
- of an earlier read, while both tools are called once by the plan (`["~xrnum", j, category path, category,
  path]|n`; at most MAX_READ_CATS categories a read): a silo's level in the unit its gauge's set-up gives.
The record is a number's: [lo, hi, last, increasing, runs] over the runs that showed that category.

Checked (`_seen.seen_problem`, wherever rule 1 runs before a write), while the number is not consumed or
echoed: a live number outside the range its category showed stops the replay, whatever the runs that showed
it (one run is evidence of one value: rule 1 is strict). A category no run showed there is rule 1's own
check of that leaf. A loop's segment keeps no `~xrnum` (`_seen_mentions.strip`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from llmos.learning import _value_kinds as _kinds
from llmos.learning import explain as ex
from llmos.learning._seen_groups import _category
from llmos.learning._seen_records import _number_ok
from llmos.learning._seen_text import Templates

MAX_CATS = 3  # categories of one record that key its numbers
MAX_RECORD_LEAVES = 8  # leaves of one record (more: a table, none)
MAX_READ_CATS = 6  # categories of one read that key a later read's numbers
REC, XREC = "~rnum", "~xrnum"
ACROSS = f'["{XREC}"'

Cats = list[tuple[ex.Path, str]]  # (a category's whole path, the category)
Reads = list[tuple[int, Cats]]  # an earlier read's index and its categories
Keyed = dict[str, tuple[float, list[ex.Path]]]  # key -> (the number, the paths whose consumption decides)


_NAME = re.compile(r"(?<![A-Za-z])[A-Z][a-z]")  # a capitalised word: a name ("Ash", "Kato"), no kind


def _cat(v: Any, masks: list[str], known: Templates | None) -> str | None:
    if v is True or v is False:
        return "true" if v else "false"
    c = _category(v, masks, known)
    return None if c is None or _NAME.search(c) else c


def _records(values: list[tuple[ex.Path, Any]]) -> dict[ex.Path, list[tuple[ex.Path, Any]]]:
    """record path -> [(whole path, value)], for the leaves outside lists."""
    out: dict[ex.Path, list[tuple[ex.Path, Any]]] = {}
    for p, v in values:
        if p and not any(isinstance(x, int) for x in p):
            out.setdefault(tuple(p[:-1]), []).append((tuple(p), v))
    return out


def _number(p: ex.Path, v: Any) -> bool:
    return ex.is_num(v) and _kinds.number_id_shape(p, v) is None


def read_categories(values: list[tuple[ex.Path, Any]], masks: list[str], known: Templates | None = None) -> Cats:
    """The categories of one read outside lists (more than MAX_READ_CATS: a table, none)."""
    out: Cats = []
    for p, v in values:
        if p and not any(isinstance(x, int) for x in p) and (c := _cat(v, masks, known)) is not None:
            out.append((tuple(p), c))
            if len(out) > MAX_READ_CATS:
                return []
    return out


def keyed(values: list[tuple[ex.Path, Any]], masks: list[str], known: Templates | None, reads: Reads) -> Keyed:
    """Every number outside lists keyed by each category of its record and of the earlier reads."""
    out: Keyed = {}
    for record, leaves in _records(values).items():
        if len(leaves) > MAX_RECORD_LEAVES:
            continue
        cats = [(p, c) for p, v in leaves if (c := _cat(v, masks, known)) is not None][:MAX_CATS]
        for cp, c in cats:
            for p, v in leaves:
                if _number(p, v):
                    key = json.dumps([REC, list(record), list(cp[-1:]), c, list(p[-1:])], ensure_ascii=False)
                    out[key + "|n"] = (float(v), [p, cp])
    if reads:
        nums = [(p, v) for p, v in values if p and not any(isinstance(x, int) for x in p) and _number(p, v)]
        for j, cats in reads:
            for cp, c in cats:
                for p, v in nums[:MAX_RECORD_LEAVES]:
                    key = json.dumps([XREC, j, list(cp), c, list(p)], ensure_ascii=False)
                    out[key + "|n"] = (float(v), [p, ("@step", j, *cp)])
    return out


def observe(
    values: list[tuple[ex.Path, Any]], masks: list[str], known: Templates | None, reads: Reads
) -> dict[str, tuple[str, Any]]:
    """The records' form (`_seen.merge`)."""
    return {k: ("n", v) for k, (v, _p) in keyed(values, masks, known, reads).items()}


def problem(
    seen: dict[str, Any],
    values: list[tuple[ex.Path, Any]],
    masks: list[str],
    reads: Reads,
    unchecked: Any,
    noise_runs: int = 1 << 30,
) -> str | None:
    """The first number outside the range its category showed (module docstring). A number that counted up
    in every run that showed its category, in at least `noise_runs` of them, passes as rule 1's counter does
    (a reminder's "n" beside "ok": true; the lead, stop 36: ra lost two write replays to it)."""
    for key, (v, paths) in keyed(values, masks, None, reads).items():
        rec = seen.get(key)
        if not isinstance(rec, list) or unchecked(paths[0]) or _number_ok(rec, v, noise_runs)[0]:
            continue
        parts = json.loads(key.rsplit("|", 1)[0])
        if parts[0] == REC:
            leaf, cat = ex.format_path((*parts[1], *parts[4])), ex.format_path((*parts[1], *parts[2]))
        else:
            leaf, cat = ex.format_path(tuple(parts[4])), f"step {parts[1] + 1}'s {ex.format_path(tuple(parts[2]))}"
        return (
            f"{leaf} = {v:g} with {cat} {parts[3]!r} is outside [{rec[0]:g}, {rec[1]:g}] seen with {parts[3]!r} "
            f"in {rec[4]} supporting run(s) (the range of every value of that field together is no evidence for "
            "this one)"
        )
    return None


def across(names: list[str], env: Any, i: int, scalars: Any, masks_of: Any, once: list[bool]) -> Reads:
    """The categories of the reads before step i, while each and step i call a tool the plan calls once."""
    if i >= len(once) or not once[i]:
        return []
    out: Reads = []
    for j in range(min(i, len(env.texts))):
        if env.texts[j] is not None and once[j]:
            cats = read_categories(scalars(env.parsed[j], env.texts[j]), masks_of(j))
            if cats:
                out.append((j, cats))
    return out
