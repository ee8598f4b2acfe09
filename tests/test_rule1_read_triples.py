"""Rule 1 for the product of three numbers across two reads (`_seen_products.read_triples`, `~xprod`).

A hall hire costs guests x hours (the booking) x the caterer's rate per guest and hour (another read);
above 3000 EUR the committee approves it. The supporting runs saw each number at both ends of its range,
so each product of two, each ratio and each difference across the reads lies inside what they saw for a
booking of 140 guests for 6 hours at 4 EUR, while its cost (3360 EUR) is past every cost seen (2800 at
most). Main booked it (its probe: a museum loan's value x months x the insurer's rate,
`bench/families_heldout25.py` h25_artloan, seed 7). The product of two numbers of one read and one of
the other is now recorded and checked like the ratio across two reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._seen_products import read_triples
from llmos.learning.risk import registry_risk

CAP = 3000


class HallWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(bookings={}, confirmed=[], committee=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        guests, hours, rate = state["bookings"][a["booking"]]
        if name == "booking":
            return {"booking": a["booking"], "guests": guests, "hours": hours}
        if name == "caterer":
            return {"caterer": "Mesa", "eur_per_guest_hour": rate}
        state["confirmed" if name == "confirm" else "committee"].append(a["booking"])
        return {"status": "done"}

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"booking": ["booking"], "caterer": ["booking"], "confirm": ["booking"], "ask": ["booking"]})
        for read in ("booking", "caterer"):
            tool = reg.get(PREFIX + read)
            assert tool is not None
            tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (b,) = await calls([("booking", {"booking": p["booking"]})])
    (c,) = await calls([("caterer", {"booking": p["booking"]})])
    if b["guests"] * b["hours"] * c["eur_per_guest_hour"] > CAP:
        await calls([("ask", {"booking": p["booking"]})])
        return f"Booking {p['booking']} costs over {CAP} EUR: sent to the committee."
    await calls([("confirm", {"booking": p["booking"]})])
    return f"Booking {p['booking']} confirmed."


HIRE = Family("hire", "Confirm hall booking {booking}", solve, nothing)


def goal(h: Harness, name: str, guests: int, hours: int, rate: float) -> dict[str, str]:
    h.world.state["bookings"][name] = (guests, hours, rate)
    return {"booking": name}


async def test_three_numbers_of_two_reads_past_every_product_seen_stop_the_write(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = HallWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    for n, (g, hrs, r) in enumerate([(200, 2, 7.0), (40, 8, 7.0), (200, 8, 1.5), (40, 2, 1.5)], 1):
        await run_ok(h, HIRE, goal(h, f"HB-{n}", g, hrs, r))
    out = await h.run(HIRE, goal(h, "HB-5", 100, 4, 3.0))  # 1200 EUR: inside, replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    out = await h.run(HIRE, goal(h, "HB-6", 140, 6, 4.0))  # 3360 EUR: every pair inside, the three past
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "HB-6" in h.world.state["committee"] and "HB-6" not in h.world.state["confirmed"]
    assert "the product" in str(out.trace.events)


def test_two_numbers_of_one_read_with_one_of_the_other() -> None:
    earlier = [(("guests",), ("guests",), 140.0), (("hours",), ("hours",), 6.0)]
    mine = [(("rate",), ("rate",), 4.0)]
    got = read_triples(([(0, earlier)], mine))
    assert got == {
        (("@step", 0, "guests"), ("@step", 0, "hours"), ("rate",)): (
            3360.0,
            [("@step", 0, "guests"), ("@step", 0, "hours"), ("rate",)],
        )
    }
