"""An answer is judged only against the runs its template fits (issue 9, rule 5 with rule 1; envA).

A run whose answer the template does not fit (the model counted, summed or picked otherwise over its
results: a parcel already collected, a weight in pounds) starts the template again, and after enough
agreeing runs the template is said again. Rule 1's envelope still held what the contradicting run's
results showed (a state "collected", a unit "lb" at a position), so a later result like it looked seen,
and a replay stated the template's figure where the model had answered otherwise. The answer's envelope
(`_seen_answer`: `PlanStep.fit_seen`) holds only the runs the template fits. Other domains than the
probe that found it (a pool's temperature log, `test_replay_answer_template_outlives_misfit.py`): parcel
lockers (a count, a read-only plan) and a consignment shipped by a write whose answer states its weight.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, round_half_up, world_harness

from llmos.learning._plan_json import plan_json
from llmos.learning.engine import LearningEngine
from llmos.learning.plans import Plan
from llmos.learning.risk import registry_risk

LB = 0.45359237


class DepotWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(banks={}, consignments={}, shipped=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "locker_bank":
            return {"bank": a["bank"], "parcels": state["banks"][a["bank"]]}
        if name == "consignment":
            return {"consignment": a["consignment"], "parcels": state["consignments"][a["consignment"]]}
        if name == "ship":
            state["shipped"].append(a["consignment"])
            return {"shipped": a["consignment"], "status": "booked"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"locker_bank": ["bank"], "consignment": ["consignment"], "ship": ["consignment"]})
        for read in ("locker_bank", "consignment"):
            reg.get(PREFIX + read).metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve_waiting(p: dict[str, Any], calls: Calls) -> str:
    (bank,) = await calls([("locker_bank", {"bank": p["bank"]})])
    waiting = sum(1 for x in bank["parcels"] if x["state"] == "waiting")
    return f"{waiting} parcels are ready for pick-up at locker bank {p['bank']}."


WAITING = Family("waiting", "How many parcels are waiting at locker bank {bank}?", solve_waiting, nothing)


async def solve_ship(p: dict[str, Any], calls: Calls) -> str:
    (c,) = await calls([("consignment", {"consignment": p["consignment"]})])
    (s,) = await calls([("ship", {"consignment": p["consignment"]})])
    kg = round_half_up(sum(x["w"] * LB if x["unit"] == "lb" else x["w"] for x in c["parcels"]), 1)
    return f"Consignment {s['shipped']} is booked: {kg} kilograms in all."


SHIP = Family("ship", "Ship consignment {consignment}", solve_ship, nothing)


def lockers(*states: str) -> list[dict[str, Any]]:
    return [{"locker": f"L{k + 1}", "days": 1 + k % 2, "state": s} for k, s in enumerate(states)]


def parcels(*weights: tuple[float, str]) -> list[dict[str, Any]]:
    return [{"parcel": f"P{k + 1}", "w": w, "unit": u} for k, (w, u) in enumerate(weights)]


async def _learn(h: Harness, w: DepotWorld, family: Family, key: str, table: str, runs: list[tuple[str, Any]]) -> None:
    for name, rows in runs:
        w.state[table][name] = rows
        out = await h.run(family, {key: name})
        assert out.correct and out.trace.success, out.trace.events


async def test_a_count_is_not_said_of_a_list_with_a_state_only_the_contradicting_run_showed(tmp_path: Path) -> None:
    w = DepotWorld()
    h = world_harness(tmp_path, w)
    h.engine.risk_of = registry_risk(h.registry)
    runs = [
        ("B-11", lockers("waiting", "waiting", "waiting")),
        ("B-12", lockers("waiting", "waiting")),
        ("B-13", lockers("waiting", "collected", "waiting")),  # the model counted 2, not 3: the template starts again
        ("B-14", lockers("waiting", "waiting", "waiting")),
        ("B-15", lockers("waiting", "waiting")),
        ("B-16", lockers("waiting", "waiting", "waiting")),
        ("B-17", lockers("waiting", "waiting", "waiting")),
        ("B-18", lockers("waiting", "waiting")),
    ]
    await _learn(h, w, WAITING, "bank", "banks", runs)
    w.state["banks"]["B-20"] = lockers("waiting", "waiting", "waiting")  # a bank like the agreeing ones: replayed
    out = await h.run(WAITING, {"bank": "B-20"})
    assert (
        out.trace.mode == "follower" and out.trace.output == "3 parcels are ready for pick-up at locker bank B-20."
    ), (
        out.trace.mode,
        out.trace.events,
    )
    w.state["banks"]["B-21"] = lockers("waiting", "collected", "waiting")
    out = await h.run(WAITING, {"bank": "B-21"})
    # without the rule: follower, "3 parcels are ready ..." ('collected' at parcels[1] was seen)
    assert out.trace.output == "2 parcels are ready for pick-up at locker bank B-21.", (
        out.trace.mode,
        out.trace.output,
    )


async def test_a_written_consignments_weight_is_not_said_of_a_parcel_in_pounds(tmp_path: Path) -> None:
    w = DepotWorld()
    h = world_harness(tmp_path, w)
    h.engine.risk_of = registry_risk(h.registry)
    runs = [
        ("C-201", parcels((4.0, "kg"), (9.5, "kg"), (2.5, "kg"))),
        ("C-202", parcels((12.0, "kg"), (20.0, "kg"), (6.5, "kg"))),
        ("C-203", parcels((5.0, "kg"), (15.0, "lb"), (3.0, "kg"))),  # 15 lb is 6.8 kg: not the raw sum
        ("C-204", parcels((7.0, "kg"), (11.0, "kg"), (4.5, "kg"))),
        ("C-205", parcels((9.0, "kg"), (16.5, "kg"), (3.5, "kg"))),
        ("C-206", parcels((6.0, "kg"), (13.0, "kg"), (5.5, "kg"))),
        ("C-207", parcels((10.5, "kg"), (18.0, "kg"), (2.5, "kg"))),
        ("C-208", parcels((8.0, "kg"), (12.5, "kg"), (6.0, "kg"))),
    ]
    await _learn(h, w, SHIP, "consignment", "consignments", runs)
    w.state["consignments"]["C-210"] = parcels((7.5, "kg"), (14.0, "lb"), (4.0, "kg"))  # 14 lb is 6.35 kg
    out = await h.run(SHIP, {"consignment": "C-210"})
    assert out.correct and w.state["shipped"][-1] == "C-210"  # the write is right either way
    # without the rule: follower, "... 25.5 kilograms in all." (the raw sum; 'lb' at parcels[1] was seen)
    assert out.trace.output == "Consignment C-210 is booked: 17.9 kilograms in all.", (out.trace.mode, out.trace.output)


async def test_the_envelope_of_the_runs_a_template_fits_is_stored_with_the_plan(tmp_path: Path) -> None:
    w = DepotWorld()
    h = world_harness(tmp_path, w)
    h.engine.risk_of = registry_risk(h.registry)
    runs = [
        ("B-31", lockers("waiting", "waiting", "waiting")),
        ("B-32", lockers("waiting", "waiting")),
        ("B-33", lockers("waiting", "collected", "waiting")),
        *[(f"B-3{k}", lockers("waiting", "waiting", "waiting")[: 2 + k % 2]) for k in range(4, 9)],
    ]
    await _learn(h, w, WAITING, "bank", "banks", runs)
    (plan,) = [p for p in h.engine.index.plans.values() if p.fit_runs]
    text = plan_json(plan)
    assert text == json.dumps(plan.to_dict(), default=str)  # the stored row, character for character
    back = Plan.from_dict(json.loads(text))
    assert (back.fit_runs, back.fit_ref) == (plan.fit_runs, plan.fit_ref)
    assert [s.fit_seen for s in back.steps] == json.loads(json.dumps([s.fit_seen for s in plan.steps]))
    h.engine = LearningEngine(h.db, h.config.learning)  # a new process: the plans as stored
    h.engine.risk_of = registry_risk(h.registry)
    w.state["banks"]["B-41"] = lockers("waiting", "collected", "waiting")
    out = await h.run(WAITING, {"bank": "B-41"})
    assert out.trace.output == "2 parcels are ready for pick-up at locker bank B-41.", (
        out.trace.mode,
        out.trace.output,
    )
