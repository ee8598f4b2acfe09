"""The `evolution_tools` table: one row per crystallized plan (tool name, status, version, outcomes).

The evolution log (VersionStore) holds the content of every version; this table holds what the
log does not: the status of each plan's tool, its CRYSTALLIZED run outcomes, and the plan's
evidence when the tool stopped being active (to require new evidence before crystallizing again).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from llmos.storage.base import StoreDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS evolution_tools (
    plan_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    uses INTEGER NOT NULL DEFAULT 0,
    successes INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    streak INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0,
    stop_runs INTEGER,
    stop_successes INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
"""

_FIELDS = frozenset({"status", "version", "fingerprint", "uses", "successes", "failures", "streak", "pinned"}) | {
    "stop_runs",
    "stop_successes",
    "reason",
}


@dataclass
class ToolRecord:
    plan_id: str
    name: str
    status: str  # active | demoted | reverted
    version: int
    fingerprint: str
    uses: int  # CRYSTALLIZED runs, their successes and failures
    successes: int
    failures: int
    streak: int  # consecutive failures
    pinned: bool  # a person chose this version (a revert): no automatic regeneration
    stop_runs: int | None  # the plan's runs / successful uses when it stopped being active (set lazily)
    stop_successes: int | None
    reason: str
    created_at: float
    updated_at: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ToolRecords:
    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("evolution", SCHEMA)

    def get(self, plan_id: str) -> ToolRecord | None:
        sql = "SELECT * FROM evolution_tools WHERE plan_id = ?"
        row = self.db.connection().execute(sql, (plan_id,)).fetchone()
        return _record(row) if row is not None else None

    def by_name(self, name: str) -> ToolRecord | None:
        row = self.db.connection().execute("SELECT * FROM evolution_tools WHERE name = ?", (name,)).fetchone()
        return _record(row) if row is not None else None

    def all(self) -> list[ToolRecord]:
        rows = self.db.connection().execute("SELECT * FROM evolution_tools ORDER BY created_at").fetchall()
        return [_record(r) for r in rows]

    def activate(self, plan_id: str, name: str, version: int, fingerprint: str, *, pinned: bool, reason: str) -> None:
        """Insert or reset a plan's row as active (a new version, or a version restored by a revert)."""
        now = time.time()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO evolution_tools (plan_id, name, status, version, fingerprint, pinned, reason,"
                " created_at, updated_at) VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?) ON CONFLICT(plan_id) DO"
                " UPDATE SET status='active', version=excluded.version, fingerprint=excluded.fingerprint,"
                " streak=0, pinned=excluded.pinned, stop_runs=NULL, stop_successes=NULL,"
                " reason=excluded.reason, updated_at=excluded.updated_at",
                (plan_id, name, version, fingerprint, int(pinned), reason[:500], now, now),
            )

    def count_outcome(self, plan_id: str, ok: bool, reason: str) -> ToolRecord | None:
        """Count one CRYSTALLIZED run in place (servers sharing the database never lose a count).
        Returns the row after it, or None when the plan has no tool record."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE evolution_tools SET uses = uses + 1, successes = successes + ?, failures = failures + ?,"
                " streak = CASE WHEN ? = 1 THEN 0 ELSE streak + 1 END,"
                " reason = CASE WHEN ? = 1 THEN reason ELSE ? END, updated_at = ? WHERE plan_id = ?",
                (int(ok), int(not ok), int(ok), int(ok), reason[:500], time.time(), plan_id),
            )
            row = conn.execute("SELECT * FROM evolution_tools WHERE plan_id = ?", (plan_id,)).fetchone()
        return _record(row) if row is not None else None

    def update(self, plan_id: str, **fields: Any) -> None:
        unknown = set(fields) - _FIELDS
        if unknown:
            raise ValueError(f"unknown evolution_tools fields: {', '.join(sorted(unknown))}")
        fields["updated_at"] = time.time()
        cols = ", ".join(f"{k} = ?" for k in fields)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE evolution_tools SET {cols} WHERE plan_id = ?", (*fields.values(), plan_id))


def _record(row: Any) -> ToolRecord:
    data = {k: row[k] for k in row.keys()}  # noqa: SIM118 - sqlite3.Row
    data["pinned"] = bool(data["pinned"])
    return ToolRecord(**data)
