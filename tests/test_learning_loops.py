"""Lists of varying length are ONE plan (issue 9, `llmos/learning/loops/`): a segment of calls repeated
once per list item, in order, learned only from plans of at least two different list lengths; and the
probes that must NOT replay (a qualifier, an anchor word as an item, a segment that differs per item,
one length only, items that feed different tools, a list that does not parse)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import loops
from llmos.learning.goals import tokenize
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

TRAIN_2 = [["Paris", "Oslo"], ["Madrid", "Cairo"], ["Lima", "Tokyo"]]
TRAIN_3 = [["Berlin", "Dublin", "Quito"], ["Accra", "Rabat", "Lusaka"], ["Sofia", "Riga", "Doha"]]


class ShipWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(shipped=[], batches=[], held=[], labels=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "open_batch":
            state["batches"].append("open")
            return {"batch": "B-7", "carrier": "Posta"}
        if name == "quote_parcel":
            return {"city": a["city"], "price": 5 + len(a["city"]), "zone": "ASIA" if a["city"] == "Lhasa" else "EU"}
        if name == "ship_parcel":
            state["shipped"].append([a["city"], a["price"], a["batch"]])
            return {"shipped": True, "city": a["city"]}
        if name == "close_batch":
            state["batches"].append(f"closed {a['batch']}")
            return {"closed": True}
        if name == "hold_parcel":
            state["held"].append(a["city"])
            return {"held": True}
        if name == "print_label":
            state["labels"].append(a["city"])
            return {"printed": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "open_batch": [],
                "quote_parcel": ["city"],
                "ship_parcel": ["city", "price", "batch"],
                "close_batch": ["batch"],
                "hold_parcel": ["city"],
                "print_label": ["city"],
            },
        )
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = ShipWorld()
    h.registry = h.world.registry()
    return h


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def ship(items: list[str], text: str | None = None) -> dict[str, Any]:
    return {"items": items, "items_text": listed(items) if text is None else text}


async def solve_ship(p: dict[str, Any], calls: Calls) -> str:
    (b,) = await calls([("open_batch", {})])
    for city in p["items"]:
        (q,) = await calls([("quote_parcel", {"city": city})])
        await calls([("ship_parcel", {"city": city, "price": q["price"], "batch": b["batch"]})])
    await calls([("close_batch", {"batch": b["batch"]})])
    return f"Shipped to {listed(p['items'])} in batch {b['batch']}."


async def solve_ship_first_held(p: dict[str, Any], calls: Calls) -> str:
    """A segment that differs per item: the first parcel is held, the others shipped."""
    (b,) = await calls([("open_batch", {})])
    for n, city in enumerate(p["items"]):
        (q,) = await calls([("quote_parcel", {"city": city})])
        if n == 0:
            await calls([("hold_parcel", {"city": city})])
        else:
            await calls([("ship_parcel", {"city": city, "price": q["price"], "batch": b["batch"]})])
    await calls([("close_batch", {"batch": b["batch"]})])
    return "Done."


async def solve_label_then_ship(p: dict[str, Any], calls: Calls) -> str:
    """Items that feed different tools: the first item is a label, the rest are shipped."""
    (b,) = await calls([("open_batch", {})])
    await calls([("print_label", {"city": p["items"][0]})])
    for city in p["items"][1:]:
        (q,) = await calls([("quote_parcel", {"city": city})])
        await calls([("ship_parcel", {"city": city, "price": q["price"], "batch": b["batch"]})])
    await calls([("close_batch", {"batch": b["batch"]})])
    return "Done."


async def solve_ship_at_once(p: dict[str, Any], calls: Calls) -> str:
    """Every item at once: all quotes in one turn, then all shipments in one turn."""
    (b,) = await calls([("open_batch", {})])
    quotes = await calls([("quote_parcel", {"city": c}) for c in p["items"]])
    await calls(
        [
            ("ship_parcel", {"city": c, "price": q["price"], "batch": b["batch"]})
            for c, q in zip(p["items"], quotes, strict=True)
        ]
    )
    await calls([("close_batch", {"batch": b["batch"]})])
    return f"Shipped to {listed(p['items'])} in batch {b['batch']}."


AT_ONCE = Family("at_once", "Send the parcels to {items_text}", solve_ship_at_once, nothing)


async def solve_post(p: dict[str, Any], calls: Calls) -> str:
    await solve_ship(p, calls)
    return f"Posted {len(p['items'])} parcels."


async def solve_numbered(p: dict[str, Any], calls: Calls) -> str:
    """Each item's label carries its place in the list: the segment differs per item."""
    for n, city in enumerate(p["items"]):
        await calls([("print_label", {"city": f"{n + 1}. {city}"})])
    return "Labelled."


async def solve_confirm_last(p: dict[str, Any], calls: Calls) -> str:
    """A step after the list reads the last item: not a per-item segment."""
    for city in p["items"]:
        await calls([("hold_parcel", {"city": city})])
    await calls([("print_label", {"city": p["items"][-1]})])
    return "Held."


async def solve_posted_at(p: dict[str, Any], calls: Calls) -> str:
    await solve_ship(p, calls)
    return f"Posted at {len(p['items']) + 11} o'clock."


POSTED_AT = Family("posted_at", "Post the parcels to {items_text}", solve_posted_at, nothing)
NUMBERED = Family("numbered", "Number the labels for {items_text}", solve_numbered, nothing)
CONFIRM = Family("confirm", "Hold the parcels for {items_text}", solve_confirm_last, nothing)
POST = Family("post", "Post the parcels to {items_text}", solve_post, nothing)
SHIP = Family("ship", "Ship the parcels to {items_text}", solve_ship, nothing)
HELD = Family("held", "Ship the parcels to {items_text}", solve_ship_first_held, nothing)
LABEL = Family("label", "Label and ship to {items_text}", solve_label_then_ship, nothing)


async def train(h: Harness, fam: Family = SHIP, lists: list[list[str]] | None = None) -> None:
    for items in lists if lists is not None else [*TRAIN_2, *TRAIN_3]:
        await run_ok(h, fam, ship(items))


def shipped(h: Harness, n: int) -> list[list[Any]]:
    return h.world.state["shipped"][-n:]


# ---------------------------------------------------------------- one plan for every length
async def test_lengths_one_to_six_replay_after_training_on_two_and_three(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h)
    for items in [
        ["Rome"],
        ["Kyiv", "Bern"],
        ["Rome", "Oslo", "Lima"],
        ["Nice", "Pau", "Metz", "Caen"],
        ["Turin", "Graz", "Bonn", "Lyon", "Gent"],
        ["Agra", "Baku", "Cork", "Faro", "Kiel", "Linz"],
    ]:
        out = await h.run(SHIP, ship(items))
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (items, out.decision.reason)
        assert shipped(h, len(items)) == [[c, 5 + len(c), "B-7"] for c in items]  # in order, each item bound
        names = [c.name.split("__")[-1] for c in out.trace.tool_calls]
        assert names == ["open_batch", *["quote_parcel", "ship_parcel"] * len(items), "close_batch"]
        assert h.world.state["batches"][-1] == "closed B-7"
        if len(items) in (2, 3):  # the plan of that very length replays; the loop covers every other length
            assert out.decision.plan_id is not None and not out.decision.plan_id.startswith("loop:")
            continue
        loop = out.decision.reason["loop"]
        assert loop["items"] == items and loop["lengths_seen"] == [2, 3] and loop["segment"][0].endswith("quote_parcel")
        assert [b["item"] for b in loop["bound"]] == items
        # rule 5: a part per item, repeated per item, with this run's values (never an earlier run's)
        assert out.trace.output == f"Shipped to {listed(items)} in batch B-7.", out.trace.output


async def test_items_called_side_by_side_replay_side_by_side(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, AT_ONCE)
    for items in [["Nice", "Pau", "Metz", "Caen"], ["Rome"], ["Agra", "Baku", "Cork", "Faro", "Kiel", "Linz"]]:
        out = await h.run(AT_ONCE, ship(items))
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (items, out.decision.reason)
        assert sorted(map(tuple, shipped(h, len(items)))) == sorted((c, 5 + len(c), "B-7") for c in items)
        turns = [c.turn for c in out.trace.tool_calls]
        assert len(set(turns)) == 4, turns  # open, every quote at once, every shipment at once, close


async def test_rule_one_stops_an_iteration_before_its_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h)
    out = await h.run(SHIP, ship(["Nice", "Lhasa", "Metz", "Caen"]))  # Lhasa's quote reads a zone never seen
    assert out.decision.mode == "follower" and out.correct
    stop = next(e for e in out.trace.events if e.get("kind") == "envelope")
    assert "zone" in stop["reason"] and "ASIA" in stop["reason"], stop
    replayed = [(c.name.split("__")[-1], c.arguments.get("city")) for c in out.trace.tool_calls if c.source == "replay"]
    assert replayed == [
        ("open_batch", None),
        ("quote_parcel", "Nice"),
        ("ship_parcel", "Nice"),
        ("quote_parcel", "Lhasa"),
    ]
    assert shipped(h, 4) == [[c, 5 + len(c), "B-7"] for c in ["Nice", "Lhasa", "Metz", "Caen"]]  # the model finished


async def test_an_answer_with_a_count_of_the_items_states_this_runs_count(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, POST)  # "Posted 3 parcels.": the count of the items (`_explain_agg`: a count of the quotes)
    out = await h.run(POST, ship(["Nice", "Pau", "Metz", "Caen"]))
    assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0
    assert out.trace.output == "Posted 4 parcels."  # this run's count, never an earlier run's


async def test_an_answer_with_a_figure_no_value_explains_is_the_models(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, POSTED_AT)  # "... at 3 o'clock": a figure the model worked out, stated by no value of the run
    out = await h.run(POSTED_AT, ship(["Nice", "Pau", "Metz", "Caen"]))
    assert out.decision.mode == "follower" and out.correct and out.llm_calls == 1
    assert next(e["reason"] for e in out.trace.events if e.get("kind") == "fallback").startswith("outside the evidence")


async def test_training_on_one_length_only_never_replays_another(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, lists=[*TRAIN_3, ["Vaduz", "Minsk", "Tunis"]])
    for items in [["Kyiv", "Bern"], ["Nice", "Pau", "Metz", "Caen"], ["Rome"]]:
        out = await h.run(SHIP, ship(items))
        assert out.decision.mode != "follower" and out.correct, items
        if len(items) != 3:
            assert "one length" in " ".join(out.decision.reason["loop"]["why_not"]), out.decision.reason


# ---------------------------------------------------------------- must not replay
async def test_items_with_qualifiers_anchors_repeats_or_bad_lists_do_not_replay(tmp_path: Path) -> None:
    bad = [
        "Rome except Sundays, Oslo, Bern and Lima",  # a qualifier
        "Rome, Oslo, Bern and Lima except Sundays",  # a qualifier after the list
        "Rome, parcels, Bern and Lima",  # an anchor word as an item
        "Rome, Oslo and Bern and Lima",  # "and" inside the list
        "Rome, Oslo, Bern, Lima",  # no final "and"
        "Rome, (Oslo, Bern and Lima)",  # a nested list
        "Rome, Rome, Oslo and Lima",  # a repeat
        "",  # an empty list
        "New York, Oslo, Bern and Lima",  # an item of two words
        "Rome, oslo, Bern and Lima",  # an item of a shape never seen
        "Rome only",  # a qualifier on one item
        "to",  # an anchor as the only item
    ]
    for n, text in enumerate(bad):
        (tmp_path / str(n)).mkdir()
        h = harness(tmp_path / str(n))
        await train(h)
        assert h.engine.select("Ship the parcels to Rome, Oslo, Bern and Lima").mode == "follower"  # the control
        goal = f"Ship the parcels to {text}".strip()
        d = h.engine.select(goal)
        assert d.mode != "follower", (text, d.reason)


async def test_a_segment_that_differs_per_item_is_no_loop(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, HELD)
    for items in [["Kyiv", "Bern", "Nice", "Metz"], ["Rome"]]:
        out = await h.run(HELD, ship(items))
        assert out.decision.mode != "follower" and out.correct, items
    why = h.engine.select("Ship the parcels to Kyiv, Bern, Nice and Metz").reason["loop"]["why_not"]
    assert "called" in " ".join(why), why


async def test_items_that_feed_different_tools_are_no_loop(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, LABEL)
    for items in [["Kyiv", "Bern", "Nice", "Metz"], ["Rome", "Oslo"]]:
        out = await h.run(LABEL, ship(items))
        assert out.correct
        if len(items) == 4:
            assert out.decision.mode != "follower", out.decision.reason


async def test_arguments_that_depend_on_the_place_or_on_another_item_are_no_loop(tmp_path: Path) -> None:
    for n, (fam, phrase) in enumerate([(NUMBERED, "Number the labels for"), (CONFIRM, "Hold the parcels for")]):
        (tmp_path / str(n)).mkdir()
        h = harness(tmp_path / str(n))
        await train(h, fam)
        out = await h.run(fam, ship(["Kyiv", "Bern", "Nice", "Metz"]))
        assert out.decision.mode != "follower" and out.correct, (phrase, out.decision.reason)
        why = " ".join(out.decision.reason["loop"]["why_not"])
        assert "explain" in why or "one item" in why, why


async def test_a_branch_at_some_length_stops_the_loop(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await train(h, lists=TRAIN_2)
    await run_ok(h, HELD, ship(["Kyiv", "Bern", "Nice", "Metz"]))  # four items once took another path
    await train(h, lists=TRAIN_3)
    out = await h.run(SHIP, ship(["Agra", "Baku", "Cork", "Faro", "Kiel"]))
    assert out.decision.mode != "follower" and out.correct
    assert any("branch" in w for w in out.decision.reason["loop"]["why_not"]), out.decision.reason["loop"]


# ---------------------------------------------------------------- the pieces
def test_live_lists_parse_one_way_only() -> None:
    toks = tokenize("Rome , Oslo and Lima")
    assert loops.parse(toks, (",",), ("and",)) == [0, 2, 4]
    assert loops.parse(tokenize("Rome"), (",",), ("and",)) == [0]
    assert loops.parse(tokenize("Rome and Oslo"), None, ("and",)) == [0, 2]
    assert loops.parse(tokenize("Rome, Oslo and Lima"), None, ("and",)) is None  # never saw three
    assert loops.parse(tokenize("Rome and Oslo and Lima"), (",",), ("and",)) is None
    assert loops.parse(tokenize("Rome, Oslo, and Lima"), (",",), (",", "and")) == [0, 2, 5]
    assert loops.parse(tokenize("and"), (",",), ("and",)) is None
    assert loops.contributors("loop:plan_a+plan_b") == ["plan_a", "plan_b"] and loops.contributors("plan_a") == []


# ---------------------------------------------------------------- the runtime, --explain and feedback
PARCEL_PRICES: dict[str, int] = {}


def ship_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "Ship the parcels to" in m.text)
    text = re.findall(r"Ship the parcels to ([^\n]+)", goal)[-1].strip()
    items = re.split(r", | and ", text)
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    k = len(results)
    if k < 2 * len(items):
        city = items[k // 2]
        if k % 2 == 0:
            return ToolCall("", "quote_parcel", {"city": city})
        return ToolCall("", "ship_parcel", {"city": city, "price": json.loads(results[-1].content)["price"]})
    return f"Shipped to {text}."


@tool
def quote_parcel(city: str) -> dict[str, Any]:
    """The price of sending a parcel to a city."""
    return {"city": city, "price": 5 + len(city)}


@tool
def ship_parcel(city: str, price: int) -> dict[str, Any]:
    """Send a parcel to a city at the quoted price."""
    PARCEL_SHIPPED.append([city, price])
    return {"shipped": True, "city": city}


PARCEL_SHIPPED: list[list[Any]] = []


async def test_the_runtime_replays_a_loop_explains_it_and_feedback_demotes_its_plans(tmp_path: Path) -> None:
    PARCEL_SHIPPED.clear()
    model = TestModel(script=ship_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[quote_parcel, ship_parcel]) as os:
        for items in [*TRAIN_2, *TRAIN_3]:
            assert (await os.execute(f"Ship the parcels to {listed(items)}")).success
        goal = "Ship the parcels to Nice, Pau, Metz and Caen"
        out = await os.execute(goal)
        assert out.success and out.mode == "follower" and out.llm_calls == 0, out.to_dict(explain=True)
        assert PARCEL_SHIPPED[-4:] == [["Nice", 9], ["Pau", 8], ["Metz", 9], ["Caen", 9]]
        loop = out.to_dict(explain=True)["mode_reason"]["loop"]
        assert loop["items"] == ["Nice", "Pau", "Metz", "Caen"] and loop["segment"] == ["quote_parcel", "ship_parcel"]
        assert [b["slot"] for b in loop["bound"]] == ["city_1", "city_2", "city_3", "city_4"]
        assert all(c in out.output for c in ["Nice", "Pau", "Metz", "Caen"])
        plans = [p for p in os.learning.plans() if len(p.steps) in (4, 6)]
        before = {p.id: p.uses for p in plans}
        assert all(p.id in out.mode_reason["plan"]["id"] for p in plans)
        await os.feedback(out.run_id, False)  # rule 6: the plans the loop came from are demoted at once
        assert all(os.learning.plan(p.id).demoted for p in plans), before
        again = await os.execute("Ship the parcels to Agra, Baku, Cork and Faro")
        assert again.mode != "follower" and again.success
        assert any("demoted" in w for w in again.mode_reason["loop"]["why_not"]), again.mode_reason["loop"]
