"""Rules about what a replayed answer may say again (the private interior of `llmos.learning.answers`).

- `literal_figure`: a template whose literal text states a number, a weekday or a month is not said
  (a figure the model worked out, the same in every supporting run by chance of the evidence);
- `derived_unproven`, `phrasing_varied`: a template that does not fit every supporting run (its
  arithmetic, or the answer's own words, changed in the evidence) is not said, nor replaced by a
  listing when the answers' words differ;
- `with_category`: a hole filled from a result's text that no goal word gives also keeps the
  hypothesis "always this text", so the words around it are not said with a value the evidence
  never showed there (rule 2 then finds the hypotheses disagree).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from llmos.learning import explain as ex
from llmos.learning._answer_numbers import CALENDAR, NUMBER

__all__ = ["MIN_FITS", "derived_unproven", "is_number", "literal_figure", "phrasing_varied", "with_category"]

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
            m = NUMBER.search(p[1]) or CALENDAR.search(p[1])
            if m is not None:
                return f"the answer states a figure no value of its run gives: {m.group()}"
    return ""


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


def derived_unproven(parts: Sequence[ex.Cand], support: int, seen_runs: int = 0) -> str:
    """Why a template's derived number is not said although the template fits its last runs ('' when
    it may be): the template does not fit every supporting run. The arithmetic that explains the
    last runs then failed on an earlier one: the true computation is outside the hypotheses tried, and
    the last runs agree on a stand-in by coincidence (a capacity of 16 every time, folded into x 0.16)."""
    fits = _header(parts)
    derived = any(p[0] == "hole" and any(c[0] == "calc" for c in p[1]) for p in parts[1:])
    if not derived or fits < MIN_FITS:
        return ""
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
