"""`llmos schedule add|list|remove`: goals run on a cron schedule by `llmos serve`.

These open the workspace database directly (no model, no MCP servers). `llmos serve` fires each due
slot once, whichever of several servers on the database claims it (see llmos.ops.scheduler).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from llmos.cli._common import WorkspaceOpt, console, existing_workspace, fail

if TYPE_CHECKING:
    from llmos.storage.schedules import Schedule, ScheduleStore

app = typer.Typer(help="Goals run on a cron schedule by `llmos serve` (each slot once across servers).")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")]


@contextmanager
def _store(workspace: Path | None) -> Iterator[ScheduleStore]:
    from llmos.cli._db import open_db
    from llmos.exceptions import LLMOSError
    from llmos.storage.schedules import ScheduleStore

    db = open_db(existing_workspace(workspace))[1]
    try:
        yield ScheduleStore(db)
    except LLMOSError as e:
        fail(str(e))
    finally:
        db.close()


def _describe(store: ScheduleStore, sched: Schedule, now: float) -> dict[str, Any]:
    from llmos.cron import iso, next_slot

    out = sched.to_dict()
    nxt = next_slot(sched.cron, sched.tz, now)
    out["next_slot"], out["next_at"] = nxt, iso(nxt)
    last = store.last_fire(sched.id)
    out["last_fire"] = {**last.to_dict(), "slot_at": iso(last.slot)} if last else None
    return out


@app.command("add")
def add(
    cron: Annotated[str, typer.Argument(help="Cron expression, e.g. '0 9 * * 1-5' (quote it).")],
    goal: Annotated[str, typer.Argument(help="The goal to run at each slot.")],
    workspace: WorkspaceOpt = None,
    agent: Annotated[str | None, typer.Option(help="Markdown agent to run as.")] = None,
    mode: Annotated[str, typer.Option(help="auto | learner | follower | mixed | crystallized | orchestrator")] = "auto",
    tz: Annotated[str, typer.Option("--tz", help="Time zone of the expression (IANA name).")] = "UTC",
    json_out: JsonOpt = False,
) -> None:
    """Schedule a goal. `llmos serve` runs it at each slot (the latest missed slot once, on start)."""
    from llmos.cron import check_cron, check_tz
    from llmos.exceptions import LLMOSError
    from llmos.limits import MAX_GOAL_CHARS
    from llmos.result import MODES

    try:
        cron = check_cron(cron)
        check_tz(tz)
    except LLMOSError as e:
        fail(str(e))
    if mode not in MODES:
        fail(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if len(goal) > MAX_GOAL_CHARS:
        fail(f"the goal is too long ({len(goal):,} characters; the limit is {MAX_GOAL_CHARS:,})")
    if agent:
        from llmos.agents import AgentRegistry

        try:
            AgentRegistry(existing_workspace(workspace)).get(agent)
        except LLMOSError as e:
            fail(str(e))
    with _store(workspace) as store:
        sched = store.add(cron, goal, tz=tz, agent=agent, mode=mode)
        data = _describe(store, sched, time.time())
    if json_out:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        console.print(
            f"Scheduled [bold]{sched.id}[/bold] ({escape(sched.cron)} {escape(sched.tz)}): next at {data['next_at']}",
            highlight=False,
        )


@app.command("list")
def list_(workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """The schedules, their next slot and their last fire."""
    now = time.time()
    with _store(workspace) as store:
        rows = [_describe(store, s, now) for s in store.list()]
    if json_out:
        sys.stdout.write(json.dumps({"schedules": rows}, ensure_ascii=False) + "\n")
        return
    if not rows:
        console.print("No schedules. Add one with `llmos schedule add CRON GOAL`.")
        return
    table = Table(title="Schedules")
    for col in ("id", "cron", "goal", "agent", "next", "last fire"):
        table.add_column(col)
    for r in rows:
        last = r["last_fire"]
        fired = f"{last['slot_at']} {last['status']} {last['run_id'] or ''}".strip() if last else "-"
        cron = escape(f"{r['cron']} ({r['tz']})")
        table.add_row(r["id"], cron, escape(r["goal"][:60]), escape(r["agent"] or "-"), r["next_at"], escape(fired))
    console.print(table)


@app.command("remove")
def remove(
    schedule_id: Annotated[str, typer.Argument(help="The schedule (see `llmos schedule list`).")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Remove a schedule (and the record of its fires)."""
    with _store(workspace) as store:
        if not store.remove(schedule_id):
            fail(f"no schedule with id {schedule_id!r}: see `llmos schedule list`")
    console.print(f"Removed schedule {escape(schedule_id)}.")
