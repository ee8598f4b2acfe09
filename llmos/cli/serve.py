"""`llmos serve`: the HTTP API over one workspace (see llmos.server)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmos.server.runner import Server


def serve_command(workspace: Path | None, host: str | None, port: int | None, model: str | None) -> None:
    """Run the server until SIGTERM/SIGINT; errors (bad config, port in use, an MCP server that
    cannot start) become one clear line on stderr and exit status 2. `host`/`port` None: the
    `[server]` section of llmos.toml."""
    import typer
    from rich.console import Console
    from rich.markup import escape

    from llmos.exceptions import LLMOSError

    err = Console(stderr=True, highlight=False)
    try:
        from llmos.server import serve
    except ModuleNotFoundError as e:  # fastapi / uvicorn are the `server` extra
        if e.name not in ("fastapi", "uvicorn", "starlette"):
            raise
        err.print(f"[red]error:[/red] {escape(str(e))}: install it with `pip install 'llmos[server]'`")
        raise typer.Exit(2) from None

    def ready(server: Server) -> None:
        base = f"http://{_url_host(server.config.host)}:{server.port}"
        where = escape(str(server.runtime.workspace))
        err.print(f"LLM OS serving {where} at {base}  (API docs: {base}/docs)", soft_wrap=True)

    try:
        serve(workspace, host, port, model=model, on_ready=ready)
    except LLMOSError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}")
        raise typer.Exit(2) from None
    err.print("LLM OS server stopped.")


def _url_host(host: str | None) -> str:
    if not host or host in ("0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
