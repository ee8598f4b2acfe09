"""LLM OS as an MCP server: `execute` (a goal, with mode and agent) and every crystallized tool of
the workspace, with its typed input schema, for Claude Desktop, Claude Code or any MCP client.

    llmos mcp serve -w WS              # stdio
    llmos mcp serve -w WS --port 8765  # streamable HTTP at http://127.0.0.1:8765/mcp

Every call passes the runtime's one seam: `execute` is `LLMOS.execute`; a crystallized tool is
called through `execute_tool_call` inside a run of its own (policy hooks, budget, a stored trace,
events on the bus). Needs the `mcp` package (the `mcp` extra).
"""

from llmos.mcp_server._server import build_server, serve_http, serve_stdio

__all__ = ["build_server", "serve_http", "serve_stdio"]
