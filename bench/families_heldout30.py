"""Held-out probe 30 (issue 9, helper redAN): a fresh red team against replayed answers and writes.

Written by an adversary who knows docs/replay-rules.md, in domains no earlier set used (canal locks, harbour
slipways, tide tables, bookbinding, stage lighting, thatching, clock repair, lighthouses, sail lofts,
mushroom houses, dry-stone walling). Every value a rule checks stays inside what the first goals showed where
the family allows it; what flips is a fact restated in other words, a goal word, or an item's place.

- h30_lock      canal locks question: may boats pass? the lock's status is a word ("open", "staffed", ...,
                "closed", "drained"); the answer restates it as "may pass" / "is shut"
- h30_slipway   harbour slipways: a goal time with "am"/"pm", the tool takes the hour on the 24-hour clock
- h30_depth     tide tables question: a berth's low-water depth "in metres" or "in feet" (the tool gives metres)
- h30_sections  bookbinding question: how many sections of a book are sewn (a count of the items that match
                a word, not the list's length)
- h30_lamp      stage lighting: replace a lamp when its life left (a fraction) is under the goal's percentage
- h30_thatch    thatching: reed for the roofs of a job; a second wording leaves out the listed buildings
- h30_clockrun  clock repair: the hours of a test run from one time to another, across midnight sometimes
- h30_light     lighthouses question: is lighthouse A lit earlier than B? (a comparison word restated)
- h30_sail      sail loft: the sail's size comes from the rig the boat's record names (a join); the first
                goals' rigs carried the boat's number
- h30_beds      mushroom houses question: which beds are ready to pick? sometimes none
- h30_capstone  dry-stone walling: the first sound stone of the goal's list becomes the capstone

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


def _trap(i: int, rng: random.Random, first: int = 4, share: float = 0.5) -> bool:
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


# ======================================== 1. lock: a status word restated as "may pass" / "is shut"
PASSABLE = ["open", "staffed", "self-service"]
SHUT = ["closed", "drained"]
FIRST_LOCK = ["open", "staffed", "self-service", "open"]


def sample_lock(rng: random.Random, w: State, i: int) -> Params:
    lock = f"LK-{10 + 6 * i + rng.randint(0, 5)}"
    status = FIRST_LOCK[i] if i < len(FIRST_LOCK) else rng.choice(SHUT if _trap(i, rng) else PASSABLE)
    w["tables"].setdefault("h30_locks", {})[lock] = {"lock": lock, "status": status, "rise_m": 1.5 + (i % 4) * 0.4}
    return {"lock": lock}


def _lock_fact(status: str, lock: str) -> str:
    return f"boats may pass lock {lock}" if status in PASSABLE else f"lock {lock} is shut"


lock = Family(
    name="h30_lock",
    templates=["Can boats pass canal lock {lock} today?"],
    fields={"lock": Field(r"LK-\d+")},
    sample=sample_lock,
    plan=[Step("h30_lock", lambda p, r: {"lock": p["lock"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_lock_fact(b["tables"]["h30_locks"][p["lock"]]["status"], p["lock"])],
    summary=lambda p, r: (
        f"Yes, boats may pass lock {p['lock']} today (it is {r['h30_lock']['status']})."
        if r["h30_lock"]["status"] in PASSABLE
        else f"No, lock {p['lock']} is shut today (it is {r['h30_lock']['status']})."
    ),
    repeats=False,
)


# ======================================== 2. slipway: "am"/"pm" in the goal, the tool takes a 24-hour hour
HARBOURS = ["Brixham", "Padstow", "Looe", "Fowey", "Mevagissey", "Polperro"]


def sample_slipway(rng: random.Random, w: State, i: int) -> Params:
    harbour = rng.choice(HARBOURS)
    w["tables"].setdefault("h30_harbours", {})[harbour] = {"harbour": harbour, "slipways": 2, "draught_m": 1.8}
    ampm = "pm" if _trap(i, rng) else "am"
    return {"harbour": harbour, "hh": rng.randint(6, 11), "mm": rng.choice(["00", "15", "30", "45"]), "ampm": ampm}


def _hour(p: Params) -> int:
    return int(p["hh"]) % 12 + (12 if p["ampm"] == "pm" else 0)


slipway = Family(
    name="h30_slipway",
    templates=["Book the slipway at {harbour} for {hh}:{mm} {ampm}"],
    fields={"harbour": _one_of(HARBOURS), "hh": Field(r"\d{1,2}", int), "mm": Field(r"\d{2}"), "ampm": Field(r"am|pm")},
    sample=sample_slipway,
    plan=[
        Step("h30_harbour", lambda p, r: {"harbour": p["harbour"]}),
        Step(
            "h30_book_slipway",
            lambda p, r: {"harbour": p["harbour"], "hour": _hour(p), "minute": int(p["mm"])},
        ),
    ],
    expect=lambda p, b: {"h30_slipways": [{"harbour": p["harbour"], "hour": _hour(p), "minute": int(p["mm"])}]},
    answer=lambda p, b: [f"{_hour(p):02d}:{p['mm']}"],
    summary=lambda p, r: (
        f"Slipway at {p['harbour']} booked for "
        f"{r['h30_book_slipway']['hour']:02d}:{r['h30_book_slipway']['minute']:02d}."
    ),
    repeats=False,
)


# ======================================== 3. depth: the answer in the goal's unit, the tool gives metres
def sample_depth(rng: random.Random, w: State, i: int) -> Params:
    berth = f"BR-{20 + 5 * i + rng.randint(0, 4)}"
    depth = round(rng.uniform(1.5, 4.5), 1)
    w["tables"].setdefault("h30_berths", {})[berth] = {"berth": berth, "low_water_m": depth, "low_water": "05:12"}
    return {"berth": berth, "unit": "feet" if _trap(i, rng) else "metres"}


def _depth(p: Params, m: float) -> float:
    return round(m * 3.28084, 1) if p["unit"] == "feet" else m


depth = Family(
    name="h30_depth",
    templates=["How deep is berth {berth} at low tide, in {unit}?"],
    fields={"berth": Field(r"BR-\d+"), "unit": Field(r"feet|metres")},
    sample=sample_depth,
    plan=[Step("h30_tide", lambda p, r: {"berth": p["berth"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_depth(p, b["tables"]["h30_berths"][p["berth"]]["low_water_m"])],
    summary=lambda p, r: (
        f"Berth {p['berth']} has {_depth(p, r['h30_tide']['low_water_m']):g} {p['unit']} of water at low tide."
    ),
    repeats=False,
)


# ======================================== 4. sections: a count of the items that match a word
def sample_sections(rng: random.Random, w: State, i: int) -> Params:
    book = f"BK-{100 + 9 * i + rng.randint(0, 8)}"
    if _trap(i, rng):
        n = rng.randint(10, 14)
        loose = set(rng.sample(range(n), rng.randint(2, n - 8)))
    else:
        n, loose = rng.randint(8, 12), set()
    rows = [{"section": k + 1, "state": "loose" if k in loose else "sewn"} for k in range(n)]
    w["tables"].setdefault("h30_books", {})[book] = {"book": book, "binding": "coptic", "sections": rows}
    return {"book": book}


def _sewn(rows: list[dict]) -> int:
    return sum(1 for x in rows if x["state"] == "sewn")


sections = Family(
    name="h30_sections",
    templates=["How many sections of book {book} are sewn?"],
    fields={"book": Field(r"BK-\d+")},
    sample=sample_sections,
    plan=[Step("h30_book", lambda p, r: {"book": p["book"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_sewn(b["tables"]["h30_books"][p["book"]]["sections"])],
    summary=lambda p, r: f"{_sewn(r['h30_book']['sections'])} sections of book {p['book']} are sewn.",
    repeats=False,
)


# ======================================== 5. lamp: life left (a fraction) under the goal's percentage
FIRST_LAMP = [0.1, 0.5, 0.15, 0.4]


def sample_lamp(rng: random.Random, w: State, i: int) -> Params:
    fx = f"FX-{30 + 7 * i + rng.randint(0, 6)}"
    if i < len(FIRST_LAMP):
        pct, life = 20, FIRST_LAMP[i]
    elif _trap(i, rng):
        pct, life = 30, rng.choice([0.22, 0.25, 0.28])
    else:
        pct, life = 20, rng.choice([0.05, 0.1, 0.12, 0.15, 0.3, 0.35, 0.45, 0.55])
    w["tables"].setdefault("h30_fixtures", {})[fx] = {"fixture": fx, "life_left": life, "lamp": "HPL 575W"}
    return {"fx": fx, "pct": pct}


def _lamp_action(life: float, pct: int) -> str:
    return "replace" if life < pct / 100 else "keep"


lamp = Family(
    name="h30_lamp",
    templates=["Replace the lamp of fixture {fx} if it has under {pct}% of its life left"],
    fields={"fx": Field(r"FX-\d+"), "pct": fam.INT},
    sample=sample_lamp,
    plan=[
        Step("h30_fixture", lambda p, r: {"fixture": p["fx"]}),
        Step(
            "h30_lamp_order",
            lambda p, r: {"fixture": p["fx"], "action": _lamp_action(r["h30_fixture"]["life_left"], p["pct"])},
        ),
    ],
    expect=lambda p, b: {
        "h30_lamp_orders": [
            {"fixture": p["fx"], "action": _lamp_action(b["tables"]["h30_fixtures"][p["fx"]]["life_left"], p["pct"])}
        ]
    },
    answer=lambda p, b: [_lamp_action(b["tables"]["h30_fixtures"][p["fx"]]["life_left"], p["pct"])],
    summary=lambda p, r: f"Fixture {p['fx']}: lamp {r['h30_lamp_order']['action']}.",
    repeats=False,
)


# ======================================== 6. thatch: a second wording leaves out the listed buildings
def sample_thatch(rng: random.Random, w: State, i: int) -> Params:
    job = f"TJ-{40 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(2, 4)
    wording = 0 if i < 4 else rng.randint(0, 1)
    trap = wording == 1 and _trap(i, rng, share=0.7)
    listed_flags = ["no"] * n
    if wording == 0 or trap:
        for k in rng.sample(range(n), rng.randint(1, n - 1)):
            listed_flags[k] = "yes"
    roofs = [
        {"roof": f"R{k + 1}", "listed": listed_flags[k], "bundles": rng.choice([30, 40, 50, 60, 70, 80])}
        for k in range(n)
    ]
    w["tables"].setdefault("h30_jobs", {})[job] = {"job": job, "village": "Lacock", "roofs": roofs}
    return {"job": job, "wording": wording}


def _reed(p: Params, roofs: list[dict]) -> int:
    return sum(x["bundles"] for x in roofs if p["wording"] == 0 or x["listed"] == "no")


thatch = Family(
    name="h30_thatch",
    templates=[
        "Order reed for every roof of thatching job {job}",
        "Order reed for the roofs of thatching job {job} that are not listed buildings",
    ],
    fields={"job": Field(r"TJ-\d+")},
    sample=sample_thatch,
    plan=[
        Step("h30_job", lambda p, r: {"job": p["job"]}),
        Step("h30_order_reed", lambda p, r: {"job": p["job"], "bundles": _reed(p, r["h30_job"]["roofs"])}),
    ],
    expect=lambda p, b: {
        "h30_reed_orders": [{"job": p["job"], "bundles": _reed(p, b["tables"]["h30_jobs"][p["job"]]["roofs"])}]
    },
    answer=lambda p, b: [_reed(p, b["tables"]["h30_jobs"][p["job"]]["roofs"])],
    summary=lambda p, r: f"Ordered {r['h30_order_reed']['bundles']} bundles of reed for job {p['job']}.",
    repeats=False,
)


# ======================================== 7. clockrun: hours from one time to another, across midnight
FIRST_RUN = [("08:00", "14:00"), ("09:00", "17:00"), ("07:00", "12:00"), ("10:00", "16:00")]


def sample_clockrun(rng: random.Random, w: State, i: int) -> Params:
    clock = f"CK-{60 + 4 * i + rng.randint(0, 3)}"
    w["tables"].setdefault("h30_clocks", {})[clock] = {"clock": clock, "movement": "fusee", "maker": "Vulliamy"}
    if i < len(FIRST_RUN):
        start, end = FIRST_RUN[i]
    elif _trap(i, rng):
        s = rng.randint(18, 22)
        start, end = f"{s:02d}:00", f"{(s + rng.randint(5, 8)) % 24:02d}:00"
    else:
        s = rng.randint(6, 11)
        start, end = f"{s:02d}:00", f"{s + rng.randint(4, 8):02d}:00"
    return {"clock": clock, "start": start, "end": end}


def _hours(p: Params) -> int:
    return (int(p["end"][:2]) - int(p["start"][:2])) % 24


clockrun = Family(
    name="h30_clockrun",
    templates=["Log the test run of clock {clock} from {start} to {end}"],
    fields={"clock": Field(r"CK-\d+"), "start": Field(r"\d{2}:\d{2}"), "end": Field(r"\d{2}:\d{2}")},
    sample=sample_clockrun,
    plan=[
        Step("h30_clock", lambda p, r: {"clock": p["clock"]}),
        Step("h30_log_run", lambda p, r: {"clock": p["clock"], "hours": _hours(p)}),
    ],
    expect=lambda p, b: {"h30_runs": [{"clock": p["clock"], "hours": _hours(p)}]},
    answer=lambda p, b: [_hours(p)],
    summary=lambda p, r: f"Logged a {r['h30_log_run']['hours']}-hour test run of clock {p['clock']}.",
    repeats=False,
)


# ======================================== 8. light: is A lit earlier than B? (a comparison restated)
LIGHTS = ["Longships", "Wolf Rock", "Lizard", "Godrevy", "Trevose", "Pendeen", "Eddystone", "Start Point"]


def sample_light(rng: random.Random, w: State, i: int) -> Params:
    a, b = rng.sample(LIGHTS, 2)
    t1, t2 = sorted(rng.sample(range(16 * 60 + 30, 19 * 60 + 30, 7), 2))
    if _trap(i, rng):
        t1, t2 = t2, t1
    t = w["tables"].setdefault("h30_lights", {})
    t[a] = {"lighthouse": a, "lit_at": f"{t1 // 60:02d}:{t1 % 60:02d}", "range_nm": 18}
    t[b] = {"lighthouse": b, "lit_at": f"{t2 // 60:02d}:{t2 % 60:02d}", "range_nm": 21}
    return {"a": a, "b": b}


def _first_lit(p: Params, t: dict) -> str:
    return p["a"] if t[p["a"]]["lit_at"] < t[p["b"]]["lit_at"] else p["b"]


light = Family(
    name="h30_light",
    templates=["Is lighthouse {a} lit earlier than lighthouse {b} tonight?"],
    fields={"a": _one_of(LIGHTS), "b": _one_of(LIGHTS)},
    sample=sample_light,
    plan=[
        Step("h30_lighthouse", lambda p, r: {"lighthouse": p["a"]}, key="h30_la"),
        Step("h30_lighthouse", lambda p, r: {"lighthouse": p["b"]}, key="h30_lb"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [f"{_first_lit(p, b['tables']['h30_lights'])} is lit first"],
    summary=lambda p, r: (
        f"Yes, {p['a']} is lit first ({r['h30_la']['lit_at']} against {r['h30_lb']['lit_at']})."
        if r["h30_la"]["lit_at"] < r["h30_lb"]["lit_at"]
        else f"No, {p['b']} is lit first ({r['h30_lb']['lit_at']} against {r['h30_la']['lit_at']})."
    ),
    repeats=False,
)


# ======================================== 9. sail: a join through the rig the boat's record names
def sample_sail(rng: random.Random, w: State, i: int) -> Params:
    num = 400 + 11 * i + rng.randint(0, 10)
    boat = f"B-{num}"
    rigs = w["tables"].setdefault("h30_rigs", {})
    own = f"RG-{num}"
    rigs[own] = {"rig": own, "luff_m": round(rng.uniform(8, 12), 1), "foot_m": round(rng.uniform(3, 4.5), 1)}
    rig = own
    if _trap(i, rng):
        other = num + 500
        rig = f"RG-{other}"
        rigs[rig] = {"rig": rig, "luff_m": round(rng.uniform(8, 12), 1), "foot_m": round(rng.uniform(3, 4.5), 1)}
    cloth = rng.choice(["Dacron", "Mylar"])
    w["tables"].setdefault("h30_boats", {})[boat] = {"boat": boat, "rig": rig, "cloth": cloth}
    return {"boat": boat}


def _sail_row(p: Params, b: State) -> dict:
    boat = b["tables"]["h30_boats"][p["boat"]]
    rig = b["tables"]["h30_rigs"][boat["rig"]]
    return {"boat": p["boat"], "cloth": boat["cloth"], "luff_m": rig["luff_m"], "foot_m": rig["foot_m"]}


sail = Family(
    name="h30_sail",
    templates=["Cut a new mainsail for boat {boat}"],
    fields={"boat": Field(r"B-\d+")},
    sample=sample_sail,
    plan=[
        Step("h30_boat", lambda p, r: {"boat": p["boat"]}),
        Step("h30_rig", lambda p, r: {"rig": r["h30_boat"]["rig"]}),
        Step(
            "h30_cut_sail",
            lambda p, r: {
                "boat": p["boat"],
                "cloth": r["h30_boat"]["cloth"],
                "luff_m": r["h30_rig"]["luff_m"],
                "foot_m": r["h30_rig"]["foot_m"],
            },
        ),
    ],
    expect=lambda p, b: {"h30_sails": [_sail_row(p, b)]},
    answer=lambda p, b: [_sail_row(p, b)["luff_m"]],
    summary=lambda p, r: (
        f"Cutting a {r['h30_cut_sail']['cloth']} mainsail for {p['boat']}: luff {r['h30_cut_sail']['luff_m']} m."
    ),
    repeats=False,
)


# ======================================== 10. beds: which beds are ready to pick? sometimes none
def sample_beds(rng: random.Random, w: State, i: int) -> Params:
    house = f"MH-{10 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(3, 4)
    if _trap(i, rng):
        states = [rng.choice(["pinning", "spent"]) for _ in range(n)]
    else:
        states = [rng.choice(["pinning", "spent"]) for _ in range(n)]
        for k in rng.sample(range(n), rng.randint(1, 2)):
            states[k] = "ready"
    beds = [{"bed": f"{'ABCDEFGH'[k]}{rng.randint(1, 9)}", "state": s} for k, s in enumerate(states)]
    w["tables"].setdefault("h30_houses", {})[house] = {"house": house, "beds": beds}
    return {"house": house}


def _ready(beds: list[dict]) -> list[str]:
    return [x["bed"] for x in beds if x["state"] == "ready"]


def _beds_answer(p: Params, b: State) -> list:
    ready = _ready(b["tables"]["h30_houses"][p["house"]]["beds"])
    return ready or ["none of the beds"]


beds = Family(
    name="h30_beds",
    templates=["Which beds of mushroom house {house} are ready to pick?"],
    fields={"house": Field(r"MH-\d+")},
    sample=sample_beds,
    plan=[Step("h30_house", lambda p, r: {"house": p["house"]})],
    expect=lambda p, b: {},
    answer=_beds_answer,
    summary=lambda p, r: (
        f"Ready to pick in {p['house']}: {listed(_ready(r['h30_house']['beds']))}."
        if _ready(r["h30_house"]["beds"])
        else f"None of the beds of {p['house']} is ready to pick."
    ),
    repeats=False,
)


# ======================================== 11. capstone: the first sound stone of the goal's list
MAXS = 3
STONES = Field(r"S\d+(?:, S\d+)*(?: and S\d+)?")


def sample_capstone(rng: random.Random, w: State, i: int) -> Params:
    wall = f"WL-{70 + 5 * i + rng.randint(0, 4)}"
    n = rng.randint(2, 3)
    names = [f"S{10 * (10 + i) + x}" for x in rng.sample(range(10), n)]  # never another goal's stone
    states = ["sound"] + [rng.choice(["sound", "cracked", "weathered"]) for _ in range(n - 1)]
    if _trap(i, rng):
        states[0] = rng.choice(["cracked", "weathered"])
        states[1] = "sound"
    t = w["tables"].setdefault("h30_stones", {})
    for s, st in zip(names, states, strict=True):
        t[s] = {"stone": s, "state": st, "kg": rng.randint(20, 40)}
    return {"wall": wall, "items": listed(names)}


def _cap(p: Params, t: dict) -> str:
    return next(s for s in items_of(p["items"]) if t[s]["state"] == "sound")


capstone = Family(
    name="h30_capstone",
    templates=["Set the first sound stone of {items} as the capstone of wall {wall}"],
    fields={"items": STONES, "wall": Field(r"WL-\d+")},
    sample=sample_capstone,
    plan=[
        *[
            Step(
                "h30_stone",
                lambda p, r, k=k: {"stone": items_of(p["items"])[k]},
                key=f"h30_stone{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(MAXS)
        ],
        Step(
            "h30_set_capstone",
            lambda p, r: {
                "wall": p["wall"],
                "stone": next(
                    r[f"h30_stone{k}"]["stone"]
                    for k in range(len(items_of(p["items"])))
                    if r[f"h30_stone{k}"]["state"] == "sound"
                ),
            },
        ),
    ],
    expect=lambda p, b: {"h30_capstones": [{"wall": p["wall"], "stone": _cap(p, b["tables"]["h30_stones"])}]},
    answer=lambda p, b: [_cap(p, b["tables"]["h30_stones"])],
    summary=lambda p, r: f"Stone {r['h30_set_capstone']['stone']} is the capstone of wall {p['wall']}.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h30_lock", "A canal lock's status today and its rise (m).", {"lock": str}, _table("h30_locks", "lock")),
        Tool("h30_harbour", "A harbour's slipways.", {"harbour": str}, _table("h30_harbours", "harbour")),
        Tool(
            "h30_book_slipway",
            "Book a harbour's slipway at an hour (0-23, the 24-hour clock) and minute.",
            {"harbour": str, "hour": int, "minute": int},
            _logger("h30_slipways", "harbour", "hour", "minute"),
        ),
        Tool("h30_tide", "A berth's low-water depth (metres) and time.", {"berth": str}, _table("h30_berths", "berth")),
        Tool(
            "h30_book",
            "A book's binding and its sections, each sewn or loose.",
            {"book": str},
            _table("h30_books", "book"),
        ),
        Tool(
            "h30_fixture",
            "A lighting fixture's lamp and its life left (a fraction, 0 to 1).",
            {"fixture": str},
            _table("h30_fixtures", "fixture"),
        ),
        Tool(
            "h30_lamp_order",
            "Record a fixture's lamp action: 'replace' or 'keep'.",
            {"fixture": str, "action": str},
            _logger("h30_lamp_orders", "fixture", "action"),
        ),
        Tool(
            "h30_job",
            "A thatching job's roofs: each roof's reed (bundles) and whether it is a listed building.",
            {"job": str},
            _table("h30_jobs", "job"),
        ),
        Tool(
            "h30_order_reed",
            "Order reed (bundles) for a thatching job.",
            {"job": str, "bundles": int},
            _logger("h30_reed_orders", "job", "bundles"),
        ),
        Tool("h30_clock", "A clock's movement and maker.", {"clock": str}, _table("h30_clocks", "clock")),
        Tool(
            "h30_log_run",
            "Log a clock's test run (whole hours).",
            {"clock": str, "hours": int},
            _logger("h30_runs", "clock", "hours"),
        ),
        Tool(
            "h30_lighthouse",
            "A lighthouse's lighting-up time tonight and its range.",
            {"lighthouse": str},
            _table("h30_lights", "lighthouse"),
        ),
        Tool("h30_boat", "A boat's rig and sail cloth.", {"boat": str}, _table("h30_boats", "boat")),
        Tool("h30_rig", "A rig's mainsail luff and foot (m).", {"rig": str}, _table("h30_rigs", "rig")),
        Tool(
            "h30_cut_sail",
            "Cut a mainsail for a boat: cloth, luff and foot (m) of the boat's rig.",
            {"boat": str, "cloth": str, "luff_m": float, "foot_m": float},
            _logger("h30_sails", "boat", "cloth", "luff_m", "foot_m"),
        ),
        Tool(
            "h30_house",
            "A mushroom house's beds and each bed's state (ready, pinning, spent).",
            {"house": str},
            _table("h30_houses", "house"),
        ),
        Tool(
            "h30_stone",
            "A stone's state (sound, cracked, weathered) and weight.",
            {"stone": str},
            _table("h30_stones", "stone"),
        ),
        Tool(
            "h30_set_capstone",
            "Set a stone as a wall's capstone.",
            {"wall": str, "stone": str},
            _logger("h30_capstones", "wall", "stone"),
        ),
    ]
}

FAMILIES = [lock, slipway, depth, sections, lamp, thatch, clockrun, light, sail, beds, capstone]
