"""Third probe for lists (issue 9, fixC): loop listings, list items keyed by position, per-item branches.

Written before the rules it probes were changed. Same interface as the public `families.py` (TOOLS and
FAMILIES); tool names are prefixed `l3_`:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_loops3.py --goals 16 --seed 7

Lists have 2 items, then 3, then 2 to 5. The traps:

- l3_freezers  a question over a list (read-only loop): lists of 2 all cold ("None of them is too warm."), lists of
               3 with one warm ("1 too warm: ..."); later lists of any length with 0-3 warm: the answer states the
               count, a listing of the readings does not
- l3_tickets   the same shape in another domain, the figure a sum: "How many hours are still open on the tickets ..."
               (lists of 2 first with one answer wording, then 3)
- l3_pumps     a write per item: every early pump "due"; later a pump "not due" (a per-item category never seen in
               the branch) must not be serviced
- l3_boilers   a write per item decided by a number: every early boiler over 900 h since service; later one at
               under 300 h must not be serviced
- l3_permits   no loop: a crew's roster (a list) holds the goal's worker first and "expired" in the first goals,
               the other workers "valid" or "expired"; later the goal's worker sits elsewhere with "valid": no renewal
- l3_bins      no loop: a rack's bins (a list), the goal's bin first with 20+ units in the first goals, other bins
               2-30 units; later the goal's bin sits second with 3 units: a pick of 5 must not be made
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
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "l3_freezer": READ,
    "l3_ticket": READ,
    "l3_pump": READ,
    "l3_service_pump": WRITE,
    "l3_boiler": READ,
    "l3_service_boiler": WRITE,
    "l3_crew": READ,
    "l3_renew_permit": WRITE,
    "l3_rack": READ,
    "l3_pick": WRITE,
}

MAX = 5
NUMS = Field(r"\d{4}(?:, \d{4})*(?: and \d{4})?")
LIST = Field(r"[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?")
PUMPS = ["Osprey", "Kestrel", "Merlin", "Harrier", "Plover", "Curlew", "Dunlin", "Avocet", "Godwit", "Whimbrel"]
WORKERS = ["Anouk", "Bartek", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hamid", "Ilona", "Jonas", "Kaori"]


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

    if getattr(Server.add_tool, "_l3_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._l3_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def _size(rng: random.Random, i: int) -> int:
    return 2 if i < 2 else 3 if i < 4 else rng.randint(2, MAX)


def _nums(rng: random.Random, w: State, table: str, n: int) -> list[str]:
    taken = set(w["tables"].get(table, {}))
    out: list[str] = []
    while len(out) < n:
        x = str(rng.randint(4001, 4999))
        if x not in taken and x not in out:
            out.append(x)
    return out


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _each(tool: str, arg: str, key: str = "", when: Any = None) -> list[Any]:
    return [
        Step(
            tool,
            lambda p, r, k=k: {arg: items_of(p["items"])[k]},
            key=f"{key or tool}{k}",
            when=lambda p, r, k=k: len(items_of(p["items"])) > k and (when is None or when(p, r, k)),
        )
        for k in range(MAX)
    ]


# =========================================================================== 1. freezers: a count a listing leaves out
def sample_freezers(rng: random.Random, w: State, i: int) -> Params:
    fr = _nums(rng, w, "l3_freezers", _size(rng, i))
    t = w["tables"].setdefault("l3_freezers", {})
    warm = 0 if i < 2 else 1 if i < 4 else rng.randint(0, min(3, len(fr)))
    hot = set(rng.sample(fr, warm))
    for f in fr:
        c = round(rng.uniform(-8.9, -6.1), 1) if f in hot else round(rng.uniform(-22.9, -18.1), 1)
        t[f] = {"freezer": f, "temp_c": c, "state": "too warm" if f in hot else "cold"}
    return {"items": listed(fr)}


def _warm(b: State, p: Params) -> list[str]:
    return [f for f in items_of(p["items"]) if b["tables"]["l3_freezers"][f]["state"] == "too warm"]


def _freezers_summary(p: Params, r: dict) -> str:
    rows = [r[f"l3_freezer{k}"] for k in range(len(items_of(p["items"])))]
    hot = [x["freezer"] for x in rows if x["state"] != "cold"]
    return "None of them is too warm." if not hot else f"{len(hot)} too warm: {', '.join(hot)}."


freezers = Family(
    name="l3_freezers",
    templates=["Which of the freezers {items} are too warm?"],
    fields={"items": NUMS},
    sample=sample_freezers,
    plan=_each("l3_freezer", "freezer"),
    expect=lambda p, b: {},
    answer=lambda p, b: [len(_warm(b, p))] if _warm(b, p) else ["None"],
    summary=_freezers_summary,
)


# =========================================================================== 2. tickets: a total a listing leaves out
def sample_tickets(rng: random.Random, w: State, i: int) -> Params:
    ts = _nums(rng, w, "l3_tickets", _size(rng, i))
    t = w["tables"].setdefault("l3_tickets", {})
    for x in ts:
        st = "closed" if i < 2 else rng.choice(["open", "closed"])
        t[x] = {"ticket": x, "status": st, "hours_left": rng.randint(3, 19) if st == "open" else 0}
    return {"items": listed(ts)}


def _open_hours(b: State, p: Params) -> int:
    return sum(b["tables"]["l3_tickets"][x]["hours_left"] for x in items_of(p["items"]))


def _tickets_summary(p: Params, r: dict) -> str:
    n = sum(r[f"l3_ticket{k}"]["hours_left"] for k in range(len(items_of(p["items"]))))
    return "All of them are closed." if not n else f"{n} hours are still open."


tickets = Family(
    name="l3_tickets",
    templates=["How many hours are still open on the tickets {items}?"],
    fields={"items": NUMS},
    sample=sample_tickets,
    plan=_each("l3_ticket", "ticket"),
    expect=lambda p, b: {},
    answer=lambda p, b: [_open_hours(b, p)] if _open_hours(b, p) else ["closed"],
    summary=_tickets_summary,
)


# =========================================================================== 3. pumps: a per-item category
def sample_pumps(rng: random.Random, w: State, i: int) -> Params:
    ps = rng.sample(PUMPS, _size(rng, i))
    t = w["tables"].setdefault("l3_pumps", {})
    for x in ps:
        t[x] = {"pump": x, "service": "due"}
    if i >= 5 and rng.random() < 0.6:
        t[rng.choice(ps)]["service"] = "not due"
    return {"items": listed(ps)}


def _due(b: State, x: str) -> bool:
    return b["tables"]["l3_pumps"][x]["service"] == "due"


pumps = Family(
    name="l3_pumps",
    templates=["Service the pumps {items} if they are due"],
    fields={"items": LIST},
    sample=sample_pumps,
    plan=[
        s
        for k in range(MAX)
        for s in (
            Step("l3_pump", lambda p, r, k=k: {"pump": items_of(p["items"])[k]}, key=f"l3_pump{k}",
                 when=lambda p, r, k=k: len(items_of(p["items"])) > k),
            Step("l3_service_pump", lambda p, r, k=k: {"pump": items_of(p["items"])[k]}, key=f"l3_service_pump{k}",
                 when=lambda p, r, k=k: len(items_of(p["items"])) > k and r[f"l3_pump{k}"]["service"] == "due"),
        )
    ],
    expect=lambda p, b: (
        {"serviced": [{"pump": x} for x in items_of(p["items"]) if _due(b, x)]}
        if any(_due(b, x) for x in items_of(p["items"]))
        else {}
    ),
    summary=lambda p, r: "Serviced the pumps that were due.",
)


def _service_pump(s: State, a: dict) -> dict:
    _row("l3_pumps", "pump", "pump")(s, a)
    s.setdefault("serviced", []).append({"pump": a["pump"]})
    return {"pump": a["pump"], "serviced": True}


# =========================================================================== 4. boilers: a per-item number
def sample_boilers(rng: random.Random, w: State, i: int) -> Params:
    bs = _nums(rng, w, "l3_boilers", _size(rng, i))
    t = w["tables"].setdefault("l3_boilers", {})
    for x in bs:
        t[x] = {"boiler": x, "hours_since_service": rng.randint(910, 1400)}
    if i >= 5 and rng.random() < 0.6:
        t[rng.choice(bs)]["hours_since_service"] = rng.randint(60, 290)
    return {"items": listed(bs)}


def _boiler_due(b: State, x: str) -> bool:
    return b["tables"]["l3_boilers"][x]["hours_since_service"] >= 500


boilers = Family(
    name="l3_boilers",
    templates=["Service whichever of the boilers {items} are past 500 hours"],
    fields={"items": NUMS},
    sample=sample_boilers,
    plan=[
        *_each("l3_boiler", "boiler"),
        *_each("l3_service_boiler", "boiler",
               when=lambda p, r, k: r[f"l3_boiler{k}"]["hours_since_service"] >= 500),
    ],
    expect=lambda p, b: (
        {"boilers_serviced": [{"boiler": x} for x in items_of(p["items"]) if _boiler_due(b, x)]}
        if any(_boiler_due(b, x) for x in items_of(p["items"]))
        else {}
    ),
    summary=lambda p, r: "Serviced the boilers past 500 hours.",
)


def _service_boiler(s: State, a: dict) -> dict:
    _row("l3_boilers", "boiler", "boiler")(s, a)
    s.setdefault("boilers_serviced", []).append({"boiler": str(a["boiler"])})
    return {"boiler": str(a["boiler"]), "serviced": True}


# ======================================================================= 5. permits: the goal's item moves in a list
def sample_permits(rng: random.Random, w: State, i: int) -> Params:
    t = w["tables"].setdefault("l3_crews", {})
    crew = f"K{rng.randint(10, 99)}"
    while crew in t:
        crew = f"K{rng.randint(10, 99)}"
    names = rng.sample(WORKERS, 3)
    me = names[0]
    rows = [{"worker": n, "permit": rng.choice(["valid", "expired"])} for n in names]
    rows[0]["permit"] = "expired"
    if i >= 4 and rng.random() < 0.6:  # the goal's worker elsewhere, with a valid permit
        rows[0]["permit"] = "valid"
        rows[1]["permit"] = "valid"
        rows[0], rows[1] = rows[1], rows[0]
    t[crew] = rows
    return {"crew": crew, "worker": me}


def _permit(b: State, p: Params) -> str:
    return next(r["permit"] for r in b["tables"]["l3_crews"][p["crew"]] if r["worker"] == p["worker"])


permits = Family(
    name="l3_permits",
    templates=["Renew {worker}'s site permit on crew {crew} if it has expired"],
    fields={"worker": fam.CAPWORD, "crew": Field(r"K\d{2}")},
    sample=sample_permits,
    plan=[
        Step("l3_crew", lambda p, r: {"crew": p["crew"]}),
        Step("l3_renew_permit", lambda p, r: {"worker": p["worker"], "crew": p["crew"]},
             when=lambda p, r: any(
                 x["worker"] == p["worker"] and x["permit"] == "expired" for x in r["l3_crew"]["workers"]
             )),
    ],
    expect=lambda p, b: {"permits": [{"worker": p["worker"]}]} if _permit(b, p) == "expired" else {},
    summary=lambda p, r: "Done.",
)


def _crew(s: State, a: dict) -> dict:
    rows = s["tables"].get("l3_crews", {}).get(str(a["crew"]))
    if rows is None:
        raise ToolFail(f"no crew {a['crew']}")
    return {"crew": str(a["crew"]), "workers": rows}


def _renew_permit(s: State, a: dict) -> dict:
    s.setdefault("permits", []).append({"worker": a["worker"]})
    return {"worker": a["worker"], "permit": "renewed"}


# =========================================================================== 6. bins: the goal's bin moves in a list
def sample_bins(rng: random.Random, w: State, i: int) -> Params:
    t = w["tables"].setdefault("l3_racks", {})
    rack = f"R{rng.randint(100, 999)}"
    while rack in t:
        rack = f"R{rng.randint(100, 999)}"
    codes = [f"B{n}" for n in rng.sample(range(10, 99), 3)]
    rows = [{"bin": c, "units": rng.randint(2, 30)} for c in codes]
    rows[0]["units"] = rng.randint(20, 30)
    me = codes[0]
    if i >= 4 and rng.random() < 0.6:  # the goal's bin second, nearly empty
        rows[1]["units"] = rng.randint(20, 30)
        rows[0]["units"] = 3
        rows[0], rows[1] = rows[1], rows[0]
    t[rack] = rows
    return {"rack": rack, "bin": me}


def _units(b: State, p: Params) -> int:
    return next(r["units"] for r in b["tables"]["l3_racks"][p["rack"]] if r["bin"] == p["bin"])


bins = Family(
    name="l3_bins",
    templates=["Pick 5 units from bin {bin} on rack {rack} if it holds enough"],
    fields={"bin": Field(r"B\d{2}"), "rack": Field(r"R\d{3}")},
    sample=sample_bins,
    plan=[
        Step("l3_rack", lambda p, r: {"rack": p["rack"]}),
        Step("l3_pick", lambda p, r: {"bin": p["bin"], "rack": p["rack"], "units": 5},
             when=lambda p, r: any(x["bin"] == p["bin"] and x["units"] >= 5 for x in r["l3_rack"]["bins"])),
    ],
    expect=lambda p, b: {"picks": [{"bin": p["bin"], "units": 5}]} if _units(b, p) >= 5 else {},
    summary=lambda p, r: "Done.",
)


def _rack(s: State, a: dict) -> dict:
    rows = s["tables"].get("l3_racks", {}).get(str(a["rack"]))
    if rows is None:
        raise ToolFail(f"no rack {a['rack']}")
    return {"rack": str(a["rack"]), "bins": rows}


def _pick(s: State, a: dict) -> dict:
    s.setdefault("picks", []).append({"bin": a["bin"], "units": int(a["units"])})
    return {"bin": a["bin"], "picked": int(a["units"])}


TOOLS = {
    t.name: t
    for t in [
        Tool("l3_freezer", "Read one freezer: temperature and state.", {"freezer": str},
             _row("l3_freezers", "freezer", "freezer")),
        Tool("l3_ticket", "Read one ticket: status and hours left.", {"ticket": str},
             _row("l3_tickets", "ticket", "ticket")),
        Tool("l3_pump", "Read one pump's service state.", {"pump": str}, _row("l3_pumps", "pump", "pump")),
        Tool("l3_service_pump", "Service one pump.", {"pump": str}, _service_pump),
        Tool("l3_boiler", "Read one boiler's hours since its last service.", {"boiler": str},
             _row("l3_boilers", "boiler", "boiler")),
        Tool("l3_service_boiler", "Service one boiler.", {"boiler": str}, _service_boiler),
        Tool("l3_crew", "A crew's roster with each worker's site permit.", {"crew": str}, _crew),
        Tool("l3_renew_permit", "Renew one worker's site permit.", {"worker": str, "crew": str}, _renew_permit),
        Tool("l3_rack", "A rack's bins and the units each holds.", {"rack": str}, _rack),
        Tool("l3_pick", "Pick units from a bin.", {"bin": str, "rack": str, "units": int}, _pick),
    ]
}  # fmt: skip

FAMILIES = [freezers, tickets, pumps, boilers, permits, bins]
