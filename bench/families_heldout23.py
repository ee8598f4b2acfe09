"""Held-out probe families, round AJ (issue 9, rules 1-3 and 5): replayed writes and answers, by an adversary who
read docs/replay-rules.md. Per-item decisions in loops, a write argument chosen among several result values by a
rule, a caveat in free text next to normal fields, two reads that must agree before a write, a relevant field that
moves inside nested JSON, numbers with thousands separators, two goal parameters of one kind (from/to, low/high) in
wordings that swap them, answers that state a count or a sum over a list.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h23_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout23.py --goals 16 --seed 7

Domains no other set used:

- h23_customs    customs entry lines (2-4): release every line whose broker remark is not a "HOLD: ..." caveat
                 (status "cleared" on every line); the answer states how many were released
- h23_referee    appoint the referee with the fewest matches this season, never one from either club; a
                 wording names the away club first
- h23_airtime    book a radio ad spot in the cheapest break that still has room for the spot's seconds
- h23_docket     file a document with the court department the case is with now: the last entry of its
                 assignment history (one entry in early goals, a transfer later)
- h23_compound   take grams of an API powder from the compounding stock (plain text, thousands separators);
                 the goal's amount is written "1,250" when it is over a thousand
- h23_paddock    move ewes from one paddock to another when the destination has room; three wordings, the
                 paddocks in either order
- h23_assay      release a lab result only when the LIMS value and the instrument printout agree; else flag it
- h23_cards      how many matches a referee officiated in a month and the cards shown (a sum), abandoned
                 matches left out
- h23_certs      link the newest calibration certificate of a balance to a batch (ordered oldest first in
                 early goals, in any order later)
- h23_subs       deliver the subtitle file of the goal's language to a broadcaster (the goal's language is the
                 first track in early goals)
- h23_intake     record the net weight of a grain load from a weighbridge ticket (plain text, thousands
                 separators); a provisional ticket is not recorded
- h23_alarm      set a store's humidity alarm band, low and high, in two wordings with the numbers swapped

Workloads up to `--goals 16`. The first four goals of a family never cross a trap, later goals sometimes do.
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
    "h23_customs_entry": READ,
    "h23_release_line": WRITE,
    "h23_referee_pool": READ,
    "h23_appoint": WRITE,
    "h23_breaks": READ,
    "h23_book_spot": WRITE,
    "h23_case": READ,
    "h23_file_doc": WRITE,
    "h23_api_stock": READ,
    "h23_set_api_stock": WRITE,
    "h23_paddock": READ,
    "h23_move_ewes": WRITE,
    "h23_lims": READ,
    "h23_instrument": READ,
    "h23_release_result": WRITE,
    "h23_flag_result": WRITE,
    "h23_ref_log": READ,
    "h23_cal_certs": READ,
    "h23_link_cert": WRITE,
    "h23_tracks": READ,
    "h23_deliver_subs": WRITE,
    "h23_ticket": READ,
    "h23_record_intake": WRITE,
    "h23_set_alarm": WRITE,
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

    if getattr(Server.add_tool, "_h23_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h23_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


def _row(section: str, key: str, what: str) -> Any:
    def run(s: State, a: dict) -> Any:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _log(section: str, fields: list[str]) -> Any:
    """A write that appends its arguments (the named fields, in order) to a list section of the world."""

    def run(s: State, a: dict) -> dict:
        rec = {f: a[f] for f in fields}
        s.setdefault(section, []).append(rec)
        return {"ok": True, **rec}

    return run


def _fmt(x: float) -> str:
    return f"{x:,.1f}" if x != int(x) else f"{int(x):,}"


# ======================================== 1. customs entry: release the lines without a HOLD remark (loop)
PAID = [
    "duty paid by broker",
    "duty paid at border",
    "deferred duty account DDA-{n}",
    "paid, receipt {n}",
    "no duty (preference origin)",
    "duty paid online, ref {n}",
]
HOLDS = ["HOLD: phytosanitary inspection pending", "HOLD: invoice value queried", "HOLD: licence missing"]
GOODS = ["ceramic tiles", "olive oil", "bicycle parts", "cotton shirts", "copper wire", "tea", "wooden toys"]


def sample_customs(rng: random.Random, w: State, i: int) -> Params:
    entry = f"CE-{40110 + 13 * i}"
    lines = []
    for n in range(1, (2 + i % 2 if i < 4 else rng.randint(2, 4)) + 1):
        remark = rng.choice(PAID).format(n=rng.randint(1000, 9999))
        lines.append({"line": n, "goods": rng.choice(GOODS), "status": "cleared", "remark": remark})
    if _trap(i, rng):
        rng.choice(lines)["remark"] = rng.choice(HOLDS)
    w.setdefault("h23_entries", {})[entry] = {"entry": entry, "lines": lines}
    return {"entry": entry, "wording": _wording(rng, i, 2)}


def _free_lines(s: State, entry: str) -> list[int]:
    lines = s["h23_entries"][entry]["lines"]
    return [x["line"] for x in lines if x["status"] == "cleared" and not x["remark"].startswith("HOLD")]


def _release_line(s: State, a: dict) -> dict:
    row = s.get("h23_entries", {}).get(str(a["entry"]))
    line = next((x for x in (row or {}).get("lines", []) if x["line"] == a["line"]), None)
    if line is None:
        raise ToolFail(f"no line {a['line']} in entry {a['entry']}")
    line["status"] = "released"
    return {"entry": a["entry"], "line": a["line"], "status": "released"}


def _customs_expect(p: Params, b: State) -> dict:
    row = b["h23_entries"][p["entry"]]
    free = _free_lines(b, p["entry"])
    lines = [{**x, "status": "released"} if x["line"] in free else x for x in row["lines"]]
    return {"h23_entries": {p["entry"]: {**row, "lines": lines}}} if free else {}


def _customs_answer(p: Params, b: State) -> list:
    return [len(_free_lines(b, p["entry"]))]


def _customs_summary(p: Params, r: dict) -> str:
    lines = r["h23_customs_entry"]["lines"]
    done = [x["line"] for x in lines if x["status"] == "cleared" and not x["remark"].startswith("HOLD")]
    held = [f"line {x['line']} ({x['remark']})" for x in lines if x["remark"].startswith("HOLD")]
    out = f"Released {len(done)} line(s) of entry {p['entry']}: " + ", ".join(f"line {n}" for n in done) + "."
    return out + (" Not released: " + "; ".join(held) + "." if held else "")


def _release_step(k: int) -> Any:
    return Step(
        "h23_release_line",
        lambda p, r: {"entry": p["entry"], "line": _todo(r)[k]},
        key=f"h23_release_line_{k}",
        when=lambda p, r: len(_todo(r)) > k,
    )


customs = Family(
    name="h23_customs",
    templates=["Release the cleared lines of customs entry {entry}", "Customs entry {entry}: release its lines"],
    fields={"entry": Field(r"CE-\d+")},
    sample=sample_customs,
    plan=[Step("h23_customs_entry", lambda p, r: {"entry": p["entry"]})] + [_release_step(k) for k in range(4)],
    expect=_customs_expect,
    answer=_customs_answer,
    summary=_customs_summary,
)


def _todo(r: dict) -> list[int]:
    lines = r["h23_customs_entry"]["lines"]
    return [x["line"] for x in lines if x["status"] == "cleared" and not x["remark"].startswith("HOLD")]


# ======================================== 2. referee appointment: fewest matches, never from either club
CLUBS = ["Ashby Town", "Brenton Rovers", "Carlow United", "Dunmore Athletic", "Elmsford City", "Fenwick Albion"]
REFS = ["A. Kowalczyk", "B. Mensah", "C. O'Dwyer", "D. Haraldsen", "E. Varga", "F. Lindqvist", "G. Moreau"]
DAYS = ["Saturday", "Sunday"]


def sample_referee(rng: random.Random, w: State, i: int) -> Params:
    home, away = rng.sample(CLUBS, 2)
    others = [c for c in CLUBS if c not in (home, away)]
    names = rng.sample(REFS, rng.randint(3, 5))
    counts = rng.sample(range(2, 19), len(names))
    pool = [{"referee": n, "club": rng.choice(others), "matches": m} for n, m in zip(names, counts, strict=True)]
    if _trap(i, rng):
        min(pool, key=lambda x: x["matches"])["club"] = rng.choice([home, away])
    rng.shuffle(pool)
    day = f"{rng.choice(DAYS)} {i + 1} May"
    w.setdefault("h23_pools", {})[day] = {"day": day, "available": pool}
    return {"home": home, "away": away, "day": day, "wording": _wording(rng, i, 2)}


def _ref_pick(pool: dict, p: Params) -> str:
    ok = [x for x in pool["available"] if x["club"] not in (p["home"], p["away"])]
    return min(ok, key=lambda x: x["matches"])["referee"]


def _referee_expect(p: Params, b: State) -> dict:
    ref = _ref_pick(b["h23_pools"][p["day"]], p)
    return {"h23_appointments": [{"home": p["home"], "away": p["away"], "day": p["day"], "referee": ref}]}


referee = Family(
    name="h23_referee",
    templates=[
        "Appoint a referee for {home} v {away} on {day}",
        "{away} play away at {home} on {day}: appoint the referee",
    ],
    fields={"home": _one_of(CLUBS), "away": _one_of(CLUBS), "day": Field(r"(?:Saturday|Sunday) \d+ May")},
    sample=sample_referee,
    plan=[
        Step("h23_referee_pool", lambda p, r: {"day": p["day"]}),
        Step(
            "h23_appoint",
            lambda p, r: {
                "home": p["home"],
                "away": p["away"],
                "day": p["day"],
                "referee": _ref_pick(r["h23_referee_pool"], p),
            },
        ),
    ],
    expect=_referee_expect,
    answer=lambda p, b: [_ref_pick(b["h23_pools"][p["day"]], p)],
    summary=lambda p, r: f"Appointed {r['h23_appoint']['referee']} to referee {p['home']} v {p['away']} on {p['day']}.",
)


# ======================================== 3. radio ad spot: the cheapest break with room for the spot
STATIONS = ["Radio Fenland", "Harbour FM", "Dales Sound", "Moorland Radio"]


def sample_airtime(rng: random.Random, w: State, i: int) -> Params:
    station, secs = STATIONS[i % len(STATIONS)], rng.choice([20, 30, 40])
    night = f"night {i + 1}"
    breaks = []
    for n in range(rng.randint(3, 5)):
        breaks.append(
            {
                "break": f"B{n + 1}",
                "time": f"{18 + n}:5{n}",
                "free_secs": rng.choice([40, 50, 60, 90]),
                "price": rng.choice([80, 95, 110, 125, 140, 160, 185]),
            }
        )
    prices = rng.sample([80, 95, 110, 125, 140, 160, 185], len(breaks))
    for b, pr in zip(breaks, prices, strict=True):
        b["price"] = pr
    if _trap(i, rng):
        min(breaks, key=lambda x: x["price"])["free_secs"] = rng.choice([0, 10, secs - 10])
    w.setdefault("h23_breaks", {})[f"{station}|{night}"] = {"station": station, "night": night, "breaks": breaks}
    return {"station": station, "secs": secs, "night": night, "wording": _wording(rng, i, 2)}


def _spot(row: dict, secs: int) -> dict | None:
    ok = [b for b in row["breaks"] if b["free_secs"] >= secs]
    return min(ok, key=lambda b: b["price"]) if ok else None


def _breaks(s: State, a: dict) -> dict:
    row = s.get("h23_breaks", {}).get(f"{a['station']}|{a['night']}")
    if row is None:
        raise ToolFail(f"no schedule for {a['station']} on {a['night']}")
    return row


def _airtime_expect(p: Params, b: State) -> dict:
    spot = _spot(b["h23_breaks"][f"{p['station']}|{p['night']}"], p["secs"])
    rec = {"station": p["station"], "night": p["night"], "slot": spot["break"] if spot else "", "secs": p["secs"]}
    return {"h23_spots": [rec]} if spot else {}


airtime = Family(
    name="h23_airtime",
    templates=[
        "Book a {secs}-second ad spot on {station} for {night} in the cheapest break with room",
        "On {station}, {night}: put our {secs}-second spot in the cheapest break that still fits it",
    ],
    fields={"station": _one_of(STATIONS), "secs": fam.INT, "night": Field(r"night \d+")},
    sample=sample_airtime,
    plan=[
        Step("h23_breaks", lambda p, r: {"station": p["station"], "night": p["night"]}),
        Step(
            "h23_book_spot",
            lambda p, r: {
                "station": p["station"],
                "night": p["night"],
                "slot": _spot(r["h23_breaks"], p["secs"])["break"],
                "secs": p["secs"],
            },  # type: ignore[index]
            when=lambda p, r: _spot(r["h23_breaks"], p["secs"]) is not None,
        ),
    ],
    expect=_airtime_expect,
    answer=lambda p, b: [
        (_spot(b["h23_breaks"][f"{p['station']}|{p['night']}"], p["secs"]) or {"break": "none"})["break"]
    ],
    summary=lambda p, r: (
        f"Booked the {p['secs']}-second spot on {p['station']} ({p['night']}) in break {r['h23_book_spot']['slot']}."
        if "h23_book_spot" in r
        else f"No break on {p['station']} ({p['night']}) has room for {p['secs']} seconds: none booked."
    ),
)


# ======================================== 4. court docket: file with the department the case is with now
DEPTS = ["Dept 12", "Dept 17", "Dept 23", "Dept 31", "Dept 44", "Dept 58"]
DOCS = ["notice of appearance", "motion to compel", "witness list", "proof of service"]
JUDGES = ["Judge Alvarez", "Judge Whitcombe", "Judge Nakashima", "Judge Okonkwo", "Judge Brandt", "Judge Ferreira"]


def sample_docket(rng: random.Random, w: State, i: int) -> Params:
    case = f"CV-26-{3301 + 7 * i}"
    n = 1 if i < 4 or not _trap(i, rng) else rng.randint(2, 3)
    depts = rng.sample(range(len(DEPTS)), n)
    history = [{"dept": DEPTS[d], "judge": JUDGES[d], "since": f"2026-0{k + 3}-1{k}"} for k, d in enumerate(depts)]
    w.setdefault("h23_cases", {})[case] = {
        "case": case,
        "parties": "Rowe v. Harland Logistics",
        "assignment": {"history": history},
    }
    return {"case": case, "doc": rng.choice(DOCS), "wording": _wording(rng, i, 2)}


def _dept(row: dict) -> str:
    return str(row["assignment"]["history"][-1]["dept"])


docket = Family(
    name="h23_docket",
    templates=["File the {doc} in case {case}", "Case {case}: file our {doc} with the court"],
    fields={"case": Field(r"CV-26-\d+"), "doc": _one_of(DOCS)},
    sample=sample_docket,
    plan=[
        Step("h23_case", lambda p, r: {"case": p["case"]}),
        Step("h23_file_doc", lambda p, r: {"case": p["case"], "doc": p["doc"], "dept": _dept(r["h23_case"])}),
    ],
    expect=lambda p, b: {
        "h23_filings": [{"case": p["case"], "doc": p["doc"], "dept": _dept(b["h23_cases"][p["case"]])}]
    },
    answer=lambda p, b: [_dept(b["h23_cases"][p["case"]])],
    summary=lambda p, r: f"Filed the {p['doc']} in case {p['case']} with {r['h23_file_doc']['dept']}.",
)


# ======================================== 5. compounding stock: take grams of an API (thousands separators)
APIS = ["ketoprofen", "gabapentin", "baclofen", "lidocaine", "tramadol", "metronidazole", "omeprazole"]


def sample_compound(rng: random.Random, w: State, i: int) -> Params:
    api = APIS[i % len(APIS)] if i < 4 else rng.choice(APIS)
    stock = w.setdefault("h23_api", {})
    if api not in stock:
        stock[api] = round(rng.uniform(20000, 60000), 1)
    grams = rng.choice([1250, 1500, 2000, 1125]) if _trap(i, rng) else rng.choice([25, 40, 60, 125, 250, 400])
    return {"api": api, "gtext": f"{grams:,}", "grams": grams, "wording": _wording(rng, i, 2)}


def _api_text(s: State, a: dict) -> str:
    g = s.get("h23_api", {}).get(str(a["api"]))
    if g is None:
        raise ToolFail(f"no stock of {a['api']}")
    lot = sum(map(ord, str(a["api"]))) % 900 + 100
    return f"{str(a['api']).capitalize()} powder (USP): {_fmt(g)} g on hand, lot {lot}."


def _api_r(text: str) -> float:
    m = re.search(r": ([\d,.]+) g on hand", text)
    return float(m.group(1).replace(",", "")) if m else 0.0


def _set_api(s: State, a: dict) -> dict:
    s.setdefault("h23_api", {})[str(a["api"])] = a["grams"]
    return {"api": a["api"], "grams": a["grams"]}


# the oracle reads the amount back from the goal text ("1,250" -> 1250): its params hold `gtext` as a number;
# the workload's params hold the text and `grams`
compound = Family(
    name="h23_compound",
    templates=[
        "Take {gtext} g of {api} powder from the compounding stock",
        "Compounding: {gtext} g of {api} used, book it out of stock",
    ],
    fields={"gtext": Field(r"\d{1,3}(?:,\d{3})+|\d+", lambda t: int(t.replace(",", ""))), "api": _one_of(APIS)},
    sample=sample_compound,
    plan=[
        Step("h23_api_stock", lambda p, r: {"api": p["api"]}),
        Step(
            "h23_set_api_stock",
            lambda p, r: {"api": p["api"], "grams": round(_api_r(r["h23_api_stock"]) - p["gtext"], 1)},
        ),
    ],
    expect=lambda p, b: {"h23_api": {p["api"]: round(b["h23_api"][p["api"]] - p["grams"], 1)}},
    answer=lambda p, b: [round(b["h23_api"][p["api"]] - p["grams"], 1)],
    summary=lambda p, r: (
        f"Booked {p['gtext']:,} g of {p['api']} out of stock: {_fmt(r['h23_set_api_stock']['grams'])} g left."
    ),
)


# ======================================== 6. paddocks: move ewes from one to another (from/to in either order)
PADDOCKS = ["Creek Paddock", "Long Meadow", "Top Field", "Bracken Hill", "Mill Paddock", "Home Close"]


def sample_paddock(rng: random.Random, w: State, i: int) -> Params:
    src, dst = rng.sample(PADDOCKS, 2)
    pads = w.setdefault("h23_paddocks", {})
    for name in PADDOCKS:
        pads.setdefault(name, {"paddock": name, "ewes": rng.randint(110, 170), "capacity": rng.choice([260, 290, 320])})
    head = rng.choice([12, 18, 25, 30, 40])
    if _trap(i, rng):
        pads[dst]["ewes"] = pads[dst]["capacity"] - rng.randint(0, head - 1)
    return {"head": head, "src": src, "dst": dst, "wording": _wording(rng, i, 3)}


def _room(dst: dict, head: int, src: dict | None = None) -> bool:
    return bool(dst["capacity"] - dst["ewes"] >= head and (src is None or src["ewes"] >= head))


def _move(s: State, a: dict) -> dict:
    pads = s.get("h23_paddocks", {})
    src, dst = pads.get(str(a["src"])), pads.get(str(a["dst"]))
    if src is None or dst is None:
        raise ToolFail("no such paddock")
    if src["ewes"] < a["head"]:
        raise ToolFail(f"only {src['ewes']} ewes in {a['src']}")
    src["ewes"] -= a["head"]
    dst["ewes"] += a["head"]
    return {"src": src, "dst": dst}


def _paddock_expect(p: Params, b: State) -> dict:
    src, dst = b["h23_paddocks"][p["src"]], b["h23_paddocks"][p["dst"]]
    if not _room(dst, p["head"], src):
        return {}
    return {
        "h23_paddocks": {
            p["src"]: {**src, "ewes": src["ewes"] - p["head"]},
            p["dst"]: {**dst, "ewes": dst["ewes"] + p["head"]},
        }
    }


def _paddock_answer(p: Params, b: State) -> list:
    src, dst = b["h23_paddocks"][p["src"]], b["h23_paddocks"][p["dst"]]
    if not _room(dst, p["head"], src):
        return ["no room"]
    return [dst["ewes"] + p["head"], src["ewes"] - p["head"]]


def _paddock_summary(p: Params, r: dict) -> str:
    if "h23_move_ewes" not in r:
        return f"There is no room in {p['dst']} for {p['head']} more ewes (or too few in {p['src']}): none moved."
    m = r["h23_move_ewes"]
    return (
        f"Moved {p['head']} ewes from {p['src']} to {p['dst']}: {p['dst']} now holds {m['dst']['ewes']}, "
        f"{p['src']} {m['src']['ewes']}."
    )


paddock = Family(
    name="h23_paddock",
    templates=[
        "Move {head} ewes from {src} to {dst}",
        "Move {head} ewes into {dst} out of {src}",
        "{dst} takes {head} ewes from {src}: move them",
    ],
    fields={"head": fam.INT, "src": _one_of(PADDOCKS), "dst": _one_of(PADDOCKS)},
    sample=sample_paddock,
    plan=[
        Step("h23_paddock", lambda p, r: {"paddock": p["src"]}, key="src", group="pads"),
        Step("h23_paddock", lambda p, r: {"paddock": p["dst"]}, key="dst", group="pads"),
        Step(
            "h23_move_ewes",
            lambda p, r: {"src": p["src"], "dst": p["dst"], "head": p["head"]},
            when=lambda p, r: _room(r["dst"], p["head"], r["src"]),
        ),
    ],
    expect=_paddock_expect,
    answer=_paddock_answer,
    summary=_paddock_summary,
)


# ======================================== 7. lab result: release only when the LIMS and the instrument agree
ANALYTES = ["lead", "nitrate", "arsenic", "copper", "fluoride"]


def sample_assay(rng: random.Random, w: State, i: int) -> Params:
    sample = f"S-{88100 + 11 * i}"
    analyte = rng.choice(ANALYTES)
    value = round(rng.uniform(0.5, 9.5), 2)
    raw = value
    if _trap(i, rng):
        raw = round(value + rng.choice([-1, 1]) * rng.choice([0.1, 0.37, 1.2]), 2)
    w.setdefault("h23_lims", {})[sample] = {"sample": sample, "analyte": analyte, "value": value, "unit": "mg/L"}
    w.setdefault("h23_raw", {})[sample] = raw
    return {"sample": sample, "analyte": analyte, "wording": _wording(rng, i, 2)}


def _raw_text(s: State, a: dict) -> str:
    v = s.get("h23_raw", {}).get(str(a["sample"]))
    if v is None:
        raise ToolFail(f"no instrument run for {a['sample']}")
    row = s["h23_lims"][str(a["sample"])]
    return f"ICP-MS run 7731, sample {a['sample']}: {row['analyte']} {v:.2f} mg/L (dilution 1:1, QC pass)"


def _raw_r(text: str) -> float:
    m = re.search(r" ([\d.]+) mg/L", text)
    return float(m.group(1)) if m else -1.0


def _agree(p: Params, r: dict) -> bool:
    return bool(abs(r["h23_lims"]["value"] - _raw_r(r["h23_instrument"])) < 1e-9)


def _assay_expect(p: Params, b: State) -> dict:
    v, raw = b["h23_lims"][p["sample"]]["value"], b["h23_raw"][p["sample"]]
    if abs(v - raw) < 1e-9:
        return {"h23_released": [{"sample": p["sample"], "value": v}]}
    return {"h23_flags": [{"sample": p["sample"], "reason": "LIMS and instrument disagree"}]}


assay = Family(
    name="h23_assay",
    templates=["Release the {analyte} result of sample {sample}", "Sample {sample}: release its {analyte} result"],
    fields={"sample": Field(r"S-\d+"), "analyte": _one_of(ANALYTES)},
    sample=sample_assay,
    plan=[
        Step("h23_lims", lambda p, r: {"sample": p["sample"]}, group="reads"),
        Step("h23_instrument", lambda p, r: {"sample": p["sample"]}, group="reads"),
        Step("h23_release_result", lambda p, r: {"sample": p["sample"], "value": r["h23_lims"]["value"]}, when=_agree),
        Step(
            "h23_flag_result",
            lambda p, r: {"sample": p["sample"], "reason": "LIMS and instrument disagree"},
            when=lambda p, r: not _agree(p, r),
        ),
    ],
    expect=_assay_expect,
    answer=lambda p, b: (
        [b["h23_lims"][p["sample"]]["value"]]
        if abs(b["h23_lims"][p["sample"]]["value"] - b["h23_raw"][p["sample"]]) < 1e-9
        else ["disagree"]
    ),
    summary=lambda p, r: (
        f"Released the {p['analyte']} result of {p['sample']}: {r['h23_lims']['value']} mg/L."
        if _agree(p, r)
        else f"Not released: the LIMS ({r['h23_lims']['value']} mg/L) and the "
        f"instrument ({_raw_r(r['h23_instrument'])} mg/L) disagree; {p['sample']} is flagged."
    ),
)


# ======================================== 8. referee's month: matches and cards, abandoned matches left out
MONTHS = ["September", "October", "November"]


def sample_cards(rng: random.Random, w: State, i: int) -> Params:
    ref, month = REFS[i % len(REFS)], MONTHS[(i // len(REFS)) % 3]
    key = f"{ref}|{month}"
    logs = w.setdefault("h23_ref_logs", {})
    if key not in logs:
        games = []
        for n in range(2 + i % 2 if i < 4 else rng.randint(2, 5)):
            home, away = rng.sample(CLUBS, 2)
            games.append(
                {
                    "match": f"{home} v {away}",
                    "date": f"{month[:3]} {3 + 7 * n}",
                    "status": "played",
                    "yellow": rng.randint(0, 6),
                    "red": rng.choice([0, 0, 0, 1]),
                }
            )
        if _trap(i, rng):
            rng.choice(games)["status"] = "abandoned (fog), cards void"
        logs[key] = games
    return {"ref": ref, "month": month, "wording": _wording(rng, i, 2)}


def _ref_log(s: State, a: dict) -> dict:
    games = s.get("h23_ref_logs", {}).get(f"{a['ref']}|{a['month']}")
    if games is None:
        raise ToolFail(f"no log for {a['ref']} in {a['month']}")
    return {"referee": a["ref"], "month": a["month"], "matches": games}


def _card_facts(games: list[dict]) -> list:
    played = [g for g in games if g["status"] == "played"]
    return [len(played), sum(g["yellow"] + g["red"] for g in played)]


def _cards_summary(p: Params, games: list[dict]) -> str:
    n, total = _card_facts(games)
    void = [g["match"] for g in games if g["status"] != "played"]
    out = f"{p['ref']} refereed {n} matches in {p['month']} and showed {total} cards"
    return out + (f" (not counting {', '.join(void)}: abandoned, cards void)." if void else ".")


cards = Family(
    name="h23_cards",
    templates=[
        "How many matches did {ref} referee in {month}, and how many cards did they show?",
        "{ref} in {month}: matches refereed and cards shown",
    ],
    fields={"ref": _one_of(REFS), "month": _one_of(MONTHS)},
    sample=sample_cards,
    plan=[Step("h23_ref_log", lambda p, r: {"ref": p["ref"], "month": p["month"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: _card_facts(b["h23_ref_logs"][f"{p['ref']}|{p['month']}"]),
    summary=lambda p, r: _cards_summary(p, r["h23_ref_log"]["matches"]),
)


# ======================================== 9. calibration certificates: link the newest one to a batch
def sample_certs(rng: random.Random, w: State, i: int) -> Params:
    bal, batch = f"BAL-{101 + 4 * i}", f"LOT-{5520 + 9 * i}"
    n = rng.randint(2, 4)
    dates = sorted(rng.sample(range(1, 300), n))
    certs = [{"cert": f"CC-{rng.randint(10000, 99999)}", "issued": _day(d), "by": "Metrology Ltd"} for d in dates]
    if _trap(i, rng):
        while certs[-1]["issued"] == max(c["issued"] for c in certs):
            rng.shuffle(certs)
    w.setdefault("h23_certs", {})[bal] = {"balance": bal, "certificates": certs}
    return {"bal": bal, "batch": batch, "wording": _wording(rng, i, 2)}


def _day(n: int) -> str:
    import datetime as dt

    return (dt.date(2026, 1, 1) + dt.timedelta(days=n)).isoformat()


def _newest(row: dict) -> str:
    return str(max(row["certificates"], key=lambda c: c["issued"])["cert"])


certs = Family(
    name="h23_certs",
    templates=[
        "Link the newest calibration certificate of balance {bal} to batch {batch}",
        "Batch {batch} was weighed on balance {bal}: link its latest calibration certificate",
    ],
    fields={"bal": Field(r"BAL-\d+"), "batch": Field(r"LOT-\d+")},
    sample=sample_certs,
    plan=[
        Step("h23_cal_certs", lambda p, r: {"balance": p["bal"]}),
        Step("h23_link_cert", lambda p, r: {"batch": p["batch"], "cert": _newest(r["h23_cal_certs"])}),
    ],
    expect=lambda p, b: {"h23_links": [{"batch": p["batch"], "cert": _newest(b["h23_certs"][p["bal"]])}]},
    answer=lambda p, b: [_newest(b["h23_certs"][p["bal"]])],
    summary=lambda p, r: f"Linked certificate {r['h23_link_cert']['cert']} to batch {p['batch']}.",
)


# ======================================== 10. subtitles: deliver the file of the goal's language
LANGS = ["French", "German", "Spanish", "Italian", "Dutch", "Polish"]
BROADCASTERS = ["Nordvision", "Canal Est", "Telemadrid Plus", "Rete Sud"]


def sample_subs(rng: random.Random, w: State, i: int) -> Params:
    ep = f"EP-{204 + 3 * i}"
    langs = rng.sample(LANGS, rng.randint(2, 4))
    lang = langs[0] if not _trap(i, rng) else rng.choice(langs[1:])
    tracks = [{"lang": x, "file": f"{ep.lower()}_{x[:2].lower()}_v{rng.randint(1, 4)}.srt"} for x in langs]
    w.setdefault("h23_tracks", {})[ep] = {"episode": ep, "tracks": tracks}
    return {"ep": ep, "lang": lang, "to": rng.choice(BROADCASTERS), "wording": _wording(rng, i, 2)}


def _sub_file(row: dict, lang: str) -> str:
    return str(next(t["file"] for t in row["tracks"] if t["lang"] == lang))


subs = Family(
    name="h23_subs",
    templates=[
        "Deliver the {lang} subtitles of episode {ep} to {to}",
        "{to} needs the {lang} subtitles for {ep}: send them",
    ],
    fields={"ep": Field(r"EP-\d+"), "lang": _one_of(LANGS), "to": _one_of(BROADCASTERS)},
    sample=sample_subs,
    plan=[
        Step("h23_tracks", lambda p, r: {"episode": p["ep"]}),
        Step(
            "h23_deliver_subs",
            lambda p, r: {"episode": p["ep"], "file": _sub_file(r["h23_tracks"], p["lang"]), "broadcaster": p["to"]},
        ),
    ],
    expect=lambda p, b: {
        "h23_deliveries": [
            {"episode": p["ep"], "file": _sub_file(b["h23_tracks"][p["ep"]], p["lang"]), "broadcaster": p["to"]}
        ]
    },
    answer=lambda p, b: [_sub_file(b["h23_tracks"][p["ep"]], p["lang"])],
    summary=lambda p, r: f"Sent {r['h23_deliver_subs']['file']} ({p['lang']}) for {p['ep']} to {p['to']}.",
)


# ======================================== 11. grain intake: net weight from a weighbridge ticket, unless provisional
def sample_intake(rng: random.Random, w: State, i: int) -> Params:
    ticket = f"WB-{61200 + 17 * i}"
    gross = rng.randint(21000, 39000)
    tare = rng.randint(10500, 14500)
    note = rng.choice(["wheat, moisture 14.1%", "barley, moisture 13.6%", "oats, moisture 14.8%"])
    if _trap(i, rng):
        note = rng.choice(
            [
                "PROVISIONAL: tare estimated, re-weigh the empty truck",
                "PROVISIONAL: bridge out of calibration, weights unverified",
            ]
        )
    w.setdefault("h23_tickets", {})[ticket] = {"gross": gross, "tare": tare, "note": note}
    return {"ticket": ticket, "wording": _wording(rng, i, 2)}


def _ticket_text(s: State, a: dict) -> str:
    t = s.get("h23_tickets", {}).get(str(a["ticket"]))
    if t is None:
        raise ToolFail(f"no ticket {a['ticket']}")
    return f"Weighbridge ticket {a['ticket']}\nGross: {t['gross']:,} kg\nTare: {t['tare']:,} kg\nRemarks: {t['note']}"


def _ticket_r(text: str) -> tuple[int, int, bool]:
    g = int(re.search(r"Gross: ([\d,]+)", text).group(1).replace(",", ""))  # type: ignore[union-attr]
    t = int(re.search(r"Tare: ([\d,]+)", text).group(1).replace(",", ""))  # type: ignore[union-attr]
    return g, t, "PROVISIONAL" in text


def _intake_expect(p: Params, b: State) -> dict:
    t = b["h23_tickets"][p["ticket"]]
    if t["note"].startswith("PROVISIONAL"):
        return {}
    return {"h23_intake": [{"ticket": p["ticket"], "net_kg": t["gross"] - t["tare"]}]}


def _intake_answer(p: Params, b: State) -> list:
    t = b["h23_tickets"][p["ticket"]]
    return ["provisional"] if t["note"].startswith("PROVISIONAL") else [t["gross"] - t["tare"]]


intake = Family(
    name="h23_intake",
    templates=[
        "Record the net weight of weighbridge ticket {ticket}",
        "Ticket {ticket}: book the load's net weight in",
    ],
    fields={"ticket": Field(r"WB-\d+")},
    sample=sample_intake,
    plan=[
        Step("h23_ticket", lambda p, r: {"ticket": p["ticket"]}),
        Step(
            "h23_record_intake",
            lambda p, r: {
                "ticket": p["ticket"],
                "net_kg": _ticket_r(r["h23_ticket"])[0] - _ticket_r(r["h23_ticket"])[1],
            },
            when=lambda p, r: not _ticket_r(r["h23_ticket"])[2],
        ),
    ],
    expect=_intake_expect,
    answer=_intake_answer,
    summary=lambda p, r: (
        f"Recorded a net weight of {r['h23_record_intake']['net_kg']:,} kg for {p['ticket']}."
        if "h23_record_intake" in r
        else f"Ticket {p['ticket']} is provisional: nothing recorded until it is re-weighed."
    ),
)


# ======================================== 12. store humidity alarm: low and high, swapped in one wording
STORES = ["Potato Store 1", "Potato Store 2", "Onion Store", "Apple Store", "Seed Store"]


def sample_alarm(rng: random.Random, w: State, i: int) -> Params:
    lo = rng.randint(80, 88)
    hi = lo + rng.randint(3, 9)
    return {"store": STORES[i % len(STORES)], "lo": lo, "hi": hi, "wording": _wording(rng, i, 2)}


alarm = Family(
    name="h23_alarm",
    templates=[
        "Set the humidity alarm of {store} to low {lo}% and high {hi}%",
        "{store} humidity alarm: high at {hi}%, low at {lo}%",
    ],
    fields={"store": _one_of(STORES), "lo": fam.INT, "hi": fam.INT},
    sample=sample_alarm,
    plan=[Step("h23_set_alarm", lambda p, r: {"store": p["store"], "low": p["lo"], "high": p["hi"]})],
    expect=lambda p, b: {"h23_alarms": {p["store"]: {"low": p["lo"], "high": p["hi"]}}},
    answer=lambda p, b: [p["lo"], p["hi"]],
    summary=lambda p, r: f"The humidity alarm of {p['store']} is now low {p['lo']}%, high {p['hi']}%.",
)


def _set_alarm(s: State, a: dict) -> dict:
    s.setdefault("h23_alarms", {})[str(a["store"])] = {"low": a["low"], "high": a["high"]}
    return {"store": a["store"], "low": a["low"], "high": a["high"]}


# ======================================== tools
TOOLS = {
    t.name: t
    for t in [
        Tool(
            "h23_customs_entry",
            "A customs entry: its lines, their status and the broker's remark.",
            {"entry": str},
            _row("h23_entries", "entry", "entry"),
        ),
        Tool("h23_release_line", "Release one line of a customs entry.", {"entry": str, "line": int}, _release_line),
        Tool(
            "h23_referee_pool",
            "Referees available on a match day: club, matches this season.",
            {"day": str},
            _row("h23_pools", "day", "pool for"),
        ),
        Tool(
            "h23_appoint",
            "Appoint a referee to a match.",
            {"home": str, "away": str, "day": str, "referee": str},
            _log("h23_appointments", ["home", "away", "day", "referee"]),
        ),
        Tool(
            "h23_breaks",
            "A station's ad breaks on a night: free seconds and price.",
            {"station": str, "night": str},
            _breaks,
        ),
        Tool(
            "h23_book_spot",
            "Book an ad spot in a break.",
            {"station": str, "night": str, "slot": str, "secs": int},
            _log("h23_spots", ["station", "night", "slot", "secs"]),
        ),
        Tool("h23_case", "A court case: parties and assignment.", {"case": str}, _row("h23_cases", "case", "case")),
        Tool(
            "h23_file_doc",
            "File a document in a case with a department.",
            {"case": str, "doc": str, "dept": str},
            _log("h23_filings", ["case", "doc", "dept"]),
        ),
        Tool("h23_api_stock", "Compounding stock of an API powder (plain text).", {"api": str}, _api_text),
        Tool("h23_set_api_stock", "Set the grams on hand of an API powder.", {"api": str, "grams": float}, _set_api),
        Tool(
            "h23_paddock",
            "A paddock: ewes in it and its capacity.",
            {"paddock": str},
            _row("h23_paddocks", "paddock", "paddock"),
        ),
        Tool("h23_move_ewes", "Move ewes from one paddock to another.", {"src": str, "dst": str, "head": int}, _move),
        Tool("h23_lims", "A sample's result in the LIMS.", {"sample": str}, _row("h23_lims", "sample", "sample")),
        Tool("h23_instrument", "The instrument printout of a sample's run (plain text).", {"sample": str}, _raw_text),
        Tool(
            "h23_release_result",
            "Release a sample's result to the client.",
            {"sample": str, "value": float},
            _log("h23_released", ["sample", "value"]),
        ),
        Tool(
            "h23_flag_result",
            "Flag a sample's result for review.",
            {"sample": str, "reason": str},
            _log("h23_flags", ["sample", "reason"]),
        ),
        Tool("h23_ref_log", "A referee's matches in a month: status, cards.", {"ref": str, "month": str}, _ref_log),
        Tool(
            "h23_cal_certs",
            "A balance's calibration certificates.",
            {"balance": str},
            _row("h23_certs", "balance", "balance"),
        ),
        Tool(
            "h23_link_cert",
            "Link a calibration certificate to a batch record.",
            {"batch": str, "cert": str},
            _log("h23_links", ["batch", "cert"]),
        ),
        Tool("h23_tracks", "An episode's subtitle tracks.", {"episode": str}, _row("h23_tracks", "episode", "episode")),
        Tool(
            "h23_deliver_subs",
            "Deliver a subtitle file to a broadcaster.",
            {"episode": str, "file": str, "broadcaster": str},
            _log("h23_deliveries", ["episode", "file", "broadcaster"]),
        ),
        Tool("h23_ticket", "A weighbridge ticket (plain text).", {"ticket": str}, _ticket_text),
        Tool(
            "h23_record_intake",
            "Record a grain load's net weight.",
            {"ticket": str, "net_kg": int},
            _log("h23_intake", ["ticket", "net_kg"]),
        ),
        Tool(
            "h23_set_alarm", "Set a store's humidity alarm band.", {"store": str, "low": int, "high": int}, _set_alarm
        ),
    ]
}

FAMILIES = [customs, referee, airtime, docket, compound, paddock, assay, cards, certs, subs, intake, alarm]
