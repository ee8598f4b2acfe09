"""Held-out probe families, red-team round Y (issue 9): answers and plain text, in domains no other set uses.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h9_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout9.py --goals 8 --seed 7

Emphasis of this round: questions whose answer is the whole product (a university registry, a
telecom operator, electricity and water utilities, farms and orchards, a sports league, a library),
answers that state a computed figure (a GPA weighted by credits, a tiered water bill, data left on a
cap, a yield per hectare, a count of frost nights, the league's leader, days overdue, inches from
millimetres, an off-peak share), plain-text results whose wording changes with the case ("No
readings recorded", "offline since ..."), yes/no questions, "none" for an empty list, and a write
whose acknowledgement states a value the answer must repeat. In every family the first four goals
agree on something a later goal breaks.
"""

from __future__ import annotations

import datetime as dt
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
INT, NUM, CAPWORDS = fam.INT, fam.NUM, fam.CAPWORDS
round_half_up = fam.round_half_up
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    name: READ
    for name in [
        "h9_transcript",
        "h9_passed",
        "h9_course",
        "h9_usage",
        "h9_sim",
        "h9_meter_log",
        "h9_water_use",
        "h9_harvest",
        "h9_forecast",
        "h9_table",
        "h9_loan",
        "h9_line",
        "h9_gauge",
        "h9_power_split",
    ]
}
ANNOTATIONS["h9_add_data"] = WRITE


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

    if getattr(Server.add_tool, "_h9_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h9_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _mixed(i: int, rng: random.Random, early: Any, *later: Any) -> Any:
    """The early value for the first four goals, then one of early/later at random."""
    return early if i < 4 else rng.choice([early, *later])


def _t(w: State, name: str) -> dict:
    return w["tables"].setdefault(name, {})


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w["tables"].get(table, {}):
        key = make(rng)
    return key


def _day(base: dt.date, n: int) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


def _fmt(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x}"


# ======================================== 1. registry: a GPA weighted by credits
# the first goals' courses all carry the same credits (the plain mean of grade points agrees with the
# weighted one); later transcripts mix 3- and 6-credit courses inside the same ranges.
def sample_gpa(rng: random.Random, w: State, i: int) -> Params:
    sid = _fresh(rng, w, "h9_transcripts", lambda r: f"S{r.randint(200000, 299999)}")
    n = rng.randint(3, 5)
    codes = rng.sample(["MATH101", "PHYS110", "CHEM120", "HIST205", "ECON130", "BIOL140", "LING210"], n)
    if _mixed(i, rng, True, False):
        cr = rng.choice([3, 6])
        credits = [cr] * n
    else:
        credits = [3, 6] + [rng.choice([3, 6]) for _ in range(n - 2)]
    courses = [
        {"code": c, "credits": k, "grade_points": rng.choice([2.0, 2.5, 3.0, 3.5, 4.0])}
        for c, k in zip(codes, credits, strict=True)
    ]
    _t(w, "h9_transcripts")[sid] = {"student": sid, "courses": courses}
    return {"sid": sid}


def _gpa(courses: list[dict]) -> float:
    total = sum(c["credits"] for c in courses)
    return round_half_up(sum(c["credits"] * c["grade_points"] for c in courses) / total, 2)


gpa = Family(
    name="h9_gpa",
    templates=["What is the GPA of student {sid}?"],
    fields={"sid": Field(r"S\d{6}")},
    sample=sample_gpa,
    plan=[Step("h9_transcript", lambda p, r: {"student": p["sid"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_gpa(b["tables"]["h9_transcripts"][p["sid"]]["courses"])],
    summary=lambda p, r: f"Student {p['sid']} has a GPA of {_gpa(r['h9_transcript']['courses'])}.",
)


# ======================================== 2. registry: prerequisites, yes or no (plain-text list)
def _passed(s: State, a: dict) -> str:
    row = s["tables"].get("h9_passed", {}).get(a["student"])
    if row is None:
        raise ToolFail(f"no student {a['student']}")
    return (
        f"Student {a['student']} has passed: {', '.join(row)}."
        if row
        else f"Student {a['student']} has passed no courses yet."
    )


def sample_prereq(rng: random.Random, w: State, i: int) -> Params:
    sid = _fresh(rng, w, "h9_passed", lambda r: f"S{r.randint(300000, 399999)}")
    course = rng.choice(["CS310", "CS320", "EE330", "ME340"])
    pre = {
        "CS310": ["CS120", "MATH101"],
        "CS320": ["CS120", "CS210"],
        "EE330": ["PHYS110", "MATH101"],
        "ME340": ["PHYS110", "MATH201"],
    }
    need = pre[course]
    others = rng.sample(["HIST205", "ECON130", "LING210", "BIOL140"], 2)
    ok = _mixed(i, rng, True, False)
    passed = [*need, *others] if ok else [need[0], *others]
    rng.shuffle(passed)
    _t(w, "h9_passed")[sid] = passed
    _t(w, "h9_courses")[course] = {"course": course, "prerequisites": need}
    return {"sid": sid, "course": course}


def _eligible(p: Params, b: State) -> bool:
    return all(c in b["tables"]["h9_passed"][p["sid"]] for c in b["tables"]["h9_courses"][p["course"]]["prerequisites"])


def _prereq_summary(p: Params, r: dict) -> str:
    missing = [c for c in r["h9_course"]["prerequisites"] if c not in str(r["h9_passed"])]
    if not missing:
        return f"Yes, student {p['sid']} can enrol in {p['course']}."
    return f"No, student {p['sid']} cannot enrol in {p['course']}: missing {', '.join(missing)}."


prereq = Family(
    name="h9_prereq",
    templates=["Can student {sid} enrol in {course}?"],
    fields={"sid": Field(r"S\d{6}"), "course": Field(r"[A-Z]{2}\d{3}")},
    sample=sample_prereq,
    plan=[
        Step("h9_passed", lambda p, r: {"student": p["sid"]}, group="g"),
        Step("h9_course", lambda p, r: {"course": p["course"]}, group="g"),
    ],
    expect=lambda p, b: {},
    answer=lambda p, b: ["can enrol"] if _eligible(p, b) else ["cannot enrol"],
    summary=_prereq_summary,
)


# ======================================== 3. telecom: data left on a cap (a difference), or over it
def sample_data_left(rng: random.Random, w: State, i: int) -> Params:
    line = _fresh(rng, w, "h9_usage", lambda r: f"07{r.randint(10000000, 99999999)}")
    cap = 20
    over = _mixed(i, rng, False, True)
    used = round(rng.uniform(2.0, 17.0), 1) if not over else round(rng.uniform(20.5, 23.0), 1)
    _t(w, "h9_usage")[line] = {"line": line, "cap_gb": cap, "used_gb": used, "period_end": "2026-12-31"}
    return {"line": line}


def _left(row: dict) -> float:
    return round(row["cap_gb"] - row["used_gb"], 1)


data_left = Family(
    name="h9_data_left",
    templates=["How much mobile data is left on line {line}?"],
    fields={"line": Field(r"07\d{8}")},
    sample=sample_data_left,
    plan=[Step("h9_usage", lambda p, r: {"line": p["line"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: (
        [_left(b["tables"]["h9_usage"][p["line"]])]
        if _left(b["tables"]["h9_usage"][p["line"]]) > 0
        else ["no data left"]
    ),
    summary=lambda p, r: (
        f"Line {p['line']} has {_left(r['h9_usage'])} GB left until {r['h9_usage']['period_end']}."
        if _left(r["h9_usage"]) > 0
        else f"Line {p['line']} has no data left: {round(-_left(r['h9_usage']), 1)} GB over its cap."
    ),
)


# ======================================== 4. telecom: a SIM's status inside a sentence (plain text)
def _sim(s: State, a: dict) -> str:
    row = s["tables"].get("h9_sims", {}).get(a["iccid"])
    if row is None:
        raise ToolFail(f"no SIM {a['iccid']}")
    return f"SIM {a['iccid']} on plan {row['plan']} for {row['owner']}: {row['status']}."


def sample_sim(rng: random.Random, w: State, i: int) -> Params:
    iccid = _fresh(rng, w, "h9_sims", lambda r: f"8944{r.randint(10**11, 10**12 - 1)}")
    status = _mixed(i, rng, "active", "suspended since 2026-11-02 for non-payment", "blocked, reported lost")
    _t(w, "h9_sims")[iccid] = {
        "plan": rng.choice(["Flex 20", "Flex 50", "Student 10"]),
        "owner": rng.choice(["Ada Brun", "Tomas Weller", "Nia Okoro", "Lars Ek"]),
        "status": status,
    }
    return {"iccid": iccid}


sim = Family(
    name="h9_sim",
    templates=["What is the status of SIM {iccid}?"],
    fields={"iccid": Field(r"8944\d{12}")},
    sample=sample_sim,
    plan=[Step("h9_sim", lambda p, r: {"iccid": p["iccid"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [b["tables"]["h9_sims"][p["iccid"]]["status"].split(",")[0].split(" since")[0]],
    summary=lambda p, r: f"SIM {p['iccid']} is {str(r['h9_sim']).rsplit(': ', 1)[1].rstrip('.')}.",
)


# ======================================== 5. electricity: a meter's last reading, or none, or offline
def _meter_log(s: State, a: dict) -> str:
    row = s["tables"].get("h9_meters", {}).get(a["meter"])
    if row is None:
        raise ToolFail(f"no meter {a['meter']}")
    if row["case"] == "none":
        return f"No readings recorded for meter {a['meter']}."
    if row["case"] == "offline":
        return f"Meter {a['meter']} offline since {row['since']}; last reading {row['kwh']} kWh on {row['date']}."
    return f"Meter {a['meter']} read on {row['date']}: {row['kwh']} kWh."


def sample_meter(rng: random.Random, w: State, i: int) -> Params:
    meter = _fresh(rng, w, "h9_meters", lambda r: f"E-{r.randint(40000, 49999)}")
    case = _mixed(i, rng, "ok", "none", "offline")
    d = rng.randint(0, 20)
    _t(w, "h9_meters")[meter] = {
        "case": case,
        "kwh": rng.randint(9000, 30000),
        "date": _day(dt.date(2026, 11, 1), d),
        "since": _day(dt.date(2026, 11, 2), d),
    }
    return {"meter": meter}


def _meter_answer(p: Params, b: State) -> list:
    row = b["tables"]["h9_meters"][p["meter"]]
    return {"ok": [row["kwh"]], "none": ["no readings"], "offline": ["offline", row["kwh"]]}[row["case"]]


def _meter_summary(p: Params, r: dict) -> str:
    text = str(r["h9_meter_log"])
    if text.startswith("No readings"):
        return f"There are no readings recorded for meter {p['meter']}."
    if "offline" in text:
        return f"Meter {p['meter']} is offline; {text.split('; ')[1]}"
    return f"The last reading of meter {p['meter']} was {text.split(': ')[1]}"


meter = Family(
    name="h9_meter",
    templates=["What was the last reading of electricity meter {meter}?"],
    fields={"meter": Field(r"E-\d{5}")},
    sample=sample_meter,
    plan=[Step("h9_meter_log", lambda p, r: {"meter": p["meter"]})],
    expect=lambda p, b: {},
    answer=_meter_answer,
    summary=_meter_summary,
)


# ======================================== 6. water: a tiered bill (the first goals stay in tier one)
def sample_water(rng: random.Random, w: State, i: int) -> Params:
    m = _fresh(rng, w, "h9_water", lambda r: f"W-{r.randint(1000, 9999)}")
    used = rng.randint(3, 9) if _mixed(i, rng, True, False) else rng.randint(12, 18)
    if i == 0:
        used = 3
    if i == 1:
        used = 9
    _t(w, "h9_water")[m] = {"meter": m, "used_m3": used, "tier1_m3": 10, "tier1_rate": 1.5, "tier2_rate": 2.8}
    return {"meter": m}


def _bill(row: dict) -> float:
    u, lim = row["used_m3"], row["tier1_m3"]
    return round_half_up(min(u, lim) * row["tier1_rate"] + max(0, u - lim) * row["tier2_rate"], 2)


water = Family(
    name="h9_water",
    templates=["How much is the water bill for meter {meter}?"],
    fields={"meter": Field(r"W-\d{4}")},
    sample=sample_water,
    plan=[Step("h9_water_use", lambda p, r: {"meter": p["meter"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_bill(b["tables"]["h9_water"][p["meter"]])],
    summary=lambda p, r: (
        f"The water bill for meter {p['meter']} is {_bill(r['h9_water_use'])} EUR "
        f"for {r['h9_water_use']['used_m3']} m3."
    ),
)


# ======================================== 7. farm: yield per hectare (the first fields are all 10 ha)
def sample_yield(rng: random.Random, w: State, i: int) -> Params:
    f = _fresh(rng, w, "h9_fields", lambda r: f"F{r.randint(100, 999)}")
    ha = 10 if _mixed(i, rng, True, False) else rng.choice([4, 8, 12.5])
    t = round(rng.uniform(3.0, 9.0) * ha, 1)
    _t(w, "h9_fields")[f] = {"field": f, "crop": rng.choice(["wheat", "barley", "oats"]), "tonnes": t, "hectares": ha}
    return {"field": f}


def _tha(row: dict) -> float:
    return round_half_up(row["tonnes"] / row["hectares"], 2)


yield_ = Family(
    name="h9_yield",
    templates=["What was the yield per hectare of field {field}?"],
    fields={"field": Field(r"F\d{3}")},
    sample=sample_yield,
    plan=[Step("h9_harvest", lambda p, r: {"field": p["field"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_tha(b["tables"]["h9_fields"][p["field"]])],
    summary=lambda p, r: f"Field {p['field']} yielded {_tha(r['h9_harvest'])} t/ha of {r['h9_harvest']['crop']}.",
)


# ======================================== 8. orchard: nights below freezing (a count; "none")
def sample_frost(rng: random.Random, w: State, i: int) -> Params:
    o = _fresh(rng, w, "h9_orchards", lambda r: f"{r.choice(['Hill', 'Brook', 'Mill', 'Oak'])} {r.randint(2, 99)}")
    o = o.replace(" ", "")
    case = _mixed(i, rng, "two", "none", "four")
    k = {"two": 2, "none": 0, "four": 4}[case]
    temps = [round(rng.uniform(-4.0, -0.5), 1) for _ in range(k)] + [
        round(rng.uniform(0.5, 6.0), 1) for _ in range(7 - k)
    ]
    rng.shuffle(temps)
    nights = [{"date": _day(dt.date(2026, 12, 4), d), "min_c": t} for d, t in enumerate(temps)]
    _t(w, "h9_orchards")[o] = {"orchard": o, "nights": nights}
    return {"orchard": o}


def _frost(row: dict) -> int:
    return sum(1 for n in row["nights"] if n["min_c"] < 0)


frost = Family(
    name="h9_frost",
    templates=["How many frost nights are forecast for orchard {orchard} this week?"],
    fields={"orchard": Field(r"[A-Z][a-z]+\d+")},
    sample=sample_frost,
    plan=[Step("h9_forecast", lambda p, r: {"orchard": p["orchard"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: (
        [_frost(b["tables"]["h9_orchards"][p["orchard"]])]
        if _frost(b["tables"]["h9_orchards"][p["orchard"]])
        else ["none"]
    ),
    summary=lambda p, r: (
        f"{_frost(r['h9_forecast'])} frost nights are forecast for orchard {p['orchard']}: "
        + ", ".join(n["date"] for n in r["h9_forecast"]["nights"] if n["min_c"] < 0)
        + "."
        if _frost(r["h9_forecast"])
        else f"None: no night below freezing is forecast for orchard {p['orchard']}."
    ),
)


# ======================================== 9. league: the leader (first in the list, then not)
TEAMS = ["Rovers", "Albion", "Wanderers", "County", "Athletic", "United", "Harriers", "Rangers"]


def sample_leader(rng: random.Random, w: State, i: int) -> Params:
    lg = _fresh(rng, w, "h9_leagues", lambda r: f"{r.choice(['North', 'South', 'West', 'East'])}{r.randint(1, 40)}")
    teams = rng.sample(TEAMS, 5)
    pts = sorted(rng.sample(range(20, 60), 5), reverse=True)
    rows = [{"team": t, "played": 20, "points": p} for t, p in zip(teams, pts, strict=True)]
    if not _mixed(i, rng, True, False):
        rows.sort(key=lambda x: x["team"])
        if rows[0]["points"] == max(r["points"] for r in rows):
            rows = rows[1:] + rows[:1]
    _t(w, "h9_leagues")[lg] = {"league": lg, "teams": rows}
    return {"league": lg}


def _leader(row: dict) -> dict:
    return max(row["teams"], key=lambda t: t["points"])


leader = Family(
    name="h9_leader",
    templates=["Which team leads league {league}?"],
    fields={"league": Field(r"[A-Z][a-z]+\d+")},
    sample=sample_leader,
    plan=[Step("h9_table", lambda p, r: {"league": p["league"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_leader(b["tables"]["h9_leagues"][p["league"]])["team"]],
    summary=lambda p, r: (
        f"{_leader(r['h9_table'])['team']} lead league {p['league']} with {_leader(r['h9_table'])['points']} points."
    ),
)


# ======================================== 10. library: days overdue (two dates of one plain text), or returned
def _loan(s: State, a: dict) -> str:
    row = s["tables"].get("h9_loans", {}).get(a["loan"])
    if row is None:
        raise ToolFail(f"no loan {a['loan']}")
    if row["returned"]:
        return f"Loan {a['loan']}: '{row['title']}' due {row['due']}, returned {row['returned']}. As of 2026-12-03."
    return f"Loan {a['loan']}: '{row['title']}' due {row['due']}, not returned. As of 2026-12-03."


def sample_overdue(rng: random.Random, w: State, i: int) -> Params:
    loan = _fresh(rng, w, "h9_loans", lambda r: f"L-{r.randint(5000, 5999)}")
    due = dt.date(2026, 11, 5) + dt.timedelta(days=rng.randint(0, 20))
    back = _mixed(i, rng, False, True)
    _t(w, "h9_loans")[loan] = {
        "title": rng.choice(["Middlemarch", "Bleak House", "Persuasion", "Nostromo"]),
        "due": due.isoformat(),
        "returned": (due - dt.timedelta(days=rng.randint(1, 4))).isoformat() if back else "",
    }
    return {"loan": loan}


def _days_over(row: dict) -> int:
    return (dt.date(2026, 12, 3) - dt.date.fromisoformat(row["due"])).days


overdue = Family(
    name="h9_overdue",
    templates=["How many days overdue is loan {loan}?"],
    fields={"loan": Field(r"L-\d{4}")},
    sample=sample_overdue,
    plan=[Step("h9_loan", lambda p, r: {"loan": p["loan"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: (
        ["not overdue"]
        if b["tables"]["h9_loans"][p["loan"]]["returned"]
        else [_days_over(b["tables"]["h9_loans"][p["loan"]])]
    ),
    summary=lambda p, r: (
        f"Loan {p['loan']} is not overdue: it was returned before its due date."
        if "returned 20" in str(r["h9_loan"])
        else f"Loan {p['loan']} is {_days_over({'due': str(r['h9_loan']).split('due ')[1][:10]})} days overdue."
    ),
)


# ======================================== 11. telecom: a top-up whose acknowledgement states the new balance
def _add_data(s: State, a: dict) -> str:
    bal = s.setdefault("h9_data", {})
    old = bal.get(a["line"], 0)
    new = round(old + a["gb"], 1)
    bal[a["line"]] = new
    return f"Added {_fmt(a['gb'])} GB to line {a['line']}. Balance now {_fmt(new)} GB."


def sample_topup(rng: random.Random, w: State, i: int) -> Params:
    line = f"07{rng.randint(10000000, 99999999)}"
    while line in w.get("h9_data", {}):
        line = f"07{rng.randint(10000000, 99999999)}"
    if not _mixed(i, rng, True, False):
        w.setdefault("h9_data", {})[line] = rng.choice([1, 2, 4])
    return {"line": line, "gb": rng.choice([5, 10, 15])}


def _new_balance(p: Params, b: State) -> float:
    return round(b.get("h9_data", {}).get(p["line"], 0) + p["gb"], 1)


topup = Family(
    name="h9_topup",
    templates=["Add {gb} GB of data to line {line}"],
    fields={"gb": INT, "line": Field(r"07\d{8}")},
    sample=sample_topup,
    plan=[Step("h9_add_data", lambda p, r: {"line": p["line"], "gb": p["gb"]})],
    expect=lambda p, b: {"h9_data": {p["line"]: _new_balance(p, b)}},
    answer=lambda p, b: [_new_balance(p, b)],
    summary=lambda p, r: (
        f"Done: line {p['line']} now has {str(r['h9_add_data']).split('Balance now ')[1].split(' GB')[0]} GB."
    ),
    repeats=False,
)


# ======================================== 12. telecom: roaming, yes or no (plain text)
def _line(s: State, a: dict) -> str:
    row = s["tables"].get("h9_lines", {}).get(a["line"])
    if row is None:
        raise ToolFail(f"no line {a['line']}")
    return f"Line {a['line']} ({row['plan']}): roaming {row['roaming']}, voicemail on."


def sample_roaming(rng: random.Random, w: State, i: int) -> Params:
    line = _fresh(rng, w, "h9_lines", lambda r: f"07{r.randint(10000000, 99999999)}")
    _t(w, "h9_lines")[line] = {
        "plan": rng.choice(["Flex 20", "Flex 50", "Student 10"]),
        "roaming": _mixed(i, rng, "on (zone EU)", "off", "on (zone World)"),
    }
    return {"line": line}


def _roaming_on(text: str) -> bool:
    return "roaming on" in text


roaming = Family(
    name="h9_roaming",
    templates=["Is roaming enabled on line {line}?"],
    fields={"line": Field(r"07\d{8}")},
    sample=sample_roaming,
    plan=[Step("h9_line", lambda p, r: {"line": p["line"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: (
        ["roaming is on", b["tables"]["h9_lines"][p["line"]]["roaming"].split("zone ")[1].rstrip(")")]
        if b["tables"]["h9_lines"][p["line"]]["roaming"] != "off"
        else ["roaming is off"]
    ),
    summary=lambda p, r: (
        f"Yes, roaming is on for line {p['line']}, zone {str(r['h9_line']).split('zone ')[1].split(')')[0]}."
        if _roaming_on(str(r["h9_line"]))
        else f"No, roaming is off for line {p['line']}."
    ),
)


# ======================================== 13. rain gauge: millimetres to inches (plain text; the unit changes)
def _gauge(s: State, a: dict) -> str:
    row = s["tables"].get("h9_gauges", {}).get(a["gauge"])
    if row is None:
        raise ToolFail(f"no gauge {a['gauge']}")
    if row["unit"] == "none":
        return f"Gauge {a['gauge']}: no rain recorded in the last 24 h."
    return f"Gauge {a['gauge']}: {row['amount']} {row['unit']} in the last 24 h."


def sample_rain(rng: random.Random, w: State, i: int) -> Params:
    g = _fresh(rng, w, "h9_gauges", lambda r: f"G-{r.randint(10, 99)}")
    unit = _mixed(i, rng, "mm", "cm", "none")
    amount = round(rng.uniform(5.0, 60.0), 1)
    if unit == "cm":
        amount = round(rng.uniform(1.0, 5.0), 1)
    _t(w, "h9_gauges")[g] = {"unit": unit, "amount": amount}
    return {"gauge": g}


def _inches(row: dict) -> float:
    mm = row["amount"] * (10 if row["unit"] == "cm" else 1)
    return round_half_up(mm / 25.4, 2)


def _rain_summary(p: Params, r: dict) -> str:
    text = str(r["h9_gauge"])
    if "no rain" in text:
        return f"No rain fell at gauge {p['gauge']} in the last 24 hours."
    amount, unit = text.split(": ")[1].split(" ")[:2]
    return f"{_inches({'amount': float(amount), 'unit': unit})} inches of rain fell at gauge {p['gauge']}."


rain = Family(
    name="h9_rain",
    templates=["How many inches of rain fell at gauge {gauge}?"],
    fields={"gauge": Field(r"G-\d{2}")},
    sample=sample_rain,
    plan=[Step("h9_gauge", lambda p, r: {"gauge": p["gauge"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: (
        ["no rain"]
        if b["tables"]["h9_gauges"][p["gauge"]]["unit"] == "none"
        else [_inches(b["tables"]["h9_gauges"][p["gauge"]])]
    ),
    summary=_rain_summary,
)


# ======================================== 14. electricity: the off-peak share (a percentage of a total)
def sample_offpeak(rng: random.Random, w: State, i: int) -> Params:
    m = _fresh(rng, w, "h9_splits", lambda r: f"E-{r.randint(50000, 59999)}")
    peak = rng.randint(100, 400)
    off = peak if _mixed(i, rng, True, False) else rng.randint(100, 400)
    if i >= 4 and off == peak:
        off = peak + rng.choice([-37, 53])
    _t(w, "h9_splits")[m] = {"meter": m, "peak_kwh": peak, "offpeak_kwh": off, "month": "2026-11"}
    return {"meter": m}


def _share(row: dict) -> float:
    return round_half_up(100 * row["offpeak_kwh"] / (row["peak_kwh"] + row["offpeak_kwh"]), 1)


offpeak = Family(
    name="h9_offpeak",
    templates=["What share of meter {meter}'s power was used off-peak?"],
    fields={"meter": Field(r"E-\d{5}")},
    sample=sample_offpeak,
    plan=[Step("h9_power_split", lambda p, r: {"meter": p["meter"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_share(b["tables"]["h9_splits"][p["meter"]])],
    summary=lambda p, r: (
        f"{_share(r['h9_power_split'])}% of meter {p['meter']}'s power was used off-peak "
        f"in {r['h9_power_split']['month']}."
    ),
)


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "h9_transcript",
            "A student's courses: credits and grade points.",
            {"student": str},
            _row("h9_transcripts", "student", "student"),
        ),
        Tool("h9_passed", "The courses a student has passed (plain text).", {"student": str}, _passed),
        Tool("h9_course", "A course and its prerequisites.", {"course": str}, _row("h9_courses", "course", "course")),
        Tool(
            "h9_usage",
            "A mobile line's data cap and use this period (GB).",
            {"line": str},
            _row("h9_usage", "line", "line"),
        ),
        Tool("h9_sim", "A SIM card's plan, owner and status (plain text).", {"iccid": str}, _sim),
        Tool("h9_meter_log", "An electricity meter's last reading (plain text).", {"meter": str}, _meter_log),
        Tool(
            "h9_water_use",
            "A water meter's use this quarter and its tiered tariff (EUR per m3).",
            {"meter": str},
            _row("h9_water", "meter", "meter"),
        ),
        Tool(
            "h9_harvest",
            "A field's harvest (tonnes) and area (hectares).",
            {"field": str},
            _row("h9_fields", "field", "field"),
        ),
        Tool(
            "h9_forecast",
            "An orchard's night minimum temperatures for the next 7 nights (C).",
            {"orchard": str},
            _row("h9_orchards", "orchard", "orchard"),
        ),
        Tool(
            "h9_table",
            "A league's table: teams, games played and points.",
            {"league": str},
            _row("h9_leagues", "league", "league"),
        ),
        Tool("h9_loan", "A library loan's title, due date and return (plain text).", {"loan": str}, _loan),
        Tool("h9_add_data", "Add data (GB) to a mobile line's balance.", {"line": str, "gb": int}, _add_data),
        Tool("h9_line", "A mobile line's plan and services (plain text).", {"line": str}, _line),
        Tool("h9_gauge", "A rain gauge's last 24 hours (plain text).", {"gauge": str}, _gauge),
        Tool(
            "h9_power_split",
            "An electricity meter's peak and off-peak use last month (kWh).",
            {"meter": str},
            _row("h9_splits", "meter", "meter"),
        ),
    ]
}

FAMILIES = [gpa, prereq, data_left, sim, meter, water, yield_, frost, leader, overdue, topup, roaming, rain, offpeak]
