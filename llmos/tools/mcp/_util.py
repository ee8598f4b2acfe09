"""Helpers of the MCP client: names, result text, error results and the process sweep."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
from typing import Any

from llmos.tools.base import ToolOutput

SEP = "__"
MARKER_ENV = "LLMOS_MCP_SERVER_ID"
CONNECTION_CLOSED = -32000  # JSON-RPC codes the SDK uses for a dead connection and a timeout
REQUEST_TIMEOUT = -32001
STOP_TIMEOUT_S = 10.0
STARTUP_TIMEOUT_S = 30.0  # at least this long for initialize + tools/list (npx may download)
STDERR_TAIL = 2000
MAX_RESTARTS = 3


def tool_name(server: str, name: str) -> str:
    """The LLM OS name of an MCP tool: SERVER__tool, with characters a tool name cannot hold replaced."""
    full = re.sub(r"[^A-Za-z0-9_.\-]", "_", f"{server}{SEP}{name}")
    if not re.match(r"[A-Za-z_]", full):
        full = "_" + full
    return full[:64]


def error_output(text: str) -> ToolOutput:
    return ToolOutput(f"ERROR: {text}", is_error=True)


def leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def field_of(obj: Any, snake: str, camel: str) -> Any:
    """A result field under its mcp 2.x (snake_case) or 1.x (camelCase) name."""
    value = getattr(obj, snake, None)
    return getattr(obj, camel, None) if value is None else value


_HINTS = (
    ("title", "title"),
    ("read_only_hint", "readOnlyHint"),
    ("destructive_hint", "destructiveHint"),
    ("idempotent_hint", "idempotentHint"),
    ("open_world_hint", "openWorldHint"),
)


def content_text(result: Any) -> str:
    """The text of a CallToolResult: text blocks joined unchanged, placeholders for other content."""
    parts: list[str] = []
    for block in getattr(result, "content", None) or []:
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(block.text)
        elif kind == "resource" and isinstance(getattr(block.resource, "text", None), str):
            parts.append(block.resource.text)
        elif kind in ("image", "audio"):
            parts.append(f"[{kind} {field_of(block, 'mime_type', 'mimeType') or ''}]".replace(" ]", "]"))
        elif kind in ("resource", "resource_link"):
            uri = getattr(block, "uri", None) or getattr(getattr(block, "resource", None), "uri", "")
            parts.append(f"[{kind} {uri}]")
        else:
            parts.append(f"[{kind or 'unknown'} content]")
    structured = field_of(result, "structured_content", "structuredContent")
    if not parts and structured is not None:
        return json.dumps(structured, ensure_ascii=False, default=str)
    return "\n".join(parts)


def marked_pids(marker: str) -> list[int]:
    """Processes whose environment carries this server's marker (the server and its descendants)."""
    needle = f"{MARKER_ENV}={marker}".encode()
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def sweep(marker: str) -> None:
    """Kill every process that still carries the marker."""
    for _ in range(3):
        pids = [p for p in marked_pids(marker) if p != os.getpid()]
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


async def list_tools(session: Any) -> list[Any]:
    tools: list[Any] = []
    result = await session.list_tools()
    tools.extend(result.tools)
    cursor = field_of(result, "next_cursor", "nextCursor")
    pages = 1
    while cursor and pages < 100:
        from mcp.types import PaginatedRequestParams

        result = await session.list_tools(params=PaginatedRequestParams(cursor=cursor))
        tools.extend(result.tools)
        cursor = field_of(result, "next_cursor", "nextCursor")
        pages += 1
    return tools
