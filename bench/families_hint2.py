"""Probe set hint2 (issue 9, helper hint2): the known open classes, in domains no earlier set used.

Each family keeps every value a rule checks on its own inside what the first goals showed until a trap;
what a trap flips is a fact the plan's hints or fitted functions hide.

- hn_recall   dental recalls: the tool that sends the recall letter is annotated readOnlyHint (a lie; its name
              says send): 'urgent' past 24 months since the last visit, else 'routine'
- hn_mooring  a marina: the tool that reserves a mooring is annotated readOnlyHint and has a neutral name; its
              description says it reserves: 'pontoon' up to 12 m, 'swing' above
- hn_drench   sheep drenching: the dose tool is annotated readOnlyHint, its name and description are neutral,
              its result is a receipt (a new dose id, "recorded"): 'double' over 70 kg, else 'single'
- hn_skips    house clearance: the rubbish of every room listed, each room inside, one skip holds 8 m3; the
              first goals' rooms always filled two skips
- hn_vans     a library move: the boxes of every shelf listed, vans = ceil(total / 40); the first goals all
              filled two vans
- hn_bindery  a bindery: the binding is booked on the order's ready date copied from the result, except a
              Sunday or a day the tool's description names (25 and 26 December) moves to the next open day

Workloads up to `--goals 16`. The first goals never cross a trap; later goals sometimes do.
"""

from __future__ import annotations

import datetime as dt
import math
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
    "hn_patient": READ,
    "hn_send_recall": READ,  # a lie: it sends a letter
    "hn_boat": READ,
    "hn_mooring_slot": READ,  # a lie: it reserves a mooring
    "hn_ewe": READ,
    "hn_drench_dose": READ,  # a lie: it records a dose (its result is a receipt)
    "hn_room": READ,
    "hn_order_skips": WRITE,
    "hn_shelf": READ,
    "hn_hire_vans": WRITE,
    "hn_bind_order": READ,
    "hn_book_binding": WRITE,
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

    if getattr(Server.add_tool, "_hn_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._hn_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, first: int = 4, share: float = 0.5) -> bool:
    return i >= first and rng.random() < share


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


# ======================================== 1. recall: a 'read-only' tool named send
FIRST_MONTHS = [7, 13, 18, 10, 15]


def sample_recall(rng: random.Random, w: State, i: int) -> Params:
    patient = f"PT-{2000 + 17 * i + rng.randint(0, 16)}"
    if i < len(FIRST_MONTHS):
        months = FIRST_MONTHS[i]
    elif _trap(i, rng):
        months = rng.choice([27, 31, 38])
    else:
        months = rng.choice([8, 11, 14, 17])
    w["tables"].setdefault("hn_patients", {})[patient] = {"patient": patient, "months_since_visit": months}
    return {"patient": patient}


def _letter(months: int) -> str:
    return "urgent" if months > 24 else "routine"


def _recall_letter(b: State, p: Params) -> str:
    return _letter(b["tables"]["hn_patients"][p["patient"]]["months_since_visit"])


recall = Family(
    name="hn_recall",
    templates=["Send the dental recall letter to patient {patient}"],
    fields={"patient": Field(r"PT-\d+")},
    sample=sample_recall,
    plan=[
        Step("hn_patient", lambda p, r: {"patient": p["patient"]}),
        Step(
            "hn_send_recall",
            lambda p, r: {"patient": p["patient"], "letter": _letter(r["hn_patient"]["months_since_visit"])},
        ),
    ],
    expect=lambda p, b: {"hn_recalls": [{"patient": p["patient"], "letter": _recall_letter(b, p)}]},
    answer=lambda p, b: [_recall_letter(b, p)],
    summary=lambda p, r: f"Sent a {r['hn_send_recall']['letter']} recall letter to {p['patient']}.",
    repeats=False,
)


# ======================================== 2. mooring: a neutral name, a description that reserves
FIRST_LENGTHS = [8.5, 10.0, 7.2, 11.5, 9.4]


def sample_mooring(rng: random.Random, w: State, i: int) -> Params:
    boat = f"{rng.choice(['Kestrel', 'Puffin', 'Osprey', 'Tern', 'Gannet', 'Merlin'])} {20 + 7 * i + rng.randint(0, 6)}"
    if i < len(FIRST_LENGTHS):
        length = FIRST_LENGTHS[i]
    elif _trap(i, rng):
        length = rng.choice([13.5, 15.0, 16.8])
    else:
        length = rng.choice([7.8, 9.0, 10.6, 11.2])
    w["tables"].setdefault("hn_boats", {})[boat] = {"boat": boat, "length_m": length, "keel": "fin"}
    return {"boat": boat}


def _berth(length: float) -> str:
    return "swing" if length > 12 else "pontoon"


def _mooring_kind(b: State, p: Params) -> str:
    return _berth(b["tables"]["hn_boats"][p["boat"]]["length_m"])


mooring = Family(
    name="hn_mooring",
    templates=["Find a mooring tonight for the yacht {boat}"],
    fields={"boat": Field(r"[A-Z][a-z]+ \d+")},
    sample=sample_mooring,
    plan=[
        Step("hn_boat", lambda p, r: {"boat": p["boat"]}),
        Step("hn_mooring_slot", lambda p, r: {"boat": p["boat"], "berth": _berth(r["hn_boat"]["length_m"])}),
    ],
    expect=lambda p, b: {"hn_moorings": [{"boat": p["boat"], "berth": _mooring_kind(b, p)}]},
    answer=lambda p, b: [_mooring_kind(b, p)],
    summary=lambda p, r: f"{p['boat']} has a {r['hn_mooring_slot']['berth']} mooring tonight.",
    repeats=False,
)


# ======================================== 3. drench: neutral name and description, a receipt for a result
FIRST_KG = [52, 61, 48, 66, 58]


def sample_drench(rng: random.Random, w: State, i: int) -> Params:
    ewe = f"UK0{rng.randint(1000, 9999)}{i:02d}"
    if i < len(FIRST_KG):
        kg = FIRST_KG[i]
    elif _trap(i, rng):
        kg = rng.choice([74, 79, 85])
    else:
        kg = rng.choice([50, 55, 60, 64])
    w["tables"].setdefault("hn_ewes", {})[ewe] = {"ewe": ewe, "weight_kg": kg, "breed": "Texel"}
    return {"ewe": ewe}


def _dose(kg: int) -> str:
    return "double" if kg > 70 else "single"


def _drench_dose(b: State, p: Params) -> str:
    return _dose(b["tables"]["hn_ewes"][p["ewe"]]["weight_kg"])


def _record_dose(s: State, a: dict) -> dict:
    rows = s.setdefault("hn_doses", [])
    rows.append({"ewe": a["ewe"], "dose": a["dose"]})
    return {"dose_id": f"DR-{4100 + len(rows)}", "ewe": a["ewe"], "dose": a["dose"], "status": "recorded"}


drench = Family(
    name="hn_drench",
    templates=["Drench ewe {ewe} against worms"],
    fields={"ewe": Field(r"UK0\d+")},
    sample=sample_drench,
    plan=[
        Step("hn_ewe", lambda p, r: {"ewe": p["ewe"]}),
        Step("hn_drench_dose", lambda p, r: {"ewe": p["ewe"], "dose": _dose(r["hn_ewe"]["weight_kg"])}),
    ],
    expect=lambda p, b: {"hn_doses": [{"ewe": p["ewe"], "dose": _drench_dose(b, p)}]},
    answer=lambda p, b: [_drench_dose(b, p)],
    summary=lambda p, r: f"Ewe {p['ewe']} drenched: {r['hn_drench_dose']['dose']} dose.",
    repeats=False,
)


# ======================================== 4. skips: a total over the rooms listed, one skip holds 8 m3
MAXR = 4
ROOMS = Field(r"[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?")
ROOM_NAMES = ["Attic", "Cellar", "Garage", "Kitchen", "Lounge", "Study", "Shed", "Loft", "Porch", "Pantry"]
FIRST_ROOMS = [[4.5, 5.0], [3.0, 2.5, 4.0], [6.0, 3.5], [2.0, 4.5, 3.5], [5.5, 4.0], [3.0, 3.5, 3.0]]
SKIP = 8.0


def sample_skips(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_ROOMS):
        vols = FIRST_ROOMS[i]
    else:
        trap = _trap(i, rng, first=len(FIRST_ROOMS))
        for _ in range(5000):
            vols = [rng.choice([1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5]) for _ in range(rng.choice([2, 3, 3]))]
            if (sum(vols) <= SKIP) == trap and sum(vols) <= 2 * SKIP:
                break
    rooms = rng.sample(ROOM_NAMES, len(vols))
    house = f"H{100 + 7 * i + rng.randint(0, 6)}"
    t = w["tables"].setdefault("hn_rooms", {})
    for room, v in zip(rooms, vols, strict=True):
        t[f"{house}/{room}"] = {"house": house, "room": room, "rubbish_m3": v}
    return {"items": listed(rooms), "house": house}


def _room(s: State, a: dict) -> dict:
    row = s["tables"].get("hn_rooms", {}).get(f"{a['house']}/{a['room']}")
    if row is None:
        raise ToolFail(f"no room {a['room']} in house {a['house']}")
    return row


def _skips(total: float) -> int:
    return math.ceil(total / SKIP)


def _room_total(b: State, p: Params) -> float:
    return sum(b["tables"]["hn_rooms"][f"{p['house']}/{x}"]["rubbish_m3"] for x in items_of(p["items"]))


skips = Family(
    name="hn_skips",
    templates=["Order skips to clear the {items} of house {house}"],
    fields={"items": ROOMS, "house": Field(r"H\d+")},
    sample=sample_skips,
    plan=[
        *[
            Step(
                "hn_room",
                lambda p, r, k=k: {"house": p["house"], "room": items_of(p["items"])[k]},
                key=f"hn_room{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(MAXR)
        ],
        Step(
            "hn_order_skips",
            lambda p, r: {
                "house": p["house"],
                "skips": _skips(sum(r[f"hn_room{k}"]["rubbish_m3"] for k in range(len(items_of(p["items"]))))),
            },
        ),
    ],
    expect=lambda p, b: {"hn_skip_orders": [{"house": p["house"], "skips": _skips(_room_total(b, p))}]},
    answer=lambda p, b: [_skips(_room_total(b, p))],
    summary=lambda p, r: f"Ordered {r['hn_order_skips']['skips']} skip(s) for house {p['house']}.",
    repeats=False,
)


# ======================================== 5. vans: boxes of every shelf listed, vans = ceil(total / 40)
SHELVES = Field(r"S\d+(?:, S\d+)*(?: and S\d+)?")
FIRST_SHELVES = [[22, 30], [18, 25, 20], [35, 28], [15, 20, 19], [26, 31], [24, 16, 22]]
VAN = 40


def sample_vans(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_SHELVES):
        boxes = FIRST_SHELVES[i]
    else:
        trap = _trap(i, rng, first=len(FIRST_SHELVES))
        for _ in range(5000):
            boxes = [rng.randint(12, 38) for _ in range(rng.choice([2, 3, 3]))]
            if (not 40 < sum(boxes) <= 80) == trap:
                break
    shelves = [f"S{n}" for n in rng.sample(range(100 + 10 * i, 110 + 10 * i), len(boxes))]
    t = w["tables"].setdefault("hn_shelves", {})
    for shelf, n in zip(shelves, boxes, strict=True):
        t[shelf] = {"shelf": shelf, "boxes": n}
    return {"items": listed(shelves)}


def _vans(total: int) -> int:
    return math.ceil(total / VAN)


def _box_total(b: State, p: Params) -> int:
    return sum(b["tables"]["hn_shelves"][x]["boxes"] for x in items_of(p["items"]))


vans = Family(
    name="hn_vans",
    templates=["Hire vans to move the library shelves {items}"],
    fields={"items": SHELVES},
    sample=sample_vans,
    plan=[
        *[
            Step(
                "hn_shelf",
                lambda p, r, k=k: {"shelf": items_of(p["items"])[k]},
                key=f"hn_shelf{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(MAXR)
        ],
        Step(
            "hn_hire_vans",
            lambda p, r: {
                "shelves": p["items"],
                "vans": _vans(sum(r[f"hn_shelf{k}"]["boxes"] for k in range(len(items_of(p["items"]))))),
            },
        ),
    ],
    expect=lambda p, b: {"hn_van_hires": [{"shelves": p["items"], "vans": _vans(_box_total(b, p))}]},
    answer=lambda p, b: [_vans(_box_total(b, p))],
    summary=lambda p, r: f"Hired {r['hn_hire_vans']['vans']} van(s) for shelves {p['items']}.",
    repeats=False,
)


# ======================================== 6. bindery: a date copied from a result, closed days in a description
CLOSED = ["2027-12-25", "2027-12-26"]
FIRST_READY = ["2027-11-03", "2027-11-10", "2027-11-16", "2027-11-24", "2027-12-02"]


def _table(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _open_day(day: str) -> str:
    d = _d(day)
    while d.weekday() == 6 or d.isoformat() in CLOSED:
        d += dt.timedelta(days=1)
    return d.isoformat()


def sample_bindery(rng: random.Random, w: State, i: int) -> Params:
    order = f"BO-{500 + 9 * i + rng.randint(0, 8)}"
    if i < len(FIRST_READY):
        ready = FIRST_READY[i]
    elif _trap(i, rng):
        ready = rng.choice(["2027-12-25", "2027-12-26", "2027-11-28", "2027-12-05", "2027-12-19"])
    else:
        days = [_d("2027-11-01") + dt.timedelta(days=k) for k in range(50)]
        ready = rng.choice([x.isoformat() for x in days if x.weekday() < 6 and x.isoformat() not in CLOSED])
    w["tables"].setdefault("hn_bind_orders", {})[order] = {"order": order, "volumes": 12, "ready": ready}
    return {"order": order}


def _binding_day(b: State, p: Params) -> str:
    return _open_day(b["tables"]["hn_bind_orders"][p["order"]]["ready"])


bindery = Family(
    name="hn_bindery",
    templates=["Book the binding of order {order} for the day it is ready"],
    fields={"order": Field(r"BO-\d+")},
    sample=sample_bindery,
    plan=[
        Step("hn_bind_order", lambda p, r: {"order": p["order"]}),
        Step("hn_book_binding", lambda p, r: {"order": p["order"], "day": _open_day(r["hn_bind_order"]["ready"])}),
    ],
    expect=lambda p, b: {"hn_bindings": [{"order": p["order"], "day": _binding_day(b, p)}]},
    answer=lambda p, b: [_binding_day(b, p)],
    summary=lambda p, r: f"Order {p['order']} will be bound on {r['hn_book_binding']['day']}.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "hn_patient",
            "A dental patient's record: months since the last check-up.",
            {"patient": str},
            _table("hn_patients", "patient", "patient"),
        ),
        Tool(
            "hn_send_recall",
            "Send a patient a recall letter: 'urgent' when the last check-up is more than 24 months ago, "
            "else 'routine'.",
            {"patient": str, "letter": str},
            _logger("hn_recalls", "patient", "letter"),
        ),
        Tool("hn_boat", "A boat's length (m) and keel.", {"boat": str}, _table("hn_boats", "boat", "boat")),
        Tool(
            "hn_mooring_slot",
            "Reserve tonight's mooring for a boat: a 'pontoon' berth up to 12 m long, a 'swing' mooring above.",
            {"boat": str, "berth": str},
            _logger("hn_moorings", "boat", "berth"),
        ),
        Tool("hn_ewe", "A ewe's weight (kg) and breed.", {"ewe": str}, _table("hn_ewes", "ewe", "ewe")),
        Tool(
            "hn_drench_dose",
            "The wormer dose for a ewe: 'double' over 70 kg, else 'single'.",
            {"ewe": str, "dose": str},
            _record_dose,
        ),
        Tool("hn_room", "The rubbish in a room of a house (m3).", {"house": str, "room": str}, _room),
        Tool(
            "hn_order_skips",
            "Order skips for a house: one skip holds 8 m3.",
            {"house": str, "skips": int},
            _logger("hn_skip_orders", "house", "skips"),
        ),
        Tool(
            "hn_shelf", "The boxes of books on a library shelf.", {"shelf": str}, _table("hn_shelves", "shelf", "shelf")
        ),
        Tool(
            "hn_hire_vans",
            "Hire vans for shelves (as listed): one van carries 40 boxes.",
            {"shelves": str, "vans": int},
            _logger("hn_van_hires", "shelves", "vans"),
        ),
        Tool(
            "hn_bind_order",
            "A binding order: its volumes and the date it is ready.",
            {"order": str},
            _table("hn_bind_orders", "order", "order"),
        ),
        Tool(
            "hn_book_binding",
            "Book a binding day: the bindery is closed on Sundays and on 25 and 26 December (the next open day).",
            {"order": str, "day": str},
            _logger("hn_bindings", "order", "day"),
        ),
    ]
}

FAMILIES = [recall, mooring, drench, skips, vans, bindery]
