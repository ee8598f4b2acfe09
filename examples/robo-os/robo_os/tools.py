"""The arm's tools, bound to one `Arm`. Every call goes through LLM OS's tool seam and its hooks."""

from __future__ import annotations

from typing import Any

from llmos import Tool, tool
from robo_os.arm import Arm


def arm_tools(arm: Arm) -> list[Tool]:
    def moved() -> dict[str, Any]:
        return {"position": list(arm.position), "pose_id": arm.pose_id, "holding": arm.holding or ""}

    def payload_check(carrying: str) -> None:
        if carrying != (arm.holding or ""):
            raise ValueError(
                f"payload mismatch: the arm holds {arm.holding or 'nothing'!r}, not {carrying or 'nothing'!r}"
            )

    @tool
    def move_to(x: float, y: float, z: float, carrying: str = "") -> dict[str, Any]:
        """Move the arm's tool point to the absolute position (x, y, z) in the cell. `carrying` is the
        part the arm holds (toggle_tool's `holding`, "" for none): the motion planner needs the
        payload, and the move is refused when it differs. Returns the new `pose_id`."""
        payload_check(carrying)
        arm.move((float(x), float(y), float(z)))
        return moved()

    @tool
    def move_relative(dx: float = 0.0, dy: float = 0.0, dz: float = 0.0, carrying: str = "") -> dict[str, Any]:
        """Move the arm by an offset (dx, dy, dz) from where it is (`carrying` as for move_to)."""
        payload_check(carrying)
        x, y, z = arm.position
        arm.move((x + dx, y + dy, z + dz))
        return moved()

    @tool
    def toggle_tool(pose_id: str) -> dict[str, Any]:
        """Toggle the gripper: an open one closes (gripping the part at the tool point), a closed one
        opens (releasing what it holds). `pose_id` is the pose the last move reported: the gripper
        acts only there, never on a stale view of where the arm is."""
        if pose_id != arm.pose_id:
            raise ValueError(f"stale pose {pose_id!r}: the arm is at {arm.pose_id!r}; read get_status first")
        arm.set_gripper(not arm.gripper_closed)
        return {"gripper_closed": arm.gripper_closed, "holding": arm.holding or ""}

    @tool
    def get_status() -> dict[str, Any]:
        """The arm's position, gripper state, held part, emergency-stop state and the parts' positions."""
        return arm.snapshot()

    @tool
    def emergency_stop() -> str:
        """Stop the arm at once: every further move is refused until an operator resets it."""
        arm.emergency_stop()
        return "emergency stop engaged"

    @tool
    def go_home(carrying: str = "") -> dict[str, Any]:
        """Move the arm back to its home position (`carrying` as for move_to)."""
        payload_check(carrying)
        arm.move(arm.home)
        return moved()

    @tool
    def get_camera_feed() -> str:
        """An ASCII top view of the cell: the arm, the parts, obstacles and the prohibited zone."""
        return arm.camera()

    return [move_to, move_relative, toggle_tool, get_status, emergency_stop, go_home, get_camera_feed]
