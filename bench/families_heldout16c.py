"""Held-out probe families, round AC, third probe (issue 9), written after the two rules of round AC and not
shaped on them: the other direction of each (a write replayed where none was due, a write not replayed where one
was), another unit, another place of the values.

Same interface as the public `families.py`; tool names are prefixed `h16c_`. One wording per family; the first
five goals span the ranges the later goals stay inside (all on the safe side), later goals sometimes cross.

- h16c_warranty  appliance repairs: claim a warranty repair only while the appliance is under warranty (bought +
                 2 or 3 years, in a list of the household's appliances, today in the outer record); every
                 supporting run claimed
- h16c_feed      poultry: order feed only when the silo (kg) holds less than one day's feed (birds x grams per
                 bird per day / 1000), the birds from one read and the grams and the silo from another; no
                 supporting run ordered
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sys
from collections.abc import Callable
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
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h16c_appliance": READ,
    "h16c_claim_repair": WRITE,
    "h16c_flock": READ,
    "h16c_silo": READ,
    "h16c_order_feed": WRITE,
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

    if getattr(Server.add_tool, "_h16c_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h16c_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(20000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


# sampler memory that must not become world data (one workload per process and seed)
_PICKED: dict[tuple[int, str], set] = {}


def _picked(w: State, what: str) -> set:
    return _PICKED.setdefault((id(w), what), set())


def _size(rng: random.Random, i: int) -> int:
    return 2 if i < 2 else 3 if i < 4 else rng.randint(1, 4)


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def _fmt(x: float) -> str:
    """A number as a person writes it: 12, 12.5 (no trailing .0)."""
    return str(int(x)) if float(x) == int(x) else str(x)


BASE = dt.date(2026, 12, 3)
TODAY = BASE.isoformat()


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _new_id(rng: random.Random, used: set, make: Callable[[random.Random], str]) -> str:
    v = _until(rng, make, lambda x: x not in used)
    used.add(v)
    return v


# ======================================== 1. warranty: bought + 2 or 3 years, today in the outer record
KINDS = ["washing machine", "dishwasher", "fridge freezer", "oven", "tumble dryer"]
WARRANTY_CORNERS = [(3, 1000), (2, 100), (3, 200), (2, 700), (3, 600)]  # years, days since bought


def _under(years: int, ago: int) -> bool:
    return add_years(BASE - dt.timedelta(days=ago), years) >= BASE


def sample_warranty(rng: random.Random, w: State, i: int) -> Params:
    serial = _new_id(rng, _picked(w, "serials"), lambda r: f"SN{r.randint(100000, 999999)}")
    if i < len(WARRANTY_CORNERS):
        years, ago = WARRANTY_CORNERS[i]
    else:
        trap = rng.random() < 0.5
        years, ago = _until(
            rng,
            lambda r: (r.choice([2, 3]), r.randint(120, 980)),
            lambda x: _under(*x) != trap and abs((add_years(BASE - dt.timedelta(days=x[1]), x[0]) - BASE).days) > 3,
        )
    others = [
        {
            "serial": f"SN{rng.randint(100000, 999999)}",
            "kind": rng.choice(KINDS),
            "bought": (BASE - dt.timedelta(days=rng.randint(100, 1000))).isoformat(),
            "warranty_years": rng.choice([2, 3]),
        }
        for _ in range(rng.randint(0, 2))
    ]
    mine = {
        "serial": serial,
        "kind": rng.choice(KINDS),
        "bought": (BASE - dt.timedelta(days=ago)).isoformat(),
        "warranty_years": years,
    }
    items = [*others, mine]
    rng.shuffle(items)
    w.setdefault("h16c_households", {})[serial] = {"today": TODAY, "appliances": items}
    return {"serial": serial}


def _mine(row: dict, serial: str) -> dict:
    return next(x for x in row["appliances"] if x["serial"] == serial)


def _warranty_ok(row: dict, serial: str) -> bool:
    a = _mine(row, serial)
    return add_years(dt.date.fromisoformat(a["bought"]), int(a["warranty_years"])) >= dt.date.fromisoformat(
        row["today"]
    )


warranty = Family(
    name="h16c_warranty",
    templates=["Claim a warranty repair for appliance {serial} if it is still under warranty"],
    fields={"serial": Field(r"SN\d{6}")},
    sample=sample_warranty,
    plan=[
        Step("h16c_appliance", lambda p, r: {"serial": p["serial"]}),
        Step(
            "h16c_claim_repair",
            lambda p, r: {"serial": p["serial"]},
            when=lambda p, r: _warranty_ok(r["h16c_appliance"], p["serial"]),
        ),
    ],
    expect=lambda p, b: (
        {"h16c_claims": [{"serial": p["serial"]}]}
        if _warranty_ok(b["h16c_households"][p["serial"]], p["serial"])
        else {}
    ),
    answer=lambda p, b: (
        ["repair claimed"] if _warranty_ok(b["h16c_households"][p["serial"]], p["serial"]) else ["not claimed"]
    ),
    summary=lambda p, r: (
        f"Appliance {p['serial']} is under warranty: repair claimed."
        if "h16c_claim_repair" in r
        else f"Appliance {p['serial']} is out of warranty: repair not claimed."
    ),
)


def _claim(s: State, a: dict) -> dict:
    if a["serial"] not in s.get("h16c_households", {}):
        raise ToolFail(f"no appliance {a['serial']}")
    s.setdefault("h16c_claims", []).append({"serial": a["serial"]})
    return {"serial": a["serial"], "status": "repair claimed"}


# ======================================== 2. poultry feed: order when the silo holds less than a day's feed
FEED_CORNERS = [(9000, 95, 900), (4000, 130, 600), (9000, 130, 1250), (4000, 95, 1250), (6500, 110, 1000)]


def sample_feed(rng: random.Random, w: State, i: int) -> Params:
    shed = _new_id(rng, _picked(w, "sheds"), lambda r: f"S{r.randint(10, 99)}")
    if i < len(FEED_CORNERS):
        birds, grams, silo = FEED_CORNERS[i]
    else:
        trap = rng.random() < 0.5
        birds, grams, silo = _until(
            rng,
            lambda r: (r.randint(4500, 8800), r.randint(98, 128), r.randint(650, 1200)),
            lambda x: abs(x[0] * x[1] / 1000 - x[2]) > 5 and (x[0] * x[1] / 1000 > x[2]) == trap,
        )
    w.setdefault("h16c_flocks", {})[shed] = {"shed": shed, "birds": birds, "breed": "Lohmann Brown"}
    w.setdefault("h16c_silos", {})[shed] = {"shed": shed, "feed_kg": silo, "g_per_bird_day": grams}
    return {"shed": shed}


def _short(flock: dict, silo: dict) -> bool:
    return silo["feed_kg"] < flock["birds"] * silo["g_per_bird_day"] / 1000


feed = Family(
    name="h16c_feed",
    templates=["Order feed for shed {shed} if its silo holds less than a day's feed"],
    fields={"shed": Field(r"S\d{2}")},
    sample=sample_feed,
    plan=[
        Step("h16c_flock", lambda p, r: {"shed": p["shed"]}, group="f"),
        Step("h16c_silo", lambda p, r: {"shed": p["shed"]}, group="f"),
        Step(
            "h16c_order_feed",
            lambda p, r: {"shed": p["shed"]},
            when=lambda p, r: _short(r["h16c_flock"], r["h16c_silo"]),
        ),
    ],
    expect=lambda p, b: (
        {"h16c_feed_orders": [{"shed": p["shed"]}]}
        if _short(b["h16c_flocks"][p["shed"]], b["h16c_silos"][p["shed"]])
        else {}
    ),
    answer=lambda p, b: (
        ["feed ordered"] if _short(b["h16c_flocks"][p["shed"]], b["h16c_silos"][p["shed"]]) else ["no order"]
    ),
    summary=lambda p, r: (
        f"Shed {p['shed']}: the silo holds {r['h16c_silo']['feed_kg']} kg, less than a day's feed: feed ordered."
        if "h16c_order_feed" in r
        else f"Shed {p['shed']}: the silo holds {r['h16c_silo']['feed_kg']} kg, enough for a day: no order placed."
    ),
)


def _order(s: State, a: dict) -> dict:
    if a["shed"] not in s.get("h16c_silos", {}):
        raise ToolFail(f"no shed {a['shed']}")
    s.setdefault("h16c_feed_orders", []).append({"shed": a["shed"]})
    return {"shed": a["shed"], "status": "feed ordered"}


def _row_or_fail(s: State, table: str, key: str, what: str) -> dict:
    row = s.get(table, {}).get(key)
    if row is None:
        raise ToolFail(f"no {what} {key}")
    return row


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h16c_appliance",
            "A household's appliances (bought, warranty years) with today's date, by a serial.",
            {"serial": str},
            lambda s, a: _row_or_fail(s, "h16c_households", a["serial"], "appliance"),
        ),
        Tool("h16c_claim_repair", "Claim a warranty repair for an appliance.", {"serial": str}, _claim),
        Tool(
            "h16c_flock",
            "A poultry shed's flock: birds and breed.",
            {"shed": str},
            lambda s, a: _row_or_fail(s, "h16c_flocks", a["shed"], "shed"),
        ),
        Tool(
            "h16c_silo",
            "A shed's feed silo: kg held and the ration (g per bird per day).",
            {"shed": str},
            lambda s, a: _row_or_fail(s, "h16c_silos", a["shed"], "shed"),
        ),
        Tool("h16c_order_feed", "Order a feed delivery for a shed.", {"shed": str}, _order),
    ]
}

FAMILIES = [warranty, feed]
