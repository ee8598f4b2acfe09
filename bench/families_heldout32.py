"""Held-out probe 32 (issue 9, helper redAP): a fresh red team against replayed writes and answers.

Written by an adversary who knows docs/replay-rules.md and the last stops' "noticed, left alone" notes, in
domains no earlier set used (canal locks, sourdough starters, bell foundries, blood banks, glacier huts,
typewriter repair, cable cars, orchid houses, falconry mews, organ tuning). Reads carry `readOnlyHint`, writes
plain non-idempotent hints (every tool annotated). Every value a rule checks stays inside what the first goals
showed where the family allows it.

- h32_lock      canal locks: a sill depth read with its unit field ("m" or "ft"); the first goals see both
                units; a trap's depth in feet lies inside every depth seen but under the boat's draft in metres
- h32_starter   sourdough starters: a rise read as "times" or "percent" (a field says which); a trap's
                percent lies inside the union of every rise seen but under 100%
- h32_bell      bell foundries: a bell's weight in "kg" or "cwt"; a trap's cwt is past the frame's kg limit
- h32_blood     blood banks: the reservation's acknowledgement says a queue place (0: reserved now); the
                answer states "reserved" or "waiting list" in its own words, the write is annotated
- h32_hut       glacier huts: the booking's acknowledgement gives the bunks allocated, equal to the party's
                size in every first goal; a trap allocates fewer (the answer repeats the number)
- h32_platen    typewriter repair: a part fits the machine when the part's "fits" equals the machine's model
                (two reads' texts equal in every first goal); a trap's part fits another model
- h32_cabins    cable cars: a line opens with the count of its cabins that passed the check; long lists whose
                every first goal's cabin passed; a trap's failed cabin sits late in the list
- h32_orchid    orchid houses: a night reading with "sensor": "live" or "stale"; a stale reading's value is
                old: the oracle reads the backup probe; a trap's stale reading lies inside the range
- h32_mews      falconry mews: a bird's weight change "gain" or "loss" since yesterday; fly if under flying
                weight; a trap's change sign flips with the same magnitude
- h32_organ     organ tuning: the tuner's booking acknowledgement names the date booked, equal to the goal's
                date in every first goal; a trap books the next free day

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


def _trap(i: int, rng: random.Random, first: int = 6, share: float = 0.5) -> bool:
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


# ======================================== 1. lock: a sill depth whose unit is another field
BOATS = ["Kestrel", "Heron", "Otter", "Mallard", "Wren", "Dipper", "Teal", "Coot"]
DRAFTS = [1.2, 1.3, 1.4, 1.5]
FT = 0.3048
FIRST_SILL = [("m", 2.1), ("ft", 7.4), ("m", 1.9), ("ft", 6.8), ("m", 2.4), ("ft", 7.9)]


def sample_lock(rng: random.Random, w: State, i: int) -> Params:
    lock = f"CL-{10 + 4 * i + rng.randint(0, 3)}"
    draft = DRAFTS[i % len(DRAFTS)]
    if i < len(FIRST_SILL):
        unit, depth = FIRST_SILL[i]
    elif _trap(i, rng):
        unit, depth, draft = "ft", round(rng.uniform(4.0, 4.4), 1), rng.choice([1.4, 1.5])
    elif rng.random() < 0.5:
        unit, depth = "m", round(rng.uniform(1.9, 2.5), 1)
    else:
        unit, depth = "ft", round(rng.uniform(6.6, 8.0), 1)
    w["tables"].setdefault("h32_sills", {})[lock] = {"lock": lock, "sill_depth": depth, "unit": unit, "keeper": "Ames"}
    return {"lock": lock, "boat": BOATS[i % len(BOATS)], "draft": draft}


def _passage(draft: float, row: dict) -> str:
    metres = row["sill_depth"] * (FT if row["unit"] == "ft" else 1.0)
    return "booked" if metres >= draft + 0.2 - 1e-9 else "refused"


lock = Family(
    name="h32_lock",
    templates=["Book boat {boat} (draft {draft} m) through canal lock {lock} today"],
    fields={"boat": _one_of(BOATS), "draft": fam.NUM, "lock": Field(r"CL-\d+")},
    sample=sample_lock,
    plan=[
        Step("h32_sill", lambda p, r: {"lock": p["lock"]}),
        Step(
            "h32_lock_passage",
            lambda p, r: {
                "lock": p["lock"],
                "boat": p["boat"],
                "draft_m": p["draft"],
                "decision": _passage(p["draft"], r["h32_sill"]),
            },
        ),
    ],
    expect=lambda p, b: {
        "h32_passages": [
            {
                "lock": p["lock"],
                "boat": p["boat"],
                "draft_m": p["draft"],
                "decision": _passage(p["draft"], b["tables"]["h32_sills"][p["lock"]]),
            }
        ]
    },
    answer=lambda p, b: [_passage(p["draft"], b["tables"]["h32_sills"][p["lock"]])],
    summary=lambda p, r: (
        f"Boat {p['boat']} is {r['h32_lock_passage']['decision']} through lock {p['lock']} "
        f"(sill {r['h32_sill']['sill_depth']} {r['h32_sill']['unit']}, draft {p['draft']} m)."
    ),
    repeats=False,
)


# ======================================== 2. starter: a rise read as "times" or "percent"
FIRST_RISE = [
    ("times", 2.2, 7),
    ("percent", 130, 8),
    ("times", 2.5, 6),
    ("percent", 115, 9),
    ("times", 2.1, 8),
    ("percent", 150, 7),
]


def sample_starter(rng: random.Random, w: State, i: int) -> Params:
    jar = f"SJ-{20 + 3 * i + rng.randint(0, 2)}"
    if i < len(FIRST_RISE):
        measure, rise, hours = FIRST_RISE[i]
    elif _trap(i, rng):
        measure, rise, hours = "percent", rng.randint(55, 85), rng.randint(6, 9)
    elif rng.random() < 0.5:
        measure, rise, hours = "times", round(rng.uniform(2.0, 2.6), 1), rng.randint(6, 9)
    else:
        measure, rise, hours = "percent", rng.randint(105, 160), rng.randint(6, 9)
    w["tables"].setdefault("h32_jars", {})[jar] = {
        "jar": jar,
        "rise": rise,
        "measure": measure,
        "hours_since_feed": hours,
    }
    return {"jar": jar}


def _bake(row: dict) -> str:
    ready = row["rise"] >= 2.0 if row["measure"] == "times" else row["rise"] >= 100
    return "bake" if ready else "feed"


starter = Family(
    name="h32_starter",
    templates=["Schedule this morning's bake for sourdough starter jar {jar}"],
    fields={"jar": Field(r"SJ-\d+")},
    sample=sample_starter,
    plan=[
        Step("h32_jar", lambda p, r: {"jar": p["jar"]}),
        Step("h32_schedule", lambda p, r: {"jar": p["jar"], "action": _bake(r["h32_jar"])}),
    ],
    expect=lambda p, b: {"h32_schedules": [{"jar": p["jar"], "action": _bake(b["tables"]["h32_jars"][p["jar"]])}]},
    answer=lambda p, b: [_bake(b["tables"]["h32_jars"][p["jar"]])],
    summary=lambda p, r: (
        f"Starter jar {p['jar']}: {r['h32_schedule']['action']} "
        f"(rise {r['h32_jar']['rise']} {r['h32_jar']['measure']} after {r['h32_jar']['hours_since_feed']} h)."
    ),
    repeats=False,
)


# ======================================== 3. bell: a weight in "kg" or "cwt" against a frame's kg
FRAMES = {
    "Ashby": 800,
    "Barford": 760,
    "Cotes": 880,
    "Denby": 820,
    "Elmore": 700,
    "Fenwick": 900,
    "Garton": 720,
    "Hexham": 740,
}
TOWERS = list(FRAMES)
CWT = 50.8
FIRST_BELL = [("kg", 520), ("cwt", 10), ("kg", 610), ("cwt", 12), ("kg", 450), ("cwt", 9)]


def sample_bell(rng: random.Random, w: State, i: int) -> Params:
    bell = f"BL-{300 + 5 * i + rng.randint(0, 4)}"
    tower = TOWERS[i % len(TOWERS)]
    if i < len(FIRST_BELL):
        unit, weight = FIRST_BELL[i]
    elif _trap(i, rng):
        unit, weight, tower = "cwt", rng.randint(15, 17), rng.choice(["Elmore", "Garton", "Hexham"])
    elif rng.random() < 0.5:
        unit, weight = "kg", rng.randint(430, 640)
    else:
        unit, weight = "cwt", rng.randint(8, 12)
    w["tables"].setdefault("h32_bells", {})[bell] = {"bell": bell, "weight": weight, "unit": unit, "note": "E"}
    w["tables"]["h32_frames"] = {t: {"tower": t, "frame_max_kg": kg} for t, kg in FRAMES.items()}
    return {"bell": bell, "tower": tower}


def _hang(bell: dict, frame: dict) -> str:
    kg = bell["weight"] * (CWT if bell["unit"] == "cwt" else 1.0)
    return "hang" if kg <= frame["frame_max_kg"] else "hold"


def _bell_world(p: Params, b: State) -> tuple[dict, dict]:
    t = b["tables"]
    return t["h32_bells"][p["bell"]], t["h32_frames"][p["tower"]]


bell = Family(
    name="h32_bell",
    templates=["Hang the new bell {bell} in the frame of {tower} tower"],
    fields={"bell": Field(r"BL-\d+"), "tower": _one_of(TOWERS)},
    sample=sample_bell,
    plan=[
        Step("h32_bell_cast", lambda p, r: {"bell": p["bell"]}),
        Step("h32_frame", lambda p, r: {"tower": p["tower"]}),
        Step(
            "h32_hang_bell",
            lambda p, r: {"bell": p["bell"], "tower": p["tower"], "action": _hang(r["h32_bell_cast"], r["h32_frame"])},
        ),
    ],
    expect=lambda p, b: {
        "h32_hangings": [{"bell": p["bell"], "tower": p["tower"], "action": _hang(*_bell_world(p, b))}]
    },
    answer=lambda p, b: [_hang(*_bell_world(p, b))],
    summary=lambda p, r: (
        f"Bell {p['bell']} at {p['tower']}: {r['h32_hang_bell']['action']} "
        f"({r['h32_bell_cast']['weight']} {r['h32_bell_cast']['unit']}, frame {r['h32_frame']['frame_max_kg']} kg)."
    ),
    repeats=False,
)


# ======================================== 4. blood: the acknowledgement's queue place decides the answer's words
GROUPS = ["O-", "O+", "A-", "A+", "B+", "AB+"]


def sample_blood(rng: random.Random, w: State, i: int) -> Params:
    patient = f"BP-{700 + 9 * i + rng.randint(0, 8)}"
    queue = rng.randint(1, 4) if _trap(i, rng) else 0
    w["tables"].setdefault("h32_queue", {})[patient] = queue
    return {"patient": patient, "units": 1 + i % 4, "group": GROUPS[i % len(GROUPS)]}


def _reserve(s: State, a: dict) -> dict:
    rows = s.setdefault("h32_reservations", [])
    rows.append({"patient": a["patient"], "group": a["group"], "units": a["units"]})
    queue = s["tables"].get("h32_queue", {}).get(str(a["patient"]), 0)
    return {"reservation": f"RB-{4100 + 7 * len(rows)}", "units": a["units"], "queue": queue}


def _blood_words(p: Params, queue: int) -> list[Any]:
    return ["reserved"] if queue == 0 else ["waiting list", queue]


blood = Family(
    name="h32_blood",
    templates=["Reserve {units} units of {group} blood for patient {patient}"],
    fields={"units": fam.INT, "group": _one_of(GROUPS), "patient": Field(r"BP-\d+")},
    sample=sample_blood,
    plan=[
        Step("h32_reserve_blood", lambda p, r: {"patient": p["patient"], "group": p["group"], "units": p["units"]}),
    ],
    expect=lambda p, b: {"h32_reservations": [{"patient": p["patient"], "group": p["group"], "units": p["units"]}]},
    answer=lambda p, b: _blood_words(p, b["tables"]["h32_queue"][p["patient"]]),
    summary=lambda p, r: (
        f"Reserved {p['units']} units of {p['group']} for patient {p['patient']} "
        f"(reservation {r['h32_reserve_blood']['reservation']})."
        if r["h32_reserve_blood"]["queue"] == 0
        else f"Patient {p['patient']} is on the waiting list for {p['units']} units of {p['group']}, place "
        f"{r['h32_reserve_blood']['queue']} (reservation {r['h32_reserve_blood']['reservation']})."
    ),
    repeats=False,
)


# ======================================== 5. hut: the bunks allocated equal the party in every first goal
def sample_hut(rng: random.Random, w: State, i: int) -> Params:
    hut = f"GH-{40 + 3 * i + rng.randint(0, 2)}"
    party = rng.randint(3, 8)
    free = party - rng.randint(1, party - 1) if _trap(i, rng) else party + rng.randint(0, 6)
    w["tables"].setdefault("h32_free", {})[hut] = free
    return {"hut": hut, "party": party}


def _book_bunks(s: State, a: dict) -> dict:
    rows = s.setdefault("h32_bookings", [])
    rows.append({"hut": a["hut"], "bunks": a["bunks"]})
    free = s["tables"].get("h32_free", {}).get(str(a["hut"]), 0)
    return {"booking": f"BK-{8800 + 11 * len(rows)}", "hut": a["hut"], "bunks_allocated": min(int(a["bunks"]), free)}


hut = Family(
    name="h32_hut",
    templates=["Book {party} bunks at glacier hut {hut} for tonight"],
    fields={"party": fam.INT, "hut": Field(r"GH-\d+")},
    sample=sample_hut,
    plan=[Step("h32_book_bunks", lambda p, r: {"hut": p["hut"], "bunks": p["party"]})],
    expect=lambda p, b: {"h32_bookings": [{"hut": p["hut"], "bunks": p["party"]}]},
    answer=lambda p, b: [min(p["party"], b["tables"]["h32_free"][p["hut"]])],
    summary=lambda p, r: (
        f"Booked {r['h32_book_bunks']['bunks_allocated']} bunks at hut {p['hut']} tonight "
        f"(booking {r['h32_book_bunks']['booking']})."
    ),
    repeats=False,
)


# ======================================== 6. platen: two reads' texts equal in every first goal
MODELS = [
    "Olympia SM3",
    "Hermes 3000",
    "Adler Tippa",
    "Erika 10",
    "Underwood 5",
    "Royal Quiet",
    "Olivetti 32",
    "Remington 5",
]


def sample_platen(rng: random.Random, w: State, i: int) -> Params:
    machine, part = f"TW-{100 + 6 * i + rng.randint(0, 5)}", f"TP-{500 + 8 * i + rng.randint(0, 7)}"
    model = MODELS[i % len(MODELS)] if i < len(MODELS) else rng.choice(MODELS)
    fits = rng.choice([m for m in MODELS if m != model]) if _trap(i, rng) else model
    w["tables"].setdefault("h32_machines", {})[machine] = {"machine": machine, "model": model, "owner": "Pike"}
    w["tables"].setdefault("h32_parts", {})[part] = {"part": part, "kind": "platen", "fits": fits}
    return {"machine": machine, "part": part}


def _fits(p: Params, b: State) -> bool:
    t = b["tables"]
    return bool(t["h32_machines"][p["machine"]]["model"] == t["h32_parts"][p["part"]]["fits"])


platen = Family(
    name="h32_platen",
    templates=["Fit the replacement part {part} to typewriter {machine}"],
    fields={"part": Field(r"TP-\d+"), "machine": Field(r"TW-\d+")},
    sample=sample_platen,
    plan=[
        Step("h32_machine", lambda p, r: {"machine": p["machine"]}),
        Step("h32_part", lambda p, r: {"part": p["part"]}),
        Step(
            "h32_fit_part",
            lambda p, r: {"machine": p["machine"], "part": p["part"]},
            when=lambda p, r: r["h32_machine"]["model"] == r["h32_part"]["fits"],
        ),
        Step(
            "h32_return_part",
            lambda p, r: {"part": p["part"], "reason": "wrong model"},
            when=lambda p, r: r["h32_machine"]["model"] != r["h32_part"]["fits"],
        ),
    ],
    expect=lambda p, b: (
        {"h32_fits": [{"machine": p["machine"], "part": p["part"]}]}
        if _fits(p, b)
        else {"h32_returns": [{"part": p["part"], "reason": "wrong model"}]}
    ),
    answer=lambda p, b: ["fitted" if _fits(p, b) else "returned"],
    summary=lambda p, r: (
        f"Fitted part {p['part']} to typewriter {p['machine']} ({r['h32_machine']['model']})."
        if r["h32_machine"]["model"] == r["h32_part"]["fits"]
        else f"Returned part {p['part']}: it fits the {r['h32_part']['fits']}, not the {r['h32_machine']['model']}."
    ),
    repeats=False,
)


# ======================================== 7. cabins: a long list whose late cabin failed
def sample_cabins(rng: random.Random, w: State, i: int) -> Params:
    line = f"CC-{60 + 4 * i + rng.randint(0, 3)}"
    n = rng.randint(12, 18)
    checks = ["passed"] * n
    if _trap(i, rng):
        checks[rng.randint(10, n - 1)] = "failed"
    rows = [{"cabin": f"C{k + 1}", "check": c} for k, c in enumerate(checks)]
    w["tables"].setdefault("h32_lines", {})[line] = {"line": line, "cabins": rows}
    return {"line": line}


def _in_service(rows: list[dict]) -> int:
    return sum(1 for x in rows if x["check"] == "passed")


cabins = Family(
    name="h32_cabins",
    templates=["Open cable car line {line} for the day"],
    fields={"line": Field(r"CC-\d+")},
    sample=sample_cabins,
    plan=[
        Step("h32_line", lambda p, r: {"line": p["line"]}),
        Step("h32_open_line", lambda p, r: {"line": p["line"], "cabins": _in_service(r["h32_line"]["cabins"])}),
    ],
    expect=lambda p, b: {
        "h32_openings": [{"line": p["line"], "cabins": _in_service(b["tables"]["h32_lines"][p["line"]]["cabins"])}]
    },
    answer=lambda p, b: [_in_service(b["tables"]["h32_lines"][p["line"]]["cabins"])],
    summary=lambda p, r: f"Line {p['line']} is open with {r['h32_open_line']['cabins']} cabins.",
    repeats=False,
)


# ======================================== 8. orchid: a deviation whose side is another field
FIRST_DEV = [("above", 2.5), ("below", 0.4), ("above", 1.2), ("below", 0.8), ("above", 3.6), ("below", 0.6)]


def sample_orchid(rng: random.Random, w: State, i: int) -> Params:
    house = f"OH-{10 + 3 * i + rng.randint(0, 2)}"
    if i < len(FIRST_DEV):
        side, dev = FIRST_DEV[i]
    elif _trap(i, rng):
        side, dev = "below", round(rng.uniform(1.6, 3.4), 1)
    elif rng.random() < 0.5:
        side, dev = "above", round(rng.uniform(1.0, 3.8), 1)
    else:
        side, dev = "below", round(rng.uniform(0.2, 0.9), 1)
    w["tables"].setdefault("h32_houses", {})[house] = {
        "house": house,
        "target_c": 18,
        "deviation_c": dev,
        "side": side,
    }
    return {"house": house}


def _heating(row: dict) -> str:
    return "on" if row["side"] == "below" and row["deviation_c"] > 1.0 else "off"


orchid = Family(
    name="h32_orchid",
    templates=["Set tonight's heating in orchid house {house}"],
    fields={"house": Field(r"OH-\d+")},
    sample=sample_orchid,
    plan=[
        Step("h32_house", lambda p, r: {"house": p["house"]}),
        Step("h32_heating", lambda p, r: {"house": p["house"], "heater": _heating(r["h32_house"])}),
    ],
    expect=lambda p, b: {
        "h32_heatings": [{"house": p["house"], "heater": _heating(b["tables"]["h32_houses"][p["house"]])}]
    },
    answer=lambda p, b: [f"heater {_heating(b['tables']['h32_houses'][p['house']])}"],
    summary=lambda p, r: (
        f"Orchid house {p['house']}: heater {r['h32_heating']['heater']} tonight "
        f"({r['h32_house']['deviation_c']} C {r['h32_house']['side']} target)."
    ),
    repeats=False,
)


# ======================================== 9. mews: two reads' weights equal in every first goal
BIRDS = ["Ash", "Briar", "Cinder", "Dusk", "Ember", "Flint", "Gale", "Hazel"]


def sample_mews(rng: random.Random, w: State, i: int) -> Params:
    bird = f"FR-{200 + 7 * i + rng.randint(0, 6)}"
    key = BIRDS[i % len(BIRDS)]
    grams = rng.randint(600, 760)
    today = grams + rng.choice([-14, -9, 8, 12]) if _trap(i, rng) else grams
    w["tables"].setdefault("h32_scale", {})[bird] = {"bird": bird, "weight_g": today, "scale": "S1"}
    w["tables"].setdefault("h32_logs", {})[bird] = {"bird": bird, "last_g": grams, "name": key}
    return {"bird": bird}


mews = Family(
    name="h32_mews",
    templates=["Weigh the hawk ringed {bird} and log today's weight"],
    fields={"bird": Field(r"FR-\d+")},
    sample=sample_mews,
    plan=[
        Step("h32_weigh", lambda p, r: {"bird": p["bird"]}),
        Step("h32_last_log", lambda p, r: {"bird": p["bird"]}),
        Step("h32_log_weight", lambda p, r: {"bird": p["bird"], "weight_g": r["h32_weigh"]["weight_g"]}),
    ],
    expect=lambda p, b: {
        "h32_weights": [{"bird": p["bird"], "weight_g": b["tables"]["h32_scale"][p["bird"]]["weight_g"]}]
    },
    answer=lambda p, b: [b["tables"]["h32_scale"][p["bird"]]["weight_g"]],
    summary=lambda p, r: (
        f"Logged {p['bird']} at {r['h32_log_weight']['weight_g']} g (last {r['h32_last_log']['last_g']} g)."
    ),
    repeats=False,
)


# ======================================== 10. organ: the booked date equals the goal's in every first goal
def sample_organ(rng: random.Random, w: State, i: int) -> Params:
    church = f"CH-{20 + 5 * i + rng.randint(0, 4)}"
    day = 1 + (i * 3) % 24
    date = f"2027-02-{day:02d}"
    shift = rng.randint(1, 3) if _trap(i, rng) else 0
    w["tables"].setdefault("h32_tuner_shift", {})[church] = shift
    return {"church": church, "date": date}


def _booked(date: str, shift: int) -> str:
    y, m, d = date.split("-")
    return f"{y}-{m}-{int(d) + shift:02d}"


def _book_tuner(s: State, a: dict) -> dict:
    rows = s.setdefault("h32_tunings", [])
    rows.append({"church": a["church"], "date": a["date"]})
    shift = s["tables"].get("h32_tuner_shift", {}).get(str(a["church"]), 0)
    return {"booking": f"OT-{300 + 3 * len(rows)}", "church": a["church"], "date_booked": _booked(a["date"], shift)}


organ = Family(
    name="h32_organ",
    templates=["Book the organ tuner for church {church} on {date}"],
    fields={"church": Field(r"CH-\d+"), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_organ,
    plan=[Step("h32_book_tuner", lambda p, r: {"church": p["church"], "date": p["date"]})],
    expect=lambda p, b: {"h32_tunings": [{"church": p["church"], "date": p["date"]}]},
    answer=lambda p, b: [_booked(p["date"], b["tables"]["h32_tuner_shift"][p["church"]])],
    summary=lambda p, r: (
        f"The organ tuner is booked for church {p['church']} on {r['h32_book_tuner']['date_booked']} "
        f"(booking {r['h32_book_tuner']['booking']})."
    ),
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h32_sill",
            "A canal lock's depth over the sill today, in the unit its gauge reads ('m' or 'ft'; 1 ft = 0.3048 m).",
            {"lock": str},
            _table("h32_sills", "lock"),
        ),
        Tool(
            "h32_lock_passage",
            "Book or refuse a boat's passage through a lock: decision 'booked' (depth over the sill at least "
            "the draft + 0.2 m) or 'refused'.",
            {"lock": str, "boat": str, "draft_m": float, "decision": str},
            _logger("h32_passages", "lock", "boat", "draft_m", "decision"),
        ),
        Tool(
            "h32_jar",
            "A sourdough starter jar's rise since its last feed, as 'times' its fed volume or as a 'percent' "
            "rise (the measure field says which), and the hours since the feed.",
            {"jar": str},
            _table("h32_jars", "jar"),
        ),
        Tool(
            "h32_schedule",
            "Schedule a starter jar: 'bake' (it has at least doubled: 2.0 times, 100 percent) or 'feed'.",
            {"jar": str, "action": str},
            _logger("h32_schedules", "jar", "action"),
        ),
        Tool(
            "h32_bell_cast",
            "A newly cast bell's weight in the foundry's unit ('kg' or 'cwt'; 1 cwt = 50.8 kg) and its note.",
            {"bell": str},
            _table("h32_bells", "bell"),
        ),
        Tool(
            "h32_frame",
            "A tower's bell frame and the most it takes (kg).",
            {"tower": str},
            _table("h32_frames", "tower"),
        ),
        Tool(
            "h32_hang_bell",
            "Hang a bell in a tower's frame ('hang'), or hold it at the foundry when too heavy ('hold').",
            {"bell": str, "tower": str, "action": str},
            _logger("h32_hangings", "bell", "tower", "action"),
        ),
        Tool(
            "h32_reserve_blood",
            "Reserve units of a blood group for a patient; the queue place is 0 when reserved now, else the "
            "patient's place on the waiting list.",
            {"patient": str, "group": str, "units": int},
            _reserve,
        ),
        Tool(
            "h32_book_bunks",
            "Book bunks at a glacier hut for tonight; it allocates what is free, up to the bunks asked.",
            {"hut": str, "bunks": int},
            _book_bunks,
        ),
        Tool(
            "h32_machine",
            "A typewriter in for repair: its model and owner.",
            {"machine": str},
            _table("h32_machines", "machine"),
        ),
        Tool("h32_part", "A spare part: its kind and the model it fits.", {"part": str}, _table("h32_parts", "part")),
        Tool(
            "h32_fit_part",
            "Fit a part to a typewriter.",
            {"machine": str, "part": str},
            _logger("h32_fits", "machine", "part"),
        ),
        Tool(
            "h32_return_part",
            "Return a part to the supplier.",
            {"part": str, "reason": str},
            _logger("h32_returns", "part", "reason"),
        ),
        Tool(
            "h32_line",
            "A cable car line's cabins and this morning's check of each.",
            {"line": str},
            _table("h32_lines", "line"),
        ),
        Tool(
            "h32_open_line",
            "Open a cable car line for the day with the number of cabins in service (those that passed).",
            {"line": str, "cabins": int},
            _logger("h32_openings", "line", "cabins"),
        ),
        Tool(
            "h32_house",
            "An orchid house's forecast night temperature against its target: degrees and the side "
            "('above' or 'below' target).",
            {"house": str},
            _table("h32_houses", "house"),
        ),
        Tool(
            "h32_heating",
            "Set an orchid house's night heater 'on' (more than 1 C below target) or 'off'.",
            {"house": str, "heater": str},
            _logger("h32_heatings", "house", "heater"),
        ),
        Tool("h32_weigh", "Weigh a hawk on the mews scale now (g).", {"bird": str}, _table("h32_scale", "bird")),
        Tool("h32_last_log", "A hawk's last logged weight (g).", {"bird": str}, _table("h32_logs", "bird")),
        Tool(
            "h32_log_weight",
            "Log a hawk's weight today (g).",
            {"bird": str, "weight_g": int},
            _logger("h32_weights", "bird", "weight_g"),
        ),
        Tool(
            "h32_book_tuner",
            "Book the organ tuner for a church on a date; books the first free day from that date.",
            {"church": str, "date": str},
            _book_tuner,
        ),
    ]
}

WRITES = {
    "h32_lock_passage",
    "h32_schedule",
    "h32_hang_bell",
    "h32_reserve_blood",
    "h32_book_bunks",
    "h32_fit_part",
    "h32_return_part",
    "h32_open_line",
    "h32_heating",
    "h32_log_weight",
    "h32_book_tuner",
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

    if getattr(Server.add_tool, "_h32_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h32_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [lock, starter, bell, blood, hut, platen, cabins, orchid, mews, organ]
