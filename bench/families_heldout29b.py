"""Held-out probe 29b (issue 9, helper redAM): the classes of heldout29 that main replayed wrongly, in
other domains, written before looking at how the fix reads them.

- h29b_booster  a vet clinic: a booster is due a number of days (the pet's record) after the last dose (the
                same record); the clinic is shut on Sundays, a Sunday moves to the Monday (Saturdays open)
- h29b_hold     a library: a hold waits 7 days after the goal's date, unless that day is one the branch's
                record lists as closed (stocktaking days): then the day after
- h29b_payday   payroll: staff are paid 4 days after a period's end (the period's record); a Saturday or a
                Sunday pays on the Friday before
- h29b_vaccine  a pharmacy question: which batch in a fridge expires soonest (the first goals' lists kept
                soonest first)
- h29b_crew     a lifeboat station question: which crew is on call last in the week (weekday names; the
                first goals' lists in weekday order)

Workloads up to `--goals 16`. The first goals never cross a trap; later goals sometimes do.
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
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h29b_pet": READ,
    "h29b_book_booster": WRITE,
    "h29b_branch": READ,
    "h29b_place_hold": WRITE,
    "h29b_period": READ,
    "h29b_schedule_pay": WRITE,
    "h29b_fridge": READ,
    "h29b_station": READ,
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

    if getattr(Server.add_tool, "_h29b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h29b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, first: int = 4, share: float = 0.5) -> bool:
    return i >= first and rng.random() < share


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _table(table: str, key: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return row

    return run


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _plus(day: str, n: int) -> str:
    return (_d(day) + dt.timedelta(days=n)).isoformat()


# ======================================== 1. booster: last dose + days, Sunday to Monday
def _booster_day(last: str, days: int) -> str:
    d = _d(last) + dt.timedelta(days=days)
    return (d + dt.timedelta(days=1)).isoformat() if d.weekday() == 6 else d.isoformat()


FIRST_PET = [("2027-01-04", 21), ("2027-01-06", 28), ("2027-01-12", 30), ("2027-01-08", 25)]


def sample_booster(rng: random.Random, w: State, i: int) -> Params:
    pet = f"PET-{500 + 9 * i + rng.randint(0, 8)}"
    if i < len(FIRST_PET):
        last, days = FIRST_PET[i]
    else:
        trap = _trap(i, rng)
        for _ in range(5000):
            last = (dt.date(2027, 1, 4) + dt.timedelta(days=rng.randint(0, 8))).isoformat()
            days = rng.randint(21, 30)
            if _d(last).weekday() < 5 and (_d(_plus(last, days)).weekday() == 6) == trap:
                break
    w["tables"].setdefault("h29b_pets", {})[pet] = {
        "pet": pet,
        "species": "dog",
        "last_dose": last,
        "booster_days": days,
    }
    return {"pet": pet}


def _pet_day(b: State, p: Params) -> str:
    row = b["tables"]["h29b_pets"][p["pet"]]
    return _booster_day(row["last_dose"], row["booster_days"])


booster = Family(
    name="h29b_booster",
    templates=["Book the booster jab for pet {pet}"],
    fields={"pet": Field(r"PET-\d+")},
    sample=sample_booster,
    plan=[
        Step("h29b_pet", lambda p, r: {"pet": p["pet"]}),
        Step(
            "h29b_book_booster",
            lambda p, r: {
                "pet": p["pet"],
                "date": _booster_day(r["h29b_pet"]["last_dose"], r["h29b_pet"]["booster_days"]),
            },
        ),
    ],
    expect=lambda p, b: {"h29b_boosters": [{"pet": p["pet"], "date": _pet_day(b, p)}]},
    answer=lambda p, b: [_pet_day(b, p)],
    summary=lambda p, r: f"Booster for {p['pet']} booked on {r['h29b_book_booster']['date']}.",
    repeats=False,
)


# ======================================== 2. hold: goal date + 7, a closed day listed by the branch moves it on
CLOSED = ["2027-02-17", "2027-03-24", "2027-04-21", "2027-05-19", "2027-06-16"]


def _hold_until(day: str) -> str:
    d = _d(day) + dt.timedelta(days=7)
    while d.isoformat() in CLOSED:
        d += dt.timedelta(days=1)
    return d.isoformat()


FIRST_HOLD = ["2027-02-01", "2027-03-02", "2027-04-07", "2027-05-04", "2027-06-03"]


def sample_hold(rng: random.Random, w: State, i: int) -> Params:
    book = f"BK-{1000 + 17 * i + rng.randint(0, 16)}"
    if i < len(FIRST_HOLD):
        day = FIRST_HOLD[i]
    elif _trap(i, rng):
        day = _plus(rng.choice(CLOSED[1:4]), -7)
    else:
        while True:
            day = (dt.date(2027, 2, 1) + dt.timedelta(days=rng.randint(0, 120))).isoformat()
            if _d(day).weekday() < 5 and _plus(day, 7) not in CLOSED:
                break
    w["tables"].setdefault("h29b_branches", {})["Eastgate"] = {"branch": "Eastgate", "closed": CLOSED}
    return {"book": book, "date": day}


hold = Family(
    name="h29b_hold",
    templates=["Place a hold on book {book} at Eastgate library from {date}"],
    fields={"book": Field(r"BK-\d+"), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_hold,
    plan=[
        Step("h29b_branch", lambda p, r: {"branch": "Eastgate"}),
        Step("h29b_place_hold", lambda p, r: {"book": p["book"], "until": _hold_until(p["date"])}),
    ],
    expect=lambda p, b: {"h29b_holds": [{"book": p["book"], "until": _hold_until(p["date"])}]},
    answer=lambda p, b: [_hold_until(p["date"])],
    summary=lambda p, r: f"Hold on {p['book']} kept until {r['h29b_place_hold']['until']}.",
    repeats=False,
)


# ======================================== 3. payday: period end + 4, a weekend pays on the Friday before
def _payday(end: str) -> str:
    d = _d(end) + dt.timedelta(days=4)
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d.isoformat()


FIRST_END = ["2027-01-31", "2027-03-01", "2027-05-31", "2027-07-02"]  # pay Thu, Fri, Fri, Tue


def sample_payday(rng: random.Random, w: State, i: int) -> Params:
    period = f"PR-{200 + 3 * i + rng.randint(0, 2)}"
    if i < len(FIRST_END):
        end = FIRST_END[i]
    else:
        trap = _trap(i, rng)
        while True:
            end = (dt.date(2027, 1, 28) + dt.timedelta(days=rng.randint(0, 150))).isoformat()
            if (_d(_plus(end, 4)).weekday() >= 5) == trap:
                break
    w["tables"].setdefault("h29b_periods", {})[period] = {"period": period, "ends": end, "staff": 42}
    return {"period": period}


payday = Family(
    name="h29b_payday",
    templates=["Schedule the pay run for payroll period {period}"],
    fields={"period": Field(r"PR-\d+")},
    sample=sample_payday,
    plan=[
        Step("h29b_period", lambda p, r: {"period": p["period"]}),
        Step("h29b_schedule_pay", lambda p, r: {"period": p["period"], "pay_date": _payday(r["h29b_period"]["ends"])}),
    ],
    expect=lambda p, b: {
        "h29b_pay_runs": [
            {"period": p["period"], "pay_date": _payday(b["tables"]["h29b_periods"][p["period"]]["ends"])}
        ]
    },
    answer=lambda p, b: [_payday(b["tables"]["h29b_periods"][p["period"]]["ends"])],
    summary=lambda p, r: f"Pay run for {p['period']} on {r['h29b_schedule_pay']['pay_date']}.",
    repeats=False,
)


# ======================================== 4. vaccine: the batch that expires soonest (a pick over dates)
def sample_vaccine(rng: random.Random, w: State, i: int) -> Params:
    fridge = f"FR-{10 + 5 * i + rng.randint(0, 4)}"
    days = sorted(rng.sample(range(20, 400), rng.randint(2, 4)))
    rows = [
        {"batch": f"LOT{rng.randint(1000, 9999)}", "doses": rng.randint(5, 40), "expires": _plus("2027-01-01", x)}
        for x in days
    ]
    if _trap(i, rng):
        rng.shuffle(rows)
    w["tables"].setdefault("h29b_fridges", {})[fridge] = {"fridge": fridge, "batches": rows}
    return {"fridge": fridge}


def _soonest(rows: list[dict]) -> str:
    return str(min(rows, key=lambda r: r["expires"])["batch"])


vaccine = Family(
    name="h29b_vaccine",
    templates=["Which vaccine batch in fridge {fridge} expires soonest?"],
    fields={"fridge": Field(r"FR-\d+")},
    sample=sample_vaccine,
    plan=[Step("h29b_fridge", lambda p, r: {"fridge": p["fridge"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [f"{_soonest(b['tables']['h29b_fridges'][p['fridge']]['batches'])} expires soonest"],
    summary=lambda p, r: f"{_soonest(r['h29b_fridge']['batches'])} expires soonest.",
    repeats=False,
)


# ======================================== 5. crew: the crew on call last in the week (weekday names)
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CREWS = ["Red", "Blue", "Green", "Amber", "White", "Black"]


def sample_crew(rng: random.Random, w: State, i: int) -> Params:
    station = f"LB-{30 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(2, 4)
    nights = sorted(rng.sample(range(7), n))
    rows = [{"crew": c, "on_call": DAYS[d]} for c, d in zip(rng.sample(CREWS, n), nights, strict=True)]
    if _trap(i, rng):
        rng.shuffle(rows)
    w["tables"].setdefault("h29b_stations", {})[station] = {"station": station, "rota": rows}
    return {"station": station}


def _last(rows: list[dict]) -> str:
    return str(max(rows, key=lambda r: DAYS.index(r["on_call"]))["crew"])


crew = Family(
    name="h29b_crew",
    templates=["Which crew at lifeboat station {station} is on call last in the week?"],
    fields={"station": Field(r"LB-\d+")},
    sample=sample_crew,
    plan=[Step("h29b_station", lambda p, r: {"station": p["station"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [f"The {_last(b['tables']['h29b_stations'][p['station']]['rota'])} crew"],
    summary=lambda p, r: f"The {_last(r['h29b_station']['rota'])} crew is on call last in the week.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h29b_pet",
            "A pet's record: its last dose and the days until the booster.",
            {"pet": str},
            _table("h29b_pets", "pet"),
        ),
        Tool(
            "h29b_book_booster",
            "Book a booster: the last dose + the booster days; the clinic is shut on Sundays (book the Monday).",
            {"pet": str, "date": str},
            _logger("h29b_boosters", "pet", "date"),
        ),
        Tool(
            "h29b_branch",
            "A library branch's record: the days it is closed.",
            {"branch": str},
            _table("h29b_branches", "branch"),
        ),
        Tool(
            "h29b_place_hold",
            "Place a hold: kept 7 days from the request; a closed day of the branch moves it to the next day.",
            {"book": str, "until": str},
            _logger("h29b_holds", "book", "until"),
        ),
        Tool(
            "h29b_period",
            "A payroll period: its end date and staff.",
            {"period": str},
            _table("h29b_periods", "period"),
        ),
        Tool(
            "h29b_schedule_pay",
            "Schedule a pay run: 4 days after the period ends; a Saturday or Sunday pays on the Friday before.",
            {"period": str, "pay_date": str},
            _logger("h29b_pay_runs", "period", "pay_date"),
        ),
        Tool(
            "h29b_fridge",
            "A pharmacy fridge's vaccine batches: doses and expiry date.",
            {"fridge": str},
            _table("h29b_fridges", "fridge"),
        ),
        Tool(
            "h29b_station",
            "A lifeboat station's crews and the day each is on call.",
            {"station": str},
            _table("h29b_stations", "station"),
        ),
    ]
}

FAMILIES = [booster, hold, payday, vaccine, crew]
