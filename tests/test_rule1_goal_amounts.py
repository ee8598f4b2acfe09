"""Rule 1 for a goal amount with a result number: its ratio whatever the two scales, its difference, its sum.

An amount the goal asks to write lands in what a read described: lime spread per hectare of a field,
the litres a tanker delivers to fill a tank to a level, a driver's hours this week with the shift
booked. Each number lies inside what the supporting runs saw, and so does their product, while the
quantity a hidden limit reads from the two does not: the replay stops before the write and the model
decides. (Held-out round V found the same on alum dosed per m3 of a basin, the kilograms and the m3 of
two scales, and on lunch cards topped up past a hidden limit on the top-up: target - balance.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class DepotWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(fields={}, limed=[], tanks={}, drivers={}, shifts=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "field":
            return {"field": a["field"], "hectares": state["fields"][a["field"]], "soil": "clay loam"}
        if name == "spread_lime":
            state["limed"].append([a["field"], a["kg"]])
            return {"field": a["field"], "status": "spread"}
        if name == "tank":
            return {"tank": a["tank"], "level_litres": state["tanks"][a["tank"]], "fuel": "heating oil"}
        if name == "fill_tank":
            state["tanks"][a["tank"]] = a["litres"]
            return {"tank": a["tank"], "status": "filled"}
        if name == "driver":
            return {"driver": a["driver"], "hours_this_week": state["drivers"][a["driver"]], "licence": "C+E"}
        if name == "assign_shift":
            state["shifts"].append([a["driver"], a["hours"]])
            return {"driver": a["driver"], "status": "assigned"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "field": ["field"],
                "spread_lime": ["field", "kg"],
                "tank": ["tank"],
                "fill_tank": ["tank", "litres"],
                "driver": ["driver"],
                "assign_shift": ["driver", "hours"],
            },
        )
        return reg


async def solve_lime(p: dict[str, Any], calls: Calls) -> str:
    (field,) = await calls([("field", {"field": p["field"]})])
    if p["kg"] / field["hectares"] <= 450:  # kg of lime per hectare
        await calls([("spread_lime", {"field": p["field"], "kg": p["kg"]})])
        return f"Spread {p['kg']} kg of lime on {p['field']}."
    return f"Not spread: over 450 kg per hectare on {p['field']}."


async def solve_fill(p: dict[str, Any], calls: Calls) -> str:
    (tank,) = await calls([("tank", {"tank": p["tank"]})])
    if p["litres"] - tank["level_litres"] <= 580:  # what one tanker carries
        await calls([("fill_tank", {"tank": p["tank"], "litres": p["litres"]})])
        return f"Tank {p['tank']} filled to {p['litres']} litres."
    return f"Not filled: tank {p['tank']} needs more than one tanker."


async def solve_shift(p: dict[str, Any], calls: Calls) -> str:
    (driver,) = await calls([("driver", {"driver": p["driver"]})])
    if driver["hours_this_week"] + p["hours"] <= 50:  # a weekly cap on driving hours
        await calls([("assign_shift", {"driver": p["driver"], "hours": p["hours"]})])
        return f"Assigned a {p['hours']} hour shift to {p['driver']}."
    return f"Not assigned: {p['driver']} would drive over 50 hours this week."


LIME = Family("lime", "Spread {kg} kg of lime on field {field}", solve_lime, nothing)
FILL = Family("fill", "Fill tank {tank} to {litres} litres", solve_fill, nothing)
SHIFT = Family("shift", "Assign a {hours} hour shift to driver {driver}", solve_shift, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = DepotWorld()
    h.registry = h.world.registry()
    return h


async def test_the_ratio_of_a_goal_amount_is_checked_whatever_the_scales(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(field: str, ha: float, kg: int) -> dict[str, Any]:
        h.world.state["fields"][field] = ha
        return {"field": field, "kg": kg}

    # 500..4000 kg on 2..10 ha: 250..400 kg per hectare (kg and ha far from one scale)
    for args in [("Oak", 2.0, 500), ("Elm", 10.0, 4000), ("Ash", 6.0, 1800), ("Yew", 4.0, 1200)]:
        await run_ok(h, LIME, goal(*args))
    out = await h.run(LIME, goal("Fir", 5.0, 1500))  # 300 kg/ha: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # 2400 kg and 4 ha each inside what the runs saw, so is their product (9600 in 1000..40000):
    # 600 kg per hectare, past every run's, and past the hidden limit
    out = await h.run(LIME, goal("Pine", 4.0, 2400))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["Pine", 2400] not in h.world.state["limed"]
    assert "ratio of the goal's number #1 and hectares" in str(out.trace.events)


async def test_a_goal_amount_minus_a_result_number_stays_inside_the_evidence(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(tank: str, level: int, litres: int) -> dict[str, Any]:
        h.world.state["tanks"][tank] = level
        return {"tank": tank, "litres": litres}

    # fills of 300..550 litres (800 from 500, 1500 from 950, ...)
    for args in [("North", 500, 800), ("South", 950, 1500), ("East", 700, 1200), ("West", 600, 1000)]:
        await run_ok(h, FILL, goal(*args))
    out = await h.run(FILL, goal("Mill", 650, 1100))  # 450 litres: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # 1500 and 900 each inside, their ratio and product too: 600 litres to deliver, past every run's
    out = await h.run(FILL, goal("Barn", 900, 1500))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["tanks"]["Barn"] == 900
    assert "the goal's number #1 - level_litres" in str(out.trace.events)


async def test_a_goal_amount_plus_a_result_number_stays_inside_the_evidence(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(driver: str, week: int, hours: int) -> dict[str, Any]:
        h.world.state["drivers"][driver] = week
        return {"driver": driver, "hours": hours}

    # 36..50 hours with the shift (2 after 44, 10 after 40, ...)
    for args in [("Ines", 44, 2), ("Omar", 40, 10), ("Pavel", 30, 6), ("Rosa", 36, 4)]:
        await run_ok(h, SHIFT, goal(*args))
    out = await h.run(SHIFT, goal("Sven", 38, 5))  # 43 hours: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # 9 hours after 44 each inside, their product, ratio and difference too: 53 hours, past every run's
    out = await h.run(SHIFT, goal("Tara", 44, 9))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["Tara", 9] not in h.world.state["shifts"]
    assert "the goal's number #1 + hours_this_week" in str(out.trace.events)
