"""Probe families, helper desc3 (issue 9, rule 2): a table of values a write tool's description states.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `ds_`.
Written after desc3's rule (`learning/_described_tables.py`) but not on its test: other domains, other
wordings of the table (text values, "X: N" lists, "N for X", units, parentheses, "X takes N", a deciding word
in the middle of a goal value), a read whose field matches the described value until a trap, a table that is
only a guide (the read decides, and agrees with the guide by coincidence until a trap), and a control with no
table at all (a read decides; its replays must stay).

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --families bench/families_desc3.py --goals 16 --seed 7

- ds_wax     "Wax skis {ski} for {snow} snow": the wax (a text) is the snow's middle word's ("Deep Powder
             Morning"): "powder: blue; packed: violet; wet: red; slush: yellow"; the ski's last wax until a trap
- ds_bonsai  "Water the {tree} bonsai in pot {pot}": ml a week by the species (last word): "Juniper 200 ml,
             Maple 350 ml, Pine 150 ml, Ficus 300 ml"; the pot's last watering until a trap
- ds_arrow   "Fletch arrows for {archer} with a {bow} bow": the spine, "500 for Recurve, 400 for Compound,
             600 for Longbow, 700 for Flatbow"; the archer's last quiver until a trap
- ds_sushi   "Season rice batch {batch} for {dish}": vinegar ml per kg, "Nigiri takes 120, Maki takes 100,
             Chirashi takes 90, Inari takes 110" (the first word of the dish); the tub's label until a trap
- ds_hat     "Block a {style} hat for customer {cust}": the block size, "Fedora (58), Trilby (56), Boater
             (60), Cloche (54)"; the customer's last hat until a trap
- ds_feed    "Feed tank {tank} of {fish}": the grams are the tank's dosing card's (a read); the description
             gives a guide ("Guppy 2 g, Tetra 3 g, Molly 4 g, Platy 5 g") the card agrees with until a trap
- ds_strings "Restring guitar {guitar} for {player}": the gauge is the guitar's record's; no table
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
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "ds_ski": READ,
    "ds_wax": WRITE,
    "ds_pot": READ,
    "ds_water": WRITE,
    "ds_archer": READ,
    "ds_fletch": WRITE,
    "ds_tub": READ,
    "ds_season": WRITE,
    "ds_customer": READ,
    "ds_block": WRITE,
    "ds_tank": READ,
    "ds_feed": WRITE,
    "ds_guitar": READ,
    "ds_restring": WRITE,
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

    if getattr(Server.add_tool, "_ds_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._ds_annotated = True  # type: ignore[attr-defined]
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


# ======================================== 1. ski wax: the snow's middle word decides a text
WAX = {"Powder": "blue", "Packed": "violet", "Wet": "red", "Slush": "yellow"}
SNOW_BEFORE = ["Deep", "Light", "Fresh", "Old", "Heavy"]
SNOW_AFTER = ["Morning", "Afternoon", "Day", "Run", "Crust"]


def sample_wax(rng: random.Random, w: State, i: int) -> Params:
    kinds = ["Powder", "Packed", "Wet"] + (["Slush"] if i >= 6 else [])
    kind = rng.choice(kinds)
    ski = f"SK{rng.randint(10, 99)}"
    last = kind if not _trap(i, rng) else rng.choice([k for k in WAX if WAX[k] != WAX[kind]])
    w["tables"].setdefault("ds_skis", {})[ski] = {"ski": ski, "last_wax": WAX[last], "length_cm": 150 + i}
    return {"ski": ski, "snow": f"{rng.choice(SNOW_BEFORE)} {kind} {rng.choice(SNOW_AFTER)}"}


READ_TABLES["ds_ski"] = "ds_skis"
wax = _family(
    "ds_wax",
    "Wax skis {ski} for {snow} snow",
    {"ski": Field(r"SK\d+"), "snow": WORD},
    sample_wax,
    ("ds_ski", "ski"),
    "ds_wax",
    "wax",
    lambda p, r: WAX[p["snow"].split()[1]],
    "ds_waxed",
    "",
)


# ======================================== 2. bonsai: the species (last word) decides ml, with a unit
WATER = {"Juniper": 200, "Maple": 350, "Pine": 150, "Ficus": 300}
TREES = ["Chinese", "Japanese", "Dwarf", "Mountain", "Weeping"]


def sample_bonsai(rng: random.Random, w: State, i: int) -> Params:
    kinds = ["Juniper", "Maple", "Pine"] + (["Ficus"] if i >= 5 else [])
    kind = rng.choice(kinds)
    pot = f"P-{rng.randint(100, 999)}"
    last = _other(rng, WATER, kind) if _trap(i, rng) else WATER[kind]
    w["tables"].setdefault("ds_pots", {})[pot] = {"pot": pot, "last_ml": last, "soil": "akadama"}
    return {"pot": pot, "tree": f"{rng.choice(TREES)} {kind}"}


READ_TABLES["ds_pot"] = "ds_pots"
bonsai = _family(
    "ds_bonsai",
    "Water the {tree} bonsai in pot {pot}",
    {"pot": Field(r"P-\d+"), "tree": WORD},
    sample_bonsai,
    ("ds_pot", "pot"),
    "ds_water",
    "ml",
    lambda p, r: WATER[p["tree"].split()[-1]],
    "ds_watered",
    " ml",
)


# ======================================== 3. archery: "N for X"
SPINE = {"Recurve": 500, "Compound": 400, "Longbow": 600, "Flatbow": 700}
ARCHERS = ["Ines Vidal", "Tom Okafor", "Mia Brandt", "Leo Sato", "Ada Quist", "Ravi Menon"]


def sample_arrow(rng: random.Random, w: State, i: int) -> Params:
    kinds = ["Recurve", "Compound", "Longbow"] + (["Flatbow"] if i >= 6 else [])
    kind = rng.choice(kinds)
    archer = rng.choice(ARCHERS)
    last = _other(rng, SPINE, kind) if _trap(i, rng) else SPINE[kind]
    w["tables"].setdefault("ds_archers", {})[archer] = {"archer": archer, "last_spine": last, "draw_lb": 30 + i}
    return {"archer": archer, "bow": kind}


READ_TABLES["ds_archer"] = "ds_archers"
arrow = _family(
    "ds_arrow",
    "Fletch arrows for {archer} with a {bow} bow",
    {"archer": Field("|".join(re.escape(a) for a in ARCHERS)), "bow": Field(r"[A-Z][a-z]+")},
    sample_arrow,
    ("ds_archer", "archer"),
    "ds_fletch",
    "spine",
    lambda p, r: SPINE[p["bow"]],
    "ds_fletched",
    "",
)


# ======================================== 4. sushi: "X takes N", the first word of the dish
VINEGAR = {"Nigiri": 120, "Maki": 100, "Chirashi": 90, "Inari": 110}
STYLES = ["Tokyo", "Osaka", "Classic", "Seasonal", "House"]


def sample_sushi(rng: random.Random, w: State, i: int) -> Params:
    kinds = ["Nigiri", "Maki", "Chirashi"] + (["Inari"] if i >= 5 else [])
    kind = rng.choice(kinds)
    batch = f"RB{rng.randint(100, 999)}"
    label = _other(rng, VINEGAR, kind) if _trap(i, rng) else VINEGAR[kind]
    w["tables"].setdefault("ds_tubs", {})[batch] = {"batch": batch, "label_ml": label, "kg": 2 + i % 3}
    return {"batch": batch, "dish": f"{kind} {rng.choice(STYLES)}"}


READ_TABLES["ds_tub"] = "ds_tubs"
sushi = _family(
    "ds_sushi",
    "Season rice batch {batch} for {dish}",
    {"batch": Field(r"RB\d+"), "dish": WORD},
    sample_sushi,
    ("ds_tub", "batch"),
    "ds_season",
    "vinegar_ml",
    lambda p, r: VINEGAR[p["dish"].split()[0]],
    "ds_seasoned",
    " ml",
)


# ======================================== 5. hats: "X (N)"
BLOCK = {"Fedora": 58, "Trilby": 56, "Boater": 60, "Cloche": 54}
CUSTOMERS = ["C-1" + str(n) for n in range(10, 40)]


def sample_hat(rng: random.Random, w: State, i: int) -> Params:
    kinds = ["Fedora", "Trilby", "Boater"] + (["Cloche"] if i >= 6 else [])
    kind = rng.choice(kinds)
    cust = rng.choice(CUSTOMERS)
    last = _other(rng, BLOCK, kind) if _trap(i, rng) else BLOCK[kind]
    w["tables"].setdefault("ds_customers", {})[cust] = {"customer": cust, "last_block": last, "visits": 1 + i}
    return {"cust": cust, "style": kind}


READ_TABLES["ds_customer"] = "ds_customers"
hat = _family(
    "ds_hat",
    "Block a {style} hat for customer {cust}",
    {"cust": Field(r"C-\d+"), "style": Field(r"[A-Z][a-z]+")},
    sample_hat,
    ("ds_customer", "customer"),
    "ds_block",
    "block_cm",
    lambda p, r: BLOCK[p["style"]],
    "ds_blocked",
    " cm",
)


# ======================================== 6. aquarium: the card decides; the description is a guide
GUIDE = {"Guppy": 2, "Tetra": 3, "Molly": 4, "Platy": 5}


def sample_feed(rng: random.Random, w: State, i: int) -> Params:
    kind = rng.choice(sorted(GUIDE))
    tank = f"AQ{rng.randint(10, 99)}"
    card = GUIDE[kind] if not _trap(i, rng) else GUIDE[kind] + rng.choice([1, 2])
    w["tables"].setdefault("ds_tanks", {})[tank] = {"tank": tank, "card_g": card, "litres": 60 + i}
    return {"tank": tank, "fish": f"{rng.choice(['Neon', 'Fancy', 'Wild', 'Gold'])} {kind}"}


READ_TABLES["ds_tank"] = "ds_tanks"
feed = _family(
    "ds_feed",
    "Feed tank {tank} of {fish}",
    {"tank": Field(r"AQ\d+"), "fish": WORD},
    sample_feed,
    ("ds_tank", "tank"),
    "ds_feed",
    "grams",
    lambda p, r: r["ds_tank"]["card_g"],
    "ds_fed",
    " g",
)


# ======================================== 7. control: a read decides, no table
def sample_strings(rng: random.Random, w: State, i: int) -> Params:
    guitar = f"G{rng.randint(100, 999)}"
    gauge = rng.choice([9, 10, 11, 12])
    w["tables"].setdefault("ds_guitars", {})[guitar] = {"guitar": guitar, "gauge": gauge, "frets": 22}
    return {"guitar": guitar, "player": rng.choice(ARCHERS)}


READ_TABLES["ds_guitar"] = "ds_guitars"
strings = _family(
    "ds_strings",
    "Restring guitar {guitar} for {player}",
    {"guitar": Field(r"G\d+"), "player": Field("|".join(re.escape(a) for a in ARCHERS))},
    sample_strings,
    ("ds_guitar", "guitar"),
    "ds_restring",
    "gauge",
    lambda p, r: r["ds_guitar"]["gauge"],
    "ds_restrung",
    "",
)


TOOLS = {
    t.name: t
    for t in [
        Tool("ds_ski", "A pair of skis and the wax last put on them.", {"ski": str}, _row("ds_skis", "ski", "ski")),
        Tool(
            "ds_wax",
            "Wax a pair of skis. The wax follows the kind of snow (the middle word of the snow's name), "
            "whatever was on the skis before; powder: blue; packed: violet; wet: red; slush: yellow.",
            {"ski": str, "snow": str, "wax": str},
            _logger("ds_waxed", "ski", "snow", "wax"),
        ),
        Tool("ds_pot", "A bonsai pot and its last watering (ml).", {"pot": str}, _row("ds_pots", "pot", "pot")),
        Tool(
            "ds_water",
            "Water a bonsai with its species' weekly amount - Juniper 200 ml, Maple 350 ml, Pine 150 ml, "
            "Ficus 300 ml - not the pot's last watering.",
            {"pot": str, "tree": str, "ml": int},
            _logger("ds_watered", "pot", "tree", "ml"),
        ),
        Tool(
            "ds_archer",
            "An archer and the spine of the last arrows fletched for them.",
            {"archer": str},
            _row("ds_archers", "archer", "archer"),
        ),
        Tool(
            "ds_fletch",
            "Fletch a dozen arrows. Spine by bow: 500 for Recurve, 400 for Compound, 600 for Longbow, 700 for Flatbow.",
            {"archer": str, "bow": str, "spine": int},
            _logger("ds_fletched", "archer", "bow", "spine"),
        ),
        Tool("ds_tub", "A rice tub and its label.", {"batch": str}, _row("ds_tubs", "batch", "batch")),
        Tool(
            "ds_season",
            "Season a rice batch with vinegar (ml per kg) by dish, the first word: Nigiri takes 120, Maki takes "
            "100, Chirashi takes 90, Inari takes 110.",
            {"batch": str, "dish": str, "vinegar_ml": int},
            _logger("ds_seasoned", "batch", "dish", "vinegar_ml"),
        ),
        Tool(
            "ds_customer",
            "A hat customer and the block of their last hat.",
            {"customer": str},
            _row("ds_customers", "customer", "customer"),
        ),
        Tool(
            "ds_block",
            "Block a hat on the style's block, in cm: Fedora (58), Trilby (56), Boater (60), Cloche (54).",
            {"cust": str, "style": str, "block_cm": int},
            _logger("ds_blocked", "cust", "style", "block_cm"),
        ),
        Tool("ds_tank", "An aquarium tank and its dosing card (g).", {"tank": str}, _row("ds_tanks", "tank", "tank")),
        Tool(
            "ds_feed",
            "Feed a tank. A guide per fish: Guppy 2 g, Tetra 3 g, Molly 4 g, Platy 5 g; the tank's dosing card "
            "overrides the guide.",
            {"tank": str, "fish": str, "grams": int},
            _logger("ds_fed", "tank", "fish", "grams"),
        ),
        Tool("ds_guitar", "A guitar and its string gauge.", {"guitar": str}, _row("ds_guitars", "guitar", "guitar")),
        Tool(
            "ds_restring",
            "Restring a guitar with the gauge its record states.",
            {"guitar": str, "player": str, "gauge": int},
            _logger("ds_restrung", "guitar", "player", "gauge"),
        ),
    ]
}

FAMILIES = [wax, bonsai, arrow, sushi, hat, feed, strings]
