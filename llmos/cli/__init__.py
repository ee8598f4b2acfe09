"""The `llmos` command. Heavy modules are imported inside commands so start-up stays fast."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from llmos.cli._common import (
    WorkspaceOpt,
    console,
    err_console,
    esc,
    existing_workspace,
    fail,
    open_runtime,
    run_async,
    workspace_path,
)
from llmos.cli._lazy import GROUPS, LazyGroup

app = typer.Typer(
    name="llmos",
    help="LLM OS: a runtime for LLM agents that gets cheaper, faster and safer the more it is used.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroup,
)

for _name, _module in [
    ("traces", "llmos.cli.traces"),
    ("policy", "llmos.cli.policy"),
    ("tools", "llmos.cli.tools"),
    ("agents", "llmos.cli.agents"),
    ("state", "llmos.cli.state"),
    ("plans", "llmos.cli.plans"),
    ("evolve", "llmos.cli.evolve"),
    ("memory", "llmos.cli.memory"),
    ("mcp", "llmos.cli.mcp"),
    ("schedule", "llmos.cli.schedule"),
]:
    # imported when first used (llmos.cli._lazy): `llmos run` loads none of them
    GROUPS[_name] = (_module, "app")
    if _name == "memory":
        GROUPS["sessions"] = (_module, "sessions_app")


@app.callback()
def _root(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More log output on stderr.")] = 0,
) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


@app.command()
def run(
    goal: Annotated[str, typer.Argument(help="What you want done.")],
    workspace: WorkspaceOpt = None,
    mode: Annotated[str, typer.Option(help="auto | learner | follower | mixed | crystallized | orchestrator")] = "auto",
    model: Annotated[
        str | None, typer.Option(help="Model spec: test, anthropic:NAME, openai:NAME, ollama:NAME")
    ] = None,
    agent: Annotated[str | None, typer.Option(help="Markdown agent to run as.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print exactly one JSON object on stdout.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show why this mode was chosen.")] = False,
    session: Annotated[str | None, typer.Option(help="Continue (or start) a stored conversation.")] = None,
) -> None:
    """Run one goal."""
    from llmos.cli._runcmd import run_goal

    data = run_goal(goal, workspace, mode=mode, model=model, agent=agent, json_out=json_out, session=session)
    if json_out:
        if not explain:
            data.pop("mode_reason", None)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    else:
        from llmos.cli.render import render_result

        render_result(data, explain=explain)
    raise typer.Exit(0 if data["success"] else 1)


@app.command()
def chat(
    workspace: WorkspaceOpt = None,
    model: Annotated[str | None, typer.Option(help="Model spec.")] = None,
    agent: Annotated[str | None, typer.Option(help="Markdown agent.")] = None,
    session: Annotated[
        str | None, typer.Option(help="A stored conversation to resume (or start); it survives restarts.")
    ] = None,
) -> None:
    """An interactive session: each line is a goal; the conversation is kept between turns."""
    from llmos.cli.chat import chat_loop

    run_async(chat_loop(workspace, model, agent, session=session))


@app.command()
def budget(
    workspace: WorkspaceOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")] = False,
) -> None:
    """Budget balance and spending by mode and model."""
    from llmos.cli._db import open_db
    from llmos.cli.render import render_budget
    from llmos.kernel.economy import Ledger

    config, db = open_db(existing_workspace(workspace))  # a malformed llmos.toml: a message and exit code 2
    try:
        ledger = Ledger(db, config.budget)
        data = {
            "balance": ledger.balance().to_dict(),
            "by_mode": ledger.spending("mode"),
            "by_model": ledger.spending("model"),
            "by_agent": ledger.spending("agent"),
        }
    finally:
        db.close()
    if json_out:
        sys.stdout.write(json.dumps(data) + "\n")
    else:
        render_budget(data)


@app.command()
def stats(
    workspace: WorkspaceOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")] = False,
) -> None:
    """Runs, success and spend by mode, and what learning saved."""
    from llmos.cli.render import render_stats

    async def go() -> dict[str, Any]:
        async with open_runtime(workspace, None, start_mcp=False, must_exist=True) as rt:
            return rt.stats()

    data = run_async(go())
    if json_out:
        sys.stdout.write(json.dumps(data, default=str) + "\n")
    else:
        render_stats(data)


@app.command()
def init(
    workspace: Annotated[Path, typer.Argument(help="Directory to create.")] = Path("workspace"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing llmos.toml.")] = False,
) -> None:
    """Create a workspace with a commented llmos.toml."""
    from llmos.config import CONFIG_FILE, DEFAULT_TOML

    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / "agents").mkdir(exist_ok=True)
    (workspace / "tools" / "generated").mkdir(parents=True, exist_ok=True)
    target = workspace / CONFIG_FILE
    if target.exists() and not force:
        fail(f"{target} already exists (use --force to overwrite)")
    target.write_text(DEFAULT_TOML)
    console.print(f"[green]Created[/green] {esc(target)}", highlight=False)


@app.command()
def demo(
    workspace: Annotated[
        Path | None, typer.Option(help="Workspace for the demo (default: a fresh temporary one).")
    ] = None,
) -> None:
    """The offline demo: real tool calls, traces, costs and learning, with the shipped test model."""
    from llmos.cli.demo import run_demo

    run_async(run_demo(workspace))


@app.command()
def serve(
    workspace: WorkspaceOpt = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default: \\[server] host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port, 0 picks a free one (default: \\[server] port).")] = None,
    model: Annotated[str | None, typer.Option(help="Model spec.")] = None,
) -> None:
    """Serve the HTTP API (POST /v1/execute, GET /healthz, ...)."""
    from llmos.cli.serve import serve_command

    serve_command(workspace_path(workspace), host, port, model)


@app.command()
def feedback(
    run_id: Annotated[str, typer.Argument(help="The run to rate.")],
    rating: Annotated[str, typer.Argument(help="good | bad")],
    workspace: WorkspaceOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print exactly one JSON object on stdout.")] = False,
) -> None:
    """Tell LLM OS whether a run was good or bad (it moves the internal state)."""
    if rating not in ("good", "bad"):
        fail(f"rating must be 'good' or 'bad', not {rating!r}")

    async def go() -> dict[str, Any]:
        async with open_runtime(workspace, None, start_mcp=False, must_exist=True) as rt:
            await rt.feedback(run_id, rating == "good")
            trace = rt.traces.require(run_id)
            demoted = [e.get("plan_id") for e in trace.events if e.get("kind") == "demoted"]
            return {"run_id": trace.id, "rating": rating, "rejected": trace.rejected, "demoted": demoted}

    data = run_async(go())
    if json_out:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    note = f" The plan it followed ({data['demoted'][-1]}) was demoted." if data["demoted"] else ""
    console.print(f"Recorded {rating} feedback for {run_id}.{note}")


def main() -> None:
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    from llmos.exceptions import LLMOSError

    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise SystemExit(130) from None
    except LLMOSError as e:  # a command that did not turn its error into `fail`: still one clear line
        from llmos.cli._common import json_error

        json_error(str(e))
        err_console.print(f"[red]error:[/red] {esc(e)}", highlight=False)
        raise SystemExit(2) from None
