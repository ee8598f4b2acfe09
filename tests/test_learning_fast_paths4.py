"""Storing runs faster never changes what is stored (round 4): the answer's unstated figures read the
results first and judge a word of letters at once, and rule 1's records are widened from one copy; each
gives what the plain computation gives."""

from __future__ import annotations

import json
import math
import random
from typing import Any

from llmos.learning import _answer_numbers as an
from llmos.learning import _seen


def _plain_without_identifiers(text: str) -> str:
    return an.IDENT.sub(lambda m: " " if any(c.isdigit() for c in m.group()) else m.group(), text)


def test_identifiers_are_blanked_as_the_plain_sub_blanks_them() -> None:
    texts = [
        "Order 19 units of SKU-82 to depot0 A5 now",
        '{"sku": "SKU-82", "warehouse": "A5", "quantity": 60}',
        "lift L2 and B-101 are down; x\u00b2 area, \u0663rd item, caf\u00e9_1 and ab-cd-3 (2026-11-22)",
        "plain words only, no digit",
        "",
    ]
    for t in texts:
        assert an._without_identifiers(t) == _plain_without_identifiers(t)


def _plain_unstated(example: dict[str, Any]) -> list[str]:
    """`unstated_figures`' numbers, every text read in its order to the end (no reading stops early)."""
    calls = [c for c in example.get("calls") or [] if isinstance(c, dict)]
    texts = [str(example.get("goal") or "")]
    if len(calls) >= 2:
        texts.append(str(len(calls)))
    for c in calls:
        texts += [json.dumps(c.get("arguments"), default=str), str(c.get("result") or "")]
    rest = an.CALLS.sub(lambda m: " " if int(m.group(1)) == len(calls) else m.group(), str(example["answer"]))
    said = [m.group() for m in an.NUMBER.finditer(_plain_without_identifiers(an.DATE.sub(" ", rest)))]
    given = [
        float(m.group()) for t in texts for m in an.DIGITS.finditer(_plain_without_identifiers(an.DATE.sub(" ", t)))
    ]
    return [n for n in said if not any(math.isclose(abs(float(n)), k, rel_tol=1e-9, abs_tol=1e-12) for k in given)]


def test_unstated_figures_are_those_no_text_of_the_run_gives_whatever_text_is_read_first() -> None:
    rng = random.Random(5)
    for _ in range(300):
        a, b, c, g = (rng.randint(1, 40) for _ in range(4))
        example = {
            "goal": f"Repaint {g} rooms of block B{a}",
            "calls": [
                {"name": "survey", "arguments": {"block": f"B{a}", "rooms": g}, "result": json.dumps({"walls": b})},
                {"name": "order", "arguments": {"litres": c}, "result": f"ordered {rng.choice([c, b + 1])} L"},
            ],
            "answer": f"Done: {rng.choice([a, b, c, g, 99])} walls, {rng.choice([b, c, 77])} L, 2 calls",
        }
        assert an.unstated_figures(example) == _plain_unstated(example)


def _plain_merge(kept: _seen.Seen, obs: dict[str, tuple[str, Any]]) -> _seen.Seen:
    out: _seen.Seen = {}
    for key, rec in kept.items():
        got = obs.get(key)
        if got is None:
            out[key] = rec
        elif got[0] == "n":
            out[key] = _seen._num_add(rec, got[1])
        else:
            out[key] = _seen._text_add(rec, *got[1])
    for key, got in obs.items():
        if key not in kept:
            out[key] = _seen.fresh({key: got})[key]
    return out


def test_records_widened_by_a_run_keep_their_order_and_values() -> None:
    rng = random.Random(9)
    keys = [f'["k{i}"]|n' for i in range(6)] + [f'["t{i}"]|t' for i in range(4)]

    def run() -> dict[str, tuple[str, Any]]:
        obs: dict[str, tuple[str, Any]] = {}
        for key in rng.sample(keys, rng.randint(0, len(keys))):
            if key.endswith("|n"):
                obs[key] = ("n", float(rng.randint(0, 9)))
            else:
                obs[key] = ("t", (rng.choice(["a\x00", "b\x00 c"]), [float(rng.randint(0, 3))]))
        return obs

    kept = _seen.fresh(run())
    for _ in range(200):
        obs = run()
        got, want = _seen.merge(kept, obs), _plain_merge(kept, obs)
        assert list(got) == list(want) and got == want
        assert all(got[k] is kept[k] for k in kept if k not in obs)  # a record the run did not show: kept
        kept = got


def test_the_goal_values_of_a_run_are_listed_again_only_for_other_tokens() -> None:
    from llmos.learning import _seen_roles
    from llmos.learning.goals import tokenize_goal

    values: list[tuple[Any, Any]] = [(("rooms", 0, "name"), "Aula"), (("rooms", 1, "name"), "Lab"), (("n",), 2)]
    first, other = tokenize_goal("Heat the Aula to 21"), tokenize_goal("Heat the Lab to 21")
    assert _seen_roles.goal_items(values, first) == {("rooms", 0): "@g0"}
    assert _seen_roles.goal_items(values, first) == {("rooms", 0): "@g0"}  # the same tokens: the same texts
    assert _seen_roles.goal_items(values, other) == {("rooms", 1): "@g0"}
    tokens = list(first)
    assert _seen_roles.goal_items(values, tokens) == {("rooms", 0): "@g0"}
    tokens[2] = other[2]  # the same list, one token replaced: its texts again
    assert _seen_roles.goal_items(values, tokens) == {("rooms", 1): "@g0"}
    assert _seen_roles.goal_items(values, []) == {}
