"""Red-team probes of unsafe replay (see bench/families_redteam.py), on the world harness.

Each test learns a plan from runs that all agree on a fact the goal's wording does not show, then
sends a goal that breaks it. The replay (FOLLOWER or CRYSTALLIZED) must stop before it does anything
wrong ("outside the evidence"), and the model must finish correctly:

- a list in a result whose length decides how many calls follow (a loop), or whether any does;
- a goal value that is (not) one of a result's values (a membership test decides a write);
- a constant argument picked by a threshold on a goal number;
- a constant argument picked by a short text result that varied in the evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import (
    PREFIX,
    Calls,
    Family,
    Harness,
    World,
    nothing,
    run_ok,
    stopped_outside_evidence,
    world_harness,
)

from llmos.trace import Trace

EXTRA = {
    "get_team": ["team"],
    "post_memo": ["to", "subject"],
    "get_channel": ["channel"],
    "add_member": ["channel_id", "person"],
    "book_collection": ["order", "weight_kg", "service"],
    "get_account": ["account"],
    "create_delivery": ["parcel", "account", "hub", "speed"],
}


class RedWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(teams={}, memos={}, channels={}, collections=[], accounts={}, deliveries=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "get_team":
            return {"team": a["team"], "members": state["teams"][a["team"]]}
        if name == "post_memo":
            state["memos"][a["to"]] = a["subject"]
            return {"delivered": True}
        if name == "get_channel":
            names = sorted(state["channels"])
            return {
                "channel": a["channel"],
                "channel_id": 100 + names.index(a["channel"]),
                "members": state["channels"][a["channel"]],
            }
        if name == "add_member":
            state["channels"][sorted(state["channels"])[a["channel_id"] - 100]].append(a["person"])
            return {"ok": True}
        if name == "get_account":
            return {"account": a["account"], **state["accounts"][a["account"]]}
        if name in ("book_collection", "create_delivery"):
            section = {"book_collection": "collections", "create_delivery": "deliveries"}[name]
            state[section].append(dict(a))
            return {"id": len(state[section]), "ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, EXTRA)
        return reg


def harness(tmp: Path) -> Harness:
    return world_harness(tmp, RedWorld())


async def solve_team(p: dict[str, Any], calls: Calls) -> str:
    (t,) = await calls([("get_team", {"team": p["team"]})])
    await calls([("post_memo", {"to": m, "subject": p["subject"]}) for m in t["members"]])
    return f"Sent to {len(t['members'])}."


async def solve_invite(p: dict[str, Any], calls: Calls) -> str:
    (c,) = await calls([("get_channel", {"channel": p["channel"]})])
    if p["person"] in c["members"]:
        return "Already a member."
    await calls([("add_member", {"channel_id": c["channel_id"], "person": p["person"]})])
    return "Added."


async def solve_collection(p: dict[str, Any], calls: Calls) -> str:
    service = "freight" if p["kg"] > 20 else "standard"
    await calls([("book_collection", {"order": p["order"], "weight_kg": p["kg"], "service": service})])
    return f"Booked {service}."


async def solve_deliver(p: dict[str, Any], calls: Calls) -> str:
    (a,) = await calls([("get_account", {"account": p["account"]})])
    speed = "express" if a["tier"] in ("gold", "silver") else "economy"
    await calls(
        [("create_delivery", {"parcel": p["parcel"], "account": p["account"], "hub": a["hub"], "speed": speed})]
    )
    return f"Delivered {speed}."


TEAM = Family("team", "Send the memo {subject} to the {team} team", solve_team, nothing)
INVITE = Family("invite", "Add {person} to the {channel} channel", solve_invite, nothing)
COLLECT = Family("collect", "Book a collection of {kg} kg for order {order}", solve_collection, nothing)
DELIVER = Family("deliver", "Deliver parcel {parcel} to account {account}", solve_deliver, nothing)


async def test_a_list_of_another_length_stops_a_loop_replay(tmp_path: Path) -> None:
    h = harness(tmp_path)
    teams = h.world.state["teams"]
    modes = []
    for n, team in enumerate(["apollo", "borealis", "cobalt"]):
        teams[team] = [f"a{n}@x.example", f"b{n}@x.example"]  # two members every time
        modes.append(await run_ok(h, TEAM, {"subject": f"s{n}", "team": team}))
    assert modes[-1] == "follower"
    teams["delta"] = ["c@x.example", "d@x.example", "e@x.example"]  # three: one memo more
    out = await h.run(TEAM, {"subject": "s9", "team": "delta"})
    assert out.decision.mode == "follower" and out.correct and stopped_outside_evidence(out.trace)
    assert sorted(h.world.state["memos"])[-3:] == ["c@x.example", "d@x.example", "e@x.example"]
    (plan,) = [p for p in h.engine.plans() if len(p.steps) == 3]  # get_team, then two memos
    assert plan.branching  # the loop is now known to vary


async def test_a_goal_value_found_in_a_result_stops_a_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    chans = h.world.state["channels"]
    chans.update(general=["Bruno", "Chen"], random=["Dana", "Elif"], ops=["Farid", "Omar"], sales=["Hiro", "Ines"])
    chans["design"] = ["Greta", "Umar"]
    for person, channel in [("Alice", "general"), ("Jonas", "random"), ("Kofi", "ops")]:
        await run_ok(h, INVITE, {"person": person, "channel": channel})
    assert await run_ok(h, INVITE, {"person": "Lena", "channel": "sales"}) == "follower"
    out = await h.run(INVITE, {"person": "Greta", "channel": "design"})  # same list length, already a member
    assert out.decision.mode == "follower" and out.correct and stopped_outside_evidence(out.trace)
    assert chans["design"] == ["Greta", "Umar"]
    assert "'Greta'" in next(e["reason"] for e in out.trace.events if e.get("kind") == "envelope")


async def test_a_constant_picked_by_a_goal_number_outside_the_seen_range(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, kg in enumerate([7, 3, 15, 11]):
        await run_ok(h, COLLECT, {"kg": kg, "order": 900 + 5 * n})
    assert await run_ok(h, COLLECT, {"kg": 9, "order": 905}) == "follower"  # inside what was seen
    out = await h.run(COLLECT, {"kg": 38, "order": 931})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["collections"][-1]["service"] == "freight"


async def test_a_growing_identifier_is_not_a_threshold(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in range(3):
        await run_ok(h, COLLECT, {"kg": 5, "order": 900 + n})
    out = await h.run(COLLECT, {"kg": 5, "order": 903})  # the next order number: replayed
    assert out.correct and out.trace.mode == "follower" and not stopped_outside_evidence(out.trace)


async def test_a_constant_picked_by_a_text_result_never_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)
    accounts = h.world.state["accounts"]
    for n in range(4):
        accounts[f"AC-{n}"] = {"tier": ["gold", "silver"][n % 2], "hub": "HUB-1"}
        await run_ok(h, DELIVER, {"parcel": 40 + n, "account": f"AC-{n}"})
    accounts["AC-7"] = {"tier": "gold", "hub": "HUB-1"}
    assert await run_ok(h, DELIVER, {"parcel": 47, "account": "AC-7"}) == "follower"
    accounts["AC-8"] = {"tier": "bronze", "hub": "HUB-1"}
    out = await h.run(DELIVER, {"parcel": 48, "account": "AC-8"})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["deliveries"][-1]["speed"] == "economy"


async def test_new_envelope_facts_survive_a_reload(tmp_path: Path) -> None:
    import json

    from llmos.learning.engine import LearningEngine

    h = harness(tmp_path)
    h.world.state["teams"].update(apollo=["a@x"], borealis=["b@x"])
    await run_ok(h, TEAM, {"subject": "s1", "team": "apollo"})
    await run_ok(h, TEAM, {"subject": "s2", "team": "borealis"})
    (plan,) = h.engine.plans()
    assert plan.steps[0].lengths == {'["members"]': 1} and plan.memberships
    (loaded,) = LearningEngine(h.db, h.config.learning).plans()
    assert json.dumps(loaded.to_dict(), sort_keys=True) == json.dumps(plan.to_dict(), sort_keys=True)


async def test_crystallized_loop_stays_inside_the_list_length(tmp_path: Path) -> None:
    from llmos.config import EvolutionConfig
    from llmos.evolution import Evolution
    from llmos.storage.versions import VersionStore

    h = harness(tmp_path)
    teams = h.world.state["teams"]
    for n in range(5):
        teams[f"t{n}"] = [f"a{n}@x.example", f"b{n}@x.example"]
        assert (await h.run(TEAM, {"subject": f"s{n}", "team": f"t{n}"}, mode="learner")).correct
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
    teams["t9"] = ["c@x.example", "d@x.example", "e@x.example"]
    goal = "Send the memo s9 to the t9 team"
    decision = h.engine.select(goal)
    assert decision.mode == "follower" and evo.tool_for(decision.plan_id) is not None
    trace = Trace(goal=goal, mode="crystallized", plan_id=decision.plan_id)
    result = await evo.run_crystallized(h.ctx(trace), decision)
    assert not result.success and result.diverged and "outside the evidence" in result.diverged
    assert stopped_outside_evidence(trace) and not any(m.startswith(("c@", "d@")) for m in h.world.state["memos"])
    assert [r.name for r in result.records] == [PREFIX + "get_team"]


async def test_a_stop_on_a_result_leaves_the_model_its_own_turn(tmp_path: Path) -> None:
    # a precaution raised while verifying a result (a list of another length) used to leave ctx.turn at the
    # replay's turn: the model's first calls joined the replay's group, and learning saw a false branch
    h = harness(tmp_path)
    teams = h.world.state["teams"]
    for n in range(3):
        teams[f"t{n}"] = [f"a{n}@x.example"]
        await run_ok(h, TEAM, {"subject": f"s{n}", "team": f"t{n}"})
    teams["t9"] = ["c@x.example", "d@x.example"]
    out = await h.run(TEAM, {"subject": "s9", "team": "t9"})
    assert out.correct and stopped_outside_evidence(out.trace)
    turns = {c.name: c.turn for c in out.trace.tool_calls}
    assert turns[PREFIX + "post_memo"] > turns[PREFIX + "get_team"]
