"""Which executor id this process runs durable runs under: one live process per id.

DBOS resumes, when it launches, the unfinished workflows of its executor id. The default id is
`HOST:WORKSPACE`, so a server restarted on the same folder resumes the runs it left. Two live
servers on one workspace folder (and so one `.llmos/dbos.sqlite`) must not share the id: the one
launching second would "recover" the runs the first is still running, and run them twice. An
exclusive lock (flock on `.llmos/durable-executor-<hash>.lock`, released by the kernel when the
process dies) makes the id one process's: the lock holder uses the id; another live process on the
same folder uses `ID:PID` (its own runs are then not resumed by a later server, so they end up
`interrupted` if it dies, which is honest). Runtimes of one process share the lock they hold.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
from pathlib import Path

_LOCK = threading.Lock()
_HELD: dict[str, tuple[int, int]] = {}  # lock path -> (fd, users in this process)


def claim(folder: Path, executor_id: str) -> tuple[str, str | None]:
    """(the executor id to use, the lock path to `release` later, or None when none is held)."""
    digest = hashlib.sha256(executor_id.encode()).hexdigest()[:16]
    path = str(folder / f"durable-executor-{digest}.lock")
    with _LOCK:
        held = _HELD.get(path)
        if held is not None:
            _HELD[path] = (held[0], held[1] + 1)
            return executor_id, path
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return f"{executor_id}:{os.getpid()}", None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another live process runs under this id
            os.close(fd)
            return f"{executor_id}:{os.getpid()}", None
        _HELD[path] = (fd, 1)
        return executor_id, path


def release(path: str | None) -> None:
    if path is None:
        return
    with _LOCK:
        held = _HELD.get(path)
        if held is None:
            return
        fd, users = held
        if users > 1:
            _HELD[path] = (fd, users - 1)
            return
        del _HELD[path]
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the descriptor drops the lock
