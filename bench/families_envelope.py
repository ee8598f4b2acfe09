"""Probe families for an answer's envelope (issue 9, rule 5 with rule 1; round envA).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `env_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_envelope.py --goals 8 --seed 7

Written before the fix (the values were tuned afterwards to reach replays: 3 items a list, goals 0
and 2 show the extremes and both orders of the items, 12 goals a family). Every family is a read-only
question whose answer states a figure computed over a list's items (a sum, a count, a mean, a pick).
One item of some lists carries another unit or another status, which the oracle's answer takes into
account (it converts, or leaves the item out), so the raw figure over the list is not the answer; its
raw value lies inside the values the other goals show. The shape: goal 0 clean, goal 1 *contradicting*
(the odd item at position 1, or 0 for the slots), goals 2-8 clean (the runs that agree with a template
of the raw figure), goals 9-11 the contradicting shape again (new values). Two families may repeat a
goal verbatim (the contradicting one among them). Domains: a consignment of parcels (kg, one in lb), a
rain gauge network (mm, one gauge in inches), a timesheet (hours, one entry in days of 7.5 h), a
customer's orders (a count, one cancelled), quotes for a part (the cheapest, one expired), a student's
marks (the mean, one excused), and a clinic's slots (the first free one, one booked).
"""

from __future__ import annotations

import os
import random
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
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "env_consignment": READ,
    "env_rain_gauges": READ,
    "env_timesheet": READ,
    "env_customer_orders": READ,
    "env_quotes": READ,
    "env_marks": READ,
    "env_clinic_slots": READ,
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

    if getattr(Server.add_tool, "_env_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._env_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


COUNT = 12  # goals per family, whatever --goals: a contradiction, enough agreeing runs, the shape again


def _odd(i: int) -> bool:
    """Goal 1 contradicts; goals 2-8 agree; goals 9-11 contradict again."""
    return i == 1 or i >= 9


N = 3  # items per list: one plan, no list of another length


def _val(r: random.Random, i: int, k: int, lo: float, hi: float) -> float:
    """A value for item k of goal i: goal 0 low and rising, goal 2 high and falling (the ranges and the
    orders between items are seen early), every other goal inside them."""
    if i == 0:
        return lo + (hi - lo) * (0.02 + 0.04 * k)
    if i == 2:
        return hi - (hi - lo) * (0.02 + 0.04 * k)
    return lo + (hi - lo) * r.uniform(0.3, 0.7)


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(10000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _row(table: str, what: str, key: str) -> Callable[[State, dict], Any]:
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _new_id(rng: random.Random, w: State, table: str, prefix: str) -> str:
    taken = w.setdefault(table, {})
    return _until(rng, lambda r: f"{prefix}-{r.randint(10000, 99999)}", lambda k: k not in taken)


# ======================================== 1. a consignment's total weight in kg (one parcel weighed in lb)
LB = 0.45359237


def _parcel_kg(p: dict) -> float:
    return p["weight"] * LB if p["unit"] == "lb" else p["weight"]


def _total_kg(row: dict) -> float:
    return round_half_up(sum(_parcel_kg(p) for p in row["parcels"]), 1)


def sample_parcels(rng: random.Random, w: State, i: int) -> Params:
    cid = _new_id(rng, w, "env_consignments", "CN")

    def make(r: random.Random) -> list:
        out = [{"parcel": f"P{k + 1}", "weight": round(_val(r, i, k, 1.5, 18.0), 1), "unit": "kg"} for k in range(N)]
        if _odd(i):
            out[1]["unit"] = "lb"
        return out

    parcels = _until(rng, make, lambda ps: not is_tie(sum(_parcel_kg(p) for p in ps), 1))
    w["env_consignments"][cid] = {"consignment": cid, "carrier": "GLS", "parcels": parcels}
    return {"consignment": cid}


parcels = Family(
    name="env_parcels",
    templates=["What is the total weight of consignment {consignment} in kg?"],
    fields={"consignment": Field(r"CN-\d{5}")},
    sample=sample_parcels,
    plan=[Step("env_consignment", lambda p, r: {"consignment": p["consignment"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_total_kg(b["env_consignments"][p["consignment"]])],
    summary=lambda p, r: f"Consignment {p['consignment']} weighs {_total_kg(r['env_consignment'])} kg in total.",
    repeats=False,
    count=COUNT,
)


# ======================================== 2. a week's rainfall in mm over a station's gauges (one gauge in inches)
def _gauge_mm(g: dict) -> float:
    return g["rain"] * 25.4 if g["unit"] == "in" else g["rain"]


def _rain_mm(row: dict) -> float:
    return round_half_up(sum(_gauge_mm(g) for g in row["gauges"]), 1)


def sample_rain(rng: random.Random, w: State, i: int) -> Params:
    sid = _new_id(rng, w, "env_rain", "RS")

    def make(r: random.Random) -> list:
        out = [{"gauge": f"G{k + 1}", "rain": round(_val(r, i, k, 0.2, 4.0), 1), "unit": "mm"} for k in range(N)]
        if _odd(i):
            out[1]["unit"] = "in"
        return out

    gauges = _until(rng, make, lambda gs: not is_tie(sum(_gauge_mm(g) for g in gs), 1))
    w["env_rain"][sid] = {"station": sid, "week": "2026-W48", "gauges": gauges}
    return {"station": sid}


rain = Family(
    name="env_rain",
    templates=["How much rain fell at station {station} this week, in mm, over all its gauges?"],
    fields={"station": Field(r"RS-\d{5}")},
    sample=sample_rain,
    plan=[Step("env_rain_gauges", lambda p, r: {"station": p["station"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_rain_mm(b["env_rain"][p["station"]])],
    summary=lambda p, r: f"Station {p['station']} recorded {_rain_mm(r['env_rain_gauges'])} mm of rain this week.",
    repeats=False,
    count=COUNT,
)


# ======================================== 3. a timesheet's hours (one entry in days of 7.5 hours)
PEOPLE = ["Ines Duarte", "Tomasz Wolak", "Amara Okafor", "Lukas Brandt", "Saoirse Byrne", "Kenji Mori", "Noor Haddad"]


def _shift_h(s: dict) -> float:
    return s["length"] * 7.5 if s["unit"] == "d" else s["length"]


def _hours(row: dict) -> float:
    return round_half_up(sum(_shift_h(s) for s in row["shifts"]), 2)


def sample_timesheet(rng: random.Random, w: State, i: int) -> Params:
    tid = _new_id(rng, w, "env_timesheets", "TS")

    def make(r: random.Random) -> list:
        days = ["Mon", "Tue", "Wed"]
        out = [{"day": days[k], "length": round(_val(r, i, k, 0.5, 9.5) * 4) / 4, "unit": "h"} for k in range(N)]
        if _odd(i):
            out[1]["length"], out[1]["unit"] = r.choice([2, 3, 4]), "d"  # days of 7.5 hours
        return out

    shifts = _until(rng, make, lambda ss: not is_tie(sum(_shift_h(s) for s in ss), 2))
    w["env_timesheets"][tid] = {"timesheet": tid, "person": rng.choice(PEOPLE), "shifts": shifts}
    return {"timesheet": tid}


timesheet = Family(
    name="env_timesheet",
    templates=["How many hours are on timesheet {timesheet} in total?"],
    fields={"timesheet": Field(r"TS-\d{5}")},
    sample=sample_timesheet,
    plan=[Step("env_timesheet", lambda p, r: {"timesheet": p["timesheet"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_hours(b["env_timesheets"][p["timesheet"]])],
    summary=lambda p, r: f"Timesheet {p['timesheet']} has {_hours(r['env_timesheet'])} hours in total.",
    repeats=False,
    count=COUNT,
)


# ======================================== 4. a customer's open orders, counted (a cancelled order does not count)
def _open_orders(row: dict) -> int:
    return sum(1 for o in row["orders"] if o["status"] != "cancelled")


def sample_orders(rng: random.Random, w: State, i: int) -> Params:
    cid = _new_id(rng, w, "env_customers", "CU")
    orders = [
        {"order": f"SO-{rng.randint(1000, 9999)}", "lines": round(_val(rng, i, k, 1, 9)), "status": "open"}
        for k in range(N)
    ]
    if _odd(i):
        orders[1]["status"] = "cancelled"
    w["env_customers"][cid] = {"customer": cid, "orders": orders}
    return {"customer": cid}


orders = Family(
    name="env_orders",
    templates=["How many orders does customer {customer} have that are not cancelled?"],
    fields={"customer": Field(r"CU-\d{5}")},
    sample=sample_orders,
    plan=[Step("env_customer_orders", lambda p, r: {"customer": p["customer"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_open_orders(b["env_customers"][p["customer"]])],
    summary=lambda p, r: (
        f"Customer {p['customer']} has {_open_orders(r['env_customer_orders'])} orders that are not cancelled."
    ),
    repeats=True,
    count=COUNT,
)


# ======================================== 5. the cheapest valid quote for a part (an expired quote does not count)
SUPPLIERS = ["Brixton Metals", "Ostrava Forge", "Nakamura Seiki", "Lindqvist AB", "Oakridge Supply", "Fabbri Srl"]


def _cheapest(row: dict) -> str:
    valid = [q for q in row["quotes"] if q["status"] == "valid"]
    return min(valid, key=lambda q: q["price"])["supplier"]


def sample_quotes(rng: random.Random, w: State, i: int) -> Params:
    pid = _new_id(rng, w, "env_parts", "PT")

    def make(r: random.Random) -> list:
        names = r.sample(SUPPLIERS, N)
        out = [
            {"supplier": s, "price": round(_val(r, i, k, 40, 400), 2), "status": "valid"} for k, s in enumerate(names)
        ]
        if _odd(i):
            out[1]["status"] = "expired"
            out[1]["price"] = round(min(q["price"] for q in out) * r.uniform(0.9, 0.98), 2)
        return out

    def ok(qs: list) -> bool:
        prices = sorted(q["price"] for q in qs)
        valid = sorted(q["price"] for q in qs if q["status"] == "valid")
        return len(set(prices)) == len(prices) and len(valid) >= 2

    quotes = _until(rng, make, ok)
    w["env_parts"][pid] = {"part": pid, "quotes": quotes}
    return {"part": pid}


quotes = Family(
    name="env_quotes",
    templates=["Which supplier has the cheapest valid quote for part {part}?"],
    fields={"part": Field(r"PT-\d{5}")},
    sample=sample_quotes,
    plan=[Step("env_quotes", lambda p, r: {"part": p["part"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_cheapest(b["env_parts"][p["part"]])],
    summary=lambda p, r: f"The cheapest valid quote for part {p['part']} is from {_cheapest(r['env_quotes'])}.",
    repeats=True,
    count=COUNT,
)


# ======================================== 6. a student's mean mark (an excused test, marked 0, does not count)
def _mean(row: dict) -> float:
    marks = [m["mark"] for m in row["marks"] if m["status"] != "excused"]
    return round_half_up(sum(marks) / len(marks), 1)


def sample_marks(rng: random.Random, w: State, i: int) -> Params:
    sid = _new_id(rng, w, "env_students", "ST")

    def make(r: random.Random) -> list:
        out = [{"test": f"T{k + 1}", "mark": round(_val(r, i, k, 0, 98)), "status": "sat"} for k in range(N)]
        if _odd(i):
            out[1]["status"] = "excused"
        return out

    def ok(ms: list) -> bool:
        marks = [m["mark"] for m in ms if m["status"] != "excused"]
        return not is_tie(sum(marks) / len(marks), 1)

    marks = _until(rng, make, ok)
    w["env_students"][sid] = {"student": sid, "term": "autumn", "marks": marks}
    return {"student": sid}


marks = Family(
    name="env_marks",
    templates=["What is the mean mark of student {student} this term, to one decimal?"],
    fields={"student": Field(r"ST-\d{5}")},
    sample=sample_marks,
    plan=[Step("env_marks", lambda p, r: {"student": p["student"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_mean(b["env_students"][p["student"]])],
    summary=lambda p, r: f"The mean mark of student {p['student']} this term is {_mean(r['env_marks'])}.",
    repeats=False,
    count=COUNT,
)


# ======================================== 7. a clinic's first free slot (a booked slot is not free)
def _first_free(row: dict) -> str:
    return next(s["time"] for s in row["slots"] if s["status"] == "free")


def sample_slots(rng: random.Random, w: State, i: int) -> Params:
    cid = _new_id(rng, w, "env_clinics", "CL")
    start = 8 if i == 0 else 11 if i == 2 else rng.randint(9, 10)
    times = [f"{start + k // 2:02d}:{30 * (k % 2):02d}" for k in range(N)]
    slots = [{"time": t, "status": "free"} for t in times]
    if _odd(i):
        slots[0]["status"] = "booked"
    w["env_clinics"][cid] = {"clinic": cid, "date": "2026-12-04", "slots": slots}
    return {"clinic": cid}


slots = Family(
    name="env_slots",
    templates=["When is the first free slot at clinic {clinic} tomorrow?"],
    fields={"clinic": Field(r"CL-\d{5}")},
    sample=sample_slots,
    plan=[Step("env_clinic_slots", lambda p, r: {"clinic": p["clinic"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_first_free(b["env_clinics"][p["clinic"]])],
    summary=lambda p, r: (
        f"The first free slot at clinic {p['clinic']} tomorrow is at {_first_free(r['env_clinic_slots'])}."
    ),
    repeats=False,
    count=COUNT,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "env_consignment",
            "A consignment: its carrier and parcels (weight with its unit).",
            {"consignment": str},
            _row("env_consignments", "consignment", "consignment"),
        ),
        Tool(
            "env_rain_gauges",
            "A rain station's gauges and the rain each recorded this week (with its unit).",
            {"station": str},
            _row("env_rain", "station", "station"),
        ),
        Tool(
            "env_timesheet",
            "A timesheet: the person and the shifts worked (length with its unit).",
            {"timesheet": str},
            _row("env_timesheets", "timesheet", "timesheet"),
        ),
        Tool(
            "env_customer_orders",
            "A customer's orders and their status.",
            {"customer": str},
            _row("env_customers", "customer", "customer"),
        ),
        Tool(
            "env_quotes",
            "The suppliers' quotes for a part: price in EUR and status (valid or expired).",
            {"part": str},
            _row("env_parts", "part", "part"),
        ),
        Tool(
            "env_marks",
            "A student's test marks this term, with each test's status (sat or excused).",
            {"student": str},
            _row("env_students", "student", "student"),
        ),
        Tool(
            "env_clinic_slots",
            "A clinic's appointment slots for tomorrow and whether each is free or booked.",
            {"clinic": str},
            _row("env_clinics", "clinic", "clinic"),
        ),
    ]
}

FAMILIES = [parcels, rain, timesheet, orders, quotes, marks, slots]
