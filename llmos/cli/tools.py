"""`llmos tools`: the tools a workspace offers (built-in, MCP, generated, agents ...), and MCP status."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmos._text import plural
from llmos.cli._common import WorkspaceOpt, console, esc, existing_workspace, run_async, workspace_path

if TYPE_CHECKING:
    from llmos.tools.registry import ToolRegistry

app = typer.Typer(help="List and search the tools of a workspace; check its MCP servers.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON on stdout.")]


def tool_rows(registry: ToolRegistry) -> list[dict[str, Any]]:
    """One row per tool, by source then name: {name, source, kind, description}."""
    rows = [
        {
            "name": t.name,
            "source": t.source,
            "kind": t.kind,
            "description": (t.description.strip().splitlines() or [""])[0],
        }
        for t in registry
    ]
    return sorted(rows, key=lambda r: (r["source"] != "builtin", r["source"], r["name"]))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _print_table(rows: list[dict[str, Any]], title: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for col in ("name", "source", "kind", "description"):
        table.add_column(col, overflow="fold", no_wrap=col == "name")
    for r in rows:
        table.add_row(r["name"], r["source"], r["kind"], r["description"])
    console.print(table)


async def _registry_rows(workspace: WorkspaceOpt, query: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
    from llmos.runtime import LLMOS

    async with LLMOS(workspace=workspace_path(workspace)) as rt:
        if query is None:
            return tool_rows(rt.registry)
        from llmos.tools.registry import ToolRegistry
        from llmos.tools.search import ToolSearch

        return tool_rows(ToolRegistry(ToolSearch(rt.registry).search(query, limit))) if query else []


@app.command("list")
def list_tools(workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """Every tool of the workspace with its source (builtin, mcp:NAME, generated, agents ...) and kind."""
    existing_workspace(workspace)
    rows = run_async(_registry_rows(workspace))
    if json_out:
        _print_json(rows)
    else:
        _print_table(rows, f"{plural(len(rows), 'tool')} in {esc(workspace_path(workspace))}")


@app.command("search")
def search_tools(
    query: Annotated[str, typer.Argument(help="A tool name or a few keywords.")],
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many tools.")] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Find tools by name or keyword, best match first (what the model's tool_search sees)."""
    rows = run_async(_registry_rows(workspace, query, limit))
    if json_out:
        _print_json(rows)
    else:
        _print_table(rows, f"tools matching {query!r}")


async def _mcp_status(workspace: WorkspaceOpt) -> dict[str, dict[str, Any]]:
    from llmos.kernel.config import load_config
    from llmos.tools.mcp import MCPManager

    ws = workspace_path(workspace)
    config = load_config(ws)
    manager = MCPManager(config.mcp.servers, cwd=ws)
    try:
        await manager.start(strict=False)
        return manager.status()
    finally:
        await manager.close()


@app.command("mcp")
def mcp_status(workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """Start each enabled MCP server of the workspace once and report whether it works."""
    existing_workspace(workspace)
    status = run_async(_mcp_status(workspace))
    if json_out:
        _print_json(status)
        return
    if not status:
        console.print("no MCP servers are configured ([mcp.servers.NAME] in llmos.toml)")
        return
    for name, s in status.items():
        mark = "[green]ok[/green]" if s["running"] else "[red]failed[/red]"
        line = f"{mark} [bold]{esc(name)}[/bold]: {plural(s['tools'], 'tool')}  ({esc(s['target'])})"
        console.print(line, highlight=False)
        if s["error"]:
            console.print(f"    {s['error']}", highlight=False, markup=False)
    if any(not s["running"] for s in status.values()):
        raise typer.Exit(1)
