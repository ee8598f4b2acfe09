"""Held-out probe words2 (issue 9, helper words2, stop 36): a judgement stated with no copied category.

lead35's families answer "LI-62: open (water clear).": the answer copies the result's category ("clear")
and judges it ("open"); stop 35's rule (`_answer_words`) judges such a plan on every result. Here the
answer copies *no* category of a result: it states a verdict in words of its own and nothing else of the
result ("Rink RK-46 is open tonight.", "Ferry FY-27 sails as planned."). Every tool is unannotated (an MCP
server that says nothing: each call counts as a write), the goal is no yes/no question and names no
alternatives, and the read the verdict is made on is the plan's last step (nothing ahead for rule 1).

- w2_rink    "Report on the ice at rink {rink} tonight.": ice smooth/hard/fresh -> open; cracked/slushy -> closed
- w2_ferry   "Give me the crossing outlook for ferry {ferry}.": wind_kmh <= 40 -> sails as planned; 55+ -> cancelled
- w2_well    "Write up the water test for well {well}.": nitrate <= 50 mg/l -> fit to drink; 70+ -> boil-only
- w2_crane   "Status of tower crane {crane} this shift.": the answer copies the inspector's name (no category):
             gusts light/moderate -> cleared for lifting; gale/storm -> grounded
- w2_honey   "Log the moisture of honey batch {batch}.": moisture_pct <= 18.5 -> ready for jarring; 20+ -> drying room
- w2_trail   "What's the trail report for trail {trail}?": a plain-text result: mud "dry"/"firm" -> rideable;
             "knee deep" -> shut to bikes
- w2_bridge  "Check truck {truck} against bridge {bridge}.": two reads (the truck's weight, the bridge's limit):
             weight under the limit -> may cross; over -> detour (each number inside what runs saw)
- w2_dough   "Give the proof report for dough tub {tub}.": rise doubled/nearly doubled -> oven-ready;
             flat/sunk -> reshape
- w2_pool    "Summarise the chlorine check at pool {pool}.": 1.0..3.0 ppm -> swimmers welcome; 0.2..0.6 -> dosing
- w2_kiln    "Report the firing of kiln {kiln}.": a list of hourly readings: a peak >= 1220 C -> fired to cone;
             below 1180 -> refire

Some results echo the goal's identifier (ferry, crane, pool, trail, the bridge's), others state only the
measurement (rink, well, honey, dough, kiln): then nothing of the result feeds the answer or a later step.
Workloads up to `--goals 16`; the first five goals never cross a trap.
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
State = dict[str, Any]
Params = dict[str, Any]


def _trap(i: int, rng: random.Random, first: int = 5, share: float = 0.5) -> bool:
    return i >= first and rng.random() < share


def _table(section: str, key: str) -> Any:
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return dict(row) if isinstance(row, dict) else row

    return run


def _ident(key: str, i: int, rng: random.Random) -> str:
    return f"{key[0].upper()}{key[-1].upper()}-{20 + 7 * i + rng.randint(0, 5)}"


def _single(name, template, key, tool, section, make, ok, good_words, bad_words, say):
    """A family of one read: `make(rng, i, bad)` gives the record (or text), `ok(record)` the verdict."""

    def sample(rng: random.Random, w: State, i: int) -> Params:
        ident = _ident(key, i, rng)
        w["tables"].setdefault(section, {})[ident] = make(rng, i, ident, _trap(i, rng))
        return {key: ident}

    def verdict(rec: Any) -> str:
        return good_words if ok(rec) else bad_words

    return Family(
        name=name,
        templates=[template],
        fields={key: Field(r"[A-Z]{2}-\d+")},
        sample=sample,
        plan=[Step(tool, lambda p, r: {key: p[key]})],
        expect=lambda p, b: {},
        answer=lambda p, b: [verdict(b["tables"][section][p[key]])],
        summary=lambda p, r: say(p[key], verdict(r[tool]), r[tool]),
        repeats=False,
    )


def _pick(rng: random.Random, i: int, bad: bool, good: list[Any], worse: list[Any]) -> Any:
    return rng.choice(worse) if bad else (good[i] if i < len(good) else rng.choice(good))


rink = _single(
    "w2_rink", "Report on the ice at rink {rink} tonight.", "rink", "w2_ice", "w2_rinks",
    lambda rng, i, k, bad: {"ice": _pick(rng, i, bad, ["smooth", "hard", "fresh"], ["cracked", "slushy"]),
                            "crew": "night crew"},
    lambda rec: rec["ice"] in ("smooth", "hard", "fresh"), "open", "closed",
    lambda k, v, rec: f"Rink {k} is {v} tonight.",
)
ferry = _single(
    "w2_ferry", "Give me the crossing outlook for ferry {ferry}.", "ferry", "w2_forecast", "w2_ferries",
    lambda rng, i, k, bad: {"ferry": k, "wind_kmh": rng.randint(55, 80) if bad else rng.randint(8, 40)},
    lambda rec: rec["wind_kmh"] <= 40, "sails as planned", "cancelled",
    lambda k, v, rec: f"Ferry {k} {v}.",
)
well = _single(
    "w2_well", "Write up the water test for well {well}.", "well", "w2_lab", "w2_wells",
    lambda rng, i, k, bad: {"nitrate_mg_l": rng.randint(70, 95) if bad else rng.randint(12, 50)},
    lambda rec: rec["nitrate_mg_l"] <= 50, "fit to drink", "boil-only",
    lambda k, v, rec: f"Well {k}: water {v}.",
)
crane = _single(
    "w2_crane", "Status of tower crane {crane} this shift.", "crane", "w2_crane_check", "w2_cranes",
    lambda rng, i, k, bad: {"crane": k, "gusts": _pick(rng, i, bad, ["light", "moderate"], ["gale", "storm"]),
                            "inspector": rng.choice(["Ana Ruiz", "Tom Berg", "Lea Voss"])},
    lambda rec: rec["gusts"] in ("light", "moderate"), "cleared for lifting", "grounded",
    lambda k, v, rec: f"Crane {k} {v} (inspector {rec['inspector']}).",
)
honey = _single(
    "w2_honey", "Log the moisture of honey batch {batch}.", "batch", "w2_refractometer", "w2_batches",
    lambda rng, i, k, bad: {
        "moisture_pct": round(rng.uniform(20.0, 23.0) if bad else rng.uniform(15.5, 18.5), 1)
    },
    lambda rec: rec["moisture_pct"] <= 18.5, "ready for jarring", "drying room",
    lambda k, v, rec: f"Batch {k}: {v}.",
)
trail = _single(
    "w2_trail", "What's the trail report for trail {trail}?", "trail", "w2_ranger_note", "w2_trails",
    lambda rng, i, k, bad: (
        f"Trail {k}. Mud: {_pick(rng, i, bad, ['dry', 'firm', 'dry'], ['knee deep', 'flooded'])}. "
        f"Trees down: {rng.randint(0, 1)}. Ranger: M. Okafor."
    ),
    lambda rec: "Mud: dry." in rec or "Mud: firm." in rec, "rideable", "shut to bikes",
    lambda k, v, rec: f"Trail {k} is {v} today.",
)
dough = _single(
    "w2_dough", "Give the proof report for dough tub {tub}.", "tub", "w2_proof", "w2_tubs",
    lambda rng, i, k, bad: {"rise": _pick(rng, i, bad, ["doubled", "nearly doubled"], ["flat", "sunk"])},
    lambda rec: rec["rise"] in ("doubled", "nearly doubled"), "oven-ready", "reshape",
    lambda k, v, rec: f"Tub {k} is {v}." if v == "oven-ready" else f"Tub {k}: {v} and prove again.",
)
pool = _single(
    "w2_pool", "Summarise the chlorine check at pool {pool}.", "pool", "w2_chlorine", "w2_pools",
    lambda rng, i, k, bad: {
        "pool": k, "free_chlorine_ppm": round(rng.uniform(0.2, 0.6) if bad else rng.uniform(1.0, 3.0), 1)
    },
    lambda rec: 1.0 <= rec["free_chlorine_ppm"] <= 3.0, "swimmers welcome", "shut for dosing",
    lambda k, v, rec: f"Pool {k}: {v}.",
)


def _kiln_log(rng: random.Random, i: int, k: str, bad: bool) -> list[dict]:
    peak = rng.randint(1100, 1175) if bad else rng.randint(1222, 1260)
    return [{"hour": h, "temp_c": round(peak * f)} for h, f in enumerate([0.3, 0.6, 0.85, 1.0, 0.7], start=1)]


kiln = _single(
    "w2_kiln", "Report the firing of kiln {kiln}.", "kiln", "w2_kiln_log", "w2_kilns", _kiln_log,
    lambda rec: max(r["temp_c"] for r in rec) >= 1220, "fired to cone", "refire",
    lambda k, v, rec: f"Kiln {k} {v}." if v == "fired to cone" else f"Kiln {k}: under-fired, {v} needed.",
)


# two reads: a truck's weight and a bridge's limit, each inside what the runs saw; the order decides
def sample_bridge(rng: random.Random, w: State, i: int) -> Params:
    truck, bridge = _ident("truck", i, rng), _ident("bridge", i, rng)
    limit = rng.choice([18, 24, 30])
    weight = limit + rng.randint(2, 6) if _trap(i, rng) else limit - rng.randint(2, 8)
    if i < 5:
        limit, weight = [(30, 22), (18, 12), (24, 20), (30, 26), (18, 14)][i]
    w["tables"].setdefault("w2_trucks", {})[truck] = {"truck": truck, "gross_t": weight}
    w["tables"].setdefault("w2_bridges", {})[bridge] = {"bridge": bridge, "limit_t": limit}
    return {"truck": truck, "bridge": bridge}


def _crosses(truck: dict, bridge: dict) -> str:
    return "may cross" if truck["gross_t"] <= bridge["limit_t"] else "detour"


bridge = Family(
    name="w2_bridge",
    templates=["Check truck {truck} against bridge {bridge}."],
    fields={"truck": Field(r"[A-Z]{2}-\d+"), "bridge": Field(r"[A-Z]{2}-\d+")},
    sample=sample_bridge,
    plan=[
        Step("w2_weighbridge", lambda p, r: {"truck": p["truck"]}),
        Step("w2_bridge_sign", lambda p, r: {"bridge": p["bridge"]}),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_crosses(b["tables"]["w2_trucks"][p["truck"]], b["tables"]["w2_bridges"][p["bridge"]])],
    summary=lambda p, r: (
        f"Truck {p['truck']} may cross bridge {p['bridge']}."
        if _crosses(r["w2_weighbridge"], r["w2_bridge_sign"]) == "may cross"
        else f"Truck {p['truck']}: take the detour around bridge {p['bridge']}."
    ),
    repeats=False,
)

TOOLS = {
    t.name: t
    for t in [
        Tool("w2_ice", "The ice at a rink tonight; the rink closes on cracked or slushy ice.", {"rink": str},
             _table("w2_rinks", "rink")),
        Tool("w2_forecast", "The wind forecast for a ferry's crossing; above 40 km/h it is cancelled.", {"ferry": str},
             _table("w2_ferries", "ferry")),
        Tool("w2_lab", "A well's nitrate test; above 50 mg/l the water is boil-only.", {"well": str},
             _table("w2_wells", "well")),
        Tool("w2_crane_check", "A tower crane's shift check; gale or storm gusts ground it.", {"crane": str},
             _table("w2_cranes", "crane")),
        Tool("w2_refractometer", "A honey batch's moisture; above 18.5% it goes to the drying room.",
             {"batch": str}, _table("w2_batches", "batch")),
        Tool("w2_ranger_note", "A trail's ranger note (plain text); deep mud shuts it to bikes.", {"trail": str},
             _table("w2_trails", "trail")),
        Tool("w2_proof", "A dough tub's rise; flat or sunk dough is reshaped.", {"tub": str},
             _table("w2_tubs", "tub")),
        Tool("w2_chlorine", "A pool's free chlorine; outside 1-3 ppm it shuts for dosing.", {"pool": str},
             _table("w2_pools", "pool")),
        Tool("w2_kiln_log", "A kiln's hourly temperatures of its last firing; a peak under 1220 C needs a refire.",
             {"kiln": str}, _table("w2_kilns", "kiln")),
        Tool("w2_weighbridge", "A truck's gross weight in tonnes.", {"truck": str}, _table("w2_trucks", "truck")),
        Tool("w2_bridge_sign", "A bridge's weight limit in tonnes.", {"bridge": str}, _table("w2_bridges", "bridge")),
    ]
}

FAMILIES = [rink, ferry, well, crane, honey, trail, bridge, dough, pool, kiln]
