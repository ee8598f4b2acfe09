"""Turning calls made outside the model (a replay, a crystallized tool) into conversation turns,
so that a model taking over sees exactly what was already done."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from llmos.models.base import Message, TextBlock, ToolCall, ToolResult
from llmos.trace import ToolCallRecord


def continuation(goal: str, records: Sequence[ToolCallRecord], note: str = "") -> list[Message]:
    """[user: goal, assistant: calls of turn 1, user: their results, ...]: one assistant/user pair
    per recorded turn, so the model continues from where the replay stopped."""
    messages = [Message.user(goal)]
    top = [r for r in records if r.parent_id is None]
    for _, group in groupby(top, key=lambda r: r.turn):
        calls = list(group)
        messages.append(Message("assistant", [ToolCall(r.id, r.name, r.arguments) for r in calls]))
        messages.append(Message("user", [ToolResult(r.id, r.result, r.is_error) for r in calls]))
    if note and len(messages) > 1:
        last = messages[-1]
        last.content.append(TextBlock(note))
    return messages
