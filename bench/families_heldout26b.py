"""Held-out probe families, helper gaps2's second set (issue 9, rule 1's text-reading gaps), written after the
fixes of `families_heldout26.py` and not shaped on them: other negations and sentence shapes, numbers grouped
the German way in a plain text and with commas in a JSON text, a goal date's weekday without any constant
argument, and "case" before a number. Domains no other set used (tower cranes, a pharmacy wholesaler, road
haulage over a bridge, piano tuning, exhibits of a tribunal).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h26b_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout26b.py --goals 16 --seed 7

- h26b_crane     release a tower crane from the pre-use notes (plain text, varying): "the anemometer did not
                 record gusts above the limit" until it did (every word seen elsewhere in the notes)
- h26b_pharma    reserve packs when the stock covers them; the stock reads "980 Packungen" or "1.250 Packungen"
- h26b_haul      route a truck over the bridge up to 39,500 kg gross ("gross": "38,450 kg", a JSON text)
- h26b_tuner     book a piano tuner on a date, or the Monday after for a Sunday (no constant argument)
- h26b_exhibit   add an exhibit to case 20417: "case" before a number; a sealed case takes none

Workloads up to `--goals 16`. The first goals of a family never cross a trap, later goals sometimes do.
"""

from __future__ import annotations

import datetime as dt
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
    "h26b_crane_notes": READ,
    "h26b_release_crane": WRITE,
    "h26b_stock": READ,
    "h26b_reserve": WRITE,
    "h26b_truck": READ,
    "h26b_route": WRITE,
    "h26b_tuner_day": READ,
    "h26b_book_tuner": WRITE,
    "h26b_case": READ,
    "h26b_add_exhibit": WRITE,
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

    if getattr(Server.add_tool, "_h26b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h26b_annotated = True  # type: ignore[attr-defined]
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


TODAY = dt.date(2026, 12, 4)


# ======================================== 1. tower crane: a negation over a farther word (notes vary)
GUSTS_OK = "the anemometer did not record gusts above the limit"
GUSTS = "the anemometer did record gusts above the limit"
OTHER_CRANE = [
    "the daily record signed",
    "limit switches tested",
    "hook block greased",
    "slew brake tested",
    "gusts forecast for the afternoon",
    "counterweight secured",
]


def sample_crane(rng: random.Random, w: State, i: int) -> Params:
    crane = f"TC-{40 + 3 * i + rng.randint(0, 2)}"
    gusty = _trap(i, rng, 0.4, first=6)
    parts = [GUSTS if gusty else GUSTS_OK, *rng.sample(OTHER_CRANE, rng.randint(2, 4))]
    rng.shuffle(parts)
    text = f"Pre-use check {rng.randint(100, 999)}, crane {crane}, operator OP-{rng.randint(10, 99)}: " + "; ".join(
        parts
    )
    w.setdefault("h26b_cranes", {})[crane] = {"text": text + ".", "gusty": gusty}
    return {"crane": crane}


def _crane_status(text: str) -> str:
    return "released" if GUSTS_OK in text else "stood down"


def _crane_text(s: State, a: dict) -> str:
    row = s.get("h26b_cranes", {}).get(str(a["crane"]))
    if row is None:
        raise ToolFail(f"no check of crane {a['crane']}")
    return str(row["text"])


crane = Family(
    name="h26b_crane",
    templates=["Release tower crane {crane} for today's shift"],
    fields={"crane": Field(r"TC-\d+")},
    sample=sample_crane,
    plan=[
        Step("h26b_crane_notes", lambda p, r: {"crane": p["crane"]}),
        Step(
            "h26b_release_crane",
            lambda p, r: {"crane": p["crane"], "status": _crane_status(r["h26b_crane_notes"])},
        ),
    ],
    expect=lambda p, b: _log(
        "h26b_released", crane=p["crane"], status="stood down" if b["h26b_cranes"][p["crane"]]["gusty"] else "released"
    ),
    answer=lambda p, b: ["stood down" if b["h26b_cranes"][p["crane"]]["gusty"] else "released"],
    summary=lambda p, r: f"Crane {p['crane']}: {_crane_status(r['h26b_crane_notes'])}.",
    repeats=False,
)


# ======================================== 2. pharmacy wholesaler: stock written the German way ("1.250")
FIRST_STOCK = [(1250, 200), (980, 150), (1480, 300), (870, 120)]
ITEMS = ["Ibuprofen 400", "Cetirizin 10", "Pantoprazol 20", "Metformin 500"]


def sample_pharma(rng: random.Random, w: State, i: int) -> Params:
    item = f"PZN-{1020 + 11 * i + rng.randint(0, 9)}"
    if i < 4:
        stock, qty = FIRST_STOCK[i]
    elif _trap(i, rng):
        stock, qty = rng.randrange(60, 140, 10), rng.randrange(150, 301, 10)
    else:
        stock = rng.choice([rng.randrange(700, 1000, 10), rng.randrange(1100, 1600, 10)])
        qty = rng.randrange(100, 301, 10)
    w.setdefault("h26b_stock", {})[item] = {"stock": stock, "name": rng.choice(ITEMS)}
    return {"item": item, "qty": qty}


def _de(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _stock_text(s: State, a: dict) -> str:
    row = s.get("h26b_stock", {}).get(str(a["item"]))
    if row is None:
        raise ToolFail(f"kein Artikel {a['item']}")
    return f"Artikel {a['item']}: Bestand {_de(row['stock'])} Packungen, Lager Kassel."


def _reserve(s: State, a: dict) -> dict:
    row = s.get("h26b_stock", {}).get(str(a["item"]))
    if row is None:
        raise ToolFail(f"kein Artikel {a['item']}")
    row["stock"] -= int(a["qty"])
    return {"item": a["item"], "qty": a["qty"], "status": "reserved"}


def _pharma_expect(p: Params, b: State) -> dict:
    row = b["h26b_stock"][p["item"]]
    if p["qty"] > row["stock"]:
        return {}
    return {"h26b_stock": {p["item"]: {**row, "stock": row["stock"] - p["qty"]}}}


pharma = Family(
    name="h26b_pharma",
    templates=["Reserve {qty} packs of {item} for the Nordstadt pharmacy"],
    fields={"item": Field(r"PZN-\d+"), "qty": fam.INT},
    sample=sample_pharma,
    plan=[
        Step("h26b_stock", lambda p, r: {"item": p["item"]}),
        Step(
            "h26b_reserve",
            lambda p, r: {"item": p["item"], "qty": p["qty"]},
            when=lambda p, r: (
                p["qty"] <= int(re.search(r"Bestand ([\d.]+)", r["h26b_stock"]).group(1).replace(".", ""))
            ),  # type: ignore[union-attr]
        ),
    ],
    expect=_pharma_expect,
    answer=lambda p, b: ["reserved" if p["qty"] <= b["h26b_stock"][p["item"]]["stock"] else "not enough"],
    summary=lambda p, r: (
        f"Reserved {p['qty']} packs of {p['item']}." if "h26b_reserve" in r else f"Not enough stock of {p['item']}."
    ),
    repeats=False,
)


# ======================================== 3. road haulage: gross weight with thousands commas in a JSON text
FIRST_TRUCK = [32100, 39050, 35900, 37450]
BRIDGE_LIMIT = 39500


def sample_haul(rng: random.Random, w: State, i: int) -> Params:
    truck = f"HGV-{700 + 9 * i + rng.randint(0, 8)}"
    if i < 4:
        kg = FIRST_TRUCK[i]
    elif _trap(i, rng, 0.4):
        kg = rng.randrange(39550, 39950, 50)
    else:
        kg = rng.randrange(32000, 39001, 50)
    w.setdefault("h26b_trucks", {})[truck] = {"truck": truck, "gross": f"{kg:,} kg", "axles": 5}
    return {"truck": truck}


def _route(row: dict) -> str:
    return "bridge" if int(row["gross"].split()[0].replace(",", "")) <= BRIDGE_LIMIT else "ring road"


haul = Family(
    name="h26b_haul",
    templates=["Route truck {truck} to the port"],
    fields={"truck": Field(r"HGV-\d+")},
    sample=sample_haul,
    plan=[
        Step("h26b_truck", lambda p, r: {"truck": p["truck"]}),
        Step("h26b_route", lambda p, r: {"truck": p["truck"], "route": _route(r["h26b_truck"])}),
    ],
    expect=lambda p, b: _log("h26b_routes", truck=p["truck"], route=_route(b["h26b_trucks"][p["truck"]])),
    answer=lambda p, b: [_route(b["h26b_trucks"][p["truck"]])],
    summary=lambda p, r: f"Truck {p['truck']} routed via the {_route(r['h26b_truck'])}.",
    repeats=False,
)


# ======================================== 4. piano tuner: no visits on Sundays (a goal date's weekday)
CLIENTS = ["Hartley", "Moreau", "Szabo", "Okonkwo", "Lindgren"]


def sample_tuner(rng: random.Random, w: State, i: int) -> Params:
    sunday = _trap(i, rng, 0.35)
    while True:
        d = TODAY + dt.timedelta(days=rng.randint(3, 70))
        if (d.weekday() == 6) == sunday:
            break
    return {"client": rng.choice(CLIENTS), "date": d.isoformat()}


def _tuning_day(date: str) -> str:
    d = dt.date.fromisoformat(date)
    return (d + dt.timedelta(days=1)).isoformat() if d.weekday() == 6 else date


tuner = Family(
    name="h26b_tuner",
    templates=["Book the piano tuner for the {client} family on {date}"],
    fields={"client": _one_of(CLIENTS), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_tuner,
    plan=[
        Step("h26b_tuner_day", lambda p, r: {"date": p["date"]}),
        Step("h26b_book_tuner", lambda p, r: {"client": p["client"], "date": _tuning_day(p["date"])}),
    ],
    expect=lambda p, b: _log("h26b_tunings", client=p["client"], date=_tuning_day(p["date"])),
    answer=lambda p, b: [_tuning_day(p["date"])],
    summary=lambda p, r: f"Tuner booked for the {p['client']} family on {r['h26b_book_tuner']['date']}.",
)


# ======================================== 5. tribunal exhibits: "case" before a number
def sample_exhibit(rng: random.Random, w: State, i: int) -> Params:
    case = str(20400 + 13 * i + rng.randint(0, 9))
    exhibit = f"EX-{rng.randint(10, 99)}"
    status = "sealed" if _trap(i, rng, 0.3) else "open"
    w.setdefault("h26b_cases", {})[case] = {"case": case, "status": status, "panel": rng.choice(["A", "B", "C"])}
    return {"case": case, "exhibit": exhibit}


def _case_open(row: dict) -> bool:
    return row["status"] == "open"


exhibit = Family(
    name="h26b_exhibit",
    templates=["Add exhibit {exhibit} to the bundle of case {case}"],
    fields={"exhibit": Field(r"EX-\d+"), "case": fam.INT},
    sample=sample_exhibit,
    plan=[
        Step("h26b_case", lambda p, r: {"case": str(p["case"])}),
        Step(
            "h26b_add_exhibit",
            lambda p, r: {"case": str(p["case"]), "exhibit": p["exhibit"]},
            when=lambda p, r: _case_open(r["h26b_case"]),
        ),
    ],
    expect=lambda p, b: (
        _log("h26b_bundle", case=str(p["case"]), exhibit=p["exhibit"])
        if _case_open(b["h26b_cases"][str(p["case"])])
        else {}
    ),
    answer=lambda p, b: ["added" if _case_open(b["h26b_cases"][str(p["case"])]) else "sealed"],
    summary=lambda p, r: (
        f"Exhibit {p['exhibit']} added to case {p['case']}."
        if "h26b_add_exhibit" in r
        else f"Exhibit {p['exhibit']} not added: case {p['case']} is sealed."
    ),
    repeats=False,
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool("h26b_crane_notes", "A tower crane's pre-use check notes (plain text).", {"crane": str}, _crane_text),
        Tool(
            "h26b_release_crane",
            "Record a crane's status for the shift: 'released' when the anemometer recorded no gusts above the "
            "limit, else 'stood down'.",
            {"crane": str, "status": str},
            _logger("h26b_released", "crane", "status"),
        ),
        Tool("h26b_stock", "Der Bestand eines Artikels (Klartext).", {"item": str}, _stock_text),
        Tool(
            "h26b_reserve",
            "Reserve packs of an item for a pharmacy; only when the stock covers them.",
            {"item": str, "qty": int},
            _reserve,
        ),
        Tool(
            "h26b_truck",
            "A truck's record: gross weight and axles.",
            {"truck": str},
            _get("h26b_trucks", "truck", "truck"),
        ),
        Tool(
            "h26b_route",
            "Route a truck to the port: 'bridge' up to 39,500 kg gross, else 'ring road'.",
            {"truck": str, "route": str},
            _logger("h26b_routes", "truck", "route"),
        ),
        Tool(
            "h26b_tuner_day",
            "The piano tuner's diary for a date (plain text).",
            {"date": str},
            lambda s, a: (
                f"Diary {a['date']}: tuner available. No visits on Sundays; a Sunday request moves to the Monday."
            ),
        ),
        Tool(
            "h26b_book_tuner",
            "Book the piano tuner for a client on a date (YYYY-MM-DD).",
            {"client": str, "date": str},
            _logger("h26b_tunings", "client", "date"),
        ),
        Tool("h26b_case", "A tribunal case's status and panel.", {"case": str}, _get("h26b_cases", "case", "case")),
        Tool(
            "h26b_add_exhibit",
            "Add an exhibit to an open case's bundle.",
            {"case": str, "exhibit": str},
            _logger("h26b_bundle", "case", "exhibit"),
        ),
    ]
}

FAMILIES = [crane, pharma, haul, tuner, exhibit]
