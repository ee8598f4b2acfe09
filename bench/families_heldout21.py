"""Held-out probe families, round AH (issue 9, rules 5 and 7): the answers of replays. Read-only questions whose
answer is a value of a plain-text or JSON result, figures computed for the answer (totals, averages, differences,
percentages, counts, rounding), a count vs a listing, "none" answers, answers that depend on a branch (found / not
found, free / none free), answers mixing two reads, dates and durations, multi-word values and possessives.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h21_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout21.py --goals 16 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used:

- h21_blasts     quarry blasting log (plain text): how many blasts in a month and the explosive used in total;
                 a month with no blasts ("none")
- h21_heaviest   the same log: the heaviest blast of the month, its date and charge
- h21_sheet      herbarium sheet: in its cabinet, or on loan to a named institution until a date; "missing"
                 late (a branch the answer depends on)
- h21_fare       tram card journeys (plain text): the average fare (rounded to cents) and the count
- h21_grow       mushroom grow room humidity (JSON) against a strain's band (plain text): below by, within,
                 above by (two reads, a difference)
- h21_fine       court fine: paid late by N days, surcharge per started week; on time; not yet paid (dates)
- h21_organ      church organ tuning: next due date (last tuning + months), the tuner; overdue by N days
- h21_drawers    seed vault drawers holding a species: a listing with its count, or none
- h21_cab        book a wheelchair-accessible cab from a rank (write) or none free; bookings change the world
- h21_planning   planning notice (plain text): the comment deadline and the case officer, or withdrawn
- h21_pawn       pawn ticket (JSON) and the shop's rate (plain text): the redemption amount today, months
                 charged; "already redeemed" late
- h21_relay      relay splits (JSON, seconds) and the club record (plain text, m:ss.xx): total time and the gap

Workloads up to `--goals 16`. The first four goals of a family never cross a branch, later goals sometimes do.
"""

from __future__ import annotations

import datetime as dt
import math
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
INT, NUM = fam.INT, fam.NUM
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h21_blast_log": READ,
    "h21_sheet": READ,
    "h21_tram_card": READ,
    "h21_grow_room": READ,
    "h21_strain_band": READ,
    "h21_fine": READ,
    "h21_organ": READ,
    "h21_vault_drawers": READ,
    "h21_cab_rank": READ,
    "h21_book_cab": WRITE,
    "h21_planning_notice": READ,
    "h21_pledge": READ,
    "h21_pawn_rate": READ,
    "h21_relay_splits": READ,
    "h21_club_record": READ,
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

    if getattr(Server.add_tool, "_h21_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h21_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _late(i: int, rng: random.Random) -> bool:
    """A third status: never before goal 8."""
    return i >= 8 and rng.random() < 0.3


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _get(section: str, key: str, what: str) -> Callable[[State, dict], dict]:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


BASE = dt.date(2026, 12, 4)
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


def _words(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _iso(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ======================================== 1-2. quarry blasting log (plain text)
QUARRIES = ["Hill Top Quarry", "Black Rock Quarry", "Coldstones Quarry", "Ravens Scar Quarry", "Long Hope Quarry"]
LOG_MONTHS = ["August", "September", "October", "November"]


def _seed_blasts(rng: random.Random, w: State) -> None:
    if "h21_blasts" in w:
        return
    for q in QUARRIES:
        for m in LOG_MONTHS:
            k = 0 if rng.random() < 0.15 else rng.randint(1, 5)
            days = sorted(rng.sample(range(1, 29), k))
            rows = [{"day": d, "bench": rng.randint(1, 6), "kg": rng.randint(180, 2400)} for d in days]
            w.setdefault("h21_blasts", {}).setdefault(q, {})[m] = rows


def _blast_text(s: State, a: dict) -> str:
    q, m = str(a["quarry"]), str(a["month"])
    if q not in s.get("h21_blasts", {}):
        raise ToolFail(f"no quarry {q}")
    rows = s["h21_blasts"][q].get(m)
    if rows is None:
        raise ToolFail(f"no log for {m}")
    if not rows:
        return f"Blasting log, {q}, {m} 2026: no blasts recorded."
    parts = [f"{r['day']} {m[:3]}: bench {r['bench']}, {r['kg']:,} kg ANFO" for r in rows]
    return f"Blasting log, {q}, {m} 2026: " + "; ".join(parts) + "."


def _blast_r(text: str) -> list[dict]:
    if "no blasts" in text:
        return []
    out = []
    for part in text.split(" 2026: ", 1)[1].rstrip(".").split("; "):
        m = re.fullmatch(r"(\d+) [A-Z][a-z]+: bench (\d+), ([\d,]+) kg ANFO", part)
        if m is None:
            raise ValueError("blast text")
        out.append({"day": int(m.group(1)), "bench": int(m.group(2)), "kg": int(m.group(3).replace(",", ""))})
    return out


def sample_blasts(rng: random.Random, w: State, i: int) -> Params:
    _seed_blasts(rng, w)
    q = rng.choice(QUARRIES)
    months = [m for m in LOG_MONTHS if (w["h21_blasts"][q][m] or _trap(i, rng))]
    return {"quarry": q, "month": rng.choice(months or LOG_MONTHS), "wording": _wording(rng, i, 3)}


def _blasts_answer(p: Params, b: State) -> list:
    rows = b["h21_blasts"][p["quarry"]][p["month"]]
    if not rows:
        return ["no blasts"]
    return [len(rows), sum(r["kg"] for r in rows)]


def _blasts_summary(p: Params, r: dict) -> str:
    rows = _blast_r(r["h21_blast_log"])
    if not rows:
        return f"{p['quarry']} recorded no blasts in {p['month']}."
    total = sum(x["kg"] for x in rows)
    return f"{p['quarry']} fired {len(rows)} blasts in {p['month']}, using {total:,} kg of ANFO in total."


blasts = Family(
    name="h21_blasts",
    templates=[
        "How many blasts did {quarry} fire in {month}, and how much explosive went into them?",
        "Total explosive used at {quarry} in {month}?",
        "Give me {quarry}'s blast count and ANFO total for {month}",
    ],
    fields={"quarry": _one_of(QUARRIES), "month": _one_of(LOG_MONTHS)},
    sample=sample_blasts,
    plan=[Step("h21_blast_log", lambda p, r: {"quarry": p["quarry"], "month": p["month"]})],
    expect=lambda p, b: {},
    answer=_blasts_answer,
    summary=_blasts_summary,
)


def _heaviest_answer(p: Params, b: State) -> list:
    rows = b["h21_blasts"][p["quarry"]][p["month"]]
    if not rows:
        return ["no blasts"]
    top = max(rows, key=lambda x: (x["kg"], -x["day"]))
    return [top["kg"], f" {top['day']} {p['month']}", f"bench {top['bench']}"]


def _heaviest_summary(p: Params, r: dict) -> str:
    rows = _blast_r(r["h21_blast_log"])
    if not rows:
        return f"There were no blasts at {p['quarry']} in {p['month']}."
    top = max(rows, key=lambda x: (x["kg"], -x["day"]))
    return (
        f"The heaviest blast at {p['quarry']} in {p['month']} was on {top['day']} {p['month']}, "
        f"bench {top['bench']}, with {top['kg']:,} kg of ANFO."
    )


heaviest = Family(
    name="h21_heaviest",
    templates=[
        "What was the heaviest blast at {quarry} in {month}?",
        "Which {month} blast at {quarry} used the most explosive?",
    ],
    fields={"quarry": _one_of(QUARRIES), "month": _one_of(LOG_MONTHS)},
    sample=lambda rng, w, i: {**sample_blasts(rng, w, i), "wording": _wording(rng, i, 2)},
    plan=[Step("h21_blast_log", lambda p, r: {"quarry": p["quarry"], "month": p["month"]})],
    expect=lambda p, b: {},
    answer=_heaviest_answer,
    summary=_heaviest_summary,
)


# ======================================== 3. herbarium sheet: cabinet or on loan (branch)
SHEETS = [f"K{n:06d}" for n in range(412001, 412060, 3)]
INSTITUTIONS = [
    "Royal Botanic Garden Edinburgh",
    "Naturalis Biodiversity Center",
    "Missouri Botanical Garden",
    "Muséum national d'Histoire naturelle",
    "Conservatoire et Jardin botaniques de Genève",
]
TAXA = ["Quercus robur", "Silene acaulis", "Saxifraga oppositifolia", "Dryas octopetala", "Primula scotica"]


def sample_sheet(rng: random.Random, w: State, i: int) -> Params:
    sheet = rng.choice(SHEETS)
    rows = w.setdefault("h21_sheets", {})
    if sheet not in rows:
        if _late(i, rng):
            status = "missing"
        elif i < 4 or not _trap(i, rng):
            status = "on loan"
        else:
            status = "in cabinet"
        row: dict[str, Any] = {"sheet": sheet, "taxon": rng.choice(TAXA), "status": status}
        row["cabinet"] = f"C-{rng.randint(1, 40):02d}"
        if status == "on loan":
            row["borrower"] = rng.choice(INSTITUTIONS)
            row["due"] = (BASE + dt.timedelta(days=rng.randint(10, 200))).isoformat()
        if status == "missing":
            row["reported"] = (BASE - dt.timedelta(days=rng.randint(2, 60))).isoformat()
        rows[sheet] = row
    return {"sheet": sheet, "wording": _wording(rng, i, 2)}


def _sheet_answer(p: Params, b: State) -> list:
    row = b["h21_sheets"][p["sheet"]]
    if row["status"] == "on loan":
        return [row["borrower"], row["due"]]
    if row["status"] == "missing":
        return ["missing", row["reported"]]
    return ["in cabinet", row["cabinet"]]


def _sheet_summary(p: Params, r: dict) -> str:
    row = r["h21_sheet"]
    if row["status"] == "on loan":
        return f"Sheet {p['sheet']} ({row['taxon']}) is on loan to {row['borrower']} until {row['due']}."
    if row["status"] == "missing":
        return f"Sheet {p['sheet']} ({row['taxon']}) is missing: reported on {row['reported']}."
    return f"Sheet {p['sheet']} ({row['taxon']}) is in cabinet {row['cabinet']}."


sheet = Family(
    name="h21_sheet",
    templates=["Where is herbarium sheet {sheet} right now?", "Who has sheet {sheet}, and until when?"],
    fields={"sheet": Field(r"K\d{6}")},
    sample=sample_sheet,
    plan=[Step("h21_sheet", lambda p, r: {"sheet": p["sheet"]})],
    expect=lambda p, b: {},
    answer=_sheet_answer,
    summary=_sheet_summary,
)


# ======================================== 4. tram card: average fare (plain text)
CARDS = [f"TC-{n}" for n in range(4410, 4470, 3)]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
FARES = {"": 2.40, "peak": 3.10, "child": 1.20, "night": 4.05}


def sample_fare(rng: random.Random, w: State, i: int) -> Params:
    card = rng.choice(CARDS)
    rows = w.setdefault("h21_tram", {})
    if card not in rows:
        k = 0 if _late(i, rng) else rng.randint(2, 7)
        kinds = [""] if i < 4 else list(FARES)
        trips = [{"day": rng.choice(DAYS), "kind": rng.choice(kinds)} for _ in range(k)]
        trips.sort(key=lambda t: DAYS.index(t["day"]))
        rows[card] = trips
    return {"card": card, "wording": _wording(rng, i, 2)}


def _tram_text(s: State, a: dict) -> str:
    trips = s.get("h21_tram", {}).get(str(a["card"]))
    if trips is None:
        raise ToolFail(f"no card {a['card']}")
    if not trips:
        return f"Card {a['card']}: no journeys this week."
    parts = [f"{t['day']} {FARES[t['kind']]:.2f}" + (f" ({t['kind']})" if t["kind"] else "") for t in trips]
    return f"Card {a['card']}, journeys this week: " + ", ".join(parts) + "."


def _tram_r(text: str) -> list[float]:
    if "no journeys" in text:
        return []
    return [float(x) for x in re.findall(r"[A-Z][a-z]{2} (\d+\.\d\d)", text)]


def _fare_answer(p: Params, b: State) -> list:
    trips = b["h21_tram"][p["card"]]
    if not trips:
        return ["no journeys"]
    fares = [FARES[t["kind"]] for t in trips]
    return [round_half_up(sum(fares) / len(fares), 2), len(fares)]


def _fare_summary(p: Params, r: dict) -> str:
    fares = _tram_r(r["h21_tram_card"])
    if not fares:
        return f"Card {p['card']} made no journeys this week."
    avg = round_half_up(sum(fares) / len(fares), 2)
    return f"Card {p['card']} made {len(fares)} journeys this week at an average fare of EUR {avg:.2f}."


fare = Family(
    name="h21_fare",
    templates=["What's the average fare on tram card {card} this week?", "Average tram fare for {card} this week"],
    fields={"card": Field(r"TC-\d+")},
    sample=sample_fare,
    plan=[Step("h21_tram_card", lambda p, r: {"card": p["card"]})],
    expect=lambda p, b: {},
    answer=_fare_answer,
    summary=_fare_summary,
)


# ======================================== 5. grow room humidity vs strain band (two reads)
ROOMS = [f"GR-{n}" for n in range(1, 13)]
STRAINS = {"blue oyster": (85, 92), "lion's mane": (88, 95), "shiitake": (80, 88), "king oyster": (84, 90)}


def sample_grow(rng: random.Random, w: State, i: int) -> Params:
    room = rng.choice(ROOMS)
    strain = rng.choice(list(STRAINS))
    lo, hi = STRAINS[strain]
    rows = w.setdefault("h21_rooms", {})
    if room not in rows:
        rows[room] = {"room": room, "humidity_pct": round(rng.uniform(lo - 9, lo - 0.5), 1), "temp_c": 16.5}
        if _trap(i, rng):
            rows[room]["humidity_pct"] = round(rng.uniform(lo, hi + 6), 1)
    return {"room": room, "strain": strain, "wording": _wording(rng, i, 2)}


def _band_text(s: State, a: dict) -> str:
    band = STRAINS.get(str(a["strain"]))
    if band is None:
        raise ToolFail(f"no strain {a['strain']}")
    return f"Fruiting band for {a['strain']}: relative humidity {band[0]}-{band[1]}%, 14-18 C."


def _grow_facts(hum: float, lo: int, hi: int) -> list:
    if hum < lo:
        return ["below", round(lo - hum, 1)]
    if hum > hi:
        return ["above", round(hum - hi, 1)]
    return ["within"]


def _grow_answer(p: Params, b: State) -> list:
    lo, hi = STRAINS[p["strain"]]
    return _grow_facts(b["h21_rooms"][p["room"]]["humidity_pct"], lo, hi)


def _grow_summary(p: Params, r: dict) -> str:
    lo, hi = (int(x) for x in re.search(r"(\d+)-(\d+)%", r["h21_strain_band"]).groups())  # type: ignore[union-attr]
    hum = r["h21_grow_room"]["humidity_pct"]
    f = _grow_facts(hum, lo, hi)
    if f[0] == "within":
        return f"Room {p['room']} is at {hum}% RH, within the {p['strain']} band ({lo}-{hi}%)."
    return f"Room {p['room']} is at {hum}% RH, {f[1]} points {f[0]} the {p['strain']} band ({lo}-{hi}%)."


grow = Family(
    name="h21_grow",
    templates=[
        "Is grow room {room} humid enough for {strain}?",
        "How far off the {strain} humidity band is room {room}?",
    ],
    fields={"room": Field(r"GR-\d+"), "strain": _one_of(list(STRAINS))},
    sample=sample_grow,
    plan=[
        Step("h21_grow_room", lambda p, r: {"room": p["room"]}, group="g"),
        Step("h21_strain_band", lambda p, r: {"strain": p["strain"]}, group="g"),
    ],
    expect=lambda p, b: {},
    answer=_grow_answer,
    summary=_grow_summary,
)


# ======================================== 6. court fine: days late and surcharge (dates)
CASES = [f"FN/{n}" for n in range(2601, 2660, 2)]


def sample_fine(rng: random.Random, w: State, i: int) -> Params:
    case = rng.choice(CASES)
    rows = w.setdefault("h21_fines", {})
    if case not in rows:
        due = BASE - dt.timedelta(days=rng.randint(20, 90))
        late = rng.randint(1, 19)
        paid: dt.date | None = due + dt.timedelta(days=late)
        if _trap(i, rng):
            paid = due - dt.timedelta(days=rng.randint(0, 5))
        if _late(i, rng):
            paid = None
        rows[case] = {
            "case": case,
            "amount_eur": rng.choice([60, 80, 100, 150, 250]),
            "due": due.isoformat(),
            "paid": paid.isoformat() if paid else None,
            "surcharge_pct_per_started_week": 5,
        }
    return {"case": case, "wording": _wording(rng, i, 2)}


def _fine_facts(row: dict) -> tuple[str, int, float]:
    due = _iso(row["due"])
    end = _iso(row["paid"]) if row["paid"] else BASE
    days = (end - due).days
    if days <= 0:
        return "on time", 0, 0.0
    weeks = math.ceil(days / 7)
    sur = round(row["amount_eur"] * row["surcharge_pct_per_started_week"] * weeks / 100, 2)
    return ("late" if row["paid"] else "not yet paid"), days, sur


def _fine_answer(p: Params, b: State) -> list:
    kind, days, sur = _fine_facts(b["h21_fines"][p["case"]])
    return ["on time"] if kind == "on time" else [kind, days, sur] if kind != "late" else [days, sur]


def _fine_summary(p: Params, r: dict) -> str:
    kind, days, sur = _fine_facts(r["h21_fine"])
    if kind == "on time":
        return f"Fine {p['case']} was paid on time: no surcharge."
    if kind == "not yet paid":
        return f"Fine {p['case']} is not yet paid: {days} days overdue, surcharge EUR {sur:.2f} so far."
    return f"Fine {p['case']} was paid {days} days late: surcharge EUR {sur:.2f}."


fine = Family(
    name="h21_fine",
    templates=["How late was fine {case} paid, and what surcharge applies?", "Surcharge on fine {case}?"],
    fields={"case": Field(r"FN/\d+")},
    sample=sample_fine,
    plan=[Step("h21_fine", lambda p, r: {"case": p["case"]})],
    expect=lambda p, b: {},
    answer=_fine_answer,
    summary=_fine_summary,
)


# ======================================== 7. church organ: next tuning (date + months)
CHURCHES = [
    "St Mary's Lowgate",
    "St Botolph's Aldgate",
    "Holy Trinity Sloane Street",
    "St Giles' Cripplegate",
    "All Saints' Margaret Street",
    "St Bride's Fleet Street",
]
TUNERS = ["Harrison & Harrison", "Mander Organs", "Nicholson & Co", "J. W. Walker & Sons"]


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, min(d.day, 28))


def sample_organ(rng: random.Random, w: State, i: int) -> Params:
    church = rng.choice(CHURCHES)
    rows = w.setdefault("h21_organs", {})
    if church not in rows:
        months = rng.choice([3, 4, 6])
        last = _add_months(BASE, -rng.randint(0, months - 1)) - dt.timedelta(days=rng.randint(0, 20))
        if _trap(i, rng):
            last = _add_months(BASE, -months) - dt.timedelta(days=rng.randint(5, 40))
        rows[church] = {
            "church": church,
            "last_tuned": last.isoformat(),
            "interval_months": months,
            "tuner": rng.choice(TUNERS),
        }
    return {"church": church, "wording": _wording(rng, i, 2)}


def _next_due(row: dict) -> dt.date:
    return _add_months(_iso(row["last_tuned"]), row["interval_months"])


def _organ_answer(p: Params, b: State) -> list:
    row = b["h21_organs"][p["church"]]
    due = _next_due(row)
    if due < BASE:
        return ["overdue", (BASE - due).days, row["tuner"]]
    return [due.isoformat(), row["tuner"]]


def _organ_summary(p: Params, r: dict) -> str:
    row = r["h21_organ"]
    due = _next_due(row)
    if due < BASE:
        return (
            f"The organ at {p['church']} is overdue for tuning: it was due on {due.isoformat()}, "
            f"{(BASE - due).days} days ago. Tuner: {row['tuner']}."
        )
    return f"The organ at {p['church']} is next due for tuning on {due.isoformat()}, by {row['tuner']}."


organ = Family(
    name="h21_organ",
    templates=["When is the organ at {church} next due for tuning?", "Next tuning of {church}'s organ?"],
    fields={"church": _one_of(CHURCHES)},
    sample=sample_organ,
    plan=[Step("h21_organ", lambda p, r: {"church": p["church"]})],
    expect=lambda p, b: {},
    answer=_organ_answer,
    summary=_organ_summary,
)


# ======================================== 8. seed vault drawers: listing + count, or none
VAULTS = ["North Vault", "Alpine Vault", "Coastal Vault"]
SPECIES = ["Silene acaulis", "Dryas octopetala", "Saxifraga aizoides", "Armeria maritima", "Crambe maritima"]


def sample_drawers(rng: random.Random, w: State, i: int) -> Params:
    vault = rng.choice(VAULTS)
    rows = w.setdefault("h21_vaults", {})
    if vault not in rows:
        letters = rng.sample("ABCDEFGH", 6)
        rows[vault] = [
            {"drawer": f"{c}{rng.randint(1, 9)}", "species": rng.sample(SPECIES, rng.randint(0, 3))} for c in letters
        ]
    sp = rng.choice(SPECIES)
    if i < 4:
        held = [s for d in rows[vault] for s in d["species"]]
        sp = rng.choice(held or SPECIES)
    return {"vault": vault, "species": sp, "wording": _wording(rng, i, 2)}


def _holding(drawers: list[dict], sp: str) -> list[str]:
    return [d["drawer"] for d in drawers if sp in d["species"]]


def _drawers_answer(p: Params, b: State) -> list:
    names = _holding(b["h21_vaults"][p["vault"]], p["species"])
    return [*names, len(names)] if names else ["no drawer"]


def _drawers_summary(p: Params, r: dict) -> str:
    names = _holding(r["h21_vault_drawers"]["drawers"], p["species"])
    if not names:
        return f"No drawer in the {p['vault']} holds {p['species']}."
    return f"{len(names)} drawers in the {p['vault']} hold {p['species']}: {', '.join(names)}."


drawers = Family(
    name="h21_drawers",
    templates=["Which drawers in the {vault} hold {species}?", "Where in the {vault} is {species} stored?"],
    fields={"vault": _one_of(VAULTS), "species": _one_of(SPECIES)},
    sample=sample_drawers,
    plan=[Step("h21_vault_drawers", lambda p, r: {"vault": p["vault"]})],
    expect=lambda p, b: {},
    answer=_drawers_answer,
    summary=_drawers_summary,
)


# ======================================== 9. cab rank: book a wheelchair-accessible cab (write or none)
RANKS = ["Central Station rank", "Old Market rank", "Infirmary rank", "Quayside rank"]
PASSENGERS = ["Mrs Adeyemi", "Mr O'Neill", "Ms Kowalczyk", "Dr Haddad", "Mr Lindqvist", "Mrs Ferreira"]


def _seed_ranks(rng: random.Random, w: State) -> None:
    if "h21_ranks" in w:
        return
    for k, rank in enumerate(RANKS):
        cabs = []
        for n in range(rng.randint(3, 5)):
            cabs.append({"cab": f"TX-{10 * k + n + 11}", "wheelchair": n < 2 or rng.random() < 0.3, "status": "free"})
        w.setdefault("h21_ranks", {})[rank] = {"rank": rank, "cabs": cabs}


def _wav(rank: dict) -> dict | None:
    return next((c for c in rank["cabs"] if c["wheelchair"] and c["status"] == "free"), None)


def sample_cab(rng: random.Random, w: State, i: int) -> Params:
    _seed_ranks(rng, w)
    rank = RANKS[i % 2] if i < 4 else rng.choice(RANKS)
    return {"rank": rank, "passenger": rng.choice(PASSENGERS), "wording": _wording(rng, i, 2)}


def _book_cab(s: State, a: dict) -> dict:
    rank = s.get("h21_ranks", {}).get(str(a["rank"]))
    if rank is None:
        raise ToolFail(f"no rank {a['rank']}")
    cab = next((c for c in rank["cabs"] if c["cab"] == a["cab"]), None)
    if cab is None or cab["status"] != "free":
        raise ToolFail(f"cab {a['cab']} is not free")
    cab["status"] = "booked"
    s.setdefault("h21_cab_bookings", []).append({"cab": cab["cab"], "passenger": str(a["passenger"])})
    return {"cab": cab["cab"], "status": "booked", "passenger": a["passenger"]}


def _cab_expect(p: Params, b: State) -> dict:
    rank = b["h21_ranks"][p["rank"]]
    cab = _wav(rank)
    if cab is None:
        return {}
    cabs = [{**c, "status": "booked"} if c["cab"] == cab["cab"] else c for c in rank["cabs"]]
    return {
        "h21_ranks": {p["rank"]: {**rank, "cabs": cabs}},
        "h21_cab_bookings": [{"cab": cab["cab"], "passenger": p["passenger"]}],
    }


def _cab_answer(p: Params, b: State) -> list:
    cab = _wav(b["h21_ranks"][p["rank"]])
    return [cab["cab"], p["passenger"]] if cab else ["no wheelchair-accessible cab"]


def _cab_summary(p: Params, r: dict) -> str:
    if "h21_book_cab" not in r:
        return f"There is no wheelchair-accessible cab free at {p['rank']}; nothing booked for {p['passenger']}."
    return f"Booked wheelchair-accessible cab {r['h21_book_cab']['cab']} from {p['rank']} for {p['passenger']}."


cab = Family(
    name="h21_cab",
    templates=[
        "Book a wheelchair-accessible cab from the {rank} for {passenger}",
        "{passenger} needs a wheelchair taxi from the {rank}: book one",
    ],
    fields={"rank": _one_of(RANKS), "passenger": _one_of(PASSENGERS)},
    sample=sample_cab,
    plan=[
        Step("h21_cab_rank", lambda p, r: {"rank": p["rank"]}),
        Step(
            "h21_book_cab",
            lambda p, r: {"rank": p["rank"], "cab": _wav(r["h21_cab_rank"])["cab"], "passenger": p["passenger"]},  # type: ignore[index]
            when=lambda p, r: _wav(r["h21_cab_rank"]) is not None,
        ),
    ],
    expect=_cab_expect,
    answer=_cab_answer,
    summary=_cab_summary,
)


# ======================================== 10. planning notice (plain text): deadline and officer, or withdrawn
REFS = [f"26/0{n}" for n in range(401, 460, 4)]
OFFICERS = ["Ms Okafor", "Mr Van der Berg", "Mrs MacLeod", "Dr Petrenko", "Ms Nakamura-Hill"]
WORKS = ["a two-storey rear extension", "a loft conversion with dormer", "change of use to a cafe", "a detached garage"]
STREETS = ["14 Mill Lane", "3 Abbey Close", "27 Station Road", "9 Orchard Rise"]


def sample_planning(rng: random.Random, w: State, i: int) -> Params:
    ref = rng.choice(REFS)
    rows = w.setdefault("h21_notices", {})
    if ref not in rows:
        rows[ref] = {
            "works": rng.choice(WORKS),
            "site": rng.choice(STREETS),
            "deadline": (BASE + dt.timedelta(days=rng.randint(5, 40))).isoformat(),
            "officer": rng.choice(OFFICERS),
            "withdrawn": (BASE - dt.timedelta(days=rng.randint(1, 9))).isoformat() if _trap(i, rng) else None,
        }
    return {"ref": ref, "wording": _wording(rng, i, 2)}


def _notice_text(s: State, a: dict) -> str:
    n = s.get("h21_notices", {}).get(str(a["ref"]))
    if n is None:
        raise ToolFail(f"no planning application {a['ref']}")
    if n["withdrawn"]:
        return (
            f"Planning application {a['ref']} ({n['works']} at {n['site']}) was withdrawn on "
            f"{_words(_iso(n['withdrawn']))}; no comments are being taken."
        )
    return (
        f"Planning application {a['ref']} for {n['works']} at {n['site']}. Comments by "
        f"{_words(_iso(n['deadline']))} to the case officer, {n['officer']}."
    )


def _planning_answer(p: Params, b: State) -> list:
    n = b["h21_notices"][p["ref"]]
    if n["withdrawn"]:
        return ["withdrawn"]
    return [_words(_iso(n["deadline"])), n["officer"]]


def _planning_summary(p: Params, r: dict) -> str:
    text = r["h21_planning_notice"]
    if "withdrawn" in text:
        return f"Application {p['ref']} was withdrawn; no comments are being taken."
    m = re.search(r"Comments by (.+?) to the case officer, (.+)\.$", text)
    assert m is not None
    return f"Comments on application {p['ref']} must arrive by {m.group(1)}; the case officer is {m.group(2)}."


planning = Family(
    name="h21_planning",
    templates=[
        "By when must comments on planning application {ref} be in, and to whom?",
        "Comment deadline for planning application {ref}?",
    ],
    fields={"ref": Field(r"26/\d{4}")},
    sample=sample_planning,
    plan=[Step("h21_planning_notice", lambda p, r: {"ref": p["ref"]})],
    expect=lambda p, b: {},
    answer=_planning_answer,
    summary=_planning_summary,
)


# ======================================== 11. pawn ticket: redemption amount today (two reads)
TICKETS = [f"PT{n}" for n in range(7702, 7760, 3)]
ITEMS = ["gold signet ring", "Omega wristwatch", "Fender guitar", "silver tea set", "diamond earrings"]
PAWN_RATE = 4.5


def sample_pawn(rng: random.Random, w: State, i: int) -> Params:
    t = rng.choice(TICKETS)
    rows = w.setdefault("h21_pledges", {})
    if t not in rows:
        days = rng.randint(5, 29) if i < 4 else rng.randint(5, 170)
        rows[t] = {
            "ticket": t,
            "item": rng.choice(ITEMS),
            "loan_gbp": round(rng.uniform(40, 900), 2) if i >= 4 else float(rng.randint(40, 900)),
            "pledged": (BASE - dt.timedelta(days=days)).isoformat(),
            "status": "redeemed" if _late(i, rng) else "open",
        }
    return {"ticket": t, "wording": _wording(rng, i, 2)}


def _pawn_rate_text(s: State, a: dict) -> str:
    return f"Interest: {PAWN_RATE}% of the loan per month or part month (30 days), minimum one month."


def _pawn_facts(row: dict, rate: float) -> tuple[int, float]:
    days = (BASE - _iso(row["pledged"])).days
    months = max(1, math.ceil(days / 30))
    cents = round(row["loan_gbp"] * 100)
    interest = round_half_up(cents * rate * months / 100, 0)
    return months, (cents + interest) / 100


def _pawn_answer(p: Params, b: State) -> list:
    row = b["h21_pledges"][p["ticket"]]
    if row["status"] == "redeemed":
        return ["already redeemed"]
    months, total = _pawn_facts(row, PAWN_RATE)
    return [total, months]


def _pawn_summary(p: Params, r: dict) -> str:
    row = r["h21_pledge"]
    if row["status"] == "redeemed":
        return f"Ticket {p['ticket']} ({row['item']}) is already redeemed."
    rate = float(re.search(r"([\d.]+)%", r["h21_pawn_rate"]).group(1))  # type: ignore[union-attr]
    months, total = _pawn_facts(row, rate)
    return f"Redeeming ticket {p['ticket']} ({row['item']}) today costs GBP {_money(total)} ({months} months charged)."


pawn = Family(
    name="h21_pawn",
    templates=["How much to redeem pawn ticket {ticket} today?", "Redemption price of pawn ticket {ticket}?"],
    fields={"ticket": Field(r"PT\d+")},
    sample=sample_pawn,
    plan=[
        Step("h21_pledge", lambda p, r: {"ticket": p["ticket"]}, group="p"),
        Step("h21_pawn_rate", lambda p, r: {"shop": "main"}, group="p"),
    ],
    expect=lambda p, b: {},
    answer=_pawn_answer,
    summary=_pawn_summary,
)


# ======================================== 12. relay: total time and gap to the club record (durations)
TEAMS = ["Otters A", "Otters B", "Kingfishers A", "Dolphins Masters"]
MEETS = ["Winter Open", "County Relays", "Club Gala"]
RECORD = 112.31  # 1:52.31


def _clock(sec: float) -> str:
    m, s = divmod(round(sec * 100), 6000)
    return f"{m}:{s / 100:05.2f}"


def sample_relay(rng: random.Random, w: State, i: int) -> Params:
    team, meet = rng.choice(TEAMS), rng.choice(MEETS)
    key = f"{team}|{meet}"
    rows = w.setdefault("h21_relays", {})
    if key not in rows:
        lo = 27.2 if _trap(i, rng) else 28.3
        rows[key] = {"team": team, "meet": meet, "splits_s": [round(rng.uniform(lo, 31.5), 2) for _ in range(4)]}
    return {"team": team, "meet": meet, "wording": _wording(rng, i, 2)}


def _relay_facts(splits: list[float], record: float) -> list:
    total = round(sum(splits), 2)
    gap = round(total - record, 2)
    if gap < 0:
        return [_clock(total), "new club record", round(-gap, 2)]
    return [_clock(total), gap]


def _relay_answer(p: Params, b: State) -> list:
    return _relay_facts(b["h21_relays"][f"{p['team']}|{p['meet']}"]["splits_s"], RECORD)


def _relay_summary(p: Params, r: dict) -> str:
    m = re.search(r"(\d+):(\d\d\.\d\d)", r["h21_club_record"])
    assert m is not None
    record = int(m.group(1)) * 60 + float(m.group(2))
    f = _relay_facts(r["h21_relay_splits"]["splits_s"], record)
    if len(f) == 3:
        return f"{p['team']} swam {f[0]} at the {p['meet']}: a new club record, {f[2]:.2f} s under the old one."
    return f"{p['team']} swam {f[0]} at the {p['meet']}, {f[1]:.2f} s outside the club record of {_clock(record)}."


relay = Family(
    name="h21_relay",
    templates=[
        "What was {team}'s 4x50 free relay time at the {meet}, and how far off the club record?",
        "How close did {team} get to the relay club record at the {meet}?",
    ],
    fields={"team": _one_of(TEAMS), "meet": _one_of(MEETS)},
    sample=sample_relay,
    plan=[
        Step("h21_relay_splits", lambda p, r: {"team": p["team"], "meet": p["meet"]}, group="r"),
        Step("h21_club_record", lambda p, r: {"event": "4x50 free"}, group="r"),
    ],
    expect=lambda p, b: {},
    answer=_relay_answer,
    summary=_relay_summary,
)


def _relay_splits(s: State, a: dict) -> dict:
    row = s.get("h21_relays", {}).get(f"{a['team']}|{a['meet']}")
    if row is None:
        raise ToolFail(f"no relay result for {a['team']} at {a['meet']}")
    return row


def _vault(s: State, a: dict) -> dict:
    rows = s.get("h21_vaults", {}).get(str(a["vault"]))
    if rows is None:
        raise ToolFail(f"no vault {a['vault']}")
    return {"vault": a["vault"], "drawers": rows}


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h21_blast_log",
            "A quarry's blasting log for one month (plain text).",
            {"quarry": str, "month": str},
            _blast_text,
        ),
        Tool(
            "h21_sheet",
            "A herbarium sheet: taxon, status, cabinet or loan.",
            {"sheet": str},
            _get("h21_sheets", "sheet", "sheet"),
        ),
        Tool("h21_tram_card", "A tram card's journeys this week with fares (plain text).", {"card": str}, _tram_text),
        Tool("h21_grow_room", "A grow room's current climate.", {"room": str}, _get("h21_rooms", "room", "room")),
        Tool(
            "h21_strain_band",
            "The fruiting climate band of a mushroom strain (plain text).",
            {"strain": str},
            _band_text,
        ),
        Tool(
            "h21_fine",
            "A court fine: amount, due date, date paid, surcharge terms.",
            {"case": str},
            _get("h21_fines", "case", "fine"),
        ),
        Tool("h21_organ", "A church organ's tuning record.", {"church": str}, _get("h21_organs", "church", "organ")),
        Tool("h21_vault_drawers", "The drawers of a seed vault and the species each holds.", {"vault": str}, _vault),
        Tool(
            "h21_cab_rank",
            "The cabs at a taxi rank: wheelchair access, status.",
            {"rank": str},
            _get("h21_ranks", "rank", "rank"),
        ),
        Tool(
            "h21_book_cab",
            "Book a cab from a rank for a passenger.",
            {"rank": str, "cab": str, "passenger": str},
            _book_cab,
        ),
        Tool(
            "h21_planning_notice",
            "The public notice of a planning application (plain text).",
            {"ref": str},
            _notice_text,
        ),
        Tool(
            "h21_pledge",
            "A pawn ticket: item, loan, date pledged, status.",
            {"ticket": str},
            _get("h21_pledges", "ticket", "ticket"),
        ),
        Tool("h21_pawn_rate", "The pawn shop's interest terms (plain text).", {"shop": str}, _pawn_rate_text),
        Tool(
            "h21_relay_splits",
            "A relay team's four splits in seconds at a meet.",
            {"team": str, "meet": str},
            _relay_splits,
        ),
        Tool(
            "h21_club_record",
            "The club record of a relay event (plain text).",
            {"event": str},
            lambda s, a: f"Club record, {a['event']} relay: {_clock(RECORD)} (Otters A, 2019).",
        ),
    ]
}

FAMILIES = [blasts, heaviest, sheet, fare, grow, fine, organ, drawers, cab, planning, pawn, relay]
