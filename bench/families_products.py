"""Probe families for rule 1's implied products and weighted sums (issue 9, helper prod).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `pr_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_products.py --goals 8 --seed 7

Every family hides a rule on a product or a weighted sum: a pane's width x height against a constant
limit (glazing), a room's length x width against another read's stock (carpet), a goal number x a result
price against another read's budget (wholesale), a goal number x a result power against a constant cap
(kilns), the sum over order lines of qty x unit price against another read's credit (purchase orders).
The first four goals agree on the rule; a later goal keeps every single number inside the ranges seen
and breaks it through the product alone.
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
    "pr_pane": READ,
    "pr_fit_pane": IDEMPOTENT,
    "pr_room": READ,
    "pr_roll": READ,
    "pr_cut_carpet": WRITE,
    "pr_case_price": READ,
    "pr_store_budget": READ,
    "pr_order_cases": WRITE,
    "pr_kiln": READ,
    "pr_fire_kiln": WRITE,
    "pr_po": READ,
    "pr_customer": READ,
    "pr_approve_po": IDEMPOTENT,
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

    if getattr(Server.add_tool, "_pr_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._pr_annotated = True  # type: ignore[attr-defined]
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


# ======================================== 1. glazing: width x height of one record against a constant
# a pane over 2.0 m2 needs toughened glass: the fitter refuses. Early panes are long and narrow or
# small; a later pane has each side inside the sides seen and an area past every area seen.
def sample_glazing(rng: random.Random, w: State, i: int) -> Params:
    pane = _fresh(rng, w, "pr_panes", lambda r: f"PN-{r.randint(1000, 9999)}")
    win = _fresh(rng, w, "pr_windows", lambda r: f"W{r.randint(10, 99)}")
    if i == 0:
        wd, ht = 0.5, 1.9
    elif i == 1:
        wd, ht = 1.9, 0.5
    elif not _mixed(i, rng, False, True):
        wd = round(rng.uniform(0.5, 1.9), 2)
        ht = round(rng.uniform(0.5, min(1.9, 1.95 / wd)), 2)
    else:
        wd = round(rng.uniform(1.5, 1.9), 2)
        ht = round(rng.uniform(max(0.5, 2.1 / wd), 1.9), 2)
    w.setdefault("pr_panes", {})[pane] = {"pane": pane, "width_m": wd, "height_m": ht, "glass": "float 6 mm"}
    return {"pane": pane, "win": win}


def _glaze_ok(p: Params, b: State) -> bool:
    row = b["pr_panes"][p["pane"]]
    return row["width_m"] * row["height_m"] <= 2.0


glazing = Family(
    name="pr_glazing",
    templates=["Glaze window {win} with pane {pane}"],
    fields={"win": Field(r"W\d{2}"), "pane": Field(r"PN-\d{4}")},
    sample=sample_glazing,
    plan=[
        Step("pr_pane", lambda p, r: {"pane": p["pane"]}),
        Step(
            "pr_fit_pane",
            lambda p, r: {"pane": p["pane"], "window": p["win"]},
            when=lambda p, r: r["pr_pane"]["width_m"] * r["pr_pane"]["height_m"] <= 2.0,
        ),
    ],
    expect=lambda p, b: {"pr_fitted": [{"pane": p["pane"], "window": p["win"]}]} if _glaze_ok(p, b) else {},
    answer=lambda p, b: [p["win"]] if _glaze_ok(p, b) else ["toughened"],
    summary=lambda p, r: (
        f"Pane {p['pane']} fitted in window {p['win']}."
        if "pr_fit_pane" in r
        else f"Not fitted: pane {p['pane']} is over 2 m2 and needs toughened glass."
    ),
)


# ======================================== 2. carpet: length x width of one record against another read's stock
def sample_carpet(rng: random.Random, w: State, i: int) -> Params:
    room = _fresh(rng, w, "pr_rooms", lambda r: f"RM-{r.randint(100, 999)}")
    roll = _fresh(rng, w, "pr_rolls", lambda r: f"CR{r.randint(1000, 9999)}")
    if i == 0:
        ln, wd, left = 3.0, 3.0, 60.0
    elif i == 1:
        ln, wd, left = 7.0, 6.0, 45.0
    elif not _mixed(i, rng, False, True):
        ln, wd = round(rng.uniform(3, 7), 1), round(rng.uniform(3, 6), 1)
        left = round(rng.uniform(max(30.0, ln * wd + 1), 60.0), 1) if ln * wd + 1 <= 60 else 60.0
    else:
        ln, wd = round(rng.uniform(5.5, 7), 1), round(rng.uniform(5, 6), 1)
        left = round(rng.uniform(30.0, ln * wd - 2), 1)
    w.setdefault("pr_rooms", {})[room] = {"room": room, "length_m": ln, "width_m": wd}
    w.setdefault("pr_rolls", {})[roll] = {"roll": roll, "left_m2": left, "colour": "slate"}
    return {"room": room, "roll": roll}


def _carpet_ok(p: Params, b: State) -> bool:
    row = b["pr_rooms"][p["room"]]
    return row["length_m"] * row["width_m"] <= b["pr_rolls"][p["roll"]]["left_m2"]


carpet = Family(
    name="pr_carpet",
    templates=["Carpet room {room} from roll {roll}"],
    fields={"room": Field(r"RM-\d{3}"), "roll": Field(r"CR\d{4}")},
    sample=sample_carpet,
    plan=[
        Step("pr_room", lambda p, r: {"room": p["room"]}, group="g"),
        Step("pr_roll", lambda p, r: {"roll": p["roll"]}, group="g"),
        Step(
            "pr_cut_carpet",
            lambda p, r: {"room": p["room"], "roll": p["roll"]},
            when=lambda p, r: r["pr_room"]["length_m"] * r["pr_room"]["width_m"] <= r["pr_roll"]["left_m2"],
        ),
    ],
    expect=lambda p, b: {"pr_cuts": [{"room": p["room"], "roll": p["roll"]}]} if _carpet_ok(p, b) else {},
    answer=lambda p, b: [p["room"]] if _carpet_ok(p, b) else ["not enough"],
    summary=lambda p, r: (
        f"Carpet for room {p['room']} cut from roll {p['roll']}."
        if "pr_cut_carpet" in r
        else f"Not cut: roll {p['roll']} has not enough carpet for room {p['room']}."
    ),
)


# ======================================== 3. wholesale: a goal number x a result price against another read's budget
def sample_wholesale(rng: random.Random, w: State, i: int) -> Params:
    sku = _fresh(rng, w, "pr_skus", lambda r: f"SKU-{r.randint(10, 99)}")
    store = _fresh(rng, w, "pr_stores", lambda r: f"ST{r.randint(100, 999)}")
    if i == 0:
        n, price, budget = 2, 10.0, 700.0
    elif i == 1:
        n, price, budget = 12, 50.0, 650.0
    elif not _mixed(i, rng, False, True):
        n, price = rng.randint(2, 12), float(rng.randint(10, 50))
        budget = float(rng.randint(max(200, int(n * price) + 5), 700)) if n * price + 5 <= 700 else 700.0
    else:
        n, price = rng.randint(8, 12), float(rng.randint(35, 50))
        budget = float(rng.randint(200, int(n * price) - 10))
    w.setdefault("pr_skus", {})[sku] = {"sku": sku, "eur_per_case": price, "case_units": 24}
    w.setdefault("pr_stores", {})[store] = {"store": store, "budget_left_eur": budget}
    return {"n": n, "sku": sku, "store": store}


def _order_ok(p: Params, b: State) -> bool:
    return p["n"] * b["pr_skus"][p["sku"]]["eur_per_case"] <= b["pr_stores"][p["store"]]["budget_left_eur"]


wholesale = Family(
    name="pr_wholesale",
    templates=["Order {n} cases of {sku} for store {store}"],
    fields={"n": INT, "sku": Field(r"SKU-\d{2}"), "store": Field(r"ST\d{3}")},
    sample=sample_wholesale,
    plan=[
        Step("pr_case_price", lambda p, r: {"sku": p["sku"]}, group="g"),
        Step("pr_store_budget", lambda p, r: {"store": p["store"]}, group="g"),
        Step(
            "pr_order_cases",
            lambda p, r: {"sku": p["sku"], "store": p["store"], "cases": p["n"]},
            when=lambda p, r: p["n"] * r["pr_case_price"]["eur_per_case"] <= r["pr_store_budget"]["budget_left_eur"],
        ),
    ],
    expect=lambda p, b: (
        {"pr_orders": [{"sku": p["sku"], "store": p["store"], "cases": p["n"]}]} if _order_ok(p, b) else {}
    ),
    answer=lambda p, b: [p["sku"]] if _order_ok(p, b) else ["budget"],
    summary=lambda p, r: (
        f"Ordered {p['n']} cases of {p['sku']} for store {p['store']}."
        if "pr_order_cases" in r
        else f"Not ordered: {p['n']} cases of {p['sku']} are over the budget of store {p['store']}."
    ),
)


# ======================================== 4. kilns: a goal number x a result power against a constant cap
def sample_kiln(rng: random.Random, w: State, i: int) -> Params:
    kiln = _fresh(rng, w, "pr_kilns", lambda r: f"K{r.randint(10, 99)}")
    if i == 0:
        kw, h = 6, 2
    elif i == 1:
        kw, h = 30, 4
    elif i == 2:
        kw, h = 8, 12
    elif not _mixed(i, rng, False, True):
        kw = rng.randint(6, 30)
        h = rng.randint(2, max(2, min(12, 120 // kw)))
    else:
        kw = rng.randint(16, 30)
        h = rng.randint(max(2, 120 // kw + 1), 12)
    w.setdefault("pr_kilns", {})[kiln] = {"kiln": kiln, "kw": kw, "max_c": 1300}
    return {"kiln": kiln, "h": h}


def _fire_ok(p: Params, b: State) -> bool:
    return b["pr_kilns"][p["kiln"]]["kw"] * p["h"] <= 120


kiln = Family(
    name="pr_kiln",
    templates=["Fire kiln {kiln} for {h} hours"],
    fields={"kiln": Field(r"K\d{2}"), "h": INT},
    sample=sample_kiln,
    plan=[
        Step("pr_kiln", lambda p, r: {"kiln": p["kiln"]}),
        Step(
            "pr_fire_kiln",
            lambda p, r: {"kiln": p["kiln"], "hours": p["h"]},
            when=lambda p, r: r["pr_kiln"]["kw"] * p["h"] <= 120,
        ),
    ],
    expect=lambda p, b: {"pr_firings": [{"kiln": p["kiln"], "hours": p["h"]}]} if _fire_ok(p, b) else {},
    answer=lambda p, b: [p["kiln"]] if _fire_ok(p, b) else ["peak"],
    summary=lambda p, r: (
        f"Kiln {p['kiln']} fired for {p['h']} hours."
        if "pr_fire_kiln" in r
        else f"Not fired: kiln {p['kiln']} for {p['h']} hours is over the 120 kWh peak cap."
    ),
)


# ======================================== 5. purchase orders: sum of qty x unit price against another read's credit
def _lines(rng: random.Random, qty: list[int], unit: list[float]) -> list[dict[str, Any]]:
    return [{"sku": f"P{rng.randint(100, 999)}", "qty": q, "unit_eur": u} for q, u in zip(qty, unit, strict=True)]


def sample_po(rng: random.Random, w: State, i: int) -> Params:
    po = _fresh(rng, w, "pr_pos", lambda r: f"PO-{r.randint(10000, 99999)}")
    cust = _fresh(rng, w, "pr_customers", lambda r: f"C-{r.randint(100, 999)}")
    if i == 0:
        qty, unit, credit = [1, 1, 1], [5.0, 5.0, 5.0], 400.0
    elif i == 1:
        qty, unit, credit = [10, 10, 10], [80.0, 80.0, 80.0], 2500.0
    elif not _mixed(i, rng, False, True):
        qty = [rng.randint(1, 10) for _ in range(3)]
        unit = [float(rng.randint(5, 80)) for _ in range(3)]
        total = sum(q * u for q, u in zip(qty, unit, strict=True))
        credit = float(rng.randint(int(max(400, total + 20)), 2500)) if total + 20 <= 2500 else 2500.0
    else:
        qty = [rng.randint(6, 10) for _ in range(3)]
        unit = [float(rng.randint(45, 75)) for _ in range(3)]
        total = sum(q * u for q, u in zip(qty, unit, strict=True))
        credit = float(rng.randint(400, int(total) - 20))
    w.setdefault("pr_pos", {})[po] = {"po": po, "lines": _lines(rng, qty, unit)}
    w.setdefault("pr_customers", {})[cust] = {"customer": cust, "credit_left_eur": credit}
    return {"po": po, "cust": cust}


def _po_total(row: dict[str, Any]) -> float:
    return float(sum(ln["qty"] * ln["unit_eur"] for ln in row["lines"]))


def _po_ok(p: Params, b: State) -> bool:
    return _po_total(b["pr_pos"][p["po"]]) <= b["pr_customers"][p["cust"]]["credit_left_eur"]


purchase = Family(
    name="pr_purchase",
    templates=["Approve purchase order {po} for customer {cust}"],
    fields={"po": Field(r"PO-\d{5}"), "cust": Field(r"C-\d{3}")},
    sample=sample_po,
    plan=[
        Step("pr_po", lambda p, r: {"po": p["po"]}),
        Step("pr_customer", lambda p, r: {"customer": p["cust"]}),
        Step(
            "pr_approve_po",
            lambda p, r: {"po": p["po"]},
            when=lambda p, r: _po_total(r["pr_po"]) <= r["pr_customer"]["credit_left_eur"],
        ),
    ],
    expect=lambda p, b: {"pr_approved": [{"po": p["po"]}]} if _po_ok(p, b) else {},
    answer=lambda p, b: ["approved"] if _po_ok(p, b) else ["credit"],
    summary=lambda p, r: (
        f"Purchase order {p['po']} approved."
        if "pr_approve_po" in r
        else f"Not approved: purchase order {p['po']} is over the credit of customer {p['cust']}."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "pr_pane", "A glass pane's width and height (m) and glass.", {"pane": str}, _row("pr_panes", "pane", "pane")
        ),
        Tool(
            "pr_fit_pane",
            "Fit a glass pane in a window frame.",
            {"pane": str, "window": str},
            _append("pr_fitted", "pane", "window"),
        ),
        Tool("pr_room", "A room's floor length and width (m).", {"room": str}, _row("pr_rooms", "room", "room")),
        Tool("pr_roll", "A carpet roll's area left (m2).", {"roll": str}, _row("pr_rolls", "roll", "roll")),
        Tool(
            "pr_cut_carpet",
            "Cut the carpet for a room from a roll.",
            {"room": str, "roll": str},
            _append("pr_cuts", "room", "roll"),
        ),
        Tool("pr_case_price", "A SKU's price per case (EUR).", {"sku": str}, _row("pr_skus", "sku", "sku")),
        Tool(
            "pr_store_budget",
            "A store's purchasing budget left (EUR).",
            {"store": str},
            _row("pr_stores", "store", "store"),
        ),
        Tool(
            "pr_order_cases",
            "Order cases of a SKU for a store.",
            {"sku": str, "store": str, "cases": int},
            _append("pr_orders", "sku", "store", "cases"),
        ),
        Tool(
            "pr_kiln", "A kiln's power (kW) and maximum temperature.", {"kiln": str}, _row("pr_kilns", "kiln", "kiln")
        ),
        Tool(
            "pr_fire_kiln",
            "Fire a kiln for some hours.",
            {"kiln": str, "hours": int},
            _append("pr_firings", "kiln", "hours"),
        ),
        Tool(
            "pr_po", "A purchase order's lines: quantity and unit price (EUR).", {"po": str}, _row("pr_pos", "po", "po")
        ),
        Tool(
            "pr_customer",
            "A customer's credit left (EUR).",
            {"customer": str},
            _row("pr_customers", "customer", "customer"),
        ),
        Tool("pr_approve_po", "Approve a purchase order.", {"po": str}, _append("pr_approved", "po")),
    ]
}

FAMILIES = [glazing, carpet, wholesale, kiln, purchase]
