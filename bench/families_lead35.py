"""Held-out probe lead35 (issue 9, lead, stop 35): a judgement the goal does not name, over unannotated tools.

redAO's rule judges a goal that names its alternatives ("open or closed"); redAN's, a yes/no question. Here
the goal only asks for a report ("Report the water at lido L"), the answer states a judgement ("open",
"retired", "needs treatment") no result states, and every tool is unannotated (an MCP server that says
nothing: each call counts as a write, and the last result has no later step for rule 1 to check before).

- l35_lido   "Report the water at lido {lido} this morning.": clear/bright/good -> open; cloudy/murky -> closed
- l35_rope   "How do the ropes look on climbing wall {wall}?": light/fair wear -> in service; frayed/cut -> retired
- l35_hive   "Give me the mite count report for hive {hive}.": 0-2 mites per 100 bees -> healthy; 4-9 -> treat
- l35_spill  "Sum up the spillway at dam {dam} tonight.": low/normal/steady -> safe; rising fast/overtopping
             -> evacuate

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




def _family(name, template, field, tool, section, key, word, good, bad, verdict, first):
    def sample(rng: random.Random, w: State, i: int) -> Params:
        ident = f"{key[0].upper()}{key[1].upper()}-{20 + 7 * i + rng.randint(0, 5)}"
        value = first[i] if i < len(first) else rng.choice(bad if _trap(i, rng) else good)
        w["tables"].setdefault(section, {})[ident] = {key: ident, word: value, "checked_by": "duty officer"}
        return {field: ident}

    return Family(
        name=name,
        templates=[template],
        fields={field: Field(r"[A-Z]{2}-\d+")},
        sample=sample,
        plan=[Step(tool, lambda p, r: {key: p[field]})],
        expect=lambda p, b: {},
        answer=lambda p, b: [verdict(b["tables"][section][p[field]][word])],
        summary=lambda p, r: f"{p[field]}: {verdict(r[tool][word])} ({word.replace('_', ' ')} {r[tool][word]}).",
        repeats=False,
    )


CLEAR = ["clear", "sparkling", "bright", "good"]
WEAR = ["light", "fair", "minor"]
LEVEL = ["low", "normal", "steady"]
lido = _family("l35_lido", "Report the water at lido {lido} this morning.", "lido", "l35_water", "l35_lidos", "lido",
               "water", CLEAR, ["cloudy", "murky"], lambda v: "open" if v in CLEAR else "closed",
               ["clear", "good", "bright", "sparkling", "clear"])
rope = _family("l35_rope", "How do the ropes look on climbing wall {wall}?", "wall", "l35_ropes", "l35_walls", "wall",
               "wear", WEAR, ["frayed", "cut"], lambda v: "in service" if v in WEAR else "retired",
               ["light", "fair", "minor", "light", "fair"])
hive = _family("l35_hive", "Give me the mite count report for hive {hive}.", "hive", "l35_mites", "l35_hives", "hive",
               "mites_per_100", [0, 1, 2], [4, 6, 9], lambda v: "healthy" if int(v) <= 2 else "needs treatment",
               [0, 2, 1, 2, 0])
spill = _family("l35_spill", "Sum up the spillway at dam {dam} tonight.", "dam", "l35_spillway", "l35_dams", "dam",
                "level", LEVEL, ["rising fast", "overtopping"], lambda v: "safe" if v in LEVEL else "evacuate",
                ["low", "normal", "steady", "low", "normal"])

TOOLS = {
    t.name: t
    for t in [
        Tool("l35_water", "The water at a lido this morning (clear, sparkling, bright, good, cloudy, murky); a lido "
             "closes on cloudy or murky water.", {"lido": str}, _table("l35_lidos", "lido")),
        Tool("l35_ropes", "The wear on a climbing wall's ropes (light, fair, minor, frayed, cut); frayed or cut "
             "ropes are retired.", {"wall": str}, _table("l35_walls", "wall")),
        Tool("l35_mites", "A hive's mite count per 100 bees; above 2 the hive needs treatment.", {"hive": str},
             _table("l35_hives", "hive")),
        Tool("l35_spillway", "A dam's spillway level tonight (low, normal, steady, rising fast, overtopping); "
             "rising fast or overtopping means evacuate.", {"dam": str}, _table("l35_dams", "dam")),
    ]
}

FAMILIES = [lido, rope, hive, spill]
