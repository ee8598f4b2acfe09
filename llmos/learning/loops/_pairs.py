"""Rule 1's goal-number pairs in the item's frame (`_seen_pairs`: a goal number x, /, -, + a result number).

A plan records them under the goal number's place among the goal's numbers ("goal#1") and an earlier
step by its index (("@step", 2, ...)). In a list both name another number, or another step, in every
copy and at every length: "goal#1" is the second item in one copy, the number after the list in a plan
of one item. So a segment's records are rewritten in the item's frame before copies are joined, the
way explanations are (`_canon`):

    "goal#k"  -> "goal@pre:i" (token i before the list), "goal@post:d" (d from the goal's end),
                 "goal@item" (this copy's own item); another copy's item: the record is dropped (the
                 ratio of vial 2's number with vial 1's volume means nothing, as `strip` drops the
                 differences across two reads of two copies)
    ("@step", j, ...) -> ("@pre", i, ...), ("@seg", t, ...) (this copy's step t), ("@suf", s, ...);
                 another copy's step: dropped

and written back for each copy of the live list (`localize`), so the pairs a supporting run showed
for an item are checked for every item, with the live list's own numbering. A date's "goal#k" counts
the goal's dates, not its numbers: those records ("~days") keep their keys, as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from llmos.learning._seen_pairs import KINDS, goal_numbers
from llmos.learning.goals import Token

Ref = tuple[Any, ...]
PAIRED = (*KINDS, "~goal")


def _parts(key: str) -> list[Any] | None:
    if not key.startswith(tuple(f'["{k}"' for k in PAIRED)) or not key.endswith("|n"):
        return None
    try:
        parts = json.loads(key[:-2])
    except ValueError:
        return None
    return parts if isinstance(parts, list) and len(parts) >= 2 and str(parts[1]).startswith("goal#") else None


def to_frame(seen: dict[str, Any], skeleton: list[Token], fn: Callable[[Ref], Ref | None]) -> dict[str, Any]:
    """The records with every goal-number pair in the item's frame (`fn`: `_canon.Layout.mapper`)."""
    where = {label: pos for label, _v, pos in goal_numbers(skeleton)}
    out: dict[str, Any] = {}
    for key, rec in seen.items():
        parts = _parts(key)
        if parts is None:
            out[key] = rec
            continue
        pos = where.get(parts[1])
        tok = fn(("tok", pos)) if pos is not None else None
        if tok is None:
            continue
        label = _label(tok[1])
        rest = [_step_to_frame(x, fn) for x in parts[2:]]
        if label is None or any(x is None for x in rest):
            continue
        out[json.dumps([parts[0], label, *rest]) + "|n"] = rec
    return out


def _label(where: Any) -> str | None:
    if where == ("item",):
        return "goal@item"
    if isinstance(where, tuple) and len(where) == 2 and where[0] in ("pre", "post"):
        return f"goal@{where[0]}:{where[1]}"
    return None


def _step_to_frame(x: Any, fn: Callable[[Ref], Ref | None]) -> Any:
    if not (isinstance(x, list) and x[:1] == ["@step"]):
        return x
    got = fn(("res", int(x[1]), tuple(x[2:])))
    if got is None:
        return None
    return [f"@{got[1][0]}", got[1][1], *x[2:]]


def localize(
    seen: dict[str, Any], tokens: list[Token], item: int | None, step_of: Callable[[str, int], int]
) -> dict[str, Any]:
    """The records of one copy (its item's token position; None outside the segment) with the live
    goal's numbering: "goal@..." -> "goal#k", ("@seg", t, ...) -> ("@step", index, ...)."""
    label_at = {pos: label for label, _v, pos in goal_numbers(tokens)}
    ntok = len(tokens)
    out: dict[str, Any] = {}
    for key, rec in seen.items():
        if not key.startswith(tuple(f'["{k}", "goal@' for k in PAIRED)):
            out[key] = rec
            continue
        parts = json.loads(key[:-2])
        kind, _, spot = str(parts[1]).partition("@")[2].partition(":")
        pos = item if kind == "item" else int(spot) if kind == "pre" else ntok - 1 - int(spot)
        label = label_at.get(pos) if pos is not None else None
        if label is None:
            continue  # no number there in this goal: nothing to pair
        rest = [["@step", step_of(x[0][1:], int(x[1])), *x[2:]] if _framed(x) else x for x in parts[2:]]
        out[json.dumps([parts[0], label, *rest]) + "|n"] = rec
    return out


def _framed(x: Any) -> bool:
    return isinstance(x, list) and len(x) >= 2 and x[0] in ("@pre", "@seg", "@suf")
