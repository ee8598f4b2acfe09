"""Rule 1 for products and weighted sums (`_seen_products.record_products`, `weighted_sums`,
`_envelope_facts.products`).

Each number of a result lies inside the range the supporting runs saw, and every pair of numbers keeps
the order it had, while a quantity the model read from them does not: a sheet's width x height past
every area seen (the laminator takes sheets up to half a square metre), a number of tickets times their
price against the account's balance from another read, the sum over a shipment's lines of count x
weight against a courier's limit. The replay stops before the write and the model decides. (The probes
that found these are glazing, carpet, wholesale and purchase orders: `bench/families_products.py`.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class PrintWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(sheets={}, shows={}, accounts={}, shipments={}, couriers={}, done=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "sheet":
            w, h = state["sheets"][a["sheet"]]
            return {"sheet": a["sheet"], "width_m": w, "height_m": h, "finish": "matt"}
        if name == "show":
            return {"show": a["show"], "eur_per_seat": state["shows"][a["show"]]}
        if name == "account":
            return {"account": a["acct"], "balance_eur": state["accounts"][a["acct"]]}
        if name == "shipment":
            return {"shipment": a["ship"], "lines": [{"count": c, "kg": k} for c, k in state["shipments"][a["ship"]]]}
        if name == "courier":
            return {"courier": a["courier"], "max_kg": state["couriers"][a["courier"]]}
        if name in ("laminate", "buy_tickets", "send"):
            state["done"].append([name, *sorted(str(v) for v in a.values())])
            return {"status": "ok"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "sheet": ["sheet"],
                "laminate": ["sheet"],
                "show": ["show"],
                "account": ["acct"],
                "buy_tickets": ["show", "n", "acct"],
                "shipment": ["ship"],
                "courier": ["courier"],
                "send": ["ship", "courier"],
            },
        )
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PrintWorld()
    h.registry = h.world.registry()
    return h


async def solve_laminate(p: dict[str, Any], calls: Calls) -> str:
    (s,) = await calls([("sheet", {"sheet": p["sheet"]})])
    if s["width_m"] * s["height_m"] <= 0.5:
        await calls([("laminate", {"sheet": p["sheet"]})])
        return f"Sheet {p['sheet']} laminated."
    return f"Not laminated: sheet {p['sheet']} is over half a square metre."


LAMINATE = Family("laminate", "Laminate sheet {sheet}", solve_laminate, nothing)


async def test_a_records_product_stays_inside_the_products_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(sheet: str, w: float, ht: float) -> dict[str, str]:
        h.world.state["sheets"][sheet] = [w, ht]
        return {"sheet": sheet}

    # sides 0.3..1.2 m, areas 0.36..0.40 m2: long strips and near-squares, all under half a square metre
    for sheet, w, ht in [("S1", 0.3, 1.2), ("S2", 1.2, 0.3), ("S3", 0.5, 0.8), ("S4", 0.8, 0.5)]:
        await run_ok(h, LAMINATE, goal(sheet, w, ht))
    out = await h.run(LAMINATE, goal("S5", 0.6, 0.65))  # 0.39 m2: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await h.run(LAMINATE, goal("S6", 1.0, 1.0))  # each side inside the sides seen, 1 m2
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["laminate", "S6"] not in h.world.state["done"]
    assert "the product width_m x height_m" in str(out.trace.events)


async def solve_tickets(p: dict[str, Any], calls: Calls) -> str:
    s, a = await calls([("show", {"show": p["show"]}), ("account", {"acct": p["acct"]})])
    if int(p["n"]) * s["eur_per_seat"] <= a["balance_eur"]:
        await calls([("buy_tickets", {"show": p["show"], "n": int(p["n"]), "acct": p["acct"]})])
        return f"Bought {p['n']} tickets for {p['show']}."
    return f"Not bought: {p['n']} tickets for {p['show']} are over the balance of {p['acct']}."


TICKETS = Family("tickets", "Buy {n} tickets for show {show} on account {acct}", solve_tickets, nothing)


async def test_a_goal_number_times_a_result_keeps_its_order_with_another_steps_number(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(n: int, show: str, price: float, acct: str, balance: float) -> dict[str, str]:
        h.world.state["shows"][show] = price
        h.world.state["accounts"][acct] = balance
        return {"n": str(n), "show": show, "acct": acct}

    # 2..8 tickets at 20..60 EUR on balances of 300..600: every order fitted the balance
    for n, show, price, acct, bal in [
        (2, "Tosca", 60.0, "AC-11", 300.0),
        (8, "Giselle", 20.0, "AC-12", 600.0),
        (5, "Rigoletto", 40.0, "AC-13", 450.0),
        (3, "Coppelia", 25.0, "AC-14", 350.0),
    ]:
        await run_ok(h, TICKETS, goal(n, show, price, acct, bal))
    out = await h.run(TICKETS, goal(4, "Norma", 30.0, "AC-15", 500.0))  # 120 of 500: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # 7 tickets, 55 EUR, a balance of 380: each inside what was seen, 385 EUR over the balance
    out = await h.run(TICKETS, goal(7, "Aida", 55.0, "AC-16", 380.0))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert not any(d[0] == "buy_tickets" and "AC-16" in d for d in h.world.state["done"])
    assert "x step 1 result eur_per_seat) in every supporting run" in str(out.trace.events)


async def solve_send(p: dict[str, Any], calls: Calls) -> str:
    s, c = await calls([("shipment", {"ship": p["ship"]}), ("courier", {"courier": p["courier"]})])
    if sum(ln["count"] * ln["kg"] for ln in s["lines"]) <= c["max_kg"]:
        await calls([("send", {"ship": p["ship"], "courier": p["courier"]})])
        return f"Shipment {p['ship']} sent with {p['courier']}."
    return f"Not sent: shipment {p['ship']} is over the limit of {p['courier']}."


SEND = Family("send", "Send shipment {ship} with courier {courier}", solve_send, nothing)


async def test_a_weighted_sum_keeps_its_order_with_another_steps_number(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(ship: str, lines: list[tuple[int, int]], courier: str, max_kg: float) -> dict[str, str]:
        h.world.state["shipments"][ship] = lines
        h.world.state["couriers"][courier] = max_kg
        return {"ship": ship, "courier": courier}

    # counts 1..5, kg 2..10 per piece; weights (count x kg over the lines) 6..150, limits 50..160
    for ship, lines, courier, mx in [
        ("SH1", [(1, 2), (1, 2), (1, 2)], "Kite", 50.0),
        ("SH2", [(5, 10), (5, 10), (5, 10)], "Heron", 160.0),
        ("SH3", [(5, 2), (1, 10), (1, 10)], "Swift", 60.0),
        ("SH4", [(1, 10), (5, 2), (5, 2)], "Crane", 90.0),
    ]:
        await run_ok(h, SEND, goal(ship, lines, courier, mx))
    out = await h.run(SEND, goal("SH5", [(2, 5), (2, 5), (2, 5)], "Egret", 100.0))  # 30 kg of 100: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # counts, weights, their totals (12 pieces, 27 kg) and the limit inside what was seen; 108 kg over 100
    out = await h.run(SEND, goal("SH6", [(4, 9), (4, 9), (4, 9)], "Ibis", 100.0))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert not any(d[0] == "send" and "SH6" in d for d in h.world.state["done"])
    assert "the sum of lines[*].count x lines[*].kg" in str(out.trace.events)
