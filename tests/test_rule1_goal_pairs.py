"""Rule 1 for the product and the ratio of a goal number with a result number.

A rent increase is applied while the new rent stays within 5% of the current one (a hidden share);
freight is booked while kilograms x the rate per kg stays under a hidden limit. Each number lies
inside what the supporting runs saw, yet their ratio (or product) lies outside it: the replay stops
before the write and the model decides (held-out round X found the same classes on salary raises
over 10% and purchase orders over 5000 EUR).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class LettingWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(leases={}, rents={}, lanes={}, freight=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "lease":
            return {"lease": a["lease"], "monthly_rent": state["leases"][a["lease"]], "tenant": "K. Ito"}
        if name == "set_rent":
            state["rents"][a["lease"]] = a["rent"]
            return {"lease": a["lease"], "status": "saved"}
        if name == "lane":
            return {"lane": a["lane"], "eur_per_kg": state["lanes"][a["lane"]], "carrier": "Nordfrakt"}
        if name == "book_freight":
            state["freight"].append([a["lane"], a["eur"]])
            return {"booked": a["lane"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "lease": ["lease"],
                "set_rent": ["lease", "rent"],
                "lane": ["lane"],
                "book_freight": ["lane", "eur"],
            },
        )
        return reg


async def solve_rent(p: dict[str, Any], calls: Calls) -> str:
    (lease,) = await calls([("lease", {"lease": p["lease"]})])
    if p["rent"] <= lease["monthly_rent"] * 1.05:
        await calls([("set_rent", {"lease": p["lease"], "rent": p["rent"]})])
        return f"Rent of {p['lease']} set to {p['rent']}."
    return f"Not changed: {p['rent']} is more than 5% over the current rent of {p['lease']}."


async def solve_freight(p: dict[str, Any], calls: Calls) -> str:
    (lane,) = await calls([("lane", {"lane": p["lane"]})])
    eur = round(p["kg"] * lane["eur_per_kg"], 2)
    if eur <= 600:
        await calls([("book_freight", {"lane": p["lane"], "eur": eur})])
        return f"Booked {p['kg']} kg on {p['lane']} for {eur} EUR."
    return f"Not booked: {eur} EUR needs a quote."


RENT = Family("rent", "Set the rent of lease {lease} to {rent}", solve_rent, nothing)
FREIGHT = Family("freight", "Ship {kg} kg on lane {lane}", solve_freight, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = LettingWorld()
    h.registry = h.world.registry()
    return h


def _rent(h: Harness, lease: str, current: int, new: int) -> dict[str, Any]:
    h.world.state["leases"][lease] = current
    return {"lease": lease, "rent": new}


def _lane(h: Harness, lane: str, per_kg: float, kg: int) -> dict[str, Any]:
    h.world.state["lanes"][lane] = per_kg
    return {"lane": lane, "kg": kg}


async def test_a_ratio_of_goal_and_result_numbers_stays_inside_the_evidence(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # current rents 800..2000, new rents 820..2080: every increase 2..4%
    for lease, cur, new in [("L-11", 800, 820), ("L-12", 2000, 2080), ("L-13", 1200, 1230), ("L-14", 1500, 1550)]:
        await run_ok(h, RENT, _rent(h, lease, cur, new))
    out = await h.run(RENT, _rent(h, "L-15", 1000, 1030))  # 3%: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # 900 and 1900 each inside what the runs saw, a rise of 111%: the model before the write
    out = await h.run(RENT, _rent(h, "L-16", 900, 1900))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "L-16" not in h.world.state["rents"]
    assert "ratio of the goal's number" in str(out.trace.events)


async def test_a_product_an_argument_computes_stays_inside_the_evidence(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # 10..60 kg at 1.5..12 EUR/kg: every booking 15..540 EUR
    for lane, per_kg, kg in [("N1", 1.5, 10), ("N2", 9.0, 60), ("N3", 12.0, 45), ("N4", 4.0, 30)]:
        await run_ok(h, FREIGHT, _lane(h, lane, per_kg, kg))
    out = await h.run(FREIGHT, _lane(h, "N5", 6.0, 40))  # 240 EUR: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # 58 kg and 11.5 EUR/kg each inside, 667 EUR outside [15, 540] (and over the limit): the model
    out = await h.run(FREIGHT, _lane(h, "N6", 11.5, 58))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "product of the goal's number" in str(out.trace.events)


class FarmWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(fields={}, products={}, spread=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "field":
            return {"field": a["field"], "hectares": state["fields"][a["field"]], "crop": "barley"}
        if name == "fertiliser":
            return {"product": a["product"], "n_share": state["products"][a["product"]]}
        if name == "spread":
            state["spread"].append([a["field"], a["kg"]])
            return {"spread": a["field"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"field": ["field"], "fertiliser": ["product"], "spread": ["field", "kg"]})
        return reg


async def solve_spread(p: dict[str, Any], calls: Calls) -> str:
    field, prod = await calls([("field", {"field": p["field"]}), ("fertiliser", {"product": p["product"]})])
    if p["kg"] * prod["n_share"] / field["hectares"] <= 170:  # kg of nitrogen per hectare
        await calls([("spread", {"field": p["field"], "kg": p["kg"]})])
        return f"Spread {p['kg']} kg on {p['field']}."
    return f"Not spread: over 170 kg N/ha on {p['field']}."


SPREAD = Family("spread", "Spread {kg} kg of {product} on field {field}", solve_spread, nothing)


async def test_a_goal_number_times_one_result_over_another_stays_inside_the_evidence(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = FarmWorld()
    h.registry = h.world.registry()

    def goal(field: str, ha: float, product: str, share: float, kg: int) -> dict[str, Any]:
        h.world.state["fields"][field] = ha
        h.world.state["products"][product] = share
        return {"field": field, "product": product, "kg": kg}

    # 200..900 kg, 0.2..0.46 N, 2..6 ha: 30..120 kg N/ha
    for args in [("F1", 2.0, "CAN", 0.27, 200), ("F2", 6.0, "UREA", 0.46, 900), ("F3", 4.0, "AS", 0.2, 600)]:
        await run_ok(h, SPREAD, goal(*args))
    await run_ok(h, SPREAD, goal("F4", 3.0, "CAN", 0.27, 500))
    out = await h.run(SPREAD, goal("F5", 5.0, "UREA", 0.46, 700))  # 64 kg N/ha: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    # 850 kg, 0.46 N and 2.2 ha each inside what the runs saw: 178 kg N/ha, the model before the write
    out = await h.run(SPREAD, goal("F6", 2.2, "UREA", 0.46, 850))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert ["F6", 850] not in h.world.state["spread"]
