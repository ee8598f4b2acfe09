"""Rule 1's products held by their units (`_seen_units`): a product no quantity is made of decides nothing.

A pilot's hours this week and the duty limit (one read) and a flight's block hours (another) make the
product hours x hours x hours, which means nothing: the duty check adds them. Each number and each sum
of the supporting runs lies inside what a new goal shows while the product of the three leaves its range:
main called the model (`bench/families_heldout3.py` h3_crew lost its replays so). The product is no longer
held; every operand still is, and so is the sum of two numbers of one unit (hours this week + block hours,
which the duty limit is about), and a product whose units make a quantity (a hall's guests x hours x a rate
per guest and hour, a tank's length x width x height) stops the replay as before
(`test_rule1_read_triples.py`, `test_rule1_triple_products.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._seen_units import meaningless, unit_of
from llmos.learning.risk import registry_risk

LIMIT = 50.0


class DutyWorld(World):
    def __init__(self, seed: int = 0, shown: bool = True) -> None:
        super().__init__(seed)
        self.state.update(duty={}, assigned=[], refused=[])
        self.shown = shown  # whether the pilot's read shows the limit (else the tool's description says it)

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        hours, block = state["duty"][a["pilot"]]
        if name == "pilot":
            limit = {"limit_hours": LIMIT} if self.shown else {}
            return {"pilot": a["pilot"], "hours_this_week": hours, **limit, "base": "LIS"}
        if name == "flight":
            return {"flight": "TP" + a["pilot"][-3:], "block_hours": block}
        state["assigned" if name == "assign" else "refused"].append(a["pilot"])
        return {"status": "done"}

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"pilot": ["pilot"], "flight": ["pilot"], "assign": ["pilot"], "refuse": ["pilot"]})
        for read in ("pilot", "flight"):
            tool = reg.get(PREFIX + read)
            assert tool is not None
            tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (d,) = await calls([("pilot", {"pilot": p["pilot"]})])
    (f,) = await calls([("flight", {"pilot": p["pilot"]})])
    if d["hours_this_week"] + f["block_hours"] > LIMIT:
        await calls([("refuse", {"pilot": p["pilot"]})])
        return f"Pilot {p['pilot']} would pass {LIMIT:g} hours: refused."
    await calls([("assign", {"pilot": p["pilot"]})])
    return f"Pilot {p['pilot']} assigned."


DUTY = Family("duty", "Assign pilot {pilot} to the flight", solve, nothing)


def goal(h: Harness, name: str, hours: float, block: float) -> dict[str, str]:
    h.world.state["duty"][name] = (hours, block)
    return {"pilot": name}


async def _learned(tmp_path: Path, shown: bool = True) -> Harness:
    h = Harness(tmp_path)
    h.world = DutyWorld(shown=shown)
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    for n, (hours, block) in enumerate([(44.0, 2.5), (20.0, 9.5), (31.5, 6.0), (38.0, 7.5)], 1):
        await run_ok(h, DUTY, goal(h, f"PL-10{n}", hours, block))
    return h


async def test_hours_cubed_leaves_its_range_and_the_replay_goes_on(tmp_path: Path) -> None:
    h = await _learned(tmp_path)
    out = await h.run(DUTY, goal(h, "PL-205", 27.0, 3.0))  # 27 x 50 x 3 = 4050: below every product seen
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    assert "PL-205" in h.world.state["assigned"]


async def test_the_sum_of_one_unit_is_held_instead(tmp_path: Path) -> None:
    h = await _learned(tmp_path, shown=False)  # no limit in the result: no order of two numbers to flip
    # 43.5 h and 8 h: each inside, so are their difference and ratio; their sum 51.5 h is past every sum seen
    # (46.5 at most) and past the limit. The product hours cubed caught it by chance; the sum by its units.
    out = await h.run(DUTY, goal(h, "PL-207", 43.5, 8.0))
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "PL-207" in h.world.state["refused"] and "PL-207" not in h.world.state["assigned"]
    assert "the sum" in str(out.trace.events)


async def test_an_operand_outside_its_range_still_stops(tmp_path: Path) -> None:
    h = await _learned(tmp_path)
    out = await h.run(DUTY, goal(h, "PL-206", 46.0, 6.0))  # 46 hours: past every week seen (and past 50)
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "PL-206" in h.world.state["refused"] and "PL-206" not in h.world.state["assigned"]


def test_units_of_keys() -> None:
    assert unit_of(("hours_this_week",)) == ("time", "h")
    assert unit_of(("@step", 0, "block_hours")) == ("time", "h")
    assert unit_of(("length_cm",)) == ("length", "cm") and unit_of(("heightMm",)) == ("length", "mm")
    assert unit_of(("height_m",)) is None and unit_of(("volume_l",)) is None  # one letter: metres or minutes
    assert unit_of(("rooms",)) is None and unit_of(("value",)) is None  # no unit word: a count, a price
    for rate in ("litres_per_m2", "rate_permille_month", "daily_hours", "eur_per_guest_hour", "rent_eur"):
        assert unit_of((rate,)) is None, rate  # a rate exists to be multiplied
    assert unit_of(("h",)) is None and unit_of(("#0",)) is None and unit_of(()) is None
    for rate in ("inflow_m3_h", "alarm_mm_s", "deck_load_t_m2", "inflow_ml_day", "out_of_hours_multiplier"):
        assert unit_of((rate,)) is None, rate  # a unit per another unit, a multiplier
    assert unit_of(("meter",)) is None  # a water meter, not metres


def test_which_products_mean_nothing() -> None:
    hours = [("hours_this_week",), ("limit_hours",), ("@step", 1, "block_hours")]
    assert meaningless(hours)  # hours cubed
    assert meaningless([("length_cm",), ("weight_kg",)])  # a mass x a size
    assert meaningless([("fee_eur",), ("deposit_eur",)]) is False  # "fee" is a rate word
    assert meaningless([("total_eur",), ("deposit_eur",)])  # EUR squared
    assert not meaningless([("length_cm",), ("width_cm",), ("height_cm",)])  # a volume
    assert not meaningless([("length_m",), ("height_m",), ("litres_per_m2",)])  # litres of stain
    assert not meaningless([("value_keur",), ("months",), ("@step", 1, "rate_permille_month")])  # a premium
    assert not meaningless([("feed_kg",), ("days",)])  # an unnamed daily feed x days: a total
    assert not meaningless([("weight_kg",), ("length_cm",), ("days",)])  # a time: an unnamed rate's total
    assert not meaningless([("guests",), ("hours",)])  # a count x a time
    assert not meaningless([("hours",), ()])  # a plain text's number: no unit known
