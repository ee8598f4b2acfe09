"""Rule 5: a figure an answer picked among like values of a result is never left to a listing.

A supporting answer that states one of several like values of a result ("the heaviest blast was on 6 October,
1,954 kg" of a log that holds 1,892, 1,954 and 1,293 kg; "the cheapest is 40" of a list of prices) made a
choice: which item. Every number it states is given by a value of its run, so `unstated_figures` finds nothing
a listing would lose; but a listing shows every item and never which one was meant. So such a figure counts
as one a listing would leave out (`plan_figures`, and kept for later runs by `earlier_figures`): a replay that
cannot render its template stops, and the model answers.

Like values: the values of one result in the same role. In a JSON result, the leaves (numbers, and short texts
the goal does not write: "the cheapest is Krk") of one path with every list index alike (`items[*].kg`); in a
plain text, the numbers followed by the same word ("1,892 kg", "1,954 kg"), or, with no word after them,
preceded by the same word ("bench 4"). A role holding two or more distinct values, of which the answer states
some but not all, is a pick.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from llmos.learning import _answer_numbers as num

# a number as text writes it, thousands grouped or not ("1,954", "2.40", "17")
FIGURE = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![^\W_]|[.,]\d)")
# separators only where a run of them starts: linear under search (in use it is matched at a figure's end)
WORD_AFTER = re.compile(r"(?<![\s:;,()%/])[\s:;,()%/]*([^\W\d_]+)")
WORD_BEFORE = re.compile(r"([^\W\d_]+)[\s:;,()#/]*$")
MAX_TEXT = 20_000  # a longer result is not read for roles
MAX_WORDS = 6  # a JSON text of more words is free text, not a value an answer picks


def picked_figures(example: dict[str, Any]) -> list[str]:
    """The numbers a supporting run's answer stated that one of its results holds among other, unstated
    values of the same role: a choice a listing would not show."""
    answer = str(example.get("answer") or "")
    goal = str(example.get("goal") or "")
    said: set[float] | None = None  # the answer's figures, read when a role holds two values or more
    out: set[float | str] = set()
    for call in example.get("calls") or []:
        if not isinstance(call, dict):
            continue
        for values in _roles(call.get("result"), many=True).values():
            if len(values) < 2:
                continue
            if said is None:
                said = _figures(num.CALLS.sub(" ", answer)) - _figures(goal)  # the goal's own number is the goal's
            stated: set[float | str] = {v for v in values if isinstance(v, float) and v in said}
            stated |= {v for v in values if isinstance(v, str) and _says(answer, v) and not _says(goal, v)}
            if stated and stated != values:
                out |= stated
    return sorted(_text(v) for v in out)


def plan_figures(example: dict[str, Any]) -> list[str]:
    """`_answer_numbers.plan_figures` with the figures the example's answer picked."""
    return num.unstated_figures(example) or picked_figures(example) or list(example.get("figures_before") or [])


def earlier_figures(previous: dict[str, Any]) -> dict[str, Any]:
    """`_answer_numbers.earlier_figures` with the figures the answer `previous` picked."""
    out = num.earlier_figures(previous)
    if not previous:
        return out
    figures = list(out.get("figures_before") or [])
    if len(figures) < num.MAX_FIGURES_BEFORE:
        figures += [f for f in picked_figures(previous) if f not in figures]
    if figures:
        out["figures_before"] = figures[: num.MAX_FIGURES_BEFORE]
    return out


def _figures(text: str) -> set[float]:
    text = num._without_identifiers(num.DATE.sub(" ", text))
    return {_value(m.group()) for m in FIGURE.finditer(text)}


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def _text(v: float | str) -> str:
    return v if isinstance(v, str) else str(int(v)) if v.is_integer() else str(v)


def _says(text: str, value: str) -> bool:
    return re.search(rf"(?<![^\W_]){re.escape(value)}(?![^\W_])", text, re.IGNORECASE) is not None


def _roles(result: Any, many: bool = False) -> dict[tuple[Any, ...], set[float | str]]:
    """Role -> the distinct numbers of one result in it (`many`: only the roles that may hold two values or
    more, which `picked_figures` reads: none in a JSON result without a list)."""
    if result is None:
        return {}
    raw = result if isinstance(result, str) else json.dumps(result, default=str)
    if len(raw) > MAX_TEXT:
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        return _text_roles(raw)
    if isinstance(parsed, str):
        return _text_roles(parsed)
    if many and "[" not in raw:  # no list: each path holds one leaf, so each role one value
        return {}
    out: dict[tuple[Any, ...], set[float | str]] = {}
    _walk(parsed, (), out)
    return out


def _walk(value: Any, path: tuple[Any, ...], out: dict[tuple[Any, ...], set[float | str]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, (*path, str(k)), out)
    elif isinstance(value, list):
        for v in value:
            _walk(v, (*path, "*"), out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        out.setdefault(path, set()).add(float(value))
    elif isinstance(value, str) and len(value.strip()) >= 2 and len(value.split()) <= MAX_WORDS:
        out.setdefault(path, set()).add(value.strip())


def _text_roles(text: str) -> dict[tuple[Any, ...], set[float | str]]:
    text = num._without_identifiers(num.DATE.sub(" ", text))
    out: dict[tuple[Any, ...], set[float | str]] = {}
    for m in FIGURE.finditer(text):
        after = WORD_AFTER.match(text, m.end())
        if after is not None:
            role: tuple[Any, ...] = ("after", after.group(1).lower())
        else:
            before = WORD_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
            role = ("before", before.group(1).lower() if before else "")
        out.setdefault(role, set()).add(_value(m.group()))
    return out
