"""Rule 1 for a list item's derived quantities: keyed by the item's role, not by its position.

A quantity made of the leaves of one list item (a date plus its period, the days between two dates, a
product or a difference of one record) was keyed by the item's index: `appliances[0].bought +
appliances[0].warranty_years`. The goal's item is not always at the same place: where another item
held index 0 in the supporting runs (an appliance out of warranty, -83 and -228 days), the range at that
position held the goal item's trap too, and a repair 92 days out of warranty was claimed
(`families_heldout16c.py` h16c_warranty, seed 41). So an item holding a goal value (a string leaf equal
to a goal word, number or quoted text, any case: the appliance's serial) is keyed "@g0", "@g1", ... (in
list order), and is compared only with the goal's items of the supporting runs; the other items keep
their index (a goal item's quantity no supporting run showed stops the replay, as any other).
"""

from __future__ import annotations

import operator
from typing import Any

from llmos.learning import explain as ex
from llmos.learning.goals import STOPWORDS, Token

Roles = dict[tuple[Any, ...], str]  # the path of a list item (ending at its index) -> its role


def goal_items(values: list[tuple[ex.Path, Any]], tokens: list[Token]) -> Roles:
    """The list items of a result that hold a goal value, by their path, with their role."""
    texts = _goal_texts(tokens)
    out: Roles = {}
    if not texts:
        return out
    counts: dict[tuple[Any, ...], int] = {}
    for path, v in values:
        if not (isinstance(v, str) and v.strip().lower() in texts):
            continue
        for k, x in enumerate(path):
            if not isinstance(x, int) or isinstance(x, bool):  # a key: no item ends here
                continue
            item = tuple(path[: k + 1])
            if item not in out:
                n = counts.get(item[:-1], 0)
                counts[item[:-1]] = n + 1
                out[item] = f"@g{n}"
    return out


def _goal_texts(tokens: list[Token]) -> frozenset[str]:
    """The goal values (in lower case) an item may hold. Every step of a run asks with the same tokens
    (immutable): the last answer is given again while they are the very same objects."""
    global _last
    snap, texts = _last
    if len(snap) == len(tokens) and all(map(operator.is_, snap, tokens)):
        return texts
    texts = frozenset(
        t.text.strip().lower()
        for t in tokens
        if t.kind in ("word", "number", "quoted") and len(t.text.strip()) >= 2 and t.text.lower() not in STOPWORDS
    )
    _last = (tuple(tokens), texts)
    return texts


_last: tuple[tuple[Token, ...], frozenset[str]] = ((), frozenset())  # the last goal's tokens and their texts


def role(path: ex.Path, roles: Roles) -> ex.Path:
    """The path with the index of each goal item replaced by its role."""
    if not roles or not any(map(ex.is_int, path)):
        return path
    return tuple(roles.get(tuple(path[: k + 1]), x) if isinstance(x, int) else x for k, x in enumerate(path))


def roled(values: list[tuple[ex.Path, Any]], roles: Roles) -> list[tuple[ex.Path, Any]]:
    """The values of the goal's items, each at its path with the item's role (none when no item holds a
    goal value): rule 1's plain values of a goal item, recorded and checked under its role as well as
    under its position (`_seen.record`, `_seen.seen_problem`)."""
    if not roles:
        return []
    out = []
    for p, v in values:
        r = role(p, roles)
        if r != p:
            out.append((r, v))
    return out


MAX_FROM_END = 3  # the last items of a list, keyed by their place from the end too


def lengths(values: list[tuple[ex.Path, Any]]) -> dict[ex.Path, int]:
    """The number of items of each list of a result (its path, outer indices kept -> its length)."""
    out: dict[ex.Path, int] = {}
    for p, _v in values:
        if not any(map(ex.is_int, p)):  # a path through no list (most values): nothing to count
            continue
        for k, x in enumerate(p):
            if isinstance(x, int) and not isinstance(x, bool):
                key = tuple(p[:k])
                if out.get(key, 0) <= x:
                    out[key] = x + 1
    return out


def from_end(values: list[tuple[ex.Path, Any]], sizes: dict[ex.Path, int]) -> list[tuple[ex.Path, Any]]:
    """The values of the last MAX_FROM_END items of every list of two items or more, each at its path with
    the item's place from the end ("@-1": the last) in place of its index. A log read oldest first has
    its latest readings at the end, whatever its length: a chairlift's three latest gusts (the lift opens
    only when each is under 60 km/h) at indices that earlier, longer logs filled with older gusts of 85
    km/h, so each index's range held a latest gust of 63 (`families_heldout25.py` h25_chair, seed 41).
    `sizes`: the lists' lengths (`lengths`) of the whole result (`values` may be a part of it)."""
    out = []
    for p, v in values:
        if not any(map(ex.is_int, p)):  # a path through no list (most values): k would be -1
            continue
        k = max((n for n, x in enumerate(p) if isinstance(x, int) and not isinstance(x, bool)), default=-1)
        if k < 0:
            continue
        size = sizes.get(tuple(p[:k]), 0)
        back = size - int(p[k])
        if size >= 2 and 1 <= back <= MAX_FROM_END:
            out.append(((*p[:k], f"@-{back}", *p[k + 1 :]), v))
    return out
