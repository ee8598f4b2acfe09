"""Rule 1 for numbers inside a plain-text result: their order with each other and with the goal's
numbers (a quota "2 of 4 passes issued", a limit) must hold as in every supporting run before a write.

Each number alone may stay inside the range the evidence saw while their order flips ("3 of 3"): the
range check alone would let the write through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class PassWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(badges={}, passes=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "badge_quota":
            issued, limit = state["badges"][a["desk"]]
            return f"Desk {a['desk']}: {issued} of {limit} visitor passes issued today"
        if name == "issue_pass":
            state["passes"].append([a["desk"], a["visitor"]])
            state["badges"][a["desk"]][0] += 1
            return {"pass": len(state["passes"])}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"badge_quota": ["desk"], "issue_pass": ["desk", "visitor"]})
        return reg


async def solve_pass(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("badge_quota", {"desk": p["desk"]})])
    issued, limit = (int(w) for w in str(text).split(": ")[1].split()[0:3:2])
    if issued < limit:
        await calls([("issue_pass", {"desk": p["desk"], "visitor": p["visitor"]})])
        return f"Pass issued to {p['visitor']}."
    return "The desk has no passes left today."


PASS = Family("pass", "Issue a visitor pass at desk {desk} for {visitor}", solve_pass, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PassWorld()
    h.registry = h.world.registry()
    return h


async def test_numbers_inside_a_text_keep_their_order_before_a_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # issued 0..3 and limits 2..5 are seen, always issued < limit
    for desk, visitor, quota in [
        ("D1", "Olu", [3, 5]),
        ("D2", "Pia", [0, 2]),
        ("D3", "Quin", [1, 4]),
        ("D4", "Rafa", [2, 3]),
    ]:
        h.world.state["badges"][desk] = quota
        await run_ok(h, PASS, {"desk": desk, "visitor": visitor})
    h.world.state["badges"]["D5"] = [1, 5]
    assert await run_ok(h, PASS, {"desk": "D5", "visitor": "Sami"}) == "follower"
    h.world.state["badges"]["D6"] = [3, 3]  # each number inside its range, the order flipped
    out = await h.run(PASS, {"desk": "D6", "visitor": "Tove"})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert [c.name for c in out.trace.tool_calls] == [PREFIX + "badge_quota"]
    assert "in every supporting run, but not now" in str(out.trace.events)


# ---------------------------------------------------------------- a derived argument against a limit
class CapWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(tanks={}, levels=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "tank_info":
            litres, capacity = state["tanks"][a["tank"]]
            return {"tank": a["tank"], "litres": litres, "capacity_l": capacity}
        if name == "set_level":  # the tank does not refuse: a wrong replay overflows it
            state["levels"].append([a["tank"], a["litres"]])
            return {"level": a["litres"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"tank_info": ["tank"], "set_level": ["tank", "litres"]})
        return reg


async def solve_fill(p: dict[str, Any], calls: Calls) -> str:
    (info,) = await calls([("tank_info", {"tank": p["tank"]})])
    level = min(info["litres"] + p["add"], info["capacity_l"])  # never past the tank's capacity
    await calls([("set_level", {"tank": p["tank"], "litres": level})])
    return f"Tank {p['tank']} now holds {level} L."


FILL = Family("fill", "Pour {add} litres into tank {tank}", solve_fill, nothing)


def cap_harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = CapWorld()
    h.registry = h.world.registry()
    return h


async def test_a_derived_write_argument_keeps_its_order_with_an_unread_limit(tmp_path: Path) -> None:
    h = cap_harness(tmp_path)
    # levels 100..700 and capacities 400..1000 are seen; the new level (level + litres) stayed below capacity
    for tank, add, row in [
        ("T1", 50, [100, 400]),
        ("T2", 200, [700, 1000]),
        ("T3", 120, [300, 800]),
        ("T4", 30, [500, 600]),
    ]:
        h.world.state["tanks"][tank] = row
        await run_ok(h, FILL, {"tank": tank, "add": add})
    h.world.state["tanks"]["T5"] = [200, 900]
    assert await run_ok(h, FILL, {"tank": "T5", "add": 80}) == "follower"
    # both inside their ranges, and 180 inside the 30..200 litres added: 600 + 180 passes the capacity
    h.world.state["tanks"]["T6"] = [600, 700]
    out = await h.run(FILL, {"tank": "T6", "add": 180})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert [lv for lv in h.world.state["levels"] if lv[0] == "T6"] == [["T6", 700]]  # the model capped it
    # the new level's order with the capacity (a derived argument), or, checked first since the goal's
    # order with what is left is taken either way round (`_envelope_facts.relations`), 180 against
    # capacity - litres: the same limit
    events = str(out.trace.events)
    left = "(step 0 result capacity_l - step 0 result litres)"
    assert "worked out from this run's values" in events or left in events


# ---------------------------------------------------------------- a goal number against a number in a text
class DockWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(docks={}, released=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "dock_board":
            return f"Dock {a['dock']} - {state['docks'][a['dock']]} pallets waiting, gate open"
        if name == "release_pallets":
            state["released"].append([a["dock"], a["pallets"]])
            state["docks"][a["dock"]] -= a["pallets"]
            return {"released": a["pallets"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"dock_board": ["dock"], "release_pallets": ["dock", "pallets"]})
        return reg


async def solve_release(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("dock_board", {"dock": p["dock"]})])
    waiting = int(str(text).split(" - ")[1].split()[0])
    if p["n"] <= waiting:
        await calls([("release_pallets", {"dock": p["dock"], "pallets": p["n"]})])
        return f"Released {p['n']} pallets."
    return f"Only {waiting} pallets are waiting: nothing released."


RELEASE = Family("release", "Release {n} pallets from dock {dock}", solve_release, nothing)


async def test_a_goal_number_keeps_its_order_with_a_number_in_a_text(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = DockWorld()
    h.registry = h.world.registry()
    # asks 2..9 and waiting 5..30 are seen, always ask <= waiting
    for dock, n, waiting in [("K1", 2, 5), ("K2", 9, 30), ("K3", 4, 12), ("K4", 6, 20)]:
        h.world.state["docks"][dock] = waiting
        await run_ok(h, RELEASE, {"dock": dock, "n": n})
    h.world.state["docks"]["K5"] = 16
    assert await run_ok(h, RELEASE, {"dock": "K5", "n": 3}) == "follower"
    h.world.state["docks"]["K6"] = 7  # inside [5, 30]; 9 asked, inside [2, 9]
    out = await h.run(RELEASE, {"dock": "K6", "n": 9})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["released"][-1] == ["K5", 3]  # nothing released at K6


def test_the_numbers_of_a_text_leave_out_dates_times_and_identifiers() -> None:
    from llmos.learning._envelope_facts import text_numbers

    text = "Loan L-4821 due 2026-03-14 at 11:05; renewals 3 of 4, checks (11/12), CO2 410 ppm, air -5.5 C"
    assert text_numbers(text) == [3, 4, 11, 12, 410, -5.5]
