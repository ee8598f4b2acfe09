"""Conditional-wording probes (issue 9, `learning/conditions.py`): goals that say if / unless / only
when / above / under / exceeds, in domains no other probe set uses (boilers, kennels, ski lifts,
beehives, taxis, conference badges). Same interface as the public `families.py` (TOOLS and
FAMILIES); tool names are prefixed `cd_`:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_conditional.py --goals 8 --seed 41

In every family the first goals agree on the condition (replay may learn them); later goals put it
on the other side (a reading past the goal's threshold, a text saying "already", a category never
seen), where a replay must stop before the write and the model decides.

- cd_boiler   vent a boiler if its pressure is above a goal threshold (numbers against a result)
- cd_kennel   board a dog unless it is already boarded (a plain-text status decides)
- cd_lift     open a ski lift only when the wind is under a goal limit; visibility "fog" never seen
- cd_hive     feed a hive unless its honey store exceeds a goal weight
- cd_tip      tip a taxi driver if the fare was over a goal amount (the tip is no result value)
- cd_badges   "print 3 more badges": a quantity, no condition (one write)
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
INT = fam.INT
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "cd_boiler_gauge": READ,
    "cd_vent_boiler": WRITE,
    "cd_kennel_status": READ,
    "cd_board_dog": WRITE,
    "cd_lift_weather": READ,
    "cd_open_lift": IDEMPOTENT,
    "cd_hive_scale": READ,
    "cd_feed_hive": WRITE,
    "cd_last_fare": READ,
    "cd_tip_driver": WRITE,
    "cd_print_badges": WRITE,
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

    if getattr(Server.add_tool, "_cd_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._cd_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _table(s: State, table: str, key: str, what: str) -> Any:
    row = s["tables"].get(table, {}).get(key)
    if row is None:
        raise ToolFail(f"no {what} {key}")
    return row


def _append(section: str, keys: list[str], ack: Any):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return ack(a, len(out))

    return run


# =========================================================================== 1. boilers: above a threshold
def sample_boiler(rng: random.Random, w: State, i: int) -> Params:
    boiler = f"BX{rng.randint(10, 99)}"
    limit = rng.randint(300, 400)
    high = i < 4 or rng.random() < 0.5
    p = limit + rng.randint(20, 120) if high else limit - rng.randint(10, 80)
    w["tables"].setdefault("cd_boilers", {})[boiler] = p
    return {"boiler": boiler, "kpa": rng.choice([10, 15, 20, 25]), "limit": limit}


def _boiler_high(p: Params, b: State) -> bool:
    return bool(b["tables"]["cd_boilers"][p["boiler"]] > p["limit"])


boiler = Family(
    name="cd_boiler",
    templates=["Vent boiler {boiler} by {kpa} kPa if its pressure is above {limit} kPa"],
    fields={"boiler": fam.Field(r"BX\d+"), "kpa": INT, "limit": INT},
    sample=sample_boiler,
    plan=[
        Step("cd_boiler_gauge", lambda p, r: {"boiler": p["boiler"]}),
        Step(
            "cd_vent_boiler",
            lambda p, r: {"boiler": p["boiler"], "kpa": p["kpa"]},
            when=lambda p, r: r["cd_boiler_gauge"]["pressure_kpa"] > p["limit"],
        ),
    ],
    expect=lambda p, b: {"vents": [{"boiler": p["boiler"], "kpa": p["kpa"]}]} if _boiler_high(p, b) else {},
    answer=lambda p, b: [b["tables"]["cd_boilers"][p["boiler"]]],
    summary=lambda p, r: (
        f"Vented {p['boiler']} by {p['kpa']} kPa (pressure was {r['cd_boiler_gauge']['pressure_kpa']} kPa)."
        if "cd_vent_boiler" in r
        else f"No venting: {p['boiler']} is at {r['cd_boiler_gauge']['pressure_kpa']} kPa."
    ),
)


# =========================================================================== 2. kennels: unless already boarded
DOGS = ["Rex", "Bella", "Milo", "Luna", "Otto", "Nala", "Pip", "Juno", "Ziggy", "Coco", "Bruno", "Maple"]


def _kennel_status(s: State, a: dict) -> str:
    where = s.get("boarded", {}).get(a["dog"])
    if where is None:
        return f"{a['dog']} is not boarded anywhere."
    return f"{a['dog']} is already boarded in kennel {where}."


def _board(s: State, a: dict) -> dict:
    s.setdefault("boarded", {})[a["dog"]] = a["kennel"]
    return {"dog": a["dog"], "kennel": a["kennel"], "ok": True}


def sample_kennel(rng: random.Random, w: State, i: int) -> Params:
    dog = f"{rng.choice(DOGS)}{rng.randint(1, 99)}"
    if i >= 4 and rng.random() < 0.5:
        w.setdefault("boarded", {})[dog] = f"K{rng.randint(1, 9)}"
    return {"dog": dog, "kennel": f"K{rng.randint(1, 9)}"}


def _boarded(p: Params, b: State) -> bool:
    return p["dog"] in b.get("boarded", {})


kennel = Family(
    name="cd_kennel",
    templates=["Board {dog} in kennel {kennel} unless the dog is already boarded"],
    fields={"dog": fam.Field(r"[A-Z][a-z]+\d+"), "kennel": fam.Field(r"K\d")},
    sample=sample_kennel,
    plan=[
        Step("cd_kennel_status", lambda p, r: {"dog": p["dog"]}),
        Step(
            "cd_board_dog",
            lambda p, r: {"dog": p["dog"], "kennel": p["kennel"]},
            when=lambda p, r: "already" not in str(r["cd_kennel_status"]),
        ),
    ],
    expect=lambda p, b: {} if _boarded(p, b) else {"boarded": {p["dog"]: p["kennel"]}},
    answer=lambda p, b: [b["boarded"][p["dog"]]] if _boarded(p, b) else [p["kennel"]],
    summary=lambda p, r: (
        f"Boarded {p['dog']} in kennel {p['kennel']}."
        if "cd_board_dog" in r
        else f"{p['dog']} was already boarded: {r['cd_kennel_status']}"
    ),
)


# =========================================================================== 3. ski lifts: only when under a limit
def sample_lift(rng: random.Random, w: State, i: int) -> Params:
    lift = f"L{rng.randint(1, 40)}"
    limit = rng.randint(40, 60)
    calm = i < 4 or rng.random() < 0.6
    wind = limit - rng.randint(5, 30) if calm else limit + rng.randint(1, 25)
    vis = "good" if i < 4 or rng.random() < 0.7 else "fog"
    w["tables"].setdefault("cd_lifts", {})[lift] = {"wind_kmh": wind, "visibility": vis}
    return {"lift": lift, "limit": limit}


def _lift_ok(p: Params, b: State) -> bool:
    row = b["tables"]["cd_lifts"][p["lift"]]
    return bool(row["wind_kmh"] < p["limit"] and row["visibility"] == "good")


lift = Family(
    name="cd_lift",
    templates=["Open ski lift {lift} only when the wind is under {limit} km/h and visibility is good"],
    fields={"lift": fam.Field(r"L\d+"), "limit": INT},
    sample=sample_lift,
    plan=[
        Step("cd_lift_weather", lambda p, r: {"lift": p["lift"]}),
        Step(
            "cd_open_lift",
            lambda p, r: {"lift": p["lift"]},
            when=lambda p, r: (
                r["cd_lift_weather"]["wind_kmh"] < p["limit"] and r["cd_lift_weather"]["visibility"] == "good"
            ),
        ),
    ],
    expect=lambda p, b: {"open_lifts": [{"lift": p["lift"]}]} if _lift_ok(p, b) else {},
    answer=lambda p, b: [b["tables"]["cd_lifts"][p["lift"]]["wind_kmh"]],
    summary=lambda p, r: (
        f"Opened lift {p['lift']} (wind {r['cd_lift_weather']['wind_kmh']} km/h)."
        if "cd_open_lift" in r
        else f"Lift {p['lift']} stays closed: wind {r['cd_lift_weather']['wind_kmh']} km/h, "
        f"visibility {r['cd_lift_weather']['visibility']}."
    ),
)


# =========================================================================== 4. beehives: unless over a weight
def sample_hive(rng: random.Random, w: State, i: int) -> Params:
    hive = f"H{rng.randint(100, 999)}"
    most = rng.randint(15, 25)
    light = i < 4 or rng.random() < 0.5
    honey = most - rng.randint(3, 10) if light else most + rng.randint(1, 8)
    w["tables"].setdefault("cd_hives", {})[hive] = honey
    return {"hive": hive, "kg": rng.choice([2, 3, 4]), "most": most}


def _hive_light(p: Params, b: State) -> bool:
    return bool(b["tables"]["cd_hives"][p["hive"]] <= p["most"])


hive = Family(
    name="cd_hive",
    templates=["Feed hive {hive} {kg} kg of syrup unless its honey store exceeds {most} kg"],
    fields={"hive": fam.Field(r"H\d+"), "kg": INT, "most": INT},
    sample=sample_hive,
    plan=[
        Step("cd_hive_scale", lambda p, r: {"hive": p["hive"]}),
        Step(
            "cd_feed_hive",
            lambda p, r: {"hive": p["hive"], "kg": p["kg"]},
            when=lambda p, r: r["cd_hive_scale"]["honey_kg"] <= p["most"],
        ),
    ],
    expect=lambda p, b: {"feeds": [{"hive": p["hive"], "kg": p["kg"]}]} if _hive_light(p, b) else {},
    answer=lambda p, b: [b["tables"]["cd_hives"][p["hive"]]],
    summary=lambda p, r: (
        f"Fed hive {p['hive']} {p['kg']} kg of syrup (honey store {r['cd_hive_scale']['honey_kg']} kg)."
        if "cd_feed_hive" in r
        else f"Hive {p['hive']} not fed: honey store {r['cd_hive_scale']['honey_kg']} kg."
    ),
)


# =========================================================================== 5. taxis: if the fare was over
def sample_tip(rng: random.Random, w: State, i: int) -> Params:
    driver = f"D-{rng.randint(1000, 9999)}"
    least = rng.choice([20, 25, 30, 35])
    big = i < 4 or rng.random() < 0.5
    fare = round(least + rng.uniform(3, 40), 2) if big else round(least - rng.uniform(2, 15), 2)
    w["tables"].setdefault("cd_fares", {})[driver] = fare
    return {"driver": driver, "amount": rng.choice([2, 3, 5]), "least": least}


def _big_fare(p: Params, b: State) -> bool:
    return bool(b["tables"]["cd_fares"][p["driver"]] > p["least"])


tip = Family(
    name="cd_tip",
    templates=["Tip driver {driver} {amount} euros if the last fare was over {least} euros"],
    fields={"driver": fam.Field(r"D-\d+"), "amount": INT, "least": INT},
    sample=sample_tip,
    plan=[
        Step("cd_last_fare", lambda p, r: {"driver": p["driver"]}),
        Step(
            "cd_tip_driver",
            lambda p, r: {"driver": p["driver"], "euros": p["amount"]},
            when=lambda p, r: r["cd_last_fare"]["fare_eur"] > p["least"],
        ),
    ],
    expect=lambda p, b: {"tips": [{"driver": p["driver"], "euros": p["amount"]}]} if _big_fare(p, b) else {},
    answer=lambda p, b: [b["tables"]["cd_fares"][p["driver"]]],
    summary=lambda p, r: (
        f"Tipped {p['driver']} {p['amount']} EUR (last fare {r['cd_last_fare']['fare_eur']} EUR)."
        if "cd_tip_driver" in r
        else f"No tip: the last fare of {p['driver']} was {r['cd_last_fare']['fare_eur']} EUR."
    ),
)


# =========================================================================== 6. badges: "more" as a quantity
def sample_badges(rng: random.Random, w: State, i: int) -> Params:
    return {"n": rng.randint(2, 30), "conf": rng.choice(["PyAlps", "RustFest", "DataDays", "OpsCon", "EdgeSummit"])}


badges = Family(
    name="cd_badges",
    templates=["Print {n} more badges for the {conf} conference"],
    fields={"n": INT, "conf": fam.Field(r"[A-Z][A-Za-z]+")},
    sample=sample_badges,
    plan=[Step("cd_print_badges", lambda p, r: {"conference": p["conf"], "count": p["n"]})],
    expect=lambda p, b: {"badges": [{"conference": p["conf"], "count": p["n"]}]},
    answer=lambda p, b: [p["n"]],
    summary=lambda p, r: f"Printing {p['n']} badges for {p['conf']} (job {r['cd_print_badges']['job']}).",
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "cd_boiler_gauge",
            "A boiler's pressure in kPa.",
            {"boiler": str},
            lambda s, a: {"boiler": a["boiler"], "pressure_kpa": _table(s, "cd_boilers", a["boiler"], "boiler")},
        ),
        Tool(
            "cd_vent_boiler",
            "Vent a boiler by some kPa.",
            {"boiler": str, "kpa": int},
            _append("vents", ["boiler", "kpa"], lambda a, n: {"vent": f"V{n}", "boiler": a["boiler"]}),
        ),
        Tool("cd_kennel_status", "Where a dog is boarded (plain text).", {"dog": str}, _kennel_status),
        Tool("cd_board_dog", "Board a dog in a kennel.", {"dog": str, "kennel": str}, _board),
        Tool(
            "cd_lift_weather",
            "Wind (km/h) and visibility at a ski lift.",
            {"lift": str},
            lambda s, a: {"lift": a["lift"], **_table(s, "cd_lifts", a["lift"], "lift")},
        ),
        Tool(
            "cd_open_lift",
            "Open a ski lift.",
            {"lift": str},
            _append("open_lifts", ["lift"], lambda a, n: {"lift": a["lift"], "open": True}),
        ),
        Tool(
            "cd_hive_scale",
            "The honey store of a hive, in kg.",
            {"hive": str},
            lambda s, a: {"hive": a["hive"], "honey_kg": _table(s, "cd_hives", a["hive"], "hive")},
        ),
        Tool(
            "cd_feed_hive",
            "Feed a hive kg of syrup.",
            {"hive": str, "kg": int},
            _append("feeds", ["hive", "kg"], lambda a, n: {"feed": f"F{n}", "hive": a["hive"]}),
        ),
        Tool(
            "cd_last_fare",
            "A taxi driver's last fare in EUR.",
            {"driver": str},
            lambda s, a: {"driver": a["driver"], "fare_eur": _table(s, "cd_fares", a["driver"], "driver")},
        ),
        Tool(
            "cd_tip_driver",
            "Tip a driver some euros.",
            {"driver": str, "euros": int},
            _append("tips", ["driver", "euros"], lambda a, n: {"tip": f"T{n}", "driver": a["driver"]}),
        ),
        Tool(
            "cd_print_badges",
            "Print a number of badges for a conference.",
            {"conference": str, "count": int},
            _append("badges", ["conference", "count"], lambda a, n: {"job": f"PB-{n}", "count": a["count"]}),
        ),
    ]
}

FAMILIES: list[Family] = [boiler, kennel, lift, hive, tip, badges]
