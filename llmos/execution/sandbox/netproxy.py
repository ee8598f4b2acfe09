"""The sandboxed shell's only way out: a filtering HTTP(S) proxy on a unix socket.

    proxy = FilteringProxy(parse_allow_list(["pypi.org", "*.pythonhosted.org", "127.0.0.1:8080"]))
    sock_dir = await proxy.start()      # bound read-only into the sandbox
    ...
    await proxy.close()

Why this design truly blocks unlisted destinations: the sandbox has its own network namespace
with nothing but its own loopback, so no packet can leave it. The one thing bound in is this
unix socket. The proxy reads one request head, takes the destination from it (`CONNECT host:port`
for HTTPS and any TCP, or an absolute `http://host[:port]/...` URI), checks it against the
allow-list, and only then opens the connection from the host. A hostname is matched as the
client wrote it, before any resolution; names with characters outside [a-z0-9.-] (a NUL byte,
percent-encoding, non-ASCII, userinfo) are refused rather than normalised.

Allow-list entries: "host" (ports 80 and 443), "host:port", "*.example.org" (subdomains only,
ports 80 and 443) or "*.example.org:port". IP literals are written as they will be requested.

Why not a proxy library: the maintained Python proxies (proxy.py, mitmproxy, pproxy) run their
own acceptor threads/processes or event loop, and none listens on a unix socket while filtering
CONNECT targets with a few lines of configuration; what is needed here is ~100 lines on asyncio
streams inside the runtime's own loop, started and stopped per command.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from llmos.exceptions import ConfigError

HEAD_LIMIT = 16384
CONNECT_TIMEOUT_S = 10.0
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_IPV6 = re.compile(r"^\[[0-9a-f:.]+\]$")
DEFAULT_PORTS = frozenset({80, 443})


@dataclass(frozen=True)
class AllowEntry:
    host: str  # exact host, or ".example.org" for "*.example.org"
    port: int | None  # None: 80 and 443

    def allows(self, host: str, port: int) -> bool:
        if self.port is None and port not in DEFAULT_PORTS:
            return False
        if self.port is not None and port != self.port:
            return False
        if self.host.startswith("."):
            return host.endswith(self.host) and len(host) > len(self.host)
        return host == self.host


def valid_host(host: str) -> bool:
    return bool(_HOST.match(host) or _IPV6.match(host)) and len(host) <= 253


def split_host_port(text: str, default_port: int | None) -> tuple[str, int | None]:
    """("host", port) from "host", "host:port", "[v6]:port"; ValueError when malformed."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"bad IPv6 address {text!r}")
        host, rest = text[: end + 1], text[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(f"bad host:port {text!r}")
        port_text = rest[1:] if rest else ""
    else:
        host, _, port_text = text.partition(":")
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"bad port in {text!r}")
        return host, int(port_text)
    return host, default_port


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


@dataclass
class FilteringProxy:
    allow: list[AllowEntry]
    SOCKET_NAME = "proxy.sock"
    allowed: list[str] = field(default_factory=list)
    denied: list[str] = field(default_factory=list)
    _server: asyncio.AbstractServer | None = None
    _dir: Path | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> Path:
        """Listen on DIR/proxy.sock in a new private directory; returns DIR."""
        self._dir = Path(tempfile.mkdtemp(prefix="llmos-proxy-"))
        self._dir.chmod(0o755)
        sock = self._dir / self.SOCKET_NAME
        self._server = await asyncio.start_unix_server(self._handle, path=str(sock))
        sock.chmod(0o777)  # the sandboxed command may run as another uid
        return self._dir

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

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
        return valid_host(host) and any(e.allows(host, port) for e in self.allow)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > HEAD_LIMIT:
            return await _reply(writer, 431, "request head too large")
        first, _, rest = head.partition(b"\r\n")
        parts = first.decode("latin-1").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return await _reply(writer, 400, "not an HTTP proxy request")
        method, target, version = parts
        if method == "CONNECT":
            host, port = split_host_port(target.lower(), None)
            path = b""
        else:
            m = re.match(r"^http://([^/?#]+)(.*)$", target, re.IGNORECASE)
            if m is None:
                return await _reply(writer, 400, "only CONNECT or absolute http:// URIs go through this proxy")
            host, port = split_host_port(m.group(1).lower(), 80)
            path = (m.group(2) or "/").encode("latin-1")
        where = f"{host}:{port}"
        if port is None or not self.permits(host, port):
            self.denied.append(where)
            return await _reply(writer, 403, f"llmos sandbox: {where} is not in [sandbox] network_allow")
        try:
            up_r, up_w = await asyncio.wait_for(
                asyncio.open_connection(host.strip("[]"), port), timeout=CONNECT_TIMEOUT_S
            )
        except (OSError, TimeoutError) as e:
            return await _reply(writer, 502, f"cannot reach {where}: {e}")
        self.allowed.append(where)
        if method == "CONNECT":
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            up_w.write(f"{method} ".encode("latin-1") + path + f" {version}\r\n".encode("latin-1") + rest)
        await writer.drain()
        await asyncio.gather(_pipe(reader, up_w), _pipe(up_r, writer), return_exceptions=True)
        up_w.close()


async def _reply(writer: asyncio.StreamWriter, status: int, message: str) -> None:
    body = (message + "\n").encode()
    reason = {400: "Bad Request", 403: "Forbidden", 431: "Too Large", 502: "Bad Gateway"}.get(status, "Error")
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n\r\n".encode()
        + body
    )
    await writer.drain()


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    try:
        while chunk := await src.read(65536):
            dst.write(chunk)
            await dst.drain()
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if dst.can_write_eof():
                dst.write_eof()
