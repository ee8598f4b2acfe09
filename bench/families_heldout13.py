"""Held-out probe families, round T (issue 9): answers, texts, lists, dates.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h13_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout13.py --goals 8 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used: an
orchestra (a head count summed over a score's sections, optional parts not counted; adding players
to a section under a stage limit of 16, which changes later head counts), a newsroom (a plain-text
correction status: "approved" / "approved with conditions" / "not yet approved"), lifts (days since
the last inspection, dates in three formats in goals and records, out of service past 365 days; a
plain-text list of the lifts that are down, which the inspections change), archive digitisation (a
percentage of pages scanned, withdrawn boxes not counted; marking a box scanned changes the
percentage, a repeat finds it already scanned), a sawmill (cubic metres from mm and m, reject pieces
not shipped), toll plazas (a percentage change between two months in three formats; a partial month
is not comparable), a stamp auction (the only lot matching a country and a year, near misses, a
withdrawn match), a hotel laundry (an average over the last n days, closed days left out), and piano
tuning (the earliest slot, a certified tuner for a concert grand; a booking removes the slot).
Accented and multi-word names throughout; several wordings per family. Every oracle applies a hidden
rule; the first four goals of a family never cross it, later goals sometimes do.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sys
from collections.abc import Callable
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
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h13_score": READ,
    "h13_add_players": WRITE,
    "h13_correction_status": READ,
    "h13_publish_correction": WRITE,
    "h13_lift": READ,
    "h13_take_lift_out_of_service": IDEMPOTENT,
    "h13_building_lifts": READ,
    "h13_collection": READ,
    "h13_mark_box_scanned": IDEMPOTENT,
    "h13_sawmill_order": READ,
    "h13_plaza_traffic": READ,
    "h13_auction_lots": READ,
    "h13_linen_log": READ,
    "h13_venue": READ,
    "h13_tuner_slots": READ,
    "h13_book_tuning": WRITE,
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

    if getattr(Server.add_tool, "_h13_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h13_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(10000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


# sampler memory that must not become world data (one workload per process and seed)
_PICKED: dict[tuple[int, str], set] = {}


def _picked(w: State, what: str) -> set:
    return _PICKED.setdefault((id(w), what), set())


BASE = dt.date(2026, 12, 3)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def fmt_date(d: dt.date, style: int) -> str:
    """0: 2026-12-03; 1: 3 December 2026; 2: 03/12/2026 (day first); 3: 3 Dec 2026."""
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == 2:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}"


def parse_date(text: str) -> dt.date:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    day, month, year = text.split()
    idx = next(k for k, name in enumerate(MONTHS) if name.startswith(month[:3]))
    return dt.date(int(year), idx + 1, int(day))


DATE = Field(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|\d{1,2} [A-Z][a-z]+ \d{4}")


# ======================================== 1-2. orchestra: a head count over a score's sections (optional parts
# are not booked); adding players to a section, at most 16 in a section on the stage
WORKS = [
    "Dvořák Serenade",
    "Fauré Requiem",
    "Janáček Sinfonietta",
    "Saint-Saëns Organ Symphony",
    "Górecki Third Symphony",
    "Brahms Double Concerto",
]
SECTIONS = [
    "first violins",
    "second violins",
    "violas",
    "cellos",
    "double basses",
    "flutes",
    "oboes",
    "clarinets",
    "bassoons",
    "horns",
    "trumpets",
    "trombones",
    "timpani",
    "harps",
]


def _seed_scores(rng: random.Random, w: State) -> None:
    if "h13_scores" in w:
        return
    optional = set(rng.sample(WORKS, 2))
    for work in WORKS:
        k = rng.randint(4, 8)
        parts = [
            {"section": s, "players": rng.randint(2, 10), "optional": False}
            for s in sorted(rng.sample(SECTIONS, k), key=SECTIONS.index)
        ]
        if work in optional:
            extra = [s for s in SECTIONS if s not in {p["section"] for p in parts}]
            for s in rng.sample(extra, rng.randint(1, 2)):
                parts.append({"section": s, "players": rng.randint(1, 4), "optional": True})
        w.setdefault("h13_scores", {})[work] = {
            "work": work,
            "duration_min": rng.randint(18, 75),
            "parts": parts,
        }


def _has_optional(w: State, work: str) -> bool:
    return any(p["optional"] for p in w["h13_scores"][work]["parts"])


def sample_headcount(rng: random.Random, w: State, i: int) -> Params:
    _seed_scores(rng, w)
    plain = [x for x in WORKS if not _has_optional(w, x)]
    opt = [x for x in WORKS if _has_optional(w, x)]
    work = rng.choice(opt if _trap(i, rng) else plain)
    return {"work": work, "wording": _wording(rng, i, 3)}


def _needed(row: dict) -> int:
    return sum(p["players"] for p in row["parts"] if not p["optional"])


headcount = Family(
    name="h13_headcount",
    templates=[
        "How many musicians does the {work} need?",
        "What is the head count for the {work}?",
        "How many players must we book for the {work}?",
    ],
    fields={"work": _one_of(WORKS)},
    sample=sample_headcount,
    plan=[Step("h13_score", lambda p, r: {"work": p["work"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_needed(b["h13_scores"][p["work"]])],
    summary=lambda p, r: f"The {p['work']} needs {_needed(r['h13_score'])} musicians.",
)


def sample_add_players(rng: random.Random, w: State, i: int) -> Params:
    _seed_scores(rng, w)
    work = rng.choice(WORKS)
    parts = [p for p in w["h13_scores"][work]["parts"] if not p["optional"]]
    if _trap(i, rng):
        part = rng.choice(parts)
        n = rng.randint(17 - part["players"], 22 - part["players"])
    else:
        part = min(parts, key=lambda p: (p["players"], p["section"]))
        n = rng.randint(1, 2)
    return {"n": n, "section": part["section"], "work": work, "wording": _wording(rng, i, 2)}


def _part(row: dict, section: str) -> dict:
    return next(p for p in row["parts"] if p["section"] == section)


def _room(p: Params, row: dict) -> bool:
    return _part(row, p["section"])["players"] + p["n"] <= 16


def _add_players(s: State, a: dict) -> dict:
    row = s.get("h13_scores", {}).get(a["work"])
    if row is None:
        raise ToolFail(f"no score for {a['work']}")
    part = next((p for p in row["parts"] if p["section"] == a["section"]), None)
    if part is None:
        raise ToolFail(f"the {a['work']} has no {a['section']} part")
    part["players"] += a["n"]
    return {"work": a["work"], "section": a["section"], "players": part["players"], "status": "added"}


def _add_expect(p: Params, b: State) -> dict:
    row = b["h13_scores"][p["work"]]
    if not _room(p, row):
        return {}
    parts = [{**q, "players": q["players"] + p["n"]} if q["section"] == p["section"] else q for q in row["parts"]]
    return {"h13_scores": {p["work"]: {**row, "parts": parts}}}


add_players = Family(
    name="h13_add_players",
    templates=[
        "Add {n} {section} to the {work} roster",
        "Book {n} more {section} for the {work}",
    ],
    fields={"n": INT, "section": _one_of(SECTIONS), "work": _one_of(WORKS)},
    sample=sample_add_players,
    plan=[
        Step("h13_score", lambda p, r: {"work": p["work"]}),
        Step(
            "h13_add_players",
            lambda p, r: {"work": p["work"], "section": p["section"], "n": p["n"]},
            when=lambda p, r: _room(p, r["h13_score"]),
        ),
    ],
    expect=_add_expect,
    answer=lambda p, b: (
        ["added", _part(b["h13_scores"][p["work"]], p["section"])["players"] + p["n"]]
        if _room(p, b["h13_scores"][p["work"]])
        else ["no room"]
    ),
    summary=lambda p, r: (
        f"Added {p['n']} {p['section']} to the {p['work']}: the section now has "
        f"{_part(r['h13_score'], p['section'])['players'] + p['n']} players."
        if "h13_add_players" in r
        else f"No room: {p['n']} more {p['section']} would put "
        f"{_part(r['h13_score'], p['section'])['players'] + p['n']} players in the section, over the stage "
        "limit of 16."
    ),
)


# ======================================== 3. newsroom: publish a correction only when its status is plainly "approved"
STORY_A = ["Café", "Harbour", "Müller", "Señora Ortiz", "Riverside", "Crèche", "Łódź"]
STORY_B = ["Licences", "Fares", "Budget", "Closures", "Inquiry", "Strike", "Floods", "Audit"]
STORIES = [f"{a} {b}" for a in STORY_A for b in STORY_B]
EDITORS = ["Renée Castillo", "Jürgen Haas", "Aoife Ní Bhriain", "Tomás Ferreira"]
OK_STATUS = ["approved", "approved by the standards editor"]
NOT_OK = {
    "approved with conditions (legal to reword the headline first)": "conditions",
    "not yet approved (awaiting the reporter's notes)": "not yet approved",
    "approval withdrawn by the managing editor": "withdrawn",
}


def _correction_status(s: State, a: dict) -> str:
    row = s.get("h13_corrections", {}).get(a["story"])
    if row is None:
        raise ToolFail(f"no correction filed for {a['story']}")
    return (
        f'Correction {row["ref"]} to the story "{a["story"]}" ({row["desk"]} desk), filed {row["filed"]} by '
        f"{row['editor']}. Status: {row['status']}."
    )


def sample_correction(rng: random.Random, w: State, i: int) -> Params:
    story = _until(rng, lambda r: r.choice(STORIES), lambda s: s not in w.get("h13_corrections", {}))
    status = rng.choice(sorted(NOT_OK)) if _trap(i, rng) else rng.choice(OK_STATUS)
    w.setdefault("h13_corrections", {})[story] = {
        "ref": f"C-{rng.randint(100, 999)}",
        "desk": rng.choice(["Metro", "Business", "Sport", "Culture"]),
        "filed": fmt_date(BASE - dt.timedelta(days=rng.randint(0, 6)), 1),
        "editor": rng.choice(EDITORS),
        "status": status,
    }
    return {"story": story, "wording": _wording(rng, i, 2)}


def _approved(status: str) -> bool:
    return status in OK_STATUS


correction = Family(
    name="h13_correction",
    templates=[
        "Publish the correction to the {story} story",
        "Run the approved correction on the {story} story",
    ],
    fields={"story": _one_of(STORIES)},
    sample=sample_correction,
    plan=[
        Step("h13_correction_status", lambda p, r: {"story": p["story"]}),
        Step(
            "h13_publish_correction",
            lambda p, r: {"story": p["story"]},
            when=lambda p, r: bool(
                re.search(r"Status: approved(?: by the standards editor)?\.$", r["h13_correction_status"])
            ),
        ),
    ],
    expect=lambda p, b: (
        {"h13_published": [{"story": p["story"]}]} if _approved(b["h13_corrections"][p["story"]]["status"]) else {}
    ),
    answer=lambda p, b: (
        ["published"]
        if _approved(b["h13_corrections"][p["story"]]["status"])
        else ["not published", NOT_OK[b["h13_corrections"][p["story"]]["status"]]]
    ),
    summary=lambda p, r: (
        f"The correction to the {p['story']} story is published."
        if "h13_publish_correction" in r
        else f"Not published: the correction to the {p['story']} story is "
        f"{r['h13_correction_status'].split('Status: ')[1].rstrip('.')}."
    ),
)


# ======================================== 4-5. lifts: days since the last inspection (overdue past 365 days: out of
# service); which lifts of a building are out of service (plain text; "under repair" is out of service too)
BUILDINGS = ["Hôtel-Dieu Annex", "Villa Søndergaard", "Torre Almirante", "Maison Lefèvre", "Kaiserhof Mitte"]


def _seed_lifts(rng: random.Random, w: State) -> None:
    if "h13_lifts" in w:
        return
    repair = set(rng.sample(BUILDINGS, 2))
    for b in BUILDINGS:
        n = rng.randint(3, 6)
        down = rng.sample(range(1, n + 1), rng.randint(0, 2))
        for u in range(1, n + 1):
            status = "in service"
            if u in down:
                status = "under repair" if b in repair and u == down[0] else "out of service"
            w.setdefault("h13_lifts", {})[f"{b}/L{u}"] = {
                "building": b,
                "unit": f"L{u}",
                "status": status,
                "last_inspection": fmt_date(BASE - dt.timedelta(days=rng.randint(20, 300)), rng.randrange(4)),
                "capacity_kg": rng.choice([630, 800, 1000, 1275]),
            }


def _repair_buildings(w: State) -> set:
    return {r["building"] for r in w["h13_lifts"].values() if r["status"] == "under repair"}


def sample_inspection(rng: random.Random, w: State, i: int) -> Params:
    _seed_lifts(rng, w)
    taken = _picked(w, "lifts")
    free = [k for k, r in sorted(w["h13_lifts"].items()) if r["status"] == "in service" and k not in taken]
    key = rng.choice(free)
    taken.add(key)
    row = w["h13_lifts"][key]
    day = BASE + dt.timedelta(days=rng.randint(-20, 20))
    gap = rng.randint(366, 520) if _trap(i, rng) else rng.randint(30, 350)
    row["last_inspection"] = fmt_date(day - dt.timedelta(days=gap), rng.randrange(4))
    wording = _wording(rng, i, 3)
    return {"unit": row["unit"], "building": row["building"], "date": fmt_date(day, wording), "wording": wording}


def _days_since(p: Params, row: dict) -> int:
    return (parse_date(p["date"]) - parse_date(row["last_inspection"])).days


def _lift_key(p: Params) -> str:
    return f"{p['building']}/{p['unit']}"


def _lift(s: State, a: dict) -> dict:
    row = s.get("h13_lifts", {}).get(f"{a['building']}/{a['unit']}")
    if row is None:
        raise ToolFail(f"no lift {a['unit']} at {a['building']}")
    return row


def _out_of_service(s: State, a: dict) -> dict:
    row = _lift(s, a)
    row["status"] = "out of service"
    return {"building": a["building"], "unit": a["unit"], "status": "out of service"}


def _inspection_expect(p: Params, b: State) -> dict:
    row = b["h13_lifts"][_lift_key(p)]
    if _days_since(p, row) <= 365:
        return {}
    return {"h13_lifts": {_lift_key(p): {**row, "status": "out of service"}}}


inspection = Family(
    name="h13_inspection",
    templates=[
        "Check the inspection of lift {unit} at {building} as of {date}",
        "On {date}, is lift {unit} at {building} overdue for inspection? If so take it out of service",
        "Lift {unit} at {building}: inspection check for {date}",
    ],
    fields={"unit": Field(r"L\d"), "building": _one_of(BUILDINGS), "date": DATE},
    sample=sample_inspection,
    plan=[
        Step("h13_lift", lambda p, r: {"building": p["building"], "unit": p["unit"]}),
        Step(
            "h13_take_lift_out_of_service",
            lambda p, r: {"building": p["building"], "unit": p["unit"]},
            when=lambda p, r: _days_since(p, r["h13_lift"]) > 365,
        ),
    ],
    expect=_inspection_expect,
    answer=lambda p, b: (
        [_days_since(p, b["h13_lifts"][_lift_key(p)]), "overdue", "out of service"]
        if _days_since(p, b["h13_lifts"][_lift_key(p)]) > 365
        else [_days_since(p, b["h13_lifts"][_lift_key(p)]), "in date"]
    ),
    summary=lambda p, r: (
        f"Lift {p['unit']} at {p['building']} was last inspected {_days_since(p, r['h13_lift'])} days before "
        f"{p['date']}: overdue, so it is now out of service."
        if "h13_take_lift_out_of_service" in r
        else f"Lift {p['unit']} at {p['building']} is in date: last inspected {_days_since(p, r['h13_lift'])} "
        f"days before {p['date']}."
    ),
)


def _building_lifts(s: State, a: dict) -> str:
    rows = [r for r in s.get("h13_lifts", {}).values() if r["building"] == a["building"]]
    if not rows:
        raise ToolFail(f"no building {a['building']}")
    lines = [f"{r['unit']} ({r['capacity_kg']} kg): {r['status']}" for r in sorted(rows, key=lambda r: r["unit"])]
    return f"Lift board of {a['building']}, {len(rows)} lifts. " + "; ".join(lines) + "."


def _down(b: State, building: str) -> list[str]:
    return sorted(
        r["unit"] for r in b["h13_lifts"].values() if r["building"] == building and r["status"] != "in service"
    )


def _down_r(text: str) -> list[str]:
    return re.findall(r"(L\d) \(\d+ kg\): (?:out of service|under repair)", text)


def sample_lifts_down(rng: random.Random, w: State, i: int) -> Params:
    _seed_lifts(rng, w)
    repair = _repair_buildings(w)
    pool = sorted(repair) if _trap(i, rng) and repair else [b for b in BUILDINGS if b not in repair]
    return {"building": rng.choice(pool), "wording": _wording(rng, i, 3)}


def _lifts_answer(p: Params, b: State) -> list:
    down = _down(b, p["building"])
    if p.get("wording", 0) == 2:  # "which": the units (a count was not asked)
        return down or ["none"]
    return [len(down)]


lifts_down = Family(
    name="h13_lifts_down",
    templates=[
        "How many lifts at {building} are out of service?",
        "Count the lifts that are down at {building}",
        "Which lifts at {building} are out of service?",
    ],
    fields={"building": _one_of(BUILDINGS)},
    sample=sample_lifts_down,
    plan=[Step("h13_building_lifts", lambda p, r: {"building": p["building"]})],
    expect=lambda p, b: {},
    answer=_lifts_answer,
    summary=lambda p, r: (
        f"{len(_down_r(r['h13_building_lifts']))} lifts out of service at {p['building']}: "
        f"{', '.join(_down_r(r['h13_building_lifts']))}."
        if _down_r(r["h13_building_lifts"])
        else f"None: 0 lifts are out of service at {p['building']}, every lift is in service."
    ),
)


# ======================================== 6-7. archive digitisation: the percentage of pages scanned (withdrawn boxes
# count in neither total); marking a box scanned (a withdrawn box cannot be, a scanned one already is)
COLLECTIONS = ["Fonds Dupré", "Łódź Letters", "Harbour Board Minutes", "São Paulo Photographs", "Müller Family Papers"]


def _seed_collections(rng: random.Random, w: State) -> None:
    if "h13_collections" in w:
        return
    withdrawn = set(rng.sample(COLLECTIONS, 2))
    for c in COLLECTIONS:
        boxes = []
        for k in range(rng.randint(5, 9)):
            boxes.append(
                {
                    "box": f"B-{100 + 7 * k + rng.randint(0, 6)}",
                    "pages": rng.randint(40, 900),
                    "scanned": rng.random() < 0.4,
                    "withdrawn": False,
                }
            )
        if c in withdrawn:
            for bx in rng.sample([x for x in boxes if not x["scanned"]] or boxes, 1):
                bx["withdrawn"], bx["scanned"] = True, False
        w.setdefault("h13_collections", {})[c] = {"collection": c, "repository": "Stadtarchiv", "boxes": boxes}


def _has_withdrawn(w: State, c: str) -> bool:
    return any(x["withdrawn"] for x in w["h13_collections"][c]["boxes"])


def _share(row: dict) -> float:
    boxes = [x for x in row["boxes"] if not x["withdrawn"]]
    total = sum(x["pages"] for x in boxes)
    return round_half_up(100 * sum(x["pages"] for x in boxes if x["scanned"]) / total, 1)


def sample_share(rng: random.Random, w: State, i: int) -> Params:
    _seed_collections(rng, w)
    trap = _trap(i, rng)
    pool = [c for c in COLLECTIONS if _has_withdrawn(w, c) == trap]
    return {"collection": rng.choice(pool), "wording": _wording(rng, i, 3)}


share = Family(
    name="h13_share",
    templates=[
        "What share of the {collection} collection is digitised?",
        "How far along is the digitisation of the {collection} collection, in percent?",
        "Percentage of pages of the {collection} collection scanned so far?",
    ],
    fields={"collection": _one_of(COLLECTIONS)},
    sample=sample_share,
    plan=[Step("h13_collection", lambda p, r: {"collection": p["collection"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_share(b["h13_collections"][p["collection"]])],
    summary=lambda p, r: f"{_share(r['h13_collection'])}% of the {p['collection']} collection is digitised.",
)


def sample_scan(rng: random.Random, w: State, i: int) -> Params:
    _seed_collections(rng, w)
    taken = _picked(w, "boxes")
    want_withdrawn = _trap(i, rng)
    cands = [
        (c, x["box"])
        for c in COLLECTIONS
        for x in w["h13_collections"][c]["boxes"]
        if not x["scanned"] and x["withdrawn"] == want_withdrawn and (c, x["box"]) not in taken
    ]
    if not cands:  # only a few boxes are withdrawn
        cands = [
            (c, x["box"])
            for c in COLLECTIONS
            for x in w["h13_collections"][c]["boxes"]
            if not x["scanned"] and not x["withdrawn"] and (c, x["box"]) not in taken
        ]
    c, box = rng.choice(cands)
    taken.add((c, box))
    return {"box": box, "collection": c, "wording": _wording(rng, i, 2)}


def _box(row: dict, box: str) -> dict:
    return next(x for x in row["boxes"] if x["box"] == box)


def _mark_scanned(s: State, a: dict) -> dict:
    row = s.get("h13_collections", {}).get(a["collection"])
    if row is None:
        raise ToolFail(f"no collection {a['collection']}")
    bx = next((x for x in row["boxes"] if x["box"] == a["box"]), None)
    if bx is None:
        raise ToolFail(f"no box {a['box']} in {a['collection']}")
    bx["scanned"] = True
    return {"collection": a["collection"], "box": a["box"], "status": "scanned"}


def _scan_ok(p: Params, row: dict) -> bool:
    bx = _box(row, p["box"])
    return not bx["withdrawn"] and not bx["scanned"]


def _after_scan(p: Params, row: dict) -> dict:
    return {**row, "boxes": [{**x, "scanned": True} if x["box"] == p["box"] else x for x in row["boxes"]]}


def _scan_answer(p: Params, b: State) -> list:
    row = b["h13_collections"][p["collection"]]
    bx = _box(row, p["box"])
    if bx["withdrawn"]:
        return ["withdrawn"]
    if bx["scanned"]:
        return ["already scanned"]
    return ["scanned", _share(_after_scan(p, row))]


scan = Family(
    name="h13_scan",
    templates=[
        "Mark box {box} of the {collection} collection as scanned",
        "Box {box} of {collection} has been digitised: record it",
    ],
    fields={"box": Field(r"B-\d{3}"), "collection": _one_of(COLLECTIONS)},
    sample=sample_scan,
    plan=[
        Step("h13_collection", lambda p, r: {"collection": p["collection"]}),
        Step(
            "h13_mark_box_scanned",
            lambda p, r: {"collection": p["collection"], "box": p["box"]},
            when=lambda p, r: _scan_ok(p, r["h13_collection"]),
        ),
    ],
    expect=lambda p, b: (
        {"h13_collections": {p["collection"]: _after_scan(p, b["h13_collections"][p["collection"]])}}
        if _scan_ok(p, b["h13_collections"][p["collection"]])
        else {}
    ),
    answer=_scan_answer,
    summary=lambda p, r: (
        f"Box {p['box']} of the {p['collection']} collection is marked as scanned; the collection is now "
        f"{_share(_after_scan(p, r['h13_collection']))}% digitised."
        if "h13_mark_box_scanned" in r
        else f"Box {p['box']} of the {p['collection']} collection was not marked: it is "
        f"{'withdrawn' if _box(r['h13_collection'], p['box'])['withdrawn'] else 'already scanned'}."
    ),
)


# ======================================== 8. sawmill: cubic metres of an order (mm and m), reject pieces do not ship
GRADES = ["C16", "C24", "C30"]


def _volume(row: dict) -> float:
    v = sum(
        x["count"] * x["length_m"] * x["width_mm"] * x["thickness_mm"] / 1e6
        for x in row["pieces"]
        if x["grade"] != "reject"
    )
    return round_half_up(v, 3)


def _raw_volume(row: dict) -> float:
    return sum(
        x["count"] * x["length_m"] * x["width_mm"] * x["thickness_mm"] / 1e6
        for x in row["pieces"]
        if x["grade"] != "reject"
    )


def sample_timber(rng: random.Random, w: State, i: int) -> Params:
    order = _until(rng, lambda r: f"SO-{r.randint(1000, 9999)}", lambda o: o not in w.get("h13_orders", {}))
    trap = _trap(i, rng)

    def make(r: random.Random) -> dict:
        pieces = [
            {
                "count": r.randint(2, 60),
                "length_m": r.choice([2.4, 3.0, 3.6, 4.2, 4.8, 5.4]),
                "width_mm": r.choice([75, 100, 125, 150, 200, 225]),
                "thickness_mm": r.choice([22, 38, 47, 63, 75]),
                "grade": r.choice(GRADES),
            }
            for _ in range(r.randint(2, 6))
        ]
        if trap:
            pieces[r.randrange(len(pieces))]["grade"] = "reject"
        return {
            "order": order,
            "customer": r.choice(["Holzbau Kärnten", "Ébénisterie Roy", "Søren Tømrer"]),
            "pieces": pieces,
        }

    row = _until(rng, make, lambda x: not is_tie(_raw_volume(x), 3))
    w.setdefault("h13_orders", {})[order] = row
    return {"order": order, "wording": _wording(rng, i, 3)}


timber = Family(
    name="h13_timber",
    templates=[
        "How many cubic metres of timber are in order {order}?",
        "What volume in m3 does sawmill order {order} ship?",
        "Order {order}: total timber volume in cubic metres?",
    ],
    fields={"order": Field(r"SO-\d{4}")},
    sample=sample_timber,
    plan=[Step("h13_sawmill_order", lambda p, r: {"order": p["order"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_volume(b["h13_orders"][p["order"]])],
    summary=lambda p, r: f"Order {p['order']} ships {_volume(r['h13_sawmill_order'])} cubic metres of timber.",
)


# ======================================== 9. toll plazas: the percentage change between two months; a month with the
# plaza partly closed is not comparable
PLAZAS = ["Col du Fréjus", "Puente Ñandú", "Øresund East", "Saint-Rémy North", "Brennero Süd"]
MONTH_KEYS = [f"2026-{m:02d}" for m in range(1, 12)]


def fmt_month(key: str, style: int) -> str:
    y, m = key.split("-")
    if style == 0:
        return key
    if style == 1:
        return f"{MONTHS[int(m) - 1]} {y}"
    return f"{MONTHS[int(m) - 1][:3]} {y}"


def parse_month(text: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text
    name, y = text.split()
    return f"{y}-{next(k for k, n in enumerate(MONTHS) if n.startswith(name[:3])) + 1:02d}"


def _seed_plazas(rng: random.Random, w: State) -> None:
    if "h13_plazas" in w:
        return
    for pl in PLAZAS:
        base = rng.randint(80000, 600000)
        months = {k: {"vehicles": int(base * rng.uniform(0.7, 1.3)), "partial": False} for k in MONTH_KEYS}
        for k in rng.sample(MONTH_KEYS[6:], 1):
            months[k]["partial"] = True
            months[k]["note"] = "plaza partly closed for works"
        w.setdefault("h13_plazas", {})[pl] = {"plaza": pl, "operator": "Autostrade Nord", "months": months}


def _pct(row: dict, m1: str, m2: str) -> float | None:
    a, b = row["months"][m1], row["months"][m2]
    if a["partial"] or b["partial"]:
        return None
    return round_half_up(100 * (b["vehicles"] - a["vehicles"]) / a["vehicles"], 1)


def sample_toll(rng: random.Random, w: State, i: int) -> Params:
    _seed_plazas(rng, w)
    trap = _trap(i, rng)

    def make(r: random.Random) -> tuple:
        pl = r.choice(PLAZAS)
        m1, m2 = sorted(r.sample(MONTH_KEYS if i >= 4 else MONTH_KEYS[:6], 2))
        return pl, m1, m2

    def ok(v: tuple) -> bool:
        row = w["h13_plazas"][v[0]]
        p = _pct(row, v[1], v[2])
        if p is None:
            return trap
        a, b = row["months"][v[1]]["vehicles"], row["months"][v[2]]["vehicles"]
        return not trap and not is_tie(abs(100 * (b - a) / a), 1) and abs(p) >= 0.1

    pl, m1, m2 = _until(rng, make, ok)
    style = _wording(rng, i, 3)
    return {"plaza": pl, "m1": fmt_month(m1, style), "m2": fmt_month(m2, style), "wording": rng.randrange(2)}


def _toll_answer(p: Params, b: State) -> list:
    v = _pct(b["h13_plazas"][p["plaza"]], parse_month(p["m1"]), parse_month(p["m2"]))
    if v is None:
        return ["not comparable"]
    return [abs(v), "increase" if v > 0 else "decrease"]


def _toll_summary(p: Params, r: dict) -> str:
    v = _pct(r["h13_plaza_traffic"], parse_month(p["m1"]), parse_month(p["m2"]))
    if v is None:
        return (
            f"Not comparable: {p['plaza']} was partly closed for works in {p['m1']} or {p['m2']}, so the "
            "traffic counts cannot be compared."
        )
    word = "increase" if v > 0 else "decrease"
    return (
        f"Traffic at {p['plaza']} changed by {abs(v)}% from {p['m1']} to {p['m2']} (an {word})."
        if v > 0
        else (f"Traffic at {p['plaza']} fell by {abs(v)}% from {p['m1']} to {p['m2']} (a {word}).")
    )


MONTH = Field(r"\d{4}-\d{2}|[A-Z][a-z]+ \d{4}")
toll = Family(
    name="h13_toll",
    templates=[
        "By how much did traffic at the {plaza} toll plaza change from {m1} to {m2}, in percent?",
        "Percentage change in vehicles through {plaza} between {m1} and {m2}?",
    ],
    fields={"plaza": _one_of(PLAZAS), "m1": MONTH, "m2": MONTH},
    sample=sample_toll,
    plan=[Step("h13_plaza_traffic", lambda p, r: {"plaza": p["plaza"]})],
    expect=lambda p, b: {},
    answer=_toll_answer,
    summary=_toll_summary,
)


# ======================================== 10. stamp auction: the only lot of a country and year; a withdrawn match
SALES = ["Genève Spring", "Köln Classic", "Lisboa Autumn", "Malmö Winter"]
COUNTRIES = ["Réunion", "Curaçao", "Côte d'Ivoire", "São Tomé", "Ísland", "Österreich"]


def sample_stamp(rng: random.Random, w: State, i: int) -> Params:
    sale = rng.choice(SALES)
    sales = w.setdefault("h13_sales", {})
    row = sales.setdefault(sale, {"sale": sale, "date": fmt_date(BASE + dt.timedelta(days=20), 1), "lots": []})
    lots = row["lots"]
    used = {(x["country"], x["year"]) for x in lots}
    country, year = _until(
        rng,
        lambda r: (r.choice(COUNTRIES), r.randint(1850, 1935)),
        lambda v: v not in used and (v[0], v[1] + 1) not in used and (v[0], v[1] - 1) not in used,
    )
    nums = {x["lot"] for x in lots}

    def lot_no() -> int:
        return _until(rng, lambda r: r.randint(100, 999), lambda n: n not in nums and not nums.add(n))

    status = "withdrawn" if _trap(i, rng) else "on offer"
    new = [
        {
            "lot": lot_no(),
            "country": country,
            "year": year,
            "description": "mint, original gum",
            "estimate_eur": rng.randrange(80, 4000, 10),
            "status": status,
        }
    ]
    new.append(
        {
            "lot": lot_no(),
            "country": country,
            "year": year + rng.choice([-1, 1]),
            "description": "used",
            "estimate_eur": rng.randrange(80, 4000, 10),
            "status": "on offer",
        }
    )
    other = rng.choice([c for c in COUNTRIES if c != country])
    if (other, year) not in used:
        new.append(
            {
                "lot": lot_no(),
                "country": other,
                "year": year,
                "description": "pair, used",
                "estimate_eur": rng.randrange(80, 4000, 10),
                "status": "on offer",
            }
        )
    lots.extend(new)
    lots.sort(key=lambda x: x["lot"])
    return {"year": year, "country": country, "sale": sale, "wording": _wording(rng, i, 2)}


def _match(row: dict, p: Params) -> dict:
    return next(x for x in row["lots"] if x["country"] == p["country"] and x["year"] == p["year"])


stamp = Family(
    name="h13_stamp",
    templates=[
        "What is the estimate for the {year} {country} stamp in the {sale} sale?",
        "In the {sale} auction, which lot is the {country} stamp of {year}, and what is it estimated at?",
    ],
    fields={"year": INT, "country": _one_of(COUNTRIES), "sale": _one_of(SALES)},
    sample=sample_stamp,
    plan=[Step("h13_auction_lots", lambda p, r: {"sale": p["sale"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: (
        ["withdrawn"]
        if _match(b["h13_sales"][p["sale"]], p)["status"] == "withdrawn"
        else [_match(b["h13_sales"][p["sale"]], p)["lot"], _match(b["h13_sales"][p["sale"]], p)["estimate_eur"]]
    ),
    summary=lambda p, r: (
        f"The {p['year']} {p['country']} stamp (lot {_match(r['h13_auction_lots'], p)['lot']}) has been withdrawn "
        f"from the {p['sale']} sale."
        if _match(r["h13_auction_lots"], p)["status"] == "withdrawn"
        else f"Lot {_match(r['h13_auction_lots'], p)['lot']}, the {p['year']} {p['country']} stamp, is estimated at "
        f"{_match(r['h13_auction_lots'], p)['estimate_eur']} EUR."
    ),
)


# ======================================== 11. hotel laundry: the average daily load over the last n days (closed
# days are left out, not counted as zero)
HOTELS = ["Hôtel du Lac", "Pensión Aurora", "Gasthof Zum Löwen", "Hotel Øst", "Albergo San Marco", "Château Brézé"]


def _avg(row: dict, n: int) -> float:
    days = [d["kg"] for d in row["days"][-n:] if d["kg"] is not None]
    return round_half_up(sum(days) / len(days), 1)


def sample_linen(rng: random.Random, w: State, i: int) -> Params:
    hotel = _until(rng, lambda r: r.choice(HOTELS), lambda h: h not in w.get("h13_linen", {}))
    trap = _trap(i, rng)

    def make(r: random.Random) -> tuple:
        n = r.randint(3, 10)
        days = [
            {"date": fmt_date(BASE - dt.timedelta(days=14 - k), 0), "kg": round(r.uniform(80, 420), 1)}
            for k in range(14)
        ]
        closed = r.randrange(14 - n, 14) if trap else r.randrange(0, 14 - n)
        days[closed] = {**days[closed], "kg": None, "note": "closed"}
        return n, days

    def ok(v: tuple) -> bool:
        n, days = v
        ks = [d["kg"] for d in days[-n:] if d["kg"] is not None]
        return bool(ks) and not is_tie(sum(ks) / len(ks), 1)

    n, days = _until(rng, make, ok)
    w.setdefault("h13_linen", {})[hotel] = {"hotel": hotel, "unit": "kg", "days": days}
    return {"hotel": hotel, "n": n, "wording": _wording(rng, i, 2)}


linen = Family(
    name="h13_linen",
    templates=[
        "What was the average daily linen load at {hotel} over the last {n} days?",
        "Average kg of laundry per day for {hotel}, last {n} days?",
    ],
    fields={"hotel": _one_of(HOTELS), "n": INT},
    sample=sample_linen,
    plan=[Step("h13_linen_log", lambda p, r: {"hotel": p["hotel"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_avg(b["h13_linen"][p["hotel"]], p["n"])],
    summary=lambda p, r: (
        f"{p['hotel']} averaged {_avg(r['h13_linen_log'], p['n'])} kg of linen a day over the last {p['n']} days."
    ),
)


# ======================================== 12. piano tuning: book the earliest slot in the venue's city; a concert
# grand needs a certified tuner; a booking removes the slot
VENUES = {
    "Salle Cortot": ("Paris", "upright"),
    "Café Sperl": ("Wien", "upright"),
    "Kościuszko Hall": ("Kraków", "upright"),
    "Teatro Colón Annex": ("Paris", "concert grand"),
    "Musikverein Studio": ("Wien", "concert grand"),
    "Sala Mozarteum": ("Kraków", "concert grand"),
}
TUNERS = ["Zoë Lefèvre", "Mikołaj Wójcik", "Ingrid Åström", "José María Ruiz", "Anneliese Groß", "Noël Dubois"]


def _seed_tuning(rng: random.Random, w: State) -> None:
    if "h13_venues" in w:
        return
    for v, (city, piano) in VENUES.items():
        w.setdefault("h13_venues", {})[v] = {"venue": v, "city": city, "piano": piano}
    certified = set(rng.sample(TUNERS, 3))
    for city in sorted({c for c, _ in VENUES.values()}):
        days = sorted(rng.sample(range(2, 60), 12))
        w.setdefault("h13_slots", {})[city] = {
            "city": city,
            "slots": [
                {
                    "slot": f"TS-{city[:2].upper()}{100 + d}",
                    "tuner": t,
                    "date": fmt_date(BASE + dt.timedelta(days=d), 0),
                    "price_eur": rng.randrange(90, 260, 5),
                    "concert_certified": t in certified,
                }
                for d in days
                for t in [rng.choice(TUNERS)]
            ],
        }


def sample_tuning(rng: random.Random, w: State, i: int) -> Params:
    _seed_tuning(rng, w)
    piano = "concert grand" if _trap(i, rng) else "upright"
    venue = rng.choice([v for v, (_, kind) in VENUES.items() if kind == piano])
    return {"venue": venue, "wording": _wording(rng, i, 3)}


def _pick(venue: dict, slots: dict) -> dict:
    ok = [s for s in slots["slots"] if venue["piano"] != "concert grand" or s["concert_certified"]]
    return min(ok, key=lambda s: s["date"])


def _book_tuning(s: State, a: dict) -> dict:
    venue = s.get("h13_venues", {}).get(a["venue"])
    if venue is None:
        raise ToolFail(f"no venue {a['venue']}")
    city = s["h13_slots"][venue["city"]]
    slot = next((x for x in city["slots"] if x["slot"] == a["slot"]), None)
    if slot is None:
        raise ToolFail(f"no free slot {a['slot']} in {venue['city']}")
    city["slots"].remove(slot)
    s.setdefault("h13_tunings", []).append({"venue": a["venue"], "slot": a["slot"], "tuner": slot["tuner"]})
    return {"status": "booked", "venue": a["venue"], "slot": a["slot"], "tuner": slot["tuner"], "date": slot["date"]}


def _tuning_expect(p: Params, b: State) -> dict:
    venue = b["h13_venues"][p["venue"]]
    city = b["h13_slots"][venue["city"]]
    slot = _pick(venue, city)
    return {
        "h13_slots": {venue["city"]: {**city, "slots": [x for x in city["slots"] if x["slot"] != slot["slot"]]}},
        "h13_tunings": [{"venue": p["venue"], "slot": slot["slot"], "tuner": slot["tuner"]}],
    }


def _tuning_answer(p: Params, b: State) -> list:
    venue = b["h13_venues"][p["venue"]]
    slot = _pick(venue, b["h13_slots"][venue["city"]])
    return [slot["tuner"], slot["slot"]]


tuning = Family(
    name="h13_tuning",
    templates=[
        "Book the earliest piano tuning for {venue}",
        "Get the piano at {venue} tuned as soon as possible",
        "Schedule the first available tuner for the piano at {venue}",
    ],
    fields={"venue": _one_of(list(VENUES))},
    sample=sample_tuning,
    plan=[
        Step("h13_venue", lambda p, r: {"venue": p["venue"]}),
        Step("h13_tuner_slots", lambda p, r: {"city": r["h13_venue"]["city"]}),
        Step(
            "h13_book_tuning",
            lambda p, r: {"venue": p["venue"], "slot": _pick(r["h13_venue"], r["h13_tuner_slots"])["slot"]},
        ),
    ],
    expect=_tuning_expect,
    answer=_tuning_answer,
    summary=lambda p, r: (
        f"Booked {r['h13_book_tuning']['tuner']} to tune the piano at {p['venue']} on "
        f"{r['h13_book_tuning']['date']} (slot {r['h13_book_tuning']['slot']})."
    ),
)


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h13_score",
            "A work's orchestral score: players per section, optional parts marked.",
            {"work": str},
            _row("h13_scores", "score for", "work"),
        ),
        Tool(
            "h13_add_players",
            "Add players (n) to a section of a work's roster.",
            {"work": str, "section": str, "n": int},
            _add_players,
        ),
        Tool(
            "h13_correction_status",
            "The status of the correction filed to a story (plain text).",
            {"story": str},
            _correction_status,
        ),
        Tool(
            "h13_publish_correction",
            "Publish the correction filed to a story.",
            {"story": str},
            lambda s, a: (
                s.setdefault("h13_published", []).append({"story": a["story"]}),
                {"story": a["story"], "status": "published"},
            )[1],
        ),
        Tool(
            "h13_lift",
            "A lift's record: status, last inspection date, capacity.",
            {"building": str, "unit": str},
            _lift,
        ),
        Tool(
            "h13_take_lift_out_of_service",
            "Take a lift out of service.",
            {"building": str, "unit": str},
            _out_of_service,
        ),
        Tool(
            "h13_building_lifts",
            "The lift board of a building: every lift and its status (plain text).",
            {"building": str},
            _building_lifts,
        ),
        Tool(
            "h13_collection",
            "An archive collection's boxes: pages, scanned or not, withdrawn or not.",
            {"collection": str},
            _row("h13_collections", "collection", "collection"),
        ),
        Tool(
            "h13_mark_box_scanned",
            "Record a box of a collection as scanned.",
            {"collection": str, "box": str},
            _mark_scanned,
        ),
        Tool(
            "h13_sawmill_order",
            "A sawmill order: pieces (count, length m, width mm, thickness mm, grade).",
            {"order": str},
            _row("h13_orders", "order", "order"),
        ),
        Tool(
            "h13_plaza_traffic",
            "Monthly vehicle counts of a toll plaza.",
            {"plaza": str},
            _row("h13_plazas", "plaza", "plaza"),
        ),
        Tool("h13_auction_lots", "The lots of a stamp auction sale.", {"sale": str}, _row("h13_sales", "sale", "sale")),
        Tool(
            "h13_linen_log",
            "A hotel's daily laundry loads (kg) over the last 14 days.",
            {"hotel": str},
            _row("h13_linen", "hotel", "hotel"),
        ),
        Tool("h13_venue", "A venue: its city and its piano.", {"venue": str}, _row("h13_venues", "venue", "venue")),
        Tool("h13_tuner_slots", "Free piano tuning slots in a city.", {"city": str}, _row("h13_slots", "city", "city")),
        Tool("h13_book_tuning", "Book a piano tuning slot for a venue.", {"venue": str, "slot": str}, _book_tuning),
    ]
}

FAMILIES = [headcount, add_players, correction, inspection, lifts_down, share, scan, timber, toll, stamp, linen, tuning]
