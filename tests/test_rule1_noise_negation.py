"""Rule 1's noise never drops or adds a negation (`_seen_text._words`).

A lift's service note differs in every visit (a job number, the checks listed in any order), so after
`noise_min_runs` runs it is noise, checked only for words no supporting run's note had. Every run's note
said "no wear on the ropes"; a note that says "wear on the ropes" has only words the runs showed, and the
lift was put back in service. A word right after a negation is now a word of its own ("no wear"): "wear"
alone is a word no run showed and the replay stops before the write. (The probe that found this: a gas
meter's visit notes, "no leak found at the regulator" -> "leak found at the regulator", signed off by main,
`bench/families_heldout22.py` h22_meter, seed 41.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import _seen
from llmos.learning.risk import registry_risk

CHECKS = ["doors aligned", "brakes tested", "pit dry", "alarm bell rings", "car lights renewed"]


class LiftWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(notes={}, released=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "service_note":
            return state["notes"][a["lift"]]
        if name == "release":
            state["released"].append(a["lift"])
            return {"status": "in service"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"service_note": ["lift"], "release": ["lift"]})
        tool = reg.get(PREFIX + "service_note")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = LiftWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve_release(p: dict[str, Any], calls: Calls) -> str:
    (note,) = await calls([("service_note", {"lift": p["lift"]})])
    if "no wear on the ropes" not in str(note):
        return f"Lift {p['lift']} stays out of service: its ropes show wear."
    await calls([("release", {"lift": p["lift"]})])
    return f"Lift {p['lift']} is back in service."


RELEASE = Family("release", "Put lift {lift} back in service", solve_release, nothing)


def note(h: Harness, lift: str, n: int, ropes: str = "no wear on the ropes") -> dict[str, str]:
    parts = [ropes, *CHECKS[n % 5 : n % 5 + 2], CHECKS[(n + 3) % 5]]
    h.world.state["notes"][lift] = f"Job {7100 + 13 * n}: " + "; ".join(parts[n % 2 :] + parts[: n % 2]) + "."
    return {"lift": lift}


async def _learn(h: Harness) -> None:
    modes = [await run_ok(h, RELEASE, note(h, f"L-{10 + n}", n)) for n in range(6)]
    assert "follower" in modes  # the note differed in every run: noise, on evidence


async def test_a_negation_dropped_from_a_noise_text_stops_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    out = await h.run(RELEASE, note(h, "L-40", 7, "wear on the ropes"))  # every word seen, the "no" gone
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert "L-40" not in h.world.state["released"]
    assert "wear" in str(out.trace.events)


async def test_a_noise_text_keeping_its_negations_still_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    out = await h.run(RELEASE, note(h, "L-41", 8))
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    assert h.world.state["released"][-1] == "L-41"


def test_a_word_a_negation_governs_is_a_word_of_its_own() -> None:
    seen = {"Job #: no leak found at the regulator; seals tight.": [], "Job #: the flue isn't blocked.": []}
    assert _seen.new_words("Job #: seals tight; no leak found at the regulator.", seen) == []
    # the negation governed its whole clause: "found" and "regulator" were never seen outside it
    assert _seen.new_words("Job #: leak found at the regulator; seals tight.", seen) == ["found", "leak", "regulator"]
    assert _seen.new_words("Job #: seals not tight.", seen) == ["no tight"]
    assert _seen.new_words("Job #: the flue is not blocked.", seen) == ["is"]
    assert _seen.new_words("Job #: the flue is blocked; no leak.", seen) == ["blocked", "is"]
    # a clause's end closes the negation ("found" was only ever seen inside one)
    assert _seen.new_words("Job #: no, leak found.", seen) == ["found", "leak"]


def test_a_negation_governs_every_word_of_its_clause() -> None:
    """ "no evidence of foulbrood in the brood frames": "foulbrood" is denied as much as "evidence", and a
    note that drops the "no" has a word no run showed even when another note said "evidence of fresh
    nectar" and "brood pattern solid" (`families_heldout26.py` h26_hive)."""
    seen = {
        "Visit #: no evidence of foulbrood in the brood frames; evidence of fresh nectar; brood pattern solid.": [],
        "Visit #: queen seen; no evidence of foulbrood in the brood frames.": [],
    }
    assert _seen.new_words("Visit #: brood pattern solid; no evidence of foulbrood in the brood frames.", seen) == []
    assert _seen.new_words("Visit #: evidence of foulbrood in the brood frames; queen seen.", seen) == [
        "foulbrood",
        "frames",
    ]
    # a word that opens another clause closes the negation, as punctuation does
    assert _seen.new_words("Visit #: no evidence of foulbrood but queen seen.", seen) == ["but"]
    assert _seen.new_words("Visit #: no evidence of foulbrood, queen seen.", seen) == []
