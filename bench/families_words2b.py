"""Second probe words2b (issue 9, helper words2, stop 36), written after words2's rule, not shaped on it.

A judgement stated in the answer's own words over a result the answer copies no category of. The shapes
differ from words2's: the answer copies another field's number or time, the judged value is a number, a
nested field, a phrase of three words or more, a plain text, a read declared read-only, a record whose
verdict needs two of its fields. The goal asks no yes/no question and names no alternatives.

- w2b_sauna   "Open-up report for sauna {sauna}.": the answer copies temp_c; the stove's state decides
              (sound -> "open", cracked/smoking -> "shut")
- w2b_tide    "When can we cross causeway {way}?": the answer copies the low-tide time; height_m <= 0.6
              -> "passable from HH:MM", above 1.0 -> "stays under water"
- w2b_paint   "Progress note for wall {wall}.": finish "touch dry"/"fully dry" -> "ready for a second
              coat"; "still slightly tacky to touch" (four words) -> "needs more drying"
- w2b_meat    "Log the core reading of batch {batch}.": a tool declared read-only, core_c >= 75 -> "safe
              to serve"; below 70 -> "back in the oven"
- w2b_hive    "Inspection summary for colony {colony}.": a nested record, queen.status "laying" -> "colony
              thriving"; "missing"/"drone layer" -> "requeen"
- w2b_oyster  "Harvest note for oyster bed {bed}.": a plain text "Norovirus: none found. ..." -> "harvest
              open"; "Norovirus: present ..." -> "harvest suspended"
- w2b_scaff   "Sign-off for scaffold {scaff}.": ties >= bays -> "handed over"; fewer ties than bays (each
              number inside the numbers seen) -> "held back"
- w2b_goat    "Milking note for goat {goat}.": somatic cells per ml (a number, unannotated tool): under
              400k -> "milk to the vat"; over 700k -> "milk discarded"

Workloads up to `--goals 16`; the first five goals never cross a trap.
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
        ident = f"{key[:2].upper()}-{30 + 9 * i + rng.randint(0, 7)}"
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


def _cycle(rng: random.Random, i: int, good: list[Any]) -> Any:
    return good[i % len(good)] if i < 5 else rng.choice(good)


sauna, t_sauna = _family(
    "w2b_sauna", "Open-up report for sauna {sauna}.", "sauna", "w2b_sauna_check",
    lambda rng, i, k, bad: {"temp_c": rng.randint(78, 92),
                            "stove": rng.choice(["cracked", "smoking"]) if bad else "sound"},
    lambda rec: "open" if rec["stove"] == "sound" else "shut",
    lambda k, v, rec: f"Sauna {k} is {v}, at {rec['temp_c']} C.",
)
tide, t_tide = _family(
    "w2b_tide", "When can we cross causeway {way}?", "way", "w2b_tide_table",
    lambda rng, i, k, bad: {"low_tide": f"{rng.randint(6, 18):02d}:{rng.choice(['05', '20', '35', '50'])}",
                            "height_m": round(rng.uniform(1.1, 1.8) if bad else rng.uniform(0.1, 0.6), 1)},
    lambda rec: "passable" if rec["height_m"] <= 0.6 else "stays under water",
    lambda k, v, rec: (f"Causeway {k} is passable from {rec['low_tide']}." if v == "passable"
                       else f"Causeway {k} stays under water at {rec['low_tide']}."),
)
paint, t_paint = _family(
    "w2b_paint", "Progress note for wall {wall}.", "wall", "w2b_paint_log",
    lambda rng, i, k, bad: {"coat": 1, "finish": "still slightly tacky to touch" if bad
                            else _cycle(rng, i, ["touch dry", "fully dry"])},
    lambda rec: "ready for a second coat" if "dry" in rec["finish"] else "needs more drying",
    lambda k, v, rec: f"Wall {k}: {v}.",
)
meat, t_meat = _family(
    "w2b_meat", "Log the core reading of batch {batch}.", "batch", "w2b_probe",
    lambda rng, i, k, bad: {"core_c": rng.randint(58, 69) if bad else rng.randint(75, 84)},
    lambda rec: "safe to serve" if rec["core_c"] >= 75 else "back in the oven",
    lambda k, v, rec: f"Batch {k} is {v}." if v == "safe to serve" else f"Batch {k} goes {v}.",
)
hive, t_hive = _family(
    "w2b_hive", "Inspection summary for colony {colony}.", "colony", "w2b_frames",
    lambda rng, i, k, bad: {"frames": rng.randint(6, 10),
                            "queen": {"status": rng.choice(["missing", "drone layer"]) if bad else "laying"}},
    lambda rec: "thriving" if rec["queen"]["status"] == "laying" else "requeen",
    lambda k, v, rec: f"Colony {k} is {v}." if v == "thriving" else f"Colony {k}: {v} this week.",
)
oyster, t_oyster = _family(
    "w2b_oyster", "Harvest note for oyster bed {bed}.", "bed", "w2b_shellfish_lab",
    lambda rng, i, k, bad: (f"Bed {k}. Norovirus: {'present in sample' if bad else 'none found'}. "
                            f"E. coli: {rng.randint(20, 200)} per 100 g. Sampled by J. Park."),
    lambda rec: "harvest open" if "none found" in rec else "harvest suspended",
    lambda k, v, rec: f"Bed {k}: {v}.",
)
goat, t_goat = _family(
    "w2b_goat", "Milking note for goat {goat}.", "goat", "w2b_cell_count",
    lambda rng, i, k, bad: {"cells_per_ml": rng.randint(700, 1200) * 1000 if bad else rng.randint(90, 400) * 1000},
    lambda rec: "milk to the vat" if rec["cells_per_ml"] <= 400000 else "milk discarded",
    lambda k, v, rec: f"Goat {k}: {v}.",
)


# two numbers of one record decide: ties against bays, each inside the numbers the runs saw
def sample_scaff(rng: random.Random, w: State, i: int) -> Params:
    ident = f"SC-{30 + 9 * i + rng.randint(0, 7)}"
    bays = [4, 6, 5, 8, 7][i] if i < 5 else rng.randint(4, 8)
    ties = bays - rng.randint(1, 2) if _trap(i, rng) else bays + rng.randint(0, 2)
    w["tables"].setdefault("w2b_scaff_rows", {})[ident] = {"bays": bays, "ties": ties, "boards": "complete"}
    return {"scaff": ident}


def _scaff(rec: dict) -> str:
    return "handed over" if rec["ties"] >= rec["bays"] else "held back"


scaff = Family(
    name="w2b_scaff",
    templates=["Sign-off for scaffold {scaff}."],
    fields={"scaff": Field(r"[A-Z]{2}-\d+")},
    sample=sample_scaff,
    plan=[Step("w2b_scaffold_tag", lambda p, r: {"scaff": p["scaff"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_scaff(b["tables"]["w2b_scaff_rows"][p["scaff"]])],
    summary=lambda p, r: f"Scaffold {p['scaff']} {_scaff(r['w2b_scaffold_tag'])}.",
    repeats=False,
)

TOOLS = {
    t.name: t
    for t in [t_sauna, t_tide, t_paint, t_meat, t_hive, t_oyster, t_goat,
              Tool("w2b_scaffold_tag", "A scaffold's tag: bays, ties, boards.", {"scaff": str},
                   _table("w2b_scaff_rows"))]
}

READ_ONLY = {"w2b_probe"}


def _annotate_in_tools_server() -> None:
    """Inside the shared tools server only: the meat probe is declared read-only; the rest say nothing."""
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_w2b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        name = str(kwargs.get("name") or getattr(fn, "__name__", ""))
        if name in READ_ONLY and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(read_only_hint=True)
        return original(self, fn, *args, **kwargs)

    add_tool._w2b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FAMILIES = [sauna, tide, paint, meat, hive, oyster, scaff, goat]
