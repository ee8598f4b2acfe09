"""Hardening of the HTTP server (issue 11): no freeze, bounded sizes, admission control, a token off
loopback, approvals of `ask` decisions through the API. Real servers on loopback only."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime_support import cli_env
from server_support import cli_server
from test_server import LiveServer, SteeredModel, nap

from llmos.exceptions import UserError
from llmos.limits import MAX_GOAL_CHARS
from llmos.runtime import LLMOS
from llmos.server.admission import Admission, Ticket
from llmos.server.guards import MAX_BODY_BYTES, check_exposure, is_loopback, resolve_token
from llmos.storage.db import Database

TOKEN = "t0k3n-for-tests-0123456789"


def runtime(workspace: Path, **server: Any) -> LLMOS:
    """The real runtime with the steered test model and the `nap` tool; `server` sets [server] keys.
    Every call of `nap` needs a person's approval (an `ask` policy verdict)."""
    overrides = {"server": server, "security": {"ask_patterns": ["^nap "]}}
    return LLMOS(workspace=workspace, model=SteeredModel(), tools=[nap], preset="testing", overrides=overrides)


async def _client(live: LiveServer, **kw: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=live.url, timeout=20, **kw)


# ---------------------------------------------------------------- freeze 1: the database lock


def test_ensure_schema_from_a_fresh_thread_does_not_deadlock(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.db")
    done = threading.Event()

    def work() -> None:
        db.ensure_schema("t1", "CREATE TABLE IF NOT EXISTS t1 (a INTEGER);")
        db.ensure_schema("t2", "CREATE TABLE IF NOT EXISTS t2 (a INTEGER);")
        done.set()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(10)
    assert done.is_set(), "ensure_schema deadlocked in a thread without a connection"
    db.close()


def test_first_request_state_on_a_fresh_serve_does_not_freeze(tmp_path: Path) -> None:
    with cli_server(tmp_path / "ws") as server:
        assert server.url, server.log
        with httpx.Client(base_url=server.url, timeout=10) as c:
            state = c.get("/v1/state")
            assert state.status_code == 200, state.text
            assert "valence" in state.json() or state.json()
            started = time.monotonic()
            assert c.get("/healthz").status_code == 200
            assert time.monotonic() - started < 5
            assert c.get("/v1/stats").status_code == 200


# ---------------------------------------------------------------- size limits


async def test_goal_over_the_limit_is_413_and_nothing_is_stored(tmp_path: Path) -> None:
    with LiveServer(runtime(tmp_path / "ws")) as live:
        async with await _client(live) as c:
            r = await c.post("/v1/execute", json={"goal": "x" * (MAX_GOAL_CHARS + 1)})
            assert r.status_code == 413
            assert f"{MAX_GOAL_CHARS:,}" in r.json()["error"]
            r = await c.post("/v1/execute/stream", json={"goal": "y" * (MAX_GOAL_CHARS + 1)})
            assert r.status_code == 413
            big = b'{"goal": "' + b"z" * MAX_BODY_BYTES + b'"}'
            r = await c.post("/v1/execute", content=big, headers={"content-type": "application/json"})
            assert r.status_code == 413 and "too large" in r.json()["error"]
            assert (await c.get("/v1/traces")).json()["count"] == 0
            ok = await c.post("/v1/execute", json={"goal": "say hi " * 100})
            assert ok.status_code == 200 and ok.json()["success"] is True


# ---------------------------------------------------------------- admission control


async def test_admission_unit() -> None:
    adm = Admission(max_in_flight=1, queue=1, queue_timeout_s=0.2)
    first = await adm.acquire()
    assert isinstance(first, Ticket)
    waiter = asyncio.ensure_future(adm.acquire())
    await asyncio.sleep(0.01)
    refused = await adm.acquire()  # one running, one waiting: full
    assert not isinstance(refused, Ticket) and refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    timed_out = await waiter  # the slot never frees within 0.2 s
    assert not isinstance(timed_out, Ticket) and timed_out.status_code == 503
    assert "queue_timeout_s" in json.loads(bytes(timed_out.body))["error"]
    first.release()
    first.release()  # idempotent
    again = await adm.acquire()
    assert isinstance(again, Ticket)
    again.release()
    assert adm.snapshot()["running"] == 0 and adm.snapshot()["refused"] == 1


async def test_a_queue_too_slow_to_drain_in_time_refuses_at_once() -> None:
    adm = Admission(max_in_flight=1, queue=100, queue_timeout_s=5)
    for _ in range(10):  # runs have been taking 3 s each
        t = await adm.acquire()
        assert isinstance(t, Ticket)
        t.started -= 3.0
        t.release()
    held = await adm.acquire()
    assert isinstance(held, Ticket)
    waiter = asyncio.ensure_future(adm.acquire())  # ~3 s away: queued
    await asyncio.sleep(0.01)
    assert adm.waiting == 1
    started = time.monotonic()
    refused = await adm.acquire()  # ~6 s away, over the 5 s queue timeout: refused now
    assert not isinstance(refused, Ticket) and refused.status_code == 429
    assert time.monotonic() - started < 1 and int(refused.headers["Retry-After"]) >= 5
    held.release()
    got = await waiter
    assert isinstance(got, Ticket)
    got.release()


async def test_beyond_capacity_is_a_fast_429_never_a_timeout(tmp_path: Path) -> None:
    rt = runtime(tmp_path / "ws", max_in_flight=2, queue=2, approval_timeout_s=0)
    rt.config.security.ask_patterns = []  # naps run without asking here
    with LiveServer(rt) as live:
        async with await _client(live) as c:

            async def one() -> tuple[int, float, httpx.Response]:
                started = time.monotonic()
                r = await c.post("/v1/execute", json={"goal": "nap nap 1.5"})
                return r.status_code, time.monotonic() - started, r

            results = await asyncio.gather(*(one() for _ in range(8)))
            ok = [r for r in results if r[0] == 200]
            busy = [r for r in results if r[0] == 429]
            assert len(ok) == 4 and len(busy) == 4, [r[0] for r in results]
            assert all(r[2].json()["success"] for r in ok)
            for _, took, r in busy:
                assert took < 1.4, "a refusal must not wait for a run"
                assert int(r.headers["Retry-After"]) >= 1 and "max_in_flight" in r.json()["error"]
            health = (await c.get("/healthz")).json()
            assert health["load"]["running"] == 0 and health["load"]["refused"] == 4


async def test_a_queued_run_that_waits_too_long_gets_503(tmp_path: Path) -> None:
    rt = runtime(tmp_path / "ws", max_in_flight=1, queue=4, queue_timeout_s=0.3)
    rt.config.security.ask_patterns = []
    with LiveServer(rt) as live:
        async with await _client(live) as c:
            slow = asyncio.ensure_future(c.post("/v1/execute", json={"goal": "nap nap 1.5"}))
            await asyncio.sleep(0.3)
            r = await c.post("/v1/execute", json={"goal": "say hi"})
            assert r.status_code == 503 and "Retry-After" in r.headers
            assert (await slow).status_code == 200


# ---------------------------------------------------------------- the token


def test_exposure_rules() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("") and not is_loopback("example.org")
    check_exposure("127.0.0.1", None)
    check_exposure("0.0.0.0", TOKEN)
    with pytest.raises(UserError, match="LLMOS_API_TOKEN"):
        check_exposure("0.0.0.0", None)


def test_token_sources_and_length(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from llmos.config import load_config

    monkeypatch.delenv("LLMOS_API_TOKEN", raising=False)
    cfg = load_config(tmp_path, overrides={"server": {"token": TOKEN}})
    assert resolve_token(cfg) == TOKEN
    monkeypatch.setenv("LLMOS_API_TOKEN", "e" * 20)
    assert resolve_token(cfg) == "e" * 20
    monkeypatch.setenv("LLMOS_API_TOKEN", "short")
    with pytest.raises(UserError, match="too short"):
        resolve_token(cfg)


def test_serve_off_loopback_without_a_token_refuses_to_start(tmp_path: Path) -> None:
    with cli_server(tmp_path / "ws", "--host", "0.0.0.0", start_timeout_s=60) as server:
        assert server.proc.wait(60) == 2
        assert not server.url
    assert "without an API token" in server.log and "LLMOS_API_TOKEN" in server.log


def test_with_a_token_every_route_but_healthz_needs_it(tmp_path: Path) -> None:
    with cli_server(tmp_path / "ws", env=cli_env(LLMOS_API_TOKEN=TOKEN)) as server:
        assert server.url, server.log
        with httpx.Client(base_url=server.url, timeout=10) as c:
            assert c.get("/healthz").status_code == 200
            for method, path in [("GET", "/v1/stats"), ("GET", "/openapi.json"), ("POST", "/v1/execute")]:
                r = c.request(method, path, json={"goal": "hi"})
                assert r.status_code == 401, (path, r.text)
                assert r.headers["WWW-Authenticate"].startswith("Bearer")
            wrong = c.get("/v1/stats", headers={"Authorization": "Bearer " + "x" * len(TOKEN)})
            assert wrong.status_code == 401
            auth = {"Authorization": f"Bearer {TOKEN}"}
            assert c.get("/v1/stats", headers=auth).status_code == 200
            r = c.post("/v1/execute", json={"goal": "say hi"}, headers=auth)
            assert r.status_code == 200 and r.json()["success"] is True


# ---------------------------------------------------------------- approvals


async def _sse(response: httpx.Response) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    kind = ""
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            yield kind, json.loads(line[6:])


async def test_stream_announces_an_approval_and_approving_runs_the_tool(tmp_path: Path) -> None:
    with LiveServer(runtime(tmp_path / "ws")) as live:
        async with await _client(live) as c, await _client(live) as other:
            kinds: list[str] = []
            final: dict[str, Any] = {}
            async with c.stream("POST", "/v1/execute/stream", json={"goal": "nap nap 0.01"}) as r:
                assert r.status_code == 200
                async for kind, data in _sse(r):
                    kinds.append(kind)
                    if kind == "approval_required":
                        pending = (await other.get("/v1/approvals")).json()["approvals"]
                        assert [p["id"] for p in pending] == [data["approval"]["id"]]
                        assert pending[0]["tool"] == "nap" and pending[0]["run_id"] == data["run_id"]
                        answer = await other.post(f"/v1/approvals/{pending[0]['id']}", json={"approve": True})
                        assert answer.json() == {"ok": True, "id": pending[0]["id"], "approved": True}
                    if kind == "final":
                        final = data["result"]
            assert kinds.index("approval_required") < kinds.index("approval_resolved") < kinds.index("final")
            call = final["tool_calls"][0]
            assert call["name"] == "nap" and not call["is_error"] and call["result"] == "slept 0.01"
            assert (await other.get("/v1/approvals")).json() == {"approvals": []}


async def test_refusing_an_approval_denies_the_call(tmp_path: Path) -> None:
    with LiveServer(runtime(tmp_path / "ws")) as live:
        async with await _client(live) as c:
            run = asyncio.ensure_future(c.post("/v1/execute", json={"goal": "nap nap 0.01"}))
            pending: list[dict[str, Any]] = []
            for _ in range(200):
                pending = (await c.get("/v1/approvals")).json()["approvals"]
                if pending:
                    break
                await asyncio.sleep(0.05)
            assert pending, "no pending approval appeared"
            r = await c.post(f"/v1/approvals/{pending[0]['id']}", json={"approve": False})
            assert r.status_code == 200
            again = await c.post(f"/v1/approvals/{pending[0]['id']}", json={"approve": True})
            assert again.status_code == 404
            result = (await run).json()
            call = result["tool_calls"][0]
            assert call["is_error"] and "refused through the API" in call["result"]


async def test_an_unanswered_approval_is_denied_after_the_timeout_and_says_so(tmp_path: Path) -> None:
    with LiveServer(runtime(tmp_path / "ws", approval_timeout_s=0.3)) as live:
        async with await _client(live) as c:
            result = (await c.post("/v1/execute", json={"goal": "nap nap 0.01"})).json()
            call = result["tool_calls"][0]
            assert call["is_error"] and "nobody approved it within 0.3 s" in call["result"]
            assert (await c.get("/v1/approvals")).json() == {"approvals": []}
            r = await c.post("/v1/approvals/ap_unknown", json={"approve": True})
            assert r.status_code == 404
            assert (await c.post("/v1/approvals/ap_x", json={"approve": "maybe"})).status_code == 422
