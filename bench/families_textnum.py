"""Probes of numbers inside plain-text results (helper rate5), written before the rule that lets a
plain-text number explain an argument or an answer figure.

Same interface as `families_heldout12.py` (tool names prefixed `tn_`). Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_textnum.py --goals 8 --seed 7

Every read returns one plain text with several numbers; a later argument or the answer's figure is
computed from two of them. The first four goals of a family keep one sentence shape; later goals
sometimes change it so that a number's position means something else (a near miss: the replay must
not take the k-th number of another sentence for the k-th number of the one it learned):

- tn_tank     "level 1240 L of 2000 L" -> fill 760 L; a trap swaps the order ("capacity 2000 L, level ...")
- tn_bin      stock and target in units -> order the gap; a trap writes thousands separators ("1,240")
- tn_freezer  negative readings ("reads -17 C, setpoint -20 C") -> adjust by the offset (sign kept)
- tn_crew     a range "needs 12-15 people; 9 signed up" -> hire up to the lower bound; a trap drops the range
- tn_account  "balance 1240 EUR" -> sweep it; a trap adds "of which 300 EUR reserved" (sweep the rest)
- tn_silo     a read-only question: the room left in a silo (an answer figure only); a trap adds "(estimated)"
- tn_dose     "weighs 70 kilograms; 2 milligrams per kilogram" -> give 140 mg; a trap gives pounds in words
- tn_meter    a meter's reading minus the previous one -> bill the kWh; a trap marks the reading estimated
              (an estimated reading is not billed)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import families_heldout12 as h12

Family, Field, Step, Tool, ToolFail = h12.Family, h12.Field, h12.Step, h12.Tool, h12.ToolFail
State, Params = h12.State, h12.Params
_trap, _append, _fresh = h12._trap, h12._append, h12._fresh

h12.ANNOTATIONS.update(
    {
        "tn_tank_gauge": h12.READ,
        "tn_fill": h12.WRITE,
        "tn_bin_card": h12.READ,
        "tn_reorder": h12.WRITE,
        "tn_freezer_log": h12.READ,
        "tn_adjust": h12.WRITE,
        "tn_crew_board": h12.READ,
        "tn_hire": h12.WRITE,
        "tn_statement": h12.READ,
        "tn_sweep": h12.WRITE,
        "tn_silo_report": h12.READ,
        "tn_chart": h12.READ,
        "tn_give": h12.WRITE,
        "tn_meter_card": h12.READ,
        "tn_bill": h12.WRITE,
    }
)


def _text_tool(table: str, key: str):
    def run(s: State, a: dict) -> str:
        row = s.get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {key} {a[key]}")
        return str(row["text"])

    return run


def _put(w: State, table: str, key: str, text: str, **facts: object) -> None:
    w.setdefault(table, {})[key] = {"text": text, **facts}


def _facts(b: State, table: str, key: str) -> dict:
    return b[table][key]


# ======================================== 1. tank: capacity minus level (a trap swaps their order)
def sample_tank(rng: random.Random, w: State, i: int) -> Params:
    tank = _fresh(rng, w, "tn_tanks", lambda r: f"T-{r.randint(10, 99)}")
    level, cap = rng.randrange(300, 901, 20), rng.choice([1000, 1200, 1500])
    if _trap(i, rng):
        text = f"Tank {tank}: capacity {cap} L, level {level} L."
    else:
        text = f"Tank {tank}: level {level} L of {cap} L."
    _put(w, "tn_tanks", tank, text, fill=cap - level)
    return {"tank": tank}


tank = Family(
    name="tn_tank",
    templates=["Top up tank {tank}"],
    fields={"tank": Field(r"T-\d{2}")},
    sample=sample_tank,
    plan=[
        Step("tn_tank_gauge", lambda p, r: {"tank": p["tank"]}),
        Step("tn_fill", lambda p, r: {"tank": p["tank"], "litres": _fill_of(r["tn_tank_gauge"])}),
    ],
    expect=lambda p, b: {"tn_fills": [{"tank": p["tank"], "litres": _facts(b, "tn_tanks", p["tank"])["fill"]}]},
    answer=lambda p, b: [_facts(b, "tn_tanks", p["tank"])["fill"]],
    summary=lambda p, r: f"Filled tank {p['tank']} with {_fill_of(r['tn_tank_gauge'])} L.",
)


def _fill_of(text: str) -> int:
    if "capacity" in text:
        cap = int(text.split("capacity ")[1].split(" ")[0])
        level = int(text.split("level ")[1].split(" ")[0])
    else:
        level = int(text.split("level ")[1].split(" ")[0])
        cap = int(text.split(" of ")[1].split(" ")[0])
    return cap - level


# ======================================== 2. bin: target minus stock (a trap writes thousands separators)
def sample_bin(rng: random.Random, w: State, i: int) -> Params:
    b = _fresh(rng, w, "tn_bins", lambda r: f"B{r.randint(100, 999)}")
    if _trap(i, rng):
        stock, target = rng.randrange(1100, 1900, 10), 2000
        text = f"Bin {b}: {stock:,} units on hand, target {target:,} units."
    else:
        stock, target = rng.randrange(200, 800, 10), rng.choice([900, 1000])
        text = f"Bin {b}: {stock} units on hand, target {target} units."
    _put(w, "tn_bins", b, text, order=target - stock)
    return {"bin": b}


def _order_of(text: str) -> int:
    stock = int(text.split(": ")[1].split(" units")[0].replace(",", ""))
    target = int(text.split("target ")[1].split(" units")[0].replace(",", ""))
    return target - stock


bin_ = Family(
    name="tn_bin",
    templates=["Reorder stock for bin {bin}"],
    fields={"bin": Field(r"B\d{3}")},
    sample=sample_bin,
    plan=[
        Step("tn_bin_card", lambda p, r: {"bin": p["bin"]}),
        Step("tn_reorder", lambda p, r: {"bin": p["bin"], "units": _order_of(r["tn_bin_card"])}),
    ],
    expect=lambda p, b: {"tn_orders": [{"bin": p["bin"], "units": _facts(b, "tn_bins", p["bin"])["order"]}]},
    answer=lambda p, b: [_facts(b, "tn_bins", p["bin"])["order"]],
    summary=lambda p, r: f"Reordered {_order_of(r['tn_bin_card'])} units for bin {p['bin']}.",
)


# ======================================== 3. freezer: reading minus setpoint, negative numbers
def sample_freezer(rng: random.Random, w: State, i: int) -> Params:
    f = _fresh(rng, w, "tn_freezers", lambda r: f"F{r.randint(10, 99)}")
    reading, setpoint = rng.randint(-19, -12), rng.choice([-20, -22, -25])
    text = f"Freezer {f} reads {reading} C, setpoint {setpoint} C."
    _put(w, "tn_freezers", f, text, offset=reading - setpoint)
    return {"freezer": f}


def _offset_of(text: str) -> int:
    reading = int(text.split("reads ")[1].split(" ")[0])
    setpoint = int(text.split("setpoint ")[1].split(" ")[0])
    return reading - setpoint


freezer = Family(
    name="tn_freezer",
    templates=["Recalibrate freezer {freezer}"],
    fields={"freezer": Field(r"F\d{2}")},
    sample=sample_freezer,
    plan=[
        Step("tn_freezer_log", lambda p, r: {"freezer": p["freezer"]}),
        Step("tn_adjust", lambda p, r: {"freezer": p["freezer"], "offset": _offset_of(r["tn_freezer_log"])}),
    ],
    expect=lambda p, b: {
        "tn_adjusts": [{"freezer": p["freezer"], "offset": _facts(b, "tn_freezers", p["freezer"])["offset"]}]
    },
    answer=lambda p, b: [_facts(b, "tn_freezers", p["freezer"])["offset"]],
    summary=lambda p, r: f"Adjusted freezer {p['freezer']} by an offset of {_offset_of(r['tn_freezer_log'])} C.",
)


# ======================================== 4. crew: a range's lower bound minus those signed up (a trap: no range)
def sample_crew(rng: random.Random, w: State, i: int) -> Params:
    c = _fresh(rng, w, "tn_crews", lambda r: f"C{r.randint(10, 99)}")
    low, signed = rng.randint(10, 14), rng.randint(3, 9)
    if _trap(i, rng):
        text = f"Crew {c} needs {low + 3} people; {signed} signed up."
        hire = low + 3 - signed
    else:
        text = f"Crew {c} needs {low}-{low + 3} people; {signed} signed up."
        hire = low - signed
    _put(w, "tn_crews", c, text, hire=hire)
    return {"crew": c}


def _hire_of(text: str) -> int:
    need = text.split("needs ")[1].split(" ")[0]
    signed = int(text.split("; ")[1].split(" ")[0])
    return int(need.split("-")[0]) - signed


crew = Family(
    name="tn_crew",
    templates=["Staff crew {crew}"],
    fields={"crew": Field(r"C\d{2}")},
    sample=sample_crew,
    plan=[
        Step("tn_crew_board", lambda p, r: {"crew": p["crew"]}),
        Step("tn_hire", lambda p, r: {"crew": p["crew"], "people": _hire_of(r["tn_crew_board"])}),
    ],
    expect=lambda p, b: {"tn_hires": [{"crew": p["crew"], "people": _facts(b, "tn_crews", p["crew"])["hire"]}]},
    answer=lambda p, b: [_facts(b, "tn_crews", p["crew"])["hire"]],
    summary=lambda p, r: f"Hired {_hire_of(r['tn_crew_board'])} people for crew {p['crew']}.",
)


# ======================================== 5. account: sweep the balance (a trap: "of which N EUR reserved")
def sample_account(rng: random.Random, w: State, i: int) -> Params:
    a = _fresh(rng, w, "tn_accounts", lambda r: f"AC{r.randint(100, 999)}")
    balance = rng.randrange(500, 1500, 10)
    if _trap(i, rng):
        reserved = rng.randrange(100, 400, 10)
        text = f"Account {a}: balance {balance} EUR, of which {reserved} EUR reserved."
        sweep = balance - reserved
    else:
        text = f"Account {a}: balance {balance} EUR."
        sweep = balance
    _put(w, "tn_accounts", a, text, sweep=sweep)
    return {"acct": a}


def _sweep_of(text: str) -> int:
    balance = int(text.split("balance ")[1].split(" ")[0])
    reserved = int(text.split("of which ")[1].split(" ")[0]) if "of which" in text else 0
    return balance - reserved


account = Family(
    name="tn_account",
    templates=["Sweep the free balance of account {acct} to savings"],
    fields={"acct": Field(r"AC\d{3}")},
    sample=sample_account,
    plan=[
        Step("tn_statement", lambda p, r: {"account": p["acct"]}),
        Step("tn_sweep", lambda p, r: {"account": p["acct"], "eur": _sweep_of(r["tn_statement"])}),
    ],
    expect=lambda p, b: {"tn_sweeps": [{"account": p["acct"], "eur": _facts(b, "tn_accounts", p["acct"])["sweep"]}]},
    answer=lambda p, b: [_facts(b, "tn_accounts", p["acct"])["sweep"]],
    summary=lambda p, r: f"Swept {_sweep_of(r['tn_statement'])} EUR of account {p['acct']} to savings.",
)


# ======================================== 6. silo: room left, an answer figure only (a trap: "(estimated)")
def sample_silo(rng: random.Random, w: State, i: int) -> Params:
    s = _fresh(rng, w, "tn_silos", lambda r: f"S{r.randint(10, 99)}")
    held, cap = rng.randrange(100, 400, 5), rng.choice([450, 500])
    if _trap(i, rng):
        text = f"Silo {s} holds {held} t (estimated, last survey {rng.randint(2, 9)} days ago) of {cap} t."
    else:
        text = f"Silo {s} holds {held} t of {cap} t."
    _put(w, "tn_silos", s, text, room=cap - held)
    return {"silo": s}


def _room_of(text: str) -> int:
    held = int(text.split("holds ")[1].split(" ")[0])
    cap = int(text.split(" of ")[-1].split(" ")[0])
    return cap - held


silo = Family(
    name="tn_silo",
    templates=["How much room is left in silo {silo}?"],
    fields={"silo": Field(r"S\d{2}")},
    sample=sample_silo,
    plan=[Step("tn_silo_report", lambda p, r: {"silo": p["silo"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_facts(b, "tn_silos", p["silo"])["room"]],
    summary=lambda p, r: f"Silo {p['silo']} has {_room_of(r['tn_silo_report'])} t of room left.",
)


# ======================================== 7. dose: weight x dose per kg (a trap: pounds, in words)
def sample_dose(rng: random.Random, w: State, i: int) -> Params:
    pt = _fresh(rng, w, "tn_patients", lambda r: f"P{r.randint(100, 999)}")
    kg, per = rng.randint(50, 90), rng.choice([2, 3])
    if _trap(i, rng):
        lb = round(kg * 2.2)
        text = f"Patient {pt} weighs {lb} pounds; dose {per} milligrams per kilogram."
        mg = round(lb / 2.2046 * per)
    else:
        text = f"Patient {pt} weighs {kg} kilograms; dose {per} milligrams per kilogram."
        mg = kg * per
    _put(w, "tn_patients", pt, text, mg=mg)
    return {"pt": pt}


def _mg_of(text: str) -> int:
    n = int(text.split("weighs ")[1].split(" ")[0])
    per = int(text.split("dose ")[1].split(" ")[0])
    return round(n / 2.2046 * per) if "pounds" in text else n * per


dose = Family(
    name="tn_dose",
    templates=["Give patient {pt} the dose on their chart"],
    fields={"pt": Field(r"P\d{3}")},
    sample=sample_dose,
    plan=[
        Step("tn_chart", lambda p, r: {"patient": p["pt"]}),
        Step("tn_give", lambda p, r: {"patient": p["pt"], "mg": _mg_of(r["tn_chart"])}),
    ],
    expect=lambda p, b: {"tn_doses": [{"patient": p["pt"], "mg": _facts(b, "tn_patients", p["pt"])["mg"]}]},
    answer=lambda p, b: [_facts(b, "tn_patients", p["pt"])["mg"]],
    summary=lambda p, r: f"Gave patient {p['pt']} {_mg_of(r['tn_chart'])} mg.",
)


# ======================================== 8. meter: reading minus previous (a trap: an estimated reading, not billed)
def sample_meter(rng: random.Random, w: State, i: int) -> Params:
    m = _fresh(rng, w, "tn_meters", lambda r: f"M{r.randint(100, 999)}")
    prev = rng.randrange(40000, 49000)
    now = prev + rng.randint(150, 400)
    if _trap(i, rng):
        text = f"Meter {m} reading {now} kWh (estimated; previous {prev} kWh)."
        kwh = None
    else:
        text = f"Meter {m} reading {now} kWh (previous {prev} kWh)."
        kwh = now - prev
    _put(w, "tn_meters", m, text, kwh=kwh)
    return {"meter": m}


def _kwh_of(text: str) -> int:
    now = int(text.split("reading ")[1].split(" ")[0])
    prev = int(text.split("previous ")[1].split(" ")[0])
    return now - prev


def _meter_expect(p: Params, b: State) -> dict:
    kwh = _facts(b, "tn_meters", p["meter"])["kwh"]
    return {} if kwh is None else {"tn_bills": [{"meter": p["meter"], "kwh": kwh}]}


meter = Family(
    name="tn_meter",
    templates=["Bill meter {meter} for its latest reading"],
    fields={"meter": Field(r"M\d{3}")},
    sample=sample_meter,
    plan=[
        Step("tn_meter_card", lambda p, r: {"meter": p["meter"]}),
        Step(
            "tn_bill",
            lambda p, r: {"meter": p["meter"], "kwh": _kwh_of(r["tn_meter_card"])},
            when=lambda p, r: "estimated" not in r["tn_meter_card"],
        ),
    ],
    expect=_meter_expect,
    answer=lambda p, b: (
        [_facts(b, "tn_meters", p["meter"])["kwh"]]
        if _facts(b, "tn_meters", p["meter"])["kwh"] is not None
        else ["estimated"]
    ),
    summary=lambda p, r: (
        f"Billed meter {p['meter']} for {_kwh_of(r['tn_meter_card'])} kWh."
        if "tn_bill" in r
        else f"Meter {p['meter']}: the reading is estimated, not billed."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool("tn_tank_gauge", "A tank's gauge (plain text).", {"tank": str}, _text_tool("tn_tanks", "tank")),
        Tool(
            "tn_fill", "Fill a tank with litres.", {"tank": str, "litres": int}, _append("tn_fills", "tank", "litres")
        ),
        Tool("tn_bin_card", "A bin's stock card (plain text).", {"bin": str}, _text_tool("tn_bins", "bin")),
        Tool(
            "tn_reorder", "Reorder units for a bin.", {"bin": str, "units": int}, _append("tn_orders", "bin", "units")
        ),
        Tool(
            "tn_freezer_log",
            "A freezer's log line (plain text).",
            {"freezer": str},
            _text_tool("tn_freezers", "freezer"),
        ),
        Tool(
            "tn_adjust",
            "Adjust a freezer's calibration by an offset (C).",
            {"freezer": str, "offset": int},
            _append("tn_adjusts", "freezer", "offset"),
        ),
        Tool("tn_crew_board", "A crew's board (plain text).", {"crew": str}, _text_tool("tn_crews", "crew")),
        Tool("tn_hire", "Hire people for a crew.", {"crew": str, "people": int}, _append("tn_hires", "crew", "people")),
        Tool(
            "tn_statement", "An account statement (plain text).", {"account": str}, _text_tool("tn_accounts", "account")
        ),
        Tool(
            "tn_sweep",
            "Move EUR of an account to savings.",
            {"account": str, "eur": int},
            _append("tn_sweeps", "account", "eur"),
        ),
        Tool("tn_silo_report", "A silo's report (plain text).", {"silo": str}, _text_tool("tn_silos", "silo")),
        Tool("tn_chart", "A patient's chart (plain text).", {"patient": str}, _text_tool("tn_patients", "patient")),
        Tool(
            "tn_give", "Give a patient a dose (mg).", {"patient": str, "mg": int}, _append("tn_doses", "patient", "mg")
        ),
        Tool("tn_meter_card", "A meter's card (plain text).", {"meter": str}, _text_tool("tn_meters", "meter")),
        Tool("tn_bill", "Bill a meter's kWh.", {"meter": str, "kwh": int}, _append("tn_bills", "meter", "kwh")),
    ]
}

FAMILIES = [tank, bin_, freezer, crew, account, silo, dose, meter]
