"""Walking, describing and serialising explanations (candidates), apart from evaluating and fitting
them (`explain`, which re-exports every name here): the references a candidate reads (`refs`,
`nested_refs`, `token_positions`), its short human reading for `--explain` (`describe`), and its JSON
form (`to_json`, `from_json`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from llmos.learning import _explain_agg, _explain_described, _explain_more, _explain_tables, _explain_text, _shortcuts
from llmos.learning._explain_values import ROUNDING_MODES, Cand, format_path


def refs(cand: Cand) -> Iterator[Cand]:
    kind = cand[0]
    if kind == "val":
        yield cand[1]
    elif kind == "tmpl":
        for part in cand[1]:
            if part[0] == "val":
                yield part[1]
    elif kind == "arith":
        for r in (cand[2], cand[3]):
            if r is not None and r[0] != "k":
                yield r
    elif kind in ("agg", "pick"):
        yield from _explain_agg.refs(cand)
    elif kind in _explain_tables.KINDS:
        yield cand[1]
    else:
        yield from _explain_more.refs(cand)


def nested_refs(node: Any) -> Iterator[Cand]:
    """Every ("tok", i) and ("res", step, path) reference anywhere inside `node` (candidates, lists of
    them, an answer template), in order."""
    if not isinstance(node, (tuple, list)):
        return
    if len(node) == 2 and node[0] == "tok" and isinstance(node[1], int):
        yield tuple(node)
    elif len(node) == 3 and node[0] == "res" and isinstance(node[1], int) and isinstance(node[2], (tuple, list)):
        yield ("res", node[1], tuple(node[2]))
    else:
        for item in node:
            yield from nested_refs(item)


def token_positions(cand: Cand) -> frozenset[int]:
    """The goal positions a candidate reads (candidates are immutable: with the shortcuts on, each
    distinct one is walked once; those that cannot be hashed every time)."""
    if not _shortcuts.ON:
        return frozenset(r[1] for r in refs(cand) if r[0] == "tok")
    try:
        got = _TOKEN_POSITIONS.get(cand)
    except TypeError:
        return frozenset(r[1] for r in refs(cand) if r[0] == "tok")
    if got is None:
        if len(_TOKEN_POSITIONS) >= 1 << 16:
            _TOKEN_POSITIONS.clear()
        got = _TOKEN_POSITIONS[cand] = frozenset(r[1] for r in refs(cand) if r[0] == "tok")
    return got


_TOKEN_POSITIONS: dict[Cand, frozenset[int]] = {}


def uses_results(cand: Cand) -> bool:
    return any(r[0] == "res" for r in refs(cand))


def describe_ref(ref: Cand, names: dict[int, str] | None = None, steps: list[str] | None = None) -> str:
    if ref[0] == "tok":
        return "{" + (names or {}).get(ref[1], f"token{ref[1]}") + "}"
    if ref[0] == "res":
        step = steps[ref[1]] if steps and ref[1] < len(steps) else f"step{ref[1]}"
        return f"{step}.result" + ("" if not ref[2] else "." + format_path(ref[2]))
    return _explain_text.describe(ref, steps) if ref[0] == _explain_text.KIND else repr(ref[1])


def describe(cand: Cand, names: dict[int, str] | None = None, steps: list[str] | None = None) -> str:
    """A short human reading: 'constant 5', '{city}', 'round_half_up({a} * get_rate.result.rate, 2)'."""
    kind = cand[0]
    if kind == "const":
        return f"constant {cand[1]}"
    if kind == "val":
        inner = describe_ref(cand[1], names, steps)
        return inner if cand[2] in ("id", "num") else f"{cand[2]}({inner})"
    if kind == "tmpl":
        out = []
        for part in cand[1]:
            if part[0] == "lit":
                out.append(part[1].replace("{", "{{").replace("}", "}}"))
            else:
                inner = describe_ref(part[1], names, steps)
                if part[1][0] == "res":
                    inner = "{" + inner + "}"
                out.append(inner if part[2] == "id" else "{" + f"{part[2]}({inner.strip('{}')})" + "}")
        return 'f"' + "".join(out) + '"'
    if kind == "arith":
        a = describe_ref(cand[2], names, steps)
        expr = a if cand[1] == "id" else f"{a} {cand[1]} {describe_ref(cand[3], names, steps)}"
        rnd = cand[4]
        return f"{rounding_name(rnd[0])}({expr}, {rnd[1]})" if rnd else expr
    if kind in ("agg", "pick"):
        return _explain_agg.describe(cand, lambda r: describe_ref(r, names, steps))
    if kind == _explain_tables.KIND:
        return _explain_tables.describe(cand, describe_ref(cand[1], names, steps))
    if kind == _explain_described.KIND:
        return _explain_described.describe(cand, describe_ref(cand[1], names, steps))
    return _explain_more.describe(cand, lambda r: describe_ref(r, names, steps))


def rounding_name(mode: str) -> str:
    """The helper name of a rounding mode (`round_half_up`, `round_ceil`, ...)."""
    return ROUNDING_MODES[mode][1] if mode in ROUNDING_MODES else f"round_{mode}"


def to_json(cand: Cand) -> Any:
    """The JSON form of an explanation (tuples as lists), without a round trip through text."""
    if isinstance(cand, tuple | list):
        return [to_json(x) for x in cand]
    if cand is None or isinstance(cand, str | int | float):  # bool is an int
        return cand
    return json.loads(json.dumps(cand))


def from_json(data: Any) -> Any:
    if isinstance(data, list):
        return tuple(from_json(x) for x in data)
    return data
