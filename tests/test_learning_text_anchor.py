"""The literal text before a plain text's words may hold a word of the goal (`_explain_text._anchors`).

A boiler house reports in one plain text, "Boiler B-12, site Harbour Yard: pressure 2.1 bar.", and the goal
"Send the site crew to boiler B-12" names the same thing ("site") the text names the value by. Rule 1's
template masks every goal word, so the anchor before "Harbour Yard" was cut after "site" and left no letter:
nothing explained the crew's site, every run started a plan of its own and no goal of the wording ever
replayed (`families_heldout19b.py` h19_pigging_one: "... on segment SEG-26:" after "... through its segment").
Now, where the anchor after every goal word is none, the one that keeps the goal word is taken. It is a
literal like any other: every supporting run's text must hold it (a goal value inside it differs between
runs, and the explanation is dropped), live it must be found once, and the template up to the words must be
the runs' (masked as before); what follows is rule 1's.
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


class BoilerWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(reports={}, sent=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "boiler_report":
            return state["reports"][a["boiler"]]
        if name == "send_crew":
            state["sent"].append([a["boiler"], a["site"]])
            return {"status": "crew on the way"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"boiler_report": ["boiler"], "send_crew": ["boiler", "site"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = BoilerWorld()
    h.registry = h.world.registry()
    return h


def _site(text: str) -> str:
    """The site as a person reads it: the words after the word after the first comma ("site", "yard")."""
    m = re.search(r", \w+ ([^:,]+)", text)
    assert m is not None, text
    return m.group(1)


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (rep,) = await calls([("boiler_report", {"boiler": p["boiler"]})])
    await calls([("send_crew", {"boiler": p["boiler"], "site": _site(rep)})])
    return f"Crew sent to {_site(rep)} for boiler {p['boiler']}."


CREW = Family("crew", "Send the site crew to boiler {boiler}", solve, nothing)


def _report(h: Harness, boiler: str, site: str, text: str | None = None) -> dict[str, str]:
    h.world.state["reports"][boiler] = text or f"Boiler {boiler}, site {site}: pressure 2.1 bar."
    return {"boiler": boiler}


async def _learn(h: Harness) -> None:
    for boiler, site in [("B-12", "Harbour Yard"), ("B-3", "Mill Lane"), ("B-40", "North Depot"), ("B-7", "Quay")]:
        await run_ok(h, CREW, _report(h, boiler, site))


async def test_words_after_a_goal_word_of_the_sentence_replay(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    assert len(h.engine.plans()) == 1, [p.skeleton for p in h.engine.plans()]  # the runs merged
    out = await h.run(CREW, _report(h, "B-21", "Old Gasworks"))
    assert out.correct and out.decision.mode == "follower" and out.llm_calls == 0, out.decision.reason
    assert h.world.state["sent"][-1] == ["B-21", "Old Gasworks"]


@pytest.mark.parametrize(
    "text",
    [
        "Boiler B-21, yard Old Gasworks: pressure 2.1 bar.",  # another sentence names the words
        "Boiler B-21, site Old Gasworks, closed: pressure 2.1 bar.",  # a clause, not a name
        "Boiler B-21, site Old Gasworks: pressure 2.1 bar, site Quay: standby.",  # the anchor twice
        "Boiler B-21, site Old Gasworks: pressure 2.1 bar. Gas leak reported.",  # rule 1: a text never seen
    ],
)
async def test_words_of_another_sentence_go_to_the_model(tmp_path: Path, text: str) -> None:
    h = harness(tmp_path)
    await _learn(h)
    out = await h.run(CREW, _report(h, "B-21", "", text))
    assert out.correct and out.llm_calls > 0, out.trace.events


def _env(goal: str, text: str) -> ex.Env:
    return ex.Env(tokenize_goal(goal), [text], [ex.parse_result(text)])


def test_the_anchor_keeps_the_goal_word_only_where_no_other_is_left() -> None:
    env = _env("Send the site crew to boiler B-12", "Boiler B-12, site Harbour Yard: pressure 2.1 bar.")
    (cand,) = _explain_text.words("Harbour Yard", env, 1)
    assert cand[1][2] == ("w", ", site ", ": ") and ex.ref_value(cand[1], env) == "Harbour Yard"
    # a goal without the word: the anchor after every goal value, as before (the same literal here)
    plain = _env("Send a crew to boiler B-12", "Boiler B-12, site Harbour Yard: pressure 2.1 bar.")
    assert [c[1][2] for c in _explain_text.words("Harbour Yard", plain, 1)] == [("w", ", site ", ": ")]
    # an anchor after every goal word that still has letters is kept: the goal's name never enters it
    named = _env("Send the Quay crew to boiler B-12", "Boiler B-12 at Quay, site Harbour Yard: 2.1 bar.")
    assert [c[1][2] for c in _explain_text.words("Harbour Yard", named, 1)] == [("w", ", site ", ": ")]
    # a goal word that varies between runs makes another literal in each: no explanation both runs share
    yard = _env("Send the yard crew to boiler B-12", "Boiler B-12, yard Harbour Yard: pressure 2.1 bar.")
    (other,) = _explain_text.words("Harbour Yard", yard, 1)
    assert other[1][2] == ("w", ", yard ", ": ") and other != cand
    with pytest.raises(ex.Unavailable):  # live, the literal must be found again
        ex.ref_value(cand[1], yard)
