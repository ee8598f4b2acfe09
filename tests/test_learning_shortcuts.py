"""The induction's shortcuts (llmos/learning/_shortcuts.py) change how fast plans are learned, never
which plans: the same corpus induced with and without them gives identical plans, reports and stored
evidence; and each fast path agrees with the plain computation it replaces."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
from learning_corpus import corpus

from llmos.config import LearningConfig
from llmos.learning import _shortcuts, answers
from llmos.learning import explain as ex
from llmos.learning.engine import LearningEngine
from llmos.learning.plans import path_key
from llmos.storage.db import Database
from llmos.trace import Trace


def _traces() -> list[Trace]:
    traces = corpus(0) + corpus(1, per_family=8)
    for i, t in enumerate(traces):
        t.id = f"run{i:04d}"  # one id per trace whichever way it is induced (plan ids derive from it)
    return traces


def _induce(tmp: Path, traces: list[Trace]) -> dict[str, Any]:
    """Plans, observe reports and stored rows after: a batch, then one observe per run, then rejections
    (which re-induce a plan from its remaining evidence) and a reload from the database."""
    engine = LearningEngine(Database(tmp / "llmos.db"), LearningConfig())
    reports = [r.__dict__ for r in engine.observe_many(traces[:150])]
    reports += [engine.observe(t).__dict__ for t in traces[150:]]
    engine.reject(traces[10].id)
    engine.reject(traces[200].id)
    plans = []
    for p in engine.plans():
        d = p.to_dict()
        d.pop("created_at"), d.pop("updated_at")
        plans.append(d)
    reloaded = LearningEngine(Database(tmp / "llmos.db"), LearningConfig())
    stored = [{**p.to_dict(), "created_at": 0, "updated_at": 0} for p in reloaded.plans()]
    evidence = reloaded.store.evidence_for([p["id"] for p in plans])
    return {
        "plans": json.loads(json.dumps(plans, default=str)),
        "reports": reports,
        "stored": json.loads(json.dumps(stored, default=str)),
        "evidence": [(e.trace_id, e.goal) for e in evidence],
        "seen": reloaded.store.seen(),
    }


def test_the_corpus_induces_identical_plans_with_and_without_the_shortcuts(tmp_path: Path) -> None:
    traces = _traces()
    assert len(traces) > 500
    fast = _induce(tmp_path / "fast", traces)
    with _shortcuts.off():
        plain = _induce(tmp_path / "plain", _traces())
    assert _shortcuts.ON
    assert len(fast["plans"]) > 25  # the corpus's shapes: many plans, branches, contradictions
    assert any(p["branching"] for p in fast["plans"]) and any(p["contradicted"] for p in fast["plans"])
    assert any(len(lf[1]) > 30 for p in fast["plans"] for s in p["steps"] for lf in s["leaves"])  # roundings
    for a, b in zip(fast["plans"], plain["plans"], strict=True):
        assert a == b, a["id"]
    assert fast == plain


@pytest.mark.parametrize("seed", range(3))
def test_rounding_an_integer_fast_is_rounding_it_with_decimal(seed: int) -> None:
    rng = random.Random(seed)
    values: list[float] = [0, -0.0, 1, -1, 7.0, 1e11 - 1, -(1e11 - 1), 123456789012.0, 2.5, 0.1 * 3, float("inf")]
    values += [rng.randint(-(10**12), 10**12) for _ in range(300)] + [float(rng.randint(-999, 999)) for _ in range(300)]
    for x in values:
        for mode in ex.ROUNDING_MODES:
            for digits in range(5):
                with _shortcuts.off():
                    try:
                        plain: Any = ex.rounded(x, mode, digits)
                    except ex.Unavailable as e:
                        plain = type(e)
                try:
                    fast: Any = ex.rounded(x, mode, digits)
                except ex.Unavailable as e:
                    fast = type(e)
                assert repr(fast) == repr(plain), (x, mode, digits)


def _plain_same(a: Any, b: Any) -> bool:
    """`explain.same` before its fast path for texts."""
    if ex.is_num(a) and ex.is_num(b):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return type(a) is type(b) and bool(a == b)


def test_same_with_texts_fast_is_the_general_rule() -> None:
    class Text(str):
        pass

    values: list[Any] = ["a", "b", Text("a"), "1", 1, 1.0, True, None, [1], {"a": 1}]
    for a in values:
        for b in values:
            assert ex.same(a, b) == _plain_same(a, b), (a, b)


def test_path_keys_and_content_words_cached_are_the_plain_ones() -> None:
    for path in [(), ("a",), ("a", 0, "b"), (3,), ("x y", 12)]:
        assert path_key(path) == json.dumps(list(path))
        with _shortcuts.off():
            assert path_key(path) == json.dumps(list(path))
    for text in ["Done: 12 units of BOLT-7 moved", "", "the a of"]:
        fast = answers._content_words(text)
        with _shortcuts.off():
            assert answers._content_words(text) == fast


def test_a_results_leaves_are_listed_again_when_the_result_is_replaced() -> None:
    env = ex.Env([], ['{"a": 1}'], [{"a": 1}])
    assert env.result_leaves(0) == [(("a",), 1)]
    env.parsed[0] = {"b": 2}  # as a replay fills in a step's result
    assert env.result_leaves(0) == [(("b",), 2)]


def test_a_plan_row_written_from_kept_fragments_is_the_plain_json_at_every_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_plan_json.plan_json` (each leaf's JSON kept while its candidates are the same objects) writes
    exactly `json.dumps(plan.to_dict())` at every write: batches, single runs, rejections, replays."""
    from llmos.learning import _plan_json, store

    checked: list[str] = []

    def checking(plan: Any) -> str:
        fast = _plan_json.plan_json(plan)
        assert fast == json.dumps(plan.to_dict(), default=str), plan.id
        checked.append(plan.id)
        return fast

    monkeypatch.setattr(store, "plan_json", checking)
    traces = _traces()
    engine = LearningEngine(Database(tmp_path / "llmos.db"), LearningConfig())
    engine.observe_many(traces[:100])
    for t in traces[100:]:
        engine.observe(t)
    engine.reject(traces[10].id)
    plan = engine.plans()[0]
    replayed = Trace(goal=plan.example["goal"], mode="follower", plan_id=plan.id)
    replayed.finish("success", "done")
    engine.observe(replayed)
    assert len(checked) > len(traces) // 2
    assert len({pid for pid in checked}) > 25
    # a leaf whose candidates were narrowed (a new list, or the same list changed in place), or whose type
    # changed, is encoded again
    owner, leaf = next((p, lf) for p in engine.plans() for s in p.steps for lf in s.leaves if len(lf.cands) > 2)
    _plan_json.plan_json(owner)
    leaf.cands = leaf.cands[1:]
    assert _plan_json.plan_json(owner) == json.dumps(owner.to_dict(), default=str)
    del leaf.cands[0]
    assert _plan_json.plan_json(owner) == json.dumps(owner.to_dict(), default=str)
    leaf.type = "mixed"
    assert _plan_json.plan_json(owner) == json.dumps(owner.to_dict(), default=str)
    # a stored text that holds the marker the leaves stand in for: written the plain way, still the same text
    owner.steps[0].arguments = {"note": _plan_json._NONCE + "0."}
    owner.example = {"goal": f'"{_plan_json._NONCE}1."'}
    assert _plan_json.plan_json(owner) == json.dumps(owner.to_dict(), default=str)
    owner.steps[0].leaves[0].cands = [("const", _plan_json._NONCE + "1."), *owner.steps[0].leaves[0].cands]
    owner.example = {}
    assert _plan_json.plan_json(owner) == json.dumps(owner.to_dict(), default=str)


def test_an_evidence_row_is_the_plain_json() -> None:
    from llmos.learning import induction
    from llmos.learning.store import evidence_json

    for t in _traces()[:200]:
        ev = induction.normalise(t)
        if not isinstance(ev, str):
            assert evidence_json(ev) == json.dumps(ev.to_dict(), default=str)
