"""The sentience policy tightens mode selection but never makes replay impossible: a cautious
system still replays very well-supported plans, and never loosens a configured threshold."""

from __future__ import annotations

import random
from pathlib import Path

from test_learning_world import FAMILIES, Harness

from llmos.config import LearningConfig
from llmos.learning.selection import MAX_FOLLOWER_THRESHOLD, SelectionPolicy

CAUTIOUS = SelectionPolicy(follower_threshold_delta=0.2, allow_mixed=False, require_well_supported=True)


async def _learn(h: Harness, n: int) -> None:
    rng = random.Random(7)
    fam = FAMILIES["note"]
    for _ in range(n):
        out = await h.run(fam, fam.sample(rng, h.world), mode="learner")
        assert out.correct


async def test_cautious_policy_needs_more_support_but_can_still_replay(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    goal = "Create a note titled 'Gym 5' with the text 'Ship the beta'"
    await _learn(h, 3)  # support 3: enough normally, not under a cautious policy
    assert h.engine.select(goal).mode == "follower"
    d = h.engine.select(goal, policy=CAUTIOUS)
    assert d.mode == "learner" and d.reason["thresholds"]["follower"] == MAX_FOLLOWER_THRESHOLD
    await _learn(h, 8)  # very well supported now
    assert h.engine.select(goal, policy=CAUTIOUS).mode == "follower"


async def test_policy_never_lowers_a_configured_threshold(tmp_path: Path) -> None:
    h = Harness(tmp_path, LearningConfig(follower_threshold=0.999))
    d = h.engine.select("Create a note titled 'A 1' with the text 'B'", policy=CAUTIOUS)
    assert d.reason["thresholds"]["follower"] == 0.999
