"""How one plan's steps are laid out as copies of a per-item segment (`_loop.learn` tries each).

- one after the other: copy j's m calls, then copy j+1's (each copy its own turns, the same in every copy);
- side by side (`par`): turn r of the segment holds `sizes[r]` calls of every copy (the model called
  every item at once).

Not learned: by phases (step 0 of every copy, then step 1 of every copy, each call a turn of its own): a
first version replayed it, and its answer (a listing, "Done.") left out the count the runs stated.

Every layout gives the turn structure (`ranks`) that every plan of one loop must share.
"""

from __future__ import annotations

import itertools
from typing import Any

from llmos.learning.loops._canon import Layout, group_ranks, seg_turn
from llmos.learning.plans import Plan


def _blocks_ordered(groups: list[int], bounds: list[tuple[int, int]]) -> bool:
    blocks = [groups[s:e] for s, e in bounds if e > s]
    return all(max(x) < min(y) for x, y in itertools.pairwise(blocks))


def layout_of(plan: Plan, items: tuple[int, ...], a: int, m: int, par: bool) -> tuple[Layout, tuple[Any, ...]] | str:
    """The plan's steps read as a list of `len(items)` copies (one after the other, or side by side
    when `par`), and the turn structure every plan of the loop must share."""
    n, groups = len(items), [s.group for s in plan.steps]
    suffix = a + n * m
    pre_r, suf_r = group_ranks(groups[:a]), group_ranks(groups[suffix:])
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
