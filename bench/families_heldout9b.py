"""Held-out probe families, red-team round Y, second set (issue 9): not shaped on heldout9's fixes.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h9b_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout9b.py --goals 8 --seed 7

Written after the fixes heldout9 found (a date is one value for the figures an answer states; a
template's own words of decline or judgement), in other domains: the nights of a hotel booking (two
dates of one result), a garage level's free spaces (yes/no, plain text, "0 of 120"), the vaccines a pet
is due for (names from a list, or "none"), how late a bus is ("on time" then "delayed 7 min"), a
deposit refund (a count times a rate that changes later). The first four goals agree on something a
later goal breaks.
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
INT, NUM, CAPWORDS = fam.INT, fam.NUM, fam.CAPWORDS
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    name: READ for name in ["h9b_booking", "h9b_level", "h9b_pet", "h9b_route", "h9b_crate"]
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

    if getattr(Server.add_tool, "_h9b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h9b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _mixed(i: int, rng: random.Random, early: Any, *later: Any) -> Any:
    """The early value for the first four goals, then one of early/later at random."""
    return early if i < 4 else rng.choice([early, *later])


def _t(w: State, name: str) -> dict:
    return w["tables"].setdefault(name, {})


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w["tables"].get(table, {}):
        key = make(rng)
    return key


def _day(base: dt.date, n: int) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


def _fmt(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x}"


# ======================================== 1. hotel: nights of a booking (two dates of one result)
def sample_nights(rng: random.Random, w: State, i: int) -> Params:
    b = _fresh(rng, w, "h9b_bookings", lambda r: f"HB{r.randint(10000, 99999)}")
    n = 3 if _mixed(i, rng, True, False) else rng.choice([1, 2, 5, 8])
    start = dt.date(2026, 12, 1) + dt.timedelta(days=rng.randint(0, 20))
    _t(w, "h9b_bookings")[b] = {
        "booking": b,
        "guest": rng.choice(["Ito", "Meyer", "Silva", "Novak"]),
        "check_in": start.isoformat(),
        "check_out": (start + dt.timedelta(days=n)).isoformat(),
    }
    return {"booking": b}


def _nights(row: dict) -> int:
    return (dt.date.fromisoformat(row["check_out"]) - dt.date.fromisoformat(row["check_in"])).days


nights = Family(
    name="h9b_nights",
    templates=["How many nights is hotel booking {booking}?"],
    fields={"booking": Field(r"HB\d{5}")},
    sample=sample_nights,
    plan=[Step("h9b_booking", lambda p, r: {"booking": p["booking"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_nights(b["tables"]["h9b_bookings"][p["booking"]])],
    summary=lambda p, r: (
        f"Booking {p['booking']} ({r['h9b_booking']['guest']}) is for {_nights(r['h9b_booking'])} nights."
    ),
)


# ======================================== 2. garage: a free space, yes or no (plain text)
def _level(s: State, a: dict) -> str:
    row = s["tables"].get("h9b_levels", {}).get(a["level"])
    if row is None:
        raise ToolFail(f"no level {a['level']}")
    return f"Level {a['level']}: {row['free']} of {row['total']} spaces free."


def sample_garage(rng: random.Random, w: State, i: int) -> Params:
    lv = _fresh(rng, w, "h9b_levels", lambda r: f"P{r.randint(1, 99)}")
    free = rng.randint(5, 60) if _mixed(i, rng, True, False) else 0
    _t(w, "h9b_levels")[lv] = {"free": free, "total": 120}
    return {"level": lv}


def _free(p: Params, b: State) -> int:
    return int(b["tables"]["h9b_levels"][p["level"]]["free"])


garage = Family(
    name="h9b_garage",
    templates=["Is there a free parking space on level {level}?"],
    fields={"level": Field(r"P\d{1,2}")},
    sample=sample_garage,
    plan=[Step("h9b_level", lambda p, r: {"level": p["level"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: ["there are", _free(p, b)] if _free(p, b) else ["full"],
    summary=lambda p, r: (
        f"Yes, there are {str(r['h9b_level']).split(': ')[1].split(' of')[0]} free spaces on level {p['level']}."
        if not str(r["h9b_level"]).split(": ")[1].startswith("0 ")
        else f"No, level {p['level']} is full."
    ),
)


# ======================================== 3. vet: vaccines due (names in a list; "none")
VACCINES = ["rabies", "distemper", "parvovirus", "leptospirosis", "kennel cough"]


def sample_pet(rng: random.Random, w: State, i: int) -> Params:
    pet = _fresh(rng, w, "h9b_pets", lambda r: f"{r.choice(['Rex', 'Bella', 'Milo', 'Luna'])}{r.randint(10, 99)}")
    due_one = _mixed(i, rng, True, False)
    shots = []
    for k, v in enumerate(rng.sample(VACCINES, 3)):
        due = k == 0 and due_one
        shots.append({"vaccine": v, "status": "due" if due else "up to date"})
    _t(w, "h9b_pets")[pet] = {"pet": pet, "vaccines": shots}
    return {"pet": pet}


def _due(row: dict) -> list[str]:
    return [s["vaccine"] for s in row["vaccines"] if s["status"] == "due"]


pet = Family(
    name="h9b_pet",
    templates=["Which vaccines is {pet} due for?"],
    fields={"pet": Field(r"[A-Z][a-z]+\d{2}")},
    sample=sample_pet,
    plan=[Step("h9b_pet", lambda p, r: {"pet": p["pet"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: _due(b["tables"]["h9b_pets"][p["pet"]]) or ["none"],
    summary=lambda p, r: (
        f"{p['pet']} is due for {', '.join(_due(r['h9b_pet']))}."
        if _due(r["h9b_pet"])
        else f"{p['pet']} is due for none: every vaccine is up to date."
    ),
)


# ======================================== 4. buses: minutes late (plain text; the wording changes)
def _route(s: State, a: dict) -> str:
    row = s["tables"].get("h9b_routes", {}).get(a["route"])
    if row is None:
        raise ToolFail(f"no route {a['route']}")
    if row["late"] == 0:
        return f"Route {a['route']} to {row['to']}: on time."
    return f"Route {a['route']} to {row['to']}: delayed {row['late']} min."


def sample_route(rng: random.Random, w: State, i: int) -> Params:
    route = _fresh(rng, w, "h9b_routes", lambda r: str(r.randint(10, 399)))
    late = 0 if _mixed(i, rng, True, False) else rng.randint(3, 25)
    _t(w, "h9b_routes")[route] = {"late": late, "to": rng.choice(["Airport", "Harbour", "Old Town", "Campus"])}
    return {"route": route}


def _late(p: Params, b: State) -> int:
    return int(b["tables"]["h9b_routes"][p["route"]]["late"])


route = Family(
    name="h9b_route",
    templates=["How many minutes late is bus route {route}?"],
    fields={"route": INT},
    sample=sample_route,
    plan=[Step("h9b_route", lambda p, r: {"route": str(p["route"])})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_late(p, b)] if _late(p, b) else ["on time"],
    summary=lambda p, r: (
        f"Route {p['route']} is on time."
        if "on time" in str(r["h9b_route"])
        else f"Route {p['route']} is {str(r['h9b_route']).split('delayed ')[1].split(' min')[0]} minutes late."
    ),
)


# ======================================== 5. recycling: a deposit refund (a count times a rate)
def sample_crate(rng: random.Random, w: State, i: int) -> Params:
    c = _fresh(rng, w, "h9b_crates", lambda r: f"C-{r.randint(100, 999)}")
    rate = 0.25 if _mixed(i, rng, True, False) else 0.15
    _t(w, "h9b_crates")[c] = {"crate": c, "bottles": rng.randint(6, 24), "deposit_eur": rate}
    return {"crate": c}


def _refund(row: dict) -> float:
    return round_half_up(row["bottles"] * row["deposit_eur"], 2)


crate = Family(
    name="h9b_crate",
    templates=["How much deposit is refunded for crate {crate}?"],
    fields={"crate": Field(r"C-\d{3}")},
    sample=sample_crate,
    plan=[Step("h9b_crate", lambda p, r: {"crate": p["crate"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_refund(b["tables"]["h9b_crates"][p["crate"]])],
    summary=lambda p, r: f"Crate {p['crate']} refunds {_refund(r['h9b_crate'])} EUR.",
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "h9b_booking",
            "A hotel booking: guest, check-in and check-out dates.",
            {"booking": str},
            _row("h9b_bookings", "booking", "booking"),
        ),
        Tool("h9b_level", "Free spaces on a garage level (plain text).", {"level": str}, _level),
        Tool("h9b_pet", "A pet's vaccines and whether each is due.", {"pet": str}, _row("h9b_pets", "pet", "pet")),
        Tool("h9b_route", "A bus route's punctuality now (plain text).", {"route": str}, _route),
        Tool(
            "h9b_crate",
            "A returned crate: bottles and deposit per bottle (EUR).",
            {"crate": str},
            _row("h9b_crates", "crate", "crate"),
        ),
    ]
}

FAMILIES = [nights, garage, pet, route, crate]
