"""A pids cgroup per sandboxed shell command: the process limit where RLIMIT_NPROC cannot apply.

RLIMIT_NPROC is never enforced for uid 0, and the shell must run as the workspace's owner (it writes
the workspace), so when the host runs as root a fork bomb is stopped by `pids.max` instead. Works
with cgroup v2 (a writable /sys/fs/cgroup with the pids controller) or the v1 pids hierarchy;
where neither is writable `create` returns None and the caller says the limit is not enforced.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


@dataclass(frozen=True)
class PidsGroup:
    path: Path

    @classmethod
    def create(cls, name: str, max_pids: int) -> PidsGroup | None:
        """A new group limited to `max_pids` tasks, or None where none can be made (not root, no pids)."""
        if os.getuid() != 0:
            return None
        for root in ROOTS:
            if not (root / "cgroup.procs").exists():
                continue
            if root == Path("/sys/fs/cgroup") and "pids" not in _read(root / "cgroup.subtree_control"):
                continue
            path = root / name
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(max_pids))
            except OSError:
                with contextlib.suppress(OSError):
                    path.rmdir()
                continue
            return cls(path)
        return None

    def enter(self) -> None:
        """Move the calling process into the group (run in the child before exec)."""
        with open(self.path / "cgroup.procs", "w") as f:
            f.write("0")

    def try_remove(self) -> bool:
        """Remove the group if it is empty (or gone); False while a process is still leaving it."""
        try:
            self.path.rmdir()
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return True

    def remove(self) -> None:
        """Remove the group once its processes are gone (the sandbox's pid namespace is dead).

        Retried for up to a second, first every half millisecond: the last exit usually lands
        within one or two."""
        deadline = time.monotonic() + 1.0
        delay = 0.0005
        while not self.try_remove() and time.monotonic() < deadline:
            time.sleep(delay)
            delay = min(delay * 2, 0.01)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
