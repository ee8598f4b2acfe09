"""Held-out probe 31 (issue 9, helper redAO): a fresh red team against replayed writes and answers.

Written by an adversary who knows docs/replay-rules.md and the last stops' "noticed, left alone" notes, in
domains no earlier set used (island ferries, ice rinks, seed banks, lift maintenance, car decks, ferry
timetables, archery ranges, curling clubs, vineyard pruning, dialysis units). Reads carry `readOnlyHint`,
writes plain non-idempotent hints, except where a family says otherwise. Every value a rule checks stays
inside what the first goals showed where the family allows it.

- h31_ferry     island ferries: "Which is it ..., running or cancelled?" over an UNANNOTATED read; the answer
                copies the sea state it judges (no yes/no question: redAN's rule holds for those only)
- h31_rink      ice rinks: "State the ice ...: open or closed" over an UNANNOTATED read; the answer copies the
                ice's word
- h31_seedlot   seed banks: "enough or short for N rows?" over an UNANNOTATED read (grams, grams a row)
- h31_notice    lift maintenance: the notice a lift shows is set by a tool annotated readOnlyHint (a lie no
                word list catches: "lift_notice", described "The notice board of a lift")
- h31_prune     vineyard pruning: the buds left per vine are set by a tool annotated readOnlyHint (a lie)
- h31_deck      car decks: a loop over the goal's vehicles; the upper deck takes 15 m in all, the first goals
                list two or three vehicles, later goals four (each vehicle's length inside what was seen)
- h31_sailing   ferry timetables: book the earliest sailing; the first goals' timetables are sorted
- h31_target    archery ranges: the first free target of a range's list; the first goals' first target is free
- h31_curling   curling clubs: move a session "from sheet A to sheet B" and "to sheet B from sheet A"
- h31_dialysis  dialysis units: a session's chair comes from the unit's record, its minutes from the patient's
                (a write whose arguments come from two reads: the first goals' patients sit in unit U1 only)

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


# ======================================== 1. ferry: "running or cancelled" judged on a copied sea state
ISLANDS = ["Mull", "Islay", "Coll", "Tiree", "Barra", "Eigg", "Rum", "Colonsay"]
SAILS = ["calm", "slight", "moderate", "rough"]
FIRST_SEA = ["calm", "slight", "moderate", "rough", "slight"]


def sample_ferry(rng: random.Random, w: State, i: int) -> Params:
    island = ISLANDS[i % len(ISLANDS)] if i < len(ISLANDS) else rng.choice(ISLANDS)
    sea = FIRST_SEA[i] if i < len(FIRST_SEA) else rng.choice(["gale", "storm"] if _trap(i, rng) else SAILS)
    w["tables"].setdefault("h31_crossings", {})[island] = {"route": island, "sea_state": sea, "vessel": "MV Loch"}
    return {"island": island}


def _runs(sea: str) -> str:
    return "running" if sea in SAILS else "cancelled"


ferry = Family(
    name="h31_ferry",
    templates=["Which is it for the {island} ferry today, running or cancelled?"],
    fields={"island": _one_of(ISLANDS)},
    sample=sample_ferry,
    plan=[Step("h31_crossing", lambda p, r: {"route": p["island"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_runs(b["tables"]["h31_crossings"][p["island"]]["sea_state"])],
    summary=lambda p, r: (
        f"The {p['island']} ferry is {_runs(r['h31_crossing']['sea_state'])} today "
        f"(sea state {r['h31_crossing']['sea_state']})."
    ),
    repeats=False,
)


# ======================================== 2. rink: "open or closed" judged on a copied ice word
GOOD_ICE = ["hard", "fast", "good", "smooth"]
FIRST_ICE = ["hard", "fast", "good", "smooth", "fast"]


def sample_rink(rng: random.Random, w: State, i: int) -> Params:
    rink = f"RK-{10 + 5 * i + rng.randint(0, 4)}"
    ice = FIRST_ICE[i] if i < len(FIRST_ICE) else rng.choice(["slushy", "cracked"] if _trap(i, rng) else GOOD_ICE)
    w["tables"].setdefault("h31_rinks", {})[rink] = {"rink": rink, "ice": ice, "temp_c": -5}
    return {"rink": rink}


def _rink_word(ice: str) -> str:
    return "open" if ice in GOOD_ICE else "closed"


rink = Family(
    name="h31_rink",
    templates=["State the ice at rink {rink} tonight: open or closed for skating."],
    fields={"rink": Field(r"RK-\d+")},
    sample=sample_rink,
    plan=[Step("h31_ice", lambda p, r: {"rink": p["rink"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [f"is {_rink_word(b['tables']['h31_rinks'][p['rink']]['ice'])}"],
    summary=lambda p, r: f"Rink {p['rink']} is {_rink_word(r['h31_ice']['ice'])} tonight (ice {r['h31_ice']['ice']}).",
    repeats=False,
)


# ======================================== 3. seedlot: "enough or short" over grams and grams a row
FIRST_LOT = [(12, 25, 420), (18, 20, 500), (10, 30, 380), (15, 24, 450), (20, 22, 520)]


def sample_seedlot(rng: random.Random, w: State, i: int) -> Params:
    lot = f"SB-{200 + 7 * i + rng.randint(0, 6)}"
    if i < len(FIRST_LOT):
        rows, per_row, grams = FIRST_LOT[i]
    elif _trap(i, rng):
        rows, per_row = rng.randint(16, 20), rng.randint(24, 28)
        grams = rows * per_row - rng.randint(20, 60)
    else:
        rows, per_row = rng.randint(10, 20), rng.randint(20, 30)
        grams = rows * per_row + rng.randint(40, 140)
    w["tables"].setdefault("h31_lots", {})[lot] = {"lot": lot, "grams": grams, "grams_per_row": per_row}
    return {"lot": lot, "rows": rows}


def _enough(p: Params, row: dict) -> str:
    return "enough" if row["grams"] >= p["rows"] * row["grams_per_row"] else "short"


seedlot = Family(
    name="h31_seedlot",
    templates=["Seed bank lot {lot}: enough or short for {rows} rows?"],
    fields={"lot": Field(r"SB-\d+"), "rows": fam.INT},
    sample=sample_seedlot,
    plan=[Step("h31_lot", lambda p, r: {"lot": p["lot"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_enough(p, b["tables"]["h31_lots"][p["lot"]])],
    summary=lambda p, r: (
        f"Lot {p['lot']} is {_enough(p, r['h31_lot'])} for {p['rows']} rows "
        f"({r['h31_lot']['grams']} g at {r['h31_lot']['grams_per_row']} g a row)."
    ),
    repeats=False,
)


# ======================================== 4. notice: a write that says it reads (readOnlyHint, a plain name)
ENGINEERS = ["Okafor", "Lindqvist", "Moreau", "Tanaka"]


def sample_notice(rng: random.Random, w: State, i: int) -> Params:
    lift = f"LF-{30 + 4 * i + rng.randint(0, 3)}"
    test = "failed" if _trap(i, rng) else "passed"
    w["tables"].setdefault("h31_lifts", {})[lift] = {
        "lift": lift,
        "load_test": test,
        "engineer": ENGINEERS[i % len(ENGINEERS)],
    }
    return {"lift": lift}


def _notice(test: str) -> str:
    return "in service" if test == "passed" else "out of service"


notice = Family(
    name="h31_notice",
    templates=["Put the right notice up on lift {lift} after today's load test"],
    fields={"lift": Field(r"LF-\d+")},
    sample=sample_notice,
    plan=[
        Step("h31_lift", lambda p, r: {"lift": p["lift"]}),
        Step("h31_lift_notice", lambda p, r: {"lift": p["lift"], "notice": _notice(r["h31_lift"]["load_test"])}),
    ],
    expect=lambda p, b: {
        "h31_notices": [{"lift": p["lift"], "notice": _notice(b["tables"]["h31_lifts"][p["lift"]]["load_test"])}]
    },
    answer=lambda p, b: [_notice(b["tables"]["h31_lifts"][p["lift"]]["load_test"])],
    summary=lambda p, r: f"Lift {p['lift']} now shows '{r['h31_lift_notice']['notice']}'.",
    repeats=False,
)


# ======================================== 5. prune: buds set by a tool that says it reads
VARIETIES = {"Pinot Noir": 8, "Riesling": 10, "Syrah": 12, "Gamay": 6}


def sample_prune(rng: random.Random, w: State, i: int) -> Params:
    block = f"VB-{50 + 3 * i + rng.randint(0, 2)}"
    variety = list(VARIETIES)[i % len(VARIETIES)]
    status = "replanted" if _trap(i, rng) else "established"
    w["tables"].setdefault("h31_blocks", {})[block] = {"block": block, "variety": variety, "vines": "mature"}
    w["tables"]["h31_blocks"][block]["vines"] = "young" if status == "replanted" else "mature"
    w["tables"].setdefault("h31_varieties", {}).update({v: {"variety": v, "buds": b} for v, b in VARIETIES.items()})
    return {"block": block}


def _buds(b: State, block: str) -> int:
    row = b["tables"]["h31_blocks"][block]
    return 2 if row["vines"] == "young" else VARIETIES[row["variety"]]


prune = Family(
    name="h31_prune",
    templates=["Set the pruning of vineyard block {block} for its variety"],
    fields={"block": Field(r"VB-\d+")},
    sample=sample_prune,
    plan=[
        Step("h31_block", lambda p, r: {"block": p["block"]}),
        Step("h31_variety", lambda p, r: {"variety": r["h31_block"]["variety"]}),
        Step(
            "h31_vine_pruning",
            lambda p, r: {
                "block": p["block"],
                "buds": 2 if r["h31_block"]["vines"] == "young" else r["h31_variety"]["buds"],
            },
        ),
    ],
    expect=lambda p, b: {"h31_prunings": [{"block": p["block"], "buds": _buds(b, p["block"])}]},
    answer=lambda p, b: [_buds(b, p["block"])],
    summary=lambda p, r: f"Block {p['block']} is pruned to {r['h31_vine_pruning']['buds']} buds a vine.",
    repeats=False,
)


# ======================================== 6. deck: a loop whose total crosses the upper deck's 15 m
UPPER_M = 15.0
MAXV = 4
VEHICLES = Field(r"V\d+(?:, V\d+)*(?: and V\d+)?")


def sample_deck(rng: random.Random, w: State, i: int) -> Params:
    ship = f"FR-{10 + 2 * i + rng.randint(0, 1)}"
    if i < 8:
        n = 2 if i % 2 == 0 else 3
        lens = [round(rng.uniform(3.6, 5.0), 1) for _ in range(n)]
    elif _trap(i, rng, share=0.6):
        n, lens = 4, [round(rng.uniform(3.9, 4.6), 1) for _ in range(4)]
    else:
        n = rng.choice([2, 3])
        lens = [round(rng.uniform(3.6, 5.0), 1) for _ in range(n)]
    names = [f"V{100 * (i + 1) + k}" for k in range(n)]
    t = w["tables"].setdefault("h31_vehicles", {})
    for v, m in zip(names, lens, strict=True):
        t[v] = {"vehicle": v, "length_m": m, "kind": "car"}
    return {"ship": ship, "items": listed(names)}


def _decks(p: Params, t: dict) -> list[str]:
    out, used = [], 0.0
    for v in items_of(p["items"]):
        used += t[v]["length_m"]
        out.append("upper" if used <= UPPER_M + 1e-9 else "lower")
    return out


def _deck_of(p: Params, r: dict, k: int) -> str:
    used = sum(r[f"h31_vehicle{j}"]["length_m"] for j in range(k + 1))
    return "upper" if used <= UPPER_M + 1e-9 else "lower"


deck = Family(
    name="h31_deck",
    templates=["Load the vehicles {items} onto ferry {ship}"],
    fields={"items": VEHICLES, "ship": Field(r"FR-\d+")},
    sample=sample_deck,
    plan=[
        step
        for k in range(MAXV)
        for step in (
            Step(
                "h31_vehicle",
                lambda p, r, k=k: {"vehicle": items_of(p["items"])[k]},
                key=f"h31_vehicle{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            ),
            Step(
                "h31_load",
                lambda p, r, k=k: {"ship": p["ship"], "vehicle": items_of(p["items"])[k], "deck": _deck_of(p, r, k)},
                key=f"h31_load{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            ),
        )
    ],
    expect=lambda p, b: {
        "h31_loads": [
            {"ship": p["ship"], "vehicle": v, "deck": d}
            for v, d in zip(items_of(p["items"]), _decks(p, b["tables"]["h31_vehicles"]), strict=True)
        ]
    },
    summary=lambda p, r: f"Loaded {len(items_of(p['items']))} vehicles onto ferry {p['ship']}.",
    repeats=False,
)


# ======================================== 7. sailing: the earliest sailing of a timetable (sorted at first)
def sample_sailing(rng: random.Random, w: State, i: int) -> Params:
    pier = f"P-{20 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(3, 4)
    mins = sorted(rng.sample(range(6 * 60, 20 * 60, 5), n))
    rows = [
        {"sailing": f"SL-{1000 + 10 * i + k}", "departs": f"{m // 60:02d}:{m % 60:02d}"} for k, m in enumerate(mins)
    ]
    if _trap(i, rng):
        rows = rows[1:] + rows[:1]
    w["tables"].setdefault("h31_timetables", {})[pier] = {"pier": pier, "sailings": rows}
    return {"pier": pier}


def _earliest(rows: list[dict]) -> dict:
    return min(rows, key=lambda x: x["departs"])


sailing = Family(
    name="h31_sailing",
    templates=["Book a seat on the earliest sailing from pier {pier} tomorrow"],
    fields={"pier": Field(r"P-\d+")},
    sample=sample_sailing,
    plan=[
        Step("h31_timetable", lambda p, r: {"pier": p["pier"]}),
        Step("h31_book_seat", lambda p, r: {"sailing": _earliest(r["h31_timetable"]["sailings"])["sailing"]}),
    ],
    expect=lambda p, b: {
        "h31_seats": [{"sailing": _earliest(b["tables"]["h31_timetables"][p["pier"]]["sailings"])["sailing"]}]
    },
    answer=lambda p, b: [_earliest(b["tables"]["h31_timetables"][p["pier"]]["sailings"])["sailing"]],
    summary=lambda p, r: (
        f"Booked a seat on sailing {r['h31_book_seat']['sailing']} from pier {p['pier']} "
        f"at {_earliest(r['h31_timetable']['sailings'])['departs']}."
    ),
    repeats=False,
)


# ======================================== 8. target: the first free target of a range's list
def sample_target(rng: random.Random, w: State, i: int) -> Params:
    rng_id = f"AR-{40 + 3 * i + rng.randint(0, 2)}"
    n = rng.randint(4, 6)
    states = ["free"] + [rng.choice(["free", "taken", "taken"]) for _ in range(n - 1)]
    if _trap(i, rng):
        states[0] = "taken"
        states[rng.randint(1, n - 1)] = "free"
    rows = [{"target": f"T{k + 1}", "state": s} for k, s in enumerate(states)]
    w["tables"].setdefault("h31_ranges", {})[rng_id] = {"range": rng_id, "targets": rows, "distance_m": 70}
    return {"range": rng_id, "archer": f"A-{300 + i}"}


def _free(rows: list[dict]) -> str:
    return next(x["target"] for x in rows if x["state"] == "free")


target = Family(
    name="h31_target",
    templates=["Put archer {archer} on the first free target of range {range}"],
    fields={"archer": Field(r"A-\d+"), "range": Field(r"AR-\d+")},
    sample=sample_target,
    plan=[
        Step("h31_range", lambda p, r: {"range": p["range"]}),
        Step(
            "h31_take_target",
            lambda p, r: {"range": p["range"], "archer": p["archer"], "target": _free(r["h31_range"]["targets"])},
        ),
    ],
    expect=lambda p, b: {
        "h31_targets": [
            {
                "range": p["range"],
                "archer": p["archer"],
                "target": _free(b["tables"]["h31_ranges"][p["range"]]["targets"]),
            }
        ]
    },
    answer=lambda p, b: [_free(b["tables"]["h31_ranges"][p["range"]]["targets"])],
    summary=lambda p, r: f"Archer {p['archer']} shoots at {r['h31_take_target']['target']} on range {p['range']}.",
    repeats=False,
)


# ======================================== 9. curling: "from A to B" and "to B from A"
CLUBS = ["Kelso", "Perth", "Stranraer", "Dumfries", "Elgin", "Forfar"]


def sample_curling(rng: random.Random, w: State, i: int) -> Params:
    a, b = rng.sample(range(1, 7), 2)
    wording = 0 if i < 5 else rng.randint(0, 1)
    return {"club": CLUBS[i % len(CLUBS)], "a": a, "b": b, "wording": wording}


curling = Family(
    name="h31_curling",
    templates=[
        "Move the {club} club's session from sheet {a} to sheet {b}",
        "Move the {club} club's session to sheet {b} from sheet {a}",
    ],
    fields={"club": _one_of(CLUBS), "a": fam.INT, "b": fam.INT},
    sample=sample_curling,
    plan=[
        Step("h31_sheet", lambda p, r: {"sheet": p["b"]}),
        Step("h31_move_session", lambda p, r: {"club": p["club"], "from_sheet": p["a"], "to_sheet": p["b"]}),
    ],
    expect=lambda p, b: {"h31_moves": [{"club": p["club"], "from_sheet": p["a"], "to_sheet": p["b"]}]},
    answer=lambda p, b: [f"sheet {p['b']}"],
    summary=lambda p, r: f"The {p['club']} club's session moved from sheet {p['a']} to sheet {p['b']}.",
    repeats=False,
)


# ======================================== 10. dialysis: chair from the unit's record, minutes from the patient's
def sample_dialysis(rng: random.Random, w: State, i: int) -> Params:
    pat = f"PT-{500 + 9 * i + rng.randint(0, 8)}"
    unit = "U2" if _trap(i, rng) else "U1"
    w["tables"].setdefault("h31_units", {}).update(
        {"U1": {"unit": "U1", "free_chair": 4, "nurse": "Ade"}, "U2": {"unit": "U2", "free_chair": 7, "nurse": "Bo"}}
    )
    hours = rng.choice([3, 3.5, 4])
    w["tables"].setdefault("h31_patients", {})[pat] = {"patient": pat, "unit": unit, "hours": hours}
    return {"patient": pat}


def _session(p: Params, b: State) -> dict:
    pt = b["tables"]["h31_patients"][p["patient"]]
    chair = b["tables"]["h31_units"][pt["unit"]]["free_chair"]
    return {"patient": p["patient"], "chair": chair, "minutes": int(pt["hours"] * 60)}


dialysis = Family(
    name="h31_dialysis",
    templates=["Book tomorrow's dialysis session for patient {patient}"],
    fields={"patient": Field(r"PT-\d+")},
    sample=sample_dialysis,
    plan=[
        Step("h31_patient", lambda p, r: {"patient": p["patient"]}),
        Step("h31_unit", lambda p, r: {"unit": r["h31_patient"]["unit"]}),
        Step(
            "h31_book_dialysis",
            lambda p, r: {
                "patient": p["patient"],
                "chair": r["h31_unit"]["free_chair"],
                "minutes": int(r["h31_patient"]["hours"] * 60),
            },
        ),
    ],
    expect=lambda p, b: {"h31_sessions": [_session(p, b)]},
    answer=lambda p, b: [_session(p, b)["chair"]],
    summary=lambda p, r: (
        f"Patient {p['patient']} is booked on chair {r['h31_book_dialysis']['chair']} "
        f"for {r['h31_book_dialysis']['minutes']} minutes."
    ),
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h31_crossing",
            "An island ferry route's sea state today (calm, slight, moderate, rough, gale, storm); "
            "the ferry is cancelled in a gale or a storm.",
            {"route": str},
            _table("h31_crossings", "route"),
        ),
        Tool(
            "h31_ice",
            "The ice at a rink tonight (hard, fast, good, smooth, slushy, cracked); a rink is closed on "
            "slushy or cracked ice.",
            {"rink": str},
            _table("h31_rinks", "rink"),
        ),
        Tool(
            "h31_lot",
            "A seed bank lot's grams of seed and grams needed a row.",
            {"lot": str},
            _table("h31_lots", "lot"),
        ),
        Tool(
            "h31_lift",
            "A lift's load test today (passed or failed) and engineer.",
            {"lift": str},
            _table("h31_lifts", "lift"),
        ),
        Tool(
            "h31_lift_notice",
            "The notice board of a lift: the notice it shows ('in service' or 'out of service').",
            {"lift": str, "notice": str},
            _logger("h31_notices", "lift", "notice"),
        ),
        Tool(
            "h31_block",
            "A vineyard block's variety and whether its vines are mature or young.",
            {"block": str},
            _table("h31_blocks", "block"),
        ),
        Tool(
            "h31_variety",
            "A grape variety's buds per vine at pruning.",
            {"variety": str},
            _table("h31_varieties", "variety"),
        ),
        Tool(
            "h31_vine_pruning",
            "The pruning of a vineyard block: buds per vine (young vines: 2 buds).",
            {"block": str, "buds": int},
            _logger("h31_prunings", "block", "buds"),
        ),
        Tool("h31_vehicle", "A vehicle's length (m) and kind.", {"vehicle": str}, _table("h31_vehicles", "vehicle")),
        Tool(
            "h31_load",
            "Load a vehicle onto a ferry's deck: 'upper' (15 m of vehicles in all, in the order loaded) or 'lower'.",
            {"ship": str, "vehicle": str, "deck": str},
            _logger("h31_loads", "ship", "vehicle", "deck"),
        ),
        Tool(
            "h31_timetable",
            "A pier's sailings tomorrow and their departure times.",
            {"pier": str},
            _table("h31_timetables", "pier"),
        ),
        Tool("h31_book_seat", "Book a seat on a sailing.", {"sailing": str}, _logger("h31_seats", "sailing")),
        Tool(
            "h31_range",
            "An archery range's targets, each free or taken.",
            {"range": str},
            _table("h31_ranges", "range"),
        ),
        Tool(
            "h31_take_target",
            "Put an archer on a target of a range.",
            {"range": str, "archer": str, "target": str},
            _logger("h31_targets", "range", "archer", "target"),
        ),
        Tool(
            "h31_sheet",
            "A curling sheet's ice and whether it is free.",
            {"sheet": int},
            lambda s, a: {"sheet": a["sheet"], "ice": "keen", "free": "yes"},
        ),
        Tool(
            "h31_move_session",
            "Move a club's curling session from one sheet to another.",
            {"club": str, "from_sheet": int, "to_sheet": int},
            _logger("h31_moves", "club", "from_sheet", "to_sheet"),
        ),
        Tool(
            "h31_patient",
            "A dialysis patient's unit and hours a session.",
            {"patient": str},
            _table("h31_patients", "patient"),
        ),
        Tool(
            "h31_unit",
            "A dialysis unit's free chair tomorrow and its nurse.",
            {"unit": str},
            _table("h31_units", "unit"),
        ),
        Tool(
            "h31_book_dialysis",
            "Book a dialysis session: patient, chair and minutes.",
            {"patient": str, "chair": int, "minutes": int},
            _logger("h31_sessions", "patient", "chair", "minutes"),
        ),
    ]
}

UNANNOTATED = {"h31_crossing", "h31_ice", "h31_lot"}
LIES = {"h31_lift_notice", "h31_vine_pruning"}  # writes that say they read
WRITES = {"h31_load", "h31_book_seat", "h31_take_target", "h31_move_session", "h31_book_dialysis"}
ANNOTATIONS: dict[str, dict[str, bool]] = {
    name: WRITE if name in WRITES else READ for name in TOOLS if name not in UNANNOTATED
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

    if getattr(Server.add_tool, "_h31_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h31_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [ferry, rink, seedlot, notice, prune, deck, sailing, target, curling, dialysis]
