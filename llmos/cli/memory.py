"""`llmos memory list|add|search|forget` (facts, L4) and `llmos sessions list|show|delete` (L2).

These open the workspace database directly (no model, no MCP servers): they answer in well
under a second. Reading commands never create a workspace.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from llmos.cli._common import WorkspaceOpt, console, fail, workspace_path

if TYPE_CHECKING:
    from llmos.memory import Memory

app = typer.Typer(help="Facts remembered across runs (memory_write / memory_search).", no_args_is_help=True)
sessions_app = typer.Typer(
    help="Conversations that outlive the process (`llmos chat --session ID`).", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")]


@contextmanager
def _memory(workspace: Path | None, *, create: bool = False) -> Iterator[Memory]:
    from llmos.cli._db import open_db
    from llmos.exceptions import LLMOSError
    from llmos.memory import Memory

    ws = workspace_path(workspace)
    missing = f"no LLM OS workspace at {ws} (nothing has run there yet): check --workspace"
    config, db = open_db(ws, create=create, missing=missing)
    try:
        yield Memory(db, config.memory)
    except LLMOSError as e:
        fail(str(e))
    finally:
        db.close()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _facts_table(rows: list[dict[str, Any]], title: str) -> None:
    table = Table(title=title)
    for col in ("id", "namespace", "text", "source run", "note"):
        table.add_column(col)
    for r in rows:
        note = "rejected run" if r.get("rejected") else ""
        if "score" in r:
            note = f"score {r['score']:.4f}" + (", " + note if note else "")
        table.add_row(r["id"], escape(r["namespace"]), escape(r["text"]), r.get("source_run") or "", note)
    console.print(table)


@app.command("list")
def list_facts(
    workspace: WorkspaceOpt = None,
    namespace: Annotated[str | None, typer.Option(help="Only this namespace.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 100,
    json_out: JsonOpt = False,
) -> None:
    """The facts, newest first (facts written by rejected runs are marked)."""
    with _memory(workspace) as memory:
        rows = [f.to_dict() for f in memory.facts.all(namespace, limit=limit)]
    _print_json(rows) if json_out else _facts_table(rows, f"{len(rows)} fact{'s' if len(rows) != 1 else ''}")


@app.command()
def add(
    text: Annotated[str, typer.Argument(help="The fact.")],
    workspace: WorkspaceOpt = None,
    namespace: Annotated[str, typer.Option(help="A group for the fact.")] = "default",
    json_out: JsonOpt = False,
) -> None:
    """Remember a fact."""
    with _memory(workspace, create=True) as memory:
        fact = memory.facts.add(text, namespace=namespace, metadata={"by": "cli"})
    _print_json(fact.to_dict()) if json_out else console.print(f"Remembered {fact.id}.")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What you want to know.")],
    workspace: WorkspaceOpt = None,
    namespace: Annotated[str | None, typer.Option(help="Only this namespace.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 5,
    json_out: JsonOpt = False,
) -> None:
    """Facts ranked for a query (BM25, fused with embeddings when installed)."""
    with _memory(workspace) as memory:
        rows = [r.to_dict() for r in memory.search(query, k=limit, namespace=namespace)]
    _print_json(rows) if json_out else _facts_table(rows, f"facts for {escape(query)!r}")


@app.command()
def forget(
    fact_id: Annotated[str, typer.Argument(help="The fact's id (see `llmos memory list`).")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Forget a fact."""
    with _memory(workspace) as memory:
        if not memory.facts.forget(fact_id):
            fail(f"no fact with id {fact_id!r}")
    console.print(f"Forgot {fact_id}.")


@sessions_app.command("list")
def list_sessions(workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """Sessions, most recently used first."""
    with _memory(workspace) as memory:
        rows = [s.to_dict() for s in memory.sessions.list()]
    if json_out:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows)} session{'s' if len(rows) != 1 else ''}")
    for col in ("id", "turns", "agent", "first goal"):
        table.add_column(col)
    for r in rows:
        table.add_row(escape(r["id"]), str(r["turns"]), escape(r["agent"]), escape(r["title"]))
    console.print(table)


@sessions_app.command()
def show(
    session_id: Annotated[str, typer.Argument(help="The session.")],
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A session's turns: goal, answer, run."""
    with _memory(workspace) as memory:
        info = memory.sessions.get(session_id)
        if info is None:
            fail(f"no session {session_id!r}")
        turns = memory.sessions.turns(session_id)
    if json_out:
        _print_json({**info.to_dict(), "turns": [t.__dict__ for t in turns]})
        return
    console.print(f"[bold]session {escape(info.id)}[/bold] ({len(turns)} turn{'s' if len(turns) != 1 else ''})")
    for t in turns:
        console.print(f"[cyan]{t.seq}. you[/cyan] {escape(t.goal)}  [dim]({t.run_id})[/dim]")
        console.print(f"   [green]llmos[/green] {escape(t.answer)}")


@sessions_app.command()
def delete(session_id: Annotated[str, typer.Argument(help="The session.")], workspace: WorkspaceOpt = None) -> None:
    """Delete a session's history (its runs' traces stay)."""
    with _memory(workspace) as memory:
        if not memory.sessions.delete(session_id):
            fail(f"no session {session_id!r}")
    console.print(f"Deleted session {escape(session_id)}.")
