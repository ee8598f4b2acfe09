"""Rule 1's products: two numeric leaves of one record (and their difference), the difference of two
numbers of two reads, and weighted sums over a list's items (the quantities `_seen_derived` records under
"~prod", "~rdiff", "~xdiff" and "~wsum"; `_envelope_facts` relates the products to goal numbers; see
`_seen_derived`'s docstring)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmos.learning import _value_kinds
from llmos.learning import explain as ex
from llmos.learning._seen_text import masked

_LATE: dict[str, Callable[[str], list[float]]] = {}


def _text_numbers() -> Callable[[str], list[float]]:
    """`_envelope_facts.text_numbers`, imported on first use (a cycle at import time: it imports this
    module) and kept (an import statement in a function costs microseconds at every call)."""
    got = _LATE.get("text_numbers")
    if got is None:
        from llmos.learning._envelope_facts import text_numbers

        got = _LATE["text_numbers"] = text_numbers
    return got


MAX_FACTORS = 4  # numeric leaves of one record or list item that pair up (more: a table); also goal numbers
Products = dict[tuple[Any, Any], tuple[float, list[ex.Path]]]


def _factor(path: ex.Path, v: Any) -> bool:
    """A number that may multiply: not an identifier's number ("zip", "customer_id": checked by shape)."""
    return ex.is_num(v) and bool(path) and not _value_kinds.id_key(path)


Groups = dict[ex.Path, list[tuple[ex.Path, float]]]  # a record's path -> its numeric leaves (path, number)


def record_groups(values: list[tuple[ex.Path, Any]]) -> Groups:
    """The numeric leaves of each record outside lists (by the record's path), however many: what
    `records` and `record_differences` keep of a result (`_run_facts.StepFacts.groups`: once per result)."""
    out: Groups = {}
    for path, v in values:
        if _factor(path, v) and isinstance(path[-1], str) and not any(map(ex.is_int, path)):
            out.setdefault(path[:-1], []).append((path, float(v)))
    return out


def records(values: list[tuple[ex.Path, Any]], groups: Groups | None = None) -> Groups:
    """The numeric leaves of each record outside lists (by the record's path), records with at most
    MAX_FACTORS of them (`groups`: `record_groups(values)`, when already made)."""
    grouped = record_groups(values) if groups is None else groups
    return {k: nums for k, nums in grouped.items() if len(nums) <= MAX_FACTORS}


def record_products(values: list[tuple[ex.Path, Any]], groups: Groups | None = None) -> Products:
    """(path a, path b) -> (a x b, [a, b]) for every two numeric leaves of one record."""
    out: Products = {}
    for nums in records(values, groups).values():
        for i, (pa, x) in enumerate(nums):
            for pb, y in nums[i + 1 :]:
                out[(pa, pb)] = (x * y, [pa, pb])
    return out


def record_ratios(values: list[tuple[ex.Path, Any]], groups: Groups | None = None) -> Products:
    """(path a, path b) -> (a / b, [a, b]) for every two numeric leaves of one record (b not 0). A hotel's
    rooms booked and its rooms, each inside what the supporting runs saw and so is their difference, may
    hold a share no run had: 355 of 390 rooms (91%) after runs of 50% to 76%, where a peak rate starts at
    90% (main booked the standard rate, `families_heldout22b.py` h22b_hotel, seed 7)."""
    out: Products = {}
    for nums in records(values, groups).values():
        for i, (pa, x) in enumerate(nums):
            for pb, y in nums[i + 1 :]:
                if y:
                    out[(pa, pb)] = (x / y, [pa, pb])
    return out


def record_triples(
    values: list[tuple[ex.Path, Any]], groups: Groups | None = None
) -> dict[tuple[Any, ...], tuple[float, list[ex.Path]]]:
    """(a, b, c) -> (a x b x c, [a, b, c]) for every three numeric leaves of one record (of at most
    MAX_FACTORS). A slab's length, width and depth, each inside what the supporting runs saw and so is
    every product of two of them, hold a volume past every volume seen (6 x 6 x 0.3 m = 10.8 m3 after
    12 x 3 x 0.15, 3 x 12 x 0.15 and 3 x 3 x 0.6, 5.4 m3 each): main booked the small pump
    (`families_heldout22.py` h22_slab, seed 41)."""
    out: dict[tuple[Any, ...], tuple[float, list[ex.Path]]] = {}
    for nums in records(values, groups).values():
        for i, (pa, x) in enumerate(nums):
            for j, (pb, y) in enumerate(nums[i + 1 :], i + 1):
                for pc, z in nums[j + 1 :]:
                    out[(pa, pb, pc)] = (x * y * z, [pa, pb, pc])
    return out


MAX_DIFF_LEAVES = 6  # numeric leaves of one record that pair up in differences (more: a table)
MAX_DIFF_PAIRS = 24  # differences per result (the pairs grow with the square)
# the starts of the record keys that pair two reads' numbers: `read_differences`, `read_ratios`, `read_triples`,
# and `_seen_derived`'s dates of two reads ("~xend"), `_seen_units.read_sums` ("~xsum")
ACROSS_KEYS = ('["~xdiff"', '["~xratio"', '["~xend"', '["~xprod"', '["~xsum"')


def _record_leaves(
    values: list[tuple[ex.Path, Any]], most: int, groups: Groups | None = None
) -> list[list[tuple[ex.Path, float]]]:
    grouped = record_groups(values) if groups is None else groups
    return [sorted(nums, key=lambda pv: repr(pv[0])) for nums in grouped.values() if len(nums) <= most]


def record_differences(values: list[tuple[ex.Path, Any]], groups: Groups | None = None) -> Products:
    """(a, b) -> (b - a, [the paths of this result]) for every two numbers of one record (a before b in
    path order) and of one plain text of the result (a and b: (path, "#k") by place). Engine hours now
    minus engine hours at the last service, each inside the hours seen, may be past every interval a
    supporting run showed (`families_heldout12.py` h12_haul); so may two hour counts in a log line
    (`families_heldout12b.py`). Across two reads: `read_differences`."""
    text_numbers = _text_numbers()
    out: Products = {}
    parts: list[tuple[ex.Path | None, list[tuple[ex.Path, float]]]] = [
        (None, nums) for nums in _record_leaves(values, MAX_DIFF_LEAVES, groups)
    ]
    for path, v in values:
        if isinstance(v, str) and not (path and _value_kinds.id_key(path)):
            found = text_numbers(v)
            if 2 <= len(found) <= MAX_DIFF_LEAVES:
                parts.append((path, [((*path, f"#{k}"), x) for k, x in enumerate(found)]))
    for text_path, nums in parts:
        for i, (pa, x) in enumerate(nums):
            for pb, y in nums[i + 1 :]:
                if len(out) < MAX_DIFF_PAIRS:
                    out[(pa, pb)] = (y - x, [text_path] if text_path is not None else [pa, pb])
    return out


MAX_READ_NUMBERS = 6  # numbers of one read that pair with another read's (more: a table)
Numbers = list[tuple[ex.Path, ex.Path, float]]  # (path, the operand's path, number) of one read
Across = tuple[list[tuple[int, Numbers]], Numbers]  # (the earlier reads' numbers by step, this read's)


def plain_text(values: list[tuple[ex.Path, Any]]) -> bool:
    """Whether a result's values are one plain text (at the path [])."""
    return len(values) == 1 and values[0][0] == () and isinstance(values[0][1], str)


def read_numbers(values: list[tuple[ex.Path, Any]], masks: list[str]) -> Numbers:
    """(path, the path whose consumption decides, number) of the numbers of one read that pair with
    another read's (`read_differences`): its numeric leaves outside lists (not an identifier's), or the
    numbers of a plain-text result once rule 1's masks (goal values, the calls' arguments) are out
    ("Type 657: capacity 5000 L" read for the type "Type 657": (("#0",), (), 5000)); none when there are
    more than MAX_READ_NUMBERS (a table)."""
    out: Numbers
    if plain_text(values):
        found = _text_numbers()(masked(values[0][1], masks))
        out = [((f"#{k}",), (), x) for k, x in enumerate(found)]
    else:
        leaves = [(p, float(v)) for p, v in values if _factor(p, v) and not any(map(ex.is_int, p))]
        out = [(p, p, x) for p, x in leaves[: MAX_READ_NUMBERS + 1]]
    return out if len(out) <= MAX_READ_NUMBERS else []


def read_differences(across: Across) -> Products:
    """(("@step", j, *a), b) -> (b - a, [the operands' paths]) for each number a of an earlier read j
    (`across`: the earlier steps whose tool the plan calls once, as it calls this one's:
    `_seen_derived.called_once`) and each number b of this result (`read_numbers`), at most
    MAX_DIFF_PAIRS: a boiler's rated maximum (one read) minus its gauge's pressure (another read), each
    inside what the supporting runs saw, 0.2 bar apart where every supporting run had 0.5 bar or more
    and fired it (`families_heldout12b.py` h12b_boiler)."""
    out: Products = {}
    reads, mine = across
    for j, nums in reads:
        for pa, ca, x in nums:
            for pb, cb, y in mine:
                if len(out) >= MAX_DIFF_PAIRS:
                    return out
                out[(("@step", j, *pa), pb)] = (y - x, [("@step", j, *ca), cb])
    return out


def read_ratios(across: Across) -> Products:
    """(("@step", j, *a), b) -> (b / a, [the operands' paths]) for the pairs of `read_differences` whose
    two numbers are both above zero: a 3D printer's spool of 170 g against a file of 155 g, each inside
    what the supporting runs saw and 15 g apart as some of them were (a 28 g file on a 38 g spool), while
    every supporting run's spool held 1.3 times its file or more and a job of 155 g needs 15% more than
    itself (purge, supports: `families_heldout20.py` h20_print). A limit of one read's number against
    another's is often a share of it, not a distance from it; so is a conversion between the two reads'
    units (feet against metres), which the difference does not see either."""
    out: Products = {}
    reads, mine = across
    for j, nums in reads:
        for pa, ca, x in nums:
            for pb, cb, y in mine:
                if len(out) >= MAX_DIFF_PAIRS:
                    return out
                if x > 0 and y > 0:
                    out[(("@step", j, *pa), pb)] = (y / x, [("@step", j, *ca), cb])
    return out


def read_triples(across: Across) -> dict[tuple[Any, ...], tuple[float, list[ex.Path]]]:
    """(a, b, c) -> (a x b x c, [the operands' paths]) for two numbers of one read and one of the other, of
    an earlier read j and this one (as `read_differences` pairs them), at most MAX_DIFF_PAIRS: a museum
    loan's value and months (one read) and the insurer's rate per month (another), each pair's product
    inside what the supporting runs saw, the premium past every premium seen and past the 5000 EUR the
    board must approve (`families_heldout25.py` h25_artloan, main bound the cover three times at seed 7)."""
    out: dict[tuple[Any, ...], tuple[float, list[ex.Path]]] = {}
    reads, mine = across
    for j, nums in reads:
        theirs = [(("@step", j, *pa), ("@step", j, *ca), x) for pa, ca, x in nums]
        for one, two in ((theirs, mine), (mine, theirs)):
            for k, (pa, ca, x) in enumerate(two):
                for pb, cb, y in two[k + 1 :]:
                    for pc, cc, z in one:
                        if len(out) >= MAX_DIFF_PAIRS:
                            return out
                        out[(pa, pb, pc)] = (x * y * z, [ca, cb, cc])
    return out


def digit_fields(values: list[tuple[ex.Path, Any]]) -> Products:
    """((path, width, k), ()) -> (the k-th pair of digits as a number, [path]) for every text leaf that is a
    string of 4, 6 or 8 digits (not an identifier's key): a number written as fixed-width digits is often
    fields written together (a tyre's DOT code "4018": week 40 of 2018; "HHMM"; "MMDDYY"; "YYYYMMDD"),
    whose whole number may lie inside the range the supporting runs saw ("0824" .. "4521") while a field
    does not (the year 18 where every run's was 21..24: a tyre of eight years fitted,
    `families_heldout20.py` h20_tyre). Each pair of digits is range-checked as well as the whole (pairs:
    the fields of such codes are two digits wide, a year of four is two pairs); a width no run showed is
    a key none of them recorded."""
    out: Products = {}
    for path, v in values:
        if (
            isinstance(v, str)
            and len(v) in (4, 6, 8)
            and v.isascii()
            and v.isdigit()
            and path
            and not _value_kinds.id_key(path)
            and len(out) < 4 * MAX_FACTORS
        ):
            for k in range(len(v) // 2):
                out[((path, len(v), k), ())] = (float(v[2 * k : 2 * k + 2]), [path])
    return out


def weighted_sums(values: list[tuple[ex.Path, Any]]) -> Products:
    """(pattern a, pattern b) -> (sum over the items of a x b, the paths) for every two numeric leaves that
    every item of a list has (lines[*].qty x lines[*].unit_eur)."""
    items: dict[tuple[Any, ...], dict[ex.Path, dict[Any, tuple[ex.Path, float]]]] = {}
    for path, v in values:
        if _factor(path, v) and len(path) >= 2 and isinstance(path[-2], int):
            parent = tuple("*" if isinstance(x, int) else x for x in path[:-1])
            items.setdefault(parent, {}).setdefault(path[:-1], {})[path[-1]] = (path, float(v))
    out: Products = {}
    for parent, by_item in items.items():
        keys = sorted({k for leaves in by_item.values() for k in leaves}, key=str)
        if len(keys) > MAX_FACTORS:
            continue
        for i, ka in enumerate(keys):
            for kb in keys[i + 1 :]:
                if all(ka in leaves and kb in leaves for leaves in by_item.values()):
                    pairs = [(leaves[ka], leaves[kb]) for leaves in by_item.values()]
                    total = sum(a[1] * b[1] for a, b in pairs)
                    out[((*parent, ka), (*parent, kb))] = (total, [p for a, b in pairs for p in (a[0], b[0])])
    return out
