"""Cutting a tool result to `[tools] output_limit` characters without making it useless.

A plain text is cut at the limit with a note of how much was left out. A result that is a JSON array
(a `tool_search` listing, any tool's list of records) is cut between entries, never inside one, so
what is kept still parses and every name in it is whole; when not even one whole entry fits, entries
that carry a `name` are kept as names only (the listing's point), and only then is the text cut
anywhere. A text after the array (a note) is kept when it fits.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["clip", "listed_names"]


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    listing = _clip_listing(text, limit)
    if listing is not None:
        return listing
    return text[:limit] + f"\n… [truncated: {len(text) - limit} more characters]"


def _array(text: str) -> tuple[list[Any], str] | None:
    """The JSON array `text` starts with, and the text after it; None when it does not start with one."""
    stripped = text.lstrip()
    if not stripped.startswith("["):
        return None
    try:
        items, end = json.JSONDecoder().raw_decode(stripped)
    except json.JSONDecodeError:
        return None
    return (items, stripped[end:]) if isinstance(items, list) else None


def _clip_listing(text: str, limit: int) -> str | None:
    parsed = _array(text)
    if parsed is None or not parsed[0]:
        return None
    items, after = parsed
    shapes = [items]
    if all(isinstance(i, dict) and "name" in i for i in items):
        shapes.append([{"name": i["name"]} for i in items])  # names only: the listing stays usable
    for n, shape in enumerate(shapes):
        parts = [json.dumps(i, ensure_ascii=False) for i in shape]
        size, kept = 2, 0  # "[" and "]"
        while kept < len(parts) and size + len(parts[kept]) + (2 if kept else 0) <= limit:
            size += len(parts[kept]) + (2 if kept else 0)
            kept += 1
        if kept:
            out = "[" + ", ".join(parts[:kept]) + "]"
            if len(out) + len(after) <= limit:
                out += after
            left = len(items) - kept
            what = [f"{left} more entr{'y' if left == 1 else 'ies'}"] if left else []
            what += ["the descriptions"] if n else []
            what += ["the note after the list"] if after.strip() and not out.endswith(after) else []
            return out + f"\n… [truncated to {limit} characters: {', '.join(what)} left out]"
    return None


def listed_names(text: str) -> set[str]:
    """The `name` of every entry of the JSON array `text` starts with (a cut listing: its whole entries)."""
    parsed = _array(text)
    if parsed is None:
        return set()
    return {str(i["name"]) for i in parsed[0] if isinstance(i, dict) and "name" in i}
