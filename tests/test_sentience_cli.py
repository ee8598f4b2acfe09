"""`llmos state` (show, history, reset) and the feedback command, on a real workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from llmos.cli.state import app, feedback_command, sparkline
from llmos.config import load_config
from llmos.sentience import Sentience
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore
from llmos.trace import ToolCallRecord, Trace

runner = CliRunner()


def seed(ws: Path) -> Sentience:
    db = Database.for_workspace(ws)
    s = Sentience(db, load_config(ws).sentience)
    store = TraceStore(db)
    for i in range(6):
        t = Trace(goal=f"convert file{i}.csv")
        t.finish("success", "ok")
        store.save(t)
        s.on_run_end(t, repetition_count=i)
    t = Trace(goal="clean")
    t.tool_calls.append(ToolCallRecord("c", "bash", {"command": "rm -rf /"}, decision="deny"))
    t.finish("failed", error="denied")
    store.save(t)
    s.on_run_end(t)
    return s


def test_state_json_and_rich(tmp_path: Path) -> None:
    seed(tmp_path)
    res = runner.invoke(app, ["--workspace", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    snap = json.loads(res.stdout)
    assert snap["latent_mode"] in ("BALANCED", "CAUTIOUS", "AUTO_CONTAINED")
    assert {o["kind"] for o in snap["opportunities"]} >= {"crystallize"}
    res = runner.invoke(app, ["--workspace", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "Internal state" in res.output and "Policy" in res.output and "crystallize" in res.output


def test_history_and_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmos.cli._common import console

    monkeypatch.setattr(console, "width", 160)
    seed(tmp_path)
    res = runner.invoke(app, ["history", "--workspace", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "safety_violation" in res.output and "trend" in res.output
    res = runner.invoke(app, ["history", "--workspace", str(tmp_path), "--json", "--limit", "3"])
    assert len(json.loads(res.stdout)) == 3
    res = runner.invoke(app, ["reset", "--workspace", str(tmp_path)], input="n\n")
    assert res.exit_code == 1
    res = runner.invoke(app, ["reset", "--workspace", str(tmp_path), "--yes"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["history", "--workspace", str(tmp_path), "--json"])
    assert json.loads(res.stdout) == []


def test_disabled_and_missing_workspace(tmp_path: Path) -> None:
    (tmp_path / "llmos.toml").write_text("[sentience]\nenabled = false\n")
    res = runner.invoke(app, ["--workspace", str(tmp_path)])
    assert res.exit_code == 0 and "disabled" in res.output
    res = runner.invoke(app, ["--workspace", str(tmp_path / "nope")])
    assert res.exit_code == 2
    (tmp_path / "llmos.toml").write_text("[sentience]\nsetpoints = { mood = 0.1 }\n")
    res = runner.invoke(app, ["--workspace", str(tmp_path)])
    assert res.exit_code == 2 and "mood" in res.output


def test_feedback_command(tmp_path: Path) -> None:
    s = seed(tmp_path)
    recent: Any = TraceStore(s.store.db).recent(1)  # (mypy reads `list` in TraceStore as its method)
    run_id = recent[0].id
    before = s.valence().self_confidence
    assert feedback_command(run_id[:12], "good", tmp_path) is True
    assert s.valence().self_confidence > before
    assert feedback_command(run_id, "good", tmp_path) is False
    with pytest.raises(typer.Exit):
        feedback_command("run_missing", "good", tmp_path)
    with pytest.raises(typer.Exit):
        feedback_command(run_id, "meh", tmp_path)


def test_sparkline() -> None:
    assert sparkline([-1.0, 0.0, 1.0]) == "▁▅█"
    assert sparkline([]) == ""


def test_demo_runs_and_shows_the_transitions(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, str(root / "examples" / "sentience_demo.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=60, env=env, check=True,
    ).stdout  # fmt: skip
    assert "after ten repetitions: latent mode AUTO_CONTAINED" in out
    assert "after three safety violations: latent mode RECOVERY" in out
    assert "-> FOLLOWER" in out and "-> LEARNER (mixed mode disabled by policy)" in out
    assert "hook on `rm -rf /`: deny" in out and "[INTERNAL_STATE]" in out
    res = runner.invoke(app, ["--workspace", str(tmp_path), "--json"])
    assert json.loads(res.stdout)["latent_mode"] == "RECOVERY"  # the state persisted in the workspace
