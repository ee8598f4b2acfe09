"""examples/robo-os end to end with its offline scripted model: the safety hook, learning of
pick-and-place (LEARNER -> FOLLOWER -> CRYSTALLIZED), a dangerous move blocked in every mode,
the operator and safety-officer agents under the orchestrator, and the app's WebSocket."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "robo-os"))

from robo_os import Arm, PositionSafetyHook, open_robo, pick_place_goal
from robo_os.safety import check_move, check_tool

from llmos import LLMOS, RunResult

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "robo-os"
# the first two runs span the cell (rule 1: a goal amount a write takes lies inside the range the supporting
# runs showed), so the third replays; every point is clear of the pillar and the operator station
SAFE = [((75, 20, 12), (22, 74, 35)), ((22, 74, 35), (73, 23, 14)),
        ((73, 23, 14), (45, 41, 26)), ((45, 41, 26), (31, 62, 17)),
        ((31, 62, 17), (58, 33, 29)), ((58, 33, 29), (27, 52, 21)),
        ((27, 52, 21), (66, 47, 32)), ((66, 47, 32), (39, 28, 15))]  # fmt: skip
DANGER_PLACE = (72, 72, 20)  # in the operator station (a prohibited zone), inside the places seen


def in_zone(arm: Arm, p: list[float]) -> bool:
    return any(b.contains((p[0], p[1], p[2])) for b in arm.prohibited)


def test_safety_rules_give_reason_and_a_safe_suggestion() -> None:
    arm = Arm()
    zone = check_move(arm, (80.0, 80.0, 10.0))
    assert zone is not None and "prohibited zone 'operator-station'" in zone.reason and "use (" in zone.suggestion
    assert "bounds" in check_move(arm, (150.0, 10.0, 10.0)).reason  # type: ignore[union-attr]
    step = check_move(Arm(position=(5.0, 5.0, 5.0)), (95.0, 40.0, 5.0))
    assert step is not None and "maximum step" in step.reason and "shorter steps" in step.suggestion
    path = check_move(Arm(position=(20.0, 75.0, 10.0)), (50.0, 75.0, 10.0))
    assert path is not None and "crosses the obstacle 'pillar'" in path.reason  # the target is fine, the path not
    assert check_move(arm, (23.0, 31.0, 12.0)) is None
    assert check_tool(Arm(position=(65.0, 80.0, 10.0))) is not None and check_tool(arm) is None
    arm.emergency_stop()
    assert "emergency stop" in check_move(arm, (20.0, 20.0, 10.0)).reason  # type: ignore[union-attr]
    # the suggestion of a zone denial is itself a safe target
    safe = tuple(float(v) for v in zone.suggestion.split("(")[1].split(")")[0].split(", "))
    assert check_move(Arm(position=(50.0, 60.0, 10.0)), safe) is None  # type: ignore[arg-type]


async def train(os: LLMOS, n: int) -> list[RunResult]:
    results = [await os.execute(pick_place_goal(a, b)) for a, b in SAFE[:n]]
    assert all(r.success for r in results), [r.error for r in results]
    return results


async def attempt_danger(os: LLMOS, arm: Arm, hook: PositionSafetyHook, mode: str) -> RunResult:
    """Pick where the arm is and place into the prohibited zone: denied, the run says why."""
    before = len(hook.denials)
    here = (int(arm.position[0]), int(arm.position[1]), int(arm.position[2]))
    r = await os.execute(pick_place_goal(here, DANGER_PLACE), mode=mode)
    new = hook.denials[before:]
    assert new and all("prohibited zone 'operator-station'" in d["reason"] for d in new), (mode, new)
    assert all("outside 'operator-station'" in d["suggestion"] for d in new)
    assert "cannot be done safely" in r.output and "Suggestion" in r.output, r.output
    arm.set_gripper(False)  # the operator puts the part down where it was picked
    return r


async def test_pick_and_place_replays_then_crystallizes(tmp_path: Path) -> None:
    arm = Arm(parts={"bolt": (75.0, 20.0, 12.0)})
    runtime, hook = open_robo(tmp_path, arm)
    async with runtime as os:
        results = await train(os, len(SAFE))
        modes = [r.mode for r in results]
        assert modes[:2] == ["learner", "learner"] and modes[2] == "follower" and modes[-1] == "crystallized", modes
        assert results[2].llm_calls == 0 and results[-1].llm_calls == 0 and results[-1].cost_usd == 0
        assert arm.parts["bolt"] == (39.0, 28.0, 15.0)  # carried through every sequence
        assert hook.denials == []


async def test_a_dangerous_move_is_blocked_in_every_mode(tmp_path: Path) -> None:
    arm = Arm(parts={"bolt": (75.0, 20.0, 12.0)})
    visited: list[list[float]] = []
    arm.listeners.append(lambda snap: visited.append(snap["position"]))
    # FOLLOWER: a plan learned from two runs is replayed with the dangerous place; the replayed move
    # is denied and the run falls back to the model, which reads the reason and stops
    runtime, hook = open_robo(tmp_path / "follower", arm)
    async with runtime as os:
        await train(os, 3)
        r = await attempt_danger(os, arm, hook, "follower")
        fell = os.traces.require(r.run_id)
        assert any(e.get("kind") == "fallback" and e.get("from_mode") == "follower" for e in fell.events)
        assert [d["source"] for d in hook.denials] == ["replay"]  # the model, told why, stops
    # CRYSTALLIZED: the generated tool's inner move is denied; LEARNER: the model's move is denied
    arm = Arm(parts={"bolt": (75.0, 20.0, 12.0)}, listeners=arm.listeners)
    runtime, hook = open_robo(tmp_path / "crystal", arm)
    async with runtime as os:
        assert (await train(os, len(SAFE)))[-1].mode == "crystallized"
        r = await attempt_danger(os, arm, hook, "crystallized")
        calls = r.to_dict()["tool_calls"]
        assert calls[0]["name"] == "pick_part_place" and "unsafe" in calls[0]["result"]
        assert hook.denials[0]["source"] == "inner"
        await attempt_danger(os, arm, hook, "learner")
        assert {d["source"] for d in hook.denials} == {"inner", "model"}
    assert visited and not any(in_zone(arm, p) for p in visited)


async def test_operator_and_safety_officer_under_the_orchestrator(tmp_path: Path) -> None:
    arm = Arm(parts={"bolt": (23.0, 31.0, 12.0)})
    runtime, _ = open_robo(tmp_path, arm)
    async with runtime as os:
        goal = (
            "Inspect the cell for hazards with the camera; then " + pick_place_goal((23, 31, 12), (52, 30, 36)).lower()
        )
        r = await os.execute(goal, mode="orchestrator")
        assert r.success and r.mode == "orchestrator", r.error
        agents = {s["agent"] for s in r.subtasks}
        assert agents == {"operator", "safety-officer"}, r.subtasks
        assert arm.parts["bolt"] == (52.0, 30.0, 36.0)


def test_app_pushes_state_over_websocket_and_honours_the_stop(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from robo_os.app import create_app

    with TestClient(create_app(tmp_path)) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_json()["event"] == "hello"
        r = client.post("/command", json={"goal": pick_place_goal((23, 31, 12), (52, 30, 36))})
        assert r.status_code == 200 and r.json()["result"]["success"], r.json()
        events = [ws.receive_json()["event"] for _ in range(4)]
        assert events == ["move", "gripper", "move", "gripper"]
        state = client.get("/state").json()
        assert state["position"] == [52.0, 30.0, 36.0] and "A" in state["camera"]
        client.post("/emergency-stop")
        assert ws.receive_json()["event"] == "emergency_stop"
        blocked = client.post("/command", json={"goal": pick_place_goal((52, 30, 36), (26, 39, 48))}).json()
        assert "emergency stop" in blocked["result"]["output"] + str(blocked["result"]["tool_calls"])
        assert blocked["arm"]["position"] == [52.0, 30.0, 36.0]
        assert client.post("/command", json={"goal": "x", "mode": "nope"}).status_code == 422
        assert client.get("/stats").status_code == 200


async def test_the_demo_tour_runs_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("robo_os_demo", EXAMPLE / "demo.py")
    assert spec and spec.loader
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    await demo.tour(tmp_path)
    out = capsys.readouterr().out
    assert "crystallized" in out and "follower" in out and "Suggestion: use (" in out
    assert "2 unsafe command(s) denied" in out
