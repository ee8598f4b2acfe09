"""Held-out probe families, round AA (issue 9): new domains, replays that state answers.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h14_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout14.py --goals 8 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used: a
veterinary clinic (a dose in mg from a weight kept in kg or in lb; boarding refused when the kennel
cough vaccine is over 365 days old on the clinic's own "as of" date), air-traffic control (a runway
status in plain text: "cleared for arrivals" against "cleared pending a friction test", "not cleared",
"cleared for departures only"), library interloans (at most 4 active interloans, returned ones do not
count; the unpaid fees of a patron, which the requests raise), school bus routing (the pupils of a
route's stops against the seats of a bus another read gives), wind turbines (a vibration reading of
the goal against the alarm limit of the turbine's model; blades that need repair, only findings at
least 1.5 mm deep), a laboratory's chain of custody (a sample quarantined, near-miss ids on the list;
the warmest storage reading in degrees Celsius, some logs kept in Fahrenheit) and a theatre box office
(seats left, cancelled bookings not counted; a booking refused when too few seats are left, which the
bookings change). Every oracle applies a hidden rule; the first four goals of a family never cross
it, later goals sometimes do. Questions that state computed figures are mixed with actions on the same
records, so a repeated question after an action must not be answered from an old run.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
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
INT = fam.INT
NUM = fam.NUM
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h14_patient": READ,
    "h14_drug": READ,
    "h14_vaccinations": READ,
    "h14_book_boarding": WRITE,
    "h14_runway_status": READ,
    "h14_assign_runway": WRITE,
    "h14_atis": READ,
    "h14_clear_to_land": WRITE,
    "h14_patron": READ,
    "h14_request_interloan": WRITE,
    "h14_bus": READ,
    "h14_route": READ,
    "h14_assign_bus": IDEMPOTENT,
    "h14_turbine": READ,
    "h14_log_vibration": WRITE,
    "h14_stop_turbine": IDEMPOTENT,
    "h14_blade_findings": READ,
    "h14_quarantine": READ,
    "h14_add_to_batch": WRITE,
    "h14_custody_log": READ,
    "h14_performance": READ,
    "h14_book_seats": WRITE,
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

    if getattr(Server.add_tool, "_h14_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h14_annotated = True  # type: ignore[attr-defined]
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


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _row(table: str, what: str, key: str) -> Callable[[State, dict], Any]:
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


# sampler memory that must not become world data (one workload per process and seed)
_PICKED: dict[tuple[int, str], set] = {}


def _picked(w: State, what: str) -> set:
    return _PICKED.setdefault((id(w), what), set())


BASE = dt.date(2026, 12, 3)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def fmt_date(d: dt.date, style: int) -> str:
    """0: 2026-12-03; 1: 3 December 2026; 2: 03/12/2026 (day first)."""
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def parse_date(text: str) -> dt.date:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    day, month, year = text.split()
    idx = next(k for k, name in enumerate(MONTHS) if name.startswith(month[:3]))
    return dt.date(int(year), idx + 1, int(day))


DATE = Field(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|\d{1,2} [A-Z][a-z]+ \d{4}")


# ======================================== 1-2. veterinary clinic: a dose in mg (the weight is kept in kg, or in lb
# for patients transferred from another clinic); boarding needs a kennel cough vaccine at most 365 days old
PETS = [
    "Biscuit",
    "Señor Pepe",
    "Mochi",
    "Zoë",
    "Captain Flint",
    "Pádraig",
    "Nala",
    "Kasimir",
    "Lulu Belle",
    "Bjørn",
    "Pistache",
    "Tofu",
    "Matilda",
    "Ödön",
    "Pepper",
    "Coco Chanel",
    "Rufus",
    "Frida",
    "Jasper",
    "Mirabelle",
    "Günther",
    "Pumpkin",
    "Élodie",
    "Bramble",
    "Sir Wigglesworth",
    "Kiki",
    "Marzipan",
    "Oskar",
    "Luna Lovegood",
    "Tiramisu",
    "Fernando",
    "Dolly",
    "Hamish",
    "Noisette",
    "Ziggy",
    "Wanda",
    "Brioche",
    "Maple",
    "Chorizo",
    "Yuki",
    "Basil",
    "Clementine",
    "Fritz",
    "Panda",
]
DRUGS = {
    "meloxicam": 0.1,
    "carprofen": 4.4,
    "gabapentin": 10.0,
    "amoxicillin": 12.5,
    "maropitant": 1.0,
    "cefalexin": 15.0,
}
LB = 0.45359237


def _pet(rng: random.Random, w: State) -> str:
    taken = _picked(w, "pets")
    name = _until(rng, lambda r: r.choice(PETS), lambda n: n not in taken)
    taken.add(name)
    return name


def _kg(row: dict) -> float:
    return row["weight"] * LB if row["weight_unit"] == "lb" else row["weight"]


def _dose(pet: dict, drug: dict) -> float:
    return round_half_up(_kg(pet) * drug["mg_per_kg"], 1)


def _seed_drugs(w: State) -> None:
    for d, mgkg in DRUGS.items():
        w.setdefault("h14_drugs", {})[d] = {"drug": d, "mg_per_kg": mgkg, "route": "oral"}


def sample_dose(rng: random.Random, w: State, i: int) -> Params:
    _seed_drugs(w)
    pet = _pet(rng, w)
    drug = rng.choice(sorted(DRUGS))
    unit = "lb" if _trap(i, rng) else "kg"

    def make(r: random.Random) -> dict:
        kg = round(r.uniform(3, 40), 1)
        weight = round(kg / LB, 1) if unit == "lb" else kg
        return {
            "patient": pet,
            "species": r.choice(["dog", "cat"]),
            "weight": weight,
            "weight_unit": unit,
            "owner": r.choice(["Okafor", "Lindqvist", "Ó Briain", "Nakamura", "Dubois"]),
        }

    row = _until(rng, make, lambda x: not is_tie(_kg(x) * DRUGS[drug], 1))
    w.setdefault("h14_patients", {})[pet] = row
    return {"drug": drug, "pet": pet, "wording": _wording(rng, i, 2)}


dose = Family(
    name="h14_dose",
    templates=[
        "How many mg of {drug} should {pet} get?",
        "Work out {pet}'s dose of {drug} in milligrams",
    ],
    fields={"drug": _one_of(sorted(DRUGS)), "pet": _one_of(PETS)},
    sample=sample_dose,
    plan=[
        Step("h14_patient", lambda p, r: {"patient": p["pet"]}, group="r"),
        Step("h14_drug", lambda p, r: {"drug": p["drug"]}, group="r"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_dose(b["h14_patients"][p["pet"]], b["h14_drugs"][p["drug"]])],
    summary=lambda p, r: (
        f"{p['pet']} ({round(_kg(r['h14_patient']), 2)} kg) should get "
        f"{_dose(r['h14_patient'], r['h14_drug'])} mg of {p['drug']}."
    ),
)


def sample_boarding(rng: random.Random, w: State, i: int) -> Params:
    pet = _pet(rng, w)
    as_of = BASE + dt.timedelta(days=rng.randint(-40, 40))
    gap = rng.randint(370, 520) if _trap(i, rng) else rng.randint(20, 340)
    w.setdefault("h14_vaccines", {})[pet] = {
        "pet": pet,
        "as_of": as_of.isoformat(),
        "rabies": fmt_date(as_of - dt.timedelta(days=rng.randint(30, 700)), rng.randrange(3)),
        "kennel_cough": fmt_date(as_of - dt.timedelta(days=gap), rng.randrange(3)),
    }
    return {"nights": rng.randint(2, 14), "pet": pet, "wording": _wording(rng, i, 2)}


def _cough_days(row: dict) -> int:
    return (parse_date(row["as_of"]) - parse_date(row["kennel_cough"])).days


def _book_boarding(s: State, a: dict) -> dict:
    if a["pet"] not in s.get("h14_vaccines", {}):
        raise ToolFail(f"no patient {a['pet']}")
    s.setdefault("h14_boarding", []).append({"pet": a["pet"], "nights": a["nights"]})
    return {"pet": a["pet"], "nights": a["nights"], "status": "booked"}


boarding = Family(
    name="h14_boarding",
    templates=[
        "Book {nights} nights of boarding for {pet}",
        "{pet} needs to board with us for {nights} nights, please arrange it",
    ],
    fields={"nights": INT, "pet": _one_of(PETS)},
    sample=sample_boarding,
    plan=[
        Step("h14_vaccinations", lambda p, r: {"pet": p["pet"]}),
        Step(
            "h14_book_boarding",
            lambda p, r: {"pet": p["pet"], "nights": p["nights"]},
            when=lambda p, r: _cough_days(r["h14_vaccinations"]) <= 365,
        ),
    ],
    expect=lambda p, b: (
        {"h14_boarding": [{"pet": p["pet"], "nights": p["nights"]}]}
        if _cough_days(b["h14_vaccines"][p["pet"]]) <= 365
        else {}
    ),
    answer=lambda p, b: (
        ["confirmed", _cough_days(b["h14_vaccines"][p["pet"]])]
        if _cough_days(b["h14_vaccines"][p["pet"]]) <= 365
        else ["refused", "lapsed", _cough_days(b["h14_vaccines"][p["pet"]])]
    ),
    summary=lambda p, r: (
        f"Boarding confirmed: {p['pet']} is booked for {p['nights']} nights (kennel cough vaccine given "
        f"{_cough_days(r['h14_vaccinations'])} days ago)."
        if "h14_book_boarding" in r
        else f"Boarding refused: {p['pet']}'s kennel cough vaccine was given {_cough_days(r['h14_vaccinations'])} "
        "days ago, so it has lapsed (the limit is 365 days)."
    ),
)


# ======================================== 3. air-traffic control: assign a flight to a runway only when the runway
# is plainly "cleared for arrivals"
AIRPORTS = ["Zürich", "Reykjavík", "São Paulo Congonhas", "Kraków", "Málaga", "Tromsø"]
RUNWAYS = ["09L", "27R", "16", "34", "04", "22"]
OK_RWY = "cleared for arrivals"
NOT_OK_RWY = {
    "cleared pending a friction test": "pending",
    "not cleared for arrivals (snow clearance)": "not cleared",
    "cleared for departures only": "departures only",
}


def _runway_status(s: State, a: dict) -> str:
    row = s.get("h14_runways", {}).get(f"{a['airport']}/{a['runway']}")
    if row is None:
        raise ToolFail(f"no runway {a['runway']} at {a['airport']}")
    return (
        f"ATIS {a['airport']} information {row['info']}, {row['time']}Z. Runway {a['runway']}: {row['status']}. "
        f"Wind {row['wind']}. QNH {row['qnh']}."
    )


def sample_runway(rng: random.Random, w: State, i: int) -> Params:
    taken = _picked(w, "runways")
    airport, runway = _until(
        rng, lambda r: (r.choice(AIRPORTS), r.choice(RUNWAYS)), lambda v: f"{v[0]}/{v[1]}" not in taken
    )
    key = f"{airport}/{runway}"
    taken.add(key)
    status = rng.choice(sorted(NOT_OK_RWY)) if _trap(i, rng) else OK_RWY
    w.setdefault("h14_runways", {})[key] = {
        "info": rng.choice("ABCDEFGHKLMP"),
        "time": f"{rng.randint(0, 23):02d}{rng.choice(['20', '50'])}",
        "status": status,
        "wind": f"{rng.randrange(10, 360, 10):03d}/{rng.randint(3, 25)}KT",
        "qnh": rng.randint(992, 1032),
    }
    flight = f"{rng.choice(['LX', 'FI', 'LA', 'LO', 'IB', 'SK'])}{rng.randint(100, 9999)}"
    return {"flight": flight, "runway": runway, "airport": airport, "wording": _wording(rng, i, 2)}


def _cleared(text: str) -> bool:
    return bool(re.search(r"Runway \w+: cleared for arrivals\.", text))


def _rwy_status(text: str) -> str:
    m = re.search(r"Runway \w+: ([^.]*)\.", text)
    return m.group(1) if m else text


def _assign_runway(s: State, a: dict) -> dict:
    if f"{a['airport']}/{a['runway']}" not in s.get("h14_runways", {}):
        raise ToolFail(f"no runway {a['runway']} at {a['airport']}")
    s.setdefault("h14_assignments", []).append({"flight": a["flight"], "airport": a["airport"], "runway": a["runway"]})
    return {"flight": a["flight"], "runway": a["runway"], "status": "assigned"}


runway = Family(
    name="h14_runway",
    templates=[
        "Assign flight {flight} to runway {runway} at {airport}",
        "Put {flight} on runway {runway} for its arrival at {airport}",
    ],
    fields={"flight": Field(r"[A-Z]{2}\d{3,4}"), "runway": _one_of(RUNWAYS), "airport": _one_of(AIRPORTS)},
    sample=sample_runway,
    plan=[
        Step("h14_runway_status", lambda p, r: {"airport": p["airport"], "runway": p["runway"]}),
        Step(
            "h14_assign_runway",
            lambda p, r: {"flight": p["flight"], "airport": p["airport"], "runway": p["runway"]},
            when=lambda p, r: _cleared(r["h14_runway_status"]),
        ),
    ],
    expect=lambda p, b: (
        {"h14_assignments": [{"flight": p["flight"], "airport": p["airport"], "runway": p["runway"]}]}
        if b["h14_runways"][f"{p['airport']}/{p['runway']}"]["status"] == OK_RWY
        else {}
    ),
    answer=lambda p, b: (
        ["assigned", p["flight"]]
        if b["h14_runways"][f"{p['airport']}/{p['runway']}"]["status"] == OK_RWY
        else [NOT_OK_RWY[b["h14_runways"][f"{p['airport']}/{p['runway']}"]["status"]]]
    ),
    summary=lambda p, r: (
        f"Flight {p['flight']} is assigned to runway {p['runway']} at {p['airport']}."
        if "h14_assign_runway" in r
        else f"Flight {p['flight']} was not put on runway {p['runway']}: the runway is "
        f"{_rwy_status(r['h14_runway_status'])}."
    ),
)


# ======================================== 3b. air-traffic control, the whole board: an airport's ATIS lists every
# runway with its status; a flight is cleared to land only on a runway that is itself "cleared for arrivals"
BOARD_AIRPORTS = [
    "Bergen Flesland",
    "Sevilla",
    "Poznań",
    "Göteborg Landvetter",
    "Bordeaux Mérignac",
    "Innsbruck",
    "Faro",
    "Brno",
    "Luleå",
    "Cork",
    "Genève",
    "Bilbao",
    "Wrocław",
    "Aalborg",
    "Nantes",
    "Graz",
    "Tampere",
    "Lyon Saint-Exupéry",
    "Santiago de Compostela",
    "Katowice",
    "Billund",
    "Shannon",
    "Salzburg",
    "Trondheim Værnes",
]
BOARD_RUNWAYS = ["04", "22", "16", "34", "09", "27"]
BOARD_STATUS = {
    "cleared for arrivals": "",
    "cleared for departures only": "departures only",
    "closed (snow clearance)": "closed",
    "cleared pending a friction test": "pending",
}


def sample_atis(rng: random.Random, w: State, i: int) -> Params:
    boards = w.setdefault("h14_atis", {})
    airport = _until(rng, lambda r: r.choice(BOARD_AIRPORTS), lambda a: a not in boards)
    rwys = rng.sample(BOARD_RUNWAYS, 3)
    goal = rng.choice(rwys)
    trap = _trap(i, rng)
    statuses = {}
    for rw in rwys:
        if rw == goal:
            statuses[rw] = rng.choice(sorted(BOARD_STATUS)[1:]) if trap else "cleared for arrivals"
        else:
            statuses[rw] = rng.choice(sorted(BOARD_STATUS))
    if trap and "cleared for arrivals" not in statuses.values():
        statuses[next(rw for rw in rwys if rw != goal)] = "cleared for arrivals"
    boards[airport] = {
        "info": rng.choice("ABCDEFGHKLMP"),
        "time": f"{rng.randint(0, 23):02d}{rng.choice(['20', '50'])}",
        "runways": [{"runway": rw, "status": statuses[rw]} for rw in rwys],
        "wind": f"{rng.randrange(10, 360, 10):03d}/{rng.randint(3, 25):02d}KT",
        "qnh": rng.randint(992, 1032),
    }
    flight = f"{rng.choice(['SK', 'VY', 'LO', 'EI', 'AF', 'OS'])}{rng.randint(100, 9999)}"
    return {"flight": flight, "runway": goal, "airport": airport, "wording": 0 if rng.random() < 0.85 else 1}


def _atis(s: State, a: dict) -> str:
    row = s.get("h14_atis", {}).get(a["airport"])
    if row is None:
        raise ToolFail(f"no ATIS for {a['airport']}")
    board = "; ".join(f"Runway {x['runway']}: {x['status']}" for x in row["runways"])
    return (
        f"{a['airport']} ATIS information {row['info']} at {row['time']}Z. {board}. Wind {row['wind']}, "
        f"QNH {row['qnh']}."
    )


def _board_status(p: Params, b: State) -> str:
    return next(x["status"] for x in b["h14_atis"][p["airport"]]["runways"] if x["runway"] == p["runway"])


def _board_status_r(p: Params, text: str) -> str:
    m = re.search(rf"Runway {p['runway']}: ([^;.]*)[;.]", text)
    return m.group(1) if m else ""


def _clear_to_land(s: State, a: dict) -> dict:
    if a["airport"] not in s.get("h14_atis", {}):
        raise ToolFail(f"no airport {a['airport']}")
    s.setdefault("h14_landings", []).append({"flight": a["flight"], "airport": a["airport"], "runway": a["runway"]})
    return {"flight": a["flight"], "runway": a["runway"], "status": "cleared to land"}


atis = Family(
    name="h14_atis",
    templates=[
        "Clear {flight} to land on runway {runway} at {airport}",
        "Flight {flight} wants runway {runway} at {airport}: clear it to land",
    ],
    fields={"flight": Field(r"[A-Z]{2}\d{3,4}"), "runway": _one_of(BOARD_RUNWAYS), "airport": _one_of(BOARD_AIRPORTS)},
    sample=sample_atis,
    plan=[
        Step("h14_atis", lambda p, r: {"airport": p["airport"]}),
        Step(
            "h14_clear_to_land",
            lambda p, r: {"flight": p["flight"], "airport": p["airport"], "runway": p["runway"]},
            when=lambda p, r: _board_status_r(p, r["h14_atis"]) == "cleared for arrivals",
        ),
    ],
    expect=lambda p, b: (
        {"h14_landings": [{"flight": p["flight"], "airport": p["airport"], "runway": p["runway"]}]}
        if _board_status(p, b) == "cleared for arrivals"
        else {}
    ),
    answer=lambda p, b: (
        ["cleared to land", p["flight"]]
        if _board_status(p, b) == "cleared for arrivals"
        else ["refused", BOARD_STATUS[_board_status(p, b)]]
    ),
    summary=lambda p, r: (
        f"Flight {p['flight']} is cleared to land on runway {p['runway']} at {p['airport']}."
        if "h14_clear_to_land" in r
        else f"Refused: runway {p['runway']} at {p['airport']} is {_board_status_r(p, r['h14_atis'])}, so "
        f"{p['flight']} must use another runway."
    ),
)


# ======================================== 4-5. library interloans: at most 4 active interloans per patron (returned
# ones do not count); the unpaid fees of a patron (a request adds an unpaid fee of 2.50)
TITLES = [
    "Die Blechtrommel",
    "Cien años de soledad",
    "Le Petit Prince",
    "Pan Tadeusz",
    "Njáls saga",
    "The Waves",
    "Kristin Lavransdatter",
    "Il Gattopardo",
    "Os Lusíadas",
    "Seven Gothic Tales",
    "Der Zauberberg",
    "Madame Bovary",
]
FEES = [1.5, 2.5, 3.0, 4.75, 0.8]
LIMIT = 4


def _seed_patrons(rng: random.Random, w: State) -> None:
    if "h14_patrons" in w:
        return
    for k in range(14):
        card = f"P-{10200 + 37 * k + rng.randint(0, 30)}"
        kind = ["light", "light", "full", "paying"][k % 4]  # light: 0-2 active, full: 4 active, paying: some paid
        loans = []
        active = {"light": rng.randint(0, 2), "full": LIMIT, "paying": rng.randint(0, 2)}[kind]
        for _ in range(active):
            loans.append({"title": rng.choice(TITLES), "status": "active", "fee_eur": rng.choice(FEES), "paid": False})
        for _ in range(rng.randint(1, 5)):
            paid = kind == "paying" and rng.random() < 0.6
            loans.append({"title": rng.choice(TITLES), "status": "returned", "fee_eur": rng.choice(FEES), "paid": paid})
        if kind == "paying" and not any(x["paid"] for x in loans):
            loans[-1]["paid"] = True
        rng.shuffle(loans)
        w.setdefault("h14_patrons", {})[card] = {"card": card, "kind": kind, "interloans": loans}


def _active(row: dict) -> int:
    return sum(1 for x in row["interloans"] if x["status"] == "active")


def _owed(row: dict) -> float:
    return round_half_up(sum(x["fee_eur"] for x in row["interloans"] if not x["paid"]), 2)


def _cards(w: State, kind: str) -> list[str]:
    return sorted(c for c, r in w["h14_patrons"].items() if r["kind"] == kind)


def sample_interloan(rng: random.Random, w: State, i: int) -> Params:
    _seed_patrons(rng, w)
    pool = _cards(w, "full") if _trap(i, rng) else _cards(w, "light") + _cards(w, "paying")
    taken = _picked(w, "interloan")
    free = [c for c in pool if c not in taken] or pool
    card = rng.choice(free)
    taken.add(card)
    return {"title": rng.choice(TITLES), "card": card, "wording": _wording(rng, i, 2)}


def _request_interloan(s: State, a: dict) -> dict:
    row = s.get("h14_patrons", {}).get(a["card"])
    if row is None:
        raise ToolFail(f"no patron {a['card']}")
    row["interloans"].append({"title": a["title"], "status": "active", "fee_eur": 2.5, "paid": False})
    return {"card": a["card"], "title": a["title"], "status": "requested", "fee_eur": 2.5}


def _after_request(p: Params, row: dict) -> dict:
    new = {"title": p["title"], "status": "active", "fee_eur": 2.5, "paid": False}
    return {**row, "interloans": [*row["interloans"], new]}


interloan = Family(
    name="h14_interloan",
    templates=[
        "Request '{title}' on interloan for patron {card}",
        "Patron {card} would like '{title}' from another library: place the interloan",
    ],
    fields={"title": fam.QUOTED, "card": Field(r"P-\d{5}")},
    sample=sample_interloan,
    plan=[
        Step("h14_patron", lambda p, r: {"card": p["card"]}),
        Step(
            "h14_request_interloan",
            lambda p, r: {"card": p["card"], "title": p["title"]},
            when=lambda p, r: _active(r["h14_patron"]) < LIMIT,
        ),
    ],
    expect=lambda p, b: (
        {"h14_patrons": {p["card"]: _after_request(p, b["h14_patrons"][p["card"]])}}
        if _active(b["h14_patrons"][p["card"]]) < LIMIT
        else {}
    ),
    answer=lambda p, b: (
        ["requested", _active(b["h14_patrons"][p["card"]]) + 1]
        if _active(b["h14_patrons"][p["card"]]) < LIMIT
        else ["limit", LIMIT]
    ),
    summary=lambda p, r: (
        f"Requested '{p['title']}' for patron {p['card']}, who now has {_active(r['h14_patron']) + 1} active "
        "interloans."
        if "h14_request_interloan" in r
        else f"Not requested: patron {p['card']} already has {_active(r['h14_patron'])} active interloans, the limit."
    ),
)


def sample_fees(rng: random.Random, w: State, i: int) -> Params:
    _seed_patrons(rng, w)
    pool = _cards(w, "paying") if _trap(i, rng) else _cards(w, "light")
    requested = [c for c in pool if c in _picked(w, "interloan")]
    if requested and rng.random() < 0.6:  # a patron an interloan goal of this workload changes
        pool = requested
    pool = [c for c in pool if _owed(w["h14_patrons"][c]) > 0] or pool
    return {"card": rng.choice(pool), "wording": _wording(rng, i, 2)}


fees = Family(
    name="h14_fees",
    templates=[
        "How much does patron {card} owe in interloan fees?",
        "What is the total of unpaid interloan fees for patron {card}?",
    ],
    fields={"card": Field(r"P-\d{5}")},
    sample=sample_fees,
    plan=[Step("h14_patron", lambda p, r: {"card": p["card"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_owed(b["h14_patrons"][p["card"]])],
    summary=lambda p, r: f"Patron {p['card']} owes {_owed(r['h14_patron']):.2f} EUR in unpaid interloan fees.",
)


# ======================================== 6. school bus routing: a bus takes a route only if its seats hold every
# pupil of the route's stops (two reads)
ROUTES = ["Écoles du Lac", "Grundschule Süd", "Colegio San José", "St. Brigid's", "Skolen ved Fjorden", "Lycée Molière"]
BUSES = [f"Bus {n}" for n in (3, 7, 11, 14, 19, 22, 28, 31)]
STOPS = ["Mill Lane", "Kirchplatz", "Plaza Mayor", "Søndergade", "Rue Haute", "Old Forge", "Bahnhof", "Quay Street"]


def _seed_buses(rng: random.Random, w: State) -> None:
    if "h14_buses" in w:
        return
    for b in BUSES:
        w.setdefault("h14_buses", {})[b] = {
            "bus": b,
            "seats": rng.choice([24, 33, 41, 49, 57]),
            "wheelchair_places": rng.randint(0, 2),
            "depot": rng.choice(["North", "Harbour"]),
        }
    for route in ROUTES:
        stops = [
            {"stop": s, "pupils": rng.randint(2, 12), "time": f"07:{10 + 4 * k:02d}"}
            for k, s in enumerate(rng.sample(STOPS, rng.randint(2, 6)))
        ]
        w.setdefault("h14_routes", {})[route] = {"route": route, "bus": None, "stops": stops}
    # a small bus and two long routes, so that some pairs do not fit
    w["h14_buses"][rng.choice(BUSES)]["seats"] = 24
    for route in rng.sample(ROUTES, 2):
        row = w["h14_routes"][route]
        while _pupils(row) <= 30:
            row["stops"][rng.randrange(len(row["stops"]))]["pupils"] += 3


def _pupils(route: dict) -> int:
    return sum(s["pupils"] for s in route["stops"])


def sample_bus(rng: random.Random, w: State, i: int) -> Params:
    _seed_buses(rng, w)
    trap = _trap(i, rng)

    def ok(v: tuple) -> bool:
        seats, pupils = w["h14_buses"][v[0]]["seats"], _pupils(w["h14_routes"][v[1]])
        return seats < pupils if trap else seats >= pupils

    bus, route = _until(rng, lambda r: (r.choice(BUSES), r.choice(ROUTES)), ok)
    return {"bus": bus, "route": route, "wording": _wording(rng, i, 2)}


def _assign_bus(s: State, a: dict) -> dict:
    row = s.get("h14_routes", {}).get(a["route"])
    if row is None or a["bus"] not in s.get("h14_buses", {}):
        raise ToolFail(f"no route {a['route']} or no bus {a['bus']}")
    row["bus"] = a["bus"]
    return {"route": a["route"], "bus": a["bus"], "status": "assigned"}


def _fits(p: Params, b: State) -> bool:
    return b["h14_buses"][p["bus"]]["seats"] >= _pupils(b["h14_routes"][p["route"]])


bus = Family(
    name="h14_bus",
    templates=[
        "Assign {bus} to the {route} school route",
        "Can {bus} run the {route} route? If so, assign it",
    ],
    fields={"bus": _one_of(BUSES), "route": _one_of(ROUTES)},
    sample=sample_bus,
    plan=[
        Step("h14_bus", lambda p, r: {"bus": p["bus"]}, group="r"),
        Step("h14_route", lambda p, r: {"route": p["route"]}, group="r"),
        Step(
            "h14_assign_bus",
            lambda p, r: {"route": p["route"], "bus": p["bus"]},
            when=lambda p, r: r["h14_bus"]["seats"] >= _pupils(r["h14_route"]),
        ),
    ],
    expect=lambda p, b: (
        {"h14_routes": {p["route"]: {**b["h14_routes"][p["route"]], "bus": p["bus"]}}}
        if _fits(p, b) and b["h14_routes"][p["route"]]["bus"] != p["bus"]
        else {}
    ),
    answer=lambda p, b: (
        ["assigned", _pupils(b["h14_routes"][p["route"]])]
        if _fits(p, b)
        else ["too small", _pupils(b["h14_routes"][p["route"]]), b["h14_buses"][p["bus"]]["seats"]]
    ),
    summary=lambda p, r: (
        f"{p['bus']} is assigned to the {p['route']} route: {_pupils(r['h14_route'])} pupils, "
        f"{r['h14_bus']['seats']} seats."
        if "h14_assign_bus" in r
        else f"{p['bus']} is too small for the {p['route']} route: {_pupils(r['h14_route'])} pupils but only "
        f"{r['h14_bus']['seats']} seats."
    ),
)


# ======================================== 7-8. wind turbines: a vibration reading above the model's alarm limit
# stops the turbine (the reading is logged either way); blades needing repair (findings at least 1.5 mm deep)
MODELS = {"V90": 4.5, "SWT-2.3": 7.1, "E-82": 11.0, "N117": 7.1, "G114": 4.5}
TURBINES = [f"WTG-{n:02d}" for n in range(1, 19)]


def _seed_turbines(rng: random.Random, w: State) -> None:
    if "h14_turbines" in w:
        return
    models = sorted(MODELS)
    for k, t in enumerate(TURBINES):
        model = models[k % len(models)]
        w.setdefault("h14_turbines", {})[t] = {
            "turbine": t,
            "model": model,
            "alarm_mm_s": MODELS[model],
            "status": "running",
            "hub_height_m": rng.choice([80, 95, 105, 120]),
        }


def sample_vibration(rng: random.Random, w: State, i: int) -> Params:
    _seed_turbines(rng, w)
    trap = _trap(i, rng)
    if trap:
        t = rng.choice([x for x in TURBINES if w["h14_turbines"][x]["alarm_mm_s"] < 11])
        alarm = w["h14_turbines"][t]["alarm_mm_s"]
        v = round(rng.uniform(alarm + 0.2, min(alarm + 3.5, 10.5)), 1)
    else:
        t = rng.choice(TURBINES)
        alarm = w["h14_turbines"][t]["alarm_mm_s"]
        v = round(rng.uniform(0.8, alarm - 0.2), 1)
    return {"v": v, "turbine": t, "wording": _wording(rng, i, 2)}


def _log_vibration(s: State, a: dict) -> dict:
    if a["turbine"] not in s.get("h14_turbines", {}):
        raise ToolFail(f"no turbine {a['turbine']}")
    s.setdefault("h14_vibration_log", []).append({"turbine": a["turbine"], "mm_s": a["mm_s"]})
    return {"turbine": a["turbine"], "mm_s": a["mm_s"], "status": "logged"}


def _stop_turbine(s: State, a: dict) -> dict:
    row = s.get("h14_turbines", {}).get(a["turbine"])
    if row is None:
        raise ToolFail(f"no turbine {a['turbine']}")
    row["status"] = "stopped"
    return {"turbine": a["turbine"], "status": "stopped"}


def _over(p: Params, row: dict) -> bool:
    return float(p["v"]) > row["alarm_mm_s"]


def _vibration_expect(p: Params, b: State) -> dict:
    row = b["h14_turbines"][p["turbine"]]
    out: dict = {"h14_vibration_log": [{"turbine": p["turbine"], "mm_s": p["v"]}]}
    if _over(p, row) and row["status"] != "stopped":
        out["h14_turbines"] = {p["turbine"]: {**row, "status": "stopped"}}
    return out


vibration = Family(
    name="h14_vibration",
    templates=[
        "Log a vibration reading of {v} mm/s on turbine {turbine}",
        "Turbine {turbine} measured {v} mm/s of vibration: record it",
    ],
    fields={"v": NUM, "turbine": Field(r"WTG-\d{2}")},
    sample=sample_vibration,
    plan=[
        Step("h14_turbine", lambda p, r: {"turbine": p["turbine"]}),
        Step("h14_log_vibration", lambda p, r: {"turbine": p["turbine"], "mm_s": p["v"]}),
        Step(
            "h14_stop_turbine",
            lambda p, r: {"turbine": p["turbine"]},
            when=lambda p, r: _over(p, r["h14_turbine"]),
        ),
    ],
    expect=_vibration_expect,
    answer=lambda p, b: ["logged", "stopped"] if _over(p, b["h14_turbines"][p["turbine"]]) else ["logged", "within"],
    summary=lambda p, r: (
        f"Logged {p['v']} mm/s on {p['turbine']}: above its alarm limit of {r['h14_turbine']['alarm_mm_s']} mm/s, "
        "so the turbine is stopped."
        if "h14_stop_turbine" in r
        else f"Logged {p['v']} mm/s on {p['turbine']}: within its alarm limit of {r['h14_turbine']['alarm_mm_s']} mm/s."
    ),
)

DEFECTS = ["leading-edge erosion", "trailing-edge crack", "lightning strike damage", "laminate delamination"]
REPAIR_MM = 1.5


def sample_blades(rng: random.Random, w: State, i: int) -> Params:
    _seed_turbines(rng, w)
    taken = _picked(w, "blades")
    t = _until(rng, lambda r: r.choice(TURBINES), lambda x: x not in taken)
    taken.add(t)
    trap = _trap(i, rng)
    blades = sorted(rng.sample(["A", "B", "C"], rng.randint(1, 3)))
    findings = [
        {"blade": bl, "defect": rng.choice(DEFECTS), "depth_mm": round(rng.uniform(1.6, 6.0), 1)} for bl in blades
    ]
    if trap:
        for f in rng.sample(findings, rng.randint(1, len(findings))):
            f["depth_mm"] = round(rng.uniform(0.2, 1.4), 1)
    w.setdefault("h14_blades", {})[t] = {
        "turbine": t,
        "inspected": fmt_date(BASE - dt.timedelta(days=rng.randint(1, 60)), 0),
        "findings": findings,
    }
    return {"turbine": t, "wording": _wording(rng, i, 2)}


def _repairs(row: dict) -> list[str]:
    return [f["blade"] for f in row["findings"] if f["depth_mm"] >= REPAIR_MM]


blades = Family(
    name="h14_blades",
    templates=[
        "How many blades of turbine {turbine} need repair?",
        "Turbine {turbine}: count the blades due for repair after the last inspection",
    ],
    fields={"turbine": Field(r"WTG-\d{2}")},
    sample=sample_blades,
    plan=[Step("h14_blade_findings", lambda p, r: {"turbine": p["turbine"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [len(_repairs(b["h14_blades"][p["turbine"]]))],
    summary=lambda p, r: (
        f"{len(_repairs(r['h14_blade_findings']))} blades of {p['turbine']} need repair"
        + (f" ({', '.join(_repairs(r['h14_blade_findings']))})." if _repairs(r["h14_blade_findings"]) else ".")
    ),
)


# ======================================== 9-10. laboratory chain of custody: a quarantined sample is not sent (the
# list holds near-miss ids); the warmest storage reading in degrees Celsius (some logs are kept in Fahrenheit)
LABS = ["Labor Dr. Weiß", "Laboratoire Pasteur-Nord", "Clínica Ñuñoa Lab", "Ålesund Biobank", "Institut Mérieux Sud"]


def _sample_id(rng: random.Random, w: State) -> str:
    taken = _picked(w, "sample_ids")
    sid = _until(rng, lambda r: f"S-{r.randint(10000, 99999)}", lambda x: x not in taken)
    taken.add(sid)
    return sid


def _near(rng: random.Random, sid: str, w: State) -> list[str]:
    digits = sid[2:]
    swapped = (
        digits[:3] + digits[4] + digits[3] if digits[3] != digits[4] else digits[:4] + str((int(digits[4]) + 1) % 10)
    )
    cands = [f"{sid}-B", f"S-{swapped}", f"{sid}A", f"S-{digits[1:]}{digits[0]}"]
    taken = _picked(w, "sample_ids")
    return [c for c in cands if c != sid and c not in taken]


def sample_courier(rng: random.Random, w: State, i: int) -> Params:
    lab = rng.choice(LABS)
    sid = _sample_id(rng, w)
    row = w.setdefault("h14_quarantine", {}).setdefault(
        lab, {"lab": lab, "updated": fmt_date(BASE - dt.timedelta(days=1), 0), "quarantined": []}
    )
    near = rng.sample(_near(rng, sid, w), 2)
    row["quarantined"].extend(near)
    if _trap(i, rng):
        row["quarantined"].append(sid)
    rng.shuffle(row["quarantined"])
    return {"sample": sid, "lab": lab, "wording": _wording(rng, i, 2)}


def _add_to_batch(s: State, a: dict) -> dict:
    if a["lab"] not in s.get("h14_quarantine", {}):
        raise ToolFail(f"no lab {a['lab']}")
    s.setdefault("h14_batch", []).append({"lab": a["lab"], "sample": a["sample"]})
    return {"lab": a["lab"], "sample": a["sample"], "status": "added", "courier": "17:30"}


def _held(p: Params, row: dict) -> bool:
    return p["sample"] in row["quarantined"]


courier = Family(
    name="h14_courier",
    templates=[
        "Add sample {sample} to today's courier batch for {lab}",
        "Send sample {sample} to {lab} with the courier",
    ],
    fields={"sample": Field(r"S-\d{5}"), "lab": _one_of(LABS)},
    sample=sample_courier,
    plan=[
        Step("h14_quarantine", lambda p, r: {"lab": p["lab"]}),
        Step(
            "h14_add_to_batch",
            lambda p, r: {"lab": p["lab"], "sample": p["sample"]},
            when=lambda p, r: not _held(p, r["h14_quarantine"]),
        ),
    ],
    expect=lambda p, b: (
        {} if _held(p, b["h14_quarantine"][p["lab"]]) else {"h14_batch": [{"lab": p["lab"], "sample": p["sample"]}]}
    ),
    answer=lambda p, b: ["quarantined"] if _held(p, b["h14_quarantine"][p["lab"]]) else ["added", p["sample"]],
    summary=lambda p, r: (
        f"Sample {p['sample']} is added to today's courier batch for {p['lab']}."
        if "h14_add_to_batch" in r
        else f"Sample {p['sample']} was not sent: it is quarantined at {p['lab']}."
    ),
)

HOLDERS = ["reception", "courier Jiří", "cold room 2", "bench Aoife", "freezer F-3", "courier Maëlle"]


def _celsius(e: dict) -> float:
    return (e["temp"] - 32) / 1.8 if e["unit"] == "F" else e["temp"]


def _warmest(row: dict) -> float:
    return round_half_up(max(_celsius(e) for e in row["entries"]), 1)


def sample_coldchain(rng: random.Random, w: State, i: int) -> Params:
    sid = _sample_id(rng, w)
    trap = _trap(i, rng)

    def make(r: random.Random) -> list:
        n = r.randint(2, 6)
        start = dt.datetime(2026, 11, 20, 8, 0) + dt.timedelta(hours=r.randint(0, 200))
        out = []
        for k in range(n):
            c = round(r.uniform(2.0, 7.8), 1)
            e = {
                "at": (start + dt.timedelta(hours=5 * k)).strftime("%Y-%m-%d %H:%M"),
                "holder": r.choice(HOLDERS),
                "temp": c,
                "unit": "C",
            }
            out.append(e)
        if trap:
            for e in r.sample(out, r.randint(1, n)):
                e["temp"], e["unit"] = round(e["temp"] * 1.8 + 32, 1), "F"
        return out

    entries = _until(rng, make, lambda es: not is_tie(max(_celsius(e) for e in es), 1))
    w.setdefault("h14_custody", {})[sid] = {
        "sample": sid,
        "matrix": rng.choice(["serum", "plasma"]),
        "entries": entries,
    }
    return {"sample": sid, "wording": _wording(rng, i, 2)}


coldchain = Family(
    name="h14_coldchain",
    templates=[
        "What was the warmest storage reading for sample {sample}, in degrees Celsius?",
        "Sample {sample}: highest temperature on its custody log in Celsius?",
    ],
    fields={"sample": Field(r"S-\d{5}")},
    sample=sample_coldchain,
    plan=[Step("h14_custody_log", lambda p, r: {"sample": p["sample"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_warmest(b["h14_custody"][p["sample"]])],
    summary=lambda p, r: (
        f"The warmest reading for sample {p['sample']} was {_warmest(r['h14_custody_log'])} degrees Celsius."
    ),
)


# ======================================== 11-12. theatre box office: seats left (cancelled bookings do not count);
# a booking is refused when too few seats are left (and changes the seats left)
SHOWS = ["The Cherry Orchard", "Cyrano de Bergerac", "Peer Gynt", "Yerma", "Woyzeck", "Le Malade imaginaire"]


def _perf_key(show: str, day: str) -> str:
    return f"{show}@{day}"


def _seed_shows(rng: random.Random, w: State) -> None:
    if "h14_shows" in w:
        return
    for k, show in enumerate(SHOWS):
        for d in sorted(rng.sample(range(3, 40), 3)):
            day = (BASE + dt.timedelta(days=d)).isoformat()
            capacity = rng.choice([120, 240, 420, 610])
            kind = ["open", "cancels", "tight"][(k + d) % 3]
            bookings = []
            left = capacity
            target = rng.randint(6, 18) if kind == "tight" else rng.randint(capacity // 3, capacity // 2)
            n = 0
            while left - target > 0:
                seats = min(rng.randint(1, 40), left - target)
                n += 1
                bookings.append({"ref": f"BK-{7000 + 97 * k + 5 * d + n}", "seats": seats, "status": "confirmed"})
                left -= seats
            if kind == "cancels":
                for bk in rng.sample(bookings, min(2, len(bookings))):
                    bk["status"] = "cancelled"
            w.setdefault("h14_shows", {})[_perf_key(show, day)] = {
                "show": show,
                "date": day,
                "capacity": capacity,
                "kind": kind,
                "bookings": bookings,
            }


def _left(row: dict) -> int:
    return row["capacity"] - sum(b["seats"] for b in row["bookings"] if b["status"] == "confirmed")


def _perf_by_kind(w: State, kinds: set[str]) -> list[str]:
    return sorted(k for k, r in w["h14_shows"].items() if r["kind"] in kinds)


def sample_seats_left(rng: random.Random, w: State, i: int) -> Params:
    _seed_shows(rng, w)
    pool = _perf_by_kind(w, {"cancels"} if _trap(i, rng) else {"open", "tight"})
    booked = [k for k in pool if k in _picked(w, "booked")]
    if booked and rng.random() < 0.6:  # a performance a booking goal of this workload changes
        pool = booked
    key = rng.choice(pool)
    row = w["h14_shows"][key]
    style = _wording(rng, i, 3)
    return {"show": row["show"], "date": fmt_date(dt.date.fromisoformat(row["date"]), style), "wording": i % 2}


def _perf(s: State, a: dict) -> dict:
    try:
        day = parse_date(a["date"]).isoformat()
    except (ValueError, StopIteration):
        raise ToolFail(f"not a date: {a['date']}") from None
    row = s.get("h14_shows", {}).get(_perf_key(a["show"], day))
    if row is None:
        raise ToolFail(f"no performance of {a['show']} on {a['date']}")
    return {k: v for k, v in row.items() if k != "kind"}


def _row_of(p: Params, b: State) -> dict:
    return b["h14_shows"][_perf_key(p["show"], parse_date(p["date"]).isoformat())]


seats_left = Family(
    name="h14_seats_left",
    templates=[
        "How many seats are left for {show} on {date}?",
        "Seats still available for the {date} performance of {show}?",
    ],
    fields={"show": _one_of(SHOWS), "date": DATE},
    sample=sample_seats_left,
    plan=[Step("h14_performance", lambda p, r: {"show": p["show"], "date": p["date"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_left(_row_of(p, b))],
    summary=lambda p, r: f"{_left(r['h14_performance'])} seats are left for {p['show']} on {p['date']}.",
)


def sample_book_seats(rng: random.Random, w: State, i: int) -> Params:
    _seed_shows(rng, w)
    trap = _trap(i, rng)
    key = rng.choice(_perf_by_kind(w, {"tight"} if trap else {"open", "cancels"}))
    _picked(w, "booked").add(key)
    row = w["h14_shows"][key]
    n = rng.randint(_left(row) + 1, _left(row) + 12) if trap else rng.randint(2, 9)
    style = _wording(rng, i, 3)
    return {
        "n": n,
        "show": row["show"],
        "date": fmt_date(dt.date.fromisoformat(row["date"]), style),
        "name": rng.choice(["Okonkwo", "Fairweather", "Dubois", "Nakamura", "Østergaard", "Ruiz"]),
        "wording": i % 2,
    }


def _book_seats(s: State, a: dict) -> dict:
    row = s.get("h14_shows", {}).get(_perf_key(a["show"], parse_date(a["date"]).isoformat()))
    if row is None:
        raise ToolFail(f"no performance of {a['show']} on {a['date']}")
    ref = f"BK-{9000 + len(s.get('h14_sales', []))}"
    row["bookings"].append({"ref": ref, "seats": a["seats"], "status": "confirmed"})
    s.setdefault("h14_sales", []).append({"show": a["show"], "seats": a["seats"], "name": a["name"]})
    return {"ref": ref, "show": a["show"], "seats": a["seats"], "status": "confirmed"}


def _book_expect(p: Params, b: State) -> dict:
    row = _row_of(p, b)
    if p["n"] > _left(row):
        return {}
    ref = f"BK-{9000 + len(b.get('h14_sales', []))}"
    new = {**row, "bookings": [*row["bookings"], {"ref": ref, "seats": p["n"], "status": "confirmed"}]}
    return {
        "h14_shows": {_perf_key(p["show"], row["date"]): new},
        "h14_sales": [{"show": p["show"], "seats": p["n"], "name": p["name"]}],
    }


book_seats = Family(
    name="h14_book_seats",
    templates=[
        "Book {n} seats for {show} on {date} under the name {name}",
        "{name} wants {n} tickets for {show} on {date}: book them",
    ],
    fields={"n": INT, "show": _one_of(SHOWS), "date": DATE, "name": Field(r"[A-Z][a-zø]+|Østergaard")},
    sample=sample_book_seats,
    plan=[
        Step("h14_performance", lambda p, r: {"show": p["show"], "date": p["date"]}),
        Step(
            "h14_book_seats",
            lambda p, r: {"show": p["show"], "date": p["date"], "seats": p["n"], "name": p["name"]},
            when=lambda p, r: p["n"] <= _left(r["h14_performance"]),
        ),
    ],
    expect=_book_expect,
    answer=lambda p, b: (
        ["booked", _left(_row_of(p, b)) - p["n"]]
        if p["n"] <= _left(_row_of(p, b))
        else ["not enough", _left(_row_of(p, b))]
    ),
    summary=lambda p, r: (
        f"Booked {p['n']} seats for {p['show']} on {p['date']} under {p['name']} "
        f"(ref {r['h14_book_seats']['ref']}); {_left(r['h14_performance']) - p['n']} seats remain."
        if "h14_book_seats" in r
        else f"Not booked: not enough seats, only {_left(r['h14_performance'])} are left for {p['show']} on "
        f"{p['date']}."
    ),
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h14_patient",
            "A veterinary patient's record: species, weight and its unit, owner.",
            {"patient": str},
            _row("h14_patients", "patient", "patient"),
        ),
        Tool(
            "h14_drug", "A drug's dosing: mg per kg of body weight.", {"drug": str}, _row("h14_drugs", "drug", "drug")
        ),
        Tool(
            "h14_vaccinations",
            "A pet's vaccination record, as of the clinic's current date.",
            {"pet": str},
            _row("h14_vaccines", "vaccination record for", "pet"),
        ),
        Tool("h14_book_boarding", "Book boarding nights for a pet.", {"pet": str, "nights": int}, _book_boarding),
        Tool(
            "h14_runway_status",
            "The current ATIS status of a runway at an airport (plain text).",
            {"airport": str, "runway": str},
            _runway_status,
        ),
        Tool(
            "h14_assign_runway",
            "Assign an arriving flight to a runway.",
            {"flight": str, "airport": str, "runway": str},
            _assign_runway,
        ),
        Tool(
            "h14_atis",
            "The current ATIS of an airport: every runway and its status (plain text).",
            {"airport": str},
            _atis,
        ),
        Tool(
            "h14_clear_to_land",
            "Clear an arriving flight to land on a runway.",
            {"flight": str, "airport": str, "runway": str},
            _clear_to_land,
        ),
        Tool(
            "h14_patron",
            "A library patron's interloans: title, status, fee and whether it is paid.",
            {"card": str},
            lambda s, a: {k: v for k, v in _row("h14_patrons", "patron", "card")(s, a).items() if k != "kind"},
        ),
        Tool(
            "h14_request_interloan",
            "Request a title on interloan for a patron (fee 2.50 EUR).",
            {"card": str, "title": str},
            _request_interloan,
        ),
        Tool(
            "h14_bus", "A school bus: seats, wheelchair places, depot.", {"bus": str}, _row("h14_buses", "bus", "bus")
        ),
        Tool(
            "h14_route",
            "A school bus route: its stops and the pupils boarding at each.",
            {"route": str},
            _row("h14_routes", "route", "route"),
        ),
        Tool("h14_assign_bus", "Assign a bus to a school route.", {"route": str, "bus": str}, _assign_bus),
        Tool(
            "h14_turbine",
            "A wind turbine: model, vibration alarm limit (mm/s), status.",
            {"turbine": str},
            _row("h14_turbines", "turbine", "turbine"),
        ),
        Tool(
            "h14_log_vibration",
            "Log a vibration reading (mm/s) for a turbine.",
            {"turbine": str, "mm_s": float},
            _log_vibration,
        ),
        Tool("h14_stop_turbine", "Stop a wind turbine.", {"turbine": str}, _stop_turbine),
        Tool(
            "h14_blade_findings",
            "The findings of a turbine's last blade inspection (depth in mm).",
            {"turbine": str},
            _row("h14_blades", "blade inspection for", "turbine"),
        ),
        Tool(
            "h14_quarantine",
            "The samples a receiving laboratory has quarantined.",
            {"lab": str},
            _row("h14_quarantine", "lab", "lab"),
        ),
        Tool(
            "h14_add_to_batch",
            "Add a sample to today's courier batch for a laboratory.",
            {"lab": str, "sample": str},
            _add_to_batch,
        ),
        Tool(
            "h14_custody_log",
            "A sample's chain of custody log: holders and storage temperatures.",
            {"sample": str},
            _row("h14_custody", "custody log for", "sample"),
        ),
        Tool(
            "h14_performance",
            "A theatre performance: capacity and bookings.",
            {"show": str, "date": str},
            _perf,
        ),
        Tool(
            "h14_book_seats",
            "Book seats for a theatre performance.",
            {"show": str, "date": str, "seats": int, "name": str},
            _book_seats,
        ),
    ]
}

FAMILIES = [
    dose,
    boarding,
    runway,
    atis,
    interloan,
    fees,
    bus,
    vibration,
    blades,
    courier,
    coldchain,
    book_seats,
    seats_left,
]
