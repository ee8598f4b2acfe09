"""Public-style families end to end: LEARNER -> MIXED -> FOLLOWER, and every result correct."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from test_learning_world import FAMILIES, Harness


@pytest.mark.parametrize("name", ["currency", "note", "stock_add", "weather", "email"])
async def test_family_learns_and_replays_correctly(tmp_path: Path, name: str) -> None:
    h = Harness(tmp_path)
    fam = FAMILIES[name]
    rng = random.Random(7)
    modes = []
    for _ in range(14):  # random amounts: a write's amount replays only inside the range seen (rule 1)
        out = await h.run(fam, fam.sample(rng, h.world))
        assert out.correct, (out.decision.mode, out.trace.goal, out.decision.reason)
        assert out.trace.success
        modes.append(out.trace.mode)
        if out.trace.mode == "follower":
            assert out.llm_calls == 0
            assert all(c.source == "replay" for c in out.trace.tool_calls)
    assert modes[0] == "learner"
    assert modes.count("follower") >= 8, modes


async def test_email_lookups_replay_in_one_turn(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    fam = FAMILIES["email"]
    params = [
        {"report": "sales", "person": "Alice"},
        {"report": "budget", "person": "Bruno"},
        {"report": "hiring", "person": "Chen"},
    ]
    for p in params[:2]:
        await h.run(fam, p)
    out = await h.run(fam, params[2])
    assert out.trace.mode == "follower" and out.correct
    turns = [(c.name, c.turn) for c in out.trace.tool_calls]
    assert turns[0][1] == turns[1][1] != turns[2][1]
    assert out.decision.slots == {"name": "hiring", "person": "Chen"}
