"""Rule 1: a number against the product of two reads' numbers at a unit scale (`_envelope_scaled`).

A print job's sheets (one read) x a press's grams per sheet (another read) / 1000 is the paper the job
needs, in kg, against the kg of paper loaded on the press. Each number, each plain order and each
difference may stay inside what the supporting runs saw while the paper falls short: the plain
product (grams) is larger than the kg in every run whatever they are, and tells nothing. At the scale
1/1000 the order held one way in every supporting run; a live goal where it does not stops the replay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk


class PrintWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(jobs={}, presses={}, printed=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "job":
            return {"job": a["job"], "sheets": state["jobs"][a["job"]]}
        if name == "press":
            kg, g = state["presses"][a["press"]]
            return {"press": a["press"], "paper_kg": kg, "g_per_sheet": g}
        if name == "print_job":
            state["printed"].append([a["job"], a["press"]])
            return {"printing": a["job"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"job": ["job"], "press": ["press"], "print_job": ["job", "press"]})
        for name in ("job", "press"):
            tool = reg.get(PREFIX + name)
            assert tool is not None
            tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve_print(p: dict[str, Any], calls: Calls) -> str:
    job, press = await calls([("job", {"job": p["job"]}), ("press", {"press": p["press"]})])
    if job["sheets"] * press["g_per_sheet"] / 1000 <= press["paper_kg"]:
        await calls([("print_job", {"job": p["job"], "press": p["press"]})])
        return f"Job {p['job']} is printing on press {p['press']}."
    return f"Job {p['job']} not printed: press {p['press']} has too little paper."


PRINT = Family("print", "Print job {job} on press {press} if it has the paper for it", solve_print, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PrintWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def _job(h: Harness, n: int, sheets: int, g: float, kg: float) -> Any:
    h.world.state["jobs"][f"J{n}"] = sheets
    h.world.state["presses"][f"P{n}"] = [kg, g]
    return await h.run(PRINT, {"job": f"J{n}", "press": f"P{n}"})


async def test_paper_short_at_the_scale_of_grams_to_kg_stops_the_print(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # sheets 4000..9000, 5..12 g a sheet, 60..120 kg loaded: every job covered (20..108 kg needed)
    for n, (sheets, g, kg) in enumerate([(9000, 5, 60), (4000, 12, 60), (9000, 12, 120), (4000, 5, 120)]):
        h.world.state["jobs"][f"J{n}"] = sheets
        h.world.state["presses"][f"P{n}"] = [kg, g]
        await run_ok(h, PRINT, {"job": f"J{n}", "press": f"P{n}"})
    out = await _job(h, 5, 6000, 9, 100)  # 54 kg needed of 100: replayed
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await _job(h, 6, 8600, 11, 85)  # each value inside; 94.6 kg needed of 85: not printed
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert [j for j, _ in h.world.state["printed"]] == ["J0", "J1", "J2", "J3", "J5"]
    assert "x 0.001" in str(out.trace.events)
