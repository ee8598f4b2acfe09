"""Plans shared by several processes: each `LearningEngine` here has its own connection to one store,
as two servers would. A plan one learns is selected by the other; concurrent observations, rejections
and rebuilds never lose each other's support; a process that is alone never reloads anything."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_learning_store import weather_trace

from llmos.config import LearningConfig
from llmos.exceptions import StoreConflict
from llmos.learning.engine import LearningEngine
from llmos.learning.store import Changes
from llmos.storage.base import StoreDB
from llmos.storage.factory import open_database

Engines = Callable[..., list[LearningEngine]]
GOAL = "Record the temperature in Oslo in Fahrenheit"


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One store for every engine of a test: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'shared.db'}"


@pytest.fixture
def engines(url: str, tmp_path: Path) -> Iterator[Callable[[int], list[LearningEngine]]]:
    """`engines(n)`: n engines, each with a connection (pool) of its own, as n processes would have."""
    opened: list[StoreDB] = []

    def make(n: int = 2) -> list[LearningEngine]:
        dbs = [open_database(tmp_path, url=url) for _ in range(n)]
        opened.extend(dbs)
        return [LearningEngine(db, LearningConfig()) for db in dbs]

    yield make
    for db in opened:
        db.close()


def test_a_plan_learned_by_one_process_is_selected_by_another(engines: Engines) -> None:
    a, b = engines()
    assert b.select(GOAL).mode == "learner"
    a.observe(weather_trace("Paris", 12.5))
    a.observe(weather_trace("Tokyo", 20.1))
    decision = b.select(GOAL)
    assert decision.mode == "follower" and decision.slots == {"city": "Oslo"}
    assert [p.id for p in b.plans()] == [p.id for p in a.plans()]


def test_concurrent_observations_keep_both_runs_support(engines: Engines, monkeypatch: pytest.MonkeyPatch) -> None:
    """B computes its change while A writes one: B's write is refused, B catches up and recomputes."""
    a, b = engines()
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
    fresh = engines(1)[0]
    assert fresh.plans()[0].support == 3 and len(fresh.plans()[0].trace_ids) == 3


def test_a_rejection_and_a_rebuild_reach_the_other_process(engines: Engines) -> None:
    a, b = engines()
    traces = [weather_trace("Paris", 12.5), weather_trace("Tokyo", 20.1)]
    for t in traces:
        a.observe(t)
    assert b.select(GOAL).mode == "follower"
    b.reject(traces[1].id, traces[1])
    assert a.plans()[0].support == 1 and a.select(GOAL).mode != "follower"
    assert b.rebuild(traces) == 1
    assert a.select(GOAL).mode == "follower"  # a's index was cleared and reloaded from the rebuild


def test_a_lone_process_never_reloads(engines: Engines, monkeypatch: pytest.MonkeyPatch) -> None:
    (a,) = engines(1)
    loads: list[Any] = []
    real_load = a.store.load
    monkeypatch.setattr(a.store, "load", lambda ids=None: loads.append(ids) or real_load(ids))
    for city, c in (("Paris", 12.5), ("Tokyo", 20.1), ("Lima", 18.0)):
        a.observe(weather_trace(city, c))
        a.select(GOAL)
    assert loads == []
