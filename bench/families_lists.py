"""Probe families for lists of varying length with totals (issue 9, `learning/loops/` with
`learning/_explain_agg.py`): domains no other set uses.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `ls_` and
collide with no other set:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_lists.py --goals 10 --seed 5

The first goals have two items, then three, then one to five. Totals are checked in the world and in
the answer. The traps:

- ls_haul      weigh each bin, then record the total weight (a write after the loop); a bin now and
               then reads "leaking" (never in the first goals): the write must not happen blind
- ls_ferry     quote each island's fare, then book the cheapest; two islands may tie later (the
               model decides which)
- ls_seats     a question: how many seats are free on these flights in total (the answer states the sum)
- ls_warmest   read each greenhouse, then log the warmest one and its temperature (argmax and max)
- ls_opening   read each lot's bid, then log the FIRST lot's bid (not the highest: early goals list
               the highest first, a later one does not): a total must not be guessed from position
- ls_restock   restock each shelf (a per-item write that returns the new level), then close the round
               with the number of shelves (a count after the loop)
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
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "ls_weigh_bin": READ,
    "ls_record_haul": WRITE,
    "ls_island_fare": READ,
    "ls_book_ferry": WRITE,
    "ls_flight_seats": READ,
    "ls_greenhouse": READ,
    "ls_log_warmest": WRITE,
    "ls_restock_shelf": IDEMPOTENT,
    "ls_lot_bid": READ,
}

NAMES = [
    "Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Larch", "Maple", "Oak", "Pine", "Rowan", "Spruce",
    "Willow", "Yew", "Aspen", "Holly",
]  # fmt: skip
ISLANDS = [
    "Hvar", "Vis", "Brac", "Mljet", "Solta", "Pag", "Rab", "Krk", "Cres", "Losinj", "Susak", "Lastovo",
    "Ugljan", "Pasman", "Silba", "Olib",
]  # fmt: skip
FLIGHTS = [f"{a}{n}" for a in ("KL", "LH", "AF", "IB") for n in (101, 215, 330, 472)]
LIST = Field(r"[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?")
CODES = Field(r"[A-Z]{2}\d{3}(?:, [A-Z]{2}\d{3})*(?: and [A-Z]{2}\d{3})?")
MAX = 5


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

    if getattr(Server.add_tool, "_ls_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._ls_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def _size(rng: random.Random, i: int) -> int:
    return 2 if i < 2 else 3 if i < 4 else rng.randint(1, MAX)


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(a[key])
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _append(section: str, keys: list[str], ack: Any = None):
    def run(s: State, a: dict) -> Any:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return ack(s, a) if ack else {"ok": True}

    return run


def _per_item(tool: str, arg: str, key: str = "") -> list[Any]:
    return [
        Step(
            tool,
            lambda p, r, k=k: {arg: items_of(p["items"])[k]},
            key=f"{key or tool}{k}",
            when=lambda p, r, k=k: len(items_of(p["items"])) > k,
        )
        for k in range(MAX)
    ]


def _results(p: Params, r: dict, key: str) -> list[dict]:
    return [r[f"{key}{k}"] for k in range(len(items_of(p["items"])))]


# =========================================================================== 1. haul: a total written after the loop
def sample_haul(rng: random.Random, w: State, i: int) -> Params:
    bins = rng.sample(NAMES, _size(rng, i))
    t = w["tables"].setdefault("ls_bins", {})
    for b in bins:
        leaking = i >= 5 and rng.random() < 0.15
        t[b] = {"bin": b, "kg": round(rng.uniform(5, 60), 1), "seal": "leaking" if leaking else "sealed"}
    return {"items": listed(bins)}


def _haul_total(p: Params, b: State) -> float:
    return round(sum(b["tables"]["ls_bins"][x]["kg"] for x in items_of(p["items"])), 1)


haul = Family(
    name="ls_haul",
    templates=["Weigh the bins {items} and record the haul"],
    fields={"items": LIST},
    sample=sample_haul,
    plan=[
        *_per_item("ls_weigh_bin", "bin"),
        Step("ls_record_haul", lambda p, r: {"kg": round(sum(x["kg"] for x in _results(p, r, "ls_weigh_bin")), 1)}),
    ],
    expect=lambda p, b: {"hauls": [{"kg": _haul_total(p, b)}]},
    answer=lambda p, b: [_haul_total(p, b)],
    summary=lambda p, r: f"Recorded a haul of {round(sum(x['kg'] for x in _results(p, r, 'ls_weigh_bin')), 1)} kg.",
)


# =========================================================================== 2. ferry: book the cheapest
def sample_ferry(rng: random.Random, w: State, i: int) -> Params:
    isl = rng.sample(ISLANDS, _size(rng, i))
    t = w["tables"].setdefault("ls_fares", {})
    fares = rng.sample(range(12, 90), len(isl))
    for x, f in zip(isl, fares, strict=True):
        t[x] = {"island": x, "fare": f}
    if i >= 5 and len(isl) >= 2 and rng.random() < 0.3:
        t[isl[1]]["fare"] = min(fares)  # a tie for the cheapest
    return {"items": listed(isl)}


def _cheapest(p: Params, fares: dict[str, int]) -> str:
    isl = items_of(p["items"])
    return min(isl, key=lambda x: (fares[x], isl.index(x)))


ferry = Family(
    name="ls_ferry",
    templates=["Book the cheapest ferry to {items}"],
    fields={"items": LIST},
    sample=sample_ferry,
    plan=[
        *_per_item("ls_island_fare", "island"),
        Step(
            "ls_book_ferry",
            lambda p, r: {"island": _cheapest(p, {x["island"]: x["fare"] for x in _results(p, r, "ls_island_fare")})},
        ),
    ],
    expect=lambda p, b: {
        "ferries": [{"island": _cheapest(p, {k: v["fare"] for k, v in b["tables"]["ls_fares"].items()})}]
    },
    summary=lambda p, r: "Booked the cheapest ferry.",
)


# =========================================================================== 3. seats: a total in the answer
def sample_seats(rng: random.Random, w: State, i: int) -> Params:
    fl = rng.sample(FLIGHTS, _size(rng, i))
    t = w["tables"].setdefault("ls_flights", {})
    for f in fl:
        t[f] = {"flight": f, "free": rng.randint(0, 120), "gate": f"G{rng.randint(1, 40)}"}
    return {"items": listed(fl)}


def _free(p: Params, b: State) -> int:
    return sum(b["tables"]["ls_flights"][f]["free"] for f in items_of(p["items"]))


seats = Family(
    name="ls_seats",
    templates=["How many seats are free in total on flights {items}?"],
    fields={"items": CODES},
    sample=sample_seats,
    plan=_per_item("ls_flight_seats", "flight"),
    expect=lambda p, b: {},
    answer=lambda p, b: [_free(p, b)],
    summary=lambda p, r: f"{sum(x['free'] for x in _results(p, r, 'ls_flight_seats'))} seats are free in total.",
)


# =========================================================================== 4. warmest: argmax and max
def sample_warm(rng: random.Random, w: State, i: int) -> Params:
    gh = rng.sample(NAMES, _size(rng, i))
    t = w["tables"].setdefault("ls_greenhouses", {})
    temps = rng.sample(range(150, 400), len(gh))
    for g, c in zip(gh, temps, strict=True):
        t[g] = {"greenhouse": g, "celsius": c / 10, "vents": "open"}
    return {"items": listed(gh)}


def _warmest(rows: list[dict]) -> dict:
    return max(rows, key=lambda x: x["celsius"])


warmest = Family(
    name="ls_warmest",
    templates=["Log the warmest of the greenhouses {items}"],
    fields={"items": LIST},
    sample=sample_warm,
    plan=[
        *_per_item("ls_greenhouse", "greenhouse"),
        Step(
            "ls_log_warmest",
            lambda p, r: {
                "greenhouse": _warmest(_results(p, r, "ls_greenhouse"))["greenhouse"],
                "celsius": _warmest(_results(p, r, "ls_greenhouse"))["celsius"],
            },
        ),
    ],
    expect=lambda p, b: {
        "warmest": [
            {
                k: _warmest([b["tables"]["ls_greenhouses"][g] for g in items_of(p["items"])])[k]
                for k in ("greenhouse", "celsius")
            }
        ]
    },
    summary=lambda p, r: "Logged.",
)


# =========================================================================== 5. restock: a count after the loop
def sample_restock(rng: random.Random, w: State, i: int) -> Params:
    sh = rng.sample(NAMES, _size(rng, i))
    t = w["tables"].setdefault("ls_shelves", {})
    for s in sh:
        t.setdefault(s, rng.randint(0, 30))
    return {"items": listed(sh)}


def _restock(s: State, a: dict) -> dict:
    t = s["tables"].setdefault("ls_shelves", {})
    if a["shelf"] not in t:
        raise ToolFail(f"no shelf {a['shelf']}")
    t[a["shelf"]] = max(t[a["shelf"]], 40)
    s.setdefault("restocked", []).append({"shelf": a["shelf"]})
    return {"shelf": a["shelf"], "level": t[a["shelf"]]}


restock = Family(
    name="ls_restock",
    templates=["Restock the shelves {items} and close the round"],
    fields={"items": LIST},
    sample=sample_restock,
    plan=[
        *_per_item("ls_restock_shelf", "shelf"),
        Step("ls_close_round", lambda p, r: {"shelves": len(items_of(p["items"]))}),
    ],
    expect=lambda p, b: {
        "restocked": [{"shelf": s} for s in items_of(p["items"])],
        "rounds": [{"shelves": len(items_of(p["items"]))}],
    },
    summary=lambda p, r: "Round closed.",
)


# =========================================================================== 6. opening: the first item, not the max
LOTS = ["Vase", "Clock", "Chair", "Lamp", "Rug", "Desk", "Mirror", "Bench", "Stool", "Chest", "Easel", "Globe"]


def sample_opening(rng: random.Random, w: State, i: int) -> Params:
    lots = rng.sample(LOTS, _size(rng, i))
    bids = rng.sample(range(50, 900, 5), len(lots))
    if i < 4:
        bids.sort(reverse=True)  # the first lot had the highest bid in every early goal
    t = w["tables"].setdefault("ls_lots", {})
    for lot, b in zip(lots, bids, strict=True):
        t[lot] = {"lot": lot, "bid": b}
    return {"items": listed(lots)}


opening = Family(
    name="ls_opening",
    templates=["Log the opening bid for the lots {items}"],
    fields={"items": LIST},
    sample=sample_opening,
    plan=[
        *_per_item("ls_lot_bid", "lot"),
        Step("ls_log_opening", lambda p, r: {"bid": r["ls_lot_bid0"]["bid"]}),
    ],
    expect=lambda p, b: {"openings": [{"bid": b["tables"]["ls_lots"][items_of(p["items"])[0]]["bid"]}]},
    summary=lambda p, r: "Logged.",
)


TOOLS = {
    t.name: t
    for t in [
        Tool("ls_weigh_bin", "Weigh one bin (kg) and read its seal.", {"bin": str}, _row("ls_bins", "bin", "bin")),
        Tool("ls_record_haul", "Record the total weight of a haul in kg.", {"kg": float}, _append("hauls", ["kg"])),
        Tool("ls_island_fare", "The ferry fare to one island.", {"island": str}, _row("ls_fares", "island", "island")),
        Tool("ls_book_ferry", "Book a ferry to an island.", {"island": str}, _append("ferries", ["island"])),
        Tool(
            "ls_flight_seats",
            "Free seats and gate of one flight.",
            {"flight": str},
            _row("ls_flights", "flight", "flight"),
        ),
        Tool(
            "ls_greenhouse",
            "One greenhouse's temperature (C) and vents.",
            {"greenhouse": str},
            _row("ls_greenhouses", "greenhouse", "greenhouse"),
        ),
        Tool(
            "ls_log_warmest",
            "Log the warmest greenhouse and its temperature.",
            {"greenhouse": str, "celsius": float},
            _append("warmest", ["greenhouse", "celsius"]),
        ),
        Tool("ls_restock_shelf", "Restock one shelf to 40 units; returns its level.", {"shelf": str}, _restock),
        Tool("ls_lot_bid", "The current bid on one auction lot.", {"lot": str}, _row("ls_lots", "lot", "lot")),
        Tool("ls_log_opening", "Log an auction's opening bid.", {"bid": int}, _append("openings", ["bid"])),
        Tool("ls_close_round", "Close a restocking round.", {"shelves": int}, _append("rounds", ["shelves"])),
    ]
}

FAMILIES = [haul, ferry, seats, warmest, restock, opening]
