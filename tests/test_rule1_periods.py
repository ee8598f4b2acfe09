"""Rule 1 for a date a record implies: a date plus a period of the same record (`_seen_periods`).

A software licence started on a date and runs for 12 or 24 months: its end is a date no leaf shows.
The start, the term and the days since the start may each lie inside what the supporting runs saw
while the end falls within the 30 days no supporting run's did: the runs never renewed (or always
did), the replay would decline (or renew) on values that no longer decide it. The replay stops before
the answer or the write, and the model decides.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk

TODAY = dt.date(2026, 12, 3)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, min(d.day, 28))


class LicenceWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(licences={}, renewals=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "licence":
            started, months = state["licences"][a["licence"]]
            return {"licence": a["licence"], "started": started, "term_months": months, "today": TODAY.isoformat()}
        if name == "renew":
            state["renewals"].append(a["licence"])
            return {"renewed": a["licence"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"licence": ["licence"], "renew": ["licence"]})
        tool = reg.get(PREFIX + "licence")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def _left(lic: dict[str, Any]) -> int:
    end = _add_months(dt.date.fromisoformat(lic["started"]), int(lic["term_months"]))
    return (end - dt.date.fromisoformat(lic["today"])).days


async def solve_renew(p: dict[str, Any], calls: Calls) -> str:
    (lic,) = await calls([("licence", {"licence": p["licence"]})])
    if _left(lic) <= 30:
        await calls([("renew", {"licence": p["licence"]})])
        return f"Licence {p['licence']} renewed."
    return f"Licence {p['licence']} runs for more than 30 days yet; not renewed."


RENEW = Family("renew", "Renew licence {licence} if it runs out within 30 days", solve_renew, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = LicenceWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


async def _runs(h: Harness, rows: list[tuple[str, int, int]]) -> None:
    for lic, months, ago in rows:
        h.world.state["licences"][lic] = [_ago(ago), months]
        await run_ok(h, RENEW, {"licence": lic})


async def test_a_date_plus_a_term_that_ends_where_no_run_did_stops_a_decline(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # terms of 12 and 24 months, started 100..650 days ago, every one ending in 80 days or more: not renewed
    await _runs(h, [("LC-101", 24, 600), ("LC-102", 12, 200), ("LC-103", 24, 300), ("LC-104", 12, 100)])
    h.world.state["licences"]["LC-105"] = [_ago(420), 24]  # ends in 310 days: inside, replayed
    out = await h.run(RENEW, {"licence": "LC-105"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    h.world.state["licences"]["LC-106"] = [_ago(350), 12]  # each value inside; ends in 15 days: renew
    out = await h.run(RENEW, {"licence": "LC-106"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["renewals"] == ["LC-106"]
    assert "term_months" in str(out.trace.events)


async def test_a_date_plus_a_term_that_ends_late_stops_a_renewal(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # every supporting run ended within 30 days (12 months from 340..360 days ago, 24 months from 700..720):
    # renewed; a 24-month term started 350 days ago (each value seen) ends in a year: not to renew
    await _runs(h, [("LC-201", 12, 345), ("LC-202", 24, 715), ("LC-203", 12, 360), ("LC-204", 24, 700)])
    h.world.state["licences"]["LC-205"] = [_ago(350), 24]
    out = await h.run(RENEW, {"licence": "LC-205"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["renewals"] == ["LC-201", "LC-202", "LC-203", "LC-204"]
