"""Held-out probe families, round AC (issue 9): two questions at once, dates computed from results, nested lists,
non-monotonic reads, idempotent writes repeated, write acknowledgements whose numbers the answer states.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h16_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout16.py --goals 16 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used:

- h16_spill_gate   dam spillway: set a gate only when its status is plainly "in service" (near misses "not in
                   service", "in service from 14 December", ...); the idempotent write's acknowledgement carries
                   the discharge (m3/s) the answer states
- h16_spill_total  the discharge over a spillway now: the sum of each gate's *latest* reading (a list of gates, each
                   with a list of readings), and whether it is above the dam's alert flow (two questions)
- h16_germ         seed bank: the latest germination test's rate over its replicates (tests, each with a list of
                   replicates) and whether the lot needs regenerating (under 85%)
- h16_germ_due     the next test's date: 5 years after the latest test when it reached 90%, else 3, and whether
                   that date has passed
- h16_lift         lift inspections: the due date (last inspection + the interval in months) and the days left;
                   book the inspector only within 30 days and when none is booked (exact repeats: already booked)
- h16_rig          circus rigging: an act's dynamic load in kN (performers and their apparatus, kg x 9.81 x 2)
                   against a rig point's working load limit, read side by side
- h16_cord         cord-blood bank: ship a unit only when the plain-text inventory lists it as "available for
                   release" (near-miss ids and statuses); the tank is read from the inventory
- h16_rink         ice rink: "build-up" when any thickness reading is under 30 mm, else "standard"; an idempotent
                   plan write whose acknowledgement carries the litres of water the answer states
- h16_sewer        sewer flow meters: the flow at an hour follows a daily curve (not monotonic in the hour); log an
                   exceedance (the excess, l/s) only over the meter's consent
- h16_loan         youth orchestra instrument loans: lend only an instrument plainly "available"; the due date
                   comes with the write's acknowledgement; exact repeats find it on loan (stale answers)
- h16_seeds        seed withdrawals: only while what stays is at least the accession's reserve; the remaining
                   count comes with the acknowledgement

Workloads up to `--goals 16`. Every oracle applies a hidden rule; the first four goals of a family never cross
it, later goals sometimes do. Several wordings per family.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
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
    "h16_dam_status": READ,
    "h16_set_gate": IDEMPOTENT,
    "h16_germ_tests": READ,
    "h16_lift_log": READ,
    "h16_book_inspection": WRITE,
    "h16_rig_point": READ,
    "h16_act": READ,
    "h16_approve_rig": WRITE,
    "h16_cord_inventory": READ,
    "h16_ship_unit": WRITE,
    "h16_ice_survey": READ,
    "h16_set_resurface_plan": IDEMPOTENT,
    "h16_sewer_meter": READ,
    "h16_sewer_flow": READ,
    "h16_log_exceedance": WRITE,
    "h16_instrument": READ,
    "h16_lend_instrument": WRITE,
    "h16_seed_stock": READ,
    "h16_withdraw_seeds": WRITE,
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

    if getattr(Server.add_tool, "_h16_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h16_annotated = True  # type: ignore[attr-defined]
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


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def add_years(d: dt.date, years: int) -> dt.date:
    return add_months(d, 12 * years)


def _rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def _swap(code: str) -> str:
    """A near-miss identifier: the last two digits swapped (or the two before them when equal)."""
    head, d = code[:-4], code[-4:]
    if d[2] != d[3]:
        return head + d[:2] + d[3] + d[2]
    return head + d[0] + d[2] + d[1] + d[3]


# ======================================== 1-2. dam spillway gates: set a gate only when it is plainly "in service"
# (near misses: "not in service", "in service from 14 December", ...); the write's acknowledgement carries the
# discharge the answer states; idempotent (an exact repeat changes nothing). And a question: the total discharge
# over the spillway now (each gate's latest reading, not the sum of all readings) and whether it is above the
# dam's alert flow.
DAMS = ["Clywedog", "Kielder", "Vyrnwy", "Haweswater", "Derwent", "Errochty", "Llyn Brianne", "Megget"]
IN_SERVICE = "in service"
GATE_NEAR = ["not in service", "in service from 14 December", "locked out, in service after inspection"]
HOURS = ["04:00", "05:00", "06:00"]
NOW = "07:00"


def _q(level: float, sill: float, opening: float) -> float:
    return round_half_up(3.1 * opening * math.sqrt(level - sill), 1)


def _seed_dams(rng: random.Random, w: State) -> None:
    if "h16_dams" in w:
        return
    for d in DAMS:
        sill = round(rng.uniform(180.0, 300.0), 1)
        level = round(sill + rng.uniform(1.5, 6.0), 2)
        gates = []
        for k in range(rng.randint(3, 4)):
            opening = rng.choice([0.0, 0.0, 0.5, 1.0, 1.5])
            q_now = _q(level, sill, opening)
            readings = [
                {"time": t, "discharge_m3s": round(max(0.0, q_now + rng.uniform(-6.0, 6.0)) if opening else 0.0, 1)}
                for t in HOURS[:-1]
            ] + [{"time": HOURS[-1], "discharge_m3s": q_now}]
            gates.append({"gate": f"G{k + 1}", "status": IN_SERVICE, "opening_m": opening, "readings": readings})
        w.setdefault("h16_dams", {})[d] = {
            "dam": d,
            "reservoir_level_m": level,
            "gate_sill_m": sill,
            "alert_m3s": 500.0,
            "gates": gates,
        }


def _apply_gate(row: dict, gate: str, opening: float) -> float:
    q = _q(row["reservoir_level_m"], row["gate_sill_m"], opening)
    g = next(x for x in row["gates"] if x["gate"] == gate)
    g["opening_m"] = opening
    if g["readings"] and g["readings"][-1]["time"] == NOW:
        g["readings"][-1] = {"time": NOW, "discharge_m3s": q}
    else:
        g["readings"].append({"time": NOW, "discharge_m3s": q})
    return q


def _dam(s: State, a: dict) -> dict:
    row = s.get("h16_dams", {}).get(a["dam"])
    if row is None:
        raise ToolFail(f"no dam {a['dam']}")
    return row


def _set_gate(s: State, a: dict) -> dict:
    row = _dam(s, a)
    if not any(x["gate"] == a["gate"] for x in row["gates"]):
        raise ToolFail(f"no gate {a['gate']} at {a['dam']}")
    q = _apply_gate(row, a["gate"], float(a["opening_m"]))
    return {"dam": a["dam"], "gate": a["gate"], "opening_m": float(a["opening_m"]), "discharge_m3s": q, "status": "set"}


def sample_gate(rng: random.Random, w: State, i: int) -> Params:
    _seed_dams(rng, w)
    trap = _trap(i, rng)
    taken = _picked(w, "gates")
    while True:
        dam = rng.choice(DAMS)
        row = w["h16_dams"][dam]
        gate = rng.choice(row["gates"])
        if (dam, gate["gate"]) in taken:
            continue
        opening = round(rng.uniform(0.3, 2.5), 1)
        if not is_tie(3.1 * opening * math.sqrt(row["reservoir_level_m"] - row["gate_sill_m"]), 1):
            break
    taken.add((dam, gate["gate"]))
    if trap:
        gate["status"] = rng.choice(GATE_NEAR)
    return {"dam": dam, "gate": gate["gate"], "opening": _fmt(opening), "wording": _wording(rng, i, 3)}


def _gate_of(b: State, p: Params) -> dict:
    return next(x for x in b["h16_dams"][p["dam"]]["gates"] if x["gate"] == p["gate"])


def _gate_expect(p: Params, b: State) -> dict:
    if _gate_of(b, p)["status"] != IN_SERVICE:
        return {}
    row = copy.deepcopy(b["h16_dams"][p["dam"]])
    _apply_gate(row, p["gate"], float(p["opening"]))
    return {} if row == b["h16_dams"][p["dam"]] else {"h16_dams": {p["dam"]: row}}


def _gate_answer(p: Params, b: State) -> list:
    if _gate_of(b, p)["status"] != IN_SERVICE:
        return ["not moved"]
    row = b["h16_dams"][p["dam"]]
    return [_q(row["reservoir_level_m"], row["gate_sill_m"], float(p["opening"]))]


def _gate_status_r(p: Params, r: dict) -> str:
    return next(x["status"] for x in r["h16_dam_status"]["gates"] if x["gate"] == p["gate"])


spill_gate = Family(
    name="h16_spill_gate",
    templates=[
        "Set spillway gate {gate} at {dam} to {opening} m and tell me the discharge",
        "Open gate {gate} on the {dam} spillway to {opening} m; what will it discharge?",
        "{dam} dam: put gate {gate} at {opening} m open and report the flow through it",
    ],
    fields={"dam": _one_of(DAMS), "gate": Field(r"G\d"), "opening": fam.NUM},
    sample=sample_gate,
    plan=[
        Step("h16_dam_status", lambda p, r: {"dam": p["dam"]}),
        Step(
            "h16_set_gate",
            lambda p, r: {"dam": p["dam"], "gate": p["gate"], "opening_m": float(p["opening"])},
            when=lambda p, r: _gate_status_r(p, r) == IN_SERVICE,
        ),
    ],
    expect=_gate_expect,
    answer=_gate_answer,
    summary=lambda p, r: (
        f"Gate {p['gate']} at {p['dam']} set to {p['opening']} m open: discharge "
        f"{r['h16_set_gate']['discharge_m3s']} m3/s."
        if "h16_set_gate" in r
        else f"Gate {p['gate']} at {p['dam']} was not moved: it is {_gate_status_r(p, r)}."
    ),
)


def _spill_total(row: dict) -> float:
    return round_half_up(sum(g["readings"][-1]["discharge_m3s"] for g in row["gates"] if g["readings"]), 1)


def sample_spill(rng: random.Random, w: State, i: int) -> Params:
    _seed_dams(rng, w)
    taken = _picked(w, "spill")
    trap = _trap(i, rng)
    free = [d for d in DAMS if d not in taken] or DAMS
    dam = rng.choice(free)
    taken.add(dam)
    row = w["h16_dams"][dam]
    total = _spill_total(row)
    if trap:  # the alert flow below what spills now, above the sum of the earlier readings' mean
        row["alert_m3s"] = round(max(1.0, total - rng.uniform(0.5, 8.0)), 1)
    else:
        row["alert_m3s"] = round(total + rng.uniform(15.0, 60.0), 0)
    return {"dam": dam, "wording": _wording(rng, i, 3)}


def _spill_answer(p: Params, b: State) -> list:
    row = b["h16_dams"][p["dam"]]
    total = _spill_total(row)
    return [total, "above the alert flow" if total > row["alert_m3s"] else "below the alert flow"]


spill_total = Family(
    name="h16_spill_total",
    templates=[
        "How much water is going over the {dam} spillway right now, and is it above the alert flow?",
        "{dam}: total spillway discharge at the moment, and are we over the alert flow?",
        "What is the current spill at {dam} dam in m3/s, and does it exceed the alert flow?",
    ],
    fields={"dam": _one_of(DAMS)},
    sample=sample_spill,
    plan=[Step("h16_dam_status", lambda p, r: {"dam": p["dam"]})],
    expect=lambda p, b: {},
    answer=_spill_answer,
    summary=lambda p, r: (
        f"{_spill_total(r['h16_dam_status'])} m3/s is going over the {p['dam']} spillway now (latest reading of "
        f"each gate); that is "
        + (
            "above the alert flow"
            if _spill_total(r["h16_dam_status"]) > r["h16_dam_status"]["alert_m3s"]
            else "below the alert flow"
        )
        + f" of {_fmt(r['h16_dam_status']['alert_m3s'])} m3/s."
    ),
)


# ======================================== 3-4. seed bank germination tests (a list of tests, each with a list of
# replicates): the latest test's rate (germinated over sown, all replicates) and whether the lot needs
# regenerating (under 85%); and the next test's due date: 5 years after the latest test when it reached 90%,
# else 3 years, and whether that date has passed
SPECIES = [
    "Triticum dicoccum",
    "Hordeum vulgare",
    "Lens culinaris",
    "Vicia faba",
    "Secale cereale",
    "Avena strigosa",
    "Pisum sativum",
    "Linum usitatissimum",
]
REGEN = 85.0
LONG = 90.0


def _rate(test: dict) -> float:
    sown = sum(x["sown"] for x in test["replicates"])
    return round_half_up(100 * sum(x["germinated"] for x in test["replicates"]) / sown, 1)


def _raw_rate(test: dict) -> float:
    return 100 * sum(x["germinated"] for x in test["replicates"]) / sum(x["sown"] for x in test["replicates"])


def _make_test(rng: random.Random, d: dt.date, ok: Callable[[float], bool]) -> dict:
    def make(r: random.Random) -> dict:
        sown = r.choice([25, 50, 100])
        target = r.uniform(0.6, 1.0)
        reps = []
        for _ in range(r.choice([3, 4, 4])):
            g = min(sown, max(0, round(sown * (target + r.uniform(-0.06, 0.06)))))
            reps.append({"sown": sown, "germinated": g})
        return {"date": d.isoformat(), "replicates": reps}

    return _until(rng, make, lambda t: ok(_rate(t)) and not is_tie(_raw_rate(t), 1))


def _new_lot(rng: random.Random, w: State) -> str:
    used = set(w.get("h16_lots", {}))
    return _until(rng, lambda r: f"SB-{r.randint(1000, 9999)}", lambda x: x not in used and _swap(x) not in used)


def _seed_lot(rng: random.Random, w: State, latest: dt.date, ok_latest: Callable[[float], bool], safe: bool) -> str:
    lot = _new_lot(rng, w)
    n = rng.randint(2, 4)
    dates = [latest]
    for _ in range(n - 1):
        dates.insert(0, add_months(dates[0], -rng.choice([24, 36, 48, 60])))
    tests = [_make_test(rng, d, (lambda x: x >= LONG) if safe else (lambda x: True)) for d in dates[:-1]] + [
        _make_test(rng, latest, ok_latest)
    ]
    w.setdefault("h16_lots", {})[lot] = {"lot": lot, "species": rng.choice(SPECIES), "store": "-18 °C", "tests": tests}
    return lot


def sample_germ(rng: random.Random, w: State, i: int) -> Params:
    trap = _trap(i, rng)
    latest = _rand_date(rng, dt.date(2021, 1, 4), dt.date(2026, 10, 30))
    lot = _seed_lot(rng, w, latest, (lambda x: x < REGEN) if trap else (lambda x: x >= REGEN), safe=i < 4 or trap)
    return {"lot": lot, "wording": _wording(rng, i, 3)}


def _latest(row: dict) -> dict:
    return max(row["tests"], key=lambda t: t["date"])


def _germ_facts(row: dict) -> list:
    rate = _rate(_latest(row))
    return [rate, "needs regenerating" if rate < REGEN else "does not need regenerating"]


germ = Family(
    name="h16_germ",
    templates=[
        "What is the latest germination rate of seed lot {lot}, and does it need regenerating?",
        "Seed lot {lot}: germination at the most recent test, and is regeneration needed?",
        "Check the last germination test of {lot}: what rate did it reach, and must the lot be regenerated?",
    ],
    fields={"lot": Field(r"SB-\d{4}")},
    sample=sample_germ,
    plan=[Step("h16_germ_tests", lambda p, r: {"lot": p["lot"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: _germ_facts(b["h16_lots"][p["lot"]]),
    summary=lambda p, r: (
        f"Seed lot {p['lot']}: the latest germination test ({_latest(r['h16_germ_tests'])['date']}) reached "
        f"{_germ_facts(r['h16_germ_tests'])[0]}%, so it {_germ_facts(r['h16_germ_tests'])[1]} (threshold 85%)."
    ),
)


def _due(row: dict) -> dt.date:
    t = _latest(row)
    return add_years(dt.date.fromisoformat(t["date"]), 5 if _rate(t) >= LONG else 3)


def _due_facts(row: dict) -> list:
    due = _due(row)
    return [due.isoformat(), "is overdue" if due < BASE else "not yet due"]


def sample_germ_due(rng: random.Random, w: State, i: int) -> Params:
    trap = _trap(i, rng)
    if trap:  # a latest test of 85-90% (3 years), or under 85%
        latest = _rand_date(rng, dt.date(2022, 1, 4), dt.date(2026, 6, 30))
        lot = _seed_lot(rng, w, latest, lambda x: x < LONG, safe=False)
    else:
        latest = _rand_date(rng, dt.date(2022, 1, 4), dt.date(2026, 6, 30))
        lot = _seed_lot(rng, w, latest, lambda x: x >= LONG, safe=i < 4)
    return {"lot": lot, "wording": _wording(rng, i, 3)}


germ_due = Family(
    name="h16_germ_due",
    templates=[
        "When is seed lot {lot} next due for a germination test, and is it overdue?",
        "Next germination test date for {lot}? Has it already passed?",
        "Seed lot {lot}: by what date must it be tested again, and are we late?",
    ],
    fields={"lot": Field(r"SB-\d{4}")},
    sample=sample_germ_due,
    plan=[Step("h16_germ_tests", lambda p, r: {"lot": p["lot"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: _due_facts(b["h16_lots"][p["lot"]]),
    summary=lambda p, r: (
        f"Seed lot {p['lot']} is next due for a germination test on {_due_facts(r['h16_germ_tests'])[0]} "
        f"({5 if _rate(_latest(r['h16_germ_tests'])) >= LONG else 3} years after the "
        f"{_latest(r['h16_germ_tests'])['date']}"
        f" test at {_rate(_latest(r['h16_germ_tests']))}%); it "
        + ("is overdue" if _due(r["h16_germ_tests"]) < BASE else "is not yet due")
        + f" (today is {TODAY})."
    ),
)


# ======================================== 5. lift inspections: the next due date is the last inspection plus the
# lift's interval in months; book the inspector (for that date) only when it falls within 30 days of today and
# no inspection is booked yet; the answer states the date and the days left
BUILDINGS = ["Meridian House", "Quayside Tower", "Albion Works", "Kestrel Point", "Harland Building", "Norfolk Yard"]
INSPECTORS = ["Liftcert North", "Safelift Ltd"]


def _lift_key(building: str, lift: str) -> str:
    return f"{building}/{lift}"


def sample_lift(rng: random.Random, w: State, i: int) -> Params:
    taken = _picked(w, "lifts")
    trap = _trap(i, rng)
    building = rng.choice(BUILDINGS)
    lift = _until(rng, lambda r: f"L{r.randint(1, 9)}", lambda x: (building, x) not in taken)
    taken.add((building, lift))
    days = rng.randint(32, 150) if trap else rng.randint(2, 30)
    due = BASE + dt.timedelta(days=days)
    while due.day > 28:
        due += dt.timedelta(days=-1 if not trap else 1)
    interval = rng.choice([6, 6, 12])
    w.setdefault("h16_lifts", {})[_lift_key(building, lift)] = {
        "building": building,
        "lift": lift,
        "last_inspection": add_months(due, -interval).isoformat(),
        "interval_months": interval,
        "today": TODAY,
        "booked_inspection": None,
        "inspector": rng.choice(INSPECTORS),
    }
    return {"building": building, "lift": lift, "wording": _wording(rng, i, 3)}


def _lift_due(row: dict) -> dt.date:
    return add_months(dt.date.fromisoformat(row["last_inspection"]), int(row["interval_months"]))


def _lift_books(row: dict) -> bool:
    return (_lift_due(row) - BASE).days <= 30 and not row["booked_inspection"]


def _lift_expect(p: Params, b: State) -> dict:
    key = _lift_key(p["building"], p["lift"])
    row = b["h16_lifts"][key]
    if not _lift_books(row):
        return {}
    due = _lift_due(row).isoformat()
    return {
        "h16_lifts": {key: {**row, "booked_inspection": due}},
        "h16_inspections": [{"building": p["building"], "lift": p["lift"], "date": due}],
    }


def _lift_answer(p: Params, b: State) -> list:
    row = b["h16_lifts"][_lift_key(p["building"], p["lift"])]
    due = _lift_due(row)
    if row["booked_inspection"]:
        return [due.isoformat(), "already booked"]
    return [due.isoformat(), (due - BASE).days, "inspector booked" if _lift_books(row) else "no booking needed"]


def _book_inspection(s: State, a: dict) -> dict:
    key = _lift_key(a["building"], a["lift"])
    row = s.get("h16_lifts", {}).get(key)
    if row is None:
        raise ToolFail(f"no lift {a['lift']} at {a['building']}")
    row["booked_inspection"] = a["date"]
    s.setdefault("h16_inspections", []).append({"building": a["building"], "lift": a["lift"], "date": a["date"]})
    return {
        "building": a["building"],
        "lift": a["lift"],
        "date": a["date"],
        "inspector": row["inspector"],
        "status": "booked",
    }


def _lift_summary(p: Params, r: dict) -> str:
    row = r["h16_lift_log"]
    due = _lift_due(row)
    days = (due - BASE).days
    if "h16_book_inspection" in r:
        return (
            f"Lift {p['lift']} at {p['building']} is due for inspection on {due.isoformat()}, in {days} days: "
            f"inspector booked ({row['inspector']})."
        )
    if row["booked_inspection"]:
        return f"Lift {p['lift']} at {p['building']} is due on {due.isoformat()}; the inspection is already booked."
    return (
        f"Lift {p['lift']} at {p['building']} is next due for inspection on {due.isoformat()}, in {days} days: "
        "no booking needed yet."
    )


lift = Family(
    name="h16_lift",
    templates=[
        "When is lift {lift} at {building} next due for inspection? Book the inspector if it is within 30 days",
        "Lift {lift}, {building}: next inspection date, and book it if it is due in the next 30 days",
        "Check when {building} lift {lift} must next be inspected and book the inspector if that is within 30 days",
    ],
    fields={"building": _one_of(BUILDINGS), "lift": Field(r"L\d")},
    sample=sample_lift,
    plan=[
        Step("h16_lift_log", lambda p, r: {"building": p["building"], "lift": p["lift"]}),
        Step(
            "h16_book_inspection",
            lambda p, r: {
                "building": p["building"],
                "lift": p["lift"],
                "date": _lift_due(r["h16_lift_log"]).isoformat(),
            },
            when=lambda p, r: _lift_books(r["h16_lift_log"]),
        ),
    ],
    expect=_lift_expect,
    answer=_lift_answer,
    summary=_lift_summary,
)


# ======================================== 6. circus rigging: an act (performers, each with a list of apparatus)
# hangs from a rig point only when its dynamic load (total kg x 9.81 x 2 / 1000, in kN) is within the point's
# working load limit; the answer states the load
VENUES = ["Roundhouse", "Big Top Kelvin", "Tivoli Hall", "Arena Nord"]
ACTS = [
    "Duo Aerea",
    "Les Voltigeurs",
    "The Flying Marinos",
    "Trio Celeste",
    "Sky Silk Sisters",
    "Cirque Nomade",
    "Hanging Gardens",
    "Duo Vertigo",
]
PERFORMERS = ["Ana", "Bo", "Cleo", "Dani", "Eli", "Fay", "Gus", "Hana", "Ivo", "Juno", "Kai", "Lior"]
APPARATUS = ["aerial hoop", "silks", "trapeze bar", "spanset", "swivel", "rescue kit", "cradle", "lyra frame"]
DYNAMIC = 2.0


def _seed_acts(rng: random.Random, w: State) -> None:
    if "h16_acts" in w:
        return
    for a in ACTS:
        performers = []
        for name in rng.sample(PERFORMERS, rng.randint(1, 3)):
            performers.append(
                {
                    "name": name,
                    "mass_kg": round(rng.uniform(52, 84), 1),
                    "apparatus": [
                        {"item": it, "mass_kg": round(rng.uniform(1.5, 22.0), 1)}
                        for it in rng.sample(APPARATUS, rng.randint(1, 3))
                    ],
                }
            )
        w.setdefault("h16_acts", {})[a] = {"act": a, "performers": performers}


def _act_kg(act: dict) -> float:
    return sum(p["mass_kg"] + sum(x["mass_kg"] for x in p["apparatus"]) for p in act["performers"])


def _raw_load(act: dict) -> float:
    return _act_kg(act) * 9.81 * DYNAMIC / 1000


def _load(act: dict) -> float:
    return round_half_up(_raw_load(act), 2)


def sample_rig(rng: random.Random, w: State, i: int) -> Params:
    _seed_acts(rng, w)
    taken = _picked(w, "points")
    trap = _trap(i, rng)
    act = _until(rng, lambda r: r.choice(ACTS), lambda a: not is_tie(_raw_load(w["h16_acts"][a]), 2))
    venue = rng.choice(VENUES)
    point = _until(rng, lambda r: f"P{r.randint(1, 24)}", lambda x: (venue, x) not in taken)
    taken.add((venue, point))
    load = _load(w["h16_acts"][act])
    wll = round(load * rng.uniform(0.72, 0.96), 1) if trap else math.ceil(load * rng.uniform(1.1, 1.6) * 2) / 2
    w.setdefault("h16_points", {})[f"{venue}/{point}"] = {
        "venue": venue,
        "point": point,
        "wll_kn": wll,
        "last_load_test": _rand_date(rng, dt.date(2025, 6, 1), dt.date(2026, 11, 20)).isoformat(),
    }
    return {"act": act, "venue": venue, "point": point, "wording": _wording(rng, i, 3)}


def _rig_ok(load: float, point: dict) -> bool:
    return load <= point["wll_kn"]


def _rig_expect(p: Params, b: State) -> dict:
    load = _load(b["h16_acts"][p["act"]])
    if not _rig_ok(load, b["h16_points"][f"{p['venue']}/{p['point']}"]):
        return {}
    return {"h16_rig_approvals": [{"venue": p["venue"], "point": p["point"], "act": p["act"], "load_kn": load}]}


def _rig_answer(p: Params, b: State) -> list:
    load = _load(b["h16_acts"][p["act"]])
    return [load, "approved" if _rig_ok(load, b["h16_points"][f"{p['venue']}/{p['point']}"]) else "refused"]


def _approve_rig(s: State, a: dict) -> dict:
    if f"{a['venue']}/{a['point']}" not in s.get("h16_points", {}):
        raise ToolFail(f"no rig point {a['point']} at {a['venue']}")
    s.setdefault("h16_rig_approvals", []).append(
        {"venue": a["venue"], "point": a["point"], "act": a["act"], "load_kn": float(a["load_kn"])}
    )
    return {"venue": a["venue"], "point": a["point"], "act": a["act"], "status": "approved"}


rig = Family(
    name="h16_rig",
    templates=[
        "Can {act} fly from rig point {point} at {venue}? Approve it if the point takes the load",
        "Rig {act} on point {point} at {venue} if it is within the working load limit",
        "{venue}, point {point}: check the dynamic load of {act} and sign the rigging off if it is safe",
    ],
    fields={"act": _one_of(ACTS), "venue": _one_of(VENUES), "point": Field(r"P\d{1,2}")},
    sample=sample_rig,
    plan=[
        Step("h16_rig_point", lambda p, r: {"venue": p["venue"], "point": p["point"]}, group="rig"),
        Step("h16_act", lambda p, r: {"act": p["act"]}, group="rig"),
        Step(
            "h16_approve_rig",
            lambda p, r: {"venue": p["venue"], "point": p["point"], "act": p["act"], "load_kn": _load(r["h16_act"])},
            when=lambda p, r: _rig_ok(_load(r["h16_act"]), r["h16_rig_point"]),
        ),
    ],
    expect=_rig_expect,
    answer=_rig_answer,
    summary=lambda p, r: (
        f"{p['act']} on point {p['point']} at {p['venue']}: dynamic load {_load(r['h16_act'])} kN "
        f"({_fmt(round(_act_kg(r['h16_act']), 1))} kg x 9.81 x 2), working load limit "
        f"{r['h16_rig_point']['wll_kn']} kN: "
        + ("approved." if "h16_approve_rig" in r else "refused, it is over the limit.")
    ),
)


# ======================================== 7. cord-blood bank: ship a unit only when the inventory (plain text, near-
# miss unit ids) lists it as plainly "available for release" (near misses: "... after confirmatory typing", "not
# available for release", "released"); the shipment names the unit's tank, read from the inventory
CORD_BANKS = ["Leuven", "Porto", "Graz"]
CENTRES = ["Genoa", "Lyon", "Utrecht", "Basel"]
AVAILABLE = "available for release"
CORD_NEAR = ["available for release after confirmatory typing", "not available for release", "released"]


def _new_unit(rng: random.Random, w: State) -> str:
    used = {x["unit"] for b in w.get("h16_cord", {}).values() for x in b["units"]}
    return _until(
        rng,
        lambda r: f"CB-{r.randint(20000, 29999)}",
        lambda x: x not in used and _swap(x) not in used and _swap(x) != x,
    )


def _seed_cord(rng: random.Random, w: State) -> None:
    if "h16_cord" in w:
        return
    for bank in CORD_BANKS:
        row: dict = {"bank": bank, "units": []}
        w.setdefault("h16_cord", {})[bank] = row
        for _ in range(rng.randint(3, 5)):
            row["units"].append(
                {
                    "unit": _new_unit(rng, w),
                    "tank": rng.randint(1, 6),
                    "rack": rng.randint(1, 20),
                    "status": rng.choice([AVAILABLE, AVAILABLE, *CORD_NEAR]),
                }
            )


def sample_cord(rng: random.Random, w: State, i: int) -> Params:
    _seed_cord(rng, w)
    trap = _trap(i, rng)
    bank = rng.choice(CORD_BANKS)
    row = w["h16_cord"][bank]
    unit = _new_unit(rng, w)
    kind = rng.choice(["near", "near", "absent"]) if trap else "ok"
    entries = [{"unit": _swap(unit), "tank": rng.randint(1, 6), "rack": rng.randint(1, 20), "status": AVAILABLE}]
    if kind != "absent":
        status = AVAILABLE if kind == "ok" else rng.choice(CORD_NEAR)
        entries.append({"unit": unit, "tank": rng.randint(1, 6), "rack": rng.randint(1, 20), "status": status})
    rng.shuffle(entries)
    for e in entries:
        row["units"].insert(rng.randrange(len(row["units"]) + 1), e)
    return {"unit": unit, "bank": bank, "centre": rng.choice(CENTRES), "wording": _wording(rng, i, 3)}


def _inventory(s: State, a: dict) -> str:
    row = s.get("h16_cord", {}).get(a["bank"])
    if row is None:
        raise ToolFail(f"no cord blood bank {a['bank']}")
    lines = [f"{x['unit']} tank {x['tank']} rack {x['rack']}: {x['status']}" for x in row["units"]]
    return f"Cord blood inventory, {a['bank']} bank, 3 December 2026. " + "; ".join(lines) + "."


def _inv_entry(text: str, unit: str) -> tuple[int, str] | None:
    m = re.search(rf"(?<![\w-]){re.escape(unit)} tank (\d+) rack \d+: ([^;]+?)(?:;|\.$)", text)
    return (int(m.group(1)), m.group(2)) if m else None


def _cord_unit(b: State, p: Params) -> dict | None:
    return next((x for x in b["h16_cord"][p["bank"]]["units"] if x["unit"] == p["unit"]), None)


def _cord_expect(p: Params, b: State) -> dict:
    hit = _cord_unit(b, p)
    if hit is None or hit["status"] != AVAILABLE:
        return {}
    row = b["h16_cord"][p["bank"]]
    units = [{**x, "status": "released"} if x is hit else x for x in row["units"]]
    return {
        "h16_cord": {p["bank"]: {**row, "units": units}},
        "h16_shipments": [{"unit": p["unit"], "tank": hit["tank"], "centre": p["centre"]}],
    }


def _cord_answer(p: Params, b: State) -> list:
    hit = _cord_unit(b, p)
    if hit is None:
        return ["not shipped", "not in the inventory"]
    if hit["status"] != AVAILABLE:
        return ["not shipped", hit["status"]]
    return [f"shipped to {p['centre']}", hit["tank"]]


def _ship_unit(s: State, a: dict) -> dict:
    row = s.get("h16_cord", {}).get(a["bank"])
    if row is None:
        raise ToolFail(f"no cord blood bank {a['bank']}")
    hit = next((x for x in row["units"] if x["unit"] == a["unit"] and x["tank"] == int(a["tank"])), None)
    if hit is None:
        raise ToolFail(f"unit {a['unit']} is not in tank {a['tank']}")
    hit["status"] = "released"
    s.setdefault("h16_shipments", []).append({"unit": a["unit"], "tank": int(a["tank"]), "centre": a["centre"]})
    return {"unit": a["unit"], "centre": a["centre"], "dry_shipper": "DS-" + a["unit"][3:], "status": "shipped"}


def _cord_summary(p: Params, r: dict) -> str:
    e = _inv_entry(r["h16_cord_inventory"], p["unit"])
    if "h16_ship_unit" in r:
        return f"Unit {p['unit']} (tank {e[0]}) shipped to {p['centre']} from the {p['bank']} bank."
    if e is None:
        return f"Unit {p['unit']} was not shipped: it is not in the inventory of the {p['bank']} bank."
    return f"Unit {p['unit']} (tank {e[0]}) was not shipped: it is {e[1]}."


cord = Family(
    name="h16_cord",
    templates=[
        "Ship cord blood unit {unit} from the {bank} bank to {centre}",
        "{centre} needs cord blood unit {unit}: send it from {bank}",
        "Release unit {unit} at the {bank} cord blood bank and ship it to {centre}",
    ],
    fields={"unit": Field(r"CB-\d{5}"), "bank": _one_of(CORD_BANKS), "centre": _one_of(CENTRES)},
    sample=sample_cord,
    plan=[
        Step("h16_cord_inventory", lambda p, r: {"bank": p["bank"]}),
        Step(
            "h16_ship_unit",
            lambda p, r: {
                "bank": p["bank"],
                "unit": p["unit"],
                "tank": _inv_entry(r["h16_cord_inventory"], p["unit"])[0],
                "centre": p["centre"],
            },
            when=lambda p, r: (_inv_entry(r["h16_cord_inventory"], p["unit"]) or (0, ""))[1] == AVAILABLE,
        ),
    ],
    expect=_cord_expect,
    answer=_cord_answer,
    summary=_cord_summary,
)


# ======================================== 8. ice rink: a survey of zones, each with a list of thickness readings;
# the resurfacing plan is "build-up" when any reading is under 30 mm, else "standard"; setting the plan is
# idempotent (the plan already set changes nothing), and its acknowledgement carries the litres of water the
# answer states
RINKS = [
    "Murrayfield",
    "Lee Valley",
    "Ice Sheffield",
    "Guildford Spectrum",
    "Dundee Ice Arena",
    "Braehead",
    "Whitley Bay",
    "Deeside",
    "Planet Ice Widnes",
    "Cardiff Vindico",
    "Silver Blades Gillingham",
    "Solihull Tarmac",
    "Romford Sapphire",
    "Oxford Rink",
]
ZONES = ["north crease", "south crease", "centre circle", "east boards", "west boards", "bench side"]
THIN_MM = 30
MM_PLAN = {"standard": 0.5, "build-up": 1.5}


def sample_rink(rng: random.Random, w: State, i: int) -> Params:
    taken = _picked(w, "rinks")
    trap = _trap(i, rng)
    free = [x for x in RINKS if x not in taken]
    rink = rng.choice(free or RINKS)
    taken.add(rink)
    if rink not in w.get("h16_rinks", {}):
        zones = []
        for z in rng.sample(ZONES, rng.randint(3, 4)):
            zones.append({"zone": z, "readings_mm": [rng.randint(31, 52) for _ in range(rng.randint(3, 5))]})
        if trap:
            z = rng.choice(zones)
            z["readings_mm"][rng.randrange(len(z["readings_mm"]))] = rng.randint(18, 29)
        w.setdefault("h16_rinks", {})[rink] = {
            "rink": rink,
            "surveyed": f"{TODAY} 06:{rng.randint(10, 50)}",
            "area_m2": rng.choice([1500, 1624, 1800, 1830]),
            "zones": zones,
        }
        w.setdefault("h16_rink_plans", {})[rink] = rng.choice(["standard", "build-up"])
    return {"rink": rink, "wording": _wording(rng, i, 3)}


def _thinnest(row: dict) -> int:
    return min(x for z in row["zones"] for x in z["readings_mm"])


def _plan_for(row: dict) -> str:
    return "build-up" if _thinnest(row) < THIN_MM else "standard"


def _litres(row: dict, plan: str) -> int:
    return round(row["area_m2"] * MM_PLAN[plan])


def _set_plan(s: State, a: dict) -> dict:
    row = s.get("h16_rinks", {}).get(a["rink"])
    if row is None:
        raise ToolFail(f"no rink {a['rink']}")
    if a["plan"] not in MM_PLAN:
        raise ToolFail(f"unknown plan {a['plan']}: standard or build-up")
    s.setdefault("h16_rink_plans", {})[a["rink"]] = a["plan"]
    return {"rink": a["rink"], "plan": a["plan"], "water_litres": _litres(row, a["plan"]), "status": "plan set"}


rink = Family(
    name="h16_rink",
    templates=[
        "Set tonight's resurfacing plan for {rink} from the ice survey",
        "{rink}: look at the ice survey and set the resurfacing plan; how much water will it use?",
        "Choose the resurfacing plan for the {rink} rink tonight and tell me the water it needs",
    ],
    fields={"rink": _one_of(RINKS)},
    sample=sample_rink,
    plan=[
        Step("h16_ice_survey", lambda p, r: {"rink": p["rink"]}),
        Step("h16_set_resurface_plan", lambda p, r: {"rink": p["rink"], "plan": _plan_for(r["h16_ice_survey"])}),
    ],
    expect=lambda p, b: (
        {}
        if b["h16_rink_plans"][p["rink"]] == _plan_for(b["h16_rinks"][p["rink"]])
        else {"h16_rink_plans": {p["rink"]: _plan_for(b["h16_rinks"][p["rink"]])}}
    ),
    answer=lambda p, b: [
        _plan_for(b["h16_rinks"][p["rink"]]),
        _thinnest(b["h16_rinks"][p["rink"]]),
        _litres(b["h16_rinks"][p["rink"]], _plan_for(b["h16_rinks"][p["rink"]])),
    ],
    summary=lambda p, r: (
        f"Resurfacing plan for {p['rink']} set to {r['h16_set_resurface_plan']['plan']} (thinnest reading "
        f"{_thinnest(r['h16_ice_survey'])} mm): {r['h16_set_resurface_plan']['water_litres']} litres of water."
    ),
)


# ======================================== 9. sewer flow meters: the flow at an hour follows a daily curve (low at
# night, peaks near 08:00 and 20:00: not monotonic in the hour); log an exceedance (the excess in l/s) only when
# the flow is over the meter's consent; the answer states the flow and whether it is within consent
CATCHMENTS = ["Holme Lane", "Riverside", "Crookes Valley", "Attercliffe", "Norton", "Beighton", "Loxley", "Tinsley"]
PROFILE = [
    0.45, 0.38, 0.33, 0.30, 0.32, 0.45, 0.80, 1.25, 1.55, 1.45, 1.30, 1.20,
    1.15, 1.10, 1.05, 1.00, 1.05, 1.20, 1.40, 1.50, 1.35, 1.05, 0.80, 0.60,
]  # fmt: skip


def _seed_meters(rng: random.Random, w: State) -> None:
    if "h16_meters" in w:
        return
    for k, c in enumerate(CATCHMENTS):
        dwf = round(rng.uniform(60, 240), 1)
        w.setdefault("h16_meters", {})[f"SM-{101 + 7 * k}"] = {
            "meter": f"SM-{101 + 7 * k}",
            "catchment": c,
            "dry_weather_flow_ls": dwf,
            "consent_ls": round(dwf * rng.uniform(1.2, 1.65), 0),
            "jitter": [round(rng.uniform(-0.04, 0.04), 3) for _ in range(24)],
        }


def _flow(row: dict, hour: int) -> float:
    return round_half_up(row["dry_weather_flow_ls"] * (PROFILE[hour] + row["jitter"][hour]), 1)


def sample_sewer(rng: random.Random, w: State, i: int) -> Params:
    _seed_meters(rng, w)
    trap = _trap(i, rng)
    taken = _picked(w, "sewer")

    def ok(mh: tuple[str, int]) -> bool:
        row = w["h16_meters"][mh[0]]
        return mh not in taken and (_flow(row, mh[1]) > row["consent_ls"]) == trap

    meter, hour = _until(rng, lambda r: (r.choice(sorted(w["h16_meters"])), r.randint(0, 23)), ok)
    taken.add((meter, hour))
    return {"meter": meter, "hour": f"{hour:02d}", "wording": _wording(rng, i, 3)}


def _sewer_flow(s: State, a: dict) -> dict:
    row = s.get("h16_meters", {}).get(a["meter"])
    if row is None:
        raise ToolFail(f"no meter {a['meter']}")
    hour = int(a["hour"])
    if not 0 <= hour <= 23:
        raise ToolFail("hour must be 0-23")
    return {"meter": a["meter"], "date": TODAY, "hour": hour, "flow_ls": _flow(row, hour)}


def _sewer_meter(s: State, a: dict) -> dict:
    row = s.get("h16_meters", {}).get(a["meter"])
    if row is None:
        raise ToolFail(f"no meter {a['meter']}")
    return {k: row[k] for k in ("meter", "catchment", "dry_weather_flow_ls", "consent_ls")}


def _excess(flow: float, consent: float) -> float:
    return round_half_up(flow - consent, 1)


def _sewer_facts(p: Params, b: State) -> list:
    row = b["h16_meters"][p["meter"]]
    flow = _flow(row, int(p["hour"]))
    if flow > row["consent_ls"]:
        return [flow, "over consent", _excess(flow, row["consent_ls"])]
    return [flow, "within consent"]


def _sewer_expect(p: Params, b: State) -> dict:
    row = b["h16_meters"][p["meter"]]
    flow = _flow(row, int(p["hour"]))
    if flow <= row["consent_ls"]:
        return {}
    return {
        "h16_exceedances": [
            {"meter": p["meter"], "hour": int(p["hour"]), "excess_ls": _excess(flow, row["consent_ls"])}
        ]
    }


def _log_exceedance(s: State, a: dict) -> dict:
    if a["meter"] not in s.get("h16_meters", {}):
        raise ToolFail(f"no meter {a['meter']}")
    s.setdefault("h16_exceedances", []).append(
        {"meter": a["meter"], "hour": int(a["hour"]), "excess_ls": float(a["excess_ls"])}
    )
    return {"meter": a["meter"], "reference": f"EXC-{a['meter'][3:]}-{int(a['hour']):02d}", "status": "logged"}


def _sewer_summary(p: Params, r: dict) -> str:
    flow, consent = r["h16_sewer_flow"]["flow_ls"], r["h16_sewer_meter"]["consent_ls"]
    if flow > consent:
        return (
            f"Meter {p['meter']} at {p['hour']}:00: {flow} l/s, over consent ({_fmt(consent)} l/s) by "
            f"{_excess(flow, consent)} l/s; exceedance logged ({r['h16_log_exceedance']['reference']})."
        )
    return f"Meter {p['meter']} at {p['hour']}:00: {flow} l/s, within consent ({_fmt(consent)} l/s)."


sewer = Family(
    name="h16_sewer",
    templates=[
        "What is the flow at sewer meter {meter} at {hour}:00, and is it within consent? Log an exceedance if not",
        "Meter {meter}, {hour}:00 today: flow in l/s, and log an exceedance if it is over consent",
        "Check sewer meter {meter} for {hour}:00 against its consent and log any exceedance",
    ],
    fields={"meter": Field(r"SM-\d{3}"), "hour": Field(r"\d{2}")},
    sample=sample_sewer,
    plan=[
        Step("h16_sewer_meter", lambda p, r: {"meter": p["meter"]}, group="m"),
        Step("h16_sewer_flow", lambda p, r: {"meter": p["meter"], "hour": int(p["hour"])}, group="m"),
        Step(
            "h16_log_exceedance",
            lambda p, r: {
                "meter": p["meter"],
                "hour": int(p["hour"]),
                "excess_ls": _excess(r["h16_sewer_flow"]["flow_ls"], r["h16_sewer_meter"]["consent_ls"]),
            },
            when=lambda p, r: r["h16_sewer_flow"]["flow_ls"] > r["h16_sewer_meter"]["consent_ls"],
        ),
    ],
    expect=_sewer_expect,
    answer=_sewer_facts,
    summary=_sewer_summary,
)


# ======================================== 10. youth orchestra instrument loans: lend only an instrument whose status
# is plainly "available" (near misses: "available after repair", "on loan", "withdrawn"); the loan's
# acknowledgement carries the due date (today + the type's loan period) the answer states; an exact repeat after
# the loan finds it on loan
TYPES = {
    "VLN": ("violin", 28),
    "VLA": ("viola", 28),
    "CEL": ("cello", 42),
    "FLT": ("flute", 21),
    "TPT": ("trumpet", 14),
}
PLAYERS = [
    "Amara Osei",
    "Ben Hartley",
    "Carys Lloyd",
    "Dev Patel",
    "Elin Berg",
    "Finn Byrne",
    "Greta Ruiz",
    "Hugo Laine",
]
INSTR_NEAR = ["available after repair", "on loan", "withdrawn"]


def sample_loan(rng: random.Random, w: State, i: int) -> Params:
    trap = _trap(i, rng)
    used = set(w.get("h16_instruments", {}))
    prefix = rng.choice(sorted(TYPES))
    inst = _until(rng, lambda r: f"{prefix}-{r.randint(100, 399)}", lambda x: x not in used)
    status = rng.choice(INSTR_NEAR) if trap else "available"
    w.setdefault("h16_instruments", {})[inst] = {
        "instrument": inst,
        "type": TYPES[prefix][0],
        "status": status,
        "holder": rng.choice(PLAYERS) if status == "on loan" else None,
        "loan_period_days": TYPES[prefix][1],
        "due": None,
    }
    return {"inst": inst, "player": rng.choice(PLAYERS), "wording": _wording(rng, i, 3)}


def _loan_due(row: dict) -> str:
    return (BASE + dt.timedelta(days=int(row["loan_period_days"]))).isoformat()


def _instrument(s: State, a: dict) -> dict:
    row = s.get("h16_instruments", {}).get(a["instrument"])
    if row is None:
        raise ToolFail(f"no instrument {a['instrument']}")
    return {**row, "today": TODAY}


def _lend(s: State, a: dict) -> dict:
    row = s.get("h16_instruments", {}).get(a["instrument"])
    if row is None:
        raise ToolFail(f"no instrument {a['instrument']}")
    due = _loan_due(row)
    row.update({"status": "on loan", "holder": a["player"], "due": due})
    return {"instrument": a["instrument"], "player": a["player"], "due": due, "status": "lent"}


def _loan_answer(p: Params, b: State) -> list:
    row = b["h16_instruments"][p["inst"]]
    if row["status"] != "available":
        return ["not lent", row["status"]]
    return [_loan_due(row)]


loan = Family(
    name="h16_loan",
    templates=[
        "Lend instrument {inst} to {player}",
        "{player} would like to borrow {inst} from the orchestra store: lend it and tell me when it is due back",
        "Loan {inst} to {player}; when must it come back?",
    ],
    fields={"inst": Field(r"[A-Z]{3}-\d{3}"), "player": _one_of(PLAYERS)},
    sample=sample_loan,
    plan=[
        Step("h16_instrument", lambda p, r: {"instrument": p["inst"]}),
        Step(
            "h16_lend_instrument",
            lambda p, r: {"instrument": p["inst"], "player": p["player"]},
            when=lambda p, r: r["h16_instrument"]["status"] == "available",
        ),
    ],
    expect=lambda p, b: (
        {}
        if b["h16_instruments"][p["inst"]]["status"] != "available"
        else {
            "h16_instruments": {
                p["inst"]: {
                    **b["h16_instruments"][p["inst"]],
                    "status": "on loan",
                    "holder": p["player"],
                    "due": _loan_due(b["h16_instruments"][p["inst"]]),
                }
            }
        }
    ),
    answer=_loan_answer,
    summary=lambda p, r: (
        f"{p['inst']} ({r['h16_instrument']['type']}) lent to {p['player']}: due back on "
        f"{r['h16_lend_instrument']['due']}."
        if "h16_lend_instrument" in r
        else f"{p['inst']} was not lent: it is {r['h16_instrument']['status']}"
        + (f" (held by {r['h16_instrument']['holder']})" if r["h16_instrument"]["holder"] else "")
        + "."
    ),
)


# ======================================== 11. seed bank withdrawals: withdraw only when what stays is at least the
# accession's safety reserve; the acknowledgement carries the seeds remaining, which the answer states;
# withdrawals are not idempotent (an exact repeat withdraws again if the reserve still allows)
REQUESTERS = ["Wageningen breeders", "Reading University", "Kew Wakehurst", "Gatersleben", "INRAE Dijon"]


def sample_seeds(rng: random.Random, w: State, i: int) -> Params:
    trap = _trap(i, rng)
    used = set(w.get("h16_accessions", {}))
    acc = _until(rng, lambda r: f"ACC-{r.randint(10000, 99999)}", lambda x: x not in used)
    reserve = rng.choice([1000, 1500, 2500])
    n = rng.choice([50, 100, 150, 200, 250, 300, 400, 500])
    seeds = reserve + (rng.randint(max(0, n - 240), n - 1) if trap else n + rng.randint(600, 3000))
    w.setdefault("h16_accessions", {})[acc] = {
        "accession": acc,
        "species": rng.choice(SPECIES),
        "seeds": seeds,
        "reserve_min": reserve,
    }
    return {"acc": acc, "n": n, "requester": rng.choice(REQUESTERS), "wording": _wording(rng, i, 3)}


def _seed_stock(s: State, a: dict) -> dict:
    row = s.get("h16_accessions", {}).get(a["accession"])
    if row is None:
        raise ToolFail(f"no accession {a['accession']}")
    return row


def _withdraw(s: State, a: dict) -> dict:
    row = _seed_stock(s, a)
    row["seeds"] -= int(a["seeds"])
    s.setdefault("h16_withdrawals", []).append(
        {"accession": a["accession"], "seeds": int(a["seeds"]), "requester": a["requester"]}
    )
    return {"accession": a["accession"], "withdrawn": int(a["seeds"]), "remaining": row["seeds"], "status": "withdrawn"}


def _seeds_ok(row: dict, n: int) -> bool:
    return row["seeds"] - n >= row["reserve_min"]


seeds = Family(
    name="h16_seeds",
    templates=[
        "Withdraw {n} seeds of accession {acc} for {requester}",
        "{requester} asked for {n} seeds from {acc}: withdraw them and tell me what is left",
        "Send {n} seeds of {acc} to {requester}",
    ],
    fields={"n": INT, "acc": Field(r"ACC-\d{5}"), "requester": _one_of(REQUESTERS)},
    sample=sample_seeds,
    plan=[
        Step("h16_seed_stock", lambda p, r: {"accession": p["acc"]}),
        Step(
            "h16_withdraw_seeds",
            lambda p, r: {"accession": p["acc"], "seeds": p["n"], "requester": p["requester"]},
            when=lambda p, r: _seeds_ok(r["h16_seed_stock"], p["n"]),
        ),
    ],
    expect=lambda p, b: (
        {
            "h16_accessions": {
                p["acc"]: {**b["h16_accessions"][p["acc"]], "seeds": b["h16_accessions"][p["acc"]]["seeds"] - p["n"]}
            },
            "h16_withdrawals": [{"accession": p["acc"], "seeds": p["n"], "requester": p["requester"]}],
        }
        if _seeds_ok(b["h16_accessions"][p["acc"]], p["n"])
        else {}
    ),
    answer=lambda p, b: (
        [b["h16_accessions"][p["acc"]]["seeds"] - p["n"]]
        if _seeds_ok(b["h16_accessions"][p["acc"]], p["n"])
        else ["refused", b["h16_accessions"][p["acc"]]["seeds"] - b["h16_accessions"][p["acc"]]["reserve_min"]]
    ),
    summary=lambda p, r: (
        f"Withdrew {p['n']} seeds of {p['acc']} for {p['requester']}: {r['h16_withdraw_seeds']['remaining']} remain."
        if "h16_withdraw_seeds" in r
        else f"Refused: withdrawing {p['n']} seeds of {p['acc']} would break the safety reserve of "
        f"{r['h16_seed_stock']['reserve_min']}; only "
        f"{r['h16_seed_stock']['seeds'] - r['h16_seed_stock']['reserve_min']} "
        "can be spared."
    ),
)


def _row_or_fail(s: State, table: str, key: str, what: str) -> dict:
    row = s.get(table, {}).get(key)
    if row is None:
        raise ToolFail(f"no {what} {key}")
    return row


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h16_dam_status",
            "A dam's reservoir level, gate sill level, alert flow and spillway gates with their "
            "recent discharge readings.",
            {"dam": str},
            _dam,
        ),
        Tool(
            "h16_set_gate",
            "Set a spillway gate's opening (m); returns the resulting discharge.",
            {"dam": str, "gate": str, "opening_m": float},
            _set_gate,
        ),
        Tool(
            "h16_germ_tests",
            "A seed lot's germination tests, each with its replicates (sown, germinated).",
            {"lot": str},
            lambda s, a: _row_or_fail(s, "h16_lots", a["lot"], "seed lot"),
        ),
        Tool(
            "h16_lift_log",
            "A lift's inspection log: last inspection, interval (months), booked inspection.",
            {"building": str, "lift": str},
            lambda s, a: _row_or_fail(s, "h16_lifts", _lift_key(a["building"], a["lift"]), "lift"),
        ),
        Tool(
            "h16_book_inspection",
            "Book the lift inspector for a lift on a date (YYYY-MM-DD).",
            {"building": str, "lift": str, "date": str},
            _book_inspection,
        ),
        Tool(
            "h16_rig_point",
            "A rig point's working load limit (kN) and last load test.",
            {"venue": str, "point": str},
            lambda s, a: _row_or_fail(s, "h16_points", f"{a['venue']}/{a['point']}", "rig point"),
        ),
        Tool(
            "h16_act",
            "A circus act: performers, their mass (kg) and the apparatus each brings (kg).",
            {"act": str},
            lambda s, a: _row_or_fail(s, "h16_acts", a["act"], "act"),
        ),
        Tool(
            "h16_approve_rig",
            "Approve an act's rigging on a rig point, with its dynamic load (kN).",
            {"venue": str, "point": str, "act": str, "load_kn": float},
            _approve_rig,
        ),
        Tool(
            "h16_cord_inventory",
            "A cord blood bank's inventory: units, tank, rack, status (plain text).",
            {"bank": str},
            _inventory,
        ),
        Tool(
            "h16_ship_unit",
            "Ship a cord blood unit from its tank to a transplant centre.",
            {"bank": str, "unit": str, "tank": int, "centre": str},
            _ship_unit,
        ),
        Tool(
            "h16_ice_survey",
            "Tonight's ice thickness survey of a rink: zones with their readings (mm).",
            {"rink": str},
            lambda s, a: _row_or_fail(s, "h16_rinks", a["rink"], "rink"),
        ),
        Tool(
            "h16_set_resurface_plan",
            "Set a rink's resurfacing plan: standard or build-up.",
            {"rink": str, "plan": str},
            _set_plan,
        ),
        Tool(
            "h16_sewer_meter",
            "A sewer flow meter: catchment, dry weather flow and consent (l/s).",
            {"meter": str},
            _sewer_meter,
        ),
        Tool(
            "h16_sewer_flow",
            "The flow (l/s) a sewer meter recorded today at an hour (0-23).",
            {"meter": str, "hour": int},
            _sewer_flow,
        ),
        Tool(
            "h16_log_exceedance",
            "Log a consent exceedance at a sewer meter: the hour and the excess (l/s).",
            {"meter": str, "hour": int, "excess_ls": float},
            _log_exceedance,
        ),
        Tool(
            "h16_instrument",
            "An instrument of the youth orchestra store: type, status, holder, loan period.",
            {"instrument": str},
            _instrument,
        ),
        Tool(
            "h16_lend_instrument",
            "Lend an instrument to a player; returns the due date.",
            {"instrument": str, "player": str},
            _lend,
        ),
        Tool(
            "h16_seed_stock",
            "A seed bank accession: species, seeds in store, safety reserve.",
            {"accession": str},
            _seed_stock,
        ),
        Tool(
            "h16_withdraw_seeds",
            "Withdraw seeds of an accession for a requester; returns the seeds remaining.",
            {"accession": str, "seeds": int, "requester": str},
            _withdraw,
        ),
    ]
}

FAMILIES = [spill_gate, spill_total, germ, germ_due, lift, rig, cord, rink, sewer, loan, seeds]
