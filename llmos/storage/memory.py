"""The memory stores: sessions (L2, a conversation that outlives the process) and facts (L4).

Both live in the workspace database next to the traces. A session is an id with the runs that
belong to it; each run adds its messages as one row (JSON), so a session is appended to, never
rewritten. A fact is a short text in a namespace, with metadata and the run that wrote it;
forgetting a fact deletes it, and a fact whose source run is rejected is marked, not deleted.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from llmos.exceptions import StoreError, UserError
from llmos.storage.base import DB_ERRORS, StoreDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS memory_sessions (
    id TEXT PRIMARY KEY,
    agent TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS memory_session_turns (
    session_id TEXT NOT NULL REFERENCES memory_sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    goal TEXT NOT NULL,
    answer TEXT NOT NULL,
    messages TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE TABLE IF NOT EXISTS memory_facts (
    id TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL,
    source_run TEXT,
    created_at REAL NOT NULL,
    rejected INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS memory_facts_ns ON memory_facts(namespace);
CREATE INDEX IF NOT EXISTS memory_facts_run ON memory_facts(source_run);
"""

MAX_FACT_CHARS = 4_000


@dataclass
class SessionTurn:
    """One run of a session: its goal, its answer, and the messages it added (JSON-able dicts)."""

    seq: int
    run_id: str
    goal: str
    answer: str
    messages: list[dict[str, Any]]
    created_at: float


@dataclass
class SessionInfo:
    id: str
    agent: str
    title: str
    created_at: float
    updated_at: float
    turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Fact:
    id: str
    namespace: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    source_run: str | None = None
    created_at: float = 0.0
    rejected: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def check_session_id(session_id: str) -> str:
    sid = (session_id or "").strip()
    if not sid or len(sid) > 128 or any(c.isspace() or ord(c) < 32 for c in sid):
        raise UserError(f"invalid session id {session_id!r}: use 1-128 characters without spaces")
    return sid


class SessionStore:
    """Sessions and their turns."""

    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("memory", SCHEMA)

    def append(
        self, session_id: str, *, run_id: str, goal: str, answer: str, messages: list[dict[str, Any]], agent: str = ""
    ) -> int:
        """Add one run to a session (created on first use). Returns the turn number."""
        sid = check_session_id(session_id)
        now = time.time()
        try:
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT INTO memory_sessions (id, agent, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at",
                    (sid, agent, goal[:80], now, now),
                )
                row = conn.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM memory_session_turns WHERE session_id = ?", (sid,)
                ).fetchone()
                seq = int(row[0]) + 1
                conn.execute(
                    "INSERT INTO memory_session_turns (session_id, seq, run_id, goal, answer, messages, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (sid, seq, run_id, goal, answer, json.dumps(messages, ensure_ascii=False), now),
                )
        except DB_ERRORS as e:
            raise StoreError(f"cannot save session {sid}: {e}") from e
        return seq

    def turns(self, session_id: str) -> list[SessionTurn]:
        rows = (
            self.db.connection()
            .execute(
                "SELECT seq, run_id, goal, answer, messages, created_at FROM memory_session_turns"
                " WHERE session_id = ? ORDER BY seq",
                (check_session_id(session_id),),
            )
            .fetchall()
        )
        return [SessionTurn(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

    def get(self, session_id: str) -> SessionInfo | None:
        row = (
            self.db.connection()
            .execute(
                "SELECT s.id, s.agent, s.title, s.created_at, s.updated_at,"
                " (SELECT COUNT(*) FROM memory_session_turns t WHERE t.session_id = s.id)"
                " FROM memory_sessions s WHERE s.id = ?",
                (check_session_id(session_id),),
            )
            .fetchone()
        )
        return SessionInfo(*row) if row else None

    def list(self, limit: int = 50) -> list[SessionInfo]:
        rows = (
            self.db.connection()
            .execute(
                "SELECT s.id, s.agent, s.title, s.created_at, s.updated_at,"
                " (SELECT COUNT(*) FROM memory_session_turns t WHERE t.session_id = s.id)"
                " FROM memory_sessions s ORDER BY s.updated_at DESC LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [SessionInfo(*r) for r in rows]

    def delete(self, session_id: str) -> bool:
        sid = check_session_id(session_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM memory_session_turns WHERE session_id = ?", (sid,))
            cur = conn.execute("DELETE FROM memory_sessions WHERE id = ?", (sid,))
        return cur.rowcount > 0


class FactStore:
    """Facts: add, list, forget, and mark those written by rejected runs."""

    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("memory", SCHEMA)

    def add(
        self,
        text: str,
        *,
        namespace: str = "default",
        metadata: dict[str, Any] | None = None,
        source_run: str | None = None,
    ) -> Fact:
        text = (text or "").strip()
        if not text:
            raise UserError("a fact needs some text")
        if len(text) > MAX_FACT_CHARS:
            raise UserError(f"a fact is at most {MAX_FACT_CHARS} characters (got {len(text)}): split it")
        namespace = (namespace or "default").strip() or "default"
        fact = Fact(uuid.uuid4().hex[:12], namespace, text, dict(metadata or {}), source_run, time.time())
        try:
            meta = json.dumps(fact.metadata, ensure_ascii=False, default=str)
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT INTO memory_facts (id, namespace, text, metadata, source_run, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (fact.id, fact.namespace, fact.text, meta, fact.source_run, fact.created_at),
                )
        except DB_ERRORS as e:
            raise StoreError(f"cannot save the fact: {e}") from e
        return fact

    def all(
        self, namespace: str | None = None, *, include_rejected: bool = True, limit: int | None = None
    ) -> list[Fact]:
        sql = "SELECT id, namespace, text, metadata, source_run, created_at, rejected FROM memory_facts"
        where, params = [], []
        if namespace is not None:
            where.append("namespace = ?")
            params.append(namespace)
        if not include_rejected:
            where.append("rejected = 0")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self.db.connection().execute(sql, params).fetchall()
        return [Fact(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], bool(r[6])) for r in rows]

    def version(self) -> tuple[int, float]:
        """Changes whenever facts are added, forgotten or marked (cache key for search indexes)."""
        row = (
            self.db.connection()
            .execute("SELECT COUNT(*), COALESCE(MAX(created_at), 0), COALESCE(SUM(rejected), 0) FROM memory_facts")
            .fetchone()
        )
        return int(row[0]) * 1_000_003 + int(row[2]), float(row[1])

    def forget(self, fact_id: str) -> bool:
        with self.db.transaction() as conn:
            cur = conn.execute("DELETE FROM memory_facts WHERE id = ?", (fact_id,))
        return cur.rowcount > 0

    def mark_rejected(self, run_id: str, rejected: bool = True) -> int:
        """Mark the facts a run wrote (its trace was rejected). Returns how many."""
        with self.db.transaction() as conn:
            cur = conn.execute("UPDATE memory_facts SET rejected = ? WHERE source_run = ?", (int(rejected), run_id))
        return cur.rowcount
