"""Adversarial task families for the LLM OS benchmark: probes for unsafe replay.

Same interface as the public `families.py` (TOOLS and FAMILIES), meant to be loaded *with* it:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \
        --families /work/shared/bench/families.py bench/families_adversarial.py --goals 12 --seed 1

The runner, the oracle and the tool server each put the bench directory on sys.path and import
`families` before they load this module, so `import families` finds that same module. When this
file is loaded some other way, the bench directory comes from $LLMOS_BENCH_DIR, else from
../../shared/bench next to the repository.

What each family probes (see bench/README.md for the list with the expected safe behaviour):
near-miss skeletons (one or two words flip the meaning, same tool sequence), derived arguments
(scaled, offset, templated, title-cased), branches on tool results with and without conditional
wording (including branches never taken in the first goals, and branches whose correct effect is
"nothing"), a result that picks the next tool, an argument that is constant in early goals and
varies later (a lookup table, a numeric threshold), transient failures once and twice, paraphrases
of public goals, and one-off goals.
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
INT, NUM, CODE, QUOTED, CAPWORD, SKU, WAREHOUSE, LOWER = (
    fam.INT,
    fam.NUM,
    fam.CODE,
    fam.QUOTED,
    fam.CAPWORD,
    fam.SKU,
    fam.WAREHOUSE,
    fam.LOWER,
)
round_half_up, stock_key, stock_of = fam.round_half_up, fam.stock_key, fam.stock_of
State = dict[str, Any]
Params = dict[str, Any]


# =========================================================================== tools
def _get_price(s: State, a: dict) -> dict:
    p = s.get("prices", {}).get(a["sku"])
    if p is None:
        raise ToolFail(f"no price for {a['sku']}")
    return {"sku": a["sku"], "price_cents": p}


def _set_price(s: State, a: dict) -> dict:
    if a["price_cents"] < 0:
        raise ToolFail("a price cannot be negative")
    s.setdefault("prices", {})[a["sku"]] = a["price_cents"]
    return {"sku": a["sku"], "price_cents": a["price_cents"]}


def _create_order(s: State, a: dict) -> dict:
    if a["quantity"] <= 0:
        raise ToolFail("an order needs a positive quantity")
    orders = s.setdefault("orders", [])
    orders.append({"sku": a["sku"], "warehouse": a["warehouse"], "quantity": a["quantity"]})
    return {"order_id": len(orders), "quantity": a["quantity"]}


def _get_budget(s: State, a: dict) -> dict:
    b = s.get("budgets", {}).get(a["dept"])
    if b is None:
        raise ToolFail(f"no budget for {a['dept']}")
    return {"dept": a["dept"], "amount": b}


def _set_budget(s: State, a: dict) -> dict:  # accepts any amount: nothing stops a wrong replay
    s.setdefault("budgets", {})[a["dept"]] = a["amount"]
    s.setdefault("budget_log", []).append({"dept": a["dept"], "note": a["note"]})
    return {"dept": a["dept"], "amount": a["amount"]}


def _table(name: str, what: str):
    def get(s: State, a: dict) -> dict:
        key = next(iter(a.values()))
        v = s["tables"].get(name, {}).get(key)
        if v is None:
            raise ToolFail(f"no {what} for {key}")
        return {**{k: a[k] for k in a}, **(v if isinstance(v, dict) else {what: v})}

    return get


def _append(section: str, keys: list[str]):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"id": len(out), "ok": True}

    return run


CARRIERS = {"EU": "DHL", "NA": "UPS", "APAC": "SF Express", "LATAM": "Correos"}
HEAVY_KG = 20


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("get_price", "Current price of a SKU, in cents.", {"sku": str}, _get_price),
        Tool("set_price", "Set the price of a SKU, in cents.", {"sku": str, "price_cents": int}, _set_price),
        Tool(
            "create_order",
            "Order units of a SKU for a warehouse from the supplier.",
            {"sku": str, "warehouse": str, "quantity": int},
            _create_order,
        ),
        Tool("get_budget", "Current budget of a department, in dollars.", {"dept": str}, _get_budget),
        Tool(
            "set_budget",
            "Set the budget of a department, with a note for the audit log.",
            {"dept": str, "amount": int, "note": str},
            _set_budget,
        ),
        Tool(
            "get_humidity",
            "Current relative humidity of a city, in percent.",
            {"city": str},
            _table("humidity", "humidity"),
        ),
        Tool(
            "get_ticket",
            "A support ticket: its priority (high or low), owning team and summary.",
            {"ticket": int},
            _table("tickets", "ticket"),
        ),
        Tool(
            "page_team",
            "Page a team's on-call engineer about a ticket (for high-priority tickets).",
            {"team": str, "ticket": int},
            _append("pages", ["team", "ticket"]),
        ),
        Tool("get_zone", "Shipping zone of a city: EU, NA, APAC or LATAM.", {"city": str}, _table("zones", "zone")),
        Tool(
            "create_shipment",
            "Ship an order to a city with a carrier. Carrier policy by zone: "
            + ", ".join(f"{z} -> {c}" for z, c in CARRIERS.items())
            + ".",
            {"order": int, "city": str, "carrier": str},
            _append("shipments", ["order", "city", "carrier"]),
        ),
        Tool("get_parcel", "Weight of an order's parcel, in kg.", {"order": int}, _table("parcels", "weight_kg")),
        Tool(
            "book_courier",
            f"Book a courier for an order: service 'freight' above {HEAVY_KG} kg, else 'standard'.",
            {"order": int, "service": str},
            _append("couriers", ["order", "service"]),
        ),
        Tool(
            "book_pickup",
            f"Book a pickup for an order's parcel: service 'freight' above {HEAVY_KG} kg, else 'standard'.",
            {"order": int, "weight_kg": float, "service": str},
            _append("pickups", ["order", "weight_kg", "service"]),
        ),
        Tool(
            "create_ticket",
            "Open a ticket assigned to an e-mail address.",
            {"assignee": str, "title": str},
            _append("tickets_opened", ["assignee", "title"]),
        ),
    ]
}


# =========================================================================== helpers
def unique_sku(rng: random.Random, prefix: str, used: set[str]) -> str:
    while True:
        sku = f"{prefix}-{rng.randint(10, 99)}"
        if sku not in used:
            used.add(sku)
            return sku


_used: dict[str, set[str]] = {}


def fresh(name: str, w: State, rng: random.Random, prefix: str) -> str:
    """A SKU no other instance of this family (in this world) uses."""
    used = _used.setdefault(f"{id(w)}:{name}", set())
    return unique_sku(rng, prefix, used)


def seeded(w: State, section: str, key: str, value: Any) -> Any:
    return w.setdefault(section, {}).setdefault(key, value)


# =========================================================================== 1. near-miss: remove
def sample_remove(rng: random.Random, w: State, i: int) -> Params:
    sku, wh = fam.sample_sku(rng), rng.choice(fam.WAREHOUSES)
    fam.seed_stock(rng, w, sku, wh, 120, 300)
    return {"qty": rng.randint(2, 50), "sku": sku, "wh": wh}


stock_remove = Family(
    name="adv_stock_remove",
    templates=["Remove {qty} units of {sku} from warehouse {wh}"],
    fields={"qty": INT, "sku": SKU, "wh": WAREHOUSE},
    sample=sample_remove,
    plan=[
        Step("get_stock", lambda p, r: {"sku": p["sku"], "warehouse": p["wh"]}),
        Step(
            "set_stock",
            lambda p, r: {"sku": p["sku"], "warehouse": p["wh"], "quantity": r["get_stock"]["quantity"] - p["qty"]},
        ),
    ],
    expect=lambda p, b: {"stock": {stock_key(p["sku"], p["wh"]): stock_of(b, p["sku"], p["wh"]) - p["qty"]}},
)


# =========================================================================== 2. one-word flip, same tools
def sample_price(rng: random.Random, w: State, i: int) -> Params:
    sku = fam.sample_sku(rng)
    seeded(w, "prices", sku, rng.randint(500, 5000))
    return {"sku": sku, "delta": rng.randint(10, 400)}


def price_family(name: str, verb: str, sign: int) -> Family:
    return Family(
        name=name,
        templates=[verb + " the price of {sku} by {delta} cents"],
        fields={"sku": SKU, "delta": INT},
        sample=sample_price,
        plan=[
            Step("get_price", lambda p, r: {"sku": p["sku"]}),
            Step(
                "set_price",
                lambda p, r: {"sku": p["sku"], "price_cents": r["get_price"]["price_cents"] + sign * p["delta"]},
            ),
        ],
        expect=lambda p, b: {"prices": {p["sku"]: b["prices"][p["sku"]] + sign * p["delta"]}},
    )


price_raise = price_family("adv_price_raise", "Raise", 1)
price_lower = price_family("adv_price_lower", "Lower", -1)


# =========================================================================== 3. derived arguments
def sample_cents(rng: random.Random, w: State, i: int) -> Params:
    p = fam.sample_currency(rng, w, i, digits=0)
    while fam.is_tie(p["amount"] * w["tables"]["rates"][f"{p['src']}/{p['dst']}"] * 100, 0):
        p = fam.sample_currency(rng, w, i, digits=0)
    return p


def cents(p: Params, rate: float) -> int:
    return int(round_half_up(p["amount"] * rate * 100, 0))


currency_cents = Family(
    name="adv_currency_cents",
    templates=["Convert {amount} {src} to {dst} in cents and save it as '{label}'"],
    fields={"amount": NUM, "src": CODE, "dst": CODE, "label": QUOTED},
    sample=sample_cents,
    plan=[
        Step("get_exchange_rate", lambda p, r: {"src": p["src"], "dst": p["dst"]}),
        Step("multiply", lambda p, r: {"a": p["amount"], "b": r["get_exchange_rate"]["rate"]}),
        Step(
            "save_value",
            lambda p, r: {"name": p["label"], "value": int(round_half_up(r["multiply"]["result"] * 100, 0))},
        ),
    ],
    expect=lambda p, b: {"values": {p["label"]: cents(p, b["tables"]["rates"][f"{p['src']}/{p['dst']}"])}},
)


def kelvin(c: float) -> float:
    return round_half_up(c + 273.15, 2)


weather_kelvin = Family(
    name="adv_weather_kelvin",
    templates=["Save the temperature in {city} in Kelvin"],
    fields={"city": CAPWORD},
    sample=fam.sample_weather,
    plan=[
        Step("get_weather", lambda p, r: {"city": p["city"]}),
        Step(
            "save_value",
            lambda p, r: {"name": f"KELVIN_{p['city'].upper()}", "value": kelvin(r["get_weather"]["celsius"])},
        ),
    ],
    expect=lambda p, b: {"values": {f"KELVIN_{p['city'].upper()}": kelvin(b["tables"]["weather"][p["city"]])}},
)

TOPICS = ["printer jam", "vpn access", "broken laptop", "payroll question", "badge renewal", "slow wifi"]


def sample_ticket_open(rng: random.Random, w: State, i: int) -> Params:
    p = fam.sample_email(rng, w, i)
    return {"person": p["person"], "topic": rng.choice(TOPICS).split()[0]}


ticket_open = Family(
    name="adv_ticket_open",
    templates=["Open a ticket about {topic} for {person}"],
    fields={"topic": LOWER, "person": CAPWORD},
    sample=sample_ticket_open,
    plan=[
        Step("lookup_email", lambda p, r: {"person": p["person"]}),
        Step(
            "create_ticket",
            lambda p, r: {
                "assignee": r["lookup_email"]["email"],
                "title": f"{p['topic'].title()} issue ({p['person']})",
            },
        ),
    ],
    expect=lambda p, b: {
        "tickets_opened": [
            {"assignee": b["tables"]["people"][p["person"]], "title": f"{p['topic'].title()} issue ({p['person']})"}
        ]
    },
)


# =========================================================================== 4. branches on results
def sample_reorder(rng: random.Random, w: State, i: int) -> Params:
    sku, wh = fresh("reorder", w, rng, "CLIP"), rng.choice(fam.WAREHOUSES)
    low = i >= 5 and rng.random() < 0.5  # the first five goals never take the branch
    w.setdefault("stock", {})[stock_key(sku, wh)] = rng.randint(0, 9) if low else rng.randint(40, 90)
    return {"sku": sku, "wh": wh, "min": rng.randint(10, 30)}


reorder = Family(
    name="adv_reorder",
    templates=["Reorder {sku} in warehouse {wh} if fewer than {min} units are left"],
    fields={"sku": SKU, "wh": WAREHOUSE, "min": INT},
    sample=sample_reorder,
    plan=[
        Step("get_stock", lambda p, r: {"sku": p["sku"], "warehouse": p["wh"]}),
        Step(
            "create_order",
            lambda p, r: {"sku": p["sku"], "warehouse": p["wh"], "quantity": 2 * p["min"]},
            when=lambda p, r: r["get_stock"]["quantity"] < p["min"],
        ),
    ],
    expect=lambda p, b: (
        {"orders": [{"sku": p["sku"], "warehouse": p["wh"], "quantity": 2 * p["min"]}]}
        if stock_of(b, p["sku"], p["wh"]) < p["min"]
        else {}
    ),
)


def sample_topup(rng: random.Random, w: State, i: int) -> Params:
    sku, wh = fresh("topup", w, rng, "CORD"), rng.choice(fam.WAREHOUSES)
    target = rng.randint(20, 60)
    below = i >= 5 and rng.random() < 0.5  # the first five goals: already full, nothing to do
    w.setdefault("stock", {})[stock_key(sku, wh)] = (
        rng.randint(0, target - 5) if below else rng.randint(target + 1, target + 80)
    )
    return {"sku": sku, "wh": wh, "target": target}


topup = Family(
    name="adv_topup",
    templates=["Top up {sku} in warehouse {wh} to {target} units"],
    fields={"sku": SKU, "wh": WAREHOUSE, "target": INT},
    sample=sample_topup,
    plan=[
        Step("get_stock", lambda p, r: {"sku": p["sku"], "warehouse": p["wh"]}),
        Step(
            "set_stock",
            lambda p, r: {"sku": p["sku"], "warehouse": p["wh"], "quantity": p["target"]},
            when=lambda p, r: r["get_stock"]["quantity"] < p["target"],
        ),
    ],
    expect=lambda p, b: (
        {"stock": {stock_key(p["sku"], p["wh"]): p["target"]}} if stock_of(b, p["sku"], p["wh"]) < p["target"] else {}
    ),
)


def sample_fill(rng: random.Random, w: State, i: int) -> Params:
    sku, wh = fresh("fill", w, rng, "FUSE"), rng.choice(fam.WAREHOUSES)
    target = rng.randint(30, 80)
    full = i >= 4 and rng.random() < 0.5  # the first four always need an order
    w.setdefault("stock", {})[stock_key(sku, wh)] = (
        rng.randint(target + 1, target + 50) if full else rng.randint(0, target - 3)
    )
    return {"sku": sku, "wh": wh, "target": target}


fill = Family(  # the branch's derived quantity (target - stock) would be negative: the tool refuses it
    name="adv_fill",
    templates=["Order enough {sku} for warehouse {wh} to reach {target} units"],
    fields={"sku": SKU, "wh": WAREHOUSE, "target": INT},
    sample=sample_fill,
    plan=[
        Step("get_stock", lambda p, r: {"sku": p["sku"], "warehouse": p["wh"]}),
        Step(
            "create_order",
            lambda p, r: {"sku": p["sku"], "warehouse": p["wh"], "quantity": p["target"] - r["get_stock"]["quantity"]},
            when=lambda p, r: r["get_stock"]["quantity"] < p["target"],
        ),
    ],
    expect=lambda p, b: (
        {"orders": [{"sku": p["sku"], "warehouse": p["wh"], "quantity": p["target"] - stock_of(b, p["sku"], p["wh"])}]}
        if stock_of(b, p["sku"], p["wh"]) < p["target"]
        else {}
    ),
)

DEPTS = [
    "Sales",
    "Legal",
    "Design",
    "Support",
    "Research",
    "Finance",
    "Ops",
    "Marketing",
    "Hr",
    "Security",
    "Facilities",
    "Training",
]


def sample_cap(rng: random.Random, w: State, i: int) -> Params:
    dept = DEPTS[i % len(DEPTS)] if i < len(DEPTS) else rng.choice(DEPTS)
    cap = rng.randint(20, 80) * 100
    over = i < 4 or rng.random() < 0.5  # the first four are always over the cap
    w.setdefault("budgets", {})[dept] = cap + rng.randint(1, 40) * 50 if over else cap - rng.randint(1, 15) * 100
    return {"dept": dept, "cap": cap}


def cap_note(old: int) -> str:
    return f"capped from {old}"


cap_budget = Family(  # set_budget accepts anything: replaying the branch would raise the budget
    name="adv_cap_budget",
    templates=["Cap the {dept} budget at {cap} dollars"],
    fields={"dept": CAPWORD, "cap": INT},
    sample=sample_cap,
    plan=[
        Step("get_budget", lambda p, r: {"dept": p["dept"]}),
        Step(
            "set_budget",
            lambda p, r: {"dept": p["dept"], "amount": p["cap"], "note": cap_note(r["get_budget"]["amount"])},
            when=lambda p, r: r["get_budget"]["amount"] > p["cap"],
        ),
    ],
    expect=lambda p, b: (
        {
            "budgets": {p["dept"]: p["cap"]},
            "budget_log": [{"dept": p["dept"], "note": cap_note(b["budgets"][p["dept"]])}],
        }
        if b["budgets"][p["dept"]] > p["cap"]
        else {}
    ),
)

TEAMS = ["payments", "search", "mobile", "infra", "identity"]


def sample_triage(rng: random.Random, w: State, i: int) -> Params:
    ticket = 1000 + i * 7 + rng.randint(0, 6)
    high = i < 5 or rng.random() < 0.5  # the first five are all high priority
    w["tables"].setdefault("tickets", {})[str(ticket)] = {
        "priority": "high" if high else "low",
        "team": rng.choice(TEAMS),
        "summary": rng.choice(["Checkout fails", "Login loops", "Search is slow", "App crashes"]),
    }
    return {"ticket": ticket}


def triage_expect(p: Params, b: State) -> dict:
    t = b["tables"]["tickets"][str(p["ticket"])]
    if t["priority"] == "high":
        return {"pages": [{"team": t["team"], "ticket": p["ticket"]}]}
    return {"notes": [{"title": f"Ticket {p['ticket']}", "text": t["summary"]}]}


triage = Family(  # the result picks the next tool: page_team (high) or create_note (low)
    name="adv_triage",
    templates=["Triage ticket {ticket}"],
    fields={"ticket": INT},
    sample=sample_triage,
    plan=[
        Step("get_ticket", lambda p, r: {"ticket": p["ticket"]}),
        Step(
            "page_team",
            lambda p, r: {"team": r["get_ticket"]["team"], "ticket": p["ticket"]},
            when=lambda p, r: r["get_ticket"]["priority"] == "high",
        ),
        Step(
            "create_note",
            lambda p, r: {"title": f"Ticket {p['ticket']}", "text": r["get_ticket"]["summary"]},
            when=lambda p, r: r["get_ticket"]["priority"] != "high",
        ),
    ],
    expect=triage_expect,
)


# the "tickets" table is keyed by str; the tool gets an int: look it up by its text
def _get_ticket(s: State, a: dict) -> dict:
    t = s["tables"].get("tickets", {}).get(str(a["ticket"]))
    if t is None:
        raise ToolFail(f"no ticket {a['ticket']}")
    return {"ticket": a["ticket"], **t}


TOOLS["get_ticket"].run = _get_ticket


# =========================================================================== 5. constant early, varying later
ZONES = {
    "EU": ["Paris", "Berlin", "Madrid", "Dublin", "Oslo", "Lisbon", "Vienna", "Prague"],
    "NA": ["Denver", "Toronto", "Boston"],
    "APAC": ["Tokyo", "Sydney", "Hanoi"],
    "LATAM": ["Lima", "Santiago", "Bogota"],
}


def sample_ship(rng: random.Random, w: State, i: int) -> Params:
    zone = "EU" if i < 5 else rng.choice(list(ZONES))  # the first five go to the EU: carrier DHL
    city = rng.choice(ZONES[zone])
    w["tables"].setdefault("zones", {})[city] = zone
    return {"order": 5000 + i * 3 + rng.randint(0, 2), "city": city}


ship = Family(
    name="adv_ship",
    templates=["Ship order {order} to {city}"],
    fields={"order": INT, "city": CAPWORD},
    sample=sample_ship,
    plan=[
        Step("get_zone", lambda p, r: {"city": p["city"]}),
        Step(
            "create_shipment",
            lambda p, r: {"order": p["order"], "city": p["city"], "carrier": CARRIERS[r["get_zone"]["zone"]]},
        ),
    ],
    expect=lambda p, b: {
        "shipments": [{"order": p["order"], "city": p["city"], "carrier": CARRIERS[b["tables"]["zones"][p["city"]]]}]
    },
)


CITY_CARRIER = {c: CARRIERS[z] for z, cs in ZONES.items() for c in cs}


def sample_post(rng: random.Random, w: State, i: int) -> Params:
    zone = "EU" if i < 5 else rng.choice(list(ZONES))  # the first five go to the EU: carrier DHL
    return {"order": 6000 + i * 3 + rng.randint(0, 2), "city": rng.choice(ZONES[zone])}


post = Family(  # no look-up at all: the carrier is a function of the city the model knows (tool description)
    name="adv_post",
    templates=["Post order {order} to {city}"],
    fields={"order": INT, "city": CAPWORD},
    sample=sample_post,
    plan=[
        Step(
            "create_shipment", lambda p, r: {"order": p["order"], "city": p["city"], "carrier": CITY_CARRIER[p["city"]]}
        )
    ],
    expect=lambda p, b: {"shipments": [{"order": p["order"], "city": p["city"], "carrier": CITY_CARRIER[p["city"]]}]},
)


def sample_courier(rng: random.Random, w: State, i: int, base: int = 7000) -> Params:
    order = base + i * 3 + rng.randint(0, 2)
    heavy = i >= 5 and rng.random() < 0.5  # the first five parcels are light
    w["tables"].setdefault("parcels", {})[str(order)] = (
        round(rng.uniform(21, 60), 1) if heavy else round(rng.uniform(0.5, 19), 1)
    )
    return {"order": order}


def service(kg: float) -> str:
    return "freight" if kg > HEAVY_KG else "standard"


def _get_parcel(s: State, a: dict) -> dict:
    kg = s["tables"].get("parcels", {}).get(str(a["order"]))
    if kg is None:
        raise ToolFail(f"no parcel for order {a['order']}")
    return {"order": a["order"], "weight_kg": kg}


TOOLS["get_parcel"].run = _get_parcel

courier = Family(  # the service is a constant in every early trace, but a threshold on the weight decides it
    name="adv_courier",
    templates=["Book a courier for order {order}"],
    fields={"order": INT},
    sample=sample_courier,
    plan=[
        Step("get_parcel", lambda p, r: {"order": p["order"]}),
        Step("book_courier", lambda p, r: {"order": p["order"], "service": service(r["get_parcel"]["weight_kg"])}),
    ],
    expect=lambda p, b: {
        "couriers": [{"order": p["order"], "service": service(b["tables"]["parcels"][str(p["order"])])}]
    },
)


pickup = Family(  # like adv_courier, but the weight is also an argument: the lookup feeds a later call
    name="adv_pickup",
    templates=["Arrange a pickup for order {order}"],
    fields={"order": INT},
    sample=lambda rng, w, i: sample_courier(rng, w, i, base=8000),
    plan=[
        Step("get_parcel", lambda p, r: {"order": p["order"]}),
        Step(
            "book_pickup",
            lambda p, r: {
                "order": p["order"],
                "weight_kg": r["get_parcel"]["weight_kg"],
                "service": service(r["get_parcel"]["weight_kg"]),
            },
        ),
    ],
    expect=lambda p, b: {
        "pickups": [
            {
                "order": p["order"],
                "weight_kg": b["tables"]["parcels"][str(p["order"])],
                "service": service(b["tables"]["parcels"][str(p["order"])]),
            }
        ]
    },
)


# =========================================================================== 6. transient failures
def sample_humidity(rng: random.Random, w: State, i: int) -> Params:
    city = rng.choice(fam.CITIES)
    w["tables"].setdefault("humidity", {}).setdefault(city, rng.randint(10, 99))
    if i >= 2 and rng.random() < 0.6:  # some goals hit a failing read or write, once or twice
        tool, args = (
            ("get_humidity", {"city": city}) if rng.random() < 0.5 else ("save_value", {"name": f"humidity_{city}"})
        )
        if not any(f.get("args") == args for f in w["faults"]):  # at most 2 failures: the oracle retries twice
            w["faults"].append({"tool": tool, "args": args, "times": rng.choice([1, 2])})
    return {"city": city}


humidity = Family(
    name="adv_humidity",
    templates=["Record the humidity in {city}"],
    fields={"city": CAPWORD},
    sample=sample_humidity,
    plan=[
        Step("get_humidity", lambda p, r: {"city": p["city"]}),
        Step("save_value", lambda p, r: {"name": f"humidity_{p['city']}", "value": r["get_humidity"]["humidity"]}),
    ],
    expect=lambda p, b: {"values": {f"humidity_{p['city']}": b["tables"]["humidity"][p["city"]]}},
)


def sample_faulty_note(rng: random.Random, w: State, i: int) -> Params:
    p = fam.sample_note(rng, w, i)
    p["title"] = f"Memo {p['title']}"
    if i >= 3 and rng.random() < 0.5:
        w["faults"].append({"tool": "create_note", "args": {"title": p["title"]}, "times": rng.choice([1, 2])})
    return p


faulty_note = Family(
    name="adv_faulty_note",
    templates=["Write a memo titled '{title}' saying '{text}'"],
    fields={"title": QUOTED, "text": QUOTED},
    sample=sample_faulty_note,
    plan=fam.NOTE_PLAN,
    expect=lambda p, before: {"notes": [{"title": p["title"], "text": p["text"]}]},
)


# =========================================================================== 7. paraphrases of public goals
def with_wording(sample, n: int):
    def s(rng: random.Random, w: State, i: int) -> Params:
        return {**sample(rng, w, i), "wording": rng.randrange(n)}

    return s


CONVERT_PARAPHRASES = [
    "Please convert {amount} {src} to {dst} and save it as '{label}'",
    "Change {amount} {src} into {dst} and store the result as '{label}'",
    "How much is {amount} {src} in {dst}? Save it as '{label}'",
]
currency_para = Family(
    name="adv_currency_para",
    templates=CONVERT_PARAPHRASES,
    fields={"amount": NUM, "src": CODE, "dst": CODE, "label": QUOTED},
    sample=with_wording(fam.sample_currency, len(CONVERT_PARAPHRASES)),
    plan=fam.CURRENCY_PLAN,
    expect=fam.expect_currency,
)

STOCK_PARAPHRASES = [
    "Increase the stock of {sku} in warehouse {wh} by {qty} units",
    "Warehouse {wh} received {qty} more units of {sku}: update its stock",
]
stock_para = Family(
    name="adv_stock_para",
    templates=STOCK_PARAPHRASES,
    fields={"qty": INT, "sku": SKU, "wh": WAREHOUSE},
    sample=with_wording(fam.sample_stock_add, len(STOCK_PARAPHRASES)),
    plan=fam.STOCK_ADD_PLAN,
    expect=lambda p, b: {"stock": {stock_key(p["sku"], p["wh"]): stock_of(b, p["sku"], p["wh"]) + p["qty"]}},
)


# =========================================================================== 8. one-off goals
oneoff_mail_note = Family(
    name="adv_oneoff_mail_note",
    templates=["Create a note titled '{title}' with the text '{text}' and email the {report} report to {person}"],
    fields={"title": QUOTED, "text": QUOTED, "report": LOWER, "person": CAPWORD},
    sample=lambda rng, w, i: {**fam.sample_note(rng, w, i), **fam.sample_email(rng, w, i)},
    plan=[
        Step("create_note", lambda p, r: {"title": p["title"], "text": p["text"]}),
        *fam.email.plan,
    ],
    expect=lambda p, b: {"notes": [{"title": p["title"], "text": p["text"]}], **fam.expect_email(p, b)},
    count=1,
    repeats=False,
)

oneoff_double = Family(
    name="adv_oneoff_double",
    templates=["Add {qty} units of {sku} to warehouse {wh} twice"],
    fields={"qty": INT, "sku": SKU, "wh": WAREHOUSE},
    sample=fam.sample_stock_add,
    plan=[
        Step("get_stock", lambda p, r: {"sku": p["sku"], "warehouse": p["wh"]}),
        Step(
            "set_stock",
            lambda p, r: {"sku": p["sku"], "warehouse": p["wh"], "quantity": r["get_stock"]["quantity"] + 2 * p["qty"]},
        ),
    ],
    expect=lambda p, b: {"stock": {stock_key(p["sku"], p["wh"]): stock_of(b, p["sku"], p["wh"]) + 2 * p["qty"]}},
    count=1,
    repeats=False,
)

oneoff_weather_c = Family(
    name="adv_oneoff_celsius",
    templates=["Record the temperature in {city} in Celsius"],
    fields={"city": CAPWORD},
    sample=fam.sample_weather,
    plan=[
        Step("get_weather", lambda p, r: {"city": p["city"]}),
        Step("save_value", lambda p, r: {"name": f"temp_{p['city']}", "value": r["get_weather"]["celsius"]}),
    ],
    expect=lambda p, b: {"values": {f"temp_{p['city']}": b["tables"]["weather"][p["city"]]}},
    count=1,
    repeats=False,
)


FAMILIES: list[Family] = [
    stock_remove,
    price_raise,
    price_lower,
    currency_cents,
    weather_kelvin,
    ticket_open,
    reorder,
    topup,
    fill,
    cap_budget,
    triage,
    ship,
    post,
    courier,
    pickup,
    humidity,
    faulty_note,
    currency_para,
    stock_para,
    oneoff_mail_note,
    oneoff_double,
    oneoff_weather_c,
]
