"""Rule 5 on identical evidence (`learning/_same_run.py`): a replay whose goal, calls and every result are its
plan's example run's, on the same day, is answered as that run was.

A kitchen's fridge checks: "What share of the fridge checks at kitchen East were in range this week?" The model
judges an empty log in words ("no fridge checks logged ..., so there is no share to report"): no template or
listing states that, so before the rule every repeat of the question went to the model, also when nothing had
changed. Now a repeat on the same results is a replay with the model's own answer; a check logged in between,
another kitchen, another day, or a run the model only finished after a replay, and the usual rules apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing

from llmos.learning import _same_run
from llmos.learning.induction import normalise
from llmos.learning.risk import registry_risk


class KitchenWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(checks={"East": [], "West": [], "North": [3.5, 9.0]})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "fridge_log":
            return {"kitchen": a["kitchen"], "week": "2026-W49", "checks_c": state["checks"][a["kitchen"]]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"fridge_log": ["kitchen"]})
        tool = reg.get(PREFIX + "fridge_log")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve_share(p: dict[str, Any], calls: Calls) -> str:
    (log,) = await calls([("fridge_log", {"kitchen": p["kitchen"]})])
    checks = log["checks_c"]
    if not checks:
        return f"Kitchen {p['kitchen']} has no fridge checks logged this week, so there is no share to report."
    ok = sum(1 for c in checks if c <= 5)
    return (
        f"Kitchen {p['kitchen']} this week: {ok} of {len(checks)} checks in range, {round(100 * ok / len(checks), 1)}%."
    )


SHARE = Family(
    "share", "What share of the fridge checks at kitchen {kitchen} were in range this week?", solve_share, nothing
)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = KitchenWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def test_a_repeat_on_the_same_results_is_answered_as_the_example_run_was(tmp_path: Path) -> None:
    h = harness(tmp_path)
    first = await h.run(SHARE, {"kitchen": "East"})
    assert first.decision.mode == "learner" and first.correct
    out = await h.run(SHARE, {"kitchen": "East"})
    assert out.decision.mode == "follower" and out.llm_calls == 0, [
        e for e in out.trace.events if e.get("kind") in ("fallback", "envelope")
    ]
    assert out.trace.output == first.trace.output
    assert out.correct and [c.name for c in out.trace.top_level_calls] == [PREFIX + "fridge_log"]


async def test_a_result_that_changed_goes_to_the_model(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await h.run(SHARE, {"kitchen": "East"})
    h.world.state["checks"]["East"].append(4.0)  # a check logged since
    out = await h.run(SHARE, {"kitchen": "East"})
    assert out.llm_calls > 0
    assert out.trace.output == "Kitchen East this week: 1 of 1 checks in range, 100.0%."


async def test_another_kitchen_with_the_same_empty_log_is_not_the_same_run(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await h.run(SHARE, {"kitchen": "East"})
    out = await h.run(SHARE, {"kitchen": "West"})
    assert "West" in out.trace.output and "East" not in out.trace.output
    assert out.llm_calls > 0  # the plan's rules, not the same-run answer: the judgement is the model's


async def test_another_day_goes_to_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    h = harness(tmp_path)
    await h.run(SHARE, {"kitchen": "East"})
    later = _same_run.time.time() + 2 * 86400
    monkeypatch.setattr(_same_run.time, "time", lambda: later)
    out = await h.run(SHARE, {"kitchen": "East"})
    assert out.llm_calls > 0


async def test_only_a_run_the_model_answered_alone_is_kept(tmp_path: Path) -> None:
    h = harness(tmp_path)
    first = await h.run(SHARE, {"kitchen": "North"})
    ev = normalise(first.trace)
    assert not isinstance(ev, str)
    assert _same_run.record(ev, {}) == {}  # not marked whole: the engine marks it
    ev.whole_run = True
    (kept,) = _same_run.record(ev, {})[_same_run.KEY]
    assert kept["answer"] == first.trace.output and kept["run"] == first.trace.id
    ev.mode = "follower"  # a replay's own answer is no model's answer
    assert _same_run.record(ev, {}) == {}
    plan = h.engine.plans()[0]
    assert plan.example[_same_run.KEY][0]["digest"] == kept["digest"]
    goal, args, same = SHARE.goal({"kitchen": "North"}), [{"kitchen": "North"}], [first.trace.top_level_calls[0].result]
    assert _same_run.answer(plan, goal, args, same) == first.trace.output
    assert _same_run.answer(plan, goal, args, [same[0].replace("9.0", "9.5")]) is None
    assert _same_run.answer(plan, goal, [{"kitchen": "north"}], same) is None
    assert _same_run.answer(plan, goal.replace("this week", "today"), args, same) is None
    plan.trace_ids = [t for t in plan.trace_ids if t != first.trace.id]  # no longer a supporting run (rule 6)
    assert _same_run.answer(plan, goal, args, same) is None


async def test_an_earlier_run_of_the_day_answers_too_and_a_rejected_one_does_not(tmp_path: Path) -> None:
    h = harness(tmp_path)
    east = await h.run(SHARE, {"kitchen": "East"})
    north = await h.run(SHARE, {"kitchen": "North"})  # the plan's example now; East's run is kept too
    assert north.llm_calls > 0
    out = await h.run(SHARE, {"kitchen": "East"})
    assert out.decision.mode == "follower" and out.llm_calls == 0 and out.trace.output == east.trace.output
    h.engine.reject(east.trace.id, east.trace)
    out = await h.run(SHARE, {"kitchen": "East"})
    assert out.llm_calls > 0 and out.trace.output == east.trace.output


async def test_a_replayed_answer_a_person_rejects_is_not_repeated(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await h.run(SHARE, {"kitchen": "East"})
    out = await h.run(SHARE, {"kitchen": "East"})
    assert out.decision.mode == "follower" and out.llm_calls == 0
    h.engine.reject(out.trace.id, out.trace)  # rule 6: the replay was wrong
    assert all(_same_run.KEY not in p.example for p in h.engine.plans())
    again = await h.run(SHARE, {"kitchen": "East"})
    assert again.llm_calls > 0


async def test_the_stored_run_says_the_model_answered_it_alone(tmp_path: Path) -> None:
    h = harness(tmp_path)
    east = await h.run(SHARE, {"kitchen": "East"})
    await h.run(SHARE, {"kitchen": "East"})  # a replay: no evidence of its own
    (plan,) = h.engine.plans()
    (stored,) = h.engine.store.evidence_for([plan.id])  # what a rebuild or a pooled wording reads back
    assert stored.trace_id == east.trace.id and stored.whole_run
    assert _same_run.record(stored, {})[_same_run.KEY][0]["digest"] == plan.example[_same_run.KEY][0]["digest"]
