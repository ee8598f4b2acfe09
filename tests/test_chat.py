"""Issue 11: `llmos chat` has real slash commands that never reach the model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from llmos.cli.chat import chat_loop
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore


def _lines(*lines: str) -> Callable[[], str]:
    queue = list(lines)

    def read() -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return read


def _runs(ws: Path) -> list[str]:
    db = Database.for_workspace(ws)
    try:
        return [t.goal for t in TraceStore(db).list()]
    finally:
        db.close()


async def test_slash_commands_are_not_goals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _lines(
        "/help",
        "/stats",
        "/budget",
        "/mode learner",
        "/mode",
        "/mode nonsense",
        "/agent",
        "/model",
        "/last",
        "/frobnicate",
        "Say hi",
        "/last",
        "//etc is a path",
        "/quit",
        "never sent",
    )
    await chat_loop(tmp_path, "test", None, read_line=lines)
    out = capsys.readouterr().out
    assert "/budget" in out and "/quit, /exit" in out  # the help, brackets and all
    assert "mode set to learner" in out and "mode: learner" in out
    assert "unknown mode" in out and "unknown command" in out and "/frobnicate" in out
    assert "no run yet" in out and "run_" in out
    assert "model: test" in out and "agent: default" in out
    assert sorted(_runs(tmp_path)) == ["/etc is a path", "Say hi"]  # only the two goals ran


async def test_eof_leaves_and_reset_clears(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await chat_loop(tmp_path, "test", None, read_line=_lines("Say hi", "/reset"))
    out = capsys.readouterr().out
    assert "history cleared" in out
    assert _runs(tmp_path) == ["Say hi"]
