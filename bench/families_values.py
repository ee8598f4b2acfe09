"""Probe families for value kinds, plan ambiguity and rounded lines (issue 9, helper v9values).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `v9_` and
collide with no other set. Domains no other set uses: networking, releases, ticketing, shipping,
catering, depots. Run:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_values.py --goals 6 --seed 41

What each family probes (the first goals agree on something a later goal may break):

- v9_firewall  a host's record carries identifiers nobody reads (IP address, asset tag, firmware
               version, MAC) that are new in every goal, and a zone; the rule's action is a constant
               that depends on the zone: a "dmz" host later needs "review", not "allow"
- v9_release   "Deploy release X.Y.Z of SERVICE": a version in the goal; the strategy is "rolling"
               within the running major version and "blue-green" across majors (a later goal)
- v9_ticket    "Close ticket INC-NNNNN": the ticket's linked change and reporter phone are identifiers;
               a ticket already closed later must not be closed again
- v9_ship      parcel cost = ceil(kg * 1.5) + 4 EUR (a rounded line of the goal's weight)
- v9_trays     catering trays = ceil(guests / 8) + 1 (one spare): a rounded line of the goal's number
- v9_depot     "Order N crates for depot D": the Central depot doubles the crates, every other depot
               adds two; two plans match a Central goal (the more specific one is right)
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
INT, CAPWORD = fam.INT, fam.CAPWORD
State = dict[str, Any]
Params = dict[str, Any]


def _row(table: str, what: str, key: str) -> Any:
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(a[key])
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _append(section: str, **fixed: Any) -> Any:
    def run(s: State, a: dict) -> Any:
        s.setdefault(section, []).append({**a, **fixed})
        return {"ok": True, "id": f"ACK-{len(s[section]) + 4100}"}

    return run


# =========================================================================== 1. networking: a firewall rule
def _ip(rng: random.Random) -> str:
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def sample_firewall(rng: random.Random, w: State, i: int) -> Params:
    host = f"srv-{rng.randint(100, 999)}"
    zone = "internal" if i < 4 else rng.choice(["internal", "internal", "dmz"])
    w["tables"].setdefault("v9_hosts", {})[host] = {
        "host": host,
        "ip": _ip(rng),
        "mac": ":".join(f"{rng.randint(0, 255):02x}" for _ in range(6)),
        "asset_tag": f"AST-{rng.randint(10000, 999999)}",
        "firmware": f"4.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
        "zone": zone,
    }
    return {"host": host, "port": rng.choice([22, 443, 5432, 8080, 9100])}


def _action(zone: str) -> str:
    return "allow" if zone == "internal" else "review"


def _zone_action(p: Params, b: State) -> str:
    return _action(b["tables"]["v9_hosts"][p["host"]]["zone"])


firewall = Family(
    name="v9_firewall",
    templates=["Open port {port} to host {host} on the edge firewall"],
    fields={"port": INT, "host": Field(r"srv-\d{3}")},
    sample=sample_firewall,
    plan=[
        Step("v9_host_info", lambda p, r: {"host": p["host"]}),
        Step(
            "v9_add_rule",
            lambda p, r: {"host": p["host"], "port": p["port"], "action": _action(r["v9_host_info"]["zone"])},
        ),
    ],
    expect=lambda p, b: {"v9_rules": [{"host": p["host"], "port": p["port"], "action": _zone_action(p, b)}]},
    answer=lambda p, b: [_zone_action(p, b)],
    summary=lambda p, r: f"Rule added for {p['host']} port {p['port']}: {_action(r['v9_host_info']['zone'])}.",
)


# =========================================================================== 2. releases: a version in the goal
SERVICES = ["billing", "search", "gateway", "ledger", "notifier"]


def sample_release(rng: random.Random, w: State, i: int) -> Params:
    svc = rng.choice(SERVICES)
    running = f"2.{rng.randint(1, 20)}.{rng.randint(0, 9)}"
    w["tables"].setdefault("v9_services", {})[svc] = {"service": svc, "running": running, "replicas": rng.randint(2, 9)}
    major = 2 if i < 4 else rng.choice([2, 2, 3])
    return {"svc": svc, "ver": f"{major}.{rng.randint(0, 40)}.{rng.randint(0, 19)}"}


def _strategy(ver: str, running: str) -> str:
    return "rolling" if ver.split(".")[0] == running.split(".")[0] else "blue-green"


release = Family(
    name="v9_release",
    templates=["Deploy release {ver} of {svc} to staging"],
    fields={"ver": Field(r"\d+\.\d+\.\d+"), "svc": Field(r"[a-z]+")},
    sample=sample_release,
    plan=[
        Step("v9_service_info", lambda p, r: {"service": p["svc"]}),
        Step(
            "v9_deploy",
            lambda p, r: {
                "service": p["svc"],
                "version": p["ver"],
                "env": "staging",
                "strategy": _strategy(p["ver"], r["v9_service_info"]["running"]),
            },
        ),
    ],
    expect=lambda p, b: {
        "v9_deploys": [
            {
                "service": p["svc"],
                "version": p["ver"],
                "env": "staging",
                "strategy": _strategy(p["ver"], b["tables"]["v9_services"][p["svc"]]["running"]),
            }
        ]
    },
    answer=lambda p, b: [p["ver"], _strategy(p["ver"], b["tables"]["v9_services"][p["svc"]]["running"])],
    summary=lambda p, r: (
        f"Deployed {p['svc']} {p['ver']} to staging ({_strategy(p['ver'], r['v9_service_info']['running'])})."
    ),
)


# =========================================================================== 3. ticketing: identifiers around a status
def sample_ticket(rng: random.Random, w: State, i: int) -> Params:
    tid = f"INC-{rng.randint(1000, 99999):05d}"
    status = "open" if i < 4 else rng.choice(["open", "open", "closed"])
    w["tables"].setdefault("v9_tickets", {})[tid] = {
        "ticket": tid,
        "status": status,
        "linked_change": f"CHG-{rng.randint(10000, 99999)}",
        "reporter_phone": f"+1 415-555-{rng.randint(0, 9999):04d}",
        "opened": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
    }
    return {"tid": tid}


def _open(b: State, tid: str) -> bool:
    return bool(b["tables"]["v9_tickets"][tid]["status"] == "open")


ticket = Family(
    name="v9_ticket",
    templates=["Close ticket {tid} as resolved"],
    fields={"tid": Field(r"INC-\d{5}")},
    sample=sample_ticket,
    plan=[
        Step("v9_ticket_info", lambda p, r: {"ticket": p["tid"]}),
        Step(
            "v9_close_ticket",
            lambda p, r: {"ticket": p["tid"], "resolution": "resolved"},
            when=lambda p, r: r["v9_ticket_info"]["status"] == "open",
        ),
    ],
    expect=lambda p, b: {"v9_closed": [{"ticket": p["tid"], "resolution": "resolved"}]} if _open(b, p["tid"]) else {},
    answer=lambda p, b: [p["tid"], "closed" if _open(b, p["tid"]) else "already closed"],
    summary=lambda p, r: (
        f"Ticket {p['tid']} is now closed as resolved."
        if r["v9_ticket_info"]["status"] == "open"
        else f"Ticket {p['tid']} was already closed; nothing to do."
    ),
)


# =========================================================================== 4. shipping: a rounded line
def _ship_cost(kg: int) -> int:
    return math.ceil(kg * 1.5) + 4


def sample_ship(rng: random.Random, w: State, i: int) -> Params:
    kg = rng.randint(1, 12) if i < 6 else rng.randint(1, 40)
    return {"pid": f"P{rng.randint(10000, 99999)}", "kg": kg, "city": rng.choice(["Lyon", "Porto", "Gent", "Turin"])}


ship = Family(
    name="v9_ship",
    templates=["Ship parcel {pid} weighing {kg} kg to {city}"],
    fields={"pid": Field(r"P\d{5}"), "kg": INT, "city": CAPWORD},
    sample=sample_ship,
    plan=[
        Step(
            "v9_book_courier",
            lambda p, r: {"parcel": p["pid"], "city": p["city"], "cost_eur": _ship_cost(p["kg"])},
        )
    ],
    expect=lambda p, b: {"v9_bookings": [{"parcel": p["pid"], "city": p["city"], "cost_eur": _ship_cost(p["kg"])}]},
    answer=lambda p, b: [_ship_cost(p["kg"])],
    summary=lambda p, r: f"Parcel {p['pid']} booked to {p['city']} for {_ship_cost(p['kg'])} EUR.",
)


# =========================================================================== 5. catering: one spare tray
def _trays(guests: int) -> int:
    return math.ceil(guests / 8) + 1


def sample_trays(rng: random.Random, w: State, i: int) -> Params:
    return {"guests": rng.randint(9, 120), "event": f"EV-{rng.randint(100, 999)}"}


trays = Family(
    name="v9_trays",
    templates=["Order canape trays for {guests} guests at event {event}"],
    fields={"guests": INT, "event": Field(r"EV-\d{3}")},
    sample=sample_trays,
    plan=[Step("v9_order_trays", lambda p, r: {"event": p["event"], "trays": _trays(p["guests"])})],
    expect=lambda p, b: {"v9_trays": [{"event": p["event"], "trays": _trays(p["guests"])}]},
    answer=lambda p, b: [_trays(p["guests"])],
    summary=lambda p, r: f"Ordered {_trays(p['guests'])} trays for {p['event']}.",
)


# =========================================================================== 6. depots: two plans for one goal
def _crates(n: int, depot: str) -> int:
    return 2 * n if depot == "Central" else n + 2


def sample_depot(rng: random.Random, w: State, i: int) -> Params:
    depot = "Central" if i % 2 == 0 else rng.choice(["Harbour", "North", "Airport", "Quarry"])
    return {"n": rng.randint(1, 30), "depot": depot}


depot = Family(
    name="v9_depot",
    templates=["Order {n} crates for depot {depot}"],
    fields={"n": INT, "depot": CAPWORD},
    sample=sample_depot,
    plan=[Step("v9_order_crates", lambda p, r: {"depot": p["depot"], "crates": _crates(p["n"], p["depot"])})],
    expect=lambda p, b: {"v9_crates": [{"depot": p["depot"], "crates": _crates(p["n"], p["depot"])}]},
    answer=lambda p, b: [_crates(p["n"], p["depot"])],
    summary=lambda p, r: f"Ordered {_crates(p['n'], p['depot'])} crates for depot {p['depot']}.",
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "v9_host_info",
            "A host's record: addresses, asset tag, firmware, zone.",
            {"host": str},
            _row("v9_hosts", "host", "host"),
        ),
        Tool(
            "v9_add_rule",
            "Add a firewall rule for a host's port (action allow or review).",
            {"host": str, "port": int, "action": str},
            _append("v9_rules"),
        ),
        Tool(
            "v9_service_info",
            "A service's running version and replicas.",
            {"service": str},
            _row("v9_services", "service", "service"),
        ),
        Tool(
            "v9_deploy",
            "Deploy a version of a service to an environment with a strategy (rolling or blue-green).",
            {"service": str, "version": str, "env": str, "strategy": str},
            _append("v9_deploys"),
        ),
        Tool(
            "v9_ticket_info",
            "A support ticket: status, linked change, reporter.",
            {"ticket": str},
            _row("v9_tickets", "ticket", "ticket"),
        ),
        Tool(
            "v9_close_ticket",
            "Close an open ticket with a resolution.",
            {"ticket": str, "resolution": str},
            _append("v9_closed"),
        ),
        Tool(
            "v9_book_courier",
            "Book a courier for a parcel at a cost in whole EUR.",
            {"parcel": str, "city": str, "cost_eur": int},
            _append("v9_bookings"),
        ),
        Tool("v9_order_trays", "Order canape trays for an event.", {"event": str, "trays": int}, _append("v9_trays")),
        Tool("v9_order_crates", "Order crates for a depot.", {"depot": str, "crates": int}, _append("v9_crates")),
    ]
}

FAMILIES = [firewall, release, ticket, ship, trays, depot]
