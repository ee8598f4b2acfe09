"""A goal word's lookup table as the explanation left when a run kills every other one (`_explain_tables`).

The glaze workshop of `test_rule2_goal_word_table`: the cone is the clay body's (the glaze's last word), and
until a trap every run could as well read it from the kiln's top cone. The trap (a Stoneware glaze in a
cone-10 kiln) goes to the model, and its run leaves the cone with no explanation but the body word's table,
which every run fits. Later goals replay from the table where the evidence vouches for the live word: a word
seen with its value in two different glazes, or the very glaze it came in. A word never seen there, or seen
in one other glaze only, goes to the model (rule 1: no value past the evidence).
"""

from __future__ import annotations

from pathlib import Path

from test_learning_world import run_ok
from test_rule2_goal_word_table import FIRE, RUNS, _runs, harness

from llmos.learning import _explain_tables as tables

TRAP = ("Shino Matte Stoneware", "Birch")  # top cone 10, body 6: the kiln explains the cone no more
ONCE = ("Ash Satin Earthenware", "Elm")  # top cone 4, body 4: Earthenware in one glaze only


async def _trapped(tmp: Path) -> object:
    h = harness(tmp)
    await _runs(h, [*RUNS, ONCE])
    glaze, kiln = TRAP
    out = await run_ok(h, FIRE, {"glaze": glaze, "kiln": kiln})
    assert h.world.state["firings"][-1] == ["Birch", glaze, 6]
    del out
    return h


async def test_after_the_trap_a_seen_word_replays_from_its_table(tmp_path: Path) -> None:
    h = await _trapped(tmp_path)
    out = await h.run(FIRE, {"glaze": "Tenmoku Gloss Stoneware", "kiln": "Birch"})  # top 10, body 6
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    assert h.world.state["firings"][-1] == ["Birch", "Tenmoku Gloss Stoneware", 6]


async def test_after_the_trap_an_unseen_word_goes_to_the_model(tmp_path: Path) -> None:
    h = await _trapped(tmp_path)
    out = await h.run(FIRE, {"glaze": "Ash Matte Raku", "kiln": "Birch"})  # Raku: no run had it
    assert out.correct and out.llm_calls > 0, out.trace.events
    assert h.world.state["firings"][-1] == ["Birch", "Ash Matte Raku", 6]


async def test_a_word_seen_in_one_other_value_only_goes_to_the_model(tmp_path: Path) -> None:
    h = await _trapped(tmp_path)
    out = await h.run(FIRE, {"glaze": "Shino Gloss Earthenware", "kiln": "Birch"})
    assert out.correct and out.llm_calls > 0, out.trace.events
    assert h.world.state["firings"][-1] == ["Birch", "Shino Gloss Earthenware", 4]


async def test_the_very_value_a_word_came_in_replays(tmp_path: Path) -> None:
    h = await _trapped(tmp_path)
    out = await h.run(FIRE, {"glaze": "Ash Satin Earthenware", "kiln": "Dogwood"})  # top 10, body 4
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    assert h.world.state["firings"][-1] == ["Dogwood", "Ash Satin Earthenware", 4]


def test_the_table_refits_and_dies() -> None:
    rows = tables.widen((), "Major", "Plain Bob Major", 8)
    assert rows == (("Major", "8", "Plain Bob Major"),)
    rows = tables.widen(rows, "Major", "Cambridge Surprise Major", 8)
    assert rows == (("Major", "8", "+"),) and not tables.rival(rows)
    rows = tables.widen(rows, "Minor", "Plain Bob Minor", 6)
    assert rows is not None and tables.rival(rows)
    assert tables.widen(rows, "Major", "Kent Treble Bob Major", 10) is None  # a word with another value
    assert tables.widen(rows, "Royal", "Plain Bob Royal", "Royal") is None  # a copy, not a lookup
    assert tables.widen(rows, "Royal", "Plain Bob Royal", [10]) is None  # not a scalar
