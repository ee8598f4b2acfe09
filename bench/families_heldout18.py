"""Held-out probe families, round AE (issue 9): per-item decisions over lists, counts with items, possessives and
several-word values in goals, optional parameters, stale answers after the world changed.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h18_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout18.py --goals 16 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used:

- h18_aligner     orthodontic aligners (plain-text chart, a possessive in the goal): dispense the next tray only
                  when the current one was worn 14 days or more and its fit is "seated" (not "partially seated",
                  not "not seated"); dispensing starts the new tray today (a repeat dispenses nothing)
- h18_trays_left  how many trays and weeks (2 per tray) a patient has left: dispensing changes it
- h18_lifts       elevator inspections: a building's elevators (1-6, ids of varying length), book an inspection
                  for each one last inspected more than 365 days ago and not booked yet; the answer counts and
                  lists them, or says in words that none is due
- h18_lifts_due   how many elevators of a building are due (a question): bookings change it
- h18_xmatch      blood bank: issue a red-cell unit (ids of 4-9 characters) to a patient only when ABO and RhD
                  compatible, not expired and "available"; issuing takes it out of stock (destructive)
- h18_units       how many units in stock a patient could receive and the earliest expiry among them
- h18_interp      court interpreters (plain text, several-word languages and courts): book the first interpreter
                  listed as exactly "certified" (not "certified (suspended)") and not booked that day; optional
                  hours (3 when not said), billed with a 2-hour minimum
- h18_ill         interlibrary loans (a possessive in the goal): renew each loan due in 0-7 days with renewals
                  left (not overdue ones, not later ones); renewing moves the due date 21 days on
- h18_ill_fees    interlibrary late fees: 30 cents per day overdue, at most 6.00 per item; the total and count
- h18_wind        ski lift wind holds: the gust in km/h, m/s or knots against the lift's limit in km/h; a hold
                  (idempotent) at or above the limit; the gust in km/h in the answer

Workloads up to `--goals 16`. Every oracle applies a hidden rule; the first four goals of a family never cross
it, later goals sometimes do. Several wordings per family; exact repeats after the world changed in aligner,
trays_left, lifts, lifts_due, xmatch, units, interp and ill.
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
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h18_aligner_chart": READ,
    "h18_dispense_tray": WRITE,
    "h18_elevators": READ,
    "h18_book_inspection": WRITE,
    "h18_patient_group": READ,
    "h18_blood_unit": READ,
    "h18_blood_stock": READ,
    "h18_issue_unit": DESTRUCTIVE,
    "h18_interpreters": READ,
    "h18_book_interpreter": WRITE,
    "h18_ill_loans": READ,
    "h18_renew_loan": WRITE,
    "h18_ill_policy": READ,
    "h18_anemometer": READ,
    "h18_lift_limits": READ,
    "h18_set_hold": IDEMPOTENT,
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

    if getattr(Server.add_tool, "_h18_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h18_annotated = True  # type: ignore[attr-defined]
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


def _fresh(rng: random.Random, w: State, what: str, pool: list[str]) -> str:
    taken = _PICKED.setdefault((id(w), what), set())
    x = _until(rng, lambda r: r.choice(pool), lambda v: v not in taken)
    taken.add(x)
    return x


def _size(rng: random.Random, i: int, hi: int = 6) -> int:
    return 2 if i < 2 else 3 if i < 4 else rng.randint(1, hi)


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


def fmt_date(d: dt.date, style: int) -> str:
    """0: 2026-12-03; 1: 3 December 2026."""
    return d.isoformat() if style == 0 else f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def parse_date(text: str) -> dt.date:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    day, month, year = text.split()
    return dt.date(int(year), MONTHS.index(month) + 1, int(day))


DATE = Field(r"\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}")


def _days_ago(iso: str) -> int:
    return (BASE - dt.date.fromisoformat(iso)).days


def _money(x: float) -> float:
    return round_half_up(x, 2)


# ======================================== 1. aligners: next tray only after 14+ days and a "seated" fit
APATIENTS = [
    "Bruno",
    "Mary Ann",
    "Jean-Luc",
    "Siobhán",
    "Tomasz",
    "Aiyana",
    "Olu",
    "Keiko",
    "Rafael",
    "Inès",
    "Dmitri",
    "Lena",
    "Marco",
    "Priya",
    "Zoe",
    "Hamish",
    "Yusuf",
    "Carmen",
    "Niamh",
    "Theo",
]
FITS_BAD = ["partially seated", "not seated, refit booked"]


def sample_aligner(rng: random.Random, w: State, i: int) -> Params:
    patient = _fresh(rng, w, "apatients", APATIENTS)
    total = rng.randint(14, 40)
    kind = rng.choice(["early", "fit"]) if _trap(i, rng) else "ok"
    days = rng.randint(8, 13) if kind == "early" else rng.randint(14, 30)
    w.setdefault("h18_charts", {})[patient] = {
        "patient": patient,
        "tray": rng.randint(1, total - 2),
        "of": total,
        "started": (BASE - dt.timedelta(days=days)).isoformat(),
        "fit": rng.choice(FITS_BAD) if kind == "fit" else "seated",
        "style": rng.randint(0, 1),
    }
    return {"patient": patient, "wording": _wording(rng, i, 3)}


def _chart_text(s: State, a: dict) -> str:
    row = s.get("h18_charts", {}).get(str(a["patient"]))
    if row is None:
        raise ToolFail(f"no aligner patient {a['patient']}")
    started = fmt_date(dt.date.fromisoformat(row["started"]), row["style"])
    return (
        f"{row['patient']}'s aligner chart (printed {TODAY}): wearing tray {row['tray']} of {row['of']} since "
        f"{started}; fit at last check: {row['fit']}."
    )


def _chart_r(text: str) -> dict:
    m = re.search(r"tray (\d+) of (\d+) since (.+?); fit at last check: (.+)\.$", text)
    if m is None:
        raise ValueError("chart")
    return {
        "tray": int(m.group(1)),
        "of": int(m.group(2)),
        "days": (BASE - parse_date(m.group(3))).days,
        "fit": m.group(4),
    }


def _aligner_ok(c: dict) -> bool:
    return c["days"] >= 14 and c["fit"] == "seated" and c["tray"] < c["of"]


def _chart_b(b: State, patient: str) -> dict:
    row = b["h18_charts"][patient]
    return {"tray": row["tray"], "of": row["of"], "days": _days_ago(row["started"]), "fit": row["fit"]}


def _dispense(s: State, a: dict) -> dict:
    row = s.get("h18_charts", {}).get(str(a["patient"]))
    if row is None:
        raise ToolFail(f"no aligner patient {a['patient']}")
    row.update({"tray": int(a["tray"]), "started": TODAY, "fit": "seated"})
    s.setdefault("h18_dispensed", []).append({"patient": a["patient"], "tray": int(a["tray"])})
    return {"patient": a["patient"], "tray": int(a["tray"]), "status": "dispensed", "wear_from": TODAY}


def _aligner_expect(p: Params, b: State) -> dict:
    c = _chart_b(b, p["patient"])
    if not _aligner_ok(c):
        return {}
    row = b["h18_charts"][p["patient"]]
    return {
        "h18_charts": {p["patient"]: {**row, "tray": c["tray"] + 1, "started": TODAY, "fit": "seated"}},
        "h18_dispensed": [{"patient": p["patient"], "tray": c["tray"] + 1}],
    }


def _aligner_answer(p: Params, b: State) -> list:
    c = _chart_b(b, p["patient"])
    if _aligner_ok(c):
        return ["dispensed", c["tray"] + 1]
    if c["fit"] != "seated":
        return ["not dispensed", c["fit"]]
    return ["not dispensed", c["days"]]


def _aligner_summary(p: Params, r: dict) -> str:
    c = _chart_r(r["h18_aligner_chart"])
    if "h18_dispense_tray" in r:
        return (
            f"Tray {c['tray'] + 1} of {c['of']} dispensed for {p['patient']} (tray {c['tray']} worn {c['days']} days)."
        )
    if c["fit"] != "seated":
        return f"Next tray not dispensed for {p['patient']}: the fit is {c['fit']}."
    return f"Next tray not dispensed for {p['patient']}: tray {c['tray']} worn only {c['days']} days (14 needed)."


aligner = Family(
    name="h18_aligner",
    templates=[
        "Dispense {patient}'s next aligner tray",
        "{patient} is here for aligners: hand out the next tray if it's time",
        "Move {patient} on to the next aligner tray",
    ],
    fields={"patient": _one_of(APATIENTS)},
    sample=sample_aligner,
    plan=[
        Step("h18_aligner_chart", lambda p, r: {"patient": p["patient"]}),
        Step(
            "h18_dispense_tray",
            lambda p, r: {"patient": p["patient"], "tray": _chart_r(r["h18_aligner_chart"])["tray"] + 1},
            when=lambda p, r: _aligner_ok(_chart_r(r["h18_aligner_chart"])),
        ),
    ],
    expect=_aligner_expect,
    answer=_aligner_answer,
    summary=_aligner_summary,
)


# ======================================== 2. trays left (a question): total - current, 2 weeks per tray
def sample_trays_left(rng: random.Random, w: State, i: int) -> Params:
    charts = sorted(w.get("h18_charts", {}))
    return {"patient": rng.choice(charts), "wording": _wording(rng, i, 2)}


def _left_b(b: State, patient: str) -> int:
    row = b["h18_charts"][patient]
    return int(row["of"] - row["tray"])


trays_left = Family(
    name="h18_trays_left",
    templates=[
        "How many aligner trays does {patient} have left?",
        "{patient}'s aligners: how many trays and weeks of treatment remain?",
    ],
    fields={"patient": _one_of(APATIENTS)},
    sample=sample_trays_left,
    plan=[Step("h18_aligner_chart", lambda p, r: {"patient": p["patient"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_left_b(b, p["patient"])] + ([2 * _left_b(b, p["patient"])] if p.get("wording") == 1 else []),
    summary=lambda p, r: (
        f"{p['patient']} is on tray {_chart_r(r['h18_aligner_chart'])['tray']} of "
        f"{_chart_r(r['h18_aligner_chart'])['of']}: "
        f"{_chart_r(r['h18_aligner_chart'])['of'] - _chart_r(r['h18_aligner_chart'])['tray']} trays left, about "
        f"{2 * (_chart_r(r['h18_aligner_chart'])['of'] - _chart_r(r['h18_aligner_chart'])['tray'])} weeks."
    ),
)


# ======================================== 3. elevator inspections: every elevator inspected > 365 days ago, not booked
BUILDINGS = [
    "Harbour Point",
    "St Mungo's House",
    "New York Life Annex",
    "Calloway Tower",
    "The Foundry",
    "Orchard Court",
    "Bruno's Warehouse",
    "Kings Cross Plaza",
    "Ashdown Library",
    "Meridian House",
    "Quayside Lofts",
    "Old Mill Studios",
    "Northgate Clinic",
    "Pavilion Arcade",
    "Linden Hall",
    "Riverside Car Park",
    "Wexford Chambers",
    "Tidewater Hotel",
    "Beacon Works",
    "Saint-Clair Residences",
]
BOOKED_FOR = (BASE + dt.timedelta(days=14)).isoformat()


def _lift_id(rng: random.Random) -> str:
    k = rng.randrange(5)
    if k == 0:
        return f"P{rng.randint(1, 9)}"
    if k == 1:
        return f"FRT-{rng.randint(10, 99)}"
    if k == 2:
        return f"SVC-{rng.randint(100, 999)}A"
    if k == 3:
        return f"L{rng.randint(1, 30):02d}"
    return f"CAR{rng.randint(1, 9)}"


def sample_lifts(rng: random.Random, w: State, i: int) -> Params:
    building = _fresh(rng, w, "buildings", BUILDINGS)
    n = _size(rng, i)
    ids: list[str] = []
    while len(ids) < n:
        x = _lift_id(rng)
        if x not in ids:
            ids.append(x)
    due = [True] * n if not _trap(i, rng) else [rng.random() < 0.4 for _ in ids]
    if i >= 4 and not all(due) and rng.random() < 0.3:
        due = [False] * n
    rows = []
    for x, d in zip(ids, due, strict=True):
        days = rng.randint(366, 540) if d else rng.choice([rng.randint(40, 350), rng.randint(355, 365)])
        rows.append(
            {"id": x, "last_inspected": (BASE - dt.timedelta(days=days)).isoformat(), "inspection_booked": None}
        )
    w.setdefault("h18_buildings", {})[building] = {"building": building, "elevators": rows}
    return {"building": building, "wording": _wording(rng, i, 3)}


def _is_due(e: dict) -> bool:
    return e.get("inspection_booked") is None and _days_ago(e["last_inspected"]) > 365


def _elevators(s: State, a: dict) -> dict:
    row = s.get("h18_buildings", {}).get(str(a["building"]))
    if row is None:
        raise ToolFail(f"no building {a['building']}")
    return {"building": row["building"], "today": TODAY, "elevators": row["elevators"]}


def _book_inspection(s: State, a: dict) -> dict:
    row = s.get("h18_buildings", {}).get(str(a["building"]))
    if row is None:
        raise ToolFail(f"no building {a['building']}")
    e = next((e for e in row["elevators"] if e["id"] == str(a["elevator"])), None)
    if e is None:
        raise ToolFail(f"no elevator {a['elevator']} at {a['building']}")
    e["inspection_booked"] = BOOKED_FOR
    s.setdefault("h18_inspections", []).append({"building": a["building"], "elevator": str(a["elevator"])})
    return {"building": a["building"], "elevator": e["id"], "inspection": BOOKED_FOR, "status": "booked"}


def _due_b(b: State, building: str) -> list[str]:
    return [e["id"] for e in b["h18_buildings"][building]["elevators"] if _is_due(e)]


def _lifts_expect(p: Params, b: State) -> dict:
    due = _due_b(b, p["building"])
    if not due:
        return {}
    row = b["h18_buildings"][p["building"]]
    rows = [{**e, "inspection_booked": BOOKED_FOR} if e["id"] in due else e for e in row["elevators"]]
    return {
        "h18_buildings": {p["building"]: {**row, "elevators": rows}},
        "h18_inspections": [{"building": p["building"], "elevator": x} for x in due],
    }


def _lifts_answer(p: Params, b: State) -> list:
    due = _due_b(b, p["building"])
    return [len(due), *due] if due else [0, "no elevator"]


def _lifts_summary(p: Params, r: dict) -> str:
    rows = r["h18_elevators"]["elevators"]
    due = [e["id"] for e in rows if _is_due(e)]
    if not due:
        return f"No elevator at {p['building']} is due for inspection: 0 booked ({len(rows)} checked)."
    return (
        f"Booked {len(due)} inspections at {p['building']} for {BOOKED_FOR}: {', '.join(due)} "
        f"({len(rows)} elevators checked)."
    )


MAXL = 6
lifts = Family(
    name="h18_lifts",
    templates=[
        "Book inspections for the elevators at {building} that are due",
        "{building}: schedule any overdue elevator inspections",
        "Check which lifts at {building} need their annual inspection and book them",
    ],
    fields={"building": _one_of(BUILDINGS)},
    sample=sample_lifts,
    plan=[
        Step("h18_elevators", lambda p, r: {"building": p["building"]}),
        *[
            Step(
                "h18_book_inspection",
                lambda p, r, k=k: {"building": p["building"], "elevator": r["h18_elevators"]["elevators"][k]["id"]},
                key=f"h18_book_inspection{k}",
                when=lambda p, r, k=k: (
                    len(r["h18_elevators"]["elevators"]) > k and _is_due(r["h18_elevators"]["elevators"][k])
                ),
            )
            for k in range(MAXL)
        ],
    ],
    expect=_lifts_expect,
    answer=_lifts_answer,
    summary=_lifts_summary,
)


# ======================================== 4. elevators due (a question)
def sample_lifts_due(rng: random.Random, w: State, i: int) -> Params:
    return {"building": rng.choice(sorted(w.get("h18_buildings", {}))), "wording": _wording(rng, i, 2)}


def _lifts_due_summary(p: Params, r: dict) -> str:
    due = [e["id"] for e in r["h18_elevators"]["elevators"] if _is_due(e)]
    if not due:
        return f"0 elevators at {p['building']} are due for inspection."
    return f"{len(due)} elevators at {p['building']} are due for inspection: {', '.join(due)}."


lifts_due = Family(
    name="h18_lifts_due",
    templates=[
        "How many elevators at {building} are due for inspection?",
        "Are any lifts at {building} overdue for their inspection?",
    ],
    fields={"building": _one_of(BUILDINGS)},
    sample=sample_lifts_due,
    plan=[Step("h18_elevators", lambda p, r: {"building": p["building"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [len(_due_b(b, p["building"])), *_due_b(b, p["building"])],
    summary=_lifts_due_summary,
)


# ======================================== 5. blood bank: issue a unit only when compatible, unexpired, available
BPATIENTS = [
    "Bruno Alvarez",
    "Anne-Marie Okafor",
    "Siobhán Kelly",
    "Li Wei",
    "Fatima Zahra Benali",
    "Jonas Berg",
    "Rosa Delgado",
    "Kofi Asante",
    "Hanna Virtanen",
    "Mateo Rossi",
    "Aroha Ngata",
    "Pieter de Vries",
    "Yara Haddad",
    "Callum Fraser",
    "Ewa Kowalska",
    "Tariq Hussain",
]
GROUPS = ["O", "A", "B", "AB"]
ABO_OK = {"O": {"O"}, "A": {"A", "O"}, "B": {"B", "O"}, "AB": {"AB", "A", "B", "O"}}


def _compatible(rg: str, rrh: str, dg: str, drh: str) -> bool:
    return dg in ABO_OK[rg] and (drh == "negative" or rrh == "positive")


def _unit_id(rng: random.Random, taken: set) -> str:
    return _until(
        rng,
        lambda r: r.choice("WGX") + "".join(str(r.randint(0, 9)) for _ in range(r.randint(3, 8))),
        lambda v: v not in taken,
    )


def _new_unit(rng: random.Random, w: State, taken: set, group: str, rh: str, days: int, status: str) -> str:
    u = _unit_id(rng, taken)
    taken.add(u)
    w.setdefault("h18_units", {})[u] = {
        "unit": u,
        "component": "red cells",
        "group": group,
        "rhd": rh,
        "expires": (BASE + dt.timedelta(days=days)).isoformat(),
        "status": status,
    }
    return u


def _seed_stock(rng: random.Random, w: State) -> set:
    taken = _PICKED.setdefault((id(w), "units"), set())
    if not taken:
        for _ in range(10):
            _new_unit(
                rng,
                w,
                taken,
                rng.choice(GROUPS),
                rng.choice(["positive", "positive", "negative"]),
                rng.choice([rng.randint(-6, -1), rng.randint(2, 35)]),
                rng.choice(["available", "available", "available", "quarantined"]),
            )
    return taken


def sample_xmatch(rng: random.Random, w: State, i: int) -> Params:
    taken = _seed_stock(rng, w)
    patient = _fresh(rng, w, "bpatients", BPATIENTS)
    rg, rrh = rng.choice(GROUPS), rng.choice(["positive", "negative"])
    w.setdefault("h18_bpatients", {})[patient] = {
        "patient": patient,
        "mrn": str(rng.randint(10**5, 10**7)),
        "group": rg,
        "rhd": rrh,
    }
    kind = rng.choice(["abo", "rh", "expired", "quarantined"]) if _trap(i, rng) else "ok"
    if kind == "abo":
        dg = rng.choice([g for g in GROUPS if g not in ABO_OK[rg]] or ["A"])
        if rg == "AB":  # AB takes every group: make it an Rh case instead
            kind, dg = "rh", rg
    else:
        dg = rg if i < 2 else rng.choice(sorted(ABO_OK[rg]))
    if kind == "rh" and rrh == "positive":
        w["h18_bpatients"][patient]["rhd"] = rrh = "negative"
    drh = "positive" if kind == "rh" else ("negative" if rrh == "negative" else rng.choice(["positive", "negative"]))
    days = rng.randint(-9, -1) if kind == "expired" else rng.randint(2, 35)
    unit = _new_unit(rng, w, taken, dg, drh, days, "quarantined" if kind == "quarantined" else "available")
    return {"patient": patient, "unit": unit, "wording": _wording(rng, i, 3)}


def _patient_text(s: State, a: dict) -> str:
    row = s.get("h18_bpatients", {}).get(str(a["patient"]))
    if row is None:
        raise ToolFail(f"no patient {a['patient']}")
    return (
        f"{row['patient']} (MRN {row['mrn']}): blood group {row['group']}, RhD {row['rhd']}; antibody screen "
        f"negative; sample taken {TODAY}."
    )


def _group_r(text: str) -> tuple[str, str]:
    m = re.search(r"blood group (AB|A|B|O), RhD (positive|negative)", text)
    if m is None:
        raise ValueError("group")
    return m.group(1), m.group(2)


def _unit_get(s: State, a: dict) -> dict:
    row = s.get("h18_units", {}).get(str(a["unit"]))
    if row is None:
        raise ToolFail(f"no unit {a['unit']}")
    return row


def _why_not(rg: str, rrh: str, u: dict) -> str:
    if not _compatible(rg, rrh, u["group"], u["rhd"]):
        return "incompatible"
    if u["expires"] < TODAY:
        return "expired"
    if u["status"] != "available":
        return "not available"
    return ""


def _issue(s: State, a: dict) -> dict:
    row = _unit_get(s, a)
    if str(a["patient"]) not in s.get("h18_bpatients", {}):
        raise ToolFail(f"no patient {a['patient']}")
    row["status"] = "issued"
    s.setdefault("h18_issued", []).append({"unit": row["unit"], "patient": str(a["patient"])})
    return {"unit": row["unit"], "patient": a["patient"], "status": "issued"}


def _xmatch_why_b(p: Params, b: State) -> str:
    pt = b["h18_bpatients"][p["patient"]]
    return _why_not(pt["group"], pt["rhd"], b["h18_units"][p["unit"]])


def _xmatch_summary(p: Params, r: dict) -> str:
    if "h18_issue_unit" in r:
        return f"Unit {p['unit']} cross-matched and issued to {p['patient']}."
    why = _why_not(*_group_r(r["h18_patient_group"]), r["h18_blood_unit"])
    return f"Unit {p['unit']} not issued to {p['patient']}: {why}."


xmatch = Family(
    name="h18_xmatch",
    templates=[
        "Cross-match unit {unit} for {patient} and issue it",
        "Issue blood unit {unit} to {patient}",
        "{patient} needs unit {unit}: check it and send it up",
    ],
    fields={"unit": Field(r"[GWX]\d{3,8}"), "patient": _one_of(BPATIENTS)},
    sample=sample_xmatch,
    plan=[
        Step("h18_patient_group", lambda p, r: {"patient": p["patient"]}, group="x"),
        Step("h18_blood_unit", lambda p, r: {"unit": p["unit"]}, group="x"),
        Step(
            "h18_issue_unit",
            lambda p, r: {"unit": p["unit"], "patient": p["patient"]},
            when=lambda p, r: _why_not(*_group_r(r["h18_patient_group"]), r["h18_blood_unit"]) == "",
        ),
    ],
    expect=lambda p, b: (
        {
            "h18_units": {p["unit"]: {**b["h18_units"][p["unit"]], "status": "issued"}},
            "h18_issued": [{"unit": p["unit"], "patient": p["patient"]}],
        }
        if _xmatch_why_b(p, b) == ""
        else {}
    ),
    answer=lambda p, b: ["issued", p["unit"]] if _xmatch_why_b(p, b) == "" else ["not issued", _xmatch_why_b(p, b)],
    summary=_xmatch_summary,
)


# ======================================== 6. units a patient could receive (a question): count and earliest expiry
def sample_units(rng: random.Random, w: State, i: int) -> Params:
    return {"patient": rng.choice(sorted(w.get("h18_bpatients", {}))), "wording": _wording(rng, i, 2)}


def _usable(rg: str, rrh: str, units: list[dict]) -> list[dict]:
    return sorted((u for u in units if _why_not(rg, rrh, u) == ""), key=lambda u: u["expires"])


def _units_answer(p: Params, b: State) -> list:
    pt = b["h18_bpatients"][p["patient"]]
    ok = _usable(pt["group"], pt["rhd"], list(b.get("h18_units", {}).values()))
    return [len(ok), ok[0]["expires"]] if ok else [0, "none"]


def _units_summary(p: Params, r: dict) -> str:
    ok = _usable(*_group_r(r["h18_patient_group"]), r["h18_blood_stock"]["units"])
    if not ok:
        return f"{p['patient']} could receive none of the units in stock (0)."
    return f"{p['patient']} could receive {len(ok)} units in stock; the earliest expires {ok[0]['expires']}."


units = Family(
    name="h18_units",
    templates=[
        "How many red-cell units in stock could {patient} receive?",
        "Which blood units could we give {patient}? Give me the count and the first expiry",
    ],
    fields={"patient": _one_of(BPATIENTS)},
    sample=sample_units,
    plan=[
        Step("h18_patient_group", lambda p, r: {"patient": p["patient"]}, group="u"),
        Step("h18_blood_stock", lambda p, r: {}, group="u"),
    ],
    expect=lambda p, b: {},
    answer=_units_answer,
    summary=_units_summary,
)


# ======================================== 7. court interpreters: the first exactly "certified" one free that day
LANGS = {
    "Portuguese": 68,
    "Haitian Creole": 74,
    "Mandarin": 82,
    "Polish": 64,
    "Tigrinya": 95,
    "Cape Verdean Creole": 88,
}
COURTS = [
    "New York County Supreme Court",
    "Kings County Family Court",
    "Bronx Housing Court",
    "Queens Criminal Court",
    "Richmond County Court",
]
FIRST = ["Ana", "Bruno", "Carla", "Dara", "Elio", "Fang", "Greta", "Hugo", "Ilse", "Jun", "Kasia", "Luis", "Mei"]
LAST = ["Souza", "Joseph", "Chen", "Nowak", "Tesfaye", "Lopes", "Baptiste", "Wang", "Kowal", "Gebre", "Reis"]
NEAR_STATUS = ["provisional", "certification lapsed", "certified (suspended)"]


def _seed_interpreters(rng: random.Random, w: State, lang: str) -> list[dict]:
    rows = w.setdefault("h18_interpreters", {})
    if lang not in rows:
        names: list[str] = []
        while len(names) < 5:
            n = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if n not in names:
                names.append(n)
        statuses = ["certified", rng.choice(NEAR_STATUS), "certified", rng.choice(NEAR_STATUS), "certified"]
        rows[lang] = [{"name": n, "status": st, "booked": []} for n, st in zip(names, statuses, strict=True)]
    return rows[lang]


def sample_interp(rng: random.Random, w: State, i: int) -> Params:
    lang = rng.choice(list(LANGS))
    roster = _seed_interpreters(rng, w, lang)
    taken = _PICKED.setdefault((id(w), "interp_days"), set())
    day = _until(rng, lambda r: BASE + dt.timedelta(days=r.randint(1, 40)), lambda d: (lang, d) not in taken)
    taken.add((lang, day))
    certified = [x for x in roster if x["status"] == "certified"]
    trap = _trap(i, rng)
    kind = rng.choice(["first", "all", "minimum"]) if trap else "ok"
    if kind == "first":
        certified[0]["booked"].append(day.isoformat())
    elif kind == "all":
        for x in certified:
            x["booked"].append(day.isoformat())
    wording = _wording(rng, i, 3)
    hours = 1 if kind == "minimum" else rng.randint(2, 6)
    if kind == "minimum" and wording == 0:
        wording = rng.choice([1, 2])
    return {
        "language": lang,
        "court": rng.choice(COURTS),
        "date": fmt_date(day, rng.randint(0, 1)),
        "hours": hours,
        "wording": wording,
    }


def _interp_text(s: State, a: dict) -> str:
    lang = str(a["language"])
    rows = s.get("h18_interpreters", {}).get(lang)
    if rows is None:
        raise ToolFail(f"no interpreters for {lang}")
    lines = [f"{lang} court interpreters (${LANGS[lang]}/hour, 2-hour minimum):"]
    for x in rows:
        booked = f"; booked {', '.join(sorted(x['booked']))}" if x["booked"] else ""
        lines.append(f"- {x['name']}: {x['status']}{booked}")
    return "\n".join(lines)


def _interp_r(text: str) -> tuple[int, list[dict]]:
    rate = int(re.search(r"\$(\d+)/hour", text).group(1))  # type: ignore[union-attr]
    rows = []
    for m in re.finditer(r"^- ([^:]+): ([^;\n]+)(?:; booked ([^\n]+))?$", text, re.M):
        rows.append({"name": m.group(1), "status": m.group(2), "booked": (m.group(3) or "").split(", ")})
    return rate, rows


def _hours(p: Params) -> int:
    return 3 if p.get("wording", 0) == 0 else int(p["hours"])


def _pick(rows: list[dict], day: str) -> dict | None:
    return next((x for x in rows if x["status"] == "certified" and day not in x["booked"]), None)


def _interp_pick_b(p: Params, b: State) -> dict | None:
    return _pick(b["h18_interpreters"][p["language"]], parse_date(p["date"]).isoformat())


def _interp_cost(p: Params) -> float:
    return float(max(_hours(p), 2) * LANGS[p["language"]])


def _book_interp(s: State, a: dict) -> dict:
    rows = s.get("h18_interpreters", {}).get(str(a["language"]), [])
    x = next((x for x in rows if x["name"] == str(a["interpreter"])), None)
    if x is None:
        raise ToolFail(f"no {a['language']} interpreter {a['interpreter']}")
    x["booked"].append(str(a["date"]))
    rec = {
        "interpreter": x["name"],
        "language": str(a["language"]),
        "court": str(a["court"]),
        "date": str(a["date"]),
        "hours": int(a["hours"]),
    }
    s.setdefault("h18_interp_bookings", []).append(rec)
    return {**rec, "status": "booked"}


def _interp_expect(p: Params, b: State) -> dict:
    x = _interp_pick_b(p, b)
    if x is None:
        return {}
    day = parse_date(p["date"]).isoformat()
    rows = [
        {**y, "booked": [*y["booked"], day]} if y["name"] == x["name"] else y
        for y in b["h18_interpreters"][p["language"]]
    ]
    return {
        "h18_interpreters": {p["language"]: rows},
        "h18_interp_bookings": [
            {"interpreter": x["name"], "language": p["language"], "court": p["court"], "date": day, "hours": _hours(p)}
        ],
    }


def _interp_summary(p: Params, r: dict) -> str:
    rate, rows = _interp_r(r["h18_interpreters"])
    x = _pick(rows, parse_date(p["date"]).isoformat())
    if x is None:
        return f"No certified {p['language']} interpreter is free on {p['date']}: nothing booked."
    return (
        f"Booked {x['name']} ({p['language']}) for {p['court']} on {p['date']}, {_hours(p)} hours: "
        f"${max(_hours(p), 2) * rate} (billed at least 2 hours)."
    )


interp = Family(
    name="h18_interp",
    templates=[
        "Book a {language} interpreter for {court} on {date}",
        "Book a {language} interpreter for {court} on {date} for {hours} hours",
        "{court} needs a {language} interpreter on {date}, {hours} hours",
    ],
    fields={"language": _one_of(list(LANGS)), "court": _one_of(COURTS), "date": DATE, "hours": INT},
    sample=sample_interp,
    plan=[
        Step("h18_interpreters", lambda p, r: {"language": p["language"]}),
        Step(
            "h18_book_interpreter",
            lambda p, r: {
                "interpreter": _pick(_interp_r(r["h18_interpreters"])[1], parse_date(p["date"]).isoformat())["name"],  # type: ignore[index]
                "language": p["language"],
                "court": p["court"],
                "date": parse_date(p["date"]).isoformat(),
                "hours": _hours(p),
            },
            when=lambda p, r: _pick(_interp_r(r["h18_interpreters"])[1], parse_date(p["date"]).isoformat()) is not None,
        ),
    ],
    expect=_interp_expect,
    answer=lambda p, b: (
        [_interp_pick_b(p, b)["name"], _interp_cost(p)]  # type: ignore[index]
        if _interp_pick_b(p, b) is not None
        else ["no certified"]
    ),
    summary=_interp_summary,
)


# ======================================== 8. interlibrary loans: renew each loan due in 0-7 days with renewals left
PATRONS = [
    "Bruno Costa",
    "Aoife Byrne",
    "Kwame Mensah",
    "Ingrid Halvorsen",
    "Tomás Ruiz",
    "Yuki Sato",
    "Amara Diallo",
    "Felix Wagner",
    "Nadia Haddad",
    "Owen Price",
    "Lucía Romero",
    "Pavel Novak",
    "Grace Liu",
    "Sam O'Neill",
    "Hugo Lambert",
    "Asha Patel",
]
FEE_PATRONS = [
    "Ruth Abernathy",
    "Kenji Mori",
    "Oscar Lindqvist",
    "Zainab Musa",
    "Elena Petrova",
    "Declan Walsh",
    "Mira Kapoor",
    "Jakob Weiss",
    "Chloé Martin",
    "Ravi Menon",
    "Ada Nwosu",
    "Finn McCarthy",
    "Sofia Greco",
    "Liam O'Connor",
    "Noor Rahman",
    "Hedda Berg",
]
LENDERS = ["Bodleian Library", "Trinity College Dublin", "University of Leeds", "British Library", "NUI Galway"]
TITLES = [
    "The Medieval Cistercians",
    "Tidal Energy Systems",
    "A History of Dublin Pubs",
    "Baltic Trade 1400-1600",
    "Lichens of Ireland",
    "Soviet Film Posters",
    "Coastal Geomorphology",
    "The Poor Law in Practice",
]


def _ill_id(rng: random.Random, taken: set) -> str:
    x = _until(
        rng, lambda r: f"ILL-{r.randint(10 ** (k := r.randint(2, 5)), 10 ** (k + 1) - 1)}", lambda v: v not in taken
    )
    taken.add(x)
    return x


def _loan(rng: random.Random, taken: set, days: int, renewals: int) -> dict:
    return {
        "request": _ill_id(rng, taken),
        "title": rng.choice(TITLES),
        "lender": rng.choice(LENDERS),
        "due": (BASE + dt.timedelta(days=days)).isoformat(),
        "renewals_left": renewals,
    }


def sample_ill(rng: random.Random, w: State, i: int) -> Params:
    patron = _fresh(rng, w, "patrons", PATRONS)
    taken = _PICKED.setdefault((id(w), "ill"), set())
    n = _size(rng, i)
    loans = []
    trap = _trap(i, rng)
    if trap and rng.random() < 0.2:
        n = 0
    for _ in range(n):
        kind = rng.choice(["ok", "overdue", "later", "none_left"]) if trap else "ok"
        days = (
            rng.randint(-12, -1) if kind == "overdue" else rng.randint(8, 25) if kind == "later" else rng.randint(0, 7)
        )
        loans.append(_loan(rng, taken, days, 0 if kind == "none_left" else rng.randint(1, 2)))
    w.setdefault("h18_loans", {})[patron] = {"patron": patron, "loans": loans}
    return {"patron": patron, "wording": _wording(rng, i, 3)}


def _renewable(x: dict) -> bool:
    return 0 <= -_days_ago(x["due"]) <= 7 and x["renewals_left"] > 0


def _ill_loans(s: State, a: dict) -> dict:
    row = s.get("h18_loans", {}).get(str(a["patron"]))
    if row is None:
        raise ToolFail(f"no patron {a['patron']}")
    return {"patron": row["patron"], "today": TODAY, "loans": row["loans"]}


def _renewed(x: dict) -> dict:
    due = dt.date.fromisoformat(x["due"]) + dt.timedelta(days=21)
    return {**x, "due": due.isoformat(), "renewals_left": x["renewals_left"] - 1}


def _renew(s: State, a: dict) -> dict:
    for row in s.get("h18_loans", {}).values():
        for k, x in enumerate(row["loans"]):
            if x["request"] == str(a["request"]):
                row["loans"][k] = y = _renewed(x)
                s.setdefault("h18_renewals", []).append({"request": x["request"]})
                return {
                    "request": y["request"],
                    "due": y["due"],
                    "renewals_left": y["renewals_left"],
                    "status": "renewed",
                }
    raise ToolFail(f"no loan {a['request']}")


def _ill_expect(p: Params, b: State) -> dict:
    row = b["h18_loans"][p["patron"]]
    ren = [x["request"] for x in row["loans"] if _renewable(x)]
    if not ren:
        return {}
    return {
        "h18_loans": {p["patron"]: {**row, "loans": [_renewed(x) if _renewable(x) else x for x in row["loans"]]}},
        "h18_renewals": [{"request": x} for x in ren],
    }


def _ill_answer(p: Params, b: State) -> list:
    ren = [x["request"] for x in b["h18_loans"][p["patron"]]["loans"] if _renewable(x)]
    return [len(ren), *ren] if ren else [0, "nothing to renew"]


def _ill_summary(p: Params, r: dict) -> str:
    loans = r["h18_ill_loans"]["loans"]
    ren = [x for x in loans if _renewable(x)]
    if not loans:
        return f"{p['patron']} has no interlibrary loans: nothing to renew (0 renewed)."
    if not ren:
        return f"Nothing to renew for {p['patron']}: 0 of {len(loans)} loans renewed."
    new = ", ".join(f"{x['request']} until {_renewed(x)['due']}" for x in ren)
    return f"Renewed {len(ren)} of {len(loans)} interlibrary loans for {p['patron']}: {new}."


ill = Family(
    name="h18_ill",
    templates=[
        "Renew {patron}'s interlibrary loans that are due soon",
        "Go through {patron}'s interlibrary loans and renew whatever is due this week",
        "{patron} asked us to renew their interlibrary loans",
    ],
    fields={"patron": _one_of(PATRONS)},
    sample=sample_ill,
    plan=[
        Step("h18_ill_loans", lambda p, r: {"patron": p["patron"]}),
        *[
            Step(
                "h18_renew_loan",
                lambda p, r, k=k: {"request": r["h18_ill_loans"]["loans"][k]["request"]},
                key=f"h18_renew_loan{k}",
                when=lambda p, r, k=k: (
                    len(r["h18_ill_loans"]["loans"]) > k and _renewable(r["h18_ill_loans"]["loans"][k])
                ),
            )
            for k in range(MAXL)
        ],
    ],
    expect=_ill_expect,
    answer=_ill_answer,
    summary=_ill_summary,
)


# ======================================== 9. late fees (a question): 30 cents a day overdue, at most 6.00 an item
FEE_DAY, FEE_CAP = 0.30, 6.00


def sample_ill_fees(rng: random.Random, w: State, i: int) -> Params:
    patron = _fresh(rng, w, "fee_patrons", FEE_PATRONS)
    taken = _PICKED.setdefault((id(w), "ill"), set())
    n = _size(rng, i, 5)
    trap = _trap(i, rng)
    loans = []
    for k in range(n):
        if trap:
            days = rng.choice([rng.randint(-60, -21), rng.randint(-19, -1), rng.randint(0, 20)])
        else:
            days = rng.randint(-19, -1) if k == 0 or rng.random() < 0.6 else rng.randint(1, 20)
        loans.append(_loan(rng, taken, days, rng.randint(0, 2)))
    w.setdefault("h18_loans", {})[patron] = {"patron": patron, "loans": loans}
    return {"patron": patron, "wording": _wording(rng, i, 2)}


def _fees(loans: list[dict]) -> tuple[float, int]:
    late = [_days_ago(x["due"]) for x in loans if _days_ago(x["due"]) > 0]
    return _money(sum(min(d * FEE_DAY, FEE_CAP) for d in late)), len(late)


def _fees_summary(p: Params, r: dict) -> str:
    total, n = _fees(r["h18_ill_loans"]["loans"])
    return f"{p['patron']} owes ${total:.2f} in interlibrary late fees ({n} overdue loans)."


ill_fees = Family(
    name="h18_ill_fees",
    templates=[
        "How much does {patron} owe in interlibrary late fees?",
        "What are {patron}'s interlibrary loan late fees right now?",
    ],
    fields={"patron": _one_of(FEE_PATRONS)},
    sample=sample_ill_fees,
    plan=[
        Step("h18_ill_policy", lambda p, r: {}, group="f"),
        Step("h18_ill_loans", lambda p, r: {"patron": p["patron"]}, group="f"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: list(_fees(b["h18_loans"][p["patron"]]["loans"])),
    summary=_fees_summary,
)


# ======================================== 10. ski lift wind holds: gust (km/h, m/s, kt) at or above the limit in km/h
SKILIFTS = [
    "Devil's Gate Chair",
    "Col de Balme Express",
    "Grands Montets",
    "Bruno's T-Bar",
    "Summit Six",
    "Eagle's Nest Gondola",
    "Lac Blanc Quad",
    "Pic Noir Drag",
    "Aiguille Rouge",
    "North Face Chair",
    "Le Tour Telecabine",
    "Pointe Percee Chair",
    "Ravine Double",
    "Glacier Express",
    "Marmot Run",
    "Black Tarn Poma",
]
UNIT_KMH = {"km/h": 1.0, "m/s": 3.6, "kt": 1.852}


def sample_wind(rng: random.Random, w: State, i: int) -> Params:
    lift = _fresh(rng, w, "skilifts", SKILIFTS)
    limit = rng.choice([55, 65, 72, 80])
    unit = "km/h" if i < 4 else rng.choice(list(UNIT_KMH))
    above = not _trap(i, rng)

    def ok(v: float) -> bool:
        kmh = v * UNIT_KMH[unit]
        if is_tie(kmh, 1):
            return False
        return (kmh >= limit + 0.5) if above else (limit - 12 <= kmh <= limit - 0.5)

    def make(r: random.Random) -> float:
        kmh = r.uniform(limit - 12, limit + 30)
        return float(round(kmh)) if unit == "km/h" else round(kmh / UNIT_KMH[unit], 1)

    value = _until(rng, make, ok)
    w.setdefault("h18_wind", {})[lift] = {"lift": lift, "gust": value, "unit": unit, "mean": round(value * 0.6, 1)}
    w.setdefault("h18_liftstatus", {})[lift] = {"lift": lift, "gust_limit_kmh": limit, "status": "running"}
    return {"lift": lift, "wording": _wording(rng, i, 3)}


def _anemo(s: State, a: dict) -> str:
    row = s.get("h18_wind", {}).get(str(a["lift"]))
    if row is None:
        raise ToolFail(f"no anemometer on {a['lift']}")
    g = row["gust"]
    g_s = str(int(g)) if float(g) == int(g) else str(g)
    return f"{row['lift']} top station, 10:40: gusts {g_s} {row['unit']}, mean {row['mean']} {row['unit']}, from NW."


def _gust_r(text: str) -> float:
    m = re.search(r"gusts ([\d.]+) (km/h|m/s|kt)", text)
    if m is None:
        raise ValueError("gust")
    return round_half_up(float(m.group(1)) * UNIT_KMH[m.group(2)], 1)


def _gust_b(b: State, lift: str) -> float:
    row = b["h18_wind"][lift]
    return round_half_up(row["gust"] * UNIT_KMH[row["unit"]], 1)


def _limits(s: State, a: dict) -> dict:
    row = s.get("h18_liftstatus", {}).get(str(a["lift"]))
    if row is None:
        raise ToolFail(f"no lift {a['lift']}")
    return row


def _hold(s: State, a: dict) -> dict:
    row = _limits(s, a)
    row["status"] = "wind hold"
    row["hold_gust_kmh"] = float(a["gust_kmh"])
    return {"lift": row["lift"], "status": "wind hold", "gust_kmh": float(a["gust_kmh"])}


def _wind_hold_b(p: Params, b: State) -> bool:
    return _gust_b(b, p["lift"]) >= b["h18_liftstatus"][p["lift"]]["gust_limit_kmh"]


def _wind_summary(p: Params, r: dict) -> str:
    g, lim = _gust_r(r["h18_anemometer"]), r["h18_lift_limits"]["gust_limit_kmh"]
    if "h18_set_hold" in r:
        return f"{p['lift']} put on wind hold: gusts {g} km/h, at or above its {lim} km/h limit."
    return f"{p['lift']} keeps running: gusts {g} km/h, under its {lim} km/h limit."


wind = Family(
    name="h18_wind",
    templates=[
        "Check the wind at {lift} and put it on hold if needed",
        "{lift}: wind check",
        "Is {lift} safe to run in this wind? Hold it if not",
    ],
    fields={"lift": _one_of(SKILIFTS)},
    sample=sample_wind,
    plan=[
        Step("h18_anemometer", lambda p, r: {"lift": p["lift"]}, group="w"),
        Step("h18_lift_limits", lambda p, r: {"lift": p["lift"]}, group="w"),
        Step(
            "h18_set_hold",
            lambda p, r: {"lift": p["lift"], "gust_kmh": _gust_r(r["h18_anemometer"])},
            when=lambda p, r: _gust_r(r["h18_anemometer"]) >= r["h18_lift_limits"]["gust_limit_kmh"],
        ),
    ],
    expect=lambda p, b: (
        {
            "h18_liftstatus": {
                p["lift"]: {
                    **b["h18_liftstatus"][p["lift"]],
                    "status": "wind hold",
                    "hold_gust_kmh": _gust_b(b, p["lift"]),
                }
            }
        }
        if _wind_hold_b(p, b)
        else {}
    ),
    answer=lambda p, b: [_gust_b(b, p["lift"]), "wind hold" if _wind_hold_b(p, b) else "running"],
    summary=_wind_summary,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h18_aligner_chart", "An orthodontic patient's aligner chart (plain text).", {"patient": str}, _chart_text
        ),
        Tool(
            "h18_dispense_tray",
            "Dispense an aligner tray to a patient (the tray number); it is worn from today.",
            {"patient": str, "tray": int},
            _dispense,
        ),
        Tool(
            "h18_elevators",
            "A building's elevators with their last inspection and any booked one.",
            {"building": str},
            _elevators,
        ),
        Tool(
            "h18_book_inspection",
            "Book the annual inspection of one elevator of a building.",
            {"building": str, "elevator": str},
            _book_inspection,
        ),
        Tool(
            "h18_patient_group",
            "A transfusion patient's blood group record (plain text).",
            {"patient": str},
            _patient_text,
        ),
        Tool("h18_blood_unit", "One blood unit: group, RhD, expiry, status.", {"unit": str}, _unit_get),
        Tool(
            "h18_blood_stock",
            "Every red-cell unit in the blood bank with its group, RhD, expiry and status.",
            {},
            lambda s, a: {"units": list(s.get("h18_units", {}).values())},
        ),
        Tool(
            "h18_issue_unit",
            "Issue a blood unit to a patient (it leaves the stock).",
            {"unit": str, "patient": str},
            _issue,
        ),
        Tool("h18_interpreters", "The court interpreters of a language (plain text).", {"language": str}, _interp_text),
        Tool(
            "h18_book_interpreter",
            "Book a court interpreter for a court on a date (YYYY-MM-DD) for a number of hours.",
            {"interpreter": str, "language": str, "court": str, "date": str, "hours": int},
            _book_interp,
        ),
        Tool("h18_ill_loans", "A library patron's interlibrary loans.", {"patron": str}, _ill_loans),
        Tool("h18_renew_loan", "Renew one interlibrary loan by its request id.", {"request": str}, _renew),
        Tool(
            "h18_ill_policy",
            "The interlibrary loan policy (plain text).",
            {},
            lambda s, a: (
                "Interlibrary loans: renewals add 21 days. Late fee: 30 cents per day overdue, at most $6.00 per item."
            ),
        ),
        Tool(
            "h18_anemometer", "The latest wind reading at a ski lift's top station (plain text).", {"lift": str}, _anemo
        ),
        Tool("h18_lift_limits", "A ski lift's gust limit (km/h) and status.", {"lift": str}, _limits),
        Tool(
            "h18_set_hold",
            "Put a ski lift on wind hold, with the gust in km/h.",
            {"lift": str, "gust_kmh": float},
            _hold,
        ),
    ]
}

FAMILIES = [aligner, trays_left, lifts, lifts_due, xmatch, units, interp, ill, ill_fees, wind]
