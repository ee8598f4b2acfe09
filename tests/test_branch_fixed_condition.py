"""A condition of constant words in a branch set: the reads that tell the paths apart decide it.

"Open the roof vents of greenhouse G4 if it is too warm": no result says "too warm" (the climate read
shows a temperature), so one plan alone never replays the condition (`conditions.problem`). Once the
model took both paths (vents opened when warm, nothing when cool), the two plans form a branch set: the
condition is the same words in every run, so the live read's category picks the path, as for a goal
with no conditional word (`conditions.fixed`, `_branch_select`). A temperature between the paths'
ranges, a single path, and a condition holding a goal value still go to the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_conditional_replay import READ, WRITE
from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, stopped_outside_evidence, world_harness

from llmos.learning import conditions
from llmos.learning.goals import tokenize
from llmos.learning.risk import registry_risk
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry


class Greenhouse(World):
    def __init__(self) -> None:
        super().__init__(0)
        self.state.update({"houses": {}, "vents": []})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_climate":
            t = state["houses"][a["house"]]
            return {"house": a["house"], "temp_c": t, "humidity_pct": 60}
        if name == "open_vents":
            state["vents"].append({"house": a["house"], "pct": a["pct"]})
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> ToolRegistry:
        reg = super().registry()
        for name, (names, ann) in {"read_climate": (["house"], READ), "open_vents": (["house", "pct"], WRITE)}.items():
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


async def _vent(p: dict[str, Any], calls: Calls) -> str:
    (c,) = await calls([("read_climate", {"house": p["house"]})])
    if c["temp_c"] > 27:
        await calls([("open_vents", {"house": p["house"], "pct": p["pct"]})])
        return f"Opened the vents of {p['house']} to {p['pct']}% ({c['temp_c']} C)."
    return f"Greenhouse {p['house']} is {c['temp_c']} C: vents left closed."


VENT = Family("vent", "Open the roof vents of greenhouse {house} to {pct} percent if it is too warm", _vent, nothing)


def _harness(tmp: Path) -> Harness:
    h = world_harness(tmp, Greenhouse())
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _house(h: Harness, name: str, temp: float) -> str:
    h.world.state["houses"][name] = temp
    return name


async def _learn(h: Harness, warm: list[float], cool: list[float]) -> None:
    for i, t in enumerate(warm + cool):
        out = await h.run(VENT, {"house": _house(h, f"G{i + 1}", t), "pct": 20 + 10 * (i % 3)}, mode="learner")
        assert out.correct


def test_a_condition_of_constant_words_is_fixed_and_one_with_a_goal_value_is_not() -> None:
    plan = type("P", (), {"slots": {6: None}})()
    toks = tokenize("Open the roof vents of greenhouse G4 to 30 percent if it is too warm")
    assert conditions.fixed(plan, toks)  # type: ignore[arg-type]
    toks = tokenize("Open the roof vents of greenhouse G4 if it is warmer than 27 degrees")
    plan = type("P", (), {"slots": {6: None, 11: None}})()
    assert not conditions.fixed(plan, toks)  # type: ignore[arg-type]


async def test_the_read_picks_the_path_of_a_fixed_condition(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h, [31.0, 34.5, 29.0, 33.0], [18.0, 21.5, 16.0, 20.0])
    out = await h.run(VENT, {"house": _house(h, "G20", 32.0), "pct": 30})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert h.world.state["vents"][-1] == {"house": "G20", "pct": 30}
    assert "condition" in out.decision.reason["branch"]
    vents = len(h.world.state["vents"])
    out = await h.run(VENT, {"house": _house(h, "G21", 19.0), "pct": 30})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert len(h.world.state["vents"]) == vents


async def test_a_reading_between_the_paths_goes_to_the_model(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h, [31.0, 34.5, 29.0, 33.0], [18.0, 21.5, 16.0, 20.0])
    vents = len(h.world.state["vents"])
    out = await h.run(VENT, {"house": _house(h, "G22", 25.0), "pct": 30})  # seen by neither path
    assert out.correct and out.trace.mode != "follower" and stopped_outside_evidence(out.trace)
    assert len(h.world.state["vents"]) == vents


async def test_one_path_alone_keeps_the_condition_check(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn(h, [31.0, 34.5, 29.0, 33.0], [])
    out = await h.run(VENT, {"house": _house(h, "G23", 32.0), "pct": 30})
    assert out.correct and out.decision.mode != "follower"
    assert any("conditional wording" in b for b in out.decision.reason["why_not_follower"]), out.decision.reason
