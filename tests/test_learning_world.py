"""A small simulated world for the learning tests: tools, task families, a scripted "model" that
solves goals through the real tool-call seam, and a harness that runs goals in any mode and checks
the world changed exactly as an independent reference solution says.

Other test_learning_* files import this module (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from llmos.config import Config, LearningConfig
from llmos.execution.replay import replay
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import HookChain
from llmos.kernel.toolcall import execute_tool_calls
from llmos.learning.engine import LearningEngine
from llmos.learning.selection import ModeDecision
from llmos.models.base import ToolCall
from llmos.storage.db import Database
from llmos.tools.base import Tool, ToolContext, ToolOutput
from llmos.tools.registry import ToolRegistry
from llmos.trace import Trace

PREFIX = "bench__"
Calls = Callable[[list[tuple[str, dict[str, Any]]]], Awaitable[list[dict[str, Any]]]]


def round_half_up(x: float, d: int) -> float:
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))


class ToolFailed(Exception):
    pass


class World:
    """World state plus tool semantics. `faults[tool] = n` makes the next n calls fail transiently."""

    def __init__(self, seed: int = 0) -> None:
        rng = random.Random(seed)
        cur = ["USD", "EUR", "GBP", "JPY", "CHF", "CAD"]
        self.state: dict[str, Any] = {
            "rates": {f"{a}/{b}": round(rng.uniform(0.05, 3.0), 4) for a in cur for b in cur if a != b},
            "weather": {c: round(rng.uniform(-15, 38), 1) for c in ["Paris", "Tokyo", "Lima", "Oslo", "Cairo"]},
            "people": {p: f"{p.lower()}@corp.example" for p in ["Alice", "Bruno", "Chen", "Dana"]},
            "reports": {
                r: {"title": f"{r.capitalize()} report", "text": f"{r} total {rng.randint(1, 999)}"}
                for r in ["sales", "budget", "hiring", "travel"]
            },
            "stock": {},
            "values": {},
            "notes": [],
            "outbox": [],
        }
        self.faults: dict[str, int] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:  # noqa: C901
        if name == "get_exchange_rate":
            rate = state["rates"].get(f"{a['src']}/{a['dst']}")
            if rate is None:
                raise ToolFailed(f"no exchange rate for {a['src']}/{a['dst']}")
            return {"src": a["src"], "dst": a["dst"], "rate": rate}
        if name == "multiply":
            return {"result": a["a"] * a["b"]}
        if name == "save_value":
            state["values"][a["name"]] = a["value"]
            return {"saved": a["name"], "value": a["value"]}
        if name == "create_note":
            state["notes"].append({"title": a["title"], "text": a["text"]})
            return {"id": len(state["notes"]), "title": a["title"]}
        if name == "get_stock":
            return {
                "sku": a["sku"],
                "warehouse": a["warehouse"],
                "quantity": state["stock"].get(f"{a['sku']}@{a['warehouse']}", 0),
            }
        if name == "set_stock":
            if a["quantity"] < 0:
                raise ToolFailed("quantity cannot be negative")
            state["stock"][f"{a['sku']}@{a['warehouse']}"] = a["quantity"]
            return {"sku": a["sku"], "warehouse": a["warehouse"], "quantity": a["quantity"]}
        if name == "get_weather":
            c = state["weather"].get(a["city"])
            if c is None:
                raise ToolFailed(f"no weather station in {a['city']}")
            return {"city": a["city"], "celsius": c}
        if name == "celsius_to_fahrenheit":
            return {"fahrenheit": round_half_up(a["celsius"] * 9 / 5 + 32, 2)}
        if name == "lookup_email":
            if a["person"] not in state["people"]:
                raise ToolFailed(f"nobody called {a['person']}")
            return {"person": a["person"], "email": state["people"][a["person"]]}
        if name == "get_report":
            if a["name"] not in state["reports"]:
                raise ToolFailed(f"no report named {a['name']}")
            return {"name": a["name"], **state["reports"][a["name"]]}
        if name == "send_email":
            state["outbox"].append({"to": a["to"], "subject": a["subject"], "body": a["body"]})
            return {"sent": True, "id": len(state["outbox"])}
        raise ToolFailed(f"unknown tool {name}")

    def registry(self) -> ToolRegistry:
        reg = ToolRegistry()
        params = {
            "get_exchange_rate": ["src", "dst"],
            "multiply": ["a", "b"],
            "save_value": ["name", "value"],
            "create_note": ["title", "text"],
            "get_stock": ["sku", "warehouse"],
            "set_stock": ["sku", "warehouse", "quantity"],
            "get_weather": ["city"],
            "celsius_to_fahrenheit": ["celsius"],
            "lookup_email": ["person"],
            "get_report": ["name"],
            "send_email": ["to", "subject", "body"],
        }
        self.register(reg, params)
        return reg

    def register(self, reg: ToolRegistry, params: dict[str, list[str]]) -> None:
        """One bench tool per name (prefixed, every parameter required), run by `apply` (for subclasses too)."""
        for name, names in params.items():
            reg.register(
                Tool(
                    PREFIX + name,
                    f"the {name} tool",
                    {"type": "object", "properties": {n: {} for n in names}, "required": names},
                    self._invoker(name),
                    source="mcp:bench",
                )
            )

    def _invoker(self, name: str) -> Callable[[dict[str, Any], ToolContext], Awaitable[ToolOutput]]:
        async def run(a: dict[str, Any], ctx: ToolContext) -> ToolOutput:
            self.calls.append((name, a))
            if self.faults.get(name, 0) > 0:
                self.faults[name] -= 1
                return ToolOutput("ERROR: temporarily unavailable, retry", is_error=True)
            try:
                return ToolOutput(json.dumps(self.apply(self.state, name, a)))
            except (ToolFailed, KeyError, TypeError) as e:
                return ToolOutput(f"ERROR: {e}", is_error=True)

        return run


# ---------------------------------------------------------------- families: goal + "model" solution
Solver = Callable[[dict[str, Any], Calls], Awaitable[str]]


@dataclass
class Family:
    name: str
    template: str
    solve: Solver
    sample: Callable[[random.Random, World], dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)

    def goal(self, p: dict[str, Any]) -> str:
        return self.template.format(**p)


async def solve_currency(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("get_exchange_rate", {"src": p["src"], "dst": p["dst"]})])
    (m,) = await calls([("multiply", {"a": p["amount"], "b": r["rate"]})])
    (s,) = await calls([("save_value", {"name": p["label"], "value": round_half_up(m["result"], 2)})])
    return f"Done. {p['amount']} {p['src']} = {s['value']} {p['dst']}, saved as '{p['label']}'."


async def solve_note(p: dict[str, Any], calls: Calls) -> str:
    (n,) = await calls([("create_note", {"title": p["title"], "text": p["text"]})])
    return f"Done. Created note #{n['id']} '{p['title']}'."


def _stock_solver(delta: int) -> Solver:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        (g,) = await calls([("get_stock", {"sku": p["sku"], "warehouse": p["wh"]})])
        (s,) = await calls(
            [
                (
                    "set_stock",
                    {"sku": p["sku"], "warehouse": p["wh"], "quantity": g["quantity"] + delta * p["qty"]},
                )
            ]
        )
        return f"Done. {p['sku']} in {p['wh']}: {g['quantity']} -> {s['quantity']}."

    return solve


async def solve_weather(p: dict[str, Any], calls: Calls) -> str:
    (w,) = await calls([("get_weather", {"city": p["city"]})])
    (f,) = await calls([("celsius_to_fahrenheit", {"celsius": w["celsius"]})])
    await calls([("save_value", {"name": f"temp_{p['city']}", "value": f["fahrenheit"]})])
    return f"Done. {p['city']}: {w['celsius']} C = {f['fahrenheit']} F."


async def solve_email(p: dict[str, Any], calls: Calls) -> str:
    who, rep = await calls([("lookup_email", {"person": p["person"]}), ("get_report", {"name": p["report"]})])
    await calls([("send_email", {"to": who["email"], "subject": rep["title"], "body": rep["text"]})])
    return f"Done. Sent '{rep['title']}' to {p['person']}."


def _restock_solver() -> Solver:
    """Branch on a tool result: set the stock to `target` only when it is below `target`."""

    async def solve(p: dict[str, Any], calls: Calls) -> str:
        (g,) = await calls([("get_stock", {"sku": p["sku"], "warehouse": p["wh"]})])
        if g["quantity"] < p["target"]:
            await calls([("set_stock", {"sku": p["sku"], "warehouse": p["wh"], "quantity": p["target"]})])
            return f"Restocked {p['sku']} to {p['target']}."
        return f"{p['sku']} has {g['quantity']} units: nothing to do."

    return solve


CUR = ["USD", "EUR", "GBP", "JPY", "CHF", "CAD"]
SKUS = ["BOLT", "NUT", "GEAR", "VALVE", "PIPE"]
WHS = ["A1", "B2", "C3", "D4"]


def sample_currency(rng: random.Random, w: World) -> dict[str, Any]:
    src, dst = rng.sample(CUR, 2)
    amount: int | float = rng.randint(5, 2000) if rng.random() < 0.5 else round(rng.uniform(1, 500), 2)
    return {
        "amount": amount,
        "src": src,
        "dst": dst,
        "label": f"{rng.choice(['trip', 'rent'])}_{dst.lower()}_{rng.randint(1, 99)}",
    }


def sample_stock(rng: random.Random, w: World) -> dict[str, Any]:
    sku, wh = f"{rng.choice(SKUS)}-{rng.randint(10, 99)}", rng.choice(WHS)
    w.state["stock"].setdefault(f"{sku}@{wh}", rng.randint(0, 200))
    return {"qty": rng.randint(2, 50), "sku": sku, "wh": wh}


def sample_restock(rng: random.Random, w: World) -> dict[str, Any]:
    p = sample_stock(rng, w)
    p["target"] = rng.randint(20, 60)
    w.state["stock"][f"{p['sku']}@{p['wh']}"] = rng.randint(0, 10)  # always below: one branch only
    return p


FAMILIES = {
    "currency": Family(
        "currency",
        "Convert {amount} {src} to {dst} and save it as '{label}'",
        solve_currency,
        sample_currency,
    ),
    "note": Family(
        "note",
        "Create a note titled '{title}' with the text '{text}'",
        solve_note,
        lambda r, w: {
            "title": f"{r.choice(['Ideas', 'Reading list', 'Gym'])} {r.randint(1, 99)}",
            "text": r.choice(["Buy milk, eggs", "Call the plumber", "Ship the beta"]),
        },
    ),
    "stock_add": Family("stock_add", "Add {qty} units of {sku} to warehouse {wh}", _stock_solver(1), sample_stock),
    "stock_remove": Family(
        "stock_remove", "Remove {qty} units of {sku} to warehouse {wh}", _stock_solver(-1), sample_stock
    ),
    "weather": Family(
        "weather",
        "Record the temperature in {city} in Fahrenheit",
        solve_weather,
        lambda r, w: {"city": r.choice(["Paris", "Tokyo", "Lima", "Oslo", "Cairo"])},
    ),
    "email": Family(
        "email",
        "Email the {report} report to {person}",
        solve_email,
        lambda r, w: {
            "report": r.choice(["sales", "budget", "hiring", "travel"]),
            "person": r.choice(["Alice", "Bruno", "Chen", "Dana"]),
        },
    ),
    "restock": Family(
        "restock",
        "Restock {sku} in warehouse {wh} to {target} units if it has fewer",
        _restock_solver(),
        sample_restock,
    ),
    "topup": Family("topup", "Top up {sku} in warehouse {wh} to {target} units", _restock_solver(), sample_restock),
}


# ---------------------------------------------------------------- the harness
@dataclass
class Outcome:
    decision: ModeDecision
    trace: Trace
    correct: bool
    llm_calls: int


class Harness:
    def __init__(self, tmp: Path, config: LearningConfig | None = None, seed: int = 0) -> None:
        self.tmp = tmp
        self.world = World(seed)
        self.registry = self.world.registry()
        self.db = Database(tmp / "llmos.db")
        self.config = Config()
        if config is not None:
            self.config.learning = config
        self.engine = LearningEngine(self.db, self.config.learning)

    def ctx(self, trace: Trace) -> RunContext:
        return RunContext(trace, self.tmp, self.registry, HookChain(), self.config)

    async def run(self, family: Family, params: dict[str, Any], mode: str = "auto") -> Outcome:
        goal = family.goal(params)
        expected = copy.deepcopy(self.world.state)
        await family.solve(params, _direct(self.world, expected))
        decision = self.engine.select(goal, mode)
        trace = Trace(goal=goal, mode=decision.mode, requested_mode=mode, plan_id=decision.plan_id)
        ctx = self.ctx(trace)
        llm = 0
        if decision.mode == "follower":
            out = await replay(ctx, decision, retries=self.config.learning.transient_retries)
            if out.success:
                trace.finish("success", out.output)
            else:
                trace.event("fallback", from_mode="follower", reason=out.diverged, step=out.step)
                trace.mode = "learner"
                llm = await self._model_solve(ctx, family, params)
        else:
            llm = await self._model_solve(ctx, family, params)
        self.engine.observe(trace)
        return Outcome(decision, trace, self.world.state == expected, llm)

    async def _model_solve(self, ctx: RunContext, family: Family, params: dict[str, Any]) -> int:
        """The scripted model: one 'model call' per turn; calls already done successfully are skipped."""
        done = {
            (r.name, json.dumps(r.arguments, sort_keys=True)): r for r in ctx.trace.top_level_calls if not r.is_error
        }
        turns = 0

        async def calls(batch: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
            nonlocal turns
            out: list[dict[str, Any] | None] = [None] * len(batch)
            todo = []
            for i, (name, args) in enumerate(batch):
                prev = done.get((PREFIX + name, json.dumps(args, sort_keys=True)))
                if prev is not None:
                    out[i] = json.loads(prev.result)
                else:
                    todo.append(i)
            for _attempt in range(3):
                if not todo:
                    break
                turns += 1
                ctx.turn += 1
                recs = await execute_tool_calls(
                    ctx,
                    [ToolCall(f"m{ctx.turn}_{i}", PREFIX + batch[i][0], batch[i][1]) for i in todo],
                    source="model",
                    turn=ctx.turn,
                )
                failed = []
                for i, rec in zip(todo, recs, strict=True):
                    if rec.is_error:
                        failed.append(i)
                    else:
                        out[i] = json.loads(rec.result)
                todo = failed
            if todo:
                raise ToolFailed("gave up")
            return [o for o in out if o is not None]

        try:
            answer = await family.solve(params, calls)
        except ToolFailed as e:
            ctx.trace.finish("failed", error=str(e))
            return turns + 1
        ctx.trace.finish("success", answer)
        return turns + 1


def world_harness(tmp: Path, world: World) -> Harness:
    """A harness on another world (a subclass of World with more tools)."""
    h = Harness(tmp)
    h.world = world
    h.registry = h.world.registry()
    return h


def _direct(world: World, state: dict[str, Any]) -> Calls:
    async def calls(batch: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        return [world.apply(state, n, a) for n, a in batch]

    return calls


# ---------------------------------------------------------------- helpers shared by the probe tests
def nothing(rng: Any, w: World) -> dict[str, Any]:
    """A sampler for families whose tests choose the parameters themselves."""
    return {}


def stopped_outside_evidence(trace: Trace) -> bool:
    """The replay stopped as a precaution (a fact of the evidence no longer held)."""
    return any(e.get("kind") == "envelope" for e in trace.events)


async def run_ok(h: Harness, fam: Family, p: dict[str, Any]) -> str:
    """Run one goal, assert the world is right, return the mode chosen."""
    out = await h.run(fam, p)
    assert out.correct, (out.trace.goal, out.trace.mode, out.decision.reason, out.trace.events)
    return out.decision.mode


# ---------------------------------------------------------------- tests of the harness itself
async def test_harness_learner_run_is_correct(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    rng = random.Random(3)
    fam = FAMILIES["stock_add"]
    out = await h.run(fam, fam.sample(rng, h.world), mode="learner")
    assert out.correct and out.trace.success and out.decision.mode == "learner"
    assert [c.name for c in out.trace.tool_calls] == ["bench__get_stock", "bench__set_stock"]
