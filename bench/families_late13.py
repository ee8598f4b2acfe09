"""Probe families of rate13 (issue 9, rule 1): numbers past the per-result cap of recorded orders decide a write,
in shapes the rule was not written on: a minimum the goal must reach (the goal above a late number), a late number
against a number of ANOTHER read (two reads, no goal number decides), and a late number among varying numbers (a
day's meter readings that change from run to run). Each number lies inside what the supporting runs saw; only an
order is new in a trap. Before rate13 every replay of these stopped (the late number varied); after, the recorded
orders must stop every trap and nothing else.

Same interface as the public `families.py`; tool names are prefixed `l13_`. One wording per family.

- l13_topup    top up a transit card only when the amount reaches the card's minimum top-up (after 20 fare numbers)
- l13_ship     ship an order from a depot only when the depot's stock of its item covers the order's quantity
               (the order a read of its own; the stock after 18 other stock numbers)
- l13_meter    log a meter's reading as settled only when the day's consumption stays under the goal's cap
               (24 hourly readings that vary, the day's total last)

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
    "l13_card": READ,
    "l13_topup": WRITE,
    "l13_order": READ,
    "l13_depot": READ,
    "l13_ship": WRITE,
    "l13_meter": READ,
    "l13_settle": WRITE,
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

    if getattr(Server.add_tool, "_l13_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._l13_annotated = True  # type: ignore[attr-defined]
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


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


# ======================================== 1. transit card: a minimum top-up, late in a fare table
CARDS = [f"TC-{n}" for n in range(40011, 40999, 37)]
FARES = {
    f"zone{z}_{k}": round(1.2 + 0.35 * z + (0.4 if k == "peak" else 0.0), 2)
    for z in range(1, 11)
    for k in ("off", "peak")
}
# early goals: (amount, minimum), the amount always at or over the minimum; a trap: each inside, amount under
EARLY_TOPUP = [(20, 10), (45, 25), (30, 15), (60, 40)]
TRAP_TOPUP = [(22, 30), (28, 35), (18, 20)]


def sample_topup(rng: random.Random, w: State, i: int) -> Params:
    card = CARDS[i]
    if i < 4:
        amount, minimum = EARLY_TOPUP[i]
    elif _trap(i, rng):
        amount, minimum = rng.choice(TRAP_TOPUP)
    else:
        minimum = rng.choice([10, 15, 20, 25, 30, 35, 40])
        amount = rng.randint(max(20, minimum), 60)
    row: dict[str, Any] = {"card": card, "fares": dict(FARES), "topup_min_eur": minimum}
    w.setdefault("l13_cards", {})[card] = row
    return {"card": card, "amount": amount}


def _reaches(p: Params, row: dict) -> bool:
    return bool(p["amount"] >= row["topup_min_eur"])


topup = Family(
    name="l13_topup",
    templates=["Top up transit card {card} with {amount} EUR"],
    fields={"card": Field(r"TC-\d+"), "amount": fam.INT},
    sample=sample_topup,
    plan=[
        Step("l13_card", lambda p, r: {"card": p["card"]}),
        Step(
            "l13_topup",
            lambda p, r: {"card": p["card"], "amount": p["amount"]},
            when=lambda p, r: _reaches(p, r["l13_card"]),
        ),
    ],
    expect=lambda p, b: (
        {"l13_topups": [{"card": p["card"], "amount": p["amount"]}]} if _reaches(p, b["l13_cards"][p["card"]]) else {}
    ),
    answer=lambda p, b: [] if _reaches(p, b["l13_cards"][p["card"]]) else ["below the minimum"],
    summary=lambda p, r: (
        f"Topped up {p['card']} with {p['amount']} EUR."
        if "l13_topup" in r
        else f"{p['amount']} EUR is below the minimum top-up of {r['l13_card']['topup_min_eur']} EUR for {p['card']}: "
        "not topped up."
    ),
)


# ======================================== 2. depot: an order's quantity (its own read) against a late stock number
ORDERS = [f"SO-{n}" for n in range(8101, 8999, 29)]
DEPOTS = ["North", "South", "East", "West", "Harbour"]
ITEMS = [f"sku{n:02d}" for n in range(19)]  # the item shipped is the last: "sku18"
EARLY_SHIP = [(12, 30), (40, 55), (25, 60), (8, 20)]
TRAP_SHIP = [(35, 28), (50, 42), (20, 14)]


def sample_ship(rng: random.Random, w: State, i: int) -> Params:
    order = ORDERS[i]
    depot = rng.choice(DEPOTS)
    if i < 4:
        qty, stock = EARLY_SHIP[i]
    elif _trap(i, rng):
        qty, stock = rng.choice(TRAP_SHIP)
    else:
        qty = rng.randint(8, 50)
        stock = rng.randint(qty, 60)
    w.setdefault("l13_orders", {})[order] = {"order": order, "item": ITEMS[-1], "qty": qty}
    w.setdefault("l13_depots", {})[f"{order}@{depot}"] = {
        "depot": depot,
        "stock": {**{s: 100 + 7 * k for k, s in enumerate(ITEMS[:-1])}, ITEMS[-1]: stock},
    }
    return {"order": order, "depot": depot}


def _covers(p: Params, b: State) -> bool:
    qty = b["l13_orders"][p["order"]]["qty"]
    return bool(qty <= b["l13_depots"][f"{p['order']}@{p['depot']}"]["stock"][ITEMS[-1]])


def _depot(s: State, a: dict) -> Any:
    for key, row in s.get("l13_depots", {}).items():
        if key.endswith("@" + str(a["depot"])) and key.split("@")[0] == str(a.get("order", "")):
            return row
    raise ToolFail(f"no depot {a['depot']}")


ship = Family(
    name="l13_ship",
    templates=["Ship order {order} from the {depot} depot"],
    fields={"order": Field(r"SO-\d+"), "depot": _one_of(DEPOTS)},
    sample=sample_ship,
    plan=[
        Step("l13_order", lambda p, r: {"order": p["order"]}),
        Step("l13_depot", lambda p, r: {"depot": p["depot"], "order": p["order"]}),
        Step(
            "l13_ship",
            lambda p, r: {"order": p["order"], "depot": p["depot"]},
            when=lambda p, r: r["l13_order"]["qty"] <= r["l13_depot"]["stock"][ITEMS[-1]],
        ),
    ],
    expect=lambda p, b: {"l13_shipped": [{"order": p["order"], "depot": p["depot"]}]} if _covers(p, b) else {},
    answer=lambda p, b: [] if _covers(p, b) else ["not enough stock"],
    summary=lambda p, r: (
        f"Shipped order {p['order']} from the {p['depot']} depot."
        if "l13_ship" in r
        else f"Not enough stock at the {p['depot']} depot for order {p['order']}: "
        f"{r['l13_depot']['stock'][ITEMS[-1]]} in stock, {r['l13_order']['qty']} ordered."
    ),
)


# ======================================== 3. meter: 24 hourly readings that vary, the day's total last
METERS = [f"EM-{n}" for n in range(5201, 5999, 31)]
EARLY_METER = [(120, 80), (300, 240), (200, 150), (260, 230)]  # (cap, total): the total always under the cap
TRAP_METER = [(150, 170), (220, 250), (180, 200)]


def sample_meter(rng: random.Random, w: State, i: int) -> Params:
    meter = METERS[i]
    if i < 4:
        cap, total = EARLY_METER[i]
    elif _trap(i, rng):
        cap, total = rng.choice(TRAP_METER)
    else:
        cap = rng.randint(120, 300)
        total = rng.randint(80, cap - 5)
    hours = [round(total / 24 + rng.uniform(-1.5, 1.5), 2) for _ in range(24)]
    row: dict[str, Any] = {"meter": meter, **{f"h{h:02d}_kwh": v for h, v in enumerate(hours)}, "total_kwh": total}
    w.setdefault("l13_meters", {})[meter] = row
    return {"meter": meter, "cap": cap}


def _under(p: Params, row: dict) -> bool:
    return bool(row["total_kwh"] <= p["cap"])


meter = Family(
    name="l13_meter",
    templates=["Settle meter {meter} for today if it used no more than {cap} kWh"],
    fields={"meter": Field(r"EM-\d+"), "cap": fam.INT},
    sample=sample_meter,
    plan=[
        Step("l13_meter", lambda p, r: {"meter": p["meter"]}),
        Step("l13_settle", lambda p, r: {"meter": p["meter"]}, when=lambda p, r: _under(p, r["l13_meter"])),
    ],
    expect=lambda p, b: {"l13_settled": [{"meter": p["meter"]}]} if _under(p, b["l13_meters"][p["meter"]]) else {},
    answer=lambda p, b: [] if _under(p, b["l13_meters"][p["meter"]]) else ["over the cap"],
    summary=lambda p, r: (
        f"Settled meter {p['meter']} for today."
        if "l13_settle" in r
        else f"Meter {p['meter']} used {r['l13_meter']['total_kwh']} kWh today, over the cap of {p['cap']} kWh: "
        "not settled."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "l13_card",
            "A transit card's fare table and minimum top-up.",
            {"card": str},
            _row("l13_cards", "card", "card"),
        ),
        Tool(
            "l13_topup", "Top up a transit card.", {"card": str, "amount": int}, _log("l13_topups", ["card", "amount"])
        ),
        Tool(
            "l13_order", "A sales order: its item and quantity.", {"order": str}, _row("l13_orders", "order", "order")
        ),
        Tool("l13_depot", "A depot's stock of every item.", {"depot": str, "order": str}, _depot),
        Tool(
            "l13_ship",
            "Ship an order from a depot.",
            {"order": str, "depot": str},
            _log("l13_shipped", ["order", "depot"]),
        ),
        Tool(
            "l13_meter",
            "A meter's hourly readings and total for today.",
            {"meter": str},
            _row("l13_meters", "meter", "meter"),
        ),
        Tool("l13_settle", "Settle a meter's day.", {"meter": str}, _log("l13_settled", ["meter"])),
    ]
}

FAMILIES = [topup, ship, meter]
