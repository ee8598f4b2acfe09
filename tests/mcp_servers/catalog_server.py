"""An MCP stdio server with a large tool catalog (mcp 2.x `MCPServer`), for the tool-offer tests.

    python catalog_server.py [--count N]

Serves the bench catalog (`bench/tool_catalog`, 513 tools modelled on real MCP servers), then
numbered variants of it, until there are N tools (default 1000). Every tool answers "ok".
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def build(count: int) -> object:
    from mcp.server.mcpserver import MCPServer

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.tool_catalog import catalog

    server = MCPServer("catalog")
    base = catalog()
    for i in range(count):
        name, description, _ = base[i % len(base)]
        if i >= len(base):
            name, description = f"{name}_v{i // len(base)}", f"{description} (variant {i // len(base)})"

        def answer(query: str = "") -> str:
            return "ok"

        server.add_tool(answer, name=name.replace("__", "_", 1), description=description)
    return server


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    a = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL, stream=sys.stderr, force=True)
    build(a.count).run("stdio")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
