"""A catalog of tools modelled on real MCP servers' tool lists, and queries to measure tool search.

    from bench.tool_catalog import catalog_tools, QUERIES
    tools = catalog_tools()            # llmos Tools named SERVER__tool, as a run sees MCP tools

The tool data is in `servers_a.py` / `servers_b.py` (hand-written, one line per tool), the
queries in `queries.py` (paraphrased and vague, written without copying the descriptions).
"""

from __future__ import annotations

from typing import Any

from bench.tool_catalog.queries import QUERIES
from bench.tool_catalog.servers_a import SERVERS_A
from bench.tool_catalog.servers_b import SERVERS_B

__all__ = ["QUERIES", "catalog", "catalog_tools"]

_TYPES = {"int": {"type": "integer"}, "bool": {"type": "boolean"}, "list": {"type": "array"}, "obj": {"type": "object"}}


def _schema(params: str) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for part in params.split(";"):
        if not part.strip():
            continue
        key, _, desc = part.partition(":")
        name, _, kind = key.strip().partition("#")
        props[name] = {**_TYPES.get(kind, {"type": "string"}), "description": desc.strip()}
    return {"type": "object", "properties": props}


def catalog() -> list[tuple[str, str, dict[str, Any]]]:
    """(name as a run sees it, description, input schema) for every tool of every server."""
    out = []
    for server, text in {**SERVERS_A, **SERVERS_B}.items():
        for line in text.strip().splitlines():
            name, desc, params = (p.strip() for p in [*line.split("|"), "", ""][:3])
            out.append((f"{server}__{name}", desc, _schema(params)))
    return out


def catalog_tools() -> list[Any]:
    """The catalog as llmos `Tool`s (source mcp:SERVER) that answer 'ok'."""
    from llmos.tools.base import Tool, ToolContext, ToolOutput

    async def invoke(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        return ToolOutput("ok")

    return [Tool(name, desc, schema, invoke, source="mcp:" + name.split("__")[0]) for name, desc, schema in catalog()]
