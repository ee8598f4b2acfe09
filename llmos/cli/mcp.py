"""`llmos mcp`: LLM OS as an MCP server (`llmos mcp serve`). The MCP servers a workspace *uses* are
checked with `llmos tools mcp`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from llmos.cli._common import WorkspaceOpt, err_console, esc, fail, run_async, workspace_path

if TYPE_CHECKING:
    import uvicorn

app = typer.Typer(
    help="LLM OS as an MCP server: `execute` and the workspace's crystallized tools.", no_args_is_help=True
)


@app.command("serve")
def serve(
    workspace: WorkspaceOpt = None,
    port: Annotated[
        int | None, typer.Option(help="Serve streamable HTTP on this port (at /mcp); without it, stdio.")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface for --port.")] = "127.0.0.1",
    model: Annotated[str | None, typer.Option(help="Model spec for `execute`.")] = None,
) -> None:
    """Serve the workspace over MCP (stdio by default; streamable HTTP with --port)."""
    from llmos.exceptions import LLMOSError
    from llmos.runtime import LLMOS

    async def go() -> None:
        from llmos.mcp_server import serve_http, serve_stdio

        async with LLMOS(workspace=workspace_path(workspace), model=model) as rt:
            if port is None:
                await serve_stdio(rt)
                return

            def ready(server: uvicorn.Server) -> None:
                bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
                err_console.print(
                    f"LLM OS MCP server at http://{host}:{bound}/mcp for {esc(rt.workspace)}", soft_wrap=True
                )

            await serve_http(rt, host, port, on_ready=ready)

    try:
        run_async(go())
    except LLMOSError as e:
        fail(str(e))
