"""Probe families for the goal shapes replay must learn safely (issue 9, "be less timid where the rules
make it safe").

Same interface as the public `families.py` (TOOLS and FAMILIES), loaded *with* it (tool names are
prefixed `sh_` and collide with no other set):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \
        --families /work/shared/bench/families.py bench/families_shapes.py --goals 8 --seed 1

- sh_weather   a city of one to three words ("Paris", "New York", "Rio de Janeiro"): one plan whatever
               the length of the name (`learning/spans.py`), a write that takes the name whole
- sh_balance   a possessive: "Post Bruno's balance to the ledger" (the name without "'s")
- sh_circuit   a `3-qubit` compound: the number inside a word
- sh_reserve   a goal word no argument uses ("for my interview"): replayed with the values seen
- sh_invoice   a write whose acknowledgement (a growing ticket) feeds nothing, then a second write
- sh_cart      a list of one to three items, one call per item: safe (never a wrong cart), but a
               list of another length is another plan (one plan per length; see the report)
- sh_station   a station name of several words where the anchor word "at" can appear inside a
               value ("Stratford at Bow"): such goals must never replay with a wrong split
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
INT, CAPWORD, LOWER = fam.INT, fam.CAPWORD, fam.LOWER
State = dict[str, Any]
Params = dict[str, Any]

CITIES = [
    "Paris",
    "New York",
    "Rio de Janeiro",
    "Tokyo",
    "Los Angeles",
    "Oslo",
    "Buenos Aires",
    "Sao Paulo",
    "Cape Town",
    "Lima",
    "Porto de Galinhas",
    "Hong Kong",
]
PEOPLE = ["Bruno", "Alice", "Chen", "Dana", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas"]
KINDS = ["GHZ", "QFT", "Bell", "Grover"]
REASONS = ["meeting", "interview", "call", "review"]
ITEMS = ["milk", "eggs", "bread", "tea", "jam", "rice", "beans", "corn", "salt", "oil", "flour", "honey"]
# a station's name: "at" inside one of them is also the anchor of the goal's wording
STATIONS = ["Kings Cross", "Bow", "Stratford", "Canary Wharf", "Stratford at Bow", "Green Park", "Angel"]

CITYNAME = Field(r"[A-Z][a-z]+(?: (?:de|[A-Z][a-z]+))*")  # Rio de Janeiro
ITEMLIST = Field(r"[a-z]+(?:, [a-z]+)*(?: and [a-z]+)?")
STATION = Field(r"[A-Z][a-z]+(?: (?:at|[A-Z][a-z]+))*")


def _append(section: str, keys: list[str], ack: Any = None):
    def run(s: State, a: dict) -> Any:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return ack(len(out)) if ack else {"ok": True}

    return run


def _lookup(table: str, key: str, what: str, field: str):
    def run(s: State, a: dict) -> dict:
        value = s["tables"].get(table, {}).get(a[key])
        if value is None:
            raise ToolFail(f"no {what} for {a[key]}")
        return {key: a[key], field: value}

    return run


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "sh_city_temp",
            "The temperature of a city, in Celsius.",
            {"city": str},
            _lookup("temps", "city", "temperature", "celsius"),
        ),
        Tool(
            "sh_log_temp",
            "Log a temperature for a city.",
            {"city": str, "celsius": float},
            _append("temp_log", ["city", "celsius"]),
        ),
        Tool(
            "sh_get_balance",
            "The balance of a person's account.",
            {"person": str},
            _lookup("balances", "person", "account", "balance"),
        ),
        Tool(
            "sh_post_ledger",
            "Post an amount for a person to the ledger.",
            {"person": str, "amount": int},
            _append("ledger", ["person", "amount"]),
        ),
        Tool(
            "sh_build_circuit",
            "Build a quantum circuit of a kind on a number of qubits.",
            {"kind": str, "qubits": int},
            _append("circuits", ["kind", "qubits"]),
        ),
        Tool("sh_reserve_room", "Reserve a meeting room.", {"room": str}, _append("reservations", ["room"])),
        Tool(
            "sh_archive_invoice",
            "Archive an invoice; returns an archive ticket.",
            {"invoice": str},
            _append("archived", ["invoice"], lambda n: {"archived": True, "ticket": f"ARC-{7000 + n}"}),
        ),
        Tool(
            "sh_notify_accounting",
            "Tell accounting an invoice changed.",
            {"invoice": str, "change": str},
            _append("accounting", ["invoice", "change"]),
        ),
        Tool("sh_add_to_cart", "Add one item to the shopping cart.", {"item": str}, _append("cart", ["item"])),
        Tool(
            "sh_station_status",
            "The service status of a station.",
            {"station": str},
            _lookup("stations", "station", "station", "status"),
        ),
        Tool(
            "sh_log_status",
            "Log a station's status.",
            {"station": str, "status": str},
            _append("status_log", ["station", "status"]),
        ),
    ]
}


def sample_weather(rng: random.Random, w: State, i: int) -> Params:
    city = CITIES[i % len(CITIES)]
    w["tables"].setdefault("temps", {}).setdefault(city, round(rng.uniform(-5, 35), 1))
    return {"city": city}


weather = Family(
    name="sh_weather",
    templates=["Log the temperature in {city}"],
    fields={"city": CITYNAME},
    sample=sample_weather,
    plan=[
        Step("sh_city_temp", lambda p, r: {"city": p["city"]}),
        Step("sh_log_temp", lambda p, r: {"city": p["city"], "celsius": r["sh_city_temp"]["celsius"]}),
    ],
    expect=lambda p, b: {"temp_log": [{"city": p["city"], "celsius": b["tables"]["temps"][p["city"]]}]},
)


def sample_balance(rng: random.Random, w: State, i: int) -> Params:
    person = PEOPLE[i % len(PEOPLE)]
    w["tables"].setdefault("balances", {}).setdefault(person, rng.randint(10, 900))
    return {"person": person}


balance = Family(
    name="sh_balance",
    templates=["Post {person}'s balance to the ledger"],
    fields={"person": CAPWORD},
    sample=sample_balance,
    plan=[
        Step("sh_get_balance", lambda p, r: {"person": p["person"]}),
        Step("sh_post_ledger", lambda p, r: {"person": p["person"], "amount": r["sh_get_balance"]["balance"]}),
    ],
    expect=lambda p, b: {"ledger": [{"person": p["person"], "amount": b["tables"]["balances"][p["person"]]}]},
)


circuit = Family(
    name="sh_circuit",
    templates=["Build a {n}-qubit {kind} circuit"],
    fields={"n": INT, "kind": Field(r"[A-Z][A-Za-z]+")},
    sample=lambda rng, w, i: {"n": rng.randint(2, 9), "kind": KINDS[i % len(KINDS)]},
    plan=[Step("sh_build_circuit", lambda p, r: {"kind": p["kind"], "qubits": p["n"]})],
    expect=lambda p, b: {"circuits": [{"kind": p["kind"], "qubits": p["n"]}]},
)


reserve = Family(
    name="sh_reserve",
    templates=["Reserve room {room} for my {why}"],
    fields={"room": Field(r"R\d+"), "why": LOWER},
    sample=lambda rng, w, i: {"room": f"R{rng.randint(100, 999)}", "why": REASONS[i % len(REASONS)]},
    plan=[Step("sh_reserve_room", lambda p, r: {"room": p["room"]})],
    expect=lambda p, b: {"reservations": [{"room": p["room"]}]},
)


invoice = Family(
    name="sh_invoice",
    templates=["Archive invoice {invoice} and tell accounting"],
    fields={"invoice": Field(r"INV-\d+")},
    sample=lambda rng, w, i: {"invoice": f"INV-{rng.randint(1000, 9999)}"},
    plan=[
        Step("sh_archive_invoice", lambda p, r: {"invoice": p["invoice"]}),
        Step("sh_notify_accounting", lambda p, r: {"invoice": p["invoice"], "change": "archived"}),
    ],
    expect=lambda p, b: {
        "archived": [{"invoice": p["invoice"]}],
        "accounting": [{"invoice": p["invoice"], "change": "archived"}],
    },
)


def _items_text(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def _items(p: Params) -> list[str]:
    return str(p["items"]).replace(" and ", ", ").split(", ")


def sample_cart(rng: random.Random, w: State, i: int) -> Params:
    size = 2 if i < 4 else rng.choice([1, 2, 3])
    return {"items": _items_text(rng.sample(ITEMS, size))}


def _cart_plan() -> list[Any]:
    return [
        Step(
            "sh_add_to_cart",
            lambda p, r, k=k: {"item": _items(p)[k]},
            key=f"item{k}",
            when=lambda p, r, k=k: len(_items(p)) > k,
        )
        for k in range(3)
    ]


cart = Family(
    name="sh_cart",
    templates=["Add {items} to the cart"],
    fields={"items": ITEMLIST},
    sample=sample_cart,
    plan=_cart_plan(),
    expect=lambda p, b: {"cart": [{"item": it} for it in _items(p)]},
)


def sample_station(rng: random.Random, w: State, i: int) -> Params:
    station = STATIONS[i % len(STATIONS)]
    w["tables"].setdefault("stations", {}).setdefault(station, rng.choice(["good service", "minor delays"]))
    return {"station": station}


station = Family(
    name="sh_station",
    templates=["Log the status at {station}"],
    fields={"station": STATION},
    sample=sample_station,
    plan=[
        Step("sh_station_status", lambda p, r: {"station": p["station"]}),
        Step("sh_log_status", lambda p, r: {"station": p["station"], "status": r["sh_station_status"]["status"]}),
    ],
    expect=lambda p, b: {"status_log": [{"station": p["station"], "status": b["tables"]["stations"][p["station"]]}]},
)


FAMILIES: list[Family] = [weather, balance, circuit, reserve, invoice, cart, station]
