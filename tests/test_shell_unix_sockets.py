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
from sandbox_support import needs_bwrap

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

RELAY_PROBE = r"""
import os
for pid in filter(str.isdigit, os.listdir('/proc')):
    try:
        cmd = open(f'/proc/{pid}/cmdline', 'rb').read()
    except OSError:
        continue
    if b'llmos-forwarder' in cmd and int(pid) != os.getppid() and int(pid) != os.getpid():
        print('relay found')
        try:
            open(f'/proc/{pid}/mem', 'rb').close()
            print('relay memory: readable')
        except OSError as e:
            print('relay memory:', type(e).__name__)
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


async def test_with_the_network_allow_list_too(host_dir: tuple[Path, Path, Listener]) -> None:
    """The forwarder's relay keeps its unix socket to the proxy; the command still has none."""
    ws, sock, listener = host_dir
    (ws / "relay.py").write_text(RELAY_PROBE)
    out = await run(ws, f"python3 probe.py {sock}; python3 relay.py", network_allow=["127.0.0.1:9"])
    assert "unix failed: PermissionError 13" in out.content, out.content
    assert "relay found" in out.content and "relay memory: PermissionError" in out.content, out.content
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
