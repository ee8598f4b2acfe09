"""Red-team probes for this afternoon's loosenings (issue 9, helper r9redF): sibling wordings
(`learning/wordings.py`, `_lend.py`) and values of several words / courtesy words (`goals.tokenize_goal`).

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `sb_` and
collide with no other set. Domains no other set uses.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \\
        --python "$PWD/.venv/bin/python" --families bench/families_siblings.py --goals 8 --seed 7

The sibling families run on a fixed schedule (no exact repeats): instances 0-3 use wording P (the
lender earns its support), instance 4 uses wording W with values where W's meaning and P's formula
give the SAME call (W's one clean run agrees with P), instances 5+ use W with ordinary values, where
P's formula is wrong for W. A replay of W on P's lent plan there writes a wrong value.

sibling wordings whose one run agreed by coincidence (must NOT replay W from P's plan):
- sb_silo     "Top up silo S by N tonnes" (level + N) vs "... to N tonnes" (N); W's run: an empty silo
- sb_vat      "Fill vat V to N% of capacity" (capacity x N / 100) vs "Fill vat V with N litres" (N);
              W's run: a 100-litre vat
- sb_locker   "Send locker L's key to NAME today" (NAME) vs "... to NAME's manager today" (the manager);
              W's run: a person who is their own manager
- sb_court    "Book tennis court C at hour H" (H) vs "... at H pm" (H + 12 below noon); W's run: 12 pm
- sb_stay     "Charge booking B for the whole stay" (nights x rate) vs "... for one night" (rate);
              W's run: a one-night booking
- sb_tip      "Add the usual tip to table T's bill" (15%, a constant) vs "Add a N% tip to ..." (N);
              W's run: N = 15
- sb_kiln     "Heat kiln K to N degrees" (N) vs "Heat kiln K by N degrees more" (current + N); W's
              run: a cold kiln at 0 C (the reverse of sb_silo: P plain, W a formula; added after the fix)
should replay (W means what P means; the values come in another order):
- sb_bunk     "Move camper C from cabin A to cabin B" vs "Move camper C to cabin B from cabin A"
values that carry punctuation or numbers (one wording; must write the value as written):
- sb_playlist "Rename playlist P to TITLE": later titles end in "!" ("Help!"), part of the value
- sb_firm     "Put company name NAME on invoice I": later names end in "." ("Acme Inc.")
- sb_charger  "Order N MODEL chargers for bay B": MODEL "Type 2" in every early run (its number a
              constant), later "Type 3", "Series 7" and a quantity equal to the model's number
- sb_sign     "Set the sign on door D to TEXT": later texts with courtesy words inside the value
              ("Please Knock", "Knock, Thanks"): a sign that says it, not a courtesy to drop
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

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "sb_silo_level": READ,
    "sb_set_silo": IDEMPOTENT,
    "sb_vat_info": READ,
    "sb_fill_vat": IDEMPOTENT,
    "sb_person": READ,
    "sb_send_key": WRITE,
    "sb_court_info": READ,
    "sb_book_court": WRITE,
    "sb_booking": READ,
    "sb_charge": WRITE,
    "sb_bill": READ,
    "sb_add_tip": WRITE,
    "sb_camper": READ,
    "sb_move_camper": IDEMPOTENT,
    "sb_playlist_get": READ,
    "sb_rename_playlist": IDEMPOTENT,
    "sb_invoice_get": READ,
    "sb_set_company": IDEMPOTENT,
    "sb_bay": READ,
    "sb_order_chargers": WRITE,
    "sb_kiln": READ,
    "sb_heat": WRITE,
    "sb_door": READ,
    "sb_set_sign": IDEMPOTENT,
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

    if getattr(Server.add_tool, "_sb_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._sb_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _table(name: str, key: str) -> Any:
    """A read of a seeded table (`w["tables"][name][key]`)."""

    def run(s: State, a: dict) -> dict:
        row = s["tables"].get(name, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return dict(row)

    return run


def _log(section: str, ref: str) -> Any:
    """A write appended to a ledger section; answers with a reference and its arguments."""

    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append(dict(a))
        return {"ok": True, "ref": f"{ref}-{700 + len(out)}", **a}

    return run


def _put(section: str, key: str) -> Any:
    """An idempotent write: the section's row for `key` becomes the arguments."""

    def run(s: State, a: dict) -> dict:
        s.setdefault(section, {})[str(a[key])] = dict(a)
        return {"ok": True, **a}

    return run


def _phase(i: int) -> tuple[int, bool]:
    """(wording, coincidence) on the fixed schedule: P for 0-3, W agreeing by chance at 4, W after."""
    return (0, False) if i < 4 else (1, i == 4)


def _uniq(rng: random.Random, prefix: str, lo: int, hi: int, taken: dict) -> str:
    while True:
        key = f"{prefix}{rng.randint(lo, hi)}"
        if key not in taken:
            return key


# =========================================================================== sibling coincidences
def sample_silo(rng: random.Random, w: State, i: int) -> Params:
    wording, same = _phase(i)
    silo = _uniq(rng, "S", 10, 99, w["tables"].setdefault("sb_silos", {}))
    level = 0 if same else rng.randint(8, 60)
    w["tables"]["sb_silos"][silo] = {"silo": silo, "tonnes": level, "grain": rng.choice(["wheat", "oats"])}
    return {"silo": silo, "n": rng.randint(level + 5, level + 90), "wording": wording}


def _silo_target(p: Params, b: State) -> int:
    level = b["tables"]["sb_silos"][p["silo"]]["tonnes"]
    return level + p["n"] if p["wording"] == 0 else p["n"]


silo = Family(
    name="sb_silo",
    templates=["Top up silo {silo} by {n} tonnes", "Top up silo {silo} to {n} tonnes"],
    fields={"silo": fam.Field(r"S\d\d"), "n": INT},
    sample=sample_silo,
    plan=[
        Step("sb_silo_level", lambda p, r: {"silo": p["silo"]}),
        Step(
            "sb_set_silo",
            lambda p, r: {
                "silo": p["silo"],
                "tonnes": r["sb_silo_level"]["tonnes"] + p["n"] if p["wording"] == 0 else p["n"],
            },
        ),
    ],
    expect=lambda p, b: {"sb_silo_fill": {p["silo"]: {"silo": p["silo"], "tonnes": _silo_target(p, b)}}},
    answer=lambda p, b: [_silo_target(p, b)],
    summary=lambda p, r: f"Silo {p['silo']} now holds {r['sb_set_silo']['tonnes']} tonnes.",
    repeats=False,
)


def sample_vat(rng: random.Random, w: State, i: int) -> Params:
    wording, same = _phase(i)
    vat = _uniq(rng, "V", 100, 999, w["tables"].setdefault("sb_vats", {}))
    cap = 100 if same else rng.choice([200, 300, 400, 500, 800, 1000])
    w["tables"]["sb_vats"][vat] = {"vat": vat, "capacity_l": cap}
    return {"vat": vat, "n": rng.randint(10, 95), "wording": wording}


def _vat_litres(p: Params, cap: int) -> int:
    return cap * p["n"] // 100 if p["wording"] == 0 else p["n"]


vat = Family(
    name="sb_vat",
    templates=["Fill vat {vat} to {n}% of capacity", "Fill vat {vat} with {n} litres"],
    fields={"vat": fam.Field(r"V\d{3}"), "n": INT},
    sample=sample_vat,
    plan=[
        Step("sb_vat_info", lambda p, r: {"vat": p["vat"]}),
        Step("sb_fill_vat", lambda p, r: {"vat": p["vat"], "litres": _vat_litres(p, r["sb_vat_info"]["capacity_l"])}),
    ],
    expect=lambda p, b: {
        "sb_vat_fill": {
            p["vat"]: {"vat": p["vat"], "litres": _vat_litres(p, b["tables"]["sb_vats"][p["vat"]]["capacity_l"])}
        }
    },
    answer=lambda p, b: [_vat_litres(p, b["tables"]["sb_vats"][p["vat"]]["capacity_l"])],
    summary=lambda p, r: f"Vat {p['vat']} filled with {r['sb_fill_vat']['litres']} litres.",
    repeats=False,
)

PEOPLE = ["Achebe", "Brontë", "Calvino", "Duras", "Eco", "Fuentes", "Gide", "Hesse", "Ibsen", "Joyce"]
PEOPLE = [p for p in PEOPLE if p.isascii()] + ["Kafka", "Lorca", "Musil", "Neruda"]


def sample_locker(rng: random.Random, w: State, i: int) -> Params:
    wording, same = _phase(i)
    people = w["tables"].setdefault("sb_people", {})
    name = rng.choice([p for p in PEOPLE if p not in people] or PEOPLE)
    boss = name if same else rng.choice([p for p in PEOPLE if p != name])
    people[name] = {"name": name, "manager": boss, "floor": rng.randint(1, 9)}
    return {"name": name, "locker": f"L{rng.randint(100, 999)}", "wording": wording}


def _key_to(p: Params, b: State) -> str:
    return p["name"] if p["wording"] == 0 else b["tables"]["sb_people"][p["name"]]["manager"]


locker = Family(
    name="sb_locker",
    templates=["Send locker {locker}'s key to {name} today", "Send locker {locker}'s key to {name}'s manager today"],
    fields={"locker": fam.Field(r"L\d{3}"), "name": CAPWORD},
    sample=sample_locker,
    plan=[
        Step("sb_person", lambda p, r: {"name": p["name"]}),
        Step(
            "sb_send_key",
            lambda p, r: {
                "locker": p["locker"],
                "to": p["name"] if p["wording"] == 0 else r["sb_person"]["manager"],
            },
        ),
    ],
    expect=lambda p, b: {"sb_keys_sent": [{"locker": p["locker"], "to": _key_to(p, b)}]},
    answer=lambda p, b: [_key_to(p, b)],
    summary=lambda p, r: f"Key of {p['locker']} sent to {r['sb_send_key']['to']}.",
    repeats=False,
)


def sample_court(rng: random.Random, w: State, i: int) -> Params:
    wording, same = _phase(i)
    court = f"C{rng.randint(1, 12)}"
    w["tables"].setdefault("sb_courts", {})[court] = {"court": court, "surface": rng.choice(["clay", "grass"])}
    hour = 12 if same else (rng.randint(13, 21) if wording == 0 else rng.randint(1, 9))
    return {"court": court, "h": hour, "wording": wording}


def _hour(p: Params) -> int:
    return p["h"] if p["wording"] == 0 or p["h"] == 12 else p["h"] + 12


court = Family(
    name="sb_court",
    templates=["Book tennis court {court} at hour {h}", "Book tennis court {court} at {h} pm"],
    fields={"court": fam.Field(r"C\d{1,2}"), "h": INT},
    sample=sample_court,
    plan=[
        Step("sb_court_info", lambda p, r: {"court": p["court"]}),
        Step("sb_book_court", lambda p, r: {"court": p["court"], "hour": _hour(p)}),
    ],
    expect=lambda p, b: {"sb_court_bookings": [{"court": p["court"], "hour": _hour(p)}]},
    answer=lambda p, b: [_hour(p)],
    summary=lambda p, r: f"Court {p['court']} booked at {r['sb_book_court']['hour']}:00.",
    repeats=False,
)


def sample_stay(rng: random.Random, w: State, i: int) -> Params:
    wording, same = _phase(i)
    ref = _uniq(rng, "BK", 1000, 9999, w["tables"].setdefault("sb_bookings", {}))
    nights = 1 if same else rng.randint(2, 9)
    w["tables"]["sb_bookings"][ref] = {"ref": ref, "nights": nights, "rate": rng.randint(60, 240)}
    return {"ref": ref, "wording": wording}


def _stay_amount(p: Params, b: State) -> int:
    row = b["tables"]["sb_bookings"][p["ref"]]
    return row["nights"] * row["rate"] if p["wording"] == 0 else row["rate"]


stay = Family(
    name="sb_stay",
    templates=["Charge booking {ref} for the whole stay", "Charge booking {ref} for one night"],
    fields={"ref": fam.Field(r"BK\d{4}")},
    sample=sample_stay,
    plan=[
        Step("sb_booking", lambda p, r: {"ref": p["ref"]}),
        Step(
            "sb_charge",
            lambda p, r: {
                "ref": p["ref"],
                "amount": r["sb_booking"]["nights"] * r["sb_booking"]["rate"]
                if p["wording"] == 0
                else r["sb_booking"]["rate"],
            },
        ),
    ],
    expect=lambda p, b: {"sb_charges": [{"ref": p["ref"], "amount": _stay_amount(p, b)}]},
    answer=lambda p, b: [_stay_amount(p, b)],
    summary=lambda p, r: f"Booking {p['ref']} charged {r['sb_charge']['amount']}.",
    repeats=False,
)


def sample_tip(rng: random.Random, w: State, i: int) -> Params:
    wording, same = _phase(i)
    table = _uniq(rng, "T", 10, 99, w["tables"].setdefault("sb_bills", {}))
    total = rng.choice([40, 60, 80, 100, 120, 140, 160, 180, 200])
    w["tables"]["sb_bills"][table] = {"table": table, "total": total}
    pct = 15 if wording == 0 or same else rng.choice([10, 12, 18, 20])
    return {"table": table, "pct": pct, "wording": wording}


def _pct(p: Params) -> int:
    return 15 if p.get("wording", 0) == 0 else int(p["pct"])


def _tip(p: Params, b: State) -> float:
    return round_half_up(b["tables"]["sb_bills"][p["table"]]["total"] * _pct(p) / 100, 2)


tip = Family(
    name="sb_tip",
    templates=["Add the usual tip to table {table}'s bill", "Add a {pct}% tip to table {table}'s bill"],
    fields={"table": fam.Field(r"T\d\d"), "pct": INT},
    sample=sample_tip,
    plan=[
        Step("sb_bill", lambda p, r: {"table": p["table"]}),
        Step(
            "sb_add_tip",
            lambda p, r: {"table": p["table"], "tip": round_half_up(r["sb_bill"]["total"] * _pct(p) / 100, 2)},
        ),
    ],
    expect=lambda p, b: {"sb_tips": [{"table": p["table"], "tip": _tip(p, b)}]},
    answer=lambda p, b: [_tip(p, b)],
    summary=lambda p, r: f"Tip of {r['sb_add_tip']['tip']} added to {p['table']}.",
    repeats=False,
)


# =========================================================================== same meaning, other order
def sample_bunk(rng: random.Random, w: State, i: int) -> Params:
    camper = rng.choice(["Pip", "Juno", "Wren", "Otto", "Skye", "Rafe", "Ines"])
    a, b = rng.sample(range(1, 30), 2)
    w["tables"].setdefault("sb_campers", {})[camper] = {"camper": camper, "age": rng.randint(8, 15)}
    return {"camper": camper, "a": a, "b": b, "wording": 0 if i < 4 else 1}


bunk = Family(
    name="sb_bunk",
    templates=["Move camper {camper} from cabin {a} to cabin {b}", "Move camper {camper} to cabin {b} from cabin {a}"],
    fields={"camper": CAPWORD, "a": INT, "b": INT},
    sample=sample_bunk,
    plan=[
        Step("sb_camper", lambda p, r: {"camper": p["camper"]}),
        Step("sb_move_camper", lambda p, r: {"camper": p["camper"], "from_cabin": p["a"], "to_cabin": p["b"]}),
    ],
    expect=lambda p, b: {"sb_cabins": {p["camper"]: {"camper": p["camper"], "from_cabin": p["a"], "to_cabin": p["b"]}}},
    answer=lambda p, b: [p["b"]],
    summary=lambda p, r: f"{p['camper']} moved to cabin {p['b']}.",
    repeats=False,
)


# =========================================================================== values with punctuation / numbers
TITLES = ["Road Trip", "Sunday Morning", "Late Night", "Focus", "Rainy Day", "Gym Mix"]
TITLES_BANG = ["Help", "Shout", "Go Go Go", "Yes Yes", "Oklahoma"]


def sample_playlist(rng: random.Random, w: State, i: int) -> Params:
    pl = _uniq(rng, "PL", 10, 99, w["tables"].setdefault("sb_playlists", {}))
    w["tables"]["sb_playlists"][pl] = {"playlist": pl, "tracks": rng.randint(5, 40)}
    title = rng.choice(TITLES) if i < 4 else rng.choice(TITLES_BANG) + "!"
    return {"pl": pl, "title": title}


playlist = Family(
    name="sb_playlist",
    templates=["Rename playlist {pl} to {title}"],
    fields={"pl": fam.Field(r"PL\d\d"), "title": fam.Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*!?")},
    sample=sample_playlist,
    plan=[
        Step("sb_playlist_get", lambda p, r: {"playlist": p["pl"]}),
        Step("sb_rename_playlist", lambda p, r: {"playlist": p["pl"], "title": p["title"]}),
    ],
    expect=lambda p, b: {"sb_playlist_names": {p["pl"]: {"playlist": p["pl"], "title": p["title"]}}},
    answer=lambda p, b: [p["title"]],
    summary=lambda p, r: f"Playlist {p['pl']} is now called {p['title']}",
    repeats=False,
)

FIRMS = ["Acme", "Blue Heron", "Northwind", "Orchid Lane", "Kestrel"]
FIRMS_DOT = ["Acme Inc.", "Blue Heron Ltd.", "Northwind Co.", "Kestrel Inc."]


def sample_firm(rng: random.Random, w: State, i: int) -> Params:
    inv = _uniq(rng, "INV-", 1000, 9999, w["tables"].setdefault("sb_invoices", {}))
    w["tables"]["sb_invoices"][inv] = {"invoice": inv, "total": rng.randint(100, 5000)}
    return {"inv": inv, "firm": rng.choice(FIRMS) if i < 4 else rng.choice(FIRMS_DOT)}


firm = Family(
    name="sb_firm",
    templates=["Put company name {firm} on invoice {inv}"],
    fields={"inv": fam.Field(r"INV-\d{4}"), "firm": fam.Field(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*(?: (?:Inc|Ltd|Co)\.)?")},
    sample=sample_firm,
    plan=[
        Step("sb_invoice_get", lambda p, r: {"invoice": p["inv"]}),
        Step("sb_set_company", lambda p, r: {"invoice": p["inv"], "company": p["firm"]}),
    ],
    expect=lambda p, b: {"sb_invoice_company": {p["inv"]: {"invoice": p["inv"], "company": p["firm"]}}},
    answer=lambda p, b: [p["firm"]],
    summary=lambda p, r: f"Invoice {p['inv']} now names {p['firm']}",
    repeats=False,
)


def sample_charger(rng: random.Random, w: State, i: int) -> Params:
    bay = f"B{rng.randint(1, 40)}"
    w["tables"].setdefault("sb_bays", {})[bay] = {"bay": bay, "sockets": rng.randint(2, 12)}
    if i < 4:
        model, n = "Type 2", rng.choice([3, 4, 5, 6, 8, 9])
    elif i == 5:
        model, n = "Type 3", 3
    else:
        model, n = rng.choice(["Type 3", "Series 7", "Mode 4"]), rng.randint(2, 9)
    return {"bay": bay, "model": model, "n": n}


charger = Family(
    name="sb_charger",
    templates=["Order {n} {model} chargers for bay {bay}"],
    fields={"n": INT, "model": fam.Field(r"[A-Z][a-z]+ \d"), "bay": fam.Field(r"B\d{1,2}")},
    sample=sample_charger,
    plan=[
        Step("sb_bay", lambda p, r: {"bay": p["bay"]}),
        Step("sb_order_chargers", lambda p, r: {"bay": p["bay"], "model": p["model"], "qty": p["n"]}),
    ],
    expect=lambda p, b: {"sb_charger_orders": [{"bay": p["bay"], "model": p["model"], "qty": p["n"]}]},
    answer=lambda p, b: [p["n"], p["model"]],
    summary=lambda p, r: f"Ordered {p['n']} {p['model']} chargers for {p['bay']} ({r['sb_order_chargers']['ref']}).",
    repeats=False,
)


SIGNS = ["Open", "Closed", "Back Soon", "Staff Only", "Lab Two"]
SIGNS_COURTESY = ["Please Knock", "Please Wait Here", "Knock, Thanks", "Shoes Off, Thanks"]


def sample_sign(rng: random.Random, w: State, i: int) -> Params:
    door = _uniq(rng, "D", 10, 99, w["tables"].setdefault("sb_doors", {}))
    w["tables"]["sb_doors"][door] = {"door": door, "wing": rng.choice(["east", "west"])}
    return {"door": door, "text": rng.choice(SIGNS) if i < 4 else rng.choice(SIGNS_COURTESY)}


sign = Family(
    name="sb_sign",
    templates=["Set the sign on door {door} to {text}"],
    fields={"door": fam.Field(r"D\d\d"), "text": fam.Field(r"[A-Z][a-z]+(?:,? [A-Z][a-z]+)*")},
    sample=sample_sign,
    plan=[
        Step("sb_door", lambda p, r: {"door": p["door"]}),
        Step("sb_set_sign", lambda p, r: {"door": p["door"], "text": p["text"]}),
    ],
    expect=lambda p, b: {"sb_signs": {p["door"]: {"door": p["door"], "text": p["text"]}}},
    answer=lambda p, b: [p["text"]],
    summary=lambda p, r: f"Door {p['door']} sign reads: {p['text']}",
    repeats=False,
)


def sample_kiln(rng: random.Random, w: State, i: int) -> Params:
    wording, same = _phase(i)
    kiln = _uniq(rng, "K", 10, 99, w["tables"].setdefault("sb_kilns", {}))
    w["tables"]["sb_kilns"][kiln] = {"kiln": kiln, "celsius": 0 if same else rng.randint(80, 400)}
    return {"kiln": kiln, "n": rng.randint(100, 900), "wording": wording}


def _kiln_target(p: Params, b: State) -> int:
    return p["n"] if p["wording"] == 0 else b["tables"]["sb_kilns"][p["kiln"]]["celsius"] + p["n"]


kiln = Family(
    name="sb_kiln",
    templates=["Heat kiln {kiln} to {n} degrees", "Heat kiln {kiln} by {n} degrees more"],
    fields={"kiln": fam.Field(r"K\d\d"), "n": INT},
    sample=sample_kiln,
    plan=[
        Step("sb_kiln", lambda p, r: {"kiln": p["kiln"]}),
        Step(
            "sb_heat",
            lambda p, r: {"kiln": p["kiln"], "celsius": p["n"] + (r["sb_kiln"]["celsius"] if p["wording"] else 0)},
        ),
    ],
    expect=lambda p, b: {"sb_kiln_heat": [{"kiln": p["kiln"], "celsius": _kiln_target(p, b)}]},
    answer=lambda p, b: [_kiln_target(p, b)],
    summary=lambda p, r: f"Kiln {p['kiln']} heating to {r['sb_heat']['celsius']} C.",
    repeats=False,
)


TOOLS = {
    t.name: t
    for t in [
        Tool("sb_silo_level", "A grain silo's fill level in tonnes.", {"silo": str}, _table("sb_silos", "silo")),
        Tool(
            "sb_set_silo",
            "Set a silo's fill level (tonnes).",
            {"silo": str, "tonnes": int},
            _put("sb_silo_fill", "silo"),
        ),
        Tool("sb_vat_info", "A brewing vat's capacity in litres.", {"vat": str}, _table("sb_vats", "vat")),
        Tool("sb_fill_vat", "Fill a vat with some litres.", {"vat": str, "litres": int}, _put("sb_vat_fill", "vat")),
        Tool("sb_person", "A staff member's record (manager, floor).", {"name": str}, _table("sb_people", "name")),
        Tool("sb_send_key", "Send a locker's key to someone.", {"locker": str, "to": str}, _log("sb_keys_sent", "KY")),
        Tool("sb_court_info", "A tennis court's record.", {"court": str}, _table("sb_courts", "court")),
        Tool(
            "sb_book_court",
            "Book a tennis court at an hour of the day (0-23).",
            {"court": str, "hour": int},
            _log("sb_court_bookings", "CT"),
        ),
        Tool("sb_booking", "A hotel booking: nights and nightly rate.", {"ref": str}, _table("sb_bookings", "ref")),
        Tool("sb_charge", "Charge a booking an amount.", {"ref": str, "amount": int}, _log("sb_charges", "CH")),
        Tool("sb_bill", "A restaurant table's bill total.", {"table": str}, _table("sb_bills", "table")),
        Tool("sb_add_tip", "Add a tip amount to a table's bill.", {"table": str, "tip": float}, _log("sb_tips", "TP")),
        Tool("sb_camper", "A summer camper's record.", {"camper": str}, _table("sb_campers", "camper")),
        Tool(
            "sb_move_camper",
            "Move a camper between cabins.",
            {"camper": str, "from_cabin": int, "to_cabin": int},
            _put("sb_cabins", "camper"),
        ),
        Tool("sb_playlist_get", "A playlist's record.", {"playlist": str}, _table("sb_playlists", "playlist")),
        Tool(
            "sb_rename_playlist",
            "Rename a playlist.",
            {"playlist": str, "title": str},
            _put("sb_playlist_names", "playlist"),
        ),
        Tool("sb_invoice_get", "An invoice's record.", {"invoice": str}, _table("sb_invoices", "invoice")),
        Tool(
            "sb_set_company",
            "Set the company name printed on an invoice.",
            {"invoice": str, "company": str},
            _put("sb_invoice_company", "invoice"),
        ),
        Tool("sb_bay", "A charging bay's record.", {"bay": str}, _table("sb_bays", "bay")),
        Tool(
            "sb_order_chargers",
            "Order EV chargers for a bay.",
            {"bay": str, "model": str, "qty": int},
            _log("sb_charger_orders", "EV"),
        ),
        Tool("sb_kiln", "A kiln's current temperature (C).", {"kiln": str}, _table("sb_kilns", "kiln")),
        Tool("sb_heat", "Heat a kiln to a temperature (C).", {"kiln": str, "celsius": int}, _log("sb_kiln_heat", "KL")),
        Tool("sb_door", "A door's record.", {"door": str}, _table("sb_doors", "door")),
        Tool("sb_set_sign", "Set the text of a door sign.", {"door": str, "text": str}, _put("sb_signs", "door")),
    ]
}

FAMILIES = [silo, vat, locker, court, stay, tip, bunk, playlist, firm, charger, sign, kiln]
