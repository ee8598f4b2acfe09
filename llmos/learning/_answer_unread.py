"""Rules 1 and 5: a result that fed nothing, judged by the answer's own words (helper words2).

A result that feeds nothing is judged too (helper words2): "Report on the ice at rink RK-46 tonight." answered
"Rink RK-46 is open tonight." over a result `{"ice": "cracked"}` copies no category, and no value of the
result reaches the answer or a later call (`unread_results`): the model called the tool to judge what it
said, and "open" is that judgement, in the earlier run's words (rule 5). Rule 3 leaves a write whose
acknowledgement feeds nothing replayable (a tool that says nothing of itself is one), so stop 35's head
replayed "open" over cracked ice, crystallized (`bench/families_words2.py`). A declared write's result
(annotated `readOnlyHint: false`, or a built-in file write) is its acknowledgement, not such a read.

`unread_results` finds such calls in the example run (its values reach neither the answer nor a later
call), `unchecked` keeps those no later step that may write follows (rule 1 checks the others before
that write) and whose result no explanation of the plan reads either (a figure worked out of it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from llmos.learning import explain as ex
from llmos.learning._answer_words import _CATEGORY
from llmos.learning.plans import Plan, path_key
from llmos.learning.risk import RiskOf, declares_write, writes_after

__all__ = ["unchecked", "unread_results"]


def _leaves(data: Any, depth: int = 0) -> list[str]:
    """The values of a JSON result (texts and numbers, as text), at most 200."""
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        out: list[str] = []
        for v in data[:50]:
            out.extend(_leaves(v, depth + 1) if depth < 4 else [])
        return out[:200]
    if isinstance(data, bool) or data is None:
        return []
    return [str(data)]


def _values(result: str) -> list[str]:
    """A result's values: a JSON result's leaves, a plain text's words of three letters or more and numbers."""
    try:
        return _leaves(json.loads(result))
    except ValueError:
        return re.findall(r"[A-Za-z]{3,}|\d+(?:\.\d+)?", result)


def _said(value: str, text: str) -> bool:
    return bool(re.search(rf"(?<![\w.]){re.escape(value)}(?![\w]|\.\d)", text, re.IGNORECASE))


def unread_results(
    example: dict[str, Any],
    declares_write: Callable[[str], bool] | None = None,
    read_only: Callable[[str], bool] | None = None,
) -> list[int]:
    """The calls of the example run whose result fed nothing: it has a value neither the goal nor the call's
    arguments hold, no such value is in the answer or a later call's arguments, and one of them is a
    category (a text of one or two lower-case words: "cracked"), or a number of a call no earlier call may
    have written before (`read_only` of each earlier tool: "nitrate_mg_l": 31 of the plan's one call). A
    read the answer can only have judged. A number alone of a call after a possible write is taken for an
    acknowledgement ("logged": 3 after `set_stock`); so is any result of a declared write
    (`declares_write`: "created one.txt (5 bytes)" of the built-in `write_file`)."""
    answer = str(example.get("answer") or "")
    calls = [c for c in example.get("calls") or [] if isinstance(c, dict)]
    goal = str(example.get("goal") or "")
    out = []
    for i, call in enumerate(calls):
        given = goal + " " + json.dumps(call.get("arguments"), default=str)
        fresh = {v for v in _values(str(call.get("result") or "")) if v.strip() and not _said(v, given)}
        later = " ".join(json.dumps(c.get("arguments"), default=str) for c in calls[i + 1 :])
        if not fresh or any(_said(v, answer) or _said(v, later) for v in fresh):
            continue
        name = str(call.get("name") or "")
        categories = [v for v in fresh if _CATEGORY.fullmatch(v)]
        if declares_write is not None and bool(name) and declares_write(name):
            continue  # a declared write's result that nothing reads: its acknowledgement (rule 3's view)
        first = read_only is not None and all(read_only(str(c.get("name") or "")) for c in calls[:i])
        if categories or first:
            out.append(i)
    return out


def unchecked(plan: Plan, risk_of: RiskOf | None) -> list[int]:
    """The example run's calls whose result fed nothing (`_answer_words.unread_results`) and that no later
    step that is not read-only follows: rule 1 checks no such result before a write, so only the answer
    judged it."""
    calls = [c for c in plan.example.get("calls") or [] if isinstance(c, dict)]
    names = [str(c.get("name") or "") for c in calls]
    fed = _fed(plan) if len(plan.steps) == len(calls) else set()
    groups = [g if isinstance(g := c.get("group"), int) else i for i, c in enumerate(calls)]
    if risk_of is None:
        unread = unread_results(plan.example)
    else:
        reads = risk_of  # a lookup over the registry, read at call time

        unread = unread_results(
            plan.example, lambda n: declares_write(reads, n), lambda n: reads(n) == "read_only"
        )
    return [i for i in unread if i not in fed and not writes_after(i, names, groups, risk_of)]


def _fed(plan: Plan) -> set[int]:
    """The steps whose result a later argument or the answer template reads (an echo of the step's own
    arguments aside): a figure the answer works out of a result ("1.234 kg" of 1234 grams) reads it."""
    steps = plan.steps
    used = plan.essential_results()
    for r in ex.nested_refs(plan.answer):
        if r[0] == "txt" or (r[0] == "res" and r[1] < len(steps) and path_key(r[2]) not in steps[r[1]].echo_paths):
            used.add(int(r[1]))
    return used
