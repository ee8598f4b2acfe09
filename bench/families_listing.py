"""Probe families, helper rate3 (issue 9): answers that restate the goal's own number.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `lp_`.

Written after rate3's rule (rule 5: the goal's own number, written after the word the goal wrote it
after, is no figure a listing leaves out) and not shaped on it, in other domains: an order's status
(the goal's number in the answer; later "cancelled, refund 23.50 EUR": a figure inside the status), the
free seats of a room (an answer that states the room's number and a count that equalled it in the first
run), a bin's collection day (later "suspended until ..."), the free length of a berth (the answer
writes the goal's number after another word: "Berth 12: 40 m free"). The first four goals agree on
something a later goal breaks.
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
INT, NUM, CAPWORDS = fam.INT, fam.NUM, fam.CAPWORDS
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {name: READ for name in ["lp_order", "lp_room", "lp_bin", "lp_berth"]}


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

    if getattr(Server.add_tool, "_lp_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._lp_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _mixed(i: int, rng: random.Random, early: Any, *later: Any) -> Any:
    """The early value for the first four goals, then one of early/later at random."""
    return early if i < 4 else rng.choice([early, *later])


def _t(w: State, name: str) -> dict:
    return w["tables"].setdefault(name, {})


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w["tables"].get(table, {}):
        key = make(rng)
    return key


def _day(base: dt.date, n: int) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


def _fmt(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x}"


# ======================================== 1. orders: status with the goal's number (plain text)
def _order(s: State, a: dict) -> str:
    row = s["tables"].get("lp_orders", {}).get(str(a["order"]))
    if row is None:
        raise ToolFail(f"no order {a['order']}")
    return f"Order {a['order']} for {row['name']}: {row['status']}."


def sample_order(rng: random.Random, w: State, i: int) -> Params:
    n = _fresh(rng, w, "lp_orders", lambda r: str(r.randint(40000, 49999)))
    refund = f"{rng.randint(5, 90)}.{rng.choice(['00', '50', '95'])}"
    status = _mixed(i, rng, "packed", "shipped on 2026-11-04 via Parcelnet", f"cancelled, refund {refund} EUR")
    _t(w, "lp_orders")[n] = {"name": rng.choice(["Ada Brun", "Lars Ek", "Nia Okoro"]), "status": status}
    return {"order": n}


def _order_answer(p: Params, b: State) -> list:
    status = b["tables"]["lp_orders"][str(p["order"])]["status"]
    if status.startswith("cancelled"):
        return ["cancelled", float(status.split("refund ")[1].split(" ")[0])]
    return [status.split(" on ")[0]]


order = Family(
    name="lp_order",
    templates=["What is the status of order {order}?"],
    fields={"order": INT},
    sample=sample_order,
    plan=[Step("lp_order", lambda p, r: {"order": str(p["order"])})],
    expect=lambda p, b: {},
    answer=_order_answer,
    summary=lambda p, r: f"Order {p['order']} is {str(r['lp_order']).split(': ', 1)[1].rstrip('.')}.",
)


# ======================================== 2. rooms: free seats (a count that equalled the room's number)
def _room(s: State, a: dict) -> str:
    row = s["tables"].get("lp_rooms", {}).get(str(a["room"]))
    if row is None:
        raise ToolFail(f"no room {a['room']}")
    if row["closed"]:
        return f"Room {a['room']} ({row['building']}): closed for cleaning, {row['cap']} seats."
    return f"Room {a['room']} ({row['building']}): {row['free']} of {row['cap']} seats free."


def sample_room(rng: random.Random, w: State, i: int) -> Params:
    room = _fresh(rng, w, "lp_rooms", lambda r: str(r.randint(10, 60)))
    cap = 60
    free = int(room) if i == 0 else rng.randint(5, 50)  # the first run: as many seats free as the room's number
    closed = _mixed(i, rng, False, True)
    _t(w, "lp_rooms")[room] = {"building": rng.choice(["North", "Annex"]), "cap": cap, "free": free, "closed": closed}
    return {"room": room}


def _room_free(p: Params, b: State) -> int:
    row = b["tables"]["lp_rooms"][str(p["room"])]
    return 0 if row["closed"] else int(row["free"])


room = Family(
    name="lp_room",
    templates=["How many seats are free in room {room}?"],
    fields={"room": INT},
    sample=sample_room,
    plan=[Step("lp_room", lambda p, r: {"room": str(p["room"])})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_room_free(p, b)],
    summary=lambda p, r: (
        f"Room {p['room']} is closed: 0 seats free."
        if "closed" in str(r["lp_room"])
        else f"Room {p['room']} has {str(r['lp_room']).split(': ')[1].split(' of')[0]} seats free."
    ),
)


# ======================================== 3. bins: collection day, or suspended (plain text)
def _bin(s: State, a: dict) -> str:
    row = s["tables"].get("lp_bins", {}).get(str(a["bin"]))
    if row is None:
        raise ToolFail(f"no bin {a['bin']}")
    if row["suspended"]:
        return f"Bin {a['bin']} on {row['street']}: collection suspended until 2026-12-01."
    return f"Bin {a['bin']} on {row['street']}: collected every {row['day']}."


def sample_bin(rng: random.Random, w: State, i: int) -> Params:
    b = _fresh(rng, w, "lp_bins", lambda r: str(r.randint(1000, 9999)))
    _t(w, "lp_bins")[b] = {
        "street": rng.choice(["Elm Road", "Quay Street", "Mill Lane"]),
        "day": rng.choice(["Monday", "Tuesday", "Thursday"]),
        "suspended": _mixed(i, rng, False, True),
    }
    return {"bin": b}


def _bin_answer(p: Params, b: State) -> list:
    row = b["tables"]["lp_bins"][str(p["bin"])]
    return ["suspended"] if row["suspended"] else [row["day"]]


bins = Family(
    name="lp_bin",
    templates=["When is bin {bin} collected?"],
    fields={"bin": INT},
    sample=sample_bin,
    plan=[Step("lp_bin", lambda p, r: {"bin": str(p["bin"])})],
    expect=lambda p, b: {},
    answer=_bin_answer,
    summary=lambda p, r: (
        f"Collection of bin {p['bin']} is suspended until 2026-12-01."
        if "suspended" in str(r["lp_bin"])
        else f"Bin {p['bin']} is collected every {str(r['lp_bin']).rsplit(' ', 1)[1].rstrip('.')}."
    ),
)


# ======================================== 4. berths: free length (the goal's number after another word)
def _berth(s: State, a: dict) -> str:
    row = s["tables"].get("lp_berths", {}).get(str(a["berth"]))
    if row is None:
        raise ToolFail(f"no berth {a['berth']}")
    return f"Berth {a['berth']}: {row['length']} m long, {row['used']} m occupied."


def sample_berth(rng: random.Random, w: State, i: int) -> Params:
    b = _fresh(rng, w, "lp_berths", lambda r: str(r.randint(1, 40)))
    used = 0 if _mixed(i, rng, True, False) else rng.randint(10, 60)
    _t(w, "lp_berths")[b] = {"length": rng.randint(80, 160), "used": used}
    return {"berth": b}


def _berth_free(p: Params, b: State) -> int:
    row = b["tables"]["lp_berths"][str(p["berth"])]
    return int(row["length"]) - int(row["used"])


berth = Family(
    name="lp_berth",
    templates=["How many metres are free at berth {berth}?"],
    fields={"berth": INT},
    sample=sample_berth,
    plan=[Step("lp_berth", lambda p, r: {"berth": str(p["berth"])})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_berth_free(p, b)],
    summary=lambda p, r: f"At berth no. {p['berth']}, {_berth_free_r(r)} m are free.",
)


def _berth_free_r(r: dict) -> int:
    nums = [int(x) for x in str(r["lp_berth"]).split(": ", 1)[1].replace(",", "").split() if x.isdigit()]
    return nums[0] - nums[1]


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("lp_order", "An order's status (plain text).", {"order": str}, _order),
        Tool("lp_room", "A room's free seats (plain text).", {"room": str}, _room),
        Tool("lp_bin", "A bin's collection day (plain text).", {"bin": str}, _bin),
        Tool("lp_berth", "A berth's length and the metres occupied (plain text).", {"berth": str}, _berth),
    ]
}

FAMILIES = [order, room, bins, berth]
