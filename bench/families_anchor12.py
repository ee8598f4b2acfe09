"""Probe for words a later call copies out of a plain-text report, after a word the goal also says (issue 9,
helper rate12): "Reshelve book BK-5531 on its shelf" and a report "Book BK-5531 (Hardy), 312 pages, shelf Local
History: returned." The fix (`_explain_text._anchors`) was shaped on a pipeline segment (heldout19b); these
domains are other ones, and the traps come only after goal 6.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `a12_`:

    bash /work/wt/_brief/allsets.sh /tmp/llmos_wrap_rate12.sh /tmp/rate12_a12 anchor12

should replay (one plan over the values the text names):
- a12_shelf    a library's returns: the shelf named in the return slip ("..., shelf Local History: returned.")
- a12_berth    a harbour: the berth named in the arrival notice ("..., berth North Quay: draught 7 m.")
must NOT replay wrongly (traps only from goal 6 on, `FIRST`):
- a12_gate     a depot's trucks: the gate named in the gate log; later some trucks are *held* at their gate
               ("Truck TR-88 held at gate East: ..."): the oracle releases the hold instead of opening the gate
- a12_ward     a hospital's bins: the store named in the ward's waste note; later some notes name the store
               twice ("store Yellow Store, overflow to store Annex"): the oracle empties the overflow store
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

FIRST = 6  # traps only from this goal of a family on


def _append(section: str, keys: list[str]):
    def run(s: State, a: dict) -> Any:
        s.setdefault(section, []).append({k: a[k] for k in keys})
        return {"ok": True}

    return run


def _row(table: str, key: str):
    def get(s: State, a: dict) -> dict:
        row = s["tables"].get(table, {}).get(a[key])
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return row

    return get


def _slip(s: State, a: dict) -> str:
    r = _row("a12_books", "book")(s, a)
    return f"Book {a['book']} ({r['author']}), {r['pages']} pages, shelf {r['shelf']}: returned."


def _arrival(s: State, a: dict) -> str:
    r = _row("a12_vessels", "vessel")(s, a)
    return f"Vessel {a['vessel']} due {r['hour']}:00, berth {r['berth']}: draught {r['draught']} m."


def _gate_log(s: State, a: dict) -> str:
    r = _row("a12_trucks", "truck")(s, a)
    verb = "held at" if r["held"] else "at"
    return f"Truck {a['truck']} {verb} gate {r['gate']}: {r['pallets']} pallets."


def _waste(s: State, a: dict) -> str:
    r = _row("a12_wards", "ward")(s, a)
    extra = f", overflow to store {r['overflow']}" if r["overflow"] else ""
    return f"Ward {a['ward']}: {r['bags']} bags, store {r['store']}{extra}."


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("a12_return_slip", "The return slip of a library book (plain text).", {"book": str}, _slip),
        Tool(
            "a12_reshelve",
            "Put a book back on a shelf.",
            {"book": str, "shelf": str},
            _append("shelved", ["book", "shelf"]),
        ),
        Tool("a12_arrival", "The arrival notice of a vessel (plain text).", {"vessel": str}, _arrival),
        Tool(
            "a12_moor",
            "Moor a vessel at a berth.",
            {"vessel": str, "berth": str},
            _append("moored", ["vessel", "berth"]),
        ),
        Tool("a12_gate_log", "The gate log line of a truck (plain text).", {"truck": str}, _gate_log),
        Tool(
            "a12_open_gate",
            "Open a depot gate for a truck.",
            {"truck": str, "gate": str},
            _append("opened", ["truck", "gate"]),
        ),
        Tool("a12_release_hold", "Release a truck held at a gate.", {"truck": str}, _append("released", ["truck"])),
        Tool("a12_waste_note", "A ward's waste note (plain text).", {"ward": str}, _waste),
        Tool("a12_empty_store", "Empty a waste store.", {"store": str}, _append("emptied", ["store"])),
    ]
}

AUTHORS = ["Hardy", "Woolf", "Achebe", "Mann", "Lessing", "Eco"]
SHELVES = ["Local History", "Fiction", "Maps", "Rare Books", "Science", "Poetry Corner"]


def sample_shelf(rng: random.Random, w: State, i: int) -> Params:
    book = f"BK-{rng.randint(1000, 9999)}"
    w["tables"].setdefault("a12_books", {}).setdefault(
        book, {"author": rng.choice(AUTHORS), "pages": rng.randint(90, 700), "shelf": SHELVES[i % len(SHELVES)]}
    )
    return {"book": book}


def _after(text: str, word: str, stop: str) -> str:
    return text.split(f"{word} ", 1)[1].split(stop, 1)[0]


shelf = Family(
    name="a12_shelf",
    templates=["Reshelve book {book} on its shelf"],
    fields={"book": Field(r"BK-\d+")},
    sample=sample_shelf,
    plan=[
        Step("a12_return_slip", lambda p, r: {"book": p["book"]}),
        Step("a12_reshelve", lambda p, r: {"book": p["book"], "shelf": _after(r["a12_return_slip"], "shelf", ":")}),
    ],
    expect=lambda p, b: {"shelved": [{"book": p["book"], "shelf": b["tables"]["a12_books"][p["book"]]["shelf"]}]},
)

BERTHS = ["North Quay", "Pier 4", "Oil Jetty", "South Wall", "Ro-Ro Ramp"]


def sample_berth(rng: random.Random, w: State, i: int) -> Params:
    vessel = f"MV-{rng.randint(100, 999)}"
    w["tables"].setdefault("a12_vessels", {}).setdefault(
        vessel, {"hour": rng.randint(10, 22), "berth": BERTHS[i % len(BERTHS)], "draught": rng.randint(4, 11)}
    )
    return {"vessel": vessel}


berth = Family(
    name="a12_berth",
    templates=["Moor vessel {vessel} at the berth its arrival notice gives"],
    fields={"vessel": Field(r"MV-\d+")},
    sample=sample_berth,
    plan=[
        Step("a12_arrival", lambda p, r: {"vessel": p["vessel"]}),
        Step("a12_moor", lambda p, r: {"vessel": p["vessel"], "berth": _after(r["a12_arrival"], "berth", ":")}),
    ],
    expect=lambda p, b: {
        "moored": [{"vessel": p["vessel"], "berth": b["tables"]["a12_vessels"][p["vessel"]]["berth"]}]
    },
)

GATES = ["East", "West Yard", "North 2", "Cold Dock"]


def sample_gate(rng: random.Random, w: State, i: int) -> Params:
    truck = f"TR-{rng.randint(10, 99)}{i}"
    held = i >= FIRST and rng.random() < 0.5
    w["tables"].setdefault("a12_trucks", {}).setdefault(
        truck, {"gate": GATES[i % len(GATES)], "pallets": rng.randint(4, 30), "held": held}
    )
    return {"truck": truck}


def _held(p: Params, r: dict) -> bool:
    return " held at gate " in r["a12_gate_log"]


gate = Family(
    name="a12_gate",
    templates=["Let truck {truck} through its gate"],
    fields={"truck": Field(r"TR-\d+")},
    sample=sample_gate,
    repeats=False,
    plan=[
        Step("a12_gate_log", lambda p, r: {"truck": p["truck"]}),
        Step(
            "a12_open_gate",
            lambda p, r: {"truck": p["truck"], "gate": _after(r["a12_gate_log"], "gate", ":")},
            when=lambda p, r: not _held(p, r),
        ),
        Step("a12_release_hold", lambda p, r: {"truck": p["truck"]}, when=_held),
    ],
    expect=lambda p, b: (
        {"released": [{"truck": p["truck"]}]}
        if b["tables"]["a12_trucks"][p["truck"]]["held"]
        else {"opened": [{"truck": p["truck"], "gate": b["tables"]["a12_trucks"][p["truck"]]["gate"]}]}
    ),
)

STORES = ["Yellow Store", "Basement B", "Annex", "Loading Bay"]


def sample_ward(rng: random.Random, w: State, i: int) -> Params:
    ward = f"W{rng.randint(10, 99)}{i}"
    overflow = STORES[(i + 1) % len(STORES)] if i >= FIRST and rng.random() < 0.5 else ""
    w["tables"].setdefault("a12_wards", {}).setdefault(
        ward, {"bags": rng.randint(2, 12), "store": STORES[i % len(STORES)], "overflow": overflow}
    )
    return {"ward": ward}


def _store_of(row: dict) -> str:
    return row["overflow"] or row["store"]


def _store_text(text: str) -> str:
    return text.rsplit("store ", 1)[1].rstrip(".")


ward = Family(
    name="a12_ward",
    templates=["Empty the store that ward {ward}'s waste went to"],
    fields={"ward": Field(r"W\d+")},
    sample=sample_ward,
    repeats=False,
    plan=[
        Step("a12_waste_note", lambda p, r: {"ward": p["ward"]}),
        Step("a12_empty_store", lambda p, r: {"store": _store_text(r["a12_waste_note"])}),
    ],
    expect=lambda p, b: {"emptied": [{"store": _store_of(b["tables"]["a12_wards"][p["ward"]])}]},
)


FAMILIES: list[Family] = [shelf, berth, gate, ward]
