"""Rule 1 for the total of a leaf over the calls of one tool, one call per item of the goal's list
(`_call_totals`).

A ferry's car deck takes 40 m of vehicles: "Board the coaches A, B and C" reads each coach's length and
books one deck, or two when the coaches are longer than 40 m in all. Every supporting run of three coaches
needed two decks (47..60 m); a live list whose coaches are each inside the lengths seen and 33 m in all
needs one: the replay stops before the booking, and the model decides. A total inside what the runs saw
replays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk

DECK_M = 40.0


class FerryWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(coaches={}, decks=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "coach":
            return {"coach": a["coach"], "length_m": state["coaches"][a["coach"]]}
        if name == "book_decks":
            state["decks"].append(int(a["decks"]))
            return {"status": "booked"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"coach": ["coach"], "book_decks": ["decks"]})
        tool = reg.get(PREFIX + "coach")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = FerryWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve(p: dict[str, Any], calls: Calls) -> str:
    names = [p["a"], p["b"], p["c"]]
    rows = await calls([("coach", {"coach": n}) for n in names])
    total = sum(float(r["length_m"]) for r in rows)
    decks = 1 if total <= DECK_M else 2
    await calls([("book_decks", {"decks": decks})])
    return f"Booked {decks} deck(s)."


BOARD = Family("board", "Board the coaches {a}, {b} and {c}", solve, nothing)


async def _runs(h: Harness, rows: list[tuple[str, float, str, float, str, float]]) -> None:
    for a, la, b, lb, c, lc in rows:
        h.world.state["coaches"].update({a: la, b: lb, c: lc})
        await run_ok(h, BOARD, {"a": a, "b": b, "c": c})


RUNS = [  # lengths spread at every place (9..25 m): no arithmetic of one coach's length gives the decks
    ("Alder", 9.0, "Birch", 20.0, "Cedar", 18.0),  # 47
    ("Dogwood", 25.0, "Elm", 9.0, "Fir", 14.0),  # 48
    ("Gorse", 14.0, "Hazel", 25.0, "Ivy", 9.0),  # 48
    ("Juniper", 20.0, "Larch", 15.0, "Maple", 25.0),  # 60
]


async def test_a_total_over_the_list_inside_what_the_runs_saw_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    # the coaches of a run seen (a new name is the model's: the decks were the same in every run)
    h.world.state["coaches"].update({"Dogwood": 14.0, "Elm": 20.0, "Fir": 18.0})  # 52 m
    out = await h.run(BOARD, {"a": "Dogwood", "b": "Elm", "c": "Fir"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    assert h.world.state["decks"][-1] == 2


async def test_a_total_over_the_list_outside_what_the_runs_saw_stops_before_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _runs(h, RUNS)
    h.world.state["coaches"].update({"Dogwood": 10.0, "Elm": 12.0, "Fir": 11.0})  # each inside, 33 m in all
    out = await h.run(BOARD, {"a": "Dogwood", "b": "Elm", "c": "Fir"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["decks"][-1] == 1
    assert "over the calls of the goal's list" in str(out.trace.events)


async def solve_two(p: dict[str, Any], calls: Calls) -> str:
    rows = await calls([("coach", {"coach": n}) for n in (p["a"], p["b"])])
    total = sum(float(r["length_m"]) for r in rows)
    decks = 1 if total <= DECK_M else 2
    await calls([("book_decks", {"decks": decks})])
    return f"Booked {decks} deck(s)."


BOARD_TWO = Family("board2", "Board the coaches {a} and {b}", solve_two, nothing)


async def test_a_count_of_the_list_does_not_consume_its_total(tmp_path: Path) -> None:
    """Two coaches, two decks in every run: a constant and the count of the coaches both explain the decks.
    The count reads no length: the total of 29 m (one deck), where every run's was 42..45, stops the replay
    (main took the count as computing with the lengths and booked two decks)."""
    h = harness(tmp_path)
    for a, la, b, lb in [("Alder", 10.0, "Birch", 32.0), ("Cedar", 30.0, "Dogwood", 12.0), ("Elm", 20.0, "Fir", 25.0)]:
        h.world.state["coaches"].update({a: la, b: lb})
        await run_ok(h, BOARD_TWO, {"a": a, "b": b})
    h.world.state["coaches"].update({"Gorse": 25.0, "Hazel": 18.0})  # 43 m: inside
    out = await h.run(BOARD_TWO, {"a": "Gorse", "b": "Hazel"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    h.world.state["coaches"].update({"Ivy": 15.0, "Juniper": 14.0})  # each length inside, 29 m in all
    out = await h.run(BOARD_TWO, {"a": "Ivy", "b": "Juniper"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["decks"][-1] == 1
    assert "over the calls of the goal's list" in str(out.trace.events)
