"""Held-out probe families, round V (issue 9): a fresh measurement of the frozen head.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h11_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout11.py --goals 8 --seed 7

Domains no other set used: airport ramp (fuel on board + uplift against the tank, a gate notice in
plain text), a vet clinic (a booster due after 335 days, two dates in one record), a school cafeteria
(a dish's allergens against a student's allergies, a lunch-card top-up against a hidden 25 EUR
limit), water treatment (a plain-text lab report: turbidity and coliforms; kg of alum / basin volume
against 40 mg/L), film production (a shoot date inside a permit window; extras x day rate against
the remaining budget, which the booking lowers), a pharmacy recall (a lot in a plain-text list, with
a near-miss lot number) and port customs (value x tariff waived under 50 EUR; weighed net against
the declared net, 5% either way, two different writes). Every oracle applies a hidden rule; the
first four goals of a family never cross it, later goals sometimes do.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from collections.abc import Callable
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
INT, NUM, CAPWORDS = fam.INT, fam.NUM, fam.CAPWORDS
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h11_flight": READ,
    "h11_refuel": WRITE,
    "h11_gate_notice": READ,
    "h11_pet": READ,
    "h11_book_booster": WRITE,
    "h11_student": READ,
    "h11_dish": READ,
    "h11_serve_meal": WRITE,
    "h11_lunch_card": READ,
    "h11_set_card_balance": IDEMPOTENT,
    "h11_lab_report": READ,
    "h11_release_tank": WRITE,
    "h11_basin": READ,
    "h11_dose_basin": WRITE,
    "h11_location": READ,
    "h11_schedule_scene": IDEMPOTENT,
    "h11_scene_budget": READ,
    "h11_book_extras": WRITE,
    "h11_recall_notice": READ,
    "h11_quarantine_lot": IDEMPOTENT,
    "h11_manifest": READ,
    "h11_tariff": READ,
    "h11_weigh": READ,
    "h11_release_container": WRITE,
    "h11_hold_for_inspection": WRITE,
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

    if getattr(Server.add_tool, "_h11_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h11_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(10000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


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
        return {"status": ack, "ref": f"{section[3:6].upper()}-{7000 + len(out)}"}

    return run


def _setter(section: str, key: str, value: str):
    def run(s: State, a: dict) -> dict:
        s.setdefault(section, {})[str(a[key])] = a[value]
        return {key: a[key], value: a[value], "status": "saved"}

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


def _day(base: dt.date, n: int) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


def _mrn(r: random.Random) -> str:
    return f"MRN-{r.randint(10000, 99999)}"


# ======================================== shared name pools
FIRST = ["Ana", "Tomas", "Keiko", "Lars", "Priya", "Omar", "Greta", "Samuel", "Ines", "Dmitri", "Moana", "Felix"]
LAST = ["Ruiz", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Haddad", "Novak", "Brennan", "Costa", "Weber"]
PETS = ["Biscuit", "Pepper", "Juno", "Rocco", "Mabel", "Ziggy", "Otis", "Luna", "Bruno", "Hazel"]
ADJ = ["Rooftop", "Harbour", "Midnight", "Desert", "Kitchen", "Station", "Orchard", "Winter", "Lighthouse"]
NOUN = ["Chase", "Farewell", "Reunion", "Standoff", "Confession", "Wedding", "Escape", "Argument"]
PLACE_A = ["Old", "North", "Grand", "Little", "East", "Saint"]
PLACE_B = ["Mill", "Pier", "Market", "Chapel", "Quarry", "Viaduct", "Arcade", "Boathouse"]
BASE = dt.date(2026, 12, 3)


def _name(r: random.Random) -> str:
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


# ======================================== 1. ramp: fuel on board + uplift against the type's tank capacity
TANKS = {"A320": 18700, "B737-800": 20800, "E190": 12900}


def sample_refuel(rng: random.Random, w: State, i: int) -> Params:
    flight = _fresh(rng, w, "h11_flights", lambda r: f"{r.choice(['KL', 'LH', 'IB', 'SK'])}{r.randint(100, 9999)}")
    fixed = {0: ("A320", 4000, 6000), 1: ("E190", 8000, 4000), 2: ("B737-800", 3000, 12000)}
    if i in fixed:
        typ, fuel, kg = fixed[i]
    else:
        want = not _trap(i, rng)
        typ, fuel, kg = _until(
            rng,
            lambda r: (r.choice(sorted(TANKS)), r.randrange(3000, 9001, 100), r.randrange(2000, 12001, 500)),
            lambda v: (v[1] + v[2] <= TANKS[v[0]]) == want,
        )
    w.setdefault("h11_flights", {})[flight] = {
        "flight": flight,
        "aircraft": typ,
        "fuel_on_board_kg": fuel,
        "tank_capacity_kg": TANKS[typ],
        "stand": f"{rng.choice('DEF')}{rng.randint(1, 40)}",
    }
    return {"kg": kg, "flight": flight}


def _refuel(s: State, a: dict) -> dict:
    row = s.get("h11_flights", {}).get(a["flight"])
    if row is None:
        raise ToolFail(f"no flight {a['flight']}")
    row["fuel_on_board_kg"] = row["fuel_on_board_kg"] + a["kg"]
    s.setdefault("h11_fuelings", []).append({"flight": a["flight"], "kg": a["kg"]})
    return {"status": "fuel uplifted", "flight": a["flight"], "fuel_on_board_kg": row["fuel_on_board_kg"]}


def _fuel_ok(p: Params, row: dict) -> bool:
    return row["fuel_on_board_kg"] + p["kg"] <= row["tank_capacity_kg"]


def _fuel_expect(p: Params, b: State) -> dict:
    row = b["h11_flights"][p["flight"]]
    if not _fuel_ok(p, row):
        return {}
    return {
        "h11_flights": {p["flight"]: {**row, "fuel_on_board_kg": row["fuel_on_board_kg"] + p["kg"]}},
        "h11_fuelings": [{"flight": p["flight"], "kg": p["kg"]}],
    }


refuel = Family(
    name="h11_refuel",
    templates=["Uplift {kg} kg of fuel to flight {flight}"],
    fields={"kg": INT, "flight": Field(r"[A-Z]{2}\d{3,4}")},
    sample=sample_refuel,
    plan=[
        Step("h11_flight", lambda p, r: {"flight": p["flight"]}),
        Step(
            "h11_refuel",
            lambda p, r: {"flight": p["flight"], "kg": p["kg"]},
            when=lambda p, r: _fuel_ok(p, r["h11_flight"]),
        ),
    ],
    expect=_fuel_expect,
    answer=lambda p, b: (
        ["uplifted", b["h11_flights"][p["flight"]]["fuel_on_board_kg"] + p["kg"]]
        if _fuel_ok(p, b["h11_flights"][p["flight"]])
        else ["capacity"]
    ),
    summary=lambda p, r: (
        f"Uplifted {p['kg']} kg of fuel to flight {p['flight']}; it now has "
        f"{r['h11_flight']['fuel_on_board_kg'] + p['kg']} kg on board."
        if "h11_refuel" in r
        else f"No fuel added to flight {p['flight']}: {p['kg']} kg more would exceed the tank capacity of "
        f"{r['h11_flight']['tank_capacity_kg']} kg."
    ),
)


# ======================================== 2. gates: a question answered by the status inside a plain-text notice
def _gate_notice(s: State, a: dict) -> str:
    row = s.get("h11_gates", {}).get(a["gate"])
    if row is None:
        raise ToolFail(f"no gate {a['gate']}")
    return (
        f"Gate {a['gate']} (pier {row['pier']}), notice of {row['time']}: {row['status']}. "
        f"Jet bridge {row['bridge']}; {row['seats']} seats in the holding area."
    )


def sample_gate(rng: random.Random, w: State, i: int) -> Params:
    gate = _fresh(rng, w, "h11_gates", lambda r: f"{r.choice('ABCDEFGH')}{r.randint(1, 60)}")
    status = rng.choice(["open for boarding", "open for boarding, staff at the desk"])
    if _trap(i, rng):
        status = rng.choice(["closed for cleaning until 14:40", "closed: boarding moved to the bus gate"])
    w.setdefault("h11_gates", {})[gate] = {
        "pier": rng.choice(["North", "South"]),
        "time": f"{rng.randint(5, 21):02d}:{rng.randrange(0, 60, 5):02d}",
        "status": status,
        "bridge": rng.choice(["B1", "B2", "none"]),
        "seats": rng.randint(80, 220),
    }
    flight = f"{rng.choice(['KL', 'LH', 'IB', 'SK'])}{rng.randint(100, 9999)}"
    return {"flight": flight, "gate": gate}


def _gate_open(p: Params, b: State) -> bool:
    return b["h11_gates"][p["gate"]]["status"].startswith("open")


gate = Family(
    name="h11_gate",
    templates=["Can flight {flight} board at gate {gate} now?"],
    fields={"flight": Field(r"[A-Z]{2}\d{3,4}"), "gate": Field(r"[A-H]\d{1,2}")},
    sample=sample_gate,
    plan=[Step("h11_gate_notice", lambda p, r: {"gate": p["gate"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: ["can board"] if _gate_open(p, b) else ["cannot board"],
    summary=lambda p, r: (
        f"Yes: flight {p['flight']} can board at gate {p['gate']}, which is open for boarding."
        if ": open for boarding" in r["h11_gate_notice"]
        else f"No: flight {p['flight']} cannot board at gate {p['gate']}, the gate is closed."
    ),
)


# ======================================== 3. vet clinic: a booster is due once 335 days have passed since the last
def sample_booster(rng: random.Random, w: State, i: int) -> Params:
    key = _fresh(rng, w, "h11_pets", lambda r: f"{_name(r)}/{r.choice(PETS)}")
    owner, pet = key.split("/")
    fixed = {0: 400, 1: 340, 2: 365}
    if i in fixed:
        gap = fixed[i]
    else:
        gap = rng.randint(200, 334) if _trap(i, rng) else rng.randint(335, 420)
    as_of = BASE + dt.timedelta(days=rng.randint(-10, 10))
    w.setdefault("h11_pets", {})[key] = {
        "owner": owner,
        "pet": pet,
        "species": "dog",
        "weight_kg": rng.randint(4, 38),
        "last_rabies": (as_of - dt.timedelta(days=gap)).isoformat(),
        "today": as_of.isoformat(),
    }
    return {"owner": owner, "pet": pet}


def _pet(s: State, a: dict) -> dict:
    row = s.get("h11_pets", {}).get(f"{a['owner']}/{a['pet']}")
    if row is None:
        raise ToolFail(f"no pet {a['pet']} for owner {a['owner']}")
    return row


def _due(row: dict) -> bool:
    return (dt.date.fromisoformat(row["today"]) - dt.date.fromisoformat(row["last_rabies"])).days >= 335


booster = Family(
    name="h11_booster",
    templates=["Book a rabies booster for {owner}'s dog {pet}"],
    fields={"owner": CAPWORDS, "pet": Field(r"[A-Z][a-z]+")},
    sample=sample_booster,
    plan=[
        Step("h11_pet", lambda p, r: {"owner": p["owner"], "pet": p["pet"]}),
        Step(
            "h11_book_booster",
            lambda p, r: {"owner": p["owner"], "pet": p["pet"]},
            when=lambda p, r: _due(r["h11_pet"]),
        ),
    ],
    expect=lambda p, b: (
        {"h11_boosters": [{"owner": p["owner"], "pet": p["pet"]}]}
        if _due(b["h11_pets"][f"{p['owner']}/{p['pet']}"])
        else {}
    ),
    answer=lambda p, b: ["booked"] if _due(b["h11_pets"][f"{p['owner']}/{p['pet']}"]) else ["not due"],
    summary=lambda p, r: (
        f"Rabies booster booked for {p['owner']}'s dog {p['pet']}."
        if "h11_book_booster" in r
        else f"{p['owner']}'s dog {p['pet']} is not due yet: the last rabies shot was on {r['h11_pet']['last_rabies']}."
    ),
)


# ======================================== 4. school cafeteria: a dish's allergens against a student's allergies
DISHES = {
    "Chicken Satay": ["peanut", "soy"],
    "Fish Pie": ["fish", "milk", "gluten"],
    "Veggie Lasagne": ["gluten", "milk", "egg"],
    "Lentil Curry": ["mustard"],
    "Sesame Noodles": ["sesame", "gluten", "soy"],
}
ALLERGIES = ["peanut", "soy", "fish", "milk", "gluten", "egg", "mustard", "sesame", "celery", "shellfish"]


def sample_serve(rng: random.Random, w: State, i: int) -> Params:
    sid = _fresh(rng, w, "h11_students", lambda r: f"S{r.randint(10000, 99999)}")
    dish = sorted(DISHES)[i % len(DISHES)] if i < 3 else rng.choice(sorted(DISHES))
    safe = [a for a in ALLERGIES if a not in DISHES[dish]]
    allergies = rng.sample(safe, rng.randint(1, 3))
    if _trap(i, rng):
        allergies[rng.randrange(len(allergies))] = rng.choice(DISHES[dish])
    w.setdefault("h11_students", {})[sid] = {
        "student": sid,
        "name": _name(rng),
        "year": rng.randint(1, 6),
        "allergies": allergies,
    }
    for d, al in DISHES.items():
        w.setdefault("h11_dishes", {})[d] = {"dish": d, "allergens": al, "price_eur": 3.2}
    return {"dish": dish, "sid": sid}


def _allergen(p: Params, student: dict) -> str | None:
    hits = [a for a in student["allergies"] if a in DISHES[p["dish"]]]
    return hits[0] if hits else None


serve = Family(
    name="h11_serve",
    templates=["Serve the {dish} to student {sid}"],
    fields={"dish": CAPWORDS, "sid": Field(r"S\d{5}")},
    sample=sample_serve,
    plan=[
        Step("h11_student", lambda p, r: {"student": p["sid"]}, group="g"),
        Step("h11_dish", lambda p, r: {"dish": p["dish"]}, group="g"),
        Step(
            "h11_serve_meal",
            lambda p, r: {"student": p["sid"], "dish": p["dish"]},
            when=lambda p, r: not set(r["h11_student"]["allergies"]) & set(r["h11_dish"]["allergens"]),
        ),
    ],
    expect=lambda p, b: (
        {"h11_meals": [{"student": p["sid"], "dish": p["dish"]}]}
        if _allergen(p, b["h11_students"][p["sid"]]) is None
        else {}
    ),
    answer=lambda p, b: (
        ["served"]
        if _allergen(p, b["h11_students"][p["sid"]]) is None
        else ["refused", _allergen(p, b["h11_students"][p["sid"]])]
    ),
    summary=lambda p, r: (
        f"The {p['dish']} was served to student {p['sid']}."
        if "h11_serve_meal" in r
        else f"Refused: the {p['dish']} contains "
        f"{sorted(set(r['h11_student']['allergies']) & set(r['h11_dish']['allergens']))[0]}, "
        f"and student {p['sid']} is allergic to it."
    ),
)


# ======================================== 5. cafeteria: a top-up (target minus balance) against a hidden 25 EUR limit
def sample_topup(rng: random.Random, w: State, i: int) -> Params:
    name = _fresh(rng, w, "h11_cards", _name)
    fixed = {0: (3.40, 20), 1: (12.75, 35), 2: (0.80, 25)}
    if i in fixed:
        bal, amount = fixed[i]
    else:
        want = not _trap(i, rng)
        bal, amount = _until(
            rng,
            lambda r: (round(r.uniform(0.5, 19.5), 2), r.randint(20, 35)),
            lambda v: v[1] > v[0] and (v[1] - v[0] <= 25) == want,
        )
    w.setdefault("h11_cards", {})[name] = {"name": name, "balance_eur": bal, "school": "Riverside Primary"}
    return {"name": name, "amount": amount}


def _topup_diff(p: Params, row: dict) -> float:
    return round_half_up(p["amount"] - row["balance_eur"], 2)


def _set_card(s: State, a: dict) -> dict:
    row = s.get("h11_cards", {}).get(a["name"])
    if row is None:
        raise ToolFail(f"no lunch card for {a['name']}")
    row["balance_eur"] = a["balance_eur"]
    return {"name": a["name"], "balance_eur": a["balance_eur"], "status": "saved"}


topup = Family(
    name="h11_topup",
    templates=["Top up {name}'s lunch card to {amount} EUR"],
    fields={"name": CAPWORDS, "amount": INT},
    sample=sample_topup,
    plan=[
        Step("h11_lunch_card", lambda p, r: {"name": p["name"]}),
        Step(
            "h11_set_card_balance",
            lambda p, r: {"name": p["name"], "balance_eur": p["amount"]},
            when=lambda p, r: _topup_diff(p, r["h11_lunch_card"]) <= 25,
        ),
    ],
    expect=lambda p, b: (
        {"h11_cards": {p["name"]: {**b["h11_cards"][p["name"]], "balance_eur": p["amount"]}}}
        if _topup_diff(p, b["h11_cards"][p["name"]]) <= 25
        else {}
    ),
    answer=lambda p, b: (
        ["topped up", _topup_diff(p, b["h11_cards"][p["name"]])]
        if _topup_diff(p, b["h11_cards"][p["name"]]) <= 25
        else ["limit"]
    ),
    summary=lambda p, r: (
        f"{p['name']}'s lunch card topped up by {_topup_diff(p, r['h11_lunch_card'])} EUR to {p['amount']} EUR."
        if "h11_set_card_balance" in r
        else f"Not done: topping {p['name']}'s card up to {p['amount']} EUR would need "
        f"{_topup_diff(p, r['h11_lunch_card'])} EUR, over the 25 EUR top-up limit."
    ),
)


# ======================================== 6. water treatment: a lab report in plain text (turbidity, coliforms)
def _lab_report(s: State, a: dict) -> str:
    row = s.get("h11_tanks", {}).get(a["tank"])
    if row is None:
        raise ToolFail(f"no tank {a['tank']}")
    return (
        f"Lab report for tank {a['tank']}, sampled {row['sampled']}: turbidity {row['ntu']} NTU; "
        f"free chlorine {row['chlorine']} mg/L; coliforms {row['coliforms']}."
    )


def sample_release(rng: random.Random, w: State, i: int) -> Params:
    tank = _fresh(rng, w, "h11_tanks", lambda r: f"T-{r.randint(100, 999)}")
    fixed = {0: 0.3, 1: 1.0, 2: 0.8}
    ntu, col = fixed.get(i, round(rng.uniform(0.2, 1.0), 1)), "absent"
    if _trap(i, rng):
        if rng.random() < 0.5:
            ntu = round(rng.uniform(1.1, 1.8), 1)
        else:
            col = f"present ({rng.randint(1, 9)} CFU/100 ml)"
    w.setdefault("h11_tanks", {})[tank] = {
        "ntu": ntu,
        "chlorine": round(rng.uniform(0.3, 1.2), 1),
        "coliforms": col,
        "sampled": _day(BASE, -rng.randint(0, 2)),
    }
    return {"tank": tank}


def _tank_ok(p: Params, b: State) -> bool:
    row = b["h11_tanks"][p["tank"]]
    return row["ntu"] <= 1.0 and row["coliforms"] == "absent"


def _tank_ok_r(r: dict) -> bool:
    text = r["h11_lab_report"]
    ntu = float(text.split("turbidity ")[1].split(" NTU")[0])
    return ntu <= 1.0 and "coliforms absent" in text


release = Family(
    name="h11_release",
    templates=["Release the treated water in tank {tank} to the network"],
    fields={"tank": Field(r"T-\d{3}")},
    sample=sample_release,
    plan=[
        Step("h11_lab_report", lambda p, r: {"tank": p["tank"]}),
        Step("h11_release_tank", lambda p, r: {"tank": p["tank"]}, when=lambda p, r: _tank_ok_r(r)),
    ],
    expect=lambda p, b: {"h11_releases": [{"tank": p["tank"]}]} if _tank_ok(p, b) else {},
    answer=lambda p, b: ["released"] if _tank_ok(p, b) else ["held"],
    summary=lambda p, r: (
        f"Tank {p['tank']} released to the network."
        if "h11_release_tank" in r
        else f"Tank {p['tank']} held: its lab report fails the release limits."
    ),
)


# ======================================== 7. water treatment: kg of alum / basin volume against 40 mg/L
def sample_alum(rng: random.Random, w: State, i: int) -> Params:
    basin = _fresh(rng, w, "h11_basins", lambda r: f"BS-{r.randint(100, 999)}")
    fixed = {0: (100, 5000), 1: (400, 10000), 2: (60, 2000)}
    if i in fixed:
        kg, vol = fixed[i]
    else:
        want = not _trap(i, rng)
        kg, vol = _until(
            rng,
            lambda r: (r.randrange(60, 401, 10), r.randrange(2000, 10001, 500)),
            lambda v: (v[0] * 1000 / v[1] <= 40) == want,
        )
    w.setdefault("h11_basins", {})[basin] = {"basin": basin, "volume_m3": vol, "inflow_m3_h": rng.randint(200, 900)}
    return {"kg": kg, "basin": basin}


def _mgl(kg: int, vol: int) -> float:
    return round_half_up(kg * 1000 / vol, 2)


alum = Family(
    name="h11_alum",
    templates=["Dose {kg} kg of alum into basin {basin}"],
    fields={"kg": INT, "basin": Field(r"BS-\d{3}")},
    sample=sample_alum,
    plan=[
        Step("h11_basin", lambda p, r: {"basin": p["basin"]}),
        Step(
            "h11_dose_basin",
            lambda p, r: {"basin": p["basin"], "kg": p["kg"]},
            when=lambda p, r: _mgl(p["kg"], r["h11_basin"]["volume_m3"]) <= 40,
        ),
    ],
    expect=lambda p, b: (
        {"h11_doses": [{"basin": p["basin"], "kg": p["kg"]}]}
        if _mgl(p["kg"], b["h11_basins"][p["basin"]]["volume_m3"]) <= 40
        else {}
    ),
    answer=lambda p, b: (
        ["added", _mgl(p["kg"], b["h11_basins"][p["basin"]]["volume_m3"])]
        if _mgl(p["kg"], b["h11_basins"][p["basin"]]["volume_m3"]) <= 40
        else ["not dosed"]
    ),
    summary=lambda p, r: (
        f"Added {p['kg']} kg of alum to basin {p['basin']}: {_mgl(p['kg'], r['h11_basin']['volume_m3'])} mg/L."
        if "h11_dose_basin" in r
        else f"Not dosed: {p['kg']} kg in basin {p['basin']} would give "
        f"{_mgl(p['kg'], r['h11_basin']['volume_m3'])} mg/L, over 40 mg/L."
    ),
)


# ======================================== 8. film production: the shoot date inside the location permit's window
def sample_scene(rng: random.Random, w: State, i: int) -> Params:
    loc = _fresh(rng, w, "h11_locations", lambda r: f"{r.choice(PLACE_A)} {r.choice(PLACE_B)}")
    scene = f"{rng.choice(ADJ)} {rng.choice(NOUN)}"
    start = BASE + dt.timedelta(days=rng.randint(5, 40))
    length = rng.randint(6, 20)
    until = start + dt.timedelta(days=length)
    if _trap(i, rng):
        day = (
            until + dt.timedelta(days=rng.randint(1, 6))
            if rng.random() < 0.6
            else start - dt.timedelta(days=rng.randint(1, 4))
        )
    else:
        day = start + dt.timedelta(days=rng.randint(0, length))
    w.setdefault("h11_locations", {})[loc] = {
        "location": loc,
        "permit_from": start.isoformat(),
        "permit_until": until.isoformat(),
        "contact": _name(rng),
        "crew_limit": rng.randint(20, 80),
    }
    return {"scene": scene, "loc": loc, "date": day.isoformat()}


def _permit_ok(p: Params, row: dict) -> bool:
    return row["permit_from"] <= p["date"] <= row["permit_until"]


def _set_scene(s: State, a: dict) -> dict:
    s.setdefault("h11_schedule", {})[a["scene"]] = {"location": a["location"], "date": a["date"]}
    return {"scene": a["scene"], "status": "scheduled"}


scene = Family(
    name="h11_scene",
    templates=["Schedule the {scene} scene at {loc} on {date}"],
    fields={"scene": CAPWORDS, "loc": CAPWORDS, "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_scene,
    plan=[
        Step("h11_location", lambda p, r: {"location": p["loc"]}),
        Step(
            "h11_schedule_scene",
            lambda p, r: {"scene": p["scene"], "location": p["loc"], "date": p["date"]},
            when=lambda p, r: _permit_ok(p, r["h11_location"]),
        ),
    ],
    expect=lambda p, b: (
        {"h11_schedule": {p["scene"]: {"location": p["loc"], "date": p["date"]}}}
        if _permit_ok(p, b["h11_locations"][p["loc"]])
        else {}
    ),
    answer=lambda p, b: (
        ["set for", p["date"]]
        if _permit_ok(p, b["h11_locations"][p["loc"]])
        else ["permit", b["h11_locations"][p["loc"]]["permit_until"]]
    ),
    summary=lambda p, r: (
        f"The {p['scene']} scene is set for {p['date']} at {p['loc']}."
        if "h11_schedule_scene" in r
        else f"Not scheduled: the location permit for {p['loc']} runs from "
        f"{r['h11_location']['permit_from']} to {r['h11_location']['permit_until']}."
    ),
)


# ======================================== 9. film production: extras x day rate against the scene's remaining budget
def sample_extras(rng: random.Random, w: State, i: int) -> Params:
    sc = _fresh(rng, w, "h11_budgets", lambda r: f"{r.choice(ADJ)} {r.choice(NOUN)}")
    fixed = {0: (10, 120, 3000), 1: (30, 90, 4000), 2: (20, 140, 2800)}
    if i in fixed:
        n, rate, left = fixed[i]
    else:
        want = not _trap(i, rng)
        n, rate, left = _until(
            rng,
            lambda r: (r.randint(10, 30), r.randrange(90, 141, 5), r.randrange(2800, 4001, 100)),
            lambda v: (v[0] * v[1] <= v[2]) == want,
        )
    w.setdefault("h11_budgets", {})[sc] = {"scene": sc, "remaining_eur": left, "extra_day_rate_eur": rate}
    return {"n": n, "scene": sc}


def _book_extras(s: State, a: dict) -> dict:
    row = s.get("h11_budgets", {}).get(a["scene"])
    if row is None:
        raise ToolFail(f"no scene {a['scene']}")
    row["remaining_eur"] = row["remaining_eur"] - a["cost_eur"]
    s.setdefault("h11_extras", []).append({"scene": a["scene"], "extras": a["extras"], "cost_eur": a["cost_eur"]})
    return {"status": "booked", "remaining_eur": row["remaining_eur"]}


def _extras_expect(p: Params, b: State) -> dict:
    row = b["h11_budgets"][p["scene"]]
    cost = p["n"] * row["extra_day_rate_eur"]
    if cost > row["remaining_eur"]:
        return {}
    return {
        "h11_budgets": {p["scene"]: {**row, "remaining_eur": row["remaining_eur"] - cost}},
        "h11_extras": [{"scene": p["scene"], "extras": p["n"], "cost_eur": cost}],
    }


def _extras_answer(p: Params, b: State) -> list:
    row = b["h11_budgets"][p["scene"]]
    cost = p["n"] * row["extra_day_rate_eur"]
    return ["extras booked", cost] if cost <= row["remaining_eur"] else ["over budget"]


extras = Family(
    name="h11_extras",
    templates=["Book {n} extras for the {scene} shoot"],
    fields={"n": INT, "scene": CAPWORDS},
    sample=sample_extras,
    plan=[
        Step("h11_scene_budget", lambda p, r: {"scene": p["scene"]}),
        Step(
            "h11_book_extras",
            lambda p, r: {
                "scene": p["scene"],
                "extras": p["n"],
                "cost_eur": p["n"] * r["h11_scene_budget"]["extra_day_rate_eur"],
            },
            when=lambda p, r: (
                p["n"] * r["h11_scene_budget"]["extra_day_rate_eur"] <= r["h11_scene_budget"]["remaining_eur"]
            ),
        ),
    ],
    expect=_extras_expect,
    answer=_extras_answer,
    summary=lambda p, r: (
        f"{p['n']} extras booked for the {p['scene']} shoot: "
        f"{p['n'] * r['h11_scene_budget']['extra_day_rate_eur']} EUR."
        if "h11_book_extras" in r
        else f"Over budget: {p['n']} extras would cost {p['n'] * r['h11_scene_budget']['extra_day_rate_eur']} EUR, "
        f"but only {r['h11_scene_budget']['remaining_eur']} EUR remain for the {p['scene']} shoot."
    ),
)


# ======================================== 10. pharmacy recall: is the lot on the drug's recall notice (plain text)
RECALLS = {"Metoclopramide": "10 mg tablets", "Insulin Glargine": "100 units/ml pens", "Ranitidine": "150 mg tablets"}


def _recall_notice(s: State, a: dict) -> str:
    row = s.get("h11_recalls", {}).get(a["drug"])
    if row is None:
        raise ToolFail(f"no recall notice for {a['drug']}")
    return (
        f"Recall notice {row['ref']} for {a['drug']} ({row['form']}): affected lots {', '.join(row['lots'])}. "
        f"Reason: {row['reason']}."
    )


def sample_recall(rng: random.Random, w: State, i: int) -> Params:
    lot = _fresh(rng, w, "h11_lots", lambda r: f"L{r.randint(10000, 99999)}")
    drug = sorted(RECALLS)[i % 3] if i < 3 else rng.choice(sorted(RECALLS))
    notices = w.setdefault("h11_recalls", {})
    for k, (d, form) in enumerate(sorted(RECALLS.items())):
        notices.setdefault(d, {"ref": f"2026/{41 + k}", "form": form, "lots": [], "reason": "out-of-spec dissolution"})
    w.setdefault("h11_lots", {})[lot] = drug
    if _trap(i, rng):
        near = lot[:-2] + lot[-1] + lot[-2] if lot[-1] != lot[-2] else lot[:-1] + str((int(lot[-1]) + 1) % 10)
        if near not in w["h11_lots"]:
            notices[drug]["lots"].append(near)
            w["h11_lots"][near] = drug
    else:
        notices[drug]["lots"].append(lot)
    return {"lot": lot, "drug": drug}


def _recalled(p: Params, b: State) -> bool:
    return p["lot"] in b["h11_recalls"][p["drug"]]["lots"]


def _quarantine(s: State, a: dict) -> dict:
    s.setdefault("h11_quarantine", {})[a["lot"]] = a["drug"]
    return {"lot": a["lot"], "status": "quarantined"}


recall = Family(
    name="h11_recall",
    templates=["Quarantine lot {lot} of {drug} if it is recalled"],
    fields={"lot": Field(r"L\d{5}"), "drug": CAPWORDS},
    sample=sample_recall,
    plan=[
        Step("h11_recall_notice", lambda p, r: {"drug": p["drug"]}),
        Step(
            "h11_quarantine_lot",
            lambda p, r: {"lot": p["lot"], "drug": p["drug"]},
            when=lambda p, r: f" {p['lot']}," in r["h11_recall_notice"] or f" {p['lot']}." in r["h11_recall_notice"],
        ),
    ],
    expect=lambda p, b: {"h11_quarantine": {p["lot"]: p["drug"]}} if _recalled(p, b) else {},
    answer=lambda p, b: ["quarantined"] if _recalled(p, b) else ["not on the recall"],
    summary=lambda p, r: (
        f"Lot {p['lot']} of {p['drug']} quarantined."
        if "h11_quarantine_lot" in r
        else f"Lot {p['lot']} of {p['drug']} is not on the recall notice; it stays on the shelf."
    ),
)


# ======================================== 11. port customs: a question, value x tariff rate, waived under 50 EUR
TARIFFS = {
    "8471.30": ("laptops", 0),
    "6403.99": ("leather shoes", 8),
    "9403.60": ("wooden furniture", 2.7),
    "6109.10": ("cotton t-shirts", 12),
    "8516.60": ("electric ovens", 2.2),
}


def _box(r: random.Random) -> str:
    return f"{r.choice(['MSCU', 'MAEU', 'CMAU', 'HLBU'])}{r.randint(1000000, 9999999)}"


def _manifest_row(rng: random.Random, w: State, box: str, hs: str, value: int, declared: int) -> None:
    w.setdefault("h11_manifests", {})[box] = {
        "container": box,
        "goods": TARIFFS[hs][0],
        "hs_code": hs,
        "value_eur": value,
        "declared_net_kg": declared,
        "vessel": rng.choice(["Maersk Elba", "CMA CGM Rhone", "MSC Aurora"]),
    }
    for code, (desc, rate) in TARIFFS.items():
        w.setdefault("h11_tariffs", {})[code] = {"hs_code": code, "description": desc, "rate_pct": rate}


def _duty(value: float, rate: float) -> float:
    return round_half_up(value * rate / 100, 2)


def sample_duty(rng: random.Random, w: State, i: int) -> Params:
    box = _fresh(rng, w, "h11_manifests", _box)
    codes = [c for c in sorted(TARIFFS) if TARIFFS[c][1] > 0]
    fixed = {0: ("6403.99", 12000), 1: ("9403.60", 2000), 2: ("6109.10", 40000)}
    if i in fixed:
        hs, value = fixed[i]
    else:
        want = not _trap(i, rng)
        hs, value = _until(
            rng,
            lambda r: (r.choice(codes), r.randrange(2000, 40001, 50)),
            lambda v: (_duty(v[1], TARIFFS[v[0]][1]) >= 50) == want,
        )
    _manifest_row(rng, w, box, hs, value, rng.randrange(8000, 24001, 100))
    return {"box": box}


def _duty_b(p: Params, b: State) -> float:
    row = b["h11_manifests"][p["box"]]
    d = _duty(row["value_eur"], b["h11_tariffs"][row["hs_code"]]["rate_pct"])
    return d if d >= 50 else 0


def _duty_r(r: dict) -> float:
    d = _duty(r["h11_manifest"]["value_eur"], r["h11_tariff"]["rate_pct"])
    return d if d >= 50 else 0


duty = Family(
    name="h11_duty",
    templates=["What import duty is payable on container {box}?"],
    fields={"box": Field(r"[A-Z]{4}\d{7}")},
    sample=sample_duty,
    plan=[
        Step("h11_manifest", lambda p, r: {"container": p["box"]}),
        Step("h11_tariff", lambda p, r: {"hs_code": r["h11_manifest"]["hs_code"]}),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_duty_b(p, b), "payable"] if _duty_b(p, b) else ["waived"],
    summary=lambda p, r: (
        f"Duty payable on container {p['box']}: {_duty_r(r)} EUR "
        f"({r['h11_manifest']['value_eur']} EUR of {r['h11_manifest']['goods']} at {r['h11_tariff']['rate_pct']}%)."
        if _duty_r(r)
        else f"Container {p['box']}: duty waived, the "
        f"{_duty(r['h11_manifest']['value_eur'], r['h11_tariff']['rate_pct'])} EUR would be under the 50 EUR minimum."
    ),
)


# ======================================== 12. port: weighed net against the declared net, 5% either way
def sample_gatecheck(rng: random.Random, w: State, i: int) -> Params:
    box = _fresh(rng, w, "h11_manifests", _box)
    fixed = {0: (10000, 10400), 1: (20000, 19000), 2: (15000, 15300)}
    if i in fixed:
        declared, net = fixed[i]
    else:
        declared = rng.randrange(10000, 20001, 100)
        pct = rng.uniform(5.2, 9.0) if _trap(i, rng) else rng.uniform(0, 4.9)
        net = int(round(declared * (1 + rng.choice([-1, 1]) * pct / 100), -1))
    _manifest_row(rng, w, box, rng.choice(sorted(TARIFFS)), rng.randrange(2000, 40001, 50), declared)
    tare = rng.choice([2200, 2300, 3750, 3900])
    w.setdefault("h11_weighbridge", {})[box] = {"container": box, "gross_kg": net + tare, "tare_kg": tare}
    return {"box": box}


def _weigh_ok(declared: int, wb: dict) -> bool:
    return abs(wb["gross_kg"] - wb["tare_kg"] - declared) <= 0.05 * declared


def _weigh_ok_b(p: Params, b: State) -> bool:
    return _weigh_ok(b["h11_manifests"][p["box"]]["declared_net_kg"], b["h11_weighbridge"][p["box"]])


def _gap_b(p: Params, b: State) -> int:
    wb = b["h11_weighbridge"][p["box"]]
    return abs(wb["gross_kg"] - wb["tare_kg"] - b["h11_manifests"][p["box"]]["declared_net_kg"])


def _gap_r(r: dict) -> int:
    wb = r["h11_weigh"]
    return abs(wb["gross_kg"] - wb["tare_kg"] - r["h11_manifest"]["declared_net_kg"])


gatecheck = Family(
    name="h11_gatecheck",
    templates=["Release container {box} from the terminal"],
    fields={"box": Field(r"[A-Z]{4}\d{7}")},
    sample=sample_gatecheck,
    plan=[
        Step("h11_manifest", lambda p, r: {"container": p["box"]}, group="g"),
        Step("h11_weigh", lambda p, r: {"container": p["box"]}, group="g"),
        Step(
            "h11_release_container",
            lambda p, r: {"container": p["box"]},
            when=lambda p, r: _weigh_ok(r["h11_manifest"]["declared_net_kg"], r["h11_weigh"]),
        ),
        Step(
            "h11_hold_for_inspection",
            lambda p, r: {"container": p["box"], "difference_kg": _gap_r(r)},
            when=lambda p, r: not _weigh_ok(r["h11_manifest"]["declared_net_kg"], r["h11_weigh"]),
        ),
    ],
    expect=lambda p, b: (
        {"h11_released": [{"container": p["box"]}]}
        if _weigh_ok_b(p, b)
        else {"h11_inspections": [{"container": p["box"], "difference_kg": _gap_b(p, b)}]}
    ),
    answer=lambda p, b: ["released"] if _weigh_ok_b(p, b) else ["inspection", _gap_b(p, b)],
    summary=lambda p, r: (
        f"Container {p['box']} released from the terminal."
        if "h11_release_container" in r
        else f"Container {p['box']} held for inspection: its net weight is {_gap_r(r)} kg off the declared "
        f"{r['h11_manifest']['declared_net_kg']} kg."
    ),
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h11_flight",
            "A flight's aircraft, fuel on board and tank capacity (kg).",
            {"flight": str},
            _row("h11_flights", "flight", "flight"),
        ),
        Tool("h11_refuel", "Uplift fuel (kg) to a flight's aircraft.", {"flight": str, "kg": int}, _refuel),
        Tool("h11_gate_notice", "The current notice of a boarding gate (plain text).", {"gate": str}, _gate_notice),
        Tool("h11_pet", "A pet's clinic record (last vaccinations, weight).", {"owner": str, "pet": str}, _pet),
        Tool(
            "h11_book_booster",
            "Book a rabies booster appointment for a pet.",
            {"owner": str, "pet": str},
            _append("h11_boosters", "owner", "pet"),
        ),
        Tool(
            "h11_student",
            "A student's cafeteria record, with allergies.",
            {"student": str},
            _row("h11_students", "student", "student"),
        ),
        Tool(
            "h11_dish", "A cafeteria dish, its allergens and price.", {"dish": str}, _row("h11_dishes", "dish", "dish")
        ),
        Tool(
            "h11_serve_meal",
            "Serve a dish to a student and record it.",
            {"student": str, "dish": str},
            _append("h11_meals", "student", "dish"),
        ),
        Tool("h11_lunch_card", "A lunch card's balance (EUR).", {"name": str}, _row("h11_cards", "lunch card", "name")),
        Tool(
            "h11_set_card_balance", "Set a lunch card's balance (EUR).", {"name": str, "balance_eur": float}, _set_card
        ),
        Tool(
            "h11_lab_report", "The latest lab report of a treated-water tank (plain text).", {"tank": str}, _lab_report
        ),
        Tool(
            "h11_release_tank",
            "Release a tank's treated water to the network.",
            {"tank": str},
            _append("h11_releases", "tank"),
        ),
        Tool(
            "h11_basin",
            "A flocculation basin's volume (m3) and inflow.",
            {"basin": str},
            _row("h11_basins", "basin", "basin"),
        ),
        Tool(
            "h11_dose_basin",
            "Dose alum (kg) into a basin.",
            {"basin": str, "kg": int},
            _append("h11_doses", "basin", "kg"),
        ),
        Tool(
            "h11_location",
            "A filming location and its permit dates.",
            {"location": str},
            _row("h11_locations", "location", "location"),
        ),
        Tool(
            "h11_schedule_scene",
            "Set the location and date of a scene in the shooting schedule.",
            {"scene": str, "location": str, "date": str},
            _set_scene,
        ),
        Tool(
            "h11_scene_budget",
            "A scene's remaining budget and the day rate of an extra (EUR).",
            {"scene": str},
            _row("h11_budgets", "scene", "scene"),
        ),
        Tool(
            "h11_book_extras",
            "Book extras for a scene and charge its budget.",
            {"scene": str, "extras": int, "cost_eur": float},
            _book_extras,
        ),
        Tool("h11_recall_notice", "The current recall notice for a drug (plain text).", {"drug": str}, _recall_notice),
        Tool("h11_quarantine_lot", "Move a lot of a drug to quarantine.", {"lot": str, "drug": str}, _quarantine),
        Tool(
            "h11_manifest",
            "A container's manifest: goods, HS code, value, declared net weight.",
            {"container": str},
            _row("h11_manifests", "container", "container"),
        ),
        Tool(
            "h11_tariff",
            "The import duty rate (%) of an HS code.",
            {"hs_code": str},
            _row("h11_tariffs", "HS code", "hs_code"),
        ),
        Tool(
            "h11_weigh",
            "The weighbridge reading of a container: gross and tare (kg).",
            {"container": str},
            _row("h11_weighbridge", "container", "container"),
        ),
        Tool(
            "h11_release_container",
            "Release a container from the terminal.",
            {"container": str},
            _append("h11_released", "container"),
        ),
        Tool(
            "h11_hold_for_inspection",
            "Hold a container for a customs inspection.",
            {"container": str, "difference_kg": int},
            _append("h11_inspections", "container", "difference_kg"),
        ),
    ]
}

FAMILIES = [refuel, gate, booster, serve, topup, release, alum, scene, extras, recall, duty, gatecheck]
