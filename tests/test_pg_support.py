"""The throwaway PostgreSQL the store tests run against answers, and each test gets its own database."""

from __future__ import annotations


def test_a_fresh_database_answers(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (1)")
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (1,)
        name = conn.execute("SELECT current_database()").fetchone()
    assert name is not None and str(name[0]).startswith("t_")
