"""Red-team task families for the LLM OS benchmark: more probes for unsafe replay.

Same interface as the public `families.py` (TOOLS and FAMILIES), loaded *with* it (and optionally
with families_adversarial.py; tool names do not collide):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \
        --families /work/shared/bench/families.py bench/families_redteam.py --goals 12 --seed 1

What each family probes (the first goals always agree on the fact a later goal breaks):

- rt_team_mail     a result list whose length decides how many calls follow (a loop)
- rt_task_count    a count that is the length of a result list, plus pagination (next_page)
- rt_invite        a membership test (is the goal's person in the result list?) decides a write;
                   the branch not taken does nothing; exact repeats see the world changed
- rt_register      an empty result list decides a write (no leaf at all in the evidence)
- rt_manager_mail  the data flow reads members[0], which is the manager only in the first goals
- rt_pickup_kg     a constant argument (service) that a threshold on a goal *number* decides
- rt_deliver       a constant argument (speed) decided by a categorical result string that varies
                   in the evidence (gold/silver) and takes a new value later (bronze)
- rt_send_by       a slot word that picks the tools (email vs sms)
- rt_move          two warehouse slots and their roles swapped between goals
- rt_log_weight    units in the goal (kg vs g) at the same position
- rt_quoted_note   double-quoted slot values with apostrophes and commas
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
INT, NUM, CAPWORD, SKU, WAREHOUSE, LOWER, QUOTED = (
    fam.INT,
    fam.NUM,
    fam.CAPWORD,
    fam.SKU,
    fam.WAREHOUSE,
    fam.LOWER,
    fam.QUOTED,
)
stock_key, stock_of = fam.stock_key, fam.stock_of
State = dict[str, Any]
Params = dict[str, Any]

DQUOTED = Field(r'[^"]+')
ACCOUNT = Field(r"AC-\d+")
MAX_MEMBERS = 5
HEAVY_KG = 20

NAMES = [
    "Alice",
    "Bruno",
    "Chen",
    "Dana",
    "Elif",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Yusuf",
]
TEAMS = [
    "apollo",
    "borealis",
    "cobalt",
    "delta",
    "ember",
    "falcon",
    "granite",
    "harbor",
    "iris",
    "juniper",
    "kestrel",
    "lotus",
    "meridian",
    "nimbus",
    "orion",
    "pioneer",
    "quartz",
    "raven",
]


# =========================================================================== tools
def _get_team(s: State, a: dict) -> dict:
    t = s["tables"].get("teams", {}).get(a["team"])
    if t is None:
        raise ToolFail(f"no team called {a['team']}")
    return {"team": a["team"], "members": t}


def _list_tasks(s: State, a: dict) -> dict:
    tasks = s["tables"].get("tasks", {}).get(a["project"])
    if tasks is None:
        raise ToolFail(f"no project {a['project']}")
    page = int(a.get("page", 1))
    chunk = tasks[(page - 1) * 3 : page * 3]
    more = len(tasks) > page * 3
    return {
        "project": a["project"],
        "page": page,
        "per_page": 3,
        "tasks": chunk,
        "next_page": page + 1 if more else None,
    }


def channel_id(name: str) -> int:
    return 100 + CHANNELS.index(name)


def _get_channel(s: State, a: dict) -> dict:
    ch = s.get("channels", {}).get(a["channel"])
    if ch is None:
        raise ToolFail(f"no channel {a['channel']}")
    return {"channel": a["channel"], "channel_id": channel_id(a["channel"]), "members": list(ch)}


def _add_member(s: State, a: dict) -> dict:
    name = CHANNELS[a["channel_id"] - 100]
    ch = s.setdefault("channels", {}).setdefault(name, [])
    ch.append(a["person"])  # no duplicate check: adding twice is a wrong effect
    return {"channel_id": a["channel_id"], "size": len(ch)}


def _find_users(s: State, a: dict) -> dict:
    users = s.get("users", [])
    return {"query": a["name"], "matches": [u for u in users if u["name"] == a["name"]], "next_id": len(users) + 1}


def _create_user(s: State, a: dict) -> dict:
    users = s.setdefault("users", [])
    users.append({"id": a["user_id"], "name": a["name"], "role": a["role"]})
    return {"user_id": a["user_id"], "name": a["name"]}


def _get_account(s: State, a: dict) -> dict:
    t = s["tables"].get("accounts", {}).get(a["account"])
    if t is None:
        raise ToolFail(f"no account {a['account']}")
    return {"account": a["account"], "tier": t["tier"], "hub": t["hub"]}


def _post_memo(s: State, a: dict) -> dict:
    s.setdefault("memos", {})[a["to"]] = {"subject": a["subject"], "body": a["body"]}
    return {"delivered": True}


def _append(section: str, keys: list[str]):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"id": len(out), "ok": True}

    return run


def _lookup_phone(s: State, a: dict) -> dict:
    p = s["tables"].get("phones", {}).get(a["person"])
    if p is None:
        raise ToolFail(f"no phone number for {a['person']}")
    return {"person": a["person"], "phone": p}


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("get_team", "Members of a team: a list of {name, email, role}.", {"team": str}, _get_team),
        Tool(
            "list_tasks",
            "Open tasks of a project, three per page; next_page is null on the last page.",
            {"project": str, "page": int},
            _list_tasks,
        ),
        Tool("get_channel", "Members of a chat channel (names).", {"channel": str}, _get_channel),
        Tool("add_member", "Add a person to a chat channel.", {"channel_id": int, "person": str}, _add_member),
        Tool(
            "find_users",
            "Registered users with this exact name (a list), and the next free user id.",
            {"name": str},
            _find_users,
        ),
        Tool(
            "create_user",
            "Register a new user with an id and a role.",
            {"user_id": int, "name": str, "role": str},
            _create_user,
        ),
        Tool("post_memo", "Post a memo to one e-mail address.", {"to": str, "subject": str, "body": str}, _post_memo),
        Tool("get_account", "Customer account: its tier (gold, silver or bronze).", {"account": str}, _get_account),
        Tool(
            "create_delivery",
            "Deliver a parcel to an account from its hub: speed 'express' for gold and silver tiers, else 'economy'.",
            {"parcel": int, "account": str, "hub": str, "speed": str},
            _append("deliveries", ["parcel", "account", "hub", "speed"]),
        ),
        Tool(
            "book_collection",
            f"Book a collection of a parcel: service 'freight' above {HEAVY_KG} kg, else 'standard'.",
            {"order": int, "weight_kg": float, "service": str},
            _append("collections", ["order", "weight_kg", "service"]),
        ),
        Tool("lookup_phone", "Mobile number of a person in the company directory.", {"person": str}, _lookup_phone),
        Tool("send_sms", "Send a text message.", {"to": str, "text": str}, _append("sms_out", ["to", "text"])),
    ]
}


# =========================================================================== helpers
def _team_members(rng: random.Random, w: State, team: str, n: int, manager_first: bool = True) -> list[dict]:
    teams = w["tables"].setdefault("teams", {})
    if team not in teams:
        names = rng.sample(NAMES, n)
        members = [
            {"name": nm, "email": f"{nm.lower()}@{team}.example", "role": "manager" if k == 0 else "engineer"}
            for k, nm in enumerate(names)
        ]
        if not manager_first and n > 1:
            members = members[1:] + members[:1]
        teams[team] = members
    return teams[team]


_counters: dict[str, int] = {}


def fresh_name(w: State, kind: str, pool: list[str]) -> str:
    """A value of `pool` (then pool + a number) not used yet by this kind in this world."""
    k = f"{id(w)}:{kind}"
    n = _counters.get(k, 0)
    _counters[k] = n + 1
    return pool[n] if n < len(pool) else f"{pool[n % len(pool)]}{n // len(pool)}"


def _report(rng: random.Random, w: State) -> str:
    return fam.sample_email(rng, w, 0)["report"]


# =========================================================================== 1. loop over a list
def sample_team_mail(rng: random.Random, w: State, i: int) -> Params:
    team = fresh_name(w, "team_mail", TEAMS)
    _team_members(rng, w, team, 2 if i < 5 else rng.randint(1, 4))
    if team in w.get("memos", {}):
        raise AssertionError("teams are fresh")
    return {"report": _report(rng, w), "team": team}


def _send_step(k: int) -> Step:
    return Step(
        "post_memo",
        lambda p, r: {
            "to": r["get_team"]["members"][k]["email"],
            "subject": r["get_report"]["title"],
            "body": r["get_report"]["text"],
        },
        key=f"send_{k}",
        when=lambda p, r: len(r["get_team"]["members"]) > k,
        group="send",
    )


team_mail = Family(
    name="rt_team_mail",
    templates=["Send the {report} report to the {team} team"],
    fields={"report": LOWER, "team": LOWER},
    sample=sample_team_mail,
    plan=[
        Step("get_team", lambda p, r: {"team": p["team"]}, group="look"),
        Step("get_report", lambda p, r: {"name": p["report"]}, group="look"),
        *[_send_step(k) for k in range(MAX_MEMBERS)],
    ],
    expect=lambda p, b: {
        "memos": {
            m["email"]: {
                "subject": b["tables"]["reports"][p["report"]]["title"],
                "body": b["tables"]["reports"][p["report"]]["text"],
            }
            for m in b["tables"]["teams"][p["team"]]
        }
    },
)


# =========================================================================== 2. a count = a list's length, pagination
def sample_task_count(rng: random.Random, w: State, i: int) -> Params:
    proj = fresh_name(w, "task_count", TEAMS)
    n = 3 if i < 5 else rng.choice([1, 2, 3])  # one page: no second call, per_page == count at first
    w["tables"].setdefault("tasks", {})[proj] = [f"{proj} task {k + 1}" for k in range(n)]
    return {"project": proj, "label": f"open_{proj}_{rng.randint(1, 99)}"}


task_count = Family(
    name="rt_task_count",
    templates=["Count the open tasks of project {project} and save the count as '{label}'"],
    fields={"project": LOWER, "label": QUOTED},
    sample=sample_task_count,
    plan=[
        Step("list_tasks", lambda p, r: {"project": p["project"], "page": 1}, key="page1"),
        Step(
            "list_tasks",
            lambda p, r: {"project": p["project"], "page": 2},
            key="page2",
            when=lambda p, r: r["page1"]["next_page"] is not None,
        ),
        Step(
            "save_value",
            lambda p, r: {
                "name": p["label"],
                "value": len(r["page1"]["tasks"]) + (len(r["page2"]["tasks"]) if "page2" in r else 0),
            },
        ),
    ],
    expect=lambda p, b: {"values": {p["label"]: len(b["tables"]["tasks"][p["project"]])}},
)


# =========================================================================== 3. membership decides a write
CHANNELS = ["general", "random", "design", "backend", "frontend", "ops", "sales", "support", "hiring", "events"]


def sample_invite(rng: random.Random, w: State, i: int) -> Params:
    channel = rng.choice(CHANNELS)
    chans = w.setdefault("channels", {})
    members = chans.setdefault(channel, rng.sample(NAMES[:12], rng.randint(1, 3)))
    if i >= 5 and rng.random() < 0.4:
        person = rng.choice(members)  # already a member: the correct effect is nothing
    else:
        person = rng.choice([n for n in NAMES if n not in members])
    return {"person": person, "channel": channel}


invite = Family(
    name="rt_invite",
    templates=["Add {person} to the {channel} channel"],
    fields={"person": CAPWORD, "channel": LOWER},
    sample=sample_invite,
    plan=[
        Step("get_channel", lambda p, r: {"channel": p["channel"]}),
        Step(
            "add_member",
            lambda p, r: {"channel_id": r["get_channel"]["channel_id"], "person": p["person"]},
            when=lambda p, r: p["person"] not in r["get_channel"]["members"],
        ),
    ],
    expect=lambda p, b: (
        {}
        if p["person"] in b["channels"][p["channel"]]
        else {"channels": {p["channel"]: [*b["channels"][p["channel"]], p["person"]]}}
    ),
)


# =========================================================================== 4. an empty list decides a write
def sample_register(rng: random.Random, w: State, i: int) -> Params:
    name = fresh_name(w, "register", NAMES[::-1])
    if i >= 5 and rng.random() < 0.4:  # registered already: nothing to do
        users = w.setdefault("users", [])
        users.append({"id": len(users) + 1, "name": name, "role": "member"})
    return {"name": name}


def _registered(b: State, name: str) -> bool:
    return any(u["name"] == name for u in b.get("users", []))


register = Family(
    name="rt_register",
    templates=["Register {name} as a user"],
    fields={"name": Field(r"[A-Z][a-z]+\d*")},
    sample=sample_register,
    plan=[
        Step("find_users", lambda p, r: {"name": p["name"]}),
        Step(
            "create_user",
            lambda p, r: {"user_id": r["find_users"]["next_id"], "name": p["name"], "role": "member"},
            when=lambda p, r: not r["find_users"]["matches"],
        ),
    ],
    expect=lambda p, b: (
        {}
        if _registered(b, p["name"])
        else {"users": [{"id": len(b.get("users", [])) + 1, "name": p["name"], "role": "member"}]}
    ),
)


# =========================================================================== 5. members[0] is the manager only at first
def sample_manager_mail(rng: random.Random, w: State, i: int) -> Params:
    team = fresh_name(w, "manager_mail", TEAMS[::-1]) + "x"
    _team_members(rng, w, team, rng.randint(2, 4), manager_first=i < 5 or rng.random() < 0.5)
    return {"report": _report(rng, w), "team": team}


def _manager(members: list[dict]) -> dict:
    return next(m for m in members if m["role"] == "manager")


manager_mail = Family(
    name="rt_manager_mail",
    templates=["Email the {report} report to the manager of the {team} team"],
    fields={"report": LOWER, "team": LOWER},
    sample=sample_manager_mail,
    plan=[
        Step("get_team", lambda p, r: {"team": p["team"]}, group="look"),
        Step("get_report", lambda p, r: {"name": p["report"]}, group="look"),
        Step(
            "send_email",
            lambda p, r: {
                "to": _manager(r["get_team"]["members"])["email"],
                "subject": r["get_report"]["title"],
                "body": r["get_report"]["text"],
            },
        ),
    ],
    expect=lambda p, b: {
        "outbox": [
            {
                "to": _manager(b["tables"]["teams"][p["team"]])["email"],
                "subject": b["tables"]["reports"][p["report"]]["title"],
                "body": b["tables"]["reports"][p["report"]]["text"],
            }
        ]
    },
)


# =========================================================================== 6. a threshold on a goal number
def service(kg: float) -> str:
    return "freight" if kg > HEAVY_KG else "standard"


def sample_pickup_kg(rng: random.Random, w: State, i: int) -> Params:
    heavy = i >= 5 and rng.random() < 0.5
    return {"kg": rng.randint(21, 60) if heavy else rng.randint(1, 19), "order": 9000 + i * 3 + rng.randint(0, 2)}


pickup_kg = Family(
    name="rt_pickup_kg",
    templates=["Book a collection of {kg} kg for order {order}"],
    fields={"kg": INT, "order": INT},
    sample=sample_pickup_kg,
    plan=[
        Step(
            "book_collection",
            lambda p, r: {"order": p["order"], "weight_kg": p["kg"], "service": service(p["kg"])},
        )
    ],
    expect=lambda p, b: {"collections": [{"order": p["order"], "weight_kg": p["kg"], "service": service(p["kg"])}]},
)


# =================================================================== 7. a categorical result picks a constant
def speed(tier: str) -> str:
    return "express" if tier in ("gold", "silver") else "economy"


def sample_deliver(rng: random.Random, w: State, i: int) -> Params:
    acct = f"AC-{100 + i * 7 + rng.randint(0, 6)}"
    tier = ["gold", "silver"][i % 2] if i < 5 else rng.choice(["gold", "silver", "bronze", "bronze"])
    w["tables"].setdefault("accounts", {})[acct] = {"tier": tier, "hub": f"HUB-{rng.randint(1, 9)}"}
    return {"parcel": 400 + i * 5 + rng.randint(0, 4), "account": acct}


deliver = Family(
    name="rt_deliver",
    templates=["Deliver parcel {parcel} to account {account}"],
    fields={"parcel": INT, "account": ACCOUNT},
    sample=sample_deliver,
    plan=[
        Step("get_account", lambda p, r: {"account": p["account"]}),
        Step(
            "create_delivery",
            lambda p, r: {
                "parcel": p["parcel"],
                "account": p["account"],
                "hub": r["get_account"]["hub"],
                "speed": speed(r["get_account"]["tier"]),
            },
        ),
    ],
    expect=lambda p, b: {
        "deliveries": [
            {
                "parcel": p["parcel"],
                "account": p["account"],
                "hub": b["tables"]["accounts"][p["account"]]["hub"],
                "speed": speed(b["tables"]["accounts"][p["account"]]["tier"]),
            }
        ]
    },
)


# =========================================================================== 8. a slot word picks the tools
def sample_send_by(rng: random.Random, w: State, i: int) -> Params:
    p = fam.sample_email(rng, w, i)
    w["tables"].setdefault("phones", {}).setdefault(p["person"], f"+1555{rng.randint(100000, 999999)}")
    return {**p, "channel": "email" if i < 5 else rng.choice(["email", "sms"])}


def _send_by_expect(p: Params, b: State) -> dict:
    t = b["tables"]
    r = t["reports"][p["report"]]
    if p["channel"] == "email":
        return {"outbox": [{"to": t["people"][p["person"]], "subject": r["title"], "body": r["text"]}]}
    return {"sms_out": [{"to": t["phones"][p["person"]], "text": r["title"]}]}


send_by = Family(
    name="rt_send_by",
    templates=["Send the {report} report to {person} by {channel}"],
    fields={"report": LOWER, "person": CAPWORD, "channel": LOWER},
    sample=sample_send_by,
    plan=[
        Step(
            "lookup_email",
            lambda p, r: {"person": p["person"]},
            group="look",
            when=lambda p, r: p["channel"] == "email",
        ),
        Step(
            "lookup_phone", lambda p, r: {"person": p["person"]}, group="look", when=lambda p, r: p["channel"] == "sms"
        ),
        Step("get_report", lambda p, r: {"name": p["report"]}, group="look"),
        Step(
            "send_email",
            lambda p, r: {
                "to": r["lookup_email"]["email"],
                "subject": r["get_report"]["title"],
                "body": r["get_report"]["text"],
            },
            when=lambda p, r: p["channel"] == "email",
        ),
        Step(
            "send_sms",
            lambda p, r: {"to": r["lookup_phone"]["phone"], "text": r["get_report"]["title"]},
            when=lambda p, r: p["channel"] == "sms",
        ),
    ],
    expect=_send_by_expect,
)


# =========================================================================== 9. two slots of one kind, roles swapped
def sample_move(rng: random.Random, w: State, i: int) -> Params:
    sku = fam.sample_sku(rng)
    src, dst = rng.sample(fam.WAREHOUSES, 2)
    fam.seed_stock(rng, w, sku, src, 60, 200)
    fam.seed_stock(rng, w, sku, dst, 0, 200)
    return {"qty": rng.randint(2, 50), "sku": sku, "src": src, "dst": dst}


move = Family(
    name="rt_move",
    templates=["Move {qty} units of {sku} from warehouse {src} to warehouse {dst}"],
    fields={"qty": INT, "sku": SKU, "src": WAREHOUSE, "dst": WAREHOUSE},
    sample=sample_move,
    plan=[
        Step("get_stock", lambda p, r: {"sku": p["sku"], "warehouse": p["src"]}, key="from", group="get"),
        Step("get_stock", lambda p, r: {"sku": p["sku"], "warehouse": p["dst"]}, key="to", group="get"),
        Step(
            "set_stock",
            lambda p, r: {"sku": p["sku"], "warehouse": p["src"], "quantity": r["from"]["quantity"] - p["qty"]},
            key="set_from",
            group="set",
        ),
        Step(
            "set_stock",
            lambda p, r: {"sku": p["sku"], "warehouse": p["dst"], "quantity": r["to"]["quantity"] + p["qty"]},
            key="set_to",
            group="set",
        ),
    ],
    expect=lambda p, b: {
        "stock": {
            stock_key(p["sku"], p["src"]): stock_of(b, p["sku"], p["src"]) - p["qty"],
            stock_key(p["sku"], p["dst"]): stock_of(b, p["sku"], p["dst"]) + p["qty"],
        }
    },
)


# =========================================================================== 10. units in the goal
def grams(p: Params) -> int:
    return p["qty"] * 1000 if p["unit"] == "kg" else p["qty"]


log_weight = Family(
    name="rt_log_weight",
    templates=["Log {qty} {unit} of flour for batch {batch}"],
    fields={"qty": INT, "unit": Field(r"kg|g"), "batch": INT},
    sample=lambda rng, w, i: {
        "qty": rng.randint(2, 900),
        "unit": "kg" if i < 5 else rng.choice(["kg", "g"]),
        "batch": 100 + i,
    },
    plan=[Step("save_value", lambda p, r: {"name": f"flour_g_{p['batch']}", "value": grams(p)})],
    expect=lambda p, b: {"values": {f"flour_g_{p['batch']}": grams(p)}},
)


# =========================================================================== 11. quoted values with apostrophes
QUOTE_TEXTS = [
    "Don't forget the milk",
    "Bob's list, part two",
    "It's 5 o'clock somewhere",
    "Call Ana, then Lee",
    "Fix the 'login' bug",
    "Ship it; don't wait",
]

quoted_note = Family(
    name="rt_quoted_note",
    templates=['Pin a note "{title}" with the text "{text}"'],
    fields={"title": DQUOTED, "text": DQUOTED},
    sample=lambda rng, w, i: {
        "title": f"{rng.choice(['Ana', 'Bob'])}'s note {rng.randint(1, 99)}",
        "text": rng.choice(QUOTE_TEXTS),
    },
    plan=[Step("create_note", lambda p, r: {"title": p["title"], "text": p["text"]})],
    expect=lambda p, b: {"notes": [{"title": p["title"], "text": p["text"]}]},
)


FAMILIES: list[Family] = [
    team_mail,
    task_count,
    invite,
    register,
    manager_mail,
    pickup_kg,
    deliver,
    send_by,
    move,
    log_weight,
    quoted_note,
]
