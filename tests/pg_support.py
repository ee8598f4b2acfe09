"""A throwaway PostgreSQL for the tests (see scripts/pg_throwaway.py).

`LLMOS_TEST_PG_URL` (set by `.ci/run`) names a running server; otherwise one is started for the
session where the Debian binaries are installed. Each test gets a fresh database of its own. Where
PostgreSQL is missing the PostgreSQL tests skip, except in CI (`CI` set), where they fail.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import pg_throwaway


def server_url() -> Iterator[str]:
    """The URL of a PostgreSQL server for this test session (started here when none is given)."""
    given = os.environ.get("LLMOS_TEST_PG_URL")
    if given:
        yield given
        return
    if pg_throwaway.pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: .ci/run installs it (apt-get install -y postgresql)")
        pytest.skip("PostgreSQL is not installed (apt-get install -y postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="llmos-pg-"))
    url = pg_throwaway.start(folder)
    try:
        yield url
    finally:
        pg_throwaway.stop(folder)


def fresh_database(server: str) -> Iterator[str]:
    """Create an empty database on `server`, yield its URL, drop it afterwards."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
