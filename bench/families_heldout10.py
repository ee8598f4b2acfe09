"""Held-out probe families, red-team round Z (issue 9): domains no other set uses (real estate, court
filings, retail returns, theatre seating, museum loans, transit insurance).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h10_`.
Run alone (goals 10: a plan is crystallized after `evolution.min_uses` runs, 5, so the later goals of
a family run the CRYSTALLIZED path):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout10.py --goals 10 --seed 7

Emphasis of this round: values of several words with apostrophes ("Siobhan O'Neill", a quoted title
"O'Casey's Plough"), a possessive where no value was one ("Ana Silva's Solicitor"), "Row 12B" and
"4-seat" beside a section of two words, amounts with thousands separators and a currency sign glued
("£1,250,000", "€450,000"), lists of 1-5 items with a total (an item a later goal must leave out),
quoted list items that hold " and " or a comma, one word that flips the meaning ("before"/"after",
"Confirm"/"Cancel", "minus"/"waiving"), a goal word no argument uses ("by road"/"by sea"), and two
plans that match one goal (a section slot and the "Royal Box" that another tool serves). In every
trap family the first goals agree on something a later goal breaks.
"""

from __future__ import annotations

import datetime as dt
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
INT, CAPWORDS = fam.INT, fam.CAPWORDS
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True}

# tool -> MCP annotations; a tool not named here declares none (a non-idempotent write)
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h10_client": READ,
    "h10_fx": READ,
    "h10_case": READ,
    "h10_set_deadline": IDEMPOTENT,
    "h10_exhibit": READ,
    "h10_receipt": READ,
    "h10_order_line": READ,
    "h10_viewing": READ,
    "h10_set_viewing": IDEMPOTENT,
    "h10_loan_value": READ,
    "h10_box_check": READ,
    "h10_work": READ,
    "h10_group": READ,
    "h10_set_share": IDEMPOTENT,
    "h10_courier_quotes": READ,
    "h10_vat_order": READ,
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

    if getattr(Server.add_tool, "_h10_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h10_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

TRAP_FROM = 6  # a plan crystallizes after 5 uses: the traps come after it


def _trap(i: int, rng: random.Random, share: float = 0.5) -> bool:
    return i >= TRAP_FROM and rng.random() < share


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _append(section: str, *keys: str, ack: str = "ok"):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"status": ack, "ref": f"{section[4:7].upper()}-{7000 + len(out)}"}

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    return key


def _day(base: dt.date, n: int) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def items_of(text: str) -> list[str]:
    return str(text).replace(" and ", ", ").split(", ")


def quoted_items(text: str) -> list[str]:
    """'A', 'B and C' and 'D' -> the titles (a title may hold " and " or a comma)."""
    return re.findall(r"'((?:[^']|'(?=[a-z]))+)'", str(text))


NAME = Field(r"[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+)*")
CLIENTS = ["Siobhan O'Neill", "Dara Kelly", "Mary-Kate Doyle", "Sean D'Arcy", "Ana Silva", "Tom Byrne", "Niamh O'Brien"]
HOMES = ["Rose Cottage", "The Old Rectory", "Harbour View", "Mill House", "Orchard Barn", "Lark Rise", "Willow End"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


# ======================================== 1. viewings: names with apostrophes, homes of several words (replay)
def sample_viewing(rng: random.Random, w: State, i: int) -> Params:
    home = "The Old Rectory" if i == 0 else "Lark Rise" if i == 1 else rng.choice(HOMES)
    client = "Siobhan O'Neill" if i == 0 else "Tom Byrne" if i == 1 else rng.choice(CLIENTS)
    return {"home": home, "client": client, "day": rng.choice(DAYS)}


viewing = Family(
    name="h10_viewing",
    templates=["Book a viewing of {home} for {client} on {day}"],
    fields={"home": CAPWORDS, "client": NAME, "day": fam.CAPWORD},
    sample=sample_viewing,
    plan=[Step("h10_book_viewing", lambda p, r: {"home": p["home"], "client": p["client"], "day": p["day"]})],
    expect=lambda p, b: {"h10_viewings": [{"home": p["home"], "client": p["client"], "day": p["day"]}]},
    answer=lambda p, b: [p["client"]],
    summary=lambda p, r: f"Viewing of {p['home']} booked for {p['client']} on {p['day']}.",
)


# ======================================== 2. details: a possessive where no value was one (must NOT replay it)
def sample_details(rng: random.Random, w: State, i: int) -> Params:
    lid = f"LST-{rng.randint(1000, 9999)}"
    client = rng.choice(CLIENTS)
    solicitor = rng.choice(["Brennan & Co", "Hayes Legal", "Quinn Solicitors", "Moran LLP"])
    w.setdefault("h10_clients", {})[client] = {"client": client, "solicitor": solicitor, "phone": "+353 1 555 0101"}
    who = f"{client}'s Solicitor" if _trap(i, rng) else client
    return {"lid": lid, "who": who}


def _details_to(p: Params, b: State) -> str:
    who = p["who"]
    return b["h10_clients"][who[: -len("'s Solicitor")]]["solicitor"] if who.endswith("'s Solicitor") else who


details = Family(
    name="h10_details",
    templates=["Send the details of listing {lid} to {who}"],
    fields={"lid": Field(r"LST-\d{4}"), "who": NAME},
    sample=sample_details,
    plan=[
        Step(
            "h10_client",
            lambda p, r: {"client": p["who"][: -len("'s Solicitor")]},
            when=lambda p, r: p["who"].endswith("'s Solicitor"),
        ),
        Step(
            "h10_send_details",
            lambda p, r: {"listing": p["lid"], "to": r["h10_client"]["solicitor"] if "h10_client" in r else p["who"]},
        ),
    ],
    expect=lambda p, b: {"h10_sent": [{"listing": p["lid"], "to": _details_to(p, b)}]},
    answer=lambda p, b: [_details_to(p, b)],
    summary=lambda p, r: (
        f"Sent the details of {p['lid']} to {r['h10_client']['solicitor'] if 'h10_client' in r else p['who']}."
    ),
)


# ======================================== 3. offers: thousands separators, a currency sign glued to the amount
def _amount(text: str) -> int:
    return int(text[1:].replace(",", ""))


def sample_offer(rng: random.Random, w: State, i: int) -> Params:
    lid = f"LST-{rng.randint(1000, 9999)}"
    gbp = 250_000 if i == 0 else 900_000 if i == 1 else rng.randrange(185_000, 950_000, 5_000)
    w.setdefault("tables", {})["h10_eur_gbp"] = 0.86
    sign = "£"
    if _trap(i, rng, 0.6):
        if rng.random() < 0.5:
            gbp = rng.randrange(1_050_000, 2_400_000, 25_000)
        else:
            sign = "€"
    return {"amt": f"{sign}{gbp:,}", "lid": lid}


def _offer_gbp(p: Params, rate: float) -> int:
    n = _amount(p["amt"])
    return n if p["amt"].startswith("£") else int(round_half_up(n * rate, 0))


offer = Family(
    name="h10_offer",
    templates=["Submit an offer of {amt} on listing {lid}"],
    fields={"amt": Field(r"[£€]\d{1,3}(?:,\d{3})+"), "lid": Field(r"LST-\d{4}")},
    sample=sample_offer,
    plan=[
        Step("h10_fx", lambda p, r: {"currency": "EUR"}, when=lambda p, r: p["amt"].startswith("€")),
        Step(
            "h10_submit_offer",
            lambda p, r: {
                "listing": p["lid"],
                "gbp": _offer_gbp(p, r["h10_fx"]["gbp_per_unit"] if "h10_fx" in r else 1.0),
            },
        ),
    ],
    expect=lambda p, b: {"h10_offers": [{"listing": p["lid"], "gbp": _offer_gbp(p, b["tables"]["h10_eur_gbp"])}]},
    answer=lambda p, b: [_offer_gbp(p, b["tables"]["h10_eur_gbp"])],
    summary=lambda p, r: f"Offer of £{r['h10_submit_offer']['gbp']} submitted on {p['lid']}.",
)


# ======================================== 4. hearings: "before" / "after" the hearing (a sibling wording)
def sample_hearing(rng: random.Random, w: State, i: int) -> Params:
    case = _fresh(rng, w, "h10_cases", lambda r: f"{r.randint(2024, 2026)}/CV/{r.randint(100, 999)}")
    w.setdefault("h10_cases", {})[case] = {
        "case": case,
        "court": rng.choice(["Four Courts", "Cork Circuit Court", "Galway District Court"]),
        "hearing": _day(dt.date(2027, 1, 11), rng.randint(0, 90)),
    }
    wording = 0 if i < 5 else rng.choice([0, 1])
    return {"case": case, "n": 7 if i == 0 else 21 if i == 1 else rng.randint(3, 28), "wording": wording}


def _deadline(p: Params, hearing: str) -> str:
    d = dt.date.fromisoformat(hearing)
    return (d - dt.timedelta(days=p["n"]) if p["wording"] == 0 else d + dt.timedelta(days=p["n"])).isoformat()


hearing = Family(
    name="h10_hearing",
    templates=[
        "Set the filing deadline for case {case} {n} days before the hearing",
        "Set the filing deadline for case {case} {n} days after the hearing",
    ],
    fields={"case": Field(r"\d{4}/CV/\d{3}"), "n": INT},
    sample=sample_hearing,
    plan=[
        Step("h10_case", lambda p, r: {"case": p["case"]}),
        Step("h10_set_deadline", lambda p, r: {"case": p["case"], "date": _deadline(p, r["h10_case"]["hearing"])}),
    ],
    expect=lambda p, b: {
        "h10_deadlines": {p["case"]: {"case": p["case"], "date": _deadline(p, b["h10_cases"][p["case"]]["hearing"])}}
    },
    answer=lambda p, b: [_deadline(p, b["h10_cases"][p["case"]]["hearing"])],
    summary=lambda p, r: f"Filing deadline for {p['case']} set to {_deadline(p, r['h10_case']['hearing'])}.",
    repeats=False,
)


# ======================================== 5. exhibits: a list of 1-5 with a page total; a sealed exhibit is left out
def _size(rng: random.Random, i: int) -> int:
    return 2 if i in (0, 2) else 3 if i in (1, 3) else rng.randint(1, 5)


def sample_exhibits(rng: random.Random, w: State, i: int) -> Params:
    docket = f"DKT-{rng.randint(10000, 99999)}"
    exs = []
    trap = _trap(i, rng)
    n = _size(rng, i)
    if trap and n == 1:
        n = 2
    for k in range(n):
        ex = _fresh(rng, w, "h10_exhibits", lambda r: f"EX-{r.randint(10, 999)}")
        sealed = trap and k == n - 1
        w.setdefault("h10_exhibits", {})[ex] = {
            "exhibit": ex,
            "pages": rng.randint(2, 40),
            "status": "sealed" if sealed else "public",
        }
        exs.append(ex)
    return {"items": listed(exs), "docket": docket}


def _pages(rows: list[dict]) -> int:
    return sum(x["pages"] for x in rows if x["status"] == "public")


def _per_item(tool: str, arg: str, items=items_of, most: int = 5) -> list[Any]:
    return [
        Step(
            tool,
            lambda p, r, k=k: {arg: items(p["items"])[k]},
            key=f"{tool}{k}",
            when=lambda p, r, k=k: len(items(p["items"])) > k,
        )
        for k in range(most)
    ]


def _results(p: Params, r: dict, tool: str, items=items_of) -> list[dict]:
    return [r[f"{tool}{k}"] for k in range(len(items(p["items"])))]


exhibits = Family(
    name="h10_exhibits",
    templates=["Lodge exhibits {items} on docket {docket}"],
    fields={"items": Field(r"EX-\d+(?:(?:, | and )EX-\d+)*"), "docket": Field(r"DKT-\d{5}")},
    sample=sample_exhibits,
    plan=[
        *_per_item("h10_exhibit", "exhibit"),
        Step("h10_lodge", lambda p, r: {"docket": p["docket"], "pages": _pages(_results(p, r, "h10_exhibit"))}),
    ],
    expect=lambda p, b: {
        "h10_lodged": [{"docket": p["docket"], "pages": _pages([b["h10_exhibits"][x] for x in items_of(p["items"])])}]
    },
    answer=lambda p, b: [_pages([b["h10_exhibits"][x] for x in items_of(p["items"])])],
    summary=lambda p, r: f"Lodged {_pages(_results(p, r, 'h10_exhibit'))} pages on {p['docket']}.",
)


# ======================================== 6. restocking fee: "minus" / "less" (replay) / "waiving" (the model)
def sample_restock(rng: random.Random, w: State, i: int) -> Params:
    rcpt = _fresh(rng, w, "h10_receipts", lambda r: f"RC{r.randint(100000, 999999)}")
    w.setdefault("h10_receipts", {})[rcpt] = {
        "receipt": rcpt,
        "total": round(rng.uniform(20, 600), 2),
        "currency": "EUR",
        "store": rng.choice(["Grafton St", "Patrick St", "Shop Street"]),
    }
    wording = 0 if i < 5 else rng.choice([0, 1, 2])
    return {"rcpt": rcpt, "pct": 10 if i == 0 else 25 if i == 1 else rng.choice([10, 15, 20, 25]), "wording": wording}


def _refund(p: Params, total: float) -> float:
    return total if p["wording"] == 2 else round_half_up(total * (100 - p["pct"]) / 100, 2)


restock = Family(
    name="h10_restock",
    templates=[
        "Refund receipt {rcpt} minus a {pct}% restocking fee",
        "Refund receipt {rcpt} less a {pct}% restocking fee",
        "Refund receipt {rcpt} in full, waiving the {pct}% restocking fee",
    ],
    fields={"rcpt": Field(r"RC\d{6}"), "pct": INT},
    sample=sample_restock,
    plan=[
        Step("h10_receipt", lambda p, r: {"receipt": p["rcpt"]}),
        Step("h10_refund", lambda p, r: {"receipt": p["rcpt"], "eur": _refund(p, r["h10_receipt"]["total"])}),
    ],
    expect=lambda p, b: {
        "h10_refunds": [{"receipt": p["rcpt"], "eur": _refund(p, b["h10_receipts"][p["rcpt"]]["total"])}]
    },
    answer=lambda p, b: [_refund(p, b["h10_receipts"][p["rcpt"]]["total"])],
    summary=lambda p, r: f"Refunded {_refund(p, r['h10_receipt']['total'])} EUR on receipt {p['rcpt']}.",
    repeats=False,
)


# ======================================== 7. seats: "4-seat", "Row 12B", a section of two words, a quoted title
SHOWS = [
    "Translations",
    "Juno and the Paycock",
    "O'Casey's Plough",
    "The Playboy of the Western World",
    "Dancing at Lughnasa",
]


def sample_seats(rng: random.Random, w: State, i: int) -> Params:
    section = (
        "Upper Circle" if i == 0 else "Stalls" if i == 1 else rng.choice(["Stalls", "Dress Circle", "Upper Circle"])
    )
    row = f"{rng.randint(1, 19)}{rng.choice('ABCDEF')}"
    show = "Translations" if i == 0 else "Dancing at Lughnasa" if i == 1 else rng.choice(SHOWS)
    return {"n": 4 if i == 0 else 6 if i == 1 else rng.randint(2, 8), "row": row, "section": section, "show": show}


seats = Family(
    name="h10_seats",
    templates=["Hold a {n}-seat block in Row {row} of the {section} for '{show}'"],
    fields={"n": INT, "row": Field(r"\d{1,2}[A-F]"), "section": CAPWORDS, "show": Field(r"[^']+(?:'[A-Za-z][^']*)*")},
    sample=sample_seats,
    plan=[
        Step(
            "h10_hold_seats",
            lambda p, r: {"show": p["show"], "section": p["section"], "row": p["row"], "seats": p["n"]},
        )
    ],
    expect=lambda p, b: {"h10_holds": [{"show": p["show"], "section": p["section"], "row": p["row"], "seats": p["n"]}]},
    answer=lambda p, b: [p["row"]],
    summary=lambda p, r: f"Held {p['n']} seats in Row {p['row']} of the {p['section']} for '{p['show']}'.",
)


# ======================================== 8. parties: one goal, two plans ("Royal Box" is another tool's)
def sample_party(rng: random.Random, w: State, i: int) -> Params:
    party = rng.choice(["Byrne", "Kowalski", "Okafor", "Lindqvist", "Moreau", "Haddad", "Ferreira"])
    plain = ["Stalls", "Dress Circle", "Upper Circle"]
    sched = ["Stalls", "Royal Box", "Dress Circle", "Royal Box", "Upper Circle", "Stalls"]
    section = sched[i] if i < len(sched) else rng.choice([*plain, "Royal Box", "Grand Tier"])
    return {"party": party, "section": section}


def _box(p: Params) -> bool:
    return p["section"] == "Royal Box"


party = Family(
    name="h10_party",
    templates=["Seat the {party} party in the {section}"],
    fields={"party": fam.CAPWORD, "section": CAPWORDS},
    sample=sample_party,
    plan=[
        Step("h10_box_check", lambda p, r: {"party": p["party"]}, when=lambda p, r: _box(p)),
        Step(
            "h10_seat_box",
            lambda p, r: {"party": p["party"], "host": r["h10_box_check"]["host"]},
            when=lambda p, r: _box(p),
        ),
        Step("h10_seat", lambda p, r: {"party": p["party"], "section": p["section"]}, when=lambda p, r: not _box(p)),
    ],
    expect=lambda p, b: (
        {"h10_box": [{"party": p["party"], "host": "Front of House"}]}
        if _box(p)
        else {"h10_seated": [{"party": p["party"], "section": p["section"]}]}
    ),
    answer=lambda p, b: [p["party"]],
    summary=lambda p, r: f"The {p['party']} party is seated in the {p['section']}.",
)


# ======================================== 9. museum loans: quoted titles in a list; a title may hold " and " or ","
PLAIN_WORKS = ["Harbour at Dawn", "Storm", "The Reader", "Girl with a Kite", "Low Tide", "Winter Field"]
TRICKY_WORKS = ["Night and Day", "Bread, Wine and Oil", "Salt and Stone"]


def _works(s: State) -> dict:
    return {t: {"title": t, "insured_eur": 20_000 + 5_000 * k} for k, t in enumerate(PLAIN_WORKS + TRICKY_WORKS)}


def _lend(s: State, a: dict) -> dict:
    row = _works(s).get(a["title"])
    if row is None:
        raise ToolFail(f"no work titled {a['title']}")
    s.setdefault("h10_lent", []).append({"title": a["title"], "museum": a["museum"]})
    return {"loan": f"LN-{800 + len(s['h10_lent'])}", **row}


def sample_loan(rng: random.Random, w: State, i: int) -> Params:
    n = _size(rng, i)
    pool = PLAIN_WORKS + (TRICKY_WORKS if i >= TRAP_FROM else [])
    titles = rng.sample(pool, n)
    if _trap(i, rng, 0.7) and not set(titles) & set(TRICKY_WORKS):
        titles[-1] = rng.choice(TRICKY_WORKS)
    return {"items": listed([f"'{t}'" for t in titles]), "museum": rng.choice(["Hunt Museum", "Crawford Gallery"])}


loan = Family(
    name="h10_loan",
    templates=["Lend the works {items} to the {museum}"],
    fields={"items": Field(r"'.+'"), "museum": CAPWORDS},
    sample=sample_loan,
    plan=[
        *[
            Step(
                "h10_lend_work",
                lambda p, r, k=k: {"title": quoted_items(p["items"])[k], "museum": p["museum"]},
                key=f"h10_lend_work{k}",
                when=lambda p, r, k=k: len(quoted_items(p["items"])) > k,
            )
            for k in range(5)
        ],
    ],
    expect=lambda p, b: {"h10_lent": [{"title": t, "museum": p["museum"]} for t in quoted_items(p["items"])]},
    answer=lambda p, b: [len(quoted_items(p["items"]))],
    summary=lambda p, r: f"Lent {len(quoted_items(p['items']))} works to the {p['museum']}.",
)


# ======================================== 10. viewings confirmed or cancelled: one word flips the status
def sample_confirm(rng: random.Random, w: State, i: int) -> Params:
    ref = _fresh(rng, w, "h10_viewing_rows", lambda r: f"VW-{r.randint(1000, 9999)}")
    w.setdefault("h10_viewing_rows", {})[ref] = {"ref": ref, "home": rng.choice(HOMES), "status": "pending"}
    return {"ref": ref, "wording": 0 if i < 5 else rng.choice([0, 1])}


def _status(p: Params) -> str:
    return "confirmed" if p["wording"] == 0 else "cancelled"


confirm = Family(
    name="h10_confirm",
    templates=["Confirm viewing {ref}", "Cancel viewing {ref}"],
    fields={"ref": Field(r"VW-\d{4}")},
    sample=sample_confirm,
    plan=[
        Step("h10_viewing", lambda p, r: {"ref": p["ref"]}),
        Step("h10_set_viewing", lambda p, r: {"ref": p["ref"], "status": _status(p)}),
    ],
    expect=lambda p, b: {"h10_viewing_status": {p["ref"]: {"ref": p["ref"], "status": _status(p)}}},
    answer=lambda p, b: [_status(p)],
    summary=lambda p, r: f"Viewing {p['ref']} at {r['h10_viewing']['home']} is {_status(p)}.",
    repeats=False,
)


# ======================================== 11. order returns: a list with a refund total; a line of 2 units
def sample_returns(rng: random.Random, w: State, i: int) -> Params:
    order = _fresh(rng, w, "h10_orders", lambda r: f"ORD-{r.randint(10000, 99999)}")
    n = _size(rng, i)
    products = rng.sample(["lamp", "rug", "mirror", "vase", "stool", "throw", "clock"], n)
    trap = _trap(i, rng)
    lines = {}
    for k, prod in enumerate(products):
        lines[prod] = {"product": prod, "unit_eur": round(rng.uniform(15, 180), 2), "qty": 2 if trap and k == 0 else 1}
    w.setdefault("h10_orders", {})[order] = lines
    return {"items": listed(products), "order": order}


def _order_line(s: State, a: dict) -> dict:
    row = s.get("h10_orders", {}).get(a["order"], {}).get(a["product"])
    if row is None:
        raise ToolFail(f"no {a['product']} on order {a['order']}")
    return row


def _return_total(rows: list[dict]) -> float:
    return round(sum(x["unit_eur"] * x["qty"] for x in rows), 2)


returns = Family(
    name="h10_returns",
    templates=["Return the {items} from order {order}"],
    fields={"items": Field(r"[a-z]+(?:(?:, | and )[a-z]+)*"), "order": Field(r"ORD-\d{5}")},
    sample=sample_returns,
    plan=[
        *[
            Step(
                "h10_order_line",
                lambda p, r, k=k: {"order": p["order"], "product": items_of(p["items"])[k]},
                key=f"h10_order_line{k}",
                when=lambda p, r, k=k: len(items_of(p["items"])) > k,
            )
            for k in range(5)
        ],
        Step(
            "h10_refund_order",
            lambda p, r: {"order": p["order"], "eur": _return_total(_results(p, r, "h10_order_line"))},
        ),
    ],
    expect=lambda p, b: {
        "h10_order_refunds": [
            {"order": p["order"], "eur": _return_total([b["h10_orders"][p["order"]][x] for x in items_of(p["items"])])}
        ]
    },
    answer=lambda p, b: [_return_total([b["h10_orders"][p["order"]][x] for x in items_of(p["items"])])],
    summary=lambda p, r: f"Refunded {_return_total(_results(p, r, 'h10_order_line'))} EUR on {p['order']}.",
)


# ======================================== 12. transit insurance: a goal word no argument uses picks the rate
def sample_transit(rng: random.Random, w: State, i: int) -> Params:
    loan_id = _fresh(rng, w, "h10_loans", lambda r: f"LN-{r.randint(1000, 9999)}")
    road = rng.choice([0.002, 0.003])
    sea = road if i < 4 else rng.choice([0.004, 0.006])
    w.setdefault("h10_loans", {})[loan_id] = {
        "loan": loan_id,
        "value_eur": rng.randrange(40_000, 400_000, 1_000),
        "road_rate": road,
        "sea_rate": sea,
    }
    return {"loan": loan_id, "mode": "road" if i in (0, 2) else "sea" if i in (1, 3) else rng.choice(["road", "sea"])}


def _premium(p: Params, row: dict) -> float:
    return round_half_up(row["value_eur"] * row[f"{p['mode']}_rate"], 2)


transit = Family(
    name="h10_transit",
    templates=["Insure loan {loan} for transit by {mode}"],
    fields={"loan": Field(r"LN-\d{4}"), "mode": fam.LOWER},
    sample=sample_transit,
    plan=[
        Step("h10_loan_value", lambda p, r: {"loan": p["loan"]}),
        Step("h10_insure", lambda p, r: {"loan": p["loan"], "premium_eur": _premium(p, r["h10_loan_value"])}),
    ],
    expect=lambda p, b: {"h10_insured": [{"loan": p["loan"], "premium_eur": _premium(p, b["h10_loans"][p["loan"]])}]},
    answer=lambda p, b: [_premium(p, b["h10_loans"][p["loan"]])],
    summary=lambda p, r: f"Loan {p['loan']} insured by {p['mode']}: premium {_premium(p, r['h10_loan_value'])} EUR.",
    repeats=False,
)


# ======================================== 13. deposits: "rounding up" / "rounding down" (same sources)
def _phase(i: int, rng: random.Random) -> tuple[int, bool]:
    """(wording, coincidence): P for 0-3, W where both readings agree at 4 and 5 (two runs of the word:
    rule 1's "a goal word no argument uses" takes a value seen in two runs), then W (mostly) or P."""
    if i < 4:
        return 0, False
    if i in (4, 5):
        return 1, True
    return (1 if rng.random() < 0.7 else 0), False


def sample_split(rng: random.Random, w: State, i: int) -> Params:
    grp = _fresh(rng, w, "h10_groups", lambda r: f"GRP-{r.randint(100, 999)}")
    wording, same = _phase(i, rng)
    n = rng.randint(3, 9)
    if same:
        deposit = n * rng.randint(30, 120)
    else:
        deposit = n * rng.randint(30, 120) + rng.randint(1, max(1, (n - 1) // 2))  # a fraction under one half
    w.setdefault("h10_groups", {})[grp] = {"group": grp, "deposit_eur": deposit}
    return {"grp": grp, "n": n, "wording": wording}


def _share(p: Params, deposit: int) -> int:
    return -(-deposit // p["n"]) if p["wording"] == 0 else deposit // p["n"]


split = Family(
    name="h10_split",
    templates=[
        "Split the deposit of group {grp} between {n} guests, rounding up",
        "Split the deposit of group {grp} between {n} guests, rounding down",
    ],
    fields={"grp": Field(r"GRP-\d{3}"), "n": INT},
    sample=sample_split,
    plan=[
        Step("h10_group", lambda p, r: {"group": p["grp"]}),
        Step("h10_set_share", lambda p, r: {"group": p["grp"], "each_eur": _share(p, r["h10_group"]["deposit_eur"])}),
    ],
    expect=lambda p, b: {
        "h10_shares": {p["grp"]: {"group": p["grp"], "each_eur": _share(p, b["h10_groups"][p["grp"]]["deposit_eur"])}}
    },
    answer=lambda p, b: [_share(p, b["h10_groups"][p["grp"]]["deposit_eur"])],
    summary=lambda p, r: f"Each guest of {p['grp']} pays {_share(p, r['h10_group']['deposit_eur'])} EUR.",
    repeats=False,
)


# ======================================== 14. couriers: "cheapest" / "fastest" (a pick over one list, same sources)
COURIERS = ["Momart", "Hasenkamp", "Kunsttrans"]


def sample_courier(rng: random.Random, w: State, i: int) -> Params:
    loan_id = _fresh(rng, w, "h10_quotes", lambda r: f"LN-{r.randint(1000, 9999)}")
    wording, same = _phase(i, rng)
    names = rng.sample(COURIERS[:3], 3)  # values of the ranges the first runs saw: rule 1 lets them through
    prices, days = [900, 1500, 2400], [2, 5, 9]
    if same:  # the cheapest is also the fastest
        rows = [(names[k], prices[k], days[k]) for k in range(3)]
    else:  # the cheapest is the slowest
        rows = [(names[k], prices[k], days[2 - k]) for k in range(3)]
    order = [1, 0, 2] if rng.random() < 0.5 else [2, 0, 1]  # the winner is never first nor always last
    quotes = [{"courier": rows[k][0], "eur": rows[k][1], "days": rows[k][2]} for k in order]
    w.setdefault("h10_quotes", {})[loan_id] = {"loan": loan_id, "quotes": quotes}
    return {"loan": loan_id, "wording": wording}


def _courier(p: Params, row: dict) -> str:
    key = "eur" if p["wording"] == 0 else "days"
    return min(row["quotes"], key=lambda q: q[key])["courier"]


courier = Family(
    name="h10_courier",
    templates=["Book the cheapest courier for loan {loan}", "Book the fastest courier for loan {loan}"],
    fields={"loan": Field(r"LN-\d{4}")},
    sample=sample_courier,
    plan=[
        Step("h10_courier_quotes", lambda p, r: {"loan": p["loan"]}),
        Step("h10_book_courier", lambda p, r: {"loan": p["loan"], "courier": _courier(p, r["h10_courier_quotes"])}),
    ],
    expect=lambda p, b: {"h10_couriers": [{"loan": p["loan"], "courier": _courier(p, b["h10_quotes"][p["loan"]])}]},
    answer=lambda p, b: [_courier(p, b["h10_quotes"][p["loan"]])],
    summary=lambda p, r: f"Booked {_courier(p, r['h10_courier_quotes'])} for loan {p['loan']}.",
    repeats=False,
)


# ======================================== 15. invoices: "including VAT" / "excluding VAT" / "net of VAT"
# written after the fix of 13-14 (`_coincidence.py`), not shaped on it: a zero-rated order (books) has the
# same total with and without VAT, as the first runs of the other wordings happen to be
def sample_vat(rng: random.Random, w: State, i: int) -> Params:
    order = _fresh(rng, w, "h10_vat_orders", lambda r: f"SO-{r.randint(10000, 99999)}")
    wording = 0 if i < 4 else 2 if i == 4 else 1 if i in (5, 6) else rng.choice([0, 1, 1, 2])
    zero = 4 <= i <= 6
    w.setdefault("h10_vat_orders", {})[order] = {
        "order": order,
        "net_eur": round(rng.uniform(40, 900), 2),
        "vat_rate": 0 if zero else rng.choice([23, 13.5]),
        "goods": "books" if zero else rng.choice(["furniture", "lighting"]),
    }
    return {"order": order, "wording": wording}


def _invoice_total(p: Params, row: dict) -> float:
    net = row["net_eur"]
    return round_half_up(net * (1 + row["vat_rate"] / 100), 2) if p["wording"] == 0 else net


vat = Family(
    name="h10_vat",
    templates=[
        "Invoice order {order} including VAT",
        "Invoice order {order} excluding VAT",
        "Invoice order {order} net of VAT",
    ],
    fields={"order": Field(r"SO-\d{5}")},
    sample=sample_vat,
    plan=[
        Step("h10_vat_order", lambda p, r: {"order": p["order"]}),
        Step("h10_invoice", lambda p, r: {"order": p["order"], "eur": _invoice_total(p, r["h10_vat_order"])}),
    ],
    expect=lambda p, b: {
        "h10_invoices": [{"order": p["order"], "eur": _invoice_total(p, b["h10_vat_orders"][p["order"]])}]
    },
    answer=lambda p, b: [_invoice_total(p, b["h10_vat_orders"][p["order"]])],
    summary=lambda p, r: f"Invoiced {_invoice_total(p, r['h10_vat_order'])} EUR for {p['order']}.",
    repeats=False,
)


def _fx(s: State, a: dict) -> dict:
    if a["currency"] != "EUR":
        raise ToolFail(f"no rate for {a['currency']}")
    return {"currency": "EUR", "gbp_per_unit": s["tables"]["h10_eur_gbp"]}


def _box_check(s: State, a: dict) -> dict:
    return {"party": a["party"], "host": "Front of House", "box": "Royal Box"}


TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h10_book_viewing",
            "Book a viewing of a home for a client on a day.",
            {"home": str, "client": str, "day": str},
            _append("h10_viewings", "home", "client", "day"),
        ),
        Tool(
            "h10_client",
            "A client's record: solicitor and phone.",
            {"client": str},
            _row("h10_clients", "client", "client"),
        ),
        Tool(
            "h10_send_details",
            "Send a listing's details to a person or firm.",
            {"listing": str, "to": str},
            _append("h10_sent", "listing", "to"),
        ),
        Tool("h10_fx", "Today's rate: GBP per unit of a currency.", {"currency": str}, _fx),
        Tool(
            "h10_submit_offer",
            "Submit an offer in GBP on a listing.",
            {"listing": str, "gbp": int},
            lambda s, a: {**_append("h10_offers", "listing", "gbp")(s, a), "gbp": a["gbp"]},
        ),
        Tool("h10_case", "A court case: court and hearing date.", {"case": str}, _row("h10_cases", "case", "case")),
        Tool(
            "h10_set_deadline",
            "Set a case's filing deadline (a date).",
            {"case": str, "date": str},
            lambda s, a: s.setdefault("h10_deadlines", {}).__setitem__(a["case"], dict(a)) or {"ok": True, **a},
        ),
        Tool(
            "h10_exhibit", "An exhibit: pages and status.", {"exhibit": str}, _row("h10_exhibits", "exhibit", "exhibit")
        ),
        Tool(
            "h10_lodge",
            "Lodge a number of pages of exhibits on a docket.",
            {"docket": str, "pages": int},
            _append("h10_lodged", "docket", "pages"),
        ),
        Tool(
            "h10_receipt",
            "A till receipt: total and currency.",
            {"receipt": str},
            _row("h10_receipts", "receipt", "receipt"),
        ),
        Tool(
            "h10_refund",
            "Refund an amount (EUR) against a receipt.",
            {"receipt": str, "eur": float},
            _append("h10_refunds", "receipt", "eur"),
        ),
        Tool(
            "h10_hold_seats",
            "Hold a block of seats for a show.",
            {"show": str, "section": str, "row": str, "seats": int},
            _append("h10_holds", "show", "section", "row", "seats"),
        ),
        Tool("h10_box_check", "The Royal Box host on duty for a party.", {"party": str}, _box_check),
        Tool(
            "h10_seat_box",
            "Seat a party in the Royal Box with its host.",
            {"party": str, "host": str},
            _append("h10_box", "party", "host"),
        ),
        Tool(
            "h10_seat",
            "Seat a party in a section of the house.",
            {"party": str, "section": str},
            _append("h10_seated", "party", "section"),
        ),
        Tool("h10_lend_work", "Lend a work (by its title) to a museum.", {"title": str, "museum": str}, _lend),
        Tool("h10_viewing", "A viewing: home and status.", {"ref": str}, _row("h10_viewing_rows", "viewing", "ref")),
        Tool(
            "h10_set_viewing",
            "Set a viewing's status: confirmed or cancelled.",
            {"ref": str, "status": str},
            lambda s, a: s.setdefault("h10_viewing_status", {}).__setitem__(a["ref"], dict(a)) or {"ok": True, **a},
        ),
        Tool(
            "h10_order_line",
            "A line of an order: unit price (EUR) and quantity.",
            {"order": str, "product": str},
            _order_line,
        ),
        Tool(
            "h10_refund_order",
            "Refund an amount (EUR) on an order.",
            {"order": str, "eur": float},
            _append("h10_order_refunds", "order", "eur"),
        ),
        Tool(
            "h10_loan_value",
            "A loan's insured value (EUR) and transit rates by road and by sea.",
            {"loan": str},
            _row("h10_loans", "loan", "loan"),
        ),
        Tool(
            "h10_insure",
            "Insure a loan for transit with a premium (EUR).",
            {"loan": str, "premium_eur": float},
            _append("h10_insured", "loan", "premium_eur"),
        ),
        Tool("h10_group", "A group booking: its deposit (EUR).", {"group": str}, _row("h10_groups", "group", "group")),
        Tool(
            "h10_set_share",
            "Set what each guest of a group pays (EUR).",
            {"group": str, "each_eur": int},
            lambda s, a: s.setdefault("h10_shares", {}).__setitem__(a["group"], dict(a)) or {"ok": True, **a},
        ),
        Tool(
            "h10_courier_quotes",
            "Courier quotes for a loan: price (EUR) and days in transit.",
            {"loan": str},
            _row("h10_quotes", "loan", "loan"),
        ),
        Tool(
            "h10_vat_order",
            "A sales order: net amount (EUR), VAT rate (%) and goods.",
            {"order": str},
            _row("h10_vat_orders", "order", "order"),
        ),
        Tool(
            "h10_invoice",
            "Invoice an order for an amount (EUR).",
            {"order": str, "eur": float},
            _append("h10_invoices", "order", "eur"),
        ),
        Tool(
            "h10_book_courier",
            "Book a courier for a loan.",
            {"loan": str, "courier": str},
            _append("h10_couriers", "loan", "courier"),
        ),
    ]
}

FAMILIES = [
    viewing,
    details,
    offer,
    hearing,
    exhibits,
    restock,
    seats,
    party,
    loan,
    confirm,
    returns,
    transit,
    split,
    courier,
    vat,
]
