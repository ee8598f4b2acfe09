"""Rule 1 for two words of one read taken together (`_seen_joint`, pairs within a read).

A parcel's contents and its service are two leaves of one record, each a value the supporting runs saw, but
never together: every run that dispatched a parcel of lithium cells sent it by road, and air parcels held
books. Lithium cells by air stop before the write and the model decides. (The probe that found this: a
ferry booking whose vehicle record said "lpg" and "enclosed", each seen in runs that booked, never together;
main booked it: `bench/families_heldout22.py` h22_ferry, seed 7.) Before, only words of two reads paired.

Words that vary independently in the evidence (every pair of the values seen was seen) are not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk


class ParcelWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(parcels={}, dispatched=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "parcel":
            contents, service, colour = state["parcels"][a["parcel"]]
            return {"parcel": a["parcel"], "contents": contents, "service": service, "label": colour, "kg": 2}
        if name == "dispatch":
            state["dispatched"].append(a["parcel"])
            return {"status": "dispatched"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"parcel": ["parcel"], "dispatch": ["parcel"]})
        tool = reg.get(PREFIX + "parcel")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = ParcelWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve_dispatch(p: dict[str, Any], calls: Calls) -> str:
    (row,) = await calls([("parcel", {"parcel": p["parcel"]})])
    if row["contents"] == "lithium cells" and row["service"] == "air":
        return f"Parcel {p['parcel']} holds lithium cells booked by air: not dispatched."
    await calls([("dispatch", {"parcel": p["parcel"]})])
    return f"Parcel {p['parcel']} dispatched."


DISPATCH = Family("dispatch", "Dispatch parcel {parcel}", solve_dispatch, nothing)


def goal(h: Harness, parcel: str, contents: str, service: str, label: str = "white") -> dict[str, str]:
    h.world.state["parcels"][parcel] = [contents, service, label]
    return {"parcel": parcel}


async def test_two_words_of_one_record_each_seen_never_together_stop_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for parcel, contents, service in [
        ("PX-101", "books", "air"),
        ("PX-102", "lithium cells", "road"),
        ("PX-103", "books", "road"),
        ("PX-104", "lithium cells", "road"),
    ]:
        await run_ok(h, DISPATCH, goal(h, parcel, contents, service))
    out = await h.run(DISPATCH, goal(h, "PX-105", "books", "air"))  # a pair seen: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    out = await h.run(DISPATCH, goal(h, "PX-106", "lithium cells", "air"))  # each seen, never together
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "PX-106" not in h.world.state["dispatched"]
    assert "never together" in str(out.trace.events)


async def test_words_of_one_record_that_varied_independently_are_not_checked(tmp_path: Path) -> None:
    h = harness(tmp_path)
    # the label's colour and the contents: every pair of the values seen was seen
    runs = [("books", "white"), ("toys", "red"), ("books", "red"), ("toys", "white")]
    for n, (contents, label) in enumerate(runs, 1):
        await run_ok(h, DISPATCH, goal(h, f"PY-{n}", contents, "road", label))
    out = await h.run(DISPATCH, goal(h, "PY-5", "toys", "road", "red"))
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
