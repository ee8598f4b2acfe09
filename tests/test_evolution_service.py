"""The Evolution facade: automatic and on-demand crystallization, CRYSTALLIZED runs through the hook
chain, fallback records, demotion, versioned changes, revert and refresh (the registry follows)."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from test_learning_world import FAMILIES, Harness

from llmos.config import EvolutionConfig
from llmos.evolution import Evolution
from llmos.exceptions import EvolutionError
from llmos.execution.continuation import continuation
from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from llmos.learning.plans import Plan
from llmos.models.base import ToolCall, ToolResult
from llmos.storage.versions import VersionStore
from llmos.trace import Trace


class Setup:
    def __init__(self, tmp: Path, family: str = "currency", **cfg: Any) -> None:
        self.h = Harness(tmp)
        self.fam = FAMILIES[family]
        self.rng = random.Random(11)
        self.versions = VersionStore(self.h.db, tmp)
        self.config = EvolutionConfig(**cfg)
        self.evo = self.new_evolution()

    def new_evolution(self, registry: Any = None) -> Evolution:
        return Evolution(
            self.h.db,
            self.h.tmp,
            registry or self.h.registry,
            self.versions,
            self.config,
            plans=lambda pid: self.h.engine.index.plans.get(pid),
        )

    async def learn(self, n: int) -> Plan:
        for _ in range(n):
            out = await self.h.run(self.fam, self.fam.sample(self.rng, self.h.world), mode="learner")
            assert out.trace.success
        (plan,) = self.h.engine.plans()
        return plan

    async def crystallized(self, params: dict[str, Any]) -> tuple[Any, Trace, bool]:
        """One CRYSTALLIZED run (as the runtime will do it); returns (outcome, trace, world correct)."""
        goal = self.fam.goal(params)
        expected = copy.deepcopy(self.h.world.state)
        from test_learning_world import _direct

        await self.fam.solve(params, _direct(self.h.world, expected))
        decision = self.h.engine.select(goal)
        assert decision.mode == "follower", decision.reason
        assert self.evo.tool_for(decision.plan_id) is not None
        trace = Trace(goal=goal, mode="crystallized", plan_id=decision.plan_id)
        out = await self.evo.run_crystallized(self.h.ctx(trace), decision)
        self.evo.record_outcome(decision.plan_id, out.success, out.diverged or "")
        return out, trace, self.h.world.state == expected


async def test_crystallizes_automatically_once_evidence_is_enough(tmp_path: Path) -> None:
    s = Setup(tmp_path, min_uses=5)
    plan = await s.learn(4)
    assert s.evo.maybe_crystallize(plan) is None  # 4 < 5
    plan = await s.learn(1)
    assert s.evo.maybe_crystallize(plan, min_uses_delta=1) is None  # the policy may tighten it
    change = s.evo.maybe_crystallize(plan)
    assert change is not None and change.kind == "tool.crystallize" and change.who == "llmos"
    assert change.target == "tool:convert_save" and change.before is None and "+async def convert_save" in change.diff
    assert "5 successful uses" in change.why
    tool = s.h.registry.get("convert_save")
    assert tool is not None and tool.source == "generated" and s.evo.tool_for(plan.id) is tool
    assert (tmp_path / "tools/generated/convert_save.py").read_text() == change.after
    assert s.evo.maybe_crystallize(plan) is None  # already crystallized, plan unchanged
    (row,) = s.evo.tools()
    assert row["status"] == "active" and row["version"] == 1 and row["loaded"]
    # a new process (server restart) loads it from disk
    other = s.new_evolution(registry=Harness(tmp_path / "x").registry)
    assert other.load() == ["convert_save"]


async def test_crystallized_run_goes_through_the_hook_chain(tmp_path: Path) -> None:
    s = Setup(tmp_path)
    seen: list[tuple[str, str]] = []

    class Spy(Hook):
        async def pre_tool_use(self, ctx: Any, event: ToolUseEvent) -> HookDecision:
            seen.append((event.tool, event.source))
            return HookDecision()

    s.h.ctx = lambda trace: _ctx(s.h, trace, Spy())  # type: ignore[method-assign]
    plan = await s.learn(5)
    s.evo.crystallize(plan.id, who="user", why="test")
    seen.clear()
    out, trace, correct = await s.crystallized({"amount": 250, "src": "USD", "dst": "EUR", "label": "trip_eur_1"})
    assert out.success and correct, out.diverged
    assert out.output.startswith("Done. 250 USD = ") and trace.llm_calls == 0
    assert seen == [
        ("convert_save", "crystallized"),
        ("bench__get_exchange_rate", "inner"),
        ("bench__multiply", "inner"),
        ("bench__save_value", "inner"),
    ]
    top, *inner = trace.tool_calls
    assert all(c.parent_id == top.id for c in inner)
    (row,) = s.evo.tools()
    assert (row["uses"], row["successes"], row["streak"]) == (1, 1, 0)


async def test_failure_diverges_with_top_level_records_and_repeated_failures_demote(tmp_path: Path) -> None:
    s = Setup(tmp_path, demote_after_failures=2)
    plan = await s.learn(5)
    change = s.evo.crystallize(plan.id)
    s.h.world.faults["multiply"] = 10  # transient errors, more than the retries
    # an amount inside those the runs converted (rule 1 stops one outside before any call)
    out, trace, _ = await s.crystallized({"amount": 500, "src": "USD", "dst": "GBP", "label": "rent_gbp_2"})
    assert not out.success and out.step == 1 and "bench__multiply failed" in (out.diverged or "")
    assert [(r.name, r.turn, r.parent_id) for r in out.records] == [
        ("bench__get_exchange_rate", 1, None),
        ("bench__multiply", 2, None),
        ("bench__multiply", 2, None),
    ]
    messages = continuation("goal", out.records)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant", "user"]
    assert isinstance(messages[1].content[0], ToolCall) and isinstance(messages[4].content[0], ToolResult)
    assert trace.tool_calls[0].is_error and s.evo.tool_for(plan.id) is not None  # one failure: kept
    out, _, _ = await s.crystallized({"amount": 600, "src": "USD", "dst": "GBP", "label": "rent_gbp_3"})
    assert not out.success
    assert s.evo.tool_for(plan.id) is None and s.h.registry.get("convert_save") is None
    assert not (tmp_path / "tools/generated/convert_save.py").exists()
    demote = s.versions.latest("tool:convert_save")
    assert demote is not None and demote.kind == "tool.demote" and "2 crystallized runs in a row failed" in demote.why
    assert "bench__multiply failed" in demote.why and demote.after is None
    (row,) = s.evo.tools()
    assert row["status"] == "demoted" and (row["uses"], row["failures"]) == (2, 2)
    # recently demoted: more evidence is needed before it is crystallized again
    s.h.world.faults.clear()
    plan = s.h.engine.plans()[0]
    assert s.evo.maybe_crystallize(plan) is None
    plan = await s.learn(5)
    again = s.evo.maybe_crystallize(plan)
    assert again is not None and "since it was demoted" in again.why
    assert s.evo.tool_for(plan.id) is not None and s.evo.record(plan.id).version == 2  # type: ignore[union-attr]
    assert change.id < demote.id < again.id


async def test_revert_restores_previous_version_and_registry_follows(tmp_path: Path) -> None:
    s = Setup(tmp_path)
    plan = await s.learn(5)
    first = s.evo.crystallize(plan.id)
    demote = s.evo.demote(plan.id, "testing")
    assert s.h.registry.get("convert_save") is None
    undo = s.evo.revert(demote.id, who="cli")
    assert undo.kind == "revert" and undo.reverts == demote.id
    assert s.h.registry.get("convert_save") is not None and s.evo.record(plan.id).status == "active"  # type: ignore[union-attr]
    # another process (the CLI) reverts the crystallization itself; this one follows on refresh
    cli = s.new_evolution(registry=Harness(tmp_path / "cli").registry)
    cli.load()
    cli.revert(first.id, who="cli")
    assert not (tmp_path / "tools/generated/convert_save.py").exists()
    assert s.h.registry.get("convert_save") is not None
    assert s.evo.refresh() is True and s.h.registry.get("convert_save") is None
    assert s.evo.refresh() is False
    assert s.evo.record(plan.id).status == "reverted"  # type: ignore[union-attr]
    assert s.evo.maybe_crystallize(await s.learn(6)) is None  # a person reverted it: not automatic
    kinds = [c.kind for c in s.evo.log()]
    assert kinds == ["revert", "revert", "tool.demote", "tool.crystallize"]


async def test_hand_edited_module_is_never_loaded(tmp_path: Path) -> None:
    s = Setup(tmp_path)
    plan = await s.learn(5)
    s.evo.crystallize(plan.id)
    path = tmp_path / "tools/generated/convert_save.py"
    path.write_text(path.read_text() + "\nimport os\n")
    s.evo.refresh()
    assert s.h.registry.get("convert_save") is None and s.evo.tool_for(plan.id) is None


async def test_unsafe_or_unknown_plan_is_refused_with_reasons(tmp_path: Path) -> None:
    s = Setup(tmp_path)
    plan = await s.learn(5)
    plan.branching.append("trace t took bench__get_exchange_rate only")
    with pytest.raises(EvolutionError, match="cannot be crystallized: branching"):
        s.evo.crystallize(plan.id)
    assert s.evo.maybe_crystallize(plan) is None
    with pytest.raises(EvolutionError, match="no plan 'plan_nope'"):
        s.evo.crystallize("plan_nope")
    assert not (tmp_path / "tools/generated").exists() or not list((tmp_path / "tools/generated").glob("*.py"))


async def test_sentience_action_crystallizes_the_plan_of_the_runs(tmp_path: Path) -> None:
    from llmos.sentience.opportunities import Opportunity

    s = Setup(tmp_path)
    plan = await s.learn(3)
    opp = Opportunity("crystallize", "convert <num> <w>", 0.7, "repeated", {"run_ids": plan.trace_ids[-3:]})
    done = await s.evo.crystallize_action(opp)
    assert isinstance(done, dict) and done["tool"] == "convert_save" and done["plan_id"] == plan.id
    assert s.versions.latest("tool:convert_save").who == "sentience"  # type: ignore[union-attr]
    assert (await s.evo.crystallize_action(opp))["already"] is True  # type: ignore[index]


def _ctx(h: Harness, trace: Trace, hook: Hook) -> Any:
    from llmos.kernel.context import RunContext
    from llmos.kernel.hooks import HookChain

    chain = HookChain()
    chain.add(hook)
    return RunContext(trace, h.tmp, h.registry, chain, h.config)


async def test_created_tool_is_versioned_and_revert_unregisters_it(tmp_path: Path) -> None:
    from llmos.evolution.create_tool import persist
    from llmos.tools.base import Tool, ToolOutput

    s = Setup(tmp_path)

    async def invoke(args: dict[str, Any], ctx: Any) -> ToolOutput:
        return ToolOutput("2")

    path = persist(
        tmp_path,
        "double",
        "Double a number.",
        "def double(x: int) -> int:\n    return 2 * x\n",
        [{"args": {"x": 1}, "expected": 2}],
        versions=s.versions,
        run_id="run_1",
    )
    s.h.registry.register(
        Tool(
            "double",
            "Double a number.",
            {"type": "object"},
            invoke,
            source="sandbox",
            metadata={"created_by": "create_tool"},
        )
    )
    change = s.versions.latest("tool:double")
    assert change is not None and change.kind == "tool.create" and change.who == "model"
    assert change.path == "tools/generated/created/double.py" and change.run_id == "run_1" and path.exists()
    s.evo.revert(change.id, who="user")
    assert not path.exists() and s.h.registry.get("double") is None
