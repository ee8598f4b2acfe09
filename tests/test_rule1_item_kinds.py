"""Rule 1 for a list's items by their kind (`_seen_groups`), whatever their place in the list.

A nursery bench's trays come in any order: seedlings need a moisture of 40% or more, cacti do with 12%.
Each index of the list showed both kinds in the supporting runs, so a seedlings tray at 30% lay inside the
range its index saw (cacti had been at 12% there) and main signed the bench off. The seedlings' own range
(45..70) stops it now. The same for words: a cast ballot box with a broken seal, where only spare boxes
had broken seals (`bench/families_heldout25.py` h25_gallery, h25_ballot: the probes that found the class).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning._seen_groups import groups, problem
from llmos.learning.risk import registry_risk


class NurseryWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(benches={}, boxes={}, signed=[], watered=[], certified=[], held=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "trays":
            rows = state["benches"][a["bench"]]
            return {
                "bench": a["bench"],
                "trays": [{"tray": f"T{k + 1}", "plant": p, "moisture_pct": m} for k, (p, m) in enumerate(rows)],
            }
        if name in ("sign_off", "water"):
            state["signed" if name == "sign_off" else "watered"].append(a["bench"])
            return {"status": "done"}
        if name == "boxes":
            rows = state["boxes"][a["station"]]
            return {
                "station": a["station"],
                "boxes": [{"box": f"B{k + 1}", "use": u, "seal": s} for k, (u, s) in enumerate(rows)],
            }
        if name in ("certify", "hold"):
            state["certified" if name == "certify" else "held"].append(a["station"])
            return {"status": "done"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(
            reg,
            {
                "trays": ["bench"],
                "sign_off": ["bench"],
                "water": ["bench"],
                "boxes": ["station"],
                "certify": ["station"],
                "hold": ["station"],
            },
        )
        for read in ("trays", "boxes"):
            tool = reg.get(PREFIX + read)
            assert tool is not None
            tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = NurseryWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def solve_bench(p: dict[str, Any], calls: Calls) -> str:
    (row,) = await calls([("trays", {"bench": p["bench"]})])
    if any(t["plant"] == "seedlings" and t["moisture_pct"] < 40 for t in row["trays"]):
        await calls([("water", {"bench": p["bench"]})])
        return f"Bench {p['bench']} has dry seedlings: watered."
    await calls([("sign_off", {"bench": p["bench"]})])
    return f"Bench {p['bench']} signed off."


async def solve_station(p: dict[str, Any], calls: Calls) -> str:
    (row,) = await calls([("boxes", {"station": p["station"]})])
    if any(b["use"] == "cast" and b["seal"] == "broken" for b in row["boxes"]):
        await calls([("hold", {"station": p["station"]})])
        return f"A cast box at {p['station']} has a broken seal: count held."
    await calls([("certify", {"station": p["station"]})])
    return f"Station {p['station']} certified."


BENCH = Family("bench", "Sign off nursery bench {bench}", solve_bench, nothing)
STATION = Family("station", "Certify the boxes of station {station}", solve_station, nothing)

RUNS = [
    [("seedlings", 55), ("cacti", 15), ("seedlings", 62)],
    [("cacti", 12), ("seedlings", 48), ("cacti", 35)],
    [("cacti", 20), ("cacti", 30), ("seedlings", 70)],
    [("seedlings", 45), ("seedlings", 66), ("cacti", 18)],
]


def bench(h: Harness, name: str, rows: list[tuple[str, int]]) -> dict[str, str]:
    h.world.state["benches"][name] = rows
    return {"bench": name}


async def test_an_item_outside_what_its_kind_showed_stops_though_its_index_saw_the_value(tmp_path: Path) -> None:
    h = harness(tmp_path)
    for n, rows in enumerate(RUNS, 1):
        await run_ok(h, BENCH, bench(h, f"N-{n}", rows))
    ok = [("seedlings", 50), ("cacti", 16), ("seedlings", 60)]
    out = await h.run(BENCH, bench(h, "N-5", ok))  # every tray inside its kind: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    dry = [("seedlings", 30), ("cacti", 16), ("seedlings", 58)]  # 30 at index 0, where cacti had 12
    out = await h.run(BENCH, bench(h, "N-6", dry))
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "N-6" in h.world.state["watered"] and "N-6" not in h.world.state["signed"]
    assert "for that kind of item" in str(out.trace.events)


async def test_a_word_seen_on_other_kinds_of_item_only_stops(tmp_path: Path) -> None:
    h = harness(tmp_path)
    runs = [
        [("cast", "intact"), ("spare", "broken"), ("cast", "intact")],
        [("spare", "broken"), ("cast", "intact"), ("spare", "intact")],
        [("cast", "intact"), ("spare", "intact"), ("spare", "broken")],
        [("spare", "intact"), ("cast", "intact"), ("cast", "intact")],
    ]
    for n, rows in enumerate(runs, 1):
        h.world.state["boxes"][f"S-{n}"] = rows
        await run_ok(h, STATION, {"station": f"S-{n}"})
    h.world.state["boxes"]["S-5"] = [("cast", "broken"), ("spare", "intact"), ("cast", "intact")]
    out = await h.run(STATION, {"station": "S-5"})  # "broken" seen at index 0 (a spare), never on a cast box
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "S-5" in h.world.state["held"] and "S-5" not in h.world.state["certified"]


def test_kinds_key_the_other_leaves_and_words_that_vary_together_are_not_checked() -> None:
    values: list[tuple[Any, Any]] = [
        (("trays", 0, "tray"), "T1"),
        (("trays", 0, "plant"), "cacti"),
        (("trays", 0, "moisture_pct"), 14),
        (("trays", 1, "tray"), "T2"),
        (("trays", 1, "plant"), "cacti"),
        (("trays", 1, "moisture_pct"), 30),
    ]
    got = groups(values, [])
    assert got['["~inum", ["trays"], ["plant"], "cacti", ["moisture_pct"], "max"]|n'][1] == 30
    assert got['["~inum", ["trays"], ["plant"], "cacti", ["moisture_pct"], "sum"]|n'][1] == 44
    assert not any("T1" in k for k in got)  # "T1" holds a digit: a name, no kind
    # a colour and a size that varied independently: every pair seen, a new pair is not checked
    seen = {}
    for colour, size in [("red", "small"), ("blue", "large"), ("red", "large"), ("blue", "small")]:
        for k, (_kind, v, _p) in groups([(("xs", 0, "colour"), colour), (("xs", 0, "size"), size)], []).items():
            rec = seen.setdefault(k, {"n": 0, "d": 0, "t": {}})
            rec["n"] += 1
            rec["t"][v] = []
    live = [(("xs", 0, "colour"), "red"), (("xs", 0, "size"), "small")]
    assert problem(seen, live, [], lambda p: False) is None
