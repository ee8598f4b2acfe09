"""Shared by the sandbox tests: bubblewrap is required (a missing sandbox FAILS, never skips)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llmos.execution.sandbox import bwrap as bw
from llmos.execution.sandbox import shell as shell_sandbox


def require_bwrap() -> None:
    """Fail (not skip) when bubblewrap cannot build the sandboxes here: CI must not pass without them."""
    ok, reason = bw.probe()
    shell_ok, shell_reason = shell_sandbox.probe()
    if not (ok and shell_ok):
        pytest.fail(
            f"the sandbox tests need a working bubblewrap ({reason if not ok else shell_reason}); "
            "run `apt-get install -y bubblewrap` (scripts/setup does it as root)",
            pytrace=False,
        )


needs_bwrap = pytest.mark.usefixtures("bwrap_required")


def processes_with(marker: str) -> list[int]:
    """Host pids whose command line contains `marker`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline:
            found.append(int(entry))
    return found


PORT_MODES = ("host side", "inside")


def use_port_mode(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """How a network allow-list's port is opened in the sandbox (`relay`): by this process entering
    the sandbox's network namespace (needs CAP_SYS_ADMIN, so root), or by `_listener.py` inside."""
    from llmos.execution.sandbox import relay

    if mode == "inside":
        monkeypatch.setattr(relay, "can_enter_netns", lambda: False)
    elif not relay.can_enter_netns():
        pytest.skip("this process may not enter a network namespace (not root): the inside way runs here")
