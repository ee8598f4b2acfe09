"""The internal state never locks a user out: infrastructure failures are not safety events, CAUTIOUS
does not refuse ordinary shell commands, and every refusal names the state and `llmos state reset`."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from llmos import LLMOS
from llmos.config import SentienceConfig
from llmos.kernel.hooks import ToolUseEvent
from llmos.models.testmodel import TestModel
from llmos.sentience import Sentience
from llmos.storage.db import Database
from llmos.trace import ToolCallRecord, Trace

DOWN = "ModelHTTPError: openai could not be reached: [Errno 111] Connection refused"


def _trace(status: str, error: str | None = None, calls: list[ToolCallRecord] | None = None) -> Trace:
    t = Trace(goal="g")
    t.tool_calls.extend(calls or [])
    t.finish(status, "", error)  # type: ignore[arg-type]
    return t


def _shell(command: str) -> ToolUseEvent:
    return ToolUseEvent(tool="run_command", arguments={"command": command}, source="model", kind="shell")


def test_six_infrastructure_failures_and_a_denial_do_not_lock_the_shell(tmp_path: Path) -> None:
    s = Sentience(Database.for_workspace(tmp_path), SentienceConfig(), clock=lambda: 1000.0)
    safety, confidence = s.valence().safety, s.valence().self_confidence
    for error in (DOWN, "ModelHTTPError: anthropic returned HTTP 529: overloaded", DOWN, DOWN, DOWN, DOWN):
        assert s.on_run_end(_trace("failed", error)) == ["infrastructure_failure"]
    assert s.valence().safety == pytest.approx(safety, abs=0.05)  # not a safety event
    assert s.valence().self_confidence == pytest.approx(confidence, abs=0.05)
    denied = ToolCallRecord("c1", "run_command", {"command": "rm -rf /"}, decision="deny", decision_reason="no")
    s.on_run_end(_trace("failed", calls=[denied]))
    hook = s.hook()
    for command in ("ls -la", "pytest -q", "git status", "echo hi > out.txt"):
        assert hook.decide(_shell(command)) is None, (s.mode(), command)
    d = hook.decide(_shell("rm -rf build"))
    assert d is not None and d.decision == "ask"
    assert s.mode().value in d.reason and "llmos state reset" in d.reason


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_model_server_is_not_held_against_the_agent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    (tmp_path / "llmos.toml").write_text(
        "[model]\nprovider = 'openai'\nname = 'local'\n"
        f"base_url = 'http://127.0.0.1:{_closed_port()}/v1'\nmax_retries = 0\ntimeout_s = 5\n"
    )
    async with LLMOS(tmp_path) as rt:
        for _ in range(6):
            result = await rt.execute("summarise the notes", mode="learner")
            assert not result.success
        history = [h.trigger for h in rt.sentience.history()]
        safety = rt.sentience.valence().safety
    assert history.count("infrastructure_failure") == 6 and "task_failure" not in history
    assert "safety_violation" not in history
    script = [{"tool": "run_command", "args": {"command": "echo ok"}}, "done"]
    async with LLMOS(tmp_path, model=TestModel(script=script)) as rt:
        assert rt.sentience.valence().safety == pytest.approx(safety, abs=0.05)
        result = await rt.execute("say ok", mode="learner")
    call = result.to_dict()["tool_calls"][0]
    assert not call["is_error"] and "ok" in str(call["result"])


def test_recovery_never_gates_ordinary_writes_or_tool_calls(tmp_path: Path) -> None:
    """An ask with nobody to answer is a denial: a tired state must not stop every unannotated MCP
    tool (they count as writes) in a server run. Only destructive operations are held back."""
    from llmos.sentience.modes import LatentMode

    s = Sentience(Database.for_workspace(tmp_path), SentienceConfig(), clock=lambda: 1000.0)
    denied = ToolCallRecord("c1", "run_command", {"command": "rm -rf /"}, decision="deny", decision_reason="no")
    for _ in range(3):
        s.on_run_end(_trace("failed", calls=[denied]))
    assert s.mode() is LatentMode.RECOVERY
    hook = s.hook()
    write = ToolUseEvent(tool="bench__read_notice", arguments={"name": "n"}, source="model", kind="file_write")
    assert hook.decide(write) is None
    assert hook.decide(_shell("echo hi > out.txt")) is None
    d = hook.decide(_shell("rm -rf build"))
    assert d is not None and d.decision == "deny" and "llmos state reset" in d.reason
