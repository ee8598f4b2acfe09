"""Answer probes for the LLM OS benchmark: a replayed answer must state THIS run's values (issue 9, rule 5).

Same interface as the public `families.py` (TOOLS and FAMILIES), loaded *with* it:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \
        --families /work/shared/bench/families.py bench/families_answers.py --goals 12 --seed 1

Every family is a question (nothing in the world changes: the answer is the whole product), and its
first goals all agree on the fact a later goal changes, so a stale answer looks right until then:

- ans_status      a plain-text result ("open" for the first goals, then "closed", ...)
- ans_plus        a plain-text number; the first goals add a number to itself
- ans_on_call     a JSON result whose person is the same for the first goals
- ans_notice      a plain-text result the model restates with a lower-case first letter (not the
                  value itself), and the same text for the first goals
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

Family, Step, Tool, ToolFail = fam.Family, fam.Step, fam.Tool, fam.ToolFail
INT, CAPWORD, LOWER, QUOTED = fam.INT, fam.CAPWORD, fam.LOWER, fam.QUOTED
State = dict[str, Any]
Params = dict[str, Any]

FIRST = 6  # the first goals of each family agree on the fact later goals change


def _row(table: str, what: str, key: str):
    def run(s: State, a: dict) -> Any:
        row = s["tables"].get(table, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool(
            "ticket_status",
            "The status of a support ticket, as plain text.",
            {"ticket": int},
            _row("ticket_status", "ticket", "ticket"),
        ),
        Tool(
            "add_numbers",
            "Add two integers; returns the sum as plain text.",
            {"a": int, "b": int},
            lambda s, a: str(a["a"] + a["b"]),
        ),
        Tool("on_call", "Who is on call for a team: person and phone.", {"team": str}, _row("on_call", "team", "team")),
        Tool(
            "read_notice",
            "Read a notice by name; returns its text as plain text.",
            {"name": str},
            _row("notices", "notice", "name"),
        ),
    ]
}

STATUSES = ["closed", "waiting for the customer", "escalated to billing", "on hold until Monday"]
PEOPLE = ["Dana", "Farid", "Ines", "Chen", "Bruno", "Elif"]
TEAMS = ["payments", "search", "mobile", "billing", "infra", "growth", "support", "data", "ads", "web", "api", "ml"]
NOTICES = [
    "The lift in block C is out of order until Friday.",
    "Bikes must be parked in the basement from June.",
    "The canteen closes at 2pm on public holidays.",
    "Visitors need a badge from the front desk.",
]
NOTICE_NAMES = ["lift", "bikes", "canteen", "visitors", "parking", "lockers", "printers", "wifi", "keys", "mail"]


# =========================================================================== 1. a plain-text status
def sample_status(rng: random.Random, w: State, i: int) -> Params:
    ticket = 4100 + i * 7 + rng.randint(0, 5)
    status = "open" if i < FIRST else rng.choice(STATUSES)
    w["tables"].setdefault("ticket_status", {})[str(ticket)] = status
    return {"ticket": ticket}


def _status(p: Params, b: State) -> str:
    return str(b["tables"]["ticket_status"][str(p["ticket"])])


status = Family(
    name="ans_status",
    templates=["What is the status of ticket {ticket}?"],
    fields={"ticket": INT},
    sample=sample_status,
    plan=[Step("ticket_status", lambda p, r: {"ticket": p["ticket"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [_status(p, b)],
    summary=lambda p, r: f"Ticket {p['ticket']} is {r['ticket_status']}.",
)


# =========================================================================== 2. a plain-text number
def sample_plus(rng: random.Random, w: State, i: int) -> Params:
    a = rng.randint(2, 60)
    return {"a": a, "b": a if i < FIRST else rng.randint(61, 99)}


plus = Family(
    name="ans_plus",
    templates=["What is {a} plus {b}?"],
    fields={"a": INT, "b": INT},
    sample=sample_plus,
    plan=[Step("add_numbers", lambda p, r: {"a": p["a"], "b": p["b"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [p["a"] + p["b"]],
    summary=lambda p, r: f"{p['a']} plus {p['b']} is {r['add_numbers']}.",
)


# =========================================================================== 3. the same person at first
def sample_on_call(rng: random.Random, w: State, i: int) -> Params:
    team = TEAMS[i % len(TEAMS)]
    person = "Dana" if i < FIRST else rng.choice(PEOPLE[1:])
    phone = f"+41 44 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    w["tables"].setdefault("on_call", {}).setdefault(team, {"team": team, "person": person, "phone": phone})
    return {"team": team}


on_call = Family(
    name="ans_on_call",
    templates=["Who is on call for team {team}?"],
    fields={"team": LOWER},
    sample=sample_on_call,
    plan=[Step("on_call", lambda p, r: {"team": p["team"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [b["tables"]["on_call"][p["team"]]["person"]],
    summary=lambda p, r: f"{r['on_call']['person']} is on call for {p['team']} ({r['on_call']['phone']}).",
)


# =========================================================================== 4. a restated plain text
def sample_notice(rng: random.Random, w: State, i: int) -> Params:
    name = f"{NOTICE_NAMES[i % len(NOTICE_NAMES)]}-{i}"
    text = NOTICES[0] if i < FIRST else rng.choice(NOTICES[1:])
    w["tables"].setdefault("notices", {})[name] = text
    return {"name": name}


def _restated(text: str) -> str:
    return text[:1].lower() + text[1:]


notice = Family(
    name="ans_notice",
    templates=["What does the notice '{name}' say?"],
    fields={"name": QUOTED},
    sample=sample_notice,
    plan=[Step("read_notice", lambda p, r: {"name": p["name"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [b["tables"]["notices"][p["name"]]],
    summary=lambda p, r: f"The notice '{p['name']}' says that {_restated(str(r['read_notice']))}",
)


FAMILIES: list[Family] = [status, plus, on_call, notice]
