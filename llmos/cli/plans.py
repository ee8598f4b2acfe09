"""`llmos plans`: the plans the learning layer has learned (skeleton, slots, evidence, explanations)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmos._text import plural
from llmos.cli._common import WorkspaceOpt, console, esc, existing_workspace, fail

if TYPE_CHECKING:
    from llmos.learning.engine import LearningEngine

app = typer.Typer(help="Learned plans (what FOLLOWER replays).", no_args_is_help=True)


def _engine(workspace: Path | None) -> LearningEngine:
    from llmos.cli._db import open_db
    from llmos.learning.engine import LearningEngine

    config, db = open_db(existing_workspace(workspace), create=False)
    return LearningEngine(db, config.learning)


@app.command("list")
def list_(
    workspace: WorkspaceOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Plain JSON on stdout.")] = False,
) -> None:
    """List learned plans with their support, replays and confidence."""
    from rich.table import Table

    from llmos.learning.selection import follower_confidence

    engine = _engine(workspace)
    plans = engine.plans()
    if json_out:
        out = [dict(p.describe(), confidence=follower_confidence(p, engine.config)) for p in plans]
        sys.stdout.write(json.dumps(out, default=str) + "\n")
        return
    table = Table(title=plural(len(plans), "learned plan"))
    for col in ("id", "skeleton", "tools", "support", "replays ok/all", "fallbacks", "confidence", "safe"):
        table.add_column(col)
    for p in plans:
        unsafe = p.unsafe_reasons()
        table.add_row(
            p.id,
            p.skeleton_text(),
            " -> ".join("+".join(g) for g in p.seq),
            str(p.support),
            f"{p.replay_successes}/{p.uses}",
            str(p.fallbacks),
            f"{follower_confidence(p, engine.config):.3f}",
            "yes" if not unsafe else "[yellow]no[/yellow]",
        )
    console.print(table)


@app.command("show")
def show(
    plan_id: Annotated[str, typer.Argument(help="A plan id from `llmos plans list`.")],
    workspace: WorkspaceOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Plain JSON on stdout.")] = False,
) -> None:
    """One plan: skeleton, slots, steps, evidence and how each argument is explained."""
    from llmos.exceptions import UserError
    from llmos.learning.selection import follower_confidence

    engine = _engine(workspace)
    try:
        plan = engine.plan(plan_id)
    except UserError as e:
        fail(str(e))
    data = dict(plan.describe(), confidence=follower_confidence(plan, engine.config))
    if json_out:
        sys.stdout.write(json.dumps(data, default=str) + "\n")
        return
    console.print(f"[bold]{plan.id}[/bold]  {esc(plan.skeleton_text())}", highlight=False)
    console.print(
        f"support {plan.support} (min {engine.config.min_support}), "
        f"replays {plan.replay_successes}/{plan.uses}, fallbacks {plan.fallbacks}, "
        f"confidence {data['confidence']:.3f}",
        highlight=False,
    )
    for s in data["slots"]:
        console.print(f"  slot {{{s['name']}}} at word {s['position']}: shapes {s['shapes']}, e.g. {s['values']}")
    for reason in data["unsafe"]:
        console.print(f"  [yellow]unsafe:[/yellow] {esc(reason)}", highlight=False)
    for x in data["explanations"]:
        console.print(
            f"  step {x['step']} {x['tool']}.{x['argument']} = {' | '.join(x['explanations'])}",
            highlight=False,
        )
