"""Second probe for fixC (issue 9): lists and list items, not shaped on the fixes. Tools prefixed `l4_`.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_loops4.py --goals 16 --seed 7

- l4_parcels   a question over a list: "Are any of the parcels ... delayed?"; answers say "No." or state how
               many are delayed and the longest delay (days), from any list length on
- l4_printers  a write per item decided by a number: refill each printer whose toner is under 20 %; early
               goals all under, later some at 60-90 %
- l4_shelter   no loop: a shelter room lists its cats (the goal's cat anywhere in the list), vaccinated or not;
               an adoption only for a vaccinated cat; later the goal's cat unvaccinated where others were not
- l4_weigh     a total over a list: "What do the parcels ... weigh together?" (a control: should replay)
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
    "l4_parcel": READ,
    "l4_printer": READ,
    "l4_refill": WRITE,
    "l4_room": READ,
    "l4_adopt": WRITE,
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

    if getattr(Server.add_tool, "_l4_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._l4_annotated = True  # type: ignore[attr-defined]
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


# =========================================================================== 1. parcels: a figure only sometimes
def sample_parcels(rng: random.Random, w: State, i: int) -> Params:
    ps = _nums(rng, w, "l4_parcels", _size(rng, i))
    t = w["tables"].setdefault("l4_parcels", {})
    late = set(rng.sample(ps, rng.randint(0, min(2, len(ps))))) if i >= 2 else set()
    for x in ps:
        days = rng.randint(1, 6) if x in late else 0
        t[x] = {"parcel": x, "status": "delayed" if x in late else "on time", "days_late": days}
    return {"items": listed(ps)}


def _late(b: State, p: Params) -> list[dict]:
    rows = [b["tables"]["l4_parcels"][x] for x in items_of(p["items"])]
    return [x for x in rows if x["status"] == "delayed"]


def _parcels_summary(p: Params, r: dict) -> str:
    rows = [r[f"l4_parcel{k}"] for k in range(len(items_of(p["items"])))]
    late = [x for x in rows if x["status"] == "delayed"]
    if not late:
        return "No."
    return f"Yes: {len(late)} delayed, the longest by {max(x['days_late'] for x in late)} days."


parcels = Family(
    name="l4_parcels",
    templates=["Are any of the parcels {items} delayed?"],
    fields={"items": NUMS},
    sample=sample_parcels,
    plan=_each("l4_parcel", "parcel"),
    expect=lambda p, b: {},
    answer=lambda p, b: [len(_late(b, p)), max(x["days_late"] for x in _late(b, p))] if _late(b, p) else ["No"],
    summary=_parcels_summary,
)


# =========================================================================== 2. printers: a number per item
def sample_printers(rng: random.Random, w: State, i: int) -> Params:
    ps = rng.sample(PUMPS, _size(rng, i))
    t = w["tables"].setdefault("l4_printers", {})
    for x in ps:
        t[x] = {"printer": x, "toner_pct": rng.randint(2, 18)}
    if i >= 5 and rng.random() < 0.6:
        t[rng.choice(ps)]["toner_pct"] = rng.randint(60, 90)
    return {"items": listed(ps)}


def _low(b: State, x: str) -> bool:
    return b["tables"]["l4_printers"][x]["toner_pct"] < 20


printers = Family(
    name="l4_printers",
    templates=["Refill the toner of the printers {items} where it is under 20 %"],
    fields={"items": LIST},
    sample=sample_printers,
    plan=[
        s
        for k in range(MAX)
        for s in (
            Step("l4_printer", lambda p, r, k=k: {"printer": items_of(p["items"])[k]}, key=f"l4_printer{k}",
                 when=lambda p, r, k=k: len(items_of(p["items"])) > k),
            Step("l4_refill", lambda p, r, k=k: {"printer": items_of(p["items"])[k]}, key=f"l4_refill{k}",
                 when=lambda p, r, k=k: len(items_of(p["items"])) > k and r[f"l4_printer{k}"]["toner_pct"] < 20),
        )
    ],
    expect=lambda p, b: (
        {"refilled": [{"printer": x} for x in items_of(p["items"]) if _low(b, x)]}
        if any(_low(b, x) for x in items_of(p["items"]))
        else {}
    ),
    summary=lambda p, r: "Refilled the printers low on toner.",
)


def _refill(s: State, a: dict) -> dict:
    _row("l4_printers", "printer", "printer")(s, a)
    s.setdefault("refilled", []).append({"printer": a["printer"]})
    return {"printer": a["printer"], "refilled": True}


# =========================================================================== 3. shelter: the goal's cat anywhere
CATS = ["Miso", "Tofu", "Pixel", "Nori", "Mochi", "Biscuit", "Olive", "Pepper", "Ziggy", "Luna", "Willow", "Tigger"]


def sample_shelter(rng: random.Random, w: State, i: int) -> Params:
    t = w["tables"].setdefault("l4_rooms", {})
    room = f"Room {rng.randint(10, 99)}"
    while room in t:
        room = f"Room {rng.randint(10, 99)}"
    names = rng.sample(CATS, 3)
    me = names[0]
    rows = [{"cat": n, "vaccinated": "no"} for n in names]
    rows[0]["vaccinated"] = "yes"
    if i >= 4 and rng.random() < 0.5:
        rows[0]["vaccinated"] = "no"
        rows[1]["vaccinated"] = "yes"
    rng.shuffle(rows)
    t[room] = rows
    return {"room": room, "cat": me}


def _vacc(b: State, p: Params) -> bool:
    return any(r["cat"] == p["cat"] and r["vaccinated"] == "yes" for r in b["tables"]["l4_rooms"][p["room"]])


shelter = Family(
    name="l4_shelter",
    templates=["Release {cat} from {room} for adoption if vaccinated"],
    fields={"cat": fam.CAPWORD, "room": Field(r"Room \d{2}")},
    sample=sample_shelter,
    plan=[
        Step("l4_room", lambda p, r: {"room": p["room"]}),
        Step("l4_adopt", lambda p, r: {"cat": p["cat"]},
             when=lambda p, r: any(x["cat"] == p["cat"] and x["vaccinated"] == "yes" for x in r["l4_room"]["cats"])),
    ],
    expect=lambda p, b: {"adoptions": [{"cat": p["cat"]}]} if _vacc(b, p) else {},
    summary=lambda p, r: "Done.",
)


def _room(s: State, a: dict) -> dict:
    rows = s["tables"].get("l4_rooms", {}).get(str(a["room"]))
    if rows is None:
        raise ToolFail(f"no room {a['room']}")
    return {"room": str(a["room"]), "cats": rows}


def _adopt(s: State, a: dict) -> dict:
    s.setdefault("adoptions", []).append({"cat": a["cat"]})
    return {"cat": a["cat"], "released": True}


# =========================================================================== 4. weigh: a total (control)
def sample_weigh(rng: random.Random, w: State, i: int) -> Params:
    ps = _nums(rng, w, "l4_parcels", _size(rng, i))
    t = w["tables"].setdefault("l4_parcels", {})
    for x in ps:
        t[x] = {"parcel": x, "status": "on time", "days_late": 0, "kg": rng.randint(1, 20)}
    return {"items": listed(ps)}


def _kg(b: State, p: Params) -> int:
    return sum(b["tables"]["l4_parcels"][x]["kg"] for x in items_of(p["items"]))


weigh = Family(
    name="l4_weigh",
    templates=["What do the parcels {items} weigh together?"],
    fields={"items": NUMS},
    sample=sample_weigh,
    plan=_each("l4_parcel", "parcel"),
    expect=lambda p, b: {},
    answer=lambda p, b: [_kg(b, p)],
    summary=lambda p, r: f"{sum(r[f'l4_parcel{k}']['kg'] for k in range(len(items_of(p['items']))))} kg in all.",
)


TOOLS = {
    t.name: t
    for t in [
        Tool("l4_parcel", "Track one parcel: status, days late, weight.", {"parcel": str},
             _row("l4_parcels", "parcel", "parcel")),
        Tool("l4_printer", "Read one printer's toner level (%).", {"printer": str},
             _row("l4_printers", "printer", "printer")),
        Tool("l4_refill", "Refill one printer's toner.", {"printer": str}, _refill),
        Tool("l4_room", "The cats of one shelter room and their vaccination.", {"room": str}, _room),
        Tool("l4_adopt", "Release one cat for adoption.", {"cat": str}, _adopt),
    ]
}  # fmt: skip

FAMILIES = [parcels, printers, shelter, weigh]
