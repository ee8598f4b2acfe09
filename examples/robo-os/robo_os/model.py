"""The offline model of the example: a scripted operator and safety officer on top of the test model.

Arm requests (a pick-and-place goal, or an inspection by an agent that has the camera but cannot
move) are answered by a deterministic script; everything else (the orchestrator's planner and
combiner) by the shipped test model. With a real provider configured, pass its spec instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

from llmos import TestModel
from llmos.models.base import ModelRequest, ModelResponse, StreamEvent, ToolCall, ToolResult

PICK_PLACE = re.compile(
    r"pick the (?:part|\w+) at x=(\d+) y=(\d+) z=(\d+) and place it at x=(\d+) y=(\d+) z=(\d+)", re.I
)


def _goal(request: ModelRequest) -> str:
    return next((m.text for m in request.messages if m.role == "user"), "")


def _results(request: ModelRequest) -> list[ToolResult]:
    return [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]


def operator_reply(request: ModelRequest, match: re.Match[str]) -> Any:
    x1, y1, z1, x2, y2, z2 = (int(v) for v in match.groups())
    results = _results(request)
    if results and results[-1].is_error:
        return f"Stopped, the task cannot be done safely: {results[-1].content}"
    last = json.loads(results[-1].content) if results else {}
    if len(results) == 0:
        return ToolCall("", "move_to", {"x": x1, "y": y1, "z": z1})
    if len(results) == 1:
        return ToolCall("", "toggle_tool", {"pose_id": last["pose_id"]})
    if len(results) == 2:
        return ToolCall("", "move_to", {"x": x2, "y": y2, "z": z2, "carrying": last["holding"]})
    if len(results) == 3:
        return ToolCall("", "toggle_tool", {"pose_id": last["pose_id"]})
    return f"Placed the part from ({x1}, {y1}, {z1}) at ({x2}, {y2}, {z2})."


def officer_reply(request: ModelRequest) -> Any:
    results = _results(request)
    if not results:
        return ToolCall("", "get_camera_feed", {})
    if len(results) == 1:
        return ToolCall("", "get_status", {})
    try:
        status = json.loads(results[-1].content)
    except json.JSONDecodeError:
        return f"Inspection incomplete: {results[-1].content}"
    if status.get("stopped"):
        return "Hazard: the emergency stop is engaged; the arm must not move until it is reset."
    return f"Cell inspected: arm at {tuple(status['position'])}, gripper closed {status['gripper_closed']}; no hazard."


class RoboModel:
    """A Model: scripted arm behaviour, the shipped test model for the rest (planning, combining)."""

    provider = "test"

    def __init__(self) -> None:
        self.name = "test"
        self.default = TestModel()
        self.scripted = TestModel(script=self._reply)
        self.calls = 0

    def _reply(self, request: ModelRequest) -> Any:
        names = {t.name for t in request.tools}
        matches = list(PICK_PLACE.finditer(_goal(request)))  # the last: MIXED shows a solved example first
        match = matches[-1] if matches else None
        if match and "move_to" in names:
            return operator_reply(request, match)
        return officer_reply(request)

    def _pick(self, request: ModelRequest) -> TestModel:
        names = {t.name for t in request.tools}
        arm = ("move_to" in names and PICK_PLACE.search(_goal(request))) or (
            "get_camera_feed" in names and "move_to" not in names
        )
        return self.scripted if arm else self.default

    async def request(self, request: ModelRequest) -> ModelResponse:
        self.calls += 1
        return await self._pick(request).request(request)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        self.calls += 1
        async for event in self._pick(request).stream(request):
            yield event

    async def count_tokens(self, request: ModelRequest) -> int:
        return await self.default.count_tokens(request)

    async def aclose(self) -> None:
        """Nothing to close."""
