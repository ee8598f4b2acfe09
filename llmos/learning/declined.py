"""Runs that declined what the goal asked: the model read, judged, and changed nothing.

"Release batch BR-1 for bottling" answered with "not released: it is on QA hold" leaves a read-only
plan. Replaying it is harmless to the world only while the results say what the decline was judged
on; once the hold is lifted, the same goal must release the batch. And its answer is a judgement
that a listing of the results ("Done." and the reads) cannot state. A plan declined when:

- its supporting answer, or the literal words of its usable answer template (`_template_said`: the runs
  that taught the template may not be the example's), states words of decline that no value of its run
  gives (`answers.unstated_verdict`: "not", "cannot", "no"), or
- it changes nothing while a goal word names a tool that changes the world and that the plan never
  calls ("release" of `release_brew`), a word no tool the plan calls is named by; not when the goal
  is a question for information (`wh_question`: "How many bottles of Barolo are left?" of
  `move_bottles`), which asks no tool to change anything. The tools compared are
  the plan's siblings (`execution.replay.sibling_tools`: the same server's), not generated tools, whose
  names are made of goal words.

A read-only plan also *judged* the goal on its results, whatever its answer's words, when:

- the goal is a yes/no question ("Can ada push to atlas?", "Is the Esk bridge open to trucks?",
  "... whether ..."): the answer says which way it went, and a "Yes" said after two admins is wrong
  for a reader, whatever words the answer keeps around the role (`polar`). This holds for a plan
  whose tools are not annotated read-only too (`judged_on_every_result`): an MCP server that says
  nothing of its tools makes every tool a write, and the last call's result, which the answer judges,
  has no later step for rule 1 to check it before. A goal that names the judgement's alternatives, two
  plain words joined by "or", is one whatever its form ("State the ice at rink RK-46: open or closed.",
  `alternatives`);
- its supporting answer states words of judgement no value of its run gives ("yes", "allowed",
  "eligible": `answers.unstated_judgement`);
- the goal's verb asks for a change ("Book room R119 for Friday") while the plan changes nothing and
  the same server has tools that change the world, whatever their names (`reserve_room`): the model
  read, judged ("already booked") and did nothing. A verb of reading ("show", "check", "list", ...),
  one a called tool is named by, or a question, asks for no change (`change_verb`).

Such a replay (FOLLOWER or CRYSTALLIZED) stops before any call while no template of the model's own
answer is learned, and otherwise checks rule 1 on every result, as before a write (`replay_plan`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from llmos.learning import _answer_unread, _answer_words, answers, conditions
from llmos.learning._answer_rules import template_fits
from llmos.learning._goal_quantities import PRECAUTION
from llmos.learning.goals import STOPWORDS, Token
from llmos.learning.plans import Plan
from llmos.learning.risk import RiskOf, all_read_only, declares_write

MAX_TOOLS = 500  # tools compared with the goal's words (a registry larger than this is cut)
_WORDS = re.compile(r"[a-z]+")


def name_words(name: str) -> set[str]:
    """The words of a tool name: `bench__h3_release_brew` -> {bench, release, brew} (3 letters or more)."""
    return {w for w in _WORDS.findall(name.lower()) if len(w) >= 3}


def split(plan: Plan) -> str:
    """Why a judged plan's results do not decide its answer ('' when they may): its supporting runs did
    not all answer in the words of its template (one said "Yes", another "No" over the same calls), so
    what they saw, taken together, is no evidence for either judgement."""
    fits, runs = template_fits(plan.answer), max(plan.support, plan.seen_runs)
    if 0 < fits < runs:  # rule 1 checks against what every run the plan recorded saw, whatever it said
        return (
            f"the runs of the plan did not all judge it alike (the answer's template fits {fits} of "
            f"{runs}): what they saw together is no evidence for one judgement"
        )
    return ""


def _template_said(plan: Plan) -> dict[str, Any]:
    """The example with the literal words of the plan's usable answer template as its answer: the words a
    replay would say. The example is the plan's last supporting run; the template may have been taught by
    other runs (runs the model finished after a replay stopped teach it too), whose answers were in other
    words ("None: no night below freezing ..." after "2 frost nights ..."): a word of decline or judgement
    in the template is a judgement whatever the example said."""
    if not answers.usable(plan.answer):
        return {}
    literals = " ".join(str(p[1]) for p in plan.answer[1:] if p[0] == "lit")
    return {**plan.example, "answer": literals}


POLAR = "the goal is a yes/no question (or names the alternatives it asks between), answered on what the results said"


def judged_on_every_result(plan: Plan, tokens: list[Token], risk_of: RiskOf | None) -> bool:
    """Whether rule 1 holds for every result of a replay whose runs declined or judged its goal: a
    read-only plan's (its results decided that nothing changes), and any plan's answer to a yes/no
    question ("Can boats pass lock LK-35 today?": a "Yes" said over "open" and "staffed" is no evidence
    for "drained"). The plan's tools may say nothing of their risk (an MCP server without annotations:
    every tool counts as a write), and no step after the last one is ahead for rule 1 to check before:
    its result, which the answer judges, would go unchecked."""
    return read_only(plan, risk_of) or polar(tokens) or bool(own_words(plan, risk_of))


OWN_WORDS = "the supporting answers judged the results in words no value of their run gives"


def own_words(plan: Plan, risk_of: RiskOf | None = None) -> list[str]:
    """The words of the plan's answer template no value of its example run gives, when that run's answer
    copies a category from a result (`_answer_words`): a judgement the model made on that run's results
    ("open" over "water": "clear"), or has a result that fed nothing ("Rink RK-46 is open tonight." over
    `{"ice": "smooth"}`). A declared write's acknowledgement ("shipped" of `ship_lot`) is neither."""
    said = _template_said(plan)
    writes = (lambda name: declares_write(risk_of, name)) if risk_of is not None else None
    if not said:
        return []
    if _answer_words.copied_categories(plan.example, writes) or _answer_unread.unchecked(plan, risk_of):
        return _answer_words.unstated_words(said)
    if not _answer_unread.unchecked(plan, risk_of, partly=True):
        return []
    labels = _answer_unread.labels(plan.answer)  # "reference R-103" names what it copies, judges nothing
    return [w for w in _answer_words.unstated_words(said) if w not in labels]


def judged(declines: list[str], tokens: list[Token]) -> bool:
    """Whether a replay whose runs declined or judged its goal (`declines`: `reasons`) is judged on every
    result whatever the tools' risk, before the answer: a yes/no question, or a judgement in the answer's
    own words (the crystallized tool's `_check_decided`, as FOLLOWER's `check_decided`). `reasons` said
    the latter for a plan that is not read-only; a read-only plan is judged on every result anyway."""
    return bool(declines) and (polar(tokens) or any(d.startswith(OWN_WORDS) for d in declines))


def unlistable(declines: list[str]) -> list[str]:
    """The reasons a listing cannot stand in for the answer: all but a judgement in the answer's own words
    (a listing states the copied category and no word of its own)."""
    return [d for d in declines if not d.startswith(OWN_WORDS)]


def unstated(why: list[str]) -> str:
    """Why a replay stops where its answer would state a judgement (`why`: `reasons`)."""
    return (
        f"{PRECAUTION}: the answer cannot be stated from this run's values ({why[0]}: a judgement "
        "a listing cannot state)"
    )


def read_only(plan: Plan, risk_of: RiskOf | None) -> bool:
    return all_read_only((s.name for s in plan.steps), risk_of)


def reasons(plan: Plan, tokens: list[Token], tools: Iterable[str], risk_of: RiskOf | None) -> list[str]:
    """Why the plan's runs declined (or judged) what the goal asked (empty: they did not)."""
    out = []
    said = _template_said(plan)
    verdict = answers.unstated_verdict(plan.example) or answers.unstated_verdict(said)
    if verdict:
        out.append(f"the supporting answers declined the goal ({', '.join(verdict[:3])})")
    own = own_words(plan, risk_of)
    own_said = f"{OWN_WORDS} ({', '.join(own[:3])})"
    asks = polar(tokens)
    if not read_only(plan, risk_of):
        # whatever the tools' risk: a tool that says nothing of itself counts as a write
        if asks or own:  # the same for a judgement in the answer's own words (`_answer_words`)
            out.append(POLAR if asks else own_said)
        return out
    assert risk_of is not None
    tools = list(tools)[:MAX_TOOLS]
    called = {s.name for s in plan.steps}
    used = set().union(*(name_words(n) for n in called))
    judged = answers.unstated_judgement(plan.example) or answers.unstated_judgement(said)
    if asks:
        out.append(POLAR)
    elif judged or own:  # a judgement word, or one in words of its own (`_answer_words`)
        out.append(f"the supporting answers judged the goal ({', '.join(judged[:3])})" if judged else own_said)
    verb = change_verb(tokens, used)
    if verb:
        writers = [n for n in tools if n not in called and risk_of(n) != "read_only"]
        if writers:
            out.append(
                f"the goal's verb {verb!r} asks for a change, the plan changes nothing, and the server has tools "
                f"that do ({writers[0]}): the supporting runs judged it must not be done"
            )
    goal = {t.text.lower() for t in tokens if t.kind == "word"} - STOPWORDS - used
    if not goal:
        return out
    question = wh_question(tokens)
    for name in tools:
        if name in called:
            continue
        shared = sorted(goal & name_words(name))
        if question and not _asked_to_do(tokens, set(shared)):
            continue  # a question for information names what it asks about; it asks no tool to act
        if shared and risk_of(name) != "read_only":
            out.append(f"the goal's word {shared[0]!r} names {name}, which changes the world and the plan never calls")
            break
    return out


# yes/no questions open with an auxiliary ("Is ...?", "Can ...?"); "whether" asks one inside a sentence
_AUX = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "does",
        "do",
        "did",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "has",
        "have",
        "had",
    ]
)
# verbs of reading: a goal opened by one asks for no change (a verb a called tool is named by neither)
READ_VERBS = frozenset(
    [
        "show",
        "list",
        "get",
        "find",
        "look",
        "lookup",
        "check",
        "tell",
        "give",
        "report",
        "read",
        "fetch",
        "see",
        "view",
        "display",
        "describe",
        "count",
        "compute",
        "calculate",
        "estimate",
        "quote",
        "compare",
        "summarize",
        "summarise",
        "search",
        "say",
        "print",
        "explain",
        "name",
        "identify",
        "convert",
        "translate",
        "what",
        "which",
        "who",
        "how",
        "when",
        "where",
        "why",
        "whats",
        "inspect",
        "query",
        "measure",
        "monitor",
        "locate",
        "retrieve",
        "review",
        "audit",
        "test",
        "ping",
        "trace",
        "track",
        "preview",
        "forecast",
        "predict",
    ]
)
_POLITE = frozenset({"please", "kindly", "now", "then", "also", "just"})


def _first_word(tokens: list[Token]) -> str:
    for t in tokens:
        if t.kind != "word":
            return ""
        w = t.text.lower()
        if w not in _POLITE:
            return w
    return ""


def polar(tokens: list[Token]) -> bool:
    """Whether the goal asks for a judgement: a yes/no question (it opens with an auxiliary and ends with
    "?", or asks "whether"), or a goal that names the judgement's alternatives, in any form (`alternatives`:
    "State the ice at rink RK-46 tonight: open or closed for skating.")."""
    if any(t.kind == "word" and t.text.lower() == "whether" for t in tokens):
        return True
    ends = bool(tokens) and tokens[-1].kind == "punct" and tokens[-1].text == "?"
    return (ends and _first_word(tokens) in _AUX) or alternatives(tokens)


def alternatives(tokens: list[Token]) -> bool:
    """Whether the goal names two alternatives of a judgement, two plain words joined by "or" or by a slash
    ("open or closed", "enough or short", "running or cancelled", "open / closed", "pass/fail"): the
    answer states which one holds, a judgement on the results, whatever the sentence's form. A value is no
    alternative of a judgement: a number, a quoted text, a capitalised name ("Bramley or Garth": the
    choice is a pick, `_explain_agg`)."""
    for i in range(1, len(tokens) - 1):
        joint = tokens[i].text.lower()
        if (tokens[i].kind, joint) not in (("word", "or"), ("punct", "/")):
            continue
        pair = (tokens[i - 1].text, tokens[i + 1].text)
        if all(_judgement_word(t) for t in (tokens[i - 1], tokens[i + 1])) and pair[0] != pair[1]:
            return True
    return any(_slashed(t) for t in tokens)


def _judgement_word(t: Token) -> bool:
    return t.kind == "word" and _plain(t.text)


def _plain(text: str) -> bool:
    return text.isalpha() and text.islower() and text not in STOPWORDS


def _slashed(t: Token) -> bool:
    """ "pass/fail": one token of two plain words (of 3 letters or more) around one slash."""
    parts = t.text.split("/")
    return (
        t.kind == "word" and len(parts) == 2 and parts[0] != parts[1] and all(len(w) >= 3 and _plain(w) for w in parts)
    )


# a question for information opens with one of these ("why" not: "Why not release batch BR-1?")
_WH = frozenset(["what", "which", "who", "whom", "whose", "how", "when", "where"])
_SUGGESTION = frozenset(["about", "if"])  # "How about releasing ...?", "What if we release ...?"
_SENTENCE_ENDS = frozenset([".", "!", "?", ";"])
_PERSONS = frozenset(["you", "your", "we", "us", "our", "i", "me", "my", "let", "lets"])
_CLAUSE_OPENERS = frozenset(["and", "or", "then", "also", "but", "to"])


def _asked_to_do(tokens: list[Token], shared: set[str]) -> bool:
    """Whether a word a write tool is named by opens a clause of its own inside the question ("How
    many seats are left, and book 2?"; "... or cancel it?"): an order, not a noun asked about."""
    for i, t in enumerate(tokens[1:], 1):
        before = tokens[i - 1].text.lower()
        if t.text.lower() in shared and (before in _CLAUSE_OPENERS or tokens[i - 1].kind == "punct"):
            return True
    return False


def wh_question(tokens: list[Token]) -> bool:
    """Whether the goal asks for information: one sentence, ending with "?", opened by a wh-word that
    is not a suggestion, addressed to no person and conditional on nothing ("How many bottles of
    Barolo are left?", not "What about releasing batch BR-1?", "Which batch is on hold? Release
    it!", "How many seats are left, can you book 2?"). Its words name what it asks about: a noun
    shared with a tool that changes the world ("bottles" of `move_bottles`, "record" of
    `record_haul`) is no action the runs declined."""
    if not tokens or tokens[-1].kind != "punct" or tokens[-1].text != "?":
        return False
    if any(t.kind == "punct" and t.text in _SENTENCE_ENDS for t in tokens[:-1]):
        return False
    words = [t.text.lower() for t in tokens if t.kind == "word" and t.text.lower() not in _POLITE]
    if len(words) < 2 or words[0] != _first_word(tokens) or words[0] not in _WH or words[1] in _SUGGESTION:
        return False
    # addressed to the agent ("... can you book 2?", "How do I release it?") or conditional: no mere question
    return not (_PERSONS & set(words)) and not conditions.words(tokens)


def change_verb(tokens: list[Token], called_words: set[str]) -> str:
    """The goal's opening verb when it asks for a change ('' when it does not: a question, a verb of
    reading, a verb a called tool is named by, or no word first)."""
    if any(t.kind == "punct" and t.text == "?" for t in tokens):
        return ""
    w = _first_word(tokens)
    if not w.isalpha() or len(w) < 3 or w in _AUX or w in READ_VERBS or w in called_words or w in STOPWORDS:
        return ""
    return w
