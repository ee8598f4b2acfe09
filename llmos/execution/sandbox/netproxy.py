"""The sandboxed shell's only way out: a filtering HTTP(S) proxy (proxy.py) on a unix socket.

    proxy = FilteringProxy(parse_allow_list(["pypi.org", "*.pythonhosted.org", "127.0.0.1:8080"]))
    sock_dir = await proxy.start()      # private to this process; holds SOCKET_NAME
    ...
    await proxy.close()

Why this design truly blocks unlisted destinations: the sandbox has its own network namespace
with nothing but its own loopback, so no packet can leave it. The one way out is its port
127.0.0.1:3128, whose every connection the host relays to this unix socket (`relay`; the socket
itself is not bound into the sandbox). Behind it runs the maintained proxy.py library in its own process (`_proxy_main`,
the `netproxy` extra): it parses the request head (`CONNECT host:port` for HTTPS and any TCP, or
an absolute `http://host[:port]/...` URI), and its plugin checks the destination proxy.py is
about to connect to against the allow-list (`_allowlist`) before any connection is made, and
again for each later request on a kept-alive connection. One proxy process per shell sandbox,
started at the first command that needs it (its start costs about a second of CPU), and its
decisions ("connected to", "REFUSED") are attributed to the command during which they were made.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Any

from llmos.exceptions import ConfigError, MissingDependency, SandboxError
from llmos.execution.sandbox._allowlist import (
    DEFAULT_PORTS,
    AllowEntry,
    encode,
    permits,
    split_host_port,
    valid_host,
)

__all__ = ["DEFAULT_PORTS", "AllowEntry", "FilteringProxy", "parse_allow_list", "split_host_port", "valid_host"]

PROXY_MAIN = Path(__file__).with_name("_proxy_main.py")
SYNC_TIMEOUT_S = 5.0
START_TIMEOUT_S = 60.0


def parse_allow_list(entries: list[str]) -> list[AllowEntry]:
    """The configured [sandbox] network_allow, checked; ConfigError names a bad entry."""
    out = []
    for raw in entries:
        text = raw.strip().lower()
        try:
            host, port = split_host_port(text, None)
        except ValueError as e:
            raise ConfigError(f"sandbox.network_allow: {e}") from None
        wildcard = host.startswith("*.")
        bare = host[2:] if wildcard else host
        if not bare or not valid_host(bare) or "*" in bare:
            raise ConfigError(
                f"sandbox.network_allow: {raw!r} is not a host name, 'host:port' or '*.domain' "
                "(letters, digits, '-' and '.', no scheme or path)"
            )
        out.append(AllowEntry("." + bare if wildcard else bare, port))
    return out


def proxy_available() -> bool:
    return importlib.util.find_spec("proxy") is not None


class _Shared:
    """The decisions read from the proxy's stdout, and the "sync" round trips."""

    def __init__(self) -> None:
        self.decisions: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.synced = threading.Condition(self.lock)
        self.sync_seen = 0
        self.sync_sent = 0


def _read(proc: subprocess.Popen[bytes], shared: _Shared) -> None:
    assert proc.stdout is not None
    with contextlib.suppress(ValueError, OSError):  # the stream closed by `_kill`
        for raw in proc.stdout:
            verdict, _, where = raw.decode("utf-8", "replace").strip().partition(" ")
            with shared.lock:
                if verdict == "sync":
                    shared.sync_seen = max(shared.sync_seen, int(where or 0))
                    shared.synced.notify_all()
                elif verdict in ("allow", "deny"):
                    shared.decisions.append((verdict, where))
    with shared.lock:
        shared.sync_seen = shared.sync_sent  # ended: nothing more will come
        shared.synced.notify_all()


class FilteringProxy:
    """One proxy.py process for one allow-list, shared by the commands of a `ShellSandbox`.

    Started at the first `start()` (and again if it died), killed by `close()` or when this object
    is collected. Each decision it prints is kept; `mark()` before a command and `summary(mark)`
    after it give that command's part (commands running at the same time share the list, so their
    notes may name each other's destinations; the enforcement itself is the same list for both).
    """

    SOCKET_NAME = "proxy.sock"

    def __init__(self, allow: list[AllowEntry]) -> None:
        self.allow = allow
        self._shared = _Shared()  # what the reader thread fills (it holds no reference to self)
        self.decisions = self._shared.decisions  # ("allow" | "deny", "host:port")
        self._lock = self._shared.lock
        self._starting = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._root: Path | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None

    @property
    def allowed(self) -> list[str]:
        return [where for verdict, where in self.decisions if verdict == "allow"]

    @property
    def denied(self) -> list[str]:
        return [where for verdict, where in self.decisions if verdict == "deny"]

    async def start(self) -> Path:
        """The directory holding SOCKET_NAME, with proxy.py listening on it (started if needed).

        Once it runs, answered on the event loop (a non-blocking check that it is alive): no thread
        hop per command."""
        running = self._running()
        if running is not None:
            return running
        return await asyncio.to_thread(self._ensure)

    def _running(self) -> Path | None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None and self._root is not None:
                return self._root / "run"
        return None

    def _ensure(self) -> Path:
        with self._starting:  # two commands starting at once get one process
            return self._ensure_locked()

    def _ensure_locked(self) -> Path:
        running = self._running()
        if running is not None:
            return running
        self._stop()
        if not proxy_available():
            raise SandboxError(f"[sandbox] network_allow needs the proxy: {MissingDependency('proxy.py', 'netproxy')}")
        root = Path(tempfile.mkdtemp(prefix="llmos-proxy-"))
        sock_dir = root / "run"
        sock_dir.mkdir()
        sock = sock_dir / self.SOCKET_NAME
        argv = [sys.executable, "-I", str(PROXY_MAIN), encode(self.allow), str(sock), str(root / "data")]
        with (root / "proxy.log").open("wb") as err_file:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err_file,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root)},
                start_new_session=True,  # its own process group: stopping it ends its acceptor too
            )
        assert proc.stdout is not None
        self._finalizer = weakref.finalize(self, _kill, proc, root)
        timer = threading.Timer(START_TIMEOUT_S, _kill, (proc, root))  # a hung start ends in EOF
        timer.start()
        try:
            first = proc.stdout.readline()  # "ready", or EOF when it failed
        finally:
            timer.cancel()
        if first.strip() != b"ready":
            err = "no answer within the time limit"
            with contextlib.suppress(OSError):
                err = (root / "proxy.log").read_text(errors="replace")[-400:]
            self._stop()
            raise SandboxError(f"the network allow-list proxy did not start: {err}")
        with self._lock:  # published only once it listens: `_running` hands its socket to other commands
            self._proc, self._root = proc, root
        threading.Thread(target=_read, args=(proc, self._shared), daemon=True).start()
        return sock_dir

    def mark(self) -> int:
        with self._lock:
            return len(self.decisions)

    async def settle(self) -> None:
        """Wait until every decision the proxy printed so far has been read (a round trip through it)."""
        await asyncio.to_thread(self._settle)

    def _settle(self) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None or proc.poll() is not None:
            return
        shared = self._shared
        with shared.lock:
            shared.sync_sent += 1
            n = shared.sync_sent
        try:
            proc.stdin.write(f"sync {n}\n".encode())
            proc.stdin.flush()
        except OSError:
            return
        with shared.lock:
            shared.synced.wait_for(lambda: shared.sync_seen >= n, timeout=SYNC_TIMEOUT_S)

    async def close(self) -> None:
        await asyncio.to_thread(self._stop)

    def _stop(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._proc = self._root = self._finalizer = None

    def summary(self, since: int = 0) -> list[str]:
        with self._lock:
            mine = self.decisions[since:]
        allowed = sorted({w for v, w in mine if v == "allow"})
        denied = sorted({w for v, w in mine if v == "deny"})
        notes = []
        if allowed:
            notes.append("network (allow-list proxy): connected to " + ", ".join(allowed))
        if denied:
            notes.append(
                "network (allow-list proxy): REFUSED " + ", ".join(denied) + " (not in [sandbox] network_allow)"
            )
        return notes

    def permits(self, host: str, port: int) -> bool:
        return permits(self.allow, host, port)


def _kill(proc: subprocess.Popen[bytes], root: Path) -> None:
    """Stop the proxy: nothing to save (each decision is printed as it is made)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    shutil.rmtree(root, ignore_errors=True)
