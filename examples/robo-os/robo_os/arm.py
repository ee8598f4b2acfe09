"""The simulated arm: a position in a box-shaped cell, a gripper, parts, obstacles, prohibited zones.

Pure state and geometry (no LLM OS import): the tools move it, the safety hook reads it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Point = tuple[float, float, float]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box: an obstacle or a prohibited zone."""

    name: str
    low: Point
    high: Point

    def contains(self, p: Point, margin: float = 0.0) -> bool:
        return all(lo - margin <= v <= hi + margin for lo, v, hi in zip(self.low, p, self.high, strict=True))

    def describe(self) -> str:
        axes = "xyz"
        return ", ".join(f"{axes[i]} {self.low[i]:g}..{self.high[i]:g}" for i in range(3))


@dataclass
class Arm:
    """The arm's state. `listeners` are called with a snapshot after every change."""

    position: Point = (10.0, 10.0, 40.0)
    home: Point = (10.0, 10.0, 40.0)
    low: Point = (0.0, 0.0, 0.0)
    high: Point = (100.0, 100.0, 50.0)
    max_step: float = 80.0
    clearance: float = 2.0
    gripper_closed: bool = False
    holding: str | None = None
    stopped: bool = False
    parts: dict[str, Point] = field(default_factory=lambda: {"bolt": (23.0, 31.0, 12.0), "gear": (44.0, 17.0, 12.0)})
    obstacles: list[Box] = field(default_factory=lambda: [Box("pillar", (30.0, 70.0, 0.0), (40.0, 80.0, 50.0))])
    prohibited: list[Box] = field(
        default_factory=lambda: [Box("operator-station", (70.0, 70.0, 0.0), (100.0, 100.0, 50.0))]
    )
    moves: int = 0
    listeners: list[Callable[[dict[str, Any]], None]] = field(default_factory=list)

    # ------------------------------------------------------------------ state changes
    def move(self, target: Point) -> None:
        self.position = tuple(round(v, 3) for v in target)  # type: ignore[assignment]
        self.moves += 1
        if self.holding is not None:
            self.parts[self.holding] = self.position
        self.notify("move")

    def set_gripper(self, closed: bool) -> str:
        self.gripper_closed = closed
        if closed:
            here = [name for name, p in self.parts.items() if distance(p, self.position) <= 1.0]
            self.holding = here[0] if here else None
        else:
            self.holding = None
        self.notify("gripper")
        return self.holding or ""

    def emergency_stop(self) -> None:
        self.stopped = True
        self.notify("emergency_stop")

    def reset_stop(self) -> None:
        self.stopped = False
        self.notify("reset")

    def notify(self, event: str) -> None:
        snap = {"event": event, **self.snapshot()}
        for listener in list(self.listeners):
            listener(snap)

    # ------------------------------------------------------------------ views
    @property
    def pose_id(self) -> str:
        return f"pose-{self.moves}"

    def snapshot(self) -> dict[str, Any]:
        return {
            "position": list(self.position),
            "gripper_closed": self.gripper_closed,
            "holding": self.holding,
            "stopped": self.stopped,
            "moves": self.moves,
            "pose_id": self.pose_id,
            "parts": {k: list(v) for k, v in self.parts.items()},
        }

    def camera(self, width: int = 21, height: int = 11) -> str:
        """A top view (x to the right, y up): A arm, P prohibited, # obstacle, letters for parts."""
        sx = (self.high[0] - self.low[0]) / (width - 1)
        sy = (self.high[1] - self.low[1]) / (height - 1)
        rows = []
        for j in range(height - 1, -1, -1):
            y = self.low[1] + j * sy
            row = []
            for i in range(width):
                x = self.low[0] + i * sx
                row.append(self._cell(x, y, sx / 2, sy / 2))
            rows.append("".join(row))
        border = "+" + "-" * width + "+"
        legend = "A arm  P prohibited  # obstacle  " + "  ".join(f"{n[0]} {n}" for n in self.parts)
        return "\n".join([border, *(f"|{r}|" for r in rows), border, legend])

    def _cell(self, x: float, y: float, hx: float, hy: float) -> str:
        def near(p: Point) -> bool:
            return -hx <= p[0] - x < hx and -hy <= p[1] - y < hy

        if near(self.position):
            return "A"
        for name, p in self.parts.items():
            if near(p):
                return name[0]
        if any(b.low[0] <= x <= b.high[0] and b.low[1] <= y <= b.high[1] for b in self.prohibited):
            return "P"
        if any(b.low[0] <= x <= b.high[0] and b.low[1] <= y <= b.high[1] for b in self.obstacles):
            return "#"
        return "."


def distance(a: Point, b: Point) -> float:
    return math.dist(a, b)


def segment(a: Point, b: Point, step: float = 0.25) -> list[Point]:
    """Points along the straight path from a to b (both ends included)."""
    n = max(1, math.ceil(distance(a, b) / step))
    return [tuple(a[k] + (b[k] - a[k]) * i / n for k in range(3)) for i in range(n + 1)]  # type: ignore[misc]
