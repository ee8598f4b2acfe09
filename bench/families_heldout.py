"""Held-out probe families (issue 9): workloads shaped unlike every other probe set of the project.

Same interface as the public `families.py` (TOOLS and FAMILIES), loaded *with* it (tool names are
prefixed `ho_` and collide with no other set):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" \
        --families /work/shared/bench/families.py bench/families_heldout.py --goals 8 --seed 1

Other domains (banking FX, calendar, lab instruments, CI, HR, flights, retail, support desk, energy
meters, greenhouse, rosters, pipelines), other phrasing (questions, numbers written as words, units,
percentages, possessives, several-word names, clauses), reads that feed writes, plain-text results
whose category or numbers decide the path, thresholds given in the goal, derived arguments
(currency and temperature conversions, percentages rounded down, bottles rounded up, dates moved
by days), answers that must state live (sometimes derived) values. In every family the first goals
agree on what a later goal breaks.

MCP annotations: some tools declare `readOnlyHint` / `idempotentHint` / `destructiveHint`, others
none (rule 4: no hint counts as a non-idempotent write). The shared tools server does not pass
annotations, so when this module is loaded inside `tools_server.py` it wraps `add_tool` to add the
hints of `ANNOTATIONS` to these tools only (nothing happens in any other process).

- ho_invoice_fx    an invoice status (open, later paid) decides a non-idempotent payment whose amount is
                   an FX conversion of a result value (2 dp)
- ho_reschedule    a date read from the calendar moved by N days (later across month ends)
- ho_incubator     a Fahrenheit goal value set in Celsius (1 dp)
- ho_promote       a plain-text build report: failures and coverage decide a promotion
- ho_leave         a leave balance against the goal's days picks approve or decline (several-word names)
- ho_seats         numbers written as words; a flight status (later cancelled) decides a reservation
- ho_markdown      a percentage off a price; "unless it is already on sale" (conditional wording)
- ho_route         a plain-text classification picks the queue (billing only at first)
- ho_meter         a question whose answer is a derived value (Wh read, kWh asked)
- ho_sweep         a percentage of a balance in whole euros, rounded down (first goals: round == floor)
- ho_water         a moisture reading against a goal threshold skips or waters a bed
- ho_shift         a possessive with several-word names; a shift id read feeds a destructive reassign
- ho_stage         which stage failed: a plain-text log, the answer must name the live stage
- ho_reagent       bottles to refill an analyser, rounded up from a result (first goals: round == ceil)
"""

from __future__ import annotations

import datetime as dt
import math
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
INT, NUM, CAPWORD, CAPWORDS, LOWER, CODE = fam.INT, fam.NUM, fam.CAPWORD, fam.CAPWORDS, fam.LOWER, fam.CODE
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True}

# tool -> MCP annotations; a tool not named here declares none
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "ho_get_invoice": READ,
    "ho_pay_invoice": WRITE,
    "ho_get_event": READ,
    "ho_move_event": IDEMPOTENT,
    "ho_set_incubator": IDEMPOTENT,
    "ho_build_report": READ,
    "ho_leave_balance": READ,
    "ho_approve_leave": WRITE,
    "ho_flight_info": READ,
    "ho_get_item": READ,
    "ho_set_price": IDEMPOTENT,
    "ho_classify": READ,
    "ho_assign": IDEMPOTENT,
    "ho_read_meter": READ,
    "ho_account_balance": READ,
    "ho_get_shift": READ,
    "ho_reassign_shift": DESTRUCTIVE,
    "ho_pipeline_log": READ,
    "ho_reagent_level": READ,
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

    if getattr(Server.add_tool, "_ho_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._ho_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _append(section: str, keys: list[str], ack: Any = None):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return ack(s, a, len(out)) if ack else {"ok": True, "n": len(out)}

    return run


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(a[key])
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


# =========================================================================== 1. banking FX: status + conversion
def _get_invoice(s: State, a: dict) -> dict:
    row = s.get("invoices_due", {}).get(a["invoice"])
    if row is None:
        raise ToolFail(f"no invoice {a['invoice']}")
    return {"invoice": a["invoice"], "total_eur": row["total_eur"], "status": row["status"]}


def _fx(s: State, a: dict) -> dict:
    rate = s["tables"].get("ho_fx", {}).get(a["pair"])
    if rate is None:
        raise ToolFail(f"no rate for {a['pair']}")
    return {"pair": a["pair"], "rate": rate}


def _pay(s: State, a: dict) -> dict:
    row = s.get("invoices_due", {}).get(a["invoice"])
    if row is None:
        raise ToolFail(f"no invoice {a['invoice']}")
    row["status"] = "paid"  # a paid invoice is paid again: nothing stops a wrong replay
    pays = s.setdefault("payments", [])
    pays.append({"invoice": a["invoice"], "amount": a["amount"], "currency": a["currency"]})
    return {"payment": f"PAY-{7000 + len(pays)}", "amount": a["amount"], "currency": a["currency"]}


FX_CODES = ["GBP", "USD", "CHF", "SEK", "JPY", "PLN"]


def sample_invoice(rng: random.Random, w: State, i: int) -> Params:
    inv = f"INV-{rng.randint(1000, 9999)}"
    cur = rng.choice(FX_CODES)
    rate = w["tables"].setdefault("ho_fx", {}).setdefault(f"EUR/{cur}", round(rng.uniform(0.6, 160.0), 4))
    total = round(rng.uniform(40, 4000), 2)
    while is_tie(total * rate, 2):
        total = round(rng.uniform(40, 4000), 2)
    status = "open" if i < 4 else rng.choice(["open", "paid", "paid"])
    w.setdefault("invoices_due", {})[inv] = {"total_eur": total, "status": status}
    return {"invoice": inv, "cur": cur}


def _fx_amount(p: Params, b: State) -> float:
    row = b["invoices_due"][p["invoice"]]
    return round_half_up(row["total_eur"] * b["tables"]["ho_fx"][f"EUR/{p['cur']}"], 2)


def _expect_invoice(p: Params, b: State) -> dict:
    row = b["invoices_due"][p["invoice"]]
    if row["status"] != "open":
        return {}
    return {
        "invoices_due": {p["invoice"]: {"total_eur": row["total_eur"], "status": "paid"}},
        "payments": [{"invoice": p["invoice"], "amount": _fx_amount(p, b), "currency": p["cur"]}],
    }


invoice_fx = Family(
    name="ho_invoice_fx",
    templates=["Settle invoice {invoice} in {cur}", "Please pay invoice {invoice}, converted to {cur}."],
    fields={"invoice": Field(r"INV-\d+"), "cur": CODE},
    sample=lambda rng, w, i: {**sample_invoice(rng, w, i), "wording": rng.randrange(2)},
    plan=[
        Step("ho_get_invoice", lambda p, r: {"invoice": p["invoice"]}, group="look"),
        Step("ho_fx_rate", lambda p, r: {"pair": f"EUR/{p['cur']}"}, group="look"),
        Step(
            "ho_pay_invoice",
            lambda p, r: {
                "invoice": p["invoice"],
                "amount": round_half_up(r["ho_get_invoice"]["total_eur"] * r["ho_fx_rate"]["rate"], 2),
                "currency": p["cur"],
            },
            when=lambda p, r: r["ho_get_invoice"]["status"] == "open",
        ),
    ],
    expect=_expect_invoice,
    answer=lambda p, b: [_fx_amount(p, b)] if b["invoices_due"][p["invoice"]]["status"] == "open" else ["already"],
    summary=lambda p, r: (
        f"Paid invoice {p['invoice']}: {r['ho_pay_invoice']['amount']} {p['cur']} "
        f"({r['ho_get_invoice']['total_eur']} EUR at {r['ho_fx_rate']['rate']})."
        if "ho_pay_invoice" in r
        else f"Invoice {p['invoice']} is already {r['ho_get_invoice']['status']}: nothing was paid."
    ),
)


# =========================================================================== 2. calendar: a date moved by N days
def _get_event(s: State, a: dict) -> dict:
    day = s.get("calendar", {}).get(a["event"])
    if day is None:
        raise ToolFail(f"no event called {a['event']}")
    return {"event": a["event"], "date": day, "weekday": dt.date.fromisoformat(day).strftime("%A")}


def _move_event(s: State, a: dict) -> dict:
    try:
        dt.date.fromisoformat(a["date"])
    except ValueError as e:
        raise ToolFail(f"not a date: {a['date']!r}") from e
    cal = s.setdefault("calendar", {})
    if a["event"] not in cal:
        raise ToolFail(f"no event called {a['event']}")
    cal[a["event"]] = a["date"]
    return {"event": a["event"], "date": a["date"]}


EVENTS = ["standup", "retro", "review", "offsite", "kickoff", "demo", "planning", "audit", "sync", "training"]


def _plus(day: str, n: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=n)).isoformat()


def sample_reschedule(rng: random.Random, w: State, i: int) -> Params:
    event = f"{rng.choice(EVENTS)}-{rng.randint(10, 99)}"
    days = rng.randint(2, 9)
    month = rng.randint(1, 11)
    start = rng.randint(3, 26 - days) if i < 4 else rng.randint(22, 28)  # later: across the month's end
    w.setdefault("calendar", {})[event] = dt.date(2026, month, start).isoformat()
    return {"event": event, "days": days}


reschedule = Family(
    name="ho_reschedule",
    templates=["Push the {event} meeting back by {days} days", "Postpone {event} by {days} days"],
    fields={"event": Field(r"[a-z]+-\d+"), "days": INT},
    sample=lambda rng, w, i: {**sample_reschedule(rng, w, i), "wording": rng.randrange(2)},
    plan=[
        Step("ho_get_event", lambda p, r: {"event": p["event"]}),
        Step("ho_move_event", lambda p, r: {"event": p["event"], "date": _plus(r["ho_get_event"]["date"], p["days"])}),
    ],
    expect=lambda p, b: {"calendar": {p["event"]: _plus(b["calendar"][p["event"]], p["days"])}},
    answer=lambda p, b: [_plus(b["calendar"][p["event"]], p["days"])],
    summary=lambda p, r: f"Moved {p['event']} from {r['ho_get_event']['date']} to {r['ho_move_event']['date']}.",
)


# =========================================================================== 3. lab: Fahrenheit in, Celsius out
def _celsius(f: int) -> float:
    return round_half_up((f - 32) * 5 / 9, 1)


incubator = Family(
    name="ho_incubator",
    templates=["Set incubator {unit} to {f} degrees Fahrenheit"],
    fields={"unit": Field(r"INC-[A-Z]\d"), "f": INT},
    sample=lambda rng, w, i: {"unit": f"INC-{rng.choice('ABCD')}{rng.randint(1, 9)}", "f": rng.randint(68, 104)},
    plan=[Step("ho_set_incubator", lambda p, r: {"unit": p["unit"], "celsius": _celsius(p["f"])})],
    expect=lambda p, b: {"incubators": {p["unit"]: _celsius(p["f"])}},
    answer=lambda p, b: [_celsius(p["f"])],
    summary=lambda p, r: f"Incubator {p['unit']} set to {_celsius(p['f'])} °C ({p['f']} °F).",
)


def _set_incubator(s: State, a: dict) -> dict:
    c = a["celsius"]
    if not 4 <= c <= 60:
        raise ToolFail(f"{c} °C is outside the incubator's range (4-60 °C)")
    s.setdefault("incubators", {})[a["unit"]] = c
    return {"unit": a["unit"], "celsius": c, "state": "heating"}


# =========================================================================== 4. CI: a plain-text report decides
def _report_text(build: int, row: dict) -> str:
    return (
        f"Build {build} on main: {row['tests']} tests, {row['failed']} failed, "
        f"coverage {row['coverage']}%. Artifacts uploaded."
    )


def _build_report(s: State, a: dict) -> str:
    row = s["tables"].get("builds", {}).get(str(a["build"]))
    if row is None:
        raise ToolFail(f"no build {a['build']}")
    return _report_text(a["build"], row)


def _green(text: str) -> bool:
    m = re.search(r"(\d+) failed, coverage (\d+)%", text)
    return bool(m) and int(m.group(1)) == 0 and int(m.group(2)) >= 80


def sample_promote(rng: random.Random, w: State, i: int) -> Params:
    build = rng.randint(4000, 9999)
    if i < 4:
        row = {"tests": rng.randint(180, 260), "failed": 0, "coverage": rng.randint(81, 94)}
    else:
        kind = rng.choice(["ok", "failed", "coverage"])
        row = {
            "tests": rng.randint(180, 260),
            "failed": rng.randint(1, 4) if kind == "failed" else 0,
            "coverage": rng.randint(70, 78) if kind == "coverage" else rng.randint(81, 94),
        }
    w["tables"].setdefault("builds", {})[str(build)] = row
    return {"build": build, "env": rng.choice(["staging", "canary", "production"])}


def _promote_ok(p: Params, b: State) -> bool:
    row = b["tables"]["builds"][str(p["build"])]
    return row["failed"] == 0 and row["coverage"] >= 80


promote = Family(
    name="ho_promote",
    templates=["Promote build {build} to {env} after a green test run with 80% coverage"],
    fields={"build": INT, "env": LOWER},
    sample=sample_promote,
    plan=[
        Step("ho_build_report", lambda p, r: {"build": p["build"]}),
        Step(
            "ho_deploy",
            lambda p, r: {"build": p["build"], "env": p["env"]},
            when=lambda p, r: _green(str(r["ho_build_report"])),
        ),
    ],
    expect=lambda p, b: {"deployments": [{"build": p["build"], "env": p["env"]}]} if _promote_ok(p, b) else {},
    answer=lambda p, b: ["deployed"] if _promote_ok(p, b) else ["not deployed"],
    summary=lambda p, r: (
        f"Deployed build {p['build']} to {p['env']}."
        if "ho_deploy" in r
        else f"Build {p['build']} was not deployed: {r['ho_build_report']}"
    ),
)


# =========================================================================== 5. HR: balance vs requested days
def _leave_balance(s: State, a: dict) -> dict:
    b = s.get("leave", {}).get(a["employee"])
    if b is None:
        raise ToolFail(f"no employee {a['employee']}")
    return {"employee": a["employee"], "balance_days": b}


def _approve_leave(s: State, a: dict) -> dict:
    b = s.get("leave", {}).get(a["employee"])
    if b is None:
        raise ToolFail(f"no employee {a['employee']}")
    s["leave"][a["employee"]] = b - a["days"]  # HR allows a negative balance: nothing stops a wrong approval
    s.setdefault("approved", []).append({"employee": a["employee"], "days": a["days"]})
    return {"approved": True, "remaining_days": b - a["days"]}


EMPLOYEES = ["Mary Ann", "Jo", "Luis Miguel", "Priya", "Anne Marie", "Tom", "Kim", "Jean Paul", "Sofia", "Omar"]


def sample_leave(rng: random.Random, w: State, i: int) -> Params:
    emp = EMPLOYEES[i % len(EMPLOYEES)]
    days = rng.randint(2, 9)
    bal = days + rng.randint(2, 10) if i < 4 or rng.random() < 0.4 else max(1, days - rng.randint(1, 3))
    w.setdefault("leave", {})[emp] = bal
    return {"employee": emp, "days": days}


def _expect_leave(p: Params, b: State) -> dict:
    bal = b["leave"][p["employee"]]
    if bal >= p["days"]:
        return {
            "leave": {p["employee"]: bal - p["days"]},
            "approved": [{"employee": p["employee"], "days": p["days"]}],
        }
    return {"declined": [{"employee": p["employee"], "days": p["days"], "reason": "insufficient balance"}]}


leave = Family(
    name="ho_leave",
    templates=["Book {days} days of annual leave for {employee}"],
    fields={"days": INT, "employee": CAPWORDS},
    sample=sample_leave,
    plan=[
        Step("ho_leave_balance", lambda p, r: {"employee": p["employee"]}),
        Step(
            "ho_approve_leave",
            lambda p, r: {"employee": p["employee"], "days": p["days"]},
            when=lambda p, r: r["ho_leave_balance"]["balance_days"] >= p["days"],
        ),
        Step(
            "ho_decline_leave",
            lambda p, r: {"employee": p["employee"], "days": p["days"], "reason": "insufficient balance"},
            when=lambda p, r: r["ho_leave_balance"]["balance_days"] < p["days"],
        ),
    ],
    expect=_expect_leave,
    answer=lambda p, b: (
        [b["leave"][p["employee"]] - p["days"]] if b["leave"][p["employee"]] >= p["days"] else ["declined"]
    ),
    summary=lambda p, r: (
        f"Approved {p['days']} days for {p['employee']}; {r['ho_approve_leave']['remaining_days']} days left."
        if "ho_approve_leave" in r
        else f"Declined: {p['employee']} has only {r['ho_leave_balance']['balance_days']} days left."
    ),
)


# =========================================================================== 6. flights: numbers as words
WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
WORD_NUM = Field(r"(?:" + "|".join(WORDS) + r")", lambda t: WORDS[t])


def sample_seats(rng: random.Random, w: State, i: int) -> Params:
    flight = f"{rng.choice(['LH', 'AF', 'KL', 'IB'])}{rng.randint(100, 999)}"
    status = "scheduled" if i < 4 else rng.choice(["scheduled", "cancelled"])
    w["tables"].setdefault("flights", {})[flight] = {
        "flight": flight,
        "seats_left": rng.randint(20, 90),
        "status": status,
    }
    return {"count": rng.choice(list(WORDS)), "flight": flight}


def _seats_ok(p: Params, b: State) -> bool:
    return b["tables"]["flights"][p["flight"]]["status"] == "scheduled"


seats = Family(
    name="ho_seats",
    templates=["Reserve {count} seats on flight {flight}"],
    fields={"count": Field(WORD_NUM.regex), "flight": Field(r"[A-Z]{2}\d{3}")},
    sample=sample_seats,
    plan=[
        Step("ho_flight_info", lambda p, r: {"flight": p["flight"]}),
        Step(
            "ho_reserve_seats",
            lambda p, r: {"flight": p["flight"], "seats": WORDS[p["count"]]},
            when=lambda p, r: r["ho_flight_info"]["status"] == "scheduled",
        ),
    ],
    expect=lambda p, b: (
        {"reservations": [{"flight": p["flight"], "seats": WORDS[p["count"]]}]} if _seats_ok(p, b) else {}
    ),
    answer=lambda p, b: [WORDS[p["count"]]] if _seats_ok(p, b) else ["cancelled"],
    summary=lambda p, r: (
        f"Reserved {r['ho_reserve_seats']['seats']} seats on {p['flight']} "
        f"(booking {r['ho_reserve_seats']['booking']})."
        if "ho_reserve_seats" in r
        else f"Flight {p['flight']} is cancelled: no seats reserved."
    ),
)


def _reserve(s: State, a: dict) -> dict:
    res = s.setdefault("reservations", [])
    res.append({"flight": a["flight"], "seats": a["seats"]})
    return {"booking": f"BK{4400 + len(res)}", "seats": a["seats"]}


# =========================================================================== 7. retail: a percentage off
def _get_item(s: State, a: dict) -> dict:
    row = s.get("catalog", {}).get(a["sku"])
    if row is None:
        raise ToolFail(f"no item {a['sku']}")
    return {"sku": a["sku"], **row}


def _set_price(s: State, a: dict) -> dict:
    cat = s.setdefault("catalog", {})
    if a["sku"] not in cat:
        raise ToolFail(f"no item {a['sku']}")
    cat[a["sku"]] = {"price": a["price"], "on_sale": True}
    return {"sku": a["sku"], "price": a["price"], "on_sale": True}


def _sale_price(price: float, pct: int) -> float:
    return round_half_up(price * (100 - pct) / 100, 2)


def sample_markdown(rng: random.Random, w: State, i: int) -> Params:
    sku = f"{rng.choice(['TS', 'JK', 'SH', 'HT'])}{rng.randint(1000, 9999)}"
    pct = rng.choice([10, 15, 20, 25, 30, 40])
    price = round(rng.uniform(9, 300), 2)
    while is_tie(price * (100 - pct) / 100, 2):
        price = round(rng.uniform(9, 300), 2)
    on_sale = i >= 4 and rng.random() < 0.5
    w.setdefault("catalog", {})[sku] = {"price": price, "on_sale": on_sale}
    return {"sku": sku, "pct": pct}


def _expect_markdown(p: Params, b: State) -> dict:
    row = b["catalog"][p["sku"]]
    if row["on_sale"]:
        return {}
    return {"catalog": {p["sku"]: {"price": _sale_price(row["price"], p["pct"]), "on_sale": True}}}


markdown = Family(
    name="ho_markdown",
    templates=["Mark {sku} down by {pct}% unless it is already on sale"],
    fields={"sku": Field(r"[A-Z]{2}\d{4}"), "pct": INT},
    sample=sample_markdown,
    plan=[
        Step("ho_get_item", lambda p, r: {"sku": p["sku"]}),
        Step(
            "ho_set_price",
            lambda p, r: {"sku": p["sku"], "price": _sale_price(r["ho_get_item"]["price"], p["pct"])},
            when=lambda p, r: not r["ho_get_item"]["on_sale"],
        ),
    ],
    expect=_expect_markdown,
    answer=lambda p, b: (
        ["already on sale"]
        if b["catalog"][p["sku"]]["on_sale"]
        else [_sale_price(b["catalog"][p["sku"]]["price"], p["pct"])]
    ),
    summary=lambda p, r: (
        f"{p['sku']} now costs {r['ho_set_price']['price']} (was {r['ho_get_item']['price']})."
        if "ho_set_price" in r
        else f"{p['sku']} is already on sale at {r['ho_get_item']['price']}; price unchanged."
    ),
)


# =========================================================================== 8. support desk: a text picks the queue
QUEUES = {"billing": "finance", "technical": "engineering", "account": "identity"}


def _classify(s: State, a: dict) -> str:
    row = s["tables"].get("tickets", {}).get(str(a["ticket"]))
    if row is None:
        raise ToolFail(f"no ticket {a['ticket']}")
    return f"Ticket {a['ticket']} looks like a {row['topic']} question (confidence 0.{row['conf']})."


def _queue_of(text: str) -> str:
    m = re.search(r"like an? (\w+) question", text)
    return QUEUES[m.group(1)] if m else "triage"


def sample_route(rng: random.Random, w: State, i: int) -> Params:
    ticket = rng.randint(10000, 99999)
    topic = "billing" if i < 4 else rng.choice(list(QUEUES))
    w["tables"].setdefault("tickets", {})[str(ticket)] = {"topic": topic, "conf": rng.randint(70, 99)}
    return {"ticket": ticket}


def _route_queue(p: Params, b: State) -> str:
    return QUEUES[b["tables"]["tickets"][str(p["ticket"])]["topic"]]


route = Family(
    name="ho_route",
    templates=["Route support ticket #{ticket} to the right queue"],
    fields={"ticket": INT},
    sample=sample_route,
    plan=[
        Step("ho_classify", lambda p, r: {"ticket": p["ticket"]}),
        Step("ho_assign", lambda p, r: {"ticket": p["ticket"], "queue": _queue_of(str(r["ho_classify"]))}),
    ],
    expect=lambda p, b: {"assigned": {str(p["ticket"]): _route_queue(p, b)}},
    answer=lambda p, b: [_route_queue(p, b)],
    summary=lambda p, r: f"Ticket #{p['ticket']} is now in the {r['ho_assign']['queue']} queue.",
)


def _assign(s: State, a: dict) -> dict:
    s.setdefault("assigned", {})[str(a["ticket"])] = a["queue"]
    return {"ticket": a["ticket"], "queue": a["queue"]}


# =========================================================================== 9. energy: a derived answer
def _read_meter(s: State, a: dict) -> dict:
    wh = s["tables"].get("meters", {}).get(a["meter"])
    if wh is None:
        raise ToolFail(f"no meter {a['meter']}")
    n = s["tables"]["meter_reads"] = s["tables"].get("meter_reads", 0) + 1
    return {"meter": a["meter"], "wh": wh, "read_at": f"2026-12-02T0{n % 10}:{(n * 7) % 60:02d}:00Z"}


def sample_meter(rng: random.Random, w: State, i: int) -> Params:
    meter = f"M-{rng.randint(100, 999)}"
    w["tables"].setdefault("meters", {}).setdefault(meter, rng.randint(1000, 99999))
    return {"meter": meter}


meter = Family(
    name="ho_meter",
    templates=["What does meter {meter} read, in kWh?"],
    fields={"meter": Field(r"M-\d{3}")},
    sample=sample_meter,
    plan=[Step("ho_read_meter", lambda p, r: {"meter": p["meter"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [b["tables"]["meters"][p["meter"]] / 1000],
    summary=lambda p, r: f"Meter {p['meter']} reads {r['ho_read_meter']['wh'] / 1000} kWh.",
)


# =========================================================================== 10. banking: a percentage rounded down
def _balance(s: State, a: dict) -> dict:
    b = s["tables"].get("balances", {}).get(a["account"])
    if b is None:
        raise ToolFail(f"no account {a['account']}")
    return {"account": a["account"], "balance": b, "currency": "EUR"}


def _sweep_amount(balance: float, pct: int) -> int:
    return math.floor(balance * pct / 100)


def sample_sweep(rng: random.Random, w: State, i: int) -> Params:
    acct = f"CH{rng.randint(1000, 9999)}"
    pct = rng.choice([5, 10, 12, 15, 20, 25, 30])
    while True:
        bal = round(rng.uniform(300, 20000), 2)
        frac = bal * pct / 100 - math.floor(bal * pct / 100)
        if (frac < 0.45) if i < 4 else (frac > 0.55 or rng.random() < 0.3):
            break
    w["tables"].setdefault("balances", {})[acct] = bal
    return {"pct": pct, "account": acct}


def _sweep_of(p: Params, b: State) -> int:
    return _sweep_amount(b["tables"]["balances"][p["account"]], p["pct"])


sweep = Family(
    name="ho_sweep",
    templates=["Sweep {pct} percent of account {account} into savings, in whole euros rounded down"],
    fields={"pct": INT, "account": Field(r"CH\d{4}")},
    sample=sample_sweep,
    plan=[
        Step("ho_account_balance", lambda p, r: {"account": p["account"]}),
        Step(
            "ho_transfer",
            lambda p, r: {
                "from_account": p["account"],
                "to_account": "savings",
                "amount": _sweep_amount(r["ho_account_balance"]["balance"], p["pct"]),
            },
        ),
    ],
    expect=lambda p, b: {
        "transfers": [{"from_account": p["account"], "to_account": "savings", "amount": _sweep_of(p, b)}]
    },
    answer=lambda p, b: [_sweep_of(p, b)],
    summary=lambda p, r: f"Moved {r['ho_transfer']['amount']} EUR from {p['account']} to savings.",
)


# =========================================================================== 11. greenhouse: a goal threshold
def _moisture(s: State, a: dict) -> dict:
    m = s["tables"].get("moisture", {}).get(a["bed"])
    if m is None:
        raise ToolFail(f"no bed {a['bed']}")
    return {"bed": a["bed"], "moisture_pct": m, "sensor": "ok"}


def sample_water(rng: random.Random, w: State, i: int) -> Params:
    bed = f"{rng.choice('ABCDEFGH')}{rng.randint(1, 40)}"
    limit = rng.randint(30, 60)
    wet = i >= 4 and rng.random() < 0.5
    m = limit + rng.randint(1, 10) if wet else limit - rng.randint(5, 15)
    w["tables"].setdefault("moisture", {})[bed] = m
    return {"bed": bed, "litres": rng.choice([2, 3, 4, 5, 8, 10]), "limit": limit}


def _dry(p: Params, b: State) -> bool:
    return b["tables"]["moisture"][p["bed"]] < p["limit"]


water = Family(
    name="ho_water",
    templates=["Water bed {bed} with {litres} litres, skipping it at {limit}% soil moisture or wetter"],
    fields={"bed": Field(r"[A-H]\d+"), "litres": INT, "limit": INT},
    sample=sample_water,
    plan=[
        Step("ho_soil_moisture", lambda p, r: {"bed": p["bed"]}),
        Step(
            "ho_water_bed",
            lambda p, r: {"bed": p["bed"], "litres": p["litres"]},
            when=lambda p, r: r["ho_soil_moisture"]["moisture_pct"] < p["limit"],
        ),
    ],
    expect=lambda p, b: {"watered": [{"bed": p["bed"], "litres": p["litres"]}]} if _dry(p, b) else {},
    answer=lambda p, b: [b["tables"]["moisture"][p["bed"]]],
    summary=lambda p, r: (
        f"Watered bed {p['bed']} with {p['litres']} litres (soil moisture {r['ho_soil_moisture']['moisture_pct']}%)."
        if "ho_water_bed" in r
        else f"Skipped bed {p['bed']}: soil moisture {r['ho_soil_moisture']['moisture_pct']}%."
    ),
)


# =========================================================================== 12. rosters: a possessive and an id
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
STAFF = ["Bruno", "Mary Ann", "Li Wei", "Ines", "Jean Luc", "Ada", "Rosa Maria", "Ken"]


def _get_shift(s: State, a: dict) -> dict:
    sid = s["tables"].get("shifts", {}).get(f"{a['person']}/{a['day']}")
    if sid is None:
        raise ToolFail(f"{a['person']} has no shift on {a['day']}")
    return {"shift_id": sid, "person": a["person"], "day": a["day"], "start": "08:00"}


def sample_shift(rng: random.Random, w: State, i: int) -> Params:
    person, other = rng.sample(STAFF, 2)
    day = rng.choice(DAYS)
    sid = w["tables"].setdefault("shifts", {}).setdefault(f"{person}/{day}", f"SH-{rng.randint(100, 999)}")
    return {"person": person, "day": day, "other": other, "sid": sid}


shift = Family(
    name="ho_shift",
    templates=["Give {person}'s {day} shift to {other}"],
    fields={"person": CAPWORDS, "day": CAPWORD, "other": CAPWORDS},
    sample=lambda rng, w, i: {k: v for k, v in sample_shift(rng, w, i).items() if k != "sid"},
    plan=[
        Step("ho_get_shift", lambda p, r: {"person": p["person"], "day": p["day"]}),
        Step("ho_reassign_shift", lambda p, r: {"shift_id": r["ho_get_shift"]["shift_id"], "to": p["other"]}),
    ],
    expect=lambda p, b: {
        "reassigned": [{"shift_id": b["tables"]["shifts"][f"{p['person']}/{p['day']}"], "to": p["other"]}]
    },
    answer=lambda p, b: [b["tables"]["shifts"][f"{p['person']}/{p['day']}"], p["other"]],
    summary=lambda p, r: f"Shift {r['ho_get_shift']['shift_id']} ({p['day']}) now belongs to {p['other']}.",
)


# =========================================================================== 13. pipelines: which stage failed
STAGES = ["checkout", "lint", "build", "test", "package", "deploy"]


def _pipeline_log(s: State, a: dict) -> str:
    bad = s["tables"].get("pipelines", {}).get(a["pipeline"])
    if bad is None:
        raise ToolFail(f"no pipeline {a['pipeline']}")
    lines, state = [], "ok"
    for st in STAGES:
        lines.append(f"stage {st}: {state if st != bad else 'FAILED (exit 2)'}")
        if st == bad:
            state = "skipped"
    return "\n".join(lines)


def sample_stage(rng: random.Random, w: State, i: int) -> Params:
    pipe = f"{rng.choice(['web', 'api', 'etl', 'mobile'])}-{rng.randint(100, 999)}"
    w["tables"].setdefault("pipelines", {})[pipe] = "test" if i < 4 else rng.choice(STAGES[1:])
    return {"pipeline": pipe}


def _failed_stage(log: str) -> str:
    m = re.search(r"stage (\w+): FAILED", log)
    return m.group(1) if m else "none"


stage = Family(
    name="ho_stage",
    templates=["Which stage of pipeline {pipeline} failed?"],
    fields={"pipeline": Field(r"[a-z]+-\d+")},
    sample=sample_stage,
    plan=[Step("ho_pipeline_log", lambda p, r: {"pipeline": p["pipeline"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [f"stage {b['tables']['pipelines'][p['pipeline']]}: FAILED"],
    summary=lambda p, r: f"In {p['pipeline']}, stage {_failed_stage(str(r['ho_pipeline_log']))}: FAILED (exit 2).",
)


# =========================================================================== 14. lab: bottles, rounded up
BOTTLE_ML = 250


def _reagent_level(s: State, a: dict) -> dict:
    row = s["tables"].get("reagents", {}).get(f"{a['reagent']}@{a['analyser']}")
    if row is None:
        raise ToolFail(f"no reagent {a['reagent']} on {a['analyser']}")
    return {"reagent": a["reagent"], "analyser": a["analyser"], **row}


def _bottles(row: dict) -> int:
    return math.ceil((row["capacity_ml"] - row["ml_left"]) / BOTTLE_ML)


def sample_reagent(rng: random.Random, w: State, i: int) -> Params:
    reagent, an = rng.choice(["buffer", "lysis", "wash", "stain"]), f"AN{rng.randint(1, 30)}"
    cap = rng.choice([1000, 2000, 2500])
    while True:
        left = rng.randint(40, cap - 300)
        frac = (cap - left) / BOTTLE_ML - (cap - left) // BOTTLE_ML
        if (frac >= 0.5) if i < 4 else (0 < frac < 0.5 or rng.random() < 0.3):
            break
    w["tables"].setdefault("reagents", {})[f"{reagent}@{an}"] = {"ml_left": left, "capacity_ml": cap}
    return {"reagent": reagent, "analyser": an}


def _bottles_of(p: Params, b: State) -> int:
    return _bottles(b["tables"]["reagents"][f"{p['reagent']}@{p['analyser']}"])


reagent = Family(
    name="ho_reagent",
    templates=["Order enough {reagent} reagent to refill analyser {analyser} (250 ml bottles)"],
    fields={"reagent": LOWER, "analyser": Field(r"AN\d+")},
    sample=sample_reagent,
    plan=[
        Step("ho_reagent_level", lambda p, r: {"reagent": p["reagent"], "analyser": p["analyser"]}),
        Step(
            "ho_order_reagent",
            lambda p, r: {"reagent": p["reagent"], "bottles": _bottles(r["ho_reagent_level"])},
        ),
    ],
    expect=lambda p, b: {"reagent_orders": [{"reagent": p["reagent"], "bottles": _bottles_of(p, b)}]},
    answer=lambda p, b: [_bottles_of(p, b)],
    summary=lambda p, r: f"Ordered {r['ho_order_reagent']['bottles']} bottles of {p['reagent']} for {p['analyser']}.",
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "ho_get_invoice", "An invoice's total in EUR and its status (open or paid).", {"invoice": str}, _get_invoice
        ),
        Tool("ho_fx_rate", "Exchange rate of a currency pair like 'EUR/GBP'.", {"pair": str}, _fx),
        Tool(
            "ho_pay_invoice",
            "Pay an open invoice: amount in the payment currency.",
            {"invoice": str, "amount": float, "currency": str},
            _pay,
        ),
        Tool("ho_get_event", "A calendar event's date (YYYY-MM-DD).", {"event": str}, _get_event),
        Tool(
            "ho_move_event", "Move a calendar event to a date (YYYY-MM-DD).", {"event": str, "date": str}, _move_event
        ),
        Tool(
            "ho_set_incubator",
            "Set an incubator's temperature in degrees Celsius (1 decimal).",
            {"unit": str, "celsius": float},
            _set_incubator,
        ),
        Tool("ho_build_report", "The test report of a CI build (plain text).", {"build": int}, _build_report),
        Tool(
            "ho_deploy",
            "Deploy a build to an environment.",
            {"build": int, "env": str},
            _append("deployments", ["build", "env"]),
        ),
        Tool("ho_leave_balance", "An employee's remaining annual leave, in days.", {"employee": str}, _leave_balance),
        Tool(
            "ho_approve_leave",
            "Approve days of leave (deducted from the balance).",
            {"employee": str, "days": int},
            _approve_leave,
        ),
        Tool(
            "ho_decline_leave",
            "Decline a leave request with a reason.",
            {"employee": str, "days": int, "reason": str},
            _append("declined", ["employee", "days", "reason"]),
        ),
        Tool(
            "ho_flight_info", "A flight's status and seats left.", {"flight": str}, _row("flights", "flight", "flight")
        ),
        Tool("ho_reserve_seats", "Reserve seats on a flight.", {"flight": str, "seats": int}, _reserve),
        Tool("ho_get_item", "A catalog item's price and whether it is on sale.", {"sku": str}, _get_item),
        Tool("ho_set_price", "Set an item's sale price (2 decimals).", {"sku": str, "price": float}, _set_price),
        Tool("ho_classify", "Classify a support ticket (plain text).", {"ticket": int}, _classify),
        Tool(
            "ho_assign",
            "Put a ticket in a queue: finance (billing), engineering (technical), identity (account).",
            {"ticket": int, "queue": str},
            _assign,
        ),
        Tool("ho_read_meter", "An energy meter's reading in Wh.", {"meter": str}, _read_meter),
        Tool("ho_account_balance", "An account's balance in EUR.", {"account": str}, _balance),
        Tool(
            "ho_transfer",
            "Transfer whole euros between accounts.",
            {"from_account": str, "to_account": str, "amount": int},
            _append(
                "transfers",
                ["from_account", "to_account", "amount"],
                lambda s, a, n: {"transfer": f"TR-{900 + n}", "amount": a["amount"], "to": a["to_account"]},
            ),
        ),
        Tool("ho_soil_moisture", "Soil moisture of a greenhouse bed, in percent.", {"bed": str}, _moisture),
        Tool(
            "ho_water_bed",
            "Water a greenhouse bed with some litres.",
            {"bed": str, "litres": int},
            _append("watered", ["bed", "litres"]),
        ),
        Tool("ho_get_shift", "A person's shift on a weekday.", {"person": str, "day": str}, _get_shift),
        Tool(
            "ho_reassign_shift",
            "Give a shift to another person.",
            {"shift_id": str, "to": str},
            _append("reassigned", ["shift_id", "to"]),
        ),
        Tool("ho_pipeline_log", "The stage log of a CI pipeline run (plain text).", {"pipeline": str}, _pipeline_log),
        Tool(
            "ho_reagent_level",
            "Millilitres left of a reagent on an analyser, and its capacity.",
            {"reagent": str, "analyser": str},
            _reagent_level,
        ),
        Tool(
            "ho_order_reagent",
            f"Order bottles of a reagent ({BOTTLE_ML} ml each).",
            {"reagent": str, "bottles": int},
            _append(
                "reagent_orders", ["reagent", "bottles"], lambda s, a, n: {"order": f"RO-{n}", "bottles": a["bottles"]}
            ),
        ),
    ]
}


FAMILIES: list[Family] = [
    invoice_fx,
    reschedule,
    incubator,
    promote,
    leave,
    seats,
    markdown,
    route,
    meter,
    sweep,
    water,
    shift,
    stage,
    reagent,
]
