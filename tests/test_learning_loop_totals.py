"""Totals over lists (issue 9, `learning/_explain_agg.py` with `learning/loops/`): a step after the loop
or an answer that states the sum, mean, count, minimum or maximum of the items' results, or the item
where a result is least or greatest ("book the cheapest"), replays for lists of any length; and the
probes that must NOT replay: a tie for the cheapest, a total two hypotheses explain differently (the
sum, or the greatest item when one always dominated), a value one item always gave, an item's result
outside the evidence mid-loop, an empty list, an item whose call fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, ToolFailed, World, nothing, run_ok

from llmos.execution.replay import replay
from llmos.learning import explain as ex
from llmos.learning._explain_agg import goal_list
from llmos.learning.goals import tokenize
from llmos.trace import Trace

WEIGHTS = {
    "Fig": 12.5,
    "Kiwi": 7.25,
    "Lime": 3.5,
    "Pear": 9.0,
    "Plum": 4.75,
    "Date": 6.5,
    "Yam": 11.0,
    "Okra": 2.25,
    "Leek": 5.5,
    "Sage": 1.75,
    "Mint": 8.25,
    "Corn": 10.5,
    "Rice": 14.0,
}
FARES = {
    "Hvar": 40,
    "Vis": 25,
    "Korcula": 33,
    "Brac": 19,
    "Mljet": 52,
    "Lastovo": 61,
    "Solta": 28,
    "Pag": 35,
    "Rab": 44,
    "Krk": 22,
    "Cres": 30,
    "Losinj": 47,
    "Susak": 25,  # ties with Vis
}


class PantryWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(loads=[], bookings=[], peaks=[])
        self.weights = dict(WEIGHTS)
        self.damaged: set[str] = set()

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "weigh_crate":
            if a["crate"] == "Rotten":
                raise ToolFailed("crate Rotten cannot be weighed")
            status = "damaged" if a["crate"] in self.damaged else "ok"
            return {"crate": a["crate"], "kg": self.weights[a["crate"]], "status": status}
        if name == "log_load":
            state["loads"].append(a["total_kg"])
            return {"logged": True}
        if name == "log_peak":
            state["peaks"].append(a["kg"])
            return {"logged": True}
        if name == "quote_ferry":
            return {"island": a["island"], "fare": FARES[a["island"]]}
        if name == "book_ferry":
            state["bookings"].append(a["island"])
            return {"booked": a["island"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "weigh_crate": ["crate"],
                "log_load": ["total_kg"],
                "log_peak": ["kg"],
                "quote_ferry": ["island"],
                "book_ferry": ["island"],
            },
        )
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PantryWorld()
    h.registry = h.world.registry()
    return h


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def p_(items: list[str]) -> dict[str, Any]:
    return {"items": items, "items_text": listed(items)}


async def solve_load(p: dict[str, Any], calls: Calls) -> str:
    total = 0.0
    for crate in p["items"]:
        (r,) = await calls([("weigh_crate", {"crate": crate})])
        total += r["kg"]
    await calls([("log_load", {"total_kg": total})])
    return f"Logged a load of {total:g} kg."


async def solve_mean(p: dict[str, Any], calls: Calls) -> str:
    kgs = []
    for crate in p["items"]:
        (r,) = await calls([("weigh_crate", {"crate": crate})])
        kgs.append(r["kg"])
    return f"Average crate: {round(sum(kgs) / len(kgs), 2):g} kg."


async def solve_cheapest(p: dict[str, Any], calls: Calls) -> str:
    fares = {}
    for island in p["items"]:
        (r,) = await calls([("quote_ferry", {"island": island})])
        fares[island] = r["fare"]
    best = min(p["items"], key=lambda i: fares[i])
    await calls([("book_ferry", {"island": best})])
    return f"Booked {best}."


async def solve_peak(p: dict[str, Any], calls: Calls) -> str:
    kgs = []
    for crate in p["items"]:
        (r,) = await calls([("weigh_crate", {"crate": crate})])
        kgs.append(r["kg"])
    await calls([("log_peak", {"kg": max(kgs)})])
    return "Logged."


async def solve_which(p: dict[str, Any], calls: Calls) -> str:
    fares = {}
    for island in p["items"]:
        (r,) = await calls([("quote_ferry", {"island": island})])
        fares[island] = r["fare"]
    best = min(p["items"], key=lambda i: fares[i])
    return f"The cheapest is {best} at {fares[best]} euros."


WHICH = Family("which", "Which ferry is cheapest among {items_text}", solve_which, nothing)
LOAD = Family("load", "Weigh the crates {items_text} and log the load", solve_load, nothing)
MEAN = Family("mean", "What do the crates {items_text} weigh on average", solve_mean, nothing)
CHEAPEST = Family("cheapest", "Book the cheapest ferry to {items_text}", solve_cheapest, nothing)
PEAK = Family("peak", "Log the heaviest of the crates {items_text}", solve_peak, nothing)

# the heaviest and the cheapest are at different places in the runs of each length
LOAD_TRAIN = [["Fig", "Kiwi"], ["Lime", "Pear"], ["Plum", "Date"], ["Yam", "Okra", "Leek"], ["Sage", "Mint", "Corn"]]
LOAD_TRAIN += [["Okra", "Rice", "Lime"]]
FERRY_TRAIN = [["Hvar", "Vis"], ["Brac", "Mljet"], ["Korcula", "Solta"], ["Lastovo", "Pag", "Krk"]]
FERRY_TRAIN += [["Rab", "Cres", "Losinj"], ["Brac", "Rab", "Pag"]]


async def train(h: Harness, fam: Family, lists: list[list[str]]) -> None:
    for items in lists:
        await run_ok(h, fam, p_(items))


def replayed(out: Any) -> list[str]:
    return [c.name.split("__")[-1] for c in out.trace.tool_calls if c.source == "replay"]


# ---------------------------------------------------------------- must replay
async def test_a_total_after_the_loop_replays_for_every_length(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, LOAD, LOAD_TRAIN)
    for items in [["Rice"], ["Corn", "Sage", "Fig", "Mint"], ["Date", "Plum", "Kiwi", "Yam", "Leek"]]:
        out = await h.run(LOAD, p_(items))
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (items, out.decision.reason)
        total = sum(WEIGHTS[c] for c in items)
        assert h.world.state["loads"][-1] == total
        said = str(out.trace.output)
        assert said.startswith("Logged a load of ") and float(said.split()[4]) == total, said


async def test_an_answer_with_the_mean_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, MEAN, LOAD_TRAIN)
    items = ["Corn", "Sage", "Fig", "Mint"]
    out = await h.run(MEAN, p_(items))
    assert out.decision.mode == "follower" and out.llm_calls == 0, out.decision.reason
    assert out.trace.output == f"Average crate: {round(sum(WEIGHTS[c] for c in items) / 4, 2):g} kg."


async def test_the_cheapest_of_the_list_is_booked(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, CHEAPEST, FERRY_TRAIN)
    for items in [["Mljet", "Cres", "Krk", "Hvar"], ["Pag"], ["Losinj", "Solta", "Rab", "Lastovo", "Korcula"]]:
        out = await h.run(CHEAPEST, p_(items))
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (items, out.decision.reason)
        assert h.world.state["bookings"][-1] == min(items, key=lambda i: FARES[i])


async def test_an_answer_that_names_the_cheapest_states_this_runs_pick(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, WHICH, FERRY_TRAIN)
    items = ["Mljet", "Cres", "Krk", "Hvar"]
    out = await h.run(WHICH, p_(items))
    assert out.decision.mode == "follower" and out.llm_calls == 0, out.decision.reason
    assert out.trace.output == "The cheapest is Krk at 22 euros.", out.trace.output
    tie = await h.run(WHICH, p_(["Hvar", "Vis", "Susak"]))  # a tie: no template value, the model answers
    assert tie.llm_calls >= 1 and "Vis" in str(tie.trace.output)


# ---------------------------------------------------------------- must NOT replay
async def test_a_tie_for_the_cheapest_is_the_models_call(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, CHEAPEST, FERRY_TRAIN)
    out = await h.run(CHEAPEST, p_(["Hvar", "Vis", "Susak", "Mljet"]))  # Vis and Susak both cost 25
    assert out.correct and out.llm_calls >= 1
    assert "book_ferry" not in replayed(out), out.trace.events


async def test_a_value_one_item_always_gave_is_no_total(tmp_path: Path) -> None:
    """Every supporting run had its heaviest crate first: "the first crate" explains the peak as well
    as "the heaviest" does, and the loop cannot tell them apart."""
    h = harness(tmp_path)
    first_heaviest = [["Fig", "Kiwi"], ["Pear", "Lime"], ["Yam", "Okra"], ["Rice", "Sage", "Leek"]]
    first_heaviest += [["Corn", "Plum", "Okra"]]
    await train(h, PEAK, first_heaviest)
    out = await h.run(PEAK, p_(["Sage", "Rice", "Okra", "Lime"]))
    assert out.correct and out.decision.mode != "follower", out.decision.reason
    assert "one item" in " ".join(out.decision.reason["loop"]["why_not"])


async def test_a_total_two_hypotheses_explain_differently_is_not_replayed(tmp_path: Path) -> None:
    """The peak was always the floor of the sum too (one crate dominated: 1000 + 0.25 + 0.5): the
    maximum and the rounded sum disagree on a list of like crates, and the model decides."""
    h = harness(tmp_path)
    h.world.weights.update(Big=1000.0, Huge=2000.0, Tiny=0.25, Wee=0.5, Dot=0.125)  # type: ignore[attr-defined]
    train_lists = [["Big", "Tiny"], ["Wee", "Huge"], ["Dot", "Big"], ["Tiny", "Huge", "Dot"], ["Wee", "Dot", "Big"]]
    await train(h, PEAK, train_lists)
    out = await h.run(PEAK, p_(["Fig", "Kiwi", "Pear", "Lime"]))
    assert out.correct and out.llm_calls >= 1
    assert "log_peak" not in replayed(out)
    assert h.world.state["peaks"][-1] == 12.5


async def test_an_item_outside_the_evidence_stops_before_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, LOAD, LOAD_TRAIN)
    h.world.damaged = {"Kiwi"}  # type: ignore[attr-defined]
    out = await h.run(LOAD, p_(["Corn", "Kiwi", "Fig", "Mint"]))  # Kiwi's crate reads "damaged": never seen
    assert out.decision.mode == "follower" and out.correct and out.llm_calls >= 1
    assert "log_load" not in replayed(out)
    assert any(e.get("kind") == "envelope" and "damaged" in str(e.get("reason")) for e in out.trace.events)


async def test_an_empty_list_and_a_failing_item_do_not_replay_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, LOAD, LOAD_TRAIN)
    assert h.engine.select("Weigh the crates and log the load").mode != "follower"
    goal = "Weigh the crates Corn, Rotten, Mint and Sage and log the load"
    decision = h.engine.select(goal)
    assert decision.mode == "follower", decision.reason
    trace = Trace(goal=goal, mode=decision.mode, requested_mode="auto", plan_id=decision.plan_id)
    out = await replay(h.ctx(trace), decision, retries=0)
    assert not out.success  # the replay stops at the failing crate: the model would take over
    names = [c.name.split("__")[-1] for c in trace.tool_calls]
    assert "log_load" not in names and names.count("weigh_crate") == 2, names
    assert h.world.state["loads"] == [sum(WEIGHTS[c] for c in items) for items in LOAD_TRAIN]


# ---------------------------------------------------------------- the pieces
def test_aggregates_and_picks_evaluate_with_rule_two() -> None:
    toks = tokenize("Book the cheapest of Hvar , Vis and Brac")
    env = ex.Env(toks, ['{"fare": 40}', '{"fare": 25}', '{"fare": 19}'], [{"fare": 40}, {"fare": 25}, {"fare": 19}])
    assert goal_list(env, 3) == [4, 6, 8]
    found = ex.generate("Brac", env, 3)
    pick = next(c for c in found if c[0] == "pick")
    assert ex.evaluate(pick, env) == "Brac"
    total = ex.generate(84, env, 3)
    assert ("agg", "sum", ("refs", tuple(("res", s, ("fare",)) for s in range(3))), None) in total
    tie = ex.Env(toks, env.texts, [{"fare": 19}, {"fare": 25}, {"fare": 19}])
    try:
        ex.evaluate(pick, tie)
        raise AssertionError("a tie has no cheapest")
    except ex.Unavailable:
        pass
    dominated = ex.Env(toks, ["{}"] * 3, [{"kg": 1000.0}, {"kg": 0.25}, {"kg": 0.5}])
    both = [c for c in ex.generate(1000.0, dominated, 3) if c[0] == "agg"]
    assert {c[1] for c in both} >= {"max", "sum"}  # the maximum, and the sum rounded down
    like = ex.Env(toks, ["{}"] * 3, [{"kg": 12.5}, {"kg": 7.25}, {"kg": 9.0}])
    try:
        ex.evaluate_all(both, like)
        raise AssertionError("the maximum and the rounded sum disagree on like crates")
    except ex.Disagree:
        pass
    rows = [{"fare": 40, "id": "F-1"}, {"fare": 25, "id": "F-2"}, {"fare": 31, "id": "F-3"}]
    by_id = ex.Env(toks, ["{}"] * 3, rows)
    field = ("pick", "min", ("refs", tuple(("res", s, ("fare",)) for s in range(3))))
    assert (*field, ("refs", tuple(("res", s, ("id",)) for s in range(3)))) in ex.generate("F-2", by_id, 3)
    words = ex.Env(tokenize("Compare 12 and seven"), ["{}"] * 2, rows[:2])
    assert goal_list(words, 2) is None  # items that do not look alike are no list
    assert not [c for c in ex.generate(65, words, 2) if c[0] == "agg"]  # so two calls are not summed
    lines = {"lines": [{"qty": 2}, {"qty": 5}, {"qty": 4}]}
    one = ex.Env(tokenize("Count pick list 7"), ['{"lines": []}'], [lines])
    agg = ("agg", "sum", ("all", ("res", 0, ("lines", "*", "qty"))), None)
    assert agg in ex.generate(11, one, 1) and ex.evaluate(agg, one) == 11
    empty = ex.Env(one.tokens, one.texts, [{"lines": []}])
    try:
        ex.evaluate(agg, empty)
        raise AssertionError("an empty list has no total")
    except ex.Unavailable:
        pass
