"""`llmos evolve`: crystallized tools and the versioned log of self-modification.

    llmos evolve list                   generated tools: plan, version, uses, status
    llmos evolve crystallize PLAN_ID    compile a learned plan into a tool now
    llmos evolve demote PLAN_ID         demote a plan and its crystallized tool (the model until new evidence)
    llmos evolve log                    every self-modification (agents, tools), newest first
    llmos evolve show ID                one change: who, when, why, and its diff
    llmos evolve revert ID              restore what a change replaced (a running server follows)

Works on the workspace files and database directly, without starting the runtime.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from llmos.cli._common import WorkspaceOpt, existing_workspace, fail, workspace_path

if TYPE_CHECKING:
    from llmos.evolution import Evolution
    from llmos.storage.versions import Change

app = typer.Typer(
    help="Crystallized tools and versioned self-modification: list, crystallize, log, show, revert.",
    no_args_is_help=True,
)

AsJson = Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")]


def _fail(message: str) -> NoReturn:
    from rich.markup import escape

    fail(escape(message))


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def _evolution(workspace: Path) -> Evolution:
    from llmos.config import load_config
    from llmos.evolution import Evolution
    from llmos.exceptions import LLMOSError
    from llmos.storage.factory import open_database
    from llmos.storage.versions import VersionStore
    from llmos.tools.registry import ToolRegistry

    workspace = existing_workspace(workspace)
    try:
        config = load_config(workspace)
        db = open_database(workspace, config)
        registry = ToolRegistry()
        if config.tools.builtin:  # so a new tool's name never shadows a builtin one
            from llmos.tools.builtin import builtin_tools

            for t in builtin_tools(workspace, config):
                registry.register(t, replace=True)
        versions = VersionStore(db, workspace, git=config.evolution.git)
        evo = Evolution(db, workspace, registry, versions, config.evolution)
        evo.load()
    except LLMOSError as e:
        _fail(str(e))
    return evo


def _change_json(change: Change, *, content: bool = False) -> dict[str, Any]:
    data = change.to_dict()
    if not content:
        data.pop("before", None)
        data.pop("after", None)
    return data


def _print_change(change: Change, *, diff: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.syntax import Syntax

    console = Console()
    head = f"[bold]#{change.id}[/bold] {escape(change.kind)} {escape(change.target)}"
    console.print(f"{head}  by {escape(change.who)} at {change.when}")
    if change.why:
        console.print(f"  why: {escape(change.why)}")
    if change.reverts is not None:
        console.print(f"  reverts change #{change.reverts}")
    if change.path:
        console.print(f"  file: {escape(change.path)}")
    if diff and change.diff:
        console.print(Syntax(change.diff, "diff", word_wrap=True))


@app.command("list")
def list_tools(workspace: WorkspaceOpt = None, as_json: AsJson = False) -> None:
    """Generated (crystallized) tools with their plan, version, uses and status."""
    evo = _evolution(workspace_path(workspace))
    rows = evo.tools()
    if as_json:
        _print_json(rows)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    if not rows:
        console.print("No crystallized tools yet: plans are crystallized once they have enough evidence.")
        return
    table = Table(title="Crystallized tools")
    for column in ("tool", "plan", "version", "status", "uses", "success", "note"):
        table.add_column(column)
    for r in rows:
        rate = "-" if r["success_rate"] is None else f"{r['success_rate']:.0%}"
        status = r["status"] + ("" if r["loaded"] or r["status"] != "active" else " (not loaded)")
        note = "pinned by a revert" if r["pinned"] else r["reason"]
        table.add_row(r["name"], r["plan_id"], str(r["version"]), status, str(r["uses"]), rate, escape(note[:80]))
    console.print(table)


@app.command()
def crystallize(
    plan_id: Annotated[str, typer.Argument(help="A plan id from `llmos plans list`.")],
    workspace: WorkspaceOpt = None,
    why: Annotated[str, typer.Option(help="Why (recorded in the evolution log).")] = "",
    as_json: AsJson = False,
) -> None:
    """Compile a learned plan into a tool now (refused, with the reasons, when the plan is unsafe)."""
    from llmos.exceptions import LLMOSError

    evo = _evolution(workspace_path(workspace))
    try:
        change = evo.crystallize(plan_id, who="user", why=why)
    except LLMOSError as e:
        _fail(str(e))
    if as_json:
        _print_json(_change_json(change))
        return
    typer.echo(
        f"crystallized plan {plan_id} as {change.target.removeprefix('tool:')} ({change.path}); change #{change.id}"
    )


@app.command()
def demote(
    plan_id: Annotated[str, typer.Argument(help="A plan id from `llmos plans list`.")],
    workspace: WorkspaceOpt = None,
    reason: Annotated[str, typer.Option(help="Why (recorded in the evolution log).")] = "demoted by the user",
    as_json: AsJson = False,
) -> None:
    """Demote a plan and its crystallized tool: the model solves its goals until new evidence."""
    from llmos.cli._common import open_runtime, run_async

    async def go() -> list[str]:
        async with open_runtime(workspace_path(workspace), None, start_mcp=False) as rt:
            return rt.demote(plan_id, reason, who="user")

    done = run_async(go())  # an unknown plan is a clear error (exit code 2)
    if as_json:
        _print_json({"plan_id": plan_id, "done": done})
        return
    typer.echo("\n".join(done))


@app.command()
def log(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="How many changes, newest first.")] = 30,
    kind: Annotated[str | None, typer.Option(help="Only this kind (a trailing * matches a prefix).")] = None,
    target: Annotated[str | None, typer.Option(help="Only this target, e.g. tool:convert_save.")] = None,
    as_json: AsJson = False,
) -> None:
    """Every self-modification (agents and tools created, edited, crystallized, demoted, reverted)."""
    from llmos.cli._db import has_db

    ws = workspace_path(workspace)
    changes = []
    if has_db(ws):
        changes = _evolution(ws).versions.history(target=target, kind=kind, limit=limit)
    if as_json:
        _print_json([_change_json(c) for c in changes])
        return
    if not changes:
        typer.echo("No self-modifications recorded yet.")
    for c in changes:
        _print_change(c, diff=False)


@app.command()
def show(
    change_id: Annotated[int, typer.Argument(help="A change id from `llmos evolve log`.")],
    workspace: WorkspaceOpt = None,
    as_json: AsJson = False,
) -> None:
    """One change: who, when, why and its diff."""
    from llmos.exceptions import LLMOSError

    evo = _evolution(workspace_path(workspace))
    try:
        change = evo.versions.get(change_id)
    except LLMOSError as e:
        _fail(str(e))
    if as_json:
        _print_json(_change_json(change, content=True))
        return
    _print_change(change, diff=True)


@app.command()
def revert(
    change_id: Annotated[int, typer.Argument(help="A change id from `llmos evolve log`.")],
    workspace: WorkspaceOpt = None,
    why: Annotated[str, typer.Option(help="Why (recorded in the evolution log).")] = "",
    force: Annotated[bool, typer.Option("--force", help="Revert even if the file changed since.")] = False,
    as_json: AsJson = False,
) -> None:
    """Restore what a change replaced (recorded as a change of its own). A running server follows."""
    from llmos.exceptions import LLMOSError

    evo = _evolution(workspace_path(workspace))
    try:
        change = evo.revert(change_id, who="user", force=force, why=why)
    except LLMOSError as e:
        _fail(str(e))
    if as_json:
        _print_json(_change_json(change))
        return
    typer.echo(f"reverted change #{change_id} ({change.target}); change #{change.id}")
