"""Held-out probe 33b (issue 9, helper redAQ): a judgement on a SUM or a DIFFERENCE of values each inside the evidence.

heldout33 found main's rule 1 holding on each value (ranges), on the order of two numbers (the envelope) and on
conditional wording. This set asks yes/no questions whose answer turns on a combination of two values: every
value a trap shows lies inside the range the first goals saw, and every pair of numbers keeps its order; only the
sum (or the difference) crosses the other number. Domains no earlier set used: goods lifts, hot-air balloons,
bobsleigh, glasshouses, cable ferries. Reads carry `readOnlyHint`.

- h33b_lift     "Do pallets A and B fit together in goods lift L?" (two reads' weights against a third's load)
- h33b_balloon  "Can balloon B lift pilot P and passenger Q?" (two people's weights against the payload)
- h33b_bob      "Did sled S beat N seconds over its two runs?" (a list's two times summed against a goal number)
- h33b_glass    "Has glasshouse G warmed by more than N degrees since dawn?" (a difference against a goal number)
- h33b_ferryw   "Can cable ferry F take vans A and B in one crossing?" (two lengths against the deck), the answer
                without any number

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


# ======================================== 1. lift: two pallets' weights summed against a lift's load
FIRST_LIFT = [(420, 150, 900), (150, 400, 700), (300, 380, 1000), (260, 140, 750), (410, 270, 800)]


def sample_lift(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_LIFT):
        a, b, cap = FIRST_LIFT[i]
    elif _trap(i, rng, first=7):
        cap = rng.randint(70, 72) * 10
        a, b = rng.randint(37, 40) * 10, rng.randint(37, 40) * 10
    else:
        cap = rng.randint(70, 100) * 10
        a = rng.randint(15, 40) * 10
        b = rng.randint(14, min(40, (cap - a) // 10)) * 10
    pa, pb, lift = f"PL-{100 + 2 * i}", f"PL-{101 + 2 * i}", f"GL-{10 + i}"
    t = w["tables"]
    t.setdefault("h33b_pallets", {}).update({pa: {"pallet": pa, "kg": a}, pb: {"pallet": pb, "kg": b}})
    t.setdefault("h33b_lifts", {})[lift] = {"lift": lift, "load_kg": cap, "floor": "dock"}
    return {"a": pa, "b": pb, "lift": lift}


def _fits(p: Params, b: State) -> bool:
    t = b["tables"]
    return bool(
        t["h33b_pallets"][p["a"]]["kg"] + t["h33b_pallets"][p["b"]]["kg"] <= t["h33b_lifts"][p["lift"]]["load_kg"]
    )


def _yes(ok: bool) -> str:
    return "Yes:" if ok else "No:"


lift = Family(
    name="h33b_lift",
    templates=["Do pallets {a} and {b} fit together in goods lift {lift}?"],
    fields={"a": Field(r"PL-\d+"), "b": Field(r"PL-\d+"), "lift": Field(r"GL-\d+")},
    sample=sample_lift,
    plan=[
        Step("h33b_pallet", lambda p, r: {"pallet": p["a"]}, key="pa", group="g"),
        Step("h33b_pallet", lambda p, r: {"pallet": p["b"]}, key="pb", group="g"),
        Step("h33b_lift", lambda p, r: {"lift": p["lift"]}, group="g"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_yes(_fits(p, b)).lower()],
    summary=lambda p, r: (
        f"{_yes(r['pa']['kg'] + r['pb']['kg'] <= r['h33b_lift']['load_kg'])} pallets {p['a']} ({r['pa']['kg']} kg) "
        f"and {p['b']} ({r['pb']['kg']} kg) in lift {p['lift']} (load {r['h33b_lift']['load_kg']} kg)."
    ),
    repeats=False,
)


# ======================================== 2. balloon: pilot and passenger against the payload
FIRST_BALLOON = [(95, 60, 260), (60, 110, 200), (80, 95, 240), (105, 70, 180), (70, 100, 280)]


def sample_balloon(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_BALLOON):
        a, b, cap = FIRST_BALLOON[i]
    elif _trap(i, rng, first=7):
        cap = rng.randint(180, 190)
        a, b = rng.randint(95, 105), rng.randint(95, 110)
    else:
        cap = rng.randint(180, 280)
        a = rng.randint(60, 105)
        b = rng.randint(60, min(110, cap - a))
    bal, pil, pas = f"HB-{20 + i}", f"PI-{300 + i}", f"PX-{500 + i}"
    t = w["tables"]
    t.setdefault("h33b_balloons", {})[bal] = {"balloon": bal, "payload_kg": cap, "envelope": "AX8"}
    t.setdefault("h33b_people", {}).update({pil: {"person": pil, "kg": a}, pas: {"person": pas, "kg": b}})
    return {"balloon": bal, "pilot": pil, "passenger": pas}


def _lifts(p: Params, b: State) -> bool:
    t = b["tables"]
    return bool(
        t["h33b_people"][p["pilot"]]["kg"] + t["h33b_people"][p["passenger"]]["kg"]
        <= t["h33b_balloons"][p["balloon"]]["payload_kg"]
    )


balloon = Family(
    name="h33b_balloon",
    templates=["Can balloon {balloon} lift pilot {pilot} and passenger {passenger}?"],
    fields={"balloon": Field(r"HB-\d+"), "pilot": Field(r"PI-\d+"), "passenger": Field(r"PX-\d+")},
    sample=sample_balloon,
    plan=[
        Step("h33b_balloon", lambda p, r: {"balloon": p["balloon"]}),
        Step("h33b_person", lambda p, r: {"person": p["pilot"]}, key="pilot"),
        Step("h33b_person", lambda p, r: {"person": p["passenger"]}, key="passenger"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_yes(_lifts(p, b)).lower()],
    summary=lambda p, r: (
        f"{_yes(r['pilot']['kg'] + r['passenger']['kg'] <= r['h33b_balloon']['payload_kg'])} balloon {p['balloon']} "
        f"takes {r['h33b_balloon']['payload_kg']} kg; the pilot weighs {r['pilot']['kg']} kg and the passenger "
        f"{r['passenger']['kg']} kg."
    ),
    repeats=False,
)


# ======================================== 3. bob: two runs' times summed against a goal number
FIRST_BOB = [(52.1, 53.4, 110), (55.8, 51.2, 112), (50.9, 55.9, 115), (54.0, 52.6, 108), (53.3, 54.7, 114)]


def sample_bob(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_BOB):
        r1, r2, n = FIRST_BOB[i]
    elif _trap(i, rng, first=7):
        n = rng.randint(108, 110)
        r1, r2 = round(rng.uniform(54.6, 55.8), 1), round(rng.uniform(54.6, 55.8), 1)
    else:
        n = rng.randint(108, 115)
        r1 = round(rng.uniform(50.9, 55.8), 1)
        r2 = round(rng.uniform(50.9, min(55.9, n - r1 - 0.2)), 1)
    sled = f"BS-{40 + i}"
    w["tables"].setdefault("h33b_sleds", {})[sled] = {"sled": sled, "runs": [r1, r2], "pilot": "Ines"}
    return {"sled": sled, "n": n}


def _beat(p: Params, runs: list[float]) -> bool:
    return round(sum(runs), 1) < p["n"]


bob = Family(
    name="h33b_bob",
    templates=["Did sled {sled} beat {n} seconds over its two runs?"],
    fields={"sled": Field(r"BS-\d+"), "n": fam.INT},
    sample=sample_bob,
    plan=[Step("h33b_sled", lambda p, r: {"sled": p["sled"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_yes(_beat(p, b["tables"]["h33b_sleds"][p["sled"]]["runs"])).lower()],
    summary=lambda p, r: (
        f"{_yes(_beat(p, r['h33b_sled']['runs']))} sled {p['sled']} ran {r['h33b_sled']['runs'][0]} s and "
        f"{r['h33b_sled']['runs'][1]} s."
    ),
    repeats=False,
)


# ======================================== 4. glass: a difference against a goal number
FIRST_GLASS = [(9, 21, 6), (14, 22, 4), (11, 25, 8), (16, 27, 5), (12, 19, 3)]


def sample_glass(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_GLASS):
        dawn, now, n = FIRST_GLASS[i]
    elif _trap(i, rng, first=7):
        n = rng.randint(7, 8)
        dawn = rng.randint(14, 16)
        now = dawn + rng.randint(4, n - 1)
    else:
        n = rng.randint(3, 8)
        dawn = rng.randint(9, 16)
        now = min(27, dawn + n + rng.randint(1, 6))
        if now - dawn <= n:
            dawn, now, n = 9, 21, 6
    house = f"GH-{60 + i}"
    w["tables"].setdefault("h33b_houses", {})[house] = {
        "glasshouse": house,
        "dawn_c": dawn,
        "now_c": now,
        "crop": "tomato",
    }
    return {"house": house, "n": n}


def _warmed(p: Params, row: dict) -> bool:
    return bool(row["now_c"] - row["dawn_c"] > p["n"])


glass = Family(
    name="h33b_glass",
    templates=["Has glasshouse {house} warmed by more than {n} degrees since dawn?"],
    fields={"house": Field(r"GH-\d+"), "n": fam.INT},
    sample=sample_glass,
    plan=[Step("h33b_glasshouse", lambda p, r: {"glasshouse": p["house"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_yes(_warmed(p, b["tables"]["h33b_houses"][p["house"]])).lower()],
    summary=lambda p, r: (
        f"{_yes(_warmed(p, r['h33b_glasshouse']))} glasshouse {p['house']} was {r['h33b_glasshouse']['dawn_c']} C "
        f"at dawn and is {r['h33b_glasshouse']['now_c']} C now."
    ),
    repeats=False,
)


# ======================================== 5. ferryw: two vans' lengths against a deck, an answer with no number
FIRST_FERRY = [(6.2, 4.8, 14.0), (4.6, 7.1, 12.5), (7.4, 5.0, 13.0), (5.5, 6.9, 15.5), (4.9, 5.3, 11.0)]


def sample_ferryw(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_FERRY):
        a, b, deck = FIRST_FERRY[i]
    elif _trap(i, rng, first=7):
        deck = round(rng.uniform(11.0, 12.0), 1)
        a, b = round(rng.uniform(6.2, 7.2), 1), round(rng.uniform(6.2, 7.0), 1)
    else:
        deck = round(rng.uniform(11.0, 15.5), 1)
        a = round(rng.uniform(4.6, 7.4), 1)
        b = round(rng.uniform(4.6, max(4.6, min(7.1, deck - a - 0.1))), 1)
        if a + b > deck:
            a, b, deck = 4.9, 5.3, 11.0
    va, vb, fer = f"VN-{200 + 2 * i}", f"VN-{201 + 2 * i}", f"CF-{30 + i}"
    t = w["tables"]
    t.setdefault("h33b_vans", {}).update({va: {"van": va, "length_m": a}, vb: {"van": vb, "length_m": b}})
    t.setdefault("h33b_ferries", {})[fer] = {"ferry": fer, "deck_m": deck, "river": "Fal"}
    return {"ferry": fer, "a": va, "b": vb}


def _one_crossing(p: Params, b: State) -> bool:
    t = b["tables"]
    return bool(
        t["h33b_vans"][p["a"]]["length_m"] + t["h33b_vans"][p["b"]]["length_m"]
        <= t["h33b_ferries"][p["ferry"]]["deck_m"] + 1e-9
    )


def _say(ok: bool) -> str:
    return "Yes, both go in one crossing." if ok else "No, they need two crossings."


ferryw = Family(
    name="h33b_ferryw",
    templates=["Can cable ferry {ferry} take vans {a} and {b} in one crossing?"],
    fields={"ferry": Field(r"CF-\d+"), "a": Field(r"VN-\d+"), "b": Field(r"VN-\d+")},
    sample=sample_ferryw,
    plan=[
        Step("h33b_ferry", lambda p, r: {"ferry": p["ferry"]}),
        Step("h33b_van", lambda p, r: {"van": p["a"]}, key="va"),
        Step("h33b_van", lambda p, r: {"van": p["b"]}, key="vb"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_yes(_one_crossing(p, b)).lower().rstrip(":")],
    summary=lambda p, r: _say(r["va"]["length_m"] + r["vb"]["length_m"] <= r["h33b_ferry"]["deck_m"] + 1e-9),
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h33b_pallet", "A pallet's weight in kg.", {"pallet": str}, _table("h33b_pallets", "pallet")),
        Tool("h33b_lift", "A goods lift's load in kg and its floor.", {"lift": str}, _table("h33b_lifts", "lift")),
        Tool(
            "h33b_balloon",
            "A hot-air balloon's payload in kg (pilot and passengers together) and its envelope.",
            {"balloon": str},
            _table("h33b_balloons", "balloon"),
        ),
        Tool("h33b_person", "A person's weight in kg.", {"person": str}, _table("h33b_people", "person")),
        Tool(
            "h33b_sled",
            "A bobsleigh's two run times in seconds and its pilot.",
            {"sled": str},
            _table("h33b_sleds", "sled"),
        ),
        Tool(
            "h33b_glasshouse",
            "A glasshouse's temperature at dawn and now (C) and its crop.",
            {"glasshouse": str},
            _table("h33b_houses", "glasshouse"),
        ),
        Tool(
            "h33b_ferry",
            "A cable ferry's deck length in metres (vans end to end) and its river.",
            {"ferry": str},
            _table("h33b_ferries", "ferry"),
        ),
        Tool("h33b_van", "A van's length in metres.", {"van": str}, _table("h33b_vans", "van")),
    ]
}

ANNOTATIONS: dict[str, dict[str, bool]] = {name: READ for name in TOOLS}


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

    if getattr(Server.add_tool, "_h33b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h33b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [lift, balloon, bob, glass, ferryw]
