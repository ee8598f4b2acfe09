"""Runs that sat where another formula agreed with the plan's prove no value of a goal word no argument
uses (issue 9, helper redZ: bench/families_heldout10.py, "rounding up" / "rounding down" of a deposit
between guests, "cheapest" / "fastest" courier of one list of quotes). Two model runs of "..., rounding
down" whose shares came out even merged into the plan of "..., rounding up" with "down" as a slot seen in
two runs, and main replayed the ceiling for "down". The rule lives in `learning/_coincidence.py`, checked
by `_envelope_checks._unused_problem`. These tests use other domains: a bakery's dough, a depot's vans."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok


class BakeryWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(batches={f"B{n}": {"grams": 1000 + 37 * n} for n in range(10, 60)}, portions={})
        self.state.update(depots={}, routes={})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "batch":
            return {"batch": a["batch"], "grams": state["batches"][a["batch"]]["grams"]}
        if name == "set_portion":
            state["portions"][a["batch"]] = a["grams"]
            return {"ok": True}
        if name == "vans":
            return {"depot": a["depot"], "vans": state["depots"][a["depot"]]}
        if name == "assign_van":
            state["routes"][a["route"]] = a["van"]
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        tools = {"batch": ["batch"], "set_portion": ["batch", "grams"]}
        tools |= {"vans": ["depot"], "assign_van": ["route", "van"]}
        self.register(reg, tools)
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = BakeryWorld()
    h.registry = h.world.registry()
    return h


def _portion(up: bool) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        (b,) = await calls([("batch", {"batch": p["batch"]})])
        share = b["grams"] / p["n"]
        await calls([("set_portion", {"batch": p["batch"], "grams": math.ceil(share) if up else math.floor(share)})])
        return "Portioned."

    return solve


def _van(key: str) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        (d,) = await calls([("vans", {"depot": p["depot"]})])
        best = min(d["vans"], key=lambda v: v[key])
        await calls([("assign_van", {"route": p["route"], "van": best["van"]})])
        return f"Assigned {best['van']}."

    return solve


UP = Family("portion", "Divide batch {batch} into {n} loaves, rounding up", _portion(True), nothing)
DOWN = Family("portion", "Divide batch {batch} into {n} loaves, rounding down", _portion(False), nothing)
NEAREST = Family("van", "Send the nearest van of depot {depot} on route {route}", _van("km"), nothing)
EMPTIEST = Family("van", "Send the emptiest van of depot {depot} on route {route}", _van("load"), nothing)


async def test_must_not_replay_a_word_whose_runs_sat_where_rounding_up_and_down_agree(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for batch, n in (("B11", 3), ("B12", 7), ("B13", 9), ("B14", 4)):  # 1407/3 = 469, 1444/7 = 206.3, ...
        await run_ok(h, UP, {"batch": batch, "n": n})
    for batch, grams, n in (("B20", 1800, 6), ("B21", 1500, 5)):  # even shares: up and down agree, twice
        h.world.state["batches"][batch]["grams"] = grams
        assert (await h.run(DOWN, {"batch": batch, "n": n}, mode="learner")).correct  # two model runs
    out = await h.run(DOWN, {"batch": "B22", "n": 4})  # 1814 / 4 = 453.5
    assert out.correct and out.trace.mode != "follower", (out.decision.reason.get("why"), out.decision.slots)
    assert h.world.state["portions"]["B22"] == 453


def _vans(both: bool) -> list[dict[str, Any]]:
    """Three vans; the nearest is also the emptiest only when `both`."""
    if both:
        return [
            {"van": "V2", "km": 9, "load": 70},
            {"van": "V7", "km": 2, "load": 10},
            {"van": "V4", "km": 5, "load": 40},
        ]
    return [{"van": "V2", "km": 9, "load": 10}, {"van": "V7", "km": 2, "load": 70}, {"van": "V4", "km": 5, "load": 40}]


async def test_must_not_replay_a_word_whose_runs_sat_where_two_picks_of_one_list_agree(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for k, depot in enumerate(("Ayr", "Bude", "Cobh", "Deal")):
        vans = _vans(False)
        h.world.state["depots"][depot] = vans[k % 3 :] + vans[: k % 3]
        await run_ok(h, NEAREST, {"depot": depot, "route": f"R{k}"})
    for k, depot in enumerate(("Elgin", "Fowey")):  # V7 is the nearest and the emptiest, twice
        h.world.state["depots"][depot] = _vans(True)
        assert (await h.run(EMPTIEST, {"depot": depot, "route": f"R{5 + k}"}, mode="learner")).correct
    h.world.state["depots"]["Fife"] = _vans(False)  # V2 is the emptiest, V7 the nearest
    out = await h.run(EMPTIEST, {"depot": "Fife", "route": "R9"})
    assert out.correct and out.trace.mode != "follower", (out.decision.reason.get("why"), out.decision.slots)
    assert h.world.state["routes"]["R9"] == "V2"


async def test_a_word_whose_runs_tell_the_formulas_apart_still_replays(tmp_path: Path) -> None:
    """The rule's other side: a word that changes nothing, seen in two runs that rule the rival out."""
    h = harness(tmp_path)
    day = Family("portion", "Divide batch {batch} into {n} loaves for {day}, rounding up", _portion(True), nothing)
    for batch, n, d in (("B11", 3, "Monday"), ("B12", 7, "Monday"), ("B13", 9, "Monday"), ("B14", 4, "Monday")):
        await run_ok(h, day, {"batch": batch, "n": n, "day": d})
    for batch, n in (("B15", 7), ("B18", 5)):  # 1555 / 7 = 222.1, 1666 / 5 = 333.2: only rounding up fits
        assert (await h.run(day, {"batch": batch, "n": n, "day": "Friday"}, mode="learner")).correct
    out = await h.run(day, {"batch": "B17", "n": 6, "day": "Friday"})
    assert out.correct and out.trace.mode == "follower", out.decision.reason


async def test_must_not_lend_when_the_one_run_sat_where_rounding_up_and_down_agree(tmp_path: Path) -> None:
    """The same rule for a sibling wording (`wordings._singles_out`): one run of "Cut ... loaves,
    rounding it down" whose share came out even lends nothing from the plan of "..., rounding up"."""
    h = harness(tmp_path)
    for batch, n in (("B11", 3), ("B12", 7), ("B13", 9), ("B14", 4)):
        await run_ok(h, UP, {"batch": batch, "n": n})
    cut = Family("portion", "Cut batch {batch} into {n} loaves, rounding it down", _portion(False), nothing)
    h.world.state["batches"]["B20"]["grams"] = 1800  # 1800 / 6 = 300: up and down agree
    assert (await h.run(cut, {"batch": "B20", "n": 6})).correct
    out = await h.run(cut, {"batch": "B22", "n": 4})  # 1814 / 4 = 453.5
    assert out.correct and out.trace.mode != "follower", (out.decision.reason.get("why"), out.decision.slots)
    assert h.world.state["portions"]["B22"] == 453
