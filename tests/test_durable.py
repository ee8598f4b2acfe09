"""Durable runs on DBOS: a killed run resumes without repeating a model call or a write; queues."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fakes.llm_server import FakeLLMServer, llm_server, text, tool

from llmos import LLMOS
from llmos import tool as make_tool
from llmos.events import Event
from llmos.exceptions import ConfigError, UserError
from llmos.models.base import ModelRequest, ToolResult
from llmos.models.testmodel import TestModel

pytest.importorskip("dbos")

__all__ = ["llm_server"]

DRIVER = Path(__file__).parent / "durable_driver.py"
DURABLE = {"durable": {"enabled": True}}


def _workspace(tmp_path: Path, model_url: str, db_url: str = "") -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    lines = [
        "[model]",
        'provider = "anthropic"',
        'name = "claude-sonnet-4-5"',
        f'base_url = "{model_url}"',
        "max_retries = 0",
        "[durable]",
        "enabled = true",
        *([f'database_url = "{db_url}"'] if db_url else []),
    ]
    (ws / "llmos.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ws


def _driver(*args: str) -> list[str]:
    return [sys.executable, str(DRIVER), *args]


def _env(slow_s: float) -> dict[str, str]:
    src = str(Path(__file__).resolve().parent.parent)
    return {
        **os.environ,
        "ANTHROPIC_API_KEY": "k",
        "DRIVER_SLOW_S": str(slow_s),
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }


def _wait_for(path: Path, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text(encoding="utf-8").endswith("\n")):  # a whole line, not only the file
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the driver ended early ({proc.returncode}): {out.decode()} {err.decode()[-3000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the driver never reached the slow tool")
        time.sleep(0.05)


def _kill_mid_run_then_resume(tmp_path: Path, server: FakeLLMServer, db_url: str = "") -> None:
    ws = _workspace(tmp_path, server.url, db_url)
    server.push(
        tool("append_line", {"text": "one"}),
        tool("slow_append", {"text": "two"}),
        text("Both lines are written."),
    )
    proc = subprocess.Popen(
        _driver("run", str(ws), "Write one, then two slowly"),
        env=_env(600),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _wait_for(ws / "slow_started", proc)
    os.kill(proc.pid, signal.SIGKILL)  # mid-run: two model calls and one write done, the slow tool waiting
    proc.communicate()
    assert len(server.requests) == 2
    assert (ws / "out.txt").read_text() == "one\n"
    run_id = (ws / "slow_started").read_text().split()[0]

    done = subprocess.run(
        _driver("resume", str(ws), run_id), env=_env(0), capture_output=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])

    # the same run (same id) completed
    assert result["run_id"] == run_id
    assert result["status"] == "success", result
    assert result["output"] == "Both lines are written."
    assert result["model_calls"] == 3
    assert result["tool_calls"] == ["append_line", "slow_append"]
    # no model call repeated: after the restart only the final answer was asked for, with the whole conversation
    assert len(server.requests) == 3
    last = server.requests[2].body["messages"]
    assert [m["role"] for m in last] == ["user", "assistant", "user", "assistant", "user"]
    # no write repeated: the finished write is not redone; the tool killed before writing ran again, once
    assert (ws / "out.txt").read_text() == "one\ntwo\n"
    assert (ws / "slow_started").read_text().split() == [run_id, run_id]
    # the ledger charged each model call once (nothing left reserved, nothing abandoned)
    with sqlite3.connect(ws / ".llmos" / "llmos.db") as db:
        rows = db.execute("SELECT status, abandoned FROM ledger WHERE run_id = ?", (run_id,)).fetchall()
    assert sorted(rows) == [("charged", 0)] * 3


@pytest.mark.slow
def test_a_run_killed_mid_run_resumes_without_repeating_calls_on_sqlite(
    tmp_path: Path, llm_server: FakeLLMServer
) -> None:
    _kill_mid_run_then_resume(tmp_path, llm_server)
    assert (tmp_path / "ws" / ".llmos" / "dbos.sqlite").exists()  # the embedded default: a file, nothing to start


@pytest.mark.slow
def test_a_run_killed_mid_run_resumes_without_repeating_calls_on_postgres(
    tmp_path: Path, llm_server: FakeLLMServer, pg_url: str
) -> None:
    _kill_mid_run_then_resume(tmp_path, llm_server, pg_url)
    assert not (tmp_path / "ws" / ".llmos" / "dbos.sqlite").exists()


def _steps(ws: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(ws / ".llmos" / "dbos.sqlite") as db:
        query = "SELECT workflow_uuid, function_id, function_name FROM operation_outputs"
        return db.execute(query + " ORDER BY workflow_uuid, function_id").fetchall()


async def test_a_durable_run_records_each_model_and_tool_call_as_a_step(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path / "ws", model="test", overrides=DURABLE) as rt:
        assert rt.durable is not None
        result = await rt.execute("Create a file hello.txt with the text 'hi'")
    assert result.success
    assert (tmp_path / "ws" / "hello.txt").read_text() == "hi"
    assert _steps(tmp_path / "ws") == [
        (result.run_id, 1, "model:test:test"),
        (result.run_id, 2, "tool:write_file"),
        (result.run_id, 3, "model:test:test"),
    ]


async def test_runs_are_not_durable_unless_asked_outside_serve(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path / "ws", model="test") as rt:
        assert rt.durable is None  # "auto": only `llmos serve` turns it on
        assert (await rt.execute("Say hello")).success
    assert not (tmp_path / "ws" / ".llmos" / "dbos.sqlite").exists()


async def test_several_runtimes_in_one_process_share_dbos_or_fail_clearly(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path / "a", model="test", overrides=DURABLE) as a:
        async with LLMOS(workspace=tmp_path / "a", model="test", overrides=DURABLE) as a2:  # same database: shared
            assert (await a2.execute("Say hello")).success
        other = LLMOS(workspace=tmp_path / "b", model="test", overrides=DURABLE)
        with pytest.raises(ConfigError, match="one process serves one DBOS system database"):
            await other.start()
        assert (await a.execute("Say hello")).success
    async with LLMOS(workspace=tmp_path / "b", model="test", overrides=DURABLE) as b:  # the first closed: fine
        assert (await b.execute("Say hello")).success


@pytest.mark.parametrize(
    ("limits", "expected_peak"),
    [({"max_runs": 2}, 2), ({}, 5), ({"per_model": 1}, 1), ({"max_runs": 3, "per_model": 2}, 2)],
)
async def test_a_queue_limit_of_two_keeps_at_most_two_runs_in_flight(
    tmp_path: Path, limits: dict[str, int], expected_peak: int
) -> None:
    napping = 0
    all_in = asyncio.Event()

    @make_tool
    async def nap() -> str:
        """Wait a moment."""
        nonlocal napping
        napping += 1
        if napping >= expected_peak:
            all_in.set()
        # the runs the limit lets in meet here (a slow start under load no longer hides the overlap), then
        # nap on: a run the limit should have held back would start meanwhile and be counted
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in.wait(), timeout=30)
        await asyncio.sleep(0.3)
        napping -= 1
        return "rested"

    def responder(request: ModelRequest) -> Any:
        results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        return "done" if results else {"tool": "nap", "args": {}}

    in_flight, peak = 0, 0

    def count(event: Event) -> None:
        nonlocal in_flight, peak
        in_flight += 1 if event.type == "run_started" else -1
        peak = max(peak, in_flight)

    overrides = {"durable": {"enabled": True, **limits}}
    async with LLMOS(workspace=tmp_path / "ws", model=TestModel(responder), tools=[nap], overrides=overrides) as rt:
        rt.events.subscribe(count, types=["run_started", "run_finished"])
        results = await asyncio.gather(*(rt.execute(f"Rest, then say done ({i})", mode="learner") for i in range(5)))
    assert [r.success for r in results] == [True] * 5
    assert peak == expected_peak  # without a limit all five run at once: the count sees it


async def test_a_submitted_goal_runs_once_even_when_submitted_twice(tmp_path: Path) -> None:
    from llmos.execution.durable import _workflow, submit

    async with LLMOS(workspace=tmp_path / "ws", model="test") as plain:
        with pytest.raises(UserError, match="durable runs are off"):
            await submit(plain, "Say hello")
    async with LLMOS(workspace=tmp_path / "ws", model="test", overrides=DURABLE) as rt:
        first = await submit(rt, "Say hello", run_id="run_sched_0001")
        again = await submit(rt, "Say hello", run_id="run_sched_0001")  # a second server firing the same
        assert first == again == "run_sched_0001"
        await _workflow.wait(first)
        assert rt.traces.require(first).status == "success"
        assert [t.id for t in rt.traces.list()] == [first]


async def test_a_durable_run_with_a_bad_agent_raises_like_any_run(tmp_path: Path) -> None:
    from llmos.exceptions import AgentError

    async with LLMOS(workspace=tmp_path / "ws", model="test", overrides=DURABLE) as rt:
        with pytest.raises(AgentError):
            await rt.execute("Say hello", agent="nobody")


@pytest.mark.slow
def test_llmos_serve_runs_goals_durably_when_dbos_is_installed(tmp_path: Path) -> None:
    import httpx
    from server_support import cli_server

    ws = tmp_path / "ws"
    ws.mkdir()
    with cli_server(ws) as server:
        assert server.url, server.log[-3000:]
        with httpx.Client(base_url=server.url, timeout=60) as c:
            body = c.post("/v1/execute", json={"goal": "Create a file hello.txt with the text 'hi'"}).json()
    assert body["success"], body
    names = [name for run_id, _, name in _steps(ws) if run_id == body["run_id"]]
    assert names == ["model:test:test", "tool:write_file", "model:test:test"]


async def test_a_cancelled_durable_run_is_traced_cancelled_and_never_resumed(tmp_path: Path) -> None:
    started = asyncio.Event()

    @make_tool
    async def wait_long() -> str:
        """Wait a long time."""
        started.set()
        await asyncio.sleep(60)
        return "waited"

    model = TestModel([{"tool": "wait_long", "args": {}}, "done"])
    async with LLMOS(workspace=tmp_path / "ws", model=model, tools=[wait_long], overrides=DURABLE) as rt:
        task = asyncio.ensure_future(rt.execute("Wait, then say done", mode="learner"))
        await asyncio.wait_for(started.wait(), 60)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        [trace] = rt.traces.list()
        assert trace.status == "cancelled"
    with sqlite3.connect(tmp_path / "ws" / ".llmos" / "dbos.sqlite") as db:
        [(status,)] = db.execute("SELECT status FROM workflow_status WHERE workflow_uuid = ?", (trace.id,)).fetchall()
    assert status == "CANCELLED"  # the next start does not resume it
