"""Probe families, helper rate18 (issue 9, rules 1 and 2): a described table as the explanation left.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `dt_`.
Written after rate18's rule (a table a write tool's description states becomes the explanation once a trap
kills the read that agreed with it) to attack it, in domains no set used (saddles, parcels, paint):

- dt_saddle  "Fit a saddle on horse {horse}, a {breed}": the tree size is the breed's ("Arab 17, Cob 16,
             Pony 14, Hunter 18"), the horse's last saddle agrees until a trap; from the ninth goal on a
             horse whose girth is over 190 cm takes one size more (a read no argument copies decides it)
- dt_parcel  "Ship parcel {parcel} from {origin} to {dest}": the rate is the destination's ("Paris 12,
             Berlin 15, Rome 14, Madrid 13"); the origin is a city the table does not list until late, then
             one it lists (two described words in two goal values, of two values)
- dt_paint   "Paint room {room} in {finish} {colour}": litres by finish, the FIRST word ("Matt 4, Satin 5,
             Gloss 6"); late goals use a colour that is itself a described word ("Satin Gloss White")
             and finishes no run had
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

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "dt_horse": READ,
    "dt_fit": WRITE,
    "dt_parcel": READ,
    "dt_ship": WRITE,
    "dt_room": READ,
    "dt_paint": WRITE,
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

    if getattr(Server.add_tool, "_dt_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._dt_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, first: int = 4, share: float = 0.4) -> bool:
    return i >= first and rng.random() < share


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _row(table: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return dict(row)

    return run


def _other(rng: random.Random, table: dict[str, Any], key: str) -> Any:
    return table[rng.choice([k for k in table if table[k] != table[key]])]


def _family(
    name: str,
    template: str,
    fields: dict[str, Any],
    sample: Any,
    read: tuple[str, str],
    write: str,
    arg: str,
    value: Any,
    section: str,
    unit: str,
) -> Any:
    """A read of the first field, then a write of both fields and `arg` = value(params, results)."""
    k1, k2 = list(fields)
    return Family(
        name=name,
        templates=[template],
        fields=fields,
        sample=sample,
        plan=[
            Step(read[0], lambda p, r: {read[1]: p[k1]}),
            Step(write, lambda p, r: {k1: p[k1], k2: p[k2], arg: value(p, r)}),
        ],
        expect=lambda p, b: {section: [{k1: p[k1], k2: p[k2], arg: value(p, {read[0]: _peek(b, read, p[k1])})}]},
        answer=lambda p, b: [value(p, {read[0]: _peek(b, read, p[k1])})],
        summary=lambda p, r: f"{name[3:].title()} done for {p[k1]}: {r[write][arg]}{unit}.",
        repeats=False,
    )


READ_TABLES: dict[str, str] = {}


def _peek(state: State, read: tuple[str, str], key: str) -> dict:
    return dict(state["tables"][READ_TABLES[read[0]]][key])


WORD = Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")


Results = dict[str, Any]


# ======================================== 1. saddles: a read decides an exception late
TREE = {"Arab": 17, "Cob": 16, "Pony": 14, "Hunter": 18}
HORSES = ["H-" + str(n) for n in range(10, 60)]


def sample_saddle(rng: random.Random, w: State, i: int) -> Params:
    breed = rng.choice(list(TREE))
    horse = rng.choice(HORSES)
    girth = rng.randint(170, 188) if i < 8 else rng.randint(170, 200)
    size = TREE[breed] + (1 if girth > 190 else 0)
    last = _other(rng, TREE, breed) if _trap(i, rng) else size
    w["tables"].setdefault("dt_horses", {})[horse] = {"horse": horse, "last_tree": last, "girth_cm": girth}
    return {"horse": horse, "breed": breed}


def _tree(p: Params, r: Results) -> int:
    return TREE[p["breed"]] + (1 if r["dt_horse"]["girth_cm"] > 190 else 0)


READ_TABLES["dt_horse"] = "dt_horses"
saddle = _family(
    "dt_saddle",
    "Fit a saddle on horse {horse}, a {breed}",
    {"horse": Field(r"H-\d+"), "breed": Field(r"[A-Z][a-z]+")},
    sample_saddle,
    ("dt_horse", "horse"),
    "dt_fit",
    "tree",
    _tree,
    "dt_fitted",
    "",
)


# ======================================== 2. parcels: two goal values may hold described words
RATE = {"Paris": 12, "Berlin": 15, "Rome": 14, "Madrid": 13}
ORIGINS = ["Lyon", "Porto", "Ghent", "Turin"]


def sample_parcel(rng: random.Random, w: State, i: int) -> Params:
    dest = rng.choice(list(RATE))
    origin = rng.choice(ORIGINS if i < 7 else ORIGINS + [c for c in RATE if c != dest])
    parcel = f"PX{rng.randint(100, 999)}"
    last = _other(rng, RATE, dest) if _trap(i, rng) else RATE[dest]
    w["tables"].setdefault("dt_parcels", {})[parcel] = {"parcel": parcel, "last_rate": last, "kg": 2}
    return {"parcel": parcel, "origin": origin, "dest": dest}


READ_TABLES["dt_parcel"] = "dt_parcels"
parcel = Family(
    name="dt_parcel",
    templates=["Ship parcel {parcel} from {origin} to {dest}"],
    fields={"parcel": Field(r"PX\d+"), "origin": Field(r"[A-Z][a-z]+"), "dest": Field(r"[A-Z][a-z]+")},
    sample=sample_parcel,
    plan=[
        Step("dt_parcel", lambda p, r: {"parcel": p["parcel"]}),
        Step("dt_ship", lambda p, r: {"parcel": p["parcel"], "dest": p["dest"], "rate": RATE[p["dest"]]}),
    ],
    expect=lambda p, b: {"dt_shipped": [{"parcel": p["parcel"], "dest": p["dest"], "rate": RATE[p["dest"]]}]},
    answer=lambda p, b: [RATE[p["dest"]]],
    summary=lambda p, r: f"Parcel {p['parcel']} shipped: rate {r['dt_ship']['rate']}.",
    repeats=False,
)


# ======================================== 3. paint: the first word decides; a later word is described too
LITRES = {"Matt": 4, "Satin": 5, "Gloss": 6, "Eggshell": 3}
COLOURS = ["White", "Blue", "Grey", "Green"]


def sample_paint(rng: random.Random, w: State, i: int) -> Params:
    finish = rng.choice(["Matt", "Satin", "Gloss"] + (["Eggshell"] if i >= 7 else []))
    colour = rng.choice(COLOURS) if i < 7 or rng.random() < 0.5 else rng.choice(["Gloss", "Matt"]) + " White"
    room = f"R{rng.randint(10, 99)}"
    last = _other(rng, LITRES, finish) if _trap(i, rng) else LITRES[finish]
    w["tables"].setdefault("dt_rooms", {})[room] = {"room": room, "last_litres": last, "walls": 4}
    return {"room": room, "finish": finish, "colour": colour}


READ_TABLES["dt_room"] = "dt_rooms"
paint = Family(
    name="dt_paint",
    templates=["Paint room {room} in {finish} {colour}"],
    fields={"room": Field(r"R\d+"), "finish": Field(r"[A-Z][a-z]+"), "colour": WORD},
    sample=sample_paint,
    plan=[
        Step("dt_room", lambda p, r: {"room": p["room"]}),
        Step("dt_paint", lambda p, r: {"room": p["room"], "colour": p["colour"], "litres": LITRES[p["finish"]]}),
    ],
    expect=lambda p, b: {"dt_painted": [{"room": p["room"], "colour": p["colour"], "litres": LITRES[p["finish"]]}]},
    answer=lambda p, b: [LITRES[p["finish"]]],
    summary=lambda p, r: f"Room {p['room']} painted: {r['dt_paint']['litres']} l.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "dt_horse",
            "A horse, its last saddle's tree size and its girth (cm).",
            {"horse": str},
            _row("dt_horses", "horse", "horse"),
        ),
        Tool(
            "dt_fit",
            "Fit a saddle. Tree size by breed: Arab 17, Cob 16, Pony 14, Hunter 18; one size more for a girth "
            "over 190 cm.",
            {"horse": str, "breed": str, "tree": int},
            _logger("dt_fitted", "horse", "breed", "tree"),
        ),
        Tool(
            "dt_parcel",
            "A parcel and the rate it was last shipped at.",
            {"parcel": str},
            _row("dt_parcels", "parcel", "parcel"),
        ),
        Tool(
            "dt_ship",
            "Ship a parcel at its destination's rate: Paris 12, Berlin 15, Rome 14, Madrid 13.",
            {"parcel": str, "dest": str, "rate": int},
            _logger("dt_shipped", "parcel", "dest", "rate"),
        ),
        Tool(
            "dt_room", "A room and the litres of its last paint job.", {"room": str}, _row("dt_rooms", "room", "room")
        ),
        Tool(
            "dt_paint",
            "Paint a room; litres by the finish (the first word): Matt 4, Satin 5, Gloss 6, Eggshell 3.",
            {"room": str, "colour": str, "litres": int},
            _logger("dt_painted", "room", "colour", "litres"),
        ),
    ]
}

FAMILIES = [saddle, parcel, paint]
