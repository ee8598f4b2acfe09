"""Storing runs faster never changes what is stored (round 2): rule 1's fast paths agree with the plain
computations they replace (templates made once per text and masks in it, record keys made once, presence
flags without a call per source, `is_num` by type first)."""

from __future__ import annotations

import enum
import json
import random
from typing import Any

import pytest

from llmos.learning import _envelope_facts, _seen, _seen_derived, _seen_pairs, _seen_text, _shortcuts
from llmos.learning import _seen_mentions as mentions
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize_goal
from llmos.learning.plans import Plan, PlanStep

WORDS = ["Lot", "L63104", "lot", "SKU-35", "sku-35", "B8", "b8", "ok", "true", "New York", "York", "2026-03-04"]
WORDS += ["12.5", "-7", "ARC-7001", "v1.2.3", "10.0.0.1", "BX-1234", "Σίσυφος", "\u212a9", "k9", "MASK\x00", "x_y"]


def _text(rng: random.Random) -> str:
    seps = [" ", ", ", "-", "/", ".", ": ", "\n"]
    return "".join(rng.choice(WORDS) + rng.choice(seps) for _ in range(rng.randint(1, 8))).strip()


@pytest.mark.parametrize("seed", range(4))
def test_a_template_made_once_is_the_template(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        text = _text(rng)
        masks = sorted({rng.choice(WORDS) for _ in range(rng.randint(0, 6))}, key=lambda s: (-len(s), s))
        if rng.random() < 0.3:
            masks.append(text.split()[0])  # a mask in the text, out of order
        fast = [_seen_text.template(text, masks) for _ in range(2)]  # the second from the cache
        with _shortcuts.off():
            plain = _seen_text.template(text, masks)
        assert fast[0] == plain and fast[1] == plain, (text, masks)
        fast[0][1].append(1.0)  # a caller's list of numbers is its own
        assert _seen_text.template(text, masks) == plain


def _plain_observe(values: list[tuple[ex.Path, Any]], src: mentions.Sources) -> dict[str, dict[str, int]]:
    """`_seen_mentions.observe` as it was: `_present` per source."""
    out: dict[str, dict[str, int]] = {}
    for p, v in values:
        if isinstance(v, str):
            text = v[: mentions.MAX_CHARS].lower()
            out[json.dumps(list(p)) + "|t"] = {s: mentions._present(text, vals) for s, vals in src.items()}
    return out


@pytest.mark.parametrize("seed", range(3))
def test_presence_flags_are_the_plain_flags(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        values: list[tuple[ex.Path, Any]] = [((f"k{i}",), _text(rng)) for i in range(rng.randint(0, 4))]
        values += [(("n",), rng.randint(0, 99)), (("b",), True)]
        src = {f"g{i}": [rng.choice(WORDS)] for i in range(rng.randint(0, 6))}
        src |= {f'a0:["x{i}"]': [rng.choice(WORDS), str(rng.randint(10, 99))] for i in range(rng.randint(0, 3))}
        got = mentions.observe(values, src)
        assert got == _plain_observe(values, src)
        assert [list(f) for f in got.values()] == [list(src)] * len(got)  # the sources' order


def test_a_goals_sources_made_once_per_run_are_each_steps_sources() -> None:
    tokens = tokenize_goal("Ship 24 crates of SKU-35 to depot0 B8 now")
    plan = Plan(
        id="p", agent="a", skeleton=tokens, slots={}, steps=[PlanStep("get", 0, {}, []), PlanStep("set", 1, {}, [])]
    )
    args = [{"sku": "SKU-35", "warehouse": "B8"}, {"sku": "SKU-35", "quantity": 110}]
    goal, known = mentions.goal_sources(tokens), mentions.ArgValues()
    for i in (0, 1, 1, 0):
        fast = mentions.sources(plan, tokens, args, i, goal, known)
        assert fast == mentions.sources(plan, tokens, args, i)
        assert list(fast) == list(mentions.sources(plan, tokens, args, i))  # the same order
    assert mentions.goal_sources(tokens) == goal  # never changed
    assert sorted(known) == [0, 1]


@pytest.mark.parametrize("seed", range(2))
def test_a_texts_numbers_found_once_are_its_numbers(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        text = _text(rng) + rng.choice(["", " 3.5 kg", " at 10:30", " v2", " -4 C", " 1,200"])
        fast = [_envelope_facts.text_numbers(text) for _ in range(2)]
        with _shortcuts.off():
            plain = _envelope_facts.text_numbers(text)
        assert fast[0] == plain and fast[1] == plain
        fast[0].append(0.0)  # a caller's list is its own
        assert _envelope_facts.text_numbers(text) == plain


@pytest.mark.parametrize("seed", range(3))
def test_derived_record_keys_made_once_are_the_plain_keys(seed: int) -> None:
    rng = random.Random(seed)
    kinds: set[str] = set()
    for _ in range(60):
        items = [{"eur": rng.randint(1, 90), "qty": rng.randint(1, 5)} for _ in range(rng.randint(0, 3))]
        result = {"total": rng.randint(10, 900), "due": f"2026-03-{rng.randint(1, 28):02d}", "items": items}
        result["price"] = rng.choice([0, 1.5, 12])
        values = list(ex.leaves(result))
        tokens = tokenize_goal(f"Pay {rng.randint(2, 90)} of V{rng.randint(1, 9)} by 2026-04-0{rng.randint(1, 9)}")
        earlier: _seen_derived.Earlier = [(0, [(("stock",), rng.randint(0, 50)), (("rate",), 2.5)])]
        fast = [_seen_derived.derive(values, tokens, earlier) for _ in range(2)]
        with _shortcuts.off():
            plain = _seen_derived.derive(values, tokens, earlier)
        assert fast[0] == plain and fast[1] == plain
        assert list(fast[0]) == list(plain)  # the same order
        kinds |= {json.loads(k[:-2])[0] for k in plain}
    assert {"~product", "~ratio", "~diff", "~sum", "~goal", "~total", "~days", "~rank"} <= kinds, kinds
    assert _seen_pairs.record_key(("~x", ["a", 1])) == '["~x", ["a", 1]]|n'  # a list: no cache, the same key


class _Level(enum.IntEnum):
    LOW = 1


@pytest.mark.parametrize(
    "v", [0, 1, -3, 2.5, float("inf"), True, False, None, "7", [1], {"a": 1}, _Level.LOW, 10**30, float("nan")]
)
def test_is_num_by_type_first_is_is_num(v: Any) -> None:
    assert ex.is_num(v) == (isinstance(v, int | float) and not isinstance(v, bool))


@pytest.mark.parametrize("v", [True, False, None, "text", 3, 2.5, [1, "a"], {"k": None}])
def test_a_flags_text_is_its_json(v: Any) -> None:
    assert _seen._text_of(v) == (v if isinstance(v, str) else json.dumps(v))


def test_widening_a_number_record_inline_is_num_add() -> None:
    kept: dict[str, Any] = {"a|n": [1.0, 5.0, 3.0, 1, 2], "b|n": [2.0, 2.0, 2.0, 0, 4]}
    kept["c|t"] = {"n": 1, "d": 1, "t": {"x": []}}
    obs = {"a|n": ("n", 4.0), "b|n": ("n", 9.0), "c|t": ("t", ("x", [])), "d|n": ("n", 1.0)}
    got = _seen.merge(kept, obs)
    assert got["a|n"] == _seen._num_add(kept["a|n"], 4.0) and got["b|n"] == _seen._num_add(kept["b|n"], 9.0)
    assert got["d|n"] == _seen._num_new(1.0) and got["c|t"]["n"] == 2
