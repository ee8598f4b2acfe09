"""Rule 1's noise applies to a write's short acknowledgement too: an identifier the tool counts up
("SHP-5003" after "SHP-5001", "SHP-5002") is not a category once `noise_min_runs` supporting runs
showed the same text around a number that grew every time, so the plan replays (and `--explain`
says the value was treated as noise). Everything else stays a category, checked before the next
write: a short text of another template ("basic" after "gold", "silver", ...), a counter that once
went back, a number below every one seen, a new text around the number, and fewer runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok


class DispatchWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(shipped=[], told=[], numbers=[5001, 5002, 5003, 5004, 5005, 5006, 5007], text="SHP-{n}")

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "ship_parcel":
            state["shipped"].append(a["parcel"])
            n = state["numbers"][len(state["shipped"]) - 1]
            return {"shipped": True, "label": state["text"].format(n=n)}
        if name == "tell_depot":
            state["told"].append([a["parcel"], a["state"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"ship_parcel": ["parcel"], "tell_depot": ["parcel", "state"]})
        return reg


async def solve_ship(p: dict[str, Any], calls: Calls) -> str:
    await calls([("ship_parcel", {"parcel": p["parcel"]})])
    await calls([("tell_depot", {"parcel": p["parcel"], "state": "dispatched"})])  # a constant after the write
    return f"Shipped {p['parcel']}."


SHIP = Family("ship", "Ship parcel {parcel} and tell the depot", solve_ship, nothing)
PARCELS = ["PX-11", "PX-77", "PX-22", "PX-66", "PX-55", "PX-33", "PX-44"]  # later ones inside the range seen


def harness(tmp: Path, numbers: list[int] | None = None, labels: list[str] | None = None) -> Harness:
    h = Harness(tmp)
    h.world = DispatchWorld()
    if numbers is not None:
        h.world.state["numbers"] = numbers
    if labels is not None:  # labels of another kind: a tier, not a counter
        h.world.state["numbers"] = list(range(len(labels)))
        h.world.state["text"] = "{n}"
        h.world.state["labels"] = labels
    h.registry = h.world.registry()
    return h


async def run_modes(h: Harness, n: int) -> list[str]:
    out = []
    for parcel in PARCELS[:n]:
        res = await h.run(SHIP, {"parcel": parcel})
        assert res.correct, res.trace.events
        out.append(res.trace.mode)
    return out


async def test_a_counted_identifier_is_noise_after_enough_runs(tmp_path: Path) -> None:
    h = harness(tmp_path)
    modes = await run_modes(h, 4)
    assert modes[2:] == ["learner", "learner"]  # 2 and 3 supporting runs: still a category, the model decides
    out = await h.run(SHIP, {"parcel": "PX-55"})
    assert out.correct and out.trace.mode == "follower", out.trace.events
    noise = out.trace.mode_reason.get("envelope_noise", [])
    assert any("label" in n and ("identifier that grew" in n or "a name of the shape" in n) for n in noise), noise
    assert await run_ok(h, SHIP, {"parcel": "PX-33"}) == "follower"


async def test_a_counter_that_once_went_back_stays_a_category(tmp_path: Path) -> None:
    h = harness(tmp_path, numbers=[5001, 5004, 5002, 5006, 5008, 5009, 5010])
    await run_modes(h, 4)
    out = await h.run(SHIP, {"parcel": "PX-55"})
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "learner"
    assert "never seen in a supporting run" in str(out.trace.events)


async def test_a_number_below_every_one_seen_or_a_new_text_stops_before_the_next_write(tmp_path: Path) -> None:
    h = harness(tmp_path, numbers=[5001, 5002, 5003, 5004, 4999])
    await run_modes(h, 4)
    out = await h.run(SHIP, {"parcel": "PX-55"})
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "learner"
    calls = [c.name for c in out.trace.tool_calls]
    assert calls.count(PREFIX + "tell_depot") == 1  # the model's call, not a replayed one before the stop

    h2 = harness(tmp_path / "b")
    await run_modes(h2, 4)
    h2.world.state["text"] = "HELD-{n}"  # the same counter in another text: a new category
    out = await h2.run(SHIP, {"parcel": "PX-55"})
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "learner"


class TierWorld(DispatchWorld):
    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "ship_parcel":
            state["shipped"].append(a["parcel"])
            return {"shipped": True, "label": state["labels"][len(state["shipped"]) - 1]}
        return super().apply(state, name, a)


async def test_short_texts_that_differ_in_every_run_are_not_counters(tmp_path: Path) -> None:
    # a tier new in every run may be what picked the constant: never noise for the category check
    h = Harness(tmp_path)
    h.world = TierWorld()
    h.world.state["labels"] = ["gold", "silver", "bronze", "platinum", "steel", "basic"]
    h.registry = h.world.registry()
    await run_modes(h, 5)
    out = await h.run(SHIP, {"parcel": "PX-33"})
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "learner"
    assert "never seen in a supporting run" in str(out.trace.events)
