"""The Sentience service on a real workspace database: triggers from runs, persistence, time,
disabled mode, opportunities and self-improvement."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmos.config import SentienceConfig, load_config
from llmos.exceptions import ConfigError, UserError
from llmos.sentience import NEUTRAL_POLICY, TRIGGERS, LatentMode, Opportunity, Sentience
from llmos.storage.db import Database
from llmos.trace import ModelCallRecord, ToolCallRecord, Trace


class Clock:
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def make(tmp_path: Path, clock: Clock | None = None, **cfg: Any) -> Sentience:
    return Sentience(Database.for_workspace(tmp_path), SentienceConfig.model_validate(cfg), clock=clock or Clock())


def trace(
    status: str = "success", *, goal: str = "do it", cost: float = 0.0,
    calls: list[ToolCallRecord] | None = None, error: str | None = None, agent: str = "default",
    events: list[dict[str, Any]] | None = None, plan_id: str | None = None,
) -> Trace:  # fmt: skip
    t = Trace(goal=goal, agent=agent, plan_id=plan_id)
    t.model_calls.append(ModelCallRecord("test", "m", cost_usd=cost))
    t.tool_calls.extend(calls or [])
    t.events.extend(events or [])
    t.finish(status, "out", error)  # type: ignore[arg-type]
    return t


def denied(cmd: str = "rm -rf /") -> ToolCallRecord:
    return ToolCallRecord("c1", "bash", {"command": cmd}, decision="deny", decision_reason="blocked")


def test_on_run_end_maps_outcomes_to_triggers(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert s.on_run_end(trace("success"), repetition_count=3) == ["task_success", "repetition"]
    assert s.on_run_end(trace("failed", error="boom"), novel=True) == ["task_failure", "novel_task"]
    assert s.on_run_end(trace("failed", error="tool timed out after 60s")) == ["timeout"]
    down = "ModelHTTPError: openai could not be reached: [Errno 111] Connection refused"
    assert s.on_run_end(trace("failed", error=down)) == ["infrastructure_failure"]
    assert s.on_run_end(trace("cancelled")) == ["external_interruption"]
    assert s.on_run_end(trace("budget_exceeded", cost=0.3)) == ["task_failure", "high_cost"]
    assert s.on_run_end(trace("success", cost=0.25), new_tools=["a", "b"]) == [
        "task_success", "high_cost", "tool_discovery",
    ]  # fmt: skip
    assert s.on_run_end(trace("failed", calls=[denied()])) == ["task_failure", "safety_violation"]
    unanswered = "confirmation required, and nobody can confirm in a non-interactive run: "
    declined = ToolCallRecord("c2", "write_file", {}, decision="deny", decision_reason="the user declined: outside")
    asked = ToolCallRecord("c3", "write_file", {}, decision="ask", decision_reason="security asks")
    own = ToolCallRecord(
        "c4", "bash", {}, decision="deny",
        decision_reason=unanswered + "shell commands need confirmation while latent mode CAUTIOUS",
    )  # fmt: skip
    confirmed = ToolCallRecord("c5", "bash", {}, decision="allow", decision_reason="confirmed by the user (x)")
    fired = s.on_run_end(trace("success", calls=[declined, asked, own, confirmed]))
    assert fired == [
        "task_success",
        "near_miss",
        "near_miss",
    ]  # our own confirmations are not held against us
    own_block = ToolCallRecord(
        "c6", "bash", {}, decision="deny",
        decision_reason="destructive command ('rm -rf'): blocked while latent mode CAUTIOUS (safety is low)",
    )  # fmt: skip
    assert s.on_run_end(trace("failed", calls=[own_block])) == ["task_failure", "safety_violation"]
    high = [h for h in s.history() if h.trigger == "high_cost"]
    assert high[-1].magnitude == pytest.approx(2.5)  # $0.25 over the $0.10 threshold


def test_a_denied_call_lowers_safety_and_tightens_the_policy(tmp_path: Path) -> None:
    s = make(tmp_path)
    before = s.policy()
    assert not before.confirm_destructive
    s.on_run_end(trace("failed", calls=[denied()]), novel=True)
    assert s.valence().safety < 0.1
    assert s.policy().confirm_destructive
    for _ in range(2):
        s.on_run_end(trace("failed", calls=[denied()]), novel=True)
    assert s.mode() is LatentMode.RECOVERY
    p = s.policy()
    assert p.block_destructive and not p.confirm_writes and not p.confirm_shell  # never gates ordinary writes
    assert not p.allow_mixed and p.follower_threshold_delta > 0


def test_ten_repetitions_make_the_system_contained(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.on_run_end(trace(goal="sum 1 2"), novel=True)
    for i in range(1, 11):
        s.on_run_end(trace(goal=f"sum {i} 2"), repetition_count=i)
    assert s.mode() is LatentMode.AUTO_CONTAINED
    assert s.valence().curiosity < -0.3
    assert s.policy().prefer_crystallized


def test_state_persists_across_reopen_and_history_is_bounded(tmp_path: Path) -> None:
    clock = Clock()
    s = make(tmp_path, clock, history_limit=5)
    for _ in range(8):
        clock.t += 1
        s.on_run_end(trace("failed"))
    v = s.valence()
    s.store.db.close()
    s2 = make(tmp_path, clock, history_limit=5)
    assert s2.valence() == v
    hist = s2.history()
    assert len(hist) == 5 and hist[-1].valence == v and hist[-1].trigger == "task_failure"
    assert [h.seq for h in hist] == sorted(h.seq for h in hist)
    assert s2.history(2) == hist[-2:]


def test_reading_never_writes_and_time_recovers_energy(tmp_path: Path) -> None:
    clock = Clock()
    s = make(tmp_path, clock, energy_half_life_s=100.0)
    s.fire("timeout", 5.0)
    low = s.valence().energy
    raw = s.store.state()
    clock.t += 100
    assert s.valence().energy == pytest.approx(0.7 + (low - 0.7) / 2)
    s.snapshot()
    s.prompt_block()
    s.policy()
    assert s.store.state() == raw  # the stored trajectory is untouched by reads


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(0, 5000), st.sampled_from(TRIGGERS), st.integers(0, 4)), min_size=1, max_size=12))
def test_state_does_not_depend_on_read_frequency(tmp_path_factory: Any, steps: list[tuple[float, str, int]]) -> None:
    results = []
    for reads in (False, True):
        clock = Clock()
        s = make(tmp_path_factory.mktemp("ws"), clock, half_life_s={"safety": 700.0, "curiosity": 300.0})
        for dt, name, n_reads in steps:
            start = clock.t
            for k in range(1, n_reads + 1 if reads else 1):  # reads spread over the gap
                clock.t = start + dt * k / (n_reads + 1)
                s.valence()
                s.policy()
                s.snapshot()
            clock.t = start + dt
            s.fire(name)
        clock.t += 1234.5
        results.append(s.valence())
    for d in ("safety", "curiosity", "energy", "self_confidence"):
        assert results[0].get(d) == pytest.approx(results[1].get(d), abs=1e-9)


def test_a_failed_write_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = make(tmp_path)
    s.fire("task_success")
    before, n = s.store.state(), len(s.history())
    from llmos.sentience import store as store_mod

    def broken(*a: Any, **k: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_mod.StoreTx, "write_state", broken)
    with pytest.raises(Exception, match="disk I/O error"):
        s.fire_many([("task_failure", 1.0, {}), ("timeout", 1.0, {})])
    monkeypatch.undo()
    assert s.store.state() == before and len(s.history()) == n  # all or nothing


def test_bad_input_is_rejected_clearly(tmp_path: Path) -> None:
    s = make(tmp_path)
    with pytest.raises(UserError, match="unknown sentience trigger 'nope'"):
        s.fire("nope")
    with pytest.raises(UserError, match="magnitude"):
        s.fire("timeout", float("nan"))
    with pytest.raises(ConfigError, match=r"sentience\.decay\.mood"):
        make(tmp_path, decay={"mood": 0.1})


def test_config_from_llmos_toml_is_used(tmp_path: Path) -> None:
    (tmp_path / "llmos.toml").write_text(
        "[sentience]\nsetpoints = { safety = -0.2 }\n[sentience.triggers.task_success]\ncuriosity = 3.0\n"
    )
    cfg = load_config(tmp_path).sentience
    s = Sentience(Database.for_workspace(tmp_path), cfg, clock=Clock())
    assert s.valence().safety == -0.2 and s.mode() is LatentMode.CAUTIOUS
    s.fire("task_success")
    assert s.valence().curiosity == pytest.approx(0.36 * 0.97)


def test_disabled_is_a_no_op(tmp_path: Path) -> None:
    s = make(tmp_path, enabled=False)
    assert s.on_run_end(trace("failed", calls=[denied()]), novel=True) == []
    s.fire("safety_violation")
    s.on_self_modification("crystallize", False)
    assert s.feedback("run_x", False) is False
    s.reset()
    assert s.policy() == NEUTRAL_POLICY and s.selection_policy().neutral
    assert s.policy().follower_threshold_delta == 0 and not s.policy().confirm_shell
    assert s.prompt_block() == ""
    assert s.opportunities([trace()] * 10) == []
    assert s.history() == []
    assert s.snapshot()["enabled"] is False
    tables = s._db.connection().execute("SELECT name FROM sqlite_master WHERE name LIKE 'sentience%'").fetchall()
    assert tables == []  # the database was never touched


def test_feedback_counts_once_per_run(tmp_path: Path) -> None:
    s = make(tmp_path)
    c0 = s.valence().self_confidence
    assert s.feedback("run_1", True) is True
    c1 = s.valence().self_confidence
    assert c1 > c0
    assert s.feedback("run_1", True) is False
    assert s.valence().self_confidence == c1
    assert s.feedback("run_1", False) is True  # a changed verdict counts
    assert s.valence().self_confidence < c1
    assert [h.trigger for h in s.history()] == ["positive_feedback", "negative_feedback"]


def test_prompt_block_and_snapshot(tmp_path: Path) -> None:
    s = make(tmp_path)
    block = s.prompt_block()
    assert block.startswith("[INTERNAL_STATE]") and "latent_mode: BALANCED" in block and "safety=+0.50" in block
    assert make(tmp_path, inject_prompt=False).prompt_block() == ""
    for _ in range(3):
        s.on_run_end(trace("failed", calls=[denied()]))
    assert "RECOVERY" in s.prompt_block() and "destructive operations are blocked" in s.prompt_block()
    snap = json.loads(json.dumps(s.snapshot()))
    assert snap["latent_mode"] == "RECOVERY" and snap["policy"]["allow_mixed"] is False
    assert set(snap["valence"]) == {"safety", "curiosity", "energy", "self_confidence"}
    s.reset()
    assert s.mode() is LatentMode.BALANCED and s.history() == []


def test_opportunities_from_traces(tmp_path: Path) -> None:
    s = make(tmp_path)
    bad = ToolCallRecord("x", "flaky", {}, is_error=True)
    good = ToolCallRecord("y", "flaky", {})
    traces = [trace(goal=f"convert file{i}.csv to json", cost=0.01) for i in range(6)]
    traces += [trace(calls=[bad, bad, good], goal=f"other {i} thing", agent="big", cost=0.5) for i in range(3)]
    traces += [trace(goal="x", events=[{"kind": "fallback"}], plan_id="plan_7") for _ in range(2)]
    found = {o.kind: o for o in s.opportunities(traces)}
    assert set(found) == {"crystallize", "fix_tool", "cost_concentration", "plan_fallback"}
    assert found["crystallize"].target == "convert file<n>.csv to json"
    assert found["crystallize"].evidence["successes"] == 6
    assert found["fix_tool"].target == "flaky" and found["fix_tool"].evidence["errors"] == 6
    assert found["cost_concentration"].target == "big"
    assert found["plan_fallback"].target == "plan_7"
    for _ in range(12):
        s.fire("repetition", 2.0)
    assert "boredom" in {o.kind for o in s.opportunities([])}


async def test_improve_acts_records_and_respects_cooldowns(tmp_path: Path) -> None:
    clock = Clock()
    s = make(tmp_path, clock, auto_improve=True)
    traces = [trace(goal="convert file.csv to json") for _ in range(6)]
    seen: list[Opportunity] = []

    async def crystallize(o: Opportunity) -> dict[str, Any]:
        seen.append(o)
        return {"tool": "convert_csv"}

    s.register_action("crystallize", crystallize)
    done = await s.improve(traces)
    assert [d["kind"] for d in done] == ["crystallize"] and done[0]["ok"]
    assert s.history()[-1].trigger == "self_modification_success"
    assert s.store.actions()[0]["detail"]["tool"] == "convert_csv"
    assert await s.improve(traces) == []  # cooling down
    s.store.db.close()
    s2 = make(tmp_path, clock, auto_improve=True)
    s2.register_action("crystallize", crystallize)
    assert await s2.improve(traces) == []  # the cooldown was persisted
    assert s2.snapshot(traces)["opportunities"][0]["cooldown_until"] is not None
    clock.t += 3601
    assert len(await s2.improve(traces)) == 1 and len(seen) == 2


async def test_improve_needs_auto_improve_and_a_permissive_policy(tmp_path: Path) -> None:
    traces = [trace(goal="g") for _ in range(6)]

    async def boom(o: Opportunity) -> None:
        raise RuntimeError("cannot")

    off = make(tmp_path / "a")
    off.register_action("crystallize", boom)
    assert await off.improve(traces) == []
    s = make(tmp_path / "b", auto_improve=True)
    s.register_action("crystallize", boom)
    done = await s.improve(traces)
    assert done[0]["ok"] is False and "cannot" in done[0]["detail"]["error"]
    assert s.history()[-1].trigger == "self_modification_failure"
    cautious = make(tmp_path / "c", auto_improve=True)
    cautious.register_action("crystallize", boom)
    cautious.fire("safety_violation", 2.0)
    assert not cautious.policy().allow_self_modification
    assert await cautious.improve(traces) == []
