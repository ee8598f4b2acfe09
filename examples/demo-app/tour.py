"""The LLM OS tour: the five modes, each triggered by a scenario that needs it, with real costs.

    .venv/bin/python examples/demo-app/tour.py                      # interactive (Enter between scenes)
    .venv/bin/python examples/demo-app/tour.py --non-interactive    # all at once (CI)
    .venv/bin/python examples/demo-app/tour.py --model anthropic:claude-sonnet-4-5   # a real provider

A small warehouse (stock in SQLite-free memory, two tools) is run through LLM OS. Offline, the model
is the shipped test model, scripted as a stock clerk (the planner and combiner of ORCHESTRATOR are
the test model's own); its usage is priced like claude-sonnet-4-5, so the dollars are realistic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from llmos import LLMOS, RunResult, TestModel, Tool, tool
from llmos.models.base import ModelRequest, ModelResponse, StreamEvent, ToolCall, ToolResult

ADD = re.compile(r"add (\d+) units of ([A-Z]+-\d+) to warehouse ([A-Z]\d)", re.I)
COLOURS = {"learner": "red", "mixed": "yellow", "follower": "green", "crystallized": "cyan", "orchestrator": "magenta"}


def warehouse_tools(stock: dict[str, int]) -> list[Tool]:
    @tool
    def get_stock(sku: str, warehouse: str) -> dict[str, Any]:
        """Units of a SKU held in a warehouse."""
        return {"sku": sku, "warehouse": warehouse, "quantity": stock.get(f"{sku}@{warehouse}", 0)}

    @tool
    def set_stock(sku: str, warehouse: str, quantity: int) -> dict[str, Any]:
        """Set the units of a SKU held in a warehouse."""
        stock[f"{sku}@{warehouse}"] = quantity
        return {"sku": sku, "warehouse": warehouse, "quantity": quantity}

    return [get_stock, set_stock]


def clerk(request: ModelRequest) -> Any:
    """The scripted stock clerk: read the stock, then set it to the old quantity plus the units."""
    goal = next(m.text for m in request.messages if m.role == "user")
    qty, sku, wh = ADD.findall(goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if results and results[-1].is_error:
        return f"Could not update {sku}: {results[-1].content}"
    if not results:
        return ToolCall("", "get_stock", {"sku": sku, "warehouse": wh})
    if len(results) == 1:
        old = json.loads(results[0].content)["quantity"]
        return ToolCall("", "set_stock", {"sku": sku, "warehouse": wh, "quantity": old + int(qty)})
    return f"Done. {sku} in {wh} now has {json.loads(results[-1].content)['quantity']} units."


class TourModel:
    """The clerk for stock goals, the shipped test model for everything else (plans, combining)."""

    provider = "test"

    def __init__(self) -> None:
        self.name = "test"
        self.default, self.scripted = TestModel(), TestModel(script=clerk)

    def _pick(self, request: ModelRequest) -> TestModel:
        goal = next((m.text for m in request.messages if m.role == "user"), "")
        stock_goal = ADD.search(goal) and "get_stock" in {t.name for t in request.tools}
        return self.scripted if stock_goal else self.default

    async def request(self, request: ModelRequest) -> ModelResponse:
        return await self._pick(request).request(request)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        async for event in self._pick(request).stream(request):
            yield event

    async def count_tokens(self, request: ModelRequest) -> int:
        return await self.default.count_tokens(request)

    async def aclose(self) -> None:
        """Nothing to close."""


CLERK_AGENT = """---
name: stock-clerk
description: Adds units of a SKU to the stock of a warehouse.
---
You keep the warehouse stock. To add units, read the current stock, then set it to the sum.
"""

SCENES: list[tuple[str, str, list[str]]] = [
    ("LEARNER", "A task never seen before: nothing to replay, so the model works it out (and it is recorded).",
     ["Add 9 units of BOLT-10 to warehouse A1"]),
    ("MIXED", "The same kind of task once more: one example is not proof, so the plan guides a cheaper model call.",
     ["Add 2 units of BOLT-11 to warehouse B2"]),
    ("FOLLOWER", "Now the plan is supported: new parameters (amounts inside those seen), replayed without the model.",
     ["Add 4 units of NUT-12 to warehouse C3", "Add 6 units of NUT-13 to warehouse D4",
      "Add 7 units of GEAR-14 to warehouse A1"]),
    ("CRYSTALLIZED", "A plan that keeps succeeding is compiled into a typed Python tool: no model, no replay engine.",
     ["Add 8 units of GEAR-15 to warehouse B2", "Add 5 units of PIN-16 to warehouse C3"]),
    ("ORCHESTRATOR", "A goal with independent parts: a rule marks it multi-part, a plan splits it across agents, "
     "each subtask is a run of its own (so it replays what was learned), and the results are combined.",
     ["Add 2 units of PIN-17 to warehouse D4; add 3 units of CAP-18 to warehouse A1"]),
]  # fmt: skip


async def run_tour(
    workspace: Path, *, interactive: bool, console: Console | None = None, model: Any = None
) -> dict[str, Any]:
    """Play every scene; return {"scenes": [(expected, [modes])], "stats": os.stats()}."""
    console = console or Console()
    stock: dict[str, int] = {}
    overrides = {"orchestration": {"rules": [r"^Add .+; add "]}}
    agents = workspace / "agents"
    agents.mkdir(parents=True, exist_ok=True)
    if not (agents / "stock-clerk.md").exists():
        (agents / "stock-clerk.md").write_text(CLERK_AGENT, encoding="utf-8")
    console.print(Panel.fit(
        "[bold]The LLM OS tour[/bold]: five modes, each triggered by a scenario that needs it.\n"
        f"Model: {'the shipped test model, priced like claude-sonnet-4-5' if model is None else model}. "
        f"Workspace: {workspace}"
    ))  # fmt: skip
    played: list[tuple[str, list[str]]] = []
    async with LLMOS(workspace=workspace, model=model or TourModel(), tools=warehouse_tools(stock),
                     overrides=overrides) as os:  # fmt: skip
        for title, why, goals in SCENES:
            if interactive:
                await asyncio.to_thread(console.input, f"\n[dim]Enter: {title.lower()} …[/dim]")
            console.rule(f"[bold]{title}[/bold]")
            console.print(why)
            modes = []
            for goal in goals:
                r = await os.execute(goal, agent=None if title == "ORCHESTRATOR" else "stock-clerk")
                modes.append(r.mode)
                show_run(console, goal, r)
            played.append((title.lower(), modes))
        stats = os.stats()
    cost_table(console, stats)
    return {"scenes": played, "stats": stats, "stock": stock}


def show_run(console: Console, goal: str, r: RunResult) -> None:
    c = COLOURS.get(r.mode, "white")
    console.print(f"  {goal}\n    [{c}]{r.mode.upper()}[/{c}] · {r.llm_calls} model calls · ${r.cost_usd:.6f} · "
                  f"{'ok' if r.success else 'failed'} · {' '.join(r.output.split())[:100]}")  # fmt: skip
    for s in r.subtasks:
        sc = COLOURS.get(s["mode"], "white")
        console.print(f"      subtask {s['id']} · agent {s['agent']} · [{sc}]{s['mode']}[/{sc}] · "
                      f"${s['cost_usd']:.6f} · {s['goal'][:60]}")  # fmt: skip


def cost_table(console: Console, stats: dict[str, Any]) -> None:
    console.rule("[bold]What it cost[/bold]")
    table = Table()
    for col in ("mode", "runs", "model calls", "cost", "saved vs. the model"):
        table.add_column(col, justify="left" if col == "mode" else "right")
    for mode, m in stats["by_mode"].items():
        c = COLOURS.get(mode, "white")
        table.add_row(f"[{c}]{mode}[/{c}]", str(m["runs"]), str(m["llm_calls"]), f"${m['cost_usd']:.6f}",
                      f"${m['saved_usd']:.6f}")  # fmt: skip
    console.print(table)
    spent, saved = stats["cost_usd"], stats["saved_usd"]
    console.print(f"Spent ${spent:.6f}; saved ≈ ${saved:.6f} by not calling the model again.")
    if spent + saved > 0:
        console.print(f"With the model on every run it would have cost ≈ ${spent + saved:.6f}: "
                      f"[bold]{100 * saved / (spent + saved):.0f}% saved[/bold].")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", type=Path, help="default: a new temporary folder")
    parser.add_argument("--non-interactive", action="store_true", help="play every scene without waiting")
    parser.add_argument("--model", help="a model spec (default: the offline test model)")
    args = parser.parse_args()
    workspace = args.workspace or Path(tempfile.mkdtemp(prefix="llmos-tour-"))
    asyncio.run(run_tour(workspace, interactive=not args.non_interactive, model=args.model))


if __name__ == "__main__":
    main()
