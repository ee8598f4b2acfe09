"""Probe families, helper choirs (issue 9, rule 5): a question that picks among the goal's alternatives.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `ch_`.
Written after choirs' rule (the alternatives of a choice, "A or B", are a list: the answer states this
run's pick) and not shaped on it: each question names two or three alternatives, one read per
alternative, and the answer names the one whose value is least or greatest. Every alternative keeps one
value for the whole workload (no ties), so which place wins changes from goal to goal from the start.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --families bench/families_choice.py --goals 12 --seed 41

- ch_ferry   "Which ferry is running later today, {a} or {b}?" (greatest delay, two reads)
- ch_quote   "Which supplier quotes less for {part}: {a}, {b} or {c}?" (least price, three reads)
- ch_wells   "Between {a} and {b}, which well is shallower?" (least depth, "and": the list of before)
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
ANNOTATIONS: dict[str, dict[str, bool]] = {"ch_ferry_status": READ, "ch_supplier_quote": READ, "ch_well_log": READ}


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

    if getattr(Server.add_tool, "_ch_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._ch_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _values(w: State, table: str, names: list[str], lo: int, hi: int, rng: random.Random) -> dict[str, int]:
    """One distinct value per name for the whole workload (no ties)."""
    t = w.setdefault(table, {})
    if not t:
        t.update(zip(names, rng.sample(range(lo, hi), len(names)), strict=True))
    return t


def _pick(p: Params, b: State, table: str, keys: list[str], op: Any) -> str:
    return str(op((p[k] for k in keys), key=lambda n: b[table][n]))


# ======================================== 1. ferries: the later of two
FERRIES = ["Kestrel", "Marram", "Pentland", "Skerry", "Tarbert", "Voe"]


def sample_ferry(rng: random.Random, w: State, i: int) -> Params:
    _values(w, "ch_ferries", FERRIES, 3, 60, rng)
    a, b = rng.sample(FERRIES, 2)
    return {"a": a, "b": b}


def _ferry(s: State, a: dict) -> dict:
    n = s.get("ch_ferries", {}).get(str(a["ferry"]))
    if n is None:
        raise ToolFail(f"no ferry {a['ferry']}")
    return {"ferry": a["ferry"], "delay_min": n, "pier": "North"}


def _ferry_summary(p: Params, r: dict) -> str:
    x, y = r["fa"], r["fb"]
    late, early = (x, y) if x["delay_min"] > y["delay_min"] else (y, x)
    return f"{late['ferry']} is running later ({late['delay_min']} min against {early['delay_min']} min)."


ferry = Family(
    name="ch_ferry",
    templates=["Which ferry is running later today, {a} or {b}?"],
    fields={"a": _one_of(FERRIES), "b": _one_of(FERRIES)},
    sample=sample_ferry,
    plan=[
        Step("ch_ferry_status", lambda p, r: {"ferry": p["a"]}, key="fa", group="r"),
        Step("ch_ferry_status", lambda p, r: {"ferry": p["b"]}, key="fb", group="r"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_pick(p, b, "ch_ferries", ["a", "b"], max)],
    summary=_ferry_summary,
)


# ======================================== 2. quotes: the cheapest of three
SUPPLIERS = ["Arkwright", "Brunel", "Cobden", "Darby", "Elkington", "Fothergill", "Gresley"]
PARTS = ["M8 bolts", "hinges", "brackets"]


def sample_quote(rng: random.Random, w: State, i: int) -> Params:
    _values(w, "ch_quotes", SUPPLIERS, 40, 400, rng)
    a, b, c = rng.sample(SUPPLIERS, 3)
    return {"a": a, "b": b, "c": c, "part": rng.choice(PARTS)}


def _quote(s: State, a: dict) -> dict:
    n = s.get("ch_quotes", {}).get(str(a["supplier"]))
    if n is None:
        raise ToolFail(f"no supplier {a['supplier']}")
    return {"supplier": a["supplier"], "part": a["part"], "price_eur": n, "lead_days": 5}


def _quote_summary(p: Params, r: dict) -> str:
    best = min((r["qa"], r["qb"], r["qc"]), key=lambda q: q["price_eur"])
    return f"{best['supplier']} quotes the least for {p['part']}: {best['price_eur']} EUR."


quote = Family(
    name="ch_quote",
    templates=["Which supplier quotes less for {part}: {a}, {b} or {c}?"],
    fields={"a": _one_of(SUPPLIERS), "b": _one_of(SUPPLIERS), "c": _one_of(SUPPLIERS), "part": _one_of(PARTS)},
    sample=sample_quote,
    plan=[
        Step("ch_supplier_quote", lambda p, r: {"supplier": p["a"], "part": p["part"]}, key="qa", group="q"),
        Step("ch_supplier_quote", lambda p, r: {"supplier": p["b"], "part": p["part"]}, key="qb", group="q"),
        Step("ch_supplier_quote", lambda p, r: {"supplier": p["c"], "part": p["part"]}, key="qc", group="q"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_pick(p, b, "ch_quotes", ["a", "b", "c"], min)],
    summary=_quote_summary,
)


# ======================================== 3. wells: the shallower of two, joined by "and"
WELLS = ["W-Alder", "W-Birch", "W-Cedar", "W-Damson", "W-Elder", "W-Fir"]


def sample_wells(rng: random.Random, w: State, i: int) -> Params:
    _values(w, "ch_wells", WELLS, 20, 180, rng)
    a, b = rng.sample(WELLS, 2)
    return {"a": a, "b": b}


def _well(s: State, a: dict) -> dict:
    n = s.get("ch_wells", {}).get(str(a["well"]))
    if n is None:
        raise ToolFail(f"no well {a['well']}")
    return {"well": a["well"], "depth_m": n, "status": "in use"}


def _wells_summary(p: Params, r: dict) -> str:
    shallow = min((r["wa"], r["wb"]), key=lambda x: x["depth_m"])
    return f"Well {shallow['well']} is shallower, at {shallow['depth_m']} m."


wells = Family(
    name="ch_wells",
    templates=["Between {a} and {b}, which well is shallower?"],
    fields={"a": _one_of(WELLS), "b": _one_of(WELLS)},
    sample=sample_wells,
    plan=[
        Step("ch_well_log", lambda p, r: {"well": p["a"]}, key="wa", group="w"),
        Step("ch_well_log", lambda p, r: {"well": p["b"]}, key="wb", group="w"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_pick(p, b, "ch_wells", ["a", "b"], min)],
    summary=_wells_summary,
)


TOOLS = {
    "ch_ferry_status": Tool("ch_ferry_status", "Today's status of one ferry.", {"ferry": str}, _ferry),
    "ch_supplier_quote": Tool(
        "ch_supplier_quote", "A supplier's quote for a part.", {"supplier": str, "part": str}, _quote
    ),
    "ch_well_log": Tool("ch_well_log", "The log of one well.", {"well": str}, _well),
}

FAMILIES = [ferry, quote, wells]
