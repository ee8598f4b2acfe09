"""Second probe for "same wording, but the earlier runs did not merge" (issue 9, helper rate8), written before
any fix: values of several words, possessives, identifiers of varying length, an optional part of a wording,
a word a later call copies out of a plain-text report, and traps after goal 6.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `m2_` and collide
with no other set. Domains no other set uses (ferries, visitor badges, parcel depots, an animal shelter,
tennis courts, a pottery kiln, a garden centre's refunds):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_rate8.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_merge2.py --goals 8 --seed 7 -v --keep

should replay (one plan whatever the value's length):
- m2_ferry     ports of one to three words ("Oban", "Isle of Mull", "Port of Ness"), passengers of one or two
- m2_badge     a possessive of one or two words, then a site of one or two words
- m2_hold      parcel ids of 3 to 7 digits ("P482", "P1048576")
- m2_shelter   a plain-text intake report: the next call copies the zone it names ("(zone Green Hollow)")
measured (two wordings: a different skeleton, never one plan):
- m2_court     "... for N hours" and "... for N hours with lights": the optional part is another skeleton
must NOT replay wrongly (traps only from goal 6 on, `FIRST`):
- m2_kiln      the pieces fit the kiln in the first six goals; later more pieces than the kiln holds: the
               oracle queues the batch instead of firing it
- m2_refund    the first six orders are online orders of 5 digits (refund to card); later 7-digit store
               orders are refunded with a voucher
"""

from __future__ import annotations

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
INT = fam.INT
State = dict[str, Any]
Params = dict[str, Any]

NAMES = Field(r"[A-Z][a-z]+(?: (?:of )?[A-Z][a-z]+)*")
FIRST = 6  # traps only from this goal of a family on


def _append(section: str, keys: list[str], ack: Any = None):
    def run(s: State, a: dict) -> Any:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return ack(len(out), a) if ack else {"ok": True}

    return run


def _intake(s: State, a: dict) -> str:
    row = s["tables"].get("m2_intake", {}).get(a["place"])
    if row is None:
        raise ToolFail(f"no report from {a['place']}")
    return f"Report {a['place']} (zone {row['zone']}): one {row['animal']}, {row['temper']}; about {row['kg']} kg."


def _kiln(s: State, a: dict) -> dict:
    row = s["tables"].get("m2_kilns", {}).get(a["kiln"])
    if row is None:
        raise ToolFail(f"no kiln {a['kiln']}")
    return {"kiln": a["kiln"], "capacity": row["capacity"], "cone": row["cone"]}


def _order(s: State, a: dict) -> dict:
    row = s["tables"].get("m2_orders", {}).get(a["order"])
    if row is None:
        raise ToolFail(f"no order {a['order']}")
    return {"order": a["order"], "channel": row["channel"], "amount": row["amount"]}


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "m2_reserve_seats",
            "Reserve seats on a ferry crossing for a passenger.",
            {"port": str, "passenger": str, "seats": int},
            _append("ferry", ["port", "passenger", "seats"], lambda n, a: {"booking": f"FR-{700 + n}"}),
        ),
        Tool(
            "m2_print_badge",
            "Print a visitor badge for a person at a site.",
            {"person": str, "site": str},
            _append("badges", ["person", "site"]),
        ),
        Tool(
            "m2_hold_parcel",
            "Hold a parcel at a depot for collection.",
            {"parcel": str, "depot": str},
            _append("held", ["parcel", "depot"]),
        ),
        Tool(
            "m2_intake_report", "The intake report of a stray found at a place (plain text).", {"place": str}, _intake
        ),
        Tool(
            "m2_admit",
            "Admit a stray into a shelter zone.",
            {"place": str, "zone": str},
            _append("admitted", ["place", "zone"]),
        ),
        Tool(
            "m2_book_court",
            "Book a tennis court for some hours, with or without floodlights.",
            {"club": str, "court": int, "hours": int, "lights": bool},
            _append("courts", ["club", "court", "hours", "lights"]),
        ),
        Tool("m2_kiln", "A kiln's capacity (pieces) and firing cone.", {"kiln": str}, _kiln),
        Tool(
            "m2_fire",
            "Fire a batch of a maker's pieces in a kiln.",
            {"kiln": str, "maker": str, "pieces": int},
            _append("fired", ["kiln", "maker", "pieces"]),
        ),
        Tool(
            "m2_queue_batch",
            "Queue a maker's batch for a later firing.",
            {"maker": str, "pieces": int},
            _append("queued", ["maker", "pieces"]),
        ),
        Tool("m2_order", "An order's sales channel and amount.", {"order": str}, _order),
        Tool(
            "m2_refund_card",
            "Refund an online order to the card.",
            {"order": str, "amount": float},
            _append("card_refunds", ["order", "amount"]),
        ),
        Tool(
            "m2_issue_voucher",
            "Refund a store order with a voucher.",
            {"order": str, "amount": float},
            _append("vouchers", ["order", "amount"]),
        ),
    ]
}

# ==================== should replay
PORTS = ["Oban", "Isle of Mull", "Fort William", "Mallaig", "Port of Ness", "Barra", "Castlebay", "Isle of Eigg"]
PASSENGERS = ["Ines Duarte", "Karl", "Mei Lin", "Omar", "Petra Holm", "Yusuf", "Aoife Kane", "Bo"]

ferry = Family(
    name="m2_ferry",
    templates=["Reserve {seats} seats on the ferry to {port} for {passenger}"],
    fields={"seats": INT, "port": NAMES, "passenger": NAMES},
    sample=lambda rng, w, i: {
        "seats": rng.randint(1, 6),
        "port": PORTS[(i * 3) % len(PORTS)],
        "passenger": PASSENGERS[i % len(PASSENGERS)],
    },
    plan=[Step("m2_reserve_seats", lambda p, r: {"port": p["port"], "passenger": p["passenger"], "seats": p["seats"]})],
    expect=lambda p, b: {"ferry": [{"port": p["port"], "passenger": p["passenger"], "seats": p["seats"]}]},
    summary=lambda p, r: (
        f"Reserved {p['seats']} seats to {p['port']} for {p['passenger']} ({r['m2_reserve_seats']['booking']})."
    ),
    answer=lambda p, b: [f"FR-{700 + len(b.get('ferry', [])) + 1}"],
)

VISITORS = ["Anna Maria", "Jon", "Li Wei", "Priya", "Jean Luc", "Tove", "Sam Okoro", "Rui"]
SITES = ["Harbour", "North Campus", "Old Mill", "Riverside", "West Yard", "Dockside"]

badge = Family(
    name="m2_badge",
    templates=["Print {person}'s visitor badge for the {site} site"],
    fields={"person": NAMES, "site": NAMES},
    sample=lambda rng, w, i: {"person": VISITORS[i % len(VISITORS)], "site": SITES[(i * 5) % len(SITES)]},
    plan=[Step("m2_print_badge", lambda p, r: {"person": p["person"], "site": p["site"]})],
    expect=lambda p, b: {"badges": [{"person": p["person"], "site": p["site"]}]},
)

DEPOTS = ["Leeds", "Milton Keynes", "Crewe", "Stoke", "Bristol", "Daventry"]

hold = Family(
    name="m2_hold",
    templates=["Hold parcel {parcel} at the {depot} depot"],
    fields={"parcel": Field(r"P\d+"), "depot": NAMES},
    sample=lambda rng, w, i: {
        "parcel": "P" + str(rng.randint(10 ** (2 + i % 5), 10 ** (3 + i % 5) - 1)),
        "depot": DEPOTS[i % len(DEPOTS)],
    },
    plan=[Step("m2_hold_parcel", lambda p, r: {"parcel": p["parcel"], "depot": p["depot"]})],
    expect=lambda p, b: {"held": [{"parcel": p["parcel"], "depot": p["depot"]}]},
)

PLACES = [
    "Elm Street",
    "Quarry Lane",
    "Bus Depot",
    "Mill Pond",
    "Kings Park",
    "Station Road",
    "Canal Bridge",
    "Fox Lane",
]
ZONES = ["Green Hollow", "Annex", "East Run", "Quiet Room", "Yard"]


def sample_shelter(rng: random.Random, w: State, i: int) -> Params:
    place = PLACES[i % len(PLACES)]
    rows = w["tables"].setdefault("m2_intake", {})
    rows.setdefault(
        place,
        {
            "zone": ZONES[(i * 2) % len(ZONES)],
            "animal": rng.choice(["dog", "cat"]),
            "temper": rng.choice(["calm", "shy", "playful"]),
            "kg": rng.randint(3, 30),
        },
    )
    return {"place": place}


def _zone(text: str) -> str:
    return text.split("(zone ", 1)[1].split(")", 1)[0]


shelter = Family(
    name="m2_shelter",
    templates=["Admit the stray found at {place} to the shelter"],
    fields={"place": NAMES},
    sample=sample_shelter,
    plan=[
        Step("m2_intake_report", lambda p, r: {"place": p["place"]}),
        Step("m2_admit", lambda p, r: {"place": p["place"], "zone": _zone(r["m2_intake_report"])}),
    ],
    expect=lambda p, b: {"admitted": [{"place": p["place"], "zone": b["tables"]["m2_intake"][p["place"]]["zone"]}]},
    summary=lambda p, r: f"Admitted the stray from {p['place']} to zone {_zone(r['m2_intake_report'])}.",
    answer=lambda p, b: [b["tables"]["m2_intake"][p["place"]]["zone"]],
)

# ==================== measured: an optional part of the wording
CLUBS = ["Lakeside", "Elm Park", "Hilltop", "Riverbank"]

court = Family(
    name="m2_court",
    templates=[
        "Book court {court} at {club} for {hours} hours",
        "Book court {court} at {club} for {hours} hours with lights",
    ],
    fields={"court": INT, "club": NAMES, "hours": INT},
    sample=lambda rng, w, i: {
        "court": rng.randint(1, 8),
        "club": CLUBS[i % len(CLUBS)],
        "hours": rng.randint(1, 3),
        "wording": 0 if i < 2 else rng.randrange(2),
    },
    plan=[
        Step(
            "m2_book_court",
            lambda p, r: {"club": p["club"], "court": p["court"], "hours": p["hours"], "lights": p["wording"] == 1},
        )
    ],
    expect=lambda p, b: {
        "courts": [{"club": p["club"], "court": p["court"], "hours": p["hours"], "lights": p["wording"] == 1}]
    },
)

# ==================== must NOT replay wrongly
MAKERS = ["Ruth Ito", "Dev", "Clara Moss", "Aziz", "Lena Park", "Otto"]
KILNS = {"K1": 40, "K2": 60, "K3": 25}


def sample_kiln(rng: random.Random, w: State, i: int) -> Params:
    rows = w["tables"].setdefault("m2_kilns", {})
    for k, cap in KILNS.items():
        rows.setdefault(k, {"capacity": cap, "cone": 6})
    kiln = ["K1", "K2", "K3"][i % 3]
    pieces = rng.randint(5, 20) if i < FIRST else rng.randint(10, 70)
    return {"kiln": kiln, "maker": MAKERS[i % len(MAKERS)], "pieces": pieces}


def _fits(p: Params, r: dict) -> bool:
    return int(p["pieces"]) <= int(r["m2_kiln"]["capacity"])


kiln = Family(
    name="m2_kiln",
    templates=["Fire {pieces} pieces of {maker}'s stoneware in kiln {kiln}"],
    fields={"pieces": INT, "maker": NAMES, "kiln": Field(r"K\d")},
    sample=sample_kiln,
    plan=[
        Step("m2_kiln", lambda p, r: {"kiln": p["kiln"]}),
        Step("m2_fire", lambda p, r: {"kiln": p["kiln"], "maker": p["maker"], "pieces": p["pieces"]}, when=_fits),
        Step(
            "m2_queue_batch",
            lambda p, r: {"maker": p["maker"], "pieces": p["pieces"]},
            when=lambda p, r: not _fits(p, r),
        ),
    ],
    expect=lambda p, b: (
        {"fired": [{"kiln": p["kiln"], "maker": p["maker"], "pieces": p["pieces"]}]}
        if p["pieces"] <= b["tables"]["m2_kilns"][p["kiln"]]["capacity"]
        else {"queued": [{"maker": p["maker"], "pieces": p["pieces"]}]}
    ),
)


def sample_refund(rng: random.Random, w: State, i: int) -> Params:
    store = i >= FIRST and rng.random() < 0.5
    order = str(rng.randint(1000000, 9999999)) if store else str(rng.randint(10000, 99999))
    rows = w["tables"].setdefault("m2_orders", {})
    rows.setdefault(order, {"channel": "store" if store else "online", "amount": round(rng.uniform(8, 120), 2)})
    return {"order": order}


def _online(p: Params, r: dict) -> bool:
    return r["m2_order"]["channel"] == "online"


def _refund_expect(p: Params, b: State) -> dict:
    row = b["tables"]["m2_orders"][p["order"]]
    key = "card_refunds" if row["channel"] == "online" else "vouchers"
    return {key: [{"order": p["order"], "amount": row["amount"]}]}


refund = Family(
    name="m2_refund",
    templates=["Refund garden centre order {order}"],
    fields={"order": Field(r"\d+")},
    sample=sample_refund,
    repeats=False,
    plan=[
        Step("m2_order", lambda p, r: {"order": p["order"]}),
        Step("m2_refund_card", lambda p, r: {"order": p["order"], "amount": r["m2_order"]["amount"]}, when=_online),
        Step(
            "m2_issue_voucher",
            lambda p, r: {"order": p["order"], "amount": r["m2_order"]["amount"]},
            when=lambda p, r: not _online(p, r),
        ),
    ],
    expect=_refund_expect,
)


FAMILIES: list[Family] = [ferry, badge, hold, shelter, court, kiln, refund]
