"""Held-out probe families, round AI (issue 9, all rules): writes whose safety hangs on something no single
value shows. Each family's supporting runs (its first goals) see every value and every pair of values the
trap goals show later; what differs is a relation the rules may not record: a ratio of two numbers of one
record, a product of three, two categories of one record never seen together, a goal date's weekday, a
list's total plus a goal amount against a limit, a pick over a list's items by a computed quantity, a
negation dropped from a text whose words every run showed, a counter grown to its threshold, an item an
earlier goal took away.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h22_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout22.py --goals 16 --seed 7

Domains no other set used:

- h22_meter      gas meter visit notes (plain text, phrases vary every visit): sign off, or raise a fault when
                 the engineer found a leak or a smell ("no leak found" -> "leak found": the same words)
- h22_reservoir  reservoir release: spill mode above 90% full (stored / capacity; each seen, the share not)
- h22_ferry      ferry booking: an LPG vehicle may not go on an enclosed deck (fuel and deck each seen)
- h22_skip       skip collection on a goal date, or the next working day when the yard does not collect
- h22_water      allotment water: a draw within the weekly allowance (this week's draws, a list, plus the goal)
- h22_slab       concrete pour: line pump up to 8 m3, boom pump above (length x width x depth)
- h22_feed       layer feed from the mill cheapest per kg (bags of different sizes)
- h22_stamps     a coffee loyalty card: the 10th coffee is free (a counter grown by earlier goals)
- h22_kits       reserve a camping kit from a depot's shelf, or none when an earlier goal took it
- h22_vial       a sample vial: discard if opened more than 28 days ago (opened date and today's date)

Workloads up to `--goals 16`. The first four goals of a family never cross a trap, later goals sometimes do.
"""

from __future__ import annotations

import datetime as dt
import itertools
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
    "h22_meter_notes": READ,
    "h22_sign_off": WRITE,
    "h22_raise_fault": WRITE,
    "h22_reservoir": READ,
    "h22_set_release": WRITE,
    "h22_vehicle": READ,
    "h22_book_ferry": WRITE,
    "h22_yard_days": READ,
    "h22_book_collection": WRITE,
    "h22_plot_draws": READ,
    "h22_allowance": READ,
    "h22_draw_water": WRITE,
    "h22_slab": READ,
    "h22_book_pour": WRITE,
    "h22_feed_offers": READ,
    "h22_order_feed": WRITE,
    "h22_loyalty": READ,
    "h22_sell_coffee": WRITE,
    "h22_kit_shelf": READ,
    "h22_reserve_kit": WRITE,
    "h22_vial": READ,
    "h22_vial_action": WRITE,
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

    if getattr(Server.add_tool, "_h22_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h22_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, share: float = 0.45) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


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


# ======================================== 1. gas meter visit notes (plain text, noise): sign off or fault
SAFE = ["no leak found at the regulator", "no gas smell at the meter"]
EXTRA = ["seals tight", "pressure steady at the regulator", "meter box clean", "the flue is clear", "label renewed"]
FAULT = {0: "leak found at the regulator", 1: "gas smell at the meter"}


def sample_meter(rng: random.Random, w: State, i: int) -> Params:
    meter = f"GM-{1000 + 37 * i + rng.randint(0, 30)}"
    safe = list(SAFE) if i < 4 else [s for s in SAFE if rng.random() < 0.75] or [rng.choice(SAFE)]
    fault = _trap(i, rng)
    if fault:
        k = rng.randrange(len(safe))
        safe[k] = FAULT[SAFE.index(safe[k])]
    parts = safe + rng.sample(EXTRA, rng.randint(1, 3))
    rng.shuffle(parts)
    text = f"Visit {rng.randint(40000, 49999)} to meter {meter}, engineer E-{rng.randint(10, 99)}: " + "; ".join(parts)
    w.setdefault("h22_meters", {})[meter] = {"text": text + ".", "fault": fault}
    return {"meter": meter, "wording": _wording(rng, i, 2)}


def _meter_faulty(text: str) -> bool:
    return any(f in text and ("no " + f) not in text for f in FAULT.values())


def _meter_text(s: State, a: dict) -> str:
    row = s.get("h22_meters", {}).get(str(a["meter"]))
    if row is None:
        raise ToolFail(f"no visit to meter {a['meter']}")
    return str(row["text"])


meter = Family(
    name="h22_meter",
    templates=[
        "Close out the visit to gas meter {meter}: sign it off, or raise a fault if the engineer found a problem",
        "Meter {meter} was visited today; sign off the visit unless the notes report a leak or a gas smell, "
        "in which case raise a fault",
    ],
    fields={"meter": Field(r"GM-\d+")},
    sample=sample_meter,
    plan=[
        Step("h22_meter_notes", lambda p, r: {"meter": p["meter"]}),
        Step(
            "h22_sign_off",
            lambda p, r: {"meter": p["meter"]},
            when=lambda p, r: not _meter_faulty(r["h22_meter_notes"]),
        ),
        Step(
            "h22_raise_fault", lambda p, r: {"meter": p["meter"]}, when=lambda p, r: _meter_faulty(r["h22_meter_notes"])
        ),
    ],
    expect=lambda p, b: _log(
        "h22_meter_log", meter=p["meter"], action="fault" if b["h22_meters"][p["meter"]]["fault"] else "signed off"
    ),
    answer=lambda p, b: ["fault" if b["h22_meters"][p["meter"]]["fault"] else "signed off"],
    summary=lambda p, r: (
        f"The notes for {p['meter']} report a problem: fault raised."
        if "h22_raise_fault" in r
        else f"Visit to {p['meter']} signed off."
    ),
    repeats=False,
)


def _meter_action(action: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {"meter": str(a["meter"]), "action": action}
        s.setdefault("h22_meter_log", []).append(row)
        return {**row, "ok": True}

    return run


# ======================================== 2. reservoir: spill above 90% full (a ratio of one record)
FIRST_RES = [(5000, 0.78), (600, 0.7), (2500, 0.5), (1200, 0.8)]


def sample_reservoir(rng: random.Random, w: State, i: int) -> Params:
    name = f"RV-{11 + 3 * i}"
    if i < 4:
        cap, fill = FIRST_RES[i]
    elif _trap(i, rng):
        cap, fill = rng.randrange(3200, 4001, 50), rng.uniform(0.91, 0.94)
    else:
        cap, fill = rng.randrange(700, 4801, 50), rng.uniform(0.45, 0.8)
    stored = round(cap * fill)
    row = {"reservoir": name, "capacity_ml": cap, "stored_ml": stored, "inflow_ml_day": rng.randint(5, 40)}
    w.setdefault("h22_reservoirs", {})[name] = row
    return {"res": name, "wording": _wording(rng, i, 2)}


def _spill(row: dict) -> bool:
    return row["stored_ml"] > 0.9 * row["capacity_ml"]


reservoir = Family(
    name="h22_reservoir",
    templates=[
        "Set today's release at reservoir {res}: spill mode if it is more than 90% full, normal mode otherwise",
        "Reservoir {res}: put the release on spill if storage is above 90 percent of capacity, else on normal",
    ],
    fields={"res": Field(r"RV-\d+")},
    sample=sample_reservoir,
    plan=[
        Step("h22_reservoir", lambda p, r: {"reservoir": p["res"]}),
        Step(
            "h22_set_release",
            lambda p, r: {"reservoir": p["res"], "mode": "spill" if _spill(r["h22_reservoir"]) else "normal"},
        ),
    ],
    expect=lambda p, b: _log(
        "h22_releases", reservoir=p["res"], mode="spill" if _spill(b["h22_reservoirs"][p["res"]]) else "normal"
    ),
    answer=lambda p, b: ["spill" if _spill(b["h22_reservoirs"][p["res"]]) else "normal"],
    summary=lambda p, r: f"Release at {p['res']} set to {r['h22_set_release']['mode']}.",
    repeats=False,
)


# ======================================== 3. ferry: no LPG vehicle on an enclosed deck (two categories, one record)
SAILINGS = ["07:15 Ardmore", "09:40 Ardmore", "13:05 Kilbride", "18:30 Kilbride"]
FIRST_FERRY = [("diesel", "enclosed"), ("lpg", "open"), ("petrol", "enclosed"), ("diesel", "open")]
SAFE_FERRY = [*FIRST_FERRY, ("petrol", "open"), ("lpg", "open")]


def sample_ferry(rng: random.Random, w: State, i: int) -> Params:
    reg = f"{rng.choice('KLMNP')}{rng.choice('ABCDE')}{rng.randint(10, 99)} {rng.choice(['XRT', 'GHB', 'PLM', 'VWE'])}"
    fuel, deck = FIRST_FERRY[i] if i < 4 else ("lpg", "enclosed") if _trap(i, rng, 0.4) else rng.choice(SAFE_FERRY)
    row = {"reg": reg, "fuel": fuel, "deck": deck, "length_m": round(rng.uniform(3.8, 6.5), 1)}
    w.setdefault("h22_vehicles", {})[reg] = row
    return {"reg": reg, "sailing": rng.choice(SAILINGS), "wording": _wording(rng, i, 2)}


def _ferry_ok(row: dict) -> bool:
    return not (row["fuel"] == "lpg" and row["deck"] == "enclosed")


ferry = Family(
    name="h22_ferry",
    templates=[
        "Book vehicle {reg} onto the {sailing} sailing (LPG vehicles may not travel on an enclosed deck)",
        "Put {reg} on the {sailing} ferry unless it runs on LPG and is assigned an enclosed deck",
    ],
    fields={"reg": Field(r"[A-Z]{2}\d{2} [A-Z]{3}"), "sailing": _one_of(SAILINGS)},
    sample=sample_ferry,
    plan=[
        Step("h22_vehicle", lambda p, r: {"reg": p["reg"]}),
        Step(
            "h22_book_ferry",
            lambda p, r: {"reg": p["reg"], "sailing": p["sailing"]},
            when=lambda p, r: _ferry_ok(r["h22_vehicle"]),
        ),
    ],
    expect=lambda p, b: (
        _log("h22_ferry_bookings", reg=p["reg"], sailing=p["sailing"]) if _ferry_ok(b["h22_vehicles"][p["reg"]]) else {}
    ),
    answer=lambda p, b: ["booked" if _ferry_ok(b["h22_vehicles"][p["reg"]]) else "not booked"],
    summary=lambda p, r: (
        f"{p['reg']} is booked on the {p['sailing']} sailing."
        if "h22_book_ferry" in r
        else f"{p['reg']} runs on LPG and is assigned an enclosed deck: not booked."
    ),
    repeats=False,
)


# ======================================== 4. skip collection: the next working day (a goal date's weekday)
ADDRESSES = ["4 Elm Road", "17 Quarry Lane", "2 Tanners Row", "31 Beacon Hill", "8 Ferry Street", "55 Mount Pleasant"]
YARDS = {"North Yard": (0, 1, 2, 3, 4), "South Yard": (0, 1, 2, 3, 4)}
DAYNAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def sample_skip(rng: random.Random, w: State, i: int) -> Params:
    weekend = _trap(i, rng, 0.4)
    while True:
        d = TODAY + dt.timedelta(days=rng.randint(3, 40))
        if (d.weekday() >= 5) == weekend:
            break
    return {
        "addr": rng.choice(ADDRESSES),
        "yard": rng.choice(sorted(YARDS)),
        "date": d.isoformat(),
        "wording": _wording(rng, i, 2),
    }


def _working(date: str) -> str:
    d = dt.date.fromisoformat(date)
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d.isoformat()


skip = Family(
    name="h22_skip",
    templates=[
        "Book a skip collection from {yard} at {addr} on {date}, or on the next day the yard collects if it "
        "does not collect that day",
        "{yard} should collect the skip at {addr} on {date} (if the yard doesn't collect on that day, book the "
        "next collection day)",
    ],
    fields={"addr": _one_of(ADDRESSES), "yard": _one_of(sorted(YARDS)), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_skip,
    plan=[
        Step("h22_yard_days", lambda p, r: {"yard": p["yard"]}),
        Step(
            "h22_book_collection", lambda p, r: {"yard": p["yard"], "address": p["addr"], "date": _working(p["date"])}
        ),
    ],
    expect=lambda p, b: _log("h22_collections", yard=p["yard"], address=p["addr"], date=_working(p["date"])),
    answer=lambda p, b: [_working(p["date"])],
    summary=lambda p, r: f"Skip collection at {p['addr']} booked for {r['h22_book_collection']['date']}.",
)


def _yard_text(s: State, a: dict) -> str:
    days = YARDS.get(str(a["yard"]))
    if days is None:
        raise ToolFail(f"no yard {a['yard']}")
    return f"{a['yard']} collects {DAYNAMES[days[0]]} to {DAYNAMES[days[-1]]}; no collections at weekends."


# ======================================== 5. allotment water: this week's draws plus the goal within the allowance
ALLOWANCE = 200
FIRST_WATER = [([70, 60], 30), ([20], 90), ([30, 25, 15], 50), ([55, 45], 60)]


def _split(total: int, n: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.sample(range(5, total - 4, 5), n - 1)) if n > 1 else []
    pts = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(pts)]


def sample_water(rng: random.Random, w: State, i: int) -> Params:
    plot = f"P{100 + 7 * i + rng.randint(0, 6)}"
    if i < 4:
        draws, litres = FIRST_WATER[i]
    elif _trap(i, rng):
        total = rng.randrange(115, 131, 5)
        draws, litres = _split(total, rng.randint(2, 3), rng), rng.randrange(75, 91, 5)
    else:
        total = rng.randrange(20, 131, 5)
        draws = _split(total, rng.randint(1, 3), rng)
        litres = rng.randrange(30, min(90, 190 - total) + 1, 5)
    days = ["Mon", "Tue", "Wed"]
    w.setdefault("h22_plots", {})[plot] = [{"day": days[k], "litres": x} for k, x in enumerate(draws)]
    return {"plot": plot, "litres": litres, "wording": _wording(rng, i, 2)}


def _water_ok(draws: list, litres: int) -> bool:
    return sum(d["litres"] for d in draws) + litres <= ALLOWANCE


def _draws(s: State, a: dict) -> dict:
    rows = s.get("h22_plots", {}).get(str(a["plot"]))
    if rows is None:
        raise ToolFail(f"no plot {a['plot']}")
    return {"plot": a["plot"], "week": "2026-W49", "draws": rows}


def _draw_water(s: State, a: dict) -> dict:
    rows = s.get("h22_plots", {}).get(str(a["plot"]))
    if rows is None:
        raise ToolFail(f"no plot {a['plot']}")
    rows.append({"day": "Fri", "litres": int(a["litres"])})
    return {"plot": a["plot"], "litres": a["litres"], "status": "drawn"}


def _water_expect(p: Params, b: State) -> dict:
    rows = b["h22_plots"][p["plot"]]
    if not _water_ok(rows, p["litres"]):
        return {}
    return {"h22_plots": {p["plot"]: [*rows, {"day": "Fri", "litres": p["litres"]}]}}


water = Family(
    name="h22_water",
    templates=[
        "Draw {litres} litres of water for allotment plot {plot} if that keeps it within the weekly allowance",
        "Plot {plot} wants {litres} litres from the tank; let them have it only if the week's allowance covers it",
    ],
    fields={"plot": Field(r"P\d+"), "litres": fam.INT},
    sample=sample_water,
    plan=[
        Step("h22_plot_draws", lambda p, r: {"plot": p["plot"]}, group="w"),
        Step("h22_allowance", lambda p, r: {"site": "Hollow Lane"}, group="w"),
        Step(
            "h22_draw_water",
            lambda p, r: {"plot": p["plot"], "litres": p["litres"]},
            when=lambda p, r: _water_ok(r["h22_plot_draws"]["draws"], p["litres"]),
        ),
    ],
    expect=_water_expect,
    answer=lambda p, b: ["drawn" if _water_ok(b["h22_plots"][p["plot"]], p["litres"]) else "allowance"],
    summary=lambda p, r: (
        f"{p['litres']} litres drawn for plot {p['plot']}."
        if "h22_draw_water" in r
        else f"Not drawn: {p['litres']} litres would take plot {p['plot']} over its weekly allowance "
        f"of {ALLOWANCE} litres."
    ),
)


# ======================================== 6. concrete pour: pump by volume (a product of three numbers)
FIRST_SLAB = [(12, 3, 0.15), (3, 12, 0.15), (3, 3, 0.6), (8, 4, 0.2)]
SAFE_SLAB = [(10, 3, 0.2), (3, 10, 0.2), (4, 4, 0.4), (5, 5, 0.25), (8, 3, 0.25), (3, 6, 0.3), (9, 4, 0.15)]
BIG_SLAB = [(6, 6, 0.3), (5, 6, 0.3), (6, 5, 0.3), (6, 6, 0.25), (5, 7, 0.25), (7, 5, 0.25)]


def sample_slab(rng: random.Random, w: State, i: int) -> Params:
    slab = f"SL-{200 + 5 * i + rng.randint(0, 4)}"
    dims = FIRST_SLAB[i] if i < 4 else rng.choice(BIG_SLAB) if _trap(i, rng) else rng.choice(SAFE_SLAB)
    w.setdefault("h22_slabs", {})[slab] = {"slab": slab, "length_m": dims[0], "width_m": dims[1], "depth_m": dims[2]}
    return {"slab": slab, "wording": _wording(rng, i, 2)}


def _pump(row: dict) -> str:
    return "boom" if row["length_m"] * row["width_m"] * row["depth_m"] > 8 else "line"


slab = Family(
    name="h22_slab",
    templates=[
        "Book the concrete pour for slab {slab}: a line pump for up to 8 m3 of concrete, a boom pump above that",
        "Slab {slab} is ready to pour; book it with the boom pump if it takes more than 8 cubic metres, "
        "otherwise the line pump",
    ],
    fields={"slab": Field(r"SL-\d+")},
    sample=sample_slab,
    plan=[
        Step("h22_slab", lambda p, r: {"slab": p["slab"]}),
        Step("h22_book_pour", lambda p, r: {"slab": p["slab"], "pump": _pump(r["h22_slab"])}),
    ],
    expect=lambda p, b: _log("h22_pours", slab=p["slab"], pump=_pump(b["h22_slabs"][p["slab"]])),
    answer=lambda p, b: [_pump(b["h22_slabs"][p["slab"]])],
    summary=lambda p, r: f"Pour for {p['slab']} booked with the {r['h22_book_pour']['pump']} pump.",
    repeats=False,
)


# ======================================== 7. layer feed: the mill cheapest per kg (a pick by a ratio)
FARMS = ["Brook Farm", "Highfield Farm", "Owlpen Farm", "Stonebridge Farm", "Wyke Farm"]
MILLS = ["Harper Mills", "Dunmore Feeds", "Acre Milling", "Tolley & Sons"]


def sample_feed(rng: random.Random, w: State, i: int) -> Params:
    farm = rng.choice(FARMS)
    mills = rng.sample(MILLS, 3)
    trap = _trap(i, rng)
    while True:
        sizes = [rng.choice([20, 25, 40]) for _ in mills]
        prices = [round(rng.uniform(9.0, 24.0), 2) for _ in mills]
        per_kg = [p / s for p, s in zip(prices, sizes, strict=True)]
        by_kg, by_price = per_kg.index(min(per_kg)), prices.index(min(prices))
        if (by_kg != by_price) == trap and len(set(per_kg)) == 3 and len(set(prices)) == 3:
            break
    offers = [{"mill": m, "bag_kg": s, "price_eur": p} for m, s, p in zip(mills, sizes, prices, strict=True)]
    key = f"{farm}#{i}"
    w.setdefault("h22_offers", {})[key] = offers
    return {"farm": farm, "week": 50 + i, "wording": _wording(rng, i, 2)}


def _cheapest(offers: list) -> str:
    return str(min(offers, key=lambda o: o["price_eur"] / o["bag_kg"])["mill"])


def _offers(s: State, a: dict) -> dict:
    key = f"{a['farm']}#{int(a['week']) - 50}"
    rows = s.get("h22_offers", {}).get(key)
    if rows is None:
        raise ToolFail(f"no offers for {a['farm']} in week {a['week']}")
    return {"farm": a["farm"], "week": a["week"], "offers": rows}


feed = Family(
    name="h22_feed",
    templates=[
        "Order layer feed for {farm} for week {week} from the mill with the lowest price per kg",
        "{farm} needs its week {week} layer feed: order it from whichever mill is cheapest per kilo",
    ],
    fields={"farm": _one_of(FARMS), "week": fam.INT},
    sample=sample_feed,
    plan=[
        Step("h22_feed_offers", lambda p, r: {"farm": p["farm"], "week": p["week"]}),
        Step(
            "h22_order_feed",
            lambda p, r: {"farm": p["farm"], "week": p["week"], "mill": _cheapest(r["h22_feed_offers"]["offers"])},
        ),
    ],
    expect=lambda p, b: _log(
        "h22_feed_orders",
        farm=p["farm"],
        week=p["week"],
        mill=_cheapest(b["h22_offers"][f"{p['farm']}#{p['week'] - 50}"]),
    ),
    answer=lambda p, b: [_cheapest(b["h22_offers"][f"{p['farm']}#{p['week'] - 50}"])],
    summary=lambda p, r: f"Ordered {p['farm']}'s week {p['week']} feed from {r['h22_order_feed']['mill']}.",
    repeats=False,
)


# ======================================== 8. coffee loyalty card: the 10th coffee is free (a counter)
CARD = "LC-5521"


def sample_stamps(rng: random.Random, w: State, i: int) -> Params:
    w.setdefault("h22_cards", {}).setdefault(CARD, {"card": CARD, "stamps": 0, "free_at": 10, "price_eur": 3.2})
    return {"card": CARD, "drink": rng.choice(["flat white", "latte", "cortado"]), "wording": _wording(rng, i, 2)}


def _free(card: dict) -> bool:
    return int(card["stamps"]) + 1 >= int(card["free_at"])


def _sell(s: State, a: dict) -> dict:
    card = s.get("h22_cards", {}).get(str(a["card"]))
    if card is None:
        raise ToolFail(f"no card {a['card']}")
    price = float(a["price_eur"])
    card["stamps"] = 0 if price == 0 else int(card["stamps"]) + 1
    s.setdefault("h22_sales", []).append({"card": card["card"], "price_eur": price})
    return {"card": card["card"], "charged_eur": price, "stamps_now": card["stamps"]}


def _stamps_expect(p: Params, b: State) -> dict:
    card = b["h22_cards"][p["card"]]
    free = _free(card)
    new = {**card, "stamps": 0 if free else int(card["stamps"]) + 1}
    return {"h22_cards": {p["card"]: new}, "h22_sales": [{"card": p["card"], "price_eur": 0.0 if free else 3.2}]}


stamps = Family(
    name="h22_stamps",
    templates=[
        "Ring up a {drink} on loyalty card {card} (the card's last stamp, the one that fills it, is free)",
        "Sell a {drink} to the holder of card {card}; charge the usual price unless this coffee fills the card, "
        "which makes it free",
    ],
    fields={"card": Field(r"LC-\d+"), "drink": _one_of(["flat white", "latte", "cortado"])},
    sample=sample_stamps,
    plan=[
        Step("h22_loyalty", lambda p, r: {"card": p["card"]}),
        Step(
            "h22_sell_coffee",
            lambda p, r: {
                "card": p["card"],
                "price_eur": 0.0 if _free(r["h22_loyalty"]) else r["h22_loyalty"]["price_eur"],
            },
        ),
    ],
    expect=_stamps_expect,
    answer=lambda p, b: ["free" if _free(b["h22_cards"][p["card"]]) else 3.2],
    summary=lambda p, r: (
        f"This {p['drink']} fills card {p['card']}: it is free."
        if float(r["h22_sell_coffee"]["charged_eur"]) == 0
        else f"Charged 3.20 EUR for a {p['drink']} on card {p['card']}."
    ),
)


# ======================================== 9. camping kits: reserve from the shelf, gone once an earlier goal took it
DEPOTS = {
    "Glen Depot": ["TENT-14", "TENT-22", "STOVE-3", "STOVE-8", "CANOE-2"],
    "Moor Depot": ["TENT-31", "TENT-40", "STOVE-11", "CANOE-5", "CANOE-9"],
}
MEMBERS = ["Ines Duarte", "Tomasz Wrona", "Aoife Brennan", "Kwame Mensah", "Lotte Visser", "Ravi Menon"]


def sample_kits(rng: random.Random, w: State, i: int) -> Params:
    shelves = w.setdefault("h22_shelves", {d: [{"kit": k, "size": "standard"} for k in ks] for d, ks in DEPOTS.items()})
    depot = sorted(DEPOTS)[i % 2] if i < 4 else rng.choice(sorted(DEPOTS))
    asked = w.setdefault("h22_asked", [])
    fresh = [k for k in DEPOTS[depot] if k not in asked]
    kit = fresh[0] if i < 4 else rng.choice(DEPOTS[depot]) if _trap(i, rng) or not fresh else rng.choice(fresh)
    asked.append(kit)
    _ = shelves
    return {"depot": depot, "kit": kit, "member": rng.choice(MEMBERS), "wording": _wording(rng, i, 2)}


def _on_shelf(shelf: list, kit: str) -> bool:
    return any(r["kit"] == kit for r in shelf)


def _shelf(s: State, a: dict) -> dict:
    rows = s.get("h22_shelves", {}).get(str(a["depot"]))
    if rows is None:
        raise ToolFail(f"no depot {a['depot']}")
    return {"depot": a["depot"], "on_shelf": rows}


def _reserve(s: State, a: dict) -> dict:
    rows = s.get("h22_shelves", {}).get(str(a["depot"]))
    if rows is None:
        raise ToolFail(f"no depot {a['depot']}")
    s["h22_shelves"][str(a["depot"])] = [r for r in rows if r["kit"] != a["kit"]]
    s.setdefault("h22_reservations", []).append({"kit": str(a["kit"]), "member": str(a["member"])})
    return {"kit": a["kit"], "member": a["member"], "status": "reserved"}


def _kits_expect(p: Params, b: State) -> dict:
    rows = b["h22_shelves"][p["depot"]]
    if not _on_shelf(rows, p["kit"]):
        return {}
    return {
        "h22_shelves": {p["depot"]: [r for r in rows if r["kit"] != p["kit"]]},
        "h22_reservations": [{"kit": p["kit"], "member": p["member"]}],
    }


kits = Family(
    name="h22_kits",
    templates=[
        "Reserve {kit} from {depot} for {member} if it is on the shelf",
        "{member} would like {kit} from {depot}; reserve it for them if the depot still has it",
    ],
    fields={"kit": Field(r"[A-Z]+-\d+"), "depot": _one_of(sorted(DEPOTS)), "member": _one_of(MEMBERS)},
    sample=sample_kits,
    plan=[
        Step("h22_kit_shelf", lambda p, r: {"depot": p["depot"]}),
        Step(
            "h22_reserve_kit",
            lambda p, r: {"depot": p["depot"], "kit": p["kit"], "member": p["member"]},
            when=lambda p, r: _on_shelf(r["h22_kit_shelf"]["on_shelf"], p["kit"]),
        ),
    ],
    expect=_kits_expect,
    answer=lambda p, b: ["reserved" if _on_shelf(b["h22_shelves"][p["depot"]], p["kit"]) else "not on the shelf"],
    summary=lambda p, r: (
        f"{p['kit']} reserved for {p['member']}."
        if "h22_reserve_kit" in r
        else f"{p['kit']} is not on the shelf at {p['depot']}: not reserved."
    ),
)


# ======================================== 10. sample vial: discard when opened more than 28 days ago (two dates)
FIRST_VIAL = [10, 25, 3, 18]


def sample_vial(rng: random.Random, w: State, i: int) -> Params:
    vial = f"V-{3000 + 11 * i + rng.randint(0, 9)}"
    age = FIRST_VIAL[i] if i < 4 else rng.randint(29, 34) if _trap(i, rng) else rng.randint(2, 26)
    today = TODAY + dt.timedelta(days=rng.randint(0, 20))
    opened = today - dt.timedelta(days=age)
    w.setdefault("h22_vials", {})[vial] = {
        "vial": vial,
        "opened": opened.isoformat(),
        "checked": today.isoformat(),
        "volume_ml": rng.choice([2, 5, 10]),
    }
    return {"vial": vial, "wording": _wording(rng, i, 2)}


def _vial_action(row: dict) -> str:
    age = (dt.date.fromisoformat(row["checked"]) - dt.date.fromisoformat(row["opened"])).days
    return "discard" if age > 28 else "keep"


vial = Family(
    name="h22_vial",
    templates=[
        "Vial {vial} was checked today: mark it for discard if it was opened more than 28 days before the check, "
        "else mark it keep",
        "Check vial {vial}'s in-use period (28 days from opening, to the day of the check) and mark it keep or discard",
    ],
    fields={"vial": Field(r"V-\d+")},
    sample=sample_vial,
    plan=[
        Step("h22_vial", lambda p, r: {"vial": p["vial"]}),
        Step("h22_vial_action", lambda p, r: {"vial": p["vial"], "action": _vial_action(r["h22_vial"])}),
    ],
    expect=lambda p, b: _log("h22_vial_marks", vial=p["vial"], action=_vial_action(b["h22_vials"][p["vial"]])),
    answer=lambda p, b: [_vial_action(b["h22_vials"][p["vial"]])],
    summary=lambda p, r: f"Vial {p['vial']} marked {r['h22_vial_action']['action']}.",
    repeats=False,
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h22_meter_notes",
            "The engineer's notes of the latest visit to a gas meter (plain text).",
            {"meter": str},
            _meter_text,
        ),
        Tool("h22_sign_off", "Sign off a gas meter visit.", {"meter": str}, _meter_action("signed off")),
        Tool("h22_raise_fault", "Raise a fault on a gas meter after a visit.", {"meter": str}, _meter_action("fault")),
        Tool(
            "h22_reservoir",
            "A reservoir's capacity, storage and inflow (megalitres).",
            {"reservoir": str},
            _get("h22_reservoirs", "reservoir", "reservoir"),
        ),
        Tool(
            "h22_set_release",
            "Set a reservoir's release mode: normal or spill.",
            {"reservoir": str, "mode": str},
            _logger("h22_releases", "reservoir", "mode"),
        ),
        Tool(
            "h22_vehicle",
            "A vehicle's ferry check-in record: fuel, assigned deck, length.",
            {"reg": str},
            _get("h22_vehicles", "reg", "vehicle"),
        ),
        Tool(
            "h22_book_ferry",
            "Book a vehicle onto a ferry sailing.",
            {"reg": str, "sailing": str},
            _logger("h22_ferry_bookings", "reg", "sailing"),
        ),
        Tool("h22_yard_days", "The days a skip yard collects (plain text).", {"yard": str}, _yard_text),
        Tool(
            "h22_book_collection",
            "Book a skip collection from a yard at an address on a date (YYYY-MM-DD).",
            {"yard": str, "address": str, "date": str},
            _logger("h22_collections", "yard", "address", "date"),
        ),
        Tool("h22_plot_draws", "This week's water draws of an allotment plot.", {"plot": str}, _draws),
        Tool(
            "h22_allowance",
            "An allotment site's weekly water allowance per plot (plain text).",
            {"site": str},
            lambda s, a: f"Weekly water allowance per plot at {a['site']}: {ALLOWANCE} litres.",
        ),
        Tool(
            "h22_draw_water", "Draw water from the tank for a plot (litres).", {"plot": str, "litres": int}, _draw_water
        ),
        Tool("h22_slab", "A slab's dimensions in metres.", {"slab": str}, _get("h22_slabs", "slab", "slab")),
        Tool(
            "h22_book_pour",
            "Book a concrete pour for a slab with a pump: line or boom.",
            {"slab": str, "pump": str},
            _logger("h22_pours", "slab", "pump"),
        ),
        Tool(
            "h22_feed_offers",
            "The mills' layer feed offers to a farm for a week: bag size and price.",
            {"farm": str, "week": int},
            _offers,
        ),
        Tool(
            "h22_order_feed",
            "Order a farm's weekly layer feed from a mill.",
            {"farm": str, "week": int, "mill": str},
            _logger("h22_feed_orders", "farm", "week", "mill"),
        ),
        Tool(
            "h22_loyalty",
            "A coffee loyalty card: stamps so far, stamps that fill it, the coffee's price.",
            {"card": str},
            _get("h22_cards", "card", "card"),
        ),
        Tool(
            "h22_sell_coffee",
            "Sell a coffee on a loyalty card at a price (0 for a free one: resets the card).",
            {"card": str, "price_eur": float},
            _sell,
        ),
        Tool("h22_kit_shelf", "The camping kits on a depot's shelf now.", {"depot": str}, _shelf),
        Tool(
            "h22_reserve_kit",
            "Reserve a camping kit from a depot for a member.",
            {"depot": str, "kit": str, "member": str},
            _reserve,
        ),
        Tool(
            "h22_vial",
            "A sample vial: date opened, date checked, volume.",
            {"vial": str},
            _get("h22_vials", "vial", "vial"),
        ),
        Tool(
            "h22_vial_action",
            "Mark a vial keep or discard.",
            {"vial": str, "action": str},
            _logger("h22_vial_marks", "vial", "action"),
        ),
    ]
}

FAMILIES = [meter, reservoir, ferry, skip, water, slab, feed, stamps, kits, vial]
