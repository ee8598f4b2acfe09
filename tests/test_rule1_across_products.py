"""Rule 1's relations for a product of two reads' numbers and a share of one record
(`_envelope_facts.products`: ("prod", step a's number, step b's number), ("ratio", a, b) of one record).

Every number inside the range seen, every pair in an order seen, and still past a limit: a pump's litres
per minute (one read) times the minutes of a zone's slot (another read) under the litres the zone needs;
a claim's litres over its hectares (one record) past a scheme's cap per hectare (another read). The replay
stops before the write and the model decides. (The probes that found these: `bench/families_products2.py`,
p2_charge and p2_delivery, in other domains.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class FarmWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(pumps={}, zones={}, claims={}, schemes={}, done=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "pump":
            return {"pump": a["pump"], "l_per_min": state["pumps"][a["pump"]]}
        if name == "zone":
            need, minutes = state["zones"][a["zone"]]
            return {"zone": a["zone"], "need_l": need, "slot_min": minutes}
        if name == "claim":
            litres, ha = state["claims"][a["claim"]]
            return {"claim": a["claim"], "litres": litres, "hectares": ha}
        if name == "scheme":
            return {"scheme": a["scheme"], "cap_l_per_ha": state["schemes"][a["scheme"]]}
        if name in ("irrigate", "pay_claim"):
            state["done"].append([name, *sorted(str(v) for v in a.values())])
            return {"status": "ok"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "pump": ["pump"],
                "zone": ["zone"],
                "irrigate": ["zone", "pump"],
                "claim": ["claim"],
                "scheme": ["scheme"],
                "pay_claim": ["claim"],
            },
        )
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = FarmWorld()
    h.registry = h.world.registry()
    return h


async def solve_irrigate(p: dict[str, Any], calls: Calls) -> str:
    z, pu = await calls([("zone", {"zone": p["zone"]}), ("pump", {"pump": p["pump"]})])
    if pu["l_per_min"] * z["slot_min"] >= z["need_l"]:
        await calls([("irrigate", {"zone": p["zone"], "pump": p["pump"]})])
        return f"Zone {p['zone']} irrigated with {p['pump']}."
    return f"Not irrigated: pump {p['pump']} is too slow for zone {p['zone']}."


IRRIGATE = Family("irrigate", "Irrigate zone {zone} with pump {pump}", solve_irrigate, nothing)


async def test_a_product_of_two_reads_keeps_its_order_with_a_third_number(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(zone: str, need: int, minutes: int, pump: str, rate: int) -> dict[str, str]:
        h.world.state["zones"][zone] = [need, minutes]
        h.world.state["pumps"][pump] = rate
        return {"zone": zone, "pump": pump}

    # needs 100..300 l, slots 2..8 min, pumps 50..150 l/min: every pump delivered what its zone needed
    for zone, need, mins, pump, rate in [
        ("Z1", 100, 8, "P1", 150),
        ("Z2", 300, 2, "P2", 150),
        ("Z3", 100, 2, "P3", 50),
        ("Z4", 250, 5, "P4", 120),
    ]:
        await run_ok(h, IRRIGATE, goal(zone, need, mins, pump, rate))
    out = await h.run(IRRIGATE, goal("Z5", 200, 4, "P5", 100))  # 400 l for 200: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # need, slot and rate each inside what was seen, every pair in an order seen; 60 x 3 = 180 l for 290
    out = await h.run(IRRIGATE, goal("Z6", 290, 3, "P6", 60))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert not any(d[0] == "irrigate" and "Z6" in d for d in h.world.state["done"])


async def solve_pay(p: dict[str, Any], calls: Calls) -> str:
    c, s = await calls([("claim", {"claim": p["claim"]}), ("scheme", {"scheme": p["scheme"]})])
    if c["litres"] / c["hectares"] <= s["cap_l_per_ha"]:
        await calls([("pay_claim", {"claim": p["claim"]})])
        return f"Claim {p['claim']} paid."
    return f"Not paid: claim {p['claim']} is over the cap per hectare of {p['scheme']}."


PAY = Family("pay", "Pay water claim {claim} from scheme {scheme}", solve_pay, nothing)


async def test_a_share_of_one_record_keeps_its_order_with_another_reads_number(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(claim: str, litres: int, ha: int, scheme: str, cap: int) -> dict[str, str]:
        h.world.state["claims"][claim] = [litres, ha]
        h.world.state["schemes"][scheme] = cap
        return {"claim": claim, "scheme": scheme}

    # litres 200..2000 over 10..200 ha (20 and 10 l/ha), caps 12..25 l/ha: every claim within its cap
    for claim, litres, ha, scheme, cap in [
        ("C-101", 200, 10, "S-11", 25),
        ("C-102", 2000, 200, "S-12", 12),
        ("C-103", 900, 60, "S-13", 18),
        ("C-104", 1500, 100, "S-14", 20),
    ]:
        await run_ok(h, PAY, goal(claim, litres, ha, scheme, cap))
    out = await h.run(PAY, goal("C-105", 1200, 100, "S-15", 15))  # 12 l/ha under 15: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # litres, hectares and cap inside what was seen, every pair in an order seen; 19 l/ha over a cap of 14
    out = await h.run(PAY, goal("C-106", 950, 50, "S-16", 14))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert not any(d[0] == "pay_claim" and "C-106" in d for d in h.world.state["done"])
