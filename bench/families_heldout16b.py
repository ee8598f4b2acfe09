"""Held-out probe families, round AC, second probe (issue 9): one wording per family, so that plans reach their
support and replay; then goals whose every value lies inside what the supporting runs saw while the hidden rule
reads a *combination* of them.

Same interface as the public `families.py`; tool names are prefixed `h16b_`. Written as a demanding new user
after `families_heldout16.py` found no replay at all on main (its three wordings per family kept every plan under
its support). The first five goals of each family are chosen to span the ranges the later goals stay inside
(every one on the safe side of the rule); later goals sometimes cross it.

- h16b_chiller  museum display cases: start the chiller only when the case is warmer than the goal's limit in
                degrees Fahrenheit, the climate read in degrees Celsius (a unit conversion, not an order of the
                two numbers)
- h16b_haul     haulage: dispatch a truck on a route only when its fuel covers km x litres per 100 km / 100 (a
                product across two reads against a number of one of them, with a constant)
- h16b_kiln     pottery kilns: a list of zones, each with a list of readings; a zone marked as not counting (the
                spy hole) always reads low; the program is "extended soak" when a *counting* zone reads under
                1215 C, else "standard cool" (an idempotent write; its acknowledgement carries the cycle minutes)
- h16b_gascert  gas safety certificates: book a check only when the certificate (last check + 12 or 24 months)
                runs out within 30 days of today
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
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h16b_case_climate": READ,
    "h16b_start_chiller": WRITE,
    "h16b_route": READ,
    "h16b_truck": READ,
    "h16b_dispatch": WRITE,
    "h16b_kiln_log": READ,
    "h16b_set_program": IDEMPOTENT,
    "h16b_gas_record": READ,
    "h16b_book_check": WRITE,
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

    if getattr(Server.add_tool, "_h16b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h16b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(20000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


# sampler memory that must not become world data (one workload per process and seed)
_PICKED: dict[tuple[int, str], set] = {}


def _picked(w: State, what: str) -> set:
    return _PICKED.setdefault((id(w), what), set())


def _size(rng: random.Random, i: int) -> int:
    return 2 if i < 2 else 3 if i < 4 else rng.randint(1, 4)


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def _fmt(x: float) -> str:
    """A number as a person writes it: 12, 12.5 (no trailing .0)."""
    return str(int(x)) if float(x) == int(x) else str(x)


BASE = dt.date(2026, 12, 3)
TODAY = BASE.isoformat()


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def _new_id(rng: random.Random, used: set, make: Callable[[random.Random], str]) -> str:
    v = _until(rng, make, lambda x: x not in used)
    used.add(v)
    return v


# ======================================== 1. display case chiller: warmer than the goal's limit (F), read in C
GALLERIES = ["Egyptian Gallery", "Print Room", "Textile Hall", "Lacquer Room"]
CHILL_CORNERS = [(50, 12.0), (60, 17.0), (50, 17.0), (56, 14.0), (60, 16.2)]


def _f(c: float) -> float:
    return c * 9 / 5 + 32


def sample_chiller(rng: random.Random, w: State, i: int) -> Params:
    case = _new_id(rng, _picked(w, "cases"), lambda r: f"DC-{r.randint(10, 99)}")
    if i < len(CHILL_CORNERS):
        limit, temp = CHILL_CORNERS[i]
    else:
        trap = rng.random() < 0.5
        limit, temp = _until(
            rng,
            lambda r: (r.randint(51, 59), round(r.uniform(12.5, 16.5), 1)),
            lambda x: abs(_f(x[1]) - x[0]) > 0.3 and (_f(x[1]) < x[0]) == trap,
        )
    w.setdefault("h16b_cases", {})[case] = {
        "case": case,
        "gallery": rng.choice(GALLERIES),
        "temp_c": temp,
        "rh_pct": rng.randint(44, 52),
    }
    return {"case": case, "limit": limit}


def _chill(b: State, p: Params) -> bool:
    return _f(b["h16b_cases"][p["case"]]["temp_c"]) > p["limit"]


chiller = Family(
    name="h16b_chiller",
    templates=["Start the chiller in display case {case} if it is warmer than {limit} F"],
    fields={"case": Field(r"DC-\d{2}"), "limit": INT},
    sample=sample_chiller,
    plan=[
        Step("h16b_case_climate", lambda p, r: {"case": p["case"]}),
        Step(
            "h16b_start_chiller",
            lambda p, r: {"case": p["case"]},
            when=lambda p, r: _f(r["h16b_case_climate"]["temp_c"]) > p["limit"],
        ),
    ],
    expect=lambda p, b: {"h16b_chiller_starts": [{"case": p["case"]}]} if _chill(b, p) else {},
    answer=lambda p, b: ["chiller started"] if _chill(b, p) else ["not started"],
    summary=lambda p, r: (
        f"Display case {p['case']} is at {r['h16b_case_climate']['temp_c']} °C, warmer than {p['limit']} F: "
        "chiller started."
        if "h16b_start_chiller" in r
        else f"Display case {p['case']} is at {r['h16b_case_climate']['temp_c']} °C, not warmer than "
        f"{p['limit']} F: chiller not started."
    ),
)


def _start_chiller(s: State, a: dict) -> dict:
    if a["case"] not in s.get("h16b_cases", {}):
        raise ToolFail(f"no display case {a['case']}")
    s.setdefault("h16b_chiller_starts", []).append({"case": a["case"]})
    return {"case": a["case"], "status": "chiller started"}


# ======================================== 2. haulage: fuel must cover km x l/100km / 100
HAUL_CORNERS = [(480, 18.0, 110), (320, 35.0, 115), (480, 35.0, 170), (320, 18.0, 170), (400, 26.0, 140)]


def _need(km: float, l100: float) -> float:
    return km * l100 / 100


def sample_haul(rng: random.Random, w: State, i: int) -> Params:
    truck = _new_id(rng, _picked(w, "trucks"), lambda r: f"TK-{r.randint(100, 999)}")
    route = _new_id(rng, _picked(w, "haul_routes"), lambda r: f"R{r.randint(10, 99)}")
    if i < len(HAUL_CORNERS):
        km, l100, fuel = HAUL_CORNERS[i]
    else:
        trap = rng.random() < 0.5
        km, l100, fuel = _until(
            rng,
            lambda r: (r.randint(340, 470), round(r.uniform(20.0, 34.0), 1), r.randint(118, 165)),
            lambda x: abs(_need(x[0], x[1]) - x[2]) > 1 and (_need(x[0], x[1]) > x[2]) == trap,
        )
    w.setdefault("h16b_routes", {})[route] = {"route": route, "km": km, "depot": "Tilbury"}
    w.setdefault("h16b_trucks", {})[truck] = {"truck": truck, "l_per_100km": l100, "fuel_l": fuel}
    return {"truck": truck, "route": route}


def _haul_ok(b: State, p: Params) -> bool:
    return b["h16b_trucks"][p["truck"]]["fuel_l"] >= _need(
        b["h16b_routes"][p["route"]]["km"], b["h16b_trucks"][p["truck"]]["l_per_100km"]
    )


haul = Family(
    name="h16b_haul",
    templates=["Dispatch truck {truck} on route {route} if it has the fuel for it"],
    fields={"truck": Field(r"TK-\d{3}"), "route": Field(r"R\d{2}")},
    sample=sample_haul,
    plan=[
        Step("h16b_route", lambda p, r: {"route": p["route"]}, group="h"),
        Step("h16b_truck", lambda p, r: {"truck": p["truck"]}, group="h"),
        Step(
            "h16b_dispatch",
            lambda p, r: {"truck": p["truck"], "route": p["route"]},
            when=lambda p, r: r["h16b_truck"]["fuel_l"] >= _need(r["h16b_route"]["km"], r["h16b_truck"]["l_per_100km"]),
        ),
    ],
    expect=lambda p, b: {"h16b_dispatches": [{"truck": p["truck"], "route": p["route"]}]} if _haul_ok(b, p) else {},
    answer=lambda p, b: ["dispatched"] if _haul_ok(b, p) else ["not dispatched"],
    summary=lambda p, r: (
        f"Truck {p['truck']} dispatched on route {p['route']} ({r['h16b_route']['km']} km, "
        f"{r['h16b_truck']['fuel_l']} l on board)."
        if "h16b_dispatch" in r
        else f"Truck {p['truck']} not dispatched on route {p['route']}: {r['h16b_truck']['fuel_l']} l on board is "
        f"not enough for {r['h16b_route']['km']} km."
    ),
)


def _dispatch(s: State, a: dict) -> dict:
    if a["truck"] not in s.get("h16b_trucks", {}) or a["route"] not in s.get("h16b_routes", {}):
        raise ToolFail("no such truck or route")
    s.setdefault("h16b_dispatches", []).append({"truck": a["truck"], "route": a["route"]})
    return {"truck": a["truck"], "route": a["route"], "status": "dispatched"}


# ======================================== 3. kilns: the spy hole zone does not count
KZONES = ["top", "middle", "bottom"]
SOAK = 1215
PROGRAMS = {"standard cool": 0, "extended soak": 45}


def sample_kiln(rng: random.Random, w: State, i: int) -> Params:
    kiln = _new_id(rng, _picked(w, "kilns"), lambda r: f"K{r.randint(10, 99)}")
    spy = i % 4 if i < 5 else rng.randrange(4)
    trap = i >= 5 and rng.random() < 0.5
    zones = [{"zone": z, "counts": True, "readings_c": [rng.randint(1221, 1240) for _ in range(3)]} for z in KZONES]
    zones.insert(spy, {"zone": "spy hole", "counts": False, "readings_c": [rng.randint(1186, 1209) for _ in range(3)]})
    if trap:  # a counting zone reads low, where (by position) a spy hole read low in the first runs
        k = rng.choice([x for x in range(4) if x != spy])
        zones[k]["readings_c"][rng.randrange(3)] = rng.randint(1190, 1209)
    w.setdefault("h16b_kilns", {})[kiln] = {
        "kiln": kiln,
        "cone": 6,
        "cycle_base_min": rng.choice([600, 660, 720]),
        "zones": zones,
    }
    w.setdefault("h16b_programs", {})[kiln] = rng.choice(sorted(PROGRAMS))
    return {"kiln": kiln}


def _program(row: dict) -> str:
    low = any(x < SOAK for z in row["zones"] if z["counts"] for x in z["readings_c"])
    return "extended soak" if low else "standard cool"


def _minutes(row: dict, program: str) -> int:
    return row["cycle_base_min"] + PROGRAMS[program]


def _set_program(s: State, a: dict) -> dict:
    row = s.get("h16b_kilns", {}).get(a["kiln"])
    if row is None:
        raise ToolFail(f"no kiln {a['kiln']}")
    if a["program"] not in PROGRAMS:
        raise ToolFail("program: standard cool or extended soak")
    s.setdefault("h16b_programs", {})[a["kiln"]] = a["program"]
    return {"kiln": a["kiln"], "program": a["program"], "cycle_minutes": _minutes(row, a["program"]), "status": "set"}


kiln = Family(
    name="h16b_kiln",
    templates=["Set the cooling program of kiln {kiln} from its thermocouple log"],
    fields={"kiln": Field(r"K\d{2}")},
    sample=sample_kiln,
    plan=[
        Step("h16b_kiln_log", lambda p, r: {"kiln": p["kiln"]}),
        Step("h16b_set_program", lambda p, r: {"kiln": p["kiln"], "program": _program(r["h16b_kiln_log"])}),
    ],
    expect=lambda p, b: (
        {}
        if b["h16b_programs"][p["kiln"]] == _program(b["h16b_kilns"][p["kiln"]])
        else {"h16b_programs": {p["kiln"]: _program(b["h16b_kilns"][p["kiln"]])}}
    ),
    answer=lambda p, b: [
        _program(b["h16b_kilns"][p["kiln"]]),
        _minutes(b["h16b_kilns"][p["kiln"]], _program(b["h16b_kilns"][p["kiln"]])),
    ],
    summary=lambda p, r: (
        f"Kiln {p['kiln']} set to {r['h16b_set_program']['program']}: a {r['h16b_set_program']['cycle_minutes']} "
        "minute cycle."
    ),
)


# ======================================== 4. gas safety: book only when the certificate runs out within 30 days
GAS_CORNERS = [(24, 600), (12, 200), (24, 300), (12, 100), (24, 650)]  # months valid, days since the last check


def sample_gas(rng: random.Random, w: State, i: int) -> Params:
    flat = _new_id(rng, _picked(w, "flats"), lambda r: f"{r.randint(1, 30)}{r.choice('ABCD')}")
    if i < len(GAS_CORNERS):
        months, ago = GAS_CORNERS[i]
    else:
        trap = rng.random() < 0.5

        def left(x: tuple[int, int]) -> int:
            return (add_months(BASE - dt.timedelta(days=x[1]), x[0]) - BASE).days

        months, ago = _until(
            rng,
            lambda r: (r.choice([12, 24]), r.randint(110, 640)),
            lambda x: left(x) >= 0 and (left(x) <= 30) == trap and abs(left(x) - 30) > 2,
        )
    w.setdefault("h16b_flats", {})[flat] = {
        "flat": flat,
        "appliance": "combi boiler",
        "last_check": (BASE - dt.timedelta(days=ago)).isoformat(),
        "valid_months": months,
        "today": TODAY,
    }
    return {"flat": flat}


def _gas_due(row: dict) -> bool:
    end = add_months(dt.date.fromisoformat(row["last_check"]), int(row["valid_months"]))
    return (end - dt.date.fromisoformat(row["today"])).days <= 30


gascert = Family(
    name="h16b_gascert",
    templates=["Book a gas safety check for flat {flat} if its certificate runs out within 30 days"],
    fields={"flat": Field(r"\d{1,2}[A-D]")},
    sample=sample_gas,
    plan=[
        Step("h16b_gas_record", lambda p, r: {"flat": p["flat"]}),
        Step("h16b_book_check", lambda p, r: {"flat": p["flat"]}, when=lambda p, r: _gas_due(r["h16b_gas_record"])),
    ],
    expect=lambda p, b: {"h16b_gas_bookings": [{"flat": p["flat"]}]} if _gas_due(b["h16b_flats"][p["flat"]]) else {},
    answer=lambda p, b: ["check booked"] if _gas_due(b["h16b_flats"][p["flat"]]) else ["no check booked"],
    summary=lambda p, r: (
        f"Flat {p['flat']}: the certificate from {r['h16b_gas_record']['last_check']} runs out within 30 days; "
        "check booked."
        if "h16b_book_check" in r
        else f"Flat {p['flat']}: the certificate from {r['h16b_gas_record']['last_check']} is valid for more than "
        "30 days; no check booked."
    ),
)


def _book_check(s: State, a: dict) -> dict:
    if a["flat"] not in s.get("h16b_flats", {}):
        raise ToolFail(f"no flat {a['flat']}")
    s.setdefault("h16b_gas_bookings", []).append({"flat": a["flat"]})
    return {"flat": a["flat"], "status": "check booked"}


def _row_or_fail(s: State, table: str, key: str, what: str) -> dict:
    row = s.get(table, {}).get(key)
    if row is None:
        raise ToolFail(f"no {what} {key}")
    return row


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h16b_case_climate",
            "A museum display case's climate: temperature (C) and relative humidity.",
            {"case": str},
            lambda s, a: _row_or_fail(s, "h16b_cases", a["case"], "display case"),
        ),
        Tool("h16b_start_chiller", "Start the chiller of a display case.", {"case": str}, _start_chiller),
        Tool(
            "h16b_route",
            "A haulage route: length (km) and depot.",
            {"route": str},
            lambda s, a: _row_or_fail(s, "h16b_routes", a["route"], "route"),
        ),
        Tool(
            "h16b_truck",
            "A truck: fuel use (litres per 100 km) and fuel on board (litres).",
            {"truck": str},
            lambda s, a: _row_or_fail(s, "h16b_trucks", a["truck"], "truck"),
        ),
        Tool("h16b_dispatch", "Dispatch a truck on a route.", {"truck": str, "route": str}, _dispatch),
        Tool(
            "h16b_kiln_log",
            "A kiln's thermocouple log: zones, whether each counts, readings (C).",
            {"kiln": str},
            lambda s, a: _row_or_fail(s, "h16b_kilns", a["kiln"], "kiln"),
        ),
        Tool(
            "h16b_set_program",
            "Set a kiln's cooling program: standard cool or extended soak.",
            {"kiln": str, "program": str},
            _set_program,
        ),
        Tool(
            "h16b_gas_record",
            "A flat's gas safety record: last check, months valid, today.",
            {"flat": str},
            lambda s, a: _row_or_fail(s, "h16b_flats", a["flat"], "flat"),
        ),
        Tool("h16b_book_check", "Book a gas safety check for a flat.", {"flat": str}, _book_check),
    ]
}

FAMILIES = [chiller, haul, kiln, gascert]
