"""A loop's answer (rule 5): a part per item, repeated per item, with this run's values only.

Every plan the loop was learned from keeps its own answer template (`answers.py`). Read in the item's
frame (`_canon`), a template is: a head, then one part per item (each stating values of its own copy
only: the item, its results, its arguments), joined by the separators the answers used, then a tail.
The loop keeps a template only when every plan has a usable one and they all read so: the same head,
tail and per-item part (holes keep the references that explain them in every copy of every plan) and
the same separators. Written out for N items it is an ordinary template: `answers.render` states it
with this run's values, or the replay falls back to a listing. Anything else: no template.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

from llmos.learning import answers
from llmos.learning._answer_numbers import MAX_FIGURES_BEFORE
from llmos.learning._answer_picks import earlier_figures
from llmos.learning._answer_rules import template_fits
from llmos.learning.loops._canon import Layout, remap, try_remap
from llmos.learning.plans import Plan

Part = tuple[Any, ...]  # ("lit", text) | ("G", cands): a value of the whole run | ("I", cands): of this item


@dataclass(frozen=True)
class LoopAnswer:
    head: tuple[Part, ...]
    item: tuple[Part, ...]
    tail: tuple[Part, ...]
    inner: str | None  # between items but the last two (None: never seen)
    last: str  # before the last item
    fits: int = 0  # supporting runs the plans' templates fit, all plans together (rule 5's evidence)


def learn(found: list[tuple[Plan, Layout]]) -> LoopAnswer | None:
    """The loop's answer template, when every plan's template reads as a part per item."""
    out: LoopAnswer | None = None
    for plan, lay in found:
        mine = _read(plan, lay)
        if mine is None:
            return None
        out = mine if out is None else _join(out, mine)
        if out is None:
            return None
    if out is None:
        return None
    # the evidence for the loop's template is the runs each plan's template fits: a plan whose template
    # fits only its last runs leaves the loop's below its support, and a computed number is not said
    return dataclasses.replace(out, fits=sum(template_fits(plan.answer) for plan, _lay in found))


def _read(plan: Plan, lay: Layout) -> LoopAnswer | None:
    if not answers.usable(plan.answer):
        return None
    mapped: list[tuple[Part, int | None]] = []
    for p in plan.answer[1:]:
        got = _part(p, lay)
        if got is None:
            return None
        mapped.append(got)
    places = [[i for i, (_p, j) in enumerate(mapped) if j == k] for k in range(lay.n)]
    if not any(places):  # the answer states values of the whole run only (a total): no part per item
        return LoopAnswer(tuple(p for p, _j in mapped), (), (), None, "")
    if any(not x for x in places):
        return None  # an item the answer does not state
    spans = [(x[0], x[-1]) for x in places]
    seps: list[str] = []
    for (_a0, a1), (b0, _b1) in itertools.pairwise(spans):
        between = mapped[a1 + 1 : b0]
        if len(between) != 1 or between[0][0][0] != "lit":
            return None
        seps.append(between[0][0][1])
    chunks = [tuple(p for p, _j in mapped[a : b + 1]) for a, b in spans]
    if any(j not in (None, k) for k, (a, b) in enumerate(spans) for _p, j in mapped[a : b + 1]):
        return None
    item: tuple[Part, ...] | None = chunks[0]
    for ch in chunks[1:]:
        item = _same(item, ch) if item is not None else None
    if item is None or len(set(seps[:-1])) > 1:
        return None
    head = tuple(p for p, _j in mapped[: spans[0][0]])
    tail = tuple(p for p, _j in mapped[spans[-1][1] + 1 :])
    return LoopAnswer(head, item, tail, seps[0] if len(seps) > 1 else None, seps[-1])


def _part(p: Any, lay: Layout) -> tuple[Part, int | None] | None:
    """A part of a plan's template in the item's frame, with the copy it states (None: the whole run)."""
    if p[0] == "lit":
        return p, None
    if p[0] != "hole":
        return None
    tried = [(c, try_remap(c, lay.mapper(None))) for c in p[1]]
    whole = tuple(m for _c, m in tried if m is not None)
    if whole:
        if any(m is None and not _reads_arguments(c) and not lay.reads_every_copy(c) for c, m in tried):
            return None  # a value of the whole run that may also be one item's: ambiguous (rule 2)
        return ("G", whole), None
    per = [(j, tuple(c for c in (try_remap(c, lay.mapper(j)) for c in p[1]) if c is not None)) for j in range(lay.n)]
    hits = [(j, cs) for j, cs in per if cs]
    if len(hits) != 1:
        return None
    return ("I", hits[0][1]), hits[0][0]


def _reads_arguments(node: Any) -> bool:
    """A call's arguments (a copy's argument read by the answer is a copy of what explains it, which
    the hole holds as well: not another hypothesis)."""
    if isinstance(node, tuple) and len(node) == 3 and node[0] == "arg":
        return True
    return isinstance(node, tuple) and any(_reads_arguments(x) for x in node)


def _same(a: tuple[Part, ...], b: tuple[Part, ...]) -> tuple[Part, ...] | None:
    """Two readings of one run of parts, joined (holes keep the references both kept), or None."""
    if len(a) != len(b):
        return None
    out: list[Part] = []
    for x, y in zip(a, b, strict=True):
        if x[0] != y[0]:
            return None
        if x[0] == "lit":
            if x[1] != y[1]:
                return None
            out.append(x)
            continue
        keep = [c for c in x[1] if c in set(y[1])]
        if not keep:
            return None
        out.append((x[0], tuple(keep)))
    return tuple(out)


def _join(a: LoopAnswer, b: LoopAnswer) -> LoopAnswer | None:
    head, item, tail = _same(a.head, b.head), _same(a.item, b.item), _same(a.tail, b.tail)
    if head is None or item is None or tail is None or a.last != b.last:
        return None
    if a.inner is not None and b.inner is not None and a.inner != b.inner:
        return None
    return LoopAnswer(head, item, tail, a.inner if a.inner is not None else b.inner, a.last)


def materialize(ans: LoopAnswer | None, frame: Any, n: int) -> list[Any]:
    """The template for a list of n items ([] when it cannot be written: no template, or separators
    between three or more items never seen)."""
    if ans is None or (n > 2 and ans.inner is None and ans.item):
        return []

    def part(p: Part, j: int | None) -> Any:
        if p[0] == "lit":
            return p
        return ("hole", tuple(remap(c, frame(j if p[0] == "I" else None)) for c in p[1]))

    out: list[Any] = [("answer", ans.fits or answers.MIN_FITS), *(part(p, None) for p in ans.head)]
    for j in range(n if ans.item else 0):
        if j:
            out.append(("lit", ans.last if j == n - 1 else ans.inner))
        out += [part(p, j) for p in ans.item]
    out += [part(p, None) for p in ans.tail]
    return out


def judged_by_every_plan(plan: Plan, plans: list[Plan]) -> None:
    """The loop's plan for one live list answers only as every plan it was learned from would: a listing
    never stands in for a figure an answer of any of them stated (the example is the first plan's; the
    figures of the others join it as earlier figures: `_answer_numbers.plan_figures`). And when the loop
    has no template (a listing) and one of them holds runs that did not teach its answer (`Plan.fit_runs`:
    a contradicted template, runs a sibling lent), no result of this run is one like those of the runs
    that taught it (`_seen_answer.listing_problem`: the segment's records join every run, and which of
    them taught the answer is not kept per item): the model answers."""
    example = dict(plan.example)
    figures = list(example.get("figures_before") or [])
    stated = bool(example.get("stated_before"))
    for p in plans:
        if p.example is plan.example or p.example == example:
            continue
        got = earlier_figures(p.example)  # the figures it worked out and whether it stated any
        figures += [f for f in got.get("figures_before", []) if f not in figures]
        stated = stated or bool(got.get("stated_before"))
    if figures:
        example["figures_before"] = figures[:MAX_FIGURES_BEFORE]
    if stated:
        example["stated_before"] = True
    plan.example = example
    if not plan.answer and any(p.fit_runs for p in plans):  # a listing (a template keeps `LoopAnswer.fits`)
        for step in plan.steps:
            step.fit_seen = {}
        plan.fit_runs, plan.fit_ref = 1, []
