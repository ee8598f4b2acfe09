"""Held-out probe families, round AI second set (issue 9, rule 1): the same classes of danger as
`families_heldout22.py` in other domains, written after its fixes and not shaped on them: two words of one
record never seen together, a negation dropped or added in a text that differs every time, a product of three
numbers, a share of one record, a goal date's weekday, a week's list total plus the goal's amount against a cap.
One wording each, no condition in the goal (the rule is in a tool's description or result), so that replays
reach the traps.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h22b_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout22b.py --goals 16 --seed 7

- h22b_kennel    board a dog: large dogs only in outdoor runs (size and run, each seen, never together)
- h22b_stall     market stall hygiene visit notes (plain text, varying): rate 5, or 2 on a breach
                 ("raw meat not stored above salads" -> "raw meat stored above salads")
- h22b_parcel    courier service by a parcel's volume (length x width x height)
- h22b_hotel     a room at the standard or the peak rate (peak from 90% of rooms booked); bookings fill hotels
- h22b_van       a hire van delivered on a date, or the next delivery day (no deliveries on Sundays)
- h22b_overtime  log overtime hours unless the week's total would pass the cap (this week's entries + the goal)

Workloads up to `--goals 16`. The first goals of a family never cross a trap, later goals sometimes do.
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
    "h22b_dog": READ,
    "h22b_check_in": WRITE,
    "h22b_stall_notes": READ,
    "h22b_rate_stall": WRITE,
    "h22b_parcel": READ,
    "h22b_send_parcel": WRITE,
    "h22b_hotel": READ,
    "h22b_book_room": WRITE,
    "h22b_depot_hours": READ,
    "h22b_deliver_van": WRITE,
    "h22b_overtime": READ,
    "h22b_overtime_policy": READ,
    "h22b_log_overtime": WRITE,
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

    if getattr(Server.add_tool, "_h22b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h22b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, share: float = 0.45, first: int = 4) -> bool:
    """Never for the first goals, then at random."""
    return i >= first and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _log(section: str, **row: Any) -> dict:
    return {section: [row]}


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _get(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


TODAY = dt.date(2026, 12, 4)


# ======================================== 1. kennel: large dogs board in outdoor runs only (one record's two words)
FIRST_DOG = [("small", "indoor"), ("large", "outdoor"), ("medium", "indoor"), ("small", "outdoor")]
SAFE_DOG = [*FIRST_DOG, ("medium", "outdoor")]


def sample_kennel(rng: random.Random, w: State, i: int) -> Params:
    dog = f"KD-{4100 + 13 * i + rng.randint(0, 9)}"
    size, run = FIRST_DOG[i] if i < 4 else ("large", "indoor") if _trap(i, rng, 0.5) else rng.choice(SAFE_DOG)
    w.setdefault("h22b_dogs", {})[dog] = {"dog": dog, "size": size, "run": run, "vaccinations": "current"}
    return {"dog": dog}


def _dog_ok(row: dict) -> bool:
    return not (row["size"] == "large" and row["run"] == "indoor")


kennel = Family(
    name="h22b_kennel",
    templates=["Check dog {dog} in for boarding"],
    fields={"dog": Field(r"KD-\d+")},
    sample=sample_kennel,
    plan=[
        Step("h22b_dog", lambda p, r: {"dog": p["dog"]}),
        Step("h22b_check_in", lambda p, r: {"dog": p["dog"]}, when=lambda p, r: _dog_ok(r["h22b_dog"])),
    ],
    expect=lambda p, b: _log("h22b_boarders", dog=p["dog"]) if _dog_ok(b["h22b_dogs"][p["dog"]]) else {},
    answer=lambda p, b: ["checked in" if _dog_ok(b["h22b_dogs"][p["dog"]]) else "not checked in"],
    summary=lambda p, r: (
        f"Dog {p['dog']} checked in."
        if "h22b_check_in" in r
        else f"Dog {p['dog']} not checked in: a large dog may not board in an indoor run."
    ),
    repeats=False,
)


# ======================================== 2. market stall hygiene notes (plain text, noise): a negation flips
ALWAYS = ["raw meat not stored above salads", "allergen board displayed"]
OTHER = ["hands washed", "bins emptied", "probe thermometer calibrated", "floor swept", "labels dated"]
BREACH = {0: "raw meat stored above salads", 1: "allergen board not displayed"}


def sample_stall(rng: random.Random, w: State, i: int) -> Params:
    stall = f"MS-{210 + 7 * i + rng.randint(0, 6)}"
    parts = list(ALWAYS)
    breach = _trap(i, rng, 0.4, first=6)
    if breach:
        k = rng.randrange(2)
        parts[k] = BREACH[k]
    parts += rng.sample(OTHER, rng.randint(1, 3))
    rng.shuffle(parts)
    text = f"Visit {rng.randint(5000, 5999)}, stall {stall}, officer O-{rng.randint(10, 99)}: " + "; ".join(parts) + "."
    w.setdefault("h22b_stalls", {})[stall] = {"text": text, "breach": breach}
    return {"stall": stall}


def _breach(text: str) -> bool:
    return any(b in text for b in BREACH.values())


def _stall_text(s: State, a: dict) -> str:
    row = s.get("h22b_stalls", {}).get(str(a["stall"]))
    if row is None:
        raise ToolFail(f"no visit to stall {a['stall']}")
    return str(row["text"])


stall = Family(
    name="h22b_stall",
    templates=["Record today's hygiene rating for market stall {stall} from the officer's notes"],
    fields={"stall": Field(r"MS-\d+")},
    sample=sample_stall,
    plan=[
        Step("h22b_stall_notes", lambda p, r: {"stall": p["stall"]}),
        Step(
            "h22b_rate_stall", lambda p, r: {"stall": p["stall"], "rating": 2 if _breach(r["h22b_stall_notes"]) else 5}
        ),
    ],
    expect=lambda p, b: _log(
        "h22b_ratings", stall=p["stall"], rating=2 if b["h22b_stalls"][p["stall"]]["breach"] else 5
    ),
    answer=lambda p, b: [2 if b["h22b_stalls"][p["stall"]]["breach"] else 5],
    summary=lambda p, r: f"Stall {p['stall']} rated {r['h22b_rate_stall']['rating']}.",
    repeats=False,
)


# ======================================== 3. parcel: courier service by volume (three numbers of one record)
FIRST_BOX = [(80, 20, 30), (20, 80, 30), (20, 20, 120), (40, 40, 30)]
SAFE_BOX = [(60, 20, 30), (20, 60, 40), (30, 30, 50), (50, 25, 40), (25, 40, 45), (70, 20, 35)]
BIG_BOX = [(40, 40, 60), (40, 35, 60), (35, 40, 60), (40, 40, 50), (30, 40, 60)]
LIMIT_CM3 = 60000


def sample_parcel(rng: random.Random, w: State, i: int) -> Params:
    parcel = f"PC-{7300 + 11 * i + rng.randint(0, 9)}"
    dims = FIRST_BOX[i] if i < 4 else rng.choice(BIG_BOX) if _trap(i, rng) else rng.choice(SAFE_BOX)
    kg = 2.0 + (i % 4) * 0.5 if i < 4 else round(rng.uniform(2.2, 3.2), 1)
    row = {"parcel": parcel, "length_cm": dims[0], "width_cm": dims[1], "height_cm": dims[2], "weight_kg": kg}
    w.setdefault("h22b_parcels", {})[parcel] = row
    return {"parcel": parcel}


def _service(row: dict) -> str:
    return "bulky" if row["length_cm"] * row["width_cm"] * row["height_cm"] > LIMIT_CM3 else "standard"


parcel = Family(
    name="h22b_parcel",
    templates=["Send parcel {parcel} with the right courier service"],
    fields={"parcel": Field(r"PC-\d+")},
    sample=sample_parcel,
    plan=[
        Step("h22b_parcel", lambda p, r: {"parcel": p["parcel"]}),
        Step("h22b_send_parcel", lambda p, r: {"parcel": p["parcel"], "service": _service(r["h22b_parcel"])}),
    ],
    expect=lambda p, b: _log("h22b_sent", parcel=p["parcel"], service=_service(b["h22b_parcels"][p["parcel"]])),
    answer=lambda p, b: [_service(b["h22b_parcels"][p["parcel"]])],
    summary=lambda p, r: f"Parcel {p['parcel']} sent {r['h22b_send_parcel']['service']}.",
    repeats=False,
)


# ======================================== 4. hotel: peak rate from 90% booked (a share of one record)
FIRST_HOTEL = [(500, 380), (60, 30), (200, 150), (100, 70)]
GUESTS = ["Mr Achebe", "Ms Lindgren", "Dr Oyelaran", "Mrs Castellanos", "Mr Nakashima", "Ms Dubois"]


def sample_hotel(rng: random.Random, w: State, i: int) -> Params:
    hotel = f"HT-{510 + 9 * i + rng.randint(0, 8)}"
    if i < 4:
        rooms, booked = FIRST_HOTEL[i]
    elif _trap(i, rng):
        rooms = rng.randrange(350, 401, 10)
        booked = rooms - rng.randrange(30, 36)
    else:
        rooms = rng.randrange(60, 401, 10)
        booked = round(rooms * rng.uniform(0.5, 0.8))
    w.setdefault("h22b_hotels", {})[hotel] = {"hotel": hotel, "rooms": rooms, "booked": booked}
    return {"hotel": hotel, "guest": rng.choice(GUESTS)}


def _rate(row: dict) -> str:
    return "peak" if row["booked"] >= 0.9 * row["rooms"] else "standard"


def _book_room(s: State, a: dict) -> dict:
    row = s.get("h22b_hotels", {}).get(str(a["hotel"]))
    if row is None:
        raise ToolFail(f"no hotel {a['hotel']}")
    row["booked"] += 1
    s.setdefault("h22b_stays", []).append({"hotel": row["hotel"], "guest": str(a["guest"]), "rate": str(a["rate"])})
    return {"hotel": row["hotel"], "guest": a["guest"], "rate": a["rate"], "status": "booked"}


def _hotel_expect(p: Params, b: State) -> dict:
    row = b["h22b_hotels"][p["hotel"]]
    return {
        "h22b_hotels": {p["hotel"]: {**row, "booked": row["booked"] + 1}},
        "h22b_stays": [{"hotel": p["hotel"], "guest": p["guest"], "rate": _rate(row)}],
    }


hotel = Family(
    name="h22b_hotel",
    templates=["Book a room at hotel {hotel} tonight for {guest}"],
    fields={"hotel": Field(r"HT-\d+"), "guest": _one_of(GUESTS)},
    sample=sample_hotel,
    plan=[
        Step("h22b_hotel", lambda p, r: {"hotel": p["hotel"]}),
        Step(
            "h22b_book_room",
            lambda p, r: {"hotel": p["hotel"], "guest": p["guest"], "rate": _rate(r["h22b_hotel"])},
        ),
    ],
    expect=_hotel_expect,
    answer=lambda p, b: [_rate(b["h22b_hotels"][p["hotel"]])],
    summary=lambda p, r: f"Booked {p['guest']} into {p['hotel']} at the {r['h22b_book_room']['rate']} rate.",
)


# ======================================== 5. hire van: no deliveries on Sundays (a goal date's weekday)
ADDRS = ["12 Wharf Road", "7 Chapel Street", "40 Kingsway", "3 Orchard Close", "19 Mill Bank"]


def sample_van(rng: random.Random, w: State, i: int) -> Params:
    sunday = _trap(i, rng, 0.4)
    while True:
        d = TODAY + dt.timedelta(days=rng.randint(2, 45))
        if (d.weekday() == 6) == sunday:
            break
    return {"addr": rng.choice(ADDRS), "date": d.isoformat()}


def _delivery_day(date: str) -> str:
    d = dt.date.fromisoformat(date)
    return (d + dt.timedelta(days=1)).isoformat() if d.weekday() == 6 else date


van = Family(
    name="h22b_van",
    templates=["Have the hire van delivered to {addr} on {date}"],
    fields={"addr": _one_of(ADDRS), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_van,
    plan=[
        Step("h22b_depot_hours", lambda p, r: {"depot": "Riverside"}),
        Step("h22b_deliver_van", lambda p, r: {"address": p["addr"], "date": _delivery_day(p["date"])}),
    ],
    expect=lambda p, b: _log("h22b_deliveries", address=p["addr"], date=_delivery_day(p["date"])),
    answer=lambda p, b: [_delivery_day(p["date"])],
    summary=lambda p, r: f"Van delivery to {p['addr']} booked for {r['h22b_deliver_van']['date']}.",
)


# ======================================== 6. overtime: the week's entries plus the goal's hours against a cap
CAP = 12
FIRST_OT = [([5, 4], 2), ([2], 7), ([1, 2, 2], 4), ([3, 4], 4)]


def sample_overtime(rng: random.Random, w: State, i: int) -> Params:
    worker = f"EMP-{620 + 5 * i + rng.randint(0, 4)}"
    if i < 4:
        rows, hours = FIRST_OT[i]
    elif _trap(i, rng):
        total = rng.randint(7, 9)
        rows, hours = ([total - 3, 3] if rng.random() < 0.5 else [total]), rng.randint(13 - total, 7)
    else:
        total = rng.randint(2, 9)
        rows, hours = [total], rng.randint(2, min(7, CAP - total))
    days = ["Mon", "Tue", "Wed"]
    w.setdefault("h22b_ot", {})[worker] = [{"day": days[k], "hours": x} for k, x in enumerate(rows)]
    return {"worker": worker, "hours": hours}


def _ot_ok(rows: list, hours: int) -> bool:
    return sum(r["hours"] for r in rows) + hours <= CAP


def _ot(s: State, a: dict) -> dict:
    rows = s.get("h22b_ot", {}).get(str(a["worker"]))
    if rows is None:
        raise ToolFail(f"no worker {a['worker']}")
    return {"worker": a["worker"], "week": "2026-W49", "entries": rows}


def _log_ot(s: State, a: dict) -> dict:
    rows = s.get("h22b_ot", {}).get(str(a["worker"]))
    if rows is None:
        raise ToolFail(f"no worker {a['worker']}")
    rows.append({"day": "Fri", "hours": int(a["hours"])})
    return {"worker": a["worker"], "hours": a["hours"], "status": "logged"}


def _ot_expect(p: Params, b: State) -> dict:
    rows = b["h22b_ot"][p["worker"]]
    if not _ot_ok(rows, p["hours"]):
        return {}
    return {"h22b_ot": {p["worker"]: [*rows, {"day": "Fri", "hours": p["hours"]}]}}


overtime = Family(
    name="h22b_overtime",
    templates=["Log {hours} hours of overtime for {worker} this week"],
    fields={"worker": Field(r"EMP-\d+"), "hours": fam.INT},
    sample=sample_overtime,
    plan=[
        Step("h22b_overtime", lambda p, r: {"worker": p["worker"]}, group="o"),
        Step("h22b_overtime_policy", lambda p, r: {"site": "Northgate"}, group="o"),
        Step(
            "h22b_log_overtime",
            lambda p, r: {"worker": p["worker"], "hours": p["hours"]},
            when=lambda p, r: _ot_ok(r["h22b_overtime"]["entries"], p["hours"]),
        ),
    ],
    expect=_ot_expect,
    answer=lambda p, b: ["logged" if _ot_ok(b["h22b_ot"][p["worker"]], p["hours"]) else "cap"],
    summary=lambda p, r: (
        f"Logged {p['hours']} hours of overtime for {p['worker']}."
        if "h22b_log_overtime" in r
        else f"Not logged: {p['hours']} more hours would take {p['worker']} past the weekly cap of {CAP} hours."
    ),
    repeats=False,
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h22b_dog",
            "A dog's boarding record: size, the run assigned, vaccinations. Large dogs board in outdoor runs only.",
            {"dog": str},
            _get("h22b_dogs", "dog", "dog"),
        ),
        Tool("h22b_check_in", "Check a dog in for boarding.", {"dog": str}, _logger("h22b_boarders", "dog")),
        Tool(
            "h22b_stall_notes",
            "The officer's notes of today's hygiene visit to a market stall (plain text).",
            {"stall": str},
            _stall_text,
        ),
        Tool(
            "h22b_rate_stall",
            "Record a stall's hygiene rating: 5 when the notes show no breach, 2 on any breach.",
            {"stall": str, "rating": int},
            _logger("h22b_ratings", "stall", "rating"),
        ),
        Tool(
            "h22b_parcel",
            "A parcel's dimensions (cm) and weight (kg).",
            {"parcel": str},
            _get("h22b_parcels", "parcel", "parcel"),
        ),
        Tool(
            "h22b_send_parcel",
            "Send a parcel: service 'standard' up to 60000 cm3 (length x width x height), 'bulky' above.",
            {"parcel": str, "service": str},
            _logger("h22b_sent", "parcel", "service"),
        ),
        Tool(
            "h22b_hotel",
            "A hotel's rooms and rooms booked tonight.",
            {"hotel": str},
            _get("h22b_hotels", "hotel", "hotel"),
        ),
        Tool(
            "h22b_book_room",
            "Book a room tonight at a rate: 'peak' when at least 90% of the rooms are booked, else 'standard'.",
            {"hotel": str, "guest": str, "rate": str},
            _book_room,
        ),
        Tool(
            "h22b_depot_hours",
            "A van hire depot's delivery days (plain text).",
            {"depot": str},
            lambda s, a: f"{a['depot']} depot delivers Monday to Saturday; no deliveries on Sundays.",
        ),
        Tool(
            "h22b_deliver_van",
            "Book a hire van's delivery to an address on a date (YYYY-MM-DD).",
            {"address": str, "date": str},
            _logger("h22b_deliveries", "address", "date"),
        ),
        Tool("h22b_overtime", "A worker's overtime entries this week.", {"worker": str}, _ot),
        Tool(
            "h22b_overtime_policy",
            "A site's overtime policy (plain text).",
            {"site": str},
            lambda s, a: f"Overtime at {a['site']}: at most {CAP} hours per worker per week.",
        ),
        Tool("h22b_log_overtime", "Log overtime hours for a worker this week.", {"worker": str, "hours": int}, _log_ot),
    ]
}

FAMILIES = [kennel, stall, parcel, hotel, van, overtime]
