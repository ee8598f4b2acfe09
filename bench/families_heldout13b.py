"""Held-out probe families, round T, second set (issue 9): counts and totals next to identifiers.

Written after the first fix of round T (an identifier's digits give no figure) as a second probe of
answers that state a figure the model worked out, in shapes the fix was not written on: JSON lists as
well as plain text, sums and differences as well as counts, identifiers of several shapes (T3, EX-204,
U12, C4) next to the figures. Tool names are prefixed `h13b_`. Hidden rules: trucks in repair are not
loaded; candidates absent with notice do not sit; a rack's reserved units are not free; a train's
restaurant car has no seats to sell. The first four goals of a family never cross them.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout13b.py --goals 8 --seed 7
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
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h13b_depot": READ,
    "h13b_exam_room": READ,
    "h13b_rack": READ,
    "h13b_train": READ,
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

    if getattr(Server.add_tool, "_h13b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h13b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    return i >= 4 and rng.random() < 0.5


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


# ======================================== 1. depot: how many trucks are loaded (JSON list; in repair is not loaded)
def sample_depot(rng: random.Random, w: State, i: int) -> Params:
    depot = _fresh(rng, w, "h13b_depots", lambda r: f"D{r.randint(1, 99)}")
    n = rng.randint(3, 8)
    statuses = [rng.choice(["loaded", "empty"]) for _ in range(n)]
    if _trap(i, rng):
        statuses[rng.randrange(n)] = "in repair (was loaded)"
    trucks = [{"truck": f"T{k + 1}", "status": s, "payload_t": rng.randint(8, 24)} for k, s in enumerate(statuses)]
    w.setdefault("h13b_depots", {})[depot] = {
        "depot": depot,
        "city": rng.choice(["Lyon", "Graz", "Porto"]),
        "trucks": trucks,
    }
    return {"depot": depot, "wording": _wording(rng, i, 2)}


def _loaded(row: dict) -> int:
    return sum(1 for t in row["trucks"] if t["status"] == "loaded")


depot = Family(
    name="h13b_depot",
    templates=["How many trucks at depot {depot} are loaded?", "Count the loaded trucks at depot {depot}"],
    fields={"depot": Field(r"D\d{1,2}")},
    sample=sample_depot,
    plan=[Step("h13b_depot", lambda p, r: {"depot": p["depot"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_loaded(b["h13b_depots"][p["depot"]])],
    summary=lambda p, r: f"{_loaded(r['h13b_depot'])} trucks are loaded at depot {p['depot']}.",
)


# ======================================== 2. exam room: candidates who sit (plain text; absent with notice do not)
def _exam_room(s: State, a: dict) -> str:
    row = s.get("h13b_exams", {}).get(a["exam"])
    if row is None:
        raise ToolFail(f"no exam {a['exam']}")
    absent = f"{row['absent']} absent with notice" if row["absent"] else "no absences notified"
    return (
        f"Exam {a['exam']} in room {row['room']}: seats S1-S{row['seats']}; {row['registered']} candidates "
        f"registered, {absent}. Invigilator: {row['invigilator']}."
    )


def sample_exam(rng: random.Random, w: State, i: int) -> Params:
    exam = _fresh(rng, w, "h13b_exams", lambda r: f"EX-{r.randint(100, 999)}")
    seats = rng.choice([30, 40, 60])
    w.setdefault("h13b_exams", {})[exam] = {
        "room": f"R{rng.randint(1, 30)}",
        "seats": seats,
        "registered": rng.randint(10, seats),
        "absent": rng.randint(1, 4) if _trap(i, rng) else 0,
        "invigilator": rng.choice(["Dr Nakamura", "Ms Oyelaran", "Mr Kowalczyk"]),
    }
    return {"exam": exam, "wording": _wording(rng, i, 2)}


def _sitting(row: dict) -> int:
    return row["registered"] - row["absent"]


def _sitting_r(text: str) -> int:
    reg = int(re.search(r"(\d+) candidates registered", text).group(1))  # type: ignore[union-attr]
    m = re.search(r"(\d+) absent with notice", text)
    return reg - (int(m.group(1)) if m else 0)


exam = Family(
    name="h13b_exam",
    templates=["How many candidates will sit exam {exam}?", "Exam {exam}: how many candidates sit it?"],
    fields={"exam": Field(r"EX-\d{3}")},
    sample=sample_exam,
    plan=[Step("h13b_exam_room", lambda p, r: {"exam": p["exam"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_sitting(b["h13b_exams"][p["exam"]])],
    summary=lambda p, r: f"{_sitting_r(r['h13b_exam_room'])} candidates will sit exam {p['exam']}.",
)


# ======================================== 3. server rack: free units (JSON; reserved units are not free)
def sample_rack(rng: random.Random, w: State, i: int) -> Params:
    rack = _fresh(rng, w, "h13b_racks", lambda r: f"RK-{r.randint(10, 99)}")
    units = []
    for u in range(1, 43):
        state = rng.choice(["used", "used", "used", "free"])
        units.append({"unit": f"U{u}", "state": state})
    if _trap(i, rng):
        for u in rng.sample([x for x in units if x["state"] == "free"], 2):
            u["state"] = "free (reserved for Team Kestrel)"
    w.setdefault("h13b_racks", {})[rack] = {"rack": rack, "room": "Hall B", "units": units}
    return {"rack": rack, "wording": _wording(rng, i, 2)}


def _free(row: dict) -> int:
    return sum(1 for u in row["units"] if u["state"] == "free")


rack = Family(
    name="h13b_rack",
    templates=["How many free units does rack {rack} have?", "Free rack units left in {rack}?"],
    fields={"rack": Field(r"RK-\d{2}")},
    sample=sample_rack,
    plan=[Step("h13b_rack", lambda p, r: {"rack": p["rack"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_free(b["h13b_racks"][p["rack"]])],
    summary=lambda p, r: f"Rack {p['rack']} has {_free(r['h13b_rack'])} free units.",
)


# ======================================== 4. train: seats to sell, summed over cars (the restaurant car has none)
def sample_train(rng: random.Random, w: State, i: int) -> Params:
    train = _fresh(rng, w, "h13b_trains", lambda r: f"IC {r.randint(100, 999)}")
    cars = [
        {"car": f"C{k + 1}", "kind": "second class", "seats": rng.choice([56, 64, 72, 80])}
        for k in range(rng.randint(3, 7))
    ]
    cars[0]["kind"] = "first class"
    cars[0]["seats"] = rng.choice([36, 42, 48])
    if _trap(i, rng):
        k = rng.randrange(1, len(cars))
        cars[k] = {"car": f"C{k + 1}", "kind": "restaurant", "seats": rng.choice([24, 32])}
    w.setdefault("h13b_trains", {})[train] = {"train": train, "cars": cars}
    return {"train": train, "wording": _wording(rng, i, 2)}


def _seats(row: dict) -> int:
    return sum(c["seats"] for c in row["cars"] if c["kind"] != "restaurant")


train = Family(
    name="h13b_train",
    templates=["How many seats can we sell on train {train}?", "Sellable seat count of train {train}?"],
    fields={"train": Field(r"IC \d{3}")},
    sample=sample_train,
    plan=[Step("h13b_train", lambda p, r: {"train": p["train"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_seats(b["h13b_trains"][p["train"]])],
    summary=lambda p, r: f"Train {p['train']} has {_seats(r['h13b_train'])} seats to sell.",
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h13b_depot", "A depot's trucks and their status.", {"depot": str}, _row("h13b_depots", "depot", "depot")),
        Tool("h13b_exam_room", "An exam's room, seats and candidates (plain text).", {"exam": str}, _exam_room),
        Tool("h13b_rack", "A server rack's units and their state.", {"rack": str}, _row("h13b_racks", "rack", "rack")),
        Tool("h13b_train", "A train's cars and seats.", {"train": str}, _row("h13b_trains", "train", "train")),
    ]
}

FAMILIES = [depot, exam, rack, train]
