"""A word of decline counts as the results' own only in the same phrase (`answers.unstated_verdict`).

A supporting answer that says "not refilled again" declined what the goal asked, even when a result of
the run holds "not" in another phrase ("Refill log for RX-7 (not yet collected): ..."). Matching the bare
word took the decline for a restated result: the read-only plan was no decline, a replay answered with a
listing ("Done." and the log) where the model had said it did nothing, and it would go on saying so once
the results changed. Each decline word is compared with the word after it, as the run's texts write it.

Domain: a pharmacy's repeat prescriptions (the probe that found it: a locksmith's call-out log,
`bench/families_heldout19.py` h19_callout, where "log" names both the read and the write).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.learning import answers
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool

LAST: dict[str, str] = {}
REFILLED: list[str] = []


def _read_only(t: Tool) -> Tool:
    t.metadata["annotations"] = {"readOnlyHint": True}
    return t


@tool
def refill_log(rx: str) -> str:
    """A repeat prescription's refill log (plain text)."""
    return f"Refill log for {rx} (not yet collected): last refilled {LAST[rx]}."


@tool
def refill(rx: str) -> str:
    """Refill a repeat prescription."""
    REFILLED.append(rx)
    LAST[rx] = "2026-12-03"
    return f"refill order {len(REFILLED)} for {rx}"


def pharmacy_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "ran out" in m.text)
    rx = re.findall(r"(RX-\d+) ran out", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "refill_log", {"rx": rx})
    text = results[-1].content
    if text.startswith("Refill log"):
        if text.endswith("2026-12-03."):
            return f"Prescription {rx} was already refilled today; not refilled again."
        return ToolCall("", "refill", {"rx": rx})
    return f"Refilled prescription {rx} ({text})."


def test_a_decline_word_the_results_hold_in_another_phrase_is_still_a_verdict() -> None:
    example = {
        "goal": "RX-7 ran out: refill it",
        "calls": [{"name": "refill_log", "arguments": {"rx": "RX-7"}, "result": "Refill log (not yet collected)"}],
        "answer": "Prescription RX-7 was already refilled today; not refilled again.",
    }
    assert answers.unstated_verdict(example) == ["not"]
    example["answer"] = "Prescription RX-7 is not yet collected."  # the result's own phrase: a listing says it
    assert answers.unstated_verdict(example) == []
    example["answer"] = "Prescription RX-7: not."  # a bare word at a sentence's end keeps the word's rule
    assert answers.unstated_verdict(example) == []


async def test_a_decline_is_not_answered_done_because_a_result_says_not_elsewhere(tmp_path: Path) -> None:
    LAST.clear()
    REFILLED.clear()
    LAST["RX-7"] = "2026-12-03"
    model = TestModel(script=pharmacy_model)
    # "refill" names both tools, and the goal opens with no verb: only the answer's words tell the decline
    tools = [_read_only(refill_log), refill]
    async with LLMOS(workspace=tmp_path, model=model, tools=tools) as os:
        outs = [await os.execute("RX-7 ran out: refill it") for _ in range(4)]
        for out in outs:  # every answer states the decline; none is a bare listing
            assert out.success and "not refilled again" in out.output, (out.mode, out.output)
            assert not out.output.startswith("Done."), (out.mode, out.output)
        assert REFILLED == []
        LAST["RX-7"] = "2026-11-02"  # what the judgement was made on changed: the model decides anew
        again = await os.execute("RX-7 ran out: refill it")
    assert again.success and again.output.startswith("Refilled prescription RX-7"), (again.mode, again.output)
    assert REFILLED == ["RX-7"]
