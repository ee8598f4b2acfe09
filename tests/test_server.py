"""The HTTP server, against a real uvicorn on loopback (a background thread, or `python -m llmos
serve` in a subprocess) over the real runtime with the shipped test model."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from llmos.exceptions import ModelResponseError
from llmos.models.base import ModelRequest, ModelResponse, StreamEvent, ToolResult
from llmos.models.testmodel import TestModel
from llmos.result import RunResult
from llmos.runtime import LLMOS
from llmos.server import sse
from llmos.server.runner import Server, serve_runtime
from llmos.tools.base import tool

ROOT = Path(__file__).resolve().parents[1]
ECHO_SERVER = ROOT / "tests" / "mcp_servers" / "echo_server.py"


class SteeredModel:
    """The shipped TestModel, except for goals the tests steer:
    `nap <tool> <seconds>` calls that sleeping tool once, then answers; `confuse` fails the model."""

    provider = "test"
    name = "test"

    def __init__(self) -> None:
        self.inner = TestModel()

    async def request(self, request: ModelRequest) -> ModelResponse:
        goal = request.messages[0].text
        called = any(isinstance(b, ToolResult) for m in request.messages for b in m.content)
        if goal.startswith("confuse"):
            raise ModelResponseError("the test model cannot make sense of this goal")
        if goal.startswith("nap"):
            _, tool_name, seconds = goal.split()
            reply: Any = "rested" if called else {"tool": tool_name, "args": {"seconds": float(seconds)}}
            return await TestModel([reply]).request(request)
        return await self.inner.request(request)

    def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        return self.inner.stream(request)


@tool
async def nap(seconds: float) -> str:
    """Sleep for some seconds.

    Args:
        seconds: how long
    """
    await asyncio.sleep(seconds)
    return f"slept {seconds}"


class CrashyLLMOS(LLMOS):
    """The real runtime, with one goal that raises an unexpected error out of execute."""

    async def execute(self, goal: str, **kwargs: Any) -> RunResult:
        if goal == "crash":
            raise RuntimeError("kaboom")
        return await super().execute(goal, **kwargs)


def make_runtime(workspace: Path, *, mcp: bool = False) -> LLMOS:
    if mcp:
        workspace.mkdir(parents=True, exist_ok=True)
        command, args = json.dumps(sys.executable), json.dumps([str(ECHO_SERVER)])
        (workspace / "llmos.toml").write_text(f"[mcp.servers.echo]\ncommand = {command}\nargs = {args}\n")
    return CrashyLLMOS(workspace=workspace, model=SteeredModel(), tools=[nap], preset="testing")


class LiveServer:
    """A real uvicorn server on 127.0.0.1:<free port>, in a background thread with its own loop."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.server: Server | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)

    def _main(self) -> None:
        def ready(server: Server) -> None:
            self.server = server
            self._ready.set()

        try:
            asyncio.run(
                serve_runtime(self.runtime, "127.0.0.1", 0, on_ready=ready, configure_logging=False, access_log=False)
            )
        except BaseException as e:
            self._error = e
            self._ready.set()

    def __enter__(self) -> LiveServer:
        self._thread.start()
        assert self._ready.wait(15), "the server did not start"
        if self._error is not None:
            raise self._error
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.should_exit = True
        self._thread.join(15)
        assert not self._thread.is_alive(), "the server did not stop"


@pytest.fixture
def runtime(tmp_path: Path) -> LLMOS:
    return make_runtime(tmp_path / "ws")


@pytest.fixture
def live(runtime: LLMOS) -> Iterator[LiveServer]:
    with LiveServer(runtime) as server:
        yield server


@pytest.fixture
async def client(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=20) as c:
        yield c


CONTRACT: dict[str, type | tuple[type, ...]] = {
    "run_id": str,
    "mode": str,
    "success": bool,
    "output": str,
    "llm_calls": int,
    "input_tokens": int,
    "output_tokens": int,
    "cost_usd": (int, float),
    "duration_s": (int, float),
    "tool_calls": list,
}


def check_contract(d: dict[str, Any]) -> None:
    for key, typ in CONTRACT.items():
        assert isinstance(d[key], typ), (key, d[key])
    assert "error" in d and (d["error"] is None or isinstance(d["error"], str))
    for call in d["tool_calls"]:
        assert set(call) == {"name", "arguments", "result", "is_error"}
        assert isinstance(call["arguments"], dict) and isinstance(call["is_error"], bool)


async def test_healthz(client: httpx.AsyncClient, runtime: LLMOS) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True
    assert body["workspace"] == str(runtime.workspace)
    assert body["model"] == "test:test"
    assert body["mcp_servers"] == {}


async def test_execute_contract(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/execute", json={"goal": "list the files here", "mode": "learner"})
    assert r.status_code == 200, r.text
    d = r.json()
    check_contract(d)
    assert d["success"] is True and d["error"] is None and d["mode"] == "learner"
    assert d["llm_calls"] >= 1 and d["input_tokens"] > 0 and d["cost_usd"] > 0
    assert d["tool_calls"][0]["name"] == "list_dir"
    assert "mode_reason" not in d  # like `llmos run --json` without --explain
    r = await client.post("/v1/execute", json={"goal": "list the files here", "explain": True})
    assert "mode_reason" in r.json()


async def test_stream_events_in_order(client: httpx.AsyncClient) -> None:
    async with client.stream("POST", "/v1/execute/stream", json={"goal": "list the files here"}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse.parse([line async for line in r.aiter_lines()])
    kinds = [e.event for e in events]
    assert kinds[0] == "mode" and kinds[-1] == "final" and kinds.count("final") == 1
    assert kinds.index("tool_call") < kinds.index("tool_result") < kinds.index("model_text") < len(kinds) - 1
    final = events[-1].data
    assert final["type"] == "final"
    check_contract(final["result"])
    assert final["result"]["success"] is True
    assert all(e.data["type"] == e.event and e.data["run_id"] == final["run_id"] for e in events)
    stored = (await client.get(f"/v1/traces/{final['run_id']}")).json()
    assert stored["status"] == "success" and stored["output"] == final["result"]["output"]


async def test_traces_list_get_and_404(client: httpx.AsyncClient) -> None:
    ids = []
    for goal in ("list the files here", "confuse me", "list the files here please"):
        r = await client.post("/v1/execute", json={"goal": goal, "mode": "learner"})
        ids.append(r.json()["run_id"])
    r = await client.get("/v1/traces", params={"limit": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2 and body["limit"] == 2 and body["offset"] == 0
    assert [t["id"] for t in body["traces"]] == ids[::-1][:2]
    r = await client.get("/v1/traces", params={"limit": 2, "offset": 2})
    assert [t["id"] for t in r.json()["traces"]] == ids[:1]
    failed = (await client.get("/v1/traces", params={"status": "failed"})).json()["traces"]
    assert [t["id"] for t in failed] == [ids[1]] and failed[0]["error"]
    assert (await client.get("/v1/traces", params={"mode": "follower"})).json()["traces"] == []
    r = await client.get(f"/v1/traces/{ids[0]}")
    assert r.status_code == 200
    trace = r.json()
    assert trace["id"] == ids[0] and trace["goal"] == "list the files here" and trace["tool_calls"]
    r = await client.get("/v1/traces/run_doesnotexist")
    assert r.status_code == 404 and "run_doesnotexist" in r.json()["error"]
    r = await client.get("/v1/traces", params={"status": "weird"})
    assert r.status_code == 422 and "status" in r.json()["error"]


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({}, "goal"),
    ({"goal": ""}, "goal"),
    ({"goal": "   "}, "goal"),
    ({"goal": 42}, "goal"),
    ({"goal": "x", "mode": "turbo"}, "mode"),
    ({"goal": "x", "agent": ""}, "agent"),
    ({"goal": "x", "colour": "red"}, "colour"),
]


async def test_bad_bodies_are_422_naming_the_field(client: httpx.AsyncClient) -> None:
    for body, field in BAD_BODIES:
        for path in ("/v1/execute", "/v1/execute/stream"):
            r = await client.post(path, json=body)
            assert r.status_code == 422, (path, body, r.text)
            d = r.json()
            assert field in d["error"] and isinstance(d["detail"], list) and d["detail"], d
            assert "input" not in d["detail"][0]
    assert (await client.get("/v1/traces")).json()["count"] == 0  # nothing ran


async def test_user_errors_are_4xx(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/execute", json={"goal": "x", "agent": "nobody"})
    assert r.status_code == 404 and "nobody" in r.json()["error"]
    r = await client.post("/v1/execute", json={"goal": "list the files here", "mode": "follower"})
    assert r.status_code == 422 and "FOLLOWER" in r.json()["error"]
    r = await client.post("/v1/execute/stream", json={"goal": "x", "agent": "nobody"})
    assert r.status_code == 404 and "nobody" in r.json()["error"]
    r = await client.post("/v1/execute", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["error"]


async def test_failures_do_not_stop_the_server(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/execute", json={"goal": "confuse me"})
    assert r.status_code == 200  # a failed run is an outcome, not an HTTP error
    d = r.json()
    check_contract(d)
    assert d["success"] is False and "cannot make sense" in d["error"]
    r = await client.post("/v1/execute", json={"goal": "crash"})
    assert r.status_code == 500 and "kaboom" in r.json()["error"]
    async with client.stream("POST", "/v1/execute/stream", json={"goal": "confuse me"}) as r:
        events = sse.parse([line async for line in r.aiter_lines()])
    assert events[-1].event == "final" and events[-1].data["result"]["success"] is False
    r = await client.post("/v1/execute", json={"goal": "list the files here"})
    assert r.status_code == 200 and r.json()["success"] is True
    assert (await client.get("/healthz")).json()["ok"] is True


async def test_openapi_and_unknown_route(client: httpx.AsyncClient) -> None:
    r = await client.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in (
        "/healthz",
        "/v1/execute",
        "/v1/execute/stream",
        "/v1/traces",
        "/v1/traces/{run_id}",
        "/v1/stats",
        "/v1/agents",
        "/v1/state",
        "/v1/feedback",
    ):
        assert p in paths, p
    assert (await client.get("/docs")).status_code == 200
    r = await client.get("/v1/nothing")
    assert r.status_code == 404 and r.json() == {"error": "Not Found"}


async def test_stats_agents_state_feedback(client: httpx.AsyncClient) -> None:
    run_id = (await client.post("/v1/execute", json={"goal": "list the files here"})).json()["run_id"]
    stats = (await client.get("/v1/stats")).json()
    assert stats["runs"] == 1 and stats["budget"]["spent_usd"] > 0
    agents = (await client.get("/v1/agents")).json()["agents"]
    assert "default" in [a["name"] for a in agents]
    assert all("system_prompt" not in a for a in agents)
    state = (await client.get("/v1/state")).json()
    assert state["enabled"] is True and "valence" in state
    r = await client.post("/v1/feedback", json={"run_id": run_id, "rating": "bad"})
    assert r.status_code == 200 and r.json() == {"ok": True, "run_id": run_id, "rating": "bad"}
    events = (await client.get(f"/v1/traces/{run_id}")).json()["events"]
    assert any(e["kind"] == "feedback" and e["good"] is False for e in events)
    r = await client.post("/v1/feedback", json={"run_id": "run_nope", "rating": "good"})
    assert r.status_code == 404 and "run_nope" in r.json()["error"]
    r = await client.post("/v1/feedback", json={"run_id": run_id, "rating": "meh"})
    assert r.status_code == 422 and "rating" in r.json()["error"]
    r = await client.get("/v1/traces", params={"limit": 0})
    assert r.status_code == 422 and "limit" in r.json()["error"]


async def test_state_404_when_sentience_disabled(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "llmos.toml").write_text("[sentience]\nenabled = false\n")
    with LiveServer(make_runtime(ws)) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=20) as c:
            r = await c.get("/v1/state")
    assert r.status_code == 404 and "sentience disabled" in r.json()["error"]


async def test_concurrent_runs_share_one_mcp_server(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path / "ws", mcp=True)
    with LiveServer(rt) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=20) as c:
            health = (await c.get("/healthz")).json()
            pid = health["mcp_servers"]["echo"]["pid"]
            assert health["mcp_servers"]["echo"]["running"] is True
            t0 = time.monotonic()
            body = {"goal": "nap echo__slow 1.0", "mode": "learner"}
            rs = await asyncio.gather(*(c.post("/v1/execute", json=body) for _ in range(5)))
            elapsed = time.monotonic() - t0
            assert (await c.get("/healthz")).json()["mcp_servers"]["echo"]["pid"] == pid
    for r in rs:
        d = r.json()
        assert d["success"] is True, d
        assert d["tool_calls"][0]["name"] == "echo__slow" and d["tool_calls"][0]["result"] == "slept 1.0"
    assert elapsed < 3.0, f"5 one-second runs took {elapsed:.2f}s: they did not run concurrently"
    assert not _alive(pid), "closing the runtime should end the MCP server"


async def test_disconnecting_a_stream_cancels_its_run(client: httpx.AsyncClient) -> None:
    async with client.stream("POST", "/v1/execute/stream", json={"goal": "nap nap 30", "mode": "learner"}) as r:
        lines = r.aiter_lines()
        run_id = None
        async for line in lines:
            if line.startswith("data:"):
                event = json.loads(line[5:])
                run_id = event["run_id"]
                if event["type"] == "tool_call":
                    break
    assert run_id is not None
    for _ in range(100):
        trace = (await client.get(f"/v1/traces/{run_id}")).json()
        if trace.get("status") == "cancelled":
            break
        await asyncio.sleep(0.05)
    assert trace["status"] == "cancelled"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cli_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    make_runtime(ws, mcp=True)  # writes llmos.toml with the echo MCP server
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "llmos", "serve", "--workspace", str(ws), "--port", "0", "--model", "test"]
    stderr: list[str] = []
    found = threading.Event()
    url: list[str] = []
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:

        def read() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                stderr.append(line)
                match = re.search(r"LLM OS serving .* at (http://127\.0\.0\.1:\d+)", line)
                if match and not url:
                    url.append(match.group(1))
                    found.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            assert found.wait(20), "".join(stderr)
            with httpx.Client(base_url=url[0], timeout=10) as c:
                health = c.get("/healthz").json()
                assert health["ok"] is True and health["mcp_servers"]["echo"]["running"]
                pid = health["mcp_servers"]["echo"]["pid"]
                r = c.post("/v1/execute", json={"goal": "list the files here"})
                assert r.status_code == 200 and r.json()["success"] is True
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(20) == 0, "".join(stderr)
        finally:
            if proc.poll() is None:
                proc.kill()
        reader.join(5)
        assert proc.stdout is not None
        out = proc.stdout.read()
    assert proc.returncode == 0, "".join(stderr)
    assert out == ""  # logs go to stderr only
    assert any("POST /v1/execute" in line for line in stderr)
    assert not _alive(pid)


def test_schema_literals_match_the_runtime() -> None:
    from typing import get_args

    from llmos.result import MODES
    from llmos.server import schemas
    from llmos.trace import Status

    assert set(get_args(schemas.Mode)) == set(MODES)
    assert set(get_args(schemas.TraceStatus)) == set(get_args(Status))
