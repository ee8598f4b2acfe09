"""Held-out probe families, red team redAL, second probe (issue 9, rule 1): goal dates written as one word
in formats other than ISO, whose day of the week a tool's rule turns on while the write takes the date (or a
constant) as it is. Not shaped on the fix (`_goal_weekdays.weekdays`): other domains (a farrier, a community
kiln, an island ferry), other formats and other rules (Sundays only; a timetable chosen by the day); and one
family for a text longer than rule 1 reads (an engine-room log: `_seen._unread`).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h27b_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout27b.py --goals 16 --seed 7

- h27b_farrier  a farrier's visit on a date DD.MM.YYYY; Saturday and Sunday visits move to the Monday
- h27b_kiln     the community kiln on a date YYYY/MM/DD; closed on Sundays (the Monday), Saturdays open
- h27b_ferry    an island ferry ticket on a date MM/DD/YYYY; Saturday and Sunday sail the weekend timetable
- h27b_bilge    an engine-room watch log longer than rule 1 reads, whose last line (the bilge) decides the sign-off
                (the second probe of `_seen._unread`)

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
    "h27b_farrier_rules": READ,
    "h27b_book_farrier": WRITE,
    "h27b_kiln_rules": READ,
    "h27b_reserve_kiln": WRITE,
    "h27b_ferry_rules": READ,
    "h27b_ferry_ticket": WRITE,
    "h27b_engine_log": READ,
    "h27b_sign_watch": WRITE,
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

    if getattr(Server.add_tool, "_h27b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h27b_annotated = True  # type: ignore[attr-defined]
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


def _date_on(rng: random.Random, days: set[int], avoid: set[int]) -> dt.date:
    while True:
        d = TODAY + dt.timedelta(days=rng.randint(3, 60))
        if d.weekday() in days and d.weekday() not in avoid:
            return d


def _monday_after(d: dt.date, closed: set[int]) -> dt.date:
    while d.weekday() in closed:
        d += dt.timedelta(days=1)
    return d


# ======================================== 1. farrier: DD.MM.YYYY, weekends move to the Monday
HORSES = ["Bramble", "Juniper", "Skye"]
EU = "%d.%m.%Y"


def sample_farrier(rng: random.Random, w: State, i: int) -> Params:
    weekend = _trap(i, rng, 0.4)
    d = _date_on(rng, {5, 6} if weekend else {0, 1, 2, 3, 4}, set())
    return {"horse": rng.choice(HORSES), "date": d.strftime(EU)}


def _farrier_day(date: str) -> str:
    return _monday_after(dt.datetime.strptime(date, EU).date(), {5, 6}).strftime(EU)


farrier = Family(
    name="h27b_farrier",
    templates=["Book the farrier for {horse} on {date}"],
    fields={"horse": _one_of(HORSES), "date": Field(r"\d{2}\.\d{2}\.\d{4}")},
    sample=sample_farrier,
    plan=[
        Step("h27b_farrier_rules", lambda p, r: {"horse": p["horse"]}),
        Step("h27b_book_farrier", lambda p, r: {"horse": p["horse"], "date": _farrier_day(p["date"])}),
    ],
    expect=lambda p, b: _log("h27b_farrier", horse=p["horse"], date=_farrier_day(p["date"])),
    answer=lambda p, b: [_farrier_day(p["date"])],
    summary=lambda p, r: f"Farrier booked for {p['horse']} on {r['h27b_book_farrier']['date']}.",
)


# ======================================== 2. community kiln: YYYY/MM/DD, closed on Sundays
POTTERS = ["Odile", "Fintan", "Rukmini"]
YMD = "%Y/%m/%d"


def sample_kiln(rng: random.Random, w: State, i: int) -> Params:
    sunday = _trap(i, rng, 0.35)
    d = _date_on(rng, {6} if sunday else {0, 1, 2, 3, 4, 5}, set())
    return {"potter": rng.choice(POTTERS), "date": d.strftime(YMD)}


def _kiln_day(date: str) -> str:
    return _monday_after(dt.datetime.strptime(date, YMD).date(), {6}).strftime(YMD)


kiln = Family(
    name="h27b_kiln",
    templates=["Reserve the community kiln for {potter} on {date}"],
    fields={"potter": _one_of(POTTERS), "date": Field(r"\d{4}/\d{2}/\d{2}")},
    sample=sample_kiln,
    plan=[
        Step("h27b_kiln_rules", lambda p, r: {"potter": p["potter"]}),
        Step("h27b_reserve_kiln", lambda p, r: {"potter": p["potter"], "date": _kiln_day(p["date"])}),
    ],
    expect=lambda p, b: _log("h27b_kiln", potter=p["potter"], date=_kiln_day(p["date"])),
    answer=lambda p, b: [_kiln_day(p["date"])],
    summary=lambda p, r: f"Kiln reserved for {p['potter']} on {r['h27b_reserve_kiln']['date']}.",
)


# ======================================== 3. island ferry: MM/DD/YYYY, the weekend timetable
PASSENGERS = ["Mr Quayle", "Ms Ruddock", "Dr Achterberg"]
US = "%m/%d/%Y"


def sample_ferry(rng: random.Random, w: State, i: int) -> Params:
    weekend = _trap(i, rng, 0.4)
    d = _date_on(rng, {5, 6} if weekend else {0, 1, 2, 3, 4}, set())
    return {"who": rng.choice(PASSENGERS), "date": d.strftime(US)}


def _timetable(date: str) -> str:
    return "weekend" if dt.datetime.strptime(date, US).date().weekday() >= 5 else "weekday"


ferry = Family(
    name="h27b_ferry",
    templates=["Buy an island ferry ticket for {who} on {date}"],
    fields={"who": _one_of(PASSENGERS), "date": Field(r"\d{2}/\d{2}/\d{4}")},
    sample=sample_ferry,
    plan=[
        Step("h27b_ferry_rules", lambda p, r: {"passenger": p["who"]}),
        Step(
            "h27b_ferry_ticket",
            lambda p, r: {"passenger": p["who"], "date": p["date"], "timetable": _timetable(p["date"])},
        ),
    ],
    expect=lambda p, b: _log("h27b_tickets", passenger=p["who"], date=p["date"], timetable=_timetable(p["date"])),
    answer=lambda p, b: [_timetable(p["date"])],
    summary=lambda p, r: f"Ferry ticket for {p['who']} on {p['date']}, {_timetable(p['date'])} timetable.",
)


# ======================================== 4. engine room: a long watch log whose last line decides
VESSELS = ["Morning Auk", "Stella Polaris", "Halcyon"]
ROUNDS = [
    "main engine running smoothly, lubricating oil pressure normal, cooling water normal, no leaks seen",
    "generators sharing the load evenly, switchboard readings normal, steering gear checked and greased",
    "fuel purifier running, day tank topped up from the settling tank, sea chest strainers clear",
]


def sample_bilge(rng: random.Random, w: State, i: int) -> Params:
    vessel = rng.choice(VESSELS)
    wet = _trap(i, rng, 0.5, first=8)
    lines = [f"Engine-room watch log of the {vessel}, middle watch."]
    lines += [f"Round: {rng.choice(ROUNDS)}." for _ in range(12)]
    lines.append("End of watch: bilge alarm sounded twice, bilge pumped." if wet else "End of watch: bilges dry.")
    w.setdefault("h27b_engine", {})[vessel] = {"text": "\n".join(lines), "wet": wet}
    return {"vessel": vessel}


def _signoff(text: str) -> str:
    return "clean" if text.splitlines()[-1].endswith("bilges dry.") else "inspect bilge"


def _engine_log(s: State, a: dict) -> str:
    row = s.get("h27b_engine", {}).get(str(a["vessel"]))
    if row is None:
        raise ToolFail(f"no log of {a['vessel']}")
    return str(row["text"])


bilge = Family(
    name="h27b_bilge",
    templates=["Sign off the engine-room watch on the {vessel}"],
    fields={"vessel": _one_of(VESSELS)},
    sample=sample_bilge,
    plan=[
        Step("h27b_engine_log", lambda p, r: {"vessel": p["vessel"]}),
        Step("h27b_sign_watch", lambda p, r: {"vessel": p["vessel"], "status": _signoff(r["h27b_engine_log"])}),
    ],
    expect=lambda p, b: _log(
        "h27b_signed", vessel=p["vessel"], status="inspect bilge" if b["h27b_engine"][p["vessel"]]["wet"] else "clean"
    ),
    answer=lambda p, b: ["inspect bilge" if b["h27b_engine"][p["vessel"]]["wet"] else "clean"],
    summary=lambda p, r: f"Watch on the {p['vessel']} signed off: {_signoff(r['h27b_engine_log'])}.",
    repeats=False,
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h27b_farrier_rules",
            "The farrier's visiting rules for a horse's yard (plain text).",
            {"horse": str},
            lambda s, a: (
                f"The farrier visits {a['horse']}'s yard Monday to Friday; a Saturday or Sunday request is "
                "booked for the following Monday. Dates are DD.MM.YYYY."
            ),
        ),
        Tool(
            "h27b_book_farrier",
            "Book the farrier for a horse on a date (DD.MM.YYYY).",
            {"horse": str, "date": str},
            _logger("h27b_farrier", "horse", "date"),
        ),
        Tool(
            "h27b_kiln_rules",
            "The community kiln's opening rules for a member (plain text).",
            {"potter": str},
            lambda s, a: (
                f"Member {a['potter']}: the kiln fires Monday to Saturday and is closed on Sundays; a Sunday "
                "reservation is moved to the Monday."
            ),
        ),
        Tool(
            "h27b_reserve_kiln",
            "Reserve the community kiln for a member on a date (YYYY/MM/DD).",
            {"potter": str, "date": str},
            _logger("h27b_kiln", "potter", "date"),
        ),
        Tool(
            "h27b_ferry_rules",
            "The island ferry's fare rules for a passenger (plain text).",
            {"passenger": str},
            lambda s, a: (
                f"Passenger {a['passenger']}: Monday to Friday sailings use the weekday timetable, Saturday and "
                "Sunday sailings the weekend timetable."
            ),
        ),
        Tool(
            "h27b_ferry_ticket",
            "Buy a ferry ticket for a passenger on a date (MM/DD/YYYY) on a timetable ('weekday' or 'weekend').",
            {"passenger": str, "date": str, "timetable": str},
            _logger("h27b_tickets", "passenger", "date", "timetable"),
        ),
        Tool("h27b_engine_log", "A vessel's last engine-room watch log (plain text).", {"vessel": str}, _engine_log),
        Tool(
            "h27b_sign_watch",
            "Sign off an engine-room watch: status 'clean' when the log ends with dry bilges, else 'inspect bilge'.",
            {"vessel": str, "status": str},
            _logger("h27b_signed", "vessel", "status"),
        ),
    ]
}

FAMILIES = [farrier, kiln, ferry, bilge]
