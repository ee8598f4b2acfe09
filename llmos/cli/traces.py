"""`llmos traces`: list, show, export and reject recorded runs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from llmos._text import plural
from llmos.cli._common import WorkspaceOpt, console, esc, existing_workspace, fail

app = typer.Typer(help="Recorded runs (traces).", no_args_is_help=True)


def _store(workspace: Path | None):  # type: ignore[no-untyped-def]
    from llmos.cli._db import open_db_lenient
    from llmos.storage.traces import TraceStore

    return TraceStore(open_db_lenient(existing_workspace(workspace)))


@app.command("list")
def list_(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="How many (newest first).")] = 20,
    mode: Annotated[str | None, typer.Option(help="Only this mode.")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")] = False,
) -> None:
    """List recent runs."""
    from rich.table import Table

    traces = _store(workspace).list(limit=limit, mode=mode, status=status)
    if json_out:
        sys.stdout.write(json.dumps([t.to_dict() for t in traces], default=str) + "\n")
        return
    table = Table(title=f"{plural(len(traces), 'most recent run')}")
    for col in ("id", "when", "mode", "status", "calls", "tools", "cost", "goal"):
        table.add_column(col, overflow="fold")
    for t in traces:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t.started_at))
        status_txt = t.status + (" (rejected)" if t.rejected else "")
        table.add_row(
            t.id,
            when,
            t.mode,
            status_txt,
            str(t.llm_calls),
            str(len(t.top_level_calls)),
            f"${t.cost_usd:.6f}",
            t.goal[:80],
        )
    console.print(table)


@app.command()
def show(
    run_id: Annotated[str, typer.Argument(help="Run id (a unique prefix is enough).")],
    workspace: WorkspaceOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="markdown | json")] = "markdown",
) -> None:
    """Show one run as readable Markdown (or JSON)."""
    store = _store(workspace)
    trace = store.get(run_id)
    if trace is None:
        fail(f"no run with id {run_id!r}")
    if fmt == "json":
        sys.stdout.write(trace.to_json() + "\n")
    elif fmt == "markdown":
        from rich.markdown import Markdown

        from llmos.cli.trace_tree import run_tree

        console.print(Markdown(trace.to_markdown()))
        tree = run_tree(store, trace)
        if tree is not None:
            console.print("\n[bold]Runs started by this run[/bold]")
            console.print(tree)
    else:
        fail(f"unknown format {fmt!r}: use markdown or json")


@app.command()
def export(
    run_id: Annotated[str, typer.Argument(help="Run id.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .md, .json or .html.")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Export one run to a Markdown, JSON or HTML file (the format follows the file's suffix)."""
    from llmos.cli._export import export_format, render
    from llmos.exceptions import UserError

    try:
        fmt = export_format(out)
    except UserError as e:
        fail(str(e))
    trace = _store(workspace).get(run_id)
    if trace is None:
        fail(f"no run with id {run_id!r}")
    out.write_text(render(trace, fmt), encoding="utf-8")
    console.print(f"Wrote {esc(out)} ({fmt})", highlight=False)


@app.command()
def reject(
    run_id: Annotated[str, typer.Argument(help="Run id.")],
    workspace: WorkspaceOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print exactly one JSON object on stdout.")] = False,
) -> None:
    """Mark a run as wrong: it never supports a learned plan again."""
    from llmos.cli._common import open_runtime, run_async

    async def go() -> tuple[str, list[str]]:
        async with open_runtime(workspace, None, start_mcp=False, must_exist=True) as rt:
            trace = rt.reject(run_id)
            return trace.id, [str(e.get("plan_id")) for e in trace.events if e.get("kind") == "demoted"]

    rid, demoted = run_async(go())
    if json_out:
        print(json.dumps({"run_id": rid, "rejected": True, "demoted": demoted}, ensure_ascii=False))
        return
    note = f" The plan it followed ({demoted[-1]}) was demoted." if demoted else ""
    console.print(f"Rejected {rid}; plans it supported were rebuilt without it.{note}")
