"""Rule 1 for the last items of a list, keyed by their place from the end (`_seen_roles.from_end`).

A boiler's pressure log comes oldest first and of any length; the boiler restarts only when its two
latest readings are under 3 bar. Earlier, longer logs filled every index with older readings up to 4.5
bar, so a latest reading of 3.6 lay inside what its index saw and main restarted the boiler (the probe:
a chairlift's three latest gusts, `bench/families_heldout25.py` h25_chair, seed 41). The last items are
now also recorded and checked by their place from the end ("@-1": the latest).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._seen_roles import from_end, lengths
from llmos.learning.risk import registry_risk


class BoilerWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(logs={}, restarted=[], engineer=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "pressure_log":
            return {"boiler": a["boiler"], "bar": state["logs"][a["boiler"]]}
        state["restarted" if name == "restart" else "engineer"].append(a["boiler"])
        return {"status": "done"}

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"pressure_log": ["boiler"], "restart": ["boiler"], "call_engineer": ["boiler"]})
        tool = reg.get(PREFIX + "pressure_log")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (log,) = await calls([("pressure_log", {"boiler": p["boiler"]})])
    if any(x >= 3.0 for x in log["bar"][-2:]):
        await calls([("call_engineer", {"boiler": p["boiler"]})])
        return f"Boiler {p['boiler']}: pressure still high, engineer called."
    await calls([("restart", {"boiler": p["boiler"]})])
    return f"Boiler {p['boiler']} restarted."


RESTART = Family("restart", "Restart boiler {boiler}", solve, nothing)
RUNS = [
    [4.5, 4.2, 4.4, 2.1, 2.4],
    [3.9, 2.2, 1.8],
    [4.1, 4.3, 4.0, 3.8, 2.6, 2.0],
    [4.4, 2.5, 2.2, 1.9],
]


async def test_a_latest_reading_outside_what_the_latest_readings_showed_stops(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = BoilerWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    for n, log in enumerate(RUNS, 1):
        h.world.state["logs"][f"B-{n}"] = log
        await run_ok(h, RESTART, {"boiler": f"B-{n}"})
    h.world.state["logs"]["B-5"] = [4.0, 4.2, 2.3, 2.2]
    out = await h.run(RESTART, {"boiler": "B-5"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    h.world.state["logs"]["B-6"] = [4.2, 4.0, 3.6, 2.2]  # 3.6 at index 2, where 4.4 and 4.0 were seen
    out = await h.run(RESTART, {"boiler": "B-6"})
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "B-6" in h.world.state["engineer"] and "B-6" not in h.world.state["restarted"]


def test_from_end_keys_the_last_items_of_each_list() -> None:
    values: list[tuple[Any, Any]] = [(("bar", k), x) for k, x in enumerate([4.0, 3.0, 2.0, 1.0])]
    values.append((("boiler",), "B-1"))
    got = dict(from_end(values, lengths(values)))
    assert got == {("bar", "@-1"): 1.0, ("bar", "@-2"): 2.0, ("bar", "@-3"): 3.0}
    one: list[tuple[Any, Any]] = [(("bar", 0), 4.0)]
    assert from_end(one, lengths(one)) == []  # a list of one item: its index says it all
