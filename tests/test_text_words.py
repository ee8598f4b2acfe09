"""Words inside plain-text results as explanation sources (`learning/_explain_text.py`: `words`).

A warehouse scanner reports in one plain text, "Scanner S-4 (aisle Dry Goods), 14:05: 12 cartons short.";
the restock call takes the aisle the text names. Before, only a plain text's numbers explained arguments,
so the aisle was a constant of the first run, the second run's aisle was explained by nothing, and every
run started a plan of its own (the lookout towers of `families_heldout17.py` h17_lookout never merged).
Now the words between the same literal texts explain the value while every supporting run's text began
alike (one template up to those words, masked); a live text that begins otherwise, or words that are a
clause and not a name ("Frozen, closed"), make it Unavailable, and a text whose rest no run showed stops
the replay by rule 1: the model decides. A clock time ("14:05") no longer takes
a text's numbers out of the operands. (Second probe: `bench/families_merge2.py` m2_shelter.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import _explain_text
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize_goal


class ScanWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(scans={}, restocked=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "scan_report":
            return state["scans"][a["scanner"]]
        if name == "restock":
            state["restocked"].append([a["scanner"], a["aisle"]])
            return {"status": "queued"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"scan_report": ["scanner"], "restock": ["scanner", "aisle"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = ScanWorld()
    h.registry = h.world.registry()
    return h


def _aisle(text: str) -> str:
    """The aisle as a person reads it: the name after the first "aisle"."""
    m = re.search(r"aisle ([^),]+)", text)
    assert m is not None, text
    return m.group(1)


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (rep,) = await calls([("scan_report", {"scanner": p["scanner"]})])
    await calls([("restock", {"scanner": p["scanner"], "aisle": _aisle(rep)})])
    return f"Restock of aisle {_aisle(rep)} queued for scanner {p['scanner']}."


RESTOCK = Family("restock", "Restock the shortfall scanner {scanner} reported", solve, nothing)


def _scan(h: Harness, scanner: str, aisle: str, text: str | None = None) -> dict[str, str]:
    h.world.state["scans"][scanner] = text or f"Scanner {scanner} (aisle {aisle}), 14:05: 12 cartons short."
    return {"scanner": scanner}


async def _learn(h: Harness) -> None:
    for scanner, aisle in [("S-4", "Dry Goods"), ("S-7", "Frozen"), ("S-2", "Cold Store North"), ("S-9", "Bulk")]:
        await run_ok(h, RESTOCK, _scan(h, scanner, aisle))


async def test_a_word_a_plain_text_names_replays_while_its_template_holds(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    assert len(h.engine.plans()) == 1, [p.skeleton for p in h.engine.plans()]  # one plan: the runs merged
    out = await h.run(RESTOCK, _scan(h, "S-5", "Garden Annex"))
    assert out.correct and out.decision.mode == "follower" and out.llm_calls == 0, out.decision.reason
    assert h.world.state["restocked"][-1] == ["S-5", "Garden Annex"]


@pytest.mark.parametrize(
    "text",
    [
        "Scanner S-6 (aisle Frozen, closed), 14:05: 12 cartons short.",  # a clause, not a name
        "Scanner S-6 (aisle Frozen) (aisle Bulk), 14:05: 12 cartons short.",  # the anchor twice
        "Scanner S-6 (overflow from aisle Frozen), 14:05: 12 cartons short.",  # another template
        "Scanner S-6 (aisle Frozen), 14:05: 12 cartons short, aisle closed.",  # rule 1: a text never seen
    ],
)
async def test_words_of_another_sentence_go_to_the_model(tmp_path: Path, text: str) -> None:
    h = harness(tmp_path)
    await _learn(h)
    out = await h.run(RESTOCK, _scan(h, "S-6", "", text))
    assert out.correct and out.llm_calls > 0, out.trace.events


def _env(goal: str, text: str) -> ex.Env:
    return ex.Env(tokenize_goal(goal), [text], [ex.parse_result(text)])


def test_words_are_read_between_the_same_literal_texts_in_the_same_template() -> None:
    goal = "Restock the shortfall scanner S-4 reported"
    env = _env(goal, "Scanner S-4 (aisle Dry Goods), 14:05: 12 cartons short.")
    (cand,) = _explain_text.words("Dry Goods", env, 1)
    ref = cand[1]
    assert ref[2] == ("w", " (aisle ", "), ") and ex.ref_value(ref, env) == "Dry Goods"
    live = _env(goal, "Scanner S-4 (aisle Cold Store North), 09:30: 3 cartons short.")
    assert ex.ref_value(ref, live) == "Cold Store North"
    with pytest.raises(ex.Unavailable):  # the sentence before the words is another one
        ex.ref_value(ref, _env(goal, "Scanner S-4 found 3 cartons short (aisle Bulk), 09:30."))
    # what follows the words is rule 1's (it checks the whole text before the call that takes them)
    assert ex.ref_value(ref, _env(goal, "Scanner S-4 (aisle Bulk), 09:30: 3 short, 2 damaged.")) == "Bulk"
    # a value that occurs twice, or a number, gives no word reference
    assert _explain_text.words("Bulk", _env(goal, "Scanner S-4 (aisle Bulk), Bulk bay: 3 cartons."), 1) == []
    assert _explain_text.words("12", env, 1) == []


def test_a_clock_time_leaves_a_text_s_other_numbers_operands() -> None:
    env = _env("Restock the shortfall scanner S-4 reported", "Scanner S-4 (aisle Bulk), 14:05: 12 cartons short.")
    assert [v for _ref, v in _explain_text.operands(env, 1)] == [12]
    # a time range, a date-time or a ratio stays split digits: no operands, as before
    for text in ["Window 06:39-06:53: 4 passes", "At 2026-11-02T11:05: 4 left", "Kept 12:30:15, 4 left"]:
        assert _explain_text.operands(_env("Count the passes", text), 1) == []
