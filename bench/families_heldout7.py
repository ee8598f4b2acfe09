"""Held-out probe families, red-team round E (issue 9): domains and shapes no other set uses.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h7_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout7.py --goals 8 --seed 7

Emphasis of this round: relations between results of DIFFERENT steps (pallet height vs bay
clearance, a claim date vs a policy start, a logger peak vs a lot's limit), a goal number times a
result against another result, a goal number against stock minus reserve, a status word inside a
longer text ("unserviceable" contains "serviceable"), a currency field beside an amount, a unit
field beside list weights, the order of a list (best candidate last, newest charge first), a
membership of a goal word in a result list. In every family the first four goals agree on
something a later goal breaks.
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
INT, NUM, CAPWORDS, QUOTED = fam.INT, fam.NUM, fam.CAPWORDS, fam.QUOTED
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h7_pallet": READ,
    "h7_bay": READ,
    "h7_put_away": IDEMPOTENT,
    "h7_slab_design": READ,
    "h7_plant": READ,
    "h7_tech_log": READ,
    "h7_release": IDEMPOTENT,
    "h7_invoice": READ,
    "h7_shortlist": READ,
    "h7_home_policy": READ,
    "h7_incident": READ,
    "h7_accession": READ,
    "h7_manifest": READ,
    "h7_card_charges": READ,
    "h7_refund_charge": DESTRUCTIVE,
    "h7_lot": READ,
    "h7_logger": READ,
    "h7_set_lot_status": IDEMPOTENT,
    "h7_permit": READ,
    "h7_vessel": READ,
    "h7_berth": READ,
    "h7_moor": IDEMPOTENT,
    "h7_passenger": READ,
    "h7_flight": READ,
    "h7_check_in": IDEMPOTENT,
    "h7_basket": READ,
    "h7_trade_account": READ,
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

    if getattr(Server.add_tool, "_h7_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h7_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _mixed(i: int, rng: random.Random, early: Any, *later: Any) -> Any:
    """The early value for the first four goals, then one of early/later at random."""
    return early if i < 4 else rng.choice([early, *later])


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _append(section: str, *keys: str, ack: str = "ok"):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"status": ack, "ref": f"{section[:3].upper()}-{5000 + len(out)}"}

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


def _day(base: dt.date, n: int) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


# ======================================== 1. racking: pallet height vs bay clearance
# two reads of different tools; the write is right only while height <= clearance (a relation between
# two results of different steps). Later goals keep both numbers inside the ranges seen but flip it.
def sample_putaway(rng: random.Random, w: State, i: int) -> Params:
    pallet = _fresh(rng, w, "h7_pallets", lambda r: f"PL-{r.randint(10000, 99999)}")
    bay = _fresh(rng, w, "h7_bays", lambda r: f"R{r.randint(10, 40)}-{r.randint(1, 9)}")
    trap = _mixed(i, rng, False, True)
    if i == 0:
        h, c = 100, 140
    elif i == 1:
        h, c = 170, 230
    elif not trap:
        h = rng.randint(100, 165)
        c = rng.randint(max(h + 5, 140), 230)
    else:
        c = rng.randint(140, 165)
        h = rng.randint(c + 2, 170)
    w.setdefault("h7_pallets", {})[pallet] = {"pallet": pallet, "height_cm": h, "weight_kg": rng.randint(200, 700)}
    w.setdefault("h7_bays", {})[bay] = {"bay": bay, "clearance_cm": c, "max_kg": 1000}
    return {"pallet": pallet, "bay": bay}


def _fits(b: State, p: Params) -> bool:
    return b["h7_pallets"][p["pallet"]]["height_cm"] <= b["h7_bays"][p["bay"]]["clearance_cm"]


putaway = Family(
    name="h7_putaway",
    templates=["Put pallet {pallet} away in rack bay {bay}"],
    fields={"pallet": Field(r"PL-\d{5}"), "bay": Field(r"R\d{2}-\d")},
    sample=sample_putaway,
    plan=[
        Step("h7_pallet", lambda p, r: {"pallet": p["pallet"]}, group="g"),
        Step("h7_bay", lambda p, r: {"bay": p["bay"]}, group="g"),
        Step(
            "h7_put_away",
            lambda p, r: {"pallet": p["pallet"], "bay": p["bay"]},
            when=lambda p, r: r["h7_pallet"]["height_cm"] <= r["h7_bay"]["clearance_cm"],
        ),
    ],
    expect=lambda p, b: {"h7_putaways": [{"pallet": p["pallet"], "bay": p["bay"]}]} if _fits(b, p) else {},
    answer=lambda p, b: [p["bay"]] if _fits(b, p) else ["too tall"],
    summary=lambda p, r: (
        f"Pallet {p['pallet']} is stored in bay {p['bay']}."
        if "h7_put_away" in r
        else f"Not stored: pallet {p['pallet']} is too tall for bay {p['bay']} "
        f"({r['h7_pallet']['height_cm']} cm > {r['h7_bay']['clearance_cm']} cm)."
    ),
)


# ======================================== 2. concrete: goal number x result vs another result
def sample_concrete(rng: random.Random, w: State, i: int) -> Params:
    design = _fresh(rng, w, "h7_designs", lambda r: f"SL{r.randint(100, 999)}")
    plant = rng.choice(["North", "Quarry", "Riverside", "Eastgate"])
    n = rng.randint(2, 9)
    per = round(rng.uniform(3.0, 9.0), 1)
    trap = _mixed(i, rng, False, True)
    avail = rng.randint(int(n * per) + 1, 90) if not trap else rng.randint(30, max(31, int(n * per) - 1))
    if i == 0:
        n, per, avail = 2, 3.0, 90
    if i == 1:
        n, per, avail = 9, 9.0, 85
    if trap and n * per <= avail:
        n, per, avail = 8, 8.5, 60
    w.setdefault("h7_designs", {})[design] = {"design": design, "m3_per_slab": per}
    w.setdefault("h7_plants", {})[plant] = {"plant": plant, "available_m3": avail}
    return {"design": design, "plant": plant, "n": n}


def _pour_ok(p: Params, b: State) -> bool:
    return p["n"] * b["h7_designs"][p["design"]]["m3_per_slab"] <= b["h7_plants"][p["plant"]]["available_m3"] + 1e-9


concrete = Family(
    name="h7_concrete",
    templates=["Order concrete from the {plant} plant for {n} slabs of design {design}"],
    fields={"plant": CAPWORDS, "n": INT, "design": Field(r"SL\d{3}")},
    sample=sample_concrete,
    plan=[
        Step("h7_slab_design", lambda p, r: {"design": p["design"]}, group="g"),
        Step("h7_plant", lambda p, r: {"plant": p["plant"]}, group="g"),
        Step(
            "h7_order_concrete",
            lambda p, r: {"plant": p["plant"], "m3": round(p["n"] * r["h7_slab_design"]["m3_per_slab"], 1)},
            when=lambda p, r: p["n"] * r["h7_slab_design"]["m3_per_slab"] <= r["h7_plant"]["available_m3"] + 1e-9,
        ),
    ],
    expect=lambda p, b: (
        {"h7_pours": [{"plant": p["plant"], "m3": round(p["n"] * b["h7_designs"][p["design"]]["m3_per_slab"], 1)}]}
        if _pour_ok(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [round(p["n"] * b["h7_designs"][p["design"]]["m3_per_slab"], 1)] if _pour_ok(p, b) else ["not enough"]
    ),
    summary=lambda p, r: (
        f"Ordered {round(p['n'] * r['h7_slab_design']['m3_per_slab'], 1)} m3 from {p['plant']}."
        if "h7_order_concrete" in r
        else f"Not ordered: {p['plant']} has not enough concrete ({r['h7_plant']['available_m3']} m3)."
    ),
)


# ======================================== 3. aircraft: a status word inside a longer text
def _tech_log(s: State, a: dict) -> str:
    row = s.get("h7_aircraft", {}).get(a["tail"])
    if row is None:
        raise ToolFail(f"no aircraft {a['tail']}")
    return (
        f"{row['date']} {row['check']} on {a['tail']} by engineer {row['eng']}: "
        f"{row['items']} items signed. Status: {row['status']}. Next check due in {row['due']} FH."
    )


def sample_aircraft(rng: random.Random, w: State, i: int) -> Params:
    tail = _fresh(
        rng, w, "h7_aircraft", lambda r: f"G-{''.join(r.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(4))}"
    )
    status = _mixed(i, rng, "serviceable", "unserviceable", "serviceable with deferred defect")
    w.setdefault("h7_aircraft", {})[tail] = {
        "date": _day(dt.date(2026, 10, 1), rng.randint(0, 60)),
        "check": rng.choice(["A-check", "Daily check", "Weekly check"]),
        "eng": rng.choice(["Okafor", "Lindqvist", "Moreau", "Haddad", "Kowalski"]),
        "items": rng.randint(12, 60),
        "status": status,
        "due": rng.randint(40, 600),
    }
    return {"tail": tail}


def _released(p: Params, b: State) -> bool:
    return b["h7_aircraft"][p["tail"]]["status"] == "serviceable"


aircraft = Family(
    name="h7_aircraft",
    templates=["Release aircraft {tail} to service"],
    fields={"tail": Field(r"G-[A-Z]{4}")},
    sample=sample_aircraft,
    plan=[
        Step("h7_tech_log", lambda p, r: {"tail": p["tail"]}),
        Step(
            "h7_release",
            lambda p, r: {"tail": p["tail"]},
            when=lambda p, r: "Status: serviceable." in r["h7_tech_log"],
        ),
    ],
    expect=lambda p, b: {"h7_releases": [{"tail": p["tail"]}]} if _released(p, b) else {},
    answer=lambda p, b: ["released"] if _released(p, b) else ["not released"],
    summary=lambda p, r: (
        f"Aircraft {p['tail']} released to service."
        if "h7_release" in r
        else f"Aircraft {p['tail']} not released: the tech log does not show it serviceable."
    ),
)


# ======================================== 4. invoices: currency beside the amount
def sample_invoice(rng: random.Random, w: State, i: int) -> Params:
    inv = _fresh(rng, w, "h7_invoices", lambda r: f"INV/{r.randint(2025, 2026)}/{r.randint(1000, 9999)}")
    cur = _mixed(i, rng, "EUR", "CHF", "SEK")
    w.setdefault("h7_invoices", {})[inv] = {
        "invoice": inv,
        "supplier": rng.choice(["Vortex GmbH", "Lumo Oy", "Brisa SA", "Kestrel Ltd"]),
        "total": {"amount": round(rng.uniform(80, 4000), 2), "currency": cur},
        "due": _day(dt.date(2026, 12, 10), rng.randint(0, 40)),
    }
    return {"inv": inv}


def _inv_ok(p: Params, b: State) -> bool:
    return b["h7_invoices"][p["inv"]]["total"]["currency"] == "EUR"


invoice = Family(
    name="h7_invoice",
    templates=["Pay invoice {inv} from the euro account"],
    fields={"inv": Field(r"INV/\d{4}/\d{4}")},
    sample=sample_invoice,
    plan=[
        Step("h7_invoice", lambda p, r: {"invoice": p["inv"]}),
        Step(
            "h7_pay_eur",
            lambda p, r: {"invoice": p["inv"], "eur": r["h7_invoice"]["total"]["amount"]},
            when=lambda p, r: r["h7_invoice"]["total"]["currency"] == "EUR",
        ),
    ],
    expect=lambda p, b: (
        {"h7_payments": [{"invoice": p["inv"], "eur": b["h7_invoices"][p["inv"]]["total"]["amount"]}]}
        if _inv_ok(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [b["h7_invoices"][p["inv"]]["total"]["amount"]]
        if _inv_ok(p, b)
        else [b["h7_invoices"][p["inv"]]["total"]["currency"]]
    ),
    summary=lambda p, r: (
        f"Paid {r['h7_invoice']['total']['amount']} EUR for invoice {p['inv']}."
        if "h7_pay_eur" in r
        else f"Not paid: invoice {p['inv']} is in {r['h7_invoice']['total']['currency']}, not EUR."
    ),
)


# ======================================== 5. hiring: the order of a list
def sample_shortlist(rng: random.Random, w: State, i: int) -> Params:
    role = _fresh(rng, w, "h7_shortlists", lambda r: f"REQ-{r.randint(300, 999)}")
    names = rng.sample(
        ["Aiko Sato", "Bram Jansen", "Chidi Obi", "Dana Cruz", "Esme Hart", "Farid Naji", "Greta Lund"], 4
    )
    scores = rng.sample(range(55, 98), 4)
    cands = [{"name": n, "score": s} for n, s in zip(names, scores, strict=True)]
    unsorted = _mixed(i, rng, False, True)
    cands.sort(key=lambda c: -c["score"])
    if unsorted:
        cands = cands[1:] + cands[:1]  # best last
    w.setdefault("h7_shortlists", {})[role] = {"role": role, "title": "Data Engineer", "candidates": cands}
    return {"role": role}


def _best(row: dict) -> str:
    return max(row["candidates"], key=lambda c: c["score"])["name"]


shortlist = Family(
    name="h7_shortlist",
    templates=["Send the offer for {role} to the highest-scoring candidate"],
    fields={"role": Field(r"REQ-\d{3}")},
    sample=sample_shortlist,
    plan=[
        Step("h7_shortlist", lambda p, r: {"role": p["role"]}),
        Step("h7_send_offer", lambda p, r: {"role": p["role"], "candidate": _best(r["h7_shortlist"])}),
    ],
    expect=lambda p, b: {"h7_offers": [{"role": p["role"], "candidate": _best(b["h7_shortlists"][p["role"]])}]},
    answer=lambda p, b: [_best(b["h7_shortlists"][p["role"]])],
    summary=lambda p, r: f"Offer for {p['role']} sent to {_best(r['h7_shortlist'])}.",
)


# ======================================== 6. cover: days between dates of two results
def sample_cover(rng: random.Random, w: State, i: int) -> Params:
    ref = _fresh(rng, w, "h7_incidents", lambda r: f"CLM{r.randint(100000, 999999)}")
    pol = _fresh(rng, w, "h7_policies", lambda r: f"HP-{r.randint(1000, 9999)}")
    trap = _mixed(i, rng, False, True)
    base = dt.date(2024, 1, 1)
    start = rng.randint(0, 500)
    gap = rng.randint(20, 340) if not trap else rng.choice([rng.randint(370, 520), -rng.randint(5, 60)])
    if i == 0:
        start, gap = 0, 30
    if i == 1:
        start, gap = 500, 340
    w.setdefault("h7_policies", {})[pol] = {
        "policy": pol,
        "holder": "R. Ilunga",
        "start": _day(base, start),
        "term": "12 months",
    }
    w.setdefault("h7_incidents", {})[ref] = {"ref": ref, "occurred": _day(base, start + gap), "kind": "water damage"}
    return {"ref": ref, "pol": pol}


def _covered(p: Params, b: State) -> bool:
    s = dt.date.fromisoformat(b["h7_policies"][p["pol"]]["start"])
    o = dt.date.fromisoformat(b["h7_incidents"][p["ref"]]["occurred"])
    return 0 <= (o - s).days < 365


cover = Family(
    name="h7_cover",
    templates=["Approve claim {ref} on home policy {pol}"],
    fields={"ref": Field(r"CLM\d{6}"), "pol": Field(r"HP-\d{4}")},
    sample=sample_cover,
    plan=[
        Step("h7_home_policy", lambda p, r: {"policy": p["pol"]}, group="g"),
        Step("h7_incident", lambda p, r: {"ref": p["ref"]}, group="g"),
        Step(
            "h7_approve_claim",
            lambda p, r: {"ref": p["ref"], "policy": p["pol"]},
            when=lambda p, r: (
                0
                <= (
                    dt.date.fromisoformat(r["h7_incident"]["occurred"])
                    - dt.date.fromisoformat(r["h7_home_policy"]["start"])
                ).days
                < 365
            ),
        ),
    ],
    expect=lambda p, b: {"h7_approvals": [{"ref": p["ref"], "policy": p["pol"]}]} if _covered(p, b) else {},
    answer=lambda p, b: ["approved"] if _covered(p, b) else ["not covered"],
    summary=lambda p, r: (
        f"Claim {p['ref']} approved."
        if "h7_approve_claim" in r
        else f"Claim {p['ref']} not approved: the incident is not covered by the policy term."
    ),
)


# ======================================== 7. seed bank: goal number vs stock minus reserve
def sample_seeds(rng: random.Random, w: State, i: int) -> Params:
    acc = _fresh(rng, w, "h7_accessions", lambda r: f"ACC{r.randint(10000, 99999)}")
    stock, reserve = rng.randint(60, 200), rng.randint(10, 50)
    n = rng.randint(5, 40)
    trap = _mixed(i, rng, False, True)
    if not trap:
        stock = max(stock, n + reserve + rng.randint(0, 30))
    else:
        stock = rng.randint(60, 80)
        reserve = rng.randint(40, 50)
        n = rng.randint(stock - reserve + 1, 40) if stock - reserve + 1 <= 40 else 40
    if i == 0:
        stock, reserve, n = 200, 10, 5
    if i == 1:
        stock, reserve, n = 90, 50, 40
    w.setdefault("h7_accessions", {})[acc] = {"accession": acc, "crop": "barley", "packets": stock, "reserve": reserve}
    return {"acc": acc, "n": n}


def _seed_ok(p: Params, b: State) -> bool:
    row = b["h7_accessions"][p["acc"]]
    return row["packets"] - p["n"] >= row["reserve"]


seeds = Family(
    name="h7_seeds",
    templates=["Withdraw {n} seed packets of accession {acc} for field trials"],
    fields={"n": INT, "acc": Field(r"ACC\d{5}")},
    sample=sample_seeds,
    plan=[
        Step("h7_accession", lambda p, r: {"accession": p["acc"]}),
        Step(
            "h7_withdraw_seeds",
            lambda p, r: {"accession": p["acc"], "packets": p["n"]},
            when=lambda p, r: r["h7_accession"]["packets"] - p["n"] >= r["h7_accession"]["reserve"],
        ),
    ],
    expect=lambda p, b: {"h7_withdrawals": [{"accession": p["acc"], "packets": p["n"]}]} if _seed_ok(p, b) else {},
    answer=lambda p, b: [b["h7_accessions"][p["acc"]]["packets"] - p["n"]] if _seed_ok(p, b) else ["reserve"],
    summary=lambda p, r: (
        f"Withdrew {p['n']} packets; {r['h7_accession']['packets'] - p['n']} left."
        if "h7_withdraw_seeds" in r
        else f"Not withdrawn: it would go below the reserve of {r['h7_accession']['reserve']} packets."
    ),
)


# ======================================== 8. freight: a list total whose unit is a field
def sample_manifest(rng: random.Random, w: State, i: int) -> Params:
    ship = _fresh(rng, w, "h7_manifests", lambda r: f"SH{r.randint(1000000, 9999999)}")
    unit = _mixed(i, rng, "g", "lb")
    k = rng.randint(2, 5)
    if unit == "g":
        items = [{"sku": f"K{rng.randint(100, 999)}", "weight": rng.randint(150, 2500)} for _ in range(k)]
    else:
        items = [{"sku": f"K{rng.randint(100, 999)}", "weight": rng.randint(150, 2500)} for _ in range(k)]
    w.setdefault("h7_manifests", {})[ship] = {"shipment": ship, "weight_unit": unit, "items": items}
    return {"ship": ship}


def _kg(row: dict) -> float:
    total = sum(it["weight"] for it in row["items"])
    return round(total / 1000, 3) if row["weight_unit"] == "g" else round(total * 0.45359237, 3)


manifest = Family(
    name="h7_manifest",
    templates=["What is the total weight of shipment {ship} in kilograms?"],
    fields={"ship": Field(r"SH\d{7}")},
    sample=sample_manifest,
    plan=[Step("h7_manifest", lambda p, r: {"shipment": p["ship"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_kg(b["h7_manifests"][p["ship"]])],
    summary=lambda p, r: f"Shipment {p['ship']} weighs {_kg(r['h7_manifest'])} kg in total.",
)


# ======================================== 9. refunds: the last item of a list, non-idempotent write
def sample_refund(rng: random.Random, w: State, i: int) -> Params:
    acct = _fresh(rng, w, "h7_cards", lambda r: f"CA-{r.randint(100000, 999999)}")
    k = rng.randint(3, 5)
    days = sorted(rng.sample(range(1, 28), k))
    charges = [
        {
            "id": f"ch_{rng.randint(10**7, 10**8 - 1)}",
            "date": f"2026-11-{d:02d}",
            "amount": round(rng.uniform(5, 300), 2),
        }
        for d in days
    ]
    if _mixed(i, rng, False, True):
        charges.reverse()  # newest first
    w.setdefault("h7_cards", {})[acct] = {"account": acct, "currency": "EUR", "charges": charges}
    return {"acct": acct}


def _latest(row: dict) -> dict:
    return max(row["charges"], key=lambda c: c["date"])


refund = Family(
    name="h7_refund",
    templates=["Refund the most recent charge on card account {acct}"],
    fields={"acct": Field(r"CA-\d{6}")},
    sample=sample_refund,
    plan=[
        Step("h7_card_charges", lambda p, r: {"account": p["acct"]}),
        Step("h7_refund_charge", lambda p, r: {"charge": _latest(r["h7_card_charges"])["id"]}),
    ],
    expect=lambda p, b: {"h7_refunds": [{"charge": _latest(b["h7_cards"][p["acct"]])["id"]}]},
    answer=lambda p, b: [_latest(b["h7_cards"][p["acct"]])["amount"]],
    summary=lambda p, r: (
        f"Refunded charge {_latest(r['h7_card_charges'])['id']} of {_latest(r['h7_card_charges'])['amount']} EUR."
    ),
)


# ======================================== 10. cold chain: yes/no on two results of different steps
def sample_coldchain(rng: random.Random, w: State, i: int) -> Params:
    lot = _fresh(rng, w, "h7_lots", lambda r: f"LOT{r.randint(1000, 9999)}X")
    logger = _fresh(rng, w, "h7_loggers", lambda r: f"TL-{r.randint(100, 999)}")
    limit = rng.choice([8.0, 6.0, 25.0])
    peak = round(rng.uniform(2.0, limit - 0.5), 1)
    if _mixed(i, rng, False, True):
        peak = round(limit + rng.uniform(0.2, 3.0), 1)
    w.setdefault("h7_lots", {})[lot] = {"lot": lot, "product": "insulin", "max_c": limit, "logger": logger}
    w.setdefault("h7_loggers", {})[logger] = {"logger": logger, "peak_c": peak, "readings": 288}
    return {"lot": lot, "logger": logger}


def _cold_ok(p: Params, b: State) -> bool:
    return b["h7_loggers"][p["logger"]]["peak_c"] <= b["h7_lots"][p["lot"]]["max_c"]


coldchain = Family(
    name="h7_coldchain",
    templates=["Quarantine lot {lot} if logger {logger} shows an excursion, otherwise accept it"],
    fields={"lot": Field(r"LOT\d{4}X"), "logger": Field(r"TL-\d{3}")},
    sample=sample_coldchain,
    plan=[
        Step("h7_lot", lambda p, r: {"lot": p["lot"]}, group="g"),
        Step("h7_logger", lambda p, r: {"logger": p["logger"]}, group="g"),
        Step(
            "h7_set_lot_status",
            lambda p, r: {
                "lot": p["lot"],
                "status": "accepted" if r["h7_logger"]["peak_c"] <= r["h7_lot"]["max_c"] else "quarantined",
            },
        ),
    ],
    expect=lambda p, b: {"h7_lot_status": {p["lot"]: "accepted" if _cold_ok(p, b) else "quarantined"}},
    answer=lambda p, b: ["accepted" if _cold_ok(p, b) else "quarantined"],
    summary=lambda p, r: (
        f"Lot {p['lot']} " + ("accepted." if r["h7_logger"]["peak_c"] <= r["h7_lot"]["max_c"] else "quarantined.")
    ),
)


def _set_lot_status(s: State, a: dict) -> dict:
    s.setdefault("h7_lot_status", {})[a["lot"]] = a["status"]
    return {"lot": a["lot"], "status": a["status"]}


# ======================================== 11. parking: a hidden cutoff in a permit text
def sample_permit(rng: random.Random, w: State, i: int) -> Params:
    plate = _fresh(
        rng,
        w,
        "h7_permits",
        lambda r: (
            f"{r.choice('ABCDEFGH')}{r.choice('KLMNPR')}{r.randint(10, 99)} "
            f"{r.choice('XYZW')}{r.choice('ABCDE')}{r.choice('FGHJ')}"
        ),
    )
    zone = rng.choice(["Z1", "Z2", "Z3"])
    other = _mixed(i, rng, zone, *[z for z in ["Z1", "Z2", "Z3"] if z != zone])
    w.setdefault("h7_permits", {})[plate] = {
        "plate": plate,
        "holder": "resident",
        "zones": [other],
        "expires": "2027-03-31",
    }
    return {"plate": plate, "zone": zone}


def _permit_ok(p: Params, b: State) -> bool:
    return p["zone"] in b["h7_permits"][p["plate"]]["zones"]


permit = Family(
    name="h7_permit",
    templates=["Cancel the parking fine for {plate} in zone {zone}"],
    fields={"plate": Field(r"[A-H][K-R]\d{2} [W-Z][A-E][F-J]"), "zone": Field(r"Z\d")},
    sample=sample_permit,
    plan=[
        Step("h7_permit", lambda p, r: {"plate": p["plate"]}),
        Step(
            "h7_cancel_fine",
            lambda p, r: {"plate": p["plate"], "zone": p["zone"]},
            when=lambda p, r: p["zone"] in r["h7_permit"]["zones"],
        ),
    ],
    expect=lambda p, b: {"h7_cancelled": [{"plate": p["plate"], "zone": p["zone"]}]} if _permit_ok(p, b) else {},
    answer=lambda p, b: ["cancelled"] if _permit_ok(p, b) else ["not valid"],
    summary=lambda p, r: (
        f"Fine for {p['plate']} cancelled."
        if "h7_cancel_fine" in r
        else f"Fine stands: the permit for {p['plate']} is not valid in zone {p['zone']}."
    ),
)


# ======================================== 12. berths: a result's difference against another step's number
def sample_berth(rng: random.Random, w: State, i: int) -> Params:
    vessel = _fresh(rng, w, "h7_vessels", lambda r: f"IMO{r.randint(9000000, 9999999)}")
    berth = _fresh(rng, w, "h7_berths", lambda r: f"Q{r.randint(1, 30)}")
    # berth 300..420 m long, 40..200 m taken, vessels 90..230 m: the vessel shorter than the berth and
    # than what is free early; later the free length (berth - taken) is below the vessel's length
    length, taken = rng.randint(300, 420), rng.randint(40, 200)
    if i == 0:
        length, taken, vlen = 420, 40, 90
    elif i == 1:
        length, taken, vlen = 300, 60, 230
    elif not _mixed(i, rng, False, True):
        vlen = rng.randint(90, min(230, length - taken))
    else:
        taken = rng.randint(120, 200)
        vlen = rng.randint(max(90, length - taken + 3), 230) if length - taken + 3 <= 230 else 230
        length = min(length, vlen + taken - 3)
    w.setdefault("h7_vessels", {})[vessel] = {"imo": vessel, "loa_m": vlen, "draught_m": 9.5}
    w.setdefault("h7_berths", {})[berth] = {"berth": berth, "length_m": length, "occupied_m": taken}
    return {"vessel": vessel, "berth": berth}


def _moor_ok(p: Params, b: State) -> bool:
    row = b["h7_berths"][p["berth"]]
    return b["h7_vessels"][p["vessel"]]["loa_m"] <= row["length_m"] - row["occupied_m"]


berth = Family(
    name="h7_berth",
    templates=["Moor vessel {vessel} at berth {berth}"],
    fields={"vessel": Field(r"IMO\d{7}"), "berth": Field(r"Q\d{1,2}")},
    sample=sample_berth,
    plan=[
        Step("h7_vessel", lambda p, r: {"imo": p["vessel"]}, group="g"),
        Step("h7_berth", lambda p, r: {"berth": p["berth"]}, group="g"),
        Step(
            "h7_moor",
            lambda p, r: {"imo": p["vessel"], "berth": p["berth"]},
            when=lambda p, r: r["h7_vessel"]["loa_m"] <= r["h7_berth"]["length_m"] - r["h7_berth"]["occupied_m"],
        ),
    ],
    expect=lambda p, b: {"h7_moorings": [{"imo": p["vessel"], "berth": p["berth"]}]} if _moor_ok(p, b) else {},
    answer=lambda p, b: ["moored"] if _moor_ok(p, b) else ["no room"],
    summary=lambda p, r: (
        f"Vessel {p['vessel']} moored at {p['berth']}."
        if "h7_moor" in r
        else f"Not moored: berth {p['berth']} has no room for {p['vessel']}."
    ),
)


# ======================================== 13. check-in: a date in a text against another step's date-time
def _passenger(s: State, a: dict) -> str:
    row = s.get("h7_passengers", {}).get(a["pnr"])
    if row is None:
        raise ToolFail(f"no booking {a['pnr']}")
    return (
        f"Booking {a['pnr']}: {row['name']}, passport {row['passport']} valid until {row['expiry']}, "
        f"seat {row['seat']}."
    )


def sample_checkin(rng: random.Random, w: State, i: int) -> Params:
    pnr = _fresh(rng, w, "h7_passengers", lambda r: "".join(r.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(6)))
    flight = _fresh(rng, w, "h7_flights", lambda r: f"{r.choice(['QX', 'VL', 'TM'])}{r.randint(100, 999)}")
    base = dt.date(2026, 12, 1)
    dep = rng.randint(0, 60)
    valid = rng.randint(120, 700)
    if i == 0:
        dep, valid = 0, 700
    elif i == 1:
        dep, valid = 60, 120
    elif _mixed(i, rng, False, True):
        valid = rng.randint(10, 85)
    w.setdefault("h7_passengers", {})[pnr] = {
        "name": rng.choice(["L. Moreno", "K. Abe", "T. Ferreira", "J. Novak"]),
        "passport": f"P{rng.randint(1000000, 9999999)}",
        "expiry": _day(base, dep + valid),
        "seat": f"{rng.randint(1, 40)}{rng.choice('ABCDEF')}",
    }
    w.setdefault("h7_flights", {})[flight] = {
        "flight": flight,
        "departs": f"{_day(base, dep)}T{rng.randint(6, 22):02d}:15",
    }
    return {"pnr": pnr, "flight": flight}


def _valid_days(b: State, p: Params) -> int:
    exp = dt.date.fromisoformat(b["h7_passengers"][p["pnr"]]["expiry"])
    return (exp - dt.date.fromisoformat(b["h7_flights"][p["flight"]]["departs"][:10])).days


checkin = Family(
    name="h7_checkin",
    templates=["Check in booking {pnr} on flight {flight}"],
    fields={"pnr": Field(r"[B-Z]{6}"), "flight": Field(r"[A-Z]{2}\d{3}")},
    sample=sample_checkin,
    plan=[
        Step("h7_passenger", lambda p, r: {"pnr": p["pnr"]}),
        Step("h7_flight", lambda p, r: {"flight": p["flight"]}),
        Step(
            "h7_check_in",
            lambda p, r: {"pnr": p["pnr"], "flight": p["flight"]},
            when=lambda p, r: (
                (
                    dt.date.fromisoformat(r["h7_passenger"].split("valid until ")[1][:10])
                    - dt.date.fromisoformat(r["h7_flight"]["departs"][:10])
                ).days
                >= 90
            ),
        ),
    ],
    expect=lambda p, b: {"h7_checkins": [{"pnr": p["pnr"], "flight": p["flight"]}]} if _valid_days(b, p) >= 90 else {},
    answer=lambda p, b: ["checked in"] if _valid_days(b, p) >= 90 else ["passport"],
    summary=lambda p, r: (
        f"Booking {p['pnr']} checked in on {p['flight']}."
        if "h7_check_in" in r
        else f"Not checked in: the passport of {p['pnr']} expires within 90 days of departure."
    ),
)


# ======================================== 14. baskets: a list's total (one read) against a limit (another read)
def sample_basket(rng: random.Random, w: State, i: int) -> Params:
    basket = _fresh(rng, w, "h7_baskets", lambda r: f"BK{r.randint(10000, 99999)}")
    acct = _fresh(rng, w, "h7_trade", lambda r: f"TA-{r.randint(100, 999)}")
    items = [{"sku": f"S{rng.randint(100, 999)}", "eur": rng.randint(40, 160)} for _ in range(3)]
    total = sum(it["eur"] for it in items)
    if i == 0:
        items, credit = [{"sku": "S100", "eur": 40}, {"sku": "S101", "eur": 60}, {"sku": "S108", "eur": 45}], 900
    elif i == 1:
        items, credit = [{"sku": "S102", "eur": 160}, {"sku": "S103", "eur": 150}, {"sku": "S104", "eur": 140}], 460
    elif _mixed(i, rng, False, True):
        credit = max(300, total - rng.randint(5, 60))
        if credit >= total:
            items = [{"sku": "S105", "eur": 150}, {"sku": "S106", "eur": 120}, {"sku": "S107", "eur": 90}]
            credit = 330
    else:
        credit = rng.randint(max(total + 10, 300), 900)
    w.setdefault("h7_baskets", {})[basket] = {"basket": basket, "items": items}
    w.setdefault("h7_trade", {})[acct] = {"account": acct, "credit_left_eur": credit}
    return {"basket": basket, "acct": acct}


def _basket_ok(p: Params, b: State) -> bool:
    total = sum(it["eur"] for it in b["h7_baskets"][p["basket"]]["items"])
    return total <= b["h7_trade"][p["acct"]]["credit_left_eur"]


basket = Family(
    name="h7_basket",
    templates=["Release basket {basket} on trade account {acct}"],
    fields={"basket": Field(r"BK\d{5}"), "acct": Field(r"TA-\d{3}")},
    sample=sample_basket,
    plan=[
        Step("h7_basket", lambda p, r: {"basket": p["basket"]}),
        Step("h7_trade_account", lambda p, r: {"account": p["acct"]}),
        Step(
            "h7_release_basket",
            lambda p, r: {"basket": p["basket"], "account": p["acct"]},
            when=lambda p, r: (
                sum(it["eur"] for it in r["h7_basket"]["items"]) <= r["h7_trade_account"]["credit_left_eur"]
            ),
        ),
    ],
    expect=lambda p, b: {"h7_released": [{"basket": p["basket"], "account": p["acct"]}]} if _basket_ok(p, b) else {},
    answer=lambda p, b: ["released"] if _basket_ok(p, b) else ["credit"],
    summary=lambda p, r: (
        f"Basket {p['basket']} released."
        if "h7_release_basket" in r
        else f"Not released: basket {p['basket']} is over the account's credit."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h7_pallet", "A pallet's height (cm) and weight.", {"pallet": str}, _row("h7_pallets", "pallet", "pallet")
        ),
        Tool(
            "h7_bay", "A rack bay's clearance height (cm) and load limit.", {"bay": str}, _row("h7_bays", "bay", "bay")
        ),
        Tool(
            "h7_put_away",
            "Store a pallet in a rack bay.",
            {"pallet": str, "bay": str},
            _append("h7_putaways", "pallet", "bay"),
        ),
        Tool(
            "h7_slab_design",
            "A slab design's concrete volume per slab (m3).",
            {"design": str},
            _row("h7_designs", "design", "design"),
        ),
        Tool(
            "h7_plant",
            "A batching plant's concrete available today (m3).",
            {"plant": str},
            _row("h7_plants", "plant", "plant"),
        ),
        Tool(
            "h7_order_concrete",
            "Order concrete (m3) from a plant.",
            {"plant": str, "m3": float},
            _append("h7_pours", "plant", "m3"),
        ),
        Tool("h7_tech_log", "The latest technical log entry of an aircraft (plain text).", {"tail": str}, _tech_log),
        Tool(
            "h7_release",
            "Release an aircraft to service (certificate of release).",
            {"tail": str},
            _append("h7_releases", "tail"),
        ),
        Tool(
            "h7_invoice",
            "An invoice: supplier, total (amount and currency), due date.",
            {"invoice": str},
            _row("h7_invoices", "invoice", "invoice"),
        ),
        Tool(
            "h7_pay_eur",
            "Pay an invoice from the euro account (amount in EUR).",
            {"invoice": str, "eur": float},
            _append("h7_payments", "invoice", "eur"),
        ),
        Tool(
            "h7_shortlist",
            "The shortlist of a job requisition with interview scores.",
            {"role": str},
            _row("h7_shortlists", "requisition", "role"),
        ),
        Tool(
            "h7_send_offer",
            "Send a job offer to a candidate.",
            {"role": str, "candidate": str},
            _append("h7_offers", "role", "candidate"),
        ),
        Tool(
            "h7_home_policy",
            "A home insurance policy: holder, start date, term.",
            {"policy": str},
            _row("h7_policies", "policy", "policy"),
        ),
        Tool(
            "h7_incident",
            "A claim's incident: the day it occurred and its kind.",
            {"ref": str},
            _row("h7_incidents", "claim", "ref"),
        ),
        Tool(
            "h7_approve_claim",
            "Approve a claim for payment under a policy.",
            {"ref": str, "policy": str},
            _append("h7_approvals", "ref", "policy"),
        ),
        Tool(
            "h7_accession",
            "A seed bank accession: packets in store and the packets kept in reserve.",
            {"accession": str},
            _row("h7_accessions", "accession", "accession"),
        ),
        Tool(
            "h7_withdraw_seeds",
            "Withdraw seed packets from an accession.",
            {"accession": str, "packets": int},
            _append("h7_withdrawals", "accession", "packets"),
        ),
        Tool(
            "h7_manifest",
            "A shipment's items and their weights (unit in weight_unit).",
            {"shipment": str},
            _row("h7_manifests", "shipment", "shipment"),
        ),
        Tool(
            "h7_card_charges",
            "The charges on a card account.",
            {"account": str},
            _row("h7_cards", "account", "account"),
        ),
        Tool("h7_refund_charge", "Refund a card charge.", {"charge": str}, _append("h7_refunds", "charge")),
        Tool(
            "h7_lot",
            "A medicine lot: product, its maximum storage temperature (C), its data logger.",
            {"lot": str},
            _row("h7_lots", "lot", "lot"),
        ),
        Tool(
            "h7_logger",
            "A temperature logger's peak reading (C) in transit.",
            {"logger": str},
            _row("h7_loggers", "logger", "logger"),
        ),
        Tool(
            "h7_set_lot_status",
            "Set a lot's status: accepted or quarantined.",
            {"lot": str, "status": str},
            _set_lot_status,
        ),
        Tool(
            "h7_permit",
            "A vehicle's parking permit: the zones it is valid in.",
            {"plate": str},
            _row("h7_permits", "plate", "plate"),
        ),
        Tool(
            "h7_vessel", "A vessel's length overall and draught (m).", {"imo": str}, _row("h7_vessels", "vessel", "imo")
        ),
        Tool(
            "h7_berth",
            "A berth's length and the length already occupied (m).",
            {"berth": str},
            _row("h7_berths", "berth", "berth"),
        ),
        Tool(
            "h7_moor", "Moor a vessel at a berth.", {"imo": str, "berth": str}, _append("h7_moorings", "imo", "berth")
        ),
        Tool("h7_passenger", "A booking's passenger and passport (plain text).", {"pnr": str}, _passenger),
        Tool(
            "h7_flight", "A flight's departure date and time.", {"flight": str}, _row("h7_flights", "flight", "flight")
        ),
        Tool(
            "h7_check_in",
            "Check a booking in on a flight.",
            {"pnr": str, "flight": str},
            _append("h7_checkins", "pnr", "flight"),
        ),
        Tool(
            "h7_basket", "A basket's items and prices (EUR).", {"basket": str}, _row("h7_baskets", "basket", "basket")
        ),
        Tool(
            "h7_trade_account",
            "A trade account's credit left (EUR).",
            {"account": str},
            _row("h7_trade", "account", "account"),
        ),
        Tool(
            "h7_release_basket",
            "Release a basket for delivery on a trade account.",
            {"basket": str, "account": str},
            _append("h7_released", "basket", "account"),
        ),
        Tool(
            "h7_cancel_fine",
            "Cancel a parking fine for a vehicle in a zone.",
            {"plate": str, "zone": str},
            _append("h7_cancelled", "plate", "zone"),
        ),
    ]
}

FAMILIES = [
    putaway,
    concrete,
    aircraft,
    invoice,
    shortlist,
    cover,
    seeds,
    manifest,
    refund,
    coldchain,
    permit,
    berth,
    checkin,
    basket,
]
