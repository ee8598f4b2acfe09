"""Rule 3 worked out from the plan: a non-idempotent write (no later write) whose result the plan
passes on, while the rest of that result read differently across the supporting runs, needs a check
that can only run after the write, so the plan is not replayed blind. A write whose acknowledgement
feeds nothing, or whose result is the same kind of answer every time, still replays."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

GOAL_RE = re.compile(r"Book a slot for ([A-Z][a-z]+)")
GOALS = ["Book a slot for Anna", "Book a slot for Bruno", "Book a slot for Carla", "Book a slot for Dora"]


def make_tools(statuses: list[str], booked: list[str]) -> list[Any]:
    @tool
    def book_slot(name: str) -> dict[str, Any]:
        """Book a slot for a person (no annotations: a non-idempotent write)."""
        booked.append(name)
        return {"status": statuses[len(booked) - 1], "ref": f"R-{100 + len(booked)}"}

    return [book_slot]


def model(states_answer: bool) -> Any:
    def script(request: ModelRequest) -> Any:
        first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
        name = GOAL_RE.findall(first.text)[-1]
        results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        if not results:
            return ToolCall("", "book_slot", {"name": name})
        if states_answer:  # the answer passes the write's result on: its reference
            ref = re.search(r"R-\d+", results[-1].content)
            return f"Booked a slot for {name}: reference {ref.group(0) if ref else '?'}."
        return f"Booked a slot for {name}."

    return script


async def _run(tmp_path: Path, statuses: list[str], states_answer: bool) -> tuple[list[Any], list[str], Any]:
    booked: list[str] = []
    tools = make_tools(statuses, booked)
    async with LLMOS(workspace=tmp_path, model=TestModel(script=model(states_answer)), tools=tools) as os:
        results = [await os.execute(g) for g in GOALS]
        reason = os.traces.require(results[2].run_id).mode_reason
    assert all(r.success for r in results), [r.to_dict() for r in results]
    assert booked == ["Anna", "Bruno", "Carla", "Dora"]  # every write once
    return results, booked, reason


async def test_a_write_whose_passed_on_result_varied_is_not_replayed_blind(tmp_path: Path) -> None:
    results, _booked, reason = await _run(tmp_path, ["confirmed", "waitlisted", "confirmed", "confirmed"], True)
    assert [r.mode for r in results[2:]] == ["mixed", "mixed"], [r.to_dict() for r in results]
    why = [b for b in reason["why_not_follower"] if b.startswith("rule 3")]
    assert why and "step 0 (book_slot)" in why[0] and "'waitlisted'" in why[0] and "the answer" in why[0], reason


async def test_a_write_whose_result_is_the_same_kind_every_time_replays(tmp_path: Path) -> None:
    results, _booked, _reason = await _run(tmp_path, ["confirmed"] * 4, True)
    assert [r.mode for r in results[2:]] == ["follower", "follower"], [r.to_dict() for r in results]
    assert "R-103" in (results[2].output or "") and "Carla" in (results[2].output or "")


async def test_a_write_whose_acknowledgement_feeds_nothing_replays(tmp_path: Path) -> None:
    results, _booked, _reason = await _run(tmp_path, ["confirmed", "waitlisted", "confirmed", "confirmed"], False)
    assert [r.mode for r in results[2:]] == ["follower", "follower"], [r.to_dict() for r in results]
