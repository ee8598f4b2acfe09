"""Explanations of tool arguments: where each argument value came from.

An explanation (a *candidate*) is a small hashable tuple, JSON-able as nested lists:

    ("const", json_text)                       the same value every time
    ("val", ref, transform)                    a goal token or an earlier result value, transformed
    ("tmpl", (part, ...))                      a string template of ("lit", text) and ("val", ref, tf) parts
    ("arith", op, a, b, rounding)              arithmetic over numbers: op in + - * / id; operands are
                                               refs or ("k", constant); rounding None or (mode, digits)

    ("expr", form, (a, b, c), rounding)        wider families (`_explain_more`): three operands, unit
    ("date", src, offset, fmt)                 conversions, dates moved by days, and lines learned from
    ("lin", ref, point, point, runs)           runs; forms and lines are dormant (`awake`) while a usual
    ("rlin", ref, points, rounding)            explanation still fits every run (rounded lines:
                                               `_explain_lines`)

    ("agg", op, src, rounding)                 totals over a list (`_explain_agg`): sum, mean, count,
    ("pick", op, keys, vals)                   min, max; and the value where a key is least or greatest
    ("wtab", ("tok", position), end, rows)     a goal word's lookup table, the last one used (`_explain_tables`)

    ref = ("tok", position) | ("res", step, path) | ("txt", step, k, template: `_explain_text`); path () whole text

`generate` lists every candidate that explains a value in one trace; `fits` checks a candidate on
another trace. A plan keeps, per argument, every candidate that fits ALL its supporting traces;
at replay time `evaluate_all` computes them with live values and refuses when they disagree.

This module evaluates and fits candidates; the values they read live in `_explain_values`, the
search (`generate`) in `_explain_search`, and walking, describing and serialising them in
`_explain_describe`, all re-exported here.
"""

from __future__ import annotations

import json
import math
from typing import Any

from llmos.learning import _explain_agg, _explain_bands, _explain_more, _explain_tables, _explain_text, _shortcuts
from llmos.learning._explain_describe import (
    describe,
    describe_ref,
    from_json,
    nested_refs,
    refs,
    rounding_name,
    to_json,
    token_positions,
    uses_results,
)
from llmos.learning._explain_search import (
    MAX_OPERANDS,
    MAX_TEMPLATES,
    ROUNDINGS,
    SCALES,
    STRING_TRANSFORMS,
    TEMPLATE_TRANSFORMS,
    generate,
)
from llmos.learning._explain_values import (
    MAX_LEAVES,
    NOT_JSON,
    PART_TRANSFORMS,
    ROUNDING_MODES,
    Cand,
    Disagree,
    Env,
    Path,
    Unavailable,
    _integral,
    format_path,
    is_int,
    is_num,
    leaf_list,
    leaves,
    parse_result,
    part_rest,
    rounded,
    same,
    transform,
    walk,
)

__all__ = [
    "MAX_LEAVES",
    "MAX_OPERANDS",
    "MAX_TEMPLATES",
    "NOT_JSON",
    "PART_TRANSFORMS",
    "ROUNDINGS",
    "ROUNDING_MODES",
    "SCALES",
    "STRING_TRANSFORMS",
    "TEMPLATE_TRANSFORMS",
    "Cand",
    "Disagree",
    "Env",
    "Path",
    "Unavailable",
    "awake",
    "describe",
    "describe_ref",
    "evaluate",
    "evaluate_all",
    "fits",
    "fitting",
    "format_path",
    "from_json",
    "generate",
    "is_int",
    "is_num",
    "leaf_list",
    "leaves",
    "nested_refs",
    "number_of",
    "parse_result",
    "part_rest",
    "ref_value",
    "refs",
    "rounded",
    "rounding_name",
    "same",
    "to_json",
    "token_positions",
    "transform",
    "uses_results",
    "walk",
]


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
    return _explain_text.ref_value(ref, env)  # ("txt", step, k, template): a plain text's k-th number


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


def evaluate(cand: Cand, env: Env, memo: dict[Any, Any] | None = None) -> Any:
    """The candidate's value with these tokens and results. `memo`: shared by the candidates of one
    argument, so that the roundings of one expression compute it once."""
    kind = cand[0]
    if kind == "arith" and cand[4] and memo is not None:
        return _rounded_memo(cand, env, memo)
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
        return _arith_value(cand, env)
    if kind in ("agg", "pick"):
        return _explain_agg.evaluate(cand, env, number_of, ref_value)
    if kind in _explain_tables.KINDS:
        return _explain_tables.evaluate(cand, env)
    return _explain_more.evaluate(cand, env, number_of, ref_value)


def _arith_value(cand: Cand, env: Env) -> Any:
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


def _rounded_memo(cand: Cand, env: Env, memo: dict[Any, Any]) -> Any:
    key = cand[1:4]
    if key not in memo:
        try:
            memo[key] = evaluate(("arith", *key, None), env)
        except (Unavailable, ArithmeticError, ValueError, TypeError) as e:
            memo[key] = e
    x = memo[key]
    if isinstance(x, Exception):
        raise x
    return rounded(x, cand[4][0], cand[4][1])


def fits(cand: Cand, value: Any, env: Env, memo: dict[Any, Any] | None = None) -> bool:
    try:
        return same(evaluate(cand, env, memo), value)
    except (Unavailable, ArithmeticError, ValueError, TypeError):
        return False


def fitting(cands: list[Cand], value: Any, env: Env) -> list[Cand]:
    """The candidates that explain `value` in this env (each expression computed once; with the
    shortcuts on, the roundings of an expression whose value is an integer are judged once: every
    rounding keeps an integer as it is)."""
    learned: list[Cand] = []  # the line, band and table candidates, listed while the others are judged
    others = (_fitting if _shortcuts.ON else _plain_fitting)(cands, value, env, learned)
    if not learned:
        return others
    lines = [c for c in learned if c[0] != "band" and c[0] not in _explain_tables.KINDS]
    if lines and not others:
        others = _refit_lines(lines, value, env)
    tables = _refit_tables([c for c in learned if c[0] in _explain_tables.KINDS], value, env)
    if not others:  # a band is a rival of the explanations, never one by itself; a table may be the last one
        return tables
    return others + _refit_bands([c for c in learned if c[0] == "band"], value, env) + tables


def _refit_tables(tables: list[Cand], value: Any, env: Env) -> list[Cand]:
    """The goal words' tables widened by this run (`_explain_tables`): kept beside the others, dormant."""
    out = []
    for c in tables:
        got = _explain_tables.refit(c, value, env)
        if got is not None and got not in out:
            out.append(got)
    return out


def _refit_bands(bands: list[Cand], value: Any, env: Env) -> list[Cand]:
    """The band rivals narrowed by this run (`_explain_bands`): kept beside the forms whatever else fits."""
    out = []
    for c in bands:
        try:
            x, y = (number_of(r, env) for r in c[2])
        except Unavailable:
            continue
        got = _explain_bands.refit(c, value, x, y)
        if got is not None and got not in out:
            out.append(got)
    return out


def _refit_lines(lines: list[Cand], value: Any, env: Env) -> list[Cand]:
    """The line candidates with this run's point: a seed wakes only when nothing else explains the value
    (the wider family is tried only where the others fail)."""
    out = []
    for c in lines:
        try:
            x = number_of(c[1], env)
        except Unavailable:
            continue
        for refit in _explain_more.refit_line(c, value, x):
            if refit not in out:
                out.append(refit)
    return out


def _fitting(cands: list[Cand], value: Any, env: Env, lines: list[Cand]) -> list[Cand]:
    """The candidates other than lines that fit, in order (the lines are put in `lines`, unjudged), with
    the shortcuts (`_plain_fitting` without them)."""
    memo: dict[Any, Any] = {}
    verdicts: dict[Any, bool] = {}
    refs: dict[Any, Any] = {}
    out = []
    # the roundings of one expression come one after another: the verdict on the last key is kept (the
    # same as `verdicts.get(key)` then), and a key equal to it is compared, not hashed
    last: Any = None
    last_ok: bool | None = None
    for c in cands:
        if c[0] == "arith" and c[4] and c[4][1] >= 0 and c[4][0] in ROUNDING_MODES:
            key = c[1:4]
            ok = last_ok if last is not None and key == last else verdicts.get(key)
            if ok is None:
                if key not in memo:
                    try:
                        memo[key] = evaluate(("arith", *key, None), env)
                    except (Unavailable, ArithmeticError, ValueError, TypeError) as e:
                        memo[key] = e.with_traceback(None)  # no frame kept: no reference cycle
                x = memo[key]
                if isinstance(x, Exception):
                    ok = verdicts[key] = False
                elif _integral(x):
                    ok = verdicts[key] = same(float(x), value)
            last, last_ok = key, ok
            if ok is not None:
                if ok:
                    out.append(c)
                continue
        elif c[0] == "val" and c[2] != "num":  # the texts of one reference: read it once per argument
            if _val_fits(c, value, env, refs):
                out.append(c)
            continue
        elif c[0] in _LEARNED:  # judged apart (`fitting`), as if not in the list
            lines.append(c)
            continue
        if fits(c, value, env, memo):
            out.append(c)
    return out


def _plain_fitting(cands: list[Cand], value: Any, env: Env, lines: list[Cand]) -> list[Cand]:
    """`_fitting` without the shortcuts."""
    memo: dict[Any, Any] = {}
    lines.extend(c for c in cands if c[0] in _LEARNED)
    return [c for c in cands if c[0] not in _LEARNED and fits(c, value, env, memo)]


_UNREAD, _MISSING = object(), object()  # a reference not read yet; one that cannot be read in this env


def _val_fits(cand: Cand, value: Any, env: Env, refs: dict[Any, Any]) -> bool:
    """`fits` for ("val", ref, transform) other than "num", the reference's value read once (`refs`)."""
    got = refs.get(cand[1], _UNREAD)
    if got is _UNREAD:
        try:
            got = ref_value(cand[1], env)
        except (Unavailable, ArithmeticError, ValueError, TypeError):
            got = _MISSING
        refs[cand[1]] = got
    if got is _MISSING:
        return False
    if cand[2] == "id" and type(got) is str:  # `same(transform("id", got), value)` for a text, inline
        return type(value) is str and bool(got == value)
    try:
        return same(transform(cand[2], got), value)
    except (Unavailable, ArithmeticError, ValueError, TypeError):
        return False


def evaluate_all(cands: list[Cand], env: Env) -> Any:
    """The one value every candidate in use (`awake`) agrees on, and every band rival of a step function
    among them (`_explain_bands.rivals`); Disagree or Unavailable otherwise."""
    used = awake(cands) or [c for c in cands if c[0] != "band"]
    memo: dict[Any, Any] = {}
    values = [evaluate(c, env, memo) for c in used]
    first = values[0]
    for c, v in zip(used[1:], values[1:], strict=True):
        if not same(first, v):
            raise Disagree(f"{describe(used[0])} gives {first!r} but {describe(c)} gives {v!r}")
    for c in _explain_bands.rivals(cands, used):
        try:
            v = evaluate(c, env, memo)
        except Unavailable as e:  # a rival that cannot be computed live is not ruled out
            raise Disagree(f"{describe(c)}: {e}") from None
        if not same(first, v):
            raise Disagree(f"{describe(used[0])} gives {first!r} but {describe(c)} gives {v!r}")
    return first


def awake(cands: list[Cand]) -> list[Cand]:
    """The candidates replay uses. The wider families are tried only where the usual ones fail: while a
    usual explanation still fits every run, three-operand forms and lines are dormant (kept, filtered,
    not used); then the forms; a line last, and only once two runs pinned it (a seed explains nothing).
    The band rivals (`_explain_bands`) are never among them: `evaluate_all` holds the explanations to them."""
    base = [c for c in cands if c[0] not in _WIDER]
    if base:
        return base
    forms = [c for c in cands if c[0] == "expr"]
    lines = forms or [c for c in cands if (c[0] == "lin" and c[3] is not None) or c[0] == "rlin"]
    # a goal word's table last, when nothing else is left (`_explain_tables`)
    return lines or [c for c in cands if c[0] in _explain_tables.KINDS and _explain_tables.usable(c)]


_LEARNED = frozenset({"lin", "rlin", "band", *_explain_tables.KINDS})
_WIDER = frozenset({"expr", "lin", "rlin", "band", *_explain_tables.KINDS})
