"""The hour of a whole hour of the clock as a part of a goal word (`_explain_values`: the "hour" transform).

"Switch on the grow lights of house G2 at 18:00" calls `set_lights(house="G2", hour=18)` (19:30 is hour 19.5). Before,
nothing read 18 out of "18:00" (a word, not a number): the first run's hour was a constant, the second
run's was explained by nothing, and every hour of the day started a plan of its own (the sewer meters of
`families_heldout16.py` h16_sewer never merged). Now "18:00" gives 18 like "3-qubit" gives 3, only for a
whole hour ("19:30" is none: the model decides), and the rest of the word (":00") must be what the runs
saw (`_envelope_checks._part_problem`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import explain as ex


class GreenhouseWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(lights=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "set_lights":
            state["lights"].append([a["house"], a["hour"]])
            return {"status": "scheduled"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"set_lights": ["house", "hour"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = GreenhouseWorld()
    h.registry = h.world.registry()
    return h


async def solve(p: dict[str, Any], calls: Calls) -> str:
    hour, minute = (int(x) for x in p["at"].split(":"))
    await calls([("set_lights", {"house": p["house"], "hour": hour + minute / 60 if minute else hour})])
    return f"Grow lights of house {p['house']} scheduled for {p['at']}."


LIGHTS = Family("lights", "Switch on the grow lights of house {house} at {at}", solve, nothing)


async def test_a_whole_hour_of_the_clock_is_one_plan_and_another_minute_goes_to_the_model(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for house, at in [("G2", "18:00"), ("G5", "06:00"), ("G1", "21:00"), ("G7", "7:00")]:
        await run_ok(h, LIGHTS, {"house": house, "at": at})
    assert len(h.engine.plans()) == 1, [p.skeleton for p in h.engine.plans()]
    out = await h.run(LIGHTS, {"house": "G3", "at": "19:00"})
    assert out.correct and out.decision.mode == "follower" and out.llm_calls == 0, [
        e for e in out.trace.events if e.get("kind") in ("fallback", "envelope")
    ]
    assert h.world.state["lights"][-1] == ["G3", 19]
    out = await h.run(LIGHTS, {"house": "G4", "at": "19:30"})  # not a whole hour: no part an argument takes
    assert out.correct and out.llm_calls > 0, out.decision.reason
    assert h.world.state["lights"][-1] == ["G4", 19.5]


def test_the_hour_transform_reads_whole_hours_only() -> None:
    assert ex.transform("hour", "18:00") == 18 and ex.transform("hour", "7:00") == 7
    assert ex.part_rest("hour", "18:00") == ":00"
    for word in ["19:30", "24:00", "18:00:00", "18h00", "1800"]:
        try:
            ex.transform("hour", word)
        except ex.Unavailable:
            continue
        raise AssertionError(word)
