"""The bubblewrap backend: the command line that isolates one call, and a probe that it works.

File system: the sandbox starts from an empty root and gets, read-only, only what a Python
interpreter needs: /usr, the /bin /sbin /lib* entries (symlinks on merged-/usr systems), the
Python installation the host runs (its real prefix, nothing else of the directory it lives in),
/etc/ld.so.cache and /etc/localtime. Everything else (/work, /root, /home, /etc, /var, /run,
the workspace) simply does not exist inside; an allow-list cannot forget a sensitive path the
way a deny-list over `--ro-bind / /` could. The writable part is one size-capped tmpfs at /tmp,
which is also the cwd and HOME; it vanishes with the mount namespace.

Namespaces: net (no network, not even the host's loopback), pid (when the call ends, the
namespace's init dies and the kernel kills every process left in it), ipc, uts, cgroup, and a
new session. `--die-with-parent` kills the sandbox if the host dies.

Processes: RLIMIT_NPROC is ignored for root, so when the host runs as root bwrap keeps only
CAP_SETUID/CAP_SETGID for the runner, which drops to a fresh unprivileged uid (random, per call,
so concurrent calls do not share a process count) before any untrusted code runs; the kernel
then enforces RLIMIT_NPROC (a fork bomb gets EAGAIN). As a normal user, bwrap makes a user
namespace and the limit applies to the namespace's own process count.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

RUNNER = Path(__file__).with_name("runner.py")
RUNNER_IN_SANDBOX = "/.llmos/runner.py"
SCRATCH = "/tmp"
UID_BASE = 2_000_000_000
_SENSITIVE = {
    "/",
    "/work",
    "/root",
    "/home",
    "/etc",
    "/var",
    "/tmp",
    "/run",
    "/srv",
    "/mnt",
    "/media",
    "/opt",
}
_probe_cache: dict[str, tuple[bool, str]] = {}


@dataclass(frozen=True)
class Interpreter:
    """The Python the sandbox runs: the host's own interpreter, by real path, with its prefixes."""

    executable: str
    prefixes: tuple[str, ...]

    @classmethod
    def current(cls) -> Interpreter:
        exe = os.path.realpath(sys.executable)
        prefixes = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)}
        if not any(exe.startswith(p.rstrip("/") + "/") for p in prefixes):
            prefixes.add(os.path.dirname(os.path.dirname(exe)))
        return cls(exe, tuple(sorted(prefixes)))


def find_bwrap() -> str | None:
    return shutil.which("bwrap")


def privileged() -> bool:
    """Whether bwrap runs as real root (no user namespace; the runner drops to a sandbox uid)."""
    return os.getuid() == 0


def sandbox_uid() -> int:
    return UID_BASE + random.randrange(100_000_000)


def _system_mounts() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    for name in ("/etc/ld.so.cache", "/etc/localtime"):
        if os.path.exists(name):
            args += ["--ro-bind", os.path.realpath(name), name]
    return args


def _under_scratch(path: str) -> bool:
    return path == SCRATCH or path.startswith(SCRATCH + "/")


# the namespaces and process rules every sandbox here shares (the code sandbox and the shell)
ISOLATION = (
    "--unshare-net",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--die-with-parent",
    "--new-session",
    "--hostname",
    "sandbox",
)


def _python_mounts(interp: Interpreter, *, under_scratch: bool = False) -> list[str]:
    """Read-only binds of the interpreter's prefixes. Those under the scratch folder (a checkout or a
    virtualenv in /tmp) are bound after the scratch tmpfs (`under_scratch=True`), which would hide them."""
    args: list[str] = []
    made: set[str] = set()
    for prefix in interp.prefixes:
        if prefix in _SENSITIVE or prefix.startswith("/usr/") or prefix == "/usr":
            continue  # /usr is already there; never expose a whole sensitive directory
        if _under_scratch(prefix) != under_scratch:
            continue
        parents = []
        parent = os.path.dirname(prefix)
        while parent not in ("/", "", SCRATCH) and not parent.startswith("/usr"):
            parents.append(parent)
            parent = os.path.dirname(parent)
        for d in reversed(parents):  # bwrap would make them 0700: unreachable after the uid drop
            if d not in made:
                made.add(d)
                args += ["--perms", "0711", "--dir", d]  # traversable, not listable
        args += ["--ro-bind", prefix, prefix]
    return args


def command(
    bwrap: str,
    interp: Interpreter,
    *,
    token: str,
    in_fd: int,
    out_fd: int,
    scratch_bytes: int,
) -> list[str]:
    """The full argv: bwrap options, then the runner under the sandbox's Python."""
    args = [bwrap, *ISOLATION]
    if privileged():
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user"]
    args += _system_mounts()
    args += _python_mounts(interp)
    args += ["--ro-bind", str(RUNNER), RUNNER_IN_SANDBOX]
    args += ["--dev", "/dev", "--proc", "/proc"]
    args += ["--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", SCRATCH]
    args += _python_mounts(interp, under_scratch=True)
    args += ["--remount-ro", "/", "--chdir", SCRATCH, "--clearenv"]
    for key, value in (
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ("HOME", SCRATCH),
        ("TMPDIR", SCRATCH),
        ("LANG", "C.UTF-8"),
        ("LC_ALL", "C.UTF-8"),
    ):
        args += ["--setenv", key, value]
    args += [interp.executable, "-I", "-S", "-B", RUNNER_IN_SANDBOX, token, str(in_fd), str(out_fd)]
    return args


def probe(bwrap: str | None = None) -> tuple[bool, str]:
    """Whether bwrap can actually build this sandbox here (cached per process)."""
    path = bwrap or find_bwrap()
    if path is None:
        return False, "bubblewrap (bwrap) is not installed: `apt-get install -y bubblewrap`"
    if path in _probe_cache:
        return _probe_cache[path]
    interp = Interpreter.current()
    argv = command(path, interp, token="probe", in_fd=0, out_fd=1, scratch_bytes=1 << 20)
    argv = [*argv[: argv.index(interp.executable) + 1], "-I", "-S", "-c", "print('ok')"]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=20, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        found = (False, f"bubblewrap failed to start: {e}")
    else:
        if done.returncode == 0 and done.stdout.strip() == b"ok":
            found = (True, f"bubblewrap at {path}")
        else:
            err = done.stderr.decode("utf-8", "replace").strip()[-400:]
            found = (False, f"bubblewrap cannot create the sandbox here (exit {done.returncode}): {err}")
    _probe_cache[path] = found
    return found
