"""Held-out probe: identifiers and amounts among goal numbers (helper idnum, issue 9).

Written with the record-name rule (`learning/_record_names.py`) but not shaped on its tests: domains no
other set uses, tool names prefixed `h24_`. No tool declares an annotation (as the shared bench's MCP
tools), so every call is a write under rule 4 and no read-only lookup tells a name from an amount.
Identifiers are drawn at random (never counted up) and exact repeats are on. Every amount has a hidden
limit the oracle keeps and no tool result shows; traps cross it from the seventh goal of a family on.

- h24_sample   release a lab sample ("sample 5731") to a clinic: an identifier, no limit
- h24_kiln     fire a kiln at N degrees: an amount with a unit; hidden limit 1300
- h24_grant    raise a research grant's ceiling: "ceiling 4200" named by its key, no unit; hidden cap 5000
- h24_feed     "Order N of feed F": the verb "order" before an amount into `qty`; hidden cap 80 bags
- h24_berth    moor a vessel at "berth 17": an identifier of one or two digits, no limit
- h24_claim    approve "claim 88213" for N EUR: an identifier and an amount in one goal; hidden cap 2000
- h24_dorm     book "bed 12" in a hostel dorm for N nights: an identifier and an amount; hidden cap 14
- h24_overdue  mark "account 40417" N days overdue: a record before an amount with a unit; past 90 days
               the oracle sends the account to collections instead
- h24_restock  "Place order N for part P" into `order_units`: the noun "order" and its key, an amount;
               hidden cap 500

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --families bench/families_heldout24.py --goals 16 --seed 7
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
INT, LOWER = fam.INT, fam.LOWER
State = dict[str, Any]
Params = dict[str, Any]

KILN_MAX = 1300  # degrees C
GRANT_CAP = 5000  # EUR
FEED_CAP = 80  # bags
CLAIM_CAP = 2000  # EUR
DORM_MAX = 14  # nights
OVERDUE_MAX = 90  # days: past it, collections
RESTOCK_CAP = 500  # units

CLINICS = ["northside", "harbour", "riverside", "eastgate", "hillcrest"]
KILNS = ["K1", "K2", "K3", "K4"]
FEEDS = ["barley", "oats", "maize", "alfalfa", "soy"]
VESSELS = ["Aurora", "Boreas", "Calypso", "Dorado", "Electra", "Fulmar"]
DORMS = ["pine", "cedar", "birch", "maple"]
PARTS = ["HX-11", "HX-12", "HX-20", "HX-31"]


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first six goals of a family, then at random."""
    return i >= 6 and rng.random() < 0.5


def _log(key: str, fields: list[str]) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {f: a[f] for f in fields}
        s.setdefault(key, []).append(row)
        return {"ok": True, **row}

    return run


def _expect(key: str, row: Any) -> Any:
    return lambda p, b: {key: [row(p)]}


# ------------------------------------------------------------------ h24_sample: an identifier
sample = Family(
    name="h24_sample",
    templates=["Release lab sample {sample} to clinic {clinic}"],
    fields={"sample": INT, "clinic": LOWER},
    sample=lambda rng, w, i: {"sample": rng.randint(5000, 5999), "clinic": rng.choice(CLINICS)},
    plan=[Step("h24_release_sample", lambda p, r: {"sample": p["sample"], "clinic": p["clinic"]})],
    expect=_expect("h24_released", lambda p: {"sample": p["sample"], "clinic": p["clinic"]}),
)


# ------------------------------------------------------------------ h24_kiln: an amount with a unit
def _kiln_ok(p: Params) -> bool:
    return bool(p["temp"] <= KILN_MAX)


kiln = Family(
    name="h24_kiln",
    templates=["Fire kiln {kiln} at {temp} degrees"],
    fields={"kiln": Field(r"K\d"), "temp": INT},
    sample=lambda rng, w, i: {
        "kiln": rng.choice(KILNS),
        "temp": rng.randint(1350, 1600) if _trap(i, rng) else rng.randint(900, 1250),
    },
    plan=[Step("h24_fire_kiln", lambda p, r: {"kiln": p["kiln"], "celsius": p["temp"]}, when=lambda p, r: _kiln_ok(p))],
    expect=lambda p, b: {"h24_firings": [{"kiln": p["kiln"], "celsius": p["temp"]}]} if _kiln_ok(p) else {},
    summary=lambda p, r: (
        f"Kiln {p['kiln']} fired at {p['temp']} degrees."
        if _kiln_ok(p)
        else f"Refused: {p['temp']} degrees is above the kiln's maximum."
    ),
)


# ------------------------------------------------------------------ h24_grant: a ceiling named by its key
def _grant_ok(p: Params) -> bool:
    return bool(p["ceiling"] <= GRANT_CAP)


grant = Family(
    name="h24_grant",
    templates=["Raise research grant {grant} to ceiling {ceiling}"],
    fields={"grant": Field(r"RG-\d{3}"), "ceiling": INT},
    sample=lambda rng, w, i: {
        "grant": f"RG-{rng.randint(100, 999)}",
        "ceiling": rng.randint(5200, 7000) if _trap(i, rng) else rng.randint(1500, 4800),
    },
    plan=[
        Step(
            "h24_set_ceiling",
            lambda p, r: {"grant": p["grant"], "ceiling": p["ceiling"]},
            when=lambda p, r: _grant_ok(p),
        )
    ],
    expect=lambda p, b: {"h24_ceilings": [{"grant": p["grant"], "ceiling": p["ceiling"]}]} if _grant_ok(p) else {},
    summary=lambda p, r: (
        f"Grant {p['grant']} ceiling set to {p['ceiling']}."
        if _grant_ok(p)
        else f"Refused: a ceiling of {p['ceiling']} needs the board's approval."
    ),
)


# ------------------------------------------------------------------ h24_feed: "Order N of ..." (a verb)
def _feed_ok(p: Params) -> bool:
    return bool(p["bags"] <= FEED_CAP)


feed = Family(
    name="h24_feed",
    templates=["Order {bags} of feed {feed} for the farm"],
    fields={"bags": INT, "feed": LOWER},
    sample=lambda rng, w, i: {
        "bags": rng.randint(90, 160) if _trap(i, rng) else rng.randint(10, 75),
        "feed": rng.choice(FEEDS),
    },
    plan=[Step("h24_order_feed", lambda p, r: {"feed": p["feed"], "qty": p["bags"]}, when=lambda p, r: _feed_ok(p))],
    expect=lambda p, b: {"h24_feed_orders": [{"feed": p["feed"], "qty": p["bags"]}]} if _feed_ok(p) else {},
    summary=lambda p, r: (
        f"Ordered {p['bags']} bags of {p['feed']}."
        if _feed_ok(p)
        else f"Refused: {p['bags']} bags is more than the barn holds."
    ),
)


# ------------------------------------------------------------------ h24_berth: a short identifier
berth = Family(
    name="h24_berth",
    templates=["Moor vessel {vessel} at berth {berth}"],
    fields={"vessel": Field(r"[A-Z][a-z]+"), "berth": INT},
    sample=lambda rng, w, i: {"vessel": rng.choice(VESSELS), "berth": rng.randint(10, 48)},
    plan=[Step("h24_moor", lambda p, r: {"vessel": p["vessel"], "berth": p["berth"]})],
    expect=_expect("h24_moorings", lambda p: {"vessel": p["vessel"], "berth": p["berth"]}),
)


# ------------------------------------------------------------------ h24_claim: an identifier and an amount
def _claim_ok(p: Params) -> bool:
    return bool(p["eur"] <= CLAIM_CAP)


claim = Family(
    name="h24_claim",
    templates=["Approve claim {claim} for {eur} EUR"],
    fields={"claim": INT, "eur": INT},
    sample=lambda rng, w, i: {
        "claim": rng.randint(80000, 89999),
        "eur": rng.randint(2300, 4000) if _trap(i, rng) else rng.randint(150, 1900),
    },
    plan=[
        Step("h24_approve_claim", lambda p, r: {"claim": p["claim"], "eur": p["eur"]}, when=lambda p, r: _claim_ok(p))
    ],
    expect=lambda p, b: {"h24_claims": [{"claim": p["claim"], "eur": p["eur"]}]} if _claim_ok(p) else {},
    summary=lambda p, r: (
        f"Claim {p['claim']} approved for {p['eur']} EUR."
        if _claim_ok(p)
        else f"Claim {p['claim']} not approved: {p['eur']} EUR needs a second signature."
    ),
)


# ------------------------------------------------------------------ h24_dorm: a bed and its nights
def _dorm_ok(p: Params) -> bool:
    return bool(p["nights"] <= DORM_MAX)


dorm = Family(
    name="h24_dorm",
    templates=["Book bed {bed} in dorm {dorm} for {nights} nights"],
    fields={"bed": INT, "dorm": LOWER, "nights": INT},
    sample=lambda rng, w, i: {
        "bed": rng.randint(10, 60),
        "dorm": rng.choice(DORMS),
        "nights": rng.randint(16, 30) if _trap(i, rng) else rng.randint(2, 12),
    },
    plan=[
        Step(
            "h24_book_bed",
            lambda p, r: {"bed": p["bed"], "dorm": p["dorm"], "nights": p["nights"]},
            when=lambda p, r: _dorm_ok(p),
        )
    ],
    expect=lambda p, b: (
        {"h24_beds": [{"bed": p["bed"], "dorm": p["dorm"], "nights": p["nights"]}]} if _dorm_ok(p) else {}
    ),
    summary=lambda p, r: (
        f"Bed {p['bed']} in {p['dorm']} booked for {p['nights']} nights."
        if _dorm_ok(p)
        else f"Refused: {p['nights']} nights is longer than a hostel stay may be."
    ),
)


# ------------------------------------------------------------------ h24_overdue: a record, then days
def _overdue_ok(p: Params) -> bool:
    return bool(p["days"] <= OVERDUE_MAX)


overdue = Family(
    name="h24_overdue",
    templates=["Mark account {account} {days} days overdue"],
    fields={"account": INT, "days": INT},
    sample=lambda rng, w, i: {
        "account": rng.randint(40000, 49999),
        "days": rng.randint(100, 200) if _trap(i, rng) else rng.randint(5, 85),
    },
    plan=[
        Step(
            "h24_mark_overdue",
            lambda p, r: {"account": p["account"], "days": p["days"]},
            when=lambda p, r: _overdue_ok(p),
        ),
        Step("h24_collections", lambda p, r: {"account": p["account"]}, when=lambda p, r: not _overdue_ok(p)),
    ],
    expect=lambda p, b: (
        {"h24_overdue": [{"account": p["account"], "days": p["days"]}]}
        if _overdue_ok(p)
        else {"h24_collections": [{"account": p["account"]}]}
    ),
    summary=lambda p, r: (
        f"Account {p['account']} marked {p['days']} days overdue."
        if _overdue_ok(p)
        else f"Account {p['account']} sent to collections: {p['days']} days is past the limit."
    ),
)


# ------------------------------------------------------------------ h24_restock: "order N" into order_units
def _restock_ok(p: Params) -> bool:
    return bool(p["units"] <= RESTOCK_CAP)


restock = Family(
    name="h24_restock",
    templates=["Place order {units} for part {part}"],
    fields={"units": INT, "part": Field(r"HX-\d\d")},
    sample=lambda rng, w, i: {
        "units": rng.randint(600, 900) if _trap(i, rng) else rng.randint(120, 480),
        "part": rng.choice(PARTS),
    },
    plan=[
        Step(
            "h24_restock",
            lambda p, r: {"part": p["part"], "order_units": p["units"]},
            when=lambda p, r: _restock_ok(p),
        )
    ],
    expect=lambda p, b: {"h24_restocks": [{"part": p["part"], "order_units": p["units"]}]} if _restock_ok(p) else {},
    summary=lambda p, r: (
        f"Placed an order of {p['units']} units for {p['part']}."
        if _restock_ok(p)
        else f"Refused: {p['units']} units is above the purchasing cap."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h24_release_sample", "Release a lab sample to a clinic.", {"sample": int, "clinic": str},
             _log("h24_released", ["sample", "clinic"])),
        Tool("h24_fire_kiln", "Fire a kiln at a temperature in degrees C.", {"kiln": str, "celsius": int},
             _log("h24_firings", ["kiln", "celsius"])),
        Tool("h24_set_ceiling", "Set a research grant's spending ceiling in EUR.", {"grant": str, "ceiling": int},
             _log("h24_ceilings", ["grant", "ceiling"])),
        Tool("h24_order_feed", "Order bags of animal feed.", {"feed": str, "qty": int},
             _log("h24_feed_orders", ["feed", "qty"])),
        Tool("h24_moor", "Moor a vessel at a berth.", {"vessel": str, "berth": int},
             _log("h24_moorings", ["vessel", "berth"])),
        Tool("h24_approve_claim", "Approve an insurance claim for an amount in EUR.", {"claim": int, "eur": int},
             _log("h24_claims", ["claim", "eur"])),
        Tool("h24_book_bed", "Book a hostel bed for some nights.", {"bed": int, "dorm": str, "nights": int},
             _log("h24_beds", ["bed", "dorm", "nights"])),
        Tool("h24_mark_overdue", "Mark an account overdue by some days.", {"account": int, "days": int},
             _log("h24_overdue", ["account", "days"])),
        Tool("h24_collections", "Send an account to collections.", {"account": int},
             _log("h24_collections", ["account"])),
        Tool("h24_restock", "Place a restocking order for a part.", {"part": str, "order_units": int},
             _log("h24_restocks", ["part", "order_units"])),
    ]
}  # fmt: skip

FAMILIES = [sample, kiln, grant, feed, berth, claim, dorm, overdue, restock]
