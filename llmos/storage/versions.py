"""The change log of self-modification: every edit LLM OS makes to its own agents and tools.

Each change stores who made it, when, why, the full content before and after, and a unified
diff. `revert(id)` puts the file back as it was before that change (deleting it if the change
created it) and records the revert as a change of its own, so history only ever grows. A revert
refuses when the file was edited since the change (pass `force=True` to overwrite anyway).

    versions = VersionStore(db, workspace)
    change = versions.write("agent.create", "agent:poet", "agents/poet.md", text, who="model", why="asked to")
    versions.revert(change.id, who="cli")

Targets are "<thing>:<name>" ("agent:haiku-poet", "tool:word_count"); kinds in use:
agent.create, agent.modify, tool.crystallize, tool.create, tool.demote, revert.

The SQLite table is the source of truth. With `git=True`, and when the workspace is itself the
root of a git repository, each change is also committed there (best effort, only that file).
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmos._log import logger
from llmos.exceptions import VersionError
from llmos.storage.base import StoreDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS version_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    path TEXT,
    who TEXT NOT NULL,
    why TEXT NOT NULL,
    created_at REAL NOT NULL,
    run_id TEXT,
    diff TEXT NOT NULL,
    before TEXT,
    after TEXT,
    reverts INTEGER,
    git_commit TEXT
);
CREATE INDEX IF NOT EXISTS version_changes_target ON version_changes(target, id);
"""

_UNSET: Any = object()


@dataclass
class Change:
    """One recorded change. `before`/`after` are None when the file did not exist."""

    id: int
    kind: str
    target: str
    path: str | None
    who: str
    why: str
    created_at: float
    run_id: str | None
    diff: str
    before: str | None
    after: str | None
    reverts: int | None = None
    git_commit: str | None = None

    @property
    def when(self) -> str:
        """ISO 8601 UTC time of the change."""
        return datetime.fromtimestamp(self.created_at, UTC).isoformat(timespec="seconds")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "when": self.when}


def unified_diff(before: str | None, after: str | None, path: str = "file") -> str:
    """A unified diff (git style, /dev/null for a missing side)."""
    a = (before or "").splitlines(keepends=True)
    b = (after or "").splitlines(keepends=True)
    lines = difflib.unified_diff(
        a, b, "/dev/null" if before is None else f"a/{path}", "/dev/null" if after is None else f"b/{path}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _row(row: Any) -> Change:
    return Change(**{k: row[k] for k in row.keys()})  # noqa: SIM118 - sqlite3.Row


class VersionStore:
    """The versioned change log of one workspace."""

    def __init__(self, db: StoreDB, workspace: Path, *, git: bool = False) -> None:
        self.db = db
        self.workspace = Path(workspace)
        self.git = git
        db.ensure_schema("versions", SCHEMA)

    # -- reading -----------------------------------------------------------------------------

    def get(self, change_id: int) -> Change:
        sql = "SELECT * FROM version_changes WHERE id = ?"
        row = self.db.connection().execute(sql, (change_id,)).fetchone()
        if row is None:
            raise VersionError(f"no change with id {change_id}")
        return _row(row)

    def history(self, target: str | None = None, kind: str | None = None, limit: int = 100) -> list[Change]:
        """Changes, newest first; `kind` may end with '*' to match a prefix ("agent.*")."""
        sql = "SELECT * FROM version_changes WHERE 1=1"
        args: list[Any] = []
        if target is not None:
            sql += " AND target = ?"
            args.append(target)
        if kind is not None:
            if kind.endswith("*"):
                sql += " AND substr(kind, 1, ?) = ?"
                args += [len(kind) - 1, kind[:-1]]
            else:
                sql += " AND kind = ?"
                args.append(kind)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(max(0, int(limit)))
        return [_row(r) for r in self.db.connection().execute(sql, args).fetchall()]

    def latest(self, target: str) -> Change | None:
        found = self.history(target=target, limit=1)
        return found[0] if found else None

    # -- writing -----------------------------------------------------------------------------

    def record(
        self,
        kind: str,
        target: str,
        *,
        who: str,
        why: str,
        before: str | None,
        after: str | None,
        path: str | None,
        run_id: str | None = None,
        reverts: int | None = None,
    ) -> Change:
        """Log a change whose file the caller already wrote (or that touches no file)."""
        with self.db.transaction() as conn:
            change = self._insert(conn, kind, target, who, why, before, after, self._rel(path), run_id, reverts)
        self._git_commit(change)
        return change

    def write(
        self,
        kind: str,
        target: str,
        path: str | Path,
        content: str | None,
        *,
        who: str,
        why: str,
        run_id: str | None = None,
        expect_before: str | None = _UNSET,
        reverts: int | None = None,
    ) -> Change:
        """Write (or, with content None, delete) a workspace file and log it, all or nothing.

        With `expect_before`, the write happens only if the file's current content is exactly
        that (None: the file must not exist); otherwise VersionError, and nothing changes.
        """
        rel = self._rel(path)
        assert rel is not None
        full = self._full(rel)
        with self.db.transaction() as conn:
            before = _read(full)
            if expect_before is not _UNSET and before != expect_before:
                if expect_before is None:
                    raise VersionError(f"{rel} already exists")
                if before is None:
                    raise VersionError(f"{rel} was deleted since it was read")
                raise VersionError(f"{rel} was changed since it was read")
            _put(full, content)
            try:
                change = self._insert(conn, kind, target, who, why, before, content, rel, run_id, reverts)
            except BaseException:
                _put(full, before)
                raise
        self._git_commit(change)
        return change

    def revert(self, change_id: int, *, who: str, why: str = "", force: bool = False) -> Change:
        """Restore the content a change replaced; refuses if the file was edited since (unless force)."""
        change = self.get(change_id)
        if change.path is None:
            raise VersionError(f"change {change_id} ({change.kind} {change.target}) touched no file")
        current = _read(self._full(change.path))
        if not force and current != change.after:
            raise VersionError(
                f"cannot revert change {change_id}: {change.path} was changed after it "
                f"(see the history of {change.target}); revert the later changes first or force it"
            )
        reason = f"revert change {change_id} ({change.kind})" + (f": {why}" if why else "")
        return self.write(
            "revert",
            change.target,
            change.path,
            change.before,
            who=who,
            why=reason,
            expect_before=_UNSET if force else current,
            reverts=change.id,
        )

    # -- internals ---------------------------------------------------------------------------

    def _rel(self, path: str | Path | None) -> str | None:
        if path is None:
            return None
        p = Path(path)
        if p.is_absolute():
            try:
                p = p.resolve().relative_to(self.workspace.resolve())
            except ValueError:
                raise VersionError(f"{path} is outside the workspace {self.workspace}") from None
        if ".." in p.parts:
            raise VersionError(f"{path} must stay inside the workspace")
        return p.as_posix()

    def _full(self, rel: str) -> Path:
        return self.workspace / rel

    def _insert(
        self,
        conn: Any,
        kind: str,
        target: str,
        who: str,
        why: str,
        before: str | None,
        after: str | None,
        path: str | None,
        run_id: str | None,
        reverts: int | None,
    ) -> Change:
        if not kind or not target:
            raise VersionError("a change needs a kind and a target")
        now = time.time()
        diff = unified_diff(before, after, path or target)
        cur = conn.execute(
            "INSERT INTO version_changes (kind, target, path, who, why, created_at, run_id, diff,"
            " before, after, reverts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, target, path, who, why, now, run_id or None, diff, before, after, reverts),
        )
        return Change(
            int(cur.lastrowid),
            kind,
            target,
            path,
            who,
            why,
            now,
            run_id or None,
            diff,
            before,
            after,
            reverts,
        )

    def _git_commit(self, change: Change) -> None:
        if not self.git or change.path is None or not (self.workspace / ".git").exists():
            return
        git = shutil.which("git")
        if git is None:
            return
        env = dict(os.environ)
        env.setdefault("GIT_AUTHOR_NAME", "llmos")
        env.setdefault("GIT_AUTHOR_EMAIL", "llmos@localhost")
        env.setdefault("GIT_COMMITTER_NAME", env["GIT_AUTHOR_NAME"])
        env.setdefault("GIT_COMMITTER_EMAIL", env["GIT_AUTHOR_EMAIL"])
        message = f"{change.kind} {change.target} (llmos change {change.id})\n\n{change.why}\nby {change.who}\n"

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [git, *args],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=15,
                check=False,
            )

        try:
            if change.after is not None:
                run("add", "--", change.path)
            done = run("commit", "--no-verify", "-q", "-m", message, "--", change.path)
            if done.returncode != 0:
                logger.warning("git mirror of change %d failed: %s", change.id, done.stderr.strip()[:300])
                return
            sha = run("rev-parse", "HEAD").stdout.strip()
        except (OSError, subprocess.SubprocessError) as e:
            logger.warning("git mirror of change %d failed: %s", change.id, e)
            return
        change.git_commit = sha or None
        with self.db.transaction() as conn:
            conn.execute("UPDATE version_changes SET git_commit = ? WHERE id = ?", (change.git_commit, change.id))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise VersionError(f"cannot read {path}: {e}") from None


def _put(path: Path, content: str | None) -> None:
    """Atomically replace (or delete) a file."""
    if content is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(content)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
