"""The list in a goal: where a plan's skeleton holds one, and how a live goal's list parses.

A plan's skeleton holds a list when two or more of its slots are joined by separators, the same
separator between every pair but the last (`,`) and a final one that says "and" (`and`, `&`, or the
serial `, and`): "Ship the parcels to {a} , {b} and {c}". Exactly one such run of slots, or none.

A live goal's list is read with the separators the evidence used, and nothing else: items joined by
the inner separator, the last one by the final separator, or a single item. Every item is one plain
word or number that is neither a separator nor a constant word of the skeleton (an anchor), and no
item repeats another.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmos.learning.goals import Token
from llmos.learning.plans import Plan

SEPARATORS = frozenset([",", "and", "&"])
FINAL_WORDS = frozenset(["and", "&"])
MAX_ITEMS = 10  # a longer list goes to the model


@dataclass(frozen=True)
class Region:
    """Where a plan's list is: its item positions and the separators between them."""

    items: tuple[int, ...]
    inner: tuple[str, ...]  # between all items but the last two ((): a list of two)
    last: tuple[str, ...]  # before the last item

    @property
    def start(self) -> int:
        return self.items[0]

    @property
    def end(self) -> int:
        return self.items[-1]


def _seps_between(plan: Plan, a: int, b: int) -> tuple[str, ...] | None:
    seg = plan.skeleton[a + 1 : b]
    if not seg or any(i in plan.slots for i in range(a + 1, b)):
        return None
    texts = tuple(t.text.lower() for t in seg)
    return texts if all(t in SEPARATORS for t in texts) else None


def region(plan: Plan) -> Region | None:
    """The plan's one list of slots, or None (no list, or more than one)."""
    slots = sorted(p for p in plan.slots if plan.skeleton[p].kind in ("word", "number"))
    runs: list[list[tuple[int, tuple[str, ...]]]] = []
    for p in slots:
        if runs and (seps := _seps_between(plan, runs[-1][-1][0], p)) is not None:
            runs[-1].append((p, seps))
        else:
            runs.append([(p, ())])
    lists = [r for r in runs if len(r) >= 2]
    if len(lists) != 1:
        return None
    run = lists[0]
    between = [s for _p, s in run[1:]]
    last, inner = between[-1], between[:-1]
    if not (set(last) & FINAL_WORDS) or len(set(inner)) > 1 or (inner and set(inner[0]) & FINAL_WORDS):
        return None
    return Region(tuple(p for p, _s in run), inner[0] if inner else (), last)


def parse(tokens: list[Token], inner: tuple[str, ...] | None, last: tuple[str, ...]) -> list[int] | None:
    """The positions of the items of a live list (all of `tokens`), or None when it does not parse with
    these separators (`inner` None: the evidence never showed a list of three or more)."""
    n = len(tokens)
    if n == 1:
        return [0] if _plain(tokens[0]) else None
    if n < 1 + len(last) + 1:
        return None
    k = len(inner or ())
    # n = items + (items - 2) * k + len(last)  ->  items = (n - len(last) + 2k) / (1 + k)
    top = n - len(last) + 2 * k
    if top % (1 + k):
        return None
    count = top // (1 + k)
    if count < 2 or count > MAX_ITEMS or (count > 2 and inner is None):
        return None
    want: list[tuple[str, ...] | None] = []
    for j in range(count):
        want.append(None)
        if j < count - 2:
            want.extend((s,) for s in inner or ())
        elif j == count - 2:
            want.extend((s,) for s in last)
    if len(want) != n:
        return None
    items = []
    for i, (tok, w) in enumerate(zip(tokens, want, strict=True)):
        if w is None:
            if not _plain(tok):
                return None
            items.append(i)
        elif tok.text.lower() != w[0]:
            return None
    return items


def _plain(tok: Token) -> bool:
    return tok.kind in ("word", "number") and tok.text.lower() not in SEPARATORS
