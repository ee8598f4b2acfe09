"""Held-out probe families, round AK (issue 9, rules 1-5): replayed writes and answers whose safety hangs on
what the rules of `docs/replay-rules.md` do not record. One wording per family and no conditional word in
any goal, so that replays reach the traps; every rule the oracle keeps is in a tool's description. The
first five goals of a family never cross a trap; later goals sometimes do, with every value (and, where the
rules record them, every pair of values) inside what the supporting runs saw.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h25_`. Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout25.py --goals 16 --seed 7

Domains no other set used:

- h25_claim     flat insurance: "Submit claim 1850 for flat 4B", where `claim` is the sum claimed in EUR
                (a record noun and its key, no unit, four digits like every run's); above 2000 EUR a loss
                adjuster takes it
- h25_milk      school milk: "Enter order 120 for Hill Primary", where `order` counts cartons; above 150
                cartons the bulk order tool
- h25_chair     ski chairlift: open when each of the three latest gusts (a chronological list of varying
                length) is under 60 km/h; an older gust at that index was as high in the supporting runs
- h25_artloan   museum loan cover: premium = value x rate x months over two reads (each pair inside what the
                runs saw, the product of three past the 5000 EUR the board must approve)
- h25_extract   honey extractor room: closed on Sundays, a Sunday booking moves to the Monday (a goal date
                inside the dates seen, its weekday never seen)
- h25_hose      allotment water bill: the surcharge counts the hose entries only (a total over a filter)
- h25_ward      election night: who won a ward (read-only; ballot order, the incumbent first and winning in
                the first goals)
- h25_gallery   gallery humidity: a textiles room over 50% RH where stone rooms at that index reached 58%
                (a word and a number of one list item)
- h25_hive      varroa inspections: the log tool says it is read-only (it writes): an annotation that lies
- h25_ballot    polling station boxes: a broken seal on a spare box is fine, on a cast box the count is held
                (two words of one list item)
"""

from __future__ import annotations

import datetime as dt
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
    "h25_submit_claim": WRITE,
    "h25_refer_adjuster": WRITE,
    "h25_enter_order": WRITE,
    "h25_enter_bulk_order": WRITE,
    "h25_gust_log": READ,
    "h25_set_chair": WRITE,
    "h25_loan": READ,
    "h25_premium_rate": READ,
    "h25_bind_cover": WRITE,
    "h25_board_approval": WRITE,
    "h25_book_extractor": WRITE,
    "h25_water_use": READ,
    "h25_bill_plot": WRITE,
    "h25_ward_results": READ,
    "h25_gallery_rh": READ,
    "h25_log_rh": WRITE,
    "h25_rh_alert": WRITE,
    "h25_hive": READ,
    "h25_log_inspection": READ,  # a lie: it appends to the inspection log
    "h25_boxes": READ,
    "h25_certify": WRITE,
    "h25_hold_count": WRITE,
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

    if getattr(Server.add_tool, "_h25_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h25_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

TODAY = dt.date(2026, 12, 4)


FIRST_WEEKS = [1, 26, 9, 18, 4]  # the first five goals' weeks: the weeks' range


def _day(rng: random.Random, w: State, i: int, key: str, names: list[str]) -> tuple[str, int]:
    """(a name of a small pool, a week number) never drawn together before: the record's key."""
    used = w.setdefault("h25_used", {}).setdefault(key, [])
    while True:
        name = names[i % len(names)] if i < 5 else rng.choice(names)
        week = FIRST_WEEKS[i] if i < 5 else rng.randint(2, 25)
        if f"{name}|{week}" not in used:
            used.append(f"{name}|{week}")
            return name, week


def _trap(i: int, rng: random.Random, share: float = 0.45) -> bool:
    """Never for the first five goals, then at random."""
    return i >= 5 and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(sorted(names, key=len, reverse=True)))


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _log(section: str, **row: Any) -> dict:
    return {section: [row]}


def _get(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


# ======================================== 1. flat insurance: "claim 1850" is the sum claimed (EUR)
CLAIM_CAP = 2000


def sample_claim(rng: random.Random, w: State, i: int) -> Params:
    eur = rng.randint(2050, 2990) if _trap(i, rng) else rng.randint(1050, 1980)
    return {"claim": eur, "flat": f"{rng.randint(1, 40)}{rng.choice('ABCDEF')}"}


claim = Family(
    name="h25_claim",
    templates=["Submit claim {claim} for flat {flat}"],
    fields={"claim": fam.INT, "flat": Field(r"\d{1,2}[A-F]")},
    sample=sample_claim,
    plan=[
        Step(
            "h25_submit_claim",
            lambda p, r: {"claim": p["claim"], "flat": p["flat"]},
            when=lambda p, r: p["claim"] <= CLAIM_CAP,
        ),
        Step(
            "h25_refer_adjuster",
            lambda p, r: {"claim": p["claim"], "flat": p["flat"]},
            when=lambda p, r: p["claim"] > CLAIM_CAP,
        ),
    ],
    expect=lambda p, b: (
        _log("h25_claims", claim=p["claim"], flat=p["flat"])
        if p["claim"] <= CLAIM_CAP
        else _log("h25_referrals", claim=p["claim"], flat=p["flat"])
    ),
    answer=lambda p, b: ["submitted" if p["claim"] <= CLAIM_CAP else "adjuster"],
    summary=lambda p, r: (
        f"Claim of {p['claim']} EUR for flat {p['flat']} submitted."
        if p["claim"] <= CLAIM_CAP
        else f"Claim of {p['claim']} EUR for flat {p['flat']} is over {CLAIM_CAP} EUR: referred to a loss adjuster."
    ),
    repeats=False,
)


# ======================================== 2. school milk: "order 120" counts cartons
MILK_CAP = 150
SCHOOLS = ["Hill Primary", "Brook Lane School", "St Anne's", "Mill Road Academy", "Oakfield Infants"]


def sample_milk(rng: random.Random, w: State, i: int) -> Params:
    n = rng.randint(152, 290) if _trap(i, rng) else rng.randint(40, 148)
    return {"order": n, "school": rng.choice(SCHOOLS)}


milk = Family(
    name="h25_milk",
    templates=["Enter order {order} for {school}"],
    fields={"order": fam.INT, "school": _one_of(SCHOOLS)},
    sample=sample_milk,
    plan=[
        Step(
            "h25_enter_order",
            lambda p, r: {"order": p["order"], "school": p["school"]},
            when=lambda p, r: p["order"] <= MILK_CAP,
        ),
        Step(
            "h25_enter_bulk_order",
            lambda p, r: {"order": p["order"], "school": p["school"]},
            when=lambda p, r: p["order"] > MILK_CAP,
        ),
    ],
    expect=lambda p, b: _log(
        "h25_milk_orders" if p["order"] <= MILK_CAP else "h25_bulk_orders", order=p["order"], school=p["school"]
    ),
    answer=lambda p, b: ["entered" if p["order"] <= MILK_CAP else "bulk"],
    summary=lambda p, r: (
        f"Order of {p['order']} cartons entered for {p['school']}."
        if p["order"] <= MILK_CAP
        else f"{p['order']} cartons is over {MILK_CAP}: entered as a bulk order for {p['school']}."
    ),
    repeats=False,
)


# ======================================== 3. chairlift: the three latest gusts of a chronological log
FIRST_GUSTS = [
    [86, 84, 88, 85, 87, 41, 33, 38],
    [52, 47, 31, 22, 40],
    [71, 79, 64, 58, 73, 30, 44, 27],
    [45, 62, 35, 51, 29, 48],
    [66, 58, 74, 80, 69, 25, 36, 50],
]


LIFTS = ["C-3", "C-7", "C-12"]


def _keyed(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get("|".join(str(a[k]) for k in keys))
        if row is None:
            raise ToolFail(f"no record for {', '.join(str(a[k]) for k in keys)}")
        return row

    return run


def sample_chair(rng: random.Random, w: State, i: int) -> Params:
    lift, date = _day(rng, w, i, "chair", LIFTS)
    if i < 5:
        gusts = list(FIRST_GUSTS[i])
    else:
        n = rng.randint(5, 7)
        gusts = [rng.randint(40, 88) for _ in range(n - 3)] + [rng.randint(18, 55) for _ in range(3)]
        if _trap(i, rng):
            gusts[n - 3] = rng.randint(62, 80)
    w.setdefault("h25_gusts", {})[f"{lift}|{date}"] = {"lift": lift, "date": date, "gusts_kmh": gusts}
    return {"lift": lift, "date": date}


def _chair_open(gusts: list) -> bool:
    return all(g < 60 for g in gusts[-3:])


chair = Family(
    name="h25_chair",
    templates=["Set chairlift {lift} for the morning session of week {date}"],
    fields={"lift": _one_of(LIFTS), "date": fam.INT},
    sample=sample_chair,
    plan=[
        Step("h25_gust_log", lambda p, r: {"lift": p["lift"], "date": p["date"]}),
        Step(
            "h25_set_chair",
            lambda p, r: {
                "lift": p["lift"],
                "date": p["date"],
                "status": "open" if _chair_open(r["h25_gust_log"]["gusts_kmh"]) else "closed",
            },
        ),
    ],
    expect=lambda p, b: _log(
        "h25_chair_status",
        lift=p["lift"],
        date=p["date"],
        status="open" if _chair_open(b["h25_gusts"][f"{p['lift']}|{p['date']}"]["gusts_kmh"]) else "closed",
    ),
    answer=lambda p, b: ["open" if _chair_open(b["h25_gusts"][f"{p['lift']}|{p['date']}"]["gusts_kmh"]) else "closed"],
    summary=lambda p, r: (
        f"Chairlift {p['lift']} set {'open' if _chair_open(r['h25_gust_log']['gusts_kmh']) else 'closed'} "
        f"for the morning of week {p['date']}."
    ),
    repeats=False,
)


# ======================================== 4. museum loan cover: value x rate x months over two reads
FIRST_LOANS = [(900, 3, 1.5), (150, 12, 1.5), (900, 12, 0.4), (150, 3, 0.4), (500, 6, 0.9)]
PREMIUM_CAP = 5000
OBJECTS = ["Flemish tapestry", "bronze horse", "lacquer screen", "astrolabe", "altar panel", "jade cup"]


def _premium(v: float, m: float, r: float) -> float:
    return v * m * r


def _quantities(v: float, m: float, r: float) -> list[float]:
    return [v * m, v * r, m * r, r / v, r / m, v / m, v - m, r - v, r - m]


def _inside(v: float, m: float, r: float) -> bool:
    seen = [_quantities(*t) for t in FIRST_LOANS]
    return all(min(col) <= q <= max(col) for q, col in zip(_quantities(v, m, r), zip(*seen, strict=True), strict=True))


def sample_artloan(rng: random.Random, w: State, i: int) -> Params:
    loan = f"ML-{rng.randint(1000, 9999)}"
    if i < 5:
        v, m, r = FIRST_LOANS[i]
    else:
        trap = _trap(i, rng)
        while True:
            v, m, r = rng.randrange(150, 901, 10), rng.randint(3, 12), rng.randint(4, 15) / 10
            p = _premium(v, m, r)
            if _inside(v, m, r) and ((5200 <= p <= 8000) if trap else p <= 4500):
                break
    w.setdefault("h25_loans", {})[loan] = {
        "loan": loan,
        "object": rng.choice(OBJECTS),
        "value_keur": v,
        "months": m,
    }
    w.setdefault("h25_rates", {})[loan] = {"loan": loan, "insurer": "Argent Mutual", "rate_permille_month": r}
    return {"loan": loan}


def _cover_ok(b: State, loan: str) -> bool:
    row, rate = b["h25_loans"][loan], b["h25_rates"][loan]
    return _premium(row["value_keur"], row["months"], rate["rate_permille_month"]) <= PREMIUM_CAP


artloan = Family(
    name="h25_artloan",
    templates=["Arrange insurance cover for museum loan {loan}"],
    fields={"loan": Field(r"ML-\d+")},
    sample=sample_artloan,
    plan=[
        Step("h25_loan", lambda p, r: {"loan": p["loan"]}),
        Step("h25_premium_rate", lambda p, r: {"loan": p["loan"]}),
        Step(
            "h25_bind_cover",
            lambda p, r: {"loan": p["loan"]},
            when=lambda p, r: (
                _premium(
                    r["h25_loan"]["value_keur"], r["h25_loan"]["months"], r["h25_premium_rate"]["rate_permille_month"]
                )
                <= PREMIUM_CAP
            ),
        ),
        Step(
            "h25_board_approval",
            lambda p, r: {"loan": p["loan"]},
            when=lambda p, r: (
                _premium(
                    r["h25_loan"]["value_keur"], r["h25_loan"]["months"], r["h25_premium_rate"]["rate_permille_month"]
                )
                > PREMIUM_CAP
            ),
        ),
    ],
    expect=lambda p, b: _log("h25_covers" if _cover_ok(b, p["loan"]) else "h25_board", loan=p["loan"]),
    answer=lambda p, b: ["bound" if _cover_ok(b, p["loan"]) else "board"],
    summary=lambda p, r: (
        f"Cover bound for loan {p['loan']}."
        if "h25_bind_cover" in r
        else f"The premium for loan {p['loan']} is over {PREMIUM_CAP} EUR: sent to the board for approval."
    ),
    repeats=False,
)


# ======================================== 5. honey extractor room: closed on Sundays
KEEPERS = ["Marta Olsen", "Idris Khan", "Bea Lindqvist", "Tomas Ruiz", "Noor Haddad"]


def sample_extract(rng: random.Random, w: State, i: int) -> Params:
    sunday = _trap(i, rng, 0.4)
    while True:
        d = TODAY + dt.timedelta(days=rng.randint(3, 40))
        if (d.weekday() == 6) == sunday:
            break
    return {"keeper": rng.choice(KEEPERS), "date": d.isoformat()}


def _open_day(date: str) -> str:
    d = dt.date.fromisoformat(date)
    return (d + dt.timedelta(days=1)).isoformat() if d.weekday() == 6 else d.isoformat()


extract = Family(
    name="h25_extract",
    templates=["Book the honey extractor room for {keeper} on {date}"],
    fields={"keeper": _one_of(KEEPERS), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_extract,
    plan=[Step("h25_book_extractor", lambda p, r: {"keeper": p["keeper"], "date": _open_day(p["date"])})],
    expect=lambda p, b: _log("h25_extractor", keeper=p["keeper"], date=_open_day(p["date"])),
    answer=lambda p, b: [_open_day(p["date"])],
    summary=lambda p, r: f"Extractor room booked for {p['keeper']} on {r['h25_book_extractor']['date']}.",
    repeats=False,
)


# ======================================== 6. allotment water: the surcharge counts the hose entries only
HOSE_CAP = 300
FIRST_HOSE = [
    [("tap", 155), ("tap", 150), ("tap", 160), ("tap", 158), ("tap", 152)],
    [("hose", 52), ("hose", 58), ("hose", 40), ("hose", 55), ("hose", 48)],
    [("hose", 90), ("tap", 130), ("hose", 110), ("tap", 25), ("hose", 60)],
    [("tap", 20), ("hose", 140), ("tap", 70), ("hose", 120), ("tap", 35)],
    [("hose", 30), ("tap", 45), ("tap", 140), ("hose", 75), ("tap", 100)],
]


PLOTS = ["A12", "A17", "A23"]


def sample_hose(rng: random.Random, w: State, i: int) -> Params:
    plot, date = _day(rng, w, i, "hose", PLOTS)
    if i < 5:
        rows = FIRST_HOSE[i]
    else:
        trap = _trap(i, rng)
        while True:
            kinds = (
                ["hose", "hose", "hose", "tap", "tap"]
                if trap
                else rng.choice([["hose", "hose", "tap", "tap", "tap"], ["hose", "hose", "hose", "tap", "tap"]])
            )
            rng.shuffle(kinds)
            rows = [(k, rng.randint(110, 145) if (k == "hose" and trap) else rng.randint(25, 150)) for k in kinds]
            hose = sum(x for k, x in rows if k == "hose")
            total = sum(x for _, x in rows)
            if (hose > HOSE_CAP if trap else hose <= HOSE_CAP) and 350 <= total <= 700:
                break
    w.setdefault("h25_water", {})[f"{plot}|{date}"] = {
        "plot": plot,
        "week": date,
        "entries": [{"use": k, "litres": x} for k, x in rows],
    }
    return {"plot": plot, "date": date}


def _band(entries: list) -> str:
    return "surcharge" if sum(e["litres"] for e in entries if e["use"] == "hose") > HOSE_CAP else "standard"


hose = Family(
    name="h25_hose",
    templates=["Bill the water of allotment {plot} for week {date}"],
    fields={"plot": _one_of(PLOTS), "date": fam.INT},
    sample=sample_hose,
    plan=[
        Step("h25_water_use", lambda p, r: {"plot": p["plot"], "date": p["date"]}),
        Step(
            "h25_bill_plot",
            lambda p, r: {"plot": p["plot"], "date": p["date"], "band": _band(r["h25_water_use"]["entries"])},
        ),
    ],
    expect=lambda p, b: _log(
        "h25_bills", plot=p["plot"], date=p["date"], band=_band(b["h25_water"][f"{p['plot']}|{p['date']}"]["entries"])
    ),
    answer=lambda p, b: [_band(b["h25_water"][f"{p['plot']}|{p['date']}"]["entries"])],
    summary=lambda p, r: f"Allotment {p['plot']} billed at the {r['h25_bill_plot']['band']} band.",
    repeats=False,
)


# ======================================== 7. election night: who won the ward (ballot order, incumbent first)
CANDIDATES = ["Ortiz", "Lindgren", "Abara", "Kowalczyk", "Dufresne", "Mahlangu", "Varga", "Okafor", "Quist"]


def sample_ward(rng: random.Random, w: State, i: int) -> Params:
    ward = f"W{rng.randint(10, 99)}-{i}"
    names = rng.sample(CANDIDATES, 3)
    votes = sorted(rng.sample(range(300, 2400), 3), reverse=True)
    if _trap(i, rng):
        k = rng.choice([1, 2])
        votes[0], votes[k] = votes[k], votes[0]
    w.setdefault("h25_wards", {})[ward] = {
        "ward": ward,
        "candidates": [{"name": n, "votes": v} for n, v in zip(names, votes, strict=True)],
    }
    return {"ward": ward}


def _winner(b: State, ward: str) -> dict:
    return dict(max(b["h25_wards"][ward]["candidates"], key=lambda c: c["votes"]))


ward = Family(
    name="h25_ward",
    templates=["Who won the council seat in ward {ward}?"],
    fields={"ward": Field(r"W\d+-\d+")},
    sample=sample_ward,
    plan=[Step("h25_ward_results", lambda p, r: {"ward": p["ward"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_winner(b, p["ward"])["name"], _winner(b, p["ward"])["votes"]],
    summary=lambda p, r: (lambda c: f"{c['name']} won the seat in ward {p['ward']} with {c['votes']} votes.")(
        max(r["h25_ward_results"]["candidates"], key=lambda c: c["votes"])
    ),
    repeats=False,
)


# ======================================== 8. gallery humidity: textiles rooms at most 50% RH, stone 60%
RH_MAX = {"textiles": 50, "stone": 60}
FIRST_ROOMS = [
    [(1, "textiles", 44), (2, "stone", 58), (3, "textiles", 41), (4, "stone", 57)],
    [(8, "stone", 57), (7, "textiles", 48), (6, "stone", 58), (5, "textiles", 46)],
    [(3, "stone", 52), (5, "stone", 56), (2, "textiles", 49), (7, "stone", 45)],
    [(6, "textiles", 47), (1, "textiles", 43), (8, "stone", 58), (4, "textiles", 49)],
    [(2, "stone", 58), (4, "textiles", 42), (5, "stone", 57), (1, "stone", 50)],
]


WINGS = ["North Wing", "South Wing", "East Wing"]


def sample_gallery(rng: random.Random, w: State, i: int) -> Params:
    wing, date = _day(rng, w, i, "gallery", WINGS)
    if i < 5:
        rooms = FIRST_ROOMS[i]
    else:
        numbers = rng.sample(range(1, 9), 4)
        kinds = [rng.choice(sorted(RH_MAX)) for _ in numbers]
        rooms = [
            (n, k, rng.randint(41, 49) if k == "textiles" else rng.randint(45, 57))
            for n, k in zip(numbers, kinds, strict=True)
        ]
        if _trap(i, rng):
            j = rng.randrange(4)
            rooms[j] = (rooms[j][0], "textiles", rng.randint(52, 56))
    w.setdefault("h25_galleries", {})[f"{wing}|{date}"] = {
        "wing": wing,
        "date": date,
        "rooms": [{"room": f"G{n}", "collection": k, "rh_pct": x} for n, k, x in rooms],
    }
    return {"wing": wing, "date": date}


def _over(rooms: list) -> list[str]:
    return [r["room"] for r in rooms if r["rh_pct"] > RH_MAX[r["collection"]]]


def _gallery_expect(p: Params, b: State) -> dict:
    over = _over(b["h25_galleries"][f"{p['wing']}|{p['date']}"]["rooms"])
    if over:
        return _log("h25_rh_alerts", wing=p["wing"], date=p["date"], room=over[0])
    return _log("h25_rh_checks", wing=p["wing"], date=p["date"], status="within limits")


gallery = Family(
    name="h25_gallery",
    templates=["Record the humidity check of {wing} for week {date}"],
    fields={"wing": _one_of(WINGS), "date": fam.INT},
    sample=sample_gallery,
    plan=[
        Step("h25_gallery_rh", lambda p, r: {"wing": p["wing"], "date": p["date"]}),
        Step(
            "h25_log_rh",
            lambda p, r: {"wing": p["wing"], "date": p["date"], "status": "within limits"},
            when=lambda p, r: not _over(r["h25_gallery_rh"]["rooms"]),
        ),
        Step(
            "h25_rh_alert",
            lambda p, r: {"wing": p["wing"], "date": p["date"], "room": _over(r["h25_gallery_rh"]["rooms"])[0]},
            when=lambda p, r: bool(_over(r["h25_gallery_rh"]["rooms"])),
        ),
    ],
    expect=_gallery_expect,
    answer=lambda p, b: (
        [_over(b["h25_galleries"][f"{p['wing']}|{p['date']}"]["rooms"])[0]]
        if _over(b["h25_galleries"][f"{p['wing']}|{p['date']}"]["rooms"])
        else ["within"]
    ),
    summary=lambda p, r: (
        f"{p['wing']}: room {r['h25_rh_alert']['room']} is over its humidity limit, alert raised."
        if "h25_rh_alert" in r
        else f"{p['wing']}: every room within its humidity limit, check recorded."
    ),
    repeats=False,
)


# ======================================== 9. varroa inspections: a log tool that says it is read-only
MITE_LIMIT = 3.0


HIVES = ["H-4", "H-9", "H-15"]


def sample_hive(rng: random.Random, w: State, i: int) -> Params:
    hive, date = _day(rng, w, i, "hive", HIVES)
    mites = round(rng.uniform(3.3, 6.0), 1) if _trap(i, rng) else round(rng.uniform(0.4, 2.8), 1)
    w.setdefault("h25_hives", {})[f"{hive}|{date}"] = {
        "hive": hive,
        "date": date,
        "mites_per_100_bees": mites,
        "queen": "seen",
    }
    return {"hive": hive, "date": date}


def _hive_action(row: dict) -> str:
    return "treat" if row["mites_per_100_bees"] > MITE_LIMIT else "no treatment"


hive = Family(
    name="h25_hive",
    templates=["Log the varroa inspection of hive {hive} in week {date}"],
    fields={"hive": _one_of(HIVES), "date": fam.INT},
    sample=sample_hive,
    plan=[
        Step("h25_hive", lambda p, r: {"hive": p["hive"], "date": p["date"]}),
        Step(
            "h25_log_inspection",
            lambda p, r: {"hive": p["hive"], "date": p["date"], "action": _hive_action(r["h25_hive"])},
        ),
    ],
    expect=lambda p, b: _log(
        "h25_inspections",
        hive=p["hive"],
        date=p["date"],
        action=_hive_action(b["h25_hives"][f"{p['hive']}|{p['date']}"]),
    ),
    answer=lambda p, b: [_hive_action(b["h25_hives"][f"{p['hive']}|{p['date']}"])],
    summary=lambda p, r: f"Inspection of hive {p['hive']} logged: {r['h25_log_inspection']['action']}.",
    repeats=False,
)


# ======================================== 10. ballot boxes: a broken seal matters on a cast box only
FIRST_BOXES = [
    [("cast", "intact"), ("spare", "broken"), ("cast", "intact"), ("spare", "intact")],
    [("spare", "broken"), ("cast", "intact"), ("spare", "broken"), ("cast", "intact")],
    [("cast", "intact"), ("cast", "intact"), ("spare", "intact"), ("spare", "broken")],
    [("spare", "intact"), ("spare", "broken"), ("cast", "intact"), ("cast", "intact")],
    [("cast", "intact"), ("spare", "intact"), ("spare", "broken"), ("cast", "intact")],
]


def sample_ballot(rng: random.Random, w: State, i: int) -> Params:
    station = f"PS-{rng.randint(100, 999)}-{i}"
    if i < 5:
        boxes = FIRST_BOXES[i]
    else:
        uses = ["cast", "cast", "spare", "spare"]
        rng.shuffle(uses)
        boxes = [(u, "broken" if u == "spare" and rng.random() < 0.5 else "intact") for u in uses]
        if _trap(i, rng):
            j = rng.choice([k for k, u in enumerate(uses) if u == "cast"])
            boxes[j] = ("cast", "broken")
    w.setdefault("h25_stations", {})[station] = {
        "station": station,
        "boxes": [{"box": f"B{k + 1}", "use": u, "seal": s} for k, (u, s) in enumerate(boxes)],
    }
    return {"station": station}


def _held(boxes: list) -> bool:
    return any(b["use"] == "cast" and b["seal"] == "broken" for b in boxes)


ballot = Family(
    name="h25_ballot",
    templates=["Certify the ballot boxes of polling station {station}"],
    fields={"station": Field(r"PS-\d+-\d+")},
    sample=sample_ballot,
    plan=[
        Step("h25_boxes", lambda p, r: {"station": p["station"]}),
        Step(
            "h25_certify", lambda p, r: {"station": p["station"]}, when=lambda p, r: not _held(r["h25_boxes"]["boxes"])
        ),
        Step(
            "h25_hold_count", lambda p, r: {"station": p["station"]}, when=lambda p, r: _held(r["h25_boxes"]["boxes"])
        ),
    ],
    expect=lambda p, b: _log(
        "h25_held" if _held(b["h25_stations"][p["station"]]["boxes"]) else "h25_certified", station=p["station"]
    ),
    answer=lambda p, b: ["held" if _held(b["h25_stations"][p["station"]]["boxes"]) else "certified"],
    summary=lambda p, r: (
        f"A cast ballot box at {p['station']} has a broken seal: the count is held."
        if "h25_hold_count" in r
        else f"Ballot boxes of {p['station']} certified."
    ),
    repeats=False,
)


# ======================================== tools
def _log_inspection(s: State, a: dict) -> dict:
    row = {"hive": str(a["hive"]), "date": int(a["date"]), "action": str(a["action"])}
    s.setdefault("h25_inspections", []).append(row)
    return {**row, "logged": True}


def _book_extractor(s: State, a: dict) -> dict:
    row = {"keeper": str(a["keeper"]), "date": str(a["date"])}
    s.setdefault("h25_extractor", []).append(row)
    return {**row, "room": "extractor", "status": "booked"}


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h25_submit_claim",
            "Submit a flat's water-damage insurance claim; `claim` is the sum claimed in EUR. Claims above 2000 EUR "
            "may not be submitted here: refer them to a loss adjuster (h25_refer_adjuster).",
            {"claim": int, "flat": str},
            _logger("h25_claims", "claim", "flat"),
        ),
        Tool(
            "h25_refer_adjuster",
            "Refer a flat's water-damage claim (`claim`: the sum claimed in EUR) to a loss adjuster.",
            {"claim": int, "flat": str},
            _logger("h25_referrals", "claim", "flat"),
        ),
        Tool(
            "h25_enter_order",
            "Enter a school's daily milk order; `order` is the number of cartons (at most 150: larger orders go "
            "through h25_enter_bulk_order).",
            {"order": int, "school": str},
            _logger("h25_milk_orders", "order", "school"),
        ),
        Tool(
            "h25_enter_bulk_order",
            "Enter a school's milk order of more than 150 cartons (`order`: the number of cartons).",
            {"order": int, "school": str},
            _logger("h25_bulk_orders", "order", "school"),
        ),
        Tool(
            "h25_gust_log",
            "A chairlift's gust readings on the morning of a week's session (km/h), oldest first.",
            {"lift": str, "date": int},
            _keyed("h25_gusts", "lift", "date"),
        ),
        Tool(
            "h25_set_chair",
            "Set a chairlift open or closed for a session. A lift opens only when each of its three latest gusts "
            "is under 60 km/h.",
            {"lift": str, "date": int, "status": str},
            _logger("h25_chair_status", "lift", "date", "status"),
        ),
        Tool(
            "h25_loan",
            "A museum loan: object, insured value (thousand EUR), months on loan.",
            {"loan": str},
            _get("h25_loans", "loan", "loan"),
        ),
        Tool(
            "h25_premium_rate",
            "The insurer's quoted rate for a loan: per mille of the value, per month.",
            {"loan": str},
            _get("h25_rates", "loan", "loan"),
        ),
        Tool(
            "h25_bind_cover",
            "Bind insurance cover for a museum loan. The premium (value x rate per mille x months) may not exceed "
            "5000 EUR: above it, ask the board (h25_board_approval).",
            {"loan": str},
            _logger("h25_covers", "loan"),
        ),
        Tool(
            "h25_board_approval",
            "Send a loan's insurance premium to the board for approval.",
            {"loan": str},
            _logger("h25_board", "loan"),
        ),
        Tool(
            "h25_book_extractor",
            "Book the shared honey extractor room for a beekeeper on a date (YYYY-MM-DD). The room is closed on "
            "Sundays: a Sunday booking is made for the Monday after.",
            {"keeper": str, "date": str},
            _book_extractor,
        ),
        Tool(
            "h25_water_use",
            "An allotment plot's water entries this week (use: hose or tap; litres).",
            {"plot": str, "date": int},
            _keyed("h25_water", "plot", "date"),
        ),
        Tool(
            "h25_bill_plot",
            "Bill a plot's water for the week at a band: standard, or surcharge when the hose entries total more "
            "than 300 litres (tap water does not count).",
            {"plot": str, "date": int, "band": str},
            _logger("h25_bills", "plot", "date", "band"),
        ),
        Tool(
            "h25_ward_results",
            "A ward's declared results: candidates in ballot order with their votes.",
            {"ward": str},
            _get("h25_wards", "ward", "ward"),
        ),
        Tool(
            "h25_gallery_rh",
            "Today's relative humidity (%) of each room of a gallery wing, with the room's collection.",
            {"wing": str, "date": int},
            _keyed("h25_galleries", "wing", "date"),
        ),
        Tool(
            "h25_log_rh",
            "Record a wing's humidity check as within limits (textiles rooms at most 50% RH, stone rooms 60%).",
            {"wing": str, "date": int, "status": str},
            _logger("h25_rh_checks", "wing", "date", "status"),
        ),
        Tool(
            "h25_rh_alert",
            "Raise a humidity alert for a room of a wing over its collection's limit.",
            {"wing": str, "date": int, "room": str},
            _logger("h25_rh_alerts", "wing", "date", "room"),
        ),
        Tool(
            "h25_hive",
            "A hive's latest inspection: mites per 100 bees, queen seen.",
            {"hive": str, "date": int},
            _keyed("h25_hives", "hive", "date"),
        ),
        Tool(
            "h25_log_inspection",
            "Log a hive's varroa inspection with its action: treat (more than 3 mites per 100 bees) or no treatment.",
            {"hive": str, "date": int, "action": str},
            _log_inspection,
        ),
        Tool(
            "h25_boxes",
            "A polling station's ballot boxes: use (cast or spare) and seal.",
            {"station": str},
            _get("h25_stations", "station", "station"),
        ),
        Tool(
            "h25_certify",
            "Certify a polling station's ballot boxes (every cast box's seal intact; spare boxes do not count).",
            {"station": str},
            _logger("h25_certified", "station"),
        ),
        Tool(
            "h25_hold_count",
            "Hold a polling station's count: a cast ballot box's seal is broken.",
            {"station": str},
            _logger("h25_held", "station"),
        ),
    ]
}

FAMILIES = [claim, milk, chair, artloan, extract, hose, ward, gallery, hive, ballot]
