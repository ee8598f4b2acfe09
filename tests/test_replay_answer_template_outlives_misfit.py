"""Does an answer's template outlive the run that contradicted it? (issue 9, rule 5 with rule 1; probe holeA)

Round AA (`bench/families_heldout14.py`, h14_coldchain) left a question open: a template that states a
computed figure (the warmest of a list of readings, `{max(readings[*].temp)}`) is contradicted by one run
(a reading kept in Fahrenheit, which the model converted: its answer is not the raw maximum), starts
again, and after `2 * MIN_FITS` agreeing runs (all in Celsius) `derived_unproven` no longer objects. The
runs the model finished after a stop (and the contradicting run itself) widened rule 1's envelope with the
Fahrenheit unit and its raw values, so a later log with a Fahrenheit reading may look "seen", and a replay
would state the raw Fahrenheit maximum as degrees Celsius.

Tested here in another domain: a swimming pool's temperature log where some sensors report in Fahrenheit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, round_half_up, world_harness

from llmos.learning.risk import registry_risk


class PoolWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(pools={})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "pool_log":
            return {"pool": a["pool"], "readings": state["pools"][a["pool"]]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"pool_log": ["pool"]})
        reg.get(PREFIX + "pool_log").metadata["annotations"] = {"readOnlyHint": True}  # a read
        return reg


def _celsius(r: dict[str, Any]) -> float:
    return float(r["temp"]) if r["unit"] == "C" else (float(r["temp"]) - 32) * 5 / 9


async def solve_warmest(p: dict[str, Any], calls: Calls) -> str:
    (log,) = await calls([("pool_log", {"pool": p["pool"]})])
    warmest = round_half_up(max(_celsius(r) for r in log["readings"]), 1)
    return f"The warmest reading in pool {p['pool']} was {warmest} degrees Celsius."


WARMEST = Family(
    "warmest", "What was the warmest reading in pool {pool} today, in degrees Celsius?", solve_warmest, nothing
)


def log(*readings: tuple[float, str]) -> list[dict[str, Any]]:
    return [{"at": f"{8 + 2 * k:02d}:00", "temp": t, "unit": u} for k, (t, u) in enumerate(readings)]


# (pool, readings): every log in Celsius, the raw maximum is the answer
CELSIUS = [
    ("PL-101", log((26.4, "C"), (27.1, "C"), (25.8, "C"))),
    ("PL-102", log((24.9, "C"), (25.6, "C"))),
]
# one sensor in Fahrenheit: 81.5 F is 27.5 C, the warmest; the raw maximum (81.5) is not the answer
CONTRADICTING = ("PL-103", log((26.2, "C"), (81.5, "F"), (25.0, "C")))
AGREEING = [
    ("PL-104", log((27.3, "C"), (26.0, "C"), (26.8, "C"))),
    ("PL-105", log((25.2, "C"), (28.1, "C"))),
    ("PL-106", log((26.6, "C"), (25.9, "C"), (27.7, "C"), (26.1, "C"))),
    ("PL-107", log((24.4, "C"), (26.9, "C"), (25.5, "C"))),
    ("PL-108", log((27.9, "C"), (26.3, "C"))),
]


async def learned(tmp_path: Path) -> tuple[PoolWorld, Harness, list[str]]:
    """Two Celsius logs, the contradicting Fahrenheit one, then the agreeing Celsius logs; the modes."""
    w = PoolWorld()
    h = world_harness(tmp_path, w)
    h.engine.risk_of = registry_risk(h.registry)  # the log is a read (readOnlyHint)
    modes = []
    for pool, readings in [*CELSIUS, CONTRADICTING, *AGREEING]:
        w.state["pools"][pool] = readings
        out = await h.run(WARMEST, {"pool": pool})
        assert out.correct and out.trace.output == await solve_warmest({"pool": pool}, direct(w)), out.trace.events
        modes.append(out.trace.mode)
    return w, h, modes


def direct(w: PoolWorld) -> Calls:
    async def calls(batch: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        return [w.apply(w.state, n, a) for n, a in batch]

    return calls


async def test_after_the_template_started_again_a_celsius_log_replays(tmp_path: Path) -> None:
    # the control: the contradicting run fell back (rule 1: a unit 'F' no supporting run saw), the template
    # started again, and once 4 agreeing runs fit it (`derived_unproven`: twice MIN_FITS) a log like theirs
    # replays with the right maximum
    w, h, modes = await learned(tmp_path)
    assert modes[2] == "learner", modes  # the last agreeing logs may stop on rule 1 (a reading past the range)
    # every reading inside what the runs the template fits saw (`_seen_answer`): a third reading of 25.3 is
    # not, its range down to 25.0 came from the contradicting run (PL-103) alone, and the model answers it
    w.state["pools"]["PL-110"] = log((26.7, "C"), (27.4, "C"), (25.6, "C"))
    out = await h.run(WARMEST, {"pool": "PL-110"})
    assert out.trace.mode == "follower", out.trace.events
    assert out.trace.output == "The warmest reading in pool PL-110 was 27.4 degrees Celsius."


# Closed (envA): rule 1 on every result before a read-only plan's computed answer (`replay_plan.BoundPlan.answer`)
# stops a unit or a temperature at a position no run saw ('F' last, 84.2); and the answer is judged against
# the runs its template fits only (`_seen_answer`: `PlanStep.fit_seen`), so the 'F' and 81.5 the contradicting
# run put at readings[1] are no evidence for it (PL-109, and the repeat of PL-103 itself)


@pytest.mark.parametrize(
    ("pool", "readings", "warmest"),
    [
        # a new log: 78.8 F is 26.0 C, the warmest is 26.2 C; the raw maximum 78.8 is inside what runs saw
        ("PL-109", log((25.1, "C"), (78.8, "F"), (26.2, "C")), 26.2),
        # the Fahrenheit reading last (no run saw 'F' there), and one past every temperature a run saw (84.2 F)
        ("PL-111", log((25.1, "C"), (26.2, "C"), (78.8, "F")), 26.2),
        ("PL-112", log((25.1, "C"), (84.2, "F"), (26.2, "C")), 29.0),
        # an exact repeat of the contradicting run, on the same log (h14_coldchain #150's shape)
        (CONTRADICTING[0], CONTRADICTING[1], 27.5),
    ],
    ids=["new_log", "f_last", "past_every_seen_temp", "repeat_of_the_contradicting_run"],
)
async def test_a_maximum_whose_template_started_again_is_not_said_of_a_fahrenheit_log(
    tmp_path: Path, pool: str, readings: list[dict[str, Any]], warmest: float
) -> None:
    w, h, modes = await learned(tmp_path)
    w.state["pools"][pool] = readings
    out = await h.run(WARMEST, {"pool": pool})
    # on 88c2be5: mode follower, "... was 78.8 degrees Celsius." (PL-111: 78.8, PL-112: 84.2, PL-103: 81.5)
    assert out.trace.output == f"The warmest reading in pool {pool} was {warmest} degrees Celsius.", (
        modes,
        out.trace.mode,
        out.trace.output,
    )


async def test_a_unit_no_run_saw_at_a_position_only_some_runs_had_is_not_said(tmp_path: Path) -> None:
    w = PoolWorld()
    h = world_harness(tmp_path, w)
    h.engine.risk_of = registry_risk(h.registry)
    runs = [
        ("PL-301", log((26.4, "C"), (27.1, "C"), (25.8, "C"))),
        ("PL-302", log((24.9, "C"), (25.6, "C"))),
        ("PL-303", log((27.3, "C"), (26.0, "C"), (26.8, "C"))),
        ("PL-304", log((25.2, "C"), (28.1, "C"))),
    ]
    for pool, readings in runs:
        w.state["pools"][pool] = readings
        out = await h.run(WARMEST, {"pool": pool})
        assert out.correct and out.trace.output == await solve_warmest({"pool": pool}, direct(w))
    w.state["pools"]["PL-309"] = log((25.1, "C"), (26.2, "C"), (78.8, "F"))  # 78.8 F is 26.0 C
    out = await h.run(WARMEST, {"pool": "PL-309"})
    # on 88c2be5: mode follower, "The warmest reading in pool PL-309 was 78.8 degrees Celsius."
    assert out.trace.output == "The warmest reading in pool PL-309 was 26.2 degrees Celsius.", (
        out.trace.mode,
        out.trace.output,
    )
