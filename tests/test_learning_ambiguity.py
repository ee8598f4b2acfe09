"""Several plans match one goal (issue 9): they replay as one when they make the same calls for it
(every plan's checks apply); a more specific plan is taken when the others never saw the goal's
words; otherwise the model decides (must-not-replay: plans whose calls differ for this goal, and a
general plan whose evidence covered the specific plan's word)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok


class BoxWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(orders=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "order_boxes":
            state["orders"].append([a["site"], a["qty"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"order_boxes": ["site", "qty"]})
        return reg


def _order(qty: Any) -> Any:
    async def solve(p: dict[str, Any], calls: Calls) -> str:
        await calls([("order_boxes", {"site": p["site"], "qty": qty(p["n"], p["site"])})])
        return f"Ordered boxes for {p['site']}."

    return solve


# Paris (a site of its own): two boxes per crate asked; the other sites: two more than asked. For
# 2 crates both give 4; for 3 they part (6 and 5).
ORDER = Family(
    "order", "Order {n} crates for site {site}", _order(lambda n, site: 2 * n if site == "Paris" else n + 2), nothing
)


PLUS_TWO = Family("order", "Order {n} crates for site {site}", _order(lambda n, site: n + 2), nothing)
PACKS = Family(
    "packs",
    "Order {n} crates of {pack} for site {site}",
    _order(lambda n, site: 2 * n if site == "Paris" else n + 2),
    nothing,
)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = BoxWorld()
    h.registry = h.world.registry()
    return h


async def two_plans(h: Harness, general_sites: tuple[str, ...] = ("Lyon", "Nice", "Lille")) -> None:
    for n in (1, 5, 7):
        await run_ok(h, ORDER, {"n": n, "site": "Paris"})
    for n, site in zip((1, 6, 8), general_sites, strict=True):  # 1..8: the general plan saw 2 crates (rule 1)
        await run_ok(h, ORDER, {"n": n, "site": site})
    assert len(h.engine.plans()) == 2, [p.skeleton_text() for p in h.engine.plans()]


async def test_plans_that_make_the_same_calls_replay_as_one(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await two_plans(h)
    out = await h.run(ORDER, {"n": 2, "site": "Paris"})
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "follower", out.decision.reason
    assert out.decision.companions and "one plan" in out.decision.reason["ambiguity"]["resolved"]
    assert h.world.state["orders"][-1] == ["Paris", 4]


async def test_the_more_specific_plan_replays_when_the_other_never_saw_its_word(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await two_plans(h)
    out = await h.run(ORDER, {"n": 3, "site": "Paris"})  # 6 by the Paris plan, 5 by the general one
    assert out.correct and out.trace.mode == "follower", out.decision.reason
    assert "more specific" in out.decision.reason["ambiguity"]["resolved"]
    assert h.world.state["orders"][-1] == ["Paris", 6]


async def test_must_not_replay_when_the_general_plan_saw_the_specific_word(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await two_plans(h)
    out = await h.run(PLUS_TWO, {"n": 9, "site": "Paris"}, mode="learner")  # once, Paris got two more too
    assert out.correct
    out = await h.run(ORDER, {"n": 3, "site": "Paris"})
    assert out.correct and out.trace.mode != "follower" and out.llm_calls > 0, out.decision.reason


async def test_the_specific_plan_replays_when_the_general_never_saw_one_of_its_goals(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in (1, 5, 7):  # site Paris, 12-packs: 2 * n
        await run_ok(h, PACKS, {"n": n, "site": "Paris", "pack": "12-packs"})
    for n, pack in zip((4, 6, 8), ("6-packs", "4-packs", "3-packs"), strict=True):  # site Lyon: n + 2
        await run_ok(h, PACKS, {"n": n, "site": "Lyon", "pack": pack})
    for n, site in zip((4, 6, 8), ("Nice", "Lille", "Metz"), strict=True):
        await run_ok(h, PACKS, {"n": n, "site": site, "pack": "12-packs"})
    out = await h.run(PACKS, {"n": 3, "site": "Paris", "pack": "12-packs"})  # the general plan saw
    assert out.correct and out.trace.mode == "follower", out.decision.reason  # 12-packs, never Paris
    assert h.world.state["orders"][-1] == ["Paris", 6]


async def test_must_not_replay_plans_that_part_and_neither_is_more_specific(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in (1, 5, 7):  # site Paris, any pack: 2 * n
        await run_ok(h, PACKS, {"n": n, "site": "Paris", "pack": f"{n + 2}-packs"})
    for n, site in zip((4, 6, 8), ("Nice", "Lille", "Metz"), strict=True):  # 12-packs, any other site: n + 2
        await run_ok(h, PACKS, {"n": n, "site": site, "pack": "12-packs"})
    out = await h.run(PACKS, {"n": 3, "site": "Paris", "pack": "12-packs"})  # both match, and part (6, 5)
    assert out.correct and out.trace.mode != "follower" and out.llm_calls > 0, out.decision.reason
    assert "unresolved" in out.decision.reason["ambiguity"]
