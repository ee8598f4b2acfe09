"""The rules replay follows (issue 9), on the world harness:

1. never extrapolate past the evidence: an unconsumed result value outside what the supporting
   runs saw stops the replay before the next write (a check text, a clearance, noise on evidence);
2. all hypotheses must agree: ceil and round both fit the evidence, a goal where they differ stops;
4. evidence scaled to risk: read-only plans replay sooner, destructive ones later (MCP annotations).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.config import LearningConfig, load_config
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize
from llmos.learning.risk import plan_risk, required_support, tool_risk
from llmos.tools.base import Tool, ToolOutput
from llmos.trace import ToolCallRecord, Trace


class RuleWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(enrolled=[], moves=[], orders=[], clearance={}, requests=0)

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "check_enrolment":
            word = "already" if [a["student"], a["course"]] in state["enrolled"] else "not"
            return f"{a['student']} is {word} enrolled in {a['course']}"
        if name == "enrol":
            state["enrolled"].append([a["student"], a["course"]])
            return {"ok": True}
        if name == "read_clearance":
            state["requests"] += 1
            # an id of no identifier shape (`_value_kinds`: a bare hash would be one, checked by shape)
            rid = "rq-" + hashlib.sha1(str(state["requests"]).encode()).hexdigest()[:8]
            return {"robot": a["robot"], "clearance_mm": state["clearance"].get(a["robot"], 80), "request": rid}
        if name == "move_robot":
            state["moves"].append([a["robot"], a["mm"]])
            return {"moved": True}
        if name == "order_packs":
            state["orders"].append(a["packs"])
            return {"ordered": a["packs"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "check_enrolment": ["student", "course"],
                "enrol": ["student", "course"],
                "read_clearance": ["robot"],
                "move_robot": ["robot", "mm"],
                "order_packs": ["packs"],
            },
        )
        return reg


def harness(tmp: Path, config: LearningConfig | None = None) -> Harness:
    h = Harness(tmp, config)
    h.world = RuleWorld()
    h.registry = h.world.registry()
    return h


async def solve_enrol(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("check_enrolment", {"student": p["student"], "course": p["course"]})])
    if "not enrolled" in str(text):
        await calls([("enrol", {"student": p["student"], "course": p["course"]})])
        return f"Enrolled {p['student']}."
    return f"{p['student']} was already enrolled."


async def solve_move(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("read_clearance", {"robot": p["robot"]})])
    if r["clearance_mm"] >= 50:
        await calls([("move_robot", {"robot": p["robot"], "mm": p["mm"]})])
        return "Moved."
    return "Not enough clearance: not moved."


async def solve_packs(p: dict[str, Any], calls: Calls) -> str:
    (o,) = await calls([("order_packs", {"packs": math.ceil(p["kids"] / p["pack"])})])
    return f"Ordered {o['ordered']} packs."


ENROL = Family("enrol", "Enrol {student} in {course}", solve_enrol, nothing)
MOVE = Family("move", "Move robot {robot} forward {mm} mm", solve_move, nothing)
PACKS = Family("packs", "Order snack packs for {kids} kids with {pack} per pack", solve_packs, nothing)


# ---------------------------------------------------------------- rule 1
async def test_an_unseen_check_text_stops_before_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for student, course in [("Alice", "Chemistry"), ("Bruno", "Physics"), ("Chen", "Art")]:
        await run_ok(h, ENROL, {"student": student, "course": course})
    assert await run_ok(h, ENROL, {"student": "Dana", "course": "Music"}) == "follower"
    h.world.state["enrolled"].append(["Elif", "Biology"])  # "already enrolled": a template never seen
    out = await h.run(ENROL, {"student": "Elif", "course": "Biology"})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert [c.name for c in out.trace.tool_calls] == [PREFIX + "check_enrolment"]  # no enrol call at all
    assert "a text never seen" in str(out.trace.events)


async def test_a_number_outside_the_seen_range_stops_before_the_move(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, (robot, clearance) in enumerate([("R1", 60), ("R2", 85), ("R3", 72)]):
        h.world.state["clearance"][robot] = clearance
        await run_ok(h, MOVE, {"robot": robot, "mm": 10 + n})
    h.world.state["clearance"]["R4"] = 37
    out = await h.run(MOVE, {"robot": "R4", "mm": 11})
    assert out.decision.mode == "follower" and out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["moves"] == [["R1", 10], ["R2", 11], ["R3", 12]]
    assert "outside [60, 85]" in str(out.trace.events)


async def test_a_value_that_differs_in_every_run_becomes_noise_only_on_evidence(tmp_path: Path) -> None:
    h = harness(tmp_path)
    h.world.state["clearance"].update({f"R{i}": 70 for i in range(10)})
    modes = [await run_ok(h, MOVE, {"robot": f"R{i}", "mm": 5 + i % 2}) for i in range(7)]
    assert "follower" in modes
    # the request id is new in every run: a precaution until noise_min_runs (4) runs showed it differ
    out = await h.run(MOVE, {"robot": "R8", "mm": 5})
    assert out.correct and out.trace.mode == "follower" and not stopped_outside_evidence(out.trace)
    assert any("request" in n and "noise" in n for n in out.trace.mode_reason.get("envelope_noise", []))
    h.world.state["clearance"]["R9"] = 30  # the clearance is still strict
    out = await h.run(MOVE, {"robot": "R9", "mm": 5})
    assert out.correct and stopped_outside_evidence(out.trace)


# ---------------------------------------------------------------- rule 2
async def test_ceil_learned_where_round_agreed_stops_where_they_differ(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for kids, pack in [(23, 6), (19, 4), (29, 10)]:  # ceil == round in all three
        await run_ok(h, PACKS, {"kids": kids, "pack": pack})
    assert await run_ok(h, PACKS, {"kids": 35, "pack": 6}) == "follower"  # 5.83: both give 6
    out = await h.run(PACKS, {"kids": 25, "pack": 6})  # 4.17: round gives 4, ceil gives 5
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["orders"][-1] == 5
    assert "disagree" in str(out.trace.events)


def test_the_hypothesis_space_has_every_rounding() -> None:
    env = ex.Env(tokenize("Order packs for 23 kids, 6 per pack"), [], [])
    names = {ex.describe(c).split("(")[0] for c in ex.generate(4, env, 0) if c[0] == "arith" and c[4]}
    assert {"round_half_up", "round_half_even", "round_half_down", "round_ceil"} <= names
    env = ex.Env(tokenize("Split 23 kids into teams of 6"), [], [])
    floors = {ex.describe(c).split("(")[0] for c in ex.generate(3, env, 0) if c[0] == "arith" and c[4]}
    assert {"round_floor", "round_trunc"} <= floors
    assert ex.rounded(0.1 * 3, "ceil", 1) == 0.3  # binary noise is not a reason to round up
    assert ex.rounded(-2.7, "trunc", 0) == -2.0 and ex.rounded(-2.7, "floor", 0) == -3.0


# ---------------------------------------------------------------- rule 4
def _tool(name: str, kind: str = "function", annotations: dict[str, Any] | None = None) -> Tool:
    async def invoke(a: dict[str, Any], ctx: Any) -> ToolOutput:
        return ToolOutput("{}")

    meta = {"annotations": annotations} if annotations is not None else {}
    return Tool(name, name, {"type": "object"}, invoke, kind=kind, metadata=meta)


def test_tool_risk_from_annotations_and_kinds() -> None:
    assert tool_risk(_tool("a", annotations={"readOnlyHint": True})) == "read_only"
    assert tool_risk(_tool("b", annotations={"readOnlyHint": False})) == "destructive"  # the MCP default
    assert tool_risk(_tool("c", annotations={"destructiveHint": False, "idempotentHint": True})) == "idempotent"
    assert tool_risk(_tool("d", annotations={"destructiveHint": False})) == "write"
    assert tool_risk(_tool("e")) == "write"  # no annotations: a non-idempotent write
    assert tool_risk(_tool("f", kind="file_read")) == "read_only"
    assert tool_risk(_tool("g", kind="shell")) == "destructive"
    assert tool_risk(None) == "write"
    risks = {"r": "read_only", "w": "write", "x": "destructive"}
    assert plan_risk(["r", "w"], risks.__getitem__)[0] == "write"
    assert plan_risk(["r"], risks.__getitem__)[0] == "read_only"
    assert required_support(2, "read_only") == 1 and required_support(2, "destructive") == 3
    assert required_support(1, "read_only") == 1  # never below one run


def test_mcp_listing_keeps_the_raw_hints() -> None:
    import mcp.types as t

    from llmos.tools.mcp._policy import annotations_of as tool_annotations

    remote = t.Tool(
        name="peek",
        input_schema={"type": "object"},
        annotations=t.ToolAnnotations(read_only_hint=True, idempotent_hint=True),
    )
    assert tool_annotations(remote) == {"readOnlyHint": True, "idempotentHint": True}
    assert tool_annotations(t.Tool(name="x", input_schema={"type": "object"})) == {}


def _lookup_trace(n: int) -> Trace:
    t = Trace(goal="Show the weather in Paris")
    t.tool_calls = [ToolCallRecord(f"c{n}", "peek", {"city": "Paris"}, f'{{"celsius": {n}}}', turn=1)]
    t.finish("success", f"{n} C")
    return t


async def test_read_only_plans_replay_sooner_and_explain_why(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    risks = {"peek": "read_only"}
    h.engine.risk_of = lambda name: risks.get(name, "write")
    h.engine.observe(_lookup_trace(1))
    d = h.engine.select("Show the weather in Paris")
    assert d.mode == "follower"  # one run is enough for a read-only plan
    assert d.reason["plan"]["risk"]["risk"] == "read_only" and d.reason["plan"]["risk"]["min_support"] == 1
    risks["peek"] = "destructive"
    h.engine.observe(_lookup_trace(2))  # an exact repeat is not independent support... nor is it needed here
    d = h.engine.select("Show the weather in Paris")
    assert d.mode != "follower" and d.reason["plan"]["risk"]["min_support"] == 3
    assert any("support" in b for b in d.reason["why_not_follower"])


def test_extra_support_is_configurable(tmp_path: Path) -> None:
    (tmp_path / "llmos.toml").write_text("[learning.extra_support]\nread_only = 0\ndestructive = 3\n")
    cfg = load_config(tmp_path).learning
    assert cfg.extra_support.read_only == 0 and cfg.extra_support.destructive == 3
    (tmp_path / "llmos.toml").write_text("[learning.extra_support]\nreadonly = 0\n")
    try:
        load_config(tmp_path)
    except Exception as e:  # a typo names the key
        assert "readonly" in str(e)
    else:
        raise AssertionError("an unknown key was accepted")


# ---------------------------------------------------------------- less timid
async def solve_tagged_note(p: dict[str, Any], calls: Calls) -> str:
    (n,) = await calls([("create_note", {"title": p["title"], "text": p["text"]})])
    return f"Created note #{n['id']}."


TAGGED = Family("tagged", "Create a {tag} note titled '{title}' saying '{text}'", solve_tagged_note, nothing)


async def test_a_goal_word_no_argument_uses_joins_one_plan_and_replays_only_seen_values(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, tag in enumerate(["short", "private", "short"]):
        await run_ok(h, TAGGED, {"tag": tag, "title": f"T{n}", "text": f"body {n}"})
    assert len(h.engine.plans()) == 1  # one plan, not one per tag
    assert await run_ok(h, TAGGED, {"tag": "private", "title": "T9", "text": "more"}) == "follower"
    out = await h.run(TAGGED, {"tag": "urgent", "title": "T10", "text": "now"})  # a value never seen
    assert out.correct and stopped_outside_evidence(out.trace) and "no argument uses it" in str(out.trace.events)


async def solve_lookup(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("lookup_email", {"person": p["who"].removesuffix("'s")})])
    await calls([("save_value", {"name": f"qubits_{p['n']}", "value": int(p["n"])})])
    return f"{r['email']}"


POSSESSIVE = Family("possessive", "Look up {who}'s address and save a {n}-qubit marker", solve_lookup, nothing)


async def test_possessives_and_number_compounds_are_explained_and_compiled(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from llmos.evolution import crystallize as cz
    from llmos.evolution.dispatch import run_crystallized
    from llmos.evolution.generated import build_tool

    h = harness(tmp_path)
    for who, n in [("Alice", 3), ("Bruno", 7), ("Chen", 2)]:  # 2..7: the 6 below is inside (rule 1)
        await run_ok(h, POSSESSIVE, {"who": who, "n": n})
    assert await run_ok(h, POSSESSIVE, {"who": "Dana", "n": 4}) == "follower"
    assert h.world.state["values"]["qubits_4"] == 4
    (plan,) = h.engine.plans()
    text = str(plan.explanations())
    assert "possessive(" in text and "lead_num(" in text
    code = cz.generate(plan, cz.tool_name_for(plan))
    assert "possessive(" in code.source and "lead_number(" in code.source
    path = tmp_path / f"{code.name}.py"
    path.write_text(code.source)
    tool = build_tool(code.source, path)
    h.registry.register(tool, replace=True)
    goal = "Look up Chen's address and save a 6-qubit marker"
    trace = Trace(goal=goal, mode="crystallized")
    out = await run_crystallized(h.ctx(trace), SimpleNamespace(goal=goal, plan=plan, plan_id=plan.id), tool)
    assert out.success, out.diverged
    assert h.world.state["values"]["qubits_6"] == 6


def test_templates_mask_goal_values_and_take_numbers_out() -> None:
    from llmos.learning import _seen

    masks = _seen.mask_values(tokenize("Weather in New York for Bruno"), ["Bruno"], [])
    assert _seen.template("New York: 21.5 C, ticket ARC-1001, at 2026-03-10T10:00:05", masks) == (
        "\x00: # C, ticket ARC-#, at #",  # a ticket's number stays a number: its size may decide what follows
        [21.5, 1001.0, 20260310100005.0],
    )
    assert _seen.template("Paris, Texas", _seen.mask_values(tokenize("in Paris Texas"), [], []))[0] == "\x00"
    already = _seen.template("Bruno is already enrolled", masks)[0]
    assert already != _seen.template("Bruno is not enrolled", masks)[0]  # another template, never noise
    seen = _seen.fresh(_seen.observe({"n": 5, "t": "ok"}, "", []))
    for v in (7, 9, 12):
        seen = _seen.merge(seen, _seen.observe({"n": v, "t": "ok"}, "", []))
    why, noise = _seen.problems(seen, _seen.observe({"n": 30, "t": "ok"}, "", []), 4, set(), set())
    assert why is None and noise  # grew in all four runs: a counter, passed as noise
    why, _ = _seen.problems(seen, _seen.observe({"n": 3, "t": "ok"}, "", []), 4, set(), set())
    assert why and "outside [5, 12]" in why  # below every value seen: never noise
    why, _ = _seen.problems(seen, _seen.observe({"n": 6, "t": "not ok"}, "", []), 4, set(), set())
    assert why and "never seen" in why


async def test_the_runtime_scales_support_by_the_registered_tools_risk(tmp_path: Path) -> None:
    import json as _json

    from llmos.models.base import ModelRequest, ToolResult
    from llmos.models.base import ToolCall as Call
    from llmos.models.testmodel import TestModel
    from llmos.runtime import LLMOS
    from llmos.tools.base import tool

    @tool
    def peek_stock(sku: str) -> dict[str, Any]:
        """Units of a SKU (read-only)."""
        return {"sku": sku, "quantity": 12}

    peek_stock.metadata["annotations"] = {"readOnlyHint": True}

    def script(request: ModelRequest) -> Any:
        results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        if not results:
            return Call("", "peek_stock", {"sku": "BOLT-11"})
        return f"{_json.loads(results[-1].content)['quantity']} units."

    goal = "How many units of BOLT-11 are there"
    async with LLMOS(workspace=tmp_path, model=TestModel(script=script), tools=[peek_stock]) as os:
        first = await os.execute(goal)
        second = await os.execute(goal)  # one run is enough support for a read-only plan
        assert (first.mode, second.mode) == ("learner", "follower"), second.to_dict()
        reason = os.traces.require(second.run_id).mode_reason
        assert reason["plan"]["risk"]["risk"] == "read_only" and reason["plan"]["risk"]["min_support"] == 1


# ---------------------------------------------------------------- storage
def _stock_trace(n: int) -> Trace:
    t = Trace(goal=f"Add {n % 50 + 2} units of SKU-{n} to warehouse A1")
    t.tool_calls = [
        ToolCallRecord("a", "get", {"sku": f"SKU-{n}"}, f'{{"quantity": {n}}}', turn=1),
        ToolCallRecord("b", "set", {"sku": f"SKU-{n}", "quantity": n + n % 50 + 2}, '{"ok": true}', turn=2),
    ]
    t.finish("success", "done")
    return t


def test_a_plan_row_does_not_grow_with_its_support(tmp_path: Path) -> None:
    import json as _json

    from llmos.learning.engine import LearningEngine
    from llmos.storage.db import Database

    engine = LearningEngine(Database(tmp_path / "l.db"), LearningConfig())
    engine.observe_many([_stock_trace(n) for n in range(60)])
    row = lambda: engine.db.connection().execute("SELECT data FROM learning_plans").fetchall()  # noqa: E731
    assert len(row()) == 1
    size = len(row()[0]["data"])
    engine.observe_many([_stock_trace(n) for n in range(60, 400)])
    data = _json.loads(row()[0]["data"])
    assert len(row()[0]["data"]) < size * 1.2 and len(data["trace_ids"]) == 20 and "evidence_tokens" not in data
    reopened = LearningEngine(Database(tmp_path / "l.db"), LearningConfig())
    (plan,) = reopened.plans()
    assert plan.support == 400 and len(plan.evidence_tokens) == 400
    assert reopened.select("Add 7 units of SKU-999 to warehouse A1").mode == "follower"
