"""One plan's list as the loop sees it: every step, explanation and fact in a frame relative to the item.

A plan with n items and k steps is read as `a` steps before the list, n copies of an `m`-step segment
(copy j consumes item j), and `b` steps after it. Every reference is rewritten relative to that frame:

    ("tok", ("pre", i))        goal token i before the list          ("tok", ("post", d))  d from the end
    ("tok", ("item",))         this copy's item
    ("res", ("pre", i), path)  a step before the list                 ("res", ("suf", s), path)  after it
    ("res", ("seg", t), path)  step t of this copy

A reference to another copy's item or result, to a separator, to an item from outside the segment, or
to a segment result from after it has no such form: the explanation (or fact) that needs it is no
per-item explanation and is dropped. What is left must agree for every copy of every plan: explanations
and facts are intersected, what the results showed is united (it is what the per-item step saw).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from llmos.learning import _described_tables, envelope
from llmos.learning import _seen_mentions as _mentions
from llmos.learning.plans import Plan, PlanStep

Ref = tuple[Any, ...]
Mapper = Callable[[Ref], Ref | None]


class _Unmapped(Exception):
    pass


def remap(node: Any, fn: Mapper) -> Any:
    """`node` with every ("tok", x), ("res", x, path) and (answers) ("arg", x, path) reference passed
    through `fn`; raises `_Unmapped` when `fn` has no form for one."""
    if not isinstance(node, tuple):
        return node
    if len(node) == 4 and node[0] == "txt":  # a plain text's number: its step maps as the text's would
        step = fn(("res", node[1], ()))
        if step is None:
            raise _Unmapped
        return ("txt", step[1], node[2], node[3])
    if (len(node) == 2 and node[0] == "tok") or is_list_source(node) or (
        len(node) == 3 and node[0] in ("res", "arg") and isinstance(node[2], tuple)
    ):
        out = fn(node)
        if out is None:
            raise _Unmapped
        return out
    return tuple(remap(x, fn) for x in node)


def is_list_source(node: Any) -> bool:
    """A list an aggregate or pick reads (`_explain_agg`): ("refs", refs), ("all", ref), or in the
    item's frame ("each", ref): the ref once per copy of the segment."""
    return (
        isinstance(node, tuple) and len(node) == 2 and node[0] in ("refs", "all", "each") and isinstance(node[1], tuple)
    )


def try_remap(node: Any, fn: Mapper) -> Any | None:
    try:
        return remap(node, fn)
    except _Unmapped:
        return None


def seg_index(a: int, m: int, n: int, sizes: tuple[int, ...] | None, j: int, t: int) -> int:
    """The step index of step t of copy j. `sizes` None: the copies one after the other (each its own
    turns); else the copies side by side: turn r of the segment holds `sizes[r]` calls of every copy,
    copy by copy in the list's order (the model called all items at once)."""
    if sizes is None:
        return a + j * m + t
    before, r = 0, 0
    while t - before >= sizes[r]:
        before += sizes[r]
        r += 1
    return a + n * before + j * sizes[r] + (t - before)


def seg_turn(m: int, sizes: tuple[int, ...] | None, t: int) -> int:
    """Side by side: the turn of the segment that step t is in (one after the other: not used)."""
    if sizes is None:
        return t
    before, r = 0, 0
    while t - before >= sizes[r]:
        before += sizes[r]
        r += 1
    return r


@dataclass(frozen=True)
class Layout:
    """One plan's list and segment: `a` steps before, `n` copies of `m` steps, the rest after."""

    plan: Plan
    items: tuple[int, ...]
    a: int
    m: int
    sizes: tuple[int, ...] | None = None

    @property
    def n(self) -> int:
        return len(self.items)

    @property
    def suffix(self) -> int:
        return self.a + self.n * self.m

    def index(self, j: int, t: int) -> int:
        return seg_index(self.a, self.m, self.n, self.sizes, j, t)

    def where(self, step: int) -> tuple[int, int] | None:
        """(copy, step in the segment) of a step inside the segment."""
        if not self.a <= step < self.suffix:
            return None
        if self.sizes is None:
            return (step - self.a) // self.m, (step - self.a) % self.m
        return next((j, t) for j in range(self.n) for t in range(self.m) if self.index(j, t) == step)

    def mapper(self, j: int | None) -> Mapper:
        """References of copy j (None: outside the segment) into the item's frame."""
        first, last, ntok = self.items[0], self.items[-1], self.plan.ntokens

        def fn(ref: Ref) -> Ref | None:
            if ref[0] in ("refs", "all", "each"):
                return self._list_source(ref, j, fn)
            if ref[0] == "tok":
                pos = ref[1]
                if not isinstance(pos, int):
                    return None
                if pos < first:
                    return ("tok", ("pre", pos))
                if pos > last:
                    return ("tok", ("post", ntok - 1 - pos))
                return ("tok", ("item",)) if j is not None and pos == self.items[j] else None
            step = ref[1]
            if not isinstance(step, int):
                return None
            kind = ref[0]  # "res" (a result) or "arg" (a call's arguments, in answer templates)
            if step < self.a:
                return (kind, ("pre", step), ref[2])
            if step >= self.suffix:
                return (kind, ("suf", step - self.suffix), ref[2])
            at = self.where(step)
            if j is not None and at is not None and at[0] == j:
                return (kind, ("seg", at[1]), ref[2])
            return None

        return fn


    def reads_every_copy(self, node: Any) -> bool:
        """Whether `node` reads every copy of the segment (its item or results), and nothing else that
        has no form outside the segment."""
        copies: set[int] = set()
        for ref in _refs_in(node):
            if ref[0] == "tok":
                if ref[1] in self.items:
                    copies.add(self.items.index(ref[1]))
                elif self.items[0] < ref[1] < self.items[-1]:
                    return False  # a separator
            elif isinstance(ref[1], int) and (at := self.where(ref[1])) is not None:
                copies.add(at[0])
        return len(copies) == self.n

    def _list_source(self, src: Ref, j: int | None, fn: Mapper) -> Ref | None:
        """A list read outside the segment: one value of every copy, in order, is ("each", ref) in the
        item's frame; any other list maps reference by reference."""
        if src[0] == "each":
            return None
        if src[0] == "all":
            inner = fn(src[1])
            return None if inner is None else ("all", inner)
        rs = src[1]
        if j is None and len(rs) == self.n and rs:
            if all(r[0] == "tok" for r in rs) and tuple(r[1] for r in rs) == self.items:
                return ("each", ("tok", ("item",)))
            if all(r[0] == "res" and r[2] == rs[0][2] for r in rs):
                steps = [r[1] for r in rs]
                for t in range(self.m):
                    if steps == [self.index(k, t) for k in range(self.n)]:
                        return ("each", ("res", ("seg", t), rs[0][2]))
        out = []
        for r in rs:
            got = fn(r)
            if got is None:
                return None
            out.append(got)
        return ("refs", tuple(out))


def _refs_in(node: Any) -> list[Ref]:
    if not isinstance(node, tuple):
        return []
    if len(node) == 2 and node[0] == "tok" and isinstance(node[1], int):
        return [node]
    if len(node) == 3 and node[0] in ("res", "arg") and isinstance(node[1], int) and isinstance(node[2], tuple):
        return [node]
    if len(node) == 4 and node[0] == "txt" and isinstance(node[1], int):
        return [("res", node[1], ())]
    return [r for x in node for r in _refs_in(x)]


@dataclass
class CStep:
    """One step in the item's frame, agreed by every copy of every plan."""

    name: str
    arguments: dict[str, Any]
    leaves: list[tuple[tuple[Any, ...], list[Any], str]]  # (path, explanations, type)
    result_shapes: list[Any] = field(default_factory=list)
    const_results: dict[str, Any] = field(default_factory=dict)
    echo_paths: list[str] = field(default_factory=list)
    ranges: dict[str, list[float]] = field(default_factory=dict)
    lengths: dict[str, int] = field(default_factory=dict)
    categories: dict[str, list[str]] = field(default_factory=dict)
    seen: dict[str, Any] = field(default_factory=dict)


def canon_step(step: PlanStep, fn: Mapper, strict: Layout | None = None) -> CStep | str:
    """The step in the item's frame. `strict` (a step before or after the list, in this layout): an
    explanation with no form there that reads some items but not all (one item, one copy's result) is
    a hypothesis that has a meaning for any list ("the first crate") which the loop could not check,
    so the step has no reading at all (rule 2: all hypotheses must agree, and that one is unknown). An
    explanation of this length only that reads every item (a + b + c) is the aggregate's own form."""
    leaves = []
    for lf in step.leaves:
        tried = [(c, try_remap(c, fn)) for c in lf.cands]
        cands = [m for _c, m in tried if m is not None]
        if strict is not None and any(m is None and not strict.reads_every_copy(c) for c, m in tried):
            path = ".".join(map(str, lf.path))
            return f"{step.name}.{path} may read one item of the list (or one item's result): ambiguous"
        leaves.append((lf.path, cands, lf.type))
    return CStep(
        step.name,
        step.arguments,
        leaves,
        list(step.result_shapes),
        dict(step.const_results),
        list(step.echo_paths),
        {k: list(v) for k, v in step.ranges.items()},
        dict(step.lengths),
        {k: list(v) for k, v in step.categories.items()},
        _mentions.strip(step.seen),  # a goal value's presence, differences across reads: they differ per item
    )


def join_steps(a: CStep, b: CStep, same_runs: bool) -> CStep | str:
    """Two readings of one step in the item's frame, joined; or why they are not the same step.
    `same_runs`: two copies of one plan (the same runs), else two plans (other runs)."""
    if a.name != b.name:
        return f"{a.name} where another item called {b.name}"
    if [p for p, _c, _t in a.leaves] != [p for p, _c, _t in b.leaves]:
        return f"{a.name} was called with other argument names for another item"
    leaves = []
    for (path, ca, ta), (_p, cb, tb) in zip(a.leaves, b.leaves, strict=True):
        keep = set(cb)
        cands = [c for c in ca if c in keep]
        if not cands:
            return f"{a.name}.{'.'.join(map(str, path))} is explained differently for different items"
        leaves.append(
            (path, cands, ta if ta == tb else "number" if {ta, tb} <= {"int", "float", "number"} else "mixed")
        )
    return CStep(
        a.name,
        a.arguments,
        leaves,
        a.result_shapes + [s for s in b.result_shapes if s not in a.result_shapes],
        {k: v for k, v in a.const_results.items() if k in b.const_results and b.const_results[k] == v},
        sorted(set(a.echo_paths) & set(b.echo_paths)),
        {k: [min(lo, b.ranges[k][0]), max(hi, b.ranges[k][1])] for k, (lo, hi) in a.ranges.items() if k in b.ranges},
        envelope.same_lengths(a.lengths, b.lengths),
        envelope.union_categories(a.categories, b.categories),
        union_seen(a.seen, b.seen, same_runs),
    )


def union_seen(a: dict[str, Any], b: dict[str, Any], same_runs: bool) -> dict[str, Any]:
    """What rule 1 recorded for two readings of one step, united. Noise stays noise only when both
    readings showed it (a number that grew, a text new in every run), and runs are counted once: the
    copies of one plan saw the same runs."""
    out: dict[str, Any] = {}
    for key in a.keys() | b.keys():
        ra, rb = a.get(key), b.get(key)
        if isinstance(ra, str) or isinstance(rb, str):  # a table of words (`_word_tables`, `_described_tables`)
            if key.endswith(_described_tables.SUFFIX):
                out[key] = _described_tables.union(ra, rb)
            elif ra == rb:
                out[key] = ra
            continue  # a table one reading lacks, or two tables: no record
        if ra is None or rb is None:
            out[key] = _strict(ra if rb is None else rb)
        elif isinstance(ra, list) and isinstance(rb, list):
            out[key] = _num_union(ra, rb, same_runs)
        elif isinstance(ra, dict) and isinstance(rb, dict):
            tmpls: dict[str, list[Any]] = {}
            for t in ra["t"].keys() | rb["t"].keys():
                xa, xb = ra["t"].get(t), rb["t"].get(t)
                if xa is None or xb is None:
                    tmpls[t] = [_strict_num(r) for r in (xa if xb is None else xb)]
                else:
                    tmpls[t] = [_num_union(r, s, same_runs) for r, s in zip(xa, xb, strict=True)]
            n = max(ra["n"], rb["n"]) if same_runs else ra["n"] + rb["n"]
            out[key] = {"n": n, "d": int(bool(ra["d"]) and bool(rb["d"])), "t": tmpls}
        # a path that held a number in one reading and a text in another: no record, so it never passes
    return out


def _num_union(a: list[Any], b: list[Any], same_runs: bool) -> list[Any]:
    n = max(a[4], b[4]) if same_runs else a[4] + b[4]
    return [min(a[0], b[0]), max(a[1], b[1]), max(a[2], b[2]), int(bool(a[3]) and bool(b[3])), n]


def _strict_num(r: list[Any]) -> list[Any]:
    return [r[0], r[1], r[2], 0, r[4]]


def _strict(rec: Any) -> Any:
    if isinstance(rec, list):
        return _strict_num(rec)
    return {"n": rec["n"], "d": 0, "t": {t: [_strict_num(r) for r in rs] for t, rs in rec["t"].items()}}


def group_ranks(groups: list[int]) -> list[int]:
    order = sorted(set(groups))
    return [order.index(g) for g in groups]
