"""ORCHESTRATOR mode with the scripted test model: parallel subtasks, hooks in order, budget
shares, a failing subtask, cancellation, and a repeat that replays subtasks."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from orchestration_support import (
    GOAL,
    NAP_S,
    Recorder,
    config,
    first,
    overlap,
    planner_model,
    three_part_plan,
    world_tools,
)
from runtime_support import check_contract

from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS


async def test_independent_subtasks_run_in_parallel_and_hooks_fire_in_order(tmp_path: Path) -> None:
    recorder = Recorder()
    cfg = config(budget={"per_run_usd": 1.0, "total_usd": 10.0})
    model = planner_model(three_part_plan())
    spans: dict[str, tuple[float, float]] = {}
    async with LLMOS(tmp_path, config=cfg, model=model, tools=world_tools(spans=spans), hooks=[recorder]) as os:
        result = await os.execute(GOAL, mode="orchestrator")
        children = os.traces.children(result.run_id)
        parent = os.traces.require(result.run_id)
        spent = {t.id: os.ledger.run_spent(t.id) for t in children}

    data = result.to_dict()
    check_contract(data)
    assert result.success and result.mode == "orchestrator", result.error
    assert result.output.startswith("COMBINED")
    # the two naps ran at the same time (the wall time is the slowest path, not the sum;
    # bench/orchestration_bench.py prints the figures)
    assert overlap(spans) > NAP_S / 2, spans
    assert result.duration_s >= NAP_S
    subtasks = {s["id"]: s for s in data["subtasks"]}
    assert list(subtasks) == ["prices", "news", "digest"] or set(subtasks) == {"prices", "news", "digest"}
    for s in data["subtasks"]:
        assert {"id", "agent", "goal", "mode", "success", "cost_usd", "run_id"} <= set(s)
        assert s["success"] and s["mode"] == "learner" and s["agent"] == "default"
    # each subtask is its own run, linked to the parent
    assert {t.id for t in children} == {s["run_id"] for s in data["subtasks"]}
    assert all(t.parent_id == result.run_id for t in children)
    assert parent.parent_id is None and parent.metadata["orchestration"]["concurrency"] == 4
    # hooks: both independent subtasks start before either stops; the dependant starts after both stop
    ev = recorder.events
    assert len(ev) == 6
    assert max(first(ev, "start", "prices"), first(ev, "start", "headlines")) < min(
        first(ev, "stop", "prices"), first(ev, "stop", "headlines")
    )
    assert first(ev, "start", "digest") > max(first(ev, "stop", "prices"), first(ev, "stop", "headlines"))
    assert first(ev, "stop", "digest") == 5
    # budget shares: each subtask capped at its share of what planning left, and stayed under it
    for s in data["subtasks"]:
        assert s["cap_usd"] is not None and spent[s["run_id"]] <= s["cap_usd"]
    assert subtasks["prices"]["cap_usd"] == pytest.approx(subtasks["news"]["cap_usd"])
    assert subtasks["digest"]["cap_usd"] == pytest.approx(subtasks["prices"]["cap_usd"] * 2 / 3)
    # the result's figures include the subtasks' runs
    assert result.cost_usd == pytest.approx(parent.cost_usd + sum(t.cost_usd for t in children))
    assert result.llm_calls == parent.llm_calls + sum(t.llm_calls for t in children) == 2 + 6


async def test_dependency_results_reach_the_dependant(tmp_path: Path) -> None:
    model = planner_model(three_part_plan())
    async with LLMOS(tmp_path, config=config(), model=model, tools=world_tools()) as os:
        await os.execute(GOAL, mode="orchestrator")
    digest_requests = [r for r in model.requests if "compose digest" in r.messages[-1].text]
    context = digest_requests[0].messages[0].text
    assert "prices: gold 2400" in context and "headlines: rates steady" in context


async def test_a_failing_subtask_is_retried_once_then_its_dependants_are_skipped(tmp_path: Path) -> None:
    calls: dict[str, int] = {}
    recorder = Recorder()
    tools = world_tools(calls, fail={"collect_headlines"})
    model = planner_model(three_part_plan())
    async with LLMOS(tmp_path, config=config(), model=model, tools=tools, hooks=[recorder]) as os:
        result = await os.execute(GOAL, mode="orchestrator")
        parent = os.traces.require(result.run_id)
        children = os.traces.children(result.run_id)
    by_id = {s["id"]: s for s in result.subtasks}
    assert by_id["prices"]["success"] and by_id["prices"]["attempts"] == 1
    assert by_id["news"]["status"] == "failed" and by_id["news"]["attempts"] == 2 and len(by_id["news"]["run_ids"]) == 2
    assert by_id["digest"]["status"] == "skipped" and by_id["digest"]["run_id"] is None
    assert calls == {"gather_prices": 1, "collect_headlines": 2}  # the digest never ran
    # the run survives: an answer from what succeeded, saying what is missing
    assert not result.success and result.status == "failed"
    assert "news" in (result.error or "") and "digest" in (result.error or "")
    assert result.output.startswith("COMBINED") and "Missing (2 of 3" in result.output
    assert "collect headlines" in result.output and "skipped" in result.output
    # partial results are kept: three child traces (one success, two failed attempts)
    assert sorted(t.status for t in children) == ["failed", "failed", "success"]
    assert any(e["kind"] == "subtask_retry" for e in parent.events)
    assert [e[0] for e in recorder.events].count("start") == 3  # prices, news twice


async def test_a_subtask_that_fails_once_succeeds_on_its_retry(tmp_path: Path) -> None:
    tools = world_tools(fail={"gather_prices*once"})
    async with LLMOS(tmp_path, config=config(), model=planner_model(three_part_plan()), tools=tools) as os:
        result = await os.execute(GOAL, mode="orchestrator")
    assert result.success, result.error
    assert {s["id"]: s["attempts"] for s in result.subtasks} == {"prices": 2, "news": 1, "digest": 1}


async def test_a_subtask_is_bounded_by_its_budget_share_and_the_whole_run_by_its_cap(tmp_path: Path) -> None:
    cap = 0.5
    plan = three_part_plan(shares=(0.4, 0.01, 0.4))  # news gets ~$0.005: not even one worst-case call
    cfg = config(budget={"per_run_usd": cap, "total_usd": 10.0})
    async with LLMOS(tmp_path, config=cfg, model=planner_model(plan), tools=world_tools()) as os:
        result = await os.execute(GOAL, mode="orchestrator")
        children = os.traces.children(result.run_id)
        total = os.ledger.run_spent(result.run_id) + sum(os.ledger.run_spent(t.id) for t in children)
    by_id = {s["id"]: s for s in result.subtasks}
    assert by_id["prices"]["success"]
    assert by_id["news"]["status"] == "failed" and "budget" in (by_id["news"]["error"] or "")
    assert all(t.status == "budget_exceeded" for t in children if t.goal.startswith("collect"))
    assert by_id["digest"]["status"] == "skipped"
    assert total <= cap
    assert result.cost_usd == pytest.approx(total)


async def test_cancelling_the_run_cancels_every_subtask(tmp_path: Path) -> None:
    plan = three_part_plan()
    for s in plan["subtasks"][:2]:
        s["goal"] = s["goal"].replace(str(NAP_S), "30")
    recorder = Recorder(wait_starts=2)
    tools = world_tools()
    async with LLMOS(tmp_path, config=config(), model=planner_model(plan), tools=tools, hooks=[recorder]) as os:
        task = asyncio.create_task(os.execute(GOAL, mode="orchestrator"))
        await asyncio.wait_for(recorder.started.wait(), 10)
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.perf_counter() - started < 2.0
        parents = [t for t in os.traces.list(limit=10) if t.parent_id is None]
        assert len(parents) == 1 and parents[0].status == "cancelled"
        children = os.traces.children(parents[0].id)
    assert sorted(t.status for t in children) == ["cancelled", "cancelled"]
    statuses = {s["id"]: s["status"] for s in parents[0].metadata["subtasks"]}
    assert statuses == {"prices": "cancelled", "news": "cancelled", "digest": "cancelled"}


async def test_a_repeat_of_the_goal_replays_the_subtasks_and_auto_orchestrates(tmp_path: Path) -> None:
    model = planner_model(three_part_plan())
    async with LLMOS(tmp_path, config=config(learning=True), model=model, tools=world_tools()) as os:
        first_run = await os.execute(GOAL, mode="orchestrator")
        again = await os.execute(GOAL)  # AUTO: the learned rule marks the goal multi-part
    assert first_run.success and again.success, again.error
    assert again.mode == "orchestrator" and "learned" in again.mode_reason["why"]
    modes = {s["id"]: s["mode"] for s in again.subtasks}
    assert modes == {"prices": "follower", "news": "follower", "digest": "follower"}
    assert again.llm_calls == 2  # planner + combiner; every subtask replayed without the model
    assert again.cost_usd < first_run.cost_usd


async def test_new_agents_in_the_plan_are_created_versioned_and_reused(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, config=config(), model=TestModel(), tools=world_tools()) as os:
        result = await os.execute("Research AI trends and write a report", mode="orchestrator")
        again = await os.execute("Research AI trends and write a report", mode="orchestrator")
        history = os.versions.history("agent:researcher")
    assert [s["agent"] for s in result.subtasks] == ["researcher", "writer"]
    assert result.subtasks[1]["depends_on"] == ["t1"]
    assert [c["name"] for c in result.tool_calls] == ["create_agent", "create_agent"]
    assert (tmp_path / "agents" / "researcher.md").is_file() and len(history) == 1
    assert again.tool_calls == [] and [s["agent"] for s in again.subtasks] == ["researcher", "writer"]


async def test_the_last_subtask_can_write_the_answer(tmp_path: Path) -> None:
    plan = three_part_plan(combine="last")
    async with LLMOS(tmp_path, config=config(), model=planner_model(plan), tools=world_tools()) as os:
        result = await os.execute(GOAL, mode="orchestrator")
        parent = os.traces.require(result.run_id)
    assert result.success and parent.llm_calls == 1  # the planner only: no combining call
    assert parent.metadata["orchestration"]["combined_by"] == "last"
    assert result.output.startswith("Done: 1 tool call") and "digest written" in result.output
