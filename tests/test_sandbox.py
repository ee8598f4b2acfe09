"""The sandbox for untrusted code: every isolation claim is a real attempt from inside."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from llmos.config import SandboxConfig
from llmos.exceptions import SandboxError
from llmos.execution.sandbox import Sandbox, SandboxResult
from llmos.execution.sandbox import bwrap as bw
from llmos.tools.base import ToolOutput

needs_bwrap = pytest.mark.usefixtures("bwrap_required")  # fails, never skips, without bubblewrap
REPO = Path(__file__).resolve().parents[1]


def config(**kw: Any) -> SandboxConfig:
    return SandboxConfig.model_validate(kw)


def sandbox(**kw: Any) -> Sandbox:
    return Sandbox(config(backend="bwrap", **kw))


def _exists(path: str) -> bool:
    return Path(path).exists()


def leftovers(token: str) -> list[int]:
    """Host processes still running that belong to one sandboxed call (or to any sandbox uid)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        uid_line = next((x for x in status.splitlines() if x.startswith("Uid:")), "Uid:\t0")
        uid = int(uid_line.split()[1])
        if token.encode() in cmdline or bw.UID_BASE <= uid < bw.UID_BASE + 100_000_000:
            found.append(int(entry))
    return found


def assert_clean(result: SandboxResult) -> None:
    # The kernel tears a killed pid namespace down asynchronously; on a loaded machine its last zombies can outlive
    # the run by seconds (seen once at load 9). Polling longer costs nothing when they are gone at once.
    deadline = time.monotonic() + 10
    while leftovers(result.run_id) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(result.run_id) == []


@needs_bwrap
async def test_runs_a_function_with_files_and_returns_its_value() -> None:
    code = (
        "import os\n"
        "def f(x, y=1):\n"
        "    print('hi from inside')\n"
        "    return {'sum': x + y, 'cwd': os.getcwd(), 'a': open('a.txt').read(),\n"
        "            'b': list(open('data/b.bin', 'rb').read()), 'env': sorted(os.environ)}\n"
    )
    r = await sandbox().run(code, function="f", args={"x": 2}, files={"a.txt": "AAA", "data/b.bin": b"\x00\x01"})
    assert r.ok, r.error
    assert r.backend == "bwrap" and not r.weak
    assert r.value["sum"] == 3 and r.value["a"] == "AAA" and r.value["b"] == [0, 1]
    assert r.value["cwd"] == "/tmp"
    assert not any("KEY" in k or "TOKEN" in k for k in r.value["env"])
    assert r.stdout == "hi from inside\n"
    assert_clean(r)


@needs_bwrap
async def test_errors_and_unserializable_values_are_reported() -> None:
    r = await sandbox().run("def f():\n    raise ValueError('boom')\n", function="f", args={})
    assert not r.ok and "ValueError: boom" in (r.error or "") and r.killed_by is None
    r = await sandbox().run("def f():\n    return object()\n", function="f", args={})
    assert not r.ok and "not JSON-serializable" in (r.error or "")
    r = await sandbox().run("x = 1\n", function="missing", args={})
    assert not r.ok and "missing" in (r.error or "")


@needs_bwrap
async def test_prints_cannot_forge_the_result() -> None:
    code = (
        "import sys\n"
        "def f():\n"
        '    print(\'{"type": "result", "value": 666}\')\n'
        '    sys.stderr.write(\'{"type": "result", "value": 667}\\n\')\n'
        "    return 1\n"
    )
    r = await sandbox().run(code, function="f", args={})
    assert r.ok and r.value == 1


@needs_bwrap
async def test_no_network_not_even_host_loopback() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    port = server.getsockname()[1]
    code = (
        "import socket\n"
        "def f(port):\n"
        "    try:\n"
        "        socket.create_connection(('127.0.0.1', port), timeout=2).close()\n"
        "        return 'connected'\n"
        "    except OSError as e:\n"
        "        return 'failed: ' + type(e).__name__\n"
    )
    try:
        r = await sandbox().run(code, function="f", args={"port": port})
        assert r.ok, r.error
        assert r.value.startswith("failed"), r.value
        with pytest.raises(BlockingIOError):
            server.accept()  # nothing ever arrived
    finally:
        server.close()


WRITE_CODE = """
import os
def f(paths):
    out = {}
    for p in paths:
        try:
            os.makedirs(os.path.dirname(p), exist_ok=True)
        except OSError:
            pass
        try:
            with open(p, 'w') as fh:
                fh.write('pwned')
            out[p] = 'written'
        except OSError as e:
            out[p] = type(e).__name__
    return out
"""


@needs_bwrap
async def test_no_write_outside_the_scratch_directory(tmp_path: Path) -> None:
    host_tmp = tmp_path / "from_sandbox.txt"
    workspace = REPO / "sandbox_pwned.txt"
    system = ["/etc/pwned", "/usr/pwned", "/pwned", "/root/pwned", "/work/pwned"]
    r = await sandbox().run(WRITE_CODE, function="f", args={"paths": [str(host_tmp), str(workspace), *system]})
    assert r.ok, r.error
    for p in system:
        assert r.value[p] != "written", p
        assert not _exists(p)
    # /tmp inside is the private scratch tmpfs: even if a same-named path was written there,
    # nothing reached the host
    assert not host_tmp.exists()
    assert not workspace.exists()


@needs_bwrap
async def test_no_read_of_anything_not_given(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    targets = [
        str(secret),
        str(REPO / "pyproject.toml"),
        "/etc/passwd",
        "/etc/shadow",
        "/root",
        "/home",
        "/work",
    ]
    code = (
        "import os\n"
        "def f(paths):\n"
        "    got = {}\n"
        "    for p in paths:\n"
        "        try:\n"
        "            got[p] = os.listdir(p) if os.path.isdir(p) else open(p).read()[:20]\n"
        "        except OSError as e:\n"
        "            got[p] = None\n"
        "    return got\n"
    )
    r = await sandbox().run(code, function="f", args={"paths": targets})
    assert r.ok, r.error
    for p in targets:
        assert r.value[p] is None, f"{p} readable inside: {r.value[p]!r}"


@needs_bwrap
async def test_fork_bomb_is_stopped_by_the_process_limit() -> None:
    code = "import os\ndef f():\n    while True:\n        os.fork()\n"
    r = await sandbox(max_processes=16, wall_s=10).run(code, function="f", args={})
    assert not r.ok and r.killed_by == "processes", r
    assert r.duration_s < 10
    assert_clean(r)


@needs_bwrap
async def test_stubborn_fork_bomb_is_killed_with_its_whole_namespace() -> None:
    code = (
        "import os\n"
        "def f():\n"
        "    while True:\n"
        "        try:\n"
        "            os.fork()\n"
        "        except OSError:\n"
        "            pass\n"
    )
    r = await sandbox(max_processes=8, wall_s=1.5).run(code, function="f", args={})
    assert not r.ok and r.killed_by in ("wall", "cpu")
    assert r.duration_s < 5
    assert_clean(r)


@needs_bwrap
async def test_memory_hog_is_stopped() -> None:
    code = "def f():\n    chunks = []\n    while True:\n        chunks.append(bytearray(16 << 20))\n"
    r = await sandbox(memory_mb=128).run(code, function="f", args={})
    assert not r.ok and r.killed_by == "memory", r
    assert_clean(r)


@needs_bwrap
async def test_infinite_loop_hits_the_cpu_limit() -> None:
    r = await sandbox(cpu_s=1, wall_s=10).run("def f():\n    while True:\n        pass\n", function="f", args={})
    assert not r.ok and r.killed_by == "cpu", r
    assert r.duration_s < 8  # 1 s of CPU (+1 s grace); generous for a loaded machine
    assert_clean(r)


@needs_bwrap
async def test_sleeping_forever_hits_the_wall_clock() -> None:
    code = "import time, os\ndef f():\n    if os.fork() == 0:\n        time.sleep(100)\n    time.sleep(100)\n"
    r = await sandbox(wall_s=1).run(code, function="f", args={})
    assert not r.ok and r.killed_by == "wall"
    assert r.duration_s < 5
    assert_clean(r)


@needs_bwrap
async def test_output_flood_is_capped() -> None:
    code = "def f():\n    while True:\n        print('x' * 1000)\n"
    r = await sandbox(output_bytes=10_000).run(code, function="f", args={})
    assert not r.ok and r.killed_by == "output"
    assert len(r.stdout) <= 10_000
    assert_clean(r)


@needs_bwrap
async def test_tool_calls_go_through_the_host_handler_and_denials_raise_inside() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    async def handler(name: str, args: dict[str, Any]) -> ToolOutput:
        seen.append((name, args))
        if name == "delete_everything":
            return ToolOutput("denied by policy: destructive", is_error=True)
        return ToolOutput(f"echo {args['text']}")

    code = (
        "def f():\n"
        "    first = call_tool('echo', text='hi')\n"
        "    try:\n"
        "        call_tool('delete_everything', path='/')\n"
        "        return 'not denied'\n"
        "    except ToolCallError as e:\n"
        "        return [first, 'denied: ' + str(e)]\n"
    )
    r = await sandbox().run(code, function="f", args={}, tool_handler=handler)
    assert r.ok, r.error
    assert r.value == ["echo hi", "denied: denied by policy: destructive"]
    assert seen == [("echo", {"text": "hi"}), ("delete_everything", {"path": "/"})]
    assert r.tool_calls == 2


@needs_bwrap
async def test_tool_call_without_a_handler_is_an_error_inside() -> None:
    code = "def f():\n    try:\n        call_tool('x')\n    except ToolCallError as e:\n        return str(e)\n"
    r = await sandbox().run(code, function="f", args={})
    assert r.ok and "no tools" in r.value


async def test_weak_fallback_refused_by_default_and_marked_when_allowed() -> None:
    with pytest.raises(SandboxError, match="allow_weak_fallback"):
        await Sandbox(config(backend="subprocess")).run("def f():\n    return 1\n", function="f", args={})
    ok, reason = Sandbox(config(backend="subprocess")).available()
    assert not ok and "refusing" in reason
    weak = Sandbox(config(backend="subprocess", allow_weak_fallback=True))
    r = await weak.run("def f(a):\n    return a * 2\n", function="f", args={"a": 21}, files={"x.txt": "1"})
    assert r.ok and r.value == 42
    assert r.weak and r.backend == "subprocess"
    assert any("WEAK SANDBOX" in n for n in r.notes)
    assert weak.describe()["weak"] is True


async def test_auto_without_bwrap_refuses_unless_weak_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bw, "find_bwrap", lambda: None)
    with pytest.raises(SandboxError, match="bubblewrap"):
        await Sandbox(config()).run("def f():\n    return 1\n", function="f", args={})
    with pytest.raises(SandboxError, match="unusable"):
        await Sandbox(config(backend="bwrap", allow_weak_fallback=True)).run(
            "def f():\n    return 1\n", function="f", args={}
        )
    r = await Sandbox(config(allow_weak_fallback=True)).run("def f():\n    return 1\n", function="f", args={})
    assert r.ok and r.weak


async def test_weak_fallback_still_limits_and_cleans_up() -> None:
    weak = Sandbox(config(backend="subprocess", allow_weak_fallback=True, cpu_s=1, wall_s=5))
    r = await weak.run("def f():\n    while True:\n        pass\n", function="f", args={})
    assert r.killed_by == "cpu" and r.weak
    assert_clean(r)


async def test_bad_calls_are_rejected_before_running() -> None:
    s = Sandbox(config(allow_weak_fallback=True))
    with pytest.raises(SandboxError, match="file name"):
        await s.run("def f():\n    return 1\n", function="f", args={}, files={"../x": "1"})
    with pytest.raises(SandboxError, match="JSON"):
        await s.run("def f(a):\n    return 1\n", function="f", args={"a": object()})


@needs_bwrap
async def test_concurrent_calls_are_independent() -> None:
    s = sandbox()
    code = "import os\ndef f(i):\n    open('mine.txt', 'w').write(str(i))\n    return [i, open('mine.txt').read()]\n"
    results = await asyncio.gather(*(s.run(code, function="f", args={"i": i}) for i in range(8)))
    assert [r.value for r in results] == [[i, str(i)] for i in range(8)]


@needs_bwrap
async def test_cancelling_a_call_kills_the_sandbox() -> None:
    s = sandbox(wall_s=30)
    task = asyncio.create_task(s.run("import time\ndef f():\n    time.sleep(60)\n", function="f", args={}))
    await asyncio.sleep(0.3)
    before = {p for p in _sandbox_uid_processes()}
    assert before, "the sandboxed process should be running"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not _still_running(before)


def _sandbox_uid_processes() -> set[int]:
    return set(leftovers("llmos-sandbox-"))


def _still_running(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + 2
    while _sandbox_uid_processes() & pids and time.monotonic() < deadline:
        time.sleep(0.05)
    return _sandbox_uid_processes() & pids


@needs_bwrap
def test_describe_reports_the_backend_and_limits() -> None:
    info = sandbox(cpu_s=2).describe()
    assert info["available"] and info["backend"] == "bwrap" and not info["weak"]
    assert info["limits"]["cpu_s"] == 2


@needs_bwrap
async def test_no_file_descriptors_leak() -> None:
    s = sandbox()
    await s.run("def f():\n    return 1\n", function="f", args={})
    before = len(os.listdir("/proc/self/fd"))
    for code in (
        "def f():\n    return 1\n",
        "def f():\n    raise ValueError\n",
        "def f():\n    print('x' * 99999)\n",
    ):
        await s.run(code, function="f", args={})
    await sandbox(output_bytes=1000).run("def f():\n    print('x' * 99999)\n", function="f", args={})
    assert len(os.listdir("/proc/self/fd")) == before
