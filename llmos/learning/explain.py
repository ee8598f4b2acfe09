"""Explanations of tool arguments: where each argument value came from.

An explanation (a *candidate*) is a small hashable tuple, JSON-able as nested lists:

    ("const", json_text)                       the same value every time
    ("val", ref, transform)                    a goal token or an earlier result value, transformed
    ("tmpl", (part, ...))                      a string template of ("lit", text) and ("val", ref, tf) parts
    ("arith", op, a, b, rounding)              arithmetic over numbers: op in + - * / id; operands are
                                               refs or ("k", constant); rounding None or (mode, digits)

    ref = ("tok", position) | ("res", step, path)   path () is the whole result text

`generate` lists every candidate that explains a value in one trace; `fits` checks a candidate on
another trace. A plan keeps, per argument, every candidate that fits ALL its supporting traces;
at replay time `evaluate_all` computes them with live values and refuses when they disagree.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import product
from typing import Any

from llmos.learning.goals import Token

Cand = tuple[Any, ...]
Path = tuple[str | int, ...]

STRING_TRANSFORMS = ("id", "lower", "upper", "title", "capitalize", "strip", "slug_", "slug-")
TEMPLATE_TRANSFORMS = ("id", "lower", "upper", "capitalize", "title")
ROUNDINGS: tuple[tuple[str, int], ...] = tuple((m, d) for d in range(5) for m in ("up", "even"))
MAX_TEMPLATES = 96
SCALES = (10.0, 100.0, 1000.0, 0.1, 0.01, 0.001)
MAX_LEAVES = 200
MAX_OPERANDS = 24


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
def is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def same(a: Any, b: Any) -> bool:
    """Equality of JSON values; numbers compare with a tiny tolerance (12 == 12.0)."""
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
    if name in ("slug_", "slug-"):
        sep = name[-1]
        return re.sub(r"[^a-z0-9]+", sep, v.lower()).strip(sep)
    raise Unavailable(f"unknown transform {name}")


def rounded(x: float, mode: str, digits: int) -> float:
    try:
        q = Decimal(repr(float(x))).quantize(
            Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP if mode == "up" else ROUND_HALF_EVEN
        )
    except (InvalidOperation, ValueError, OverflowError) as e:
        raise Unavailable(f"cannot round {x!r}") from e
    return float(q)


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


# ---------------------------------------------------------------- evaluation
def ref_value(ref: Cand, env: Env) -> Any:
    if ref[0] == "tok":
        pos = ref[1]
        if pos >= len(env.tokens):
            raise Unavailable("token position out of range")
        return env.tokens[pos].text
    if ref[0] == "res":
        step, path = ref[1], ref[2]
        if step >= len(env.texts) or env.texts[step] is None:
            raise Unavailable(f"step {step} has no result")
        if not path:
            return env.texts[step]
        return walk(env.parsed[step], path)
    raise Unavailable(f"bad reference {ref!r}")


def number_of(ref: Cand, env: Env) -> float | int:
    if ref[0] == "k":
        return float(ref[1])
    if ref[0] == "tok":
        tok = env.tokens[ref[1]] if ref[1] < len(env.tokens) else None
        if tok is None or tok.kind != "number":
            raise Unavailable("token is not a number")
        v = tok.typed()
        assert not isinstance(v, str)
        return v
    v = ref_value(ref, env)
    if not is_num(v):
        raise Unavailable(f"result value at {format_path(ref[2])} is not a number")
    return float(v) if isinstance(v, float) else int(v)


def _val(ref: Cand, tf: str, env: Env) -> Any:
    if tf == "num":
        return number_of(ref, env)
    return transform(tf, ref_value(ref, env))


def evaluate(cand: Cand, env: Env) -> Any:
    kind = cand[0]
    if kind == "const":
        return json.loads(cand[1])
    if kind == "val":
        return _val(cand[1], cand[2], env)
    if kind == "tmpl":
        out = []
        for part in cand[1]:
            if part[0] == "lit":
                out.append(part[1])
            else:
                v = _val(part[1], part[2], env)
                out.append(v if isinstance(v, str) else str(v))
        return "".join(out)
    if kind == "arith":
        op, a, b, rnd = cand[1], cand[2], cand[3], cand[4]
        x = number_of(a, env)
        if op != "id":
            y = number_of(b, env)
            if op == "+":
                x = x + y
            elif op == "-":
                x = x - y
            elif op == "*":
                x = x * y
            elif op == "/":
                if y == 0:
                    raise Unavailable("division by zero")
                x = x / y
        if not math.isfinite(x):
            raise Unavailable("not a finite number")
        return rounded(x, rnd[0], rnd[1]) if rnd else x
    raise Unavailable(f"unknown explanation {kind!r}")


def fits(cand: Cand, value: Any, env: Env) -> bool:
    try:
        return same(evaluate(cand, env), value)
    except (Unavailable, ArithmeticError, ValueError, TypeError):
        return False


def evaluate_all(cands: list[Cand], env: Env) -> Any:
    """The one value every candidate agrees on; Disagree or Unavailable otherwise."""
    values = [evaluate(c, env) for c in cands]
    first = values[0]
    for c, v in zip(cands[1:], values[1:], strict=True):
        if not same(first, v):
            raise Disagree(f"{describe(cands[0])} gives {first!r} but {describe(c)} gives {v!r}")
    return first


# ---------------------------------------------------------------- generation
def _string_sources(env: Env, step: int) -> list[tuple[Cand, str, Any]]:
    """(ref, transform, value) of every text-ish source available before `step`."""
    out: list[tuple[Cand, str, Any]] = []
    for i, t in enumerate(env.tokens):
        if t.kind != "punct":
            out.append((("tok", i), "id", t.text))
    for s in range(min(step, len(env.texts))):
        text = env.texts[s]
        if text is None:
            continue
        out.append((("res", s, ()), "id", text))
        for n, (path, v) in enumerate(leaves(env.parsed[s])):
            if n >= MAX_LEAVES:
                break
            out.append((("res", s, path), "id", v))
    return out


def _operands(env: Env, step: int) -> list[tuple[Cand, float | int]]:
    out: list[tuple[Cand, float | int]] = []
    for i, t in enumerate(env.tokens):
        if t.kind == "number":
            v = t.typed()
            assert not isinstance(v, str)
            out.append((("tok", i), v))
    for s in range(min(step, len(env.texts))):
        if env.texts[s] is None:
            continue
        for path, v in leaves(env.parsed[s]):
            if is_num(v):
                out.append((("res", s, path), v))
            if len(out) >= MAX_OPERANDS:
                return out
    return out


def _nice(c: float) -> float:
    return float(f"{c:.10g}")


def _arith(value: float | int, env: Env, step: int) -> set[Cand]:  # noqa: C901
    found: set[Cand] = set()
    ops = _operands(env, step)

    def check(op: str, a: Cand, b: Cand | None, x: float) -> None:
        if not math.isfinite(x):
            return
        if op != "id" and same(x, value):
            found.add(("arith", op, a, b, None))
        if abs(x - value) <= 0.5 + 1e-9:
            for mode, d in ROUNDINGS:
                try:
                    if same(rounded(x, mode, d), value):
                        found.add(("arith", op, a, b, (mode, d)))
                except Unavailable:
                    pass

    for i, (a, x) in enumerate(ops):
        check("id", a, None, x)
        for scale in SCALES:  # a unit change, rounded: cents, per mille, kilo
            check("*", a, ("k", scale), x * scale)
        if x != 0:
            k = _nice(value / x)
            if k not in (0.0, 1.0) and same(x * k, value):
                found.add(("arith", "*", a, ("k", k), None))
        k = _nice(value - x)
        if k != 0.0 and same(x + k, value):
            found.add(("arith", "+", a, ("k", k), None))
        for j, (b, y) in enumerate(ops):
            if i == j:
                continue
            if i < j:
                check("+", a, b, x + y)
                check("*", a, b, x * y)
            check("-", a, b, x - y)
            if y != 0:
                check("/", a, b, x / y)
    return found


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _templates(value: str, env: Env, step: int) -> set[Cand]:  # noqa: C901
    spans: dict[tuple[int, int], list[Cand]] = {}
    for ref, _tf, src in _string_sources(env, step):
        transforms: tuple[str, ...] = ("str",) if is_num(src) else TEMPLATE_TRANSFORMS
        seen_text: set[str] = set()
        for tf in transforms:
            try:
                text = transform(tf, src)
            except Unavailable:
                continue
            if not isinstance(text, str) or not text or text in seen_text or text == value:
                continue
            seen_text.add(text)
            start = value.find(text)
            while start != -1:
                end = start + len(text)
                if len(text) >= 2 or _bounded(value, start, end):
                    spans.setdefault((start, end), []).append(("val", ref, tf))
                start = value.find(text, start + 1)
    if not spans:
        return set()
    keys = sorted(spans)
    subsets: list[list[tuple[int, int]]] = []

    def choose(i: int, chosen: list[tuple[int, int]], last_end: int) -> None:
        if len(subsets) >= MAX_TEMPLATES:
            return
        if i == len(keys):
            if chosen:
                subsets.append(list(chosen))
            return
        s, e = keys[i]
        if s >= last_end:
            chosen.append((s, e))
            choose(i + 1, chosen, e)
            chosen.pop()
        choose(i + 1, chosen, last_end)

    choose(0, [], 0)
    found: set[Cand] = set()
    for subset in subsets:
        alternatives: list[list[Cand]] = []
        pos = 0
        for s, e in subset:
            if s > pos:
                alternatives.append([("lit", value[pos:s])])
            alternatives.append(spans[(s, e)])
            pos = e
        if pos < len(value):
            alternatives.append([("lit", value[pos:])])
        for parts in product(*alternatives):
            found.add(("tmpl", tuple(parts)))
            if len(found) >= MAX_TEMPLATES:
                return found
    return found


def generate(value: Any, env: Env, step: int) -> set[Cand]:
    """Every candidate that explains `value` (an argument leaf of plan step `step`) in this trace."""
    found: set[Cand] = {("const", json.dumps(value, sort_keys=True))}
    for ref, _tf, src in _string_sources(env, step):
        for tf in STRING_TRANSFORMS if isinstance(src, str) else ("id", "str"):
            try:
                if same(transform(tf, src), value):
                    found.add(("val", ref, tf))
            except Unavailable:
                pass
    for i, t in enumerate(env.tokens):
        if t.kind == "number" and same(t.typed(), value):
            found.add(("val", ("tok", i), "num"))
    if is_num(value):
        found |= _arith(value, env, step)
    if isinstance(value, str) and len(value) >= 2:
        found |= _templates(value, env, step)
    return found


# ---------------------------------------------------------------- inspection
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


def token_positions(cand: Cand) -> set[int]:
    return {r[1] for r in refs(cand) if r[0] == "tok"}


def uses_results(cand: Cand) -> bool:
    return any(r[0] == "res" for r in refs(cand))


def describe_ref(ref: Cand, names: dict[int, str] | None = None, steps: list[str] | None = None) -> str:
    if ref[0] == "tok":
        return "{" + (names or {}).get(ref[1], f"token{ref[1]}") + "}"
    if ref[0] == "res":
        step = steps[ref[1]] if steps and ref[1] < len(steps) else f"step{ref[1]}"
        return f"{step}.result" + ("" if not ref[2] else "." + format_path(ref[2]))
    return repr(ref[1])


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
        return f"round_half_{rnd[0]}({expr}, {rnd[1]})" if rnd else expr
    return repr(cand)


def to_json(cand: Cand) -> Any:
    return json.loads(json.dumps(cand))


def from_json(data: Any) -> Any:
    if isinstance(data, list):
        return tuple(from_json(x) for x in data)
    return data
