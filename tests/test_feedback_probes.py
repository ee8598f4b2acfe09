"""Red-team probes of rules 6 and 7 (issue 9) as a new user meets them: the `llmos` command as a real
subprocess and `llmos serve` on loopback, with the shipped test model (`--model test`).

- feedback closes the loop: after `feedback RUN bad`, `traces reject RUN` or `evolve demote PLAN`
  on a FOLLOWER or a MIXED run, the same goal and a sibling goal (another file) go to the model
  until new evidence, and `--explain` says why;
- `--json` prints exactly one JSON object, on errors too (every command that takes it);
- honest success: a model that gives up in words (first person, passive, other languages) fails the
  run, and such a run never supports a plan; an answer that quotes a result saying "could not" is
  no give-up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime_support import llmos_cli
from server_support import cli_server

from llmos.kernel.outcome import gave_up
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

REPLAY = ("follower", "crystallized")


def one_json(stdout: str) -> Any:
    """Exactly one JSON object on stdout (on one line or pretty-printed), nothing else."""
    data = json.loads(stdout)  # extra text or a second document fails here
    assert isinstance(data, dict), stdout
    return data


# tonnes lifted by crane i: inside the first two files' tonnes, and so is tonnes - i (rule 1 checks the
# difference of two numbers of one text; a crane number that grows in every run passes as a counter,
# the tonnes and what they imply must not: 17 x i grew past every difference seen)
TONNES = {i: 61 if i == 1 else 100 if i == 2 else 100 - (i * 7) % (40 - i) for i in range(1, 31)}


def workspace(tmp: Path, n: int = 9) -> Path:
    ws = tmp / "ws"
    ws.mkdir()
    for i in range(1, n + 1):
        (ws / f"log{i}.txt").write_text(f"harbour crane {i} lifted {TONNES[i]} tonnes\n")
    return ws


def run(ws: Path, goal: str, *extra: str) -> dict[str, Any]:
    proc = llmos_cli("run", goal, "--workspace", str(ws), "--model", "test", "--json", *extra, cwd=ws)
    data = one_json(proc.stdout)
    assert isinstance(data, dict)
    return data


def goal(i: int) -> str:
    return f"Read the file log{i}.txt"


def until_follower(ws: Path, start: int, limit: int = 6) -> tuple[dict[str, Any], int]:
    for i in range(start, start + limit):
        data = run(ws, goal(i))
        assert data["success"], data
        assert f"lifted {TONNES[i]} tonnes" in data["output"], data  # rule 5: this run's file, whatever the mode
        if data["mode"] == "follower":
            return data, i + 1
    raise AssertionError("no FOLLOWER run")


def to_model(ws: Path, i: int) -> dict[str, Any]:
    data = run(ws, goal(i), "--explain")
    assert data["mode"] not in REPLAY and data["llm_calls"] > 0, data
    assert data["mode_reason"]["mode_used"] == data["mode"], data["mode_reason"]
    return data


def test_cli_feedback_bad_on_a_follower_run_sends_same_and_sibling_goals_to_the_model(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    replayed, n = until_follower(ws, 1)
    plan = replayed["plan_id"]
    proc = llmos_cli("feedback", replayed["run_id"], "bad", "--workspace", str(ws), "--json")
    assert proc.returncode == 0, proc.stderr
    assert one_json(proc.stdout) == {"run_id": replayed["run_id"], "rating": "bad", "rejected": True, "demoted": [plan]}
    same = to_model(ws, n - 1)  # the very goal that was replayed
    assert any("demoted" in w for w in same["mode_reason"].get("why_not_follower", [])), same["mode_reason"]
    to_model(ws, n)  # a sibling: another file
    again, _ = until_follower(ws, n + 1)  # new evidence: FOLLOWER again
    assert again["plan_id"] == plan


def test_cli_reject_of_a_mixed_run_demotes_the_plan_that_guided_it(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    first = run(ws, goal(1))
    mixed = run(ws, goal(2))
    assert (first["mode"], mixed["mode"]) == ("learner", "mixed"), (first, mixed)
    proc = llmos_cli("traces", "reject", mixed["run_id"], "--workspace", str(ws), "--json")
    assert proc.returncode == 0, proc.stderr
    out = one_json(proc.stdout)
    assert out["rejected"] is True and out["demoted"] == [mixed["plan_id"]], out
    to_model(ws, 2)  # the same goal
    to_model(ws, 3)  # a sibling


def test_cli_evolve_demote_sends_the_goals_back_to_the_model(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    replayed, n = until_follower(ws, 1)
    proc = llmos_cli("evolve", "demote", replayed["plan_id"], "--workspace", str(ws), "--json")
    assert proc.returncode == 0, proc.stderr
    assert one_json(proc.stdout)["done"][0].startswith(f"plan {replayed['plan_id']} demoted")
    to_model(ws, n - 1)
    to_model(ws, n)


def test_json_is_one_object_on_errors_too(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    run(ws, goal(1))  # a workspace that exists
    cases = [
        ("feedback", "run_nope", "bad"),
        ("feedback", "run_nope", "meh"),
        ("traces", "reject", "run_nope"),
        ("evolve", "demote", "plan_nope"),
        ("plans", "show", "plan_nope"),
        ("run", "Read the file log1.txt", "--model", "no-such-model"),
        ("run", "   "),
    ]
    for args in cases:
        proc = llmos_cli(*args, "--workspace", str(ws), "--json")
        assert proc.returncode != 0, (args, proc.stdout)
        data = one_json(proc.stdout)
        assert data["success"] is False and data["error"], (args, data)
        assert "error" in proc.stderr, (args, proc.stderr)
    missing = llmos_cli("feedback", "run_x", "bad", "--workspace", str(tmp_path / "nowhere"), "--json")
    assert missing.returncode == 2 and "does not exist" in one_json(missing.stdout)["error"]


def test_http_feedback_on_loopback_sends_the_goals_back_to_the_model(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    with cli_server(ws) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        assert server.url, server.log

        def execute(i: int) -> dict[str, Any]:
            r = client.post("/v1/execute", json={"goal": goal(i)})
            assert r.status_code == 200, r.text
            data = r.json()
            assert data["success"] and f"lifted {TONNES[i]} tonnes" in data["output"], data
            return dict(data)

        modes = []
        for i in range(1, 6):
            data = execute(i)
            modes.append(data["mode"])
            if data["mode"] == "follower":
                break
        assert data["mode"] == "follower" and data["llm_calls"] == 0, modes
        r = client.post("/v1/feedback", json={"run_id": data["run_id"], "rating": "bad"})
        assert r.status_code == 200, r.text
        for j in (i, i + 1):  # the same goal, a sibling
            nxt = execute(j)
            assert nxt["mode"] not in REPLAY and nxt["llm_calls"] > 0, nxt


# ---------------------------------------------------------------- rule 7: a give-up in words is a failure
GIVE_UPS = [
    "Unfortunately, I wasn't able to book the berth: the harbour office did not answer.",
    "I'm afraid I can't complete the booking right now.",
    "The berth could not be booked because the quay is closed.",
    "It was not possible to reserve berth 4 today.",
    "Sorry, I have not been able to finish the booking.",
    "Failed to book the berth.",
    "Leider konnte ich den Liegeplatz nicht buchen.",
    "Je n'ai pas pu réserver la place.",
    "No pude reservar el amarre.",
    "Non sono riuscito a prenotare l'ormeggio.",
    "Não consegui reservar o cais.",
]


@pytest.mark.parametrize("words", GIVE_UPS)
async def test_a_give_up_in_any_phrasing_fails_the_run_and_is_never_support(tmp_path: Path, words: str) -> None:
    @tool
    def quay_status(quay: str) -> str:
        """The status of a harbour quay."""
        return f"quay {quay}: 3 berths free"

    def model(request: ModelRequest) -> Any:
        if not any(isinstance(b, ToolResult) for m in request.messages for b in m.content):
            return ToolCall("", "quay_status", {"quay": "Q7"})
        return words

    async with LLMOS(workspace=tmp_path, model=TestModel(script=model), tools=[quay_status]) as os:
        for _ in range(3):
            r = await os.execute("Book a berth at quay Q7")
            assert not r.success and "gave up" in (r.error or ""), r.to_dict()
        assert os.learning.plans() == []


async def test_quoting_a_result_that_says_could_not_is_no_give_up(tmp_path: Path) -> None:
    @tool
    def parcel_note(parcel: str) -> str:
        """The courier's note on a parcel."""
        return f"parcel {parcel}: the parcel could not be delivered, recipient absent"

    def model(request: ModelRequest) -> Any:
        results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        if not results:
            return ToolCall("", "parcel_note", {"parcel": "P-1"})
        return f"The courier wrote: {results[-1].content}"

    async with LLMOS(workspace=tmp_path, model=TestModel(script=model), tools=[parcel_note]) as os:
        r = await os.execute("What did the courier write about parcel P-1?")
        assert r.success, r.to_dict()
    # the same words with nothing quoted are the model's own
    assert gave_up("The parcel could not be delivered.") == "could not be delivered"
    assert not gave_up("The parcel could not be delivered.", ["the parcel could not be delivered, recipient absent"])


def test_plain_answers_are_no_give_ups() -> None:
    for text in (
        "Done. Booked berth 4 at quay Q7.",
        "I could not be happier: it is saved.",
        "Job 12 failed at 02:00 according to the log.",
        "Nothing was changed: the stock is enough.",
        "No problems found.",
        json.dumps({"status": "ok", "note": "nothing failed"}),
    ):
        assert not gave_up(text), text
