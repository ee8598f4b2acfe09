"""Server-sent events: the wire format (`event: <type>` / `data: <JSON>` / blank line) and a
small parser for clients and tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MEDIA_TYPE = "text/event-stream"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}
KEEPALIVE = b": keep-alive\n\n"


def dumps(data: Any) -> str:
    """Compact JSON on one line (newlines inside strings are escaped by JSON itself)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def encode(event: str, data: Any, event_id: str | None = None) -> bytes:
    """One SSE frame. `event` must be a single line; `data` is sent as JSON."""
    name = event.replace("\r", " ").replace("\n", " ")
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {name}")
    lines.append(f"data: {dumps(data)}")
    return ("\n".join(lines) + "\n\n").encode("utf-8")


@dataclass
class Event:
    event: str
    data: Any
    id: str | None = None


def parse(lines: Iterable[str]) -> list[Event]:
    """Parse an event stream (already split in lines) into events; `data` is decoded JSON when it is JSON."""
    events: list[Event] = []
    name, event_id = "message", None
    data: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                text = "\n".join(data)
                try:
                    value: Any = json.loads(text)
                except ValueError:
                    value = text
                events.append(Event(name, value, event_id))
            name, data, event_id = "message", [], None
            continue
        if line.startswith(":"):
            continue
        field, _, value_text = line.partition(":")
        value_text = value_text.removeprefix(" ")
        if field == "event":
            name = value_text
        elif field == "data":
            data.append(value_text)
        elif field == "id":
            event_id = value_text
    return events
