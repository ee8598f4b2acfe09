"""Rule 1, what is left: the goal's order with the difference of two numbers of one result, either way round.

A garage admits a coach party while there are spaces left: spaces - occupied. Its record lists what is
occupied BEFORE how many spaces there are, so the difference the relations took (occupied - spaces,
negative in every run) told nothing: a party of 60, more than any run asked for, with 50 spaces left was
admitted. Each single number kept its order (60 under the spaces, under what is occupied); only what is
left says no. (A party past every party seen now goes to the model before any call, `_goal_quantities`;
the order with what is left still stops one inside them.)
(`families_amounts.py` am_pour found it: poured today listed before the pump's daily capacity.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class GarageWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(garages={}, admitted=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "garage":
            occupied, spaces = state["garages"][a["garage"]]
            return {"garage": a["garage"], "occupied": occupied, "spaces": spaces, "operator": "ParkCo"}
        if name == "admit":
            state["admitted"].append([a["garage"], a["cars"]])
            return {"garage": a["garage"], "status": "admitted"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"garage": ["garage"], "admit": ["garage", "cars"]})
        return reg


async def solve_admit(p: dict[str, Any], calls: Calls) -> str:
    (garage,) = await calls([("garage", {"garage": p["garage"]})])
    if p["cars"] <= garage["spaces"] - garage["occupied"]:
        await calls([("admit", {"garage": p["garage"], "cars": p["cars"]})])
        return f"Admitted {p['cars']} cars to {p['garage']}."
    return f"Not admitted: {p['garage']} has too few spaces left."


ADMIT = Family("admit", "Admit {cars} cars to garage {garage}", solve_admit, nothing)


async def test_a_goal_number_keeps_its_order_with_what_is_left_whichever_number_comes_first(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = GarageWorld()
    h.registry = h.world.registry()

    def goal(garage: str, occupied: int, spaces: int, cars: int) -> dict[str, Any]:
        h.world.state["garages"][garage] = (occupied, spaces)
        return {"garage": garage, "cars": cars}

    # 10..90 cars, 70..200 spaces left every time, always more than the party
    for args in [("Quay", 100, 200, 10), ("Forum", 50, 250, 90), ("Depot", 50, 120, 20), ("Mill", 120, 220, 60)]:
        await run_ok(h, ADMIT, goal(*args))
    out = await h.run(ADMIT, goal("Arena", 90, 180, 15))  # 90 left: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # 85 cars (inside the parties seen), 120 occupied and 200 spaces each inside what the runs saw, 80
    # spaces left (inside the 70..200 left the runs saw, so the record's own difference passes), 85 under
    # both: only the order of the goal with what is left says no
    out = await h.run(ADMIT, goal("Pier", 120, 200, 85))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["Pier", 85] not in h.world.state["admitted"]
    assert "(step 0 result spaces - step 0 result occupied)" in str(out.trace.events)
