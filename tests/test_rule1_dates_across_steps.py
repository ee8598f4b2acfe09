"""Rule 1 for the days between two dates that came from the results of two DIFFERENT steps.

An instrument's last calibration and a job's date come from two reads; each lies among the dates
the supporting runs saw, yet they are 260 days apart where every supporting run had under 180 (and
assigned the instrument). The replay stops before the write and the model decides (held-out round E
found the same class on home insurance: a policy start and an incident date, 400 days apart).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class LabWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(instruments={}, jobs={}, assigned=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "instrument":
            return {"instrument": a["instrument"], "calibrated_on": state["instruments"][a["instrument"]]}
        if name == "job":
            return {"job": a["job"], "scheduled_for": state["jobs"][a["job"]], "site": "Hall B"}
        if name == "assign_instrument":
            state["assigned"].append([a["instrument"], a["job"]])
            return {"assigned": a["instrument"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"instrument": ["instrument"], "job": ["job"], "assign_instrument": ["instrument", "job"]})
        return reg


async def solve_assign(p: dict[str, Any], calls: Calls) -> str:
    ins, job = await calls([("instrument", {"instrument": p["instrument"]}), ("job", {"job": p["job"]})])
    gap = (dt.date.fromisoformat(job["scheduled_for"]) - dt.date.fromisoformat(ins["calibrated_on"])).days
    if 0 <= gap < 180:
        await calls([("assign_instrument", {"instrument": p["instrument"], "job": p["job"]})])
        return f"{p['instrument']} assigned to {p['job']}."
    return f"Not assigned: {p['instrument']} is out of calibration on the job's date."


ASSIGN = Family("assign", "Assign instrument {instrument} to job {job}", solve_assign, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = LabWorld()
    h.registry = h.world.registry()
    return h


def _run(h: Harness, ins: str, cal: str, job: str, when: str) -> dict[str, str]:
    h.world.state["instruments"][ins] = cal
    h.world.state["jobs"][job] = when
    return {"instrument": ins, "job": job}


async def test_days_between_dates_of_two_steps_results_stay_inside_the_evidence(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # calibrations 2026-01-10..2026-09-01, jobs 2026-02-01..2026-12-20, 22..170 days apart: assigned
    for ins, cal, job, when in [
        ("TQ-101", "2026-01-10", "J-501", "2026-02-01"),
        ("TQ-102", "2026-09-01", "J-502", "2026-12-20"),
        ("TQ-103", "2026-05-05", "J-503", "2026-10-22"),
        ("TQ-104", "2026-03-15", "J-504", "2026-06-01"),
    ]:
        await run_ok(h, ASSIGN, _run(h, ins, cal, job, when))
    out = await h.run(ASSIGN, _run(h, "TQ-105", "2026-04-01", "J-505", "2026-07-01"))  # 91 days: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # both dates among those seen, 260 days apart: the model is called before the write
    out = await h.run(ASSIGN, _run(h, "TQ-106", "2026-02-01", "J-506", "2026-10-19"))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["TQ-106", "J-506"] not in h.world.state["assigned"]
    assert "step 1's calibrated_on" in str(out.trace.events)
    # the job before the calibration (a negative gap, each date inside): the model again (a guided
    # run now, after the stop above, or a replay stopped the same way)
    out = await h.run(ASSIGN, _run(h, "TQ-107", "2026-08-20", "J-507", "2026-08-10"))
    assert out.correct and out.llm_calls > 0
    assert ["TQ-107", "J-507"] not in h.world.state["assigned"]
