"""Probe families for values of several words (issue 9, helper s9spans): one plan whatever a value's
length where the rules make it safe (`learning/spans.py`), the model where they do not.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `sp_` and
collide with no other set. Domains no other set uses:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \\
        --families bench/families_spans.py --goals 6 --seed 41

should replay:
- sp_kennel    a possessive of several words ("Lady Grey's"), then a number: one plan
- sp_tailor    a possessive of several words right before another slot ("Hem Li Wei's coat by 3 cm"):
               the marker ends the owner's name; a derived length (read - cm)
- sp_tasting   a value with a number inside ("Vega Sicilia Unico 2010"): the vintage sits where the
               values seen had theirs
- sp_gate      a number in the middle of a value ("Gate 12 North")
- sp_recital   a possessive of several words before a quoted title
- sp_trail     trail names of one to three words, with a lower-case word seen in a value ("Old Mill Run",
               "Lake of Stars")
- sp_china     a compound "6-piece" read as a number, then a pattern of several words
must NOT replay (a replay would be wrong):
- sp_freight   "Ship a 40kg crate to Cape Town": later "lb" glued to the number; the tool takes kg,
               the model converts. The number alike, the unit not: the model.
- sp_lab       "Add 25ml of Acetic Acid to flask F3": later "cl"; another domain of the same rule
- sp_lights    "Dim the East Wing lights to 40%": later "All Zones" (another tool dims everything)
- sp_library   "Renew Ana Silva's library card": later "Ana Silva's son's" (the card of another
               person: two possessive markers)
measured, not expected to replay yet:
- sp_rebook    the same wording with and without a trailing ", please" (no optional words yet)
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
INT, LOWER, QUOTED = fam.INT, fam.LOWER, fam.QUOTED
State = dict[str, Any]
Params = dict[str, Any]

NAMES = Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")
FIRST = 4  # the first goals of a must-NOT family agree on what later goals change


def _append(section: str, keys: list[str], ack: Any = None):
    def run(s: State, a: dict) -> Any:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return ack(len(out)) if ack else {"ok": True}

    return run


def _garment(s: State, a: dict) -> dict:
    row = s["tables"].get("sp_garments", {}).get(f"{a['client']}|{a['garment']}")
    if row is None:
        raise ToolFail(f"no {a['garment']} on order for {a['client']}")
    return {"order": row["order"], "length_cm": row["length_cm"]}


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "sp_book_kennel",
            "Book a dog into the kennel for a number of nights; returns the booking.",
            {"dog": str, "nights": int},
            _append("kennel", ["dog", "nights"], lambda n: {"booking": f"KN-{300 + n}"}),
        ),
        Tool(
            "sp_garment",
            "A client's garment on order: order id and length in cm.",
            {"client": str, "garment": str},
            _garment,
        ),
        Tool(
            "sp_hem",
            "Set the finished length of an order's garment, in cm.",
            {"order": str, "length_cm": int},
            _append("hems", ["order", "length_cm"]),
        ),
        Tool(
            "sp_log_tasting",
            "Log a wine tasting score.",
            {"wine": str, "score": int},
            _append("tastings", ["wine", "score"]),
        ),
        Tool(
            "sp_open_gate",
            "Open an airport gate for a flight.",
            {"gate": str, "flight": str},
            _append("gates", ["gate", "flight"]),
        ),
        Tool(
            "sp_add_piece",
            "Add a piece to the recital programme.",
            {"pianist": str, "piece": str},
            _append("programme", ["pianist", "piece"]),
        ),
        Tool(
            "sp_close_trail",
            "Close a hiking trail until a day.",
            {"trail": str, "until": str},
            _append("closures", ["trail", "until"]),
        ),
        Tool(
            "sp_pack_china",
            "Pack a china set for an order.",
            {"pattern": str, "pieces": int, "order": str},
            _append("packed", ["pattern", "pieces", "order"]),
        ),
        Tool(
            "sp_ship_crate",
            "Ship a crate to a port; weight in kilograms.",
            {"port": str, "kg": float},
            _append("crates", ["port", "kg"]),
        ),
        Tool(
            "sp_dispense",
            "Dispense a reagent into a flask; volume in millilitres.",
            {"reagent": str, "flask": str, "ml": float},
            _append("flasks", ["reagent", "flask", "ml"]),
        ),
        Tool(
            "sp_dim",
            "Dim the lights of one zone to a percentage.",
            {"zone": str, "pct": int},
            _append("dim", ["zone", "pct"]),
        ),
        Tool("sp_dim_all", "Dim the lights of every zone to a percentage.", {"pct": int}, _append("dim_all", ["pct"])),
        Tool(
            "sp_renew_card",
            "Renew a member's library card; returns the new expiry.",
            {"member": str},
            _append("cards", ["member"], lambda n: {"renewed": True, "expires": "2027-12-31"}),
        ),
        Tool(
            "sp_rebook",
            "Rebook a passenger on a flight.",
            {"passenger": str, "flight": str},
            _append("rebooked", ["passenger", "flight"]),
        ),
    ]
}


# ==================== should replay
DOGS = ["Rex", "Lady Grey", "Bo", "Sir Woofington", "Pepper Ann", "Max", "Mister Biscuit", "Luna"]

kennel = Family(
    name="sp_kennel",
    templates=["Book {dog}'s stay of {nights} nights at the kennel"],
    fields={"dog": NAMES, "nights": INT},
    sample=lambda rng, w, i: {"dog": DOGS[i % len(DOGS)], "nights": rng.randint(2, 9)},
    plan=[Step("sp_book_kennel", lambda p, r: {"dog": p["dog"], "nights": p["nights"]})],
    expect=lambda p, b: {"kennel": [{"dog": p["dog"], "nights": p["nights"]}]},
    summary=lambda p, r: f"Booked {p['dog']} for {p['nights']} nights ({r['sp_book_kennel']['booking']}).",
    answer=lambda p, b: [f"KN-{300 + len(b.get('kennel', [])) + 1}"],
)

CLIENTS = ["Marco", "Li Wei", "Ingrid Berg", "Tomas", "Nia Rose", "Ada Obi", "Hugo", "Sara Lind"]
GARMENTS = ["coat", "dress", "trousers", "skirt"]


def sample_tailor(rng: random.Random, w: State, i: int) -> Params:
    client, garment = CLIENTS[i % len(CLIENTS)], GARMENTS[i % len(GARMENTS)]
    rows = w["tables"].setdefault("sp_garments", {})
    rows.setdefault(f"{client}|{garment}", {"order": f"TL-{4100 + i}", "length_cm": rng.randint(90, 110)})
    return {"client": client, "garment": garment, "cm": rng.randint(2, 6)}


def _hemmed(p: Params, b: State) -> int:
    return int(b["tables"]["sp_garments"][f"{p['client']}|{p['garment']}"]["length_cm"]) - int(p["cm"])


tailor = Family(
    name="sp_tailor",
    templates=["Hem {client}'s {garment} by {cm} cm"],
    fields={"client": NAMES, "garment": LOWER, "cm": INT},
    sample=sample_tailor,
    plan=[
        Step("sp_garment", lambda p, r: {"client": p["client"], "garment": p["garment"]}),
        Step(
            "sp_hem",
            lambda p, r: {"order": r["sp_garment"]["order"], "length_cm": r["sp_garment"]["length_cm"] - p["cm"]},
        ),
    ],
    expect=lambda p, b: {
        "hems": [
            {"order": b["tables"]["sp_garments"][f"{p['client']}|{p['garment']}"]["order"], "length_cm": _hemmed(p, b)}
        ]
    },
    summary=lambda p, r: f"Hemmed to {r['sp_garment']['length_cm'] - p['cm']} cm.",
    answer=lambda p, b: [_hemmed(p, b)],
)

WINES = ["Chateau Musar 2015", "Tokaji 2017", "Vega Sicilia Unico 2010", "Barolo 2016", "Pinot Noir 2019", "Rioja 2012"]

tasting = Family(
    name="sp_tasting",
    templates=["Log a tasting of {wine} at {score} points"],
    fields={"wine": Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)* \d{4}"), "score": INT},
    sample=lambda rng, w, i: {"wine": WINES[i % len(WINES)], "score": rng.randint(80, 99)},
    plan=[Step("sp_log_tasting", lambda p, r: {"wine": p["wine"], "score": p["score"]})],
    expect=lambda p, b: {"tastings": [{"wine": p["wine"], "score": p["score"]}]},
)

GATES = ["Gate 12 North", "Gate 4 South", "Gate 31 West", "Gate 7 East", "Gate 19 North"]

gate = Family(
    name="sp_gate",
    templates=["Open {gate} for flight {flight}"],
    fields={"gate": Field(r"Gate \d+ [A-Z][a-z]+"), "flight": Field(r"[A-Z]{2}\d{3,4}")},
    sample=lambda rng, w, i: {
        "gate": GATES[i % len(GATES)],
        "flight": f"{rng.choice(['LX', 'OS', 'SN'])}{rng.randint(100, 999)}",
    },
    plan=[Step("sp_open_gate", lambda p, r: {"gate": p["gate"], "flight": p["flight"]})],
    expect=lambda p, b: {"gates": [{"gate": p["gate"], "flight": p["flight"]}]},
)

PIANISTS = ["Clara Haskil", "Arrau", "Mitsuko Uchida", "Gould", "Maria Joao Pires", "Kissin"]
PIECES = ["Moonlight Sonata", "Clair de Lune", "Gymnopedie", "Fur Elise", "Nocturne", "Reverie"]

recital = Family(
    name="sp_recital",
    templates=["Add {pianist}'s '{piece}' to the recital programme"],
    fields={"pianist": NAMES, "piece": QUOTED},
    sample=lambda rng, w, i: {"pianist": PIANISTS[i % len(PIANISTS)], "piece": rng.choice(PIECES)},
    plan=[Step("sp_add_piece", lambda p, r: {"pianist": p["pianist"], "piece": p["piece"]})],
    expect=lambda p, b: {"programme": [{"pianist": p["pianist"], "piece": p["piece"]}]},
)

TRAILS = ["Old Mill Run", "Ridge", "Lake of Stars", "Fox Hollow", "Bay of Seals", "Eagle Crest", "Pines"]
DAYS = ["Monday", "Tuesday", "Friday", "Sunday"]

trail = Family(
    name="sp_trail",
    templates=["Close the {trail} trail until {day}"],
    fields={"trail": Field(r"[A-Z][a-z]+(?: (?:of|[A-Z][a-z]+))*"), "day": Field(r"[A-Z][a-z]+day")},
    sample=lambda rng, w, i: {"trail": TRAILS[i % len(TRAILS)], "day": rng.choice(DAYS)},
    plan=[Step("sp_close_trail", lambda p, r: {"trail": p["trail"], "until": p["day"]})],
    expect=lambda p, b: {"closures": [{"trail": p["trail"], "until": p["day"]}]},
)

PATTERNS = ["Blue Willow", "Old Country Roses", "Wedgwood", "Golden Lace", "Imari"]

china = Family(
    name="sp_china",
    templates=["Pack a {n}-piece set of {pattern} china for order {order}"],
    fields={"n": INT, "pattern": NAMES, "order": Field(r"CH-\d+")},
    sample=lambda rng, w, i: {
        "n": rng.choice([4, 6, 12, 16]),
        "pattern": PATTERNS[i % len(PATTERNS)],
        "order": f"CH-{rng.randint(100, 999)}",
    },
    plan=[Step("sp_pack_china", lambda p, r: {"pattern": p["pattern"], "pieces": p["n"], "order": p["order"]})],
    expect=lambda p, b: {"packed": [{"pattern": p["pattern"], "pieces": p["n"], "order": p["order"]}]},
)


# ==================== must NOT replay where a later goal changes the meaning
PORTS = ["Cape Town", "Port Said", "Bergen", "Rio Grande", "Hull", "Las Palmas"]


def _kg(p: Params) -> float:
    return float(p["w"]) if p["unit"] == "kg" else fam.round_half_up(p["w"] * 0.4536, 2)


freight = Family(
    name="sp_freight",
    templates=["Ship a {w}{unit} crate to {port}"],
    fields={"w": INT, "unit": Field(r"kg|lb"), "port": NAMES},
    sample=lambda rng, w, i: {
        "w": rng.randint(10, 90),
        "unit": "kg" if i < FIRST else rng.choice(["kg", "lb"]),
        "port": PORTS[i % len(PORTS)],
    },
    plan=[Step("sp_ship_crate", lambda p, r: {"port": p["port"], "kg": _kg(p)})],
    expect=lambda p, b: {"crates": [{"port": p["port"], "kg": _kg(p)}]},
)

REAGENTS = ["Acetic Acid", "Ethanol", "Sodium Chloride", "Glycerol", "Citric Acid"]


def _ml(p: Params) -> float:
    return float(p["v"]) * (10 if p["unit"] == "cl" else 1)


lab = Family(
    name="sp_lab",
    templates=["Add {v}{unit} of {reagent} to flask {flask}"],
    fields={"v": INT, "unit": Field(r"ml|cl"), "reagent": NAMES, "flask": Field(r"F\d")},
    sample=lambda rng, w, i: {
        "v": rng.randint(5, 60),
        "unit": "ml" if i < FIRST else rng.choice(["ml", "cl"]),
        "reagent": REAGENTS[i % len(REAGENTS)],
        "flask": f"F{rng.randint(1, 9)}",
    },
    plan=[Step("sp_dispense", lambda p, r: {"reagent": p["reagent"], "flask": p["flask"], "ml": _ml(p)})],
    expect=lambda p, b: {"flasks": [{"reagent": p["reagent"], "flask": p["flask"], "ml": _ml(p)}]},
)

ZONES = ["East Wing", "Lobby", "Main Hall", "West Gallery"]


def sample_lights(rng: random.Random, w: State, i: int) -> Params:
    zone = ZONES[i % len(ZONES)] if i < FIRST or rng.random() < 0.5 else "All Zones"
    return {"zone": zone, "pct": rng.choice([20, 30, 40, 60])}


lights = Family(
    name="sp_lights",
    templates=["Dim the {zone} lights to {pct}%"],
    fields={"zone": NAMES, "pct": INT},
    sample=sample_lights,
    plan=[
        Step(
            "sp_dim",
            lambda p, r: {"zone": p["zone"], "pct": p["pct"]},
            when=lambda p, r: not p["zone"].startswith("All"),
        ),
        Step("sp_dim_all", lambda p, r: {"pct": p["pct"]}, when=lambda p, r: p["zone"].startswith("All")),
    ],
    expect=lambda p, b: (
        {"dim_all": [{"pct": p["pct"]}]}
        if p["zone"].startswith("All")
        else {"dim": [{"zone": p["zone"], "pct": p["pct"]}]}
    ),
)

MEMBERS = ["Ana Silva", "Ravi", "Jon Snell", "Mia Costa", "Oskar"]


def sample_library(rng: random.Random, w: State, i: int) -> Params:
    member = MEMBERS[i % len(MEMBERS)]
    return {"member": member if i < FIRST or rng.random() < 0.5 else f"{member}'s {rng.choice(['son', 'daughter'])}"}


library = Family(
    name="sp_library",
    templates=["Renew {member}'s library card"],
    fields={"member": Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*(?:'s [a-z]+)?")},
    sample=sample_library,
    plan=[Step("sp_renew_card", lambda p, r: {"member": p["member"]})],
    expect=lambda p, b: {"cards": [{"member": p["member"]}]},
)

PASSENGERS = ["Ines Duarte", "Karl Obi", "Mei", "Omar Farouk", "Petra Holm", "Yusuf"]

rebook = Family(
    name="sp_rebook",
    templates=["Rebook {passenger} on flight {flight}", "Rebook {passenger} on flight {flight}, please"],
    fields={"passenger": NAMES, "flight": Field(r"[A-Z]{2}\d{3,4}")},
    sample=lambda rng, w, i: {
        "passenger": PASSENGERS[i % len(PASSENGERS)],
        "flight": f"TP{rng.randint(100, 999)}",
        "wording": rng.randrange(2),
    },
    plan=[Step("sp_rebook", lambda p, r: {"passenger": p["passenger"], "flight": p["flight"]})],
    expect=lambda p, b: {"rebooked": [{"passenger": p["passenger"], "flight": p["flight"]}]},
)


FAMILIES: list[Family] = [kennel, tailor, tasting, gate, recital, trail, china, freight, lab, lights, library, rebook]
