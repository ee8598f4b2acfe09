"""perf12's speed-ups give what the forms they replace gave (speed only: no rule changed).

`_arg_dates._dated` and `spans.has_phrases` without a generator; `_seen_roles.lengths`, `from_end` and
`goal_items` skip what cannot count; `explain.same` compares two plain numbers inline; `_answer_picks._roles`
skips the walk of a JSON result without a list for `picked_figures` (no role there holds two values). Each is checked
against the form it replaced, kept here, on edge cases and random inputs."""

from __future__ import annotations

import json
import math
import random
from typing import Any

from llmos.learning import _answer_picks, _arg_dates, _seen_roles, induction, spans
from llmos.learning import explain as ex
from llmos.learning._evidence import Call, Evidence
from llmos.learning.goals import Token
from llmos.learning.plans import Leaf, Plan, PlanStep

# ---------------------------------------------------------------- the replaced forms


def _dated_before(step: PlanStep) -> list[ex.Path]:
    return [lf.path for lf in step.leaves if any(_arg_dates._dating(c) for c in lf.cands)]


def _has_phrases_before(plan: Plan) -> bool:
    return any(t.kind == "word" and " " in t.text for t in plan.skeleton) or bool(spans.span_slots(plan))


def _lengths_before(values: list[tuple[ex.Path, Any]]) -> dict[ex.Path, int]:
    out: dict[ex.Path, int] = {}
    for p, _v in values:
        for k, x in enumerate(p):
            if isinstance(x, int) and not isinstance(x, bool):
                key = tuple(p[:k])
                if out.get(key, 0) <= x:
                    out[key] = x + 1
    return out


def _from_end_before(values: list[tuple[ex.Path, Any]], sizes: dict[ex.Path, int]) -> list[tuple[ex.Path, Any]]:
    out = []
    for p, v in values:
        k = max((n for n, x in enumerate(p) if isinstance(x, int) and not isinstance(x, bool)), default=-1)
        if k < 0:
            continue
        size = sizes.get(tuple(p[:k]), 0)
        back = size - int(p[k])
        if size >= 2 and 1 <= back <= _seen_roles.MAX_FROM_END:
            out.append(((*p[:k], f"@-{back}", *p[k + 1 :]), v))
    return out


def _goal_items_before(values: list[tuple[ex.Path, Any]], tokens: list[Token]) -> dict[tuple[Any, ...], str]:
    texts = _seen_roles._goal_texts(tokens)
    out: dict[tuple[Any, ...], str] = {}
    if not texts:
        return out
    counts: dict[tuple[Any, ...], int] = {}
    for path, v in values:
        if not (isinstance(v, str) and v.strip().lower() in texts):
            continue
        for k, x in enumerate(path):
            item = tuple(path[: k + 1])
            if isinstance(x, int) and not isinstance(x, bool) and item not in out:
                n = counts.get(item[:-1], 0)
                counts[item[:-1]] = n + 1
                out[item] = f"@g{n}"
    return out


def _same_before(a: Any, b: Any) -> bool:
    ta, tb = type(a), type(b)
    if ta is str or tb is str:
        return ta is tb and bool(a == b)
    if ex.is_num(a) and ex.is_num(b):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return type(a) is type(b) and bool(a == b)


# ---------------------------------------------------------------- random inputs

_CANDS: list[ex.Cand] = [
    ("val", ("tok", 1), "id"),
    ("val", ("res", 0, ("items", 0, "day")), "id"),
    ("val", ("res", 1, ()), "lower"),
    ("date", ("tok", 3), 2, None),
    ("const", '"date"'),
    ("const", "3"),
    ("arith", "+", ("tok", 2), ("const", 1), None),
]


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 5 else 4)
    if kind == 0:
        return rng.randint(-3, 12)
    if kind == 1:
        return rng.choice(["Krk", " krk ", "SKU-12", "x y", "", "A5", "a5"])
    if kind == 2:
        return rng.choice([True, False, None, 2.5, float("nan")])
    if kind == 3:
        return rng.random()
    if kind == 4:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {rng.choice("abcd"): _random_json(rng, depth + 1) for _ in range(rng.randrange(4))}


def _values(rng: random.Random) -> list[tuple[ex.Path, Any]]:
    values = ex.leaf_list(_random_json(rng))
    if rng.random() < 0.2:  # a path with a bool where an index would be (no JSON has one; the forms agree)
        values.append((("items", True, "kg"), 3))
    return values


# ---------------------------------------------------------------- the checks


def test_dated_is_the_generator_form() -> None:
    rng = random.Random(12)
    for _ in range(300):
        leaves = [
            Leaf((f"a{k}",), rng.sample(_CANDS, rng.randrange(len(_CANDS) + 1)), "str") for k in range(rng.randrange(5))
        ]
        step = PlanStep(name="book", group=0, arguments={}, leaves=leaves)
        assert _arg_dates._dated(step) == _dated_before(step)


def _plan(goal: str, value: str) -> Plan:
    ev = Evidence("t1", "default", goal, [Call("find", 0, {"q": value}, '{"ok": true}')])
    return induction.new_plan(ev)


def test_has_phrases_is_the_generator_form() -> None:
    cases = [
        ("Find 'Rosa Maria' now", "Rosa Maria"),
        ("Find Rosa Maria now", "Rosa Maria"),
        ("Find Rosa now", "Rosa"),
        ('Find "Acme Inc" please', "Acme Inc"),
        ("Find room 12 today", "12"),
    ]
    for goal, value in cases:
        plan = _plan(goal, value)
        assert spans.has_phrases(plan) == _has_phrases_before(plan)
    phrase = _plan("Find Rosa Maria now", "Rosa Maria")  # one word token of two words (`spans.collapse`)
    assert any(t.kind == "word" and " " in t.text for t in phrase.skeleton) and spans.has_phrases(phrase)


def test_roles_skip_only_what_cannot_count() -> None:
    rng = random.Random(5)
    tokens = [Token("word", "Find"), Token("word", "Krk"), Token("word", "SKU-12"), Token("word", "A5")]
    for _ in range(400):
        values = _values(rng)
        sizes = _seen_roles.lengths(values)
        assert sizes == _lengths_before(values)
        assert _seen_roles.from_end(values, sizes) == _from_end_before(values, sizes)
        assert _seen_roles.goal_items(values, tokens) == _goal_items_before(values, tokens)


def test_same_is_the_form_it_replaced() -> None:
    pool: list[Any] = [0, 1, -1, 12, 12.0, 12.0000000001, 0.1 + 0.2, 0.3, float("nan"), float("inf"), True, False]
    pool += [None, "12", "", [1], {"a": 1}, 10**20, 1e20, -0.0]
    for a in pool:
        for b in pool:
            assert ex.same(a, b) == _same_before(a, b), (a, b)


def _several(roles: dict[tuple[Any, ...], set[float | str]]) -> dict[tuple[Any, ...], set[float | str]]:
    return {k: v for k, v in roles.items() if len(v) >= 2}


def test_roles_of_a_result_without_a_list_hold_one_value_each() -> None:
    rng = random.Random(8)
    texts: list[Any] = [
        "1,892 kg and 1,954 kg",
        '{"a": 1, "b": {"c": 2}}',
        '{"a": "x [y]", "b": 3}',
        "{broken 2 kg 3 kg",
    ]
    texts += ['"4 kg, 5 kg"', "[1, 2]", '{"a": 1, "a": 2}', None, {"a": [1, 2]}, {"a": {"b": 1}}, "NaN"]
    texts += [json.dumps(_random_json(rng)) for _ in range(400)]
    for result in texts:
        assert _several(_answer_picks._roles(result, many=True)) == _several(_answer_picks._roles(result)), result
    assert _answer_picks._roles('{"a": 1, "b": 2}', many=True) == {}
