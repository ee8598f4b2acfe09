"""The offline model: Professor Q and the Game Master scripted on top of the shipped test model."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

from llmos import TestModel
from llmos.models.base import ModelRequest, ModelResponse, StreamEvent, ToolCall, ToolResult

HINT = re.compile(r"give the player '(\w+)' a hint for mission ([a-z-]+): their blocks are '([^']*)'", re.I)
CHECK = re.compile(r"check mission ([a-z-]+) for the player '(\w+)': blocks '([^']*)'", re.I)


def _goal(request: ModelRequest) -> str:
    return next((m.text for m in request.messages if m.role == "user"), "")


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def teacher(request: ModelRequest) -> Any:
    goal = _goal(request)
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if results and results[-1].is_error:
        return f"Oops, those blocks do not work yet: {results[-1].content}"
    # the last match: in MIXED mode the message first shows a solved example, then the goal
    hint, check = _last(HINT, goal), _last(CHECK, goal)
    if hint:
        player, mission, blocks = hint.groups()
    elif check:
        mission, player, blocks = check.groups()
    else:
        return "Ask me about a mission and your blocks!"
    if not results:
        return ToolCall("", "check_blocks", {"mission": mission, "blocks": blocks})
    first = json.loads(results[0].content)
    if len(results) == 1:
        if hint:
            return ToolCall("", "give_hint", {"player": player, "mission": mission, "mistake": first["mistake"]})
        return ToolCall("", "record_result", {"player": player, "mission": mission, "stars": first["stars"]})
    last = json.loads(results[-1].content)
    if hint:
        return f"Professor Q says: {last['hint']}"
    if first["passed"]:
        return f"Mission {mission} complete! {last['stars']} star(s). Total: {last['total_stars']}."
    return f"Not yet! Mission {mission} needs another try. Total stars: {last['total_stars']}."


class KidsModel:
    """Scripted teacher for game goals, the shipped test model for anything else."""

    provider = "test"

    def __init__(self) -> None:
        self.name = "test"
        self.default, self.scripted = TestModel(), TestModel(script=teacher)

    def _pick(self, request: ModelRequest) -> TestModel:
        goal = _goal(request)
        return self.scripted if HINT.search(goal) or CHECK.search(goal) else self.default

    async def request(self, request: ModelRequest) -> ModelResponse:
        return await self._pick(request).request(request)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        async for event in self._pick(request).stream(request):
            yield event

    async def count_tokens(self, request: ModelRequest) -> int:
        return await self.default.count_tokens(request)

    async def aclose(self) -> None:
        """Nothing to close."""
