"""LLM OS as an MCP server, with the official `mcp` client: `execute` and crystallized tools, over
streamable HTTP (in-process uvicorn on loopback) and stdio (`llmos mcp serve`, and a script)."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path
from typing import Any

import mcp
from mcp.client.stdio import StdioServerParameters

from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from llmos.mcp_server import serve_http
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from tests.test_evolution_e2e import make_tools, oracle

ROOT = Path(__file__).resolve().parents[1]
WHS = ["A1", "B2", "C3", "D4"]
TOOL = "add_units_warehouse"

# amounts in no order, the first two the extremes: a replay adds only amounts inside the range the
# supporting runs showed (rule 1: a goal amount a write takes)
QTY = [2, 9, 5, 3, 7, 4, 8, 6, 5, 7]


class Lock(Hook):
    """Denies set_stock for one SKU (stands for any policy: the MCP path passes the same hooks)."""

    async def pre_tool_use(self, ctx: Any, event: ToolUseEvent) -> HookDecision:
        if event.tool == "set_stock" and event.arguments.get("sku") == "LOCK-1":
            return HookDecision.deny("LOCK-1 is frozen")
        return HookDecision.allow()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _crystallize(rt: LLMOS) -> None:
    for i in range(8):
        r = await rt.execute(f"Add {QTY[i]} units of BOLT-{10 + i} to warehouse {WHS[i % 4]}")
        assert r.success
    assert rt.registry.get(TOOL) is not None


def _value(prop: dict[str, Any]) -> Any:
    """5 units, of BOLT-13, to warehouse D4: from the slot's type and its examples."""
    if "anyOf" in prop or prop.get("type") in ("integer", "number"):
        return 5
    return "BOLT-13" if "BOLT" in prop.get("description", "") else "D4"


def _text(result: Any) -> str:
    return "".join(getattr(c, "text", "") for c in result.content)


async def test_http_execute_and_crystallized_tools_through_the_seam(tmp_path: Path) -> None:
    stock = {f"BOLT-{10 + i}@{WHS[i % 4]}": 10 * i for i in range(10)}
    rt = LLMOS(workspace=tmp_path, model=TestModel(script=oracle), tools=make_tools(stock), hooks=[Lock()])
    async with rt:
        await _crystallize(rt)
        port = _free_port()
        ready = asyncio.Event()
        uv: list[Any] = []

        def on_ready(server: Any) -> None:
            uv.append(server)
            ready.set()

        task = asyncio.create_task(serve_http(rt, "127.0.0.1", port, on_ready=on_ready))
        await asyncio.wait_for(ready.wait(), 15)
        try:
            async with mcp.Client(f"http://127.0.0.1:{port}/mcp") as client:
                tools = {t.name: t for t in (await client.list_tools()).tools}
                assert set(tools) == {"execute", TOOL}
                schema = tools[TOOL].input_schema
                assert set(schema["properties"]) >= {"sku", "warehouse"} and schema["required"]
                assert tools["execute"].input_schema["required"] == ["goal"]

                args = {name: _value(p) for name, p in schema["properties"].items()}  # slot names are induced
                called = await client.call_tool(TOOL, args)
                assert not called.is_error, _text(called)
                assert stock["BOLT-13@D4"] == 30 + QTY[3] + 5  # 30 + 3 (the run) + 5 (this call)
                run_id = called.structured_content["run_id"]
                trace = rt.traces.require(run_id)
                assert trace.mode == "crystallized" and trace.metadata["via"] == "mcp" and trace.success
                assert [c.name for c in trace.tool_calls] == [TOOL, "get_stock", "set_stock"]

                denied = await client.call_tool(TOOL, {k: "LOCK-1" if v == "BOLT-13" else v for k, v in args.items()})
                assert denied.is_error and "frozen" in _text(denied)
                assert "LOCK-1@D4" not in stock

                ran = await client.call_tool("execute", {"goal": "Add 6 units of BOLT-14 to warehouse A1"})
                data = json.loads(_text(ran))
                assert data["success"] and data["mode"] == "crystallized" and data["llm_calls"] == 0
                assert ran.structured_content["run_id"] == data["run_id"]

                empty = await client.call_tool("execute", {"goal": "  "})
                assert empty.is_error and "goal is empty" in _text(empty)
        finally:
            uv[0].should_exit = True
            await asyncio.wait_for(task, 15)


async def test_stdio_script_serves_crystallized_tools(tmp_path: Path) -> None:
    stock = {f"BOLT-{10 + i}@{WHS[i % 4]}": 10 * i for i in range(10)}
    async with LLMOS(workspace=tmp_path, model=TestModel(script=oracle), tools=make_tools(stock)) as rt:
        await _crystallize(rt)
    params = StdioServerParameters(
        command=sys.executable, args=[str(ROOT / "tests/mcp_servers/llmos_stock_server.py"), str(tmp_path)], cwd=ROOT
    )
    async with mcp.Client(params) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == {"execute", TOOL}
        ran = await client.call_tool(
            "execute", {"goal": "Add 4 units of BOLT-12 to warehouse C3", "mode": "crystallized"}
        )
        data = json.loads(_text(ran))
        assert data["success"] and data["mode"] == "crystallized"


async def test_llmos_mcp_serve_stdio_cli(tmp_path: Path) -> None:
    (tmp_path / "hello.txt").write_text("hi")
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "llmos", "mcp", "serve", "-w", str(tmp_path), "--model", "test"],
        cwd=ROOT,
    )
    async with mcp.Client(params) as client:
        assert [t.name for t in (await client.list_tools()).tools] == ["execute"]
        ran = await client.call_tool("execute", {"goal": "list the files here", "mode": "learner"})
        data = json.loads(_text(ran))
        assert data["success"] and data["tool_calls"][0]["name"] == "list_dir"
        bad = await client.call_tool("execute", {"goal": "x", "agent": "nobody-by-that-name"})
        assert bad.is_error


async def test_llmos_mcp_serve_http_cli(tmp_path: Path) -> None:
    port = _free_port()
    cmd = [sys.executable, "-m", "llmos", "mcp", "serve", "-w", str(tmp_path), "--model", "test", "--port", str(port)]
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stderr is not None
        line = (await asyncio.wait_for(proc.stderr.readline(), 30)).decode()
        assert f"http://127.0.0.1:{port}/mcp" in line, line
        async with mcp.Client(f"http://127.0.0.1:{port}/mcp") as client:
            ran = await client.call_tool("execute", {"goal": "list the files here", "mode": "learner"})
            assert json.loads(_text(ran))["success"]
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 15)
