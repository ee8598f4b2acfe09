"""Held-out probe families, helper gaps2 (issue 9, rule 1's text-reading gaps): a negation that governs
a farther word in notes that differ every time, a number written with thousands separators in a plain text, a
goal date's weekday, and "in case" naming a record rather than a condition. Domains no other set used
(beekeeping, container stowage, chimney sweeping, a police property room). One wording each, no condition in
the goal (the rule is in a tool's description or result), so that replays reach the traps.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h26_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout26.py --goals 16 --seed 7

- h26_hive     certify a hive from the inspector's notes (plain text, varying): "no evidence of foulbrood in
               the brood frames" always, until "evidence of foulbrood in the brood frames" (every word seen)
- h26_vgm      stow a container on the upper tier up to 19,500 kg verified gross mass, else the lower tier;
               the mass is a plain text "VGM 17,450 kg" (every run below 19,100 kg)
- h26_sweep    book a chimney sweep on a date, or the following Monday for a Saturday or Sunday
- h26_locker   log an evidence bag in case CV-...: "in case" names the case; a closed case takes no bag

Workloads up to `--goals 16`. The first goals of a family never cross a trap, later goals sometimes do.
"""

from __future__ import annotations

import datetime as dt
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
    "h26_hive_notes": READ,
    "h26_certify_hive": WRITE,
    "h26_vgm": READ,
    "h26_stow": WRITE,
    "h26_sweep_rota": READ,
    "h26_book_sweep": WRITE,
    "h26_case": READ,
    "h26_log_bag": WRITE,
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

    if getattr(Server.add_tool, "_h26_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h26_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, share: float = 0.45, first: int = 4) -> bool:
    """Never for the first goals, then at random."""
    return i >= first and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _log(section: str, **row: Any) -> dict:
    return {section: [row]}


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _get(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


TODAY = dt.date(2026, 12, 4)


# ======================================== 1. beehive: a negation that governs a farther word (notes vary)
FOULBROOD_OK = "no evidence of foulbrood in the brood frames"
FOULBROOD = "evidence of foulbrood in the brood frames"
EVIDENCE = ["evidence of fresh nectar in the super", "evidence of pollen stores near the brood"]
OTHER_HIVE = ["queen seen", "brood pattern solid", "temper calm", "stores on most frames", "drone cells in the corners"]


def sample_hive(rng: random.Random, w: State, i: int) -> Params:
    hive = f"BH-{310 + 7 * i + rng.randint(0, 6)}"
    sick = _trap(i, rng, 0.4, first=6)
    parts = [FOULBROOD if sick else FOULBROOD_OK, rng.choice(EVIDENCE), *rng.sample(OTHER_HIVE, rng.randint(1, 3))]
    rng.shuffle(parts)
    text = (
        f"Inspection {rng.randint(3000, 3999)} of hive {hive}, inspector I-{rng.randint(10, 99)}: "
        + "; ".join(parts)
        + "."
    )
    w.setdefault("h26_hives", {})[hive] = {"text": text, "sick": sick}
    return {"hive": hive}


def _hive_status(text: str) -> str:
    return "clear" if FOULBROOD_OK in text else "quarantine"


def _hive_text(s: State, a: dict) -> str:
    row = s.get("h26_hives", {}).get(str(a["hive"]))
    if row is None:
        raise ToolFail(f"no inspection of hive {a['hive']}")
    return str(row["text"])


hive = Family(
    name="h26_hive",
    templates=["Certify hive {hive} from the inspector's latest notes"],
    fields={"hive": Field(r"BH-\d+")},
    sample=sample_hive,
    plan=[
        Step("h26_hive_notes", lambda p, r: {"hive": p["hive"]}),
        Step("h26_certify_hive", lambda p, r: {"hive": p["hive"], "status": _hive_status(r["h26_hive_notes"])}),
    ],
    expect=lambda p, b: _log(
        "h26_certified", hive=p["hive"], status="quarantine" if b["h26_hives"][p["hive"]]["sick"] else "clear"
    ),
    answer=lambda p, b: ["quarantine" if b["h26_hives"][p["hive"]]["sick"] else "clear"],
    summary=lambda p, r: f"Hive {p['hive']} certified {_hive_status(r['h26_hive_notes'])}.",
    repeats=False,
)


# ======================================== 2. container: verified gross mass with thousands separators
FIRST_VGM = [14950, 19050, 16300, 17800]
TIER_LIMIT = 19500


def sample_vgm(rng: random.Random, w: State, i: int) -> Params:
    box = f"MSCU{rng.randint(1000000, 9999999)}"
    if i < 4:
        kg = FIRST_VGM[i]
    elif _trap(i, rng, 0.4):
        kg = rng.randrange(19520, 19950, 10)
    else:
        kg = rng.randrange(15000, 19001, 10)
    w.setdefault("h26_boxes", {})[box] = kg
    return {"box": box}


def _tier(kg: int) -> str:
    return "upper" if kg <= TIER_LIMIT else "lower"


def _vgm_text(s: State, a: dict) -> str:
    kg = s.get("h26_boxes", {}).get(str(a["box"]))
    if kg is None:
        raise ToolFail(f"no container {a['box']}")
    return f"Container {a['box']}: VGM {kg:,} kg, verified by the shipper (SOLAS method 2)."


def _vgm_of(text: str) -> int:
    return int(re.search(r"VGM ([\d,]+) kg", text).group(1).replace(",", ""))  # type: ignore[union-attr]


vgm = Family(
    name="h26_vgm",
    templates=["Stow container {box} on the right tier"],
    fields={"box": Field(r"MSCU\d+")},
    sample=sample_vgm,
    plan=[
        Step("h26_vgm", lambda p, r: {"box": p["box"]}),
        Step("h26_stow", lambda p, r: {"box": p["box"], "tier": _tier(_vgm_of(r["h26_vgm"]))}),
    ],
    expect=lambda p, b: _log("h26_stowed", box=p["box"], tier=_tier(b["h26_boxes"][p["box"]])),
    answer=lambda p, b: [_tier(b["h26_boxes"][p["box"]])],
    summary=lambda p, r: f"Container {p['box']} stowed on the {_tier(_vgm_of(r['h26_vgm']))} tier.",
    repeats=False,
)


# ======================================== 3. chimney sweep: no weekend visits (a goal date's weekday)
STREETS = ["4 Tanners Lane", "17 Rope Walk", "9 Slate Row", "22 Bellfounders Yard", "6 Cooper Mews"]


def sample_sweep(rng: random.Random, w: State, i: int) -> Params:
    weekend = _trap(i, rng, 0.4)
    while True:
        d = TODAY + dt.timedelta(days=rng.randint(3, 60))
        if (d.weekday() >= 5) == weekend:
            break
    return {"addr": rng.choice(STREETS), "date": d.isoformat()}


def _sweep_day(date: str) -> str:
    d = dt.date.fromisoformat(date)
    return (d + dt.timedelta(days=7 - d.weekday())).isoformat() if d.weekday() >= 5 else date


sweep = Family(
    name="h26_sweep",
    templates=["Book the chimney sweep for {addr} on {date}"],
    fields={"addr": _one_of(STREETS), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_sweep,
    plan=[
        Step("h26_sweep_rota", lambda p, r: {"area": "Old Town"}),
        Step("h26_book_sweep", lambda p, r: {"address": p["addr"], "date": _sweep_day(p["date"])}),
    ],
    expect=lambda p, b: _log("h26_sweeps", address=p["addr"], date=_sweep_day(p["date"])),
    answer=lambda p, b: [_sweep_day(p["date"])],
    summary=lambda p, r: f"Chimney sweep booked for {p['addr']} on {r['h26_book_sweep']['date']}.",
)


# ======================================== 4. property room: "in case" names a case (a closed case takes no bag)
OFFICERS = ["DC Marsh", "DS Okafor", "DC Lindqvist", "PC Abara"]


def sample_locker(rng: random.Random, w: State, i: int) -> Params:
    case = f"CV-26-{3100 + 17 * i + rng.randint(0, 9)}"
    bag = f"EB-{52000 + 31 * i + rng.randint(0, 20)}"
    status = "closed" if _trap(i, rng, 0.3) else "open"
    w.setdefault("h26_cases", {})[case] = {"case": case, "status": status, "officer": rng.choice(OFFICERS)}
    return {"case": case, "bag": bag}


def _case_open(row: dict) -> bool:
    return row["status"] == "open"


locker = Family(
    name="h26_locker",
    templates=["Log evidence bag {bag} in case {case}"],
    fields={"bag": Field(r"EB-\d+"), "case": Field(r"CV-\d+-\d+")},
    sample=sample_locker,
    plan=[
        Step("h26_case", lambda p, r: {"case": p["case"]}),
        Step(
            "h26_log_bag",
            lambda p, r: {"case": p["case"], "bag": p["bag"]},
            when=lambda p, r: _case_open(r["h26_case"]),
        ),
    ],
    expect=lambda p, b: _log("h26_bags", case=p["case"], bag=p["bag"]) if _case_open(b["h26_cases"][p["case"]]) else {},
    answer=lambda p, b: ["logged" if _case_open(b["h26_cases"][p["case"]]) else "closed"],
    summary=lambda p, r: (
        f"Bag {p['bag']} logged in case {p['case']}."
        if "h26_log_bag" in r
        else f"Bag {p['bag']} not logged: case {p['case']} is closed."
    ),
    repeats=False,
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h26_hive_notes",
            "The inspector's notes of a hive's latest inspection (plain text).",
            {"hive": str},
            _hive_text,
        ),
        Tool(
            "h26_certify_hive",
            "Certify a hive: status 'clear' when the notes show no evidence of foulbrood, else 'quarantine'.",
            {"hive": str, "status": str},
            _logger("h26_certified", "hive", "status"),
        ),
        Tool("h26_vgm", "A container's verified gross mass (plain text).", {"box": str}, _vgm_text),
        Tool(
            "h26_stow",
            "Stow a container: tier 'upper' up to 19,500 kg verified gross mass, 'lower' above.",
            {"box": str, "tier": str},
            _logger("h26_stowed", "box", "tier"),
        ),
        Tool(
            "h26_sweep_rota",
            "A chimney sweeping area's working days (plain text).",
            {"area": str},
            lambda s, a: (
                f"Sweeps in {a['area']} work Monday to Friday; a request for a Saturday or a Sunday is booked "
                "for the following Monday."
            ),
        ),
        Tool(
            "h26_book_sweep",
            "Book a chimney sweep's visit to an address on a date (YYYY-MM-DD).",
            {"address": str, "date": str},
            _logger("h26_sweeps", "address", "date"),
        ),
        Tool("h26_case", "A case file's status and officer.", {"case": str}, _get("h26_cases", "case", "case")),
        Tool(
            "h26_log_bag",
            "Log an evidence bag into an open case.",
            {"case": str, "bag": str},
            _logger("h26_bags", "case", "bag"),
        ),
    ]
}

FAMILIES = [hive, vgm, sweep, locker]
