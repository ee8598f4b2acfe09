"""A small MCP stdio server for the tests of llmos.tools.mcp (mcp 2.x `MCPServer`).

    python echo_server.py [--name NAME] [--fail-start] [--http PORT]

Tools: add(a, b), echo(text), fail(message) (raises ToolError), crash(message) (raises ValueError),
slow(seconds), pid() and spawn_child() (starts a long-lived grandchild process and returns its pid,
to check that close() ends it too).
`--banner` prints a non-JSON line on stdout first.
`--fail-start` writes a message to stderr and exits before serving, to test start-up errors.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys


def build(name: str) -> object:
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(name)

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @server.tool()
    def echo(text: str) -> str:
        """Return the text unchanged."""
        return text

    @server.tool()
    def fail(message: str) -> str:
        """Always fail with the given message."""
        raise ToolError(message)

    @server.tool()
    def crash(message: str) -> str:
        """Fail with an unexpected exception (the server hides its message)."""
        raise ValueError(message)

    @server.tool()
    async def slow(seconds: float) -> str:
        """Sleep for some seconds, then answer."""
        await asyncio.sleep(seconds)
        return f"slept {seconds}"

    @server.tool()
    def pid() -> int:
        """The process id of this server."""
        return os.getpid()

    @server.tool()
    def spawn_child() -> int:
        """Start a long-lived child process; return its pid."""
        child = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(60)"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return child.pid

    return server


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", default="echo")
    ap.add_argument("--fail-start", action="store_true")
    ap.add_argument("--banner", action="store_true", help="print a banner line on stdout first (a common mistake)")
    ap.add_argument("--http", type=int, metavar="PORT", help="serve streamable HTTP on 127.0.0.1:PORT/mcp")
    a = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL, stream=sys.stderr, force=True)
    if a.banner:
        print("Welcome to echo server v1.0!", flush=True)
    if a.fail_start:
        sys.stderr.write("echo_server: refusing to start (--fail-start)\n")
        sys.exit(3)
    server = build(a.name)
    if a.http:
        server.run("streamable-http", host="127.0.0.1", port=a.http)  # type: ignore[attr-defined]
    else:
        server.run("stdio")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
