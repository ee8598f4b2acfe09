"""Known gaps of the replay rules, closed (issue 9, helper g9gaps).

1. A result value an argument computes with (hours x rate) stays inside what the evidence saw (rule 1):
   the formula was only ever seen to hold there (overtime is paid double). A value copied as it is
   (the client's name) is the argument whatever it is: never checked for range.
2. A goal whose verb asks for a change ("Book room R5 for Friday"), answered by a read-only plan (the
   rooms were taken), is judged on its results: a free room must be reserved, by the model.
3. A yes/no question is judged on its results: "Yes, ... can push" said for admins and writers is not
   said for a reader (a role the evidence never showed), while a role it showed replays.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning import _derived, declined
from llmos.learning.goals import tokenize
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool


def _read_only(t: Tool) -> Tool:
    t.metadata["annotations"] = {"readOnlyHint": True}
    return t


def _goal(request: ModelRequest, rx: str) -> re.Match[str]:
    for m in request.messages:
        if m.role == "user":
            found = list(re.finditer(rx, m.text))
            if found:
                return found[-1]
    raise AssertionError("no goal")


def _results(request: ModelRequest) -> list[ToolResult]:
    return [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]


# ---------------------------------------------------------------- 1. a value computed with
HOURS: dict[str, int] = {}
BILLS: list[tuple[str, int]] = []


def _fee(hours: int) -> int:
    return hours * 45 if hours <= 40 else 40 * 45 + (hours - 40) * 90


def billing_model(request: ModelRequest) -> Any:
    client = _goal(request, r"Bill (\w+) for the hours").group(1)
    results = _results(request)
    if not results:
        return ToolCall("", "timesheet", {"client": client})
    last = json.loads(results[-1].content)
    if "hours" in last:
        return ToolCall("", "bill", {"client": client, "amount": _fee(int(last["hours"]))})
    return f"Billed {client}."


@tool
def timesheet(client: str) -> dict[str, Any]:
    """Hours a client's team logged this week."""
    return {"client": client, "hours": HOURS[client]}


@tool
def bill(client: str, amount: int) -> dict[str, Any]:
    """Send a client an invoice."""
    BILLS.append((client, amount))
    return {"ok": True}


async def test_a_value_an_argument_computes_with_stays_inside_the_evidence(tmp_path: Path) -> None:
    HOURS.clear()
    BILLS.clear()
    HOURS.update(Acme=12, Borealis=20, Corvid=30, Dunmore=25, Eastgate=18, Fernhill=60, Glenrock=22)
    model = TestModel(script=billing_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[_read_only(timesheet), bill]) as os:
        first = [await os.execute(f"Bill {c} for the hours logged this week") for c in list(HOURS)[:5]]
        # the client is copied into the bill whatever it is (new in every goal): replays all the same
        assert any(o.mode in ("follower", "crystallized") and o.llm_calls == 0 for o in first), [o.mode for o in first]
        inside = await os.execute("Bill Glenrock for the hours logged this week")  # 22 h: inside 12..30
        over = await os.execute("Bill Fernhill for the hours logged this week")  # 60 h: outside
    assert over.llm_calls >= 1, (over.mode, over.mode_reason)
    assert "outside" in json.dumps(over.mode_reason), over.mode_reason
    assert ("Fernhill", 3600) in BILLS and ("Fernhill", 2700) not in BILLS, BILLS
    assert inside.llm_calls == 0 and ("Glenrock", 990) in BILLS, (inside.mode, inside.mode_reason, BILLS)


def test_what_an_explanation_computes_with_and_what_it_copies() -> None:
    hours, rate = ("res", 0, ("hours",)), ("res", 0, ("rate",))
    assert _derived.derived_refs(("val", hours, "num")) == []  # a copy
    assert _derived.derived_refs(("arith", "id", hours, None, None)) == []  # a copy
    assert _derived.derived_refs(("arith", "id", hours, None, ("up", 0))) == [hours]  # rounded: computed
    assert _derived.derived_refs(("arith", "*", hours, rate, None)) == [hours, rate]
    assert _derived.derived_refs(("arith", "*", hours, ("k", 45), None)) == [hours]
    fares = ("refs", (("res", 0, ("fare",)), ("res", 1, ("fare",))))
    names = ("refs", (("res", 0, ("island",)), ("res", 1, ("island",))))
    assert _derived.derived_refs(("agg", "sum", fares, None)) == list(fares[1])
    assert _derived.derived_refs(("agg", "count", fares, None)) == []  # how many, not what
    assert _derived.derived_refs(("pick", "min", fares, names)) == list(fares[1])  # the keys, not the names


# ---------------------------------------------------------------- 2. a change the verb asks for
ROOMS: dict[str, str] = {}
RESERVED: list[str] = []


def rooms_model(request: ModelRequest) -> Any:
    m = _goal(request, r"Book room (R\d+) for (\w+)")
    room, day = m.group(1), m.group(2)
    results = _results(request)
    if not results:
        return ToolCall("", "room_status", {"room": room, "day": day})
    last = json.loads(results[-1].content)
    if "status" in last:
        if last["status"] == "free":
            return ToolCall("", "reserve", {"room": room, "day": day})
        return f"Room {room} is already {last['status']} on {day}."
    return f"Reserved room {room} for {day}."


@tool
def room_status(room: str, day: str) -> dict[str, Any]:
    """Whether a meeting room is free on a day."""
    return {"room": room, "day": day, "status": ROOMS[room]}


@tool
def reserve(room: str, day: str) -> dict[str, Any]:
    """Reserve a meeting room for a day."""
    RESERVED.append(room)
    return {"ok": True}


async def test_a_goal_that_asks_for_a_change_answered_by_reading_is_judged_on_its_results(tmp_path: Path) -> None:
    ROOMS.clear()
    RESERVED.clear()
    ROOMS.update(R1="booked", R2="held", R3="booked", R4="held", R5="booked", R6="free", R7="held")
    model = TestModel(script=rooms_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[_read_only(room_status), reserve]) as os:
        taken = [await os.execute(f"Book room R{n} for Friday") for n in range(1, 6)]
        for out in taken:
            assert out.success and "already" in out.output, (out.mode, out.output)
        assert RESERVED == []
        free = await os.execute("Book room R6 for Friday")  # "free": never seen; the model reserves it
        held = await os.execute("Book room R7 for Friday")
    assert free.llm_calls >= 1 and RESERVED == ["R6"], (free.mode, free.mode_reason, RESERVED)
    assert "already held" in held.output and RESERVED == ["R6"], (held.mode, held.output)


def test_which_goals_ask_for_a_change_and_which_are_yes_no_questions() -> None:
    def verb(goal: str) -> str:
        return declined.change_verb(tokenize(goal), set())

    assert verb("Book room R5 for Friday") == "book"
    assert verb("Please reserve a table at Nopa for 4") == "reserve"
    assert verb("Renew the parking permit of Ines") == "renew"
    assert verb("Show the status of room R5") == ""  # a verb of reading
    assert verb("Check whether the pool is heated") == ""
    assert verb("What is the price of a pass?") == ""  # a question
    assert declined.change_verb(tokenize("Audit the ledger of Acme"), set()) == ""
    assert declined.change_verb(tokenize("Ping host web-3"), set()) == ""
    assert declined.change_verb(tokenize("Weigh the crate C-7"), {"weigh"}) == ""  # a called tool's verb

    assert declined.polar(tokenize("Can ada push to the atlas repository?"))
    assert declined.polar(tokenize("Is the Esk bridge open to trucks today?"))
    assert declined.polar(tokenize("Tell me whether the pool is heated"))
    assert not declined.polar(tokenize("What is the load limit of the Esk bridge?"))
    assert not declined.polar(tokenize("Is the pool heated"))  # no question mark: not asked as one


# ---------------------------------------------------------------- 3. a yes/no question
ROLES: dict[str, str] = {}


def access_model(request: ModelRequest) -> Any:
    m = _goal(request, r"Can (\w+) push to the (\w+) repository\?")
    user, repo = m.group(1), m.group(2)
    results = _results(request)
    if not results:
        return ToolCall("", "member", {"user": user, "repo": repo})
    role = json.loads(results[-1].content)["role"]
    if role in ("admin", "writer"):
        return f"Yes, {user} can push to {repo} (role {role})."
    return f"No, {user} cannot push to {repo} (role {role})."


@tool
def member(user: str, repo: str) -> dict[str, Any]:
    """A user's role on a repository."""
    return {"user": user, "repo": repo, "role": ROLES[user]}


async def test_a_yes_said_around_two_roles_is_not_said_around_a_third(tmp_path: Path) -> None:
    ROLES.clear()
    ROLES.update(ada="admin", bob="writer", cyd="admin", dee="writer", eli="writer", fay="reader", gus="admin")
    model = TestModel(script=access_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[_read_only(member)]) as os:
        first = [
            await os.execute(f"Can {u} push to the atlas repository?") for u in ("ada", "bob", "cyd", "dee", "eli")
        ]
        assert all(o.output.startswith("Yes") for o in first), [o.output for o in first]
        assert any(o.llm_calls == 0 for o in first), [o.mode for o in first]
        admin = await os.execute("Can gus push to the atlas repository?")  # a role the evidence showed
        reader = await os.execute("Can fay push to the atlas repository?")  # one it never showed
    assert reader.output.startswith("No, fay cannot"), (reader.mode, reader.output, reader.mode_reason)
    assert reader.llm_calls >= 1
    assert admin.output == "Yes, gus can push to atlas (role admin).", (admin.mode, admin.output)
    assert admin.llm_calls == 0, (admin.mode, admin.mode_reason)


# ---------------------------------------------------------------- 4. answers that state what the values prove
def test_an_answer_that_compares_or_judges_is_a_judgement_and_a_worked_out_weekday_a_figure() -> None:
    from llmos.learning import answers

    def run(answer: str, result: str = '{"fare": 23}', goal: str = "Compare the fares to Hvar and Vis") -> Any:
        return {"goal": goal, "calls": [{"name": "fare", "arguments": {}, "result": result}], "answer": answer}

    assert answers.unstated_judgement(run("Hvar (23 EUR) is cheaper than Vis (31 EUR).")) == ["than"]
    assert answers.unstated_judgement(run("The fare to Hvar exceeds the budget.")) == ["exceeds"]
    assert answers.unstated_judgement(run("SKU-1 is out of stock at Rab.")) == ["out of stock"]
    assert answers.unstated_judgement(run("Hvar: 23 EUR.")) == []  # a value said, no judgement
    assert (
        answers.unstated_judgement(run("Stock: in stock", result='{"state": "in stock"}')) == []
    )  # the result says it
    assert answers.unstated_figures(run("Follow-up on Friday, 2026-01-09.", result='{"visit": "2026-01-06"}')) == [
        "friday"
    ]
    assert answers.unstated_figures(run("Booked for Friday.", goal="Book room R1 for Friday")) == []
    parts = [("answer", 2), ("lit", "Follow-up on Friday, "), ("hole", (("val", ("res", 0, ("date",)), "id"),))]
    assert answers.literal_figure(parts) == "the answer states a figure no value of its run gives: Friday"
