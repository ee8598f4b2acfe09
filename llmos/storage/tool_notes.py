"""Tool notes: what a tool did that contradicts what it declared, kept across processes.

Rule 4 trusts a hint that lowers a tool's risk (`readOnlyHint`, `idempotentHint`) only while nothing the
tool says or did contradicts it (`llmos.tools.hint_trust`). A result that was a receipt is such a
contradiction, and it must outlive the process that saw it: `llmos run` starts a new process for each
goal, and a server restarts. So each note is stored here, keyed by the tool's source and name
(`mcp:SERVER` and `SERVER__tool`), and the registry applies it whenever a tool of that key is
registered again. A note only ever raises caution; nothing clears it but `llmos tools trust NAME`
(a tool that was fixed).
"""

from __future__ import annotations

import time

from llmos.exceptions import StoreError
from llmos.storage.base import DB_ERRORS, StoreDB

__all__ = ["ToolNoteStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS tool_notes (
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    note TEXT NOT NULL,
    why TEXT NOT NULL,
    noted_at REAL NOT NULL,
    PRIMARY KEY (source, name, note)
);
"""


class ToolNoteStore:
    """(source, name, note) -> why; the first note of a kind is kept (it says when trust was lost)."""

    def __init__(self, db: StoreDB) -> None:
        self.db = db
        db.ensure_schema("tool_notes", SCHEMA)

    def save(self, source: str, name: str, note: str, why: str) -> None:
        try:
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT INTO tool_notes (source, name, note, why, noted_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (source, name, note) DO NOTHING",
                    (source, name, note, why, time.time()),
                )
        except DB_ERRORS as e:
            raise StoreError(f"cannot save the note on tool {name!r}: {e}") from e

    def load(self, note: str) -> dict[tuple[str, str], str]:
        """(source, name) -> why, for every tool with a note of this kind."""
        rows = self.db.connection().execute(
            "SELECT source, name, why FROM tool_notes WHERE note = ? ORDER BY noted_at", (note,)
        ).fetchall()
        return {(str(r[0]), str(r[1])): str(r[2]) for r in rows}

    def forget_name(self, name: str) -> int:
        """Drop every note on the tools of this name, whatever their source (it was fixed); how many."""
        try:
            with self.db.transaction() as conn:
                cur = conn.execute("DELETE FROM tool_notes WHERE name = ?", (name,))
        except DB_ERRORS as e:
            raise StoreError(f"cannot forget the notes on tool {name!r}: {e}") from e
        return int(cur.rowcount)
