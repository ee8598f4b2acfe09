"""Held-out probe families, round AD (issue 9): destructive writes after a check, 4-5 call chains, percentages and
money with cents, results said in words, optional goal parameters, stale answers after the world changed.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h17_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout17.py --goals 16 --seed 7

Written as a demanding new user, before reading the learning code. Domains no other set used:

- h17_cheese     cheese cave: release a wheel for sale (destructive) only when its status is exactly "ageing"
                 (not "ageing, on hold for lab results", not "released") and it has aged the goal's months
                 (calendar months from the make date in the text); a released wheel stays "released"
- h17_dispatch   ambulance dispatch: incident -> its station's units (plain text) -> the "available" unit
                 (not "available (crew meal break)") with the shortest ETA; none: mutual aid; an incident
                 that already has a unit gets nothing more
- h17_target     share of a station's calls this week that met the response target (8 minutes unless the goal
                 names one): a percentage to one decimal, "no calls" when the log is empty; dispatches add calls
- h17_custody    crypto custody withdrawal, 5 calls: request -> account -> price (asset of step 1) -> allowlist
                 (policy of step 2, near-miss addresses) -> approve or reject; EUR value in cents; the account's
                 daily limit counts today's approvals; a request that is not pending is left alone
- h17_drone      drone flight permit: site -> zone ceiling (plain text, feet); the goal's metres converted;
                 above the ceiling an ATC clearance instead; the date is optional (today when not given)
- h17_garnish    payroll attachment of earnings: payslip -> order (plain text: active, suspended, none);
                 percentage of net pay in cents, capped by protected earnings; an already posted period is
                 not posted again; the period is optional (this month when not given)
- h17_passes     satellite ground station: minutes of free passes at or above an elevation (10 deg when not
                 given) on a day; "no free passes" in words; bookings change it
- h17_book_pass  book the longest free pass at or above an elevation for a mission (the earliest on a tie)
- h17_lookout    wildfire lookout: report (plain text status words) -> district fire danger -> engines by
                 the danger index; "smoke confirmed, engines on scene" after a dispatch is not dispatched again
- h17_ferment    brewery fermenter: gravity log (plain text); cold crash (idempotent) only when the last two
                 readings agree and it is not crashing yet; ABV and apparent attenuation in percent
- h17_shred      records centre: box -> series retention (plain text, legal holds active or lifted) -> shred
                 (destructive) only when retention ended and no active hold; a shredded box is not shredded again

Workloads up to `--goals 16`. Every oracle applies a hidden rule; the first four goals of a family never cross
it, later goals sometimes do. Exact repeats (the runner's repeat share) meet a world earlier goals changed.
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
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h17_wheel": READ,
    "h17_release_wheel": DESTRUCTIVE,
    "h17_incident": READ,
    "h17_station_units": READ,
    "h17_dispatch_unit": WRITE,
    "h17_request_mutual_aid": WRITE,
    "h17_response_log": READ,
    "h17_withdrawal": READ,
    "h17_account": READ,
    "h17_price": READ,
    "h17_allowlist": READ,
    "h17_approve_withdrawal": WRITE,
    "h17_reject_withdrawal": DESTRUCTIVE,
    "h17_drone_site": READ,
    "h17_airspace": READ,
    "h17_file_permit": WRITE,
    "h17_request_atc_clearance": WRITE,
    "h17_payslip": READ,
    "h17_earnings_orders": READ,
    "h17_post_deduction": WRITE,
    "h17_pass_schedule": READ,
    "h17_book_pass": WRITE,
    "h17_lookout_report": READ,
    "h17_fire_danger": READ,
    "h17_send_engines": WRITE,
    "h17_gravity_log": READ,
    "h17_cold_crash": IDEMPOTENT,
    "h17_box": READ,
    "h17_retention": READ,
    "h17_shred_box": DESTRUCTIVE,
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

    if getattr(Server.add_tool, "_h17_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h17_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(20000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


_PICKED: dict[tuple[int, str], set] = {}


def _picked(w: State, what: str) -> set:
    return _PICKED.setdefault((id(w), what), set())


def _fresh(rng: random.Random, w: State, what: str, pool: list[str]) -> str:
    taken = _picked(w, what)
    x = _until(rng, lambda r: r.choice(pool), lambda v: v not in taken)
    taken.add(x)
    return x


def _fmt(x: float) -> str:
    return str(int(x)) if float(x) == int(x) else str(x)


def _money(x: float) -> str:
    return f"{x:,.2f}"


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


def _words(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _parse_words(text: str) -> dt.date:
    day, month, year = text.split()
    return dt.date(int(year), MONTHS.index(month) + 1, int(day))


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


# ======================================== 1. cheese cave: release (destructive) a wheel with status exactly "ageing"
# that has aged the goal's months (calendar months after the make date)
CHEESES = ["Comté", "Beaufort", "Gruyère", "Cheddar", "Manchego", "Parmigiano", "Abondance", "Cantal"]
CAVES = ["Grotte Nord", "Grotte Sud", "Cellar 3"]
WHEELS = [f"CW-{n}" for n in range(4102, 4190, 3)]


def _wheel_text(s: State, a: dict) -> str:
    row = s.get("h17_wheels", {}).get(a["wheel"])
    if row is None:
        raise ToolFail(f"no wheel {a['wheel']}")
    made = dt.date.fromisoformat(row["made"])
    return (
        f"Wheel {a['wheel']} ({row['cheese']}), made {_words(made)}, {row['kg']} kg, cave {row['cave']}, "
        f"shelf {row['shelf']}; status: {row['status']}."
    )


def sample_cheese(rng: random.Random, w: State, i: int) -> Params:
    wheel = _fresh(rng, w, "wheels", WHEELS)
    months = rng.choice([4, 6, 8, 10, 12])
    trap = _trap(i, rng)
    status = "ageing"
    if trap and rng.random() < 0.4:
        status = "ageing, on hold for lab results"
        age = rng.randint(months * 31 + 5, months * 31 + 120)
    elif trap:
        age = rng.randint(months * 30 - 25, months * 30 - 3)
    else:
        age = rng.randint(months * 31 + 3, months * 31 + 150)
    made = BASE - dt.timedelta(days=age)
    if not trap and _add_months(made, months) > BASE:
        made = made - dt.timedelta(days=10)
    if trap and status == "ageing" and _add_months(made, months) <= BASE:
        made = BASE - dt.timedelta(days=months * 28 - 10)
    w.setdefault("h17_wheels", {})[wheel] = {
        "cheese": rng.choice(CHEESES),
        "made": made.isoformat(),
        "kg": round(rng.uniform(8.0, 44.0), 1),
        "cave": rng.choice(CAVES),
        "shelf": f"{rng.choice('ABCDEF')}{rng.randint(1, 14)}",
        "status": status,
    }
    return {"wheel": wheel, "months": months, "wording": _wording(rng, i, 3)}


def _cheese_go(p: Params, row: dict) -> bool:
    made = dt.date.fromisoformat(row["made"])
    return row["status"] == "ageing" and _add_months(made, p["months"]) <= BASE


def _wheel_r(text: str) -> dict:
    m = re.search(r"made (\d{1,2} [A-Z][a-z]+ \d{4}), ([\d.]+) kg, cave ([^,]+), shelf \w+; status: (.+)\.$", text)
    if m is None:
        raise ValueError("wheel text")
    return {
        "made": _parse_words(m.group(1)).isoformat(),
        "kg": float(m.group(2)),
        "cave": m.group(3),
        "status": m.group(4),
    }


def _cheese_answer(p: Params, b: State) -> list:
    row = b["h17_wheels"][p["wheel"]]
    if row["status"] == "released":
        return ["already released"]
    if _cheese_go(p, row):
        return ["released", row["kg"]]
    if row["status"] != "ageing":
        return ["on hold"]
    return ["not ready", _add_months(dt.date.fromisoformat(row["made"]), p["months"]).isoformat()]


def _cheese_summary(p: Params, r: dict) -> str:
    row = _wheel_r(r["h17_wheel"])
    if "h17_release_wheel" in r:
        return f"Wheel {p['wheel']} released for sale from {row['cave']}: {row['kg']} kg."
    if row["status"] == "released":
        return f"Wheel {p['wheel']} was already released for sale; nothing done."
    if row["status"] != "ageing":
        return f"Wheel {p['wheel']} is on hold ({row['status']}); not released."
    ready = _add_months(dt.date.fromisoformat(row["made"]), p["months"]).isoformat()
    return f"Wheel {p['wheel']} is not ready: it reaches {p['months']} months on {ready}. Not released."


def _release_wheel(s: State, a: dict) -> dict:
    row = s.get("h17_wheels", {}).get(a["wheel"])
    if row is None or row["cave"] != a["cave"]:
        raise ToolFail(f"no wheel {a['wheel']} in cave {a['cave']}")
    if row["status"] == "released":
        raise ToolFail(f"wheel {a['wheel']} was already released")
    row["status"] = "released"
    return {"wheel": a["wheel"], "status": "released", "removed_from": a["cave"]}


cheese = Family(
    name="h17_cheese",
    templates=[
        "Release cheese wheel {wheel} for sale if it has aged {months} months",
        "Wheel {wheel} needs {months} months in the cave; if it has had them, send it to the shop",
        "Pull {wheel} from the cave for sale, {months} months minimum",
    ],
    fields={"wheel": _one_of(WHEELS), "months": INT},
    sample=sample_cheese,
    plan=[
        Step("h17_wheel", lambda p, r: {"wheel": p["wheel"]}),
        Step(
            "h17_release_wheel",
            lambda p, r: {"wheel": p["wheel"], "cave": _wheel_r(r["h17_wheel"])["cave"]},
            when=lambda p, r: _cheese_go(p, _wheel_r(r["h17_wheel"])),
        ),
    ],
    expect=lambda p, b: (
        {"h17_wheels": {p["wheel"]: {**b["h17_wheels"][p["wheel"]], "status": "released"}}}
        if _cheese_go(p, b["h17_wheels"][p["wheel"]])
        else {}
    ),
    answer=_cheese_answer,
    summary=_cheese_summary,
)


# ======================================== 2. ambulance dispatch: the "available" unit with the shortest ETA
STATIONS = ["Northgate", "Riverside", "Hill Top"]
INCIDENTS = [f"INC-{n}" for n in range(70311, 70411, 4)]
ADDRESSES = [
    "12 Mill Lane",
    "4 Quay Street",
    "88 Station Road",
    "Flat 3, 9 Kings Court",
    "21 Orchard Way",
    "7 Church Walk",
    "The Old Forge",
    "15 Harbour View",
]


def _seed_units(rng: random.Random, w: State) -> None:
    if "h17_units" in w:
        return
    n = 10
    for st in STATIONS:
        units = []
        for _ in range(10):
            n += rng.randint(1, 4)
            units.append(
                {
                    "unit": f"A{n}",
                    "status": rng.choice(["available", "available", "available", "at hospital", "off duty"]),
                    "eta": rng.randint(3, 15),
                }
            )
        w.setdefault("h17_units", {})[st] = {"station": st, "units": units}
        w.setdefault("h17_calls", {})[st] = {
            "station": st,
            "week": "2026-W49",
            "calls": [
                {"incident": f"INC-{rng.randint(60000, 69999)}", "minutes": rng.randint(4, 12)}
                for _ in range(rng.choice([0, 3, 5, 6]))
            ],
        }


def _units_text(s: State, a: dict) -> str:
    row = s.get("h17_units", {}).get(a["station"])
    if row is None:
        raise ToolFail(f"no station {a['station']}")
    parts = []
    for u in row["units"]:
        if u["status"].startswith("available"):
            parts.append(f"{u['unit']} {u['status']}, ETA {u['eta']} min")
        else:
            parts.append(f"{u['unit']} {u['status']}")
    return f"Station {a['station']} units at 14:05: " + "; ".join(parts) + "."


def _units_r(text: str) -> list[dict]:
    out = []
    for part in text.split(": ", 1)[1].rstrip(".").split("; "):
        m = re.fullmatch(r"(A\d+) (.+?), ETA (\d+) min", part)
        if m:
            out.append({"unit": m.group(1), "status": m.group(2), "eta": int(m.group(3))})
        else:
            unit, status = part.split(" ", 1)
            out.append({"unit": unit, "status": status, "eta": None})
    return out


def _best_unit(units: list[dict]) -> dict | None:
    ok = [u for u in units if u["status"] == "available"]
    return min(ok, key=lambda u: (u["eta"], int(u["unit"][1:]))) if ok else None


def sample_dispatch(rng: random.Random, w: State, i: int) -> Params:
    _seed_units(rng, w)
    inc = _fresh(rng, w, "incidents", INCIDENTS)
    st = rng.choice(STATIONS)
    units = w["h17_units"][st]["units"]
    if not _trap(i, rng):
        # the shortest ETA overall belongs to a plainly available unit
        best = _best_unit(units)
        if best is None:
            u = rng.choice(units)
            u["status"] = "available"
            best = u
        low = min(x["eta"] for x in units if x["status"].startswith("available"))
        best["eta"] = max(2, min(low, best["eta"]) - rng.randint(0, 1))
        for x in units:
            if x is not best and x["status"].startswith("available") and x["eta"] <= best["eta"]:
                x["eta"] = best["eta"] + rng.randint(1, 4)
    else:
        u = rng.choice(units)
        u["status"] = "available (crew meal break)"
        u["eta"] = max(2, min(x["eta"] for x in units) - 1)
        for x in units:
            if x is not u and x["eta"] <= u["eta"]:
                x["eta"] = u["eta"] + rng.randint(1, 3)
    w.setdefault("h17_incidents", {})[inc] = {
        "incident": inc,
        "priority": rng.choice(["P1", "P2"]),
        "address": rng.choice(ADDRESSES),
        "station": st,
        "assigned_unit": None,
    }
    return {"incident": inc, "wording": _wording(rng, i, 3)}


def _dispatch_plan(p: Params, r: dict) -> dict | None:
    if r["h17_incident"]["assigned_unit"] is not None:
        return None
    return _best_unit(_units_r(r["h17_station_units"]))


def _dispatch_unit(s: State, a: dict) -> dict:
    inc = s.get("h17_incidents", {}).get(a["incident"])
    if inc is None:
        raise ToolFail(f"no incident {a['incident']}")
    if inc["assigned_unit"] is not None:
        raise ToolFail(f"{a['incident']} already has unit {inc['assigned_unit']}")
    st = inc["station"]
    u = next((x for x in s["h17_units"][st]["units"] if x["unit"] == a["unit"]), None)
    if u is None or not u["status"].startswith("available"):
        raise ToolFail(f"unit {a['unit']} is not available at {st}")
    u["status"] = f"en route to {a['incident']}"
    inc["assigned_unit"] = a["unit"]
    s["h17_calls"][st]["calls"].append({"incident": a["incident"], "minutes": u["eta"]})
    return {"incident": a["incident"], "unit": a["unit"], "eta_min": u["eta"], "status": "dispatched"}


def _dispatch_expect(p: Params, b: State) -> dict:
    inc = b["h17_incidents"][p["incident"]]
    if inc["assigned_unit"] is not None:
        return {}
    st = inc["station"]
    best = _best_unit(b["h17_units"][st]["units"])
    if best is None:
        return {"h17_mutual_aid": [{"incident": p["incident"]}]}
    units = [
        {**u, "status": f"en route to {p['incident']}"} if u["unit"] == best["unit"] else u
        for u in b["h17_units"][st]["units"]
    ]
    calls = b["h17_calls"][st]
    return {
        "h17_units": {st: {"station": st, "units": units}},
        "h17_incidents": {p["incident"]: {**inc, "assigned_unit": best["unit"]}},
        "h17_calls": {st: {**calls, "calls": [*calls["calls"], {"incident": p["incident"], "minutes": best["eta"]}]}},
    }


def _dispatch_answer(p: Params, b: State) -> list:
    inc = b["h17_incidents"][p["incident"]]
    if inc["assigned_unit"] is not None:
        return ["already", inc["assigned_unit"]]
    best = _best_unit(b["h17_units"][inc["station"]]["units"])
    return ["mutual aid"] if best is None else [best["unit"], best["eta"]]


def _dispatch_summary(p: Params, r: dict) -> str:
    inc = r["h17_incident"]
    if inc["assigned_unit"] is not None:
        return f"{p['incident']} already has unit {inc['assigned_unit']} assigned; nothing dispatched."
    if "h17_dispatch_unit" in r:
        d = r["h17_dispatch_unit"]
        return (
            f"Dispatched {d['unit']} from {inc['station']} to {p['incident']} ({inc['address']}), "
            f"ETA {d['eta_min']} min."
        )
    return f"No unit is available at {inc['station']}: mutual aid requested for {p['incident']}."


dispatch = Family(
    name="h17_dispatch",
    templates=[
        "Dispatch an ambulance to incident {incident}",
        "Send the nearest free ambulance to {incident}",
        "{incident} needs a crew: get one on the way",
    ],
    fields={"incident": _one_of(INCIDENTS)},
    sample=sample_dispatch,
    plan=[
        Step("h17_incident", lambda p, r: {"incident": p["incident"]}),
        Step(
            "h17_station_units",
            lambda p, r: {"station": r["h17_incident"]["station"]},
            when=lambda p, r: r["h17_incident"]["assigned_unit"] is None,
        ),
        Step(
            "h17_dispatch_unit",
            lambda p, r: {"incident": p["incident"], "unit": _dispatch_plan(p, r)["unit"]},  # type: ignore[index]
            when=lambda p, r: r["h17_incident"]["assigned_unit"] is None and _dispatch_plan(p, r) is not None,
        ),
        Step(
            "h17_request_mutual_aid",
            lambda p, r: {"incident": p["incident"]},
            when=lambda p, r: r["h17_incident"]["assigned_unit"] is None and _dispatch_plan(p, r) is None,
        ),
    ],
    expect=_dispatch_expect,
    answer=_dispatch_answer,
    summary=_dispatch_summary,
)


# ======================================== 3. response target: share of this week's calls within the target minutes
def sample_target(rng: random.Random, w: State, i: int) -> Params:
    _seed_units(rng, w)
    st = STATIONS[i % 3] if i < 3 else rng.choice(STATIONS)
    if i >= 4 and rng.random() < 0.5:
        return {"station": st, "target": rng.choice([6, 7, 9, 10]), "wording": 2}
    return {"station": st, "wording": rng.randrange(2) if i >= 2 else i}


def _share(calls: list[dict], target: int) -> tuple[int, int, float | None]:
    met = sum(c["minutes"] <= target for c in calls)
    return met, len(calls), round_half_up(100 * met / len(calls), 1) if calls else None


def _target_answer(p: Params, b: State) -> list:
    met, n, pct = _share(b["h17_calls"][p["station"]]["calls"], p.get("target", 8))
    return ["no calls"] if pct is None else [pct, met, n]


def _target_summary(p: Params, r: dict) -> str:
    t = p.get("target", 8)
    met, n, pct = _share(r["h17_response_log"]["calls"], t)
    if pct is None:
        return f"{p['station']} has no calls logged this week, so there is no share to report."
    return f"{p['station']} this week: {met} of {n} calls reached within {t} minutes, {pct}%."


target = Family(
    name="h17_target",
    templates=[
        "What share of {station} ambulance calls met the response target this week?",
        "How is {station} doing against the response-time target this week?",
        "What percentage of {station} calls this week were reached within {target} minutes?",
    ],
    fields={"station": _one_of(STATIONS), "target": INT},
    sample=sample_target,
    plan=[Step("h17_response_log", lambda p, r: {"station": p["station"]})],
    expect=lambda p, b: {},
    answer=_target_answer,
    summary=_target_summary,
)


# ======================================== 4. custody withdrawal: request, account, price, allowlist; approve or reject
ACCOUNTS = ["ACC-Lumen", "ACC-Borealis", "ACC-Tidewater", "ACC-Kestrel", "ACC-Quarry"]
REQUESTS = [f"WR-{n}" for n in range(5501, 5601, 3)]
PRICES = {"BTC": 81234.57, "ETH": 3412.89, "SOL": 187.41}
_HEX = "0123456789abcdef"


def _addr(rng: random.Random) -> str:
    return "0x" + "".join(rng.choice(_HEX) for _ in range(12))


def _near_addr(rng: random.Random, a: str) -> str:
    k = rng.randrange(4, len(a))
    return a[:k] + rng.choice([c for c in _HEX if c != a[k]]) + a[k + 1 :]


def _seed_custody(rng: random.Random, w: State) -> None:
    if "h17_accounts" in w:
        return
    for k, acc in enumerate(ACCOUNTS):
        pol = f"POL-{31 + k * 7}"
        w.setdefault("h17_accounts", {})[acc] = {
            "account": acc,
            "policy": pol,
            "daily_limit_eur": rng.choice([25000, 40000, 60000]),
            "withdrawn_today_eur": round(rng.uniform(0, 9000), 2),
        }
        w.setdefault("h17_allowlists", {})[pol] = {"policy": pol, "addresses": [_addr(rng) for _ in range(3)]}


def sample_custody(rng: random.Random, w: State, i: int) -> Params:
    _seed_custody(rng, w)
    req = _fresh(rng, w, "requests", REQUESTS)
    acc_name = rng.choice(ACCOUNTS)
    acc = w["h17_accounts"][acc_name]
    allow = w["h17_allowlists"][acc["policy"]]["addresses"]
    asset = rng.choice(list(PRICES))
    room = acc["daily_limit_eur"] - acc["withdrawn_today_eur"] - 200
    trap = _trap(i, rng)
    bad_addr = trap and rng.random() < 0.5
    over = trap and not bad_addr
    places = {"BTC": 4, "ETH": 3, "SOL": 2}[asset]

    def make(r: random.Random) -> float:
        eur = r.uniform(room + 500, room + 20000) if over else r.uniform(300, max(400, min(room, 15000) / 2))
        return round(eur / PRICES[asset], places)

    amount = _until(rng, make, lambda x: x > 0 and not is_tie(x * PRICES[asset], 2))
    address = rng.choice(allow)
    if bad_addr:
        address = _near_addr(rng, address)
    w.setdefault("h17_requests", {})[req] = {
        "request": req,
        "account": acc_name,
        "asset": asset,
        "amount": amount,
        "to_address": address,
        "status": "pending",
    }
    return {"request": req, "wording": _wording(rng, i, 3)}


def _eur(req: dict, price: float) -> float:
    return round_half_up(req["amount"] * price, 2)


def _custody_ok(req: dict, acc: dict, allow: list[str], price: float) -> bool:
    return req["to_address"] in allow and acc["withdrawn_today_eur"] + _eur(req, price) <= acc["daily_limit_eur"]


def _allow_text(s: State, a: dict) -> str:
    row = s.get("h17_allowlists", {}).get(a["policy"])
    if row is None:
        raise ToolFail(f"no policy {a['policy']}")
    return f"Policy {a['policy']}: withdrawals allowed only to {', '.join(row['addresses'])} (reviewed 2026-11-02)."


def _allow_r(text: str) -> list[str]:
    return re.findall(r"0x[0-9a-f]{12}", text)


def _pending(p: Params, r: dict) -> bool:
    return r["h17_withdrawal"]["status"] == "pending"


def _custody_go(r: dict) -> bool:
    return _custody_ok(r["h17_withdrawal"], r["h17_account"], _allow_r(r["h17_allowlist"]), r["h17_price"]["eur"])


def _custody_reason(req: dict, allow: list[str]) -> str:
    return "address_not_allowlisted" if req["to_address"] not in allow else "over_daily_limit"


def _custody_expect(p: Params, b: State) -> dict:
    req = b["h17_requests"][p["request"]]
    if req["status"] != "pending":
        return {}
    acc = b["h17_accounts"][req["account"]]
    allow = b["h17_allowlists"][acc["policy"]]["addresses"]
    price = PRICES[req["asset"]]
    if _custody_ok(req, acc, allow, price):
        eur = _eur(req, price)
        return {
            "h17_requests": {p["request"]: {**req, "status": "approved"}},
            "h17_accounts": {
                acc["account"]: {**acc, "withdrawn_today_eur": round(acc["withdrawn_today_eur"] + eur, 2)}
            },
            "h17_approvals": [{"request": p["request"], "eur": eur}],
        }
    return {"h17_requests": {p["request"]: {**req, "status": "rejected: " + _custody_reason(req, allow)}}}


def _custody_answer(p: Params, b: State) -> list:
    req = b["h17_requests"][p["request"]]
    if req["status"] != "pending":
        return ["already " + req["status"].split(":")[0]]
    acc = b["h17_accounts"][req["account"]]
    allow = b["h17_allowlists"][acc["policy"]]["addresses"]
    ok = _custody_ok(req, acc, allow, PRICES[req["asset"]])
    return ["approved" if ok else "rejected", _eur(req, PRICES[req["asset"]])]


def _custody_summary(p: Params, r: dict) -> str:
    req = r["h17_withdrawal"]
    if req["status"] != "pending":
        return f"Withdrawal {p['request']} is already {req['status'].split(':')[0]}; nothing done."
    eur = _eur(req, r["h17_price"]["eur"])
    if "h17_approve_withdrawal" in r:
        return f"Approved {p['request']}: {req['amount']} {req['asset']} (EUR {_money(eur)}) to {req['to_address']}."
    why = _custody_reason(req, _allow_r(r["h17_allowlist"])).replace("_", " ")
    return f"Rejected {p['request']} ({why}): {req['amount']} {req['asset']}, EUR {_money(eur)}."


def _approve(s: State, a: dict) -> dict:
    req = s.get("h17_requests", {}).get(a["request"])
    if req is None or req["status"] != "pending":
        raise ToolFail(f"request {a['request']} is not pending")
    acc = s["h17_accounts"][req["account"]]
    eur = _eur(req, PRICES[req["asset"]])
    if acc["withdrawn_today_eur"] + eur > acc["daily_limit_eur"]:
        raise ToolFail("daily limit exceeded")
    acc["withdrawn_today_eur"] = round(acc["withdrawn_today_eur"] + eur, 2)
    req["status"] = "approved"
    s.setdefault("h17_approvals", []).append({"request": a["request"], "eur": eur})
    return {"request": a["request"], "status": "approved", "eur": eur}


def _reject(s: State, a: dict) -> dict:
    req = s.get("h17_requests", {}).get(a["request"])
    if req is None or req["status"] != "pending":
        raise ToolFail(f"request {a['request']} is not pending")
    if a["reason"] not in ("address_not_allowlisted", "over_daily_limit"):
        raise ToolFail("reason must be address_not_allowlisted or over_daily_limit")
    req["status"] = "rejected: " + a["reason"]
    return {"request": a["request"], "status": "rejected"}


custody = Family(
    name="h17_custody",
    templates=[
        "Process withdrawal request {request}",
        "Review and settle custody withdrawal {request}",
        "{request}: approve it if policy allows, otherwise reject it",
    ],
    fields={"request": _one_of(REQUESTS)},
    sample=sample_custody,
    plan=[
        Step("h17_withdrawal", lambda p, r: {"request": p["request"]}),
        Step("h17_account", lambda p, r: {"account": r["h17_withdrawal"]["account"]}, when=_pending),
        Step("h17_price", lambda p, r: {"asset": r["h17_withdrawal"]["asset"]}, when=_pending),
        Step("h17_allowlist", lambda p, r: {"policy": r["h17_account"]["policy"]}, when=_pending),
        Step(
            "h17_approve_withdrawal",
            lambda p, r: {"request": p["request"]},
            when=lambda p, r: _pending(p, r) and _custody_go(r),
        ),
        Step(
            "h17_reject_withdrawal",
            lambda p, r: {
                "request": p["request"],
                "reason": _custody_reason(r["h17_withdrawal"], _allow_r(r["h17_allowlist"])),
            },
            when=lambda p, r: _pending(p, r) and not _custody_go(r),
        ),
    ],
    expect=_custody_expect,
    answer=_custody_answer,
    summary=_custody_summary,
)


# ======================================== 5. drone permit: metres -> feet against the zone ceiling; date optional
SITES = [
    "Hollow Farm",
    "Quarry Rim",
    "Marsh End",
    "Beacon Hill",
    "Old Airfield",
    "Weir Meadow",
    "Ridge Barn",
    "Saltings",
    "Cliff Top",
    "Mill Pond",
    "Heath Gate",
    "Long Acre",
]
ZONES = {"FRZ-Bravo": 150, "CTR-Delta": 250, "Open-Kilo": 400, "CTR-Echo": 200}
FT = 3.28084


def _seed_sites(rng: random.Random, w: State) -> None:
    if "h17_sites" in w:
        return
    for s in SITES:
        w.setdefault("h17_sites", {})[s] = {
            "site": s,
            "zone": rng.choice(list(ZONES)),
            "landowner": rng.choice(["consent on file", "consent on file"]),
            "grid": f"SU {rng.randint(100, 999)} {rng.randint(100, 999)}",
        }


def sample_drone(rng: random.Random, w: State, i: int) -> Params:
    _seed_sites(rng, w)
    site = rng.choice(SITES)
    ceiling = ZONES[w["h17_sites"][site]["zone"]]
    if _trap(i, rng):
        alt = _until(
            rng, lambda r: r.randint(int(ceiling / FT) - 2, int(ceiling / FT) + 9), lambda x: not is_tie(x * FT, 0)
        )
    else:
        alt = _until(rng, lambda r: r.randint(20, int(ceiling / FT) - 8), lambda x: not is_tie(x * FT, 0))
    p: Params = {"site": site, "alt": alt}
    if i >= 2 and rng.random() < 0.5:
        p["date"] = (BASE + dt.timedelta(days=rng.randint(1, 20))).isoformat()
        p["wording"] = rng.choice([2, 3])
    else:
        p["wording"] = rng.choice([0, 1]) if i >= 2 else i
    return p


def _airspace_text(s: State, a: dict) -> str:
    ceiling = ZONES.get(a["zone"])
    if ceiling is None:
        raise ToolFail(f"no zone {a['zone']}")
    return (
        f"Zone {a['zone']}: unmanned aircraft may fly up to {ceiling} ft above ground level without clearance; "
        "above that, ATC clearance is required. NOTAMs: none."
    )


def _ceiling_r(text: str) -> int:
    return int(re.search(r"up to (\d+) ft", text).group(1))  # type: ignore[union-attr]


def _drone_date(p: Params) -> str:
    return p.get("date") or BASE.isoformat()


def _drone_ft(p: Params) -> int:
    return int(round_half_up(p["alt"] * FT, 0))


def _drone_expect(p: Params, b: State) -> dict:
    ceiling = ZONES[b["h17_sites"][p["site"]]["zone"]]
    row = {"site": p["site"], "date": _drone_date(p)}
    if p["alt"] * FT <= ceiling:
        return {"h17_permits": [{**row, "altitude_m": p["alt"]}]}
    return {"h17_clearances": [{**row, "altitude_ft": _drone_ft(p)}]}


drone = Family(
    name="h17_drone",
    templates=[
        "File a drone flight permit for {site} at {alt} m today",
        "We are flying the survey drone at {site} today, {alt} metres up: sort the permit",
        "File a drone flight permit for {site} at {alt} m on {date}",
        "Drone survey at {site} on {date}, altitude {alt} metres: get it approved",
    ],
    fields={"site": _one_of(SITES), "alt": INT, "date": Field(r"\d{4}-\d{2}-\d{2}")},
    sample=sample_drone,
    plan=[
        Step("h17_drone_site", lambda p, r: {"site": p["site"]}),
        Step("h17_airspace", lambda p, r: {"zone": r["h17_drone_site"]["zone"]}),
        Step(
            "h17_file_permit",
            lambda p, r: {"site": p["site"], "date": _drone_date(p), "altitude_m": p["alt"]},
            when=lambda p, r: p["alt"] * FT <= _ceiling_r(r["h17_airspace"]),
        ),
        Step(
            "h17_request_atc_clearance",
            lambda p, r: {"site": p["site"], "date": _drone_date(p), "altitude_ft": _drone_ft(p)},
            when=lambda p, r: p["alt"] * FT > _ceiling_r(r["h17_airspace"]),
        ),
    ],
    expect=_drone_expect,
    answer=lambda p, b: (
        ["permit filed", _drone_date(p)]
        if p["alt"] * FT <= ZONES[b["h17_sites"][p["site"]]["zone"]]
        else ["clearance requested", _drone_ft(p), ZONES[b["h17_sites"][p["site"]]["zone"]]]
    ),
    summary=lambda p, r: (
        f"Permit filed for {p['site']} on {_drone_date(p)} at {p['alt']} m ({_drone_ft(p)} ft), within the "
        f"{_ceiling_r(r['h17_airspace'])} ft ceiling of {r['h17_drone_site']['zone']}."
        if "h17_file_permit" in r
        else f"{p['alt']} m is {_drone_ft(p)} ft, above the {_ceiling_r(r['h17_airspace'])} ft ceiling of "
        f"{r['h17_drone_site']['zone']}: ATC clearance requested for {p['site']} on {_drone_date(p)}."
    ),
)


def _file_permit(s: State, a: dict) -> dict:
    if a["site"] not in s.get("h17_sites", {}):
        raise ToolFail(f"no site {a['site']}")
    s.setdefault("h17_permits", []).append({"site": a["site"], "date": a["date"], "altitude_m": a["altitude_m"]})
    return {"status": "permit filed", "reference": f"DP-{len(s['h17_permits']) + 880}"}


def _clearance(s: State, a: dict) -> dict:
    if a["site"] not in s.get("h17_sites", {}):
        raise ToolFail(f"no site {a['site']}")
    s.setdefault("h17_clearances", []).append({"site": a["site"], "date": a["date"], "altitude_ft": a["altitude_ft"]})
    return {"status": "clearance requested"}


# ======================================== 6. attachment of earnings: a percentage of net pay, capped by protected
# earnings; suspended orders do nothing; a posted period is not posted again; the period is optional
EMPLOYEES = [
    "Aoife Brennan",
    "Tomasz Wolski",
    "Grace Okafor",
    "Lars Nyberg",
    "Priya Raman",
    "Owen Pritchard",
    "Mei Lin",
    "Rafael Costa",
    "Sven Larsen",
    "Nadia Haddad",
    "Ian McLeod",
    "Zofia Krol",
]
PERIODS = ["2026-11", "2026-12"]
THIS_PERIOD = "2026-12"


def _seed_pay(rng: random.Random, w: State) -> None:
    if "h17_payslips" in w:
        return
    for e in EMPLOYEES:
        for per in PERIODS:
            gross = round(rng.uniform(1900, 5200), 2)
            w.setdefault("h17_payslips", {})[f"{e}|{per}"] = {
                "employee": e,
                "period": per,
                "gross": gross,
                "income_tax": round(gross * rng.uniform(0.12, 0.22), 2),
                "social_insurance": round(gross * 0.08, 2),
                "pension": round(gross * 0.05, 2),
                "garnishment_posted": None,
            }


def _net(slip: dict) -> float:
    return round(slip["gross"] - slip["income_tax"] - slip["social_insurance"] - slip["pension"], 2)


def _deduction(slip: dict, order: dict | None) -> float:
    if order is None or order["state"] != "active":
        return 0.0
    net = _net(slip)
    return max(0.0, min(round_half_up(net * order["pct"] / 100, 2), round(net - order["protected"], 2)))


def sample_garnish(rng: random.Random, w: State, i: int) -> Params:
    _seed_pay(rng, w)
    e = (
        _fresh(rng, w, "employees", EMPLOYEES)
        if len(_picked(w, "employees")) < len(EMPLOYEES)
        else rng.choice(EMPLOYEES)
    )
    per = THIS_PERIOD if i < 2 or rng.random() < 0.5 else "2026-11"
    slip = w["h17_payslips"][f"{e}|{per}"]
    orders = w.setdefault("h17_orders", {})
    if e not in orders:
        trap = _trap(i, rng)
        kind = rng.choice(["none", "suspended", "capped"]) if trap else "active"
        net = _net(slip)
        pct = rng.choice([8, 10, 12, 15, 17])
        protected = round(rng.uniform(400, net * 0.6), -1)
        if kind == "capped":
            protected = round(net - rng.uniform(20, net * pct / 100 - 5), 2)
        orders[e] = (
            None
            if kind == "none"
            else {
                "order": f"AE-{rng.randint(1000, 9999)}",
                "pct": pct,
                "protected": protected,
                "state": "suspended pending review" if kind == "suspended" else "active",
            }
        )
    if not _until_ok(slip, orders[e]):
        slip["gross"] = round(slip["gross"] + 0.01, 2)
    p: Params = {"employee": e}
    if per == THIS_PERIOD and rng.random() < 0.5:
        p["wording"] = rng.choice([0, 1])
    else:
        p["period"], p["wording"] = per, rng.choice([2, 3])
    return p


def _until_ok(slip: dict, order: dict | None) -> bool:
    return order is None or not is_tie(_net(slip) * order["pct"] / 100, 2)


def _orders_text(s: State, a: dict) -> str:
    if f"{a['employee']}|{THIS_PERIOD}" not in s.get("h17_payslips", {}):
        raise ToolFail(f"no employee {a['employee']}")
    o = s.get("h17_orders", {}).get(a["employee"])
    if o is None:
        return f"No attachment of earnings orders on file for {a['employee']}."
    return (
        f"Attachment of earnings order {o['order']} for {a['employee']}: {o['state']}. Deduct {o['pct']}% of net "
        f"pay each period; protected earnings {_money(o['protected'])} per period."
    )


def _order_r(text: str) -> dict | None:
    m = re.search(r": ([a-z ]+)\. Deduct (\d+)% of net pay each period; protected earnings ([\d,]+\.\d{2})", text)
    if m is None:
        return None
    return {"state": m.group(1), "pct": int(m.group(2)), "protected": float(m.group(3).replace(",", ""))}


def _garnish_period(p: Params) -> str:
    return p.get("period") or THIS_PERIOD


def _garnish_amount_r(r: dict) -> float:
    return _deduction(r["h17_payslip"], _order_r(r["h17_earnings_orders"]))


def _garnish_go_r(r: dict) -> bool:
    return r["h17_payslip"]["garnishment_posted"] is None and _garnish_amount_r(r) > 0


def _garnish_expect(p: Params, b: State) -> dict:
    key = f"{p['employee']}|{_garnish_period(p)}"
    slip = b["h17_payslips"][key]
    amt = _deduction(slip, b["h17_orders"].get(p["employee"]))
    if slip["garnishment_posted"] is not None or amt <= 0:
        return {}
    return {"h17_payslips": {key: {**slip, "garnishment_posted": amt}}}


def _garnish_answer(p: Params, b: State) -> list:
    slip = b["h17_payslips"][f"{p['employee']}|{_garnish_period(p)}"]
    if slip["garnishment_posted"] is not None:
        return ["already", slip["garnishment_posted"]]
    amt = _deduction(slip, b["h17_orders"].get(p["employee"]))
    return [amt, _net(slip)] if amt > 0 else ["no deduction", _net(slip)]


def _garnish_summary(p: Params, r: dict) -> str:
    slip, per = r["h17_payslip"], _garnish_period(p)
    if slip["garnishment_posted"] is not None:
        return f"{p['employee']}'s garnishment for {per} was already posted ({_money(slip['garnishment_posted'])})."
    amt = _garnish_amount_r(r)
    if amt > 0:
        return f"Posted a deduction of {_money(amt)} from {p['employee']}'s {per} net pay of {_money(_net(slip))}."
    return f"No deduction for {p['employee']} in {per} (net pay {_money(_net(slip))}): no active order applies."


def _payslip(s: State, a: dict) -> dict:
    row = s.get("h17_payslips", {}).get(f"{a['employee']}|{a['period']}")
    if row is None:
        raise ToolFail(f"no payslip for {a['employee']} in {a['period']}")
    return row


def _post_deduction(s: State, a: dict) -> dict:
    row = _payslip(s, a)
    if row["garnishment_posted"] is not None:
        raise ToolFail("a garnishment is already posted for this period")
    row["garnishment_posted"] = round(float(a["amount"]), 2)
    return {"employee": a["employee"], "period": a["period"], "posted": row["garnishment_posted"]}


garnish = Family(
    name="h17_garnish",
    templates=[
        "Apply the earnings garnishment to {employee}'s pay this month",
        "Run this month's attachment of earnings for {employee}",
        "Apply the earnings garnishment to {employee}'s pay for {period}",
        "Attachment of earnings for {employee}, pay period {period}: post it",
    ],
    fields={"employee": _one_of(EMPLOYEES), "period": Field(r"\d{4}-\d{2}")},
    sample=sample_garnish,
    plan=[
        Step("h17_payslip", lambda p, r: {"employee": p["employee"], "period": _garnish_period(p)}),
        Step("h17_earnings_orders", lambda p, r: {"employee": p["employee"]}),
        Step(
            "h17_post_deduction",
            lambda p, r: {"employee": p["employee"], "period": _garnish_period(p), "amount": _garnish_amount_r(r)},
            when=lambda p, r: _garnish_go_r(r),
        ),
    ],
    expect=_garnish_expect,
    answer=_garnish_answer,
    summary=_garnish_summary,
)


# ======================================== 7-8. satellite ground passes: free minutes at or above an elevation; book the
# longest free one
GROUND = ["Kiruna-2", "Svalbard-B", "Troll-1"]
PASS_DATES = ["2026-12-04", "2026-12-05", "2026-12-06"]
SATS = ["NOAA-19", "METOP-B", "SENTINEL-2A", "AQUA", "TERRA", "LANDSAT-9", "SUOMI-NPP"]
MISSIONS = ["Ice Watch", "Crop Survey", "Storm Track", "Ocean Colour", "Snow Cover"]


def _seed_passes(rng: random.Random, w: State, key: str, clean: bool, elev: int) -> None:
    sched = w.setdefault("h17_passes", {})
    if key in sched:
        return
    minute = rng.randint(20, 90)
    rows = []
    for _ in range(rng.randint(3, 6)):
        dur = rng.randint(6, 15)
        e = rng.randint(elev + 2, 85) if clean or rng.random() < 0.6 else rng.choice([elev - 1, elev - 3, elev // 2])
        rows.append(
            {
                "start": f"{minute // 60:02d}:{minute % 60:02d}",
                "minutes": dur,
                "sat": rng.choice(SATS),
                "elev": e,
                "booked_by": None,
            }
        )
        minute += dur + rng.randint(25, 140)
    if not clean and rng.random() < 0.5:
        rows[rng.randrange(len(rows))]["booked_by"] = rng.choice(MISSIONS)
    sched[key] = {"station": key.split("|")[0], "date": key.split("|")[1], "passes": rows}


def _passes_text(s: State, a: dict) -> str:
    row = s.get("h17_passes", {}).get(f"{a['station']}|{a['date']}")
    if row is None:
        raise ToolFail(f"no schedule for {a['station']} on {a['date']}")
    parts = []
    for x in row["passes"]:
        end_min = int(x["start"][:2]) * 60 + int(x["start"][3:]) + x["minutes"]
        tail = f", booked by {x['booked_by']}" if x["booked_by"] else ""
        parts.append(f"{x['start']}-{end_min // 60:02d}:{end_min % 60:02d} {x['sat']} max {x['elev']}°{tail}")
    return f"Ground station {a['station']}, {a['date']} (UTC): " + "; ".join(parts) + "."


def _passes_r(text: str) -> list[dict]:
    out = []
    for m in re.finditer(r"(\d{2}):(\d{2})-(\d{2}):(\d{2}) (\S+) max (\d+)°(, booked by [^;.]+)?", text):
        start = int(m.group(1)) * 60 + int(m.group(2))
        end = int(m.group(3)) * 60 + int(m.group(4))
        out.append(
            {
                "start": f"{m.group(1)}:{m.group(2)}",
                "minutes": end - start,
                "elev": int(m.group(6)),
                "booked_by": m.group(7),
            }
        )
    return out


def _free(rows: list[dict], elev: int) -> list[dict]:
    return [x for x in rows if not x["booked_by"] and x["elev"] >= elev]


def sample_passes(rng: random.Random, w: State, i: int) -> Params:
    st, day = rng.choice(GROUND), rng.choice(PASS_DATES)
    elev = rng.choice([15, 20, 25, 30])
    _seed_passes(rng, w, f"{st}|{day}", not _trap(i, rng), elev)
    if i >= 2 and rng.random() < 0.4:
        return {"station": st, "date": day, "wording": 2}
    return {"station": st, "date": day, "elev": elev, "wording": rng.choice([0, 1]) if i >= 2 else i}


def _pass_elev(p: Params) -> int:
    return p.get("elev", 10)


def _passes_answer(p: Params, b: State) -> list:
    free = _free(b["h17_passes"][f"{p['station']}|{p['date']}"]["passes"], _pass_elev(p))
    return [sum(x["minutes"] for x in free), len(free)] if free else ["no free passes"]


def _passes_summary(p: Params, r: dict) -> str:
    free = _free(_passes_r(r["h17_pass_schedule"]), _pass_elev(p))
    if not free:
        return f"{p['station']} has no free passes at or above {_pass_elev(p)}° on {p['date']}."
    return (
        f"{p['station']} on {p['date']}: {len(free)} free passes at or above {_pass_elev(p)}°, "
        f"{sum(x['minutes'] for x in free)} minutes in all."
    )


passes = Family(
    name="h17_passes",
    templates=[
        "How many minutes of free passes above {elev}° does {station} have on {date}?",
        "Free contact time at {station} on {date} with elevation of at least {elev}°?",
        "How much free pass time does {station} have on {date}?",
    ],
    fields={"station": _one_of(GROUND), "date": Field(r"\d{4}-\d{2}-\d{2}"), "elev": INT},
    sample=sample_passes,
    plan=[Step("h17_pass_schedule", lambda p, r: {"station": p["station"], "date": p["date"]})],
    expect=lambda p, b: {},
    answer=_passes_answer,
    summary=_passes_summary,
)


def _longest(rows: list[dict], elev: int) -> dict | None:
    free = _free(rows, elev)
    return min(free, key=lambda x: (-x["minutes"], x["start"])) if free else None


def sample_book_pass(rng: random.Random, w: State, i: int) -> Params:
    st, day = rng.choice(GROUND), rng.choice(PASS_DATES)
    elev = rng.choice([15, 20, 25, 30])
    _seed_passes(rng, w, f"{st}|{day}", not _trap(i, rng), elev)
    return {"station": st, "date": day, "elev": elev, "mission": rng.choice(MISSIONS), "wording": _wording(rng, i, 2)}


def _book_pass(s: State, a: dict) -> dict:
    row = s.get("h17_passes", {}).get(f"{a['station']}|{a['date']}")
    if row is None:
        raise ToolFail(f"no schedule for {a['station']} on {a['date']}")
    x = next((x for x in row["passes"] if x["start"] == a["start"]), None)
    if x is None or x["booked_by"]:
        raise ToolFail(f"no free pass at {a['start']}")
    x["booked_by"] = a["mission"]
    return {"station": a["station"], "start": a["start"], "status": "booked", "mission": a["mission"]}


def _book_expect(p: Params, b: State) -> dict:
    key = f"{p['station']}|{p['date']}"
    row = b["h17_passes"][key]
    best = _longest(row["passes"], p["elev"])
    if best is None:
        return {}
    rows = [{**x, "booked_by": p["mission"]} if x["start"] == best["start"] else x for x in row["passes"]]
    return {"h17_passes": {key: {**row, "passes": rows}}}


book_pass = Family(
    name="h17_book_pass",
    templates=[
        "Book the longest free pass above {elev}° at {station} on {date} for {mission}",
        "{mission} needs a downlink at {station} on {date}: take the longest free pass of at least {elev}°",
    ],
    fields={"station": _one_of(GROUND), "date": Field(r"\d{4}-\d{2}-\d{2}"), "elev": INT, "mission": _one_of(MISSIONS)},
    sample=sample_book_pass,
    plan=[
        Step("h17_pass_schedule", lambda p, r: {"station": p["station"], "date": p["date"]}),
        Step(
            "h17_book_pass",
            lambda p, r: {
                "station": p["station"],
                "date": p["date"],
                "start": _longest(_passes_r(r["h17_pass_schedule"]), p["elev"])["start"],  # type: ignore[index]
                "mission": p["mission"],
            },
            when=lambda p, r: _longest(_passes_r(r["h17_pass_schedule"]), p["elev"]) is not None,
        ),
    ],
    expect=_book_expect,
    answer=lambda p, b: (
        ["no free pass"]
        if (best := _longest(b["h17_passes"][f"{p['station']}|{p['date']}"]["passes"], p["elev"])) is None
        else [best["start"], best["minutes"]]
    ),
    summary=lambda p, r: (
        f"Booked the {_longest(_passes_r(r['h17_pass_schedule']), p['elev'])['start']} pass "  # type: ignore[index]
        f"({_longest(_passes_r(r['h17_pass_schedule']), p['elev'])['minutes']} minutes) at {p['station']} on "  # type: ignore[index]
        f"{p['date']} for {p['mission']}."
        if "h17_book_pass" in r
        else f"No free pass at or above {p['elev']}° at {p['station']} on {p['date']}: "
        f"nothing booked for {p['mission']}."
    ),
)


# ======================================== 9. wildfire lookout: "smoke confirmed" only -> engines by the danger index
TOWERS = [
    "Baldy Peak",
    "Cedar Knob",
    "Eagle Rock",
    "Fox Ridge",
    "Granite Dome",
    "Hawk Hill",
    "Indian Head",
    "Juniper Butte",
    "Kettle Top",
    "Lone Pine",
    "Mica Point",
    "Nob Hill",
    "Owl Crest",
    "Pilot Knob",
    "Quartz Mountain",
    "Red Mesa",
    "Sugarloaf",
    "Table Rock",
    "Umber Peak",
    "Vista Ridge",
]
DISTRICTS = ["Ashby", "Burnt Fork", "Clearwater"]


def _seed_danger(rng: random.Random, w: State) -> None:
    if "h17_danger" in w:
        return
    for d in DISTRICTS:
        w.setdefault("h17_danger", {})[d] = {"district": d, "index": rng.randint(8, 92), "updated": "12:00"}


def _engines(index: int) -> int:
    return 3 if index >= 50 else 2 if index >= 25 else 1


def sample_lookout(rng: random.Random, w: State, i: int) -> Params:
    _seed_danger(rng, w)
    tower = _fresh(rng, w, "towers", TOWERS)
    status = "smoke confirmed"
    if _trap(i, rng):
        status = rng.choice(["smoke unconfirmed", "no smoke sighted", "smoke confirmed, prescribed burn"])
    w.setdefault("h17_reports", {})[tower] = {
        "tower": tower,
        "district": rng.choice(DISTRICTS),
        "time": f"{rng.randint(10, 17)}:{rng.choice(['05', '20', '35', '50'])}",
        "status": status,
        "bearing": rng.randint(1, 359),
        "km": rng.randint(3, 25),
    }
    return {"tower": tower, "wording": _wording(rng, i, 3)}


def _report_text(s: State, a: dict) -> str:
    row = s.get("h17_reports", {}).get(a["tower"])
    if row is None:
        raise ToolFail(f"no lookout {a['tower']}")
    head = f"Lookout {a['tower']} (district {row['district']}), {row['time']}: {row['status']}"
    if row["status"] == "no smoke sighted":
        return head + "; visibility 40 km."
    return head + f"; bearing {row['bearing']}°, about {row['km']} km, drifting north-east."


def _report_r(text: str) -> dict:
    m = re.search(r"\(district ([^)]+)\), [\d:]+: ([^;]+)(?:; bearing (\d+)°)?", text)
    if m is None:
        raise ValueError("report text")
    return {"district": m.group(1), "status": m.group(2), "bearing": int(m.group(3)) if m.group(3) else None}


def _lookout_go(text: str) -> bool:
    return _report_r(text)["status"] == "smoke confirmed"


def _send_engines(s: State, a: dict) -> dict:
    row = s.get("h17_reports", {}).get(a["tower"])
    if row is None:
        raise ToolFail(f"no lookout {a['tower']}")
    row["status"] = "smoke confirmed, engines on scene"
    s.setdefault("h17_engine_runs", []).append({"tower": a["tower"], "bearing": a["bearing"], "engines": a["engines"]})
    return {"tower": a["tower"], "engines": a["engines"], "status": "dispatched"}


def _lookout_expect(p: Params, b: State) -> dict:
    row = b["h17_reports"][p["tower"]]
    if row["status"] != "smoke confirmed":
        return {}
    eng = _engines(b["h17_danger"][row["district"]]["index"])
    return {
        "h17_reports": {p["tower"]: {**row, "status": "smoke confirmed, engines on scene"}},
        "h17_engine_runs": [{"tower": p["tower"], "bearing": row["bearing"], "engines": eng}],
    }


def _lookout_answer(p: Params, b: State) -> list:
    row = b["h17_reports"][p["tower"]]
    if row["status"] == "smoke confirmed, engines on scene":
        return ["already on scene"]
    if row["status"] != "smoke confirmed":
        return ["no dispatch"]
    return [_engines(b["h17_danger"][row["district"]]["index"]), row["bearing"]]


lookout = Family(
    name="h17_lookout",
    templates=[
        "Act on the latest report from the {tower} lookout",
        "Check the {tower} fire lookout and respond to any smoke",
        "{tower} tower just called in: handle it",
    ],
    fields={"tower": _one_of(TOWERS)},
    sample=sample_lookout,
    plan=[
        Step("h17_lookout_report", lambda p, r: {"tower": p["tower"]}),
        Step(
            "h17_fire_danger",
            lambda p, r: {"district": _report_r(r["h17_lookout_report"])["district"]},
            when=lambda p, r: _lookout_go(r["h17_lookout_report"]),
        ),
        Step(
            "h17_send_engines",
            lambda p, r: {
                "tower": p["tower"],
                "bearing": _report_r(r["h17_lookout_report"])["bearing"],
                "engines": _engines(r["h17_fire_danger"]["index"]),
            },
            when=lambda p, r: _lookout_go(r["h17_lookout_report"]),
        ),
    ],
    expect=_lookout_expect,
    answer=_lookout_answer,
    summary=lambda p, r: (
        f"Sent {_engines(r['h17_fire_danger']['index'])} engines toward bearing "
        f"{_report_r(r['h17_lookout_report'])['bearing']}° from {p['tower']} (fire danger index "
        f"{r['h17_fire_danger']['index']})."
        if "h17_send_engines" in r
        else "Engines are already on scene for the " + p["tower"] + " smoke; nothing more sent."
        if _report_r(r["h17_lookout_report"])["status"] == "smoke confirmed, engines on scene"
        else f"No dispatch: {p['tower']} reports {_report_r(r['h17_lookout_report'])['status']}."
    ),
)


# ======================================== 10. fermenter: cold crash (idempotent) when the last two gravities agree;
# ABV = (OG - FG) x 131.25 to one decimal, apparent attenuation to a whole percent
TANKS = [f"FV-{n}" for n in range(1, 25)]
BEERS = ["Pale Ale", "Porter", "Saison", "IPA", "Dunkel", "Pilsner", "Stout", "Bitter"]


def _abv(og: int, fg: int) -> float:
    return round_half_up((og - fg) * 131.25 / 1000, 1)


def _att(og: int, fg: int) -> float:
    return round_half_up(100 * (og - fg) / og, 0)


def sample_ferment(rng: random.Random, w: State, i: int) -> Params:
    tank = _fresh(rng, w, "tanks", TANKS)
    stable = not _trap(i, rng)

    def make(r: random.Random) -> tuple[int, list[int]]:
        og = r.randint(44, 68)
        fg = r.randint(8, 16)
        gs = sorted({r.randint(fg + 3, og - 5) for _ in range(3)}, reverse=True)
        tail = [fg, fg] if stable else [fg + r.randint(1, 2), fg]
        return og, [*gs, *tail]

    og, gs = _until(
        rng,
        make,
        lambda v: not is_tie((v[0] - v[1][-1]) * 0.13125, 1) and not is_tie(100 * (v[0] - v[1][-1]) / v[0], 0),
    )
    w.setdefault("h17_tanks", {})[tank] = {
        "tank": tank,
        "beer": rng.choice(BEERS),
        "og": og,
        "readings": gs,
        "crashing": False,
    }
    return {"tank": tank, "wording": _wording(rng, i, 3)}


def _grav(pts: int) -> str:
    return f"1.{pts:03d}"


def _gravity_text(s: State, a: dict) -> str:
    row = s.get("h17_tanks", {}).get(a["tank"])
    if row is None:
        raise ToolFail(f"no fermenter {a['tank']}")
    days = [BASE - dt.timedelta(days=2 * (len(row["readings"]) - 1 - k)) for k in range(len(row["readings"]))]
    log = "; ".join(f"{d.day} {MONTHS[d.month - 1][:3]} {_grav(g)}" for d, g in zip(days, row["readings"], strict=True))
    tail = " Cold crash in progress (2 °C)." if row["crashing"] else ""
    return f"Fermenter {a['tank']} ({row['beer']}): OG {_grav(row['og'])}; {log}.{tail}"


def _gravity_r(text: str) -> tuple[int, list[int], bool]:
    og = int(re.search(r"OG 1\.(\d{3})", text).group(1))  # type: ignore[union-attr]
    body = text.split("; ", 1)[1]
    gs = [int(x) for x in re.findall(r"[A-Z][a-z]{2} 1\.(\d{3})", body)]
    return og, gs, "Cold crash in progress" in text


def _ferment_go(og: int, gs: list[int], crashing: bool) -> bool:
    return not crashing and len(gs) >= 2 and gs[-1] == gs[-2]


def _ferment_answer(p: Params, b: State) -> list:
    row = b["h17_tanks"][p["tank"]]
    og, fg = row["og"], row["readings"][-1]
    if row["crashing"]:
        return ["already", _abv(og, fg)]
    word = "cold crash" if _ferment_go(og, row["readings"], False) else "still fermenting"
    return [word, _abv(og, fg), _att(og, fg)]


def _ferment_summary(p: Params, r: dict) -> str:
    og, gs, crashing = _gravity_r(r["h17_gravity_log"])
    abv, att = _fmt(_abv(og, gs[-1])), _fmt(_att(og, gs[-1]))
    if crashing:
        return f"{p['tank']} is already cold crashing; ABV {abv}% (attenuation {att}%)."
    if "h17_cold_crash" in r:
        return f"{p['tank']} is stable at {_grav(gs[-1])}: cold crash started. ABV {abv}%, apparent attenuation {att}%."
    return (
        f"{p['tank']} is still fermenting ({_grav(gs[-2])} then {_grav(gs[-1])}): ABV so far {abv}%, "
        f"attenuation {att}%."
    )


def _cold_crash(s: State, a: dict) -> dict:
    row = s.get("h17_tanks", {}).get(a["tank"])
    if row is None:
        raise ToolFail(f"no fermenter {a['tank']}")
    row["crashing"] = True
    return {"tank": a["tank"], "status": "cold crash in progress", "setpoint_c": 2}


ferment = Family(
    name="h17_ferment",
    templates=[
        "Check fermenter {tank} and cold crash it if fermentation is done",
        "Is {tank} finished? If so start the cold crash, and tell me the ABV",
        "{tank}: crash it when the gravity has settled",
    ],
    fields={"tank": _one_of(TANKS)},
    sample=sample_ferment,
    plan=[
        Step("h17_gravity_log", lambda p, r: {"tank": p["tank"]}),
        Step(
            "h17_cold_crash",
            lambda p, r: {"tank": p["tank"]},
            when=lambda p, r: _ferment_go(*_gravity_r(r["h17_gravity_log"])),
        ),
    ],
    expect=lambda p, b: (
        {"h17_tanks": {p["tank"]: {**b["h17_tanks"][p["tank"]], "crashing": True}}}
        if _ferment_go(
            b["h17_tanks"][p["tank"]]["og"],
            b["h17_tanks"][p["tank"]]["readings"],
            b["h17_tanks"][p["tank"]]["crashing"],
        )
        else {}
    ),
    answer=_ferment_answer,
    summary=_ferment_summary,
)


# ======================================== 11. records centre: shred (destructive) a box whose retention has ended and
# whose series has no active legal hold
SERIES = {"FIN-AP": 7, "HR-LEAVE": 3, "OPS-LOG": 2, "TAX-VAT": 6, "HR-PAY": 6, "LEG-CORR": 10}
BOXES = [f"BX-{n}" for n in range(20301, 20399, 3)]


def _seed_series(rng: random.Random, w: State) -> None:
    if "h17_series" in w:
        return
    for s, years in SERIES.items():
        hold = rng.choice(["none", "none", f"case {rng.randint(1000, 9999)} (lifted 2025-0{rng.randint(1, 9)}-15)"])
        w.setdefault("h17_series", {})[s] = {"series": s, "years": years, "hold": hold}


def _ret_end(closed: str, years: int) -> dt.date:
    d = dt.date.fromisoformat(closed)
    return _add_months(d, 12 * years)


def _hold_active(hold: str) -> bool:
    return hold != "none" and "lifted" not in hold


def sample_shred(rng: random.Random, w: State, i: int) -> Params:
    _seed_series(rng, w)
    box = _fresh(rng, w, "boxes", BOXES)
    trap = _trap(i, rng)
    ok_series = [s for s, row in w["h17_series"].items() if not _hold_active(row["hold"])]
    series = rng.choice(ok_series) if not trap else rng.choice(list(SERIES))
    years = SERIES[series]
    if trap and rng.random() < 0.5:
        end = BASE + dt.timedelta(days=rng.randint(3, 200))
    elif trap and not _hold_active(w["h17_series"][series]["hold"]) and series not in _picked(w, "series"):
        w["h17_series"][series]["hold"] = f"case {rng.randint(1000, 9999)} (active)"
        end = BASE - dt.timedelta(days=rng.randint(30, 900))
    else:
        end = BASE - dt.timedelta(days=rng.randint(30, 900))
    closed = _add_months(end, -12 * years)
    _picked(w, "series").add(series)
    w.setdefault("h17_boxes", {})[box] = {
        "box": box,
        "series": series,
        "closed": closed.isoformat(),
        "location": f"Bay {rng.randint(1, 40)}, shelf {rng.randint(1, 6)}",
        "status": "stored",
    }
    return {"box": box, "wording": _wording(rng, i, 3)}


def _retention_text(s: State, a: dict) -> str:
    row = s.get("h17_series", {}).get(a["series"])
    if row is None:
        raise ToolFail(f"no series {a['series']}")
    return f"Series {a['series']}: keep {row['years']} years after the file closes. Legal hold: {row['hold']}."


def _retention_r(text: str) -> tuple[int, str]:
    m = re.search(r"keep (\d+) years after the file closes\. Legal hold: (.+)\.$", text)
    if m is None:
        raise ValueError("retention text")
    return int(m.group(1)), m.group(2)


def _shred_go(box: dict, years: int, hold: str) -> bool:
    return box["status"] == "stored" and _ret_end(box["closed"], years) <= BASE and not _hold_active(hold)


def _shred_go_r(r: dict) -> bool:
    years, hold = _retention_r(r["h17_retention"])
    return _shred_go(r["h17_box"], years, hold)


def _shred_box(s: State, a: dict) -> dict:
    row = s.get("h17_boxes", {}).get(a["box"])
    if row is None or row["status"] != "stored":
        raise ToolFail(f"box {a['box']} is not in store")
    row["status"] = "shredded"
    return {"box": a["box"], "status": "shredded", "certificate": f"DC-{a['box'][3:]}"}


def _shred_answer(p: Params, b: State) -> list:
    box = b["h17_boxes"][p["box"]]
    ser = b["h17_series"][box["series"]]
    if box["status"] != "stored":
        return ["already shredded"]
    if _shred_go(box, ser["years"], ser["hold"]):
        return ["shredded"]
    if _hold_active(ser["hold"]):
        return ["legal hold"]
    return ["kept", _ret_end(box["closed"], ser["years"]).isoformat()]


def _shred_summary(p: Params, r: dict) -> str:
    box = r["h17_box"]
    years, hold = _retention_r(r["h17_retention"])
    if "h17_shred_box" in r:
        return f"Box {p['box']} ({box['series']}) shredded: its {years}-year retention ended."
    if box["status"] != "stored":
        return f"Box {p['box']} was already shredded; nothing done."
    if _hold_active(hold):
        return f"Box {p['box']} kept: {box['series']} is under legal hold ({hold})."
    return f"Box {p['box']} kept until {_ret_end(box['closed'], years).isoformat()} ({years}-year retention)."


shred = Family(
    name="h17_shred",
    templates=[
        "Shred records box {box} if it is due for destruction",
        "Is box {box} past retention? Destroy it if so",
        "Records review: {box}, shred when allowed",
    ],
    fields={"box": _one_of(BOXES)},
    sample=sample_shred,
    plan=[
        Step("h17_box", lambda p, r: {"box": p["box"]}),
        Step("h17_retention", lambda p, r: {"series": r["h17_box"]["series"]}),
        Step("h17_shred_box", lambda p, r: {"box": p["box"]}, when=lambda p, r: _shred_go_r(r)),
    ],
    expect=lambda p, b: (
        {"h17_boxes": {p["box"]: {**b["h17_boxes"][p["box"]], "status": "shredded"}}}
        if _shred_go(
            b["h17_boxes"][p["box"]],
            b["h17_series"][b["h17_boxes"][p["box"]]["series"]]["years"],
            b["h17_series"][b["h17_boxes"][p["box"]]["series"]]["hold"],
        )
        else {}
    ),
    answer=_shred_answer,
    summary=_shred_summary,
)


def _price(s: State, a: dict) -> dict:
    if a["asset"] not in PRICES:
        raise ToolFail(f"no price for {a['asset']}")
    return {"asset": a["asset"], "eur": PRICES[a["asset"]], "as_of": "14:00 UTC"}


def _get(section: str, key: str, what: str) -> Callable[[State, dict], dict]:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool("h17_wheel", "A cheese wheel's record in the ageing caves (plain text).", {"wheel": str}, _wheel_text),
        Tool(
            "h17_release_wheel",
            "Release a cheese wheel for sale: it leaves the cave for good.",
            {"wheel": str, "cave": str},
            _release_wheel,
        ),
        Tool(
            "h17_incident",
            "An emergency incident: priority, address, station, assigned unit.",
            {"incident": str},
            _get("h17_incidents", "incident", "incident"),
        ),
        Tool(
            "h17_station_units",
            "An ambulance station's units and their status (plain text).",
            {"station": str},
            _units_text,
        ),
        Tool(
            "h17_dispatch_unit",
            "Dispatch an ambulance unit to an incident.",
            {"incident": str, "unit": str},
            _dispatch_unit,
        ),
        Tool(
            "h17_request_mutual_aid",
            "Ask a neighbouring service for an ambulance for an incident.",
            {"incident": str},
            lambda s, a: (
                s.setdefault("h17_mutual_aid", []).append({"incident": a["incident"]}),
                {"incident": a["incident"], "status": "mutual aid requested"},
            )[1],
        ),
        Tool(
            "h17_response_log",
            "This week's calls of an ambulance station with response minutes.",
            {"station": str},
            _get("h17_calls", "station", "station"),
        ),
        Tool(
            "h17_withdrawal",
            "A custody withdrawal request.",
            {"request": str},
            _get("h17_requests", "request", "withdrawal request"),
        ),
        Tool(
            "h17_account",
            "A custody account: policy, daily limit and today's withdrawals in EUR.",
            {"account": str},
            _get("h17_accounts", "account", "account"),
        ),
        Tool(
            "h17_price",
            "The current EUR price of a crypto asset.",
            {"asset": str},
            _price,
        ),
        Tool(
            "h17_allowlist",
            "The withdrawal address allowlist of a custody policy (plain text).",
            {"policy": str},
            _allow_text,
        ),
        Tool("h17_approve_withdrawal", "Approve and broadcast a pending withdrawal.", {"request": str}, _approve),
        Tool(
            "h17_reject_withdrawal",
            "Reject a pending withdrawal for good (reason: address_not_allowlisted or over_daily_limit).",
            {"request": str, "reason": str},
            _reject,
        ),
        Tool(
            "h17_drone_site",
            "A drone flying site: airspace zone, landowner consent, grid reference.",
            {"site": str},
            _get("h17_sites", "site", "site"),
        ),
        Tool(
            "h17_airspace",
            "The rules of an airspace zone for unmanned aircraft (plain text).",
            {"zone": str},
            _airspace_text,
        ),
        Tool(
            "h17_file_permit",
            "File a drone flight permit (altitude in metres, date YYYY-MM-DD).",
            {"site": str, "date": str, "altitude_m": int},
            _file_permit,
        ),
        Tool(
            "h17_request_atc_clearance",
            "Request ATC clearance for a drone flight above the zone ceiling (altitude in feet).",
            {"site": str, "date": str, "altitude_ft": int},
            _clearance,
        ),
        Tool(
            "h17_payslip",
            "An employee's payslip for a pay period (YYYY-MM).",
            {"employee": str, "period": str},
            _payslip,
        ),
        Tool(
            "h17_earnings_orders",
            "Attachment of earnings orders on file for an employee (plain text).",
            {"employee": str},
            _orders_text,
        ),
        Tool(
            "h17_post_deduction",
            "Post an attachment of earnings deduction to a payslip.",
            {"employee": str, "period": str, "amount": float},
            _post_deduction,
        ),
        Tool(
            "h17_pass_schedule",
            "A ground station's satellite passes on a day (plain text).",
            {"station": str, "date": str},
            _passes_text,
        ),
        Tool(
            "h17_book_pass",
            "Book a satellite pass at a ground station for a mission (start HH:MM).",
            {"station": str, "date": str, "start": str, "mission": str},
            _book_pass,
        ),
        Tool(
            "h17_lookout_report",
            "The latest report of a fire lookout tower (plain text).",
            {"tower": str},
            _report_text,
        ),
        Tool(
            "h17_fire_danger",
            "A district's fire danger index (0-100).",
            {"district": str},
            _get("h17_danger", "district", "district"),
        ),
        Tool(
            "h17_send_engines",
            "Send fire engines toward a lookout's smoke bearing.",
            {"tower": str, "bearing": int, "engines": int},
            _send_engines,
        ),
        Tool("h17_gravity_log", "A fermenter's gravity log (plain text).", {"tank": str}, _gravity_text),
        Tool("h17_cold_crash", "Start (or keep) a fermenter's cold crash.", {"tank": str}, _cold_crash),
        Tool(
            "h17_box",
            "A records box: series, closing date, location, status.",
            {"box": str},
            _get("h17_boxes", "box", "box"),
        ),
        Tool(
            "h17_retention",
            "A records series' retention rule and legal hold (plain text).",
            {"series": str},
            _retention_text,
        ),
        Tool("h17_shred_box", "Shred a records box (irreversible).", {"box": str}, _shred_box),
    ]
}

FAMILIES = [cheese, dispatch, target, custody, drone, garnish, passes, book_pass, lookout, ferment, shred]
