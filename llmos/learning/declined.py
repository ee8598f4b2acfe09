"""Runs that declined what the goal asked: the model read, judged, and changed nothing.

"Release batch BR-1 for bottling" answered with "not released: it is on QA hold" leaves a read-only
plan. Replaying it is harmless to the world only while the results say what the decline was judged
on; once the hold is lifted, the same goal must release the batch. And its answer is a judgement
that a listing of the results ("Done." and the reads) cannot state. A plan declined when:

- its supporting answer states words of decline that no value of its run gives (`answers.unstated_verdict`:
  "not", "cannot", "no"), or
- it changes nothing while a goal word names a tool that changes the world and that the plan never
  calls ("release" of `release_brew`), a word no tool the plan calls is named by. The tools compared are
  the plan's siblings (`execution.replay.sibling_tools`: the same server's), not generated tools, whose
  names are made of goal words.

Such a replay (FOLLOWER or CRYSTALLIZED) stops before any call while no template of the model's own
answer is learned, and otherwise checks rule 1 on every result, as before a write (`replay_plan`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from llmos.learning import answers
from llmos.learning.goals import STOPWORDS, Token
from llmos.learning.plans import Plan
from llmos.learning.risk import RiskOf

MAX_TOOLS = 500  # tools compared with the goal's words (a registry larger than this is cut)
_WORDS = re.compile(r"[a-z]+")


def name_words(name: str) -> set[str]:
    """The words of a tool name: `bench__h3_release_brew` -> {bench, release, brew} (3 letters or more)."""
    return {w for w in _WORDS.findall(name.lower()) if len(w) >= 3}


def read_only(plan: Plan, risk_of: RiskOf | None) -> bool:
    return risk_of is not None and all(risk_of(s.name) == "read_only" for s in plan.steps)


def reasons(plan: Plan, tokens: list[Token], tools: Iterable[str], risk_of: RiskOf | None) -> list[str]:
    """Why the plan's runs declined what the goal asked (empty: they did not)."""
    out = []
    verdict = answers.unstated_verdict(plan.example)
    if verdict:
        out.append(f"the supporting answers declined the goal ({', '.join(verdict[:3])})")
    if not read_only(plan, risk_of):
        return out
    assert risk_of is not None
    called = {s.name for s in plan.steps}
    used = set().union(*(name_words(n) for n in called))
    goal = {t.text.lower() for t in tokens if t.kind == "word"} - STOPWORDS - used
    if not goal:
        return out
    for n, name in enumerate(tools):
        if n >= MAX_TOOLS:
            break
        if name in called:
            continue
        shared = sorted(goal & name_words(name))
        if shared and risk_of(name) != "read_only":
            out.append(f"the goal's word {shared[0]!r} names {name}, which changes the world and the plan never calls")
            break
    return out
