"""run_command through the runtime: sandboxed by default; the weak mode is named in results and traces."""

from __future__ import annotations

from pathlib import Path

import pytest
from sandbox_support import needs_bwrap

from llmos.config import Config, ConfigBuilder
from llmos.execution.sandbox import shell as shell_sandbox
from llmos.models.base import ToolCall
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS


def config(**sandbox: object) -> Config:
    b = ConfigBuilder("testing")
    b.set("learning", enabled=False)
    b.set("sentience", enabled=False)
    if sandbox:
        b.set("sandbox", **sandbox)
    return b.build()


def model(command: str) -> TestModel:
    return TestModel(script=[ToolCall("", "run_command", {"command": command}), "done"])


@needs_bwrap
async def test_the_runtime_runs_the_shell_in_bubblewrap(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path, config=config(), model=model("echo $LLMOS_SANDBOX > where.txt")) as os:
        result = await os.execute("run it")
        trace = os.traces.get(result.run_id)
    assert result.success, result.error
    assert (tmp_path / "where.txt").read_text() == "bwrap\n"
    assert trace is not None and trace.tool_calls[0].result.startswith("exit code: 0")


async def test_weak_mode_is_named_in_every_result_and_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shell_sandbox, "find_bwrap", lambda: None)
    async with LLMOS(workspace=tmp_path, config=config(allow_weak_fallback=True), model=model("echo hi")) as os:
        result = await os.execute("run it")
        trace = os.traces.get(result.run_id)
    assert result.tool_calls[0]["result"].startswith("WEAK SANDBOX: run_command ran WITHOUT isolation")
    assert trace is not None and trace.tool_calls[0].result.startswith("WEAK SANDBOX")


async def test_without_bubblewrap_the_runtime_shell_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shell_sandbox, "find_bwrap", lambda: None)
    async with LLMOS(workspace=tmp_path, config=config(), model=model("echo hi > made.txt")) as os:
        result = await os.execute("run it")
    call = result.tool_calls[0]
    assert call["is_error"] and "refused" in call["result"] and "allow_weak_fallback" in call["result"]
    assert not (tmp_path / "made.txt").exists()
