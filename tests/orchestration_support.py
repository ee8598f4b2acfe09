"""Shared set-up for the ORCHESTRATOR tests: sleeping tools, a scripted planner, a recording hook."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from runtime_support import quiet_config

from llmos.config import Config
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import Hook
from llmos.models import _testagent
from llmos.models._testplanner import COMBINE_MARKER, PLANNER_MARKER
from llmos.models.base import ModelRequest
from llmos.models.testmodel import TestModel
from llmos.tools.base import Tool, ToolOutput, tool
from llmos.trace import Trace

NAP_S = 0.4


def world_tools(
    calls: dict[str, int] | None = None,
    *,
    fail: set[str] | None = None,
    spans: dict[str, tuple[float, float]] | None = None,
) -> list[Tool]:
    """Three tools whose names share no word: the test agent calls exactly the one its goal names.
    `fail` names tools that always fail; a name with a '*once' suffix fails only its first call.
    `spans` receives each sleeping tool's (start, end) monotonic times."""
    calls = calls if calls is not None else {}
    fail = fail or set()
    spans = spans if spans is not None else {}

    async def nap(name: str, seconds: float) -> None:
        start = time.monotonic()
        await asyncio.sleep(seconds)
        spans[name] = (start, time.monotonic())

    def outcome(name: str, text: str) -> ToolOutput:
        calls[name] = calls.get(name, 0) + 1
        if name in fail or (f"{name}*once" in fail and calls[name] == 1):
            return ToolOutput(f"{name} is broken", is_error=True)
        return ToolOutput(text)

    @tool
    async def gather_prices(seconds: float) -> ToolOutput:
        """Look up market quotes."""
        await nap("gather_prices", seconds)
        return outcome("gather_prices", "prices: gold 2400, oil 80")

    @tool
    async def collect_headlines(seconds: float) -> ToolOutput:
        """Fetch top stories."""
        await nap("collect_headlines", seconds)
        return outcome("collect_headlines", "headlines: rates steady")

    @tool
    def compose_digest() -> ToolOutput:
        """Assemble a briefing."""
        return outcome("compose_digest", "digest written")

    return [gather_prices, collect_headlines, compose_digest]


GOAL = "Brief me on markets: gather prices and collect headlines, then compose a digest"


def three_part_plan(shares: tuple[float, float, float] = (0.3, 0.3, 0.2), **extra: Any) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "subtasks": [
            {"id": "prices", "goal": f"gather prices for {NAP_S} seconds", "budget_share": shares[0]},
            {"id": "news", "goal": f"collect headlines for {NAP_S} seconds", "budget_share": shares[1]},
            {"id": "digest", "goal": "compose digest", "depends_on": ["prices", "news"], "budget_share": shares[2]},
        ],
        "combine": "model",
    }
    plan.update(extra)
    return plan


def planner_model(*plans: dict[str, Any] | str, combined: str = "COMBINED") -> TestModel:
    """Planner replies in order (the last repeats); combine answers `combined`; subtasks run the
    default test agent."""
    replies = list(plans)

    def respond(request: ModelRequest) -> Any:
        if request.system.startswith(PLANNER_MARKER):
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
            return reply if isinstance(reply, str) else json.dumps(reply)
        if request.system.startswith(COMBINE_MARKER):
            return combined
        return _testagent.respond(request)

    return TestModel(script=respond)


def config(learning: bool = False, **sections: dict[str, Any]) -> Config:
    cfg = quiet_config(**sections)
    if learning:
        cfg = cfg.model_copy(update={"learning": cfg.learning.model_copy(update={"enabled": True, "min_support": 1})})
    return cfg


class Recorder(Hook):
    """Records subagent hooks in order."""

    def __init__(self, wait_starts: int = 0) -> None:
        self.events: list[tuple[str, str, str]] = []
        self.started = asyncio.Event()  # set once `wait_starts` subtasks have started
        self._wait = wait_starts

    async def subagent_start(self, ctx: RunContext, agent: str, goal: str) -> None:
        self.events.append(("start", agent, goal))
        if sum(1 for e in self.events if e[0] == "start") >= self._wait:
            self.started.set()

    async def subagent_stop(self, ctx: RunContext, agent: str, trace: Trace) -> None:
        self.events.append(("stop", agent, trace.goal))


def overlap(spans: dict[str, tuple[float, float]]) -> float:
    """How long the two sleeping tools ran at the same time (seconds)."""
    (a0, a1), (b0, b1) = spans["gather_prices"], spans["collect_headlines"]
    return max(0.0, min(a1, b1) - max(a0, b0))


def first(events: list[tuple[str, str, str]], kind: str, word: str) -> int:
    return next(i for i, e in enumerate(events) if e[0] == kind and word in e[2])
