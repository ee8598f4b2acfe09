"""Rule 1: a goal number that names a record ("invoice 3019") replays past the range; an amount does not.

Every tool here declares nothing (as the bench's MCP tools): each is a write, so no read-only lookup
tells a name from an amount. A number named by a record's noun that the argument's key repeats
("invoice 3019" into `invoice`), with no unit after it, copied and of the runs' digit count, is a name:
a new invoice replays. A limit, a price, a quantity after the verb "order", a number into `order_qty`,
or a record's number of a new length, stays an amount past the range, and goes to the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._goal_quantities import Quantity, is_measure, record_name
from llmos.learning._record_names import digits_seen, names_record
from llmos.learning.goals import tokenize_goal
from llmos.learning.plans import Slot
from llmos.learning.risk import registry_risk

CARD_CAP = 525  # EUR: the model refuses a limit past it; no tool result shows it


class OfficeWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(invoices=[], limits={}, orders=[], holds=[], shipments=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "send_invoice":
            state["invoices"].append((a["invoice"], a["to"]))
            return {"ok": True, "invoice": a["invoice"]}
        if name == "set_limit":
            state["limits"][a["card"]] = a["limit"]
            return {"ok": True, "card": a["card"], "limit": a["limit"]}
        if name == "reorder":
            state["orders"].append((a["part"], a["order_qty"]))
            return {"ok": True, "part": a["part"], "order_qty": a["order_qty"]}
        if name == "hold_room":
            state["holds"].append((a["room"], a["nights"]))
            return {"ok": True, "room": a["room"], "nights": a["nights"]}
        if name == "ship":
            state["shipments"].append((a["order"], a["carrier"]))
            return {"ok": True, "order": a["order"], "carrier": a["carrier"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "send_invoice": ["invoice", "to"],
                "set_limit": ["card", "limit"],
                "reorder": ["part", "order_qty"],
                "hold_room": ["room", "nights"],
                "ship": ["order", "carrier"],
            },
        )
        return reg


async def solve_invoice(p: dict[str, Any], calls: Calls) -> str:
    await calls([("send_invoice", {"invoice": p["inv"], "to": p["to"]})])
    return f"Invoice {p['inv']} sent to {p['to']}."


async def solve_limit(p: dict[str, Any], calls: Calls) -> str:
    if p["limit"] > CARD_CAP:
        return f"Refused: {p['limit']} EUR is above the cap for card {p['card']}."
    await calls([("set_limit", {"card": p["card"], "limit": p["limit"]})])
    return f"Card {p['card']} limit {p['limit']}."


async def solve_reorder(p: dict[str, Any], calls: Calls) -> str:
    await calls([("reorder", {"part": p["part"], "order_qty": p["n"]})])
    return f"Reordered {p['n']} of {p['part']}."


async def solve_hold(p: dict[str, Any], calls: Calls) -> str:
    await calls([("hold_room", {"room": p["room"], "nights": p["n"]})])
    return f"Room {p['room']} held for {p['n']} nights."


async def solve_ship(p: dict[str, Any], calls: Calls) -> str:
    await calls([("ship", {"order": p["o"], "carrier": "DHL"})])
    return f"Order {p['o']} shipped with DHL."


INVOICE = Family("invoice", "Send invoice {inv} to {to}", solve_invoice, nothing)
LIMIT = Family("limit", "Set card {card} to limit {limit}", solve_limit, nothing)
REORDER = Family("reorder", "Place order {n} for part {part}", solve_reorder, nothing)
HOLD = Family("hold", "Hold room {room} for {n} nights", solve_hold, nothing)
SHIP = Family("ship", "Ship order {o} with the courier", solve_ship, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = OfficeWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def test_a_new_invoice_number_replays_past_the_range_and_a_longer_one_does_not(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for inv, to in [(3012, "acme"), (3005, "initech"), (3026, "globex")]:  # not counted up
        await run_ok(h, INVOICE, {"inv": inv, "to": to})
    out = await h.run(INVOICE, {"inv": 3019, "to": "umbrella"})  # inside: replays
    assert out.correct and out.trace.mode == "follower"
    out = await h.run(INVOICE, {"inv": 3040, "to": "hooli"})  # past the range, a record's number
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await h.run(INVOICE, {"inv": 30401, "to": "hooli"})  # a number of a new length: the model
    assert out.correct and stopped_outside_evidence(out.trace)


async def test_a_limit_named_by_its_key_stays_an_amount(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for card, limit in [(4411, 300), (4417, 450), (4402, 380)]:
        await run_ok(h, LIMIT, {"card": card, "limit": limit})
    out = await h.run(LIMIT, {"card": 4490, "limit": 400})  # a new card (a record), a limit inside
    assert out.correct and out.trace.mode == "follower"
    out = await h.run(LIMIT, {"card": 4420, "limit": 650})  # "limit" names a measure: past the cap (525)
    assert out.correct and stopped_outside_evidence(out.trace)
    assert 4420 not in h.world.state["limits"]
    fell = [e for e in out.trace.events if e.get("kind") == "fallback"]
    assert "goal number 650 outside the range seen 300..450 taken by a write" in fell[0]["reason"]


async def test_a_limit_that_grew_in_every_run_is_no_counted_name(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for card, limit in [(4411, 500), (4417, 510), (4402, 520)]:  # counted up, as an order number would be
        await run_ok(h, LIMIT, {"card": card, "limit": limit})
    out = await h.run(LIMIT, {"card": 4430, "limit": 530})  # the next value, but "limit" names a measure
    assert out.correct and stopped_outside_evidence(out.trace)
    assert 4430 not in h.world.state["limits"]


async def test_a_number_after_order_into_a_quantity_key_stays_an_amount(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, part in [(40, "P-1"), (25, "P-2"), (60, "P-3")]:
        await run_ok(h, REORDER, {"n": n, "part": part})
    out = await h.run(REORDER, {"n": 90, "part": "P-4"})  # "order 90" into `order_qty`: an amount
    assert out.correct and stopped_outside_evidence(out.trace)


async def test_a_room_is_a_name_and_its_nights_an_amount(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for room, n in [(214, 2), (108, 5), (131, 3)]:
        await run_ok(h, HOLD, {"room": room, "n": n})
    out = await h.run(HOLD, {"room": 412, "n": 4})  # a new room, the nights inside: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await h.run(HOLD, {"room": 150, "n": 9})  # nine nights: past every stay seen
    assert out.correct and stopped_outside_evidence(out.trace)


async def test_a_record_name_picks_no_constant(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for o in [6003, 6001, 6008]:  # the carrier is the same in every run: a constant
        await run_ok(h, SHIP, {"o": o})
    out = await h.run(SHIP, {"o": 6015})  # past the range: a threshold on an order's name picks nothing
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await h.run(SHIP, {"o": 60150})  # a name of a new length: the model
    assert out.correct and stopped_outside_evidence(out.trace)


def test_names_record_wants_the_noun_before_and_the_key_named_by_it() -> None:
    toks = tokenize_goal("Send invoice 3019 to acme")
    assert names_record(toks, 2, ("invoice",)) and names_record(toks, 2, ("invoice_no",))
    assert names_record(toks, 2, ("invoiceNumber",))
    assert not names_record(toks, 2, ("amount",)) and not names_record(toks, 2, ("invoice_total",))
    verb = tokenize_goal("Order 40 of SKU-7")
    assert not names_record(verb, 1, ("qty",)) and not names_record(verb, 1, ("order_qty",))
    price = tokenize_goal("Set the ticket price 90 for show 12")
    assert not names_record(price, 4, ("price",)) and not names_record(price, 4, ("ticket_price",))
    late = tokenize_goal("Mark account 7 days late")
    assert is_measure(late, 2)  # a unit after it: an amount, whatever names it
    limit = tokenize_goal("Raise limit 530 on card 4411")
    assert not names_record(limit, 2, ("limit",)) and names_record(limit, 5, ("card",))


def test_digits_seen_wants_whole_numbers_of_a_length_the_runs_had() -> None:
    slot = Slot(2, "invoice", ["number"], ["3012", "3005", "3026"], [3005.0, 3026.0])
    assert digits_seen(slot, "3040") and digits_seen(slot, "9999")
    assert not digits_seen(slot, "30401") and not digits_seen(slot, "999") and not digits_seen(slot, "30.5")
    mixed = Slot(2, "room", ["number"], ["99", "412"], [99.0, 412.0])
    assert digits_seen(mixed, "77") and digits_seen(mixed, "908") and not digits_seen(mixed, "1200")
    assert not digits_seen(Slot(2, "x", ["number"], ["3012"], [3012.0, 3012.0]), "3013")  # one value: no names
    assert not digits_seen(Slot(2, "x", ["number"], ["12.5", "14"], [12.5, 14.0]), "15")  # not whole


def test_every_write_that_takes_it_must_name_the_record() -> None:
    toks = tokenize_goal("Send invoice 3040 to acme")
    slot = Slot(2, "invoice", ["number"], ["3012", "3005"], [3005.0, 3012.0])
    named = Quantity(2, "send", ("invoice",), paths=(("invoice",),))
    assert record_name(toks, named, slot)
    also_an_amount = Quantity(2, "send", ("invoice",), paths=(("invoice",), ("qty",)))
    assert not record_name(toks, also_an_amount, slot)  # a second write takes it as a quantity
    computed = Quantity(2, "send", ("invoice",), computed=True, paths=(("invoice",),))
    assert not record_name(toks, computed, slot)  # an explanation computes with it: a number, not a name
