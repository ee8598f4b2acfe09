"""Held-out probe families, round AJ, second set (issue 9, rule 1): a write judged by the order of a goal amount
and a result number that sits late in a result with many numbers (a spec sheet, a year of monthly spend, a day of
hourly readings). Each number lies inside what the supporting runs saw; only their order is new.

Same interface as the public `families.py`; tool names are prefixed `h23b_`. One wording per family.

- h23b_berth    berth a vessel at a quay only when its length fits the free length (after 26 spec numbers)
- h23b_grant    pay an invoice from a grant only when the balance covers it (after 24 budget numbers)
- h23b_fridge   store vaccine boxes in a fridge only when the free slots take them (after 24 readings)

Workloads up to `--goals 16`; the first four goals never cross a trap.
"""

from __future__ import annotations

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
    "h23b_quay": READ,
    "h23b_berth": WRITE,
    "h23b_grant": READ,
    "h23b_pay": WRITE,
    "h23b_fridge": READ,
    "h23b_store": WRITE,
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

    if getattr(Server.add_tool, "_h23b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h23b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _log(section: str, fields: list[str]) -> Any:
    def run(s: State, a: dict) -> dict:
        rec = {f: a[f] for f in fields}
        s.setdefault(section, []).append(rec)
        return {"ok": True, **rec}

    return run


def _row(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> Any:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


# early goals: (amount, room) pairs that cover both ranges with the amount always under the room; a trap
# takes an amount and a room each inside those ranges, the amount over the room
EARLY = [(0.2, 0.35), (0.9, 1.0), (0.5, 0.75), (0.65, 0.9)]
TRAP = (0.7, 0.45)


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _trap(i: int, rng: random.Random) -> bool:
    return i >= 4 and rng.random() < 0.5


def _pair(rng: random.Random, i: int, lo: int, hi: int) -> tuple[int, int, bool]:
    span = hi - lo
    if i < 4:
        a, r = EARLY[i]
        return lo + round(a * span), lo + round(r * span), False
    if _trap(i, rng):
        return lo + round(TRAP[0] * span), lo + round(TRAP[1] * span), True
    a = rng.uniform(0.2, 0.9)
    return lo + round(a * span), lo + round(min(1.0, a + rng.uniform(0.05, 0.2)) * span), False


# ======================================== 1. harbour berths: a quay's spec sheet, the free length last
VESSELS = ["MV Skylark", "MV Kestrel", "MV Brent Trader", "MV Ostrava", "MV Halcyon", "MV Tern"]
SPEC = {
    "depth_m": 11.5,
    "bollards": 14,
    "bollard_t": 60,
    "fenders": 9,
    "crane_t": 40,
    "cranes": 2,
    "rail_gauge_mm": 1435,
    "apron_m": 25,
    "deck_load_t_m2": 5,
    "water_points": 3,
    "power_points": 4,
    "power_kva": 630,
    "lights_lux": 50,
    "ladders": 6,
    "lifebuoys": 8,
    "cctv": 5,
    "gate": 3,
    "built": 1978,
    "refit": 2019,
    "tide_range_m": 4.2,
    "pilot_min": 90,
    "tug_min": 2,
    "draft_max_m": 10.4,
    "air_draft_m": 45,
    "width_m": 30,
    "hardstand_m2": 9000,
}


def sample_berth(rng: random.Random, w: State, i: int) -> Params:
    quay = f"QB-{101 + i}"
    length, free, _ = _pair(rng, i, 60, 200)
    w.setdefault("h23b_quays", {})[quay] = {"quay": quay, "spec": dict(SPEC), "uncommitted_m": free}
    return {"vessel": rng.choice(VESSELS), "length": length, "quay": quay}


def _fits_quay(p: Params, row: dict) -> bool:
    return bool(p["length"] <= row["uncommitted_m"])


berth = Family(
    name="h23b_berth",
    templates=["Berth the {vessel} ({length} m) at {quay}"],
    fields={
        "vessel": _one_of(VESSELS),
        "length": fam.INT,
        "quay": Field(r"QB-\d+"),
    },
    sample=sample_berth,
    plan=[
        Step("h23b_quay", lambda p, r: {"quay": p["quay"]}),
        Step(
            "h23b_berth",
            lambda p, r: {"quay": p["quay"], "vessel": p["vessel"], "length": p["length"]},
            when=lambda p, r: _fits_quay(p, r["h23b_quay"]),
        ),
    ],
    expect=lambda p, b: (
        {"h23b_berths": [{"quay": p["quay"], "vessel": p["vessel"], "length": p["length"]}]}
        if _fits_quay(p, b["h23b_quays"][p["quay"]])
        else {}
    ),
    answer=lambda p, b: [] if _fits_quay(p, b["h23b_quays"][p["quay"]]) else ["does not fit"],
    summary=lambda p, r: (
        f"Berthed the {p['vessel']} ({p['length']} m) at {p['quay']}."
        if "h23b_berth" in r
        else f"The {p['vessel']} ({p['length']} m) does not fit at {p['quay']}: "
        f"only {r['h23b_quay']['uncommitted_m']} m free."
    ),
)


# ======================================== 2. research grant: twelve months of spend, the balance last
GRANTS = [f"GR-{n}" for n in range(7001, 7099, 3)]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def sample_grant(rng: random.Random, w: State, i: int) -> Params:
    grant = GRANTS[i]
    amount, left, _ = _pair(rng, i, 400, 5000)
    spend = {m: 1850 for m in MONTHS}
    lines = {
        "staff": 42000,
        "travel": 6000,
        "equipment": 15000,
        "consumables": 9000,
        "overhead_pct": 25,
        "audit": 1500,
        "publication": 2500,
        "training": 1200,
        "software": 3000,
        "year": 2026,
        "months": 36,
        "awarded": 80000,
    }
    w.setdefault("h23b_grants", {})[grant] = {"grant": grant, "spend": spend, "budget": lines, "unspent_eur": left}
    return {"amount": amount, "grant": grant, "inv": f"INV-{5101 + i}"}


def _covers(p: Params, row: dict) -> bool:
    return bool(p["amount"] <= row["unspent_eur"])


grant = Family(
    name="h23b_grant",
    templates=["Pay invoice {inv} of {amount} EUR from grant {grant}"],
    fields={"inv": Field(r"INV-\d+"), "amount": fam.INT, "grant": Field(r"GR-\d+")},
    sample=sample_grant,
    plan=[
        Step("h23b_grant", lambda p, r: {"grant": p["grant"]}),
        Step(
            "h23b_pay",
            lambda p, r: {"grant": p["grant"], "invoice": p["inv"], "amount": p["amount"]},
            when=lambda p, r: _covers(p, r["h23b_grant"]),
        ),
    ],
    expect=lambda p, b: (
        {"h23b_payments": [{"grant": p["grant"], "invoice": p["inv"], "amount": p["amount"]}]}
        if _covers(p, b["h23b_grants"][p["grant"]])
        else {}
    ),
    answer=lambda p, b: [] if _covers(p, b["h23b_grants"][p["grant"]]) else ["not enough"],
    summary=lambda p, r: (
        f"Paid invoice {p['inv']} ({p['amount']} EUR) from grant {p['grant']}."
        if "h23b_pay" in r
        else f"Grant {p['grant']} has not enough left ({r['h23b_grant']['unspent_eur']} EUR): "
        f"invoice {p['inv']} not paid."
    ),
)


# ======================================== 3. vaccine fridge: 24 hourly readings, then the free slots
FRIDGES = [f"VF-{n}" for n in range(301, 399, 3)]
VACCINES = ["MMR", "HPV", "influenza", "hepatitis B", "tetanus"]


def sample_fridge(rng: random.Random, w: State, i: int) -> Params:
    fridge = FRIDGES[i]
    boxes, free, _ = _pair(rng, i, 4, 60)
    row: dict[str, Any] = {"fridge": fridge}
    for h in range(24):
        row[f"t{h:02d}"] = 4.0
    row["vacant_slots"] = free
    w.setdefault("h23b_fridges", {})[fridge] = row
    return {"boxes": boxes, "vaccine": rng.choice(VACCINES), "fridge": fridge}


def _room(p: Params, row: dict) -> bool:
    return bool(p["boxes"] <= row["vacant_slots"])


fridge = Family(
    name="h23b_fridge",
    templates=["Store {boxes} boxes of {vaccine} vaccine in fridge {fridge}"],
    fields={"boxes": fam.INT, "vaccine": _one_of(VACCINES), "fridge": Field(r"VF-\d+")},
    sample=sample_fridge,
    plan=[
        Step("h23b_fridge", lambda p, r: {"fridge": p["fridge"]}),
        Step(
            "h23b_store",
            lambda p, r: {"fridge": p["fridge"], "vaccine": p["vaccine"], "boxes": p["boxes"]},
            when=lambda p, r: _room(p, r["h23b_fridge"]),
        ),
    ],
    expect=lambda p, b: (
        {"h23b_stored": [{"fridge": p["fridge"], "vaccine": p["vaccine"], "boxes": p["boxes"]}]}
        if _room(p, b["h23b_fridges"][p["fridge"]])
        else {}
    ),
    answer=lambda p, b: [] if _room(p, b["h23b_fridges"][p["fridge"]]) else ["no room"],
    summary=lambda p, r: (
        f"Stored {p['boxes']} boxes of {p['vaccine']} vaccine in {p['fridge']}."
        if "h23b_store" in r
        else f"There is no room in {p['fridge']} for {p['boxes']} boxes ({r['h23b_fridge']['vacant_slots']} free)."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h23b_quay", "A quay berth's spec sheet and free length.", {"quay": str}, _row("h23b_quays", "quay", "quay")
        ),
        Tool(
            "h23b_berth",
            "Berth a vessel at a quay.",
            {"quay": str, "vessel": str, "length": int},
            _log("h23b_berths", ["quay", "vessel", "length"]),
        ),
        Tool(
            "h23b_grant", "A research grant's spend and budget.", {"grant": str}, _row("h23b_grants", "grant", "grant")
        ),
        Tool(
            "h23b_pay",
            "Pay an invoice from a grant.",
            {"grant": str, "invoice": str, "amount": int},
            _log("h23b_payments", ["grant", "invoice", "amount"]),
        ),
        Tool(
            "h23b_fridge",
            "A vaccine fridge: hourly temperatures and free slots.",
            {"fridge": str},
            _row("h23b_fridges", "fridge", "fridge"),
        ),
        Tool(
            "h23b_store",
            "Store vaccine boxes in a fridge.",
            {"fridge": str, "vaccine": str, "boxes": int},
            _log("h23b_stored", ["fridge", "vaccine", "boxes"]),
        ),
    ]
}

FAMILIES = [berth, grant, fridge]
