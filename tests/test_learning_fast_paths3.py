"""Storing runs faster never changes what is stored (round 3): what a run cannot change is not computed
again, and the look-ups made once agree with the plain ones (the lengths a tool sequence has in the index,
a plan's unused slots kept while its candidates stay the same objects, memberships checked inline)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from llmos.learning import _coincidence, _shortcuts, wordings
from llmos.learning import explain as ex
from llmos.learning._envelope_checks import unused_slots
from llmos.learning._envelope_lists import _env_member, keep_members, memberships
from llmos.learning.goals import tokenize_goal
from llmos.learning.index import PlanIndex
from llmos.learning.plans import Leaf, Plan, PlanStep, Slot


def _plan(pid: str, n: int, tools: tuple[str, ...] = ("scan", "label")) -> Plan:
    tokens = tokenize_goal(" ".join(f"w{pid}{i}" for i in range(n)))
    steps = [PlanStep(t, g, {}, []) for g, t in enumerate(tools)]
    return Plan(id=pid, agent="a", skeleton=tokens, slots={}, steps=steps)


def test_the_lengths_of_a_tool_sequence_are_every_bucket_the_index_holds_shortest_first() -> None:
    idx = PlanIndex()
    rng = random.Random(3)
    shapes = [("scan", "label"), ("scan",)]
    plans = [_plan(f"p{k}", rng.choice([1, 2, 5, 9, 40, 79, 80, 81]), rng.choice(shapes)) for k in range(60)]
    for p in plans:
        idx.put(p)
    for p in rng.sample(plans, 20):  # removed plans leave their (empty) buckets behind, as `seqs` does
        idx.remove(p.id)
    idx.put(plans[0])  # a plan taken again moves to the end of its bucket
    for seq in ((("scan",), ("label",)), (("scan",),), (("fax",),)):
        plain = [idx.seqs.get(("a", n, seq), {}) for n in range(1, wordings.MAX_LENGTH)]  # the loop it replaces
        got = [p.id for b in idx.seq_buckets("a", seq, wordings.MAX_LENGTH) for p in b.values()]
        assert got == [p.id for b in plain for p in b.values()]  # the same plans in the same order
        assert got or seq == (("fax",),)
        assert all(p.ntokens < wordings.MAX_LENGTH for b in idx.seq_buckets("a", seq, 80) for p in b.values())
    assert idx.seq_buckets("b", (("scan",),), wordings.MAX_LENGTH) == []


def _leafy(cands: list[list[ex.Cand]]) -> Plan:
    p = _plan("u", 6)
    p.slots = {pos: Slot(pos, f"s{pos}", ["word"], ["x"], [1, 1]) for pos in (1, 3, 5)}
    p.steps[0].leaves = [Leaf(("a",), cands[0], "str"), Leaf(("b",), cands[1], "str")]
    return p


def test_unused_slots_kept_on_the_plan_follow_every_change_of_its_candidates_or_slots() -> None:
    tok1, tok3 = ("val", ("tok", 1), "id"), ("val", ("tok", 3), "id")
    plan = _leafy([[tok1], [("val", ("res", 0, ("x",)), "id")]])
    assert _coincidence._unused(plan) == unused_slots(plan) == [3, 5]
    assert _coincidence._unused(plan) == [3, 5]  # kept
    plan.steps[0].leaves[1].cands = [tok3]  # a new list
    assert _coincidence._unused(plan) == [5]
    plan.steps[0].leaves[0].cands.append(("val", ("tok", 5), "id"))  # the same list, changed in place
    assert _coincidence._unused(plan) == unused_slots(plan) == []
    plan.steps[0].leaves[0].cands[1] = ("val", ("tok", 1), "upper")  # one candidate replaced in place
    assert _coincidence._unused(plan) == unused_slots(plan) == [5]
    plan.slots[4] = Slot(4, "s4", ["word"], ["y"], [1, 1])  # a slot more
    assert _coincidence._unused(plan) == unused_slots(plan) == [4, 5]
    copy = plan.copy()  # a copy keeps the answer while its candidates are the same objects
    copy.steps[0].leaves[0].cands = [tok3]
    assert _coincidence._unused(copy) == unused_slots(copy) == [1, 4, 5]
    assert _coincidence._unused(plan) == [4, 5]
    got = _coincidence._unused(plan)
    got.append(9)  # a caller's list is its own
    assert _coincidence._unused(plan) == [4, 5]
    with _shortcuts.off():
        assert _coincidence._unused(plan) == [4, 5]


@pytest.mark.parametrize("seed", range(3))
def test_memberships_kept_inline_are_the_plain_ones(seed: int) -> None:
    rng = random.Random(seed)
    words = ["B8", "b8", "SKU-35", "sku-35", "12", "12.0", "twelve", "Lot", "the", "3", "İstanbul", "ǅ"]
    for _ in range(200):
        goal = " ".join(rng.choice(words) for _ in range(rng.randint(1, 7)))
        results: list[Any] = [
            {"k": rng.choice(words), "n": rng.choice([3, 12, 12.5, True]), "l": [rng.choice(words), 12]}
            for _ in range(rng.randint(1, 3))
        ]
        texts: list[str | None] = [str(r) for r in results]
        if rng.random() < 0.3:
            texts[-1] = None  # a step not run
        env = ex.Env(tokenize_goal(goal), texts, results)
        kept = [(p, s, rng.randint(0, 1)) for p in range(len(env.tokens) + 1) for s in range(len(results) + 1)]
        kept += memberships(env)
        with _shortcuts.off():
            plain = keep_members(kept, env)
        assert keep_members(kept, env) == plain
        assert all(int(_env_member(env, p, s)) == f for p, s, f in plain)  # what was kept holds in this run


def test_a_run_that_narrows_no_leaf_keeps_its_candidate_lists() -> None:
    from llmos.learning import induction

    def trace_ev(qty: int, sku: str) -> induction.Evidence:
        from llmos.trace import ToolCallRecord, Trace

        t = Trace(goal=f"Ship {qty} crates of {sku}")
        t.tool_calls = [ToolCallRecord("a", "ship", {"sku": sku, "qty": qty}, '{"ok": true}', turn=1)]
        t.finish("success", "Shipped")
        ev = induction.normalise(t, frozenset())
        assert not isinstance(ev, str)
        return ev

    plan = induction.new_plan(trace_ev(4, "SKU-1"))
    merged, why = induction.merge(plan, trace_ev(7, "SKU-2"))
    assert merged is not None, why
    lists = [lf.cands for s in merged.steps for lf in s.leaves]
    again, why = induction.merge(merged, trace_ev(9, "SKU-3"))
    assert again is merged, why
    assert all(a is b for a, b in zip(lists, [lf.cands for s in again.steps for lf in s.leaves], strict=True))
