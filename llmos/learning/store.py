"""PlanStore: plans and their evidence in the workspace SQLite database.

Plans are derived data. The evidence table keeps each supporting trace in normalised form, so a
plan can be rebuilt without it (rejection) and all plans can be rebuilt from traces at any time.
What grows with a plan's support (its runs, its distinct goals) has rows of its own, written one
at a time: a plan row stays the same size however many runs support it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from llmos.exceptions import StoreError
from llmos.learning.induction import Evidence
from llmos.learning.plans import Plan
from llmos.storage.base import DB_ERRORS, StoreDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS learning_plans (
    id TEXT PRIMARY KEY,
    agent TEXT NOT NULL,
    ntokens INTEGER NOT NULL,
    support INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS learning_evidence (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    trace_id TEXT NOT NULL UNIQUE,
    plan_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS learning_evidence_plan ON learning_evidence(plan_id);
CREATE TABLE IF NOT EXISTS learning_goal_tokens (
    plan_id TEXT NOT NULL,
    tokens TEXT NOT NULL,
    PRIMARY KEY (plan_id, tokens)
);
CREATE TABLE IF NOT EXISTS learning_seen (
    trace_id TEXT PRIMARY KEY,
    plan_id TEXT,
    at REAL NOT NULL
);
"""


@dataclass
class Changes:
    """What one observe/reject/rebuild writes, in one transaction."""

    plans: dict[str, Plan] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    evidence: list[tuple[Evidence, str]] = field(default_factory=list)
    reassigned: dict[str, str] = field(default_factory=dict)  # trace_id -> plan_id
    dropped_evidence: set[str] = field(default_factory=set)
    seen: list[tuple[str, str | None]] = field(default_factory=list)

    def touch(self, plan: Plan) -> None:
        self.plans[plan.id] = plan
        self.deleted.discard(plan.id)

    def delete(self, plan_id: str) -> None:
        self.plans.pop(plan_id, None)
        self.deleted.add(plan_id)


class PlanStore:
    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("learning", SCHEMA)

    def load(self) -> list[Plan]:
        try:
            rows = self.db.connection().execute("SELECT data FROM learning_plans").fetchall()
            token_rows = self.db.connection().execute("SELECT plan_id, tokens FROM learning_goal_tokens").fetchall()
        except DB_ERRORS as e:
            raise StoreError(f"cannot read plans from {self.db.label}: {e}") from e
        plans = [Plan.from_dict(json.loads(r["data"])) for r in rows]
        by_id = {p.id: p for p in plans}
        for r in token_rows:
            plan = by_id.get(r["plan_id"])
            texts = tuple(json.loads(r["tokens"]))
            if plan is not None and texts not in plan.pending_tokens:  # pending: from an old plan row
                plan.evidence_tokens.append(texts)
        return plans

    def get(self, plan_id: str) -> Plan | None:
        """One stored plan (without its goal-token rows), or None."""
        try:
            row = self.db.connection().execute("SELECT data FROM learning_plans WHERE id = ?", (plan_id,)).fetchone()
        except DB_ERRORS as e:
            raise StoreError(f"cannot read plan {plan_id} from {self.db.label}: {e}") from e
        return Plan.from_dict(json.loads(row["data"])) if row is not None else None

    def seen(self) -> dict[str, str | None]:
        rows = self.db.connection().execute("SELECT trace_id, plan_id FROM learning_seen").fetchall()
        return {r["trace_id"]: r["plan_id"] for r in rows}

    def evidence_for(self, plan_ids: Iterable[str]) -> list[Evidence]:
        ids = list(plan_ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = (
            self.db.connection()
            .execute(f"SELECT data FROM learning_evidence WHERE plan_id IN ({marks}) ORDER BY n", ids)
            .fetchall()
        )
        return [Evidence.from_dict(json.loads(r["data"])) for r in rows]

    def plan_of_trace(self, trace_id: str) -> str | None:
        row = (
            self.db.connection()
            .execute("SELECT plan_id FROM learning_evidence WHERE trace_id = ?", (trace_id,))
            .fetchone()
        )
        return None if row is None else str(row["plan_id"])

    def write(self, changes: Changes) -> None:
        now = time.time()
        try:
            with self.db.transaction() as conn:
                for pid in changes.deleted:
                    conn.execute("DELETE FROM learning_plans WHERE id = ?", (pid,))
                    conn.execute("DELETE FROM learning_goal_tokens WHERE plan_id = ?", (pid,))
                for p in changes.plans.values():
                    if p.tokens_fresh:
                        conn.execute("DELETE FROM learning_goal_tokens WHERE plan_id = ?", (p.id,))
                        p.pending_tokens, p.tokens_fresh = list(p.evidence_tokens), False
                    conn.executemany(
                        "INSERT OR IGNORE INTO learning_goal_tokens (plan_id, tokens) VALUES (?,?)",
                        [(p.id, json.dumps(list(t))) for t in p.pending_tokens],
                    )
                    p.pending_tokens = []
                conn.executemany(
                    "INSERT OR REPLACE INTO learning_plans (id, agent, ntokens, support, updated_at, data) "
                    "VALUES (?,?,?,?,?,?)",
                    [
                        (
                            p.id,
                            p.agent,
                            p.ntokens,
                            p.support,
                            p.updated_at,
                            json.dumps(p.to_dict(), default=str),
                        )
                        for p in changes.plans.values()
                    ],
                )
                conn.executemany(
                    "DELETE FROM learning_evidence WHERE trace_id = ?",
                    [(t,) for t in changes.dropped_evidence],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO learning_evidence (trace_id, plan_id, data) VALUES (?,?,?)",
                    [(ev.trace_id, pid, json.dumps(ev.to_dict(), default=str)) for ev, pid in changes.evidence],
                )
                conn.executemany(
                    "UPDATE learning_evidence SET plan_id = ? WHERE trace_id = ?",
                    [(pid, tid) for tid, pid in changes.reassigned.items()],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO learning_seen (trace_id, plan_id, at) VALUES (?,?,?)",
                    [(tid, pid, now) for tid, pid in changes.seen],
                )
        except DB_ERRORS as e:
            raise StoreError(f"cannot save plans in {self.db.label}: {e}") from e

    def clear(self) -> None:
        try:
            with self.db.transaction() as conn:
                conn.execute("DELETE FROM learning_plans")
                conn.execute("DELETE FROM learning_evidence")
                conn.execute("DELETE FROM learning_goal_tokens")
                conn.execute("DELETE FROM learning_seen")
        except DB_ERRORS as e:
            raise StoreError(f"cannot clear plans in {self.db.label}: {e}") from e
