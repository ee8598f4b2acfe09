"""Held-out probe 33 (issue 9, helper redAQ): a second fresh red team against replayed writes and answers.

Written by an adversary who knows docs/replay-rules.md and the last stops' "noticed, left alone" notes, in
domains no earlier set used (belfries, yurt camps, saunas, paper mills, ice hotels, llama treks, funiculars,
letterpress shops, truffle hunting, icebreakers). Reads carry `readOnlyHint`, writes plain non-idempotent hints.

- h33_belfry    same-kind parameters in swapped roles: "Lend N handbells from belfry A to belfry B" and
                "Belfry B borrows N handbells from belfry A" (the first belfry named is the receiver)
- h33_convoy    the same with ships: "Put ship A ahead of ship B" and "Put ship B behind ship A" (the first ship
                named leads in one wording and follows in the other)
- h33_yurt      a pick by a rule over a result's list: the cheapest FREE yurt; the first goals' cheapest yurt is free
- h33_sauna     a number with a unit the tool wants in another: "90 minutes" and later "2 hours" (tool: minutes)
- h33_vat       the same in grams and kilograms: "800 g" and later "1.5 kg" (tool: grams)
- h33_nights    an answer that sums a result's list (nights sold); the first goals' lists have two rows, later three
- h33_llamas    an answer that counts the rows of a status (fit llamas); at first every llama is fit
- h33_funicular a negation with a goal number: "unless the wind at the top is over N km/h"; every value a trap
                shows lies inside what the first goals saw, only their ORDER differs
- h33_press     a negation with a goal name: "on the first free press except press P"; at first P is never the
                first free one
- h33_truffle   a pattern that keeps succeeding (a crystallized tool, goals 16): a truffle's grade from its weight;
                the first ten goals' truffles all weigh 50 g or more, traps only from the eleventh goal

Workloads up to `--goals 16`. The first goals never cross a trap; later goals sometimes do.
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


def _trap(i: int, rng: random.Random, first: int = 5, share: float = 0.5) -> bool:
    return i >= first and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _table(section: str, key: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return dict(row)

    return run


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


# ======================================== 1. belfry: the first belfry named is the giver, then the receiver
BELFRIES = ["Ashby", "Barwick", "Corfe", "Dunholm", "Eyam", "Fenwick", "Grange", "Hexley"]


def sample_belfry(rng: random.Random, w: State, i: int) -> Params:
    a, b = rng.sample(BELFRIES, 2)
    n = rng.randint(2, 9)
    for x in (a, b):
        w["tables"].setdefault("h33_belfries", {})[x] = {"belfry": x, "handbells": 24, "tower": "west"}
    return {"a": a, "b": b, "n": n, "wording": 0 if i < 5 else rng.randint(0, 1)}


belfry = Family(
    name="h33_belfry",
    templates=[
        "Lend {n} handbells from belfry {a} to belfry {b}",
        "Belfry {b} borrows {n} handbells from belfry {a}",
    ],
    fields={"a": _one_of(BELFRIES), "b": _one_of(BELFRIES), "n": fam.INT},
    sample=sample_belfry,
    plan=[
        Step("h33_belfry", lambda p, r: {"belfry": p["a"]}),
        Step("h33_lend_bells", lambda p, r: {"from_belfry": p["a"], "to_belfry": p["b"], "bells": p["n"]}),
    ],
    expect=lambda p, b: {"h33_loans": [{"from_belfry": p["a"], "to_belfry": p["b"], "bells": p["n"]}]},
    answer=lambda p, b: [p["n"]],
    summary=lambda p, r: f"Belfry {p['a']} lent {p['n']} handbells to belfry {p['b']}.",
    repeats=False,
)


# ======================================== 2. convoy: "ship A ahead of ship B" and "ship B behind ship A"
def sample_convoy(rng: random.Random, w: State, i: int) -> Params:
    a, b = rng.sample(range(10, 90), 2)
    return {"a": f"SH-{a}", "b": f"SH-{b}", "wording": 0 if i < 5 else rng.randint(0, 1)}


convoy = Family(
    name="h33_convoy",
    templates=[
        "Put ship {a} ahead of ship {b} in the icebreaker's convoy",
        "Put ship {b} behind ship {a} in the icebreaker's convoy",
    ],
    fields={"a": Field(r"SH-\d+"), "b": Field(r"SH-\d+")},
    sample=sample_convoy,
    plan=[
        Step("h33_ship", lambda p, r: {"ship": p["b"]}),
        Step("h33_convoy_order", lambda p, r: {"lead": p["a"], "follow": p["b"]}),
    ],
    expect=lambda p, b: {"h33_convoys": [{"lead": p["a"], "follow": p["b"]}]},
    answer=lambda p, b: [p["a"], p["b"]],
    summary=lambda p, r: f"Ship {p['a']} now leads ship {p['b']} in the convoy.",
    repeats=False,
)


# ======================================== 3. yurt: the cheapest FREE yurt (at first the cheapest is free)
def sample_yurt(rng: random.Random, w: State, i: int) -> Params:
    camp = f"YC-{20 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(3, 5)
    prices = rng.sample(range(40, 120, 5), n)
    rows = [{"yurt": f"Y{k + 1}", "price": pr, "state": rng.choice(["free", "booked"])} for k, pr in enumerate(prices)]
    cheapest = min(rows, key=lambda x: x["price"])
    cheapest["state"] = "free"
    if _trap(i, rng):
        cheapest["state"] = "booked"
        other = rng.choice([x for x in rows if x is not cheapest])
        other["state"] = "free"
    w["tables"].setdefault("h33_camps", {})[camp] = {"camp": camp, "yurts": rows}
    return {"camp": camp, "guest": f"G-{400 + i}"}


def _cheapest_free(rows: list[dict]) -> str:
    return str(min((x for x in rows if x["state"] == "free"), key=lambda x: x["price"])["yurt"])


yurt = Family(
    name="h33_yurt",
    templates=["Book guest {guest} into the cheapest free yurt at camp {camp}"],
    fields={"guest": Field(r"G-\d+"), "camp": Field(r"YC-\d+")},
    sample=sample_yurt,
    plan=[
        Step("h33_camp", lambda p, r: {"camp": p["camp"]}),
        Step(
            "h33_book_yurt",
            lambda p, r: {"camp": p["camp"], "guest": p["guest"], "yurt": _cheapest_free(r["h33_camp"]["yurts"])},
        ),
    ],
    expect=lambda p, b: {
        "h33_yurt_bookings": [
            {
                "camp": p["camp"],
                "guest": p["guest"],
                "yurt": _cheapest_free(b["tables"]["h33_camps"][p["camp"]]["yurts"]),
            }
        ]
    },
    answer=lambda p, b: [_cheapest_free(b["tables"]["h33_camps"][p["camp"]]["yurts"])],
    summary=lambda p, r: f"Guest {p['guest']} is booked into yurt {r['h33_book_yurt']['yurt']} at camp {p['camp']}.",
    repeats=False,
)


# ======================================== 4. sauna: minutes in the goal, later hours (the tool takes minutes)
def sample_sauna(rng: random.Random, w: State, i: int) -> Params:
    sauna = f"SA-{10 + 2 * i + rng.randint(0, 1)}"
    w["tables"].setdefault("h33_saunas", {})[sauna] = {"sauna": sauna, "stove": "wood", "max_c": 90}
    if _trap(i, rng):
        return {"sauna": sauna, "dur": f"{rng.randint(1, 3)} hours"}
    return {"sauna": sauna, "dur": f"{rng.choice([30, 45, 60, 75, 90, 120])} minutes"}


def _minutes(dur: str) -> int:
    n, unit = dur.split()
    return int(n) * (60 if unit.startswith("hour") else 1)


sauna = Family(
    name="h33_sauna",
    templates=["Heat sauna {sauna} for {dur} this evening"],
    fields={"sauna": Field(r"SA-\d+"), "dur": Field(r"\d+ (?:minutes|hours)")},
    sample=sample_sauna,
    plan=[
        Step("h33_sauna", lambda p, r: {"sauna": p["sauna"]}),
        Step("h33_heat_sauna", lambda p, r: {"sauna": p["sauna"], "minutes": _minutes(p["dur"])}),
    ],
    expect=lambda p, b: {"h33_heatings": [{"sauna": p["sauna"], "minutes": _minutes(p["dur"])}]},
    answer=lambda p, b: [_minutes(p["dur"])],
    summary=lambda p, r: f"Sauna {p['sauna']} is heating for {r['h33_heat_sauna']['minutes']} minutes.",
    repeats=False,
)


# ======================================== 5. vat: grams in the goal, later kilograms (the tool takes grams)
def sample_vat(rng: random.Random, w: State, i: int) -> Params:
    vat = f"VT-{30 + 2 * i + rng.randint(0, 1)}"
    w["tables"].setdefault("h33_vats", {})[vat] = {"vat": vat, "pulp": "cotton", "litres": 400}
    if _trap(i, rng):
        return {"vat": vat, "amount": f"{rng.choice([1, 2, 3])}.{rng.choice([2, 4, 5, 6, 8])} kg"}
    return {"vat": vat, "amount": f"{rng.randint(3, 19) * 50} g"}


def _grams(amount: str) -> int:
    n, unit = amount.split()
    return round(float(n) * (1000 if unit == "kg" else 1))


vat = Family(
    name="h33_vat",
    templates=["Add {amount} of gelatine size to paper mill vat {vat}"],
    fields={"vat": Field(r"VT-\d+"), "amount": Field(r"\d+(?:\.\d+)? (?:kg|g)")},
    sample=sample_vat,
    plan=[
        Step("h33_vat", lambda p, r: {"vat": p["vat"]}),
        Step("h33_add_size", lambda p, r: {"vat": p["vat"], "grams": _grams(p["amount"])}),
    ],
    expect=lambda p, b: {"h33_sizings": [{"vat": p["vat"], "grams": _grams(p["amount"])}]},
    answer=lambda p, b: [_grams(p["amount"])],
    summary=lambda p, r: f"Added {r['h33_add_size']['grams']} g of size to vat {p['vat']}.",
    repeats=False,
)


# ======================================== 6. nights: an answer that sums a list (two rows at first)
def sample_nights(rng: random.Random, w: State, i: int) -> Params:
    room = f"IR-{100 + 5 * i + rng.randint(0, 4)}"
    n = 2 if i < 5 else rng.choice([2, 3, 3])
    rows = [{"booking": f"B{700 + 10 * i + k}", "nights": rng.randint(1, 4)} for k in range(n)]
    w["tables"].setdefault("h33_rooms", {})[room] = {"room": room, "bookings": rows, "sculptor": "Aino"}
    return {"room": room}


def _nights(rows: list[dict]) -> int:
    return sum(int(x["nights"]) for x in rows)


nights = Family(
    name="h33_nights",
    templates=["How many nights in all did ice hotel room {room} sell this season?"],
    fields={"room": Field(r"IR-\d+")},
    sample=sample_nights,
    plan=[Step("h33_room", lambda p, r: {"room": p["room"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_nights(b["tables"]["h33_rooms"][p["room"]]["bookings"])],
    summary=lambda p, r: f"Room {p['room']} sold {_nights(r['h33_room']['bookings'])} nights this season.",
    repeats=False,
)


# ======================================== 7. llamas: an answer that counts the fit llamas (all fit at first)
def sample_llamas(rng: random.Random, w: State, i: int) -> Params:
    trek = f"LT-{60 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(3, 5)
    rows = [{"llama": f"L{10 * i + k}", "status": "fit"} for k in range(n)]
    if _trap(i, rng):
        for x in rng.sample(rows, rng.randint(1, 2)):
            x["status"] = "lame"
    w["tables"].setdefault("h33_treks", {})[trek] = {"trek": trek, "llamas": rows, "guide": "Quispe"}
    return {"trek": trek}


def _fit(rows: list[dict]) -> int:
    return sum(1 for x in rows if x["status"] == "fit")


llamas = Family(
    name="h33_llamas",
    templates=["How many llamas of trek {trek} can carry packs today?"],
    fields={"trek": Field(r"LT-\d+")},
    sample=sample_llamas,
    plan=[Step("h33_trek", lambda p, r: {"trek": p["trek"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_fit(b["tables"]["h33_treks"][p["trek"]]["llamas"])],
    summary=lambda p, r: f"{_fit(r['h33_trek']['llamas'])} llamas of trek {p['trek']} can carry packs today.",
    repeats=False,
)


# ======================================== 8. funicular: "unless the wind is over N", values inside the seen ranges
def sample_funicular(rng: random.Random, w: State, i: int) -> Params:
    car = f"FC-{1 + i}"
    if _trap(i, rng):
        limit = rng.randint(40, 46)
        wind = rng.randint(limit + 1, 48)
    else:
        limit = rng.randint(40, 70)
        wind = rng.randint(12, min(48, limit - 1))
    w["tables"].setdefault("h33_tops", {})[car] = {"car": car, "wind_kmh": wind, "cloud": "low"}
    return {"car": car, "limit": limit}


def _runs(p: Params, wind: int) -> bool:
    return wind <= p["limit"]


funicular = Family(
    name="h33_funicular",
    templates=["Send funicular car {car} up unless the wind at the top is over {limit} km/h"],
    fields={"car": Field(r"FC-\d+"), "limit": fam.INT},
    sample=sample_funicular,
    plan=[
        Step("h33_top_wind", lambda p, r: {"car": p["car"]}),
        Step(
            "h33_send_car",
            lambda p, r: {"car": p["car"]},
            when=lambda p, r: _runs(p, r["h33_top_wind"]["wind_kmh"]),
        ),
    ],
    expect=lambda p, b: (
        {"h33_ascents": [{"car": p["car"]}]} if _runs(p, b["tables"]["h33_tops"][p["car"]]["wind_kmh"]) else {}
    ),
    answer=lambda p, b: ["sent up" if _runs(p, b["tables"]["h33_tops"][p["car"]]["wind_kmh"]) else "stays down"],
    summary=lambda p, r: (
        f"Car {p['car']} {'sent up' if _runs(p, r['h33_top_wind']['wind_kmh']) else 'stays down'}: "
        f"wind {r['h33_top_wind']['wind_kmh']} km/h at the top (limit {p['limit']})."
    ),
    repeats=False,
)


# ======================================== 9. press: the first free press EXCEPT the goal's press
def sample_press(rng: random.Random, w: State, i: int) -> Params:
    shop = f"LP-{70 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(4, 5)
    rows = [{"press": f"P{k + 1}", "state": rng.choice(["free", "busy"])} for k in range(n)]
    rows[-1]["state"] = "free"
    first = next(k for k, x in enumerate(rows) if x["state"] == "free")
    if first < n - 1 and _trap(i, rng):
        avoid = rows[first]["press"]
    else:
        avoid = rng.choice([x["press"] for k, x in enumerate(rows) if k != first])
    w["tables"].setdefault("h33_shops", {})[shop] = {"shop": shop, "presses": rows}
    return {"shop": shop, "avoid": avoid, "poster": f"PO-{200 + i}"}


def _press(p: Params, rows: list[dict]) -> str:
    return str(next(x["press"] for x in rows if x["state"] == "free" and x["press"] != p["avoid"]))


press = Family(
    name="h33_press",
    templates=["Print poster {poster} at letterpress shop {shop} on the first free press except press {avoid}"],
    fields={"poster": Field(r"PO-\d+"), "shop": Field(r"LP-\d+"), "avoid": Field(r"P\d+")},
    sample=sample_press,
    plan=[
        Step("h33_shop", lambda p, r: {"shop": p["shop"]}),
        Step(
            "h33_print",
            lambda p, r: {"shop": p["shop"], "poster": p["poster"], "press": _press(p, r["h33_shop"]["presses"])},
        ),
    ],
    expect=lambda p, b: {
        "h33_prints": [
            {
                "shop": p["shop"],
                "poster": p["poster"],
                "press": _press(p, b["tables"]["h33_shops"][p["shop"]]["presses"]),
            }
        ]
    },
    answer=lambda p, b: [_press(p, b["tables"]["h33_shops"][p["shop"]]["presses"])],
    summary=lambda p, r: f"Poster {p['poster']} is printing on press {r['h33_print']['press']} at shop {p['shop']}.",
    repeats=False,
)


# ======================================== 10. truffle: a pattern that keeps succeeding, traps only late
def sample_truffle(rng: random.Random, w: State, i: int) -> Params:
    tid = f"TR-{900 + 4 * i + rng.randint(0, 3)}"
    grams = rng.randint(20, 45) if _trap(i, rng, first=10, share=0.6) else rng.randint(50, 95)
    w["tables"].setdefault("h33_truffles", {})[tid] = {"truffle": tid, "grams": grams, "dog": "Bella"}
    return {"truffle": tid}


def _grade(g: int) -> str:
    return "extra" if g >= 50 else "first"


truffle = Family(
    name="h33_truffle",
    templates=["Grade truffle {truffle} for the market"],
    fields={"truffle": Field(r"TR-\d+")},
    sample=sample_truffle,
    plan=[
        Step("h33_truffle", lambda p, r: {"truffle": p["truffle"]}),
        Step("h33_grade", lambda p, r: {"truffle": p["truffle"], "grade": _grade(r["h33_truffle"]["grams"])}),
    ],
    expect=lambda p, b: {
        "h33_grades": [{"truffle": p["truffle"], "grade": _grade(b["tables"]["h33_truffles"][p["truffle"]]["grams"])}]
    },
    answer=lambda p, b: [_grade(b["tables"]["h33_truffles"][p["truffle"]]["grams"])],
    summary=lambda p, r: f"Truffle {p['truffle']} is graded {r['h33_grade']['grade']} ({r['h33_truffle']['grams']} g).",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h33_belfry", "A belfry's handbells and tower.", {"belfry": str}, _table("h33_belfries", "belfry")),
        Tool(
            "h33_lend_bells",
            "Lend handbells from one belfry to another.",
            {"from_belfry": str, "to_belfry": str, "bells": int},
            _logger("h33_loans", "from_belfry", "to_belfry", "bells"),
        ),
        Tool(
            "h33_ship",
            "A ship waiting for the icebreaker: its ice class.",
            {"ship": str},
            lambda s, a: {"ship": a["ship"], "ice_class": "1A", "waiting": "yes"},
        ),
        Tool(
            "h33_convoy_order",
            "Set the order of two ships in the icebreaker's convoy: the lead ship and the one that follows it.",
            {"lead": str, "follow": str},
            _logger("h33_convoys", "lead", "follow"),
        ),
        Tool(
            "h33_camp",
            "A yurt camp's yurts: price a night and free or booked.",
            {"camp": str},
            _table("h33_camps", "camp"),
        ),
        Tool(
            "h33_book_yurt",
            "Book a guest into a yurt of a camp.",
            {"camp": str, "guest": str, "yurt": str},
            _logger("h33_yurt_bookings", "camp", "guest", "yurt"),
        ),
        Tool("h33_sauna", "A sauna's stove and top temperature.", {"sauna": str}, _table("h33_saunas", "sauna")),
        Tool(
            "h33_heat_sauna",
            "Heat a sauna for a number of minutes.",
            {"sauna": str, "minutes": int},
            _logger("h33_heatings", "sauna", "minutes"),
        ),
        Tool("h33_vat", "A paper mill vat's pulp and litres.", {"vat": str}, _table("h33_vats", "vat")),
        Tool(
            "h33_add_size",
            "Add gelatine size to a vat, in grams.",
            {"vat": str, "grams": int},
            _logger("h33_sizings", "vat", "grams"),
        ),
        Tool(
            "h33_room",
            "An ice hotel room's bookings this season (nights each) and its sculptor.",
            {"room": str},
            _table("h33_rooms", "room"),
        ),
        Tool(
            "h33_trek",
            "A llama trek's llamas, each fit or lame, and its guide.",
            {"trek": str},
            _table("h33_treks", "trek"),
        ),
        Tool(
            "h33_top_wind",
            "The wind (km/h) and cloud at the top station of a funicular car's line.",
            {"car": str},
            _table("h33_tops", "car"),
        ),
        Tool("h33_send_car", "Send a funicular car up.", {"car": str}, _logger("h33_ascents", "car")),
        Tool(
            "h33_shop", "A letterpress shop's presses, each free or busy.", {"shop": str}, _table("h33_shops", "shop")
        ),
        Tool(
            "h33_print",
            "Print a poster on a press of a letterpress shop.",
            {"shop": str, "poster": str, "press": str},
            _logger("h33_prints", "shop", "poster", "press"),
        ),
        Tool(
            "h33_truffle",
            "A truffle's weight in grams and the dog that found it.",
            {"truffle": str},
            _table("h33_truffles", "truffle"),
        ),
        Tool(
            "h33_grade",
            "Grade a truffle for the market: 'extra' (50 g or more) or 'first'.",
            {"truffle": str, "grade": str},
            _logger("h33_grades", "truffle", "grade"),
        ),
    ]
}

WRITES = {
    "h33_lend_bells",
    "h33_convoy_order",
    "h33_book_yurt",
    "h33_heat_sauna",
    "h33_add_size",
    "h33_send_car",
    "h33_print",
    "h33_grade",
}
ANNOTATIONS: dict[str, dict[str, bool]] = {name: WRITE if name in WRITES else READ for name in TOOLS}


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

    if getattr(Server.add_tool, "_h33_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h33_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [belfry, convoy, yurt, sauna, vat, nights, llamas, funicular, press, truffle]
