"""Numbers in replayed answers (the private interior of `llmos.learning.answers`).

A number an answer states that no value of the run gives as text, but that arithmetic over the run's
values explains (the argument explanations of `explain.generate`), is a *derived* hole: candidates
`("calc", explanation, format)`. Rule 2 holds as for arguments: a template keeps the candidates that
fit every run, and a replay states the value only when they agree (written two ways, 25.23 and
25.230, is one value) and the evidence showed that many decimals (`number_text`). A derived number
that was the same in every run keeps that constant as one more candidate. `unstated_figures` names
the numbers a supporting answer stated that no value of its run gives: what a listing would lose;
`unstated_verdict` the words by which it declined the goal's action ("not updated", "cannot renew").
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from itertools import chain
from typing import Any

from llmos.learning import _explain_agg
from llmos.learning import explain as ex
from llmos.learning._explain_search import scaled_pairs

MAX_DECIMALS = 6
# how a derived number is written, and the most decimals the evidence allows: "uN" shortest (44),
# "pN" like Python's float (44.0), "dN" with exactly N decimals (44.000)
NUMBER_FORMATS = tuple(f"{kind}{n}" for kind in "dpu" for n in range(MAX_DECIMALS + 1))
MAX_DERIVED = 4  # derived numbers searched per answer
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\.?[^\W_])")
# a date, with its time if any ("2026-11-22", "2026-11-22T08:30", "2026-11-22 08:30:00"): one value
DATE = re.compile(r"(?<![\w.-])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?![\w-])")
# an identifier: a word that starts with a letter and holds a digit ("L2", "B-101", "SO-4821", "TS-KR113"):
# one value, like a date; its digits give no figure ("2 lifts are down" is not the 2 of lift "L2")
IDENT = re.compile(r"(?<![\w.-])[^\W\d_]\w*(?:-\w+)*(?![\w-])")
# a number as a run's text gives it (unsigned: `unstated_figures`)
DIGITS = re.compile(r"\d+(?:\.\d+)?")
# the word written right before a number ("route 395"), one space apart
WORD_BEFORE = re.compile(r"(?<![\w-])([^\W\d_]+) $")
# a count of the run's tool calls, as an answer states it
CALLS = re.compile(r"(?<![\w.])(\d+) (?:tool )?calls?\b", re.IGNORECASE)
# words by which an answer says that what the goal asked was not (or cannot be) done
DECLINE = re.compile(
    r"\b(?:not|no|never|cannot|unable|refused|declined|skipped|instead|\w+n't|nothing|neither|nor)\b", re.IGNORECASE
)


def number_text(value: Any, fmt: str) -> str:
    """A computed number as an answer writes it (`NUMBER_FORMATS`). The noise of a scale (x / 60
    computed as x * 0.01666666667) is dropped at 9 significant digits; a value with more decimals
    than the format allows is Unavailable: the evidence never showed how it is rounded."""
    if not ex.is_num(value) or fmt[:1] not in ("d", "p", "u") or not fmt[1:].isdigit():
        raise ex.Unavailable(f"cannot write {value!r} as {fmt!r}")
    v = float(value)
    x = float(f"{v:.9g}")
    if not math.isclose(x, v, rel_tol=1e-9, abs_tol=1e-12):
        raise ex.Unavailable(f"{v!r} has more digits than an answer is trusted with")
    n = int(fmt[1:])
    text = repr(x)
    if "e" in text or "n" in text:
        raise ex.Unavailable(f"{v!r} is not written in plain decimals")
    decimals = 0 if x.is_integer() else len(text.split(".")[1])
    if decimals > n:
        raise ex.Unavailable(f"{x!r} has more than {n} decimals")
    if fmt[0] == "d":
        return f"{x:.{n}f}"
    if x.is_integer():
        return str(int(x)) if fmt[0] == "u" else text
    return text


def derived(text: str, env: ex.Env) -> list[ex.Cand]:
    """The `calc` candidates that give the number `text` in this run (none: it stays a literal). Next to
    the usual families, two operands with a unit scale (`_explain_search.scaled_pairs`: kg / m3 x 1000
    told in mg/L) are rivals: they make no number derived on their own, but a hole keeps every one that
    fits, so a fitted proportion (m3 x 0.004) that two runs agreed on by a coincidence of the workload
    meets the true form and disagrees with it on a run that tells them apart."""
    value = float(text)
    found: list[ex.Cand] = []
    arith = False
    n = len(env.texts)
    usual = ex.generate(value, env, n, wider=False)
    rivals = scaled_pairs(value, env, n) if any(c[0] in ("arith", "agg") for c in usual) else set()
    for cand in sorted(usual | rivals, key=repr):
        if cand[0] not in ("arith", "const", "agg", "expr"):
            continue
        try:
            v = ex.evaluate(cand, env)
        except (ex.Unavailable, ArithmeticError, ValueError, TypeError):
            continue
        for fmt in NUMBER_FORMATS:
            try:
                if number_text(v, fmt) == text:
                    found.append(("calc", cand, fmt))
                    arith = arith or cand[0] in ("arith", "agg")
            except ex.Unavailable:
                continue
    return found if arith else []


def derive_numbers(parts: list[ex.Cand], env: ex.Env) -> list[ex.Cand]:
    """`parts` with the numbers left in its literals that arithmetic explains made derived holes."""
    out: list[ex.Cand] = []
    budget = MAX_DERIVED
    for part in parts:
        if part[0] != "lit" or budget <= 0:
            out.append(part)
            continue
        pos = 0
        for m in NUMBER.finditer(part[1]):
            if budget <= 0:
                break
            budget -= 1
            cands = derived(m.group(), env)
            if not cands:
                continue
            if m.start() > pos:
                out.append(("lit", part[1][pos : m.start()]))
            out.append(("hole", tuple(cands)))
            pos = m.end()
        if pos < len(part[1]):
            out.append(("lit", part[1][pos:]))
    return out


def unstated_figures(example: dict[str, Any]) -> list[str]:
    """The numbers a supporting run's answer stated that no value of that run gives as text (its goal,
    its calls' arguments and results): figures the model worked out. A listing of a replay's results
    would leave them out, so a replay that cannot render its template must not answer with one."""
    answer = str(example.get("answer") or "")
    if not answer:
        return []
    days = {m.group().lower() for m in CALENDAR.finditer(answer)}
    if days:  # a weekday or a month no value of the run gives: a date the model worked out
        given = {m.group().lower() for t in _run_texts(example) for m in CALENDAR.finditer(t)}
        if days - given:
            return sorted(days - given)
    if not any(map(str.isdigit, answer)):  # no date, identifier or number a listing could leave out
        return []
    calls = example.get("calls") or []
    # the count of the calls is given where the answer counts calls ("Done: 2 tool calls": a listing shows
    # them), and so is the count of a tool called two or more times (a loop: the listing shows one line
    # per item), never one call's 1: "1 truck is loaded" after one call to the depot board is a figure
    # the model worked out (`families_heldout13.py` h13_lifts_down, `families_heldout13b.py` h13b_depot)
    head = [str(example.get("goal") or ""), *_repeat_counts(calls)]
    if len(calls) >= 2:
        head.append(str(len(calls)))
    made = [c for c in calls if isinstance(c, dict)]
    results = [str(c.get("result") or "") for c in made]
    # a date (and a time) is one value: its parts give no number ("11 days overdue" is not the month of
    # 2026-11-22), and a date the answer states is given only when a text of the run holds it whole
    # (each set of the run's values is built only when the answer holds something it would be asked for)
    answer_dates = [m.group() for m in DATE.finditer(answer)]
    # so is an identifier: "2 lifts out of service" is not given by lift "L2" of the result (a listing
    # shows the lifts, never how many are down), and "B-101" only by a text that holds "B-101"
    answer_idents = _identifiers(DATE.sub(" ", answer))
    # each call's arguments as text: made here when a date or an identifier reads every text, else only
    # when the numbers said are not all found in the results and the goal first (below)
    args = [_json_text(c.get("arguments")) for c in made] if answer_dates or answer_idents else None
    texts = head + [t for pair in zip(args, results, strict=True) for t in pair] if args is not None else []
    out: list[str] = []
    if answer_dates:
        dates = {d for t in texts for m in DATE.finditer(t) for d in (m.group(), m.group()[:10])}
        out = [d for d in answer_dates if d not in dates]
    if answer_idents:
        idents = {i.lower() for t in texts for i in _identifiers(DATE.sub(" ", t))}
        out += [i for i in answer_idents if i.lower() not in idents]
    rest = CALLS.sub(lambda m: " " if int(m.group(1)) == len(calls) else m.group(), answer)
    said = [m.group() for m in NUMBER.finditer(_without_identifiers(DATE.sub(" ", rest)))]
    if not said:
        return out
    # unsigned: a number is given wherever it is written ("-4" by a 4; a sign is not what a listing would lose);
    # the run's texts are read until every number said is found in one: the results first (what an answer
    # states is mostly theirs; the order only decides when the reading stops)
    wanted = {abs(float(n)) for n in said}
    later = args if args is not None else (_json_text(c.get("arguments")) for c in made)
    for t in chain(results, head, later):
        for m in DIGITS.finditer(_without_identifiers(DATE.sub(" ", t))):
            k = float(m.group())
            wanted = {w for w in wanted if not math.isclose(w, k, rel_tol=1e-9, abs_tol=1e-12)}
        if not wanted:
            return out
    return out + [n for n in said if abs(float(n)) in wanted]


def _repeat_counts(calls: list[Any]) -> list[str]:
    """How many times each tool called two or more times was called, each count once, as texts."""
    per_tool: dict[str, int] = {}
    for c in calls:
        if isinstance(c, dict):
            name = str(c.get("name"))
            per_tool[name] = per_tool.get(name, 0) + 1
    return [str(n) for n in sorted(set(per_tool.values())) if n >= 2]


_json_text = json.JSONEncoder(default=str).encode  # json.dumps(x, default=str), its encoder made once

MAX_FIGURES_BEFORE = 3  # figures of earlier supporting answers kept on the plan's example


def earlier_figures(previous: dict[str, Any]) -> dict[str, Any]:
    """What the supporting answers up to `previous` (the example a new run replaces) stated, for the new
    example: `figures_before`, figures one of them worked out (no value of its run gave them), and
    `stated_before`, whether one stated a figure at all. Nothing when none did (the example unchanged)."""
    if not previous:
        return {}
    figures = list(previous.get("figures_before") or [])
    if len(figures) < MAX_FIGURES_BEFORE:  # a full list keeps its first figures: no new one would be kept
        figures += [f for f in unstated_figures(previous) if f not in figures]
    stated = bool(previous.get("stated_before")) or states_figures(previous)
    out: dict[str, Any] = {}
    if figures:
        out["figures_before"] = figures[:MAX_FIGURES_BEFORE]
    if stated:
        out["stated_before"] = True
    return out


def plan_figures(example: dict[str, Any]) -> list[str]:
    """The figures a listing would leave out: the example's own, else those an earlier supporting answer
    stated (a count of parcels said by one run is still asked when two runs with none came last)."""
    return unstated_figures(example) or list(example.get("figures_before") or [])


def plan_states_figures(example: dict[str, Any]) -> bool:
    """Whether some supporting answer of the plan, the example's or an earlier one, stated a figure."""
    return states_figures(example) or bool(example.get("stated_before"))


def states_figures(example: dict[str, Any]) -> bool:
    """Whether a supporting run's answer stated a number (not the count of its calls, nor a date or an
    identifier, nor the goal's own number as the goal wrote it): a figure whose meaning a listing leaves
    to the reader."""
    answer = str(example.get("answer") or "")
    rest = CALLS.sub(" ", answer)  # a count of calls: a listing shows them
    goal = Counter(n for n in _named_numbers(str(example.get("goal") or "")) if n[0])
    for named in _named_numbers(rest):
        if goal[named] > 0:  # "Route 395 is on time" of "... bus route 395?": the goal's value, not a figure
            goal[named] -= 1
            continue
        return True
    return False


def _named_numbers(text: str) -> list[tuple[str, str]]:
    """The numbers of `text` (not dates nor identifiers), each with the word written right before it, in
    lower case ("" at the start): "route 395" is the route, "12 min" is not a number after "route"."""
    text = _without_identifiers(DATE.sub(" ", text))
    out = []
    for m in NUMBER.finditer(text):
        word = WORD_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        out.append((word.group(1).lower() if word else "", m.group()))
    return out


def _identifiers(text: str) -> list[str]:
    return [m.group() for m in IDENT.finditer(text) if any(map(str.isdigit, m.group()))]


def _without_identifiers(text: str) -> str:
    return IDENT.sub(_blank_with_digits, text)


def _blank_with_digits(m: re.Match[str]) -> str:
    """An identifier blanked when it holds a digit (a word of letters only holds none: kept at once)."""
    word = m.group()
    if word.isalpha():
        return word
    return " " if any(map(str.isdigit, word)) else word


def _run_texts(example: dict[str, Any]) -> list[str]:
    calls = example.get("calls") or []
    texts = [str(example.get("goal") or "")]
    for call in calls:
        if isinstance(call, dict):
            texts.append(json.dumps(call.get("arguments"), default=str))
            texts.append(str(call.get("result") or ""))
    return texts


def unstated_verdict(example: dict[str, Any]) -> list[str]:
    """The words of decline ("not", "cannot", "no") a supporting run's answer stated that neither its goal
    nor its calls' arguments and results hold, each with the word after it (`_decline_phrases`: "not
    refilled again" is no restatement of a log's "(not yet collected)"): the model judged from the
    results that what the goal asked must not (or cannot) be done. A listing of a replay's results
    cannot state that judgement (a bare "Done." would contradict it), and the judgement holds only where
    the results are those it was made on."""
    answer = str(example.get("answer") or "")
    said = _decline_phrases(answer)
    if not said:
        return []
    texts = _run_texts(example)
    known = set().union(*(_decline_phrases(t) for t in texts))
    words = {m.group().lower() for t in texts for m in DECLINE.finditer(t)}
    return sorted({p.split()[0] for p in said if p not in known and (" " in p or p not in words)})


_NEXT_WORD = re.compile(r"(?<!\s)\s+([A-Za-z]+)")  # only where a run of spaces starts: linear under search too


def _decline_phrases(text: str) -> set[str]:
    """Each word of decline of `text` with the word written right after it, in lower case ("not refilled",
    "not yet"; the bare word before punctuation or a number). A result's "(not yet collected)" says
    nothing of "not refilled again": the phrase, not the word, is what a result may say back. A bare word
    of the answer ("No.") is known when the run's texts have the word anywhere."""
    out = set()
    for m in DECLINE.finditer(text):
        after = _NEXT_WORD.match(text, m.end())
        out.add(m.group().lower() + (f" {after.group(1).lower()}" if after else ""))
    return out


# a judgement either way ("allowed"/"denied", "in stock"/"out of stock"), and a comparison ("cheaper than",
# "more than", "exceeds"): the answer says which way the run's values went
JUDGEMENT = re.compile(
    r"\b(?:yes|true|false|allowed|permitted|granted|eligible|approved|qualifies|valid|safe|available|in stock|"
    r"ok|okay|fine|enough|sufficient|passes|passed|denied|forbidden|rejected|ineligible|invalid|unsafe|"
    r"unavailable|out of stock|insufficient|fails|failed|than|exceeds?|exceeded|within|over budget|under budget)\b",
    re.IGNORECASE,
)


def unstated_judgement(example: dict[str, Any]) -> list[str]:
    """The words of judgement ("yes", "allowed", "denied", "in stock") or comparison ("cheaper than",
    "exceeds") a supporting run's answer stated that neither its goal nor its calls' arguments and
    results hold: the model judged which way the run's values went. The same words around other
    results may be wrong."""
    answer = str(example.get("answer") or "")
    said = {m.group().lower() for m in JUDGEMENT.finditer(answer)}
    if not said:
        return []
    known = {m.group().lower() for t in _run_texts(example) for m in JUDGEMENT.finditer(t)}
    return sorted(said - known)


CALENDAR = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|"
    r"august|september|october|november|december)\b",
    re.IGNORECASE,
)


def agree(values: list[str]) -> bool:
    """One value: the same text, or (derived numbers written two ways: 25.23 and 25.230) one number."""
    if len(set(values)) == 1:
        return True
    try:
        nums = [float(v) for v in values]
    except ValueError:
        return False
    return all(ex.same(nums[0], x) for x in nums[1:])


def list_cands(text: str, env: ex.Env) -> list[ex.Cand]:
    """The totals and picks over the run's lists (`_explain_agg`) that state `text` as it is: "Brac"
    the cheapest of the goal's islands, "31.2" the warmest reading. Rule 2 as for any hole."""
    try:
        value: Any = float(text) if NUMBER.fullmatch(text) else text
    except ValueError:
        return []
    out = []
    for cand in sorted(_explain_agg.generate(value, env, len(env.texts)), key=repr):
        try:
            v = ex.evaluate(cand, env)
        except (ex.Unavailable, ArithmeticError, ValueError, TypeError):
            continue
        if (v if isinstance(v, str) else str(v)) == text:
            out.append(cand)
    return out
