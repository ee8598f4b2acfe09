"""Held-out probe 30b (issue 9, helper redAN): answers that judge the last result, in other domains.

Written after heldout30 found a yes/no answer replayed over a status no run had shown ("Yes, boats may
pass" over "drained"): a tool that says nothing of its risk counts as a write, and the last call's
result, which the answer judges, had no later step for rule 1 to check it before. These families ask
the same kind of question in other ways, most of them not opened by an auxiliary verb, and judge
numbers as well as words. The tools carry no MCP annotations (an MCP server that says nothing).

- h30b_lift   ski lifts: "Is ski lift L running this morning?", the answer does not copy the status word
- h30b_plot   allotments: "Check if allotment plot P is free to let" (no question mark, no auxiliary)
- h30b_dome   observatory: "Tell me whether the dome of telescope T can open tonight" (whether, no "?")
- h30b_hut    mountain huts: "Does hut H have a free bed tonight?", beds against beds booked (numbers)
- h30b_donor  blood bank: "Find out if donor D may give blood today", days since the last donation
- h30b_river  canoe hire: "See if the river at gauge G is safe to paddle today", a level against a limit
              the same gauge reports

Workloads up to `--goals 16`. The first goals never cross a trap; later goals sometimes do.
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


def _trap(i: int, rng: random.Random, first: int = 4, share: float = 0.5) -> bool:
    return i >= first and rng.random() < share


def _table(section: str, key: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return dict(row)

    return run


def _question(name: str, template: str, field: str, regex: str, tool: str, sample: Any, fact: Any, say: Any) -> Any:
    section = f"{name}s"
    return Family(
        name=name,
        templates=[template],
        fields={field: Field(regex)},
        sample=sample,
        plan=[Step(tool, lambda p, r: {field: p[field]})],
        expect=lambda p, b: {},
        answer=lambda p, b: [fact(p[field], b["tables"][section][p[field]])],
        summary=lambda p, r: say(p[field], r[tool]),
        repeats=False,
    )


# ======================================== 1. lift: a status word, not copied
RUNS = ["open", "reduced speed"]
HOLDS = ["wind hold", "closed"]


def sample_lift(rng: random.Random, w: State, i: int) -> Params:
    lift = f"LF-{10 + 4 * i + rng.randint(0, 3)}"
    status = RUNS[i % 2] if i < 4 else rng.choice(HOLDS if _trap(i, rng) else RUNS)
    w["tables"].setdefault("h30b_lifts", {})[lift] = {"lift": lift, "status": status, "queue_min": 5 + i % 3}
    return {"lift": lift}


def _lift_fact(lift: str, row: dict) -> str:
    return f"lift {lift} is running" if row["status"] in RUNS else f"lift {lift} is not running"


lift = _question(
    "h30b_lift",
    "Is ski lift {lift} running this morning?",
    "lift",
    r"LF-\d+",
    "h30b_lift",
    sample_lift,
    _lift_fact,
    lambda lift, r: (
        f"Yes, {_lift_fact(lift, r)} this morning." if r["status"] in RUNS else f"No, {_lift_fact(lift, r)}."
    ),
)


# ======================================== 2. plot: "Check if ..." (no auxiliary, no question mark)
FREE = ["vacant", "abandoned"]
TAKEN = ["let", "reserved"]


def sample_plot(rng: random.Random, w: State, i: int) -> Params:
    plot = f"P{100 + 5 * i + rng.randint(0, 4)}"
    state = FREE[i % 2] if i < 4 else rng.choice(TAKEN if _trap(i, rng) else FREE)
    w["tables"].setdefault("h30b_plots", {})[plot] = {"plot": plot, "state": state, "size_m2": 250}
    return {"plot": plot}


def _plot_fact(plot: str, row: dict) -> str:
    return f"plot {plot} is free to let" if row["state"] in FREE else f"plot {plot} is not free"


plot = _question(
    "h30b_plot",
    "Check if allotment plot {plot} is free to let",
    "plot",
    r"P\d+",
    "h30b_plot",
    sample_plot,
    _plot_fact,
    lambda plot, r: (
        f"Yes, {_plot_fact(plot, r)} ({r['state']})."
        if r["state"] in FREE
        else f"No, {_plot_fact(plot, r)} ({r['state']})."
    ),
)


# ======================================== 3. dome: "Tell me whether ..." (no question mark)
CLEAR = ["clear", "thin cloud"]
SHUT = ["rain", "fog"]


def sample_dome(rng: random.Random, w: State, i: int) -> Params:
    scope = f"T{20 + 3 * i + rng.randint(0, 2)}"
    sky = CLEAR[i % 2] if i < 4 else rng.choice(SHUT if _trap(i, rng) else CLEAR)
    w["tables"].setdefault("h30b_domes", {})[scope] = {"telescope": scope, "sky": sky, "humidity": 60 + i % 5}
    return {"telescope": scope}


def _dome_fact(scope: str, row: dict) -> str:
    return f"the dome of {scope} can open" if row["sky"] in CLEAR else f"the dome of {scope} stays shut"


dome = _question(
    "h30b_dome",
    "Tell me whether the dome of telescope {telescope} can open tonight",
    "telescope",
    r"T\d+",
    "h30b_dome",
    sample_dome,
    _dome_fact,
    lambda scope, r: f"{_dome_fact(scope, r).capitalize()} tonight (sky: {r['sky']}).",
)


# ======================================== 4. hut: beds against beds booked (numbers)
def sample_hut(rng: random.Random, w: State, i: int) -> Params:
    hut = f"H-{30 + 4 * i + rng.randint(0, 3)}"
    beds = rng.choice([12, 16, 20, 24])
    booked = beds if _trap(i, rng) else rng.randint(6, beds - 2)
    w["tables"].setdefault("h30b_huts", {})[hut] = {"hut": hut, "beds": beds, "booked": booked}
    return {"hut": hut}


def _hut_fact(hut: str, row: dict) -> str:
    return f"hut {hut} has a free bed" if row["booked"] < row["beds"] else f"hut {hut} is full"


hut = _question(
    "h30b_hut",
    "Does hut {hut} have a free bed tonight?",
    "hut",
    r"H-\d+",
    "h30b_hut",
    sample_hut,
    _hut_fact,
    lambda h, r: (
        f"Yes, {_hut_fact(h, r)} tonight ({r['booked']} of {r['beds']} booked)."
        if r["booked"] < r["beds"]
        else f"No, {_hut_fact(h, r)} tonight ({r['booked']} of {r['beds']} booked)."
    ),
)


# ======================================== 5. donor: days since the last donation, at least 84
def sample_donor(rng: random.Random, w: State, i: int) -> Params:
    donor = f"D-{500 + 7 * i + rng.randint(0, 6)}"
    days = rng.randint(40, 83) if _trap(i, rng) else rng.randint(90, 200)
    w["tables"].setdefault("h30b_donors", {})[donor] = {"donor": donor, "days_since_last": days, "group": "O+"}
    return {"donor": donor}


def _donor_fact(donor: str, row: dict) -> str:
    return f"donor {donor} may give blood" if row["days_since_last"] >= 84 else f"donor {donor} must wait"


donor = _question(
    "h30b_donor",
    "Find out if donor {donor} may give blood today",
    "donor",
    r"D-\d+",
    "h30b_donor",
    sample_donor,
    _donor_fact,
    lambda d, r: f"{_donor_fact(d, r).capitalize()} today ({r['days_since_last']} days since the last donation).",
)


# ======================================== 6. river: a level against a limit the gauge reports
def sample_river(rng: random.Random, w: State, i: int) -> Params:
    gauge = f"G{40 + 3 * i + rng.randint(0, 2)}"
    limit = rng.choice([1.2, 1.5, 1.8])
    level = (
        round(limit + rng.choice([0.1, 0.2, 0.3]), 1)
        if _trap(i, rng)
        else round(limit - rng.choice([0.2, 0.4, 0.6]), 1)
    )
    w["tables"].setdefault("h30b_rivers", {})[gauge] = {"gauge": gauge, "level_m": level, "safe_limit_m": limit}
    return {"gauge": gauge}


def _river_fact(gauge: str, row: dict) -> str:
    return f"safe to paddle at {gauge}" if row["level_m"] <= row["safe_limit_m"] else f"not safe to paddle at {gauge}"


river = _question(
    "h30b_river",
    "See if the river at gauge {gauge} is safe to paddle today",
    "gauge",
    r"G\d+",
    "h30b_river",
    sample_river,
    _river_fact,
    lambda g, r: f"It is {_river_fact(g, r)} today (level {r['level_m']} m, limit {r['safe_limit_m']} m).",
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h30b_lift", "A ski lift's status and queue (minutes).", {"lift": str}, _table("h30b_lifts", "lift")),
        Tool("h30b_plot", "An allotment plot's state and size.", {"plot": str}, _table("h30b_plots", "plot")),
        Tool(
            "h30b_dome",
            "A telescope's sky tonight and humidity.",
            {"telescope": str},
            _table("h30b_domes", "telescope"),
        ),
        Tool("h30b_hut", "A mountain hut's beds and beds booked tonight.", {"hut": str}, _table("h30b_huts", "hut")),
        Tool(
            "h30b_donor",
            "A blood donor's days since the last donation (84 at least before the next).",
            {"donor": str},
            _table("h30b_donors", "donor"),
        ),
        Tool(
            "h30b_river",
            "A river gauge's level and the safe limit for paddling (m).",
            {"gauge": str},
            _table("h30b_rivers", "gauge"),
        ),
    ]
}

FAMILIES = [lift, plot, dome, hut, donor, river]
