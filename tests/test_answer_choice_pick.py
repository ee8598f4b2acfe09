"""Rule 5 with rule 2: "which is bigger, A or B?" states the pick of this run (`_explain_agg.goal_list`).

A question that asks for a choice among goal values ("which choir has more singers, Bramley or Garth") is
answered by a pick: the value whose result is greatest. The goal's alternatives were a list only when
joined by "," "and" or "&", so "Bramley or Garth" was no list, no pick over the two calls was generated,
and the winner's name was explained by the goal's second slot alone (the runs the answer's template fit
had all seen the second choir win). On a goal where the first choir won, main replayed "Garth has more
singers (31 against 41)." (`bench/families_heldout27.py` h27_choirs, seed 41, 12 goals, #109). Alternatives
joined by "or" are a list now: the pick is a hypothesis like the slot, they disagree when the other value
wins (the model answers), and runs that saw both orders keep the pick alone, which is said.

Tested here in another domain: the apple trees of two orchards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, world_harness

from llmos.learning.risk import registry_risk


class OrchardWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(orchards={})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "orchard_census":
            return {"orchard": a["orchard"], "trees": state["orchards"][a["orchard"]], "soil": "loam"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"orchard_census": ["orchard"]})
        reg.get(PREFIX + "orchard_census").metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve_more(p: dict[str, Any], calls: Calls) -> str:
    ra, rb = await calls([("orchard_census", {"orchard": p["a"]}), ("orchard_census", {"orchard": p["b"]})])
    win, lose = (ra, rb) if ra["trees"] > rb["trees"] else (rb, ra)
    return f"{win['orchard']} has more apple trees ({win['trees']} against {lose['trees']})."


MORE = Family("more", "Which orchard has more apple trees, {a} or {b}?", solve_more, nothing)


async def learned(tmp_path: Path, runs: list[tuple[str, int, str, int]]) -> tuple[OrchardWorld, Harness, list[str]]:
    w = OrchardWorld()
    h = world_harness(tmp_path, w)
    h.engine.risk_of = registry_risk(h.registry)
    modes = []
    for a, na, b, nb in runs:
        w.state["orchards"].update({a: na, b: nb})
        out = await h.run(MORE, {"a": a, "b": b})
        assert out.trace.output == await solve_more({"a": a, "b": b}, direct(w)), (out.trace.mode, out.trace.output)
        modes.append(out.trace.mode)
    return w, h, modes


def direct(w: OrchardWorld) -> Calls:
    async def calls(batch: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        return [w.apply(w.state, n, a) for n, a in batch]

    return calls


# the first orchard wins three times, then the second wins five times (the shape of h27_choirs on main)
FIRST_THEN_SECOND = [
    ("Ashby", 40, "Corfe", 31),
    ("Dunham", 52, "Elmore", 20),
    ("Fairley", 33, "Gorse", 29),
    ("Hatton", 21, "Ivybridge", 47),
    ("Keld", 44, "Lanner", 48),
    ("Marden", 30, "Nethy", 44),
    ("Ottery", 19, "Pelton", 35),
    ("Quarley", 27, "Rendle", 50),
    ("Sutton", 38, "Tilney", 42),
    ("Umber", 24, "Varley", 39),
]


async def test_the_first_orchard_winning_after_runs_where_the_second_won_is_not_answered_with_the_second(
    tmp_path: Path,
) -> None:
    w, h, _modes = await learned(tmp_path, FIRST_THEN_SECOND)
    w.state["orchards"].update({"Sefton": 41, "Tarrant": 36})
    out = await h.run(MORE, {"a": "Sefton", "b": "Tarrant"})
    # every count inside what the runs saw at its place
    # on lead33 44c7828: follower, "Tarrant has more apple trees (36 against 41)."
    assert out.trace.output == "Sefton has more apple trees (41 against 36).", (out.trace.mode, out.trace.output)


async def test_runs_that_saw_both_orders_replay_the_pick(tmp_path: Path) -> None:
    mixed = [FIRST_THEN_SECOND[i] for i in (0, 3, 1, 4, 2, 5)]
    w, h, modes = await learned(tmp_path, mixed)
    for a, na, b, nb, said in [
        ("Sefton", 41, "Tarrant", 31, "Sefton has more apple trees (41 against 31)."),
        ("Upton", 22, "Venn", 36, "Venn has more apple trees (36 against 22)."),
    ]:
        w.state["orchards"].update({a: na, b: nb})
        out = await h.run(MORE, {"a": a, "b": b})
        assert out.trace.output == said, (modes, out.trace.mode, out.trace.output)
    assert out.trace.mode == "follower", (modes, out.trace.events)


async def test_a_tie_is_the_models(tmp_path: Path) -> None:
    mixed = [FIRST_THEN_SECOND[i] for i in (0, 3, 1, 4, 2, 5)]
    w, h, _modes = await learned(tmp_path, mixed)
    w.state["orchards"].update({"Sefton": 30, "Tarrant": 30})
    out = await h.run(MORE, {"a": "Sefton", "b": "Tarrant"})
    assert out.trace.mode != "follower", out.trace.output  # two equal counts: no pick, the model answers
