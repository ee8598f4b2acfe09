"""Rule 1's orders under a unit conversion: a goal number against a result number in another unit.

A pool opens to swimmers only while its water is warmer than the goal's limit, in Fahrenheit; the pool's
sensor reads Celsius. In every supporting run the water was colder than the limit (not opened), and the
plain order of the limit and the reading (76 > 25) holds whatever the water: each value, and the product,
ratio, difference and sum of the two, may lie inside what the runs saw while the water (25 C = 77 F) is
warmer than 76 F. The order of the limit with the reading converted (`_envelope_units`) held one way in
every supporting run and flips: the replay stops, and the model decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk


class PoolWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(pools={}, opened=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "pool":
            return {"pool": a["pool"], "water_c": state["pools"][a["pool"]]}
        if name == "open_pool":
            state["opened"].append(a["pool"])
            return {"opened": a["pool"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"pool": ["pool"], "open_pool": ["pool"]})
        tool = reg.get(PREFIX + "pool")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve_open(p: dict[str, Any], calls: Calls) -> str:
    (pool,) = await calls([("pool", {"pool": p["pool"]})])
    if pool["water_c"] * 1.8 + 32 > float(p["limit"]):
        await calls([("open_pool", {"pool": p["pool"]})])
        return f"Pool {p['pool']} opened."
    return f"Pool {p['pool']} is too cold; not opened."


OPEN = Family("open", "Open pool {pool} to swimmers if its water is warmer than {limit} F", solve_open, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PoolWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def test_a_limit_in_fahrenheit_against_a_reading_in_celsius(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # every run colder than its limit: 26 C (78.8 F) < 84 F, 20 C < 70 F, ... not opened
    for n, (limit, water) in enumerate([(84, 26), (70, 20), (80, 24), (72, 18), (86, 29)]):
        h.world.state["pools"][f"PL-{n + 11}"] = water
        await run_ok(h, OPEN, {"pool": f"PL-{n + 11}", "limit": limit})
    h.world.state["pools"]["PL-13"] = 22  # 71.6 F < 78 F: colder, every order as before, replayed
    out = await h.run(OPEN, {"pool": "PL-13", "limit": 78})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    h.world.state["pools"]["PL-14"] = 25  # 77 F > 76 F: each value, product, ratio, difference, sum inside
    out = await h.run(OPEN, {"pool": "PL-14", "limit": 76})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["opened"] == ["PL-14"]
