"""`llmos demo`: the offline tour. Everything real (tools, SQLite, policy, replay); only the model
is the shipped test model."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table

from llmos.cli._common import console
from llmos.cli.demo_world import currency_agent, demo_tools
from llmos.cli.render import MODE_COLOURS

# the first two runs see the smallest and the largest amount: a replay writes only amounts inside the range
# its supporting runs saw (rule 1); the last goal asks for more than any run converted, and goes to the model
CURRENCY_GOALS = [
    "Convert 15.25 AUD to USD and save it as 'lunch_usd'",
    "Convert 7300 GBP to JPY and save it as 'tour_jpy'",
    "Convert 120 USD to EUR and save it as 'trip_eur'",
    "Convert 75.5 GBP to JPY and save it as 'gift_jpy'",
    "Convert 300 USD to CHF and save it as 'rent_chf'",
    "Convert 42 EUR to GBP and save it as 'books_gbp'",
    "Convert 980 USD to INR and save it as 'fees_inr'",
    "Convert 2500 CAD to USD and save it as 'car_usd'",
    "Convert 64 EUR to USD and save it as 'dinner_usd'",
    "Convert 19.99 USD to EUR and save it as 'book_eur'",
    "Convert 25000 USD to CHF and save it as 'boat_chf'",
]


async def run_demo(workspace: Path | None) -> None:
    from llmos.models.testmodel import TestModel
    from llmos.runtime import LLMOS

    tmp = None
    if workspace is None:
        tmp = tempfile.TemporaryDirectory(prefix="llmos-demo-")
        workspace = Path(tmp.name)
    workspace.mkdir(parents=True, exist_ok=True)
    console.print(
        Panel.fit(
            "[bold]LLM OS offline demo[/bold]\nEverything is real — tools, SQLite traces, the budget ledger, the "
            "security policy, replay — except the model, which is the shipped deterministic test model\n"
            f"(priced like claude-sonnet-4-5). Workspace: {workspace}"
        )
    )
    scripted = TestModel(script=currency_agent)
    try:
        async with LLMOS(workspace=workspace, model=scripted, tools=demo_tools(workspace)) as os:
            await _builtin_tools(os, TestModel())
            await _learning(os)
            await _security(os, TestModel())
            await _orchestration(os)
            _summary(os)
    finally:
        if tmp is not None:
            tmp.cleanup()


async def _builtin_tools(os: Any, model: Any) -> None:
    console.print(Rule("1 · a goal solved with real tool calls"))
    goal = "Create a file hello.txt with the text 'Hello from LLM OS'"
    r = await os.execute(goal, model=model, mode="learner")
    for c in r.tool_calls:
        console.print(f"  → [bold]{c['name']}[/bold] {json.dumps(c['arguments'])} = {c['result'][:80]}")
    content = (os.workspace / "hello.txt").read_text() if (os.workspace / "hello.txt").exists() else "(missing)"
    console.print(f"  hello.txt now contains: [green]{content!r}[/green]")
    trace = os.traces.get(r.run_id)
    console.print(
        f"  trace [bold]{r.run_id}[/bold] stored ({len(trace.tool_calls)} tool calls, "
        f"{trace.llm_calls} model calls) · cost ${r.cost_usd:.6f} charged to the ledger "
        f"(remaining ${os.ledger.balance().remaining_usd:.4f})"
    )


async def _learning(os: Any) -> None:
    console.print(Rule("2 · the same kind of goal, again and again: learning"))
    table = Table()
    table.add_column("#", no_wrap=True, min_width=2)
    table.add_column("goal", no_wrap=True, overflow="ellipsis", max_width=44)
    for col, width in (("mode", 22), ("calls", 5), ("tokens", 6), ("cost", 9), ("saved", 9), ("ms", 5)):
        table.add_column(col, no_wrap=True, min_width=width)
    learner_cost = 0.0
    stopped: list[str] = []
    for i, goal in enumerate(CURRENCY_GOALS, 1):
        r = await os.execute(goal)
        if r.mode == "learner":
            learner_cost = r.cost_usd
        colour = MODE_COLOURS.get(r.mode, "white")
        ok = "" if r.success else " [red](failed)[/red]"
        fell = [e for e in os.traces.require(r.run_id).events if e.get("kind") == "fallback"]
        if fell:  # the replay met something its plan did not foresee: the model took over
            ok += f" [dim]← {fell[0]['from_mode']}[/dim]"
            stopped.append(f"#{i} {fell[0].get('reason', '')}")
        table.add_row(
            str(i),
            goal,
            f"[{colour}]{r.mode}[/{colour}]{ok}",
            str(r.llm_calls),
            str(r.input_tokens + r.output_tokens),
            f"${r.cost_usd:.6f}",
            f"${r.saved_usd:.6f}" if r.saved_usd else "",
            f"{r.duration_s * 1000:.1f}",
        )
    console.print(table)
    for why in stopped[:4]:  # what `llmos run --explain` shows as the fallback's reason
        console.print(f"  [dim]replay handed to the model: {why}[/dim]")
    values = json.loads((os.workspace / "values.json").read_text())
    console.print(f"  values.json holds {len(values)} saved conversions, e.g. trip_eur = {values.get('trip_eur')}")
    plans = os.learning.plans()
    if plans:
        p = plans[0]
        console.print(
            f"  learned plan [bold]{p.id}[/bold]: '{p.skeleton_text()}' — {p.support} supporting runs, "
            f"{p.replay_successes} successful replays"
        )
    for t in os.evolution.tools():
        console.print(
            f"  crystallized tool [magenta]{t['name']}[/magenta] (tools/generated/{t['name']}.py) "
            f"compiled from that plan, no model involved"
        )
    if learner_cost:
        console.print(f"  a LEARNER run cost ${learner_cost:.6f}; replays cost $0 and no model call.")


async def _security(os: Any, model: Any) -> None:
    console.print(Rule("3 · every tool call passes the security policy"))
    r = await os.execute("Run the command `rm -rf /` to free some space", model=model, mode="learner")
    for c in r.tool_calls:
        style = "red" if c["is_error"] else "green"
        console.print(f"  → {c['name']} {json.dumps(c['arguments'])}: [{style}]{c['result'][:120]}[/{style}]")
    console.print(f"  run success: {r.success}")
    if os.sentience is not None:
        snap = os.sentience.snapshot()
        console.print(
            f"  internal state after the violation: {json.dumps(snap.get('valence'))} "
            f"→ latent mode [bold]{snap.get('latent_mode')}[/bold]"
        )


ORCHESTRATED_GOALS = [
    "Convert 120 USD to EUR and save it as 'hotel_eur'; convert 80 GBP to JPY and save it as 'rail_jpy'",
    "Convert 45 USD to EUR and save it as 'taxi_eur'; convert 300 GBP to JPY and save it as 'show_jpy'",
]


def _orchestra_model() -> Any:
    """The test model as planner and combiner; the currency agent for the subtasks."""
    from llmos.models import _testplanner
    from llmos.models.testmodel import TestModel

    def respond(request: Any) -> Any:
        return _testplanner.respond(request) or currency_agent(request)

    return TestModel(script=respond)


async def _orchestration(os: Any) -> None:
    console.print(Rule("4 · a goal with independent parts: split across agents, run in parallel, combined"))
    model = _orchestra_model()
    for i, goal in enumerate(ORCHESTRATED_GOALS):
        r = await os.execute(goal, model=model, mode="orchestrator" if i == 0 else "auto")
        created = [c["arguments"]["name"] for c in r.tool_calls if c["name"] == "create_agent"]
        how = "--mode orchestrator" if i == 0 else f"AUTO chose it: {r.mode_reason.get('why', '')[:90]}"
        console.print(f"  [bold]{goal}[/bold]\n  [blue]{r.mode}[/blue] ({how})")
        if created:
            console.print(f"  the plan defined new agents, created (versioned) through create_agent: {created}")
        for s in r.subtasks:
            colour = MODE_COLOURS.get(s["mode"], "white")
            console.print(
                f"    {s['id']} · agent {s['agent']} · [{colour}]{s['mode']}[/{colour}] · "
                f"{'ok' if s['success'] else 'failed'} · ${s['cost_usd']:.6f} · run {s['run_id']}"
            )
        console.print(f"  {r.llm_calls} model calls in all, ${r.cost_usd:.6f}, {r.duration_s:.2f}s · answer:")
        console.print("    " + r.output.replace("\n", "\n    ")[:600])
    console.print("  `llmos traces show RUN_ID` draws the tree of an orchestrated run.")


def _summary(os: Any) -> None:
    console.print(Rule("5 · what it cost, what it saved"))
    s = os.stats()
    table = Table()
    for col in ("mode", "runs", "model calls", "cost", "saved"):
        table.add_column(col)
    for mode, m in s["by_mode"].items():
        colour = MODE_COLOURS.get(mode, "white")
        table.add_row(
            f"[{colour}]{mode}[/{colour}]",
            str(m["runs"]),
            str(m["llm_calls"]),
            f"${m['cost_usd']:.6f}",
            f"${m['saved_usd']:.6f}",
        )
    console.print(table)
    console.print(
        f"  total spent ${s['cost_usd']:.6f}, saved ≈ ${s['saved_usd']:.6f} "
        f"({s['saved_tokens']} tokens) by not calling the model again."
    )
