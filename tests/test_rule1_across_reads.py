"""Rule 1 for the difference of two numbers of two reads (`_seen_products.read_differences`).

A vaccine fridge's temperature (one read, JSON) and the most its lot may be kept at (another read: the
lot's sheet, plain text) each lie inside what the supporting runs saw, and so does their order, while
the margin between them (1.0 C) is under every margin a supporting run released at (2.5 C or more): the
replay stops before the release and the model decides. (The probe that found this is a boiler's
pressure under the rated maximum its model's spec gave: `bench/families_heldout12b.py` h12b_boiler.)

Pairs are kept only between tools the plan calls once: the items of a list (a pallet's weight on
one call, another pallet's rack limit on the next) have no difference to keep, and a loop's plan keeps
replaying on lists of new lengths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class ColdWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(fridges={}, lots={}, released=[], pallets={}, racks={}, stored=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "fridge":
            temp, lot = state["fridges"][a["fridge"]]
            return {"fridge": a["fridge"], "temp_c": temp, "lot": lot}
        if name == "lot_sheet":
            return f"Lot {a['lot']}: keep at most {state['lots'][a['lot']]} C until use."
        if name == "release":
            state["released"].append(a["fridge"])
            return {"status": "released"}
        if name == "weigh_pallet":
            return {"pallet": a["pallet"], "kg": state["pallets"][a["pallet"]]}
        if name == "rack_of":
            return {"pallet": a["pallet"], "rack_max_kg": state["racks"][a["pallet"]]}
        if name == "store_pallet":
            state["stored"].append(a["pallet"])
            return {"stored": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "fridge": ["fridge"],
                "lot_sheet": ["lot"],
                "release": ["fridge"],
                "weigh_pallet": ["pallet"],
                "rack_of": ["pallet"],
                "store_pallet": ["pallet"],
            },
        )
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = ColdWorld()
    h.registry = h.world.registry()
    return h


async def solve_release(p: dict[str, Any], calls: Calls) -> str:
    (f,) = await calls([("fridge", {"fridge": p["fridge"]})])
    (sheet,) = await calls([("lot_sheet", {"lot": f["lot"]})])
    limit = float(sheet.split("at most ")[1].split(" ")[0])
    if limit - f["temp_c"] >= 2.0:
        await calls([("release", {"fridge": p["fridge"]})])
        return f"The vaccines of fridge {p['fridge']} are released."
    return f"Held: fridge {p['fridge']} is within 2 C of its lot's limit."


RELEASE = Family("release", "Release the vaccines of fridge {fridge}", solve_release, nothing)


async def test_a_margin_across_two_reads_stays_inside_the_margins_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(fridge: str, temp: float, limit: float) -> dict[str, str]:
        lot = "LOT-" + fridge[1:]
        h.world.state["fridges"][fridge] = [temp, lot]
        h.world.state["lots"][lot] = limit
        return {"fridge": fridge}

    # temperatures 2..6 C under limits 6..10 C, 2.5..4 C of margin: every fridge released
    for fridge, temp, limit in [("F1", 2.0, 6.0), ("F2", 6.0, 10.0), ("F3", 4.0, 6.5), ("F4", 5.0, 8.0)]:
        await run_ok(h, RELEASE, goal(fridge, temp, limit))
    out = await h.run(RELEASE, goal("F5", 3.0, 6.0))  # 3 C of margin: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    # the temperature, the limit and their order inside what was seen; 1 C of margin
    out = await h.run(RELEASE, goal("F6", 5.5, 6.5))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "F6" not in h.world.state["released"]
    assert "the difference" in str(out.trace.events) and "step 1's temp_c" in str(out.trace.events)


async def solve_store(p: dict[str, Any], calls: Calls) -> str:
    for pallet in p["items"]:
        (w,) = await calls([("weigh_pallet", {"pallet": pallet})])
        (r,) = await calls([("rack_of", {"pallet": pallet})])
        if w["kg"] <= r["rack_max_kg"]:
            await calls([("store_pallet", {"pallet": pallet})])
    return f"Stored {', '.join(p['items'])}."


STORE = Family("store", "Store the pallets {items_text}", solve_store, nothing)


async def test_a_loop_of_two_reads_per_item_keeps_replaying_on_new_lengths(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # every pallet under its rack's maximum; the pallets of a new list pair other ways than any run's
    kg = [150, 420, 300, 180, 400, 250, 390, 160, 330, 410, 155, 395, 170, 405, 165, 415, 175, 385]
    rack = [900, 620, 750, 880, 640, 700, 610, 890, 800, 615, 895, 630, 885, 612, 898, 618, 890, 625]
    for n, (k, r) in enumerate(zip(kg, rack, strict=True), 1):
        h.world.state["pallets"][f"P{n}"], h.world.state["racks"][f"P{n}"] = k, r

    def goal(items: list[str]) -> dict[str, Any]:
        return {"items": items, "items_text": ", ".join(items[:-1]) + " and " + items[-1]}

    for items in [["P1", "P2"], ["P3", "P4"], ["P5", "P6"], ["P7", "P8", "P9"], ["P2", "P4", "P6"], ["P1", "P3", "P5"]]:
        await run_ok(h, STORE, goal(items))
    # new lengths, and pallets whose weights and racks pair other ways than any run's
    longer = [["P10", "P11", "P12", "P13"], ["P14", "P15", "P16", "P17", "P18"], ["P18", "P17", "P16", "P12", "P11"]]
    for items in longer:
        out = await h.run(STORE, goal(items))
        assert out.decision.mode == "follower" and out.correct and out.llm_calls == 0, (items, out.trace.events)
        assert h.world.state["stored"][-len(items) :] == items
