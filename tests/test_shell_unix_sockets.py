"""A command the policy allows cannot reach a unix socket on the host (the seccomp filter).

The listener is this test's own: a unix socket in a fresh directory under $HOME (outside /tmp, which
is private inside the sandbox, so the socket file is visible there), beside the workspace. The probe
is harmless if it escapes: it connects and writes a marker line to that listener, which records it.
A control run of the same bwrap argv without the filter shows the probe would otherwise get through.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sandbox_support import PORT_MODES, needs_bwrap, use_port_mode

from llmos.config import Config
from llmos.execution.sandbox import seccomp
from llmos.execution.sandbox.bwrap import find_bwrap
from llmos.execution.sandbox.shell import MB, shell_argv, shell_runner
from llmos.tools import ToolContext, ToolOutput, builtin_tools

pytestmark = needs_bwrap

PROBE = r"""
import socket, sys
path = sys.argv[1]
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(b'MARKER escaped through a unix socket\n')
    s.close()
    print('unix SUCCEEDED')
except OSError as e:
    print('unix failed:', type(e).__name__, e.errno)
a, b = socket.socketpair()
a.sendall(b'x')
print('socketpair', 'works' if b.recv(1) == b'x' else 'broken')
"""

PROCS_PROBE = r"""
import os
for pid in sorted(filter(str.isdigit, os.listdir('/proc')), key=int):
    try:
        lines = open(f'/proc/{pid}/status').read().splitlines()
    except OSError:
        continue
    status = dict(line.split(':', 1) for line in lines if ':' in line)
    print('process', pid, status['Name'].strip(), 'seccomp', status['Seccomp'].strip())
print('unix sockets', len(open('/proc/net/unix').read().splitlines()) - 1)
"""


class Listener:
    def __init__(self, path: Path) -> None:
        self.received: list[bytes] = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        path.chmod(0o777)
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(1000))
                except OSError:
                    self.received.append(b"<connected>")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def host_dir() -> Iterator[tuple[Path, Path, Listener]]:
    """DIR/ws (the workspace) and DIR/agent.sock (a host socket beside it), DIR under $HOME."""
    root = Path(tempfile.mkdtemp(prefix="llmos-unix-probe-", dir=Path.home()))
    root.chmod(0o755)
    ws = root / "ws"
    ws.mkdir()
    (ws / "probe.py").write_text(PROBE)
    listener = Listener(root / "agent.sock")
    yield ws, root / "agent.sock", listener
    listener.close()
    shutil.rmtree(root, ignore_errors=True)


async def run(ws: Path, command: str, **sandbox: Any) -> ToolOutput:
    config = Config.model_validate({"sandbox": sandbox})
    tools = {t.name: t for t in builtin_tools(ws, config, shell_runner(config.sandbox))}
    return await tools["run_command"].call({"command": command}, ToolContext(workspace=ws))


def test_the_filter_is_built() -> None:
    assert seccomp.program(), seccomp.unavailable()


async def test_a_host_unix_socket_is_unreachable(host_dir: tuple[Path, Path, Listener]) -> None:
    ws, sock, listener = host_dir
    out = await run(ws, f"python3 probe.py {sock}")
    assert "unix failed: PermissionError 13" in out.content, out.content
    assert "socketpair works" in out.content
    listener.close()
    assert listener.received == []


@pytest.mark.parametrize("mode", PORT_MODES)
async def test_with_the_network_allow_list_too(
    host_dir: tuple[Path, Path, Listener], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every process in the sandbox (bwrap's init too) runs under the filter: nothing inside relays
    to the proxy (the host does), and no unix socket exists in the sandbox."""
    use_port_mode(mode, monkeypatch)
    ws, sock, listener = host_dir
    (ws / "procs.py").write_text(PROCS_PROBE)
    out = await run(ws, f"python3 probe.py {sock}; python3 procs.py", network_allow=["127.0.0.1:9"])
    assert "unix failed: PermissionError 13" in out.content, out.content
    procs = [line.split() for line in out.content.splitlines() if line.startswith("process ")]
    assert procs[0][1:3] == ["1", "bwrap"], out.content
    assert {p[2] for p in procs[1:]} <= {"bash", "python3"}, out.content  # no forwarder, no listener left
    assert all(p[4] == "2" for p in procs), out.content  # SECCOMP_MODE_FILTER
    assert "unix sockets 0" in out.content, out.content
    listener.close()
    assert listener.received == []


def test_control_without_the_filter_the_probe_gets_through(host_dir: tuple[Path, Path, Listener]) -> None:
    """The same sandbox without the filter: the probe reaches the listener, so the tests above are meaningful."""
    ws, sock, listener = host_dir
    bwrap = find_bwrap()
    assert bwrap is not None
    argv = shell_argv(bwrap, ws, ["python3", "probe.py", str(sock)], tmp_bytes=MB)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert "unix SUCCEEDED" in done.stdout, done.stdout + done.stderr
    listener.close()
    assert listener.received == [b"MARKER escaped through a unix socket\n"]
