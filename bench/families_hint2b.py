"""Probe set hint2b (issue 9, helper hint2): the same dangers as hint2, other domains, written before the
fixes were tried on it (not shaped on them).

- hb_booster   a vet: the tool that gives a dog its booster is annotated readOnlyHint; its name and the first
               word of its description ("Give") say nothing a word list knows: 'full' over 20 kg, else 'half'
- hb_label     a courier: printing a label is annotated readOnlyHint; its result is a receipt (a new
               label id, "printed"): 'heavy' over 30 kg, else 'standard'
- hb_beacon    a lighthouse: switching the lamp is annotated idempotentHint and readOnlyHint; its name says
               "set": 'storm' above 40 knots of wind, else 'clear'
- hb_kayaks    a canoe club: the paddlers of every group listed, one trailer carries 12 kayaks; the first goals'
               lists of two groups always filled two trailers
- hb_pallets   a warehouse: the cartons of every order listed, pallets = ceil(total / 30); the first goals all
               made two pallets
- hb_clinic    a vaccination clinic: the booster is booked on the due date a result gives, except a weekend or a
               day the tool's description names ("December 31 and January 1"): the next open day

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
    "hb_dog": READ,
    "hb_booster_shot": READ,  # a lie: it gives the booster
    "hb_parcel": READ,
    "hb_label": READ,  # a lie: it prints a label (a receipt)
    "hb_wind": READ,
    "hb_set_lamp": {"readOnlyHint": True, "idempotentHint": True},  # a lie: it switches the lamp
    "hb_group": READ,
    "hb_book_kayak_trailers": WRITE,
    "hb_order": READ,
    "hb_ship_pallets": WRITE,
    "hb_pet": READ,
    "hb_book_clinic": WRITE,
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

    if getattr(Server.add_tool, "_hb_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._hb_annotated = True  # type: ignore[attr-defined]
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


def _table(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _two_step(
    name: str,
    read: str,
    write: str,
    arg: str,
    out: str,
    fn: Any,
    template: str,
    field: Any,
    section: str,
    key: str,
    table: str,
    summary: str,
) -> Any:
    def expected(b: State, p: Params) -> Any:
        return fn(b["tables"][table][p[arg]][key])

    return Family(
        name=name,
        templates=[template],
        fields={arg: field},
        sample=None,  # set below
        plan=[
            Step(read, lambda p, r: {arg: p[arg]}),
            Step(write, lambda p, r: {arg: p[arg], out: fn(r[read][key])}),
        ],
        expect=lambda p, b: {section: [{arg: p[arg], out: expected(b, p)}]},
        answer=lambda p, b: [expected(b, p)],
        summary=lambda p, r: summary.format(p=p[arg], v=r[write][out]),
        repeats=False,
    )


def _sampler(
    table: str,
    arg: str,
    key: str,
    ident: Any,
    first: list[Any],
    trap: list[Any],
    plain: list[Any],
    extra: dict[str, Any],
) -> Any:
    def sample(rng: random.Random, w: State, i: int) -> Params:
        name = ident(rng, i)
        if i < len(first):
            v = first[i]
        elif _trap(i, rng):
            v = rng.choice(trap)
        else:
            v = rng.choice(plain)
        w["tables"].setdefault(table, {})[name] = {arg: name, key: v, **extra}
        return {arg: name}

    return sample


# ======================================== 1. booster: a 'read-only' tool whose words say nothing
booster = _two_step(
    "hb_booster",
    "hb_dog",
    "hb_booster_shot",
    "dog",
    "dose",
    lambda kg: "full" if kg > 20 else "half",
    "Give dog {dog} its booster",
    Field(r"DG-\d+"),
    "hb_boosters",
    "weight_kg",
    "hb_dogs",
    "Dog {p} had a {v} booster.",
)
booster.sample = _sampler(
    "hb_dogs",
    "dog",
    "weight_kg",
    lambda rng, i: f"DG-{300 + 9 * i + rng.randint(0, 8)}",
    [8.5, 12.0, 15.5, 6.0, 18.0],
    [24.0, 31.5, 38.0],
    [7.0, 9.5, 13.0, 17.5],
    {"breed": "terrier"},
)


# ======================================== 2. label: a receipt for a result
def _print_label(s: State, a: dict) -> dict:
    rows = s.setdefault("hb_labels", [])
    rows.append({"parcel": a["parcel"], "label": a["label"]})
    return {"label_id": f"LB-{88000 + len(rows)}", "parcel": a["parcel"], "label": a["label"], "state": "printed"}


label = _two_step(
    "hb_label",
    "hb_parcel",
    "hb_label",
    "parcel",
    "label",
    lambda kg: "heavy" if kg > 30 else "standard",
    "Label parcel {parcel} for dispatch",
    Field(r"PC\d+"),
    "hb_labels",
    "weight_kg",
    "hb_parcels",
    "Parcel {p} labelled {v}.",
)
label.sample = _sampler(
    "hb_parcels",
    "parcel",
    "weight_kg",
    lambda rng, i: f"PC{7000 + 13 * i + rng.randint(0, 12)}",
    [4.5, 12.0, 22.0, 9.0, 17.5],
    [34.0, 41.5, 48.0],
    [3.0, 8.0, 14.5, 26.0],
    {"zone": "B"},
)


# ======================================== 3. beacon: an idempotent and read-only lamp switch
beacon = _two_step(
    "hb_beacon",
    "hb_wind",
    "hb_set_lamp",
    "light",
    "mode",
    lambda kn: "storm" if kn > 40 else "clear",
    "Switch the lamp of lighthouse {light} for tonight's weather",
    Field(r"LH-[A-Z]{2}"),
    "hb_lamps",
    "wind_knots",
    "hb_lights",
    "Lighthouse {p}: lamp on {v}.",
)
beacon.sample = _sampler(
    "hb_lights",
    "light",
    "wind_knots",
    lambda rng, i: "LH-" + "ABCDEFGHJKLMNPRSTUVW"[i % 20] + "ABCDEFGHJKLMNPRSTUVW"[rng.randint(0, 19)],
    [12, 25, 31, 18, 36],
    [44, 52, 61],
    [10, 16, 22, 29, 35],
    {"coast": "north"},
)


# ======================================== 4. kayaks: two groups always filled two trailers
GROUPS = Field(r"[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?")
GROUP_NAMES = ["Otters", "Herons", "Voles", "Swifts", "Newts", "Pikes", "Grebes", "Coots", "Terns", "Eels"]
FIRST_GROUPS = [[7, 9], [8, 6, 5], [10, 6], [4, 7, 6], [9, 8], [5, 6, 7]]
TRAILER = 12


def sample_kayaks(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_GROUPS):
        sizes = FIRST_GROUPS[i]
    else:
        trap = _trap(i, rng, first=len(FIRST_GROUPS))
        for _ in range(5000):
            sizes = [rng.randint(4, 10) for _ in range(rng.choice([2, 3, 3]))]
            if (not 12 < sum(sizes) <= 24) == trap:
                break
    groups = rng.sample(GROUP_NAMES, len(sizes))
    club = f"C{200 + 5 * i + rng.randint(0, 4)}"
    t = w["tables"].setdefault("hb_groups", {})
    for g, n in zip(groups, sizes, strict=True):
        t[f"{club}/{g}"] = {"club": club, "group": g, "paddlers": n}
    return {"items": listed(groups), "club": club}


def _group(s: State, a: dict) -> dict:
    row = s["tables"].get("hb_groups", {}).get(f"{a['club']}/{a['group']}")
    if row is None:
        raise ToolFail(f"no group {a['group']} in club {a['club']}")
    return row


def _kayak_total(b: State, p: Params) -> int:
    return sum(b["tables"]["hb_groups"][f"{p['club']}/{g}"]["paddlers"] for g in items_of(p["items"]))


kayaks = Family(
    name="hb_kayaks",
    templates=["Book kayak trailers for the {items} groups of club {club}"],
    fields={"items": GROUPS, "club": Field(r"C\d+")},
    sample=sample_kayaks,
    plan=[
        *[
            Step(
                "hb_group",
                lambda p, r, k=k: {"club": p["club"], "group": items_of(p["items"])[k]},
                key=f"hb_group{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(4)
        ],
        Step(
            "hb_book_kayak_trailers",
            lambda p, r: {
                "club": p["club"],
                "trailers": math.ceil(
                    sum(r[f"hb_group{k}"]["paddlers"] for k in range(len(items_of(p["items"])))) / TRAILER
                ),
            },
        ),
    ],
    expect=lambda p, b: {
        "hb_kayak_trailers": [{"club": p["club"], "trailers": math.ceil(_kayak_total(b, p) / TRAILER)}]
    },
    answer=lambda p, b: [math.ceil(_kayak_total(b, p) / TRAILER)],
    summary=lambda p, r: f"Booked {r['hb_book_kayak_trailers']['trailers']} trailer(s) for club {p['club']}.",
    repeats=False,
)


# ======================================== 5. pallets: ceil(total cartons / 30), two pallets in the first goals
ORDERS = Field(r"O\d+(?:, O\d+)*(?: and O\d+)?")
FIRST_ORDERS = [[18, 22], [12, 15, 14], [25, 20], [11, 16, 19], [28, 17], [13, 12, 21]]
PALLET = 30


def sample_pallets(rng: random.Random, w: State, i: int) -> Params:
    if i < len(FIRST_ORDERS):
        cartons = FIRST_ORDERS[i]
    else:
        trap = _trap(i, rng, first=len(FIRST_ORDERS))
        for _ in range(5000):
            cartons = [rng.randint(8, 29) for _ in range(rng.choice([2, 3, 3]))]
            if (not 30 < sum(cartons) <= 60) == trap:
                break
    orders = [f"O{n}" for n in rng.sample(range(4000 + 10 * i, 4010 + 10 * i), len(cartons))]
    t = w["tables"].setdefault("hb_orders", {})
    for o, n in zip(orders, cartons, strict=True):
        t[o] = {"order": o, "cartons": n}
    return {"items": listed(orders)}


def _carton_total(b: State, p: Params) -> int:
    return sum(b["tables"]["hb_orders"][o]["cartons"] for o in items_of(p["items"]))


pallets = Family(
    name="hb_pallets",
    templates=["Ship orders {items} on pallets"],
    fields={"items": ORDERS},
    sample=sample_pallets,
    plan=[
        *[
            Step(
                "hb_order",
                lambda p, r, k=k: {"order": items_of(p["items"])[k]},
                key=f"hb_order{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(4)
        ],
        Step(
            "hb_ship_pallets",
            lambda p, r: {
                "orders": p["items"],
                "pallets": math.ceil(
                    sum(r[f"hb_order{k}"]["cartons"] for k in range(len(items_of(p["items"])))) / PALLET
                ),
            },
        ),
    ],
    expect=lambda p, b: {"hb_shipments": [{"orders": p["items"], "pallets": math.ceil(_carton_total(b, p) / PALLET)}]},
    answer=lambda p, b: [math.ceil(_carton_total(b, p) / PALLET)],
    summary=lambda p, r: f"Shipped {p['items']} on {r['hb_ship_pallets']['pallets']} pallet(s).",
    repeats=False,
)


# ======================================== 6. clinic: a due date copied from a result, closed days in a description
CLINIC_CLOSED = ["2027-12-31", "2028-01-01"]
FIRST_DUE = ["2027-11-08", "2027-11-17", "2027-11-23", "2027-12-01", "2027-12-09"]


def _clinic_day(day: str) -> str:
    d = _d(day)
    while d.weekday() >= 5 or d.isoformat() in CLINIC_CLOSED:
        d += dt.timedelta(days=1)
    return d.isoformat()


def sample_clinic(rng: random.Random, w: State, i: int) -> Params:
    pet = f"PET-{900 + 11 * i + rng.randint(0, 10)}"
    if i < len(FIRST_DUE):
        due = FIRST_DUE[i]
    elif _trap(i, rng):
        due = rng.choice(["2027-12-31", "2027-11-27", "2027-12-12", "2027-12-18"])
    else:
        days = [_d("2027-11-01") + dt.timedelta(days=k) for k in range(58)]
        due = rng.choice([x.isoformat() for x in days if x.weekday() < 5 and x.isoformat() not in CLINIC_CLOSED])
    w["tables"].setdefault("hb_pets", {})[pet] = {"pet": pet, "vaccine": "rabies", "booster_due": due}
    return {"pet": pet}


def _clinic_expected(b: State, p: Params) -> str:
    return _clinic_day(b["tables"]["hb_pets"][p["pet"]]["booster_due"])


clinic = Family(
    name="hb_clinic",
    templates=["Book pet {pet} into the clinic when its booster is due"],
    fields={"pet": Field(r"PET-\d+")},
    sample=sample_clinic,
    plan=[
        Step("hb_pet", lambda p, r: {"pet": p["pet"]}),
        Step("hb_book_clinic", lambda p, r: {"pet": p["pet"], "day": _clinic_day(r["hb_pet"]["booster_due"])}),
    ],
    expect=lambda p, b: {"hb_clinic_bookings": [{"pet": p["pet"], "day": _clinic_expected(b, p)}]},
    answer=lambda p, b: [_clinic_expected(b, p)],
    summary=lambda p, r: f"Pet {p['pet']} is booked on {r['hb_book_clinic']['day']}.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool("hb_dog", "A dog's weight (kg) and breed.", {"dog": str}, _table("hb_dogs", "dog", "dog")),
        Tool(
            "hb_booster_shot",
            "Give a dog its booster: a 'full' dose over 20 kg, else 'half'.",
            {"dog": str, "dose": str},
            _logger("hb_boosters", "dog", "dose"),
        ),
        Tool(
            "hb_parcel", "A parcel's weight (kg) and zone.", {"parcel": str}, _table("hb_parcels", "parcel", "parcel")
        ),
        Tool(
            "hb_label",
            "The label for a parcel: 'heavy' over 30 kg, else 'standard'.",
            {"parcel": str, "label": str},
            _print_label,
        ),
        Tool("hb_wind", "A lighthouse's wind tonight (knots).", {"light": str}, _table("hb_lights", "light", "light")),
        Tool(
            "hb_set_lamp",
            "The lamp's mode for tonight: 'storm' above 40 knots of wind, else 'clear'.",
            {"light": str, "mode": str},
            _logger("hb_lamps", "light", "mode"),
        ),
        Tool("hb_group", "The paddlers of a club's group.", {"club": str, "group": str}, _group),
        Tool(
            "hb_book_kayak_trailers",
            "Book kayak trailers for a club: one trailer carries 12 kayaks.",
            {"club": str, "trailers": int},
            _logger("hb_kayak_trailers", "club", "trailers"),
        ),
        Tool("hb_order", "The cartons of an order.", {"order": str}, _table("hb_orders", "order", "order")),
        Tool(
            "hb_ship_pallets",
            "Ship orders (as listed) on pallets: one pallet holds 30 cartons.",
            {"orders": str, "pallets": int},
            _logger("hb_shipments", "orders", "pallets"),
        ),
        Tool(
            "hb_pet", "A pet's vaccine and the date its booster is due.", {"pet": str}, _table("hb_pets", "pet", "pet")
        ),
        Tool(
            "hb_book_clinic",
            "Book a pet into the clinic: no clinics on Saturdays and Sundays, nor on December 31 and January 1.",
            {"pet": str, "day": str},
            _logger("hb_clinic_bookings", "pet", "day"),
        ),
    ]
}

FAMILIES = [booster, label, beacon, kayaks, pallets, clinic]
