"""run_command under bubblewrap: every isolation claim is a real, harmless attempt from inside.

Probes only ever aim at things this test owns: a marker path in its own temporary directory, a
listener it opened on the host's loopback, the control-plane files of its own workspace.
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from sandbox_support import needs_bwrap, processes_with

from llmos.config import Config, SandboxConfig
from llmos.execution.sandbox import shell as shell_sandbox
from llmos.execution.sandbox.shell import ShellSandbox, shell_runner
from llmos.tools import ToolContext, ToolOutput, builtin_tools
from llmos.tools.command import RefusingRunner, WeakRunner

pytestmark = needs_bwrap

CONTROL = {
    "llmos.toml": "[budget]\ntotal_usd = 1.0\n",
    ".llmos/llmos.db": "db",
    ".git/hooks/pre-commit": "#!/bin/sh\nexit 0\n",
    ".git/config": "[core]\n\tbare = false\n",
    "agents/helper.md": "---\nname: helper\n---\nHelp.\n",
    "tools/generated/t.py": "def t():\n    return 1\n",
}


def _exists(path: str) -> bool:
    return Path(path).exists()


def sandbox_config(**kw: Any) -> SandboxConfig:
    return SandboxConfig.model_validate(kw)


async def run(ws: Path, command: str, timeout_s: float = 20, **kw: Any) -> ToolOutput:
    config = Config.model_validate({"sandbox": kw, "tools": {"command_timeout_s": timeout_s}})
    tools = {t.name: t for t in builtin_tools(ws, config, shell_runner(config.sandbox))}
    return await tools["run_command"].call({"command": command}, ToolContext(workspace=ws))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    for rel, text in CONTROL.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "src").mkdir()
    return root


async def test_runs_in_the_workspace_with_a_clean_environment(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-secret-test-value")
    out = await run(ws, "pwd; echo made > src/new.txt; env; ls /tmp | wc -l")
    assert not out.is_error, out.content
    assert out.data["sandbox"] == "bwrap" and out.data["weak"] is False
    assert f"[stdout]\n{ws}\n" in out.content
    assert (ws / "src" / "new.txt").read_text() == "made\n"
    assert "sk-secret-test-value" not in out.content and "LLMOS_SANDBOX=bwrap" in out.content


async def test_cannot_write_outside_the_workspace(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    marker = outside / "marker"
    out = await run(ws, f"echo x > {marker}; echo x > {ws.parent}/sibling; touch /usr/llmos-marker; echo done")
    assert "done" in out.content
    assert not marker.exists() and not (ws.parent / "sibling").exists()
    assert not _exists("/usr/llmos-marker")


async def test_cannot_reach_a_listener_on_the_host_loopback(ws: Path) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    try:
        probe = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2); print('CONNECTED')"
        out = await run(ws, f'python3 -c "{probe}"')
        assert "CONNECTED" not in out.content and out.is_error
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()


async def test_control_plane_is_read_only(ws: Path) -> None:
    attacks = "; ".join(
        [
            "echo '[security]' >> llmos.toml",
            "sed -i s/1.0/999/ llmos.toml",
            "rm -rf .llmos",
            "echo gone > .llmos/llmos.db",
            "echo 'curl x | sh' > .git/hooks/pre-commit",
            "echo evil > .git/hooks/post-checkout",
            "git config --file .git/config core.hooksPath /tmp",
            "mv .git g2",
            "mv tools t2",
            "rm -rf agents",
            "echo x > agents/new.md",
            "echo x > tools/generated/evil.py",
            "echo done",
        ]
    )
    out = await run(ws, attacks)
    assert "done" in out.content
    for rel, text in CONTROL.items():
        assert (ws / rel).read_text() == text, rel
    assert not (ws / ".git/hooks/post-checkout").exists()
    assert not (ws / "agents/new.md").exists() and not (ws / "tools/generated/evil.py").exists()
    assert not (ws / "g2").exists() and not (ws / "t2").exists()


async def test_created_control_paths_are_rejected(tmp_path: Path) -> None:
    ws = tmp_path / "bare"
    ws.mkdir()
    out = await run(ws, "printf '[security]\\nenabled = false\\n' > llmos.toml; mkdir -p agents tools/generated")
    assert out.is_error and "control plane" in out.content
    assert not (ws / "llmos.toml").exists() and not (ws / "agents").exists()
    assert not (ws / "tools" / "generated").exists()
    kept = sorted(p.name for p in ws.iterdir())
    assert any(n.startswith("llmos.toml.rejected-") for n in kept)  # nothing is deleted


async def test_a_symlinked_control_path_is_held_too(tmp_path: Path) -> None:
    ws = tmp_path / "linked"
    (ws / "conf").mkdir(parents=True)
    (ws / "conf" / "real.toml").write_text("[budget]\ntotal_usd = 1.0\n")
    (ws / "llmos.toml").symlink_to("conf/real.toml")
    out = await run(ws, "echo x >> conf/real.toml; rm llmos.toml && echo evil > llmos.toml; echo done")
    assert out.is_error and "control plane" in out.content and "done" in out.content
    assert (ws / "llmos.toml").is_symlink() and (ws / "llmos.toml").read_text() == "[budget]\ntotal_usd = 1.0\n"
    assert any(p.name.startswith("llmos.toml.rejected-") for p in ws.iterdir())


async def test_a_symlinked_parent_of_a_control_path_is_held_too(tmp_path: Path) -> None:
    ws = tmp_path / "linked-parent"
    (ws / "real-tools" / "generated").mkdir(parents=True)
    (ws / "real-tools" / "generated" / "t.py").write_text("def t():\n    return 1\n")
    (ws / "tools").symlink_to("real-tools")
    out = await run(
        ws, "echo x > tools/generated/t.py; rm tools && mkdir -p tools/generated && echo y > tools/generated/e.py"
    )
    assert out.is_error and "control plane" in out.content
    assert (ws / "tools").is_symlink() and (
        ws / "tools" / "generated" / "t.py"
    ).read_text() == "def t():\n    return 1\n"
    assert not (ws / "tools" / "generated" / "e.py").exists()


async def test_git_init_in_a_fresh_workspace_still_works(tmp_path: Path) -> None:
    ws = tmp_path / "fresh"
    ws.mkdir()
    out = await run(ws, "git init -q . && git config user.email a@b && echo ok")
    assert not out.is_error, out.content
    assert (ws / ".git" / "config").exists()


async def test_timeout_and_end_kill_every_process_in_the_sandbox(ws: Path) -> None:
    marker = f"{time.time_ns() % 1000}.4242"
    out = await run(ws, f"sleep 3{marker} & (sleep 3{marker} &); echo started; sleep 3{marker}", timeout_s=0.5)
    assert out.data["timed_out"] and "started" in out.content
    assert processes_with(f"3{marker}") == []
    out = await run(ws, f"(sleep 4{marker} &); sleep 4{marker} & echo done")
    assert not out.is_error and "done" in out.content
    await asyncio.sleep(0.1)
    assert processes_with(f"4{marker}") == []


async def test_output_memory_and_process_limits(ws: Path) -> None:
    out = await run(ws, "yes llmos", shell_output_mb=1)
    assert out.is_error and out.data["killed_by"] == "output" and "output limit" in out.content
    grab = "python3 -c 'x = bytearray(300 * 1024 * 1024); print(len(x))'"
    out = await run(ws, grab, shell_memory_mb=128)
    assert out.is_error and "MemoryError" in out.content
    spawn = "for i in $(seq 1 60); do sleep 2 & done 2>&1 | head -3; echo spawned"
    out = await run(ws, spawn, shell_max_processes=20, timeout_s=10)
    assert "Resource temporarily unavailable" in out.content or "retry" in out.content, out.content


async def test_without_bubblewrap_the_shell_refuses_unless_weak_is_accepted(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shell_sandbox, "find_bwrap", lambda: None)
    assert isinstance(shell_runner(sandbox_config()), RefusingRunner)
    out = await run(ws, "echo hi")
    assert out.is_error and "refused" in out.content and "bubblewrap" in out.content
    assert isinstance(shell_runner(sandbox_config(allow_weak_fallback=True)), WeakRunner)
    out = await run(ws, "echo hi", allow_weak_fallback=True)
    assert not out.is_error and out.content.startswith("WEAK SANDBOX")
    assert out.data["weak"] is True and out.data["sandbox"] == "none"


async def test_subprocess_backend_is_weak_and_says_so(ws: Path) -> None:
    out = await run(ws, "echo hi", backend="subprocess")
    assert out.is_error and "refused" in out.content
    out = await run(ws, "echo hi", backend="subprocess", allow_weak_fallback=True)
    assert "WEAK SANDBOX" in out.content and out.data["weak"]


def test_the_runtime_gets_the_bubblewrap_runner() -> None:
    assert isinstance(shell_runner(sandbox_config()), ShellSandbox)


async def test_tools_without_a_runner_refuse(ws: Path) -> None:
    tools = {t.name: t for t in builtin_tools(ws, Config())}
    out = await tools["run_command"].call({"command": "echo hi"}, ToolContext(workspace=ws))
    assert out.is_error and "sandbox" in out.content


@pytest.mark.parametrize("rel", ["llmos.toml", ".llmos/x.db", ".git/hooks/pre-push", ".git/config", "agents/a.md",
                                 "tools/generated/g.py"])  # fmt: skip
async def test_file_tools_refuse_the_control_plane(ws: Path, rel: str) -> None:
    tools = {t.name: t for t in builtin_tools(ws, Config())}
    ctx = ToolContext(workspace=ws)
    out = await tools["write_file"].call({"path": rel, "content": "x"}, ctx)
    assert out.is_error and "control plane" in out.content
    if (ws / rel).exists():
        edit = await tools["edit_file"].call({"path": rel, "old": (ws / rel).read_text()[:3], "new": "zz"}, ctx)
        assert edit.is_error and "control plane" in edit.content
    (ws / "link").symlink_to(ws / "llmos.toml")
    out = await tools["write_file"].call({"path": "link", "content": "x"}, ctx)
    assert out.is_error and (ws / "llmos.toml").read_text() == CONTROL["llmos.toml"]
