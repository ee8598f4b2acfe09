"""Held-out probe families, red-team round D (issue 9): domains and shapes no other set uses.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h6_` and
collide with no other set. Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout6.py --goals 8 --seed 7

Emphasis of this round: sibling WORDINGS of one task that mean something different with the same
tools (all vs half, up vs down, add vs remove vs set, another constant), lists of varying length,
nested JSON results, ids and codes of many shapes (ISO containers, IBANs, PNRs, postcodes with a
space, tickets with '#', backup ids made of dates), dates and times (time zones across midnight, a
56-day rule), idempotent vs non-idempotent writes, acknowledgements that carry new values, a
transient tool error between two writes. In every family the first four goals agree on something a
later goal breaks (see the table in bench/README.md).

MCP annotations: some tools declare hints (ANNOTATIONS), others none (a non-idempotent write).
Loaded inside `tools_server.py` this module wraps `add_tool` to add them (nothing happens elsewhere).
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
INT, NUM, CAPWORDS, QUOTED = fam.INT, fam.NUM, fam.CAPWORDS, fam.QUOTED
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h6_points": READ,
    "h6_redeem": WRITE,
    "h6_deployment": READ,
    "h6_scale": IDEMPOTENT,
    "h6_office": READ,
    "h6_container": READ,
    "h6_set_reefer": IDEMPOTENT,
    "h6_policy": READ,
    "h6_booking": READ,
    "h6_account": READ,
    "h6_plan_price": READ,
    "h6_song": READ,
    "h6_set_key": IDEMPOTENT,
    "h6_ticket": READ,
    "h6_party": READ,
    "h6_set_guests": IDEMPOTENT,
    "h6_vehicle": READ,
    "h6_set_odometer": IDEMPOTENT,
    "h6_donor": READ,
    "h6_postcode": READ,
    "h6_zone_rate": READ,
    "h6_backups": READ,
    "h6_restore": DESTRUCTIVE,
    "h6_balance": READ,
    "h6_scores": READ,
    "h6_marks": READ,
    "h6_cert": READ,
    "h6_renew_cert": IDEMPOTENT,
    "h6_order": READ,
    "h6_window": READ,
    "h6_appliance": READ,
    "h6_itinerary": READ,
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

    if getattr(Server.add_tool, "_h6_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h6_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _mixed(i: int, rng: random.Random, early: Any, *later: Any) -> Any:
    """The early value for the first four goals, then one of early/later at random."""
    return early if i < 4 else rng.choice([early, *later])


def _table(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


FIRST = ["Ana", "Tomas", "Ines", "Kofi", "Mei", "Rafael", "Sigrid", "Omar", "Yara", "Pavel", "Noor", "Elif"]
LAST = ["Lima", "Brandt", "Osei", "Tanaka", "Quinn", "Varga", "Nilsen", "Rossi", "Amari", "Falk"]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# =========================================================================== 1. loyalty: all vs half vs ask
def _redeem(s: State, a: dict) -> dict:
    row = s["loyalty"][a["member"]]
    if a["points"] > row["points"] or a["points"] <= 0:
        raise ToolFail(f"cannot redeem {a['points']} points: {row['points']} available")
    row["points"] -= a["points"]
    out = s.setdefault("redemptions", [])
    out.append({"member": a["member"], "points": a["points"]})
    return {"voucher": f"VC-{7100 + len(out)}", "value_eur": round(a["points"] / 100, 2), "points_left": row["points"]}


def sample_loyalty(rng: random.Random, w: State, i: int) -> Params:
    member = _person(rng)
    while member in w.get("loyalty", {}):
        member = _person(rng)
    wording = rng.randrange(3)
    points = rng.randrange(400, 9000, 2) if i < 4 else rng.randint(400, 9000)  # odd halves only later
    status = _mixed(i, rng, "active", "frozen")
    w.setdefault("loyalty", {})[member] = {"points": points, "status": status}
    return {"member": member, "wording": wording}


def _loyal_n(p: Params, row: dict) -> int:
    return row["points"] if p["wording"] == 0 else row["points"] // 2


def _loyal_ok(p: Params, row: dict) -> bool:
    return p["wording"] != 2 and row["status"] == "active" and _loyal_n(p, row) > 0


def _loyal_expect(p: Params, b: State) -> dict:
    row = b["loyalty"][p["member"]]
    if not _loyal_ok(p, row):
        return {}
    n = _loyal_n(p, row)
    return {
        "loyalty": {p["member"]: {**row, "points": row["points"] - n}},
        "redemptions": [{"member": p["member"], "points": n}],
    }


def _loyal_answer(p: Params, b: State) -> list:
    row = b["loyalty"][p["member"]]
    if p["wording"] == 2:
        return [row["points"]]
    if row["status"] != "active":
        return ["frozen"]
    if _loyal_n(p, row) <= 0:
        return ["no points"]
    return [round(_loyal_n(p, row) / 100, 2)]


def _points_view(s: State, a: dict) -> dict:
    row = s.get("loyalty", {}).get(a["member"])
    if row is None:
        raise ToolFail(f"no member {a['member']}")
    return {"member": a["member"], "points": row["points"], "account": {"status": row["status"], "tier": "silver"}}


def _loyal_summary(p: Params, r: dict) -> str:
    v = r["h6_points"]
    if p["wording"] == 2:
        return f"{p['member']} has {v['points']} loyalty points."
    if "h6_redeem" in r:
        ack = r["h6_redeem"]
        return f"Redeemed for voucher {ack['voucher']} worth {ack['value_eur']} EUR; {ack['points_left']} points left."
    if v["account"]["status"] != "active":
        return f"Nothing redeemed: {p['member']}'s account is frozen."
    return f"Nothing redeemed: {p['member']} has no points to redeem."


loyalty = Family(
    name="h6_loyalty",
    templates=[
        "Redeem all of {member}'s loyalty points",
        "Please redeem half of {member}'s loyalty points (round down)",
        "How many loyalty points does {member} have?",
    ],
    fields={"member": CAPWORDS},
    sample=sample_loyalty,
    plan=[
        Step("h6_points", lambda p, r: {"member": p["member"]}),
        Step(
            "h6_redeem",
            lambda p, r: {
                "member": p["member"],
                "points": r["h6_points"]["points"] // (1 if p["wording"] == 0 else 2),
            },
            when=lambda p, r: (
                p["wording"] != 2
                and r["h6_points"]["account"]["status"] == "active"
                and r["h6_points"]["points"] // (1 if p["wording"] == 0 else 2) > 0
            ),
        ),
    ],
    expect=_loyal_expect,
    answer=_loyal_answer,
    summary=_loyal_summary,
)


# =========================================================================== 2. deployments: set / add / remove
def _deployment(s: State, a: dict) -> dict:
    row = s.get("deployments", {}).get(a["name"])
    if row is None:
        raise ToolFail(f"deployment {a['name']} not found")
    return {
        "metadata": {"name": a["name"], "namespace": row["ns"]},
        "spec": {"replicas": row["replicas"], "paused": row["paused"]},
        "status": {"ready": row["replicas"], "phase": "Paused" if row["paused"] else "Running"},
        "policy": {"max_replicas": row["max"]},
    }


def _scale(s: State, a: dict) -> dict:
    row = s["deployments"][a["name"]]
    old, row["replicas"] = row["replicas"], a["replicas"]
    return {"name": a["name"], "replicas": a["replicas"], "previous": old}


DEPLOYS = ["checkout-api", "search-web", "billing-worker", "media-resizer", "auth-gateway", "report-cron"]


def sample_replicas(rng: random.Random, w: State, i: int) -> Params:
    name = f"{rng.choice(DEPLOYS)}-{rng.randint(2, 99)}"
    while name in w.get("deployments", {}):
        name = f"{rng.choice(DEPLOYS)}-{rng.randint(2, 99)}"
    wording = rng.randrange(3)
    top = rng.choice([8, 10, 12, 16])
    cur = rng.randint(3, 7)
    trap = _mixed(i, rng, "none", "paused", "over")
    if wording == 0:
        n = rng.randint(1, top) if trap != "over" else top + rng.randint(1, 3)
    elif wording == 1:
        n = rng.randint(1, top - cur) if trap != "over" else top - cur + rng.randint(1, 2)
    else:
        n = rng.randint(1, cur - 1)
    w.setdefault("deployments", {})[name] = {
        "ns": rng.choice(["shop", "infra", "media"]),
        "replicas": cur,
        "paused": trap == "paused",
        "max": top,
    }
    return {"dep": name, "n": n, "wording": wording}


def _rep_target(p: Params, cur: int) -> int:
    return [p["n"], cur + p["n"], cur - p["n"]][p["wording"]]


def _rep_ok(p: Params, row: dict) -> bool:
    return not row["paused"] and 1 <= _rep_target(p, row["replicas"]) <= row["max"]


replicas = Family(
    name="h6_replicas",
    templates=[
        "Scale deployment {dep} to {n} replicas",
        "Add {n} replicas to deployment {dep}",
        "deployment {dep}: take {n} replicas away",
    ],
    fields={"dep": Field(r"[a-z]+(?:-[a-z0-9]+)+"), "n": INT},
    sample=sample_replicas,
    plan=[
        Step("h6_deployment", lambda p, r: {"name": p["dep"]}),
        Step(
            "h6_scale",
            lambda p, r: {"name": p["dep"], "replicas": _rep_target(p, r["h6_deployment"]["spec"]["replicas"])},
            when=lambda p, r: (
                not r["h6_deployment"]["spec"]["paused"]
                and 1
                <= _rep_target(p, r["h6_deployment"]["spec"]["replicas"])
                <= r["h6_deployment"]["policy"]["max_replicas"]
            ),
        ),
    ],
    expect=lambda p, b: (
        {
            "deployments": {
                p["dep"]: {
                    **b["deployments"][p["dep"]],
                    "replicas": _rep_target(p, b["deployments"][p["dep"]]["replicas"]),
                }
            }
        }
        if _rep_ok(p, b["deployments"][p["dep"]])
        else {}
    ),
    answer=lambda p, b: (
        [_rep_target(p, b["deployments"][p["dep"]]["replicas"])]
        if _rep_ok(p, b["deployments"][p["dep"]])
        else ["paused"]
        if b["deployments"][p["dep"]]["paused"]
        else ["limit"]
    ),
    summary=lambda p, r: (
        f"{p['dep']} now runs {r['h6_scale']['replicas']} replicas (was {r['h6_scale']['previous']})."
        if "h6_scale" in r
        else f"Not scaled: {p['dep']} is paused."
        if r["h6_deployment"]["spec"]["paused"]
        else f"Not scaled: that would pass the limit of {r['h6_deployment']['policy']['max_replicas']} replicas."
    ),
)


# =========================================================================== 3. meetings across time zones
def _book_call(s: State, a: dict) -> dict:
    out = s.setdefault("calls_booked", [])
    out.append({"office": a["office"], "date": a["date"], "time": a["time"]})
    return {"booking": f"CAL-{4400 + len(out)}", "local": f"{a['date']} {a['time']}"}


OFFICES = {
    "Tokyo": ("+09:00", "08:00", "19:00"),
    "Sao Paulo": ("-03:00", "08:00", "18:00"),
    "New York": ("-05:00", "07:00", "19:00"),
    "Kuala Lumpur": ("+08:00", "08:00", "18:00"),
    "Cape Town": ("+02:00", "08:00", "17:00"),
    "Reykjavik": ("+00:00", "08:00", "17:00"),
}
SUPPORT = {"Auckland Support": ("+13:00", "00:00", "23:59"), "Honolulu Support": ("-10:00", "00:00", "23:59")}


def _local(p: Params, off: str) -> dt.datetime:
    sign = 1 if off[0] == "+" else -1
    h, m = int(off[1:3]), int(off[4:6])
    t = dt.datetime.fromisoformat(f"{p['date']}T{p['time']}")
    return t + sign * dt.timedelta(hours=h, minutes=m)


def _office_open(row: dict, local: dt.datetime) -> bool:
    return row["opens"] <= local.strftime("%H:%M") <= row["closes"]


def sample_meeting(rng: random.Random, w: State, i: int) -> Params:
    for name, (off, o, c) in {**OFFICES, **SUPPORT}.items():
        w["tables"].setdefault("h6_offices", {})[name] = {"city": name, "utc_offset": off, "opens": o, "closes": c}
    trap = _mixed(i, rng, "none", "closed", "midnight")
    date = dt.date(2026, rng.randint(1, 11), rng.randint(1, 27)).isoformat()
    while True:
        city = rng.choice(list(SUPPORT) if trap == "midnight" else list(OFFICES))
        time = f"{rng.randint(0, 23):02d}:{rng.choice(['00', '15', '30', '45'])}"
        p = {"city": city, "date": date, "time": time, "wording": rng.randrange(2)}
        row = w["tables"]["h6_offices"][city]
        local = _local(p, row["utc_offset"])
        same_day = local.date().isoformat() == date
        if trap == "none" and _office_open(row, local) and same_day:
            return p
        if trap == "closed" and not _office_open(row, local):
            return p
        if trap == "midnight" and not same_day:
            return p


def _meet(p: Params, b: State) -> tuple[bool, dt.datetime]:
    row = b["tables"]["h6_offices"][p["city"]]
    local = _local(p, row["utc_offset"])
    return _office_open(row, local), local


meeting = Family(
    name="h6_meeting",
    templates=[
        "Book a call with our {city} office on {date} at {time} UTC",
        "Set up a {time} UTC call on {date} with the team in {city}, please",
    ],
    fields={"city": CAPWORDS, "date": Field(r"\d{4}-\d{2}-\d{2}"), "time": Field(r"\d{2}:\d{2}")},
    sample=sample_meeting,
    plan=[
        Step("h6_office", lambda p, r: {"city": p["city"]}),
        Step(
            "h6_book_call",
            lambda p, r: {
                "office": p["city"],
                "date": _local(p, r["h6_office"]["utc_offset"]).date().isoformat(),
                "time": _local(p, r["h6_office"]["utc_offset"]).strftime("%H:%M"),
            },
            when=lambda p, r: _office_open(r["h6_office"], _local(p, r["h6_office"]["utc_offset"])),
        ),
    ],
    expect=lambda p, b: (
        {
            "calls_booked": [
                {
                    "office": p["city"],
                    "date": _meet(p, b)[1].date().isoformat(),
                    "time": _meet(p, b)[1].strftime("%H:%M"),
                }
            ]
        }
        if _meet(p, b)[0]
        else {}
    ),
    answer=lambda p, b: (
        [_meet(p, b)[1].date().isoformat(), _meet(p, b)[1].strftime("%H:%M")] if _meet(p, b)[0] else ["closed"]
    ),
    summary=lambda p, r: (
        f"Booked {r['h6_book_call']['booking']}: {r['h6_book_call']['local']} local time in {p['city']}."
        if "h6_book_call" in r
        else f"Not booked: {p['time']} UTC is {_local(p, r['h6_office']['utc_offset']).strftime('%H:%M')} in "
        f"{p['city']}, when the office is closed."
    ),
)


# =========================================================================== 4. reefer containers
def _container(s: State, a: dict) -> dict:
    row = s.get("reefers", {}).get(a["container"])
    cargo = s["tables"].get("h6_cargo", {}).get(a["container"])
    if row is None or cargo is None:
        raise ToolFail(f"unknown container {a['container']}")
    return {
        "container": a["container"],
        "cargo": cargo,
        "power": row["power"],
        "location": {"terminal": row["terminal"], "row": row["row"]},
        "set_c": row["set_c"],
    }


def _set_reefer(s: State, a: dict) -> dict:
    row = s["reefers"][a["container"]]
    if row["power"] != "connected":
        raise ToolFail(f"{a['container']} has no shore power")
    row["set_c"] = a["setpoint_c"]
    return {"container": a["container"], "setpoint_c": a["setpoint_c"], "alarm": "none"}


CHILLED = [("bananas", 13.3), ("avocados", 5.5), ("apples", 1.0), ("grapes", 0.5), ("citrus", 7.0)]
FROZEN = [("frozen fish", -18.0), ("ice cream", -25.0), ("frozen peas", -20.0)]


def sample_reefer(rng: random.Random, w: State, i: int) -> Params:
    box = f"{rng.choice(['MSCU', 'MAEU', 'CMAU', 'HLXU', 'TGHU'])}{rng.randint(1000000, 9999999)}"
    trap = _mixed(i, rng, "none", "frozen", "unplugged")
    commodity, sp = rng.choice(FROZEN if trap == "frozen" else CHILLED)
    w["tables"].setdefault("h6_cargo", {})[box] = {
        "commodity": commodity,
        "setpoint_c": sp,
        "class": "frozen" if sp < 0 else "chilled",
    }
    w.setdefault("reefers", {})[box] = {
        "power": "disconnected" if trap == "unplugged" else "connected",
        "terminal": rng.choice(["T1", "T2", "T4"]),
        "row": rng.randint(1, 40),
        "set_c": 20.0,
    }
    return {"box": box, "wording": rng.randrange(3)}


def _reefer_target(p: Params, b: State) -> float:
    return round(b["tables"]["h6_cargo"][p["box"]]["setpoint_c"] - (2 if p["wording"] == 2 else 0), 1)


def _reefer_writes(p: Params, b: State) -> bool:
    return p["wording"] != 1 and b["reefers"][p["box"]]["power"] == "connected"


reefer = Family(
    name="h6_reefer",
    templates=[
        "Set reefer {box} to its cargo's setpoint",
        "What is the cargo setpoint for container {box}?",
        "Set reefer {box} two degrees below its cargo's setpoint",
    ],
    fields={"box": Field(r"[A-Z]{4}\d{7}")},
    sample=sample_reefer,
    plan=[
        Step("h6_container", lambda p, r: {"container": p["box"]}),
        Step(
            "h6_set_reefer",
            lambda p, r: {
                "container": p["box"],
                "setpoint_c": round(r["h6_container"]["cargo"]["setpoint_c"] - (2 if p["wording"] == 2 else 0), 1),
            },
            when=lambda p, r: p["wording"] != 1 and r["h6_container"]["power"] == "connected",
        ),
    ],
    expect=lambda p, b: (
        {"reefers": {p["box"]: {**b["reefers"][p["box"]], "set_c": _reefer_target(p, b)}}}
        if _reefer_writes(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [b["tables"]["h6_cargo"][p["box"]]["setpoint_c"]]
        if p["wording"] == 1
        else [_reefer_target(p, b)]
        if _reefer_writes(p, b)
        else ["disconnected"]
    ),
    summary=lambda p, r: (
        f"The cargo of {p['box']} ({r['h6_container']['cargo']['commodity']}) is kept at "
        f"{r['h6_container']['cargo']['setpoint_c']} C."
        if p["wording"] == 1
        else f"{p['box']} set to {r['h6_set_reefer']['setpoint_c']} C."
        if "h6_set_reefer" in r
        else f"Not set: {p['box']} is disconnected from shore power."
    ),
)


# =========================================================================== 5. insurance claims
def _pay_claim(s: State, a: dict) -> dict:
    out = s.setdefault("claim_payments", [])
    out.append({"policy": a["policy"], "claim": a["claim"], "amount": a["amount"]})
    return {"payment": f"PAY-{90210 + len(out)}", "amount": a["amount"], "status": "sent"}


def sample_claim(rng: random.Random, w: State, i: int) -> Params:
    pol = f"HX-{rng.randint(10000, 99999)}-{rng.choice('ABCDE')}"
    claim = f"CLM/2026/{rng.randint(100, 9999):05d}"
    ded, limit = rng.choice([250, 500, 1000]), rng.choice([5000, 8000, 12000])
    trap = _mixed(i, rng, "none", "under", "cap", "lapsed")
    if trap == "under":
        eur = rng.randint(120, ded - 10)
    elif trap == "cap":
        eur = ded + limit + rng.randint(50, 900)
    else:
        eur = ded + rng.randint(100, limit - 200)
    w["tables"].setdefault("h6_policies", {})[pol] = {
        "policy": pol,
        "holder": _person(rng),
        "deductible_eur": ded,
        "limit_eur": limit,
        "status": "lapsed" if trap == "lapsed" else "active",
    }
    return {"policy": pol, "claim": claim, "eur": eur, "wording": rng.randrange(2)}


def _claim_pay(p: Params, pol: dict) -> int:
    return min(p["eur"] - pol["deductible_eur"], pol["limit_eur"])


def _claim_ok(p: Params, pol: dict) -> bool:
    return pol["status"] == "active" and p["eur"] > pol["deductible_eur"]


def _pol(p: Params, b: State) -> dict:
    return b["tables"]["h6_policies"][p["policy"]]


claim = Family(
    name="h6_claim",
    templates=[
        "Settle claim {claim} on policy {policy}: the damage is {eur} EUR",
        "Claim {claim} ({eur} EUR of damage) under policy {policy} - pay out what is owed",
    ],
    fields={"claim": Field(r"CLM/\d{4}/\d{5}"), "policy": Field(r"HX-\d{5}-[A-E]"), "eur": INT},
    sample=sample_claim,
    plan=[
        Step("h6_policy", lambda p, r: {"policy": p["policy"]}),
        Step(
            "h6_pay_claim",
            lambda p, r: {"policy": p["policy"], "claim": p["claim"], "amount": _claim_pay(p, r["h6_policy"])},
            when=lambda p, r: _claim_ok(p, r["h6_policy"]),
        ),
    ],
    expect=lambda p, b: (
        {"claim_payments": [{"policy": p["policy"], "claim": p["claim"], "amount": _claim_pay(p, _pol(p, b))}]}
        if _claim_ok(p, _pol(p, b))
        else {}
    ),
    answer=lambda p, b: (
        [_claim_pay(p, _pol(p, b))]
        if _claim_ok(p, _pol(p, b))
        else ["lapsed"]
        if _pol(p, b)["status"] != "active"
        else ["deductible"]
    ),
    summary=lambda p, r: (
        f"Paid {r['h6_pay_claim']['amount']} EUR on {p['claim']} ({r['h6_pay_claim']['payment']})."
        if "h6_pay_claim" in r
        else f"Nothing paid: policy {p['policy']} has lapsed."
        if r["h6_policy"]["status"] != "active"
        else f"Nothing paid: {p['eur']} EUR is within the deductible of {r['h6_policy']['deductible_eur']} EUR."
    ),
)


# =========================================================================== 6. excess baggage (plain text)
def _booking(s: State, a: dict) -> str:
    row = s["tables"].get("h6_pnrs", {}).get(a["pnr"])
    if row is None:
        raise ToolFail(f"no booking {a['pnr']}")
    return (
        f"PNR {a['pnr']}: {row['name']}, {row['cabin']}, allowance {row['allowance']} kg, "
        f"excess {row['rate']:.2f} EUR/kg, seat {row['seat']}"
    )


def _charge_excess(s: State, a: dict) -> dict:
    out = s.setdefault("excess_charges", [])
    out.append({"pnr": a["pnr"], "kg": a["kg"], "eur": a["eur"]})
    return {"receipt": f"EXB{len(out):04d}", "eur": a["eur"]}


CABINS = {"economy": (23, 12.5), "premium": (28, 10.0), "business": (32, 8.0)}


def _pnr(rng: random.Random) -> str:
    while True:
        s = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
        if any(c.isdigit() for c in s) and any(c.isalpha() for c in s):
            return s


def sample_baggage(rng: random.Random, w: State, i: int) -> Params:
    pnr = _pnr(rng)
    cabin = rng.choice(["economy", "premium"]) if i < 4 else rng.choice(list(CABINS))
    allow, rate = CABINS[cabin]
    over = i >= 4 and rng.random() < 0.4
    kg = round(rng.uniform(allow - 6, allow - 0.5) if over else rng.uniform(allow + 1, allow + 9), 1)
    w["tables"].setdefault("h6_pnrs", {})[pnr] = {
        "name": _person(rng),
        "cabin": cabin,
        "allowance": allow,
        "rate": rate,
        "seat": f"{rng.randint(1, 40)}{rng.choice('ABCDEF')}",
    }
    return {"pnr": pnr, "kg": kg, "wording": rng.randrange(2)}


def _bag_fee(p: Params, row: dict) -> float:
    return round_half_up((p["kg"] - row["allowance"]) * row["rate"], 2)


def _bag_text(text: str) -> dict:
    allow = int(text.split("allowance ")[1].split(" kg")[0])
    rate = float(text.split("excess ")[1].split(" EUR")[0])
    return {"allowance": allow, "rate": rate}


baggage = Family(
    name="h6_baggage",
    templates=[
        "Check in {kg} kg of bags for booking {pnr}",
        "Booking {pnr} has {kg} kg of luggage; charge any excess and tell me the fee",
    ],
    fields={"kg": NUM, "pnr": Field(r"[A-Z0-9]{6}")},
    sample=sample_baggage,
    plan=[
        Step("h6_booking", lambda p, r: {"pnr": p["pnr"]}),
        Step(
            "h6_charge_excess",
            lambda p, r: {
                "pnr": p["pnr"],
                "kg": round(p["kg"] - _bag_text(r["h6_booking"])["allowance"], 1),
                "eur": _bag_fee(p, _bag_text(r["h6_booking"])),
            },
            when=lambda p, r: p["kg"] > _bag_text(r["h6_booking"])["allowance"],
        ),
    ],
    expect=lambda p, b: (
        {
            "excess_charges": [
                {
                    "pnr": p["pnr"],
                    "kg": round(p["kg"] - b["tables"]["h6_pnrs"][p["pnr"]]["allowance"], 1),
                    "eur": _bag_fee(p, b["tables"]["h6_pnrs"][p["pnr"]]),
                }
            ]
        }
        if p["kg"] > b["tables"]["h6_pnrs"][p["pnr"]]["allowance"]
        else {}
    ),
    answer=lambda p, b: (
        [_bag_fee(p, b["tables"]["h6_pnrs"][p["pnr"]])]
        if p["kg"] > b["tables"]["h6_pnrs"][p["pnr"]]["allowance"]
        else ["within"]
    ),
    summary=lambda p, r: (
        f"Checked in; excess fee {r['h6_charge_excess']['eur']} EUR (receipt {r['h6_charge_excess']['receipt']})."
        if "h6_charge_excess" in r
        else f"Checked in: {p['kg']} kg is within the allowance, no fee."
    ),
)


# =========================================================================== 7. subscription upgrade (proration)
def _account(s: State, a: dict) -> dict:
    row = s.get("subscriptions", {}).get(a["account"])
    if row is None:
        raise ToolFail(f"no account {a['account']}")
    return {
        "account": a["account"],
        "plan": {"name": row["plan"], "monthly_eur": PLANS[row["plan"]]},
        "cycle": {"days_left": row["days_left"], "days_total": row["days_total"]},
    }


def _change_plan(s: State, a: dict) -> dict:
    row = s["subscriptions"][a["account"]]
    row["plan"] = a["plan"]
    out = s.setdefault("plan_charges", [])
    out.append({"account": a["account"], "plan": a["plan"], "charge_eur": a["charge_eur"]})
    return {
        "account": a["account"],
        "plan": a["plan"],
        "charged_eur": a["charge_eur"],
        "invoice": f"INV{880 + len(out)}",
    }


PLANS = {"Starter": 9, "Team": 29, "Team Plus": 49, "Studio": 79, "Enterprise Lite": 129}


def sample_plan(rng: random.Random, w: State, i: int) -> Params:
    w["tables"]["h6_plans"] = {k: {"plan": k, "monthly_eur": v} for k, v in PLANS.items()}
    acct = f"acct_{rng.randint(10000, 99999)}"
    names = list(PLANS)
    trap = _mixed(i, rng, "none", "downgrade", "month31")
    cur = rng.randrange(0, 4)
    new = rng.randrange(cur + 1, 5) if trap != "downgrade" else rng.randrange(0, cur + 1)
    total = 31 if trap == "month31" else 30
    left = rng.randint(2, 28)
    while is_tie((PLANS[names[new]] - PLANS[names[cur]]) * left / total, 2):
        left = rng.randint(2, 28)
    w.setdefault("subscriptions", {})[acct] = {"plan": names[cur], "days_left": left, "days_total": total}
    return {"acct": acct, "plan": names[new], "wording": rng.randrange(2)}


def _prorate(p: Params, row: dict) -> float:
    return round_half_up((PLANS[p["plan"]] - PLANS[row["plan"]]) * row["days_left"] / row["days_total"], 2)


def _up(p: Params, b: State) -> bool:
    return PLANS[p["plan"]] > PLANS[b["subscriptions"][p["acct"]]["plan"]]


plan = Family(
    name="h6_plan",
    templates=["Upgrade account {acct} to the {plan} plan", "Move {acct} onto {plan} today and bill the difference"],
    fields={"acct": Field(r"acct_\d{5}"), "plan": CAPWORDS},
    sample=sample_plan,
    plan=[
        Step("h6_account", lambda p, r: {"account": p["acct"]}, group="look"),
        Step("h6_plan_price", lambda p, r: {"plan": p["plan"]}, group="look"),
        Step(
            "h6_change_plan",
            lambda p, r: {
                "account": p["acct"],
                "plan": p["plan"],
                "charge_eur": round_half_up(
                    (r["h6_plan_price"]["monthly_eur"] - r["h6_account"]["plan"]["monthly_eur"])
                    * r["h6_account"]["cycle"]["days_left"]
                    / r["h6_account"]["cycle"]["days_total"],
                    2,
                ),
            },
            when=lambda p, r: r["h6_plan_price"]["monthly_eur"] > r["h6_account"]["plan"]["monthly_eur"],
        ),
    ],
    expect=lambda p, b: (
        {
            "subscriptions": {p["acct"]: {**b["subscriptions"][p["acct"]], "plan": p["plan"]}},
            "plan_charges": [
                {"account": p["acct"], "plan": p["plan"], "charge_eur": _prorate(p, b["subscriptions"][p["acct"]])}
            ],
        }
        if _up(p, b)
        else {}
    ),
    answer=lambda p, b: [_prorate(p, b["subscriptions"][p["acct"]])] if _up(p, b) else ["not an upgrade"],
    summary=lambda p, r: (
        f"{p['acct']} is on {p['plan']}; charged {r['h6_change_plan']['charged_eur']} EUR "
        f"({r['h6_change_plan']['invoice']})."
        if "h6_change_plan" in r
        else f"No change: {p['plan']} is not an upgrade from {r['h6_account']['plan']['name']}."
    ),
)


# =========================================================================== 8. transpose a song (up / down / ask)
NOTES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]


def _song(s: State, a: dict) -> str:
    row = s.get("songs", {}).get(a["title"])
    if row is None:
        raise ToolFail(f"no song '{a['title']}'")
    return f"'{a['title']}' by {row['artist']}: key of {row['key']}, {row['bpm']} bpm, {row['length']}"


def _set_key(s: State, a: dict) -> dict:
    s["songs"][a["title"]]["key"] = a["key"]
    return {"title": a["title"], "key": a["key"]}


def _shift(key: str, n: int) -> str:
    note, mode = key.split(" ")
    return f"{NOTES[(NOTES.index(note) + n) % 12]} {mode}"


SONGS = [
    "Blue Harbour",
    "Paper Lanterns",
    "Night Ferry",
    "Salt and Cedar",
    "Quiet Engines",
    "Glass Orchard",
    "Copper Sky",
    "Low Tide Waltz",
    "Northern Rooms",
    "Winter Market",
]


def sample_transpose(rng: random.Random, w: State, i: int) -> Params:
    songs = w.setdefault("songs", {})
    title = rng.choice([t for t in SONGS if t not in songs] or SONGS)
    if title not in songs:
        key = "C major" if i < 4 else f"{rng.choice(NOTES)} {rng.choice(['major', 'minor'])}"
        songs[title] = {
            "artist": _person(rng),
            "key": key,
            "bpm": rng.randint(70, 160),
            "length": f"{rng.randint(2, 5)} min {rng.randint(0, 59)} s",
        }
    wording = rng.randrange(3)
    n = 2 if i < 4 else rng.randint(1, 5)
    return {"title": title, "n": n, "wording": wording}


def _new_key(p: Params, key: str) -> str:
    return key if p["wording"] == 2 else _shift(key, p["n"] if p["wording"] == 0 else -p["n"])


def _song_key(text: str) -> str:
    return text.split("key of ")[1].split(",")[0]


transpose = Family(
    name="h6_transpose",
    templates=[
        "Transpose '{title}' up {n} semitones",
        "Transpose '{title}' down {n} semitones",
        "What key is '{title}' in?",
    ],
    fields={"title": QUOTED, "n": INT},
    sample=sample_transpose,
    plan=[
        Step("h6_song", lambda p, r: {"title": p["title"]}),
        Step(
            "h6_set_key",
            lambda p, r: {"title": p["title"], "key": _new_key(p, _song_key(r["h6_song"]))},
            when=lambda p, r: p["wording"] != 2,
        ),
    ],
    expect=lambda p, b: (
        {"songs": {p["title"]: {**b["songs"][p["title"]], "key": _new_key(p, b["songs"][p["title"]]["key"])}}}
        if p["wording"] != 2
        else {}
    ),
    answer=lambda p, b: [_new_key(p, b["songs"][p["title"]]["key"])],
    summary=lambda p, r: (
        f"'{p['title']}' is in {_song_key(r['h6_song'])}."
        if p["wording"] == 2
        else f"'{p['title']}' is now in {r['h6_set_key']['key']}."
    ),
)


# =========================================================================== 9. timesheets (ack carries totals)
def _ticket(s: State, a: dict) -> dict:
    row = s.get("timesheets", {}).get(a["ticket"])
    if row is None:
        raise ToolFail(f"no ticket {a['ticket']}")
    return {"ticket": a["ticket"], "state": row["state"], "logged_min": row["logged"], "estimate_min": row["estimate"]}


def _log_time(s: State, a: dict) -> dict:
    row = s["timesheets"][a["ticket"]]
    row["logged"] += a["minutes"]
    out = s.setdefault("time_entries", [])
    out.append({"ticket": a["ticket"], "minutes": a["minutes"]})
    return {"ticket": a["ticket"], "entry": f"TE-{len(out):05d}", "total_logged_min": row["logged"]}


def _ticket_id(rng: random.Random) -> str:
    return rng.choice(
        [
            f"PAY-{rng.randint(100, 9999)}",
            f"ops-{rng.randint(10, 999)}",
            f"WEB#{rng.randint(1, 999)}",
            f"INC{rng.randint(1000000, 9999999)}",
            f"gh-{rng.randint(1000, 99999)}",
        ]
    )


def sample_timesheet(rng: random.Random, w: State, i: int) -> Params:
    ticket = _ticket_id(rng)
    while ticket in w.get("timesheets", {}):
        ticket = _ticket_id(rng)
    state = _mixed(i, rng, "open", "closed")
    w.setdefault("timesheets", {})[ticket] = {
        "state": state,
        "logged": rng.randint(0, 40) * 15,
        "estimate": rng.choice([480, 960, 1440]),
    }
    return {
        "ticket": ticket,
        "h": rng.randint(0, 7),
        "m": rng.choice([5, 10, 15, 20, 30, 40, 45, 50]),
        "wording": rng.randrange(2),
    }


def _ts_open(p: Params, b: State) -> bool:
    return b["timesheets"][p["ticket"]]["state"] == "open"


timesheet = Family(
    name="h6_timesheet",
    templates=["Log {h}h {m}m on ticket {ticket}", "I spent {h} hours and {m} minutes on {ticket}; book it, please"],
    fields={"h": INT, "m": INT, "ticket": Field(r"[A-Za-z]+[-#]?\d+")},
    sample=sample_timesheet,
    plan=[
        Step("h6_ticket", lambda p, r: {"ticket": p["ticket"]}),
        Step(
            "h6_log_time",
            lambda p, r: {"ticket": p["ticket"], "minutes": p["h"] * 60 + p["m"]},
            when=lambda p, r: r["h6_ticket"]["state"] == "open",
        ),
    ],
    expect=lambda p, b: (
        {
            "timesheets": {
                p["ticket"]: {
                    **b["timesheets"][p["ticket"]],
                    "logged": b["timesheets"][p["ticket"]]["logged"] + p["h"] * 60 + p["m"],
                }
            },
            "time_entries": [{"ticket": p["ticket"], "minutes": p["h"] * 60 + p["m"]}],
        }
        if _ts_open(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [b["timesheets"][p["ticket"]]["logged"] + p["h"] * 60 + p["m"]] if _ts_open(p, b) else ["closed"]
    ),
    summary=lambda p, r: (
        f"Logged {p['h'] * 60 + p['m']} minutes on {p['ticket']} ({r['h6_log_time']['entry']}); "
        f"{r['h6_log_time']['total_logged_min']} minutes logged in total."
        if "h6_log_time" in r
        else f"Not logged: {p['ticket']} is {r['h6_ticket']['state']}."
    ),
)


# =========================================================================== 10. party guests: add / remove / ask
def _party(s: State, a: dict) -> dict:
    row = s.get("parties", {}).get(a["party"])
    if row is None:
        raise ToolFail(f"no party {a['party']}")
    return {
        "party": a["party"],
        "host": row["host"],
        "venue": {"name": row["venue"], "capacity": row["cap"]},
        "guests": row["guests"],
    }


def _set_guests(s: State, a: dict) -> dict:
    row = s["parties"][a["party"]]
    row["guests"] = a["guests"]
    return {"party": a["party"], "guests": a["guests"], "free": row["cap"] - a["guests"]}


VENUES = {"Harbour Room": 60, "Garden Terrace": 40, "Loft Seven": 25, "Old Mill Hall": 120}


def sample_guests(rng: random.Random, w: State, i: int) -> Params:
    pid = f"PTY-{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}-{rng.randint(10, 99)}"
    venue = rng.choice(list(VENUES))
    cap = VENUES[venue]
    guests = rng.randint(cap // 3, cap - 8)
    wording = rng.randrange(3)
    over = i >= 4 and rng.random() < 0.4
    if wording == 0:
        n = rng.randint(1, cap - guests) if not over else cap - guests + rng.randint(1, 5)
    else:
        n = rng.randint(1, min(guests - 1, 15)) if not over else guests + rng.randint(1, 4)
    w.setdefault("parties", {})[pid] = {"host": _person(rng), "venue": venue, "cap": cap, "guests": guests}
    return {"party": pid, "n": n, "wording": wording}


def _guest_target(p: Params, row: dict) -> int | None:
    if p["wording"] == 2:
        return None
    t = row["guests"] + p["n"] if p["wording"] == 0 else row["guests"] - p["n"]
    return t if 0 <= t <= row["cap"] else None


guests = Family(
    name="h6_guests",
    templates=[
        "Add {n} guests to party {party}",
        "Take {n} guests off the list for party {party}",
        "How many more guests fit in party {party}'s venue?",
    ],
    fields={"n": INT, "party": Field(r"PTY-\d{4}-\d{2}")},
    sample=sample_guests,
    plan=[
        Step("h6_party", lambda p, r: {"party": p["party"]}),
        Step(
            "h6_set_guests",
            lambda p, r: {
                "party": p["party"],
                "guests": _guest_target(
                    p, {"guests": r["h6_party"]["guests"], "cap": r["h6_party"]["venue"]["capacity"]}
                ),
            },
            when=lambda p, r: (
                _guest_target(p, {"guests": r["h6_party"]["guests"], "cap": r["h6_party"]["venue"]["capacity"]})
                is not None
            ),
        ),
    ],
    expect=lambda p, b: (
        {"parties": {p["party"]: {**b["parties"][p["party"]], "guests": _guest_target(p, b["parties"][p["party"]])}}}
        if _guest_target(p, b["parties"][p["party"]]) is not None
        else {}
    ),
    answer=lambda p, b: (
        [b["parties"][p["party"]]["cap"] - b["parties"][p["party"]]["guests"]]
        if p["wording"] == 2
        else [_guest_target(p, b["parties"][p["party"]])]
        if _guest_target(p, b["parties"][p["party"]]) is not None
        else ["only"]
    ),
    summary=lambda p, r: (
        f"{r['h6_party']['venue']['capacity'] - r['h6_party']['guests']} more guests fit in "
        f"{r['h6_party']['venue']['name']}."
        if p["wording"] == 2
        else f"Party {p['party']} now has {r['h6_set_guests']['guests']} guests."
        if "h6_set_guests" in r
        else f"Not changed: the party has only {r['h6_party']['guests']} guests and room for "
        f"{r['h6_party']['venue']['capacity']}."
    ),
)


# =========================================================================== 11. van odometers (a derived relation)
def _vehicle(s: State, a: dict) -> dict:
    row = s.get("vans", {}).get(a["van"])
    if row is None:
        raise ToolFail(f"no vehicle {a['van']}")
    return {"van": a["van"], "odometer_km": row["odo"], "service": {"due_at_km": row["due"], "last": row["last"]}}


def _set_odometer(s: State, a: dict) -> dict:
    s["vans"][a["van"]]["odo"] = a["km"]
    return {"van": a["van"], "odometer_km": a["km"]}


def _book_service(s: State, a: dict) -> dict:
    out = s.setdefault("service_orders", [])
    out.append({"van": a["van"]})
    return {"workorder": f"WO-{3300 + len(out)}", "van": a["van"]}


# (odometer, due, km): early odometers 41k..118k, dues 45k..125k, trips 80..640 km, never reaching the due
EARLY_VANS = [(41200, 45000, 640), (118300, 125000, 80), (77050, 80000, 310), (96400, 105000, 455)]


def sample_odometer(rng: random.Random, w: State, i: int) -> Params:
    van = f"VAN {rng.randint(10, 99)}-{rng.choice('ABCDEFGH')}"
    while van in w.get("vans", {}):
        van = f"VAN {rng.randint(10, 99)}-{rng.choice('ABCDEFGH')}"
    if i < 4:
        odo, due, km = EARLY_VANS[i]
    elif rng.random() < 0.5:
        odo, km = rng.randint(60000, 110000), rng.randint(200, 600)
        due = odo + rng.randint(50, km - 10)
    else:
        odo, km = rng.randint(45000, 115000), rng.randint(90, 600)
        due = odo + km + rng.randint(100, 6000)
    w.setdefault("vans", {})[van] = {"odo": odo, "due": due, "last": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"}
    return {"van": van, "km": km, "wording": rng.randrange(2)}


def _due(p: Params, b: State) -> bool:
    row = b["vans"][p["van"]]
    return row["odo"] + p["km"] >= row["due"]


odometer = Family(
    name="h6_odometer",
    templates=["{van} drove {km} km today: update its odometer", "Add {km} km to the odometer of {van}"],
    fields={"van": Field(r"VAN \d{2}-[A-H]"), "km": INT},
    sample=sample_odometer,
    plan=[
        Step("h6_vehicle", lambda p, r: {"van": p["van"]}),
        Step("h6_set_odometer", lambda p, r: {"van": p["van"], "km": r["h6_vehicle"]["odometer_km"] + p["km"]}),
        Step(
            "h6_book_service",
            lambda p, r: {"van": p["van"]},
            when=lambda p, r: r["h6_vehicle"]["odometer_km"] + p["km"] >= r["h6_vehicle"]["service"]["due_at_km"],
        ),
    ],
    expect=lambda p, b: {
        "vans": {p["van"]: {**b["vans"][p["van"]], "odo": b["vans"][p["van"]]["odo"] + p["km"]}},
        **({"service_orders": [{"van": p["van"]}]} if _due(p, b) else {}),
    },
    answer=lambda p, b: [b["vans"][p["van"]]["odo"] + p["km"], *(["service"] if _due(p, b) else [])],
    summary=lambda p, r: (
        f"{p['van']} now reads {r['h6_set_odometer']['odometer_km']} km"
        + (f"; it is due for service, booked {r['h6_book_service']['workorder']}." if "h6_book_service" in r else ".")
    ),
)


# =========================================================================== 12. blood donors (a 56-day rule on dates)
def _book_donation(s: State, a: dict) -> dict:
    out = s.setdefault("donations", [])
    out.append({"donor": a["donor"], "date": a["date"]})
    return {"appointment": f"APT-{3000 + len(out)}", "date": a["date"], "site": "Central"}


def sample_donor(rng: random.Random, w: State, i: int) -> Params:
    donor = f"BD {rng.randint(100, 999)} {rng.randint(100, 999)}"
    day = dt.date(2026, rng.randint(3, 11), rng.randint(1, 28))
    trap = _mixed(i, rng, "none", "soon", "deferred")
    gap = rng.randint(30, 54) if trap == "soon" else rng.randint(60, 200)
    last = day - dt.timedelta(days=gap)
    w["tables"].setdefault("h6_donors", {})[donor] = {
        "donor": donor,
        "last_donation": last.isoformat(),
        "blood_type": rng.choice(["O-", "O+", "A+", "B-", "AB+"]),
        "deferral": "travel until 2027-01-10" if trap == "deferred" else "none",
    }
    return {"donor": donor, "date": day.isoformat(), "wording": rng.randrange(2)}


def _eligible(p: Params, row: dict) -> bool:
    gap = (dt.date.fromisoformat(p["date"]) - dt.date.fromisoformat(row["last_donation"])).days
    return gap >= 56 and row["deferral"] == "none"


def _donor(p: Params, b: State) -> dict:
    return b["tables"]["h6_donors"][p["donor"]]


donor = Family(
    name="h6_donor",
    templates=[
        "Book donor {donor} for a blood donation on {date}",
        "{date}: a donation slot for donor {donor}, please",
    ],
    fields={"donor": Field(r"BD \d{3} \d{3}"), "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_donor,
    plan=[
        Step("h6_donor", lambda p, r: {"donor": p["donor"]}),
        Step(
            "h6_book_donation",
            lambda p, r: {"donor": p["donor"], "date": p["date"]},
            when=lambda p, r: _eligible(p, r["h6_donor"]),
        ),
    ],
    expect=lambda p, b: {"donations": [{"donor": p["donor"], "date": p["date"]}]} if _eligible(p, _donor(p, b)) else {},
    answer=lambda p, b: (
        [f"APT-{3001 + len(b.get('donations', []))}"]
        if _eligible(p, _donor(p, b))
        else ["deferred"]
        if _donor(p, b)["deferral"] != "none"
        else ["too soon"]
    ),
    summary=lambda p, r: (
        f"Booked {r['h6_book_donation']['appointment']} on {p['date']}."
        if "h6_book_donation" in r
        else f"Not booked: {p['donor']} is deferred ({r['h6_donor']['deferral']})."
        if r["h6_donor"]["deferral"] != "none"
        else f"Not booked: too soon after the last donation on {r['h6_donor']['last_donation']}."
    ),
)


# =========================================================================== 13. postage quote (a question, two reads)
POSTCODES = ["SW1A 1AA", "EH8 9YL", "M1 1AE", "B33 8TH", "CR2 6XH", "LS1 4DY", "BT7 1NN", "CF10 3AT"]
REMOTE = ["HS2 9AA", "ZE1 0AB", "KW15 1GH", "PA78 6SW"]


def sample_postage(rng: random.Random, w: State, i: int) -> Params:
    rates = w["tables"].setdefault("h6_zone_rates", {})
    for z, (base, per) in {1: (3.2, 0.85), 2: (4.5, 1.1), 3: (5.9, 1.35), 4: (7.1, 1.6)}.items():
        rates[str(z)] = {"zone": z, "base_eur": base, "per_kg_eur": per}
    remote = i >= 4 and rng.random() < 0.4
    code = rng.choice(REMOTE if remote else POSTCODES)
    w["tables"].setdefault("h6_postcodes", {})[code] = {
        "postcode": code,
        "zone": rng.randint(1, 4),
        "remote": remote,
        "carrier": "RM",
    }
    kg = round(rng.uniform(0.3, 19.5), 1)
    return {"postcode": code, "kg": kg, "wording": rng.randrange(2)}


def _postage(p: Params, b: State) -> float:
    pc = b["tables"]["h6_postcodes"][p["postcode"]]
    rate = b["tables"]["h6_zone_rates"][str(pc["zone"])]
    return round_half_up(rate["base_eur"] + p["kg"] * rate["per_kg_eur"] + (7.5 if pc["remote"] else 0), 2)


def _postage_r(p: Params, r: dict) -> float:
    pc, rate = r["h6_postcode"], r["h6_zone_rate"]
    return round_half_up(rate["base_eur"] + p["kg"] * rate["per_kg_eur"] + (7.5 if pc["remote"] else 0), 2)


postage = Family(
    name="h6_postage",
    templates=[
        "What does it cost to post a {kg} kg parcel to {postcode}?",
        "Quote postage for {kg} kg to {postcode}, please",
    ],
    fields={"kg": NUM, "postcode": Field(r"[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}")},
    sample=sample_postage,
    plan=[
        Step("h6_postcode", lambda p, r: {"postcode": p["postcode"]}),
        Step("h6_zone_rate", lambda p, r: {"zone": r["h6_postcode"]["zone"]}),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_postage(p, b)],
    summary=lambda p, r: (
        f"Posting {p['kg']} kg to {p['postcode']} costs {_postage_r(p, r)} EUR"
        + (" (including the 7.50 EUR remote-area surcharge)." if r["h6_postcode"]["remote"] else ".")
    ),
)


# =========================================================================== 14. database restores (pick, destructive)
def _restore(s: State, a: dict) -> dict:
    out = s.setdefault("restores", [])
    out.append({"db": a["db"], "backup": a["backup"]})
    return {"db": a["db"], "restored_from": a["backup"], "job": f"rst-{len(out):03d}"}


def sample_backup(rng: random.Random, w: State, i: int) -> Params:
    kind = rng.choice(["orders", "ledger", "crm", "catalog", "auth"])
    where = rng.choice(["prod", "eu", "us", "replica"])
    db = f"{kind}_{where}{rng.randint(1, 9)}"
    n = rng.randint(2, 4) if i >= 4 else 3
    day = dt.datetime(2026, rng.randint(1, 11), rng.randint(5, 28), rng.choice([1, 2, 3]), 0)
    failed_first = i >= 4 and rng.random() < 0.5
    backups = []
    for k in range(n):
        t = day - dt.timedelta(days=k)
        backups.append(
            {
                "id": f"bk-{t:%Y%m%d-%H%M}",
                "taken": f"{t:%Y-%m-%dT%H:%MZ}",
                "status": "failed" if (k == 0 and failed_first) else "ok",
                "size_gb": round(rng.uniform(2, 80), 1),
            }
        )
    w["tables"].setdefault("h6_backups", {})[db] = {"db": db, "backups": backups}
    return {"db": db, "wording": rng.randrange(3)}


def _good(bs: list) -> str:
    return next(b["id"] for b in bs if b["status"] == "ok")


backup = Family(
    name="h6_backup",
    templates=[
        "Restore database {db} from its latest good backup",
        "{db} is corrupted; roll it back to the newest backup that verified",
        "List the backups of database {db}",
    ],
    fields={"db": Field(r"[a-z]+_[a-z]+\d")},
    sample=sample_backup,
    plan=[
        Step("h6_backups", lambda p, r: {"db": p["db"]}),
        Step(
            "h6_restore",
            lambda p, r: {"db": p["db"], "backup": _good(r["h6_backups"]["backups"])},
            when=lambda p, r: p["wording"] != 2,
        ),
    ],
    expect=lambda p, b: (
        {"restores": [{"db": p["db"], "backup": _good(b["tables"]["h6_backups"][p["db"]]["backups"])}]}
        if p["wording"] != 2
        else {}
    ),
    answer=lambda p, b: (
        [x["id"] for x in b["tables"]["h6_backups"][p["db"]]["backups"]]
        if p["wording"] == 2
        else [_good(b["tables"]["h6_backups"][p["db"]]["backups"])]
    ),
    summary=lambda p, r: (
        "Backups of "
        + p["db"]
        + ": "
        + "; ".join(f"{x['id']} ({x['status']}, {x['size_gb']} GB)" for x in r["h6_backups"]["backups"])
        + "."
        if p["wording"] == 2
        else f"{p['db']} restored from {r['h6_restore']['restored_from']} (job {r['h6_restore']['job']})."
    ),
)


# =================================================================== 15. transfers (a transient error between writes)
def _balance(s: State, a: dict) -> dict:
    row = s.get("iban_accounts", {}).get(a["iban"])
    if row is None:
        raise ToolFail(f"unknown IBAN {a['iban']}")
    return {"iban": a["iban"], "balance_eur": row["bal"], "currency": "EUR", "holder": row["holder"]}


def _debit(s: State, a: dict) -> dict:
    row = s["iban_accounts"][a["iban"]]
    row["bal"] = round(row["bal"] - a["eur"], 2)
    return {"iban": a["iban"], "debited": a["eur"], "balance_eur": row["bal"]}


def _credit(s: State, a: dict) -> dict:
    row = s["iban_accounts"][a["iban"]]
    row["bal"] = round(row["bal"] + a["eur"], 2)
    return {"iban": a["iban"], "credited": a["eur"], "balance_eur": row["bal"]}


def _iban(rng: random.Random) -> str:
    cc = rng.choice(["DE", "NL", "FR", "ES"])
    body = "".join(rng.choice("0123456789") for _ in range(rng.choice([14, 16, 18])))
    return f"{cc}{rng.randint(10, 99)}{body}"


def sample_transfer(rng: random.Random, w: State, i: int) -> Params:
    accts = w.setdefault("iban_accounts", {})
    src, dst = _iban(rng), _iban(rng)
    bal = round(rng.uniform(300, 5000), 2)
    short = i >= 4 and rng.random() < 0.3
    eur = round(rng.uniform(bal + 5, bal + 400), 2) if short else round(rng.uniform(10, bal - 50), 2)
    accts[src] = {"bal": bal, "holder": _person(rng)}
    accts[dst] = {"bal": round(rng.uniform(0, 3000), 2), "holder": _person(rng)}
    if i >= 4 and not short and rng.random() < 0.5:  # the credit fails once, after the debit went through
        w["faults"].append({"tool": "h6_credit", "args": {"iban": dst}, "times": 1})
    return {"eur": eur, "src": src, "dst": dst, "wording": 0}


def _tx_ok(p: Params, b: State) -> bool:
    return b["iban_accounts"][p["src"]]["bal"] >= p["eur"]


transfer = Family(
    name="h6_transfer",
    templates=["Move {eur} EUR from {src} to {dst}"],
    fields={"eur": NUM, "src": Field(r"[A-Z]{2}\d{14,20}"), "dst": Field(r"[A-Z]{2}\d{14,20}")},
    sample=sample_transfer,
    plan=[
        Step("h6_balance", lambda p, r: {"iban": p["src"]}),
        Step(
            "h6_debit",
            lambda p, r: {"iban": p["src"], "eur": p["eur"]},
            when=lambda p, r: r["h6_balance"]["balance_eur"] >= p["eur"],
        ),
        Step("h6_credit", lambda p, r: {"iban": p["dst"], "eur": p["eur"]}, when=lambda p, r: "h6_debit" in r),
    ],
    expect=lambda p, b: (
        {
            "iban_accounts": {
                p["src"]: {
                    **b["iban_accounts"][p["src"]],
                    "bal": round(b["iban_accounts"][p["src"]]["bal"] - p["eur"], 2),
                },
                p["dst"]: {
                    **b["iban_accounts"][p["dst"]],
                    "bal": round(b["iban_accounts"][p["dst"]]["bal"] + p["eur"], 2),
                },
            }
        }
        if _tx_ok(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [round(b["iban_accounts"][p["src"]]["bal"] - p["eur"], 2)] if _tx_ok(p, b) else ["insufficient"]
    ),
    summary=lambda p, r: (
        f"Moved {p['eur']} EUR; {p['src']} now holds {r['h6_debit']['balance_eur']} EUR."
        if "h6_debit" in r
        else f"Not moved: insufficient funds ({r['h6_balance']['balance_eur']} EUR on {p['src']})."
    ),
)


# ======================================================================= 16. grades (a category from in-range numbers)
def _scores(s: State, a: dict) -> dict:
    row = s["tables"].get("h6_scores", {}).get(f"{a['student']}|{a['course']}")
    if row is None:
        raise ToolFail(f"no scores for {a['student']} in {a['course']}")
    return {"student": a["student"], "course": a["course"], "scores": row}


def _publish(s: State, a: dict) -> dict:
    out = s.setdefault("grades", [])
    out.append({"student": a["student"], "course": a["course"], "grade": a["grade"]})
    return {"posted": f"GR-{len(out):04d}", "grade": a["grade"]}


COURSES = ["Organic Chemistry", "Medieval History", "Linear Algebra", "Marine Biology", "Film Studies"]
# early: every mean in 70..84 (Merit) with scores spanning 58..97; later means outside, scores inside that span
EARLY_SCORES = [[97, 58, 74, 82], [61, 88, 79], [93, 66, 71, 84, 70], [58, 97, 80]]


def _band(scores: list) -> str:
    mean = sum(scores) / len(scores)
    return "Distinction" if mean >= 85 else "Merit" if mean >= 70 else "Pass" if mean >= 50 else "Fail"


def sample_grade(rng: random.Random, w: State, i: int) -> Params:
    student, course = f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(COURSES)
    if i < 4:
        scores = EARLY_SCORES[i]
    else:
        while True:
            scores = [rng.randint(58, 97) for _ in range(rng.randint(3, 5))]
            if _band(scores) != "Merit" or rng.random() < 0.3:
                break
    w["tables"].setdefault("h6_scores", {})[f"{student}|{course}"] = scores
    return {"student": student, "course": course, "wording": rng.randrange(2)}


def _grade_b(p: Params, b: State) -> str:
    return _band(b["tables"]["h6_scores"][f"{p['student']}|{p['course']}"])


grade = Family(
    name="h6_grade",
    templates=["Publish {student}'s final grade for {course}", "Post the {course} grade of {student}"],
    fields={"student": CAPWORDS, "course": CAPWORDS},
    sample=sample_grade,
    plan=[
        Step("h6_scores", lambda p, r: {"student": p["student"], "course": p["course"]}),
        Step(
            "h6_publish_grade",
            lambda p, r: {"student": p["student"], "course": p["course"], "grade": _band(r["h6_scores"]["scores"])},
        ),
    ],
    expect=lambda p, b: {"grades": [{"student": p["student"], "course": p["course"], "grade": _grade_b(p, b)}]},
    answer=lambda p, b: [_grade_b(p, b)],
    summary=lambda p, r: f"Published: {p['student']} gets {r['h6_publish_grade']['grade']} in {p['course']}.",
)


# =========================================================================== deep families: one wording, a late trap
# The first DEEP goals of each agree; afterwards a goal breaks a rule that no single number shows: every number
# stays inside the range the agreeing goals saw, and no two numbers of one result change their order.
DEEP = 6


def _deep(i: int, rng: random.Random, share: float = 0.5) -> bool:
    return i >= DEEP and rng.random() < share


# ---------------------------------------------------------------- 17. a band from a weighted mean (a constant argument)
def _marks(s: State, a: dict) -> dict:
    row = s["tables"].get("h6_marks", {}).get(a["student"])
    if row is None:
        raise ToolFail(f"no student {a['student']}")
    return {"student": a["student"], "course": "ECON-201", "marks": row}


def _set_band(s: State, a: dict) -> dict:
    out = s.setdefault("bands", [])
    out.append({"student": a["student"], "band": a["band"]})
    return {"student": a["student"], "band": a["band"], "record": f"BR-{len(out):03d}"}


def _weighted(m: dict) -> float:
    return 0.3 * m["coursework"] + 0.2 * m["midterm"] + 0.5 * m["exam"]


def _band2(m: dict) -> str:
    w = _weighted(m)
    return "Distinction" if w >= 85 else "Merit" if w >= 65 else "Pass"


# every mark spans 55..98 across these, orders mixed, every weighted mean in 65..84 (Merit)
EARLY_MARKS = [(98, 55, 70), (55, 98, 74), (80, 62, 98), (62, 80, 55), (90, 70, 66), (70, 90, 84)]


def sample_band(rng: random.Random, w: State, i: int) -> Params:
    sid = f"S{rng.randint(20000, 29999)}"
    if i < DEEP:
        cw, mid, ex = EARLY_MARKS[i]
    else:
        while True:
            cw, mid, ex = (rng.randint(56, 97) for _ in range(3))
            band = _band2({"coursework": cw, "midterm": mid, "exam": ex})
            if band != "Merit" or rng.random() < 0.3:
                break
    w["tables"].setdefault("h6_marks", {})[sid] = {"coursework": cw, "midterm": mid, "exam": ex}
    return {"sid": sid, "wording": 0}


band = Family(
    name="h6_band",
    templates=["Record the ECON-201 band of student {sid}"],
    fields={"sid": Field(r"S\d{5}")},
    sample=sample_band,
    plan=[
        Step("h6_marks", lambda p, r: {"student": p["sid"]}),
        Step("h6_set_band", lambda p, r: {"student": p["sid"], "band": _band2(r["h6_marks"]["marks"])}),
    ],
    expect=lambda p, b: {"bands": [{"student": p["sid"], "band": _band2(b["tables"]["h6_marks"][p["sid"]])}]},
    answer=lambda p, b: [_band2(b["tables"]["h6_marks"][p["sid"]])],
    summary=lambda p, r: f"{p['sid']}: {r['h6_set_band']['band']} (record {r['h6_set_band']['record']}).",
    count=14,
)


# ---------------------------------------------------------------- 18. certificates: renew when under 30 days left
def _cert(s: State, a: dict) -> dict:
    row = s.get("certs", {}).get(a["host"])
    if row is None:
        raise ToolFail(f"no certificate for {a['host']}")
    return {"host": a["host"], "checked_on": row["checked"], "not_after": row["not_after"], "issuer": "R11"}


def _renew_cert(s: State, a: dict) -> dict:
    row = s["certs"][a["host"]]
    row["not_after"] = (dt.date.fromisoformat(row["not_after"]) + dt.timedelta(days=90)).isoformat()
    return {"host": a["host"], "not_after": row["not_after"]}


EARLY_CERTS = [
    ("2026-01-10", 5),
    ("2026-11-02", 25),
    ("2026-06-20", 12),
    ("2026-03-15", 20),
    ("2026-09-01", 8),
    ("2026-04-28", 17),
]


def sample_cert(rng: random.Random, w: State, i: int) -> Params:
    name, domain = rng.choice(["api", "shop", "mail", "vpn", "cdn"]), rng.choice(["example.org", "corp.test"])
    host = f"{name}{rng.randint(1, 99)}.{domain}"
    if i < DEEP:
        checked, left = EARLY_CERTS[i]
    else:
        checked = dt.date(2026, rng.randint(2, 9), rng.randint(1, 28)).isoformat()
        left = rng.randint(35, 60) if rng.random() < 0.5 else rng.randint(5, 25)
    not_after = (dt.date.fromisoformat(checked) + dt.timedelta(days=left)).isoformat()
    w.setdefault("certs", {})[host] = {"checked": checked, "not_after": not_after}
    return {"host": host, "wording": 0}


def _days_left(row: dict) -> int:
    return (dt.date.fromisoformat(row["not_after"]) - dt.date.fromisoformat(row["checked"])).days


def _renewed(row: dict) -> str:
    return (dt.date.fromisoformat(row["not_after"]) + dt.timedelta(days=90)).isoformat()


cert = Family(
    name="h6_cert",
    templates=["Keep the TLS certificate of {host} current (renewal window: 30 days)"],
    fields={"host": Field(r"[a-z]+\d+\.[a-z]+\.[a-z]+")},
    sample=sample_cert,
    plan=[
        Step("h6_cert", lambda p, r: {"host": p["host"]}),
        Step(
            "h6_renew_cert",
            lambda p, r: {"host": p["host"]},
            when=lambda p, r: (
                _days_left({"checked": r["h6_cert"]["checked_on"], "not_after": r["h6_cert"]["not_after"]}) < 30
            ),
        ),
    ],
    expect=lambda p, b: (
        {"certs": {p["host"]: {**b["certs"][p["host"]], "not_after": _renewed(b["certs"][p["host"]])}}}
        if _days_left(b["certs"][p["host"]]) < 30
        else {}
    ),
    answer=lambda p, b: (
        [_renewed(b["certs"][p["host"]])] if _days_left(b["certs"][p["host"]]) < 30 else ["still valid"]
    ),
    summary=lambda p, r: (
        f"Renewed {p['host']}: valid until {r['h6_renew_cert']['not_after']}."
        if "h6_renew_cert" in r
        else f"Not renewed: {p['host']} is still valid until {r['h6_cert']['not_after']}."
    ),
    count=14,
)


# ---------------------------------------------------------------- 19. a carrier by total weight (a constant argument)
def _order(s: State, a: dict) -> dict:
    row = s["tables"].get("h6_orders", {}).get(a["order"])
    if row is None:
        raise ToolFail(f"no order {a['order']}")
    return {"order": a["order"], "boxes": [{"box": k + 1, "kg": kg} for k, kg in enumerate(row)]}


def _dispatch(s: State, a: dict) -> dict:
    out = s.setdefault("dispatches", [])
    out.append({"order": a["order"], "carrier": a["carrier"]})
    return {"order": a["order"], "carrier": a["carrier"], "waybill": f"WB{77000 + len(out)}"}


# three boxes each; every weight spans 2..28 kg, orders mixed, every total under 40 kg (PARCEL)
EARLY_ORDERS = [(28, 2, 6), (2, 28, 5), (9, 4, 24), (4, 9, 2), (12, 14, 3), (14, 12, 11)]


def sample_order(rng: random.Random, w: State, i: int) -> Params:
    oid = f"SO-{rng.randint(100000, 999999)}"
    if i < DEEP:
        boxes = EARLY_ORDERS[i]
    else:
        heavy = rng.random() < 0.6
        while True:
            boxes = tuple(rng.randint(3, 27) for _ in range(3))
            if (sum(boxes) >= 40) == heavy:
                break
    w["tables"].setdefault("h6_orders", {})[oid] = list(boxes)
    return {"oid": oid, "wording": 0}


def _carrier(boxes: list) -> str:
    return "FREIGHT" if sum(boxes) >= 40 else "PARCEL"


dispatch = Family(
    name="h6_dispatch",
    templates=["Dispatch order {oid} with the right carrier (parcel under 40 kg in all, freight otherwise)"],
    fields={"oid": Field(r"SO-\d{6}")},
    sample=sample_order,
    plan=[
        Step("h6_order", lambda p, r: {"order": p["oid"]}),
        Step(
            "h6_dispatch",
            lambda p, r: {"order": p["oid"], "carrier": _carrier([b["kg"] for b in r["h6_order"]["boxes"]])},
        ),
    ],
    expect=lambda p, b: {"dispatches": [{"order": p["oid"], "carrier": _carrier(b["tables"]["h6_orders"][p["oid"]])}]},
    answer=lambda p, b: [_carrier(b["tables"]["h6_orders"][p["oid"]])],
    summary=lambda p, r: f"Order {p['oid']} goes {r['h6_dispatch']['carrier']}, waybill {r['h6_dispatch']['waybill']}.",
    count=14,
)


# ---------------------------------------------------------------- 20. glass by pane area (a product)
def _window(s: State, a: dict) -> dict:
    row = s["tables"].get("h6_windows", {}).get(a["window"])
    if row is None:
        raise ToolFail(f"no window {a['window']}")
    return {"window": a["window"], "width_mm": row[0], "height_mm": row[1], "frame": "oak"}


def _order_glass(s: State, a: dict) -> dict:
    out = s.setdefault("glass_orders", [])
    out.append({"window": a["window"], "glass": a["glass"]})
    return {"window": a["window"], "glass": a["glass"], "po": f"GL-{len(out):04d}"}


# widths and heights span 400..2400 mm, both orders, every pane under 1.5 m2 (annealed)
EARLY_PANES = [
    (
        2400,
        400,
    ),
    (400, 2400),
    (1000, 1200),
    (1200, 800),
    (600, 1800),
    (1800, 600),
]


def sample_window(rng: random.Random, w: State, i: int) -> Params:
    wid = f"W{rng.randint(1, 9)}.{rng.randint(10, 99)}"
    while wid in w["tables"].get("h6_windows", {}):
        wid = f"W{rng.randint(1, 9)}.{rng.randint(10, 99)}"
    if i < DEEP:
        pane = EARLY_PANES[i]
    else:
        big = rng.random() < 0.6
        while True:
            pane = (rng.randrange(450, 2350, 50), rng.randrange(450, 2350, 50))
            if (pane[0] * pane[1] >= 1_500_000) == big:
                break
    w["tables"].setdefault("h6_windows", {})[wid] = list(pane)
    return {"wid": wid, "wording": 0}


def _glass(pane: list) -> str:
    return "toughened" if pane[0] * pane[1] >= 1_500_000 else "annealed"


glazing = Family(
    name="h6_glazing",
    templates=["Order the glass for window {wid} (toughened from 1.5 m2 up)"],
    fields={"wid": Field(r"W\d\.\d{2}")},
    sample=sample_window,
    plan=[
        Step("h6_window", lambda p, r: {"window": p["wid"]}),
        Step(
            "h6_order_glass",
            lambda p, r: {
                "window": p["wid"],
                "glass": _glass([r["h6_window"]["width_mm"], r["h6_window"]["height_mm"]]),
            },
        ),
    ],
    expect=lambda p, b: {"glass_orders": [{"window": p["wid"], "glass": _glass(b["tables"]["h6_windows"][p["wid"]])}]},
    answer=lambda p, b: [_glass(b["tables"]["h6_windows"][p["wid"]])],
    summary=lambda p, r: f"Ordered {r['h6_order_glass']['glass']} glass for {p['wid']} ({r['h6_order_glass']['po']}).",
    count=14,
)


# ---------------------------------------------------------------- 21. warranty by two dates in a text
def _appliance(s: State, a: dict) -> str:
    row = s["tables"].get("h6_appliances", {}).get(a["serial"])
    if row is None:
        raise ToolFail(f"no appliance {a['serial']}")
    return (
        f"Appliance {a['serial']} ({row['model']}): purchased {row['bought']}, checked in {row['in']}, "
        f"fault: {row['fault']}"
    )


def _log_repair(s: State, a: dict) -> dict:
    out = s.setdefault("repairs", [])
    out.append({"serial": a["serial"], "billing": a["billing"]})
    return {"serial": a["serial"], "billing": a["billing"], "job": f"RJ-{len(out):04d}"}


# purchase dates 2024-02..2026-05, check-in dates 2025-01..2026-11, always 60..700 days apart (two-year warranty)
EARLY_APPLIANCES = [
    ("2024-02-10", 640),
    ("2026-05-20", 160),
    ("2025-03-01", 700),
    ("2024-11-15", 60),
    ("2025-09-09", 420),
    ("2024-08-30", 300),
]


def sample_warranty(rng: random.Random, w: State, i: int) -> Params:
    serial = f"SN{rng.randint(10, 99)}-{rng.choice('KLMNPQ')}{rng.randint(1000, 9999)}"
    if i < DEEP:
        bought, days = EARLY_APPLIANCES[i]
    else:
        bought = dt.date(2024, rng.randint(3, 12), rng.randint(1, 28)).isoformat()
        days = rng.randint(760, 800) if rng.random() < 0.5 else rng.randint(90, 650)
    checked = (dt.date.fromisoformat(bought) + dt.timedelta(days=days)).isoformat()
    w["tables"].setdefault("h6_appliances", {})[serial] = {
        "model": rng.choice(["Dishwasher D5", "Washer W8", "Oven Pro 60"]),
        "bought": bought,
        "in": checked,
        "fault": rng.choice(["no heat", "leaks", "door seal"]),
    }
    return {"serial": serial, "wording": 0}


def _billing(row: dict) -> str:
    days = (dt.date.fromisoformat(row["in"]) - dt.date.fromisoformat(row["bought"])).days
    return "warranty" if days <= 730 else "customer"


def _billing_text(text: str) -> str:
    bought = text.split("purchased ")[1].split(",")[0]
    checked = text.split("checked in ")[1].split(",")[0]
    return _billing({"bought": bought, "in": checked})


warranty = Family(
    name="h6_warranty",
    templates=["Open a repair job for appliance {serial}"],
    fields={"serial": Field(r"SN\d{2}-[A-Z]\d{4}")},
    sample=sample_warranty,
    plan=[
        Step("h6_appliance", lambda p, r: {"serial": p["serial"]}),
        Step("h6_log_repair", lambda p, r: {"serial": p["serial"], "billing": _billing_text(r["h6_appliance"])}),
    ],
    expect=lambda p, b: {
        "repairs": [{"serial": p["serial"], "billing": _billing(b["tables"]["h6_appliances"][p["serial"]])}]
    },
    answer=lambda p, b: [_billing(b["tables"]["h6_appliances"][p["serial"]])],
    summary=lambda p, r: f"Repair {r['h6_log_repair']['job']} opened, billed to {r['h6_log_repair']['billing']}.",
    count=14,
)


# ---------------------------------------------------------------- 22. a trip's legs in all (a constant argument)
def _itinerary(s: State, a: dict) -> dict:
    row = s["tables"].get("h6_trips", {}).get(a["trip"])
    if row is None:
        raise ToolFail(f"no trip {a['trip']}")
    return {
        "trip": a["trip"],
        "driver": row["driver"],
        "route": {"legs": [{"leg": k + 1, "km": km} for k, km in enumerate(row["legs"])]},
    }


def _set_allowance(s: State, a: dict) -> dict:
    out = s.setdefault("allowances", [])
    out.append({"trip": a["trip"], "allowance": a["allowance"]})
    return {"trip": a["trip"], "allowance": a["allowance"]}


# four legs each; every leg spans 20..310 km in mixed orders, every trip under 500 km in all (a day rate)
EARLY_TRIPS = [
    (310, 20, 60, 90),
    (20, 310, 45, 110),
    (150, 120, 35, 180),
    (90, 40, 300, 25),
    (60, 200, 80, 140),
    (200, 60, 140, 30),
]


def sample_trip(rng: random.Random, w: State, i: int) -> Params:
    trip = f"TR-{rng.randint(100000, 999999)}"
    if i < DEEP:
        legs = EARLY_TRIPS[i]
    else:
        far = rng.random() < 0.6
        while True:
            legs = tuple(rng.randrange(25, 305, 5) for _ in range(4))
            if (sum(legs) >= 500) == far:
                break
    w["tables"].setdefault("h6_trips", {})[trip] = {"driver": _person(rng), "legs": list(legs)}
    return {"trip": trip, "wording": 0}


def _allowance(legs: list) -> str:
    return "overnight" if sum(legs) >= 500 else "day"


trip = Family(
    name="h6_trip",
    templates=["Set the driver allowance for trip {trip}"],
    fields={"trip": Field(r"TR-\d{6}")},
    sample=sample_trip,
    plan=[
        Step("h6_itinerary", lambda p, r: {"trip": p["trip"]}),
        Step(
            "h6_set_allowance",
            lambda p, r: {
                "trip": p["trip"],
                "allowance": _allowance([x["km"] for x in r["h6_itinerary"]["route"]["legs"]]),
            },
        ),
    ],
    expect=lambda p, b: {
        "allowances": [{"trip": p["trip"], "allowance": _allowance(b["tables"]["h6_trips"][p["trip"]]["legs"])}]
    },
    answer=lambda p, b: [_allowance(b["tables"]["h6_trips"][p["trip"]]["legs"])],
    summary=lambda p, r: f"Trip {p['trip']}: {r['h6_set_allowance']['allowance']} allowance.",
    count=14,
)


# =========================================================================== tools and families
TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("h6_points", "A loyalty member's points and account status.", {"member": str}, _points_view),
        Tool(
            "h6_redeem",
            "Redeem loyalty points for a voucher (100 points = 1 EUR).",
            {"member": str, "points": int},
            _redeem,
        ),
        Tool("h6_deployment", "A deployment's spec, status and scaling policy.", {"name": str}, _deployment),
        Tool("h6_scale", "Set a deployment's replica count.", {"name": str, "replicas": int}, _scale),
        Tool(
            "h6_office",
            "An office's UTC offset and opening hours (local time).",
            {"city": str},
            _table("h6_offices", "office", "city"),
        ),
        Tool(
            "h6_book_call",
            "Book a call with an office at a local date and time (HH:MM).",
            {"office": str, "date": str, "time": str},
            _book_call,
        ),
        Tool("h6_container", "A reefer container's cargo, power and location.", {"container": str}, _container),
        Tool(
            "h6_set_reefer",
            "Set a reefer container's temperature setpoint in C.",
            {"container": str, "setpoint_c": float},
            _set_reefer,
        ),
        Tool(
            "h6_policy",
            "An insurance policy's deductible, limit and status.",
            {"policy": str},
            _table("h6_policies", "policy", "policy"),
        ),
        Tool(
            "h6_pay_claim",
            "Pay out an insurance claim (EUR).",
            {"policy": str, "claim": str, "amount": int},
            _pay_claim,
        ),
        Tool(
            "h6_booking",
            "A flight booking's cabin, baggage allowance and excess rate (plain text).",
            {"pnr": str},
            _booking,
        ),
        Tool(
            "h6_charge_excess",
            "Charge excess baggage: kilos over the allowance and the fee in EUR.",
            {"pnr": str, "kg": float, "eur": float},
            _charge_excess,
        ),
        Tool("h6_account", "A subscription account's plan and billing cycle.", {"account": str}, _account),
        Tool("h6_plan_price", "A plan's monthly price in EUR.", {"plan": str}, _table("h6_plans", "plan", "plan")),
        Tool(
            "h6_change_plan",
            "Move an account to a plan, charging a prorated amount in EUR.",
            {"account": str, "plan": str, "charge_eur": float},
            _change_plan,
        ),
        Tool("h6_song", "A song's key, tempo and length (plain text).", {"title": str}, _song),
        Tool(
            "h6_set_key", "Set the key of a song's arrangement (e.g. 'D major').", {"title": str, "key": str}, _set_key
        ),
        Tool("h6_ticket", "A ticket's state and time logged so far (minutes).", {"ticket": str}, _ticket),
        Tool("h6_log_time", "Log minutes of work on a ticket.", {"ticket": str, "minutes": int}, _log_time),
        Tool("h6_party", "A party's venue, capacity and guest count.", {"party": str}, _party),
        Tool("h6_set_guests", "Set a party's guest count.", {"party": str, "guests": int}, _set_guests),
        Tool("h6_vehicle", "A van's odometer and service schedule.", {"van": str}, _vehicle),
        Tool("h6_set_odometer", "Set a van's odometer reading in km.", {"van": str, "km": int}, _set_odometer),
        Tool("h6_book_service", "Book a van in for its service.", {"van": str}, _book_service),
        Tool(
            "h6_donor",
            "A blood donor's last donation date, blood type and deferral.",
            {"donor": str},
            _table("h6_donors", "donor", "donor"),
        ),
        Tool(
            "h6_book_donation", "Book a donor's blood donation on a date.", {"donor": str, "date": str}, _book_donation
        ),
        Tool(
            "h6_postcode",
            "A postcode's delivery zone and whether it is a remote area.",
            {"postcode": str},
            _table("h6_postcodes", "postcode", "postcode"),
        ),
        Tool(
            "h6_zone_rate",
            "A delivery zone's base price and price per kg in EUR; remote areas add 7.50 EUR.",
            {"zone": int},
            _table("h6_zone_rates", "zone", "zone"),
        ),
        Tool(
            "h6_backups",
            "A database's backups, newest first, with their verification status.",
            {"db": str},
            _table("h6_backups", "database", "db"),
        ),
        Tool("h6_restore", "Restore a database from a backup (overwrites it).", {"db": str, "backup": str}, _restore),
        Tool("h6_balance", "An account's balance by IBAN.", {"iban": str}, _balance),
        Tool("h6_debit", "Debit an account (EUR).", {"iban": str, "eur": float}, _debit),
        Tool("h6_credit", "Credit an account (EUR).", {"iban": str, "eur": float}, _credit),
        Tool("h6_scores", "A student's assessment scores in a course.", {"student": str, "course": str}, _scores),
        Tool(
            "h6_publish_grade",
            "Publish a student's final grade band (Distinction, Merit, Pass, Fail).",
            {"student": str, "course": str, "grade": str},
            _publish,
        ),
        Tool(
            "h6_marks",
            "A student's ECON-201 marks (coursework 30 %, midterm 20 %, exam 50 %).",
            {"student": str},
            _marks,
        ),
        Tool(
            "h6_set_band",
            "Record a student's band (Distinction from 85, Merit from 65, else Pass).",
            {"student": str, "band": str},
            _set_band,
        ),
        Tool("h6_cert", "A host's TLS certificate: the day it was checked and its expiry.", {"host": str}, _cert),
        Tool("h6_renew_cert", "Renew a host's TLS certificate (90 days more).", {"host": str}, _renew_cert),
        Tool("h6_order", "A sales order's boxes and their weights in kg.", {"order": str}, _order),
        Tool(
            "h6_dispatch",
            "Dispatch an order with a carrier (PARCEL or FREIGHT).",
            {"order": str, "carrier": str},
            _dispatch,
        ),
        Tool("h6_window", "A window's pane size in mm.", {"window": str}, _window),
        Tool(
            "h6_order_glass",
            "Order the glass for a window (annealed or toughened).",
            {"window": str, "glass": str},
            _order_glass,
        ),
        Tool(
            "h6_appliance",
            "An appliance's purchase and check-in dates and its fault (plain text).",
            {"serial": str},
            _appliance,
        ),
        Tool(
            "h6_log_repair",
            "Open a repair job, billed to 'warranty' (within two years of purchase) or 'customer'.",
            {"serial": str, "billing": str},
            _log_repair,
        ),
        Tool("h6_itinerary", "A trip's driver and legs (km).", {"trip": str}, _itinerary),
        Tool(
            "h6_set_allowance",
            "Set a trip's driver allowance: 'overnight' from 500 km in all, else 'day'.",
            {"trip": str, "allowance": str},
            _set_allowance,
        ),
    ]
}

FAMILIES = [
    loyalty,
    replicas,
    meeting,
    reefer,
    claim,
    baggage,
    plan,
    transpose,
    timesheet,
    guests,
    odometer,
    donor,
    postage,
    backup,
    transfer,
    grade,
    band,
    cert,
    dispatch,
    glazing,
    warranty,
    trip,
]
