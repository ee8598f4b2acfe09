"""Rule 5 on identical evidence: a replay whose every input is a supporting run's is answered as that run was.

The model's answer is a function of what it saw: the goal's words, its calls' results and the day. When a supporting
run of the plan was answered by the model alone (a LEARNER or MIXED run no replay began, whose evidence holds every
call it made, `Evidence.whole_run`; a run the model finished after a replay stopped is not kept), a replay whose
goal has the same words, whose calls are that run's calls with equal arguments, whose every result is the same
text, and which runs on the same day (UTC and local), saw nothing that run did not see: that run's answer is this
run's answer, every value of it a value of this run (rule 5), every result exactly one a supporting run saw (rule
1). One character of one result, another word of the goal, another day, and the usual rules apply: a template, a
listing, or the model.

This is what lets an exact repeat of a question be replayed when its answer is a judgement no template or listing
states ("Riverside has no calls logged this week, so there is no share to report"; "6 free passes ..., 60 minutes
in all" where the passes were counted by the model): before, such a plan went to the model on every repeat, also on
a world that had not changed (`families_heldout17.py` h17_target, h17_passes).

The example keeps, at `KEY`, the last `MAX_KEPT` such runs of the day (`record`): each run's id, goal, answer and a
digest of its inputs (not its results: what is compared is whether this run's inputs are the same, not what they
were). A run counts only while it is one of the plan's latest supporting runs (`Plan.trace_ids`): a rejected run
(rule 6: the plan is rebuilt without it), or one a copied example brought from another plan, answers nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmos.learning import _shortcuts
from llmos.learning._evidence import _sorted_json
from llmos.learning.goals import tokenize_goal

if TYPE_CHECKING:
    from llmos.learning._evidence import Evidence
    from llmos.learning.plans import Plan

KEY = "same_run"
MODEL_MODES = ("learner", "mixed")  # runs whose answer the model wrote
MAX_ANSWER = 2000  # a longer answer is not kept (the example keeps 300 characters of it)
MAX_KEPT = 4  # runs of the day kept a plan


def _day(at: float) -> str:
    """The day of `at`, UTC and local: a goal's "today", "this week" or "this month" is the same. Both
    dates change only on a whole second (a time zone's offset is whole seconds), so with the shortcuts
    on the last second's answer is given again for any time within that second; not in its last
    microsecond, which `fromtimestamp` may round up to the next second."""
    if not _shortcuts.ON:
        return _plain_day(at)
    second = math.floor(at)
    if at - second >= 0.999999:
        return _plain_day(at)
    last = _LAST_DAY[0]
    if last is not None and last[0] == second:
        return last[1]
    day = _plain_day(at)
    _LAST_DAY[0] = (second, day)
    return day


def _plain_day(at: float) -> str:
    return f"{dt.datetime.fromtimestamp(at, dt.UTC).date()}/{dt.datetime.fromtimestamp(at).date()}"


_LAST_DAY: list[tuple[int, str] | None] = [None]  # (the second, its day) last asked


def _plain(value: Any) -> Any:
    """Integral floats as ints (the model's 1881 and a replay's 1881.0 are one argument)."""
    if type(value) is str:  # the common leaf: kept as it is (what the checks below give a text)
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _words(goal: str) -> list[str]:
    return [t.text for t in tokenize_goal(goal)]


def digest(words: list[str], calls: Sequence[tuple[str, Any, str]]) -> str:
    """The inputs of a run: the goal's words and every call (tool, arguments, result text), in any order."""
    rows = sorted(_sorted_json([n, _plain(a), r]) for n, a, r in calls)
    return hashlib.sha256(json.dumps([words, rows]).encode()).hexdigest()


def record(ev: Evidence, previous: dict[str, Any]) -> dict[str, Any]:
    """What the new example keeps (`previous`: the example it replaces): this run when the model answered it
    alone, and the earlier runs of the same day."""
    day = _day(ev.at)
    kept = [r for r in previous.get(KEY) or [] if isinstance(r, dict) and r.get("day") == day]
    if ev.whole_run and ev.mode in MODEL_MODES and ev.answer.strip() and len(ev.answer) <= MAX_ANSWER:
        calls = [(c.name, c.arguments, c.result) for c in ev.calls]
        words = [t.text for t in ev.raw_tokens()]  # the goal as the evidence tokenised it once
        run = {"run": ev.trace_id, "goal": ev.goal, "digest": digest(words, calls), "day": day, "answer": ev.answer}
        kept = [run, *kept]
    return {KEY: kept[:MAX_KEPT]} if kept else {}


def _kept(plan: Plan, goal: str) -> list[dict[str, Any]]:
    """The runs kept whose goal has this goal's words, today, while they still support the plan."""
    if not goal:
        return []
    day, words, runs = _day(time.time()), _words(goal), set(plan.trace_ids)
    return [
        r
        for r in plan.example.get(KEY) or []
        if isinstance(r, dict) and r.get("day") == day and r.get("run") in runs and _words(str(r.get("goal"))) == words
    ]


def may_answer(plan: Plan, goal: str) -> bool:
    """Whether a replay of this goal may still be answered as a kept run was (its results decide)."""
    return bool(_kept(plan, goal))


def answer(plan: Plan, goal: str, args: Sequence[dict[str, object] | None], texts: Sequence[str | None]) -> str | None:
    """The answer of the kept run whose inputs are this run's, else None."""
    kept = _kept(plan, goal)
    if not kept or len(args) != len(plan.steps) or len(texts) != len(plan.steps):
        return None
    calls: list[tuple[str, Any, str]] = []
    for step, a, t in zip(plan.steps, args, texts, strict=True):
        if a is None or t is None:
            return None
        calls.append((step.name, a, t))
    mine = digest(_words(goal), calls)
    return next((str(r["answer"]) for r in kept if r.get("digest") == mine), None)
