"""Several `llmos serve` processes on one store work as one system (issue 14).

Real subprocesses on loopback (tests/multiserver_support.py), the Anthropic SDK against a slow fake
that counts the model calls it answers. Two servers drain 200 goals posted to both at once under a
shared budget that is never exceeded; a plan learned on server A is replayed on server B with no
model call, and a tool crystallized on A is called on B; both servers see every trace and one
internal state.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fakes.llm_server import FakeLLMServer, text, tool
from multiserver_support import Cluster, cluster
from runtime_support import llmos_cli

BUDGET_USD = 0.9


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    server = FakeLLMServer().start()
    server.delay_s = 0.05  # a slow provider: runs overlap across the servers
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["postgres", "sqlite"])
def storage_url(request: pytest.FixtureRequest) -> str | None:
    """postgres: each server its own workspace folder, one `[storage] url` (a fresh database);
    sqlite (None): the servers share one workspace folder, and so its SQLite file."""
    return str(request.getfixturevalue("pg_url")) if request.param == "postgres" else None


async def test_two_servers_drain_200_goals_within_one_shared_budget(
    tmp_path: Path, llm: FakeLLMServer, storage_url: str | None
) -> None:
    toml = (
        f"[budget]\ntotal_usd = {BUDGET_USD}\nper_run_usd = 0.5\n\n"
        "[learning]\nenabled = false\n\n"  # every goal is one paid model call
        "[server]\nmax_in_flight = 8\n"  # runs queue at each server and reserve over time
        "queue_timeout_s = 600\n"  # a loaded CI machine: waiting runs are not refused for time
    )
    # max_tokens 1024: a reservation is the input and 1,024 output tokens
    with cluster(tmp_path, 2, llm=llm, storage_url=storage_url, extra_toml=toml, max_tokens=1024) as c:
        answers = await c.execute_all([f"Say hello to visitor number {i}" for i in range(200)])
        budgets = [c.get(i, "/v1/stats")["budget"] for i in (0, 1)]
    assert [a["http_status"] for a in answers] == [200] * 200, [a for a in answers if a["http_status"] != 200][:2]
    by_status = Counter(a["status"] for a in answers)
    assert set(by_status) == {"success", "budget_exceeded"}, by_status
    assert {a["server"] for a in answers if a["status"] == "success"} == {0, 1}  # both servers did paid work
    for refused in (a for a in answers if a["status"] == "budget_exceeded"):
        assert refused["success"] is False and refused["llm_calls"] == 0 and refused["cost_usd"] == 0
        assert "budget exceeded" in refused["error"] and "[budget] total_usd" in refused["error"]
    # one ledger: both servers report the same balance, nothing left reserved, never above the budget
    assert budgets[0] == budgets[1]
    spent = budgets[0]["spent_usd"]
    assert budgets[0]["reserved_usd"] == 0 and budgets[0]["total_usd"] == BUDGET_USD
    assert spent <= BUDGET_USD
    assert spent == pytest.approx(sum(a["cost_usd"] for a in answers), abs=1e-6)
    # every model call the fake answered is a call some run paid for, and the budget was really used
    assert c.model_calls == sum(a["llm_calls"] for a in answers) == by_status["success"]
    cheapest = min(a["cost_usd"] for a in answers if a["status"] == "success")
    assert spent > BUDGET_USD / 2 and by_status["success"] >= (BUDGET_USD / 2) / cheapest


FILES = [("one.txt", "alpha"), ("two.txt", "bravo"), ("three.txt", "charlie"), ("four.txt", "delta")]


def _script(llm: FakeLLMServer, name: str, word: str) -> None:
    llm.push(tool("write_file", {"path": name, "content": word}), text(f"Wrote {word} to {name}."))


def _goal(name: str, word: str) -> str:
    return f"Write the text {word} into the file {name}"


async def test_what_one_server_learns_the_other_replays(
    tmp_path: Path, llm: FakeLLMServer, storage_url: str | None
) -> None:
    toml = "[evolution]\nmin_uses = 4\n"  # crystallize after four good runs of the plan
    with cluster(tmp_path, 2, llm=llm, storage_url=storage_url, extra_toml=toml) as c:
        a, b = _workspace(c, 0), _workspace(c, 1)
        async with httpx.AsyncClient(timeout=120) as client:
            learned = []
            for name, word in FILES[:2]:  # server A learns: two runs of one skeleton make a plan
                _script(llm, name, word)
                learned.append(await c.execute(client, 0, _goal(name, word)))
            assert [r["mode"] for r in learned] == ["learner", "mixed"] and all(r["success"] for r in learned)
            assert c.model_calls == 4
            # server B replays A's plan: no model call (the fake counts every request from every server)
            replayed = await c.execute(client, 1, _goal(*FILES[2]))
            assert replayed["success"] and replayed["mode"] == "follower", replayed
            assert replayed["llm_calls"] == 0 and c.model_calls == 4
            assert (b / FILES[2][0]).read_text() == FILES[2][1]
            assert not _generated(a) and not _generated(b)  # three good runs: not crystallized yet
            # the fourth good run, on A, crystallizes the plan there; B calls that tool
            on_a = await c.execute(client, 0, _goal(*FILES[3]))
            assert on_a["success"] and on_a["mode"] == "follower" and on_a["llm_calls"] == 0
            assert _generated(a) and (storage_url is None or not _generated(b))  # written by A only
            crystallized = await c.execute(client, 1, _goal("five.txt", "echo"))
            assert crystallized["mode"] == "crystallized", crystallized
            assert crystallized["success"] and crystallized["llm_calls"] == 0 and c.model_calls == 4
            assert (b / "five.txt").read_text() == "echo" and _generated(b) == _generated(a)
            run_ids = {r["run_id"] for r in [*learned, replayed, on_a, crystallized]}
            # every trace from either server, and one internal state
            for i in (0, 1):
                listed = {t["id"] for t in c.get(i, "/v1/traces?limit=100")["traces"]}
                assert run_ids <= listed, (i, run_ids - listed)
                assert c.get(i, f"/v1/traces/{crystallized['run_id']}")["mode"] == "crystallized"
            assert c.get(0, "/v1/state") == c.get(1, "/v1/state")
    # the CLI reads the same store from either workspace
    for ws in (a, b):
        done = llmos_cli("traces", "list", "-w", str(ws), "--json", env=c.env())
        assert done.returncode == 0, done.stderr
        assert run_ids <= {t["id"] for t in json.loads(done.stdout)}


def _generated(workspace: Path) -> list[str]:
    return sorted(p.name for p in (workspace / "tools" / "generated").glob("*.py"))


def _workspace(c: Cluster, server: int) -> Path:
    return c.servers[server].workspace
