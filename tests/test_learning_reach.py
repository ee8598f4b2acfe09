"""Rule 2's wider hypothesis space (issue 9): affine conversions, three-operand arithmetic, date
arithmetic and numbers written as words share one plan, replay on live values they were not trained
on, and stop (the model decides) where the hypotheses that fit the evidence disagree."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, round_half_up, run_ok

from llmos.learning import explain as ex
from llmos.learning.goals import tokenize


class ReachWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(incubators={}, balances={}, transfers=[], reagents={}, orders=[], calendar={}, seats=[])
        self.state.update(dosing=[], shipments=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "set_incubator":
            state["incubators"][a["unit"]] = a["celsius"]
            return {"unit": a["unit"], "celsius": a["celsius"]}
        if name == "account_balance":
            return {"account": a["account"], "balance": state["balances"][a["account"]]}
        if name == "transfer":
            state["transfers"].append([a["account"], a["amount"]])
            return {"ok": True}
        if name == "reagent_level":
            left, cap = state["reagents"][a["analyser"]]
            return {"analyser": a["analyser"], "ml_left": left, "capacity_ml": cap}
        if name == "order_reagent":
            state["orders"].append([a["analyser"], a["bottles"]])
            return {"ok": True}
        if name == "get_event":
            day = state["calendar"][a["event"]]
            return {"event": a["event"], "date": day}
        if name == "move_event":
            state["calendar"][a["event"]] = a["date"]
            return {"event": a["event"], "date": a["date"]}
        if name == "reserve_seats":
            state["seats"].append([a["flight"], a["seats"]])
            return {"ok": True}
        if name == "ship":
            state["shipments"].append([a["city"], a["kg"], a["service"]])
            return {"ok": True}
        if name == "set_dose":
            state["dosing"].append([a["pump"], a["rate"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "set_incubator": ["unit", "celsius"],
                "account_balance": ["account"],
                "transfer": ["account", "amount"],
                "reagent_level": ["analyser"],
                "order_reagent": ["analyser", "bottles"],
                "get_event": ["event"],
                "move_event": ["event", "date"],
                "reserve_seats": ["flight", "seats"],
                "set_dose": ["pump", "rate"],
                "ship": ["city", "kg", "service"],
            },
        )
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = ReachWorld()
    h.registry = h.world.registry()
    return h


WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "twelve": 12}


async def solve_incubator(p: dict[str, Any], calls: Calls) -> str:
    c = round_half_up((p["f"] - 32) * 5 / 9, 1)
    await calls([("set_incubator", {"unit": p["unit"], "celsius": c})])
    return f"Set {p['unit']} to {c} C."


async def solve_sweep(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("account_balance", {"account": p["account"]})])
    amount = math.floor(r["balance"] * p["pct"] / 100)
    await calls([("transfer", {"account": p["account"], "amount": amount})])
    return f"Moved {amount} EUR."


async def solve_reagent(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("reagent_level", {"analyser": p["analyser"]})])
    bottles = math.ceil((r["capacity_ml"] - r["ml_left"]) / p["ml"])
    await calls([("order_reagent", {"analyser": p["analyser"], "bottles": bottles})])
    return f"Ordered {bottles} bottles."


async def solve_postpone(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("get_event", {"event": p["event"]})])
    day = (dt.date.fromisoformat(r["date"]) + dt.timedelta(days=p["days"])).isoformat()
    await calls([("move_event", {"event": p["event"], "date": day})])
    return f"Moved to {day}."


async def solve_seats(p: dict[str, Any], calls: Calls) -> str:
    n = WORDS.get(str(p["count"]), p["count"])
    await calls([("reserve_seats", {"flight": p["flight"], "seats": n})])
    return f"Reserved {n} seats."


async def solve_dose(p: dict[str, Any], calls: Calls) -> str:
    rate = p["ml"] * 4 + 7  # a pump's calibration: two constants nobody wrote down
    await calls([("set_dose", {"pump": p["pump"], "rate": rate})])
    return "Dosing set."


async def solve_ship(p: dict[str, Any], calls: Calls) -> str:
    service = 2 if p["kg"] < 20 else 3  # a threshold on the goal's number picks the service
    await calls([("ship", {"city": p["city"], "kg": p["kg"], "service": service})])
    return "Shipped."


INCUBATOR = Family("incubator", "Set incubator {unit} to {f} degrees Fahrenheit", solve_incubator, nothing)
SWEEP = Family("sweep", "Sweep {pct} percent of account {account} into savings", solve_sweep, nothing)
REAGENT = Family("reagent", "Order reagent to refill analyser {analyser} ({ml} ml bottles)", solve_reagent, nothing)
POSTPONE = Family("postpone", "Postpone {event} by {days} days", solve_postpone, nothing)
SEATS = Family("seats", "Reserve {count} seats on flight {flight}", solve_seats, nothing)
SHIP = Family("ship", "Ship a parcel of {kg} kg to {city}", solve_ship, nothing)
DOSE = Family("dose", "Dose {ml} ml per hour with pump {pump}", solve_dose, nothing)


def replayed(out: Any) -> bool:
    return bool(out.decision.mode == "follower" and out.trace.mode == "follower")


async def test_fahrenheit_to_celsius_replays_on_new_values(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for unit, f in [("INC-A1", 98), ("INC-B2", 75), ("INC-C3", 86), ("INC-D4", 102)]:
        await run_ok(h, INCUBATOR, {"unit": unit, "f": f})
    # 26.666..: 26.7, never seen in training (80 F inside the 75..102 F the runs set: rule 1's goal amounts)
    out = await h.run(INCUBATOR, {"unit": "INC-A7", "f": 80})
    assert out.correct and replayed(out), out.trace.events
    assert h.world.state["incubators"]["INC-A7"] == 26.7


async def test_a_percentage_of_a_balance_floored_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    runs = [("CH1001", 15, 1234.56), ("CH1002", 20, 987.65), ("CH1003", 12, 5000.4), ("CH1004", 25, 8123.0)]
    for account, pct, bal in runs:
        h.world.state["balances"][account] = bal
        await run_ok(h, SWEEP, {"pct": pct, "account": account})
    h.world.state["balances"]["CH2000"] = 3333.99  # 18 %: 600.1182 -> 600
    out = await h.run(SWEEP, {"pct": 18, "account": "CH2000"})
    assert out.correct and replayed(out), out.trace.events
    assert h.world.state["transfers"][-1] == ["CH2000", 600]


async def test_a_difference_divided_and_rounded_up_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, (left, cap) in enumerate([(300, 1000), (620, 2000), (1400, 2500), (1100, 2000)]):
        h.world.state["reagents"][f"AN{n}"] = (left, cap)
        await run_ok(h, REAGENT, {"analyser": f"AN{n}", "ml": 250})
    h.world.state["reagents"]["AN9"] = (1900, 2500)  # 600 / 250 = 2.4 -> 3 bottles (ceil, as 4.4 -> 5 showed)
    out = await h.run(REAGENT, {"analyser": "AN9", "ml": 250})
    assert out.correct and replayed(out), out.trace.events
    assert h.world.state["orders"][-1] == ["AN9", 3]


async def test_a_date_moved_by_the_goals_days_replays_across_month_ends(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # the moved dates fall on two working days at least (Sat, Fri, Thu, Fri): a computed date's weekday is
    # one the runs showed, or a working day after two (`_arg_dates`)
    for n, (day, days) in enumerate([("2026-03-04", 3), ("2026-05-10", 5), ("2026-06-30", 2), ("2026-08-10", 4)]):
        h.world.state["calendar"][f"standup-{n}"] = day
        await run_ok(h, POSTPONE, {"event": f"standup-{n}", "days": days})
    h.world.state["calendar"]["review-9"] = "2026-01-29"
    out = await h.run(POSTPONE, {"event": "review-9", "days": 6})
    assert out.correct and replayed(out), out.trace.events
    assert h.world.state["calendar"]["review-9"] == "2026-02-04"


async def test_numbers_written_as_words_share_one_plan_with_digits(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for count, flight in [("three", "LH101"), (15, "AF202"), ("two", "KL303"), ("four", "IB404")]:
        await run_ok(h, SEATS, {"count": count, "flight": flight})
    out = await h.run(SEATS, {"count": "twelve", "flight": "LH555"})
    assert out.correct and replayed(out), out.trace.events
    assert h.world.state["seats"][-1] == ["LH555", 12]
    assert len(h.engine.plans()) == 1


def test_number_words_are_numbers_but_a_and_one_of_are_not() -> None:
    typed = [(t.kind, t.typed()) for t in tokenize("Buy twenty-one apples, a dozen eggs and one melon")]
    assert ("number", 21) in typed and ("number", 12) in typed and ("number", 1) in typed
    assert ("word", "a") in typed
    assert all(t.kind == "word" for t in tokenize("Open one of the files") if t.text == "one")
    assert all(t.kind == "word" for t in tokenize("Take this one") if t.text == "one")
    assert all(t.kind == "word" for t in tokenize("Buy an apple"))


async def test_a_line_with_two_learned_constants_needs_three_runs(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, DOSE, {"ml": 5, "pump": "P1"})
    await run_ok(h, DOSE, {"ml": 8, "pump": "P2"})
    out = await h.run(DOSE, {"ml": 6, "pump": "P3"})  # two runs pin the line but do not confirm it
    assert out.correct and not replayed(out)
    await run_ok(h, DOSE, {"ml": 3, "pump": "P4"})
    out = await h.run(DOSE, {"ml": 7, "pump": "P5"})  # inside the 3..8 ml the runs dosed (rule 1)
    assert out.correct and replayed(out), out.trace.events
    assert h.world.state["dosing"][-1] == ["P5", 35]
    (plan,) = h.engine.plans()
    said = [e for row in plan.explanations() for e in row["explanations"]]
    assert any(re.fullmatch(r"4 \* \{\w+\} \+ 7 \(fit by 4 runs\)", e) for e in said), said


async def test_floor_learned_where_round_agreed_stops_where_they_differ(tmp_path: Path) -> None:
    h = harness(tmp_path)
    runs = [("CH1001", 15, 1234.56), ("CH1002", 20, 987.25), ("CH1003", 12, 5000.4), ("CH1004", 25, 8121.6)]
    for account, pct, bal in runs:  # every fraction below one half: floor == round
        h.world.state["balances"][account] = bal
        await run_ok(h, SWEEP, {"pct": pct, "account": account})
    h.world.state["balances"]["CH2000"] = 3336.99  # 15 %: 500.5485, floor 500 but round 501
    out = await h.run(SWEEP, {"pct": 15, "account": "CH2000"})
    assert out.correct and out.decision.mode == "follower" and not replayed(out)
    assert h.world.state["transfers"][-1] == ["CH2000", 500]
    assert "disagree" in str(out.trace.events)


def _env(goal: str, *results: Any) -> ex.Env:
    texts = [json.dumps(r) for r in results]
    return ex.Env(tokenize(goal), list(texts), [ex.parse_result(t) for t in texts])


def test_forms_that_agree_on_training_but_differ_live_go_to_the_model() -> None:
    # floor and half-up agree on both training runs (fractions below one half), and disagree live
    cands = sorted(ex.generate(185, _env("Sweep 15 percent of CH1", {"balance": 1234.56}), 1), key=repr)
    cands = ex.fitting(cands, 197, _env("Sweep 20 percent of CH2", {"balance": 987.25}))
    assert {c[3][0] for c in cands if c[0] == "expr" and c[3]} >= {"floor", "up"}
    live = _env("Sweep 10 percent of CH3", {"balance": 3336.99})  # 333.699: floor 333, round 334
    try:
        ex.evaluate_all(cands, live)
    except ex.Disagree:
        pass
    else:
        raise AssertionError("floor and round disagree on the live value: replay must stop")


def test_the_wider_families_run_only_where_the_usual_ones_fail() -> None:
    env = _env("Pay invoice 12", {"total": 40.0, "rate": 1.5})
    cands = ex.generate(60.0, env, 1)  # total * rate: a two-operand product
    assert not any(c[0] in ("expr", "lin") for c in cands)
    assert any(c[0] == "expr" for c in ex.generate(23.9, _env("Set it to 75 degrees"), 0))


def test_conversions_dates_and_weekdays_are_explained() -> None:
    said = {ex.describe(c) for c in ex.generate(41.8, _env("Drive 26 miles"), 0)}
    assert "round_half_up({token1}*1.609344/1.0, 1)" in said
    said = {ex.describe(c) for c in ex.generate(98.6, _env("Set the bath to 37 degrees"), 0)}
    assert "32.0+{token4}*1.8" in said
    env = _env("Move the 2026-02-26T09:30:00 slot by 4 days")
    cands = ex.generate("2026-03-02T09:30:00", env, 0)
    assert ("date", ("tok", 2), ("+", ("tok", 5)), "keep") in cands
    live = _env("Move the 2026-12-30T08:00:00 slot by 3 days")
    assert ex.evaluate(("date", ("tok", 2), ("+", ("tok", 5)), "keep"), live) == "2027-01-02T08:00:00"
    cands = ex.generate("Sunday", _env("Which weekday is 3 days after 2026-02-26"), 0)
    assert ("date", ("tok", 6), ("+", ("tok", 3)), "weekday") in cands


def test_a_line_counts_only_new_points() -> None:
    seed = ("lin", ("tok", 1), (5.0, 27.0), None, 1)
    pinned = ex.fitting([seed], 39, _env("Dose 8 ml"))
    assert pinned == [("lin", ("tok", 1), (5.0, 27.0), (8.0, 39.0), 2)]
    assert ex.fitting(pinned, 39, _env("Dose 8 ml")) == pinned  # the same point again: no more evidence
    try:
        ex.evaluate_all(pinned, _env("Dose 11 ml"))
    except ex.Disagree:
        pass
    else:
        raise AssertionError("a line pinned by two runs must not be used yet")
    confirmed = ex.fitting(pinned, 15, _env("Dose 2 ml"))
    assert ex.evaluate_all(confirmed, _env("Dose 11 ml")) == 51
    # off the line by one: no exact line fits; only rounded lines (`_explain_lines`) may, and only
    # where every line they allow rounds to one value
    assert all(c[0] == "rlin" for c in ex.fitting(pinned, 16, _env("Dose 2 ml")))


async def test_a_three_operand_form_crystallizes(tmp_path: Path) -> None:
    from llmos.evolution import crystallize as cz

    h = harness(tmp_path)
    runs = [("CH1001", 15, 1234.56), ("CH1002", 20, 987.65), ("CH1003", 12, 5000.4), ("CH1004", 25, 8123.0)]
    for account, pct, bal in runs:
        h.world.state["balances"][account] = bal
        await run_ok(h, SWEEP, {"pct": pct, "account": account})
    (plan,) = h.engine.plans()
    assert cz.problems(plan) == []
    source = cz.generate(plan, "sweep_savings").source
    compile(source, "sweep_savings.py", "exec")
    assert "round_floor(" in source and "div(" in source, source


async def test_a_dormant_explanation_does_not_hide_a_picked_constant(tmp_path: Path) -> None:
    from llmos.learning.envelope import goal_problem

    h = harness(tmp_path)
    for kg, city in [(3, "Paris"), (5, "Lima"), (7, "Oslo"), (4, "Rome")]:
        await run_ok(h, SHIP, {"kg": kg, "city": city})
    (plan,) = h.engine.plans()
    out = await h.run(SHIP, {"kg": 37, "city": "Cairo"})  # outside every run's kg: service 3, not 2
    assert out.correct and not replayed(out)
    assert h.world.state["shipments"][-1] == ["Cairo", 37, 3]
    # a three-operand form that fit every run by chance is dormant: the constant is still a picked one
    service = next(lf for st in plan.steps for lf in st.leaves if lf.path == ("service",))
    service.cands.append(("expr", "(a-b)*c", (("tok", 4), ("k", 1.0), ("k", 0.5)), ("floor", 0)))
    plan.__dict__.pop("_consumed", None)
    assert ex.awake(service.cands) == [("const", "2")]
    why = goal_problem(plan, tokenize("Ship a parcel of 37 kg to Cairo"))
    assert why is not None and "outside" in why, why


def test_a_number_word_fills_a_template_as_digits() -> None:
    cands = ex.generate("3 seats", _env("Reserve three seats on LH101"), 0)
    tmpl = ("tmpl", (("val", ("tok", 1), "num"), ("lit", " seats")))
    assert tmpl in cands
    assert ex.evaluate(tmpl, _env("Reserve twenty-one seats on LH101")) == "21 seats"
    assert ex.evaluate(("val", ("tok", 1), "num"), _env("Reserve 7 seats on LH101")) == 7
