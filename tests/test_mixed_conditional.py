"""MIXED with conditional wording: a guide whose runs never took the goal's branch must not narrow the
model to its tools. "Renew loan L-3 if it is due within 5 days", guided by runs whose loans were never
due, offers every tool (the plan's first), so a model that must renew finds the tool it needs instead
of giving up (issue 9: "Reorder CLIP-54 ... if fewer than 20 units are left", wrong under MIXED).
A goal without conditional wording is still narrowed to the plan's tools."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from llmos.learning.goals import branch_words, tokenize
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

RENEW_RE = re.compile(r"Renew loan (L-\d+) if it is due within (\d+) days")
SHOW_RE = re.compile(r"Show loan (L-\d+)")


def make_tools(loans: dict[str, int], renewed: list[str]) -> list[Any]:
    @tool
    def get_loan(loan: str) -> dict[str, Any]:
        """A library loan: its book and the days left before it is due."""
        return {"loan": loan, "days_left": loans[loan]}

    @tool
    def renew_loan(loan: str) -> dict[str, Any]:
        """Renew a library loan for 21 more days."""
        renewed.append(loan)
        loans[loan] += 21
        return {"loan": loan, "days_left": loans[loan]}

    @tool
    def fine_member(member: str, cents: int) -> str:
        """Charge a library member a fine."""
        return f"fined {member} {cents}"

    return [get_loan, renew_loan, fine_member]


def _done(request: ModelRequest) -> dict[str, str]:
    """Tool name -> result text of the calls made so far (a search's query kept under its name)."""
    names = {b.id: b.name for m in request.messages for b in m.content if isinstance(b, ToolCall)}
    return {names[b.tool_call_id]: b.content for m in request.messages for b in m.content if isinstance(b, ToolResult)}


def librarian(request: ModelRequest) -> Any:
    """A careful model: reads the loan, renews it when due within the limit, with the tools it is offered."""
    asked = (m.text for m in request.messages if m.role == "user")
    text = next(t for t in asked if RENEW_RE.search(t) or SHOW_RE.search(t))
    offered = {t.name for t in request.tools}
    done = _done(request)
    renew = RENEW_RE.findall(text)
    loan, limit = renew[-1] if renew else (SHOW_RE.findall(text)[-1], "-1")
    if "get_loan" not in done:
        return ToolCall("", "get_loan", {"loan": loan})
    days = json.loads(done["get_loan"])["days_left"]
    if days <= int(limit) and "renew_loan" not in done:
        if "renew_loan" in offered:
            return ToolCall("", "renew_loan", {"loan": loan})
        if "tool_search" in offered and "tool_search" not in done:
            return ToolCall("", "tool_search", {"query": "renew_loan"})
        return f"I could not complete the renewal of {loan}: no tool named renew_loan is available."
    if "renew_loan" in done:
        return f"Renewed {loan}: {json.loads(done['renew_loan'])['days_left']} days left."
    return f"Loan {loan} has {days} days left."


async def test_a_conditional_goal_guided_by_runs_without_the_branch_is_offered_every_tool(tmp_path: Path) -> None:
    loans, renewed = {"L-1": 30, "L-2": 25, "L-3": 2}, []
    model = TestModel(script=librarian)
    async with LLMOS(workspace=tmp_path, model=model, tools=make_tools(loans, renewed)) as os:
        for loan in ("L-1", "L-2"):  # never due: the runs only read the loan
            first = await os.execute(f"Renew loan {loan} if it is due within 5 days")
            assert first.success and not renewed
        start = len(model.requests)
        due = await os.execute("Renew loan L-3 if it is due within 5 days")
        assert due.mode == "mixed" and due.success, due.to_dict()
        assert renewed == ["L-3"] and loans["L-3"] == 23
        offered = {t.name for t in model.requests[start].tools}
        assert {"get_loan", "renew_loan", "fine_member"} <= offered  # every tool, not only the plan's
        trace = os.traces.require(due.run_id)
        assert "conditional wording" in trace.mode_reason["mixed_tools"]
        assert "A similar task was solved before" in model.requests[start].messages[-1].text  # still guided


async def test_a_goal_without_conditional_wording_is_still_narrowed_to_the_plan_tools(tmp_path: Path) -> None:
    loans, renewed = {"L-7": 9, "L-8": 4}, []
    model = TestModel(script=librarian)
    async with LLMOS(workspace=tmp_path, model=model, tools=make_tools(loans, renewed)) as os:
        await os.execute("Show loan L-7")
        start = len(model.requests)
        shown = await os.execute("Show loan L-8")
        assert shown.mode == "mixed" and shown.success and shown.output == "Loan L-8 has 4 days left."
        offered = {t.name for t in model.requests[start].tools}
        assert "get_loan" in offered and not offered & {"renew_loan", "fine_member"}
        assert "mixed_tools" not in os.traces.require(shown.run_id).mode_reason
    assert not renewed


@pytest.mark.parametrize(
    ("goal", "branches"),
    [
        ("Renew loan L-3 when it is due", True),
        ("Refund order 7 unless it has shipped", True),
        ("Archive ticket T-9 only if it is closed", True),
        ("Pay invoice 9 provided the total is below 50 euros", True),
        ("Page the on-call engineer whenever the queue exceeds 300 jobs", True),
        ("Book a room with more than 8 seats", True),
        ("Lower the price of VALVE-24 by 171 cents", False),
        ("Warehouse A1 received 21 more units of GEAR-24: update its stock", False),
        ('Store the phrase "only if it rains" under the label wifix', False),
        ("Move the higher shelf of aisle 4 to zone B", False),
    ],
)
def test_which_wording_may_take_a_branch_the_guide_never_took(goal: str, branches: bool) -> None:
    """A clause word or a comparison widens a guided run's tools; a comparative that names a task or
    a thing ("Lower the price", "21 more units"), or quoted text, does not (it would only cost tokens)."""
    assert bool(branch_words(tokenize(goal))) is branches
