"""Probe families for goal amounts against what results imply (issue 9, helper ratio, 2026-12-03).

Written after the rule of `llmos/learning/_seen_pairs.py` (the ratio, difference and sum of a goal
amount with a result number), but NOT shaped on it: every hidden rule here reads a goal amount with
TWO result numbers, or through a formula that is none of g x v, g / v, g - v, g + v:

- am_pour, `Pour {m3} m3 of concrete at site {site}`: poured today + m3 <= the site pump's daily
  capacity (two leaves of one record)
- am_pay, `Pay {amount} EUR from account {acct}`: amount - balance <= the overdraft limit, read by a
  second tool
- am_dilute, `Add {ml} ml of water to batch {batch}`: strength x volume / (volume + ml) >= 4.0 %
- am_credit, `Raise the credit limit of customer {cust} by {pct} percent`: limit x (1 + pct/100)
  <= 3 x monthly income; the new limit is written

Same interface as the public `families.py`; tool names are prefixed `am_`. The first four goals of
a family never cross the rule, later goals cross it about half the time, with every single value
inside the ranges the first goals showed.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_amounts.py --goals 8 --seed 7
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
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
INT = fam.INT
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "am_site": READ,
    "am_pour": WRITE,
    "am_account": READ,
    "am_overdraft": READ,
    "am_pay": WRITE,
    "am_batch": READ,
    "am_add_water": WRITE,
    "am_customer": READ,
    "am_set_credit_limit": IDEMPOTENT,
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

    if getattr(Server.add_tool, "_am_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._am_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    return i >= 4 and rng.random() < 0.5


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(20000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _append(section: str, *keys: str):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"status": "ok", "ref": f"{section[3:6].upper()}-{5000 + len(out)}"}

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


# ======================================== 1. concrete: poured today + m3 against the pump's daily capacity
def sample_pour(rng: random.Random, w: State, i: int) -> Params:
    site = _fresh(rng, w, "am_sites", lambda r: f"S-{r.randint(100, 999)}")
    fixed = {0: (40, 120, 30), 1: (150, 260, 90), 2: (10, 200, 150), 3: (90, 180, 60)}
    if i in fixed:
        poured, cap, m3 = fixed[i]
    else:
        want = not _trap(i, rng)
        poured, cap, m3 = _until(
            rng,
            lambda r: (r.randrange(10, 151, 5), r.randrange(120, 261, 10), r.randrange(30, 151, 5)),
            lambda v: (v[0] + v[2] <= v[1]) == want,
        )
    w.setdefault("am_sites", {})[site] = {"site": site, "poured_today_m3": poured, "pump_capacity_m3_day": cap}
    return {"m3": m3, "site": site}


def _pour_ok(p: Params, row: dict) -> bool:
    return row["poured_today_m3"] + p["m3"] <= row["pump_capacity_m3_day"]


pour = Family(
    name="am_pour",
    templates=["Pour {m3} m3 of concrete at site {site}"],
    fields={"m3": INT, "site": Field(r"S-\d{3}")},
    sample=sample_pour,
    plan=[
        Step("am_site", lambda p, r: {"site": p["site"]}),
        Step("am_pour", lambda p, r: {"site": p["site"], "m3": p["m3"]}, when=lambda p, r: _pour_ok(p, r["am_site"])),
    ],
    expect=lambda p, b: (
        {"am_pours": [{"site": p["site"], "m3": p["m3"]}]} if _pour_ok(p, b["am_sites"][p["site"]]) else {}
    ),
    answer=lambda p, b: ["poured"] if _pour_ok(p, b["am_sites"][p["site"]]) else ["capacity"],
    summary=lambda p, r: (
        f"Poured {p['m3']} m3 at site {p['site']}."
        if "am_pour" in r
        else f"Not poured: site {p['site']}'s pump is at its daily capacity."
    ),
)


# ======================================== 2. bank: amount - balance against an overdraft limit read by another tool
def sample_pay(rng: random.Random, w: State, i: int) -> Params:
    acct = _fresh(rng, w, "am_accounts", lambda r: f"AC{r.randint(10000, 99999)}")
    fixed = {0: (500.0, 200, 300), 1: (80.0, 1000, 900), 2: (1200.0, 500, 1500), 3: (300.0, 800, 700)}
    if i in fixed:
        bal, od, amount = fixed[i]
    else:
        want = not _trap(i, rng)
        bal, od, amount = _until(
            rng,
            lambda r: (float(r.randrange(80, 1201, 20)), r.randrange(200, 1001, 100), r.randrange(300, 1501, 50)),
            lambda v: (v[2] - v[0] <= v[1]) == want,
        )
    w.setdefault("am_accounts", {})[acct] = {"account": acct, "balance_eur": bal, "holder": "Nordvik Ltd"}
    w.setdefault("am_overdrafts", {})[acct] = {"account": acct, "overdraft_limit_eur": od}
    return {"amount": amount, "acct": acct}


def _pay_ok(p: Params, bal: float, od: float) -> bool:
    return p["amount"] - bal <= od


pay = Family(
    name="am_pay",
    templates=["Pay {amount} EUR from account {acct}"],
    fields={"amount": INT, "acct": Field(r"AC\d{5}")},
    sample=sample_pay,
    plan=[
        Step("am_account", lambda p, r: {"account": p["acct"]}),
        Step("am_overdraft", lambda p, r: {"account": p["acct"]}),
        Step(
            "am_pay",
            lambda p, r: {"account": p["acct"], "amount_eur": p["amount"]},
            when=lambda p, r: _pay_ok(p, r["am_account"]["balance_eur"], r["am_overdraft"]["overdraft_limit_eur"]),
        ),
    ],
    expect=lambda p, b: (
        {"am_payments": [{"account": p["acct"], "amount_eur": p["amount"]}]}
        if _pay_ok(p, b["am_accounts"][p["acct"]]["balance_eur"], b["am_overdrafts"][p["acct"]]["overdraft_limit_eur"])
        else {}
    ),
    answer=lambda p, b: (
        ["paid"]
        if _pay_ok(p, b["am_accounts"][p["acct"]]["balance_eur"], b["am_overdrafts"][p["acct"]]["overdraft_limit_eur"])
        else ["overdraft"]
    ),
    summary=lambda p, r: (
        f"Paid {p['amount']} EUR from account {p['acct']}."
        if "am_pay" in r
        else f"Not paid: {p['amount']} EUR would take account {p['acct']} past its overdraft limit."
    ),
)


# ======================================== 3. lab: the strength after dilution, strength x volume / (volume + ml)
def sample_dilute(rng: random.Random, w: State, i: int) -> Params:
    batch = _fresh(rng, w, "am_batches", lambda r: f"B-{r.randint(1000, 9999)}")
    fixed = {0: (10.0, 2000, 1000), 1: (6.0, 5000, 1500), 2: (8.0, 1000, 800), 3: (12.0, 4000, 2500)}
    if i in fixed:
        strength, vol, ml = fixed[i]
    else:
        want = not _trap(i, rng)
        strength, vol, ml = _until(
            rng,
            lambda r: (float(r.randrange(60, 121, 5)) / 10, r.randrange(1000, 5001, 250), r.randrange(800, 2501, 100)),
            lambda v: (_diluted(*v) >= 4.0) == want,
        )
    w.setdefault("am_batches", {})[batch] = {"batch": batch, "strength_pct": strength, "volume_ml": vol}
    return {"ml": ml, "batch": batch}


def _diluted(strength: float, vol: int, ml: int) -> float:
    return round_half_up(strength * vol / (vol + ml), 2)


def _dilute_ok(p: Params, row: dict) -> bool:
    return _diluted(row["strength_pct"], row["volume_ml"], p["ml"]) >= 4.0


dilute = Family(
    name="am_dilute",
    templates=["Add {ml} ml of water to batch {batch}"],
    fields={"ml": INT, "batch": Field(r"B-\d{4}")},
    sample=sample_dilute,
    plan=[
        Step("am_batch", lambda p, r: {"batch": p["batch"]}),
        Step(
            "am_add_water",
            lambda p, r: {"batch": p["batch"], "ml": p["ml"]},
            when=lambda p, r: _dilute_ok(p, r["am_batch"]),
        ),
    ],
    expect=lambda p, b: (
        {"am_dilutions": [{"batch": p["batch"], "ml": p["ml"]}]} if _dilute_ok(p, b["am_batches"][p["batch"]]) else {}
    ),
    answer=lambda p, b: ["added"] if _dilute_ok(p, b["am_batches"][p["batch"]]) else ["too weak"],
    summary=lambda p, r: (
        f"Added {p['ml']} ml of water to batch {p['batch']}."
        if "am_add_water" in r
        else f"Not added: batch {p['batch']} would be too weak."
    ),
)


# ======================================== 4. credit: limit x (1 + pct/100) against 3 x monthly income
def sample_credit(rng: random.Random, w: State, i: int) -> Params:
    cust = _fresh(rng, w, "am_customers", lambda r: f"C{r.randint(1000, 9999)}")
    fixed = {0: (2000, 3000, 10), 1: (6000, 4000, 40), 2: (3000, 1500, 20), 3: (5000, 2500, 30)}
    if i in fixed:
        limit, income, pct = fixed[i]
    else:
        want = not _trap(i, rng)
        limit, income, pct = _until(
            rng,
            lambda r: (r.randrange(2000, 6001, 500), r.randrange(1500, 4001, 250), r.randrange(10, 41, 5)),
            lambda v: (_new_limit(v[0], v[2]) <= 3 * v[1]) == want,
        )
    w.setdefault("am_customers", {})[cust] = {"customer": cust, "credit_limit_eur": limit, "monthly_income_eur": income}
    return {"pct": pct, "cust": cust}


def _new_limit(limit: int, pct: int) -> float:
    return round_half_up(limit * (1 + pct / 100), 2)


def _credit_ok(p: Params, row: dict) -> bool:
    return _new_limit(row["credit_limit_eur"], p["pct"]) <= 3 * row["monthly_income_eur"]


credit = Family(
    name="am_credit",
    templates=["Raise the credit limit of customer {cust} by {pct} percent"],
    fields={"pct": INT, "cust": Field(r"C\d{4}")},
    sample=sample_credit,
    plan=[
        Step("am_customer", lambda p, r: {"customer": p["cust"]}),
        Step(
            "am_set_credit_limit",
            lambda p, r: {
                "customer": p["cust"],
                "limit_eur": _new_limit(r["am_customer"]["credit_limit_eur"], p["pct"]),
            },
            when=lambda p, r: _credit_ok(p, r["am_customer"]),
        ),
    ],
    expect=lambda p, b: (
        {
            "am_customers": {
                p["cust"]: {
                    **b["am_customers"][p["cust"]],
                    "credit_limit_eur": _new_limit(b["am_customers"][p["cust"]]["credit_limit_eur"], p["pct"]),
                }
            }
        }
        if _credit_ok(p, b["am_customers"][p["cust"]])
        else {}
    ),
    answer=lambda p, b: (
        ["raised", _new_limit(b["am_customers"][p["cust"]]["credit_limit_eur"], p["pct"])]
        if _credit_ok(p, b["am_customers"][p["cust"]])
        else ["income"]
    ),
    summary=lambda p, r: (
        f"Credit limit of {p['cust']} raised to {_new_limit(r['am_customer']['credit_limit_eur'], p['pct'])} EUR."
        if "am_set_credit_limit" in r
        else f"Not raised: the new limit of {p['cust']} would exceed 3 times the monthly income."
    ),
)


def _set_limit(s: State, a: dict) -> dict:
    row = s.get("am_customers", {}).get(a["customer"])
    if row is None:
        raise ToolFail(f"no customer {a['customer']}")
    row["credit_limit_eur"] = a["limit_eur"]
    return {"customer": a["customer"], "credit_limit_eur": a["limit_eur"], "status": "saved"}


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "am_site",
            "A building site: concrete poured today and its pump's daily capacity (m3).",
            {"site": str},
            _row("am_sites", "site", "site"),
        ),
        Tool("am_pour", "Pour concrete (m3) at a site.", {"site": str, "m3": int}, _append("am_pours", "site", "m3")),
        Tool("am_account", "An account's balance (EUR).", {"account": str}, _row("am_accounts", "account", "account")),
        Tool(
            "am_overdraft",
            "An account's overdraft limit (EUR).",
            {"account": str},
            _row("am_overdrafts", "account", "account"),
        ),
        Tool(
            "am_pay",
            "Pay an amount (EUR) from an account.",
            {"account": str, "amount_eur": int},
            _append("am_payments", "account", "amount_eur"),
        ),
        Tool(
            "am_batch", "A batch's strength (%) and volume (ml).", {"batch": str}, _row("am_batches", "batch", "batch")
        ),
        Tool(
            "am_add_water",
            "Add water (ml) to a batch.",
            {"batch": str, "ml": int},
            _append("am_dilutions", "batch", "ml"),
        ),
        Tool(
            "am_customer",
            "A customer's credit limit and monthly income (EUR).",
            {"customer": str},
            _row("am_customers", "customer", "customer"),
        ),
        Tool(
            "am_set_credit_limit",
            "Set a customer's credit limit (EUR).",
            {"customer": str, "limit_eur": float},
            _set_limit,
        ),
    ]
}

FAMILIES = [pour, pay, dilute, credit]
