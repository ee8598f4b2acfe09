"""Rule 1 for a goal item's plain values: keyed by its role as well as by its position (`_seen_roles.roled`).

A list item's plain leaf (one value, not a quantity derived from two) was keyed by its index only: where
other items held that index in the supporting runs, their values widened what the index "saw". A kennel
block lists its dogs; the goal's dog was always first and fit, another dog second and sometimes injured.
The goal's dog second and injured (another dog first and fit) was inside what each index showed, and main
walked it (`families_loops3.py` l3_permits, l3_bins: a worker's permit, a bin's units)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning.risk import registry_risk


class KennelWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(blocks={}, walks=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "kennel_block":
            return {"block": a["block"], "dogs": [dict(d) for d in state["blocks"][a["block"]]]}
        if name == "walk_dog":
            state["walks"].append(a["dog"])
            return {"dog": a["dog"], "walked": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"kennel_block": ["block"], "walk_dog": ["dog", "block"]})
        tool = reg.get(PREFIX + "kennel_block")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


async def solve_walk(p: dict[str, Any], calls: Calls) -> str:
    (block,) = await calls([("kennel_block", {"block": p["block"]})])
    dog = next(d for d in block["dogs"] if d["dog"] == p["dog"])
    if dog["health"] == "fit":
        await calls([("walk_dog", {"dog": p["dog"], "block": p["block"]})])
        return f"Walked {p['dog']}."
    return f"{p['dog']} is not fit for a walk."


WALK = Family("walk", "Walk {dog} from kennel block {block} if fit", solve_walk, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = KennelWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


# the goal's dog first or second, always fit; the other dog (one of the block's regulars) injured
TRAIN = [("Rex", "Bolt", 0), ("Nala", "Pip", 1), ("Milo", "Juno", 0), ("Odin", "Bolt", 1), ("Luna", "Pip", 0)]
TRAIN += [("Ziggy", "Juno", 1)]


def _block(h: Harness, block: str, mine: tuple[str, str], other: tuple[str, str], first: bool) -> None:
    rows = [{"dog": mine[0], "health": mine[1]}, {"dog": other[0], "health": other[1]}]
    h.world.state["blocks"][block] = rows if first else rows[::-1]


async def test_the_goal_items_plain_value_is_compared_with_the_goal_items_of_the_runs(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, (mine, other, at) in enumerate(TRAIN):
        _block(h, f"KB{n + 10}", (mine, "fit"), (other, "injured"), at == 0)
        await run_ok(h, WALK, {"dog": mine, "block": f"KB{n + 10}"})
    _block(h, "KB40", ("Fern", "fit"), ("Bolt", "injured"), False)  # the same roles: replayed
    out = await h.run(WALK, {"dog": "Fern", "block": "KB40"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    # the goal's dog injured, the other fit: each index showed "fit" and "injured", and a dog's name and the
    # goal's, in the supporting runs; only the goal's dogs of the runs tell that it was always fit
    _block(h, "KB41", ("Biscuit", "injured"), ("Juno", "fit"), False)
    out = await h.run(WALK, {"dog": "Biscuit", "block": "KB41"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["walks"] == [d for d, _o, _a in TRAIN] + ["Fern"]
