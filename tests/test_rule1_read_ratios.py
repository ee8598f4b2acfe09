"""Rule 1 for the ratio of two numbers of two reads (`_seen_products.read_ratios`, "~xratio").

A fire drill's water need (one read) and the cistern's litres (another read) each lie inside what the
supporting runs saw, and so does their difference (60 L, where a run had 40 L to spare on a small drill),
while the cistern holds 1.1 times the need where every supporting run's held 1.4 times it or more: a
limit of one read's number against another's is often a share of it (here a 25% reserve), which
neither the values, their order nor their difference show. The replay stops before the drill starts.
(The probe that found this: a 3D printer's spool against a print file's grams plus 15%,
`bench/families_heldout20.py` h20_print; main started the jobs.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class DrillWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(cisterns={}, drills={}, started=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "cistern":
            return {"site": a["site"], "litres": state["cisterns"][a["site"]]}
        if name == "drill_plan":
            return {"drill": a["drill"], "litres_needed": state["drills"][a["drill"]]}
        if name == "start_drill":
            state["started"].append(a["drill"])
            return {"status": "started"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"cistern": ["site"], "drill_plan": ["drill"], "start_drill": ["drill", "site"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = DrillWorld()
    h.registry = h.world.registry()
    return h


async def solve_drill(p: dict[str, Any], calls: Calls) -> str:
    (c,) = await calls([("cistern", {"site": p["site"]})])
    (d,) = await calls([("drill_plan", {"drill": p["drill"]})])
    if c["litres"] >= d["litres_needed"] * 1.25:
        await calls([("start_drill", {"drill": p["drill"], "site": p["site"]})])
        return f"Drill {p['drill']} started at {p['site']}."
    return f"Drill {p['drill']} not started: the cistern at {p['site']} lacks the 25% reserve."


DRILL = Family("drill", "Run fire drill {drill} at site {site}", solve_drill, nothing)


async def test_a_share_of_one_read_against_another_stays_inside_the_shares_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(n: int, need: int, litres: int) -> dict[str, str]:
        h.world.state["cisterns"][f"S{n}"] = litres
        h.world.state["drills"][f"D{n}"] = need
        return {"drill": f"D{n}", "site": f"S{n}"}

    # needs 100..800 L, cisterns 1.4..3 times the need (40..1200 L to spare): every drill started
    for n, need, litres in [(1, 100, 140), (2, 800, 2000), (3, 400, 720), (4, 200, 600)]:
        await run_ok(h, DRILL, goal(n, need, litres))
    out = await h.run(DRILL, goal(5, 300, 600))  # twice the need: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    # the need, the litres, their order and their difference (60 L) inside what was seen; 1.1 times the need
    out = await h.run(DRILL, goal(6, 600, 660))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "D6" not in h.world.state["started"]
    assert "the ratio" in str(out.trace.events)
