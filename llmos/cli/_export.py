"""Trace export formats, chosen from the output file's suffix."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from llmos.exceptions import UserError

if TYPE_CHECKING:
    from llmos.trace import Trace

FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def export_format(path: Path) -> str:
    """The format a file name asks for, or a clear error naming the suffixes that work."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise UserError(f"cannot tell the export format from {path.name!r}: use one of the suffixes {known}")
    return fmt


def to_html(trace: Trace) -> str:
    """A standalone HTML page of the trace (its Markdown rendered; raw HTML in goals or results is escaped)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(trace.to_markdown())
    title = html.escape(f"LLM OS run {trace.id}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "code,pre{background:#f4f4f4}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
        "</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )


def render(trace: Trace, fmt: str) -> str:
    if fmt == "json":
        return trace.to_json()
    if fmt == "html":
        return to_html(trace)
    return trace.to_markdown()
