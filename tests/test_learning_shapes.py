"""Goal shapes replay learns safely (issue 9, "be less timid where the rules make it safe"), on the world
harness: a value of several words of varying length (one plan, `learning/spans.py`), a possessive, a
`3-qubit` compound, a goal word no argument uses, a write whose acknowledgement feeds nothing; and the
probes that must NOT replay (an anchor word inside a value, two values, a half match, two adjacent
variable slots, an empty list). Lists of varying length are one plan once two lengths were seen
(`learning/loops/`, tests/test_learning_loops.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import spans
from llmos.learning.goals import phrase_fits, tokenize
from llmos.learning.plans import Plan


class ShapeWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(
            cart=[],
            log=[],
            archived=[],
            records=[],
            greeted=[],
            circuits=[],
            balances={"Bruno": 12, "Alice": 40, "Chen": 7, "Dana": 99, "Elif": 3},
        )

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "city_weather":
            return {"city": a["city"], "celsius": round(len(a["city"]) * 1.5, 1)}
        if name == "log_temp":
            state["log"].append([a["city"], a["celsius"]])
            return {"ok": True}
        if name == "add_to_cart":
            state["cart"].append(a["item"])
            return {"ok": True}
        if name == "get_balance":
            return {"person": a["person"], "balance": state["balances"][a["person"]]}
        if name == "build_circuit":
            state["circuits"].append([a["kind"], a["qubits"]])
            return {"ok": True}
        if name == "archive":
            state["archived"].append(a["doc"])
            return {"archived": True, "ticket": f"ARC-{1000 + len(state['archived'])}"}
        if name == "notify_records":
            state["records"].append(a["doc"])
            return {"ok": True}
        if name == "greet":
            state["greeted"].append([a["first"], a["last"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "city_weather": ["city"],
                "log_temp": ["city", "celsius"],
                "add_to_cart": ["item"],
                "get_balance": ["person"],
                "build_circuit": ["kind", "qubits"],
                "archive": ["doc"],
                "notify_records": ["doc"],
                "greet": ["first", "last"],
            },
        )
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = ShapeWorld()
    h.registry = h.world.registry()
    return h


async def solve_log(p: dict[str, Any], calls: Calls) -> str:
    (w,) = await calls([("city_weather", {"city": p["city"]})])
    await calls([("log_temp", {"city": p["city"], "celsius": w["celsius"]})])
    return f"Logged {w['celsius']} C for {p['city']}."


async def solve_log_slug(p: dict[str, Any], calls: Calls) -> str:
    """Another path for the same wording: the city as a slug, and no log."""
    (w,) = await calls([("city_weather", {"city": p["city"].lower().replace(" ", "-")})])
    return f"{w['celsius']} C."


async def solve_cart(p: dict[str, Any], calls: Calls) -> str:
    for item in p["items"]:
        await calls([("add_to_cart", {"item": item})])
    return f"Added {len(p['items'])} items."


async def solve_balance(p: dict[str, Any], calls: Calls) -> str:
    (b,) = await calls([("get_balance", {"person": p["person"]})])
    return f"{b['person']} has {b['balance']}."


async def solve_circuit(p: dict[str, Any], calls: Calls) -> str:
    await calls([("build_circuit", {"kind": p["kind"], "qubits": p["n"]})])
    return "Built."


async def solve_archive(p: dict[str, Any], calls: Calls) -> str:
    await calls([("archive", {"doc": p["doc"]})])
    await calls([("notify_records", {"doc": p["doc"]})])
    return f"Archived {p['doc']}."


async def solve_greet(p: dict[str, Any], calls: Calls) -> str:
    await calls([("greet", {"first": p["first"], "last": p["last"]})])
    return "Greeted."


LOG = Family("log", "Log the weather in {city}", solve_log, nothing)
SLUG = Family("slug", "Log the weather in {city}", solve_log_slug, nothing)
BALANCE = Family("balance", "Show {person}'s balance", solve_balance, nothing)
CIRCUIT = Family("circuit", "Build a {n}-qubit {kind} circuit", solve_circuit, nothing)
TRIP = Family("trip", "Log the weather in {city} for my {why}", solve_log, nothing)
ARCHIVE = Family("archive", "Archive document {doc} and tell the records office", solve_archive, nothing)
GREET = Family("greet", "Greet {first} {last} warmly", solve_greet, nothing)
CART = Family("cart", "Add {items_text} to the cart", solve_cart, nothing)


def cart(items: list[str]) -> dict[str, Any]:
    text = ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)
    return {"items": items, "items_text": text}


async def learn_cities(h: Harness, cities: list[str]) -> list[str]:
    return [await run_ok(h, LOG, {"city": c}) for c in cities]


# ---------------------------------------------------------------- several words: one plan
async def test_values_of_several_words_and_varying_length_share_one_plan(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await learn_cities(h, ["New York", "Paris", "Rio de Janeiro", "Tokyo"])
    assert len(h.engine.index.plans) == 1
    (plan,) = h.engine.index.plans.values()
    assert plan.skeleton_text() == "Log the weather in {city}" and plan.support == 3  # + one replay
    for city in ["Los Angeles", "Oslo", "Sao Paulo"]:
        out = await h.run(LOG, {"city": city})
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (city, out.decision.reason)
        calls = [c.arguments for c in out.trace.tool_calls]
        assert calls == [{"city": city}, {"city": city, "celsius": len(city) * 1.5}]
        assert h.world.state["log"][-1] == [city, round(len(city) * 1.5, 1)]
        assert city in out.trace.output
    out = await h.run(LOG, {"city": "Buenos Aires"})
    assert out.decision.reason["spans"] == [
        {
            "slot": "city",
            "value": "Buenos Aires",
            "words": 2,
            "anchors": ["in", "(end)"],
            "rule": "variable-length slot between fixed anchors, consumed whole",
        }
    ]


async def test_several_words_replay_only_once_the_evidence_showed_several(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await learn_cities(h, ["Paris", "Tokyo", "Oslo", "Lima"])
    out = await h.run(LOG, {"city": "New York"})  # never seen: the model; the run is evidence
    assert out.decision.mode != "follower" and out.correct
    out = await h.run(LOG, {"city": "Los Angeles"})
    assert out.decision.mode == "follower" and out.correct and h.world.state["log"][-1][0] == "Los Angeles"


async def test_several_words_that_are_not_a_name_do_not_replay(tmp_path: Path) -> None:
    for n, city in enumerate(
        [
            "Stratford in Avon",  # the anchor word "in" inside the value
            "New York and Boston",  # two values where the plan has one
            "Paris today",  # a half match: a word no value of the slot ever had
            "Salt Lake City Utah x",  # a lower-case word never seen in a value
            "Bay of Plenty",  # a stopword never seen inside a value
        ]
    ):
        (tmp_path / str(n)).mkdir()
        h = harness(tmp_path / str(n))  # each probe on its own: a model's run would be evidence
        await learn_cities(h, ["New York", "Paris", "Rio de Janeiro", "Tokyo"])
        out = await h.run(LOG, {"city": city})
        assert out.decision.mode != "follower" and out.correct, city
    # the lower-case word of a value seen is fine
    out = await h.run(LOG, {"city": "Sao Paulo de Olivenca"})
    assert out.decision.mode == "follower" and out.correct


async def test_two_adjacent_variable_slots_never_take_several_words(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for first, last in [("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper"), ("Edsger", "Dijkstra")]:
        await run_ok(h, GREET, {"first": first, "last": last})
    assert await run_ok(h, GREET, {"first": "Barbara", "last": "Liskov"}) == "follower"
    out = await h.run(GREET, {"first": "Mary Ann", "last": "Evans"})  # which name takes "Ann"? a guess
    assert out.decision.mode != "follower" and out.correct


async def test_another_path_for_a_longer_value_marks_the_plan_as_branching(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await learn_cities(h, ["New York", "Paris", "Tokyo", "Oslo"])
    await run_ok(h, SLUG, {"city": "Rio de Janeiro"})  # not taken verbatim: a goal of five tokens
    (plan,) = [p for p in h.engine.index.plans.values() if len(p.steps) == 2]
    assert plan.branching  # found although the goal is two tokens longer than the skeleton
    out = await h.run(LOG, {"city": "Los Angeles"})
    assert out.decision.mode != "follower" and out.correct


# ---------------------------------------------------------------- shapes that already replayed
async def test_possessive_compound_unused_word_and_unread_acknowledgement_replay(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for person in ["Bruno", "Alice", "Chen"]:
        await run_ok(h, BALANCE, {"person": person})
    out = await h.run(BALANCE, {"person": "Dana"})
    assert out.decision.mode == "follower" and out.trace.tool_calls[0].arguments == {"person": "Dana"}
    assert "99" in out.trace.output

    for n, kind in [(3, "GHZ"), (5, "QFT"), (2, "Bell"), (4, "GHZ")]:
        await run_ok(h, CIRCUIT, {"n": n, "kind": kind})
    out = await h.run(CIRCUIT, {"n": 6, "kind": "QFT"})
    assert out.decision.mode == "follower" and out.correct and h.world.state["circuits"][-1] == ["QFT", 6]

    for city, why in [("Paris", "trip"), ("Tokyo", "holiday"), ("Oslo", "visit"), ("Lima", "trip")]:
        await run_ok(h, TRIP, {"city": city, "why": why})
    out = await h.run(TRIP, {"city": "Cairo", "why": "holiday"})
    assert out.decision.mode == "follower" and out.correct

    for doc in ["DOC-101", "DOC-202", "DOC-303", "DOC-404"]:
        await run_ok(h, ARCHIVE, {"doc": doc})
    out = await h.run(ARCHIVE, {"doc": "DOC-505"})
    assert out.decision.mode == "follower" and out.correct and h.world.state["records"][-1] == "DOC-505"


# ---------------------------------------------------------------- lists: one plan whatever their length
async def test_lists_of_another_length_replay_once_two_lengths_were_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for items in [["milk", "eggs"], ["tea", "jam"], ["rice", "beans"], ["oil", "flour"]]:
        await run_ok(h, CART, cart(items))
    assert await run_ok(h, CART, cart(["salt", "corn"])) == "follower"
    for items in [["salt", "corn", "peas"], ["milk"], []]:  # one length seen: no loop yet
        out = await h.run(CART, cart(items))
        assert out.decision.mode != "follower" and out.correct, items
    for items in [["kale", "figs", "nuts"], ["rye", "oats", "plums"]]:  # a second length: the loop
        await run_ok(h, CART, cart(items))
    for items in [["pears", "limes", "dates", "leeks"], ["bread"], ["honey", "mint"]]:
        out = await h.run(CART, cart(items))
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (items, out.decision.reason)
        assert h.world.state["cart"][-len(items) :] == items
    out = await h.run(CART, cart([]))  # an empty list never replays
    assert out.decision.mode != "follower" and out.correct


# ---------------------------------------------------------------- the pieces
def _plan(h: Harness) -> Plan:
    (plan,) = h.engine.index.plans.values()
    return plan


def test_collapse_joins_only_runs_taken_verbatim() -> None:
    toks = spans.collapse(tokenize("Log the weather in New York now"), [{"city": "New York"}])
    assert [t.text for t in toks] == ["Log", "the", "weather", "in", "New York", "now"]
    toks = spans.collapse(tokenize("Log the weather in New York"), [{"city": "new york"}])
    assert len(toks) == 6  # not verbatim: the words stay apart
    toks = spans.collapse(tokenize("Send tea, jam to Ada"), [{"items": ["tea, jam"]}])
    assert len(toks) == 6  # punctuation never joins


def test_phrase_fits_is_word_by_word() -> None:
    assert phrase_fits(["Aa", "Aa Aa"], ["Paris", "New York"], "Los Angeles")
    assert not phrase_fits(["Aa", "Aa Aa"], ["Paris", "New York"], "Rio de Janeiro")  # "de" never seen
    assert phrase_fits(["Aa", "Aa a Aa"], ["Paris", "Rio de Janeiro"], "Porto de Galinhas")
    assert not phrase_fits(["Aa"], ["Paris", "Oslo"], "Paris and Oslo")
    assert not phrase_fits(["a"], ["milk", "eggs"], "milk eggs")  # only single words seen: names only
    assert not phrase_fits(["Aa", "Aa Aa"], ["Paris", "New York"], "New YORK")  # a shape never seen


async def test_alignment_is_unique_or_nothing(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await learn_cities(h, ["New York", "Paris", "Tokyo"])
    plan = _plan(h)
    assert spans.span_slots(plan) == {4}
    aligned = spans.align(plan, tokenize("Log the weather in Sao Paulo"))
    assert aligned is not None and aligned[4].text == "Sao Paulo"
    assert spans.align(plan, tokenize("Log the weather at Sao Paulo")) is None  # an anchor differs
    assert spans.align(plan, tokenize("Log the weather in")) is None  # an empty value


async def test_a_crystallized_plan_takes_a_value_of_several_words(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from llmos.evolution import crystallize as cz
    from llmos.evolution.dispatch import run_crystallized
    from llmos.evolution.generated import build_tool
    from llmos.trace import Trace

    h = harness(tmp_path)
    await learn_cities(h, ["New York", "Paris", "Rio de Janeiro"])
    plan = _plan(h)
    code = cz.generate(plan, cz.tool_name_for(plan))
    path = tmp_path / f"{code.name}.py"
    path.write_text(code.source)
    tool = build_tool(code.source, path)
    h.registry.register(tool, replace=True)
    goal = "Log the weather in Buenos Aires"
    trace = Trace(goal=goal, mode="crystallized")
    out = await run_crystallized(h.ctx(trace), SimpleNamespace(goal=goal, plan=plan, plan_id=plan.id), tool)
    assert out.success, out.diverged
    assert h.world.state["log"][-1] == ["Buenos Aires", 18.0]
    goal = "Log the weather in Buenos Aires and Lima"  # not a value of this slot: the module refuses it
    trace = Trace(goal=goal, mode="crystallized")
    out = await run_crystallized(h.ctx(trace), SimpleNamespace(goal=goal, plan=plan, plan_id=plan.id), tool)
    assert not out.success and h.world.state["log"][-1] == ["Buenos Aires", 18.0]
