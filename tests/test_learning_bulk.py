"""The cost of storing many runs (issue 9: 100k traces): a run of a plan's own skeleton is merged into
the plan in place, after a check that changes nothing; a batch runs without full GC scans. Plans stay
exactly what the plain computation gives (tests/test_learning_shortcuts.py compares whole corpora)."""

from __future__ import annotations

import gc
import json
import random
import threading
from pathlib import Path
from typing import Any

import pytest
from learning_corpus import corpus

from llmos.config import LearningConfig
from llmos.learning import _bulk, _shortcuts, induction
from llmos.learning.engine import LearningEngine
from llmos.learning.plans import Plan
from llmos.storage.db import Database
from llmos.trace import ToolCallRecord, Trace


def _stock(qty: int, sku: str, old: int, *, minus: bool = False) -> Trace:
    t = Trace(goal=f"Add {qty} units of {sku} to the shelf")
    new = old - qty if minus else old + qty
    t.tool_calls = [
        ToolCallRecord("a", "get", {"sku": sku}, json.dumps({"sku": sku, "quantity": old}), turn=1),
        ToolCallRecord("b", "set", {"sku": sku, "quantity": new}, json.dumps({"ok": True, "quantity": new}), turn=2),
    ]
    t.finish("success", f"Done: {old} -> {new}")
    return t


def _plan_state(plan: Plan) -> dict[str, Any]:
    d = plan.to_dict()
    d.pop("updated_at"), d.pop("created_at")
    return json.loads(json.dumps(d, default=str))


def test_a_run_of_the_plans_own_skeleton_joins_the_plan_itself(tmp_path: Path) -> None:
    engine = LearningEngine(Database(tmp_path / "llmos.db"), LearningConfig())
    first = engine.observe_many([_stock(3, "BOLT-1", 10), _stock(5, "NUT-2", 40), _stock(7, "PIN-3", 2)])
    plan = engine.index.plans[first[0].plan_id or ""]
    ev = induction.normalise(_stock(9, "CAP-4", 11))
    assert not isinstance(ev, str)
    merged, why = induction.merge(plan, ev)
    assert merged is plan and why == "merged"  # no copy
    assert plan.support == 4 and "CAP-4" in next(s.values for s in plan.slots.values() if "CAP-4" in s.values)


def test_a_refused_merge_leaves_the_plan_exactly_as_it_was(tmp_path: Path) -> None:
    engine = LearningEngine(Database(tmp_path / "llmos.db"), LearningConfig())
    reports = engine.observe_many([_stock(3, "BOLT-1", 10), _stock(5, "NUT-2", 40), _stock(7, "PIN-3", 2)])
    plan = engine.index.plans[reports[0].plan_id or ""]
    before = _plan_state(plan)
    ev = induction.normalise(_stock(4, "CAP-4", 30, minus=True))  # old - qty: no kept explanation fits
    assert not isinstance(ev, str)
    merged, why = induction.merge(plan, ev)
    assert merged is None and why.startswith("nothing explains set.quantity")
    assert _plan_state(plan) == before
    report = engine.observe(_stock(4, "CAP-4", 30, minus=True))  # the engine: a plan of its own
    assert report.novel and report.plan_id != plan.id
    assert _plan_state(engine.index.plans[plan.id])["support_count"] == 3


def test_merging_in_place_gives_the_plans_that_copying_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus of the learning tests' shapes, with the in-place merge and with every merge on a copy
    (the other shortcuts on in both): identical plans, reports and stored rows."""
    traces = corpus(2, per_family=6)
    for i, t in enumerate(traces):
        t.id = f"run{i:04d}"
    in_place = 0
    real = induction._in_place

    def counting(plan: Plan, ev: induction.Evidence) -> bool:
        nonlocal in_place
        ok = real(plan, ev)
        in_place += ok
        return ok

    def learn(db: Path) -> dict[str, Any]:
        engine = LearningEngine(Database(db), LearningConfig())
        reports = [r.__dict__ for r in engine.observe_many(traces[:200])]
        reports += [engine.observe(t).__dict__ for t in traces[200:]]
        engine.reject(traces[5].id)
        reloaded = LearningEngine(Database(db), LearningConfig())
        return {
            "plans": [_plan_state(p) for p in engine.plans()],
            "stored": [_plan_state(p) for p in reloaded.plans()],
            "reports": reports,
            "evidence": [e.to_dict() for e in reloaded.store.evidence_for(p.id for p in reloaded.plans())],
        }

    monkeypatch.setattr(induction, "_in_place", counting)
    fast = learn(tmp_path / "fast.db")
    assert in_place > len(traces) // 2
    monkeypatch.setattr(induction, "_in_place", lambda plan, ev: False)
    copied = learn(tmp_path / "copied.db")
    assert _shortcuts.ON
    for a, b in zip(fast["plans"], copied["plans"], strict=True):
        assert a == b, a["id"]
    assert fast == copied


def test_a_batch_turns_full_collections_off_and_back_on() -> None:
    assert gc.isenabled()
    with _bulk.YoungOnly(every=2) as outer:
        assert not gc.isenabled()
        with _bulk.YoungOnly() as inner:
            inner.tick()
        assert not gc.isenabled()  # the outer batch is still running
        outer.tick()
        outer.tick()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), _bulk.YoungOnly():
        raise RuntimeError("a batch that fails")
    assert gc.isenabled()


def test_a_batch_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    try:
        with _bulk.YoungOnly(every=1) as batch:
            batch.tick()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_left_by_a_batch_are_still_freed_while_it_runs() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self

    alive: list[Any] = []
    import weakref

    with _bulk.YoungOnly(every=10) as batch:
        for _ in range(30):
            alive.append(weakref.ref(Node()))
            batch.tick()
        freed = sum(r() is None for r in alive)
    assert freed >= 20  # collected at the 10th, 20th and 30th run, not only after the batch


def test_concurrent_batches_in_two_threads_restore_the_collector(tmp_path: Path) -> None:
    rng = random.Random(1)
    batches = [[_stock(rng.randint(2, 9), f"S-{rng.randint(10, 99)}", rng.randint(0, 50)) for _ in range(40)]] * 2
    engines = [LearningEngine(Database(tmp_path / f"{i}.db"), LearningConfig()) for i in range(2)]
    threads = [threading.Thread(target=e.observe_many, args=(b,)) for e, b in zip(engines, batches, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled()
    assert all(max(p.support for p in e.plans()) == 40 for e in engines)


def test_the_constants_test_of_the_branching_check_is_the_plain_one() -> None:
    """`engine._constants_test` (constants picked out in C) finds the first goal the plain test finds,
    for goals of the skeleton's length, longer, shorter (where the plain test may stop early or raise)."""
    from llmos.learning.engine import _constants_test
    from llmos.learning.goals import Token
    from llmos.learning.plans import Slot

    rng = random.Random(4)
    words = ["Add", "ship", "3", "of", "to", "A1", "B2"]
    for _ in range(400):
        n = rng.randint(1, 6)
        skeleton = [Token("word", rng.choice(words)) for _ in range(n)]
        slots = {i: Slot(i, f"s{i}") for i in range(n) if rng.random() < 0.3}
        plan = Plan("p", "a", skeleton, slots, [])
        goals = [tuple(rng.choice(words) for _ in range(rng.choice([n, n, n, n + 1, max(0, n - 1)]))) for _ in range(4)]
        goals += [tuple(t.text for t in skeleton)] if rng.random() < 0.3 else []

        try:
            want: Any = _plain_first(plan, goals)
        except IndexError:
            want = IndexError
        try:
            got: Any = _constants_test(plan)(goals)
        except IndexError:
            got = IndexError
        assert got == want, (skeleton, slots, goals)


def _plain_first(plan: Plan, goals: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The branching check's test as it was written before `_constants_test`."""
    for texts in goals:
        if all(i in plan.slots or t.text == texts[i] for i, t in enumerate(plan.skeleton)):
            return texts
    return None
