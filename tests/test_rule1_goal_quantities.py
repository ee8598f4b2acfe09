"""Rule 1 for a goal number a write takes: an amount past the range the supporting runs showed goes to the model.

An infusion pump set at 63..148 ml/h in every supporting run: "run it at 264 ml/h" asks for a rate no run
set, and a ward limit (180 ml/h) that no tool result shows and no goal states refuses it. The replay
stops before any call. Inside the range it replays. A number that names a thing (a room a read looks
up, an order under an identifier's key, a label the write takes as text) is no amount: a new one
replays. A pure function (a calculator) changes nothing: an amount it alone takes is no write's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import envelope
from llmos.learning.goals import tokenize_goal
from llmos.learning.risk import registry_risk, tool_risk
from llmos.tools.base import tool

WARD_LIMIT = 180  # ml/h: the model refuses past it; no tool result shows it


class WardWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(pumps={}, rooms={}, orders={}, labels=[], quotes=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "pump":
            return {"pump": a["pump"], "drug": "saline", "ml_h": state["pumps"][a["pump"]]}
        if name == "pump_rate":
            state["pumps"][a["pump"]] = a["ml_h"]
            return {"ok": True, "pump": a["pump"], "ml_h": a["ml_h"]}
        if name == "room":
            return {"room": a["room"], "wing": "east", "occupied": a["room"] in state["rooms"]}
        if name == "set_room":
            state["rooms"][a["room"]] = a["celsius"]
            return {"ok": True, "room": a["room"], "celsius": a["celsius"]}
        if name == "refund":
            state["orders"][a["order_id"]] = "refunded"
            return {"ok": True, "order_id": a["order_id"]}
        if name == "print_label":
            state["labels"].append(a["label"])
            return {"printed": a["label"]}
        if name == "quote":
            return {"eur_per_crate": 12.5, "in_stock": True}
        if name == "order_crates":
            state["quotes"].append(a["crates"])
            return {"ordered": a["crates"]}
        if name == "add":
            return {"sum": a["a"] + a["b"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "pump": ["pump"],
                "pump_rate": ["pump", "ml_h"],
                "room": ["room"],
                "set_room": ["room", "celsius"],
                "refund": ["order_id"],
                "print_label": ["label"],
                "quote": ["crates"],
                "order_crates": ["crates"],
                "add": ["a", "b"],
            },
        )
        for name in ("pump", "room", "quote"):  # reads: they say so, as an MCP server would
            reg.require(PREFIX + name).metadata["annotations"] = {"readOnlyHint": True}
        reg.require(PREFIX + "pump_rate").metadata["annotations"] = {"destructiveHint": False, "idempotentHint": True}
        return reg


async def solve_pump(p: dict[str, Any], calls: Calls) -> str:
    await calls([("pump", {"pump": p["pump"]})])
    if p["ml"] > WARD_LIMIT:
        return f"Refused: {p['ml']} ml/h is above the ward's limit for pump {p['pump']}."
    await calls([("pump_rate", {"pump": p["pump"], "ml_h": p["ml"]})])
    return f"Infusion pump {p['pump']} runs at {p['ml']} ml/h."


async def solve_room(p: dict[str, Any], calls: Calls) -> str:
    await calls([("room", {"room": p["room"]})])
    await calls([("set_room", {"room": p["room"], "celsius": p["c"]})])
    return f"Room {p['room']} set to {p['c']} C."


async def solve_refund(p: dict[str, Any], calls: Calls) -> str:
    await calls([("refund", {"order_id": p["order"]})])
    return f"Order {p['order']} refunded."


async def solve_label(p: dict[str, Any], calls: Calls) -> str:
    await calls([("print_label", {"label": str(p["label"])})])
    return f"Printed label {p['label']}."


async def solve_crates(p: dict[str, Any], calls: Calls) -> str:
    (q,) = await calls([("quote", {"crates": p["n"]})])
    await calls([("order_crates", {"crates": p["n"]})])
    return f"Ordered {p['n']} crates at {q['eur_per_crate']} EUR each."


async def solve_add(p: dict[str, Any], calls: Calls) -> str:
    (s,) = await calls([("add", {"a": p["a"], "b": p["b"]})])
    return f"{p['a']} + {p['b']} = {s['sum']}"


PUMP = Family("pump", "Run infusion pump {pump} at {ml} ml/h", solve_pump, nothing)
ROOM = Family("room", "Set room {room} to {c} C", solve_room, nothing)
REFUND = Family("refund", "Refund order {order} in full", solve_refund, nothing)
LABEL = Family("label", "Print label {label} for the desk", solve_label, nothing)
CRATES = Family("crates", "Order {n} crates of apples", solve_crates, nothing)
ADD = Family("add", "Add {a} and {b}", solve_add, nothing)


def harness(tmp: Path, pure_add: bool = False) -> Harness:
    h = Harness(tmp)
    h.world = WardWorld()
    h.registry = h.world.registry()
    if pure_add:  # the calculator says it is a pure function (what `@tool(kind="pure")` says)
        h.registry.require(PREFIX + "add").kind = "pure"
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def test_a_rate_past_every_rate_seen_goes_to_the_model_before_any_call(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(pump: str, ml: int) -> dict[str, Any]:
        h.world.state["pumps"][pump] = 0
        return {"pump": pump, "ml": ml}

    for args in [("IP101", 63), ("IP202", 148), ("IP303", 90)]:
        await run_ok(h, PUMP, goal(*args))
    out = await h.run(PUMP, goal("IP404", 120))  # inside 63..148: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    calls_before = len(h.world.calls)
    out = await h.run(PUMP, goal("IP572", 264))  # past every rate seen, and past the ward's limit
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["pumps"]["IP572"] == 0
    fell = [e for e in out.trace.events if e.get("kind") == "fallback"]
    assert "goal number 264 outside the range seen 63..148 taken by a write" in fell[0]["reason"]
    # the replay made no call: the only calls after it are the model's own read
    assert [n for n, _a in h.world.calls[calls_before:]] == ["pump"]
    out = await h.run(PUMP, goal("IP606", 70))  # below the range's top, inside it: replays again
    assert out.correct and out.trace.mode == "follower"


async def test_a_rate_below_every_rate_seen_goes_to_the_model_too(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for pump, ml in [("IP101", 63), ("IP202", 148)]:
        h.world.state["pumps"][pump] = 0
        await run_ok(h, PUMP, {"pump": pump, "ml": ml})
    h.world.state["pumps"]["IP303"] = 0
    out = await h.run(PUMP, {"pump": "IP303", "ml": 5})
    assert out.correct and stopped_outside_evidence(out.trace)


async def test_a_number_that_names_a_thing_a_read_looks_up_replays_past_the_range(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(room: int, c: int) -> dict[str, Any]:
        h.world.state["rooms"][room] = 18
        return {"room": room, "c": c}

    for args in [(101, 19), (214, 23), (118, 21)]:
        await run_ok(h, ROOM, goal(*args))
    out = await h.run(ROOM, goal(412, 20))  # room 412: past every room seen, a name the read looks up
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await h.run(ROOM, goal(131, 26))  # 26 C: past every temperature set: the model
    assert out.correct and stopped_outside_evidence(out.trace)


async def test_an_identifier_key_and_a_text_argument_are_no_amounts(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for order in [5026, 5031, 5019]:
        await run_ok(h, REFUND, {"order": order})
    out = await h.run(REFUND, {"order": 9977})  # under "order_id": an identifier
    assert out.correct and out.trace.mode == "follower"
    for label in [31, 77, 52]:
        await run_ok(h, LABEL, {"label": label})
    out = await h.run(LABEL, {"label": 9100})  # the write takes it as text: a label, no amount
    assert out.correct and out.trace.mode == "follower"


async def test_a_number_with_a_unit_stays_an_amount_whatever_reads_it(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in [12, 40, 25]:
        await run_ok(h, CRATES, {"n": n})
    out = await h.run(CRATES, {"n": 30})
    assert out.correct and out.trace.mode == "follower"
    out = await h.run(CRATES, {"n": 400})  # a read-only quote took it too: still crates, an amount
    assert out.correct and stopped_outside_evidence(out.trace)
    assert 400 not in h.world.state["quotes"][:-1]


async def test_a_pure_tool_is_no_write_and_an_unannotated_one_is(tmp_path: Path) -> None:
    pure = harness(tmp_path / "pure", pure_add=True)
    for a, b in [(2, 3), (7, 4), (5, 9)]:
        await run_ok(pure, ADD, {"a": a, "b": b})
    out = await pure.run(ADD, {"a": 120, "b": 45})  # past every number seen: a pure function replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    said_nothing = harness(tmp_path / "plain")
    for a, b in [(2, 3), (7, 4), (5, 9)]:
        await run_ok(said_nothing, ADD, {"a": a, "b": b})
    out = await said_nothing.run(ADD, {"a": 120, "b": 45})  # no hint is no promise (rule 4): a write
    assert out.correct and stopped_outside_evidence(out.trace)


def test_the_pure_kind_is_read_only_and_a_bare_tool_a_write() -> None:
    @tool(kind="pure")
    def multiply(a: float, b: float) -> dict[str, float]:
        """Multiply a and b."""
        return {"result": a * b}

    @tool
    def save_value(name: str, value: float) -> dict[str, float]:
        """Save a value."""
        return {name: value}

    assert tool_risk(multiply) == "read_only"
    assert tool_risk(save_value) == "write"


async def test_quantities_names_the_write_and_leaves_out_the_names(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for room, c in [(101, 19), (214, 23)]:
        h.world.state["rooms"][room] = 18
        await run_ok(h, ROOM, {"room": room, "c": c})
    (plan,) = [p for p in h.engine.plans() if p.steps[-1].name == PREFIX + "set_room"]
    tokens = tokenize_goal("Set room 300 to 22 C")
    risk_of = lambda name: tool_risk(h.registry.get(name))  # noqa: E731
    got = envelope.quantities(plan, tokens, risk_of)
    assert [(q.pos, q.tool, q.path) for q in got] == [(4, PREFIX + "set_room", ("celsius",))]
    # without a risk lookup every step counts as a write: the room is read by no read, so it is an amount
    assert {q.pos for q in envelope.quantities(plan, tokens, None)} == {2, 4}
