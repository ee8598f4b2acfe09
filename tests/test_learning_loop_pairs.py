"""Rule 1's goal-number pairs in a loop (`learning/loops/_pairs.py`): a plan records "goal number #k x a
result number" under the number's place among the goal's numbers, which names another number in every
copy and at every list length once the items are numbers. In the item's frame the amount after the list
stays the amount, whatever the list's length, and a pair of one item's number with another item's
result is no pair."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, World, nothing, run_ok, world_harness

BALANCES = {
    "4411": 15, "4412": 60, "4413": 50, "4414": 12, "4415": 80, "4416": 25, "4417": 40, "4418": 14,
    "4419": 90, "4420": 20, "4421": 70, "4422": 100, "4423": 30, "4424": 10, "4425": 45,
}  # fmt: skip
TRAIN = [
    (["4411", "4412"], 20),
    (["4413", "4414"], 10),
    (["4415", "4416"], 30),
    (["4417", "4418", "4419"], 15),
    (["4420", "4421", "4422"], 25),
    (["4423", "4424", "4425"], 12),
]


class CardWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(balances=dict(BALANCES), topups=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "card_balance":
            return {"card": a["card"], "balance_eur": state["balances"][a["card"]]}
        if name == "top_up_card":
            state["topups"].append([a["card"], a["eur"]])
            return {"card": a["card"], "topped_up": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"card_balance": ["card"], "top_up_card": ["card", "eur"]})
        return reg


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


async def solve_top_up(p: dict[str, Any], calls: Calls) -> str:
    for card in p["cards"]:
        await calls([("card_balance", {"card": card})])
        await calls([("top_up_card", {"card": card, "eur": p["eur"]})])
    return "Topped up."


TOP_UP = Family("top_up", "Top up the canteen cards {cards_text} by {eur} EUR", solve_top_up, nothing)


def params(cards: list[str], eur: int) -> dict[str, Any]:
    return {"cards": cards, "cards_text": listed(cards), "eur": eur}


async def test_the_amount_after_a_list_of_numbers_is_checked_with_each_items_result(tmp_path: Path) -> None:
    """Every top-up in the supporting runs left the amount at most 5 EUR over the card's balance. A list
    of four cards puts the amount at another place among the goal's numbers (the fifth) than any run
    did: main paired no card's balance with it, and checked pairs that mean nothing instead (the third
    card's number x one card's balance / another card's), which stopped the control by chance and the
    30 EUR on a card of 12 EUR (each value seen, their difference never) by chance too. In the item's
    frame the amount is checked with every card's own balance."""
    h = world_harness(tmp_path, CardWorld())
    for cards, eur in TRAIN:
        await run_ok(h, TOP_UP, params(cards, eur))
    control = await h.run(TOP_UP, params(["4413", "4419", "4421", "4415"], 20))
    assert control.decision.mode == "follower" and control.correct and control.llm_calls == 0, control.trace.events
    assert control.decision.plan_id is not None and control.decision.plan_id.startswith("loop:")
    h.world.state["balances"]["4416"] = 12
    out = await h.run(TOP_UP, params(["4413", "4416", "4420", "4418"], 30))
    assert out.decision.mode == "follower" and out.correct, out.decision.reason
    stop = next(e for e in out.trace.events if e.get("kind") == "envelope")
    assert "goal's number #5" in stop["reason"], stop
    replayed = [(c.name.split("__")[-1], c.arguments.get("card")) for c in out.trace.tool_calls if c.source == "replay"]
    assert replayed == [("card_balance", "4413"), ("top_up_card", "4413"), ("card_balance", "4416")], replayed
