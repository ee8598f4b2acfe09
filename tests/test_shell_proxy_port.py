"""The network allow-list's port inside the sandbox (`relay.ProxyPort`): both ways of opening it, the
relay's checks of what the sandbox hands over, data both ways, several commands at once.

The "hosts" are loopback HTTP servers this test opens; the "proxy" in the unit tests is a unix
socket of this test's own in its temporary directory.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import os
import random
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sandbox_support import PORT_MODES, needs_bwrap, use_port_mode

from llmos.config import Config
from llmos.execution.sandbox import relay
from llmos.execution.sandbox.relay import ProxyPort
from llmos.execution.sandbox.shell import shell_runner
from llmos.tools import ToolContext, ToolOutput, builtin_tools

PAYLOAD = random.Random(7).randbytes(6 * 1024 * 1024)

FETCH = r"""
import hashlib, sys, urllib.request
port = sys.argv[1]
with urllib.request.urlopen(f'http://127.0.0.1:{port}/blob', timeout=20) as r:
    print('down', hashlib.sha256(r.read()).hexdigest())
body = bytes(range(256)) * 8192
req = urllib.request.Request(f'http://127.0.0.1:{port}/up', data=body, method='POST')
with urllib.request.urlopen(req, timeout=20) as r:
    print('up', r.read().decode(), hashlib.sha256(body).hexdigest())
"""


class BlobServer:
    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", str(len(PAYLOAD)))
                self.end_headers()
                self.wfile.write(PAYLOAD)

            def do_POST(self) -> None:
                hits.append(self.path)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                digest = hashlib.sha256(body).hexdigest().encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(digest)))
                self.end_headers()
                self.wfile.write(digest)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def blob() -> Iterator[BlobServer]:
    server = BlobServer()
    yield server
    server.close()


def run_command_tool(ws: Path, **sandbox: Any) -> Any:
    config = Config.model_validate({"sandbox": sandbox})
    return next(t for t in builtin_tools(ws, config, shell_runner(config.sandbox)) if t.name == "run_command")


async def call(tool: Any, ws: Path, command: str) -> ToolOutput:
    out: ToolOutput = await tool.call({"command": command}, ToolContext(workspace=ws))
    return out


@needs_bwrap
@pytest.mark.parametrize("mode", PORT_MODES)
async def test_data_arrives_intact_both_ways(
    tmp_path: Path, blob: BlobServer, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_port_mode(mode, monkeypatch)
    (tmp_path / "fetch.py").write_text(FETCH)
    tool = run_command_tool(tmp_path, network_allow=[f"127.0.0.1:{blob.port}"])
    out = await call(tool, tmp_path, f"python3 fetch.py {blob.port}")
    assert not out.is_error, out.content
    assert f"down {hashlib.sha256(PAYLOAD).hexdigest()}" in out.content, out.content
    up = next(line.split() for line in out.content.splitlines() if line.startswith("up "))
    assert up[1] == up[2], out.content
    assert blob.hits == ["/blob", "/up"]


@needs_bwrap
@pytest.mark.parametrize("mode", PORT_MODES)
async def test_commands_at_the_same_time_each_have_their_own_port(
    tmp_path: Path, blob: BlobServer, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One shell sandbox, three commands at once: each connects at its very first instruction."""
    use_port_mode(mode, monkeypatch)
    tool = run_command_tool(tmp_path, network_allow=[f"127.0.0.1:{blob.port}"])
    get = (
        "python3 -c \"import urllib.request as u; print(len(u.urlopen('http://127.0.0.1:"
        f"{blob.port}/blob', timeout=20).read()))\""
    )
    outs = await asyncio.gather(*(call(tool, tmp_path, get) for _ in range(3)))
    for out in outs:
        assert not out.is_error and str(len(PAYLOAD)) in out.content, out.content
    assert blob.hits == ["/blob"] * 3


@needs_bwrap
@pytest.mark.parametrize("mode", PORT_MODES)
async def test_the_command_inherits_no_descriptor_of_the_relay(
    tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_port_mode(mode, monkeypatch)
    tool = run_command_tool(tmp_path, network_allow=["pypi.org"])
    out = await call(tool, tmp_path, "python3 -c \"import os; print('fds', sorted(os.listdir('/proc/self/fd')))\"")
    assert "fds ['0', '1', '2', '3']" in out.content, out.content  # 3: the listing's own directory


@needs_bwrap
async def test_when_the_port_cannot_be_opened_the_command_runs_without_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_port_mode("host side", monkeypatch)

    async def refuse(pid: int, netns_inode: int) -> socket.socket:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(relay, "_listen_in", refuse)
    tool = run_command_tool(tmp_path, network_allow=["pypi.org"])
    probe = "python3 -c \"import socket; socket.create_connection(('127.0.0.1', 3128), timeout=3)\" || echo refused"
    out = await call(tool, tmp_path, probe)
    assert "refused" in out.content and "the proxy port could not be opened" in out.content, out.content
    assert "the command had no network" in out.content


# --- the relay on its own (no sandbox): what the inside way hands over, and the host side's checks


class FakeProxy:
    """A unix socket server standing in for the proxy: echoes what it gets, upper-cased."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            data = await reader.read()  # until the relay passes the client's half-close on
            writer.write(data.upper())
            await writer.drain()
            writer.close()

        self.server = await asyncio.start_unix_server(echo, str(self.path))

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


@pytest.fixture
async def fake_proxy(tmp_path: Path) -> Any:
    proxy = FakeProxy(tmp_path / "proxy.sock")
    await proxy.start()
    yield proxy
    await proxy.close()


def hand_over(port: ProxyPort, fds: list[int]) -> None:
    """What `_listener.py` does, from this test: send `fds` over the sandbox's end."""
    child = socket.socket(fileno=os.dup(port.pass_fds[0]))
    with child:
        if fds:
            socket.send_fds(child, [b"L"], fds)


async def test_the_relay_carries_both_directions_and_the_half_close(fake_proxy: FakeProxy) -> None:
    port = ProxyPort(fake_proxy.path, host_side=False)
    port.start()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    hand_over(port, [listener.fileno()])
    address = listener.getsockname()
    listener.close()  # the relay holds its own copy, as when the sandbox's listener execs the command
    reader, writer = await asyncio.open_connection(*address)
    writer.write(b"hello through the relay")
    writer.write_eof()
    assert await asyncio.wait_for(reader.read(), 10) == b"HELLO THROUGH THE RELAY"
    writer.close()
    assert port.relayed == 1
    await port.close()


@pytest.mark.parametrize("what", ["connected socket", "two sockets", "unix socket", "not a socket", "nothing"])
async def test_the_relay_accepts_only_one_listening_tcp_socket(fake_proxy: FakeProxy, what: str) -> None:
    port = ProxyPort(fake_proxy.path, host_side=False)
    port.start()
    a, b = socket.socketpair()
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    r, w = os.pipe()
    sent = {
        "connected socket": [tcp.fileno()],
        "two sockets": [listening.fileno(), tcp.fileno()],
        "unix socket": [a.fileno()],
        "not a socket": [r],
        "nothing": [],
    }[what]
    hand_over(port, sent)
    if what == "nothing":
        assert port._child is not None
        port._child.close()  # the sandbox's end gone without a word: EOF
    assert port._main is not None
    await asyncio.wait_for(port._main, 10)  # it gave up: nothing is relayed
    assert port.relayed == 0
    await port.close()
    for s in (a, b, tcp, listening):
        s.close()
    os.close(r)
    os.close(w)


async def test_host_side_checks_the_namespace_and_always_releases_the_command(tmp_path: Path) -> None:
    """bwrap's report names a process whose network namespace is not the one reported: no port is
    opened in it, the command is released anyway (it must not hang) and the result says why."""
    port = ProxyPort(tmp_path / "proxy.sock", host_side=True)
    info_w, block_r = (os.dup(fd) for fd in port.pass_fds)  # bwrap's copies
    port.start()
    os.write(info_w, b'{"child-pid": %d, "net-namespace": 1}' % os.getpid())
    assert port._main is not None
    await asyncio.wait_for(port._main, 10)
    assert port.error is not None and "not in the sandbox's network namespace" in port.error
    assert os.read(block_r, 1) == b"x"  # released
    await port.close()
    os.close(info_w)
    os.close(block_r)


def test_the_host_side_way_is_used_exactly_where_this_process_has_cap_sys_admin() -> None:
    status = Path("/proc/self/status").read_text()
    effective = int(next(line.split()[1] for line in status.splitlines() if line.startswith("CapEff:")), 16)
    assert relay.can_enter_netns() is bool(effective & (1 << 21))  # CAP_SYS_ADMIN
