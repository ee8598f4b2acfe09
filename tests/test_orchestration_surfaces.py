"""ORCHESTRATOR seen everywhere: the SSE stream's subtask events, `llmos run --mode orchestrator`
offline with the shipped test model, and the tree `llmos traces show` draws."""

from __future__ import annotations

from pathlib import Path

import httpx
from orchestration_support import GOAL, config, planner_model, three_part_plan, world_tools
from runtime_support import check_contract, llmos_cli, one_json
from test_server import LiveServer

from llmos.runtime import LLMOS
from llmos.server import sse


async def test_the_stream_carries_plan_and_subtask_events(tmp_path: Path) -> None:
    runtime = LLMOS(tmp_path, config=config(), model=planner_model(three_part_plan()), tools=world_tools())
    with LiveServer(runtime) as live:
        async with (
            httpx.AsyncClient(base_url=live.url, timeout=30) as client,
            client.stream("POST", "/v1/execute/stream", json={"goal": GOAL, "mode": "orchestrator"}) as r,
        ):
            assert r.status_code == 200
            events = sse.parse([line async for line in r.aiter_lines()])
    kinds = [e.event for e in events]
    final = events[-1].data
    parent = final["run_id"]
    assert kinds[0] == "mode" and kinds[-1] == "final"
    assert kinds.index("plan") < kinds.index("subtask_start")  # the planner's reply comes first
    assert kinds.count("subtask_start") == 3 and kinds.count("subtask_end") == 3
    ends = {e.data["subtask"]: e.data for e in events if e.event == "subtask_end"}
    assert all(d["success"] and d["run_id"] and d["run_id"] != parent for d in ends.values())
    # the subtasks' own events come through, tagged with their subtask and parent
    inner = [e.data for e in events if e.data.get("parent_id") == parent]
    assert {d["subtask"] for d in inner if d["type"] == "tool_call"} == {"prices", "news", "digest"}
    assert all(d["run_id"] == ends[d["subtask"]]["run_id"] for d in inner)
    check_contract(final["result"])
    assert {s["run_id"] for s in final["result"]["subtasks"]} == {d["run_id"] for d in ends.values()}


def test_cli_runs_an_orchestrated_goal_offline_and_shows_its_tree(tmp_path: Path) -> None:
    goal = "Research AI trends and write a report"
    proc = llmos_cli("run", goal, "-w", str(tmp_path), "--model", "test", "--mode", "orchestrator", "--json")
    data = one_json(proc.stdout)
    assert proc.returncode == 0, proc.stderr
    check_contract(data)
    assert data["mode"] == "orchestrator" and data["success"] is True
    assert [(s["id"], s["agent"], s["success"]) for s in data["subtasks"]] == [
        ("t1", "researcher", True),
        ("t2", "writer", True),
    ]
    assert data["output"].startswith("Combined answer for: " + goal)
    shown = llmos_cli("traces", "show", data["run_id"], "-w", str(tmp_path))
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "Runs started by this run" in out
    assert "t1 · researcher" in out and "t2 ← t1 · writer" in out
    for s in data["subtasks"]:
        assert s["run_id"] in out
    child = llmos_cli("traces", "show", data["subtasks"][0]["run_id"], "-w", str(tmp_path))
    assert f"Parent run: {data['run_id']}" in child.stdout
