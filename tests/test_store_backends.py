"""Every store behaves the same on SQLite and on PostgreSQL (the `db` fixture runs each test on both)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from store_backends import db  # noqa: F401 - the fixture
from test_learning_store import weather_trace
from test_traces_store import make

from llmos.config import BudgetConfig, LearningConfig, OrchestrationConfig
from llmos.evolution.records import ToolRecords
from llmos.exceptions import BudgetExceeded, UserError, VersionError
from llmos.execution.orchestration.rules import OrchestrationRules
from llmos.kernel.economy import Ledger
from llmos.learning.engine import LearningEngine
from llmos.learning.store import PlanStore
from llmos.sentience.store import SentienceStore
from llmos.sentience.valence import Valence
from llmos.storage.base import StoreDB
from llmos.storage.memory import FactStore, SessionStore
from llmos.storage.traces import TraceStore
from llmos.storage.versions import VersionStore
from llmos.trace import ModelCallRecord


def test_traces(db: StoreDB) -> None:  # noqa: F811
    store = TraceStore(db)
    a = make("first goal", id="run_aaa1", at=1000.0)
    b = make("second goal", id="run_bbb1", at=2000.0, mode="follower", status="failure")
    child = make("a subtask", id="run_ccc1", at=3000.0)
    child.parent_id = "run_aaa1"
    for t in (a, b, child):
        store.save(t)
    store.save(a)  # saving again replaces
    assert store.count() == 3
    assert store.get("run_aaa1").goal == "first goal"  # type: ignore[union-attr]
    assert store.get("run_b").id == "run_bbb1"  # type: ignore[union-attr]  # an unambiguous prefix
    assert store.get("run_") is None and store.get("run_%") is None  # ambiguous; no wildcard
    assert [t.id for t in store.list()] == ["run_ccc1", "run_bbb1", "run_aaa1"]
    assert [t.id for t in store.list(mode="follower")] == ["run_bbb1"]
    assert [t.id for t in store.list(limit=1, offset=1)] == ["run_bbb1"]
    assert [t.id for t in store.iter_all(batch=2)] == ["run_aaa1", "run_bbb1", "run_ccc1"]
    assert [t.id for t in store.children("run_aaa1")] == ["run_ccc1"]
    assert set(store.usage(["run_aaa1", "nope"])) == {"run_aaa1"}
    assert [r["mode"] for r in store.top_level_costs()] == ["learner", "follower"]
    stats = store.stats()
    assert stats["runs"] == 3 and stats["success"] == 2 and isinstance(stats["success"], int)
    assert set(stats["by_mode"]) == {"learner", "follower"} and stats["by_agent"]["default"]["runs"] == 3
    assert store.set_rejected("run_aaa1").rejected and store.require("run_aaa1").rejected
    with pytest.raises(UserError):
        store.require("run_zzz")


def _record(cost: float) -> ModelCallRecord:
    return ModelCallRecord(provider="test", model="m", input_tokens=10, output_tokens=5, cost_usd=cost)


def test_ledger(db: StoreDB) -> None:  # noqa: F811
    ledger = Ledger(db, BudgetConfig(total_usd=1.0, per_run_usd=0.6))
    r1 = ledger.reserve("run1", "test", "m", 0.5, mode="learner", agent="a")
    assert r1 > 0 and ledger.balance().reserved_usd == 0.5
    with pytest.raises(BudgetExceeded):
        ledger.reserve("run1", "test", "m", 0.2)  # the run's cap
    assert ledger.settle(r1, _record(0.4), mode="learner") == 0.0
    r2 = ledger.reserve("run2", "test", "m", 0.5)
    assert ledger.settle(r2, _record(0.55)) == pytest.approx(0.05)  # billed above the reservation
    with pytest.raises(BudgetExceeded):
        ledger.reserve("run3", "test", "m", 0.1)
    r3 = ledger.reserve("run3", "test", "m", None)  # unpriced: recorded, never refused
    ledger.release(r3)
    rid, granted = Ledger(db, BudgetConfig(total_usd=2.0)).reserve_call(
        "run4", "test", "m", input_usd=0.01, output_usd_per_token=0.0001, max_tokens=40960
    )
    assert rid > r3 and 1024 <= granted < 40960
    bal = ledger.balance()
    assert bal.spent_usd == pytest.approx(0.95) and bal.unpriced_calls == 1
    by_mode = ledger.spending("mode")
    assert by_mode["learner"]["calls"] == 1 and by_mode["-"]["cost_usd"] == pytest.approx(0.55)
    assert set(ledger.spending("model")) == {"test:m"}
    assert ledger.run_spent("run1") == pytest.approx(0.4)


def test_ledger_settles_only_provably_dead_owners(db: StoreDB) -> None:  # noqa: F811
    import socket

    from llmos.kernel._owner import machine

    ledger = Ledger(db, BudgetConfig(total_usd=10.0))
    dead = ledger.reserve("r1", "test", "m", 1.0)
    other_host = ledger.reserve("r2", "test", "m", 1.0)
    same_name = ledger.reserve("r3", "test", "m", 1.0)
    live = ledger.reserve("r4", "test", "m", 1.0)
    with db.transaction() as conn:  # a dead pid here; a pid on another server; another container named alike
        conn.execute("UPDATE ledger SET owner = ? WHERE id = ?", (f"{machine()}:999999999:1", dead))
        conn.execute("UPDATE ledger SET owner = ? WHERE id = ?", ("another-server:999999999:1", other_host))
        conn.execute("UPDATE ledger SET owner = ? WHERE id = ?", (f"{socket.gethostname()}:999999999:1", same_name))
    assert ledger.settle_abandoned() == 1
    rows = {r["id"]: r["status"] for r in db.connection().execute("SELECT id, status FROM ledger").fetchall()}
    assert rows == {dead: "charged", other_host: "reserved", same_name: "reserved", live: "reserved"}


def test_plans(db: StoreDB) -> None:  # noqa: F811
    eng = LearningEngine(db, LearningConfig())
    traces = [weather_trace("Paris", 12.5), weather_trace("Tokyo", 20.1), weather_trace("Lima", 18.0)]
    for t in traces:
        eng.observe(t)
    eng.observe(traces[0])  # twice: nothing changes
    (plan,) = eng.plans()
    assert plan.trace_ids == [t.id for t in traces]
    again = LearningEngine(db, LearningConfig())  # another process
    assert [p.to_dict() for p in again.plans()] == [plan.to_dict()]
    d = again.select("Record the temperature in Oslo in Fahrenheit")
    assert d.mode == "follower" and d.slots == {"city": "Oslo"}
    store = PlanStore(db)
    got = store.get(plan.id)
    assert got is not None and got.id == plan.id and store.get("nope") is None
    assert store.plan_of_trace(traces[1].id) == plan.id
    assert [e.trace_id for e in store.evidence_for([plan.id])] == [t.id for t in traces]
    eng.reject(traces[2].id)
    assert eng.plans()[0].trace_ids == [t.id for t in traces[:2]]
    store.clear()
    assert store.load() == [] and store.seen() == {}


def test_sentience_state(db: StoreDB) -> None:  # noqa: F811
    store = SentienceStore(db)
    assert store.state() is None
    v = Valence.from_dict({"safety": 0.5, "curiosity": -0.25, "energy": 0.1, "self_confidence": 0.0})
    with store.transaction() as tx:
        tx.write_state(v, 100.0)
        for i in range(5):
            tx.add_history(100.0 + i, "run", 0.5, f"run{i}", v, "learner", {"i": i})
        tx.trim_history(3)
        tx.set_feedback("run1", True, 101.0)
        tx.set_feedback("run1", False, 102.0)  # replaced
        tx.set_cooldown("k", 200.0)
        tx.add_action(103.0, "crystallize", "plan1", True, {"why": "x"})
    with store.transaction() as tx:
        assert tx.feedback("run1") is False and tx.state() == (v, 100.0)
        tx.write_state(v, 110.0)
    state = store.state()
    assert state is not None and state[1] == 110.0 and state[0].as_dict() == v.as_dict()
    assert [h.run_id for h in store.history()] == ["run2", "run3", "run4"]
    assert [h.detail for h in store.history(limit=1)] == [{"i": 4}]
    assert store.cooldowns() == {"k": 200.0}
    assert store.actions()[0]["ok"] is True
    store.reset()
    assert store.state() is None and store.history() == []


def test_versions(db: StoreDB, tmp_path: Path) -> None:  # noqa: F811
    vs = VersionStore(db, tmp_path)
    c1 = vs.write("agent.create", "agent:a", "agents/a.md", "one\n", who="user", why="new")
    c2 = vs.write("agent.edit", "agent:a", "agents/a.md", "two\n", who="user", why="edit", expect_before="one\n")
    with pytest.raises(VersionError):
        vs.write("agent.edit", "agent:a", "agents/a.md", "x\n", who="user", why="stale", expect_before="one\n")
    assert c2.id > c1.id and (tmp_path / "agents/a.md").read_text() == "two\n"
    back = vs.revert(c2.id, who="user")
    assert (tmp_path / "agents/a.md").read_text() == "one\n" and back.reverts == c2.id
    assert [c.id for c in vs.history("agent:a")] == [back.id, c2.id, c1.id]
    latest = vs.latest("agent:a")
    assert latest is not None and latest.id == back.id and vs.get(c1.id).after == "one\n"


def test_memory(db: StoreDB) -> None:  # noqa: F811
    sessions = SessionStore(db)
    assert sessions.append("s1", run_id="r1", goal="hello", answer="hi", messages=[{"role": "user"}]) == 1
    assert sessions.append("s1", run_id="r2", goal="again", answer="yes", messages=[]) == 2
    assert [t.run_id for t in sessions.turns("s1")] == ["r1", "r2"]
    info = sessions.get("s1")
    assert info is not None and [s.id for s in sessions.list()] == ["s1"]
    assert sessions.delete("s1") and sessions.turns("s1") == [] and not sessions.delete("s1")
    facts = FactStore(db)
    f1 = facts.add("Paris is in France", namespace="geo", source_run="r1")
    facts.add("Water boils at 100 C", metadata={"unit": "C"})
    assert {f.text for f in facts.all()} == {"Paris is in France", "Water boils at 100 C"}
    assert [f.id for f in facts.all("geo")] == [f1.id]
    before = facts.version()
    assert facts.mark_rejected("r1") == 1 and facts.version() != before
    assert [f.namespace for f in facts.all(include_rejected=False)] == ["default"]
    assert facts.forget(f1.id) and not facts.forget(f1.id)


def test_evolution_records(db: StoreDB) -> None:  # noqa: F811
    recs = ToolRecords(db)
    recs.activate("plan1", "convert", 1, "fp1", pinned=False, reason="")
    recs.update("plan1", uses=3, successes=2, failures=1, streak=1)
    recs.activate("plan1", "convert", 2, "fp2", pinned=True, reason="revert")  # resets the streak, keeps counts
    r = recs.get("plan1")
    assert r is not None and (r.version, r.uses, r.streak, r.pinned, r.fingerprint) == (2, 3, 0, True, "fp2")
    assert recs.by_name("convert") == r and [x.plan_id for x in recs.all()] == ["plan1"]
    recs.update("plan1", status="demoted", stop_runs=7)
    assert recs.get("plan1").status == "demoted"  # type: ignore[union-attr]


def test_orchestration_rules(db: StoreDB) -> None:  # noqa: F811
    rules = OrchestrationRules(db, OrchestrationConfig())
    goal = "Compare the weather in Paris and in Tokyo"
    assert not rules.judge(goal, "default").multi_part
    for i, parts in enumerate((2, 3, 2)):
        rules.record(goal, "default", success=True, independent_parts=parts, run_id=f"r{i}")
    (row,) = rules.list()
    assert (row["successes"], row["failures"], row["parts"], row["last_run_id"]) == (3, 0, 3, "r2")
    assert rules.judge(goal, "default").source == "learned"


def test_checkpointed_trace_is_replaced_by_the_finished_one(db: StoreDB) -> None:  # noqa: F811
    store = TraceStore(db)
    t = make("goal", id="run_chk")
    t.status = "running"
    store.save(t)
    t.finish("success", "done")
    store.save(t)
    got = store.get("run_chk")
    assert got is not None and got.status == "success" and store.count() == 1
    assert json.loads(db.connection().execute("SELECT data FROM runs").fetchone()[0])["status"] == "success"
    assert time.time() > 0


def test_stores_meet_their_interfaces(db: StoreDB) -> None:  # noqa: F811
    from llmos.storage.ledger import LedgerStore
    from llmos.storage.protocols import FactStorage, LedgerStorage, TraceStorage, VersionStorage

    assert isinstance(TraceStore(db), TraceStorage) and isinstance(LedgerStore(db), LedgerStorage)
    assert isinstance(VersionStore(db, Path(".")), VersionStorage) and isinstance(FactStore(db), FactStorage)
    assert db.dialect in ("sqlite", "postgresql") and db.label


def test_schedules(db: StoreDB) -> None:  # noqa: F811
    from llmos.storage.schedules import ScheduleStore

    store = ScheduleStore(db)
    s = store.add("*/5 * * * *", "tidy the inbox")
    assert [x.id for x in store.list()] == [s.id] and store.get(s.id) is not None
    assert store.claim(s.id, 1000, "server-a") and not store.claim(s.id, 1000, "server-b")  # one claim per slot
    store.record(s.id, 1000, run_id="run_1", status="success")
    last = store.last_fire(s.id)
    assert last is not None and last.run_id == "run_1" and [f.slot for f in store.fires(s.id)] == [1000]
    assert store.remove(s.id) and store.get(s.id) is None and not store.claim(s.id, 1005, "server-a")
