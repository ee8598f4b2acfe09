"""Persistence of the sentience layer in the workspace SQLite database.

Tables (all `sentience_*`): the current state (one row: valence and the time of the last update),
a bounded history of updates, opportunity cooldowns, the log of improvement actions, and the
feedback already counted per run. Each update is one transaction: a crash loses at most that update.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from llmos.exceptions import StoreError
from llmos.sentience.valence import DIMENSIONS, Valence
from llmos.storage.base import DB_ERRORS, Conn, StoreDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS sentience_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    safety REAL NOT NULL, curiosity REAL NOT NULL, energy REAL NOT NULL, self_confidence REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sentience_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    trigger TEXT NOT NULL,
    magnitude REAL NOT NULL,
    run_id TEXT,
    safety REAL NOT NULL, curiosity REAL NOT NULL, energy REAL NOT NULL, self_confidence REAL NOT NULL,
    mode TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS sentience_cooldowns (key TEXT PRIMARY KEY, until REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sentience_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL, ok INTEGER NOT NULL, detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentience_feedback (
    run_id TEXT PRIMARY KEY, good INTEGER NOT NULL, at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: float
    trigger: str
    magnitude: float
    run_id: str | None
    valence: Valence
    mode: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "trigger": self.trigger,
            "magnitude": round(self.magnitude, 4),
            "run_id": self.run_id,
            "valence": self.valence.rounded(),
            "mode": self.mode,
            "detail": self.detail,
        }


class StoreTx:
    """The operations of one write transaction."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    def state(self) -> tuple[Valence, float] | None:
        row = self.conn.execute("SELECT * FROM sentience_state WHERE id = 1").fetchone()
        return None if row is None else (Valence.from_dict({d: row[d] for d in DIMENSIONS}), row["updated_at"])

    def write_state(self, v: Valence, at: float) -> None:
        vals = v.as_dict()
        self.conn.execute(
            "INSERT OR REPLACE INTO sentience_state"
            " (id, safety, curiosity, energy, self_confidence, updated_at)"
            " VALUES (1, ?, ?, ?, ?, ?)",
            (vals["safety"], vals["curiosity"], vals["energy"], vals["self_confidence"], at),
        )

    def add_history(
        self,
        at: float,
        trigger: str,
        magnitude: float,
        run_id: str | None,
        v: Valence,
        mode: str,
        detail: dict[str, Any],
    ) -> None:
        vals = v.as_dict()
        self.conn.execute(
            "INSERT INTO sentience_history (at, trigger, magnitude, run_id, safety, curiosity, energy,"
            " self_confidence, mode, detail) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                at,
                trigger,
                magnitude,
                run_id,
                vals["safety"],
                vals["curiosity"],
                vals["energy"],
                vals["self_confidence"],
                mode,
                json.dumps(detail, default=str),
            ),
        )

    def trim_history(self, limit: int) -> None:
        self.conn.execute(
            "DELETE FROM sentience_history WHERE seq <= (SELECT MAX(seq) FROM sentience_history) - ?",
            (limit,),
        )

    def feedback(self, run_id: str) -> bool | None:
        row = self.conn.execute("SELECT good FROM sentience_feedback WHERE run_id = ?", (run_id,)).fetchone()
        return None if row is None else bool(row["good"])

    def set_feedback(self, run_id: str, good: bool, at: float) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO sentience_feedback (run_id, good, at) VALUES (?,?,?)",
            (run_id, int(good), at),
        )

    def set_cooldown(self, key: str, until: float) -> None:
        self.conn.execute("INSERT OR REPLACE INTO sentience_cooldowns (key, until) VALUES (?,?)", (key, until))

    def add_action(self, at: float, kind: str, target: str, ok: bool, detail: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO sentience_actions (at, kind, target, ok, detail) VALUES (?,?,?,?,?)",
            (at, kind, target, int(ok), json.dumps(detail, default=str)),
        )


class SentienceStore:
    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("sentience", SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[StoreTx]:
        try:
            with self.db.transaction() as conn:
                yield StoreTx(conn)
        except DB_ERRORS as e:
            raise StoreError(f"cannot update the sentience state in {self.db.label}: {e}") from e

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        try:
            return self.db.connection().execute(sql, params).fetchall()
        except DB_ERRORS as e:
            raise StoreError(f"cannot read the sentience state in {self.db.label}: {e}") from e

    def state(self) -> tuple[Valence, float] | None:
        rows = self._read("SELECT * FROM sentience_state WHERE id = 1")
        return None if not rows else (Valence.from_dict({d: rows[0][d] for d in DIMENSIONS}), rows[0]["updated_at"])

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        """Oldest first; the last `limit` entries when given."""
        sql = "SELECT * FROM sentience_history ORDER BY seq DESC"
        rows = self._read(sql + " LIMIT ?", (limit,)) if limit is not None else self._read(sql)
        return [
            HistoryEntry(
                r["seq"],
                r["at"],
                r["trigger"],
                r["magnitude"],
                r["run_id"],
                Valence.from_dict({d: r[d] for d in DIMENSIONS}),
                r["mode"],
                json.loads(r["detail"] or "{}"),
            )
            for r in reversed(rows)
        ]

    def cooldowns(self) -> dict[str, float]:
        return {r["key"]: r["until"] for r in self._read("SELECT key, until FROM sentience_cooldowns")}

    def actions(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._read("SELECT * FROM sentience_actions ORDER BY id DESC LIMIT ?", (limit,))
        return [
            {
                "at": r["at"],
                "kind": r["kind"],
                "target": r["target"],
                "ok": bool(r["ok"]),
                "detail": json.loads(r["detail"] or "{}"),
            }
            for r in rows
        ]

    def reset(self) -> None:
        with self.transaction() as tx:
            for table in ("state", "history", "cooldowns", "actions", "feedback"):
                tx.conn.execute(f"DELETE FROM sentience_{table}")
