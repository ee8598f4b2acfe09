"""Rule 1 for a goal number against what is left: the difference of two numbers of one result.

"Reserve 60 spaces in garage G7" after a status "140 spaces, 85 taken": the capacity and the count
taken each stay inside what the supporting runs saw, the goal number stays below both as it always
did, yet it passes the 55 spaces left, which no supporting run did. The replay stops before the write
and the model decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, World, nothing, run_ok, stopped_outside_evidence, world_harness


class GarageWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(garages={}, bookings=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "garage_status":
            spaces, taken = state["garages"][a["garage"]]
            return f"Garage {a['garage']}: {spaces} spaces, {taken} taken"
        if name == "reserve_spaces":  # the garage does not refuse: a wrong replay overbooks it
            state["bookings"].append([a["garage"], a["count"]])
            state["garages"][a["garage"]][1] += a["count"]
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"garage_status": ["garage"], "reserve_spaces": ["garage", "count"]})
        return reg


async def solve_reserve(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("garage_status", {"garage": p["garage"]})])
    spaces, taken = (int(w) for w in str(text).split(": ")[1].replace(",", "").split()[0:3:2])
    if p["count"] <= spaces - taken:
        await calls([("reserve_spaces", {"garage": p["garage"], "count": p["count"]})])
        return f"Reserved {p['count']} spaces in {p['garage']}."
    return f"Only {spaces - taken} spaces are free in {p['garage']}."


RESERVE = Family("reserve", "Reserve {count} spaces in garage {garage}", solve_reserve, nothing)


async def _learned(tmp: Path) -> Any:
    h = world_harness(tmp, GarageWorld())
    # 5..70 spaces reserved, always fewer than the 40..150 left (a count past every count seen would go to
    # the model before any call: a goal amount a write takes, `_goal_quantities`)
    rows = [("G1", 5, [100, 60]), ("G2", 70, [200, 50]), ("G3", 8, [150, 90]), ("G4", 30, [110, 70])]
    for garage, count, row in rows:
        h.world.state["garages"][garage] = row
        await run_ok(h, RESERVE, {"garage": garage, "count": count})
    return h


async def test_a_goal_number_past_what_is_left_stops_before_the_write(tmp_path: Path) -> None:
    h = await _learned(tmp_path)
    h.world.state["garages"]["G7"] = [140, 85]  # both inside what the runs saw; 60 < 85 < 140 as always
    out = await h.run(RESERVE, {"garage": "G7", "count": 60})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert [c.name for c in out.trace.tool_calls] == [PREFIX + "garage_status"]
    assert h.world.state["garages"]["G7"] == [140, 85]
    assert " - " in str(out.trace.events)  # the difference is named


async def test_a_goal_number_inside_what_is_left_still_replays(tmp_path: Path) -> None:
    h = await _learned(tmp_path)
    h.world.state["garages"]["G8"] = [130, 80]
    assert await run_ok(h, RESERVE, {"garage": "G8", "count": 9}) == "follower"
    assert h.world.state["garages"]["G8"] == [130, 89]
