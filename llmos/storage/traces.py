"""The trace store: every run, as versioned JSON in SQLite, with a few indexed columns."""

from __future__ import annotations

import builtins
import json
import time
from collections.abc import Iterable, Iterator
from typing import Any

from llmos.exceptions import StoreError, UserError
from llmos.storage.base import DB_ERRORS, StoreDB
from llmos.trace import Trace

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    goal TEXT NOT NULL,
    agent TEXT NOT NULL,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    success INTEGER NOT NULL,
    rejected INTEGER NOT NULL DEFAULT 0,
    plan_id TEXT,
    llm_calls INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    saved_usd REAL NOT NULL DEFAULT 0,
    saved_tokens INTEGER NOT NULL DEFAULT 0,
    started_at REAL NOT NULL,
    ended_at REAL,
    format_version INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at);
CREATE INDEX IF NOT EXISTS runs_mode ON runs(mode);
CREATE INDEX IF NOT EXISTS runs_plan ON runs(plan_id);
CREATE INDEX IF NOT EXISTS runs_status ON runs(status);
CREATE INDEX IF NOT EXISTS runs_parent ON runs(json_extract(data, '$.parent_id'));
"""


class TraceStore:
    """Save, load, list and export traces. A save is one transaction: never half-written."""

    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("traces", SCHEMA)

    def save(self, trace: Trace) -> None:
        data = trace.to_json(indent=None)
        row = (
            trace.id,
            trace.goal,
            trace.agent,
            trace.mode,
            trace.status,
            int(trace.success),
            int(trace.rejected),
            trace.plan_id,
            trace.llm_calls,
            trace.input_tokens,
            trace.output_tokens,
            trace.cost_usd,
            float(trace.metadata.get("saved_usd") or 0.0),
            int(trace.metadata.get("saved_tokens") or 0),
            trace.started_at,
            trace.ended_at,
            trace.format_version,
            data,
        )
        try:
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO runs (id, goal, agent, mode, status, success, rejected, plan_id, "
                    "llm_calls, input_tokens, output_tokens, cost_usd, saved_usd, saved_tokens, started_at, "
                    "ended_at, format_version, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
        except DB_ERRORS as e:
            raise StoreError(f"cannot save trace {trace.id}: {e}") from e

    def get(self, run_id: str) -> Trace | None:
        if not run_id:
            return None
        row = self.db.connection().execute("SELECT data FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            # allow unambiguous prefixes, like git (compared literally: '_' and '%' are no wildcards)
            rows = (
                self.db.connection()
                .execute(
                    "SELECT data FROM runs WHERE id >= ? AND id < ? AND substr(id, 1, ?) = ? LIMIT 2",
                    (run_id, run_id + "\U0010ffff", len(run_id), run_id),
                )
                .fetchall()
            )
            if len(rows) != 1:
                return None
            row = rows[0]
        return Trace.from_dict(json.loads(row["data"]))

    def require(self, run_id: str) -> Trace:
        trace = self.get(run_id)
        if trace is None:
            raise UserError(f"no run with id {run_id!r}")
        return trace

    def list(
        self,
        limit: int = 20,
        offset: int = 0,
        *,
        status: str | None = None,
        mode: str | None = None,
        agent: str | None = None,
    ) -> builtins.list[Trace]:
        where, params = self._filters(status=status, mode=mode, agent=agent)
        rows = (
            self.db.connection()
            .execute(
                f"SELECT data FROM runs {where} ORDER BY started_at DESC LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
            .fetchall()
        )
        return [Trace.from_dict(json.loads(r["data"])) for r in rows]

    def recent(self, limit: int = 200) -> builtins.list[Trace]:
        """The latest finished runs (a run still in progress, or killed, is saved as `running`)."""
        return [t for t in self.list(limit=limit) if t.status != "running"]

    def iter_all(self, batch: int = 500) -> Iterator[Trace]:
        """Every trace, oldest first (for rebuilding derived data such as plans)."""
        last = -1.0
        last_id = ""
        conn = self.db.connection()
        while True:
            rows = conn.execute(
                "SELECT id, started_at, data FROM runs WHERE (started_at, id) > (?, ?) ORDER BY started_at, id LIMIT ?",
                (last, last_id, batch),
            ).fetchall()
            if not rows:
                return
            for r in rows:
                yield Trace.from_dict(json.loads(r["data"]))
            last, last_id = rows[-1]["started_at"], rows[-1]["id"]

    def usage(self, run_ids: Iterable[str]) -> dict[str, tuple[int, float, int]]:
        """(llm_calls, cost_usd, input + output tokens) of each stored run among `run_ids`, read from
        the indexed columns in one query (no trace is parsed)."""
        ids = list(dict.fromkeys(run_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = (
            self.db.connection()
            .execute(
                f"SELECT id, llm_calls, cost_usd, input_tokens, output_tokens FROM runs WHERE id IN ({marks})",
                ids,
            )
            .fetchall()
        )
        return {
            r["id"]: (int(r["llm_calls"]), float(r["cost_usd"]), int(r["input_tokens"]) + int(r["output_tokens"]))
            for r in rows
        }

    def children(self, parent_id: str) -> builtins.list[Trace]:
        """The runs started by an orchestrated run (its subtasks), oldest first."""
        rows = (
            self.db.connection()
            .execute(
                "SELECT data FROM runs WHERE json_extract(data, '$.parent_id') = ? ORDER BY started_at, id",
                (parent_id,),
            )
            .fetchall()
        )
        return [Trace.from_dict(json.loads(r["data"])) for r in rows]

    def top_level_costs(self) -> builtins.list[Any]:
        """(started_at, mode, cost_usd, saved_usd, tokens, saved_tokens) of every run that is not a
        subtask, oldest first (the dashboard's spend over time)."""
        return (
            self.db.connection()
            .execute(
                "SELECT started_at, mode, cost_usd, saved_usd, input_tokens + output_tokens tokens, saved_tokens "
                "FROM runs WHERE json_extract(data, '$.parent_id') IS NULL ORDER BY started_at"
            )
            .fetchall()
        )

    def count(self) -> int:
        return int(self.db.connection().execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def set_rejected(self, run_id: str, rejected: bool = True) -> Trace:
        trace = self.require(run_id)
        trace.rejected = rejected
        trace.event("rejected" if rejected else "unrejected", at_time=time.time())
        self.save(trace)
        return trace

    def stats(self) -> dict[str, Any]:
        """Runs, success and spend by mode, plus what replays saved."""
        conn = self.db.connection()
        by_mode = {}
        for r in conn.execute(
            "SELECT mode, COUNT(*) n, SUM(success) ok, SUM(llm_calls) calls, SUM(input_tokens) tin, "
            "SUM(output_tokens) tout, SUM(cost_usd) cost, SUM(saved_usd) saved, SUM(saved_tokens) saved_tok, "
            "AVG(ended_at - started_at) avg_s FROM runs GROUP BY mode ORDER BY mode"
        ):
            by_mode[r["mode"]] = {
                "runs": r["n"],
                "success": r["ok"] or 0,
                "llm_calls": r["calls"] or 0,
                "input_tokens": r["tin"] or 0,
                "output_tokens": r["tout"] or 0,
                "cost_usd": round(r["cost"] or 0.0, 6),
                "saved_usd": round(r["saved"] or 0.0, 6),
                "saved_tokens": r["saved_tok"] or 0,
                "avg_duration_s": round(r["avg_s"] or 0.0, 4),
            }
        by_agent = {
            r["agent"]: {"runs": r["n"], "cost_usd": round(r["cost"] or 0.0, 6)}
            for r in conn.execute("SELECT agent, COUNT(*) n, SUM(cost_usd) cost FROM runs GROUP BY agent")
        }
        total_runs = sum(m["runs"] for m in by_mode.values())
        return {
            "runs": total_runs,
            "success": sum(m["success"] for m in by_mode.values()),
            "cost_usd": round(sum(m["cost_usd"] for m in by_mode.values()), 6),
            "saved_usd": round(sum(m["saved_usd"] for m in by_mode.values()), 6),
            "saved_tokens": sum(m["saved_tokens"] for m in by_mode.values()),
            "llm_calls": sum(m["llm_calls"] for m in by_mode.values()),
            "by_mode": by_mode,
            "by_agent": by_agent,
        }

    @staticmethod
    def _filters(**kw: str | None) -> tuple[str, tuple[Any, ...]]:
        clauses, params = [], []
        for col, val in kw.items():
            if val is not None:
                clauses.append(f"{col} = ?")
                params.append(val)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", tuple(params)
