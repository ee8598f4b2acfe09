"""The `llmos` command as real subprocesses (`python -m llmos`), and its agreement with the Python API."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.llm_server import FakeLLMServer, llm_server, text, tool
from runtime_support import check_contract, cli_env, llmos_cli, one_json

from llmos.config import load_config
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore

__all__ = ["llm_server"]

GOAL = "list the files"


def run_json(ws: Path, goal: str = GOAL, *extra: str, env: dict[str, str] | None = None) -> tuple[int, Any, str]:
    proc = llmos_cli("run", goal, "--workspace", str(ws), "--json", *extra, env=env)
    return proc.returncode, one_json(proc.stdout), proc.stderr


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
    """A workspace with two runs made by the CLI (shared by the read-only tests)."""
    path = tmp_path_factory.mktemp("cli") / "a"
    runs = []
    for goal in (GOAL, "Create a file hello.txt with the text 'hi'"):
        code, data, err = run_json(path, goal, "--model", "test")
        assert code == 0, err
        runs.append(data)
    yield path, runs


def test_run_json_contract(ws: tuple[Path, list[dict[str, Any]]]) -> None:
    path, runs = ws
    data = runs[0]
    check_contract(data)
    assert data["success"] is True and data["error"] is None and data["mode"] == "learner"
    assert data["llm_calls"] == 2 and data["input_tokens"] > 0 and data["cost_usd"] > 0
    assert [c["name"] for c in data["tool_calls"]] == ["list_dir"]
    assert data["tool_calls"][0]["arguments"] == {"path": "."} and data["tool_calls"][0]["is_error"] is False
    assert "mode_reason" not in data  # only with --explain
    write = runs[1]
    assert write["success"] and (path / "hello.txt").read_text() == "hi"


def test_run_explain_and_human_output(tmp_path: Path) -> None:
    code, data, _ = run_json(tmp_path, GOAL, "--model", "test", "--explain")
    assert code == 0 and isinstance(data["mode_reason"], dict)
    human = llmos_cli("run", GOAL, "-w", str(tmp_path), "--model", "test")
    assert human.returncode == 0
    assert "list_dir" in human.stdout and "model calls" in human.stdout and "run run_" in human.stdout


def test_failed_run_is_still_one_json_object_with_exit_1(tmp_path: Path) -> None:
    (tmp_path / "llmos.toml").write_text("[budget]\ntotal_usd = 0.00001\n")
    code, data, err = run_json(tmp_path, GOAL, "--model", "test")
    assert code == 1
    check_contract(data)
    assert data["success"] is False and data["status"] == "budget_exceeded" and "budget" in data["error"]
    assert "Traceback" not in err


async def test_the_python_api_gives_the_same_result_as_the_cli(tmp_path: Path) -> None:
    cli_ws, api_ws = tmp_path / "c", tmp_path / "p"  # same path length: same prompt, same tokens
    proc = await asyncio.to_thread(llmos_cli, "run", GOAL, "--workspace", str(cli_ws), "--json", "--model", "test")
    assert proc.returncode == 0, proc.stderr
    cli = one_json(proc.stdout)
    async with LLMOS(workspace=api_ws, model="test") as os:
        api = (await os.execute(GOAL)).to_dict(explain=False)
    assert set(api) == set(cli)
    for key in set(api) - {"run_id", "duration_s"}:
        assert api[key] == cli[key], key
    for key in ("run_id", "duration_s"):
        assert type(api[key]) is type(cli[key]) or {type(api[key]), type(cli[key])} <= {int, float}


def test_traces_list_show_export(ws: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    path, runs = ws
    first = runs[0]["run_id"]
    listing = llmos_cli("traces", "list", "-w", str(path), "--json")
    assert listing.returncode == 0
    rows = json.loads(listing.stdout)
    assert [r["id"] for r in rows] == [runs[1]["run_id"], first]  # newest first
    assert rows[1]["goal"] == GOAL and rows[1]["tool_calls"][0]["name"] == "list_dir"
    filtered = json.loads(llmos_cli("traces", "list", "-w", str(path), "--json", "--status", "failed").stdout)
    assert filtered == []
    table = llmos_cli("traces", "list", "-w", str(path))
    assert table.returncode == 0 and first in table.stdout and "learner" in table.stdout

    shown = llmos_cli("traces", "show", first[:12], "-w", str(path))  # a prefix is enough
    assert shown.returncode == 0 and f"Run {first}" in shown.stdout and GOAL in shown.stdout
    assert "list_dir" in shown.stdout
    as_json = llmos_cli("traces", "show", first, "-w", str(path), "--format", "json")
    assert json.loads(as_json.stdout)["id"] == first

    md, js = tmp_path / "run.md", tmp_path / "run.json"
    assert llmos_cli("traces", "export", first, "-o", str(md), "-w", str(path)).returncode == 0
    assert llmos_cli("traces", "export", first, "-o", str(js), "-w", str(path)).returncode == 0
    assert md.read_text().startswith(f"# Run {first}") and "## Tool calls" in md.read_text()
    assert json.loads(js.read_text())["goal"] == GOAL

    missing = llmos_cli("traces", "show", "run_nope", "-w", str(path))
    assert missing.returncode == 2 and "no run with id 'run_nope'" in missing.stderr
    bad_format = llmos_cli("traces", "show", first, "-w", str(path), "--format", "xml")
    assert bad_format.returncode == 2 and "unknown format 'xml'" in bad_format.stderr


def test_traces_reject_and_feedback(tmp_path: Path) -> None:
    _, data, _ = run_json(tmp_path, GOAL, "--model", "test")
    run_id = data["run_id"]
    fb = llmos_cli("feedback", run_id, "good", "-w", str(tmp_path))
    assert fb.returncode == 0 and "Recorded good feedback" in fb.stdout
    bad = llmos_cli("feedback", run_id, "meh", "-w", str(tmp_path))
    assert bad.returncode == 2 and "good' or 'bad'" in bad.stderr
    rej = llmos_cli("traces", "reject", run_id, "-w", str(tmp_path))
    assert rej.returncode == 0 and f"Rejected {run_id}" in rej.stdout
    unknown = llmos_cli("traces", "reject", "run_nope", "-w", str(tmp_path))
    assert unknown.returncode == 2 and "no run with id" in unknown.stderr
    db = Database.for_workspace(tmp_path)
    trace = TraceStore(db).require(run_id)
    db.close()
    assert trace.rejected and [e["kind"] for e in trace.events][-2:] == ["feedback", "rejected"]


def test_stats_and_budget(ws: tuple[Path, list[dict[str, Any]]]) -> None:
    path, runs = ws
    stats = llmos_cli("stats", "-w", str(path), "--json")
    assert stats.returncode == 0, stats.stderr
    data = one_json(stats.stdout)
    assert data["runs"] >= 2 and data["llm_calls"] >= 4
    assert data["budget"]["total_usd"] == 25.0 and data["budget"]["spent_usd"] > 0
    human = llmos_cli("stats", "-w", str(path))
    assert human.returncode == 0 and "learner" in human.stdout and "budget remaining" in human.stdout
    budget = one_json(llmos_cli("budget", "-w", str(path), "--json").stdout)
    assert budget["balance"]["spent_usd"] == pytest.approx(sum(r["cost_usd"] for r in runs), abs=1e-6)


def test_init(tmp_path: Path) -> None:
    target = tmp_path / "new"
    proc = llmos_cli("init", str(target))
    assert proc.returncode == 0 and "Created" in proc.stdout
    toml = (target / "llmos.toml").read_text()
    assert toml.count("#") > 10  # commented
    assert (target / "agents").is_dir() and (target / "tools" / "generated").is_dir()
    cfg = load_config(target, environ={})
    assert cfg.model.provider == "test" and cfg.budget.total_usd == 25.0
    again = llmos_cli("init", str(target))
    assert again.returncode == 2 and "already exists" in again.stderr and "--force" in again.stderr
    assert llmos_cli("init", str(target), "--force").returncode == 0
    # the new workspace runs
    code, data, _ = run_json(target, GOAL)
    assert code == 0 and data["success"]


def test_demo_runs_offline(tmp_path: Path) -> None:
    proc = llmos_cli("demo", "--workspace", str(tmp_path / "demo"), timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for part in ("1 · ", "2 · ", "3 · ", "4 · ", "5 · ", "follower", "orchestrator", "AUTO chose it", "total spent"):
        assert part in proc.stdout, part
    db = Database.for_workspace(tmp_path / "demo")
    assert TraceStore(db).count() >= 10
    db.close()


def test_help_lists_the_commands() -> None:
    proc = llmos_cli("--help")
    assert proc.returncode == 0
    for cmd in ("run", "chat", "budget", "stats", "init", "demo", "traces", "serve"):
        assert cmd in proc.stdout


def test_run_against_the_anthropic_fake_server(tmp_path: Path, llm_server: FakeLLMServer) -> None:
    llm_server.push(tool("list_dir", {"path": "."}), text("The workspace is empty.", input_tokens=900, output_tokens=7))
    env = cli_env(ANTHROPIC_BASE_URL=llm_server.url, ANTHROPIC_API_KEY="test-key")
    code, data, err = run_json(tmp_path, GOAL, "--model", "anthropic:claude-sonnet-4-5", env=env)
    assert code == 0, err
    check_contract(data)
    assert data["success"] and data["output"] == "The workspace is empty."
    assert [c["name"] for c in data["tool_calls"]] == ["list_dir"] and not data["tool_calls"][0]["is_error"]
    assert data["llm_calls"] == 2 and data["cost_usd"] > 0 and not data["unpriced"]
    assert [r.path for r in llm_server.requests] == ["/v1/messages", "/v1/messages"]
    body = llm_server.requests[0].body
    assert body["model"] == "claude-sonnet-4-5" and body["messages"][0]["role"] == "user"
    headers = llm_server.requests[0].headers
    assert headers.get("x-api-key") == "test-key" or headers.get("authorization") == "Bearer test-key"
    # the tool result went back to the API
    second = llm_server.requests[1].body["messages"]
    assert any(b.get("type") == "tool_result" for m in second for b in m["content"] if isinstance(m["content"], list))


def test_chat_keeps_the_conversation_until_reset(tmp_path: Path) -> None:
    script = "list the files\nlist the files\n/reset\nlist the files\n/quit\n"
    (tmp_path / "llmos.toml").write_text("[learning]\nenabled = false\n")  # always the model
    proc = subprocess.run(
        [sys.executable, "-m", "llmos", "chat", "-w", str(tmp_path), "--model", "test"],
        input=script,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "LLM OS chat" in proc.stdout and "history cleared" in proc.stdout
    assert proc.stdout.count("learner · success") == 3
    db = Database.for_workspace(tmp_path)
    first, second, third = sorted(TraceStore(db).list(), key=lambda t: t.started_at)
    db.close()
    # the second goal was sent with the first conversation; after /reset the history is gone
    assert second.input_tokens > first.input_tokens + 50
    assert third.input_tokens < second.input_tokens
    # end of input also ends the session cleanly
    eof = subprocess.run(
        [sys.executable, "-m", "llmos", "chat", "-w", str(tmp_path), "--model", "test"],
        input="",
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert eof.returncode == 0 and "Traceback" not in eof.stderr
