"""Held-out probe 31b (issue 9, helper redAO): judgements named in the goal, in other forms and domains.

Written after the finding of heldout31 (h31_rink: "open or closed" over an unannotated read whose answer
copies the judged word) but not shaped on its fix: the alternatives come in other forms, some of which the
fix (two plain words joined by "or") does not name. Every tool is UNANNOTATED (an MCP server that says
nothing of its tools: each counts as a write, and the one call is the plan's last step). Domains: avalanche
patrols, autoclaves, bakeries, bouldering walls, mountain huts, harbour tides.

- h31b_slope     "Avalanche slope S: open / closed today." (a slash, not "or")
- h31b_autoclave "Give the result of autoclave cycle C, pass or fail." (the strip's colour word decides)
- h31b_dough     "Dough batch B: ready to bake or underproved?" (the dough's rise word decides)
- h31b_route     "Route R at the bouldering wall: safe, loose or missing holds?" (three alternatives)
- h31b_hut       "Hut H: wood for N nights or not?" ("or not": one alternative and its negation)
- h31b_quay      "Is it high or low water at quay Q at noon?" (a yes/no form that asks between two words)

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


def _trap(i: int, rng: random.Random, first: int = 5, share: float = 0.5) -> bool:
    return i >= first and rng.random() < share


def _table(section: str, key: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return dict(row)

    return run


def _word_family(
    name: str,
    template: str,
    prefix: str,
    tool: str,
    key: str,
    leaf: str,
    good: list[str],
    bad: list[str],
    verdicts: tuple[str, str],
    say: str,
) -> Any:
    """A family whose answer copies a result's word and judges it (verdicts[0] for a good word)."""
    section = f"{name}_rows"

    def sample(rng: random.Random, w: State, i: int) -> Params:
        ident = f"{prefix}-{10 + 4 * i + rng.randint(0, 3)}"
        word = good[i % len(good)] if i < 5 else rng.choice(bad if _trap(i, rng) else good)
        w["tables"].setdefault(section, {})[ident] = {key: ident, leaf: word, "checked_by": "Ines"}
        return {"id": ident}

    def verdict(word: str) -> str:
        return verdicts[0] if word in good else verdicts[1]

    return Family(
        name=name,
        templates=[template],
        fields={"id": Field(rf"{prefix}-\d+")},
        sample=sample,
        plan=[Step(tool, lambda p, r: {key: p["id"]})],
        expect=lambda p, b: {},
        answer=lambda p, b: [verdict(b["tables"][section][p["id"]][leaf])],
        summary=lambda p, r: say.format(id=p["id"], verdict=verdict(r[tool][leaf]), word=r[tool][leaf]),
        repeats=False,
    ), Tool(tool, f"A record's {leaf} ({', '.join(good + bad)}).", {key: str}, _table(section, key))


slope, slope_tool = _word_family(
    "h31b_slope",
    "Avalanche slope {id}: open / closed today.",
    "AV",
    "h31b_slope_report",
    "slope",
    "snowpack",
    ["settled", "bonded", "firm", "stable"],
    ["slabby", "loaded"],
    ("is open", "is closed"),
    "Slope {id} {verdict} today (snowpack {word}).",
)
autoclave, autoclave_tool = _word_family(
    "h31b_autoclave",
    "Give the result of autoclave cycle {id}, pass or fail.",
    "AC",
    "h31b_cycle",
    "cycle",
    "strip",
    ["black", "dark brown", "brown", "black"],
    ["beige", "cream"],
    ("passes", "fails"),
    "Cycle {id} {verdict} (indicator strip {word}).",
)
dough, dough_tool = _word_family(
    "h31b_dough",
    "Dough batch {id}: ready to bake or underproved?",
    "DB",
    "h31b_batch",
    "batch",
    "rise",
    ["doubled", "domed", "springy", "doubled"],
    ["flat", "dense"],
    ("is ready to bake", "is underproved"),
    "Batch {id} {verdict} (rise {word}).",
)
route, route_tool = _word_family(
    "h31b_route",
    "Route {id} at the bouldering wall: safe, loose or missing holds?",
    "BR",
    "h31b_holds",
    "route",
    "holds",
    ["tight", "torqued", "tight", "checked"],
    ["spinning", "cracked"],
    ("is safe", "has loose holds"),
    "Route {id} {verdict} (holds {word}).",
)
hut, hut_tool = _word_family(
    "h31b_hut",
    "Mountain hut {id}: wood for the weekend or not?",
    "MH",
    "h31b_woodshed",
    "hut",
    "woodshed",
    ["full", "stacked", "half full", "full"],
    ["empty", "damp"],
    ("has wood for the weekend", "has no wood for the weekend"),
    "Hut {id} {verdict} (woodshed {word}).",
)
quay, quay_tool = _word_family(
    "h31b_quay",
    "Is it high or low water at quay {id} at noon?",
    "QY",
    "h31b_tide_state",
    "quay",
    "tide",
    ["flooding", "slack high", "flooding", "slack high"],
    ["ebbing", "slack low"],
    ("high water", "low water"),
    "It is {verdict} at quay {id} at noon (tide {word}).",
)

TOOLS = {t.name: t for t in [slope_tool, autoclave_tool, dough_tool, route_tool, hut_tool, quay_tool]}
FAMILIES = [slope, autoclave, dough, route, hut, quay]
