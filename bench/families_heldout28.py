"""Held-out probe 28 (issue 9, helper prod2): a product or a ratio that means something flips while each
operand, and every other pair quantity the runs could see, stays inside what the supporting runs saw.
Written against the rule that products whose units make no quantity go unchecked (`_seen_units`): the
products and ratios here have units that compose (an area x a thickness, a count x a duration x a daily
ration, a monthly sum x months, a rise against a run) and must still stop the replay; one family's product
means nothing (hours x hours) and its decision is a sum.

- h28_pour      concrete for a slab: area_m2 x thickness_cm / 100 over 8 m3 needs two trucks (one record)
- h28_feed      winter feed: head x days (the herd) x ration_kg (the feed sheet) past the silo's 9000 kg
                buys extra feed (two reads)
- h28_ramp      a ramp's rise_cm against its run_cm steeper than 1:12 needs handrails (a ratio)
- h28_lease     a lease's amount_eur x months past 12000 EUR needs the director (money x time)
- h28_shift     a nurse's hours_today + a shift's shift_hours past 12 h is refused (the sum decides; the
                product hours x hours means nothing and is no longer held)

Workloads up to `--goals 16`. The first goals of a family never cross a trap, later goals sometimes do;
a trap keeps every operand, and every product, ratio and difference of two operands, inside what the
first goals showed (`_inside`).
"""

from __future__ import annotations

import os
import random
import re
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
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h28_slab": READ,
    "h28_order_concrete": WRITE,
    "h28_herd": READ,
    "h28_ration": READ,
    "h28_feed_plan": WRITE,
    "h28_ramp": READ,
    "h28_approve_ramp": WRITE,
    "h28_lease": READ,
    "h28_sign_lease": WRITE,
    "h28_nurse": READ,
    "h28_ward_shift": READ,
    "h28_roster": WRITE,
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

    if getattr(Server.add_tool, "_h28_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h28_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random, share: float = 0.45, first: int = 4) -> bool:
    """Never for the first goals, then at random."""
    return i >= first and rng.random() < share


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _log(section: str, **row: Any) -> dict:
    return {section: [row]}


def _logger(section: str, *keys: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = {k: a[k] for k in keys}
        s.setdefault(section, []).append(row)
        return {**row, "status": "done"}

    return run


def _get(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _inside(qs: Any, first: list[tuple[float, ...]], t: tuple[float, ...]) -> bool:
    """Every operand and every pair quantity (`qs`) of `t` inside what the first goals showed."""
    seen = [[*f, *qs(*f)] for f in first]
    mine = [*t, *qs(*t)]
    return all(min(c) <= q <= max(c) for q, c in zip(mine, zip(*seen, strict=True), strict=True))


def _pairs(*xs: float) -> list[float]:
    out: list[float] = []
    for i, a in enumerate(xs):
        for b in xs[i + 1 :]:
            out += [a * b, a / b, b / a, a - b]
    return out


def _draw(
    rng: random.Random, i: int, first: list[tuple[float, ...]], gen: Any, value: Any, ok: Any, qs: Any = _pairs
) -> tuple:
    """The first goals' operands, then draws inside them (`_inside`: the operands and the quantities `qs`,
    all but the one that decides) whose `value` is a trap's or not."""
    if i < len(first):
        return first[i]
    trap = _trap(i, rng, first=len(first))
    for _ in range(20000):
        t = gen(rng)
        if _inside(qs, first, t) and ok(value(*t)) != trap:
            return t
    return first[0]


def _not_product(a: float, b: float) -> list[float]:
    return [a / b, b / a, a - b]


def _not_ratio(a: float, b: float) -> list[float]:
    return [a * b, a - b]


# ======================================== 1. pour: area x thickness of one record (a volume)
FIRST_SLAB = [(80.0, 5.0), (20.0, 20.0), (40.0, 10.0), (50.0, 12.0)]
TRUCK_M3 = 8.0


def _m3(area: float, cm: float) -> float:
    return area * cm / 100


def sample_slab(rng: random.Random, w: State, i: int) -> Params:
    slab = f"SL-{400 + 7 * i + rng.randint(0, 6)}"
    gen = lambda r: (float(r.randrange(20, 81, 5)), float(r.randrange(5, 21)))  # noqa: E731
    area, cm = _draw(rng, i, FIRST_SLAB, gen, _m3, lambda v: v <= TRUCK_M3, _not_product)
    w.setdefault("h28_slabs", {})[slab] = {"slab": slab, "area_m2": area, "thickness_cm": cm, "mix": "C25"}
    return {"slab": slab}


def _trucks(row: dict) -> int:
    return 1 if _m3(row["area_m2"], row["thickness_cm"]) <= TRUCK_M3 else 2


pour = Family(
    name="h28_pour",
    templates=["Order the concrete for slab {slab}"],
    fields={"slab": Field(r"SL-\d+")},
    sample=sample_slab,
    plan=[
        Step("h28_slab", lambda p, r: {"slab": p["slab"]}),
        Step("h28_order_concrete", lambda p, r: {"slab": p["slab"], "trucks": _trucks(r["h28_slab"])}),
    ],
    expect=lambda p, b: _log("h28_orders", slab=p["slab"], trucks=_trucks(b["h28_slabs"][p["slab"]])),
    answer=lambda p, b: [str(_trucks(b["h28_slabs"][p["slab"]]))],
    summary=lambda p, r: f"Slab {p['slab']}: {r['h28_order_concrete']['trucks']} truck(s) ordered.",
    repeats=False,
)


# ======================================== 2. feed: head x days (one read) x ration (another)
FIRST_HERD = [(40.0, 90.0, 2.0), (120.0, 30.0, 2.0), (40.0, 30.0, 6.0), (80.0, 60.0, 1.5), (60.0, 45.0, 3.0)]
SILO_KG = 9000.0


def _feed_kg(head: float, days: float, ration: float) -> float:
    return head * days * ration


def sample_herd(rng: random.Random, w: State, i: int) -> Params:
    herd = f"HD-{30 + 5 * i + rng.randint(0, 4)}"
    gen = lambda r: (float(r.randrange(40, 121, 10)), float(r.randrange(30, 91, 15)), r.randint(3, 12) / 2)  # noqa: E731
    head, days, ration = _draw(rng, i, FIRST_HERD, gen, _feed_kg, lambda v: v <= SILO_KG)
    w.setdefault("h28_herds", {})[herd] = {"herd": herd, "head": head, "days": days}
    w.setdefault("h28_rations", {})[herd] = {"herd": herd, "feed": "hay pellets", "ration_kg": ration}
    return {"herd": herd}


def _extra(b: State, herd: str) -> str:
    row, ration = b["h28_herds"][herd], b["h28_rations"][herd]
    return "yes" if _feed_kg(row["head"], row["days"], ration["ration_kg"]) > SILO_KG else "no"


feed = Family(
    name="h28_feed",
    templates=["Plan the winter feed for herd {herd}"],
    fields={"herd": Field(r"HD-\d+")},
    sample=sample_herd,
    plan=[
        Step("h28_herd", lambda p, r: {"herd": p["herd"]}),
        Step("h28_ration", lambda p, r: {"herd": p["herd"]}),
        Step(
            "h28_feed_plan",
            lambda p, r: {
                "herd": p["herd"],
                "buy_extra": "yes"
                if _feed_kg(r["h28_herd"]["head"], r["h28_herd"]["days"], r["h28_ration"]["ration_kg"]) > SILO_KG
                else "no",
            },
        ),
    ],
    expect=lambda p, b: _log("h28_feed_plans", herd=p["herd"], buy_extra=_extra(b, p["herd"])),
    answer=lambda p, b: [_extra(b, p["herd"])],
    summary=lambda p, r: f"Herd {p['herd']}: extra feed {r['h28_feed_plan']['buy_extra']}.",
    repeats=False,
)


# ======================================== 3. ramp: rise against run (a ratio of one record)
FIRST_RAMP = [(20.0, 400.0), (60.0, 800.0), (30.0, 600.0), (50.0, 900.0)]


def _steep(rise: float, run: float) -> bool:
    return rise / run > 1 / 12


def sample_ramp(rng: random.Random, w: State, i: int) -> Params:
    ramp = f"RP-{70 + 3 * i + rng.randint(0, 2)}"
    gen = lambda r: (float(r.randrange(20, 61, 5)), float(r.randrange(400, 901, 50)))  # noqa: E731
    rise, run = _draw(rng, i, FIRST_RAMP, gen, lambda a, b: a / b, lambda v: v <= 1 / 12, _not_ratio)
    w.setdefault("h28_ramps", {})[ramp] = {"ramp": ramp, "rise_cm": rise, "run_cm": run, "surface": "concrete"}
    return {"ramp": ramp}


def _handrails(row: dict) -> str:
    return "yes" if _steep(row["rise_cm"], row["run_cm"]) else "no"


ramp = Family(
    name="h28_ramp",
    templates=["Approve ramp {ramp} at the library entrance"],
    fields={"ramp": Field(r"RP-\d+")},
    sample=sample_ramp,
    plan=[
        Step("h28_ramp", lambda p, r: {"ramp": p["ramp"]}),
        Step("h28_approve_ramp", lambda p, r: {"ramp": p["ramp"], "handrails": _handrails(r["h28_ramp"])}),
    ],
    expect=lambda p, b: _log("h28_approvals", ramp=p["ramp"], handrails=_handrails(b["h28_ramps"][p["ramp"]])),
    answer=lambda p, b: [_handrails(b["h28_ramps"][p["ramp"]])],
    summary=lambda p, r: f"Ramp {p['ramp']} approved, handrails {r['h28_approve_ramp']['handrails']}.",
    repeats=False,
)


# ======================================== 4. lease: a monthly sum x months (money x time)
FIRST_LEASE = [(900.0, 6.0), (300.0, 24.0), (600.0, 12.0), (450.0, 18.0)]
DIRECTOR_EUR = 12000.0


def sample_lease(rng: random.Random, w: State, i: int) -> Params:
    lease = f"LS-{200 + 9 * i + rng.randint(0, 8)}"
    gen = lambda r: (float(r.randrange(300, 901, 50)), float(r.randrange(6, 25, 3)))  # noqa: E731
    amount, months = _draw(rng, i, FIRST_LEASE, gen, lambda a, m: a * m, lambda v: v <= 9000, _not_product)
    if i >= len(FIRST_LEASE) and amount * months > 9000 and amount * months <= DIRECTOR_EUR:
        amount, months = FIRST_LEASE[i % len(FIRST_LEASE)]  # between 9000 and the limit: no trap, no safe goal
    w.setdefault("h28_leases", {})[lease] = {"lease": lease, "amount_eur": amount, "months": months}
    return {"lease": lease}


def _signer(row: dict) -> str:
    return "director" if row["amount_eur"] * row["months"] > DIRECTOR_EUR else "manager"


lease = Family(
    name="h28_lease",
    templates=["Sign lease {lease} for the print room"],
    fields={"lease": Field(r"LS-\d+")},
    sample=sample_lease,
    plan=[
        Step("h28_lease", lambda p, r: {"lease": p["lease"]}),
        Step("h28_sign_lease", lambda p, r: {"lease": p["lease"], "signer": _signer(r["h28_lease"])}),
    ],
    expect=lambda p, b: _log("h28_signed", lease=p["lease"], signer=_signer(b["h28_leases"][p["lease"]])),
    answer=lambda p, b: [_signer(b["h28_leases"][p["lease"]])],
    summary=lambda p, r: f"Lease {p['lease']} signed by the {r['h28_sign_lease']['signer']}.",
    repeats=False,
)


# ======================================== 5. shift: hours today + a shift's hours (a sum; hours x hours means nothing)
FIRST_SHIFT = [(2.0, 8.0), (4.0, 6.0), (0.0, 12.0), (6.0, 4.0)]
NURSES = ["Ada Okafor", "Bo Lindqvist", "Chen Wei", "Dara Walsh", "Eli Moreau", "Femi Adeyemi"]
MAX_H = 12.0


def sample_shift(rng: random.Random, w: State, i: int) -> Params:
    nurse = NURSES[i % len(NURSES)] if i < len(NURSES) else rng.choice(NURSES)
    shift = f"SH-{10 + i}"
    if i < len(FIRST_SHIFT):
        today, hours = FIRST_SHIFT[i]
    elif _trap(i, rng):
        today, hours = rng.choice([(6.0, 8.0), (4.0, 10.0), (5.0, 8.0)])
    else:
        today, hours = rng.choice([(1.0, 4.0), (3.0, 8.0), (2.0, 6.0), (5.0, 4.0), (1.0, 10.0)])
    w.setdefault("h28_nurses", {})[nurse] = {"nurse": nurse, "hours_today": today, "max_hours": MAX_H}
    w.setdefault("h28_shifts", {})[shift] = {"shift": shift, "ward": "B4", "shift_hours": hours}
    return {"nurse": nurse, "shift": shift}


def _fits(b: State, p: Params) -> bool:
    return b["h28_nurses"][p["nurse"]]["hours_today"] + b["h28_shifts"][p["shift"]]["shift_hours"] <= MAX_H


def _roster(s: State, a: dict) -> dict:
    row = s.get("h28_nurses", {}).get(str(a["nurse"]))
    if row is None:
        raise ToolFail(f"no nurse {a['nurse']}")
    s.setdefault("h28_rostered", []).append({"nurse": row["nurse"], "shift": str(a["shift"])})
    return {"nurse": row["nurse"], "shift": a["shift"], "status": "rostered"}


shift = Family(
    name="h28_shift",
    templates=["Put {nurse} on shift {shift} if the hours allow"],
    fields={"nurse": _one_of(NURSES), "shift": Field(r"SH-\d+")},
    sample=sample_shift,
    plan=[
        Step("h28_nurse", lambda p, r: {"nurse": p["nurse"]}),
        Step("h28_ward_shift", lambda p, r: {"shift": p["shift"]}),
        Step(
            "h28_roster",
            lambda p, r: {"nurse": p["nurse"], "shift": p["shift"]},
            when=lambda p, r: r["h28_nurse"]["hours_today"] + r["h28_ward_shift"]["shift_hours"] <= MAX_H,
        ),
    ],
    expect=lambda p, b: {"h28_rostered": [{"nurse": p["nurse"], "shift": p["shift"]}]} if _fits(b, p) else {},
    answer=lambda p, b: [] if _fits(b, p) else ["12"],
    summary=lambda p, r: (
        f"{p['nurse']} rostered on {p['shift']}."
        if "h28_roster" in r
        else f"{p['nurse']} would pass {MAX_H:g} hours: not rostered."
    ),
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h28_slab", "A slab's area (m2), thickness (cm) and mix.", {"slab": str}, _get("h28_slabs", "slab", "slab")
        ),
        Tool(
            "h28_order_concrete",
            "Order a slab's concrete: one 8 m3 truck, or two when area x thickness is over 8 m3.",
            {"slab": str, "trucks": int},
            _logger("h28_orders", "slab", "trucks"),
        ),
        Tool(
            "h28_herd",
            "A herd's head count and the days of winter feeding.",
            {"herd": str},
            _get("h28_herds", "herd", "herd"),
        ),
        Tool(
            "h28_ration",
            "The feed sheet: a herd's daily ration per head (kg).",
            {"herd": str},
            _get("h28_rations", "herd", "herd"),
        ),
        Tool(
            "h28_feed_plan",
            "Record a herd's winter feed plan: buy_extra 'yes' when head x days x ration is over the silo's 9000 kg.",
            {"herd": str, "buy_extra": str},
            _logger("h28_feed_plans", "herd", "buy_extra"),
        ),
        Tool("h28_ramp", "A ramp's rise and run (cm) and surface.", {"ramp": str}, _get("h28_ramps", "ramp", "ramp")),
        Tool(
            "h28_approve_ramp",
            "Approve a ramp: handrails 'yes' when it is steeper than 1:12 (rise / run), else 'no'.",
            {"ramp": str, "handrails": str},
            _logger("h28_approvals", "ramp", "handrails"),
        ),
        Tool(
            "h28_lease",
            "A lease's monthly amount (EUR) and term in months.",
            {"lease": str},
            _get("h28_leases", "lease", "lease"),
        ),
        Tool(
            "h28_sign_lease",
            "Sign a lease: signer 'director' when the monthly amount x months is over 12000 EUR, else 'manager'.",
            {"lease": str, "signer": str},
            _logger("h28_signed", "lease", "signer"),
        ),
        Tool(
            "h28_nurse",
            "A nurse's hours worked today and the daily maximum.",
            {"nurse": str},
            _get("h28_nurses", "nurse", "nurse"),
        ),
        Tool("h28_ward_shift", "A ward shift's length in hours.", {"shift": str}, _get("h28_shifts", "shift", "shift")),
        Tool(
            "h28_roster",
            "Put a nurse on a shift (only when hours today + the shift's hours stay within 12).",
            {"nurse": str, "shift": str},
            _roster,
        ),
    ]
}

FAMILIES = [pour, feed, ramp, lease, shift]
