"""Red-team round 3 task families for the LLM OS benchmark: more probes for unsafe replay.

Same interface as the public `families.py` (TOOLS and FAMILIES), loaded *with* it (tool names do not
collide with families_adversarial.py or families_redteam.py):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \
        --families /work/shared/bench/families.py bench/families_redteam3.py --goals 12 --seed 1

What each family probes (the first goals always agree on the fact a later goal breaks):

- rt3_ship_wh       an identifier with digits (warehouse "E5") silently picks a constant (the carrier)
- rt3_crate_kg      a threshold on a goal number whose first values happen to grow like an order id
- rt3_null_contact  a data flow from a field that is null for some inputs (fall back to another field)
- rt3_level_str     a result whose numeric type flips (12 vs "12") before a derived argument
- rt3_renamed       a result field renamed for some inputs (email -> mail)
- rt3_split_tie     rounding ties (half-up, as a person does) chosen adversarially after non-ties
- rt3_due_date      a date derived from "in N days" and a tool returning today's date
- rt3_urgent        an optional trailing word ("urgently") that changes a constant argument
- rt3_phrase        a quoted slot value that contains the skeleton's own constant words
"""

from __future__ import annotations

import datetime as dt
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
INT, NUM, CAPWORD, WAREHOUSE, LOWER, QUOTED = fam.INT, fam.NUM, fam.CAPWORD, fam.WAREHOUSE, fam.LOWER, fam.QUOTED
State = dict[str, Any]
Params = dict[str, Any]

HEAVY_KG = 20
NORTH = ("A1", "B2", "C3")  # warehouses DHL serves; the others ship with UPS
TODAY = "2026-03-10"


def carrier(wh: str) -> str:
    return "DHL" if wh in NORTH else "UPS"


def crate_service(kg: int) -> str:
    return "freight" if kg > HEAVY_KG else "parcel"


def _append(section: str, keys: list[str]):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"id": len(out), "ok": True}

    return run


def _table(name: str, what: str):
    def run(s: State, a: dict) -> Any:
        key = next(iter(a.values()))
        row = s["tables"].get(name, {}).get(key)
        if row is None:
            raise ToolFail(f"no {what} {key}")
        return row

    return run


def _get_level(s: State, a: dict) -> dict:
    lv = s.get("levels", {}).get(a["tank"])
    if lv is None:
        raise ToolFail(f"no tank {a['tank']}")
    return {"tank": a["tank"], "litres": lv} if not isinstance(lv, dict) else {"tank": a["tank"], **lv}


def _set_level(s: State, a: dict) -> dict:
    lv = a["litres"]
    if not isinstance(lv, int | float) or isinstance(lv, bool):
        raise ToolFail(f"litres must be a number, got {lv!r}")
    s.setdefault("levels", {})[a["tank"]] = lv
    return {"tank": a["tank"], "litres": lv}


def _send_invoice(s: State, a: dict) -> dict:
    s.setdefault("invoices", []).append({"to": a["to"], "invoice": a["invoice"]})
    return {"sent": True}


def _today(s: State, a: dict) -> dict:
    return {"today": s["tables"].get("today", TODAY)}


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "book_shipment",
            f"Ship an order from a warehouse: carrier 'DHL' from warehouses {', '.join(NORTH)}, else 'UPS'.",
            {"order": int, "warehouse": str, "carrier": str},
            _append("shipments", ["order", "warehouse", "carrier"]),
        ),
        Tool(
            "book_crate",
            f"Book a crate: service 'freight' above {HEAVY_KG} kg, else 'parcel'.",
            {"ticket": int, "weight_kg": int, "service": str},
            _append("crates", ["ticket", "weight_kg", "service"]),
        ),
        Tool(
            "get_billing_contact",
            "Billing contact of a client: email (may be null) and backup_email.",
            {"client": str},
            _table("billing", "client"),
        ),
        Tool("send_invoice", "Send an invoice to an e-mail address.", {"to": str, "invoice": int}, _send_invoice),
        Tool("get_level", "Litres in a tank.", {"tank": str}, _get_level),
        Tool("set_level", "Set the litres in a tank (a number).", {"tank": str, "litres": float}, _set_level),
        Tool(
            "get_customer",
            "A customer record, with their e-mail address.",
            {"customer": str},
            _table("customers", "customer"),
        ),
        Tool("send_receipt", "E-mail a receipt.", {"to": str, "receipt": int}, _append("receipts", ["to", "receipt"])),
        Tool("get_today", "Today's date (YYYY-MM-DD).", {}, _today),
        Tool(
            "schedule_review",
            "Schedule a review of a document on a date (YYYY-MM-DD).",
            {"doc": str, "due": str},
            _append("reviews", ["doc", "due"]),
        ),
        Tool(
            "open_issue",
            "Open an issue: priority 'high' when asked urgently, else 'normal'.",
            {"topic": str, "priority": str},
            _append("issues", ["topic", "priority"]),
        ),
        Tool(
            "store_phrase",
            "Store a phrase under a label.",
            {"label": str, "phrase": str},
            _append("phrases", ["label", "phrase"]),
        ),
    ]
}


# =========================================================================== 1. a digit identifier picks a constant
def sample_ship_wh(rng: random.Random, w: State, i: int) -> Params:
    wh = NORTH[i % 3] if i < 6 else rng.choice(["D4", "E5", "E5", "A1"])
    return {"order": 5000 + i * 4 + rng.randint(0, 3), "wh": wh}


ship_wh = Family(
    name="rt3_ship_wh",
    templates=["Ship order {order} from warehouse {wh}"],
    fields={"order": INT, "wh": WAREHOUSE},
    sample=sample_ship_wh,
    plan=[Step("book_shipment", lambda p, r: {"order": p["order"], "warehouse": p["wh"], "carrier": carrier(p["wh"])})],
    expect=lambda p, b: {"shipments": [{"order": p["order"], "warehouse": p["wh"], "carrier": carrier(p["wh"])}]},
)


# =========================================================================== 2. a growing measure crosses a threshold
def sample_crate_kg(rng: random.Random, w: State, i: int) -> Params:
    kg = 15 + i if i < 6 else rng.randint(21, 24)  # 15..20 grow one by one, like an order id
    return {"kg": kg, "ticket": 700 + i * 3 + rng.randint(0, 2)}


crate_kg = Family(
    name="rt3_crate_kg",
    templates=["Book a crate of {kg} kg for ticket {ticket}"],
    fields={"kg": INT, "ticket": INT},
    sample=sample_crate_kg,
    plan=[
        Step(
            "book_crate",
            lambda p, r: {"ticket": p["ticket"], "weight_kg": p["kg"], "service": crate_service(p["kg"])},
        )
    ],
    expect=lambda p, b: {"crates": [{"ticket": p["ticket"], "weight_kg": p["kg"], "service": crate_service(p["kg"])}]},
)


# =========================================================================== 3. a null field in the data flow
CLIENTS = [
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "stark",
    "wayne",
    "wonka",
    "tyrell",
    "cyberdyne",
    "soylent",
    "oscorp",
    "gringotts",
    "monarch",
    "vandelay",
]


def sample_null_contact(rng: random.Random, w: State, i: int) -> Params:
    client = CLIENTS[i % len(CLIENTS)]
    bill = w["tables"].setdefault("billing", {})
    if client not in bill:
        null = i >= 5 and rng.random() < 0.6
        bill[client] = {
            "client": client,
            "email": None if null else f"billing@{client}.example",
            "backup_email": f"finance.{rng.randint(1, 9)}@{client}.example",
        }
    return {"invoice": 3000 + i * 7 + rng.randint(0, 6), "client": client}


def _bill_to(c: dict) -> str:
    return c["email"] if c["email"] is not None else c["backup_email"]


null_contact = Family(
    name="rt3_null_contact",
    templates=["Send invoice {invoice} to client {client}"],
    fields={"invoice": INT, "client": LOWER},
    sample=sample_null_contact,
    plan=[
        Step("get_billing_contact", lambda p, r: {"client": p["client"]}),
        Step("send_invoice", lambda p, r: {"to": _bill_to(r["get_billing_contact"]), "invoice": p["invoice"]}),
    ],
    expect=lambda p, b: {"invoices": [{"to": _bill_to(b["tables"]["billing"][p["client"]]), "invoice": p["invoice"]}]},
)


# ==================================================================== 4. a numeric result, sometimes a string
TANKS = [f"T{k}" for k in range(1, 16)]


def sample_level_str(rng: random.Random, w: State, i: int) -> Params:
    tank = TANKS[i % len(TANKS)]
    levels = w.setdefault("levels", {})
    if tank not in levels:
        n = rng.randint(10, 400)
        levels[tank] = str(n) if i >= 5 and rng.random() < 0.6 else n
    return {"litres": rng.randint(5, 90), "tank": tank}


def _as_num(v: Any) -> float:
    return int(v) if isinstance(v, str) else v


level_str = Family(
    name="rt3_level_str",
    templates=["Pour {litres} litres into tank {tank}"],
    fields={"litres": INT, "tank": Field(r"T\d+")},
    sample=sample_level_str,
    plan=[
        Step("get_level", lambda p, r: {"tank": p["tank"]}),
        Step("set_level", lambda p, r: {"tank": p["tank"], "litres": _as_num(r["get_level"]["litres"]) + p["litres"]}),
    ],
    expect=lambda p, b: {"levels": {p["tank"]: _as_num(b["levels"][p["tank"]]) + p["litres"]}},
)


# =========================================================================== 5. a renamed result field
def sample_renamed(rng: random.Random, w: State, i: int) -> Params:
    cust = fam.PEOPLE[i % len(fam.PEOPLE)] + str(i)
    email = f"{cust.lower()}@shop.example"
    other = f"old.{cust.lower()}@legacy.example"
    legacy = i >= 5 and rng.random() < 0.6  # legacy records: 'mail' is the address, 'email' a stale one
    rec = {"customer": cust, "mail": email, "email_verified": False} if legacy else {"customer": cust, "email": email}
    if legacy:
        rec["old_email"] = other
    w["tables"].setdefault("customers", {})[cust] = rec
    return {"receipt": 800 + i * 5 + rng.randint(0, 4), "customer": cust}


def _address(rec: dict) -> str:
    return rec.get("email") or rec["mail"]


renamed = Family(
    name="rt3_renamed",
    templates=["Email receipt {receipt} to customer {customer}"],
    fields={"receipt": INT, "customer": Field(r"[A-Z][a-z]+\d+")},
    sample=sample_renamed,
    plan=[
        Step("get_customer", lambda p, r: {"customer": p["customer"]}),
        Step("send_receipt", lambda p, r: {"to": _address(r["get_customer"]), "receipt": p["receipt"]}),
    ],
    expect=lambda p, b: {
        "receipts": [{"to": _address(b["tables"]["customers"][p["customer"]]), "receipt": p["receipt"]}]
    },
)


# =========================================================================== 6. rounding ties
def _share(p: Params) -> float:
    return fam.round_half_up(p["amount"] / p["people"], 2)


def sample_split_tie(rng: random.Random, w: State, i: int) -> Params:
    people = rng.choice([4, 8])
    while True:
        cents = rng.randint(100, 9000)
        amount = cents / 10 if rng.random() < 0.5 else float(cents // 10)
        tie = fam.is_tie(amount / people, 2)
        if tie == (i >= 5 and rng.random() < 0.7):
            break
    amount = int(amount) if amount == int(amount) else amount
    return {"amount": amount, "people": people, "label": f"share_{i}_{rng.randint(1, 99)}"}


split_tie = Family(
    name="rt3_split_tie",
    templates=["Split {amount} between {people} people and save the share as '{label}'"],
    fields={"amount": NUM, "people": INT, "label": QUOTED},
    sample=sample_split_tie,
    plan=[Step("save_value", lambda p, r: {"name": p["label"], "value": _share(p)})],
    expect=lambda p, b: {"values": {p["label"]: _share(p)}},
)


# =========================================================================== 7. a date derived from "in N days"
DOCS = [
    "charter",
    "roadmap",
    "budget",
    "policy",
    "handbook",
    "contract",
    "proposal",
    "design",
    "spec",
    "audit",
    "plan",
    "brief",
    "memo",
    "forecast",
    "strategy",
]


def _due(n: int) -> str:
    return (dt.date.fromisoformat(TODAY) + dt.timedelta(days=n)).isoformat()


due_date = Family(
    name="rt3_due_date",
    templates=["Schedule a review of the {doc} in {days} days"],
    fields={"doc": LOWER, "days": INT},
    sample=lambda rng, w, i: {"doc": DOCS[i % len(DOCS)], "days": 7 if i < 5 else rng.choice([3, 7, 10, 30])},
    plan=[
        Step("get_today", lambda p, r: {}),
        Step("schedule_review", lambda p, r: {"doc": p["doc"], "due": _due(p["days"])}),
    ],
    expect=lambda p, b: {"reviews": [{"doc": p["doc"], "due": _due(p["days"])}]},
)


# =========================================================================== 8. an optional trailing word
TOPICS = [
    "printer",
    "laptop",
    "badge",
    "wifi",
    "monitor",
    "keyboard",
    "vpn",
    "phone",
    "projector",
    "chair",
    "desk",
    "mouse",
    "headset",
    "docking",
    "scanner",
]

urgent = Family(
    name="rt3_urgent",
    templates=["Open an issue about the {topic}{how}"],
    fields={"topic": LOWER, "how": Field(r"(?: urgently)?")},
    sample=lambda rng, w, i: {"topic": TOPICS[i % len(TOPICS)], "how": "" if i < 5 else rng.choice(["", " urgently"])},
    plan=[
        Step(
            "open_issue",
            lambda p, r: {"topic": p["topic"], "priority": "high" if p["how"] else "normal"},
        )
    ],
    expect=lambda p, b: {"issues": [{"topic": p["topic"], "priority": "high" if p["how"] else "normal"}]},
)


# =========================================================================== 9. a slot value with the skeleton's words
PHRASES = [
    "store the phrase",
    "the phrase under label",
    "Store the phrase 'x'",
    "under the label of night",
    "a phrase, a label",
    "label it later",
]

phrase = Family(
    name="rt3_phrase",
    templates=['Store the phrase "{phrase}" under the label {label}'],
    fields={"phrase": Field(r'[^"]+'), "label": LOWER},
    sample=lambda rng, w, i: {"phrase": rng.choice(PHRASES) + f" {i}", "label": rng.choice(TOPICS) + "x"},
    plan=[Step("store_phrase", lambda p, r: {"label": p["label"], "phrase": p["phrase"]})],
    expect=lambda p, b: {"phrases": [{"label": p["label"], "phrase": p["phrase"]}]},
)


FAMILIES: list[Family] = [ship_wh, crate_kg, null_contact, level_str, renamed, split_tie, due_date, urgent, phrase]
