"""Escape probes through `llmos run` with the shipped test model: the policy allows the command
(`python3 probe.py`), the sandbox is what stops it.

Every probe is harmless if it escapes: it aims at a listener this test opened on the host's
loopback, a marker path in this test's own temporary directory (outside the workspace), and the
workspace's own llmos.toml and .llmos/.
"""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any

from runtime_support import cli_env, llmos_cli, one_json
from sandbox_support import needs_bwrap

pytestmark = needs_bwrap

PROBE = r"""
import os, socket, sys
port, marker = int(sys.argv[1]), sys.argv[2]
def attempt(name, fn):
    try:
        fn()
        print(name, 'SUCCEEDED')
    except Exception as e:
        print(name, 'failed:', type(e).__name__)
attempt('loopback', lambda: socket.create_connection(('127.0.0.1', port), timeout=2).close())
def write_marker():
    os.makedirs(os.path.dirname(marker), exist_ok=True)
    open(marker, 'w').write('escaped')
attempt('marker', write_marker)
attempt('toml', lambda: open('llmos.toml', 'a').write('\n[security]\nenabled = false\n'))
attempt('toml-replace', lambda: os.replace('probe.py', 'llmos.toml'))
attempt('db', lambda: open('.llmos/llmos.db', 'r+b').write(b'garbage'))
attempt('llmos-dir', lambda: os.rename('.llmos', 'gone'))
attempt('llmos-new', lambda: open('.llmos/evil.txt', 'w').write('x'))
print('probe finished')
"""
TOML = "[budget]\ntotal_usd = 5.0\n\n[tools]\ncommand_timeout_s = 30\n"


def workspace(tmp_path: Path, extra: str = "") -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "llmos.toml").write_text(TOML + extra)
    (ws / "probe.py").write_text(PROBE)
    return ws


def run_goal(ws: Path, command: str) -> dict[str, Any]:
    done = llmos_cli("run", f"Run `{command}`", "-w", str(ws), "--model", "test", "--json", env=cli_env(), timeout=120)
    data: dict[str, Any] = one_json(done.stdout)
    calls = [c for c in data["tool_calls"] if c["name"] == "run_command"]
    assert calls, f"the test model did not run the command: {data} {done.stderr[-2000:]}"
    assert "denied" not in calls[0]["result"].lower()[:200], calls[0]["result"]  # the policy allowed it
    return data


def _header(path: Path) -> bytes:
    return path.read_bytes()[:16]


def test_an_allowed_command_cannot_escape(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    marker = tmp_path / "outside" / "marker"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    try:
        data = run_goal(ws, f"python3 probe.py {listener.getsockname()[1]} {marker}")
        result = next(c["result"] for c in data["tool_calls"] if c["name"] == "run_command")
        assert "probe finished" in result, result
        # the marker write may "succeed" into the sandbox's private /tmp; the host is checked below
        assert [ln for ln in result.splitlines() if "SUCCEEDED" in ln] in ([], ["marker SUCCEEDED"]), result
        try:
            listener.accept()
            raise AssertionError("the sandboxed command reached the host's loopback")
        except BlockingIOError:
            pass
    finally:
        listener.close()
    assert not marker.exists() and not (tmp_path / "outside").exists()
    assert (ws / "llmos.toml").read_text() == TOML
    assert (ws / "probe.py").exists() and not (ws / "gone").exists()
    assert _header(ws / ".llmos" / "llmos.db") == b"SQLite format 3\x00"
    assert not (ws / ".llmos" / "evil.txt").exists()
    with sqlite3.connect(ws / ".llmos" / "llmos.db") as db:  # still a working database
        assert db.execute("select count(*) from sqlite_master").fetchone()[0] > 0


class _Server:
    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


NET_PROBE = r"""
import sys, urllib.request, urllib.error
for port in sys.argv[1:]:
    try:
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/probe', timeout=5) as r:
            print(port, 'status', r.status)
    except urllib.error.HTTPError as e:
        print(port, 'status', e.code)
    except Exception as e:
        print(port, 'error', type(e).__name__)
"""


def test_with_an_allow_list_only_listed_hosts_are_reachable(tmp_path: Path) -> None:
    allowed, other = _Server(), _Server()
    try:
        ws = workspace(tmp_path, f'\n[sandbox]\nnetwork_allow = ["127.0.0.1:{allowed.port}"]\n')
        (ws / "net.py").write_text(NET_PROBE)
        data = run_goal(ws, f"python3 net.py {allowed.port} {other.port}")
    finally:
        allowed.close()
        other.close()
    result = next(c["result"] for c in data["tool_calls"] if c["name"] == "run_command")
    assert f"{allowed.port} status 200" in result and f"{other.port} status 403" in result, result
    assert allowed.hits == ["/probe"] and other.hits == []
    assert json.dumps(data)  # one JSON object, already parsed


UNIX_PROBE = r"""
import socket, sys
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.sendall(b'MARKER from the sandbox')
    print('unix SUCCEEDED')
except OSError as e:
    print('unix failed:', type(e).__name__)
"""


def test_an_allowed_command_cannot_reach_a_host_unix_socket() -> None:
    """The listener is this test's own, in a folder under $HOME beside the workspace (outside /tmp,
    which is private inside the sandbox, so the socket file is visible there)."""
    root = Path(tempfile.mkdtemp(prefix="llmos-escape-unix-", dir=Path.home()))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        root.chmod(0o755)
        path = root / "host.sock"
        listener.bind(str(path))
        path.chmod(0o777)
        listener.listen(8)
        listener.setblocking(False)
        ws = workspace(root)
        (ws / "unix.py").write_text(UNIX_PROBE)
        data = run_goal(ws, f"python3 unix.py {path}")
        result = next(c["result"] for c in data["tool_calls"] if c["name"] == "run_command")
        assert "unix failed: PermissionError" in result, result
        try:
            listener.accept()
            raise AssertionError("the sandboxed command reached a unix socket on the host")
        except BlockingIOError:
            pass
    finally:
        listener.close()
        shutil.rmtree(root, ignore_errors=True)
