"""Rule 1 for a record's number by each category of the same record (`_seen_groups`, `~rnum`).

A tyre's pressure is read in the unit its gauge gives ("bar" or "psi", another field of the record).
Every supporting run's tyre was fine (2.4..2.7 bar, 35..39 psi), so the range of the pressure over every
run was 2.4..39: a tyre at 28 psi (1.9 bar, under inflated) lay inside it, the unit was one seen, and the
replay signed the tyre off. The range seen with "psi" (35..39) stops it now
(`bench/families_heldout32.py` h32_lock, h32_starter, h32_bell: the probe that found the class).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._seen_kinds import keyed, problem
from llmos.learning.risk import registry_risk

PSI = 14.5038


class GarageWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(tyres={}, passed=[], inflated=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "gauge":
            value, unit = state["tyres"][a["tyre"]]
            return {"tyre": a["tyre"], "pressure": value, "unit": unit, "valve": "ok"}
        if name in ("pass_tyre", "inflate"):
            state["passed" if name == "pass_tyre" else "inflated"].append(a["tyre"])
            return {"status": "done"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"gauge": ["tyre"], "pass_tyre": ["tyre"], "inflate": ["tyre"]})
        tool = reg.get(PREFIX + "gauge")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = GarageWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (row,) = await calls([("gauge", {"tyre": p["tyre"]})])
    bar = row["pressure"] / PSI if row["unit"] == "psi" else row["pressure"]
    if bar < 2.2:
        await calls([("inflate", {"tyre": p["tyre"]})])
        return f"Tyre {p['tyre']} inflated."
    await calls([("pass_tyre", {"tyre": p["tyre"]})])
    return f"Tyre {p['tyre']} passed."


TYRE = Family("tyre", "Check the pressure of tyre {tyre}", solve, nothing)
RUNS = [(2.4, "bar"), (36, "psi"), (2.7, "bar"), (39, "psi"), (2.5, "bar"), (35, "psi")]


async def test_a_number_outside_what_its_unit_showed_stops_though_every_unit_together_saw_it(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, reading in enumerate(RUNS, 1):
        h.world.state["tyres"][f"T-{n}"] = reading
        await run_ok(h, TYRE, {"tyre": f"T-{n}"})
    h.world.state["tyres"]["T-7"] = (37, "psi")  # inside what "psi" showed: replays
    out = await h.run(TYRE, {"tyre": "T-7"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    h.world.state["tyres"]["T-8"] = (28, "psi")  # inside 2.4..39, under what "psi" showed
    out = await h.run(TYRE, {"tyre": "T-8"})
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "T-8" in h.world.state["inflated"] and "T-8" not in h.world.state["passed"]
    assert "seen with 'psi'" in str(out.trace.events)


def test_a_record_s_numbers_are_keyed_by_each_category_of_the_same_record_and_of_earlier_reads() -> None:
    values: list[tuple[Any, Any]] = [
        (("tyre",), "T-1"),
        (("pressure",), 36),
        (("unit",), "psi"),
        (("valve",), "ok"),
        (("fitter",), "Ames"),
        (("warm",), False),
        (("axle", "load_kg"), 700),
        (("axle", "side"), "front"),
    ]
    got = keyed(values, [], None, [(0, [(("gauge", "scale"), "imperial")])])
    assert got['["~rnum", [], ["unit"], "psi", ["pressure"]]|n'][0] == 36
    assert got['["~rnum", [], ["valve"], "ok", ["pressure"]]|n'][0] == 36
    assert got['["~rnum", [], ["warm"], "false", ["pressure"]]|n'][0] == 36  # a flag is a category
    assert got['["~rnum", ["axle"], ["side"], "front", ["load_kg"]]|n'][0] == 700
    assert got['["~xrnum", 0, ["gauge", "scale"], "imperial", ["pressure"]]|n'][0] == 36  # an earlier read's
    assert not any('"T-1"' in k or '"Ames"' in k for k in got)  # a name is no category
    assert not any('["axle"], ["side"], "front", ["pressure"]' in k for k in got)  # another record's
    seen: dict[str, Any] = {k: [v, v, v, 1, 1] for k, (v, _p) in got.items()}
    live = [(("pressure",), 30), (("unit",), "psi")]
    assert "seen with 'psi' in 1 supporting run" in str(problem(seen, live, [], [], lambda p: False))
    seen = {k: [35, 39, 35, 0, 3] for k in seen}
    assert problem(seen, [(("pressure",), 37), (("unit",), "psi")], [], [], lambda p: False) is None
    assert problem(seen, live, [], [], lambda p: p == ("pressure",)) is None  # consumed: the call's business
    across = [(("pressure",), 30)]
    why = problem(seen, across, [], [(0, [(("gauge", "scale"), "imperial")])], lambda p: False)
    assert "step 1's gauge.scale 'imperial'" in str(why)
