"""Conditional wording replays only when the evidence can see the condition (`learning/conditions.py`).

Domains of no bench family: an aquarium (dose a tank when nitrate is high), a choir (seat a singer
unless already seated), a bell tower (ring it when it is a given day: no result shows the day).
Every must-replay case has must-NOT-replay twins: the threshold on the other side, the text saying
"already", a category never seen, a condition no result shows, an unannotated read, a goal number
outside the evidence.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, stopped_outside_evidence, world_harness

from llmos.learning import conditions
from llmos.learning.goals import tokenize
from llmos.learning.risk import registry_risk
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}


class Reef(World):
    """Tanks, a choir and a bell tower. `annotate`: whether the reads declare readOnlyHint."""

    def __init__(self, annotate: bool = True) -> None:
        super().__init__(0)
        self.annotate = annotate
        self.state.update({"tanks": {}, "doses": [], "seats": {}, "rings": []})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_tank":
            t = state["tanks"][a["tank"]]
            return {"tank": a["tank"], "nitrate_ppm": t["nitrate"], "water": t["water"]}
        if name == "dose_tank":
            state["doses"].append({"tank": a["tank"], "ml": a["ml"]})
            return {"ok": True, "dosed_ml": a["ml"]}
        if name == "seat_status":
            where = state["seats"].get(a["singer"])
            text = f"{a['singer']} is not seated yet" if where is None else f"{a['singer']} already sits in {where}"
            return {"status": text}
        if name == "seat_singer":
            state["seats"][a["singer"]] = a["row"]
            return {"seated": a["singer"], "row": a["row"]}
        if name == "tower_status":
            return {"tower": a["tower"], "rope": "ok"}
        if name == "ring_bell":
            state["rings"].append(a["tower"])
            return {"rang": a["tower"]}
        return super().apply(state, name, a)

    def registry(self) -> ToolRegistry:
        reg = super().registry()
        tools = {
            "read_tank": (["tank"], READ),
            "dose_tank": (["tank", "ml"], WRITE),
            "seat_status": (["singer"], READ),
            "seat_singer": (["singer", "row"], WRITE),
            "tower_status": (["tower"], READ),
            "ring_bell": (["tower"], WRITE),
        }
        for name, (names, ann) in tools.items():
            meta = {"annotations": ann} if self.annotate or ann is WRITE else {}
            reg.register(
                Tool(
                    PREFIX + name,
                    f"the {name} tool",
                    {"type": "object", "properties": {n: {} for n in names}, "required": names},
                    self._invoker(name),
                    source="mcp:bench",
                    metadata=meta,
                )
            )
        return reg


async def _dose(p: dict[str, Any], calls: Calls) -> str:
    (t,) = await calls([("read_tank", {"tank": p["tank"]})])
    if t["nitrate_ppm"] > p["limit"]:
        await calls([("dose_tank", {"tank": p["tank"], "ml": p["ml"]})])
        return f"Dosed tank {p['tank']} with {p['ml']} ml (nitrate {t['nitrate_ppm']} ppm)."
    return f"Tank {p['tank']} is fine (nitrate {t['nitrate_ppm']} ppm): no dose."


async def _seat(p: dict[str, Any], calls: Calls) -> str:
    (s,) = await calls([("seat_status", {"singer": p["singer"]})])
    if "already" in s["status"]:
        return f"{p['singer']} is already seated."
    await calls([("seat_singer", {"singer": p["singer"], "row": p["row"]})])
    return f"Seated {p['singer']} in the {p['row']} row."


async def _ring(p: dict[str, Any], calls: Calls) -> str:
    await calls([("tower_status", {"tower": p["tower"]})])
    if p["day"] != p["today"]:  # the model knows the day; no result shows it
        return "Not today."
    await calls([("ring_bell", {"tower": p["tower"]})])
    return f"Rang tower {p['tower']}."


def _nothing(rng: random.Random, w: World) -> dict[str, Any]:
    return {}


DOSE = Family("dose", "Dose tank {tank} with {ml} ml of conditioner if nitrate is above {limit} ppm", _dose, _nothing)
SEAT = Family("seat", "Seat {singer} in the {row} row unless they are already seated", _seat, _nothing)
RING = Family("ring", "Ring the bell of tower {tower} when it is {day}", _ring, _nothing)


def _harness(tmp: Path, annotate: bool = True) -> Harness:
    h = world_harness(tmp, Reef(annotate))
    h.engine.risk_of = registry_risk(h.registry)
    return h


def _tank(h: Harness, name: str, nitrate: float, water: str = "clear") -> str:
    h.world.state["tanks"][name] = {"nitrate": nitrate, "water": water}
    return name


async def _learn_dose(h: Harness) -> None:
    for i, (nitrate, limit) in enumerate([(70, 40), (85, 45), (62, 50), (90, 42)]):
        p = {"tank": _tank(h, f"T{i + 1}", nitrate), "ml": 5 + i, "limit": limit}
        out = await h.run(DOSE, p)
        assert out.correct


def test_quantity_words_are_no_condition() -> None:
    assert conditions.words(tokenize("Add 3 more chairs to hall B")) == []
    assert conditions.words(tokenize("Book only 4 tickets for the gala")) == []
    assert conditions.words(tokenize("When does ferry F12 leave?")) == []
    assert conditions.words(tokenize("Add 3 more than last week")) == ["more", "than"]
    assert conditions.words(tokenize("Water the ferns unless it rained")) == ["unless"]
    assert conditions.words(tokenize("Call Ada when the kiln is hot")) == ["when"]


async def test_condition_on_the_same_side_replays(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_dose(h)
    out = await h.run(DOSE, {"tank": _tank(h, "T9", 77), "ml": 6, "limit": 44})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    assert h.world.state["doses"][-1] == {"tank": "T9", "ml": 6}


async def test_threshold_on_the_other_side_is_not_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_dose(h)
    doses = len(h.world.state["doses"])
    out = await h.run(DOSE, {"tank": _tank(h, "T9", 30), "ml": 6, "limit": 44})  # below the limit: no dose
    assert out.correct and out.trace.mode != "follower" and len(h.world.state["doses"]) == doses
    assert stopped_outside_evidence(out.trace)


async def test_threshold_crossed_inside_the_range_seen_is_not_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_dose(h)
    doses = len(h.world.state["doses"])
    # the limit 46 is inside [40, 50] seen; nitrate 45 is below it (every supporting run: above)
    out = await h.run(DOSE, {"tank": _tank(h, "T8", 45), "ml": 6, "limit": 46})
    assert out.correct and out.trace.mode != "follower" and len(h.world.state["doses"]) == doses


async def test_a_category_never_seen_is_not_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_dose(h)
    out = await h.run(DOSE, {"tank": _tank(h, "T7", 80, water="cloudy"), "ml": 6, "limit": 44})
    assert out.correct and out.trace.mode != "follower" and stopped_outside_evidence(out.trace)


async def test_a_goal_number_outside_the_evidence_is_not_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_dose(h)
    out = await h.run(DOSE, {"tank": _tank(h, "T6", 95), "ml": 6, "limit": 80})
    assert out.correct and out.decision.mode != "follower"
    assert any("outside" in b for b in out.decision.reason["why_not_follower"]), out.decision.reason


async def test_an_unannotated_read_cannot_decide_a_condition(tmp_path: Path) -> None:
    h = _harness(tmp_path, annotate=False)  # read_tank says nothing: rule 4 counts it as a write
    await _learn_dose(h)
    out = await h.run(DOSE, {"tank": _tank(h, "T9", 77), "ml": 6, "limit": 44})
    assert out.correct and out.decision.mode != "follower"
    assert any("no result comes before" in b for b in out.decision.reason["why_not_follower"])


async def test_unless_already_replays_only_while_the_text_says_not(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    for singer, row in [("Ana", "alto"), ("Bea", "tenor"), ("Cy", "bass"), ("Dee", "alto")]:
        assert (await h.run(SEAT, {"singer": singer, "row": row})).correct
    out = await h.run(SEAT, {"singer": "Eve", "row": "tenor"})
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0, out.decision.reason
    h.world.state["seats"]["Fay"] = "bass"
    out = await h.run(SEAT, {"singer": "Fay", "row": "alto"})  # already seated: the text says so
    assert out.correct and out.trace.mode != "follower" and h.world.state["seats"]["Fay"] == "bass"
    assert stopped_outside_evidence(out.trace)


async def test_a_condition_no_result_shows_is_never_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    for i in range(5):
        p = {"tower": f"N{i}", "day": "Monday", "today": "Monday"}
        assert (await h.run(RING, p)).correct
    out = await h.run(RING, {"tower": "N9", "day": "Monday", "today": "Tuesday"})
    assert out.correct and out.decision.mode != "follower" and "N9" not in h.world.state["rings"]
    assert any("no result" in b for b in out.decision.reason["why_not_follower"]), out.decision.reason


async def test_a_fallback_the_envelope_stopped_before_the_branch_keeps_the_plan(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_dose(h)
    out = await h.run(DOSE, {"tank": _tank(h, "T5", 41), "ml": 6, "limit": 44})  # the other side: no dose
    assert out.correct and stopped_outside_evidence(out.trace)
    (plan,) = [p for p in h.engine.plans() if len(p.steps) == 2]
    assert not plan.branching  # the envelope told the run apart before the calls differed
    doses = len(h.world.state["doses"])
    out = await h.run(DOSE, {"tank": _tank(h, "T4", 43), "ml": 6, "limit": 47})  # the other side again
    assert out.correct and out.trace.mode != "follower" and len(h.world.state["doses"]) == doses
    out = await h.run(DOSE, {"tank": _tank(h, "T3", 88), "ml": 7, "limit": 41})  # the evidence side
    assert out.trace.mode == "follower" and out.correct and out.llm_calls == 0


async def test_a_fallback_after_a_failed_call_still_marks_the_branch(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    await _learn_dose(h)
    h.world.faults["read_tank"] = 3  # not a precaution: the replay fails, the model retries and goes on
    await h.run(DOSE, {"tank": _tank(h, "T5", 41), "ml": 6, "limit": 44})
    assert any(p.branching for p in h.engine.plans() if len(p.steps) == 2)


DOSE_DAY = Family(
    "dose_day", "Dose tank {tank} with {ml} ml if nitrate is above {limit} ppm and it is {day}", _dose, _nothing
)


async def test_a_part_of_the_condition_no_result_shows_is_never_replayed(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    days = ["Monday", "Tuesday", "Friday", "Sunday"]
    for i, (nitrate, limit) in enumerate([(70, 40), (85, 45), (62, 50), (90, 42)]):
        p = {"tank": _tank(h, f"T{i + 1}", nitrate), "ml": 5 + i, "limit": limit, "day": days[i]}
        assert (await h.run(DOSE_DAY, p)).correct
    out = await h.run(DOSE_DAY, {"tank": _tank(h, "T9", 77), "ml": 6, "limit": 44, "day": "Monday"})
    assert out.correct and out.decision.mode != "follower"
    assert any("'Monday'" in b for b in out.decision.reason["why_not_follower"]), out.decision.reason


async def _dose_plain(p: dict[str, Any], calls: Calls) -> str:
    """As `_dose`, with an answer that has no word of decline when the condition holds."""
    (t,) = await calls([("read_tank", {"tank": p["tank"]})])
    if t["nitrate_ppm"] > p["limit"]:
        await calls([("dose_tank", {"tank": p["tank"], "ml": p["ml"]})])
        return f"Dosed tank {p['tank']} with {p['ml']} ml (nitrate {t['nitrate_ppm']} ppm)."
    return f"Tank {p['tank']} is fine at {t['nitrate_ppm']} ppm; conditioner unchanged."


DOSE_PLAIN = Family(
    "treat", "Treat aquarium {tank} with {ml} ml of conditioner if nitrate is above {limit} ppm", _dose_plain, _nothing
)


async def test_a_conditional_goal_repeated_after_one_run_is_not_answered_by_a_listing(tmp_path: Path) -> None:
    """The held-out markdown goal "... unless it is already on sale", repeated after one run that only
    read (the condition did not hold; the model's answer has no word of decline): the read-only plan of
    that one run may replay its calls, but its answer says which way the condition went, and with no
    template learned yet a listing ("Done." and the results) cannot say it. The model answers."""
    h = _harness(tmp_path)
    for i, (nitrate, limit) in enumerate([(70, 40), (85, 45), (62, 50), (90, 42)]):
        p = {"tank": _tank(h, f"T{i + 1}", nitrate), "ml": 5 + i, "limit": limit}
        assert (await h.run(DOSE_PLAIN, p)).correct
    p = {"tank": _tank(h, "T40", 21), "ml": 7, "limit": 44}
    first = await h.run(DOSE_PLAIN, p, mode="learner")
    assert first.correct and first.trace.output.endswith("conditioner unchanged.")
    again = await h.run(DOSE_PLAIN, p)
    assert again.correct and len(h.world.state["doses"]) == 4
    assert not again.trace.output.startswith("Done"), again.trace.output
    assert again.trace.output == first.trace.output or again.llm_calls > 0, again.trace.output
