"""Probe families built on the rules replay follows (issue 9), not on any earlier probe's cases.

Same interface as the public `families.py` (TOOLS and FAMILIES), loaded *with* it (tool names are
prefixed `ru_` and collide with no other set):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \
        --families /work/shared/bench/families.py bench/families_rules.py --goals 12 --seed 1

In every family the first goals agree on what a later goal breaks; a correct system replays what
the evidence covers and hands the rest to the model (never a wrong write).

- ru_membership   rule 1, text: a plain-text check ("has no membership" / "holds a membership") decides
                  a non-idempotent join; members appear only after the fifth goal
- ru_account      rule 1, category: an account status (active / trial, then frozen) that no argument
                  uses decides a charge whose arguments are all goal values
- ru_valve        rule 1, range: a pressure no argument uses decides whether a valve opens; later
                  readings are above every one seen
- ru_crane        rule 1, range and noise: the wind speed decides a lift; every reading carries a new id
- ru_buses        rule 2, ceil: buses for riders, the first goals fall where round and ceil agree
- ru_boxes        rule 2, floor: full boxes of items, the first goals fall where round and floor agree
- ru_overtime     unit scale: hours logged as minutes (x 60), no rounding
- ru_archive      a write whose acknowledgement (a growing ticket) feeds nothing, then a second write
- ru_air          a multi-word city ("Salt Lake City") next to one-word ones
- ru_remind       a team list whose length varies: one reminder per member
"""

from __future__ import annotations

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
INT, NUM, CAPWORD, CAPWORDS, LOWER, QUOTED = fam.INT, fam.NUM, fam.CAPWORD, fam.CAPWORDS, fam.LOWER, fam.QUOTED
State = dict[str, Any]
Params = dict[str, Any]

MAX_BAR = 8.0  # a valve opens only below this pressure
MAX_WIND = 40  # a crane lifts only at or below this wind
CLUBS = ["chess", "rowing", "choir", "drama", "hiking", "karate"]
STUDENTS = ["Ada", "Ben", "Cleo", "Dev", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lea", "Milo", "Nia"]
CITIES = ["Paris", "Lima", "Oslo", "Salt Lake City", "New York", "Cairo", "Rio De Janeiro", "Denver"]


def _append(section: str, keys: list[str]):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"ok": True, "n": len(out)}

    return run


def _membership(s: State, a: dict) -> str:
    since = s["tables"].get("members", {}).get(f"{a['member']}@{a['club']}")
    if since is None:
        return f"{a['member']} has no membership of the {a['club']} club"
    return f"{a['member']} holds a membership of the {a['club']} club since {since}"


def _join(s: State, a: dict) -> dict:
    s["tables"].setdefault("members", {})[f"{a['member']}@{a['club']}"] = 2026
    s.setdefault("joined", []).append({"member": a["member"], "club": a["club"]})
    return {"ok": True}


def _account(s: State, a: dict) -> dict:
    row = s["tables"].get("accounts", {}).get(a["account"])
    if row is None:
        raise ToolFail(f"no account {a['account']}")
    return {"account": a["account"], "status": row, "currency": "EUR"}


def _pressure(s: State, a: dict) -> dict:
    bar = s["tables"].get("pressure", {}).get(a["valve"])
    if bar is None:
        raise ToolFail(f"no valve {a['valve']}")
    return {"valve": a["valve"], "bar": bar}


def _wind(s: State, a: dict) -> dict:
    kmh = s["tables"].get("wind", {}).get(a["site"])
    if kmh is None:
        raise ToolFail(f"no anemometer at {a['site']}")
    n = s["tables"]["readings"] = s["tables"].get("readings", 0) + 1  # a lookup counter, not world data
    rid = f"rd-{(n * 2654435761) % 16**6:06x}"
    return {"site": a["site"], "wind_kmh": kmh, "reading": rid}


def _archive(s: State, a: dict) -> dict:
    out = s.setdefault("archived", [])
    out.append(a["doc"])
    return {"archived": True, "ticket": f"ARC-{1000 + len(out)}"}


def _air(s: State, a: dict) -> dict:
    aqi = s["tables"].get("air", {}).get(a["city"])
    if aqi is None:
        raise ToolFail(f"no air station in {a['city']}")
    return {"city": a["city"], "aqi": aqi}


def _team(s: State, a: dict) -> dict:
    members = s["tables"].get("teams", {}).get(a["team"])
    if members is None:
        raise ToolFail(f"no team {a['team']}")
    return {"team": a["team"], "members": members}


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "ru_check_membership",
            "Whether a person is a member of a club (plain text).",
            {"member": str, "club": str},
            _membership,
        ),
        Tool(
            "ru_join_club",
            "Make a person a member of a club (only if they are not one yet).",
            {"member": str, "club": str},
            _join,
        ),
        Tool("ru_get_account", "An account's status and currency.", {"account": str}, _account),
        Tool(
            "ru_charge",
            "Charge an account (never a frozen one).",
            {"account": str, "amount": float},
            _append("charges", ["account", "amount"]),
        ),
        Tool("ru_read_pressure", "The pressure at a valve, in bar.", {"valve": str}, _pressure),
        Tool(
            "ru_open_valve",
            f"Open a valve by a percentage (only below {MAX_BAR} bar).",
            {"valve": str, "percent": int},
            _append("opened", ["valve", "percent"]),
        ),
        Tool("ru_read_wind", "The wind at a site, in km/h, with the reading's id.", {"site": str}, _wind),
        Tool(
            "ru_lift_load",
            f"Lift a load with the crane of a site (only at {MAX_WIND} km/h or less).",
            {"site": str, "tonnes": int},
            _append("lifts", ["site", "tonnes"]),
        ),
        Tool(
            "ru_book_buses",
            "Book a number of buses for a trip.",
            {"trip": str, "buses": int},
            _append("buses", ["trip", "buses"]),
        ),
        Tool("ru_save_count", "Save a named count.", {"name": str, "count": int}, _append("counts", ["name", "count"])),
        Tool(
            "ru_log_minutes",
            "Log overtime for a person, in minutes.",
            {"person": str, "minutes": float},
            _append("overtime", ["person", "minutes"]),
        ),
        Tool("ru_archive", "Archive a document; returns an archive ticket.", {"doc": str}, _archive),
        Tool(
            "ru_notify_records",
            "Tell the records office a document changed.",
            {"doc": str, "change": str},
            _append("records", ["doc", "change"]),
        ),
        Tool("ru_air_quality", "The air quality index of a city.", {"city": str}, _air),
        Tool(
            "ru_log_air",
            "Log an air quality index for a city.",
            {"city": str, "aqi": int},
            _append("air_log", ["city", "aqi"]),
        ),
        Tool("ru_get_team", "The members of a team.", {"team": str}, _team),
        Tool(
            "ru_send_reminder",
            "Send a reminder to a person about a topic.",
            {"to": str, "topic": str},
            _append("reminders", ["to", "topic"]),
        ),
    ]
}


# =========================================================================== rule 1: a text decides
def sample_membership(rng: random.Random, w: State, i: int) -> Params:
    member, club = STUDENTS[i % len(STUDENTS)], CLUBS[rng.randrange(len(CLUBS))]
    if i >= 5 and rng.random() < 0.5:
        w["tables"].setdefault("members", {})[f"{member}@{club}"] = rng.choice([2019, 2022, 2024])
    return {"member": member, "club": club}


def _not_member(p: Params, r: dict) -> bool:
    return "has no membership" in str(r["ru_check_membership"])


membership = Family(
    name="ru_membership",
    templates=["Sign {member} up for the {club} club"],
    fields={"member": CAPWORD, "club": LOWER},
    sample=sample_membership,
    plan=[
        Step("ru_check_membership", lambda p, r: {"member": p["member"], "club": p["club"]}),
        Step("ru_join_club", lambda p, r: {"member": p["member"], "club": p["club"]}, when=_not_member),
    ],
    expect=lambda p, b: (
        {}
        if f"{p['member']}@{p['club']}" in b["tables"].get("members", {})
        else {"joined": [{"member": p["member"], "club": p["club"]}]}
    ),
)


# =========================================================================== rule 1: a category decides
def sample_account(rng: random.Random, w: State, i: int) -> Params:
    acct = f"AC{rng.randint(100, 999)}"
    status = ["active", "trial"][i % 2] if i < 5 else rng.choice(["active", "frozen", "frozen", "trial"])
    w["tables"].setdefault("accounts", {})[acct] = status
    return {"account": acct, "amount": rng.randint(5, 400)}


account = Family(
    name="ru_account",
    templates=["Charge {amount} euros to account {account}"],
    fields={"amount": INT, "account": Field(r"AC\d+")},
    sample=sample_account,
    plan=[
        Step("ru_get_account", lambda p, r: {"account": p["account"]}),
        Step(
            "ru_charge",
            lambda p, r: {"account": p["account"], "amount": p["amount"]},
            when=lambda p, r: r["ru_get_account"]["status"] != "frozen",
        ),
    ],
    expect=lambda p, b: (
        {}
        if b["tables"]["accounts"][p["account"]] == "frozen"
        else {"charges": [{"account": p["account"], "amount": p["amount"]}]}
    ),
)


# =========================================================================== rule 1: a range decides
def sample_valve(rng: random.Random, w: State, i: int) -> Params:
    valve = f"V{rng.randint(10, 99)}"
    bar = round(rng.uniform(2.0, 6.5), 1) if i < 5 else rng.choice([round(rng.uniform(2.5, 6.0), 1), 9.5, 11.0])
    w["tables"].setdefault("pressure", {})[valve] = bar
    return {"valve": valve, "percent": rng.choice([10, 20, 25, 40, 50])}


valve = Family(
    name="ru_valve",
    templates=["Open valve {valve} by {percent} percent"],
    fields={"valve": Field(r"V\d+"), "percent": INT},
    sample=sample_valve,
    plan=[
        Step("ru_read_pressure", lambda p, r: {"valve": p["valve"]}),
        Step(
            "ru_open_valve",
            lambda p, r: {"valve": p["valve"], "percent": p["percent"]},
            when=lambda p, r: r["ru_read_pressure"]["bar"] < MAX_BAR,
        ),
    ],
    expect=lambda p, b: (
        {}
        if b["tables"]["pressure"][p["valve"]] >= MAX_BAR
        else {"opened": [{"valve": p["valve"], "percent": p["percent"]}]}
    ),
)


# =========================================================================== rule 1: a range, and noise
def sample_crane(rng: random.Random, w: State, i: int) -> Params:
    site = f"{rng.choice(['north', 'south', 'east', 'west'])}{rng.randint(1, 9)}"
    kmh = rng.randint(8, 30) if i < 6 else rng.choice([rng.randint(10, 28), 55, 62])
    w["tables"].setdefault("wind", {})[site] = kmh
    return {"site": site, "tonnes": rng.randint(2, 30)}


crane = Family(
    name="ru_crane",
    templates=["Lift {tonnes} tonnes with the crane at site {site}"],
    fields={"tonnes": INT, "site": Field(r"[a-z]+\d")},
    sample=sample_crane,
    plan=[
        Step("ru_read_wind", lambda p, r: {"site": p["site"]}),
        Step(
            "ru_lift_load",
            lambda p, r: {"site": p["site"], "tonnes": p["tonnes"]},
            when=lambda p, r: r["ru_read_wind"]["wind_kmh"] <= MAX_WIND,
        ),
    ],
    expect=lambda p, b: (
        {} if b["tables"]["wind"][p["site"]] > MAX_WIND else {"lifts": [{"site": p["site"], "tonnes": p["tonnes"]}]}
    ),
)


# =========================================================================== rule 2: ceil and floor
def sample_buses(rng: random.Random, w: State, i: int) -> Params:
    while True:
        seats, riders = rng.choice([30, 40, 50]), rng.randint(35, 400)
        frac = riders / seats - riders // seats
        if (frac >= 0.5) if i < 5 else frac > 0:  # first: round == ceil; later: anything not whole
            return {"riders": riders, "seats": seats, "trip": f"trip{i}{rng.randint(10, 99)}"}


buses = Family(
    name="ru_buses",
    templates=["Book buses for {riders} riders on {trip}, {seats} seats per bus"],
    fields={"riders": INT, "trip": Field(r"trip\d+"), "seats": INT},
    sample=sample_buses,
    plan=[Step("ru_book_buses", lambda p, r: {"trip": p["trip"], "buses": math.ceil(p["riders"] / p["seats"])})],
    expect=lambda p, b: {"buses": [{"trip": p["trip"], "buses": math.ceil(p["riders"] / p["seats"])}]},
)


def sample_boxes(rng: random.Random, w: State, i: int) -> Params:
    while True:
        per, items = rng.choice([6, 8, 12]), rng.randint(20, 300)
        frac = items / per - items // per
        if (0 < frac < 0.5) if i < 5 else frac > 0:  # first: round == floor
            return {"items": items, "per": per, "label": f"full_{i}_{rng.randint(1, 99)}"}


boxes = Family(
    name="ru_boxes",
    templates=["Count the full boxes for {items} items packed {per} per box and save it as '{label}'"],
    fields={"items": INT, "per": INT, "label": QUOTED},
    sample=sample_boxes,
    plan=[Step("ru_save_count", lambda p, r: {"name": p["label"], "count": p["items"] // p["per"]})],
    expect=lambda p, b: {"counts": [{"name": p["label"], "count": p["items"] // p["per"]}]},
)


# =========================================================================== less timid
def sample_overtime(rng: random.Random, w: State, i: int) -> Params:
    return {"hours": rng.choice([1, 2, 3, 4]) + rng.choice([0, 0.25, 0.5, 0.75]), "person": rng.choice(STUDENTS)}


overtime = Family(
    name="ru_overtime",
    templates=["Log {hours} hours of overtime for {person}"],
    fields={"hours": NUM, "person": CAPWORD},
    sample=sample_overtime,
    plan=[Step("ru_log_minutes", lambda p, r: {"person": p["person"], "minutes": p["hours"] * 60})],
    expect=lambda p, b: {"overtime": [{"person": p["person"], "minutes": p["hours"] * 60}]},
)


def sample_archive(rng: random.Random, w: State, i: int) -> Params:
    return {"doc": f"DOC-{rng.randint(100, 999)}"}


archive = Family(
    name="ru_archive",
    templates=["Archive document {doc} and tell the records office"],
    fields={"doc": Field(r"DOC-\d+")},
    sample=sample_archive,
    plan=[
        Step("ru_archive", lambda p, r: {"doc": p["doc"]}),
        Step("ru_notify_records", lambda p, r: {"doc": p["doc"], "change": "archived"}),
    ],
    expect=lambda p, b: {"archived": [p["doc"]], "records": [{"doc": p["doc"], "change": "archived"}]},
)


def sample_air(rng: random.Random, w: State, i: int) -> Params:
    city = CITIES[i % len(CITIES)] if i < len(CITIES) else rng.choice(CITIES)
    w["tables"].setdefault("air", {}).setdefault(city, rng.randint(10, 180))
    return {"city": city}


air = Family(
    name="ru_air",
    templates=["Log the air quality of {city}"],
    fields={"city": CAPWORDS},
    sample=sample_air,
    plan=[
        Step("ru_air_quality", lambda p, r: {"city": p["city"]}),
        Step("ru_log_air", lambda p, r: {"city": p["city"], "aqi": r["ru_air_quality"]["aqi"]}),
    ],
    expect=lambda p, b: {"air_log": [{"city": p["city"], "aqi": b["tables"]["air"][p["city"]]}]},
)


def sample_remind(rng: random.Random, w: State, i: int) -> Params:
    team = f"team{i}"
    size = 2 if i < 5 else rng.choice([1, 2, 3])
    w["tables"].setdefault("teams", {})[team] = rng.sample(STUDENTS, size)
    return {"team": team, "topic": rng.choice(["the retro", "the audit", "the offsite", "the demo"]).split()[1]}


def _reminders(p: Params, members: list[str]) -> list[dict]:
    return [{"to": m, "topic": p["topic"]} for m in members]


def _remind_plan() -> list[Any]:
    steps: list[Any] = [Step("ru_get_team", lambda p, r: {"team": p["team"]})]
    for k in range(3):
        steps.append(
            Step(
                "ru_send_reminder",
                lambda p, r, k=k: {"to": r["ru_get_team"]["members"][k], "topic": p["topic"]},
                key=f"remind{k}",
                when=lambda p, r, k=k: len(r["ru_get_team"]["members"]) > k,
            )
        )
    return steps


remind = Family(
    name="ru_remind",
    templates=["Remind the {team} team about {topic}"],
    fields={"team": Field(r"team\d+"), "topic": LOWER},
    sample=sample_remind,
    plan=_remind_plan(),
    expect=lambda p, b: {"reminders": _reminders(p, b["tables"]["teams"][p["team"]])},
)


FAMILIES: list[Family] = [membership, account, valve, crane, buses, boxes, overtime, archive, air, remind]
