"""Held-out probe families, round AK second probe (issue 9, rule 1): the classes `families_heldout25.py` found,
in other domains, written after the rules and not shaped on their tests. One wording each and no conditional
word in any goal; every rule the oracle keeps is in a tool's description. The first five goals never cross a
trap.

- h25b_refund   box office: "Refund ticket 450 for member 31", `ticket` is the sum refunded in EUR (a record
                noun and its key); refunds above 500 EUR need a supervisor (the tool's description)
- h25b_coldroom cold store: ice cream pallets at -20 C or colder, vegetables at -15 C; the pallets come in
                any order (a word of a list item decides the limit of its number)
- h25b_crew     flight crew: a pilot with a short rest grounds the flight, cabin crew with a short rest do
                not (two words of a list item)
- h25b_fence    fence stain: length x height (the site survey) x litres per m2 (the stain's sheet); above
                20 L a drum instead of tins (three numbers across two reads)
- h25b_pitch    street market: trades on Saturdays only, a booking for another day goes on the Saturday
                after (a goal date's kind of day)

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_heldout25b.py --goals 16 --seed 7
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
    "h25b_refund": WRITE,
    "h25b_refer_supervisor": WRITE,
    "h25b_pallets": READ,
    "h25b_sign_round": WRITE,
    "h25b_quarantine": WRITE,
    "h25b_crew": READ,
    "h25b_release_flight": WRITE,
    "h25b_ground_flight": WRITE,
    "h25b_survey": READ,
    "h25b_stain_sheet": READ,
    "h25b_order_tins": WRITE,
    "h25b_order_drum": WRITE,
    "h25b_book_pitch": WRITE,
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

    if getattr(Server.add_tool, "_h25b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h25b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

FIRST_WEEKS = [3, 30, 12, 21, 7]


def _trap(i: int, rng: random.Random, share: float = 0.45) -> bool:
    return i >= 5 and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(sorted(names, key=len, reverse=True)))


def _log(section: str, **row: Any) -> dict:
    return {section: [row]}


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "ok": True}

    return run


def _week(rng: random.Random, w: State, i: int, key: str, names: list[str]) -> tuple[str, int]:
    used = w.setdefault("h25b_used", {}).setdefault(key, [])
    while True:
        name = names[i % len(names)] if i < 5 else rng.choice(names)
        week = FIRST_WEEKS[i] if i < 5 else rng.randint(4, 29)
        if f"{name}|{week}" not in used:
            used.append(f"{name}|{week}")
            return name, week


def _keyed(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get("|".join(str(a[k]) for k in keys))
        if row is None:
            raise ToolFail(f"no record for {', '.join(str(a[k]) for k in keys)}")
        return row

    return run


# ======================================== 1. box office refunds: "ticket 450" is the sum refunded (EUR)
REFUND_CAP = 500


def sample_refund(rng: random.Random, w: State, i: int) -> Params:
    eur = rng.randint(520, 940) if _trap(i, rng) else rng.randint(110, 490)
    return {"ticket": eur, "member": rng.randint(10, 99)}


refund = Family(
    name="h25b_refund",
    templates=["Refund ticket {ticket} for member {member}"],
    fields={"ticket": fam.INT, "member": fam.INT},
    sample=sample_refund,
    plan=[
        Step(
            "h25b_refund",
            lambda p, r: {"ticket": p["ticket"], "member": p["member"]},
            when=lambda p, r: p["ticket"] <= REFUND_CAP,
        ),
        Step(
            "h25b_refer_supervisor",
            lambda p, r: {"ticket": p["ticket"], "member": p["member"]},
            when=lambda p, r: p["ticket"] > REFUND_CAP,
        ),
    ],
    expect=lambda p, b: _log(
        "h25b_refunds" if p["ticket"] <= REFUND_CAP else "h25b_supervisor", ticket=p["ticket"], member=p["member"]
    ),
    answer=lambda p, b: ["refunded" if p["ticket"] <= REFUND_CAP else "supervisor"],
    summary=lambda p, r: (
        f"Refunded {p['ticket']} EUR to member {p['member']}."
        if p["ticket"] <= REFUND_CAP
        else f"{p['ticket']} EUR is over {REFUND_CAP} EUR: referred to a supervisor for member {p['member']}."
    ),
    repeats=False,
)


# ======================================== 2. cold store: ice cream at -20 C or colder, vegetables at -15 C
LIMIT_C = {"ice cream": -20, "vegetables": -15}
CHAMBERS = ["Chamber 1", "Chamber 2", "Chamber 3"]
FIRST_PALLETS = [
    [("ice cream", -24), ("vegetables", -16), ("ice cream", -22)],
    [("vegetables", -15), ("ice cream", -25), ("vegetables", -18)],
    [("vegetables", -17), ("vegetables", -16), ("ice cream", -21)],
    [("ice cream", -23), ("ice cream", -21), ("vegetables", -19)],
    [("vegetables", -18), ("ice cream", -26), ("ice cream", -22)],
]


def sample_coldroom(rng: random.Random, w: State, i: int) -> Params:
    chamber, week = _week(rng, w, i, "cold", CHAMBERS)
    if i < 5:
        rows = FIRST_PALLETS[i]
    else:
        rows = [
            (g, rng.randint(-26, -21) if g == "ice cream" else rng.randint(-19, -15))
            for g in [rng.choice(sorted(LIMIT_C)) for _ in range(3)]
        ]
        if _trap(i, rng):
            k = rng.randrange(3)
            rows[k] = ("ice cream", rng.randint(-19, -16))
    w.setdefault("h25b_rooms", {})[f"{chamber}|{week}"] = {
        "chamber": chamber,
        "week": week,
        "pallets": [{"pallet": f"P{k + 1}", "goods": g, "temp_c": t} for k, (g, t) in enumerate(rows)],
    }
    return {"chamber": chamber, "week": week}


def _warm(pallets: list) -> list[str]:
    return [p["pallet"] for p in pallets if p["temp_c"] > LIMIT_C[p["goods"]]]


def _room(b: State, p: Params) -> list:
    return list(b["h25b_rooms"][f"{p['chamber']}|{p['week']}"]["pallets"])


coldroom = Family(
    name="h25b_coldroom",
    templates=["Sign the temperature round of {chamber} for week {week}"],
    fields={"chamber": _one_of(CHAMBERS), "week": fam.INT},
    sample=sample_coldroom,
    plan=[
        Step("h25b_pallets", lambda p, r: {"chamber": p["chamber"], "week": p["week"]}),
        Step(
            "h25b_sign_round",
            lambda p, r: {"chamber": p["chamber"], "week": p["week"]},
            when=lambda p, r: not _warm(r["h25b_pallets"]["pallets"]),
        ),
        Step(
            "h25b_quarantine",
            lambda p, r: {"chamber": p["chamber"], "week": p["week"], "pallet": _warm(r["h25b_pallets"]["pallets"])[0]},
            when=lambda p, r: bool(_warm(r["h25b_pallets"]["pallets"])),
        ),
    ],
    expect=lambda p, b: (
        _log("h25b_quarantined", chamber=p["chamber"], week=p["week"], pallet=_warm(_room(b, p))[0])
        if _warm(_room(b, p))
        else _log("h25b_rounds", chamber=p["chamber"], week=p["week"])
    ),
    answer=lambda p, b: [_warm(_room(b, p))[0] if _warm(_room(b, p)) else "signed"],
    summary=lambda p, r: (
        f"Pallet {r['h25b_quarantine']['pallet']} of {p['chamber']} is too warm: quarantined."
        if "h25b_quarantine" in r
        else f"Temperature round of {p['chamber']} for week {p['week']} signed."
    ),
    repeats=False,
)


# ======================================== 3. flight crew: a pilot's short rest grounds the flight
FLIGHTS = ["EZ 401", "EZ 417", "EZ 452"]
FIRST_CREW = [
    [("pilot", "complete"), ("cabin", "short"), ("pilot", "complete"), ("cabin", "complete")],
    [("cabin", "short"), ("pilot", "complete"), ("cabin", "complete"), ("pilot", "complete")],
    [("pilot", "complete"), ("pilot", "complete"), ("cabin", "short"), ("cabin", "short")],
    [("cabin", "complete"), ("cabin", "short"), ("pilot", "complete"), ("pilot", "complete")],
    [("pilot", "complete"), ("cabin", "complete"), ("cabin", "complete"), ("pilot", "complete")],
]


def sample_crew(rng: random.Random, w: State, i: int) -> Params:
    flight, week = _week(rng, w, i, "crew", FLIGHTS)
    if i < 5:
        rows = FIRST_CREW[i]
    else:
        roles = ["pilot", "pilot", "cabin", "cabin"]
        rng.shuffle(roles)
        rows = [(r, "short" if r == "cabin" and rng.random() < 0.5 else "complete") for r in roles]
        if _trap(i, rng):
            k = rng.choice([n for n, r in enumerate(roles) if r == "pilot"])
            rows[k] = ("pilot", "short")
    w.setdefault("h25b_crews", {})[f"{flight}|{week}"] = {
        "flight": flight,
        "week": week,
        "crew": [{"member": f"M{k + 1}", "role": r, "rest": s} for k, (r, s) in enumerate(rows)],
    }
    return {"flight": flight, "week": week}


def _grounded(crew: list) -> bool:
    return any(c["role"] == "pilot" and c["rest"] == "short" for c in crew)


def _crew(b: State, p: Params) -> list:
    return list(b["h25b_crews"][f"{p['flight']}|{p['week']}"]["crew"])


crew = Family(
    name="h25b_crew",
    templates=["Release flight {flight} for week {week}"],
    fields={"flight": _one_of(FLIGHTS), "week": fam.INT},
    sample=sample_crew,
    plan=[
        Step("h25b_crew", lambda p, r: {"flight": p["flight"], "week": p["week"]}),
        Step(
            "h25b_release_flight",
            lambda p, r: {"flight": p["flight"], "week": p["week"]},
            when=lambda p, r: not _grounded(r["h25b_crew"]["crew"]),
        ),
        Step(
            "h25b_ground_flight",
            lambda p, r: {"flight": p["flight"], "week": p["week"]},
            when=lambda p, r: _grounded(r["h25b_crew"]["crew"]),
        ),
    ],
    expect=lambda p, b: _log(
        "h25b_grounded" if _grounded(_crew(b, p)) else "h25b_released", flight=p["flight"], week=p["week"]
    ),
    answer=lambda p, b: ["grounded" if _grounded(_crew(b, p)) else "released"],
    summary=lambda p, r: (
        f"A pilot of {p['flight']} had a short rest: the flight is grounded."
        if "h25b_ground_flight" in r
        else f"Flight {p['flight']} released for week {p['week']}."
    ),
    repeats=False,
)


# ======================================== 4. fence stain: length x height x litres per m2 over two reads
FIRST_FENCES = [(40, 1.0, 0.4), (10, 2.0, 0.4), (40, 2.0, 0.1), (10, 1.0, 0.1), (25, 1.5, 0.25)]
DRUM_FROM = 20


def _fence_qs(n: float, hgt: float, r: float) -> list[float]:
    return [n * hgt, n * r, hgt * r, r / n, r / hgt, n / hgt, n - hgt, r - n, r - hgt]


def _fence_inside(n: float, hgt: float, r: float) -> bool:
    seen = [_fence_qs(*t) for t in FIRST_FENCES]
    return all(min(c) <= q <= max(c) for q, c in zip(_fence_qs(n, hgt, r), zip(*seen, strict=True), strict=True))


def sample_fence(rng: random.Random, w: State, i: int) -> Params:
    job = f"FJ-{rng.randint(100, 999)}{i}"
    if i < 5:
        n, hgt, r = FIRST_FENCES[i]
    else:
        trap = _trap(i, rng)
        while True:
            n, hgt, r = rng.randint(10, 40), rng.choice([1.0, 1.2, 1.5, 1.8, 2.0]), rng.randint(10, 40) / 100
            litres = n * hgt * r
            if _fence_inside(n, hgt, r) and ((22 <= litres <= 30) if trap else litres <= 18):
                break
    w.setdefault("h25b_surveys", {})[job] = {"job": job, "length_m": n, "height_m": hgt}
    w.setdefault("h25b_sheets", {})[job] = {"job": job, "stain": "Oak Satin", "litres_per_m2": r}
    return {"job": job}


def _drum(b: State, job: str) -> bool:
    s, sh = b["h25b_surveys"][job], b["h25b_sheets"][job]
    return s["length_m"] * s["height_m"] * sh["litres_per_m2"] > DRUM_FROM


def _litres(r: dict) -> float:
    s, sh = r["h25b_survey"], r["h25b_stain_sheet"]
    return float(s["length_m"] * s["height_m"] * sh["litres_per_m2"])


fence = Family(
    name="h25b_fence",
    templates=["Order the stain for fence job {job}"],
    fields={"job": Field(r"FJ-\d+")},
    sample=sample_fence,
    plan=[
        Step("h25b_survey", lambda p, r: {"job": p["job"]}),
        Step("h25b_stain_sheet", lambda p, r: {"job": p["job"]}),
        Step("h25b_order_tins", lambda p, r: {"job": p["job"]}, when=lambda p, r: _litres(r) <= DRUM_FROM),
        Step("h25b_order_drum", lambda p, r: {"job": p["job"]}, when=lambda p, r: _litres(r) > DRUM_FROM),
    ],
    expect=lambda p, b: _log("h25b_drums" if _drum(b, p["job"]) else "h25b_tins", job=p["job"]),
    answer=lambda p, b: ["drum" if _drum(b, p["job"]) else "tins"],
    summary=lambda p, r: (
        f"Fence job {p['job']} needs more than {DRUM_FROM} L: a drum ordered."
        if "h25b_order_drum" in r
        else f"Tins of stain ordered for fence job {p['job']}."
    ),
    repeats=False,
)


# ======================================== 5. street market: Saturdays only
TRADERS = ["Olu's Bakes", "Fenwick Cheese", "Rosa Flowers", "Tamsin Pots", "Kai Noodles"]


def sample_pitch(rng: random.Random, w: State, i: int) -> Params:
    other = _trap(i, rng, 0.4)
    while True:
        d = dt.date(2026, 12, 4) + dt.timedelta(days=rng.randint(3, 45))
        if (d.weekday() != 5) == other:
            break
    return {"pitch": rng.randint(1, 40), "trader": rng.choice(TRADERS), "date": d.isoformat()}


def _saturday(date: str) -> str:
    d = dt.date.fromisoformat(date)
    return (d + dt.timedelta(days=(5 - d.weekday()) % 7)).isoformat()


pitch = Family(
    name="h25b_pitch",
    templates=["Reserve market pitch {pitch} for {trader} on {date}"],
    fields={"pitch": fam.INT, "trader": _one_of(TRADERS), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_pitch,
    plan=[
        Step(
            "h25b_book_pitch",
            lambda p, r: {"pitch": p["pitch"], "trader": p["trader"], "date": _saturday(p["date"])},
        )
    ],
    expect=lambda p, b: _log("h25b_pitches", pitch=p["pitch"], trader=p["trader"], date=_saturday(p["date"])),
    answer=lambda p, b: [_saturday(p["date"])],
    summary=lambda p, r: f"Pitch {p['pitch']} reserved for {p['trader']} on {_saturday(p['date'])}.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h25b_refund",
            "Refund a member's ticket; `ticket` is the sum refunded in EUR. Refunds above 500 EUR need a "
            "supervisor: use h25b_refer_supervisor.",
            {"ticket": int, "member": int},
            _logger("h25b_refunds", "ticket", "member"),
        ),
        Tool(
            "h25b_refer_supervisor",
            "Refer a member's ticket refund (`ticket`: EUR) to a supervisor.",
            {"ticket": int, "member": int},
            _logger("h25b_supervisor", "ticket", "member"),
        ),
        Tool(
            "h25b_pallets",
            "A cold store chamber's pallets at this week's temperature round: goods and temperature (C).",
            {"chamber": str, "week": int},
            _keyed("h25b_rooms", "chamber", "week"),
        ),
        Tool(
            "h25b_sign_round",
            "Sign a chamber's temperature round: ice cream at -20 C or colder, vegetables at -15 C or colder.",
            {"chamber": str, "week": int},
            _logger("h25b_rounds", "chamber", "week"),
        ),
        Tool(
            "h25b_quarantine",
            "Quarantine a pallet that is warmer than its goods allow.",
            {"chamber": str, "week": int, "pallet": str},
            _logger("h25b_quarantined", "chamber", "week", "pallet"),
        ),
        Tool(
            "h25b_crew",
            "A flight's crew for a week: role (pilot or cabin) and rest before duty (complete or short).",
            {"flight": str, "week": int},
            _keyed("h25b_crews", "flight", "week"),
        ),
        Tool(
            "h25b_release_flight",
            "Release a flight for a week (no pilot with a short rest; cabin crew with a short rest may fly).",
            {"flight": str, "week": int},
            _logger("h25b_released", "flight", "week"),
        ),
        Tool(
            "h25b_ground_flight",
            "Ground a flight for a week: a pilot had a short rest.",
            {"flight": str, "week": int},
            _logger("h25b_grounded", "flight", "week"),
        ),
        Tool(
            "h25b_survey",
            "A fence job's site survey: length and height in metres.",
            {"job": str},
            _keyed("h25b_surveys", "job"),
        ),
        Tool(
            "h25b_stain_sheet",
            "The stain's data sheet for a fence job: litres per m2.",
            {"job": str},
            _keyed("h25b_sheets", "job"),
        ),
        Tool(
            "h25b_order_tins",
            "Order tins of stain for a fence job (at most 20 litres: length x height x litres per m2).",
            {"job": str},
            _logger("h25b_tins", "job"),
        ),
        Tool(
            "h25b_order_drum",
            "Order a drum of stain for a fence job that needs more than 20 litres.",
            {"job": str},
            _logger("h25b_drums", "job"),
        ),
        Tool(
            "h25b_book_pitch",
            "Reserve a street market pitch for a trader on a date (YYYY-MM-DD). The market trades on Saturdays "
            "only: a booking for another day is made for the Saturday after.",
            {"pitch": int, "trader": str, "date": str},
            _logger("h25b_pitches", "pitch", "trader", "date"),
        ),
    ]
}

FAMILIES = [refund, coldroom, crew, fence, pitch]
