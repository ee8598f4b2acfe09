"""Held-out probe families, second red-team round (issue 9): domains and phrasings no other set uses.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h2_` and
collide with no other set. Run with the public families:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" \
        --families /work/shared/bench/families.py bench/families_heldout2.py --goals 8 --seed 1

In every family the first four goals agree on something a later goal breaks. The traps:

- h2_dose      pharmacy: mg/kg times a charted weight, capped by the drug's single-dose maximum; the cap
               never binds in the first goals (the maximum and the weight stay inside their ranges, only
               their *relation* changes), an allergy text later names the drug
- h2_renew     library loans, possessive several-word names; a plain-text loan status "renewals used U of
               M" where U and M each stay in range and U == M later; holds appear later
- h2_park      "charge" or "refund" a parking stay: the goal word picks the tool and is no argument;
               minutes to hours at a zone's hourly tariff (2 dp)
- h2_enrol     a clinical trial's age window against a subject's age: both in range, relation flips;
               consent text "signed" / "withdrawn"
- h2_picklist  a question about a pick list of varying length (two lines at first): the answer lists
               every bin and the total units
- h2_payroll   net pay after a nested tax rate that is 20 % in every early goal
- h2_vents     greenhouse vents "unless it is below T C" and the look-alike "close ... unless it is
               above T C"; a plain-text sensor line with a clock time and unread humidity / CO2
- h2_vat       a consulting invoice: hours x rate, VAT from a nested billing field (19 % at first); the
               answer states the live invoice number and total
- h2_seats     event seats: a non-idempotent booking only when enough seats are left (both in range,
               relation flips); the answer states the booking reference and price
- h2_tm        translation memory: a plain-text lookup whose several-word translation the answer restates
- h2_dns       "Point HOST at IP" (idempotent upsert) vs "Stop pointing HOST at IP" (destructive delete,
               only if it still points there); a `locked` flag and an unread TTL
- h2_merge     a git-like merge gated by a plain-text branch status (checks, review); the answer states
               the live merge commit
- h2_locker    a quota inside a plain-text result ("5 of 5 lockers taken"): both numbers inside the ranges
               six agreeing goals saw, the seventh is full (no annotations)
- h2_kiln      a derived setpoint (temperature + raise) against an unread maximum: every number inside its
               range, the seventh goal passes the maximum (idempotent write)

MCP annotations: some tools declare hints (ANNOTATIONS), others none. Loaded inside `tools_server.py`
this module wraps `add_tool` to add them (nothing happens in any other process).
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
INT, CAPWORD, CAPWORDS = fam.INT, fam.CAPWORD, fam.CAPWORDS
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True}

# tool -> MCP annotations; a tool not named here declares none
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h2_patient_chart": READ,
    "h2_drug_info": READ,
    "h2_zone_tariff": READ,
    "h2_charge_plate": WRITE,
    "h2_trial_criteria": READ,
    "h2_pick_list": READ,
    "h2_open_vents": IDEMPOTENT,
    "h2_close_vents": IDEMPOTENT,
    "h2_seat_map": READ,
    "h2_book_seats": WRITE,
    "h2_tm_lookup": READ,
    "h2_dns_get": READ,
    "h2_dns_upsert": IDEMPOTENT,
    "h2_dns_delete": DESTRUCTIVE,
    "h2_kiln_status": READ,
    "h2_set_kiln": IDEMPOTENT,
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

    if getattr(Server.add_tool, "_h2_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h2_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(a[key])
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _mixed(i: int, rng: random.Random, early: Any, *later: Any) -> Any:
    """The early value for the first four goals, then one of early/later at random."""
    return early if i < 4 else rng.choice([early, *later])


FIRST = ["Ada", "Bruno", "Chen", "Dalia", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jun", "Kaia", "Luis"]
LAST = ["Park", "Okafor", "Silva", "Novak", "Berg", "Ito", "Costa", "Haddad", "Lund", "Moreau"]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# =========================================================================== 1. pharmacy: capped dose
def _dispense(s: State, a: dict) -> dict:
    out = s.setdefault("dispensed", [])
    out.append({"patient": a["patient"], "drug": a["drug"], "mg": a["mg"]})
    return {"label": f"RX-{5100 + len(out)}", "mg": a["mg"]}


DRUGS = ["amoxicillin", "ibuprofen", "cefalexin", "paracetamol", "naproxen", "azithromycin"]
OTHER_ALLERGY = ["latex", "peanuts", "sulfa drugs", "pollen"]


def _dose_mg(p: Params, b: State) -> int:
    chart, drug = b["tables"]["h2_charts"][p["pid"]], b["tables"]["h2_drugs"][p["drug"]]
    return min(round(chart["weight_kg"] * p["mgkg"]), drug["max_single_mg"])


def sample_dose(rng: random.Random, w: State, i: int) -> Params:
    pid, drug = f"P{rng.randint(10000, 99999)}", rng.choice(DRUGS)
    cap = w["tables"].setdefault("h2_drugs", {}).setdefault(drug, {"drug": drug, "max_single_mg": 0})
    cap["max_single_mg"] = cap["max_single_mg"] or rng.choice([500, 600, 750, 900, 1000])
    trap = _mixed(i, rng, "none", "cap", "allergy")
    weight = round(rng.uniform(48, 92), 1)
    mgkg = rng.randint(2, 5) if trap != "cap" else rng.randint(14, 20)
    while is_tie(weight * mgkg, 0):
        weight = round(rng.uniform(48, 92), 1)
    allergies = ", ".join(rng.sample(OTHER_ALLERGY, rng.randint(1, 2)))
    if trap == "allergy":
        allergies = f"{drug}, {rng.choice(OTHER_ALLERGY)}"
    w["tables"].setdefault("h2_charts", {})[pid] = {"patient": pid, "weight_kg": weight, "allergies": allergies}
    return {"pid": pid, "drug": drug, "mgkg": mgkg, "wording": rng.randrange(2)}


def _allergic(p: Params, b: State) -> bool:
    return p["drug"] in b["tables"]["h2_charts"][p["pid"]]["allergies"]


def _dose_of(p: Params, r: dict) -> int:
    return min(round(r["h2_patient_chart"]["weight_kg"] * p["mgkg"]), r["h2_drug_info"]["max_single_mg"])


dose = Family(
    name="h2_dose",
    templates=[
        "Dispense {drug} for patient {pid} at {mgkg} mg per kg",
        "Patient {pid} needs {drug}, {mgkg} mg/kg: dispense one dose",
    ],
    fields={"drug": fam.LOWER, "pid": fam.Field(r"P\d{5}"), "mgkg": INT},
    sample=sample_dose,
    plan=[
        Step("h2_patient_chart", lambda p, r: {"patient": p["pid"]}, group="look"),
        Step("h2_drug_info", lambda p, r: {"drug": p["drug"]}, group="look"),
        Step(
            "h2_dispense",
            lambda p, r: {"patient": p["pid"], "drug": p["drug"], "mg": _dose_of(p, r)},
            when=lambda p, r: p["drug"] not in r["h2_patient_chart"]["allergies"],
        ),
    ],
    expect=lambda p, b: (
        {} if _allergic(p, b) else {"dispensed": [{"patient": p["pid"], "drug": p["drug"], "mg": _dose_mg(p, b)}]}
    ),
    answer=lambda p, b: ["allerg"] if _allergic(p, b) else [_dose_mg(p, b)],
    summary=lambda p, r: (
        f"Dispensed {r['h2_dispense']['mg']} mg of {p['drug']} for {p['pid']} (label {r['h2_dispense']['label']})."
        if "h2_dispense" in r
        else f"Not dispensed: {p['pid']} is allergic to {p['drug']}."
    ),
)


# =========================================================================== 2. library: renew a loan
def _loan_status(s: State, a: dict) -> str:
    loan = s.get("loans", {}).get(f"{a['member']}|{a['title']}")
    if loan is None:
        raise ToolFail(f"{a['member']} has no loan of '{a['title']}'")
    holds = f"{loan['holds']} waiting" if loan["holds"] else "none"
    return (
        f"Loan {loan['id']} for {a['member']}: '{a['title']}' due {loan['due']}; "
        f"renewals used {loan['used']} of {loan['max']}; holds: {holds}"
    )


def _renew(s: State, a: dict) -> dict:
    for loan in s.get("loans", {}).values():
        if loan["id"] == a["loan"]:
            loan["used"] += 1
            loan["due"] = (dt.date.fromisoformat(loan["due"]) + dt.timedelta(days=21)).isoformat()
            return {"loan": a["loan"], "due": loan["due"], "renewals_used": loan["used"]}
    raise ToolFail(f"no loan {a['loan']}")


TITLES = ["The Hobbit", "Middlemarch", "Dune", "Beloved", "Kindred", "Emma", "Ulysses", "Persuasion", "Solaris"]
# (used, max): the first goals cover used 0..3 and max 2..5 with used < max; later used == max
EARLY_LOANS = [(3, 5), (0, 2), (1, 4), (2, 3)]


def sample_renew(rng: random.Random, w: State, i: int) -> Params:
    member, title = _person(rng), rng.choice(TITLES)
    used, top = EARLY_LOANS[i] if i < 4 else rng.choice([(1, 3), (3, 3), (2, 2), (0, 4)])
    holds = 0 if i < 4 else rng.choice([0, 0, 2])
    due = dt.date(2026, rng.randint(1, 11), rng.randint(1, 28)).isoformat()
    w.setdefault("loans", {})[f"{member}|{title}"] = {
        "id": f"L-{rng.randint(1000, 9999)}",
        "due": due,
        "used": used,
        "max": top,
        "holds": holds,
    }
    return {"member": member, "title": title}


def _renewable(loan: dict) -> bool:
    return loan["used"] < loan["max"] and not loan["holds"]


def _loan(p: Params, b: State) -> dict:
    return b["loans"][f"{p['member']}|{p['title']}"]


def _expect_renew(p: Params, b: State) -> dict:
    loan = _loan(p, b)
    if not _renewable(loan):
        return {}
    due = (dt.date.fromisoformat(loan["due"]) + dt.timedelta(days=21)).isoformat()
    return {"loans": {f"{p['member']}|{p['title']}": {**loan, "used": loan["used"] + 1, "due": due}}}


def _status_fields(text: str) -> dict:
    m = re.search(r"Loan (\S+) .*renewals used (\d+) of (\d+); holds: (.*)$", text)
    assert m is not None
    return {"id": m.group(1), "used": int(m.group(2)), "max": int(m.group(3)), "holds": m.group(4) != "none"}


renew = Family(
    name="h2_renew",
    templates=["Renew {member}'s loan of '{title}'", "Can you extend the loan of '{title}' for {member}?"],
    fields={"member": CAPWORDS, "title": fam.QUOTED},
    sample=lambda rng, w, i: {**sample_renew(rng, w, i), "wording": rng.randrange(2)},
    plan=[
        Step("h2_loan_status", lambda p, r: {"member": p["member"], "title": p["title"]}),
        Step(
            "h2_renew_loan",
            lambda p, r: {"loan": _status_fields(r["h2_loan_status"])["id"]},
            when=lambda p, r: _renewable(_status_fields(r["h2_loan_status"])),
        ),
    ],
    expect=_expect_renew,
    answer=lambda p, b: (
        [(dt.date.fromisoformat(_loan(p, b)["due"]) + dt.timedelta(days=21)).isoformat()]
        if _renewable(_loan(p, b))
        else ["cannot"]
    ),
    summary=lambda p, r: (
        f"Renewed: '{p['title']}' is now due {r['h2_renew_loan']['due']}."
        if "h2_renew_loan" in r
        else f"I cannot renew it. {r['h2_loan_status']}"
    ),
)


# =========================================================================== 3. parking: charge or refund
def _ledger(kind: str):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault("parking_ledger", [])
        out.append({"kind": kind, "plate": a["plate"], "amount": a["amount"]})
        return {"ok": True, "ref": f"{kind[:2].upper()}-{880 + len(out)}", "amount": a["amount"]}

    return run


ZONES = {"A": 3.6, "B": 2.4, "C": 1.8, "D": 4.2, "E": 2.75}


def sample_park(rng: random.Random, w: State, i: int) -> Params:
    zone = rng.choice(list(ZONES))
    w["tables"].setdefault("h2_zones", {})[zone] = {"zone": zone, "per_hour_eur": ZONES[zone]}
    minutes = rng.randint(12, 400)
    while is_tie(minutes / 60 * ZONES[zone], 2):
        minutes = rng.randint(12, 400)
    plate = f"{rng.choice(['KL', 'MZ', 'BX', 'RT'])}-{rng.randint(100, 999)}"
    verb = _mixed(i, rng, "charge", "refund")
    return {"verb": verb, "plate": plate, "minutes": minutes, "zone": zone}


def _park_amount(p: Params, b: State) -> float:
    return round_half_up(p["minutes"] / 60 * b["tables"]["h2_zones"][p["zone"]]["per_hour_eur"], 2)


park = Family(
    name="h2_park",
    templates=["Please {verb} plate {plate} for {minutes} minutes of parking in zone {zone}"],
    fields={
        "verb": fam.Field(r"charge|refund"),
        "plate": fam.Field(r"[A-Z]{2}-\d{3}"),
        "minutes": INT,
        "zone": fam.Field(r"[A-Z]"),
    },
    sample=sample_park,
    plan=[
        Step("h2_zone_tariff", lambda p, r: {"zone": p["zone"]}),
        Step(
            "h2_charge_plate",
            lambda p, r: {
                "plate": p["plate"],
                "amount": round_half_up(p["minutes"] / 60 * r["h2_zone_tariff"]["per_hour_eur"], 2),
            },
            when=lambda p, r: p["verb"] == "charge",
        ),
        Step(
            "h2_refund_plate",
            lambda p, r: {
                "plate": p["plate"],
                "amount": round_half_up(p["minutes"] / 60 * r["h2_zone_tariff"]["per_hour_eur"], 2),
            },
            when=lambda p, r: p["verb"] == "refund",
        ),
    ],
    expect=lambda p, b: {"parking_ledger": [{"kind": p["verb"], "plate": p["plate"], "amount": _park_amount(p, b)}]},
    answer=lambda p, b: [_park_amount(p, b)],
    summary=lambda p, r: f"Done: {p['verb']} of {_park_amount_r(p, r)} EUR for {p['plate']}.",
)


def _park_amount_r(p: Params, r: dict) -> float:
    return round_half_up(p["minutes"] / 60 * r["h2_zone_tariff"]["per_hour_eur"], 2)


# =========================================================================== 4. clinical trial: age window
def _enrol(s: State, a: dict) -> dict:
    out = s.setdefault("enrolments", [])
    out.append({"subject": a["subject"], "trial": a["trial"]})
    return {"enrolled": a["subject"], "trial": a["trial"], "arm": "A" if len(out) % 2 else "B"}


# (age, max_age, consent): first goals cover ages 22..58 and windows up to 50..70, all inside
EARLY_SUBJECTS = [(58, 70, "signed"), (22, 50, "signed"), (41, 64, "signed"), (35, 55, "signed")]
LATE_SUBJECTS = [(44, 66, "signed"), (55, 52, "signed"), (57, 50, "signed"), (30, 60, "withdrawn")]


def sample_enrol(rng: random.Random, w: State, i: int) -> Params:
    age, top, consent = EARLY_SUBJECTS[i] if i < 4 else rng.choice(LATE_SUBJECTS)
    sid, trial = f"S-{rng.randint(100, 999)}", f"NCT{rng.randint(1000, 9999)}"
    w["tables"].setdefault("h2_subjects", {})[sid] = {"subject": sid, "age": age, "consent": consent}
    w["tables"].setdefault("h2_trials", {})[trial] = {"trial": trial, "min_age": 18, "max_age": top}
    return {"sid": sid, "trial": trial, "wording": rng.randrange(2)}


def _eligible(subject: dict, trial: dict) -> bool:
    return subject["consent"] == "signed" and trial["min_age"] <= subject["age"] <= trial["max_age"]


def _eligible_b(p: Params, b: State) -> bool:
    return _eligible(b["tables"]["h2_subjects"][p["sid"]], b["tables"]["h2_trials"][p["trial"]])


enrol = Family(
    name="h2_enrol",
    templates=["Enrol subject {sid} in trial {trial}", "Add {sid} to the {trial} study if they qualify"],
    fields={"sid": fam.Field(r"S-\d{3}"), "trial": fam.Field(r"NCT\d{4}")},
    sample=sample_enrol,
    plan=[
        Step("h2_subject", lambda p, r: {"subject": p["sid"]}, group="look"),
        Step("h2_trial_criteria", lambda p, r: {"trial": p["trial"]}, group="look"),
        Step(
            "h2_enrol_subject",
            lambda p, r: {"subject": p["sid"], "trial": p["trial"]},
            when=lambda p, r: _eligible(r["h2_subject"], r["h2_trial_criteria"]),
        ),
    ],
    expect=lambda p, b: {"enrolments": [{"subject": p["sid"], "trial": p["trial"]}]} if _eligible_b(p, b) else {},
    answer=lambda p, b: [p["sid"]] if _eligible_b(p, b) else ["not eligible"],
    summary=lambda p, r: (
        f"{p['sid']} is enrolled in {p['trial']} (arm {r['h2_enrol_subject']['arm']})."
        if "h2_enrol_subject" in r
        else f"{p['sid']} is not eligible for {p['trial']} (age {r['h2_subject']['age']}, "
        f"window {r['h2_trial_criteria']['min_age']}-{r['h2_trial_criteria']['max_age']}, "
        f"consent {r['h2_subject']['consent']})."
    ),
)


# =========================================================================== 5. warehouse: pick list question
BINS = [f"{a}-{r:02d}-{s}" for a in "ABCD" for r in range(1, 13) for s in range(1, 4)]


def sample_picklist(rng: random.Random, w: State, i: int) -> Params:
    order = f"PL{rng.randint(10000, 99999)}"
    n = 2 if i < 4 else rng.randint(1, 4)
    lines = [{"sku": f"SKU-{rng.randint(100, 999)}", "bin": b, "qty": rng.randint(1, 12)} for b in rng.sample(BINS, n)]
    w["tables"].setdefault("h2_picklists", {})[order] = {"order": order, "lines": lines}
    return {"order": order, "wording": rng.randrange(2)}


def _pick_facts(p: Params, b: State) -> list:
    lines = b["tables"]["h2_picklists"][p["order"]]["lines"]
    return [*(x["bin"] for x in lines), sum(x["qty"] for x in lines)]


picklist = Family(
    name="h2_picklist",
    templates=[
        "Which bins do I visit for pick list {order}, and how many units in total?",
        "For pick list {order}: list the bins and the total unit count",
    ],
    fields={"order": fam.Field(r"PL\d{5}")},
    sample=sample_picklist,
    plan=[Step("h2_pick_list", lambda p, r: {"order": p["order"]})],
    expect=lambda p, b: {},
    answer=_pick_facts,
    summary=lambda p, r: (
        "Visit bins "
        + ", ".join(x["bin"] for x in r["h2_pick_list"]["lines"])
        + f"; {sum(x['qty'] for x in r['h2_pick_list']['lines'])} units in total."
    ),
)


# =========================================================================== 6. payroll: nested tax rate
def _payout(s: State, a: dict) -> dict:
    out = s.setdefault("payouts", [])
    out.append({"employee": a["employee"], "net_eur": a["net_eur"]})
    return {"payslip": f"PS-{3300 + len(out)}", "net_eur": a["net_eur"]}


def sample_payroll(rng: random.Random, w: State, i: int) -> Params:
    name = _person(rng)
    rate = round(rng.uniform(14, 48), 2)
    tax = _mixed(i, rng, 20, 10, 32, 41)
    hours = rng.randint(4, 60)
    while is_tie(hours * rate * (1 - tax / 100), 2):
        rate = round(rng.uniform(14, 48), 2)
    w["tables"].setdefault("h2_staff", {})[name] = {"name": name, "hourly_eur": rate, "tax": {"rate_pct": tax}}
    return {"name": name, "hours": hours, "wording": rng.randrange(2)}


def _net(hours: int, row: dict) -> float:
    return round_half_up(hours * row["hourly_eur"] * (1 - row["tax"]["rate_pct"] / 100), 2)


payroll = Family(
    name="h2_payroll",
    templates=["Pay {name} for {hours} hours worked this week", "Run payroll: {hours} hours for {name}"],
    fields={"name": CAPWORDS, "hours": INT},
    sample=sample_payroll,
    plan=[
        Step("h2_employee", lambda p, r: {"name": p["name"]}),
        Step("h2_pay_net", lambda p, r: {"employee": p["name"], "net_eur": _net(p["hours"], r["h2_employee"])}),
    ],
    expect=lambda p, b: {
        "payouts": [{"employee": p["name"], "net_eur": _net(p["hours"], b["tables"]["h2_staff"][p["name"]])}]
    },
    answer=lambda p, b: [_net(p["hours"], b["tables"]["h2_staff"][p["name"]])],
    summary=lambda p, r: f"Paid {p['name']} {r['h2_pay_net']['net_eur']} EUR net ({r['h2_pay_net']['payslip']}).",
)


# =========================================================================== 7. greenhouse: vents with negation
def _sensor(s: State, a: dict) -> str:
    row = s["tables"].get("h2_greenhouses", {}).get(a["greenhouse"])
    if row is None:
        raise ToolFail(f"no greenhouse {a['greenhouse']}")
    return (
        f"Greenhouse {a['greenhouse']} at {row['clock']}: air {row['air_c']} C, "
        f"humidity {row['rh']}%, CO2 {row['co2']} ppm"
    )


def _vents(state: str):
    def run(s: State, a: dict) -> dict:
        if a["greenhouse"] not in s["tables"].get("h2_greenhouses", {}):
            raise ToolFail(f"no greenhouse {a['greenhouse']}")
        s.setdefault("vents", {})[a["greenhouse"]] = state
        return {"greenhouse": a["greenhouse"], "vents": state}

    return run


def sample_vents(rng: random.Random, w: State, i: int) -> Params:
    gh = f"G{rng.randint(10, 99)}"
    wording = _mixed(i, rng, 0, 1)
    t = rng.randint(15, 24)
    gap = _mixed(i, rng, 1, -1)  # +1: the condition lets the action go ahead
    delta = round(rng.uniform(0.5, 6.0), 1)
    air = t + delta if (wording == 0) == (gap > 0) else t - delta
    w["tables"].setdefault("h2_greenhouses", {})[gh] = {
        "air_c": round(air, 1),
        "rh": rng.randint(35, 95),
        "co2": rng.randint(380, 1400),
        "clock": f"{rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}",
    }
    w.setdefault("vents", {})[gh] = "closed" if wording == 0 else "open"
    return {"gh": gh, "t": t, "wording": wording}


def _vent_action(wording: int, air: float, t: int) -> str | None:
    if wording == 0:
        return None if air < t else "open"
    return None if air > t else "closed"


def _air(text: str) -> float:
    return float(text.split("air ")[1].split(" C")[0])


def _vent_expect(p: Params, b: State) -> dict:
    act = _vent_action(p["wording"], b["tables"]["h2_greenhouses"][p["gh"]]["air_c"], p["t"])
    return {"vents": {p["gh"]: act}} if act else {}


vents = Family(
    name="h2_vents",
    templates=[
        "Open the vents of greenhouse {gh} unless it is below {t} C",
        "Close the vents of greenhouse {gh} unless it is above {t} C",
    ],
    fields={"gh": fam.Field(r"G\d{2}"), "t": INT},
    sample=sample_vents,
    plan=[
        Step("h2_greenhouse_sensor", lambda p, r: {"greenhouse": p["gh"]}),
        Step(
            "h2_open_vents",
            lambda p, r: {"greenhouse": p["gh"]},
            when=lambda p, r: _vent_action(p["wording"], _air(r["h2_greenhouse_sensor"]), p["t"]) == "open",
        ),
        Step(
            "h2_close_vents",
            lambda p, r: {"greenhouse": p["gh"]},
            when=lambda p, r: _vent_action(p["wording"], _air(r["h2_greenhouse_sensor"]), p["t"]) == "closed",
        ),
    ],
    expect=_vent_expect,
    answer=lambda p, b: [b["tables"]["h2_greenhouses"][p["gh"]]["air_c"]],
    summary=lambda p, r: (
        f"{p['gh']} is at {_air(r['h2_greenhouse_sensor'])} C: "
        + ("vents opened." if "h2_open_vents" in r else "vents closed." if "h2_close_vents" in r else "left as is.")
    ),
)


# =========================================================================== 8. invoice with VAT
def _create_invoice(s: State, a: dict) -> dict:
    out = s.setdefault("issued_invoices", [])
    out.append({k: a[k] for k in ("client", "net", "vat", "total")})
    return {"number": f"RE-2026-{417 + 3 * len(out):04d}", "total": a["total"]}


CLIENTS = ["Acme", "Borealis", "Cobalt", "Dunmore", "Everly", "Fjord", "Granite", "Halcyon", "Ironwood", "Juniper"]


def sample_vat(rng: random.Random, w: State, i: int) -> Params:
    client = rng.choice(CLIENTS) + rng.choice(["", " Labs", " Works"])
    country, vat = _mixed(i, rng, ("DE", 19), ("FR", 20), ("CH", 0), ("AT", 20))
    rate = rng.choice([85, 95, 110, 120, 135, 150])
    hours = round(rng.uniform(1, 40) * 4) / 4
    w["tables"].setdefault("h2_clients", {})[client] = {
        "client": client,
        "rate_eur": rate,
        "billing": {"country": country, "vat_pct": vat},
    }
    return {"client": client, "hours": int(hours) if hours == int(hours) else hours, "wording": rng.randrange(2)}


def _vat_args(hours: float, row: dict, client: str) -> dict:
    net = round_half_up(hours * row["rate_eur"], 2)
    vat = round_half_up(net * row["billing"]["vat_pct"] / 100, 2)
    return {"client": client, "net": net, "vat": vat, "total": round_half_up(net + vat, 2)}


vat = Family(
    name="h2_vat",
    templates=["Invoice {client} for {hours} hours of consulting", "Bill {hours} consulting hours to {client}"],
    fields={"client": CAPWORDS, "hours": fam.NUM},
    sample=sample_vat,
    plan=[
        Step("h2_client", lambda p, r: {"client": p["client"]}),
        Step("h2_create_invoice", lambda p, r: _vat_args(p["hours"], r["h2_client"], p["client"])),
    ],
    expect=lambda p, b: {
        "issued_invoices": [_vat_args(p["hours"], b["tables"]["h2_clients"][p["client"]], p["client"])]
    },
    answer=lambda p, b: [_vat_args(p["hours"], b["tables"]["h2_clients"][p["client"]], p["client"])["total"]],
    summary=lambda p, r: (
        f"Invoice {r['h2_create_invoice']['number']} issued to {p['client']}: "
        f"{r['h2_create_invoice']['total']} EUR including VAT."
    ),
)


# =========================================================================== 9. event seats
def _seat_map(s: State, a: dict) -> dict:
    row = s.get("seatmaps", {}).get(f"{a['event']}|{a['section']}")
    if row is None:
        raise ToolFail(f"no section {a['section']} at {a['event']}")
    return {"event": a["event"], "section": a["section"], "left": row["left"], "price_eur": row["price"]}


def _book_seats(s: State, a: dict) -> dict:
    row = s.get("seatmaps", {}).get(f"{a['event']}|{a['section']}")
    if row is None:
        raise ToolFail(f"no section {a['section']} at {a['event']}")
    row["left"] -= a["seats"]  # overbooking is not refused: a wrong replay shows as a negative count
    out = s.setdefault("bookings", [])
    out.append({"event": a["event"], "section": a["section"], "seats": a["seats"]})
    return {"booking": f"TK{rng_ref(len(out))}", "seats": a["seats"], "total_eur": row["price"] * a["seats"]}


def rng_ref(n: int) -> str:
    return f"{(n * 7919) % 100000:05d}"


EVENTS = ["Hamlet", "Carmen", "Tosca", "Giselle", "Aida", "Rigoletto", "Nabucco", "Coppelia"]
SECTIONS = ["stalls", "balcony", "circle", "gallery"]
# (seats asked, seats left): the first goals see left 5..40 and asks 1..6, always enough
EARLY_SEATS = [(2, 5), (6, 40), (3, 17), (1, 9)]
LATE_SEATS = [(4, 30), (8, 6), (7, 5), (2, 11)]


def sample_seats(rng: random.Random, w: State, i: int) -> Params:
    n, left = EARLY_SEATS[i] if i < 4 else rng.choice(LATE_SEATS)
    event, section = f"{rng.choice(EVENTS)} {rng.randint(2, 29)} May", rng.choice(SECTIONS)
    w.setdefault("seatmaps", {})[f"{event}|{section}"] = {"left": left, "price": rng.choice([24, 38.5, 52, 79])}
    return {"n": n, "event": event, "section": section}


def _seats_ok(p: Params, b: State) -> bool:
    return b["seatmaps"][f"{p['event']}|{p['section']}"]["left"] >= p["n"]


def _expect_seats(p: Params, b: State) -> dict:
    if not _seats_ok(p, b):
        return {}
    key = f"{p['event']}|{p['section']}"
    row = b["seatmaps"][key]
    return {
        "seatmaps": {key: {**row, "left": row["left"] - p["n"]}},
        "bookings": [{"event": p["event"], "section": p["section"], "seats": p["n"]}],
    }


seats = Family(
    name="h2_seats",
    templates=["Book {n} seats for {event} in the {section}"],
    fields={"n": INT, "event": fam.Field(r"[A-Z][a-z]+ \d+ May"), "section": fam.LOWER},
    sample=sample_seats,
    plan=[
        Step("h2_seat_map", lambda p, r: {"event": p["event"], "section": p["section"]}),
        Step(
            "h2_book_seats",
            lambda p, r: {"event": p["event"], "section": p["section"], "seats": p["n"]},
            when=lambda p, r: r["h2_seat_map"]["left"] >= p["n"],
        ),
    ],
    expect=_expect_seats,
    answer=lambda p, b: (
        [p["n"] * b["seatmaps"][f"{p['event']}|{p['section']}"]["price"]]
        if _seats_ok(p, b)
        else [b["seatmaps"][f"{p['event']}|{p['section']}"]["left"]]
    ),
    summary=lambda p, r: (
        f"Booked {p['n']} seats ({r['h2_book_seats']['booking']}), {r['h2_book_seats']['total_eur']} EUR."
        if "h2_book_seats" in r
        else f"Only {r['h2_seat_map']['left']} seats are left in the {p['section']}: nothing booked."
    ),
)


# =========================================================================== 10. translation memory
TM = {
    ("good morning", "French"): "bonjour",
    ("good morning", "German"): "guten Morgen",
    ("the invoice is overdue", "French"): "la facture est en retard",
    ("the invoice is overdue", "German"): "die Rechnung ist überfällig",
    ("the invoice is overdue", "Spanish"): "la factura está vencida",
    ("please sign here", "French"): "veuillez signer ici",
    ("please sign here", "Spanish"): "firme aquí por favor",
    ("please sign here", "Italian"): "si prega di firmare qui",
    ("out of stock", "German"): "nicht vorrätig",
    ("out of stock", "Italian"): "esaurito",
    ("out of stock", "Spanish"): "agotado",
    ("see you tomorrow", "Italian"): "a domani",
    ("see you tomorrow", "French"): "à demain",
    ("delivery is delayed", "Spanish"): "la entrega se ha retrasado",
    ("delivery is delayed", "German"): "die Lieferung verzögert sich",
}


def _tm_lookup(s: State, a: dict) -> str:
    row = s["tables"].get("h2_tm", {}).get(f"{a['phrase']}|{a['language']}")
    if row is None:
        return f"no {a['language']} entry for '{a['phrase']}'"
    if row["score"] == 100:
        return f"exact match ({a['language']}): {row['text']}"
    return f"fuzzy match {row['score']}% ({a['language']}): {row['text']} [needs review]"


def sample_tm(rng: random.Random, w: State, i: int) -> Params:
    (phrase, lang), text = rng.choice(sorted(TM.items()))
    score = _mixed(i, rng, 100, 100, 87, 74)
    w["tables"].setdefault("h2_tm", {})[f"{phrase}|{lang}"] = {"text": text, "score": score}
    return {"phrase": phrase, "lang": lang, "wording": rng.randrange(2)}


tm = Family(
    name="h2_tm",
    templates=["What is '{phrase}' in {lang}?", "Look up the {lang} translation of '{phrase}'"],
    fields={"phrase": fam.QUOTED, "lang": CAPWORD},
    sample=sample_tm,
    plan=[Step("h2_tm_lookup", lambda p, r: {"phrase": p["phrase"], "language": p["lang"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [b["tables"]["h2_tm"][f"{p['phrase']}|{p['lang']}"]["text"]],
    summary=lambda p, r: f"The translation memory says: {r['h2_tm_lookup']}",
)


# =========================================================================== 11. DNS: point / stop pointing
def _dns_get(s: State, a: dict) -> dict:
    zone = s.get("dns", {}).get(a["host"])
    if zone is None:
        raise ToolFail(f"no zone entry for {a['host']}")
    recs = [{"type": "A", "value": zone["a"], "ttl": zone["ttl"]}] if zone["a"] else []
    return {"host": a["host"], "records": recs, "locked": zone["locked"]}


def _dns_set(s: State, a: dict) -> dict:
    zone = s.get("dns", {}).get(a["host"])
    if zone is None or zone["locked"]:
        raise ToolFail(f"{a['host']} cannot be changed")
    zone["a"] = a["ip"]
    return {"host": a["host"], "a": a["ip"]}


def _dns_delete(s: State, a: dict) -> dict:
    zone = s.get("dns", {}).get(a["host"])
    if zone is None or zone["locked"]:
        raise ToolFail(f"{a['host']} cannot be changed")
    zone["a"] = None
    return {"host": a["host"], "deleted": a["ip"]}


def _ip(rng: random.Random) -> str:
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def sample_dns(rng: random.Random, w: State, i: int) -> Params:
    host = f"{rng.choice(['api', 'cdn', 'mail', 'vpn', 'git', 'docs'])}{rng.randint(1, 99)}.example.org"
    wording = _mixed(i, rng, 0, 1, 1)
    ip, other = _ip(rng), _ip(rng)
    locked = _mixed(i, rng, False, True)
    current = other if wording == 0 else rng.choice([ip, ip, other])
    w.setdefault("dns", {})[host] = {"a": current, "ttl": rng.choice([60, 300, 3600, 86400]), "locked": locked}
    return {"host": host, "ip": ip, "wording": wording}


def _dns_action(p: Params, zone: dict) -> str | None:
    if zone["locked"]:
        return None
    if p["wording"] == 0:
        return "upsert"
    return "delete" if zone["a"] == p["ip"] else None


def _dns_expect(p: Params, b: State) -> dict:
    zone = b["dns"][p["host"]]
    act = _dns_action(p, zone)
    if act is None:
        return {}
    return {"dns": {p["host"]: {**zone, "a": p["ip"] if act == "upsert" else None}}}


def _zone_r(r: dict) -> dict:
    g = r["h2_dns_get"]
    return {"locked": g["locked"], "a": g["records"][0]["value"] if g["records"] else None}


dns = Family(
    name="h2_dns",
    templates=["Point {host} at {ip}", "Stop pointing {host} at {ip}"],
    fields={"host": fam.Field(r"[a-z]+\d+\.example\.org"), "ip": fam.Field(r"\d+\.\d+\.\d+\.\d+")},
    sample=sample_dns,
    plan=[
        Step("h2_dns_get", lambda p, r: {"host": p["host"]}),
        Step(
            "h2_dns_upsert",
            lambda p, r: {"host": p["host"], "ip": p["ip"]},
            when=lambda p, r: _dns_action(p, _zone_r(r)) == "upsert",
        ),
        Step(
            "h2_dns_delete",
            lambda p, r: {"host": p["host"], "ip": p["ip"]},
            when=lambda p, r: _dns_action(p, _zone_r(r)) == "delete",
        ),
    ],
    expect=_dns_expect,
    answer=lambda p, b: (
        ["locked"] if b["dns"][p["host"]]["locked"] else [p["ip"]] if _dns_action(p, b["dns"][p["host"]]) else []
    ),
    summary=lambda p, r: (
        f"{p['host']} now points at {p['ip']}."
        if "h2_dns_upsert" in r
        else f"Removed the record {p['host']} -> {p['ip']}."
        if "h2_dns_delete" in r
        else f"{p['host']} is locked: no change."
        if r["h2_dns_get"]["locked"]
        else f"{p['host']} does not point at {p['ip']}: no change."
    ),
)


# =========================================================================== 12. git-like merge
def _branch_status(s: State, a: dict) -> str:
    row = s.get("branches", {}).get(a["branch"])
    if row is None:
        raise ToolFail(f"no branch {a['branch']}")
    return (
        f"branch {a['branch']}: {row['ahead']} commits ahead, {row['behind']} behind main; "
        f"checks {row['checks']}; review: {row['review']}"
    )


def _merge(s: State, a: dict) -> dict:
    row = s.get("branches", {}).get(a["branch"])
    if row is None:
        raise ToolFail(f"no branch {a['branch']}")
    row["merged"] = True
    out = s.setdefault("merges", [])
    out.append(a["branch"])
    return {"merged": a["branch"], "commit": _merge_sha(len(out), a["branch"])}


def _merge_sha(n: int, branch: str) -> str:
    return f"{(n * 2654435761 + len(branch)) % 16**7:07x}"


REVIEWERS = ["Kim", "Ravi", "Olga", "Tomas"]


def sample_merge(rng: random.Random, w: State, i: int) -> Params:
    kind, topic = rng.choice(["feat", "fix", "chore"]), rng.choice(["login", "cache", "ui", "retry", "docs"])
    branch = f"{kind}/{topic}-{rng.randint(10, 99)}"
    checks = _mixed(i, rng, "passed", "failed")
    n = rng.randint(8, 40)
    checks_text = f"{checks} ({n}/{n})" if checks == "passed" else f"failed ({n - rng.randint(1, 3)}/{n})"
    review = _mixed(i, rng, "approved", "changes requested")
    w.setdefault("branches", {})[branch] = {
        "ahead": rng.randint(1, 9),
        "behind": rng.randint(0, 4),
        "checks": checks_text,
        "review": f"{review} by {rng.choice(REVIEWERS)}",
        "merged": False,
    }
    return {"branch": branch, "wording": rng.randrange(2)}


def _mergeable(row_text: str) -> bool:
    return "checks passed" in row_text and "review: approved" in row_text


def _mergeable_b(p: Params, b: State) -> bool:
    row = b["branches"][p["branch"]]
    return row["checks"].startswith("passed") and row["review"].startswith("approved")


def _merge_expect(p: Params, b: State) -> dict:
    if not _mergeable_b(p, b):
        return {}
    return {"branches": {p["branch"]: {**b["branches"][p["branch"]], "merged": True}}, "merges": [p["branch"]]}


merge = Family(
    name="h2_merge",
    templates=["Merge {branch} into main", "Land branch {branch} once it is green and approved"],
    fields={"branch": fam.Field(r"[a-z]+/[a-z]+-\d+")},
    sample=sample_merge,
    plan=[
        Step("h2_branch_status", lambda p, r: {"branch": p["branch"]}),
        Step(
            "h2_merge_branch",
            lambda p, r: {"branch": p["branch"]},
            when=lambda p, r: _mergeable(r["h2_branch_status"]),
        ),
    ],
    expect=_merge_expect,
    answer=lambda p, b: (
        [_merge_sha(len(b.get("merges", [])) + 1, p["branch"])] if _mergeable_b(p, b) else ["not merged"]
    ),
    summary=lambda p, r: (
        f"Merged {p['branch']} as {r['h2_merge_branch']['commit']}."
        if "h2_merge_branch" in r
        else f"{p['branch']} not merged: {r['h2_branch_status']}"
    ),
)


# =========================================================================== 13. lockers: a quota inside a text
def _room_lockers(s: State, a: dict) -> str:
    row = s.get("lockers", {}).get(a["room"])
    if row is None:
        raise ToolFail(f"no room {a['room']}")
    return f"Room {a['room']}: {row['taken']} of {row['total']} lockers taken"


def _assign_locker(s: State, a: dict) -> dict:
    row = s.get("lockers", {}).get(a["room"])
    if row is None:
        raise ToolFail(f"no room {a['room']}")
    row["taken"] += 1  # an over-full room is not refused: a wrong replay shows as taken > total
    out = s.setdefault("locker_assignments", [])
    out.append({"room": a["room"], "member": a["member"]})
    return {"ok": True, "locker": f"{a['room']}-{row['taken']:02d}"}


# (taken, total): the first goals see taken 0..7 and totals 3..9, always taken < total; goal 6 is full
EARLY_LOCKERS = [(0, 4), (7, 9), (3, 5), (1, 8), (5, 6), (2, 3)]
FULL_LOCKERS = [(5, 5), (3, 3), (6, 6)]


def sample_locker(rng: random.Random, w: State, i: int) -> Params:
    if i < len(EARLY_LOCKERS):
        taken, total = EARLY_LOCKERS[i]
    elif not w["tables"].get("h2_locker_trap"):  # the first goal after them (whatever repeats came between)
        w["tables"]["h2_locker_trap"] = True
        taken, total = FULL_LOCKERS[0]
    else:
        taken, total = rng.choice([*EARLY_LOCKERS, *FULL_LOCKERS])
    room = f"R{rng.randint(10, 99)}"
    w.setdefault("lockers", {})[room] = {"taken": taken, "total": total}
    return {"room": room, "member": rng.choice(FIRST)}


def _free(p: Params, b: State) -> bool:
    row = b["lockers"][p["room"]]
    return row["taken"] < row["total"]


def _taken_total(text: str) -> tuple[int, int]:
    m = re.search(r"(\d+) of (\d+) lockers", text)
    assert m is not None
    return int(m.group(1)), int(m.group(2))


locker = Family(
    name="h2_locker",
    templates=["Assign a locker in room {room} to {member}"],
    fields={"room": fam.Field(r"R\d{2}"), "member": CAPWORD},
    sample=sample_locker,
    plan=[
        Step("h2_room_lockers", lambda p, r: {"room": p["room"]}),
        Step(
            "h2_assign_locker",
            lambda p, r: {"room": p["room"], "member": p["member"]},
            when=lambda p, r: _taken_total(r["h2_room_lockers"])[0] < _taken_total(r["h2_room_lockers"])[1],
        ),
    ],
    expect=lambda p, b: (
        {
            "lockers": {p["room"]: {**b["lockers"][p["room"]], "taken": b["lockers"][p["room"]]["taken"] + 1}},
            "locker_assignments": [{"room": p["room"], "member": p["member"]}],
        }
        if _free(p, b)
        else {}
    ),
    answer=lambda p, b: [p["member"]] if _free(p, b) else ["full"],
    summary=lambda p, r: (
        f"{p['member']} has locker {r['h2_assign_locker']['locker']}."
        if "h2_assign_locker" in r
        else f"Room {p['room']} is full: no locker assigned."
    ),
)


# =========================================================================== 14. kiln: a derived setpoint, unread limit
def _kiln_status(s: State, a: dict) -> dict:
    row = s.get("kilns", {}).get(a["kiln"])
    if row is None:
        raise ToolFail(f"no kiln {a['kiln']}")
    return {"kiln": a["kiln"], "temp_c": row["temp_c"], "max_c": row["max_c"]}


def _set_kiln(s: State, a: dict) -> dict:
    row = s.get("kilns", {}).get(a["kiln"])
    if row is None:
        raise ToolFail(f"no kiln {a['kiln']}")
    row["temp_c"] = a["temp_c"]  # past max_c is not refused: a wrong replay overheats the kiln
    return {"kiln": a["kiln"], "temp_c": a["temp_c"]}


# (temp, raise, max): temps 600..1000, raises 20..150, maxima 900..1300 seen, always temp + raise < max;
# goal 6 passes the maximum with every number inside its range
EARLY_KILNS = [(600, 150, 1300), (1000, 20, 1100), (820, 60, 900), (700, 100, 1000), (900, 80, 1200), (650, 40, 950)]
HOT_KILNS = [(950, 120, 1000), (880, 140, 950)]


def sample_kiln(rng: random.Random, w: State, i: int) -> Params:
    if i < len(EARLY_KILNS):
        temp, deg, top = EARLY_KILNS[i]
    elif not w["tables"].get("h2_kiln_trap"):  # the first goal after them (whatever repeats came between)
        w["tables"]["h2_kiln_trap"] = True
        temp, deg, top = HOT_KILNS[0]
    else:
        temp, deg, top = rng.choice([*EARLY_KILNS, *HOT_KILNS])
    kiln = f"K{rng.randint(100, 999)}"
    w.setdefault("kilns", {})[kiln] = {"temp_c": temp, "max_c": top}
    return {"kiln": kiln, "deg": deg}


def _kiln_target(p: Params, row: dict) -> int:
    return min(row["temp_c"] + p["deg"], row["max_c"])


kiln = Family(
    name="h2_kiln",
    templates=["Raise kiln {kiln} by {deg} degrees"],
    fields={"kiln": fam.Field(r"K\d{3}"), "deg": INT},
    sample=sample_kiln,
    plan=[
        Step("h2_kiln_status", lambda p, r: {"kiln": p["kiln"]}),
        Step("h2_set_kiln", lambda p, r: {"kiln": p["kiln"], "temp_c": _kiln_target(p, r["h2_kiln_status"])}),
    ],
    expect=lambda p, b: {
        "kilns": {p["kiln"]: {**b["kilns"][p["kiln"]], "temp_c": _kiln_target(p, b["kilns"][p["kiln"]])}}
    },
    answer=lambda p, b: [_kiln_target(p, b["kilns"][p["kiln"]])],
    summary=lambda p, r: f"Kiln {p['kiln']} set to {r['h2_set_kiln']['temp_c']} C.",
)


# =========================================================================== tools and families
TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "h2_patient_chart",
            "A patient's chart: weight in kg and allergies.",
            {"patient": str},
            _row("h2_charts", "patient", "patient"),
        ),
        Tool("h2_drug_info", "A drug's maximum single dose in mg.", {"drug": str}, _row("h2_drugs", "drug", "drug")),
        Tool(
            "h2_dispense",
            "Dispense one dose of a drug to a patient (whole mg).",
            {"patient": str, "drug": str, "mg": int},
            _dispense,
        ),
        Tool(
            "h2_loan_status",
            "The status of a member's library loan (plain text).",
            {"member": str, "title": str},
            _loan_status,
        ),
        Tool("h2_renew_loan", "Renew a library loan by its id (adds 21 days).", {"loan": str}, _renew),
        Tool(
            "h2_zone_tariff", "A parking zone's hourly tariff in EUR.", {"zone": str}, _row("h2_zones", "zone", "zone")
        ),
        Tool(
            "h2_charge_plate",
            "Charge a parking fee to a plate's account (EUR, 2 decimals).",
            {"plate": str, "amount": float},
            _ledger("charge"),
        ),
        Tool(
            "h2_refund_plate",
            "Refund a parking fee to a plate's account (EUR, 2 decimals).",
            {"plate": str, "amount": float},
            _ledger("refund"),
        ),
        Tool(
            "h2_subject",
            "A trial subject's age and consent status.",
            {"subject": str},
            _row("h2_subjects", "subject", "subject"),
        ),
        Tool(
            "h2_trial_criteria",
            "A clinical trial's eligible age window.",
            {"trial": str},
            _row("h2_trials", "trial", "trial"),
        ),
        Tool("h2_enrol_subject", "Enrol a subject in a trial.", {"subject": str, "trial": str}, _enrol),
        Tool(
            "h2_pick_list",
            "A pick list's lines: sku, bin and quantity.",
            {"order": str},
            _row("h2_picklists", "pick list", "order"),
        ),
        Tool(
            "h2_employee",
            "An employee's hourly rate and tax settings.",
            {"name": str},
            _row("h2_staff", "employee", "name"),
        ),
        Tool(
            "h2_pay_net",
            "Pay an employee a net amount in EUR (2 decimals).",
            {"employee": str, "net_eur": float},
            _payout,
        ),
        Tool("h2_greenhouse_sensor", "A greenhouse's sensor line (plain text).", {"greenhouse": str}, _sensor),
        Tool("h2_open_vents", "Open a greenhouse's vents.", {"greenhouse": str}, _vents("open")),
        Tool("h2_close_vents", "Close a greenhouse's vents.", {"greenhouse": str}, _vents("closed")),
        Tool(
            "h2_client",
            "A client's hourly rate and billing details.",
            {"client": str},
            _row("h2_clients", "client", "client"),
        ),
        Tool(
            "h2_create_invoice",
            "Issue an invoice: net, VAT and total in EUR (2 decimals).",
            {"client": str, "net": float, "vat": float, "total": float},
            _create_invoice,
        ),
        Tool(
            "h2_seat_map",
            "Seats left and the price in a section of an event.",
            {"event": str, "section": str},
            _seat_map,
        ),
        Tool(
            "h2_book_seats",
            "Book seats in a section of an event.",
            {"event": str, "section": str, "seats": int},
            _book_seats,
        ),
        Tool(
            "h2_tm_lookup",
            "Look a phrase up in the translation memory (plain text).",
            {"phrase": str, "language": str},
            _tm_lookup,
        ),
        Tool("h2_dns_get", "A host's DNS records and whether the zone entry is locked.", {"host": str}, _dns_get),
        Tool("h2_dns_upsert", "Set a host's A record to an IP.", {"host": str, "ip": str}, _dns_set),
        Tool("h2_dns_delete", "Delete a host's A record.", {"host": str, "ip": str}, _dns_delete),
        Tool("h2_branch_status", "A branch's status against main (plain text).", {"branch": str}, _branch_status),
        Tool("h2_merge_branch", "Merge a branch into main.", {"branch": str}, _merge),
        Tool("h2_room_lockers", "How many lockers of a room are taken (plain text).", {"room": str}, _room_lockers),
        Tool(
            "h2_assign_locker",
            "Assign a free locker in a room to a member.",
            {"room": str, "member": str},
            _assign_locker,
        ),
        Tool("h2_kiln_status", "A kiln's temperature and its maximum, in C.", {"kiln": str}, _kiln_status),
        Tool("h2_set_kiln", "Set a kiln's temperature in C.", {"kiln": str, "temp_c": int}, _set_kiln),
    ]
}

FAMILIES = [dose, renew, park, enrol, picklist, payroll, vents, vat, seats, tm, dns, merge, locker, kiln]
