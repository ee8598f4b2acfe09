"""Plans persist in SQLite, rebuild from traces, forget rejected runs; template extraction properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmos.config import LearningConfig
from llmos.learning import explain as ex
from llmos.learning.engine import LearningEngine
from llmos.learning.goals import tokenize
from llmos.learning.induction import Call, Evidence, arg_leaves, merge, new_plan
from llmos.storage.db import Database
from llmos.trace import ToolCallRecord, Trace


def weather_trace(city: str, celsius: float) -> Trace:
    f = round(celsius * 9 / 5 + 32, 2)
    t = Trace(goal=f"Record the temperature in {city} in Fahrenheit")
    t.tool_calls = [
        ToolCallRecord("a", "get_weather", {"city": city}, json.dumps({"city": city, "celsius": celsius}), turn=1),
        ToolCallRecord("b", "c2f", {"celsius": celsius}, json.dumps({"fahrenheit": f}), turn=2),
        ToolCallRecord("c", "save_value", {"name": f"temp_{city}", "value": f}, '{"ok": true}', turn=3),
    ]
    t.finish("success", f"{city}: {f} F")
    return t


def test_plans_survive_a_restart_and_rebuild_identically(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")
    eng = LearningEngine(db, LearningConfig())
    traces = [weather_trace("Paris", 12.5), weather_trace("Tokyo", 20.1), weather_trace("Lima", 18.0)]
    for t in traces:
        eng.observe(t)
    assert eng.observe(traces[0]).plan_id is not None  # observing twice changes nothing
    before = [p.to_dict() for p in eng.plans()]
    assert before[0]["trace_ids"] == [t.id for t in traces]
    again = LearningEngine(Database(tmp_path / "a.db"), LearningConfig())
    assert [p.to_dict() for p in again.plans()] == before
    d = again.select("Record the temperature in Oslo in Fahrenheit")
    assert d.mode == "follower" and d.slots == {"city": "Oslo"}
    fresh = LearningEngine(Database(tmp_path / "b.db"), LearningConfig())
    assert fresh.rebuild(traces) == 1
    rebuilt = fresh.plans()[0].to_dict()
    for key in ("id", "skeleton", "slots", "steps", "trace_ids"):
        assert rebuilt[key] == before[0][key]


def test_reject_rebuilds_the_plan_without_the_run(tmp_path: Path) -> None:
    eng = LearningEngine(Database(tmp_path / "a.db"), LearningConfig())
    t1, t2 = weather_trace("Paris", 12.5), weather_trace("Tokyo", 20.1)
    eng.observe(t1)
    eng.observe(t2)
    assert eng.select("Record the temperature in Oslo in Fahrenheit").mode == "follower"
    affected = eng.reject(t2.id, t2)
    assert affected and eng.plans()[0].support == 1
    assert eng.select("Record the temperature in Oslo in Fahrenheit").mode != "follower"
    reloaded = LearningEngine(Database(tmp_path / "a.db"), LearningConfig())
    assert reloaded.plans()[0].support == 1


def test_explanations_of_the_weather_family() -> None:
    ev1 = Evidence(
        "t1",
        "default",
        "Record the temperature in Paris in Fahrenheit",
        [
            Call("get_weather", 0, {"city": "Paris"}, '{"city": "Paris", "celsius": 12.5}'),
            Call("save_value", 1, {"name": "temp_Paris", "value": 12.5}, "{}"),
        ],
    )
    plan = new_plan(ev1)
    names = [ex.describe(c) for c in plan.steps[1].leaves[0].cands]
    assert 'f"temp_{token4}"' in names and 'f"temp_{step0.result.city}"' in names


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
caps = words.map(str.capitalize)
numbers = st.one_of(st.integers(1, 5000), st.decimals(1, 999, places=2).map(float).filter(lambda x: x != int(x)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(caps, words, numbers), min_size=2, max_size=4, unique_by=lambda x: (x[0], x[1], x[2])))
def test_rendering_a_plan_with_a_traces_own_values_reproduces_its_calls(
    rows: list[tuple[str, str, Any]],
) -> None:
    """Templates, transforms and typed numbers: every supporting trace is reproduced exactly."""
    evidence = []
    for i, (city, word, n) in enumerate(rows):
        goal = f"Send {n} {word} to {city} as '{word}-{city}'"
        args = {"label": f"{word}_{city.lower()}", "count": n, "nested": {"to": city.upper(), "n": str(n)}}
        evidence.append(Evidence(f"t{i}", "default", goal, [Call("send", 0, args, '{"ok": 1}')]))
    plan = new_plan(evidence[0])
    for ev in evidence[1:]:
        merged, why = merge(plan, ev)
        if merged is None:  # nothing explains a leaf in both (e.g. equal words): never a wrong plan
            assert "explains" in why or "vary" in why
            return
        plan = merged
    for ev in evidence:
        env = ex.Env(tokenize(ev.goal), [None], [ex.NOT_JSON])
        for leaf in plan.steps[0].leaves:
            want = dict(arg_leaves(ev.calls[0].arguments))[leaf.path]
            got = ex.evaluate_all(leaf.cands, env)
            assert ex.same(got, want), (leaf.path, got, want)
