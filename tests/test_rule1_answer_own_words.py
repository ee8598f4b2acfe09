"""Rules 1 and 5: an answer that copies a result's category and says words of its own judges every result.

"Report the water at lido LI-62 this morning." asks no yes/no question and names no alternatives, yet the
model's answer "Lido LI-62 is open (water clear)." copies "clear" from the result and judges it with
"open", a word no value of the run gives. The lido's tool says nothing of its risk (it counts as a write),
its one call is the plan's last step, and no step is ahead for rule 1 to check its result before. Stop
34's head replayed "open" over "cloudy" and "murky", crystallized (`bench/families_lead35.py`: wrong=18 of
64 at 16 goals, seed 7, over three such families). Such a plan is now judged on every result
(`_answer_words`, `declined.own_words`); an answer that copies no category keeps its labels ("The sum is
8", "The memo says: ...").

Domain: a river's weir (the flow decides whether the towpath is open).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning._answer_words import copied_categories, unstated_words
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

WEIRS: dict[str, str] = {}
GENTLE = ("calm", "gentle", "steady", "gentle flow")


@tool
def weir_flow(weir: str) -> dict[str, Any]:
    """The flow over a river weir this morning."""
    return {"weir": weir, "flow": WEIRS[weir], "keeper": "lock keeper"}


weir_flow.metadata["annotations"] = {"readOnlyHint": False}  # an MCP server that says nothing useful


def weir_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "weir WR" in m.text)
    weir = re.findall(r"weir (WR-\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "weir_flow", {"weir": weir})
    flow = json.loads(results[-1].content)["flow"]
    verdict = "open" if flow in GENTLE else "shut"
    return f"The towpath at weir {weir} is {verdict} (flow {flow})."


def test_the_words_of_its_own_an_answer_says_beside_a_copied_category() -> None:
    run = {
        "goal": "Report the towpath at weir WR-10 this morning.",
        "calls": [{"arguments": {"weir": "WR-10"}, "result": json.dumps({"weir": "WR-10", "flow": "calm"})}],
        "answer": "The towpath at weir WR-10 is open (flow calm).",
    }
    assert copied_categories(run) == ["calm"]
    assert unstated_words({**run, "answer": "The towpath at weir  is open (flow )."}) == ["open"]
    labels = {
        "goal": "Add 4 and 4",
        "calls": [{"arguments": {"a": 4, "b": 4}, "result": "8"}],
        "answer": "The sum is 8.",
    }
    assert copied_categories(labels) == []  # a number, no category: its words are labels
    loaded = {**run, "goal": "Load the pots into kiln K1", "answer": "Loaded the pots into K1; the weir is calm."}
    assert unstated_words({**loaded, "answer": "Loaded the pots into ; the weir is ."}) == []  # "Load" gives it


async def test_a_category_no_run_showed_goes_to_the_model(tmp_path: Path) -> None:
    seq = ["calm", "gentle", "steady", "calm", "surging", "gentle"]
    WEIRS.clear()
    WEIRS.update({f"WR-{10 + k}": f for k, f in enumerate(seq)})
    runs = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=weir_model), tools=[weir_flow]) as os:
        for k in range(len(seq)):
            runs.append(await os.execute(f"Report the towpath at weir WR-{10 + k} this morning."))
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    assert runs[3].llm_calls == 0, modes  # a flow the runs showed: the replay answers
    assert runs[3].output == "The towpath at weir WR-13 is open (flow calm).", runs[3].output
    surging = runs[4]
    assert surging.llm_calls >= 1, (surging.mode, surging.output)
    assert surging.output == "The towpath at weir WR-14 is shut (flow surging).", surging.output
    assert "outside the evidence" in str(surging.mode_reason.get("fallback_reason")), surging.mode_reason


async def test_a_crystallized_tool_judges_every_result_too(tmp_path: Path) -> None:
    # two-word categories, a question: the shape of `bench/families_lead35b.py` l35b_field, which the
    # crystallized tool still replayed wrong once FOLLOWER stopped (`evolution/support._check_decided`)
    seq = ["calm", "gentle flow", "steady", "calm", "gentle flow", "steady", "calm", "high water", "calm"]
    WEIRS.clear()
    WEIRS.update({f"WR-{10 + k}": f for k, f in enumerate(seq)})
    runs = []
    overrides = {"evolution": {"min_uses": 3}}
    model = TestModel(script=weir_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[weir_flow], overrides=overrides) as os:
        for k in range(len(seq)):
            runs.append(await os.execute(f"What is the towpath like at weir WR-{10 + k}?"))
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    assert any(o.mode == "crystallized" for o in runs[:7]), modes
    high = runs[7]
    assert high.llm_calls >= 1, (high.mode, high.output, modes)
    assert high.output == "The towpath at weir WR-17 is shut (flow high water).", high.output
