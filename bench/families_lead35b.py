"""Held-out probe lead35b (issue 9, lead, stop 35): judgements in words of the answer's own, other shapes.

Written after the rule of `learning/_answer_words.py` and not shaped on its test: the judged field is not
the copied one, the tools are annotated read-only as well as unannotated, the category has two words, the
result is a list of rows, and the judgement comes before or after the copied value.

- l35b_surf    "Report the surf at beach {beach}." (read-only): small/flat/gentle -> "safe to swim";
               big/dumping -> "red flag"
- l35b_boiler  "Report on boiler {boiler}." (unannotated): copies the flame ("blue"); the pressure decides:
               normal/low -> "safe", high -> "shut down"
- l35b_field   "What is the outlook for field {field}?" (unannotated): soil "well drained"/"firm dry" ->
               "sow now"; "water logged"/"frozen hard" -> "wait"
- l35b_lights  "Give the state of the runway lights at airfield {airfield}." (unannotated): a list of lamps, each
               "lit"; a lamp "dark" -> "unserviceable", else "serviceable"

Workloads up to `--goals 16`; the first five goals never cross a trap.
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


def _trap(i: int, rng: random.Random, first: int = 5, share: float = 0.5) -> bool:
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


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def _ident(prefix: str, i: int, rng: random.Random) -> str:
    return f"{prefix}-{20 + 7 * i + rng.randint(0, 5)}"


def _pick(i: int, rng: random.Random, first: list[Any], good: list[Any], bad: list[Any]) -> Any:
    return first[i] if i < len(first) else rng.choice(bad if _trap(i, rng) else good)


SMALL = ["small", "flat", "gentle"]


def sample_surf(rng: random.Random, w: State, i: int) -> Params:
    b = _ident("BE", i, rng)
    w["tables"].setdefault("l35b_beaches", {})[b] = {
        "beach": b,
        "surf": _pick(i, rng, SMALL + SMALL[:2], SMALL, ["big", "dumping"]),
        "tide": "mid",
    }
    return {"beach": b}


def _surf(v: str) -> str:
    return "safe to swim" if v in SMALL else "red flag"


surf = Family(
    name="l35b_surf",
    templates=["Report the surf at beach {beach}."],
    fields={"beach": Field(r"BE-\d+")},
    sample=sample_surf,
    plan=[Step("l35b_surf_report", lambda p, r: {"beach": p["beach"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_surf(b["tables"]["l35b_beaches"][p["beach"]]["surf"])],
    summary=lambda p, r: (
        f"Beach {p['beach']}: {_surf(r['l35b_surf_report']['surf'])} (surf {r['l35b_surf_report']['surf']})."
    ),
    repeats=False,
)


def sample_boiler(rng: random.Random, w: State, i: int) -> Params:
    b = _ident("BO", i, rng)
    pressure = _pick(i, rng, ["normal", "low", "normal", "low", "normal"], ["normal", "low"], ["high"])
    w["tables"].setdefault("l35b_boilers", {})[b] = {
        "boiler": b,
        "flame": rng.choice(["blue", "steady"]),
        "pressure": pressure,
    }
    return {"boiler": b}


def _boiler(row: dict[str, Any]) -> str:
    return "safe" if row["pressure"] != "high" else "shut down"


boiler = Family(
    name="l35b_boiler",
    templates=["Report on boiler {boiler}."],
    fields={"boiler": Field(r"BO-\d+")},
    sample=sample_boiler,
    plan=[Step("l35b_boiler_state", lambda p, r: {"boiler": p["boiler"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_boiler(b["tables"]["l35b_boilers"][p["boiler"]])],
    summary=lambda p, r: (
        f"Boiler {p['boiler']} is {_boiler(r['l35b_boiler_state'])}: flame {r['l35b_boiler_state']['flame']}."
    ),
    repeats=False,
)

DRY = ["well drained", "firm dry"]


def sample_field(rng: random.Random, w: State, i: int) -> Params:
    f = _ident("FD", i, rng)
    soil = _pick(
        i,
        rng,
        ["well drained", "firm dry", "well drained", "firm dry", "firm dry"],
        DRY,
        ["water logged", "frozen hard"],
    )
    w["tables"].setdefault("l35b_fields", {})[f] = {"field": f, "soil": soil, "crop": "barley"}
    return {"field": f}


def _sow(v: str) -> str:
    return "sow now" if v in DRY else "wait"


field = Family(
    name="l35b_field",
    templates=["What is the outlook for field {field}?"],
    fields={"field": Field(r"FD-\d+")},
    sample=sample_field,
    plan=[Step("l35b_soil", lambda p, r: {"field": p["field"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_sow(b["tables"]["l35b_fields"][p["field"]]["soil"])],
    summary=lambda p, r: f"Soil {r['l35b_soil']['soil']} on {p['field']}: {_sow(r['l35b_soil']['soil'])}.",
    repeats=False,
)


def sample_lights(rng: random.Random, w: State, i: int) -> Params:
    a = _ident("AF", i, rng)
    lamps = [{"lamp": f"L{k}", "state": "lit"} for k in range(1, 4)]
    if _trap(i, rng):
        lamps[rng.randrange(3)]["state"] = "dark"
    w["tables"].setdefault("l35b_airfields", {})[a] = {"airfield": a, "lamps": lamps}
    return {"airfield": a}


def _lights(row: dict[str, Any]) -> str:
    return "unserviceable" if any(x["state"] != "lit" for x in row["lamps"]) else "serviceable"


def _lamp_rows(s: State, a: dict) -> list:
    row = s["tables"].get("l35b_airfields", {}).get(str(a["airfield"]))
    if row is None:
        raise ToolFail(f"no airfield {a['airfield']}")
    return [dict(x) for x in row["lamps"]]


lights = Family(
    name="l35b_lights",
    templates=["Give the state of the runway lights at airfield {airfield}."],
    fields={"airfield": Field(r"AF-\d+")},
    sample=sample_lights,
    plan=[Step("l35b_lamps", lambda p, r: {"airfield": p["airfield"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [" " + _lights(b["tables"]["l35b_airfields"][p["airfield"]])],
    summary=lambda p, r: (
        f"Runway lights at {p['airfield']}: "
        f"{'unserviceable' if any(x['state'] != 'lit' for x in r['l35b_lamps']) else 'serviceable'} "
        f"({', '.join(x['lamp'] + ' ' + x['state'] for x in r['l35b_lamps'])})."
    ),
    repeats=False,
)

TOOLS = {
    t.name: t
    for t in [
        Tool(
            "l35b_surf_report",
            "The surf at a beach today (small, flat, gentle, big, dumping); big or dumping surf means a red flag.",
            {"beach": str},
            _table("l35b_beaches", "beach"),
        ),
        Tool(
            "l35b_boiler_state",
            "A boiler's flame and pressure (low, normal, high); a high pressure means shut it down.",
            {"boiler": str},
            _table("l35b_boilers", "boiler"),
        ),
        Tool(
            "l35b_soil",
            "A field's soil today (well drained, firm dry, water logged, frozen hard).",
            {"field": str},
            _table("l35b_fields", "field"),
        ),
        Tool(
            "l35b_lamps",
            "The runway lamps of an airfield, each lit or dark; one dark lamp makes the lights unserviceable.",
            {"airfield": str},
            _lamp_rows,
        ),
    ]
}

READ_ONLY = {"l35b_surf_report"}


def _annotate_in_tools_server() -> None:
    """Inside the shared tools server only: the surf report is annotated read-only; the rest say nothing."""
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_l35b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        name = str(kwargs.get("name") or getattr(fn, "__name__", ""))
        if name in READ_ONLY and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(read_only_hint=True)
        return original(self, fn, *args, **kwargs)

    add_tool._l35b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [surf, boiler, field, lights]
