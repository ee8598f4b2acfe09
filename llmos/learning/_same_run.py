"""Rule 5 on identical evidence: a replay whose every input is its plan's example run's is answered as that run was.

The model's answer is a function of what it saw: the goal's words, its calls' results and the day. The plan's
example is its latest supporting run. When that run was answered by the model (a LEARNER or MIXED run), a replay
whose goal has the same words, whose calls are that run's calls with equal arguments, whose every result is the
same text, and which runs on the same day (UTC and local), saw nothing that run did not see: that run's answer is
this run's answer, every value of it a value of this run (rule 5), every result exactly one a supporting run saw
(rule 1). One character of one result, another word of the goal, another day, and the usual rules apply: a
template, a listing, or the model.

This is what lets an exact repeat of a question be replayed when its answer is a judgement no template or listing
states ("Riverside has no calls logged this week, so there is no share to report"; "6 free passes ..., 60 minutes
in all" where the passes were counted by the model): before, such a plan went to the model on every repeat, also on
a world that had not changed (`families_heldout17.py` h17_target, h17_passes).

The example keeps a digest of the run's inputs (`record`, at `KEY`), not its results: what is compared is whether
this run's inputs are the same, not what they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmos.learning.goals import tokenize_goal

if TYPE_CHECKING:
    from llmos.learning._evidence import Evidence
    from llmos.learning.plans import Plan

KEY = "same_run"
MODEL_MODES = ("learner", "mixed")  # runs whose answer the model wrote
MAX_ANSWER = 2000  # a longer answer is not kept (the example keeps 300 characters of it)


def _day(at: float) -> str:
    """The day of `at`, UTC and local: a goal's "today", "this week" or "this month" is the same."""
    return f"{dt.datetime.fromtimestamp(at, dt.UTC).date()}/{dt.datetime.fromtimestamp(at).date()}"


def _plain(value: Any) -> Any:
    """Integral floats as ints (the model's 1881 and a replay's 1881.0 are one argument)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def digest(goal: str, calls: Sequence[tuple[str, Any, str]]) -> str:
    """The inputs of a run: the goal's words and every call (tool, arguments, result text), in any order."""
    words = [t.text for t in tokenize_goal(goal)]
    rows = sorted(json.dumps([n, _plain(a), r], sort_keys=True, default=str) for n, a, r in calls)
    return hashlib.sha256(json.dumps([words, rows]).encode()).hexdigest()


def record(ev: Evidence) -> dict[str, Any]:
    """What the example keeps of its run (nothing when the model did not write its answer)."""
    if not ev.clean or ev.mode not in MODEL_MODES or not ev.answer.strip() or len(ev.answer) > MAX_ANSWER:
        return {}
    calls = [(c.name, c.arguments, c.result) for c in ev.calls]
    return {KEY: {"digest": digest(ev.goal, calls), "day": _day(ev.at), "answer": ev.answer}}


def _kept(plan: Plan, goal: str) -> dict[str, Any] | None:
    rec = plan.example.get(KEY)
    if not goal or not isinstance(rec, dict) or rec.get("day") != _day(time.time()):
        return None
    example_goal = str(plan.example.get("goal") or "")
    if [t.text for t in tokenize_goal(goal)] != [t.text for t in tokenize_goal(example_goal)]:
        return None
    return rec


def may_answer(plan: Plan, goal: str) -> bool:
    """Whether a replay of this goal may still be answered as the example run was (its results decide)."""
    return _kept(plan, goal) is not None


def answer(plan: Plan, goal: str, args: Sequence[dict[str, object] | None], texts: Sequence[str | None]) -> str | None:
    """The example run's answer when this run's inputs are that run's, else None."""
    rec = _kept(plan, goal)
    if rec is None or len(args) != len(plan.steps) or len(texts) != len(plan.steps):
        return None
    calls: list[tuple[str, Any, str]] = []
    for step, a, t in zip(plan.steps, args, texts, strict=True):
        if a is None or t is None:
            return None
        calls.append((step.name, a, t))
    return str(rec["answer"]) if digest(goal, calls) == rec.get("digest") else None
