""" "in case CV-26-3301" names a case; it states no condition (`goals.names_record`).

"case" is a conditional word ("in case of fire", "in case it rains"), and a goal with conditional wording
replays only when the evidence can see the condition. "Log evidence bag EB-52172 in case CV-26-3190" states
none: the word is the noun of the record the next token names. Every such goal went to the model as
"conditional wording" (`bench/families_heldout26.py` h26_locker: no replay at seeds 7 and 41 on main; and
heldout23's "File the motion in case CV-26-..."). Rule 1 still checks the case's status before the write: a
closed case stops the replay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import conditions
from llmos.learning.goals import branch_words, conditional_words, tokenize_goal
from llmos.learning.risk import registry_risk


class PropertyRoom(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(cases={}, bags=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "case":
            return {"case": a["case"], "status": state["cases"][a["case"]]}
        if name == "log_bag":
            state["bags"].append([a["case"], a["bag"]])
            return {"status": "logged"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"case": ["case"], "log_bag": ["case", "bag"]})
        tool = reg.get(PREFIX + "case")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PropertyRoom()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve_log(p: dict[str, Any], calls: Calls) -> str:
    (case,) = await calls([("case", {"case": p["case"]})])
    if case["status"] != "open":
        return f"Bag {p['bag']} not logged: case {p['case']} is {case['status']}."
    await calls([("log_bag", {"case": p["case"], "bag": p["bag"]})])
    return f"Bag {p['bag']} logged in case {p['case']}."


LOG = Family("log", "Log evidence bag {bag} in case {case}", solve_log, nothing)


def bag(h: Harness, n: int, status: str = "open") -> dict[str, str]:
    case = f"CV-26-{3100 + 10 * n}"
    h.world.state["cases"][case] = status
    return {"bag": f"EB-{52000 + 10 * n}", "case": case}


def test_case_before_a_value_is_a_record_noun() -> None:
    for goal in ["Log evidence bag EB-52172 in case CV-26-3190", "Open case 4471", "Add a note to case 'Ode v Marr'"]:
        tokens = tokenize_goal(goal)
        assert conditional_words(tokens) == branch_words(tokens) == conditions.words(tokens) == [], goal
    for goal in ["Call the warden in case of fire", "Take the spare key in case Bo locks himself out"]:
        assert conditions.words(tokenize_goal(goal)) == ["case"], goal


async def test_a_goal_naming_a_case_replays_and_a_closed_case_stops(tmp_path: Path) -> None:
    h = harness(tmp_path)
    modes = [await run_ok(h, LOG, bag(h, n)) for n in range(4)]
    assert modes[-1] == "follower", modes
    out = await h.run(LOG, bag(h, 5, "closed"))
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert all(c != "CV-26-3150" for c, _b in h.world.state["bags"])
