"""Rule 5 for answers whose words depend on the results (found by bench/families_heldout9.py):

- a number the model worked out is not "given" by the parts of a date ("11 days to go" is not the
  month of 2026-11-22): a date is one value, so a listing never stands in for the asked figure;
- a template whose own words judge the results ("None: no courier ran late") is a judgement even when
  the plan's example (its last supporting run) answered in other words: once the plan's runs did not
  all answer in those words, the model answers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool


def test_the_parts_of_a_date_give_no_figure() -> None:
    example = {
        "goal": "How many days until the market permit of stall S-3 expires?",
        "calls": [
            {
                "name": "stall_permit",
                "arguments": {"stall": "S-3"},
                "result": "Permit of stall S-3 valid until 2026-11-22; checked 2026-11-11.",
            }
        ],
        "answer": "The permit of stall S-3 expires in 11 days.",
    }
    assert answers.unstated_figures(example) == ["11"]  # not the 11 of 2026-11-22 nor of 2026-11-11
    example["answer"] = "The permit of stall S-3 is valid until 2026-11-22."
    assert answers.unstated_figures(example) == []  # a date the result holds whole
    example["answer"] = "The permit of stall S-3 must be renewed by 2026-12-21."
    assert answers.unstated_figures(example) == ["2026-12-21"]  # a date the model worked out
    example["answer"] = "Stall S-3: last checked on 2026-11-11."
    assert answers.unstated_figures(example) == []  # the stall's identifier, held whole by the result
    example["answer"] = "Stall S-3: 3 checks, last on 2026-11-11."
    assert answers.unstated_figures(example) == ["3"]  # a count: the "3" of "S-3" is the stall's, not a figure


# ---------------------------------------------------------------- a template's own words judge
# a courier's deliveries; the first couriers ran late twice, the next ones never, the last again
LATE = {
    "Ines": [12, -3, 25],
    "Jonas": [-5, 18, 40],
    "Karim": [-2, 30, -1],
    "Lea": [7, -6, 19],
    "Mona": [-3, 22, -8],
    "Nils": [-1, -7, -2],
    "Olga": [-9, -4, -3],
    "Piet": [-4, -6, -1],
    "Rosa": [14, -2, 33],
}


def courier_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "late deliveries" in m.text)
    courier = re.findall(r"did courier (\w+) make", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "courier_day", {"courier": courier})
    stops = json.loads(results[-1].content)["stops"]
    late = [s["stop"] for s in stops if s["minutes_late"] > 0]
    if not late:
        return f"None: no delivery ran late for courier {courier}."
    return f"{len(late)} late deliveries for courier {courier}: stops {', '.join(late)}."


@tool
def courier_day(courier: str) -> dict[str, Any]:
    """A courier's stops today and how late each was (minutes; negative: early)."""
    return {
        "courier": courier,
        "stops": [{"stop": f"{courier[0]}{n + 1}", "minutes_late": m} for n, m in enumerate(LATE[courier])],
    }


async def test_words_of_a_template_taught_by_other_runs_are_a_judgement(tmp_path: Path) -> None:
    model = TestModel(script=courier_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[courier_day]) as os:
        outs = [await os.execute(f"How many late deliveries did courier {c} make today?") for c in LATE]
    for courier, out in zip(LATE, outs, strict=True):
        late = [m for m in LATE[courier] if m > 0]
        assert out.success, out.to_dict()
        if late:  # never the "None" the runs of early couriers taught
            assert out.output.startswith(f"{len(late)} late deliveries"), (courier, out.mode, out.output)
        else:
            assert "no delivery ran late" in out.output or out.output.startswith("Done."), (courier, out.output)


def test_a_template_that_started_again_is_no_licence_for_a_listing() -> None:
    # a crop-spraying log: the last two answers share their words, but the plan saw five runs, one of
    # which answered in other words ("none: every field is dry"): a listing of the results cannot say
    # which case this run is, until the template has held over twice the usual evidence
    parts: list[ex.Cand] = [("answer", 2), ("hole", (("val", ("tok", 3), "id"),)), ("lit", " needs spraying.")]
    assert answers.phrasing_varied(parts, support=2, seen_runs=5)
    assert not answers.phrasing_varied([("answer", 4), *parts[1:]], support=4, seen_runs=5)
    assert not answers.phrasing_varied(parts, support=2, seen_runs=2)  # every run fits it
