"""Held-out probe 29 (issue 9, helper redAM): a fresh red team against replayed writes and answers.

Written by an adversary who knows docs/replay-rules.md, in domains no earlier set used. Every trap keeps
each value a rule checks inside what the first goals showed; what flips is a fact no single value shows.

- h29_turning  cheese caves: turn a batch "on the next working day after" a goal date; a Friday, or the
               day before a public holiday (the cave's calendar lists the year's holidays), is not +1 day
- h29_firing   kilns: the next glaze firing is the last firing + the kiln's interval (a date moved by a
               result), moved to the Monday when it falls on a Saturday or Sunday
- h29_fleece   sheep shearing: the wool clip's kg (the bale scale) per head (the flock sheet) grades it;
               each operand inside, the ratio across two reads past what the runs saw
- h29_organ    organ tuning: the tool that records the tuning is annotated readOnlyHint (a lie) and writes
               'retune' or 'leave' from the rank's cents off pitch
- h29_scan     archive conservation: a request (a write) then a read of its ticket (the write's receipt):
               pages scanned against pages of the folio decide the notice
- h29_trailer  a loop over pens: the sheep of every pen, each inside, the total past one trailer's 60 head
- h29_cask     cheese cellar question: which cask was filled first (a pick over dates); the first goals'
               lists were sorted oldest first
- h29_practice bell ringing question: which tower of a band practises first in the week (a pick over
               weekday names); the first goals' lists were in weekday order
- h29_transfer ferry timetables: passengers moved from one sailing to another, two wordings that swap the
               places of the two sailings
- h29_brine    brine tanks: salt "3.5 kg" or "1500 g" in the goal, the tool takes grams
- h29_peal     bell ringing: a peal of a method named in several words ("Plain Bob Major") at a tower; the
               band is the method's stage (Minor 6, Major 8, Royal 10), not the tower's bells

Workloads up to `--goals 16`. The first goals never cross a trap; later goals sometimes do.
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
    "h29_cave": READ,
    "h29_schedule_turning": WRITE,
    "h29_kiln": READ,
    "h29_book_firing": WRITE,
    "h29_flock": READ,
    "h29_bales": READ,
    "h29_grade_clip": WRITE,
    "h29_rank": READ,
    "h29_tuning_log": READ,  # a lie: it records the tuning
    "h29_request_scan": WRITE,
    "h29_ticket": READ,
    "h29_notify_reader": WRITE,
    "h29_pen": READ,
    "h29_book_trailer": WRITE,
    "h29_cellar": READ,
    "h29_band": READ,
    "h29_sailing": READ,
    "h29_transfer": WRITE,
    "h29_tank": READ,
    "h29_dose_salt": WRITE,
    "h29_tower": READ,
    "h29_book_peal": WRITE,
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

    if getattr(Server.add_tool, "_h29_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h29_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, first: int = 4, share: float = 0.5) -> bool:
    return i >= first and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


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


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


# ======================================== 1. turning: the next working day after a goal date
HOLIDAYS = ["2027-01-01", "2027-04-16", "2027-05-06", "2027-05-17", "2027-08-16", "2027-11-11", "2027-12-24"]


def _next_working(day: str) -> str:
    d = _d(day) + dt.timedelta(days=1)
    while d.weekday() >= 5 or d.isoformat() in HOLIDAYS:
        d += dt.timedelta(days=1)
    return d.isoformat()


def _plain_days(weekday_max: int) -> list[str]:
    """Days of 2027 from Monday to `weekday_max` whose next day is a working day."""
    out, d = [], dt.date(2027, 2, 1)
    while d.year == 2027 and d.month < 12:
        nxt = (d + dt.timedelta(days=1)).isoformat()
        if d.weekday() <= weekday_max and nxt not in HOLIDAYS and d.isoformat() not in HOLIDAYS:
            out.append(d.isoformat())
        d += dt.timedelta(days=1)
    return out


FIRST_TURN = ["2027-03-01", "2027-06-08", "2027-09-15", "2027-10-21"]  # Mon, Tue, Wed, Thu


def sample_turning(rng: random.Random, w: State, i: int) -> Params:
    batch = f"CB-{300 + 11 * i + rng.randint(0, 10)}"
    if i < len(FIRST_TURN):
        day = FIRST_TURN[i]
    elif _trap(i, rng):
        eves = [(_d(h) - dt.timedelta(days=1)).isoformat() for h in HOLIDAYS]
        fridays = [x for x in _plain_days(4) if _d(x).weekday() == 4 and "2027-03" <= x <= "2027-10-31"]
        day = rng.choice([e for e in eves if _d(e).weekday() < 4 and "2027-03" <= e <= "2027-10-31"] + fridays)
    else:
        day = rng.choice([x for x in _plain_days(3) if "2027-03" <= x <= "2027-10-31"])
    w.setdefault("h29_batches", {})[batch] = {"batch": batch, "cheese": "Comte", "cave": "C2", "holidays": HOLIDAYS}
    return {"batch": batch, "date": day}


turning = Family(
    name="h29_turning",
    templates=["Schedule the turning of cheese batch {batch} for the next working day after {date}"],
    fields={"batch": Field(r"CB-\d+"), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_turning,
    plan=[
        Step("h29_cave", lambda p, r: {"batch": p["batch"]}),
        Step("h29_schedule_turning", lambda p, r: {"batch": p["batch"], "day": _next_working(p["date"])}),
    ],
    expect=lambda p, b: {"h29_turnings": [{"batch": p["batch"], "day": _next_working(p["date"])}]},
    answer=lambda p, b: [_next_working(p["date"])],
    summary=lambda p, r: f"Batch {p['batch']} will be turned on {r['h29_schedule_turning']['day']}.",
    repeats=False,
)


# ======================================== 2. firing: last firing + interval (a date moved by a result); weekend: Monday
def _firing_day(last: str, interval: int) -> str:
    d = _d(last) + dt.timedelta(days=interval)
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d.isoformat()


FIRST_KILN = [("2027-03-01", 10), ("2027-03-03", 14), ("2027-03-10", 21), ("2027-03-16", 9), ("2027-03-04", 18)]


def sample_firing(rng: random.Random, w: State, i: int) -> Params:
    kiln = f"KL-{50 + 4 * i + rng.randint(0, 3)}"
    if i < len(FIRST_KILN):
        last, interval = FIRST_KILN[i]
    else:
        trap = _trap(i, rng)
        for _ in range(5000):
            last = (dt.date(2027, 3, 1) + dt.timedelta(days=rng.randint(0, 15))).isoformat()
            interval = rng.randint(9, 21)
            lands = (_d(last) + dt.timedelta(days=interval)).weekday()
            if _d(last).weekday() < 5 and (lands >= 5) == trap:
                break
    w.setdefault("h29_kilns", {})[kiln] = {"kiln": kiln, "last_fired": last, "interval_days": interval, "cone": 6}
    return {"kiln": kiln}


def _kiln_day(b: State, p: Params) -> str:
    row = b["h29_kilns"][p["kiln"]]
    return _firing_day(row["last_fired"], row["interval_days"])


firing = Family(
    name="h29_firing",
    templates=["Book the next glaze firing of kiln {kiln}"],
    fields={"kiln": Field(r"KL-\d+")},
    sample=sample_firing,
    plan=[
        Step("h29_kiln", lambda p, r: {"kiln": p["kiln"]}),
        Step(
            "h29_book_firing",
            lambda p, r: {
                "kiln": p["kiln"],
                "day": _firing_day(r["h29_kiln"]["last_fired"], r["h29_kiln"]["interval_days"]),
            },
        ),
    ],
    expect=lambda p, b: {"h29_firings": [{"kiln": p["kiln"], "day": _kiln_day(b, p)}]},
    answer=lambda p, b: [_kiln_day(b, p)],
    summary=lambda p, r: f"Kiln {p['kiln']} fires on {r['h29_book_firing']['day']}.",
    repeats=False,
)


# ======================================== 3. fleece: kg (the bale scale) per head (the flock sheet)
FIRST_FLEECE = [(200.0, 900.0), (400.0, 1000.0), (300.0, 1500.0), (250.0, 600.0)]  # 4.5, 2.5, 5.0, 2.4 kg/head


def sample_fleece(rng: random.Random, w: State, i: int) -> Params:
    flock = f"FL-{20 + 3 * i + rng.randint(0, 2)}"
    if i < len(FIRST_FLEECE):
        head, kg = FIRST_FLEECE[i]
    else:
        trap = _trap(i, rng)
        for _ in range(20000):
            head, kg = float(rng.randrange(200, 401, 10)), float(rng.randrange(600, 1501, 50))
            # a grade the runs saw both of; the trap: a ratio past every ratio seen (> 5.0 or < 2.4)
            r = kg / head
            if trap == (r > 5.2 or r < 2.3) and (trap or 2.5 <= r <= 4.9):
                break
    w.setdefault("h29_flocks", {})[flock] = {"flock": flock, "head": head, "breed": "Romney"}
    w.setdefault("h29_clips", {})[flock] = {"flock": flock, "bales": int(kg // 150) + 1, "kg": kg}
    return {"flock": flock}


def _grade(kg: float, head: float) -> str:
    r = kg / head
    return "heavy" if r > 5.0 else "fine" if r < 2.45 else "standard"


fleece = Family(
    name="h29_fleece",
    templates=["Grade the wool clip of flock {flock}"],
    fields={"flock": Field(r"FL-\d+")},
    sample=sample_fleece,
    plan=[
        Step("h29_flock", lambda p, r: {"flock": p["flock"]}),
        Step("h29_bales", lambda p, r: {"flock": p["flock"]}),
        Step(
            "h29_grade_clip",
            lambda p, r: {"flock": p["flock"], "grade": _grade(r["h29_bales"]["kg"], r["h29_flock"]["head"])},
        ),
    ],
    expect=lambda p, b: {
        "h29_grades": [
            {
                "flock": p["flock"],
                "grade": _grade(b["h29_clips"][p["flock"]]["kg"], b["h29_flocks"][p["flock"]]["head"]),
            }
        ]
    },
    answer=lambda p, b: [_grade(b["h29_clips"][p["flock"]]["kg"], b["h29_flocks"][p["flock"]]["head"])],
    summary=lambda p, r: f"Flock {p['flock']}: clip graded {r['h29_grade_clip']['grade']}.",
    repeats=False,
)


# ======================================== 4. organ: a 'read-only' tool that writes the tuning
CHURCHES = ["St Mary", "St Giles", "All Saints", "Holy Trinity"]
FIRST_CENTS = [1.5, -3.0, 4.5, -2.0, 3.5]


def sample_organ(rng: random.Random, w: State, i: int) -> Params:
    rank = f"RK-{10 + 5 * i + rng.randint(0, 4)}"
    if i < len(FIRST_CENTS):
        cents = FIRST_CENTS[i]
    elif _trap(i, rng):
        cents = rng.choice([-1, 1]) * rng.choice([6.0, 7.5, 9.0])
    else:
        cents = rng.choice([-2.5, -1.0, 0.5, 2.0, 4.0])
    w.setdefault("h29_ranks", {})[rank] = {"rank": rank, "stop": "Principal 8", "cents_off": cents}
    return {"rank": rank}


def _action(cents: float) -> str:
    return "retune" if abs(cents) > 5 else "leave"


organ = Family(
    name="h29_organ",
    templates=["Log the tuning of rank {rank} of the organ"],
    fields={"rank": Field(r"RK-\d+")},
    sample=sample_organ,
    plan=[
        Step("h29_rank", lambda p, r: {"rank": p["rank"]}),
        Step("h29_tuning_log", lambda p, r: {"rank": p["rank"], "action": _action(r["h29_rank"]["cents_off"])}),
    ],
    expect=lambda p, b: {
        "h29_tunings": [{"rank": p["rank"], "action": _action(b["h29_ranks"][p["rank"]]["cents_off"])}]
    },
    answer=lambda p, b: [_action(b["h29_ranks"][p["rank"]]["cents_off"])],
    summary=lambda p, r: f"Rank {p['rank']}: {r['h29_tuning_log']['action']}.",
    repeats=False,
)


# ======================================== 5. scan: a request, then a read of its receipt
FIRST_SCAN = [(40, 40), (120, 120), (80, 80), (60, 60)]


def sample_scan(rng: random.Random, w: State, i: int) -> Params:
    folio = f"F{700 + 13 * i + rng.randint(0, 12)}"
    if i < len(FIRST_SCAN):
        pages, done = FIRST_SCAN[i]
    else:
        pages = rng.choice([60, 80, 100, 120])
        done = rng.choice([40, 60, 80]) if _trap(i, rng) and pages > 80 else pages
    w.setdefault("h29_folios", {})[folio] = {"folio": folio, "pages": pages, "scannable": done}
    return {"folio": folio}


def _request_scan(s: State, a: dict) -> dict:
    row = s.get("h29_folios", {}).get(str(a["folio"]))
    if row is None:
        raise ToolFail(f"no folio {a['folio']}")
    n = len(s.setdefault("h29_requests", []))
    ticket = f"T-{row['folio']}-{n + 1}"
    s["h29_requests"].append({"folio": row["folio"]})
    s["tables"].setdefault("h29_tickets", {})[ticket] = {
        "ticket": ticket,
        "folio": row["folio"],
        "pages": row["pages"],
        "pages_scanned": row["scannable"],
    }
    return {"ticket": ticket, "status": "accepted"}


def _notice(pages: int, scanned: int) -> str:
    return "complete" if scanned >= pages else "partial"


def _scan_notice(b: State, p: Params) -> str:
    row = b["h29_folios"][p["folio"]]
    return _notice(row["pages"], row["scannable"])


scan = Family(
    name="h29_scan",
    templates=["Have folio {folio} scanned and tell the reader"],
    fields={"folio": Field(r"F\d+")},
    sample=sample_scan,
    plan=[
        Step("h29_request_scan", lambda p, r: {"folio": p["folio"]}),
        Step("h29_ticket", lambda p, r: {"ticket": r["h29_request_scan"]["ticket"]}),
        Step(
            "h29_notify_reader",
            lambda p, r: {
                "folio": p["folio"],
                "notice": _notice(r["h29_ticket"]["pages"], r["h29_ticket"]["pages_scanned"]),
            },
        ),
    ],
    expect=lambda p, b: {
        "h29_requests": [{"folio": p["folio"]}],
        "h29_notices": [{"folio": p["folio"], "notice": _scan_notice(b, p)}],
    },
    answer=lambda p, b: [_scan_notice(b, p)],
    summary=lambda p, r: f"Folio {p['folio']}: scan {r['h29_notify_reader']['notice']}, reader told.",
    repeats=False,
)


# ======================================== 6. trailer: a loop over pens, the total decides
MAXP = 4
LIST = Field(r"[A-Z]\d(?:, [A-Z]\d)*(?: and [A-Z]\d)?")
FIRST_PENS = [[20, 25], [30, 28], [15, 20, 22], [18, 12, 25], [26, 14], [10, 24, 21]]
TRAILER = 60


def sample_trailer(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_PENS):
        heads = FIRST_PENS[i]
    else:
        trap = _trap(i, rng, first=len(FIRST_PENS))
        for _ in range(5000):
            heads = [rng.randint(10, 30) for _ in range(rng.choice([2, 3, 3]))]
            if (sum(heads) > TRAILER) == trap:
                break
    letters = rng.sample("ABCDEFGHJK", len(heads))
    pens = [f"{c}{rng.randint(1, 9)}" for c in letters]
    t = w["tables"].setdefault("h29_pens", {})
    for pen, h in zip(pens, heads, strict=True):
        t[pen] = {"pen": pen, "head": h}
    return {"items": listed(pens)}


def _trailers(total: int) -> int:
    return 1 if total <= TRAILER else 2


def _pen_total(b: State, p: Params) -> int:
    return sum(b["tables"]["h29_pens"][x]["head"] for x in items_of(p["items"]))


trailer = Family(
    name="h29_trailer",
    templates=["Book a trailer for the sheep in pens {items}"],
    fields={"items": LIST},
    sample=sample_trailer,
    plan=[
        *[
            Step(
                "h29_pen",
                lambda p, r, k=k: {"pen": items_of(p["items"])[k]},
                key=f"h29_pen{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(MAXP)
        ],
        Step(
            "h29_book_trailer",
            lambda p, r: {
                "pens": p["items"],
                "trailers": _trailers(sum(r[f"h29_pen{k}"]["head"] for k in range(len(items_of(p["items"]))))),
            },
        ),
    ],
    expect=lambda p, b: {"h29_trailers": [{"pens": p["items"], "trailers": _trailers(_pen_total(b, p))}]},
    answer=lambda p, b: [_trailers(_pen_total(b, p))],
    summary=lambda p, r: f"Booked {r['h29_book_trailer']['trailers']} trailer(s) for pens {p['items']}.",
    repeats=False,
)


# ======================================== 7. cask: the cask filled first (a pick over dates)
def sample_cask(rng: random.Random, w: State, i: int) -> Params:
    cellar = f"CL-{100 + 7 * i + rng.randint(0, 6)}"
    n = rng.randint(3, 4)
    days = sorted(rng.sample(range(0, 300), n))
    casks = [
        {"cask": f"K{rng.randint(100, 999)}", "filled": (dt.date(2026, 1, 5) + dt.timedelta(days=x)).isoformat()}
        for x in days
    ]
    if _trap(i, rng):
        rng.shuffle(casks)
    w["tables"].setdefault("h29_cellars", {})[cellar] = {"cellar": cellar, "casks": casks}
    return {"cellar": cellar}


def _oldest(casks: list[dict]) -> str:
    return str(min(casks, key=lambda c: c["filled"])["cask"])


cask = Family(
    name="h29_cask",
    templates=["Which cask in cellar {cellar} was filled first?"],
    fields={"cellar": Field(r"CL-\d+")},
    sample=sample_cask,
    plan=[Step("h29_cellar", lambda p, r: {"cellar": p["cellar"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [f"{_oldest(b['tables']['h29_cellars'][p['cellar']]['casks'])} was filled first"],
    summary=lambda p, r: f"{_oldest(r['h29_cellar']['casks'])} was filled first.",
    repeats=False,
)


# ======================================== 8. practice: the tower that practises first in the week (weekday names)
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
TOWERS = ["Ashby", "Barwell", "Cosby", "Dunton", "Enderby", "Fleckney", "Glenfield", "Hathern", "Ibstock"]


def sample_practice(rng: random.Random, w: State, i: int) -> Params:
    band = f"BD-{40 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(3, 4)
    nights = sorted(rng.sample(range(5), n))
    towers = rng.sample(TOWERS, n)
    rows = [{"tower": t, "night": DAYS[d]} for t, d in zip(towers, nights, strict=True)]
    if _trap(i, rng):
        rng.shuffle(rows)
    w["tables"].setdefault("h29_bands", {})[band] = {"band": band, "towers": rows}
    return {"band": band}


def _first_night(rows: list[dict]) -> str:
    return str(min(rows, key=lambda x: DAYS.index(x["night"]))["tower"])


practice = Family(
    name="h29_practice",
    templates=["Which tower of band {band} practises first in the week?"],
    fields={"band": Field(r"BD-\d+")},
    sample=sample_practice,
    plan=[Step("h29_band", lambda p, r: {"band": p["band"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [f"{_first_night(b['tables']['h29_bands'][p['band']]['towers'])} practises first"],
    summary=lambda p, r: f"{_first_night(r['h29_band']['towers'])} practises first in the week.",
    repeats=False,
)


# ======================================== 9. transfer: two sailings that swap places between wordings
def sample_transfer(rng: random.Random, w: State, i: int) -> Params:
    a, b = rng.sample(range(100, 999), 2)
    src, dst = f"S{a}", f"S{b}"
    n = rng.randint(2, 9)
    t = w["tables"].setdefault("h29_sailings", {})
    t[dst] = {"sailing": dst, "free_seats": rng.randint(20, 60), "route": "Oban-Craignure"}
    t[src] = {"sailing": src, "free_seats": rng.randint(0, 10), "route": "Oban-Craignure"}
    return {"src": src, "dst": dst, "n": n, "wording": 0 if i < 3 else 1 if i < 5 else rng.randint(0, 1)}


def _transfer(s: State, a: dict) -> dict:
    row = s["tables"].get("h29_sailings", {}).get(str(a["to_sailing"]))
    if row is None:
        raise ToolFail(f"no sailing {a['to_sailing']}")
    s.setdefault("h29_transfers", []).append(
        {"from_sailing": a["from_sailing"], "to_sailing": a["to_sailing"], "passengers": int(a["passengers"])}
    )
    return {"to_sailing": a["to_sailing"], "free_seats_left": row["free_seats"] - int(a["passengers"])}


transfer = Family(
    name="h29_transfer",
    templates=[
        "Move {n} passengers from sailing {src} to sailing {dst}",
        "Move {n} passengers onto sailing {dst} off sailing {src}",
    ],
    fields={"n": fam.INT, "src": Field(r"S\d+"), "dst": Field(r"S\d+")},
    sample=sample_transfer,
    plan=[
        Step("h29_sailing", lambda p, r: {"sailing": p["dst"]}),
        Step("h29_transfer", lambda p, r: {"from_sailing": p["src"], "to_sailing": p["dst"], "passengers": p["n"]}),
    ],
    expect=lambda p, b: {"h29_transfers": [{"from_sailing": p["src"], "to_sailing": p["dst"], "passengers": p["n"]}]},
    answer=lambda p, b: [b["tables"]["h29_sailings"][p["dst"]]["free_seats"] - p["n"]],
    summary=lambda p, r: (
        f"Moved {p['n']} passengers to {p['dst']}; {r['h29_transfer']['free_seats_left']} seats left on it."
    ),
    repeats=False,
)


# ======================================== 10. brine: a quantity with its unit in the goal, the tool takes grams
def sample_brine(rng: random.Random, w: State, i: int) -> Params:
    tank = f"BT-{rng.randint(10, 99)}"
    w["tables"].setdefault("h29_tanks", {})[tank] = {"tank": tank, "litres": rng.choice([200, 400, 600])}
    if i < 4 or not _trap(i, rng):
        return {"tank": tank, "qty": rng.choice(["1.5", "2", "2.5", "3.5", "4"]), "unit": "kg"}
    return {"tank": tank, "qty": rng.choice(["500", "750", "1500", "2500"]), "unit": "g"}


def _grams(p: Params) -> float:
    q = float(p["qty"])
    return q * 1000 if p["unit"] == "kg" else q


brine = Family(
    name="h29_brine",
    templates=["Add {qty} {unit} of salt to brine tank {tank}"],
    fields={"qty": Field(r"\d+(?:\.\d+)?"), "unit": Field(r"kg|g"), "tank": Field(r"BT-\d+")},
    sample=sample_brine,
    plan=[
        Step("h29_tank", lambda p, r: {"tank": p["tank"]}),
        Step("h29_dose_salt", lambda p, r: {"tank": p["tank"], "grams": _grams(p)}),
    ],
    expect=lambda p, b: {"h29_doses": [{"tank": p["tank"], "grams": _grams(p)}]},
    answer=lambda p, b: [_grams(p)],
    summary=lambda p, r: f"Added {r['h29_dose_salt']['grams']:g} g of salt to tank {p['tank']}.",
    repeats=False,
)


# ======================================== 11. peal: a method of several words; its stage word sets the band
STAGE = {"Minor": 6, "Major": 8, "Royal": 10}
PREFIX = ["Plain Bob", "Cambridge Surprise", "Kent Treble Bob", "Yorkshire Surprise", "Double Norwich"]
PEAL_TOWERS = {"Ashby": 8, "Barwell": 10, "Cosby": 8, "Dunton": 10, "Enderby": 8, "Fleckney": 10}


def sample_peal(rng: random.Random, w: State, i: int) -> Params:
    tower = rng.choice(sorted(PEAL_TOWERS))
    bells = PEAL_TOWERS[tower]
    stage = "Major" if bells == 8 else "Royal"
    if _trap(i, rng):
        stage = "Minor" if bells == 8 else "Major"
    w["tables"].setdefault("h29_towers", {})[tower] = {"tower": tower, "bells": bells, "tenor_cwt": 14 + bells}
    return {"method": f"{rng.choice(PREFIX)} {stage}", "tower": tower}


def _band(p: Params) -> int:
    return STAGE[p["method"].split()[-1]]


peal = Family(
    name="h29_peal",
    templates=["Book a peal of {method} at {tower} tower"],
    fields={"method": Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*"), "tower": _one_of(sorted(PEAL_TOWERS))},
    sample=sample_peal,
    plan=[
        Step("h29_tower", lambda p, r: {"tower": p["tower"]}),
        Step("h29_book_peal", lambda p, r: {"tower": p["tower"], "method": p["method"], "ringers": _band(p)}),
    ],
    expect=lambda p, b: {"h29_peals": [{"tower": p["tower"], "method": p["method"], "ringers": _band(p)}]},
    answer=lambda p, b: [_band(p)],
    summary=lambda p, r: f"Peal of {p['method']} booked at {p['tower']} for {r['h29_book_peal']['ringers']} ringers.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h29_cave",
            "A cheese batch's cave and the cave's calendar: the year's public holidays (no turning on those days).",
            {"batch": str},
            _get("h29_batches", "batch", "batch"),
        ),
        Tool(
            "h29_schedule_turning",
            "Schedule a batch's turning on a day (a working day: Monday to Friday, not a public holiday).",
            {"batch": str, "day": str},
            _logger("h29_turnings", "batch", "day"),
        ),
        Tool(
            "h29_kiln",
            "A kiln's last firing date and firing interval (days).",
            {"kiln": str},
            _get("h29_kilns", "kiln", "kiln"),
        ),
        Tool(
            "h29_book_firing",
            "Book a kiln's next firing: the last firing + the interval; a Saturday or Sunday moves to the Monday.",
            {"kiln": str, "day": str},
            _logger("h29_firings", "kiln", "day"),
        ),
        Tool("h29_flock", "A flock's head count and breed.", {"flock": str}, _get("h29_flocks", "flock", "flock")),
        Tool(
            "h29_bales",
            "The bale scale: a flock's wool clip (bales, kg).",
            {"flock": str},
            _get("h29_clips", "flock", "flock"),
        ),
        Tool(
            "h29_grade_clip",
            "Grade a wool clip by kg per head: 'heavy' over 5.0, 'fine' under 2.45, else 'standard'.",
            {"flock": str, "grade": str},
            _logger("h29_grades", "flock", "grade"),
        ),
        Tool(
            "h29_rank",
            "An organ rank's stop and how far off pitch it is (cents).",
            {"rank": str},
            _get("h29_ranks", "rank", "rank"),
        ),
        Tool(
            "h29_tuning_log",
            "Log a rank's tuning action: 'retune' when it is more than 5 cents off pitch, else 'leave'.",
            {"rank": str, "action": str},
            _logger("h29_tunings", "rank", "action"),
        ),
        Tool("h29_request_scan", "Request a folio's scan; returns a ticket.", {"folio": str}, _request_scan),
        Tool(
            "h29_ticket",
            "A scan ticket: the folio's pages and the pages scanned.",
            {"ticket": str},
            lambda s, a: _get("x", "ticket", "ticket")({"x": s["tables"].get("h29_tickets", {})}, a),
        ),
        Tool(
            "h29_notify_reader",
            "Tell the reader about a scan: 'complete' when every page was scanned, else 'partial'.",
            {"folio": str, "notice": str},
            _logger("h29_notices", "folio", "notice"),
        ),
        Tool(
            "h29_pen",
            "The sheep in a pen (head).",
            {"pen": str},
            lambda s, a: _get("x", "pen", "pen")({"x": s["tables"].get("h29_pens", {})}, a),
        ),
        Tool(
            "h29_book_trailer",
            "Book trailers for pens (as listed): one trailer carries 60 head; 2 when the pens hold more.",
            {"pens": str, "trailers": int},
            _logger("h29_trailers", "pens", "trailers"),
        ),
        Tool(
            "h29_cellar",
            "A cheese cellar's casks and the date each was filled.",
            {"cellar": str},
            lambda s, a: _get("x", "cellar", "cellar")({"x": s["tables"].get("h29_cellars", {})}, a),
        ),
        Tool(
            "h29_band",
            "A ringing band's towers and each tower's practice night.",
            {"band": str},
            lambda s, a: _get("x", "band", "band")({"x": s["tables"].get("h29_bands", {})}, a),
        ),
        Tool(
            "h29_sailing",
            "A ferry sailing's free seats and route.",
            {"sailing": str},
            lambda s, a: _get("x", "sailing", "sailing")({"x": s["tables"].get("h29_sailings", {})}, a),
        ),
        Tool(
            "h29_transfer",
            "Move passengers from one sailing to another; returns the free seats left on the sailing moved to.",
            {"from_sailing": str, "to_sailing": str, "passengers": int},
            _transfer,
        ),
        Tool(
            "h29_tank",
            "A brine tank's volume (litres).",
            {"tank": str},
            lambda s, a: _get("x", "tank", "tank")({"x": s["tables"].get("h29_tanks", {})}, a),
        ),
        Tool(
            "h29_dose_salt",
            "Add salt to a brine tank (grams).",
            {"tank": str, "grams": float},
            _logger("h29_doses", "tank", "grams"),
        ),
        Tool(
            "h29_tower",
            "A tower's bells and tenor weight (cwt).",
            {"tower": str},
            lambda s, a: _get("x", "tower", "tower")({"x": s["tables"].get("h29_towers", {})}, a),
        ),
        Tool(
            "h29_book_peal",
            "Book a peal: the ringers are the method's stage (Minor 6, Major 8, Royal 10), not the tower's bells.",
            {"tower": str, "method": str, "ringers": int},
            _logger("h29_peals", "tower", "method", "ringers"),
        ),
    ]
}

FAMILIES = [turning, firing, fleece, organ, scan, trailer, cask, practice, transfer, brine, peal]
