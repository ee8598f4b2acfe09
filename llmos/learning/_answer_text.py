"""Rule 1 before an answer that computes with a plain text's number (`_explain_text`).

`_seen_answer.answer_seen_problem` range-checks the numeric leaves a computed answer's steps returned; a plain
text has none, so an answer figure computed from its numbers ("Silo S40 holds 285 t of 450 t": 165 t of
room) would pass unchecked. Here every plain text such a figure reads is checked as rule 1 checks a text
before a write: its template one the supporting runs showed, its numbers inside the ranges they showed
(the number computed with is not excused: a text's number has no sign-and-scale check of its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llmos.learning import _explain_text, _seen_answer
from llmos.learning import _seen as seen
from llmos.learning import explain as ex
from llmos.learning.plans import Plan


def answer_seen_problem(plan: Plan, env: ex.Env, args: list[Any], noise_runs: int, answer: Sequence[Any]) -> str | None:
    """`_seen_answer.answer_seen_problem`, then every plain text a computed number of the answer reads,
    against the same runs: those the answer's template fits (`_seen_answer.view`)."""
    why = _seen_answer.answer_seen_problem(plan, env, args, noise_runs, answer)
    if why or not plan.seen_runs:
        return why
    plan = _seen_answer.view(plan)
    holes = [c for part in answer if part[0] == "hole" for c in part[1] if c[0] == "calc"]
    for i in sorted(_explain_text.steps_read(tuple(holes))):
        text = env.texts[i] if i < len(env.texts) else None
        if text is None or i >= len(plan.steps) or env.parsed[i] is not ex.NOT_JSON:
            continue
        step = plan.steps[i]
        masks = seen.step_masks(plan, env.tokens, args, i)
        why, _noise = seen.problems(step.seen, seen._observed([((), text)], masks), noise_runs, set(), set())
        if why:
            return (
                f"{step.name} returned a value outside the evidence, and the answer states a number "
                f"computed from its text: {why}"
            )
    return None
