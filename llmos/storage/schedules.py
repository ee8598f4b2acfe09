"""The schedule store: goals to run on a cron schedule, and which (schedule, slot) pairs were claimed.

A slot is claimed by inserting `(schedule_id, slot)` into `schedule_fires`, whose primary key makes
the insert succeed for exactly one claimant: several servers on one database, each trying every due
slot, never both fire it (the claim is one short write transaction; on PostgreSQL the same
`INSERT ... ON CONFLICT DO NOTHING`). The claim then records the run it started and its outcome.
Removing a schedule removes its fires.
"""

from __future__ import annotations

import builtins
import time
import uuid
from dataclasses import dataclass
from typing import Any

from llmos.exceptions import StoreError, UserError
from llmos.storage.base import DB_ERRORS, StoreDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS schedules (
    id TEXT PRIMARY KEY,
    cron TEXT NOT NULL,
    tz TEXT NOT NULL DEFAULT 'UTC',
    goal TEXT NOT NULL,
    agent TEXT,
    mode TEXT NOT NULL DEFAULT 'auto',
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule_fires (
    schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    slot INTEGER NOT NULL,
    owner TEXT NOT NULL,
    claimed_at REAL NOT NULL,
    run_id TEXT,
    status TEXT NOT NULL DEFAULT 'claimed',
    PRIMARY KEY (schedule_id, slot)
);
"""


@dataclass
class Schedule:
    id: str
    cron: str
    goal: str
    tz: str = "UTC"
    agent: str | None = None
    mode: str = "auto"
    enabled: bool = True
    created_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Fire:
    """One claimed slot: who claimed it, the run it started, and how that run ended."""

    schedule_id: str
    slot: int
    owner: str
    claimed_at: float
    run_id: str | None = None
    status: str = "claimed"

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_COLS = "id, cron, tz, goal, agent, mode, enabled, created_at"


def _schedule(r: Any) -> Schedule:
    return Schedule(r[0], r[1], r[3], r[2], r[4], r[5], bool(r[6]), float(r[7]))


class ScheduleStore:
    """Add, list, remove schedules; claim a slot exactly once; record what the claim ran."""

    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("schedules", SCHEMA)

    def add(self, cron: str, goal: str, *, tz: str = "UTC", agent: str | None = None, mode: str = "auto") -> Schedule:
        """Store a schedule (the caller checked the expression; see llmos.cron)."""
        goal = (goal or "").strip()
        if not goal:
            raise UserError("a schedule needs a goal: say what to run")
        sched = Schedule("sch_" + uuid.uuid4().hex[:10], cron, goal, tz, agent or None, mode, True, time.time())
        try:
            with self.db.transaction() as conn:
                conn.execute(
                    f"INSERT INTO schedules ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (sched.id, sched.cron, sched.tz, sched.goal, sched.agent, sched.mode, 1, sched.created_at),
                )
        except DB_ERRORS as e:
            raise StoreError(f"cannot save the schedule: {e}") from e
        return sched

    def list(self, *, enabled_only: bool = False) -> builtins.list[Schedule]:
        sql = f"SELECT {_COLS} FROM schedules" + (" WHERE enabled = 1" if enabled_only else "")
        rows = self.db.connection().execute(sql + " ORDER BY created_at, id").fetchall()
        return [_schedule(r) for r in rows]

    def get(self, schedule_id: str) -> Schedule | None:
        row = self.db.connection().execute(f"SELECT {_COLS} FROM schedules WHERE id = ?", (schedule_id,)).fetchone()
        return _schedule(row) if row else None

    def remove(self, schedule_id: str) -> bool:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM schedule_fires WHERE schedule_id = ?", (schedule_id,))
            cur = conn.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))
        return cur.rowcount > 0

    def claim(self, schedule_id: str, slot: int, owner: str) -> bool:
        """True for exactly one caller per (schedule, slot), whichever process or server it is in."""
        try:
            with self.db.transaction() as conn:
                exists = conn.execute("SELECT 1 FROM schedules WHERE id = ?", (schedule_id,)).fetchone()
                if exists is None:  # removed meanwhile
                    return False
                cur = conn.execute(
                    "INSERT INTO schedule_fires (schedule_id, slot, owner, claimed_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (schedule_id, slot) DO NOTHING",
                    (schedule_id, int(slot), owner, time.time()),
                )
        except DB_ERRORS as e:
            raise StoreError(f"cannot claim slot {slot} of schedule {schedule_id}: {e}") from e
        return cur.rowcount == 1

    def record(self, schedule_id: str, slot: int, *, run_id: str | None = None, status: str) -> None:
        """What a claimed slot became: the run it started, and that run's status."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE schedule_fires SET run_id = COALESCE(?, run_id), status = ? WHERE schedule_id = ? AND slot = ?",
                (run_id, status, schedule_id, int(slot)),
            )

    def fires(self, schedule_id: str | None = None, limit: int = 100) -> builtins.list[Fire]:
        sql = "SELECT schedule_id, slot, owner, claimed_at, run_id, status FROM schedule_fires"
        params: tuple[Any, ...] = ()
        if schedule_id is not None:
            sql += " WHERE schedule_id = ?"
            params = (schedule_id,)
        rows = self.db.connection().execute(sql + " ORDER BY slot DESC LIMIT ?", (*params, limit)).fetchall()
        return [Fire(r[0], int(r[1]), r[2], float(r[3]), r[4], r[5]) for r in rows]

    def last_fire(self, schedule_id: str) -> Fire | None:
        found = self.fires(schedule_id, limit=1)
        return found[0] if found else None
