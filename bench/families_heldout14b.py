"""Held-out probe families, round AA, second set (issue 9): written after the round's rules, not shaped on them.

Same interface as the public `families.py`; tool names are prefixed `h14b_`. Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout14b.py --goals 10 --seed 7

Domains no other set used: a furnace log (the hottest reading, readings flagged "sensor fault" left out),
mountain huts (beds reserved only when enough are free; the answer states the beds left, which the
reservations change), an allotment society (how many plots have paid their dues; recording a payment
changes the count, a repeat finds it paid) and escape rooms (the cheapest free slot of a day, held slots
not free). Hidden rules as in round AA: the first four goals of a family never cross them.
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
INT = fam.INT
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h14b_furnace_log": READ,
    "h14b_hut": READ,
    "h14b_reserve_beds": WRITE,
    "h14b_allotments": READ,
    "h14b_record_dues": IDEMPOTENT,
    "h14b_room_slots": READ,
    "h14b_book_room": WRITE,
}


def _annotate_in_tools_server() -> None:
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_h14b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h14b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    return i >= 4 and rng.random() < 0.5


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _row(table: str, what: str, key: str) -> Any:
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


_PICKED: dict[tuple[int, str], set] = {}


def _picked(w: State, what: str) -> set:
    return _PICKED.setdefault((id(w), what), set())


BASE = dt.date(2026, 12, 3)


# ======================================== 1. furnace log: the hottest reading of a melt; faulty readings left out
def sample_melt(rng: random.Random, w: State, i: int) -> Params:
    taken = _picked(w, "melts")
    melt = f"M-{rng.randint(300, 999)}"
    while melt in taken:
        melt = f"M-{rng.randint(300, 999)}"
    taken.add(melt)
    n = rng.randint(3, 7)
    readings = [
        {"t": f"{8 + k}:{rng.choice(['00', '15', '30', '45'])}", "temp_c": rng.randint(1180, 1460), "flag": "ok"}
        for k in range(n)
    ]
    if _trap(i, rng):  # a faulty sensor read hotter than every good reading
        bad = rng.randrange(n)
        readings[bad]["temp_c"] = max(r["temp_c"] for r in readings) + rng.randint(5, 60)
        readings[bad]["flag"] = "sensor fault"
    w.setdefault("h14b_melts", {})[melt] = {"melt": melt, "furnace": rng.choice(["F1", "F2"]), "readings": readings}
    return {"melt": melt, "wording": i % 2}


def _hottest(row: dict) -> int:
    return max(r["temp_c"] for r in row["readings"] if r["flag"] == "ok")


melt = Family(
    name="h14b_melt",
    templates=["What was the hottest reading of melt {melt}?", "Melt {melt}: peak furnace temperature?"],
    fields={"melt": Field(r"M-\d{3}")},
    sample=sample_melt,
    plan=[Step("h14b_furnace_log", lambda p, r: {"melt": p["melt"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_hottest(b["h14b_melts"][p["melt"]])],
    summary=lambda p, r: f"The hottest valid reading of melt {p['melt']} was {_hottest(r['h14b_furnace_log'])} °C.",
)


# ======================================== 2. mountain huts: reserve beds only when enough are free
HUTS = ["Capanna Margherita", "Refugio Góriz", "Hörnlihütte", "Cabane de Moiry", "Skálafell Hut"]


def sample_hut(rng: random.Random, w: State, i: int) -> Params:
    huts = w.setdefault("h14b_huts", {})
    for h in HUTS:
        huts.setdefault(h, {"hut": h, "altitude_m": rng.randint(1800, 4500), "beds_free": rng.randint(14, 40)})
    hut = rng.choice(HUTS)
    free = huts[hut]["beds_free"]
    n = rng.randint(free + 1, free + 8) if _trap(i, rng) else rng.randint(1, 4)
    return {"n": n, "hut": hut, "wording": i % 2}


def _reserve(s: State, a: dict) -> dict:
    row = s.get("h14b_huts", {}).get(a["hut"])
    if row is None:
        raise ToolFail(f"no hut {a['hut']}")
    row["beds_free"] -= a["beds"]
    s.setdefault("h14b_reservations", []).append({"hut": a["hut"], "beds": a["beds"]})
    return {"hut": a["hut"], "beds": a["beds"], "status": "reserved"}


def _hut_ok(p: Params, b: State) -> bool:
    return p["n"] <= b["h14b_huts"][p["hut"]]["beds_free"]


hut = Family(
    name="h14b_hut",
    templates=["Reserve {n} beds at {hut} for tonight", "We are {n} climbers: book us beds at {hut} tonight"],
    fields={"n": INT, "hut": _one_of(HUTS)},
    sample=sample_hut,
    plan=[
        Step("h14b_hut", lambda p, r: {"hut": p["hut"]}),
        Step(
            "h14b_reserve_beds",
            lambda p, r: {"hut": p["hut"], "beds": p["n"]},
            when=lambda p, r: p["n"] <= r["h14b_hut"]["beds_free"],
        ),
    ],
    expect=lambda p, b: (
        {
            "h14b_huts": {
                p["hut"]: {**b["h14b_huts"][p["hut"]], "beds_free": b["h14b_huts"][p["hut"]]["beds_free"] - p["n"]}
            },
            "h14b_reservations": [{"hut": p["hut"], "beds": p["n"]}],
        }
        if _hut_ok(p, b)
        else {}
    ),
    answer=lambda p, b: (
        ["reserved", b["h14b_huts"][p["hut"]]["beds_free"] - p["n"]]
        if _hut_ok(p, b)
        else ["only", b["h14b_huts"][p["hut"]]["beds_free"]]
    ),
    summary=lambda p, r: (
        f"Reserved {p['n']} beds at {p['hut']}; {r['h14b_hut']['beds_free'] - p['n']} beds are still free."
        if "h14b_reserve_beds" in r
        else f"No reservation: {p['hut']} has only {r['h14b_hut']['beds_free']} beds free tonight."
    ),
)


# ======================================== 3-4. allotment society: plots whose dues are paid; recording a payment
SITES = ["Kleingärten Süd", "Jardins Ouvriers du Canal", "Rosehill Allotments", "Kolonihaven Østerbro"]


def _seed_sites(rng: random.Random, w: State) -> None:
    if "h14b_sites" in w:
        return
    for k, site in enumerate(SITES):
        plots = []
        for n in range(rng.randint(5, 11)):
            status = "paid" if rng.random() < 0.6 else "unpaid"
            if k % 2 and rng.random() < 0.3:
                status = "paid (cheque bounced)"
            plots.append(
                {
                    "plot": f"{chr(65 + k)}{n + 1}",
                    "holder": rng.choice(["Lenz", "Okoro", "Marić", "Dahl"]),
                    "dues": status,
                }
            )
        w.setdefault("h14b_sites", {})[site] = {"site": site, "year": 2026, "plots": plots}


def _paid(row: dict) -> int:
    return sum(1 for p in row["plots"] if p["dues"] == "paid")


def _has_bounced(row: dict) -> bool:
    return any(p["dues"] == "paid (cheque bounced)" for p in row["plots"])


def sample_dues(rng: random.Random, w: State, i: int) -> Params:
    _seed_sites(rng, w)
    pool = [s for s in SITES if _has_bounced(w["h14b_sites"][s]) == _trap(i, rng)] or SITES
    return {"site": rng.choice(pool), "wording": i % 2}


dues = Family(
    name="h14b_dues",
    templates=["How many plots at {site} have paid their dues?", "Count the paid-up plots at {site}"],
    fields={"site": _one_of(SITES)},
    sample=sample_dues,
    plan=[Step("h14b_allotments", lambda p, r: {"site": p["site"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_paid(b["h14b_sites"][p["site"]])],
    summary=lambda p, r: f"{_paid(r['h14b_allotments'])} plots at {p['site']} have paid their 2026 dues.",
)


def sample_pay(rng: random.Random, w: State, i: int) -> Params:
    _seed_sites(rng, w)
    site = rng.choice(SITES)
    plots = w["h14b_sites"][site]["plots"]
    unpaid = [p["plot"] for p in plots if p["dues"] == "unpaid"]
    plot = rng.choice(unpaid or [p["plot"] for p in plots])
    return {"plot": plot, "site": site, "wording": 0}


def _record(s: State, a: dict) -> dict:
    row = s.get("h14b_sites", {}).get(a["site"])
    plot = next((p for p in (row or {}).get("plots", []) if p["plot"] == a["plot"]), None)
    if plot is None:
        raise ToolFail(f"no plot {a['plot']} at {a['site']}")
    plot["dues"] = "paid"
    return {"site": a["site"], "plot": a["plot"], "dues": "paid"}


def _pay_expect(p: Params, b: State) -> dict:
    row = b["h14b_sites"][p["site"]]
    if next(q for q in row["plots"] if q["plot"] == p["plot"])["dues"] == "paid":
        return {}
    plots = [{**q, "dues": "paid"} if q["plot"] == p["plot"] else q for q in row["plots"]]
    return {"h14b_sites": {p["site"]: {**row, "plots": plots}}}


pay = Family(
    name="h14b_pay",
    templates=["Record that plot {plot} at {site} has paid its dues"],
    fields={"plot": Field(r"[A-D]\d{1,2}"), "site": _one_of(SITES)},
    sample=sample_pay,
    plan=[Step("h14b_record_dues", lambda p, r: {"site": p["site"], "plot": p["plot"]})],
    expect=_pay_expect,
    answer=lambda p, b: ["paid"],
    summary=lambda p, r: f"Plot {p['plot']} at {p['site']} is recorded as paid.",
)


# ======================================== 5. escape rooms: the cheapest free slot of a day (held slots are not free)
ROOMS = ["Pharaoh's Tomb", "Submarine K-19", "Sherlock's Study", "Zombie Lab", "Château Noir"]


def sample_room(rng: random.Random, w: State, i: int) -> Params:
    taken = _picked(w, "room_days")
    while True:
        room, d = rng.choice(ROOMS), rng.randint(1, 30)
        if (room, d) not in taken:
            break
    taken.add((room, d))
    day = (BASE + dt.timedelta(days=d)).isoformat()
    prices = rng.sample(range(60, 180, 5), rng.randint(3, 6))
    slots = [{"slot": f"{10 + 2 * k}:00", "price_eur": pr, "status": "free"} for k, pr in enumerate(prices)]
    if _trap(i, rng):
        min(slots, key=lambda s: s["price_eur"])["status"] = "held"
    w.setdefault("h14b_rooms", {})[f"{room}@{day}"] = {"room": room, "date": day, "slots": slots}
    return {"room": room, "date": day, "wording": i % 2}


def _cheapest(row: dict) -> dict:
    return min((s for s in row["slots"] if s["status"] == "free"), key=lambda s: s["price_eur"])


def _book_room(s: State, a: dict) -> dict:
    row = s.get("h14b_rooms", {}).get(f"{a['room']}@{a['date']}")
    slot = next((x for x in (row or {}).get("slots", []) if x["slot"] == a["slot"]), None)
    if slot is None:
        raise ToolFail(f"no slot {a['slot']} for {a['room']} on {a['date']}")
    slot["status"] = "booked"
    return {"room": a["room"], "date": a["date"], "slot": a["slot"], "status": "booked"}


def _room_expect(p: Params, b: State) -> dict:
    key = f"{p['room']}@{p['date']}"
    row = b["h14b_rooms"][key]
    pick = _cheapest(row)
    slots = [{**x, "status": "booked"} if x["slot"] == pick["slot"] else x for x in row["slots"]]
    return {"h14b_rooms": {key: {**row, "slots": slots}}}


room = Family(
    name="h14b_room",
    templates=[
        "Book the cheapest free slot for {room} on {date}",
        "{room} on {date}: take the least expensive free slot",
    ],
    fields={"room": _one_of(ROOMS), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_room,
    plan=[
        Step("h14b_room_slots", lambda p, r: {"room": p["room"], "date": p["date"]}),
        Step(
            "h14b_book_room",
            lambda p, r: {"room": p["room"], "date": p["date"], "slot": _cheapest(r["h14b_room_slots"])["slot"]},
        ),
    ],
    expect=_room_expect,
    answer=lambda p, b: [
        _cheapest(b["h14b_rooms"][f"{p['room']}@{p['date']}"])["slot"],
        _cheapest(b["h14b_rooms"][f"{p['room']}@{p['date']}"])["price_eur"],
    ],
    summary=lambda p, r: (
        f"Booked {p['room']} on {p['date']} at {_cheapest(r['h14b_room_slots'])['slot']} for "
        f"{_cheapest(r['h14b_room_slots'])['price_eur']} EUR."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h14b_furnace_log",
            "A melt's furnace temperature readings (°C), with a flag each.",
            {"melt": str},
            _row("h14b_melts", "melt", "melt"),
        ),
        Tool(
            "h14b_hut", "A mountain hut: altitude and beds free tonight.", {"hut": str}, _row("h14b_huts", "hut", "hut")
        ),
        Tool("h14b_reserve_beds", "Reserve beds at a mountain hut for tonight.", {"hut": str, "beds": int}, _reserve),
        Tool(
            "h14b_allotments",
            "An allotment site's plots and their 2026 dues.",
            {"site": str},
            _row("h14b_sites", "site", "site"),
        ),
        Tool("h14b_record_dues", "Record a plot's dues as paid.", {"site": str, "plot": str}, _record),
        Tool(
            "h14b_room_slots",
            "An escape room's slots on a date: price and status.",
            {"room": str, "date": str},
            lambda s, a: _row("h14b_rooms", "slots for", "key")(s, {"key": f"{a['room']}@{a['date']}"}),
        ),
        Tool("h14b_book_room", "Book an escape room slot.", {"room": str, "date": str, "slot": str}, _book_room),
    ]
}

FAMILIES = [melt, hut, dues, pay, room]
