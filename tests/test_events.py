"""The public event bus: typed events from a real run, subscribe/stream, JSON round trip."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from llmos.events import (
    Crystallized,
    Event,
    EventBus,
    ModelCalled,
    PlanLearned,
    RunEvent,
    RunFinished,
    RunStarted,
    ToolCalled,
    event_from_dict,
    event_from_emit,
)
from tests.test_evolution_e2e import runtime


async def test_subscribe_filter_stream_and_close() -> None:
    bus = EventBus()
    seen: list[Event] = []
    async_seen: list[str] = []

    async def on_async(e: Event) -> None:
        async_seen.append(e.type)

    sub = bus.subscribe(seen.append, types=[RunStarted])
    bus.subscribe(on_async)
    async with bus.stream(types=["run_finished"], maxsize=2) as queue:
        await bus.publish(RunStarted(run_id="r1", goal="g"))
        for i in range(3):
            await bus.publish(RunFinished(run_id=f"r{i}", status="success", success=True))
        assert [e.run_id for e in [queue.get_nowait(), queue.get_nowait()]] == ["r1", "r2"]  # oldest dropped
    assert [e.type for e in seen] == ["run_started"]
    assert async_seen == ["run_started", "run_finished", "run_finished", "run_finished"]
    sub.close()
    await bus.publish(RunStarted(run_id="r9"))
    assert len(seen) == 1 and len(bus) == 1


async def test_a_failing_subscriber_does_not_stop_others() -> None:
    bus = EventBus()
    got: list[Event] = []

    def broken(_e: Event) -> None:
        raise RuntimeError("boom")

    bus.subscribe(broken)
    bus.subscribe(got.append)
    await bus.publish(RunStarted(run_id="r"))
    assert len(got) == 1


def test_json_round_trip_and_emit_mapping() -> None:
    e = ToolCalled(run_id="r", name="add", arguments={"a": 1}, call_id="c1", decision="allow")
    back = event_from_dict(json.loads(json.dumps(e.to_dict())))
    assert back == e and isinstance(back, ToolCalled)
    other = event_from_emit("model_text", "r", {"text": "hi"})
    assert isinstance(other, RunEvent) and other.to_dict()["type"] == "model_text"
    assert other.to_dict()["text"] == "hi"
    again = event_from_dict(other.to_dict())
    assert isinstance(again, RunEvent) and again.kind == "model_text" and again.data == {"text": "hi"}
    end = event_from_emit("subtask_end", "parent", {"subtask": "s1", "run_id": "child", "success": True})
    assert end.run_id == "parent" and end.to_dict()["child_run_id"] == "child"


class _Transport:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, event: dict[str, Any]) -> None:
        self.sent.append(event)


async def test_transport_gets_published_not_delivered_events() -> None:
    t = _Transport()
    bus = EventBus(transport=t)
    got: list[Event] = []
    bus.subscribe(got.append)
    await bus.publish(RunStarted(run_id="local"))
    await bus.deliver(event_from_dict(RunStarted(run_id="remote", origin="other").to_dict()))
    assert [e["run_id"] for e in t.sent] == ["local"]
    assert [e.run_id for e in got] == ["local", "remote"]


async def test_a_real_run_publishes_typed_events(tmp_path: Path) -> None:
    whs = ["A1", "B2", "C3", "D4"]
    stock = {f"BOLT-{10 + i}@{whs[i % 4]}": 10 * i for i in range(10)}
    async with runtime(tmp_path, stock) as os:
        events: list[Event] = []
        os.events.subscribe(events.append)
        first = await os.execute("Add 2 units of BOLT-10 to warehouse A1")
        kinds = [e.type for e in events if e.run_id == first.run_id]
        assert kinds[0] == "run_started" and "mode" in kinds and "model_call" in kinds
        assert kinds.index("tool_call") < kinds.index("tool_result") < kinds.index("run_finished")
        calls = [e for e in events if isinstance(e, ModelCalled)]
        assert calls and calls[0].model and calls[0].input_tokens > 0
        tools = [e for e in events if isinstance(e, ToolCalled)]
        assert [t.name for t in tools] == ["get_stock", "set_stock"] and tools[0].decision == "allow"
        finished = next(e for e in events if isinstance(e, RunFinished))
        assert finished.success and finished.run_id == first.run_id and finished.mode == "learner"
        assert any(isinstance(e, PlanLearned) for e in events)
        assert {"cost", "state"} <= set(kinds)
        for i, qty in enumerate([9, 5, 3, 7, 4, 8, 6], 1):  # inside 2..9 after the second: replays (rule 1)
            await os.execute(f"Add {qty} units of BOLT-{10 + i} to warehouse {whs[i % 4]}")
        crystal = [e for e in events if isinstance(e, Crystallized)]
        assert crystal and crystal[0].tool == "add_units_warehouse"
        # every event is plain JSON
        json.dumps([e.to_dict() for e in events])
        await asyncio.sleep(0)
