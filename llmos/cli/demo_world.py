"""The small world of the offline demo: currency tools over a JSON file, and a scripted agent
(a function of the conversation, run by the shipped TestModel) that solves currency goals the
way a competent model would: look up the rate, multiply, save the rounded value."""

from __future__ import annotations

import json
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

from llmos.models.base import ModelRequest, ModelResponse, TextBlock, ToolCall, ToolResult, Usage
from llmos.tools.base import Tool, ToolContext, tool

RATES = {
    "USD/EUR": 0.9231,
    "EUR/USD": 1.0833,
    "GBP/JPY": 191.42,
    "USD/CHF": 0.8812,
    "CAD/USD": 0.7304,
    "EUR/GBP": 0.8571,
    "AUD/USD": 0.6612,
    "USD/INR": 83.12,
}
GOAL_RE = re.compile(
    r"Convert (?P<amount>\d+(?:\.\d+)?) (?P<src>[A-Z]{3}) to (?P<dst>[A-Z]{3}) "
    r"and save it as '(?P<label>[^']+)'"
)


def round_half_up(x: float, digits: int = 2) -> float:
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def demo_tools(workspace: Path) -> list[Tool]:
    values_file = workspace / "values.json"

    @tool
    def get_exchange_rate(src: str, dst: str) -> dict[str, Any]:
        """Exchange rate: how many units of currency dst one unit of src buys.

        Args:
            src: ISO code of the source currency, e.g. USD
            dst: ISO code of the target currency, e.g. EUR
        """
        rate = RATES.get(f"{src}/{dst}")
        if rate is None:
            raise ValueError(f"no exchange rate for {src}/{dst}")
        return {"src": src, "dst": dst, "rate": rate}

    @tool(kind="pure")  # changes nothing: replay treats it as read-only (rule 4), its inputs as no write's
    def multiply(a: float, b: float) -> dict[str, float]:
        """Multiply two numbers a and b."""
        return {"result": a * b}

    @tool
    def save_value(name: str, value: float, ctx: ToolContext) -> dict[str, Any]:
        """Save a named numeric value in the workspace's values.json."""
        data = json.loads(values_file.read_text()) if values_file.exists() else {}
        data[name] = value
        values_file.write_text(json.dumps(data, indent=2))
        return {"saved": name, "value": value}

    return [get_exchange_rate, multiply, save_value]


def _tokens(obj: Any) -> int:
    return max(1, len(json.dumps(obj, default=str)) // 4)


def currency_agent(request: ModelRequest) -> ModelResponse:
    """A competent agent for currency goals, as a pure function of the conversation."""
    goal_text = next((m.text for m in request.messages if m.role == "user" and GOAL_RE.search(m.text)), "")
    found = list(GOAL_RE.finditer(goal_text))
    results: dict[str, Any] = {}
    names = {t.name for t in request.tools}
    calls = {b.id: b for m in request.messages for b in m.content if isinstance(b, ToolCall)}
    for m in request.messages:
        for b in m.content:
            if isinstance(b, ToolResult) and not b.is_error and b.tool_call_id in calls:
                results[calls[b.tool_call_id].name] = json.loads(b.content)
    content: list[TextBlock | ToolCall]
    if not found:
        content = [TextBlock("I can only convert currencies in this demo.")]
    else:
        g = found[-1].groupdict()
        amount = float(g["amount"])
        step: tuple[str, dict[str, Any]] | None = None
        if "get_exchange_rate" not in results:
            step = ("get_exchange_rate", {"src": g["src"], "dst": g["dst"]})
        elif "multiply" not in results:
            step = ("multiply", {"a": amount, "b": results["get_exchange_rate"]["rate"]})
        elif "save_value" not in results:
            step = ("save_value", {"name": g["label"], "value": round_half_up(results["multiply"]["result"])})
        if step is not None and step[0] in names:
            content = [ToolCall("call_" + uuid.uuid4().hex[:10], step[0], step[1])]
        elif step is not None:
            content = (
                [ToolCall("call_" + uuid.uuid4().hex[:10], "tool_search", {"query": step[0]})]
                if "tool_search" in names
                else [TextBlock(f"I need the {step[0]} tool.")]
            )
        else:
            v = results["save_value"]["value"]
            content = [TextBlock(f"Done. {g['amount']} {g['src']} = {v} {g['dst']}, saved as '{g['label']}'.")]
    usage = Usage(
        input_tokens=_tokens(
            [request.system, [m.content for m in request.messages], [t.input_schema for t in request.tools]]
        ),
        output_tokens=_tokens([getattr(c, "arguments", None) or getattr(c, "text", "") for c in content]),
    )
    stop: Literal["tool_use", "end_turn"] = "tool_use" if any(isinstance(c, ToolCall) for c in content) else "end_turn"
    return ModelResponse(content, stop, usage, "test")
