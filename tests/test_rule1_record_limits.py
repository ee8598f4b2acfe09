"""Rule 1: a record's noun may name a quantity; a number the tool states as long as its values keeps it one.

`submit_claim(claim=...)` takes the sum claimed in EUR, and its description says that claims above 2000
EUR go to a loss adjuster. "Submit claim 2480 for flat 4B" has a record's noun before the number, the
argument's key repeats it, no unit follows, the digits are the runs' (1210..1930): idnum's rule read it
as a record's name and replayed it past the range (main submitted five such claims:
`bench/families_heldout25.py` h25_claim, seed 7). A number of those digits in the tool's own words may be
a limit on the argument: it stays an amount, and past the range the model decides. A tool whose words
state no such number keeps the record-name rule ("invoice 3040" replays).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._record_names import limit_stated
from llmos.learning.plans import Slot
from llmos.learning.risk import describe, registry_risk

CAP = 2000


class ClaimWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(claims=[], referred=[], refunds=[], supervised=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name in ("refund", "supervisor"):
            state["refunds" if name == "refund" else "supervised"].append((a["ticket"], a["member"]))
            return {"ok": True, "ticket": a["ticket"], "member": a["member"]}
        if name in ("submit_claim", "refer"):
            state["claims" if name == "submit_claim" else "referred"].append((a["claim"], a["flat"]))
            return {"ok": True, "claim": a["claim"], "flat": a["flat"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "submit_claim": ["claim", "flat"],
                "refer": ["claim", "flat"],
                "refund": ["ticket", "member"],
                "supervisor": ["ticket", "member"],
            },
        )
        return reg


def harness(tmp: Path, words: str, tool_name: str = "submit_claim") -> Harness:
    h = Harness(tmp)
    h.world = ClaimWorld()
    h.registry = h.world.registry()
    tool = h.registry.get(PREFIX + tool_name)
    assert tool is not None
    tool.description = words
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve(p: dict[str, Any], calls: Calls) -> str:
    if p["claim"] > CAP:
        await calls([("refer", {"claim": p["claim"], "flat": p["flat"]})])
        return f"Claim {p['claim']} for flat {p['flat']} referred to a loss adjuster."
    await calls([("submit_claim", {"claim": p["claim"], "flat": p["flat"]})])
    return f"Claim {p['claim']} for flat {p['flat']} submitted."


CLAIM = Family("claim", "Submit claim {claim} for flat {flat}", solve, nothing)
RUNS = [(1210, "2A"), (1930, "7C"), (1650, "11B")]


async def test_a_record_noun_whose_tool_states_a_limit_of_its_digits_stays_an_amount(tmp_path: Path) -> None:
    h = harness(tmp_path, "Submit a water-damage claim; `claim` is the sum in EUR. Above 2000 EUR: refer.")
    for claim, flat in RUNS:
        await run_ok(h, CLAIM, {"claim": claim, "flat": flat})
    out = await h.run(CLAIM, {"claim": 1720, "flat": "3D"})  # inside the range: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await h.run(CLAIM, {"claim": 2480, "flat": "4B"})  # past it: the model, which refers it
    assert out.correct and stopped_outside_evidence(out.trace)
    assert (2480, "4B") in h.world.state["referred"] and (2480, "4B") not in h.world.state["claims"]


async def test_a_tool_that_states_no_such_number_keeps_the_record_name_rule(tmp_path: Path) -> None:
    h = harness(tmp_path, "Submit a claim by its number for a flat (see the claims register, 2 copies).")
    for claim, flat in RUNS:
        await run_ok(h, CLAIM, {"claim": claim, "flat": flat})
    out = await h.run(CLAIM, {"claim": 1990, "flat": "4B"})
    assert out.correct and out.trace.mode == "follower"
    out = await h.run(CLAIM, {"claim": 1995 + 1, "flat": "5B"})
    assert out.trace.mode == "follower"  # "2 copies" has one digit: no limit on four-digit values


async def solve_refund(p: dict[str, Any], calls: Calls) -> str:
    if p["t"] > 500:
        await calls([("supervisor", {"ticket": p["t"], "member": p["m"]})])
        return f"{p['t']} EUR is over 500 EUR: referred to a supervisor for member {p['m']}."
    await calls([("refund", {"ticket": p["t"], "member": p["m"]})])
    return f"Refunded {p['t']} EUR to member {p['m']}."


REFUND = Family("refund", "Refund ticket {t} for member {m}", solve_refund, nothing)


async def test_an_identifier_key_whose_tool_states_a_limit_is_range_checked(tmp_path: Path) -> None:
    # `ticket` is an identifier's key (`_value_kinds.id_key`): a name, never range-checked, on main,
    # which refunded "ticket 810" where its tool says refunds above 500 EUR need a supervisor
    # (`bench/families_heldout25b.py` h25b_refund: 10 wrong at seed 7, crystallized)
    h = harness(tmp_path, "Refund a ticket; `ticket` is the sum in EUR. Above 500 EUR: a supervisor.", "refund")
    for t, m in [(202, 61), (477, 31), (336, 76)]:
        await run_ok(h, REFUND, {"t": t, "m": m})
    out = await h.run(REFUND, {"t": 410, "m": 12})  # inside: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0
    out = await h.run(REFUND, {"t": 810, "m": 49})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert (810, 49) in h.world.state["supervised"] and (810, 49) not in h.world.state["refunds"]


def test_limit_stated_wants_a_number_of_the_digits_the_runs_took() -> None:
    slot = Slot(1, "claim", ["number"], ["1210", "1930"], [1210.0, 1930.0])
    assert limit_stated("claims above 2000 EUR go to an adjuster", slot)
    assert limit_stated("at most 2,500 euros", slot)
    assert not limit_stated("see form 12 or section 4.2", slot) and not limit_stated("", slot)
    assert not limit_stated("claims over 20000", slot)  # five digits: not the runs' length
    assert not limit_stated(None, slot)
    mixed = Slot(1, "order", ["number"], ["40", "148"], [40.0, 148.0])
    assert limit_stated("orders of more than 150 cartons", mixed) and limit_stated("up to 60", mixed)
    assert describe(None, "x") is None
