"""`GET /v1/events`: the event bus as server-sent events, over a real uvicorn on loopback."""

from __future__ import annotations

import asyncio

import httpx

from llmos.server import sse
from tests.test_server import LiveServer, client, live, make_runtime, runtime  # noqa: F401


async def _collect(c: httpx.AsyncClient, until: str, out: list[sse.Event], params: dict[str, str]) -> None:
    async with c.stream("GET", "/v1/events", params=params) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        lines: list[str] = []
        async for line in r.aiter_lines():
            lines.append(line)
            if line == "":
                out[:] = sse.parse(lines)
                if any(e.event == until for e in out):
                    return


async def test_events_stream_a_run_started_elsewhere(client: httpx.AsyncClient) -> None:  # noqa: F811
    events: list[sse.Event] = []
    reader = asyncio.create_task(_collect(client, "run_finished", events, {}))
    filtered: list[sse.Event] = []
    only_ends = asyncio.create_task(_collect(client, "run_finished", filtered, {"types": "run_finished"}))
    await asyncio.sleep(0.5)  # both subscribed
    r = await client.post("/v1/execute", json={"goal": "list the files here", "mode": "learner"})
    run_id = r.json()["run_id"]
    await asyncio.wait_for(asyncio.gather(reader, only_ends), 20)
    kinds = [e.event for e in events]
    assert kinds[0] == "run_started" and "model_call" in kinds and "tool_call" in kinds
    assert all(e.data["run_id"] == run_id and e.data["type"] == e.event for e in events)
    assert [e.event for e in filtered] == ["run_finished"] and filtered[0].data["success"] is True
