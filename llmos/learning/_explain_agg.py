"""Totals over lists: aggregates and picks of values repeated across calls or inside one result.

    ("agg", op, src, rounding)     op in sum mean min max count, over the numbers of `src`
    ("pick", op, keys, vals)       the value of `vals` at the one place where `keys` is least (op
                                   "min") or greatest ("max"): "book the cheapest of A, B and C"

    src = ("refs", (ref, ...))     these references, in order (the same leaf of several calls of
                                   one tool, or the items of the goal's list for `vals`)
        | ("all", ("res", step, path))   every record of a list inside one result: `path` holds
                                   one "*" where the list's index goes ("lines", "*", "qty")

Lists are only these: calls of one tool with results of one shape, as many as the goal's one list
has items ("A, B and C", or the alternatives of a choice, "A or B": "which has more, A or B" is a pick),
and lists of records inside a result. Numbers repeated for any other reason (the moves of
an arm, the three coordinates of a point) are not summed: spurious hypotheses would only disagree.

A tie in `keys` is no value (`Unavailable`): which of two equal prices to book is the model's call.
Every aggregate and pick that fits a run is generated, next to the usual explanations; a plan keeps
those that fit every supporting run and replay uses a value only when all agree (rule 2), so a total
that was also one item's value ("sum" when one item dominated a rounding, or a "max" that was always
the first item) is a disagreement, never a guess. The private interior of `llmos.learning.explain`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from llmos.learning._explain_values import (
    MAX_LEAVES,
    NOT_JSON,
    Cand,
    Env,
    Unavailable,
    is_num,
    leaves,
    rounded,
    same,
    walk,
)

OPS = ("sum", "mean", "min", "max", "count")
MAX_GROUPS = 12  # groups of repeated values tried per argument
MAX_GROUP = 50  # elements of one group
_ROUNDED = ("sum", "mean")
_SEPS = frozenset([",", "and", "&", "or"])


def _roundings() -> tuple[tuple[str, int], ...]:
    from llmos.learning._explain_search import ROUNDINGS

    return ROUNDINGS


# ---------------------------------------------------------------- evaluation
def expand(src: Cand, env: Env, value_of: Callable[[Cand, Env], Any]) -> list[Any]:
    """The values of a source, in order (Unavailable when one is missing or a list is empty)."""
    if src[0] == "refs":
        out = [value_of(r, env) for r in src[1]]
    elif src[0] == "all":
        out = [value_of(r, env) for r in _all_refs(src[1], env)]
    else:
        raise Unavailable(f"bad list source {src!r}")
    if not out:
        raise Unavailable("an empty list has no total")
    return out


def _all_refs(ref: Cand, env: Env) -> list[Cand]:
    step, path = ref[1], ref[2]
    if step >= len(env.texts) or env.texts[step] is None or env.parsed[step] is NOT_JSON:
        raise Unavailable(f"step {step} has no result")
    k = path.index("*")
    seq = walk(env.parsed[step], path[:k])
    if not isinstance(seq, list):
        raise Unavailable("not a list")
    return [("res", step, (*path[:k], i, *path[k + 1 :])) for i in range(len(seq))]


def evaluate(cand: Cand, env: Env, number_of: Callable[[Cand, Env], Any], ref_value: Callable[[Cand, Env], Any]) -> Any:
    if cand[0] == "agg":
        op, rnd = cand[1], cand[3]
        if op == "count":
            return len(expand(cand[2], env, ref_value))
        xs = [float(x) if isinstance(x, float) else x for x in expand(cand[2], env, number_of)]
        x = _apply(op, xs)
        return rounded(x, rnd[0], rnd[1]) if rnd else x
    op, _, order = str(cand[1]).partition("@")
    keys = expand(cand[2], env, ref_value if order else number_of)
    if order:
        keys = _ordered(keys, order)
    vals = expand(cand[3], env, ref_value)
    if len(keys) != len(vals):
        raise Unavailable("the values picked from do not line up with the keys")
    return vals[_arg(op, keys)]


def _ordered(vals: list[Any], order: str) -> list[Any]:
    """Texts with an order of their own as numbers: ISO dates ("date": their ordinal) or weekday names
    ("day": Monday 0); Unavailable when one is not."""
    from llmos.learning._explain_more import WEEKDAYS, parse_date

    out: list[Any] = []
    for v in vals:
        if order == "day" and v in WEEKDAYS:
            out.append(WEEKDAYS.index(v))
            continue
        d = parse_date(v) if order == "date" and isinstance(v, str) and len(v) == 10 else None
        if d is None:
            raise Unavailable(f"{v!r} has no {order} order")
        out.append(d.toordinal())
    return out


def _order_of(vals: list[Any]) -> tuple[str, list[Any]] | None:
    """("", the numbers), or ("date" | "day", the texts in their order) for a group of ISO dates or weekday
    names (a pick over them: "the cask filled first", "the tower that practises first in the week")."""
    if all(is_num(x) for x in vals):
        return "", vals
    if not all(isinstance(x, str) for x in vals):
        return None
    for order in ("date", "day"):
        try:
            return order, _ordered(vals, order)
        except Unavailable:
            continue
    return None


def _apply(op: str, xs: list[Any]) -> Any:
    if op == "sum":
        return sum(xs)
    if op == "mean":
        return sum(xs) / len(xs)
    if op == "min":
        return min(xs)
    if op == "max":
        return max(xs)
    raise Unavailable(f"unknown aggregate {op!r}")


def _arg(op: str, keys: list[Any]) -> int:
    best = min(keys) if op == "min" else max(keys)
    at = [i for i, k in enumerate(keys) if same(k, best)]
    if len(at) != 1:
        raise Unavailable(f"{len(at)} items tie for the {op}imum: the model decides")
    return at[0]


def refs(cand: Cand) -> list[Cand]:
    out: list[Cand] = []
    for src in (cand[2],) if cand[0] == "agg" else (cand[2], cand[3]):
        out += list(src[1]) if src[0] == "refs" else [src[1]] if src[0] == "all" else []
    return out


def describe(cand: Cand, ref_text: Callable[[Cand], str]) -> str:
    def src(s: Cand) -> str:
        if s[0] == "refs":
            return "[" + ", ".join(ref_text(r) for r in s[1]) + "]"
        return "each " + ref_text(s[1])

    if cand[0] == "agg":
        inner = f"{cand[1]}({src(cand[2])})"
        return f"round_{cand[3][0]}({inner}, {cand[3][1]})" if cand[3] else inner
    return f"{src(cand[3])} at the arg{cand[1]} of {src(cand[2])}"


# ---------------------------------------------------------------- search
def groups(env: Env, step: int) -> list[tuple[Cand, list[Cand], list[Any]]]:
    """(source, its references, its values) of every group of repeated values before `step`: one leaf
    of the results of one shape when the goal holds a list of as many items ("A, B and C"), and
    every list of records inside one result ("lines", "*", "qty") (cached per run)."""
    key = ("agg-groups", step)
    hit = env.memo.get(key)
    if hit is not None and hit[0] is env.parsed:
        cached: list[tuple[Cand, list[Cand], list[Any]]] = hit[1]
        return cached
    by_shape: dict[Any, list[int]] = {}
    per_step: dict[int, dict[Any, Any]] = {}
    out: list[tuple[Cand, list[Cand], list[Any]]] = []
    for s in range(min(step, len(env.texts))):
        if env.texts[s] is None or env.parsed[s] is NOT_JSON:
            continue
        lv = dict(itertools.islice(leaves(env.parsed[s]), MAX_LEAVES))
        per_step[s] = lv
        by_shape.setdefault(frozenset(lv), []).append(s)
        inner: dict[Any, list[tuple[Any, Any]]] = {}
        for path, v in lv.items():
            k = next((i for i, p in enumerate(path) if isinstance(p, int)), None)
            if k is not None:
                inner.setdefault((*path[:k], "*", *path[k + 1 :]), []).append((path, v))
        for pattern, items in inner.items():
            if 2 <= len(items) <= MAX_GROUP and isinstance(pattern[-1], str) and pattern[-1] != "*":
                src: Cand = ("all", ("res", s, pattern))
                out.append((src, [("res", s, p) for p, _v in items], [v for _p, v in items]))
    for shape, steps in by_shape.items():
        if len(steps) < 2 or len(steps) > MAX_GROUP or goal_list(env, len(steps)) is None:
            continue  # calls of one tool, as many as the goal's list has items (nothing else is a list)
        for path in sorted(shape, key=repr):
            rs = tuple(("res", s, path) for s in steps)
            out.append((("refs", rs), list(rs), [per_step[s][path] for s in steps]))
    env.memo[key] = (env.parsed, out)
    return out


def generate(value: Any, env: Env, step: int) -> set[Cand]:
    """Every aggregate and pick that gives `value` in this run."""
    found: set[Cand] = set()
    tried = 0
    for src, rs, vals in groups(env, step):
        ordered = _order_of(vals)
        if ordered is None:
            continue
        order, nums = ordered
        tried += 1
        if tried > MAX_GROUPS:
            break
        if is_num(value) and not order:
            _aggregates(found, value, src, nums)
        for op in ("min", "max"):
            try:
                at = _arg(op, nums)
            except Unavailable:
                continue
            for vsrc in _value_sources(value, env, src, rs, at):
                found.add(("pick", f"{op}@{order}" if order else op, src, vsrc))
    return found


def _aggregates(found: set[Cand], value: Any, src: Cand, xs: list[Any]) -> None:
    if (isinstance(value, int) or float(value).is_integer()) and len(xs) == value:
        found.add(("agg", "count", src, None))
    for op in OPS[:4]:
        x = _apply(op, xs)
        if same(x, value):
            found.add(("agg", op, src, None))
        elif op in _ROUNDED and abs(x - value) <= 1 + 1e-9:
            for mode, d in _roundings():
                try:
                    if same(rounded(x, mode, d), value):
                        found.add(("agg", op, src, (mode, d)))
                except Unavailable:
                    pass


def _value_sources(value: Any, env: Env, src: Cand, rs: list[Cand], at: int) -> list[Cand]:
    """The sources whose value at place `at` is `value`: another leaf of the same results (or list
    elements), or the goal's list when it has one item per place."""
    out: list[Cand] = []
    ref = rs[at]
    step, path = ref[1], ref[2]
    if src[0] == "refs":
        steps = [r[1] for r in rs]
        lv = dict(itertools.islice(leaves(env.parsed[step]), MAX_LEAVES))
        for q, v in lv.items():
            if q != path and same(v, value):
                out.append(("refs", tuple(("res", s, q) for s in steps)))
    else:
        pattern = src[1][2]
        k = pattern.index("*")
        for q, v in itertools.islice(leaves(env.parsed[step]), MAX_LEAVES):
            if q != path and len(q) == len(pattern) and q[:k] == path[:k] and q[k] == path[k] and same(v, value):
                out.append(("all", ("res", step, (*q[:k], "*", *q[k + 1 :]))))
    if isinstance(value, str):
        items = goal_list(env, len(rs))
        if items and env.tokens[items[at]].text == value:
            out.append(("refs", tuple(("tok", p) for p in items)))
    return out


def goal_list(env: Env, n: int) -> list[int] | None:
    """The positions of the items of the goal's one list of `n` plain words that look alike ("A, B
    and C"; "A or B", the alternatives a question picks among), or None."""
    found: list[list[int]] = []
    toks = env.tokens
    i = 0
    while i < len(toks):
        if not _plain(toks[i]):
            i += 1
            continue
        run, j = [i], i + 1
        while True:
            k = j
            while k < len(toks) and toks[k].text.lower() in _SEPS:
                k += 1
            if k == j or k >= len(toks) or not _plain(toks[k]) or _style(toks[k]) != _style(toks[i]):
                break
            run.append(k)
            j = k + 1
        if len(run) >= 2:
            found.append(run)
        i = j
    hits = [r for r in found if len(r) == n]
    return hits[0] if len(hits) == 1 else None


def _style(tok: Any) -> tuple[str, str]:
    """Items of one list look alike: "12 and place" is no list, "Hvar, Vis and Brac" is."""
    t = tok.text
    case = "digit" if t.isdigit() else "upper" if t.isupper() else "title" if t[:1].isupper() else "lower"
    return tok.kind, case


def _plain(tok: Any) -> bool:
    return tok.kind in ("word", "number") and tok.text.lower() not in _SEPS
