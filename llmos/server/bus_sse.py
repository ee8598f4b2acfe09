"""The event bus (llmos.events) as a server-sent event stream (`GET /v1/events`, the dashboard)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from llmos.events import EventBus
from llmos.server import sse


async def bus_stream(
    bus: EventBus, types: list[str] | None, run_id: str | None, keepalive_s: float
) -> AsyncIterator[bytes]:
    """Frames of every event published while the client listens (a comment frame when quiet)."""
    async with bus.stream(types) as queue:
        yield sse.KEEPALIVE  # sends the headers at once, so a client knows it is subscribed
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=keepalive_s)
            except TimeoutError:
                yield sse.KEEPALIVE
                continue
            if run_id is not None and event.run_id != run_id and getattr(event, "parent_id", None) != run_id:
                continue
            data = event.to_dict()
            yield sse.encode(str(data["type"]), data, event.id)
