"""Held-out probe families, round AH second set (issue 9, rule 5): answers that pick one item among several of a
result (the cheapest, the highest, the earliest, the second, the weakest), stated as a figure, a time, a name or a
title; from JSON lists and plain texts; by the greatest and by the least; plus a count under a filter.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h21b_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout21b.py --goals 16 --seed 7

Domains no other set used:

- h21b_crossing   ferry crossings of a day (JSON list): the cheapest, its departure time and fare
- h21b_tide       high waters of a day at a port (plain text, times and metres): the higher one, when and how high
- h21b_marathon   age-group results (plain text, names and h:mm:ss): the winner's name and time
- h21b_auction    an auction's lots (JSON list): the lot that fetched the most, its title and hammer price
- h21b_gust       hourly gusts at a weather station (plain text, knots): the strongest and its hour
- h21b_overdue    a library member's loans (JSON list, due dates): the most overdue title and by how many days
- h21b_papers     a student's exam papers (plain text marks): the weakest paper and its mark
- h21b_flats      flats to let on a street (JSON list): the second cheapest flat and its rent
- h21b_late_buses a bus route's departures (JSON list, minutes late): how many ran more than 5 minutes late

Workloads up to `--goals 16`.
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
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
NAMES = [
    "h21b_crossings",
    "h21b_tides",
    "h21b_results",
    "h21b_lots",
    "h21b_gusts",
    "h21b_loans",
    "h21b_marks",
    "h21b_flats",
    "h21b_departures",
]


def _annotate_in_tools_server() -> None:
    """Inside the shared tools server only: every tool of this set is read-only."""
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_h21b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if str(kwargs.get("name") or getattr(fn, "__name__", "")) in NAMES and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**READ)
        return original(self, fn, *args, **kwargs)

    add_tool._h21b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


def _distinct(rng: random.Random, k: int, make: Callable[[random.Random], Any]) -> list:
    out: list = []
    while len(out) < k:
        v = make(rng)
        if v not in out:
            out.append(v)
    return out


def _seeded(section: str, key: str, make: Callable[[random.Random], Any]) -> Callable[[random.Random, State], Any]:
    def get(rng: random.Random, w: State) -> Any:
        rows = w.setdefault(section, {})
        if key not in rows:
            rows[key] = make(rng)
        return rows[key]

    return get


def _reader(section: str, what: str, *keys: str) -> Callable[[State, dict], Any]:
    def run(s: State, a: dict) -> Any:
        k = "|".join(str(a[x]) for x in keys)
        row = s.get(section, {}).get(k)
        if row is None:
            raise ToolFail(f"no {what} {k}")
        return row

    return run


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


BASE = dt.date(2026, 12, 4)

# ======================================== 1. ferry crossings (JSON list): the cheapest
PORTS = ["Oban", "Ullapool", "Tarbert", "Mallaig", "Kennacraig"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def sample_crossing(rng: random.Random, w: State, i: int) -> Params:
    port, day = rng.choice(PORTS), rng.choice(DAYS)
    rows = w.setdefault("h21b_crossings", {})
    if f"{port}|{day}" not in rows:
        k = rng.randint(2, 5)
        deps = sorted(_distinct(rng, k, lambda r: r.randrange(6 * 4, 21 * 4) * 15))
        fares = _distinct(rng, k, lambda r: round(r.uniform(18, 64), 2))
        rows[f"{port}|{day}"] = {
            "port": port,
            "day": day,
            "crossings": [{"departs": _hm(d), "fare_gbp": f} for d, f in zip(deps, fares, strict=True)],
        }
    return {"port": port, "day": day, "wording": _wording(rng, i, 2)}


def _cheapest(row: dict) -> dict:
    return min(row["crossings"], key=lambda c: c["fare_gbp"])


crossing = Family(
    name="h21b_crossing",
    templates=["What's the cheapest crossing from {port} on {day}?", "Cheapest {day} sailing out of {port}?"],
    fields={"port": _one_of(PORTS), "day": _one_of(DAYS)},
    sample=sample_crossing,
    plan=[Step("h21b_crossings", lambda p, r: {"port": p["port"], "day": p["day"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [
        (c := _cheapest(b["h21b_crossings"][f"{p['port']}|{p['day']}"]))["departs"],
        c["fare_gbp"],
    ],
    summary=lambda p, r: (
        f"The cheapest {p['day']} crossing from {p['port']} leaves at {_cheapest(r['h21b_crossings'])['departs']}"
        f" for GBP {_cheapest(r['h21b_crossings'])['fare_gbp']:.2f}."
    ),
)

# ======================================== 2. high waters (plain text): the higher one
TIDE_PORTS = ["Padstow", "Fowey", "Looe", "Newlyn"]


def sample_tide(rng: random.Random, w: State, i: int) -> Params:
    port = rng.choice(TIDE_PORTS)
    date = (BASE + dt.timedelta(days=rng.randint(1, 20))).isoformat()
    rows = w.setdefault("h21b_tides", {})
    if f"{port}|{date}" not in rows:
        first = rng.randint(0, 11 * 60)
        heights = _distinct(rng, 2, lambda r: round(r.uniform(3.5, 6.9), 1))
        rows[f"{port}|{date}"] = [(first, heights[0]), (first + 745, heights[1])]
    return {"port": port, "date": date, "wording": _wording(rng, i, 2)}


def _tide_text(s: State, a: dict) -> str:
    hw = _reader("h21b_tides", "tide table for", "port", "date")(s, a)
    return f"High water at {a['port']} on {a['date']}: " + ", ".join(f"{_hm(t)} ({h} m)" for t, h in hw) + "."


def _higher(text: str) -> tuple[str, float]:
    pairs = [(t, float(h)) for t, h in re.findall(r"(\d\d:\d\d) \(([\d.]+) m\)", text)]
    return max(pairs, key=lambda x: x[1])


tide = Family(
    name="h21b_tide",
    templates=["When is the bigger high tide at {port} on {date}?", "Highest water at {port} on {date}: when?"],
    fields={"port": _one_of(TIDE_PORTS), "date": Field(r"\d{4}-\d\d-\d\d")},
    sample=sample_tide,
    plan=[Step("h21b_tides", lambda p, r: {"port": p["port"], "date": p["date"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [
        _hm((hw := max(b["h21b_tides"][f"{p['port']}|{p['date']}"], key=lambda x: x[1]))[0]),
        hw[1],
    ],
    summary=lambda p, r: (
        f"The higher high water at {p['port']} on {p['date']} is at {_higher(r['h21b_tides'])[0]}, "
        f"{_higher(r['h21b_tides'])[1]} m."
    ),
)

# ======================================== 3. marathon age group (plain text): the winner's name
RACES = ["Loch Ness Marathon", "Abingdon Marathon", "Chester Marathon"]
GROUPS = ["M40", "F40", "M50", "F50"]
RUNNERS = [
    "Ana Ruiz",
    "Tomasz Wrobel",
    "Siobhan Kelly",
    "Kwame Mensah",
    "Ingrid Holm",
    "Rahul Iyer",
    "Marta Costa",
    "Owen Pryce",
    "Yuki Sato",
    "Fergus Bain",
]


def sample_marathon(rng: random.Random, w: State, i: int) -> Params:
    race, group = rng.choice(RACES), rng.choice(GROUPS)
    rows = w.setdefault("h21b_results", {})
    if f"{race}|{group}" not in rows:
        k = rng.randint(3, 5)
        names = rng.sample(RUNNERS, k)
        secs = _distinct(rng, k, lambda r: r.randint(2 * 3600 + 40 * 60, 4 * 3600))
        rows[f"{race}|{group}"] = sorted(zip(names, secs, strict=True), key=lambda x: rng.random())
    return {"race": race, "group": group, "wording": _wording(rng, i, 2)}


def _hms(sec: int) -> str:
    return f"{sec // 3600}:{sec % 3600 // 60:02d}:{sec % 60:02d}"


def _results_text(s: State, a: dict) -> str:
    rows = _reader("h21b_results", "results for", "race", "group")(s, a)
    return f"{a['race']}, {a['group']} finishers (bib order): " + "; ".join(f"{n} {_hms(t)}" for n, t in rows) + "."


def _winner(text: str) -> tuple[str, str]:
    rows = re.findall(r"([A-Z][a-z]+ [A-Z][a-z]+) (\d:\d\d:\d\d)", text)
    return min(rows, key=lambda x: x[1])


marathon = Family(
    name="h21b_marathon",
    templates=["Who won the {group} category at the {race}?", "Fastest {group} runner at the {race}?"],
    fields={"race": _one_of(RACES), "group": _one_of(GROUPS)},
    sample=sample_marathon,
    plan=[Step("h21b_results", lambda p, r: {"race": p["race"], "group": p["group"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: list(
        (lambda n_t: [n_t[0], _hms(n_t[1])])(min(b["h21b_results"][f"{p['race']}|{p['group']}"], key=lambda x: x[1]))
    ),
    summary=lambda p, r: (
        f"{_winner(r['h21b_results'])[0]} won the {p['group']} category at the {p['race']} "
        f"in {_winner(r['h21b_results'])[1]}."
    ),
)

# ======================================== 4. auction lots (JSON list): the top lot
SALES = ["Spring Ceramics Sale", "Maritime Sale", "Clocks and Barometers Sale"]
TITLES = [
    "Moorcroft vase",
    "ship's chronometer",
    "brass sextant",
    "longcase clock",
    "Clarice Cliff teapot",
    "aneroid barometer",
    "Wedgwood jug",
    "telescope on stand",
]


def sample_auction(rng: random.Random, w: State, i: int) -> Params:
    sale = rng.choice(SALES)
    day = (BASE - dt.timedelta(days=rng.randint(1, 60))).isoformat()
    rows = w.setdefault("h21b_lots", {})
    if f"{sale}|{day}" not in rows:
        k = rng.randint(3, 6)
        prices = _distinct(rng, k, lambda r: r.randrange(80, 9000, 10))
        rows[f"{sale}|{day}"] = {
            "sale": sale,
            "date": day,
            "lots": [
                {"lot": n + 1, "title": t, "hammer_gbp": pr}
                for n, (t, pr) in enumerate(zip(rng.sample(TITLES, k), prices, strict=True))
            ],
        }
    return {"sale": sale, "date": day, "wording": _wording(rng, i, 2)}


def _top(row: dict) -> dict:
    return max(row["lots"], key=lambda x: x["hammer_gbp"])


auction = Family(
    name="h21b_auction",
    templates=["Which lot made the most at the {sale} on {date}?", "Top lot of the {sale} held {date}?"],
    fields={"sale": _one_of(SALES), "date": Field(r"\d{4}-\d\d-\d\d")},
    sample=sample_auction,
    plan=[Step("h21b_lots", lambda p, r: {"sale": p["sale"], "date": p["date"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [
        (t := _top(b["h21b_lots"][f"{p['sale']}|{p['date']}"]))["title"],
        t["hammer_gbp"],
    ],
    summary=lambda p, r: (
        f"The top lot at the {p['sale']} on {p['date']} was lot {_top(r['h21b_lots'])['lot']}, the "
        f"{_top(r['h21b_lots'])['title']}, at GBP {_top(r['h21b_lots'])['hammer_gbp']:,}."
    ),
)

# ======================================== 5. hourly gusts (plain text): the strongest and its hour
STATIONS = ["Lerwick", "Stornoway", "Tiree", "Wick", "Kirkwall"]


def sample_gust(rng: random.Random, w: State, i: int) -> Params:
    st = rng.choice(STATIONS)
    rows = w.setdefault("h21b_gusts", {})
    if st not in rows:
        rows[st] = _distinct(rng, 8, lambda r: r.randint(12, 68))
    if i >= 4 and rng.random() < 0.3:  # the station's next day
        rows[st] = _distinct(rng, 8, lambda r: r.randint(12, 68))
    return {"station": st, "wording": _wording(rng, i, 2)}


def _gust_text(s: State, a: dict) -> str:
    g = s.get("h21b_gusts", {}).get(str(a["station"]))
    if g is None:
        raise ToolFail(f"no station {a['station']}")
    return f"Gusts at {a['station']} yesterday: " + ", ".join(f"{3 * k:02d}h {x} kn" for k, x in enumerate(g)) + "."


def _strongest(text: str) -> tuple[str, int]:
    rows = [(h, int(x)) for h, x in re.findall(r"(\d\dh) (\d+) kn", text)]
    return max(rows, key=lambda x: x[1])


gust = Family(
    name="h21b_gust",
    templates=["What was the strongest gust at {station} yesterday, and when?", "Peak gust at {station} yesterday?"],
    fields={"station": _one_of(STATIONS)},
    sample=sample_gust,
    plan=[Step("h21b_gusts", lambda p, r: {"station": p["station"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [
        max(b["h21b_gusts"][p["station"]]),
        f"{3 * b['h21b_gusts'][p['station']].index(max(b['h21b_gusts'][p['station']])):02d}h",
    ],
    summary=lambda p, r: (
        f"The strongest gust at {p['station']} yesterday was {_strongest(r['h21b_gusts'])[1]} kn, "
        f"at {_strongest(r['h21b_gusts'])[0]}."
    ),
)

# ======================================== 6. library loans (JSON list): the most overdue
MEMBERS = [f"LM-{n}" for n in range(3301, 3340, 3)]
BOOKS = ["Middlemarch", "The Peregrine", "Wolf Hall", "Ring of Bright Water", "Small Island", "The Outrun"]


def sample_overdue(rng: random.Random, w: State, i: int) -> Params:
    m = rng.choice(MEMBERS)
    rows = w.setdefault("h21b_loans", {})
    if m not in rows:
        k = rng.randint(2, 4)
        days = _distinct(rng, k, lambda r: r.randint(1, 50))
        rows[m] = {
            "member": m,
            "loans": [
                {"title": t, "due": (BASE - dt.timedelta(days=d)).isoformat()}
                for t, d in zip(rng.sample(BOOKS, k), days, strict=True)
            ],
        }
    return {"member": m, "wording": _wording(rng, i, 2)}


def _most_overdue(row: dict) -> tuple[str, int]:
    loan = min(row["loans"], key=lambda x: x["due"])
    return loan["title"], (BASE - dt.date.fromisoformat(loan["due"])).days


overdue = Family(
    name="h21b_overdue",
    templates=["Which of member {member}'s loans is the most overdue?", "Most overdue book on card {member}?"],
    fields={"member": Field(r"LM-\d+")},
    sample=sample_overdue,
    plan=[Step("h21b_loans", lambda p, r: {"member": p["member"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: list(_most_overdue(b["h21b_loans"][p["member"]])),
    summary=lambda p, r: (
        f"{_most_overdue(r['h21b_loans'])[0]} is the most overdue of {p['member']}'s loans: "
        f"{_most_overdue(r['h21b_loans'])[1]} days."
    ),
)

# ======================================== 7. exam papers (plain text): the weakest
STUDENTS = [f"S{n}" for n in range(2201, 2240, 2)]
PAPERS = ["Mechanics", "Statistics", "Pure 1", "Pure 2", "Decision"]


def sample_papers(rng: random.Random, w: State, i: int) -> Params:
    st = rng.choice(STUDENTS)
    rows = w.setdefault("h21b_marks", {})
    if st not in rows:
        k = rng.randint(3, 5)
        rows[st] = list(zip(rng.sample(PAPERS, k), _distinct(rng, k, lambda r: r.randint(31, 97)), strict=True))
    return {"student": st, "wording": _wording(rng, i, 2)}


def _marks_text(s: State, a: dict) -> str:
    rows = s.get("h21b_marks", {}).get(str(a["student"]))
    if rows is None:
        raise ToolFail(f"no student {a['student']}")
    return f"Marks for {a['student']}: " + "; ".join(f"{p}: {m}%" for p, m in rows) + "."


def _weakest(text: str) -> tuple[str, int]:
    rows = [(p, int(m)) for p, m in re.findall(r"([A-Z][a-z]+(?: \d)?): (\d+)%", text)]
    return min(rows, key=lambda x: x[1])


papers = Family(
    name="h21b_papers",
    templates=["What was student {student}'s weakest paper?", "Lowest mark of student {student}?"],
    fields={"student": Field(r"S\d+")},
    sample=sample_papers,
    plan=[Step("h21b_marks", lambda p, r: {"student": p["student"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: list(min(b["h21b_marks"][p["student"]], key=lambda x: x[1])),
    summary=lambda p, r: (
        f"{p['student']}'s weakest paper was {_weakest(r['h21b_marks'])[0]}, at {_weakest(r['h21b_marks'])[1]}%."
    ),
)

# ======================================== 8. flats (JSON list): the second cheapest
STREETS = ["Marchmont Road", "Leith Walk", "Easter Road", "Dalry Road"]


def sample_flats(rng: random.Random, w: State, i: int) -> Params:
    street = rng.choice(STREETS)
    rows = w.setdefault("h21b_flats", {})
    if street not in rows:
        k = rng.randint(3, 5)
        rows[street] = {
            "street": street,
            "flats": [
                {"flat": f"{rng.randint(2, 140)}/{rng.randint(1, 4)}F{rng.randint(1, 3)}", "rent_gbp": rent}
                for rent in _distinct(rng, k, lambda r: r.randrange(750, 1900, 5))
            ],
        }
    return {"street": street, "wording": _wording(rng, i, 2)}


def _second(row: dict) -> dict:
    return sorted(row["flats"], key=lambda x: x["rent_gbp"])[1]


flats = Family(
    name="h21b_flats",
    templates=["Which flat on {street} is the second cheapest?", "Second-cheapest flat to let on {street}?"],
    fields={"street": _one_of(STREETS)},
    sample=sample_flats,
    plan=[Step("h21b_flats", lambda p, r: {"street": p["street"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [(f := _second(b["h21b_flats"][p["street"]]))["flat"], f["rent_gbp"]],
    summary=lambda p, r: (
        f"The second cheapest flat on {p['street']} is {_second(r['h21b_flats'])['flat']}, "
        f"at GBP {_second(r['h21b_flats'])['rent_gbp']} a month."
    ),
)

# ======================================== 9. bus departures (JSON list): how many ran late
ROUTES = ["22", "X7", "44A", "10"]


def sample_buses(rng: random.Random, w: State, i: int) -> Params:
    route = rng.choice(ROUTES)
    day = rng.choice(DAYS)
    rows = w.setdefault("h21b_departures", {})
    if f"{route}|{day}" not in rows:
        rows[f"{route}|{day}"] = {
            "route": route,
            "day": day,
            "departures": [
                {"scheduled": _hm(6 * 60 + 20 * k), "minutes_late": rng.choice([0, 0, 1, 2, 4, 5, 6, 9, 14])}
                for k in range(rng.randint(4, 8))
            ],
        }
    return {"route": route, "day": day, "wording": _wording(rng, i, 2)}


def _late(row: dict) -> int:
    return sum(1 for d in row["departures"] if d["minutes_late"] > 5)


late_buses = Family(
    name="h21b_late_buses",
    templates=[
        "How many route {route} buses ran more than 5 minutes late on {day}?",
        "Count of route {route} departures over 5 minutes late on {day}?",
    ],
    fields={"route": _one_of(ROUTES), "day": _one_of(DAYS)},
    sample=sample_buses,
    plan=[Step("h21b_departures", lambda p, r: {"route": p["route"], "day": p["day"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_late(b["h21b_departures"][f"{p['route']}|{p['day']}"])],
    summary=lambda p, r: (
        f"{_late(r['h21b_departures'])} of {len(r['h21b_departures']['departures'])} route {p['route']} "
        f"buses ran more than 5 minutes late on {p['day']}."
    ),
)

# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h21b_crossings",
            "A port's ferry crossings on a weekday, with fares.",
            {"port": str, "day": str},
            _reader("h21b_crossings", "crossings for", "port", "day"),
        ),
        Tool("h21b_tides", "High waters at a port on a date (plain text).", {"port": str, "date": str}, _tide_text),
        Tool(
            "h21b_results",
            "A marathon's finishers in an age group (plain text).",
            {"race": str, "group": str},
            _results_text,
        ),
        Tool(
            "h21b_lots",
            "An auction's lots and hammer prices.",
            {"sale": str, "date": str},
            _reader("h21b_lots", "sale", "sale", "date"),
        ),
        Tool(
            "h21b_gusts",
            "Three-hourly gusts at a weather station yesterday (plain text).",
            {"station": str},
            _gust_text,
        ),
        Tool(
            "h21b_loans",
            "A library member's loans and due dates.",
            {"member": str},
            _reader("h21b_loans", "member", "member"),
        ),
        Tool("h21b_marks", "A student's exam marks (plain text).", {"student": str}, _marks_text),
        Tool(
            "h21b_flats",
            "Flats to let on a street, with rents.",
            {"street": str},
            _reader("h21b_flats", "street", "street"),
        ),
        Tool(
            "h21b_departures",
            "A bus route's departures on a weekday and how late each ran.",
            {"route": str, "day": str},
            _reader("h21b_departures", "route", "route", "day"),
        ),
    ]
}

FAMILIES = [crossing, tide, marathon, auction, gust, overdue, papers, flats, late_buses]
