"""Mode names are one str enum, and --explain leads with the mode actually used and why a replay fell back."""

from __future__ import annotations

import json

import pytest

from llmos.cli import render
from llmos.learning.selection import MODES as LEARNING_MODES
from llmos.modes import MODES, Mode
from llmos.result import MODES as RESULT_MODES


def test_modes_are_one_str_enum_that_json_keeps_as_strings() -> None:
    assert MODES == RESULT_MODES == tuple(m.value for m in Mode)
    assert set(LEARNING_MODES) == set(MODES) - {"orchestrator"}
    assert json.dumps({"mode": Mode.FOLLOWER}) == '{"mode": "follower"}'
    assert Mode("crystallized") is Mode.CRYSTALLIZED and Mode.MIXED == "mixed" and f"{Mode.LEARNER}" == "learner"


def test_explain_leads_with_the_mode_used_and_the_fallback_reason(capsys: pytest.CaptureFixture[str]) -> None:
    why = "the follower replay fell back to the model at step 1: set_stock failed (after the write(s) set_stock)"
    data = {
        "run_id": "run_x",
        "mode": "learner",
        "success": True,
        "output": "done",
        "llm_calls": 1,
        "input_tokens": 10,
        "output_tokens": 2,
        "cost_usd": 0.0,
        "duration_s": 0.1,
        "mode_reason": {"mode_selected": "follower", "mode_used": "learner", "fallback_reason": why},
    }
    render.render_result(data, explain=True)
    out = " ".join(capsys.readouterr().out.split())
    assert "mode used: learner (selected: follower)" in out and "set_stock failed" in out, out
