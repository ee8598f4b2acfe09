"""The weak fallback: a plain subprocess with resource limits, used only when allowed.

It is NOT isolation: the code can read whatever the host user can, reach the network, and, when
the host runs as root, RLIMIT_NPROC does not apply. What it does give: a fresh temporary
directory as cwd/TMPDIR/HOME (deleted afterwards), a clean environment (no API keys), CPU, memory,
file-size and wall-clock limits, and the whole process group killed at the end.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from llmos.execution.sandbox.bwrap import RUNNER, Interpreter


def make_scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="llmos-sandbox-"))


def remove_scratch(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def command(interp: Interpreter, *, token: str, in_fd: int, out_fd: int) -> list[str]:
    return [interp.executable, "-I", "-S", "-B", str(RUNNER), token, str(in_fd), str(out_fd)]


def environment(scratch: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
