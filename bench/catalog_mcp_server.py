"""An MCP stdio server offering the tool catalog of `bench/tool_catalog` (513 tools), for start-up benches.

    python bench/catalog_mcp_server.py [--copy N] [--version V]

Every tool is listed as `SERVER__tool` with its description and input schema (a run of LLM OS
that names this server `cat` sees `cat__github__create_issue`); `--copy N` (N > 1) appends
` (copy N)` to each description so two servers give two distinct catalogs. `--version` is the
server's reported version. A call answers "ok". Configure two copies for a catalog of 1,026 tools:

    [mcp.servers.cat1]
    command = "/path/to/python"
    args = ["/path/to/bench/catalog_mcp_server.py", "--copy", "1"]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any


def build(copy: int, version: str) -> Any:
    import mcp.types as types
    from mcp.server.lowlevel import Server

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.tool_catalog import catalog

    suffix = f" (copy {copy})" if copy > 1 else ""
    tools = [types.Tool(name=name, description=desc + suffix, input_schema=schema) for name, desc, schema in catalog()]

    async def list_tools(ctx: Any, params: Any) -> Any:
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: Any) -> Any:
        return types.CallToolResult(content=[types.TextContent(type="text", text="ok")])

    return Server("tool-catalog", version=version, on_list_tools=list_tools, on_call_tool=call_tool)


async def serve(copy: int, version: str) -> None:
    from mcp.server.stdio import stdio_server

    server = build(copy, version)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copy", type=int, default=1)
    ap.add_argument("--version", default="1.0.0")
    a = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL, stream=sys.stderr, force=True)
    import anyio

    anyio.run(serve, a.copy, a.version)


if __name__ == "__main__":
    main()
