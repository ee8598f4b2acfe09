"""Questions beside the writes of one server (issue 9, helper rate; tool names `rq_`).

Written after `declined.wh_question` (a question for information is no action the runs declined)
to probe what a replayed question may say, not shaped on that rule's own cases: every family has a
write tool on the same server whose name shares a word with a question's goal, and a later goal
where the world changed under a question that was already asked.

- rq_seats      "How many seats are left on flight {f}?" next to rq_book ("Book {n} seats on flight
                {f}"): a question asked again after a booking must state the new count
- rq_book       a read then a non-idempotent booking: seats left - n is written, n never above what is left
- rq_parcel     "Who signed for parcel {pid}?" next to rq_sign_parcel: the signer is a name (text) that
                is the same in every early run, then another
- rq_ship       "What about shipping order {oid} today?": a suggestion, acted on (ship when packed);
                the early orders are not packed (a read-only plan, the model's own words decline),
                a later one is packed: it must be shipped
- rq_tank       "What is the fill level of tank {t}, in percent?" next to rq_fill_tank: litres /
                capacity, 1 dp; every early tank has the same capacity, then another

MCP annotations: the reads declare `readOnlyHint`; the writes none (non-idempotent by default).
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
INT, CAPWORD = fam.INT, fam.CAPWORD
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

FIRST = 4  # the first goals of each family agree on what a later goal changes
READ = {"readOnlyHint": True}
ANNOTATIONS: dict[str, dict[str, bool]] = {n: READ for n in ("rq_flight", "rq_parcel_log", "rq_order", "rq_tank")}


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

    if getattr(Server.add_tool, "_rq_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(kwargs.get("name") or getattr(fn, "__name__", ""))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._rq_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _early(i: int) -> bool:
    return i < FIRST


def _t(table: str, state: State, key: str) -> Any:
    row = state["tables"].get(table, {}).get(key)
    if row is None:
        raise ToolFail(f"no such {table[3:]}: {key}")
    return row


# =========================================================================== seats and bookings
FLIGHTS = [f"F{n}" for n in range(101, 109)]


def _seed_flight(rng: random.Random, w: State) -> str:
    f = rng.choice(FLIGHTS)
    row = {"flight": f, "seats_left": rng.randint(20, 60), "gate": "B3"}
    w["tables"].setdefault("rq_flights", {}).setdefault(f, row)
    return f


def _flight(s: State, a: dict) -> dict:
    return dict(_t("rq_flights", s, a["flight"]))


def _book(s: State, a: dict) -> dict:
    row = _t("rq_flights", s, a["flight"])
    n = int(a["seats"])
    if n <= 0 or n > row["seats_left"]:
        raise ToolFail(f"cannot book {n} seats")
    row["seats_left"] -= n
    s.setdefault("bookings", []).append({"flight": a["flight"], "seats": n})
    return {"flight": a["flight"], "booked": n, "ref": f"BK{len(s['bookings']):04d}"}


seats = Family(
    name="rq_seats",
    templates=["How many seats are left on flight {f}?"],
    fields={"f": Field(r"F\d{3}")},
    sample=lambda rng, w, i: {"f": _seed_flight(rng, w)},
    plan=[Step("rq_flight", lambda p, r: {"flight": p["f"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [b["tables"]["rq_flights"][p["f"]]["seats_left"]],
    summary=lambda p, r: f"Flight {p['f']} has {r['rq_flight']['seats_left']} seats left.",
)

book = Family(
    name="rq_book",
    templates=["Book {n} seats on flight {f}"],
    fields={"n": INT, "f": Field(r"F\d{3}")},
    sample=lambda rng, w, i: {"f": _seed_flight(rng, w), "n": 2 if _early(i) else rng.randint(1, 4)},
    plan=[
        Step("rq_flight", lambda p, r: {"flight": p["f"]}),
        Step("rq_book_seats", lambda p, r: {"flight": p["f"], "seats": p["n"]}),
    ],
    expect=lambda p, b: {"bookings": [{"flight": p["f"], "seats": p["n"]}]},
    answer=lambda p, b: [p["n"]],
    summary=lambda p, r: f"Booked {p['n']} seats on flight {p['f']} ({r['rq_book_seats']['ref']}).",
)


# =========================================================================== parcels: a signer's name
def _seed_parcel(rng: random.Random, w: State, i: int) -> str:
    pid = f"PX-{rng.randint(10000, 99999)}"
    who = "Ines Ruiz" if _early(i) else rng.choice(["Omar Haddad", "Lena Berg", "Ines Ruiz", "Tomas Lima"])
    w["tables"].setdefault("rq_parcels", {})[pid] = f"Parcel {pid}: delivered 09:40, signed by {who}"
    return pid


def _signer(text: str) -> str:
    return text.split("signed by ")[1]


def _sign(s: State, a: dict) -> dict:
    s.setdefault("signatures", []).append({"parcel": a["parcel"], "name": a["name"]})
    return {"ok": True}


parcel = Family(
    name="rq_parcel",
    templates=["Who signed for parcel {pid}?"],
    fields={"pid": Field(r"PX-\d{5}")},
    sample=lambda rng, w, i: {"pid": _seed_parcel(rng, w, i)},
    plan=[Step("rq_parcel_log", lambda p, r: {"parcel": p["pid"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_signer(b["tables"]["rq_parcels"][p["pid"]])],
    summary=lambda p, r: f"Parcel {p['pid']} was signed for by {_signer(r['rq_parcel_log'])}.",
)


# =========================================================================== a suggestion acted on
def _seed_order(rng: random.Random, w: State, i: int) -> str:
    oid = f"SO{rng.randint(1000, 9999)}"
    status = "picking" if _early(i) else rng.choice(["picking", "packed", "packed"])
    w["tables"].setdefault("rq_orders", {})[oid] = {"order": oid, "status": status, "items": rng.randint(1, 6)}
    return oid


def _order(s: State, a: dict) -> dict:
    return dict(_t("rq_orders", s, a["order"]))


def _ship(s: State, a: dict) -> dict:
    row = _t("rq_orders", s, a["order"])
    if row["status"] != "packed":
        raise ToolFail(f"order {a['order']} is not packed")
    row["status"] = "shipped"
    s.setdefault("shipments", []).append(a["order"])
    return {"order": a["order"], "status": "shipped"}


ship = Family(
    name="rq_ship",
    templates=["What about shipping order {oid} today?"],
    fields={"oid": Field(r"SO\d{4}")},
    sample=lambda rng, w, i: {"oid": _seed_order(rng, w, i)},
    plan=[
        Step("rq_order", lambda p, r: {"order": p["oid"]}),
        Step("rq_ship_order", lambda p, r: {"order": p["oid"]}, when=lambda p, r: r["rq_order"]["status"] == "packed"),
    ],
    expect=lambda p, b: {"shipments": [p["oid"]]} if b["tables"]["rq_orders"][p["oid"]]["status"] == "packed" else {},
    answer=lambda p, b: [],
    summary=lambda p, r: (
        f"Order {p['oid']} is shipped."
        if r["rq_order"]["status"] == "packed"
        else f"Order {p['oid']} cannot ship today: it is still {r['rq_order']['status']}."
    ),
)


# =========================================================================== a tank's fill level
def _seed_tank(rng: random.Random, w: State, i: int) -> str:
    t = f"T{rng.randint(10, 99)}"
    cap = 5000 if _early(i) else rng.choice([2000, 8000, 12500])
    litres = rng.randint(300, cap - 100)
    while is_tie(litres * 100 / cap, 1):
        litres += 1
    w["tables"].setdefault("rq_tanks", {})[t] = {"tank": t, "litres": litres, "capacity_l": cap}
    return t


def _tank(s: State, a: dict) -> dict:
    return dict(_t("rq_tanks", s, a["tank"]))


def _fill(s: State, a: dict) -> dict:
    row = _t("rq_tanks", s, a["tank"])
    row["litres"] = min(row["capacity_l"], row["litres"] + int(a["litres"]))
    return {"tank": a["tank"], "litres": row["litres"]}


def _level(row: dict) -> float:
    return round_half_up(row["litres"] * 100 / row["capacity_l"], 1)


tank = Family(
    name="rq_tank",
    templates=["What is the fill level of tank {t}, in percent?"],
    fields={"t": Field(r"T\d{2}")},
    sample=lambda rng, w, i: {"t": _seed_tank(rng, w, i)},
    plan=[Step("rq_tank", lambda p, r: {"tank": p["t"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_level(b["tables"]["rq_tanks"][p["t"]])],
    summary=lambda p, r: f"Tank {p['t']} is {_level(r['rq_tank'])}% full.",
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("rq_flight", "A flight's seats left and gate.", {"flight": str}, _flight),
        Tool("rq_book_seats", "Book seats on a flight.", {"flight": str, "seats": int}, _book),
        Tool(
            "rq_parcel_log",
            "A parcel's delivery line, as plain text.",
            {"parcel": str},
            lambda s, a: _t("rq_parcels", s, a["parcel"]),
        ),
        Tool("rq_sign_parcel", "Record who signed for a parcel.", {"parcel": str, "name": str}, _sign),
        Tool("rq_order", "An order's status and item count.", {"order": str}, _order),
        Tool("rq_ship_order", "Ship a packed order.", {"order": str}, _ship),
        Tool("rq_tank", "A tank's litres and capacity.", {"tank": str}, _tank),
        Tool("rq_fill_tank", "Add litres to a tank.", {"tank": str, "litres": int}, _fill),
    ]
}

FAMILIES: list[Family] = [seats, book, parcel, ship, tank]
