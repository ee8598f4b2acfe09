"""The versioned change log: record, history, diff, revert, persistence, git mirror."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from llmos.exceptions import VersionError
from llmos.storage.db import Database
from llmos.storage.versions import VersionStore, unified_diff


@pytest.fixture
def store(tmp_path: Path) -> VersionStore:
    return VersionStore(Database.for_workspace(tmp_path), tmp_path)


def test_record_and_get(store: VersionStore) -> None:
    c = store.record(
        "tool.crystallize",
        "tool:wc",
        who="evolution",
        why="used 5 times",
        before=None,
        after="x = 1\n",
        path="tools/generated/wc.py",
        run_id="r9",
    )
    assert c.id > 0 and c.kind == "tool.crystallize" and c.run_id == "r9"
    assert c.diff.startswith("--- /dev/null\n+++ b/tools/generated/wc.py\n")
    assert "+x = 1" in c.diff
    got = store.get(c.id)
    assert got == c
    assert got.when.endswith("+00:00")
    with pytest.raises(VersionError, match="no change with id 999"):
        store.get(999)


def test_history_filters_and_order(store: VersionStore) -> None:
    for i in range(3):
        store.record("agent.modify", "agent:a", who="m", why=str(i), before=None, after=None, path=None)
    store.record("agent.create", "agent:b", who="m", why="b", before=None, after="b", path=None)
    store.record("tool.create", "tool:t", who="m", why="t", before=None, after="t", path=None)
    assert [c.why for c in store.history(target="agent:a")] == ["2", "1", "0"]
    assert [c.why for c in store.history(kind="agent.*")] == ["b", "2", "1", "0"]
    assert [c.why for c in store.history(kind="tool.create")] == ["t"]
    assert len(store.history(limit=2)) == 2
    assert store.latest("agent:b").why == "b"  # type: ignore[union-attr]
    assert store.latest("agent:none") is None


def test_write_and_revert_chain(tmp_path: Path, store: VersionStore) -> None:
    f = tmp_path / "agents" / "a.md"
    c1 = store.write("agent.create", "agent:a", "agents/a.md", "one\n", who="m", why="create", expect_before=None)
    assert f.read_text() == "one\n"
    c2 = store.write("agent.modify", "agent:a", f, "two\n", who="m", why="edit")  # absolute path accepted
    assert c2.path == "agents/a.md" and c2.before == "one\n" and c2.after == "two\n"
    assert "-one\n+two\n" in c2.diff
    # reverting an older change while a later one is in place is refused, nothing changes
    with pytest.raises(VersionError, match="changed after it"):
        store.revert(c1.id, who="u")
    assert f.read_text() == "two\n" and len(store.history()) == 2
    r = store.revert(c2.id, who="u", why="worse")
    assert f.read_text() == "one\n"
    assert (r.kind, r.target, r.reverts, r.before, r.after) == ("revert", "agent:a", c2.id, "two\n", "one\n")
    assert r.why == "revert change 2 (agent.modify): worse"
    # revert the revert (redo), then the creation: the file goes away
    store.revert(r.id, who="u")
    assert f.read_text() == "two\n"
    store.revert(c1.id, who="u", force=True)
    assert not f.exists()
    assert [c.kind for c in store.history(target="agent:a")] == [
        "revert",
        "revert",
        "revert",
        "agent.modify",
        "agent.create",
    ]


def test_revert_refuses_hand_edit(tmp_path: Path, store: VersionStore) -> None:
    c = store.write("agent.create", "agent:a", "agents/a.md", "one\n", who="m", why="w")
    (tmp_path / "agents/a.md").write_text("hand edit\n")
    with pytest.raises(VersionError, match="changed after it"):
        store.revert(c.id, who="u")
    assert (tmp_path / "agents/a.md").read_text() == "hand edit\n"
    store.revert(c.id, who="u", force=True)
    assert not (tmp_path / "agents/a.md").exists()


def test_write_expectations(tmp_path: Path, store: VersionStore) -> None:
    store.write("agent.create", "agent:a", "agents/a.md", "one\n", who="m", why="w", expect_before=None)
    with pytest.raises(VersionError, match="already exists"):
        store.write("agent.create", "agent:a", "agents/a.md", "x", who="m", why="w", expect_before=None)
    with pytest.raises(VersionError, match="changed since it was read"):
        store.write("agent.modify", "agent:a", "agents/a.md", "x", who="m", why="w", expect_before="zero\n")
    assert (tmp_path / "agents/a.md").read_text() == "one\n" and len(store.history()) == 1
    with pytest.raises(VersionError, match="outside the workspace"):
        store.write("x", "y", "/etc/passwd", "x", who="m", why="w")
    with pytest.raises(VersionError, match="inside the workspace"):
        store.write("x", "y", "../escape.md", "x", who="m", why="w")


def test_failed_insert_restores_file(tmp_path: Path, store: VersionStore) -> None:
    store.write("agent.create", "agent:a", "agents/a.md", "one\n", who="m", why="w")
    with pytest.raises(VersionError, match="needs a kind"):
        store.write("", "agent:a", "agents/a.md", "two\n", who="m", why="w")
    assert (tmp_path / "agents/a.md").read_text() == "one\n" and len(store.history()) == 1


def test_revert_without_file(store: VersionStore) -> None:
    c = store.record("tool.demote", "tool:t", who="m", why="failing", before=None, after=None, path=None)
    with pytest.raises(VersionError, match="touched no file"):
        store.revert(c.id, who="u")


def test_persistence_across_reopen(tmp_path: Path) -> None:
    db = Database.for_workspace(tmp_path)
    store = VersionStore(db, tmp_path)
    c = store.write("agent.create", "agent:a", "agents/a.md", "one\n", who="m", why="w", run_id="r1")
    db.close()
    again = VersionStore(Database.for_workspace(tmp_path), tmp_path)
    assert again.get(c.id) == c
    r = again.revert(c.id, who="u")
    assert r.id == c.id + 1 and not (tmp_path / "agents/a.md").exists()


def test_unified_diff_edges() -> None:
    assert unified_diff("a\n", "a\n") == ""
    d = unified_diff("a", "b", "f.txt")
    assert "\\ No newline at end of file" in d and "--- a/f.txt" in d
    assert unified_diff("x\n", None, "f").splitlines()[1] == "+++ /dev/null"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_mirror(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    store = VersionStore(Database.for_workspace(tmp_path), tmp_path, git=True)
    c = store.write("agent.create", "agent:a", "agents/a.md", "one\n", who="m", why="because")
    assert c.git_commit and store.get(c.id).git_commit == c.git_commit
    r = store.revert(c.id, who="u")
    assert r.git_commit and r.git_commit != c.git_commit
    log = subprocess.run(
        ["git", "log", "--format=%s", "--", "agents/a.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert log.splitlines() == ["revert agent:a (llmos change 2)", "agent.create agent:a (llmos change 1)"]
    # not a repository root: no git mirror, no error
    other = tmp_path / "sub"
    other.mkdir()
    plain = VersionStore(Database.for_workspace(other), other, git=True)
    assert plain.write("agent.create", "agent:b", "agents/b.md", "x", who="m", why="w").git_commit is None
