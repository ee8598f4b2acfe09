"""Several processes opening one new workspace database at once (two `llmos serve` on one workspace,
test_multiserver): the switch to WAL takes an exclusive lock, and SQLite answers the loser "database
is locked" at once, without its busy handler. Opening waits and retries instead (`storage/db._set_wal`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

OPEN = """
import sys, time
from pathlib import Path
from llmos.storage.db import Database
start = float(sys.argv[2])
while time.time() < start:
    pass
db = Database(Path(sys.argv[1]))
db.ensure_schema("t", "CREATE TABLE IF NOT EXISTS t (x INTEGER)")
with db.transaction() as tx:
    tx.execute("INSERT INTO t VALUES (1)")
db.close()
"""


def test_processes_opening_one_new_database_at_once_all_open_it(tmp_path: Path) -> None:
    import time

    for round_ in range(3):
        path = tmp_path / f"r{round_}" / ".llmos" / "llmos.db"
        start = time.time() + 1.5  # every process waits for the same instant, imports done
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN, str(path), str(start)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(6)
        ]
        errors = [p.communicate(timeout=120)[1].decode() for p in procs]
        assert all(p.returncode == 0 for p in procs), [e for e in errors if e][:1]
        import sqlite3

        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 6
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
