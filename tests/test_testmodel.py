"""TestModel: scripted replies, a function of the request, and the default goal-reading agent
(driven here through the real built-in tools in a temporary workspace)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from llmos.config import Config, SandboxConfig
from llmos.exceptions import ModelResponseError
from llmos.execution.sandbox.shell import shell_runner
from llmos.models.base import (
    Message,
    Model,
    ModelRequest,
    ModelResponse,
    StreamDone,
    TextBlock,
    TextDelta,
    ToolCall,
    ToolResult,
    ToolSpec,
    Usage,
    collect,
)
from llmos.models.testmodel import TestModel
from llmos.tools.base import ToolContext
from llmos.tools.builtin import builtin_tools


def req(goal: str, tools: list[ToolSpec] | None = None) -> ModelRequest:
    return ModelRequest(messages=[Message.user(goal)], tools=tools or [])


async def test_script_items_in_order() -> None:
    fixed = ModelResponse([TextBlock("given")], "end_turn", Usage(1, 2))
    m = TestModel(
        script=[
            "plain text",
            ToolCall("", "read_file", {"path": "a.txt"}),
            [ToolCall("id1", "a", {}), ToolCall("id2", "b", {"x": 1})],
            {"tool": "list_dir", "args": {"path": "."}},
            fixed,
        ]
    )
    assert isinstance(m, Model) and (m.provider, m.name) == ("test", "test")
    r1 = await m.request(req("hi"))
    assert r1.text == "plain text" and r1.stop_reason == "end_turn"
    r2 = await m.request(req("hi"))
    assert r2.stop_reason == "tool_use" and r2.tool_calls[0].name == "read_file" and r2.tool_calls[0].id
    r3 = await m.request(req("hi"))
    assert [c.id for c in r3.tool_calls] == ["id1", "id2"]
    r4 = await m.request(req("hi"))
    assert r4.tool_calls[0].arguments == {"path": "."}
    assert await m.request(req("hi")) is fixed
    assert len(m.requests) == 5 and m.remaining == 0
    with pytest.raises(ModelResponseError, match="exhausted"):
        await m.request(req("hi"))


async def test_callable_script_and_usage() -> None:
    m = TestModel(script=lambda r: f"you said {r.messages[0].text}")
    request = req("hello")
    r = await m.request(request)
    assert r.text == "you said hello"
    import dataclasses

    expected_in = math.ceil(len(json.dumps(dataclasses.asdict(request), default=str, ensure_ascii=False)) / 4)
    assert r.usage.input_tokens == expected_in
    assert r.usage.output_tokens == math.ceil(len(json.dumps([{"text": "you said hello", "type": "text"}])) / 4)
    assert m.requests[0].messages[0].text == "hello"


async def test_requests_are_snapshots() -> None:
    m = TestModel(script=["a"])
    request = req("first")
    await m.request(request)
    request.messages.append(Message.user("later"))
    assert len(m.requests[0].messages) == 1


async def test_stream_yields_text_then_done() -> None:
    m = TestModel(script=["a fairly long answer that spans several deltas"])
    events = [e async for e in m.stream(req("x"))]
    assert isinstance(events[-1], StreamDone) and all(isinstance(e, TextDelta) for e in events[:-1])
    assert "".join(e.text for e in events[:-1]) == events[-1].response.text


async def run_goal(goal: str, workspace: Path, model: TestModel | None = None) -> tuple[ModelResponse, list[ToolCall]]:
    """A minimal agent loop over the real built-in tools."""
    tools = {t.name: t for t in builtin_tools(workspace, Config(), shell_runner(SandboxConfig()))}
    model = model or TestModel()
    messages = [Message.user(goal)]
    made: list[ToolCall] = []
    for _ in range(10):
        r = await model.request(ModelRequest(messages=messages, tools=[t.spec for t in tools.values()]))
        messages.append(r.to_message())
        if not r.tool_calls:
            return r, made
        results = []
        for c in r.tool_calls:
            made.append(c)
            out = await tools[c.name].call(c.arguments, ToolContext(workspace))
            results.append(ToolResult(c.id, out.content, out.is_error))
        messages.append(Message("user", list(results)))
    raise AssertionError("the test model did not finish")


async def test_default_writes_a_file(tmp_path: Path) -> None:
    r, calls = await run_goal("Create a file notes.txt containing 'hello world'", tmp_path)
    assert [(c.name, c.arguments) for c in calls] == [("write_file", {"path": "notes.txt", "content": "hello world"})]
    assert (tmp_path / "notes.txt").read_text() == "hello world"
    assert r.stop_reason == "end_turn" and "Done" in r.text and "write_file" in r.text


async def test_default_reads_lists_and_runs(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("remember the milk")
    r, calls = await run_goal("Read notes.txt", tmp_path)
    assert [c.name for c in calls] == ["read_file"] and "remember the milk" in r.text
    r, calls = await run_goal("List the files", tmp_path)
    assert [(c.name, c.arguments) for c in calls] == [("list_dir", {"path": "."})] and "notes.txt" in r.text
    r, calls = await run_goal("Run `echo hi`", tmp_path)
    assert [(c.name, c.arguments) for c in calls] == [("run_command", {"command": "echo hi"})]
    assert "exit code: 0" in r.text and "hi" in r.text


async def test_default_multi_step_and_edit(tmp_path: Path) -> None:
    goal = "Create hello.txt with the text 'Hello world' and then replace 'world' with 'LLM OS' in hello.txt"
    _, calls = await run_goal(goal, tmp_path)
    assert [c.name for c in calls] == ["write_file", "edit_file"]
    assert (tmp_path / "hello.txt").read_text() == "Hello LLM OS"


async def test_default_reports_errors_and_never_repeats(tmp_path: Path) -> None:
    r, calls = await run_goal("Read missing.txt", tmp_path)
    assert [c.name for c in calls] == ["read_file"]
    assert "could not finish" in r.text and "read_file" in r.text


async def test_default_generic_tool_from_schema() -> None:
    note = ToolSpec(
        "create_note",
        "Create a note with a title and text",
        {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "text": {"type": "string"},
                "priority": {"type": "integer"},
            },
            "required": ["title", "text", "priority"],
        },
    )
    other = ToolSpec("get_weather", "Weather of a city", {"type": "object", "properties": {}})
    m = TestModel()
    goal = "Create a note titled 'Ideas' with the text 'ship it' at priority 2"
    r = await m.request(req(goal, [other, note]))
    assert r.tool_calls == [
        ToolCall(r.tool_calls[0].id, "create_note", {"title": "Ideas", "text": "ship it", "priority": 2})
    ]
    follow = ModelRequest(
        messages=[
            Message.user(goal),
            r.to_message(),
            Message("user", [ToolResult(r.tool_calls[0].id, "saved")]),
        ],
        tools=[other, note],
    )
    final = await m.request(follow)
    assert final.stop_reason == "end_turn" and "saved" in final.text


async def test_default_without_fitting_tool_answers_text() -> None:
    m = TestModel()
    r = await m.request(req("What is the meaning of life?", [ToolSpec("multiply", "Multiply numbers", {})]))
    assert r.stop_reason == "end_turn" and r.text and not r.tool_calls
    final = await collect(m.stream(req("hello")))
    assert final.text
