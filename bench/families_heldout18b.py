"""Held-out probe families, round AE, second probe (issue 9): lists in the goal (names of several words), per-item
decisions on plain-text lists, two reads of one tool compared, membership against near-miss names, a discount
past a count, a booking that must not be made twice.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h18b_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout18b.py --goals 16 --seed 7

Written before the first probe's results were read, with another emphasis than `families_heldout18.py`:

- h18b_farrier     horse stables: the goal lists 1-4 horses (names of one to three words, "Duke of Earl",
                   "Bruno's Pride"); each horse's record is plain text; book the farrier for each horse last shod
                   42 days ago or more and not booked yet; the answer counts and names them, or says none is due
- h18b_scaffold    scaffold tags (a plain-text list of 1-5 tags): request a re-inspection of each tag inspected
                   more than 7 days ago, except red (struck) tags and tags already requested
- h18b_chimney     chimney certificates: this year's and last year's flue test (the same tool, two years);
                   certify (idempotent) when the draught is 10 Pa or more and fell less than 25% since last year
- h18b_dome_seats  planetarium seats left for a show (capacity minus the plain-text bookings, cancelled ones not
                   counted): bookings change it
- h18b_dome_book   book seats only when enough are left and the group holds no booking for that show yet
- h18b_keys        locksmith: cut copies of a restricted key only for a holder named exactly on its register
                   (near-miss names); 10% off from 3 copies; the total in the answer
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sys
from pathlib import Path
from typing import Any

_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.insert(0, _here)
try:
    import families as fam
except ImportError:  # loaded outside the bench processes
    _bench = os.environ.get("LLMOS_BENCH_DIR") or str(Path(__file__).resolve().parents[2] / "shared" / "bench")
    if _bench not in sys.path:
        sys.path.insert(0, _bench)
    import families as fam

import families_heldout18 as h18  # noqa: E402

Family, Field, Step, Tool, ToolFail = fam.Family, fam.Field, fam.Step, fam.Tool, fam.ToolFail
INT = fam.INT
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]
_trap, _until, _one_of, _wording, _fresh, _size = (
    h18._trap,
    h18._until,
    h18._one_of,
    h18._wording,
    h18._fresh,
    h18._size,
)
BASE, TODAY, _days_ago, _money = h18.BASE, h18.TODAY, h18._days_ago, h18._money

READ, IDEMPOTENT, WRITE = h18.READ, h18.IDEMPOTENT, h18.WRITE
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h18b_horse": READ,
    "h18b_book_farrier": WRITE,
    "h18b_scaffold_tags": READ,
    "h18b_request_inspection": WRITE,
    "h18b_flue_test": READ,
    "h18b_certify": IDEMPOTENT,
    "h18b_dome": READ,
    "h18b_dome_bookings": READ,
    "h18b_book_seats": WRITE,
    "h18b_key_register": READ,
    "h18b_key_price": READ,
    "h18b_cut_keys": WRITE,
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

    if getattr(Server.add_tool, "_h18b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h18b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def _list_of(names: list[str]) -> Any:
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return Field(rf"(?:{alt})(?:, (?:{alt}))*(?: and (?:{alt}))?")


# ======================================== 1. farrier: each listed horse shod 42+ days ago and not booked
HORSES = [
    "Dancing Queen",
    "Bruno's Pride",
    "Tinker",
    "Major Tom",
    "Lady Grey",
    "Saoirse",
    "Biscuit",
    "Old Nick",
    "Moonshine",
    "Captain Jack",
    "Willow",
    "Firefly",
    "Rosie Lee",
    "Ned",
    "Kestrel",
    "Mister Blue",
    "Pippin",
    "Hazel",
    "Duke of Earl",
    "Storm",
    "Queen of Hearts",
    "Juniper",
    "Barnaby",
    "Silver Lining",
    "Marigold",
    "Tom Thumb",
    "Ember",
    "Dolly",
    "Sir Galahad",
    "Clover",
    "Mabel",
    "Fergus",
    "Little Bear",
    "Piper",
    "Ziggy",
    "Honey",
    "Otto",
    "Bramble",
    "Sorrel",
    "Wild Thyme",
]
FARRIERS = ["Tom Kerr", "Aileen Moss", "Rhys Pugh"]
FARRIER_DAY = (BASE + dt.timedelta(days=5)).isoformat()


def sample_farrier(rng: random.Random, w: State, i: int) -> Params:
    n = 2 if i < 2 else 3 if i < 4 else rng.randint(1, 4)
    horses = [_fresh(rng, w, "h18b_horses", HORSES) for _ in range(n)]
    trap = _trap(i, rng)
    for h in horses:
        due = not trap or rng.random() < 0.4
        days = rng.randint(42, 80) if due else rng.choice([rng.randint(14, 38), rng.randint(39, 41)])
        w.setdefault("h18b_horses", {})[h] = {
            "horse": h,
            "box": rng.randint(1, 40),
            "last_shod": (BASE - dt.timedelta(days=days)).isoformat(),
            "by": rng.choice(FARRIERS),
            "shoes": rng.choice(["front shoes only", "shod all round", "barefoot behind"]),
            "booked": None,
        }
    return {"horses": listed(horses), "wording": _wording(rng, i, 3)}


def _horse_text(s: State, a: dict) -> str:
    row = s.get("h18b_horses", {}).get(str(a["horse"]))
    if row is None:
        raise ToolFail(f"no horse {a['horse']}")
    booked = f" Farrier booked for {row['booked']}." if row["booked"] else ""
    return f"{row['horse']} (box {row['box']}): last shod {row['last_shod']} by {row['by']}; {row['shoes']}.{booked}"


def _horse_due_r(text: str) -> bool:
    m = re.search(r"last shod (\d{4}-\d{2}-\d{2})", text)
    if m is None:
        raise ValueError("horse")
    return "Farrier booked" not in text and _days_ago(m.group(1)) >= 42


def _horse_due_b(row: dict) -> bool:
    return row["booked"] is None and _days_ago(row["last_shod"]) >= 42


def _book_farrier(s: State, a: dict) -> dict:
    row = s.get("h18b_horses", {}).get(str(a["horse"]))
    if row is None:
        raise ToolFail(f"no horse {a['horse']}")
    row["booked"] = FARRIER_DAY
    s.setdefault("h18b_farrier", []).append({"horse": row["horse"]})
    return {"horse": row["horse"], "farrier_visit": FARRIER_DAY, "status": "booked"}


def _farrier_due_b(p: Params, b: State) -> list[str]:
    return [h for h in items_of(p["horses"]) if _horse_due_b(b["h18b_horses"][h])]


def _farrier_expect(p: Params, b: State) -> dict:
    due = _farrier_due_b(p, b)
    if not due:
        return {}
    return {
        "h18b_horses": {h: {**b["h18b_horses"][h], "booked": FARRIER_DAY} for h in due},
        "h18b_farrier": [{"horse": h} for h in due],
    }


def _farrier_summary(p: Params, r: dict) -> str:
    hs = items_of(p["horses"])
    due = [h for k, h in enumerate(hs) if _horse_due_r(r[f"h18b_horse{k}"])]
    if not due:
        return f"No horse is due for the farrier: 0 of {len(hs)} booked."
    return f"Farrier booked for {FARRIER_DAY}: {len(due)} of {len(hs)} horses ({', '.join(due)})."


MAXH = 4
farrier = Family(
    name="h18b_farrier",
    templates=[
        "Book the farrier for whichever of {horses} are due",
        "Check when {horses} were last shod and book the farrier if it's been six weeks",
        "Farrier round: {horses}",
    ],
    fields={"horses": _list_of(HORSES)},
    sample=sample_farrier,
    plan=[
        *[
            Step(
                "h18b_horse",
                lambda p, r, k=k: {"horse": items_of(p["horses"])[k]},
                key=f"h18b_horse{k}",
                when=lambda p, r, k=k: len(items_of(p["horses"])) > k,
            )
            for k in range(MAXH)
        ],
        *[
            Step(
                "h18b_book_farrier",
                lambda p, r, k=k: {"horse": items_of(p["horses"])[k]},
                key=f"h18b_book_farrier{k}",
                when=lambda p, r, k=k: len(items_of(p["horses"])) > k and _horse_due_r(r[f"h18b_horse{k}"]),
            )
            for k in range(MAXH)
        ],
    ],
    expect=_farrier_expect,
    answer=lambda p, b: [len(_farrier_due_b(p, b)), *_farrier_due_b(p, b)] if _farrier_due_b(p, b) else [0, "no horse"],
    summary=_farrier_summary,
)


# ======================================== 2. scaffold tags (plain-text list): re-inspect tags older than 7 days
SITES = [
    "Pier 4 Redevelopment",
    "St Anne's Church",
    "Halden Road Flats",
    "Bruno's Bakery Extension",
    "Northway Bridge",
    "Castle Street Offices",
    "Greenbank School",
    "Mill Race Apartments",
    "The Corn Exchange",
    "Westgate Car Park",
    "Lowther Hospital Wing",
    "Kingsway Depot",
    "Saint-Denis Library",
    "Elm Park Leisure Centre",
    "Quarry Bank Chapel",
    "Harbour Master's House",
]
PLACES = ["east elevation", "stair tower", "north gable", "loading bay", "chimney stack", "west face", "roof edge"]


def _tag(rng: random.Random) -> str:
    k = rng.randrange(4)
    return [
        f"SC-{rng.randint(1, 9)}",
        f"SC-{rng.randint(10, 40)}B",
        f"T{rng.randint(100, 999)}",
        f"SCF-{rng.randint(1000, 9999)}",
    ][k]


def sample_scaffold(rng: random.Random, w: State, i: int) -> Params:
    site = _fresh(rng, w, "h18b_sites", SITES)
    n = 2 if i < 2 else 3 if i < 4 else rng.randint(1, 5)
    trap = _trap(i, rng)
    tags: list[dict] = []
    while len(tags) < n:
        t = _tag(rng)
        if any(x["tag"] == t for x in tags):
            continue
        kind = rng.choice(["ok", "recent", "red"]) if trap else "ok"
        days = rng.randint(1, 7) if kind == "recent" else rng.randint(8, 30)
        colour = "red (struck, do not use)" if kind == "red" else rng.choice(["green", "green", "yellow (restricted)"])
        tags.append({"tag": t, "where": rng.choice(PLACES), "colour": colour, "inspected": days, "requested": False})
    for x in tags:
        x["inspected"] = (BASE - dt.timedelta(days=x["inspected"])).isoformat()
    w.setdefault("h18b_sites", {})[site] = {"site": site, "tags": tags}
    return {"site": site, "wording": _wording(rng, i, 2)}


def _tags_text(s: State, a: dict) -> str:
    row = s.get("h18b_sites", {}).get(str(a["site"]))
    if row is None:
        raise ToolFail(f"no site {a['site']}")
    lines = [f"Scaffold tags at {row['site']} (today {TODAY}):"]
    for x in row["tags"]:
        req = "; re-inspection requested" if x["requested"] else ""
        lines.append(f"{x['tag']} {x['where']}: {x['colour']}, inspected {x['inspected']}{req}")
    return "\n".join(lines)


def _tags_r(text: str) -> list[dict]:
    out = []
    for m in re.finditer(
        r"^(\S+) [a-z ]+: (.+?), inspected (\d{4}-\d{2}-\d{2})(; re-inspection requested)?$", text, re.M
    ):
        out.append({"tag": m.group(1), "colour": m.group(2), "inspected": m.group(3), "requested": bool(m.group(4))})
    return out


def _tag_due(x: dict) -> bool:
    return not x["requested"] and not x["colour"].startswith("red") and _days_ago(x["inspected"]) > 7


def _request(s: State, a: dict) -> dict:
    row = s.get("h18b_sites", {}).get(str(a["site"]))
    if row is None:
        raise ToolFail(f"no site {a['site']}")
    x = next((x for x in row["tags"] if x["tag"] == str(a["tag"])), None)
    if x is None:
        raise ToolFail(f"no tag {a['tag']} at {a['site']}")
    x["requested"] = True
    s.setdefault("h18b_inspections", []).append({"site": row["site"], "tag": x["tag"]})
    return {"site": row["site"], "tag": x["tag"], "status": "re-inspection requested"}


def _scaffold_due_b(p: Params, b: State) -> list[str]:
    return [x["tag"] for x in b["h18b_sites"][p["site"]]["tags"] if _tag_due(x)]


def _scaffold_expect(p: Params, b: State) -> dict:
    due = _scaffold_due_b(p, b)
    if not due:
        return {}
    row = b["h18b_sites"][p["site"]]
    tags = [{**x, "requested": True} if x["tag"] in due else x for x in row["tags"]]
    return {
        "h18b_sites": {p["site"]: {**row, "tags": tags}},
        "h18b_inspections": [{"site": p["site"], "tag": t} for t in due],
    }


def _scaffold_summary(p: Params, r: dict) -> str:
    tags = _tags_r(r["h18b_scaffold_tags"])
    due = [x["tag"] for x in tags if _tag_due(x)]
    if not due:
        return f"No scaffold tag at {p['site']} needs a re-inspection (0 of {len(tags)})."
    return f"Re-inspection requested for {len(due)} of {len(tags)} tags at {p['site']}: {', '.join(due)}."


MAXT = 5
scaffold = Family(
    name="h18b_scaffold",
    templates=[
        "Request re-inspections for the out-of-date scaffold tags at {site}",
        "{site}: which scaffold tags are past their weekly inspection? Request them",
    ],
    fields={"site": _one_of(SITES)},
    sample=sample_scaffold,
    plan=[
        Step("h18b_scaffold_tags", lambda p, r: {"site": p["site"]}),
        *[
            Step(
                "h18b_request_inspection",
                lambda p, r, k=k: {"site": p["site"], "tag": _tags_r(r["h18b_scaffold_tags"])[k]["tag"]},
                key=f"h18b_request_inspection{k}",
                when=lambda p, r, k=k: (
                    len(_tags_r(r["h18b_scaffold_tags"])) > k and _tag_due(_tags_r(r["h18b_scaffold_tags"])[k])
                ),
            )
            for k in range(MAXT)
        ],
    ],
    expect=_scaffold_expect,
    answer=lambda p, b: (
        [len(_scaffold_due_b(p, b)), *_scaffold_due_b(p, b)] if _scaffold_due_b(p, b) else [0, "no scaffold tag"]
    ),
    summary=_scaffold_summary,
)


# ======================================== 3. chimney: draught >= 10 Pa and fell < 25% from last year's test
PROPS = [
    "Rose Cottage",
    "4 Kiln Row",
    "Bruno's Barn",
    "The Old Rectory",
    "27 Quarry Hill",
    "Ivy House",
    "Low Farm",
    "8 Chapel Street",
    "Hill Top",
    "The Granary",
    "Wren Cottage",
    "Meadow View",
    "3 Stable Yard",
    "Orchard House",
    "Brook End",
    "Fox Lodge",
]


def sample_chimney(rng: random.Random, w: State, i: int) -> Params:
    prop = _fresh(rng, w, "h18b_props", PROPS)
    kind = rng.choice(["weak", "drop"]) if _trap(i, rng) else "ok"
    if kind == "weak":
        now = round(rng.uniform(6.0, 9.9), 1)
        last = round(now * rng.uniform(1.0, 1.2), 1)
    elif kind == "drop":
        now = round(rng.uniform(10.0, 16.0), 1)
        last = round(now / rng.uniform(0.45, 0.74), 1)
    else:
        now = round(rng.uniform(10.0, 20.0), 1)
        last = round(now / rng.uniform(0.8, 1.0), 1)
    if abs((last - now) / last * 100 - 25) < 0.3:
        last = round(last + 0.3, 1)
    w.setdefault("h18b_flues", {})[prop] = {
        "property": prop,
        "2026": {"draught_pa": now, "co_ppm": rng.randint(2, 30)},
        "2025": {"draught_pa": last, "co_ppm": rng.randint(2, 30)},
    }
    return {"property": prop, "wording": _wording(rng, i, 2)}


def _flue(s: State, a: dict) -> dict:
    row = s.get("h18b_flues", {}).get(str(a["property"]))
    if row is None or str(a["year"]) not in row:
        raise ToolFail(f"no flue test for {a['property']} in {a['year']}")
    return {"property": row["property"], "year": int(a["year"]), **row[str(a["year"])]}


def _drop(now: float, last: float) -> float:
    return round_half_up((last - now) / last * 100, 1)


def _chim_ok(now: float, last: float) -> bool:
    return now >= 10 and (last - now) / last < 0.25


def _chim_b(p: Params, b: State) -> tuple[float, float]:
    row = b["h18b_flues"][p["property"]]
    return row["2026"]["draught_pa"], row["2025"]["draught_pa"]


def _chim_summary(p: Params, r: dict) -> str:
    now, last = r["h18b_flue_test2026"]["draught_pa"], r["h18b_flue_test2025"]["draught_pa"]
    verdict = "certified" if "h18b_certify" in r else "refused"
    return (
        f"{p['property']}: {verdict}. Draught {now} Pa this year against {last} Pa last year "
        f"(down {_drop(now, last)}%)."
    )


chimney = Family(
    name="h18b_chimney",
    templates=[
        "Check the chimney at {property} and certify it if it passes",
        "{property}: annual chimney certificate",
    ],
    fields={"property": _one_of(PROPS)},
    sample=sample_chimney,
    plan=[
        Step(
            "h18b_flue_test",
            lambda p, r: {"property": p["property"], "year": 2026},
            key="h18b_flue_test2026",
            group="c",
        ),
        Step(
            "h18b_flue_test",
            lambda p, r: {"property": p["property"], "year": 2025},
            key="h18b_flue_test2025",
            group="c",
        ),
        Step(
            "h18b_certify",
            lambda p, r: {"property": p["property"], "draught_pa": r["h18b_flue_test2026"]["draught_pa"]},
            when=lambda p, r: _chim_ok(r["h18b_flue_test2026"]["draught_pa"], r["h18b_flue_test2025"]["draught_pa"]),
        ),
    ],
    expect=lambda p, b: (
        {"h18b_certificates": {p["property"]: {"draught_pa": _chim_b(p, b)[0], "valid_until": "2027-12-03"}}}
        if _chim_ok(*_chim_b(p, b))
        else {}
    ),
    answer=lambda p, b: [
        "certified" if _chim_ok(*_chim_b(p, b)) else "refused",
        _chim_b(p, b)[0],
        _drop(*_chim_b(p, b)),
    ],
    summary=_chim_summary,
)


def _certify(s: State, a: dict) -> dict:
    if str(a["property"]) not in s.get("h18b_flues", {}):
        raise ToolFail(f"no property {a['property']}")
    s.setdefault("h18b_certificates", {})[str(a["property"])] = {
        "draught_pa": float(a["draught_pa"]),
        "valid_until": "2027-12-03",
    }
    return {"property": a["property"], "status": "certified", "valid_until": "2027-12-03"}


# ======================================== 4-5. planetarium: seats left (capacity - live bookings); book if room
SHOWS = ["Black Holes", "Northern Lights", "Moons of Jupiter", "The Sky Tonight"]
TIMES = ["10:30", "13:00", "15:30"]
GROUPS = [
    "St Bede's School",
    "Rivera party",
    "Bruno's Birthday",
    "Harbour Rotary Club",
    "Year 5 Oakfield",
    "Brownies 12th Leeds",
    "Okafor family",
    "U3A Astronomy",
    "Lindqvist party",
    "Cubs Pack North",
    "Moreau family",
    "Saint Joseph's Primary",
    "Chen party",
    "Friends of the Museum",
    "Patel family",
    "Kestrel Home Educators",
]


def _seed_dome(rng: random.Random, w: State) -> dict:
    if "h18b_dome" not in w:
        for sh in SHOWS:
            for t in TIMES:
                cap = rng.choice([90, 120, 150])
                books = [
                    {"group": g, "seats": rng.randint(4, 30), "cancelled": rng.random() < 0.25}
                    for g in rng.sample(GROUPS[:6], rng.randint(1, 3))
                ]
                w.setdefault("h18b_dome", {})[f"{sh} {t}"] = {"show": sh, "time": t, "capacity": cap, "bookings": books}
    return w["h18b_dome"]


def _left(row: dict) -> int:
    return int(row["capacity"] - sum(b["seats"] for b in row["bookings"] if not b["cancelled"]))


def sample_dome_seats(rng: random.Random, w: State, i: int) -> Params:
    _seed_dome(rng, w)
    return {"show": rng.choice(SHOWS), "time": rng.choice(TIMES), "wording": _wording(rng, i, 2)}


def _dome(s: State, a: dict) -> dict:
    row = s.get("h18b_dome", {}).get(f"{a['show']} {a['time']}")
    if row is None:
        raise ToolFail(f"no {a['show']} show at {a['time']}")
    return {"show": row["show"], "time": row["time"], "dome": "Main Dome", "capacity": row["capacity"]}


def _bookings_text(s: State, a: dict) -> str:
    row = s.get("h18b_dome", {}).get(f"{a['show']} {a['time']}")
    if row is None:
        raise ToolFail(f"no {a['show']} show at {a['time']}")
    lines = [f"Bookings for {row['show']} at {row['time']}:"]
    for b in row["bookings"]:
        lines.append(f"- {b['group']}: {b['seats']} seats{' (cancelled)' if b['cancelled'] else ''}")
    return "\n".join(lines)


def _bookings_r(text: str) -> list[dict]:
    return [
        {"group": m.group(1), "seats": int(m.group(2)), "cancelled": bool(m.group(3))}
        for m in re.finditer(r"^- (.+?): (\d+) seats( \(cancelled\))?$", text, re.M)
    ]


def _left_r(r: dict) -> int:
    return int(
        r["h18b_dome"]["capacity"] - sum(b["seats"] for b in _bookings_r(r["h18b_dome_bookings"]) if not b["cancelled"])
    )


dome_seats = Family(
    name="h18b_dome_seats",
    templates=[
        "How many seats are left for {show} at {time}?",
        "Seats still free at the {time} {show} show?",
    ],
    fields={"show": _one_of(SHOWS), "time": _one_of(TIMES)},
    sample=sample_dome_seats,
    plan=[
        Step("h18b_dome", lambda p, r: {"show": p["show"], "time": p["time"]}, group="d"),
        Step("h18b_dome_bookings", lambda p, r: {"show": p["show"], "time": p["time"]}, group="d"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_left(b["h18b_dome"][f"{p['show']} {p['time']}"])],
    summary=lambda p, r: f"{_left_r(r)} of {r['h18b_dome']['capacity']} seats are left for {p['show']} at {p['time']}.",
)


def sample_dome_book(rng: random.Random, w: State, i: int) -> Params:
    dome = _seed_dome(rng, w)
    show, time = rng.choice(SHOWS), rng.choice(TIMES)
    row = dome[f"{show} {time}"]
    group = _until(rng, lambda r: r.choice(GROUPS[6:]), lambda g: all(b["group"] != g for b in row["bookings"]))
    seats = rng.randint(2, 12)
    if _trap(i, rng):
        if rng.random() < 0.5:
            row["bookings"].append({"group": group, "seats": rng.randint(4, 20), "cancelled": False})
        else:
            seats = _left(row) + rng.randint(1, 6)
    return {"seats": seats, "group": group, "show": show, "time": time, "wording": _wording(rng, i, 2)}


def _why_not_book(p: Params, bookings: list[dict], left: int) -> str:
    if any(b["group"] == p["group"] and not b["cancelled"] for b in bookings):
        return "already booked"
    if p["seats"] > left:
        return "not enough seats"
    return ""


def _book_seats(s: State, a: dict) -> dict:
    row = s.get("h18b_dome", {}).get(f"{a['show']} {a['time']}")
    if row is None:
        raise ToolFail(f"no {a['show']} show at {a['time']}")
    row["bookings"].append({"group": str(a["group"]), "seats": int(a["seats"]), "cancelled": False})
    return {"show": row["show"], "time": row["time"], "group": a["group"], "seats": int(a["seats"]), "status": "booked"}


def _dome_book_b(p: Params, b: State) -> tuple[str, dict]:
    row = b["h18b_dome"][f"{p['show']} {p['time']}"]
    return _why_not_book(p, row["bookings"], _left(row)), row


def _dome_book_expect(p: Params, b: State) -> dict:
    why, row = _dome_book_b(p, b)
    if why:
        return {}
    new = {"group": p["group"], "seats": p["seats"], "cancelled": False}
    return {"h18b_dome": {f"{p['show']} {p['time']}": {**row, "bookings": [*row["bookings"], new]}}}


def _dome_book_answer(p: Params, b: State) -> list:
    why, row = _dome_book_b(p, b)
    return ["booked", _left(row) - p["seats"]] if not why else [why]


def _dome_book_summary(p: Params, r: dict) -> str:
    left = _left_r(r)
    why = _why_not_book(p, _bookings_r(r["h18b_dome_bookings"]), left)
    if why == "already booked":
        return f"{p['group']} is already booked for {p['show']} at {p['time']}: nothing added."
    if why:
        return f"Not booked: not enough seats for {p['show']} at {p['time']} ({left} left, {p['seats']} asked)."
    return f"Booked {p['seats']} seats for {p['group']} at {p['show']} {p['time']}; {left - p['seats']} left."


dome_book = Family(
    name="h18b_dome_book",
    templates=[
        "Book {seats} seats for {group} at the {time} {show} show",
        "Reserve {seats} planetarium seats for {group}: {show} at {time}",
    ],
    fields={"seats": INT, "group": _one_of(GROUPS), "show": _one_of(SHOWS), "time": _one_of(TIMES)},
    sample=sample_dome_book,
    plan=[
        Step("h18b_dome", lambda p, r: {"show": p["show"], "time": p["time"]}, group="d"),
        Step("h18b_dome_bookings", lambda p, r: {"show": p["show"], "time": p["time"]}, group="d"),
        Step(
            "h18b_book_seats",
            lambda p, r: {"show": p["show"], "time": p["time"], "group": p["group"], "seats": p["seats"]},
            when=lambda p, r: _why_not_book(p, _bookings_r(r["h18b_dome_bookings"]), _left_r(r)) == "",
        ),
    ],
    expect=_dome_book_expect,
    answer=_dome_book_answer,
    summary=_dome_book_summary,
)


# ======================================== 6. locksmith: exact holder on the register; 10% off from 3 copies
HOLDERS = [
    "John Smith",
    "Ana Lopes",
    "Bruno Ferreira",
    "Mary-Kate Doyle",
    "Ahmed Khan",
    "Sofie Jensen",
    "Li Na",
    "Patrick O'Hara",
    "Grete Olsen",
    "Marco Bianchi",
]
NEAR = {
    "John Smith": "Jon Smith",
    "Ana Lopes": "Ana López",
    "Bruno Ferreira": "Bruno Pereira",
    "Mary-Kate Doyle": "Mary Kate Doyle",
    "Ahmed Khan": "Ahmad Khan",
    "Sofie Jensen": "Sophie Jensen",
    "Li Na": "Li Nan",
    "Patrick O'Hara": "Patrick O'Hare",
    "Grete Olsen": "Greta Olsen",
    "Marco Bianchi": "Mario Bianchi",
}
KSITES = ["Harbour Works", "St Clement's Hall", "Unit 7 Ferry Road", "Bruno's Deli", "Castle Mews"]


def _key_id(rng: random.Random) -> str:
    k = rng.randrange(4)
    return [
        f"R-{rng.randint(10, 99)}",
        f"MK{rng.randint(1000, 9999)}",
        f"UL-{rng.randint(1, 9)}-SEC",
        f"K{rng.randint(1, 9)}",
    ][k]


def sample_keys(rng: random.Random, w: State, i: int) -> Params:
    taken = h18._PICKED.setdefault((id(w), "h18b_keys"), set())
    key = _until(rng, _key_id, lambda v: v not in taken)
    taken.add(key)
    holders = rng.sample(HOLDERS, 3)
    person = holders[0]
    trap = _trap(i, rng)
    asked = NEAR[person] if trap and rng.random() < 0.6 else person
    rng.shuffle(holders)
    w.setdefault("h18b_keys", {})[key] = {
        "key": key,
        "site": rng.choice(KSITES),
        "holders": holders,
        "price": rng.choice([6.5, 7.25, 8.9, 12.4, 15.75]),
    }
    copies = rng.randint(1, 2) if i < 4 else rng.randint(1, 5)
    return {"copies": copies, "key": key, "person": asked, "wording": _wording(rng, i, 2)}


def _register_text(s: State, a: dict) -> str:
    row = s.get("h18b_keys", {}).get(str(a["key"]))
    if row is None:
        raise ToolFail(f"no key {a['key']}")
    return f"Key {row['key']} (restricted, {row['site']}): authorised holders: {', '.join(row['holders'])}."


def _holders_r(text: str) -> list[str]:
    return text.split("authorised holders: ", 1)[1].rstrip(".").split(", ")


def _total(copies: int, price: float) -> float:
    return _money(copies * price * (0.9 if copies >= 3 else 1.0))


def _cut(s: State, a: dict) -> dict:
    row = s.get("h18b_keys", {}).get(str(a["key"]))
    if row is None:
        raise ToolFail(f"no key {a['key']}")
    rec = {"key": row["key"], "person": str(a["person"]), "copies": int(a["copies"]), "total": float(a["total"])}
    s.setdefault("h18b_cuts", []).append(rec)
    return {**rec, "status": "cut"}


keys = Family(
    name="h18b_keys",
    templates=[
        "Cut {copies} copies of key {key} for {person}",
        "{person} wants {copies} copies of restricted key {key}",
    ],
    fields={
        "copies": INT,
        "key": Field(r"R-\d{2}|MK\d{4}|UL-\d-SEC|K\d"),
        "person": _one_of(HOLDERS + list(NEAR.values())),
    },
    sample=sample_keys,
    plan=[
        Step("h18b_key_register", lambda p, r: {"key": p["key"]}, group="k"),
        Step("h18b_key_price", lambda p, r: {"key": p["key"]}, group="k"),
        Step(
            "h18b_cut_keys",
            lambda p, r: {
                "key": p["key"],
                "person": p["person"],
                "copies": p["copies"],
                "total": _total(p["copies"], r["h18b_key_price"]["price_per_copy"]),
            },
            when=lambda p, r: p["person"] in _holders_r(r["h18b_key_register"]),
        ),
    ],
    expect=lambda p, b: (
        {
            "h18b_cuts": [
                {
                    "key": p["key"],
                    "person": p["person"],
                    "copies": p["copies"],
                    "total": _total(p["copies"], b["h18b_keys"][p["key"]]["price"]),
                }
            ]
        }
        if p["person"] in b["h18b_keys"][p["key"]]["holders"]
        else {}
    ),
    answer=lambda p, b: (
        ["cut", _total(p["copies"], b["h18b_keys"][p["key"]]["price"])]
        if p["person"] in b["h18b_keys"][p["key"]]["holders"]
        else ["not authorised"]
    ),
    summary=lambda p, r: (
        f"Cut {p['copies']} copies of {p['key']} for {p['person']}: "
        f"{_total(p['copies'], r['h18b_key_price']['price_per_copy']):.2f} EUR."
        if "h18b_cut_keys" in r
        else f"{p['person']} is not authorised on key {p['key']}: nothing cut."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool("h18b_horse", "A horse's stable record (plain text).", {"horse": str}, _horse_text),
        Tool("h18b_book_farrier", "Book the farrier's next visit for a horse.", {"horse": str}, _book_farrier),
        Tool("h18b_scaffold_tags", "The scaffold tags of a site (plain text).", {"site": str}, _tags_text),
        Tool(
            "h18b_request_inspection",
            "Request a re-inspection of one scaffold tag.",
            {"site": str, "tag": str},
            _request,
        ),
        Tool("h18b_flue_test", "A property's chimney flue test of a year.", {"property": str, "year": int}, _flue),
        Tool(
            "h18b_certify",
            "Issue a property's chimney certificate with this year's draught in Pa.",
            {"property": str, "draught_pa": float},
            _certify,
        ),
        Tool("h18b_dome", "A planetarium show's dome and capacity.", {"show": str, "time": str}, _dome),
        Tool(
            "h18b_dome_bookings",
            "A planetarium show's bookings (plain text).",
            {"show": str, "time": str},
            _bookings_text,
        ),
        Tool(
            "h18b_book_seats",
            "Book seats for a group at a planetarium show.",
            {"show": str, "time": str, "group": str, "seats": int},
            _book_seats,
        ),
        Tool("h18b_key_register", "A restricted key's register (plain text).", {"key": str}, _register_text),
        Tool(
            "h18b_key_price",
            "The price of one copy of a key (EUR).",
            {"key": str},
            lambda s, a: {
                "key": a["key"],
                "price_per_copy": s.get("h18b_keys", {}).get(str(a["key"]), {}).get("price", 0.0),
            },
        ),
        Tool(
            "h18b_cut_keys",
            "Cut copies of a restricted key for a holder, with the total price in EUR.",
            {"key": str, "person": str, "copies": int, "total": float},
            _cut,
        ),
    ]
}

FAMILIES = [farrier, scaffold, chimney, dome_seats, dome_book, keys]
