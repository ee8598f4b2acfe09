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

from llmos.exceptions import StoreConflict, StoreError
from llmos.learning._plan_json import plan_json
from llmos.learning.induction import Evidence
from llmos.learning.plans import Plan
from llmos.storage.base import DB_ERRORS, Conn, StoreDB

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
CREATE TABLE IF NOT EXISTS learning_generation (
    id INTEGER PRIMARY KEY,
    gen INTEGER NOT NULL
);
INSERT INTO learning_generation (id, gen) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS learning_rules (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS learning_changes (
    gen INTEGER NOT NULL,
    plan_id TEXT NOT NULL,
    PRIMARY KEY (gen, plan_id)
);
"""
# Several processes (servers) share the plans: every write that changes plans bumps the generation
# (only from the generation it was computed from: else StoreConflict) and logs the plan ids it
# changed, so another process reloads just those. The log keeps the last CHANGE_LOG generations; a
# process further behind (or after `clear`, which jumps past them) reloads everything.
CHANGE_LOG = 1000


@dataclass
class Changes:
    """What one observe/reject/rebuild writes, in one transaction."""

    plans: dict[str, Plan] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    evidence: list[tuple[Evidence, str]] = field(default_factory=list)
    # (trace_id, plan_id, the evidence row's JSON): written out as it is observed, so that a batch does not
    # keep every run's parsed results alive until its write (`evidence_json`)
    evidence_rows: list[tuple[str, str, str]] = field(default_factory=list)
    reassigned: dict[str, str] = field(default_factory=dict)  # trace_id -> plan_id
    dropped_evidence: set[str] = field(default_factory=set)
    seen: list[tuple[str, str | None]] = field(default_factory=list)
    rules: str | None = None  # the rules that made the plans (`_rules_version`), when they changed

    def touch(self, plan: Plan) -> None:
        self.plans[plan.id] = plan
        self.deleted.discard(plan.id)

    def delete(self, plan_id: str) -> None:
        self.plans.pop(plan_id, None)
        self.deleted.add(plan_id)


def evidence_json(ev: Evidence) -> str:
    """The stored form of one run's evidence (`Evidence.from_dict` reads it back)."""
    return _encode(ev.to_dict())


_encode = json.JSONEncoder(default=str).encode  # json.dumps(x, default=str) without an encoder per call


class PlanStore:
    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("learning", SCHEMA)

    def load(self, plan_ids: Iterable[str] | None = None) -> list[Plan]:
        """Every plan, or those of `plan_ids` that exist."""
        where, params = "", []
        if plan_ids is not None:
            params = list(plan_ids)
            if not params:
                return []
            where = f" WHERE {{}} IN ({','.join('?' * len(params))})"
        try:
            conn = self.db.connection()
            rows = conn.execute("SELECT data FROM learning_plans" + where.format("id"), params).fetchall()
            token_rows = conn.execute(
                "SELECT plan_id, tokens FROM learning_goal_tokens" + where.format("plan_id"), params
            ).fetchall()
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

    def generation(self) -> int:
        """The plans' generation: it changes whenever any process changes a plan."""
        row = self.db.connection().execute("SELECT gen FROM learning_generation WHERE id = 1").fetchone()
        return 0 if row is None else int(row["gen"])

    def changed_since(self, gen: int) -> set[str] | None:
        """The ids of plans changed after generation `gen`, or None when the log no longer reaches back."""
        conn = self.db.connection()
        oldest = conn.execute("SELECT MIN(gen) AS g FROM learning_changes").fetchone()
        if oldest is None or oldest["g"] is None or int(oldest["g"]) > gen + 1:
            return None
        rows = conn.execute("SELECT DISTINCT plan_id FROM learning_changes WHERE gen > ?", (gen,)).fetchall()
        return {str(r["plan_id"]) for r in rows}

    @staticmethod
    def _bump(conn: Conn, expected: int | None, plan_ids: set[str], *, jump: int = 1) -> int:
        """Move the generation on from `expected` (StoreConflict if another process moved it first;
        None: from wherever it is). Logs `plan_ids` under the new generation."""
        if expected is None:
            conn.execute("UPDATE learning_generation SET gen = gen + ? WHERE id = 1", (jump,))
            new = int(conn.execute("SELECT gen FROM learning_generation WHERE id = 1").fetchone()["gen"])
        else:
            cur = conn.execute(
                "UPDATE learning_generation SET gen = gen + ? WHERE id = 1 AND gen = ?", (jump, expected)
            )
            if cur.rowcount != 1:
                raise StoreConflict("the plans were changed by another process")
            new = expected + jump
        conn.executemany(
            "INSERT INTO learning_changes (gen, plan_id) VALUES (?,?) ON CONFLICT DO NOTHING",
            [(new, pid) for pid in sorted(plan_ids)],
        )
        conn.execute("DELETE FROM learning_changes WHERE gen <= ?", (new - CHANGE_LOG,))
        return new

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

    def all_evidence(self) -> list[tuple[Evidence, str]]:
        """Every stored run's evidence with the plan it supports, in the order the runs were observed."""
        try:
            rows = self.db.connection().execute("SELECT plan_id, data FROM learning_evidence ORDER BY n").fetchall()
        except DB_ERRORS as e:
            raise StoreError(f"cannot read the evidence from {self.db.label}: {e}") from e
        return [(Evidence.from_dict(json.loads(r["data"])), str(r["plan_id"])) for r in rows]

    def rules(self) -> str | None:
        """The rules that made the stored plans (`_rules_version`), or None for a store from before they were kept."""
        try:
            row = self.db.connection().execute("SELECT version FROM learning_rules WHERE id = 1").fetchone()
        except DB_ERRORS as e:
            raise StoreError(f"cannot read the learning rules' version from {self.db.label}: {e}") from e
        return None if row is None else str(row["version"])

    def plan_of_trace(self, trace_id: str) -> str | None:
        row = (
            self.db.connection()
            .execute("SELECT plan_id FROM learning_evidence WHERE trace_id = ?", (trace_id,))
            .fetchone()
        )
        return None if row is None else str(row["plan_id"])

    def write(self, changes: Changes, expected: int | None = None) -> int:
        """Write `changes` in one transaction. With `expected` (the generation they were computed
        from) a change to plans raises StoreConflict when another process changed plans meanwhile.
        Returns the generation after the write."""
        now = time.time()
        touched = set(changes.plans) | changes.deleted
        try:
            with self.db.transaction() as conn:
                gen = self._bump(conn, expected, touched) if touched else expected
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
                            plan_json(p),
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
                    [*((ev.trace_id, pid, evidence_json(ev)) for ev, pid in changes.evidence), *changes.evidence_rows],
                )
                conn.executemany(
                    "UPDATE learning_evidence SET plan_id = ? WHERE trace_id = ?",
                    [(pid, tid) for tid, pid in changes.reassigned.items()],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO learning_seen (trace_id, plan_id, at) VALUES (?,?,?)",
                    [(tid, pid, now) for tid, pid in changes.seen],
                )
                if changes.rules is not None:
                    conn.execute(
                        "INSERT INTO learning_rules (id, version) VALUES (1, ?) "
                        "ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                        (changes.rules,),
                    )
        except DB_ERRORS as e:
            raise StoreError(f"cannot save plans in {self.db.label}: {e}") from e
        return self.generation() if gen is None else gen

    def clear(self) -> None:
        try:
            with self.db.transaction() as conn:
                conn.execute("DELETE FROM learning_plans")
                conn.execute("DELETE FROM learning_evidence")
                conn.execute("DELETE FROM learning_goal_tokens")
                conn.execute("DELETE FROM learning_seen")
                self._bump(conn, None, set(), jump=CHANGE_LOG + 1)  # every process reloads everything
        except DB_ERRORS as e:
            raise StoreError(f"cannot clear plans in {self.db.label}: {e}") from e
