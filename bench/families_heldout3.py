"""Held-out probe families, third red-team round (issue 9): domains and phrasings no other set uses.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h3_` and
collide with no other set. Run alone or with the public families:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout3.py --goals 8 --seed 7

In every family the first four goals agree on something a later goal breaks (see the table in
bench/README.md). Wording styles vary: imperative, polite, question, terse, with a trailing clause;
values of several words, possessives, times inside values, plain-text and JSON results.

MCP annotations: some tools declare hints (ANNOTATIONS), others none (a non-idempotent write).
Loaded inside `tools_server.py` this module wraps `add_tool` to add them (nothing happens elsewhere).
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
INT, NUM, CAPWORDS, QUOTED, LOWER = fam.INT, fam.NUM, fam.CAPWORDS, fam.QUOTED, fam.LOWER
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True}

# tool -> MCP annotations; a tool not named here declares none
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h3_pool_reading": READ,
    "h3_vaccine_record": READ,
    "h3_vehicle": READ,
    "h3_sailing": READ,
    "h3_player": READ,
    "h3_set_rating": IDEMPOTENT,
    "h3_recipe": READ,
    "h3_whois": READ,
    "h3_target": READ,
    "h3_queue_observation": WRITE,
    "h3_bottles": READ,
    "h3_printer_status": READ,
    "h3_device": READ,
    "h3_install_firmware": IDEMPOTENT,
    "h3_find_track": READ,
    "h3_sample_info": READ,
    "h3_discard_sample": DESTRUCTIVE,
    "h3_array_yield": READ,
    "h3_feed_in": READ,
    "h3_pilot": READ,
    "h3_flight": READ,
    "h3_garden_zone": READ,
    "h3_set_valve": IDEMPOTENT,
    "h3_standby": READ,
    "h3_brew_status": READ,
    "h3_parcel": READ,
    "h3_courier_rates": READ,
    "h3_slip": READ,
    "h3_pier_weather": READ,
    "h3_log_wind": IDEMPOTENT,
    "h3_lift_hold": IDEMPOTENT,
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

    if getattr(Server.add_tool, "_h3_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h3_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(a[key])
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _early(i: int) -> bool:
    return i < 4


def _nth(names: list[Any], i: int) -> Any:
    """The i-th goal's entity: distinct for the first len(names) goals, so no goal rewrites another's row."""
    return names[i % len(names)]


def _ceil(x: float) -> int:
    return math.ceil(round(x, 6))


# =========================================================================== 1. pool chlorine
POOLS = ["Lido East", "Marina Club", "Oak Park", "Riverside", "Hilltop Spa", "Canal Street", "Elm Grove", "Bayview"]


def _dose_chlorine(s: State, a: dict) -> dict:
    out = s.setdefault("pool_doses", [])
    out.append({"pool": a["pool"], "grams": a["grams"]})
    return {"ok": True, "dose": f"D-{300 + len(out)}", "grams": a["grams"]}


def sample_chlorine(rng: random.Random, w: State, i: int) -> Params:
    pool = _nth(POOLS, i)
    vol = rng.randint(30, 90)
    trap = "none" if _early(i) else rng.choice(["none", "high", "ph"])
    target = round(rng.uniform(2.0, 3.5), 1)
    cur = round(rng.uniform(0.4, target - 0.3), 1)
    ph = round(rng.uniform(7.2, 7.6), 1)
    if trap == "high":
        target = round(rng.uniform(2.0, 2.6), 1)
        cur = round(target + rng.uniform(0.2, 0.8), 1)
    if trap == "ph":
        ph = 8.3
    w["tables"].setdefault("h3_pools", {})[pool] = {"pool": pool, "volume_m3": vol, "chlorine_ppm": cur, "ph": ph}
    return {"pool": pool, "target": target, "wording": rng.randrange(2)}


def _pool_ok(row: dict, target: float) -> bool:
    return row["chlorine_ppm"] < target and row["ph"] <= 7.8


def _grams(row: dict, target: float) -> int:
    return _ceil((target - row["chlorine_ppm"]) * row["volume_m3"] * 2)


def _pool_b(p: Params, b: State) -> dict:
    return b["tables"]["h3_pools"][p["pool"]]


chlorine = Family(
    name="h3_chlorine",
    templates=[
        "Bring the chlorine in the {pool} pool up to {target} ppm",
        "Could you raise {pool}'s chlorine level to {target} ppm, please?",
    ],
    fields={"pool": CAPWORDS, "target": NUM},
    sample=sample_chlorine,
    plan=[
        Step("h3_pool_reading", lambda p, r: {"pool": p["pool"]}),
        Step(
            "h3_dose_chlorine",
            lambda p, r: {"pool": p["pool"], "grams": _grams(r["h3_pool_reading"], p["target"])},
            when=lambda p, r: _pool_ok(r["h3_pool_reading"], p["target"]),
        ),
    ],
    expect=lambda p, b: (
        {"pool_doses": [{"pool": p["pool"], "grams": _grams(_pool_b(p, b), p["target"])}]}
        if _pool_ok(_pool_b(p, b), p["target"])
        else {}
    ),
    answer=lambda p, b: (
        [_grams(_pool_b(p, b), p["target"])]
        if _pool_ok(_pool_b(p, b), p["target"])
        else ["already"]
        if _pool_b(p, b)["chlorine_ppm"] >= p["target"]
        else ["pH"]
    ),
    summary=lambda p, r: (
        f"Added {r['h3_dose_chlorine']['grams']} g of chlorine to the {p['pool']} pool."
        if "h3_dose_chlorine" in r
        else f"No dose: the {p['pool']} pool is already at {r['h3_pool_reading']['chlorine_ppm']} ppm."
        if r["h3_pool_reading"]["chlorine_ppm"] >= p["target"]
        else f"No dose: the pH of the {p['pool']} pool is {r['h3_pool_reading']['ph']}; correct the pH first."
    ),
)


# =========================================================================== 2. vet: vaccine booster
PETS = ["Mister Biscuit", "Luna", "Captain Fluff", "Pepper", "Old Tom", "Juniper Rose", "Waffles", "Ziggy"]
VACCINES = ["rabies", "leptospirosis", "distemper", "parvovirus"]


def _vaccine_record(s: State, a: dict) -> str:
    rec = s["tables"].get("h3_vaccines", {}).get(f"{a['pet']}|{a['vaccine']}")
    if rec is None:
        raise ToolFail(f"no record of {a['vaccine']} for {a['pet']}")
    return (
        f"{a['pet']} ({rec['species']}, {rec['kg']} kg). {a['vaccine']}: last given {rec['last']}; "
        f"status: {rec['status']}."
    )


def _give_vaccine(s: State, a: dict) -> dict:
    out = s.setdefault("vaccinations", [])
    out.append({"pet": a["pet"], "vaccine": a["vaccine"]})
    return {"given": True, "batch": f"VX-{700 + len(out)}"}


def sample_vaccinate(rng: random.Random, w: State, i: int) -> Params:
    pet, vac = _nth(PETS, i), rng.choice(VACCINES)
    status = rng.choice(["overdue", "due"]) if _early(i) else rng.choice(["overdue", "due", "up to date"])
    last = dt.date(2025 if status != "up to date" else 2026, rng.randint(1, 10), rng.randint(1, 28)).isoformat()
    w["tables"].setdefault("h3_vaccines", {})[f"{pet}|{vac}"] = {
        "species": rng.choice(["dog", "cat"]),
        "kg": round(rng.uniform(3, 38), 1),
        "last": last,
        "status": status,
    }
    return {"pet": pet, "vaccine": vac, "wording": rng.randrange(2)}


def _vac_due(p: Params, b: State) -> bool:
    return b["tables"]["h3_vaccines"][f"{p['pet']}|{p['vaccine']}"]["status"] != "up to date"


vaccinate = Family(
    name="h3_vaccinate",
    templates=[
        "Give {pet}'s {vaccine} booster today",
        "{pet} is in for the {vaccine} shot; give it if it is due",
    ],
    fields={"pet": CAPWORDS, "vaccine": LOWER},
    sample=sample_vaccinate,
    plan=[
        Step("h3_vaccine_record", lambda p, r: {"pet": p["pet"], "vaccine": p["vaccine"]}),
        Step(
            "h3_give_vaccine",
            lambda p, r: {"pet": p["pet"], "vaccine": p["vaccine"]},
            when=lambda p, r: "status: up to date" not in r["h3_vaccine_record"],
        ),
    ],
    expect=lambda p, b: {"vaccinations": [{"pet": p["pet"], "vaccine": p["vaccine"]}]} if _vac_due(p, b) else {},
    answer=lambda p, b: [f"VX-{700 + len(b.get('vaccinations', [])) + 1}"] if _vac_due(p, b) else ["up to date"],
    summary=lambda p, r: (
        f"{p['pet']} got the {p['vaccine']} booster (batch {r['h3_give_vaccine']['batch']})."
        if "h3_give_vaccine" in r
        else f"No booster given: {p['pet']}'s {p['vaccine']} is up to date."
    ),
)


# =========================================================================== 3. ferry: ticket class from the vehicle
CAR_TYPES = ["hatchback", "estate", "saloon", "suv"]
BIG_TYPES = ["motorhome", "minibus"]
PORTS = ["Calais", "Dover", "Rosslare", "Cherbourg", "Santander"]


def _book_crossing(s: State, a: dict) -> dict:
    out = s.setdefault("ferry_bookings", [])
    out.append({"sailing": a["sailing"], "plate": a["plate"], "ticket": a["ticket"], "fare_eur": a["fare_eur"]})
    return {"booked": True, "ref": f"FB{4400 + len(out)}"}


def sample_ferry(rng: random.Random, w: State, i: int) -> Params:
    plate = f"{rng.choice(['LK', 'WX', 'DB', 'YT'])}{rng.randint(10, 99)} {rng.choice(['ABC', 'RTM', 'KPL'])}"
    kind = rng.choice(CAR_TYPES) if _early(i) else rng.choice([*CAR_TYPES, *BIG_TYPES])
    w["tables"].setdefault("h3_vehicles", {})[plate] = {
        "plate": plate,
        "type": kind,
        "class": "car" if kind in CAR_TYPES else "oversize",
    }
    sailing = f"{rng.choice(PORTS)} {rng.choice(['07', '09', '13', '18'])}:{rng.choice(['15', '45'])}"
    w["tables"].setdefault("h3_sailings", {}).setdefault(
        sailing,
        {
            "sailing": sailing,
            "fares": {"car": round(rng.uniform(60, 140), 2), "oversize": round(rng.uniform(150, 260), 2)},
        },
    )
    return {"plate": plate, "sailing": sailing, "wording": rng.randrange(2)}


def _vehicle_class(p: Params, b: State) -> str:
    return str(b["tables"]["h3_vehicles"][p["plate"]]["class"])


def _ferry_fare(p: Params, b: State) -> float:
    return float(b["tables"]["h3_sailings"][p["sailing"]]["fares"][_vehicle_class(p, b)])


ferry = Family(
    name="h3_ferry",
    templates=["Book {plate} on the {sailing} sailing", "ferry {sailing}: one crossing for vehicle {plate}"],
    fields={"plate": Field(r"[A-Z]{2}\d\d [A-Z]{3}"), "sailing": Field(r"[A-Z][a-z]+ \d\d:\d\d")},
    sample=sample_ferry,
    plan=[
        Step("h3_vehicle", lambda p, r: {"plate": p["plate"]}, group="look"),
        Step("h3_sailing", lambda p, r: {"sailing": p["sailing"]}, group="look"),
        Step(
            "h3_book_crossing",
            lambda p, r: {
                "sailing": p["sailing"],
                "plate": p["plate"],
                "ticket": r["h3_vehicle"]["class"],
                "fare_eur": r["h3_sailing"]["fares"][r["h3_vehicle"]["class"]],
            },
        ),
    ],
    expect=lambda p, b: {
        "ferry_bookings": [
            {
                "sailing": p["sailing"],
                "plate": p["plate"],
                "ticket": _vehicle_class(p, b),
                "fare_eur": _ferry_fare(p, b),
            }
        ]
    },
    answer=lambda p, b: [_ferry_fare(p, b)],
    summary=lambda p, r: (
        f"Booked {p['plate']} on the {p['sailing']} sailing as {r['h3_vehicle']['class']} "
        f"({r['h3_sailing']['fares'][r['h3_vehicle']['class']]} EUR), reference {r['h3_book_crossing']['ref']}."
    ),
)


# =========================================================================== 4. chess club: Elo update
PLAYERS = ["Ana Ruiz", "Boris Kell", "Chiara Volpe", "Dmitri Sato", "Eva Lind", "Femi Adeyemi", "Gus Hale"]


def _player(s: State, a: dict) -> dict:
    r = s.get("ratings", {}).get(a["name"])
    if r is None:
        raise ToolFail(f"no club member {a['name']}")
    return {"name": a["name"], "rating": r, "provisional": False}


def _set_rating(s: State, a: dict) -> dict:
    s.setdefault("ratings", {})[a["name"]] = a["rating"]
    return {"name": a["name"], "rating": a["rating"]}


def _elo(ra: int, rb: int) -> tuple[int, int]:
    ea = 1 / (1 + 10 ** ((rb - ra) / 400))
    return round(ra + 32 * (1 - ea)), round(rb - 32 * (1 - ea))


def sample_elo(rng: random.Random, w: State, i: int) -> Params:
    win, lose = rng.sample(PLAYERS, 2)
    ratings = w.setdefault("ratings", {})
    for name in (win, lose):
        ratings.setdefault(name, rng.randint(1200, 2100))
    return {"winner": win, "loser": lose, "wording": rng.randrange(2)}


def _elo_b(p: Params, b: State) -> tuple[int, int]:
    return _elo(b["ratings"][p["winner"]], b["ratings"][p["loser"]])


elo = Family(
    name="h3_elo",
    templates=[
        "Record that {winner} beat {loser} at the club tonight",
        "Chess result: {winner} won against {loser}. Update both ratings.",
    ],
    fields={"winner": CAPWORDS, "loser": CAPWORDS},
    sample=sample_elo,
    plan=[
        Step("h3_player", lambda p, r: {"name": p["winner"]}, key="win", group="look"),
        Step("h3_player", lambda p, r: {"name": p["loser"]}, key="lose", group="look"),
        Step(
            "h3_set_rating",
            lambda p, r: {"name": p["winner"], "rating": _elo(r["win"]["rating"], r["lose"]["rating"])[0]},
            key="set_win",
            group="set",
        ),
        Step(
            "h3_set_rating",
            lambda p, r: {"name": p["loser"], "rating": _elo(r["win"]["rating"], r["lose"]["rating"])[1]},
            key="set_lose",
            group="set",
        ),
    ],
    expect=lambda p, b: {"ratings": {p["winner"]: _elo_b(p, b)[0], p["loser"]: _elo_b(p, b)[1]}},
    answer=lambda p, b: list(_elo_b(p, b)),
    summary=lambda p, r: (
        f"New ratings: {p['winner']} {r['set_win']['rating']}, {p['loser']} {r['set_lose']['rating']}."
    ),
)


# =========================================================================== 5. recipe scaling (question)
RECIPES = ["Banana Bread", "Lemon Drizzle Cake", "Carrot Muffins", "Apple Crumble", "Ginger Loaf", "Pancakes"]


def sample_recipe(rng: random.Random, w: State, i: int) -> Params:
    name = rng.choice(RECIPES)
    serves = rng.choice([4, 6, 8])
    row = (
        w["tables"]
        .setdefault("h3_recipes", {})
        .setdefault(
            name,
            {
                "recipe": name,
                "serves": serves,
                "flour_g": rng.randrange(150, 600, 10),
                "eggs": rng.randint(1, 4),
                "oven_c": rng.choice([170, 180, 190]),
            },
        )
    )
    n = rng.randint(2, 20)
    while is_tie(row["flour_g"] * n / row["serves"], 0):
        n = rng.randint(2, 20)
    return {"recipe": name, "n": n, "wording": rng.randrange(2)}


def _scaled(row: dict, n: int) -> tuple[int, int]:
    return round_half_up(row["flour_g"] * n / row["serves"], 0).__int__(), _ceil(row["eggs"] * n / row["serves"])


recipe = Family(
    name="h3_recipe",
    templates=[
        "How much flour and how many eggs do I need for {n} servings of {recipe}?",
        "Scaling {recipe} to {n} servings: flour and eggs?",
    ],
    fields={"recipe": CAPWORDS, "n": INT},
    sample=sample_recipe,
    plan=[Step("h3_recipe", lambda p, r: {"recipe": p["recipe"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: list(_scaled(b["tables"]["h3_recipes"][p["recipe"]], p["n"])),
    summary=lambda p, r: (
        f"For {p['n']} servings of {p['recipe']}: {_scaled(r['h3_recipe'], p['n'])[0]} g flour "
        f"and {_scaled(r['h3_recipe'], p['n'])[1]} eggs."
    ),
)


# =========================================================================== 6. domain registrar
def _whois(s: State, a: dict) -> dict:
    d = s.get("domains", {}).get(a["domain"])
    if d is None:
        raise ToolFail(f"{a['domain']} is not registered with us")
    return {"domain": a["domain"], **d}


def _renew_domain(s: State, a: dict) -> dict:
    d = s.get("domains", {}).get(a["domain"])
    if d is None or d["status"] != "active":
        raise ToolFail(f"{a['domain']} cannot be renewed")
    old = dt.date.fromisoformat(d["expires"])
    d["expires"] = old.replace(year=old.year + a["years"]).isoformat()
    s.setdefault("registrar_charges", []).append({"domain": a["domain"], "usd": a["charge_usd"]})
    return {"domain": a["domain"], "expires": d["expires"], "charged_usd": a["charge_usd"]}


WORDS = ["harbor", "quill", "maple", "orbit", "tundra", "pixel", "saffron", "nimbus", "cobalt"]


def sample_domain(rng: random.Random, w: State, i: int) -> Params:
    name = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.randint(1, 99)}.{rng.choice(['com', 'org', 'io', 'net'])}"
    status = "active" if _early(i) else rng.choice(["active", "active", "redemptionPeriod", "clientHold"])
    w.setdefault("domains", {})[name] = {
        "expires": dt.date(2027, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        "status": status,
        "price_per_year_usd": rng.choice([9.99, 12.49, 14.0, 32.5, 44.95]),
        "auto_renew": rng.choice([True, False]) if not _early(i) else False,
    }
    return {"domain": name, "years": rng.randint(1, 5), "wording": rng.randrange(2)}


def _dom(p: Params, b: State) -> dict:
    return b["domains"][p["domain"]]


def _charge(p: Params, price: float) -> float:
    return round_half_up(price * p["years"], 2)


def _expect_domain(p: Params, b: State) -> dict:
    d = _dom(p, b)
    if d["status"] != "active":
        return {}
    old = dt.date.fromisoformat(d["expires"])
    new = {**d, "expires": old.replace(year=old.year + p["years"]).isoformat()}
    return {
        "domains": {p["domain"]: new},
        "registrar_charges": [{"domain": p["domain"], "usd": _charge(p, d["price_per_year_usd"])}],
    }


domain = Family(
    name="h3_domain",
    templates=[
        "Renew {domain} for {years} years",
        "Please extend the registration of {domain} by {years} years, charging the card on file",
    ],
    fields={"domain": Field(r"[a-z]+\d+\.(?:com|org|io|net)"), "years": INT},
    sample=sample_domain,
    plan=[
        Step("h3_whois", lambda p, r: {"domain": p["domain"]}),
        Step(
            "h3_renew_domain",
            lambda p, r: {
                "domain": p["domain"],
                "years": p["years"],
                "charge_usd": _charge(p, r["h3_whois"]["price_per_year_usd"]),
            },
            when=lambda p, r: r["h3_whois"]["status"] == "active",
        ),
    ],
    expect=_expect_domain,
    answer=lambda p, b: (
        [_expect_domain(p, b)["domains"][p["domain"]]["expires"], _charge(p, _dom(p, b)["price_per_year_usd"])]
        if _dom(p, b)["status"] == "active"
        else [_dom(p, b)["status"]]
    ),
    summary=lambda p, r: (
        f"Renewed {p['domain']} until {r['h3_renew_domain']['expires']}; charged "
        f"{r['h3_renew_domain']['charged_usd']} USD."
        if "h3_renew_domain" in r
        else f"Not renewed: {p['domain']} is in status {r['h3_whois']['status']}."
    ),
)


# =========================================================================== 7. observatory queue
STARS = ["Vega", "Alpha Centauri", "Deneb", "Arcturus", "Betelgeuse", "Polaris", "Rigel Kentaurus", "Altair"]
SCOPES = ["Hale", "Keck North", "Lowell", "Mayall"]


def _target(s: State, a: dict) -> str:
    t = s["tables"].get("h3_targets", {}).get(a["target"])
    if t is None:
        raise ToolFail(f"unknown target {a['target']}")
    return (
        f"{a['target']}: transits at {t['transit']}, max altitude {t['alt']} deg, "
        f"moon separation {t['moon']} deg, seeing {t['seeing']} arcsec"
    )


def _queue_obs(s: State, a: dict) -> dict:
    out = s.setdefault("obs_queue", [])
    out.append({"scope": a["telescope"], "target": a["target"], "start": a["start"]})
    return {"queued": True, "slot": len(out)}


# (alt, moon): the first goals see altitudes 35..78 and separations 30..140
EARLY_SKY = [(78, 140), (35, 30), (52, 95), (61, 60)]
LATE_SKY = [(44, 88), (28, 110), (70, 12), (36, 33), (80, 120)]


def sample_scope(rng: random.Random, w: State, i: int) -> Params:
    star, scope = _nth(STARS, i), rng.choice(SCOPES)
    alt, moon = EARLY_SKY[i] if _early(i) else rng.choice(LATE_SKY)
    w["tables"].setdefault("h3_targets", {})[star] = {
        "transit": f"{rng.randint(19, 23)}:{rng.choice(['05', '20', '35', '50'])}",
        "alt": alt,
        "moon": moon,
        "seeing": round(rng.uniform(0.6, 1.8), 1),
    }
    return {"star": star, "scope": scope, "wording": rng.randrange(2)}


def _observable_b(p: Params, b: State) -> bool:
    t = b["tables"]["h3_targets"][p["star"]]
    return bool(t["alt"] >= 30 and t["moon"] >= 20)


def _sky(text: str) -> tuple[str, int, int]:
    import re

    m = re.search(r"transits at (\d+:\d+), max altitude (\d+) deg, moon separation (\d+) deg", text)
    assert m is not None
    return m.group(1), int(m.group(2)), int(m.group(3))


scope = Family(
    name="h3_scope",
    templates=[
        "Queue an observation of {star} on the {scope} telescope tonight",
        "Can {scope} observe {star} tonight? If it can, put it in the queue at transit.",
    ],
    fields={"star": CAPWORDS, "scope": CAPWORDS},
    sample=sample_scope,
    plan=[
        Step("h3_target", lambda p, r: {"target": p["star"]}),
        Step(
            "h3_queue_observation",
            lambda p, r: {"telescope": p["scope"], "target": p["star"], "start": _sky(r["h3_target"])[0]},
            when=lambda p, r: _sky(r["h3_target"])[1] >= 30 and _sky(r["h3_target"])[2] >= 20,
        ),
    ],
    expect=lambda p, b: (
        {
            "obs_queue": [
                {"scope": p["scope"], "target": p["star"], "start": b["tables"]["h3_targets"][p["star"]]["transit"]}
            ]
        }
        if _observable_b(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [b["tables"]["h3_targets"][p["star"]]["transit"]] if _observable_b(p, b) else ["not observable"]
    ),
    summary=lambda p, r: (
        f"Queued {p['star']} on {p['scope']} at {_sky(r['h3_target'])[0]}."
        if "h3_queue_observation" in r
        else f"{p['star']} is not observable from {p['scope']} tonight: {r['h3_target']}."
    ),
)


# =========================================================================== 8. wine cellar
WINES = [
    "Rioja Reserva 2016",
    "Barolo 2013",
    "Chablis Premier Cru 2019",
    "Malbec 2020",
    "Sancerre 2021",
    "Priorat 2018",
    "Tokaji Aszu 2011",
    "Pinot Noir 2022",
]
RACKS = ["A", "B", "C", "D", "E", "F"]


def _bottles(s: State, a: dict) -> dict:
    n = s.get("cellar", {}).get(f"{a['rack']}|{a['wine']}", 0)
    return {"rack": a["rack"], "wine": a["wine"], "count": n, "temp_c": 12.5}


def _move_bottles(s: State, a: dict) -> dict:
    c = s.setdefault("cellar", {})
    src, dst = f"{a['from_rack']}|{a['wine']}", f"{a['to_rack']}|{a['wine']}"
    if c.get(src, 0) < a["count"]:
        raise ToolFail("not enough bottles")
    c[src] -= a["count"]
    c[dst] = c.get(dst, 0) + a["count"]
    return {"moved": a["count"], "left_in_source": c[src]}


# (n, count): the first goals move 2..8 bottles of 4..24
EARLY_CELLAR = [(2, 24), (8, 9), (5, 4 + 12), (3, 4)]
LATE_CELLAR = [(4, 12), (7, 5), (6, 6), (8, 6)]


def sample_cellar(rng: random.Random, w: State, i: int) -> Params:
    wine = _nth(WINES, i)
    src, dst = rng.sample(RACKS, 2)
    n, count = EARLY_CELLAR[i] if _early(i) else rng.choice(LATE_CELLAR)
    w.setdefault("cellar", {})[f"{src}|{wine}"] = count
    return {"n": n, "wine": wine, "src": src, "dst": dst, "wording": rng.randrange(2)}


def _cellar_b(p: Params, b: State) -> dict:
    c = b.get("cellar", {})
    s, d = f"{p['src']}|{p['wine']}", f"{p['dst']}|{p['wine']}"
    if c.get(s, 0) < p["n"]:
        return {}
    return {"cellar": {s: c[s] - p["n"], d: c.get(d, 0) + p["n"]}}


cellar = Family(
    name="h3_cellar",
    templates=[
        "Move {n} bottles of {wine} from rack {src} to rack {dst}",
        "cellar: {n} x {wine}, rack {src} -> rack {dst}",
    ],
    fields={
        "n": INT,
        "wine": Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)* \d{4}"),
        "src": Field("[A-F]"),
        "dst": Field("[A-F]"),
    },
    sample=sample_cellar,
    plan=[
        Step("h3_bottles", lambda p, r: {"rack": p["src"], "wine": p["wine"]}),
        Step(
            "h3_move_bottles",
            lambda p, r: {"wine": p["wine"], "from_rack": p["src"], "to_rack": p["dst"], "count": p["n"]},
            when=lambda p, r: r["h3_bottles"]["count"] >= p["n"],
        ),
    ],
    expect=_cellar_b,
    answer=lambda p, b: [b["cellar"][f"{p['src']}|{p['wine']}"] - p["n"]] if _cellar_b(p, b) else ["only"],
    summary=lambda p, r: (
        f"Moved {p['n']} bottles of {p['wine']}; {r['h3_move_bottles']['left_in_source']} left in rack {p['src']}."
        if "h3_move_bottles" in r
        else f"Not moved: rack {p['src']} holds only {r['h3_bottles']['count']} bottles of {p['wine']}."
    ),
)


# ==================== 9. print shop: sheets = ceil(pages / 2) x copies
PRINTERS = ["Atlas", "Brio", "Corvus", "Delta", "Ember", "Fjord", "Garnet", "Helix"]
DOCS = ["Quarterly Review", "Safety Handbook", "Menu Draft", "Board Minutes", "Course Reader"]


def _printer_status(s: State, a: dict) -> dict:
    p = s.get("printers", {}).get(a["printer"])
    if p is None:
        raise ToolFail(f"no printer {a['printer']}")
    return {"printer": a["printer"], **p}


def _print_job(s: State, a: dict) -> dict:
    p = s["printers"][a["printer"]]
    if p["state"] != "ready":
        raise ToolFail(f"printer {a['printer']} is not ready")
    p["sheets_loaded"] -= a["sheets"]
    s.setdefault("print_jobs", []).append({"printer": a["printer"], "doc": a["doc"], "sheets": a["sheets"]})
    return {"job": len(s["print_jobs"]), "sheets": a["sheets"]}


def sample_print(rng: random.Random, w: State, i: int) -> Params:
    printer, doc = _nth(PRINTERS, i), rng.choice(DOCS)
    pages = rng.randrange(4, 60, 2) if _early(i) else rng.randint(3, 60)
    state = "ready" if _early(i) else rng.choice(["ready", "ready", "paper jam"])
    w.setdefault("printers", {})[printer] = {
        "sheets_loaded": rng.randint(800, 2000),
        "toner_pct": rng.randint(20, 90),
        "state": state,
    }
    return {"printer": printer, "doc": doc, "pages": pages, "copies": rng.randint(2, 12), "wording": rng.randrange(2)}


def _sheets(p: Params) -> int:
    return _ceil(p["pages"] / 2) * int(p["copies"])


def _print_b(p: Params, b: State) -> dict:
    pr = b["printers"][p["printer"]]
    if pr["state"] != "ready":
        return {}
    return {
        "printers": {p["printer"]: {**pr, "sheets_loaded": pr["sheets_loaded"] - _sheets(p)}},
        "print_jobs": [{"printer": p["printer"], "doc": p["doc"], "sheets": _sheets(p)}],
    }


printing = Family(
    name="h3_print",
    templates=[
        "Print {copies} copies of '{doc}' ({pages} pages) double-sided on {printer}",
        "Please run off {copies} double-sided copies of '{doc}', {pages} pages each, on printer {printer}",
    ],
    fields={"copies": INT, "doc": QUOTED, "pages": INT, "printer": CAPWORDS},
    sample=sample_print,
    plan=[
        Step("h3_printer_status", lambda p, r: {"printer": p["printer"]}),
        Step(
            "h3_print_job",
            lambda p, r: {"printer": p["printer"], "doc": p["doc"], "sheets": _sheets(p)},
            when=lambda p, r: r["h3_printer_status"]["state"] == "ready",
        ),
    ],
    expect=_print_b,
    answer=lambda p, b: [_sheets(p)] if _print_b(p, b) else ["jam"],
    summary=lambda p, r: (
        f"Printed '{p['doc']}' on {p['printer']}: {r['h3_print_job']['sheets']} sheets."
        if "h3_print_job" in r
        else f"Not printed: {p['printer']} reports {r['h3_printer_status']['state']}."
    ),
)


# =========================================================================== 10. firmware rollout
def _device(s: State, a: dict) -> dict:
    d = s.get("devices", {}).get(a["device"])
    if d is None:
        raise ToolFail(f"no device {a['device']}")
    return {"device": a["device"], **d}


def _install(s: State, a: dict) -> dict:
    d = s["devices"][a["device"]]
    d["version"] = a["version"]
    return {"device": a["device"], "version": a["version"], "reboot": "scheduled"}


def sample_firmware(rng: random.Random, w: State, i: int) -> Params:
    dev = f"{rng.choice(['gw', 'cam', 'therm'])}-{rng.randint(100, 999)}"
    trap = "none" if _early(i) else rng.choice(["none", "frozen", "battery"])
    w.setdefault("devices", {})[dev] = {
        "version": f"4.{rng.randint(0, 3)}.{rng.randint(0, 9)}",
        "battery_pct": rng.randint(40, 95) if trap != "battery" else 12,
        "update_policy": "frozen" if trap == "frozen" else "auto",
        "site": rng.choice(["Depot 3", "North Yard", "Lab 2"]),
    }
    return {"dev": dev, "ver": f"4.{rng.randint(4, 6)}.{rng.randint(0, 9)}", "wording": rng.randrange(2)}


def _fw_ok(d: dict) -> bool:
    return d["update_policy"] == "auto" and d["battery_pct"] >= 20


firmware = Family(
    name="h3_firmware",
    templates=["Update {dev} to firmware {ver}", "Could you put firmware {ver} on device {dev}?"],
    fields={"dev": Field(r"[a-z]+-\d{3}"), "ver": Field(r"\d+\.\d+\.\d+")},
    sample=sample_firmware,
    plan=[
        Step("h3_device", lambda p, r: {"device": p["dev"]}),
        Step(
            "h3_install_firmware",
            lambda p, r: {"device": p["dev"], "version": p["ver"]},
            when=lambda p, r: _fw_ok(r["h3_device"]),
        ),
    ],
    expect=lambda p, b: (
        {"devices": {p["dev"]: {**b["devices"][p["dev"]], "version": p["ver"]}}}
        if _fw_ok(b["devices"][p["dev"]])
        else {}
    ),
    answer=lambda p, b: [p["ver"]] if _fw_ok(b["devices"][p["dev"]]) else ["not updated"],
    summary=lambda p, r: (
        f"{p['dev']} now runs firmware {p['ver']} (reboot scheduled)."
        if "h3_install_firmware" in r
        else f"{p['dev']} not updated: policy {r['h3_device']['update_policy']}, "
        f"battery {r['h3_device']['battery_pct']}%."
    ),
)


# =========================================================================== 11. playlist: explicit tracks
SONGS = [
    ("Night Drive", "Kora Vale"),
    ("Paper Moons", "The Lanterns"),
    ("Salt Air", "Mira Quinn"),
    ("Low Tide", "Oskar Brandt"),
    ("Neon Rain", "Kora Vale"),
    ("Glass House", "The Lanterns"),
    ("Cold Harbour", "Mira Quinn"),
    ("First Light", "Oskar Brandt"),
]
PLAYLISTS = ["Road Trip", "Kids Party", "Sunday Chill", "Gym Mix", "School Run"]


def _find_track(s: State, a: dict) -> dict:
    t = s["tables"].get("h3_tracks", {}).get(f"{a['title']}|{a['artist']}")
    if t is None:
        raise ToolFail(f"no track '{a['title']}' by {a['artist']}")
    return t


def _playlist_info(s: State, a: dict) -> dict:
    pl = s.get("playlists", {}).get(a["playlist"])
    if pl is None:
        raise ToolFail(f"no playlist {a['playlist']}")
    return {"playlist": a["playlist"], "family_safe": pl["family_safe"], "tracks": len(pl["tracks"])}


def _add_track(s: State, a: dict) -> dict:
    pl = s["playlists"][a["playlist"]]
    pl["tracks"].append(a["track_id"])
    return {"added": a["track_id"], "position": len(pl["tracks"])}


def sample_playlist(rng: random.Random, w: State, i: int) -> Params:
    title, artist = _nth(SONGS, i)
    pl = rng.choice(PLAYLISTS)
    explicit = False if _early(i) else rng.choice([False, True])
    w["tables"].setdefault("h3_tracks", {})[f"{title}|{artist}"] = {
        "track_id": f"T{rng.randint(10000, 99999)}",
        "title": title,
        "artist": artist,
        "explicit": explicit,
        "duration_s": rng.randint(150, 300),
    }
    w.setdefault("playlists", {}).setdefault(pl, {"family_safe": pl in ("Kids Party", "School Run"), "tracks": []})
    return {"title": title, "artist": artist, "playlist": pl, "wording": rng.randrange(2)}


def _may_add(p: Params, b: State) -> bool:
    t = b["tables"]["h3_tracks"][f"{p['title']}|{p['artist']}"]
    return not (t["explicit"] and b["playlists"][p["playlist"]]["family_safe"])


def _playlist_b(p: Params, b: State) -> dict:
    if not _may_add(p, b):
        return {}
    pl = b["playlists"][p["playlist"]]
    tid = b["tables"]["h3_tracks"][f"{p['title']}|{p['artist']}"]["track_id"]
    return {"playlists": {p["playlist"]: {**pl, "tracks": [*pl["tracks"], tid]}}}


playlist = Family(
    name="h3_playlist",
    templates=[
        "Add '{title}' by {artist} to my {playlist} playlist",
        "Put {artist}'s '{title}' on the {playlist} playlist, please",
    ],
    fields={"title": QUOTED, "artist": CAPWORDS, "playlist": CAPWORDS},
    sample=sample_playlist,
    plan=[
        Step("h3_find_track", lambda p, r: {"title": p["title"], "artist": p["artist"]}, group="look"),
        Step("h3_playlist_info", lambda p, r: {"playlist": p["playlist"]}, group="look"),
        Step(
            "h3_add_track",
            lambda p, r: {"playlist": p["playlist"], "track_id": r["h3_find_track"]["track_id"]},
            when=lambda p, r: not (r["h3_find_track"]["explicit"] and r["h3_playlist_info"]["family_safe"]),
        ),
    ],
    expect=_playlist_b,
    answer=lambda p, b: [len(b["playlists"][p["playlist"]]["tracks"]) + 1] if _may_add(p, b) else ["explicit"],
    summary=lambda p, r: (
        f"Added '{p['title']}' to {p['playlist']} at position {r['h3_add_track']['position']}."
        if "h3_add_track" in r
        else f"Not added: '{p['title']}' is explicit and {p['playlist']} is family-safe."
    ),
)


# =========================================================================== 12. lab freezer: destructive discard
def _sample_info(s: State, a: dict) -> str:
    x = s["tables"].get("h3_samples", {}).get(a["sample"])
    if x is None:
        raise ToolFail(f"no sample {a['sample']}")
    return (
        f"Sample {a['sample']} in freezer {x['freezer']}, box {x['box']}: {x['kind']}, collected "
        f"{x['collected']}, expired {x['expired']}; hold: {x['hold']}"
    )


def _discard(s: State, a: dict) -> dict:
    s.setdefault("discarded", []).append(a["sample"])
    return {"discarded": a["sample"], "certificate": f"DC-{len(s['discarded']) + 60}"}


def sample_freezer(rng: random.Random, w: State, i: int) -> Params:
    sid = f"BX{rng.randint(10000, 99999)}"
    hold = "none" if _early(i) else rng.choice(["none", "none", f"study ONC-{rng.randint(10, 99)} until 2027-03-31"])
    w["tables"].setdefault("h3_samples", {})[sid] = {
        "freezer": rng.choice(["F1", "F2", "F3"]),
        "box": rng.randint(1, 40),
        "kind": rng.choice(["plasma", "serum", "DNA extract", "tissue"]),
        "collected": dt.date(2022, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        "expired": dt.date(2025, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        "hold": hold,
    }
    return {"sid": sid, "wording": rng.randrange(2)}


def _held(p: Params, b: State) -> bool:
    return b["tables"]["h3_samples"][p["sid"]]["hold"] != "none"


freezer = Family(
    name="h3_freezer",
    templates=["Discard sample {sid}", "Sample {sid} is past its date; please throw it out"],
    fields={"sid": Field(r"BX\d{5}")},
    sample=sample_freezer,
    plan=[
        Step("h3_sample_info", lambda p, r: {"sample": p["sid"]}),
        Step(
            "h3_discard_sample",
            lambda p, r: {"sample": p["sid"]},
            when=lambda p, r: r["h3_sample_info"].endswith("hold: none"),
        ),
    ],
    expect=lambda p, b: {} if _held(p, b) else {"discarded": [p["sid"]]},
    answer=lambda p, b: ["hold"] if _held(p, b) else [f"DC-{len(b.get('discarded', [])) + 61}"],
    summary=lambda p, r: (
        f"Discarded {p['sid']} (certificate {r['h3_discard_sample']['certificate']})."
        if "h3_discard_sample" in r
        else f"Not discarded: {p['sid']} is on hold ({r['h3_sample_info'].split('hold: ')[1]})."
    ),
    repeats=False,
)


# ==================== 13. solar earnings (question, derived answer)
REGIONS = ["Bavaria", "Tyrol", "Wallonia", "Jutland"]


def sample_solar(rng: random.Random, w: State, i: int) -> Params:
    arr = f"PV-{rng.randint(1, 9)}{i % 10}"
    region = rng.choice(REGIONS)
    t = w["tables"]
    kwh = round(rng.uniform(8, 95), 1)
    tariff = t.setdefault("h3_tariffs", {}).setdefault(
        region, {"region": region, "eur_per_kwh": rng.choice([0.082, 0.071, 0.064, 0.11])}
    )
    while is_tie(kwh * tariff["eur_per_kwh"], 2):
        kwh = round(rng.uniform(8, 95), 1)
    t.setdefault("h3_arrays", {})[arr] = {
        "array": arr,
        "kwh_yesterday": kwh,
        "peak_kw": round(rng.uniform(2, 9), 2),
        "inverter_temp_c": rng.randint(30, 60),
    }
    return {"arr": arr, "region": region, "wording": rng.randrange(2)}


def _earned(p: Params, b: State) -> float:
    t = b["tables"]
    return round_half_up(t["h3_arrays"][p["arr"]]["kwh_yesterday"] * t["h3_tariffs"][p["region"]]["eur_per_kwh"], 2)


solar = Family(
    name="h3_solar",
    templates=[
        "How much did solar array {arr} earn yesterday at the {region} feed-in tariff?",
        "{arr} yesterday, {region} tariff: kWh and euros",
    ],
    fields={"arr": Field(r"PV-\d\d"), "region": CAPWORDS},
    sample=sample_solar,
    plan=[
        Step("h3_array_yield", lambda p, r: {"array": p["arr"]}, group="look"),
        Step("h3_feed_in", lambda p, r: {"region": p["region"]}, group="look"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [b["tables"]["h3_arrays"][p["arr"]]["kwh_yesterday"], _earned(p, b)],
    summary=lambda p, r: (
        f"{p['arr']} produced {r['h3_array_yield']['kwh_yesterday']} kWh yesterday, worth "
        f"{round_half_up(r['h3_array_yield']['kwh_yesterday'] * r['h3_feed_in']['eur_per_kwh'], 2)} EUR "
        f"at the {p['region']} tariff."
    ),
)


# =========================================================================== 14. crew duty limit (sum against a limit)
PILOTS = ["Ines Duarte", "Karl Obi", "Mei Tanaka", "Omar Farouk", "Petra Holm", "Rui Alves", "Sven Dahl", "Tara Nolan"]


def _pilot(s: State, a: dict) -> dict:
    h = s.get("duty", {}).get(a["pilot"])
    if h is None:
        raise ToolFail(f"no pilot {a['pilot']}")
    return {"pilot": a["pilot"], "hours_this_week": h, "limit_hours": 50, "base": "LIS"}


def _assign(s: State, a: dict) -> dict:
    fl = s["tables"]["h3_flights"][a["flight"]]
    s["duty"][a["pilot"]] = round(s["duty"][a["pilot"]] + fl["block_hours"], 1)
    s.setdefault("crew_assignments", []).append({"flight": a["flight"], "pilot": a["pilot"]})
    return {"assigned": True, "hours_this_week": s["duty"][a["pilot"]]}


# (hours, block): the first goals see hours 20..44 and blocks 2.5..9.5, all within 50
EARLY_DUTY = [(44.0, 2.5), (20.0, 9.5), (31.5, 6.0), (38.0, 7.5)]
LATE_DUTY = [(25.0, 4.0), (43.5, 8.0), (41.0, 9.5), (22.5, 3.0)]


def sample_crew(rng: random.Random, w: State, i: int) -> Params:
    pilot = _nth(PILOTS, i)
    hours, block = EARLY_DUTY[i] if _early(i) else rng.choice(LATE_DUTY)
    w.setdefault("duty", {})[pilot] = hours
    flight = f"TP{rng.randint(100, 999)}"
    w["tables"].setdefault("h3_flights", {})[flight] = {
        "flight": flight,
        "block_hours": block,
        "from": "LIS",
        "to": rng.choice(["OPO", "FNC", "MAD", "CDG"]),
    }
    return {"pilot": pilot, "flight": flight, "wording": rng.randrange(2)}


def _crew_ok(p: Params, b: State) -> bool:
    return b["duty"][p["pilot"]] + b["tables"]["h3_flights"][p["flight"]]["block_hours"] <= 50


def _crew_b(p: Params, b: State) -> dict:
    if not _crew_ok(p, b):
        return {}
    new = round(b["duty"][p["pilot"]] + b["tables"]["h3_flights"][p["flight"]]["block_hours"], 1)
    return {"duty": {p["pilot"]: new}, "crew_assignments": [{"flight": p["flight"], "pilot": p["pilot"]}]}


crew = Family(
    name="h3_crew",
    templates=["Assign {pilot} to flight {flight}", "Roster captain {pilot} on {flight}, please"],
    fields={"pilot": CAPWORDS, "flight": Field(r"TP\d{3}")},
    sample=sample_crew,
    plan=[
        Step("h3_pilot", lambda p, r: {"pilot": p["pilot"]}, group="look"),
        Step("h3_flight", lambda p, r: {"flight": p["flight"]}, group="look"),
        Step(
            "h3_assign_crew",
            lambda p, r: {"flight": p["flight"], "pilot": p["pilot"]},
            when=lambda p, r: (
                r["h3_pilot"]["hours_this_week"] + r["h3_flight"]["block_hours"] <= r["h3_pilot"]["limit_hours"]
            ),
        ),
    ],
    expect=_crew_b,
    answer=lambda p, b: [_crew_b(p, b)["duty"][p["pilot"]]] if _crew_ok(p, b) else ["exceed"],
    summary=lambda p, r: (
        f"{p['pilot']} is on {p['flight']}; {r['h3_assign_crew']['hours_this_week']} duty hours this week."
        if "h3_assign_crew" in r
        else f"Not assigned: {p['pilot']} would exceed the 50 h weekly limit."
    ),
)


# ==================== 15. garden irrigation (idempotent, category)
ZONES = [
    "North Lawn",
    "Herb Beds",
    "Orchard",
    "Rose Garden",
    "Greenhouse Row",
    "Kitchen Plot",
    "Hedge Walk",
    "Berry Patch",
]


def _set_valve(s: State, a: dict) -> dict:
    s.setdefault("valves", {})[a["zone"]] = a["litres"]
    return {"zone": a["zone"], "litres": a["litres"], "eta_min": 20}


def sample_garden(rng: random.Random, w: State, i: int) -> Params:
    zone = _nth(ZONES, i)
    soil = rng.choice(["dry", "moist"]) if _early(i) else rng.choice(["dry", "moist", "saturated"])
    w["tables"].setdefault("h3_zones", {})[zone] = {
        "zone": zone,
        "area_m2": rng.randint(20, 140),
        "soil": soil,
        "moisture_pct": rng.randint(15, 55),
    }
    return {"zone": zone, "mm": rng.randint(3, 25), "wording": rng.randrange(2)}


def _garden_row(p: Params, b: State) -> dict:
    return b["tables"]["h3_zones"][p["zone"]]


garden = Family(
    name="h3_garden",
    templates=["Water the {zone} with {mm} mm", "Irrigate {zone}: {mm} mm, and tell me how many litres that is"],
    fields={"zone": CAPWORDS, "mm": INT},
    sample=sample_garden,
    plan=[
        Step("h3_garden_zone", lambda p, r: {"zone": p["zone"]}),
        Step(
            "h3_set_valve",
            lambda p, r: {"zone": p["zone"], "litres": p["mm"] * r["h3_garden_zone"]["area_m2"]},
            when=lambda p, r: r["h3_garden_zone"]["soil"] != "saturated",
        ),
    ],
    expect=lambda p, b: (
        {}
        if _garden_row(p, b)["soil"] == "saturated"
        else {"valves": {p["zone"]: p["mm"] * _garden_row(p, b)["area_m2"]}}
    ),
    answer=lambda p, b: (
        ["saturated"] if _garden_row(p, b)["soil"] == "saturated" else [p["mm"] * _garden_row(p, b)["area_m2"]]
    ),
    summary=lambda p, r: (
        f"Watering the {p['zone']}: {r['h3_set_valve']['litres']} litres."
        if "h3_set_valve" in r
        else f"Not watered: the {p['zone']} soil is saturated."
    ),
)


# =========================================================================== 16. standby list (question, list answer)
BASES = ["Lisbon", "Porto", "Faro", "Funchal", "Madrid", "Seville", "Bilbao", "Valencia"]


def sample_standby(rng: random.Random, w: State, i: int) -> Params:
    base = _nth(BASES, i)
    n = 2 if _early(i) else rng.randint(1, 4)
    w["tables"].setdefault("h3_standby", {})[base] = {"base": base, "pilots": rng.sample(PILOTS, n), "as_of": "06:00"}
    return {"base": base, "wording": rng.randrange(2)}


standby = Family(
    name="h3_standby",
    templates=["Who is on standby at {base} today?", "standby crew at {base}, list them"],
    fields={"base": CAPWORDS},
    sample=sample_standby,
    plan=[Step("h3_standby", lambda p, r: {"base": p["base"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: list(b["tables"]["h3_standby"][p["base"]]["pilots"]),
    summary=lambda p, r: f"On standby at {p['base']}: {', '.join(r['h3_standby']['pilots'])}.",
)


# =========================================================================== 17. brewery QA hold (a decline repeated)
STYLES = ["IPA", "Stout", "Pilsner", "Saison", "Porter"]
# per batch, five goals in order: release (on hold: declined), release again (declined), lift the hold,
# release (now it must happen), release once more (already released: declined by the status text)
BREW_CYCLE = ["release", "release", "lift", "release", "release"]


def _brew_status(s: State, a: dict) -> str:
    b = s.get("brews", {}).get(a["batch"])
    if b is None:
        raise ToolFail(f"no batch {a['batch']}")
    hold = f"active ({b['reason']})" if b["hold"] else "none"
    return (
        f"Batch {a['batch']}: {b['style']}, {b['litres']} L in tank {b['tank']}; QA hold: {hold}; stage: {b['stage']}"
    )


def _release_brew(s: State, a: dict) -> dict:
    b = s["brews"][a["batch"]]
    b["stage"] = "bottling"
    s.setdefault("bottling_queue", []).append(a["batch"])
    return {"released": a["batch"], "queue_position": len(s["bottling_queue"])}


def _lift_hold(s: State, a: dict) -> dict:
    s["brews"][a["batch"]]["hold"] = False
    return {"batch": a["batch"], "hold": "none"}


def sample_brew(rng: random.Random, w: State, i: int) -> Params:
    cycle, k = divmod(i, len(BREW_CYCLE))
    batch = f"BR-{cycle + 1}{rng.randint(10, 99)}" if k == 0 else w["tables"]["_h3_last_brew"]
    if k == 0:
        w["tables"]["_h3_last_brew"] = batch
    w.setdefault("brews", {}).setdefault(
        batch,
        {
            "style": rng.choice(STYLES),
            "litres": rng.randrange(800, 2400, 100),
            "tank": f"T{rng.randint(1, 9)}",
            "hold": True,
            "reason": rng.choice(["diacetyl test", "gravity check", "micro swab"]),
            "stage": "conditioning",
        },
    )
    return {"batch": batch, "wording": 0 if BREW_CYCLE[k] == "release" else 1}


def _kind(p: Params) -> str:
    return "release" if p.get("wording", 0) == 0 else "lift"


def _brew_row(p: Params, b: State) -> dict:
    return b["brews"][p["batch"]]


def _may_release(row: dict) -> bool:
    return not row["hold"] and row["stage"] == "conditioning"


def _expect_brew(p: Params, b: State) -> dict:
    row = _brew_row(p, b)
    if _kind(p) == "lift":
        return {"brews": {p["batch"]: {**row, "hold": False}}} if row["hold"] else {}
    if not _may_release(row):
        return {}
    return {"brews": {p["batch"]: {**row, "stage": "bottling"}}, "bottling_queue": [p["batch"]]}


def _brew_answer(p: Params, b: State) -> list:
    row = _brew_row(p, b)
    if _kind(p) == "lift":
        return ["lifted"]
    if _may_release(row):
        return [len(b.get("bottling_queue", [])) + 1]
    return ["hold"] if row["hold"] else ["already"]


def _brew_free(text: str) -> bool:
    return "QA hold: none" in text and "stage: conditioning" in text


brew = Family(
    name="h3_brew",
    templates=["Release brew batch {batch} for bottling", "Lift the QA hold on brew batch {batch}"],
    fields={"batch": Field(r"BR-\d{3}")},
    sample=sample_brew,
    plan=[
        Step("h3_brew_status", lambda p, r: {"batch": p["batch"]}),
        Step(
            "h3_release_brew",
            lambda p, r: {"batch": p["batch"]},
            when=lambda p, r: _kind(p) == "release" and _brew_free(r["h3_brew_status"]),
        ),
        Step(
            "h3_lift_hold",
            lambda p, r: {"batch": p["batch"]},
            when=lambda p, r: _kind(p) == "lift" and "QA hold: active" in r["h3_brew_status"],
        ),
    ],
    expect=_expect_brew,
    answer=_brew_answer,
    summary=lambda p, r: (
        f"Released {p['batch']} for bottling (queue position {r['h3_release_brew']['queue_position']})."
        if "h3_release_brew" in r
        else f"The QA hold on {p['batch']} is lifted."
        if _kind(p) == "lift"
        else f"Not released: {p['batch']} is on QA hold."
        if "QA hold: active" in r["h3_brew_status"]
        else f"Not released: {p['batch']} is already in bottling."
    ),
    repeats=False,
)


# ==================== 18. courier: a result value picks the price
# the parcel's size class is passed on as an argument AND names the rate to charge: every early
# parcel is "small"; later ones are "large", with weights and rates inside the ranges seen
COURIER_ZONES = ["Nord", "Sud", "Ost", "West", "Mitte", "Kuste", "Alpen", "Rhein"]


def _parcel(s: State, a: dict) -> dict:
    p = s["tables"].get("h3_parcels", {}).get(a["parcel"])
    if p is None:
        raise ToolFail(f"no parcel {a['parcel']}")
    return p


def _ship_parcel(s: State, a: dict) -> dict:
    out = s.setdefault("shipments", [])
    out.append({"parcel": a["parcel"], "size": a["size"], "price_eur": a["price_eur"]})
    return {"label": f"SHP-{9100 + len(out)}", "price_eur": a["price_eur"]}


def sample_courier(rng: random.Random, w: State, i: int) -> Params:
    pid = f"PK{rng.randint(100000, 999999)}"
    zone = _nth(COURIER_ZONES, i)
    size = "small" if _early(i) else rng.choice(["small", "large"])
    w["tables"].setdefault("h3_parcels", {})[pid] = {"parcel": pid, "size": size, "kg": round(rng.uniform(0.5, 9.5), 1)}
    small = round(rng.uniform(4, 9), 2)
    w["tables"].setdefault("h3_rates", {})[zone] = {
        "zone": zone,
        "rates": {"small": small, "large": round(small + rng.uniform(1, 4), 2)},
    }
    return {"pid": pid, "zone": zone, "wording": rng.randrange(2)}


def _courier_b(p: Params, b: State) -> tuple[str, float]:
    size = b["tables"]["h3_parcels"][p["pid"]]["size"]
    return size, b["tables"]["h3_rates"][p["zone"]]["rates"][size]


courier = Family(
    name="h3_courier",
    templates=[
        "Ship parcel {pid} with the {zone} courier",
        "parcel {pid} -> {zone} courier, ship it at the going rate",
    ],
    fields={"pid": Field(r"PK\d{6}"), "zone": CAPWORDS},
    sample=sample_courier,
    plan=[
        Step("h3_parcel", lambda p, r: {"parcel": p["pid"]}, group="look"),
        Step("h3_courier_rates", lambda p, r: {"zone": p["zone"]}, group="look"),
        Step(
            "h3_ship_parcel",
            lambda p, r: {
                "parcel": p["pid"],
                "size": r["h3_parcel"]["size"],
                "price_eur": r["h3_courier_rates"]["rates"][r["h3_parcel"]["size"]],
            },
        ),
    ],
    expect=lambda p, b: {
        "shipments": [{"parcel": p["pid"], "size": _courier_b(p, b)[0], "price_eur": _courier_b(p, b)[1]}]
    },
    answer=lambda p, b: [_courier_b(p, b)[1]],
    summary=lambda p, r: (
        f"Shipped {p['pid']} ({r['h3_parcel']['size']}) for {r['h3_ship_parcel']['price_eur']} EUR, "
        f"label {r['h3_ship_parcel']['label']}."
    ),
)


# ==================== 19. marina lift and 20. harbour crane: declines repeated after the world changed
# per boat (per pier), five goals in order: act (blocked: declined), act again (declined), clear the
# block, act (now it must happen), act once more (already done: declined by the status)
MARINA_CYCLE = ["launch", "launch", "clear", "launch", "launch"]
BOATS = ["Sea Breeze", "Blue Heron", "Marlin", "Wind Dancer", "Osprey", "Lady Grace"]


def _slip(s: State, a: dict) -> str:
    b = s.get("slips", {}).get(a["boat"])
    if b is None:
        raise ToolFail(f"no slip holds {a['boat']}")
    lift = "locked out for maintenance" if b["lockout"] else "ready"
    return f"Slip {b['slip']}: {a['boat']} ({b['length_m']} m) on the lift; lift: {lift}; water: {b['water']}"


def _launch(s: State, a: dict) -> dict:
    b = s["slips"][a["boat"]]
    b["water"] = "afloat"
    s.setdefault("launches", []).append(a["boat"])
    return {"launched": a["boat"], "ticket": f"LN-{400 + len(s['launches'])}"}


def _clear_lockout(s: State, a: dict) -> dict:
    s["slips"][a["boat"]]["lockout"] = False
    return {"boat": a["boat"], "lift": "ready"}


def sample_marina(rng: random.Random, w: State, i: int) -> Params:
    cycle, k = divmod(i, len(MARINA_CYCLE))
    boat = BOATS[cycle % len(BOATS)]
    w.setdefault("slips", {}).setdefault(
        boat,
        {"slip": f"S-{rng.randint(1, 40)}", "length_m": round(rng.uniform(6, 14), 1), "lockout": True, "water": "dry"},
    )
    return {"boat": boat, "wording": 1 if MARINA_CYCLE[k] == "clear" else rng.choice([0, 2])}


def _marina_act(p: Params) -> str:
    return "clear" if p.get("wording") == 1 else "launch"


def _marina_free(text: str) -> bool:
    return "lift: ready" in text and "water: dry" in text


def _expect_marina(p: Params, b: State) -> dict:
    row = b["slips"][p["boat"]]
    if _marina_act(p) == "clear":
        return {"slips": {p["boat"]: {**row, "lockout": False}}} if row["lockout"] else {}
    if row["lockout"] or row["water"] != "dry":
        return {}
    return {"slips": {p["boat"]: {**row, "water": "afloat"}}, "launches": [p["boat"]]}


def _marina_answer(p: Params, b: State) -> list:
    row = b["slips"][p["boat"]]
    if _marina_act(p) == "clear":
        return ["ready"]
    if row["lockout"]:
        return ["maintenance"]
    return ["afloat"] if row["water"] != "dry" else [f"LN-{400 + len(b.get('launches', [])) + 1}"]


marina = Family(
    name="h3_marina",
    templates=[
        "Launch {boat} from the boat lift",
        "Clear the maintenance lockout on the lift of {boat}",
        "Could you launch {boat} this morning?",
    ],
    fields={"boat": CAPWORDS},
    sample=sample_marina,
    plan=[
        Step("h3_slip", lambda p, r: {"boat": p["boat"]}),
        Step(
            "h3_launch_boat",
            lambda p, r: {"boat": p["boat"]},
            when=lambda p, r: _marina_act(p) == "launch" and _marina_free(r["h3_slip"]),
        ),
        Step(
            "h3_clear_lockout",
            lambda p, r: {"boat": p["boat"]},
            when=lambda p, r: _marina_act(p) == "clear" and "locked out" in r["h3_slip"],
        ),
    ],
    expect=_expect_marina,
    answer=_marina_answer,
    summary=lambda p, r: (
        f"{p['boat']} is in the water, ticket {r['h3_launch_boat']['ticket']}."
        if "h3_launch_boat" in r
        else f"The lift of {p['boat']} is ready again."
        if _marina_act(p) == "clear"
        else f"{p['boat']} stays on the lift: maintenance lockout."
        if "locked out" in r["h3_slip"]
        else f"{p['boat']} is already afloat."
    ),
    repeats=False,
)


CRANE_CYCLE = ["send", "send", "calm", "send", "send"]
PIERS = ["North Pier", "Pier Seven", "Coal Wharf", "East Mole", "Ferry Quay", "Grain Dock"]


def _pier_weather(s: State, a: dict) -> dict:
    p = s.get("piers", {}).get(a["pier"])
    if p is None:
        raise ToolFail(f"no pier {a['pier']}")
    return {"pier": a["pier"], "wind_kmh": p["wind_kmh"], "crane": p["crane"], "limit_kmh": 40}


def _dispatch_crane(s: State, a: dict) -> dict:
    p = s["piers"][a["pier"]]
    p["crane"] = "at pier"
    s.setdefault("crane_moves", []).append(a["pier"])
    return {"dispatched": a["pier"], "eta_min": 12}


def _log_wind(s: State, a: dict) -> dict:
    s["piers"][a["pier"]]["wind_kmh"] = a["wind_kmh"]
    return {"pier": a["pier"], "wind_kmh": a["wind_kmh"]}


def sample_crane(rng: random.Random, w: State, i: int) -> Params:
    cycle, k = divmod(i, len(CRANE_CYCLE))
    pier = PIERS[cycle % len(PIERS)]
    w.setdefault("piers", {}).setdefault(pier, {"wind_kmh": rng.randint(52, 70), "crane": "in depot"})
    if CRANE_CYCLE[k] == "calm":
        return {"pier": pier, "wind": rng.randint(8, 30), "wording": 1}
    return {"pier": pier, "wording": 0}


def _crane_ok(row: dict) -> bool:
    return row["wind_kmh"] <= 40 and row["crane"] == "in depot"


def _expect_crane(p: Params, b: State) -> dict:
    row = b["piers"][p["pier"]]
    if p.get("wording") == 1:
        return {"piers": {p["pier"]: {**row, "wind_kmh": p["wind"]}}}
    return {"piers": {p["pier"]: {**row, "crane": "at pier"}}, "crane_moves": [p["pier"]]} if _crane_ok(row) else {}


crane = Family(
    name="h3_crane",
    templates=["Send the mobile crane to {pier}", "Log a wind reading of {wind} km/h at {pier}"],
    fields={"pier": CAPWORDS, "wind": INT},
    sample=sample_crane,
    plan=[
        Step("h3_pier_weather", lambda p, r: {"pier": p["pier"]}, when=lambda p, r: p.get("wording") == 0),
        Step(
            "h3_dispatch_crane",
            lambda p, r: {"pier": p["pier"]},
            when=lambda p, r: p.get("wording") == 0 and _crane_ok(r["h3_pier_weather"]),
        ),
        Step(
            "h3_log_wind",
            lambda p, r: {"pier": p["pier"], "wind_kmh": p["wind"]},
            when=lambda p, r: p.get("wording") == 1,
        ),
    ],
    expect=_expect_crane,
    answer=lambda p, b: (
        [p["wind"]] if p.get("wording") == 1 else [12] if _crane_ok(b["piers"][p["pier"]]) else ["can't"]
    ),
    summary=lambda p, r: (
        f"Logged {p['wind']} km/h at {p['pier']}."
        if "h3_log_wind" in r
        else f"The crane is on its way to {p['pier']} (12 minutes)."
        if "h3_dispatch_crane" in r
        else f"The crane can't go to {p['pier']}: wind {r['h3_pier_weather']['wind_kmh']} km/h, "
        f"crane {r['h3_pier_weather']['crane']}."
    ),
    repeats=False,
)


# =========================================================================== tools
TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "h3_pool_reading",
            "A pool's volume, chlorine (ppm) and pH.",
            {"pool": str},
            _row("h3_pools", "pool", "pool"),
        ),
        Tool(
            "h3_dose_chlorine", "Add chlorine granules to a pool (grams).", {"pool": str, "grams": int}, _dose_chlorine
        ),
        Tool(
            "h3_vaccine_record",
            "A pet's record for one vaccine (plain text).",
            {"pet": str, "vaccine": str},
            _vaccine_record,
        ),
        Tool("h3_give_vaccine", "Give a pet a vaccine and log it.", {"pet": str, "vaccine": str}, _give_vaccine),
        Tool(
            "h3_vehicle",
            "A vehicle's type and ferry ticket class.",
            {"plate": str},
            _row("h3_vehicles", "vehicle", "plate"),
        ),
        Tool(
            "h3_sailing",
            "A ferry sailing's fares by ticket class (EUR).",
            {"sailing": str},
            _row("h3_sailings", "sailing", "sailing"),
        ),
        Tool(
            "h3_book_crossing",
            "Book a ferry crossing for a vehicle.",
            {"sailing": str, "plate": str, "ticket": str, "fare_eur": float},
            _book_crossing,
        ),
        Tool("h3_player", "A chess club member's rating.", {"name": str}, _player),
        Tool("h3_set_rating", "Set a chess club member's rating.", {"name": str, "rating": int}, _set_rating),
        Tool(
            "h3_recipe",
            "A recipe's ingredients for its base servings.",
            {"recipe": str},
            _row("h3_recipes", "recipe", "recipe"),
        ),
        Tool("h3_whois", "A domain's registration: expiry, status and yearly price.", {"domain": str}, _whois),
        Tool(
            "h3_renew_domain",
            "Renew a domain for some years and charge the card on file.",
            {"domain": str, "years": int, "charge_usd": float},
            _renew_domain,
        ),
        Tool("h3_target", "Tonight's visibility of a target (plain text).", {"target": str}, _target),
        Tool(
            "h3_queue_observation",
            "Queue an observation on a telescope at a start time (HH:MM).",
            {"telescope": str, "target": str, "start": str},
            _queue_obs,
        ),
        Tool("h3_bottles", "Bottles of a wine in a cellar rack.", {"rack": str, "wine": str}, _bottles),
        Tool(
            "h3_move_bottles",
            "Move bottles of a wine between cellar racks.",
            {"wine": str, "from_rack": str, "to_rack": str, "count": int},
            _move_bottles,
        ),
        Tool("h3_printer_status", "A printer's state, paper and toner.", {"printer": str}, _printer_status),
        Tool(
            "h3_print_job",
            "Print a document on a printer (sheets of paper).",
            {"printer": str, "doc": str, "sheets": int},
            _print_job,
        ),
        Tool("h3_device", "A device's firmware, battery and update policy.", {"device": str}, _device),
        Tool(
            "h3_install_firmware", "Install a firmware version on a device.", {"device": str, "version": str}, _install
        ),
        Tool("h3_find_track", "Find a track by title and artist.", {"title": str, "artist": str}, _find_track),
        Tool("h3_playlist_info", "A playlist's settings and length.", {"playlist": str}, _playlist_info),
        Tool("h3_add_track", "Append a track to a playlist.", {"playlist": str, "track_id": str}, _add_track),
        Tool("h3_sample_info", "A freezer sample's record (plain text).", {"sample": str}, _sample_info),
        Tool("h3_discard_sample", "Discard a freezer sample for good.", {"sample": str}, _discard),
        Tool(
            "h3_array_yield",
            "A solar array's production yesterday.",
            {"array": str},
            _row("h3_arrays", "array", "array"),
        ),
        Tool(
            "h3_feed_in",
            "A region's feed-in tariff (EUR per kWh).",
            {"region": str},
            _row("h3_tariffs", "region", "region"),
        ),
        Tool("h3_pilot", "A pilot's duty hours this week and the weekly limit.", {"pilot": str}, _pilot),
        Tool("h3_flight", "A flight's route and block hours.", {"flight": str}, _row("h3_flights", "flight", "flight")),
        Tool("h3_assign_crew", "Assign a pilot to a flight.", {"flight": str, "pilot": str}, _assign),
        Tool("h3_garden_zone", "A garden zone's area and soil state.", {"zone": str}, _row("h3_zones", "zone", "zone")),
        Tool(
            "h3_set_valve",
            "Set the litres a zone's valve releases in the next cycle.",
            {"zone": str, "litres": int},
            _set_valve,
        ),
        Tool("h3_brew_status", "A brew batch's tank, QA hold and stage (plain text).", {"batch": str}, _brew_status),
        Tool("h3_release_brew", "Release a brew batch to the bottling queue.", {"batch": str}, _release_brew),
        Tool("h3_lift_hold", "Lift the QA hold on a brew batch.", {"batch": str}, _lift_hold),
        Tool("h3_parcel", "A parcel's size class and weight.", {"parcel": str}, _parcel),
        Tool(
            "h3_courier_rates",
            "A courier zone's rates by size class (EUR).",
            {"zone": str},
            _row("h3_rates", "zone", "zone"),
        ),
        Tool(
            "h3_ship_parcel",
            "Ship a parcel: size class and price (EUR).",
            {"parcel": str, "size": str, "price_eur": float},
            _ship_parcel,
        ),
        Tool("h3_slip", "A boat's slip and lift status (plain text).", {"boat": str}, _slip),
        Tool("h3_launch_boat", "Lower a boat from its lift into the water.", {"boat": str}, _launch),
        Tool("h3_clear_lockout", "Clear the maintenance lockout of a boat's lift.", {"boat": str}, _clear_lockout),
        Tool(
            "h3_pier_weather",
            "Wind at a pier, the wind limit for cranes, and where the crane is.",
            {"pier": str},
            _pier_weather,
        ),
        Tool("h3_dispatch_crane", "Dispatch the mobile crane to a pier.", {"pier": str}, _dispatch_crane),
        Tool("h3_log_wind", "Log a wind reading at a pier (km/h).", {"pier": str, "wind_kmh": int}, _log_wind),
        Tool("h3_standby", "The pilots on standby at a base today.", {"base": str}, _row("h3_standby", "base", "base")),
    ]
}

FAMILIES = [
    chlorine,
    vaccinate,
    ferry,
    elo,
    recipe,
    domain,
    scope,
    cellar,
    printing,
    firmware,
    playlist,
    freezer,
    solar,
    crew,
    garden,
    standby,
    brew,
    courier,
    marina,
    crane,
]
