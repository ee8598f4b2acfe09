"""Held-out probe 32b (issue 9, helper redAP): a number whose meaning another field gives, in other shapes.

Written after `families_heldout32.py` found the class (a sill depth in "m" or "ft", a rise in "times" or
"percent") and before looking at how the fix keys its records: other domains (walk-in freezers, kite
festivals, feed silos, parcel counters, invoice approvals), other shapes of the deciding field. Reads carry
`readOnlyHint`, writes plain non-idempotent hints. The first six goals alternate the field's values, all on
the safe side; a trap's number lies inside the range of every value of that field together.

- h32b_freezer  a walk-in freezer's temperature with a boolean "fahrenheit" flag
- h32b_kite     a festival field's wind in a nested record {"wind": {"speed", "unit": "km/h" | "kn"}}
- h32b_silo     a silo's level from one read, its unit ("m" or "%") from the gauge's set-up, another read
- h32b_parcel   a parcel's weight in "g", "oz" or "lb": "lb" seen in one early goal only
- h32b_invoice  an invoice's amount in "EUR" or "JPY" against an approval limit of 500 EUR

Workloads up to `--goals 16`. The first goals never cross a trap; later goals sometimes do.
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
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}


def _trap(i: int, rng: random.Random, first: int = 6, share: float = 0.5) -> bool:
    return i >= first and rng.random() < share


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _table(section: str, key: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return dict(row)

    return run


# ======================================== 1. freezer: a boolean says the unit
FIRST_FREEZER = [(False, -20), (True, 0), (False, -22), (True, 3), (False, -19), (True, -2)]


def sample_freezer(rng: random.Random, w: State, i: int) -> Params:
    unit = f"WF-{10 + 3 * i + rng.randint(0, 2)}"
    if i < len(FIRST_FREEZER):
        fahr, temp = FIRST_FREEZER[i]
    elif _trap(i, rng):
        fahr, temp = False, rng.randint(-13, -8)
    elif rng.random() < 0.5:
        fahr, temp = False, rng.randint(-22, -18)
    else:
        fahr, temp = True, rng.randint(-3, 3)
    w["tables"].setdefault("h32b_freezers", {})[unit] = {"freezer": unit, "temp": temp, "fahrenheit": fahr}
    return {"freezer": unit}


def _freezer_ok(row: dict) -> str:
    c = (row["temp"] - 32) * 5 / 9 if row["fahrenheit"] else row["temp"]
    return "signed" if c <= -15 else "moved"


freezer = Family(
    name="h32b_freezer",
    templates=["Do the morning check of walk-in freezer {freezer}"],
    fields={"freezer": Field(r"WF-\d+")},
    sample=sample_freezer,
    plan=[
        Step("h32b_freezer_temp", lambda p, r: {"freezer": p["freezer"]}),
        Step(
            "h32b_freezer_check",
            lambda p, r: {"freezer": p["freezer"], "outcome": _freezer_ok(r["h32b_freezer_temp"])},
        ),
    ],
    expect=lambda p, b: {
        "h32b_checks": [{"freezer": p["freezer"], "outcome": _freezer_ok(b["tables"]["h32b_freezers"][p["freezer"]])}]
    },
    answer=lambda p, b: [_freezer_ok(b["tables"]["h32b_freezers"][p["freezer"]])],
    summary=lambda p, r: f"Freezer {p['freezer']}: {r['h32b_freezer_check']['outcome']}.",
    repeats=False,
)


# ======================================== 2. kite: a nested record's unit
FIRST_WIND = [("km/h", 18), ("kn", 9), ("km/h", 24), ("kn", 12), ("km/h", 12), ("kn", 7)]
KN = 1.852


def sample_kite(rng: random.Random, w: State, i: int) -> Params:
    field_ = f"KF-{30 + 3 * i + rng.randint(0, 2)}"
    if i < len(FIRST_WIND):
        unit, speed = FIRST_WIND[i]
    elif _trap(i, rng):
        unit, speed = "kn", rng.randint(18, 23)
    elif rng.random() < 0.5:
        unit, speed = "km/h", rng.randint(10, 25)
    else:
        unit, speed = "kn", rng.randint(6, 13)
    w["tables"].setdefault("h32b_fields", {})[field_] = {
        "field": field_,
        "wind": {"speed": speed, "unit": unit},
        "gusts": "light",
    }
    return {"field": field_}


def _kites(row: dict) -> str:
    kmh = row["wind"]["speed"] * (KN if row["wind"]["unit"] == "kn" else 1.0)
    return "open" if kmh <= 30 else "grounded"


kite = Family(
    name="h32b_kite",
    templates=["Open kite field {field} for the afternoon flights"],
    fields={"field": Field(r"KF-\d+")},
    sample=sample_kite,
    plan=[
        Step("h32b_field_wind", lambda p, r: {"field": p["field"]}),
        Step("h32b_field_status", lambda p, r: {"field": p["field"], "state": _kites(r["h32b_field_wind"])}),
    ],
    expect=lambda p, b: {
        "h32b_statuses": [{"field": p["field"], "state": _kites(b["tables"]["h32b_fields"][p["field"]])}]
    },
    answer=lambda p, b: [_kites(b["tables"]["h32b_fields"][p["field"]])],
    summary=lambda p, r: f"Kite field {p['field']} is {r['h32b_field_status']['state']} this afternoon.",
    repeats=False,
)


# ======================================== 3. silo: the unit comes from another read
FIRST_SILO = [("m", 14), ("%", 70), ("m", 17), ("%", 55), ("m", 11), ("%", 85)]


def sample_silo(rng: random.Random, w: State, i: int) -> Params:
    silo = f"FS-{50 + 3 * i + rng.randint(0, 2)}"
    if i < len(FIRST_SILO):
        unit, level = FIRST_SILO[i]
    elif _trap(i, rng):
        unit, level = "%", rng.randint(18, 35)
    elif rng.random() < 0.5:
        unit, level = "m", rng.randint(10, 18)
    else:
        unit, level = "%", rng.randint(50, 90)
    w["tables"].setdefault("h32b_gauges", {})[silo] = {"silo": silo, "unit": unit, "height_m": 20}
    w["tables"].setdefault("h32b_levels", {})[silo] = {"silo": silo, "level": level}
    return {"silo": silo}


def _feed(gauge: dict, level: dict) -> str:
    pct = level["level"] / gauge["height_m"] * 100 if gauge["unit"] == "m" else level["level"]
    return "none" if pct >= 40 else "full load"


def _silo_world(p: Params, b: State) -> tuple[dict, dict]:
    return b["tables"]["h32b_gauges"][p["silo"]], b["tables"]["h32b_levels"][p["silo"]]


silo = Family(
    name="h32b_silo",
    templates=["Plan this week's feed delivery for silo {silo}"],
    fields={"silo": Field(r"FS-\d+")},
    sample=sample_silo,
    plan=[
        Step("h32b_gauge", lambda p, r: {"silo": p["silo"]}),
        Step("h32b_level", lambda p, r: {"silo": p["silo"]}),
        Step(
            "h32b_delivery",
            lambda p, r: {"silo": p["silo"], "order": _feed(r["h32b_gauge"], r["h32b_level"])},
        ),
    ],
    expect=lambda p, b: {"h32b_deliveries": [{"silo": p["silo"], "order": _feed(*_silo_world(p, b))}]},
    answer=lambda p, b: [_feed(*_silo_world(p, b))],
    summary=lambda p, r: f"Silo {p['silo']}: delivery {r['h32b_delivery']['order']} this week.",
    repeats=False,
)


# ======================================== 4. parcel: three units, one seen in one early goal only
FIRST_PARCEL = [("g", 900), ("oz", 40), ("g", 1500), ("oz", 25), ("g", 600), ("lb", 3)]
TO_G = {"g": 1.0, "oz": 28.35, "lb": 453.6}


def sample_parcel(rng: random.Random, w: State, i: int) -> Params:
    parcel = f"PC-{400 + 5 * i + rng.randint(0, 4)}"
    if i < len(FIRST_PARCEL):
        unit, weight = FIRST_PARCEL[i]
    elif _trap(i, rng):
        unit, weight = "lb", rng.randint(5, 9)
    elif rng.random() < 0.5:
        unit, weight = "g", rng.randint(500, 1800)
    else:
        unit, weight = "oz", rng.randint(20, 60)
    w["tables"].setdefault("h32b_parcels", {})[parcel] = {"parcel": parcel, "weight": weight, "unit": unit}
    return {"parcel": parcel}


def _service(row: dict) -> str:
    return "letterbox" if row["weight"] * TO_G[row["unit"]] <= 2000 else "courier"


parcel = Family(
    name="h32b_parcel",
    templates=["Send parcel {parcel} by the right service"],
    fields={"parcel": Field(r"PC-\d+")},
    sample=sample_parcel,
    plan=[
        Step("h32b_weigh_parcel", lambda p, r: {"parcel": p["parcel"]}),
        Step("h32b_dispatch", lambda p, r: {"parcel": p["parcel"], "service": _service(r["h32b_weigh_parcel"])}),
    ],
    expect=lambda p, b: {
        "h32b_dispatches": [{"parcel": p["parcel"], "service": _service(b["tables"]["h32b_parcels"][p["parcel"]])}]
    },
    answer=lambda p, b: [_service(b["tables"]["h32b_parcels"][p["parcel"]])],
    summary=lambda p, r: f"Parcel {p['parcel']} goes by {r['h32b_dispatch']['service']}.",
    repeats=False,
)


# ======================================== 5. invoice: an amount in EUR or JPY against 500 EUR
FIRST_INV = [("EUR", 320), ("JPY", 42000), ("EUR", 450), ("JPY", 18000), ("EUR", 120), ("JPY", 60000)]
JPY = 0.0062


def sample_invoice(rng: random.Random, w: State, i: int) -> Params:
    inv = f"IN-{7000 + 13 * i + rng.randint(0, 12)}"
    if i < len(FIRST_INV):
        cur, amount = FIRST_INV[i]
    elif _trap(i, rng):
        cur, amount = "EUR", rng.randint(600, 2400)
    elif rng.random() < 0.5:
        cur, amount = "EUR", rng.randint(100, 480)
    else:
        cur, amount = "JPY", rng.randint(15000, 65000)
    w["tables"].setdefault("h32b_invoices", {})[inv] = {
        "invoice": inv,
        "amount": amount,
        "currency": cur,
        "supplier": "Kato",
    }
    return {"invoice": inv}


def _approval(row: dict) -> str:
    eur = row["amount"] * (JPY if row["currency"] == "JPY" else 1.0)
    return "paid" if eur <= 500 else "sent for approval"


invoice = Family(
    name="h32b_invoice",
    templates=["Settle supplier invoice {invoice}"],
    fields={"invoice": Field(r"IN-\d+")},
    sample=sample_invoice,
    plan=[
        Step("h32b_invoice", lambda p, r: {"invoice": p["invoice"]}),
        Step("h32b_settle", lambda p, r: {"invoice": p["invoice"], "route": _approval(r["h32b_invoice"])}),
    ],
    expect=lambda p, b: {
        "h32b_settlements": [{"invoice": p["invoice"], "route": _approval(b["tables"]["h32b_invoices"][p["invoice"]])}]
    },
    answer=lambda p, b: [_approval(b["tables"]["h32b_invoices"][p["invoice"]])],
    summary=lambda p, r: f"Invoice {p['invoice']}: {r['h32b_settle']['route']}.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h32b_freezer_temp",
            "A walk-in freezer's temperature now, in Fahrenheit when 'fahrenheit' is true, else in Celsius.",
            {"freezer": str},
            _table("h32b_freezers", "freezer"),
        ),
        Tool(
            "h32b_freezer_check",
            "Record a freezer check: 'signed' (at or below -15 C) or 'moved' (stock moved to another freezer).",
            {"freezer": str, "outcome": str},
            _logger("h32b_checks", "freezer", "outcome"),
        ),
        Tool(
            "h32b_field_wind",
            "A kite field's wind now: speed and its unit ('km/h' or 'kn'; 1 kn = 1.852 km/h).",
            {"field": str},
            _table("h32b_fields", "field"),
        ),
        Tool(
            "h32b_field_status",
            "Set a kite field 'open' (wind at most 30 km/h) or 'grounded'.",
            {"field": str, "state": str},
            _logger("h32b_statuses", "field", "state"),
        ),
        Tool(
            "h32b_gauge",
            "A silo's level gauge set-up: the unit it reads in ('m' of fill or '%' full) and the silo's height.",
            {"silo": str},
            _table("h32b_gauges", "silo"),
        ),
        Tool("h32b_level", "A silo's level now, in its gauge's unit.", {"silo": str}, _table("h32b_levels", "silo")),
        Tool(
            "h32b_delivery",
            "Order this week's feed for a silo: 'full load' (under 40% full) or 'none'.",
            {"silo": str, "order": str},
            _logger("h32b_deliveries", "silo", "order"),
        ),
        Tool(
            "h32b_weigh_parcel",
            "A parcel's weight on the counter scale, in the unit it shows ('g', 'oz' or 'lb').",
            {"parcel": str},
            _table("h32b_parcels", "parcel"),
        ),
        Tool(
            "h32b_dispatch",
            "Dispatch a parcel: 'letterbox' (up to 2 kg) or 'courier'.",
            {"parcel": str, "service": str},
            _logger("h32b_dispatches", "parcel", "service"),
        ),
        Tool(
            "h32b_invoice",
            "A supplier invoice: amount, currency (EUR or JPY) and supplier.",
            {"invoice": str},
            _table("h32b_invoices", "invoice"),
        ),
        Tool(
            "h32b_settle",
            "Settle an invoice: 'paid' (up to 500 EUR) or 'sent for approval'.",
            {"invoice": str, "route": str},
            _logger("h32b_settlements", "invoice", "route"),
        ),
    ]
}

WRITES = {"h32b_freezer_check", "h32b_field_status", "h32b_delivery", "h32b_dispatch", "h32b_settle"}
ANNOTATIONS: dict[str, dict[str, bool]] = {name: WRITE if name in WRITES else READ for name in TOOLS}


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

    if getattr(Server.add_tool, "_h32b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h32b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [freezer, kite, silo, parcel, invoice]
