"""One stored run's facts made once (`_run_facts`, perf8): every reader gets what it computed itself before.

The goal's numbers, dates and sources, the calls' argument leaves and each result's records (numeric leaves by
record) are made once per run and passed down to rule 1's recorders; each fact is the plain function's value,
and what the recorders make of it is what they made without it. The facts hold no reference cycle: they are
freed with the run (a cycle kept every run's facts alive until the batch's collection, `_bulk`).
"""

from __future__ import annotations

import gc
import random
from typing import Any

from llmos.learning import _run_facts, _seen, _seen_derived, _seen_pairs, _seen_products, _shortcuts
from llmos.learning import _seen_mentions as mentions
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize_goal
from llmos.learning.induction import new_plan, normalise
from llmos.trace import ToolCallRecord, Trace

KEYS = ["qty", "width", "height", "depth", "eur", "sku", "due", "note", "customer_id", "hours", "limit"]
GOALS = [
    "Renew SKU-12 by 2026-04-01 for 3 units",
    "Book 3 kits due 2026-03-14 and 2026-03-20",
    "Check ok status",
    "Move 12.5 kg from 2025-12-31 to B7 after 40 days",
]


def _value(rng: random.Random, key: str) -> Any:
    if key in ("due", "sku", "note") or rng.random() < 0.15:
        return rng.choice(["2026-03-14", f"SKU-{rng.randint(1, 99)}", "runs 12 h then 30 h", "0824", "ok", "B7"])
    return rng.choice([rng.randint(0, 400), round(rng.uniform(0, 90), 2), True, 0])


def _values(rng: random.Random) -> list[tuple[Any, Any]]:
    """A result's scalars: records (some with more numbers than a product pairs), sometimes a list."""
    out: list[tuple[Any, Any]] = []
    for rec in rng.sample([(), ("box",), ("spec", "dims")], rng.randint(1, 3)):
        for key in rng.sample(KEYS, rng.randint(1, 7)):
            out.append(((*rec, key), _value(rng, key)))
    if rng.random() < 0.4:
        for i in range(rng.randint(1, 3)):
            for key in ("qty", "eur"):
                out.append((("items", i, key), _value(rng, key)))
    return out


def test_each_fact_is_the_plain_functions_value() -> None:
    rng = random.Random(11)
    for goal in GOALS:
        tokens = tokenize_goal(goal)
        args = [{"sku": "SKU-12", "lines": [{"qty": 3}, {"qty": 40}]}, None, {"n": 12.5, "to": "B7"}]
        facts = _run_facts.RunFacts(tokens, args)
        assert facts.goal_numbers() == _seen_pairs.goal_numbers(tokens)
        assert facts.goal_dates() == _seen_derived.goal_dates(tokens)
        assert facts.goal_sources() == mentions.goal_sources(tokens)
        assert facts.goal_numbers() is facts.goal_numbers()  # made once
        for k in (0, 2):
            assert facts.arg_leaves(k) == list(ex.leaves(args[k]))
            assert facts.arg_leaves(k) is facts.arg_leaves(k)
        for _ in range(50):
            values = _values(rng)
            assert facts.step(values).groups() == _seen_products.record_groups(values)


def test_the_goal_dates_are_those_the_plain_dates_list() -> None:
    """`goal_dates` taken out of `_dates`: the same labels, in the same order, with or without the facts."""
    rng = random.Random(12)
    for goal in GOALS:
        tokens = tokenize_goal(goal)
        for _ in range(40):
            values = _values(rng)
            plain = _seen_derived._dates(values, tokens, [])
            assert _seen_derived._dates(values, tokens, [], None, _seen_derived.goal_dates(tokens)) == plain
            assert [d for d in plain if d[0].startswith("goal#")] == _seen_derived.goal_dates(tokens)


def test_records_quantities_from_shared_groups_are_the_plain_ones() -> None:
    rng = random.Random(13)
    for _ in range(600):
        values = _values(rng)
        groups = _seen_products.record_groups(values)
        for fn in (
            _seen_products.record_products,
            _seen_products.record_ratios,
            _seen_products.record_triples,
            _seen_products.record_differences,
        ):
            assert list(fn(values, groups).items()) == list(fn(values).items())  # type: ignore[operator]
        assert _seen_products.records(values, groups) == _seen_products.records(values)


def test_derived_quantities_with_the_runs_facts_are_the_plain_ones_in_order() -> None:
    rng = random.Random(14)
    for _ in range(600):
        tokens = tokenize_goal(rng.choice(GOALS))
        values = _values(rng)
        earlier = [(0, _seen_derived.date_values(_values(rng)))] if rng.random() < 0.5 else []
        facts = _run_facts.RunFacts(tokens, []).step(values)
        fast = _seen_derived.derive(values, tokens, earlier, None, None, None, facts)
        with _shortcuts.off():
            plain = _seen_derived.derive(values, tokens, earlier)
        assert list(fast.items()) == list(plain.items())


def _trace(rng: random.Random) -> Trace:
    qty, old = rng.randint(2, 90), rng.randint(0, 500)
    t = Trace(goal=f"Ship {qty} crates of SKU-{rng.randint(10, 99)} by 2026-04-0{rng.randint(1, 9)}")
    read = f'{{"box": {{"w": {qty}, "h": 4, "d": 2}}, "old": {old}}}'
    t.tool_calls = [
        ToolCallRecord("a", "get", {"sku": "SKU-1"}, read, turn=1),
        ToolCallRecord("b", "put", {"sku": "SKU-1", "quantity": old + qty}, '{"ok": true}', turn=2),
    ]
    t.finish("success", f"Done: {old + qty}")
    return t


def test_recording_a_run_twice_with_its_facts_kept_on_the_env_records_the_same() -> None:
    rng = random.Random(15)
    for _ in range(20):
        ev = normalise(_trace(rng), frozenset())
        assert not isinstance(ev, str)
        plan = new_plan(ev)  # records once, with the facts kept on the run's env
        env = ev.env()
        args = [c.arguments for c in ev.calls]
        facts = _run_facts.of(env, ev.tokens, args)
        assert _run_facts.of(env, ev.tokens, [c.arguments for c in ev.calls]) is facts  # the same run
        assert _run_facts.of(env, ev.tokens, [dict(a) for a in args]) is not facts  # other argument objects
        assert plan.seen_runs == 1
        again = plan.copy()
        _seen.record(again, ev.tokens, args, env.texts, env.parsed, env)  # from the kept facts
        fresh = plan.copy()
        _seen.record(fresh, ev.tokens, args, env.texts, env.parsed, None)  # made anew
        assert [s.seen for s in again.steps] == [s.seen for s in fresh.steps]


def test_a_runs_facts_are_freed_with_it_no_cycle() -> None:
    rng = random.Random(16)
    was = gc.isenabled()
    gc.disable()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(10):
            ev = normalise(_trace(rng), frozenset())
            assert not isinstance(ev, str)
            new_plan(ev)
            del ev
        gc.collect()
        kinds = {type(o).__name__ for o in gc.garbage}
        assert not kinds & {"RunFacts", "StepFacts"}, kinds
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
