"""Choosing and shaping ORCHESTRATOR: plan checks, configured and learned rules, and the sentience
knobs (each test shows the behaviour with and without the knob)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from orchestration_support import GOAL, NAP_S, config, overlap, planner_model, three_part_plan, world_tools

from llmos.config import ConfigBuilder
from llmos.exceptions import ConfigError, PlanInvalid
from llmos.execution.orchestration import validate_plan
from llmos.execution.orchestration.rules import skeleton
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.sentience.policy import Policy


def _plan(*subtasks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"subtasks": list(subtasks), **extra}


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (_plan({"id": "a", "goal": "x", "depends_on": ["b"]}, {"id": "b", "goal": "y", "depends_on": ["a"]}), "cycle"),
        (_plan({"id": "a", "goal": "x", "depends_on": ["a"]}), "depends on itself"),
        (_plan({"id": "a", "goal": "x", "depends_on": ["zz"]}), "unknown subtask 'zz'"),
        (_plan({"id": "a", "goal": "x", "agent": "ghost"}), "unknown agent 'ghost'"),
        (
            _plan({"id": "a", "goal": "x", "budget_share": 0.7}, {"id": "b", "goal": "y", "budget_share": 0.6}),
            "add up to 1.300",
        ),
        (_plan({"id": "a", "goal": "x"}, {"id": "a", "goal": "y"}), "duplicate subtask ids: a"),
        (_plan(), "subtasks"),
        (_plan({"id": "a", "goal": "x", "colour": "red"}), "colour"),
        ("not json at all", "not JSON"),
    ],
)
def test_bad_plans_are_rejected_with_a_clear_error(plan: Any, message: str) -> None:
    raw = plan if isinstance(plan, str) else json.dumps(plan)
    with pytest.raises(PlanInvalid, match=message):
        validate_plan(raw, known_agents=["default"])


def test_a_valid_plan_in_a_fenced_block_is_accepted_in_dependency_order() -> None:
    text = "Here is the plan:\n```json\n" + json.dumps(three_part_plan()) + "\n```"
    plan = validate_plan(text, known_agents=["default"])
    assert plan.order[-1] == "digest" and plan.independent_parts() == 2
    assert plan.dependants("news") == {"digest"}


def test_new_agents_are_refused_when_creating_agents_is_not_allowed() -> None:
    raw = _plan(
        {"id": "a", "goal": "x", "agent": "scout"},
        agents=[{"name": "scout", "description": "finds things", "system_prompt": "You find things."}],
    )
    assert validate_plan(raw, known_agents=["default"]).new_agents[0].name == "scout"
    with pytest.raises(PlanInvalid, match="creating agents is not allowed"):
        validate_plan(raw, known_agents=["default"], may_create_agents=False)


async def test_an_invalid_plan_is_retried_once_then_the_run_fails_clearly(tmp_path: Path) -> None:
    cyclic = _plan({"id": "a", "goal": "x", "depends_on": ["b"]}, {"id": "b", "goal": "y", "depends_on": ["a"]})
    async with LLMOS(
        tmp_path, config=config(), model=planner_model("garbage", three_part_plan()), tools=world_tools()
    ) as os:
        ok = await os.execute(GOAL, mode="orchestrator")
        trace = os.traces.require(ok.run_id)
    assert ok.success and [e["attempt"] for e in trace.events if e["kind"] == "plan_invalid"] == [1]
    async with LLMOS(tmp_path, config=config(), model=planner_model(cyclic), tools=world_tools()) as os:
        bad = await os.execute(GOAL, mode="orchestrator")
    assert not bad.success and bad.status == "failed"
    assert "PlanInvalid" in (bad.error or "") and "cycle" in (bad.error or "") and bad.llm_calls == 2


async def test_auto_orchestrates_only_what_a_rule_marks_multi_part(tmp_path: Path) -> None:
    # wording alone never makes a goal multi-part
    async with LLMOS(
        tmp_path / "a", config=config(), model=planner_model(three_part_plan()), tools=world_tools()
    ) as os:
        plain = await os.execute(GOAL)
    assert plain.mode == "learner" and plain.subtasks == []
    assert plain.mode_reason["orchestration"]["multi_part"] is False
    # a configured rule does
    cfg = config(orchestration={"rules": [r"^brief me on\b"]})
    async with LLMOS(tmp_path / "b", config=cfg, model=planner_model(three_part_plan()), tools=world_tools()) as os:
        ruled = await os.execute(GOAL)
    assert ruled.mode == "orchestrator" and "configured rule" in ruled.mode_reason["why"] and ruled.success


def test_a_configured_rule_that_is_not_a_regex_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a regular expression"):
        ConfigBuilder("testing").set("orchestration", rules=["(unclosed"]).build()


def test_skeletons_abstract_numbers_and_quoted_values() -> None:
    assert skeleton("Nap 3 times and save 'a'") == skeleton("nap 12 times and save 'other'")
    assert skeleton("Nap 3 times") != skeleton("Sleep 3 times")


def _with_policy(os: LLMOS, policy: Policy) -> None:
    os.sentience.policy = lambda: policy  # type: ignore[method-assign]
    os.sentience.selection_policy = lambda: policy  # type: ignore[method-assign]


async def test_orchestration_threshold_delta_raises_the_bar_for_a_learned_rule(tmp_path: Path) -> None:
    modes = {}
    for delta in (0.0, 0.2):
        ws = tmp_path / str(delta)
        async with LLMOS(ws, config=config(), model=planner_model(three_part_plan()), tools=world_tools()) as os:
            await os.execute(GOAL, mode="orchestrator")  # one success: confidence 0.5
            _with_policy(os, Policy(orchestration_threshold_delta=delta))
            result = await os.execute(GOAL)
            modes[delta] = (result.mode, result.mode_reason["orchestration"]["threshold"])
    assert modes == {0.0: ("orchestrator", 0.5), 0.2: ("learner", 0.7)}


async def test_prefer_cheap_modes_combines_without_a_model_call(tmp_path: Path) -> None:
    out = {}
    for cheap in (False, True):
        async with LLMOS(
            tmp_path / str(cheap), config=config(), model=planner_model(three_part_plan()), tools=world_tools()
        ) as os:
            _with_policy(os, Policy(prefer_cheap_modes=cheap))
            result = await os.execute(GOAL, mode="orchestrator")
            trace = os.traces.require(result.run_id)
        out[cheap] = (trace.llm_calls, trace.metadata["orchestration"]["combined_by"], result.output.split("\n")[0])
    assert out[False] == (2, "model", "COMBINED")
    assert out[True] == (1, "joined", f"Results for: {GOAL}")


async def test_prefer_safe_modes_runs_one_subtask_at_a_time(tmp_path: Path) -> None:
    seen = {}
    for safe in (False, True):
        spans: dict[str, tuple[float, float]] = {}
        model = planner_model(three_part_plan())
        async with LLMOS(tmp_path / str(safe), config=config(), model=model, tools=world_tools(spans=spans)) as os:
            _with_policy(os, Policy(prefer_safe_modes=safe))
            result = await os.execute(GOAL, mode="orchestrator")
            assert os.traces.require(result.run_id).metadata["orchestration"]["concurrency"] == (1 if safe else 4)
        seen[safe] = (overlap(spans), result.duration_s >= 2 * NAP_S)
    assert seen[False][0] > NAP_S / 2  # the naps ran at the same time
    assert seen[True] == (0.0, True)  # one after the other


async def test_without_exploration_the_plan_uses_existing_agents_only(tmp_path: Path) -> None:
    goal = "Research AI trends and write a report"
    agents = {}
    for explore in (True, False):
        async with LLMOS(tmp_path / str(explore), config=config(), model=TestModel(), tools=world_tools()) as os:
            _with_policy(os, Policy(allow_exploration=explore))
            result = await os.execute(goal, mode="orchestrator")
        agents[explore] = ([s["agent"] for s in result.subtasks], [c["name"] for c in result.tool_calls])
    assert agents[True] == (["researcher", "writer"], ["create_agent", "create_agent"])
    assert agents[False] == (["default", "default"], [])
