"""The values explanations read and compare: JSON results, their leaves and paths, transforms, rounding.

The private interior of `llmos.learning.explain`, which re-exports every name here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
    InvalidOperation,
)
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning.goals import Token

Cand = tuple[Any, ...]
Path = tuple[str | int, ...]

MAX_LEAVES = 200


class Unavailable(Exception):
    """A candidate cannot be evaluated: a result path is missing, a type is wrong, a division by zero."""


class Disagree(Exception):
    """Candidates that all fit the evidence give different live values: replay is not safe."""


@dataclass
class Env:
    """What an explanation can read: the goal's tokens and the results of earlier steps."""

    tokens: list[Token]
    texts: list[str | None]  # result text per plan step (None: not run yet)
    parsed: list[Any]  # parsed JSON per step (NOT_JSON when the text is not JSON)
    # what is computed once per result (its leaves, ...): (the parsed result it was computed from, value)
    memo: dict[Any, tuple[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    def result_leaves(self, step: int) -> list[tuple[Path, Any]]:
        """`leaves` of step's parsed result, computed once while that result stays in place."""
        parsed = self.parsed[step]
        if not _shortcuts.ON:
            return list(leaves(parsed))
        hit = self.memo.get(("leaves", step))
        if hit is not None and hit[0] is parsed:
            cached: list[tuple[Path, Any]] = hit[1]
            return cached  # shared: callers read it, never change it
        out = leaf_list(parsed)
        self.memo[("leaves", step)] = (parsed, out)
        return out


class _NotJSON:
    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Any = _NotJSON()


def parse_result(text: str) -> Any:
    s = text.strip()
    if not s or s[0] not in "{[":
        return NOT_JSON
    try:
        return json.loads(s)
    except ValueError:
        return NOT_JSON


# ---------------------------------------------------------------- value helpers
# isinstance(x, int), a builtin: `any(map(is_int, path))` (a path through a list) runs without a generator
is_int: Callable[[Any], bool] = int.__instancecheck__


def is_num(v: Any) -> bool:
    t = type(v)
    if t is float or t is int:  # the common cases, without the isinstance calls
        return True
    return isinstance(v, int | float) and not isinstance(v, bool)


def same(a: Any, b: Any) -> bool:
    """Equality of JSON values; numbers compare with a tiny tolerance (12 == 12.0)."""
    ta, tb = type(a), type(b)
    if ta is str or tb is str:  # the common case first (what the general rule below gives for texts)
        return ta is tb and bool(a == b)
    if (ta is float or ta is int) and (tb is float or tb is int):  # `is_num` of both, inline (the common case)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if is_num(a) and is_num(b):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return type(a) is type(b) and bool(a == b)


def transform(name: str, v: Any) -> Any:
    if name == "id":
        return v
    if name == "str":
        if is_num(v):
            return str(v)
        raise Unavailable("not a number")
    if not isinstance(v, str):
        raise Unavailable(f"{name} needs text")
    if name == "lower":
        return v.lower()
    if name == "upper":
        return v.upper()
    if name == "title":
        return v.title()
    if name == "capitalize":
        return v.capitalize()
    if name == "strip":
        return v.strip()
    if name in PART_TRANSFORMS:
        return _part(name, v)
    if name in ("slug_", "slug-"):
        sep = name[-1]
        return re.sub(r"[^a-z0-9]+", sep, v.lower()).strip(sep)
    raise Unavailable(f"unknown transform {name}")


# anchored (\A...\Z) so that even a search stays linear; they are used with fullmatch on one value
_POSSESSIVE = re.compile(r"\A(.+?)(?:'s|’s|'|’)\Z")
_COMPOUND = re.compile(r"\A(-?\d++(?:\.\d++)?)-?[A-Za-z][A-Za-z-]*+\Z")
_HOUR = re.compile(r"\A([01]?\d|2[0-3]):00\Z")  # a whole hour of the clock: "14:00" -> 14; "14:30" is none
_PARTS = {"possessive": _POSSESSIVE, "lead_num": _COMPOUND, "hour": _HOUR}
_KIND_OF_PART = {"possessive": "possessive", "lead_num": "number compound", "hour": "whole hour of the clock"}

# rounding mode -> (decimal rounding, the name of the helper a crystallized tool calls)
ROUNDING_MODES: dict[str, tuple[str, str]] = {
    "up": (ROUND_HALF_UP, "round_half_up"),  # half away from zero
    "even": (ROUND_HALF_EVEN, "round_half_even"),
    "down": (ROUND_HALF_DOWN, "round_half_down"),  # half toward zero
    "floor": (ROUND_FLOOR, "round_floor"),
    "ceil": (ROUND_CEILING, "round_ceil"),
    "trunc": (ROUND_DOWN, "round_trunc"),  # toward zero
}
_DIRECTED = frozenset({"floor", "ceil", "trunc"})


def _part(name: str, v: str) -> Any:
    """A part of a word: the owner of a possessive ("Bruno's" -> "Bruno"), the number of a compound
    ("3-qubit" -> 3), the hour of a whole hour of the clock ("14:00" -> 14: "14:30" is no whole hour)."""
    m = _PARTS[name].fullmatch(v)
    if m is None:
        raise Unavailable(f"{v!r} is not a {_KIND_OF_PART[name]}")
    if name == "possessive":
        return m.group(1)
    return int(m.group(1)) if m.group(1).lstrip("-").isdigit() else float(m.group(1))


PART_TRANSFORMS = frozenset(["possessive", "lead_num", "hour"])


def part_rest(name: str, v: Any) -> str | None:
    """What a part transform leaves of a word: the marker of a possessive ("'s"), the word of a compound
    ("kg" of "12kg", "-qubit" of "3-qubit"); None when the word is not of that kind."""
    m = _PARTS[name].fullmatch(v) if isinstance(v, str) and name in _PARTS else None
    return None if m is None else v[m.end(1) :]


def rounded(x: float, mode: str, digits: int) -> float:
    """`x` rounded to `digits` decimals. Directed modes (floor, ceil, trunc) first drop binary noise
    (0.1 * 3 is 0.30000000000000004, whose ceiling at one decimal would be 0.4)."""
    if mode not in ROUNDING_MODES:
        raise Unavailable(f"unknown rounding {mode!r}")
    if digits >= 0 and _shortcuts.ON and _integral(x):  # every mode keeps an integer as it is
        return float(x)
    try:
        text = f"{float(x):.12g}" if mode in _DIRECTED else repr(float(x))
        q = Decimal(text).quantize(Decimal(1).scaleb(-digits), rounding=ROUNDING_MODES[mode][0])
    except (InvalidOperation, ValueError, OverflowError) as e:
        raise Unavailable(f"cannot round {x!r}") from e
    return float(q)


def _integral(x: Any) -> bool:
    """An integer small enough that its text (`repr`, or 12 significant digits) is exact."""
    return type(x) in (int, float) and abs(x) < 1e11 and float(x).is_integer()


def leaves(value: Any, path: Path = (), depth: int = 0) -> Iterator[tuple[Path, Any]]:
    """Scalar leaves of a JSON value with their paths (bounded depth)."""
    if isinstance(value, dict):
        if depth < 6:
            for k, v in value.items():
                yield from leaves(v, (*path, str(k)), depth + 1)
    elif isinstance(value, list):
        if depth < 6:
            for i, v in enumerate(value):
                yield from leaves(v, (*path, i), depth + 1)
    elif value is not NOT_JSON:
        yield path, value


def leaf_list(value: Any) -> list[tuple[Path, Any]]:
    """`list(leaves(value))`, made without a generator per container (the same leaves in the same order)."""
    out: list[tuple[Path, Any]] = []
    if value is not NOT_JSON:
        _leaf_into(value, (), 0, out)
    return out


def _leaf_into(value: Any, path: Path, depth: int, out: list[tuple[Path, Any]]) -> None:
    t = type(value)
    if t is dict or (t is not list and isinstance(value, dict)):
        if depth < 6:
            for k, v in value.items():
                _leaf_into(v, (*path, str(k)), depth + 1, out)
    elif t is list or isinstance(value, list):
        if depth < 6:
            for i, v in enumerate(value):
                _leaf_into(v, (*path, i), depth + 1, out)
    elif value is not NOT_JSON:
        out.append((path, value))


def walk(value: Any, path: Path) -> Any:
    for p in path:
        in_list = isinstance(p, int) and isinstance(value, list) and 0 <= p < len(value)
        if in_list or (isinstance(p, str) and isinstance(value, dict) and p in value):
            value = value[p]
        else:
            raise Unavailable(f"result path {format_path(path)} is missing")
    return value


def format_path(path: Path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out or "(whole)"
