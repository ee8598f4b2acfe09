"""Rule 1 for a list item's derived quantities: keyed by the item's role, not its index (`_seen_roles`).

A depot's vans each have an inspection date and an interval in months; a van is sent out only while its
inspection is current. In the supporting runs the goal's van was first or second in its depot's list, and
another van, where first in the list, was overdue (35 to 135 days). When the goal's van is first in the
list and overdue by 55 days, every value at index 0 lies inside what the runs saw at index 0; keyed by
position the replay would send it out. Keyed by role (the item holding the goal's van), its inspection
is compared with the goal vans' of the supporting runs only (all current), and the model decides.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk

TODAY = dt.date(2026, 12, 3)


def _plus_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, min(d.day, 28))


class DepotWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(depots={}, dispatched=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "depot":
            vans = next(v for v in state["depots"].values() if any(x["van"] == a["van"] for x in v))
            return {"today": TODAY.isoformat(), "vans": vans}
        if name == "dispatch":
            state["dispatched"].append(a["route"])
            return {"dispatched": a["route"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"depot": ["van"], "dispatch": ["route"]})
        tool = reg.get(PREFIX + "depot")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def _current(van: dict[str, Any]) -> bool:
    return _plus_months(dt.date.fromisoformat(van["inspected"]), int(van["interval_months"])) >= TODAY


async def solve_dispatch(p: dict[str, Any], calls: Calls) -> str:
    (depot,) = await calls([("depot", {"van": p["van"]})])
    van = next(x for x in depot["vans"] if x["van"] == p["van"])
    if _current(van):
        await calls([("dispatch", {"route": p["route"]})])
        return f"Sent out on route {p['route']}."
    return "Inspection overdue: not sent out."


TEMPLATE = "Send van {van} out on route {route} if its inspection is current"
DISPATCH = Family("dispatch", TEMPLATE, solve_dispatch, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = DepotWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _van(van: str, ago: int) -> dict[str, Any]:
    return {"van": van, "inspected": (TODAY - dt.timedelta(days=ago)).isoformat(), "interval_months": 12}


_ROUTES = ["north", "south", "east", "west", "uptown", "downtown"]
_IDS = [110001, 720001, 990001, 230001, 450001, 860001, 990002, 120002, 110002, 980002, 500002, 600002]


def _depot(h: Harness, depot: str, first: tuple[str, int], second: tuple[str, int]) -> None:
    h.world.state["depots"][depot] = [_van(*first), _van(*second)]


async def test_the_goal_item_is_compared_with_the_goal_items_of_the_runs(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # the goal's van first or second (current, inspected 100..250 days ago); the other van, where first,
    # overdue (400..500 days ago: 35 to 135 days), where second, current
    rows = [((400, 0), (100, 1)), ((200, 1), (150, 0)), ((500, 0), (150, 1)), ((250, 1), (380, 0))]
    rows += [((450, 0), (120, 1)), ((220, 1), (300, 0))]
    goals: list[str] = []
    for n, ((a, a_mine), (b, _)) in enumerate(rows):
        first, second = (f"VN{_IDS[n]}", a), (f"VN{_IDS[n + 6]}", b)
        _depot(h, f"D{n}", first, second)
        goals.append(_ROUTES[n])
        await run_ok(h, DISPATCH, {"van": first[0] if a_mine else second[0], "route": _ROUTES[n]})
    _depot(h, "D8", ("VN500003", 450), ("VN600003", 130))  # the same roles, every value inside: replayed
    out = await h.run(DISPATCH, {"van": "VN600003", "route": "harbour"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    # the goal's van first and overdue by 55 days (inside what index 0 showed), the other second and current:
    # keyed by position, every value and date of index 0 and 1 lies inside what the runs saw there
    _depot(h, "D9", ("VN550004", 420), ("VN650004", 180))
    out = await h.run(DISPATCH, {"van": "VN550004", "route": "airport"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["dispatched"] == [*goals, "harbour"]
