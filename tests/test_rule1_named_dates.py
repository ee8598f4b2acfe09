"""Rule 1 reads a date written with its month's name as the date it names (`_named_dates`).

"last landed 2 December 2026" was two numbers and a word to rule 1's template: the same sentence in
another month was a text never seen (no replay once the runs spanned a month), the day and the year were
range-checked apart, and the dates rule (days between two dates of one result) never saw it. Now it is
one date: range-checked as a date, and paired with the other dates of the run like an ISO date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import _named_dates
from llmos.learning._seen_text import template


def test_a_named_date_is_the_iso_date_it_names() -> None:
    assert _named_dates.iso("last landed 2 December 2026 at Fraserburgh.") == "last landed 2026-12-02 at Fraserburgh."
    assert _named_dates.iso("made 21 Feb 2026, 20.1 kg") == "made 2026-02-21, 20.1 kg"
    assert _named_dates.iso("due November 14, 2026.") == "due 2026-11-14."
    assert _named_dates.iso("on 3rd Sept. 2026") == "on 2026-09-03"
    # no date: a day of no month, a verb, a date without its year, a version
    for text in ("31 February 2026", "we may 3 2026", "landed 2 Dec at noon", "v1.2 May 2026"):
        assert _named_dates.iso(text) == text
    # one template for every month, the date one number to a range
    a, b = (
        template("last landed 2 December 2026 at Fraserburgh.", []),
        template("last landed 9 October 2026 at Fraserburgh.", []),
    )
    assert a[0] == b[0] == "last landed # at Fraserburgh."
    assert (a[1], b[1]) == ([20261202.0], [20261009.0])


class HarbourWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(vessels={}, landings=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "vessel_log":
            d = dt.date.fromisoformat(state["vessels"][a["vessel"]])
            return f"{a['vessel']}: last landed {d.day} {d.strftime('%B')} {d.year} at Fraserburgh."
        if name == "record_landing":
            state["landings"].append([a["vessel"], a["kg"]])
            return {"recorded": a["vessel"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"vessel_log": ["vessel"], "record_landing": ["vessel", "kg"]})
        return reg


async def solve_landing(p: dict[str, Any], calls: Calls) -> str:
    await calls([("vessel_log", {"vessel": p["vessel"]})])
    await calls([("record_landing", {"vessel": p["vessel"], "kg": p["kg"]})])
    return f"Landing of {p['kg']} kg recorded for {p['vessel']}."


LANDING = Family("landing", "Record a landing of {kg} kg for vessel {vessel}", solve_landing, nothing)


def harness(tmp: Path, world: World) -> Harness:
    h = Harness(tmp)
    h.world = world
    h.registry = h.world.registry()
    return h


async def test_a_named_date_of_another_month_inside_the_dates_seen_replays(tmp_path: Path) -> None:
    h = harness(tmp_path, HarbourWorld())
    for vessel, last, kg in [
        ("FV-101", "2026-10-02", 1600),
        ("FV-102", "2026-12-20", 2300),
        ("FV-103", "2026-11-05", 1900),
        ("FV-104", "2026-10-28", 2100),
    ]:
        h.world.state["vessels"][vessel] = last
        await run_ok(h, LANDING, {"vessel": vessel, "kg": kg})
    # 14 December: its day before every December day seen (a text of that month's template), inside the dates
    h.world.state["vessels"]["FV-105"] = "2026-12-14"
    out = await h.run(LANDING, {"vessel": "FV-105", "kg": 2000})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # a date past every date seen is still outside the evidence: the model decides
    h.world.state["vessels"]["FV-106"] = "2027-01-08"
    out = await h.run(LANDING, {"vessel": "FV-106", "kg": 2000})
    assert out.correct and out.llm_calls > 0


class PermitWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(permits={}, renewed=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "permit":
            issued, expires = (dt.date.fromisoformat(x) for x in state["permits"][a["permit"]])
            return {
                "permit": a["permit"],
                "note": f"issued {issued.day} {issued.strftime('%B')} {issued.year}; "
                f"expires {expires.day} {expires.strftime('%B')} {expires.year}",
            }
        if name == "renew_permit":
            state["renewed"].append(a["permit"])
            return {"renewed": a["permit"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"permit": ["permit"], "renew_permit": ["permit"]})
        return reg


async def solve_renew(p: dict[str, Any], calls: Calls) -> str:
    (permit,) = await calls([("permit", {"permit": p["permit"]})])
    issued, expires = (x.split(" ", 1)[1] for x in permit["note"].split("; "))
    span = dt.datetime.strptime(expires, "%d %B %Y") - dt.datetime.strptime(issued, "%d %B %Y")
    if span.days <= 190:  # a six-month permit is renewed; a longer one needs the board
        await calls([("renew_permit", {"permit": p["permit"]})])
        return f"Permit {p['permit']} renewed."
    return f"Permit {p['permit']} not renewed: it is not a six-month permit."


RENEW = Family("renew", "Renew permit {permit}", solve_renew, nothing)


async def test_the_days_between_two_named_dates_stay_inside_the_evidence(tmp_path: Path) -> None:
    h = harness(tmp_path, PermitWorld())
    for permit, issued, expires in [
        ("P-201", "2026-01-10", "2026-07-10"),
        ("P-202", "2026-04-01", "2026-09-28"),
        ("P-203", "2026-02-05", "2026-08-04"),
        ("P-204", "2026-03-01", "2026-08-28"),
    ]:
        h.world.state["permits"][permit] = (issued, expires)
        await run_ok(h, RENEW, {"permit": permit})
    h.world.state["permits"]["P-205"] = ("2026-02-20", "2026-08-19")  # 180 days, both inside: replays
    out = await h.run(RENEW, {"permit": "P-205"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # each date inside the dates seen (issued Jan..Apr, expiring Jul..Sep), 243 days apart where every
    # supporting run's permit ran 178..181 days: the replay stops before the renewal
    h.world.state["permits"]["P-206"] = ("2026-01-20", "2026-09-20")
    out = await h.run(RENEW, {"permit": "P-206"})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "P-206" not in h.world.state["renewed"]
