"""Rule 1's products: two numeric leaves of one record (and their difference), and weighted sums over a
list's items (the quantities `_seen_derived` records under "~prod", "~diff" and "~wsum"; `_envelope_facts`
relates the products to goal numbers; see `_seen_derived`'s docstring)."""

from __future__ import annotations

from typing import Any

from llmos.learning import _value_kinds
from llmos.learning import explain as ex

MAX_FACTORS = 4  # numeric leaves of one record or list item that pair up (more: a table); also goal numbers
Products = dict[tuple[Any, Any], tuple[float, list[ex.Path]]]


def _factor(path: ex.Path, v: Any) -> bool:
    """A number that may multiply: not an identifier's number ("zip", "customer_id": checked by shape)."""
    return ex.is_num(v) and bool(path) and not _value_kinds.id_key(path)


def records(values: list[tuple[ex.Path, Any]]) -> dict[ex.Path, list[tuple[ex.Path, float]]]:
    """The numeric leaves of each record outside lists (by the record's path), records with at most
    MAX_FACTORS of them."""
    out: dict[ex.Path, list[tuple[ex.Path, float]]] = {}
    for path, v in values:
        if _factor(path, v) and isinstance(path[-1], str) and not any(isinstance(x, int) for x in path):
            out.setdefault(path[:-1], []).append((path, float(v)))
    return {k: nums for k, nums in out.items() if len(nums) <= MAX_FACTORS}


def record_products(values: list[tuple[ex.Path, Any]]) -> Products:
    """(path a, path b) -> (a x b, [a, b]) for every two numeric leaves of one record."""
    out: Products = {}
    for nums in records(values).values():
        for i, (pa, x) in enumerate(nums):
            for pb, y in nums[i + 1 :]:
                out[(pa, pb)] = (x * y, [pa, pb])
    return out


def record_differences(values: list[tuple[ex.Path, Any]]) -> Products:
    """(path a, path b) -> (b - a, [a, b]) for every two numeric leaves of one record, a before b in
    path order: engine hours now minus engine hours at the last service, each inside the hours seen,
    may be past every interval a supporting run showed (`families_heldout12.py` h12_haul)."""
    out: Products = {}
    for nums in records(values).values():
        ordered = sorted(nums, key=lambda pv: repr(pv[0]))
        for i, (pa, x) in enumerate(ordered):
            for pb, y in ordered[i + 1 :]:
                out[(pa, pb)] = (y - x, [pa, pb])
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
