"""The sandboxed command has no capabilities, so it cannot undo its own mounts.

As root, bwrap keeps every capability for the command unless told otherwise; with CAP_SYS_ADMIN a
command could bind-mount a host directory onto itself and remount it read-write, then write
anywhere. The probe aims at a directory this test made under $HOME (outside /tmp, which is private
inside the sandbox) and writes a marker there if it escapes; a control run with the capabilities
kept shows the probe is a real one (as root only; a normal user has none to keep).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_support import needs_bwrap

from llmos.config import Config
from llmos.execution.sandbox.bwrap import find_bwrap
from llmos.execution.sandbox.shell import MB, shell_argv, shell_runner
from llmos.tools import ToolContext, builtin_tools

pytestmark = needs_bwrap

PROBE = r"""
import subprocess, sys
target = sys.argv[1]
caps = [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff:')][0]
print('CapEff', caps)
steps = [['mount', '--bind', target, target], ['mount', '-o', 'remount,bind,rw', target]]
for argv in steps:
    done = subprocess.run(argv, capture_output=True)
    print(argv[1], 'rc', done.returncode)
try:
    open(target + '/marker', 'w').write('escaped')
    print('marker written')
except OSError as e:
    print('marker refused:', type(e).__name__)
"""


@pytest.fixture
def target() -> Iterator[tuple[Path, Path]]:
    root = Path(tempfile.mkdtemp(prefix="llmos-caps-probe-", dir=Path.home()))
    ws = root / "ws"
    ws.mkdir()
    (ws / "probe.py").write_text(PROBE)
    outside = root / "outside"
    outside.mkdir()
    yield ws, outside
    shutil.rmtree(root, ignore_errors=True)


async def test_no_capabilities_no_remount(target: tuple[Path, Path]) -> None:
    ws, outside = target
    config = Config()
    tools = {t.name: t for t in builtin_tools(ws, config, shell_runner(config.sandbox))}
    out = await tools["run_command"].call({"command": f"python3 probe.py {outside}"}, ToolContext(workspace=ws))
    assert "CapEff 0000000000000000" in out.content, out.content
    assert "marker refused" in out.content
    assert not (outside / "marker").exists()


@pytest.mark.skipif(os.getuid() != 0, reason="only root has capabilities for bwrap to keep")
def test_control_with_capabilities_kept_the_probe_escapes(target: tuple[Path, Path]) -> None:
    ws, outside = target
    bwrap = find_bwrap()
    assert bwrap is not None
    argv = shell_argv(bwrap, ws, ["python3", "probe.py", str(outside)], tmp_bytes=MB)
    i = argv.index("--cap-drop")
    del argv[i : i + 2]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert "marker written" in done.stdout, done.stdout + done.stderr
    assert (outside / "marker").read_text() == "escaped"
