"""The shared database: PostgreSQL (and a shared SQLite file) under several processes, the runtime on it,
crystallized tools every server loads, migrations that run once, and bad URLs that lose nothing."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from llmos import LLMOS
from llmos.exceptions import ConfigError, StoreError
from llmos.storage import _pgsql
from llmos.storage._pg import redact
from llmos.storage.factory import open_database, sqlite_path
from llmos.storage.traces import TraceStore

LEDGER_WORKER = """
import os, sys
from pathlib import Path
from llmos.config import BudgetConfig
from llmos.exceptions import BudgetExceeded
from llmos.kernel.economy import Ledger
from llmos.storage.factory import open_database
from llmos.trace import ModelCallRecord

url, ws, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ledger = Ledger(open_database(Path(ws), url=url), BudgetConfig(total_usd=1.0, per_run_usd=None))
got = 0
for i in range(n):
    try:
        rid = ledger.reserve(f"p{os.getpid()}-{i}", "test", "m", 0.03)
    except BudgetExceeded:
        continue
    got += 1
    if i % 2:  # half charged at the reserved amount, half left reserved (in flight)
        ledger.settle(rid, ModelCallRecord("test", "m", cost_usd=0.03))
print(got)
"""

MIGRATE_WORKER = """
import sys
from pathlib import Path
from llmos.config import BudgetConfig, LearningConfig, OrchestrationConfig
from llmos.evolution.records import ToolRecords
from llmos.execution.orchestration.rules import OrchestrationRules
from llmos.kernel.economy import Ledger
from llmos.learning.store import PlanStore
from llmos.sentience.store import SentienceStore
from llmos.storage.factory import open_database
from llmos.storage.memory import FactStore, SessionStore
from llmos.storage.traces import TraceStore
from llmos.storage.versions import VersionStore

db = open_database(Path(sys.argv[2]), url=sys.argv[1])
TraceStore(db); Ledger(db, BudgetConfig()); PlanStore(db); SentienceStore(db); VersionStore(db, Path(sys.argv[2]))
SessionStore(db); FactStore(db); ToolRecords(db); OrchestrationRules(db, OrchestrationConfig())
db.close()
print("ok")
"""


def _procs(tmp_path: Path, script: str, args: list[list[str]]) -> list[str]:
    path = tmp_path / "worker.py"
    path.write_text(script)
    procs = [
        subprocess.Popen([sys.executable, str(path), *a], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for a in args
    ]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        outs.append(out.strip())
    return outs


@pytest.fixture(params=["sqlite", "postgres"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/shared.db"  # an absolute path: sqlite:////tmp/...
    return str(request.getfixturevalue("pg_url"))


def test_no_double_spend_with_four_processes(shared_url: str, tmp_path: Path) -> None:
    workspaces = [tmp_path / f"w{i}" for i in range(4)]
    for w in workspaces:
        w.mkdir()
    got = [int(x) for x in _procs(tmp_path, LEDGER_WORKER, [[shared_url, str(w), "20"] for w in workspaces])]
    assert sum(got) == 33  # 33 x $0.03 = $0.99 of the $1 budget: never a 34th, whoever asked
    db = open_database(tmp_path, url=shared_url)
    row = (
        db.connection()
        .execute(
            "SELECT SUM(CASE WHEN status='charged' THEN cost_usd ELSE 0 END), "
            "SUM(CASE WHEN status='reserved' THEN reserved_usd ELSE 0 END), COUNT(*) FROM ledger"
        )
        .fetchone()
    )
    db.close()
    assert row[0] + row[1] <= 1.0 + 1e-9 and row[2] == 33


def test_migrations_run_once_even_when_processes_start_together(pg_url: str, tmp_path: Path) -> None:
    assert _procs(tmp_path, MIGRATE_WORKER, [[pg_url, str(tmp_path)]] * 4) == ["ok"] * 4
    db = open_database(tmp_path, url=pg_url)
    conn = db.connection()
    rows = conn.execute("SELECT name, version FROM llmos_migrations ORDER BY name").fetchall()
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names)) and {"traces", "ledger", "ledger.columns", "learning"} <= set(names)
    assert _procs(tmp_path, MIGRATE_WORKER, [[pg_url, str(tmp_path)]]) == ["ok"]  # again: nothing to do
    assert len(conn.execute("SELECT name FROM llmos_migrations").fetchall()) == len(rows)
    db.close()


async def test_runtime_on_postgres_keeps_its_trace_there(pg_url: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for w in (a, b):
        w.mkdir()
        (w / "llmos.toml").write_text(f'[storage]\nurl = "{pg_url}"\n')
    async with LLMOS(workspace=a, model="test") as os_:
        result = await os_.execute("say hello to the shared database")
    assert result.success
    assert not (a / ".llmos" / "llmos.db").exists()  # nothing went to the workspace file
    import psycopg

    with psycopg.connect(pg_url) as conn:
        row = conn.execute("SELECT goal, status FROM runs WHERE id = %s", (result.run_id,)).fetchone()
        charged = conn.execute("SELECT COUNT(*) FROM ledger WHERE run_id = %s", (result.run_id,)).fetchone()
    assert row == ("say hello to the shared database", "success") and charged == (1,)
    async with LLMOS(workspace=b, model="test") as other:  # another server, another folder: the same runs
        assert other.traces.get(result.run_id) is not None
        assert other.ledger.balance().spent_usd == pytest.approx(result.cost_usd, abs=1e-6)


def test_cli_reads_the_shared_database(pg_url: str, tmp_path: Path) -> None:
    (tmp_path / "llmos.toml").write_text(f'[storage]\nurl = "{pg_url}"\n')
    db = open_database(tmp_path, url=pg_url)
    TraceStore(db).save(__import__("test_traces_store").make("stored elsewhere", id="run_elsewhere"))
    db.close()
    proc = subprocess.run(
        [sys.executable, "-m", "llmos", "traces", "list", "--workspace", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert [t["id"] for t in json.loads(proc.stdout)] == ["run_elsewhere"]


async def test_a_bad_storage_url_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path, model="test") as os_:
        first = await os_.execute("remember this run")
    (tmp_path / "llmos.toml").write_text('[storage]\nurl = "mysql://u:pw@host/db"\n')
    with pytest.raises(ConfigError, match="mysql"):
        async with LLMOS(workspace=tmp_path, model="test"):
            pass
    proc = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "llmos", "run", "hi", "--workspace", str(tmp_path), "--json", "--model", "test"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = json.loads(proc.stdout)  # exactly one JSON object, naming the scheme
    assert proc.returncode != 0 and "mysql" in data["error"]
    (tmp_path / "llmos.toml").write_text('[storage]\nurl = "postgresql://u:secret@127.0.0.1:1/nope"\n')
    with pytest.raises(StoreError, match=r"postgresql://u:\*\*\*@127\.0\.0\.1:1/nope") as err:
        async with LLMOS(workspace=tmp_path, model="test"):
            pass
    assert "secret" not in str(err.value)
    (tmp_path / "llmos.toml").unlink()
    db = open_database(tmp_path)
    assert TraceStore(db).get(first.run_id) is not None  # the workspace file is untouched
    db.close()


def test_storage_urls(tmp_path: Path) -> None:
    assert sqlite_path(tmp_path, "sqlite:///data/x.db") == tmp_path / "data/x.db"
    assert sqlite_path(tmp_path, "sqlite:////srv/x.db") == Path("/srv/x.db")
    for bad in ("sqlite://", "sqlite:///:memory:", "nourl", "redis://h/0"):
        with pytest.raises(ConfigError):
            open_database(tmp_path, url=bad)
    assert redact("postgresql://u:pw@h:5/d") == "postgresql://u:***@h:5/d"
    assert redact("postgresql://h/d") == "postgresql://h/d"


def test_dialect_translation() -> None:
    tables = _pgsql.tables_of(
        "CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL UNIQUE, -- c, d\n"
        " v REAL, b BLOB);\nCREATE TABLE IF NOT EXISTS p (a TEXT, b TEXT, PRIMARY KEY (a, b));"
    )
    assert tables["t"].keys == [("n",), ("k",)] and tables["t"].serial == "n" and tables["p"].keys == [("a", "b")]
    st = _pgsql.statement("INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)", tables)
    assert st.sql == (
        "INSERT INTO t (k, v) VALUES (%s, %s) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, n = DEFAULT RETURNING n"
    )
    assert st.returning
    ignore = _pgsql.statement("INSERT OR IGNORE INTO p (a, b) VALUES (?,?)", tables)
    assert ignore.sql.endswith("ON CONFLICT DO NOTHING")
    sql = _pgsql.statement("SELECT '50%?' x, MAX(a, b) FROM t WHERE json_extract(data, '$.k') = ? AND v LIKE '%'", {})
    assert sql.sql == "SELECT '50%%?' x, GREATEST(a, b) FROM t WHERE ((data)::jsonb ->> 'k') = %s AND v LIKE '%%'"
    ddl = _pgsql.ddl("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY AUTOINCREMENT, v REAL, b BLOB, i INTEGER);")
    assert ddl == "CREATE TABLE IF NOT EXISTS t (n BIGSERIAL PRIMARY KEY, v DOUBLE PRECISION, b BYTEA, i BIGINT);"


async def test_a_tool_crystallized_by_one_server_loads_on_another(pg_url: str, tmp_path: Path) -> None:
    import random

    from test_learning_world import FAMILIES, Harness

    from llmos.config import EvolutionConfig
    from llmos.evolution import Evolution
    from llmos.learning.engine import LearningEngine
    from llmos.storage.versions import VersionStore

    a, b = tmp_path / "a", tmp_path / "b"
    h = Harness(a)
    h.db = open_database(a, url=pg_url)
    h.engine = LearningEngine(h.db, h.config.learning)
    fam, rng = FAMILIES["currency"], random.Random(11)
    for _ in range(5):
        assert (await h.run(fam, fam.sample(rng, h.world), mode="learner")).trace.success
    (plan,) = h.engine.plans()
    evo_a = Evolution(h.db, a, h.registry, VersionStore(h.db, a), EvolutionConfig())
    change = evo_a.crystallize(plan.id, who="user", why="test")  # the plan is read through the plan store
    db_b = open_database(b, url=pg_url)
    registry_b = Harness(tmp_path / "other").registry
    evo_b = Evolution(db_b, b, registry_b, VersionStore(db_b, b), EvolutionConfig())
    assert evo_b.load() == ["convert_save"]  # server B, another folder: loaded from the shared database
    assert (b / "tools/generated/convert_save.py").read_text() == change.after  # exported there
    evo_a.demote(plan.id, "test")
    evo_b.refresh(force=True)
    assert registry_b.get("convert_save") is None and evo_b.tool_for(plan.id) is None
    db_b.close()
    h.db.close()
