"""examples/q-kids-studio end to end: blocks compiled to circuits, the six missions, kid-safe tools,
Professor Q and the Game Master, and a scripted class of 100 kids whose shared mistakes are replayed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "q-kids-studio"))

from fastapi.testclient import TestClient
from qkids import missions
from qkids.app import create_app
from qkids.errors import BlockError
from qkids.game import KidSafeHook, kid_filter

from llmos.kernel.hooks import ToolUseEvent

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "q-kids-studio"
SOLUTIONS = {
    "coin-flip": "coin-0",
    "twin-magic": "coin-0 twin-0-1",
    "colour-change": "coin-0 colour-0 coin-0",
    "teleport": "coin-1 twin-1-2 twin-0-1 coin-0 twin-1-2 mark-0-2",
    "noise-monsters": "flip-1",
    "valley-hunter": "coin-0 coin-1 mark-0-1 coin-0 coin-1 flip-0 flip-1 mark-0-1 flip-0 flip-1 coin-0 coin-1",
}


def test_every_mission_has_a_solution_and_mistakes_get_the_right_hint() -> None:
    assert set(SOLUTIONS) == set(missions.MISSIONS)
    for name, blocks in SOLUTIONS.items():
        result = missions.check(name, blocks)
        assert result["passed"] and result["stars"] == 3, (name, result)
    assert missions.check("twin-magic", "twin-0-1 coin-0")["mistake"] == "twin-before-coin"
    assert missions.check("twin-magic", "coin-0")["mistake"] == "missing-twin"
    assert missions.check("colour-change", "flip-0")["mistake"] == "used-flip"
    assert missions.check("noise-monsters", "")["mistake"] == "monster-still-there"
    assert "BEFORE" in missions.hint("twin-magic", "twin-before-coin")
    with pytest.raises(BlockError, match="not a block"):
        missions.check("coin-flip", "rm-0")
    with pytest.raises(BlockError, match="different qubit"):
        missions.check("twin-magic", "twin-0-0")


async def test_only_game_tools_run_and_answers_are_filtered() -> None:
    hook = KidSafeHook()
    for name, kind in (("read_file", "file_read"), ("run_command", "shell"), ("fetch_url", "network")):
        decision = await hook.pre_tool_use(None, ToolUseEvent(name, {}, "model", kind))
        assert decision is not None and decision.decision == "deny" and "kid-safe" in decision.reason
    assert await hook.pre_tool_use(None, ToolUseEvent("check_blocks", {}, "replay", "function")) is None
    text = kid_filter("see https://example.com and /etc/passwd/x, you idiot " + "a" * 500)
    assert "http" not in text and "/etc" not in text and "idiot" not in text and len(text) <= 400


def test_a_class_of_100_kids_is_answered_mostly_by_replay(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("qkids_class", EXAMPLE / "class_of_100.py")
    assert spec and spec.loader
    klass = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(klass)
    with TestClient(create_app(tmp_path)) as client:
        ms = client.get("/missions").json()
        assert [m["name"] for m in ms] == list(SOLUTIONS)
        played = client.post("/play", json={"player": "ada", "mission": "twin-magic", "blocks": "coin-0 twin-0-1"})
        assert played.json()["probabilities"] == {"00": 0.5, "11": 0.5}
        bad = client.post("/play", json={"player": "ada", "mission": "twin-magic", "blocks": "zap-0"})
        assert bad.status_code == 422 and "not a block" in bad.json()["detail"]
        assert client.post("/hint", json={"player": "ada", "mission": "nope", "blocks": ""}).status_code == 404
        assert client.post("/hint", json={"player": "a;b", "mission": "coin-flip", "blocks": ""}).status_code == 422

        stats = klass.play_class(client, 100)
        hints = stats["hints"]
        assert hints["total"] == 100 and hints["replayed"] >= 90, hints
        assert hints["model_calls"] <= 15 and hints["cost_usd"] < hints["model_every_time_usd"] / 10, hints
        kid = client.get("/player/kid042").json()
        assert kid["stars"] == {"twin-magic": 3} and kid["hints"] == 1
        assert len(client.get("/leaderboard").json()) == 10
        assert client.get("/player/nobody").status_code == 404
        checked = client.post("/check-mission", json={"player": "ada", "mission": "twin-magic", "blocks": "coin-0"})
        assert checked.json()["answer"].startswith("Not yet")  # a branch the class never showed: not replayed blindly
