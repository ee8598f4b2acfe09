"""Probe set told (issue 9, helper rate17): a trap rule 1 told apart, then traps it cannot tell apart.

Written against rate17's rule (`learning/_told_apart.py`: a replay that rule 1 stopped before the call
whose argument the model then set otherwise marks no contradiction) to find where it is wrong, not
shaped on the families it was measured on. In every family the first trap (goal 4) is outside what the
first goals showed on a value that is NOT the cause (a coincidence), and later traps are inside every
single range: only a combination of two values, or a word of a result, decides.

- tl_crane   a crane's lift: 'hold' when the gust (one read) is over 80% of the site's wind limit (another
             read), else 'go'; the first trap has a limit past every limit seen
- tl_ferry   a ferry's deck: 'upper' when the vehicle's height times its length is over 9 m2, else 'main';
             the first trap has a weight past every weight seen
- tl_oven    a bakery's oven: 'steam' when the dough's hydration over its flour weight is over 0.75 (two
             fields of one record), else 'dry'; the first trap has a batch number past the ones seen

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
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "tl_site": READ,
    "tl_forecast": READ,
    "tl_book_lift": WRITE,
    "tl_vehicle": READ,
    "tl_book_deck": WRITE,
    "tl_dough": READ,
    "tl_set_oven": WRITE,
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

    if getattr(Server.add_tool, "_tl_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._tl_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    return i == 4 or (i > 4 and rng.random() < 0.5)


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _table(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


# ======================================== 1. crane: a ratio of two reads' numbers
CRANE_FIRST = [(20.0, 9.0), (12.0, 4.5), (16.0, 12.0), (10.0, 7.5)]  # every gust/limit <= 0.75


def sample_crane(rng: random.Random, w: State, i: int) -> Params:
    site = f"CS-{40 + 7 * i + rng.randint(0, 6)}"
    if i < len(CRANE_FIRST):
        limit, gust = CRANE_FIRST[i]
    elif i == 4:
        limit, gust = 26.0, 23.5  # the limit is past every limit seen: rule 1 stops here
    elif _trap(i, rng):
        limit = rng.choice([13.0, 14.0, 15.0, 17.0])
        gust = round(limit * rng.uniform(0.82, 0.9) * 2) / 2
    else:
        limit = rng.choice([11.0, 14.0, 18.0, 19.0])
        gust = round(limit * rng.uniform(0.35, 0.7) * 2) / 2
    w["tables"].setdefault("tl_sites", {})[site] = {"site": site, "wind_limit_ms": limit, "crane": "tower"}
    w["tables"].setdefault("tl_forecasts", {})[site] = {"site": site, "gust_ms": gust, "sky": "overcast"}
    return {"site": site}


def _crane(b: State, p: Params) -> str:
    limit = b["tables"]["tl_sites"][p["site"]]["wind_limit_ms"]
    gust = b["tables"]["tl_forecasts"][p["site"]]["gust_ms"]
    return "hold" if gust > 0.8 * limit else "go"


crane = Family(
    name="tl_crane",
    templates=["Book today's crane lift at site {site}"],
    fields={"site": Field(r"CS-\d+")},
    sample=sample_crane,
    plan=[
        Step("tl_site", lambda p, r: {"site": p["site"]}, group="reads"),
        Step("tl_forecast", lambda p, r: {"site": p["site"]}, group="reads"),
        Step(
            "tl_book_lift",
            lambda p, r: {
                "site": p["site"],
                "mode": "hold" if r["tl_forecast"]["gust_ms"] > 0.8 * r["tl_site"]["wind_limit_ms"] else "go",
            },
        ),
    ],
    expect=lambda p, b: {"tl_lifts": [{"site": p["site"], "mode": _crane(b, p)}]},
    answer=lambda p, b: [_crane(b, p)],
    summary=lambda p, r: f"Site {p['site']}: crane lift booked as {r['tl_book_lift']['mode']}.",
    repeats=False,
)


# ======================================== 2. ferry: a product of two fields of one record
FERRY_FIRST = [(1.5, 4.2, 1200), (1.8, 4.9, 1650), (1.6, 3.8, 1100), (1.9, 4.4, 1500)]  # h x l <= 8.8


def sample_ferry(rng: random.Random, w: State, i: int) -> Params:
    reg = f"VR{210 + 11 * i + rng.randint(0, 10)}"
    if i < len(FERRY_FIRST):
        h, length, kg = FERRY_FIRST[i]
    elif i == 4:
        h, length, kg = 1.9, 4.9, 2400  # the weight is past every weight seen: rule 1 stops here
    elif _trap(i, rng):
        h, length = rng.choice([(1.9, 4.8), (1.8, 4.9), (1.85, 4.9)])
        kg = rng.choice([1250, 1400, 1550])
    else:
        h, length = rng.choice([(1.5, 4.0), (1.6, 4.6), (1.7, 4.1)])
        kg = rng.choice([1150, 1300, 1600])
    w["tables"].setdefault("tl_vehicles", {})[reg] = {"reg": reg, "height_m": h, "length_m": length, "weight_kg": kg}
    return {"reg": reg}


def _deck_of(v: dict) -> str:
    return "upper" if v["height_m"] * v["length_m"] > 9.0 else "main"


ferry = Family(
    name="tl_ferry",
    templates=["Book the ferry deck for vehicle {reg}"],
    fields={"reg": Field(r"VR\d+")},
    sample=sample_ferry,
    plan=[
        Step("tl_vehicle", lambda p, r: {"reg": p["reg"]}),
        Step("tl_book_deck", lambda p, r: {"reg": p["reg"], "deck": _deck_of(r["tl_vehicle"])}),
    ],
    expect=lambda p, b: {"tl_decks": [{"reg": p["reg"], "deck": _deck_of(b["tables"]["tl_vehicles"][p["reg"]])}]},
    answer=lambda p, b: [_deck_of(b["tables"]["tl_vehicles"][p["reg"]])],
    summary=lambda p, r: f"Vehicle {p['reg']} is booked on the {r['tl_book_deck']['deck']} deck.",
    repeats=False,
)


# ======================================== 3. oven: a ratio of two fields of one record
OVEN_FIRST = [(700, 1000, 11), (520, 800, 14), (900, 1250, 12), (600, 900, 15)]  # water/flour <= 0.72


def sample_oven(rng: random.Random, w: State, i: int) -> Params:
    batch = f"DB-{500 + 9 * i + rng.randint(0, 8)}"
    if i < len(OVEN_FIRST):
        water, flour, mins = OVEN_FIRST[i]
    elif i == 4:
        water, flour, mins = 820, 1050, 30  # the proving minutes are past every value seen: rule 1 stops here
    elif _trap(i, rng):
        water, flour = rng.choice([(780, 1000), (700, 900), (640, 820)])
        mins = rng.choice([12, 13, 14])
    else:
        water, flour = rng.choice([(600, 1000), (650, 950), (560, 800)])
        mins = rng.choice([11, 13, 15])
    w["tables"].setdefault("tl_doughs", {})[batch] = {
        "batch": batch,
        "water_g": water,
        "flour_g": flour,
        "proved_min": mins,
    }
    return {"batch": batch}


def _oven_of(d: dict) -> str:
    return "steam" if d["water_g"] / d["flour_g"] > 0.75 else "dry"


oven = Family(
    name="tl_oven",
    templates=["Set the oven for dough batch {batch}"],
    fields={"batch": Field(r"DB-\d+")},
    sample=sample_oven,
    plan=[
        Step("tl_dough", lambda p, r: {"batch": p["batch"]}),
        Step("tl_set_oven", lambda p, r: {"batch": p["batch"], "mode": _oven_of(r["tl_dough"])}),
    ],
    expect=lambda p, b: {"tl_ovens": [{"batch": p["batch"], "mode": _oven_of(b["tables"]["tl_doughs"][p["batch"]])}]},
    answer=lambda p, b: [_oven_of(b["tables"]["tl_doughs"][p["batch"]])],
    summary=lambda p, r: f"Batch {p['batch']}: oven set to {r['tl_set_oven']['mode']}.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "tl_site",
            "A building site's crane and its wind limit (m/s).",
            {"site": str},
            _table("tl_sites", "site", "site"),
        ),
        Tool("tl_forecast", "Today's gusts (m/s) at a site.", {"site": str}, _table("tl_forecasts", "site", "site")),
        Tool(
            "tl_book_lift",
            "Book a crane lift: 'hold' when the gust is over 80% of the site's wind limit, else 'go'.",
            {"site": str, "mode": str},
            _logger("tl_lifts", "site", "mode"),
        ),
        Tool(
            "tl_vehicle",
            "A vehicle's height, length (m) and weight (kg).",
            {"reg": str},
            _table("tl_vehicles", "reg", "vehicle"),
        ),
        Tool(
            "tl_book_deck",
            "Book a vehicle's deck: 'upper' when height x length is over 9 m2, else 'main'.",
            {"reg": str, "deck": str},
            _logger("tl_decks", "reg", "deck"),
        ),
        Tool(
            "tl_dough",
            "A dough batch: water and flour (g), minutes proved.",
            {"batch": str},
            _table("tl_doughs", "batch", "batch"),
        ),
        Tool(
            "tl_set_oven",
            "Set the oven for a batch: 'steam' when water over flour is above 0.75, else 'dry'.",
            {"batch": str, "mode": str},
            _logger("tl_ovens", "batch", "mode"),
        ),
    ]
}

FAMILIES = [crane, ferry, oven]
