"""The allow-list proxy (proxy.py behind `FilteringProxy`), spoken to directly over its unix socket.

Odd requests a sandboxed command could send: a NUL byte or percent-encoding in the host, an
origin-form request, a CONNECT to an unlisted port, a second request on a kept-alive connection
to an unlisted host. The listed "host" is a loopback HTTP server this test opens.
"""

from __future__ import annotations

import asyncio
import gc
import http.server
import os
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from llmos.exceptions import SandboxError
from llmos.execution.sandbox import netproxy
from llmos.execution.sandbox.netproxy import FilteringProxy, parse_allow_list


@pytest.fixture
def upstream() -> Iterator[tuple[int, list[str]]]:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            hits.append(self.path)
            body = b"listed"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
async def proxy(upstream: tuple[int, list[str]]) -> AsyncIterator[tuple[FilteringProxy, Path]]:
    port, _ = upstream
    p = FilteringProxy(parse_allow_list([f"127.0.0.1:{port}"]))
    sock_dir = await p.start()
    yield p, sock_dir / FilteringProxy.SOCKET_NAME
    await p.close()
    assert not sock_dir.exists()  # the private directory is gone


async def _response(reader: asyncio.StreamReader) -> bytes:
    """One response: its head, then as many body bytes as Content-Length says (a body may come in a
    segment of its own: one read() took only the head about once in a few hundred runs under load)."""
    out = b""
    while b"\r\n\r\n" not in out:
        chunk = await reader.read(4096)
        if not chunk:
            return out
        out += chunk
    head, _, body = out.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    while len(body) < length:
        chunk = await reader.read(4096)
        if not chunk:
            break
        out += chunk
        body += chunk
    return out


async def ask(sock: Path, raw: bytes, *, then: bytes = b"") -> str:
    reader, writer = await asyncio.open_unix_connection(str(sock))
    writer.write(raw)
    await writer.drain()
    first = await asyncio.wait_for(_response(reader), timeout=10)
    out = first
    if then and b" 200 " in first.split(b"\r\n")[0]:
        writer.write(then)
        await writer.drain()
        out += b"||" + await asyncio.wait_for(reader.read(), timeout=10)  # HTTP/1.0: until the tunnel closes
    writer.close()
    return out.decode("latin-1")


async def test_listed_destination_passes_plain_and_connect(
    proxy: tuple[FilteringProxy, Path], upstream: tuple[int, list[str]]
) -> None:
    p, sock = proxy
    port, hits = upstream
    plain = await ask(sock, f"GET http://127.0.0.1:{port}/plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert plain.startswith("HTTP/1.1 200") and plain.endswith("listed")
    tunnel = await ask(
        sock,
        f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        then=b"GET /tunnel HTTP/1.0\r\n\r\n",
    )
    assert "Connection established" in tunnel and tunnel.endswith("listed")
    assert hits == ["/plain", "/tunnel"]
    await p.settle()
    assert p.allowed == [f"127.0.0.1:{port}"] * 2


@pytest.mark.parametrize(
    "head",
    [
        "CONNECT 127.0.0.1:{other} HTTP/1.1\r\n\r\n",  # listed host, unlisted port
        "GET http://127.0.0.1:{other}/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "CONNECT 127.0.0.1\x00.evil.test:{port} HTTP/1.1\r\n\r\n",  # NUL byte in the host
        "GET http://127.0.0.1%2eevil.test:{port}/ HTTP/1.1\r\n\r\n",  # percent-encoding
        "CONNECT 2130706433:{port} HTTP/1.1\r\n\r\n",  # the same address, spelt as a number
        "GET /origin-form HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",  # not a proxy request
    ],
)
async def test_unlisted_or_odd_destinations_are_refused(
    proxy: tuple[FilteringProxy, Path], upstream: tuple[int, list[str]], head: str
) -> None:
    _, sock = proxy
    port, hits = upstream
    reply = await ask(sock, head.format(port=port, other=port + 1 if port < 65535 else port - 1).encode("latin-1"))
    assert " 200 " not in reply.split("\r\n")[0], reply
    assert hits == []


async def test_keep_alive_cannot_switch_to_an_unlisted_host(
    proxy: tuple[FilteringProxy, Path], upstream: tuple[int, list[str]]
) -> None:
    p, sock = proxy
    port, hits = upstream
    reader, writer = await asyncio.open_unix_connection(str(sock))
    writer.write(f"GET http://127.0.0.1:{port}/one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    first = await asyncio.wait_for(_response(reader), timeout=10)
    assert first.startswith(b"HTTP/1.1 200")
    writer.write(b"GET http://unlisted.test/two HTTP/1.1\r\nHost: unlisted.test\r\n\r\n")
    await writer.drain()
    second = await asyncio.wait_for(reader.read(4096), timeout=10)
    writer.close()
    assert b" 200 " not in second.split(b"\r\n")[0]
    await p.settle()
    assert hits == ["/one"] and "unlisted.test:80" in p.denied


async def test_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netproxy, "proxy_available", lambda: False)
    with pytest.raises(SandboxError, match=r"llmos\[netproxy\]"):
        await FilteringProxy(parse_allow_list(["pypi.org"])).start()


async def test_one_process_serves_many_commands_and_each_gets_its_own_notes(
    proxy: tuple[FilteringProxy, Path], upstream: tuple[int, list[str]]
) -> None:
    p, sock = proxy
    port, _ = upstream
    first = p.mark()
    await ask(sock, f"GET http://127.0.0.1:{port}/a HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await p.settle()
    notes_first = p.summary(first)
    second = p.mark()
    assert await p.start() == sock.parent  # the same process, still running
    await ask(sock, b"CONNECT unlisted.test:443 HTTP/1.1\r\n\r\n")
    await p.settle()
    assert notes_first == [f"network (allow-list proxy): connected to 127.0.0.1:{port}"]
    assert p.summary(second) == [
        "network (allow-list proxy): REFUSED unlisted.test:443 (not in [sandbox] network_allow)"
    ]


async def test_the_process_ends_with_its_owner(upstream: tuple[int, list[str]]) -> None:
    p = FilteringProxy(parse_allow_list(["pypi.org"]))
    sock_dir = await p.start()
    pid = p._proc.pid if p._proc is not None else 0
    del p
    # the executor thread that ran the start may still hold the bound method for a moment after the
    # result is set (it drops its work item after waking the loop): collect until it has let go
    for _ in range(200):
        gc.collect()
        if not sock_dir.exists():
            break
        await asyncio.sleep(0.01)
    assert not sock_dir.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_commands_starting_together_each_get_a_listening_socket() -> None:
    """A second start while the first is still waiting for the proxy to listen waits too: no caller is
    handed the socket's path before the proxy listens on it (a relay would find no socket there)."""
    p = FilteringProxy(parse_allow_list(["pypi.org"]))
    try:

        async def start_and_look() -> bool:
            sock = await p.start() / FilteringProxy.SOCKET_NAME
            return sock.exists()  # looked at before anything else runs on the loop

        seen = await asyncio.gather(*(start_and_look() for _ in range(6)))
        assert seen == [True] * 6
    finally:
        await p.close()
