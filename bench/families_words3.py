"""Third probe words3 (issue 9, helper words3, stop 36), written before words3's fix was keyed, not shaped on it.

Two classes words2b found, in other shapes. The goal asks no yes/no question unless said; the first five goals
never cross a trap.

A. A judged field beside a copied value that is no category (a time, a number, a code, a date): the answer
   copies it, so the result counts as read, and a field next to it decides the answer's own words.
- w3_glider  "Launch slot for glider {glider}.": copies the slot "HH:MM"; crosswind_kt <= 12 -> "cleared to
             launch at", above 20 -> "grounded, slot"
- w3_boat    "Sailing list for boat {boat}.": copies seats (a number); the nested sea.state "slight"/"moderate"
             -> "sails", "rough"/"very rough" -> "stays in port"
- w3_kiln    "Firing plan for kiln {kiln}.": copies the date; shelves text "intact" -> "fires on", "cracked
             shelf" -> "postponed from"
- w3_lab     "Result slip for sample {sample}.": copies the lab reference (a code the run returned); the
             nested assay.lead_ppb <= 5 -> "cleared for release", above 15 -> "quarantined"

B. A plan judged on every result whose deciding number grew in every supporting run (by construction here):
   rule 1's counter-noise relaxation must not let a judgement through past the numbers seen.
- w3_radon   "Radon note for cellar {cellar}.": unannotated, bq_m3 grows 60, 90, 120, ... <= 200 -> "no
             action", from 400 -> "ventilate before use"
- w3_tyre    "Tyre check for truck {truck}.": copies the tread category; wear_pct grows; <= 40 -> "rolls out",
             from 70 -> "held for new tyres"
- w3_crane   "Is the lift on crane {crane} within limits?": polar; load_t grows; <= 8 -> "yes", from 12 -> "no"
- w3_well    "Water note for well {well}.": a tool declared read-only; nitrate grows; <= 40 -> "fit to
             drink", from 60 -> "not fit to drink"

Workloads up to `--goals 16`.
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


def _trap(i: int, rng: random.Random) -> bool:
    return i >= 5 and rng.random() < 0.5


def _table(section: str) -> Any:
    def run(s: State, a: dict) -> Any:
        key = str(next(iter(a.values())))
        row = s["tables"].get(section, {}).get(key)
        if row is None:
            raise ToolFail(f"no record {key}")
        return dict(row) if isinstance(row, dict) else row

    return run


def _family(name, template, key, tool, make, verdict, say):
    """One read; `make(rng, i, ident, bad)` the record, `verdict(record)` the fact the answer must state."""
    section = f"{name}_rows"

    def sample(rng: random.Random, w: State, i: int) -> Params:
        ident = f"{key[:2].upper()}-{40 + 7 * i + rng.randint(0, 5)}"
        w["tables"].setdefault(section, {})[ident] = make(rng, i, ident, _trap(i, rng))
        return {key: ident}

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
    ), Tool(tool, f"The record for a {key}.", {key: str}, _table(section))


def _grow(i: int, start: float, step: float, rng: random.Random) -> float:
    """A good value that grows with the goal's index (every supporting run saw it grow)."""
    return start + step * i + rng.choice([0, 1]) * step / 4


glider, t_glider = _family(
    "w3_glider", "Launch slot for glider {glider}.", "glider", "w3_airfield_board",
    lambda rng, i, k, bad: {"slot": f"{rng.randint(9, 17):02d}:{rng.choice(['00', '15', '30', '45'])}",
                            "crosswind_kt": rng.randint(21, 30) if bad else rng.randint(2, 12)},
    lambda rec: "cleared" if rec["crosswind_kt"] <= 12 else "grounded",
    lambda k, v, rec: (f"Glider {k} is cleared to launch at {rec['slot']}." if v == "cleared"
                       else f"Glider {k} is grounded, slot {rec['slot']} lapses."),
)
boat, t_boat = _family(
    "w3_boat", "Sailing list for boat {boat}.", "boat", "w3_harbour_log",
    lambda rng, i, k, bad: {"seats": rng.randint(20, 60),
                            "sea": {"state": rng.choice(["rough", "very rough"]) if bad
                                    else rng.choice(["slight", "moderate"])}},
    lambda rec: "sails" if rec["sea"]["state"] in ("slight", "moderate") else "port",
    lambda k, v, rec: (f"Boat {k} sails with {rec['seats']} seats." if v == "sails"
                       else f"Boat {k} stays in port; {rec['seats']} seats rebooked."),
)
kiln, t_kiln = _family(
    "w3_kiln", "Firing plan for kiln {kiln}.", "kiln", "w3_kiln_sheet",
    lambda rng, i, k, bad: {"date": f"2026-12-{rng.randint(8, 28):02d}",
                            "shelves": "cracked shelf" if bad else "intact"},
    lambda rec: "fires" if rec["shelves"] == "intact" else "postponed",
    lambda k, v, rec: (f"Kiln {k} fires on {rec['date']}." if v == "fires"
                       else f"Kiln {k}: firing postponed from {rec['date']}."),
)
lab, t_lab = _family(
    "w3_lab", "Result slip for sample {sample}.", "sample", "w3_assay",
    lambda rng, i, k, bad: {"lab_ref": f"LR{rng.randint(1000, 9999)}",
                            "assay": {"lead_ppb": rng.randint(16, 40) if bad else rng.randint(0, 5)}},
    lambda rec: "cleared" if rec["assay"]["lead_ppb"] <= 5 else "quarantined",
    lambda k, v, rec: (f"Sample {k} ({rec['lab_ref']}) is cleared for release." if v == "cleared"
                       else f"Sample {k} ({rec['lab_ref']}) is quarantined."),
)
radon, t_radon = _family(
    "w3_radon", "Radon note for cellar {cellar}.", "cellar", "w3_radon_meter",
    lambda rng, i, k, bad: {"bq_m3": int(rng.randint(400, 700) if bad else min(200, _grow(i, 60, 30, rng)))},
    lambda rec: "no action" if rec["bq_m3"] <= 200 else "ventilate before use",
    lambda k, v, rec: f"Cellar {k}: {v}.",
)
tyre, t_tyre = _family(
    "w3_tyre", "Tyre check for truck {truck}.", "truck", "w3_tyre_gauge",
    lambda rng, i, k, bad: {"tread": rng.choice(["even", "uneven"]),
                            "wear_pct": int(rng.randint(70, 95) if bad else min(40, _grow(i, 10, 6, rng)))},
    lambda rec: "rolls out" if rec["wear_pct"] <= 40 else "held for new tyres",
    lambda k, v, rec: f"Truck {k} {v}, tread {rec['tread']}.",
)
crane, t_crane = _family(
    "w3_crane", "Is the lift on crane {crane} within limits?", "crane", "w3_load_cell",
    lambda rng, i, k, bad: {"load_t": round(rng.uniform(12.5, 18.0) if bad else min(8.0, _grow(i, 3.0, 1.0, rng)), 1)},
    lambda rec: "yes" if rec["load_t"] <= 8 else "no",
    lambda k, v, rec: (f"Yes, crane {k} is within limits." if v == "yes" else f"No, crane {k} is over its limit."),
)
well, t_well = _family(
    "w3_well", "Water note for well {well}.", "well", "w3_nitrate",
    lambda rng, i, k, bad: {"nitrate_mg_l": int(rng.randint(60, 90) if bad else min(40, _grow(i, 12, 6, rng)))},
    lambda rec: "fit to drink" if rec["nitrate_mg_l"] <= 40 else "not fit to drink",
    lambda k, v, rec: f"Well {k} is {v}.",
)

TOOLS = {t.name: t for t in [t_glider, t_boat, t_kiln, t_lab, t_radon, t_tyre, t_crane, t_well]}

READ_ONLY = {"w3_nitrate"}


def _annotate_in_tools_server() -> None:
    """Inside the shared tools server only: the nitrate tool is declared read-only; the rest say nothing."""
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_w3_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        name = str(kwargs.get("name") or getattr(fn, "__name__", ""))
        if name in READ_ONLY and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(read_only_hint=True)
        return original(self, fn, *args, **kwargs)

    add_tool._w3_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [glider, boat, kiln, lab, radon, tyre, crane, well]
