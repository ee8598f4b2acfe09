"""Storing runs faster never changes what is stored (round 5): the answer's unstated figures encode a
call's arguments only when they are read, the keys of two reads' words and a template's literal figures
are made once per text, and an argument's explanations are judged in one pass with the lines set apart;
each gives what the plain computation gives."""

from __future__ import annotations

import json
import math
import random
from typing import Any

from llmos.learning import _answer_numbers as an
from llmos.learning import _answer_rules, _seen_joint, _shortcuts
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize_goal


def _plain_unstated(example: dict[str, Any]) -> list[str]:
    """`unstated_figures` as it was written before (every text of the run listed first)."""
    answer = str(example.get("answer") or "")
    if not answer:
        return []
    days = {m.group().lower() for m in an.CALENDAR.finditer(answer)}
    if days:
        given = {m.group().lower() for t in an._run_texts(example) for m in an.CALENDAR.finditer(t)}
        if days - given:
            return sorted(days - given)
    if not any(map(str.isdigit, answer)):
        return []
    calls = example.get("calls") or []
    texts = [str(example.get("goal") or ""), *an._repeat_counts(calls)]
    if len(calls) >= 2:
        texts.append(str(len(calls)))
    for call in calls:
        if isinstance(call, dict):
            texts.append(json.dumps(call.get("arguments"), default=str))
            texts.append(str(call.get("result") or ""))
    answer_dates = [m.group() for m in an.DATE.finditer(answer)]
    out: list[str] = []
    if answer_dates:
        dates = {d for t in texts for m in an.DATE.finditer(t) for d in (m.group(), m.group()[:10])}
        out = [d for d in answer_dates if d not in dates]
    answer_idents = an._identifiers(an.DATE.sub(" ", answer))
    if answer_idents:
        idents = {i.lower() for t in texts for i in an._identifiers(an.DATE.sub(" ", t))}
        out += [i for i in answer_idents if i.lower() not in idents]
    rest = an.CALLS.sub(lambda m: " " if int(m.group(1)) == len(calls) else m.group(), answer)
    said = [m.group() for m in an.NUMBER.finditer(an._without_identifiers(an.DATE.sub(" ", rest)))]
    if not said:
        return out
    given = [float(m.group()) for t in texts for m in an.DIGITS.finditer(an._without_identifiers(an.DATE.sub(" ", t)))]
    return out + [
        n for n in said if not any(math.isclose(abs(float(n)), k, rel_tol=1e-9, abs_tol=1e-12) for k in given)
    ]


def _example(rng: random.Random) -> dict[str, Any]:
    a, b, c, g = (rng.randint(1, 40) for _ in range(4))
    day = f"2026-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}"
    calls: list[Any] = [
        {"name": "survey", "arguments": {"block": f"B{a}", "rooms": g, "on": day}, "result": json.dumps({"walls": b})},
        {"name": "order", "arguments": {"litres": c}, "result": f"ordered {rng.choice([c, b + 1])} L"},
    ]
    if rng.random() < 0.3:
        calls.append({"name": "order", "arguments": {"litres": a}, "result": rng.choice(["ok", f"due {day}"])})
    if rng.random() < 0.1:
        calls.append("not a call")
    answer = rng.choice(
        [
            f"Done: {rng.choice([a, b, c, g, 99])} walls, {rng.choice([b, c, 77])} L, {len(calls)} calls",
            f"Block B{rng.choice([a, 41])} has {rng.choice([b, c])} walls, by {rng.choice([day, '2026-05-01'])}",
            f"Ordered {c} L for B{a}",
            f"{rng.choice(['Monday', 'March'])}: {b} walls",
            "Done.",
        ]
    )
    return {"goal": f"Repaint {g} rooms of block B{a}", "calls": calls, "answer": answer}


def test_unstated_figures_read_the_arguments_only_when_asked_and_give_the_same_figures() -> None:
    rng = random.Random(11)
    for _ in range(600):
        example = _example(rng)
        assert an.unstated_figures(example) == _plain_unstated(example), example


def test_the_key_of_two_reads_words_is_made_once_and_is_the_plain_key() -> None:
    paths = [(("status",), ("state",)), (("a", "b"), ("#t",)), (("caf\u00e9",), ("n\u00e4me", "x"))]
    for j in (0, 1, 3):
        for pa, pb in paths:
            plain = json.dumps([_seen_joint.KIND, ["@step", j, *pa], list(pb)], ensure_ascii=False) + "|x"
            assert _seen_joint.pair_key(j, pa, pb) == plain
            assert _seen_joint.pair_key(j, pa, pb) == plain  # from the cache
            with _shortcuts.off():
                assert _seen_joint.pair_key(j, pa, pb) == plain
    flags = [(("ok",), True), (("gone",), False), (("x",), None), (("s",), "on")]
    assert [t for _p, _c, t in _seen_joint.read_texts(flags, [])] == ["true", "false", "null", "on"]


def test_a_literal_figure_is_read_once_per_text_and_is_the_plain_one() -> None:
    texts = ["Done: ", " -> ", "due Monday ", "on 2026-03-01 at", "3 items", "nothing to say", "MARCH rates"]
    for t in texts:
        parts = [("lit", "The "), ("hole", (("val", ("tok", 0), "id"),)), ("lit", t)]
        fast = _answer_rules.literal_figure(parts)
        with _shortcuts.off():
            assert _answer_rules.literal_figure(parts) == fast
        m = an.NUMBER.search(t) or an.CALENDAR.search(t)
        assert fast == ("" if m is None else f"the answer states a figure no value of its run gives: {m.group()}")


def _env(goal: str, results: list[Any]) -> ex.Env:
    texts: list[str | None] = [json.dumps(r) for r in results]
    return ex.Env(tokenize_goal(goal), texts, [ex.parse_result(t) for t in texts])


def test_explanations_with_lines_among_them_fit_as_the_plain_computation_fits() -> None:
    rng = random.Random(3)
    seen_lines = 0
    for _ in range(60):
        qty, price, fee = rng.randint(2, 30), round(rng.uniform(1, 20), 2), rng.randint(1, 9)
        first = _env(f"Bill {qty} kits", [{"price": price, "fee": fee}])
        value = round(qty * price + fee, 2) if rng.random() < 0.5 else 3 * qty + 7
        cands = sorted(ex.generate(value, first, 1, force_wider=True), key=repr)
        seen_lines += any(c[0] in ("lin", "rlin") for c in cands)
        for _k in range(3):
            q2, p2 = rng.randint(2, 30), round(rng.uniform(1, 20), 2)
            live = _env(f"Bill {q2} kits", [{"price": p2, "fee": fee}])
            v2 = rng.choice([round(q2 * p2 + fee, 2), 3 * q2 + 7, value])
            fast = ex.fitting(cands, v2, live)
            with _shortcuts.off():
                assert ex.fitting(cands, v2, live) == fast
            plain_lines = [c for c in cands if c[0] in ("lin", "rlin")]
            others = [c for c in cands if c[0] not in ("lin", "rlin", "band") and ex.fits(c, v2, live)]
            others = others or ex._refit_lines(plain_lines, v2, live) if plain_lines else others
            bands = ex._refit_bands([c for c in cands if c[0] == "band"], v2, live)  # rivals beside the others
            assert fast == (others + bands if others else others)
    assert seen_lines  # the lines were among the candidates


def test_the_numbers_of_a_text_come_from_the_envelope_facts_function_imported_once() -> None:
    from llmos.learning import _envelope_facts, _seen_products

    assert _seen_products._text_numbers() is _envelope_facts.text_numbers
    values: list[tuple[Any, Any]] = [(("log",), "engine 1200 h, serviced at 950 h")]
    assert _seen_products.record_differences(values)  # the two hour counts of the text pair up
    plain = [((), "Type 657: capacity 5000 L")]
    assert _seen_products.read_numbers(plain, []) == [(("#0",), (), 657.0), (("#1",), (), 5000.0)]


def test_unused_slots_are_asked_again_when_candidates_move_between_leaves() -> None:
    from llmos.learning import _coincidence
    from llmos.learning._envelope_checks import unused_slots
    from llmos.learning.goals import Token
    from llmos.learning.plans import Leaf, Plan, PlanStep, Slot

    tok1, tok3 = ("val", ("tok", 1), "id"), ("val", ("tok", 3), "id")
    plan = Plan(id="p", agent="a", skeleton=[Token("word", f"w{i}") for i in range(5)], slots={}, steps=[])
    plan.slots = {pos: Slot(pos, f"s{pos}", ["word"], ["x"], [1, 1]) for pos in (1, 3)}
    leaves = [Leaf(("a",), [tok1, tok3], "str"), Leaf(("b",), [], "str")]
    step = PlanStep(name="t", group=0, arguments={}, leaves=leaves)
    plan.steps = [step]
    assert _coincidence._unused(plan) == unused_slots(plan) == []
    step.leaves[0].cands, step.leaves[1].cands = [tok1], [tok3]  # the same candidates in order, other leaves
    assert _coincidence._unused(plan) == unused_slots(plan)
    step.leaves[0].cands, step.leaves[1].cands = [], [tok1]
    assert _coincidence._unused(plan) == unused_slots(plan) == [3]
