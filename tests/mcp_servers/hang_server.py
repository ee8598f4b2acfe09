"""An MCP stdio server that can hang, for the watchdog tests (mcp 2.x `MCPServer`).

Tools: echo(text), pid(), and freeze(seconds), which blocks the server's event loop (a synchronous
sleep inside an async tool): until it returns, the server answers nothing, not even a ping.
"""

from __future__ import annotations

import logging
import os
import sys
import time


def build() -> object:
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("hang")

    @server.tool()
    def echo(text: str) -> str:
        """Return the text unchanged."""
        return text

    @server.tool()
    def pid() -> int:
        """The process id of this server."""
        return os.getpid()

    @server.tool()
    async def freeze(seconds: float) -> str:
        """Block the whole server for some seconds (it stops answering)."""
        time.sleep(seconds)  # noqa: ASYNC251 - on purpose: the event loop is blocked
        return f"froze {seconds}"

    return server


def main() -> None:
    logging.basicConfig(level=logging.CRITICAL, stream=sys.stderr, force=True)
    build().run("stdio")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
