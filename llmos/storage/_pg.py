"""The PostgreSQL backend of the store seam: psycopg 3 with a connection pool.

- Reads run on any pooled connection (autocommit); a write transaction holds one connection and
  first takes a transaction-scoped advisory lock, so writers serialize across threads, processes
  and servers exactly as SQLite's `BEGIN IMMEDIATE` makes them (the ledger's reserve-then-insert
  relies on it: no double spend with several servers).
- Schemas are migrations kept with the code: each store's DDL is applied once per version (its
  digest), recorded in `llmos_migrations`, under an advisory lock so that several processes
  starting together do not race; every statement is idempotent (IF NOT EXISTS) besides.
- Rows read like `sqlite3.Row` (by index or column name); NUMERIC sums come back as int or float.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from llmos.exceptions import StoreError
from llmos.storage import _pgsql
from llmos.storage.base import BackendError

WRITE_LOCK = 0x6C6C6D6F73  # "llmos": the advisory lock every write transaction takes
MIGRATE_LOCK = WRITE_LOCK + 1
MIGRATIONS = """
CREATE TABLE IF NOT EXISTS llmos_migrations (
    name TEXT NOT NULL, version TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (name, version)
)
"""


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class Row:
    """A row read by index, by column name, or as a mapping (`dict(row)`), like `sqlite3.Row`."""

    __slots__ = ("_index", "_names", "_values")

    def __init__(self, names: list[str], index: dict[str, int], values: tuple[Any, ...]) -> None:
        self._names, self._index, self._values = names, index, values

    def __getitem__(self, key: int | str) -> Any:
        return self._values[key if isinstance(key, int) else self._index[key]]

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):  # SUM/AVG over BIGINT: SQLite would give an int (or a float)
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _row_factory(cursor: Any) -> Any:
    names = [d.name for d in cursor.description or ()]
    index = {n: i for i, n in enumerate(names)}

    def make(values: Sequence[Any]) -> Row:
        return Row(names, index, tuple(_plain(v) for v in values))

    return make


class Result:
    """A finished statement: its rows already read (the pooled connection is back in the pool)."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None) -> None:
        self._rows, self.rowcount, self.lastrowid = rows, rowcount, lastrowid
        self._at = 0

    def fetchone(self) -> Any:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchall(self) -> list[Any]:
        rows, self._at = self._rows[self._at :], len(self._rows)
        return rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


def _args(params: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(int(p) if isinstance(p, bool) else p for p in params)  # SQLite stores booleans as 0/1


class PgConn:
    """The `Conn` of the stores: a fixed connection inside a transaction, else one from the pool per statement."""

    def __init__(self, db: PgDatabase, conn: Any = None) -> None:
        self._db, self._conn = db, conn

    def _run(self, sql: str, params: Sequence[Any], many: bool) -> Result:
        import psycopg

        stmt = self._db.statement(sql, many)
        try:
            if self._conn is not None:
                return self._on(self._conn, stmt, params, many)
            with self._db.pool().connection() as conn:
                return self._on(conn, stmt, params, many)
        except psycopg.Error as e:
            raise BackendError(f"{self._db.label}: {type(e).__name__}: {e}".strip()) from e

    @staticmethod
    def _on(conn: Any, stmt: _pgsql.Statement, params: Any, many: bool) -> Result:
        with conn.cursor() as cur:
            if many:
                cur.executemany(stmt.sql, [_args(p) for p in params])
                return Result([], cur.rowcount, None)
            cur.execute(stmt.sql, _args(params))
            rows = cur.fetchall() if cur.description else []
            if stmt.returning:
                return Result([], cur.rowcount, int(rows[0][0]) if rows else None)
            return Result(rows, cur.rowcount, None)

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Result:
        return self._run(sql, parameters, False)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Result:
        return self._run(sql, list(seq_of_parameters), True)


class PgDatabase:
    """A PostgreSQL database shared by the stores of every workspace and server that names it."""

    dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 10, timeout_s: float = 10.0) -> None:
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError as e:
            raise StoreError(
                f"[storage] url {redact(url)} needs PostgreSQL support: pip install 'llmos[postgres]' ({e})"
            ) from e
        self.url = url
        self._label = redact(url)
        try:  # one plain connection first: a wrong host, database or password fails now, with its reason
            psycopg.connect(url, connect_timeout=max(1, int(timeout_s))).close()
        except psycopg.Error as e:
            raise StoreError(f"cannot connect to the PostgreSQL database {self._label}: {e}".strip()) from e
        self._tables: dict[str, _pgsql.Table] = {}
        self._sql: dict[tuple[str, bool], _pgsql.Statement] = {}
        self._schemas: set[str] = set()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._auto = PgConn(self)
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"autocommit": True, "row_factory": _row_factory},
            open=False,
            timeout=timeout_s,
            name="llmos",
        )
        try:
            self._pool.open(wait=True, timeout=timeout_s)
        except Exception as e:  # PoolTimeout, psycopg.Error: a wrong host, database or password
            self._pool.close()
            raise StoreError(f"cannot connect to the PostgreSQL database {self._label}: {e}") from e

    @property
    def label(self) -> str:
        return self._label

    def pool(self) -> Any:
        return self._pool

    def statement(self, sql: str, many: bool) -> _pgsql.Statement:
        stmt = self._sql.get((sql, many))
        if stmt is None:
            stmt = self._sql[(sql, many)] = _pgsql.statement(sql, self._tables, many=many)
        return stmt

    def connection(self) -> PgConn:
        tx: PgConn | None = getattr(self._local, "tx", None)
        return tx if tx is not None else self._auto  # inside a transaction, reads see its writes (as SQLite's)

    @contextmanager
    def transaction(self) -> Iterator[PgConn]:
        """A write transaction, serialized against every other writer of this database (all processes)."""
        import psycopg

        if getattr(self._local, "tx", None) is not None:
            raise StoreError(f"cannot start a transaction within a transaction on {self._label}")
        try:
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                self._local.tx = PgConn(self, conn)
                try:
                    yield self._local.tx
                finally:
                    self._local.tx = None
        except psycopg.Error as e:
            raise BackendError(f"{self._label}: {type(e).__name__}: {e}") from e

    def _migrate(self, name: str, version: str, sql: str) -> None:
        import psycopg

        try:
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                conn.execute(MIGRATIONS)
                done = conn.execute(
                    "SELECT 1 FROM llmos_migrations WHERE name = %s AND version = %s", (name, version)
                ).fetchone()
                if done is None:
                    conn.execute(sql)
                    conn.execute(
                        "INSERT INTO llmos_migrations (name, version, applied_at) VALUES (%s, %s, %s)",
                        (name, version, time.time()),
                    )
        except psycopg.Error as e:
            raise StoreError(f"cannot create the {name} tables in {self._label}: {e}") from e

    def ensure_schema(self, name: str, ddl: str) -> None:
        """Apply a store's DDL once per version (its digest), whoever else starts at the same time."""
        with self._lock:
            self._tables.update(_pgsql.tables_of(ddl))
            if name in self._schemas:
                return
        self._migrate(name, hashlib.sha256(ddl.encode()).hexdigest()[:16], _pgsql.ddl(ddl))
        with self._lock:
            self._schemas.add(name)

    def ensure_columns(self, table: str, columns: dict[str, str]) -> None:
        name = f"{table}.columns"
        if name in self._schemas:
            return
        sql = "; ".join(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {c} {_pgsql.ddl(d)}" for c, d in columns.items())
        self._migrate(name, hashlib.sha256(sql.encode()).hexdigest()[:16], sql)
        with self._lock:
            self._schemas.add(name)

    def close(self) -> None:
        self._pool.close()
