"""Rule 1: noise may not drop a goal value's presence (or absence).

A plain-text list whose wording differs in every run (the list grows, a reference and a clerk change)
is noise once `noise_min_runs` runs have shown it differ, passed on its words. In every supporting run
the goal's plate was on the list; live, a near-miss plate (two digits swapped) is on it instead, every
word of the text is a word seen, and main renewed the permit (held-out round V, h11_recall, in a
pharmacy: the lot L91871 quarantined from a notice listing L91817). Now each text records, per goal
value and argument, whether that value occurs in it in every run, in none, or varied; a live text that
differs stops the replay before the write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import (
    PREFIX,
    Calls,
    Family,
    Harness,
    World,
    nothing,
    run_ok,
    stopped_outside_evidence,
    world_harness,
)

from llmos.learning import _seen_mentions
from llmos.learning.goals import tokenize_goal
from llmos.learning.risk import registry_risk
from llmos.tools.base import Tool

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

CLERKS = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hal"]


class ParkingWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(listed=[], renewed=[], guests=[], admitted=[], cleared=[], shipped=[], reads=0)

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name in ("permit_list", "guest_list"):
            state["reads"] += 1
            n = state["reads"]
            key = "listed" if name == "permit_list" else "guests"
            what = "plates due for renewal" if name == "permit_list" else "guests on the list"
            return f"List ref R{n}X{n * 7}, kept by {CLERKS[n % 3]}: {what} {', '.join(state[key])}."
        if name == "clearance":
            return f"Cleared for {' '.join([a['city'], *state['cleared']])}."
        if name == "ship_crate":
            state["shipped"].append(a["crate"])
            return {"ok": True}
        if name == "renew_permit":
            state["renewed"].append(a["plate"])
            return {"ok": True}
        if name == "admit_guest":
            state["admitted"].append(a["name"])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        tools = {
            "permit_list": ["zone"],
            "renew_permit": ["plate"],
            "guest_list": ["event"],
            "admit_guest": ["name"],
            "clearance": ["city"],
            "ship_crate": ["crate", "city"],
        }
        for name, names in tools.items():
            ann = READ if name.endswith("_list") or name == "clearance" else WRITE
            reg.register(
                Tool(
                    PREFIX + name,
                    f"the {name} tool",
                    {"type": "object", "properties": {n: {} for n in names}, "required": names},
                    self._invoker(name),
                    source="mcp:bench",
                    metadata={"annotations": ann},
                )
            )
        return reg


async def solve_renew(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("permit_list", {"zone": "north"})])
    if f" {p['plate']}," in str(text) or f" {p['plate']}." in str(text):
        await calls([("renew_permit", {"plate": p["plate"]})])
        return f"Renewed the permit for {p['plate']}."
    return f"{p['plate']} is not listed; nothing renewed."


async def solve_admit(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("guest_list", {"event": "gala"})])
    if f" {p['name']}," in str(text) or f" {p['name']}." in str(text):
        await calls([("admit_guest", {"name": p["name"]})])
        return f"Admitted {p['name']}."
    return f"{p['name']} is not on the list."


async def solve_ship(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("clearance", {"city": p["city"]})])
    if p["crate"] in str(text).rstrip(".").split():
        await calls([("ship_crate", {"crate": p["crate"], "city": p["city"]})])
        return f"Shipped {p['crate']} to {p['city']}."
    return f"{p['crate']} is not cleared for {p['city']}."


SHIP = Family("ship", "Ship crate {crate} to {city}", solve_ship, nothing)
RENEW = Family("renew", "Renew the parking permit for plate {plate} if it is listed", solve_renew, nothing)
ADMIT = Family("admit", "Admit guest {name} to the gala", solve_admit, nothing)  # no conditional word
NAMES = ["Maya", "Noor", "Olek", "Pia", "Quin", "Rhea", "Saul", "Tove", "Uma", "Vik", "Wes", "Xan"]


def harness(tmp: Path) -> Harness:
    h = world_harness(tmp, ParkingWorld())
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _plate(i: int) -> str:
    return f"HX{40173 + 1111 * i}"


async def _learn_renew(h: Harness) -> None:
    modes = []
    for i in range(7):
        h.world.state["listed"].append(_plate(i))
        modes.append(await run_ok(h, RENEW, {"plate": _plate(i)}))
    assert "follower" in modes  # the list differed in every run: noise, on evidence


async def test_a_near_miss_on_the_list_is_not_the_goal_value(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn_renew(h)
    h.world.state["listed"].append("HX91817")  # the goal's plate, two digits swapped
    out = await h.run(RENEW, {"plate": "HX91871"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert "HX91871" not in h.world.state["renewed"]
    assert "noise may not drop" in str(out.trace.events)


async def test_a_listed_value_still_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn_renew(h)
    h.world.state["listed"].append("HX91871")
    out = await h.run(RENEW, {"plate": "HX91871"})
    assert out.correct and out.trace.mode == "follower" and not stopped_outside_evidence(out.trace)
    assert h.world.state["renewed"][-1] == "HX91871"


async def test_a_guest_list_without_conditional_wording(tmp_path: Path) -> None:
    h = harness(tmp_path)
    h.world.state["guests"] = NAMES[:8]  # every name on the list is a word some run's text showed
    modes = [await run_ok(h, ADMIT, {"name": name}) for name in NAMES[:7]]
    assert "follower" in modes
    out = await h.run(ADMIT, {"name": "Zoe"})  # every name on the list seen, the goal's name not on it
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert "Zoe" not in h.world.state["admitted"]


def test_presence_is_a_whole_token_in_any_case() -> None:
    from llmos.learning.plans import Plan, PlanStep

    plan = Plan(id="p", agent="a", skeleton=[], slots={}, steps=[PlanStep("list", 0, {}, [])])
    src = _seen_mentions.sources(plan, tokenize_goal("Admit guest Zoe Ann to the gala"), [{"n": 12}], 0)
    got = _seen_mentions.observe([((), "guests: zoe ann, Bo; 12 seats; gala2")], src)["[]|t"]
    assert got["g2"] == 1 and got["g3"] == 1 and got['a0:["n"]'] == 1
    assert got["g1"] == 0 and got["g6"] == 0  # "guest" only inside "guests", "gala" inside "gala2"


async def test_without_noise_a_run_of_masked_words_is_one_mask(tmp_path: Path) -> None:
    """The same template in every run ("Cleared for \\0.": the city and the crate, side by side, one mask)
    and live ("Cleared for Oslo.": the city alone): only the crate's absence tells them apart."""
    h = harness(tmp_path)
    cities = ["Lima", "Oslo", "Rome", "Kyiv", "Bern", "Riga"]
    for i, city in enumerate(cities):
        h.world.state["cleared"] = [f"CR{4411 + 13 * i}"]
        await run_ok(h, SHIP, {"crate": f"CR{4411 + 13 * i}", "city": city})
    h.world.state["cleared"] = []
    out = await h.run(SHIP, {"crate": "CR5000", "city": "Oslo"})
    assert out.correct and stopped_outside_evidence(out.trace), (out.decision.mode, out.trace.events)
    assert "CR5000" not in h.world.state["shipped"]


def test_a_value_joined_to_more_is_another_token() -> None:
    """ "B79932-2" is a sub-batch, not batch B79932 (`families_presence.py` pr_batch destroyed B79932 on main)."""
    from llmos.learning._seen_text import occurs

    assert occurs("QA failures: B79932, B1.", "B79932") and occurs("QA failures: B79932.", "b79932")
    assert not occurs("QA failures: B79932-2, B1.", "B79932") and not occurs("lot 2026/B79932", "B79932")
    assert not occurs("batch_B79932 kept", "B79932") and occurs("(B79932) kept", "B79932")
