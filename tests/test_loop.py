"""The agent loop (LEARNER mode) through `LLMOS.execute` and `run_loop`, with the shipped TestModel."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from runtime_support import quiet_config

from llmos.kernel.context import RunContext
from llmos.kernel.hooks import HookChain
from llmos.kernel.loop import LoopOptions, run_loop
from llmos.models.base import Message, ModelRequest, ToolCall, ToolResult
from llmos.models.pricing import Pricing
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, ToolOutput, function_tool, tool
from llmos.tools.registry import ToolRegistry
from llmos.tools.search import PARTIAL_NOTE, ToolSearch
from llmos.trace import Trace


@tool
def add(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: the first number
        b: the second number
    """
    return a + b


@tool
def explode(reason: str) -> str:
    """Always fails."""
    raise RuntimeError(f"kaboom: {reason}")


def last_results(model: TestModel, request_index: int) -> list[ToolResult]:
    """The tool results the model saw at the start of request `request_index`."""
    last = model.requests[request_index].messages[-1]
    assert last.role == "user"
    return [b for b in last.content if isinstance(b, ToolResult)]


async def run(tmp_path: Path, model: TestModel, tools: list[Tool], goal: str = "do it", **cfg: Any) -> Any:
    async with LLMOS(tmp_path, config=quiet_config(**cfg), model=model, tools=tools) as os:
        result = await os.execute(goal)
        trace = os.traces.get(result.run_id)
    return result, trace


async def test_final_answer(tmp_path: Path) -> None:
    model = TestModel(script=["The answer is 42."])
    result, trace = await run(tmp_path, model, [add])
    assert result.success and result.status == "success"
    assert result.output == "The answer is 42." and result.error is None
    assert result.llm_calls == 1 and result.tool_calls == []
    assert result.input_tokens > 0 and result.output_tokens > 0 and result.cost_usd > 0
    assert trace is not None and trace.output == "The answer is 42."
    # the goal went to the model as the user message, with the tools offered
    req = model.requests[0]
    assert req.messages[0].role == "user" and req.messages[0].text == "do it"
    offered = {t.name for t in req.tools}
    assert "add" in offered
    # the self-modification tools are deferred: not offered, but loadable through tool_search
    assert "create_agent" not in offered and "tool_search" in offered


async def test_tool_call_then_answer(tmp_path: Path) -> None:
    model = TestModel(script=[{"tool": "add", "args": {"a": 2, "b": 3}}, "2 + 3 = 5"])
    result, _ = await run(tmp_path, model, [add])
    assert result.success and result.llm_calls == 2
    assert result.tool_calls == [{"name": "add", "arguments": {"a": 2, "b": 3}, "result": "5", "is_error": False}]
    assert [(r.content, r.is_error) for r in last_results(model, 1)] == [("5", False)]


async def test_parallel_tool_calls_overlap_and_keep_call_order(tmp_path: Path) -> None:
    spans: dict[str, tuple[float, float]] = {}

    async def _sleep(label: str, seconds: float) -> str:
        start = time.monotonic()
        await asyncio.sleep(seconds)
        spans[label] = (start, time.monotonic())
        return f"{label} slept"

    @tool
    async def slow_a(label: str) -> str:
        """Sleeps 0.3 s."""
        return await _sleep(label, 0.3)

    @tool
    async def slow_b(label: str) -> str:
        """Sleeps 0.3 s (a bit less, so it finishes first)."""
        return await _sleep(label, 0.25)

    calls = [ToolCall("c1", "slow_a", {"label": "first"}), ToolCall("c2", "slow_b", {"label": "second"})]
    model = TestModel(script=[calls, "both done"])
    result, trace = await run(tmp_path, model, [slow_a, slow_b])
    assert result.success
    # they overlapped: each started before the other ended
    (a0, a1), (b0, b1) = spans["first"], spans["second"]
    assert a0 < b1 and b0 < a1
    assert b1 < a1  # the second call finished first ...
    assert max(a1, b1) - min(a0, b0) < 0.5  # (one after the other would take 0.55 s or more)
    # ... yet the records and the results the model sees are in call order
    assert [c["name"] for c in result.tool_calls] == ["slow_a", "slow_b"]
    assert [c.id for c in trace.tool_calls] == ["c1", "c2"]
    assert [(r.tool_call_id, r.content) for r in last_results(model, 1)] == [
        ("c1", "first slept"),
        ("c2", "second slept"),
    ]
    assert trace.tool_calls[0].turn == trace.tool_calls[1].turn == 1


async def test_raising_tool_becomes_an_error_result(tmp_path: Path) -> None:
    model = TestModel(
        script=[{"tool": "explode", "args": {"reason": "test"}}, {"tool": "add", "args": {"a": 1, "b": 1}}, "ok"]
    )
    result, trace = await run(tmp_path, model, [explode, add])
    assert result.success  # the model recovered
    first = result.tool_calls[0]
    assert first["is_error"] and "RuntimeError" in first["result"] and "kaboom: test" in first["result"]
    seen = last_results(model, 1)
    assert seen[0].is_error and "kaboom: test" in seen[0].content
    assert trace.tool_calls[0].is_error and trace.tool_calls[0].duration_s >= 0


async def test_unknown_tool_becomes_an_error_result(tmp_path: Path) -> None:
    model = TestModel(script=[{"tool": "no_such_tool", "args": {}}, {"tool": "add", "args": {"a": 1, "b": 2}}, "3"])
    result, _ = await run(tmp_path, model, [add])
    assert result.success
    bad = result.tool_calls[0]
    assert bad["is_error"] and "unknown tool 'no_such_tool'" in bad["result"] and "add" in bad["result"]
    assert last_results(model, 1)[0].is_error


async def test_schema_violations_are_named(tmp_path: Path) -> None:
    calls = [
        ToolCall("w", "add", {"a": "seven", "b": 1}),  # wrong type
        ToolCall("m", "add", {"a": 1}),  # missing argument
        ToolCall("x", "add", {"a": 1, "b": 2, "c": 3}),  # unexpected argument
    ]
    model = TestModel(script=[calls, {"tool": "add", "args": {"a": 1, "b": 2}}, "3"])
    result, _ = await run(tmp_path, model, [add])
    wrong, missing, extra = (c["result"] for c in result.tool_calls[:3])
    assert all(c["is_error"] for c in result.tool_calls[:3])
    assert "invalid arguments for add" in wrong and "a:" in wrong and "integer" in wrong
    assert "b:" in missing and "required" in missing.lower()
    assert "c:" in extra and "not permitted" in extra.lower()
    # the model saw each problem as the result of its own call
    assert [r.tool_call_id for r in last_results(model, 1)] == ["w", "m", "x"]


async def test_max_turns_stops_with_a_clear_error(tmp_path: Path) -> None:
    model = TestModel(script=lambda request: {"tool": "add", "args": {"a": 1, "b": 1}})
    result, trace = await run(tmp_path, model, [add], agent={"max_turns": 3})
    assert not result.success and result.status == "failed"
    assert result.error is not None and "max_turns=3" in result.error
    assert result.llm_calls == 3 and len(result.tool_calls) == 3
    assert trace is not None and trace.status == "failed"


async def test_stopping_right_after_failed_calls_fails_the_run(tmp_path: Path) -> None:
    model = TestModel(script=[{"tool": "explode", "args": {"reason": "disk full"}}, "All done!"])
    result, _ = await run(tmp_path, model, [explode])
    assert not result.success and result.status == "failed"
    assert result.output == "All done!"
    assert "stopped after failed tool calls" in (result.error or "")
    assert "explode" in (result.error or "") and "disk full" in (result.error or "")


async def test_max_tokens_stop_is_a_failure(tmp_path: Path) -> None:
    from llmos.models.base import ModelResponse, TextBlock, Usage

    model = TestModel(script=[ModelResponse([TextBlock("half an ans")], "max_tokens", Usage(10, 5), "test")])
    result, _ = await run(tmp_path, model, [add])
    assert not result.success and "max_tokens" in (result.error or "")


async def test_exhausted_script_fails_the_run_with_the_model_error(tmp_path: Path) -> None:
    model = TestModel(script=[{"tool": "add", "args": {"a": 1, "b": 1}}])
    result, trace = await run(tmp_path, model, [add])
    assert not result.success and "ModelResponseError" in (result.error or "")
    assert trace is not None and trace.status == "failed" and len(trace.tool_calls) == 1


# ---------------------------------------------------------------------------- run_loop directly
def context(tmp_path: Path, tools: list[Tool], events: list[dict[str, Any]] | None = None) -> RunContext:
    async def sink(event: dict[str, Any]) -> None:
        if events is not None:
            events.append(event)

    registry = ToolRegistry(tools)
    registry.register(ToolSearch(registry).search_tool(lambda names: None))
    return RunContext(Trace(goal="g"), tmp_path, registry, HookChain(), quiet_config(), events=sink)


async def test_tool_search_offers_found_tools_in_the_next_request(tmp_path: Path) -> None:
    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        return f"sunny in {city}"

    model = TestModel(
        script=[
            {"tool": "tool_search", "args": {"query": "weather"}},
            {"tool": "get_weather", "args": {"city": "Oslo"}},
            "It is sunny in Oslo.",
        ]
    )
    ctx = context(tmp_path, [add, get_weather])
    opts = LoopOptions(model=model, pricing=Pricing(), tools=["add"], tool_search=True)
    outcome = await run_loop(ctx, opts, [Message.user("weather in Oslo?")])
    assert outcome.status == "success" and outcome.output == "It is sunny in Oslo."
    offered = [{t.name for t in r.tools} for r in model.requests]
    assert offered[0] == {"add", "tool_search"}  # not offered yet
    assert "get_weather" in offered[1] and "get_weather" in offered[2]  # found, then kept
    assert [c.name for c in ctx.trace.tool_calls] == ["tool_search", "get_weather"]
    assert ctx.trace.tool_calls[1].result == "sunny in Oslo"


async def test_without_tool_search_the_search_tool_is_not_offered(tmp_path: Path) -> None:
    model = TestModel(script=["hi"])
    ctx = context(tmp_path, [add])
    await run_loop(ctx, LoopOptions(model=model, pricing=Pricing()), [Message.user("hi")])
    assert [t.name for t in model.requests[0].tools] == ["add"]


async def test_streaming_emits_text_and_gives_the_same_outcome(tmp_path: Path) -> None:
    events: list[dict[str, Any]] = []
    model = TestModel(script=[{"tool": "add", "args": {"a": 20, "b": 22}}, "The sum is 42, computed with a tool."])
    ctx = context(tmp_path, [add], events)
    opts = LoopOptions(model=model, pricing=Pricing(), stream=True)
    outcome = await run_loop(ctx, opts, [Message.user("add 20 and 22")])
    assert outcome.status == "success" and outcome.output == "The sum is 42, computed with a tool."
    streamed = "".join(e["text"] for e in events if e["type"] == "model_text")
    assert streamed == outcome.output
    kinds = [e["type"] for e in events]
    assert kinds.index("tool_call") < kinds.index("tool_result") < kinds.index("model_text")
    assert ctx.trace.llm_calls == 2 and all(m.cost_usd for m in ctx.trace.model_calls)


async def test_history_is_continued(tmp_path: Path) -> None:
    model = TestModel(script=lambda request: f"I saw {len(request.messages)} messages")
    ctx = context(tmp_path, [add])
    history = [Message.user("first"), Message.assistant("ok"), Message.user("second")]
    outcome = await run_loop(ctx, LoopOptions(model=model, pricing=Pricing()), history)
    assert outcome.output == "I saw 3 messages"
    assert [m.role for m in outcome.messages] == ["user", "assistant", "user", "assistant"]
    assert isinstance(model.requests[0], ModelRequest)


def test_continuation_turns_recorded_calls_into_conversation_turns() -> None:
    from llmos.execution.continuation import continuation
    from llmos.trace import ToolCallRecord

    records = [
        ToolCallRecord("r1", "get_rate", {"src": "USD"}, result="0.9", turn=1, source="replay"),
        ToolCallRecord("r2", "get_rate", {"src": "GBP"}, result="1.2", turn=1, source="replay"),
        ToolCallRecord("inner", "multiply", {"a": 1}, result="1", turn=1, source="inner", parent_id="r2"),
        ToolCallRecord("r3", "save", {"name": "x"}, result="ERROR: disk", is_error=True, turn=2, source="replay"),
    ]
    messages = continuation("Convert things", records, note="The replay stopped here; continue.")
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant", "user"]
    assert messages[0].text == "Convert things"
    assert [c.id for c in messages[1].tool_calls] == ["r1", "r2"]  # inner calls are not the model's
    results = [b for b in messages[2].content if isinstance(b, ToolResult)]
    assert [(r.tool_call_id, r.content) for r in results] == [("r1", "0.9"), ("r2", "1.2")]
    last = messages[4].content
    assert isinstance(last[0], ToolResult) and last[0].is_error and last[0].tool_call_id == "r3"
    assert messages[4].text == "The replay stopped here; continue."
    # nothing recorded: just the goal (a note has nowhere to go)
    assert [m.text for m in continuation("g", [], note="n")] == ["g"]


async def test_tools_found_by_a_search_with_a_note_after_its_listing_are_offered(tmp_path: Path) -> None:
    """A search answered from the quick index (the full one still building) adds a note after its
    JSON listing: the tools it lists are offered in the next request all the same (issue 9: a guided
    run whose search found the tool it needed gave up, the tool never being offered)."""
    @tool
    def book_room(room: str) -> str:
        """Book a meeting room."""
        return f"booked {room}"

    async def tool_search(query: str) -> ToolOutput:
        """Search for tools.

        Args:
            query: a tool name or keywords
        """
        return ToolOutput(json.dumps([{"name": "book_room", "description": "Book a room."}]) + "\n" + PARTIAL_NOTE)

    model = TestModel(
        script=[
            {"tool": "tool_search", "args": {"query": "book room"}},
            {"tool": "book_room", "args": {"room": "Fjord"}},
            "Room Fjord is booked.",
        ]
    )
    registry = ToolRegistry([add, book_room])
    registry.register(function_tool(tool_search, name="tool_search", description="Search for tools."))
    ctx = RunContext(Trace(goal="g"), tmp_path, registry, HookChain(), quiet_config())
    opts = LoopOptions(model=model, pricing=Pricing(), tools=["add"], tool_search=True)
    outcome = await run_loop(ctx, opts, [Message.user("book the Fjord room")])
    assert outcome.status == "success", outcome
    offered = [{t.name for t in r.tools} for r in model.requests]
    assert "book_room" not in offered[0] and "book_room" in offered[1]
    assert [c.name for c in ctx.trace.tool_calls] == ["tool_search", "book_room"]
    assert not ctx.trace.tool_calls[1].is_error and ctx.trace.tool_calls[1].result == "booked Fjord"
