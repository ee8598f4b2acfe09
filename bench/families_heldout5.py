"""Held-out probe families, round 5 (issue 9, red team C): wrong replays and stale answers.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h5_` and
collide with no other set. Domains none of the earlier sets use: a pharmacy, invoices, a bakery, a
bowling league, tiling, a hotel desk, builders' merchants, a truck fleet's odometer, web-shop returns, a
choir, meeting-room lights, user accounts, a library, a loyalty card, thermostats.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout5.py --goals 8 --seed 7

In every family the first four goals agree on what a later goal changes (a category, a range, a
rounding, the list's length), so an earlier run's path or answer looks right until then. Most results
are plain text; several plans read twice before one write, and the middle read decides the path.

- h5_refill     read a prescription (plain text: refills left, status), dispense only if active and a
                refill is left (non-idempotent; the quantity comes from the text); answer: refills left
- h5_void       void an invoice (destructive) only while it is a draft; a paid one is left alone
- h5_batches    "How many batches ... for N loaves?": ceil(N / loaves per batch) from a plain-text recipe
- h5_bowling    a possessive question: a bowler's average (pins / games, 1 dp) from a plain-text card
- h5_tiles      order ceil(area * 1.1 / m2 per box) boxes (non-idempotent), answer the boxes and the price
- h5_checkin    reservation (plain text: paid?) and room status (plain text) decide a check-in (write);
                guests' names carry accents and several words
- h5_quote      which of two suppliers is cheaper for Q bags (unit price x Q + delivery): the answer
                names the winner and the saving, both derived
- h5_odometer   log an odometer reading (non-idempotent) and state the km since the last service; a
                reading below the service's is not logged
- h5_returns    refund an order: full price while unopened, 85 % when opened, nothing after 30 days
- h5_choir      who sings a part in a choir: a plain-text list of varying length; the answer lists it
- h5_dimmer     set a room's lights to P percent (idempotent write, level = P / 100), capped at the
                room's glare limit read first
- h5_purge      delete a user account (destructive) unless its role is owner
- h5_library    how many copies of a book are on the shelf (plain text; a question whose answer moves)
- h5_loyalty    redeem points (non-idempotent) only when the balance covers them; edges of the balance
- h5_thermostat set a zone's thermostat from a goal in Fahrenheit (idempotent); the device's unit, read
                first, decides whether the value is converted
- h5_fuelup     top a generator up to L litres (non-idempotent: adds target - fuel), never past the tank
                size in a plain-text read; a target at, past or below the fuel the runs saw (added after
                h5_dimmer found the "limit only reached" gap: not shaped on it)
- h5_atm        withdraw A (non-idempotent) only while A <= limit - used today (two numbers of one
                plain-text line): each number alone and each pair's order may stay as the runs saw

MCP annotations: the reads declare `readOnlyHint`; the idempotent writes `idempotentHint`; the deletes
and voids `destructiveHint`; the other writes none (non-idempotent by default).
"""

from __future__ import annotations

import math
import os
import random
import sys
from pathlib import Path
from typing import Any

try:
    import families as fam
except ImportError:  # loaded outside the bench processes
    _bench = os.environ.get("LLMOS_BENCH_DIR") or str(Path(__file__).resolve().parents[2] / "shared" / "bench")
    if _bench not in sys.path:
        sys.path.insert(0, _bench)
    import families as fam

Family, Field, Step, Tool, ToolFail = fam.Family, fam.Field, fam.Step, fam.Tool, fam.ToolFail
INT, NUM, CAPWORD, CAPWORDS, LOWER = fam.INT, fam.NUM, fam.CAPWORD, fam.CAPWORDS, fam.LOWER
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

FIRST = 4  # the first goals of each family agree on what a later goal changes
READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "idempotentHint": True, "destructiveHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    **{name: READ for name in ("h5_rx_lookup", "h5_invoice_get", "h5_recipe", "h5_bowling_card", "h5_tile_info",
                               "h5_reservation", "h5_room_status", "h5_supplier_quote", "h5_service_record",
                               "h5_order_get", "h5_choir_roster", "h5_room_lights", "h5_user_info", "h5_catalog",
                               "h5_card_balance", "h5_zone_get", "h5_generator",
                               "h5_card_limits")},
    "h5_light_set": IDEMPOTENT,
    "h5_thermostat_set": IDEMPOTENT,
    "h5_invoice_void": DESTRUCTIVE,
    "h5_user_delete": DESTRUCTIVE,
}


def _annotate_in_tools_server() -> None:
    """Inside the shared tools server only: give the tools of ANNOTATIONS their MCP hints."""
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_h5_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h5_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _early(i: int) -> bool:
    return i < FIRST


def _t(table: str, b: State, key: str) -> Any:
    return b["tables"][table][key]


def _row(table: str, what: str, *keys: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get("/".join(str(a[k]) for k in keys))
        if row is None:
            raise ToolFail(f"no {what} {'/'.join(str(a[k]) for k in keys)}")
        return row

    return run


def _after(text: str, marker: str, stop: str = " ") -> str:
    return text.split(marker, 1)[1].split(stop, 1)[0]


FIRST_NAMES = ["Maria", "Tomasz", "Aiko", "Kwame", "Sofia", "Henrik", "Leila", "Diego", "Nadia", "Ewan"]
LAST_NAMES = ["Lopez", "Nowak", "Tanaka", "Mensah", "Rossi", "Berg", "Haddad", "Alvarez", "Petrova", "Grant"]
TWO_WORDS = Field(r"[A-Z][a-z]+ [A-Z][a-z]+")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


# =========================================================================== 1. pharmacy refill
DRUGS = [("amoxicillin", 500, 21), ("metformin", 850, 60), ("lisinopril", 10, 30), ("sertraline", 50, 28),
         ("atorvastatin", 20, 30), ("levothyroxine", 75, 90)]


def _rx_lookup(s: State, a: dict) -> str:
    rx = a["rx"]
    row = s["tables"].get("h5_rx", {}).get(rx)
    if row is None:
        raise ToolFail(f"no prescription {rx}")
    return (f"{rx}: {row['drug']} {row['mg']} mg for {row['patient']}, pack of {row['pack']} tablets, "
            f"{s['rx_refills'][rx]} refills left, status {row['status']}")


def _rx_dispense(s: State, a: dict) -> dict:
    rx = a["rx"]
    if rx not in s.get("rx_refills", {}):
        raise ToolFail(f"no prescription {rx}")
    if s["rx_refills"][rx] <= 0:
        raise ToolFail(f"prescription {rx} has no refills left")
    s["rx_refills"][rx] -= 1
    s.setdefault("dispensed", []).append({"rx": rx, "patient": a["patient"], "quantity": int(a["quantity"])})
    return {"dispensed": True, "rx": rx, "refills_left": s["rx_refills"][rx]}


def sample_refill(rng: random.Random, w: State, i: int) -> Params:
    rx, patient = f"RX-{rng.randint(1000, 9999)}", _person(rng)
    drug, mg, pack = rng.choice(DRUGS)
    refills, status = (3, "active") if _early(i) else (rng.choice([0, 0, 1, 2, 5, 11]),
                                                        rng.choice(["active", "active", "expired", "on hold"]))
    w["tables"].setdefault("h5_rx", {}).setdefault(rx, {"drug": drug, "mg": mg, "patient": patient, "pack": pack,
                                                        "status": status})
    w.setdefault("rx_refills", {}).setdefault(rx, refills)
    return {"rx": rx, "patient": w["tables"]["h5_rx"][rx]["patient"], "wording": rng.randrange(2)}


def _refill_ok(text: str) -> bool:
    return text.endswith("status active") and int(_after(text, "tablets, ")) > 0


def _refill_expect(p: Params, b: State) -> dict:
    row, left = _t("h5_rx", b, p["rx"]), b["rx_refills"][p["rx"]]
    if row["status"] != "active" or left <= 0:
        return {}
    return {"rx_refills": {p["rx"]: left - 1},
            "dispensed": [{"rx": p["rx"], "patient": p["patient"], "quantity": row["pack"]}]}


def _refill_answer(p: Params, b: State) -> list:
    row, left = _t("h5_rx", b, p["rx"]), b["rx_refills"][p["rx"]]
    if row["status"] != "active":
        return [row["status"]]
    return [left - 1] if left > 0 else [0]


def _refill_summary(p: Params, r: dict) -> str:
    text = r["h5_rx_lookup"]
    if "h5_rx_dispense" in r:
        return f"Dispensed {p['rx']} for {p['patient']}; {r['h5_rx_dispense']['refills_left']} refills left."
    if not text.endswith("status active"):
        return f"Not dispensed: prescription {p['rx']} is {text.split('status ')[1]}."
    return f"Not dispensed: prescription {p['rx']} has 0 refills left."


refill = Family(
    name="h5_refill",
    templates=["Refill prescription {rx} for {patient}", "Could you please refill {patient}'s prescription {rx}?"],
    fields={"rx": Field(r"RX-\d{4}"), "patient": TWO_WORDS},
    sample=sample_refill,
    plan=[Step("h5_rx_lookup", lambda p, r: {"rx": p["rx"]}),
          Step("h5_rx_dispense", lambda p, r: {"rx": p["rx"], "patient": p["patient"],
                                               "quantity": int(_after(r["h5_rx_lookup"], "pack of "))},
               when=lambda p, r: _refill_ok(r["h5_rx_lookup"]))],
    expect=_refill_expect,
    answer=_refill_answer,
    summary=_refill_summary,
)


# =========================================================================== 2. void a draft invoice (destructive)
CUSTOMERS = ["Acme Foods", "Bright Dental", "Kestrel Labs", "Oakridge School", "Nordic Freight", "Luma Studio"]


def _invoice_get(s: State, a: dict) -> dict:
    inv = a["invoice"]
    row = s["tables"].get("h5_invoices", {}).get(inv)
    if row is None:
        raise ToolFail(f"no invoice {inv}")
    return {**row, "invoice": inv, "status": s["invoice_status"][inv]}


def _invoice_void(s: State, a: dict) -> dict:
    inv = a["invoice"]
    if inv not in s.get("invoice_status", {}):
        raise ToolFail(f"no invoice {inv}")
    s["invoice_status"][inv] = "void"
    return {"invoice": inv, "status": "void"}


def sample_void(rng: random.Random, w: State, i: int) -> Params:
    inv = f"INV-{rng.randint(10000, 99999)}"
    status = "draft" if _early(i) else rng.choice(["draft", "paid", "sent", "paid", "void"])
    w["tables"].setdefault("h5_invoices", {}).setdefault(
        inv, {"customer": rng.choice(CUSTOMERS), "amount": round(rng.uniform(80, 4000), 2), "currency": "EUR"})
    w.setdefault("invoice_status", {}).setdefault(inv, status)
    return {"invoice": inv, "wording": rng.randrange(2)}


def _void_answer(p: Params, b: State) -> list:
    status = b["invoice_status"][p["invoice"]]
    return [_t("h5_invoices", b, p["invoice"])["amount"]] if status == "draft" else [status]


void = Family(
    name="h5_void",
    templates=["Void invoice {invoice}", "Please void invoice {invoice}, it was raised by mistake"],
    fields={"invoice": Field(r"INV-\d{5}")},
    sample=sample_void,
    plan=[Step("h5_invoice_get", lambda p, r: {"invoice": p["invoice"]}),
          Step("h5_invoice_void", lambda p, r: {"invoice": p["invoice"]},
               when=lambda p, r: r["h5_invoice_get"]["status"] == "draft")],
    expect=lambda p, b: ({"invoice_status": {p["invoice"]: "void"}}
                         if b["invoice_status"][p["invoice"]] == "draft" else {}),
    answer=_void_answer,
    summary=lambda p, r: (f"Voided {p['invoice']} ({r['h5_invoice_get']['amount']} EUR)." if "h5_invoice_void" in r
                          else f"Not voided: {p['invoice']} is {r['h5_invoice_get']['status']}, not a draft."),
)


# =========================================================================== 3. bakery batches: ceil
BREADS = ["Rye Sourdough", "Country White", "Seeded Spelt", "Olive Ciabatta", "Honey Oat", "Black Pumpernickel"]


def sample_batches(rng: random.Random, w: State, i: int) -> Params:
    bread = BREADS[0] if _early(i) else rng.choice(BREADS)
    per = w["tables"].setdefault("h5_recipes", {}).setdefault(
        bread, f"{bread}: {12 if bread == BREADS[0] else rng.choice([8, 10, 14, 16, 18])} loaves per batch, "
               f"proof {rng.choice([3, 4, 12, 16])} h, oven {rng.choice([220, 230, 240])} C")
    n = int(per.split(": ")[1].split(" ")[0])
    loaves = n * (i + 2) if _early(i) else rng.randint(5, 160)
    return {"bread": bread, "loaves": loaves, "wording": rng.randrange(2)}


def _batches(p: Params, text: str) -> int:
    return math.ceil(p["loaves"] / int(text.split(": ")[1].split(" ")[0]))


batches = Family(
    name="h5_batches",
    templates=["How many batches of {bread} do we need to bake {loaves} loaves?",
               "batches of {bread} for {loaves} loaves?"],
    fields={"bread": CAPWORDS, "loaves": INT},
    sample=sample_batches,
    plan=[Step("h5_recipe", lambda p, r: {"bread": p["bread"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_batches(p, _t("h5_recipes", b, p["bread"]))],
    summary=lambda p, r: f"You need {_batches(p, r['h5_recipe'])} batches of {p['bread']} for {p['loaves']} loaves.",
)


# =========================================================================== 4. bowling average (possessive question)
def sample_bowling(rng: random.Random, w: State, i: int) -> Params:
    bowler = _person(rng)
    games, pins = (10, 1500) if _early(i) else (rng.randint(3, 40), 0)
    if not _early(i):
        pins = games * rng.randint(95, 230) + rng.randint(0, games - 1)
        while is_tie(pins / games, 1):
            pins += 1
    w["tables"].setdefault("h5_bowlers", {}).setdefault(
        bowler, f"{bowler}: {games} games, {pins} pins, high game {rng.randint(180, 279)}")
    return {"bowler": bowler, "wording": rng.randrange(2)}


def _average(text: str) -> float:
    games = int(text.split(": ")[1].split(" ")[0])
    pins = int(text.split("games, ")[1].split(" ")[0])
    return round_half_up(pins / games, 1)


bowling = Family(
    name="h5_bowling",
    templates=["What is {bowler}'s bowling average this season?", "bowling average for {bowler}"],
    fields={"bowler": TWO_WORDS},
    sample=sample_bowling,
    plan=[Step("h5_bowling_card", lambda p, r: {"bowler": p["bowler"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_average(_t("h5_bowlers", b, p["bowler"]))],
    summary=lambda p, r: f"{p['bowler']} averages {_average(r['h5_bowling_card'])} pins a game this season.",
)


# =========================================================================== 5. tiles: ceil with waste, an order
TILES = ["Terracotta Rustic", "Carrara Gloss", "Slate Grey Matt", "Sage Zellige", "Oak Effect Plank"]


def _tile_order(s: State, a: dict) -> dict:
    boxes = int(a["boxes"])
    if boxes <= 0:
        raise ToolFail("boxes must be > 0")
    s.setdefault("tile_orders", []).append({"tile": a["tile"], "boxes": boxes})
    return {"ordered": True, "tile": a["tile"], "boxes": boxes, "order_no": len(s["tile_orders"])}


def sample_tiles(rng: random.Random, w: State, i: int) -> Params:
    tile = TILES[0] if _early(i) else rng.choice(TILES)
    w["tables"].setdefault("h5_tiles", {}).setdefault(
        tile, {"tile": tile, "m2_per_box": 1.1 if tile == TILES[0] else rng.choice([0.72, 0.96, 1.08, 1.44, 1.5]),
               "price_eur": rng.choice([24.9, 31.5, 38.0, 44.75])})
    area = 10 * (i + 1) if _early(i) else rng.choice([round(rng.uniform(2, 60), 1), rng.randint(3, 45)])
    return {"tile": tile, "area": area, "wording": rng.randrange(2)}


def _boxes(p: Params, row: dict) -> int:
    return math.ceil(round(p["area"] * 1.1 / row["m2_per_box"], 9))


tiles = Family(
    name="h5_tiles",
    templates=["Order {tile} tiles for a {area} m2 floor, with 10% extra for cuts",
               "We're tiling {area} m2 in {tile}: please order enough boxes, plus 10% extra"],
    fields={"tile": CAPWORDS, "area": NUM},
    sample=sample_tiles,
    plan=[Step("h5_tile_info", lambda p, r: {"tile": p["tile"]}),
          Step("h5_tile_order", lambda p, r: {"tile": p["tile"], "boxes": _boxes(p, r["h5_tile_info"])})],
    expect=lambda p, b: {"tile_orders": [{"tile": p["tile"], "boxes": _boxes(p, _t("h5_tiles", b, p["tile"]))}]},
    answer=lambda p, b: [_boxes(p, row := _t("h5_tiles", b, p["tile"])),
                         round(_boxes(p, row) * row["price_eur"], 2)],
    summary=lambda p, r: (f"Ordered {r['h5_tile_order']['boxes']} boxes of {p['tile']} for "
                          f"{round(r['h5_tile_order']['boxes'] * r['h5_tile_info']['price_eur'], 2)} EUR."),
)


# =========================================================================== 6. hotel check-in: two reads decide
GUESTS = ["Ana María Ruiz", "José Luis Peña", "Zoë Müller", "Chloé Dubois", "Ingrid Solberg", "Jean Paul Okafor",
          "Mei Lin", "Søren Kierkegaard Holm"]
ACCENTED = Field(r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?: [A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)*")


def _reservation(s: State, a: dict) -> str:
    row = s["tables"].get("h5_reservations", {}).get(a["guest"])
    if row is None:
        raise ToolFail(f"no reservation for {a['guest']}")
    return f"Reservation {row['ref']} for {a['guest']}: room {row['room']}, {row['nights']} nights, {row['paid']}"


def _room_status(s: State, a: dict) -> str:
    room = str(a["room"])
    if room not in s.get("rooms", {}):
        raise ToolFail(f"no room {room}")
    return f"Room {room}: {s['rooms'][room]}"


def _check_in(s: State, a: dict) -> dict:
    room = str(a["room"])
    if s.get("rooms", {}).get(room) != "clean, vacant":
        raise ToolFail(f"room {room} is not ready")
    s["rooms"][room] = "occupied"
    s.setdefault("checkins", []).append({"guest": a["guest"], "room": room, "nights": int(a["nights"])})
    return {"checked_in": True, "key_card": f"KC-{len(s['checkins']):04d}"}


def sample_checkin(rng: random.Random, w: State, i: int) -> Params:
    guest = GUESTS[i] if _early(i) else rng.choice(GUESTS)
    room = str(rng.randint(101, 560))
    while room in w.get("rooms", {}):
        room = str(rng.randint(101, 560))
    paid = "paid" if _early(i) else rng.choice(["paid", "paid", "unpaid", "deposit only"])
    status = "clean, vacant" if _early(i) else rng.choice(["clean, vacant", "dirty, vacant", "occupied",
                                                           "clean, vacant"])
    nights = 2 if _early(i) else rng.randint(1, 14)
    res = w["tables"].setdefault("h5_reservations", {}).setdefault(
        guest, {"ref": f"R-{rng.randint(1000, 9999)}", "room": room, "nights": nights, "paid": paid})
    w.setdefault("rooms", {}).setdefault(res["room"], status)
    return {"guest": guest, "room": res["room"], "wording": rng.randrange(2)}


def _checkin_ok(p: Params, b: State) -> bool:
    res = _t("h5_reservations", b, p["guest"])
    return res["paid"] == "paid" and b["rooms"][p["room"]] == "clean, vacant"


def _checkin_answer(p: Params, b: State) -> list:
    res = _t("h5_reservations", b, p["guest"])
    if res["paid"] != "paid":
        return [res["paid"]]
    if b["rooms"][p["room"]] != "clean, vacant":
        return [b["rooms"][p["room"]].split(",")[0]]
    return [p["room"], res["nights"]]


def _checkin_summary(p: Params, r: dict) -> str:
    res = r["h5_reservation"]
    if "h5_check_in" in r:
        return (f"{p['guest']} is checked in to room {p['room']} for {_after(res, 'room ' + p['room'] + ', ')} "
                f"nights, key card {r['h5_check_in']['key_card']}.")
    if not res.endswith(", paid"):
        return f"Not checked in: the reservation of {p['guest']} is {res.rsplit(', ', 1)[1]}."
    return f"Not checked in: {r['h5_room_status']}."


checkin = Family(
    name="h5_checkin",
    templates=["Check in {guest} to room {room}", "Please check {guest} into room {room} now"],
    fields={"guest": ACCENTED, "room": Field(r"\d{3}")},
    sample=sample_checkin,
    plan=[Step("h5_reservation", lambda p, r: {"guest": p["guest"]}, group="look"),
          Step("h5_room_status", lambda p, r: {"room": p["room"]}, group="look"),
          Step("h5_check_in", lambda p, r: {"guest": p["guest"], "room": p["room"],
                                            "nights": int(_after(r["h5_reservation"], f"room {p['room']}, "))},
               when=lambda p, r: r["h5_reservation"].endswith(", paid") and r["h5_room_status"].endswith(
                   ": clean, vacant"))],
    expect=lambda p, b: ({"rooms": {p["room"]: "occupied"},
                          "checkins": [{"guest": p["guest"], "room": p["room"],
                                        "nights": _t("h5_reservations", b, p["guest"])["nights"]}]}
                         if _checkin_ok(p, b) else {}),
    answer=_checkin_answer,
    summary=_checkin_summary,
    repeats=False,
)


# =========================================================================== 7. which supplier is cheaper
SUPPLIERS = ["Bauhaus", "Hornbach", "Toolstation", "Jewson", "Travis Perkins", "Buildbase"]
MATERIALS = ["cement", "sand", "gravel", "plaster", "mortar"]


def sample_quote(rng: random.Random, w: State, i: int) -> Params:
    a, b = ("Bauhaus", "Hornbach") if _early(i) else tuple(rng.sample(SUPPLIERS, 2))
    material = rng.choice(MATERIALS)
    table = w["tables"].setdefault("h5_quotes", {})
    for sup in (a, b):
        table.setdefault(f"{sup}/{material}", {"unit_price": round(rng.uniform(3, 12), 2),
                                               "delivery_eur": rng.choice([0, 15, 25, 40])})
    if _early(i):
        table[f"Bauhaus/{material}"] = {"unit_price": 4.0, "delivery_eur": 15}
        table[f"Hornbach/{material}"] = {"unit_price": 5.5, "delivery_eur": 25}
    qty = 40 if _early(i) else rng.randint(5, 120)
    while math.isclose(_total(table[f"{a}/{material}"], qty), _total(table[f"{b}/{material}"], qty)):
        qty += 1
    return {"a": a, "b": b, "material": material, "qty": qty, "wording": rng.randrange(2)}


def _quote(s: State, a: dict) -> dict:
    row = s["tables"].get("h5_quotes", {}).get(f"{a['supplier']}/{a['material']}")
    if row is None:
        raise ToolFail(f"{a['supplier']} does not sell {a['material']}")
    return {"supplier": a["supplier"], "material": a["material"], "bags": int(a["bags"]), **row}


def _total(row: dict, qty: int) -> float:
    return round(row["unit_price"] * qty + row["delivery_eur"], 2)


def _winner(p: Params, qa: dict, qb: dict) -> list:
    ta, tb = _total(qa, p["qty"]), _total(qb, p["qty"])
    return [p["a"] if ta < tb else p["b"], round(abs(ta - tb), 2)]


def _quote_rows(p: Params, b: State) -> tuple[dict, dict]:
    return _t("h5_quotes", b, f"{p['a']}/{p['material']}"), _t("h5_quotes", b, f"{p['b']}/{p['material']}")


def _quote_summary(p: Params, r: dict) -> str:
    name, saving = _winner(p, r["qa"], r["qb"])
    return f"{name} is cheaper for {p['qty']} bags of {p['material']}, by {saving} EUR."


quote = Family(
    name="h5_quote",
    templates=["Which supplier is cheaper for {qty} bags of {material}, {a} or {b}?",
               "Compare {a} and {b} on {qty} bags of {material} including delivery"],
    fields={"qty": INT, "material": LOWER, "a": CAPWORDS, "b": CAPWORDS},
    sample=sample_quote,
    plan=[Step("h5_supplier_quote", lambda p, r: {"supplier": p["a"], "material": p["material"], "bags": p["qty"]},
               key="qa", group="q"),
          Step("h5_supplier_quote", lambda p, r: {"supplier": p["b"], "material": p["material"], "bags": p["qty"]},
               key="qb", group="q")],
    expect=lambda p, b: {},
    answer=lambda p, b: _winner(p, *_quote_rows(p, b)),
    summary=_quote_summary,
)


# =========================================================================== 8. odometer: log, state a difference
def _service(s: State, a: dict) -> str:
    row = s["tables"].get("h5_service", {}).get(a["truck"])
    if row is None:
        raise ToolFail(f"no truck {a['truck']}")
    return f"Truck {a['truck']}: last service at {row['km']} km on {row['date']} ({row['work']})"


def _odo_log(s: State, a: dict) -> dict:
    s.setdefault("odo_log", []).append({"truck": a["truck"], "km": int(a["km"])})
    return {"logged": True, "entry": len(s["odo_log"])}


def sample_odometer(rng: random.Random, w: State, i: int) -> Params:
    truck = f"TR-{rng.randint(10, 99)}"
    last = 40000 if _early(i) else rng.randint(5000, 250000)
    row = w["tables"].setdefault("h5_service", {}).setdefault(
        truck, {"km": last, "date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(10, 28)}",
                "work": rng.choice(["oil, filters", "brakes", "tyres, oil", "full inspection"])})
    km = row["km"] + (rng.randint(1000, 9000) if _early(i) else rng.choice([-rng.randint(1, 800),
                                                                            rng.randint(0, 40),
                                                                            rng.randint(200, 60000)]))
    return {"truck": truck, "km": km, "wording": rng.randrange(2)}


def _svc_km(text: str) -> int:
    return int(_after(text, "service at "))


odometer = Family(
    name="h5_odometer",
    templates=["Log {km} km on the odometer of truck {truck}, and tell me how far it has gone since its last service",
               "odometer {truck} {km} km - distance since service?"],
    fields={"km": INT, "truck": Field(r"TR-\d{2}")},
    sample=sample_odometer,
    plan=[Step("h5_service_record", lambda p, r: {"truck": p["truck"]}),
          Step("h5_odometer_log", lambda p, r: {"truck": p["truck"], "km": p["km"]},
               when=lambda p, r: p["km"] >= _svc_km(r["h5_service_record"]))],
    expect=lambda p, b: ({"odo_log": [{"truck": p["truck"], "km": p["km"]}]}
                         if p["km"] >= _t("h5_service", b, p["truck"])["km"] else {}),
    answer=lambda p, b: ([p["km"] - _t("h5_service", b, p["truck"])["km"]]
                         if p["km"] >= _t("h5_service", b, p["truck"])["km"] else
                         ["below", _t("h5_service", b, p["truck"])["km"]]),
    summary=lambda p, r: (f"Logged {p['km']} km for {p['truck']}: {p['km'] - _svc_km(r['h5_service_record'])} km "
                          f"since its last service." if "h5_odometer_log" in r else
                          f"Not logged: {p['km']} km is below the last service reading of "
                          f"{_svc_km(r['h5_service_record'])} km."),
)


# =========================================================================== 9. returns: the refund's rule
ITEMS = ["headphones", "blender", "rain jacket", "desk lamp", "hiking boots", "espresso machine"]


def _order_get(s: State, a: dict) -> dict:
    row = s["tables"].get("h5_orders", {}).get(str(a["order"]))
    if row is None:
        raise ToolFail(f"no order {a['order']}")
    return {"order": str(a["order"]), **row}


def _refund(s: State, a: dict) -> dict:
    s.setdefault("refunds", []).append({"order": str(a["order"]), "amount": round(float(a["amount"]), 2)})
    return {"refunded": True, "reference": f"RF-{len(s['refunds']):05d}"}


def sample_returns(rng: random.Random, w: State, i: int) -> Params:
    order, customer = str(rng.randint(40000, 99999)), rng.choice(FIRST_NAMES)
    days = rng.randint(3, 20) if _early(i) else rng.choice([29, 30, 31, 45, rng.randint(1, 28)])
    cond = "unopened" if _early(i) else rng.choice(["unopened", "opened", "opened"])
    price = round(rng.uniform(20, 400), 2)
    while is_tie(price * 0.85, 2):
        price = round(price + 0.01, 2)
    w["tables"].setdefault("h5_orders", {}).setdefault(order, {"customer": customer, "item": rng.choice(ITEMS),
                                                               "price_eur": price, "days_since_delivery": days,
                                                               "condition": cond})
    return {"order": order, "customer": w["tables"]["h5_orders"][order]["customer"], "wording": rng.randrange(2)}


def _refund_amount(row: dict) -> float | None:
    if row["days_since_delivery"] > 30:
        return None
    return row["price_eur"] if row["condition"] == "unopened" else round_half_up(row["price_eur"] * 0.85, 2)


returns = Family(
    name="h5_returns",
    templates=["Refund order {order} for {customer}'s return",
               "Can you process the return on order {order}? The customer is {customer}."],
    fields={"order": Field(r"\d{5}"), "customer": CAPWORD},
    sample=sample_returns,
    plan=[Step("h5_order_get", lambda p, r: {"order": p["order"]}),
          Step("h5_refund", lambda p, r: {"order": p["order"], "amount": _refund_amount(r["h5_order_get"])},
               when=lambda p, r: _refund_amount(r["h5_order_get"]) is not None)],
    expect=lambda p, b: ({"refunds": [{"order": p["order"], "amount": amt}]}
                         if (amt := _refund_amount(_t("h5_orders", b, p["order"]))) is not None else {}),
    answer=lambda p, b: ([amt] if (amt := _refund_amount(row := _t("h5_orders", b, p["order"]))) is not None
                         else [row["days_since_delivery"]]),
    summary=lambda p, r: (f"Refunded {_refund_amount(r['h5_order_get'])} EUR for order {p['order']} "
                          f"({r['h5_order_get']['condition']})." if "h5_refund" in r else
                          f"No refund: order {p['order']} was delivered "
                          f"{r['h5_order_get']['days_since_delivery']} days ago, past the 30-day window."),
)


# =========================================================================== 10. choir roster: a listing
CHOIRS = ["Riverside Choir", "Harbour Voices", "St Anne Chorale", "Northgate Singers", "Valley Glee Club"]
PARTS = ["soprano", "alto", "tenor", "bass"]
SINGERS = ["Ana Costa", "Li Wei", "Omar Haddad", "Greta Lund", "Paulo Reis", "Yuki Mori", "Ben Carter",
           "Ife Adeyemi", "Clara Vogel", "Rami Nasser", "Tess Byrne", "Ivo Novak"]


def sample_choir(rng: random.Random, w: State, i: int) -> Params:
    choir, part = rng.choice(CHOIRS), rng.choice(PARTS)
    names = rng.sample(SINGERS, 3 if _early(i) else rng.randint(1, 5))
    w["tables"].setdefault("h5_choirs", {}).setdefault(
        f"{choir}/{part}", f"{choir}, {part}: {', '.join(names)} ({len(names)} singers)")
    return {"choir": choir, "part": part, "wording": rng.randrange(2)}


def _singers(text: str) -> list[str]:
    return text.split(": ", 1)[1].rsplit(" (", 1)[0].split(", ")


choir = Family(
    name="h5_choir",
    templates=["Who sings {part} in the {choir}?", "List the {part} singers of the {choir}"],
    fields={"part": LOWER, "choir": CAPWORDS},
    sample=sample_choir,
    plan=[Step("h5_choir_roster", lambda p, r: {"choir": p["choir"], "part": p["part"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: _singers(_t("h5_choirs", b, f"{p['choir']}/{p['part']}")),
    summary=lambda p, r: f"The {p['part']} singers of the {p['choir']}: {', '.join(_singers(r['h5_choir_roster']))}.",
)


# =========================================================================== 11. lights: a scale and a cap
ROOMS = ["Aurora", "Boreal", "Cirrus", "Delta", "Ember", "Fjord", "Grove", "Harbor"]


def sample_dimmer(rng: random.Random, w: State, i: int) -> Params:
    room = rng.choice(ROOMS)
    cap = w["tables"].setdefault("h5_lights", {}).setdefault(
        room, {"room": room, "fixture": f"FX-{rng.randint(100, 999)}", "glare_limit": 0.9 if _early(i) else
               rng.choice([0.6, 0.75, 0.9, 1.0])})["glare_limit"]
    pct = rng.choice([30, 40, 50, 60]) if _early(i) else rng.choice([5, 25, 70, 80, 95, 100, int(cap * 100)])
    if _early(i) and pct > cap * 100:
        pct = 30
    return {"room": room, "pct": pct, "wording": rng.randrange(2)}


def _level(p: Params, row: dict) -> float:
    return min(round(p["pct"] / 100, 2), row["glare_limit"])


def _light_set(s: State, a: dict) -> dict:
    level = float(a["level"])
    if not 0 <= level <= 1:
        raise ToolFail("level must be between 0 and 1")
    s.setdefault("lights", {})[a["fixture"]] = level
    return {"fixture": a["fixture"], "level": level}


dimmer = Family(
    name="h5_dimmer",
    templates=["Dim the lights in meeting room {room} to {pct} percent", "set {room} lights {pct}%"],
    fields={"room": CAPWORD, "pct": INT},
    sample=sample_dimmer,
    plan=[Step("h5_room_lights", lambda p, r: {"room": p["room"]}),
          Step("h5_light_set", lambda p, r: {"fixture": r["h5_room_lights"]["fixture"],
                                             "level": _level(p, r["h5_room_lights"])})],
    expect=lambda p, b: {"lights": {(row := _t("h5_lights", b, p["room"]))["fixture"]: _level(p, row)}},
    answer=lambda p, b: [round(100 * _level(p, _t("h5_lights", b, p["room"])))],
    summary=lambda p, r: (f"The lights in {p['room']} are at {round(100 * r['h5_light_set']['level'])} percent"
                          + (" (the room's glare limit)." if p["pct"] / 100 > r["h5_room_lights"]["glare_limit"]
                             else ".")),
)


# =========================================================================== 12. delete a user unless owner
USERS = ["jane.doe", "raj.patel", "lena.fischer", "tom.okoro", "mia.santos", "oleg.ivanov", "sara.kim", "noah.berg"]
TENANTS = ["staging", "sandbox", "analytics", "billing"]


def _user_info(s: State, a: dict) -> str:
    key = f"{a['tenant']}/{a['user']}"
    role = s.get("accounts", {}).get(key)
    if role is None or role == "deleted":
        raise ToolFail(f"no user {a['user']} on {a['tenant']}")
    row = s["tables"]["h5_users"][key]
    return f"{a['user']} on {a['tenant']}: role {role}, {row['keys']} api keys, last login {row['login']}"


def _user_delete(s: State, a: dict) -> dict:
    key = f"{a['tenant']}/{a['user']}"
    if s.get("accounts", {}).get(key) in (None, "deleted"):
        raise ToolFail(f"no user {a['user']} on {a['tenant']}")
    s["accounts"][key] = "deleted"
    return {"deleted": True}


def sample_purge(rng: random.Random, w: State, i: int) -> Params:
    user, tenant = rng.choice(USERS), rng.choice(TENANTS)
    while f"{tenant}/{user}" in w.get("accounts", {}):
        user, tenant = rng.choice(USERS), rng.choice(TENANTS)
    key = f"{tenant}/{user}"
    role = rng.choice(["viewer", "editor"]) if _early(i) else rng.choice(["viewer", "editor", "owner", "owner",
                                                                          "billing admin"])
    w.setdefault("accounts", {}).setdefault(key, role)
    w["tables"].setdefault("h5_users", {}).setdefault(
        key, {"keys": rng.randint(0, 3) if _early(i) else rng.randint(0, 12),
              "login": f"2026-{rng.randint(1, 11):02d}-{rng.randint(10, 28)}"})
    return {"user": user, "tenant": tenant, "wording": rng.randrange(2)}


def _purge_ok(role: str) -> bool:
    return role not in ("owner", "deleted")


purge = Family(
    name="h5_purge",
    templates=["Remove user {user} from the {tenant} tenant",
               "Delete the account {user} on {tenant}, they left the company"],
    fields={"user": Field(r"[a-z]+\.[a-z]+"), "tenant": LOWER},
    sample=sample_purge,
    plan=[Step("h5_user_info", lambda p, r: {"tenant": p["tenant"], "user": p["user"]}),
          Step("h5_user_delete", lambda p, r: {"tenant": p["tenant"], "user": p["user"]},
               when=lambda p, r: _purge_ok(_after(r["h5_user_info"], "role ", ",")))],
    expect=lambda p, b: ({"accounts": {f"{p['tenant']}/{p['user']}": "deleted"}}
                         if _purge_ok(b["accounts"][f"{p['tenant']}/{p['user']}"]) else {}),
    answer=lambda p, b: ([p["user"], "deleted"] if _purge_ok(role := b["accounts"][f"{p['tenant']}/{p['user']}"])
                         else [role]),
    summary=lambda p, r: (f"Deleted {p['user']} from {p['tenant']}." if "h5_user_delete" in r else
                          f"Not removed: {p['user']} is the {_after(r['h5_user_info'], 'role ', ',')} of "
                          f"{p['tenant']}; transfer ownership first."),
    repeats=False,
)


# =========================================================================== 13. library copies on the shelf
TITLES = ["The Left Hand of Darkness", "Middlemarch", "A Fine Balance", "The Dispossessed", "Things Fall Apart",
          "Pale Fire", "The Remains of the Day"]
BRANCHES = ["Elm Street", "Harbourside", "Old Town", "Westfield", "Kings Cross"]


def sample_library(rng: random.Random, w: State, i: int) -> Params:
    title, branch = rng.choice(TITLES), rng.choice(BRANCHES)
    shelf = 2 if _early(i) else rng.choice([0, 1, 3, 4, 7])
    w["tables"].setdefault("h5_catalog", {}).setdefault(
        f"{title}/{branch}", f"'{title}' at {branch}: {shelf} on shelf, {rng.randint(0, 4)} on loan, "
                             f"{rng.randint(0, 6)} holds")
    return {"title": title, "branch": branch, "wording": rng.randrange(2)}


def _shelf(text: str) -> int:
    return int(text.split(": ")[1].split(" ")[0])


library = Family(
    name="h5_library",
    templates=["Is '{title}' on the shelf at the {branch} branch?",
               "How many copies of '{title}' can I borrow at {branch} today?"],
    fields={"title": fam.QUOTED, "branch": CAPWORDS},
    sample=sample_library,
    plan=[Step("h5_catalog", lambda p, r: {"title": p["title"], "branch": p["branch"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_shelf(_t("h5_catalog", b, f"{p['title']}/{p['branch']}"))],
    summary=lambda p, r: f"{_shelf(r['h5_catalog'])} copies of '{p['title']}' are on the shelf at {p['branch']}.",
)


# =========================================================================== 14. loyalty points: the balance's edge
def _balance(s: State, a: dict) -> dict:
    m = a["member"]
    if m not in s.get("cards", {}):
        raise ToolFail(f"no card for {m}")
    return {"member": m, "points": s["cards"][m], "tier": s["tables"]["h5_tiers"][m]}


def _redeem(s: State, a: dict) -> dict:
    m, pts = a["member"], int(a["points"])
    if s["cards"].get(m, 0) < pts:
        raise ToolFail("not enough points")
    s["cards"][m] -= pts
    return {"redeemed": pts, "voucher": f"V{s['cards'][m] % 9973:04d}"}


def sample_loyalty(rng: random.Random, w: State, i: int) -> Params:
    member = _person(rng)
    points = 500 if _early(i) else rng.choice([100, 250, 750, 1000, 1500])
    bal = rng.randint(2000, 3000) if _early(i) else rng.choice([points - 1, points, points + 3, points - 120,
                                                                 rng.randint(0, 4000), rng.randint(3001, 9000)])
    w.setdefault("cards", {}).setdefault(member, max(bal, 0))
    w["tables"].setdefault("h5_tiers", {}).setdefault(member, rng.choice(["silver", "gold"]))
    return {"member": member, "points": points, "wording": rng.randrange(2)}


loyalty = Family(
    name="h5_loyalty",
    templates=["Redeem {points} points from {member}'s loyalty card",
               "Please redeem {points} loyalty points for {member}"],
    fields={"points": INT, "member": TWO_WORDS},
    sample=sample_loyalty,
    plan=[Step("h5_card_balance", lambda p, r: {"member": p["member"]}),
          Step("h5_card_redeem", lambda p, r: {"member": p["member"], "points": p["points"]},
               when=lambda p, r: r["h5_card_balance"]["points"] >= p["points"])],
    expect=lambda p, b: ({"cards": {p["member"]: b["cards"][p["member"]] - p["points"]}}
                         if b["cards"][p["member"]] >= p["points"] else {}),
    answer=lambda p, b: ([b["cards"][p["member"]] - p["points"]] if b["cards"][p["member"]] >= p["points"]
                         else [b["cards"][p["member"]]]),
    summary=lambda p, r: (f"Redeemed {p['points']} points; {r['h5_card_balance']['points'] - p['points']} points left."
                          if "h5_card_redeem" in r else
                          f"Not redeemed: {p['member']} has only {r['h5_card_balance']['points']} points."),
)


# =========================================================================== 15. thermostat: the device's unit
ZONES = ["Blue Room", "North Wing", "Server Closet", "Lobby", "Studio Two", "East Annex", "Library Loft"]


def sample_thermostat(rng: random.Random, w: State, i: int) -> Params:
    zone = rng.choice(ZONES)
    w["tables"].setdefault("h5_zones", {}).setdefault(
        zone, {"zone": zone, "device": f"TH-{rng.randint(10, 99)}",
               "unit": "celsius" if _early(i) else rng.choice(["celsius", "fahrenheit"]),
               "current": round(rng.uniform(15, 24), 1)})
    f = 68 if _early(i) else rng.randint(58, 80)
    while is_tie((f - 32) * 5 / 9, 1):
        f += 1
    return {"zone": zone, "f": f, "wording": rng.randrange(2)}


def _setpoint(p: Params, row: dict) -> float:
    return float(p["f"]) if row["unit"] == "fahrenheit" else round_half_up((p["f"] - 32) * 5 / 9, 1)


thermostat = Family(
    name="h5_thermostat",
    templates=["Set the thermostat in the {zone} to {f} F", "Could you set {zone} heating to {f} degrees Fahrenheit?"],
    fields={"zone": CAPWORDS, "f": INT},
    sample=sample_thermostat,
    plan=[Step("h5_zone_get", lambda p, r: {"zone": p["zone"]}),
          Step("h5_thermostat_set", lambda p, r: {"device": r["h5_zone_get"]["device"],
                                                  "value": _setpoint(p, r["h5_zone_get"])})],
    expect=lambda p, b: {"thermostats": {(row := _t("h5_zones", b, p["zone"]))["device"]: _setpoint(p, row)}},
    answer=lambda p, b: [_setpoint(p, _t("h5_zones", b, p["zone"]))],
    summary=lambda p, r: (f"The {p['zone']} thermostat ({r['h5_zone_get']['device']}) is set to "
                          f"{_setpoint(p, r['h5_zone_get'])} "
                          f"{'F' if r['h5_zone_get']['unit'] == 'fahrenheit' else 'C'}."),
)


def _thermostat_set(s: State, a: dict) -> dict:
    s.setdefault("thermostats", {})[a["device"]] = float(a["value"])
    return {"device": a["device"], "setpoint": float(a["value"])}


# =========================================================================== 16. generator top-up: a cap in a text
def _generator(s: State, a: dict) -> str:
    g = a["generator"]
    if g not in s.get("gen_fuel", {}):
        raise ToolFail(f"no generator {g}")
    return f"Generator {g}: tank {s['tables']['h5_gen_tanks'][g]} L, fuel {s['gen_fuel'][g]} L, runtime 412 h"


def _add_fuel(s: State, a: dict) -> dict:
    g, litres = a["generator"], int(a["litres"])
    if litres <= 0:
        raise ToolFail("litres must be > 0")
    s["gen_fuel"][g] += litres  # the pump does not stop at the brim: a wrong replay spills diesel
    return {"generator": g, "fuel_l": s["gen_fuel"][g]}


def sample_fuelup(rng: random.Random, w: State, i: int) -> Params:
    gen = f"G{rng.randint(10, 99)}"
    while gen in w.get("gen_fuel", {}):
        gen = f"G{rng.randint(10, 99)}"
    tank = 200 if _early(i) else rng.choice([120, 200, 250, 400])
    fuel = rng.randint(10, 60)
    target = rng.randint(fuel + 20, tank - 10) if _early(i) else rng.choice(
        [tank, tank + rng.randint(5, 80), rng.randint(fuel + 1, tank), max(fuel - rng.randint(0, 9), 1)])
    w["tables"].setdefault("h5_gen_tanks", {})[gen] = tank
    w.setdefault("gen_fuel", {})[gen] = fuel
    return {"generator": gen, "target": target, "wording": rng.randrange(2)}


def _fill_to(p: Params, tank: int, fuel: int) -> int:
    return min(p["target"], tank) - fuel


def _fill_text(text: str) -> tuple[int, int]:
    return int(_after(text, "tank ")), int(_after(text, "fuel "))


fuelup = Family(
    name="h5_fuelup",
    templates=["Top up generator {generator} to {target} litres", "Fill {generator}'s tank up to {target} L of diesel"],
    fields={"generator": Field(r"G\d{2}"), "target": INT},
    sample=sample_fuelup,
    plan=[Step("h5_generator", lambda p, r: {"generator": p["generator"]}),
          Step("h5_add_fuel", lambda p, r: {"generator": p["generator"],
                                            "litres": _fill_to(p, *_fill_text(r["h5_generator"]))},
               when=lambda p, r: _fill_to(p, *_fill_text(r["h5_generator"])) > 0)],
    expect=lambda p, b: ({"gen_fuel": {p["generator"]: min(p["target"], _t("h5_gen_tanks", b, p["generator"]))}}
                         if _fill_to(p, _t("h5_gen_tanks", b, p["generator"]), b["gen_fuel"][p["generator"]]) > 0
                         else {}),
    answer=lambda p, b: [max(min(p["target"], _t("h5_gen_tanks", b, p["generator"])), b["gen_fuel"][p["generator"]])],
    summary=lambda p, r: (f"Added {_fill_to(p, *_fill_text(r['h5_generator']))} L: generator {p['generator']} holds "
                          f"{r['h5_add_fuel']['fuel_l']} L." if "h5_add_fuel" in r else
                          f"Nothing added: generator {p['generator']} already holds "
                          f"{_fill_text(r['h5_generator'])[1]} L."),
)


# =========================================================================== 17. card withdrawal: a sum against a limit
def _card_limits(s: State, a: dict) -> str:
    c = a["card"]
    if c not in s.get("card_used", {}):
        raise ToolFail(f"no card {c}")
    return f"Card {c}: daily limit {s['tables']['h5_card_limits'][c]} EUR, used today {s['card_used'][c]} EUR"


def _withdraw(s: State, a: dict) -> dict:
    c, amount = a["card"], int(a["amount"])
    s["card_used"][c] += amount  # the bank's ledger takes it: a wrong replay overdraws the day's limit
    s.setdefault("withdrawals", []).append({"card": c, "amount": amount})
    return {"ok": True, "card": c, "amount": amount}


def sample_atm(rng: random.Random, w: State, i: int) -> Params:
    card = f"C-{rng.randint(1000, 9999)}"
    while card in w.get("card_used", {}):
        card = f"C-{rng.randint(1000, 9999)}"
    limit = rng.choice([1000, 1500]) if _early(i) else rng.choice([1000, 1500, 2000])
    used = rng.randint(0, 60) * 10 if _early(i) else rng.randint(0, 80) * 10
    room = limit - used
    amount = (rng.randint(1, 20) * 10) if _early(i) else rng.choice(
        [room, room + 10, room + rng.randint(2, 30) * 10, rng.randint(1, 30) * 10, max(room - 10, 10)])
    w["tables"].setdefault("h5_card_limits", {})[card] = limit
    w.setdefault("card_used", {})[card] = used
    return {"card": card, "amount": amount, "wording": rng.randrange(2)}


def _room(text: str) -> int:
    return int(_after(text, "daily limit ")) - int(_after(text, "used today "))


atm = Family(
    name="h5_atm",
    templates=["Withdraw {amount} EUR with card {card}", "Please take out {amount} EUR on card {card}"],
    fields={"amount": INT, "card": Field(r"C-\d{4}")},
    sample=sample_atm,
    plan=[Step("h5_card_limits", lambda p, r: {"card": p["card"]}),
          Step("h5_withdraw", lambda p, r: {"card": p["card"], "amount": p["amount"]},
               when=lambda p, r: p["amount"] <= _room(r["h5_card_limits"]))],
    expect=lambda p, b: ({"card_used": {p["card"]: b["card_used"][p["card"]] + p["amount"]},
                          "withdrawals": [{"card": p["card"], "amount": p["amount"]}]}
                         if p["amount"] <= _t("h5_card_limits", b, p["card"]) - b["card_used"][p["card"]] else {}),
    answer=lambda p, b: [_t("h5_card_limits", b, p["card"]) - b["card_used"][p["card"]] - p["amount"]
                         if p["amount"] <= _t("h5_card_limits", b, p["card"]) - b["card_used"][p["card"]]
                         else _t("h5_card_limits", b, p["card"]) - b["card_used"][p["card"]]],
    summary=lambda p, r: (f"Withdrew {p['amount']} EUR; {_room(r['h5_card_limits']) - p['amount']} EUR of today's "
                          f"limit is left." if "h5_withdraw" in r else
                          f"Not withdrawn: only {_room(r['h5_card_limits'])} EUR of today's limit is left."),
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("h5_rx_lookup", "A prescription: drug, patient, pack size, refills left and status, as plain text.",
             {"rx": str}, _rx_lookup),
        Tool("h5_rx_dispense", "Dispense one refill of a prescription (uses up a refill).",
             {"rx": str, "patient": str, "quantity": int}, _rx_dispense),
        Tool("h5_invoice_get", "An invoice: customer, amount, currency and status.", {"invoice": str}, _invoice_get),
        Tool("h5_invoice_void", "Void an invoice (cannot be undone).", {"invoice": str}, _invoice_void),
        Tool("h5_recipe", "A bread's recipe card (loaves per batch, proof, oven), as plain text.", {"bread": str},
             _row("h5_recipes", "recipe", "bread")),
        Tool("h5_bowling_card", "A league bowler's season card (games, pins, high game), as plain text.",
             {"bowler": str}, _row("h5_bowlers", "bowler", "bowler")),
        Tool("h5_tile_info", "A tile product: m2 covered per box and price per box.", {"tile": str},
             _row("h5_tiles", "tile", "tile")),
        Tool("h5_tile_order", "Order boxes of a tile product.", {"tile": str, "boxes": int}, _tile_order),
        Tool("h5_reservation", "A guest's hotel reservation (room, nights, payment), as plain text.", {"guest": str},
             _reservation),
        Tool("h5_room_status", "A hotel room's housekeeping status, as plain text.", {"room": str}, _room_status),
        Tool("h5_check_in", "Check a guest in to a room for a number of nights.",
             {"guest": str, "room": str, "nights": int}, _check_in),
        Tool("h5_supplier_quote", "A supplier's quote for bags of a material: unit price and delivery (EUR).",
             {"supplier": str, "material": str, "bags": int}, _quote),
        Tool("h5_service_record", "A truck's last service (odometer km, date, work), as plain text.", {"truck": str},
             _service),
        Tool("h5_odometer_log", "Append an odometer reading (km) to a truck's log.", {"truck": str, "km": int},
             _odo_log),
        Tool("h5_order_get", "A web-shop order: customer, item, price, days since delivery, condition.",
             {"order": str}, _order_get),
        Tool("h5_refund", "Refund an amount (EUR) on an order.", {"order": str, "amount": float}, _refund),
        Tool("h5_choir_roster", "The singers of one part of a choir, as plain text.", {"choir": str, "part": str},
             _row("h5_choirs", "choir part", "choir", "part")),
        Tool("h5_room_lights", "A meeting room's light fixture and its glare limit (0-1).", {"room": str},
             _row("h5_lights", "room", "room")),
        Tool("h5_light_set", "Set a light fixture's level (0-1).", {"fixture": str, "level": float}, _light_set),
        Tool("h5_user_info", "A user account on a tenant (role, api keys, last login), as plain text.",
             {"tenant": str, "user": str}, _user_info),
        Tool("h5_user_delete", "Delete a user account from a tenant (cannot be undone).",
             {"tenant": str, "user": str}, _user_delete),
        Tool("h5_catalog", "Copies of a book at a library branch (on shelf, on loan, holds), as plain text.",
             {"title": str, "branch": str}, _row("h5_catalog", "book", "title", "branch")),
        Tool("h5_card_balance", "A loyalty card's points balance and tier.", {"member": str}, _balance),
        Tool("h5_card_redeem", "Redeem points from a loyalty card for a voucher.", {"member": str, "points": int},
             _redeem),
        Tool("h5_zone_get", "A building zone's thermostat device, its unit and the current temperature.",
             {"zone": str}, _row("h5_zones", "zone", "zone")),
        Tool("h5_generator", "A generator's tank size, fuel (litres) and runtime, as plain text.", {"generator": str},
             _generator),
        Tool("h5_add_fuel", "Pump litres of diesel into a generator's tank.", {"generator": str, "litres": int},
             _add_fuel),
        Tool("h5_card_limits", "A bank card's daily limit and what was used today (EUR), as plain text.",
             {"card": str}, _card_limits),
        Tool("h5_withdraw", "Withdraw cash with a card.", {"card": str, "amount": int}, _withdraw),
        Tool("h5_thermostat_set", "Set a thermostat's setpoint, in the device's own unit.",
             {"device": str, "value": float}, _thermostat_set),
    ]
}

FAMILIES: list[Family] = [refill, void, batches, bowling, tiles, checkin, quote, odometer, returns, choir, dimmer,
                          purge, library, loyalty, thermostat, fuelup, atm]
