"""Rules 1 and 5: a judged value beside a copied one, and a judged number that grew in every run (helper words3).

1. "When does the ramp at quay QY-12 open?" answered "Ramp QY-12 opens for cars at 07:20." over
`{"opens_at": "07:20", "swell_m": 0.4}`: the answer copies the time (no category), so the result counted as
read, and the swell beside it, which the answer judged ("for cars"), went unchecked: a replay said "opens for
cars" over a 1.6 m swell (`bench/families_words2b.py` w2b_tide, `bench/families_words3.py` w3_glider, w3_lab).
A call the answer reads only in part, with a category or a number of a call no write precedes beside what it
copied, is judged by the answer's own words (`_answer_unread.unread_results(partly=True)`).

2. A plan judged on every result whose deciding number grew in every supporting run (a pollen count 10, 20,
30, 40, 50): rule 1's counter noise let 400 pass as "grew in all 5 runs" (w2b_goat, w3_radon). A result
that decides the answer (`seen_problem(decides=True)`) takes no number for noise.

Domains: a ferry ramp (a copied time beside a judged swell), a pollen station (a growing judged count).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning._answer_unread import unread_results
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

RAMP: dict[str, dict[str, Any]] = {}
POLLEN: dict[str, int] = {}


@tool
def ramp_board(quay: str) -> dict[str, Any]:
    """The ramp board of a quay."""
    return dict(RAMP[quay])


@tool
def pollen_trap(station: str) -> dict[str, Any]:
    """Today's grains per cubic metre at a station."""
    return {"grains_m3": POLLEN[station]}


def _last(request: ModelRequest, pattern: str) -> tuple[str, list[ToolResult]]:
    goal = next(m.text for m in request.messages if m.role == "user" and re.search(pattern, m.text))
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    return re.findall(pattern, goal)[-1], results


def ramp_model(request: ModelRequest) -> Any:
    quay, results = _last(request, r"QY-\d+")
    if not results:
        return ToolCall("", "ramp_board", {"quay": quay})
    rec = json.loads(results[-1].content)
    if rec["swell_m"] <= 0.8:
        return f"Ramp {quay} opens for cars at {rec['opens_at']}."
    return f"Ramp {quay} stays shut; the {rec['opens_at']} crossing is foot passengers only."


def pollen_model(request: ModelRequest) -> Any:
    station, results = _last(request, r"PS-\d+")
    if not results:
        return ToolCall("", "pollen_trap", {"station": station})
    n = json.loads(results[-1].content)["grains_m3"]
    return f"Station {station}: {'low risk' if n <= 100 else 'high risk, warn asthma patients'}."


def test_a_value_beside_a_copied_one_fed_nothing() -> None:
    ramp = {
        "goal": "When does the ramp at quay QY-12 open?",
        "calls": [
            {
                "name": "ramp_board",
                "arguments": {"quay": "QY-12"},
                "result": json.dumps({"opens_at": "07:20", "swell_m": 0.4}),
            }
        ],
        "answer": "Ramp QY-12 opens for cars at 07:20.",
    }
    first: Any = lambda n: False  # noqa: E731 (no earlier call: the first call's number counts)
    time = lambda i: [("opens_at",)]  # noqa: E731 (the template reads the time)
    assert unread_results(ramp, read_only=first) == []  # the time is copied: not unread as a whole
    assert unread_results(ramp, None, first, True, time) == [0]  # the swell beside it
    assert unread_results(ramp, None, None, True, time) == []  # a number with no risk lookup: maybe an acknowledgement
    assert unread_results(ramp, None, first, True) == []  # without the paths read: the whole result counts as read
    both = {**ramp, "answer": "Ramp QY-12 opens at 07:20 (swell 0.4 m)."}
    assert unread_results(both, None, first, True, time) == []  # everything copied
    category = {**ramp, "calls": [{**ramp["calls"][0], "result": json.dumps({"opens_at": "07:20", "sea": "calm"})}]}
    assert unread_results(category, None, None, True, time) == [0]  # a category beside the copied time
    listed = {**ramp, "calls": [{**ramp["calls"][0], "result": json.dumps({"slots": [{"at": "07:20", "lane": 2}]})}]}
    assert unread_results(listed, None, first, True, lambda i: [("slots",)]) == []  # a list the answer reads whole


async def test_a_judged_value_beside_a_copied_time_goes_to_the_model(tmp_path: Path) -> None:
    swells = [0.4, 0.2, 0.6, 0.3, 0.5, 0.4, 1.6, 0.3, 2.1]
    RAMP.clear()
    times = ["07:20", "06:35", "08:50", "07:35", "06:50", "08:20", "07:50", "06:20", "08:35"]
    RAMP.update({f"QY-{10 + k}": {"opens_at": times[k], "swell_m": s} for k, s in enumerate(swells)})
    runs = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=ramp_model), tools=[ramp_board]) as os:
        for k in range(len(swells)):
            runs.append(await os.execute(f"When does the ramp at quay QY-{10 + k} open?"))
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    assert any(o.llm_calls == 0 for o in runs[3:6]), modes  # swells the runs saw: the replay answers
    for o in (runs[6], runs[8]):
        assert o.llm_calls >= 1, modes
        assert "stays shut" in o.output, (o.output, modes)


async def test_a_judged_number_that_grew_in_every_run_is_no_noise(tmp_path: Path) -> None:
    counts = [10, 20, 30, 40, 50, 60, 400, 70, 900]
    POLLEN.clear()
    POLLEN.update({f"PS-{10 + k}": n for k, n in enumerate(counts)})
    runs = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=pollen_model), tools=[pollen_trap]) as os:
        for k in range(len(counts)):
            runs.append(await os.execute(f"Pollen note for station PS-{10 + k}."))
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    for o, k in ((runs[6], 16), (runs[8], 18)):
        assert o.llm_calls >= 1, modes
        assert o.output == f"Station PS-{k}: high risk, warn asthma patients.", (o.output, modes)


class _Remote:
    """A listed tool as the registry holds it: an MCP tool's metadata, or a built-in file tool's kind."""

    def __init__(self, kind: str, metadata: dict[str, Any]) -> None:
        self.kind, self.metadata = kind, metadata


def test_an_mcp_tool_without_hints_declares_no_write() -> None:
    from llmos.learning.risk import declares_write, registry_risk

    registry = {
        "bench__radon_meter": _Remote(
            "file_write", {"mcp_server": "bench", "mcp_tool": "radon_meter", "annotations": {}}
        ),
        "bench__ship_lot": _Remote(
            "file_write", {"mcp_server": "bench", "mcp_tool": "ship_lot", "annotations": {"readOnlyHint": False}}
        ),
        "write_file": _Remote("file_write", {}),
    }
    risk = registry_risk(registry)
    # an MCP tool that says nothing of itself has the policy's default kind, but declares nothing: its
    # unread result stays the answer's to judge (words3: w3_radon, w2b_goat went unjudged)
    assert not declares_write(risk, "bench__radon_meter")
    assert declares_write(risk, "bench__ship_lot")  # readOnlyHint false
    assert declares_write(risk, "write_file")  # a built-in file write
