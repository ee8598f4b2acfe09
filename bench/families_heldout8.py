"""Held-out probe families, red-team round X (issue 9): operations domains no other set uses.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h8_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout8.py --goals 8 --seed 7

Domains: hospital pharmacy (tablets x strength against weight x a per-kg limit, interactions of a
new drug with the classes already on a chart, an infusion's units/kg/h), payroll and leave
(overtime against a weekly cap, leave left after taken and pending days in a text, a raise as a
percentage), manufacturing QA (a batch mean's distance from nominal against the tolerance, a scrap
rate), insurance (a payout capped by the policy, a waiting period written in a text), fleet (the
kilometres since the last service plus a trip against a fixed interval, tyres under a tread limit),
purchasing (quantity x unit price against a hidden approval limit). Every oracle applies a hidden
rule; the first four goals of a family never cross it, later goals sometimes do, with every single
value inside the ranges the first goals showed.
"""

from __future__ import annotations

import datetime as dt
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
INT, NUM, CAPWORDS = fam.INT, fam.NUM, fam.CAPWORDS
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h8_patient": READ,
    "h8_drug": READ,
    "h8_dispense": WRITE,
    "h8_med_chart": READ,
    "h8_drug_info": READ,
    "h8_add_to_chart": IDEMPOTENT,
    "h8_infusion_bag": READ,
    "h8_start_infusion": WRITE,
    "h8_timesheet": READ,
    "h8_approve_overtime": WRITE,
    "h8_leave_account": READ,
    "h8_book_leave": WRITE,
    "h8_employee": READ,
    "h8_set_salary": IDEMPOTENT,
    "h8_part_spec": READ,
    "h8_batch_measure": READ,
    "h8_set_batch_status": IDEMPOTENT,
    "h8_work_order": READ,
    "h8_close_work_order": IDEMPOTENT,
    "h8_quality_alert": WRITE,
    "h8_claim": READ,
    "h8_policy_terms": READ,
    "h8_pay_claim": WRITE,
    "h8_member": READ,
    "h8_dental_claim": READ,
    "h8_approve_dental": WRITE,
    "h8_vehicle": READ,
    "h8_book_trip": WRITE,
    "h8_book_service": WRITE,
    "h8_depot_tyres": READ,
    "h8_part_price": READ,
    "h8_place_order": WRITE,
    "h8_request_approval": WRITE,
    "h8_prescription": READ,
    "h8_hand_out": WRITE,
    "h8_ward_nurses": READ,
    "h8_assign_on_call": WRITE,
    "h8_request_agency": WRITE,
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

    if getattr(Server.add_tool, "_h8_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h8_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(10000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _append(section: str, *keys: str, ack: str = "ok"):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"status": ack, "ref": f"{section[3:6].upper()}-{7000 + len(out)}"}

    return run


def _setter(section: str, key: str, value: str):
    def run(s: State, a: dict) -> dict:
        s.setdefault(section, {})[str(a[key])] = a[value]
        return {key: a[key], value: a[value], "status": "saved"}

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


def _day(base: dt.date, n: int) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


def _mrn(r: random.Random) -> str:
    return f"MRN-{r.randint(10000, 99999)}"


# ======================================== 1. pharmacy: tablets x strength against weight x mg/kg/day
DRUGS = {
    "Paracetamol": {"mg_per_tablet": 500, "max_mg_per_kg_day": 60},
    "Amoxicillin": {"mg_per_tablet": 250, "max_mg_per_kg_day": 50},
    "Sodium Valproate": {"mg_per_tablet": 200, "max_mg_per_kg_day": 30},
}


def _dose_ok(qty: int, drug: str, kg: int) -> bool:
    d = DRUGS[drug]
    return qty * d["mg_per_tablet"] <= kg * d["max_mg_per_kg_day"]


def sample_dispense(rng: random.Random, w: State, i: int) -> Params:
    mrn = _fresh(rng, w, "h8_patients", _mrn)
    fixed = {0: (2, "Paracetamol", 40), 1: (8, "Paracetamol", 110), 2: (8, "Sodium Valproate", 100)}
    if i in fixed:
        qty, drug, kg = fixed[i]
    else:
        want = not _trap(i, rng)
        qty, drug, kg = _until(
            rng,
            lambda r: (r.randint(2, 8), r.choice(sorted(DRUGS)), r.randint(40, 110)),
            lambda v: _dose_ok(*v) == want,
        )
    w.setdefault("h8_patients", {})[mrn] = {"mrn": mrn, "weight_kg": kg, "ward": rng.choice(["4B", "7A", "ICU"])}
    for name, row in DRUGS.items():
        w.setdefault("h8_drugs", {})[name] = {"drug": name, **row}
    return {"qty": qty, "drug": drug, "mrn": mrn}


def _disp_ok(p: Params, b: State) -> bool:
    return _dose_ok(p["qty"], p["drug"], b["h8_patients"][p["mrn"]]["weight_kg"])


dispense = Family(
    name="h8_dispense",
    templates=["Dispense {qty} tablets of {drug} to patient {mrn}"],
    fields={"qty": INT, "drug": CAPWORDS, "mrn": Field(r"MRN-\d{5}")},
    sample=sample_dispense,
    plan=[
        Step("h8_patient", lambda p, r: {"mrn": p["mrn"]}, group="g"),
        Step("h8_drug", lambda p, r: {"drug": p["drug"]}, group="g"),
        Step(
            "h8_dispense",
            lambda p, r: {"mrn": p["mrn"], "drug": p["drug"], "tablets": p["qty"]},
            when=lambda p, r: (
                p["qty"] * r["h8_drug"]["mg_per_tablet"]
                <= r["h8_patient"]["weight_kg"] * r["h8_drug"]["max_mg_per_kg_day"]
            ),
        ),
    ],
    expect=lambda p, b: (
        {"h8_dispensed": [{"mrn": p["mrn"], "drug": p["drug"], "tablets": p["qty"]}]} if _disp_ok(p, b) else {}
    ),
    answer=lambda p, b: ["dispensed", p["qty"] * DRUGS[p["drug"]]["mg_per_tablet"]] if _disp_ok(p, b) else ["exceeds"],
    summary=lambda p, r: (
        f"Dispensed {p['qty']} tablets of {p['drug']} to patient {p['mrn']} "
        f"({p['qty'] * r['h8_drug']['mg_per_tablet']} mg)."
        if "h8_dispense" in r
        else f"Not dispensed: {p['qty']} tablets of {p['drug']} exceeds the daily limit for patient {p['mrn']}."
    ),
)


# ======================================== 2. pharmacy: any class on the chart that the new drug must avoid
DRUG_INFO = {
    "Ibuprofen": {"class": "NSAID", "avoid_with": ["anticoagulant", "ACE inhibitor"]},
    "Sertraline": {"class": "SSRI", "avoid_with": ["MAO inhibitor", "triptan"]},
    "Clarithromycin": {"class": "macrolide", "avoid_with": ["statin", "anticoagulant"]},
}
CHART_MEDS = [
    ("Warfarin", "anticoagulant"),
    ("Ramipril", "ACE inhibitor"),
    ("Phenelzine", "MAO inhibitor"),
    ("Sumatriptan", "triptan"),
    ("Atorvastatin", "statin"),
    ("Omeprazole", "PPI"),
    ("Bisoprolol", "beta blocker"),
    ("Levothyroxine", "thyroid hormone"),
    ("Metformin", "biguanide"),
]


def sample_interact(rng: random.Random, w: State, i: int) -> Params:
    mrn = _fresh(rng, w, "h8_charts", _mrn)
    drug = sorted(DRUG_INFO)[i % 3] if i < 3 else rng.choice(sorted(DRUG_INFO))
    avoid = DRUG_INFO[drug]["avoid_with"]
    safe = [m for m in CHART_MEDS if m[1] not in avoid]
    bad = [m for m in CHART_MEDS if m[1] in avoid]
    meds = rng.sample(safe, rng.randint(2, 4))
    if _trap(i, rng):
        meds[rng.randrange(len(meds))] = rng.choice(bad)
    w.setdefault("h8_charts", {})[mrn] = {"mrn": mrn, "meds": [{"name": n, "class": c} for n, c in meds]}
    for name, row in DRUG_INFO.items():
        w.setdefault("h8_drug_infos", {})[name] = {"drug": name, **row}
    return {"drug": drug, "mrn": mrn}


def _clash(p: Params, b: State) -> str | None:
    avoid = DRUG_INFO[p["drug"]]["avoid_with"]
    hits = [m["name"] for m in b["h8_charts"][p["mrn"]]["meds"] if m["class"] in avoid]
    return hits[0] if hits else None


def _clash_r(p: Params, r: dict) -> str | None:
    hits = [m["name"] for m in r["h8_med_chart"]["meds"] if m["class"] in r["h8_drug_info"]["avoid_with"]]
    return hits[0] if hits else None


interact = Family(
    name="h8_interact",
    templates=["Add {drug} to patient {mrn}'s medication chart"],
    fields={"drug": CAPWORDS, "mrn": Field(r"MRN-\d{5}")},
    sample=sample_interact,
    plan=[
        Step("h8_med_chart", lambda p, r: {"mrn": p["mrn"]}, group="g"),
        Step("h8_drug_info", lambda p, r: {"drug": p["drug"]}, group="g"),
        Step(
            "h8_add_to_chart",
            lambda p, r: {"mrn": p["mrn"], "drug": p["drug"]},
            when=lambda p, r: _clash_r(p, r) is None,
        ),
    ],
    expect=lambda p, b: {"h8_chart_adds": {p["mrn"]: p["drug"]}} if _clash(p, b) is None else {},
    answer=lambda p, b: ["added"] if _clash(p, b) is None else ["interaction", _clash(p, b)],
    summary=lambda p, r: (
        f"{p['drug']} added to the chart of patient {p['mrn']}."
        if "h8_add_to_chart" in r
        else f"Not added: {p['drug']} has an interaction with {_clash_r(p, r)} on the chart of {p['mrn']}."
    ),
)


# ======================================== 3. infusion: ml/h x units/ml / kg against a units/kg/h limit
def sample_infusion(rng: random.Random, w: State, i: int) -> Params:
    mrn = _fresh(rng, w, "h8_patients", _mrn)
    fixed = {0: (5, 50, 50), 1: (18, 100, 110), 2: (18, 50, 50)}

    def ok(v: tuple[int, int, int]) -> bool:
        return v[0] * v[1] / v[2] <= 18

    if i in fixed:
        rate, conc, kg = fixed[i]
    else:
        want = not _trap(i, rng)
        rate, conc, kg = _until(
            rng, lambda r: (r.randint(5, 18), r.choice([50, 100]), r.randint(50, 110)), lambda v: ok(v) == want
        )
    w.setdefault("h8_patients", {})[mrn] = {"mrn": mrn, "weight_kg": kg, "ward": rng.choice(["4B", "7A", "ICU"])}
    w.setdefault("h8_bags", {})[mrn] = {"mrn": mrn, "drug": "heparin", "units_per_ml": conc, "volume_ml": 500}
    return {"mrn": mrn, "rate": rate}


def _inf_dose(p: Params, b: State) -> float:
    return p["rate"] * b["h8_bags"][p["mrn"]]["units_per_ml"] / b["h8_patients"][p["mrn"]]["weight_kg"]


def _inf_dose_r(p: Params, r: dict) -> float:
    return p["rate"] * r["h8_infusion_bag"]["units_per_ml"] / r["h8_patient"]["weight_kg"]


infusion = Family(
    name="h8_infusion",
    templates=["Start the heparin infusion for patient {mrn} at {rate} ml/h"],
    fields={"mrn": Field(r"MRN-\d{5}"), "rate": INT},
    sample=sample_infusion,
    plan=[
        Step("h8_patient", lambda p, r: {"mrn": p["mrn"]}, group="g"),
        Step("h8_infusion_bag", lambda p, r: {"mrn": p["mrn"]}, group="g"),
        Step(
            "h8_start_infusion",
            lambda p, r: {"mrn": p["mrn"], "ml_per_h": p["rate"]},
            when=lambda p, r: _inf_dose_r(p, r) <= 18,
        ),
    ],
    expect=lambda p, b: {"h8_infusions": [{"mrn": p["mrn"], "ml_per_h": p["rate"]}]} if _inf_dose(p, b) <= 18 else {},
    answer=lambda p, b: ["started"] if _inf_dose(p, b) <= 18 else ["not started"],
    summary=lambda p, r: (
        f"Infusion started for patient {p['mrn']} at {p['rate']} ml/h."
        if "h8_start_infusion" in r
        else f"Infusion not started for patient {p['mrn']}: {p['rate']} ml/h is over 18 units/kg/h."
    ),
)


# ======================================== 4. payroll: hours worked + overtime against a 48-hour week
def sample_overtime(rng: random.Random, w: State, i: int) -> Params:
    emp = _fresh(rng, w, "h8_timesheets", lambda r: f"E{r.randint(10000, 99999)}")
    fixed = {0: (36, 2), 1: (44, 4), 2: (40, 8)}
    if i in fixed:
        h, hours = fixed[i]
    else:
        want = not _trap(i, rng)
        h, hours = _until(rng, lambda r: (r.randint(36, 44), r.randint(2, 8)), lambda v: (v[0] + v[1] <= 48) == want)
    rate = round(rng.uniform(14, 32), 2)
    w.setdefault("h8_timesheets", {})[emp] = {"employee": emp, "hours_this_week": h, "rate_eur": rate}
    return {"emp": emp, "hours": hours}


def _ot_ok(p: Params, b: State) -> bool:
    return b["h8_timesheets"][p["emp"]]["hours_this_week"] + p["hours"] <= 48


def _ot_pay(p: Params, rate: float) -> float:
    return round_half_up(p["hours"] * rate * 1.5, 2)


overtime = Family(
    name="h8_overtime",
    templates=["Approve {hours} hours of overtime for employee {emp}"],
    fields={"hours": INT, "emp": Field(r"E\d{5}")},
    sample=sample_overtime,
    plan=[
        Step("h8_timesheet", lambda p, r: {"employee": p["emp"]}),
        Step(
            "h8_approve_overtime",
            lambda p, r: {
                "employee": p["emp"],
                "hours": p["hours"],
                "pay_eur": _ot_pay(p, r["h8_timesheet"]["rate_eur"]),
            },
            when=lambda p, r: r["h8_timesheet"]["hours_this_week"] + p["hours"] <= 48,
        ),
    ],
    expect=lambda p, b: (
        {
            "h8_overtime": [
                {
                    "employee": p["emp"],
                    "hours": p["hours"],
                    "pay_eur": _ot_pay(p, b["h8_timesheets"][p["emp"]]["rate_eur"]),
                }
            ]
        }
        if _ot_ok(p, b)
        else {}
    ),
    answer=lambda p, b: [_ot_pay(p, b["h8_timesheets"][p["emp"]]["rate_eur"])] if _ot_ok(p, b) else ["48"],
    summary=lambda p, r: (
        f"Approved {p['hours']} overtime hours for {p['emp']}: {_ot_pay(p, r['h8_timesheet']['rate_eur'])} EUR."
        if "h8_approve_overtime" in r
        else f"Not approved: {p['emp']} would work over the 48-hour week."
    ),
)


# ======================================== 5. leave: entitlement - taken - pending in a plain text
def _leave_account(s: State, a: dict) -> str:
    row = s.get("h8_leave", {}).get(a["name"])
    if row is None:
        raise ToolFail(f"no leave account for {a['name']}")
    return (
        f"Leave account of {a['name']} ({row['emp']}): entitlement {row['ent']} days, taken {row['taken']} days, "
        f"pending approval {row['pending']} days. Carry-over expires 2027-03-31."
    )


def _left(row: dict) -> float:
    return row["ent"] - row["taken"] - row["pending"]


def sample_leave(rng: random.Random, w: State, i: int) -> Params:
    name = _fresh(
        rng,
        w,
        "h8_leave",
        lambda r: (
            f"{r.choice(['Maria', 'Jonas', 'Ayesha', 'Pieter', 'Wen', 'Lucia'])} "
            f"{r.choice(['Lopez', 'Berg', 'Khan', 'De Vries', 'Zhou', 'Romano', 'Okafor'])}"
        ),
    )
    fixed = {0: (25, 5, 0, 1), 1: (30, 18, 4, 8), 2: (25, 12, 3, 10)}
    if i in fixed:
        ent, taken, pending, days = fixed[i]
    else:
        want = not _trap(i, rng)
        ent, taken, pending, days = _until(
            rng,
            lambda r: (r.choice([25, 28, 30]), r.randint(5, 18), r.randint(0, 4), r.randint(1, 10)),
            lambda v: (v[3] <= v[0] - v[1] - v[2]) == want,
        )
    w.setdefault("h8_leave", {})[name] = {
        "emp": f"E{rng.randint(10000, 99999)}",
        "ent": ent,
        "taken": taken,
        "pending": pending,
    }
    start = _day(dt.date(2027, 1, 4), rng.randint(0, 120))
    return {"days": days, "name": name, "start": start}


def _leave_ok(p: Params, b: State) -> bool:
    return p["days"] <= _left(b["h8_leave"][p["name"]])


def _left_text(text: str) -> float:
    import re

    nums = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?) days", text)]
    return nums[0] - nums[1] - nums[2]


leave = Family(
    name="h8_leave",
    templates=["Book {days} days of annual leave for {name} starting {start}"],
    fields={"days": INT, "name": CAPWORDS, "start": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_leave,
    plan=[
        Step("h8_leave_account", lambda p, r: {"name": p["name"]}),
        Step(
            "h8_book_leave",
            lambda p, r: {"name": p["name"], "start": p["start"], "days": p["days"]},
            when=lambda p, r: p["days"] <= _left_text(r["h8_leave_account"]),
        ),
    ],
    expect=lambda p, b: (
        {"h8_leave_booked": [{"name": p["name"], "start": p["start"], "days": p["days"]}]} if _leave_ok(p, b) else {}
    ),
    answer=lambda p, b: [_left(b["h8_leave"][p["name"]]) - p["days"]] if _leave_ok(p, b) else ["not enough"],
    summary=lambda p, r: (
        f"Booked {p['days']} days for {p['name']} from {p['start']}; "
        f"{_left_text(r['h8_leave_account']) - p['days']:g} days left."
        if "h8_book_leave" in r
        else f"Not booked: {p['name']} has not enough leave left ({_left_text(r['h8_leave_account']):g} days)."
    ),
)


# ======================================== 6. pay: a raise over 10 percent needs a committee
def sample_raise(rng: random.Random, w: State, i: int) -> Params:
    emp = _fresh(rng, w, "h8_employees", lambda r: f"E{r.randint(10000, 99999)}")
    fixed = {0: (40000, 41000), 1: (90000, 97000), 2: (60000, 65500)}
    if i in fixed:
        sal, amount = fixed[i]
    else:
        want = not _trap(i, rng)
        sal, amount = _until(
            rng,
            lambda r: (r.randrange(40000, 90001, 500), r.randrange(41000, 97001, 500)),
            lambda v: v[1] > v[0] and (v[1] <= v[0] * 1.10) == want,
        )
    w.setdefault("h8_employees", {})[emp] = {
        "employee": emp,
        "grade": rng.choice(["P2", "P3", "P4"]),
        "salary_eur": sal,
    }
    return {"emp": emp, "amount": amount}


def _raise_ok(p: Params, b: State) -> bool:
    return p["amount"] <= b["h8_employees"][p["emp"]]["salary_eur"] * 1.10


payraise = Family(
    name="h8_raise",
    templates=["Raise employee {emp}'s salary to {amount} EUR"],
    fields={"emp": Field(r"E\d{5}"), "amount": INT},
    sample=sample_raise,
    plan=[
        Step("h8_employee", lambda p, r: {"employee": p["emp"]}),
        Step(
            "h8_set_salary",
            lambda p, r: {"employee": p["emp"], "salary_eur": p["amount"]},
            when=lambda p, r: p["amount"] <= r["h8_employee"]["salary_eur"] * 1.10,
        ),
    ],
    expect=lambda p, b: {"h8_salaries": {p["emp"]: p["amount"]}} if _raise_ok(p, b) else {},
    answer=lambda p, b: [p["amount"]] if _raise_ok(p, b) else ["committee"],
    summary=lambda p, r: (
        f"Salary of {p['emp']} set to {p['amount']} EUR."
        if "h8_set_salary" in r
        else f"Not changed: a raise to {p['amount']} EUR is over 10% and needs the pay committee."
    ),
)


# ======================================== 7. QA: |batch mean - nominal| against the part's tolerance
PARTS = {
    "BR-2040": {"nominal_mm": 12.0, "tolerance_mm": 0.05},
    "SH-7710": {"nominal_mm": 25.4, "tolerance_mm": 0.03},
    "PN-3300": {"nominal_mm": 8.0, "tolerance_mm": 0.02},
}


def sample_tolerance(rng: random.Random, w: State, i: int) -> Params:
    batch = _fresh(rng, w, "h8_batches", lambda r: f"B{r.randint(100000, 999999)}")
    part = sorted(PARTS)[i % 3] if i < 3 else rng.choice(sorted(PARTS))
    spec = PARTS[part]
    tol = spec["tolerance_mm"]
    dev = round(rng.uniform(-tol * 0.9, tol * 0.9), 3) if i != 1 else -0.03
    if i == 1:
        part, spec, tol = "BR-2040", PARTS["BR-2040"], 0.05
    if _trap(i, rng):
        dev = round(rng.choice([-1, 1]) * rng.uniform(tol * 1.3, tol * 2.5), 3)
    w.setdefault("h8_batches", {})[batch] = {
        "batch": batch,
        "part": part,
        "mean_mm": round(spec["nominal_mm"] + dev, 3),
        "samples": rng.randint(20, 60),
    }
    for name, row in PARTS.items():
        w.setdefault("h8_parts", {})[name] = {"part": name, **row}
    return {"batch": batch, "part": part}


def _in_tol(mean: float, spec: dict) -> bool:
    return abs(mean - spec["nominal_mm"]) <= spec["tolerance_mm"] + 1e-9


def _tol_status(p: Params, b: State) -> str:
    return "released" if _in_tol(b["h8_batches"][p["batch"]]["mean_mm"], PARTS[p["part"]]) else "rejected"


tolerance = Family(
    name="h8_tolerance",
    templates=["Run the release check on batch {batch} of part {part}"],
    fields={"batch": Field(r"B\d{6}"), "part": Field(r"[A-Z]{2}-\d{4}")},
    sample=sample_tolerance,
    plan=[
        Step("h8_part_spec", lambda p, r: {"part": p["part"]}, group="g"),
        Step("h8_batch_measure", lambda p, r: {"batch": p["batch"]}, group="g"),
        Step(
            "h8_set_batch_status",
            lambda p, r: {
                "batch": p["batch"],
                "status": "released" if _in_tol(r["h8_batch_measure"]["mean_mm"], r["h8_part_spec"]) else "rejected",
            },
        ),
    ],
    expect=lambda p, b: {"h8_batch_status": {p["batch"]: _tol_status(p, b)}},
    answer=lambda p, b: [_tol_status(p, b)],
    summary=lambda p, r: (
        f"Batch {p['batch']} "
        + ("released." if _in_tol(r["h8_batch_measure"]["mean_mm"], r["h8_part_spec"]) else "rejected.")
    ),
)


# ======================================== 8. QA: scrap rate of a work order against 4 percent
def sample_scrap(rng: random.Random, w: State, i: int) -> Params:
    wo = _fresh(rng, w, "h8_work_orders", lambda r: f"WO-{r.randint(20000, 29999)}")
    fixed = {0: (200, 2), 1: (2000, 60), 2: (500, 18)}
    if i in fixed:
        made, rej = fixed[i]
    else:
        want = not _trap(i, rng)
        made, rej = _until(
            rng, lambda r: (r.randrange(200, 2001, 10), r.randint(2, 60)), lambda v: (v[1] / v[0] <= 0.04) == want
        )
    w.setdefault("h8_work_orders", {})[wo] = {
        "wo": wo,
        "line": rng.choice(["Press 2", "Lathe 5", "Mould 1"]),
        "produced": made,
        "rejected": rej,
    }
    return {"wo": wo}


def _rate(row: dict) -> float:
    return round_half_up(row["rejected"] / row["produced"] * 100, 1)


scrap = Family(
    name="h8_scrap",
    templates=["Close work order {wo} and report its scrap rate"],
    fields={"wo": Field(r"WO-\d{5}")},
    sample=sample_scrap,
    plan=[
        Step("h8_work_order", lambda p, r: {"wo": p["wo"]}),
        Step("h8_close_work_order", lambda p, r: {"wo": p["wo"], "status": "closed"}),
        Step(
            "h8_quality_alert",
            lambda p, r: {"line": r["h8_work_order"]["line"], "wo": p["wo"]},
            when=lambda p, r: r["h8_work_order"]["rejected"] / r["h8_work_order"]["produced"] > 0.04,
        ),
    ],
    expect=lambda p, b: {
        "h8_wo_status": {p["wo"]: "closed"},
        **(
            {"h8_alerts": [{"line": b["h8_work_orders"][p["wo"]]["line"], "wo": p["wo"]}]}
            if b["h8_work_orders"][p["wo"]]["rejected"] / b["h8_work_orders"][p["wo"]]["produced"] > 0.04
            else {}
        ),
    },
    answer=lambda p, b: [_rate(b["h8_work_orders"][p["wo"]])],
    summary=lambda p, r: (
        f"Work order {p['wo']} closed; scrap rate {_rate(r['h8_work_order'])}%"
        + (", quality alert raised." if "h8_quality_alert" in r else ".")
    ),
)


# ======================================== 9. insurance: payout = claimed - deductible, capped by the policy
def sample_settle(rng: random.Random, w: State, i: int) -> Params:
    claim = _fresh(rng, w, "h8_claims", lambda r: f"CL-{r.randint(100000, 999999)}")
    pol = f"POL-{rng.randint(1000, 9999)}"
    fixed = {0: (300, 100, 5000), 1: (9000, 1000, 8000), 2: (5600, 600, 5000)}

    if i in fixed:
        amt, ded, cap = fixed[i]
    else:
        want = not _trap(i, rng)
        amt, ded, cap = _until(
            rng,
            lambda r: (r.randrange(300, 9001, 50), r.randrange(100, 1001, 50), r.randrange(5000, 8001, 500)),
            lambda v: (0 < v[0] - v[1] <= v[2]) == want,
        )
    w.setdefault("h8_claims", {})[claim] = {"claim": claim, "policy": pol, "claimed_eur": amt, "kind": "storm damage"}
    w.setdefault("h8_policies", {})[pol] = {"policy": pol, "deductible_eur": ded, "cap_eur": cap}
    return {"claim": claim}


def _payout(claimed: int, terms: dict) -> int:
    return max(0, min(claimed - terms["deductible_eur"], terms["cap_eur"]))


def _payout_b(p: Params, b: State) -> int:
    c = b["h8_claims"][p["claim"]]
    return _payout(c["claimed_eur"], b["h8_policies"][c["policy"]])


settle = Family(
    name="h8_settle",
    templates=["Settle insurance claim {claim}"],
    fields={"claim": Field(r"CL-\d{6}")},
    sample=sample_settle,
    plan=[
        Step("h8_claim", lambda p, r: {"claim": p["claim"]}),
        Step("h8_policy_terms", lambda p, r: {"policy": r["h8_claim"]["policy"]}),
        Step(
            "h8_pay_claim",
            lambda p, r: {"claim": p["claim"], "eur": _payout(r["h8_claim"]["claimed_eur"], r["h8_policy_terms"])},
            when=lambda p, r: _payout(r["h8_claim"]["claimed_eur"], r["h8_policy_terms"]) > 0,
        ),
    ],
    expect=lambda p, b: (
        {"h8_claim_payments": [{"claim": p["claim"], "eur": _payout_b(p, b)}]} if _payout_b(p, b) > 0 else {}
    ),
    answer=lambda p, b: [_payout_b(p, b)] if _payout_b(p, b) > 0 else ["deductible"],
    summary=lambda p, r: (
        f"Claim {p['claim']} settled: paid {_payout(r['h8_claim']['claimed_eur'], r['h8_policy_terms'])} EUR."
        if "h8_pay_claim" in r
        else f"Claim {p['claim']} not paid: it is below the deductible."
    ),
)


# ======================================== 10. dental: a waiting period written in the member's text
def _member(s: State, a: dict) -> str:
    row = s.get("h8_members", {}).get(a["member"])
    if row is None:
        raise ToolFail(f"no member {a['member']}")
    return (
        f"Member {a['member']} ({row['name']}): joined {row['joined']}, plan {row['plan']} "
        f"(waiting period {row['wait']} days)."
    )


def sample_waiting(rng: random.Random, w: State, i: int) -> Params:
    claim = _fresh(rng, w, "h8_dental", lambda r: f"DC{r.randint(10000, 99999)}")
    member = _fresh(rng, w, "h8_members", lambda r: f"M-{r.randint(100000, 999999)}")
    fixed = {0: (90, 100), 1: (180, 400), 2: (180, 200), 3: (90, 300)}
    if i in fixed:
        wait, gap = fixed[i]
    else:
        wait = rng.choice([90, 180])
        gap = rng.randint(wait + 5, 400)
        if _trap(i, rng):
            wait, gap = 180, rng.randint(100, 170)
    joined = rng.randint(0, 400)
    base = dt.date(2025, 1, 1)
    w.setdefault("h8_members", {})[member] = {
        "name": rng.choice(["A. Lindgren", "P. Mensah", "R. Duarte", "S. Haas"]),
        "joined": _day(base, joined),
        "plan": "Dental Plus" if wait == 180 else "Dental Basic",
        "wait": wait,
    }
    w.setdefault("h8_dental", {})[claim] = {
        "claim": claim,
        "treatment_date": _day(base, joined + gap),
        "amount_eur": round(rng.uniform(60, 900), 2),
    }
    return {"claim": claim, "member": member}


def _wait_ok_text(text: str, treated: str) -> bool:
    joined = dt.date.fromisoformat(text.split("joined ")[1][:10])
    wait = int(text.split("waiting period ")[1].split(" ")[0])
    return (dt.date.fromisoformat(treated) - joined).days >= wait


def _wait_ok(p: Params, b: State) -> bool:
    m = b["h8_members"][p["member"]]
    gap = (
        dt.date.fromisoformat(b["h8_dental"][p["claim"]]["treatment_date"]) - dt.date.fromisoformat(m["joined"])
    ).days
    return gap >= m["wait"]


waiting = Family(
    name="h8_waiting",
    templates=["Approve dental claim {claim} for member {member}"],
    fields={"claim": Field(r"DC\d{5}"), "member": Field(r"M-\d{6}")},
    sample=sample_waiting,
    plan=[
        Step("h8_member", lambda p, r: {"member": p["member"]}, group="g"),
        Step("h8_dental_claim", lambda p, r: {"claim": p["claim"]}, group="g"),
        Step(
            "h8_approve_dental",
            lambda p, r: {"claim": p["claim"], "eur": r["h8_dental_claim"]["amount_eur"]},
            when=lambda p, r: _wait_ok_text(r["h8_member"], r["h8_dental_claim"]["treatment_date"]),
        ),
    ],
    expect=lambda p, b: (
        {"h8_dental_paid": [{"claim": p["claim"], "eur": b["h8_dental"][p["claim"]]["amount_eur"]}]}
        if _wait_ok(p, b)
        else {}
    ),
    answer=lambda p, b: [b["h8_dental"][p["claim"]]["amount_eur"]] if _wait_ok(p, b) else ["waiting period"],
    summary=lambda p, r: (
        f"Dental claim {p['claim']} approved: {r['h8_dental_claim']['amount_eur']} EUR."
        if "h8_approve_dental" in r
        else f"Not approved: claim {p['claim']} falls inside the member's waiting period."
    ),
)


# ======================================== 11. fleet: km since the last service + the trip against 15000 km
def sample_service(rng: random.Random, w: State, i: int) -> Params:
    reg = _fresh(
        rng,
        w,
        "h8_vehicles",
        lambda r: (
            f"{''.join(r.choice('ABDEFGKLMNPRSTVWY') for _ in range(2))}{r.randint(10, 25)} "
            f"{''.join(r.choice('ABDEFGKLMNPRSTVWY') for _ in range(3))}"
        ),
    )
    fixed = {0: (2000, 100), 1: (13000, 900), 2: (14500, 500)}
    if i in fixed:
        since, km = fixed[i]
    else:
        want = not _trap(i, rng)
        since, km = _until(
            rng, lambda r: (r.randint(2000, 14500), r.randint(100, 1000)), lambda v: (v[0] + v[1] <= 15000) == want
        )
    odo = rng.randint(40000, 160000)
    w.setdefault("h8_vehicles", {})[reg] = {
        "reg": reg,
        "model": rng.choice(["Transit", "Sprinter", "Master"]),
        "odometer_km": odo,
        "last_service_km": odo - since,
    }
    return {"reg": reg, "km": km}


def _left_km(row: dict, km: int) -> int:
    return 15000 - (row["odometer_km"] - row["last_service_km"]) - km


service = Family(
    name="h8_service",
    templates=["Book van {reg} for a {km} km delivery run"],
    fields={"reg": Field(r"[A-Z]{2}\d{2} [A-Z]{3}"), "km": INT},
    sample=sample_service,
    plan=[
        Step("h8_vehicle", lambda p, r: {"reg": p["reg"]}),
        Step(
            "h8_book_trip",
            lambda p, r: {"reg": p["reg"], "km": p["km"]},
            when=lambda p, r: _left_km(r["h8_vehicle"], p["km"]) >= 0,
        ),
        Step(
            "h8_book_service",
            lambda p, r: {"reg": p["reg"]},
            when=lambda p, r: _left_km(r["h8_vehicle"], p["km"]) < 0,
        ),
    ],
    expect=lambda p, b: (
        {"h8_trips": [{"reg": p["reg"], "km": p["km"]}]}
        if _left_km(b["h8_vehicles"][p["reg"]], p["km"]) >= 0
        else {"h8_services": [{"reg": p["reg"]}]}
    ),
    answer=lambda p, b: (
        [_left_km(b["h8_vehicles"][p["reg"]], p["km"])]
        if _left_km(b["h8_vehicles"][p["reg"]], p["km"]) >= 0
        else ["service"]
    ),
    summary=lambda p, r: (
        f"Van {p['reg']} booked for {p['km']} km; {_left_km(r['h8_vehicle'], p['km'])} km left before its service."
        if "h8_book_trip" in r
        else f"Van {p['reg']} is due a service before that run: service booked instead."
    ),
)


# ======================================== 12. fleet: which vans are under the tread limit (a filter, not a pick)
def sample_tyres(rng: random.Random, w: State, i: int) -> Params:
    depot = _fresh(
        rng,
        w,
        "h8_depots",
        lambda r: (
            f"{r.choice(['North', 'Harbour', 'Mill', 'Station', 'Bridge'])} "
            f"{r.choice(['Quay', 'Yard', 'Park', 'Lane'])}"
        ),
    )
    n = rng.randint(3, 5)
    regs = [f"V{rng.randint(100, 999)}" for _ in range(n)]
    treads = [round(rng.uniform(3.5, 7.5), 1) for _ in range(n)]
    worn = rng.randrange(n)
    treads[worn] = round(rng.uniform(1.6, 2.9), 1)
    if _trap(i, rng):
        if rng.random() < 0.5:
            other = (worn + 1) % n
            treads[other] = round(rng.uniform(1.6, 2.9), 1)
        else:
            treads[worn] = round(rng.uniform(3.2, 3.4), 1)
    w.setdefault("h8_depots", {})[depot] = {
        "depot": depot,
        "vans": [{"reg": r, "tread_mm": t} for r, t in zip(regs, treads, strict=True)],
    }
    return {"depot": depot}


def _worn(row: dict) -> list[str]:
    return [v["reg"] for v in row["vans"] if v["tread_mm"] < 3.0]


tyres = Family(
    name="h8_tyres",
    templates=["Which vans at the {depot} depot need new tyres?"],
    fields={"depot": CAPWORDS},
    sample=sample_tyres,
    plan=[Step("h8_depot_tyres", lambda p, r: {"depot": p["depot"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: _worn(b["h8_depots"][p["depot"]]) or ["none"],
    summary=lambda p, r: (
        f"Vans needing new tyres at {p['depot']}: {', '.join(_worn(r['h8_depot_tyres']))}."
        if _worn(r["h8_depot_tyres"])
        else f"No van at {p['depot']} needs new tyres (none under 3 mm)."
    ),
)


# ======================================== 13. purchasing: qty x unit price over 5000 EUR needs approval
def sample_order(rng: random.Random, w: State, i: int) -> Params:
    part = _fresh(rng, w, "h8_prices", lambda r: f"{r.choice(['VLV', 'BRG', 'GSK', 'MTR'])}-{r.randint(100, 999)}")
    fixed = {0: (10, 2.5), 1: (400, 12.0), 2: (40, 120.0)}
    if i in fixed:
        qty, price = fixed[i]
    else:
        want = not _trap(i, rng)
        qty, price = _until(
            rng,
            lambda r: (r.randrange(10, 401, 10), round(r.uniform(2.5, 120), 2)),
            lambda v: (v[0] * v[1] <= 5000) == want,
        )
    w.setdefault("h8_prices", {})[part] = {
        "part": part,
        "description": rng.choice(["ball valve DN25", "roller bearing 6204", "gasket set", "servo motor"]),
        "unit_price_eur": price,
    }
    return {"qty": qty, "part": part}


def _total(p: Params, price: float) -> float:
    return round_half_up(p["qty"] * price, 2)


def _order_total(p: Params, b: State) -> float:
    return _total(p, b["h8_prices"][p["part"]]["unit_price_eur"])


order = Family(
    name="h8_order",
    templates=["Order {qty} units of part {part}"],
    fields={"qty": INT, "part": Field(r"[A-Z]{3}-\d{3}")},
    sample=sample_order,
    plan=[
        Step("h8_part_price", lambda p, r: {"part": p["part"]}),
        Step(
            "h8_place_order",
            lambda p, r: {
                "part": p["part"],
                "qty": p["qty"],
                "total_eur": _total(p, r["h8_part_price"]["unit_price_eur"]),
            },
            when=lambda p, r: _total(p, r["h8_part_price"]["unit_price_eur"]) <= 5000,
        ),
        Step(
            "h8_request_approval",
            lambda p, r: {
                "part": p["part"],
                "qty": p["qty"],
                "total_eur": _total(p, r["h8_part_price"]["unit_price_eur"]),
            },
            when=lambda p, r: _total(p, r["h8_part_price"]["unit_price_eur"]) > 5000,
        ),
    ],
    expect=lambda p, b: {
        ("h8_orders" if _order_total(p, b) <= 5000 else "h8_approvals"): [
            {"part": p["part"], "qty": p["qty"], "total_eur": _order_total(p, b)}
        ]
    },
    answer=lambda p, b: [_order_total(p, b), "ordered" if _order_total(p, b) <= 5000 else "approval"],
    summary=lambda p, r: (
        f"Ordered {p['qty']} x {p['part']} for {_total(p, r['h8_part_price']['unit_price_eur'])} EUR."
        if "h8_place_order" in r
        else f"Approval requested: {p['qty']} x {p['part']} is "
        f"{_total(p, r['h8_part_price']['unit_price_eur'])} EUR, over the 5000 EUR limit."
    ),
)


# ======================================== 14. pharmacy counter: a prescription already collected
def _prescription(s: State, a: dict) -> str:
    row = s.get("h8_rx", {}).get(a["rx"])
    if row is None:
        raise ToolFail(f"no prescription {a['rx']}")
    return f"Prescription {a['rx']} for {row['name']}: {row['drug']} x{row['qty']}. Status: {row['status']}."


def sample_handout(rng: random.Random, w: State, i: int) -> Params:
    rx = _fresh(rng, w, "h8_rx", lambda r: f"RX{r.randint(1000000, 9999999)}")
    status = "ready for collection"
    if _trap(i, rng):
        status = rng.choice(["collected on 2026-11-28", "ready for collection check"])
    w.setdefault("h8_rx", {})[rx] = {
        "name": rng.choice(["J. Meyer", "F. Costa", "H. Tanaka", "B. Adeyemi"]),
        "drug": rng.choice(["Amlodipine 5 mg", "Sertraline 50 mg", "Salbutamol inhaler"]),
        "qty": rng.choice([28, 56, 1]),
        "status": status,
    }
    return {"rx": rx}


def _rx_ok(p: Params, b: State) -> bool:
    return b["h8_rx"][p["rx"]]["status"] == "ready for collection"


handout = Family(
    name="h8_handout",
    templates=["Hand out prescription {rx} at the counter"],
    fields={"rx": Field(r"RX\d{7}")},
    sample=sample_handout,
    plan=[
        Step("h8_prescription", lambda p, r: {"rx": p["rx"]}),
        Step(
            "h8_hand_out",
            lambda p, r: {"rx": p["rx"]},
            when=lambda p, r: "Status: ready for collection." in r["h8_prescription"],
        ),
    ],
    expect=lambda p, b: {"h8_handed_out": [{"rx": p["rx"]}]} if _rx_ok(p, b) else {},
    answer=lambda p, b: ["handed out"] if _rx_ok(p, b) else ["not handed out"],
    summary=lambda p, r: (
        f"Prescription {p['rx']} handed out."
        if "h8_hand_out" in r
        else f"Prescription {p['rx']} not handed out: it is not ready for collection."
    ),
)


# ======================================== 15. rostering: the nurse with the fewest hours, unless all are at 40
# written after the fixes of this round, not shaped on them: a pick that feeds a write, and a threshold on
# the picked value itself (every early pick under 40 hours; later the least is 41 or more: agency instead)
def sample_oncall(rng: random.Random, w: State, i: int) -> Params:
    ward = _fresh(rng, w, "h8_wards", lambda r: f"Ward {r.randint(10, 49)}{r.choice('ABC')}")
    names = rng.sample(["Ines Ruiz", "Tom Becker", "Amara Diallo", "Yuki Mori", "Lars Holm", "Nadia Aziz"], 4)
    hours = rng.sample(range(22, 47), 4)
    if i < 4:
        hours[0] = rng.randint(22, 38)
    elif _trap(i, rng):
        hours = rng.sample(range(41, 47), 4)
    else:
        hours[0] = rng.randint(22, 38)
    w.setdefault("h8_wards", {})[ward] = {
        "ward": ward,
        "nurses": [{"name": n, "hours_this_week": h} for n, h in zip(names, hours, strict=True)],
    }
    return {"ward": ward}


def _least(row: dict) -> dict:
    return min(row["nurses"], key=lambda n: n["hours_this_week"])


def _oncall_expect(p: Params, b: State) -> dict:
    best = _least(b["h8_wards"][p["ward"]])
    if best["hours_this_week"] < 40:
        return {"h8_oncall": [{"ward": p["ward"], "nurse": best["name"]}]}
    return {"h8_agency": [{"ward": p["ward"]}]}


oncall = Family(
    name="h8_oncall",
    templates=["Put a nurse on call tonight for {ward}"],
    fields={"ward": Field(r"Ward \d{2}[ABC]")},
    sample=sample_oncall,
    plan=[
        Step("h8_ward_nurses", lambda p, r: {"ward": p["ward"]}),
        Step(
            "h8_assign_on_call",
            lambda p, r: {"ward": p["ward"], "nurse": _least(r["h8_ward_nurses"])["name"]},
            when=lambda p, r: _least(r["h8_ward_nurses"])["hours_this_week"] < 40,
        ),
        Step(
            "h8_request_agency",
            lambda p, r: {"ward": p["ward"]},
            when=lambda p, r: _least(r["h8_ward_nurses"])["hours_this_week"] >= 40,
        ),
    ],
    expect=_oncall_expect,
    answer=lambda p, b: (
        [_least(b["h8_wards"][p["ward"]])["name"]]
        if _least(b["h8_wards"][p["ward"]])["hours_this_week"] < 40
        else ["agency"]
    ),
    summary=lambda p, r: (
        f"{_least(r['h8_ward_nurses'])['name']} is on call tonight for {p['ward']}."
        if "h8_assign_on_call" in r
        else f"Every nurse of {p['ward']} is at 40 hours or more: agency nurse requested."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h8_patient", "A patient's weight (kg) and ward.", {"mrn": str}, _row("h8_patients", "patient", "mrn")),
        Tool(
            "h8_drug",
            "A drug's strength per tablet (mg) and its maximum daily dose per kg of body weight.",
            {"drug": str},
            _row("h8_drugs", "drug", "drug"),
        ),
        Tool(
            "h8_dispense",
            "Dispense tablets of a drug to a patient.",
            {"mrn": str, "drug": str, "tablets": int},
            _append("h8_dispensed", "mrn", "drug", "tablets"),
        ),
        Tool("h8_med_chart", "The medicines on a patient's chart.", {"mrn": str}, _row("h8_charts", "chart", "mrn")),
        Tool(
            "h8_drug_info",
            "A drug's class and the classes it must not be combined with.",
            {"drug": str},
            _row("h8_drug_infos", "drug", "drug"),
        ),
        Tool(
            "h8_add_to_chart",
            "Add a drug to a patient's medication chart.",
            {"mrn": str, "drug": str},
            _setter("h8_chart_adds", "mrn", "drug"),
        ),
        Tool(
            "h8_infusion_bag",
            "The infusion bag prepared for a patient: drug and concentration (units/ml).",
            {"mrn": str},
            _row("h8_bags", "bag", "mrn"),
        ),
        Tool(
            "h8_start_infusion",
            "Start an infusion pump for a patient at a rate in ml/h.",
            {"mrn": str, "ml_per_h": int},
            _append("h8_infusions", "mrn", "ml_per_h"),
        ),
        Tool(
            "h8_timesheet",
            "An employee's hours worked this week and hourly rate (EUR).",
            {"employee": str},
            _row("h8_timesheets", "employee", "employee"),
        ),
        Tool(
            "h8_approve_overtime",
            "Approve overtime hours and their pay (time and a half).",
            {"employee": str, "hours": int, "pay_eur": float},
            _append("h8_overtime", "employee", "hours", "pay_eur"),
        ),
        Tool("h8_leave_account", "A person's leave account (plain text).", {"name": str}, _leave_account),
        Tool(
            "h8_book_leave",
            "Book annual leave days for a person.",
            {"name": str, "start": str, "days": int},
            _append("h8_leave_booked", "name", "start", "days"),
        ),
        Tool(
            "h8_employee",
            "An employee's grade and current salary (EUR).",
            {"employee": str},
            _row("h8_employees", "employee", "employee"),
        ),
        Tool(
            "h8_set_salary",
            "Set an employee's salary (EUR).",
            {"employee": str, "salary_eur": int},
            _setter("h8_salaries", "employee", "salary_eur"),
        ),
        Tool(
            "h8_part_spec",
            "A part's nominal dimension and tolerance (mm).",
            {"part": str},
            _row("h8_parts", "part", "part"),
        ),
        Tool(
            "h8_batch_measure",
            "A production batch's measured mean dimension (mm).",
            {"batch": str},
            _row("h8_batches", "batch", "batch"),
        ),
        Tool(
            "h8_set_batch_status",
            "Set a batch's status: released or rejected.",
            {"batch": str, "status": str},
            _setter("h8_batch_status", "batch", "status"),
        ),
        Tool(
            "h8_work_order",
            "A work order's line, units produced and units rejected.",
            {"wo": str},
            _row("h8_work_orders", "work order", "wo"),
        ),
        Tool(
            "h8_close_work_order",
            "Close a work order.",
            {"wo": str, "status": str},
            _setter("h8_wo_status", "wo", "status"),
        ),
        Tool(
            "h8_quality_alert",
            "Raise a quality alert for a production line.",
            {"line": str, "wo": str},
            _append("h8_alerts", "line", "wo"),
        ),
        Tool(
            "h8_claim",
            "An insurance claim: its policy and the amount claimed.",
            {"claim": str},
            _row("h8_claims", "claim", "claim"),
        ),
        Tool(
            "h8_policy_terms",
            "A policy's deductible and cover cap (EUR).",
            {"policy": str},
            _row("h8_policies", "policy", "policy"),
        ),
        Tool(
            "h8_pay_claim",
            "Pay an amount (EUR) on a claim.",
            {"claim": str, "eur": int},
            _append("h8_claim_payments", "claim", "eur"),
        ),
        Tool("h8_member", "A dental plan member (plain text).", {"member": str}, _member),
        Tool(
            "h8_dental_claim",
            "A dental claim: treatment date and amount (EUR).",
            {"claim": str},
            _row("h8_dental", "dental claim", "claim"),
        ),
        Tool(
            "h8_approve_dental",
            "Approve and pay a dental claim.",
            {"claim": str, "eur": float},
            _append("h8_dental_paid", "claim", "eur"),
        ),
        Tool(
            "h8_vehicle",
            "A van's odometer and the odometer reading at its last service (km).",
            {"reg": str},
            _row("h8_vehicles", "vehicle", "reg"),
        ),
        Tool(
            "h8_book_trip",
            "Book a van for a trip of some km.",
            {"reg": str, "km": int},
            _append("h8_trips", "reg", "km"),
        ),
        Tool("h8_book_service", "Book a van in for its service.", {"reg": str}, _append("h8_services", "reg")),
        Tool(
            "h8_depot_tyres",
            "The vans of a depot and their tyre tread depth (mm).",
            {"depot": str},
            _row("h8_depots", "depot", "depot"),
        ),
        Tool(
            "h8_part_price",
            "A part's description and unit price (EUR).",
            {"part": str},
            _row("h8_prices", "part", "part"),
        ),
        Tool(
            "h8_place_order",
            "Place a purchase order.",
            {"part": str, "qty": int, "total_eur": float},
            _append("h8_orders", "part", "qty", "total_eur"),
        ),
        Tool(
            "h8_request_approval",
            "Ask a manager to approve a purchase.",
            {"part": str, "qty": int, "total_eur": float},
            _append("h8_approvals", "part", "qty", "total_eur"),
        ),
        Tool("h8_prescription", "A prescription at the pharmacy counter (plain text).", {"rx": str}, _prescription),
        Tool("h8_hand_out", "Hand a prescription out to the patient.", {"rx": str}, _append("h8_handed_out", "rx")),
        Tool(
            "h8_ward_nurses",
            "The nurses of a ward and their hours this week.",
            {"ward": str},
            _row("h8_wards", "ward", "ward"),
        ),
        Tool(
            "h8_assign_on_call",
            "Put a nurse on call for a ward tonight.",
            {"ward": str, "nurse": str},
            _append("h8_oncall", "ward", "nurse"),
        ),
        Tool("h8_request_agency", "Request an agency nurse for a ward.", {"ward": str}, _append("h8_agency", "ward")),
    ]
}

FAMILIES = [
    dispense,
    interact,
    infusion,
    overtime,
    leave,
    payraise,
    tolerance,
    scrap,
    settle,
    waiting,
    service,
    tyres,
    order,
    handout,
    oncall,
]
