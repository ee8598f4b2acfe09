"""The workspace database: one SQLite file, WAL mode, short transactions.

Every store (traces, ledger, plans, state, evolution) owns its tables and creates them with
`ensure_schema`. Connections are per thread; writes use `BEGIN IMMEDIATE` so concurrent runs
(threads or processes) serialize cleanly instead of failing halfway.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from llmos.exceptions import StoreError

DB_DIR = ".llmos"
DB_FILE = "llmos.db"


class Database:
    """A SQLite database file shared by every store of a workspace (a `StoreDB`)."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._schemas: set[str] = set()
        # Two locks, never nested inside each other: `_conns_lock` guards only the list of open
        # connections (a leaf: nothing is called while it is held); `_schema_lock` serializes
        # the CREATE statements, and takes the connection *before* it is acquired. (One lock for
        # both froze a fresh server: a new thread's ensure_schema opened its connection while
        # holding the lock that opening a connection takes.)
        self._conns_lock = threading.Lock()
        self._schema_lock = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _set_wal(self.connection())
        except (OSError, sqlite3.Error) as e:
            raise StoreError(f"cannot open the workspace database {self.path}: {e}") from e

    @classmethod
    def for_workspace(cls, workspace: Path) -> Database:
        return cls(Path(workspace) / DB_DIR / DB_FILE)

    @property
    def label(self) -> str:
        return str(self.path)

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._conns_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE): all or nothing."""
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise StoreError(f"cannot start a transaction on {self.path}: {e}") from e
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def ensure_schema(self, name: str, ddl: str) -> None:
        """Run a store's CREATE statements once per process (idempotent: IF NOT EXISTS)."""
        if name in self._schemas:
            return
        conn = self.connection()  # outside the schema lock: opening a connection takes `_conns_lock`
        with self._schema_lock:
            if name in self._schemas:
                return
            try:
                conn.executescript(ddl)
            except sqlite3.Error as e:
                raise StoreError(f"cannot create the {name} tables in {self.path}: {e}") from e
            self._schemas.add(name)

    def ensure_columns(self, table: str, columns: dict[str, str]) -> None:
        """Add the columns (name -> DDL) a table gained after its first release, where missing."""
        if f"{table}.columns" in self._schemas:
            return
        have = {r[1] for r in self.connection().execute(f"PRAGMA table_info({table})").fetchall()}
        for col, ddl in columns.items():
            if col not in have:
                with self.transaction() as tx:
                    if col not in {r[1] for r in tx.execute(f"PRAGMA table_info({table})").fetchall()}:
                        tx.execute(f"ALTER TABLE {table} ADD COLUMN {col} {ddl}")
        self._schemas.add(f"{table}.columns")

    def close(self) -> None:
        with self._conns_lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()


def _set_wal(conn: sqlite3.Connection, wait_s: float = 30.0) -> None:
    """Switch the database to WAL. Two processes opening one new database at once (two servers on one
    workspace) race for the exclusive lock the switch takes, and SQLite answers the loser "database is
    locked" at once, without its busy handler: retry until `wait_s`, as the busy timeout would."""
    deadline = time.monotonic() + wait_s
    delay = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
