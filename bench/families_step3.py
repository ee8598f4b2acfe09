"""Held-out probe of helper step3 (issue 9, rule 2 for a count a threshold decides): step functions and
tiers read from results that several forms could explain (a rounded form with a catalogue constant, a
quantity of two or three values, a difference that can be negative), the first goals showing two or more
classes, later goals drawn with every operand and every quantity but the deciding one inside what the
first goals showed (the deciding one may fall between the classes, inside one, or past them).

- s3_balloon    one record: passengers x avg_kg; one burner up to 600 kg, two up to 1100 kg, else three
- s3_marquee    two reads: the booking's guests + the caterer's staff; one section seats 40 (ceil)
- s3_barrels    two reads: litres pressed - litres sold (the press, the sales ledger); a barrel holds 225 l,
                none when nothing is left (max(0, ceil(left / 225)))
- s3_crate      one record: a sculpture's length + width + height (cm); crate band 1 up to 150 cm, 2 up to
                250 cm, else 3 (three operands)

Workloads up to `--goals 16`.
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
    "s3_flight": READ,
    "s3_book_burners": WRITE,
    "s3_booking": READ,
    "s3_caterer": READ,
    "s3_order_sections": WRITE,
    "s3_press": READ,
    "s3_sales": READ,
    "s3_order_barrels": WRITE,
    "s3_sculpture": READ,
    "s3_ship_crate": WRITE,
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

    if getattr(Server.add_tool, "_s3_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._s3_annotated = True  # type: ignore[attr-defined]
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


def _not_sum(a: float, b: float) -> list[float]:
    return [a / b, b / a, a - b]


# ======================================== 1. balloon burners: passengers x avg_kg of one record
FIRST_FLIGHT = [(4.0, 80.0), (8.0, 90.0), (6.0, 70.0), (12.0, 85.0), (5.0, 95.0)]


def _burners(row: dict) -> int:
    load = row["passengers"] * row["avg_kg"]
    return 1 if load <= 600 else 2 if load <= 1100 else 3


def sample_flight(rng: random.Random, w: State, i: int) -> Params:
    flight = f"HB-{700 + 9 * i + rng.randint(0, 8)}"
    gen = lambda r: (float(r.randint(4, 12)), float(r.randrange(70, 96, 5)))  # noqa: E731
    pax, kg = _draw(rng, i, FIRST_FLIGHT, gen, lambda a, b: a * b, lambda v: v <= 600, _not_product)
    w.setdefault("s3_flights", {})[flight] = {"flight": flight, "passengers": pax, "avg_kg": kg, "field": "North"}
    return {"flight": flight}


balloon = Family(
    name="s3_balloon",
    templates=["Book the burners for balloon flight {flight}"],
    fields={"flight": Field(r"HB-\d+")},
    sample=sample_flight,
    plan=[
        Step("s3_flight", lambda p, r: {"flight": p["flight"]}),
        Step("s3_book_burners", lambda p, r: {"flight": p["flight"], "burners": _burners(r["s3_flight"])}),
    ],
    expect=lambda p, b: _log("s3_burners", flight=p["flight"], burners=_burners(b["s3_flights"][p["flight"]])),
    answer=lambda p, b: [str(_burners(b["s3_flights"][p["flight"]]))],
    summary=lambda p, r: f"Flight {p['flight']}: {r['s3_book_burners']['burners']} burner(s) booked.",
    repeats=False,
)


# ======================================== 2. marquee sections: guests (one read) + staff (another)
FIRST_PARTY = [(30.0, 6.0), (60.0, 10.0), (45.0, 12.0), (90.0, 8.0), (20.0, 4.0)]
SEATS = 40


def _sections(guests: float, staff: float) -> int:
    return -int(-(guests + staff) // SEATS)


def sample_party(rng: random.Random, w: State, i: int) -> Params:
    party = f"WED-{40 + 5 * i + rng.randint(0, 4)}"
    gen = lambda r: (float(r.randrange(20, 91, 5)), float(r.randint(4, 12)))  # noqa: E731
    guests, staff = _draw(rng, i, FIRST_PARTY, gen, lambda a, b: a + b, lambda v: v <= 80, _not_sum)
    w.setdefault("s3_bookings", {})[party] = {"party": party, "guests": guests, "menu": "buffet"}
    w.setdefault("s3_caterers", {})[party] = {"party": party, "staff": staff, "firm": "Ladle & Co"}
    return {"party": party}


def _sections_of(b: State, party: str) -> int:
    return _sections(b["s3_bookings"][party]["guests"], b["s3_caterers"][party]["staff"])


marquee = Family(
    name="s3_marquee",
    templates=["Order the marquee sections for party {party}"],
    fields={"party": Field(r"WED-\d+")},
    sample=sample_party,
    plan=[
        Step("s3_booking", lambda p, r: {"party": p["party"]}),
        Step("s3_caterer", lambda p, r: {"party": p["party"]}),
        Step(
            "s3_order_sections",
            lambda p, r: {
                "party": p["party"],
                "sections": _sections(r["s3_booking"]["guests"], r["s3_caterer"]["staff"]),
            },
        ),
    ],
    expect=lambda p, b: _log("s3_sections", party=p["party"], sections=_sections_of(b, p["party"])),
    answer=lambda p, b: [str(_sections_of(b, p["party"]))],
    summary=lambda p, r: f"Party {p['party']}: {r['s3_order_sections']['sections']} section(s) ordered.",
    repeats=False,
)


# ======================================== 3. barrels: litres pressed (one read) - litres sold (another)
FIRST_PRESS = [(1000.0, 700.0), (1200.0, 500.0), (900.0, 850.0), (1500.0, 1000.0), (800.0, 350.0)]
BARREL_L = 225


def _barrels(pressed: float, sold: float) -> int:
    left = pressed - sold
    return 0 if left <= 0 else -int(-left // BARREL_L)


def _not_difference(a: float, b: float) -> list[float]:
    return [a * b, a / b, b / a]


def sample_press(rng: random.Random, w: State, i: int) -> Params:
    lot = f"LOT-{20 + 3 * i + rng.randint(0, 2)}"
    gen = lambda r: (float(r.randrange(800, 1501, 50)), float(r.randrange(350, 1001, 50)))  # noqa: E731
    pressed, sold = _draw(rng, i, FIRST_PRESS, gen, lambda a, b: a - b, lambda v: v <= 450, _not_difference)
    w.setdefault("s3_presses", {})[lot] = {"lot": lot, "litres_pressed": pressed, "grape": "Riesling"}
    w.setdefault("s3_ledger", {})[lot] = {"lot": lot, "litres_sold": sold, "buyer": "cellar door"}
    return {"lot": lot}


def _barrels_of(b: State, lot: str) -> int:
    return _barrels(b["s3_presses"][lot]["litres_pressed"], b["s3_ledger"][lot]["litres_sold"])


barrels = Family(
    name="s3_barrels",
    templates=["Order the barrels for wine lot {lot}"],
    fields={"lot": Field(r"LOT-\d+")},
    sample=sample_press,
    plan=[
        Step("s3_press", lambda p, r: {"lot": p["lot"]}),
        Step("s3_sales", lambda p, r: {"lot": p["lot"]}),
        Step(
            "s3_order_barrels",
            lambda p, r: {
                "lot": p["lot"],
                "barrels": _barrels(r["s3_press"]["litres_pressed"], r["s3_sales"]["litres_sold"]),
            },
        ),
    ],
    expect=lambda p, b: _log("s3_barrel_orders", lot=p["lot"], barrels=_barrels_of(b, p["lot"])),
    answer=lambda p, b: [str(_barrels_of(b, p["lot"]))],
    summary=lambda p, r: f"Lot {p['lot']}: {r['s3_order_barrels']['barrels']} barrel(s) ordered.",
    repeats=False,
)


# ======================================== 4. crate band: length + width + height of one record
FIRST_SCULPTURE = [(60.0, 40.0, 30.0), (120.0, 50.0, 60.0), (80.0, 30.0, 20.0), (150.0, 70.0, 90.0), (90.0, 60.0, 50.0)]


def _band(row: dict) -> int:
    size = row["length_cm"] + row["width_cm"] + row["height_cm"]
    return 1 if size <= 150 else 2 if size <= 250 else 3


def _not_total(a: float, b: float, c: float) -> list[float]:
    return [q for x, y in ((a, b), (a, c), (b, c)) for q in (x + y, x * y, x - y, x / y)]


def sample_sculpture(rng: random.Random, w: State, i: int) -> Params:
    piece = f"ART-{900 + 7 * i + rng.randint(0, 6)}"
    gen = lambda r: (  # noqa: E731
        float(r.randrange(60, 151, 10)),
        float(r.randrange(30, 71, 10)),
        float(r.randrange(20, 91, 10)),
    )
    dims = _draw(rng, i, FIRST_SCULPTURE, gen, lambda a, b, c: a + b + c, lambda v: v <= 150, _not_total)
    length, width, height = dims
    w.setdefault("s3_sculptures", {})[piece] = {
        "piece": piece,
        "length_cm": length,
        "width_cm": width,
        "height_cm": height,
        "artist": "R. Okafor",
    }
    return {"piece": piece}


crate = Family(
    name="s3_crate",
    templates=["Ship sculpture {piece} in its crate"],
    fields={"piece": Field(r"ART-\d+")},
    sample=sample_sculpture,
    plan=[
        Step("s3_sculpture", lambda p, r: {"piece": p["piece"]}),
        Step("s3_ship_crate", lambda p, r: {"piece": p["piece"], "band": _band(r["s3_sculpture"])}),
    ],
    expect=lambda p, b: _log("s3_crates", piece=p["piece"], band=_band(b["s3_sculptures"][p["piece"]])),
    answer=lambda p, b: [str(_band(b["s3_sculptures"][p["piece"]]))],
    summary=lambda p, r: f"Sculpture {p['piece']}: crate band {r['s3_ship_crate']['band']}.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "s3_flight",
            "A balloon flight's passengers, their average weight (kg) and the launch field.",
            {"flight": str},
            _get("s3_flights", "flight", "flight"),
        ),
        Tool(
            "s3_book_burners",
            "Book a flight's burners: one burner lifts 600 kg (passengers x avg_kg), two up to 1100 kg, else three.",
            {"flight": str, "burners": int},
            _logger("s3_burners", "flight", "burners"),
        ),
        Tool(
            "s3_booking",
            "A wedding party's booking: guests and menu.",
            {"party": str},
            _get("s3_bookings", "party", "party"),
        ),
        Tool(
            "s3_caterer",
            "The caterer of a party: serving staff on site and the firm.",
            {"party": str},
            _get("s3_caterers", "party", "party"),
        ),
        Tool(
            "s3_order_sections",
            "Order a party's marquee sections: a section seats 40 people (guests + staff), rounded up.",
            {"party": str, "sections": int},
            _logger("s3_sections", "party", "sections"),
        ),
        Tool(
            "s3_press",
            "A wine lot's litres pressed and grape.",
            {"lot": str},
            _get("s3_presses", "lot", "lot"),
        ),
        Tool(
            "s3_sales",
            "The sales ledger of a wine lot: litres sold and the buyer.",
            {"lot": str},
            _get("s3_ledger", "lot", "lot"),
        ),
        Tool(
            "s3_order_barrels",
            "Order barrels for what is left of a lot (litres pressed - litres sold): 225 l a barrel, rounded up; "
            "0 when nothing is left.",
            {"lot": str, "barrels": int},
            _logger("s3_barrel_orders", "lot", "barrels"),
        ),
        Tool(
            "s3_sculpture",
            "A sculpture's length, width and height (cm) and its artist.",
            {"piece": str},
            _get("s3_sculptures", "piece", "sculpture"),
        ),
        Tool(
            "s3_ship_crate",
            "Ship a sculpture in a crate of band 1 (length + width + height up to 150 cm), 2 (up to 250 cm) or 3.",
            {"piece": str, "band": int},
            _logger("s3_crates", "piece", "band"),
        ),
    ]
}

FAMILIES = [balloon, marquee, barrels, crate]
