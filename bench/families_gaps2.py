"""Second probes for the gaps of `families_gaps.py`, in other domains and wordings (issue 9, g9gaps).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `gq_` and
collide with no other set. The first goals agree on something a later goal breaks:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_gaps2.py --goals 10 --seed 41

- gq_permit    (a change the verb asks for) "Renew the parking permit of P": the first permits are
               revoked or under review (the model says so, changes nothing); a later one is active and
               must be extended (`gq_extend`: no goal word names it)
- gq_stock     (a yes/no question, other wording) "Does STORE have SKU in stock?": the first answers
               are "Yes" at two quantities; later a store has none ("No, ... out of stock")
- gq_compare   (a comparison in the answer) "Compare the fares to A and B": the first fares to A
               are lower ("less than"); a later one is higher ("more than")
- gq_followup  (a weekday the answer works out) "Schedule the follow-up of patient P": 3 days after
               the visit; the first visits fall on one weekday, a later one on another
- gq_meter     (a value computed with, another domain) "Pay the electricity bill of flat F": kWh x
               0.3; a later meter reads negative (rolled over): the model reports a fault instead
- gq_pledge    (a value a total computes with, a list) "Record the pledges of donors A, B and C": the
               sum of the pledges; a later pledge is negative (withdrawn), which counts nothing
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
CAPWORD = fam.CAPWORD
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "gq_permit_info": READ,
    "gq_extend": WRITE,
    "gq_store_stock": READ,
    "gq_fare": READ,
    "gq_visit": READ,
    "gq_schedule": WRITE,
    "gq_meter": READ,
    "gq_pay": WRITE,
    "gq_report_fault": WRITE,
    "gq_pledge_of": READ,
    "gq_record_total": WRITE,
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

    if getattr(Server.add_tool, "_gq_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._gq_annotated = True  # type: ignore[attr-defined]
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


PEOPLE = ["Ahn", "Berit", "Chidi", "Dario", "Elif", "Femi", "Greta", "Hamid", "Ilse", "Joon", "Kofi", "Lena", "Mira"]


# =========================================================================== 1. permit: renew, or say why not
def sample_permit(rng: random.Random, w: State, i: int) -> Params:
    person = PEOPLE[i % len(PEOPLE)]
    state = ["revoked", "under review"][i % 2] if i < 4 or rng.random() < 0.4 else "active"
    w["tables"].setdefault("gq_permits", {})[person] = {"holder": person, "zone": "Z4", "state": state}
    return {"person": person}


def _state(p: Params, b: State) -> str:
    return str(b["tables"]["gq_permits"][p["person"]]["state"])


permit = Family(
    name="gq_permit",
    templates=["Renew the parking permit of {person}"],
    fields={"person": CAPWORD},
    sample=sample_permit,
    plan=[
        Step("gq_permit_info", lambda p, r: {"holder": p["person"]}),
        Step(
            "gq_extend",
            lambda p, r: {"holder": p["person"], "months": 12},
            when=lambda p, r: r["gq_permit_info"]["state"] == "active",
        ),
    ],
    expect=lambda p, b: {"extended": [{"holder": p["person"], "months": 12}]} if _state(p, b) == "active" else {},
    summary=lambda p, r: (
        f"Extended the permit of {p['person']} by 12 months."
        if r["gq_permit_info"]["state"] == "active"
        else f"The permit of {p['person']} is {r['gq_permit_info']['state']}; it stays as it is."
    ),
)


# =========================================================================== 2. stock: a yes/no question
STORES = ["Northside", "Harbourview", "Millbrook", "Eastfield", "Riverside"]
SKUS = [f"SKU-{n}" for n in (101, 202, 303, 404, 505, 606, 707, 808, 909, 111, 222, 333)]


def sample_stock(rng: random.Random, w: State, i: int) -> Params:
    sku, store = SKUS[i % len(SKUS)], rng.choice(STORES)
    qty = [4, 9][i % 2] if i < 4 or rng.random() < 0.5 else 0
    w["tables"].setdefault("gq_stock", {})[f"{store}/{sku}"] = {"store": store, "sku": sku, "units": qty}
    return {"sku": sku, "store": store}


def _units(p: Params, b: State) -> int:
    return int(b["tables"]["gq_stock"][f"{p['store']}/{p['sku']}"]["units"])


stock = Family(
    name="gq_stock",
    templates=["Does {store} have {sku} in stock?"],
    fields={"store": CAPWORD, "sku": Field(r"SKU-\d+")},
    sample=sample_stock,
    plan=[Step("gq_store_stock", lambda p, r: {"store": p["store"], "sku": p["sku"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: ["yes" if _units(p, b) > 0 else "out of stock"],
    summary=lambda p, r: (
        f"Yes, {p['store']} has {r['gq_store_stock']['units']} units of {p['sku']}."
        if r["gq_store_stock"]["units"] > 0
        else f"Sorry, {p['sku']} is out of stock at {p['store']}."
    ),
)


# =========================================================================== 3. compare: which way two fares went
PORTS = ["Hvar", "Vis", "Brac", "Mljet", "Solta", "Pag", "Rab", "Krk", "Cres", "Lastovo", "Silba", "Olib"]


def sample_compare(rng: random.Random, w: State, i: int) -> Params:
    a, b = PORTS[i % len(PORTS)], PORTS[(i + 5) % len(PORTS)]
    fa, fb = sorted(rng.sample(range(12, 90), 2))
    if i >= 4 and rng.random() < 0.5:
        fa, fb = fb, fa
    t = w["tables"].setdefault("gq_fares", {})
    t[a], t[b] = {"port": a, "fare": fa}, {"port": b, "fare": fb}
    return {"a": a, "b": b}


def _way(fa: int, fb: int) -> str:
    return "less than" if fa < fb else "more than"


compare = Family(
    name="gq_compare",
    templates=["Compare the ferry fares to {a} and {b}"],
    fields={"a": CAPWORD, "b": CAPWORD},
    sample=sample_compare,
    plan=[
        Step("gq_fare", lambda p, r: {"port": p["a"]}, key="fa", group="fares"),
        Step("gq_fare", lambda p, r: {"port": p["b"]}, key="fb", group="fares"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: [_way(b["tables"]["gq_fares"][p["a"]]["fare"], b["tables"]["gq_fares"][p["b"]]["fare"])],
    summary=lambda p, r: (
        f"The fare to {p['a']} is {r['fa']['fare']} EUR, {_way(r['fa']['fare'], r['fb']['fare'])} "
        f"the {r['fb']['fare']} EUR to {p['b']}."
    ),
)


# =========================================================================== 4. follow-up: a weekday worked out
def sample_followup(rng: random.Random, w: State, i: int) -> Params:
    person = PEOPLE[(i + 3) % len(PEOPLE)]
    week = rng.randint(0, 20)
    day = dt.date(2026, 1, 6) + dt.timedelta(weeks=week)  # a Tuesday
    if i >= 4 and rng.random() < 0.6:
        day += dt.timedelta(days=rng.randint(1, 6))
    w["tables"].setdefault("gq_visits", {})[person] = {"patient": person, "visit": day.isoformat()}
    return {"person": person}


def _follow(visit: str) -> dt.date:
    return dt.date.fromisoformat(visit) + dt.timedelta(days=3)


def _follow_of(p: Params, b: State) -> dt.date:
    return _follow(b["tables"]["gq_visits"][p["person"]]["visit"])


followup = Family(
    name="gq_followup",
    templates=["Schedule the follow-up of patient {person}"],
    fields={"person": CAPWORD},
    sample=sample_followup,
    plan=[
        Step("gq_visit", lambda p, r: {"patient": p["person"]}),
        Step("gq_schedule", lambda p, r: {"patient": p["person"], "date": _follow(r["gq_visit"]["visit"]).isoformat()}),
    ],
    expect=lambda p, b: {"followups": [{"patient": p["person"], "date": _follow_of(p, b).isoformat()}]},
    answer=lambda p, b: [_follow_of(p, b).strftime("%A")],
    summary=lambda p, r: (
        f"Follow-up for {p['person']} booked on {_follow(r['gq_visit']['visit']).strftime('%A')}, "
        f"{_follow(r['gq_visit']['visit']).isoformat()}."
    ),
)


# =========================================================================== 5. meter: a negative reading
def sample_meter(rng: random.Random, w: State, i: int) -> Params:
    flat = f"F{10 + 7 * i + rng.randint(0, 5)}"
    kwh = rng.randint(120, 480) if i < 5 or rng.random() < 0.5 else -rng.randint(200, 9000)
    w["tables"].setdefault("gq_meters", {})[flat] = {"flat": flat, "kwh": kwh}
    return {"flat": flat}


def _kwh(p: Params, b: State) -> int:
    return int(b["tables"]["gq_meters"][p["flat"]]["kwh"])


meter = Family(
    name="gq_meter",
    templates=["Pay the electricity bill of flat {flat}"],
    fields={"flat": Field(r"F\d+")},
    sample=sample_meter,
    plan=[
        Step("gq_meter", lambda p, r: {"flat": p["flat"]}),
        Step(
            "gq_pay",
            lambda p, r: {"flat": p["flat"], "amount": round(r["gq_meter"]["kwh"] * 0.3, 2)},
            when=lambda p, r: r["gq_meter"]["kwh"] >= 0,
        ),
        Step(
            "gq_report_fault",
            lambda p, r: {"flat": p["flat"]},
            when=lambda p, r: r["gq_meter"]["kwh"] < 0,
        ),
    ],
    expect=lambda p, b: (
        {"payments": [{"flat": p["flat"], "amount": round(_kwh(p, b) * 0.3, 2)}]}
        if _kwh(p, b) >= 0
        else {"faults_reported": [{"flat": p["flat"]}]}
    ),
    summary=lambda p, r: "Done.",
)


# =========================================================================== 6. pledges: a total with a withdrawn one
DONORS = ["Aria", "Bjorn", "Cleo", "Dmitri", "Esme", "Farah", "Gideon", "Hana", "Idris", "Jonas", "Katya", "Luca"]
ITEMS = Field(r"[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?")


def _listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def _items(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def sample_pledge(rng: random.Random, w: State, i: int) -> Params:
    n = 2 if i < 2 else 3 if i < 4 else rng.randint(2, 4)
    donors = rng.sample(DONORS, n)
    t = w["tables"].setdefault("gq_pledges", {})
    for k, d in enumerate(donors):
        withdrawn = i >= 6 and k == n - 1 and rng.random() < 0.5
        t[d] = {"donor": d, "eur": -rng.randint(20, 200) if withdrawn else rng.randint(20, 200)}
    return {"items": _listed(donors)}


def _pledged(p: Params, rows: dict[str, dict]) -> int:
    return sum(max(0, int(rows[d]["eur"])) for d in _items(p["items"]))  # a withdrawn pledge counts nothing


pledge = Family(
    name="gq_pledge",
    templates=["Record the pledges of donors {items}"],
    fields={"items": ITEMS},
    sample=sample_pledge,
    plan=[
        *[
            Step(
                "gq_pledge_of",
                lambda p, r, k=k: {"donor": _items(p["items"])[k]},
                key=f"pl{k}",
                when=lambda p, r, k=k: len(_items(p["items"])) > k,
            )
            for k in range(4)
        ],
        Step(
            "gq_record_total",
            lambda p, r: {"eur": sum(max(0, int(r[f"pl{k}"]["eur"])) for k in range(len(_items(p["items"]))))},
        ),
    ],
    expect=lambda p, b: {"totals": [{"eur": _pledged(p, b["tables"]["gq_pledges"])}]},
    answer=lambda p, b: [_pledged(p, b["tables"]["gq_pledges"])],
    summary=lambda p, r: (
        f"Recorded {sum(max(0, int(r[f'pl{k}']['eur'])) for k in range(len(_items(p['items']))))} EUR pledged."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "gq_permit_info",
            "A parking permit's zone and state.",
            {"holder": str},
            _row("gq_permits", "permit", "holder"),
        ),
        Tool(
            "gq_extend",
            "Extend a parking permit by some months.",
            {"holder": str, "months": int},
            _append("extended", ["holder", "months"]),
        ),
        Tool(
            "gq_store_stock",
            "Units of a SKU on a store's shelves.",
            {"store": str, "sku": str},
            _row("gq_stock", "item", "store", "sku"),
        ),
        Tool("gq_fare", "The ferry fare to a port (EUR).", {"port": str}, _row("gq_fares", "port", "port")),
        Tool("gq_visit", "A patient's last visit date.", {"patient": str}, _row("gq_visits", "patient", "patient")),
        Tool(
            "gq_schedule",
            "Book a patient's follow-up on a date.",
            {"patient": str, "date": str},
            _append("followups", ["patient", "date"]),
        ),
        Tool(
            "gq_meter", "A flat's electricity use this month (kWh).", {"flat": str}, _row("gq_meters", "flat", "flat")
        ),
        Tool(
            "gq_pay",
            "Pay a flat's electricity bill (EUR).",
            {"flat": str, "amount": float},
            _append("payments", ["flat", "amount"]),
        ),
        Tool(
            "gq_pledge_of",
            "One donor's pledge (EUR; negative: withdrawn).",
            {"donor": str},
            _row("gq_pledges", "donor", "donor"),
        ),
        Tool("gq_record_total", "Record the total pledged (EUR).", {"eur": int}, _append("totals", ["eur"])),
        Tool("gq_report_fault", "Report a faulty meter.", {"flat": str}, _append("faults_reported", ["flat"])),
    ]
}

FAMILIES = [permit, stock, compare, followup, meter, pledge]
