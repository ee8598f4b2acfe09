"""Conditional wording, replayed only when the evidence can see the condition.

A goal with conditional wording ("restock bolts if stock is below 10", "mark TS4411 down unless it
is already on sale", "page the team only for a high-priority ticket") may need calls its supporting
runs never made: the model decides on the condition. Every supporting run had the same wording (the
words are constants of the skeleton) and made the same calls, so the condition went the same way in
all of them. Replay is safe when the live run can be shown to be on that same side, before any
call that changes the world, by facts the replay already checks:

- every number of the condition ("below 10") kept an order (<, =, >) with a number of a result in
  every supporting run (`Plan.relations`, the envelope of rule 1b); a replay whose results break it
  stops before the next call (`envelope.relation_problem`) and the model decides;
- every other word of the condition ("stock", "sale", "priority") names something a result showed:
  a key of a result, a word of a result text or category the evidence saw; a goal value of the
  condition (a slot) is one a result held, or the argument of a read before any write (the result
  is about it). A word no result carries ("when it is Monday", with no result naming the day) is
  a condition the evidence cannot see: the model decides, as before;
- while a conditional goal replays, rule 1 (every unconsumed result value inside what the evidence
  saw, texts matching a template seen: "already on sale" is not "not on sale") is checked before
  every group and before the answer, not only before writes: the answer states what was done.

Quantity wording is no condition: "3 more chairs", "2 fewer seats", "only 4 tickets" (a number right
before `more`/`fewer`/`less` with no `than`, or right after `only`); "When does flight X leave?" is
a question (`when` first, before a verb).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from llmos.learning import explain as ex
from llmos.learning.goals import CONDITIONAL_WORDS, STOPWORDS, Token, names_record
from llmos.learning.plans import Plan

_QUANTITY = frozenset(["more", "fewer", "less"])
_QUESTION_VERBS = frozenset(["is", "are", "was", "were", "does", "do", "did", "will", "can", "should", "would"])
_CLAUSE_END = frozenset([",", ";", ".", "!", "?", "then", "but"])
_PART_END = frozenset(["and", "or", "nor"])
# words of a condition that name nothing a result must show
FILLER = frozenset(
    [
        *STOPWORDS,
        *CONDITIONAL_WORDS,
        "is",
        "are",
        "was",
        "were",
        "been",
        "being",
        "am",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "him",
        "there",
        "already",
        "still",
        "yet",
        "currently",
        "now",
        "any",
        "all",
        "some",
        "no",
        "not",
        "yes",
        "so",
        "too",
        "very",
        "just",
        "also",
        "equal",
        "equals",
        "exactly",
        "percent",
        "per",
        "cent",
        "one",
        "ones",
        "item",
        "items",
        "or",
        "nor",
        "neither",
        "same",
        "get",
        "gets",
        "got",
        "stays",
        "stay",
        "remains",
        "remain",
        "reads",
        "shows",
        "says",
    ]
)
_WORD_RE = re.compile(r"[a-z]+")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")


def genuine(tokens: list[Token]) -> list[int]:
    """Positions of the goal's conditional words that state a condition (quantities and a leading
    question word excluded)."""
    out = []
    for i, t in enumerate(tokens):
        low = t.text.lower()
        if t.kind != "word" or low not in CONDITIONAL_WORDS or names_record(tokens, i):
            continue  # not a conditional word, or the noun of a record ("in case CV-26-3301")
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        before = tokens[i - 1] if i > 0 else None
        nxt = after.text.lower() if after is not None else ""
        if low in _QUANTITY and before is not None and before.kind == "number" and nxt != "than":
            continue  # "3 more chairs"
        if low == "only" and after is not None and after.kind == "number":
            continue  # "only 4 tickets"
        if low == "when" and i == 0 and nxt in _QUESTION_VERBS:
            continue  # "When does flight X leave?"
        out.append(i)
    return out


def words(tokens: list[Token]) -> list[str]:
    """The goal's genuinely conditional words (sorted, distinct)."""
    return sorted({tokens[i].text.lower() for i in genuine(tokens)})


def clause(tokens: list[Token], start: int) -> list[int]:
    """Positions of the condition a conditional word at `start` states: the tokens after it, up to the
    end of the clause (a `,` `;` `.` or `then`/`but`)."""
    out = []
    for j in range(start + 1, len(tokens)):
        t = tokens[j]
        if t.text.lower() in _CLAUSE_END and t.kind in ("punct", "word"):
            break
        out.append(j)
    return out


def _stem(word: str) -> str:
    w = word.lower()
    for suf in ("ing", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    if len(w) >= 4 and w[-1] == w[-2]:
        w = w[:-1]
    return w


def _split(text: str) -> list[str]:
    return _WORD_RE.findall(_CAMEL_RE.sub(" ", text).lower())


def decisive_steps(plan: Plan, risk_of: Callable[[str], str | None] | None) -> set[int]:
    """The steps whose results can decide a condition before its effect: those of the groups before the
    first step that is not read-only (every step of a read-only plan: its results are checked before
    the answer). Without a risk lookup every step counts as a write."""
    risky = [s.group for s in plan.steps if risk_of is None or risk_of(s.name) != "read_only"]
    if not risky:
        return set(range(len(plan.steps)))
    first = min(risky)
    return {i for i, s in enumerate(plan.steps) if s.group < first}


def vocabulary(plan: Plan, steps: set[int]) -> set[str]:
    """Stems of every word the results of `steps` showed in the evidence: keys, text templates (goal
    values masked out), categories and values equal in every run."""
    texts: list[str] = []
    calls = plan.example.get("calls") if isinstance(plan.example, dict) else None
    for k, step in enumerate(plan.steps):
        if k not in steps:
            continue
        if isinstance(calls, list) and k < len(calls) and isinstance(calls[k], dict):
            # the latest supporting run's result as it read: a constant goal word ("seated") is masked
            # out of the templates, but the result said it
            texts.append(str(calls[k].get("result", "")))
        for key, rec in step.seen.items():
            texts.append(key.rsplit("|", 1)[0])
            if isinstance(rec, dict):
                texts.extend(str(t) for t in rec.get("t", {}))
        for key, vals in step.categories.items():
            texts.append(key)
            texts.extend(vals)
        for key, v in step.const_results.items():
            texts.append(key)
            texts.append(str(v))
    return {_stem(w) for t in texts for w in _split(t) if len(w) >= 2}


def _visible_word(word: str, vocab: set[str]) -> bool:
    s = _stem(word)
    if s in vocab:
        return True
    return len(s) >= 4 and any(len(v) >= 4 and (v.startswith(s) or s.startswith(v)) for v in vocab)


def _related_numbers(plan: Plan, steps: set[int]) -> set[int]:
    """Goal token positions whose number kept an order with a number of a result of `steps` in every run."""
    out: set[int] = set()
    for a, b, _sign in plan.relations:
        for x, y in ((a, b), (b, a)):
            if x[0] == "tok" and y[0] in ("res", "tnum") and int(y[1]) in steps:
                out.add(int(x[1]))
    return out


def _read_arguments(plan: Plan, risk_of: Callable[[str], str | None] | None) -> set[int]:
    """Goal positions an argument of a read-only step reads, before the first step that is not one."""
    out: set[int] = set()
    for step in plan.steps:
        if risk_of is None or risk_of(step.name) != "read_only":
            break
        for leaf in step.leaves:
            for c in ex.awake(leaf.cands):
                out |= ex.token_positions(c)
    return out


def problem(plan: Plan, tokens: list[Token], risk_of: Callable[[str], str | None] | None = None) -> str | None:
    """Why the evidence cannot see this goal's condition (None: every part of it is checked live)."""
    where = genuine(tokens)
    if not where:
        return None
    cond = ", ".join(sorted({tokens[i].text.lower() for i in where}))
    head = f"conditional wording ({cond})"
    if not plan.seen_runs:
        return f"{head}: the plan's evidence did not record what its results showed"
    goal_only = _goal_numbers_problem(plan, tokens)
    if goal_only:
        return f"{head}: {goal_only}"
    steps = decisive_steps(plan, risk_of)
    if not steps:
        return f"{head}: no result comes before the first call that changes the world, so none can decide it"
    positions = sorted({j for w in where for j in clause(tokens, w)})
    unseen: list[str] = []
    checked = 0
    for part in _parts(tokens, positions):
        missing, seen = _unseen(plan, tokens, part, steps, risk_of)
        unseen += missing
        checked += seen
    if unseen:
        return f"{head}: the condition names what no result shows: {'; '.join(unseen[:3])}"
    if not checked:
        return f"{head}: nothing a result shows states the condition"
    return None


def fixed(plan: Plan, tokens: list[Token]) -> bool:
    """Whether every word of the goal's condition is a constant of the plan (no slot in any clause):
    the same condition in every run of the plan, so whatever decided it was in the runs' results or
    nowhere. A branch set (`_branch_select`) whose paths' evidence the reads tell apart has seen it
    decided both ways on those reads; a single plan has seen it one way only and keeps `problem`."""
    where = genuine(tokens)
    return bool(where) and not any(j in plan.slots for w in where for j in [w, *clause(tokens, w)])


def _parts(tokens: list[Token], positions: list[int]) -> list[list[int]]:
    """The condition's parts, split at `and` / `or` ("the wind is under 58 km/h and visibility is good")."""
    out: list[list[int]] = [[]]
    for i in positions:
        if tokens[i].kind == "word" and tokens[i].text.lower() in _PART_END:
            out.append([])
        else:
            out[-1].append(i)
    return [p for p in out if p]


def _unseen(
    plan: Plan, tokens: list[Token], part: list[int], steps: set[int], risk_of: Callable[[str], str | None] | None
) -> tuple[list[str], int]:
    """(what of one part of the condition no result of `steps` shows, described; 1 when a result shows it).

    A part with a number: every number kept an order with a result's number in every run (the words
    around it, a subject or a unit, name what that number is). A part without: every goal value in it
    is one a result held or a read before any write was about, and at least half of its other words
    (one at least) were words of those results ("the dog is already boarded": `boarded`); "it is
    Monday" with no result naming the day is not seen."""
    vocab = vocabulary(plan, steps)
    related = _related_numbers(plan, steps)
    members = {pos for pos, s, present in plan.memberships if present and s in steps}
    reads = _read_arguments(plan, risk_of)
    numbers = [i for i in part if tokens[i].kind == "number"]
    if numbers:
        bad = [tokens[i].text for i in numbers if i not in related]
        if bad:
            return [f"the number {bad[0]} (no result number kept an order with it in every run)"], 0
        return [], 1
    unseen: list[str] = []
    visible = invisible = 0
    for i in part:
        t = tokens[i]
        if t.kind == "punct" or (t.kind == "word" and t.text.lower() in FILLER):
            continue
        if i in plan.slots:
            if i not in members and i not in reads:
                unseen.append(f"{t.text!r} (no result held it, and no read before a write was about it)")
            continue
        parts = [w for w in [t.text.lower(), *_split(t.text)] if w not in FILLER and len(w) >= 2]
        if not parts:
            continue
        if any(_visible_word(w, vocab) for w in parts):
            visible += 1
        else:
            invisible += 1
    if unseen:
        return unseen, 0
    if not visible or invisible > visible:
        words = " ".join(tokens[i].text for i in part)
        return [f"{words!r} (no result of the evidence showed most of it)"], 0
    return [], 1


def _goal_numbers_problem(plan: Plan, tokens: list[Token]) -> str | None:
    """A condition on the goal's own numbers ("move 50 to savings if it is above 100") shows in no
    result: every number slot stays inside the range the evidence saw, and two number slots whose
    ranges overlap have no order the evidence fixed."""
    spans: list[tuple[int, float, float]] = []
    for pos, slot in sorted(plan.slots.items()):
        if pos >= len(tokens) or tokens[pos].kind != "number":
            continue
        if len(slot.span) != 2:
            return f"the number {tokens[pos].text} has no range in the evidence"
        v = tokens[pos].typed()
        lo, hi = slot.span
        if isinstance(v, str) or not lo - 1e-9 <= v <= hi + 1e-9:
            return f"the number {tokens[pos].text} is outside [{lo:g}, {hi:g}] seen in the evidence"
        spans.append((pos, lo, hi))
    for k, (p1, lo1, hi1) in enumerate(spans):
        for p2, lo2, hi2 in spans[k + 1 :]:
            if lo1 <= hi2 and lo2 <= hi1:
                return (
                    f"the numbers {tokens[p1].text} and {tokens[p2].text} took overlapping ranges in the "
                    "evidence: their order is not known to have been the same"
                )
    return None


def any_conditional(tokens: Iterable[Token]) -> bool:
    return bool(genuine(list(tokens)))
