"""Issue 9, Measured: `observe` stays flat as a plan's support grows.

Counted, never timed: the Python calls and lines one observe runs, the statements it sends to SQLite
and the memory its temporaries take at their peak are the same whether the plan it joins has 60
supporting runs or 3,000. A per-plan list walked in Python shows in the lines, a per-plan set rebuilt
in the peak; a table scanned without an index shows only in the statements' query plans
(`test_the_statements_an_observe_sends_use_an_index`). A list copied in C at a moment below the peak
shows in none of them.
"""

from __future__ import annotations

import json
import random
import sys
import tracemalloc
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

from llmos.config import LearningConfig
from llmos.learning.engine import LearningEngine
from llmos.storage.db import Database
from llmos.trace import ToolCallRecord, Trace


def _trace(rng: random.Random) -> Trace:
    """A look-up then a write of old + qty, with texts that pair up within one read (`_seen_joint`)."""
    qty, sku, wh = rng.randint(2, 90), f"SKU-{rng.randint(10, 99)}", f"{rng.choice('ABCDE')}{rng.randint(1, 9)}"
    old = rng.randint(0, 500)
    t = Trace(goal=f"Move {qty} boxes of {sku} to depot3 {wh} now")
    read = json.dumps({"sku": sku, "warehouse": wh, "quantity": old})
    write = json.dumps({"ok": True, "quantity": old + qty})
    t.tool_calls = [
        ToolCallRecord("a", "get_stock", {"sku": sku, "warehouse": wh}, read, turn=1),
        ToolCallRecord("b", "set_stock", {"sku": sku, "warehouse": wh, "quantity": old + qty}, write, turn=2),
    ]
    t.finish("success", f"Done: {old} -> {old + qty}")
    return t


def _grow(engine: LearningEngine, rng: random.Random, n: int) -> None:
    while n > 0:
        engine.observe_many([_trace(rng) for _ in range(min(500, n))])
        n -= 500


class _Work:
    """What a few single observes do: Python calls and lines run, SQL statements (no parameters), peak memory."""

    def __init__(self, engine: LearningEngine, rng: random.Random, runs: int = 12) -> None:
        traces = [_trace(rng) for _ in range(runs)]
        self.calls = self.lines = 0
        self.statements: Counter[str] = Counter()
        conn = engine.db.connection()
        conn.set_trace_callback(lambda s: self.statements.update([s.split(" VALUES")[0].split(" WHERE")[0]]))
        sys.setprofile(self._count)
        sys.settrace(self._trace)
        try:
            for t in traces[: runs // 2]:
                engine.observe(t)
        finally:
            sys.settrace(None)
            sys.setprofile(None)
            conn.set_trace_callback(None)
        peaks = []
        tracemalloc.start()
        try:
            for t in traces[runs // 2 :]:
                tracemalloc.reset_peak()
                before = tracemalloc.get_traced_memory()[0]
                engine.observe(t)
                peaks.append(tracemalloc.get_traced_memory()[1] - before)
        finally:
            tracemalloc.stop()
        self.peak = sorted(peaks)[len(peaks) // 2]

    def _count(self, frame: FrameType, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            self.calls += 1

    def _trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        self.lines += event == "line"
        return self._trace


def test_an_observe_does_the_same_work_at_60_and_at_3000_supporting_runs(tmp_path: Path) -> None:
    engine = LearningEngine(Database(tmp_path / "l.db"), LearningConfig())
    rng = random.Random(5)
    _grow(engine, rng, 60)
    small = _Work(engine, rng)
    _grow(engine, rng, 3000)
    large = _Work(engine, rng)
    (plan,) = engine.plans()
    assert plan.support > 3000  # one plan took every run
    assert large.calls <= small.calls * 1.05, (small.calls, large.calls)
    assert large.lines <= small.lines * 1.05, (small.lines, large.lines)
    assert large.statements == small.statements or sum(large.statements.values()) <= sum(small.statements.values())
    assert large.peak <= small.peak * 1.25, (small.peak, large.peak)


def test_the_statements_an_observe_sends_use_an_index(tmp_path: Path) -> None:
    engine = LearningEngine(Database(tmp_path / "l.db"), LearningConfig())
    rng = random.Random(6)
    _grow(engine, rng, 300)
    sent: list[str] = []
    conn = engine.db.connection()
    conn.set_trace_callback(sent.append)
    for _ in range(3):
        engine.observe(_trace(rng))
    conn.set_trace_callback(None)
    queried = [s for s in sent if s.split()[0] in ("SELECT", "UPDATE", "DELETE")]
    assert queried, sent
    for s in queried:
        steps = [str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + s).fetchall()]
        assert steps and all(not x.startswith("SCAN") for x in steps), (s, steps)
