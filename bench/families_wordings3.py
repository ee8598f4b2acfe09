"""Second probe for wordings with fewer than two runs each (rate7; issue 9).

Written before the rule it probes, not shaped on it. Tool names are prefixed `w3_`. Every family has two to
four wordings of one task (the same calls, the same argument flow, answers of one shape), picked in turn for
the first goals and then at random, so each wording alone has few runs. Traps only from the seventh goal of a
family on (i >= 6), at random: a near-miss status, a value outside the range seen, a stale exact repeat.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_wordings3.py --goals 8 --seed 7

- w3_gate     set a floodgate's opening (idempotent) only when its status is plainly "in service" (near misses)
- w3_pump     set an infusion pump's rate (idempotent); a hidden limit no result shows, crossed only by goal
              rates past every rate seen
- w3_lend     lend a library book (a write) only when "available"; the due date comes with the acknowledgement;
              exact repeats find it on loan (a stale answer)
- w3_bins     move units of a part between two bins (a write), the bins in other word orders; only while the
              source bin holds enough (traps: too few)
- w3_cold     a question: a cold room's temperature from a plain-text reading (traps: the sensor at fault)
- w3_water    water a bed with its scheduled litres (a write, the value from a read); a hidden cap (traps:
              a schedule past it, a number outside the range seen)
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
INT = fam.INT
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "w3_gate_status": READ,
    "w3_set_gate": IDEMPOTENT,
    "w3_pump_get": READ,
    "w3_pump_rate": IDEMPOTENT,
    "w3_book": READ,
    "w3_lend_book": WRITE,
    "w3_bin": READ,
    "w3_move_units": WRITE,
    "w3_cold_reading": READ,
    "w3_bed_schedule": READ,
    "w3_water_bed": WRITE,
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

    if getattr(Server.add_tool, "_w3_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._w3_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first six goals of a family, then at random."""
    return i >= 6 and rng.random() < 0.5


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


def _fresh(rng: random.Random, make: Any, used: Any) -> str:
    for _ in range(10000):
        v = make(rng)
        if v not in used:
            return str(v)
    raise RuntimeError("sampler found no value")


# ------------------------------------------------------------------ w3_gate: a near-miss status
GATE_NEAR = ["not in service", "in service from 14 January", "out of service", "in service (restricted)"]


def sample_gate(rng: random.Random, w: State, i: int) -> Params:
    gates = w.setdefault("w3_gates", {})
    gate = _fresh(rng, lambda r: f"FG-{r.randint(10, 99)}", gates)
    status = rng.choice(GATE_NEAR) if _trap(i, rng) else "in service"
    gates[gate] = {"gate": gate, "status": status, "open_pct": 0}
    return {"gate": gate, "pct": rng.randint(10, 90), "wording": _wording(rng, i, 3)}


def _gate_status(s: State, a: dict) -> dict:
    row = s.get("w3_gates", {}).get(a["gate"])
    if row is None:
        raise ToolFail(f"no gate {a['gate']}")
    return dict(row)


def _set_gate(s: State, a: dict) -> dict:
    row = s.get("w3_gates", {}).get(a["gate"])
    if row is None:
        raise ToolFail(f"no gate {a['gate']}")
    row["open_pct"] = a["open_pct"]
    return {"ok": True, "gate": a["gate"], "open_pct": a["open_pct"]}


def _gate_ok(p: Params, b: State) -> bool:
    return bool(b["w3_gates"][p["gate"]]["status"] == "in service")


gate = Family(
    name="w3_gate",
    templates=[
        "Open floodgate {gate} to {pct}%",
        "Set floodgate {gate} at {pct}% open",
        "Floodgate {gate}: open it to {pct}%",
    ],
    fields={"gate": Field(r"FG-\d\d"), "pct": INT},
    sample=sample_gate,
    plan=[
        Step("w3_gate_status", lambda p, r: {"gate": p["gate"]}),
        Step(
            "w3_set_gate",
            lambda p, r: {"gate": p["gate"], "open_pct": p["pct"]},
            when=lambda p, r: r["w3_gate_status"]["status"] == "in service",
        ),
    ],
    expect=lambda p, b: (
        {"w3_gates": {p["gate"]: {**b["w3_gates"][p["gate"]], "open_pct": p["pct"]}}} if _gate_ok(p, b) else {}
    ),
    answer=lambda p, b: [p["pct"]] if _gate_ok(p, b) else [b["w3_gates"][p["gate"]]["status"]],
    summary=lambda p, r: (
        f"Floodgate {p['gate']} is open at {p['pct']}%."
        if "w3_set_gate" in r
        else f"Floodgate {p['gate']} left shut: its status is '{r['w3_gate_status']['status']}'."
    ),
    repeats=False,
)


# ------------------------------------------------------------------ w3_pump: a hidden limit past the range seen
PUMP_LIMIT = 180  # ml/h; the oracle never sets a rate above it (no result shows it)


def sample_pump(rng: random.Random, w: State, i: int) -> Params:
    pumps = w.setdefault("w3_pumps", {})
    pump = _fresh(rng, lambda r: f"IP{r.randint(100, 999)}", pumps)
    pumps[pump] = {"pump": pump, "drug": rng.choice(["saline", "heparin", "insulin"]), "ml_h": 0}
    ml = rng.randint(200, 400) if _trap(i, rng) else rng.randint(20, 150)
    return {"pump": pump, "ml": ml, "wording": _wording(rng, i, 3)}


def _pump_get(s: State, a: dict) -> dict:
    row = s.get("w3_pumps", {}).get(a["pump"])
    if row is None:
        raise ToolFail(f"no pump {a['pump']}")
    return dict(row)


def _pump_rate(s: State, a: dict) -> dict:
    row = s.get("w3_pumps", {}).get(a["pump"])
    if row is None:
        raise ToolFail(f"no pump {a['pump']}")
    row["ml_h"] = a["ml_h"]
    return {"ok": True, "pump": a["pump"], "ml_h": a["ml_h"]}


pump = Family(
    name="w3_pump",
    templates=[
        "Set infusion pump {pump} to {ml} ml/h",
        "Infusion pump {pump}: run it at {ml} ml/h",
        "Run infusion pump {pump} at {ml} ml/h",
    ],
    fields={"pump": Field(r"IP\d{3}"), "ml": INT},
    sample=sample_pump,
    plan=[
        Step("w3_pump_get", lambda p, r: {"pump": p["pump"]}),
        Step(
            "w3_pump_rate",
            lambda p, r: {"pump": p["pump"], "ml_h": p["ml"]},
            when=lambda p, r: p["ml"] <= PUMP_LIMIT,
        ),
    ],
    expect=lambda p, b: (
        {"w3_pumps": {p["pump"]: {**b["w3_pumps"][p["pump"]], "ml_h": p["ml"]}}} if p["ml"] <= PUMP_LIMIT else {}
    ),
    answer=lambda p, b: [p["ml"]] if p["ml"] <= PUMP_LIMIT else ["refused"],
    summary=lambda p, r: (
        f"Infusion pump {p['pump']} runs at {p['ml']} ml/h."
        if "w3_pump_rate" in r
        else f"Refused: {p['ml']} ml/h is above the ward's limit for pump {p['pump']}."
    ),
    repeats=False,
)


# ------------------------------------------------------------------ w3_lend: stale exact repeats
MEMBERS = ["M1042", "M2210", "M3307", "M4471", "M5568", "M6620"]


def sample_lend(rng: random.Random, w: State, i: int) -> Params:
    books = w.setdefault("w3_books", {})
    book = _fresh(rng, lambda r: f"BK-{r.randint(1000, 9999)}", books)
    days = rng.choice([14, 21, 28])
    books[book] = {"book": book, "status": "available", "loan_days": days, "member": None, "due": None}
    return {"book": book, "member": rng.choice(MEMBERS), "wording": _wording(rng, i, 3)}


def _due(days: int) -> str:
    return f"2026-12-{3 + days:02d}" if 3 + days <= 31 else f"2027-01-{3 + days - 31:02d}"


def _book(s: State, a: dict) -> dict:
    row = s.get("w3_books", {}).get(a["book"])
    if row is None:
        raise ToolFail(f"no book {a['book']}")
    return dict(row)


def _lend_book(s: State, a: dict) -> dict:
    row = s.get("w3_books", {}).get(a["book"])
    if row is None:
        raise ToolFail(f"no book {a['book']}")
    if row["status"] != "available":
        raise ToolFail(f"book {a['book']} is {row['status']}")
    row.update(status="on loan", member=a["member"], due=_due(row["loan_days"]))
    return {"ok": True, "book": a["book"], "member": a["member"], "due": row["due"]}


def _lend_ok(p: Params, b: State) -> bool:
    return bool(b["w3_books"][p["book"]]["status"] == "available")


lend = Family(
    name="w3_lend",
    templates=[
        "Lend book {book} to member {member}",
        "Check out book {book} for member {member}",
        "Member {member} borrows book {book}: check it out",
    ],
    fields={"book": Field(r"BK-\d{4}"), "member": Field(r"M\d{4}")},
    sample=sample_lend,
    plan=[
        Step("w3_book", lambda p, r: {"book": p["book"]}),
        Step(
            "w3_lend_book",
            lambda p, r: {"book": p["book"], "member": p["member"]},
            when=lambda p, r: r["w3_book"]["status"] == "available",
        ),
    ],
    expect=lambda p, b: (
        {
            "w3_books": {
                p["book"]: {
                    **b["w3_books"][p["book"]],
                    "status": "on loan",
                    "member": p["member"],
                    "due": _due(b["w3_books"][p["book"]]["loan_days"]),
                }
            }
        }
        if _lend_ok(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [_due(b["w3_books"][p["book"]]["loan_days"])] if _lend_ok(p, b) else [b["w3_books"][p["book"]]["status"]]
    ),
    summary=lambda p, r: (
        f"Book {p['book']} lent to {p['member']}, due back {r['w3_lend_book']['due']}."
        if "w3_lend_book" in r
        else f"Book {p['book']} not lent: it is {r['w3_book']['status']}."
    ),
)


# ------------------------------------------------------------------ w3_bins: values in other word orders
def sample_bins(rng: random.Random, w: State, i: int) -> Params:
    bins = w.setdefault("w3_bins", {})
    part = f"PT-{rng.randint(100, 999)}"
    a = _fresh(rng, lambda r: f"B{r.randint(10, 99)}", bins)
    b = _fresh(rng, lambda r: f"B{r.randint(10, 99)}", set(bins) | {a})
    qty = rng.randint(5, 40)
    stock = rng.randint(1, qty - 1) if _trap(i, rng) and qty > 1 else qty + rng.randint(10, 60)
    bins[a] = {"bin": a, "part": part, "units": stock}
    bins[b] = {"bin": b, "part": part, "units": rng.randint(0, 30)}
    return {"part": part, "src": a, "dst": b, "qty": qty, "wording": _wording(rng, i, 3)}


def _bin(s: State, a: dict) -> dict:
    row = s.get("w3_bins", {}).get(a["bin"])
    if row is None:
        raise ToolFail(f"no bin {a['bin']}")
    return dict(row)


def _move_units(s: State, a: dict) -> dict:
    src, dst = s.get("w3_bins", {}).get(a["from_bin"]), s.get("w3_bins", {}).get(a["to_bin"])
    if src is None or dst is None:
        raise ToolFail("no such bin")
    if src["units"] < a["units"]:
        raise ToolFail(f"bin {a['from_bin']} holds only {src['units']}")
    src["units"] -= a["units"]
    dst["units"] += a["units"]
    return {"ok": True, "from_bin": a["from_bin"], "to_bin": a["to_bin"], "left": src["units"]}


def _bins_ok(p: Params, b: State) -> bool:
    return bool(b["w3_bins"][p["src"]]["units"] >= p["qty"])


bins = Family(
    name="w3_bins",
    templates=[
        "Move {qty} units of {part} from bin {src} to bin {dst}",
        "Transfer {qty} units of {part} out of bin {src} into bin {dst}",
        "Bin {dst} needs {qty} units of {part}: take them from bin {src}",
    ],
    fields={"part": Field(r"PT-\d{3}"), "src": Field(r"B\d\d"), "dst": Field(r"B\d\d"), "qty": INT},
    sample=sample_bins,
    plan=[
        Step("w3_bin", lambda p, r: {"bin": p["src"]}),
        Step(
            "w3_move_units",
            lambda p, r: {"from_bin": p["src"], "to_bin": p["dst"], "units": p["qty"]},
            when=lambda p, r: r["w3_bin"]["units"] >= p["qty"],
        ),
    ],
    expect=lambda p, b: (
        {
            "w3_bins": {
                p["src"]: {**b["w3_bins"][p["src"]], "units": b["w3_bins"][p["src"]]["units"] - p["qty"]},
                p["dst"]: {**b["w3_bins"][p["dst"]], "units": b["w3_bins"][p["dst"]]["units"] + p["qty"]},
            }
        }
        if _bins_ok(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [b["w3_bins"][p["src"]]["units"] - p["qty"]] if _bins_ok(p, b) else [b["w3_bins"][p["src"]]["units"]]
    ),
    summary=lambda p, r: (
        f"Moved {p['qty']} units of {p['part']} from {p['src']} to {p['dst']}; {r['w3_move_units']['left']} left."
        if "w3_move_units" in r
        else f"Not moved: bin {p['src']} holds only {r['w3_bin']['units']} units."
    ),
    repeats=False,
)


# ------------------------------------------------------------------ w3_cold: a plain-text reading, a question
def sample_cold(rng: random.Random, w: State, i: int) -> Params:
    rooms = w["tables"].setdefault("w3_cold", {})
    room = _fresh(rng, lambda r: f"CR{r.randint(10, 99)}", rooms)
    temp = round(rng.uniform(1.0, 5.0), 1)
    state = rng.choice(["sensor fault", "sensor offline"]) if _trap(i, rng) else "sensor ok"
    rooms[room] = {"room": room, "temp": temp, "state": state}
    return {"room": room, "wording": _wording(rng, i, 3)}


def _cold_reading(s: State, a: dict) -> str:
    row = s["tables"].get("w3_cold", {}).get(a["room"])
    if row is None:
        raise ToolFail(f"no cold room {a['room']}")
    return f"Cold room {row['room']}: {row['temp']} C, {row['state']}"


def _cold_answer(p: Params, b: State) -> list[Any]:
    row = b["tables"]["w3_cold"][p["room"]]
    return [row["temp"]] if row["state"] == "sensor ok" else [row["state"].split()[1]]


def _cold_summary(p: Params, r: dict) -> str:
    text = r["w3_cold_reading"]
    temp = text.split(": ")[1].split(" C")[0]
    if text.endswith("sensor ok"):
        return f"Cold room {p['room']} is at {temp} C."
    return f"Cold room {p['room']}: no trustworthy reading, the {text.split(', ')[1]} ({temp} C shown)."


cold = Family(
    name="w3_cold",
    templates=[
        "What is the temperature in cold room {room}?",
        "Cold room {room}: how cold is it?",
        "Read the temperature of cold room {room}",
    ],
    fields={"room": Field(r"CR\d\d")},
    sample=sample_cold,
    plan=[Step("w3_cold_reading", lambda p, r: {"room": p["room"]})],
    expect=lambda p, b: {},
    answer=_cold_answer,
    summary=_cold_summary,
)


# ------------------------------------------------------------------ w3_water: a value from a read, a hidden cap
WATER_CAP = 60  # litres; the oracle never waters more at once (no result shows it)


def sample_water(rng: random.Random, w: State, i: int) -> Params:
    beds = w["tables"].setdefault("w3_beds", {})
    bed = _fresh(rng, lambda r: f"Bed{r.randint(10, 99)}", beds)
    litres = rng.randint(70, 140) if _trap(i, rng) else rng.randint(8, 45)
    beds[bed] = {"bed": bed, "crop": rng.choice(["kale", "leek", "bean"]), "litres": litres}
    return {"bed": bed, "wording": _wording(rng, i, 3)}


def _water_ok(p: Params, b: State) -> bool:
    return bool(b["tables"]["w3_beds"][p["bed"]]["litres"] <= WATER_CAP)


def _bed_schedule(s: State, a: dict) -> dict:
    row = s["tables"].get("w3_beds", {}).get(a["bed"])
    if row is None:
        raise ToolFail(f"no bed {a['bed']}")
    return dict(row)


def _water_bed(s: State, a: dict) -> dict:
    out = s.setdefault("w3_watered", [])
    out.append(dict(a))
    return {"ok": True, "ref": f"WT-{700 + len(out)}", **a}


water = Family(
    name="w3_water",
    templates=[
        "Water {bed} with its scheduled litres",
        "Give {bed} its scheduled water",
        "{bed}: water it as scheduled",
    ],
    fields={"bed": Field(r"Bed\d\d")},
    sample=sample_water,
    plan=[
        Step("w3_bed_schedule", lambda p, r: {"bed": p["bed"]}),
        Step(
            "w3_water_bed",
            lambda p, r: {"bed": p["bed"], "litres": r["w3_bed_schedule"]["litres"]},
            when=lambda p, r: r["w3_bed_schedule"]["litres"] <= WATER_CAP,
        ),
    ],
    expect=lambda p, b: (
        {"w3_watered": [{"bed": p["bed"], "litres": b["tables"]["w3_beds"][p["bed"]]["litres"]}]}
        if _water_ok(p, b)
        else {}
    ),
    answer=lambda p, b: [b["tables"]["w3_beds"][p["bed"]]["litres"]] if _water_ok(p, b) else ["cap"],
    summary=lambda p, r: (
        f"{p['bed']} watered with {r['w3_water_bed']['litres']} litres ({r['w3_water_bed']['ref']})."
        if "w3_water_bed" in r
        else f"{p['bed']} not watered: {r['w3_bed_schedule']['litres']} litres is over the cap of {WATER_CAP}."
    ),
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool("w3_gate_status", "A floodgate's status and opening.", {"gate": str}, _gate_status),
        Tool("w3_set_gate", "Set a floodgate's opening in percent.", {"gate": str, "open_pct": int}, _set_gate),
        Tool("w3_pump_get", "An infusion pump's record.", {"pump": str}, _pump_get),
        Tool("w3_pump_rate", "Set an infusion pump's rate in ml/h.", {"pump": str, "ml_h": int}, _pump_rate),
        Tool("w3_book", "A library book's record.", {"book": str}, _book),
        Tool("w3_lend_book", "Lend a book to a member.", {"book": str, "member": str}, _lend_book),
        Tool("w3_bin", "A storage bin's part and units.", {"bin": str}, _bin),
        Tool(
            "w3_move_units",
            "Move units between two bins.",
            {"from_bin": str, "to_bin": str, "units": int},
            _move_units,
        ),
        Tool("w3_cold_reading", "A cold room's latest reading (text).", {"room": str}, _cold_reading),
        Tool("w3_bed_schedule", "A bed's watering schedule.", {"bed": str}, _bed_schedule),
        Tool("w3_water_bed", "Record a bed watered.", {"bed": str, "litres": int}, _water_bed),
    ]
}

FAMILIES = [gate, pump, lend, bins, cold, water]
