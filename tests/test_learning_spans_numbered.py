"""A value of several words that starts with a number ("4 Quarry Lane", "88 Ropewalk"): one plan whatever
its length (`learning/spans.py`: `collapse`, `numbered_slot`; `goals.phrase_fits`: `_lead_inside`), and the
goals that must NOT replay: a house number past the numbers the slot's values started with (rule 1), a
value whose numbers sit elsewhere, a quantity and its unit (never one token)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import spans
from llmos.learning.goals import phrase_fits, tokenize_goal


class CallWorld(World):
    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "log_callout":
            state.setdefault("callouts", []).append([a["address"], a["minutes"]])
            return {"ok": True, "address": a["address"]}
        if name == "log_firm":
            state.setdefault("firms", []).append([a["firm"], a["minutes"]])
            return {"ok": True, "firm": a["firm"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"log_callout": ["address", "minutes"], "log_firm": ["firm", "minutes"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = CallWorld()
    h.registry = h.world.registry()
    return h


async def solve_callout(p: dict[str, Any], calls: Calls) -> str:
    await calls([("log_callout", {"address": p["address"], "minutes": p["m"]})])
    return f"Logged {p['m']} minutes at {p['address']}."


async def solve_firm(p: dict[str, Any], calls: Calls) -> str:
    await calls([("log_firm", {"firm": p["firm"], "minutes": p["m"]})])
    return f"Logged {p['m']} minutes for {p['firm']}."


FIRM = Family("firm", "Log {m} minutes for locksmith {firm} today", solve_firm, nothing)
CALLOUT = Family("callout", "Log a {m} minute call-out at {address}", solve_callout, nothing)
LEARNED = [(30, "4 Quarry Lane"), (75, "88 Ropewalk"), (45, "12 Mill Road"), (60, "7 Harbour Street")]


async def learn(h: Harness) -> None:
    for m, address in LEARNED:
        await run_ok(h, CALLOUT, {"m": m, "address": address})


async def test_numbered_names_of_other_lengths_make_one_plan_and_replay(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await learn(h)
    assert len(h.engine.index.plans) == 1
    (plan,) = h.engine.index.plans.values()
    (pos,) = spans.span_slots(plan)
    assert spans.numbered_slot(plan, pos)
    for m, address in [(50, "19 Mercer Street"), (40, "5 Ropewalk"), (35, "64 Upper Kiln Row")]:
        out = await h.run(CALLOUT, {"m": m, "address": address})
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (address, out.decision.reason)
        assert h.world.state["callouts"][-1] == [address, m]


async def test_a_numbered_name_past_the_evidence_or_of_another_form_does_not_replay(tmp_path: Path) -> None:
    for n, address in enumerate(
        [
            "120 Mercer Street",  # a house number past every number the values started with (4..88)
            "2 Flat 19 Mercer Street",  # a second number where no value had one
            "Flat 2 Mercer Street",  # the number elsewhere
            "19 mercer street",  # lower-case words never seen in a value
            "19 Half Street",  # a word that changes the meaning
        ]
    ):
        (tmp_path / str(n)).mkdir()
        h = harness(tmp_path / str(n))
        await learn(h)
        out = await h.run(CALLOUT, {"m": 40, "address": address})
        assert out.decision.mode != "follower" and out.correct, address


def test_a_quantity_and_its_unit_stay_two_tokens() -> None:
    tokens = tokenize_goal("Grit the road at 10 g/m2 with 40 crates")
    assert spans.collapse(tokens, [{"rate": "10 g/m2", "load": "40 crates"}]) == tokens
    tokens = tokenize_goal("Pay 1320 EUR from grant GR-7")  # a currency in capitals is a unit, not a name
    assert spans.collapse(tokens, [{"amount": "1320 EUR"}]) == tokens
    tokens = tokenize_goal("Book the booth on 7 December 2026")  # a date with its month's name: its own tokens
    assert spans.collapse(tokens, [{"date": "7 December 2026"}]) == tokens
    tokens = tokenize_goal("Log a call-out at 4 Quarry Lane")
    assert [t.text for t in spans.collapse(tokens, [{"address": "4 Quarry Lane"}])][-1] == "4 Quarry Lane"


def test_the_leading_number_stays_inside_the_range_seen() -> None:
    values = ["4 Quarry Lane", "88 Ropewalk"]
    shapes = ["9 Aa Aa", "9 Aa"]
    assert phrase_fits(shapes, values, "19 Mercer Street")
    assert not phrase_fits(shapes, values, "89 Mercer Street")
    assert not phrase_fits(shapes, values, "3 Mercer Street")
    # a value that starts with a word is not held to the numbers of values that start with one
    assert phrase_fits(["Aa Aa 9"], ["Rioja Reserva 2016", "Barolo 2013"], "Priorat 2018")


def test_a_firm_with_an_ampersand_is_one_token_and_needs_one_seen() -> None:
    tokens = tokenize_goal("Log a call-out by Keyhole & Co at 4 Quarry Lane")
    joined = spans.collapse(tokens, [{"firm": "Keyhole & Co", "address": "4 Quarry Lane"}])
    assert [t.text for t in joined][-3:] == ["Keyhole & Co", "at", "4 Quarry Lane"]
    assert spans.collapse(tokenize_goal("Keyhole & Co"), [{"firm": "Keyhole"}]) == tokenize_goal("Keyhole & Co")
    assert phrase_fits(["Aa & Aa", "Aa Aa"], ["Keyhole & Co", "Brass Tumbler"], "Smith & Sons")
    assert not phrase_fits(["Aa Aa", "Aa"], ["Brass Tumbler", "Lockfast"], "Smith & Sons")  # no "&" seen


async def test_a_firm_with_an_ampersand_replays_once_one_was_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for m, firm in [(30, "Keyhole & Co"), (40, "Lockfast"), (50, "Brass Tumbler")]:
        await run_ok(h, FIRM, {"m": m, "firm": firm})
    assert len(h.engine.index.plans) == 1
    for m, firm in [(35, "Keyhole & Co"), (45, "Smith & Sons"), (38, "Lockfast")]:
        out = await h.run(FIRM, {"m": m, "firm": firm})
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (firm, out.decision.reason)
        assert h.world.state["firms"][-1] == [firm, m]


async def test_an_ampersand_where_none_was_seen_goes_to_the_model(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for m, firm in [(30, "Brass Tumbler"), (40, "Lockfast"), (50, "Iron Key")]:
        await run_ok(h, FIRM, {"m": m, "firm": firm})
    out = await h.run(FIRM, {"m": 35, "firm": "Smith & Sons"})
    assert out.decision.mode != "follower" and out.correct
