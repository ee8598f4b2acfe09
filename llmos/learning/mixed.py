"""MIXED mode: a related past run, shown to the model as a short worked example.

The runtime puts `example_text(plan) + "\\n\\n" + goal` in ONE user message (the goal verbatim and
last) and offers the plan's tools (plus a tool search), so the model needs fewer tokens and turns.
"""

from __future__ import annotations

import json
from typing import Any

from llmos.learning.plans import Plan

MAX_RESULT = 160
MAX_ARGS = 300


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def example_text(plan: Plan) -> str:
    ex: dict[str, Any] = plan.example
    calls = ex.get("calls", [])
    lines = [
        "A similar task was solved before. Its goal was:",
        f"  {ex.get('goal', '')}",
        "It made these tool calls, in order (calls with the same step number ran together):",
    ]
    for c in calls:
        args = _short(json.dumps(c.get("arguments", {}), ensure_ascii=False, sort_keys=True), MAX_ARGS)
        lines.append(
            f"  step {c.get('group', 0) + 1}: {c.get('name')}({args}) -> {_short(c.get('result', ''), MAX_RESULT)}"
        )
    if ex.get("answer"):
        lines.append(f"Its final answer: {_short(ex['answer'], MAX_RESULT)}")
    lines.append(
        "Use it as a guide only if it fits: the new task may differ, so use the new task's own values "
        "and read every tool result again. The task follows."
    )
    return "\n".join(lines)
