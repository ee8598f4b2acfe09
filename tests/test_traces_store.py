"""Traces: what every run records, JSON/Markdown export, the TraceStore, concurrent writers (WAL)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from runtime_support import cli_env, one_json, quiet_config

from llmos.exceptions import UserError
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from llmos.models.base import ToolCall
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore
from llmos.tools.base import tool
from llmos.trace import FORMAT_VERSION, ModelCallRecord, ToolCallRecord, Trace


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@tool
def shout(text: str) -> str:
    """Upper-case a text."""
    return text.upper()


class Guard(Hook):
    async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
        if event.tool == "shout" and event.arguments.get("text") == "rm":
            return HookDecision.deny("no shouting rm")
        if event.tool == "add" and event.arguments.get("b") == 0:
            return HookDecision.rewrite({**event.arguments, "b": 1}, "no zeros")
        return None


@pytest.fixture
async def recorded(tmp_path: Path) -> Trace:
    """One stored run with a plain call, a rewritten call, a denied call and a failing call."""
    model = TestModel(
        script=[
            [ToolCall("c1", "add", {"a": 2, "b": 3}), ToolCall("c2", "add", {"a": 5, "b": 0})],
            [ToolCall("c3", "shout", {"text": "rm"}), ToolCall("c4", "add", {"a": "x", "b": 1})],
            "2 + 3 = 5 and 5 + 1 = 6.",
        ]
    )
    async with LLMOS(tmp_path, config=quiet_config(), model=model, tools=[add, shout], hooks=[Guard()]) as os:
        result = await os.execute("Add some numbers")
    db = Database.for_workspace(tmp_path)  # read back through a fresh connection
    trace = TraceStore(db).require(result.run_id)
    db.close()
    return trace


def test_every_run_records_the_facts(recorded: Trace) -> None:
    t = recorded
    assert t.id.startswith("run_") and t.goal == "Add some numbers" and t.agent == "default"
    assert t.mode == "learner" and t.requested_mode == "auto" and t.format_version == FORMAT_VERSION
    assert t.status == "failed"  # the model stopped right after failed calls
    assert t.output == "2 + 3 = 5 and 5 + 1 = 6." and "stopped after failed tool calls" in (t.error or "")
    assert t.ended_at is not None and t.started_at <= t.ended_at and t.duration_s >= 0
    assert t.llm_calls == 3
    for m in t.model_calls:
        assert (m.provider, m.model) == ("test", "test")
        assert m.input_tokens > 0 and m.output_tokens > 0 and m.cost_usd and m.cost_usd > 0
        assert m.duration_s >= 0 and m.stop_reason in ("tool_use", "end_turn")
    assert t.cost_usd == pytest.approx(sum(m.cost_usd or 0 for m in t.model_calls))
    assert t.input_tokens == sum(m.input_tokens for m in t.model_calls)
    calls = {c.id: c for c in t.tool_calls}
    assert [c.id for c in t.tool_calls] == ["c1", "c2", "c3", "c4"]
    assert (calls["c1"].arguments, calls["c1"].result, calls["c1"].is_error) == ({"a": 2, "b": 3}, "5", False)
    assert calls["c1"].turn == calls["c2"].turn == 1 and calls["c3"].turn == 2
    assert calls["c1"].duration_s > 0 and calls["c1"].source == "model"
    assert calls["c2"].arguments == {"a": 5, "b": 1} and calls["c2"].original_arguments == {"a": 5, "b": 0}
    assert calls["c2"].result == "6"
    assert calls["c3"].decision == "deny" and calls["c3"].decision_reason == "no shouting rm"
    assert calls["c3"].is_error and "no shouting rm" in calls["c3"].result
    assert calls["c4"].is_error and "invalid arguments for add" in calls["c4"].result


def test_json_round_trip(recorded: Trace) -> None:
    recorded.event("note", detail={"nested": [1, 2]})
    recorded.metadata["saved_usd"] = 0.5
    data = json.loads(recorded.to_json())
    assert data["success"] is False and data["llm_calls"] == 3 and data["cost_usd"] == recorded.cost_usd
    assert data["format_version"] == FORMAT_VERSION
    back = Trace.from_dict(data)
    assert back == recorded
    assert back.to_dict() == recorded.to_dict()
    assert isinstance(back.tool_calls[0], ToolCallRecord) and isinstance(back.model_calls[0], ModelCallRecord)


def test_markdown_export_has_the_key_facts(recorded: Trace) -> None:
    md = recorded.to_markdown()
    for fact in (
        f"# Run {recorded.id}",
        "**Goal:** Add some numbers",
        "**Agent:** default",
        "**Mode:** learner (requested: auto)",
        "**Status:** failed",
        f"**Model calls:** 3 ({recorded.input_tokens} in / {recorded.output_tokens} out tokens)",
        f"**Cost:** ${recorded.cost_usd:.6f}",
        f"**Format version:** {FORMAT_VERSION}",
        "## Tool calls",
        "`add` [model, turn 1]",
        '`{"a": 2, "b": 3}`',
        "**deny**: no shouting rm",
        "(error)",
        "## Model calls",
        "| 1 | test:test |",
        "## Answer",
        "2 + 3 = 5 and 5 + 1 = 6.",
        "## Error",
        "stopped after failed tool calls",
    ):
        assert fact in md, fact


# ---------------------------------------------------------------------------- the store
def make(
    goal: str,
    *,
    id: str | None = None,
    status: str = "success",
    mode: str = "learner",
    agent: str = "default",
    at: float = 0.0,
) -> Trace:
    t = Trace(goal=goal, mode=mode, agent=agent) if id is None else Trace(goal=goal, id=id, mode=mode, agent=agent)
    t.started_at = at or time.time()
    t.finish(status, "out")  # type: ignore[arg-type]
    return t


def test_store_list_filters_order_and_paging(tmp_path: Path) -> None:
    db = Database.for_workspace(tmp_path)
    store = TraceStore(db)
    traces = [
        make("a", status="success", mode="learner", at=100),
        make("b", status="failed", mode="learner", agent="coder", at=200),
        make("c", status="success", mode="follower", at=300),
        make("d", status="budget_exceeded", mode="learner", at=400),
    ]
    for t in traces:
        store.save(t)
    assert store.count() == 4
    assert [t.goal for t in store.list()] == ["d", "c", "b", "a"]  # newest first
    assert [t.goal for t in store.list(limit=2, offset=1)] == ["c", "b"]
    assert [t.goal for t in store.list(status="success")] == ["c", "a"]
    assert [t.goal for t in store.list(mode="learner")] == ["d", "b", "a"]
    assert [t.goal for t in store.list(agent="coder")] == ["b"]
    assert [t.goal for t in store.list(mode="learner", status="success")] == ["a"]
    assert store.list(mode="crystallized") == []
    assert [t.goal for t in store.iter_all(batch=3)] == ["a", "b", "c", "d"]  # oldest first, in batches
    # saving again replaces (never duplicates)
    traces[0].output = "changed"
    store.save(traces[0])
    assert store.count() == 4 and store.require(traces[0].id).output == "changed"
    stats = store.stats()
    assert stats["runs"] == 4 and stats["success"] == 2 and set(stats["by_mode"]) == {"learner", "follower"}
    rejected = store.set_rejected(traces[1].id)
    assert rejected.rejected and store.require(traces[1].id).rejected
    db.close()


def test_store_get_by_prefix(tmp_path: Path) -> None:
    db = Database.for_workspace(tmp_path)
    store = TraceStore(db)
    for id in ("run_abc111", "run_abc222", "run_xyz", "runXabc333", "run%pct"):
        store.save(make("g", id=id))
    assert getattr(store.get("run_abc111"), "id", None) == "run_abc111"  # exact
    assert getattr(store.get("run_abc1"), "id", None) == "run_abc111"  # unique prefix
    assert store.get("run_abc") is None  # ambiguous
    assert getattr(store.get("run_x"), "id", None) == "run_xyz"  # '_' is a character, not a wildcard
    assert getattr(store.get("run%"), "id", None) == "run%pct"  # '%' too
    assert store.get("nope") is None and store.get("") is None
    with pytest.raises(UserError, match="no run with id 'nope'"):
        store.require("nope")
    db.close()


# ---------------------------------------------------------------------------- concurrent writers
def test_concurrent_processes_write_one_workspace(tmp_path: Path) -> None:
    """Three `llmos run` processes at once on a fresh workspace (WAL, IMMEDIATE transactions)."""
    env = cli_env()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llmos",
                "run",
                f"list the files {i}",
                "-w",
                str(tmp_path),
                "--json",
                "--model",
                "test",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(3)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    ids = {one_json(out)["run_id"] for out, _ in outs}
    db = Database.for_workspace(tmp_path)
    assert db.connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store = TraceStore(db)
    assert {t.id for t in store.list()} == ids and all(t.success for t in store.list())
    db.close()


async def test_two_runtimes_in_one_process_share_a_workspace(tmp_path: Path) -> None:
    a = LLMOS(tmp_path, config=quiet_config(), model=TestModel(script=lambda r: "a"))
    b = LLMOS(tmp_path, config=quiet_config(), model=TestModel(script=lambda r: "b"))
    async with a, b:
        results = await asyncio.gather(*(rt.execute(f"goal {i}") for i in range(5) for rt in (a, b)))
        assert a.traces.count() == b.traces.count() == 10
    assert sorted(r.output for r in results) == ["a"] * 5 + ["b"] * 5
