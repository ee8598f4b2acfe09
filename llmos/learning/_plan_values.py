"""Live values against a plan: their types, their shapes, their paths (helpers for induction and replay).

The private interior of `llmos.learning.plans`, which re-exports every name here.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning import explain as ex


def value_type(values: list[Any]) -> str:
    kinds = set()
    for v in values:
        if isinstance(v, bool):
            kinds.add("bool")
        elif isinstance(v, int):
            kinds.add("int")
        elif isinstance(v, float):
            kinds.add("float")
        elif isinstance(v, str):
            kinds.add("str")
        elif v is None:
            kinds.add("null")
        else:
            kinds.add("other")
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {"int", "float"}:
        return "number"
    return "mixed"


def coerce(value: Any, kind: str) -> Any:
    """A computed value in the type the recorded arguments had; Unavailable when it cannot be."""
    if kind == "int":
        if ex.is_num(value) and abs(value - round(value)) < 1e-9:
            return round(value)
        raise ex.Unavailable(f"expected an integer, computed {value!r}")
    if kind == "float":
        if ex.is_num(value):
            return float(value)
        raise ex.Unavailable(f"expected a number, computed {value!r}")
    if kind == "number" and not ex.is_num(value):
        raise ex.Unavailable(f"expected a number, computed {value!r}")
    if kind == "str" and not isinstance(value, str):
        raise ex.Unavailable(f"expected text, computed {value!r}")
    return value


def set_path(obj: Any, path: ex.Path, value: Any) -> None:
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


def result_shape(parsed: Any) -> Any:
    if parsed is ex.NOT_JSON:
        return "text"
    if isinstance(parsed, dict):
        return {k: result_shape(v) for k, v in sorted(parsed.items())}
    if isinstance(parsed, list):
        return "list"
    if isinstance(parsed, bool):
        return "bool"
    if ex.is_num(parsed):
        return "number"
    if parsed is None:
        return "null"
    return "str"


def path_key(path: ex.Path) -> str:
    if type(path) is tuple and _shortcuts.ON:
        return _path_key(path)
    return json.dumps(list(path))


@lru_cache(maxsize=1 << 16)
def _path_key(path: ex.Path) -> str:  # result paths repeat in every run of a plan
    return json.dumps(list(path))
