"""`llmos agents`: list, show, history and revert the Markdown agents of a workspace.

Works on the workspace files and database directly, without starting the runtime.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from llmos.cli._common import WorkspaceOpt, fail, workspace_path

if TYPE_CHECKING:
    from llmos.agents.parse import Agent
    from llmos.storage.versions import Change, VersionStore

app = typer.Typer(help="Markdown agents: list, show, history and revert.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")]


def _fail(message: str) -> NoReturn:
    from rich.markup import escape

    fail(escape(message))


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def _agent_json(agent: Agent, *, prompt: bool) -> dict[str, Any]:
    data = agent.to_dict()
    if not prompt:
        data.pop("system_prompt", None)
    return data


def _versions(workspace: Path, *, create: bool) -> VersionStore | None:
    from llmos.cli._db import has_db, open_db
    from llmos.storage.versions import VersionStore

    if not create and not has_db(workspace):
        return None
    config, db = open_db(workspace)
    return VersionStore(db, workspace, git=config.evolution.git if create else False)


@app.command("list")
def list_agents(workspace: WorkspaceOpt = None, as_json: AsJson = False) -> None:
    """List the agents (builtin and workspace) and any broken agent files."""
    from llmos.agents.registry import AgentRegistry

    workspace = workspace_path(workspace)
    registry = AgentRegistry(workspace)
    agents, errors = registry.list(), registry.errors()
    if as_json:
        _print_json({"agents": [_agent_json(a, prompt=False) for a in agents], "errors": errors})
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table(title=f"Agents in {workspace.resolve()}")
    for column in ("name", "source", "model", "tools", "description"):
        table.add_column(column)
    for a in agents:
        tools = "all" if a.tools is None else (", ".join(a.tools) or "none")
        table.add_row(a.name, a.source, a.model or "default", escape(tools), escape(a.description))
    console.print(table)
    for fname, message in errors.items():
        console.print(f"[red]broken[/red] agents/{escape(fname)}: {escape(message)}")


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="The agent's name (see `llmos agents list`).")],
    workspace: WorkspaceOpt = None,
    as_json: AsJson = False,
) -> None:
    """Show one agent: its settings and system prompt."""
    from llmos.agents.registry import AgentRegistry
    from llmos.exceptions import AgentError

    try:
        agent = AgentRegistry(workspace_path(workspace)).get(name)
    except AgentError as e:
        _fail(str(e))
    if as_json:
        _print_json(_agent_json(agent, prompt=True))
        return
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.markup import escape

    console = Console()
    console.print(f"[bold]{agent.name}[/bold] ({agent.source}: {escape(str(agent.path))})")
    console.print(f"description: {escape(agent.description)}")
    console.print(f"tools: {'all' if agent.tools is None else escape(', '.join(agent.tools)) or 'none'}")
    console.print(f"model: {escape(agent.model or 'default')}")
    if agent.max_turns is not None:
        console.print(f"max_turns: {agent.max_turns}")
    if agent.budget_usd is not None:
        console.print(f"budget_usd: {agent.budget_usd}")
    console.rule("system prompt")
    console.print(Markdown(agent.system_prompt))


def _change_json(change: Change, *, content: bool) -> dict[str, Any]:
    data = change.to_dict()
    if not content:
        data.pop("before", None)
        data.pop("after", None)
    return data


@app.command()
def history(
    name: Annotated[str, typer.Argument(help="The agent's name (see `llmos agents list`).")],
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="How many changes, newest first.")] = 20,
    diff: Annotated[bool, typer.Option("--diff", help="Show each change's diff.")] = False,
    as_json: AsJson = False,
) -> None:
    """The change log of one agent, newest first."""
    from llmos.agents.tools import agent_target

    versions = _versions(workspace_path(workspace), create=False)
    changes = versions.history(target=agent_target(name), limit=limit) if versions else []
    if as_json:
        _print_json([_change_json(c, content=False) for c in changes])
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.syntax import Syntax

    console = Console()
    if not changes:
        console.print(f"no recorded changes for agent {escape(name)}")
        return
    for c in changes:
        reverts = f" (reverts {c.reverts})" if c.reverts else ""
        head = f"[bold]#{c.id}[/bold] {c.when} [cyan]{c.kind}[/cyan]{reverts}"
        console.print(f"{head} by {escape(c.who)}: {escape(c.why)}")
        if diff and c.diff:
            console.print(Syntax(c.diff, "diff", theme="ansi_dark"))


@app.command()
def revert(
    name: Annotated[str, typer.Argument(help="The agent's name (see `llmos agents list`).")],
    workspace: WorkspaceOpt = None,
    change: Annotated[int | None, typer.Option("--change", help="Change id (default: the latest).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Revert even if the file changed since.")] = False,
    why: Annotated[str, typer.Option("--why", help="Reason kept in the change log.")] = "",
    as_json: AsJson = False,
) -> None:
    """Undo a change to an agent (by default its latest change); the revert is itself logged."""
    from llmos.agents.tools import agent_target
    from llmos.exceptions import UserError

    target = agent_target(name)
    try:
        versions = _versions(workspace_path(workspace), create=True)
        assert versions is not None
        if change is None:
            latest = versions.latest(target)
            if latest is None:
                _fail(f"no recorded changes for agent {name!r}")
            change = latest.id
        elif versions.get(change).target != target:
            _fail(f"change {change} is not a change of agent {name!r}")
        done = versions.revert(change, who="cli", why=why, force=force)
    except UserError as e:
        _fail(str(e))
    if as_json:
        _print_json(_change_json(done, content=False))
        return
    from rich.console import Console

    state = "deleted" if done.after is None else "restored"
    Console().print(f"reverted change {change} of agent {name}: {done.path} {state} (change {done.id})")
