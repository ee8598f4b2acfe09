"""The ledger store: one row per model call (reserved, then charged or released).

The budget rules live in `llmos.kernel.economy`; this module owns the table and its SQL. A check
and the reservation it allows run in one write transaction (`LedgerStore.transaction`), which the
database serializes against every other writer, so that concurrent runs, processes or servers
can never together reserve past the budget.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from llmos.storage.base import Conn, StoreDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,           -- reserved | charged | released
    reserved_usd REAL NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    unpriced INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    settled_at REAL
);
CREATE INDEX IF NOT EXISTS ledger_run ON ledger(run_id);
CREATE INDEX IF NOT EXISTS ledger_status ON ledger(status);
"""
COLUMNS = {"owner": "TEXT NOT NULL DEFAULT ''", "abandoned": "INTEGER NOT NULL DEFAULT 0"}  # added later
GROUPS = {"mode": "mode", "agent": "agent", "model": "provider || ':' || model"}


class LedgerTx:
    """The ledger inside one write transaction."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    def sums(self, stale_before: float, run_id: str | None = None) -> tuple[float, float]:
        """(charged, reserved since `stale_before`) of the whole ledger or of one run."""
        return _sums(self.conn, stale_before, run_id)

    def reserve(self, run_id: str, mode: str, agent: str, provider: str, model: str, **row: Any) -> int:
        """Insert a reservation (`amount`, `unpriced`, `owner`); returns its id."""
        cur = self.conn.execute(
            "INSERT INTO ledger (run_id, mode, agent, provider, model, status, reserved_usd, unpriced, "
            "created_at, owner) VALUES (?,?,?,?,?,'reserved',?,?,?,?)",
            (run_id, mode, agent, provider, model, row["amount"], int(row["unpriced"]), time.time(), row["owner"]),
        )
        return int(cur.lastrowid or 0)


def _sums(conn: Conn, stale_before: float, run_id: str | None) -> tuple[float, float]:
    where, params = ("AND run_id = ?", (run_id,)) if run_id else ("", ())
    row = conn.execute(
        "SELECT COALESCE(SUM(CASE WHEN status='charged' THEN cost_usd END), 0), "
        "COALESCE(SUM(CASE WHEN status='reserved' AND created_at > ? THEN reserved_usd END), 0) "
        f"FROM ledger WHERE 1=1 {where}",
        (stale_before, *params),
    ).fetchone()
    return float(row[0]), float(row[1])


class LedgerStore:
    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("ledger", SCHEMA)
        db.ensure_columns("ledger", COLUMNS)

    @contextmanager
    def transaction(self) -> Iterator[LedgerTx]:
        with self.db.transaction() as conn:
            yield LedgerTx(conn)

    def sums(self, stale_before: float, run_id: str | None = None) -> tuple[float, float]:
        return _sums(self.db.connection(), stale_before, run_id)

    def unpriced_calls(self) -> int:
        return int(self.db.connection().execute("SELECT COUNT(*) FROM ledger WHERE unpriced = 1").fetchone()[0])

    def spending(self, by: str) -> list[Any]:
        """Charged calls grouped by mode, agent or model: rows (k, n, cost, tin, tout), dearest first."""
        col = GROUPS[by]
        return (
            self.db.connection()
            .execute(
                f"SELECT {col} k, COUNT(*) n, SUM(cost_usd) cost, SUM(input_tokens) tin, SUM(output_tokens) tout "
                "FROM ledger WHERE status='charged' GROUP BY k ORDER BY cost DESC"
            )
            .fetchall()
        )

    def reserved_with_owner(self) -> list[tuple[int, str]]:
        rows = self.db.connection().execute("SELECT id, owner FROM ledger WHERE status='reserved' AND owner != ''")
        return [(int(r["id"]), str(r["owner"])) for r in rows.fetchall()]

    def charge_abandoned(self, ids: Iterable[int]) -> None:
        """Charge reservations at their reserved amount (an upper bound), marked abandoned."""
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE ledger SET status='charged', cost_usd=reserved_usd, abandoned=1, settled_at=? "
                "WHERE id=? AND status='reserved'",
                [(time.time(), i) for i in ids],
            )

    def charge(
        self, reservation: int, *, cost_usd: float | None, tokens: tuple[int, int, int, int], mode: str
    ) -> float | None:
        """Settle a reservation at its real cost; returns what had been reserved (None: no such row)."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT reserved_usd FROM ledger WHERE id=?", (reservation,)).fetchone()
            conn.execute(
                "UPDATE ledger SET status='charged', cost_usd=?, unpriced=?, input_tokens=?, output_tokens=?, "
                "cache_write_tokens=?, cache_read_tokens=?, settled_at=?, mode=COALESCE(NULLIF(?, ''), mode) "
                "WHERE id=?",
                (cost_usd or 0.0, int(cost_usd is None), *tokens, time.time(), mode, reservation),
            )
        return float(row[0]) if row is not None else None

    def release(self, reservation: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE ledger SET status='released', settled_at=? WHERE id=?", (time.time(), reservation))
