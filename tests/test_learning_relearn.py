"""Plans made by other learning rules are never trusted (`_rules_version`, `LearningEngine.relearn`).

A store remembers which rules made its plans (a digest of `llmos.learning`'s source). An engine that finds
another digest learns every plan again from the stored evidence before its first selection or observation,
and keeps what replays and people taught each plan. Real SQLite and PostgreSQL stores, two engines on one
store as two processes (an older release, then this one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from learning_corpus import corpus

from llmos.config import LearningConfig
from llmos.learning._plan_json import plan_json
from llmos.learning._rules_version import rules_version
from llmos.learning.engine import LearningEngine
from llmos.learning.plans import Plan
from llmos.storage.base import StoreDB
from llmos.storage.factory import open_database

VOLATILE = ("created_at", "updated_at")  # when a row was made, not what it says


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'relearn.db'}"


@pytest.fixture
def dbs(url: str, tmp_path: Path) -> Iterator[list[StoreDB]]:
    opened: list[StoreDB] = []
    yield opened
    for db in opened:
        db.close()


def _engine(url: str, tmp_path: Path, dbs: list[StoreDB]) -> LearningEngine:
    dbs.append(open_database(tmp_path, url=url))
    return LearningEngine(dbs[-1], LearningConfig())


def _stored(plan: Plan) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(plan_json(plan))
    for key in VOLATILE:
        out.pop(key, None)
    return out


def _rows(db: StoreDB) -> dict[str, str]:
    return {r["id"]: r["data"] for r in db.connection().execute("SELECT id, data FROM learning_plans").fetchall()}


def _as_older_release(db: StoreDB, mutate: dict[str, Any]) -> None:
    """Rewrite every stored plan as another release's rules would have left it, and its digest with them."""
    with db.transaction() as conn:
        for pid, data in _rows(db).items():
            d = json.loads(data)
            d.update(mutate)
            for step in d["steps"]:  # an older rule's records: ranges that held anything
                for rec in (step.get("seen") or {}).values():
                    if isinstance(rec, dict) and "lo" in rec and "hi" in rec:
                        rec["lo"], rec["hi"] = -1e18, 1e18
            conn.execute("UPDATE learning_plans SET data = ? WHERE id = ?", (json.dumps(d), pid))
        conn.execute("UPDATE learning_rules SET version = ? WHERE id = 1", ("an-older-release",))


def test_a_fresh_store_records_the_rules_that_made_its_plans(url: str, tmp_path: Path, dbs: list[StoreDB]) -> None:
    engine = _engine(url, tmp_path, dbs)
    assert engine.store.rules() is None
    engine.observe_many(corpus(seed=3, per_family=2)[:20])
    assert engine.store.rules() == rules_version()
    assert len(rules_version()) == 16


def test_plans_made_by_other_rules_are_learned_again_from_their_evidence(
    url: str, tmp_path: Path, dbs: list[StoreDB]
) -> None:
    first = _engine(url, tmp_path, dbs)
    first.observe_many(corpus(seed=5, per_family=4))
    learned = {p.id: _stored(p) for p in first.plans()}
    assert len(learned) > 10
    history = {"uses": 7, "replay_successes": 4, "fallbacks": 1, "penalty": 0.25}
    history |= {"demoted": "run r-9 was rejected", "demoted_at": 3, "contradicted": ["a person's note"]}
    _as_older_release(dbs[-1], history)
    assert all(json.loads(d)["uses"] == 7 for d in _rows(dbs[-1]).values())

    second = _engine(url, tmp_path, dbs)  # this release opens the store
    relearned = {p.id: p for p in second.plans()}
    assert second.store.rules() == rules_version()
    assert set(relearned) == set(learned)
    for pid, plan in relearned.items():
        again = _stored(plan)
        for key in (*history, "penalty"):
            again.pop(key, None)
            learned[pid].pop(key, None)
        assert again == learned[pid], pid  # the records are this code's again, not the older rule's
        assert (plan.uses, plan.replay_successes, plan.fallbacks, plan.penalty) == (7, 4, 1, 0.25)
        assert (plan.demoted, plan.demoted_at) == ("run r-9 was rejected", 3)  # rule 6 survives the upgrade
        assert "a person's note" in plan.contradicted
    assert first.plans()[0].id in relearned  # the other process reloads the relearned plans
    assert _stored(first.plans()[0]) == _stored(relearned[first.plans()[0].id])


def test_the_same_rules_relearn_nothing(url: str, tmp_path: Path, dbs: list[StoreDB]) -> None:
    first = _engine(url, tmp_path, dbs)
    first.observe_many(corpus(seed=7, per_family=2))
    before = _rows(dbs[-1])
    gen = first.store.generation()
    second = _engine(url, tmp_path, dbs)
    second.select("Ship 4 crates of SKU-12 to depot3 B2")
    assert _rows(dbs[-1]) == before
    assert second.store.generation() == gen


def test_relearn_on_demand_keeps_the_plans_of_a_store_made_by_these_rules(
    url: str, tmp_path: Path, dbs: list[StoreDB]
) -> None:
    engine = _engine(url, tmp_path, dbs)
    engine.observe_many(corpus(seed=9, per_family=3))
    learned = {p.id: _stored(p) for p in engine.plans()}
    assert engine.relearn() == len(learned)
    assert {p.id: _stored(p) for p in engine.plans()} == learned


def test_a_rules_digest_changes_with_the_learning_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import llmos.learning._rules_version as rv

    pkg = tmp_path / "learning"
    (pkg / "loops").mkdir(parents=True)
    (pkg / "a.py").write_text("X = 1\n")
    (pkg / "loops" / "b.py").write_text("Y = 2\n")
    monkeypatch.setattr(rv, "__file__", str(pkg / "_rules_version.py"))
    rv.rules_version.cache_clear()
    try:
        one = rv.rules_version()
        rv.rules_version.cache_clear()
        (pkg / "loops" / "b.py").write_text("Y = 3\n")
        assert rv.rules_version() != one
    finally:
        rv.rules_version.cache_clear()
