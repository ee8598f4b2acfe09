"""Rule 1's relations for a sum of two reads' numbers against a third number (`_envelope_sums`).

Every number inside the range seen, every pair in an order seen, and still past a limit together: two
pallets' weights (two reads) against a goods lift's load (a third read). A replay of a yes/no answer, or
of a write the runs made only when the two fitted, stops and the model decides. (The probe that found
it: `bench/families_heldout33b.py`, h33b_lift, h33b_balloon, h33b_ferryw; these tests use other words.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import _envelope_sums
from llmos.learning._envelope_facts import value


class DockWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(crates={}, hoists={}, done=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "crate":
            return {"crate": a["crate"], "kg": state["crates"][a["crate"]]}
        if name == "hoist":
            return {"hoist": a["hoist"], "limit_kg": state["hoists"][a["hoist"]]}
        if name == "lift_crates":
            state["done"].append([name, a["hoist"], a["first"], a["second"]])
            return {"status": "ok"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {"crate": ["crate"], "hoist": ["hoist"], "lift_crates": ["hoist", "first", "second"]},
        )
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = DockWorld()
    h.registry = h.world.registry()
    return h


async def _read(p: dict[str, Any], calls: Calls) -> tuple[int, int, int]:
    (a,) = await calls([("crate", {"crate": p["first"]})])
    (b,) = await calls([("crate", {"crate": p["second"]})])
    (h,) = await calls([("hoist", {"hoist": p["hoist"]})])
    return a["kg"], b["kg"], h["limit_kg"]


async def solve_ask(p: dict[str, Any], calls: Calls) -> str:
    a, b, limit = await _read(p, calls)
    return "Yes, they can go up together." if a + b <= limit else "No, not together."


async def solve_hoist(p: dict[str, Any], calls: Calls) -> str:
    a, b, limit = await _read(p, calls)
    if a + b <= limit:
        await calls([("lift_crates", {"hoist": p["hoist"], "first": p["first"], "second": p["second"]})])
        return f"Crates {p['first']} and {p['second']} went up on hoist {p['hoist']}."
    return f"Not hoisted: crates {p['first']} and {p['second']} are too heavy together for {p['hoist']}."


ASK = Family("ask", "Can hoist {hoist} take crates {first} and {second} at once?", solve_ask, nothing)
HOIST = Family("hoist", "Hoist crates {first} and {second} together on hoist {hoist}", solve_hoist, nothing)

# crates 140..420 kg, limits 700..1000 kg, 400..790 kg together (`_call_totals` sees 760 inside): every pair went up
SEEN = [(420, 150, 900), (150, 400, 700), (300, 380, 1000), (260, 140, 750), (410, 270, 800), (390, 400, 1000)]


def _goal(h: Harness, k: int, a: int, b: int, limit: int) -> dict[str, str]:
    p = {"first": f"CR-{100 + 2 * k}", "second": f"CR-{101 + 2 * k}", "hoist": f"HO-{10 + k}"}
    h.world.state["crates"].update({p["first"]: a, p["second"]: b})
    h.world.state["hoists"][p["hoist"]] = limit
    return p


def test_a_sum_pairs_a_later_reads_number_with_an_earlier_ones() -> None:
    ops = [(("tok", 0), 5.0), (("res", 0, ("kg",)), 400.0), (("res", 1, ("kg",)), 390.0), (("res", 2, ("l",)), 720.0)]
    got = dict(_envelope_sums.sums(ops))
    assert got[("sum", ("res", 1, ("kg",)), ("res", 0, ("kg",)))] == 790.0
    # the later read first (checked once it has answered); a goal number last
    assert all(d[1][0] == "res" and (d[2][0] == "tok" or d[1][1] >= d[2][1]) for d in got)
    # two numbers of one read (boxes and crates against a van) and a read's number plus a goal number
    ops2 = [(("tok", 1), 12.0), (("res", 0, ("box",)), 300.0), (("res", 0, ("crate",)), 360.0)]
    got2 = dict(_envelope_sums.sums(ops2))
    assert got2[("sum", ("res", 0, ("box",)), ("res", 0, ("crate",)))] == 660.0
    assert got2[("sum", ("res", 0, ("box",)), ("tok", 1))] == 312.0
    # one path of three reads (three crates) is summed over all three, the latest read first
    ops3 = [(("res", k, ("kg",)), 90.0 + k) for k in range(3)] + [(("res", 3, ("limit",)), 265.0)]
    total = ("sum", ("res", 2, ("kg",)), ("sum", ("res", 1, ("kg",)), ("res", 0, ("kg",))))
    assert dict(_envelope_sums.sums(ops3))[total] == 273.0
    assert value(("sum", ("const", 2.0), ("const", 3.0)), None) == 5.0  # type: ignore[arg-type]


async def test_a_yes_over_a_sum_past_the_limit_is_not_replayed(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for k, (a, b, limit) in enumerate(SEEN):
        await run_ok(h, ASK, _goal(h, k, a, b, limit))
    out = await h.run(ASK, _goal(h, 6, 300, 250, 800))  # 550 kg under 800: replays the "Yes"
    assert out.trace.mode == "follower" and out.llm_calls == 0 and "Yes" in str(out.trace.output)
    # 370 and 390 kg, a 720 kg limit: each inside what was seen, every pair in an order seen; 760 > 720
    out = await h.run(ASK, _goal(h, 7, 370, 390, 720))
    assert out.decision.mode == "follower" and stopped_outside_evidence(out.trace)
    assert out.llm_calls > 0 and "No" in str(out.trace.output)


async def test_a_write_made_only_under_the_limit_stops_before_a_sum_past_it(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for k, (a, b, limit) in enumerate(SEEN):
        await run_ok(h, HOIST, _goal(h, k, a, b, limit))
    out = await h.run(HOIST, _goal(h, 6, 300, 250, 800))
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    p = _goal(h, 7, 370, 390, 720)
    out = await h.run(HOIST, p)
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert not any(d[0] == "lift_crates" and p["first"] in d for d in h.world.state["done"])


async def solve_three(p: dict[str, Any], calls: Calls) -> str:
    kg = [(await calls([("crate", {"crate": p[k]})]))[0]["kg"] for k in ("first", "second", "third")]
    (h,) = await calls([("hoist", {"hoist": p["hoist"]})])
    return "Yes, all three at once." if sum(kg) <= h["limit_kg"] else "No, not all three."


THREE = Family("three", "Can hoist {hoist} take crates {first}, {second} and {third} at once?", solve_three, nothing)


async def test_three_reads_summed_past_the_limit_are_not_replayed(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(k: int, kg: tuple[int, int, int], limit: int) -> dict[str, str]:
        p = {**_goal(h, k, kg[0], kg[1], limit), "third": f"CR-{500 + k}"}
        h.world.state["crates"][p["third"]] = kg[2]
        return p

    # crates 60..100 kg, limits 260..340 kg, 225..300 kg together: every three went up
    seen = [
        ((95, 60, 70), 300),
        ((60, 100, 90), 260),
        ((80, 95, 60), 320),
        ((100, 100, 100), 340),
        ((70, 90, 100), 340),
    ]
    for k, (kg, limit) in enumerate(seen):
        await run_ok(h, THREE, goal(k, kg, limit))
    out = await h.run(THREE, goal(7, (70, 80, 90), 300))
    assert out.trace.mode == "follower" and out.llm_calls == 0 and "Yes" in str(out.trace.output)
    # 95 + 92 + 90 = 277 kg over 265: each inside, every pair (and every two summed) under the limit
    out = await h.run(THREE, goal(8, (95, 92, 90), 265))
    assert out.decision.mode == "follower" and stopped_outside_evidence(out.trace)
    assert out.llm_calls > 0 and "No" in str(out.trace.output)
