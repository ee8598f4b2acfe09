"""Rules 5 and 2 for answers: a replayed answer that states a value the run *computed* from its
results (a duration read in seconds and told in minutes, a mass read in grams and told in kg)
states THIS run's computed value, or nothing; never an earlier run's number and never a listing
that leaves the asked-for figure out when every explanation agrees on it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool


def env(goal: str, *results: str) -> ex.Env:
    return ex.Env(tokenize(goal), list(results), [ex.parse_result(r) for r in results])


def learned(*runs: tuple[str, str, list[str]]) -> list[ex.Cand]:
    parts: list[ex.Cand] = []
    for goal, answer, results in runs:
        parts = answers.learn(parts, answer, env(goal, *results))
    return parts


def test_a_number_scaled_from_a_result_is_stated_with_this_runs_value() -> None:
    parts = learned(
        ("How heavy is crate K-1 in kg?", "Crate K-1 weighs 12.345 kg.", ['{"grams": 12345}']),
        ("How heavy is crate K-2 in kg?", "Crate K-2 weighs 7.25 kg.", ['{"grams": 7250}']),
    )
    assert answers.usable(parts)
    live = env("How heavy is crate K-3 in kg?", '{"grams": 905}')
    assert answers.render(parts, live) == "Crate K-3 weighs 0.905 kg."
    # the evidence never told how a fourth decimal is rounded (or written): not guessed
    assert answers.render(parts, env("How heavy is crate K-4 in kg?", '{"grams": 1.5}')) is None


def test_evidence_that_cannot_tell_the_rounding_states_nothing() -> None:
    # 12.5 and 7.25 fit "to 2 decimals" and "to 3 decimals" alike; 0.905 tells them apart
    parts = learned(
        ("How heavy is crate K-1 in kg?", "Crate K-1 weighs 12.5 kg.", ['{"grams": 12500}']),
        ("How heavy is crate K-2 in kg?", "Crate K-2 weighs 7.25 kg.", ['{"grams": 7250}']),
    )
    assert answers.usable(parts)
    assert answers.render(parts, env("How heavy is crate K-5 in kg?", '{"grams": 3000}')) == "Crate K-5 weighs 3.0 kg."
    assert answers.render(parts, env("How heavy is crate K-3 in kg?", '{"grams": 905}')) is None


def test_minutes_from_seconds_carry_no_noise_of_the_scale() -> None:
    # x / 60 is found as x * 0.01666666667: the answer must still read 2.5, not 2.5000000005
    parts = learned(
        ("How long did job J-4 take in minutes?", "Job J-4 took 2.5 minutes.", ['{"seconds": 150}']),
        ("How long did job J-5 take in minutes?", "Job J-5 took 11.75 minutes.", ['{"seconds": 705}']),
    )
    assert answers.usable(parts)
    live = env("How long did job J-6 take in minutes?", '{"seconds": 96}')
    assert answers.render(parts, live) == "Job J-6 took 1.6 minutes."


def test_a_derived_number_whose_explanations_disagree_is_not_said() -> None:
    # in both runs the total was twice the count AND the count plus the goal's 4 ... no: plus the
    # count itself; two explanations (x * 2, x + x) would agree; make them disagree: total = x * 2 and
    # total = x + y where y happened to equal x in both supporting runs
    parts = learned(
        ("Sum the pair P-1", "The total is 14.", ['{"a": 7, "b": 7}']),
        ("Sum the pair P-2", "The total is 18.", ['{"a": 9, "b": 9}']),
    )
    assert answers.usable(parts)
    agree = env("Sum the pair P-3", '{"a": 5, "b": 5}')
    assert answers.render(parts, agree) == "The total is 10."
    disagree = env("Sum the pair P-4", '{"a": 5, "b": 6}')
    assert answers.render(parts, disagree) is None  # 10 (a * 2), 11 (a + b), 12 (b * 2): nothing guessed
    assert answers.final_answer(parts, ["pair"], disagree) == 'Done.\n- pair: {"a": 5, "b": 6}'


def test_a_number_that_never_changed_is_not_taken_for_phrasing() -> None:
    # "3 checks" was the same in every run, and 3 was also bar - prev in both: which one it is, the
    # evidence cannot tell (rule 2); a run where bar - prev is 7 states neither (issue 9, rule 5)
    parts = learned(
        ("Inspect valve V-1", "3 checks passed; pressure 7 bar.", ['{"bar": 7, "prev": 4}']),
        ("Inspect valve V-2", "3 checks passed; pressure 9 bar.", ['{"bar": 9, "prev": 6}']),
    )
    assert answers.usable(parts)
    assert answers.render(parts, env("Inspect valve V-3", '{"bar": 8, "prev": 1}')) is None
    # nor when bar - prev happens to agree: the arithmetic was never put to the test
    assert answers.render(parts, env("Inspect valve V-4", '{"bar": 8, "prev": 5}')) is None


def test_arithmetic_on_the_goals_fixed_words_is_no_explanation() -> None:
    # held-out h4_fuel: 32.0 litres over 400 km in every supporting run said "8.0 litres per 100 km";
    # 100 * 0.08 and 100 - 92 (the goal's own "100") explain 8.0 as well, and agree on every run
    goal = "What was the fuel use of van {} on its last trip, in litres per 100 km?"
    parts = learned(
        (goal.format("V11"), "Van V11 used 8.0 litres per 100 km.", ["Van V11: 400 km, 32.0 litres, driver Ines"]),
        (goal.format("V23"), "Van V23 used 8.0 litres per 100 km.", ["Van V23: 400 km, 32.0 litres, driver Kofi"]),
    )
    live = env(goal.format("V86"), "Van V86: 612 km, 66.7 litres, driver Oskar")
    assert answers.render(parts, live) is None
    # another domain: a printer's pages per minute (60 seconds in the goal, the same 120 s job every time)
    ask = "How many pages per minute did printer {} print, per 60 seconds?"
    parts = learned(
        (ask.format("PR-1"), "Printer PR-1: 30 pages per minute.", ['{"pages": 60, "seconds": 120}']),
        (ask.format("PR-2"), "Printer PR-2: 30 pages per minute.", ['{"pages": 60, "seconds": 120}']),
    )
    assert answers.render(parts, env(ask.format("PR-3"), '{"pages": 45, "seconds": 60}')) is None


def test_a_constant_conversion_of_a_constant_reading_is_not_repeated() -> None:
    # held-out h4_cellarf: every supporting run read 12.0 C and said 53.6 F; a run reading 8.4 C
    parts = learned(
        ("How warm is the wine cellar crypt in Fahrenheit?", "The crypt cellar is at 53.6 F.",
         ["Cellar crypt: 12.0 C, humidity 71 %"]),
        ("How warm is the wine cellar vault in Fahrenheit?", "The vault cellar is at 53.6 F.",
         ["Cellar vault: 12.0 C, humidity 64 %"]),
    )
    live = env("How warm is the wine cellar grotto in Fahrenheit?", "Cellar grotto: 8.4 C, humidity 70 %")
    assert answers.render(parts, live) is None


def test_a_figure_no_value_explains_is_never_phrasing() -> None:
    # held-out h4_bloom: days between two dates of a plain-text result (no arithmetic of numbers
    # explains 144); the same in every supporting run, and still never said again
    parts = learned(
        ("How many days passed from blossom to harvest in orchard block A1?", "Block A1: 144 days.",
         ["Block A1 (Gala): blossom 2026-04-12, harvest 2026-09-03, yield 4.2 t"]),
        ("How many days passed from blossom to harvest in orchard block B2?", "Block B2: 144 days.",
         ["Block B2 (Cox): blossom 2026-04-12, harvest 2026-09-03, yield 6.1 t"]),
    )
    assert "144" in str(parts)
    # a plain text's numbers are operands (`_explain_text`): 4.2 x 34.29 gave 144 in one run, so the figure
    # is a hole, as over a JSON result; only the constant fits both runs, and a constant is never stated
    live = env(
        "How many days passed from blossom to harvest in orchard block C3?",
        "Block C3 (Gala): blossom 2026-04-12, harvest 2026-10-03, yield 4.2 t",
    )
    assert not answers.usable(parts) or answers.render(parts, live) is None
    # another domain: a count of lines the model made ("2 of the checks") is no value of the run
    parts = learned(
        ("Audit server web-1", "2 warnings on web-1.", ["disk ok\nssh weak cipher\nntp drift"]),
        ("Audit server web-2", "2 warnings on web-2.", ["disk full\nssh ok\nntp drift"]),
    )
    assert not answers.usable(parts)


def test_the_derived_template_survives_the_json_round_trip_of_generated_code() -> None:
    parts = learned(
        ("How heavy is crate K-1 in kg?", "Crate K-1 weighs 12.345 kg.", ['{"grams": 12345}']),
        ("How heavy is crate K-2 in kg?", "Crate K-2 weighs 7.25 kg.", ['{"grams": 7250}']),
    )
    body = json.loads(json.dumps(answers.fingerprint_parts(parts)))
    again = answers.checked(body)
    live = env("How heavy is crate K-9 in kg?", '{"grams": 40}')
    assert answers.render(again, live) == "Crate K-9 weighs 0.04 kg."


# ---------------------------------------------------------------- end to end, with the test model
SECONDS = {"build-1": 150, "build-2": 705, "build-3": 96, "build-4": 3725, "build-5": 42, "build-6": 1234}


def duration_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "How long job" in m.text)
    job = re.findall(r"How long job (\S+) ran", goal)[-1]  # the goal comes last (after any example)
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "job_duration", {"job": job})
    seconds = json.loads(results[-1].content)["seconds"]
    return f"Job {job} ran for {round(seconds / 60, 4)} minutes."


@tool
def job_duration(job: str) -> dict[str, Any]:
    """How long a CI job ran, in seconds."""
    return {"job": job, "seconds": SECONDS[job]}


async def test_a_replayed_question_states_this_runs_derived_figure(tmp_path: Path) -> None:
    model = TestModel(script=duration_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[job_duration]) as os:
        outs = [await os.execute(f"How long job {job} ran, in minutes?") for job in SECONDS]
    assert all(o.success for o in outs), [o.to_dict() for o in outs]
    replayed = [(job, o) for job, o in zip(SECONDS, outs, strict=True) if o.llm_calls == 0]
    stated = 0
    for job, out in replayed:
        want = f"Job {job} ran for {round(SECONDS[job] / 60, 4)} minutes."
        # the figure of this run, or (explanations not agreeing yet: 2.5 and 11.75 do not tell how
        # many decimals the model kept) a listing of this run's results; never another number
        assert out.output == want or out.output.startswith("Done.\n- job_duration("), (out.mode, out.output)
        stated += out.output == want
    assert stated >= 1, [(o.mode, o.output) for o in outs]


# ---------------------------------------------------------------- a figure no explanation derives
DISKS = {
    f"D-{i}": (used, total) for i, (used, total) in enumerate([(37, 80), (120, 500), (9, 64), (250, 256), (1, 3)] * 2)
}


def disk_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "How full is disk" in m.text)
    disk = re.findall(r"How full is disk (D-\d+)\?", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "disk_usage", {"disk": disk})
    usage = json.loads(results[-1].content)
    return f"Disk {disk} is {round(usage['used_gb'] / usage['total_gb'] * 100, 1)}% full."


@tool
def disk_usage(disk: str) -> dict[str, Any]:
    """Used and total space of a disk, in GB."""
    used, total = DISKS[disk]
    return {"disk": disk, "used_gb": used, "total_gb": total}


def test_a_figure_the_model_worked_out_is_named_by_unstated_figures() -> None:
    example = {
        "goal": "How full is disk D-1?",
        "calls": [{"name": "disk_usage", "arguments": {"disk": "D-1"}, "result": '{"used_gb": 120, "total_gb": 500}'}],
        "answer": "Disk D-1 is 24.0% full.",
    }
    assert answers.unstated_figures(example) == ["24.0"]
    example["answer"] = "Disk D-1 holds 120 of 500 GB."
    assert answers.unstated_figures(example) == []


async def test_a_replay_that_cannot_state_the_asked_figure_lets_the_model_answer(tmp_path: Path) -> None:
    # used / total * 100, rounded: three operands, outside the explanations; a listing of the
    # results would not say how full the disk is, so the replay's calls stand and the model answers
    model = TestModel(script=disk_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[disk_usage]) as os:
        outs = [await os.execute(f"How full is disk {disk}?") for disk in DISKS]
    for disk, out in zip(DISKS, outs, strict=True):
        used, total = DISKS[disk]
        assert out.success, out.to_dict()
        assert out.output == f"Disk {disk} is {round(used / total * 100, 1)}% full.", (out.mode, out.output)
    stopped = [o for o in outs if (o.mode_reason or {}).get("fallback")]
    assert stopped, [o.mode for o in outs]  # replays were tried, and handed the answer to the model
    assert all(o.llm_calls == 1 for o in stopped), [(o.mode, o.llm_calls) for o in stopped]


GRAMS = {"K-1": 12345, "K-2": 7250, "K-3": 905, "K-4": 40210, "K-5": 3333, "K-6": 2501, "K-7": 880}


def crate_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "How heavy is crate" in m.text)
    crate = re.findall(r"How heavy is crate (K-\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "weigh_crate", {"crate": crate})
    kg = json.loads(results[-1].content)["grams"] / 1000
    return f"{crate}: {kg} kg" if crate == "K-1" else f"Crate {crate} weighs {kg} kg."  # first: other words


@tool
def weigh_crate(crate: str) -> dict[str, Any]:
    """A crate's mass in grams."""
    return {"crate": crate, "grams": GRAMS[crate]}


async def test_the_models_answer_after_a_stop_teaches_the_template(tmp_path: Path) -> None:
    # the two supporting answers are worded differently, so no template fits them both; the answer
    # states a figure the model worked out, so the first replay hands the answer to the model, whose
    # answer (over the replay's own calls) then completes the template: once it holds over twice the
    # usual evidence, a replay states this run's figure with no model call at all
    model = TestModel(script=crate_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[weigh_crate]) as os:
        outs = [await os.execute(f"How heavy is crate {crate} in kg?") for crate in GRAMS]
    for crate, out in list(zip(GRAMS, outs, strict=True))[1:]:
        assert out.success and out.output == f"Crate {crate} weighs {GRAMS[crate] / 1000} kg.", (out.mode, out.output)
    modes = [(o.mode, o.llm_calls, bool((o.mode_reason or {}).get("fallback"))) for o in outs]
    assert modes[2][1:] == (1, True), modes  # a replay whose calls stand; the model answers
    # the template started again after K-1, so its arithmetic must hold over 4 runs (K-2 to K-5) first
    assert all(m[1:] == (1, True) for m in modes[3:5]), modes
    assert all(m[:2] in (("follower", 0), ("crystallized", 0)) for m in modes[5:]), modes
