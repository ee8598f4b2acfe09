"""Hidden-benchmark-like probes of unsafe replay (see bench/families_adversarial.py), on the world harness.

Each test learns a plan from runs that all took one side of a branch the goal's wording does not
show, then sends a goal whose correct effect is the other side (or nothing). The replay must stop
before it does anything wrong ("outside the evidence"), and the model must finish correctly.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from test_learning_world import (
    FAMILIES,
    PREFIX,
    Calls,
    Family,
    Harness,
    World,
    nothing,
    round_half_up,
    run_ok,
    sample_currency,
    stopped_outside_evidence,
    world_harness,
)

from llmos.trace import Trace

CARRIER = {"Paris": "DHL", "Berlin": "DHL", "Madrid": "DHL", "Dublin": "DHL", "Tokyo": "SF", "Lima": "Correos"}
EXTRA = {
    "get_budget": ["dept"],
    "set_budget": ["dept", "amount", "note"],
    "get_ticket": ["ticket"],
    "page_team": ["team", "ticket"],
    "get_parcel": ["order"],
    "book_pickup": ["order", "weight_kg", "service"],
    "create_shipment": ["order", "city", "carrier"],
}


class HiddenWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(budgets={}, budget_log=[], tickets={}, pages=[], parcels={}, pickups=[], shipments=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "get_budget":
            return {"dept": a["dept"], "amount": state["budgets"][a["dept"]]}
        if name == "set_budget":
            state["budgets"][a["dept"]] = a["amount"]
            state["budget_log"].append({"dept": a["dept"], "note": a["note"]})
            return {"dept": a["dept"], "amount": a["amount"]}
        if name == "get_ticket":
            return {"ticket": a["ticket"], **state["tickets"][str(a["ticket"])]}
        if name in ("page_team", "book_pickup", "create_shipment"):
            section = {"page_team": "pages", "book_pickup": "pickups", "create_shipment": "shipments"}[name]
            state[section].append(dict(a))
            return {"id": len(state[section]), "ok": True}
        if name == "get_parcel":
            return {"order": a["order"], "weight_kg": state["parcels"][str(a["order"])]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, EXTRA)
        return reg


def harness(tmp: Path) -> Harness:
    return world_harness(tmp, HiddenWorld())


async def solve_cap(p: dict[str, Any], calls: Calls) -> str:
    (b,) = await calls([("get_budget", {"dept": p["dept"]})])
    if b["amount"] > p["cap"]:
        await calls([("set_budget", {"dept": p["dept"], "amount": p["cap"], "note": f"capped from {b['amount']}"})])
        return f"Capped {p['dept']} at {p['cap']}."
    return f"{p['dept']} is at {b['amount']}: nothing to do."


async def solve_triage(p: dict[str, Any], calls: Calls) -> str:
    (t,) = await calls([("get_ticket", {"ticket": p["ticket"]})])
    if t["priority"] == "high":
        await calls([("page_team", {"team": t["team"], "ticket": p["ticket"]})])
        return f"Paged {t['team']}."
    await calls([("create_note", {"title": f"Ticket {p['ticket']}", "text": t["summary"]})])
    return "Noted."


async def solve_pickup(p: dict[str, Any], calls: Calls) -> str:
    (w,) = await calls([("get_parcel", {"order": p["order"]})])
    kg = w["weight_kg"]
    service = "freight" if kg > 20 else "standard"
    await calls([("book_pickup", {"order": p["order"], "weight_kg": kg, "service": service})])
    return f"Booked {service}."


async def solve_post(p: dict[str, Any], calls: Calls) -> str:
    await calls([("create_shipment", {"order": p["order"], "city": p["city"], "carrier": CARRIER[p["city"]]})])
    return "Posted."


CAP = Family("cap", "Cap the {dept} budget at {cap} dollars", solve_cap, nothing)
TRIAGE = Family("triage", "Triage ticket {ticket}", solve_triage, nothing)
PICKUP = Family("pickup", "Arrange a pickup for order {order}", solve_pickup, nothing)
POST = Family("post", "Post order {order} to {city}", solve_post, nothing)


async def test_order_of_a_result_and_a_goal_number_guards_a_hidden_branch(tmp_path: Path) -> None:
    h = harness(tmp_path)
    budgets = h.world.state["budgets"]
    modes = []
    for i, dept in enumerate(["Sales", "Legal", "Design", "Ops"]):
        budgets[dept] = 9000 + 100 * i  # always over the cap: set_budget every time
        modes.append(await run_ok(h, CAP, {"dept": dept, "cap": 4000 + 100 * i}))
    assert modes[-1] == "follower"  # the note is a template of the result: the result is used
    budgets["Hr"] = 2000  # under the cap: the correct effect is nothing
    out = await h.run(CAP, {"dept": "Hr", "cap": 4150})  # inside the caps seen (rule 1's goal amounts)
    assert out.decision.mode == "follower" and out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["budget_log"][-1]["dept"] == "Ops"
    plan = h.engine.plan(out.decision.plan_id or "")
    assert plan.branching and plan.penalty == 0  # the other side is now known; no penalty for caution


async def test_a_categorical_result_that_changes_guards_the_next_tool(tmp_path: Path) -> None:
    h = harness(tmp_path)
    tickets = h.world.state["tickets"]
    for n in range(4):
        tickets[str(100 + n)] = {"priority": "high", "team": ["search", "infra"][n % 2], "summary": "Down"}
        await run_ok(h, TRIAGE, {"ticket": 100 + n})
    tickets["200"] = {"priority": "low", "team": "infra", "summary": "Typo on a page"}
    out = await h.run(TRIAGE, {"ticket": 200})
    assert out.decision.mode == "follower" and out.correct and stopped_outside_evidence(out.trace)
    assert len(h.world.state["pages"]) == 4 and h.world.state["notes"][-1]["text"] == "Typo on a page"


async def test_a_constant_argument_after_a_number_outside_the_seen_range(tmp_path: Path) -> None:
    h = harness(tmp_path)
    parcels = h.world.state["parcels"]
    for n, kg in enumerate([3.5, 12.0, 7.25, 9.0]):
        parcels[str(700 + n)] = kg
        await run_ok(h, PICKUP, {"order": 700 + n})
    parcels["800"] = 8.0  # inside the seen range: replayed
    assert await run_ok(h, PICKUP, {"order": 800}) == "follower"
    assert h.world.state["pickups"][-1]["service"] == "standard"
    parcels["801"] = 31.0  # heavy: the model books freight
    out = await h.run(PICKUP, {"order": 801})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["pickups"][-1]["service"] == "freight"


async def test_a_constant_argument_and_a_slot_value_never_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, city in enumerate(["Paris", "Berlin", "Madrid"]):
        await run_ok(h, POST, {"order": 10 + n, "city": city})
    assert await run_ok(h, POST, {"order": 11, "city": "Paris"}) == "follower"  # seen values replay
    out = await h.run(POST, {"order": 12, "city": "Dublin"})  # never seen: the model does it (DHL again)
    assert out.correct and stopped_outside_evidence(out.trace)
    out = await h.run(POST, {"order": 13, "city": "Dublin"})  # now seen: replayed
    assert out.correct and out.trace.mode == "follower" and not stopped_outside_evidence(out.trace)
    out = await h.run(POST, {"order": 14, "city": "Tokyo"})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["shipments"][-1]["carrier"] == "SF"
    assert await run_ok(h, POST, {"order": 15, "city": "Madrid"}) != "follower"  # contradicted by Tokyo


async def test_an_exact_repeat_of_a_do_nothing_run_rechecks_the_world(tmp_path: Path) -> None:
    h = harness(tmp_path)
    fam = FAMILIES["topup"]
    p = {"sku": "CORD-1", "wh": "A1", "target": 30}
    h.world.state["stock"]["CORD-1@A1"] = 80  # already above the target: nothing to do, twice
    await run_ok(h, fam, p)
    await run_ok(h, fam, p)
    assert await run_ok(h, fam, p) == "follower"
    h.world.state["stock"]["CORD-1@A1"] = 5  # someone took stock out: now the top-up is needed
    out = await h.run(fam, p)
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["stock"]["CORD-1@A1"] == 30


async def test_a_coincidental_fact_costs_one_model_turn_and_is_then_forgotten(tmp_path: Path) -> None:
    h = harness(tmp_path)
    fam = FAMILIES["stock_add"]
    stock = h.world.state["stock"]
    for n in range(3):  # the stock is always above the added quantity: a coincidence
        stock[f"BOLT-{n}@A1"] = 100 + n
        await run_ok(h, fam, {"qty": 10 + n, "sku": f"BOLT-{n}", "wh": "A1"})
    stock["BOLT-9@A1"] = 2
    out = await h.run(fam, {"qty": 11, "sku": "BOLT-9", "wh": "A1"})  # inside 10..12 (rule 1's goal amounts)
    assert out.correct and stopped_outside_evidence(out.trace) and out.llm_calls == 2
    plan = h.engine.plan(out.decision.plan_id or "")
    assert plan.penalty == 0 and not plan.unsafe_reasons()
    stock["BOLT-8@A1"] = 1
    out = await h.run(fam, {"qty": 12, "sku": "BOLT-8", "wh": "A1"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0


async def test_plans_keep_their_envelope_across_a_reload(tmp_path: Path) -> None:
    h = harness(tmp_path)
    h.world.state["budgets"].update(Sales=9000, Legal=9500)
    await run_ok(h, CAP, {"dept": "Sales", "cap": 4000})
    await run_ok(h, CAP, {"dept": "Legal", "cap": 4100})
    (plan,) = h.engine.plans()
    assert plan.relations
    from llmos.learning.engine import LearningEngine

    again = LearningEngine(h.db, h.config.learning)
    (loaded,) = again.plans()
    assert loaded.relations == plan.relations
    assert json.dumps(loaded.to_dict(), sort_keys=True) == json.dumps(plan.to_dict(), sort_keys=True)


async def test_crystallized_tools_stay_inside_the_same_envelope(tmp_path: Path) -> None:
    from llmos.config import EvolutionConfig
    from llmos.evolution import Evolution
    from llmos.storage.versions import VersionStore

    h = harness(tmp_path)
    tickets = h.world.state["tickets"]
    for n in range(5):  # high priority every time: a crystallized tool pages the team
        tickets[str(100 + n)] = {"priority": "high", "team": ["search", "infra"][n % 2], "summary": "Down"}
        out = await h.run(TRIAGE, {"ticket": 100 + n}, mode="learner")
        assert out.correct
    (plan,) = h.engine.plans()
    evo = Evolution(
        h.db,
        h.tmp,
        h.registry,
        VersionStore(h.db, tmp_path),
        EvolutionConfig(min_uses=5),
        plans=lambda pid: h.engine.index.plans.get(pid),
    )
    assert evo.maybe_crystallize(plan) is not None
    tickets["200"] = {"priority": "low", "team": "infra", "summary": "Typo on a page"}
    decision = h.engine.select("Triage ticket 200")
    assert decision.mode == "follower" and evo.tool_for(decision.plan_id) is not None
    trace = Trace(goal="Triage ticket 200", mode="crystallized", plan_id=decision.plan_id)
    result = await evo.run_crystallized(h.ctx(trace), decision)
    assert not result.success and result.diverged and "outside the evidence" in result.diverged
    assert stopped_outside_evidence(trace) and len(h.world.state["pages"]) == 5  # nobody was paged
    assert [r.name for r in result.records] == [PREFIX + "get_ticket"]  # the model continues from here
    assert evo.record_outcome(plan.id, False, result.diverged) is None  # a precaution never demotes


async def solve_cents(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("get_exchange_rate", {"src": p["src"], "dst": p["dst"]})])
    (m,) = await calls([("multiply", {"a": p["amount"], "b": r["rate"]})])
    cents = int(round_half_up(m["result"] * 100, 0))
    await calls([("save_value", {"name": p["label"], "value": cents})])
    return f"Saved {cents} cents as '{p['label']}'."


CENTS = Family(
    "cents", "Convert {amount} {src} to {dst} in cents and save it as '{label}'", solve_cents, sample_currency
)


async def test_a_unit_change_with_rounding_is_learned_and_crystallized(tmp_path: Path) -> None:
    # also: after a precaution the scripted model redoes multiply (1881 vs the replay's 1881.0); that repeat
    # must neither mark a branch nor keep the plan from learning (induction.without_repeats)
    from llmos.evolution import crystallize as cz

    h = harness(tmp_path)
    rng = random.Random(5)
    modes = [await run_ok(h, CENTS, sample_currency(rng, h.world)) for _ in range(6)]
    assert modes[-1] == "follower"
    (plan,) = h.engine.plans()
    assert cz.problems(plan) == []
    assert "round_half_up(" in cz.generate(plan, "convert_cents").source
