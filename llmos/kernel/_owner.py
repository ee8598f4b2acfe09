"""Who holds a ledger reservation: `host:pid:start-time`, so that a reservation left by a killed
process can be recognised (and settled) by the next process that opens the workspace."""

from __future__ import annotations

import os
import socket


def _start_ticks(pid: int) -> str | None:
    """The process start time in clock ticks since boot (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # after the command name: state is field 3, starttime is field 22 (index 19 here)
    return fields[19] if len(fields) > 19 and fields[0] != "Z" else None


_OWNER: dict[int, str] = {}  # by pid: a forked child is another owner


def current_owner() -> str:
    pid = os.getpid()
    owner = _OWNER.get(pid)
    if owner is None:
        owner = _OWNER[pid] = f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or ''}"
    return owner


def owner_is_gone(owner: str) -> bool:
    """True only when certain: same host, and that process no longer exists (or is another one now)."""
    try:
        host, pid_text, ticks = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname() or not ticks or not os.path.isdir("/proc/self"):
        return False
    now = _start_ticks(pid)
    return now is None or now != ticks
