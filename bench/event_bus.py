"""The event bus's cost: publishing with no subscriber, with callbacks, and with SSE-like stream
readers; and what it adds to a whole run (the shipped test model, a learner run with two tool calls).

    PYTHONPATH=. .venv/bin/python bench/event_bus.py [--events 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmos.events import EventBus, ToolCalled
from tests.test_evolution_e2e import runtime


async def publish_cost(n: int, callbacks: int, streams: int) -> float:
    bus = EventBus()
    for _ in range(callbacks):
        bus.subscribe(lambda _e: None)
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(streams):
            await stack.enter_async_context(bus.stream())
        event = ToolCalled(run_id="r", name="get_stock", arguments={"sku": "X"})
        started = time.perf_counter()
        for _ in range(n):
            await bus.publish(event)
        return (time.perf_counter() - started) / n * 1e6


async def run_cost(runs: int, subscribers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        stock = {f"BOLT-{i}@A1": i for i in range(runs)}
        async with runtime(Path(tmp), stock) as os:
            os.config.learning.enabled = False  # every run a learner run: the same work each time
            for _ in range(subscribers):
                os.events.subscribe(lambda _e: None)
            times = []
            for i in range(runs):
                started = time.perf_counter()
                await os.execute(f"Add 1 units of BOLT-{i} to warehouse A1", mode="learner")
                times.append(time.perf_counter() - started)
            return statistics.median(times) * 1000


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=30)
    a = ap.parse_args()
    for callbacks, streams in [(0, 0), (1, 0), (10, 0), (0, 1), (0, 10)]:
        us = await publish_cost(a.events, callbacks, streams)
        print(f"publish: {callbacks:2d} callbacks, {streams:2d} streams: {us:6.2f} µs/event")
    base = await run_cost(a.runs, 0)
    busy = await run_cost(a.runs, 10)
    print(f"learner run (median of {a.runs}): {base:.1f} ms with no subscriber, {busy:.1f} ms with 10 callbacks")


if __name__ == "__main__":
    asyncio.run(main())
