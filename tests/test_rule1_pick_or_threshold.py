"""Rule 1 for a pick the supporting runs cannot tell from a threshold.

Battery packs under 20% charge need charging. In every supporting run exactly one pack was under 20%,
so "the pack with the least charge" explains each answer as well as "every pack under 20%" does. A
live site with two packs under 20% (or none) would be answered with one pack by the pick: the replay
keeps the gap the runs showed (the least charge no higher than a run's, the next no lower than a
run's runner-up), and otherwise the model answers (held-out round X found the same class on vans
under a tyre tread limit). A pick whose runs overlapped stays a pick (the cheapest fare).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class SiteWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(sites={})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "site_packs":
            packs = state["sites"][a["site"]]
            return {"site": a["site"], "packs": [{"pack": k, "charge_pct": v} for k, v in packs]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"site_packs": ["site"]})
        return reg


async def solve_low(p: dict[str, Any], calls: Calls) -> str:
    (site,) = await calls([("site_packs", {"site": p["site"]})])
    low = [x["pack"] for x in site["packs"] if x["charge_pct"] < 20]
    return f"Packs to charge at {p['site']}: {', '.join(low)}." if low else f"No pack at {p['site']} needs charging."


LOW = Family("low", "Which packs at site {site} need charging?", solve_low, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = SiteWorld()
    h.registry = h.world.registry()
    return h


def _site(h: Harness, site: str, packs: list[tuple[str, int]]) -> dict[str, str]:
    h.world.state["sites"][site] = packs
    return {"site": site}


async def test_a_pick_that_a_threshold_explains_keeps_the_gap(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for site, packs in [
        ("S1", [("P-11", 64), ("P-12", 12), ("P-13", 88)]),
        ("S2", [("P-21", 7), ("P-22", 45), ("P-23", 71), ("P-24", 90)]),
        ("S3", [("P-31", 52), ("P-32", 39), ("P-33", 18)]),
        ("S4", [("P-41", 15), ("P-42", 77), ("P-43", 60)]),
    ]:
        await run_ok(h, LOW, _site(h, site, packs))
    out = await h.run(LOW, _site(h, "S5", [("P-51", 55), ("P-52", 10), ("P-53", 80)]))  # one low pack: replays
    assert out.trace.mode == "follower" and out.llm_calls == 0 and "P-52" in str(out.trace.output)
    # two packs under 20% (each charge inside what the runs saw): not answered with one of them
    out = await h.run(LOW, _site(h, "S6", [("P-61", 66), ("P-62", 14), ("P-63", 9)]))
    assert out.decision.mode == "follower"
    assert stopped_outside_evidence(out.trace) and out.llm_calls > 0
    assert "P-62" in str(out.trace.output) and "P-63" in str(out.trace.output)
    # no pack under 20%: the least charged is no answer either
    out = await h.run(LOW, _site(h, "S7", [("P-71", 41), ("P-72", 33), ("P-73", 80)]))
    assert out.llm_calls > 0 and "No pack" in str(out.trace.output)
