"""Held-out probe families, round U (issue 9): numbers, limits and several reads, on the frozen head.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h12_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout12.py --goals 8 --seed 7

Domains no other set used: a data centre (servers x watts added to a rack's draw against a hidden 80%
of its PDU), whale watching (the passengers booked, a list, plus a party against the boat's capacity),
rail signalling (a route's three track circuits against the three occupied ones of a plain-text box
report, with near-miss circuit names), bike sharing (two docks: bikes at the source, free slots at the
destination), a zoo (the diet read in step 1 picks the order tool of step 3; a share of the group's
weight), a trawler's quota (landed + catch against the quota; the share of the quota used), fire
hydrants (a plain-text inspection: a status, "not in service" as a near miss, and a flow limit), a
tattoo studio (18 years old on the session date), hotel linen (a count and a total of the ready bags of
a list), crop spraying (litres over hectares against the product label's maximum rate), festival
wristbands (issued once: an exact repeat must not issue a second) and mining haulage (engine hours
since the last service against the interval, both readings inside the ranges seen). Most traps keep
every number inside the ranges of the first three goals: only a sum, a difference, a count or a share
tells. Every oracle applies a hidden rule; the first four goals of a family never
cross it, later goals sometimes do.
"""

from __future__ import annotations

import datetime as dt
import os
import random
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
INT, NUM, CAPWORDS = fam.INT, fam.NUM, fam.CAPWORDS
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h12_rack": READ,
    "h12_power_on": WRITE,
    "h12_tour": READ,
    "h12_add_party": WRITE,
    "h12_route_info": READ,
    "h12_box_report": READ,
    "h12_set_route": IDEMPOTENT,
    "h12_dock": READ,
    "h12_move_bikes": WRITE,
    "h12_enclosure": READ,
    "h12_group_weight": READ,
    "h12_order_meat": WRITE,
    "h12_order_browse": WRITE,
    "h12_quota": READ,
    "h12_record_landing": WRITE,
    "h12_hydrant_log": READ,
    "h12_client": READ,
    "h12_book_session": WRITE,
    "h12_linen_bags": READ,
    "h12_field": READ,
    "h12_label": READ,
    "h12_log_spray": WRITE,
    "h12_ticket": READ,
    "h12_issue_wristband": WRITE,
    "h12_truck": READ,
    "h12_dispatch": WRITE,
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

    if getattr(Server.add_tool, "_h12_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h12_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(10000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _append(section: str, *keys: str, ack: str = "ok"):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"status": ack, "ref": f"{section[4:7].upper()}-{5000 + len(out)}"}

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


BASE = dt.date(2026, 12, 3)
FIRST = ["Maren", "Jonas", "Aiko", "Rafael", "Leila", "Bram", "Chiara", "Tobias", "Noor", "Elif", "Kofi", "Sunniva"]
LAST = ["Halvorsen", "Dube", "Castellanos", "Varga", "Oyelaran", "Fischer", "Marsh", "Quintero", "Sato", "Bergstrom"]


def _name(r: random.Random) -> str:
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def _r2(x: float) -> float:
    return round(x + 0.0, 2)


# ======================================== 1. data centre: servers x watts + the rack's draw against 80% of its PDU
PDUS = [11.0, 17.3, 22.0]


def sample_rack(rng: random.Random, w: State, i: int) -> Params:
    rack = _fresh(rng, w, "h12_racks", lambda r: f"R{r.randint(10, 48)}-{r.choice('ABCDEF')}")
    fixed = {0: (4, 450, 6.2, 17.3), 1: (6, 500, 7.5, 22.0), 2: (2, 800, 3.1, 11.0)}
    if i in fixed:
        n, watts, draw, cap = fixed[i]
    else:
        want = not _trap(i, rng)
        n, watts, draw, cap = _until(
            rng,
            # every number inside the ranges of the first three goals; a trap stays under 100% of the PDU
            lambda r: (r.randint(2, 6), r.randrange(450, 801, 50), round(r.uniform(3.1, 7.5), 1), r.choice(PDUS)),
            lambda v: draw_ok(v[2], v[0] * v[1] / 1000, v[3]) == want and v[2] + v[0] * v[1] / 1000 <= v[3],
        )
    w.setdefault("h12_racks", {})[rack] = {
        "rack": rack,
        "hall": f"Hall {rng.randint(1, 4)}",
        "pdu_capacity_kw": cap,
        "draw_kw": draw,
        "servers": rng.randint(12, 16),
    }
    return {"n": n, "watts": watts, "rack": rack}


def draw_ok(draw: float, add_kw: float, cap: float) -> bool:
    return _r2(draw + add_kw) <= _r2(0.8 * cap)


def _power_on(s: State, a: dict) -> dict:
    row = s.get("h12_racks", {}).get(a["rack"])
    if row is None:
        raise ToolFail(f"no rack {a['rack']}")
    row["draw_kw"] = _r2(row["draw_kw"] + a["kw"])
    row["servers"] = row["servers"] + a["servers"]
    s.setdefault("h12_power_ons", []).append({"rack": a["rack"], "servers": a["servers"], "kw": a["kw"]})
    return {"status": "powered on", "rack": a["rack"], "draw_kw": row["draw_kw"]}


def _kw(p: Params) -> float:
    return _r2(p["n"] * p["watts"] / 1000)


def _rack_expect(p: Params, b: State) -> dict:
    row = b["h12_racks"][p["rack"]]
    if not draw_ok(row["draw_kw"], _kw(p), row["pdu_capacity_kw"]):
        return {}
    new = {**row, "draw_kw": _r2(row["draw_kw"] + _kw(p)), "servers": row["servers"] + p["n"]}
    return {"h12_racks": {p["rack"]: new}, "h12_power_ons": [{"rack": p["rack"], "servers": p["n"], "kw": _kw(p)}]}


rack = Family(
    name="h12_rack",
    templates=["Power on {n} servers of {watts} W in rack {rack}"],
    fields={"n": INT, "watts": INT, "rack": Field(r"R\d{2}-[A-F]")},
    sample=sample_rack,
    plan=[
        Step("h12_rack", lambda p, r: {"rack": p["rack"]}),
        Step(
            "h12_power_on",
            lambda p, r: {"rack": p["rack"], "servers": p["n"], "kw": _kw(p)},
            when=lambda p, r: draw_ok(r["h12_rack"]["draw_kw"], _kw(p), r["h12_rack"]["pdu_capacity_kw"]),
        ),
    ],
    expect=_rack_expect,
    answer=lambda p, b: (
        ["powered on", _r2(b["h12_racks"][p["rack"]]["draw_kw"] + _kw(p))]
        if draw_ok(b["h12_racks"][p["rack"]]["draw_kw"], _kw(p), b["h12_racks"][p["rack"]]["pdu_capacity_kw"])
        else ["declined", _r2(b["h12_racks"][p["rack"]]["draw_kw"] + _kw(p))]
    ),
    summary=lambda p, r: (
        f"Powered on {p['n']} servers in rack {p['rack']}; its draw is now {_r2(r['h12_rack']['draw_kw'] + _kw(p))} kW."
        if "h12_power_on" in r
        else f"Declined: {p['n']} servers of {p['watts']} W would take rack {p['rack']} to "
        f"{_r2(r['h12_rack']['draw_kw'] + _kw(p))} kW, over 80% of its {r['h12_rack']['pdu_capacity_kw']} kW PDU."
    ),
)


# ======================================== 2. whale watching: the passengers booked (a list) + a party against the boat
BOATS = {"Orca Two": 12, "Minke": 10, "Sea Wren": 16}
TOUR_A = ["Sunset", "Morning", "Harbour", "Island", "Puffin", "Lighthouse", "Kelp", "Storm"]
TOUR_B = ["Bay", "Point", "Sound", "Reef", "Head"]


def sample_tour(rng: random.Random, w: State, i: int) -> Params:
    tour = _fresh(rng, w, "h12_tours", lambda r: f"{r.choice(TOUR_A)} {r.choice(TOUR_B)}")
    fixed = {0: (3, 2, "Orca Two"), 1: (4, 8, "Sea Wren"), 2: (2, 3, "Minke")}
    if i in fixed:
        n, booked, boat = fixed[i]
    else:
        want = not _trap(i, rng)
        n, booked, boat = _until(
            rng,
            lambda r: (r.randint(2, 4), r.randint(2, 8), r.choice(sorted(BOATS))),
            lambda v: (v[0] + v[1] <= BOATS[v[2]]) == want,
        )
    names = [f"{rng.choice(FIRST)} {rng.choice(LAST)[0]}." for _ in range(booked)]
    w.setdefault("h12_tours", {})[tour] = {
        "tour": tour,
        "boat": boat,
        "capacity": BOATS[boat],
        "departs": f"{rng.randint(7, 18):02d}:{rng.choice(['00', '30'])}",
        "passengers": names,
    }
    return {"n": n, "tour": tour, "lead": _name(rng)}


def _tour_ok(n: int, row: dict) -> bool:
    return len(row["passengers"]) + n <= row["capacity"]


def _party(lead: str, n: int) -> list[str]:
    return [lead] + [f"{lead} +{k}" for k in range(1, n)]


def _add_party(s: State, a: dict) -> dict:
    row = s.get("h12_tours", {}).get(a["tour"])
    if row is None:
        raise ToolFail(f"no tour {a['tour']}")
    row["passengers"] = row["passengers"] + _party(a["lead"], a["seats"])
    return {"status": "booked", "tour": a["tour"], "seats_left": row["capacity"] - len(row["passengers"])}


def _tour_expect(p: Params, b: State) -> dict:
    row = b["h12_tours"][p["tour"]]
    if not _tour_ok(p["n"], row):
        return {}
    return {"h12_tours": {p["tour"]: {**row, "passengers": row["passengers"] + _party(p["lead"], p["n"])}}}


def _seats_left(n: int, row: dict) -> int:
    return row["capacity"] - len(row["passengers"]) - n


tour = Family(
    name="h12_tour",
    templates=["Book {n} places on the {tour} whale-watching trip for {lead}"],
    fields={"n": INT, "tour": CAPWORDS, "lead": CAPWORDS},
    sample=sample_tour,
    plan=[
        Step("h12_tour", lambda p, r: {"tour": p["tour"]}),
        Step(
            "h12_add_party",
            lambda p, r: {"tour": p["tour"], "lead": p["lead"], "seats": p["n"]},
            when=lambda p, r: _tour_ok(p["n"], r["h12_tour"]),
        ),
    ],
    expect=_tour_expect,
    answer=lambda p, b: (
        ["booked", _seats_left(p["n"], b["h12_tours"][p["tour"]])]
        if _tour_ok(p["n"], b["h12_tours"][p["tour"]])
        else ["full", _seats_left(0, b["h12_tours"][p["tour"]])]
    ),
    summary=lambda p, r: (
        f"{p['n']} places booked on the {p['tour']} trip for {p['lead']}; "
        f"{_seats_left(p['n'], r['h12_tour'])} seats are left on the {r['h12_tour']['boat']}."
        if "h12_add_party" in r
        else f"Too full: the {r['h12_tour']['boat']} has only {_seats_left(0, r['h12_tour'])} seats left on the "
        f"{p['tour']} trip, not {p['n']}."
    ),
)


# ======================================== 3. rail signalling: a route's track circuits against the box's occupied list
BOX_A = ["Northgate", "Kelso", "Ashby", "Carrow", "Dunmere", "Felling", "Highbury", "Lindal"]
BOX_B = ["Junction", "Road", "Panel", "Yard"]


def _box_report(s: State, a: dict) -> str:
    row = s.get("h12_boxes", {}).get(a["box"])
    if row is None:
        raise ToolFail(f"no signal box {a['box']}")
    occ = ", ".join(row["occupied"]) if row["occupied"] else "none"
    return (
        f"{a['box']} signal box, {row['time']}: occupied track circuits {occ}. "
        f"Points {row['points']} reverse; {row['staff']} on duty."
    )


def _circuit(r: random.Random) -> str:
    return f"TC{r.randint(100, 899)}"


def sample_route(rng: random.Random, w: State, i: int) -> Params:
    route = _fresh(rng, w, "h12_routes", lambda r: f"{r.randint(1, 99)}{r.choice('ABCD')}")
    box_name = _fresh(rng, w, "h12_boxes", lambda r: f"{r.choice(BOX_A)} {r.choice(BOX_B)}")
    circuits = sorted(_until(rng, lambda r: {_circuit(r) for _ in range(3)}, lambda v: len(v) == 3))
    # three other circuits occupied, always; a near miss: a circuit whose name starts with one of the route's
    others = [rng.choice(circuits) + str(rng.randint(0, 9))]
    others += _until(rng, lambda r: [_circuit(r), _circuit(r)], lambda v: len(set(v + others + circuits)) == 6)
    if _trap(i, rng):
        others[rng.randrange(3)] = rng.choice(circuits)  # the list keeps its length: one of them is the route's
    rng.shuffle(others)
    w.setdefault("h12_routes", {})[route] = {
        "route": route,
        "box": box_name,
        "from": f"Platform {rng.randint(1, 8)}",
        "to": rng.choice(["Down Main", "Up Main", "Down Relief", "Up Goods Loop"]),
        "track_circuits": circuits,
    }
    w.setdefault("h12_boxes", {})[box_name] = {
        "occupied": others,
        "time": f"{rng.randint(5, 22):02d}:{rng.randrange(0, 60, 5):02d}",
        "points": rng.randint(10, 80),
        "staff": _name(rng),
    }
    train = f"{rng.randint(1, 9)}{rng.choice('ACHKLMS')}{rng.randint(10, 99)}"
    return {"route": route, "train": train}


def _occupied_in(text: str) -> list[str]:
    part = text.split("occupied track circuits ")[1].split(".")[0]
    return [] if part == "none" else part.split(", ")


def _route_clash(circuits: list[str], occupied: list[str]) -> str | None:
    hits = [c for c in circuits if c in occupied]
    return hits[0] if hits else None


def _route_clash_b(p: Params, b: State) -> str | None:
    row = b["h12_routes"][p["route"]]
    return _route_clash(row["track_circuits"], b["h12_boxes"][row["box"]]["occupied"])


def _set_route(s: State, a: dict) -> dict:
    s.setdefault("h12_set_routes", {})[a["route"]] = a["train"]
    return {"route": a["route"], "train": a["train"], "status": "route set"}


route = Family(
    name="h12_route",
    templates=["Set route {route} for train {train}"],
    fields={"route": Field(r"\d{1,2}[A-D]"), "train": Field(r"\d[A-Z]\d{2}")},
    sample=sample_route,
    plan=[
        Step("h12_route_info", lambda p, r: {"route": p["route"]}),
        Step("h12_box_report", lambda p, r: {"box": r["h12_route_info"]["box"]}),
        Step(
            "h12_set_route",
            lambda p, r: {"route": p["route"], "train": p["train"]},
            when=lambda p, r: (
                _route_clash(r["h12_route_info"]["track_circuits"], _occupied_in(r["h12_box_report"])) is None
            ),
        ),
    ],
    expect=lambda p, b: {"h12_set_routes": {p["route"]: p["train"]}} if _route_clash_b(p, b) is None else {},
    answer=lambda p, b: ["route set"] if _route_clash_b(p, b) is None else ["occupied", _route_clash_b(p, b)],
    summary=lambda p, r: (
        f"Route set: route {p['route']} is set for train {p['train']}."
        if "h12_set_route" in r
        else f"Route {p['route']} not set for train {p['train']}: track circuit "
        f"{_route_clash(r['h12_route_info']['track_circuits'], _occupied_in(r['h12_box_report']))} is occupied."
    ),
)


# ======================================== 4. bike sharing: bikes at the source, free slots at the destination
STREETS_A = ["Canal", "Market", "Station", "Abbey", "Harbour", "Mill", "Castle", "Orchard", "Bridge", "Chapel"]
STREETS_B = ["Street", "Square", "Road", "Lane", "Quay", "Walk"]


def _dock_name(r: random.Random) -> str:
    return f"{r.choice(STREETS_A)} {r.choice(STREETS_B)}"


def sample_bikes(rng: random.Random, w: State, i: int) -> Params:
    src = _fresh(rng, w, "h12_docks", _dock_name)
    w.setdefault("h12_docks", {})[src] = {}
    dst = _fresh(rng, w, "h12_docks", _dock_name)
    fixed = {0: (6, 14, 4, 20), 1: (8, 25, 12, 30), 2: (3, 9, 9, 16)}
    if i in fixed:
        n, have, there, slots = fixed[i]
    else:
        want = not _trap(i, rng)
        n, have, there, slots = _until(
            rng,
            lambda r: (r.randint(3, 8), r.randint(9, 25), r.randint(4, 12), r.choice([16, 20, 24, 30])),
            lambda v: v[2] <= v[3] and _bikes_ok(v[0], v[1], v[2], v[3]) == want,
        )
    w["h12_docks"][src] = {"dock": src, "bikes": have, "slots": rng.choice([16, 20, 24, 30, 36]), "zone": "Centre"}
    w["h12_docks"][src]["slots"] = max(w["h12_docks"][src]["slots"], have)
    w["h12_docks"][dst] = {"dock": dst, "bikes": there, "slots": slots, "zone": rng.choice(["Centre", "East", "West"])}
    return {"n": n, "src": src, "dst": dst}


def _bikes_ok(n: int, have: int, there: int, slots: int) -> bool:
    return n <= have and there + n <= slots


def _bikes_ok_b(p: Params, b: State) -> bool:
    s, d = b["h12_docks"][p["src"]], b["h12_docks"][p["dst"]]
    return _bikes_ok(p["n"], s["bikes"], d["bikes"], d["slots"])


def _move_bikes(s: State, a: dict) -> dict:
    docks = s.get("h12_docks", {})
    for k in ("from_dock", "to_dock"):
        if a[k] not in docks:
            raise ToolFail(f"no dock {a[k]}")
    if docks[a["from_dock"]]["bikes"] < a["bikes"]:
        raise ToolFail(f"only {docks[a['from_dock']]['bikes']} bikes at {a['from_dock']}")
    docks[a["from_dock"]]["bikes"] -= a["bikes"]
    docks[a["to_dock"]]["bikes"] += a["bikes"]
    return {"status": "moved", "to_dock": a["to_dock"], "bikes_there": docks[a["to_dock"]]["bikes"]}


def _bikes_expect(p: Params, b: State) -> dict:
    if not _bikes_ok_b(p, b):
        return {}
    s, d = b["h12_docks"][p["src"]], b["h12_docks"][p["dst"]]
    return {"h12_docks": {p["src"]: {**s, "bikes": s["bikes"] - p["n"]}, p["dst"]: {**d, "bikes": d["bikes"] + p["n"]}}}


bikes = Family(
    name="h12_bikes",
    templates=["Move {n} bikes from the {src} dock to the {dst} dock"],
    fields={"n": INT, "src": CAPWORDS, "dst": CAPWORDS},
    sample=sample_bikes,
    plan=[
        Step("h12_dock", lambda p, r: {"dock": p["src"]}, key="src", group="g"),
        Step("h12_dock", lambda p, r: {"dock": p["dst"]}, key="dst", group="g"),
        Step(
            "h12_move_bikes",
            lambda p, r: {"from_dock": p["src"], "to_dock": p["dst"], "bikes": p["n"]},
            when=lambda p, r: _bikes_ok(p["n"], r["src"]["bikes"], r["dst"]["bikes"], r["dst"]["slots"]),
        ),
    ],
    expect=_bikes_expect,
    answer=lambda p, b: ["moved", b["h12_docks"][p["dst"]]["bikes"] + p["n"]] if _bikes_ok_b(p, b) else ["declined"],
    summary=lambda p, r: (
        f"Moved {p['n']} bikes from {p['src']} to {p['dst']}; {p['dst']} now has {r['dst']['bikes'] + p['n']} bikes."
        if "h12_move_bikes" in r
        else f"Declined: {p['src']} has {r['src']['bikes']} bikes and {p['dst']} has "
        f"{r['dst']['slots'] - r['dst']['bikes']} free slots, not enough to move {p['n']} bikes."
    ),
)


# ======================================== 5. zoo: the diet read in step 1 picks the order tool; a share of the weight
CARNIVORES = ["Snow Leopard", "Red Wolf", "Fishing Cat", "Maned Wolf", "Clouded Leopard"]
HERBIVORES = ["Red Kangaroo", "Pygmy Hippo", "Bactrian Camel", "Mountain Tapir"]
SHARE = {"carnivore": 0.04, "herbivore": 0.02}


def sample_feed(rng: random.Random, w: State, i: int) -> Params:
    enc = _fresh(rng, w, "h12_enclosures", lambda r: f"E{r.randint(10, 99)}")
    herb = _trap(i, rng)
    species = rng.choice(HERBIVORES if herb else CARNIVORES)
    animals = rng.randint(1, 5)
    total = animals * rng.randint(15, 90) if not herb else animals * rng.randint(60, 300)
    w.setdefault("h12_enclosures", {})[enc] = {
        "enclosure": enc,
        "species": species,
        "diet": "herbivore" if herb else "carnivore",
        "animals": animals,
        "keeper": _name(rng),
    }
    w.setdefault("h12_weights", {})[enc] = {
        "enclosure": enc,
        "total_weight_kg": total,
        "weighed": (BASE - dt.timedelta(days=rng.randint(1, 20))).isoformat(),
    }
    return {"enc": enc}


def _feed_kg(diet: str, total: float) -> float:
    return round_half_up(total * SHARE[diet], 1)


def _feed_b(p: Params, b: State) -> tuple[str, float]:
    diet = b["h12_enclosures"][p["enc"]]["diet"]
    return diet, _feed_kg(diet, b["h12_weights"][p["enc"]]["total_weight_kg"])


def _feed_r(r: dict) -> float:
    return _feed_kg(r["h12_enclosure"]["diet"], r["h12_group_weight"]["total_weight_kg"])


feed = Family(
    name="h12_feed",
    templates=["Order tomorrow's feed for enclosure {enc}"],
    fields={"enc": Field(r"E\d{2}")},
    sample=sample_feed,
    plan=[
        Step("h12_enclosure", lambda p, r: {"enclosure": p["enc"]}),
        Step("h12_group_weight", lambda p, r: {"enclosure": p["enc"]}),
        Step(
            "h12_order_meat",
            lambda p, r: {"enclosure": p["enc"], "kg": _feed_r(r)},
            when=lambda p, r: r["h12_enclosure"]["diet"] == "carnivore",
        ),
        Step(
            "h12_order_browse",
            lambda p, r: {"enclosure": p["enc"], "kg": _feed_r(r)},
            when=lambda p, r: r["h12_enclosure"]["diet"] == "herbivore",
        ),
    ],
    expect=lambda p, b: {
        ("h12_meat_orders" if _feed_b(p, b)[0] == "carnivore" else "h12_browse_orders"): [
            {"enclosure": p["enc"], "kg": _feed_b(p, b)[1]}
        ]
    },
    answer=lambda p, b: [_feed_b(p, b)[1], "meat" if _feed_b(p, b)[0] == "carnivore" else "browse"],
    summary=lambda p, r: (
        f"Ordered {_feed_r(r)} kg of {'meat' if r['h12_enclosure']['diet'] == 'carnivore' else 'browse'} for "
        f"enclosure {p['enc']} ({r['h12_enclosure']['animals']} x {r['h12_enclosure']['species']})."
    ),
)


# ======================================== 6. trawler quota: landed + catch against the quota; share used
VESSELS = ["Morning Star", "Sea Harvest", "Northern Light", "Good Hope", "Silver Dawn", "Ocean Reaper", "Kestrel"]
SPECIES = ["Atlantic Cod", "Haddock", "Saithe", "Monkfish", "Hake"]


def sample_landing(rng: random.Random, w: State, i: int) -> Params:
    def key(r: random.Random) -> str:
        return f"{r.choice(VESSELS)}/{r.choice(SPECIES)}"

    k = _fresh(rng, w, "h12_quotas", key)
    vessel, species = k.split("/")
    fixed = {0: (1200, 40000, 31250), 1: (3500, 25000, 12000), 2: (800, 18000, 16400)}
    if i in fixed:
        kg, quota, landed = fixed[i]
    else:
        want = not _trap(i, rng)
        kg, quota, landed = _until(
            rng,
            lambda r: (r.randrange(800, 3501, 50), r.randrange(18000, 40001, 1000), r.randrange(12000, 31251, 50)),
            lambda v: v[2] < v[1] and (v[0] + v[2] <= v[1]) == want and not is_tie((v[0] + v[2]) / v[1] * 100, 1),
        )
    w.setdefault("h12_quotas", {})[k] = {
        "vessel": vessel,
        "species": species,
        "quota_kg": quota,
        "landed_kg": landed,
        "year": 2026,
    }
    return {"kg": kg, "species": species, "vessel": vessel}


def _quota(s: State, a: dict) -> dict:
    row = s.get("h12_quotas", {}).get(f"{a['vessel']}/{a['species']}")
    if row is None:
        raise ToolFail(f"no {a['species']} quota for {a['vessel']}")
    return row


def _record_landing(s: State, a: dict) -> dict:
    row = _quota(s, a)
    row["landed_kg"] = row["landed_kg"] + a["kg"]
    s.setdefault("h12_landings", []).append({"vessel": a["vessel"], "species": a["species"], "kg": a["kg"]})
    return {"status": "recorded", "landed_kg": row["landed_kg"]}


def _used_pct(kg: int, row: dict) -> float:
    return round_half_up((row["landed_kg"] + kg) / row["quota_kg"] * 100, 1)


def _qrow(p: Params, b: State) -> dict:
    return b["h12_quotas"][f"{p['vessel']}/{p['species']}"]


def _landing_expect(p: Params, b: State) -> dict:
    row = _qrow(p, b)
    if row["landed_kg"] + p["kg"] > row["quota_kg"]:
        return {}
    k = f"{p['vessel']}/{p['species']}"
    return {
        "h12_quotas": {k: {**row, "landed_kg": row["landed_kg"] + p["kg"]}},
        "h12_landings": [{"vessel": p["vessel"], "species": p["species"], "kg": p["kg"]}],
    }


landing = Family(
    name="h12_landing",
    templates=["Record a landing of {kg} kg of {species} by the trawler {vessel}"],
    fields={"kg": INT, "species": CAPWORDS, "vessel": CAPWORDS},
    sample=sample_landing,
    plan=[
        Step("h12_quota", lambda p, r: {"vessel": p["vessel"], "species": p["species"]}),
        Step(
            "h12_record_landing",
            lambda p, r: {"vessel": p["vessel"], "species": p["species"], "kg": p["kg"]},
            when=lambda p, r: r["h12_quota"]["landed_kg"] + p["kg"] <= r["h12_quota"]["quota_kg"],
        ),
    ],
    expect=_landing_expect,
    answer=lambda p, b: (
        ["landing recorded", _used_pct(p["kg"], _qrow(p, b))]
        if _qrow(p, b)["landed_kg"] + p["kg"] <= _qrow(p, b)["quota_kg"]
        else ["refused", _qrow(p, b)["quota_kg"] - _qrow(p, b)["landed_kg"]]
    ),
    summary=lambda p, r: (
        f"Landing recorded: {p['kg']} kg of {p['species']} by {p['vessel']}; "
        f"{_used_pct(p['kg'], r['h12_quota'])}% of its {p['species']} quota is now used."
        if "h12_record_landing" in r
        else f"Refused: {p['vessel']} has only {r['h12_quota']['quota_kg'] - r['h12_quota']['landed_kg']} kg of its "
        f"{p['species']} quota left, less than {p['kg']} kg."
    ),
)


# ======================================== 7. fire hydrants: a question answered from a plain-text inspection log
def _hydrant_log(s: State, a: dict) -> str:
    row = s.get("h12_hydrants", {}).get(a["street"])
    if row is None:
        raise ToolFail(f"no hydrant on {a['street']}")
    return (
        f"Hydrant {row['id']} at {a['street']}, inspected {row['inspected']} by {row['crew']}: "
        f"status {row['status']}; flow {row['flow']} l/min at {row['bar']} bar."
    )


def sample_hydrant(rng: random.Random, w: State, i: int) -> Params:
    street = _fresh(rng, w, "h12_hydrants", lambda r: f"{r.choice(STREETS_A)} {r.choice(['Lane', 'Road', 'Row'])}")
    status, flow = "in service", rng.randrange(1100, 2401, 10)
    if _trap(i, rng):
        if rng.random() < 0.6:
            status = rng.choice(["not in service (valve seized)", "not in service, awaiting repair"])
        else:
            flow = rng.randrange(600, 991, 10)
    w.setdefault("h12_hydrants", {})[street] = {
        "id": f"H-{rng.randint(1000, 9999)}",
        "inspected": (BASE - dt.timedelta(days=rng.randint(3, 80))).isoformat(),
        "crew": rng.choice(["Blue Watch", "Red Watch", "White Watch"]),
        "status": status,
        "flow": flow,
        "bar": round(rng.uniform(2.2, 4.0), 1),
    }
    return {"street": street}


def _hydrant_ok(row: dict) -> bool:
    return row["status"] == "in service" and row["flow"] >= 1000


def _hydrant_ok_r(text: str) -> bool:
    status = text.split("status ")[1].split(";")[0]
    flow = int(text.split("flow ")[1].split(" l/min")[0])
    return status == "in service" and flow >= 1000


hydrant = Family(
    name="h12_hydrant",
    templates=["Can the fire crews use the hydrant at {street}?"],
    fields={"street": CAPWORDS},
    sample=sample_hydrant,
    plan=[Step("h12_hydrant_log", lambda p, r: {"street": p["street"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: (
        ["in service", b["h12_hydrants"][p["street"]]["flow"]]
        if _hydrant_ok(b["h12_hydrants"][p["street"]])
        else ["unusable"]
    ),
    summary=lambda p, r: (
        f"Yes: the hydrant at {p['street']} is in service, with a flow of "
        f"{r['h12_hydrant_log'].split('flow ')[1].split(' l/min')[0]} l/min."
        if _hydrant_ok_r(r["h12_hydrant_log"])
        else f"No: the hydrant at {p['street']} is unusable for the crews (its last inspection fails the "
        f"service or flow requirement)."
    ),
)


# ======================================== 8. tattoo studio: the client must be 18 on the session date
def sample_tattoo(rng: random.Random, w: State, i: int) -> Params:
    client = _fresh(rng, w, "h12_clients", _name)
    day = BASE + dt.timedelta(days=rng.randint(3, 60))
    if _trap(i, rng):
        eighteenth = day + dt.timedelta(days=rng.randint(1, 40))
    else:
        eighteenth = day - dt.timedelta(days=rng.randint(40, 8000) if i < 4 else rng.randint(0, 8000))
    try:
        dob = eighteenth.replace(year=eighteenth.year - 18)
    except ValueError:  # 29 February
        dob = eighteenth.replace(year=eighteenth.year - 18, day=28)
    w.setdefault("h12_clients", {})[client] = {
        "client": client,
        "date_of_birth": dob.isoformat(),
        "phone": f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        "consent_form": "signed",
    }
    return {"client": client, "date": day.isoformat()}


def _adult_on(dob: str, day: str) -> bool:
    b, d = dt.date.fromisoformat(dob), dt.date.fromisoformat(day)
    return (d.year - b.year - ((d.month, d.day) < (b.month, b.day))) >= 18


def _eighteenth(dob: str) -> str:
    b = dt.date.fromisoformat(dob)
    try:
        return b.replace(year=b.year + 18).isoformat()
    except ValueError:
        return dt.date(b.year + 18, 3, 1).isoformat()


def _tattoo_ok(p: Params, b: State) -> bool:
    return _adult_on(b["h12_clients"][p["client"]]["date_of_birth"], p["date"])


tattoo = Family(
    name="h12_tattoo",
    templates=["Book {client}'s tattoo session on {date}"],
    fields={"client": CAPWORDS, "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_tattoo,
    plan=[
        Step("h12_client", lambda p, r: {"client": p["client"]}),
        Step(
            "h12_book_session",
            lambda p, r: {"client": p["client"], "date": p["date"]},
            when=lambda p, r: _adult_on(r["h12_client"]["date_of_birth"], p["date"]),
        ),
    ],
    expect=lambda p, b: {"h12_sessions": [{"client": p["client"], "date": p["date"]}]} if _tattoo_ok(p, b) else {},
    answer=lambda p, b: (
        ["booked", p["date"]]
        if _tattoo_ok(p, b)
        else ["declined", _eighteenth(b["h12_clients"][p["client"]]["date_of_birth"])]
    ),
    summary=lambda p, r: (
        f"{p['client']}'s tattoo session is booked on {p['date']}."
        if "h12_book_session" in r
        else f"Declined: {p['client']} turns 18 only on {_eighteenth(r['h12_client']['date_of_birth'])}, "
        f"after {p['date']}."
    ),
)


# ======================================== 9. hotel linen: a count and a total over the ready bags of a list
def sample_linen(rng: random.Random, w: State, i: int) -> Params:
    floor = _fresh(rng, w, "h12_linen", lambda r: str(r.randint(2, 40)))
    n = rng.randint(2, 7)
    bags = []
    for k in range(n):
        status = "ready"
        if i >= 4 and rng.random() < 0.35:
            status = rng.choice(["still being filled", "held: stained with paint", "ready tomorrow"])
        bags.append({"bag": f"B-{floor}{k + 1:02d}", "status": status, "kg": round(rng.uniform(4.0, 12.0), 1)})
    w.setdefault("h12_linen", {})[floor] = {"floor": int(floor), "bags": bags, "housekeeper": _name(rng)}
    return {"floor": int(floor)}


def _ready(bags: list[dict]) -> list[dict]:
    return [x for x in bags if x["status"] == "ready"]


def _ready_kg(bags: list[dict]) -> float:
    return round_half_up(sum(x["kg"] for x in _ready(bags)), 1)


linen = Family(
    name="h12_linen",
    templates=["How many linen bags on floor {floor} are ready for collection, and how heavy are they?"],
    fields={"floor": INT},
    sample=sample_linen,
    plan=[Step("h12_linen_bags", lambda p, r: {"floor": p["floor"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [
        len(_ready(b["h12_linen"][str(p["floor"])]["bags"])),
        _ready_kg(b["h12_linen"][str(p["floor"])]["bags"]),
    ],
    summary=lambda p, r: (
        f"{len(_ready(r['h12_linen_bags']['bags']))} bags on floor {p['floor']} are ready for collection, "
        f"{_ready_kg(r['h12_linen_bags']['bags'])} kg in all."
    ),
)


# ======================================== 10. crop spraying: litres over hectares against the label's maximum rate
FIELDS_A = ["Long", "North", "Church", "Far", "Lower", "Windmill", "Home", "Top"]
FIELDS_B = ["Acre", "Meadow", "Close", "Furlong", "Piece", "Ground"]
LABELS = {"Fungex Plus": 1.5, "Weedaway": 3.0, "Aphix": 0.6, "Stemguard": 2.25}
AREAS = [4, 5, 10, 12.5, 20, 25]


def sample_spray(rng: random.Random, w: State, i: int) -> Params:
    fld = _fresh(rng, w, "h12_fields", lambda r: f"{r.choice(FIELDS_A)} {r.choice(FIELDS_B)}")
    fixed = {0: ("Weedaway", 20, 50), 1: ("Fungex Plus", 12.5, 15), 2: ("Aphix", 25, 12)}
    if i in fixed:
        product, area, litres = fixed[i]
    else:
        want = not _trap(i, rng)
        product, area, litres = _until(
            rng,
            lambda r: (r.choice(sorted(LABELS)), r.choice(AREAS[3:]), r.randint(12, 50)),
            lambda v: (_rate(v[2], v[1]) <= LABELS[v[0]]) == want,
        )
    w.setdefault("h12_fields", {})[fld] = {
        "field": fld,
        "area_ha": area,
        "crop": rng.choice(["wheat", "barley", "oilseed rape"]),
    }
    for name, mx in LABELS.items():
        w.setdefault("h12_labels", {})[name] = {"product": name, "max_rate_l_per_ha": mx, "interval_days": 14}
    return {"litres": litres, "product": product, "field": fld}


def _rate(litres: float, area: float) -> float:
    return round_half_up(litres / area, 2)


def _spray_ok_b(p: Params, b: State) -> bool:
    return (
        _rate(p["litres"], b["h12_fields"][p["field"]]["area_ha"]) <= b["h12_labels"][p["product"]]["max_rate_l_per_ha"]
    )


spray = Family(
    name="h12_spray",
    templates=["Spray {litres} litres of {product} on the {field} field"],
    fields={"litres": INT, "product": CAPWORDS, "field": CAPWORDS},
    sample=sample_spray,
    plan=[
        Step("h12_field", lambda p, r: {"field": p["field"]}, group="g"),
        Step("h12_label", lambda p, r: {"product": p["product"]}, group="g"),
        Step(
            "h12_log_spray",
            lambda p, r: {"field": p["field"], "product": p["product"], "litres": p["litres"]},
            when=lambda p, r: _rate(p["litres"], r["h12_field"]["area_ha"]) <= r["h12_label"]["max_rate_l_per_ha"],
        ),
    ],
    expect=lambda p, b: (
        {"h12_sprays": [{"field": p["field"], "product": p["product"], "litres": p["litres"]}]}
        if _spray_ok_b(p, b)
        else {}
    ),
    answer=lambda p, b: (
        ["sprayed", _rate(p["litres"], b["h12_fields"][p["field"]]["area_ha"])]
        if _spray_ok_b(p, b)
        else ["stopped", _rate(p["litres"], b["h12_fields"][p["field"]]["area_ha"])]
    ),
    summary=lambda p, r: (
        f"Sprayed {p['litres']} litres of {p['product']} on the {p['field']} field: "
        f"{_rate(p['litres'], r['h12_field']['area_ha'])} l/ha."
        if "h12_log_spray" in r
        else f"Stopped: {p['litres']} litres on {r['h12_field']['area_ha']} ha is "
        f"{_rate(p['litres'], r['h12_field']['area_ha'])} l/ha, above the {p['product']} label maximum of "
        f"{r['h12_label']['max_rate_l_per_ha']} l/ha."
    ),
)


# ======================================== 11. festival wristbands: issued once (an exact repeat must not issue another)
def sample_wristband(rng: random.Random, w: State, i: int) -> Params:
    tickets = w.setdefault("h12_tickets", {})
    mine = w["tables"].setdefault("h12_holders", []) if "tables" in w else []
    if _trap(i, rng):
        if mine and rng.random() < 0.6:
            return {"holder": rng.choice(mine)}  # asked again: the first goal issued it
        holder = _fresh(rng, w, "h12_tickets", _name)
        band = f"WB-{rng.randint(1000, 4999)}"  # collected at the gate already
    else:
        holder, band = _fresh(rng, w, "h12_tickets", _name), None
    tickets[holder] = {
        "holder": holder,
        "ticket": f"TK-{rng.randint(100000, 999999)}",
        "type": rng.choice(["weekend", "weekend camping", "Saturday"]),
        "wristband": band,
    }
    mine.append(holder)
    return {"holder": holder}


def _issue(s: State, a: dict) -> dict:
    row = s.get("h12_tickets", {}).get(a["holder"])
    if row is None:
        raise ToolFail(f"no ticket for {a['holder']}")
    out = s.setdefault("h12_issued", [])
    band = f"WB-{6001 + len(out)}"
    out.append({"holder": a["holder"], "ticket": a["ticket"], "wristband": band})
    row["wristband"] = band
    return {"status": "issued", "wristband": band}


def _band_expect(p: Params, b: State) -> dict:
    row = b["h12_tickets"][p["holder"]]
    if row["wristband"]:
        return {}
    band = f"WB-{6001 + len(b.get('h12_issued', []))}"
    return {
        "h12_tickets": {p["holder"]: {**row, "wristband": band}},
        "h12_issued": [{"holder": p["holder"], "ticket": row["ticket"], "wristband": band}],
    }


def _band_answer(p: Params, b: State) -> list:
    row = b["h12_tickets"][p["holder"]]
    if row["wristband"]:
        return ["already", row["wristband"]]
    return ["issued", f"WB-{6001 + len(b.get('h12_issued', []))}"]


wristband = Family(
    name="h12_wristband",
    templates=["Issue a festival wristband to ticket holder {holder}"],
    fields={"holder": CAPWORDS},
    sample=sample_wristband,
    plan=[
        Step("h12_ticket", lambda p, r: {"holder": p["holder"]}),
        Step(
            "h12_issue_wristband",
            lambda p, r: {"holder": p["holder"], "ticket": r["h12_ticket"]["ticket"]},
            when=lambda p, r: not r["h12_ticket"]["wristband"],
        ),
    ],
    expect=_band_expect,
    answer=_band_answer,
    summary=lambda p, r: (
        f"Wristband {r['h12_issue_wristband']['wristband']} issued to {p['holder']}."
        if "h12_issue_wristband" in r
        else f"{p['holder']} already has wristband {r['h12_ticket']['wristband']}; no second one issued."
    ),
    repeats=False,
)


# ======================================== 12. mining haulage: engine hours since the last service against the interval
PITS = ["East Pit", "West Pit", "Deep Cut", "North Bench"]


def sample_haul(rng: random.Random, w: State, i: int) -> Params:
    truck = _fresh(rng, w, "h12_trucks", lambda r: f"HT-{r.randint(10, 99)}")
    fixed = {0: (12000, 12450), 1: (12600, 12700), 2: (12300, 12780)}
    if i in fixed:
        last, engine = fixed[i]
    else:
        want = not _trap(i, rng)
        # both readings inside the ranges of the first three goals: only their difference tells
        last, engine = _until(
            rng,
            lambda r: (r.randrange(12000, 12601, 10), r.randrange(12450, 12781, 10)),
            lambda v: v[1] > v[0] and (v[1] - v[0] < 500) == want,
        )
    w.setdefault("h12_trucks", {})[truck] = {
        "truck": truck,
        "model": rng.choice(["CAT 793F", "Komatsu 830E"]),
        "engine_hours": engine,
        "last_service_hours": last,
        "service_interval_h": 500,
        "payload_t": 220,
    }
    return {"truck": truck, "pit": PITS[i % 4] if i < 4 else rng.choice(PITS)}


def _haul_ok(t: dict) -> bool:
    return t["engine_hours"] - t["last_service_hours"] < t["service_interval_h"]


def _hours_left(t: dict) -> int:
    return t["last_service_hours"] + t["service_interval_h"] - t["engine_hours"]


haul = Family(
    name="h12_haul",
    templates=["Send haul truck {truck} to the {pit}"],
    fields={"truck": Field(r"HT-\d{2}"), "pit": CAPWORDS},
    sample=sample_haul,
    plan=[
        Step("h12_truck", lambda p, r: {"truck": p["truck"]}),
        Step(
            "h12_dispatch",
            lambda p, r: {"truck": p["truck"], "pit": p["pit"]},
            when=lambda p, r: _haul_ok(r["h12_truck"]),
        ),
    ],
    expect=lambda p, b: (
        {"h12_dispatches": [{"truck": p["truck"], "pit": p["pit"]}]} if _haul_ok(b["h12_trucks"][p["truck"]]) else {}
    ),
    answer=lambda p, b: (
        ["dispatched", _hours_left(b["h12_trucks"][p["truck"]])]
        if _haul_ok(b["h12_trucks"][p["truck"]])
        else ["service due", -_hours_left(b["h12_trucks"][p["truck"]])]
    ),
    summary=lambda p, r: (
        f"Haul truck {p['truck']} dispatched to the {p['pit']}; {_hours_left(r['h12_truck'])} engine hours are "
        f"left until its next service."
        if "h12_dispatch" in r
        else f"Kept back: haul truck {p['truck']} has its service due, {-_hours_left(r['h12_truck'])} engine hours "
        f"past its 500-hour interval."
    ),
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h12_rack",
            "A data-centre rack: its PDU capacity and current power draw (kW).",
            {"rack": str},
            _row("h12_racks", "rack", "rack"),
        ),
        Tool(
            "h12_power_on",
            "Power on servers in a rack, adding their load (kW) to its draw.",
            {"rack": str, "servers": int, "kw": float},
            _power_on,
        ),
        Tool(
            "h12_tour",
            "A whale-watching trip: its boat, capacity and the passengers booked.",
            {"tour": str},
            _row("h12_tours", "tour", "tour"),
        ),
        Tool(
            "h12_add_party",
            "Book places on a whale-watching trip for a party under a lead name.",
            {"tour": str, "lead": str, "seats": int},
            _add_party,
        ),
        Tool(
            "h12_route_info",
            "A signalling route: its signal box and track circuits.",
            {"route": str},
            _row("h12_routes", "route", "route"),
        ),
        Tool("h12_box_report", "The live report of a signal box (plain text).", {"box": str}, _box_report),
        Tool("h12_set_route", "Set a route for a train.", {"route": str, "train": str}, _set_route),
        Tool(
            "h12_dock", "A bike-share dock: bikes parked and slots.", {"dock": str}, _row("h12_docks", "dock", "dock")
        ),
        Tool(
            "h12_move_bikes",
            "Move bikes from one dock to another by van.",
            {"from_dock": str, "to_dock": str, "bikes": int},
            _move_bikes,
        ),
        Tool(
            "h12_enclosure",
            "A zoo enclosure: species, diet and number of animals.",
            {"enclosure": str},
            _row("h12_enclosures", "enclosure", "enclosure"),
        ),
        Tool(
            "h12_group_weight",
            "The last weighing of an enclosure's animals (total kg).",
            {"enclosure": str},
            _row("h12_weights", "enclosure", "enclosure"),
        ),
        Tool(
            "h12_order_meat",
            "Order meat (kg) from the zoo kitchen for an enclosure.",
            {"enclosure": str, "kg": float},
            _append("h12_meat_orders", "enclosure", "kg"),
        ),
        Tool(
            "h12_order_browse",
            "Order browse and hay (kg) from the zoo kitchen for an enclosure.",
            {"enclosure": str, "kg": float},
            _append("h12_browse_orders", "enclosure", "kg"),
        ),
        Tool(
            "h12_quota",
            "A trawler's annual quota of a species and what it has landed (kg).",
            {"vessel": str, "species": str},
            _quota,
        ),
        Tool(
            "h12_record_landing",
            "Record a landing of fish (kg) against a trawler's quota.",
            {"vessel": str, "species": str, "kg": int},
            _record_landing,
        ),
        Tool(
            "h12_hydrant_log",
            "The last inspection of the fire hydrant on a street (plain text).",
            {"street": str},
            _hydrant_log,
        ),
        Tool(
            "h12_client",
            "A tattoo studio client's record.",
            {"client": str},
            _row("h12_clients", "client", "client"),
        ),
        Tool(
            "h12_book_session",
            "Book a tattoo session for a client on a date.",
            {"client": str, "date": str},
            _append("h12_sessions", "client", "date", ack="booked"),
        ),
        Tool(
            "h12_linen_bags",
            "The linen bags on a hotel floor, with their status and weight.",
            {"floor": int},
            lambda s, a: _row("h12_linen", "floor", "floor")(s, {"floor": str(a["floor"])}),
        ),
        Tool("h12_field", "A farm field: area (ha) and crop.", {"field": str}, _row("h12_fields", "field", "field")),
        Tool(
            "h12_label",
            "A crop protection product's label: maximum rate (l/ha) and spray interval.",
            {"product": str},
            _row("h12_labels", "product", "product"),
        ),
        Tool(
            "h12_log_spray",
            "Spray a product on a field and log it.",
            {"field": str, "product": str, "litres": int},
            _append("h12_sprays", "field", "product", "litres"),
        ),
        Tool(
            "h12_ticket",
            "A festival ticket and the wristband issued for it, if any.",
            {"holder": str},
            _row("h12_tickets", "ticket holder", "holder"),
        ),
        Tool(
            "h12_issue_wristband",
            "Issue a festival wristband for a ticket.",
            {"holder": str, "ticket": str},
            _issue,
        ),
        Tool(
            "h12_truck",
            "A haul truck: engine hours, engine hours at its last service, service interval (h).",
            {"truck": str},
            _row("h12_trucks", "haul truck", "truck"),
        ),
        Tool(
            "h12_dispatch",
            "Dispatch a haul truck to a pit.",
            {"truck": str, "pit": str},
            _append("h12_dispatches", "truck", "pit", ack="dispatched"),
        ),
    ]
}

FAMILIES = [rack, tour, route, bikes, feed, landing, hydrant, tattoo, linen, spray, wristband, haul]
