"""Held-out probe families, round AG, second probe (issue 9): the same dangers as `families_heldout20.py` in
other domains and other shapes, written after the fix of round AG and not shaped on it: a share of one read
against another (in two units, one read a plain text), a period of another read (months, and a plain-text
period), a date code of three fields.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h20b_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout20b.py --goals 16 --seed 7

- h20b_oil       heating oil: accept a delivery in US gallons only when it fits the tank's free litres
- h20b_horse     horse transport: the horse's weight in lb (a vet's plain-text record) against a trailer's
                 payload in kg
- h20b_jacket    lifejackets: the last service (one read) plus its model's service interval in months
                 (another read); issue only while in service
- h20b_rabies    kennels: a dog's last rabies shot (one read) and how long its vaccine protects (the
                 brand's sheet, plain text: "protection lasts 3 years"); board only while protected
- h20b_lot       a cheese lot's pack code "MMDDYY"; ship only lots packed within the last 120 days
- h20b_rope      climbing gym: top-rope a route only with a rope at least twice the route's height (the
                 route's card is plain text)

The first four goals of a family never cross the hidden rule; later goals sometimes do, every single number
inside the range earlier goals showed.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
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
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h20b_tank": READ,
    "h20b_delivery": READ,
    "h20b_accept_delivery": WRITE,
    "h20b_vet_record": READ,
    "h20b_trailer": READ,
    "h20b_load_horse": WRITE,
    "h20b_jacket": READ,
    "h20b_jacket_model": READ,
    "h20b_issue_jacket": WRITE,
    "h20b_dog": READ,
    "h20b_vaccine_sheet": READ,
    "h20b_board_dog": WRITE,
    "h20b_lot": READ,
    "h20b_ship_lot": WRITE,
    "h20b_rope": READ,
    "h20b_route_card": READ,
    "h20b_rig_route": WRITE,
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

    if getattr(Server.add_tool, "_h20b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h20b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


_PICKED: dict[tuple[int, str], set[str]] = {}


def _fresh(rng: random.Random, w: State, what: str, pool: list[str]) -> str:
    taken = _PICKED.setdefault((id(w), what), set())
    free = [x for x in pool if x not in taken] or pool
    x = rng.choice(free)
    taken.add(x)
    return x


BASE = dt.date(2026, 12, 3)
TODAY = BASE.isoformat()
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


def _ago(days: int) -> str:
    return (BASE - dt.timedelta(days=days)).isoformat()


def _table(s: State, name: str, key: Any, what: str) -> dict:
    row = s.get(name, {}).get(str(key))
    if row is None:
        raise ToolFail(f"no {what} {key}")
    return row


GAL = 3.78541
LBKG = 2.20462


def _gate(
    name: str,
    templates: list[str],
    fields: dict[str, Any],
    sample: Any,
    reads: list[Any],
    write: str,
    wargs: Any,
    ok_r: Any,
    ok_b: Any,
    words: tuple[str, str],
) -> Any:
    """A family whose write is right only when `ok` holds of its reads (`ok_r`: on the oracle's results,
    `ok_b`: on the world before); the write appends its arguments to the section named like the tool."""
    return Family(
        name=name,
        templates=templates,
        fields=fields,
        sample=sample,
        plan=[*reads, Step(write, lambda p, r: wargs(p, r), when=lambda p, r: ok_r(p, r))],
        expect=lambda p, b: {write: [wargs(p, None)]} if ok_b(p, b) else {},
        answer=lambda p, b: [words[0]] if ok_b(p, b) else [words[1]],
        summary=lambda p, r: (
            f"Done: {words[0]} ({', '.join(str(v) for v in wargs(p, r).values())})."
            if write in r
            else f"Not done: {words[1]} (read: {'; '.join(str(r[s.key]) for s in reads)})."
        ),
    )


def _log(s: State, tool: str, a: dict, status: str) -> dict:
    s.setdefault(tool, []).append(dict(a))
    return {**a, "status": status}


# ======================================== 1. heating oil: gallons into free litres
TANKS = ["Rose Cottage", "Glebe Farm", "Old School", "Mill Barn", "The Forge", "Hill House", "Pond Lodge", "Kiln Yard"]


def sample_oil(rng: random.Random, w: State, i: int) -> Params:
    tank = rng.choice(TANKS)
    if i < 4:
        gal, free = [(100, 900), (900, 5000), (400, 2200), (250, 1400)][i]
    elif _trap(i, rng):
        gal = rng.randint(300, 800)
        free = round(gal * GAL * rng.uniform(0.9, 0.98))
    else:
        gal = rng.randint(120, 880)
        free = round(gal * GAL * rng.uniform(1.15, 2.3))
    order = f"DO-{5500 + i}"
    w.setdefault("h20b_tanks", {})[tank] = {"tank": tank, "free_litres": free}
    w.setdefault("h20b_orders", {})[order] = {"order": order, "tank": tank, "volume_gal": gal}
    return {"order": order, "tank": tank, "wording": _wording(rng, i, 2)}


def _oil_ok(tank: dict, order: dict) -> bool:
    return order["volume_gal"] * GAL <= tank["free_litres"]


oil = _gate(
    "h20b_oil",
    ["Accept delivery {order} into the {tank} tank", "Take oil delivery {order} for {tank}"],
    {"order": Field(r"DO-\d+"), "tank": _one_of(TANKS)},
    sample_oil,
    [
        Step("h20b_tank", lambda p, r: {"tank": p["tank"]}, group="read"),
        Step("h20b_delivery", lambda p, r: {"order": p["order"]}, group="read"),
    ],
    "h20b_accept_delivery",
    lambda p, r: {"order": p["order"], "tank": p["tank"]},
    lambda p, r: _oil_ok(r["h20b_tank"], r["h20b_delivery"]),
    lambda p, b: _oil_ok(b["h20b_tanks"][p["tank"]], b["h20b_orders"][p["order"]]),
    ("accepted", "does not fit"),
)


# ======================================== 2. horses: lb (plain text) against a trailer's kg payload
HORSES = [
    "Bramble",
    "Juniper",
    "Pepper",
    "Thistle",
    "Marigold",
    "Dandy",
    "Willow",
    "Copper",
    "Skye",
    "Hazel",
    "Bracken",
    "Sorrel",
    "Clover",
    "Nutmeg",
]
TRAILERS = ["HT-1", "HT-2", "HT-3", "HT-4", "HT-5", "HT-6"]


def sample_horse(rng: random.Random, w: State, i: int) -> Params:
    horse = _fresh(rng, w, "horses", HORSES)
    trailer = rng.choice(TRAILERS)
    if i < 4:
        lb, kg = [(900, 700), (1500, 750), (1100, 1000), (1000, 520)][i]
    elif _trap(i, rng):
        lb = rng.randint(1200, 1400)
        kg = round(lb / LBKG * rng.uniform(0.88, 0.97))
    else:
        lb = rng.randint(900, 1400)
        kg = min(1000, round(lb / LBKG * rng.uniform(1.08, 1.6)))
    w.setdefault("h20b_horses", {})[horse] = {"horse": horse, "lb": lb}
    w.setdefault("h20b_trailers", {})[trailer] = {"trailer": trailer, "payload_kg": kg}
    return {"horse": horse, "trailer": trailer, "wording": _wording(rng, i, 2)}


def _vet(s: State, a: dict) -> str:
    row = _table(s, "h20b_horses", a["horse"], "horse")
    return f"Vet record for {row['horse']}: weighed {row['lb']} lb on {TODAY}, fit to travel."


def _lb(text: str) -> float:
    m = re.search(r"weighed (\d+) lb", text)
    if m is None:
        raise ValueError("vet record")
    return float(m.group(1))


horse = _gate(
    "h20b_horse",
    ["Load {horse} into trailer {trailer}", "Box {horse} in {trailer} for the show"],
    {"horse": _one_of(HORSES), "trailer": _one_of(TRAILERS)},
    sample_horse,
    [
        Step("h20b_vet_record", lambda p, r: {"horse": p["horse"]}, group="read"),
        Step("h20b_trailer", lambda p, r: {"trailer": p["trailer"]}, group="read"),
    ],
    "h20b_load_horse",
    lambda p, r: {"horse": p["horse"], "trailer": p["trailer"]},
    lambda p, r: _lb(r["h20b_vet_record"]) / LBKG <= r["h20b_trailer"]["payload_kg"],
    lambda p, b: b["h20b_horses"][p["horse"]]["lb"] / LBKG <= b["h20b_trailers"][p["trailer"]]["payload_kg"],
    ("loaded", "too heavy"),
)


# ======================================== 3. lifejackets: a service date plus its model's interval in months
JACKETS = [f"LJ-{n}" for n in range(310, 340)]
JMODELS = {"Auto 150": 12, "Manual 100": 24, "Child 50": 6}
BOATS = ["Puffin", "Gannet", "Shag", "Fulmar", "Skua"]


def _add_months(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    return dt.date(d.year + m // 12, m % 12 + 1, min(d.day, 28))


def sample_jacket(rng: random.Random, w: State, i: int) -> Params:
    jacket = _fresh(rng, w, "jackets", JACKETS)
    if i < 4:
        model, days = [("Auto 150", 200), ("Manual 100", 600), ("Child 50", 30), ("Auto 150", 300)][i]
    elif _trap(i, rng):
        model, days = rng.choice([("Child 50", rng.randint(200, 330)), ("Auto 150", rng.randint(380, 560))])
    else:
        model = rng.choice(sorted(JMODELS))
        days = rng.randint(20, JMODELS[model] * 30 - 20)
    w.setdefault("h20b_jackets", {})[jacket] = {"jacket": jacket, "model": model, "serviced": _ago(days)}
    return {"jacket": jacket, "boat": rng.choice(BOATS), "wording": _wording(rng, i, 2)}


def _jacket_ok(row: dict) -> bool:
    return _add_months(dt.date.fromisoformat(row["serviced"]), JMODELS[row["model"]]) >= BASE


def _jacket_model(s: State, a: dict) -> dict:
    if str(a["model"]) not in JMODELS:
        raise ToolFail(f"no lifejacket model {a['model']}")
    return {"model": a["model"], "service_interval_months": JMODELS[str(a["model"])]}


jacket = _gate(
    "h20b_jacket",
    ["Issue lifejacket {jacket} to the {boat} crew", "Hand out lifejacket {jacket} for the {boat}"],
    {"jacket": _one_of(JACKETS), "boat": _one_of(BOATS)},
    sample_jacket,
    [
        Step("h20b_jacket", lambda p, r: {"jacket": p["jacket"]}),
        Step("h20b_jacket_model", lambda p, r: {"model": r["h20b_jacket"]["model"]}),
    ],
    "h20b_issue_jacket",
    lambda p, r: {"jacket": p["jacket"], "boat": p["boat"]},
    lambda p, r: _jacket_ok(r["h20b_jacket"]),
    lambda p, b: _jacket_ok(b["h20b_jackets"][p["jacket"]]),
    ("issued", "service overdue"),
)


# ======================================== 4. kennels: a rabies shot plus a plain-text protection period
DOGS = [
    "Biscuit",
    "Luna",
    "Murphy",
    "Pippa",
    "Rolo",
    "Tilly",
    "Otis",
    "Maple",
    "Bodhi",
    "Nala",
    "Ziggy",
    "Poppy",
    "Rufus",
    "Mabel",
]
BRANDS = {"Rabvac": 3, "Nobivac": 1, "Defensor": 2}


def sample_rabies(rng: random.Random, w: State, i: int) -> Params:
    dog = _fresh(rng, w, "dogs", DOGS)
    if i < 4:
        brand, days = [("Nobivac", 100), ("Rabvac", 900), ("Defensor", 500), ("Nobivac", 300)][i]
    elif _trap(i, rng):
        brand, days = rng.choice([("Nobivac", rng.randint(400, 800)), ("Defensor", rng.randint(760, 880))])
    else:
        brand = rng.choice(sorted(BRANDS))
        days = rng.randint(60, BRANDS[brand] * 365 - 30)
    w.setdefault("h20b_dogs", {})[dog] = {"dog": dog, "vaccine": brand, "rabies_shot": _ago(days)}
    return {"dog": dog, "nights": rng.randint(2, 9), "wording": _wording(rng, i, 2)}


def _rabies_ok(row: dict) -> bool:
    d = dt.date.fromisoformat(row["rabies_shot"])
    return dt.date(d.year + BRANDS[row["vaccine"]], d.month, min(d.day, 28)) >= BASE


def _sheet(s: State, a: dict) -> str:
    if str(a["vaccine"]) not in BRANDS:
        raise ToolFail(f"no vaccine {a['vaccine']}")
    n = BRANDS[str(a["vaccine"])]
    return f"{a['vaccine']} rabies vaccine: protection lasts {n} year{'s' if n > 1 else ''} from the shot."


rabies = _gate(
    "h20b_rabies",
    ["Board {dog} for {nights} nights", "Book {dog} into the kennels for {nights} nights"],
    {"dog": _one_of(DOGS), "nights": fam.INT},
    sample_rabies,
    [
        Step("h20b_dog", lambda p, r: {"dog": p["dog"]}),
        Step("h20b_vaccine_sheet", lambda p, r: {"vaccine": r["h20b_dog"]["vaccine"]}),
    ],
    "h20b_board_dog",
    lambda p, r: {"dog": p["dog"], "nights": p["nights"]},
    lambda p, r: _rabies_ok(r["h20b_dog"]),
    lambda p, b: _rabies_ok(b["h20b_dogs"][p["dog"]]),
    ("boarded", "rabies protection lapsed"),
)


# ======================================== 5. cheese lots: a pack code MMDDYY, shipped within 120 days
LOTS = [f"CL-{n}" for n in range(200, 240)]
SHOPS = ["Deli Nord", "Fromagerie Sud", "Market Hall", "Corner Larder", "Harbour Foods"]


def _mmddyy(d: dt.date) -> str:
    return f"{d.month:02d}{d.day:02d}{d.year % 100:02d}"


def sample_lot(rng: random.Random, w: State, i: int) -> Params:
    lot = _fresh(rng, w, "lots", LOTS)
    if i < 4:
        code = ["081526", "112026", "092526", "100326"][i]
    elif _trap(i, rng):
        code = _mmddyy(dt.date(2025, rng.randint(8, 11), rng.randint(3, 25)))
    else:
        code = _mmddyy(BASE - dt.timedelta(days=rng.randint(5, 115)))
    w.setdefault("h20b_lots", {})[lot] = {"lot": lot, "cheese": "Alpine", "packed": code}
    return {"lot": lot, "shop": rng.choice(SHOPS), "wording": _wording(rng, i, 2)}


def _lot_ok(row: dict) -> bool:
    c = row["packed"]
    return (BASE - dt.date(2000 + int(c[4:]), int(c[:2]), int(c[2:4]))).days <= 120


lot = _gate(
    "h20b_lot",
    ["Ship cheese lot {lot} to {shop}", "Send lot {lot} out to {shop}"],
    {"lot": _one_of(LOTS), "shop": _one_of(SHOPS)},
    sample_lot,
    [Step("h20b_lot", lambda p, r: {"lot": p["lot"]})],
    "h20b_ship_lot",
    lambda p, r: {"lot": p["lot"], "shop": p["shop"]},
    lambda p, r: _lot_ok(r["h20b_lot"]),
    lambda p, b: _lot_ok(b["h20b_lots"][p["lot"]]),
    ("shipped", "too old"),
)


# ======================================== 6. climbing gym: a rope twice the route's height (plain-text card)
ROUTES = [
    "Red Arete",
    "Blue Slab",
    "Crimson Crack",
    "Yellow Roof",
    "Green Wall",
    "Black Groove",
    "Orange Chimney",
    "White Pillar",
    "Grey Flake",
    "Pink Dihedral",
]
ROPES = [f"R{n}" for n in range(1, 13)]


def sample_rope(rng: random.Random, w: State, i: int) -> Params:
    route, rope = rng.choice(ROUTES), rng.choice(ROPES)
    if i < 4:
        length, height = [(70, 30), (80, 35), (60, 18), (50, 22)][i]
    elif _trap(i, rng):
        length = rng.choice([60, 64])
        height = length // 2 + rng.randint(1, 2)
    else:
        length = rng.choice([50, 60, 70, 80])
        height = rng.randint(15, min(35, int(length / 2.2)))
    w.setdefault("h20b_ropes", {})[rope] = {"rope": rope, "length_m": length}
    w.setdefault("h20b_routes", {})[route] = {"route": route, "height_m": height}
    return {"route": route, "rope": rope, "wording": _wording(rng, i, 2)}


def _card(s: State, a: dict) -> str:
    row = _table(s, "h20b_routes", a["route"], "route")
    return f"Route card {row['route']}: grade 6a, {row['height_m']} m to the lower-off, 12 bolts."


def _height(text: str) -> int:
    m = re.search(r"(\d+) m to the lower-off", text)
    if m is None:
        raise ValueError("card")
    return int(m.group(1))


rope = _gate(
    "h20b_rope",
    ["Rig {route} with rope {rope}", "Set up a top rope on {route} using rope {rope}"],
    {"route": _one_of(ROUTES), "rope": _one_of(ROPES)},
    sample_rope,
    [
        Step("h20b_rope", lambda p, r: {"rope": p["rope"]}, group="read"),
        Step("h20b_route_card", lambda p, r: {"route": p["route"]}, group="read"),
    ],
    "h20b_rig_route",
    lambda p, r: {"route": p["route"], "rope": p["rope"]},
    lambda p, r: r["h20b_rope"]["length_m"] >= 2 * _height(r["h20b_route_card"]),
    lambda p, b: b["h20b_ropes"][p["rope"]]["length_m"] >= 2 * b["h20b_routes"][p["route"]]["height_m"],
    ("rigged", "rope too short"),
)


def _get(section: str, key: str, what: str) -> Any:
    return lambda s, a: dict(_table(s, section, a[key], what))


TOOLS = {
    t.name: t
    for t in [
        Tool("h20b_tank", "An oil tank's free space in litres.", {"tank": str}, _get("h20b_tanks", "tank", "tank")),
        Tool(
            "h20b_delivery",
            "An oil delivery order: its tank and volume in US gallons.",
            {"order": str},
            _get("h20b_orders", "order", "order"),
        ),
        Tool(
            "h20b_accept_delivery",
            "Accept an oil delivery into a tank.",
            {"order": str, "tank": str},
            lambda s, a: _log(s, "h20b_accept_delivery", a, "accepted"),
        ),
        Tool("h20b_vet_record", "A horse's latest vet record (plain text).", {"horse": str}, _vet),
        Tool(
            "h20b_trailer",
            "A horse trailer's payload in kg.",
            {"trailer": str},
            _get("h20b_trailers", "trailer", "trailer"),
        ),
        Tool(
            "h20b_load_horse",
            "Load a horse into a trailer.",
            {"horse": str, "trailer": str},
            lambda s, a: _log(s, "h20b_load_horse", a, "loaded"),
        ),
        Tool(
            "h20b_jacket",
            "A lifejacket's record: model and last service.",
            {"jacket": str},
            _get("h20b_jackets", "jacket", "lifejacket"),
        ),
        Tool("h20b_jacket_model", "A lifejacket model's specification.", {"model": str}, _jacket_model),
        Tool(
            "h20b_issue_jacket",
            "Issue a lifejacket to a boat's crew.",
            {"jacket": str, "boat": str},
            lambda s, a: _log(s, "h20b_issue_jacket", a, "issued"),
        ),
        Tool(
            "h20b_dog",
            "A dog's kennel record: vaccine brand and last rabies shot.",
            {"dog": str},
            _get("h20b_dogs", "dog", "dog"),
        ),
        Tool("h20b_vaccine_sheet", "A rabies vaccine's product sheet (plain text).", {"vaccine": str}, _sheet),
        Tool(
            "h20b_board_dog",
            "Board a dog for some nights.",
            {"dog": str, "nights": int},
            lambda s, a: _log(s, "h20b_board_dog", a, "boarded"),
        ),
        Tool("h20b_lot", "A cheese lot: cheese and pack code (MMDDYY).", {"lot": str}, _get("h20b_lots", "lot", "lot")),
        Tool(
            "h20b_ship_lot",
            "Ship a cheese lot to a shop.",
            {"lot": str, "shop": str},
            lambda s, a: _log(s, "h20b_ship_lot", a, "shipped"),
        ),
        Tool("h20b_rope", "A gym rope: its length in metres.", {"rope": str}, _get("h20b_ropes", "rope", "rope")),
        Tool("h20b_route_card", "A route's card (plain text).", {"route": str}, _card),
        Tool(
            "h20b_rig_route",
            "Rig a top rope on a route.",
            {"route": str, "rope": str},
            lambda s, a: _log(s, "h20b_rig_route", a, "rigged"),
        ),
    ]
}

FAMILIES = [oil, horse, jacket, rabies, lot, rope]
