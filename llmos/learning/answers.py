"""Replayed answers: every value a FOLLOWER or CRYSTALLIZED answer states comes from THIS run.

A plan keeps its final answer as a template learned from the supporting runs' answers:

    [("answer", n), ("lit", "The memo '"), ("hole", (cand, ...)), ("lit", "' says: "), ("hole", ...)]

- a *hole* is a place where a supporting answer stated a value of its own run: a goal word, a
  result value (a JSON leaf, or the whole text of a plain-text result) or an argument the run
  computed, with every reference that explains it in ALL the runs the template fits
  (`("val", ref, transform)` candidates; ref `("arg", step, path)` reads a call's arguments);
- a *literal* is text that was the same in every run the template fits, and that is not a piece
  of a free-text result value of those runs (a paraphrase of a result is not phrasing);
- a number the answer states that no value of the run gives as text is a *derived* hole when the
  arithmetic of argument explanations (`explain.generate`: scales, two operands, every rounding)
  explains it: `("calc", cand, fmt)` candidates, `fmt` the way the answer wrote it ("44.576" of a
  reading in Wh asked in kWh). Rule 2 holds as for arguments: the run must fit every kept candidate,
  and a replay states the value only when they all agree on it;
- `n` counts the consecutive supporting runs the template fits. A template is used only once
  `MIN_FITS` runs agreed on it; before that, or when a new supporting run does not fit it (other
  literal text, a value from nowhere), the plan has no usable template: ("untraced", why).

At replay time `render` evaluates every hole with the live goal and results; when a hole's
candidates disagree, or any is unavailable, nothing is guessed: `final_answer` gives a short
listing of this run's results instead. An earlier run's answer text is never returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning import explain as ex
from llmos.learning._answer_listing import MAX_RESULT_CHARS as MAX_RESULT_CHARS
from llmos.learning._answer_listing import listing
from llmos.learning._answer_numbers import (
    NUMBER_FORMATS,
    agree,
    derive_numbers,
    list_cands,
    number_text,
    plan_states_figures,
    states_figures,
    unstated_figures,
    unstated_judgement,
    unstated_verdict,
)
from llmos.learning._answer_picks import earlier_figures, plan_figures
from llmos.learning._answer_rules import (
    MIN_FITS,
    computed,
    derived_unproven,
    full_match,
    literal_figure,
    phrasing_varied,
    proofs,
    stated_numbers,
    with_category,
)
from llmos.learning.goals import STOPWORDS

__all__ = [
    "MIN_FITS",
    "NUMBER_FORMATS",
    "answer_problem",
    "checked",
    "computed",
    "derived_unproven",
    "earlier_figures",
    "final_answer",
    "fingerprint_parts",
    "learn",
    "listing",
    "literal_figure",
    "phrasing_varied",
    "plan_figures",
    "plan_states_figures",
    "render",
    "states_figures",
    "template_of",
    "unsaid_computed",
    "unstated_figures",
    "unstated_judgement",
    "unstated_verdict",
    "usable",
]

CASES = ("lower", "upper", "title", "capitalize")
_WORD = re.compile(r"[^\W_]+")


# ---------------------------------------------------------------- sources: what a run can state
class _Sources:
    """Text -> the references (goal words, result values) that give that text in one run."""

    def __init__(self) -> None:
        self.by_text: dict[str, list[ex.Cand]] = {}

    def add(self, text: str, cand: ex.Cand) -> None:
        if text and cand not in self.by_text.setdefault(text, []):
            self.by_text[text].append(cand)

    def add_cases(self, text: str, ref: ex.Cand) -> None:
        self.add(text, ("val", ref, "id"))
        for tf in CASES:
            other = ex.transform(tf, text)
            if other != text:
                self.add(other, ("val", ref, tf))

    def add_result(self, step: int, raw: str, parsed: Any) -> None:
        if parsed is ex.NOT_JSON:
            self.add(raw.strip(), ("val", ("res", step, ()), "strip"))  # the whole plain-text result
            return
        for n, (path, v) in enumerate(ex.leaves(parsed)):
            if n >= ex.MAX_LEAVES:
                break
            if isinstance(v, str) and v.strip():
                self.add_cases(v, ("res", step, path))
            elif ex.is_num(v):
                self.add(str(v), ("val", ("res", step, path), "str"))

    def add_arguments(self, step: int, arguments: Any) -> None:
        for n, (path, v) in enumerate(ex.leaves(arguments)):
            if n >= ex.MAX_LEAVES:
                break
            if isinstance(v, str) and v.strip():
                self.add_cases(v, ("arg", step, path))
            elif ex.is_num(v):
                self.add(str(v), ("val", ("arg", step, path), "str"))


Args = Sequence[Any]  # the arguments of each plan step's call in this run (None: not called)


def _sources(env: ex.Env, args: Args) -> dict[str, list[ex.Cand]]:
    """Text -> the references (goal words, result values, arguments) that give that text in this run."""
    out = _Sources()
    for pos, tok in enumerate(env.tokens):
        text = tok.text
        if (len(text) >= 2 or text.isdigit()) and text.lower() not in STOPWORDS:
            out.add_cases(text, ("tok", pos))
    for step, raw in enumerate(env.texts):
        if raw is not None:
            out.add_result(step, raw, env.parsed[step])
    for step, arguments in enumerate(args):
        if arguments is not None:
            out.add_arguments(step, arguments)
    return out.by_text


def _free_texts(env: ex.Env) -> list[str]:
    """Result values that are free text (several words, or a whole plain-text result)."""
    out = []
    for step, raw in enumerate(env.texts):
        if raw is None:
            continue
        parsed = env.parsed[step]
        if parsed is ex.NOT_JSON:
            out.append(raw.strip())
            continue
        for n, (_p, v) in enumerate(env.result_leaves(step)):
            if n >= ex.MAX_LEAVES:
                break
            if isinstance(v, str) and len(v.split()) > 1:
                out.append(v.strip())
    return out


def _bounded(text: str) -> str:
    """A regex for `text` not glued to letters or digits (12 is not inside 123 nor 1.25)."""
    return rf"(?<![^\W_])(?<!\d\.){re.escape(text)}(?!\.?[^\W_])"


# ---------------------------------------------------------------- learning a template
def template_of(answer: str, env: ex.Env, args: Args = ()) -> list[ex.Cand]:
    """The answer as literals and holes (longest values first); [] for an empty answer."""
    if not answer.strip():
        return []
    sources = _sources(env, args)
    parts: list[ex.Cand] = [("lit", answer)]
    for text in sorted(sources, key=lambda s: (-len(s), s)):
        if not any(p[0] == "lit" and text in p[1] for p in parts):  # cheap test before the regex
            continue
        hole: ex.Cand = ("hole", tuple(sorted(with_category(text, [*sources[text], *list_cands(text, env)]), key=repr)))
        pattern = re.compile(_bounded(text))
        out: list[ex.Cand] = []
        for part in parts:
            if part[0] != "lit" or text not in part[1]:
                out.append(part)
                continue
            pieces = pattern.split(part[1])
            for k, piece in enumerate(pieces):
                if k:
                    out.append(hole)
                if piece:
                    out.append(("lit", piece))
        parts = out
    return derive_numbers(parts, env)


def answer_problem(parts: Sequence[ex.Cand], env: ex.Env, args: Args = (), stated: set[str] | None = None) -> str:
    """Why the literals of a template are not safe phrasing for this run ('' when they are): a
    literal repeats words of a free-text result value the answer did not state whole. `stated`: the
    values the holes give in this run, when known."""
    if stated is None:
        stated = {v for p in parts if p[0] == "hole" for v in _values(p, env, args)}
    said: set[str] = set()
    for text in _free_texts(env):
        if text not in stated:
            said |= _content_words(text)
    if not said:  # no free text's words: no literal can repeat one
        return ""
    goal_words = {w for t in env.tokens for w in _content_words(t.text)}
    literal = set().union(*(_content_words(p[1]) for p in parts if p[0] == "lit")) - goal_words
    common = sorted(literal & said)
    if common:
        return "the answer restates part of a result in its own words: " + ", ".join(repr(w) for w in common[:5])
    return ""


def _content_words(text: str) -> frozenset[str]:
    if _shortcuts.ON:  # a template's literals and a plan's goal words repeat in every run
        return _cached_content_words(text)
    return _words(text)


def _words(text: str) -> frozenset[str]:
    return frozenset(
        w for w in (m.lower() for m in _WORD.findall(text)) if (len(w) >= 3 or w.isdigit()) and w not in STOPWORDS
    )


_cached_content_words = lru_cache(maxsize=1 << 14)(_words)


def _evaluate(cand: ex.Cand, env: ex.Env, args: Args) -> Any:
    if cand[0] == "calc":
        return number_text(ex.evaluate(cand[1], env), cand[2])
    ref = cand[1]
    if cand[0] == "val" and ref[0] == "arg":
        step, path = ref[1], ref[2]
        if step >= len(args) or args[step] is None:
            raise ex.Unavailable(f"step {step} was not called")
        return ex.transform(cand[2], ex.walk(args[step], path))
    return ex.evaluate(cand, env)


def _values(hole: ex.Cand, env: ex.Env, args: Args) -> list[str]:
    return [t for t in _texts(hole, env, args) if t is not None]


def _texts(hole: ex.Cand, env: ex.Env, args: Args) -> list[str | None]:
    """Each candidate's text in this run (None: unavailable)."""
    out: list[str | None] = []
    for cand in hole[1]:
        try:
            v = _evaluate(cand, env, args)
        except (ex.Unavailable, ArithmeticError, ValueError, TypeError):
            out.append(None)
            continue
        out.append(v if isinstance(v, str) else str(v))
    return out


def _fit(parts: Sequence[ex.Cand], answer: str, env: ex.Env, args: Args) -> tuple[list[ex.Cand], set[str]] | None:
    """The template narrowed to the candidates that also explain this run's answer, with the values
    its holes state; None when the answer is not the template's literals with this run's values in
    its holes."""
    pattern: list[str | list[str]] = []
    texts: list[list[str | None]] = []
    for p in parts:
        if p[0] == "lit":
            pattern.append(p[1])
            continue
        texts.append(_texts(p, env, args))
        values = sorted({t for t in texts[-1] if t is not None}, key=lambda v: (-len(v), v))
        if not values:
            return None
        pattern.append(values)
    groups = full_match(pattern, answer)
    if groups is None:
        return None
    out: list[ex.Cand] = []
    group = 0
    for p in parts:
        if p[0] == "lit":
            out.append(p)
            continue
        said = groups[group]
        kept = tuple(c for c, t in zip(p[1], texts[group], strict=True) if t == said)
        group += 1
        if not kept:
            return None
        out.append(("hole", kept))
    return out, set(groups)


def learn(current: Sequence[ex.Cand], answer: str, env: ex.Env, args: Args = ()) -> list[ex.Cand]:
    """The plan's answer after one more supporting run (its final answer, env and call arguments)."""
    fits = _header(current)
    narrowed = _fit(current[1:], answer, env, args) if fits > 0 else None
    stated: set[str] | None = None
    if narrowed is not None:  # every candidate kept in a hole gives the value the answer states there
        (parts, stated), n = narrowed, fits + 1
    else:
        parts, n = template_of(answer, env, args), 1
        if not parts:
            return [("untraced", "the supporting run gave no final answer")]
    why = literal_figure(parts) or answer_problem(parts, env, args, stated if _shortcuts.ON else None)
    if why:
        return [("untraced", why)]
    shown = proofs(current[0] if narrowed is not None else None, parts, stated_numbers(parts, env))
    return [("answer", n, shown) if shown else ("answer", n), *parts]


def _header(parts: Sequence[ex.Cand]) -> int:
    """How many consecutive supporting runs a stored template fits (0: none usable)."""
    if parts and parts[0][0] == "answer" and isinstance(parts[0][1], int):
        return int(parts[0][1])
    return 0


def usable(parts: Sequence[ex.Cand]) -> bool:
    return _header(parts) >= MIN_FITS


def fingerprint_parts(parts: Sequence[ex.Cand]) -> list[Any]:
    """What generated code depends on: the usable template (not how many runs it fits)."""
    return [ex.to_json(p) for p in parts[1:]] if usable(parts) else []


# ---------------------------------------------------------------- the answer of a replay
def render(parts: Sequence[ex.Cand], env: ex.Env, args: Args = ()) -> str | None:
    """The usable template with this run's values, or None when it cannot be said exactly."""
    if not usable(parts):
        return None
    out = []
    for p in parts[1:]:
        if p[0] == "lit":
            out.append(p[1])
            continue
        if p[0] != "hole" or _folded(p):
            return None
        value = _agreed(p, env, args)
        if value is None:
            return None  # a candidate is unavailable, or they disagree: do not guess
        out.append(value)
    return "".join(out)


def _folded(hole: ex.Cand) -> bool:
    """A derived number every supporting run stated alike: the arithmetic that explains it was never put
    to the test (its operands never changed, or were the goal's fixed words); the evidence cannot tell
    it from the figure this run needs (rule 2): not said."""
    return any(c[0] == "calc" and c[1][0] == "const" for c in hole[1])


def _agreed(hole: ex.Cand, env: ex.Env, args: Args) -> str | None:
    """The hole's value this run when every candidate gives it and they agree, else None."""
    values = _values(hole, env, args)
    return values[0] if len(values) == len(hole[1]) and agree(values) else None


def unsaid_computed(parts: Sequence[ex.Cand], env: ex.Env, args: Args = ()) -> str:
    """Why a usable template that `render` cannot say this run may not give way to a listing ('' when
    it may): a computed hole (arithmetic, a total or a pick over a list: `computed`) whose explanations
    disagree here or are unavailable. Every run the template fits stated that figure, worked out by the
    model; a listing of the results would leave it out (a count of active loans "explained" by the
    floor of two fees' product in three runs, which parted from the true count live). The model answers."""
    if not usable(parts):
        return ""
    if any(computed(p) and not _folded(p) and _agreed(p, env, args) is None for p in parts[1:]):
        return (
            "the supporting answers stated a number worked out from their results, which this run "
            "cannot state (its explanations disagree here) and a listing would leave out"
        )
    return ""


def checked(body: Sequence[Any]) -> list[ex.Cand]:
    """A usable template from its JSON body (as generated code keeps it), [] for none."""
    return [("answer", MIN_FITS), *(ex.from_json(p) for p in body)] if body else []


def final_answer(parts: Sequence[ex.Cand], names: Sequence[str], env: ex.Env, args: Args = ()) -> str:
    """What a replay answers: the learned template with this run's values, else the listing."""
    said = render(parts, env, args)
    return said if said is not None else listing(names, env, args)
