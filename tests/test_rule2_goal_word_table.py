"""Rule 2 for a word of a goal value that decides an argument (`_word_tables`): a lookup table is a rival.

A glaze workshop fires a pot glazed in a named glaze ("Celadon Gloss Stoneware"); the cone the kiln is set
to is the clay body's (the last word: Earthenware 04, Stoneware 6, Porcelain 10), and every supporting run
could as well read it from the kiln (its top cone, a result number): each kiln only fired its own body.
A live goal with a body word the runs saw with another cone, or one they never saw at that position while
the word decided the cone in every run, is a disagreement: the model decides. A value the runs never split
into such words (one word per whole value) replays as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk

CONE = {"Earthenware": 4, "Stoneware": 6, "Porcelain": 10, "Raku": 6}
KILNS = {"Alder": 6, "Birch": 10, "Cedar": 6, "Dogwood": 10, "Elm": 4}


class GlazeWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(firings=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "kiln":
            return {"kiln": a["kiln"], "top_cone": KILNS[a["kiln"]], "shelves": 3 + len(a["kiln"])}
        if name == "fire":
            state["firings"].append([a["kiln"], a["glaze"], a["cone"]])
            return {"status": "booked"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"kiln": ["kiln"], "fire": ["kiln", "glaze", "cone"]})
        tool = reg.get(PREFIX + "kiln")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = GlazeWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve(p: dict[str, Any], calls: Calls) -> str:
    await calls([("kiln", {"kiln": p["kiln"]})])
    cone = CONE[p["glaze"].split()[-1]]
    await calls([("fire", {"kiln": p["kiln"], "glaze": p["glaze"], "cone": cone})])
    return f"Firing of {p['glaze']} booked in {p['kiln']} at cone {cone}."


FIRE = Family("fire", "Fire a pot in {glaze} glaze in kiln {kiln}", solve, nothing)

# each kiln fires its own body: the cone is the kiln's top cone as well as the body word's
RUNS = [
    ("Celadon Gloss Stoneware", "Alder"),
    ("Tenmoku Satin Porcelain", "Birch"),
    ("Shino Matte Stoneware", "Cedar"),
    ("Celadon Gloss Porcelain", "Dogwood"),
    ("Ash Satin Stoneware", "Alder"),
]


async def _runs(h: Harness, rows: list[tuple[str, str]]) -> None:
    for glaze, kiln in rows:
        await run_ok(h, FIRE, {"glaze": glaze, "kiln": kiln})


async def test_a_seen_word_with_its_own_value_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    out = await h.run(FIRE, {"glaze": "Tenmoku Gloss Stoneware", "kiln": "Cedar"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    assert h.world.state["firings"][-1] == ["Cedar", "Tenmoku Gloss Stoneware", 6]


async def test_a_seen_word_the_runs_gave_another_value_goes_to_the_model(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    out = await h.run(FIRE, {"glaze": "Shino Matte Stoneware", "kiln": "Birch"})  # top cone 10, body 6
    assert out.correct, out.trace.events
    assert h.world.state["firings"][-1] == ["Birch", "Shino Matte Stoneware", 6]
    assert out.trace.mode != "follower" or stopped_outside_evidence(out.trace), out.trace.events


async def test_an_unseen_word_where_a_word_decided_goes_to_the_model(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    out = await h.run(FIRE, {"glaze": "Ash Satin Earthenware", "kiln": "Cedar"})  # top cone 6, body 4
    assert out.correct, out.trace.events
    assert h.world.state["firings"][-1] == ["Cedar", "Ash Satin Earthenware", 4]
    assert out.trace.mode != "follower" or stopped_outside_evidence(out.trace), out.trace.events


async def test_a_new_glaze_of_seen_words_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    out = await h.run(FIRE, {"glaze": "Shino Satin Porcelain", "kiln": "Dogwood"})  # a new value, seen words
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events


async def test_a_value_whose_words_never_recurred_is_a_key_not_a_table(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # each last word in one glaze only: the word went with the cone no more than the whole value did
    await _runs(
        h,
        [
            ("Celadon Gloss Stoneware", "Alder"),
            ("Tenmoku Satin Porcelain", "Birch"),
            ("Celadon Gloss Stoneware", "Cedar"),
            ("Tenmoku Satin Porcelain", "Dogwood"),
        ],
    )
    out = await h.run(FIRE, {"glaze": "Ash Matte Raku", "kiln": "Cedar"})  # top cone 6, body 6
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events


async def test_the_same_new_word_stops_where_a_word_decided(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    out = await h.run(FIRE, {"glaze": "Ash Matte Raku", "kiln": "Cedar"})  # right by luck: the model decides
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert "a word none had there" in str(out.trace.events)


# each last word in one glaze only (the runs cannot tell the word from the whole value), one kiln per body
KEYS = [
    ("Celadon Gloss Stoneware", "Alder"),
    ("Tenmoku Satin Porcelain", "Birch"),
    ("Celadon Gloss Stoneware", "Cedar"),
    ("Tenmoku Satin Porcelain", "Dogwood"),
]


async def test_a_word_seen_in_another_value_with_another_value_goes_to_the_model(tmp_path: Path) -> None:
    # the table is no rival, but it has a value for "Stoneware" (6) that is not the kiln's (10): they disagree
    h = harness(tmp_path)
    await _runs(h, KEYS)
    out = await h.run(FIRE, {"glaze": "Ash Matte Stoneware", "kiln": "Birch"})
    assert out.correct, out.trace.events
    assert h.world.state["firings"][-1] == ["Birch", "Ash Matte Stoneware", 6]
    assert out.trace.mode != "follower" or stopped_outside_evidence(out.trace), out.trace.events


async def test_the_same_value_with_the_kilns_value_replays_as_a_key(tmp_path: Path) -> None:
    # the first word agrees with its table ("Ash" is new); the last word's table agrees: a replay
    h = harness(tmp_path)
    await _runs(h, KEYS)
    out = await h.run(FIRE, {"glaze": "Ash Matte Stoneware", "kiln": "Cedar"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
