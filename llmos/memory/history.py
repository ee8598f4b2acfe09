"""Session history: messages to JSON and back, and a history that fits a token budget.

A turn (one run of a session) is kept whole when it ended cleanly (its last message is the
model's final answer); otherwise only its goal and answer are kept, so a stored history always
alternates user → assistant and never leaves a tool call without its result. Past the budget
the oldest turns are first shortened to their goal and answer, then dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llmos.models.base import Message, TextBlock, ToolCall, ToolResult
from llmos.storage.memory import SessionTurn

CHARS_PER_TOKEN = 4  # a deliberately rough estimate: trimming only needs the order of magnitude


def message_to_dict(m: Message) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for b in m.content:
        if isinstance(b, TextBlock):
            blocks.append({"type": "text", "text": b.text})
        elif isinstance(b, ToolCall):
            blocks.append({"type": "tool_call", "id": b.id, "name": b.name, "arguments": b.arguments})
        elif isinstance(b, ToolResult):
            blocks.append(
                {"type": "tool_result", "tool_call_id": b.tool_call_id, "content": b.content, "is_error": b.is_error}
            )
    return {"role": m.role, "content": blocks}


def message_from_dict(d: dict[str, Any]) -> Message:
    blocks: list[Any] = []
    for b in d.get("content") or []:
        kind = b.get("type")
        if kind == "text":
            blocks.append(TextBlock(str(b.get("text", ""))))
        elif kind == "tool_call":
            blocks.append(ToolCall(str(b["id"]), str(b["name"]), dict(b.get("arguments") or {})))
        elif kind == "tool_result":
            blocks.append(ToolResult(str(b["tool_call_id"]), str(b.get("content", "")), bool(b.get("is_error"))))
    return Message(d["role"], blocks)


def turn_messages(goal: str, answer: str, messages: Sequence[Message]) -> list[dict[str, Any]]:
    """What a run adds to its session: its own messages when they end cleanly, else goal + answer."""
    msgs = list(messages)
    if msgs and msgs[0].role == "user" and all(isinstance(b, TextBlock) for b in msgs[0].content):
        msgs[0] = Message.user(goal)  # MIXED puts a past run before the goal: the session keeps the goal
    clean = (
        len(msgs) >= 2
        and msgs[0].role == "user"
        and msgs[-1].role == "assistant"
        and not msgs[-1].tool_calls
        and msgs[-1].text.strip()
    )
    if clean:
        return [message_to_dict(m) for m in msgs]
    return compact(goal, answer)


def compact(goal: str, answer: str) -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": [{"type": "text", "text": goal}]},
        {"role": "assistant", "content": [{"type": "text", "text": answer.strip() or "(no answer)"}]},
    ]


def _tokens(messages: list[dict[str, Any]]) -> int:
    return len(json.dumps(messages, ensure_ascii=False)) // CHARS_PER_TOKEN + 1


def fit(turns: Sequence[SessionTurn], max_tokens: int) -> tuple[list[Message], int]:
    """The history to send: newest turns whole, older ones shortened, the oldest dropped.
    Returns the messages and how many turns were left out."""
    kept: list[list[dict[str, Any]]] = []
    used = 0
    for turn in reversed(turns):
        for form in (turn.messages, compact(turn.goal, turn.answer)):
            cost = _tokens(form)
            if used + cost <= max_tokens:
                kept.append(form)
                used += cost
                break
        else:  # a gap would hide what a later turn refers to: everything older is left out
            break
    dropped = len(turns) - len(kept)
    out: list[Message] = []
    for form in reversed(kept):
        out.extend(message_from_dict(d) for d in form)
    return out, dropped
