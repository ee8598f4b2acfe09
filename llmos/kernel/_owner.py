"""Who holds a ledger reservation: `host:pid:start-time`, so that a reservation left by a killed
process can be recognised (and settled) by the next process that opens the workspace.

With a database shared by several servers, "host" must name the process table a pid belongs to:
it is the host name plus the kernel's boot id and the pid namespace, so that two containers with
the same host name (or a rebooted machine) never take each other's live reservations for dead ones."""

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
_MACHINE: list[str] = []


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return ""


def machine() -> str:
    """The host name, the boot id and the pid namespace: where a pid means one process."""
    if not _MACHINE:
        boot = _read("/proc/sys/kernel/random/boot_id")[:8]
        try:
            ns = os.readlink("/proc/self/ns/pid").removeprefix("pid:[").removesuffix("]")
        except OSError:
            ns = ""
        _MACHINE.append("/".join(p for p in (socket.gethostname(), boot, ns) if p))
    return _MACHINE[0]


def current_owner() -> str:
    pid = os.getpid()
    owner = _OWNER.get(pid)
    if owner is None:
        owner = _OWNER[pid] = f"{machine()}:{pid}:{_start_ticks(pid) or ''}"
    return owner


def owner_is_gone(owner: str) -> bool:
    """True only when certain: same host (and boot, and pid namespace), and that process no longer
    exists (or is another one now). Another server's reservations are never judged here."""
    try:
        host, pid_text, ticks = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != machine() or not ticks or not os.path.isdir("/proc/self"):
        return False
    now = _start_ticks(pid)
    return now is None or now != ticks
