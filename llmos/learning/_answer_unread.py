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

__all__ = ["labels", "unchecked", "unread_results"]


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
    partly: bool = False,
    reads: Callable[[int], list[ex.Path]] | None = None,
) -> list[int]:
    """The calls of the example run whose result fed nothing: it has a value neither the goal nor the call's
    arguments hold, no such value is in the answer or a later call's arguments, and one of them is a
    category (a text of one or two lower-case words: "cracked"), or a number of a call no earlier call may
    have written before (`read_only` of each earlier tool: "nitrate_mg_l": 31 of the plan's one call). A
    read the answer can only have judged. A number alone of a call after a possible write is taken for an
    acknowledgement ("logged": 3 after `set_stock`); so is any result of a declared write
    (`declares_write`: "created one.txt (5 bytes)" of the built-in `write_file`). `partly` (helper words3):
    instead the calls the answer or a later call read only in part, a value of such a kind beside what it
    copied fed nothing ("passable from 07:20" over `{"low_tide": "07:20", "height_m": 0.4}`), at a path
    none of `reads(i)` holds (the result paths the answer template reads of call i; without: all of it)."""
    answer = str(example.get("answer") or "")
    calls = [c for c in example.get("calls") or [] if isinstance(c, dict)]
    goal = str(example.get("goal") or "")
    out = []
    for i, call in enumerate(calls):
        given = goal + " " + json.dumps(call.get("arguments"), default=str)
        fresh = {v for v in _values(str(call.get("result") or "")) if v.strip() and not _said(v, given)}
        later = " ".join(json.dumps(c.get("arguments"), default=str) for c in calls[i + 1 :])
        unread = {v for v in fresh if not (_said(v, answer) or _said(v, later))}
        if not unread or (unread != fresh) != partly:
            continue
        name = str(call.get("name") or "")
        if partly:  # only a value no path the answer reads holds ("parcels" read whole by a count: all of it)
            unread = _beside(str(call.get("result") or ""), unread, reads(i) if reads is not None else [()])
        categories = [v for v in unread if _CATEGORY.fullmatch(v)]
        if declares_write is not None and bool(name) and declares_write(name):
            continue  # a declared write's result that nothing reads: its acknowledgement (rule 3's view)
        first = read_only is not None and all(read_only(str(c.get("name") or "")) for c in calls[:i])
        if categories or (first and unread):
            out.append(i)
    return out


def _beside(result: str, unread: set[str], read: list[ex.Path]) -> set[str]:
    """The values of `unread` at a leaf of the JSON result no path in `read` holds (a plain text: none). A
    path through a list's items ("parcels", "*", "days": a count of them) reads the whole list."""
    try:
        data = json.loads(result)
    except ValueError:
        return set()
    read = [p[: p.index("*")] if "*" in p else p for p in read]
    return {
        str(v)
        for path, v in ex.leaves(data)
        if not isinstance(v, bool) and v is not None and str(v) in unread and not any(path[: len(p)] == p for p in read)
    }


def unchecked(plan: Plan, risk_of: RiskOf | None, partly: bool = False) -> list[int]:
    """The example run's calls whose result fed nothing (`_answer_words.unread_results`) and that no later
    step that is not read-only follows: rule 1 checks no such result before a write, so only the answer
    judged it. `partly` (helper words3): the calls the answer read in part instead ("Causeway CW-48 is
    passable from 07:20." over a height of 0.4 m beside the time): the copied value feeds the answer, the
    value beside it is still only the answer's to judge."""
    calls = [c for c in plan.example.get("calls") or [] if isinstance(c, dict)]
    names = [str(c.get("name") or "") for c in calls]
    fed = set() if partly or len(plan.steps) != len(calls) else _fed(plan)
    groups = [g if isinstance(g := c.get("group"), int) else i for i, c in enumerate(calls)]
    writes: Callable[[str], bool] | None = None
    first: Callable[[str], bool] | None = None
    if risk_of is not None:
        reads = risk_of  # a lookup over the registry, read at call time
        writes, first = (lambda n: declares_write(reads, n)), (lambda n: reads(n) == "read_only")
    refs = [r for r in ex.nested_refs(plan.answer) if r[0] == "res"]
    unread = unread_results(plan.example, writes, first, partly, lambda i: [tuple(r[2]) for r in refs if r[1] == i])
    return [i for i in unread if i not in fed and not writes_after(i, names, groups, risk_of)]


def labels(answer: list[Any]) -> set[str]:
    """The words of an answer template that name a value it copies, next to it with nothing but a space, a
    colon or a sign between ("reference R-103", "42 seats"): a label, no judgement."""
    out: set[str] = set()
    for k, part in enumerate(answer):
        if not (isinstance(part, (list, tuple)) and part and part[0] == "lit" and len(part) > 1):
            continue
        text = str(part[1])
        before = k > 0 and not _lit(answer[k - 1])
        after = k + 1 < len(answer) and not _lit(answer[k + 1])
        if after and (m := re.search(r"([A-Za-z]{3,})[\s:=#]*$", text)):
            out.add(m.group(1).lower())
        if before and (m := re.match(r"\s*([A-Za-z]{3,})", text)):
            out.add(m.group(1).lower())
    return out


def _lit(part: Any) -> bool:
    return isinstance(part, (list, tuple)) and bool(part) and part[0] == "lit"


def _fed(plan: Plan) -> set[int]:
    """The steps whose result a later argument or the answer template reads (an echo of the step's own
    arguments aside): a figure the answer works out of a result ("1.234 kg" of 1234 grams) reads it."""
    steps = plan.steps
    used = plan.essential_results()
    for r in ex.nested_refs(plan.answer):
        if r[0] == "res" and r[1] < len(steps) and path_key(r[2]) not in steps[r[1]].echo_paths:
            used.add(int(r[1]))
    return used
