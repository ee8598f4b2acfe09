"""A crystallized tool the model calls itself follows the live plan's rules (issue 9, rule 1).

Generated tools are offered to the model like any other tool, so a LEARNER or MIXED run (often one
that selection handed to the model because replaying was not safe) may call one. The module then
runs the plan's reads and writes on the model's arguments; it must stop before a write exactly where
CRYSTALLIZED mode would: a result outside what the supporting runs saw. Before the rule the tool
checked only what it had compiled, and spread lime on a field twenty times smaller than any seen.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.mcp_server._calls import call_crystallized
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool


def _model(goal_re: re.Pattern[str], read: str, write: str, keys: tuple[str, str], direct: dict[str, bool]) -> Any:
    """Read, then write with the goal's two values; with direct["on"], call the generated tool instead."""

    def respond(request: ModelRequest) -> Any:
        first = next(m for m in request.messages if m.role == "user" and goal_re.search(m.text))
        number, name = goal_re.findall(first.text)[-1]
        args = {keys[0]: name, keys[1]: int(number)}
        results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        if direct["on"]:
            generated = [t.name for t in request.tools if t.name not in (read, write) and t.name.startswith(write[:5])]
            if not results and generated:
                return ToolCall("", generated[0], args)
            return "Done." if not results else f"Tool said: {results[-1].content}"
        if not results:
            return ToolCall("", read, {keys[0]: name})
        if len(results) == 1:
            return ToolCall("", write, args)
        return "Done."

    return respond


async def _crystallize(os: LLMOS, goals: list[str]) -> None:
    for g in goals[:3]:
        assert (await os.execute(g, mode="learner")).success
    for i in range(9):
        r = await os.execute(goals[i % len(goals)])
        if r.mode == "crystallized":
            return
    raise AssertionError("the plan was never crystallized")


def _written(os: LLMOS, run_id: str, write: str) -> list[Any]:
    return [c for c in os.traces.require(run_id).tool_calls if c.name == write]


async def test_a_crystallized_tool_called_by_the_model_stops_before_a_write_past_the_evidence(tmp_path: Path) -> None:
    area = {"F1": 10.0, "F2": 12.0, "F3": 11.0, "F4": 10.5, "F9": 0.5}
    spread: list[Any] = []

    @tool
    def field_area(field: str) -> dict[str, Any]:
        """The area of a field in hectares."""
        return {"field": field, "hectares": area[field]}

    @tool
    def spread_lime(field: str, kg: int) -> dict[str, Any]:
        """Spread lime on a field."""
        spread.append((field, kg))
        return {"field": field, "spread_kg": kg}

    field_area.metadata["annotations"] = {"readOnlyHint": True}
    spread_lime.metadata["annotations"] = {"readOnlyHint": False, "destructiveHint": False}
    direct = {"on": False}
    respond = _model(
        re.compile(r"Spread (\d+) kg of lime on field (\w+)"), "field_area", "spread_lime", ("field", "kg"), direct
    )
    tools: list[Tool] = [field_area, spread_lime]
    async with LLMOS(
        workspace=tmp_path, model=TestModel(script=respond), tools=tools, overrides={"evolution": {"min_uses": 3}}
    ) as os:
        await _crystallize(
            os,
            [f"Spread {kg} kg of lime on field {f}" for kg, f in ((100, "F1"), (150, "F2"), (90, "F3"), (130, "F4"))],
        )
        direct["on"] = True
        spread.clear()
        r = await os.execute("Spread 110 kg of lime on field F9", mode="learner")  # 0.5 ha: none seen under 10
        calls = os.traces.require(r.run_id).tool_calls
        gen = [c for c in calls if c.source == "model" and c.name not in ("field_area", "spread_lime")]
        assert gen and gen[0].is_error and "outside the evidence" in gen[0].result, [(c.name, c.result) for c in calls]
        assert spread == [] and _written(os, r.run_id, "spread_lime") == []
        ok = await os.execute("Spread 120 kg of lime on field F4", mode="learner")  # inside: the tool still works
        assert spread == [("F4", 120)], ok.to_dict(explain=True)
        # the same tool called by an MCP client of `llmos mcp serve` (its own run, no model): the same rule
        spread.clear()
        via_mcp = await call_crystallized(os, gen[0].name, {"field": "F9", "kg": 110})
        assert via_mcp.is_error and "outside the evidence" in via_mcp.result and spread == [], via_mcp
        assert (await call_crystallized(os, gen[0].name, {"field": "F1", "kg": 110})).is_error is False
        assert spread == [("F1", 110)]


async def test_a_crystallized_tool_called_by_the_model_reads_a_text_status_as_the_plan_does(tmp_path: Path) -> None:
    """Another domain: a status text every supporting run saw as "ready"; live it reads "held"."""
    status = {"O-1": "ready", "O-2": "ready", "O-3": "ready", "O-4": "ready", "O-7": "held by customs"}
    shipped: list[Any] = []

    @tool
    def order_status(order: str) -> dict[str, Any]:
        """The status of an order."""
        return {"order": order, "status": status[order]}

    @tool
    def ship_order(order: str, parcels: int) -> dict[str, Any]:
        """Ship an order in parcels."""
        shipped.append((order, parcels))
        return {"order": order, "shipped": parcels}

    order_status.metadata["annotations"] = {"readOnlyHint": True}
    ship_order.metadata["annotations"] = {"readOnlyHint": False, "destructiveHint": False}
    direct = {"on": False}
    respond = _model(
        re.compile(r"Ship (\d+) parcels of order (\S+)"), "order_status", "ship_order", ("order", "parcels"), direct
    )
    async with LLMOS(
        workspace=tmp_path,
        model=TestModel(script=respond),
        tools=[order_status, ship_order],
        overrides={"evolution": {"min_uses": 3}},
    ) as os:
        await _crystallize(
            os, [f"Ship {n} parcels of order {o}" for n, o in ((2, "O-1"), (5, "O-2"), (3, "O-3"), (4, "O-4"))]
        )
        direct["on"] = True
        shipped.clear()
        r = await os.execute("Ship 3 parcels of order O-7", mode="learner")
        assert shipped == [] and _written(os, r.run_id, "ship_order") == [], r.to_dict(explain=True)
