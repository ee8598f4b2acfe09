"""Refusal at the door (issue 11): a run request beyond `max_in_flight + queue` is answered 429 before
its body is parsed or any route runs, /healthz keeps answering, and the count frees when runs end.
Not timed: the assertions are about who answers and in which order, not about milliseconds."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send
from test_server import LiveServer, SteeredModel, nap

from llmos.runtime import LLMOS
from llmos.server.admission import Admission
from llmos.server.door import Door


def _scope(path: str, method: str = "POST") -> Scope:
    return {"type": "http", "method": method, "path": path, "headers": []}


class Held:
    """An inner ASGI app that answers 200 once `release` is set (and counts how often it was called)."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _call(door: Door, scope: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        raise AssertionError("the door must not read the body")

    async def send(message: Message) -> None:
        sent.append(message)

    await door(scope, receive, send)
    return sent


async def test_the_door_counts_run_requests_and_refuses_beyond_capacity() -> None:
    inner = Held()
    admission = Admission(max_in_flight=1, queue=1, queue_timeout_s=5)
    door = Door(inner, admission)
    assert door.capacity == 2
    running = [asyncio.ensure_future(_call(door, _scope("/v1/execute"))) for _ in range(2)]
    await asyncio.sleep(0)
    assert door.inside == 2 and inner.calls == 2

    refused = await _call(door, _scope("/v1/execute/stream"))  # full: answered without the inner app
    assert refused[0]["status"] == 429 and inner.calls == 2
    headers = dict(refused[0]["headers"])
    assert int(headers[b"retry-after"]) >= 1
    body = json.loads(refused[1]["body"])
    assert "max_in_flight" in body["error"] and body["retry_after_s"] >= 1
    assert admission.snapshot()["refused"] == 1

    # other routes and methods pass through even when the door is full
    other = [
        asyncio.ensure_future(_call(door, _scope(path, method)))
        for path, method in (("/healthz", "GET"), ("/v1/traces", "GET"), ("/v1/execute", "GET"))
    ]
    await asyncio.sleep(0)
    assert inner.calls == 5 and door.inside == 2

    inner.release.set()
    for done in await asyncio.gather(*running, *other):
        assert done[0]["status"] == 200
    assert door.inside == 0
    assert (await _call(door, _scope("/v1/execute")))[0]["status"] == 200


async def test_the_count_frees_when_the_app_raises() -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("kaboom")

    door = Door(broken, Admission(1, 0, 1.0))
    with pytest.raises(RuntimeError):
        await _call(door, _scope("/v1/execute"))
    assert door.inside == 0


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Door(Held(), Admission(1, 0, 1.0), capacity=0)


def _runtime(workspace: Path, **server: Any) -> LLMOS:
    return LLMOS(workspace=workspace, model=SteeredModel(), tools=[nap], preset="testing", overrides={"server": server})


async def test_a_live_server_refuses_at_the_door_before_parsing_the_body(tmp_path: Path) -> None:
    with LiveServer(_runtime(tmp_path / "ws", max_in_flight=1, queue=0)) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=30) as c:
            slow = asyncio.ensure_future(c.post("/v1/execute", json={"goal": "nap nap 1.5"}))
            for _ in range(100):  # until the run holds the only place
                health = (await c.get("/healthz")).json()
                if health["load"]["running"] == 1:
                    break
                await asyncio.sleep(0.02)
            else:
                pytest.fail("the slow run never started")
            # a body that would be a 422 is refused first: the door answers before validation
            bad = await c.post("/v1/execute", content=b"{not json", headers={"content-type": "application/json"})
            assert bad.status_code == 429, bad.text
            assert int(bad.headers["Retry-After"]) >= 1 and "max_in_flight" in bad.json()["error"]
            stream = await c.post("/v1/execute/stream", json={"goal": "say hi"})
            assert stream.status_code == 429
            # the server is busy, not unhealthy, and reads still work
            assert (await c.get("/healthz")).status_code == 200
            assert (await c.get("/v1/traces")).status_code == 200
            first = await slow
            assert first.status_code == 200 and first.json()["success"] is True
            again = await c.post("/v1/execute", json={"goal": "say hi"})
            assert again.status_code == 200 and again.json()["success"] is True
            load = (await c.get("/healthz")).json()["load"]
            assert load["refused"] == 2 and load["running"] == 0
