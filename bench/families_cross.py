"""Probes of differences across two reads (helper cross), not shaped on the fix for h12b_boiler.

Same interface as `families_heldout12.py` (tool names prefixed `xr_`). Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_cross.py --goals 8 --seed 7

Each trap keeps every single number, and every order between two numbers, inside what the first
three goals showed; only the difference of two numbers that two different reads gave tells:

- xr_tank     a tank's level (JSON) under the capacity its type's sheet gives (plain text, read with the
              type the first read named): a tanker load of 1500 L needs the room
- xr_banquet  a booking's head count against the seats of the room it names (another read, with a floor
              number beside the seats: a pair that means nothing), a 10-seat margin
- xr_settle   a payment (plain text) and an invoice (JSON), read side by side in one turn from two goal
              values (no data flow between them): settled when they differ by at most 5 EUR, either way
              (the order of the two says nothing: runs saw both)
- xr_shelve   a loop: per book, its thickness and its slot's width (two tools per item), every book
              shelved; lists of new lengths must KEEP replaying (items pair with no other item)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import families_heldout12 as h12

Family, Field, Step, Tool, ToolFail = h12.Family, h12.Field, h12.Step, h12.Tool, h12.ToolFail
State, Params = h12.State, h12.Params
_trap, _until, _row, _append, _fresh, _name = h12._trap, h12._until, h12._row, h12._append, h12._fresh, h12._name

h12.ANNOTATIONS.update(
    {
        "xr_tank": h12.READ,
        "xr_type_sheet": h12.READ,
        "xr_deliver": h12.WRITE,
        "xr_booking": h12.READ,
        "xr_room": h12.READ,
        "xr_confirm": h12.WRITE,
        "xr_payment": h12.READ,
        "xr_invoice": h12.READ,
        "xr_settle": h12.WRITE,
        "xr_book": h12.READ,
        "xr_slot": h12.READ,
        "xr_shelve": h12.WRITE,
    }
)


# ======================================== 1. tank: capacity (plain-text sheet) minus level (JSON), 1500 L of room
def sample_tank(rng: random.Random, w: State, i: int) -> Params:
    tank = _fresh(rng, w, "xr_tanks", lambda r: f"TK-{r.randint(100, 999)}")
    fixed = {0: (1000, 4000), 1: (3500, 6000), 2: (2000, 5000)}
    if i in fixed:
        level, cap = fixed[i]
    else:
        want = not _trap(i, rng)
        level, cap = _until(
            rng,
            lambda r: (r.randrange(1000, 3501, 100), r.choice([4000, 5000, 6000])),
            lambda v: (v[1] - v[0] >= 1500) == want,
        )
    kind = f"Type {tank[-3:]}"
    w.setdefault("xr_tanks", {})[tank] = {"tank": tank, "level_l": level, "type": kind}
    w.setdefault("xr_caps", {})[kind] = cap
    return {"tank": tank}


def _type_sheet(s: State, a: dict) -> str:
    cap = s.get("xr_caps", {}).get(a["type"])
    if cap is None:
        raise ToolFail(f"no tank type {a['type']}")
    return f"{a['type']}: capacity {cap} L, double-walled steel, above ground."


def _tank_ok(p: Params, b: State) -> bool:
    t = b["xr_tanks"][p["tank"]]
    return b["xr_caps"][t["type"]] - t["level_l"] >= 1500


def _cap_of(text: str) -> int:
    return int(text.split("capacity ")[1].split(" ")[0])


tank = Family(
    name="xr_tank",
    templates=["Deliver a tanker load to tank {tank}"],
    fields={"tank": Field(r"TK-\d{3}")},
    sample=sample_tank,
    plan=[
        Step("xr_tank", lambda p, r: {"tank": p["tank"]}),
        Step("xr_type_sheet", lambda p, r: {"type": r["xr_tank"]["type"]}),
        Step(
            "xr_deliver",
            lambda p, r: {"tank": p["tank"]},
            when=lambda p, r: _cap_of(r["xr_type_sheet"]) - r["xr_tank"]["level_l"] >= 1500,
        ),
    ],
    expect=lambda p, b: {"xr_deliveries": [{"tank": p["tank"]}]} if _tank_ok(p, b) else {},
    answer=lambda p, b: ["delivered"] if _tank_ok(p, b) else ["no room"],
    summary=lambda p, r: (
        f"Tank {p['tank']}: load delivered."
        if "xr_deliver" in r
        else f"Tank {p['tank']}: no room for a 1500 L load, nothing delivered."
    ),
)


# ======================================== 2. banquet: the room's seats (read 2) minus the head count (read 1)
def sample_banquet(rng: random.Random, w: State, i: int) -> Params:
    bk = _fresh(rng, w, "xr_bookings", lambda r: f"BQ-{r.randint(1000, 9999)}")
    room = _fresh(rng, w, "xr_rooms", lambda r: f"R-{r.randint(10, 99)}")
    fixed = {0: (60, 80), 1: (100, 120), 2: (80, 95)}
    if i in fixed:
        guests, seats = fixed[i]
    else:
        want = not _trap(i, rng)
        guests, seats = _until(
            rng,
            lambda r: (r.randrange(60, 101, 5), r.randrange(80, 121, 5)),
            lambda v: v[0] < v[1] and (v[1] - v[0] >= 10) == want,
        )
    w.setdefault("xr_bookings", {})[bk] = {"booking": bk, "guests": guests, "room": room}
    w.setdefault("xr_rooms", {})[room] = {"room": room, "seats": seats, "floor": rng.randint(1, 4)}
    return {"bk": bk}


def _banquet_ok(p: Params, b: State) -> bool:
    bk = b["xr_bookings"][p["bk"]]
    return b["xr_rooms"][bk["room"]]["seats"] - bk["guests"] >= 10


banquet = Family(
    name="xr_banquet",
    templates=["Confirm banquet booking {bk}"],
    fields={"bk": Field(r"BQ-\d{4}")},
    sample=sample_banquet,
    plan=[
        Step("xr_booking", lambda p, r: {"booking": p["bk"]}),
        Step("xr_room", lambda p, r: {"room": r["xr_booking"]["room"]}),
        Step(
            "xr_confirm",
            lambda p, r: {"booking": p["bk"]},
            when=lambda p, r: r["xr_room"]["seats"] - r["xr_booking"]["guests"] >= 10,
        ),
    ],
    expect=lambda p, b: {"xr_confirmed": [{"booking": p["bk"]}]} if _banquet_ok(p, b) else {},
    answer=lambda p, b: ["confirmed"] if _banquet_ok(p, b) else ["margin"],
    summary=lambda p, r: (
        f"Banquet {p['bk']} confirmed."
        if "xr_confirm" in r
        else f"Not confirmed: banquet {p['bk']} leaves under the 10-seat margin of its room."
    ),
)


# ======================================== 3. settle: an invoice (JSON) and a payment (plain text), one turn
def sample_settle(rng: random.Random, w: State, i: int) -> Params:
    inv = _fresh(rng, w, "xr_invoices", lambda r: f"INV-{r.randint(1000, 9999)}")
    pay = _fresh(rng, w, "xr_payments", lambda r: f"PAY-{r.randint(1000, 9999)}")
    fixed = {0: (1000.0, 1003.5), 1: (2400.0, 2400.0), 2: (1800.0, 1797.0)}
    if i in fixed:
        paid, due = fixed[i]
    else:
        want = not _trap(i, rng)
        paid, due = _until(
            rng,
            lambda r: (float(r.randrange(1000, 2401, 50)), round(r.uniform(1000, 2400), 1)),
            lambda v: (abs(v[1] - v[0]) <= 5) == want,
        )
    w.setdefault("xr_invoices", {})[inv] = {"invoice": inv, "amount_eur": due, "terms": "30 days"}
    w.setdefault("xr_payments", {})[pay] = paid
    return {"inv": inv, "pay": pay}


def _payment(s: State, a: dict) -> str:
    paid = s.get("xr_payments", {}).get(a["payment"])
    if paid is None:
        raise ToolFail(f"no payment {a['payment']}")
    return f"Payment {a['payment']}: {paid:.2f} EUR received on 2026-11-28 by bank transfer."


def _paid_of(text: str) -> float:
    return float(text.split(": ")[1].split(" EUR")[0])


def _settle_ok(p: Params, b: State) -> bool:
    return abs(b["xr_invoices"][p["inv"]]["amount_eur"] - b["xr_payments"][p["pay"]]) <= 5


settle = Family(
    name="xr_settle",
    templates=["Settle invoice {inv} with payment {pay}"],
    fields={"inv": Field(r"INV-\d{4}"), "pay": Field(r"PAY-\d{4}")},
    sample=sample_settle,
    plan=[
        Step("xr_payment", lambda p, r: {"payment": p["pay"]}, group="reads"),
        Step("xr_invoice", lambda p, r: {"invoice": p["inv"]}, group="reads"),
        Step(
            "xr_settle",
            lambda p, r: {"invoice": p["inv"], "payment": p["pay"]},
            when=lambda p, r: abs(r["xr_invoice"]["amount_eur"] - _paid_of(r["xr_payment"])) <= 5,
        ),
    ],
    expect=lambda p, b: {"xr_settled": [{"invoice": p["inv"], "payment": p["pay"]}]} if _settle_ok(p, b) else {},
    answer=lambda p, b: ["settled"] if _settle_ok(p, b) else ["differ"],
    summary=lambda p, r: (
        f"Invoice {p['inv']} settled with payment {p['pay']}."
        if "xr_settle" in r
        else f"Not settled: invoice {p['inv']} and payment {p['pay']} differ by more than 5 EUR."
    ),
)


# ======================================== 4. shelve: a loop with two reads per item, must keep replaying
BOOKS = [
    "Emma", "Ulysses", "Beloved", "Dracula", "Rebecca", "Middlemarch", "Persuasion", "Walden", "Candide",
    "Kindred", "Siddhartha", "Frankenstein", "Lolita", "Matilda", "Heidi", "Orlando",
]  # fmt: skip
LIST = Field(r"[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?")
MAX = 5


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def sample_shelve(rng: random.Random, w: State, i: int) -> Params:
    n = 2 if i < 2 else 3 if i < 4 else rng.choice([1, 4, 5])  # then lengths no run showed: the loop's
    books = rng.sample(BOOKS, n)
    for b in books:  # every book fits its slot: nothing to hold back, the loop must keep replaying
        w.setdefault("xr_books", {}).setdefault(b, {"book": b, "thick_mm": rng.choice([20, 30, 40, 50])})
        w.setdefault("xr_slots", {}).setdefault(b, {"book": b, "slot_mm": rng.choice([80, 100, 120])})
    return {"items": listed(books)}


def _shelve(s: State, a: dict) -> dict:
    if a["book"] not in s.get("xr_slots", {}):
        raise ToolFail(f"no book {a['book']}")
    s.setdefault("xr_shelved", []).append({"book": a["book"]})
    return {"status": "shelved", "book": a["book"]}  # no counted reference: rule 1 would stop on it


def _shelve_plan() -> list[object]:
    out: list[object] = []
    for k in range(MAX):
        for tool in ("xr_book", "xr_slot", "xr_shelve"):
            out.append(
                Step(
                    tool,
                    lambda p, r, k=k: {"book": items_of(p["items"])[k]},
                    key=f"{tool}{k}",
                    when=lambda p, r, k=k: len(items_of(p["items"])) > k,
                )
            )
    return out


shelve = Family(
    name="xr_shelve",
    templates=["Shelve the books {items}"],
    fields={"items": LIST},
    sample=sample_shelve,
    plan=_shelve_plan(),
    expect=lambda p, b: {"xr_shelved": [{"book": x} for x in items_of(p["items"])]},
    answer=lambda p, b: items_of(p["items"]),
    summary=lambda p, r: f"Shelved {p['items']}.",
    repeats=False,  # lists of new lengths, not an earlier list again
)


TOOLS = {
    t.name: t
    for t in [
        Tool("xr_tank", "A fuel tank: level (litres) and type.", {"tank": str}, _row("xr_tanks", "tank", "tank")),
        Tool("xr_type_sheet", "A tank type's data sheet (plain text).", {"type": str}, _type_sheet),
        Tool("xr_deliver", "Deliver a 1500 L tanker load to a tank.", {"tank": str}, _append("xr_deliveries", "tank")),
        Tool(
            "xr_booking",
            "A banquet booking: head count, room.",
            {"booking": str},
            _row("xr_bookings", "booking", "booking"),
        ),
        Tool("xr_room", "A banquet room: seats and floor.", {"room": str}, _row("xr_rooms", "room", "room")),
        Tool("xr_confirm", "Confirm a banquet booking.", {"booking": str}, _append("xr_confirmed", "booking")),
        Tool("xr_payment", "A payment received (plain text).", {"payment": str}, _payment),
        Tool(
            "xr_invoice",
            "An invoice: amount due (EUR), terms.",
            {"invoice": str},
            _row("xr_invoices", "invoice", "invoice"),
        ),
        Tool(
            "xr_settle",
            "Settle an invoice with a payment.",
            {"invoice": str, "payment": str},
            _append("xr_settled", "invoice", "payment"),
        ),
        Tool("xr_book", "A book's thickness (mm).", {"book": str}, _row("xr_books", "book", "book")),
        Tool("xr_slot", "The width (mm) of a book's shelf slot.", {"book": str}, _row("xr_slots", "book", "book")),
        Tool("xr_shelve", "Put a book on its shelf.", {"book": str}, _shelve),
    ]
}

FAMILIES = [tank, banquet, settle, shelve]
