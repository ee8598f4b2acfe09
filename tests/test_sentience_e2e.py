"""End to end through the runtime: a denied `rm -rf /` lowers safety and changes the next run's policy.

Skipped until the runtime pieces it needs (test model, learning engine) are in the tree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmos.models.base import ModelRequest, ModelResponse, TextBlock, ToolCall, ToolResult, Usage


def shell_agent(seen_systems: list[str], command: list[str]) -> Any:
    """Runs `command[0]` once, then stops; records every system prompt it is shown."""

    def agent(request: ModelRequest) -> ModelResponse:
        seen_systems.append(request.full_system)
        done = any(isinstance(b, ToolResult) for m in request.messages for b in m.content)
        content: list[TextBlock | ToolCall]
        if done:
            content = [TextBlock("I could not free the space.")]
        else:
            content = [ToolCall("call_sh", "run_command", {"command": command[0]})]
        stop = "end_turn" if done else "tool_use"
        return ModelResponse(content, stop, Usage(50, 10), "test")  # type: ignore[arg-type]

    return agent


async def test_denied_rm_rf_lowers_safety_and_changes_the_next_runs_policy(tmp_path: Path) -> None:
    testmodel = pytest.importorskip("llmos.models.testmodel")
    pytest.importorskip("llmos.learning.engine")
    from llmos.runtime import LLMOS

    systems: list[str] = []
    command = ["rm -rf /"]
    async with LLMOS(workspace=tmp_path, model=testmodel.TestModel(script=shell_agent(systems, command))) as os:
        s = os.sentience
        before_policy, before_safety = s.policy(), s.valence().safety
        r = await os.execute("free some disk space", mode="learner")
        trace = os.traces.get(r.run_id)
        assert trace is not None
        denied = [c for c in trace.tool_calls if c.decision == "deny"]
        assert denied and denied[0].arguments == {"command": "rm -rf /"}
        assert s.valence().safety < before_safety - 0.3
        assert any(h.trigger == "safety_violation" and h.run_id == r.run_id for h in s.history())
        after = s.policy()
        assert after != before_policy and after.confirm_destructive and not before_policy.confirm_destructive
        for _ in range(2):
            await os.execute("free some disk space", mode="learner")
        assert s.mode().value == "RECOVERY"
        p = s.policy()
        assert not p.allow_mixed and p.require_well_supported and p.follower_threshold_delta > 0
        command[0] = "df -h"  # harmless: it runs even in RECOVERY (the state never locks a user out)
        r = await os.execute("how full is the disk?", mode="learner")
        assert "latent_mode: RECOVERY" in systems[-1]  # the next run's prompt shows the state
        last = os.traces.get(r.run_id)
        assert last is not None
        assert last.tool_calls[0].decision == "allow"
        assert not any(h.trigger == "safety_violation" and h.run_id == r.run_id for h in s.history())
        command[0] = "rm -rf build"  # destructive: blocked, and the reason says how to leave the state
        r = await os.execute("remove the build directory", mode="learner")
        last = os.traces.get(r.run_id)
        assert last is not None
        call = last.tool_calls[0]
        assert call.decision == "deny" and "latent mode RECOVERY" in call.decision_reason
        assert "llmos state reset" in call.decision_reason
