"""Unsafe replay probes: in every case the right replay or a model call, never a wrong replay."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from test_learning_world import FAMILIES, PREFIX, Family, Harness, stopped_outside_evidence

from llmos.config import LearningConfig
from llmos.exceptions import ModeUnavailable
from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from llmos.trace import ToolCallRecord, Trace


async def run_all(h: Harness, fam: Family, params: list[dict[str, Any]]) -> list[str]:
    modes = []
    for p in params:
        out = await h.run(fam, p)
        assert out.correct, (out.trace.mode, out.trace.goal, out.decision.reason)
        modes.append(out.trace.mode)
    return modes


async def test_near_miss_goal_is_never_replayed_with_the_wrong_plan(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(1)
    add, remove = FAMILIES["stock_add"], FAMILIES["stock_remove"]
    await run_all(h, add, [add.sample(rng, h.world) for _ in range(4)])
    p = add.sample(rng, h.world)
    p["qty"] = 1
    out = await h.run(remove, p)  # one skeleton word differs: Remove instead of Add
    assert out.trace.mode != "follower" and out.correct
    # the add plan is a near-miss but another task ('Remove' is a task word, not a value): no guide
    assert out.decision.mode == "learner" and out.decision.reason["not_related"], out.decision.reason
    modes = await run_all(h, remove, [dict(remove.sample(rng, h.world), qty=1) for _ in range(4)])
    assert "follower" in modes  # the remove plan is learned on its own
    assert len({p.seq for p in h.engine.plans()}) == 1 and len(h.engine.plans()) == 2


async def test_conditional_goal_with_one_branch_seen_is_never_replayed(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(2)
    fam = FAMILIES["restock"]
    modes = await run_all(h, fam, [fam.sample(rng, h.world) for _ in range(4)])
    assert "follower" not in modes
    # now a goal whose correct effect is nothing (stock above target): still a model call, still correct
    p = fam.sample(rng, h.world)
    h.world.state["stock"][f"{p['sku']}@{p['wh']}"] = 500
    out = await h.run(fam, p)
    assert out.trace.mode != "follower" and out.correct
    assert any("conditional" in b for b in out.decision.reason["why_not_follower"])


async def test_unused_lookup_result_replays_only_inside_the_evidence(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(3)
    fam = FAMILIES["topup"]  # no conditional word; set_stock ignores get_stock's result
    runs = [fam.sample(rng, h.world) for _ in range(6)]
    for p, target in zip(runs, [20, 60, 40, 30, 50, 25], strict=True):  # targets inside the first two (rule 1)
        p["target"] = target
    modes = await run_all(h, fam, runs)
    assert "follower" in modes  # rule 1: a read whose result feeds nothing no longer makes the plan unsafe
    plan = h.engine.plans()[0]
    assert not any("may decide a branch" in r for r in plan.unsafe_reasons())
    p = fam.sample(rng, h.world) | {"target": 45}
    h.world.state["stock"][f"{p['sku']}@{p['wh']}"] = 500  # the branch never taken in the evidence
    out = await h.run(fam, p)
    assert out.trace.mode != "follower" and out.correct and stopped_outside_evidence(out.trace)


async def test_both_branches_seen_mark_the_skeleton_as_branching(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    fam = FAMILIES["topup"]
    params = [{"sku": f"BOLT-{i}", "wh": "A1", "target": 30} for i in range(10, 16)]
    for i, p in enumerate(params):
        h.world.state["stock"][f"{p['sku']}@A1"] = 5 if i % 2 == 0 else 90
    await run_all(h, fam, params)
    plans = h.engine.plans()
    assert len(plans) == 2
    assert any(p.branching for p in plans)


async def test_transient_failure_during_replay_is_retried(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(4)
    fam = FAMILIES["stock_add"]
    await run_all(h, fam, [fam.sample(rng, h.world) for _ in range(3)])
    h.world.faults["get_stock"] = 1
    out = await h.run(fam, fam.sample(rng, h.world))
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0
    names = [(c.name, c.is_error) for c in out.trace.tool_calls]
    assert names == [
        (PREFIX + "get_stock", True),
        (PREFIX + "get_stock", False),
        (PREFIX + "set_stock", False),
    ]


async def test_persistent_failure_falls_back_and_lowers_confidence(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(5)
    fam = FAMILIES["stock_add"]
    # amounts of 2..50 units: the replay below adds 30, inside them (rule 1)
    await run_all(h, fam, [fam.sample(rng, h.world) | {"qty": q} for q in (2, 50, 20)])
    plan_before = h.engine.plans()[0]
    conf_before = h.engine.select(fam.goal(fam.sample(rng, h.world) | {"qty": 25})).confidence
    h.world.faults["set_stock"] = 2  # the replay's try and its one retry fail; the model's retry works
    out = await h.run(fam, fam.sample(rng, h.world) | {"qty": 30})
    assert out.correct and out.llm_calls > 0
    assert any(e["kind"] == "fallback" for e in out.trace.events)
    plan = h.engine.plan(plan_before.id)
    assert plan.fallbacks == 1 and plan.penalty > 0 and plan.support == plan_before.support
    assert h.engine.select(fam.goal(fam.sample(rng, h.world) | {"qty": 25})).confidence < conf_before


async def test_transient_failure_in_a_learning_trace_is_folded_away(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(6)
    fam = FAMILIES["weather"]
    h.world.faults["celsius_to_fahrenheit"] = 1
    modes = await run_all(h, fam, [{"city": c} for c in ["Paris", "Tokyo", "Lima", "Oslo"]])
    assert modes[-1] == "follower" and len(h.engine.plans()) == 1
    del rng


async def test_disagreeing_explanations_stop_the_replay_before_the_call(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    fam = FAMILIES["email"]
    await run_all(h, fam, [{"report": "sales", "person": "Alice"}, {"report": "budget", "person": "Bruno"}])
    # evidence cannot tell "the directory's address" from "lower(name)@corp.example": when they differ, stop
    h.world.state["people"]["Chen"] = "c.wang@corp.example"
    out = await h.run(fam, {"report": "hiring", "person": "Chen"})
    assert out.correct and out.decision.mode == "follower" and out.llm_calls > 0
    fb = next(e for e in out.trace.events if e["kind"] == "fallback")
    assert "disagree" in fb["reason"]
    assert [c.source for c in out.trace.tool_calls].count("replay") == 2  # send_email never replayed


async def test_changed_result_shape_stops_the_replay(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    fam = FAMILIES["weather"]
    await run_all(h, fam, [{"city": "Paris"}, {"city": "Tokyo"}])
    original = h.world.apply

    def apply(state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        out = original(state, name, a)
        return {"city": a["city"], "temp": {"celsius": out["celsius"]}} if name == "get_weather" else out

    h.world.apply = apply  # type: ignore[method-assign]
    trace = Trace(goal="Record the temperature in Lima in Fahrenheit", mode="follower")
    from llmos.execution.replay import replay

    d = h.engine.select(trace.goal)
    assert d.mode == "follower"
    res = await replay(h.ctx(trace), d)
    assert not res.success and "shape" in (res.diverged or "") and res.step == 0
    assert h.world.state["values"] == {
        "temp_Paris": h.world.state["values"]["temp_Paris"],
        "temp_Tokyo": h.world.state["values"]["temp_Tokyo"],
    }


def _ship_trace(order: int, city: str, carrier: str) -> Trace:
    t = Trace(goal=f"Ship order {order} to {city}")
    t.tool_calls = [
        ToolCallRecord("c1", "ship", {"order": order, "city": city, "carrier": carrier}, result='{"ok": true}', turn=1)
    ]
    t.finish("success", "Shipped.")
    return t


async def test_argument_constant_then_varying_makes_the_plan_unsafe(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    eng = h.engine
    eng.observe(_ship_trace(17, "Paris", "UPS"))
    eng.observe(_ship_trace(18, "Lima", "UPS"))
    assert eng.select("Ship order 20 to Cairo").mode == "follower"
    eng.observe(_ship_trace(19, "Oslo", "DHL"))  # same skeleton, carrier now differs: unexplained
    d = eng.select("Ship order 21 to Tokyo")
    assert d.mode != "follower"
    assert any("contradicted" in b for b in d.reason["why_not_follower"])


async def test_paraphrase_and_one_off_goals_call_the_model(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(8)
    fam = FAMILIES["stock_add"]
    await run_all(h, fam, [fam.sample(rng, h.world) for _ in range(4)])
    para = Family("para", "Please put {qty} more units of {sku} into warehouse {wh}", fam.solve, fam.sample)
    out = await h.run(para, para.sample(rng, h.world))
    assert out.trace.mode != "follower" and out.correct
    one = Family("one", "Add {qty} units of {sku} to warehouse {wh} for Bruno", fam.solve, fam.sample)
    p = one.sample(rng, h.world)
    for _ in range(2):  # an exact repeat of a one-off goal: support 1 is not enough
        out = await h.run(one, p)  # (nor its sibling's: "Bruno" is a value no slot of it places)
        assert out.trace.mode != "follower" and out.correct
    today = Family("today", "Add {qty} units of {sku} to warehouse {wh} today", fam.solve, fam.sample)
    q = today.sample(rng, h.world)
    first = await h.run(today, q)
    assert first.trace.mode != "follower" and first.correct
    # the same calls, every argument explained as the sibling's plan explains it: that plan's evidence
    # counts for this wording after its one run (`wordings.py`)
    out = await h.run(today, q)
    assert out.trace.mode == "follower" and out.correct and out.decision.reason["sibling"]["lent_support"] >= 2


async def test_min_support_one_replays_an_exact_repeat(tmp_path: Path) -> None:
    h = Harness(tmp_path, LearningConfig(min_support=1))
    fam = FAMILIES["stock_add"]
    p = {"qty": 5, "sku": "BOLT-11", "wh": "A1"}
    h.world.state["stock"]["BOLT-11@A1"] = 10
    modes = await run_all(h, fam, [p, p, p, p])
    # one trace cannot tell the constant 15 from "old + 5": the candidates disagree live, so the
    # first replay stops before set_stock (a precaution: rule 2, no penalty) and the model finishes;
    # its run drops the constant, and the next goal replays
    assert modes == ["learner", "learner", "follower", "follower"]
    assert h.world.state["stock"]["BOLT-11@A1"] == 30
    note = FAMILIES["note"]
    q = {"title": "Ideas 1", "text": "Ship the beta"}
    assert await run_all(h, note, [q, q]) == ["learner", "follower"]


async def test_support_below_min_never_replays_whatever_the_thresholds(tmp_path: Path) -> None:
    h = Harness(tmp_path, LearningConfig(follower_threshold=0.0, mixed_threshold=0.0, min_support=3))
    fam = FAMILIES["note"]
    rng = random.Random(9)
    modes = await run_all(h, fam, [fam.sample(rng, h.world) for _ in range(4)])
    assert modes[:3] == ["learner", "mixed", "mixed"] and modes[3] == "follower"


class DenySet(Hook):
    async def pre_tool_use(self, ctx: Any, event: ToolUseEvent) -> HookDecision | None:
        return HookDecision.deny("no writes today") if event.tool.endswith("set_stock") else None


async def test_denied_calls_support_nothing_and_stop_a_replay(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(10)
    fam = FAMILIES["stock_add"]
    h.world.state["stock"].update({"NUT-11@A1": 5, "GEAR-12@B2": 7})
    await run_all(h, fam, [{"qty": 3, "sku": "NUT-11", "wh": "A1"}, {"qty": 9, "sku": "GEAR-12", "wh": "B2"}])
    support = h.engine.plans()[0].support
    h.ctx = _with_hook(h.ctx, DenySet())  # type: ignore[method-assign]
    p = fam.sample(rng, h.world) | {"qty": 5}  # inside the 3..9 units the runs added (rule 1)
    d = h.engine.select(fam.goal(p))
    assert d.mode == "follower"
    from llmos.execution.replay import replay

    trace = Trace(goal=fam.goal(p), mode="follower", plan_id=d.plan_id)
    res = await replay(h.ctx(trace), d)
    assert not res.success and "denied" in (res.diverged or "")
    trace.finish("failed", error="denied")
    h.engine.observe(trace)
    learner = Trace(goal=fam.goal(p))
    learner.tool_calls = list(trace.tool_calls)
    learner.finish("success", "done anyway")
    assert h.engine.observe(learner).plan_id is None
    assert h.engine.plans()[0].support == support


def _with_hook(make_ctx: Any, hook: Hook) -> Any:
    def ctx(trace: Trace) -> Any:
        c = make_ctx(trace)
        c.hooks.add(hook)
        return c

    return ctx


async def test_failed_and_rejected_runs_support_nothing(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    eng = h.engine
    t1, t2 = _ship_trace(1, "Paris", "UPS"), _ship_trace(2, "Lima", "UPS")
    t2.status = "failed"
    eng.observe(t1)
    assert eng.observe(t2).plan_id is None
    t3 = _ship_trace(3, "Oslo", "UPS")
    t3.rejected = True
    assert eng.observe(t3).plan_id is None
    assert eng.select("Ship order 4 to Cairo").mode != "follower"
    t4 = _ship_trace(4, "Cairo", "UPS")
    assert eng.observe(t4).repetition_count == 2
    assert eng.select("Ship order 5 to Tokyo").mode == "follower"
    eng.reject(t4.id, t4)
    assert eng.select("Ship order 5 to Tokyo").mode != "follower"


async def test_forced_modes(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    with pytest.raises(ModeUnavailable, match="FOLLOWER"):
        h.engine.select("Ship order 4 to Cairo", "follower")
    with pytest.raises(ModeUnavailable, match="MIXED"):
        h.engine.select("Ship order 4 to Cairo", "mixed")
    h.engine.observe(_ship_trace(1, "Paris", "UPS"))
    assert h.engine.select("Ship order 4 to Cairo", "mixed").mode == "mixed"
    assert h.engine.select("Ship order 4 to Cairo", "learner").mode == "learner"
    assert h.engine.select("Ship order 4 to Cairo", "crystallized").mode == "learner"


async def test_unit_scale_is_learned(tmp_path: Path) -> None:
    h = Harness(tmp_path)

    async def solve(p: dict[str, Any], calls: Any) -> str:
        await calls([("save_value", {"name": p["label"], "value": p["km"] * 0.621371})])
        return "saved"

    fam = Family(
        "miles",
        "Save {km} km in miles as '{label}'",
        solve,
        lambda r, w: {"km": r.randint(1, 900), "label": f"d{r.randint(1, 99)}"},
    )
    rng = random.Random(11)
    modes = await run_all(h, fam, [fam.sample(rng, h.world) for _ in range(10)])
    assert modes.count("follower") >= 3  # random distances: a write's amount replays inside the range seen
