"""Probe families for a plan learned from a coincidence (rule 2, `learning/_refit.py`), in domains no
other set uses. Same interface as the public `families.py`; it needs none of its tools (prefix `rf_`):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \\
        --families bench/families_refit.py --goals 10 --seed 3

In both families the first goal's numbers make a plain quotient give the same answer as the true
rule, so the usual explanations fit it; later goals do not. The true rule rounds up, and later goals
fall where rounding up and to nearest differ (the model must decide those until its runs rule one out).

- rf_paint    tins of paint for the walls still to paint: ceil((wall_m2 - painted_m2) / m2 per tin)
- rf_coach    coaches for a trip's riders and staff: ceil((riders + staff) / seats per coach)
"""

from __future__ import annotations

import math
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
INT = fam.INT
State = dict[str, Any]
Params = dict[str, Any]


def _append(section: str, keys: list[str]):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"ok": True}

    return run


def _lookup(table: str, key: str):
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(table, {}).get(a[key])
        if row is None:
            raise ToolFail(f"unknown {key} {a[key]}")
        return {key: a[key], **row}

    return run


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "rf_room", "The wall area of a room and how much of it is painted.", {"room": str}, _lookup("rooms", "room")
        ),
        Tool(
            "rf_buy_tins",
            "Buy tins of paint for a room.",
            {"room": str, "tins": int},
            _append("tins", ["room", "tins"]),
        ),
        Tool("rf_trip", "The riders and staff of a trip.", {"trip": str}, _lookup("trips", "trip")),
        Tool(
            "rf_hire_coaches",
            "Hire coaches for a trip.",
            {"trip": str, "coaches": int},
            _append("coaches", ["trip", "coaches"]),
        ),
    ]
}


def sample_paint(rng: random.Random, w: State, i: int) -> Params:
    room = f"R{rng.randint(100, 999)}"
    if i == 0:  # 120 / 12 = 10 = ceil((120 - 5) / 12): the coincidence
        wall, painted, cover = 120, 5, 12
    else:
        cover = rng.choice([8, 10, 12])
        wall = rng.randint(60, 200)
        painted = rng.randint(0, wall - cover)
    w["tables"].setdefault("rooms", {})[room] = {"wall_m2": wall, "painted_m2": painted}
    return {"room": room, "cover": cover}


def _tins(b: State, p: Params) -> int:
    row = b["tables"]["rooms"][p["room"]]
    return math.ceil((row["wall_m2"] - row["painted_m2"]) / p["cover"])


paint = Family(
    name="rf_paint",
    templates=["Buy paint for room {room}, {cover} square metres per tin"],
    fields={"room": Field(r"R\d+"), "cover": INT},
    sample=sample_paint,
    plan=[
        Step("rf_room", lambda p, r: {"room": p["room"]}),
        Step(
            "rf_buy_tins",
            lambda p, r: {
                "room": p["room"],
                "tins": math.ceil((r["rf_room"]["wall_m2"] - r["rf_room"]["painted_m2"]) / p["cover"]),
            },
        ),
    ],
    expect=lambda p, b: {"tins": [{"room": p["room"], "tins": _tins(b, p)}]},
)


def sample_coach(rng: random.Random, w: State, i: int) -> Params:
    trip = f"trip-{rng.randint(10, 99)}"
    if i == 0:  # riders 194 + staff 6 = 200, 200 / 50 = 4: riders / 50 = 3.88 rounds to 4 as well
        riders, staff, seats = 194, 6, 50
    else:
        seats = rng.choice([40, 50, 60])
        riders, staff = rng.randint(40, 300), rng.randint(2, 12)
    w["tables"].setdefault("trips", {})[trip] = {"riders": riders, "staff": staff}
    return {"trip": trip, "seats": seats}


def _coaches(b: State, p: Params) -> int:
    row = b["tables"]["trips"][p["trip"]]
    return math.ceil((row["riders"] + row["staff"]) / p["seats"])


coach = Family(
    name="rf_coach",
    templates=["Hire coaches for {trip}, {seats} seats per coach"],
    fields={"trip": Field(r"trip-\d+"), "seats": INT},
    sample=sample_coach,
    plan=[
        Step("rf_trip", lambda p, r: {"trip": p["trip"]}),
        Step(
            "rf_hire_coaches",
            lambda p, r: {
                "trip": p["trip"],
                "coaches": math.ceil((r["rf_trip"]["riders"] + r["rf_trip"]["staff"]) / p["seats"]),
            },
        ),
    ],
    expect=lambda p, b: {"coaches": [{"trip": p["trip"], "coaches": _coaches(b, p)}]},
)

FAMILIES: list[Family] = [paint, coach]
