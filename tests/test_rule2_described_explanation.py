"""A table a tool's description states is the explanation left once a run kills every other one.

The kiln loader of `test_rule2_described_tables.py`: the shelf is the clay body's, the description says so
("Stoneware 30, Porcelain 25, Earthenware 35, Raku 40"), and every supporting run's kiln matched its body, so
"shelf = the kiln's shelf_cm" (a read) explained every run. A Stoneware into K2 (25 cm) is stopped by the
described table and the model loads it at 30: the read is dead. On main nothing explained the shelf any more,
the plan was contradicted for good, and every later goal went to the model. Now the described table, which
explains every supporting run (each goal held a described word, each with the table's value), is the
explanation: a later Porcelain into K3 replays at 25, a Stoneware at 30. A described word no run had (Raku)
goes to the model, and so does everything when a supporting run's goal held no described word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_rule2_described_tables import GOAL_RE, KILNS, _replayed, tools

from llmos.learning import _explain_described
from llmos.learning._explain_values import Env, Unavailable
from llmos.learning.goals import tokenize
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS

TABLE = "Load pots: the shelf height is the clay body's (Stoneware 30, Porcelain 25, Earthenware 35, Raku 40)."
SHELF = {"Stoneware": 30, "Porcelain": 25, "Earthenware": 35, "Raku": 40}  # a body not in it: the kiln's
RUNS = [("Coper Earthenware", "K3"), ("Rie Porcelain", "K2"), ("Coper Earthenware", "K3"), ("Rie Porcelain", "K2")]


def script(request: ModelRequest) -> Any:
    first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
    clay, k = GOAL_RE.findall(first.text)[-1]
    done = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not done:
        return ToolCall("", "kiln", {"kiln": k})
    if len(done) == 1:
        return ToolCall("", "load", {"kiln": k, "clay": clay, "shelf_cm": SHELF.get(clay.split()[-1], KILNS[k])})
    return "Loaded."


def _os(tmp: Path, loads: list[tuple[str, str, int]]) -> LLMOS:
    return LLMOS(
        workspace=tmp,
        model=TestModel(script=script),
        tools=tools(loads, TABLE),
        overrides={"evolution": {"min_uses": 100}},
    )


async def _learn(os: LLMOS, runs: list[tuple[str, str]]) -> None:
    for clay, k in runs:
        r = await os.execute(f"Load {clay} pots into kiln {k}", mode="learner")
        assert r.success


async def _trap(os: LLMOS, loads: list[tuple[str, str, int]]) -> None:
    trap = await os.execute("Load Cardew Stoneware pots into kiln K2")  # K2's 25 cm; the body's 30
    assert trap.success and trap.llm_calls > 0 and _replayed(os, trap.run_id) == []
    assert loads[-1] == ("K2", "Cardew Stoneware", SHELF["Stoneware"])


async def test_after_the_trap_the_described_table_explains_and_replays(tmp_path: Path) -> None:
    loads: list[tuple[str, str, int]] = []
    async with _os(tmp_path, loads) as os:
        await _learn(os, RUNS)
        await _trap(os, loads)
        for clay, k in [("Pleydell Porcelain", "K3"), ("Leach Stoneware", "K3"), ("Hamada Earthenware", "K2")]:
            live = await os.execute(f"Load {clay} pots into kiln {k}")
            d = live.to_dict(explain=True)
            assert live.success and live.mode == "follower" and live.llm_calls == 0, d["mode_reason"]
            assert loads[-1] == (k, clay, SHELF[clay.split()[-1]]) and KILNS[k] != loads[-1][2]


async def test_a_described_word_no_run_had_goes_to_the_model(tmp_path: Path) -> None:
    loads: list[tuple[str, str, int]] = []
    async with _os(tmp_path, loads) as os:
        await _learn(os, RUNS)
        await _trap(os, loads)
        live = await os.execute("Load Cardew Raku pots into kiln K3")  # Raku 40: described, never seen
        assert live.success and live.llm_calls > 0 and _replayed(os, live.run_id) == [], live.mode
        assert loads[-1] == ("K3", "Cardew Raku", 40)


async def test_a_run_the_table_does_not_explain_keeps_the_plan_contradicted(tmp_path: Path) -> None:
    # a supporting run's goal held no described word ("Shino": the shelf was the kiln's, 30): the table
    # explains no value of that run, so nothing explains the shelf after the trap
    loads: list[tuple[str, str, int]] = []
    async with _os(tmp_path, loads) as os:
        await _learn(os, [*RUNS, ("Coper Shino", "K1")])
        await _trap(os, loads)
        live = await os.execute("Load Pleydell Porcelain pots into kiln K3")
        assert live.success and live.llm_calls > 0 and _replayed(os, live.run_id) == [], live.mode
        assert loads[-1] == ("K3", "Pleydell Porcelain", 25)


def _env(goal: str) -> Env:
    return Env(tokenize(goal), [], [])


def test_the_explanation_reads_one_seen_word_and_one_value() -> None:
    rows = (("porcelain", "25"), ("raku", "40"), ("stoneware", "30"))
    cand = (_explain_described.KIND, ("tok", 1), "n", rows, (("porcelain", "25"), ("stoneware", "30")))
    assert _explain_described.evaluate(cand, _env("Load 'Rie Porcelain' pots into kiln K9")) == 25
    for goal in ("Load 'Rie Raku' pots", "Load 'Porcelain Stoneware' pots", "Load 'Rie Shino' pots", "Load pots"):
        with pytest.raises(Unavailable):
            _explain_described.evaluate(cand, _env(goal))
    with pytest.raises(Unavailable):  # a described word, but not in the goal value the table reads
        _explain_described.evaluate(cand, _env("Load 'Rie Shino' Porcelain pots"))
    assert _explain_described.refit(cand, 30, _env("Load 'Rie Porcelain' pots")) is None  # another value
    assert _explain_described.refit(cand, 30, _env("Load 'Rie Shino' pots")) is None  # no described word
    got: Any = _explain_described.refit(cand, 40, _env("Load 'Rie Raku' pots"))
    assert got is not None and dict(got[4])["raku"] == "40"
