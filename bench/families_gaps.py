"""Probe families for known gaps in the replay rules (issue 9, helper g9gaps).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `gp_` and
collide with no other set. The first goals agree on something a later goal breaks:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_gaps.py --goals 8 --seed 41

- gp_invoice   (rule 1, a value consumed by arithmetic with a constant the runs fit) bill a client
               hours x 45; a later week logs overtime (over 40 hours, paid double): the hours are
               outside every week seen
- gp_deposit   (rule 1, another domain) refund a tenant's deposit minus the damage; later the damage
               reads negative (a credit noted by mistake): the deposit comes back whole, never more
- gp_room      (a decline the verb does not name) "Book room R for DAY": the first rooms are already
               booked or held (two statuses: the model reads, answers, changes nothing); a later room
               is free and must be reserved (the tool is `gp_reserve`: no goal word names it)
- gp_push      (a category said with "Yes") "Can U push to R?": the first users are admins and
               writers ("Yes, ... can push"); a later one is a reader or a guest ("No, ... cannot")
- gp_bridge    (a judgement with no result in the answer) "Is the X bridge open to trucks?": the first
               bridges are open ("Yes, ..."); a later one has a low load limit or works ("No, ...")
"""

from __future__ import annotations

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
CAPWORD = fam.CAPWORD
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "gp_timesheet": READ,
    "gp_bill": WRITE,
    "gp_lease": READ,
    "gp_refund": WRITE,
    "gp_room_status": READ,
    "gp_reserve": WRITE,
    "gp_member": READ,
    "gp_bridge_info": READ,
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

    if getattr(Server.add_tool, "_gp_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._gp_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _row(table: str, what: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get("/".join(str(a[k]) for k in keys))
        if row is None:
            raise ToolFail(f"no {what} {'/'.join(str(a[k]) for k in keys)}")
        return row

    return run


def _append(section: str, keys: list[str]) -> Any:
    def run(s: State, a: dict) -> Any:
        s.setdefault(section, []).append({k: a[k] for k in keys})
        return {"ok": True, "ref": f"TX-{len(s[section]) + 7300}"}

    return run


NAMES = [
    "Acme", "Borealis", "Corvid", "Dunmore", "Eastgate", "Fernhill", "Glenrock", "Harbor", "Ironwood", "Juniper",
    "Kestrel", "Lakeside", "Meridian", "Northway", "Oakridge", "Pinecrest",
]  # fmt: skip


# =========================================================================== 1. invoice: hours x rate, overtime later
def sample_invoice(rng: random.Random, w: State, i: int) -> Params:
    client = NAMES[i % len(NAMES)]
    hours = rng.randint(12, 38) if i < 5 or rng.random() < 0.4 else rng.randint(46, 70)
    w["tables"].setdefault("gp_timesheets", {})[client] = {"client": client, "hours": hours}
    return {"client": client}


def _fee(hours: int) -> int:
    return hours * 45 if hours <= 40 else 40 * 45 + (hours - 40) * 90


def _hours(p: Params, b: State) -> int:
    return int(b["tables"]["gp_timesheets"][p["client"]]["hours"])


invoice = Family(
    name="gp_invoice",
    templates=["Bill {client} for the hours logged this week"],
    fields={"client": CAPWORD},
    sample=sample_invoice,
    plan=[
        Step("gp_timesheet", lambda p, r: {"client": p["client"]}),
        Step("gp_bill", lambda p, r: {"client": p["client"], "amount": _fee(r["gp_timesheet"]["hours"])}),
    ],
    expect=lambda p, b: {"bills": [{"client": p["client"], "amount": _fee(_hours(p, b))}]},
    answer=lambda p, b: [_fee(_hours(p, b))],
    summary=lambda p, r: f"Billed {p['client']} {_fee(r['gp_timesheet']['hours'])} EUR.",
)


# =========================================================================== 2. deposit: minus damage, never negative
TENANTS = ["Ahmed", "Brigid", "Casimir", "Dagny", "Emeka", "Fenna", "Goran", "Hilde", "Ines", "Jorge", "Kalani"]


def sample_deposit(rng: random.Random, w: State, i: int) -> Params:
    tenant = TENANTS[i % len(TENANTS)]
    deposit = rng.choice([800, 900, 1000, 1200])
    damage = rng.randint(0, 400) if i < 5 or rng.random() < 0.5 else -rng.randint(50, 300)
    w["tables"].setdefault("gp_leases", {})[tenant] = {"tenant": tenant, "deposit": deposit, "damage": damage}
    return {"tenant": tenant}


def _back(row: dict) -> int:
    """A negative damage is a credit the inspector noted by mistake: the deposit comes back whole,
    never more (a case no early inspection showed)."""
    return int(row["deposit"]) - max(0, int(row["damage"]))


deposit = Family(
    name="gp_deposit",
    templates=["Return the deposit of tenant {tenant} after the inspection"],
    fields={"tenant": CAPWORD},
    sample=sample_deposit,
    plan=[
        Step("gp_lease", lambda p, r: {"tenant": p["tenant"]}),
        Step("gp_refund", lambda p, r: {"tenant": p["tenant"], "amount": _back(r["gp_lease"])}),
    ],
    expect=lambda p, b: {"refunds": [{"tenant": p["tenant"], "amount": _back(b["tables"]["gp_leases"][p["tenant"]])}]},
    answer=lambda p, b: [_back(b["tables"]["gp_leases"][p["tenant"]])],
    summary=lambda p, r: f"Refunded {_back(r['gp_lease'])} EUR to {p['tenant']}.",
)


# =========================================================================== 3. room: a decline no goal word names
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def sample_room(rng: random.Random, w: State, i: int) -> Params:
    room, day = f"R{100 + 37 * i + rng.randint(0, 30)}", rng.choice(DAYS)
    status = ["booked", "held"][i % 2] if i < 4 or rng.random() < 0.4 else "free"
    w["tables"].setdefault("gp_rooms", {})[f"{room}/{day}"] = {"room": room, "day": day, "status": status}
    return {"room": room, "day": day}


def _status(p: Params, b: State) -> str:
    return str(b["tables"]["gp_rooms"][f"{p['room']}/{p['day']}"]["status"])


room = Family(
    name="gp_room",
    templates=["Book room {room} for {day}"],
    fields={"room": Field(r"R\d{3}"), "day": CAPWORD},
    sample=sample_room,
    plan=[
        Step("gp_room_status", lambda p, r: {"room": p["room"], "day": p["day"]}),
        Step(
            "gp_reserve",
            lambda p, r: {"room": p["room"], "day": p["day"]},
            when=lambda p, r: r["gp_room_status"]["status"] == "free",
        ),
    ],
    expect=lambda p, b: {"reservations": [{"room": p["room"], "day": p["day"]}]} if _status(p, b) == "free" else {},
    summary=lambda p, r: (
        f"Reserved room {p['room']} for {p['day']}."
        if r["gp_room_status"]["status"] == "free"
        else f"Room {p['room']} is already {r['gp_room_status']['status']} on {p['day']}."
    ),
)


# =========================================================================== 4. push: "Yes" said around two roles
USERS = ["ada", "bob", "cyd", "dee", "eli", "fay", "gus", "hal", "ivy", "jon", "kim", "lou", "max", "ned"]
REPOS = ["atlas", "beacon", "cobalt", "delta", "ember"]
CAN_PUSH = ("admin", "writer", "maintainer")


def sample_push(rng: random.Random, w: State, i: int) -> Params:
    user, repo = USERS[i % len(USERS)], rng.choice(REPOS)
    role = ["admin", "writer"][i % 2] if i < 4 else rng.choice(["admin", "writer", "reader", "guest"])
    w["tables"].setdefault("gp_members", {})[f"{user}/{repo}"] = {"user": user, "repo": repo, "role": role}
    return {"user": user, "repo": repo}


def _push_says(role: str, p: Params) -> str:
    if role in CAN_PUSH:
        return f"Yes, {p['user']} can push to {p['repo']} (role {role})."
    return f"No, {p['user']} cannot push to {p['repo']} (role {role})."


push = Family(
    name="gp_push",
    templates=["Can {user} push to the {repo} repository?"],
    fields={"user": fam.LOWER, "repo": fam.LOWER},
    sample=sample_push,
    plan=[Step("gp_member", lambda p, r: {"user": p["user"], "repo": p["repo"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [
        "can push" if b["tables"]["gp_members"][f"{p['user']}/{p['repo']}"]["role"] in CAN_PUSH else "cannot push"
    ],
    summary=lambda p, r: _push_says(r["gp_member"]["role"], p),
)


# =========================================================================== 5. bridge: a judgement, no result said
BRIDGES = ["Arden", "Bexley", "Calder", "Dovey", "Esk", "Frome", "Garry", "Hodder", "Irwell", "Jed", "Kennet", "Lune"]


def sample_bridge(rng: random.Random, w: State, i: int) -> Params:
    b = BRIDGES[i % len(BRIDGES)]
    bad = i >= 4 and rng.random() < 0.5
    limit = rng.choice([7, 10, 12]) if bad and rng.random() < 0.5 else rng.choice([30, 40, 44])
    works = "resurfacing" if bad and limit >= 30 else "none"
    w["tables"].setdefault("gp_bridges", {})[b] = {"bridge": b, "load_limit_t": limit, "works": works}
    return {"bridge": b}


def _open(row: dict) -> bool:
    return int(row["load_limit_t"]) >= 20 and row["works"] == "none"


bridge = Family(
    name="gp_bridge",
    templates=["Is the {bridge} bridge open to trucks today?"],
    fields={"bridge": CAPWORD},
    sample=sample_bridge,
    plan=[Step("gp_bridge_info", lambda p, r: {"bridge": p["bridge"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: ["open to trucks" if _open(b["tables"]["gp_bridges"][p["bridge"]]) else "closed to trucks"],
    summary=lambda p, r: (
        f"Yes, the {p['bridge']} bridge is open to trucks."
        if _open(r["gp_bridge_info"])
        else f"No, the {p['bridge']} bridge is closed to trucks."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "gp_timesheet",
            "Hours a client's team logged this week.",
            {"client": str},
            _row("gp_timesheets", "client", "client"),
        ),
        Tool(
            "gp_bill",
            "Send a client an invoice (EUR).",
            {"client": str, "amount": int},
            _append("bills", ["client", "amount"]),
        ),
        Tool(
            "gp_lease",
            "A tenant's lease: deposit and inspection damage (EUR).",
            {"tenant": str},
            _row("gp_leases", "tenant", "tenant"),
        ),
        Tool(
            "gp_refund",
            "Pay a tenant back (EUR).",
            {"tenant": str, "amount": int},
            _append("refunds", ["tenant", "amount"]),
        ),
        Tool(
            "gp_room_status",
            "Whether a meeting room is free on a day.",
            {"room": str, "day": str},
            _row("gp_rooms", "room", "room", "day"),
        ),
        Tool(
            "gp_reserve",
            "Reserve a meeting room for a day.",
            {"room": str, "day": str},
            _append("reservations", ["room", "day"]),
        ),
        Tool(
            "gp_member",
            "A user's role on a repository.",
            {"user": str, "repo": str},
            _row("gp_members", "membership", "user", "repo"),
        ),
        Tool(
            "gp_bridge_info",
            "A bridge's load limit (t) and works.",
            {"bridge": str},
            _row("gp_bridges", "bridge", "bridge"),
        ),
    ]
}

FAMILIES = [invoice, deposit, room, push, bridge]
