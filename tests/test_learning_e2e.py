"""End to end through the runtime: LEARNER -> MIXED -> FOLLOWER with zero model calls, and the CLI."""

from __future__ import annotations

import json
import re
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
        return {"sku": sku, "warehouse": warehouse, "quantity": stock.get(f"{sku}@{warehouse}", 0)}

    @tool
    def set_stock(sku: str, warehouse: str, quantity: int) -> dict[str, Any]:
        """Set the units of a SKU held in a warehouse."""
        stock[f"{sku}@{warehouse}"] = quantity
        return {"sku": sku, "warehouse": warehouse, "quantity": quantity}

    return [get_stock, set_stock]


def oracle(request: ModelRequest) -> Any:
    """A competent scripted model: the last goal of the first user message that has one."""
    first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
    qty, sku, wh = GOAL_RE.findall(first.text)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "get_stock", {"sku": sku, "warehouse": wh})
    if len(results) == 1:
        old = json.loads(results[0].content)["quantity"]
        return ToolCall("", "set_stock", {"sku": sku, "warehouse": wh, "quantity": old + int(qty)})
    return f"Done. {sku} in {wh} now has {json.loads(results[-1].content)['quantity']} units."


async def test_learner_mixed_follower_through_the_runtime(tmp_path: Path) -> None:
    stock = {"BOLT-11@A1": 10, "NUT-12@B2": 20, "GEAR-13@C3": 30, "PIPE-14@D4": 40}
    goals = [
        "Add 2 units of BOLT-11 to warehouse A1",
        "Add 9 units of NUT-12 to warehouse B2",
        "Add 5 units of GEAR-13 to warehouse C3",  # amounts inside the 2..9 the first runs added (rule 1)
        "Add 7 units of PIPE-14 to warehouse D4",
    ]
    async with LLMOS(workspace=tmp_path, model=TestModel(script=oracle), tools=make_tools(stock)) as os:
        results = [await os.execute(g) for g in goals]
        modes = [r.mode for r in results]
        assert modes == ["learner", "mixed", "follower", "follower"], [r.to_dict() for r in results]
        assert all(r.success for r in results)
        assert results[2].llm_calls == 0 and results[3].llm_calls == 0
        assert stock == {"BOLT-11@A1": 12, "NUT-12@B2": 29, "GEAR-13@C3": 35, "PIPE-14@D4": 47}
        trace = os.traces.require(results[2].run_id)
        assert trace.mode_reason["plan"]["evidence"]["support"] == 2
        assert trace.mode_reason["slots"] == {"word1": 5, "sku": "GEAR-13", "warehouse": "C3"}
        mixed = os.traces.require(results[1].run_id)
        assert mixed.plan_id == results[2].to_dict().get("plan_id", trace.plan_id)

    from llmos.cli.plans import app

    runner = CliRunner()
    out = runner.invoke(app, ["list", "--workspace", str(tmp_path), "--json"])
    assert out.exit_code == 0, out.output
    plans = json.loads(out.stdout)
    assert len(plans) == 1 and plans[0]["support"] == 2 and plans[0]["uses"] == 2
    shown = runner.invoke(app, ["show", plans[0]["id"], "--workspace", str(tmp_path)])
    assert shown.exit_code == 0 and "{sku}" in shown.stdout
    missing = runner.invoke(app, ["show", "plan_nope", "--workspace", str(tmp_path)])
    assert missing.exit_code == 2


async def test_forced_follower_without_a_plan_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from llmos.exceptions import ModeUnavailable

    async with LLMOS(workspace=tmp_path, model=TestModel(script=oracle), tools=make_tools({})) as os:
        with pytest.raises(ModeUnavailable, match="FOLLOWER is not available"):
            await os.execute("Add 5 units of BOLT-11 to warehouse A1", mode="follower")
