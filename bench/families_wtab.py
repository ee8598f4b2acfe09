"""Probe families, helper rate16 (issue 9, rules 1 and 2): a word of a goal value decides an argument.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `wt_`.
Written after rate16's rule (a goal word's table is the explanation left once a run kills every other
one, `learning/_explain_tables.py`) and not shaped on its test or on h29_peal: the deciding word is the
first word as well as the last, the value is a text as well as a number, a word appears late that no run
had (it must go to the model), and a word may come in one goal value for a long time. Until a trap, a
read's field gives the same value as the word (the vat's mordant, the kettle's setting), so the read is
a rival the first runs cannot tell from the word; the trap is a goal whose word and read disagree.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --families bench/families_wtab.py --goals 12 --seed 41

- wt_brew   "Brew a pot of {tea} for table {table}": the water's temperature is the tea's last word's (Green
            80, Oolong 90, Black 95, White 75, Yellow 85, Yellow rare and late); the table's kettle was set
            for the kind it last served, which is this tea's kind until a trap
- wt_dye    "Dye skein {skein} with {yarn} yarn": the mordant is the yarn's first word's (Merino alum, Silk
            tin, Alpaca iron, Mohair alum); the skein's vat holds a mordant that matches until a trap
- wt_kiln   "Load {clay} pots into kiln {kiln}": two tables (first and last word) that must agree: the
            shelf height is the body's last word's (Stoneware 30, Porcelain 25, Earthenware 35); the first
            word is a maker who made one body only for a while
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

    if getattr(Server.add_tool, "_wt_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._wt_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "wt_table": READ,
    "wt_brew": WRITE,
    "wt_skein": READ,
    "wt_dye": WRITE,
    "wt_kiln": READ,
    "wt_load": WRITE,
}


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _trap(i: int, rng: random.Random, first: int = 4, share: float = 0.4) -> bool:
    return i >= first and rng.random() < share


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _row(table: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return dict(row)

    return run


# ======================================== 1. tea: the last word decides a number
TEMP = {"Green": 80, "Oolong": 90, "Black": 95, "White": 75, "Yellow": 85}
ESTATES = ["Makaibari", "Castleton", "Nilgiri Frost", "Wuyi Rock", "Anji", "Fujian Silver"]


def sample_brew(rng: random.Random, w: State, i: int) -> Params:
    kinds = ["Green", "Oolong", "Black", "White"] + (["Yellow"] if i >= 7 else [])
    kind = rng.choice(kinds)
    table = f"T{rng.randint(1, 40)}"
    served = kind
    if _trap(i, rng):
        served = rng.choice([k for k in TEMP if k != kind])
    w["tables"].setdefault("wt_tables", {})[table] = {"table": table, "kettle_c": TEMP[served], "cups": 2 + i % 4}
    return {"tea": f"{rng.choice(ESTATES)} {kind}", "table": table}


def _temp(p: Params) -> int:
    return TEMP[p["tea"].split()[-1]]


brew = Family(
    name="wt_brew",
    templates=["Brew a pot of {tea} for table {table}"],
    fields={"tea": Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*"), "table": Field(r"T\d+")},
    sample=sample_brew,
    plan=[
        Step("wt_table", lambda p, r: {"table": p["table"]}),
        Step("wt_brew", lambda p, r: {"table": p["table"], "tea": p["tea"], "water_c": _temp(p)}),
    ],
    expect=lambda p, b: {"wt_pots": [{"table": p["table"], "tea": p["tea"], "water_c": _temp(p)}]},
    answer=lambda p, b: [_temp(p)],
    summary=lambda p, r: f"{p['tea']} brewing for table {p['table']} at {r['wt_brew']['water_c']} C.",
    repeats=False,
)


# ======================================== 2. yarn: the first word decides a text
MORDANT = {"Merino": "alum", "Silk": "tin", "Alpaca": "iron", "Mohair": "alum"}
COLOURS = ["Aran Blue", "Madder Red", "Weld Yellow", "Indigo", "Walnut Brown", "Cochineal Pink"]


def sample_dye(rng: random.Random, w: State, i: int) -> Params:
    fibre = rng.choice(sorted(MORDANT))
    skein = f"SK-{rng.randint(100, 999)}"
    vat = MORDANT[fibre]
    if _trap(i, rng):
        vat = rng.choice([m for m in ("alum", "tin", "iron") if m != vat])
    w["tables"].setdefault("wt_skeins", {})[skein] = {"skein": skein, "vat_mordant": vat, "grams": 100 + 5 * i}
    return {"skein": skein, "yarn": f"{fibre} {rng.choice(COLOURS)}"}


def _mordant(p: Params) -> str:
    return MORDANT[p["yarn"].split()[0]]


dye = Family(
    name="wt_dye",
    templates=["Dye skein {skein} with {yarn} yarn"],
    fields={"skein": Field(r"SK-\d+"), "yarn": Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")},
    sample=sample_dye,
    plan=[
        Step("wt_skein", lambda p, r: {"skein": p["skein"]}),
        Step("wt_dye", lambda p, r: {"skein": p["skein"], "yarn": p["yarn"], "mordant": _mordant(p)}),
    ],
    expect=lambda p, b: {"wt_dyed": [{"skein": p["skein"], "yarn": p["yarn"], "mordant": _mordant(p)}]},
    answer=lambda p, b: [_mordant(p)],
    summary=lambda p, r: f"Skein {p['skein']} dyed with {p['yarn']} over a {r['wt_dye']['mordant']} mordant.",
    repeats=False,
)


# ======================================== 3. clay: the last word decides; the first word came with one body
SHELF = {"Stoneware": 30, "Porcelain": 25, "Earthenware": 35}
MAKERS = {
    "Leach": "Stoneware",
    "Cardew": "Stoneware",
    "Rie": "Porcelain",
    "Coper": "Earthenware",
    "Pleydell": "Porcelain",
}
KILNS = {"K1": 30, "K2": 25, "K3": 35, "K4": 30}


def sample_load(rng: random.Random, w: State, i: int) -> Params:
    maker = rng.choice(sorted(MAKERS))
    body = MAKERS[maker]
    if i >= 6 and rng.random() < 0.3:  # a maker tries another body: the first word's table dies
        body = rng.choice([b for b in SHELF if b != body])
    kiln = rng.choice([k for k, h in KILNS.items() if h == SHELF[body]])
    if _trap(i, rng):
        kiln = rng.choice([k for k, h in KILNS.items() if h != SHELF[body]])
    w["tables"].setdefault("wt_kilns", {})[kiln] = {"kiln": kiln, "shelf_cm": KILNS[kiln], "cone": 6}
    return {"clay": f"{maker} {body}", "kiln": kiln}


def _shelf(p: Params) -> int:
    return SHELF[p["clay"].split()[-1]]


load = Family(
    name="wt_kiln",
    templates=["Load {clay} pots into kiln {kiln}"],
    fields={"clay": Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*"), "kiln": _one_of(sorted(KILNS))},
    sample=sample_load,
    plan=[
        Step("wt_kiln", lambda p, r: {"kiln": p["kiln"]}),
        Step("wt_load", lambda p, r: {"kiln": p["kiln"], "clay": p["clay"], "shelf_cm": _shelf(p)}),
    ],
    expect=lambda p, b: {"wt_loads": [{"kiln": p["kiln"], "clay": p["clay"], "shelf_cm": _shelf(p)}]},
    answer=lambda p, b: [_shelf(p)],
    summary=lambda p, r: f"{p['clay']} pots loaded into {p['kiln']} on {r['wt_load']['shelf_cm']} cm shelves.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "wt_table",
            "A tea table: its kettle's setting (C), set for the last pot it served.",
            {"table": str},
            _row("wt_tables", "table", "table"),
        ),
        Tool(
            "wt_brew",
            "Brew a pot: the water's temperature is the tea's kind's (its last word: Green 80, Oolong 90, "
            "Black 95, White 75, Yellow 85), not the kettle's setting.",
            {"table": str, "tea": str, "water_c": int},
            _logger("wt_pots", "table", "tea", "water_c"),
        ),
        Tool(
            "wt_skein",
            "A skein and the mordant of the vat it waits in.",
            {"skein": str},
            _row("wt_skeins", "skein", "skein"),
        ),
        Tool(
            "wt_dye",
            "Dye a skein: the mordant is the fibre's (the yarn's first word: Merino alum, Silk tin, "
            "Alpaca iron, Mohair alum), not the vat's.",
            {"skein": str, "yarn": str, "mordant": str},
            _logger("wt_dyed", "skein", "yarn", "mordant"),
        ),
        Tool("wt_kiln", "A kiln's shelf height (cm).", {"kiln": str}, _row("wt_kilns", "kiln", "kiln")),
        Tool(
            "wt_load",
            "Load pots: the shelf height is the clay body's (the last word: Stoneware 30, Porcelain 25, "
            "Earthenware 35), not the kiln's.",
            {"kiln": str, "clay": str, "shelf_cm": int},
            _logger("wt_loads", "kiln", "clay", "shelf_cm"),
        ),
    ]
}

FAMILIES = [brew, dye, load]
