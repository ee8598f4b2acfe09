"""Second probe of implied quantities (issue 9, helper prod): shapes the products rule was not made on.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `p2_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_products2.py --goals 8 --seed 7

Hidden rules: a crate's volume (length x width x height, three factors) against a van's constant limit;
a charger's power (one read) x the hours a bus is parked (another read) against the energy it needs
(a product across two steps); a patient's weight x a drug's dose per kg (two reads) against the drug's
maximum; an invoice's amount / its units (a ratio) against a contract's price cap. The first four goals
agree on the rule; a later goal keeps each number inside the ranges seen.
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
INT, NUM, CAPWORDS, QUOTED = fam.INT, fam.NUM, fam.CAPWORDS, fam.QUOTED
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "p2_crate": READ,
    "p2_load_van": WRITE,
    "p2_bus": READ,
    "p2_charger": READ,
    "p2_plan_charge": IDEMPOTENT,
    "p2_patient": READ,
    "p2_drug": READ,
    "p2_give": WRITE,
    "p2_delivery": READ,
    "p2_contract": READ,
    "p2_accept": IDEMPOTENT,
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

    if getattr(Server.add_tool, "_p2_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._p2_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _mixed(i: int, rng: random.Random, early: Any, *later: Any) -> Any:
    """The early value for the first four goals, then one of early/later at random."""
    return early if i < 4 else rng.choice([early, *later])


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
        return {"status": ack, "ref": f"{section[:3].upper()}-{5000 + len(out)}"}

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


def _day(base: dt.date, n: int) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


# ======================================== 1. freight: l x w x h against a constant van limit (2.0 m3)
def sample_freight(rng: random.Random, w: State, i: int) -> Params:
    crate = _fresh(rng, w, "p2_crates", lambda r: f"CX-{r.randint(1000, 9999)}")
    if i == 0:
        dims = (0.5, 0.5, 2.4)
    elif i == 1:
        dims = (2.4, 1.6, 0.5)
    elif not _mixed(i, rng, False, True):
        a, b = round(rng.uniform(0.5, 2.4), 1), round(rng.uniform(0.5, 1.6), 1)
        dims = (a, b, round(rng.uniform(0.5, max(0.5, min(2.4, 1.9 / (a * b)))), 1))
    else:
        a, b = round(rng.uniform(1.3, 2.4), 1), round(rng.uniform(1.0, 1.6), 1)
        dims = (a, b, round(rng.uniform(max(0.5, 2.2 / (a * b)), 2.4), 1))
    ln, wd, h = dims
    w.setdefault("p2_crates", {})[crate] = {"crate": crate, "length_m": ln, "width_m": wd, "height_m": h}
    return {"crate": crate}


def _vol(row: dict[str, Any]) -> float:
    return row["length_m"] * row["width_m"] * row["height_m"]


freight = Family(
    name="p2_freight",
    templates=["Load crate {crate} on the small van"],
    fields={"crate": Field(r"CX-\d{4}")},
    sample=sample_freight,
    plan=[
        Step("p2_crate", lambda p, r: {"crate": p["crate"]}),
        Step("p2_load_van", lambda p, r: {"crate": p["crate"]}, when=lambda p, r: _vol(r["p2_crate"]) <= 2.0),
    ],
    expect=lambda p, b: {"p2_loaded": [{"crate": p["crate"]}]} if _vol(b["p2_crates"][p["crate"]]) <= 2.0 else {},
    answer=lambda p, b: ["loaded"] if _vol(b["p2_crates"][p["crate"]]) <= 2.0 else ["too big"],
    summary=lambda p, r: (
        f"Crate {p['crate']} loaded on the small van."
        if "p2_load_van" in r
        else f"Not loaded: crate {p['crate']} is too big for the small van."
    ),
)


# ======================================== 2. charging: kW (one read) x hours parked (another) against kWh needed
def sample_charge(rng: random.Random, w: State, i: int) -> Params:
    bus = _fresh(rng, w, "p2_buses", lambda r: f"EB{r.randint(100, 999)}")
    ch = _fresh(rng, w, "p2_chargers", lambda r: f"CH-{r.randint(10, 99)}")
    if i == 0:
        need, hours, kw = 100, 8, 150
    elif i == 1:
        need, hours, kw = 300, 2, 150
    elif i == 2:
        need, hours, kw = 100, 2, 50
    elif not _mixed(i, rng, False, True):
        kw, hours = rng.randint(50, 150), rng.randint(2, 8)
        need = rng.randint(100, max(100, min(300, kw * hours - 5)))
    else:
        kw, hours = rng.randint(50, 90), rng.randint(2, 3)
        need = rng.randint(kw * hours + 10, 300)
    w.setdefault("p2_buses", {})[bus] = {"bus": bus, "need_kwh": need, "parked_hours": hours}
    w.setdefault("p2_chargers", {})[ch] = {"charger": ch, "kw": kw}
    return {"bus": bus, "ch": ch}


def _charge_ok(p: Params, b: State) -> bool:
    bus = b["p2_buses"][p["bus"]]
    return b["p2_chargers"][p["ch"]]["kw"] * bus["parked_hours"] >= bus["need_kwh"]


charge = Family(
    name="p2_charge",
    templates=["Plan overnight charging of bus {bus} on charger {ch}"],
    fields={"bus": Field(r"EB\d{3}"), "ch": Field(r"CH-\d{2}")},
    sample=sample_charge,
    plan=[
        Step("p2_bus", lambda p, r: {"bus": p["bus"]}, group="g"),
        Step("p2_charger", lambda p, r: {"charger": p["ch"]}, group="g"),
        Step(
            "p2_plan_charge",
            lambda p, r: {"bus": p["bus"], "charger": p["ch"]},
            when=lambda p, r: r["p2_charger"]["kw"] * r["p2_bus"]["parked_hours"] >= r["p2_bus"]["need_kwh"],
        ),
    ],
    expect=lambda p, b: {"p2_charging": [{"bus": p["bus"], "charger": p["ch"]}]} if _charge_ok(p, b) else {},
    answer=lambda p, b: ["planned"] if _charge_ok(p, b) else ["too slow"],
    summary=lambda p, r: (
        f"Charging of bus {p['bus']} planned on {p['ch']}."
        if "p2_plan_charge" in r
        else f"Not planned: charger {p['ch']} is too slow for bus {p['bus']}."
    ),
)


# ======================================== 3. dosing: weight (one read) x mg per kg (another) against the drug's max
def sample_dose(rng: random.Random, w: State, i: int) -> Params:
    pat = _fresh(rng, w, "p2_patients", lambda r: f"MRN{r.randint(10000, 99999)}")
    drug = rng.choice(["Amoxil", "Zoferin", "Cetrax", "Dolomed"]) + f"-{rng.randint(1, 99)}"
    if i == 0:
        kg, per, mx = 20, 10.0, 500
    elif i == 1:
        kg, per, mx = 90, 2.0, 400
    elif not _mixed(i, rng, False, True):
        kg, per = rng.randint(20, 90), float(rng.randint(2, 10))
        mx = rng.randint(max(400, int(kg * per)), 1000)
    else:
        kg, per = rng.randint(60, 90), float(rng.randint(7, 10))
        mx = rng.randint(400, int(kg * per) - 20)
    w.setdefault("p2_patients", {})[pat] = {"mrn": pat, "weight_kg": kg}
    w.setdefault("p2_drugs", {})[drug] = {"drug": drug, "mg_per_kg": per, "max_mg": mx}
    return {"pat": pat, "drug": drug}


def _dose_ok(p: Params, b: State) -> bool:
    d = b["p2_drugs"][p["drug"]]
    return b["p2_patients"][p["pat"]]["weight_kg"] * d["mg_per_kg"] <= d["max_mg"]


dose = Family(
    name="p2_dose",
    templates=["Give patient {pat} the weight-based dose of {drug}"],
    fields={"pat": Field(r"MRN\d{5}"), "drug": Field(r"[A-Z][a-z]+-\d{1,2}")},
    sample=sample_dose,
    plan=[
        Step("p2_patient", lambda p, r: {"mrn": p["pat"]}, group="g"),
        Step("p2_drug", lambda p, r: {"drug": p["drug"]}, group="g"),
        Step(
            "p2_give",
            lambda p, r: {"mrn": p["pat"], "drug": p["drug"]},
            when=lambda p, r: r["p2_patient"]["weight_kg"] * r["p2_drug"]["mg_per_kg"] <= r["p2_drug"]["max_mg"],
        ),
    ],
    expect=lambda p, b: {"p2_given": [{"mrn": p["pat"], "drug": p["drug"]}]} if _dose_ok(p, b) else {},
    answer=lambda p, b: ["given"] if _dose_ok(p, b) else ["maximum"],
    summary=lambda p, r: (
        f"Patient {p['pat']} given {p['drug']}."
        if "p2_give" in r
        else f"Not given: the dose of {p['drug']} for {p['pat']} is over the maximum."
    ),
)


# ======================================== 4. deliveries: amount / units (a ratio) against a contract's unit cap
def sample_delivery(rng: random.Random, w: State, i: int) -> Params:
    dl = _fresh(rng, w, "p2_deliveries", lambda r: f"DN-{r.randint(10000, 99999)}")
    ct = _fresh(rng, w, "p2_contracts", lambda r: f"K-{r.randint(100, 999)}")
    if i == 0:
        units, amount, cap = 10, 200.0, 25.0
    elif i == 1:
        units, amount, cap = 200, 2000.0, 12.0
    elif not _mixed(i, rng, False, True):
        units, cap = rng.randint(10, 200), float(rng.randint(12, 25))
        amount = float(rng.randint(max(200, units * 8), max(200, min(2000, int(units * cap)))))
    else:
        units, cap = rng.randint(10, 100), float(rng.randint(12, 15))
        amount = float(rng.randint(max(200, int(units * cap) + 20), 2000))
    w.setdefault("p2_deliveries", {})[dl] = {"delivery": dl, "units": units, "invoice_eur": amount}
    w.setdefault("p2_contracts", {})[ct] = {"contract": ct, "max_eur_per_unit": cap}
    return {"dl": dl, "ct": ct}


def _accept_ok(p: Params, b: State) -> bool:
    d = b["p2_deliveries"][p["dl"]]
    return d["invoice_eur"] / d["units"] <= b["p2_contracts"][p["ct"]]["max_eur_per_unit"]


delivery = Family(
    name="p2_delivery",
    templates=["Accept delivery {dl} under contract {ct}"],
    fields={"dl": Field(r"DN-\d{5}"), "ct": Field(r"K-\d{3}")},
    sample=sample_delivery,
    plan=[
        Step("p2_delivery", lambda p, r: {"delivery": p["dl"]}, group="g"),
        Step("p2_contract", lambda p, r: {"contract": p["ct"]}, group="g"),
        Step(
            "p2_accept",
            lambda p, r: {"delivery": p["dl"]},
            when=lambda p, r: (
                r["p2_delivery"]["invoice_eur"] / r["p2_delivery"]["units"] <= r["p2_contract"]["max_eur_per_unit"]
            ),
        ),
    ],
    expect=lambda p, b: {"p2_accepted": [{"delivery": p["dl"]}]} if _accept_ok(p, b) else {},
    answer=lambda p, b: ["accepted"] if _accept_ok(p, b) else ["price"],
    summary=lambda p, r: (
        f"Delivery {p['dl']} accepted."
        if "p2_accept" in r
        else f"Not accepted: delivery {p['dl']} is priced over contract {p['ct']}."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "p2_crate", "A crate's length, width and height (m).", {"crate": str}, _row("p2_crates", "crate", "crate")
        ),
        Tool("p2_load_van", "Load a crate on the small van.", {"crate": str}, _append("p2_loaded", "crate")),
        Tool(
            "p2_bus",
            "A bus's energy needed (kWh) and hours parked tonight.",
            {"bus": str},
            _row("p2_buses", "bus", "bus"),
        ),
        Tool("p2_charger", "A charger's power (kW).", {"charger": str}, _row("p2_chargers", "charger", "charger")),
        Tool(
            "p2_plan_charge",
            "Plan a bus's overnight charging on a charger.",
            {"bus": str, "charger": str},
            _append("p2_charging", "bus", "charger"),
        ),
        Tool("p2_patient", "A patient's weight (kg).", {"mrn": str}, _row("p2_patients", "patient", "mrn")),
        Tool("p2_drug", "A drug's dose per kg and maximum dose (mg).", {"drug": str}, _row("p2_drugs", "drug", "drug")),
        Tool("p2_give", "Give a patient a drug's dose.", {"mrn": str, "drug": str}, _append("p2_given", "mrn", "drug")),
        Tool(
            "p2_delivery",
            "A delivery note: units and invoice amount (EUR).",
            {"delivery": str},
            _row("p2_deliveries", "delivery", "delivery"),
        ),
        Tool(
            "p2_contract",
            "A supply contract's maximum price per unit (EUR).",
            {"contract": str},
            _row("p2_contracts", "contract", "contract"),
        ),
        Tool("p2_accept", "Accept a delivery for payment.", {"delivery": str}, _append("p2_accepted", "delivery")),
    ]
}

FAMILIES = [freight, charge, dose, delivery]
