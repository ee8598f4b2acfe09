"""Plans shared by several processes: each `LearningEngine` here has its own connection to one store,
as two servers would. A plan one learns is selected by the other; concurrent observations, rejections
and rebuilds never lose each other's support; a process that is alone never reloads anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_learning_store import weather_trace

from llmos.config import LearningConfig
from llmos.exceptions import StoreConflict
from llmos.learning.engine import LearningEngine
from llmos.learning.store import Changes
from llmos.storage.db import Database

GOAL = "Record the temperature in Oslo in Fahrenheit"


def engines(tmp_path: Path, n: int = 2) -> list[LearningEngine]:
    return [LearningEngine(Database(tmp_path / "shared.db"), LearningConfig()) for _ in range(n)]


def test_a_plan_learned_by_one_process_is_selected_by_another(tmp_path: Path) -> None:
    a, b = engines(tmp_path)
    assert b.select(GOAL).mode == "learner"
    a.observe(weather_trace("Paris", 12.5))
    a.observe(weather_trace("Tokyo", 20.1))
    decision = b.select(GOAL)
    assert decision.mode == "follower" and decision.slots == {"city": "Oslo"}
    assert [p.id for p in b.plans()] == [p.id for p in a.plans()]


def test_concurrent_observations_keep_both_runs_support(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """B computes its change while A writes one: B's write is refused, B catches up and recomputes."""
    a, b = engines(tmp_path)
    a.observe(weather_trace("Paris", 12.5))
    b.select(GOAL)  # B is current
    writes: list[Any] = []
    real_write = b.store.write

    def racing_write(changes: Changes, expected: int | None = None) -> int:
        if not writes:  # the first time: A gets in first
            a.observe(weather_trace("Tokyo", 20.1))
        try:
            gen = real_write(changes, expected)
        except StoreConflict as e:
            writes.append(e)
            raise
        writes.append(gen)
        return gen

    monkeypatch.setattr(b.store, "write", racing_write)
    report = b.observe(weather_trace("Lima", 18.0))
    assert isinstance(writes[0], StoreConflict) and isinstance(writes[1], int)
    assert report.repetition_count == 3
    for engine in (a, b):
        plans = engine.plans()
        assert len(plans) == 1 and plans[0].support == 3
    fresh = engines(tmp_path, 1)[0]
    assert fresh.plans()[0].support == 3 and len(fresh.plans()[0].trace_ids) == 3


def test_a_rejection_and_a_rebuild_reach_the_other_process(tmp_path: Path) -> None:
    a, b = engines(tmp_path)
    traces = [weather_trace("Paris", 12.5), weather_trace("Tokyo", 20.1)]
    for t in traces:
        a.observe(t)
    assert b.select(GOAL).mode == "follower"
    b.reject(traces[1].id, traces[1])
    assert a.plans()[0].support == 1 and a.select(GOAL).mode != "follower"
    assert b.rebuild(traces) == 1
    assert a.select(GOAL).mode == "follower"  # a's index was cleared and reloaded from the rebuild


def test_a_lone_process_never_reloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (a,) = engines(tmp_path, 1)
    loads: list[Any] = []
    real_load = a.store.load
    monkeypatch.setattr(a.store, "load", lambda ids=None: loads.append(ids) or real_load(ids))
    for city, c in (("Paris", 12.5), ("Tokyo", 20.1), ("Lima", 18.0)):
        a.observe(weather_trace(city, c))
        a.select(GOAL)
    assert loads == []
