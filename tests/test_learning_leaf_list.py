"""`explain.leaf_list` is `list(explain.leaves(...))`, made without a generator per container, and
`_arg_dates._dated` lists the argument leaves a date explanation computes (perf11: speed only)."""

from __future__ import annotations

import json
import random
from typing import Any

from llmos.learning import _arg_dates
from llmos.learning import explain as ex
from llmos.learning.plans import Leaf, PlanStep


def _deep(n: int) -> Any:
    v: Any = {"leaf": n}
    for k in range(n):
        v = {"k": v, "l": [v, k]} if k % 2 else [v, {"x": k}]
    return v


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 8 else 5)
    if kind == 0:
        return rng.randint(-5, 5)
    if kind == 1:
        return rng.random()
    if kind == 2:
        return rng.choice(["", "a", "2026-12-05", "x y"])
    if kind == 3:
        return rng.choice([True, False, None])
    if kind == 4:
        return rng.choice([{}, []])
    if kind in (5, 6):
        return {str(rng.randint(0, 9)) if k else k: _random_json(rng, depth + 1) for k in range(rng.randint(1, 3))}
    return [_random_json(rng, depth + 1) for _ in range(rng.randint(1, 3))]


def test_leaf_list_is_leaves_listed() -> None:
    cases: list[Any] = [
        ex.NOT_JSON,
        None,
        True,
        0,
        1.5,
        "text",
        {},
        [],
        {"a": {"b": [1, {"c": None}, []]}, "d": "x", 3: [True, 2.0]},
        [[[[[[[["too deep"]]]]]]], 1],
        _deep(9),
        json.loads('{"items": [{"id": "A1", "qty": 3}, {"id": "B2", "qty": 0}], "total": 3}'),
    ]
    rng = random.Random(7)
    cases += [_random_json(rng) for _ in range(300)]
    for value in cases:
        assert ex.leaf_list(value) == list(ex.leaves(value))
        assert [type(p) for p, _v in ex.leaf_list(value)] == [type(p) for p, _v in ex.leaves(value)]


def test_result_leaves_are_the_leaves() -> None:
    parsed = [{"a": [1, 2, {"b": "c"}]}, ex.NOT_JSON]
    env = ex.Env([], ['{"a": [1, 2, {"b": "c"}]}', "plain"], parsed)
    assert env.result_leaves(0) == list(ex.leaves(parsed[0]))
    assert env.result_leaves(0) is env.result_leaves(0)  # listed once
    assert env.result_leaves(1) == []


def test_dated_lists_the_leaves_a_date_computes() -> None:
    date = ("date", ("tok", 3), 2, None)
    step = PlanStep(
        name="book",
        group=0,
        arguments={},
        leaves=[
            Leaf(("day",), [("val", ("tok", 1), "id"), date], "str"),
            Leaf(("room",), [("val", ("tok", 2), "id"), ("const", '"date"')], "str"),
            Leaf(("until",), [date], "str"),
            Leaf(("none",), [], "null"),
        ],
    )
    assert _arg_dates._dated(step) == [("day",), ("until",)]
    assert _arg_dates._dated(step) == [lf.path for lf in step.leaves if any(c[0] == "date" for c in lf.cands)]
