"""The `LLMOS` facade: lifecycle, the result contract, cancellation, failing models."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes.llm_server import FakeLLMServer, error, llm_server, text
from runtime_support import SlowModel, answer, check_contract, quiet_config

from llmos.exceptions import ModelHTTPError, ModeUnavailable, UserError
from llmos.models.anthropic import AnthropicModel
from llmos.models.base import ModelRequest, ModelResponse, StreamEvent
from llmos.models.testmodel import TestModel
from llmos.result import RunResult
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore
from llmos.tools.base import tool

__all__ = ["llm_server"]


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


async def test_result_contract_and_json(tmp_path: Path) -> None:
    model = TestModel(script=[{"tool": "add", "args": {"a": 1, "b": 2}}, "3"])
    async with LLMOS(tmp_path, config=quiet_config(), model=model, tools=[add]) as os:
        result = await os.execute("add 1 and 2")
    data = result.to_dict()
    check_contract(data)
    assert json.loads(json.dumps(data)) == data  # plain JSON
    assert list(data)[:11] == [
        "run_id",
        "mode",
        "success",
        "output",
        "llm_calls",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "duration_s",
        "tool_calls",
        "error",
    ]
    assert data["tool_calls"] == [{"name": "add", "arguments": {"a": 1, "b": 2}, "result": "3", "is_error": False}]
    assert data["mode"] == "learner" and data["success"] is True and data["output"] == "3"
    assert "mode_reason" in data and "mode_reason" not in result.to_dict(explain=False)
    assert result.messages and result.messages[-1].text == "3"  # the conversation, outside the JSON


async def test_misuse_is_a_clear_user_error(tmp_path: Path) -> None:
    os = LLMOS(tmp_path, config=quiet_config(), model=answer())
    with pytest.raises(UserError, match="not started"):
        await os.execute("hello")
    async with os:
        with pytest.raises(UserError, match="goal is empty"):
            await os.execute("   ")
        with pytest.raises(UserError, match="unknown mode 'fast'"):
            await os.execute("hello", mode="fast")
        with pytest.raises(ModeUnavailable, match="learning"):
            await os.execute("hello", mode="follower")  # learning is disabled in quiet_config
        assert os.traces.count() == 0  # misuse stores nothing
        assert (await os.execute("hello")).success
    assert os.db is None  # closed


async def test_stats_and_health(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, config=quiet_config(), model=answer("hi")) as os:
        assert os.health()["started"] is True and os.health()["tools"] > 0
        for _ in range(3):
            await os.execute("say hi")
        stats = os.stats()
    assert stats["runs"] == 3 and stats["success"] == 3 and stats["llm_calls"] == 3
    assert stats["by_mode"]["learner"]["runs"] == 3
    assert stats["budget"]["spent_usd"] == pytest.approx(stats["cost_usd"], abs=1e-6)
    assert stats["spending_by_model"]["test:test"]["calls"] == 3


async def test_feedback_and_reject_are_recorded(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, config=quiet_config(), model=answer()) as os:
        r = await os.execute("something")
        await os.feedback(r.run_id, good=False)
        os.reject(r.run_id[:10])  # a unique prefix is enough
        trace = os.traces.require(r.run_id)
    assert trace.rejected
    assert [e["kind"] for e in trace.events][-2:] == ["feedback", "rejected"]


# ---------------------------------------------------------------------------- cancellation
async def test_cancel_during_a_tool_call_saves_a_cancelled_trace(tmp_path: Path) -> None:
    started = asyncio.Event()

    @tool
    async def wait_forever(seconds: float) -> str:
        """Sleeps."""
        started.set()
        await asyncio.sleep(seconds)
        return "woke up"

    model = TestModel(
        script=[{"tool": "add", "args": {"a": 1, "b": 1}}, {"tool": "wait_forever", "args": {"seconds": 30}}, "never"]
    )
    async with LLMOS(tmp_path, config=quiet_config(), model=model, tools=[add, wait_forever]) as os:
        task = asyncio.create_task(os.execute("wait"))
        await asyncio.wait_for(started.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        balance = os.ledger.balance()
        # the runtime still works after a cancelled run
        assert (await os.execute("again", model=answer())).success
    assert balance.reserved_usd == 0  # no reservation left behind
    # read back from the file with a fresh connection: saved, complete, marked cancelled
    store = TraceStore(Database.for_workspace(tmp_path))
    trace = next(t for t in store.list() if t.goal == "wait")
    assert trace.status == "cancelled" and not trace.success
    assert trace.error is not None and "cancelled" in trace.error
    assert trace.ended_at is not None and trace.llm_calls == 2
    done, interrupted = trace.tool_calls
    assert (done.name, done.result, done.is_error) == ("add", "2", False)
    # the interrupted call is not half-written: it says what happened to it
    assert interrupted.name == "wait_forever" and interrupted.is_error
    assert "cancelled" in interrupted.result and interrupted.duration_s > 0
    store.db.close()


class HangingModel:
    """A model whose request never returns (until cancelled)."""

    provider = "test"
    name = "test"

    def __init__(self) -> None:
        self.called = asyncio.Event()

    async def request(self, request: ModelRequest) -> ModelResponse:
        self.called.set()
        await asyncio.sleep(60)
        raise AssertionError("unreachable")

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        raise AssertionError("not streamed")
        yield  # pragma: no cover


async def test_cancel_during_a_model_call_releases_its_reservation(tmp_path: Path) -> None:
    model = HangingModel()
    async with LLMOS(tmp_path, config=quiet_config(), model=model) as os:
        task = asyncio.create_task(os.execute("think hard"))
        await asyncio.wait_for(model.called.wait(), 5)
        assert os.ledger.balance().reserved_usd > 0  # the worst case is reserved during the call
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        balance = os.ledger.balance()
        rows = os.db.connection().execute("SELECT status FROM ledger").fetchall() if os.db else []
        trace = os.traces.list()[0]
    assert balance.reserved_usd == 0 and balance.spent_usd == 0
    assert [r["status"] for r in rows] == ["released"]
    assert trace.status == "cancelled" and trace.llm_calls == 0


async def test_cancel_while_parallel_tools_run(tmp_path: Path) -> None:
    running = 0
    both = asyncio.Event()

    @tool
    async def nap(n: int) -> str:
        """Sleeps."""
        nonlocal running
        running += 1
        if running == 2:
            both.set()
        await asyncio.sleep(30)
        return "rested"

    from llmos.models.base import ToolCall

    model = TestModel(script=[[ToolCall("a", "nap", {"n": 1}), ToolCall("b", "nap", {"n": 2})], "x"])
    async with LLMOS(tmp_path, config=quiet_config(), model=model, tools=[nap]) as os:
        task = asyncio.create_task(os.execute("nap twice"))
        await asyncio.wait_for(both.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        trace = os.traces.list()[0]
    assert trace.status == "cancelled"
    assert [(c.id, c.is_error) for c in trace.tool_calls] == [("a", True), ("b", True)]
    assert all("cancelled" in c.result for c in trace.tool_calls)


# ---------------------------------------------------------------------------- failing models
async def test_failing_model_fails_the_run_with_the_error(tmp_path: Path, llm_server: FakeLLMServer) -> None:
    # 1 try + 2 retries, all HTTP 500: the provider gives up with ModelHTTPError
    llm_server.push(*(error(500) for _ in range(3)))
    model = AnthropicModel(api_key="k", base_url=llm_server.url, max_retries=2, retry_base_delay=0.001)
    try:
        async with LLMOS(tmp_path, config=quiet_config(), model=model) as os:
            result = await os.execute("hello")
            rows = os.db.connection().execute("SELECT status, cost_usd FROM ledger").fetchall() if os.db else []
            trace = os.traces.get(result.run_id)
    finally:
        await model.aclose()
    assert len(llm_server.requests) == 3
    assert not result.success and result.status == "failed"
    assert result.error is not None and "ModelHTTPError" in result.error and "500" in result.error
    assert trace is not None and trace.status == "failed" and trace.error == result.error
    assert [(r["status"], r["cost_usd"]) for r in rows] == [("released", 0.0)]
    check_contract(result.to_dict())


async def test_anthropic_model_through_the_runtime(tmp_path: Path, llm_server: FakeLLMServer) -> None:
    llm_server.push(text("hello from the fake", input_tokens=1000, output_tokens=10))
    model = AnthropicModel(api_key="k", base_url=llm_server.url, max_retries=0)
    try:
        async with LLMOS(tmp_path, config=quiet_config(), model=model) as os:
            result = await os.execute("hello")
    finally:
        await model.aclose()
    assert result.success and result.output == "hello from the fake"
    assert (result.input_tokens, result.output_tokens) == (1000, 10)
    assert result.cost_usd == pytest.approx((1000 * 3 + 10 * 15) / 1e6)  # claude-sonnet-4-5 prices


async def test_a_model_raising_a_non_model_error_fails_the_run_and_keeps_the_trace(tmp_path: Path) -> None:
    def boom(request: ModelRequest) -> Any:
        raise ModelHTTPError(503, "overloaded", "test")

    async with LLMOS(tmp_path, config=quiet_config(), model=TestModel(script=boom)) as os:
        result = await os.execute("hello")
        assert os.traces.get(result.run_id) is not None
    assert not result.success and "503" in (result.error or "")


# ---------------------------------------------------------------------------- concurrency
async def test_twenty_concurrent_runs_are_all_saved(tmp_path: Path) -> None:
    model = SlowModel(
        TestModel(script=lambda r: {"tool": "add", "args": {"a": 1, "b": 1}} if len(r.messages) == 1 else "2"), 0.02
    )
    async with LLMOS(tmp_path, config=quiet_config(budget={"total_usd": 100.0}), model=model, tools=[add]) as os:
        results: list[RunResult] = await asyncio.gather(*(os.execute(f"goal {i}") for i in range(20)))
        stored = os.traces.list(limit=100)
        balance = os.ledger.balance()
    assert all(r.success for r in results), [r.error for r in results if not r.success]
    assert len({r.run_id for r in results}) == 20
    assert {t.id for t in stored} == {r.run_id for r in results}
    assert all(len(t.tool_calls) == 1 and t.llm_calls == 2 for t in stored)
    assert balance.spent_usd == pytest.approx(sum(r.cost_usd for r in results), abs=1e-6)
    assert balance.reserved_usd == 0


async def test_a_hook_raising_in_a_parallel_turn_stops_the_sibling_calls(tmp_path: Path) -> None:
    from llmos.kernel.context import RunContext
    from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
    from llmos.models.base import ToolCall

    finished: list[str] = []

    @tool
    async def slow(n: int) -> str:
        """Sleeps a little."""
        await asyncio.sleep(0.3)
        finished.append("slow")
        return "slept"

    class Buggy(Hook):
        async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
            if event.tool == "add":
                await asyncio.sleep(0.05)  # the sibling is already running
                raise RuntimeError("hook bug")
            return None

    model = TestModel(script=[[ToolCall("s", "slow", {"n": 1}), ToolCall("a", "add", {"a": 1, "b": 2})], "x"])
    async with LLMOS(tmp_path, config=quiet_config(), model=model, tools=[slow, add], hooks=[Buggy()]) as os:
        result = await os.execute("go")
        await asyncio.sleep(0.4)  # longer than `slow` would have taken
        trace = os.traces.require(result.run_id)
    assert result.status == "failed" and "internal error: RuntimeError: hook bug" in (result.error or "")
    assert finished == []  # the sibling was stopped, not left running after the run ended
    assert [(c.id, c.is_error) for c in trace.tool_calls] == [("s", True)]
    assert "cancelled" in trace.tool_calls[0].result


async def test_run_cancelled_from_a_hook_saves_the_trace_and_propagates(tmp_path: Path) -> None:
    from llmos.exceptions import RunCancelled
    from llmos.kernel.context import RunContext
    from llmos.kernel.hooks import Hook

    class StopButton(Hook):
        async def pre_model_call(self, ctx: RunContext, request: ModelRequest) -> None:
            raise RunCancelled("the user pressed stop")

    async with LLMOS(tmp_path, config=quiet_config(), model=answer(), hooks=[StopButton()]) as os:
        with pytest.raises(RunCancelled):
            await os.execute("go")
        trace = os.traces.list()[0]
        balance = os.ledger.balance()
    assert trace.status == "cancelled" and trace.error == "run cancelled: the user pressed stop"
    assert balance.reserved_usd == 0  # the budget hook had reserved before the stop button raised
