"""Held-out probe families, round AB, third set (issue 9): counts and totals over a few calls, one wording each.

Written after the rule-5 fix of round AB (a listing writes the counts of its calls), not shaped on it:
answers state counts that are NOT the number of calls (lights out among buoys checked, hives treated
among hives inspected), totals over two or three reads, and a read-only question whose answer sums two
reads. Tool names `h15c_`; the first four goals of a family never cross its hidden rule.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout15c.py --goals 8 --seed 7
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
    "h15c_hive": READ,
    "h15c_treat_hive": WRITE,
    "h15c_buoy": READ,
    "h15c_meter": READ,
    "h15c_log_meters": WRITE,
    "h15c_sailing": READ,
}


def _annotate_in_tools_server() -> None:
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_h15c_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h15c_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

_PICKED: dict[tuple[int, str], set] = {}


def _fresh(rng: random.Random, w: State, what: str, pool: list[str], n: int) -> list[str]:
    taken = _PICKED.setdefault((id(w), what), set())
    out = rng.sample([x for x in pool if x not in taken], n)
    taken.update(out)
    return out


def _trap(i: int, rng: random.Random) -> bool:
    return i >= 4 and rng.random() < 0.5


def _row(table: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return row

    return run


# ======================================== 1. hives: inspect two hives, treat those over 3 mites per 100 bees;
# the answer counts the treated hives and states the highest count
HIVES = [f"{c}{n}" for c in "HKQ" for n in range(10, 40)]


def sample_hives(rng: random.Random, w: State, i: int) -> Params:
    a, b = _fresh(rng, w, "hives", HIVES, 2)
    over = [True, True] if not _trap(i, rng) else rng.choice([[True, False], [False, True], [False, False]])
    for h, o in zip((a, b), over, strict=True):
        w.setdefault("h15c_hives", {})[h] = {
            "hive": h,
            "mites_per_100": round(rng.uniform(3.5, 9.0), 1) if o else round(rng.uniform(0.2, 2.5), 1),
            "frames": rng.randint(6, 10),
            "queen": rng.choice(["seen", "eggs seen"]),
        }
    return {"a": a, "b": b, "wording": 0}


def _treat(p: Params, m: dict) -> list[str]:
    return [h for h in (p["a"], p["b"]) if m[h] > 3]


hives = Family(
    name="h15c_hives",
    templates=["Inspect hives {a} and {b} and treat any with mites"],
    fields={"a": Field(r"[HKQ]\d{2}"), "b": Field(r"[HKQ]\d{2}")},
    sample=sample_hives,
    plan=[
        Step("h15c_hive", lambda p, r: {"hive": p["a"]}, key="ha"),
        Step("h15c_hive", lambda p, r: {"hive": p["b"]}, key="hb"),
        Step(
            "h15c_treat_hive", lambda p, r: {"hive": p["a"]}, key="ta", when=lambda p, r: r["ha"]["mites_per_100"] > 3
        ),
        Step(
            "h15c_treat_hive", lambda p, r: {"hive": p["b"]}, key="tb", when=lambda p, r: r["hb"]["mites_per_100"] > 3
        ),
    ],
    expect=lambda p, b: (
        {"h15c_treated": [{"hive": h} for h in _treat(p, {k: v["mites_per_100"] for k, v in b["h15c_hives"].items()})]}
        if _treat(p, {k: v["mites_per_100"] for k, v in b["h15c_hives"].items()})
        else {}
    ),
    answer=lambda p, b: [
        len(_treat(p, {k: v["mites_per_100"] for k, v in b["h15c_hives"].items()})),
        max(b["h15c_hives"][h]["mites_per_100"] for h in (p["a"], p["b"])),
    ],
    summary=lambda p, r: (
        f"Inspected 2 hives: {sum(x in r for x in ('ta', 'tb'))} treated for mites; the highest count is "
        f"{max(r['ha']['mites_per_100'], r['hb']['mites_per_100'])} per 100 bees."
    ),
)


# ======================================== 2. buoys (read-only): how many lights are out among three buoys (plain text)
BUOYS = [f"B-{n}" for n in range(101, 190)]


def sample_buoys(rng: random.Random, w: State, i: int) -> Params:
    names = _fresh(rng, w, "buoys", BUOYS, 3)
    out = [False, False, False] if not _trap(i, rng) else [rng.random() < 0.5 for _ in names]
    if i >= 4 and not any(out) and _trap(i, rng):
        out[rng.randrange(3)] = True
    for n, o in zip(names, out, strict=True):
        w.setdefault("h15c_buoys", {})[n] = {
            "light": "out" if o else "working",
            "volts": round(rng.uniform(11.6, 13.4), 1),
        }
    return {"a": names[0], "b": names[1], "c": names[2], "wording": 0}


def _buoy_text(s: State, a: dict) -> str:
    row = s.get("h15c_buoys", {}).get(a["buoy"])
    if row is None:
        raise ToolFail(f"no buoy {a['buoy']}")
    return f"Buoy {a['buoy']}: light {row['light']}, battery {row['volts']} V, moored."


buoys = Family(
    name="h15c_buoys",
    templates=["How many lights are out on buoys {a}, {b} and {c}?"],
    fields={k: Field(r"B-\d{3}") for k in "abc"},
    sample=sample_buoys,
    plan=[Step("h15c_buoy", lambda p, r, k=k: {"buoy": p[k]}, key=f"b{k}") for k in "abc"],
    expect=lambda p, b: {},
    answer=lambda p, b: [sum(b["h15c_buoys"][p[k]]["light"] == "out" for k in "abc")],
    summary=lambda p, r: f"{sum('light out' in r[f'b{k}'] for k in 'abc')} of the 3 buoys have their light out.",
)


# ======================================== 3. meters: read three gas meters and log the total (m3); a meter "estimated"
# is not read (left out of the total and the count)
METERS = [f"GM-{n}" for n in range(4000, 4090)]


def sample_meters(rng: random.Random, w: State, i: int) -> Params:
    names = _fresh(rng, w, "meters", METERS, 3)
    est = [False] * 3
    if _trap(i, rng):
        est[rng.randrange(3)] = True
    for n, e in zip(names, est, strict=True):
        w.setdefault("h15c_meters", {})[n] = {
            "meter": n,
            "m3": round(rng.uniform(100, 900), 1),
            "reading": "estimated" if e else "actual",
        }
    return {"a": names[0], "b": names[1], "c": names[2], "wording": 0}


def _actual(rows: list[dict]) -> tuple[float, int]:
    ok = [x for x in rows if x["reading"] == "actual"]
    return round(sum(x["m3"] for x in ok), 1), len(ok)


meters = Family(
    name="h15c_meters",
    templates=["Read gas meters {a}, {b} and {c} and log the total"],
    fields={k: Field(r"GM-\d{4}") for k in "abc"},
    sample=sample_meters,
    plan=[
        *[Step("h15c_meter", lambda p, r, k=k: {"meter": p[k]}, key=f"m{k}") for k in "abc"],
        Step(
            "h15c_log_meters",
            lambda p, r: dict(zip(("m3", "meters"), _actual([r[f"m{k}"] for k in "abc"]), strict=True)),
        ),
    ],
    expect=lambda p, b: {
        "h15c_meter_log": [dict(zip(("m3", "meters"), _actual([b["h15c_meters"][p[k]] for k in "abc"]), strict=True))]
    },
    answer=lambda p, b: list(_actual([b["h15c_meters"][p[k]] for k in "abc"])),
    summary=lambda p, r: (
        f"Logged {_actual([r[f'm{k}'] for k in 'abc'])[0]} m3 from {_actual([r[f'm{k}'] for k in 'abc'])[1]} "
        "meters read."
    ),
)


# ======================================== 4. sailings (read-only): passengers booked on two sailings (cancelled
# bookings not counted)
SAILINGS = [f"S{n}" for n in range(300, 390)]


def sample_sailings(rng: random.Random, w: State, i: int) -> Params:
    names = _fresh(rng, w, "sailings", SAILINGS, 2)
    trap = _trap(i, rng)
    for n in names:
        w.setdefault("h15c_sailings", {})[n] = {
            "sailing": n,
            "bookings": [
                {"ref": f"BK{rng.randint(1000, 9999)}", "pax": rng.randint(1, 5), "cancelled": trap and k == 0}
                for k in range(rng.randint(2, 4))
            ],
        }
    return {"a": names[0], "b": names[1], "wording": 0}


def _pax(row: dict) -> int:
    return sum(x["pax"] for x in row["bookings"] if not x["cancelled"])


sailings = Family(
    name="h15c_sailings",
    templates=["How many passengers are booked on sailings {a} and {b}?"],
    fields={"a": Field(r"S\d{3}"), "b": Field(r"S\d{3}")},
    sample=sample_sailings,
    plan=[
        Step("h15c_sailing", lambda p, r: {"sailing": p["a"]}, key="sa"),
        Step("h15c_sailing", lambda p, r: {"sailing": p["b"]}, key="sb"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_pax(b["h15c_sailings"][p["a"]]) + _pax(b["h15c_sailings"][p["b"]])],
    summary=lambda p, r: f"{_pax(r['sa']) + _pax(r['sb'])} passengers are booked on sailings {p['a']} and {p['b']}.",
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h15c_hive",
            "A beehive's inspection record (mites per 100 bees).",
            {"hive": str},
            _row("h15c_hives", "hive"),
        ),
        Tool(
            "h15c_treat_hive",
            "Treat a hive for varroa mites.",
            {"hive": str},
            lambda s, a: (
                s.setdefault("h15c_treated", []).append({"hive": a["hive"]}),
                {"hive": a["hive"], "status": "treated"},
            )[1],
        ),
        Tool("h15c_buoy", "A navigation buoy's status (plain text).", {"buoy": str}, _buoy_text),
        Tool(
            "h15c_meter",
            "A gas meter's reading (m3) and whether it is actual or estimated.",
            {"meter": str},
            _row("h15c_meters", "meter"),
        ),
        Tool(
            "h15c_log_meters",
            "Log a round of gas meter readings: total m3 and the number of meters read.",
            {"m3": float, "meters": int},
            lambda s, a: (
                s.setdefault("h15c_meter_log", []).append({"m3": a["m3"], "meters": a["meters"]}),
                {"status": "logged"},
            )[1],
        ),
        Tool("h15c_sailing", "A ferry sailing's bookings.", {"sailing": str}, _row("h15c_sailings", "sailing")),
    ]
}

FAMILIES = [hives, buoys, meters, sailings]
