"""The position-safety hook: every arm tool call, in every mode, is checked before it runs.

It denies a move whose target (or straight path) leaves the workspace bounds, enters a prohibited
zone or hits an obstacle, or that is longer than the maximum step, and it allows the gripper to
be used only in a safe position. A denial names the reason and suggests a safe alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from robo_os.arm import Arm, Box, Point, distance, segment

ARM_TOOLS = ("move_to", "move_relative", "toggle_tool", "go_home")


@dataclass(frozen=True)
class Violation:
    reason: str
    suggestion: str

    def text(self) -> str:
        return f"unsafe: {self.reason}. Suggestion: {self.suggestion}"


def _fmt(p: Point) -> str:
    return "(" + ", ".join(f"{v:g}" for v in p) + ")"


def _clip(arm: Arm, p: Point) -> Point:
    return tuple(min(max(v, lo), hi) for v, lo, hi in zip(p, arm.low, arm.high, strict=True))  # type: ignore[return-value]


def _outside(arm: Arm, box: Box, p: Point) -> Point:
    """The nearest point to p, moving along x or y only, that is inside the bounds and clear of
    every zone and obstacle (p itself, clipped, when there is none)."""
    options = []
    for k in (0, 1):
        for edge in (box.low[k] - arm.clearance - 1.0, box.high[k] + arm.clearance + 1.0):
            q = list(p)
            q[k] = edge
            cand: Point = (q[0], q[1], q[2])
            if _clip(arm, cand) == cand and _blocked(arm, cand) is None:
                options.append((abs(edge - p[k]), cand))
    return min(options)[1] if options else _clip(arm, p)


def _blocked(arm: Arm, p: Point) -> tuple[str, Box] | None:
    for box in arm.prohibited:
        if box.contains(p, arm.clearance):
            return "prohibited zone", box
    for box in arm.obstacles:
        if box.contains(p, arm.clearance):
            return "obstacle", box
    return None


def check_move(arm: Arm, target: Point) -> Violation | None:
    """Why moving the arm from where it is to `target` is unsafe, or None when it is safe."""
    if arm.stopped:
        return Violation("the emergency stop is engaged", "have an operator inspect the cell and reset the stop")
    if any(not lo <= v <= hi for v, lo, hi in zip(target, arm.low, arm.high, strict=True)):
        bounds = ", ".join(f"{'xyz'[i]} {arm.low[i]:g}..{arm.high[i]:g}" for i in range(3))
        return Violation(f"target {_fmt(target)} is outside the workspace bounds ({bounds})",
                         f"move to {_fmt(_clip(arm, target))} inside the bounds")  # fmt: skip
    hit = _blocked(arm, target)
    if hit is not None:
        kind, box = hit
        safe = _outside(arm, box, target)
        return Violation(f"target {_fmt(target)} lies in the {kind} '{box.name}' ({box.describe()})",
                         f"use {_fmt(safe)}, outside '{box.name}'")  # fmt: skip
    step = distance(arm.position, target)
    if step > arm.max_step:
        f = arm.max_step / step
        mid = tuple(round(a + (b - a) * f, 2) for a, b in zip(arm.position, target, strict=True))
        return Violation(f"a step of {step:.2f} exceeds the maximum step {arm.max_step:g}",
                         f"move in shorter steps, first to {_fmt(mid)}")  # type: ignore[arg-type]  # fmt: skip
    for p in segment(arm.position, target):
        hit = _blocked(arm, p)
        if hit is not None:
            kind, box = hit
            return Violation(f"the straight path to {_fmt(target)} crosses the {kind} '{box.name}'",
                             f"go around it through a waypoint such as {_fmt(_outside(arm, box, p))}")  # fmt: skip
    return None


def check_tool(arm: Arm) -> Violation | None:
    """The gripper may be used only in a safe position (not stopped, clear of zones and obstacles)."""
    if arm.stopped:
        return Violation("the emergency stop is engaged", "reset the stop before using the tool")
    for box in arm.prohibited:
        if box.contains(arm.position, arm.clearance + 5.0):
            return Violation(f"the tool is near the prohibited zone '{box.name}'",
                             f"move at least {arm.clearance + 5.0:g} away from it first")  # fmt: skip
    return None


def target_of(arm: Arm, tool: str, args: dict[str, Any]) -> Point | None:
    try:
        if tool == "move_to":
            return (float(args["x"]), float(args["y"]), float(args["z"]))
        if tool == "move_relative":
            dx, dy, dz = (float(args.get(k, 0.0)) for k in ("dx", "dy", "dz"))
            x, y, z = arm.position
            return (x + dx, y + dy, z + dz)
    except (KeyError, TypeError, ValueError):
        return None  # the tool's own validation reports bad arguments
    if tool == "go_home":
        return arm.home
    return None


class PositionSafetyHook(Hook):
    """Denies unsafe arm commands before they run, whatever mode issued them."""

    name = "position-safety"
    matcher = ARM_TOOLS

    def __init__(self, arm: Arm) -> None:
        self.arm = arm
        self.denials: list[dict[str, Any]] = []

    async def pre_tool_use(self, ctx: Any, event: ToolUseEvent) -> HookDecision | None:
        if event.tool == "toggle_tool":
            violation = check_tool(self.arm)
        else:
            target = target_of(self.arm, event.tool, event.arguments)
            violation = None if target is None else check_move(self.arm, target)
        if violation is None:
            return None
        self.denials.append({"tool": event.tool, "arguments": dict(event.arguments), "source": event.source,
                             "reason": violation.reason, "suggestion": violation.suggestion})  # fmt: skip
        return HookDecision.deny(violation.text())
