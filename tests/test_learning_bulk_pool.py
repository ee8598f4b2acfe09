"""Rule 1's extraction made ahead in worker processes (`_bulk_pool`, `_seen_extract`): the same plans, byte for byte.

`_seen.record` = `_seen_extract.extract` (from the run and the plan's tool names and groups) + the merge into the
plan; a large `observe_many` batch has workers extract its runs ahead, and `record` takes a worker's extraction
only when it was made from the very inputs it got. Everything stored must be what the sequential path stores.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

from llmos.config import LearningConfig
from llmos.learning import _bulk_pool, _seen, _seen_extract
from llmos.learning.engine import LearningEngine
from llmos.learning.induction import new_plan, normalise
from llmos.storage.db import Database
from llmos.trace import ToolCallRecord, Trace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from learning_dump import _rows, traces


def _store(tmp: Path, ts: list[Trace], pooled: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[int]]:
    """Observe `ts` as `learning_dump.py` does (two batches around single observes); the rows, the reports
    and how many records came from workers / were extracted on this process."""
    monkeypatch.setattr(_bulk_pool, "MIN_BATCH", 2 if pooled else 10**9)
    monkeypatch.setattr(_bulk_pool, "workers", lambda: 1)
    counts = [0, 0]
    taken = _seen_extract.taken

    def counting(*a: Any) -> Any:
        got = taken(*a)
        counts[got is None] += 1
        return got

    monkeypatch.setattr(_seen_extract, "taken", counting)
    engine = LearningEngine(Database(tmp / "llmos.db"), LearningConfig())
    try:
        half = len(ts) // 2
        reports = [r.__dict__ for r in engine.observe_many(ts[:half])]
        reports += [engine.observe(t).__dict__ for t in ts[half : half + 50]]
        reports += [r.__dict__ for r in engine.observe_many(ts[half + 50 :])]
        return {"reports": reports, "rows": _rows(engine)}, counts
    finally:
        engine.close()


def test_plans_stored_with_workers_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ts = traces(200)  # the tests' learning corpus and bench-shaped runs over 40 skeletons, interleaved
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain, (from_workers, _here) = _store(tmp_path / "a", ts, False, monkeypatch)
    assert from_workers == 0
    pooled, (from_workers, here) = _store(tmp_path / "b", ts, True, monkeypatch)
    assert from_workers > len(ts) // 2  # most runs' records came from a worker
    assert here > 0  # and the single observes, new plans of another wording..., extracted here
    assert pooled == plain


def _run(rng: random.Random) -> Trace:
    q, sku = rng.randint(1, 50), f"SKU-{rng.randint(10, 99)}"
    t = Trace(goal=f"Ship {q} crates of {sku} to Lyon")
    t.tool_calls = [
        ToolCallRecord("a", "stock", {"sku": sku}, f'{{"sku": "{sku}", "on_hand": {q + 7}, "note": "bay 4"}}', turn=1),
        ToolCallRecord("b", "ship", {"sku": sku, "qty": q}, '{"ok": true}', turn=2),
    ]
    t.finish("success", "done")
    return t


def test_a_kept_extraction_is_taken_once_and_only_for_its_own_inputs() -> None:
    ev = normalise(_run(random.Random(3)))
    assert not isinstance(ev, str)
    env, args = ev.env(), [c.arguments for c in ev.calls]
    groups, names = [c.group for c in ev.calls], [c.name for c in ev.calls]
    got = _seen_extract.extract(groups, names, ev.tokens, args, env.texts, env.parsed, env)

    def kept() -> None:
        _seen_extract.keep(env, groups, names, ev.tokens, args, got)

    kept()
    assert _seen_extract.taken(env, groups, names, ev.tokens, list(args), env.texts, env.parsed) is got
    assert _seen_extract.taken(env, groups, names, ev.tokens, args, env.texts, env.parsed) is None  # once
    for other in (
        dict(groups=[0, 0], names=names),  # another plan's groups
        dict(groups=groups, names=["stock", "cancel"]),  # another plan's tools
    ):
        kept()
        assert _seen_extract.taken(env, other["groups"], other["names"], ev.tokens, args, env.texts, env.parsed) is None
    kept()
    assert (
        _seen_extract.taken(env, groups, names, list(ev.tokens), args, env.texts, env.parsed) is None
    )  # equal, not same
    kept()
    assert _seen_extract.taken(env, groups, names, ev.tokens, [dict(a) for a in args], env.texts, env.parsed) is None
    kept()
    assert _seen_extract.taken(env, groups, names, ev.tokens, args, env.texts, list(env.parsed)) is None


def test_recording_a_kept_extraction_is_recording_afresh() -> None:
    rng = random.Random(5)
    runs = [_run(rng) for _ in range(6)]
    seen = []
    for ahead in (False, True):
        evs = [normalise(t) for t in runs]  # each pass its own evidence of the same runs
        first = evs[0]
        assert not isinstance(first, str)
        plan = new_plan(first)
        for t, ev in zip(runs[1:], evs[1:], strict=True):
            assert not isinstance(ev, str)
            if ahead:  # as a worker makes it (marshalled), left on the run's Env
                _bulk_pool.give(ev, _bulk_pool._extract(frozenset(), [t])[0])
            env = ev.env()
            _seen.record(plan, ev.tokens, [c.arguments for c in ev.calls], env.texts, env.parsed, env)
        seen.append(([s.seen for s in plan.steps], plan.seen_runs, repr(plan.__dict__.get("_fit_run"))))
    assert seen[1] == seen[0]


def test_a_small_batch_or_one_core_starts_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = _bulk_pool.Pool()
    assert pool.ahead([_run(random.Random(1)) for _ in range(3)], frozenset()) is None  # below MIN_BATCH
    monkeypatch.setattr(_bulk_pool, "MIN_BATCH", 2)
    monkeypatch.setattr(_bulk_pool, "workers", lambda: 0)
    assert pool.ahead([_run(random.Random(1)) for _ in range(3)], frozenset()) is None
    assert pool._executor is None
    pool.close()


def test_a_run_a_worker_cannot_extract_is_extracted_here() -> None:
    bad = Trace(goal="Ship 3 crates")  # no tool calls: no evidence
    bad.finish("success", "done")
    assert _bulk_pool._extract(frozenset(), [bad]) == [None]
    ahead = _bulk_pool.Ahead(None, frozenset(), [[bad]])  # no pool (broken): every run extracted here
    assert ahead.get(0) is None and ahead.get(5) is None


def test_close_stops_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_bulk_pool, "MIN_BATCH", 2)
    monkeypatch.setattr(_bulk_pool, "workers", lambda: 1)
    engine = LearningEngine(Database(tmp_path / "llmos.db"), LearningConfig())
    rng = random.Random(2)
    engine.observe_many([_run(rng) for _ in range(20)])
    executor = engine._pool._executor
    assert executor is not None
    engine.close()
    assert engine._pool._executor is None
    engine.observe_many([_run(rng) for _ in range(20)])  # usable after close: a new pool
    engine.close()
