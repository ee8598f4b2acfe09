"""Rule 2 for a table of values a tool's description states (`_described_tables`): a hypothesis too.

A kiln loader puts pots on shelves as high as the clay body needs, and its description says so ("the shelf
height is the clay body's: Stoneware 30, Porcelain 25, Earthenware 35, not the kiln's"). Every supporting
run loaded a body into a kiln whose shelves matched it, so "shelf = the kiln's shelf_cm" (a read) explained
every run as well, and no run had a Stoneware: main replayed a Stoneware on a 25 cm kiln's shelves, as
FOLLOWER and through the crystallized tool (`bench/families_wtab.py` wt_kiln). The description's table
agrees with every run that held one of its words; a live goal with a described word whose value is not the
replay's is a disagreement: the model decides. A described word absent from the goal, or a table no run
agrees with, changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.learning._described_tables import tables
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

GOAL_RE = re.compile(r"Load (\w+ \w+) pots into kiln (K\d)")
SHELF = {"Stoneware": 30, "Porcelain": 25, "Earthenware": 35}
KILNS = {"K1": 30, "K2": 25, "K3": 35, "K4": 30}
TABLE = "Load pots: the shelf height is the clay body's (the last word: Stoneware 30, Porcelain 25, Earthenware 35)."


def tools(loads: list[tuple[str, str, int]], description: str) -> list[Any]:
    @tool
    def kiln(kiln: str) -> dict[str, Any]:
        """A kiln's shelf height (cm)."""
        return {"kiln": kiln, "shelf_cm": KILNS[kiln], "cone": 6}

    @tool
    def load(kiln: str, clay: str, shelf_cm: int) -> dict[str, Any]:
        """Load pots."""
        loads.append((kiln, clay, shelf_cm))
        return {"kiln": kiln, "clay": clay, "shelf_cm": shelf_cm, "status": "done"}

    kiln.metadata["annotations"] = {"readOnlyHint": True}
    load.metadata["annotations"] = {"readOnlyHint": False, "destructiveHint": False}
    load.description = description
    return [kiln, load]


def model(by_body: bool) -> Any:
    def script(request: ModelRequest) -> Any:
        first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
        clay, k = GOAL_RE.findall(first.text)[-1]
        done = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        if not done:
            return ToolCall("", "kiln", {"kiln": k})
        if len(done) == 1:
            shelf = SHELF[clay.split()[-1]] if by_body else KILNS[k]
            return ToolCall("", "load", {"kiln": k, "clay": clay, "shelf_cm": shelf})
        return "Loaded."

    return script


# every run's kiln matches its body: the kiln's shelf and the body's word explain every run
RUNS = [("Coper Earthenware", "K3"), ("Rie Porcelain", "K2"), ("Coper Earthenware", "K3"), ("Rie Porcelain", "K2")]


def _os(
    tmp: Path, loads: list[tuple[str, str, int]], description: str = TABLE, by_body: bool = True, uses: int = 100
) -> LLMOS:
    return LLMOS(
        workspace=tmp,
        model=TestModel(script=model(by_body)),
        tools=tools(loads, description),
        overrides={"evolution": {"min_uses": uses}},  # 100: FOLLOWER, no crystallized tool
    )


def _replayed(os: LLMOS, run_id: str) -> list[Any]:
    calls = os.traces.require(run_id).tool_calls
    return [c for c in calls if c.name == "load" and (c.source != "model" or c.parent_id)]


async def _learn(os: LLMOS) -> None:
    for clay, k in RUNS:
        r = await os.execute(f"Load {clay} pots into kiln {k}", mode="learner")
        assert r.success


async def test_a_described_word_the_replay_would_give_another_value_goes_to_the_model(tmp_path: Path) -> None:
    loads: list[tuple[str, str, int]] = []
    async with _os(tmp_path, loads) as os:
        await _learn(os)
        ok = await os.execute("Load Pleydell Porcelain pots into kiln K2")  # the table agrees: replays
        assert ok.success and ok.mode == "follower" and ok.llm_calls == 0, ok.to_dict(explain=True)["mode_reason"]
        live = await os.execute("Load Cardew Stoneware pots into kiln K2")  # K2's shelf 25, Stoneware 30
        d = live.to_dict(explain=True)
        assert live.success and live.llm_calls > 0, d["mode_reason"]
        assert _replayed(os, live.run_id) == [], d["mode_reason"]
        assert loads[-1] == ("K2", "Cardew Stoneware", 30)
        assert "description" in str(d["mode_reason"]) and "disagree" in str(d["mode_reason"])


async def test_the_crystallized_tool_stops_as_well(tmp_path: Path) -> None:
    loads: list[tuple[str, str, int]] = []
    async with _os(tmp_path, loads, uses=4) as os:
        await _learn(os)
        r = None
        for i in range(8):
            clay, k = RUNS[i % 2]
            r = await os.execute(f"Load {clay} pots into kiln {k}")
            assert r.success
            if r.mode == "crystallized":
                break
        assert r is not None and r.mode == "crystallized", r.to_dict(explain=True)["mode_reason"] if r else None
        live = await os.execute("Load Cardew Stoneware pots into kiln K2")
        d = live.to_dict(explain=True)
        assert live.success and live.llm_calls > 0 and _replayed(os, live.run_id) == [], (d["mode"], d["mode_reason"])
        assert loads[-1] == ("K2", "Cardew Stoneware", 30)


async def test_a_goal_without_a_described_word_replays(tmp_path: Path) -> None:
    loads: list[tuple[str, str, int]] = []
    async with _os(tmp_path, loads) as os:
        await _learn(os)
        live = await os.execute("Load Cardew Raku pots into kiln K3")  # no word of the table: the kiln's 35
        assert live.success and live.mode == "follower" and live.llm_calls == 0, live.to_dict(explain=True)
        assert loads[-1] == ("K3", "Cardew Raku", 35)


async def test_a_table_no_run_agrees_with_changes_nothing(tmp_path: Path) -> None:
    # the shelf is the kiln's here; the description's table is of the cone, which no run's shelf matched
    loads: list[tuple[str, str, int]] = []
    cones = "Load pots; the cone is the body's: Stoneware 6, Porcelain 10, Earthenware 4."
    async with _os(tmp_path, loads, cones, by_body=False) as os:
        await _learn(os)
        live = await os.execute("Load Cardew Stoneware pots into kiln K2")
        assert live.success and live.mode == "follower" and live.llm_calls == 0, live.to_dict(explain=True)
        assert loads[-1] == ("K2", "Cardew Stoneware", 25)


def test_the_shapes_of_a_described_table() -> None:
    assert tables(TABLE) == (("n", (("stoneware", "30"), ("porcelain", "25"), ("earthenware", "35"))),)
    assert tables("The mordant is the fibre's: Merino alum, Silk tin, Alpaca iron.")[0][1][:2] == (
        ("merino", "alum"),
        ("silk", "tin"),
    )
    assert tables("Press: 30 for Stoneware, 25 for Porcelain and 35 for Earthenware.")[0][1][0] == ("stoneware", "30")
    assert tables("Grades - Gold: 3 kg; Silver: 2 kg; Bronze: 1.5 kg")[0][1][2] == ("bronze", "1.5")
    assert tables("Water: Green 80 C, Black 95 C.")[0][1] == (("green", "80"), ("black", "95"))
    # no table: one pair, prose, a word given two values, one value for every word
    assert tables("Load pots on shelves of 30 cm.") == ()
    assert tables("Send a parcel, track it, and report the status.") == ()
    assert tables("Closed on 25 and 26 December.") == ()
    assert tables("Gold 3, Gold 4") == ()
    assert tables("Gold 3, Silver 3") == ()


def test_two_readings_of_a_loop_step_unite_their_records() -> None:
    from llmos.learning._described_tables import union
    from llmos.learning.loops._canon import union_seen

    a = {'["~dtab", "shelf_cm"]|d': '{"porcelain": "25", "rie": "25"}'}
    b = {'["~dtab", "shelf_cm"]|d': '{"porcelain": "30", "coper": "35"}', '["~wtab", 1, -1, "x"]|g': "{}"}
    out = union_seen(a, b, same_runs=False)
    assert out == {'["~dtab", "shelf_cm"]|d': union(a['["~dtab", "shelf_cm"]|d'], b['["~dtab", "shelf_cm"]|d'])}
    assert union('{"porcelain": "25"}', '{"porcelain": "30", "coper": "35"}') == '{"coper": "35", "porcelain": "x"}'
    assert union(None, '{"coper": "35"}') == '{"coper": "35"}'
