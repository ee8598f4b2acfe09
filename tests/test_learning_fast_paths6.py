"""Storing runs faster never changes what is stored (round 6, perf7): rule 1's derived quantities skip a
list's quantities for a result without a list and the periods across reads with no earlier read, and take
the goal items' roles from the caller; a picked figure reads the answer's figures only for a role of two
values; a key's unit of time is read once; one sorted-keys JSON encoder; the day of a run once per second.
Each gives what the plain computation gives (`_shortcuts.off()`)."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from llmos.learning import _answer_numbers as num
from llmos.learning import _answer_picks, _same_run, _seen_derived, _seen_periods, _seen_roles, _shortcuts
from llmos.learning import _evidence as evidence_mod
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize_goal

KEYS = ["qty", "valid_months", "loan_days", "weeks", "hours_this_week", "max_mg_per_kg_day", "eur", "sku", "due"]


def _value(rng: random.Random, key: str) -> Any:
    if key in ("due", "sku") or rng.random() < 0.2:
        return rng.choice(["2026-03-14", "2025-12-31", f"SKU-{rng.randint(1, 99)}", "lasts 3 years", "0824", "ok"])
    return rng.choice([rng.randint(0, 400), round(rng.uniform(0, 90), 2), True])


def _values(rng: random.Random) -> list[tuple[Any, Any]]:
    """A result's scalars: a record, sometimes with a list of items (or only a list)."""
    out: list[tuple[Any, Any]] = []
    if rng.random() < 0.7:
        for key in rng.sample(KEYS, rng.randint(1, 5)):
            out.append(((key,), _value(rng, key)))
    if rng.random() < 0.5:
        keys = rng.sample(KEYS, rng.randint(1, 3))
        for i in range(rng.randint(1, 4)):
            for key in keys:
                out.append((("items", i, key), _value(rng, key)))
    return out


def _goal(rng: random.Random) -> list[Any]:
    return tokenize_goal(rng.choice(["Renew SKU-12 by 2026-04-01", "Book 3 kits due 2026-03-14", "Check ok status"]))


def test_derived_quantities_are_the_plain_ones_in_the_same_order() -> None:
    rng = random.Random(7)
    for _ in range(800):
        values, tokens = _values(rng), _goal(rng)
        earlier = [(0, _seen_derived.date_values(_values(rng)))] if rng.random() < 0.5 else []
        periods_from = [(0, _values(rng))] if rng.random() < 0.5 else []
        across = ([(0, _seen_derived.read_numbers(_values(rng), []))], []) if rng.random() < 0.3 else None
        roles = _seen_roles.goal_items(values, tokens) if rng.random() < 0.5 else None
        fast = _seen_derived.derive(values, tokens, earlier, across, periods_from, roles)
        with _shortcuts.off():
            plain = _seen_derived.derive(values, tokens, earlier, across, periods_from)
        assert list(fast.items()) == list(plain.items())
        assert _seen_derived.observe(values, tokens, earlier, across, periods_from, roles) == {
            k: ("n", v) for k, (v, _p) in plain.items()
        }


def test_periods_across_reads_with_no_earlier_read_are_none_both_ways() -> None:
    rng = random.Random(8)
    for _ in range(300):
        values = _values(rng)
        assert _seen_periods.across_reads(values, []) == []
        with _shortcuts.off():
            assert _seen_periods.across_reads(values, []) == []
        earlier = [(0, _values(rng))]
        fast = _seen_periods.across_reads(values, earlier)
        with _shortcuts.off():
            assert _seen_periods.across_reads(values, earlier) == fast


def test_a_keys_unit_is_read_once_and_is_the_plain_one() -> None:
    for key in [*KEYS, "Valid_Years", "per_day", "interval_months", "days", "", 3, None, "last_week_days"]:
        fast = _seen_periods.unit(key)
        assert _seen_periods.unit(key) == fast  # from the cache
        with _shortcuts.off():
            assert _seen_periods.unit(key) == fast
    assert _seen_periods.unit("valid_months") == "month" and _seen_periods.unit("hours_this_week") is None


def _plain_picked(example: dict[str, Any]) -> list[str]:
    """`picked_figures` as it was written before (the answer's figures read first)."""
    answer = str(example.get("answer") or "")
    goal = str(example.get("goal") or "")
    said = _answer_picks._figures(num.CALLS.sub(" ", answer)) - _answer_picks._figures(goal)
    out: set[float | str] = set()
    for call in example.get("calls") or []:
        if not isinstance(call, dict):
            continue
        for values in _answer_picks._roles(call.get("result")).values():
            if len(values) < 2:
                continue
            stated: set[float | str] = {v for v in values if isinstance(v, float) and v in said}
            stated |= {
                v
                for v in values
                if isinstance(v, str) and _answer_picks._says(answer, v) and not _answer_picks._says(goal, v)
            }
            if stated and stated != values:
                out |= stated
    return sorted(_answer_picks._text(v) for v in out)


def test_picked_figures_are_the_plain_ones() -> None:
    rng = random.Random(9)
    found = 0
    for _ in range(600):
        kgs = [rng.choice([1892, 1954, 1293, 40]) for _ in range(rng.randint(1, 3))]
        result: Any = rng.choice(
            [
                json.dumps({"blasts": [{"kg": k, "bench": f"bench {i}"} for i, k in enumerate(kgs)]}),
                json.dumps({"kg": kgs[0], "site": "Krk"}),
                "; ".join(f"{k:,} kg at bench {i}" for i, k in enumerate(kgs)),
                {"price": kgs},
                None,
            ]
        )
        example = {
            "goal": rng.choice(["Heaviest blast at Krk?", "Blasts of 40 kg", ""]),
            "calls": [{"name": "log", "arguments": {}, "result": result}, "not a call"],
            "answer": rng.choice([f"The heaviest was {max(kgs):,} kg (bench 0)", "Done: 2 calls", "Krk", ""]),
        }
        got = _answer_picks.picked_figures(example)
        assert got == _plain_picked(example), example
        found += bool(got)
    assert found  # some answers picked a figure


def test_the_sorted_keys_encoder_writes_what_json_dumps_writes() -> None:
    rows: list[Any] = [
        {"b": 1, "a": [2.0, {"z": None, "y": "caf\u00e9"}]},
        ["set", {"when": dt.date(2026, 3, 1)}, 1881.0],
        "plain",
        {"n": float("inf")},
    ]
    for row in rows:
        plain = json.dumps(row, sort_keys=True, default=str)
        assert evidence_mod._sorted_json(row) == plain == _same_run._sorted_json(row)
    calls = [("set", {"q": 3.0, "a": "x"}, "ok"), ("get", {"a": "x"}, '{"q": 1}')]
    words = ["Set", "3", "x"]
    rows_plain = sorted(json.dumps([n, _same_run._plain(a), r], sort_keys=True, default=str) for n, a, r in calls)
    import hashlib

    assert _same_run.digest(words, calls) == hashlib.sha256(json.dumps([words, rows_plain]).encode()).hexdigest()


def test_the_day_of_a_run_is_the_plain_day_within_and_across_seconds() -> None:
    base = dt.datetime(2026, 12, 4, 23, 59, 58, tzinfo=dt.UTC).timestamp()
    times = [base + k * 0.25 for k in range(16)] + [0.5, -0.5, -1.0, 86399.999, 86400.0, base, base + 1e-6]
    times += [86399.2, 86399.9999996, 86399.9999994, base + 1.9999996, -0.0000004]  # rounded up to the next second
    for at in times:
        fast = _same_run._day(at)
        assert _same_run._day(at) == fast
        with _shortcuts.off():
            assert _same_run._day(at) == fast == _same_run._plain_day(at)
    assert _same_run._day(base + 2.5).startswith("2026-12-05/")
    assert _same_run._day(86399.2).startswith("1970-01-01/") and _same_run._day(86399.9999996).startswith("1970-01-02/")


def test_a_stored_run_is_the_same_with_and_without_the_shortcuts() -> None:
    """Rule 1's records of a plan over runs with dates, periods and lists: the same plans both ways."""
    from llmos.learning import induction
    from llmos.trace import ToolCallRecord, Trace

    def run(k: int, rng: random.Random) -> Trace:
        t = Trace(goal=f"Renew permit P{rng.randint(10, 30)} for {rng.randint(2, 9)} months")
        items = [{"fee": rng.randint(5, 50), "qty": rng.randint(1, 4)} for _ in range(rng.randint(1, 3))]
        res = {"issued": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "valid_months": 12, "items": items}
        t.tool_calls = [
            ToolCallRecord("a", "permit", {"id": "P1"}, json.dumps(res), turn=1),
            ToolCallRecord("b", "renew", {"id": "P1"}, json.dumps({"ok": True}), turn=2),
        ]
        t.finish("success", f"Renewed: {sum(i['fee'] for i in items)} EUR")
        return t

    def induce() -> str:
        rng = random.Random(4)
        evs = [induction.normalise(run(k, rng), frozenset()) for k in range(6)]
        plan = induction.new_plan(evs[0])  # type: ignore[arg-type]
        for ev in evs[1:]:
            merged, _why = induction.merge(plan, ev)  # type: ignore[arg-type]
            plan = merged or plan
        return json.dumps([s.seen for s in plan.steps], sort_keys=True, default=str)

    fast = induce()
    with _shortcuts.off():
        assert induce() == fast
    assert "~end" in fast or "~days" in fast  # the records hold dates a period implies, or days between dates
    assert ex.is_num(1.0)
