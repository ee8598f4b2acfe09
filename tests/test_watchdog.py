"""The watchdog: runs past their time limit are stopped, MCP servers that stop answering are
restarted (each event in the trace and on the bus), and runs whose process died are relabelled
`interrupted` at start-up."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from runtime_support import REPO, cli_env, quiet_config

from llmos import tool
from llmos.events import Event
from llmos.kernel._owner import current_owner
from llmos.models.testmodel import TestModel
from llmos.ops.interrupted import interrupted_reason
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore
from llmos.trace import Trace

HANG = Path(__file__).parent / "mcp_servers" / "hang_server.py"


@tool
async def wait(seconds: float) -> str:
    """Wait for some seconds."""
    await asyncio.sleep(seconds)
    return f"waited {seconds}"


def _watchdog_events(trace: Trace) -> list[dict[str, Any]]:
    return [e for e in trace.events if e["kind"] == "watchdog"]


# ---------------------------------------------------------------- run time limit


async def test_a_run_past_its_time_limit_is_stopped_and_says_so(tmp_path: Path) -> None:
    config = quiet_config(agent={"run_timeout_s": 0.5})
    model = TestModel(script=[{"tool": "wait", "args": {"seconds": 30}}, "done"])
    async with LLMOS(workspace=tmp_path, config=config, model=model, tools=[wait]) as rt:
        seen: list[Event] = []
        rt.events.subscribe(seen.append, types=["watchdog"])
        started = time.monotonic()
        result = await rt.execute("Wait for thirty seconds")
        assert time.monotonic() - started < 5
        assert not result.success and result.status == "failed"
        assert result.error is not None and "timed out after 0.5s" in result.error and "run_timeout_s" in result.error
        trace = rt.traces.require(result.run_id)
        assert [(e["action"], e["limit_s"]) for e in _watchdog_events(trace)] == [("run_timeout", 0.5)]
        assert [(e.run_id, e.to_dict()["action"]) for e in seen] == [(result.run_id, "run_timeout")]
        assert rt.watchdog.active == {}  # the run left the registry of runs in flight
        # without a limit the same kind of run finishes
        rt.config.agent.run_timeout_s = None
        model.script = [{"tool": "wait", "args": {"seconds": 0.1}}, "done"]  # type: ignore[attr-defined]
        ok = await rt.execute("Wait a moment")
        assert ok.status == "success", ok.error


# ---------------------------------------------------------------- MCP servers that stop answering


async def test_an_mcp_server_that_stops_answering_is_restarted_and_the_run_is_told(tmp_path: Path) -> None:
    config = quiet_config(
        mcp={
            "ping_interval_s": 0.3,
            "ping_timeout_s": 1.0,
            "servers": {"hang": {"command": sys.executable, "args": [str(HANG)]}},
        }
    )
    model = TestModel(script=[{"tool": "hang__freeze", "args": {"seconds": 120}}, "done"])
    async with LLMOS(workspace=tmp_path, config=config, model=model) as rt:
        seen: list[Event] = []
        rt.events.subscribe(seen.append, types=["watchdog"])
        before = await rt._mcp.call("hang", "pid", {})
        assert await rt.watchdog.check_mcp(rt._mcp) == []  # a healthy server is left alone
        started = time.monotonic()
        result = await rt.execute("Freeze the hang server")
        assert time.monotonic() - started < 60  # not the 120 s the call asked for
        trace = rt.traces.require(result.run_id)
        call = trace.tool_calls[0]
        assert call.name == "hang__freeze" and call.is_error and "'hang'" in call.result
        events = _watchdog_events(trace)  # the run was in flight when the watchdog stepped in
        assert (events[0]["action"], events[0]["server"]) == ("mcp_restart", "hang")
        assert "no answer to a ping within 1s" in events[0]["reason"]
        deadline = time.monotonic() + 60  # the new process starts in the background (slow on a busy machine)
        while len(seen) < 2 and time.monotonic() < deadline:  # noqa: ASYNC110 - a bus subscriber fills it
            await asyncio.sleep(0.1)
        assert [e.to_dict()["action"] for e in seen] == ["mcp_restart", "mcp_restarted"]
        status = rt.health()["mcp_servers"]["hang"]
        assert status["running"] and status["restarts"] == 1
        after = await rt._mcp.call("hang", "pid", {})  # the new process answers
        assert not after.is_error and after.content != before.content
        echo = await rt._mcp.call("hang", "echo", {"text": "still here"})
        assert echo.content == "still here"


# ---------------------------------------------------------------- runs of a dead process

_KILLED_RUN = """
import asyncio, sys
from llmos import LLMOS, tool
from llmos.config import ConfigBuilder
from llmos.models.testmodel import TestModel

@tool
async def wait(seconds: float) -> str:
    '''Wait for some seconds.'''
    await asyncio.sleep(seconds)
    return "waited"

async def main():
    config = ConfigBuilder("testing").set("learning", enabled=False).set("sentience", enabled=False).build()
    model = TestModel(script=[{"tool": "wait", "args": {"seconds": 600}}, "done"])
    async with LLMOS(workspace=sys.argv[1], config=config, model=model, tools=[wait]) as rt:
        await rt.execute("Wait for ten minutes")

asyncio.run(main())
"""


def _running(ws: Path) -> list[Trace]:
    db = Database.for_workspace(ws)
    try:
        return TraceStore(db).list(status="running")
    finally:
        db.close()


async def test_a_run_whose_process_was_killed_is_relabelled_interrupted_at_start(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, str(ws)], env=cli_env(), cwd=REPO)  # noqa: ASYNC220
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _running(ws) and proc.poll() is None:  # noqa: ASYNC110 - polls the db
            await asyncio.sleep(0.1)
        running = _running(ws)
        assert running, "the run never checkpointed"
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # kill -9, mid-run
        proc.wait(10)
    killed_at = time.time()
    dead = running[0]
    assert dead.metadata["owner"].split(":")[1] == str(proc.pid)

    async with LLMOS(workspace=ws, config=quiet_config(), model=TestModel(script=["done"])) as rt:
        assert rt.interrupted == [dead.id]
        trace = rt.traces.require(dead.id)
        assert trace.status == "interrupted" and not trace.success
        assert trace.error is not None and str(proc.pid) in trace.error
        assert trace.ended_at is not None and trace.started_at <= trace.ended_at <= killed_at
        assert [e["kind"] for e in trace.events][-1] == "interrupted"
    async with LLMOS(workspace=ws, config=quiet_config(), model=TestModel(script=["done"])) as rt:
        assert rt.interrupted == []  # once


def test_only_provably_dead_runs_are_interrupted(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import sys, llmos.kernel._owner as o; print(o.current_owner())"],
                            stdout=subprocess.PIPE, text=True, env=cli_env(), cwd=REPO)  # fmt: skip
    dead_owner = proc.communicate(timeout=30)[0].strip()

    def running(owner: str | None) -> Trace:
        trace = Trace(goal="g")
        if owner is not None:
            trace.metadata["owner"] = owner
        return trace

    assert interrupted_reason(running(dead_owner)) is not None
    assert interrupted_reason(running(current_owner())) is None  # alive: this process
    assert interrupted_reason(running(None)) is None  # an older trace without an owner
    other_host = dead_owner.replace(socket.gethostname(), "another-host", 1)
    assert interrupted_reason(running(other_host)) is None  # nothing proves it dead
    assert interrupted_reason(running(dead_owner), resumable=lambda t: True) is None  # durable recovery resumes it
    finished = running(dead_owner)
    finished.finish("success", "ok")
    assert interrupted_reason(finished) is None
