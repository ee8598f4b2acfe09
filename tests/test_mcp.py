"""MCPManager end to end against a real MCP stdio server (tests/mcp_servers/echo_server.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from runtime_support import alive, wait_dead

from llmos.config import ConfigBuilder, MCPServerConfig
from llmos.exceptions import MCPServerError
from llmos.tools import MCPManager, ToolContext, ToolOutput, ToolRegistry
from llmos.tools.mcp import content_text, tool_name

SERVER = Path(__file__).parent / "mcp_servers" / "echo_server.py"


def echo(*extra: str, **kw: object) -> MCPServerConfig:
    return MCPServerConfig.model_validate({"command": sys.executable, "args": [str(SERVER), *extra], **kw})


async def call(mgr: MCPManager, name: str, **args: object) -> ToolOutput:
    tool = next(t for t in mgr.tools if t.name == name)
    return await tool.call(dict(args), ToolContext(workspace=Path.cwd()))


async def test_end_to_end(tmp_path: Path) -> None:
    mgr = MCPManager({"echo": echo()}, cwd=tmp_path)
    tools = await mgr.start()
    names = {t.name for t in tools}
    assert {"echo__add", "echo__echo", "echo__fail", "echo__slow", "echo__pid"} <= names
    add = next(t for t in tools if t.name == "echo__add")
    assert add.source == "mcp:echo" and add.kind == "file_write"  # unannotated: may write (MCP default)
    assert add.description == "Add two integers."
    assert add.input_schema["properties"]["a"]["type"] == "integer"
    assert add.input_schema["required"] == ["a", "b"]
    assert add.metadata == {"mcp_server": "echo", "mcp_tool": "add", "annotations": {}}

    registry = ToolRegistry(tools)
    assert registry.require("echo__echo").source == "mcp:echo"

    assert (await call(mgr, "echo__add", a=2, b=40)).content == "42"
    text = "  ünïcode\nERROR-looking text, unchanged  "
    out = await call(mgr, "echo__echo", text=text)
    assert out == ToolOutput(text, data={"result": text})
    failed = await call(mgr, "echo__fail", message="boom: the disk is full")
    assert failed.is_error and failed.content == "Error executing tool fail: boom: the disk is full"
    crashed = await call(mgr, "echo__crash", message="hidden")
    assert crashed.is_error and "crash" in crashed.content
    wrong = await mgr.call("echo", "add", {"a": "x", "b": 1})
    assert wrong.is_error and "validation error" in wrong.content
    unknown = await mgr.call("echo", "nope", {})
    assert unknown.is_error and "nope" in unknown.content
    assert (await mgr.call("other", "add", {})).is_error

    status = mgr.status()["echo"]
    assert status["running"] and status["tools"] == len(tools) and status["error"] is None
    pid = int((await call(mgr, "echo__pid")).content)
    assert status["pid"] == pid and alive(pid)
    assert await mgr.start() is tools  # started once

    child = int((await call(mgr, "echo__spawn_child")).content)
    assert alive(child)
    await mgr.close()
    assert await wait_dead(pid) and await wait_dead(child)
    assert not mgr.status()["echo"]["running"]
    after = await call(mgr, "echo__add", a=1, b=1)
    assert after.is_error and "closed" in after.content


async def test_concurrent_calls_from_many_tasks_and_threads() -> None:
    async with MCPManager({"e": echo()}) as mgr:
        started = time.monotonic()
        results = await asyncio.gather(
            *(asyncio.create_task(mgr.call("e", "slow", {"seconds": 0.6})) for _ in range(5)),
            *(asyncio.create_task(mgr.call("e", "add", {"a": i, "b": i})) for i in range(20)),
        )
        elapsed = time.monotonic() - started
        assert [r.content for r in results[:5]] == ["slept 0.6"] * 5
        assert [r.content for r in results[5:]] == [str(2 * i) for i in range(20)]
        assert elapsed < 2.0, elapsed  # the slow calls ran concurrently

        # a call from another thread (its own event loop) is served by the manager's loop
        box: list[ToolOutput] = []
        thread = threading.Thread(target=lambda: box.append(asyncio.run(mgr.call("e", "add", {"a": 1, "b": 2}))))
        thread.start()
        await asyncio.to_thread(thread.join, 10)
        assert box[0].content == "3"


async def test_missing_command_raises_naming_server_and_command() -> None:
    ghost = MCPServerConfig.model_validate({"command": "/nonexistent/llmos-mcp-server", "args": ["--x"]})
    mgr = MCPManager({"ghost": ghost})
    with pytest.raises(MCPServerError) as err:
        await mgr.start()
    message = str(err.value)
    assert "'ghost'" in message and "/nonexistent/llmos-mcp-server" in message
    assert "command not found" in message


async def test_start_failure_includes_stderr_tail() -> None:
    with pytest.raises(MCPServerError) as err:
        async with MCPManager({"bad": echo("--fail-start")}):
            pass
    message = str(err.value)
    assert "'bad'" in message and str(SERVER) in message
    assert "refusing to start (--fail-start)" in message


async def test_non_strict_start_keeps_the_working_servers() -> None:
    mgr = MCPManager({"good": echo(), "bad": echo("--fail-start"), "off": echo(enabled=False)})
    try:
        tools = await mgr.start(strict=False)
        assert tools and {t.source for t in tools} == {"mcp:good"}
        status = mgr.status()
        assert set(status) == {"good", "bad"}
        assert status["good"]["running"] and not status["bad"]["running"]
        assert "refusing to start" in (status["bad"]["error"] or "")
        assert (await mgr.call("bad", "add", {"a": 1, "b": 1})).is_error
    finally:
        await mgr.close()


async def test_server_killed_mid_run_then_restarted() -> None:
    async with MCPManager({"e": echo()}) as mgr:
        pid = int((await mgr.call("e", "pid")).content)
        pending = asyncio.create_task(mgr.call("e", "slow", {"seconds": 10}))
        await asyncio.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        out = await asyncio.wait_for(pending, 5)
        assert out.is_error and "MCP server 'e'" in out.content and "died" in out.content
        assert not mgr.status()["e"]["running"]
        # the next call restarts the server once
        again = await mgr.call("e", "add", {"a": 2, "b": 2})
        assert again.content == "4"
        status = mgr.status()["e"]
        assert status["running"] and status["restarts"] == 1 and status["pid"] != pid
        new_pid = status["pid"]
    assert new_pid is not None and await wait_dead(new_pid)


async def test_close_ends_calls_in_flight() -> None:
    mgr = MCPManager({"e": echo()})
    await mgr.start()
    pid = mgr.status()["e"]["pid"]
    pending = asyncio.create_task(mgr.call("e", "slow", {"seconds": 30}))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await mgr.close()
    out = await asyncio.wait_for(pending, 5)
    assert out.is_error and "closed" in out.content
    assert time.monotonic() - started < 5
    assert pid is not None and await wait_dead(pid)


async def test_call_timeout_is_an_error_result() -> None:
    async with MCPManager({"e": echo(timeout_s=0.5)}) as mgr:
        out = await mgr.call("e", "slow", {"seconds": 3})
        assert out.is_error and "timed out" in out.content
        assert (await mgr.call("e", "add", {"a": 1, "b": 1})).content == "2"


async def test_config_builder_servers_and_cwd(tmp_path: Path) -> None:
    config = ConfigBuilder("testing").mcp_server("calc", sys.executable, str(SERVER), cwd="sub").build()
    (tmp_path / "sub").mkdir()
    async with MCPManager(config.mcp.servers, cwd=tmp_path) as mgr:
        assert "calc__add" in {t.name for t in mgr.tools}
        pid = mgr.status()["calc"]["pid"]
        assert pid is not None and os.readlink(f"/proc/{pid}/cwd") == str(tmp_path / "sub")


async def test_server_without_command_or_url() -> None:
    with pytest.raises(MCPServerError, match="neither a command nor a url"):
        await MCPManager({"empty": MCPServerConfig.model_validate({})}).start()


def test_tool_names() -> None:
    assert tool_name("files", "read_file") == "files__read_file"
    assert tool_name("my server", "do/it") == "my_server__do_it"
    assert tool_name("1st", "x") == "_1st__x"
    assert len(tool_name("s", "x" * 100)) == 64


def test_content_text() -> None:
    result = SimpleNamespace(
        content=[
            SimpleNamespace(type="text", text="a"),
            SimpleNamespace(type="image", mime_type="image/png", data=""),
            SimpleNamespace(type="resource", resource=SimpleNamespace(text="inline", uri="file:///x")),
            SimpleNamespace(type="resource_link", uri="file:///y"),
            SimpleNamespace(type="text", text="b"),
        ],
        structured_content=None,
    )
    assert content_text(result) == "a\n[image image/png]\ninline\n[resource_link file:///y]\nb"
    assert content_text(SimpleNamespace(content=[], structured_content={"k": 1})) == '{"k": 1}'


async def test_streamable_http_server() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SERVER),
        "--http",
        str(port),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                await writer.wait_closed()
                break
            except OSError:
                await asyncio.sleep(0.05)
        config = MCPServerConfig.model_validate({"url": f"http://127.0.0.1:{port}/mcp"})
        async with MCPManager({"web": config}) as mgr:
            assert "web__add" in {t.name for t in mgr.tools}
            assert (await mgr.call("web", "add", {"a": 20, "b": 22})).content == "42"
            failed = await mgr.call("web", "fail", {"message": "nope"})
            assert failed.is_error and failed.content == "Error executing tool fail: nope"
            assert mgr.status()["web"]["target"] == f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        await proc.wait()
