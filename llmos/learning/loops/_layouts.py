"""How one plan's steps are laid out as copies of a per-item segment (`_loop.learn` tries each).

- one after the other: copy j's m calls, then copy j+1's (each copy its own turns, the same in every copy);
- side by side (`par`): turn r of the segment holds `sizes[r]` calls of every copy (the model called
  every item at once);
- by phases (`PHASES`): step 0 of every copy, in the list's order, then step 1 of every copy, each call
  in a turn of its own.

Every layout gives the turn structure (`ranks`) that every plan of one loop must share.
"""

from __future__ import annotations

import itertools
from typing import Any

from llmos.learning.loops._canon import Layout, group_ranks, seg_turn
from llmos.learning.plans import Plan

PHASES = "phases"


def _blocks_ordered(groups: list[int], bounds: list[tuple[int, int]]) -> bool:
    blocks = [groups[s:e] for s, e in bounds if e > s]
    return all(max(x) < min(y) for x, y in itertools.pairwise(blocks))


def layout_of(
    plan: Plan, items: tuple[int, ...], a: int, m: int, par: bool | str
) -> tuple[Layout, tuple[Any, ...]] | str:
    """The plan's steps read as a list of `len(items)` copies (one after the other, side by side
    when `par`, or by phases when `par` is PHASES), and the turn structure every plan of the loop
    must share."""
    n, groups = len(items), [s.group for s in plan.steps]
    suffix = a + n * m
    pre_r, suf_r = group_ranks(groups[:a]), group_ranks(groups[suffix:])
    if par == PHASES:
        return _phases_of(plan, items, a, m, groups, (pre_r, suf_r))
    if not par:
        bounds = [(0, a)] + [(a + j * m, a + (j + 1) * m) for j in range(n)] + [(suffix, len(groups))]
        if not _blocks_ordered(groups, bounds):
            return "the calls of different items ran together (one turn for several items)"
        copies = [group_ranks(groups[s:e]) for s, e in bounds[1:-1]]
        if any(c != copies[0] for c in copies):
            return "the calls for different items were grouped differently"
        return Layout(plan, items, a, m), (pre_r, copies[0], suf_r, None)
    if not _blocks_ordered(groups, [(0, a), (a, suffix), (suffix, len(groups))]):
        return "calls before, for and after the list ran in one turn"
    seg_r = group_ranks(groups[a:suffix])
    counts = [seg_r.count(r) for r in range(max(seg_r) + 1)]
    if any(c % n for c in counts) or sum(c // n for c in counts) != m:
        return "the calls for different items were grouped differently"
    sizes = tuple(c // n for c in counts)
    lay = Layout(plan, items, a, m, sizes)
    turns = [seg_turn(m, sizes, t) for t in range(m)]
    if any(seg_r[lay.index(j, t) - a] != turns[t] for j in range(n) for t in range(m)):
        return "the calls for different items were grouped differently"
    return lay, (pre_r, turns, suf_r, sizes)


def _phases_of(
    plan: Plan, items: tuple[int, ...], a: int, m: int, groups: list[int], ranks: tuple[list[int], list[int]]
) -> tuple[Layout, tuple[Any, ...]] | str:
    """By phases: step 0 of every copy, in the list's order, then step 1 of every copy, ... each call
    in a turn of its own (a model that reads every item before it writes for any, one call at a time).
    The same per-item segment as one after the other, only in another order: every copy still takes its
    own item and reads only its own copy's results (`_canon`), so rule 1 runs before each call, and
    before the first write every item's reads are in. Only for a segment of two calls or more (with one
    it is the same order as one after the other)."""
    n, suffix = len(items), a + len(items) * m
    if m < 2:
        return "a segment of one call has no phases"
    if not _blocks_ordered(groups, [(0, a), (a, suffix), (suffix, len(groups))]):
        return "calls before, for and after the list ran in one turn"
    if group_ranks(groups[a:suffix]) != list(range(n * m)):
        return "the calls for different items were grouped differently"
    sizes = (1,) * m
    return Layout(plan, items, a, m, sizes), (ranks[0], PHASES, ranks[1], sizes)
