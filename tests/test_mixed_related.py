"""MIXED is guided only by the same task: a near-miss plan that differs from the goal in a task word
(a word none of its calls used as a value) is another task, so the goal goes to the model (LEARNER)
with every tool; a near-miss that differs only in values still guides (MIXED)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

ADD_RE = re.compile(r"Add (\d+) units of ([A-Z]+-\d+) to warehouse ([A-Z]\d)")
TAKE_RE = re.compile(r"Take (\d+) units of ([A-Z]+-\d+) from warehouse ([A-Z]\d)")


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

    @tool
    def take_stock(sku: str, warehouse: str, quantity: int) -> dict[str, Any]:
        """Take units of a SKU out of a warehouse."""
        stock[f"{sku}@{warehouse}"] = stock.get(f"{sku}@{warehouse}", 0) - quantity
        return {"sku": sku, "warehouse": warehouse, "taken": quantity}

    return [get_stock, set_stock, take_stock]


def _goal(request: ModelRequest) -> tuple[str, str, str, str]:
    """The task the model acts on: a guided model (shown a related run) follows the example's task."""
    for m in request.messages:
        if m.role != "user":
            continue
        adds, takes = ADD_RE.findall(m.text), TAKE_RE.findall(m.text)
        if "A similar task was solved before" in m.text and adds:
            return ("add", *(takes or adds)[-1])  # misled: the example's task with the new values
        if adds or takes:
            return ("take", *takes[-1]) if takes else ("add", *adds[-1])
    raise AssertionError("no goal")


def script(request: ModelRequest) -> Any:
    task, qty, sku, wh = _goal(request)
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if task == "take":
        if not results:
            return ToolCall("", "take_stock", {"sku": sku, "warehouse": wh, "quantity": int(qty)})
        return f"Done. Took {qty} units of {sku} from {wh}."
    if not results:
        return ToolCall("", "get_stock", {"sku": sku, "warehouse": wh})
    if len(results) == 1:
        old = json.loads(results[0].content)["quantity"]
        return ToolCall("", "set_stock", {"sku": sku, "warehouse": wh, "quantity": old + int(qty)})
    return f"Done. {sku} in {wh} now has {json.loads(results[-1].content)['quantity']} units."


async def test_a_near_miss_with_another_task_word_is_not_related(tmp_path: Path) -> None:
    stock = {"BOLT-11@A1": 10, "NUT-12@B2": 20}
    async with LLMOS(workspace=tmp_path, model=TestModel(script=script), tools=make_tools(stock)) as os:
        first = await os.execute("Add 5 units of BOLT-11 to warehouse A1")
        assert first.success and first.mode == "learner"
        # same length, same values, two words differ: 'Take' / 'Add' and 'from' / 'to' name another task
        took = await os.execute("Take 5 units of BOLT-11 from warehouse A1")
        assert took.success and took.mode == "learner", took.to_dict()
        assert stock == {"BOLT-11@A1": 10, "NUT-12@B2": 20}  # not 20 at A1: no guide from the other task
        reason = os.traces.require(took.run_id).mode_reason
        assert not reason.get("related")
        why = reason["not_related"][0]["why"]
        assert "'Take' where it had 'Add'" in why and "'from' where it had 'to'" in why, why
        assert "another task" in reason["why"]


async def test_a_near_miss_that_differs_only_in_values_still_guides(tmp_path: Path) -> None:
    stock = {"BOLT-11@A1": 10, "NUT-12@B2": 20}
    async with LLMOS(workspace=tmp_path, model=TestModel(script=script), tools=make_tools(stock)) as os:
        await os.execute("Add 5 units of BOLT-11 to warehouse A1")
        # one run: every word is a constant of the plan, the three that differ are values its calls used
        second = await os.execute("Add 7 units of NUT-12 to warehouse B2")
        assert second.success and second.mode == "mixed", second.to_dict()
        assert stock == {"BOLT-11@A1": 15, "NUT-12@B2": 27}
        reason = os.traces.require(second.run_id).mode_reason
        assert reason["related"][0]["kind"].startswith("near-miss") and "not_related" not in reason
