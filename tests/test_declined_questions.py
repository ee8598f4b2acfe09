"""A question for information is no action the runs declined (`declined.wh_question`).

A read-only plan "declined" its goal when a goal word names a tool of the same server that changes
the world and that the plan never calls ("Unlock door D-7", `unlock_door`). A wh-question whose noun
happens to be such a word ("How many seats are left on flight F1?", `book_seats`) asks for no change:
its replay answers from this run's results like any read-only plan. Questions that suggest an action
("What about booking ...?") or a sentence that asks for it keep the rule.

Domain: an airline's seats (the probes that found it: a wine cellar's bottles, a station logbook).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning import declined
from llmos.learning.goals import tokenize_goal
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool

SEATS: dict[str, int] = {}
BOOKED: list[str] = []


def _read_only(t: Tool) -> Tool:
    t.metadata["annotations"] = {"readOnlyHint": True}
    return t


@tool
def flight_status(flight: str) -> dict[str, Any]:
    """A flight's seats left and its gate."""
    return {"flight": flight, "seats_left": SEATS[flight], "gate": "B3"}


@tool
def book_seats(flight: str, seats: int) -> dict[str, Any]:
    """Book seats on a flight."""
    BOOKED.append(flight)
    SEATS[flight] -= seats
    return {"flight": flight, "booked": seats}


def airline_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "flight" in m.text)
    flight = re.findall(r"flight (F\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "flight_status", {"flight": flight})
    last = json.loads(results[-1].content)
    return f"Flight {flight} has {last['seats_left']} seats left."


def test_questions_for_information_and_the_rest() -> None:
    asks = declined.wh_question
    assert asks(tokenize_goal("How many seats are left on flight F1?"))
    assert asks(tokenize_goal("What rainfall did the Heron station logbook record, and who observed it?"))
    assert not asks(tokenize_goal("What about booking 2 seats on flight F1?"))
    assert not asks(tokenize_goal("Why not book 2 seats on flight F1?"))
    assert not asks(tokenize_goal("How many seats are left? Book 2 on flight F1?"))
    assert not asks(tokenize_goal("Book 2 seats on flight F1"))
    assert not asks(tokenize_goal("Can you book 2 seats on flight F1?"))  # yes/no: judged (`polar`)
    assert not asks(tokenize_goal("How many seats are left on flight F1, can you book 2?"))  # addressed
    assert not asks(tokenize_goal("How many seats are left on flight F1 if I book 2?"))  # conditional
    ordered = tokenize_goal("How many seats are left on flight F1, and book 2 of them?")
    assert asks(ordered) and declined._asked_to_do(ordered, {"book", "seats"})  # "book" opens an order
    assert not declined._asked_to_do(tokenize_goal("How many seats are left on flight F1?"), {"book", "seats"})


async def test_a_question_whose_noun_names_a_write_replays_with_this_runs_values(tmp_path: Path) -> None:
    SEATS.clear()
    BOOKED.clear()
    SEATS.update({"F11": 12, "F12": 30, "F13": 21, "F14": 25})
    model = TestModel(script=airline_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[_read_only(flight_status), book_seats]) as os:
        for f in ("F11", "F12"):
            out = await os.execute(f"How many seats are left on flight {f}?")
            assert out.success and f"has {SEATS[f]} seats left" in out.output
        out = await os.execute("How many seats are left on flight F13?")
        assert out.mode == "follower" and out.llm_calls == 0, (out.mode, out.mode_reason)
        assert "21" in out.output and "12" not in out.output and "30" not in out.output, out.output
        SEATS["F13"] = 19  # the same goal again: this run's value, never the last answer's
        again = await os.execute("How many seats are left on flight F13?")
    assert again.llm_calls == 0 and "19" in again.output and "21" not in again.output, again.output
    assert BOOKED == []


async def test_a_suggestion_to_book_stays_judged_on_what_its_runs_saw(tmp_path: Path) -> None:
    """The same reads and answers, asked as a suggestion: the plan declined the booking, so its replay
    checks every result against what its runs saw (40 seats left: never seen, the model decides),
    where the question states this run's 40."""
    SEATS.clear()
    BOOKED.clear()
    SEATS.update({"F21": 12, "F22": 30, "F23": 40, "F31": 12, "F32": 30, "F33": 40})
    model = TestModel(script=airline_model)  # it reads and answers: it never books
    tools = [_read_only(flight_status), book_seats]
    async with LLMOS(workspace=tmp_path / "s", model=model, tools=tools) as os:
        for f in ("F21", "F22"):
            assert (await os.execute(f"What about booking seats on flight {f}?")).success
        out = await os.execute("What about booking seats on flight F23?")
    assert out.success and out.llm_calls > 0 and "40" in out.output, (out.mode, out.output)
    async with LLMOS(workspace=tmp_path / "q", model=model, tools=tools) as os:
        for f in ("F31", "F32"):
            assert (await os.execute(f"How many seats are left on flight {f}?")).success
        out = await os.execute("How many seats are left on flight F33?")
    assert out.success and out.llm_calls == 0 and "40" in out.output, (out.mode, out.output)
    assert BOOKED == []
