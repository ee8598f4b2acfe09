"""The token economy: ledger rows, reservations, budgets that are never overspent (also concurrently)."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_support import SlowModel, answer, cli_env, llmos_cli, one_json, quiet_config

from llmos.config import BudgetConfig
from llmos.exceptions import BudgetExceeded, ModelHTTPError
from llmos.kernel.context import RunContext
from llmos.kernel.economy import MIN_OUTPUT_TOKENS, STALE_RESERVATION_S, Ledger, worst_case_input_tokens
from llmos.kernel.hooks import Hook
from llmos.models.base import Message, ModelRequest, ToolCall, ToolResult, ToolSpec
from llmos.models.pricing import Pricing
from llmos.models.testmodel import TestModel
from llmos.result import RunResult
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.tools.base import tool
from llmos.trace import ModelCallRecord


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def tool_then_answer() -> TestModel:
    """Reusable by many runs: a tool call on the first request, then an answer."""
    return TestModel(script=lambda r: {"tool": "add", "args": {"a": 2, "b": 2}} if len(r.messages) == 1 else "4")


def ledger_rows(os: LLMOS) -> list[Any]:
    assert os.db is not None
    return os.db.connection().execute("SELECT * FROM ledger ORDER BY id").fetchall()


async def probe(os: LLMOS, model: Any, goal: str = "probe") -> tuple[RunResult, list[Any]]:
    """Run once and return the ledger rows of that run (their reserved_usd is each call's worst case:
    the same goal asks the same-sized requests again)."""
    r = await os.execute(goal, model=model)
    assert r.success, r.error
    return r, [row for row in ledger_rows(os) if row["run_id"] == r.run_id]


# ---------------------------------------------------------------------------- rows
async def test_every_charge_is_a_ledger_row(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, config=quiet_config(), model=tool_then_answer(), tools=[add]) as os:
        results = [await os.execute(f"add {i}") for i in range(3)]
        rows = ledger_rows(os)
        traces = {r.run_id: os.traces.require(r.run_id) for r in results}
        balance = os.ledger.balance()
    assert len(rows) == sum(t.llm_calls for t in traces.values()) == 6
    for row in rows:
        assert row["status"] == "charged" and row["provider"] == "test" and row["model"] == "test"
        assert row["mode"] == "learner" and row["agent"] == "default"
        assert 0 < row["cost_usd"] <= row["reserved_usd"]  # the reservation was an upper bound
        assert row["settled_at"] >= row["created_at"]
    for run_id, trace in traces.items():
        mine = [r for r in rows if r["run_id"] == run_id]
        assert [(r["input_tokens"], r["output_tokens"]) for r in mine] == [
            (c.input_tokens, c.output_tokens) for c in trace.model_calls
        ]
        assert sum(r["cost_usd"] for r in mine) == pytest.approx(trace.cost_usd, abs=1e-8)
    assert balance.spent_usd == pytest.approx(sum(r.cost_usd for r in results), abs=1e-8)
    assert balance.remaining_usd == pytest.approx(1.0 - balance.spent_usd)  # the testing preset: $1


# ---------------------------------------------------------------------------- budget exceeded
async def test_a_budget_too_small_for_the_first_call(tmp_path: Path) -> None:
    cfg = quiet_config(budget={"total_usd": 0.0001})
    model = answer()
    async with LLMOS(tmp_path, config=cfg, model=model) as os:
        result = await os.execute("hello")
        trace = os.traces.get(result.run_id)
        rows = ledger_rows(os)
    assert not result.success and result.status == "budget_exceeded"
    assert result.error is not None and "budget exceeded" in result.error and "$0.00" in result.error
    assert result.llm_calls == 0 and model.requests == []  # the model was never called
    assert trace is not None and trace.status == "budget_exceeded" and trace.error == result.error
    assert rows == []


def _floor_worst(os: LLMOS, reserved_usd: float) -> float:
    """A call's reservation with its output lowered from max_tokens to MIN_OUTPUT_TOKENS: the least
    the budget must hold for that call to be made at all."""
    out = os.pricing.price("test", "test").output / 1_000_000  # type: ignore[union-attr]
    return reserved_usd - (os.config.model.max_tokens - MIN_OUTPUT_TOKENS) * out


async def test_a_run_stops_before_a_call_that_could_overspend(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, config=quiet_config(budget={"per_run_usd": None}), model=answer(), tools=[add]) as os:
        _, rows = await probe(os, tool_then_answer(), "add")
        spent = os.ledger.balance().spent_usd
        # just enough for the first call with its output lowered to the floor: the second cannot be reserved
        os.config.budget.total_usd = spent + _floor_worst(os, rows[0]["reserved_usd"]) + 1e-9
        result = await os.execute("add", model=tool_then_answer())
        trace = os.traces.require(result.run_id)
        balance = os.ledger.balance()
    assert result.status == "budget_exceeded" and not result.success
    assert "budget exceeded: the next model call needs at least" in (result.error or "")
    assert "[budget] total_usd" in (result.error or "")  # the knob is named
    assert trace.status == "budget_exceeded" and trace.llm_calls == 1 and len(trace.tool_calls) == 1
    lowered = [e for e in trace.events if e["kind"] == "max_tokens_lowered"]
    assert lowered and lowered[0]["granted"] == MIN_OUTPUT_TOKENS
    assert balance.spent_usd <= os.config.budget.total_usd and balance.reserved_usd == 0


async def test_per_run_cap(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, config=quiet_config(budget={"total_usd": 50.0}), model=answer(), tools=[add]) as os:
        _, rows = await probe(os, tool_then_answer(), "add")
        os.config.budget.per_run_usd = _floor_worst(os, rows[0]["reserved_usd"]) + 1e-9
        result = await os.execute("add", model=tool_then_answer())
        again = await os.execute("add", model=tool_then_answer())  # the cap is per run, not total
    for r in (result, again):
        assert r.status == "budget_exceeded" and r.llm_calls == 1
        assert "run budget exceeded" in (r.error or "") and "cap" in (r.error or "")
        assert "[budget] per_run_usd" in (r.error or "")
        assert r.cost_usd <= os.config.budget.per_run_usd


async def test_concurrent_runs_never_overspend(tmp_path: Path) -> None:
    model = SlowModel(answer(), delay_s=0.3)  # every run reserves before any settles
    async with LLMOS(tmp_path, config=quiet_config(budget={"per_run_usd": None}), model=answer()) as os:
        _, rows = await probe(os, answer(), "same goal")
        worst = rows[0]["reserved_usd"]
        budget = os.ledger.balance().spent_usd + 3.5 * worst  # room for 3 calls, not 4
        os.config.budget.total_usd = budget
        results = await asyncio.gather(*(os.execute("same goal", model=model) for _ in range(10)))
        balance = os.ledger.balance()
        stored = {t.id: t for t in os.traces.list(limit=50)}
    ok = [r for r in results if r.success]
    stopped = [r for r in results if not r.success]
    assert 3 <= len(ok) < 10  # three at max_tokens; more only with their output lowered to what is left
    assert all(r.status == "budget_exceeded" and "budget exceeded" in (r.error or "") for r in stopped)
    assert all(stored[r.run_id].status == r.status for r in results)  # every trace saved
    assert balance.spent_usd <= budget and balance.reserved_usd == 0


async def test_concurrent_runtimes_in_threads_never_overspend(tmp_path: Path) -> None:
    """Ten LLMOS instances (ten SQLite connections) on one workspace, each in its own thread."""
    async with LLMOS(tmp_path, config=quiet_config(budget={"per_run_usd": None}), model=answer()) as os:
        _, rows = await probe(os, answer(), "same goal")
        worst = rows[0]["reserved_usd"]
        budget = os.ledger.balance().spent_usd + 4.5 * worst  # room for 4 calls
    barrier = threading.Barrier(10)
    statuses: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        async def go() -> str:
            cfg = quiet_config(budget={"per_run_usd": None, "total_usd": budget})
            async with LLMOS(tmp_path, config=cfg, model=SlowModel(answer(), 1.0)) as rt:
                await asyncio.to_thread(barrier.wait, 30)
                return (await rt.execute("same goal")).status

        try:
            statuses.append(asyncio.run(go()))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert 4 <= statuses.count("success") < 10  # more than 4 only with their output lowered to what is left
    assert set(statuses) == {"success", "budget_exceeded"}
    db = Database.for_workspace(tmp_path)
    ledger = Ledger(db, BudgetConfig(total_usd=budget))
    balance = ledger.balance()
    db.close()
    assert balance.spent_usd <= budget and balance.reserved_usd == 0


# ---------------------------------------------------------------------------- reservations
async def test_a_user_hook_stopping_a_call_after_the_reservation_releases_it(tmp_path: Path) -> None:
    class Quota(Hook):
        """A user hook (after the built-in budget hook) that allows one model call per run."""

        async def pre_model_call(self, ctx: RunContext, request: ModelRequest) -> None:
            if ctx.trace.llm_calls >= 1:
                raise BudgetExceeded("the quota hook allows one model call per run")

    async with LLMOS(tmp_path, config=quiet_config(), model=tool_then_answer(), tools=[add], hooks=[Quota()]) as os:
        result = await os.execute("add")
        rows = ledger_rows(os)
        balance = os.ledger.balance()
    assert result.status == "budget_exceeded" and "quota hook" in (result.error or "")
    assert [r["status"] for r in rows] == ["charged", "released"]
    assert balance.reserved_usd == 0


async def test_a_failed_model_call_releases_its_reservation(tmp_path: Path) -> None:
    def fail(request: ModelRequest) -> Any:
        raise ModelHTTPError(500, "boom", "test")

    async with LLMOS(tmp_path, config=quiet_config(), model=TestModel(script=fail)) as os:
        result = await os.execute("hello")
        rows = ledger_rows(os)
        balance = os.ledger.balance()
    assert result.status == "failed" and "500" in (result.error or "")
    assert [(r["status"], r["cost_usd"]) for r in rows] == [("released", 0.0)]
    assert rows[0]["reserved_usd"] > 0 and balance.reserved_usd == 0 and balance.spent_usd == 0


def test_ledger_directly(tmp_path: Path) -> None:
    db = Database.for_workspace(tmp_path)
    ledger = Ledger(db, BudgetConfig(total_usd=1.0, per_run_usd=0.5))
    a = ledger.reserve("run_a", "test", "test", 0.4, mode="learner", agent="x")
    assert ledger.balance().reserved_usd == pytest.approx(0.4)
    with pytest.raises(BudgetExceeded, match="run budget exceeded") as e:
        ledger.reserve("run_a", "test", "test", 0.2)  # 0.4 + 0.2 > the 0.5 run cap
    assert e.value.needed_usd == pytest.approx(0.2) and e.value.remaining_usd == pytest.approx(0.1)
    b = ledger.reserve("run_b", "test", "test", 0.5)
    with pytest.raises(BudgetExceeded, match=r"only \$0.1000 of the \$1.00 budget remains"):
        ledger.reserve("run_c", "test", "test", 0.2)
    ledger.settle(a, ModelCallRecord("test", "test", input_tokens=10, output_tokens=5, cost_usd=0.1))
    ledger.release(b)
    bal = ledger.balance()
    assert (bal.spent_usd, bal.reserved_usd, bal.remaining_usd) == (0.1, 0.0, 0.9)
    assert ledger.run_spent("run_a") == pytest.approx(0.1)
    # an unpriced model is never refused, and is counted as unpriced
    u = ledger.reserve("run_u", "local", "mystery", None)
    ledger.settle(u, ModelCallRecord("local", "mystery", input_tokens=3, cost_usd=None))
    assert ledger.balance().unpriced_calls == 1
    assert ledger.spending("mode")["learner"]["calls"] == 1
    assert set(ledger.spending("model")) == {"test:test", "local:mystery"}
    with pytest.raises(ValueError):
        ledger.spending("colour")
    # a reservation left by a crashed process stops counting after STALE_RESERVATION_S
    stale = ledger.reserve("run_s", "test", "test", 0.5)
    with db.transaction() as conn:
        conn.execute("UPDATE ledger SET created_at = ? WHERE id = ?", (time.time() - STALE_RESERVATION_S - 1, stale))
    assert ledger.balance().reserved_usd == 0
    db.close()


# ---------------------------------------------------------------------------- the estimate
_texts = st.text(min_size=0, max_size=300)
_args = st.dictionaries(st.text(min_size=1, max_size=10), st.one_of(st.integers(), _texts, st.booleans()), max_size=4)


@st.composite
def requests(draw: st.DrawFn) -> tuple[ModelRequest, Any]:
    messages: list[Message] = [Message.user(draw(st.text(min_size=1, max_size=500)))]
    for i in range(draw(st.integers(0, 3))):
        call = ToolCall(f"call_{i}", draw(st.sampled_from(["read_file", "add", "x"])), draw(_args))
        messages.append(Message("assistant", [call]))
        messages.append(Message("user", [ToolResult(call.id, draw(_texts), draw(st.booleans()))]))
    tools = [
        ToolSpec(draw(st.text(min_size=1, max_size=20)), draw(_texts), {"type": "object", "properties": {}})
        for _ in range(draw(st.integers(0, 4)))
    ]
    reply = draw(
        st.one_of(
            st.text(min_size=0, max_size=1500),
            st.builds(lambda n, a: {"tool": n, "args": a}, st.text(min_size=1, max_size=20), _args),
        )
    )
    max_tokens = draw(st.integers(1000, 8192))
    return ModelRequest(messages=messages, system=draw(_texts), tools=tools, max_tokens=max_tokens), reply


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_the_worst_case_bounds_the_real_cost_of_the_test_model(case: tuple[ModelRequest, Any]) -> None:
    request, reply = case
    model = TestModel(script=[reply])
    response = asyncio.run(model.request(request))
    assert response.usage.output_tokens <= request.max_tokens  # (real providers stop at max_tokens)
    pricing = Pricing()
    cost = pricing.cost("test", "test", response.usage)
    worst = pricing.worst_case("test", "test", worst_case_input_tokens(request), request.max_tokens)
    assert cost is not None and worst is not None
    assert response.usage.input_tokens <= worst_case_input_tokens(request)
    assert cost <= worst


# ---------------------------------------------------------------------------- the CLI
async def test_budget_json_cli(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, config=quiet_config(), model=tool_then_answer(), tools=[add]) as os:
        for i in range(2):
            await os.execute(f"add {i}")
        balance = os.ledger.balance().to_dict()
    (tmp_path / "llmos.toml").write_text("[budget]\ntotal_usd = 1.0\n")
    proc = await asyncio.to_thread(llmos_cli, "budget", "--workspace", str(tmp_path), "--json", env=cli_env())
    assert proc.returncode == 0, proc.stderr
    data = one_json(proc.stdout)
    assert set(data) == {"balance", "by_mode", "by_model", "by_agent"}
    assert data["balance"]["total_usd"] == 1.0
    assert data["balance"]["spent_usd"] == pytest.approx(balance["spent_usd"])
    assert data["balance"]["remaining_usd"] == pytest.approx(1.0 - balance["spent_usd"])
    assert data["by_mode"]["learner"]["calls"] == 4
    assert data["by_model"]["test:test"]["cost_usd"] == pytest.approx(balance["spent_usd"], abs=1e-6)
    human = await asyncio.to_thread(llmos_cli, "budget", "--workspace", str(tmp_path), env=cli_env())
    assert human.returncode == 0 and "Budget $1.00" in human.stdout and "learner" in human.stdout
