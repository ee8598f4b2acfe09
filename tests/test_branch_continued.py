"""A branch set's stop at the branch, finished by the model, is evidence for the path the model took.

"Check the toner of printer PR-4 and order more when it runs low": the model read the printer and
ordered toner at 6-12 percent, ordered nothing at 62-88 percent. The two plans form a branch set (the
toner reading tells them apart). A reading neither path saw (18 percent) stops the replay after the
common read, before any write, and the model decides. Its decision, over a result it saw, is the kind
of evidence a model run gives: the path it took learns that run (`branches.continued`), so the next
printer at 17 percent replays without the model instead of stopping at the branch for ever. A replay
that a path's plan finished, or a stop after the branch, is never evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_conditional_replay import READ, WRITE
from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, stopped_outside_evidence, world_harness

from llmos.learning import branches
from llmos.learning.risk import registry_risk
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry
from llmos.trace import Trace


class Office(World):
    def __init__(self) -> None:
        super().__init__(0)
        self.state.update({"printers": {}, "orders": []})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_printer":
            return {"printer": a["printer"], "toner_pct": state["printers"][a["printer"]], "model": "LX-9"}
        if name == "order_toner":
            state["orders"].append(a["printer"])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> ToolRegistry:
        reg = super().registry()
        for name, ann in {"read_printer": READ, "order_toner": WRITE}.items():
            reg.register(
                Tool(
                    PREFIX + name,
                    f"the {name} tool",
                    {"type": "object", "properties": {"printer": {}}, "required": ["printer"]},
                    self._invoker(name),
                    source="mcp:bench",
                    metadata={"annotations": ann},
                )
            )
        return reg


async def _toner(p: dict[str, Any], calls: Calls) -> str:
    (c,) = await calls([("read_printer", {"printer": p["printer"]})])
    if c["toner_pct"] < 30:
        await calls([("order_toner", {"printer": p["printer"]})])
        return f"Ordered toner for {p['printer']} ({c['toner_pct']}% left)."
    return f"Printer {p['printer']} has {c['toner_pct']}% toner: nothing ordered."


TONER = Family("toner", "Check the toner of printer {printer} and order more when it runs low", _toner, nothing)


def _harness(tmp: Path) -> Harness:
    h = world_harness(tmp, Office())
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _printer(h: Harness, pct: int) -> dict[str, Any]:
    name = f"PR-{len(h.world.state['printers']) + 11}"
    h.world.state["printers"][name] = pct
    return {"printer": name}


async def _learn(h: Harness) -> None:
    for pct in (6, 70, 12, 88, 9, 62, 8, 75):
        out = await h.run(TONER, _printer(h, pct), mode="learner")
        assert out.correct


def _support(h: Harness) -> dict[tuple[tuple[str, ...], ...], int]:
    return {p.seq: p.support for p in h.engine.index.plans.values()}


async def test_a_set_stops_at_a_reading_no_path_saw_and_the_model_teaches_the_path(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    out = await h.run(TONER, _printer(h, 10))
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    before = _support(h)
    orders = len(h.world.state["orders"])
    out = await h.run(TONER, _printer(h, 18))  # neither path saw 18 percent: the model decides
    assert out.correct and out.llm_calls > 0 and stopped_outside_evidence(out.trace)
    assert len(h.world.state["orders"]) == orders + 1
    assert branches.continued(out.trace)
    after = _support(h)
    order_seq = next(s for s in after if len(s) == 2)
    assert after[order_seq] == before[order_seq] + 1  # the model's run after the common read: the order path's
    out = await h.run(TONER, _printer(h, 17))  # inside what the order path has now seen
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.trace.events
    assert h.world.state["orders"][-1] == out.trace.goal.split()[5]


async def test_a_reading_between_the_paths_still_goes_to_the_model_first(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    orders = len(h.world.state["orders"])
    out = await h.run(TONER, _printer(h, 45))  # between 12 and 62: the model leaves it (45 >= 30)
    assert out.correct and out.llm_calls > 0 and stopped_outside_evidence(out.trace)
    out = await h.run(TONER, _printer(h, 28))  # between 12 and 45: seen by no path, so the model again
    assert out.correct and out.llm_calls > 0 and stopped_outside_evidence(out.trace)
    assert len(h.world.state["orders"]) == orders + 1  # 28 percent is low: the model ordered, no replay guessed


async def test_a_replay_that_took_a_path_is_no_evidence(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h)
    before = _support(h)
    out = await h.run(TONER, _printer(h, 70))
    assert out.trace.mode == "follower" and out.correct
    assert not branches.continued(out.trace) and _support(h) == before


def test_only_a_stop_at_the_branch_that_the_model_finished_counts() -> None:
    def trace(taken: bool, reason: str, status: str = "success", after_write: bool = False) -> Trace:
        t = Trace(goal="g", mode="learner")
        t.mode_reason["branch_taken"] = {"plans": ["a", "b"], **({"taken": "a"} if taken else {})}
        t.event("fallback", from_mode="follower", reason=reason, step=0, after_write=after_write)
        t.finish(status, "done")  # type: ignore[arg-type]
        return t

    stop = "outside the evidence: branch: the live results fit the evidence of no path"
    assert branches.continued(trace(False, stop))
    assert not branches.continued(trace(True, "outside the evidence: a number outside the range seen"))
    assert not branches.continued(trace(False, "outside the evidence: branch: the paths make other common calls"))
    assert not branches.continued(trace(False, stop, status="failed"))
    assert not branches.continued(trace(False, stop, after_write=True))
    t = trace(False, stop)
    t.rejected = True
    assert not branches.continued(t)


async def _restock(p: dict[str, Any], calls: Calls) -> str:
    (c,) = await calls([("read_printer", {"printer": p["printer"]})])
    if c["toner_pct"] < 30:
        await calls([("order_toner", {"printer": p["printer"], "supplier": p["supplier"]})])
        return f"Ordered toner for {p['printer']} from {p['supplier']}."
    return f"Printer {p['printer']} has {c['toner_pct']}% toner: nothing ordered."


RESTOCK = Family("restock", "Check printer {printer} and order toner from {supplier} if low", _restock, nothing)


async def test_a_path_whose_plan_kept_a_goal_word_learns_from_the_stop(tmp_path: Path) -> None:
    """Every run that ordered nothing named Inkwell: that plan keeps "Inkwell" (no argument of its path
    uses the supplier) and does not match a goal for Tonerco. The order plan alone matches, its one
    other path ruled out by the read; a full printer stops at the branch, and the model's run (nothing
    ordered, for Tonerco) is the no-order path's evidence."""
    h = _harness(tmp_path)
    h.world.registry = lambda: _with_supplier(Office.registry(h.world))  # type: ignore[method-assign]
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    for pct, supplier in [(6, "Tonerco"), (70, "Inkwell"), (12, "PaperCo"), (88, "Inkwell"), (9, "Inkwell")]:
        assert (await h.run(RESTOCK, {**_printer(h, pct), "supplier": supplier}, mode="learner")).correct
    for pct, supplier in [(62, "Inkwell"), (8, "Tonerco"), (75, "Inkwell")]:
        assert (await h.run(RESTOCK, {**_printer(h, pct), "supplier": supplier}, mode="learner")).correct
    before = _support(h)
    orders = len(h.world.state["orders"])
    out = await h.run(RESTOCK, {**_printer(h, 80), "supplier": "Tonerco"})
    assert out.correct and out.llm_calls > 0 and len(h.world.state["orders"]) == orders
    assert out.decision.mode == "follower" and "rule out" in out.decision.reason["branch"]["why"]
    assert branches.continued(out.trace)
    after = _support(h)
    assert sum(n for s, n in after.items() if len(s) == 1) == sum(n for s, n in before.items() if len(s) == 1) + 1


def _with_supplier(reg: ToolRegistry) -> ToolRegistry:
    tool = reg.get(PREFIX + "order_toner")
    assert tool is not None
    tool.input_schema = {"type": "object", "properties": {"printer": {}, "supplier": {}}, "required": ["printer"]}
    return reg
