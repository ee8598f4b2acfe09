"""Rule 1 reads a plain text's first `_seen_text.MAX_TEXT` characters: the rest is no evidence.

A lighthouse's night watch log is a dozen entries of the same words and, at its end, the dawn check: "all bulbs
lit" in every supporting run, "bulb two failed" now. The check sat past the 1000 characters rule 1 templates, so
the text was one it had seen, and main closed the watch as normal (`bench/families_heldout27.py` h27_lamp). A
text no argument consumes that is longer than what rule 1 reads now stops a replay before a write
(`_seen._unread`): the model decides. A short log replays as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._seen_text import MAX_TEXT
from llmos.learning.risk import registry_risk

ENTRY = "wind south-west, visibility good, lamp rotating, lens clear, fog signal silent, all well on the gallery."


def log_text(name: str, fault: bool, entries: int = 12) -> str:
    lines = [f"Night watch log of {name} light."] + [f"Watch entry: {ENTRY}" for _ in range(entries)]
    lines.append("Dawn check: bulb two failed, lens clean." if fault else "Dawn check: all bulbs lit, lens clean.")
    return "\n".join(lines)


class LampWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(closed=[], faults={})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "log":
            return log_text(a["light"], a["light"] in state["faults"], state.get("entries", 12))
        if name == "close":
            state["closed"].append([a["light"], a["status"]])
            return {"status": "closed"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"log": ["light"], "close": ["light", "status"]})
        tool = reg.get(PREFIX + "log")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = LampWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("log", {"light": p["light"]})])
    status = "normal" if "all bulbs lit" in str(text) else "fault"
    await calls([("close", {"light": p["light"], "status": status})])
    return f"Watch at {p['light']} closed: {status}."


CLOSE = Family("close", "Close the night watch at {light} lighthouse", solve, nothing)


LIGHTS = ["Fastnet", "Longships", "Skerryvore", "Eddystone"]


async def test_a_failed_bulb_past_what_rule_1_reads_stops_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    assert len(log_text("Longships", True)) > MAX_TEXT
    await _learn(h)
    h.world.state["faults"]["Longships"] = True
    out = await h.run(CLOSE, {"light": "Longships"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["closed"][-1] == ["Longships", "fault"]
    assert "characters" in str(out.trace.events)


async def test_a_long_log_never_replays_a_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    out = await h.run(CLOSE, {"light": "Skerryvore"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events


async def test_a_short_log_replays_and_its_failed_bulb_stops(tmp_path: Path) -> None:
    h = harness(tmp_path)
    h.world.state["entries"] = 3
    assert len(log_text("Longships", True, 3)) < MAX_TEXT
    await _learn(h)
    out = await h.run(CLOSE, {"light": "Skerryvore"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    h.world.state["faults"]["Longships"] = True
    out = await h.run(CLOSE, {"light": "Longships"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events


async def _learn(h: Harness) -> None:
    modes = [await run_ok(h, CLOSE, {"light": n}) for n in LIGHTS]
    assert modes[-1] == "follower", modes
