"""Red-team probes (redW) of rule 7, honest success, through the runtime with a scripted model:
a run whose write failed and that only read afterwards did not get past the failure, whatever its
final answer claims; such a run is a failure and never supports a plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmos.kernel.outcome import gave_up, unfinished
from llmos.learning.risk import tool_risk
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool
from llmos.trace import ToolCallRecord, Trace


def harbour(booked: list[str]) -> list[Any]:
    @tool
    def book_berth(berth: str, vessel: str) -> str:
        """Book a berth for a vessel."""
        raise RuntimeError(f"berth {berth} is closed for dredging")

    book_berth.metadata["annotations"] = {"destructiveHint": False}

    @tool
    def list_berths() -> str:
        """The harbour's berths and their state."""
        return "B1 free, B2 free, B4 closed"

    list_berths.metadata["annotations"] = {"readOnlyHint": True}
    return [book_berth, list_berths]


def works_around(request: ModelRequest) -> Any:
    """Books, reads the list after the error, and says it is done."""
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "book_berth", {"berth": "B4", "vessel": "Aurora"})
    if len(results) == 1:
        return ToolCall("", "list_berths", {})
    return "Berth B4 is booked for the Aurora."


async def test_a_failed_write_followed_only_by_a_read_is_no_success(tmp_path: Path) -> None:
    booked: list[str] = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=works_around), tools=harbour(booked)) as os:
        for _ in range(3):
            r = await os.execute("Book berth B4 for the Aurora")
            d = r.to_dict()
            assert not r.success and "book_berth" in (r.error or ""), d
        assert os.learning.plans() == []  # never support


def _call(name: str, turn: int, *, error: bool = False) -> ToolCallRecord:
    return ToolCallRecord(
        id=f"{name}{turn}", name=name, arguments={}, result="boom" if error else "ok", is_error=error, turn=turn
    )


def test_the_rule_in_another_domain_a_failed_transfer_then_a_balance_read() -> None:
    """Only a later call that changes the world gets past a failed write (the same tool retried, or
    another way to do the work); a read after it is no way to the goal."""
    risks = {"transfer": "write", "get_balance": "read_only", "send_wire": "write", "lookup": "read_only"}

    def risk_of(name: str) -> str:
        return risks.get(name, "write")

    def t(*calls: ToolCallRecord) -> Trace:
        trace = Trace(goal="Pay 40 EUR to Ines")
        trace.tool_calls = list(calls)
        return trace

    failed_then_read = t(_call("transfer", 1, error=True), _call("get_balance", 2))
    assert "transfer" in unfinished(failed_then_read, "Paid 40 EUR to Ines.", risk_of)
    assert unfinished(t(_call("transfer", 1, error=True), _call("send_wire", 2)), "Paid.", risk_of) == ""
    assert unfinished(t(_call("transfer", 1, error=True), _call("transfer", 2)), "Paid.", risk_of) == ""
    # a failed read is got past by any later successful call, as before
    assert unfinished(t(_call("lookup", 1, error=True), _call("get_balance", 2)), "Balance 3.", risk_of) == ""
    # without a lookup, every tool counts as a write (rule 4: no annotations is no promise)
    assert unfinished(failed_then_read, "Paid.") == ""
    assert tool_risk(None) == "write"


# ---------------------------------------------------------------- give-ups in words the rule did not know
GIVE_UPS_FOUND = [  # the probe: a harbour's berth booking
    "Couldn't book the berth, the quay is closed.",
    "Could not book berth B4.",
    "Sorry, the berth can't be booked today.",
    "The berth couldn't be reserved.",
    "I won't be able to book it before Monday.",
]


def test_give_ups_in_other_words_are_failures() -> None:
    for text in GIVE_UPS_FOUND:
        assert gave_up(text), text


def test_the_rule_in_another_domain_a_pharmacy_refill() -> None:
    for text in (
        "Couldn't refill the prescription: it has expired.",
        "Can't renew it without a new prescription.",
        "The refill could not be ordered.",
        "We will not be able to dispatch it today.",
        "Was unable to process the refill.",
        "Je n'ai pas réussi à commander le médicament.",
        "Het is niet gelukt om het recept te verlengen.",
        "Nie udało się odnowić recepty.",
        "処方箋を更新できませんでした。",
    ):
        assert gave_up(text), text
    for text in (  # reports of what the results said, and plain answers
        "Could not find any interaction between the two drugs.",
        "The refill can be ordered from Monday.",
        "Refilled: 30 tablets, ready at 4 pm.",
        "Status: not started.",
    ):
        assert not gave_up(text), text
    quoted = ["pharmacy note: the refill could not be ordered (supplier out of stock)"]
    assert not gave_up("The pharmacy says the refill could not be ordered.", quoted)
