"""Second probe for evidence pooled across wordings (rate4; issue 9, `llmos/learning/wordings.py`).

Written before the pooled-wordings rule, not shaped on it. Tool names are prefixed `w2_`. Every family
has three or four wordings picked at random per goal; some mean the same task, some make the same calls
and mean something else (a different verb, values in swapped roles, an added condition, a negation, an
answer of another shape):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_wordings2.py --goals 8 --seed 7

- w2_crate    move a pallet between two racks (idempotent); the values in either order of the words,
              and a near miss "Bring pallet P back to rack A from rack B" (from = B, to = A)
- w2_booking  a booking's status (a write): "Confirm", "Approve" (confirmed) and "Cancel" (cancelled)
- w2_pump     run a pump at a rate (idempotent); "... unless the tank is under N %" reads the tank and
              may not start it (the same calls when it does start)
- w2_seats    a question about free seats: "How many" (a count), "Which" (the list), "Is seat S free"
- w2_feed     feed an animal its charted ration (a write); "double ration" (x 2) makes the same calls
- w2_kiln     fire a kiln to a temperature (idempotent): "to N degrees" and "N degrees hotter than now"
- w2_ferry    book a ferry for N passengers on a day (a write): three wordings of one task
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
INT, CAPWORD = fam.INT, fam.CAPWORD
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}


READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "w2_pallet": READ,
    "w2_move_pallet": IDEMPOTENT,
    "w2_booking_get": READ,
    "w2_booking_set": WRITE,
    "w2_tank": READ,
    "w2_pump_run": IDEMPOTENT,
    "w2_seatmap": READ,
    "w2_ration": READ,
    "w2_feed": WRITE,
    "w2_kiln_get": READ,
    "w2_kiln_set": IDEMPOTENT,
    "w2_ferry_fares": READ,
    "w2_ferry_book": WRITE,
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

    if getattr(Server.add_tool, "_w2_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._w2_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _table(name: str, key: str) -> Any:
    """A read of a seeded table (`w["tables"][name][key]`)."""

    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(name, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return dict(row)

    return run


def _log(section: str, ref: str):
    """A write appended to a ledger section; answers with a reference and its arguments."""

    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append(dict(a))
        return {"ok": True, "ref": f"{ref}-{500 + len(out)}", **a}

    return run


def _put(section: str, key: str):
    """An idempotent write: the section's row for `key` becomes the arguments."""

    def run(s: State, a: dict) -> dict:
        s.setdefault(section, {})[str(a[key])] = dict(a)
        return {"ok": True, **a}

    return run


def _wording(rng: random.Random, n: int) -> int:
    return rng.randrange(n)


# ------------------------------------------------------------------ w2_crate: values in either order
def sample_crate(rng: random.Random, w: State, i: int) -> Params:
    pallet = f"PL-{rng.randint(1000, 9999)}"
    a, b = rng.sample(["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"], 2)
    w.setdefault("w2_pallets", {})[pallet] = {"pallet": pallet, "rack": a}
    return {"pallet": pallet, "src": a, "dst": b, "wording": _wording(rng, 4)}


def _pallet(s: State, a: dict) -> dict:
    row = s.get("w2_pallets", {}).get(a["pallet"])
    if row is None:
        raise ToolFail(f"no pallet {a['pallet']}")
    return dict(row)


def _move_pallet(s: State, a: dict) -> dict:
    row = s.get("w2_pallets", {}).get(a["pallet"])
    if row is None:
        raise ToolFail(f"no pallet {a['pallet']}")
    if row["rack"] != a["from_rack"]:
        raise ToolFail(f"pallet {a['pallet']} is not on rack {a['from_rack']}")
    s["w2_pallets"][a["pallet"]] = {"pallet": a["pallet"], "rack": a["to_rack"]}
    return {"ok": True, "pallet": a["pallet"], "rack": a["to_rack"]}


def _crate_to(p: Params) -> str:
    return p["dst"] if p["wording"] != 3 else p["src"]


def _crate_from(p: Params) -> str:
    return p["src"] if p["wording"] != 3 else p["dst"]


def sample_crate_world(rng: random.Random, w: State, i: int) -> Params:
    p = sample_crate(rng, w, i)
    if p["wording"] == 3:  # "back to rack A from rack B": the pallet stands on B
        w["w2_pallets"][p["pallet"]]["rack"] = p["dst"]
    return p


crate = Family(
    name="w2_crate",
    templates=[
        "Move pallet {pallet} from rack {src} to rack {dst}",
        "Pallet {pallet}: take it off rack {src} and put it on rack {dst}",
        "Rack {dst} should hold pallet {pallet}, now on rack {src}",
        "Bring pallet {pallet} back to rack {src} from rack {dst}",
    ],
    fields={"pallet": Field(r"PL-\d{4}"), "src": Field(r"R\d"), "dst": Field(r"R\d")},
    sample=sample_crate_world,
    plan=[
        Step("w2_pallet", lambda p, r: {"pallet": p["pallet"]}),
        Step(
            "w2_move_pallet",
            lambda p, r: {"pallet": p["pallet"], "from_rack": _crate_from(p), "to_rack": _crate_to(p)},
        ),
    ],
    expect=lambda p, b: {"w2_pallets": {p["pallet"]: {"pallet": p["pallet"], "rack": _crate_to(p)}}},
    answer=lambda p, b: [_crate_to(p)],
    summary=lambda p, r: f"Pallet {p['pallet']} now stands on rack {_crate_to(p)}.",
    repeats=False,  # a pallet moved is no longer where the goal says it stands
)


# ------------------------------------------------------------------ w2_booking: different verbs
def sample_booking(rng: random.Random, w: State, i: int) -> Params:
    bid = f"BK{rng.randint(10000, 99999)}"
    w.setdefault("w2_bookings", {})[bid] = {"booking": bid, "status": "pending", "guests": rng.randint(1, 6)}
    return {"bid": bid, "wording": _wording(rng, 3)}


def _bstatus(p: Params) -> str:
    return "cancelled" if p["wording"] == 2 else "confirmed"


def _booking_get(s: State, a: dict) -> dict:
    row = s.get("w2_bookings", {}).get(a["booking"])
    if row is None:
        raise ToolFail(f"no booking {a['booking']}")
    return dict(row)


def _booking_set(s: State, a: dict) -> dict:
    row = s.get("w2_bookings", {}).get(a["booking"])
    if row is None:
        raise ToolFail(f"no booking {a['booking']}")
    row["status"] = a["status"]
    return {"ok": True, "booking": a["booking"], "status": a["status"]}


booking = Family(
    name="w2_booking",
    templates=["Confirm table booking {bid}", "Approve the table booking {bid}", "Cancel table booking {bid}"],
    fields={"bid": Field(r"BK\d{5}")},
    sample=sample_booking,
    plan=[
        Step("w2_booking_get", lambda p, r: {"booking": p["bid"]}),
        Step("w2_booking_set", lambda p, r: {"booking": p["bid"], "status": _bstatus(p)}),
    ],
    expect=lambda p, b: {"w2_bookings": {p["bid"]: {**b["w2_bookings"][p["bid"]], "status": _bstatus(p)}}},
    answer=lambda p, b: [_bstatus(p)],
    summary=lambda p, r: f"Booking {p['bid']} is now {_bstatus(p)}.",
)


# ------------------------------------------------------------------ w2_pump: a negated condition
def sample_pump(rng: random.Random, w: State, i: int) -> Params:
    pump = f"P{rng.randint(10, 99)}"
    level = rng.randint(5, 95)
    w.setdefault("w2_tanks", {})[pump] = {"pump": pump, "level_pct": level}
    return {"pump": pump, "rate": rng.randint(20, 180), "floor": rng.choice([20, 30, 40]), "wording": _wording(rng, 3)}


def _tank(s: State, a: dict) -> dict:
    row = s.get("w2_tanks", {}).get(a["pump"])
    if row is None:
        raise ToolFail(f"no pump {a['pump']}")
    return dict(row)


def _pump_runs(p: Params, b: State) -> bool:
    return p["wording"] != 2 or b["w2_tanks"][p["pump"]]["level_pct"] >= p["floor"]


pump = Family(
    name="w2_pump",
    templates=[
        "Run pump {pump} at {rate} litres per minute",
        "Start pump {pump}, {rate} litres per minute",
        "Pump {pump}: run it at {rate} litres per minute unless its tank is under {floor}%",
    ],
    fields={"pump": Field(r"P\d\d"), "rate": INT, "floor": INT},
    sample=sample_pump,
    plan=[
        Step("w2_tank", lambda p, r: {"pump": p["pump"]}),
        Step(
            "w2_pump_run",
            lambda p, r: {"pump": p["pump"], "lpm": p["rate"]},
            when=lambda p, r: p["wording"] != 2 or r["w2_tank"]["level_pct"] >= p["floor"],
        ),
    ],
    expect=lambda p, b: {"w2_pumps": {p["pump"]: {"pump": p["pump"], "lpm": p["rate"]}}} if _pump_runs(p, b) else {},
    answer=lambda p, b: [p["rate"]] if _pump_runs(p, b) else [b["w2_tanks"][p["pump"]]["level_pct"]],
    summary=lambda p, r: (
        f"Pump {p['pump']} running at {p['rate']} l/min."
        if "w2_pump_run" in r
        else f"Pump {p['pump']} not started: its tank is at {r['w2_tank']['level_pct']}%."
    ),
)


# ------------------------------------------------------------------ w2_seats: answers of other shapes
def sample_seats(rng: random.Random, w: State, i: int) -> Params:
    flight = f"{rng.choice(['KL', 'SK', 'TP', 'OS'])}{rng.randint(100, 999)}"
    seats = sorted(rng.sample([f"{r}{c}" for r in range(1, 30) for c in "ACDF"], rng.randint(2, 5)))
    w["tables"].setdefault("w2_seatmaps", {})[flight] = {"flight": flight, "free": seats}
    seat = rng.choice(seats) if rng.random() < 0.5 else f"{rng.randint(1, 29)}B"
    return {"flight": flight, "seat": seat, "wording": _wording(rng, 4)}


def _seats_answer(p: Params, b: State) -> list[Any]:
    free = b["tables"]["w2_seatmaps"][p["flight"]]["free"]
    if p["wording"] in (0, 1):
        return [len(free)]
    if p["wording"] == 2:
        return list(free)
    return ["yes" if p["seat"] in free else "no"]


def _seats_summary(p: Params, r: dict) -> str:
    free = r["w2_seatmap"]["free"]
    if p["wording"] in (0, 1):
        return f"{len(free)} seats are free on {p['flight']}."
    if p["wording"] == 2:
        return f"Free seats on {p['flight']}: {', '.join(free)}."
    return f"Seat {p['seat']} on {p['flight']} is {'free: yes' if p['seat'] in free else 'taken: no'}."


seats = Family(
    name="w2_seats",
    templates=[
        "How many seats are free on flight {flight}?",
        "Count the free seats on flight {flight}",
        "Which seats are free on flight {flight}?",
        "Is seat {seat} free on flight {flight}?",
    ],
    fields={"flight": Field(r"[A-Z]{2}\d{3}"), "seat": Field(r"\d{1,2}[A-F]")},
    sample=sample_seats,
    plan=[Step("w2_seatmap", lambda p, r: {"flight": p["flight"]})],
    expect=lambda p, b: {},
    answer=_seats_answer,
    summary=_seats_summary,
)


# ------------------------------------------------------------------ w2_feed: a quantity word
def sample_feed(rng: random.Random, w: State, i: int) -> Params:
    animal = rng.choice(["Juno", "Basil", "Kora", "Tilly", "Rafa", "Odin", "Mabel"]) + str(rng.randint(2, 9))
    w["tables"].setdefault("w2_rations", {})[animal] = {"animal": animal, "grams": rng.choice([150, 220, 300, 450])}
    return {"animal": animal, "wording": _wording(rng, 3)}


def _grams(p: Params, b: State) -> int:
    g = b["tables"]["w2_rations"][p["animal"]]["grams"]
    return g * 2 if p["wording"] == 2 else g


feed = Family(
    name="w2_feed",
    templates=[
        "Feed {animal} the charted ration",
        "Give {animal} its charted ration of food",
        "Feed {animal} a double charted ration",
    ],
    fields={"animal": Field(r"[A-Z][a-z]+\d")},
    sample=sample_feed,
    plan=[
        Step("w2_ration", lambda p, r: {"animal": p["animal"]}),
        Step(
            "w2_feed",
            lambda p, r: {"animal": p["animal"], "grams": r["w2_ration"]["grams"] * (2 if p["wording"] == 2 else 1)},
        ),
    ],
    expect=lambda p, b: {"w2_fed": [{"animal": p["animal"], "grams": _grams(p, b)}]},
    answer=lambda p, b: [_grams(p, b)],
    summary=lambda p, r: f"{p['animal']} fed {r['w2_feed']['grams']} g ({r['w2_feed']['ref']}).",
)


# ------------------------------------------------------------------ w2_kiln: absolute vs relative
def sample_kiln(rng: random.Random, w: State, i: int) -> Params:
    kiln = f"Kiln{rng.randint(1, 9)}"
    w.setdefault("w2_kilns", {})[kiln] = {"kiln": kiln, "celsius": rng.randint(600, 1000)}
    return {"kiln": kiln, "n": rng.randint(50, 300), "wording": _wording(rng, 3)}


def _kiln_get(s: State, a: dict) -> dict:
    row = s.get("w2_kilns", {}).get(a["kiln"])
    if row is None:
        raise ToolFail(f"no kiln {a['kiln']}")
    return dict(row)


def _kiln_target(p: Params, cur: int) -> int:
    return cur + p["n"] if p["wording"] == 2 else p["n"] * 4


kiln = Family(
    name="w2_kiln",
    templates=[
        "Fire {kiln} at {n} x 4 degrees",
        "Set {kiln} to four times {n} degrees",
        "Fire {kiln} {n} degrees hotter",
    ],
    fields={"kiln": Field(r"Kiln\d"), "n": INT},
    sample=sample_kiln,
    plan=[
        Step("w2_kiln_get", lambda p, r: {"kiln": p["kiln"]}),
        Step("w2_kiln_set", lambda p, r: {"kiln": p["kiln"], "celsius": _kiln_target(p, r["w2_kiln_get"]["celsius"])}),
    ],
    expect=lambda p, b: {
        "w2_kilns": {p["kiln"]: {"kiln": p["kiln"], "celsius": _kiln_target(p, b["w2_kilns"][p["kiln"]]["celsius"])}}
    },
    answer=lambda p, b: [_kiln_target(p, b["w2_kilns"][p["kiln"]]["celsius"])],
    summary=lambda p, r: f"{p['kiln']} set to {r['w2_kiln_set']['celsius']} C.",
)


# ------------------------------------------------------------------ w2_ferry: three wordings, one task
ROUTES = ["Oban-Mull", "Ullapool-Stornoway", "Largs-Cumbrae", "Mallaig-Skye"]


def sample_ferry(rng: random.Random, w: State, i: int) -> Params:
    route = rng.choice(ROUTES)
    w["tables"].setdefault("w2_fares", {})[route] = {"route": route, "fare": rng.choice([4.5, 7.2, 9.8, 12.25])}
    return {"route": route, "n": rng.randint(1, 9), "day": rng.randint(1, 28), "wording": _wording(rng, 3)}


def _ferry_total(p: Params, b: State) -> float:
    return round(b["tables"]["w2_fares"][p["route"]]["fare"] * p["n"], 2)


ferry = Family(
    name="w2_ferry",
    templates=[
        "Book the {route} ferry for {n} passengers on day {day}",
        "{n} passengers need the {route} ferry on day {day}: book it",
        "Reserve {n} seats on the {route} crossing, day {day}",
    ],
    fields={"route": Field(r"[A-Z][a-z]+-[A-Z][a-z]+"), "n": INT, "day": INT},
    sample=sample_ferry,
    plan=[
        Step("w2_ferry_fares", lambda p, r: {"route": p["route"]}),
        Step(
            "w2_ferry_book",
            lambda p, r: {
                "route": p["route"],
                "passengers": p["n"],
                "day": p["day"],
                "total": round(r["w2_ferry_fares"]["fare"] * p["n"], 2),
            },
        ),
    ],
    expect=lambda p, b: {
        "w2_ferries": [{"route": p["route"], "passengers": p["n"], "day": p["day"], "total": _ferry_total(p, b)}]
    },
    answer=lambda p, b: [_ferry_total(p, b)],
    summary=lambda p, r: f"Booked {p['n']} on the {p['route']} ferry, day {p['day']}: {r['w2_ferry_book']['total']}.",
)


TOOLS = {
    t.name: t
    for t in [
        Tool("w2_pallet", "A pallet's record: the rack it stands on.", {"pallet": str}, _pallet),
        Tool(
            "w2_move_pallet",
            "Move a pallet from one rack to another.",
            {"pallet": str, "from_rack": str, "to_rack": str},
            _move_pallet,
        ),
        Tool("w2_booking_get", "A table booking.", {"booking": str}, _booking_get),
        Tool("w2_booking_set", "Set a table booking's status.", {"booking": str, "status": str}, _booking_set),
        Tool("w2_tank", "The level of the tank a pump draws from (percent).", {"pump": str}, _tank),
        Tool(
            "w2_pump_run",
            "Run a pump at a rate in litres per minute.",
            {"pump": str, "lpm": int},
            _put("w2_pumps", "pump"),
        ),
        Tool("w2_seatmap", "A flight's free seats.", {"flight": str}, _table("w2_seatmaps", "flight")),
        Tool("w2_ration", "An animal's charted ration in grams.", {"animal": str}, _table("w2_rations", "animal")),
        Tool("w2_feed", "Record a feed given.", {"animal": str, "grams": int}, _log("w2_fed", "FD")),
        Tool("w2_kiln_get", "A kiln's current temperature.", {"kiln": str}, _kiln_get),
        Tool("w2_kiln_set", "Set a kiln's temperature in C.", {"kiln": str, "celsius": int}, _put("w2_kilns", "kiln")),
        Tool("w2_ferry_fares", "A ferry route's fare per passenger.", {"route": str}, _table("w2_fares", "route")),
        Tool(
            "w2_ferry_book",
            "Book a ferry crossing.",
            {"route": str, "passengers": int, "day": int, "total": float},
            _log("w2_ferries", "FY"),
        ),
    ]
}

FAMILIES = [crate, booking, pump, seats, feed, kiln, ferry]
