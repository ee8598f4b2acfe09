"""Counters that several servers update in one shared store add up: nothing is read, changed in
memory and written back over another process's update (SQLite file and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmos.evolution.records import ToolRecords
from llmos.storage.base import StoreDB
from llmos.storage.factory import open_database


@pytest.fixture(params=["sqlite", "postgres"])
def dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[StoreDB]]:
    """Two handles on one store (each its own connections), as two servers would have."""
    url = str(request.getfixturevalue("pg_url")) if request.param == "postgres" else f"sqlite:///{tmp_path / 's.db'}"
    opened = [open_database(tmp_path, url=url) for _ in range(2)]
    yield opened
    for db in opened:
        db.close()


def test_crystallized_run_counts_from_two_servers_add_up(dbs: list[StoreDB]) -> None:
    first, second = (ToolRecords(db) for db in dbs)
    first.activate("plan_1", "tool_1", 1, "fp", pinned=False, reason="")

    def count(records: ToolRecords, ok: bool) -> None:
        for _ in range(40):
            records.count_outcome("plan_1", ok, "" if ok else "it failed")

    workers = [threading.Thread(target=count, args=(r, ok)) for r, ok in ((first, True), (second, False))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    row = second.get("plan_1")
    assert row is not None
    assert (row.uses, row.successes, row.failures) == (80, 40, 40)
    after = first.count_outcome("plan_1", False, "again")
    assert after is not None and after.uses == 81 and after.reason == "again"
    assert first.count_outcome("plan_unknown", True, "") is None
