"""A wording learns from a sibling plan (`llmos/learning/wordings.py`): one run of a new wording that made
a plan's calls with every argument explained as that plan explains it replays after that run alone.
Must-NOT-replay: another constant, another derived value, conditional or negated wording, a value of the
new wording the plan has no slot for, a slot value given twice, a loan whose runs were rejected or whose
lender was demoted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.config import LearningConfig


class ShopWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(orders={str(n): {"total": 10 + (n * 7) % 90, "status": "open"} for n in range(4700, 4800)})
        self.state.update(refunds=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "get_order":
            o = state["orders"][str(a["order"])]
            return {"order": a["order"], "total": o["total"], "paid": o.get("paid", o["total"]), "state": "open"}
        if name == "order_text":  # plain text whose wording varies in every run (kind, date) but the hold
            o = state["orders"][str(a["order"])]
            kind = ["parcel", "letter", "crate", "pallet", "tube"][int(a["order"]) % 5]
            day = f"2026-0{int(a['order']) % 9 + 1}-1{int(a['order']) % 7}"
            return f"Order {a['order']}: {kind}, placed {day}; hold: {o.get('hold', 'none')}"
        if name == "set_status":
            state["orders"][str(a["order"])]["status"] = a["status"]
            return {"ok": True}
        if name == "refund":
            state["refunds"].append([str(a["order"]), a["amount"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        tools = {"get_order": ["order"], "set_status": ["order", "status"], "refund": ["order", "amount"]}
        self.register(reg, {**tools, "order_text": ["order"]})
        return reg


def _status(status: str, answer: str) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        await calls([("get_order", {"order": p["order"]})])
        await calls([("set_status", {"order": p["order"], "status": status})])
        return answer.format(**p)

    return solve


def _refund(share: float, key: str = "total") -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        (o,) = await calls([("get_order", {"order": p["order"]})])
        await calls([("refund", {"order": p["order"], "amount": o[key] * share})])
        return "Refunded."

    return solve


async def _void(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("order_text", {"order": p["order"]})])
    if str(text).endswith("hold: none"):
        await calls([("set_status", {"order": p["order"], "status": "void"})])
        return "Voided."
    return "On hold: not voided."


CANCEL = Family("cancel", "Cancel order {order}", _status("cancelled", "Order {order} is cancelled."), nothing)
CALL_OFF = Family("cancel", "Please call off order number {order} now", _status("cancelled", "Called off."), nothing)
PAUSE = Family("pause", "Please hold order number {order} now", _status("paused", "Held."), nothing)
IF_OPEN = Family("cancel", "Call off order {order} only when open", _status("cancelled", "Called off."), nothing)
ONCE = Family("cancel", "Call off order {order} once it is paid", _status("cancelled", "Called off."), nothing)
DONT = Family("cancel", "Don't ship order {order}, call it off", _status("cancelled", "Called off."), nothing)
FOR_WHOM = Family("cancel", "Call off order {order} for {who}", _status("cancelled", "Called off."), nothing)
TWICE = Family("cancel", "Call off order {order}, yes {order}", _status("cancelled", "Called off."), nothing)
REFUND = Family("refund", "Refund order {order} in full", _refund(1), nothing)
VOID = Family("void", "Void order {order}", _void, nothing)
VOID_TOO = Family("void", "Order {order} is stale; please void it", _void, nothing)
HALF = Family("refund", "Give back half of order {order}", _refund(0.5), nothing)
PAID_BACK = Family("refund", "Pay back what was paid for order {order}", _refund(1, "paid"), nothing)


def harness(tmp: Path, config: LearningConfig | None = None) -> Harness:
    h = Harness(tmp, config)
    h.world = ShopWorld()
    h.registry = h.world.registry()
    return h


async def _learn(h: Harness, fam: Family = CANCEL, orders: tuple[int, ...] = (4701, 4709)) -> None:
    for n in orders:
        await run_ok(h, fam, {"order": n})


async def test_a_new_wording_replays_after_one_run_aligned_to_a_sibling_plan(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    first = await h.run(CALL_OFF, {"order": 4703})
    assert first.correct and first.decision.mode != "follower"
    plan = h.engine.index.plans[h.engine.store.plan_of_trace(first.trace.id) or ""]
    assert plan.sibling["plan"] and plan.support == 1, plan.sibling
    out = await h.run(CALL_OFF, {"order": 4702})  # its total (74) inside the totals seen: rule 1 lets it go on
    assert out.correct and out.trace.mode == "follower", out.decision.reason
    sib = out.decision.reason["sibling"]
    assert sib["lent_support"] == 2 and "sibling wording" in sib["why"] and sib["runs"]
    assert h.world.state["orders"]["4702"]["status"] == "cancelled"
    assert "is cancelled" not in out.trace.output  # never the sibling's answer text (rule 5)


async def _not_follower(h: Harness, fam: Family, first: dict[str, Any], second: dict[str, Any]) -> Any:
    """The new wording's first run borrows nothing, and its second goal goes to the model."""
    before = await h.run(fam, first)
    assert before.correct
    assert not h.engine.index.plans[h.engine.store.plan_of_trace(before.trace.id) or ""].sibling
    out = await h.run(fam, second)
    assert out.correct and out.trace.mode != "follower", out.decision.reason
    return out


async def test_must_not_replay_a_wording_with_another_constant(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    await _not_follower(h, PAUSE, {"order": 4703}, {"order": 4702})
    assert h.world.state["orders"]["4702"]["status"] == "paused"


async def test_must_not_replay_a_wording_whose_derived_value_differs(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h, REFUND)
    await _not_follower(h, HALF, {"order": 4703}, {"order": 4702})


async def test_must_not_replay_conditional_or_negated_wording_the_sibling_lacks(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    await _not_follower(h, IF_OPEN, {"order": 4703}, {"order": 4702})
    await _not_follower(h, DONT, {"order": 4705}, {"order": 4706})
    await _not_follower(h, ONCE, {"order": 4707}, {"order": 4708})


async def test_must_not_replay_a_goal_value_the_sibling_has_no_slot_for(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    await _not_follower(h, FOR_WHOM, {"order": 4703, "who": "Bruno"}, {"order": 4702, "who": "Bruno"})


async def test_must_not_replay_when_the_slot_value_is_given_twice(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    await _not_follower(h, TWICE, {"order": 4703}, {"order": 4702})


async def test_a_rejected_run_of_the_sibling_revokes_the_loan(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in (4701, 4709, 4710):  # three runs of the lender's own (the model each time)
        assert (await h.run(CANCEL, {"order": n}, mode="learner")).correct
    await run_ok(h, CALL_OFF, {"order": 4703})
    lent = next(p for p in h.engine.plans() if p.sibling)
    h.engine.reject(lent.sibling["runs"][-1])  # the lender keeps its id and 2 runs: only the revoked loan stops W
    assert lent.sibling["plan"] in h.engine.index.plans
    out = await h.run(CALL_OFF, {"order": 4702})
    assert out.correct and out.trace.mode != "follower", out.decision.reason


async def test_a_demoted_sibling_lends_nothing(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    await run_ok(h, CALL_OFF, {"order": 4703})
    lent = next(p for p in h.engine.plans() if p.sibling)
    h.engine.demote(lent.sibling["plan"], "a person said so")
    out = await h.run(CALL_OFF, {"order": 4702})
    assert out.correct and out.trace.mode != "follower", out.decision.reason
    assert "demoted" in out.decision.reason["sibling"]["not_used"]


async def test_a_sibling_with_one_run_lends_nothing_to_a_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h, orders=(4701,))
    await _not_follower(h, CALL_OFF, {"order": 4703}, {"order": 4702})


async def test_must_not_replay_when_the_run_keeps_only_some_of_the_siblings_hypotheses(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h, REFUND)  # paid == total in every run: the refund is either
    h.world.state["orders"]["4703"]["paid"] = 20  # the new wording's run refunds what was paid: one of the two
    h.world.state["orders"]["4702"]["paid"] = 21
    await _not_follower(h, PAID_BACK, {"order": 4703}, {"order": 4702})


async def test_rule_4_a_sibling_below_the_support_a_write_needs_lends_nothing(tmp_path: Path) -> None:
    h = harness(tmp_path, LearningConfig(min_support=3))
    await _learn(h)  # two runs: slots known, but a write needs 3
    await _not_follower(h, CALL_OFF, {"order": 4703}, {"order": 4702})


async def test_a_wording_run_before_its_sibling_had_two_runs_learns_when_the_sibling_can_lend(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, CANCEL, {"order": 4701})
    await run_ok(h, CALL_OFF, {"order": 4703})  # the sibling has one run: nothing to lend yet
    assert not any(p.sibling for p in h.engine.plans())
    await run_ok(h, CANCEL, {"order": 4709})  # now it has two: the waiting wording learns from it
    assert any(p.sibling for p in h.engine.plans())
    out = await h.run(CALL_OFF, {"order": 4702})
    assert out.correct and out.trace.mode == "follower", out.decision.reason


async def test_a_waiting_wording_that_means_something_else_stays_alone(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await run_ok(h, CANCEL, {"order": 4701})
    await run_ok(h, PAUSE, {"order": 4703})
    await run_ok(h, CANCEL, {"order": 4709})
    assert not any(p.sibling for p in h.engine.plans())
    out = await h.run(PAUSE, {"order": 4702})
    assert out.correct and out.trace.mode != "follower", out.decision.reason


async def test_must_not_replay_when_one_run_cannot_tell_the_siblings_source_from_another(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, paid in ((4701, 20), (4709, 21)):  # the sibling refunds the total, never what was paid
        h.world.state["orders"][str(n)]["paid"] = paid
        await run_ok(h, REFUND, {"order": n})
    # what was paid equals the total in the new wording's one run: it may mean either
    await _not_follower(h, PAID_BACK, {"order": 4703}, {"order": 4702})


async def test_a_rejected_replay_of_the_new_wording_sends_it_back_to_the_model(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    await run_ok(h, CALL_OFF, {"order": 4703})
    out = await h.run(CALL_OFF, {"order": 4702})
    assert out.trace.mode == "follower"
    h.engine.reject(out.trace.id, out.trace)
    again = await h.run(CALL_OFF, {"order": 4701})
    assert again.correct and again.trace.mode != "follower", again.decision.reason
    assert "demoted" in again.decision.reason["sibling"]["not_used"]


async def test_the_loan_is_stored_with_the_plan(tmp_path: Path) -> None:
    from llmos.learning.engine import LearningEngine

    h = harness(tmp_path)
    await _learn(h)
    await run_ok(h, CALL_OFF, {"order": 4703})
    fresh = LearningEngine(h.db, h.config.learning)  # another process reading the same store
    assert any(p.sibling for p in fresh.plans())
    assert fresh.select("Please call off order number 4702 now").reason["sibling"]["lent_support"] == 2


async def test_a_run_guided_by_the_siblings_example_does_not_vouch_for_it(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    lender = next(p for p in h.engine.plans())
    guided = await h.run(CALL_OFF, {"order": 4703}, mode="mixed")  # shown the sibling's run as an example
    assert guided.correct and guided.trace.mode == "mixed" and guided.trace.plan_id == lender.id
    assert not any(p.sibling for p in h.engine.plans())
    out = await h.run(CALL_OFF, {"order": 4702})
    assert out.correct and out.trace.mode != "follower", out.decision.reason


async def test_lent_runs_never_make_a_varying_text_noise(tmp_path: Path) -> None:
    """Rule 1's noise (a text whose template differed in every run is not checked) needs the plan's own
    runs: three runs of the sibling and one of this wording do not let a hold through."""
    h = harness(tmp_path)
    for n in (4701, 4709, 4712):
        assert (await h.run(VOID, {"order": n}, mode="learner")).correct
    await run_ok(h, VOID_TOO, {"order": 4703})
    assert any(p.sibling for p in h.engine.plans())
    h.world.state["orders"]["4705"]["hold"] = "audit AU-17 until 2027-01-31"
    out = await h.run(VOID_TOO, {"order": 4705})
    assert out.correct, (out.trace.mode, out.trace.events)
    assert h.world.state["orders"]["4705"]["status"] == "open"


async def test_a_waiting_wording_learns_once_the_sibling_has_slots_though_its_support_passed_the_need(
    tmp_path: Path,
) -> None:
    """The sibling reached rule 4's support with two runs of one goal (no slots: nothing it could lend);
    the run that gave it its slots came later, past the need. The waiting wording learns then (main only
    re-aligned waiting wordings when the sibling's support was exactly the need)."""
    h = harness(tmp_path)
    await run_ok(h, CANCEL, {"order": 4701})
    await run_ok(h, CALL_OFF, {"order": 4703})  # the new wording's one run: nothing to learn from yet
    await run_ok(h, CANCEL, {"order": 4701})  # the sibling: two runs, the same goal, no slot
    assert not any(p.sibling for p in h.engine.plans())
    await run_ok(h, CANCEL, {"order": 4709})  # three runs, slots now: it can lend
    assert any(p.sibling for p in h.engine.plans())
    out = await h.run(CALL_OFF, {"order": 4702})
    assert out.correct and out.trace.mode == "follower", out.decision.reason


async def _total(p: dict[str, Any], calls: Calls) -> str:
    (o,) = await calls([("get_order", {"order": p["order"]})])
    return f"Order {p['order']} totals {o['total']} EUR."


async def _paid(p: dict[str, Any], calls: Calls) -> str:
    (o,) = await calls([("get_order", {"order": p["order"]})])
    return f"{o['paid']} EUR was paid for order {p['order']}."


TOTAL = Family("total", "How much is order {order}?", _total, nothing)
TOTAL_TOO = Family("total", "What is the total of order {order}?", _total, nothing)
PAID = Family("paid", "How much was paid for order {order}?", _paid, nothing)


def _read_only(h: Harness) -> None:
    h.engine.risk_of = lambda name: "read_only" if name.endswith("get_order") else "write"


async def test_a_read_only_wording_that_waited_learns_once_its_sibling_has_slots(tmp_path: Path) -> None:
    """A read-only sibling reaches rule 4's support (1) at its first run, before it has a slot; the new
    wording's run that came before its second run learns when it has one (main: never)."""
    h = harness(tmp_path)
    _read_only(h)
    await run_ok(h, TOTAL, {"order": 4701})
    await run_ok(h, TOTAL_TOO, {"order": 4703})
    await run_ok(h, TOTAL, {"order": 4709})
    assert any(p.sibling for p in h.engine.plans())
    out = await h.run(TOTAL_TOO, {"order": 4702})
    assert out.correct and out.trace.mode == "follower", out.decision.reason
    assert str(h.world.state["orders"]["4702"]["total"]) in (out.trace.output or ""), out.trace.output


async def test_a_read_only_wording_that_waited_never_states_its_siblings_figure(tmp_path: Path) -> None:
    """The waiting wording asks what was paid, its sibling the total; in its one run they were equal. It
    makes the sibling's calls and learns from it, but its answer is its own (one run: `paid` or `total`):
    what it says for an order paid in part is never the total."""
    h = harness(tmp_path)
    _read_only(h)
    await run_ok(h, TOTAL, {"order": 4701})
    await run_ok(h, PAID, {"order": 4703})  # paid == total in this run
    await run_ok(h, TOTAL, {"order": 4709})
    h.world.state["orders"]["4702"]["paid"] = 5
    out = await h.run(PAID, {"order": 4702})
    total = str(h.world.state["orders"]["4702"]["total"])
    assert out.correct and total not in (out.trace.output or "").split(), out.trace.output
