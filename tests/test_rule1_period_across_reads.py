"""Rule 1 for a date a period implies, when the period is another read's (`_seen_periods.across_reads`,
"~xend") and for that date itself ("~end"): a date a result implies is range-checked like a date it shows.

A climbing harness's last inspection (one read) and its model's inspection interval in days (another
read: the model's spec) each lie inside what the supporting runs saw, while the date the inspection
runs out (the one plus the other) falls before every date a supporting run's ran out: the harness is
lent in every supporting run and must not be now. No other date is there to pair it with, so the date
itself is the quantity. (The probe that found this: a pipette's calibration date and its model's
calibration interval, `bench/families_heldout20.py` h20_pipette; main signed the assays off.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

INTERVALS = {"Alpha": 90, "Beta": 180, "Gamma": 365}


class GearWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(harnesses={}, lent=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "harness_record":
            model, inspected = state["harnesses"][a["harness"]]
            return {"harness": a["harness"], "model": model, "inspected": inspected}
        if name == "model_spec":
            return {"model": a["model"], "inspection_interval_days": INTERVALS[a["model"]]}
        if name == "lend_harness":
            state["lent"].append(a["harness"])
            return {"status": "lent"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"harness_record": ["harness"], "model_spec": ["model"], "lend_harness": ["harness"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = GearWorld()
    h.registry = h.world.registry()
    return h


def _valid(inspected: str, days: int) -> bool:
    import datetime as dt

    return dt.date.fromisoformat(inspected) + dt.timedelta(days=days) >= dt.date(2026, 12, 3)


async def solve_lend(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("harness_record", {"harness": p["harness"]})])
    (spec,) = await calls([("model_spec", {"model": r["model"]})])
    if _valid(r["inspected"], spec["inspection_interval_days"]):
        await calls([("lend_harness", {"harness": p["harness"]})])
        return f"Harness {p['harness']} lent."
    return f"Harness {p['harness']} not lent: its inspection ran out."


LEND = Family("lend", "Lend out climbing harness {harness}", solve_lend, nothing)


async def test_a_period_of_another_read_keeps_its_end_inside_the_ends_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(n: int, model: str, inspected: str) -> dict[str, str]:
        h.world.state["harnesses"][f"H{n}"] = [model, inspected]
        return {"harness": f"H{n}"}

    # inspected 2026-02-06 .. 2026-11-13, running out 2027-01-02 .. 2027-02-11: every harness lent
    runs = [
        (1, "Alpha", "2026-11-13"),
        (2, "Gamma", "2026-02-06"),
        (3, "Beta", "2026-07-06"),
        (4, "Alpha", "2026-10-04"),
    ]
    for n, model, inspected in runs:
        await run_ok(h, LEND, goal(n, model, inspected))
    out = await h.run(LEND, goal(5, "Beta", "2026-08-01"))  # runs out 2027-01-28: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    # an Alpha inspected 2026-08-05 (a date inside those seen, a model seen): ran out 2026-11-03
    out = await h.run(LEND, goal(6, "Alpha", "2026-08-05"))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "H6" not in h.world.state["lent"]
    assert "inspection_interval_days" in str(out.trace.events)


class RopeWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(ropes={}, used=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "rope_record":
            maker, bought = state["ropes"][a["rope"]]
            return {"rope": a["rope"], "maker": maker, "first_used": bought}
        if name == "maker_notice":
            years = {"Edelrid": 5, "Beal": 10}[a["maker"]]
            return f"{a['maker']} dynamic ropes: retire after {years} years of use, however little."
        if name == "use_rope":
            state["used"].append(a["rope"])
            return {"status": "in use"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"rope_record": ["rope"], "maker_notice": ["maker"], "use_rope": ["rope"]})
        return reg


async def solve_use(p: dict[str, Any], calls: Calls) -> str:
    import datetime as dt

    (r,) = await calls([("rope_record", {"rope": p["rope"]})])
    (notice,) = await calls([("maker_notice", {"maker": r["maker"]})])
    years = int(notice.split("after ")[1].split(" ")[0])
    first = dt.date.fromisoformat(r["first_used"])
    if dt.date(first.year + years, first.month, first.day) >= dt.date(2026, 12, 3):
        await calls([("use_rope", {"rope": p["rope"]})])
        return f"Rope {p['rope']} in use."
    return f"Rope {p['rope']} retired: past its maker's limit."


USE = Family("use", "Put rope {rope} into use", solve_use, nothing)


async def test_a_period_a_text_of_another_read_states(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = RopeWorld()
    h.registry = h.world.registry()

    def goal(n: int, maker: str, first: str) -> dict[str, str]:
        h.world.state["ropes"][f"R{n}"] = [maker, first]
        return {"rope": f"R{n}"}

    # first used 2018-05-01 .. 2024-03-10, retiring 2028-01-15 .. 2029-03-10: every rope used
    for n, maker, first in [(1, "Edelrid", "2024-03-10"), (2, "Beal", "2018-05-01"), (3, "Edelrid", "2023-01-15")]:
        await run_ok(h, USE, goal(n, maker, first))
    await run_ok(h, USE, goal(4, "Beal", "2019-02-01"))
    out = await h.run(USE, goal(5, "Edelrid", "2023-09-01"))  # retires 2028-09-01: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    # an Edelrid first used 2020-06-01 (a date inside those seen, a maker seen): retired 2025-06-01
    out = await h.run(USE, goal(6, "Edelrid", "2020-06-01"))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "R6" not in h.world.state["used"]
