"""robo-os: a robot-arm controller on LLM OS (simulated arm, position-safety hook, agents, WebSocket)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from llmos import LLMOS
from robo_os.arm import Arm, Box
from robo_os.safety import PositionSafetyHook
from robo_os.tools import arm_tools

AGENTS = Path(__file__).parent / "agents"

__all__ = ["Arm", "Box", "PositionSafetyHook", "open_robo", "pick_place_goal"]


def pick_place_goal(pick: tuple[int, int, int], place: tuple[int, int, int]) -> str:
    (x1, y1, z1), (x2, y2, z2) = pick, place
    return f"Pick the part at x={x1} y={y1} z={z1} and place it at x={x2} y={y2} z={z2}"


def open_robo(workspace: str | Path, arm: Arm, model: Any = None) -> tuple[LLMOS, PositionSafetyHook]:
    """An LLM OS runtime over the arm: its tools, the safety hook, the operator and safety-officer agents.
    `model` defaults to the offline scripted model; pass a spec (e.g. "anthropic:claude-sonnet-4-5") for a real one."""
    from robo_os.model import RoboModel

    ws = Path(workspace)
    (ws / "agents").mkdir(parents=True, exist_ok=True)
    for md in AGENTS.glob("*.md"):
        if not (ws / "agents" / md.name).exists():
            shutil.copy(md, ws / "agents" / md.name)
    hook = PositionSafetyHook(arm)
    runtime = LLMOS(workspace=ws, model=model or RoboModel(), tools=arm_tools(arm), hooks=[hook])
    return runtime, hook
