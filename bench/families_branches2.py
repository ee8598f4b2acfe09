"""Branching probes (rate9), written before the branching rule: plans whose path depends on a read's category.

Same interface as `families_heldout12.py` (tool names prefixed `b2_`). Every family's first four goals take
both paths twice (goals 0 and 2 one way, 1 and 3 the other), so a plan of each path gathers support early;
later goals take a seen category or hit a trap:

- b2_kennel   walk a boarded dog only when its status is exactly "checked in"; "checked out" is the other
              path; traps: near-miss status words ("checked in, awaiting vet", "checked in (isolation)")
- b2_tank     drain a tank (destructive) when its level is high; seen levels 85..95 (drain) and 30..45
              (keep); hidden threshold 60; traps: levels between the branches' ranges (50..80)
- b2_card     a library card: "active" -> extend; "suspended" -> nothing; trap: a third status never seen
              ("lost": a replacement card, a tool no run called)
- b2_mailbox  purge a mailbox (destructive) when its plain-text legal hold line says "none"; "active" holds
              are flagged instead (a write on the other path too); trap: "pending" (neither: nothing)
- b2_ticket   close a ticket when open; already closed: nothing ("already closed"); stale repeats meet a
              ticket an earlier goal closed
- b2_crate    ship a crate by parcel at or under 30 kg, by freight above; seen 5..20 kg and 45..70 kg;
              traps: 21..44 kg, threshold hidden at 30 (both paths write)
- b2_lot      release a vaccine lot when QC says "passed", quarantine it when "failed"; traps: "passed
              (retest pending)", "failed sterility" near-misses (nothing is done, "held")

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_branches2.py --goals 16 --seed 7
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import families_heldout12 as h12

Family, Field, Step, Tool, ToolFail = h12.Family, h12.Field, h12.Step, h12.Tool, h12.ToolFail
CAPWORDS, State, Params = h12.CAPWORDS, h12.State, h12.Params
_trap, _until, _row, _append, _fresh, _name = h12._trap, h12._until, h12._row, h12._append, h12._fresh, h12._name

DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False}

h12.ANNOTATIONS.update(
    {
        "b2_dog": h12.READ,
        "b2_walk_dog": h12.WRITE,
        "b2_tank_level": h12.READ,
        "b2_drain_tank": DESTRUCTIVE,
        "b2_card": h12.READ,
        "b2_extend_card": h12.WRITE,
        "b2_replace_card": h12.WRITE,
        "b2_mailbox": h12.READ,
        "b2_purge_mailbox": DESTRUCTIVE,
        "b2_flag_mailbox": h12.WRITE,
        "b2_ticket": h12.READ,
        "b2_close_ticket": h12.IDEMPOTENT,
        "b2_crate": h12.READ,
        "b2_ship_parcel": h12.WRITE,
        "b2_ship_freight": h12.WRITE,
        "b2_lot_qc": h12.READ,
        "b2_release_lot": h12.WRITE,
        "b2_quarantine_lot": h12.WRITE,
    }
)


def _go(i: int, rng: random.Random) -> bool:
    """Goals 0 and 2 take the first path, 1 and 3 the other; later goals at random."""
    return i % 2 == 0 if i < 4 else rng.random() < 0.5


# ======================================== 1. kennel: a status word, near misses
YARDS = ["East Yard", "Orchard", "Back Field"]


def sample_kennel(rng: random.Random, w: State, i: int) -> Params:
    dog = _fresh(rng, w, "b2_dogs", lambda r: f"K9-{r.randint(100, 999)}")
    if _trap(i, rng):
        status = rng.choice(["checked in, awaiting vet", "checked in (isolation)"])
    else:
        status = "checked in" if _go(i, rng) else "checked out"
    w.setdefault("b2_dogs", {})[dog] = {"dog": dog, "status": status, "kennel": f"Run {rng.randint(1, 20)}"}
    return {"dog": dog, "yard": rng.choice(YARDS)}


def _walk_ok(row: dict) -> bool:
    return row["status"] == "checked in"


kennel = Family(
    name="b2_kennel",
    templates=["Walk dog {dog} in the {yard}"],
    fields={"dog": Field(r"K9-\d{3}"), "yard": CAPWORDS},
    sample=sample_kennel,
    plan=[
        Step("b2_dog", lambda p, r: {"dog": p["dog"]}),
        Step("b2_walk_dog", lambda p, r: {"dog": p["dog"], "yard": p["yard"]}, when=lambda p, r: _walk_ok(r["b2_dog"])),
    ],
    expect=lambda p, b: (
        {"b2_walks": [{"dog": p["dog"], "yard": p["yard"]}]} if _walk_ok(b["b2_dogs"][p["dog"]]) else {}
    ),
    answer=lambda p, b: ["walked"] if _walk_ok(b["b2_dogs"][p["dog"]]) else ["not walked"],
    summary=lambda p, r: (
        f"Dog {p['dog']} walked in the {p['yard']}."
        if "b2_walk_dog" in r
        else f"Dog {p['dog']} not walked: status is {r['b2_dog']['status']}."
    ),
)


# ======================================== 2. tank: a level near a hidden threshold, destructive write
def sample_tank(rng: random.Random, w: State, i: int) -> Params:
    tank = _fresh(rng, w, "b2_tanks", lambda r: f"TK-{r.randint(10, 99)}")
    fixed = {0: 91, 1: 38, 2: 86, 3: 44}
    if i in fixed:
        level = fixed[i]
    elif _trap(i, rng):
        level = rng.randint(50, 80)
    else:
        level = rng.randint(86, 95) if rng.random() < 0.5 else rng.randint(30, 44)
    w.setdefault("b2_tanks", {})[tank] = {"tank": tank, "level_pct": level, "capacity_l": 5000}
    return {"tank": tank}


def _drain_ok(row: dict) -> bool:
    return row["level_pct"] >= 60


tank = Family(
    name="b2_tank",
    templates=["Drain tank {tank} if it is nearly full"],
    fields={"tank": Field(r"TK-\d{2}")},
    sample=sample_tank,
    plan=[
        Step("b2_tank_level", lambda p, r: {"tank": p["tank"]}),
        Step("b2_drain_tank", lambda p, r: {"tank": p["tank"]}, when=lambda p, r: _drain_ok(r["b2_tank_level"])),
    ],
    expect=lambda p, b: {"b2_drained": [{"tank": p["tank"]}]} if _drain_ok(b["b2_tanks"][p["tank"]]) else {},
    answer=lambda p, b: ["drained"] if _drain_ok(b["b2_tanks"][p["tank"]]) else ["left as is"],
    summary=lambda p, r: (
        f"Tank {p['tank']} drained."
        if "b2_drain_tank" in r
        else f"Tank {p['tank']} left as is: level {r['b2_tank_level']['level_pct']}%."
    ),
)


# ======================================== 3. library card: a third status never seen, another tool
def sample_card(rng: random.Random, w: State, i: int) -> Params:
    card = _fresh(rng, w, "b2_cards", lambda r: f"LC{r.randint(1000, 9999)}")
    if _trap(i, rng):
        status = "lost"
    else:
        status = "active" if _go(i, rng) else "suspended"
    w.setdefault("b2_cards", {})[card] = {"card": card, "status": status, "expires": "2026-12-31"}
    return {"card": card, "months": rng.choice([6, 12])}


def _card_row(p: Params, b: State) -> dict:
    return b["b2_cards"][p["card"]]


card = Family(
    name="b2_card",
    templates=["Extend library card {card} by {months} months"],
    fields={"card": Field(r"LC\d{4}"), "months": h12.INT},
    sample=sample_card,
    plan=[
        Step("b2_card", lambda p, r: {"card": p["card"]}),
        Step(
            "b2_extend_card",
            lambda p, r: {"card": p["card"], "months": p["months"]},
            when=lambda p, r: r["b2_card"]["status"] == "active",
        ),
        Step(
            "b2_replace_card",
            lambda p, r: {"card": p["card"]},
            when=lambda p, r: r["b2_card"]["status"] == "lost",
        ),
    ],
    expect=lambda p, b: (
        {"b2_extended": [{"card": p["card"], "months": p["months"]}]}
        if _card_row(p, b)["status"] == "active"
        else ({"b2_replaced": [{"card": p["card"]}]} if _card_row(p, b)["status"] == "lost" else {})
    ),
    answer=lambda p, b: (
        ["extended"]
        if _card_row(p, b)["status"] == "active"
        else (["replacement"] if _card_row(p, b)["status"] == "lost" else ["suspended"])
    ),
    summary=lambda p, r: (
        f"Library card {p['card']} extended by {p['months']} months."
        if "b2_extend_card" in r
        else (
            f"Library card {p['card']} was reported lost: a replacement card was issued."
            if "b2_replace_card" in r
            else f"Library card {p['card']} is suspended: not extended."
        )
    ),
)


# ======================================== 4. mailbox: a plain-text hold line, destructive write on one path only
def _mailbox_text(s: State, a: dict) -> str:
    row = s.get("b2_boxes", {}).get(a["mailbox"])
    if row is None:
        raise ToolFail(f"no mailbox {a['mailbox']}")
    return f"Mailbox {a['mailbox']}: {row['items']} items; legal hold: {row['hold']}."


def sample_mailbox(rng: random.Random, w: State, i: int) -> Params:
    box = _fresh(rng, w, "b2_boxes", lambda r: f"mb{r.randint(100, 999)}")
    if _trap(i, rng):
        hold = rng.choice(["pending", "none requested yet, review open"])
    else:
        hold = "none" if _go(i, rng) else f"active (case {rng.randint(10, 99)})"
    w.setdefault("b2_boxes", {})[box] = {"items": rng.randint(50, 900), "hold": hold}
    return {"box": box}


def _hold(text: str) -> str:
    return text.split("legal hold: ", 1)[1].rstrip(".")


mailbox = Family(
    name="b2_mailbox",
    templates=["Purge mailbox {box} unless it is on legal hold"],
    fields={"box": Field(r"mb\d{3}")},
    sample=sample_mailbox,
    plan=[
        Step("b2_mailbox", lambda p, r: {"mailbox": p["box"]}),
        Step(
            "b2_purge_mailbox", lambda p, r: {"mailbox": p["box"]}, when=lambda p, r: _hold(r["b2_mailbox"]) == "none"
        ),
        Step(
            "b2_flag_mailbox",
            lambda p, r: {"mailbox": p["box"]},
            when=lambda p, r: _hold(r["b2_mailbox"]).startswith("active"),
        ),
    ],
    expect=lambda p, b: (
        {"b2_purged": [{"mailbox": p["box"]}]}
        if b["b2_boxes"][p["box"]]["hold"] == "none"
        else ({"b2_flagged": [{"mailbox": p["box"]}]} if b["b2_boxes"][p["box"]]["hold"].startswith("active") else {})
    ),
    answer=lambda p, b: (
        ["purged"]
        if b["b2_boxes"][p["box"]]["hold"] == "none"
        else (["flagged"] if b["b2_boxes"][p["box"]]["hold"].startswith("active") else ["not purged"])
    ),
    summary=lambda p, r: (
        f"Mailbox {p['box']} purged."
        if "b2_purge_mailbox" in r
        else (
            f"Mailbox {p['box']} is on legal hold: flagged, not purged."
            if "b2_flag_mailbox" in r
            else f"Mailbox {p['box']} not purged: legal hold is {_hold(r['b2_mailbox'])}."
        )
    ),
)


# ======================================== 5. ticket: open -> close; closed -> nothing; stale repeats
def sample_ticket(rng: random.Random, w: State, i: int) -> Params:
    t = _fresh(rng, w, "b2_tickets", lambda r: f"SR-{r.randint(1000, 9999)}")
    state = "open" if _go(i, rng) else "closed"
    w.setdefault("b2_tickets", {})[t] = {"ticket": t, "state": state, "queue": rng.choice(["desk", "field"])}
    return {"ticket": t}


def _ticket_state(s: State, t: str) -> str:
    if any(c["ticket"] == t for c in s.get("b2_closed", [])):
        return "closed"
    return str(s["b2_tickets"][t]["state"])


def _ticket_read(s: State, a: dict) -> dict:
    row = s.get("b2_tickets", {}).get(a["ticket"])
    if row is None:
        raise ToolFail(f"no ticket {a['ticket']}")
    return {**row, "state": _ticket_state(s, a["ticket"])}


def _close(s: State, a: dict) -> dict:
    s.setdefault("b2_closed", []).append({"ticket": a["ticket"]})
    return {"status": "ok", "ticket": a["ticket"]}


ticket = Family(
    name="b2_ticket",
    templates=["Close ticket {ticket}"],
    fields={"ticket": Field(r"SR-\d{4}")},
    sample=sample_ticket,
    plan=[
        Step("b2_ticket", lambda p, r: {"ticket": p["ticket"]}),
        Step(
            "b2_close_ticket", lambda p, r: {"ticket": p["ticket"]}, when=lambda p, r: r["b2_ticket"]["state"] == "open"
        ),
    ],
    expect=lambda p, b: {"b2_closed": [{"ticket": p["ticket"]}]} if _ticket_state(b, p["ticket"]) == "open" else {},
    answer=lambda p, b: ["closed"] if _ticket_state(b, p["ticket"]) == "open" else ["already closed"],
    summary=lambda p, r: (
        f"Ticket {p['ticket']} closed." if "b2_close_ticket" in r else f"Ticket {p['ticket']} was already closed."
    ),
)


# ======================================== 6. crate: two write paths on a hidden weight threshold
CARRIERS = ["Nordpost", "Velox", "Kiwi Express"]


def sample_crate(rng: random.Random, w: State, i: int) -> Params:
    crate = _fresh(rng, w, "b2_crates", lambda r: f"CR{r.randint(100, 999)}")
    fixed = {0: 12.5, 1: 58.0, 2: 7.0, 3: 46.5}
    if i in fixed:
        kg = fixed[i]
    elif _trap(i, rng):
        kg = round(rng.uniform(21.0, 44.0), 1)
    else:
        kg = round(rng.uniform(5.0, 20.0), 1) if rng.random() < 0.5 else round(rng.uniform(45.0, 70.0), 1)
    w.setdefault("b2_crates", {})[crate] = {"crate": crate, "weight_kg": kg, "dest": "Lyon"}
    return {"crate": crate, "carrier": rng.choice(CARRIERS)}


def _parcel(row: dict) -> bool:
    return row["weight_kg"] <= 30


crate = Family(
    name="b2_crate",
    templates=["Ship crate {crate} with {carrier}"],
    fields={"crate": Field(r"CR\d{3}"), "carrier": CAPWORDS},
    sample=sample_crate,
    plan=[
        Step("b2_crate", lambda p, r: {"crate": p["crate"]}),
        Step(
            "b2_ship_parcel",
            lambda p, r: {"crate": p["crate"], "carrier": p["carrier"]},
            when=lambda p, r: _parcel(r["b2_crate"]),
        ),
        Step(
            "b2_ship_freight",
            lambda p, r: {"crate": p["crate"], "carrier": p["carrier"]},
            when=lambda p, r: not _parcel(r["b2_crate"]),
        ),
    ],
    expect=lambda p, b: (
        {"b2_parcels": [{"crate": p["crate"], "carrier": p["carrier"]}]}
        if _parcel(b["b2_crates"][p["crate"]])
        else {"b2_freight": [{"crate": p["crate"], "carrier": p["carrier"]}]}
    ),
    answer=lambda p, b: ["parcel"] if _parcel(b["b2_crates"][p["crate"]]) else ["freight"],
    summary=lambda p, r: (
        f"Crate {p['crate']} shipped by parcel with {p['carrier']}."
        if "b2_ship_parcel" in r
        else f"Crate {p['crate']} shipped as freight with {p['carrier']}."
    ),
)


# ======================================== 7. vaccine lot: QC words, near misses
CLINICS = ["Harbour Clinic", "Hillside", "Northgate"]


def sample_lot(rng: random.Random, w: State, i: int) -> Params:
    lot = _fresh(rng, w, "b2_lots", lambda r: f"VL{r.randint(10000, 99999)}")
    if _trap(i, rng):
        qc = rng.choice(["passed (retest pending)", "failed sterility, under appeal"])
    else:
        qc = "passed" if _go(i, rng) else "failed"
    w.setdefault("b2_lots", {})[lot] = {"lot": lot, "qc": qc, "doses": rng.randrange(100, 1001, 50)}
    return {"lot": lot, "clinic": rng.choice(CLINICS)}


def _qc(p: Params, b: State) -> str:
    return str(b["b2_lots"][p["lot"]]["qc"])


lot = Family(
    name="b2_lot",
    templates=["Release vaccine lot {lot} to {clinic}"],
    fields={"lot": Field(r"VL\d{5}"), "clinic": CAPWORDS},
    sample=sample_lot,
    plan=[
        Step("b2_lot_qc", lambda p, r: {"lot": p["lot"]}),
        Step(
            "b2_release_lot",
            lambda p, r: {"lot": p["lot"], "clinic": p["clinic"]},
            when=lambda p, r: r["b2_lot_qc"]["qc"] == "passed",
        ),
        Step("b2_quarantine_lot", lambda p, r: {"lot": p["lot"]}, when=lambda p, r: r["b2_lot_qc"]["qc"] == "failed"),
    ],
    expect=lambda p, b: (
        {"b2_released": [{"lot": p["lot"], "clinic": p["clinic"]}]}
        if _qc(p, b) == "passed"
        else ({"b2_quarantined": [{"lot": p["lot"]}]} if _qc(p, b) == "failed" else {})
    ),
    answer=lambda p, b: (
        ["released"] if _qc(p, b) == "passed" else (["quarantined"] if _qc(p, b) == "failed" else ["held"])
    ),
    summary=lambda p, r: (
        f"Lot {p['lot']} released to {p['clinic']}."
        if "b2_release_lot" in r
        else (
            f"Lot {p['lot']} failed QC: quarantined."
            if "b2_quarantine_lot" in r
            else f"Lot {p['lot']} held: QC says {r['b2_lot_qc']['qc']}."
        )
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool("b2_dog", "A boarded dog: status and kennel run.", {"dog": str}, _row("b2_dogs", "dog", "dog")),
        Tool("b2_walk_dog", "Walk a dog in a yard.", {"dog": str, "yard": str}, _append("b2_walks", "dog", "yard")),
        Tool("b2_tank_level", "A tank's fill level (percent).", {"tank": str}, _row("b2_tanks", "tank", "tank")),
        Tool(
            "b2_drain_tank", "Drain a tank completely (cannot be undone).", {"tank": str}, _append("b2_drained", "tank")
        ),
        Tool("b2_card", "A library card: status and expiry.", {"card": str}, _row("b2_cards", "card", "card")),
        Tool(
            "b2_extend_card",
            "Extend a library card by some months.",
            {"card": str, "months": int},
            _append("b2_extended", "card", "months"),
        ),
        Tool("b2_replace_card", "Issue a replacement for a lost card.", {"card": str}, _append("b2_replaced", "card")),
        Tool("b2_mailbox", "A mailbox's summary line (plain text).", {"mailbox": str}, _mailbox_text),
        Tool("b2_purge_mailbox", "Delete every item of a mailbox.", {"mailbox": str}, _append("b2_purged", "mailbox")),
        Tool("b2_flag_mailbox", "Flag a mailbox for legal review.", {"mailbox": str}, _append("b2_flagged", "mailbox")),
        Tool("b2_ticket", "A service ticket: state and queue.", {"ticket": str}, _ticket_read),
        Tool("b2_close_ticket", "Close a service ticket.", {"ticket": str}, _close),
        Tool("b2_crate", "A crate: weight (kg) and destination.", {"crate": str}, _row("b2_crates", "crate", "crate")),
        Tool(
            "b2_ship_parcel",
            "Ship a crate as a parcel with a carrier.",
            {"crate": str, "carrier": str},
            _append("b2_parcels", "crate", "carrier"),
        ),
        Tool(
            "b2_ship_freight",
            "Ship a crate as freight with a carrier.",
            {"crate": str, "carrier": str},
            _append("b2_freight", "crate", "carrier"),
        ),
        Tool("b2_lot_qc", "A vaccine lot's QC result and doses.", {"lot": str}, _row("b2_lots", "lot", "lot")),
        Tool(
            "b2_release_lot",
            "Release a vaccine lot to a clinic.",
            {"lot": str, "clinic": str},
            _append("b2_released", "lot", "clinic"),
        ),
        Tool("b2_quarantine_lot", "Quarantine a vaccine lot.", {"lot": str}, _append("b2_quarantined", "lot")),
    ]
}

FAMILIES = [kennel, tank, card, mailbox, ticket, crate, lot]
