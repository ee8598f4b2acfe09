"""The sandboxed shell's network: none by default, only [sandbox] network_allow hosts through the proxy.

Both "hosts" are loopback HTTP servers this test opens: one listed in the allow-list, one not.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sandbox_support import PORT_MODES, needs_bwrap, use_port_mode

from llmos.config import Config
from llmos.exceptions import ConfigError
from llmos.execution.sandbox.netproxy import AllowEntry, FilteringProxy, parse_allow_list
from llmos.execution.sandbox.shell import shell_runner
from llmos.tools import ToolContext, ToolOutput, builtin_tools

PROBE = r"""
import json, socket, sys, urllib.request, urllib.error
out = {}
def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except Exception as e:
        return None, repr(e)
for name in sys.argv[1:]:
    port = int(name)
    out['proxy', port] = get(f'http://127.0.0.1:{port}/hello')
    try:
        socket.create_connection(('127.0.0.1', port), timeout=2).close()
        out['direct', port] = 'connected'
    except OSError as e:
        out['direct', port] = repr(e)
    try:
        s = socket.create_connection(('127.0.0.1', 3128), timeout=3)
        s.sendall(f'CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: x\r\n\r\n'.encode())
        head = s.recv(200).decode().split('\r\n')[0]
        if ' 200 ' in head:
            s.sendall(b'GET /tunnel HTTP/1.0\r\n\r\n')
            head += ' | ' + s.recv(500).decode().split('\r\n')[0]
        out['connect', port] = head
    except OSError as e:
        out['connect', port] = repr(e)
print(json.dumps({f'{k[0]}:{k[1]}': v for k, v in out.items()}))
"""


class Server:
    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                body = b"hello from the allowed host"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    a, b = Server(), Server()
    yield a, b
    a.close()
    b.close()


async def run(ws: Path, command: str, **sandbox: Any) -> ToolOutput:
    config = Config.model_validate({"sandbox": sandbox})
    tools = {t.name: t for t in builtin_tools(ws, config, shell_runner(config.sandbox))}
    return await tools["run_command"].call({"command": command}, ToolContext(workspace=ws))


@needs_bwrap
@pytest.mark.parametrize("mode", PORT_MODES)
async def test_only_listed_hosts_are_reachable(
    tmp_path: Path, servers: tuple[Server, Server], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_port_mode(mode, monkeypatch)
    allowed, other = servers
    (tmp_path / "probe.py").write_text(PROBE)
    out = await run(
        tmp_path, f"python3 probe.py {allowed.port} {other.port}", network_allow=[f"127.0.0.1:{allowed.port}"]
    )
    assert not out.is_error, out.content
    assert f'"proxy:{allowed.port}": [200, "hello from the allowed host"]' in out.content
    assert f'"proxy:{other.port}": [403' in out.content and "not in [sandbox] network_allow" in out.content
    assert f'"direct:{other.port}": "ConnectionRefusedError' in out.content  # the sandbox has no route out
    assert f'"connect:{allowed.port}": "HTTP/1.1 200 Connection established | HTTP/1.0 200 OK"' in out.content
    assert f'"connect:{other.port}": "HTTP/1.1 403 Forbidden"' in out.content
    assert allowed.hits == ["/hello", "/tunnel"] and other.hits == []
    assert f"REFUSED 127.0.0.1:{other.port}" in out.content  # the result says what was refused


@needs_bwrap
async def test_no_allow_list_means_no_network(tmp_path: Path, servers: tuple[Server, Server]) -> None:
    allowed, _ = servers
    (tmp_path / "probe.py").write_text(PROBE)
    out = await run(tmp_path, f"python3 probe.py {allowed.port}")
    assert f'"proxy:{allowed.port}": [null' in out.content  # no proxy, no route
    assert "connected" not in out.content and allowed.hits == []


def test_allow_list_entries() -> None:
    entries = parse_allow_list(["PyPI.org", "*.pythonhosted.org", "127.0.0.1:8080", "[::1]:9000"])
    assert entries == [
        AllowEntry("pypi.org", None),
        AllowEntry(".pythonhosted.org", None),
        AllowEntry("127.0.0.1", 8080),
        AllowEntry("[::1]", 9000),
    ]
    proxy = FilteringProxy(entries)
    assert proxy.permits("pypi.org", 443) and proxy.permits("pypi.org", 80)
    assert not proxy.permits("pypi.org", 22) and not proxy.permits("evilpypi.org", 443)
    assert proxy.permits("files.pythonhosted.org", 443) and not proxy.permits("pythonhosted.org", 443)
    assert not proxy.permits("pypi.org\x00.evil.com", 443) and not proxy.permits("pypi.org%00", 443)
    assert not proxy.permits("127.0.0.1", 8081) and not proxy.permits("2130706433", 8080)
    assert not proxy.permits("pypi.org.evil.com", 443) and not proxy.permits("user@pypi.org", 443)


@pytest.mark.parametrize("bad", ["http://pypi.org", "pypi.org/simple", "*", "a*b.org", "pypi.org:0", "é.org", ""])
def test_bad_allow_list_entries_name_the_entry(bad: str) -> None:
    with pytest.raises(ConfigError, match="network_allow"):
        parse_allow_list([bad])
