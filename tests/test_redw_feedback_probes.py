"""Red-team probes (redW) of rule 6 across processes: `llmos serve` on loopback with the shipped test
model, and the `llmos` command run beside it (or after a restart) on the same workspace.

- a plan demoted by `llmos evolve demote` or a run rejected by `llmos traces reject` while a server
  runs: the server's next run of the same goal and of a sibling goal is the model's;
- `feedback bad` over HTTP survives a restart of the server;
- a rejected run never counts as support (`llmos plans show`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from runtime_support import llmos_cli
from server_support import cli_server
from test_feedback_probes import REPLAY, TONNES, goal, one_json, workspace


def _executor(client: httpx.Client) -> Callable[[int], dict[str, Any]]:
    def execute(i: int) -> dict[str, Any]:
        r = client.post("/v1/execute", json={"goal": goal(i)})
        assert r.status_code == 200, r.text
        data = dict(r.json())
        assert data["success"] and f"lifted {TONNES[i]} tonnes" in data["output"], data
        return data

    return execute


def _until_follower(execute: Callable[[int], dict[str, Any]], start: int) -> tuple[dict[str, Any], int]:
    for i in range(start, start + 6):
        data = execute(i)
        if data["mode"] in REPLAY:
            return data, i + 1
    raise AssertionError("no replay")


def test_cli_demote_and_reject_beside_a_running_server_take_effect_there(tmp_path: Path) -> None:
    ws = workspace(tmp_path, n=16)
    with cli_server(ws) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        assert server.url, server.log
        execute = _executor(client)
        replayed, n = _until_follower(execute, 1)
        plan = replayed["plan_id"]
        proc = llmos_cli("evolve", "demote", plan, "--workspace", str(ws), "--json")
        assert proc.returncode == 0, proc.stderr
        for j in (n - 1, n):  # the same goal, a sibling: the server knows of the demotion
            nxt = execute(j)
            assert nxt["mode"] not in REPLAY and nxt["llm_calls"] > 0, nxt
        again, n = _until_follower(execute, n + 1)  # new evidence: replay again
        proc = llmos_cli("traces", "reject", again["run_id"], "--workspace", str(ws), "--json")
        assert proc.returncode == 0, proc.stderr
        assert one_json(proc.stdout)["demoted"] == [again["plan_id"]]
        nxt = execute(n)
        assert nxt["mode"] not in REPLAY and nxt["llm_calls"] > 0, nxt


def test_http_feedback_bad_survives_a_restart_of_the_server(tmp_path: Path) -> None:
    ws = workspace(tmp_path, n=12)
    with cli_server(ws) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        assert server.url, server.log
        execute = _executor(client)
        replayed, n = _until_follower(execute, 1)
        r = client.post("/v1/feedback", json={"run_id": replayed["run_id"], "rating": "bad"})
        assert r.status_code == 200, r.text
    with cli_server(ws) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        assert server.url, server.log
        execute = _executor(client)
        for j in (n - 1, n):
            nxt = execute(j)
            assert nxt["mode"] not in REPLAY and nxt["llm_calls"] > 0, nxt
    shown = llmos_cli("plans", "show", replayed["plan_id"], "--workspace", str(ws), "--json")
    assert shown.returncode == 0, shown.stderr
    data = one_json(shown.stdout)
    assert data["demoted"], data  # the demotion is on disk, for every process
