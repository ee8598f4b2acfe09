"""Rules about what a replayed answer may say again (the private interior of `llmos.learning.answers`).

- `literal_figure`: a template whose literal text states a number, a weekday or a month is not said
  (a figure the model worked out, the same in every supporting run by chance of the evidence);
- `derived_unproven`, `phrasing_varied`: a template that does not fit every supporting run (its
  arithmetic, or the answer's own words, changed in the evidence) is not said, nor replaced by a
  listing when the answers' words differ;
- `proofs`, `derived_unproven`: a computed number whose every explanation carries a constant fitted to
  the runs (`{volume} * 0.004`) or comes from the wider search of two operands with a unit scale is
  said only once its hole stated `PROOF_VALUES` distinct values (two points test a fitted proportion
  once);
- `with_category`: a hole filled from a result's text that no goal word gives also keeps the
  hypothesis "always this text", so the words around it are not said with a value the evidence
  never showed there (rule 2 then finds the hypotheses disagree).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning import explain as ex
from llmos.learning._answer_numbers import CALENDAR, NUMBER, number_text
from llmos.learning._explain_search import PROOF_VALUES, fitted_constant

__all__ = [
    "COMPUTED",
    "MIN_FITS",
    "PROOF_VALUES",
    "computed",
    "derived_unproven",
    "is_number",
    "literal_figure",
    "outside_stated",
    "phrasing_varied",
    "proofs",
    "stated_numbers",
    "unproven_fit",
    "with_category",
]

MIN_FITS = 2  # supporting runs that must agree on a template before a replay states it


def _header(parts: Sequence[ex.Cand]) -> int:
    """How many consecutive supporting runs a stored template fits (0: none usable)."""
    if parts and parts[0][0] == "answer" and isinstance(parts[0][1], int):
        return int(parts[0][1])
    return 0


template_fits = _header  # public name for the loops' answer (`loops/_answer.py`)


def literal_figure(parts: Sequence[ex.Cand]) -> str:
    """Why a template's literal text may not be said again ('' when it may): it states a number. A
    number that no value of the run gives as text and no arithmetic explains (days between two dates,
    a count the model made) is a figure the model worked out; that every supporting run stated the
    same one is no evidence that it is phrasing and not this run's value (rule 5: never an earlier
    run's text)."""
    for p in parts:
        if p[0] == "lit":
            figure = _figure(p[1]) if _shortcuts.ON else _plain_figure(p[1])
            if figure is not None:
                return f"the answer states a figure no value of its run gives: {figure}"
    return ""


def _plain_figure(text: str) -> str | None:
    """The first number of `text`, else its first weekday or month, else None."""
    m = NUMBER.search(text) or CALENDAR.search(text)
    return None if m is None else m.group()


# a template's literals are the same texts run after run: each is read once
_figure = lru_cache(maxsize=1 << 14)(_plain_figure)


def with_category(text: str, cands: list[ex.Cand]) -> list[ex.Cand]:
    """A word of a result that no goal word gives ("on time", "approved") may be what the answer's
    own words depend on ("Yes, the ferry is on time."): the hole also keeps the hypothesis that it is
    always this text. Once a supporting run states another value there, the hypothesis is dropped
    (the phrasing held for both); until then a run with another value is not said (rule 2: the
    hypotheses disagree; the answer is a listing, or the model's)."""
    from_result = any(c[0] == "val" and c[1][0] == "res" for c in cands)
    from_goal = any(c[0] == "val" and c[1][0] == "tok" for c in cands)
    if not from_result or from_goal or is_number(text):
        return cands
    return [*cands, ("const", json.dumps(text))]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _fitted(hole: ex.Cand) -> bool:
    """Whether every explanation of a hole is arithmetic with a constant fitted to the runs, or a form of
    the wider search (`_answer_numbers.derived`: two operands with a unit scale)."""
    return bool(hole[1]) and all(c[0] == "calc" and (fitted_constant(c[1]) or c[1][0] == "expr") for c in hole[1])


def proofs(header: ex.Cand | None, parts: Sequence[ex.Cand], stated: dict[int, float]) -> tuple[Any, ...]:
    """What each computed hole stated over the runs the template fits: its distinct values (at most
    `PROOF_VALUES` kept) and the least and greatest, `(index, values, (lo, hi))`. `header`: the stored
    template's header when this run continued it (None: a new template); `stated`: this run's value of
    each computed hole (`stated_numbers`)."""
    kept = _shown(header)
    out = []
    for i in sorted(stated):
        v = stated[i]
        seen, (lo, hi) = kept.get(i, ((), (v, v)))
        if not any(ex.same(x, v) for x in seen) and len(seen) < PROOF_VALUES:
            seen = (*seen, v)
        out.append((i, tuple(sorted(seen)), (min(lo, v), max(hi, v))))
    return tuple(out)


def _shown(header: ex.Cand | None) -> dict[int, tuple[tuple[float, ...], tuple[float, float]]]:
    if header is None or len(header) < 3:
        return {}
    return {int(e[0]): (tuple(e[1]), (float(e[2][0]), float(e[2][1]))) for e in header[2] if len(e) == 3}


def outside_stated(parts: Sequence[ex.Cand], env: ex.Env) -> str:
    """Rule 1 for a computed number of the answer whose every explanation carries a fitted constant or
    comes from the wider search (as `_derived` holds an argument's fitted constant strictly): the value
    this run states lies inside what the supporting runs stated there ('' when it does). Past it, the
    words around it may be another rule's (customs duty of 43.20 EUR is waived under a 50 EUR minimum no
    run reached: "payable" said of it was wrong). Arithmetic of values only (seconds / 60) keeps its sign
    and template (`_derived`); a template that kept no record (a loop's) is not checked."""
    shown = _shown(parts[0] if parts else None)
    if not shown:
        return ""
    for i, v in stated_numbers(parts[1:], env).items():
        if i in shown and i < len(parts) and _fitted(parts[i]):
            lo, hi = shown[i][1]
            if v < lo - 1e-9 or v > hi + 1e-9:
                return (
                    f"the answer's computed number is {v:g} here, outside what the supporting runs stated "
                    f"({lo:g} to {hi:g})"
                )
    return ""


def stated_numbers(parts: Sequence[ex.Cand], env: ex.Env) -> dict[int, float]:
    """The number each computed hole of `parts` (a template without its header) states in this run, by
    its index in the stored template (the header is 0); every candidate a template keeps gives it."""
    out: dict[int, float] = {}
    for i, p in enumerate(parts, start=1):
        if p[0] == "hole" and p[1] and p[1][0][0] == "calc":
            try:
                out[i] = float(number_text(ex.evaluate(p[1][0][1], env), p[1][0][2]))
            except (ex.Unavailable, ArithmeticError, ValueError, TypeError):
                continue
    return out


def unproven_fit(parts: Sequence[ex.Cand]) -> str:
    """Why a computed hole is not said ('' when it may be): every explanation of it carries a constant
    fitted to the runs or comes from the wider search, and its runs stated fewer than `PROOF_VALUES`
    distinct values. A fitted proportion that two points confirm was tested once; a coincidence of the
    workload passes one test."""
    shown = _shown(parts[0] if parts else None)
    for i, p in enumerate(parts[1:], start=1):
        if p[0] == "hole" and _fitted(p):
            n = len(shown[i][0]) if i in shown else 0
            if n < PROOF_VALUES:
                return (
                    f"the answer's computed number ({ex.describe(p[1][0][1])}) rests on a constant fitted to the "
                    f"runs, shown on {n} distinct value{'s' if n != 1 else ''}: {PROOF_VALUES} are needed"
                )
    return ""


COMPUTED = ("calc", "agg", "pick")  # a hole's number (or pick) worked out from the run's values


def computed(part: ex.Cand) -> bool:
    """Whether a template part is a hole some explanation of which computes its value: arithmetic
    (`calc`), or a total or pick over a list's items (`agg`, `pick`: "the warmest reading", the sum of
    the unpaid fees), which a template holds as a hole's candidates directly (`list_cands`)."""
    return part[0] == "hole" and any(c[0] in COMPUTED for c in part[1])


def derived_unproven(parts: Sequence[ex.Cand], support: int, seen_runs: int = 0, env: ex.Env | None = None) -> str:
    """Why a template's derived number is not said although the template fits its last runs ('' when
    it may be): the template does not fit every supporting run. The arithmetic that explains the
    last runs then failed on an earlier one: the true computation is outside the hypotheses tried, and
    the last runs agree on a stand-in by coincidence (a capacity of 16 every time, folded into x 0.16).
    Or every explanation of a computed number is a fitted constant shown on too few values (`unproven_fit`),
    or (`env`: this run) the number this run computes is outside what the runs stated (`outside_stated`)."""
    fits = _header(parts)
    derived = any(computed(p) for p in parts[1:])
    if not derived or fits < MIN_FITS:
        return ""
    unproven = unproven_fit(parts) or (outside_stated(parts, env) if env is not None else "")
    if unproven:
        return unproven
    if fits < support:
        return (
            f"the answer's computed number is explained in the last {fits} supporting runs only, not in all "
            f"{support}: the computation is not one the evidence can name"
        )
    # runs the model finished after a replay stopped teach the template too: when one of them did not
    # fit (the template started again), the arithmetic must hold over twice the usual evidence
    if fits < min(seen_runs, 2 * MIN_FITS):
        return (
            f"the answer's computed number is explained in the last {fits} of the {seen_runs} runs the plan "
            f"has seen (the template started again): {2 * MIN_FITS} agreeing runs are needed"
        )
    return ""


def phrasing_varied(parts: Sequence[ex.Cand], support: int, seen_runs: int = 0) -> str:
    """Why a listing would not answer for a plan whose template is unusable ('' when it would): its
    supporting answers did not share their own words ("can carry" in one, "cannot carry" in another;
    a misfit starts the template again), so what they said depends on something only the model
    judges, and a listing of the results leaves that out. A template that started again among the runs
    the plan has seen (`seen_runs`: "Rex is due for none: every vaccine is up to date" between runs that
    named one) needs twice the usual evidence before a listing stands in for it, as its arithmetic does
    (`derived_unproven`)."""
    fits = _header(parts)
    if (0 < fits < MIN_FITS and support > fits) or 0 < fits < min(seen_runs, 2 * MIN_FITS):
        return (
            "the supporting answers differ in their own words (the last one did not fit the template of "
            "the runs before it): what they say depends on something a listing of the results leaves out"
        )
    return ""


MAX_PARTS_MATCHED = 200


def full_match(pattern: Sequence[str | list[str]], text: str) -> list[str] | None:
    """The values the holes take when `text` is the literals with one of each hole's values in between
    (tried in order, backtracking: what a regular expression of literal alternatives finds), or None."""
    if len(pattern) > MAX_PARTS_MATCHED:  # the recursion below is one level per part
        rx = "".join(re.escape(p) if isinstance(p, str) else "(" + "|".join(map(re.escape, p)) + ")" for p in pattern)
        m = re.fullmatch(rx, text, re.DOTALL)
        return None if m is None else list(m.groups())
    said: list[str] = []
    return said if _match_at(pattern, text, 0, 0, said) else None


def _match_at(pattern: Sequence[str | list[str]], text: str, i: int, pos: int, said: list[str]) -> bool:
    """Whether `pattern[i:]` matches `text[pos:]` whole, the holes' values appended to `said` (a
    function of its own, not a closure: a recursive closure is a reference cycle left for the GC)."""
    if i == len(pattern):
        return pos == len(text)
    part = pattern[i]
    if isinstance(part, str):
        return text.startswith(part, pos) and _match_at(pattern, text, i + 1, pos + len(part), said)
    for v in part:
        if text.startswith(v, pos):
            said.append(v)
            if _match_at(pattern, text, i + 1, pos + len(v), said):
                return True
            said.pop()
    return False
