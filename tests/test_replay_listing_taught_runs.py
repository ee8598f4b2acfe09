"""Rule 5: a listing stands in for an answer only on results like those of the runs that taught it.

Found by bench/families_heldout17b.py (h17b_pending, main `808cce6`, seed 41, goals #46, #48, #84): "Any
returned parcels for Nimbus Audio sitting at Depot West?" borrowed the plan of "How many returns are
waiting for {customer} at {depot}?" (`wordings.borrow`), whose runs had all read lists of parcels. Its one
run of its own read "no pending returns" and the model wrote "Depot West has no pending returns ...": a
template of one run, not yet usable, so a FOLLOWER replay answered with a listing. On a result with two
parcels the listing never said 2; nothing knew the model states a count there, since the runs that
showed parcels taught the lender's answer, never this wording's. The answer's envelope of a wording's
plan (`_seen_answer.keep`) now starts from its own first run, and a listing of a read-only plan whose
envelope holds runs that did not teach its answer stops on a result at a path or of a text template none
of the runs that taught it showed (`_seen_answer.listing_problem`): the model answers.

Tested here in another domain: a bakery's pre-orders waiting at its shops.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

SHOPS = {
    "Alder": ["rye loaf", "seed bun", "plait"],
    "Birch": ["sourdough", "bagel"],
    "Cedar": ["tart"],
    "Larch": ["brioche", "focaccia", "baguette", "pretzel"],
    "Dove": [],
    "Elm": ["croissant", "scone"],
    "Fern": ["pie", "bap"],
}


@tool
def preorders(shop: str) -> str:
    """The pre-orders waiting for collection at a shop (plain text)."""
    items = SHOPS[shop]
    if not items:
        return f"{shop} shop: no pre-orders waiting."
    return f"{shop} shop: pre-orders waiting: " + "; ".join(f"{x} (baked 2026-12-03)" for x in items) + "."


preorders.metadata["annotations"] = {"readOnlyHint": True}


def bakery_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and " shop" in m.text)
    shop = re.findall(r"(\w+) shop", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "preorders", {"shop": shop})
    n = str(results[-1].content).count("baked 2026")
    return f"{n} pre-orders wait at the {shop} shop." if n else f"The {shop} shop has no pre-orders waiting."


async def test_a_listing_stands_in_only_on_results_like_those_of_the_runs_that_taught_it(tmp_path: Path) -> None:
    count = "How many pre-orders are waiting at the {} shop?"
    whether = "Any pre-orders sitting at the {} shop?"
    goals = [count.format(s) for s in ("Alder", "Birch", "Cedar", "Larch")]
    goals += [whether.format(s) for s in ("Dove", "Elm", "Fern")]
    async with LLMOS(workspace=tmp_path, model=TestModel(script=bakery_model), tools=[preorders]) as os:
        outs = [await os.execute(g) for g in goals]
    for goal, out in zip(goals, outs, strict=True):
        assert out.success, out.to_dict()
        n = len(SHOPS[re.findall(r"the (\w+) shop", goal)[-1]])
        said = re.search(rf"(?<![\d.]){n}(?![\d.])", out.output) if n else "no pre-orders" in out.output
        assert said, (goal, out.mode, out.output)
    # main: the wording that asks whether any wait borrowed the count's plan, and a FOLLOWER listing of
    # Elm's two pre-orders never said 2 (its own run had read none)
    assert all("Done." not in out.output for out in outs[-2:]), [(o.mode, o.output) for o in outs[-2:]]
