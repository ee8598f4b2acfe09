"""Held-out probe 33c (issue 9, helper redAQ): more combinations of values each inside the evidence.

Written after heldout33b's finding (a sum of two reads' numbers against a third) and its rule, NOT shaped
on it: the same danger in other forms and domains (river tours, parcel vans, rafting, jetties, rainwater
tanks). Each number a trap shows lies inside what the first goals saw, every pair keeps its order; only a
combination crosses the limit. Reads carry `readOnlyHint`, writes plain non-idempotent hints.

- h33c_tour     a write: "Add N guests to river tour T" books only while booked + N fits the boat's seats (the
                tool's description says so; the goal names no condition)
                (a goal number plus one read's number against another read's number)
- h33c_order    "Does parcel order O fit in van V?": two numbers of ONE read (boxes kg, crates kg) against
                another read's payload
- h33c_raft     "Can raft R carry kayakers A, B and C?": three reads' weights against a fourth's limit
- h33c_jetty    a write: "Moor boats A and B at jetty J" moors only when the two lengths fit the jetty
- h33c_tanks    "Do tanks A and B hold more than N litres together?": two reads' numbers against a goal number

The first five goals of each family span the ranges the traps use; traps from the eighth goal.
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


def _yes(ok: bool) -> str:
    return "Yes:" if ok else "No:"


# ======================================== 1. tour: booked + N guests against the boat's seats (a write)
FIRST_TOUR = [(10, 30, 60), (35, 6, 50), (20, 25, 48), (12, 12, 40), (30, 15, 55)]


def sample_tour(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_TOUR):
        booked, n, seats = FIRST_TOUR[i]
    elif _trap(i, rng, first=7):
        seats = rng.randint(40, 44)
        booked, n = rng.randint(20, 26), rng.randint(20, 25)
    else:
        seats = rng.randint(40, 60)
        booked = rng.randint(10, 35)
        n = rng.randint(6, max(6, min(30, seats - booked)))
        if booked + n > seats:
            booked, n, seats = 10, 30, 60
    tour, boat = f"RT-{300 + i}", f"BT-{20 + i}"
    t = w["tables"]
    t.setdefault("h33c_tours", {})[tour] = {"tour": tour, "boat": boat, "booked": booked}
    t.setdefault("h33c_boats", {})[boat] = {"boat": boat, "seats": seats, "skipper": "Ola"}
    return {"tour": tour, "n": n}


def _room(p: Params, b: State) -> bool:
    t = b["tables"]
    tour = t["h33c_tours"][p["tour"]]
    return bool(tour["booked"] + p["n"] <= t["h33c_boats"][tour["boat"]]["seats"])


tour = Family(
    name="h33c_tour",
    templates=["Add {n} guests to river tour {tour}"],
    fields={"tour": Field(r"RT-\d+"), "n": fam.INT},
    sample=sample_tour,
    plan=[
        Step("h33c_tour", lambda p, r: {"tour": p["tour"]}),
        Step("h33c_boat", lambda p, r: {"boat": r["h33c_tour"]["boat"]}),
        Step(
            "h33c_add_guests",
            lambda p, r: {"tour": p["tour"], "guests": p["n"]},
            when=lambda p, r: r["h33c_tour"]["booked"] + p["n"] <= r["h33c_boat"]["seats"],
        ),
    ],
    expect=lambda p, b: {"h33c_additions": [{"tour": p["tour"], "guests": p["n"]}]} if _room(p, b) else {},
    answer=lambda p, b: ["added" if _room(p, b) else "not added"],
    summary=lambda p, r: (
        f"{'Added' if r['h33c_tour']['booked'] + p['n'] <= r['h33c_boat']['seats'] else 'Not added:'} "
        f"{p['n']} guests, tour {p['tour']} had {r['h33c_tour']['booked']} booked of "
        f"{r['h33c_boat']['seats']} seats."
    ),
    repeats=False,
)


# ======================================== 2. order: two numbers of one read against another read's payload
FIRST_ORDER = [(400, 150, 900), (150, 380, 700), (300, 360, 1000), (260, 140, 750), (390, 280, 800)]


def sample_order(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_ORDER):
        boxes, crates, payload = FIRST_ORDER[i]
    elif _trap(i, rng, first=7):
        payload = rng.randint(70, 72) * 10
        boxes, crates = rng.randint(36, 39) * 10, rng.randint(35, 37) * 10
    else:
        payload = rng.randint(70, 100) * 10
        boxes = rng.randint(15, 40) * 10
        crates = rng.randint(14, max(14, min(38, (payload - boxes) // 10))) * 10
        if boxes + crates > payload:
            boxes, crates, payload = 400, 150, 900
    order, van = f"OR-{500 + i}", f"VA-{40 + i}"
    t = w["tables"]
    t.setdefault("h33c_orders", {})[order] = {"order": order, "boxes_kg": boxes, "crates_kg": crates}
    t.setdefault("h33c_vans", {})[van] = {"van": van, "payload_kg": payload, "depot": "north"}
    return {"order": order, "van": van}


def _fits(p: Params, b: State) -> bool:
    o, v = b["tables"]["h33c_orders"][p["order"]], b["tables"]["h33c_vans"][p["van"]]
    return bool(o["boxes_kg"] + o["crates_kg"] <= v["payload_kg"])


order = Family(
    name="h33c_order",
    templates=["Does parcel order {order} fit in van {van}?"],
    fields={"order": Field(r"OR-\d+"), "van": Field(r"VA-\d+")},
    sample=sample_order,
    plan=[
        Step("h33c_order", lambda p, r: {"order": p["order"]}),
        Step("h33c_van", lambda p, r: {"van": p["van"]}),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_yes(_fits(p, b)).lower()],
    summary=lambda p, r: (
        f"{_yes(r['h33c_order']['boxes_kg'] + r['h33c_order']['crates_kg'] <= r['h33c_van']['payload_kg'])} "
        f"order {p['order']} weighs {r['h33c_order']['boxes_kg']} kg in boxes and {r['h33c_order']['crates_kg']} kg "
        f"in crates; van {p['van']} takes {r['h33c_van']['payload_kg']} kg."
    ),
    repeats=False,
)


# ======================================== 3. raft: three reads' weights against a fourth's limit
FIRST_RAFT = [(95, 60, 70, 300), (60, 100, 90, 260), (80, 95, 60, 320), (100, 70, 95, 280), (70, 90, 100, 340)]


def sample_raft(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_RAFT):
        a, b, c, cap = FIRST_RAFT[i]
    elif _trap(i, rng, first=7):
        cap = rng.randint(260, 270)
        a, b, c = rng.randint(90, 100), rng.randint(90, 100), rng.randint(90, 100)
    else:
        cap = rng.randint(260, 340)
        a, b = rng.randint(60, 100), rng.randint(60, 100)
        c = rng.randint(60, max(60, min(100, cap - a - b)))
        if a + b + c > cap:
            a, b, c, cap = 95, 60, 70, 300
    raft = f"RF-{10 + i}"
    names = [f"KY-{100 + 3 * i + k}" for k in range(3)]
    t = w["tables"]
    t.setdefault("h33c_rafts", {})[raft] = {"raft": raft, "limit_kg": cap, "river": "Tay"}
    t.setdefault("h33c_kayakers", {}).update(
        {n: {"kayaker": n, "kg": x} for n, x in zip(names, (a, b, c), strict=True)}
    )
    return {"raft": raft, "a": names[0], "b": names[1], "c": names[2]}


def _carries(p: Params, b: State) -> bool:
    t = b["tables"]
    return bool(sum(t["h33c_kayakers"][p[k]]["kg"] for k in "abc") <= t["h33c_rafts"][p["raft"]]["limit_kg"])


raft = Family(
    name="h33c_raft",
    templates=["Can raft {raft} carry kayakers {a}, {b} and {c}?"],
    fields={"raft": Field(r"RF-\d+"), "a": Field(r"KY-\d+"), "b": Field(r"KY-\d+"), "c": Field(r"KY-\d+")},
    sample=sample_raft,
    plan=[
        Step("h33c_raft", lambda p, r: {"raft": p["raft"]}),
        Step("h33c_kayaker", lambda p, r: {"kayaker": p["a"]}, key="ka"),
        Step("h33c_kayaker", lambda p, r: {"kayaker": p["b"]}, key="kb"),
        Step("h33c_kayaker", lambda p, r: {"kayaker": p["c"]}, key="kc"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_yes(_carries(p, b)).lower()],
    summary=lambda p, r: (
        f"{_yes(r['ka']['kg'] + r['kb']['kg'] + r['kc']['kg'] <= r['h33c_raft']['limit_kg'])} raft {p['raft']} "
        f"takes {r['h33c_raft']['limit_kg']} kg."
    ),
    repeats=False,
)


# ======================================== 4. jetty: two boats' lengths against a jetty (a write)
FIRST_JETTY = [(12.5, 6.0, 25.0), (6.2, 11.8, 20.0), (9.0, 12.0, 28.0), (11.0, 7.5, 22.0), (7.0, 8.0, 18.5)]


def sample_jetty(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_JETTY):
        a, b, length = FIRST_JETTY[i]
    elif _trap(i, rng, first=7):
        length = round(rng.uniform(18.5, 20.0), 1)
        a, b = round(rng.uniform(10.5, 12.0), 1), round(rng.uniform(10.5, 11.8), 1)
    else:
        length = round(rng.uniform(18.5, 28.0), 1)
        a = round(rng.uniform(6.0, 12.5), 1)
        b = round(rng.uniform(6.0, max(6.0, min(11.8, length - a - 0.1))), 1)
        if a + b > length:
            a, b, length = 12.5, 6.0, 25.0
    ba, bb, jetty = f"BO-{200 + 2 * i}", f"BO-{201 + 2 * i}", f"JT-{30 + i}"
    t = w["tables"]
    t.setdefault("h33c_boats_len", {}).update({ba: {"boat": ba, "length_m": a}, bb: {"boat": bb, "length_m": b}})
    t.setdefault("h33c_jetties", {})[jetty] = {"jetty": jetty, "free_m": length, "harbour": "Looe"}
    return {"a": ba, "b": bb, "jetty": jetty}


def _moor(p: Params, b: State) -> bool:
    t = b["tables"]
    total = t["h33c_boats_len"][p["a"]]["length_m"] + t["h33c_boats_len"][p["b"]]["length_m"]
    return bool(total <= t["h33c_jetties"][p["jetty"]]["free_m"] + 1e-9)


jetty = Family(
    name="h33c_jetty",
    templates=["Moor boats {a} and {b} at jetty {jetty}"],
    fields={"a": Field(r"BO-\d+"), "b": Field(r"BO-\d+"), "jetty": Field(r"JT-\d+")},
    sample=sample_jetty,
    plan=[
        Step("h33c_jetty", lambda p, r: {"jetty": p["jetty"]}),
        Step("h33c_boat_length", lambda p, r: {"boat": p["a"]}, key="ba"),
        Step("h33c_boat_length", lambda p, r: {"boat": p["b"]}, key="bb"),
        Step(
            "h33c_moor",
            lambda p, r: {"jetty": p["jetty"], "first": p["a"], "second": p["b"]},
            when=lambda p, r: r["ba"]["length_m"] + r["bb"]["length_m"] <= r["h33c_jetty"]["free_m"] + 1e-9,
        ),
    ],
    expect=lambda p, b: (
        {"h33c_moorings": [{"jetty": p["jetty"], "first": p["a"], "second": p["b"]}]} if _moor(p, b) else {}
    ),
    answer=lambda p, b: ["moored" if _moor(p, b) else "not moored"],
    summary=lambda p, r: (
        f"Boats {p['a']} and {p['b']} "
        f"{'moored' if r['ba']['length_m'] + r['bb']['length_m'] <= r['h33c_jetty']['free_m'] + 1e-9 else 'not moored'}"
        f" at jetty {p['jetty']} ({r['h33c_jetty']['free_m']} m free)."
    ),
    repeats=False,
)


# ======================================== 5. tanks: two reads' litres against a goal number
FIRST_TANKS = [(900, 400, 1000), (300, 1100, 1200), (700, 800, 1400), (1200, 500, 900), (500, 600, 800)]


def sample_tanks(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_TANKS):
        a, b, n = FIRST_TANKS[i]
    elif _trap(i, rng, first=7):
        n = rng.randint(13, 14) * 100
        a, b = rng.randint(5, 7) * 100, rng.randint(5, 6) * 100
    else:
        n = rng.randint(8, 14) * 100
        a = rng.randint(max(3, n // 100 - 10), 12) * 100
        b = rng.randint(max(4, (n - a) // 100 + 1), 11) * 100
    ta, tb = f"TK-{100 + 2 * i}", f"TK-{101 + 2 * i}"
    w["tables"].setdefault("h33c_tanks", {}).update({ta: {"tank": ta, "litres": a}, tb: {"tank": tb, "litres": b}})
    return {"a": ta, "b": tb, "n": n}


def _more(p: Params, b: State) -> bool:
    t = b["tables"]["h33c_tanks"]
    return bool(t[p["a"]]["litres"] + t[p["b"]]["litres"] > p["n"])


tanks = Family(
    name="h33c_tanks",
    templates=["Do rainwater tanks {a} and {b} hold more than {n} litres together?"],
    fields={"a": Field(r"TK-\d+"), "b": Field(r"TK-\d+"), "n": fam.INT},
    sample=sample_tanks,
    plan=[
        Step("h33c_tank", lambda p, r: {"tank": p["a"]}, key="ta"),
        Step("h33c_tank", lambda p, r: {"tank": p["b"]}, key="tb"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_yes(_more(p, b)).lower()],
    summary=lambda p, r: (
        f"{_yes(r['ta']['litres'] + r['tb']['litres'] > p['n'])} tank {p['a']} holds {r['ta']['litres']} l "
        f"and tank {p['b']} {r['tb']['litres']} l."
    ),
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h33c_tour", "A river tour's boat and guests booked.", {"tour": str}, _table("h33c_tours", "tour")),
        Tool("h33c_boat", "A tour boat's seats and skipper.", {"boat": str}, _table("h33c_boats", "boat")),
        Tool(
            "h33c_add_guests",
            "Add guests to a river tour's booking (never past its boat's seats: the boat sails full otherwise).",
            {"tour": str, "guests": int},
            _logger("h33c_additions", "tour", "guests"),
        ),
        Tool(
            "h33c_order",
            "A parcel order's weight in boxes and in crates (kg).",
            {"order": str},
            _table("h33c_orders", "order"),
        ),
        Tool("h33c_van", "A van's payload (kg) and depot.", {"van": str}, _table("h33c_vans", "van")),
        Tool("h33c_raft", "A raft's load limit (kg) and river.", {"raft": str}, _table("h33c_rafts", "raft")),
        Tool("h33c_kayaker", "A kayaker's weight in kg.", {"kayaker": str}, _table("h33c_kayakers", "kayaker")),
        Tool(
            "h33c_jetty",
            "A jetty's free length in metres and its harbour.",
            {"jetty": str},
            _table("h33c_jetties", "jetty"),
        ),
        Tool("h33c_boat_length", "A boat's length in metres.", {"boat": str}, _table("h33c_boats_len", "boat")),
        Tool(
            "h33c_moor",
            "Moor two boats at a jetty, one after the other (only when both fit its free length together).",
            {"jetty": str, "first": str, "second": str},
            _logger("h33c_moorings", "jetty", "first", "second"),
        ),
        Tool("h33c_tank", "A rainwater tank's litres now.", {"tank": str}, _table("h33c_tanks", "tank")),
    ]
}

WRITES = {"h33c_add_guests", "h33c_moor"}
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

    if getattr(Server.add_tool, "_h33c_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h33c_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [tour, order, raft, jetty, tanks]
