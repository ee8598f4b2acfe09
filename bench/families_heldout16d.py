"""Held-out probe families, round AC, fourth probe (issue 9, helper fixB), written after the rules "a list item's
derived quantities keyed by its role" and "a goal number against a result number in another unit", not shaped on
their tests: another derived quantity of a list item, other units and the other direction of a conversion.

Same interface as the public `families.py`; tool names are prefixed `h16d_`. One wording per family; the first
five goals span the ranges the later goals stay inside (all on the safe side), later goals sometimes cross.

- h16d_sander     flats: book the floor sander for a room only when its floor (length x width, one item of the
                  flat's list of rooms) is over 20 m2; every supporting run booked
- h16d_bags       check-in: a bag goes as standard only when it weighs at most the goal's limit in lb; the scale
                  reads kg; every supporting run checked standard
- h16d_heater     greenhouses: switch the heater on when the air is colder than the goal's limit in C; the sensor
                  reads F; no supporting run switched it on
- h16d_longstay   hotel: a long-stay discount for a booking of 7 nights or more (check-in and check-out of one item
                  of the guest's list of bookings); every supporting run applied it
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
    "h16d_flat": READ,
    "h16d_book_sander": WRITE,
    "h16d_bag": READ,
    "h16d_check_standard": WRITE,
    "h16d_greenhouse": READ,
    "h16d_heater_on": IDEMPOTENT,
    "h16d_guest": READ,
    "h16d_discount": WRITE,
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

    if getattr(Server.add_tool, "_h16d_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h16d_annotated = True  # type: ignore[attr-defined]
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


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _new_id(rng: random.Random, used: set, make: Callable[[random.Random], str]) -> str:
    v = _until(rng, make, lambda x: x not in used)
    used.add(v)
    return v


# ======================================== 1. sander: one room's length x width over 20 m2
SANDER_CORNERS = [(6.0, 3.5), (4.5, 5.0), (8.0, 2.7), (5.5, 4.0), (7.0, 3.0)]  # all over 20 m2


def sample_sander(rng: random.Random, w: State, i: int) -> Params:
    room = _new_id(rng, _picked(w, "rooms"), lambda r: f"RM{r.randint(1000, 9999)}")
    if i < len(SANDER_CORNERS):
        length, width = SANDER_CORNERS[i]
    else:
        trap = rng.random() < 0.5
        length, width = _until(
            rng,
            lambda r: (round(r.uniform(4.6, 7.9), 1), round(r.uniform(2.8, 4.9), 1)),
            lambda x: abs(x[0] * x[1] - 20) > 0.5 and (x[0] * x[1] <= 20) == trap,
        )
    others = [
        {
            "room": f"RM{rng.randint(1000, 9999)}",
            "length_m": round(rng.uniform(2.0, 8.0), 1),
            "width_m": round(rng.uniform(1.5, 5.0), 1),
        }
        for _ in range(rng.randint(0, 2))
    ]
    items = [*others, {"room": room, "length_m": length, "width_m": width}]
    rng.shuffle(items)
    w.setdefault("h16d_flats", {})[room] = {"flat": f"F{rng.randint(10, 99)}", "rooms": items}
    return {"room": room}


def _big(flat: dict, room: str) -> bool:
    r = next(x for x in flat["rooms"] if x["room"] == room)
    return r["length_m"] * r["width_m"] > 20


sander = Family(
    name="h16d_sander",
    templates=["Book the floor sander for room {room} if its floor is larger than 20 m2"],
    fields={"room": Field(r"RM\d{4}")},
    sample=sample_sander,
    plan=[
        Step("h16d_flat", lambda p, r: {"room": p["room"]}),
        Step("h16d_book_sander", lambda p, r: {"room": p["room"]}, when=lambda p, r: _big(r["h16d_flat"], p["room"])),
    ],
    expect=lambda p, b: (
        {"h16d_sander_bookings": [{"room": p["room"]}]} if _big(b["h16d_flats"][p["room"]], p["room"]) else {}
    ),
    answer=lambda p, b: ["sander booked"] if _big(b["h16d_flats"][p["room"]], p["room"]) else ["not booked"],
    summary=lambda p, r: (
        f"Room {p['room']} is larger than 20 m2: sander booked."
        if "h16d_book_sander" in r
        else f"Room {p['room']} is 20 m2 or less: sander not booked."
    ),
)


def _book(s: State, a: dict) -> dict:
    if a["room"] not in s.get("h16d_flats", {}):
        raise ToolFail(f"no room {a['room']}")
    s.setdefault("h16d_sander_bookings", []).append({"room": a["room"]})
    return {"room": a["room"], "status": "sander booked"}


# ======================================== 2. bags: at most the goal's lb, the scale in kg
BAG_CORNERS = [(50, 20.0), (40, 11.0), (70, 30.5), (60, 14.0), (55, 22.5)]  # limit lb, kg: all within


def sample_bag(rng: random.Random, w: State, i: int) -> Params:
    bag = _new_id(rng, _picked(w, "bags"), lambda r: f"BG{r.randint(10000, 99999)}")
    if i < len(BAG_CORNERS):
        limit, kg = BAG_CORNERS[i]
    else:
        trap = rng.random() < 0.5
        limit, kg = _until(
            rng,
            lambda r: (r.choice([45, 50, 55, 60, 65]), round(r.uniform(12.0, 30.0), 1)),
            lambda x: abs(x[1] * 2.20462 - x[0]) > 0.5 and (x[1] * 2.20462 > x[0]) == trap,
        )
    w.setdefault("h16d_bags", {})[bag] = {"bag": bag, "weight_kg": kg, "flight": f"LX{rng.randint(100, 999)}"}
    return {"bag": bag, "limit": limit}


def _within(bag: dict, limit: Any) -> bool:
    return bag["weight_kg"] * 2.20462 <= float(limit)


bags = Family(
    name="h16d_bags",
    templates=["Check bag {bag} in as standard if it weighs at most {limit} lb"],
    fields={"bag": Field(r"BG\d{5}"), "limit": INT},
    sample=sample_bag,
    plan=[
        Step("h16d_bag", lambda p, r: {"bag": p["bag"]}),
        Step(
            "h16d_check_standard", lambda p, r: {"bag": p["bag"]}, when=lambda p, r: _within(r["h16d_bag"], p["limit"])
        ),
    ],
    expect=lambda p, b: {"h16d_standard": [{"bag": p["bag"]}]} if _within(b["h16d_bags"][p["bag"]], p["limit"]) else {},
    answer=lambda p, b: (
        ["checked in as standard"] if _within(b["h16d_bags"][p["bag"]], p["limit"]) else ["not checked"]
    ),
    summary=lambda p, r: (
        f"Bag {p['bag']} is within {p['limit']} lb: checked in as standard."
        if "h16d_check_standard" in r
        else f"Bag {p['bag']} is over {p['limit']} lb: not checked in as standard."
    ),
)


def _standard(s: State, a: dict) -> dict:
    if a["bag"] not in s.get("h16d_bags", {}):
        raise ToolFail(f"no bag {a['bag']}")
    s.setdefault("h16d_standard", []).append({"bag": a["bag"]})
    return {"bag": a["bag"], "status": "checked in as standard"}


# ======================================== 3. heater: colder than the goal's C, the sensor in F
HEAT_CORNERS = [(8, 50.0), (15, 66.0), (10, 61.5), (12, 57.0), (6, 45.0)]  # limit C, air F: all warmer


def sample_heat(rng: random.Random, w: State, i: int) -> Params:
    gh = _new_id(rng, _picked(w, "greenhouses"), lambda r: f"GH{r.randint(100, 999)}")
    if i < len(HEAT_CORNERS):
        limit, air = HEAT_CORNERS[i]
    else:
        trap = rng.random() < 0.5
        limit, air = _until(
            rng,
            lambda r: (r.randint(7, 14), round(r.uniform(46.0, 65.0), 1)),
            lambda x: abs((x[1] - 32) / 1.8 - x[0]) > 0.3 and ((x[1] - 32) / 1.8 < x[0]) == trap,
        )
    w.setdefault("h16d_greenhouses", {})[gh] = {"greenhouse": gh, "air_f": air, "vents": "closed"}
    return {"gh": gh, "limit": limit}


def _cold(g: dict, limit: Any) -> bool:
    return (g["air_f"] - 32) / 1.8 < float(limit)


heater = Family(
    name="h16d_heater",
    templates=["Switch on the heater in greenhouse {gh} if the air there is colder than {limit} C"],
    fields={"gh": Field(r"GH\d{3}"), "limit": INT},
    sample=sample_heat,
    plan=[
        Step("h16d_greenhouse", lambda p, r: {"greenhouse": p["gh"]}),
        Step(
            "h16d_heater_on",
            lambda p, r: {"greenhouse": p["gh"]},
            when=lambda p, r: _cold(r["h16d_greenhouse"], p["limit"]),
        ),
    ],
    expect=lambda p, b: {"h16d_heaters": {p["gh"]: "on"}} if _cold(b["h16d_greenhouses"][p["gh"]], p["limit"]) else {},
    answer=lambda p, b: ["heater on"] if _cold(b["h16d_greenhouses"][p["gh"]], p["limit"]) else ["not switched on"],
    summary=lambda p, r: (
        f"Greenhouse {p['gh']} is colder than {p['limit']} C: heater on."
        if "h16d_heater_on" in r
        else f"Greenhouse {p['gh']} is not colder than {p['limit']} C: heater not switched on."
    ),
)


def _heat(s: State, a: dict) -> dict:
    if a["greenhouse"] not in s.get("h16d_greenhouses", {}):
        raise ToolFail(f"no greenhouse {a['greenhouse']}")
    s.setdefault("h16d_heaters", {})[a["greenhouse"]] = "on"
    return {"greenhouse": a["greenhouse"], "heater": "on"}


# ======================================== 4. long stay: check-out minus check-in of one booking of a list
STAY_CORNERS = [(7, 30), (14, 5), (9, 60), (21, 12), (10, 45)]  # nights, days since check-in: all >= 7


def sample_stay(rng: random.Random, w: State, i: int) -> Params:
    booking = _new_id(rng, _picked(w, "bookings"), lambda r: f"BK{r.randint(100000, 999999)}")
    if i < len(STAY_CORNERS):
        nights, ago = STAY_CORNERS[i]
    else:
        trap = rng.random() < 0.5
        nights, ago = _until(
            rng, lambda r: (r.randint(3, 20), r.randint(6, 58)), lambda x: (x[0] < 7) == trap and x[0] != 7
        )

    def stay(ident: str, n: int, a: int) -> dict:
        start = BASE - dt.timedelta(days=a)
        return {
            "booking": ident,
            "check_in": start.isoformat(),
            "check_out": (start + dt.timedelta(days=n)).isoformat(),
        }

    others = [
        stay(f"BK{rng.randint(100000, 999999)}", rng.randint(1, 20), rng.randint(5, 300))
        for _ in range(rng.randint(0, 2))
    ]
    items = [*others, stay(booking, nights, ago)]
    rng.shuffle(items)
    w.setdefault("h16d_guests", {})[booking] = {"guest": f"G{rng.randint(100, 999)}", "bookings": items}
    return {"booking": booking}


def _long(g: dict, booking: str) -> bool:
    b = next(x for x in g["bookings"] if x["booking"] == booking)
    return (dt.date.fromisoformat(b["check_out"]) - dt.date.fromisoformat(b["check_in"])).days >= 7


longstay = Family(
    name="h16d_longstay",
    templates=["Apply the long-stay discount to booking {booking} if the stay was 7 nights or more"],
    fields={"booking": Field(r"BK\d{6}")},
    sample=sample_stay,
    plan=[
        Step("h16d_guest", lambda p, r: {"booking": p["booking"]}),
        Step(
            "h16d_discount",
            lambda p, r: {"booking": p["booking"]},
            when=lambda p, r: _long(r["h16d_guest"], p["booking"]),
        ),
    ],
    expect=lambda p, b: (
        {"h16d_discounts": [{"booking": p["booking"]}]} if _long(b["h16d_guests"][p["booking"]], p["booking"]) else {}
    ),
    answer=lambda p, b: (
        ["discount applied"] if _long(b["h16d_guests"][p["booking"]], p["booking"]) else ["no discount"]
    ),
    summary=lambda p, r: (
        f"Booking {p['booking']} was 7 nights or more: discount applied."
        if "h16d_discount" in r
        else f"Booking {p['booking']} was under 7 nights: no discount."
    ),
)


def _discount(s: State, a: dict) -> dict:
    if a["booking"] not in s.get("h16d_guests", {}):
        raise ToolFail(f"no booking {a['booking']}")
    s.setdefault("h16d_discounts", []).append({"booking": a["booking"]})
    return {"booking": a["booking"], "status": "discount applied"}


def _row_or_fail(s: State, table: str, key: str, what: str) -> dict:
    row = s.get(table, {}).get(key)
    if row is None:
        raise ToolFail(f"no {what} {key}")
    return row


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h16d_flat",
            "A flat's rooms (length and width in m), by a room id.",
            {"room": str},
            lambda s, a: _row_or_fail(s, "h16d_flats", a["room"], "room"),
        ),
        Tool("h16d_book_sander", "Book the floor sander for a room.", {"room": str}, _book),
        Tool(
            "h16d_bag",
            "A checked bag: its weight on the scale and its flight.",
            {"bag": str},
            lambda s, a: _row_or_fail(s, "h16d_bags", a["bag"], "bag"),
        ),
        Tool("h16d_check_standard", "Check a bag in as standard baggage.", {"bag": str}, _standard),
        Tool(
            "h16d_greenhouse",
            "A greenhouse's air sensor and vents.",
            {"greenhouse": str},
            lambda s, a: _row_or_fail(s, "h16d_greenhouses", a["greenhouse"], "greenhouse"),
        ),
        Tool("h16d_heater_on", "Switch a greenhouse's heater on.", {"greenhouse": str}, _heat),
        Tool(
            "h16d_guest",
            "A guest's bookings (check-in, check-out), by a booking.",
            {"booking": str},
            lambda s, a: _row_or_fail(s, "h16d_guests", a["booking"], "booking"),
        ),
        Tool("h16d_discount", "Apply the long-stay discount to a booking.", {"booking": str}, _discount),
    ]
}

FAMILIES = [sander, bags, heater, longstay]
