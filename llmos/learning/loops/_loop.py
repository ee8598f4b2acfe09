"""A loop learned from plans of different list lengths, and the plan it becomes for one live list.

    learn([(plan, region), ...])   -> Loop, or why the plans are not one loop
    synthesize(loop, tokens, items) -> the concrete plan for this goal's list (N copies of the segment)

`learn` reads every plan in the item's frame (`_canon`) and keeps what every copy of every plan
agrees on; `synthesize` writes it back out for N items, so that replay runs it like any plan: rule 1
(`seen`, relations, memberships, ranges, categories) is checked before every group of calls, hence
before each iteration's writes; rule 2 per argument of every iteration; rule 3 on the whole.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any

from llmos.learning import envelope
from llmos.learning.goals import Token
from llmos.learning.loops._answer import LoopAnswer, judged_by_every_plan, materialize
from llmos.learning.loops._answer import learn as learn_answer
from llmos.learning.loops._canon import (
    CStep,
    Layout,
    canon_step,
    join_steps,
    remap,
    seg_index,
    try_remap,
)
from llmos.learning.loops._layouts import layout_of
from llmos.learning.loops._pairs import localize, to_frame
from llmos.learning.loops._shape import Region
from llmos.learning.plans import Leaf, Plan, PlanStep, Seq, Slot

LOOP_PREFIX = "loop:"
MAX_VALUES = 20


@dataclass
class Loop:
    plans: list[Plan]
    base: Plan
    a: int
    m: int
    pre: list[CStep]
    seg: list[CStep]
    suf: list[CStep]
    pre_groups: list[int]
    seg_groups: list[int]
    suf_groups: list[int]
    relations: list[Any]
    memberships: list[Any]
    pre_tokens: list[Token]
    post_tokens: list[Token]
    pre_slots: dict[int, Slot]
    post_slots: dict[int, Slot]  # by distance from the goal's end
    item_slot: Slot
    inner: tuple[str, ...] | None
    last: tuple[str, ...]
    lengths: list[int]  # the list lengths of the plans it was learned from
    sizes: tuple[int, ...] | None = None  # the copies side by side (`_canon.seg_index`), else None
    answer: LoopAnswer | None = None  # rule 5: a part per item (`_answer`)

    @property
    def id(self) -> str:
        return LOOP_PREFIX + "+".join(sorted(p.id for p in self.plans))

    def index(self, n: int, j: int, t: int) -> int:
        return seg_index(self.a, self.m, n, self.sizes, j, t)

    def seq(self, n: int) -> Seq:
        groups: dict[int, list[str]] = {}
        for cs, g, _j in self.layout(n):
            groups.setdefault(g, []).append(cs.name)
        return tuple(tuple(groups[g]) for g in sorted(groups))

    def layout(self, n: int) -> list[tuple[CStep, int, int | None]]:
        """The steps for a list of n items in order: (step, group, copy or None)."""
        gp = max(self.pre_groups) + 1 if self.pre_groups else 0
        gs = max(self.seg_groups) + 1
        out: list[tuple[CStep, int, int | None] | None] = [None] * (self.a + n * self.m + len(self.suf))
        for i, (cs, g) in enumerate(zip(self.pre, self.pre_groups, strict=True)):
            out[i] = (cs, g, None)
        for j in range(n):
            for t, (cs, g) in enumerate(zip(self.seg, self.seg_groups, strict=True)):
                out[self.index(n, j, t)] = (cs, gp + g if self.sizes is not None else gp + j * gs + g, j)
        after = gp + (gs if self.sizes is not None else n * gs)
        for s_, (cs, g) in enumerate(zip(self.suf, self.suf_groups, strict=True)):
            out[self.a + n * self.m + s_] = (cs, after + g, None)
        return [x for x in out if x is not None]


def learn(found: list[tuple[Plan, Region]]) -> Loop | str:
    """The one loop these plans (one list each) share, or why there is none."""
    lengths = {len(r.items) for _p, r in found}
    if len(lengths) < 2:
        return f"every supporting run had a list of {lengths.pop()} items: no loop is learned from one length"
    (p1, r1), (p2, r2) = found[0], next(x for x in found if len(x[1].items) != len(found[0][1].items))
    dk, dn = len(p1.steps) - len(p2.steps), len(r1.items) - len(r2.items)
    if dk % dn or dk // dn < 1:
        return "the number of calls does not grow by a whole segment per item"
    m = dk // dn
    rest = {len(p.steps) - len(r.items) * m for p, r in found}
    if len(rest) != 1 or min(rest) < 0:
        return "the number of calls does not grow by a whole segment per item"
    why = _same_frame(found)
    if why:
        return why
    built: list[Loop] = []
    reasons: list[str] = []
    for a, par in itertools.product(range(rest.pop() + 1), (False, True)):
        got = _build(found, a, m, par)
        (built if isinstance(got, Loop) else reasons).append(got)  # type: ignore[arg-type]
    if len(built) == 1:
        return built[0]
    return "the segment repeated per item can be read in more than one way" if built else str(reasons[0])


def _same_frame(found: list[tuple[Plan, Region]]) -> str:
    base, breg = found[0]
    inner = {r.inner for _p, r in found if len(r.items) > 2}
    if len(inner) > 1 or len({r.last for _p, r in found}) > 1:
        return "the lists were written with different separators"
    for plan, reg in found[1:]:
        pre_a, pre_b = base.skeleton[: breg.start], plan.skeleton[: reg.start]
        post_a, post_b = base.skeleton[breg.end + 1 :], plan.skeleton[reg.end + 1 :]
        if len(pre_a) != len(pre_b) or len(post_a) != len(post_b):
            return "the words around the list differ"
        off_a, off_b = breg.end + 1, reg.end + 1
        for i, (x, y) in enumerate(zip(pre_a, pre_b, strict=True)):
            if (i in base.slots) != (i in plan.slots) or (i not in base.slots and x.key() != y.key()):
                return "the words around the list differ"
        for i, (x, y) in enumerate(zip(post_a, post_b, strict=True)):
            sa, sb = off_a + i in base.slots, off_b + i in plan.slots
            if sa != sb or (not sa and x.key() != y.key()):
                return "the words around the list differ"
    return ""


def _build(found: list[tuple[Plan, Region]], a: int, m: int, par: bool) -> Loop | str:
    pre: list[CStep] | None = None
    seg: list[CStep] | None = None
    suf: list[CStep] | None = None
    ranks: tuple[Any, ...] | None = None
    rels: set[Any] | None = None
    members: set[Any] | None = None
    lays: list[tuple[Plan, Layout]] = []
    for plan, reg in found:
        got_lay = layout_of(plan, reg.items, a, m, par)
        if isinstance(got_lay, str):
            return got_lay
        lay, mine = got_lay
        lays.append((plan, lay))
        if ranks is not None and mine != ranks:
            return "lists of different lengths grouped their calls differently"
        ranks = mine
        own_seg: list[CStep] | None = None
        for j in range(lay.n):
            part = [canon_step(plan.steps[lay.index(j, t)], lay.mapper(j)) for t in range(m)]
            part_ok = [_framed(p, plan, lay.mapper(j)) for p in part if isinstance(p, CStep)]
            joined = part_ok if own_seg is None else _join_into(own_seg, part_ok, True)
            if isinstance(joined, str):
                return joined
            own_seg = joined
            mine_rels = {r for r in (try_remap(rel, lay.mapper(j)) for rel in plan.relations) if r is not None}
            rels = mine_rels if rels is None else rels & mine_rels
            mine_m = {x for x in (_member(mb, lay.mapper(j)) for mb in plan.memberships) if x is not None}
            members = mine_m if members is None else members & mine_m
        assert own_seg is not None
        own_pre = [canon_step(plan.steps[i], lay.mapper(None), lay) for i in range(a)]
        own_suf = [canon_step(plan.steps[i], lay.mapper(None), lay) for i in range(lay.suffix, len(plan.steps))]
        why = next((x for x in own_pre + own_suf if isinstance(x, str)), None)
        if why is not None:
            return why
        own_pre = [_framed(x, plan, lay.mapper(None)) for x in own_pre if isinstance(x, CStep)]
        own_suf = [_framed(x, plan, lay.mapper(None)) for x in own_suf if isinstance(x, CStep)]
        got = [
            p if k is None else _join_into(k, p, False)
            for k, p in ((pre, _steps(own_pre)), (seg, own_seg), (suf, _steps(own_suf)))
        ]
        for g in got:
            if isinstance(g, str):
                return g
        pre, seg, suf = got  # type: ignore[assignment]
    assert pre is not None and seg is not None and suf is not None and ranks is not None
    for steps in (pre, seg, suf):
        for s in steps:
            for path, cands, _t in s.leaves:
                if not cands:
                    return f"{s.name}.{'.'.join(map(str, path))} has no explanation in the item's frame"
    if not any(lf[1] and all(_uses_item(c) for c in lf[1]) for s in seg for lf in s.leaves):
        return "no call of the segment takes the item"
    base, breg = found[0]
    return Loop(
        plans=[p for p, _r in found],
        base=base,
        a=a,
        m=m,
        pre=pre,
        seg=seg,
        suf=suf,
        pre_groups=ranks[0],
        seg_groups=ranks[1],
        suf_groups=ranks[2],
        relations=sorted(rels or set(), key=repr),
        memberships=sorted(members or set(), key=repr),
        pre_tokens=base.skeleton[: breg.start],
        post_tokens=base.skeleton[breg.end + 1 :],
        pre_slots=_merged_slots(found, lambda p, r: [(i, i) for i in range(r.start)]),
        post_slots=_merged_slots(found, lambda p, r: [(p.ntokens - 1 - i, i) for i in range(r.end + 1, p.ntokens)]),
        item_slot=_merged_slots(found, lambda p, r: [(0, i) for i in r.items])[0],
        inner=next((r.inner for _p, r in found if len(r.items) > 2), None),
        last=breg.last,
        lengths=sorted({len(r.items) for _p, r in found}),
        sizes=ranks[3],
        answer=learn_answer(lays),
    )


def _framed(cs: CStep, plan: Plan, fn: Any) -> CStep:
    """The step with rule 1's goal-number pairs in the item's frame (`_pairs.to_frame`)."""
    cs.seen = to_frame(cs.seen, plan.skeleton, fn)
    return cs


def _steps(xs: list[Any]) -> list[CStep]:
    return [x for x in xs if isinstance(x, CStep)]


def _join_into(kept: list[CStep], part: list[CStep], same_runs: bool) -> list[CStep] | str:
    out = []
    for x, y in zip(kept, part, strict=True):
        j = join_steps(x, y, same_runs)
        if isinstance(j, str):
            return j
        out.append(j)
    return out


def _member(mb: tuple[int, int, int], fn: Any) -> tuple[Any, ...] | None:
    tok, res = fn(("tok", mb[0])), fn(("res", mb[1], ()))
    return None if tok is None or res is None else (tok, res, mb[2])


def _uses_item(node: Any) -> bool:
    if node == ("tok", ("item",)):
        return True
    return isinstance(node, tuple) and any(_uses_item(x) for x in node)


def _per_item(node: Any) -> bool:
    if node == ("item",) or (isinstance(node, tuple) and len(node) == 2 and node[0] == "seg"):
        return True
    return isinstance(node, tuple) and any(_per_item(x) for x in node)


def _merged_slots(found: list[tuple[Plan, Region]], where: Any) -> dict[int, Slot]:
    out: dict[int, Slot] = {}
    for plan, reg in found:
        for key, pos in where(plan, reg):
            s = plan.slots.get(pos)
            if s is None:
                continue
            slot = out.setdefault(key, Slot(key, s.name, [], [], []))
            slot.shapes += [x for x in s.shapes if x not in slot.shapes]
            slot.values += [v for v in s.values if v not in slot.values][: MAX_VALUES - len(slot.values)]
            span = envelope.slot_span(s)
            if span:
                slot.span = [min(slot.span[0], span[0]), max(slot.span[1], span[1])] if slot.span else list(span)
    return out


# ---------------------------------------------------------------- one live list
def _framer(loop: Loop, ntok: int, items: list[int]) -> Any:
    """frame(j): the item's frame of copy j (None: outside the segment) -> this goal's plan."""
    n = len(items)

    def frame(j: int | None) -> Any:
        def fn(ref: tuple[Any, ...]) -> tuple[Any, ...]:
            where = ref[1]
            if ref[0] == "each":
                return ("refs", tuple(remap(where, frame(k)) for k in range(n)))
            if ref[0] == "refs":
                return ("refs", tuple(fn(r) for r in where))
            if ref[0] == "all":
                return ("all", fn(where))
            if ref[0] == "tok":
                if where[0] == "pre":
                    return ("tok", where[1])
                if where[0] == "post":
                    return ("tok", ntok - 1 - where[1])
                assert j is not None
                return ("tok", items[j])
            if where[0] == "pre":
                return (ref[0], where[1], ref[2])
            if where[0] == "suf":
                return (ref[0], loop.a + n * loop.m + where[1], ref[2])
            assert j is not None
            return (ref[0], loop.index(n, j, where[1]), ref[2])

        return fn

    return frame


def synthesize(loop: Loop, tokens: list[Token], items: list[int]) -> Plan:
    """The plan for this goal: the loop's segment once per item, in order, each copy bound to its item."""
    n, ntok = len(items), len(tokens)
    region = tokens[len(loop.pre_tokens) : ntok - len(loop.post_tokens)]
    skeleton = [*loop.pre_tokens, *region, *loop.post_tokens]

    frame = _framer(loop, ntok, items)

    steps: list[PlanStep] = []
    for cs, g, j in loop.layout(n):
        fn = frame(j)
        seen = localize(cs.seen, tokens, None if j is None else items[j], functools.partial(_step_of, loop, n, j))
        leaves = [Leaf(path, [remap(c, fn) for c in cands], t) for path, cands, t in cs.leaves]
        steps.append(
            PlanStep(
                cs.name,
                g,
                cs.arguments,
                leaves,
                list(cs.result_shapes),
                dict(cs.const_results),
                list(cs.echo_paths),
                {k: list(v) for k, v in cs.ranges.items()},
                dict(cs.lengths),
                {k: list(v) for k, v in cs.categories.items()},
                seen,
            )
        )
    slots = {p: Slot(p, s.name, list(s.shapes), list(s.values), list(s.span)) for p, s in loop.pre_slots.items()}
    for d, s in loop.post_slots.items():
        slots[ntok - 1 - d] = Slot(ntok - 1 - d, s.name, list(s.shapes), list(s.values), list(s.span))
    it = loop.item_slot
    for j, pos in enumerate(items):
        slots[pos] = Slot(pos, f"{it.name}_{j + 1}", list(it.shapes), list(it.values), list(it.span))
    plan = Plan(id=loop.id, agent=loop.base.agent, skeleton=skeleton, slots=slots, steps=steps)
    plan.answer = materialize(loop.answer, frame, n)
    plan.relations = _expand(loop.relations, frame, n)
    plan.memberships = [(t[1], r[1], int(x)) for t, r, x in _expand(loop.memberships, frame, n)]
    plan.support_count = sum(p.support for p in loop.plans)
    plan.trace_ids = [t for p in loop.plans for t in p.trace_ids][-20:]
    plan.seen_runs = min(p.seen_runs for p in loop.plans)
    plan.example = dict(loop.base.example)
    for p in loop.plans:
        plan.branching += p.branching
        plan.contradicted += p.contradicted
        plan.post_write_checks += p.post_write_checks
        plan.penalty = max(plan.penalty, p.penalty)
        plan.uses += p.uses
        plan.replay_successes += p.replay_successes
        plan.fallbacks += p.fallbacks
    judged_by_every_plan(plan, loop.plans)  # rule 5: as every plan it was learned from would answer
    return plan


def _step_of(loop: Loop, n: int, j: int | None, kind: str, i: int) -> int:
    """The live plan's step index of step i before the list ("pre"), of copy j ("seg"), after it ("suf")."""
    if kind == "seg":
        assert j is not None
        return loop.index(n, j, i)
    return i if kind == "pre" else loop.a + n * loop.m + i


def _expand(canon: list[Any], frame: Any, n: int) -> list[Any]:
    out: list[Any] = []
    for c in canon:
        if _per_item(c):
            out += [remap(c, frame(j)) for j in range(n)]
        else:
            out.append(remap(c, frame(None)))
    return out
