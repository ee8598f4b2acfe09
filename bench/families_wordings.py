"""Probe families for evidence shared across wordings (issue 9, `llmos/learning/wordings.py`).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `w9_` and
collide with no other set. Every family has two or three wordings of its goal, picked at random per
goal, so a plan of one wording meets runs of another:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_wordings.py --goals 6 --seed 5

Wordings that mean the same task (a new wording may learn from its sibling's plan):

- w9_hive       move a beehive to an apiary (idempotent), three wordings, one of them "Take ... over to"
- w9_tide       a question: high tide at a port on a day (read-only), terse / polite / "Give me" wordings
- w9_vine       irrigate a vineyard row for N minutes: seconds = minutes x 60 (idempotent)
- w9_scope      point a telescope at a star: coordinates from a catalogue read (idempotent)
- w9_bake       bake N loaves: flour = N x grams per loaf from a recipe read (no annotations: a write)
- w9_bonus      pay a bonus of P percent of a salary (a write, rounded to cents)

Wordings with the SAME calls that mean something else (a sibling's plan must never lend to them):

- w9_loom       "Add N picks to loom L" (count + N) vs "Take N picks off loom L" (count - N)
- w9_kennel     "Check dog D into kennel K" (status "in") vs "Check dog D out of kennel K" (status "out")
- w9_develop    "Develop roll R normally" (minutes as charted) vs "Push-process roll R" (x 1.5, rounded up)
- w9_holds      "Place a hold on ISBN for member M" (action "place") vs "Drop the hold ..." ("cancel")
- w9_thermo     "Set room R N degrees warmer" (current + N) vs "... N degrees cooler" (current - N)
- w9_dosage     "Give patient P the full dose" (the charted dose) vs "... half the dose" (dose / 2)
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
INT, CAPWORD = fam.INT, fam.CAPWORD
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "w9_hive_info": READ,
    "w9_move_hive": IDEMPOTENT,
    "w9_tide_table": READ,
    "w9_row_status": READ,
    "w9_irrigate": IDEMPOTENT,
    "w9_star": READ,
    "w9_slew": IDEMPOTENT,
    "w9_recipe": READ,
    "w9_salary": READ,
    "w9_pay_bonus": WRITE,
    "w9_loom_count": READ,
    "w9_set_picks": IDEMPOTENT,
    "w9_kennel_get": READ,
    "w9_kennel_set": WRITE,
    "w9_film": READ,
    "w9_develop": WRITE,
    "w9_catalog": READ,
    "w9_hold": WRITE,
    "w9_room": READ,
    "w9_set_room": IDEMPOTENT,
    "w9_chart": READ,
    "w9_give": WRITE,
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

    if getattr(Server.add_tool, "_w9_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._w9_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _table(name: str, key: str) -> Any:
    """A read of a seeded table (`w["tables"][name][key]`)."""

    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(name, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return dict(row)

    return run


def _log(section: str, ref: str):
    """A write appended to a ledger section; answers with a reference and its arguments."""

    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append(dict(a))
        return {"ok": True, "ref": f"{ref}-{500 + len(out)}", **a}

    return run


def _put(section: str, key: str):
    """An idempotent write: the section's row for `key` becomes the arguments."""

    def run(s: State, a: dict) -> dict:
        s.setdefault(section, {})[str(a[key])] = dict(a)
        return {"ok": True, **a}

    return run


def _wording(rng: random.Random, n: int) -> int:
    return rng.randrange(n)


# =========================================================================== same task, other words
SITES = ["Orchard", "Meadow", "Heath", "Willow", "Clover"]


def sample_hive(rng: random.Random, w: State, i: int) -> Params:
    hive = f"HV-{rng.randint(100, 999)}"
    w["tables"].setdefault("w9_hives", {})[hive] = {"hive": hive, "frames": rng.randint(6, 12), "site": "Home"}
    return {"hive": hive, "site": rng.choice(SITES), "wording": _wording(rng, 3)}


hive = Family(
    name="w9_hive",
    templates=[
        "Move hive {hive} to the {site} apiary",
        "Relocate beehive {hive} to apiary {site}",
        "Take hive {hive} over to {site}, please",
    ],
    fields={"hive": Field(r"HV-\d{3}"), "site": CAPWORD},
    sample=sample_hive,
    plan=[
        Step("w9_hive_info", lambda p, r: {"hive": p["hive"]}),
        Step("w9_move_hive", lambda p, r: {"hive": p["hive"], "site": p["site"]}),
    ],
    expect=lambda p, b: {"w9_hive_sites": {p["hive"]: {"hive": p["hive"], "site": p["site"]}}},
    answer=lambda p, b: [p["site"]],
    summary=lambda p, r: f"Hive {p['hive']} now stands at the {p['site']} apiary.",
)

PORTS = ["Brest", "Cadiz", "Bergen", "Galway", "Porto"]


def sample_tide(rng: random.Random, w: State, i: int) -> Params:
    port, day = rng.choice(PORTS), rng.randint(1, 28)
    hh, mm = rng.randint(0, 23), rng.choice([0, 10, 20, 30, 40, 50])
    height = round(rng.uniform(1.5, 6.5), 1)
    w["tables"].setdefault("w9_tides", {})[f"{port}/{day}"] = {"high": f"{hh:02d}:{mm:02d}", "height_m": height}
    return {"port": port, "day": day, "wording": _wording(rng, 3)}


def _tide(s: State, a: dict) -> dict:
    row = s["tables"].get("w9_tides", {}).get(f"{a['port']}/{a['day']}")
    if row is None:
        raise ToolFail(f"no tide table for {a['port']} day {a['day']}")
    return {"port": a["port"], "day": a["day"], **row}


def _tide_b(p: Params, b: State) -> dict:
    return b["tables"]["w9_tides"][f"{p['port']}/{p['day']}"]


tide = Family(
    name="w9_tide",
    templates=[
        "High tide at {port} on day {day}?",
        "Could you look up the high tide for {port}, day {day} of the month?",
        "Give me day {day}'s high water time at {port}",
    ],
    fields={"port": CAPWORD, "day": INT},
    sample=sample_tide,
    plan=[Step("w9_tide_table", lambda p, r: {"port": p["port"], "day": p["day"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_tide_b(p, b)["high"]],
    summary=lambda p, r: f"High tide at {p['port']} on day {p['day']}: {r['w9_tide_table']['high']}.",
)


def sample_vine(rng: random.Random, w: State, i: int) -> Params:
    row = f"R{rng.randint(1, 40)}"
    w["tables"].setdefault("w9_rows", {})[row] = {"row": row, "moisture_pct": rng.randint(12, 30)}
    return {"row": row, "minutes": rng.randint(5, 90), "wording": _wording(rng, 3)}


vine = Family(
    name="w9_vine",
    templates=[
        "Irrigate vineyard row {row} for {minutes} minutes",
        "Water row {row} of the vineyard, {minutes} minutes",
        "Run the drip line on row {row} for {minutes} min",
    ],
    fields={"row": Field(r"R\d{1,2}"), "minutes": INT},
    sample=sample_vine,
    plan=[
        Step("w9_row_status", lambda p, r: {"row": p["row"]}),
        Step("w9_irrigate", lambda p, r: {"row": p["row"], "seconds": p["minutes"] * 60}),
    ],
    expect=lambda p, b: {"w9_irrigation": {p["row"]: {"row": p["row"], "seconds": p["minutes"] * 60}}},
    answer=lambda p, b: [p["minutes"] * 60],
    summary=lambda p, r: f"Row {p['row']} irrigated for {p['minutes'] * 60} s.",
)

STARS = {"Vega": (279.23, 38.78), "Deneb": (310.36, 45.28), "Altair": (297.7, 8.87), "Rigel": (78.63, -8.2)}
STARS.update({"Sirius": (101.29, -16.72), "Capella": (79.17, 46.0), "Arcturus": (213.92, 19.18)})


def sample_scope(rng: random.Random, w: State, i: int) -> Params:
    star = rng.choice(list(STARS))
    ra, dec = STARS[star]
    w["tables"].setdefault("w9_stars", {})[star] = {"star": star, "ra": ra, "dec": dec}
    return {"scope": f"T{rng.randint(1, 9)}", "star": star, "wording": _wording(rng, 3)}


scope = Family(
    name="w9_scope",
    templates=["Point telescope {scope} at {star}", "Slew {scope} onto {star}", "Aim the {scope} scope at {star} now"],
    fields={"scope": Field(r"T\d"), "star": CAPWORD},
    sample=sample_scope,
    plan=[
        Step("w9_star", lambda p, r: {"star": p["star"]}),
        Step(
            "w9_slew",
            lambda p, r: {"scope": p["scope"], "ra": r["w9_star"]["ra"], "dec": r["w9_star"]["dec"]},
        ),
    ],
    expect=lambda p, b: {
        "w9_pointing": {p["scope"]: {"scope": p["scope"], "ra": STARS[p["star"]][0], "dec": STARS[p["star"]][1]}}
    },
    answer=lambda p, b: [STARS[p["star"]][0]],
    summary=lambda p, r: f"{p['scope']} points at {p['star']} (RA {r['w9_star']['ra']}).",
)

BREADS = {"rye": 420, "spelt": 380, "sourdough": 450, "brioche": 300, "barley": 400}


def sample_bake(rng: random.Random, w: State, i: int) -> Params:
    bread = rng.choice(list(BREADS))
    w["tables"].setdefault("w9_recipes", {})[bread] = {"bread": bread, "flour_g": BREADS[bread]}
    return {"bread": bread, "n": rng.randint(2, 40), "wording": _wording(rng, 2)}


bake = Family(
    name="w9_bake",
    templates=["Bake {n} loaves of {bread} bread", "Start a batch of {n} {bread} loaves in the oven"],
    fields={"bread": fam.LOWER, "n": INT},
    sample=sample_bake,
    plan=[
        Step("w9_recipe", lambda p, r: {"bread": p["bread"]}),
        Step(
            "w9_start_batch",
            lambda p, r: {"bread": p["bread"], "loaves": p["n"], "flour_g": p["n"] * r["w9_recipe"]["flour_g"]},
        ),
    ],
    expect=lambda p, b: {
        "w9_batches": [{"bread": p["bread"], "loaves": p["n"], "flour_g": p["n"] * BREADS[p["bread"]]}]
    },
    answer=lambda p, b: [p["n"] * BREADS[p["bread"]]],
    summary=lambda p, r: f"Batch started: {p['n']} {p['bread']} loaves, {p['n'] * r['w9_recipe']['flour_g']} g flour.",
)

STAFF = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Brennan", "Haddad"]


def sample_bonus(rng: random.Random, w: State, i: int) -> Params:
    name, pct = rng.choice(STAFF), rng.randint(2, 15)
    salary = rng.randint(2800, 7400)
    while is_tie(salary * pct / 100, 2):
        salary = rng.randint(2800, 7400)
    w["tables"].setdefault("w9_salaries", {})[name] = {"name": name, "monthly": salary}
    return {"name": name, "pct": pct, "wording": _wording(rng, 2)}


def _bonus(p: Params, monthly: float) -> float:
    return round_half_up(monthly * p["pct"] / 100, 2)


bonus = Family(
    name="w9_bonus",
    templates=["Pay {name} a bonus of {pct}% of salary", "Give {name} {pct} percent of a monthly salary as bonus"],
    fields={"name": CAPWORD, "pct": INT},
    sample=sample_bonus,
    plan=[
        Step("w9_salary", lambda p, r: {"name": p["name"]}),
        Step("w9_pay_bonus", lambda p, r: {"name": p["name"], "amount": _bonus(p, r["w9_salary"]["monthly"])}),
    ],
    expect=lambda p, b: {
        "w9_bonuses": [{"name": p["name"], "amount": _bonus(p, b["tables"]["w9_salaries"][p["name"]]["monthly"])}]
    },
    answer=lambda p, b: [_bonus(p, b["tables"]["w9_salaries"][p["name"]]["monthly"])],
    summary=lambda p, r: f"Paid {p['name']} {_bonus(p, r['w9_salary']['monthly'])}.",
)


# =========================================================================== same calls, another meaning
def sample_loom(rng: random.Random, w: State, i: int) -> Params:
    loom = f"L{rng.randint(10, 99)}"
    count = rng.randint(200, 900)
    w.setdefault("w9_looms", {})[loom] = {"loom": loom, "picks": count}
    w["tables"].setdefault("w9_looms_seed", {})[loom] = count
    return {"loom": loom, "n": rng.randint(5, 150), "wording": _wording(rng, 2)}


def _loom_count(s: State, a: dict) -> dict:
    row = s.get("w9_looms", {}).get(a["loom"])
    if row is None:
        raise ToolFail(f"no loom {a['loom']}")
    return {"loom": a["loom"], "picks": row["picks"]}


def _picks(p: Params, b: State) -> int:
    cur = b["w9_looms"][p["loom"]]["picks"]
    return cur + p["n"] if p["wording"] == 0 else cur - p["n"]


loom = Family(
    name="w9_loom",
    templates=["Add {n} picks to loom {loom}", "Take {n} picks off loom {loom}"],
    fields={"loom": Field(r"L\d\d"), "n": INT},
    sample=sample_loom,
    plan=[
        Step("w9_loom_count", lambda p, r: {"loom": p["loom"]}),
        Step(
            "w9_set_picks",
            lambda p, r: {
                "loom": p["loom"],
                "picks": r["w9_loom_count"]["picks"] + (p["n"] if p["wording"] == 0 else -p["n"]),
            },
        ),
    ],
    expect=lambda p, b: {"w9_looms": {p["loom"]: {"loom": p["loom"], "picks": _picks(p, b)}}},
    answer=lambda p, b: [_picks(p, b)],
    summary=lambda p, r: f"Loom {p['loom']} set to {r['w9_set_picks']['picks']} picks.",
)


def sample_kennel(rng: random.Random, w: State, i: int) -> Params:
    k = f"K{rng.randint(1, 30)}"
    w["tables"].setdefault("w9_kennels", {})[k] = {"kennel": k, "size": rng.choice(["small", "large"])}
    return {
        "kennel": k,
        "dog": rng.choice(["Biscuit", "Nala", "Pepper", "Ziggy", "Mochi"]),
        "wording": _wording(rng, 2),
    }


def _status(p: Params) -> str:
    return "in" if p["wording"] == 0 else "out"


kennel = Family(
    name="w9_kennel",
    templates=["Check dog {dog} into kennel {kennel}", "Check dog {dog} out of kennel {kennel}"],
    fields={"kennel": Field(r"K\d{1,2}"), "dog": CAPWORD},
    sample=sample_kennel,
    plan=[
        Step("w9_kennel_get", lambda p, r: {"kennel": p["kennel"]}),
        Step("w9_kennel_set", lambda p, r: {"kennel": p["kennel"], "dog": p["dog"], "status": _status(p)}),
    ],
    expect=lambda p, b: {"w9_kennel_log": [{"kennel": p["kennel"], "dog": p["dog"], "status": _status(p)}]},
    answer=lambda p, b: [p["dog"]],
    summary=lambda p, r: f"{p['dog']} checked {_status(p)} at {p['kennel']} ({r['w9_kennel_set']['ref']}).",
)


def sample_develop(rng: random.Random, w: State, i: int) -> Params:
    roll = f"F{rng.randint(100, 999)}"
    w["tables"].setdefault("w9_films", {})[roll] = {"roll": roll, "minutes": rng.randint(5, 14)}
    return {"roll": roll, "wording": _wording(rng, 2)}


def _dev_minutes(p: Params, base: int) -> int:
    return base if p["wording"] == 0 else math.ceil(base * 1.5)


develop = Family(
    name="w9_develop",
    templates=["Develop film roll {roll} normally", "Push-process film roll {roll}"],
    fields={"roll": Field(r"F\d{3}")},
    sample=sample_develop,
    plan=[
        Step("w9_film", lambda p, r: {"roll": p["roll"]}),
        Step("w9_develop", lambda p, r: {"roll": p["roll"], "minutes": _dev_minutes(p, r["w9_film"]["minutes"])}),
    ],
    expect=lambda p, b: {
        "w9_darkroom": [{"roll": p["roll"], "minutes": _dev_minutes(p, b["tables"]["w9_films"][p["roll"]]["minutes"])}]
    },
    answer=lambda p, b: [_dev_minutes(p, b["tables"]["w9_films"][p["roll"]]["minutes"])],
    summary=lambda p, r: f"Roll {p['roll']} in the tank for {r['w9_develop']['minutes']} minutes.",
)


def sample_holds(rng: random.Random, w: State, i: int) -> Params:
    isbn = f"978-{rng.randint(1000000000, 9999999999)}"
    w["tables"].setdefault("w9_books", {})[isbn] = {"isbn": isbn, "copies": rng.randint(1, 4)}
    return {"isbn": isbn, "member": f"M{rng.randint(1000, 9999)}", "wording": _wording(rng, 2)}


def _action(p: Params) -> str:
    return "place" if p["wording"] == 0 else "cancel"


holds = Family(
    name="w9_holds",
    templates=["Place a hold on {isbn} for member {member}", "Drop the hold on {isbn} for member {member}"],
    fields={"isbn": Field(r"978-\d{10}"), "member": Field(r"M\d{4}")},
    sample=sample_holds,
    plan=[
        Step("w9_catalog", lambda p, r: {"isbn": p["isbn"]}),
        Step("w9_hold", lambda p, r: {"isbn": p["isbn"], "member": p["member"], "action": _action(p)}),
    ],
    expect=lambda p, b: {"w9_holds": [{"isbn": p["isbn"], "member": p["member"], "action": _action(p)}]},
    answer=lambda p, b: [p["member"]],
    summary=lambda p, r: f"Hold {_action(p)}d for {p['member']} ({r['w9_hold']['ref']}).",
)


def sample_thermo(rng: random.Random, w: State, i: int) -> Params:
    room = f"Room{rng.randint(100, 499)}"
    w.setdefault("w9_rooms", {})[room] = {"room": room, "celsius": rng.randint(17, 24)}
    return {"room": room, "n": rng.randint(1, 4), "wording": _wording(rng, 2)}


def _room(s: State, a: dict) -> dict:
    row = s.get("w9_rooms", {}).get(a["room"])
    if row is None:
        raise ToolFail(f"no room {a['room']}")
    return dict(row)


def _target(p: Params, cur: int) -> int:
    return cur + p["n"] if p["wording"] == 0 else cur - p["n"]


thermo = Family(
    name="w9_thermo",
    templates=["Set {room} {n} degrees warmer", "Set {room} {n} degrees cooler"],
    fields={"room": Field(r"Room\d{3}"), "n": INT},
    sample=sample_thermo,
    plan=[
        Step("w9_room", lambda p, r: {"room": p["room"]}),
        Step("w9_set_room", lambda p, r: {"room": p["room"], "celsius": _target(p, r["w9_room"]["celsius"])}),
    ],
    expect=lambda p, b: {
        "w9_rooms": {p["room"]: {"room": p["room"], "celsius": _target(p, b["w9_rooms"][p["room"]]["celsius"])}}
    },
    answer=lambda p, b: [_target(p, b["w9_rooms"][p["room"]]["celsius"])],
    summary=lambda p, r: f"{p['room']} set to {r['w9_set_room']['celsius']} C.",
)


def sample_dosage(rng: random.Random, w: State, i: int) -> Params:
    pid = f"P-{rng.randint(1000, 9999)}"
    w["tables"].setdefault("w9_charts", {})[pid] = {"patient": pid, "dose_mg": rng.choice([100, 200, 250, 400, 500])}
    return {"pid": pid, "wording": _wording(rng, 2)}


def _dose(p: Params, charted: int) -> float:
    return charted if p["wording"] == 0 else charted / 2


dosage = Family(
    name="w9_dosage",
    templates=["Give patient {pid} the full charted dose", "Give patient {pid} half the charted dose"],
    fields={"pid": Field(r"P-\d{4}")},
    sample=sample_dosage,
    plan=[
        Step("w9_chart", lambda p, r: {"patient": p["pid"]}),
        Step("w9_give", lambda p, r: {"patient": p["pid"], "mg": _dose(p, r["w9_chart"]["dose_mg"])}),
    ],
    expect=lambda p, b: {
        "w9_given": [{"patient": p["pid"], "mg": _dose(p, b["tables"]["w9_charts"][p["pid"]]["dose_mg"])}]
    },
    answer=lambda p, b: [_dose(p, b["tables"]["w9_charts"][p["pid"]]["dose_mg"])],
    summary=lambda p, r: f"Gave {p['pid']} {r['w9_give']['mg']} mg.",
)


TOOLS = {
    t.name: t
    for t in [
        Tool("w9_hive_info", "A beehive's record.", {"hive": str}, _table("w9_hives", "hive")),
        Tool("w9_move_hive", "Move a beehive to an apiary.", {"hive": str, "site": str}, _put("w9_hive_sites", "hive")),
        Tool("w9_tide_table", "High tide at a port on a day of the month.", {"port": str, "day": int}, _tide),
        Tool("w9_row_status", "A vineyard row's soil moisture.", {"row": str}, _table("w9_rows", "row")),
        Tool(
            "w9_irrigate",
            "Irrigate a vineyard row for some seconds.",
            {"row": str, "seconds": int},
            _put("w9_irrigation", "row"),
        ),
        Tool("w9_star", "A star's catalogue coordinates (degrees).", {"star": str}, _table("w9_stars", "star")),
        Tool(
            "w9_slew",
            "Point a telescope at coordinates.",
            {"scope": str, "ra": float, "dec": float},
            _put("w9_pointing", "scope"),
        ),
        Tool("w9_recipe", "A bread's recipe: flour per loaf in grams.", {"bread": str}, _table("w9_recipes", "bread")),
        Tool(
            "w9_start_batch",
            "Start a baking batch.",
            {"bread": str, "loaves": int, "flour_g": int},
            _log("w9_batches", "BT"),
        ),
        Tool("w9_salary", "A staff member's monthly salary.", {"name": str}, _table("w9_salaries", "name")),
        Tool("w9_pay_bonus", "Pay a bonus.", {"name": str, "amount": float}, _log("w9_bonuses", "BN")),
        Tool("w9_loom_count", "A loom's pick counter.", {"loom": str}, _loom_count),
        Tool("w9_set_picks", "Set a loom's pick counter.", {"loom": str, "picks": int}, _put("w9_looms", "loom")),
        Tool("w9_kennel_get", "A kennel's record.", {"kennel": str}, _table("w9_kennels", "kennel")),
        Tool(
            "w9_kennel_set",
            "Check a dog in or out of a kennel.",
            {"kennel": str, "dog": str, "status": str},
            _log("w9_kennel_log", "KN"),
        ),
        Tool("w9_film", "A film roll's charted development time.", {"roll": str}, _table("w9_films", "roll")),
        Tool(
            "w9_develop",
            "Develop a film roll for some minutes.",
            {"roll": str, "minutes": int},
            _log("w9_darkroom", "DV"),
        ),
        Tool("w9_catalog", "A book's catalogue record.", {"isbn": str}, _table("w9_books", "isbn")),
        Tool(
            "w9_hold",
            "Place or cancel a hold on a book.",
            {"isbn": str, "member": str, "action": str},
            _log("w9_holds", "HD"),
        ),
        Tool("w9_room", "A room's thermostat setting.", {"room": str}, _room),
        Tool("w9_set_room", "Set a room's thermostat in C.", {"room": str, "celsius": int}, _put("w9_rooms", "room")),
        Tool("w9_chart", "A patient's charted dose.", {"patient": str}, _table("w9_charts", "patient")),
        Tool("w9_give", "Record a dose given.", {"patient": str, "mg": float}, _log("w9_given", "GV")),
    ]
}

FAMILIES = [hive, tide, vine, scope, bake, bonus, loom, kennel, develop, holds, thermo, dosage]
