"""Second probe for lists of varying length (issue 9, rate6: `learning/loops/`): domains no other set uses.

Written before the loop rule it probes was changed. Same interface as the public `families.py` (TOOLS and
FAMILIES); tool names are prefixed `l2_`:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_loops2.py --goals 8 --seed 7

Lists have 2 items, then 3, then 1 to 6. The traps (never in the first four goals of a family unless said):

- l2_vials     a pharmacy fridge: read every vial first, then seal every vial (two calls per item, the reads
               all before the writes); later a vial reads "intact (hairline crack)", a near-miss of "intact":
               it must not be sealed
- l2_hives     an apiary: read a hive's weight, then feed it syrup (litres from the weight) before the next
               hive (two calls per item, interleaved); later a hive heavier than any seen needs no syrup
- l2_badges    a site office: read each badge, renew only the expired ones (a per-item branch, both ways
               from the first goal on); the answer counts the renewals
- l2_sensors   a question: which of the sensors has the lowest battery (plain-text results); the answer
               names it and states its level
- l2_manifest  the list is in a result: a plain-text manifest names 0-4 crates, each is then inspected
               (an empty manifest: nothing to inspect)
- l2_passes    a ski lift: issue a day pass to each named skier (a write per item that is not idempotent)
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
    "l2_vial": READ,
    "l2_seal_vial": IDEMPOTENT,
    "l2_hive": READ,
    "l2_feed_hive": WRITE,
    "l2_badge": READ,
    "l2_renew_badge": WRITE,
    "l2_sensor": READ,
    "l2_manifest": READ,
    "l2_inspect_crate": WRITE,
    "l2_issue_pass": WRITE,
}

MAX = 6
NUMS = Field(r"\d{4}(?:, \d{4})*(?: and \d{4})?")
LIST = Field(r"[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?")
HIVES = ["Heather", "Clover", "Linden", "Acacia", "Borage", "Thyme", "Sage", "Lupin", "Tansy", "Yarrow", "Sorrel"]
SKIERS = ["Ingrid", "Matteo", "Saoirse", "Kenji", "Amara", "Tomasz", "Leilani", "Bjorn", "Odile", "Ravi", "Zofia"]


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

    if getattr(Server.add_tool, "_l2_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._l2_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def _size(rng: random.Random, i: int) -> int:
    return 2 if i < 2 else 3 if i < 4 else rng.randint(1, MAX)


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


# =========================================================================== 1. vials: reads first, then writes
def sample_vials(rng: random.Random, w: State, i: int) -> Params:
    vials = _nums(rng, w, "l2_vials", _size(rng, i))
    t = w["tables"].setdefault("l2_vials", {})
    for v in vials:
        t[v] = {"vial": v, "status": "intact", "ml": rng.choice([2, 5, 10])}
    if i >= 4 and rng.random() < 0.5:
        t[rng.choice(vials)]["status"] = "intact (hairline crack)"
    return {"items": listed(vials)}


def _vial_ok(b: State, v: str) -> bool:
    return b["tables"]["l2_vials"][v]["status"] == "intact"


vials = Family(
    name="l2_vials",
    templates=["Check the vials {items} and seal them"],
    fields={"items": NUMS},
    sample=sample_vials,
    plan=[
        *_each("l2_vial", "vial"),
        *_each("l2_seal_vial", "vial", when=lambda p, r, k: r[f"l2_vial{k}"]["status"] == "intact"),
    ],
    expect=lambda p, b: (
        {"sealed": [{"vial": v} for v in items_of(p["items"]) if _vial_ok(b, v)]}
        if any(_vial_ok(b, v) for v in items_of(p["items"]))
        else {}
    ),
    answer=lambda p, b: [sum(_vial_ok(b, v) for v in items_of(p["items"]))],
    summary=lambda p, r: (
        f"Sealed {sum(r[f'l2_vial{k}']['status'] == 'intact' for k in range(len(items_of(p['items']))))} vials."
    ),
)


def _seal(s: State, a: dict) -> dict:
    _row("l2_vials", "vial", "vial")(s, a)
    s.setdefault("sealed", []).append({"vial": str(a["vial"])})  # sealing twice changes nothing but the log
    return {"vial": str(a["vial"]), "sealed": True}


# =========================================================================== 2. hives: read then feed, per hive
def sample_hives(rng: random.Random, w: State, i: int) -> Params:
    hives = rng.sample(HIVES, _size(rng, i))
    t = w["tables"].setdefault("l2_hives", {})
    for h in hives:
        t[h] = {"hive": h, "kg": round(rng.uniform(8.0, 16.0), 1)}
    if i >= 4 and rng.random() < 0.5:
        t[rng.choice(hives)]["kg"] = round(rng.uniform(19.0, 24.0), 1)
    return {"items": listed(hives)}


def _litres(kg: float) -> float:
    return round(max(0.0, 18.0 - kg) * 0.5, 1)


hives = Family(
    name="l2_hives",
    templates=["Feed the hives {items} for winter"],
    fields={"items": LIST},
    sample=sample_hives,
    plan=[
        s
        for k in range(MAX)
        for s in (
            Step(
                "l2_hive",
                lambda p, r, k=k: {"hive": items_of(p["items"])[k]},
                key=f"l2_hive{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            ),
            Step(
                "l2_feed_hive",
                lambda p, r, k=k: {"hive": items_of(p["items"])[k], "litres": _litres(r[f"l2_hive{k}"]["kg"])},
                key=f"l2_feed_hive{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k and _litres(r[f"l2_hive{k}"]["kg"]) > 0,
            ),
        )
    ],
    expect=lambda p, b: (
        {
            "fed": [
                {"hive": h, "litres": _litres(b["tables"]["l2_hives"][h]["kg"])}
                for h in items_of(p["items"])
                if _litres(b["tables"]["l2_hives"][h]["kg"]) > 0
            ]
        }
        if any(_litres(b["tables"]["l2_hives"][h]["kg"]) > 0 for h in items_of(p["items"]))
        else {}
    ),
    summary=lambda p, r: "Fed the hives that needed it.",
)


def _feed(s: State, a: dict) -> dict:
    _row("l2_hives", "hive", "hive")(s, a)
    s.setdefault("fed", []).append({"hive": a["hive"], "litres": float(a["litres"])})
    return {"hive": a["hive"], "fed_litres": float(a["litres"])}


# =========================================================================== 3. badges: a per-item branch
def sample_badges(rng: random.Random, w: State, i: int) -> Params:
    badges = _nums(rng, w, "l2_badges", _size(rng, i))
    t = w["tables"].setdefault("l2_badges", {})
    states = [rng.choice(["active", "expired"]) for _ in badges]
    if i < 2:
        states = ["expired", "active"][: len(badges)]
    for b, st in zip(badges, states, strict=True):
        t[b] = {"badge": b, "state": st, "holder_site": rng.choice(["North yard", "Quay 3"])}
    return {"items": listed(badges)}


def _expired(b: State, x: str) -> bool:
    return b["tables"]["l2_badges"][x]["state"] == "expired"


badges = Family(
    name="l2_badges",
    templates=["Renew whichever of the badges {items} have expired"],
    fields={"items": NUMS},
    sample=sample_badges,
    plan=[
        *_each("l2_badge", "badge"),
        *_each("l2_renew_badge", "badge", when=lambda p, r, k: r[f"l2_badge{k}"]["state"] == "expired"),
    ],
    expect=lambda p, b: (
        {"renewed": [{"badge": x} for x in items_of(p["items"]) if _expired(b, x)]}
        if any(_expired(b, x) for x in items_of(p["items"]))
        else {}
    ),
    answer=lambda p, b: [sum(_expired(b, x) for x in items_of(p["items"]))],
    summary=lambda p, r: (
        f"Renewed {sum(r[f'l2_badge{k}']['state'] == 'expired' for k in range(len(items_of(p['items']))))} badges."
    ),
)


def _renew(s: State, a: dict) -> dict:
    _row("l2_badges", "badge", "badge")(s, a)
    s.setdefault("renewed", []).append({"badge": str(a["badge"])})
    return {"badge": str(a["badge"]), "state": "renewed"}


# =========================================================================== 4. sensors: plain text, the lowest
def sample_sensors(rng: random.Random, w: State, i: int) -> Params:
    sensors = _nums(rng, w, "l2_sensors", _size(rng, i))
    t = w["tables"].setdefault("l2_sensors", {})
    levels = rng.sample(range(12, 98), len(sensors))
    for s_, lv in zip(sensors, levels, strict=True):
        t[s_] = {"sensor": s_, "pct": lv, "seen": f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"}
    return {"items": listed(sensors)}


def _sensor_text(s: State, a: dict) -> str:
    row = _row("l2_sensors", "sensor", "sensor")(s, a)
    return f"Sensor {row['sensor']}: battery {row['pct']} %, last seen at {row['seen']}."


def _lowest(b: State, p: Params) -> dict:
    return min((b["tables"]["l2_sensors"][x] for x in items_of(p["items"])), key=lambda r: r["pct"])


sensors = Family(
    name="l2_sensors",
    templates=["Which of the sensors {items} has the lowest battery?"],
    fields={"items": NUMS},
    sample=sample_sensors,
    plan=_each("l2_sensor", "sensor"),
    expect=lambda p, b: {},
    answer=lambda p, b: [_lowest(b, p)["sensor"], _lowest(b, p)["pct"]],
    summary=lambda p, r: _sensors_summary(p, r),
)


def _sensors_summary(p: Params, r: dict) -> str:
    rows = []
    for k in range(len(items_of(p["items"]))):
        text = str(r[f"l2_sensor{k}"])
        rows.append((int(text.split("battery ")[1].split(" %")[0]), text.split(":")[0].split()[-1]))
    pct, name = min(rows)
    return f"Sensor {name} has the lowest battery: {pct} %."


# =========================================================================== 5. manifest: a list in a plain-text result
def sample_manifest(rng: random.Random, w: State, i: int) -> Params:
    t = w["tables"].setdefault("l2_manifests", {})
    m = f"M-{rng.randint(100, 999)}"
    while m in t:
        m = f"M-{rng.randint(100, 999)}"
    n = 2 if i < 2 else 3 if i < 4 else rng.randint(0, 4)
    t[m] = [f"C{rng.randint(10, 99)}" for _ in range(n)]
    t[m] = list(dict.fromkeys(t[m]))
    return {"manifest": m}


def _manifest_text(s: State, a: dict) -> str:
    crates = s["tables"].get("l2_manifests", {}).get(str(a["manifest"]))
    if crates is None:
        raise ToolFail(f"no manifest {a['manifest']}")
    if not crates:
        return f"Manifest {a['manifest']}: no crates listed."
    return f"Manifest {a['manifest']}: crates {', '.join(crates)}."


def _crates(p: Params, r: dict) -> list[str]:
    text = str(r["l2_manifest"])
    if "no crates" in text:
        return []
    return text.split("crates ")[1].rstrip(".").split(", ")


manifest = Family(
    name="l2_manifest",
    templates=["Inspect every crate on manifest {manifest}"],
    fields={"manifest": Field(r"M-\d{3}")},
    sample=sample_manifest,
    plan=[
        Step("l2_manifest", lambda p, r: {"manifest": p["manifest"]}),
        *[
            Step(
                "l2_inspect_crate",
                lambda p, r, k=k: {"crate": _crates(p, r)[k], "manifest": p["manifest"]},
                key=f"l2_inspect_crate{k}",
                when=lambda p, r, k=k: len(_crates(p, r)) > k,
            )
            for k in range(4)
        ],
    ],
    expect=lambda p, b: (
        {"inspected": [{"crate": c} for c in b["tables"]["l2_manifests"][p["manifest"]]]}
        if b["tables"]["l2_manifests"][p["manifest"]]
        else {}
    ),
    answer=lambda p, b: [len(b["tables"]["l2_manifests"][p["manifest"]])],
    summary=lambda p, r: f"Inspected {len(_crates(p, r))} crates.",
)


def _inspect(s: State, a: dict) -> dict:
    s.setdefault("inspected", []).append({"crate": str(a["crate"])})
    return {"crate": str(a["crate"]), "inspected": True}


# =========================================================================== 6. passes: a non-idempotent write per item
def sample_passes(rng: random.Random, w: State, i: int) -> Params:
    return {"items": listed(rng.sample(SKIERS, _size(rng, i)))}


passes = Family(
    name="l2_passes",
    templates=["Issue a day pass to {items}"],
    fields={"items": LIST},
    sample=sample_passes,
    plan=_each("l2_issue_pass", "skier"),
    expect=lambda p, b: {"passes": [{"skier": x} for x in items_of(p["items"])]},
    answer=lambda p, b: [len(items_of(p["items"]))],
    summary=lambda p, r: f"Issued {len(items_of(p['items']))} day passes.",
)


def _issue(s: State, a: dict) -> dict:
    s.setdefault("passes", []).append({"skier": str(a["skier"])})
    return {"skier": str(a["skier"]), "pass": "day", "issued": True}


TOOLS = {
    t.name: t
    for t in [
        Tool("l2_vial", "Read one vial in the pharmacy fridge: status and volume.", {"vial": str},
             _row("l2_vials", "vial", "vial")),
        Tool("l2_seal_vial", "Seal one vial.", {"vial": str}, _seal),
        Tool("l2_hive", "Weigh one beehive (kg).", {"hive": str}, _row("l2_hives", "hive", "hive")),
        Tool("l2_feed_hive", "Feed one hive syrup (litres).", {"hive": str, "litres": float}, _feed),
        Tool("l2_badge", "Read one site badge: its state.", {"badge": str}, _row("l2_badges", "badge", "badge")),
        Tool("l2_renew_badge", "Renew one site badge.", {"badge": str}, _renew),
        Tool("l2_sensor", "One sensor's battery and last contact (plain text).", {"sensor": str}, _sensor_text),
        Tool("l2_manifest", "The crates a shipping manifest lists (plain text).", {"manifest": str}, _manifest_text),
        Tool("l2_inspect_crate", "Log an inspection of one crate.", {"crate": str, "manifest": str}, _inspect),
        Tool("l2_issue_pass", "Issue a ski-lift day pass to one skier.", {"skier": str}, _issue),
    ]
}  # fmt: skip

FAMILIES = [vials, hives, badges, sensors, manifest, passes]
