"""Branching plans replay along the one path the live results fit (`learning/branches.py`).

Same domains as test_conditional_replay (an aquarium, a bell tower): the model doses a tank only when
nitrate is above the goal's limit, so one wording gives two plans (read then dose; read only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_conditional_replay import DOSE, RING, _harness, _tank
from test_learning_world import Harness, stopped_outside_evidence


async def _learn_both(h: Harness) -> None:
    high = [(70, 40), (85, 45), (62, 50), (90, 42)]
    low = [(12, 41), (25, 48), (18, 44), (30, 46)]
    for i, (nitrate, limit) in enumerate(high + low):
        p = {"tank": _tank(h, f"T{i + 1}", nitrate), "ml": 5 + i % 4, "limit": limit}
        out = await h.run(DOSE, p, mode="learner")
        assert out.correct
    assert len(h.engine.plans()) == 2 and all(p.branching for p in h.engine.plans())


async def test_the_branch_the_results_fit_is_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_both(h)
    out = await h.run(DOSE, {"tank": _tank(h, "T20", 80), "ml": 6, "limit": 43})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert h.world.state["doses"][-1] == {"tank": "T20", "ml": 6}
    dosing = out.trace.plan_id
    doses = len(h.world.state["doses"])
    out = await h.run(DOSE, {"tank": _tank(h, "T21", 20), "ml": 6, "limit": 43})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert len(h.world.state["doses"]) == doses  # no dose: the read-only path
    taken = out.trace.mode_reason["branch_taken"]
    assert taken["taken"] == out.trace.plan_id != dosing and dosing in taken["not_taken"]


async def test_results_that_fit_neither_path_go_to_the_model(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_both(h)
    doses = len(h.world.state["doses"])
    out = await h.run(DOSE, {"tank": _tank(h, "T22", 45), "ml": 6, "limit": 47})  # 45: seen by neither path
    assert out.correct and out.trace.mode != "follower" and stopped_outside_evidence(out.trace)
    assert len(h.world.state["doses"]) == doses


async def test_a_write_in_the_common_calls_is_no_branch_point(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    h.registry.get("bench__read_tank").metadata.clear()  # no annotations: rule 4 counts it as a write
    await _learn_both(h)
    out = await h.run(DOSE, {"tank": _tank(h, "T20", 80), "ml": 6, "limit": 43})
    assert out.correct and out.decision.mode != "follower"
    why = out.decision.reason["branch"]["why"]
    assert "not read-only" in why or "changes the world" in why, why


async def test_a_branch_no_result_decides_is_never_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    for i in range(8):  # the model rings or not by the day it knows; the tower's status is the same
        p = {"tower": f"N{i}", "day": "Monday", "today": "Monday" if i % 2 else "Friday"}
        assert (await h.run(RING, p, mode="learner")).correct
    rings = len(h.world.state["rings"])
    out = await h.run(RING, {"tower": "N9", "day": "Monday", "today": "Friday"})
    assert out.correct and out.decision.mode != "follower" and len(h.world.state["rings"]) == rings


@pytest.mark.parametrize("first", ["shorter", "longer"])
async def test_either_path_may_come_first_in_the_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """The set's first plan is whichever the index returned first: a path that ends with the common calls
    must not end the replay before the path the results pick has run (found when merging: flaky by id)."""
    from llmos.learning import branches

    real = branches.branch_set

    def ordered(*args: Any, **kwargs: Any) -> Any:
        bset, why = real(*args, **kwargs)
        if bset is not None:
            bset.plans.sort(key=lambda p: len(p.steps), reverse=first == "longer")
        return bset, why

    monkeypatch.setattr(branches, "branch_set", ordered)
    h = _harness(tmp_path)
    await _learn_both(h)
    out = await h.run(DOSE, {"tank": _tank(h, "T30", 75), "ml": 7, "limit": 44})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.trace.mode_reason
    assert h.world.state["doses"][-1] == {"tank": "T30", "ml": 7}
    doses = len(h.world.state["doses"])
    out = await h.run(DOSE, {"tank": _tank(h, "T31", 22), "ml": 7, "limit": 44})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.trace.mode_reason
    assert len(h.world.state["doses"]) == doses
