"""A goal word that only the answer says back is no value: "Please unlock door D9" is not guided by a
plan learned from "Please lock door D7" whose answer said "Done: lock of door D7" (a guide would offer
only `lock_door`). A paraphrase that lacks one of a plan's task words is not guided either."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from llmos.learning.goals import tokenize
from llmos.learning.relatedness import missing_task_words
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

GOAL_RE = re.compile(r"Please (lock|unlock) door ([A-Z]\d+) now")


def make_tools(doors: dict[str, str]) -> list[Any]:
    @tool
    def lock_door(door: str) -> dict[str, Any]:
        """Lock a door."""
        doors[door] = "locked"
        return {"door": door, "state": "locked"}

    @tool
    def unlock_door(door: str) -> dict[str, Any]:
        """Unlock a door."""
        doors[door] = "unlocked"
        return {"door": door, "state": "unlocked"}

    return [lock_door, unlock_door]


def script(request: ModelRequest) -> Any:
    goals = [g for m in request.messages if m.role == "user" for g in GOAL_RE.findall(m.text)]
    verb, door = goals[-1]
    offered = {t.name for t in request.tools}
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        name = f"{verb}_door"
        if name not in offered:
            return f"I could not complete it: no tool named {name} is available."
        return ToolCall("", name, {"door": door})
    return f"Done: {verb} of door {door}."


async def test_an_answer_echo_does_not_make_a_task_word_a_value(tmp_path: Path) -> None:
    doors: dict[str, str] = {}
    async with LLMOS(workspace=tmp_path, model=TestModel(script=script), tools=make_tools(doors)) as os:
        for door in ("D7", "E4", "F2"):
            assert (await os.execute(f"Please lock door {door} now")).success
        out = await os.execute("Please unlock door D9 now")
        assert out.success and out.mode == "learner", out.to_dict()
        assert doors["D9"] == "unlocked"
        reason = os.traces.require(out.run_id).mode_reason
        assert any("unlock" in r["why"].lower() for r in reason.get("not_related", [])), reason


def test_a_paraphrase_lacking_a_task_word_is_another_task() -> None:
    plan: Any = SimpleNamespace(  # the parts of a plan `missing_task_words` reads
        skeleton=tokenize("Please lock door D7 now"), slots={3: None}, steps=[], answer=[], updated_at=1.0, support=3
    )
    assert missing_task_words(plan, tokenize("Kindly secure door D9 right now")) == ["lock"]
    assert missing_task_words(plan, tokenize("Please lock the door D9 now, thanks")) == []
