"""Rules about what a replayed answer may say again (the private interior of `llmos.learning.answers`).

- `literal_figure`: a template whose literal text states a number is not said (a figure the model
  worked out, the same in every supporting run by chance of the evidence);
- `with_category`: a hole filled from a result's text that no goal word gives also keeps the
  hypothesis "always this text", so the words around it are not said with a value the evidence
  never showed there (rule 2 then finds the hypotheses disagree).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from llmos.learning import explain as ex
from llmos.learning._answer_numbers import NUMBER

__all__ = ["is_number", "literal_figure", "with_category"]


def literal_figure(parts: Sequence[ex.Cand]) -> str:
    """Why a template's literal text may not be said again ('' when it may): it states a number. A
    number that no value of the run gives as text and no arithmetic explains (days between two dates,
    a count the model made) is a figure the model worked out; that every supporting run stated the
    same one is no evidence that it is phrasing and not this run's value (rule 5: never an earlier
    run's text)."""
    for p in parts:
        if p[0] == "lit":
            m = NUMBER.search(p[1])
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
