"""Answers that state a computed number (issue 9, helper calc; tool names `cq_`).

A second probe after the rules of round V's h11_alum (a fitted constant said only after three distinct
values; two operands with a unit scale as rivals), not shaped on their cases: random workloads, no
coincidence planted, the answer's figure computed in the ways people compute them.

- cq_fuel   "What is the fuel use of van {van}, in litres per 100 km?": litres x 100 / km, 1 dp (a question)
- cq_share  "How much of grant {grant} is spent?": spent x 100 / budget, 1 dp, in percent (a question)
- cq_feed   "Feed {kg} kg of pellets to pen {pen}": kg x 1000 / biomass (g per kg of fish) <= 12, else
            not fed; the rate in the answer
- cq_dose   "Prescribe meloxicam for dog {dog}": 0.2 mg per kg of body weight (a constant no result
            shows), 1 dp, written and stated
- cq_wage   "Pay {hours} hours to contractor {who}": hours x the contractor's hourly rate, 2 dp, written
            and stated

Run: .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_calc.py --goals 8 --seed 7
"""

from __future__ import annotations

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
INT = fam.INT
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "cq_van": READ,
    "cq_grant": READ,
    "cq_pen": READ,
    "cq_feed_pen": WRITE,
    "cq_dog": READ,
    "cq_prescribe": WRITE,
    "cq_contractor": READ,
    "cq_pay": WRITE,
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

    if getattr(Server.add_tool, "_cq_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._cq_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _append(section: str, *keys: str):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"status": "ok", "ref": f"{section[3:6].upper()}-{5000 + len(out)}"}

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


# ======================================== 1. fleet: litres per 100 km (a question)
def sample_fuel(rng: random.Random, w: State, i: int) -> Params:
    van = _fresh(rng, w, "cq_vans", lambda r: f"V{r.randint(10, 99)}")
    km = rng.randint(120, 950)
    litres = round(rng.uniform(8, 95), 1)
    w.setdefault("cq_vans", {})[van] = {"van": van, "km": km, "litres": litres, "driver": rng.choice(DRIVERS)}
    return {"van": van}


DRIVERS = ["Ines", "Kofi", "Mara", "Tariq", "Oskar", "Lena"]


def _per100(row: dict) -> float:
    return round_half_up(row["litres"] * 100 / row["km"], 1)


fuel = Family(
    name="cq_fuel",
    templates=["What is the fuel use of van {van}, in litres per 100 km?"],
    fields={"van": Field(r"V\d{2}")},
    sample=sample_fuel,
    plan=[Step("cq_van", lambda p, r: {"van": p["van"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_per100(b["cq_vans"][p["van"]])],
    summary=lambda p, r: f"Van {p['van']} used {_per100(r['cq_van'])} litres per 100 km.",
)


# ======================================== 2. grants: percent spent (a question)
def sample_share(rng: random.Random, w: State, i: int) -> Params:
    grant = _fresh(rng, w, "cq_grants", lambda r: f"G-{r.randint(100, 999)}")
    budget = rng.randrange(5000, 80001, 500)
    spent = round(rng.uniform(0.05, 1.0) * budget, 2)
    w.setdefault("cq_grants", {})[grant] = {"grant": grant, "budget_eur": budget, "spent_eur": spent}
    return {"grant": grant}


def _pct(row: dict) -> float:
    return round_half_up(row["spent_eur"] * 100 / row["budget_eur"], 1)


share = Family(
    name="cq_share",
    templates=["How much of grant {grant} is spent?"],
    fields={"grant": Field(r"G-\d{3}")},
    sample=sample_share,
    plan=[Step("cq_grant", lambda p, r: {"grant": p["grant"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_pct(b["cq_grants"][p["grant"]])],
    summary=lambda p, r: f"Grant {p['grant']} is {_pct(r['cq_grant'])}% spent.",
)


# ======================================== 3. fish farm: g of feed per kg of fish <= 12
def sample_feed(rng: random.Random, w: State, i: int) -> Params:
    pen = _fresh(rng, w, "cq_pens", lambda r: f"P{r.randint(1, 60)}")
    biomass = rng.randrange(2000, 20001, 250)
    kg = rng.randrange(10, 241, 5)
    w.setdefault("cq_pens", {})[pen] = {"pen": pen, "fish": rng.randint(800, 9000), "biomass_kg": biomass}
    return {"kg": kg, "pen": pen}


def _gpk(kg: int, biomass: int) -> float:
    return round_half_up(kg * 1000 / biomass, 2)


feed = Family(
    name="cq_feed",
    templates=["Feed {kg} kg of pellets to pen {pen}"],
    fields={"kg": INT, "pen": Field(r"P\d{1,2}")},
    sample=sample_feed,
    plan=[
        Step("cq_pen", lambda p, r: {"pen": p["pen"]}),
        Step(
            "cq_feed_pen",
            lambda p, r: {"pen": p["pen"], "kg": p["kg"]},
            when=lambda p, r: _gpk(p["kg"], r["cq_pen"]["biomass_kg"]) <= 12,
        ),
    ],
    expect=lambda p, b: (
        {"cq_feedings": [{"pen": p["pen"], "kg": p["kg"]}]}
        if _gpk(p["kg"], b["cq_pens"][p["pen"]]["biomass_kg"]) <= 12
        else {}
    ),
    answer=lambda p, b: (
        ["fed", _gpk(p["kg"], b["cq_pens"][p["pen"]]["biomass_kg"])]
        if _gpk(p["kg"], b["cq_pens"][p["pen"]]["biomass_kg"]) <= 12
        else ["not fed"]
    ),
    summary=lambda p, r: (
        f"Fed {p['kg']} kg of pellets to pen {p['pen']}: {_gpk(p['kg'], r['cq_pen']['biomass_kg'])} g per kg of fish."
        if "cq_feed_pen" in r
        else f"Not fed: {p['kg']} kg in pen {p['pen']} would be "
        f"{_gpk(p['kg'], r['cq_pen']['biomass_kg'])} g per kg of fish, over 12."
    ),
)


# ======================================== 4. vet: 0.2 mg of meloxicam per kg (a constant no result shows)
DOGS = ["Biscuit", "Pepper", "Juno", "Rocco", "Mabel", "Ziggy", "Otis", "Luna", "Bruno", "Hazel", "Nala", "Moss"]


def sample_dose(rng: random.Random, w: State, i: int) -> Params:
    dog = _fresh(rng, w, "cq_dogs", lambda r: r.choice(DOGS))
    w.setdefault("cq_dogs", {})[dog] = {
        "dog": dog,
        "weight_kg": round(rng.uniform(3, 45), 1),
        "age": rng.randint(1, 14),
    }
    return {"dog": dog}


def _mg(row: dict) -> float:
    return round_half_up(row["weight_kg"] * 0.2, 1)


dose = Family(
    name="cq_dose",
    templates=["Prescribe meloxicam for dog {dog}"],
    fields={"dog": Field(r"[A-Z][a-z]+")},
    sample=sample_dose,
    plan=[
        Step("cq_dog", lambda p, r: {"dog": p["dog"]}),
        Step("cq_prescribe", lambda p, r: {"dog": p["dog"], "mg": _mg(r["cq_dog"])}),
    ],
    expect=lambda p, b: {"cq_prescriptions": [{"dog": p["dog"], "mg": _mg(b["cq_dogs"][p["dog"]])}]},
    answer=lambda p, b: [_mg(b["cq_dogs"][p["dog"]])],
    summary=lambda p, r: f"Prescribed {_mg(r['cq_dog'])} mg of meloxicam for {p['dog']}.",
)


# ======================================== 5. contractors: hours x hourly rate
def sample_wage(rng: random.Random, w: State, i: int) -> Params:
    who = _fresh(rng, w, "cq_contractors", lambda r: f"C-{r.randint(100, 999)}")
    w.setdefault("cq_contractors", {})[who] = {"contractor": who, "rate_eur_h": round(rng.uniform(18, 95), 2)}
    return {"hours": rng.randint(2, 60), "who": who}


def _pay(p: Params, row: dict) -> float:
    return round_half_up(p["hours"] * row["rate_eur_h"], 2)


wage = Family(
    name="cq_wage",
    templates=["Pay {hours} hours to contractor {who}"],
    fields={"hours": INT, "who": Field(r"C-\d{3}")},
    sample=sample_wage,
    plan=[
        Step("cq_contractor", lambda p, r: {"contractor": p["who"]}),
        Step("cq_pay", lambda p, r: {"contractor": p["who"], "eur": _pay(p, r["cq_contractor"])}),
    ],
    expect=lambda p, b: {"cq_payments": [{"contractor": p["who"], "eur": _pay(p, b["cq_contractors"][p["who"]])}]},
    answer=lambda p, b: [_pay(p, b["cq_contractors"][p["who"]])],
    summary=lambda p, r: f"Paid {_pay(p, r['cq_contractor'])} EUR to contractor {p['who']}.",
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("cq_van", "A van's last trip: km driven and litres used.", {"van": str}, _row("cq_vans", "van", "van")),
        Tool(
            "cq_grant", "A grant's budget and what is spent (EUR).", {"grant": str}, _row("cq_grants", "grant", "grant")
        ),
        Tool("cq_pen", "A fish pen's count and biomass (kg).", {"pen": str}, _row("cq_pens", "pen", "pen")),
        Tool(
            "cq_feed_pen", "Feed pellets (kg) to a pen.", {"pen": str, "kg": int}, _append("cq_feedings", "pen", "kg")
        ),
        Tool("cq_dog", "A dog's record: weight (kg) and age.", {"dog": str}, _row("cq_dogs", "dog", "dog")),
        Tool(
            "cq_prescribe",
            "Prescribe meloxicam (mg per day) for a dog.",
            {"dog": str, "mg": float},
            _append("cq_prescriptions", "dog", "mg"),
        ),
        Tool(
            "cq_contractor",
            "A contractor's hourly rate (EUR).",
            {"contractor": str},
            _row("cq_contractors", "contractor", "contractor"),
        ),
        Tool(
            "cq_pay",
            "Pay a contractor (EUR).",
            {"contractor": str, "eur": float},
            _append("cq_payments", "contractor", "eur"),
        ),
    ]
}

FAMILIES = [fuel, share, feed, dose, wage]
