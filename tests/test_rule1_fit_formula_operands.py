"""Rule 1 for the operands of a rounded form with a constant the runs chose (`_derived.fit_formula`).

A school trip's coaches: one coach up to 50 pupils, two above (a threshold). The runs saw 40, 40, 30 and
40 pupils (one coach) and 55 (two, the model's run after a stop): floor(groups x pupils per group / 24)
reads every one of them (1, 1, 1, 1, 2), a catalogue constant (hours in a day) that a band of constants
would fit as well. The form read both numbers, so they counted as consumed and their product (the
pupils) went unchecked: 8 groups of 10 pupils, each number inside what the runs saw, gave 3 coaches
where the rule orders 2 (`bench/families_heldout28.py` h28_pour: 3 trucks for 12.6 m3, seed 41). The
product of a fit form's operands stays rule 1's: 80 pupils is past every number of pupils seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import _derived, _seen
from llmos.learning.risk import registry_risk

COACH_SEATS = 50


class TripWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(trips={}, bookings=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "trip":
            groups, per_group = state["trips"][a["trip"]]
            return {"trip": a["trip"], "groups": groups, "pupils_per_group": per_group, "destination": "museum"}
        state["bookings"].append([a["trip"], a["coaches"]])
        return {"status": "booked"}

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"trip": ["trip"], "book": ["trip", "coaches"]})
        tool = reg.get(PREFIX + "trip")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (t,) = await calls([("trip", {"trip": p["trip"]})])
    coaches = 1 if t["groups"] * t["pupils_per_group"] <= COACH_SEATS else 2
    await calls([("book", {"trip": p["trip"], "coaches": coaches})])
    return f"Trip {p['trip']}: {coaches} coach(es) booked."


TRIP = Family("trip", "Book the coaches for trip {trip}", solve, nothing)


def goal(h: Harness, name: str, groups: int, per_group: int) -> dict[str, str]:
    h.world.state["trips"][name] = (groups, per_group)
    return {"trip": name}


async def test_a_count_past_every_count_seen_stops_though_a_fit_form_reads_its_operands(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = TripWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    for n, (groups, per_group) in enumerate([(4, 10), (2, 20), (3, 10), (5, 8)], 1):
        await run_ok(h, TRIP, goal(h, f"TR-{n}", groups, per_group))
    await run_ok(h, TRIP, goal(h, "TR-5", 5, 11))  # 55 pupils: past every number seen, the model books 2
    (plan,) = h.engine.store.load()
    leaf = next(lf for s in plan.steps for lf in s.leaves if lf.path == ("coaches",))
    assert any(_derived.fit_formula(c) for c in leaf.cands), leaf.cands  # floor(groups x pupils / 24)
    out = await h.run(TRIP, goal(h, "TR-6", 8, 10))  # 80 pupils: each number inside, the product past
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert ["TR-6", 2] in h.world.state["bookings"] and ["TR-6", 3] not in h.world.state["bookings"]
    # rule 2 stops it first since step3 (the product at every constant the runs fit gives 2 or 3 coaches:
    # `_explain_bands`); rule 1 still holds the product: the operands count as consumed by no explanation
    assert "the product" in str(out.trace.events) or "band of constants" in str(out.trace.events)
    assert not {("groups",), ("pupils_per_group",)} & _seen.varying_consumed(plan).get(0, set())


def test_only_a_rounded_form_with_a_constant_over_two_result_values_is_a_fit_form() -> None:
    a, b, g = ("res", 0, ("groups",)), ("res", 0, ("pupils_per_group",)), ("tok", 3)
    assert _derived.fit_formula(("expr", "a*b/c", (a, b, ("k", 24.0)), ("floor", 0)))
    assert not _derived.fit_formula(("expr", "a*b/c", (a, b, ("k", 24.0)), None))  # exact: a law
    assert not _derived.fit_formula(("expr", "a*b/c", (a, b, ("res", 0, ("seats",))), ("ceil", 0)))  # no constant
    assert not _derived.fit_formula(("expr", "a*b/c", (g, b, ("k", 24.0)), ("floor", 0)))  # a goal number
    assert not _derived.fit_formula(("expr", "(a-b)*c", (a, ("k", 32.0), ("k", 5 / 9)), ("up", 0)))  # one value
    assert not _derived.fit_formula(("arith", "*", a, b, ("ceil", 0)))
