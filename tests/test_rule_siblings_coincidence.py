"""A sibling's one run that agreed by coincidence lends nothing; a final "!" or ", Thanks" that may be
part of a value stays in the goal (issue 9, helper r9redF: bench/families_siblings.py found both)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning.goals import tokenize_goal


class PantryWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(shelves={f"S{n}": {"jars": 10 + (n * 7) % 50} for n in range(10, 60)}, bells=[])
        self.state.update(rentals={f"R{n}": {"days": 2 + n % 5, "rate": 30 + n % 40} for n in range(10, 60)}, bills=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "shelf":
            return {"shelf": a["shelf"], "jars": state["shelves"][a["shelf"]]["jars"]}
        if name == "set_shelf":
            state["shelves"][a["shelf"]]["jars"] = a["jars"]
            return {"ok": True}
        if name == "rental":
            return {"rental": a["rental"], **state["rentals"][a["rental"]]}
        if name == "bill":
            state["bills"].append([a["rental"], a["amount"]])
            return {"ok": True}
        if name == "tower":
            return {"tower": a["tower"], "bells": 8}
        if name == "ring":
            state["bells"].append([a["tower"], a["hour"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        tools = {"shelf": ["shelf"], "set_shelf": ["shelf", "jars"], "tower": ["tower"], "ring": ["tower", "hour"]}
        tools |= {"rental": ["rental"], "bill": ["rental", "amount"]}
        self.register(reg, tools)
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PantryWorld()
    h.registry = h.world.registry()
    return h


def _restock(to: bool) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        (s,) = await calls([("shelf", {"shelf": p["shelf"]})])
        await calls([("set_shelf", {"shelf": p["shelf"], "jars": p["n"] if to else s["jars"] + p["n"]})])
        return "Restocked."

    return solve


def _ring(pm: bool) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        await calls([("tower", {"tower": p["tower"]})])
        hour = p["h"] + 12 if pm and p["h"] < 12 else p["h"]
        await calls([("ring", {"tower": p["tower"], "hour": hour})])
        return "Rung."

    return solve


def _bill(every_day: bool) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        (r,) = await calls([("rental", {"rental": p["rental"]})])
        await calls([("bill", {"rental": p["rental"], "amount": r["rate"] * (r["days"] if every_day else 1)})])
        return "Billed."

    return solve


BY = Family("restock", "Restock shelf {shelf} by {n} jars", _restock(False), nothing)
TO = Family("restock", "Restock shelf {shelf} to {n} jars", _restock(True), nothing)
AT_HOUR = Family("ring", "Ring the bells of tower {tower} at hour {h}", _ring(False), nothing)
AT_PM = Family("ring", "Ring the bells of tower {tower} at {h} pm", _ring(True), nothing)


async def _not_follower(h: Harness, fam: Family, first: dict[str, Any], second: dict[str, Any]) -> None:
    before = await h.run(fam, first)
    assert before.correct
    assert not h.engine.index.plans[h.engine.store.plan_of_trace(before.trace.id) or ""].sibling
    out = await h.run(fam, second)
    assert out.correct and out.trace.mode != "follower", (out.decision.reason.get("why"), out.decision.slots)


async def test_must_not_lend_when_the_one_run_sat_where_both_formulas_agree(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for shelf, n in (("S11", 5), ("S12", 9), ("S13", 4)):
        await run_ok(h, BY, {"shelf": shelf, "n": n})
    h.world.state["shelves"]["S20"]["jars"] = 0  # an empty shelf: level + n is n, as "to n" means
    await _not_follower(h, TO, {"shelf": "S20", "n": 30}, {"shelf": "S21", "n": 40})
    assert h.world.state["shelves"]["S21"]["jars"] == 40


async def test_must_not_lend_across_a_unit_word_the_sibling_lacks(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for tower, hour in (("Bow", 14), ("Ely", 19), ("Rye", 16)):
        await run_ok(h, AT_HOUR, {"tower": tower, "h": hour})
    await _not_follower(h, AT_PM, {"tower": "Wye", "h": 12}, {"tower": "Ware", "h": 3})  # 12 pm is hour 12
    assert h.world.state["bells"][-1] == ["Ware", 15]


async def test_must_not_lend_when_the_one_run_cannot_tell_the_formula_from_a_plain_value(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for rental in ("R11", "R12", "R13"):
        await run_ok(h, Family("bill", "Bill rental {rental} for every day", _bill(True), nothing), {"rental": rental})
    first_day = Family("bill", "Charge the first day of car rental {rental} today", _bill(False), nothing)
    h.world.state["rentals"]["R20"]["days"] = 1  # one day: days x rate is the rate, as "the first day" means
    await _not_follower(h, first_day, {"rental": "R20"}, {"rental": "R21"})
    assert h.world.state["bills"][-1] == ["R21", h.world.state["rentals"]["R21"]["rate"]]


def test_a_final_mark_or_courtesy_word_that_may_be_part_of_a_value_stays() -> None:
    def texts(goal: str) -> list[str]:
        return [t.text for t in tokenize_goal(goal)]

    assert texts("Rename the album to Oklahoma!")[-1] == "!"
    assert texts("Print Northwind Ltd.")[-1] == "."
    assert texts("Paint the sign Keep Out, Thanks")[-2:] == [",", "Thanks"]
    assert texts("Rebook Mei, thanks!") == ["Rebook", "Mei"]  # courtesy in lower case: still dropped
    assert texts("Cancel order 4701.") == ["Cancel", "order", "4701"]


async def test_must_not_replay_a_value_whose_final_mark_the_runs_never_had(tmp_path: Path) -> None:
    h = harness(tmp_path)

    async def solve(p: dict[str, Any], calls: Calls) -> str:
        await calls([("save_value", {"name": p["club"], "value": p["motto"]})])
        return f"Saved {p['motto']}"

    motto = Family("motto", "Store the motto of club {club} as {motto}", solve, nothing)
    for club, text in (("Orca", "Row Hard"), ("Kite", "Fly High"), ("Wren", "Sing On"), ("Ibis", "Wade In")):
        await run_ok(h, motto, {"club": club, "motto": text})
    for club, text in (("Lark", "Rise Up!"), ("Teal", "Dive Deep, Thanks")):
        out = await h.run(motto, {"club": club, "motto": text})
        assert out.correct and out.trace.mode != "follower", (text, out.decision.reason)
