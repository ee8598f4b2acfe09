"""The typed value helpers of crystallized tools (`support.py` re-exports them: the names generated
modules import are a stable contract): a tool result read by key, goal words as numbers and texts,
the string transforms and roundings of the learned explanations. Anything they cannot use is
`Diverged`: the plan does not apply to this call.
"""

from __future__ import annotations

from typing import Any

from llmos.learning import explain as ex

Number = int | float  # a numeric goal word (the goal's own 12 stays an int, 12.5 a float)


class Diverged(Exception):
    """The plan does not apply to this call: a tool failed or a result broke an assumption."""

    def __init__(self, reason: str, step: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.step = reason, step


# ---------------------------------------------------------------- values
class Result:
    """A tool result: `r["key"][0]` reads parsed JSON (missing paths raise Diverged); `r.text`."""

    __slots__ = ("label", "text", "value")

    def __init__(self, value: Any, text: str, label: str) -> None:
        self.value, self.text, self.label = value, text, label

    def __getitem__(self, key: str | int) -> Any:
        found, item = _child(self.value, key)
        if not found:
            raise Diverged(f"{self.label}: the result has no {key!r}")
        if isinstance(item, dict | list):
            return Result(item, self.text, f"{self.label}[{key!r}]")
        return item


def _child(value: Any, key: str | int) -> tuple[bool, Any]:
    if isinstance(value, dict):
        return (True, value[key]) if isinstance(key, str) and key in value else (False, None)
    if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(value):
        return True, value[key]
    return False, None


def _unavailable(fn: str, v: Any) -> Diverged:
    return Diverged(f"{fn}() cannot use {v!r}")


def concat(*pieces: str) -> str:
    """Pieces of one text, joined (generated code cuts long literals so that no line is too long)."""
    return "".join(pieces)


def number(v: Any) -> int | float:
    """A number (not a bool), else Diverged."""
    if ex.is_num(v):
        return v  # type: ignore[no-any-return]
    raise _unavailable("number", v)


def text(v: Any) -> str:
    """A goal word as text (numbers as the goal wrote them)."""
    return v if isinstance(v, str) else str(v)


def _tf(name: str, v: Any) -> Any:
    try:
        return ex.transform(name, v)
    except ex.Unavailable:
        raise _unavailable(name, v) from None


def as_str(v: Any) -> str:
    """A number shown as text (`str`); anything else is Diverged."""
    return str(_tf("str", v))


def possessive(v: Any) -> str:
    return str(_tf("possessive", v))


def lead_number(v: Any) -> Any:
    return _tf("lead_num", v)


def lower(v: Any) -> str:
    return str(_tf("lower", v))


def upper(v: Any) -> str:
    return str(_tf("upper", v))


def title(v: Any) -> str:
    return str(_tf("title", v))


def capitalize(v: Any) -> str:
    return str(_tf("capitalize", v))


def strip(v: Any) -> str:
    return str(_tf("strip", v))


def slug(v: Any, sep: str) -> str:
    return str(_tf("slug" + sep, v))


def round_half_up(x: Any, digits: int) -> float:
    try:
        return ex.rounded(number(x), "up", digits)
    except ex.Unavailable as e:
        raise Diverged(str(e)) from None


def round_half_even(x: Any, digits: int) -> float:
    try:
        return ex.rounded(number(x), "even", digits)
    except ex.Unavailable as e:
        raise Diverged(str(e)) from None


def _round(x: Any, mode: str, digits: int) -> float:
    try:
        return ex.rounded(number(x), mode, digits)
    except ex.Unavailable as e:
        raise Diverged(str(e)) from None


def round_half_down(x: Any, digits: int) -> float:
    return _round(x, "down", digits)


def round_floor(x: Any, digits: int) -> float:
    return _round(x, "floor", digits)


def round_ceil(x: Any, digits: int) -> float:
    return _round(x, "ceil", digits)


def round_trunc(x: Any, digits: int) -> float:
    return _round(x, "trunc", digits)


def div(a: Any, b: Any) -> float:
    if number(b) == 0:
        raise Diverged("division by zero")
    return number(a) / b  # type: ignore[no-any-return]
