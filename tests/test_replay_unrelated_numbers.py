"""Rule 1 for the numbers past the ones whose orders are recorded (`_envelope_unrelated`).

The orders of a run's numbers are recorded over at most `MAX_NUMBERS_PER_STEP` numbers of a result: a
fridge that reports 24 hourly readings before its vacant slots left the slots out, and a replay stored
43 boxes in a fridge with 40 slots vacant, each number inside what the runs saw
(`bench/families_heldout23b.py`). A number out of reach that varied in the runs now stops the replay
before the write; numbers out of reach that were the same in every run do not.

(rate13) The orders of the numbers past the cap are now recorded too, on a budget of their own
(`_envelope_unrelated.late_relations`): the slots after 24 readings are checked by their recorded order
with the goal's boxes, and a fridge with room replays. Only a number whose orders do not fit the budget
(a result of many more numbers) still stops the replay whenever it varied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import _plan_codec
from llmos.learning import explain as ex
from llmos.learning._envelope_facts import MAX_NUMBERS_PER_STEP
from llmos.learning._envelope_unrelated import MAX_LATE_RELATIONS, late_relations, recorded_late, unrelated_problem
from llmos.learning.goals import tokenize


class FridgeWorld(World):
    def __init__(self, seed: int = 0, slots_first: bool = False, readings: int = 24) -> None:
        super().__init__(seed)
        self.slots_first = slots_first
        self.readings = readings
        self.state.update(fridges={}, stored=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "fridge_status":
            row: dict[str, Any] = {"fridge": a["fridge"]}
            if self.slots_first:
                row["vacant_slots"] = state["fridges"][a["fridge"]]
            row.update({f"t{h:03d}": 4.0 for h in range(self.readings)})  # the same readings in every run
            row["vacant_slots"] = state["fridges"][a["fridge"]]
            return row
        if name == "store_boxes":  # the fridge does not refuse: a wrong replay overfills it
            state["stored"].append([a["fridge"], a["boxes"]])
            return {"stored": a["boxes"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"fridge_status": ["fridge"], "store_boxes": ["fridge", "boxes"]})
        return reg


async def solve_store(p: dict[str, Any], calls: Calls) -> str:
    (row,) = await calls([("fridge_status", {"fridge": p["fridge"]})])
    if p["boxes"] <= row["vacant_slots"]:
        await calls([("store_boxes", {"fridge": p["fridge"], "boxes": p["boxes"]})])
        return f"Stored {p['boxes']} boxes in {p['fridge']}."
    return f"No room in {p['fridge']}: {row['vacant_slots']} slots vacant."


STORE = Family("store", "Store {boxes} boxes in fridge {fridge}", solve_store, nothing)


def harness(tmp: Path, slots_first: bool = False, readings: int = 24) -> Harness:
    h = Harness(tmp)
    h.world = FridgeWorld(slots_first=slots_first, readings=readings)
    h.registry = h.world.registry()
    return h


async def _learn(h: Harness) -> None:
    # boxes 15..54 and vacant slots 23..60 are seen, always boxes <= slots
    for fridge, boxes, vacant in [("F1", 15, 23), ("F2", 54, 60), ("F3", 32, 46), ("F4", 40, 54)]:
        h.world.state["fridges"][fridge] = vacant
        await run_ok(h, STORE, {"fridge": fridge, "boxes": boxes})


async def test_a_number_past_the_cap_keeps_its_recorded_order_with_the_goal(tmp_path: Path) -> None:
    assert MAX_NUMBERS_PER_STEP < 24
    h = harness(tmp_path)
    await _learn(h)
    h.world.state["fridges"]["F5"] = 50  # room for 20 boxes: the order every run saw (boxes <= slots)
    assert await run_ok(h, STORE, {"fridge": "F5", "boxes": 20}) == "follower"
    assert ["F5", 20] in h.world.state["stored"]
    h.world.state["fridges"]["F6"] = 40  # inside [23, 60]; 43 boxes inside [15, 54]; 43 > 40
    out = await h.run(STORE, {"fridge": "F6", "boxes": 43})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert next(c.name for c in out.trace.tool_calls) == PREFIX + "fridge_status"
    assert ["F6", 43] not in h.world.state["stored"]
    assert "goal number #1 < step 0 result vacant_slots in every supporting run, but not now" in str(out.trace.events)


async def test_a_number_whose_orders_do_not_fit_the_budget_stops_before_the_write(tmp_path: Path) -> None:
    readings = 40  # 41 numbers: the slots' orders with the 40 readings before them do not all fit the budget
    assert sum(2 + j for j in range(MAX_NUMBERS_PER_STEP, readings + 1)) > MAX_LATE_RELATIONS
    h = harness(tmp_path, readings=readings)
    await _learn(h)
    h.world.state["fridges"]["F5"] = 50  # room, but the slots' order with the boxes was never recorded
    out = await h.run(STORE, {"fridge": "F5", "boxes": 20})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "whose orders rule 1 records" in str(out.trace.events)
    assert ["F5", 20] in h.world.state["stored"]  # the model stored them


async def test_numbers_past_the_recorded_orders_that_never_changed_leave_the_replay(tmp_path: Path) -> None:
    h = harness(tmp_path, slots_first=True)  # the slots come first: their order with the goal is recorded
    await _learn(h)
    h.world.state["fridges"]["F5"] = 50
    assert await run_ok(h, STORE, {"fridge": "F5", "boxes": 20}) == "follower"
    h.world.state["fridges"]["F6"] = 40  # the recorded order stops this one, as before
    out = await h.run(STORE, {"fridge": "F6", "boxes": 43})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "in every supporting run, but not now" in str(out.trace.events)


class ListFridgeWorld(FridgeWorld):
    """The readings come as a list whose length varies from run to run, before the vacant slots."""

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "fridge_status":
            vacant = state["fridges"][a["fridge"]]
            readings = [4.0 + h % 3 for h in range(self.readings)]
            return {"fridge": a["fridge"], "readings": readings, "vacant_slots": vacant}
        return super().apply(state, name, a)


async def test_a_late_number_whose_orders_the_first_run_did_not_record_is_still_checked(tmp_path: Path) -> None:
    # The plan's relations come from its first run: 40 readings, where the slots' orders do not fit the
    # budget. Later runs show 16 readings, where they would: the live run's budget reaches the slots
    # (`late_relations`), though no order of theirs was recorded. The goal's ratio with the slots
    # (`_seen_pairs`, a range on every goal number against every result number) is what stops 43 boxes
    # for 40 slots; this test holds that some rule does (the lead's probe of a possible hole, stop 31).
    h = Harness(tmp_path)
    h.world = ListFridgeWorld(readings=40)
    h.registry = h.world.registry()
    runs = [("F1", 15, 23, 40), ("F2", 54, 60, 16), ("F3", 32, 46, 16), ("F4", 40, 54, 40), ("F7", 20, 33, 16)]
    for fridge, boxes, vacant, n in runs:
        h.world.state["fridges"][fridge] = vacant
        assert isinstance(h.world, ListFridgeWorld)
        h.world.readings = n
        await run_ok(h, STORE, {"fridge": fridge, "boxes": boxes})
    h.world.readings = 16
    h.world.state["fridges"]["F6"] = 40  # inside [23, 60]; 43 boxes inside [15, 54]; 43 > 40
    out = await h.run(STORE, {"fridge": "F6", "boxes": 43})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["F6", 43] not in h.world.state["stored"]


async def test_the_late_numbers_reached_are_those_whose_orders_the_plan_recorded(tmp_path: Path) -> None:
    # The same plan as above, checked directly: with 16 live readings the live budget reaches the slots
    # (`late_relations`), but the plan's orders come from its first run (40 readings), whose budget did not:
    # the slots are not reached (`recorded_late`), and, varying, they stop the replay before the write.
    h = Harness(tmp_path)
    h.world = ListFridgeWorld(readings=40)
    h.registry = h.world.registry()
    for fridge, boxes, vacant, n in [("F1", 15, 23, 40), ("F2", 54, 60, 16), ("F3", 32, 46, 16)]:
        h.world.state["fridges"][fridge] = vacant
        assert isinstance(h.world, ListFridgeWorld)
        h.world.readings = n
        await run_ok(h, STORE, {"fridge": fridge, "boxes": boxes})
    (plan,) = [p for p in h.engine.plans() if p.steps and p.steps[0].name == PREFIX + "fridge_status"]
    plan = _plan_codec.from_dict(type(plan), _plan_codec.to_dict(plan))  # as a server reads it back
    row = {"fridge": "F6", "readings": [4.0 + k % 3 for k in range(16)], "vacant_slots": 40}
    env = ex.Env(tokenize("Store 20 boxes in fridge F6"), [json.dumps(row)], [row])
    slots = ("res", 0, ("vacant_slots",))
    assert slots in late_relations(env, [s.echo_paths for s in plan.steps])[1]  # the live budget reaches it
    assert slots not in recorded_late(plan, {slots})  # no order of it was recorded
    why = unrelated_problem(plan, env, 0)
    assert why is not None and "vacant_slots" in why
