"""The MCP server over one started runtime (the low-level `mcp` server: the tools' schemas are the
registry's own JSON schemas, listed fresh on every request so newly crystallized tools appear)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from llmos.exceptions import LLMOSError
from llmos.mcp_server._calls import call_crystallized, crystallized_tools
from llmos.result import MODES

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

    from llmos.runtime import LLMOS

EXECUTE = "execute"
EXECUTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "goal": {"type": "string", "minLength": 1, "description": "What you want done."},
        "mode": {"type": "string", "enum": list(MODES), "default": "auto", "description": "How to run it."},
        "agent": {"type": "string", "description": "The agent to run as (default: the workspace's)."},
    },
    "required": ["goal"],
    "additionalProperties": False,
}
EXECUTE_DESCRIPTION = (
    "Run a goal with LLM OS in this workspace: it replays what it learned when it can (FOLLOWER, "
    "CRYSTALLIZED) and uses the model otherwise. Returns the run's result as JSON (output, mode, cost...)."
)


def _import_mcp() -> Any:
    from llmos.exceptions import ConfigError

    try:
        import mcp.types
        from mcp.server.lowlevel import Server
    except ModuleNotFoundError as e:
        raise ConfigError(f"{e}: install it with `pip install 'llmos[mcp]'`") from e
    try:
        import mcp.server.mcpserver  # only in mcp 2.x, whose low-level server this uses
    except ModuleNotFoundError as e:
        raise ConfigError("LLM OS as an MCP server needs mcp 2.x: `pip install -U 'mcp>=2'`") from e
    return Server, mcp.types


def build_server(rt: LLMOS, name: str = "llmos") -> Server[Any]:
    """An MCP server exposing `execute` and every crystallized tool of the started runtime `rt`."""
    from llmos import __version__

    server_cls, types = _import_mcp()

    def schema_of(tool_name: str) -> dict[str, Any] | None:
        if tool_name == EXECUTE:
            return EXECUTE_SCHEMA
        tool = rt.registry.get(tool_name)
        return dict(tool.input_schema) if tool is not None and tool.source == "generated" else None

    async def list_tools(_ctx: Any, _params: Any) -> Any:
        tools = [types.Tool(name=EXECUTE, description=EXECUTE_DESCRIPTION, input_schema=EXECUTE_SCHEMA)]
        for t in crystallized_tools(rt):
            tools.append(types.Tool(name=t.name, description=t.description, input_schema=t.input_schema))
        return types.ListToolsResult(tools=tools)

    def text_result(text: str, is_error: bool, structured: dict[str, Any] | None = None) -> Any:
        content = [types.TextContent(type="text", text=text)]
        return types.CallToolResult(content=content, is_error=is_error, structured_content=structured)

    async def call_tool(_ctx: Any, params: Any) -> Any:
        args = dict(params.arguments or {})
        try:
            if params.name == EXECUTE:
                result = await rt.execute(
                    str(args.get("goal") or ""), mode=args.get("mode") or "auto", agent=args.get("agent")
                )
                data = result.to_dict()
                return text_result(json.dumps(data, ensure_ascii=False, default=str), not result.success, data)
            if schema_of(params.name) is None:
                return text_result(f"unknown tool {params.name!r}: `execute` or a crystallized tool", True)
            run = await call_crystallized(rt, params.name, args)
            return text_result(run.result, run.is_error, {"run_id": run.run_id, "result": run.result})
        except LLMOSError as e:  # bad input (empty goal, unknown agent or mode): a clear tool error
            return text_result(f"{type(e).__name__}: {e}", True)

    server: Server[Any] = server_cls(
        name,
        version=__version__,
        instructions="LLM OS: run goals (`execute`) and call the tools this workspace crystallized from its runs.",
        get_tool_input_schema=schema_of,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
    return server


async def serve_stdio(rt: LLMOS) -> None:
    """Serve over this process's stdin/stdout until the client closes them."""
    from mcp.server.stdio import stdio_server

    server = build_server(rt)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


async def serve_http(rt: LLMOS, host: str, port: int, on_ready: Callable[[Any], None] | None = None) -> None:
    """Serve streamable HTTP at http://HOST:PORT/mcp until interrupted (or `should_exit` is set on
    the uvicorn server handed to `on_ready` once it listens)."""
    import uvicorn

    class _Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if on_ready is not None and self.started:
                on_ready(self)

    app = build_server(rt).streamable_http_app(host=host)
    await _Server(uvicorn.Config(app, host=host, port=port, log_level="warning", log_config=None)).serve()
