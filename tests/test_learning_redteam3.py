"""Red-team round 3 probes of unsafe replay (see bench/families_redteam3.py), on the world harness.

- a threshold on a goal *measure* ("23 kg") whose first values grew one by one like an order id;
- a code with digits (warehouse "E5") that picks a constant argument (the carrier), never seen;
- identifiers with digits of one shape ("AC-104" after "AC-100", "AC-102") still replay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_redteam import COLLECT, RedWorld
from test_learning_world import Calls, Family, Harness, nothing, run_ok, stopped_outside_evidence, world_harness


class ShipWorld(RedWorld):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(shipments=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "book_shipment":
            state["shipments"].append(dict(a))
            return {"id": len(state["shipments"]), "ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"book_shipment": ["order", "warehouse", "carrier"]})
        return reg


def harness(tmp: Path) -> Harness:
    return world_harness(tmp, ShipWorld())


async def solve_ship(p: dict[str, Any], calls: Calls) -> str:
    carrier = "DHL" if p["wh"] in ("A1", "B2", "C3") else "UPS"
    await calls([("book_shipment", {"order": p["order"], "warehouse": p["wh"], "carrier": carrier})])
    return f"Shipped with {carrier}."


SHIP = Family("ship", "Ship order {order} from warehouse {wh}", solve_ship, nothing)


async def test_a_growing_measure_is_not_an_identifier(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, kg in enumerate([16, 17, 18, 19, 20]):  # grew one by one, like an order id
        await run_ok(h, COLLECT, {"kg": kg, "order": 700 + 3 * n})
    out = await h.run(COLLECT, {"kg": 22, "order": 715})  # "23 kg" is a measure: over the threshold
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["collections"][-1]["service"] == "freight"


async def test_a_code_with_digits_never_seen_stops_a_picked_constant(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, wh in enumerate(["A1", "B2", "C3", "A1"]):
        await run_ok(h, SHIP, {"order": 5000 + 4 * n, "wh": wh})
    assert await run_ok(h, SHIP, {"order": 5017, "wh": "B2"}) == "follower"  # a code seen: replayed
    out = await h.run(SHIP, {"order": 5021, "wh": "E5"})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert h.world.state["shipments"][-1]["carrier"] == "UPS"


async def test_an_identifier_with_digits_of_one_shape_still_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n in range(3):
        await run_ok(h, SHIP, {"order": 5000 + n, "wh": f"W{100 + 2 * n}"})
    out = await h.run(SHIP, {"order": 5003, "wh": "W105"})  # the next value of a growing identifier
    assert out.correct and out.trace.mode == "follower" and not stopped_outside_evidence(out.trace)
