"""Held-out probe families, round AF (issue 9): decisions that compare two reads of different tools (a ratio, a
difference, a date gap between records), unit conversions the goal does not name, money in several currencies with
cents, thresholds met exactly (>= vs >), a third status never seen before goal 8, destructive writes after a 3-5
call chain, plain-text results with numbers inside sentences, repeated goals after the world changed.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h19_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout19.py --goals 16 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used:

- h19_pigging    pipeline pigging: run (plain text, km) vs segment length (miles): close the run (destructive)
                 when the odometer reached the converted length (>=, met exactly sometimes), else a stuck-pig
                 alert with the shortfall; "received (odometer fault)" only from goal 8; a closed run stays closed
- h19_bed        hospital bed transfer: patient (isolation) -> ward beds (plain text): lowest "free" bay bed, a
                 side room for isolation, never "free (deep clean pending)"; else the waitlist; "discharged" late
- h19_lot        sperm bank lot release: lot (freeze date) vs donor retest (plain text date): release when the
                 retest is "negative" and at least 180 days after freezing; "reactive" (late) discards the lot
- h19_licence    radio licence renewal, 4 calls: licence -> band fee (plain text, CHF, late surcharge when more
                 than 30 days past expiry) -> FX to the account currency -> renew with the amount in cents
- h19_owed       locksmith: what the open call-outs cost (plain text log, 15-minute billing blocks, out-of-hours
                 multiplier, parts in GBP with cents); call-outs logged by h19_callout change it
- h19_callout    log a locksmith call-out (not idempotent) unless the same address is already logged today
- h19_landing    fishing: record a landing in kg against a quota in tonnes; over quota (not at it) also reports
                 the excess; repeats meet the catch of earlier goals
- h19_windrow    compost windrow: turn when the last three probe readings (Fahrenheit) are all at least the goal's
                 Celsius (131.0 F is 55 C exactly); turned today: not again; "curing" late
- h19_deck       ferry: car deck metres left (lane metres minus vehicles in feet plus a 0.5 m gap each)
- h19_vehicle    ferry: book a vehicle when it fits (same rule), else the waitlist; a booked registration is not
                 booked twice
- h19_deposit    yacht charter deposit: return report (plain text, repair quote in another currency) -> FX ->
                 refund the deposit minus the damage (destructive) or retain it; "under assessment" late

Workloads up to `--goals 16`. Every oracle applies a hidden rule; the first four goals of a family never cross
it, later goals sometimes do. Exact repeats (the runner's repeat share) meet a world earlier goals changed.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import sys
from collections.abc import Callable
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
INT, NUM = fam.INT, fam.NUM
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h19_pig_run": READ,
    "h19_pipe_segment": READ,
    "h19_close_pig_run": DESTRUCTIVE,
    "h19_flag_stuck_pig": WRITE,
    "h19_patient": READ,
    "h19_ward_beds": READ,
    "h19_transfer_patient": WRITE,
    "h19_bed_waitlist": WRITE,
    "h19_lot": READ,
    "h19_donor_retest": READ,
    "h19_release_lot": WRITE,
    "h19_discard_lot": DESTRUCTIVE,
    "h19_licence": READ,
    "h19_band_fee": READ,
    "h19_fx_rate": READ,
    "h19_renew_licence": WRITE,
    "h19_callout_log": READ,
    "h19_rate_card": READ,
    "h19_log_callout": WRITE,
    "h19_quota": READ,
    "h19_landings": READ,
    "h19_record_landing": WRITE,
    "h19_report_overquota": WRITE,
    "h19_windrow_probe": READ,
    "h19_turn_windrow": WRITE,
    "h19_sailing": READ,
    "h19_book_vehicle": WRITE,
    "h19_waitlist_vehicle": WRITE,
    "h19_charter": READ,
    "h19_return_report": READ,
    "h19_refund_deposit": DESTRUCTIVE,
    "h19_retain_deposit": WRITE,
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

    if getattr(Server.add_tool, "_h19_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h19_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _late(i: int, rng: random.Random) -> bool:
    """The third status: never before goal 8."""
    return i >= 8 and rng.random() < 0.25


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(20000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


_PICKED: dict[tuple[int, str], set] = {}


def _fresh(rng: random.Random, w: State, what: str, pool: list) -> Any:
    taken = _PICKED.setdefault((id(w), what), set())
    x = _until(rng, lambda r: r.choice(pool), lambda v: v not in taken)
    taken.add(x)
    return x


def _money(x: float) -> str:
    return f"{x:,.2f}"


BASE = dt.date(2026, 12, 3)
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


def _words(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _parse_words(text: str) -> dt.date:
    day, month, year = text.split()
    return dt.date(int(year), MONTHS.index(month) + 1, int(day))


def _get(section: str, key: str, what: str) -> Callable[[State, dict], dict]:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _tenths(x: float) -> int:
    return round(x * 10)


# ======================================== 1. pipeline pigging: odometer km vs segment miles
MI_KM = 1.609344
SEGMENTS = [f"SEG-{n}" for n in (11, 14, 17, 23, 26, 31, 38, 42)]
PIG_RUNS = [f"PR-{n}" for n in range(5502, 5602, 5)]


def _seed_segments(rng: random.Random, w: State) -> None:
    if "h19_segments" in w:
        return
    for seg in SEGMENTS:
        length = _until(rng, lambda r: round(r.uniform(6.0, 48.0), 2), lambda x: not is_tie(x * MI_KM, 1))
        w.setdefault("h19_segments", {})[seg] = {
            "segment": seg,
            "length_mi": length,
            "diameter_in": rng.choice([12, 16, 24, 30]),
            "product": rng.choice(["crude", "natural gas", "refined products"]),
        }


def _required_tenths(seg: dict) -> int:
    return _tenths(round_half_up(seg["length_mi"] * MI_KM, 1))


def sample_pigging(rng: random.Random, w: State, i: int) -> Params:
    _seed_segments(rng, w)
    run = _fresh(rng, w, "pig_runs", PIG_RUNS)
    seg = rng.choice(SEGMENTS)
    need = _required_tenths(w["h19_segments"][seg])
    status = "received"
    if _late(i, rng):
        status = "received (odometer fault)"
        logged = need + rng.randint(-20, 20)
    elif _trap(i, rng):
        logged = need if rng.random() < 0.4 else need - rng.randint(1, 30)
    else:
        logged = need + rng.randint(3, 25)
    w.setdefault("h19_pig_runs", {})[run] = {
        "run": run,
        "segment": seg,
        "launched": f"0{rng.randint(5, 8)}:{rng.randint(10, 59)}",
        "received": f"1{rng.randint(1, 6)}:{rng.randint(10, 59)}",
        "logged_km": logged / 10,
        "debris_kg": round(rng.uniform(2.0, 60.0), 1),
        "status": status,
    }
    return {"run": run, "wording": _wording(rng, i, 3)}


def _pig_text(s: State, a: dict) -> str:
    row = s.get("h19_pig_runs", {}).get(a["run"])
    if row is None:
        raise ToolFail(f"no pig run {a['run']}")
    return (
        f"Pig run {a['run']} on segment {row['segment']}: launched {row['launched']}, received {row['received']}. "
        f"Odometer logged {row['logged_km']:.1f} km; debris recovered {row['debris_kg']:.1f} kg. "
        f"Status: {row['status']}."
    )


def _pig_r(text: str) -> dict:
    m = re.search(
        r"segment (SEG-\d+):.*Odometer logged ([\d.]+) km; debris recovered ([\d.]+) kg\. Status: (.+)\.$", text
    )
    if m is None:
        raise ValueError("pig text")
    return {"segment": m.group(1), "logged_km": float(m.group(2)), "debris_kg": float(m.group(3)), "status": m.group(4)}


def _pig_decide(run: dict, seg: dict | None) -> str:
    if run["status"] != "received":
        return "none"
    assert seg is not None
    return "close" if _tenths(run["logged_km"]) >= _required_tenths(seg) else "stuck"


def _pig_short(run: dict, seg: dict) -> float:
    return (_required_tenths(seg) - _tenths(run["logged_km"])) / 10


def _pig_expect(p: Params, b: State) -> dict:
    run = b["h19_pig_runs"][p["run"]]
    d = _pig_decide(run, b["h19_segments"][run["segment"]])
    if d == "close":
        return {"h19_pig_runs": {p["run"]: {**run, "status": "closed"}}}
    if d == "stuck":
        short = _pig_short(run, b["h19_segments"][run["segment"]])
        return {
            "h19_pig_runs": {p["run"]: {**run, "status": "stuck pig alert"}},
            "h19_stuck_alerts": [{"run": p["run"], "shortfall_km": short}],
        }
    return {}


def _pig_answer(p: Params, b: State) -> list:
    run = b["h19_pig_runs"][p["run"]]
    seg = b["h19_segments"][run["segment"]]
    d = _pig_decide(run, seg)
    if d == "close":
        return ["closed", run["logged_km"]]
    if d == "stuck":
        return ["stuck", _pig_short(run, seg)]
    return [run["status"]]


def _pig_summary(p: Params, r: dict) -> str:
    run = _pig_r(r["h19_pig_run"])
    if "h19_close_pig_run" in r:
        return f"Pig run {p['run']} reached the end of {run['segment']} ({run['logged_km']:.1f} km): closed."
    if "h19_flag_stuck_pig" in r:
        short = r["h19_flag_stuck_pig"]["shortfall_km"]
        return f"Pig run {p['run']} stopped {short} km short of the end of {run['segment']}: stuck pig alert raised."
    return f"Pig run {p['run']} has status {run['status']}; nothing done."


def _close_pig(s: State, a: dict) -> dict:
    row = s.get("h19_pig_runs", {}).get(a["run"])
    if row is None or row["status"] != "received":
        raise ToolFail(f"pig run {a['run']} cannot be closed")
    row["status"] = "closed"
    return {"run": a["run"], "status": "closed", "archived": True}


def _flag_stuck(s: State, a: dict) -> dict:
    row = s.get("h19_pig_runs", {}).get(a["run"])
    if row is None or row["status"] != "received":
        raise ToolFail(f"pig run {a['run']} cannot be flagged")
    row["status"] = "stuck pig alert"
    s.setdefault("h19_stuck_alerts", []).append({"run": a["run"], "shortfall_km": float(a["shortfall_km"])})
    return {"run": a["run"], "status": "stuck pig alert", "shortfall_km": float(a["shortfall_km"])}


pigging = Family(
    name="h19_pigging",
    templates=[
        "Close pigging run {run} if the pig made it through its segment",
        "Did pig run {run} reach the receiver? Close it out if so, otherwise raise the stuck-pig alert",
        "Wrap up pigging run {run}",
    ],
    fields={"run": _one_of(PIG_RUNS)},
    sample=sample_pigging,
    plan=[
        Step("h19_pig_run", lambda p, r: {"run": p["run"]}),
        Step(
            "h19_pipe_segment",
            lambda p, r: {"segment": _pig_r(r["h19_pig_run"])["segment"]},
            when=lambda p, r: _pig_r(r["h19_pig_run"])["status"] == "received",
        ),
        Step(
            "h19_close_pig_run",
            lambda p, r: {"run": p["run"]},
            when=lambda p, r: (
                _pig_r(r["h19_pig_run"])["status"] == "received"
                and _pig_decide(_pig_r(r["h19_pig_run"]), r["h19_pipe_segment"]) == "close"
            ),
        ),
        Step(
            "h19_flag_stuck_pig",
            lambda p, r: {"run": p["run"], "shortfall_km": _pig_short(_pig_r(r["h19_pig_run"]), r["h19_pipe_segment"])},
            when=lambda p, r: (
                _pig_r(r["h19_pig_run"])["status"] == "received"
                and _pig_decide(_pig_r(r["h19_pig_run"]), r["h19_pipe_segment"]) == "stuck"
            ),
        ),
    ],
    expect=_pig_expect,
    answer=_pig_answer,
    summary=_pig_summary,
)


# ======================================== 2. hospital bed transfer: lowest plainly "free" bed of the right kind
PATIENTS = [f"MRN-{n}" for n in range(204410, 204510, 4)]
WARDS = ["Heron", "Kestrel", "Osprey", "Wren"]
ISOLATION = ["contact", "droplet"]


def _seed_wards(rng: random.Random, w: State) -> None:
    if "h19_wards" in w:
        return
    for ward in WARDS:
        beds = []
        for n in range(1, 13):
            kind = "side room" if n in (11, 12) or rng.random() < 0.12 else "bay"
            beds.append({"bed": n, "kind": kind, "state": rng.choice(["occupied", "occupied", "free"])})
        w.setdefault("h19_wards", {})[ward] = {"ward": ward, "beds": beds}


def _pick_bed(beds: list[dict], isolation: str) -> dict | None:
    kind = "bay" if isolation == "none" else "side room"
    ok = [b for b in beds if b["kind"] == kind and b["state"] == "free"]
    return min(ok, key=lambda b: b["bed"]) if ok else None


def sample_bed(rng: random.Random, w: State, i: int) -> Params:
    _seed_wards(rng, w)
    pid = _fresh(rng, w, "patients", PATIENTS)
    ward = rng.choice(WARDS)
    beds = w["h19_wards"][ward]["beds"]
    status = "discharged" if _late(i, rng) else "admitted"
    trap = _trap(i, rng)
    isolation = "none"
    if not trap:
        if _pick_bed(beds, "none") is None:
            rng.choice([b for b in beds if b["kind"] == "bay"])["state"] = "free"
    else:
        kind = rng.choice(["isolation", "clean", "full"])
        if kind == "isolation":
            isolation = rng.choice(ISOLATION)
        elif kind == "clean":
            best = _pick_bed(beds, "none")
            lower = [b for b in beds if b["kind"] == "bay" and (best is None or b["bed"] < best["bed"])]
            if lower:
                rng.choice(lower)["state"] = "free (deep clean pending)"
        else:
            for b in beds:
                if b["kind"] == "bay" and b["state"] == "free":
                    b["state"] = rng.choice(["occupied", "free (deep clean pending)"])
    w.setdefault("h19_patients", {})[pid] = {
        "patient": pid,
        "ward": rng.choice(["ED", "AMU", "Theatres"]),
        "bed": rng.randint(1, 30),
        "isolation": isolation,
        "status": status,
    }
    return {"patient": pid, "ward": ward, "wording": _wording(rng, i, 3)}


def _beds_text(s: State, a: dict) -> str:
    row = s.get("h19_wards", {}).get(a["ward"])
    if row is None:
        raise ToolFail(f"no ward {a['ward']}")
    parts = [f"bed {b['bed']} {b['kind']} {b['state']}" for b in row["beds"]]
    return f"Ward {a['ward']} bed board at 14:00: " + "; ".join(parts) + "."


def _beds_r(text: str) -> list[dict]:
    out = []
    for part in text.split(": ", 1)[1].rstrip(".").split("; "):
        m = re.fullmatch(r"bed (\d+) (bay|side room) (.+)", part)
        if m is None:
            raise ValueError("beds text")
        out.append({"bed": int(m.group(1)), "kind": m.group(2), "state": m.group(3)})
    return out


def _bed_go(p: Params, pat: dict) -> bool:
    return pat["status"] == "admitted" and pat["ward"] != p["ward"]


def _bed_expect(p: Params, b: State) -> dict:
    pat = b["h19_patients"][p["patient"]]
    if not _bed_go(p, pat):
        return {}
    ward = b["h19_wards"][p["ward"]]
    bed = _pick_bed(ward["beds"], pat["isolation"])
    if bed is None:
        return {"h19_bed_waitlist": [{"patient": p["patient"], "ward": p["ward"]}]}
    beds = [{**x, "state": "occupied"} if x["bed"] == bed["bed"] else x for x in ward["beds"]]
    return {
        "h19_wards": {p["ward"]: {**ward, "beds": beds}},
        "h19_patients": {p["patient"]: {**pat, "ward": p["ward"], "bed": bed["bed"]}},
    }


def _bed_answer(p: Params, b: State) -> list:
    pat = b["h19_patients"][p["patient"]]
    if pat["status"] != "admitted":
        return [pat["status"]]
    if pat["ward"] == p["ward"]:
        return ["already", pat["bed"]]
    bed = _pick_bed(b["h19_wards"][p["ward"]]["beds"], pat["isolation"])
    return ["waitlist"] if bed is None else [p["ward"], bed["bed"]]


def _bed_summary(p: Params, r: dict) -> str:
    pat = r["h19_patient"]
    if pat["status"] != "admitted":
        return f"Patient {p['patient']} is {pat['status']}; no transfer made."
    if pat["ward"] == p["ward"]:
        return f"Patient {p['patient']} is already on ward {p['ward']} in bed {pat['bed']}; nothing to do."
    if "h19_transfer_patient" in r:
        t = r["h19_transfer_patient"]
        return f"Patient {p['patient']} transferred to ward {p['ward']}, bed {t['bed']}."
    return f"No suitable free bed on ward {p['ward']}: patient {p['patient']} added to the bed waitlist."


def _transfer(s: State, a: dict) -> dict:
    pat = s.get("h19_patients", {}).get(a["patient"])
    ward = s.get("h19_wards", {}).get(a["ward"])
    if pat is None or ward is None or pat["status"] != "admitted":
        raise ToolFail("cannot transfer")
    bed = next((x for x in ward["beds"] if x["bed"] == int(a["bed"])), None)
    if bed is None or not bed["state"].startswith("free"):
        raise ToolFail(f"bed {a['bed']} on {a['ward']} is not free")
    bed["state"] = "occupied"
    pat["ward"], pat["bed"] = a["ward"], int(a["bed"])
    return {"patient": a["patient"], "ward": a["ward"], "bed": int(a["bed"]), "status": "transferred"}


def _bed_plan(p: Params, r: dict) -> dict | None:
    return _pick_bed(_beds_r(r["h19_ward_beds"]), r["h19_patient"]["isolation"])


bed = Family(
    name="h19_bed",
    templates=[
        "Transfer patient {patient} to ward {ward}",
        "Find {patient} a bed on {ward} ward and move them",
        "Move {patient} up to {ward}",
    ],
    fields={"patient": _one_of(PATIENTS), "ward": _one_of(WARDS)},
    sample=sample_bed,
    plan=[
        Step("h19_patient", lambda p, r: {"patient": p["patient"]}),
        Step("h19_ward_beds", lambda p, r: {"ward": p["ward"]}, when=lambda p, r: _bed_go(p, r["h19_patient"])),
        Step(
            "h19_transfer_patient",
            lambda p, r: {"patient": p["patient"], "ward": p["ward"], "bed": _bed_plan(p, r)["bed"]},  # type: ignore[index]
            when=lambda p, r: _bed_go(p, r["h19_patient"]) and _bed_plan(p, r) is not None,
        ),
        Step(
            "h19_bed_waitlist",
            lambda p, r: {"patient": p["patient"], "ward": p["ward"]},
            when=lambda p, r: _bed_go(p, r["h19_patient"]) and _bed_plan(p, r) is None,
        ),
    ],
    expect=_bed_expect,
    answer=_bed_answer,
    summary=_bed_summary,
)


# ======================================== 3. sperm bank lot release: retest at least 180 days after freezing
LOTS = [f"LOT-{n}" for n in range(8801, 8901, 4)]
DONORS = [f"D-{n}" for n in range(4410, 4470, 3)]
CLINICS = ["Northfield Fertility", "Harbour IVF", "St Brendan's Clinic"]
QUARANTINE_DAYS = 180


def sample_lot(rng: random.Random, w: State, i: int) -> Params:
    lot = _fresh(rng, w, "lots", LOTS)
    donor = _fresh(rng, w, "donors", DONORS)
    frozen = BASE - dt.timedelta(days=rng.randint(200, 420))
    result = "negative"
    if _late(i, rng):
        result = "reactive"
        gap = rng.randint(181, 200)
    elif _trap(i, rng):
        k = rng.random()
        if k < 0.35:
            gap = QUARANTINE_DAYS
        elif k < 0.7:
            gap = rng.randint(150, QUARANTINE_DAYS - 1)
        else:
            gap = rng.randint(185, 199)
            result = "negative (sample haemolysed, redraw requested)"
    else:
        gap = rng.randint(QUARANTINE_DAYS + 3, QUARANTINE_DAYS + 30)
    w.setdefault("h19_lots", {})[lot] = {
        "lot": lot,
        "donor": donor,
        "vials": rng.randint(4, 24),
        "frozen": frozen.isoformat(),
        "tank": f"LN2-{rng.randint(1, 6)}",
        "status": "quarantine",
    }
    w.setdefault("h19_retests", {})[donor] = {
        "donor": donor,
        "drawn": (frozen + dt.timedelta(days=gap)).isoformat(),
        "result": result,
    }
    return {"lot": lot, "clinic": rng.choice(CLINICS), "wording": _wording(rng, i, 3)}


def _retest_text(s: State, a: dict) -> str:
    row = s.get("h19_retests", {}).get(a["donor"])
    if row is None:
        raise ToolFail(f"no donor {a['donor']}")
    return (
        f"Donor {a['donor']}: infectious disease retest drawn {_words(dt.date.fromisoformat(row['drawn']))}, "
        f"result {row['result']}."
    )


def _retest_r(text: str) -> dict:
    m = re.search(r"drawn (\d{1,2} [A-Z][a-z]+ \d{4}), result (.+)\.$", text)
    if m is None:
        raise ValueError("retest text")
    return {"drawn": _parse_words(m.group(1)).isoformat(), "result": m.group(2)}


def _gap(lot: dict, test: dict) -> int:
    return (dt.date.fromisoformat(test["drawn"]) - dt.date.fromisoformat(lot["frozen"])).days


def _lot_decide(lot: dict, test: dict | None) -> str:
    if lot["status"] != "quarantine":
        return "none"
    assert test is not None
    if test["result"] == "reactive":
        return "discard"
    if test["result"] == "negative" and _gap(lot, test) >= QUARANTINE_DAYS:
        return "release"
    return "hold"


def _lot_expect(p: Params, b: State) -> dict:
    lot = b["h19_lots"][p["lot"]]
    d = _lot_decide(lot, b["h19_retests"][lot["donor"]])
    if d == "release":
        return {"h19_lots": {p["lot"]: {**lot, "status": f"released to {p['clinic']}"}}}
    if d == "discard":
        return {"h19_lots": {p["lot"]: {**lot, "status": "discarded"}}}
    return {}


def _lot_answer(p: Params, b: State) -> list:
    lot = b["h19_lots"][p["lot"]]
    test = b["h19_retests"][lot["donor"]]
    d = _lot_decide(lot, test)
    if d == "release":
        return ["released", lot["vials"]]
    if d == "discard":
        return ["discarded"]
    if d == "none":
        return [lot["status"]]
    if test["result"] != "negative":
        return ["not released", "redraw"]
    return ["not released", _gap(lot, test)]


def _lot_summary(p: Params, r: dict) -> str:
    lot = r["h19_lot"]
    if lot["status"] != "quarantine":
        return f"Lot {p['lot']} is not in quarantine (status: {lot['status']}); nothing done."
    test = _retest_r(r["h19_donor_retest"])
    if "h19_release_lot" in r:
        return f"Lot {p['lot']} released to {p['clinic']}: {lot['vials']} vials."
    if "h19_discard_lot" in r:
        return f"Donor {lot['donor']}'s retest was reactive: lot {p['lot']} discarded."
    if test["result"] != "negative":
        return f"Lot {p['lot']} not released: the retest was '{test['result']}', a redraw is needed first."
    return (
        f"Lot {p['lot']} not released: the retest was drawn only {_gap(lot, test)} days after freezing "
        f"(at least {QUARANTINE_DAYS} needed)."
    )


def _lot_set(status: str) -> Callable[[State, dict], dict]:
    def run(s: State, a: dict) -> dict:
        lot = s.get("h19_lots", {}).get(a["lot"])
        if lot is None or lot["status"] != "quarantine":
            raise ToolFail(f"lot {a['lot']} is not in quarantine")
        lot["status"] = status.format(**a)
        return {"lot": a["lot"], "status": lot["status"]}

    return run


lot = Family(
    name="h19_lot",
    templates=[
        "Release sperm bank lot {lot} to {clinic}",
        "{clinic} wants lot {lot}: release it if it has cleared quarantine",
        "Can lot {lot} go out to {clinic}? If it's cleared, release it",
    ],
    fields={"lot": _one_of(LOTS), "clinic": _one_of(CLINICS)},
    sample=sample_lot,
    plan=[
        Step("h19_lot", lambda p, r: {"lot": p["lot"]}),
        Step(
            "h19_donor_retest",
            lambda p, r: {"donor": r["h19_lot"]["donor"]},
            when=lambda p, r: r["h19_lot"]["status"] == "quarantine",
        ),
        Step(
            "h19_release_lot",
            lambda p, r: {"lot": p["lot"], "clinic": p["clinic"]},
            when=lambda p, r: (
                r["h19_lot"]["status"] == "quarantine"
                and _lot_decide(r["h19_lot"], _retest_r(r["h19_donor_retest"])) == "release"
            ),
        ),
        Step(
            "h19_discard_lot",
            lambda p, r: {"lot": p["lot"]},
            when=lambda p, r: (
                r["h19_lot"]["status"] == "quarantine"
                and _lot_decide(r["h19_lot"], _retest_r(r["h19_donor_retest"])) == "discard"
            ),
        ),
    ],
    expect=_lot_expect,
    answer=_lot_answer,
    summary=_lot_summary,
)


# ======================================== shared: exchange rates (EUR per unit)
EUR_PER = {"EUR": 1.0, "GBP": 1.1642, "USD": 0.9131, "CHF": 1.0713, "NOK": 0.0852, "SEK": 0.0871}


def _rate(src: str, dst: str) -> float:
    return round(EUR_PER[src] / EUR_PER[dst], 4)


def _fx(s: State, a: dict) -> dict:
    src, dst = str(a["from_currency"]).upper(), str(a["to_currency"]).upper()
    if src not in EUR_PER or dst not in EUR_PER:
        raise ToolFail(f"no rate {src}->{dst}")
    return {"from": src, "to": dst, "rate": _rate(src, dst), "as_of": "2026-12-03T09:00Z"}


def _conv(amount: float, src: str, dst: str) -> float:
    return amount if src == dst else round_half_up(amount * _rate(src, dst), 2)


def _conv_tie(amount: float, src: str, dst: str) -> bool:
    return src != dst and is_tie(amount * _rate(src, dst), 2)


# ======================================== 4. radio licence renewal: CHF fee, late surcharge after 30 days, FX
LICENCES = [f"RL-{n}" for n in range(30211, 30311, 4)]
BANDS = {"VHF-marine": (84.50, 15), "UHF-business": (132.40, 20), "HF-amateur": (41.90, 10), "PMR-site": (218.75, 15)}
HOLDERS = ["Skerry Boats", "Ardmore Haulage", "M. Lindqvist", "Coastwatch Trust", "Bjorn Aas", "Pellow Farms"]
LATE_DAYS = 30


def _licence_amount(lic: dict) -> float:
    fee, pct = BANDS[lic["band"]]
    late = (BASE - dt.date.fromisoformat(lic["expiry"])).days > LATE_DAYS
    chf = round_half_up(fee * (100 + pct) / 100, 2) if late else fee
    return _conv(chf, "CHF", lic["currency"])


def sample_licence(rng: random.Random, w: State, i: int) -> Params:
    lic = _fresh(rng, w, "licences", LICENCES)
    status = "active" if not _late(i, rng) else "revoked"
    if _trap(i, rng):
        past = LATE_DAYS if rng.random() < 0.4 else rng.randint(LATE_DAYS + 1, 90)
    else:
        past = rng.randint(-40, 20)
    band = rng.choice(list(BANDS))
    row = {
        "licence": lic,
        "holder": rng.choice(HOLDERS),
        "band": band,
        "expiry": (BASE - dt.timedelta(days=past)).isoformat(),
        "currency": rng.choice(["EUR", "GBP", "NOK", "SEK"]),
        "status": status,
    }
    row["currency"] = _until(
        rng,
        lambda r: r.choice(["EUR", "GBP", "NOK", "SEK"]),
        lambda c: (
            not _conv_tie(BANDS[band][0], "CHF", c)
            and not _conv_tie(round_half_up(BANDS[band][0] * (100 + BANDS[band][1]) / 100, 2), "CHF", c)
        ),
    )
    w.setdefault("h19_licences", {})[lic] = row
    return {"licence": lic, "wording": _wording(rng, i, 3)}


def _fee_text(s: State, a: dict) -> str:
    if a["band"] not in BANDS:
        raise ToolFail(f"no band {a['band']}")
    fee, pct = BANDS[a["band"]]
    return (
        f"Band {a['band']}: the annual licence fee is CHF {fee:.2f}. Renewals made more than {LATE_DAYS} days "
        f"after expiry pay a late surcharge of {pct}% of the fee. Fees are payable in the holder's account currency "
        f"at the day's rate."
    )


def _renew(s: State, a: dict) -> dict:
    lic = s.get("h19_licences", {}).get(a["licence"])
    if lic is None or lic["status"] != "active":
        raise ToolFail(f"licence {a['licence']} cannot be renewed")
    old = dt.date.fromisoformat(lic["expiry"])
    new = max(old, BASE).replace(year=max(old, BASE).year + 1)
    lic["status"], lic["expiry"] = "renewed", new.isoformat()
    s.setdefault("h19_licence_payments", []).append(
        {"licence": a["licence"], "amount": round(float(a["amount"]), 2), "currency": str(a["currency"]).upper()}
    )
    return {"licence": a["licence"], "status": "renewed", "new_expiry": new.isoformat()}


def _licence_expect(p: Params, b: State) -> dict:
    lic = b["h19_licences"][p["licence"]]
    if lic["status"] != "active":
        return {}
    old = dt.date.fromisoformat(lic["expiry"])
    new = max(old, BASE).replace(year=max(old, BASE).year + 1)
    return {
        "h19_licences": {p["licence"]: {**lic, "status": "renewed", "expiry": new.isoformat()}},
        "h19_licence_payments": [
            {"licence": p["licence"], "amount": _licence_amount(lic), "currency": lic["currency"]}
        ],
    }


def _licence_answer(p: Params, b: State) -> list:
    lic = b["h19_licences"][p["licence"]]
    if lic["status"] != "active":
        return [lic["status"]]
    return [_licence_amount(lic), lic["currency"]]


def _licence_summary(p: Params, r: dict) -> str:
    lic = r["h19_licence"]
    if lic["status"] != "active":
        return f"Licence {p['licence']} is {lic['status']}; not renewed."
    amount = _licence_amount(lic)
    return (
        f"Licence {p['licence']} ({lic['band']}) renewed until {r['h19_renew_licence']['new_expiry']}: "
        f"paid {lic['currency']} {_money(amount)}."
    )


licence = Family(
    name="h19_licence",
    templates=[
        "Renew radio licence {licence}",
        "Licence {licence} is up for renewal: pay it",
        "Pay the renewal on radio licence {licence}",
    ],
    fields={"licence": _one_of(LICENCES)},
    sample=sample_licence,
    plan=[
        Step("h19_licence", lambda p, r: {"licence": p["licence"]}),
        Step(
            "h19_band_fee",
            lambda p, r: {"band": r["h19_licence"]["band"]},
            when=lambda p, r: r["h19_licence"]["status"] == "active",
        ),
        Step(
            "h19_fx_rate",
            lambda p, r: {"from_currency": "CHF", "to_currency": r["h19_licence"]["currency"]},
            when=lambda p, r: r["h19_licence"]["status"] == "active",
        ),
        Step(
            "h19_renew_licence",
            lambda p, r: {
                "licence": p["licence"],
                "amount": _licence_amount(r["h19_licence"]),
                "currency": r["h19_licence"]["currency"],
            },
            when=lambda p, r: r["h19_licence"]["status"] == "active",
        ),
    ],
    expect=_licence_expect,
    answer=_licence_answer,
    summary=_licence_summary,
)


# ======================================== 5/6. locksmith call-outs: what the open ones cost; log a call-out
FIRMS = ["Keyhole & Co", "Lockfast", "Brass Tumbler"]
STREETS = [
    "12 Elm Road",
    "4 Quarry Lane",
    "Flat 2, 19 Mercer Street",
    "88 Ropewalk",
    "3 Tanner's Yard",
    "The Old Vicarage",
    "61 Harbour Road",
    "7 Saddler Close",
    "Unit 4, Canal Wharf",
    "22 Beacon Hill",
]


def _seed_firms(rng: random.Random, w: State) -> None:
    if "h19_callouts" in w:
        return
    for k, firm in enumerate(FIRMS):
        w.setdefault("h19_rate_cards", {})[firm] = {
            "firm": firm,
            "callout_fee_gbp": rng.choice([55, 60, 65, 70]),
            "hourly_gbp": rng.choice([44, 48, 52, 56]),
            "billing_block_min": 15,
            "out_of_hours_multiplier": 1.5,
        }
        rows = []
        for _ in range(rng.randint(2, 4)):
            mins = rng.choice([30, 45, 60, 75, 90]) if k < 2 else rng.randint(20, 110)
            rows.append(
                {
                    "date": (BASE - dt.timedelta(days=rng.randint(3, 28))).isoformat(),
                    "address": rng.choice(STREETS[5:]),
                    "minutes": mins,
                    "out_of_hours": k == 2 and rng.random() < 0.5,
                    "parts_gbp": rng.choice([0.0, round(rng.uniform(4, 60), 2)]),
                }
            )
        rows.sort(key=lambda x: x["date"])
        w.setdefault("h19_callouts", {})[firm] = {"firm": firm, "open": rows}


def _callout_cost(c: dict, card: dict) -> float:
    blocks = math.ceil(c["minutes"] / card["billing_block_min"])
    labour_cents = blocks * card["hourly_gbp"] * 100 * card["billing_block_min"] // 60
    base = card["callout_fee_gbp"] * 100 + labour_cents
    if c["out_of_hours"]:
        base = base * 3 // 2
    return (base + round(c["parts_gbp"] * 100)) / 100


def _owed(rows: list[dict], card: dict) -> float:
    return round(sum(_callout_cost(c, card) for c in rows), 2)


def _log_text(s: State, a: dict) -> str:
    row = s.get("h19_callouts", {}).get(a["firm"])
    if row is None:
        raise ToolFail(f"no locksmith {a['firm']}")
    if not row["open"]:
        return f"No open call-outs for {a['firm']}."
    parts = []
    for c in row["open"]:
        bits = [_words(dt.date.fromisoformat(c["date"])), f"lockout at {c['address']}", f"{c['minutes']} minutes"]
        if c["out_of_hours"]:
            bits.append("out of hours")
        bits.append(f"parts GBP {c['parts_gbp']:.2f}" if c["parts_gbp"] else "no parts")
        parts.append(", ".join(bits))
    return f"Open call-outs for {a['firm']} (not yet invoiced): " + "; ".join(parts) + "."


def _log_r(text: str) -> list[dict]:
    if text.startswith("No open"):
        return []
    out = []
    for part in text.split("): ", 1)[1].rstrip(".").split("; "):
        m = re.fullmatch(
            r"(\d{1,2} [A-Z][a-z]+ \d{4}), lockout at (.+?), (\d+) minutes(, out of hours)?, "
            r"(?:parts GBP ([\d.]+)|no parts)",
            part,
        )
        if m is None:
            raise ValueError("log text")
        out.append(
            {
                "date": _parse_words(m.group(1)).isoformat(),
                "address": m.group(2),
                "minutes": int(m.group(3)),
                "out_of_hours": bool(m.group(4)),
                "parts_gbp": float(m.group(5) or 0),
            }
        )
    return out


def sample_owed(rng: random.Random, w: State, i: int) -> Params:
    _seed_firms(rng, w)
    firm = FIRMS[i % 2] if i < 4 else rng.choice(FIRMS)
    return {"firm": firm, "wording": _wording(rng, i, 3)}


def _owed_answer(p: Params, b: State) -> list:
    rows = b["h19_callouts"][p["firm"]]["open"]
    if not rows:
        return ["no open call-outs"]
    return [_owed(rows, b["h19_rate_cards"][p["firm"]]), len(rows)]


def _owed_summary(p: Params, r: dict) -> str:
    rows = _log_r(r["h19_callout_log"])
    if not rows:
        return f"There are no open call-outs for {p['firm']}: nothing owed."
    total = _owed(rows, r["h19_rate_card"])
    return f"We owe {p['firm']} GBP {_money(total)} for {len(rows)} open call-outs."


owed = Family(
    name="h19_owed",
    templates=[
        "How much do we owe locksmith {firm} for its open call-outs?",
        "What's the bill so far from {firm} for call-outs not yet invoiced?",
        "Total up {firm}'s open call-outs",
    ],
    fields={"firm": _one_of(FIRMS)},
    sample=sample_owed,
    plan=[
        Step("h19_callout_log", lambda p, r: {"firm": p["firm"]}, group="o"),
        Step("h19_rate_card", lambda p, r: {"firm": p["firm"]}, group="o"),
    ],
    expect=lambda p, b: {},
    answer=_owed_answer,
    summary=_owed_summary,
)


def sample_callout(rng: random.Random, w: State, i: int) -> Params:
    _seed_firms(rng, w)
    firm, address = _fresh(rng, w, "callouts", [(f, a) for f in FIRMS for a in STREETS[:5]])
    wording = _wording(rng, i, 2)
    minutes = rng.choice([30, 45, 60, 75, 90])
    if _trap(i, rng):
        minutes = rng.randint(20, 100)
        if rng.random() < 0.5:
            wording = 2
    return {"firm": firm, "address": address, "minutes": minutes, "wording": wording}


def _callout_dup(p: Params, rows: list[dict]) -> bool:
    return any(c["address"] == p["address"] and c["date"] == BASE.isoformat() for c in rows)


def _callout_row(p: Params) -> dict:
    return {
        "date": BASE.isoformat(),
        "address": p["address"],
        "minutes": p["minutes"],
        "out_of_hours": p["wording"] == 2,
        "parts_gbp": 0.0,
    }


def _log_callout(s: State, a: dict) -> dict:
    row = s.get("h19_callouts", {}).get(a["firm"])
    if row is None:
        raise ToolFail(f"no locksmith {a['firm']}")
    ooh = str(a["out_of_hours"]).strip().lower()
    if ooh not in ("yes", "no"):
        raise ToolFail("out_of_hours must be yes or no")
    row["open"].append(
        {
            "date": str(a["date"]),
            "address": str(a["address"]),
            "minutes": int(a["minutes"]),
            "out_of_hours": ooh == "yes",
            "parts_gbp": 0.0,
        }
    )
    return {"firm": a["firm"], "logged": True, "open_callouts": len(row["open"])}


def _callout_expect(p: Params, b: State) -> dict:
    row = b["h19_callouts"][p["firm"]]
    if _callout_dup(p, row["open"]):
        return {}
    return {"h19_callouts": {p["firm"]: {**row, "open": [*row["open"], _callout_row(p)]}}}


def _callout_answer(p: Params, b: State) -> list:
    rows = b["h19_callouts"][p["firm"]]["open"]
    return ["already logged"] if _callout_dup(p, rows) else ["logged", len(rows) + 1]


def _callout_summary(p: Params, r: dict) -> str:
    if "h19_log_callout" not in r:
        return f"A call-out by {p['firm']} at {p['address']} is already logged today; not logged again."
    n = r["h19_log_callout"]["open_callouts"]
    return f"Call-out logged for {p['firm']} at {p['address']}: {n} open call-outs now."


callout = Family(
    name="h19_callout",
    templates=[
        "Log a {minutes}-minute call-out by locksmith {firm} at {address}",
        "{firm} just spent {minutes} minutes on a lockout at {address}: log the call-out",
        "Log an out-of-hours {minutes}-minute call-out by locksmith {firm} at {address}",
    ],
    fields={"firm": _one_of(FIRMS), "address": _one_of(STREETS), "minutes": INT},
    sample=sample_callout,
    plan=[
        Step("h19_callout_log", lambda p, r: {"firm": p["firm"]}),
        Step(
            "h19_log_callout",
            lambda p, r: {
                "firm": p["firm"],
                "date": BASE.isoformat(),
                "address": p["address"],
                "minutes": p["minutes"],
                "out_of_hours": "yes" if p["wording"] == 2 else "no",
            },
            when=lambda p, r: not _callout_dup(p, _log_r(r["h19_callout_log"])),
        ),
    ],
    expect=_callout_expect,
    answer=_callout_answer,
    summary=_callout_summary,
)


# ======================================== 7. fishing landings: kg against a quota in tonnes
VESSELS = ["FV Morning Star", "FV Girl Rona", "FV Sea Harvester", "FV Boy Andrew", "FV Ocean Venture", "FV Kestrel Bay"]
SPECIES = ["cod", "haddock", "hake", "monkfish"]
PORTS = ["Peterhead", "Fraserburgh", "Lerwick", "Kinlochbervie"]


def _qkey(vessel: str, species: str) -> str:
    return f"{vessel}|{species}"


def sample_landing(rng: random.Random, w: State, i: int) -> Params:
    vessel, species = _fresh(rng, w, "quota_pairs", [(v, s) for v in VESSELS for s in SPECIES])
    quota_kg = rng.randint(90, 400) * 100
    kg = rng.randint(300, 4000)
    if _trap(i, rng):
        ytd = quota_kg - kg if rng.random() < 0.4 else quota_kg - kg + rng.randint(10, 2000)
    else:
        ytd = quota_kg - kg - rng.randint(200, 4000)
    key = _qkey(vessel, species)
    w.setdefault("h19_quotas", {})[key] = {
        "vessel": vessel,
        "species": species,
        "quota_t": quota_kg / 1000,
        "year": 2026,
    }
    w.setdefault("h19_ytd", {})[key] = {
        "vessel": vessel,
        "species": species,
        "kg": ytd,
        "landings": rng.randint(5, 30),
        "last": (BASE - dt.timedelta(days=rng.randint(2, 20))).isoformat(),
        "port": rng.choice(PORTS),
    }
    return {"vessel": vessel, "species": species, "kg": kg, "wording": _wording(rng, i, 3)}


def _quota(s: State, a: dict) -> dict:
    row = s.get("h19_quotas", {}).get(_qkey(str(a["vessel"]), str(a["species"])))
    if row is None:
        raise ToolFail(f"no quota for {a['vessel']} {a['species']}")
    return row


def _landings_text(s: State, a: dict) -> str:
    row = s.get("h19_ytd", {}).get(_qkey(str(a["vessel"]), str(a["species"])))
    if row is None:
        raise ToolFail(f"no landings for {a['vessel']} {a['species']}")
    return (
        f"{a['vessel']}, {a['species']}, 2026 to date: {row['landings']} landings totalling {row['kg']:,} kg; "
        f"last landed {_words(dt.date.fromisoformat(row['last']))} at {row['port']}."
    )


def _landings_kg(text: str) -> int:
    m = re.search(r"totalling ([\d,]+) kg", text)
    if m is None:
        raise ValueError("landings text")
    return int(m.group(1).replace(",", ""))


def _excess(p: Params, quota_t: float, ytd: int) -> int:
    return ytd + p["kg"] - round(quota_t * 1000)


def _record_landing(s: State, a: dict) -> dict:
    row = s.get("h19_ytd", {}).get(_qkey(str(a["vessel"]), str(a["species"])))
    if row is None:
        raise ToolFail(f"no landings for {a['vessel']} {a['species']}")
    row["kg"] += int(a["kg"])
    row["landings"] += 1
    row["last"] = BASE.isoformat()
    return {"vessel": a["vessel"], "species": a["species"], "recorded_kg": int(a["kg"]), "year_to_date_kg": row["kg"]}


def _overquota(s: State, a: dict) -> dict:
    s.setdefault("h19_overquota_reports", []).append(
        {"vessel": str(a["vessel"]), "species": str(a["species"]), "excess_kg": int(a["excess_kg"])}
    )
    return {"vessel": a["vessel"], "species": a["species"], "status": "reported to the fisheries office"}


def _landing_expect(p: Params, b: State) -> dict:
    key = _qkey(p["vessel"], p["species"])
    ytd = b["h19_ytd"][key]
    ex = _excess(p, b["h19_quotas"][key]["quota_t"], ytd["kg"])
    out: dict = {
        "h19_ytd": {key: {**ytd, "kg": ytd["kg"] + p["kg"], "landings": ytd["landings"] + 1, "last": BASE.isoformat()}}
    }
    if ex > 0:
        out["h19_overquota_reports"] = [{"vessel": p["vessel"], "species": p["species"], "excess_kg": ex}]
    return out


def _landing_answer(p: Params, b: State) -> list:
    key = _qkey(p["vessel"], p["species"])
    ex = _excess(p, b["h19_quotas"][key]["quota_t"], b["h19_ytd"][key]["kg"])
    return ["over quota", ex] if ex > 0 else [-ex]


def _landing_summary(p: Params, r: dict) -> str:
    ex = _excess(p, r["h19_quota"]["quota_t"], _landings_kg(r["h19_landings"]))
    if ex > 0:
        return (
            f"Recorded {p['kg']} kg of {p['species']} for {p['vessel']}: that is {ex} kg over quota, "
            f"reported to the fisheries office."
        )
    return f"Recorded {p['kg']} kg of {p['species']} for {p['vessel']}; {-ex} kg of quota left this year."


landing = Family(
    name="h19_landing",
    templates=[
        "Record a landing of {kg} kg of {species} for {vessel}",
        "{vessel} landed {kg} kg of {species} today: book it against the quota",
        "Log {kg} kg {species} landed by {vessel}",
    ],
    fields={"vessel": _one_of(VESSELS), "species": _one_of(SPECIES), "kg": INT},
    sample=sample_landing,
    plan=[
        Step("h19_quota", lambda p, r: {"vessel": p["vessel"], "species": p["species"]}, group="q"),
        Step("h19_landings", lambda p, r: {"vessel": p["vessel"], "species": p["species"]}, group="q"),
        Step("h19_record_landing", lambda p, r: {"vessel": p["vessel"], "species": p["species"], "kg": p["kg"]}),
        Step(
            "h19_report_overquota",
            lambda p, r: {
                "vessel": p["vessel"],
                "species": p["species"],
                "excess_kg": _excess(p, r["h19_quota"]["quota_t"], _landings_kg(r["h19_landings"])),
            },
            when=lambda p, r: _excess(p, r["h19_quota"]["quota_t"], _landings_kg(r["h19_landings"])) > 0,
        ),
    ],
    expect=_landing_expect,
    answer=_landing_answer,
    summary=_landing_summary,
)


# ======================================== 8. compost windrow: last three probe readings (F) all at least the goal's C
WINDROWS = [f"W-{n}" for n in range(3, 60, 2)]
SITES = ["Fenfield", "Moor Lane", "Stackyard"]


def _f_tenths_for(c: int) -> int:
    return c * 18 + 320


def sample_windrow(rng: random.Random, w: State, i: int) -> Params:
    row = _fresh(rng, w, "windrows", WINDROWS)
    c = rng.choice([55, 55, 57, 60])
    need = _f_tenths_for(c)
    status = "curing" if _late(i, rng) else "active"
    if _trap(i, rng):
        low = need if rng.random() < 0.4 else need - rng.randint(1, 9)
    else:
        low = need + rng.randint(5, 40)
    last3 = [low, low + rng.randint(0, 60), low + rng.randint(0, 60)]
    rng.shuffle(last3)
    older = need - rng.randint(20, 90)
    readings = [[(BASE - dt.timedelta(days=k)).isoformat(), t / 10] for k, t in enumerate([*last3, older])]
    w.setdefault("h19_windrows", {})[row] = {
        "row": row,
        "site": rng.choice(SITES),
        "readings": readings,
        "last_turned": (BASE - dt.timedelta(days=rng.randint(4, 9))).isoformat(),
        "turns": rng.randint(1, 6),
        "status": status,
    }
    return {"row": row, "c": c, "wording": _wording(rng, i, 3)}


def _windrow_text(s: State, a: dict) -> str:
    row = s.get("h19_windrows", {}).get(a["row"])
    if row is None:
        raise ToolFail(f"no windrow {a['row']}")
    reads = "; ".join(f"{_words(dt.date.fromisoformat(d))} {t:.1f}°F" for d, t in row["readings"])
    return (
        f"Windrow {a['row']} (site {row['site']}, {row['status']}), probe at 1 m depth, newest first: {reads}. "
        f"Last turned {_words(dt.date.fromisoformat(row['last_turned']))}, {row['turns']} turns so far."
    )


def _windrow_r(text: str) -> dict:
    m = re.search(r"\(site [^,]+, ([^)]+)\).*newest first: (.+)\. Last turned (\d{1,2} [A-Z][a-z]+ \d{4}),", text)
    if m is None:
        raise ValueError("windrow text")
    temps = [_tenths(float(t)) for t in re.findall(r"([\d.]+)°F", m.group(2))]
    return {"status": m.group(1), "temps": temps, "last_turned": _parse_words(m.group(3)).isoformat()}


def _windrow_min_c(temps: list[int]) -> float:
    return round_half_up((min(temps[:3]) - 320) / 18, 1)


def _windrow_decide(p: Params, r: dict) -> str:
    if r["status"] != "active":
        return "none"
    if r["last_turned"] == BASE.isoformat():
        return "already"
    return "turn" if min(r["temps"][:3]) >= _f_tenths_for(p["c"]) else "no"


def _windrow_state(row: dict) -> dict:
    return {
        "status": row["status"],
        "temps": [_tenths(t) for _, t in row["readings"]],
        "last_turned": row["last_turned"],
    }


def _turn(s: State, a: dict) -> dict:
    row = s.get("h19_windrows", {}).get(a["row"])
    if row is None or row["status"] != "active":
        raise ToolFail(f"windrow {a['row']} cannot be turned")
    row["turns"] += 1
    row["last_turned"] = BASE.isoformat()
    return {"row": a["row"], "turned": True, "turns": row["turns"]}


def _windrow_expect(p: Params, b: State) -> dict:
    row = b["h19_windrows"][p["row"]]
    if _windrow_decide(p, _windrow_state(row)) != "turn":
        return {}
    return {"h19_windrows": {p["row"]: {**row, "turns": row["turns"] + 1, "last_turned": BASE.isoformat()}}}


def _windrow_answer(p: Params, b: State) -> list:
    st = _windrow_state(b["h19_windrows"][p["row"]])
    d = _windrow_decide(p, st)
    if d == "none":
        return [st["status"]]
    if d == "already":
        return ["already turned"]
    return ["turned" if d == "turn" else "not turned", _windrow_min_c(st["temps"])]


def _windrow_summary(p: Params, r: dict) -> str:
    st = _windrow_r(r["h19_windrow_probe"])
    d = _windrow_decide(p, st)
    if d == "none":
        return f"Windrow {p['row']} is {st['status']}; not turned."
    if d == "already":
        return f"Windrow {p['row']} was already turned today; not turned again."
    low = _windrow_min_c(st["temps"])
    if d == "turn":
        return f"Windrow {p['row']} turned: its last three readings were all at least {p['c']}°C (lowest {low}°C)."
    return f"Windrow {p['row']} not turned: the lowest of its last three readings was {low}°C, under {p['c']}°C."


windrow = Family(
    name="h19_windrow",
    templates=[
        "Turn windrow {row} if its last three readings were all at least {c}°C",
        "Has windrow {row} held {c}°C over the last three readings? If so, turn it",
        "Windrow {row}: turn it when the last three probe readings are {c}°C or more",
    ],
    fields={"row": _one_of(WINDROWS), "c": INT},
    sample=sample_windrow,
    plan=[
        Step("h19_windrow_probe", lambda p, r: {"row": p["row"]}),
        Step(
            "h19_turn_windrow",
            lambda p, r: {"row": p["row"]},
            when=lambda p, r: _windrow_decide(p, _windrow_r(r["h19_windrow_probe"])) == "turn",
        ),
    ],
    expect=_windrow_expect,
    answer=_windrow_answer,
    summary=_windrow_summary,
)


# ======================================== 9/10. ferry car deck: metres left (feet + 0.5 m gap each); book or waitlist
SAILINGS = [f"FS-{h:02d}{m:02d}" for h in range(6, 21) for m in (0, 30)][:24]
ROUTES = ["Uig to Tarbert", "Oban to Craignure", "Ullapool to Stornoway"]
FT_M_E5 = 3048  # metres per tenth of a foot, in 1e-5 m
GAP_E5 = 50000


def _reg(rng: random.Random) -> str:
    L = "ABCDEFGHJKLMNOPRSTVWXY"
    return f"{rng.choice(L)}{rng.choice(L)}{rng.randint(10, 74)} {''.join(rng.choice(L) for _ in range(3))}"


def _seed_sailings(rng: random.Random, w: State) -> None:
    if "h19_sailings" in w:
        return
    for s in SAILINGS:
        vehicles = [
            {
                "reg": _reg(rng),
                "kind": k,
                "length_ft": round(rng.uniform(12.0, 17.5) if k == "car" else rng.uniform(18, 26), 1),
            }
            for k in rng.choices(["car", "car", "car", "van"], k=rng.randint(3, 9))
        ]
        w.setdefault("h19_sailings", {})[s] = {
            "sailing": s,
            "route": rng.choice(ROUTES),
            "departs": f"{_words(BASE + dt.timedelta(days=2))} {s[3:5]}:{s[5:]}",
            "lane_m": 0,
            "vehicles": vehicles,
        }


def _used_e5(vehicles: list[dict]) -> int:
    return sum(_tenths(v["length_ft"]) * FT_M_E5 + GAP_E5 for v in vehicles)


def _left_e5(row: dict) -> int:
    return row["lane_m"] * 100000 - _used_e5(row["vehicles"])


def _m2(e5: int) -> float:
    return round_half_up(e5 / 100000, 2)


def _need_e5(length_ft: float) -> int:
    return _tenths(length_ft) * FT_M_E5 + GAP_E5


def _sailing_text(s: State, a: dict) -> str:
    row = s.get("h19_sailings", {}).get(a["sailing"])
    if row is None:
        raise ToolFail(f"no sailing {a['sailing']}")
    booked = "; ".join(f"{v['reg']} {v['kind']} {v['length_ft']:.1f} ft" for v in row["vehicles"]) or "none"
    return (
        f"Sailing {a['sailing']} {row['route']}, departs {row['departs']}; car deck {row['lane_m']} lane metres. "
        f"Booked: {booked}."
    )


def _sailing_r(text: str) -> dict:
    m = re.search(r"car deck (\d+) lane metres\. Booked: (.+)\.$", text)
    if m is None:
        raise ValueError("sailing text")
    vehicles = [
        {"reg": g[0], "kind": g[1], "length_ft": float(g[2])}
        for g in re.findall(r"([A-Z]{2}\d{2} [A-Z]{3}) (car|van) ([\d.]+) ft", m.group(2))
    ]
    return {"lane_m": int(m.group(1)), "vehicles": vehicles}


def sample_deck(rng: random.Random, w: State, i: int) -> Params:
    _seed_sailings(rng, w)
    s = rng.choice(SAILINGS)
    row = w["h19_sailings"][s]
    if row["lane_m"] == 0:
        row["lane_m"] = math.ceil(_used_e5(row["vehicles"]) / 100000) + rng.randint(8, 40)
    return {"sailing": s, "wording": _wording(rng, i, 3)}


def _deck_answer(p: Params, b: State) -> list:
    return [_m2(_left_e5(b["h19_sailings"][p["sailing"]]))]


def _deck_summary(p: Params, r: dict) -> str:
    row = _sailing_r(r["h19_sailing"])
    left = _m2(_left_e5(row))
    return f"Sailing {p['sailing']} has {left:.2f} metres of car deck left ({len(row['vehicles'])} vehicles booked)."


deck = Family(
    name="h19_deck",
    templates=[
        "How many metres of car deck are left on sailing {sailing}?",
        "How much deck space is still free on ferry {sailing}?",
        "Space left on the car deck of {sailing}, in metres?",
    ],
    fields={"sailing": _one_of(SAILINGS)},
    sample=sample_deck,
    plan=[Step("h19_sailing", lambda p, r: {"sailing": p["sailing"]})],
    expect=lambda p, b: {},
    answer=_deck_answer,
    summary=_deck_summary,
)


def sample_vehicle(rng: random.Random, w: State, i: int) -> Params:
    _seed_sailings(rng, w)
    s = _fresh(rng, w, "vehicle_sailings", SAILINGS)
    row = w["h19_sailings"][s]
    length = round(rng.uniform(12.0, 17.5), 1) if rng.random() < 0.7 else round(rng.uniform(18.0, 24.0), 1)
    used = _used_e5(row["vehicles"])
    need = _need_e5(length)
    if _trap(i, rng):
        row["lane_m"] = (used + need - 1) // 100000  # some deck left, less than the vehicle needs
    elif row["lane_m"] == 0 or row["lane_m"] * 100000 - used < need + 300000:
        row["lane_m"] = math.ceil((used + need) / 100000) + rng.randint(3, 30)
    return {"sailing": s, "reg": _reg(rng), "length": length, "wording": _wording(rng, i, 3)}


def _vehicle_decide(p: Params, row: dict) -> str:
    if any(v["reg"] == p["reg"] for v in row["vehicles"]):
        return "already"
    return "book" if _left_e5(row) >= _need_e5(p["length"]) else "wait"


def _book_vehicle(s: State, a: dict) -> dict:
    row = s.get("h19_sailings", {}).get(a["sailing"])
    if row is None:
        raise ToolFail(f"no sailing {a['sailing']}")
    if any(v["reg"] == a["reg"] for v in row["vehicles"]):
        raise ToolFail(f"{a['reg']} is already booked on {a['sailing']}")
    row["vehicles"].append(
        {
            "reg": str(a["reg"]),
            "kind": "car" if float(a["length_ft"]) < 18 else "van",
            "length_ft": float(a["length_ft"]),
        }
    )
    return {"sailing": a["sailing"], "reg": a["reg"], "status": "booked"}


def _vehicle_expect(p: Params, b: State) -> dict:
    row = b["h19_sailings"][p["sailing"]]
    d = _vehicle_decide(p, row)
    if d == "book":
        v = {"reg": p["reg"], "kind": "car" if p["length"] < 18 else "van", "length_ft": p["length"]}
        return {"h19_sailings": {p["sailing"]: {**row, "vehicles": [*row["vehicles"], v]}}}
    if d == "wait":
        return {"h19_vehicle_waitlist": [{"sailing": p["sailing"], "reg": p["reg"], "length_ft": p["length"]}]}
    return {}


def _vehicle_answer(p: Params, b: State) -> list:
    row = b["h19_sailings"][p["sailing"]]
    d = _vehicle_decide(p, row)
    if d == "book":
        return ["booked", _m2(_left_e5(row) - _need_e5(p["length"]))]
    return ["waitlist"] if d == "wait" else ["already booked"]


def _vehicle_summary(p: Params, r: dict) -> str:
    row = _sailing_r(r["h19_sailing"])
    d = _vehicle_decide(p, row)
    if d == "already":
        return f"{p['reg']} is already booked on {p['sailing']}; nothing to do."
    if d == "wait":
        return f"{p['reg']} does not fit on {p['sailing']} ({_m2(_left_e5(row)):.2f} m left): added to the waitlist."
    left = _m2(_left_e5(row) - _need_e5(p["length"]))
    return f"{p['reg']} booked on {p['sailing']}; {left:.2f} m of car deck left after it."


vehicle = Family(
    name="h19_vehicle",
    templates=[
        "Book {reg}, a {length} ft vehicle, on sailing {sailing}",
        "Get vehicle {reg} ({length} ft long) onto ferry {sailing}",
        "Put {reg} on {sailing}; it is {length} feet long",
    ],
    fields={"reg": Field(r"[A-Z]{2}\d{2} [A-Z]{3}"), "length": NUM, "sailing": _one_of(SAILINGS)},
    sample=sample_vehicle,
    plan=[
        Step("h19_sailing", lambda p, r: {"sailing": p["sailing"]}),
        Step(
            "h19_book_vehicle",
            lambda p, r: {"sailing": p["sailing"], "reg": p["reg"], "length_ft": p["length"]},
            when=lambda p, r: _vehicle_decide(p, _sailing_r(r["h19_sailing"])) == "book",
        ),
        Step(
            "h19_waitlist_vehicle",
            lambda p, r: {"sailing": p["sailing"], "reg": p["reg"], "length_ft": p["length"]},
            when=lambda p, r: _vehicle_decide(p, _sailing_r(r["h19_sailing"])) == "wait",
        ),
    ],
    expect=_vehicle_expect,
    answer=_vehicle_answer,
    summary=_vehicle_summary,
)


# ======================================== 11. yacht charter deposit: refund minus damage (converted), or retain
CHARTERS = [f"CH-{n}" for n in range(7710, 7810, 4)]
YACHTS = ["Sea Sprite", "Halcyon", "Northern Tern", "Bella Onda", "Saltire", "Mistral"]
CLIENTS = ["Moreau", "Okafor", "Lindgren", "Castillo", "Brennan", "Nakamura"]
DAMAGE = ["torn genoa", "bent stanchion", "chipped keel", "lost dinghy outboard", "cracked hatch"]


def sample_deposit(rng: random.Random, w: State, i: int) -> Params:
    ch = _fresh(rng, w, "charters", CHARTERS)
    cur = rng.choice(["EUR", "GBP", "NOK"])
    deposit = {"EUR": 2500.0, "GBP": 2000.0, "NOK": 30000.0}[cur]
    status = "returned, damage under assessment" if _late(i, rng) else "returned"
    damage = None
    trap = _trap(i, rng)
    if trap and rng.random() < 0.35:
        damage = {"item": rng.choice(DAMAGE), "quote": deposit, "currency": cur}
    elif trap:
        qcur = rng.choice([c for c in ("EUR", "GBP", "USD", "CHF") if c != cur])
        damage = {
            "item": rng.choice(DAMAGE),
            "currency": qcur,
            "quote": _until(
                rng,
                lambda r: round(r.uniform(1.05, 2.5) * deposit / _rate(qcur, cur), 2),
                lambda q: not _conv_tie(q, qcur, cur),
            ),
        }
    elif rng.random() < 0.6:
        qcur = rng.choice([c for c in ("EUR", "GBP", "USD", "CHF") if c != cur])
        damage = {
            "item": rng.choice(DAMAGE),
            "currency": qcur,
            "quote": _until(
                rng,
                lambda r: round(r.uniform(0.03, 0.4) * deposit / _rate(qcur, cur), 2),
                lambda q: not _conv_tie(q, qcur, cur),
            ),
        }
    w.setdefault("h19_charters", {})[ch] = {
        "charter": ch,
        "yacht": rng.choice(YACHTS),
        "client": rng.choice(CLIENTS),
        "deposit": deposit,
        "currency": cur,
        "status": status,
    }
    w.setdefault("h19_returns", {})[ch] = {
        "returned": (BASE - dt.timedelta(days=rng.randint(1, 6))).isoformat(),
        "time": f"1{rng.randint(4, 9)}:{rng.randint(10, 59)}",
        "damage": damage,
        "fuel": rng.choice(["full", "3/4", "full"]),
    }
    return {"charter": ch, "wording": _wording(rng, i, 3)}


def _return_text(s: State, a: dict) -> str:
    row = s.get("h19_returns", {}).get(a["charter"])
    ch = s.get("h19_charters", {}).get(a["charter"])
    if row is None or ch is None:
        raise ToolFail(f"no charter {a['charter']}")
    dmg = row["damage"]
    damage = "none" if dmg is None else f"{dmg['item']}, repair quote {dmg['currency']} {_money(dmg['quote'])}"
    return (
        f"Yacht {ch['yacht']} returned {_words(dt.date.fromisoformat(row['returned']))} at {row['time']}. "
        f"Damage: {damage}. Fuel: {row['fuel']}."
    )


def _return_r(text: str) -> dict | None:
    m = re.search(r"Damage: (?:none|.+?, repair quote ([A-Z]{3}) ([\d,]+\.\d{2}))\. Fuel", text)
    if m is None:
        raise ValueError("return text")
    if m.group(1) is None:
        return None
    return {"currency": m.group(1), "quote": float(m.group(2).replace(",", ""))}


def _damage(ch: dict, dmg: dict | None) -> float:
    return 0.0 if dmg is None else _conv(dmg["quote"], dmg["currency"], ch["currency"])


def _deposit_decide(ch: dict, dmg: dict | None) -> str:
    if ch["status"] != "returned":
        return "none"
    return "retain" if _damage(ch, dmg) >= ch["deposit"] else "refund"


def _refund_amount(ch: dict, dmg: dict | None) -> float:
    return round(ch["deposit"] - _damage(ch, dmg), 2)


def _deposit_write(status: str) -> Callable[[State, dict], dict]:
    def run(s: State, a: dict) -> dict:
        ch = s.get("h19_charters", {}).get(a["charter"])
        if ch is None or ch["status"] != "returned":
            raise ToolFail(f"charter {a['charter']} deposit cannot be settled")
        ch["status"] = status
        s.setdefault("h19_deposit_ledger", []).append(
            {
                "charter": a["charter"],
                "action": status,
                "amount": round(float(a["amount"]), 2),
                "currency": ch["currency"],
            }
        )
        return {
            "charter": a["charter"],
            "status": status,
            "amount": round(float(a["amount"]), 2),
            "currency": ch["currency"],
        }

    return run


def _deposit_expect(p: Params, b: State) -> dict:
    ch = b["h19_charters"][p["charter"]]
    dmg = b["h19_returns"][p["charter"]]["damage"]
    d = _deposit_decide(ch, dmg)
    if d == "none":
        return {}
    status = "deposit refunded" if d == "refund" else "deposit retained"
    amount = _refund_amount(ch, dmg) if d == "refund" else ch["deposit"]
    return {
        "h19_charters": {p["charter"]: {**ch, "status": status}},
        "h19_deposit_ledger": [
            {"charter": p["charter"], "action": status, "amount": amount, "currency": ch["currency"]}
        ],
    }


def _deposit_answer(p: Params, b: State) -> list:
    ch = b["h19_charters"][p["charter"]]
    dmg = b["h19_returns"][p["charter"]]["damage"]
    d = _deposit_decide(ch, dmg)
    if d == "refund":
        return ["refunded", _refund_amount(ch, dmg), ch["currency"]]
    if d == "retain":
        return ["retained", _damage(ch, dmg)]
    return [ch["status"]]


def _deposit_summary(p: Params, r: dict) -> str:
    ch = r["h19_charter"]
    if ch["status"] != "returned":
        return f"Charter {p['charter']}: {ch['status']}; nothing paid out."
    dmg = _return_r(r["h19_return_report"])
    if "h19_refund_deposit" in r:
        return (
            f"Refunded {ch['currency']} {_money(_refund_amount(ch, dmg))} of the {ch['currency']} "
            f"{_money(ch['deposit'])} deposit on {p['charter']} (damage {ch['currency']} {_money(_damage(ch, dmg))})."
        )
    return (
        f"Damage on {p['charter']} comes to {ch['currency']} {_money(_damage(ch, dmg))}, at least the deposit: "
        f"deposit retained."
    )


def _needs_fx(r: dict) -> bool:
    dmg = _return_r(r["h19_return_report"])
    return dmg is not None and dmg["currency"] != r["h19_charter"]["currency"]


deposit = Family(
    name="h19_deposit",
    templates=[
        "Settle the damage deposit for charter {charter}",
        "Charter {charter} is back: refund what's left of the deposit",
        "Close out the deposit on {charter}",
    ],
    fields={"charter": _one_of(CHARTERS)},
    sample=sample_deposit,
    plan=[
        Step("h19_charter", lambda p, r: {"charter": p["charter"]}),
        Step(
            "h19_return_report",
            lambda p, r: {"charter": p["charter"]},
            when=lambda p, r: r["h19_charter"]["status"] == "returned",
        ),
        Step(
            "h19_fx_rate",
            lambda p, r: {
                "from_currency": _return_r(r["h19_return_report"])["currency"],
                "to_currency": r["h19_charter"]["currency"],
            },  # type: ignore[index]
            when=lambda p, r: r["h19_charter"]["status"] == "returned" and _needs_fx(r),
        ),
        Step(
            "h19_refund_deposit",
            lambda p, r: {
                "charter": p["charter"],
                "amount": _refund_amount(r["h19_charter"], _return_r(r["h19_return_report"])),
            },
            when=lambda p, r: (
                r["h19_charter"]["status"] == "returned"
                and _deposit_decide(r["h19_charter"], _return_r(r["h19_return_report"])) == "refund"
            ),
        ),
        Step(
            "h19_retain_deposit",
            lambda p, r: {"charter": p["charter"], "amount": r["h19_charter"]["deposit"]},
            when=lambda p, r: (
                r["h19_charter"]["status"] == "returned"
                and _deposit_decide(r["h19_charter"], _return_r(r["h19_return_report"])) == "retain"
            ),
        ),
    ],
    expect=_deposit_expect,
    answer=_deposit_answer,
    summary=_deposit_summary,
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool("h19_pig_run", "A pipeline pigging run's record (plain text).", {"run": str}, _pig_text),
        Tool(
            "h19_pipe_segment",
            "A pipeline segment: length, diameter, product.",
            {"segment": str},
            _get("h19_segments", "segment", "segment"),
        ),
        Tool("h19_close_pig_run", "Close and archive a received pigging run (final).", {"run": str}, _close_pig),
        Tool(
            "h19_flag_stuck_pig",
            "Raise a stuck-pig alert for a run that stopped short of the receiver (shortfall in km).",
            {"run": str, "shortfall_km": float},
            _flag_stuck,
        ),
        Tool(
            "h19_patient",
            "An inpatient: ward, bed, isolation, status.",
            {"patient": str},
            _get("h19_patients", "patient", "patient"),
        ),
        Tool("h19_ward_beds", "A ward's bed board (plain text).", {"ward": str}, _beds_text),
        Tool(
            "h19_transfer_patient",
            "Transfer a patient to a bed on a ward.",
            {"patient": str, "ward": str, "bed": int},
            _transfer,
        ),
        Tool(
            "h19_bed_waitlist",
            "Put a patient on a ward's bed waitlist.",
            {"patient": str, "ward": str},
            lambda s, a: (
                s.setdefault("h19_bed_waitlist", []).append({"patient": a["patient"], "ward": a["ward"]}),
                {"patient": a["patient"], "ward": a["ward"], "status": "waitlisted"},
            )[1],
        ),
        Tool(
            "h19_lot",
            "A sperm bank lot: donor, vials, freeze date, tank, status.",
            {"lot": str},
            _get("h19_lots", "lot", "lot"),
        ),
        Tool(
            "h19_donor_retest", "A donor's latest infectious disease retest (plain text).", {"donor": str}, _retest_text
        ),
        Tool(
            "h19_release_lot",
            "Release a quarantined lot to a clinic.",
            {"lot": str, "clinic": str},
            _lot_set("released to {clinic}"),
        ),
        Tool("h19_discard_lot", "Discard a lot (the vials are destroyed).", {"lot": str}, _lot_set("discarded")),
        Tool(
            "h19_licence",
            "A radio licence: holder, band, expiry, account currency, status.",
            {"licence": str},
            _get("h19_licences", "licence", "licence"),
        ),
        Tool("h19_band_fee", "The licence fee rules of a radio band (plain text).", {"band": str}, _fee_text),
        Tool(
            "h19_fx_rate",
            "Exchange rate: units of to_currency per unit of from_currency.",
            {"from_currency": str, "to_currency": str},
            _fx,
        ),
        Tool(
            "h19_renew_licence",
            "Renew a radio licence for a year and take the payment (amount in the account currency).",
            {"licence": str, "amount": float, "currency": str},
            _renew,
        ),
        Tool(
            "h19_callout_log", "A locksmith's open (not yet invoiced) call-outs (plain text).", {"firm": str}, _log_text
        ),
        Tool("h19_rate_card", "A locksmith's rate card.", {"firm": str}, _get("h19_rate_cards", "firm", "locksmith")),
        Tool(
            "h19_log_callout",
            "Log a locksmith call-out (date YYYY-MM-DD, out_of_hours yes or no).",
            {"firm": str, "date": str, "address": str, "minutes": int, "out_of_hours": str},
            _log_callout,
        ),
        Tool("h19_quota", "A vessel's annual quota for a species.", {"vessel": str, "species": str}, _quota),
        Tool(
            "h19_landings",
            "A vessel's landings of a species this year (plain text).",
            {"vessel": str, "species": str},
            _landings_text,
        ),
        Tool(
            "h19_record_landing",
            "Record a landing (kg) for a vessel and species.",
            {"vessel": str, "species": str, "kg": int},
            _record_landing,
        ),
        Tool(
            "h19_report_overquota",
            "Report a vessel's catch over quota to the fisheries office (excess in kg).",
            {"vessel": str, "species": str, "excess_kg": int},
            _overquota,
        ),
        Tool(
            "h19_windrow_probe",
            "A compost windrow's temperature probe readings (plain text).",
            {"row": str},
            _windrow_text,
        ),
        Tool("h19_turn_windrow", "Turn a compost windrow.", {"row": str}, _turn),
        Tool(
            "h19_sailing",
            "A ferry sailing: route, car deck and bookings (plain text).",
            {"sailing": str},
            _sailing_text,
        ),
        Tool(
            "h19_book_vehicle",
            "Book a vehicle on a ferry sailing.",
            {"sailing": str, "reg": str, "length_ft": float},
            _book_vehicle,
        ),
        Tool(
            "h19_waitlist_vehicle",
            "Put a vehicle on a sailing's waitlist.",
            {"sailing": str, "reg": str, "length_ft": float},
            lambda s, a: (
                s.setdefault("h19_vehicle_waitlist", []).append(
                    {"sailing": a["sailing"], "reg": a["reg"], "length_ft": float(a["length_ft"])}
                ),
                {"sailing": a["sailing"], "reg": a["reg"], "status": "waitlisted"},
            )[1],
        ),
        Tool(
            "h19_charter",
            "A yacht charter: yacht, client, deposit, status.",
            {"charter": str},
            _get("h19_charters", "charter", "charter"),
        ),
        Tool("h19_return_report", "The return report of a charter yacht (plain text).", {"charter": str}, _return_text),
        Tool(
            "h19_refund_deposit",
            "Refund (part of) a charter's damage deposit to the client (final).",
            {"charter": str, "amount": float},
            _deposit_write("deposit refunded"),
        ),
        Tool(
            "h19_retain_deposit",
            "Retain a charter's whole damage deposit against the damage.",
            {"charter": str, "amount": float},
            _deposit_write("deposit retained"),
        ),
    ]
}

FAMILIES = [pigging, bed, lot, licence, owed, callout, landing, windrow, deck, vehicle, deposit]
