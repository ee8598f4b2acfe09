"""Rule 1 reads a number written in groups or with a magnitude as one value (`_seen_text.GROUPED`).

"VGM 24,380 kg" was two numbers to rule 1's template, 24 and 380, each range-checked alone: after runs of
14,950, 19,050, 16,300 and 17,800 kg (all stowed on the upper tier), 19,600 kg is 19 and 600, each inside
what the runs saw, and main stowed a container over the tier's 19,500 kg limit on the upper tier
(`bench/families_heldout26.py` h26_vgm, seed 7: 5 wrong, crystallized tools among them). The pieces are
still read, and the whole value is read as one more number right after them: rule 1 checks both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._envelope_facts import text_numbers
from llmos.learning._seen_text import template
from llmos.learning.risk import registry_risk


class QuayWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(mass={}, stowed={})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "vgm":
            return f"Container {a['box']}: VGM {state['mass'][a['box']]:,} kg, verified by the shipper."
        if name == "stow":
            state["stowed"][a["box"]] = a["tier"]
            return {"status": "stowed"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"vgm": ["box"], "stow": ["box", "tier"]})
        tool = reg.get(PREFIX + "vgm")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = QuayWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve_stow(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("vgm", {"box": p["box"]})])
    kg = int(str(text).split("VGM ")[1].split(" kg")[0].replace(",", ""))
    tier = "upper" if kg <= 19500 else "lower"
    await calls([("stow", {"box": p["box"], "tier": tier})])
    return f"Container {p['box']} stowed on the {tier} tier."


STOW = Family("stow", "Stow container {box} on the right tier", solve_stow, nothing)


def box(h: Harness, name: str, kg: int) -> dict[str, str]:
    h.world.state["mass"][name] = kg
    return {"box": name}


async def _learn(h: Harness) -> None:
    modes = [
        await run_ok(h, STOW, box(h, f"MSCU{1000 + 100 * n}", kg)) for n, kg in enumerate([14950, 19050, 16300, 17800])
    ]
    assert modes[0] == "learner"


async def test_a_grouped_number_past_every_value_seen_stops_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    out = await h.run(STOW, box(h, "MSCU1150", 19600))  # 19 and 600 each seen; 19,600 is past 19,050
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["stowed"]["MSCU1150"] == "lower"


async def test_a_grouped_number_inside_the_values_seen_still_replays(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    out = await h.run(STOW, box(h, "MSCU1250", 17250))
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events


def test_the_whole_value_is_read_after_its_pieces() -> None:
    assert template("VGM 24,380 kg", []) == ("VGM #,#=# kg", [24.0, 380.0, 24380.0])
    assert template("net 1'250.5 kg", []) == ("net #'#=# kg", [1.0, 250.5, 1250.5])
    assert template("Gewicht 1.250,5 kg", [])[1][-1] == 1250.5
    assert template("poids 1 250,5 kg", [])[1][-1] == 1250.5
    assert template("stock 12 500 units", []) == ("stock # #=# units", [12.0, 500.0, 12500.0])
    assert template("reach 840k, budget 3.4M", []) == ("reach #k=#, budget #M=#", [840.0, 840000.0, 3.4, 3400000.0])
    # "1.250" may be 1250 or 1.25: both readings, never the template of "980 kg"
    assert template("Brutto 1.250 kg", []) == ("Brutto #=# kg", [1.25, 1250.0])
    assert template("Brutto 980 kg", [])[0] == "Brutto # kg"
    # no grouping: a decimal comma, a list, a unit glued to a number, a clock time
    assert template("12,5 kg; 1,2,3; 12km; 0,875; 11:05", []) == (
        "#,# kg; #,#,#; #km; #,#; #:#",
        [12, 5, 1, 2, 3, 12, 0, 875, 11, 5],
    )


def test_the_orders_read_the_whole_value_too() -> None:
    """`_envelope_facts.text_numbers` (the operands of rule 1's orders) reads the whole value right after
    its pieces, so its order with a goal number ("a tier limit of 19500") is recorded and checked."""
    assert text_numbers("VGM 19,600 kg (SOLAS method 2), 2026-12-04 11:05") == [19.0, 600.0, 19600.0, 2.0]
    assert text_numbers("Bestand 1.250 Packungen; 980 in Kassel; reach 840k") == [1.25, 1250.0, 980.0, 840000.0]
    assert text_numbers("12,5 kg and 1,2,3") == [12.0, 5.0, 1.0, 2.0, 3.0]
