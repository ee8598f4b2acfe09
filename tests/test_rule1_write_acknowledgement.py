"""Rules 1 and 5: a declared write's acknowledgement is no category the answer judges (helper words2).

Stop 35's own-words rule (`_answer_words`) judged every result of a plan whose answer copies a result's
category and says a word of its own. "Done: shipped (CL-211, Deli Nord)." copies "shipped" from the result
of `ship_lot`, a tool its server declares a write, and says "Done": the rule judged the write's
acknowledgement (its reference number, the runs that declined) and six correct write replays of the
reference sets went to the model (heldout20b h20b_lot, h20b_oil, h20b_rope; branches2 b2_lot; ...). The
category is the write's own verb ("ship" -> "shipped"): it says the write was done and judges no read.
The reads before the write keep rule 1 (a write is ahead of them). A declared write whose category is no
word of its name ("calm" of `weir_flow`, `tests/test_rule1_answer_own_words.py`) stays judged.

Domain: a cheese cellar ships lots to shops.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning._answer_words import acknowledges, copied_categories
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

AGES: dict[str, int] = {}
SHIPPED: list[str] = []


@tool
def cheese_lot(lot: str) -> dict[str, Any]:
    """A cheese lot's record: its age in days."""
    return {"lot": lot, "age_days": AGES[lot], "cheese": "Alpine"}


@tool
def ship_lot(lot: str, shop: str) -> dict[str, Any]:
    """Ship a cheese lot to a shop."""
    SHIPPED.append(lot)
    return {"lot": lot, "shop": shop, "status": "shipped", "ref": f"SH-{1000 + len(SHIPPED)}"}


cheese_lot.metadata["annotations"] = {"readOnlyHint": True}
ship_lot.metadata["annotations"] = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}


def cellar_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "lot CL" in m.text)
    lot, shop = re.findall(r"lot (CL-\d+) to (.+)$", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "cheese_lot", {"lot": lot})
    if len(results) == 1:
        return ToolCall("", "ship_lot", {"lot": lot, "shop": shop})
    return f"Done: {json.loads(results[-1].content)['status']} ({lot}, {shop})."


def test_a_write_acknowledgement_is_no_category() -> None:
    run = {
        "goal": "Ship cheese lot CL-11 to Deli Nord",
        "calls": [
            {"name": "cheese_lot", "arguments": {"lot": "CL-11"}, "result": json.dumps({"age_days": 20})},
            {
                "name": "bench__ship_lot",
                "arguments": {"lot": "CL-11", "shop": "Deli Nord"},
                "result": json.dumps({"lot": "CL-11", "status": "shipped"}),
            },
        ],
        "answer": "Done: shipped (CL-11, Deli Nord).",
    }
    assert copied_categories(run) == ["shipped"]  # no risk lookup: a category
    assert copied_categories(run, lambda name: name == "bench__ship_lot") == []  # a declared write's verb
    assert copied_categories(run, lambda name: False) == ["shipped"]  # a tool that says nothing of itself
    assert acknowledges("shipped", "bench__ship_lot") and acknowledges("rigged", "rig_route")
    assert not acknowledges("calm", "weir_flow") and not acknowledges("open", "rink_ice")


async def test_the_write_plan_replays_and_its_reads_keep_rule_1(tmp_path: Path) -> None:
    ages = [20, 35, 50, 28, 44, 400]
    AGES.clear()
    AGES.update({f"CL-{10 + k}": a for k, a in enumerate(ages)})
    SHIPPED.clear()
    shops = ["Deli Nord", "Market Hall", "Corner Larder"]
    runs = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=cellar_model), tools=[cheese_lot, ship_lot]) as os:
        for k in range(len(ages)):
            runs.append(await os.execute(f"Ship cheese lot CL-{10 + k} to {shops[k % 3]}"))
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    # the acknowledgement's reference number grows run by run: judged (main), SH-1004 stopped this replay
    # after the write, "never a clean replay"
    replayed = runs[3]
    assert replayed.llm_calls == 0 and replayed.mode == "follower", modes
    assert replayed.output == "Done: shipped (CL-13, Deli Nord).", replayed.output
    old = runs[5]  # a read outside what the runs saw, before the write: rule 1 stops it
    assert old.llm_calls >= 1, (old.mode, modes)
    assert "outside the evidence" in str(old.mode_reason.get("fallback_reason")), old.mode_reason
