"""Issue 9, rules 3 (second half), 6 and 7, through the runtime with a scripted model:

- feedback closes the loop: `feedback bad` (API, CLI, HTTP), `traces reject` and `evolve demote`
  on a replayed or crystallized run demote its plan and its tool at once; the goal goes to the
  model until new evidence, and rejected runs are never support;
- honest success: unresolved errors, denied calls not got past and give-ups in words fail a run,
  and a failed run never supports a plan;
- a fallback after a write says so in the trace and in `mode_reason`, and is not a clean replay.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from llmos.kernel.outcome import gave_up, unfinished
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool
from llmos.trace import ToolCallRecord, Trace

GOAL_RE = re.compile(r"Add (\d+) units of ([A-Z]+-\d+) to warehouse ([A-Z]\d)")
LOCKED = {"D4"}  # log_change fails for these warehouses


def make_tools(stock: dict[str, int], log: list[str]) -> list[Any]:
    changes: list[str] = []
    ids: dict[int, str] = {}

    @tool
    def get_stock(sku: str, warehouse: str) -> dict[str, Any]:
        """Units of a SKU held in a warehouse."""
        return {"sku": sku, "warehouse": warehouse, "quantity": stock.get(f"{sku}@{warehouse}", 0)}

    get_stock.metadata["annotations"] = {"readOnlyHint": True}

    @tool
    def set_stock(sku: str, warehouse: str, quantity: int) -> dict[str, Any]:
        """Set the units of a SKU held in a warehouse."""
        stock[f"{sku}@{warehouse}"] = quantity
        changes.append(f"{sku}@{warehouse}={quantity}")
        change = 1000 + (len(changes) * 7919) % 997  # an id that follows nothing in the goal
        ids[change] = changes[-1]
        return {"sku": sku, "warehouse": warehouse, "quantity": quantity, "change": change}

    @tool
    def log_change(change: int, warehouse: str) -> dict[str, Any]:
        """Write a stock change to the audit log."""
        if warehouse in LOCKED:
            raise PermissionError(f"the audit log of warehouse {warehouse} is locked")
        log.append(ids[change])
        return {"logged": len(log)}

    return [get_stock, set_stock, log_change]


def oracle(request: ModelRequest) -> Any:
    first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
    qty, sku, wh = GOAL_RE.findall(first.text)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if results and results[-1].is_error:
        return f"I could not finish: {results[-1].content}"
    if not results:
        return ToolCall("", "get_stock", {"sku": sku, "warehouse": wh})
    if len(results) == 1:
        old = json.loads(results[0].content)["quantity"]
        return ToolCall("", "set_stock", {"sku": sku, "warehouse": wh, "quantity": old + int(qty)})
    if len(results) == 2:
        change = json.loads(results[1].content)["change"]
        return ToolCall("", "log_change", {"change": change, "warehouse": wh})
    return f"Done. {sku} in {wh} now has {json.loads(results[1].content)['quantity']} units."


WHS = ["A1", "B2", "C3"]


# 2..8 units in no order, the first two the extremes: a replay adds only amounts inside the range its
# supporting runs showed (rule 1: a goal amount a write takes)
QTY = [2, 8, 5, 3, 7, 4, 6]


def goal(i: int, wh: str | None = None) -> str:
    return f"Add {QTY[i % 7]} units of BOLT-{10 + i} to warehouse {wh or WHS[i % 3]}"


def runtime(tmp: Path, stock: dict[str, int], log: list[str], **overrides: Any) -> LLMOS:
    return LLMOS(workspace=tmp, model=TestModel(script=oracle), tools=make_tools(stock, log), overrides=overrides)


async def until(os: LLMOS, modes: tuple[str, ...], start: int, limit: int = 12) -> tuple[Any, int]:
    """Run fresh goals until one runs in one of `modes`; (that result, the next goal number)."""
    for i in range(start, start + limit):
        r = await os.execute(goal(i))
        assert r.success, r.to_dict()
        if r.mode in modes:
            return r, i + 1
    raise AssertionError(f"no {modes} run in {limit} goals")


# ---------------------------------------------------------------- rule 6: feedback closes the loop
async def test_bad_feedback_on_a_follower_run_demotes_its_plan_until_new_evidence(tmp_path: Path) -> None:
    stock: dict[str, int] = {}
    async with runtime(tmp_path, stock, [], evolution={"crystallize": False}) as os:
        replayed, n = await until(os, ("follower",), 0)
        plan_id = replayed.plan_id
        await os.feedback(replayed.run_id, good=False)
        trace = os.traces.require(replayed.run_id)
        assert trace.rejected and any(e["kind"] == "demoted" for e in trace.events)
        plan = os.learning.plan(plan_id)
        assert plan.demoted and plan.demotion(os.config.learning.min_support)
        # the same goal goes to the model, until min_support new supporting runs
        again = await os.execute(goal(n - 1))  # the very goal that was replayed
        assert again.mode != "follower" and again.llm_calls > 0, again.to_dict()
        modes = [(await os.execute(goal(i))).mode for i in range(n, n + 4)]
        assert modes[0] != "follower" and "follower" in modes, modes
        assert not os.learning.plan(plan_id).demotion(os.config.learning.min_support)


async def test_reject_of_a_crystallized_run_demotes_tool_and_plan(tmp_path: Path) -> None:
    stock: dict[str, int] = {}
    async with runtime(tmp_path, stock, [], evolution={"min_uses": 3}) as os:
        cryst, n = await until(os, ("crystallized",), 0, limit=14)
        assert os.evolution.tool_for(cryst.plan_id) is not None
        os.reject(cryst.run_id)
        assert os.evolution.tool_for(cryst.plan_id) is None
        assert os.evolution.record(cryst.plan_id).status == "demoted"  # type: ignore[union-attr]
        nxt = await os.execute(goal(n))
        assert nxt.mode not in ("follower", "crystallized") and nxt.llm_calls > 0, nxt.to_dict()
        assert os.learning.store.plan_of_trace(cryst.run_id) is None  # never support


def test_cli_feedback_and_evolve_demote(tmp_path: Path) -> None:
    from llmos.cli import app as main_app
    from llmos.cli.evolve import app as evolve_app

    stock: dict[str, int] = {}
    no_cryst = {"crystallize": False}

    async def replay_one(start: int) -> tuple[Any, int]:
        async with runtime(tmp_path, stock, [], evolution=no_cryst) as os:
            return await until(os, ("follower",), start)

    async def next_run(n: int) -> Any:
        async with runtime(tmp_path, stock, [], evolution=no_cryst) as os:
            return await os.execute(goal(n))

    replayed, n = asyncio.run(replay_one(0))
    runner = CliRunner()
    out = runner.invoke(main_app, ["feedback", replayed.run_id, "bad", "--workspace", str(tmp_path)])
    assert out.exit_code == 0, out.output
    r = asyncio.run(next_run(n))
    assert r.mode != "follower" and r.llm_calls > 0, r.to_dict()
    again, n = asyncio.run(replay_one(n + 1))  # new evidence: FOLLOWER again
    assert again.plan_id == replayed.plan_id
    out = runner.invoke(evolve_app, ["demote", str(replayed.plan_id), "--workspace", str(tmp_path), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["done"][0].startswith(f"plan {replayed.plan_id} demoted")
    r = asyncio.run(next_run(n))
    assert r.mode != "follower" and r.llm_calls > 0, r.to_dict()
    missing = runner.invoke(evolve_app, ["demote", "plan_nope", "--workspace", str(tmp_path)])
    assert missing.exit_code == 2 and "no plan" in missing.output


async def test_http_feedback_bad_demotes_the_replayed_plan(tmp_path: Path) -> None:
    from llmos.server.app import create_app

    async with runtime(tmp_path, {}, [], evolution={"crystallize": False}) as os:
        replayed, n = await until(os, ("follower",), 0)
        transport = httpx.ASGITransport(app=create_app(os, manage_lifecycle=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            r = await client.post("/v1/feedback", json={"run_id": replayed.run_id, "rating": "bad"})
            assert r.status_code == 200, r.text
            nxt = (await client.post("/v1/execute", json={"goal": goal(n)})).json()
        assert nxt["mode"] != "follower" and nxt["llm_calls"] > 0, nxt
        assert os.learning.plan(replayed.plan_id).demoted


# ---------------------------------------------------------------- rule 3 and 7: fallback after a write, give-up
async def test_fallback_after_a_write_is_never_a_clean_replay(tmp_path: Path) -> None:
    stock = {f"BOLT-{10 + i}@{WHS[i % 3]}": 3 * i + 1 for i in range(12)} | {"BOLT-90@D4": 5}
    log: list[str] = []
    async with runtime(tmp_path, stock, log, evolution={"crystallize": False}) as os:
        await until(os, ("follower",), 0)
        plan_id = os.learning.plans()[0].id
        before = os.learning.plan(plan_id)
        support, successes = before.support, before.replay_successes
        r = await os.execute("Add 3 units of BOLT-90 to warehouse D4")
        d = r.to_dict(explain=True)
        assert stock["BOLT-90@D4"] == 8  # the replay's write happened once
        assert d["mode"] == "learner" and d["success"] is False, d
        assert "log_change" in (d["error"] or ""), d
        fb = d["mode_reason"]["fallback"]
        assert fb["from_mode"] == "follower" and fb["after_write"] is True and fb["writes"] == ["set_stock"]
        assert "log_change failed" in fb["reason"] and d["mode_reason"]["mode_used"] == "learner"
        trace = os.traces.require(r.run_id)
        assert trace.metadata["fallback_after_write"] == ["set_stock"]
        after = os.learning.plan(plan_id)
        assert (after.support, after.replay_successes) == (support, successes)


async def test_fallback_before_any_write_says_so(tmp_path: Path) -> None:
    stock: dict[str, int] = {}
    async with runtime(tmp_path, stock, [], evolution={"crystallize": False}) as os:
        replayed, _ = await until(os, ("follower",), 0)
        d = replayed.to_dict(explain=True)
        assert d["mode_reason"]["mode_used"] == "follower" and "fallback" not in d["mode_reason"]


async def test_a_give_up_is_a_failure_and_never_support(tmp_path: Path) -> None:
    @tool
    def ping(host: str) -> str:
        """Ping a host."""
        return f"{host} is up"

    def model(request: ModelRequest) -> Any:
        if not any(isinstance(b, ToolResult) for m in request.messages for b in m.content):
            return ToolCall("", "ping", {"host": "alpha"})
        return "I was unable to finish the check: the report service is down."

    async with LLMOS(workspace=tmp_path, model=TestModel(script=model), tools=[ping]) as os:
        for _ in range(3):
            r = await os.execute("Check host alpha and write the report")
            assert not r.success and r.status == "failed" and "gave up" in (r.error or "")
        assert os.learning.plans() == []


def record(name: str, turn: int, *, error: bool = False, denied: bool = False) -> ToolCallRecord:
    return ToolCallRecord(
        id=f"{name}{turn}",
        name=name,
        arguments={},
        result="boom" if error else "ok",
        is_error=error,
        turn=turn,
        decision="deny" if denied else "allow",
        decision_reason="policy says no" if denied else "",
    )


def test_the_honest_success_rule() -> None:
    def t(*calls: ToolCallRecord) -> Trace:
        trace = Trace(goal="g")
        trace.tool_calls = list(calls)
        return trace

    assert unfinished(t(record("a", 1), record("b", 2)), "Done.") == ""
    assert unfinished(t(record("a", 1, error=True), record("a", 2)), "Done.") == ""  # retried
    assert unfinished(t(record("a", 1, error=True), record("b", 2)), "Done.") == ""  # another way
    assert "unresolved tool error: b" in unfinished(t(record("a", 1), record("b", 2, error=True)), "Done.")
    both = t(record("a", 1), record("b", 1, error=True))  # one turn: a's success does not get past b
    assert "unresolved" in unfinished(both, "Done.")
    assert "denied" in unfinished(t(record("a", 1), record("rm", 2, denied=True)), "Done.")
    for text in (
        "I could not finish the upload.",
        "Sorry, I can't complete this.",
        "Done: 2 of 3. I was unable to send the last one.",
        "Unable to proceed without a key.",
        "We gave up after 3 tries.",
    ):
        assert gave_up(text), text
    for text in ("Done. I could not find any problems.", "The tool said it could not finish.", "Saved 3 values."):
        assert not gave_up(text), text


async def test_crystallized_fallback_after_a_write_says_so(tmp_path: Path) -> None:
    stock = {f"BOLT-{10 + i}@{WHS[i % 3]}": 3 * i + 1 for i in range(14)} | {"BOLT-90@D4": 5}
    # this stock makes orders of the first runs coincidences (the units asked against the audit log's count):
    # a few replays fall back before the plan holds, which is not what this test is about
    async with runtime(tmp_path, stock, [], evolution={"min_uses": 3, "min_success": 0.5}) as os:
        await until(os, ("crystallized",), 0, limit=14)
        r = await os.execute("Add 3 units of BOLT-90 to warehouse D4")
        d = r.to_dict(explain=True)
        assert stock["BOLT-90@D4"] == 8 and d["mode"] == "learner" and not d["success"], d
        fb = d["mode_reason"]["fallback"]
        assert fb["from_mode"] == "crystallized" and fb["after_write"] and fb["writes"] == ["set_stock"], fb
        assert d["mode_reason"]["crystallized_tool"] and d["mode_reason"]["mode_used"] == "learner"
