"""Held-out probe families, round AB (issue 9): multi-step plans, loops, stale answers, figures in sentences.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h15_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout15.py --goals 8 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used:

- h15_grit       road gritting: a plain-text forecast (air and road-surface minimum in one sentence), the
                 route's length and lanes, then a dispatch only when the road surface reaches +1 C or
                 less; the salt in tonnes from km, lanes, lane width (m) and the goal's g/m2
- h15_wheels     tram depot: read each tram's wheel flange (a list of 1-4 trams), book the wheel lathe for
                 every tram under 26.0 mm; the answer counts the bookings and states the thinnest flange
- h15_rota       tram cleaning rota (plain text, near-miss numbers 2041/2014/2401): add a tram only when it
                 is not on it yet (the add is not idempotent: an exact repeat must add nothing)
- h15_release    mail-room parcel lockers (plain text, near-miss parcel ids): open the locker of a parcel
                 only when it is "awaiting pickup", not "awaiting pickup (signature required)", not
                 "returned to sender", not missing; an opened parcel leaves the board
- h15_waiting    how many parcels wait in a mail room (returned to sender not counted): releases change it
- h15_bp_alert   blood-pressure telemonitoring (plain text, dates in the text, "uploaded up to" a day):
                 the mean systolic of the last 7 days (older readings left out); alert the nurse at 135+
- h15_bp_peak    the highest systolic of the last 7 days (an older, higher reading must be left out)
- h15_felling    forestry: a licence's expiry against the register's print date (days left, in the text),
                 the compartment's volume gives the harvester days; book only with more than 30 days left
- h15_studio     recording studio: book the first free block of the goal's hours in a plain-text diary
                 (cancelled sessions are free); the cost from the diary's hourly rate
- h15_studio_hours  hours booked in a studio on a day (cancelled not counted): bookings change it
- h15_ski        ski rental: the skier's level (read first) picks the length (height in cm or ft/in minus
                 15/10/5 cm), the longest free pair not over it is reserved and leaves the stock
- h15_milk       milk round: each farm's tank (litres with thousands separators, temperature in a
                 sentence); tanks over 6.0 C are rejected; the round's litres and rejections are logged

Workloads up to `--goals 16`. Every oracle applies a hidden rule; the first four goals of a family never cross
it, later goals sometimes do. Several wordings per family; exact repeats after the world changed (stale
answers) in rota, release, waiting, studio, studio_hours.
"""

from __future__ import annotations

import datetime as dt
import math
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
    "h15_road_forecast": READ,
    "h15_route": READ,
    "h15_dispatch_gritter": WRITE,
    "h15_tram_wheels": READ,
    "h15_book_lathe": WRITE,
    "h15_cleaning_rota": READ,
    "h15_add_to_rota": WRITE,
    "h15_mailroom_board": READ,
    "h15_open_locker": IDEMPOTENT,
    "h15_bp_readings": READ,
    "h15_alert_nurse": WRITE,
    "h15_felling_licence": READ,
    "h15_compartment": READ,
    "h15_book_harvester": WRITE,
    "h15_studio_diary": READ,
    "h15_book_session": WRITE,
    "h15_skier": READ,
    "h15_ski_stock": READ,
    "h15_reserve_skis": WRITE,
    "h15_tank": READ,
    "h15_log_collection": WRITE,
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

    if getattr(Server.add_tool, "_h15_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h15_annotated = True  # type: ignore[attr-defined]
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
    """0: 2026-12-03; 1: 3 December 2026; 2: 03/12/2026 (day first); 3: 3 Dec 2026."""
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == 2:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}"


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
NUMS = Field(r"\d{4}(?:, \d{4})*(?: and \d{4})?")
_NAME = r"[^\W\d_a-z][^\s,]*(?: [^\W\d_a-z][^\s,]*)*"  # capitalised words, accents too
NAMES = Field(rf"{_NAME}(?:, {_NAME})*(?: and {_NAME})?")


# ======================================== 1. road gritting: dispatch only when the road surface reaches +1 C or less;
# salt in tonnes = km x 1000 x lanes x lane width (m) x rate (g/m2) / 1e6
ROUTES = [
    "A939 Cock Bridge",
    "B974 Cairn o' Mount",
    "A93 Glenshee",
    "A87 Glen Shiel",
    "B9008 Tomintoul",
    "A82 Rannoch Moor",
    "A835 Braemore",
    "A9 Drumochter",
    "A862 Beauly",
    "B970 Feshiebridge",
    "A96 Huntly Bypass",
    "A98 Banff Coast",
    "A890 Achnasheen",
    "B9176 Struie",
    "A95 Grantown",
    "A86 Laggan",
    "A887 Bunloit",
    "B846 Schiehallion",
    "A924 Pitlochry Hill",
    "A827 Loch Tay",
    "B851 Strathnairn",
    "A97 Glenkindie",
    "A944 Alford",
    "B9154 Moy",
]
GRIT_DEPOTS = ["Aviemore", "Braemar", "Dingwall"]


def _seed_routes(rng: random.Random, w: State) -> None:
    if "h15_routes" in w:
        return
    for r in ROUTES:
        w.setdefault("h15_routes", {})[r] = {
            "route": r,
            "km": round(rng.uniform(8, 60), 1),
            "lanes": rng.choice([2, 2, 2, 4]),
            "lane_width_m": rng.choice([3.0, 3.3, 3.65]),
            "depot": rng.choice(GRIT_DEPOTS),
        }


def _raw_tonnes(row: dict, rate: int) -> float:
    return row["km"] * 1000 * row["lanes"] * row["lane_width_m"] * rate / 1e6


def _tonnes(row: dict, rate: int) -> float:
    return round_half_up(_raw_tonnes(row, rate), 2)


def _forecast_text(s: State, a: dict) -> str:
    f = s.get("h15_forecasts", {}).get(a["route"])
    if f is None:
        raise ToolFail(f"no forecast for route {a['route']}")
    return (
        f"Road weather forecast for {a['route']}, night of {fmt_date(BASE, 1)}: air temperature falling to "
        f"{f['air']:.1f} °C, road surface minimum {f['surface']:.1f} °C around {f['hour']:02d}:00, wind "
        f"{f['wind']} km/h, {f['sky']}."
    )


def _surface(text: str) -> float:
    m = re.search(r"road surface minimum (-?\d+(?:\.\d+)?) °C", text)
    if m is None:
        raise ValueError("no road surface minimum")
    return float(m.group(1))


def sample_grit(rng: random.Random, w: State, i: int) -> Params:
    _seed_routes(rng, w)
    taken = _picked(w, "routes")
    rate = rng.choice([10, 15, 20, 25])
    route = _until(
        rng,
        lambda r: r.choice(ROUTES),
        lambda x: x not in taken and not is_tie(_raw_tonnes(w["h15_routes"][x], rate), 2),
    )
    taken.add(route)
    trap = _trap(i, rng)
    surface = round(rng.uniform(1.5, 5.0), 1) if trap else round(rng.uniform(-7.0, 0.5), 1)
    air = round(rng.uniform(-1.0, 1.0), 1) if trap else round(surface + rng.uniform(-1.0, 2.5), 1)
    w.setdefault("h15_forecasts", {})[route] = {
        "surface": surface,
        "air": air,
        "hour": rng.choice([2, 3, 4, 5, 6]),
        "wind": rng.randint(5, 45),
        "sky": rng.choice(["dry", "showers of sleet", "clear skies", "freezing fog patches", "light rain"]),
    }
    return {"route": route, "rate": rate, "wording": _wording(rng, i, 3)}


def _grit_expect(p: Params, b: State) -> dict:
    if b["h15_forecasts"][p["route"]]["surface"] > 1.0:
        return {}
    return {"h15_grit_runs": [{"route": p["route"], "tonnes": _tonnes(b["h15_routes"][p["route"]], p["rate"])}]}


def _grit_answer(p: Params, b: State) -> list:
    surface = b["h15_forecasts"][p["route"]]["surface"]
    if surface > 1.0:
        return ["not needed", surface]
    return ["dispatched", _tonnes(b["h15_routes"][p["route"]], p["rate"])]


def _route(s: State, a: dict) -> dict:
    row = s.get("h15_routes", {}).get(a["route"])
    if row is None:
        raise ToolFail(f"no route {a['route']}")
    return row


def _dispatch(s: State, a: dict) -> dict:
    if a["route"] not in s.get("h15_routes", {}):
        raise ToolFail(f"no route {a['route']}")
    s.setdefault("h15_grit_runs", []).append({"route": a["route"], "tonnes": a["tonnes"]})
    return {"route": a["route"], "tonnes": a["tonnes"], "status": "dispatched"}


grit = Family(
    name="h15_grit",
    templates=[
        "Grit the {route} tonight at {rate} g/m2",
        "Send a gritter out on the {route} tonight, spreading {rate} grams per square metre",
        "{route}: treat it tonight at {rate} g/m2 if the forecast calls for it",
    ],
    fields={"route": _one_of(ROUTES), "rate": INT},
    sample=sample_grit,
    plan=[
        Step("h15_road_forecast", lambda p, r: {"route": p["route"]}),
        Step("h15_route", lambda p, r: {"route": p["route"]}),
        Step(
            "h15_dispatch_gritter",
            lambda p, r: {"route": p["route"], "tonnes": _tonnes(r["h15_route"], p["rate"])},
            when=lambda p, r: _surface(r["h15_road_forecast"]) <= 1.0,
        ),
    ],
    expect=_grit_expect,
    answer=_grit_answer,
    summary=lambda p, r: (
        f"Gritter dispatched on the {p['route']}: {_tonnes(r['h15_route'], p['rate'])} tonnes of salt at "
        f"{p['rate']} g/m2 (road surface forecast down to {_surface(r['h15_road_forecast'])} °C)."
        if "h15_dispatch_gritter" in r
        else f"Gritting not needed on the {p['route']} tonight: the road surface minimum is "
        f"{_surface(r['h15_road_forecast'])} °C, above +1 °C."
    ),
)


# ======================================== 2. tram wheels: read each tram, book the lathe for flanges under 26.0 mm
THIN = 26.0


def _seed_tram(rng: random.Random, w: State, tram: str, thin: bool) -> None:
    w.setdefault("h15_trams", {})[tram] = {
        "tram": tram,
        "flange_mm": round(rng.uniform(24.0, 25.9), 1) if thin else round(rng.uniform(26.1, 32.0), 1),
        "km_since_reprofile": rng.randint(12000, 95000),
        "depot": rng.choice(["Gorbals", "Saint-Jean"]),
    }


def sample_wheels(rng: random.Random, w: State, i: int) -> Params:
    taken = _picked(w, "trams")
    n = _size(rng, i)
    trams = []
    while len(trams) < n:
        t = str(rng.randint(2001, 2099))
        if t not in taken:
            taken.add(t)
            trams.append(t)
    trap = _trap(i, rng)
    thin = [True] * n if i < 4 else [rng.random() < 0.5 for _ in trams]
    if trap and all(thin):
        thin[rng.randrange(n)] = False
    for t, th in zip(trams, thin, strict=True):
        _seed_tram(rng, w, t, th)
    return {"items": listed(trams), "wording": _wording(rng, i, 3)}


def _tram_reads(p: Params, r: dict) -> list[dict]:
    return [r[f"h15_tram_wheels{k}"] for k in range(len(items_of(p["items"])))]


def _wheels_answer(p: Params, b: State) -> list:
    rows = [b["h15_trams"][t] for t in items_of(p["items"])]
    return [sum(x["flange_mm"] < THIN for x in rows), min(x["flange_mm"] for x in rows)]


def _wheels_summary(p: Params, r: dict) -> str:
    rows = _tram_reads(p, r)
    worn = [x["tram"] for x in rows if x["flange_mm"] < THIN]
    thinnest = min(x["flange_mm"] for x in rows)
    if not worn:
        return (
            f"Checked {len(rows)} trams: 0 booked for the wheel lathe, every flange is fine (thinnest {thinnest} mm)."
        )
    return (
        f"Checked {len(rows)} trams: {len(worn)} booked for the wheel lathe ({', '.join(worn)}); the thinnest "
        f"flange is {thinnest} mm."
    )


MAX = 4
wheels = Family(
    name="h15_wheels",
    templates=[
        "Check the wheel flanges of trams {items}",
        "Measure the wheels on trams {items} and book the lathe for any that are worn",
        "Wheel check for trams {items}, please",
    ],
    fields={"items": NUMS},
    sample=sample_wheels,
    plan=[
        *[
            Step(
                "h15_tram_wheels",
                lambda p, r, k=k: {"tram": items_of(p["items"])[k]},
                key=f"h15_tram_wheels{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(MAX)
        ],
        *[
            Step(
                "h15_book_lathe",
                lambda p, r, k=k: {"tram": items_of(p["items"])[k]},
                key=f"h15_book_lathe{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k and r[f"h15_tram_wheels{k}"]["flange_mm"] < THIN,
            )
            for k in range(MAX)
        ],
    ],
    expect=lambda p, b: (
        {"h15_lathe": [{"tram": t} for t in items_of(p["items"]) if b["h15_trams"][t]["flange_mm"] < THIN]}
        if any(b["h15_trams"][t]["flange_mm"] < THIN for t in items_of(p["items"]))
        else {}
    ),
    answer=_wheels_answer,
    summary=_wheels_summary,
)


def _tram_wheels(s: State, a: dict) -> dict:
    row = s.get("h15_trams", {}).get(str(a["tram"]))
    if row is None:
        raise ToolFail(f"no tram {a['tram']}")
    return row


def _book_lathe(s: State, a: dict) -> dict:
    _tram_wheels(s, a)
    s.setdefault("h15_lathe", []).append({"tram": str(a["tram"])})
    return {"tram": str(a["tram"]), "lathe": "night shift", "status": "booked"}


# ======================================== 3. cleaning rota: add a tram only if it is not on the rota (plain text,
# near-miss numbers); the add is not idempotent
ROTA_DEPOTS = ["Gorbals", "Saint-Jean"]


def _near(rng: random.Random, t: str) -> str:
    perms = {t[:2] + t[3] + t[2], t[0] + t[2] + t[1] + t[3], t[:3] + str((int(t[3]) + 1) % 10)}
    return rng.choice(sorted(x for x in perms if x != t))


def _seed_rota(rng: random.Random, w: State) -> None:
    if "h15_rota" in w:
        return
    for d in ROTA_DEPOTS:
        trams = sorted({str(rng.randint(3000, 3999)) for _ in range(rng.randint(4, 6))})
        w.setdefault("h15_rota", {})[d] = {"depot": d, "night": fmt_date(BASE, 1), "trams": trams}


def sample_rota(rng: random.Random, w: State, i: int) -> Params:
    _seed_rota(rng, w)
    taken = _picked(w, "rota")
    depot = rng.choice(ROTA_DEPOTS)
    row = w["h15_rota"][depot]
    if _trap(i, rng):
        tram = rng.choice(row["trams"])
    else:
        tram = _until(
            rng,
            lambda r: str(r.randint(3000, 3999)),
            lambda t: t not in taken and all(t not in x["trams"] for x in w["h15_rota"].values()),
        )
        near = _near(rng, tram)
        if near not in row["trams"]:
            row["trams"].insert(rng.randrange(len(row["trams"]) + 1), near)
    taken.add(tram)
    return {"tram": tram, "depot": depot, "wording": _wording(rng, i, 3)}


def _rota_text(s: State, a: dict) -> str:
    row = s.get("h15_rota", {}).get(a["depot"])
    if row is None:
        raise ToolFail(f"no depot {a['depot']}")
    listed_trams = ", ".join(row["trams"]) if row["trams"] else "no trams yet"
    return f"Cleaning rota, {a['depot']} depot, night of {row['night']}: {listed_trams} ({len(row['trams'])} trams)."


def _rota_members(text: str) -> list[str]:
    return re.findall(r"\b\d{4}\b", text.split(": ", 1)[1].rsplit(" (", 1)[0])


def _add_to_rota(s: State, a: dict) -> dict:
    row = s.get("h15_rota", {}).get(a["depot"])
    if row is None:
        raise ToolFail(f"no depot {a['depot']}")
    row["trams"].append(str(a["tram"]))
    return {"depot": a["depot"], "tram": str(a["tram"]), "position": len(row["trams"]), "status": "added"}


rota = Family(
    name="h15_rota",
    templates=[
        "Add tram {tram} to tonight's cleaning rota at {depot}",
        "Put {tram} on the {depot} cleaning rota for tonight",
        "Tram {tram} needs cleaning tonight at {depot}: add it to the rota",
    ],
    fields={"tram": Field(r"\d{4}"), "depot": _one_of(ROTA_DEPOTS)},
    sample=sample_rota,
    plan=[
        Step("h15_cleaning_rota", lambda p, r: {"depot": p["depot"]}),
        Step(
            "h15_add_to_rota",
            lambda p, r: {"depot": p["depot"], "tram": p["tram"]},
            when=lambda p, r: p["tram"] not in _rota_members(r["h15_cleaning_rota"]),
        ),
    ],
    expect=lambda p, b: (
        {}
        if p["tram"] in b["h15_rota"][p["depot"]]["trams"]
        else {
            "h15_rota": {
                p["depot"]: {**b["h15_rota"][p["depot"]], "trams": [*b["h15_rota"][p["depot"]]["trams"], p["tram"]]}
            }
        }
    ),
    answer=lambda p, b: (
        ["already on"]
        if p["tram"] in b["h15_rota"][p["depot"]]["trams"]
        else ["added", len(b["h15_rota"][p["depot"]]["trams"]) + 1]
    ),
    summary=lambda p, r: (
        f"Tram {p['tram']} added to tonight's cleaning rota at {p['depot']} (position "
        f"{r['h15_add_to_rota']['position']})."
        if "h15_add_to_rota" in r
        else f"Tram {p['tram']} is already on tonight's cleaning rota at {p['depot']}; nothing added."
    ),
)


# ======================================== 4-5. mail-room lockers: open a parcel's locker only when it is plainly
# "awaiting pickup"; count the parcels waiting (returned to sender not counted)
BLOCKS = ["Block C", "Harbour House", "Tower Ødegaard"]
RESIDENTS = [
    "Ana Lima",
    "Ben Okafor",
    "Chloé Martin",
    "Dário Sousa",
    "Elif Yıldız",
    "Fionn Mac Cárthaigh",
    "Greta Lindqvist",
    "Hamid Rahimi",
    "Iñaki Etxeberria",
    "Jana Dvořáková",
    "Kenji Mori",
    "Lotte de Vries",
]
OK_PARCEL = "awaiting pickup"
SIGNATURE = "awaiting pickup (signature required)"
RETURNED = "returned to sender"


def _new_parcel_id(rng: random.Random, w: State) -> str:
    used = {x["parcel"] for b in w.get("h15_mail", {}).values() for x in b["parcels"]}
    return _until(rng, lambda r: f"PX-{r.randint(40000, 49999)}", lambda x: x not in used)


def _swap(pid: str) -> str:
    d = pid[3:]
    return "PX-" + d[:3] + d[4] + d[3] if d[3] != d[4] else "PX-" + d[:2] + d[3] + d[2] + d[4]


def _free_locker(rng: random.Random, row: dict) -> int:
    used = {x["locker"] for x in row["parcels"]}
    return _until(rng, lambda r: r.randint(1, 48), lambda n: n not in used)


def _seed_mail(rng: random.Random, w: State) -> None:
    if "h15_mail" in w:
        return
    for b in BLOCKS:
        row = {"block": b, "parcels": []}
        w.setdefault("h15_mail", {})[b] = row
        for _ in range(rng.randint(2, 5)):
            status = rng.choice([OK_PARCEL, OK_PARCEL, SIGNATURE] + ([RETURNED, RETURNED] if b == "Block C" else []))
            row["parcels"].append(
                {
                    "parcel": _new_parcel_id(rng, w),
                    "resident": rng.choice(RESIDENTS),
                    "locker": _free_locker(rng, row),
                    "status": status,
                }
            )


def sample_release(rng: random.Random, w: State, i: int) -> Params:
    _seed_mail(rng, w)
    trap = _trap(i, rng)
    kind = rng.choice(["signature", "returned", "absent"]) if trap else "ok"
    block = "Block C" if kind == "returned" else rng.choice(BLOCKS)
    row = w["h15_mail"][block]
    used = {y["parcel"] for b in w["h15_mail"].values() for y in b["parcels"]}
    pid = _until(rng, lambda r: _new_parcel_id(r, w), lambda x: _swap(x) != x and _swap(x) not in used)
    resident = rng.choice(RESIDENTS)
    status = {"ok": OK_PARCEL, "signature": SIGNATURE, "returned": RETURNED, "absent": None}[kind]
    entries = [{"parcel": _swap(pid), "resident": rng.choice(RESIDENTS), "status": OK_PARCEL}]
    if status is not None:
        entries.append({"parcel": pid, "resident": resident, "status": status})
    rng.shuffle(entries)
    for e in entries:
        e["locker"] = _free_locker(rng, row)
        row["parcels"].insert(rng.randrange(len(row["parcels"]) + 1), e)
    return {"parcel": pid, "block": block, "resident": resident, "wording": _wording(rng, i, 3)}


def _board(s: State, a: dict) -> str:
    row = s.get("h15_mail", {}).get(a["block"])
    if row is None:
        raise ToolFail(f"no mail room at {a['block']}")
    lines = [
        f"{x['parcel']} for {x['resident']}, locker {x['locker']}, {x['status']}"
        for x in row["parcels"]
        if x["status"] != "collected"
    ]
    return f"Mail room board, {a['block']}, {fmt_date(BASE, 1)}: " + ("; ".join(lines) or "no parcels") + "."


def _board_entry(text: str, pid: str) -> tuple[int, str] | None:
    m = re.search(rf"(?<![\w-]){re.escape(pid)} for [^,;]+, locker (\d+), ([^;]+?)(?:;|\.$)", text)
    return (int(m.group(1)), m.group(2)) if m else None


def _open_locker(s: State, a: dict) -> dict:
    row = s.get("h15_mail", {}).get(a["block"])
    if row is None:
        raise ToolFail(f"no mail room at {a['block']}")
    hit = next((x for x in row["parcels"] if x["locker"] == int(a["locker"]) and x["status"] != "collected"), None)
    if hit is None:
        return {"block": a["block"], "locker": int(a["locker"]), "status": "opened, empty"}
    hit["status"] = "collected"
    return {"block": a["block"], "locker": int(a["locker"]), "parcel": hit["parcel"], "status": "opened"}


def _parcel(b: State, p: Params) -> dict | None:
    return next(
        (x for x in b["h15_mail"][p["block"]]["parcels"] if x["parcel"] == p["parcel"] and x["status"] != "collected"),
        None,
    )


def _release_expect(p: Params, b: State) -> dict:
    hit = _parcel(b, p)
    if hit is None or hit["status"] != OK_PARCEL:
        return {}
    row = b["h15_mail"][p["block"]]
    parcels = [{**x, "status": "collected"} if x is hit else x for x in row["parcels"]]
    return {"h15_mail": {p["block"]: {**row, "parcels": parcels}}}


def _release_answer(p: Params, b: State) -> list:
    hit = _parcel(b, p)
    if hit is None:
        return ["not released", "not found"]
    if hit["status"] == OK_PARCEL:
        return ["released", hit["locker"]]
    return ["not released", "signature" if hit["status"] == SIGNATURE else RETURNED]


def _release_summary(p: Params, r: dict) -> str:
    if "h15_open_locker" in r:
        return (
            f"Released: parcel {p['parcel']} at {p['block']} is in locker {r['h15_open_locker']['locker']}, now opened."
        )
    e = _board_entry(r["h15_mailroom_board"], p["parcel"])
    if e is None:
        return f"Parcel {p['parcel']} was not released: not found on the {p['block']} mail room board."
    return f"Parcel {p['parcel']} (locker {e[0]}) was not released: it is {e[1]}."


release = Family(
    name="h15_release",
    templates=[
        "Release parcel {parcel} from the {block} mail room",
        "Open the locker for parcel {parcel} at {block}",
        "{resident} is at the {block} desk for parcel {parcel}: let them have it",
    ],
    fields={"parcel": Field(r"PX-\d{5}"), "block": _one_of(BLOCKS), "resident": _one_of(RESIDENTS)},
    sample=sample_release,
    plan=[
        Step("h15_mailroom_board", lambda p, r: {"block": p["block"]}),
        Step(
            "h15_open_locker",
            lambda p, r: {"block": p["block"], "locker": _board_entry(r["h15_mailroom_board"], p["parcel"])[0]},
            when=lambda p, r: (_board_entry(r["h15_mailroom_board"], p["parcel"]) or (0, ""))[1] == OK_PARCEL,
        ),
    ],
    expect=_release_expect,
    answer=_release_answer,
    summary=_release_summary,
)


def _waiting(b: State, block: str) -> int:
    return sum(x["status"] in (OK_PARCEL, SIGNATURE) for x in b["h15_mail"][block]["parcels"])


def sample_waiting(rng: random.Random, w: State, i: int) -> Params:
    _seed_mail(rng, w)
    pool = BLOCKS if i >= 4 else [b for b in BLOCKS if b != "Block C"]
    return {"block": rng.choice(pool), "wording": _wording(rng, i, 3)}


def _waiting_r(text: str) -> int:
    return len(re.findall(r", awaiting pickup", text))


waiting = Family(
    name="h15_waiting",
    templates=[
        "How many parcels are waiting in the {block} mail room?",
        "Count the parcels still to be collected at {block}",
        "{block} mail room: how many parcels are awaiting pickup?",
    ],
    fields={"block": _one_of(BLOCKS)},
    sample=sample_waiting,
    plan=[Step("h15_mailroom_board", lambda p, r: {"block": p["block"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_waiting(b, p["block"])],
    summary=lambda p, r: f"{_waiting_r(r['h15_mailroom_board'])} parcels are waiting to be collected at {p['block']}.",
)


# ======================================== 6-7. blood-pressure telemonitoring: the last 7 days up to the upload day
# (older readings in the text are left out); alert at a mean systolic of 135 or more; the week's peak
_FIRST_A = ["Agnieszka", "Tomás", "Søren", "Hélène", "Dmitri", "Aisling", "Björn", "Lucía", "Yusuf", "Margit"]
_LAST_A = ["Wróbel", "Ó Briain", "Kjær", "Marchand", "Volkov", "Benítez", "Demir", "Szabó"]
_FIRST_B = ["Zofia", "Rhys", "Maëlle", "Giorgos", "Oona", "Nnamdi", "Catalina", "Henrik", "Sinéad", "Mateusz"]
_LAST_B = ["Nowak", "Llewelyn", "Le Goff", "Papadakis", "Virtanen", "Eze", "Ruiz", "Lund"]
PATIENTS_A = [f"{f} {la}" for f in _FIRST_A for la in _LAST_A]
PATIENTS_B = [f"{f} {la}" for f in _FIRST_B for la in _LAST_B]
SHORT_MONTHS = [m[:3] for m in MONTHS]


def _bp_row(rng: random.Random, asof: dt.date, systolic: Callable[[int], int]) -> dict:
    readings = []
    for back in range(9, -1, -1):
        if back != 0 and rng.random() < 0.25:
            continue
        d = asof - dt.timedelta(days=back)
        readings.append(
            {
                "day": f"{d.day} {SHORT_MONTHS[d.month - 1]}",
                "back": back,
                "time": f"{rng.randint(6, 9):02d}:{rng.choice([5, 10, 20, 35, 40, 55]):02d}",
                "sys": systolic(back),
                "dia": rng.randint(70, 96),
                "pulse": rng.randint(55, 90),
            }
        )
    return {"asof": fmt_date(asof, 1), "cuff": f"CF-{rng.randint(100, 999)}", "readings": readings}


def _week(row: dict) -> list[int]:
    return [x["sys"] for x in row["readings"] if x["back"] <= 6]


def _mean(xs: list[int]) -> float:
    return round_half_up(sum(xs) / len(xs), 1)


def _bp_text(s: State, a: dict) -> str:
    row = s.get("h15_bp", {}).get(a["patient"])
    if row is None:
        raise ToolFail(f"no telemonitoring for {a['patient']}")
    lines = [f"{x['day']} {x['time']} {x['sys']}/{x['dia']} mmHg, pulse {x['pulse']}" for x in row["readings"]]
    return (
        f"Home blood pressure for {a['patient']} (cuff {row['cuff']}), uploaded up to {row['asof']}: "
        + "; ".join(lines)
        + "."
    )


def _week_r(text: str) -> list[int]:
    asof = parse_date(re.search(r"uploaded up to (\d{1,2} [A-Z][a-z]+ \d{4})", text).group(1))  # type: ignore[union-attr]
    out = []
    for day, mon, sys_ in re.findall(r"(\d{1,2}) ([A-Z][a-z]{2}) \d{2}:\d{2} (\d+)/\d+ mmHg", text):
        d = dt.date(asof.year, SHORT_MONTHS.index(mon) + 1, int(day))
        if d > asof:
            d = d.replace(year=asof.year - 1)
        if (asof - d).days <= 6:
            out.append(int(sys_))
    return out


def sample_bp_alert(rng: random.Random, w: State, i: int) -> Params:
    taken = _picked(w, "bp_a")
    patient = _until(rng, lambda r: r.choice(PATIENTS_A), lambda x: x not in taken)
    taken.add(patient)
    asof = BASE - dt.timedelta(days=rng.randint(0, 3))
    trap = _trap(i, rng)
    lo, hi = (132, 158) if trap else (112, 134) if i < 4 else (118, 150)

    def ok(row: dict) -> bool:
        m = sum(_week(row)) / len(_week(row))
        if is_tie(m, 1):
            return False
        if trap:
            return m >= 135.5
        return m <= 128 if i < 4 else True

    row = _until(rng, lambda r: _bp_row(r, asof, lambda back: r.randint(lo, hi)), ok)
    w.setdefault("h15_bp", {})[patient] = row
    return {"patient": patient, "wording": _wording(rng, i, 3)}


def _alert(b: State, p: Params) -> bool:
    return _mean(_week(b["h15_bp"][p["patient"]])) >= 135.0


bp_alert = Family(
    name="h15_bp_alert",
    templates=[
        "Review {patient}'s home blood pressure and alert the nurse if needed",
        "Check the telemonitoring readings of {patient}",
        "Blood pressure review for {patient}, please",
    ],
    fields={"patient": _one_of(PATIENTS_A)},
    sample=sample_bp_alert,
    plan=[
        Step("h15_bp_readings", lambda p, r: {"patient": p["patient"]}),
        Step(
            "h15_alert_nurse",
            lambda p, r: {"patient": p["patient"], "mean_systolic": _mean(_week_r(r["h15_bp_readings"]))},
            when=lambda p, r: _mean(_week_r(r["h15_bp_readings"])) >= 135.0,
        ),
    ],
    expect=lambda p, b: (
        {"h15_alerts": [{"patient": p["patient"], "mean_systolic": _mean(_week(b["h15_bp"][p["patient"]]))}]}
        if _alert(b, p)
        else {}
    ),
    answer=lambda p, b: (
        [_mean(_week(b["h15_bp"][p["patient"]])), "nurse alerted"]
        if _alert(b, p)
        else [_mean(_week(b["h15_bp"][p["patient"]])), "no alert"]
    ),
    summary=lambda p, r: (
        f"{p['patient']}'s mean systolic over the last 7 days is {_mean(_week_r(r['h15_bp_readings']))} mmHg: "
        "at or over 135, so the nurse alerted."
        if "h15_alert_nurse" in r
        else f"{p['patient']}'s mean systolic over the last 7 days is {_mean(_week_r(r['h15_bp_readings']))} mmHg, "
        "under 135: no alert."
    ),
)


def sample_bp_peak(rng: random.Random, w: State, i: int) -> Params:
    taken = _picked(w, "bp_b")
    patient = _until(rng, lambda r: r.choice(PATIENTS_B), lambda x: x not in taken)
    taken.add(patient)
    asof = BASE - dt.timedelta(days=rng.randint(0, 3))
    trap = _trap(i, rng)

    def ok(row: dict) -> bool:
        old = [x["sys"] for x in row["readings"] if x["back"] > 6]
        if trap:
            return bool(old) and max(old) > max(_week(row))
        return not old or max(old) < max(_week(row))

    row = _until(rng, lambda r: _bp_row(r, asof, lambda back: r.randint(115, 170)), ok)
    w.setdefault("h15_bp", {})[patient] = row
    return {"patient": patient, "wording": _wording(rng, i, 3)}


bp_peak = Family(
    name="h15_bp_peak",
    templates=[
        "What was {patient}'s highest systolic reading in the last 7 days?",
        "Highest home systolic for {patient} this past week?",
        "{patient}: peak systolic pressure over the last seven days?",
    ],
    fields={"patient": _one_of(PATIENTS_B)},
    sample=sample_bp_peak,
    plan=[Step("h15_bp_readings", lambda p, r: {"patient": p["patient"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [max(_week(b["h15_bp"][p["patient"]]))],
    summary=lambda p, r: (
        f"{p['patient']}'s highest systolic reading in the last 7 days was {max(_week_r(r['h15_bp_readings']))} mmHg."
    ),
)


# ======================================== 8. forestry: the licence needs more than 30 days left after the register's
# print date; harvester days = ceil(standing volume / 180 m3 a day)
FORESTS = ["Glen Affric", "Kielder North", "Forêt de Tronçais", "Białowieża Edge", "Black Wood of Rannoch"]
SPECIES = ["Sitka spruce", "Scots pine", "larch", "sessile oak", "Douglas fir"]


def _licence_text(s: State, a: dict) -> str:
    row = s.get("h15_licences", {}).get(f"{a['forest']}/{a['compartment']}")
    if row is None:
        raise ToolFail(f"no felling licence for {a['forest']} compartment {a['compartment']}")
    return (
        f"Felling licence {row['ref']}, {a['forest']} compartment {a['compartment']}: issued {row['issued']}, "
        f"expires {row['expires']}. Register extract printed {row['printed']}."
    )


def _compartment(s: State, a: dict) -> dict:
    row = s.get("h15_compartments", {}).get(f"{a['forest']}/{a['compartment']}")
    if row is None:
        raise ToolFail(f"no compartment {a['compartment']} in {a['forest']}")
    return row


def _days_left_r(text: str) -> int:
    d = r"(\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|\d{1,2} [A-Z][a-z]+ \d{4})"
    exp = re.search(rf"expires {d}", text)
    printed = re.search(rf"printed {d}", text)
    if exp is None or printed is None:
        raise ValueError("no dates")
    return (parse_date(exp.group(1)) - parse_date(printed.group(1))).days


def _days_left(row: dict) -> int:
    return (parse_date(row["expires"]) - parse_date(row["printed"])).days


def _crew_days(volume: float) -> int:
    return math.ceil(volume / 180)


def sample_felling(rng: random.Random, w: State, i: int) -> Params:
    key = _until(
        rng,
        lambda r: (r.choice(FORESTS), r.randint(1, 60)),
        lambda k: f"{k[0]}/{k[1]}" not in w.get("h15_licences", {}),
    )
    forest, cpt = key
    printed = BASE + dt.timedelta(days=rng.randint(-10, 10))
    left = rng.randint(5, 30) if _trap(i, rng) else rng.randint(45, 300)
    expires = printed + dt.timedelta(days=left)
    issued = expires - dt.timedelta(days=rng.choice([365, 730, 1095]))
    w.setdefault("h15_licences", {})[f"{forest}/{cpt}"] = {
        "ref": f"FL-{rng.randint(1000, 9999)}",
        "issued": fmt_date(issued, rng.randrange(4)),
        "expires": fmt_date(expires, rng.randrange(4)),
        "printed": fmt_date(printed, rng.randrange(4)),
    }
    volume = rng.randrange(300, 4000, 10)
    while volume % 180 == 0:
        volume += 10
    w.setdefault("h15_compartments", {})[f"{forest}/{cpt}"] = {
        "forest": forest,
        "compartment": cpt,
        "area_ha": round(rng.uniform(3, 40), 1),
        "species": rng.choice(SPECIES),
        "standing_volume_m3": volume,
    }
    return {"cpt": cpt, "forest": forest, "wording": _wording(rng, i, 3)}


def _felling_ok(p: Params, b: State) -> bool:
    return _days_left(b["h15_licences"][f"{p['forest']}/{p['cpt']}"]) > 30


def _felling_expect(p: Params, b: State) -> dict:
    if not _felling_ok(p, b):
        return {}
    days = _crew_days(b["h15_compartments"][f"{p['forest']}/{p['cpt']}"]["standing_volume_m3"])
    return {"h15_harvests": [{"forest": p["forest"], "compartment": p["cpt"], "days": days}]}


def _felling_answer(p: Params, b: State) -> list:
    left = _days_left(b["h15_licences"][f"{p['forest']}/{p['cpt']}"])
    if left <= 30:
        return [left, "not booked"]
    return [left, _crew_days(b["h15_compartments"][f"{p['forest']}/{p['cpt']}"]["standing_volume_m3"]), "booked"]


def _book_harvester(s: State, a: dict) -> dict:
    _compartment(s, a)
    s.setdefault("h15_harvests", []).append(
        {"forest": a["forest"], "compartment": int(a["compartment"]), "days": int(a["days"])}
    )
    return {"forest": a["forest"], "compartment": int(a["compartment"]), "days": int(a["days"]), "status": "booked"}


felling = Family(
    name="h15_felling",
    templates=[
        "Book a harvester for compartment {cpt} of {forest}",
        "Schedule felling in {forest}, compartment {cpt}",
        "Send the harvesting crew to compartment {cpt} in {forest}",
    ],
    fields={"cpt": INT, "forest": _one_of(FORESTS)},
    sample=sample_felling,
    plan=[
        Step("h15_felling_licence", lambda p, r: {"forest": p["forest"], "compartment": p["cpt"]}),
        Step("h15_compartment", lambda p, r: {"forest": p["forest"], "compartment": p["cpt"]}),
        Step(
            "h15_book_harvester",
            lambda p, r: {
                "forest": p["forest"],
                "compartment": p["cpt"],
                "days": _crew_days(r["h15_compartment"]["standing_volume_m3"]),
            },
            when=lambda p, r: _days_left_r(r["h15_felling_licence"]) > 30,
        ),
    ],
    expect=_felling_expect,
    answer=_felling_answer,
    summary=lambda p, r: (
        f"Harvester booked for {r['h15_book_harvester']['days']} days in {p['forest']} compartment {p['cpt']}; the "
        f"licence has {_days_left_r(r['h15_felling_licence'])} days left."
        if "h15_book_harvester" in r
        else f"Not booked: the felling licence for {p['forest']} compartment {p['cpt']} has only "
        f"{_days_left_r(r['h15_felling_licence'])} days left (more than 30 needed)."
    ),
)


# ======================================== 9-10. recording studio: book the first free block of the goal's hours
# (cancelled sessions are free, open 10:00-22:00); hours booked on a day (cancelled not counted)
ROOMS = {"Live Room": 65, "Mix Suite": 48, "Booth Três": 35}
STUDIO_DAYS = [BASE + dt.timedelta(days=d) for d in (4, 5, 7, 8, 11, 12, 14, 15, 18, 19)]
ARTISTS = [
    "The Velvet Foxes",
    "Orla Ní Dhuibhir",
    "Los Relámpagos",
    "Kaja Nyström Trio",
    "Brass Ménagerie",
    "Dūmas",
    "Amara Osei",
    "The Ferryhill Choir",
]
OPEN, CLOSE = 600, 1320  # minutes: 10:00-22:00


def _hm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def _mins(t: str) -> int:
    h, m = t.split(":")
    return int(h) * 60 + int(m)


def _seed_diaries(rng: random.Random, w: State) -> None:
    if "h15_diaries" in w:
        return
    for room in ROOMS:
        for d in STUDIO_DAYS:
            sessions = []
            t = OPEN + rng.randrange(0, 181, 30)
            while True:
                dur = rng.randrange(90, 241, 30)
                if t + dur > CLOSE or len(sessions) >= 3:
                    break
                sessions.append(
                    {"start": _hm(t), "end": _hm(t + dur), "artist": rng.choice(ARTISTS), "cancelled": False}
                )
                t += dur + rng.randrange(0, 241, 30)
            if sessions and rng.random() < 0.4:
                rng.choice(sessions)["cancelled"] = True
            w.setdefault("h15_diaries", {})[f"{room}|{d.isoformat()}"] = {
                "room": room,
                "date": d.isoformat(),
                "rate_eur": ROOMS[room],
                "sessions": sessions,
            }


def _first_block(sessions: list[dict], hours: int, count_cancelled: bool = False) -> int | None:
    busy = sorted((_mins(x["start"]), _mins(x["end"])) for x in sessions if count_cancelled or not x["cancelled"])
    t = OPEN
    for a, e in busy:
        if a - t >= hours * 60:
            return t
        t = max(t, e)
    return t if CLOSE - t >= hours * 60 else None


def _diary_key(room: str, date: str) -> str:
    return f"{room}|{parse_date(date).isoformat()}"


def _diary(s: State, a: dict) -> dict:
    try:
        key = _diary_key(a["room"], a["date"])
    except (ValueError, StopIteration) as e:
        raise ToolFail(f"cannot read the date {a['date']}") from e
    row = s.get("h15_diaries", {}).get(key)
    if row is None:
        raise ToolFail(f"no diary for {a['room']} on {a['date']}")
    return row


def _diary_text(s: State, a: dict) -> str:
    row = _diary(s, a)
    sess = [
        f"{x['start']}-{x['end']} {x['artist']}" + (" (cancelled)" if x["cancelled"] else "")
        for x in sorted(row["sessions"], key=lambda x: x["start"])
    ]
    return (
        f"{row['room']}, {fmt_date(dt.date.fromisoformat(row['date']), 1)}. Open 10:00-22:00, {row['rate_eur']} EUR "
        f"per hour. Sessions: " + ("; ".join(sess) if sess else "none") + "."
    )


def _sessions_r(text: str) -> list[dict]:
    part = text.split("Sessions: ", 1)[1]
    out = []
    for start, end, rest in re.findall(r"(\d{2}:\d{2})-(\d{2}:\d{2}) ([^;]+?)(?=;|\.$)", part):
        out.append({"start": start, "end": end, "cancelled": rest.endswith("(cancelled)")})
    return out


def _rate_r(text: str) -> int:
    return int(re.search(r"(\d+) EUR per hour", text).group(1))  # type: ignore[union-attr]


def _book_session(s: State, a: dict) -> dict:
    row = _diary(s, a)
    start = _mins(str(a["start"]))
    new = {"start": _hm(start), "end": _hm(start + 60 * int(a["hours"])), "artist": a["artist"], "cancelled": False}
    row["sessions"] = sorted([*row["sessions"], new], key=lambda x: x["start"])
    return {"room": a["room"], "date": row["date"], "start": new["start"], "end": new["end"], "status": "booked"}


def sample_studio(rng: random.Random, w: State, i: int) -> Params:
    _seed_diaries(rng, w)
    taken = _picked(w, "diaries")
    trap = _trap(i, rng)

    def make(r: random.Random) -> tuple:
        return r.choice(list(ROOMS)), r.choice(STUDIO_DAYS), r.randint(2, 5)

    def ok(v: tuple) -> bool:
        key = f"{v[0]}|{v[1].isoformat()}"
        if key in taken:
            return False
        sessions = w["h15_diaries"][key]["sessions"]
        real, naive = _first_block(sessions, v[2]), _first_block(sessions, v[2], True)
        if trap:
            return real != naive
        return real is not None and not any(x["cancelled"] for x in sessions)

    room, day, hours = _until(rng, make, ok)
    taken.add(f"{room}|{day.isoformat()}")
    return {
        "room": room,
        "hours": hours,
        "date": fmt_date(day, rng.choice([0, 1, 2])),
        "artist": rng.choice(ARTISTS),
        "wording": _wording(rng, i, 3),
    }


def _studio_expect(p: Params, b: State) -> dict:
    key = _diary_key(p["room"], p["date"])
    row = b["h15_diaries"][key]
    start = _first_block(row["sessions"], p["hours"])
    if start is None:
        return {}
    new = {"start": _hm(start), "end": _hm(start + 60 * p["hours"]), "artist": p["artist"], "cancelled": False}
    return {"h15_diaries": {key: {**row, "sessions": sorted([*row["sessions"], new], key=lambda x: x["start"])}}}


def _studio_answer(p: Params, b: State) -> list:
    row = b["h15_diaries"][_diary_key(p["room"], p["date"])]
    start = _first_block(row["sessions"], p["hours"])
    if start is None:
        return ["no slot"]
    return [_hm(start), p["hours"] * row["rate_eur"]]


studio = Family(
    name="h15_studio",
    templates=[
        "Book the {room} for {hours} hours on {date} for {artist}",
        "{artist} need the {room} for {hours} hours on {date}: book the earliest slot",
        "Reserve {hours} hours in the {room} on {date}, for {artist}",
    ],
    fields={"room": _one_of(list(ROOMS)), "hours": INT, "date": DATE, "artist": _one_of(ARTISTS)},
    sample=sample_studio,
    plan=[
        Step("h15_studio_diary", lambda p, r: {"room": p["room"], "date": p["date"]}),
        Step(
            "h15_book_session",
            lambda p, r: {
                "room": p["room"],
                "date": p["date"],
                "start": _hm(_first_block(_sessions_r(r["h15_studio_diary"]), p["hours"])),  # type: ignore[arg-type]
                "hours": p["hours"],
                "artist": p["artist"],
            },
            when=lambda p, r: _first_block(_sessions_r(r["h15_studio_diary"]), p["hours"]) is not None,
        ),
    ],
    expect=_studio_expect,
    answer=_studio_answer,
    summary=lambda p, r: (
        f"Booked the {p['room']} on {p['date']} from {r['h15_book_session']['start']} to "
        f"{r['h15_book_session']['end']} for {p['artist']}: {p['hours']} hours at {_rate_r(r['h15_studio_diary'])} "
        f"EUR, {p['hours'] * _rate_r(r['h15_studio_diary'])} EUR in all."
        if "h15_book_session" in r
        else f"No slot: the {p['room']} has no free block of {p['hours']} hours on {p['date']}."
    ),
)


def _booked_hours(sessions: list[dict]) -> float:
    return sum(_mins(x["end"]) - _mins(x["start"]) for x in sessions if not x["cancelled"]) / 60


def sample_studio_hours(rng: random.Random, w: State, i: int) -> Params:
    _seed_diaries(rng, w)
    want_cancelled = _trap(i, rng)

    def make(r: random.Random) -> tuple:
        return r.choice(list(ROOMS)), r.choice(STUDIO_DAYS)

    def ok(v: tuple) -> bool:
        sessions = w["h15_diaries"][f"{v[0]}|{v[1].isoformat()}"]["sessions"]
        return any(x["cancelled"] for x in sessions) == want_cancelled

    room, day = _until(rng, make, ok)
    return {"room": room, "date": fmt_date(day, rng.choice([0, 1, 2])), "wording": _wording(rng, i, 3)}


studio_hours = Family(
    name="h15_studio_hours",
    templates=[
        "How many hours is the {room} booked on {date}?",
        "Total booked time in the {room} on {date}, in hours?",
        "On {date}, how long is the {room} in use?",
    ],
    fields={"room": _one_of(list(ROOMS)), "date": DATE},
    sample=sample_studio_hours,
    plan=[Step("h15_studio_diary", lambda p, r: {"room": p["room"], "date": p["date"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_booked_hours(b["h15_diaries"][_diary_key(p["room"], p["date"])]["sessions"])],
    summary=lambda p, r: (
        f"The {p['room']} is booked for {_fmt(_booked_hours(_sessions_r(r['h15_studio_diary'])))} hours on {p['date']}."
    ),
)


# ======================================== 11. ski rental: the skier's level picks the length (height minus 15/10/5 cm;
# heights in cm or ft/in); the longest free pair not over it is reserved and leaves the stock
_SKI_FIRST = ["Ingrid", "Matteo", "Camille", "Jakub", "Freya", "Álvaro", "Hanna", "Émile", "Nora", "Pádraig"]
_SKI_LAST = ["Ødegaard", "Bianchi", "Rousseau", "Novák", "Sinclair", "Koskinen", "Zając", "Åberg"]
SKIERS = [f"{f} {la}" for f in _SKI_FIRST for la in _SKI_LAST]
OFFSET = {"beginner": 15, "intermediate": 10, "expert": 5}
SHOPS = ["Verbier Centre", "Zermatt Bahnhof"]


def _seed_skis(rng: random.Random, w: State) -> None:
    if "h15_ski_stock" in w:
        return
    n = 100
    for shop in SHOPS:
        pairs = []
        for length in range(140, 190, 5):
            for _ in range(rng.choice([0, 1, 2, 2, 3])):
                n += rng.randint(1, 9)
                pairs.append(
                    {"pair": f"SK-{n}", "length_cm": length, "model": rng.choice(["Rossignol", "Atomic", "Völkl"])}
                )
        w.setdefault("h15_ski_stock", {})[shop] = {"shop": shop, "pairs": pairs}


def _height_cm(text: str) -> int:
    m = re.fullmatch(r"(\d{3}) cm", text)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"(\d) ft (\d{1,2}) in", text)
    if m is None:
        raise ValueError(f"height {text}")
    return round((int(m.group(1)) * 12 + int(m.group(2))) * 2.54)


def _pick_pair(stock: dict, target: int) -> dict | None:
    ok = [x for x in stock["pairs"] if x["length_cm"] <= target]
    if not ok:
        return None
    best = max(x["length_cm"] for x in ok)
    return min((x for x in ok if x["length_cm"] == best), key=lambda x: int(x["pair"][3:]))


def sample_ski(rng: random.Random, w: State, i: int) -> Params:
    _seed_skis(rng, w)
    taken = _picked(w, "skiers")
    name = _until(rng, lambda r: r.choice(SKIERS), lambda x: x not in taken)
    taken.add(name)
    trap = _trap(i, rng)
    level = rng.choice(["beginner", "expert"]) if trap else "intermediate" if i < 4 else rng.choice(list(OFFSET))
    w.setdefault("h15_skiers", {})[name] = {
        "card": f"R-{rng.randint(1000, 9999)}",
        "level": level,
        "boots_mondo": rng.choice([24.5, 25.5, 26.5, 27.5, 28.5, 29.5]),
        "shop": rng.choice(SHOPS),
        "last_rental": rng.randint(2019, 2025),
    }
    if i < 4 or not (trap or rng.random() < 0.5):
        height = f"{rng.randint(158, 192)} cm"
    else:

        def make(r: random.Random) -> tuple:
            return r.randint(5, 6), r.randint(0, 11)

        def ok(v: tuple) -> bool:
            cm = (v[0] * 12 + v[1]) * 2.54
            return 158 <= cm <= 195 and not is_tie(cm, 0)

        ft, inch = _until(rng, make, ok)
        height = f"{ft} ft {inch} in"
    return {"customer": name, "height": height, "wording": _wording(rng, i, 3)}


def _skier_text(s: State, a: dict) -> str:
    row = s.get("h15_skiers", {}).get(a["customer"])
    if row is None:
        raise ToolFail(f"no rental card for {a['customer']}")
    return (
        f"{a['customer']}, rental card {row['card']}, home shop {row['shop']}: ski level {row['level']}, boots "
        f"{row['boots_mondo']} mondo, last rental {row['last_rental']}."
    )


def _level_r(text: str) -> str:
    return re.search(r"ski level (\w+)", text).group(1)  # type: ignore[union-attr]


def _shop_r(text: str) -> str:
    return re.search(r"home shop ([^:]+):", text).group(1)  # type: ignore[union-attr]


def _ski_stock(s: State, a: dict) -> dict:
    row = s.get("h15_ski_stock", {}).get(a["shop"])
    if row is None:
        raise ToolFail(f"no shop {a['shop']}")
    return row


def _reserve(s: State, a: dict) -> dict:
    row = _ski_stock(s, a)
    pair = next((x for x in row["pairs"] if x["pair"] == a["pair"]), None)
    if pair is None:
        raise ToolFail(f"pair {a['pair']} is not free at {a['shop']}")
    row["pairs"].remove(pair)
    s.setdefault("h15_ski_rentals", []).append({"shop": a["shop"], "pair": a["pair"], "customer": a["customer"]})
    return {"pair": a["pair"], "length_cm": pair["length_cm"], "customer": a["customer"], "status": "reserved"}


def _ski_target(p: Params, level: str) -> int:
    return _height_cm(p["height"]) - OFFSET[level]


def _ski_choice(p: Params, b: State) -> tuple[str, dict | None]:
    card = b["h15_skiers"][p["customer"]]
    stock = b["h15_ski_stock"][card["shop"]]
    return card["shop"], _pick_pair(stock, _ski_target(p, card["level"]))


def _ski_expect(p: Params, b: State) -> dict:
    shop, pair = _ski_choice(p, b)
    if pair is None:
        return {}
    stock = b["h15_ski_stock"][shop]
    return {
        "h15_ski_stock": {shop: {**stock, "pairs": [x for x in stock["pairs"] if x["pair"] != pair["pair"]]}},
        "h15_ski_rentals": [{"shop": shop, "pair": pair["pair"], "customer": p["customer"]}],
    }


def _ski_answer(p: Params, b: State) -> list:
    _, pair = _ski_choice(p, b)
    return ["no pair"] if pair is None else [pair["length_cm"], pair["pair"]]


ski = Family(
    name="h15_ski",
    templates=[
        "Reserve rental skis for {customer}, who is {height} tall",
        "{customer} ({height}) needs skis: reserve a pair",
        "Set {customer} up with skis; height {height}",
    ],
    fields={"customer": _one_of(SKIERS), "height": Field(r"\d{3} cm|\d ft \d{1,2} in")},
    sample=sample_ski,
    plan=[
        Step("h15_skier", lambda p, r: {"customer": p["customer"]}),
        Step("h15_ski_stock", lambda p, r: {"shop": _shop_r(r["h15_skier"])}),
        Step(
            "h15_reserve_skis",
            lambda p, r: {
                "shop": _shop_r(r["h15_skier"]),
                "pair": _pick_pair(r["h15_ski_stock"], _ski_target(p, _level_r(r["h15_skier"])))["pair"],  # type: ignore[index]
                "customer": p["customer"],
            },
            when=lambda p, r: _pick_pair(r["h15_ski_stock"], _ski_target(p, _level_r(r["h15_skier"]))) is not None,
        ),
    ],
    expect=_ski_expect,
    answer=_ski_answer,
    summary=lambda p, r: (
        f"Reserved pair {r['h15_reserve_skis']['pair']} ({r['h15_reserve_skis']['length_cm']} cm) at "
        f"{_shop_r(r['h15_skier'])} for {p['customer']} ({_level_r(r['h15_skier'])}, {_height_cm(p['height'])} cm)."
        if "h15_reserve_skis" in r
        else f"No pair: nothing short enough is free at {_shop_r(r['h15_skier'])} for {p['customer']}."
    ),
)


# ======================================== 12. milk round: each farm's tank; over 6.0 C is rejected; the round logs the
# accepted litres and the number of rejected tanks
FARMS = [
    "Hof Brunner",
    "Ferme Dubois",
    "Glenmore",
    "Gård Østby",
    "Cascina Rossi",
    "Llys Farm",
    "Boerderij Smit",
    "Kilbride",
    "Tanglewood",
    "Ashcombe",
    "Fattoria Bianchi",
    "Mains Of Dalvey",
    "Hacienda Olmo",
    "Rancho Viejo",
    "Weidehof Kranz",
    "Ty Gwyn",
    "Skovgaard",
    "Ballyduff",
    "Lower Upton",
    "Côte Verte",
    "Moorside",
    "Bergerie Sauvage",
    "Heathfield",
    "Polder Zuid",
]
WARM = 6.0


def _seed_tanks(rng: random.Random, w: State) -> None:
    if "h15_tanks" in w:
        return
    warm = set(rng.sample(FARMS, 7))
    for f in FARMS:
        w.setdefault("h15_tanks", {})[f] = {
            "litres": rng.randint(1200, 9800),
            "temp": round(rng.uniform(6.3, 9.5), 1) if f in warm else round(rng.uniform(2.5, 5.6), 1),
            "washed": f"{rng.randint(4, 7):02d}:{rng.choice([0, 15, 30, 45]):02d}",
        }


def _tank_text(s: State, a: dict) -> str:
    row = s.get("h15_tanks", {}).get(a["farm"])
    if row is None:
        raise ToolFail(f"no farm {a['farm']}")
    return (
        f"Bulk tank at {a['farm']}: {row['litres']:,} litres at {row['temp']} °C, last washed at {row['washed']}, "
        "sample taken."
    )


def _tank_r(text: str) -> tuple[int, float]:
    m = re.search(r": ([\d,]+) litres at (-?\d+(?:\.\d+)?) °C", text)
    if m is None:
        raise ValueError("no tank reading")
    return int(m.group(1).replace(",", "")), float(m.group(2))


def sample_milk(rng: random.Random, w: State, i: int) -> Params:
    _seed_tanks(rng, w)
    n = _size(rng, i)
    trap = _trap(i, rng)
    cold = [f for f in FARMS if w["h15_tanks"][f]["temp"] <= WARM]
    warm = [f for f in FARMS if w["h15_tanks"][f]["temp"] > WARM]
    if i < 4:
        farms = rng.sample(cold, n)
    elif trap:
        k = rng.randint(1, n)
        farms = rng.sample(warm, k) + rng.sample(cold, n - k)
        rng.shuffle(farms)
    else:
        farms = rng.sample(FARMS, n)
    return {"items": listed(farms), "wording": _wording(rng, i, 3)}


def _round(rows: list[tuple[int, float]]) -> tuple[int, int]:
    return sum(lt for lt, t in rows if t <= WARM), sum(t > WARM for _, t in rows)


def _milk_rows_b(p: Params, b: State) -> list[tuple[int, float]]:
    return [(b["h15_tanks"][f]["litres"], b["h15_tanks"][f]["temp"]) for f in items_of(p["items"])]


def _milk_rows_r(p: Params, r: dict) -> list[tuple[int, float]]:
    return [_tank_r(r[f"h15_tank{k}"]) for k in range(len(items_of(p["items"])))]


milk = Family(
    name="h15_milk",
    templates=[
        "Collect milk from {items} and log the tanker load",
        "Milk round today: {items}",
        "Run the milk collection at {items}",
    ],
    fields={"items": NAMES},
    sample=sample_milk,
    plan=[
        *[
            Step(
                "h15_tank",
                lambda p, r, k=k: {"farm": items_of(p["items"])[k]},
                key=f"h15_tank{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(MAX)
        ],
        Step(
            "h15_log_collection",
            lambda p, r: dict(zip(("litres", "rejected"), _round(_milk_rows_r(p, r)), strict=True)),
        ),
    ],
    expect=lambda p, b: {
        "h15_collections": [dict(zip(("litres", "rejected"), _round(_milk_rows_b(p, b)), strict=True))]
    },
    answer=lambda p, b: list(_round(_milk_rows_b(p, b))),
    summary=lambda p, r: (
        f"Collected {_round(_milk_rows_r(p, r))[0]:,} litres; {_round(_milk_rows_r(p, r))[1]} tanks rejected "
        "as too warm (over 6.0 °C)."
    ),
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h15_road_forecast",
            "Tonight's road weather forecast for a gritting route (plain text).",
            {"route": str},
            _forecast_text,
        ),
        Tool(
            "h15_route",
            "A gritting route: length (km), lanes, lane width (m), depot.",
            {"route": str},
            _route,
        ),
        Tool(
            "h15_dispatch_gritter",
            "Dispatch a gritter on a route with the given tonnes of salt.",
            {"route": str, "tonnes": float},
            _dispatch,
        ),
        Tool("h15_tram_wheels", "A tram's wheel measurements.", {"tram": str}, _tram_wheels),
        Tool("h15_book_lathe", "Book a tram on the wheel lathe.", {"tram": str}, _book_lathe),
        Tool(
            "h15_cleaning_rota",
            "Tonight's cleaning rota of a tram depot (plain text).",
            {"depot": str},
            _rota_text,
        ),
        Tool(
            "h15_add_to_rota",
            "Add a tram to tonight's cleaning rota of a depot.",
            {"depot": str, "tram": str},
            _add_to_rota,
        ),
        Tool(
            "h15_mailroom_board",
            "The parcel board of a mail room: parcels, residents, lockers, status (plain text).",
            {"block": str},
            _board,
        ),
        Tool("h15_open_locker", "Open a parcel locker in a mail room.", {"block": str, "locker": int}, _open_locker),
        Tool(
            "h15_bp_readings",
            "A patient's uploaded home blood pressure readings (plain text).",
            {"patient": str},
            _bp_text,
        ),
        Tool(
            "h15_alert_nurse",
            "Alert the telemonitoring nurse about a patient's blood pressure.",
            {"patient": str, "mean_systolic": float},
            lambda s, a: (
                s.setdefault("h15_alerts", []).append({"patient": a["patient"], "mean_systolic": a["mean_systolic"]}),
                {"patient": a["patient"], "status": "nurse alerted"},
            )[1],
        ),
        Tool(
            "h15_felling_licence",
            "The felling licence of a forest compartment (plain text).",
            {"forest": str, "compartment": int},
            _licence_text,
        ),
        Tool(
            "h15_compartment",
            "A forest compartment: area, species, standing volume (m3).",
            {"forest": str, "compartment": int},
            _compartment,
        ),
        Tool(
            "h15_book_harvester",
            "Book the harvester crew for a compartment for a number of days.",
            {"forest": str, "compartment": int, "days": int},
            _book_harvester,
        ),
        Tool(
            "h15_studio_diary",
            "A recording studio room's diary for a day (plain text).",
            {"room": str, "date": str},
            _diary_text,
        ),
        Tool(
            "h15_book_session",
            "Book a session in a studio room: start (HH:MM) and whole hours.",
            {"room": str, "date": str, "start": str, "hours": int, "artist": str},
            _book_session,
        ),
        Tool("h15_skier", "A ski rental customer's card (plain text).", {"customer": str}, _skier_text),
        Tool("h15_ski_stock", "The free rental ski pairs of a shop.", {"shop": str}, _ski_stock),
        Tool(
            "h15_reserve_skis",
            "Reserve a pair of rental skis for a customer.",
            {"shop": str, "pair": str, "customer": str},
            _reserve,
        ),
        Tool("h15_tank", "A farm's bulk milk tank reading (plain text).", {"farm": str}, _tank_text),
        Tool(
            "h15_log_collection",
            "Log a milk round: litres collected and the number of tanks rejected.",
            {"litres": int, "rejected": int},
            lambda s, a: (
                s.setdefault("h15_collections", []).append({"litres": a["litres"], "rejected": a["rejected"]}),
                {"status": "logged", "litres": a["litres"]},
            )[1],
        ),
    ]
}

FAMILIES = [grit, wheels, rota, release, waiting, bp_alert, bp_peak, felling, studio, studio_hours, ski, milk]
