"""`llmos state`: the internal state (valence, latent mode, policy, suggestions), its history, reset.

Works on a workspace without starting the runtime: it opens the database and the configuration.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmos.cli._common import WorkspaceOpt, console, esc, existing_workspace, fail

if TYPE_CHECKING:
    from llmos.sentience import HistoryEntry, Sentience

app = typer.Typer(help="The internal state: valence, latent mode, policy and suggestions.", invoke_without_command=True)

SPARKS = "▁▂▃▄▅▆▇█"


def open_sentience(workspace: Path | None) -> Sentience:
    """The Sentience of a workspace, with its trace store attached (no runtime needed)."""
    from llmos.cli._db import open_db
    from llmos.exceptions import LLMOSError, UserError
    from llmos.sentience import Sentience

    path = existing_workspace(workspace)
    config, db = open_db(path)
    try:
        s = Sentience(db, config.sentience)
        try:
            from llmos.storage.traces import TraceStore

            s.attach_traces(TraceStore(db))
        except ImportError:  # pragma: no cover - a checkout without the trace store
            pass
    except (LLMOSError, UserError) as e:
        fail(str(e))
    return s


def sparkline(values: list[float], lo: float = -1.0, hi: float = 1.0) -> str:
    """One character per value, scaled from [lo, hi]."""
    span = hi - lo
    out = []
    for v in values:
        frac = 0.0 if span <= 0 else (min(max(v, lo), hi) - lo) / span
        out.append(SPARKS[min(len(SPARKS) - 1, int(frac * len(SPARKS)))])
    return "".join(out)


def _bar(value: float, setpoint: float, width: int = 21) -> str:
    """A [-1, 1] gauge: `|` marks the set-point, `●` the value."""
    cells = ["─"] * width
    pos = round((value + 1) / 2 * (width - 1))
    sp = round((setpoint + 1) / 2 * (width - 1))
    cells[sp] = "|"
    cells[pos] = "●"
    return "".join(cells)


def _render_state(snap: dict[str, Any]) -> None:
    from rich.table import Table

    if not snap["enabled"]:
        console.print("Sentience is [bold]disabled[/bold] ([sentience] enabled = false): the policy is neutral.")
        return
    table = Table(title=f"Internal state — latent mode [bold]{snap['latent_mode']}[/bold]")
    for col in ("dimension", "value", "set-point", "gauge"):
        table.add_column(col)
    for dim, value in snap["valence"].items():
        sp = snap["setpoints"][dim]
        table.add_row(dim, f"{value:+.3f}", f"{sp:+.2f}", _bar(value, sp))
    console.print(table)
    console.print(f"homeostatic cost: {snap['homeostatic_cost']:.4f}")
    policy = snap["policy"]
    ptable = Table(title="Policy")
    ptable.add_column("field")
    ptable.add_column("value")
    for key, value in policy.items():
        if key not in ("reasons", "mode"):
            ptable.add_row(key, str(value))
    console.print(ptable)
    for reason in policy["reasons"]:
        console.print(f"  • {esc(reason)}", highlight=False)
    opps = snap["opportunities"]
    if not opps:
        console.print("No improvement suggestions.")
        return
    otable = Table(title="Suggestions")
    for col in ("priority", "kind", "target", "why", "status"):
        otable.add_column(col, overflow="fold")
    for o in opps:
        status = "cooling down" if o["cooldown_until"] else ("actionable" if o["actionable"] else "report only")
        otable.add_row(f"{o['priority']:.2f}", o["kind"], o["target"][:60], o["description"], status)
    console.print(otable)


@app.callback()
def state(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the state as one JSON object.")] = False,
) -> None:
    """Show the valence, latent mode, policy and improvement suggestions."""
    if ctx.invoked_subcommand is not None:
        return
    snap = open_sentience(workspace).snapshot()
    if json_out:
        sys.stdout.write(json.dumps(snap, default=str) + "\n")
        return
    _render_state(snap)


def _render_history(entries: list[HistoryEntry], shown: int) -> None:
    from rich import box
    from rich.table import Table

    from llmos.sentience import DIMENSIONS

    if not entries:
        console.print("No state updates recorded yet.")
        return
    spark = Table(title=f"Valence over the last {len(entries)} updates")
    spark.add_column("dimension")
    spark.add_column("trend (-1 … +1)")
    spark.add_column("now", justify="right")
    for dim in DIMENSIONS:
        series = [e.valence.get(dim) for e in entries]
        spark.add_row(dim, sparkline(series), f"{series[-1]:+.3f}")
    console.print(spark)
    table = Table(title=f"Last {min(shown, len(entries))} updates", box=box.SIMPLE_HEAD)
    table.add_column("when", no_wrap=True)
    table.add_column("trigger", no_wrap=True)
    for short in ("safe", "curi", "enrg", "conf"):
        table.add_column(short, justify="right", no_wrap=True)
    table.add_column("mode", no_wrap=True)
    table.add_column("run", overflow="fold")
    for e in entries[-shown:]:
        when = time.strftime("%m-%d %H:%M:%S", time.localtime(e.at))
        trigger = e.trigger if e.magnitude == 1 else f"{e.trigger} ×{e.magnitude:.2f}"
        values = (f"{e.valence.get(d):+.2f}" for d in DIMENSIONS)
        table.add_row(when, trigger, *values, e.mode, e.run_id or "")
    console.print(table)


@app.command()
def history(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="Updates to chart (the newest).", min=1)] = 100,
    rows: Annotated[int, typer.Option(help="Updates to list in the table.", min=0)] = 20,
    json_out: Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")] = False,
) -> None:
    """The history of state updates: a sparkline per dimension and a table."""
    s = open_sentience(workspace)
    entries = s.history(limit)
    if json_out:
        sys.stdout.write(json.dumps([e.to_dict() for e in entries], default=str) + "\n")
        return
    if not s.enabled:
        console.print("Sentience is disabled ([sentience] enabled = false).")
        return
    _render_history(entries, rows)


@app.command()
def reset(
    workspace: WorkspaceOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Reset the state to the set-points and clear its history, cooldowns and action log."""
    s = open_sentience(workspace)
    if not yes and not typer.confirm("Reset the internal state and clear its history?"):
        raise typer.Exit(1)
    s.store.reset()  # works even when disabled: a maintenance command
    console.print("Internal state reset to the set-points.")


def feedback_command(run_id: str, rating: str, workspace: Path | None = None) -> bool:
    """`llmos feedback RUN_ID good|bad` without the runtime: checks the run exists, moves the state.

    Returns whether the state changed (False when disabled or the same rating was already given).
    """
    if rating not in ("good", "bad"):
        fail(f"rating must be 'good' or 'bad', not {rating!r}")
    s = open_sentience(workspace)
    full_id = run_id
    try:
        from llmos.storage.traces import TraceStore

        trace = TraceStore(s.store.db).get(run_id)
        if trace is None:
            fail(f"no run with id {run_id!r}")
        full_id = trace.id
        trace.event("feedback", good=rating == "good")
        TraceStore(s.store.db).save(trace)
    except ImportError:  # pragma: no cover - a checkout without the trace store
        pass
    changed = s.feedback(full_id, rating == "good")
    console.print(f"Recorded {rating} feedback for {full_id}" + ("." if changed else " (no change)."))
    return changed
