"""Code mode: `run_code` runs one sandboxed program; every inner call goes through execute_tool_call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmos.execution.code_mode import bindings, identifier
from llmos.execution.sandbox import bwrap as bw
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from llmos.models.base import ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool
from tests.runtime_support import quiet_config

BWRAP_OK, BWRAP_REASON = bw.probe()
needs_bwrap = pytest.mark.skipif(not BWRAP_OK, reason=f"bubblewrap unusable here: {BWRAP_REASON}")

RECORDS = [{"id": i, "status": "paid" if i % 3 else "refunded", "amount": i * 7 % 101} for i in range(200)]
PAID_TOTAL = sum(r["amount"] for r in RECORDS if r["status"] == "paid")


def orders_tool(page_size: int = 20) -> Tool:
    @tool
    def list_orders(page: int = 1) -> dict[str, Any]:
        """List orders, one page at a time (next_page is null on the last page).

        Args:
            page: the page number, from 1
        """
        start = (page - 1) * page_size
        items = RECORDS[start : start + page_size]
        return {"items": items, "next_page": page + 1 if start + page_size < len(RECORDS) else None}

    return list_orders


@tool
def secret_tool() -> str:
    """A tool that policy forbids."""
    return "the secret"


class DenySecret(Hook):
    async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
        return HookDecision.deny("secrets are off limits") if event.tool == "secret_tool" else None


PROGRAM = """
total, page = 0, 1
while page:
    data = await list_orders(page=page)
    total += sum(o["amount"] for o in data["items"] if o["status"] == "paid")
    page = data["next_page"]
try:
    await secret_tool()
except ToolCallError as e:
    print("denied:", "secrets are off limits" in str(e))
print(total)
"""


def config(**execution: Any) -> Any:
    return quiet_config(execution=execution, sandbox={"backend": "bwrap"})


def test_identifiers() -> None:
    assert identifier("notion__API-post-search") == "notion__API_post_search"
    assert identifier("class") == "class_" and identifier("9lives") == "_9lives"
    assert bindings(["a.b", "a-b", "run_code", "tool_search"]) == {"a_b": "a.b"}


@needs_bwrap
async def test_program_calls_tools_through_the_seam(tmp_path: Path) -> None:
    model = TestModel(script=[{"tool": "run_code", "args": {"code": PROGRAM}}, f"The paid total is {PAID_TOTAL}."])
    async with LLMOS(
        workspace=tmp_path,
        config=config(code_mode="on"),
        model=model,
        tools=[orders_tool(), secret_tool],
        hooks=[DenySecret()],
    ) as rt:
        result = await rt.execute("sum the paid orders", mode="learner")
        trace = rt.traces.require(result.run_id)
    assert result.success, result.error
    calls = trace.tool_calls
    assert calls[0].name == "run_code" and calls[0].source == "model" and not calls[0].is_error
    inner = calls[1:]
    assert [c.name for c in inner] == ["list_orders"] * 10 + ["secret_tool"]
    assert all(c.source == "inner" and c.parent_id == calls[0].id for c in inner)
    assert inner[-1].decision == "deny" and inner[-1].is_error
    # only what the program printed reached the model
    sent = [b for m in model.requests[1].messages for b in m.content if isinstance(b, ToolResult)]
    assert sent[-1].content == f"denied: True\n{PAID_TOTAL}"
    assert "refunded" not in json.dumps([b.content for b in sent])


@needs_bwrap
async def test_result_variable_errors_and_output_cap(tmp_path: Path) -> None:
    programs = [
        'result = {"pages": len([1, 2])}',
        "raise ValueError('bad input 42')",
        "print('x' * 5000)",
    ]
    model = TestModel(script=[*({"tool": "run_code", "args": {"code": p}} for p in programs), "done"])
    async with LLMOS(workspace=tmp_path, config=config(code_mode="on", code_output_limit=300), model=model) as rt:
        result = await rt.execute("try programs", mode="learner")
        trace = rt.traces.require(result.run_id)
    outs = [c for c in trace.tool_calls if c.name == "run_code"]
    assert outs[0].result == 'result: {"pages": 2}' and not outs[0].is_error
    assert outs[1].is_error and "ValueError: bad input 42" in outs[1].result
    assert "truncated" in outs[2].result and len(outs[2].result) < 400


@needs_bwrap
async def test_auto_offers_run_code_only_to_learner_runs_with_many_tools(tmp_path: Path) -> None:
    def many(n: int) -> list[Tool]:
        tools = []
        for i in range(n):

            async def f(x: int = 0) -> int:
                return x

            from llmos.tools.base import function_tool

            tools.append(function_tool(f, name=f"t{i}", description=f"tool number {i}"))
        return tools

    for count, expected in ((3, False), (12, True)):
        model = TestModel(script=["ok"])
        async with LLMOS(workspace=tmp_path / str(count), config=config(), model=model, tools=many(count)) as rt:
            await rt.execute("hello", mode="learner")
        assert ("run_code" in {t.name for t in model.requests[0].tools}) is expected
    model = TestModel(script=["ok"])
    async with LLMOS(workspace=tmp_path / "off", config=config(code_mode="off"), model=model, tools=many(12)) as rt:
        assert rt.registry.get("run_code") is None
        await rt.execute("hello", mode="learner")
    assert "run_code" not in {t.name for t in model.requests[0].tools}
