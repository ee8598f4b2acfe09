"""Held-out probe families, round 4 (issue 9, rules 5 and 7): ANSWERS that must come from this run.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h4_` and
collide with no other set. Every family's answer is checked: most are questions (nothing in the world
changes, the answer is the whole product), two change a wine cellar whose stock the other one reads.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout4.py --goals 8 --seed 11

In every family the first four goals agree on the fact (or the text) a later goal changes, so an
earlier run's answer looks right until then. The families:

- h4_tank       aquarium readings, a plain-text result with two numbers and a clock time
- h4_tide       the tide's rise: a difference of two JSON numbers (never in the result itself)
- h4_cellarf    a plain-text cellar temperature in C; the answer states Fahrenheit (1 dp)
- h4_finish     the share of a marathon's runners who finished, a percentage (1 dp)
- h4_bloom      days from blossom to harvest, two ISO dates inside a plain-text line
- h4_glacier    a survey due N days after the last one: the answer is a date (goal number + result)
- h4_wells      which wells are below a level: a filtered list of varying length and its count
- h4_lift       "Can lift L carry K kg?": yes/no from the rated load in a plain-text line
- h4_logbook    a station logbook line that repeats the goal's own station name; the answer states the
                rainfall and the observer
- h4_battery    energy left in a battery bank: capacity x state of charge (2 dp)
- h4_raintotal  the sum of a list of daily rainfalls whose length is the goal's number of days
- h4_fuel       litres per 100 km from a plain-text trip line (1 dp)
- h4_take       take N bottles of a wine from the cellar (a write): the answer states what is left
- h4_bottles    how many bottles of a wine are left: the stock h4_take changes, so an exact repeat of
                a goal has a different answer

MCP annotations: the reads declare `readOnlyHint`; the cellar write declares none (a non-idempotent
write by default). Loaded inside `tools_server.py` this module wraps `add_tool` to add them.
"""

from __future__ import annotations

import datetime as dt
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
INT, CAPWORD, CAPWORDS, LOWER = fam.INT, fam.CAPWORD, fam.CAPWORDS, fam.LOWER
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

FIRST = 4  # the first goals of each family agree on what a later goal changes
READ = {"readOnlyHint": True}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    name: READ
    for name in ("h4_tank_readings", "h4_tide_table", "h4_cellar_climate", "h4_race_stats", "h4_orchard_log",
                 "h4_glacier_survey", "h4_well_levels", "h4_lift_spec", "h4_station_log", "h4_battery_status",
                 "h4_rain_gauge", "h4_trip_log", "h4_cellar_count")
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

    if getattr(Server.add_tool, "_h4_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h4_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _early(i: int) -> bool:
    return i < FIRST


def _t(table: str, b: State, key: str) -> Any:
    return b["tables"][table][key]


def _clock(rng: random.Random) -> str:
    return f"{rng.randint(6, 21):02d}:{rng.choice([5, 10, 20, 35, 40, 55]):02d}"


NAMES = ["Ines", "Tomas", "Yara", "Kofi", "Mireille", "Piet", "Saanvi", "Oskar", "Lucia", "Rafael"]


# =========================================================================== 1. aquarium readings (plain text)
def sample_tank(rng: random.Random, w: State, i: int) -> Params:
    tank = f"T{rng.randint(10, 99)}"
    nitrate, ph = (20, 7.4)
    if not _early(i):
        nitrate, ph = rng.choice([5, 10, 15, 25, 35, 40, 60]), rng.choice([6.6, 6.9, 7.1, 7.8, 8.2])
    w["tables"].setdefault("h4_tanks", {}).setdefault(
        tank, f"Tank {tank}: nitrate {nitrate} ppm, pH {ph}, {rng.randint(23, 28)} C at {_clock(rng)}")
    return {"tank": tank, "wording": rng.randrange(2)}


def _tank_facts(p: Params, b: State) -> list:
    text = _t("h4_tanks", b, p["tank"])
    nitrate = int(text.split("nitrate ")[1].split(" ")[0])
    ph = float(text.split("pH ")[1].split(",")[0])
    return [nitrate, ph]


tank = Family(
    name="h4_tank",
    templates=["What are the water readings of aquarium tank {tank}?", "Check the water in fish tank {tank}"],
    fields={"tank": Field(r"T\d{2}")},
    sample=sample_tank,
    plan=[Step("h4_tank_readings", lambda p, r: {"tank": p["tank"]})],
    expect=lambda p, b: {},
    answer=_tank_facts,
    summary=lambda p, r: f"Readings for tank {p['tank']}: {r['h4_tank_readings']}",
)


# =========================================================================== 2. tide: a difference
PORTS = ["Port Isaac", "Saint Malo", "Whitby", "Cobh", "Den Helder", "Tobermory", "Honfleur", "Kinsale", "Esbjerg"]


def sample_tide(rng: random.Random, w: State, i: int) -> Params:
    port = rng.choice(PORTS)
    low, high = (0.5, 3.5) if _early(i) else (round(rng.uniform(0.1, 1.8), 1), round(rng.uniform(2.0, 7.5), 1))
    w["tables"].setdefault("h4_tides", {}).setdefault(
        port, {"port": port, "low_m": low, "high_m": high, "low_at": _clock(rng), "high_at": _clock(rng)})
    return {"port": port}


def _rise(b: State, port: str) -> float:
    row = _t("h4_tides", b, port)
    return round(row["high_m"] - row["low_m"], 2)


tide = Family(
    name="h4_tide",
    templates=["How far does the tide rise at {port} today?"],
    fields={"port": CAPWORDS},
    sample=sample_tide,
    plan=[Step("h4_tide_table", lambda p, r: {"port": p["port"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_rise(b, p["port"])],
    summary=lambda p, r: (f"At {p['port']} the tide rises "
                          f"{round(r['h4_tide_table']['high_m'] - r['h4_tide_table']['low_m'], 2)} m today."),
)


# =========================================================================== 3. cellar climate: C -> F
ROOMS = ["crypt", "vault", "undercroft", "grotto", "bunker", "annex", "tunnel", "chamber"]


def sample_cellarf(rng: random.Random, w: State, i: int) -> Params:
    room = rng.choice(ROOMS)
    c = 12.0 if _early(i) else round(rng.uniform(8, 18), 1)
    while is_tie(c * 9 / 5 + 32, 1):
        c = round(rng.uniform(8, 18), 1)
    w["tables"].setdefault("h4_cellars", {}).setdefault(room, f"Cellar {room}: {c} C, humidity {rng.randint(60, 85)} %")
    return {"room": room}


def _fahrenheit_of(text: str) -> float:
    c = float(text.split(": ")[1].split(" C")[0])
    return round_half_up(c * 9 / 5 + 32, 1)


cellarf = Family(
    name="h4_cellarf",
    templates=["How warm is the wine cellar {room} in Fahrenheit?"],
    fields={"room": LOWER},
    sample=sample_cellarf,
    plan=[Step("h4_cellar_climate", lambda p, r: {"room": p["room"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_fahrenheit_of(_t("h4_cellars", b, p["room"]))],
    summary=lambda p, r: f"The {p['room']} cellar is at {_fahrenheit_of(r['h4_cellar_climate'])} F.",
)


# =========================================================================== 4. marathon: a percentage
RACES = ["Tallinn", "Porto", "Ljubljana", "Bergen", "Cork", "Graz", "Nantes", "Turku", "Brno", "Malaga"]


def sample_finish(rng: random.Random, w: State, i: int) -> Params:
    race = rng.choice(RACES)
    reg, fin = 500, 450
    if not _early(i):
        reg = rng.randint(300, 3000)
        fin = rng.randint(reg // 2, reg)
        while is_tie(100 * fin / reg, 1):
            fin -= 1
    w["tables"].setdefault("h4_races", {}).setdefault(race, {"race": race, "registered": reg, "finished": fin,
                                                             "dnf": reg - fin})
    return {"race": race, "wording": rng.randrange(2)}


def _share(row: dict) -> float:
    return round_half_up(100 * row["finished"] / row["registered"], 1)


finish = Family(
    name="h4_finish",
    templates=["What share of the runners finished the {race} marathon?",
               "What percentage of registered runners completed the {race} marathon?"],
    fields={"race": CAPWORD},
    sample=sample_finish,
    plan=[Step("h4_race_stats", lambda p, r: {"race": p["race"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_share(_t("h4_races", b, p["race"]))],
    summary=lambda p, r: f"{_share(r['h4_race_stats'])} % of the runners finished the {p['race']} marathon.",
)


# =========================================================================== 5. orchard: days between two dates
VARIETIES = ["Elstar", "Jonagold", "Boskoop", "Topaz", "Rubens", "Gala", "Cox"]


def sample_bloom(rng: random.Random, w: State, i: int) -> Params:
    block = f"{rng.choice('ABCDEFGH')}{rng.randint(1, 9)}"
    if _early(i):
        bloom, harvest = dt.date(2026, 4, 12), dt.date(2026, 9, 3)
    else:
        bloom = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randint(0, 40))
        harvest = bloom + dt.timedelta(days=rng.randint(100, 170))
    w["tables"].setdefault("h4_orchard", {}).setdefault(
        block, f"Block {block} ({rng.choice(VARIETIES)}): blossom {bloom.isoformat()}, harvest "
               f"{harvest.isoformat()}, yield {round(rng.uniform(2, 9), 1)} t")
    return {"block": block}


def _days(text: str) -> int:
    bloom = dt.date.fromisoformat(text.split("blossom ")[1][:10])
    harvest = dt.date.fromisoformat(text.split("harvest ")[1][:10])
    return (harvest - bloom).days


bloom = Family(
    name="h4_bloom",
    templates=["How many days passed from blossom to harvest in orchard block {block}?"],
    fields={"block": Field(r"[A-H]\d")},
    sample=sample_bloom,
    plan=[Step("h4_orchard_log", lambda p, r: {"block": p["block"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_days(_t("h4_orchard", b, p["block"]))],
    summary=lambda p, r: f"Block {p['block']}: {_days(r['h4_orchard_log'])} days from blossom to harvest.",
)


# =========================================================================== 6. glacier: a due date
GLACIERS = ["Aletsch", "Hintereis", "Pasterze", "Morteratsch", "Rhone", "Vernagt", "Gorner", "Hallstatt"]


def sample_glacier(rng: random.Random, w: State, i: int) -> Params:
    name = rng.choice(GLACIERS)
    last = dt.date(2026, 3, 14) if _early(i) else dt.date(2025, 9, 1) + dt.timedelta(days=rng.randint(0, 300))
    w["tables"].setdefault("h4_glaciers", {}).setdefault(
        name, {"glacier": name, "last_survey": last.isoformat(), "thickness_m": rng.randint(40, 300)})
    return {"glacier": name, "days": rng.choice([30, 45, 60, 90, 120, 180])}


def _due(row: dict, days: int) -> str:
    return (dt.date.fromisoformat(row["last_survey"]) + dt.timedelta(days=days)).isoformat()


glacier = Family(
    name="h4_glacier",
    templates=["When is the next survey of the {glacier} glacier due, {days} days after the last one?"],
    fields={"glacier": CAPWORD, "days": INT},
    sample=sample_glacier,
    plan=[Step("h4_glacier_survey", lambda p, r: {"glacier": p["glacier"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_due(_t("h4_glaciers", b, p["glacier"]), p["days"])],
    summary=lambda p, r: f"The next {p['glacier']} survey is due on {_due(r['h4_glacier_survey'], p['days'])}.",
)


# =========================================================================== 7. wells: a filtered list
WELLS = ["Alder", "Birch", "Cedar", "Damson", "Elm", "Fir", "Hazel", "Juniper", "Larch", "Maple"]
SITES = ["north", "quarry", "meadow", "ridge", "river", "mill"]


def sample_wells(rng: random.Random, w: State, i: int) -> Params:
    site = rng.choice(SITES)
    level = rng.choice([4, 5, 6])
    names = rng.sample(WELLS, 2 if _early(i) else rng.randint(1, 5))
    rows = w["tables"].setdefault("h4_wells", {}).setdefault(site, [])
    if not rows:
        for nm in names:
            below = _early(i) or rng.random() < 0.5
            x = round(rng.uniform(1.1, level - 0.3) if below else rng.uniform(level + 0.3, 9.8), 2)
            rows.append({"well": nm, "level_m": x if x != int(x) else x + 0.01})  # never a whole number
    return {"site": site, "level": level}


def _below(rows: list, level: int) -> list[str]:
    return [r["well"] for r in rows if r["level_m"] < level]


wells = Family(
    name="h4_wells",
    templates=["Which wells at the {site} site are below {level} m?"],
    fields={"site": LOWER, "level": INT},
    sample=sample_wells,
    plan=[Step("h4_well_levels", lambda p, r: {"site": p["site"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [len(_below(_t("h4_wells", b, p["site"]), p["level"])),
                         *_below(_t("h4_wells", b, p["site"]), p["level"])],
    summary=lambda p, r: (f"{len(_below(r['h4_well_levels'], p['level']))} of {len(r['h4_well_levels'])} wells at "
                          f"{p['site']} are below {p['level']} m: "
                          f"{', '.join(_below(r['h4_well_levels'], p['level'])) or 'none'}."),
)


# =========================================================================== 8. lift: yes/no from a result
def sample_lift(rng: random.Random, w: State, i: int) -> Params:
    lift = f"L{rng.randint(10, 99)}"
    lifts = w["tables"].setdefault("h4_lifts", {})
    cap = lifts.setdefault(lift, {"cap": rng.choice([630, 800, 1000, 1275, 1600])})["cap"]
    if lift not in w["tables"].setdefault("h4_lift_text", {}):
        seen = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        w["tables"]["h4_lift_text"][lift] = f"Lift {lift}: rated load {cap} kg, last inspected {seen}"
    kg = rng.randint(100, cap - 50) if _early(i) or rng.random() < 0.5 else rng.randint(cap + 20, cap + 900)
    return {"lift": lift, "kg": kg}


def _can(p: Params, cap: int) -> str:
    return "can carry" if p["kg"] <= cap else "cannot carry"


lift = Family(
    name="h4_lift",
    templates=["Can lift {lift} carry {kg} kg?"],
    fields={"lift": Field(r"L\d{2}"), "kg": INT},
    sample=sample_lift,
    plan=[Step("h4_lift_spec", lambda p, r: {"lift": p["lift"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_can(p, b["tables"]["h4_lifts"][p["lift"]]["cap"])],
    summary=lambda p, r: (f"Lift {p['lift']} {_can(p, int(r['h4_lift_spec'].split('rated load ')[1].split(' ')[0]))} "
                          f"{p['kg']} kg ({r['h4_lift_spec']})."),
)


# =========================================================================== 9. logbook: the goal's words in the result
STATIONS = ["Kestrel", "Heron", "Osprey", "Plover", "Curlew", "Merlin", "Dunlin", "Avocet"]


def sample_logbook(rng: random.Random, w: State, i: int) -> Params:
    st = rng.choice(STATIONS)
    mm, who = (12, "Ines") if _early(i) else (rng.randint(0, 60), rng.choice(NAMES))
    w["tables"].setdefault("h4_logs", {}).setdefault(
        st, f"Station {st}: rainfall {mm} mm; {st} pump running; observer {who}")
    return {"station": st}


def _log_facts(text: str) -> list:
    return [int(text.split("rainfall ")[1].split(" ")[0]), text.split("observer ")[1]]


logbook = Family(
    name="h4_logbook",
    templates=["What rainfall did the {station} station logbook record, and who observed it?"],
    fields={"station": CAPWORD},
    sample=sample_logbook,
    plan=[Step("h4_station_log", lambda p, r: {"station": p["station"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: _log_facts(_t("h4_logs", b, p["station"])),
    summary=lambda p, r: ("{} station recorded {} mm of rain; the observer was {}.".format(
        p["station"], *_log_facts(r["h4_station_log"]))),
)


# =========================================================================== 10. battery: a product
def sample_battery(rng: random.Random, w: State, i: int) -> Params:
    bank = f"B{rng.randint(100, 999)}"
    cap, soc = (10.0, 50) if _early(i) else (rng.choice([5.0, 9.6, 13.5, 16.0, 20.4]), rng.randint(5, 99))
    w["tables"].setdefault("h4_batteries", {}).setdefault(
        bank, {"bank": bank, "capacity_kwh": cap, "soc_pct": soc, "temp_c": rng.randint(12, 35)})
    return {"bank": bank}


def _kwh(row: dict) -> float:
    return round_half_up(row["capacity_kwh"] * row["soc_pct"] / 100, 2)


battery = Family(
    name="h4_battery",
    templates=["How much energy is left in battery bank {bank}?"],
    fields={"bank": Field(r"B\d{3}")},
    sample=sample_battery,
    plan=[Step("h4_battery_status", lambda p, r: {"bank": p["bank"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_kwh(_t("h4_batteries", b, p["bank"]))],
    summary=lambda p, r: f"Battery bank {p['bank']} holds {_kwh(r['h4_battery_status'])} kWh.",
)


# =========================================================================== 11. rain gauge: a total over a list
def _gauge(s: State, a: dict) -> dict:
    daily = s["tables"].get("h4_gauges", {}).get(a["gauge"])
    if daily is None:
        raise ToolFail(f"no gauge {a['gauge']}")
    n = int(a["days"])
    return {"gauge": a["gauge"], "daily_mm": daily[-n:]}


def sample_raintotal(rng: random.Random, w: State, i: int) -> Params:
    gauge = f"G-{rng.randint(10, 99)}"
    w["tables"].setdefault("h4_gauges", {}).setdefault(gauge, [round(rng.uniform(0, 14), 1) for _ in range(14)])
    return {"gauge": gauge, "days": 3 if _early(i) else rng.randint(2, 7)}


def _total(daily: list) -> float:
    return round(math.fsum(daily), 1)


raintotal = Family(
    name="h4_raintotal",
    templates=["What was the total rainfall at gauge {gauge} over the last {days} days?"],
    fields={"gauge": Field(r"G-\d{2}"), "days": INT},
    sample=sample_raintotal,
    plan=[Step("h4_rain_gauge", lambda p, r: {"gauge": p["gauge"], "days": p["days"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_total(_t("h4_gauges", b, p["gauge"])[-p["days"]:])],
    summary=lambda p, r: (f"Gauge {p['gauge']} measured {_total(r['h4_rain_gauge']['daily_mm'])} mm "
                          f"in {p['days']} days."),
)


# =========================================================================== 12. fuel: litres per 100 km from text
def sample_fuel(rng: random.Random, w: State, i: int) -> Params:
    van = f"V{rng.randint(10, 99)}"
    km, litres = (400, 32.0) if _early(i) else (rng.randint(80, 900), 0.0)
    if not _early(i):
        litres = round(km * rng.uniform(0.06, 0.13), 1)
        while is_tie(100 * litres / km, 1):
            litres = round(litres + 0.1, 1)
    w["tables"].setdefault("h4_trips", {}).setdefault(
        van, f"Van {van}: {km} km, {litres} litres, driver {rng.choice(NAMES)}")
    return {"van": van}


def _l100(text: str) -> float:
    km = int(text.split(": ")[1].split(" km")[0])
    litres = float(text.split("km, ")[1].split(" litres")[0])
    return round_half_up(100 * litres / km, 1)


fuel = Family(
    name="h4_fuel",
    templates=["What was the fuel use of van {van} on its last trip, in litres per 100 km?"],
    fields={"van": Field(r"V\d{2}")},
    sample=sample_fuel,
    plan=[Step("h4_trip_log", lambda p, r: {"van": p["van"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_l100(_t("h4_trips", b, p["van"]))],
    summary=lambda p, r: f"Van {p['van']} used {_l100(r['h4_trip_log'])} litres per 100 km.",
)


# =========================================================================== 13-14. wine cellar: a write, a read
WINES = ["Barolo", "Rioja Alta", "Chateau Musar", "Vinho Verde", "Gruner Veltliner", "Priorat", "Tokaji Aszu"]


def _count(s: State, a: dict) -> str:
    wine = a["wine"]
    if wine not in s.get("cellar", {}):
        raise ToolFail(f"no wine {wine}")
    return f"{wine}: {s['cellar'][wine]} bottles in rack {s['tables']['h4_racks'][wine]}"


def _set(s: State, a: dict) -> dict:
    wine, n = a["wine"], int(a["bottles"])
    if wine not in s.get("cellar", {}):
        raise ToolFail(f"no wine {wine}")
    if n < 0:
        raise ToolFail("bottles must be >= 0")
    s["cellar"][wine] = n
    return {"wine": wine, "bottles": n}


def _seed_wine(rng: random.Random, w: State, i: int) -> str:
    wine = WINES[0] if _early(i) else rng.choice(WINES)
    w.setdefault("cellar", {}).setdefault(wine, rng.randint(150, 240))
    w["tables"].setdefault("h4_racks", {}).setdefault(wine, f"{rng.choice('ABCDE')}{rng.randint(1, 9)}")
    return wine


def sample_take(rng: random.Random, w: State, i: int) -> Params:
    return {"wine": _seed_wine(rng, w, i), "n": 2 if _early(i) else rng.randint(1, 9)}


def _left(text: str) -> int:
    return int(text.split(": ")[1].split(" ")[0])


take = Family(
    name="h4_take",
    templates=["Take {n} bottles of {wine} from the cellar"],
    fields={"n": INT, "wine": CAPWORDS},
    sample=sample_take,
    plan=[Step("h4_cellar_count", lambda p, r: {"wine": p["wine"]}),
          Step("h4_cellar_set", lambda p, r: {"wine": p["wine"], "bottles": _left(r["h4_cellar_count"]) - p["n"]})],
    expect=lambda p, b: {"cellar": {p["wine"]: b["cellar"][p["wine"]] - p["n"]}},
    answer=lambda p, b: [b["cellar"][p["wine"]] - p["n"]],
    summary=lambda p, r: f"Took {p['n']} bottles of {p['wine']}; {r['h4_cellar_set']['bottles']} are left.",
)

bottles = Family(
    name="h4_bottles",
    templates=["How many bottles of {wine} are left in the cellar?"],
    fields={"wine": CAPWORDS},
    sample=lambda rng, w, i: {"wine": _seed_wine(rng, w, i)},
    plan=[Step("h4_cellar_count", lambda p, r: {"wine": p["wine"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [b["cellar"][p["wine"]]],
    summary=lambda p, r: f"There are {_left(r['h4_cellar_count'])} bottles of {p['wine']} left.",
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("h4_tank_readings", "Water readings of an aquarium tank, as plain text.", {"tank": str},
             _row("h4_tanks", "tank", "tank")),
        Tool("h4_tide_table", "Today's low and high water (metres, times) at a port.", {"port": str},
             _row("h4_tides", "port", "port")),
        Tool("h4_cellar_climate", "Temperature (C) and humidity of a wine cellar room, as plain text.", {"room": str},
             _row("h4_cellars", "cellar", "room")),
        Tool("h4_race_stats", "Registered, finished and DNF runners of a marathon.", {"race": str},
             _row("h4_races", "race", "race")),
        Tool("h4_orchard_log", "Blossom and harvest dates of an orchard block, as plain text.", {"block": str},
             _row("h4_orchard", "block", "block")),
        Tool("h4_glacier_survey", "The last survey of a glacier.", {"glacier": str},
             _row("h4_glaciers", "glacier", "glacier")),
        Tool("h4_well_levels", "Water levels (m below ground) of the wells at a site.", {"site": str},
             _row("h4_wells", "site", "site")),
        Tool("h4_lift_spec", "A lift's rated load and inspection date, as plain text.", {"lift": str},
             _row("h4_lift_text", "lift", "lift")),
        Tool("h4_station_log", "The latest logbook line of a weather station, as plain text.", {"station": str},
             _row("h4_logs", "station", "station")),
        Tool("h4_battery_status", "Capacity (kWh), state of charge (%) and temperature of a battery bank.",
             {"bank": str}, _row("h4_batteries", "battery bank", "bank")),
        Tool("h4_rain_gauge", "Daily rainfall (mm) of a gauge for the last N days.", {"gauge": str, "days": int},
             _gauge),
        Tool("h4_trip_log", "A van's last trip (km, litres, driver), as plain text.", {"van": str},
             _row("h4_trips", "van", "van")),
        Tool("h4_cellar_count", "How many bottles of a wine are in the cellar, as plain text.", {"wine": str}, _count),
        Tool("h4_cellar_set", "Set the number of bottles of a wine in the cellar.", {"wine": str, "bottles": int},
             _set),
    ]
}

FAMILIES: list[Family] = [tank, tide, cellarf, finish, bloom, glacier, wells, lift, logbook, battery, raintotal, fuel,
                          take, bottles]
