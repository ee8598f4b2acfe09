"""Rule 1 on a write's acknowledgement that carries a counter ("ARC-1004"), when a later argument is a
constant: the counter is not a category (it was different in every supporting run and is one text once
its number is taken out), so the plan replays; its number is still judged by rule 1 (a counter that
went back below every value seen, or a text of another shape, stops the replay before the next write).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok


class FilingWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(filed=[], statuses={}, next_ticket=1001, ticket_text="ARC-{n}")

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "file_report":
            state["filed"].append(a["doc"])
            n = state["next_ticket"]
            state["next_ticket"] = n + 3
            return {"filed": True, "ticket": state["ticket_text"].format(n=n)}
        if name == "set_status":
            state["statuses"][a["doc"]] = a["status"]
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"file_report": ["doc"], "set_status": ["doc", "status"]})
        return reg


async def solve_file(p: dict[str, Any], calls: Calls) -> str:
    await calls([("file_report", {"doc": p["doc"]})])
    await calls([("set_status", {"doc": p["doc"], "status": "closed"})])  # a constant after the write
    return f"Filed {p['doc']}."


FILE = Family("file", "File report {doc} for the records office", solve_file, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = FilingWorld()
    h.registry = h.world.registry()
    return h


async def learn(h: Harness) -> None:
    for doc in ["R-11", "R-22", "R-33", "R-44"]:
        await run_ok(h, FILE, {"doc": doc})


async def test_a_growing_counter_in_an_unread_acknowledgement_is_not_a_category(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await learn(h)
    out = await h.run(FILE, {"doc": "R-25"})
    assert out.decision.mode == "follower" and out.correct
    assert out.trace.mode == "follower", out.trace.events  # replayed to the end, no model call
    assert h.world.state["statuses"]["R-25"] == "closed"


async def test_a_counter_of_another_shape_or_gone_back_stops_before_the_next_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await learn(h)
    h.world.state["ticket_text"] = "HELD-{n}-REVIEW"  # another text around the number: a new category
    out = await h.run(FILE, {"doc": "R-26"})
    assert out.decision.mode == "follower" and out.trace.mode == "learner"  # stopped, handed to the model
    assert any(e.get("kind") == "fallback" for e in out.trace.events) and out.correct
    assert "never seen in a supporting run" in str(out.trace.events)  # the ticket stopped it, not the goal

    h2 = harness(tmp_path / "b")
    await learn(h2)
    h2.world.state["next_ticket"] = 5  # below every ticket seen: not a counter going on
    out = await h2.run(FILE, {"doc": "R-27"})
    assert out.decision.mode == "follower" and out.trace.mode == "learner" and out.correct
    assert "never seen in a supporting run" in str(out.trace.events)
