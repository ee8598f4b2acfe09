"""Rules 5 and 1 for a run in which the model declined the goal's action.

When the model reads something and then decides that what the goal asks must not be done ("not
published: it is embargoed"), the plan it leaves behind is read-only. Replaying it is harmless to the
world, but its answer is a judgement made on what the results said:

- a listing of the replay's results ("Done." and the reads) cannot state it, so until a template of
  the model's own words is learned the model answers (and the replay stops before any call);
- the judgement holds only where the results are those it was made on: every result of the replay
  must lie inside what the supporting runs saw (rule 1, as before a write), else the model decides
  anew, and may now do what the goal asks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning import answers, declined
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool

STATE: dict[str, str] = {}
PUBLISHED: list[str] = []


def newsroom_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "Publish article" in m.text)
    slug = re.findall(r"Publish article (\S+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "article_status", {"slug": slug})
    last = json.loads(results[-1].content)
    if "state" in last:
        if last["state"] != "approved":
            return f"Article {slug} was not published: it is {last['state']}."
        return ToolCall("", "publish_article", {"slug": slug})
    return f"Published article {slug} (id {last['id']})."


def _read_only(t: Tool) -> Tool:
    t.metadata["annotations"] = {"readOnlyHint": True}
    return t


@tool
def article_status(slug: str) -> dict[str, Any]:
    """An article's editorial state and length."""
    return {"slug": slug, "state": STATE[slug], "words": 800}


@tool
def publish_article(slug: str) -> dict[str, Any]:
    """Publish an article on the site."""
    PUBLISHED.append(slug)
    return {"published": slug, "id": len(PUBLISHED)}


def test_a_decline_the_run_cannot_give_is_named_by_unstated_verdict() -> None:
    example = {
        "goal": "Publish article a-1",
        "calls": [{"name": "article_status", "arguments": {"slug": "a-1"}, "result": '{"state": "embargoed"}'}],
        "answer": "Article a-1 was not published: it is embargoed.",
    }
    assert answers.unstated_verdict(example) == ["not"]
    example["answer"] = "Article a-1 is embargoed."  # restates a result: a listing says as much
    assert answers.unstated_verdict(example) == []
    example["calls"][0]["result"] = "status: not approved"  # the result itself says it: no judgement
    example["answer"] = "Article a-1: not approved."
    assert answers.unstated_verdict(example) == []


async def test_a_declined_goal_is_never_answered_done_nor_replayed_past_what_it_was_judged_on(
    tmp_path: Path,
) -> None:
    STATE.clear()
    PUBLISHED.clear()
    STATE["a-1"] = "embargoed"
    model = TestModel(script=newsroom_model)
    tools = [_read_only(article_status), publish_article]
    async with LLMOS(workspace=tmp_path, model=model, tools=tools) as os:
        outs = [await os.execute("Publish article a-1") for _ in range(4)]
        for out in outs:  # every answer states the decline; none is a bare listing
            assert out.success and "not published" in out.output, (out.mode, out.output)
            assert not out.output.startswith("Done."), (out.mode, out.output)
        assert PUBLISHED == []
        assert any(o.mode == "follower" and o.llm_calls == 0 for o in outs), [o.mode for o in outs]
        STATE["a-1"] = "approved"  # what the judgement was made on changed: the model decides anew
        again = await os.execute("Publish article a-1")
    assert again.success and again.output.startswith("Published article a-1"), (again.mode, again.output)
    assert again.llm_calls >= 1
    assert "a text never seen" in str((again.mode_reason or {}).get("fallback")), again.mode_reason
    assert PUBLISHED == ["a-1"]


# ---------------------------------------------------------------- a decline in words of no vocabulary
DOORS: dict[str, str] = {}
UNLOCKED: list[str] = []


def facilities_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "Unlock door" in m.text)
    door = re.findall(r"Unlock door (\S+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "door_panel", {"door": door})
    text = results[-1].content
    if text.startswith("Door"):
        if "lockdown" in text:
            return f"Door {door} stays locked while the site is in lockdown."  # no word of decline
        return ToolCall("", "unlock_door", {"door": door})
    return f"Door {door} is open ({text})."


@tool
def door_panel(door: str) -> str:
    """A door's panel reading (plain text)."""
    return f"Door {door}: bolt engaged; site mode: {DOORS[door]}"


@tool
def unlock_door(door: str) -> str:
    """Release a door's bolt."""
    UNLOCKED.append(door)
    return f"released {door}"


def test_tool_names_give_their_words() -> None:
    assert declined.name_words("bench__h3_release_brew") == {"bench", "release", "brew"}
    assert declined.name_words("unlockDoor") == {"unlockdoor"}


async def test_a_read_only_plan_whose_goal_names_a_write_it_never_made_is_judged_on_its_results(
    tmp_path: Path,
) -> None:
    # "Unlock" names unlock_door, which changes the world and which the runs never called: the plan
    # declined the goal, though its answer says so in words of no list; a replay states no listing,
    # and once the lockdown is over the model unlocks the door
    DOORS.clear()
    UNLOCKED.clear()
    DOORS["D-7"] = "lockdown"
    model = TestModel(script=facilities_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[_read_only(door_panel), unlock_door]) as os:
        outs = [await os.execute("Unlock door D-7") for _ in range(4)]
        for out in outs:
            assert out.success and "stays locked" in out.output, (out.mode, out.output)
        assert UNLOCKED == []
        DOORS["D-7"] = "normal"
        again = await os.execute("Unlock door D-7")
    assert again.success and again.output.startswith("Door D-7 is open"), (again.mode, again.output)
    assert UNLOCKED == ["D-7"]
