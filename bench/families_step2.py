"""Held-out probe of helper step2 (issue 9, rules 1 and 2): a count a threshold decides, which the runs'
few counts let a rounded form read (floor(a x b / c), c any constant of a band), given operands each inside
what the supporting runs saw while the quantity the threshold is about goes past every one seen.

- s2_pallet     one record: cartons x carton_kg; one pallet up to 500 kg, two up to 1000 kg, else three
- s2_boiler     two reads: a building's floor_m2 (one tool) x the insulation sheet's w_per_m2 (another);
                one boiler up to 24 kW, else two
- s2_vans       one record: dogs + cats of a shelter's transfer; one van up to 14 animals, else two (a sum)

Workloads up to `--goals 16`. The first goals never cross the first threshold, later goals sometimes do;
a trap keeps every operand (and their ratios and difference) inside what the first goals showed.
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
    "s2_pallet_order": READ,
    "s2_ship_pallets": WRITE,
    "s2_building": READ,
    "s2_insulation": READ,
    "s2_order_boilers": WRITE,
    "s2_kennel": READ,
    "s2_book_vans": WRITE,
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

    if getattr(Server.add_tool, "_s2_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._s2_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, share: float = 0.45, first: int = 4) -> bool:
    """Never for the first goals, then at random."""
    return i >= first and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _log(section: str, **row: Any) -> dict:
    return {section: [row]}


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _get(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _inside(qs: Any, first: list[tuple[float, ...]], t: tuple[float, ...]) -> bool:
    """Every operand and every pair quantity (`qs`) of `t` inside what the first goals showed."""
    seen = [[*f, *qs(*f)] for f in first]
    mine = [*t, *qs(*t)]
    return all(min(c) <= q <= max(c) for q, c in zip(mine, zip(*seen, strict=True), strict=True))


def _pairs(*xs: float) -> list[float]:
    out: list[float] = []
    for i, a in enumerate(xs):
        for b in xs[i + 1 :]:
            out += [a * b, a / b, b / a, a - b]
    return out


def _draw(
    rng: random.Random, i: int, first: list[tuple[float, ...]], gen: Any, value: Any, ok: Any, qs: Any = _pairs
) -> tuple:
    """The first goals' operands, then draws inside them (`_inside`: the operands and the quantities `qs`,
    all but the one that decides) whose `value` is a trap's or not."""
    if i < len(first):
        return first[i]
    trap = _trap(i, rng, first=len(first))
    for _ in range(20000):
        t = gen(rng)
        if _inside(qs, first, t) and ok(value(*t)) != trap:
            return t
    return first[0]


def _not_product(a: float, b: float) -> list[float]:
    return [a / b, b / a, a - b]


def _not_ratio(a: float, b: float) -> list[float]:
    return [a * b, a - b]


def _not_sum(a: float, b: float) -> list[float]:
    return [a / b, b / a, a - b]


# ======================================== 1. pallets: cartons x carton_kg of one record, three steps
FIRST_PALLET = [(20.0, 12.0), (40.0, 6.0), (10.0, 30.0), (25.0, 16.0)]


def _pallets(cartons: float, kg: float) -> int:
    w = cartons * kg
    return 1 if w <= 500 else 2 if w <= 1000 else 3


def sample_pallet(rng: random.Random, w: State, i: int) -> Params:
    order = f"PO-{5100 + 11 * i + rng.randint(0, 9)}"
    gen = lambda r: (float(r.randrange(10, 41, 5)), float(r.randrange(6, 31, 2)))  # noqa: E731
    cartons, kg = _draw(rng, i, FIRST_PALLET, gen, lambda a, b: a * b, lambda v: v <= 500, _not_product)
    w.setdefault("s2_orders", {})[order] = {"order": order, "cartons": cartons, "carton_kg": kg, "dock": "D2"}
    return {"order": order}


def _pallets_of(row: dict) -> int:
    return _pallets(row["cartons"], row["carton_kg"])


pallet = Family(
    name="s2_pallet",
    templates=["Ship order {order} on pallets"],
    fields={"order": Field(r"PO-\d+")},
    sample=sample_pallet,
    plan=[
        Step("s2_pallet_order", lambda p, r: {"order": p["order"]}),
        Step("s2_ship_pallets", lambda p, r: {"order": p["order"], "pallets": _pallets_of(r["s2_pallet_order"])}),
    ],
    expect=lambda p, b: _log("s2_shipped", order=p["order"], pallets=_pallets_of(b["s2_orders"][p["order"]])),
    answer=lambda p, b: [str(_pallets_of(b["s2_orders"][p["order"]]))],
    summary=lambda p, r: f"Order {p['order']}: {r['s2_ship_pallets']['pallets']} pallet(s).",
    repeats=False,
)


# ======================================== 2. boilers: floor_m2 (one read) x w_per_m2 (another)
FIRST_BUILDING = [(200.0, 60.0), (300.0, 40.0), (150.0, 100.0), (400.0, 45.0)]
BOILER_W = 24000.0


def sample_building(rng: random.Random, w: State, i: int) -> Params:
    site = f"BLD-{60 + 4 * i + rng.randint(0, 3)}"
    gen = lambda r: (float(r.randrange(150, 401, 25)), float(r.randrange(40, 101, 5)))  # noqa: E731
    floor, wm2 = _draw(rng, i, FIRST_BUILDING, gen, lambda a, b: a * b, lambda v: v <= BOILER_W, _not_product)
    w.setdefault("s2_buildings", {})[site] = {"site": site, "floor_m2": floor, "storeys": 2}
    w.setdefault("s2_insulation", {})[site] = {"site": site, "w_per_m2": wm2, "rating": "C"}
    return {"site": site}


def _boilers(b: State, site: str) -> int:
    return 1 if b["s2_buildings"][site]["floor_m2"] * b["s2_insulation"][site]["w_per_m2"] <= BOILER_W else 2


boiler = Family(
    name="s2_boiler",
    templates=["Order the boilers for building {site}"],
    fields={"site": Field(r"BLD-\d+")},
    sample=sample_building,
    plan=[
        Step("s2_building", lambda p, r: {"site": p["site"]}),
        Step("s2_insulation", lambda p, r: {"site": p["site"]}),
        Step(
            "s2_order_boilers",
            lambda p, r: {
                "site": p["site"],
                "boilers": 1 if r["s2_building"]["floor_m2"] * r["s2_insulation"]["w_per_m2"] <= BOILER_W else 2,
            },
        ),
    ],
    expect=lambda p, b: _log("s2_boiler_orders", site=p["site"], boilers=_boilers(b, p["site"])),
    answer=lambda p, b: [str(_boilers(b, p["site"]))],
    summary=lambda p, r: f"Building {p['site']}: {r['s2_order_boilers']['boilers']} boiler(s) ordered.",
    repeats=False,
)


# ======================================== 3. vans: dogs + cats of one record (a sum)
FIRST_KENNEL = [(6.0, 4.0), (3.0, 8.0), (8.0, 2.0), (5.0, 5.0)]
VAN_PLACES = 14.0


def sample_kennel(rng: random.Random, w: State, i: int) -> Params:
    transfer = f"TF-{300 + 6 * i + rng.randint(0, 5)}"
    gen = lambda r: (float(r.randint(3, 8)), float(r.randint(2, 8)))  # noqa: E731
    dogs, cats = _draw(rng, i, FIRST_KENNEL, gen, lambda a, b: a + b, lambda v: v <= VAN_PLACES, _not_sum)
    w.setdefault("s2_transfers", {})[transfer] = {"transfer": transfer, "dogs": dogs, "cats": cats, "to": "Elm Farm"}
    return {"transfer": transfer}


def _vans(row: dict) -> int:
    return 1 if row["dogs"] + row["cats"] <= VAN_PLACES else 2


vans = Family(
    name="s2_vans",
    templates=["Book the vans for animal transfer {transfer}"],
    fields={"transfer": Field(r"TF-\d+")},
    sample=sample_kennel,
    plan=[
        Step("s2_kennel", lambda p, r: {"transfer": p["transfer"]}),
        Step("s2_book_vans", lambda p, r: {"transfer": p["transfer"], "vans": _vans(r["s2_kennel"])}),
    ],
    expect=lambda p, b: _log("s2_vans", transfer=p["transfer"], vans=_vans(b["s2_transfers"][p["transfer"]])),
    answer=lambda p, b: [str(_vans(b["s2_transfers"][p["transfer"]]))],
    summary=lambda p, r: f"Transfer {p['transfer']}: {r['s2_book_vans']['vans']} van(s) booked.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "s2_pallet_order",
            "An order's cartons, the weight of one carton (kg) and its dock.",
            {"order": str},
            _get("s2_orders", "order", "order"),
        ),
        Tool(
            "s2_ship_pallets",
            "Ship an order: one pallet takes 500 kg (cartons x carton_kg); two up to 1000 kg, else three.",
            {"order": str, "pallets": int},
            _logger("s2_shipped", "order", "pallets"),
        ),
        Tool(
            "s2_building",
            "A building's heated floor area (m2) and storeys.",
            {"site": str},
            _get("s2_buildings", "site", "building"),
        ),
        Tool(
            "s2_insulation",
            "The insulation sheet: a building's heat loss per m2 of floor (W) and its rating.",
            {"site": str},
            _get("s2_insulation", "site", "building"),
        ),
        Tool(
            "s2_order_boilers",
            "Order a building's boilers: one 24 kW boiler, or two when floor_m2 x w_per_m2 is over 24000 W.",
            {"site": str, "boilers": int},
            _logger("s2_boiler_orders", "site", "boilers"),
        ),
        Tool(
            "s2_kennel",
            "A shelter transfer's dogs and cats and where they go.",
            {"transfer": str},
            _get("s2_transfers", "transfer", "transfer"),
        ),
        Tool(
            "s2_book_vans",
            "Book the vans of a transfer: one van takes 14 animals (dogs + cats), else two vans.",
            {"transfer": str, "vans": int},
            _logger("s2_vans", "transfer", "vans"),
        ),
    ]
}

FAMILIES = [pallet, boiler, vans]
