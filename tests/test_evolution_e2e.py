"""End to end through LLMOS with a scripted model: LEARNER -> FOLLOWER -> CRYSTALLIZED (llm_calls 0),
the generated tool offered to the model, fallback to LEARNER from what was done, and the CLI.

The runtime wires evolution itself (crystallization, dispatch, fallback, demotion).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

GOAL_RE = re.compile(r"Add (\d+) units of ([A-Z]+-\d+) to warehouse ([A-Z]\d)")


def make_tools(stock: dict[str, int]) -> list[Any]:
    @tool
    def get_stock(sku: str, warehouse: str) -> dict[str, Any]:
        """Units of a SKU held in a warehouse."""
        if sku.startswith("BAD"):
            raise ValueError(f"no such SKU {sku}")
        return {"sku": sku, "warehouse": warehouse, "quantity": stock.get(f"{sku}@{warehouse}", 0)}

    @tool
    def set_stock(sku: str, warehouse: str, quantity: int) -> dict[str, Any]:
        """Set the units of a SKU held in a warehouse."""
        stock[f"{sku}@{warehouse}"] = quantity
        return {"sku": sku, "warehouse": warehouse, "quantity": quantity}

    return [get_stock, set_stock]


def oracle(request: ModelRequest) -> Any:
    first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
    qty, sku, wh = GOAL_RE.findall(first.text)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if results and results[-1].is_error:
        return f"Could not update {sku}: {results[-1].content}"
    if not results:
        return ToolCall("", "get_stock", {"sku": sku, "warehouse": wh})
    if len(results) == 1:
        old = json.loads(results[0].content)["quantity"]
        return ToolCall("", "set_stock", {"sku": sku, "warehouse": wh, "quantity": old + int(qty)})
    return f"Done. {sku} in {wh} now has {json.loads(results[-1].content)['quantity']} units."


@asynccontextmanager
async def runtime(tmp: Path, stock: dict[str, int]) -> AsyncIterator[LLMOS]:
    """The real runtime (it wires evolution: crystallization, dispatch, fallback, demotion)."""
    os = LLMOS(workspace=tmp, model=TestModel(script=oracle), tools=make_tools(stock))
    await os.start()
    try:
        yield os
    finally:
        await os.close()


async def test_learner_follower_crystallized_and_fallback(tmp_path: Path) -> None:
    whs = ["A1", "B2", "C3", "D4"]
    stock = {f"BOLT-{10 + i}@{whs[i % 4]}": 10 * i for i in range(10)}
    qty = [2, 9, 5, 3, 7, 4, 8, 6]  # in no order, the extremes first: replays add amounts inside them (rule 1)
    goals = [f"Add {qty[i]} units of BOLT-{10 + i} to warehouse {whs[i % 4]}" for i in range(8)]
    async with runtime(tmp_path, stock) as os:
        results = [await os.execute(g) for g in goals]
        modes = [r.mode for r in results]
        assert modes[:2] == ["learner", "mixed"] and "follower" in modes, modes
        assert modes[-1] == "crystallized", modes
        first = modes.index("crystallized")
        assert all(m == "crystallized" for m in modes[first:])
        for r in results[first:]:
            assert r.success and r.llm_calls == 0
            assert r.to_dict()["tool_calls"][0]["name"] == "add_units_warehouse"
        assert all(stock[f"BOLT-{10 + i}@{whs[i % 4]}"] == 10 * i + qty[i] for i in range(8))
        trace = os.traces.require(results[-1].run_id)
        top, *inner = trace.tool_calls
        assert top.source == "crystallized" and [c.name for c in inner] == ["get_stock", "set_stock"]
        assert all(c.parent_id == top.id and c.source == "inner" for c in inner)
        # the model sees the crystallized tool among its tools
        assert os.registry.get("add_units_warehouse").source == "generated"  # type: ignore[union-attr]

        # a failing inner call: the run falls back to LEARNER, continuing from what was done
        bad = await os.execute("Add 3 units of BAD-77 to warehouse A1")
        assert bad.mode == "learner" and bad.llm_calls == 1 and "Could not update BAD-77" in bad.output
        fell = os.traces.require(bad.run_id)
        assert any(e.get("kind") == "fallback" and e.get("from_mode") == "crystallized" for e in fell.events)

    runner = CliRunner()
    from llmos.cli.evolve import app

    listed = runner.invoke(app, ["list", "--workspace", str(tmp_path), "--json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.stdout)
    assert row["name"] == "add_units_warehouse" and row["status"] == "active" and row["failures"] == 1
    log = json.loads(runner.invoke(app, ["log", "--workspace", str(tmp_path), "--json"]).stdout)
    assert [c["kind"] for c in log] == ["tool.crystallize"] and log[0]["who"] == "llmos"
    shown = runner.invoke(app, ["show", str(log[0]["id"]), "--workspace", str(tmp_path)])
    assert shown.exit_code == 0 and "async def add_units_warehouse" in shown.stdout
    reverted = runner.invoke(app, ["revert", str(log[0]["id"]), "--workspace", str(tmp_path), "--json"])
    assert reverted.exit_code == 0, reverted.output
    assert not (tmp_path / "tools/generated/add_units_warehouse.py").exists()
    missing = runner.invoke(app, ["crystallize", "plan_nope", "--workspace", str(tmp_path)])
    assert missing.exit_code == 2 and "no plan" in missing.output

    # after the revert, a new runtime does not offer the tool and replays the plan instead
    async with runtime(tmp_path, stock) as os:
        assert os.registry.get("add_units_warehouse") is None
        again = await os.execute("Add 4 units of BOLT-12 to warehouse C3")
        # replayed again or, since the fallback lowered its confidence, used to guide the model
        assert again.success and again.mode in ("follower", "mixed"), again.mode
