"""Held-out probe families, round AG (issue 9): a read's result decides whether a write is right, in shapes that
keep every single value inside what earlier runs saw while the decision flips.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h20_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout20.py --goals 16 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used:

- h20_print      3D print farm: start a job only when the spool's material is the file's and the spool holds the
                 file's grams plus 15% (purge and supports: a limit only the operator knows); two reads
- h20_fly        theatre fly bars: a bar's load reads in kg or lb (a unit leaf); fly it out only under 250 kg
                 (551 lb): a kg load of 260 lies inside the numbers the lb runs showed
- h20_well       well-water lab reports: a list of analytes (2-4, shuffled) with mg/L; certify a well only when
                 every analyte is under its own limit (arsenic 0.01, nitrate 50, ...)
- h20_pipette    GMP assay sign-off: the pipette's last calibration date (one read) and its model's calibration
                 interval in days (another read); sign only while the calibration is current
- h20_extinguisher  a fire extinguisher's tag (plain text: "serviced 14 May 2026, service interval 6 months");
                 pass the room's fire check only while the extinguisher is in service
- h20_seed       seed drill orders: bags = ceil(hectares x kg/ha / bag size); early goals divide evenly
- h20_seed_q     the same as a question (how many bags)
- h20_tyre       fit a tyre only when its DOT code (week and year "WWYY") is under 6 years old
- h20_bridge     route an oversize vehicle over a bridge: the vehicle's height in feet (plain text), the
                 bridge's clearance in metres; only with 0.10 m to spare
- h20_plot       allotments (a possessive, names of several words): renew a holder's plot for a fee of
                 12 EUR per started 50 m2; a repeat renews again (the fee is charged again)

Workloads up to `--goals 16`. The first four goals of a family never cross the hidden rule, later goals sometimes
do, with every single number inside the range earlier goals showed.
"""

from __future__ import annotations

import datetime as dt
import math
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

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h20_spool": READ,
    "h20_print_file": READ,
    "h20_start_print": WRITE,
    "h20_flybar": READ,
    "h20_fly_out": WRITE,
    "h20_lab_report": READ,
    "h20_certify_well": WRITE,
    "h20_pipette": READ,
    "h20_pipette_model": READ,
    "h20_sign_assay": WRITE,
    "h20_extinguisher_tag": READ,
    "h20_pass_fire_check": WRITE,
    "h20_field": READ,
    "h20_order_seed": WRITE,
    "h20_tyre_info": READ,
    "h20_fit_tyre": WRITE,
    "h20_vehicle": READ,
    "h20_bridge_info": READ,
    "h20_route_over": WRITE,
    "h20_plot_info": READ,
    "h20_renew_plot": WRITE,
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

    if getattr(Server.add_tool, "_h20_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h20_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


_PICKED: dict[tuple[int, str], set[str]] = {}


def _fresh(rng: random.Random, w: State, what: str, pool: list[str]) -> str:
    taken = _PICKED.setdefault((id(w), what), set())
    free = [x for x in pool if x not in taken] or pool
    x = rng.choice(free)
    taken.add(x)
    return x


BASE = dt.date(2026, 12, 3)
TODAY = BASE.isoformat()
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _ago(days: int) -> str:
    return (BASE - dt.timedelta(days=days)).isoformat()


def _table(s: State, name: str, key: Any, what: str) -> dict:
    row = s.get(name, {}).get(str(key))
    if row is None:
        raise ToolFail(f"no {what} {key}")
    return row


# ======================================== 1. 3D print farm: the spool must hold the file's grams + 15%
PRINTERS = [f"P{n}" for n in range(1, 10)] + ["P10", "P11", "P12"]
PFILES = [
    "Phone Stand",
    "Cable Clip",
    "Gear Housing",
    "Lamp Shade",
    "Drone Arm",
    "Hinge Pin",
    "Planter Pot",
    "Knob Cap",
    "Tripod Mount",
    "Fan Duct",
    "Desk Tidy",
    "Chess Rook",
    "Vase Spiral",
    "Hook Rail",
]
MATERIALS = ["PLA", "PETG"]
MARGIN = 1.15


def sample_print(rng: random.Random, w: State, i: int) -> Params:
    printer = _fresh(rng, w, "printers", PRINTERS)
    pfile = _fresh(rng, w, "pfiles", PFILES)
    grams = [28, 380, 140, 65][i] if i < 4 else rng.randint(60, 320)
    ratio = (
        [1.35, 2.4, 1.8, 3.0][i] if i < 4 else (rng.uniform(1.02, 1.12) if _trap(i, rng) else rng.uniform(1.25, 2.8))
    )
    mat = rng.choice(MATERIALS)
    w.setdefault("h20_spools", {})[printer] = {"printer": printer, "material": mat, "grams_left": round(grams * ratio)}
    w.setdefault("h20_files", {})[pfile] = {"file": pfile, "material": mat, "grams": grams}
    return {"printer": printer, "file": pfile, "wording": _wording(rng, i, 3)}


def _print_ok(spool: dict, f: dict) -> bool:
    return spool["material"] == f["material"] and spool["grams_left"] >= f["grams"] * MARGIN


def _start_print(s: State, a: dict) -> dict:
    spool = _table(s, "h20_spools", a["printer"], "printer")
    f = _table(s, "h20_files", a["file"], "print file")
    spool["grams_left"] = max(0, spool["grams_left"] - f["grams"])
    s.setdefault("h20_jobs", []).append({"printer": a["printer"], "file": a["file"]})
    return {"job": f"J-{len(s['h20_jobs']) + 700}", "printer": a["printer"], "file": a["file"], "status": "started"}


def _print_expect(p: Params, b: State) -> dict:
    spool, f = b["h20_spools"][p["printer"]], b["h20_files"][p["file"]]
    if not _print_ok(spool, f):
        return {}
    return {
        "h20_spools": {p["printer"]: {**spool, "grams_left": spool["grams_left"] - f["grams"]}},
        "h20_jobs": [{"printer": p["printer"], "file": p["file"]}],
    }


def _print_summary(p: Params, r: dict) -> str:
    spool, f = r["h20_spool"], r["h20_print_file"]
    if "h20_start_print" in r:
        return f"Started {p['file']} on {p['printer']} ({f['grams']} g of {spool['grams_left']} g on the spool)."
    return (
        f"Not started: {p['file']} needs {f['grams']} g plus 15% and {p['printer']} holds only {spool['grams_left']} g."
    )


print_job = Family(
    name="h20_print",
    templates=[
        "Print the {file} on printer {printer}",
        "Start a {file} job on {printer}",
        "Send the {file} file to printer {printer} and start it",
    ],
    fields={"file": _one_of(PFILES), "printer": _one_of(PRINTERS)},
    sample=sample_print,
    plan=[
        Step("h20_spool", lambda p, r: {"printer": p["printer"]}, group="read"),
        Step("h20_print_file", lambda p, r: {"file": p["file"]}, group="read"),
        Step(
            "h20_start_print",
            lambda p, r: {"printer": p["printer"], "file": p["file"]},
            when=lambda p, r: _print_ok(r["h20_spool"], r["h20_print_file"]),
        ),
    ],
    expect=_print_expect,
    answer=lambda p, b: (
        ["started"] if _print_ok(b["h20_spools"][p["printer"]], b["h20_files"][p["file"]]) else ["not started"]
    ),
    summary=_print_summary,
)


# ======================================== 2. fly bars: a load in kg or lb, the limit 250 kg
BARS = ["LX1", "LX2", "LX3", "LX4", "LX5", "LX6", "SB1", "SB2", "SB3", "BT1", "BT2", "MX7", "MX8", "CY9"]
SHOWS = ["Hamlet", "Carmen", "Tosca", "Cats", "Rent", "Wicked", "Evita", "Oliver", "Chicago", "Annie"]
LB = 2.20462
LIMIT_KG = 250.0


def sample_fly(rng: random.Random, w: State, i: int) -> Params:
    bar = _fresh(rng, w, "bars", BARS)
    if i < 4:
        unit, load = [("kg", 210), ("lb", 520), ("kg", 72), ("lb", 160)][i]
    elif _trap(i, rng):
        unit, load = "kg", rng.randint(256, 330)
    else:
        unit = rng.choice(["kg", "lb"])
        load = rng.randint(70, 240) if unit == "kg" else rng.randint(160, 540)
    w.setdefault("h20_bars", {})[bar] = {"bar": bar, "load": load, "unit": unit, "position": "in"}
    return {"bar": bar, "show": rng.choice(SHOWS), "wording": _wording(rng, i, 2)}


def _kg(row: dict) -> float:
    return float(row["load"]) if row["unit"] == "kg" else row["load"] / LB


def _fly_ok(row: dict) -> bool:
    return _kg(row) < LIMIT_KG


def _flybar(s: State, a: dict) -> dict:
    row = _table(s, "h20_bars", a["bar"], "fly bar")
    return {"bar": row["bar"], "load": row["load"], "unit": row["unit"], "position": row["position"]}


def _fly_out(s: State, a: dict) -> dict:
    row = _table(s, "h20_bars", a["bar"], "fly bar")
    row["position"] = "out"
    s.setdefault("h20_cues", []).append({"bar": a["bar"], "cue": "fly out"})
    return {"bar": a["bar"], "position": "out", "status": "flown out"}


def _fly_expect(p: Params, b: State) -> dict:
    row = b["h20_bars"][p["bar"]]
    if not _fly_ok(row):
        return {}
    return {"h20_bars": {p["bar"]: {**row, "position": "out"}}, "h20_cues": [{"bar": p["bar"], "cue": "fly out"}]}


fly = Family(
    name="h20_fly",
    templates=["Fly out bar {bar} for {show}", "{show} tonight: take fly bar {bar} out"],
    fields={"bar": _one_of(BARS), "show": _one_of(SHOWS)},
    sample=sample_fly,
    plan=[
        Step("h20_flybar", lambda p, r: {"bar": p["bar"]}),
        Step("h20_fly_out", lambda p, r: {"bar": p["bar"]}, when=lambda p, r: _fly_ok(r["h20_flybar"])),
    ],
    expect=_fly_expect,
    answer=lambda p, b: ["flown out"] if _fly_ok(b["h20_bars"][p["bar"]]) else ["overloaded"],
    summary=lambda p, r: (
        f"Bar {p['bar']} flown out for {p['show']} ({r['h20_flybar']['load']} {r['h20_flybar']['unit']})."
        if "h20_fly_out" in r
        else f"Bar {p['bar']} not flown: overloaded, {round(_kg(r['h20_flybar']), 1)} kg against the 250 kg rating."
    ),
)


# ======================================== 3. well water: every analyte under its own limit
WELLS = [f"W-{n}" for n in (12, 15, 23, 31, 38, 44, 52, 57, 61, 66, 73, 79, 84, 90, 95, 98)]
OWNERS = ["Hollow Farm", "Ash Lane", "Mill House", "Crow Hill", "Rye Court", "Oak End"]
LIMITS = {"nitrate": 50.0, "arsenic": 0.01, "fluoride": 1.5, "manganese": 0.4}
SAFE = {"nitrate": (4.0, 44.0), "arsenic": (0.001, 0.008), "fluoride": (0.1, 1.3), "manganese": (0.02, 0.35)}


def sample_well(rng: random.Random, w: State, i: int) -> Params:
    well = _fresh(rng, w, "wells", WELLS)
    n = [2, 4, 3, 4][i] if i < 4 else rng.randint(2, 4)
    names = rng.sample(sorted(LIMITS), n)
    vals = {a: round(rng.uniform(*SAFE[a]), 3) for a in names}
    if i < 4:  # the first goals show every analyte at every place, high and low
        names = [
            ["nitrate", "arsenic"],
            ["arsenic", "fluoride", "manganese", "nitrate"],
            ["manganese", "nitrate", "arsenic"],
            ["fluoride", "nitrate", "manganese", "arsenic"],
        ][i]
        vals = {a: SAFE[a][(i + k) % 2] for k, a in enumerate(names)}
    elif _trap(i, rng):
        bad = rng.choice([a for a in names if a != "nitrate"] or names)
        vals[bad] = round(LIMITS[bad] * rng.uniform(1.5, 4.0), 3)
    w.setdefault("h20_reports", {})[well] = {
        "well": well,
        "sampled": _ago(rng.randint(2, 9)),
        "results": [{"analyte": a, "mg_l": vals[a]} for a in names],
        "certified": False,
    }
    return {"well": well, "wording": _wording(rng, i, 2)}


def _well_ok(rep: dict) -> bool:
    return all(x["mg_l"] < LIMITS[x["analyte"]] for x in rep["results"])


def _lab_report(s: State, a: dict) -> dict:
    row = _table(s, "h20_reports", a["well"], "well")
    return {k: row[k] for k in ("well", "sampled", "results")}


def _certify(s: State, a: dict) -> dict:
    row = _table(s, "h20_reports", a["well"], "well")
    row["certified"] = True
    s.setdefault("h20_certificates", []).append({"well": a["well"]})
    return {"well": a["well"], "certificate": f"PW-{len(s['h20_certificates']) + 300}", "status": "certified"}


def _well_expect(p: Params, b: State) -> dict:
    row = b["h20_reports"][p["well"]]
    if not _well_ok(row):
        return {}
    return {"h20_reports": {p["well"]: {**row, "certified": True}}, "h20_certificates": [{"well": p["well"]}]}


def _well_summary(p: Params, r: dict) -> str:
    rep = r["h20_lab_report"]
    if "h20_certify_well" in r:
        return f"Well {p['well']} certified potable ({r['h20_certify_well']['certificate']})."
    bad = [x for x in rep["results"] if x["mg_l"] >= LIMITS[x["analyte"]]]
    return "Not certified: " + ", ".join(f"{x['analyte']} {x['mg_l']} mg/L" for x in bad) + " over the limit."


well = Family(
    name="h20_well",
    templates=["Certify well {well} as drinking water", "Issue the potable-water certificate for well {well}"],
    fields={"well": _one_of(WELLS)},
    sample=sample_well,
    plan=[
        Step("h20_lab_report", lambda p, r: {"well": p["well"]}),
        Step("h20_certify_well", lambda p, r: {"well": p["well"]}, when=lambda p, r: _well_ok(r["h20_lab_report"])),
    ],
    expect=_well_expect,
    answer=lambda p, b: ["certified"] if _well_ok(b["h20_reports"][p["well"]]) else ["not certified"],
    summary=_well_summary,
    repeats=False,
)


# ======================================== 4. pipettes: a calibration date in one read, its interval in another
PIPETTES = [f"PX-{n}" for n in (114, 121, 133, 140, 152, 167, 175, 188, 190, 203, 219, 226, 238, 245, 257, 261)]
PMODELS = {"P20": 180, "P200": 90, "P1000": 365}
ASSAYS = ["ELISA-7", "BCA-2", "PCR-11", "qPCR-4", "Bradford-3", "LAL-9", "MTT-5", "HPLC-8"]


def sample_pipette(rng: random.Random, w: State, i: int) -> Params:
    pip = _fresh(rng, w, "pipettes", PIPETTES)
    if i < 4:
        model, days = [("P200", 20), ("P1000", 300), ("P20", 150), ("P200", 60)][i]
    elif _trap(i, rng):
        model, days = rng.choice([("P200", rng.randint(95, 140)), ("P20", rng.randint(185, 290))])
    else:
        model = rng.choice(sorted(PMODELS))
        days = rng.randint(10, PMODELS[model] - 5)
    w.setdefault("h20_pipettes", {})[pip] = {"pipette": pip, "model": model, "last_calibrated": _ago(days)}
    return {"pipette": pip, "assay": rng.choice(ASSAYS), "wording": _wording(rng, i, 2)}


def _pip_ok(row: dict) -> bool:
    return (BASE - dt.date.fromisoformat(row["last_calibrated"])).days <= PMODELS[row["model"]]


def _sign(s: State, a: dict) -> dict:
    _table(s, "h20_pipettes", a["pipette"], "pipette")
    s.setdefault("h20_signed", []).append({"assay": a["assay"], "pipette": a["pipette"]})
    return {"assay": a["assay"], "pipette": a["pipette"], "status": "signed"}


def _pipette_model(s: State, a: dict) -> dict:
    if str(a["model"]) not in PMODELS:
        raise ToolFail(f"no pipette model {a['model']}")
    return {"model": a["model"], "calibration_interval_days": PMODELS[str(a["model"])]}


def _pip_summary(p: Params, r: dict) -> str:
    row, spec = r["h20_pipette"], r["h20_pipette_model"]
    if "h20_sign_assay" in r:
        return f"Assay {p['assay']} signed off on pipette {p['pipette']} (calibrated {row['last_calibrated']})."
    return (
        f"Not signed: pipette {p['pipette']} calibration expired (last {row['last_calibrated']}, "
        f"interval {spec['calibration_interval_days']} days)."
    )


pipette = Family(
    name="h20_pipette",
    templates=["Sign off assay {assay} run with pipette {pipette}", "Approve the {assay} run on pipette {pipette}"],
    fields={"assay": _one_of(ASSAYS), "pipette": _one_of(PIPETTES)},
    sample=sample_pipette,
    plan=[
        Step("h20_pipette", lambda p, r: {"pipette": p["pipette"]}),
        Step("h20_pipette_model", lambda p, r: {"model": r["h20_pipette"]["model"]}),
        Step(
            "h20_sign_assay",
            lambda p, r: {"assay": p["assay"], "pipette": p["pipette"]},
            when=lambda p, r: _pip_ok(r["h20_pipette"]),
        ),
    ],
    expect=lambda p, b: (
        {"h20_signed": [{"assay": p["assay"], "pipette": p["pipette"]}]}
        if _pip_ok(b["h20_pipettes"][p["pipette"]])
        else {}
    ),
    answer=lambda p, b: ["signed"] if _pip_ok(b["h20_pipettes"][p["pipette"]]) else ["expired"],
    summary=_pip_summary,
)


# ======================================== 5. extinguishers: a plain-text tag with its own service interval
ROOMS = [
    "Boiler Room",
    "Server Room",
    "Kitchen",
    "Library",
    "Workshop",
    "Lab 2",
    "Lab 3",
    "Garage",
    "Atrium",
    "Studio",
    "Archive",
    "Canteen",
    "Gym",
    "Foyer",
]


def sample_ext(rng: random.Random, w: State, i: int) -> Params:
    room = _fresh(rng, w, "rooms", ROOMS)
    if i < 4:
        months, days = [(12, 300), (6, 40), (12, 90), (6, 170)][i]
    elif _trap(i, rng):
        months, days = 6, rng.randint(200, 290)
    else:
        months = rng.choice([6, 12])
        days = rng.randint(20, months * 30 - 10)
    w.setdefault("h20_rooms", {})[room] = {"room": room, "serviced": _ago(days), "months": months, "passed": False}
    return {"room": room, "wording": _wording(rng, i, 2)}


def _ext_due(row: dict) -> dt.date:
    d = dt.date.fromisoformat(row["serviced"])
    m = d.month - 1 + row["months"]
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, 28))


def _ext_ok(row: dict) -> bool:
    return _ext_due(row) >= BASE


def _tag(s: State, a: dict) -> str:
    row = _table(s, "h20_rooms", a["room"], "room")
    d = dt.date.fromisoformat(row["serviced"])
    return (
        f"Extinguisher tag, {row['room']}: CO2 5 kg, serviced {d.day} {MONTHS[d.month - 1]} {d.year}, "
        f"service interval {row['months']} months."
    )


def _pass_check(s: State, a: dict) -> dict:
    row = _table(s, "h20_rooms", a["room"], "room")
    row["passed"] = True
    s.setdefault("h20_fire_checks", []).append({"room": a["room"]})
    return {"room": a["room"], "fire_check": "passed"}


def _ext_expect(p: Params, b: State) -> dict:
    row = b["h20_rooms"][p["room"]]
    if not _ext_ok(row):
        return {}
    return {"h20_rooms": {p["room"]: {**row, "passed": True}}, "h20_fire_checks": [{"room": p["room"]}]}


def _ext_r(text: str) -> dict:
    m = re.search(r"serviced (\d+) ([A-Z][a-z]+) (\d{4}), service interval (\d+) months", text)
    if m is None:
        raise ValueError("tag")
    d = dt.date(int(m.group(3)), MONTHS.index(m.group(2)) + 1, int(m.group(1)))
    return {"serviced": d.isoformat(), "months": int(m.group(4))}


extinguisher = Family(
    name="h20_extinguisher",
    templates=["Pass the fire check for the {room}", "Sign the {room} off on the fire round"],
    fields={"room": _one_of(ROOMS)},
    sample=sample_ext,
    plan=[
        Step("h20_extinguisher_tag", lambda p, r: {"room": p["room"]}),
        Step(
            "h20_pass_fire_check",
            lambda p, r: {"room": p["room"]},
            when=lambda p, r: _ext_ok(_ext_r(r["h20_extinguisher_tag"])),
        ),
    ],
    expect=_ext_expect,
    answer=lambda p, b: ["passed"] if _ext_ok(b["h20_rooms"][p["room"]]) else ["overdue"],
    summary=lambda p, r: (
        f"Fire check passed for the {p['room']}."
        if "h20_pass_fire_check" in r
        else f"Fire check not passed: the {p['room']} extinguisher's service is overdue "
        f"(due {_ext_due(_ext_r(r['h20_extinguisher_tag']))})."
    ),
    repeats=False,
)


# ======================================== 6/7. seed orders: ceil(ha x kg/ha / bag) -- early goals divide evenly
FIELDS = [
    "North Acre",
    "Long Meadow",
    "Top Field",
    "Mill Piece",
    "Brook Field",
    "Hill Ground",
    "Low Lea",
    "Church Close",
    "Stony Bank",
    "Far Croft",
    "West Ley",
    "Ash Leys",
    "Oak Field",
    "Rush Moor",
]
CROPS = {"wheat": 180, "barley": 160, "oats": 150, "rye": 120}
BAG = 25


def sample_seed(rng: random.Random, w: State, i: int) -> Params:
    fld = rng.choice(FIELDS)
    crop = rng.choice(sorted(CROPS))
    if i < 4:
        ha = [2.5, 5.0, 7.5, 10.0][i]
    else:
        ha = round(rng.uniform(2.0, 12.0), 1)
    w.setdefault("h20_fields", {})[fld] = {"field": fld, "hectares": ha, "crop": crop, "kg_per_ha": CROPS[crop]}
    return {"field": fld, "wording": _wording(rng, i, 2)}


def _bags(row: dict) -> int:
    return math.ceil(round(row["hectares"] * row["kg_per_ha"] / BAG, 6))


def _field(s: State, a: dict) -> dict:
    return dict(_table(s, "h20_fields", a["field"], "field"))


def _order_seed(s: State, a: dict) -> dict:
    _table(s, "h20_fields", a["field"], "field")
    s.setdefault("h20_seed_orders", []).append({"field": a["field"], "bags": int(a["bags"])})
    return {"field": a["field"], "bags": int(a["bags"]), "bag_kg": BAG}


seed = Family(
    name="h20_seed",
    templates=["Order seed for {field}", "Order enough 25 kg seed bags to drill {field}"],
    fields={"field": _one_of(FIELDS)},
    sample=sample_seed,
    plan=[
        Step("h20_field", lambda p, r: {"field": p["field"]}),
        Step("h20_order_seed", lambda p, r: {"field": p["field"], "bags": _bags(r["h20_field"])}),
    ],
    expect=lambda p, b: {"h20_seed_orders": [{"field": p["field"], "bags": _bags(b["h20_fields"][p["field"]])}]},
    answer=lambda p, b: [_bags(b["h20_fields"][p["field"]])],
    summary=lambda p, r: f"Ordered {r['h20_order_seed']['bags']} bags of 25 kg for {p['field']}.",
)

seed_q = Family(
    name="h20_seed_q",
    templates=["How many 25 kg bags of seed does {field} need?", "Bags of seed needed for {field}?"],
    fields={"field": _one_of(FIELDS)},
    sample=sample_seed,
    plan=[Step("h20_field", lambda p, r: {"field": p["field"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_bags(b["h20_fields"][p["field"]])],
    summary=lambda p, r: f"{p['field']} needs {_bags(r['h20_field'])} bags of 25 kg.",
)


# ======================================== 8. tyres: a DOT code "WWYY" under 6 years old
TYRES = [f"T{n}" for n in range(401, 431)]
VANS = ["VN-1", "VN-2", "VN-3", "VN-4", "VN-5", "VN-6", "VN-7", "VN-8"]


def _dot_date(code: str) -> dt.date:
    week, year = int(code[:2]), 2000 + int(code[2:])
    return dt.date.fromisocalendar(year, week, 1)


def sample_tyre(rng: random.Random, w: State, i: int) -> Params:
    tyre = _fresh(rng, w, "tyres", TYRES)
    if i < 4:
        code = ["1223", "4521", "0824", "3022"][i]
    elif _trap(i, rng):
        code = f"{rng.randint(20, 50):02d}{rng.choice([17, 18, 19])}"
    else:
        code = f"{rng.randint(1, 50):02d}{rng.randint(21, 25)}"
    w.setdefault("h20_tyres", {})[tyre] = {"tyre": tyre, "size": "215/65 R16C", "dot": code, "fitted_to": None}
    return {"tyre": tyre, "van": rng.choice(VANS), "wording": _wording(rng, i, 2)}


def _tyre_ok(row: dict) -> bool:
    return (BASE - _dot_date(row["dot"])).days < 6 * 365


def _tyre_info(s: State, a: dict) -> dict:
    row = _table(s, "h20_tyres", a["tyre"], "tyre")
    return {"tyre": row["tyre"], "size": row["size"], "dot": row["dot"]}


def _fit(s: State, a: dict) -> dict:
    row = _table(s, "h20_tyres", a["tyre"], "tyre")
    row["fitted_to"] = a["van"]
    s.setdefault("h20_fitted", []).append({"tyre": a["tyre"], "van": a["van"]})
    return {"tyre": a["tyre"], "van": a["van"], "status": "fitted"}


def _tyre_expect(p: Params, b: State) -> dict:
    row = b["h20_tyres"][p["tyre"]]
    if not _tyre_ok(row):
        return {}
    return {
        "h20_tyres": {p["tyre"]: {**row, "fitted_to": p["van"]}},
        "h20_fitted": [{"tyre": p["tyre"], "van": p["van"]}],
    }


tyre = Family(
    name="h20_tyre",
    templates=["Fit tyre {tyre} to van {van}", "Put tyre {tyre} on {van}"],
    fields={"tyre": _one_of(TYRES), "van": _one_of(VANS)},
    sample=sample_tyre,
    plan=[
        Step("h20_tyre_info", lambda p, r: {"tyre": p["tyre"]}),
        Step(
            "h20_fit_tyre",
            lambda p, r: {"tyre": p["tyre"], "van": p["van"]},
            when=lambda p, r: _tyre_ok(r["h20_tyre_info"]),
        ),
    ],
    expect=_tyre_expect,
    answer=lambda p, b: ["fitted"] if _tyre_ok(b["h20_tyres"][p["tyre"]]) else ["too old"],
    summary=lambda p, r: (
        f"Tyre {p['tyre']} fitted to {p['van']} (DOT {r['h20_tyre_info']['dot']})."
        if "h20_fit_tyre" in r
        else f"Tyre {p['tyre']} not fitted: too old (DOT {r['h20_tyre_info']['dot']}, over 6 years)."
    ),
    repeats=False,
)


# ======================================== 9. bridges: a height in feet (plain text) under a clearance in metres
VEHICLES = ["HX-201", "HX-214", "HX-226", "HX-238", "HX-245", "HX-259", "HX-263", "HX-277", "HX-281", "HX-296"]
BRIDGES = [
    "Kelso Arch",
    "Mill Viaduct",
    "Dunmore Bridge",
    "Hythe Underpass",
    "Rook Bridge",
    "Saltash Arch",
    "Weir Bridge",
    "Canal Span",
    "Tollgate Bridge",
    "Priory Arch",
]
FT = 0.3048


def sample_bridge(rng: random.Random, w: State, i: int) -> Params:
    veh = rng.choice(VEHICLES)
    br = rng.choice(BRIDGES)
    if i < 4:
        ft, m = [(9.0, 5.0), (13.5, 4.5), (11.0, 3.8), (12.5, 4.6)][i]
    elif _trap(i, rng):
        ft = rng.choice([12.5, 13.0, 13.5])
        m = round(ft * FT + rng.choice([-0.05, 0.0, 0.04]), 2)
    else:
        ft = rng.choice([9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0])
        m = round(ft * FT + rng.uniform(0.2, 1.5), 2)
    w.setdefault("h20_vehicles", {})[veh] = {"vehicle": veh, "height_ft": ft}
    w.setdefault("h20_bridges", {})[br] = {"bridge": br, "clearance_m": m}
    return {"vehicle": veh, "bridge": br, "wording": _wording(rng, i, 2)}


def _bridge_ok(ft: float, m: float) -> bool:
    return ft * FT + 0.10 <= m


def _vehicle(s: State, a: dict) -> str:
    row = _table(s, "h20_vehicles", a["vehicle"], "vehicle")
    return f"Vehicle {row['vehicle']}: low-loader, laden height {row['height_ft']} ft, 44 t gross."


def _bridge_info(s: State, a: dict) -> dict:
    row = _table(s, "h20_bridges", a["bridge"], "bridge")
    return {"bridge": row["bridge"], "clearance_m": row["clearance_m"]}


def _route(s: State, a: dict) -> dict:
    s.setdefault("h20_routes", []).append({"vehicle": a["vehicle"], "bridge": a["bridge"]})
    return {"vehicle": a["vehicle"], "bridge": a["bridge"], "status": "routed"}


def _ft(text: str) -> float:
    m = re.search(r"laden height ([\d.]+) ft", text)
    if m is None:
        raise ValueError("vehicle")
    return float(m.group(1))


def _bridge_b(p: Params, b: State) -> bool:
    return _bridge_ok(b["h20_vehicles"][p["vehicle"]]["height_ft"], b["h20_bridges"][p["bridge"]]["clearance_m"])


bridge = Family(
    name="h20_bridge",
    templates=["Route vehicle {vehicle} over the {bridge}", "Send {vehicle} by way of the {bridge}"],
    fields={"vehicle": _one_of(VEHICLES), "bridge": _one_of(BRIDGES)},
    sample=sample_bridge,
    plan=[
        Step("h20_vehicle", lambda p, r: {"vehicle": p["vehicle"]}, group="read"),
        Step("h20_bridge_info", lambda p, r: {"bridge": p["bridge"]}, group="read"),
        Step(
            "h20_route_over",
            lambda p, r: {"vehicle": p["vehicle"], "bridge": p["bridge"]},
            when=lambda p, r: _bridge_ok(_ft(r["h20_vehicle"]), r["h20_bridge_info"]["clearance_m"]),
        ),
    ],
    expect=lambda p, b: {"h20_routes": [{"vehicle": p["vehicle"], "bridge": p["bridge"]}]} if _bridge_b(p, b) else {},
    answer=lambda p, b: ["routed"] if _bridge_b(p, b) else ["too low"],
    summary=lambda p, r: (
        f"{p['vehicle']} routed over the {p['bridge']}."
        if "h20_route_over" in r
        else f"Not routed: the {p['bridge']} is too low for {p['vehicle']} "
        f"({_ft(r['h20_vehicle'])} ft against {r['h20_bridge_info']['clearance_m']} m)."
    ),
)


# ======================================== 10. allotments: renew a holder's plot, 12 EUR per started 50 m2
HOLDERS = [
    "Mary Ann",
    "Jean Paul",
    "Rosa Maria",
    "Bruno",
    "Siobhan",
    "Tomasz",
    "Anna Lena",
    "Olu",
    "Keiko",
    "Hamish",
    "Carmen",
    "Niamh",
    "Yusuf",
    "Priya",
]


def sample_plot(rng: random.Random, w: State, i: int) -> Params:
    holder = rng.choice(HOLDERS)
    plots = w.setdefault("h20_plots", {})
    if holder not in plots:
        area = [100, 150, 50, 200][i] if i < 4 else rng.choice([60, 75, 90, 100, 120, 125, 140, 150, 175, 180])
        plots[holder] = {
            "holder": holder,
            "plot": _fresh(rng, w, "plots", [f"A{n}" for n in range(10, 99)]),
            "area_m2": area,
            "paid_eur": 0,
        }
    return {"holder": holder, "wording": _wording(rng, i, 2)}


def _fee(area: float) -> int:
    return 12 * math.ceil(area / 50)


def _plot_info(s: State, a: dict) -> dict:
    row = _table(s, "h20_plots", a["holder"], "allotment holder")
    return {"holder": row["holder"], "plot": row["plot"], "area_m2": row["area_m2"]}


def _renew(s: State, a: dict) -> dict:
    row = next((r for r in s.get("h20_plots", {}).values() if r["plot"] == a["plot"]), None)
    if row is None:
        raise ToolFail(f"no plot {a['plot']}")
    row["paid_eur"] = row["paid_eur"] + float(a["fee_eur"])
    return {"plot": a["plot"], "fee_eur": float(a["fee_eur"]), "renewed_until": "2027-12-31"}


def _plot_expect(p: Params, b: State) -> dict:
    row = b["h20_plots"][p["holder"]]
    return {"h20_plots": {p["holder"]: {**row, "paid_eur": row["paid_eur"] + _fee(row["area_m2"])}}}


plot = Family(
    name="h20_plot",
    templates=["Renew {holder}'s allotment plot", "Renew the allotment of {holder} for next year"],
    fields={"holder": _one_of(HOLDERS)},
    sample=sample_plot,
    plan=[
        Step("h20_plot_info", lambda p, r: {"holder": p["holder"]}),
        Step(
            "h20_renew_plot",
            lambda p, r: {"plot": r["h20_plot_info"]["plot"], "fee_eur": _fee(r["h20_plot_info"]["area_m2"])},
        ),
    ],
    expect=_plot_expect,
    answer=lambda p, b: [_fee(b["h20_plots"][p["holder"]]["area_m2"])],
    summary=lambda p, r: (
        f"Renewed {p['holder']}'s plot {r['h20_plot_info']['plot']} until 2027-12-31 for "
        f"{_fee(r['h20_plot_info']['area_m2'])} EUR."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h20_spool",
            "The spool loaded on a 3D printer: material and grams left.",
            {"printer": str},
            lambda s, a: dict(_table(s, "h20_spools", a["printer"], "printer")),
        ),
        Tool(
            "h20_print_file",
            "A print file: material and grams of filament it takes.",
            {"file": str},
            lambda s, a: dict(_table(s, "h20_files", a["file"], "print file")),
        ),
        Tool("h20_start_print", "Start printing a file on a printer.", {"printer": str, "file": str}, _start_print),
        Tool("h20_flybar", "A theatre fly bar: its load (with unit) and position.", {"bar": str}, _flybar),
        Tool("h20_fly_out", "Fly a bar out (raise it into the fly tower) and log the cue.", {"bar": str}, _fly_out),
        Tool("h20_lab_report", "The latest lab report of a well: analytes and mg/L.", {"well": str}, _lab_report),
        Tool("h20_certify_well", "Issue a potable-water certificate for a well.", {"well": str}, _certify),
        Tool(
            "h20_pipette",
            "A pipette's record: model and last calibration date.",
            {"pipette": str},
            lambda s, a: dict(_table(s, "h20_pipettes", a["pipette"], "pipette")),
        ),
        Tool("h20_pipette_model", "A pipette model's specification.", {"model": str}, _pipette_model),
        Tool("h20_sign_assay", "Sign off an assay run done with a pipette.", {"assay": str, "pipette": str}, _sign),
        Tool("h20_extinguisher_tag", "The extinguisher tag of a room (plain text).", {"room": str}, _tag),
        Tool("h20_pass_fire_check", "Record a room as passed on the fire round.", {"room": str}, _pass_check),
        Tool("h20_field", "A field: hectares, crop and seed rate in kg per hectare.", {"field": str}, _field),
        Tool("h20_order_seed", "Order seed bags (25 kg each) for a field.", {"field": str, "bags": int}, _order_seed),
        Tool("h20_tyre_info", "A tyre in stock: size and DOT date code (week, year).", {"tyre": str}, _tyre_info),
        Tool("h20_fit_tyre", "Fit a tyre to a van.", {"tyre": str, "van": str}, _fit),
        Tool("h20_vehicle", "An oversize vehicle's record (plain text).", {"vehicle": str}, _vehicle),
        Tool("h20_bridge_info", "A bridge's clearance in metres.", {"bridge": str}, _bridge_info),
        Tool(
            "h20_route_over",
            "Route a vehicle over a bridge (books the crossing).",
            {"vehicle": str, "bridge": str},
            _route,
        ),
        Tool("h20_plot_info", "An allotment holder's plot and its area.", {"holder": str}, _plot_info),
        Tool(
            "h20_renew_plot",
            "Renew an allotment plot for a year, charging the fee.",
            {"plot": str, "fee_eur": float},
            _renew,
        ),
    ]
}

FAMILIES = [print_job, fly, well, pipette, extinguisher, seed, seed_q, tyre, bridge, plot]
