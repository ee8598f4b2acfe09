"""A constant learned from the runs ({n} + 2, fit by the data, not a catalogue scale) is a hypothesis
two runs fit by coincidence (ceil(kg * 1.5) + 4 is kg + 6 at 3 and 4 kg): one more run than
min_support must confirm it before a replay (issue 9, rule 2; found by bench/families_values.py)."""

from __future__ import annotations

import math
from pathlib import Path

from test_learning_ambiguity import BoxWorld, _order
from test_learning_world import Family, Harness, nothing, run_ok

SHIP = Family("ship", "Order {n} crates for site {site}", _order(lambda n, site: math.ceil(n * 1.5) + 4), nothing)
PLUS = Family("plus", "Order {n} crates for site {site}", _order(lambda n, site: n + 6), nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = BoxWorld()
    h.registry = h.world.registry()
    return h


async def test_must_not_replay_a_constant_two_runs_fit_by_coincidence(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in (3, 4):  # 9 and 10: n + 6 fits both
        await run_ok(h, SHIP, {"n": n, "site": "Lyon"})
    out = await h.run(SHIP, {"n": 8, "site": "Lyon"})  # 16, not 14
    assert out.correct and out.trace.mode != "follower", out.decision.reason
    assert any("learned from 2 runs" in b for b in out.decision.reason["why_not_follower"])


async def test_a_learned_constant_confirmed_by_one_more_run_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in (3, 4, 9):
        await run_ok(h, PLUS, {"n": n, "site": "Lyon"})
    out = await h.run(PLUS, {"n": 7, "site": "Lyon"})  # new, inside the 3..9 the runs saw (rule 1)
    assert out.correct and out.trace.mode == "follower", out.decision.reason
