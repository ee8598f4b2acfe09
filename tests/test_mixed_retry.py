"""A MIXED attempt that goes nowhere and wrote nothing is retried as LEARNER with every tool; one
that wrote something never is (the retry could repeat the write). Neither is evidence for a plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_learning_e2e import GOAL_RE, make_tools

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS

GIVE_UP = "I could not read the tool results I need, so I stopped."
GOALS = ["Add 5 units of BOLT-11 to warehouse A1", "Add 7 units of NUT-12 to warehouse B2"]


def _guided(request: ModelRequest) -> bool:
    return any("A similar task was solved before" in m.text for m in request.messages if m.role == "user")


def model(write_first: bool) -> Any:
    def script(request: ModelRequest) -> Any:
        first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
        qty, sku, wh = GOAL_RE.findall(first.text)[-1]
        results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        if _guided(request):  # misled by the related run's example
            if write_first and not results:
                return ToolCall("", "set_stock", {"sku": sku, "warehouse": wh, "quantity": 0})
            return GIVE_UP
        if not results:
            return ToolCall("", "get_stock", {"sku": sku, "warehouse": wh})
        if len(results) == 1:
            old = json.loads(results[0].content)["quantity"]
            return ToolCall("", "set_stock", {"sku": sku, "warehouse": wh, "quantity": old + int(qty)})
        return f"Done. {sku} in {wh} now has {json.loads(results[-1].content)['quantity']} units."

    return script


async def test_a_mixed_attempt_that_wrote_nothing_is_retried_as_learner(tmp_path: Path) -> None:
    stock = {"BOLT-11@A1": 10, "NUT-12@B2": 20}
    async with LLMOS(workspace=tmp_path, model=TestModel(script=model(False)), tools=make_tools(stock)) as os:
        first = await os.execute(GOALS[0])
        second = await os.execute(GOALS[1])
        assert first.mode == "learner" and first.success
        assert second.success and second.mode == "learner", second.to_dict()
        assert stock == {"BOLT-11@A1": 15, "NUT-12@B2": 27}  # each write once
        trace = os.traces.require(second.run_id)
        fallbacks = [e for e in trace.events if e.get("kind") == "fallback"]
        assert [e["from_mode"] for e in fallbacks] == ["mixed"]
        assert trace.mode_reason["mode_selected"] == "mixed" and trace.mode_reason["mode_used"] == "learner"
        assert "wrote nothing" in trace.mode_reason["fallback_reason"]
        plans = os.learning.store.load()
        assert [p.support for p in plans] == [1]  # the retried run is not evidence


async def test_a_mixed_attempt_that_wrote_is_never_retried(tmp_path: Path) -> None:
    stock = {"BOLT-11@A1": 10, "NUT-12@B2": 20}
    async with LLMOS(workspace=tmp_path, model=TestModel(script=model(True)), tools=make_tools(stock)) as os:
        await os.execute(GOALS[0])
        second = await os.execute(GOALS[1])
        assert second.mode == "mixed" and not second.success
        assert "gave up" in (second.error or "")
        assert stock["NUT-12@B2"] == 0  # the one write, not repeated by a retry
        trace = os.traces.require(second.run_id)
        assert not [e for e in trace.events if e.get("kind") == "fallback"]
