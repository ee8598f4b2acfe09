"""Red-team probes (redW) of rule 4, evidence scaled to risk, through the runtime with a scripted model:
a tool without annotations is a non-idempotent write; a tool whose server changes its annotations
between runs (an upgrade) is judged on what it declares now, never on what it declared when the
plan was learned; `[learning] extra_support` changes the support asked and `--explain` says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

GOAL_RE = re.compile(r"Set the (\w+) thermostat to (\d+) degrees")
ROOMS = ["hall", "attic", "porch", "study", "cellar", "garage", "loft", "den"]


def thermostat(log: list[tuple[str, int]]) -> Any:
    @tool
    def set_thermostat(room: str, degrees: int) -> dict[str, Any]:
        """Set a room's thermostat."""
        log.append((room, degrees))
        return {"room": room, "set": degrees}

    return set_thermostat


def model(request: ModelRequest) -> Any:
    first = next(m for m in request.messages if m.role == "user" and GOAL_RE.search(m.text))
    room, degrees = GOAL_RE.findall(first.text)[-1]
    if not any(isinstance(b, ToolResult) for m in request.messages for b in m.content):
        return ToolCall("", "set_thermostat", {"room": room, "degrees": int(degrees)})
    return "Done."


TEMPS = [18, 20, 19]  # the first two the extremes: a replay sets only degrees inside those seen (rule 1)


def goal(i: int) -> str:
    return f"Set the {ROOMS[i % len(ROOMS)]} thermostat to {TEMPS[i % 3]} degrees"


async def test_annotations_changed_by_an_upgrade_are_read_now(tmp_path: Path) -> None:
    log: list[tuple[str, int]] = []
    t = thermostat(log)
    async with LLMOS(workspace=tmp_path, model=TestModel(script=model), tools=[t]) as os:
        modes = [(await os.execute(goal(i))).mode for i in range(3)]
        assert modes[:2] == ["learner", "mixed"] or modes[0] == "learner", modes
        assert modes[2] == "follower", modes  # no annotations: a write, min_support (2) runs
        r = (await os.execute(goal(3))).to_dict(explain=True)
        assert r["mode_reason"]["plan"]["risk"]["risk"] == "write", r["mode_reason"]["plan"]["risk"]
        t.metadata["annotations"] = {"destructiveHint": True}  # the server was upgraded: now destructive
        r = (await os.execute(goal(4))).to_dict(explain=True)
        risk = r["mode_reason"]["plan"]["risk"]
        assert risk["risk"] == "destructive" and risk["min_support"] == 3, risk
        assert r["mode"] not in ("follower", "crystallized") and r["llm_calls"] > 0, r["mode_reason"]
        r = (await os.execute(goal(5))).to_dict(explain=True)
        assert r["mode"] in ("follower", "crystallized"), r["mode_reason"]  # its third run of its own: enough now


async def test_extra_support_in_the_config_is_applied_and_explained(tmp_path: Path) -> None:
    log: list[tuple[str, int]] = []
    t = thermostat(log)
    t.metadata["annotations"] = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
    overrides = {"learning": {"extra_support": {"idempotent": 2}}}
    async with LLMOS(workspace=tmp_path, model=TestModel(script=model), tools=[t], overrides=overrides) as os:
        results = [(await os.execute(goal(i))).to_dict(explain=True) for i in range(5)]
        modes = [r["mode"] for r in results]
        assert "follower" not in modes[:4] and modes[4] == "follower", modes
        risk = results[4]["mode_reason"]["plan"]["risk"]
        assert risk["risk"] == "idempotent" and risk["min_support"] == 4, risk
        assert "min_support 2 + 2" in risk["why"] and "extra_support" in risk["why"], risk
