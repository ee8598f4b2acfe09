"""The store seam: what every store needs from a database, whichever backend holds it.

A store (traces, ledger, plans, sentience state, versions, memory, evolution records,
orchestration rules) owns its tables and talks to them through `StoreDB`: `connection()` for
reads, `transaction()` for a write that is all or nothing and serialized against every other
writer (SQLite's `BEGIN IMMEDIATE`; a transaction-scoped advisory lock on PostgreSQL), and
`ensure_schema` for its CREATE statements. Stores write one SQL (SQLite's); the PostgreSQL
backend (`llmos.storage._pg`) translates placeholders, upserts, JSON extraction and DDL types.
`llmos.storage.factory.open_database` picks the backend from `[storage] url`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from llmos.exceptions import StoreError


class BackendError(StoreError):
    """A database driver error from a backend other than SQLite (psycopg's, re-raised)."""


# What a store catches around its SQL, whichever backend runs it.
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, BackendError)


class Cursor(Protocol):
    @property
    def lastrowid(self) -> int | None: ...

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """A connection as stores use it: rows read by index or by column name (`row["id"]`)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


class StoreDB(Protocol):
    """A database shared by the stores of one workspace (or of several servers)."""

    @property
    def dialect(self) -> str: ...  # "sqlite" | "postgresql"

    @property
    def label(self) -> str: ...  # where it is, for messages: a file path, or a URL without its password

    def connection(self) -> Conn: ...

    def transaction(self) -> AbstractContextManager[Conn]: ...

    def ensure_schema(self, name: str, ddl: str) -> None: ...

    def ensure_columns(self, table: str, columns: dict[str, str]) -> None: ...

    def close(self) -> None: ...
