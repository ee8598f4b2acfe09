"""The sandboxed shell's only way out: a filtering HTTP(S) proxy (proxy.py) on a unix socket.

    proxy = FilteringProxy(parse_allow_list(["pypi.org", "*.pythonhosted.org", "127.0.0.1:8080"]))
    sock_dir = await proxy.start()      # bound read-only into the sandbox; holds SOCKET_NAME
    ...
    await proxy.close()

Why this design truly blocks unlisted destinations: the sandbox has its own network namespace
with nothing but its own loopback, so no packet can leave it. The one thing bound in is this
unix socket. Behind it runs the maintained proxy.py library in its own process (`_proxy_main`,
the `netproxy` extra): it parses the request head (`CONNECT host:port` for HTTPS and any TCP, or
an absolute `http://host[:port]/...` URI), and its plugin checks the destination proxy.py is
about to connect to against the allow-list (`_allowlist`) before any connection is made, and
again for each later request on a kept-alive connection. One proxy process per command, so its
decisions ("connected to", "REFUSED") belong to that command's result.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

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
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0  # reading the last decisions after the kill


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


@dataclass
class FilteringProxy:
    allow: list[AllowEntry]
    SOCKET_NAME = "proxy.sock"
    allowed: list[str] = field(default_factory=list)
    denied: list[str] = field(default_factory=list)
    _proc: asyncio.subprocess.Process | None = None
    _root: Path | None = None
    _reader: asyncio.Task[None] | None = None

    async def start(self) -> Path:
        """Start proxy.py listening on DIR/proxy.sock (DIR new and private); returns DIR."""
        if not proxy_available():
            raise SandboxError(f"[sandbox] network_allow needs the proxy: {MissingDependency('proxy.py', 'netproxy')}")
        self._root = Path(tempfile.mkdtemp(prefix="llmos-proxy-"))
        sock_dir = self._root / "run"
        sock_dir.mkdir()
        sock = sock_dir / self.SOCKET_NAME
        self._root.chmod(0o755)
        sock_dir.chmod(0o755)
        argv = [sys.executable, "-I", str(PROXY_MAIN), encode(self.allow), str(sock), str(self._root / "data")]
        log = self._root / "proxy.log"
        with log.open("wb") as err_file:
            self._proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=err_file,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self._root)},
                start_new_session=True,  # its own process group: close() ends it and its acceptor at once
            )
        assert self._proc.stdout is not None
        try:
            line = await asyncio.wait_for(self._proc.stdout.readline(), timeout=START_TIMEOUT_S)
        except TimeoutError:
            line = b""
        if line.strip() != b"ready":
            err = log.read_text(errors="replace")[-400:]
            await self.close()
            raise SandboxError(f"the network allow-list proxy did not start: {err}")
        sock.chmod(0o777)  # the sandboxed command may run as another uid
        self._reader = asyncio.create_task(self._read_decisions())
        return sock_dir

    async def _read_decisions(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        while line := await self._proc.stdout.readline():
            verdict, _, where = line.decode("utf-8", "replace").strip().partition(" ")
            (self.allowed if verdict == "allow" else self.denied).append(where)

    async def close(self) -> None:
        proc = self._proc
        if proc is not None and proc.returncode is None:
            # nothing to save (each decision is flushed as it is made); proxy.py's own shutdown takes ~1.5 s
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._reader, timeout=STOP_TIMEOUT_S)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)

    def summary(self) -> list[str]:
        notes = []
        if self.allowed:
            notes.append("network (allow-list proxy): connected to " + ", ".join(sorted(set(self.allowed))))
        if self.denied:
            notes.append(
                "network (allow-list proxy): REFUSED "
                + ", ".join(sorted(set(self.denied)))
                + " (not in [sandbox] network_allow)"
            )
        return notes

    def permits(self, host: str, port: int) -> bool:
        return permits(self.allow, host, port)
