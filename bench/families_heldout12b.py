"""Held-out probes, round U, second set: differences the first fix (`record_differences`) was not shaped on.

Same interface as `families_heldout12.py` (tool names prefixed `h12b_`). Each trap keeps every single
number inside the ranges of the first three goals; only a difference tells:

- h12b_boiler   a boiler's pressure (one read) against its rated maximum (another read), 0.5 bar margin:
                a difference ACROSS two reads
- h12b_poolcar  a pool car's odometer minus the odometer at its last service against 15000 km, in a
                record of five numbers (more than the four that pair up: a table to the rule)
- h12b_genset   a generator's run hours minus the hours at its last oil change against 250 h, in a
                plain-text log line
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import families_heldout12 as h12

Family, Field, Step, Tool, ToolFail = h12.Family, h12.Field, h12.Step, h12.Tool, h12.ToolFail
CAPWORDS, State, Params = h12.CAPWORDS, h12.State, h12.Params
_trap, _until, _row, _append, _fresh, _name = h12._trap, h12._until, h12._row, h12._append, h12._fresh, h12._name

h12.ANNOTATIONS.update(
    {
        "h12b_boiler_gauge": h12.READ,
        "h12b_boiler_spec": h12.READ,
        "h12b_fire_boiler": h12.WRITE,
        "h12b_car": h12.READ,
        "h12b_lend_car": h12.WRITE,
        "h12b_genset_log": h12.READ,
        "h12b_start_genset": h12.WRITE,
    }
)


# ======================================== 1. boiler: rated maximum (read 2) minus pressure (read 1), 0.5 bar margin
def sample_boiler(rng: random.Random, w: State, i: int) -> Params:
    boiler = _fresh(rng, w, "h12b_gauges", lambda r: f"BLR-{r.randint(100, 999)}")
    fixed = {0: (6.0, 8.0), 1: (9.0, 12.0), 2: (7.5, 10.0)}
    if i in fixed:
        bar, rated = fixed[i]
    else:
        want = not _trap(i, rng)
        bar, rated = _until(
            rng,
            lambda r: (round(r.uniform(6.0, 9.0), 1), r.choice([8.0, 10.0, 12.0])),
            lambda v: v[0] < v[1] and (round(v[1] - v[0], 1) >= 0.5) == want,
        )
    model = f"Model {boiler[-3:]}"
    w.setdefault("h12b_gauges", {})[boiler] = {"boiler": boiler, "pressure_bar": bar, "model": model}
    w.setdefault("h12b_specs", {})[model] = {"model": model, "rated_max_bar": rated}
    return {"boiler": boiler}


def _boiler_ok(g: dict, s: dict) -> bool:
    return round(s["rated_max_bar"] - g["pressure_bar"], 1) >= 0.5


def _boiler_ok_b(p: Params, b: State) -> bool:
    g = b["h12b_gauges"][p["boiler"]]
    return _boiler_ok(g, b["h12b_specs"][g["model"]])


boiler = Family(
    name="h12b_boiler",
    templates=["Fire up boiler {boiler}"],
    fields={"boiler": Field(r"BLR-\d{3}")},
    sample=sample_boiler,
    plan=[
        Step("h12b_boiler_gauge", lambda p, r: {"boiler": p["boiler"]}),
        Step("h12b_boiler_spec", lambda p, r: {"model": r["h12b_boiler_gauge"]["model"]}),
        Step(
            "h12b_fire_boiler",
            lambda p, r: {"boiler": p["boiler"]},
            when=lambda p, r: _boiler_ok(r["h12b_boiler_gauge"], r["h12b_boiler_spec"]),
        ),
    ],
    expect=lambda p, b: {"h12b_fired": [{"boiler": p["boiler"]}]} if _boiler_ok_b(p, b) else {},
    answer=lambda p, b: ["fired up"] if _boiler_ok_b(p, b) else ["too close"],
    summary=lambda p, r: (
        f"Boiler {p['boiler']} fired up."
        if "h12b_fire_boiler" in r
        else f"Held: boiler {p['boiler']} is too close to its rated maximum "
        f"({r['h12b_boiler_gauge']['pressure_bar']} of {r['h12b_boiler_spec']['rated_max_bar']} bar)."
    ),
)


# ======================================== 2. pool car: odometer minus the last service's, a record of five numbers
def sample_poolcar(rng: random.Random, w: State, i: int) -> Params:
    car = _fresh(rng, w, "h12b_cars", lambda r: f"PC-{r.randint(10, 99)}")
    fixed = {0: (40000, 52000), 1: (52000, 60000), 2: (45000, 58000)}
    if i in fixed:
        last, odo = fixed[i]
    else:
        want = not _trap(i, rng)
        last, odo = _until(
            rng,
            lambda r: (r.randrange(40000, 52001, 100), r.randrange(52000, 60001, 100)),
            lambda v: (v[1] - v[0] < 15000) == want,
        )
    w.setdefault("h12b_cars", {})[car] = {
        "car": car,
        "odometer_km": odo,
        "last_service_km": last,
        "service_interval_km": 15000,
        "seats": 5,
        "fuel_pct": rng.randrange(40, 101, 5),
    }
    return {"car": car, "person": _name(rng)}


def _car_ok(c: dict) -> bool:
    return c["odometer_km"] - c["last_service_km"] < c["service_interval_km"]


poolcar = Family(
    name="h12b_poolcar",
    templates=["Lend pool car {car} to {person} for the day"],
    fields={"car": Field(r"PC-\d{2}"), "person": CAPWORDS},
    sample=sample_poolcar,
    plan=[
        Step("h12b_car", lambda p, r: {"car": p["car"]}),
        Step(
            "h12b_lend_car",
            lambda p, r: {"car": p["car"], "person": p["person"]},
            when=lambda p, r: _car_ok(r["h12b_car"]),
        ),
    ],
    expect=lambda p, b: (
        {"h12b_loans": [{"car": p["car"], "person": p["person"]}]} if _car_ok(b["h12b_cars"][p["car"]]) else {}
    ),
    answer=lambda p, b: ["lent"] if _car_ok(b["h12b_cars"][p["car"]]) else ["service"],
    summary=lambda p, r: (
        f"Pool car {p['car']} lent to {p['person']} for the day."
        if "h12b_lend_car" in r
        else f"Kept back: pool car {p['car']} is due for its service."
    ),
)


# ======================================== 3. generator: run hours minus the hours at the last oil change, plain text
def _genset_log(s: State, a: dict) -> str:
    row = s.get("h12b_gensets", {}).get(a["genset"])
    if row is None:
        raise ToolFail(f"no generator {a['genset']}")
    return (
        f"Generator {a['genset']}: run hours {row['hours']} h; last oil change at {row['oil']} h; fuel {row['fuel']}%."
    )


def sample_genset(rng: random.Random, w: State, i: int) -> Params:
    gen = _fresh(rng, w, "h12b_gensets", lambda r: f"G-{r.randint(10, 99)}")
    fixed = {0: (3000, 3200), 1: (3300, 3400), 2: (3100, 3340)}
    if i in fixed:
        oil, hours = fixed[i]
    else:
        want = not _trap(i, rng)
        oil, hours = _until(
            rng,
            lambda r: (r.randrange(3000, 3301, 10), r.randrange(3200, 3401, 10)),
            lambda v: v[1] > v[0] and (v[1] - v[0] < 250) == want,
        )
    w.setdefault("h12b_gensets", {})[gen] = {"hours": hours, "oil": oil, "fuel": rng.randrange(50, 101, 5)}
    return {"gen": gen, "site": rng.choice(["North Gate", "Main Stage", "Car Park"])}


def _gen_ok_text(text: str) -> bool:
    hours = int(text.split("run hours ")[1].split(" h")[0])
    oil = int(text.split("oil change at ")[1].split(" h")[0])
    return hours - oil < 250


def _gen_ok_b(p: Params, b: State) -> bool:
    row = b["h12b_gensets"][p["gen"]]
    return row["hours"] - row["oil"] < 250


genset = Family(
    name="h12b_genset",
    templates=["Start generator {gen} for the {site}"],
    fields={"gen": Field(r"G-\d{2}"), "site": CAPWORDS},
    sample=sample_genset,
    plan=[
        Step("h12b_genset_log", lambda p, r: {"genset": p["gen"]}),
        Step(
            "h12b_start_genset",
            lambda p, r: {"genset": p["gen"], "site": p["site"]},
            when=lambda p, r: _gen_ok_text(r["h12b_genset_log"]),
        ),
    ],
    expect=lambda p, b: {"h12b_starts": [{"genset": p["gen"], "site": p["site"]}]} if _gen_ok_b(p, b) else {},
    answer=lambda p, b: ["started"] if _gen_ok_b(p, b) else ["oil change"],
    summary=lambda p, r: (
        f"Generator {p['gen']} started for the {p['site']}."
        if "h12b_start_genset" in r
        else f"Not yet: generator {p['gen']} needs an oil change first (250 h interval)."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h12b_boiler_gauge",
            "A boiler's gauge: pressure (bar) and model.",
            {"boiler": str},
            _row("h12b_gauges", "boiler", "boiler"),
        ),
        Tool(
            "h12b_boiler_spec",
            "A boiler model's rated maximum pressure (bar).",
            {"model": str},
            _row("h12b_specs", "model", "model"),
        ),
        Tool("h12b_fire_boiler", "Fire up a boiler.", {"boiler": str}, _append("h12b_fired", "boiler")),
        Tool(
            "h12b_car",
            "A pool car: odometer, odometer at its last service, service interval (km), seats, fuel.",
            {"car": str},
            _row("h12b_cars", "pool car", "car"),
        ),
        Tool(
            "h12b_lend_car",
            "Lend a pool car to a person.",
            {"car": str, "person": str},
            _append("h12b_loans", "car", "person"),
        ),
        Tool("h12b_genset_log", "A generator's log line (plain text).", {"genset": str}, _genset_log),
        Tool(
            "h12b_start_genset",
            "Start a generator for a site.",
            {"genset": str, "site": str},
            _append("h12b_starts", "genset", "site"),
        ),
    ]
}

FAMILIES = [boiler, poolcar, genset]
