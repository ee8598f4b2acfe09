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


async def _registry_rows(workspace: WorkspaceOpt) -> list[dict[str, Any]]:
    from llmos.runtime import LLMOS

    async with LLMOS(workspace=workspace_path(workspace)) as rt:
        return tool_rows(rt.registry)


@app.command("list")
def list_tools(workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """Every tool of the workspace with its source (builtin, mcp:NAME, generated, agents ...) and kind."""
    existing_workspace(workspace)
    rows = run_async(_registry_rows(workspace))
    if json_out:
        _print_json(rows)
    else:
        _print_table(rows, f"{plural(len(rows), 'tool')} in {esc(workspace_path(workspace))}")


async def _search(workspace: WorkspaceOpt, queries: list[Any], limit: int) -> list[Any]:
    """One answer per query: a list of {name, description, score, source, kind}, or {error} for bad input.

    The index is saved in the workspace, with a manifest that lets the next search answer without
    this command when nothing changed (`llmos._search_fast`)."""
    from llmos._search_fast import answer_row, first_line, index_dir, write_manifest
    from llmos.cli._search_catalog import searchable_tools, stamped_files
    from llmos.config import load_config
    from llmos.tools.search import ToolSearch

    ws = workspace_path(workspace)
    config = load_config(ws)
    finder = ToolSearch(
        await searchable_tools(config, ws),
        embeddings={"on": True, "off": False}.get(config.execution.search_embeddings),
        cache_dir=ws / ".llmos" / "cache" / "embeddings",
        index_dir=index_dir(ws) if ws.is_dir() else None,  # a mistyped workspace is not created
    )
    answers: list[Any] = []
    for q in queries:
        if isinstance(q, Exception):
            answers.append({"error": str(q)})
            continue
        found = finder.scored(q, limit)
        answers.append([answer_row(t.name, t.description, score, t.source, t.kind) for t, score in found])
    tools, _ = finder.index()
    files = stamped_files(config, ws)
    if finder.index_key is not None and files is not None:
        rows = [[t.name, first_line(t.description), t.source, t.kind] for t in tools]
        write_manifest(ws, finder.index_key, rows, files)
    return answers


def _stdin_queries() -> list[Any]:
    from llmos._search_fast import stdin_queries

    return stdin_queries(sys.stdin)


@app.command("search")
def search_tools(
    query: Annotated[str | None, typer.Argument(help="A tool name or a few keywords.")] = None,
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many tools.")] = 10,
    stdin: Annotated[
        bool, typer.Option("--stdin", help='Read one JSON line {"query": ...} per query; answer one line each.')
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Find tools by name, keyword or description, best match first (what the model's tool_search sees).

    Starts no runtime: MCP servers' tool lists come from a cache in the workspace (servers are
    started once, for all queries, when it is missing or stale)."""
    if stdin == (query is not None):
        raise typer.BadParameter("give either a QUERY or --stdin")
    if stdin:
        for answer in run_async(_search(workspace, _stdin_queries(), limit)):
            sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        return
    assert query is not None
    rows = run_async(_search(workspace, [query], limit))[0]
    if json_out:
        _print_json(rows)
    else:
        _print_table(rows, f"tools matching {query!r}")


async def _show(workspace: WorkspaceOpt, name: str) -> dict[str, Any]:
    from llmos.execution.layer import tool_details
    from llmos.runtime import LLMOS

    async with LLMOS(workspace=workspace_path(workspace)) as rt:
        return tool_details(rt, name)


@app.command("show")
def show_tool(
    name: Annotated[str, typer.Argument(help="The tool's name, as `llmos tools list` shows it.")],
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """One tool: description, input schema, how often it was called and succeeded, and the input
    examples taken from successful traced calls (what the model is shown)."""
    info = run_async(_show(workspace, name))
    if json_out:
        _print_json(info)
        return
    console.print(f"[bold]{info['name']}[/bold]  ({info['source']}, {info['kind']})", highlight=False)
    console.print(info["description"], markup=False, highlight=False)
    console.print(json.dumps(info["input_schema"], indent=2), markup=False, highlight=False)
    console.print(f"calls: {info['calls']}  success rate: {info['success_rate']:.0%}", highlight=False)
    if not info["input_examples"]:
        console.print("no input examples yet (they come from successful calls)")
    for example in info["input_examples"]:
        console.print("example: " + json.dumps(example, ensure_ascii=False), markup=False, highlight=False)


@app.command("trust")
def trust_tool(
    name: Annotated[str, typer.Argument(help="The tool's name, as `llmos tools list` shows it.")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Forget that a tool contradicted its hints (a result that was a receipt from a tool annotated
    read-only): after the tool was fixed, its hints count again (rule 4, `tools.hint_trust`)."""
    from llmos.cli._db import open_db
    from llmos.storage.tool_notes import ToolNoteStore

    _, db = open_db(workspace_path(workspace))
    try:
        dropped = ToolNoteStore(db).forget_name(name)
    finally:
        db.close()
    if not dropped:
        console.print(f"no note on a tool named {esc(name)}: its hints were not distrusted for what it did")
        return
    console.print(f"forgot {plural(dropped, 'note')} on {esc(name)}: its hints count again", highlight=False)


async def _mcp_status(workspace: WorkspaceOpt) -> dict[str, dict[str, Any]]:
    from llmos.config import load_config
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
