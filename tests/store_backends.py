"""The `db` fixture of the store tests: the same test against SQLite and against PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from llmos.storage.base import StoreDB
from llmos.storage.factory import open_database

BACKENDS = ["sqlite", "postgres"]


def open_backend(request: pytest.FixtureRequest, workspace: Path) -> StoreDB:
    if request.param == "sqlite":
        return open_database(workspace)
    return open_database(workspace, url=request.getfixturevalue("pg_url"))


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreDB]:
    d = open_backend(request, tmp_path)
    yield d
    d.close()
