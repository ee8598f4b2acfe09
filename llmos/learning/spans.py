"""Slots of several words (`New York`, `Rio de Janeiro`): one plan whatever the value's length.

A goal is tokenised word by word, so "Weather in New York" and "Weather in Paris" differ in length.
Two steps make them one plan, each under a rule a reader can check:

collapse(tokens, arguments)   evidence side. A run of two or more words that a call of the run took
                              verbatim as a whole text argument ("New York") becomes one token. The
                              plan is then learned over these tokens: "Weather in {city}".
align(plan, tokens)           live side. The goal's words are laid over the plan's skeleton: every
                              constant must be there word for word (the *anchors*), and a slot may take
                              several words only when it is a *span slot*:
                              - a supporting run gave it a value of several words;
                              - both its neighbours are constants or the goal's ends (two adjacent
                                variable slots cannot be told apart), or it is a *possessive slot*
                                (every value seen ends in "'s": "Ken's", "Rosa Maria's"): its marker
                                ends the value, so a slot may follow it;
                              - every argument that reads it takes it verbatim or by a plain text
                                transform (case, slug, the owner of a possessive), never a number or a
                                part of it, and at least one takes it verbatim (or its owner whole);
                              - the words taken start with a word, are words and numbers, and none
                                of them is a word of the skeleton's constants (an anchor inside a
                                value would make the split a guess);
                              - each word has the letter shape of a word of the slot's values seen,
                                and a lower-case word or a stopword ("de", "and") only when the
                                evidence saw it inside a value of this slot (`goals.phrase_fits`);
                                so does a word that changes the meaning ("not", "half", "all", a
                                number word), in any case; numbers sit where they sat in the values
                                seen ("Barolo 2013" -> "Priorat 2018", never "6 Priorat 2018"); a
                                possessive marker only on the last word, and there in a possessive
                                slot.
                              Exactly one way to lay the goal over the skeleton, or none at all.

On the evidence side a run of words and numbers that starts with a word joins when an argument took it
verbatim ("Rioja Reserva 2016"), and a run ending in a possessive joins when an argument took its owner
("Rosa Maria's" for "Rosa Maria"), so that such runs merge with runs of other lengths into one plan. So
does a run that starts with a number in digits before a capitalised word ("4 Quarry Lane", a numbered
name: never "10 g/m2" or "40 crates"), and a run with an "&" inside ("Keyhole & Co"). Live, a slot takes
a value that starts with a number only when a value it saw did (`numbered_slot`), with the numbers where
that value had them and the first inside the range of the numbers the values seen started with
(`goals.phrase_fits`); an "&" only when a value seen held one (its shape).

Everything after alignment (slot shapes, the goal checks of rule 1, the explanations of rule 2, the
answer of rule 5) sees the aligned tokens, as for any other goal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos.learning import explain as ex
from llmos.learning._named_dates import MONTHS
from llmos.learning.goals import Token, number_pattern, possessive, tokenize
from llmos.learning.plans import Match, Plan, match

if TYPE_CHECKING:
    from llmos.learning.index import PlanIndex

__all__ = [
    "align",
    "collapse",
    "constant_keys",
    "covers",
    "describe",
    "end_keys",
    "full_matches",
    "has_phrases",
    "live_tokens",
    "matches",
    "span_slots",
    "tokens_of",
]

MAX_SPAN_WORDS = 8  # a value longer than this is not a name: the goal goes to the model
# text transforms that keep a value whole (the explanations must still all agree at replay time)
_WHOLE_TRANSFORMS = frozenset(["id", "strip", "lower", "upper", "title", "capitalize", "slug_", "slug-", "possessive"])


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return set()


def collapse(tokens: list[Token], arguments: list[dict[str, Any]]) -> list[Token]:
    """The tokens with every run of 2+ tokens that an argument took verbatim as one token (longest
    first): a run starts with a word and holds words and numbers ("Rioja Reserva 2016"); a run whose
    last word is a possessive counts when an argument took it without its marker ("Rosa Maria's" for
    "Rosa Maria"), and the token keeps the marker."""
    texts = {s for a in arguments for s in _strings(a) if " " in s}
    if not texts:
        return tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        best = 0
        if tokens[i].kind == "word" or _numbered(tokens, i):
            j = i
            while j < len(tokens) and (_joins(tokens[j]) or (j > i and tokens[j] == _AMP)) and j - i < MAX_SPAN_WORDS:
                j += 1
                if j - i >= 2 and _taken(" ".join(t.text for t in tokens[i:j]), texts):
                    best = j - i
        if best:
            out.append(Token("word", " ".join(t.text for t in tokens[i : i + best])))
            i += best
        else:
            out.append(tokens[i])
            i += 1
    return out


_AMP = Token("punct", "&")  # inside a name ("Keyhole & Co", "Marks & Spencer"): the "and" of a firm's name


def _joins(t: Token) -> bool:
    return t.kind in ("word", "number")


def _numbered(tokens: list[Token], i: int) -> bool:
    """Whether a run may start with the number at `i`: a number in digits followed by a capitalised word,
    the start of a numbered name ("4 Quarry Lane", "88 Ropewalk"); never a quantity and its unit
    ("10 g/m2", "40 crates", "1320 EUR": a lower-case word or one in capitals stays a token of its own)."""
    t = tokens[i]
    if t.kind != "number" or not t.text.isdigit() or i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    if nxt.kind != "word" or nxt.text in MONTHS:  # "7 December 2026" is a date, no name: its own tokens
        return False
    return nxt.text[:1].isupper() and any(ch.islower() for ch in nxt.text)


def numbered_slot(plan: Plan, pos: int) -> bool:
    """Whether the slot saw a value of several words that starts with a number ("4 Quarry Lane")."""
    return any(" " in v and number_pattern(v)[:1] == ("n",) for v in plan.slots[pos].values)


def _taken(text: str, texts: set[str]) -> bool:
    return text in texts or (possessive(text) and text[:-2] in texts)


def has_phrases(plan: Plan) -> bool:
    """Whether the plan's skeleton holds a token of several words (a constant or a slot's value)."""
    for t in plan.skeleton:  # `any(...)` over the skeleton, inline: no generator per call (twice per run)
        if t.kind == "word" and " " in t.text:
            return True
    return bool(span_slots(plan))


def span_slots(plan: Plan) -> set[int]:
    """Slot positions that may take several words (see the module's rules)."""
    out: set[int] = set()
    last = len(plan.skeleton) - 1
    for pos, slot in plan.slots.items():
        if " " not in "".join(slot.values):  # several words: learned from evidence, never assumed
            continue
        owner = possessive_slot(plan, pos)  # its marker ends it: a slot may follow it
        if (pos > 0 and pos - 1 in plan.slots) or (pos < last and pos + 1 in plan.slots and not owner):
            continue
        if plan.skeleton[pos].kind == "word" and _consumed_whole(plan, pos):
            out.add(pos)
    return out


def possessive_slot(plan: Plan, pos: int) -> bool:
    """Whether every value the slot saw is a possessive ("Ken's", "Rosa Maria's")."""
    values = plan.slots[pos].values
    return bool(values) and all(possessive(v) for v in values)


def _consumed_whole(plan: Plan, pos: int) -> bool:
    verbatim = False
    for step in plan.steps:
        for leaf in step.leaves:
            for c in leaf.cands:
                parts = [c] if c[0] == "val" else [p for p in c[1] if p[0] == "val"] if c[0] == "tmpl" else []
                for p in parts:
                    if p[1] == ("tok", pos):
                        if p[2] not in _WHOLE_TRANSFORMS:
                            return False
                        # the owner of a possessive is the value whole, its marker aside
                        verbatim = verbatim or (c[0] == "val" and p[2] in ("id", "possessive"))
                # a goal word's table (`_explain_tables`) reads a word of the value taken whole
                if c[0] not in ("val", "tmpl", "const", "wtab", "dtab") and pos in ex.token_positions(c):
                    return False
    return verbatim


def constant_keys(plan: Plan) -> frozenset[tuple[str, str]]:
    """The (kind, text) of every word of the skeleton's constants, as a goal shows them."""
    return frozenset(
        w.key()
        for i, t in enumerate(plan.skeleton)
        if i not in plan.slots
        for w in (tokenize(t.text) if t.kind == "word" and " " in t.text else [t])
    )


def _anchor_words(plan: Plan) -> frozenset[str]:
    return frozenset(
        w.text.lower()
        for i, t in enumerate(plan.skeleton)
        if i not in plan.slots
        for w in (tokenize(t.text) if t.kind == "word" else [t])
    )


def align(plan: Plan, tokens: list[Token]) -> list[Token] | None:
    """The goal's tokens laid over the plan's skeleton (one token per skeleton position), or None when
    there is no way, or more than one way, to do it."""
    skel, slots = plan.skeleton, plan.slots
    spans = span_slots(plan)
    owners = {pos for pos in spans if possessive_slot(plan, pos)}
    numbered = {pos for pos in spans if numbered_slot(plan, pos)}
    anchors = _anchor_words(plan)
    found: list[list[Token]] = []
    acc: list[Token] = []

    def walk(si: int, ti: int) -> None:
        if len(found) > 1:
            return
        if si == len(skel):
            if ti == len(tokens):
                found.append(list(acc))
            return
        t = skel[si]
        if si not in slots:
            parts = tokenize(t.text) if t.kind == "word" and " " in t.text else [t]
            if [p.key() for p in tokens[ti : ti + len(parts)]] == [p.key() for p in parts]:
                acc.append(t)
                walk(si + 1, ti + len(parts))
                acc.pop()
            return
        most = min(MAX_SPAN_WORDS, len(tokens) - ti) if si in spans else min(1, len(tokens) - ti)
        for k in range(1, most + 1):
            seg = tokens[ti : ti + k]
            if k > 1:  # several tokens: a word first (a number where the slot saw one), never an anchor inside
                first = seg[0].kind == "word" or (si in numbered and _numbered(seg, 0))
                if not first or not _inside(seg[0], anchors):
                    break
                if seg[-1] == _AMP:
                    continue  # an "&" inside a name ("Keyhole & Co"): the value goes on
                if not _inside(seg[-1], anchors):
                    break
            if si in owners and any(possessive(x.text) for x in seg[:-1]):
                break  # a possessive's marker ends its value: never inside it
            if si in owners and not possessive(seg[-1].text):
                continue
            acc.append(seg[0] if k == 1 else Token("word", " ".join(x.text for x in seg)))
            walk(si + 1, ti + k)
            acc.pop()

    walk(0, 0)
    return found[0] if len(found) == 1 else None


def _inside(tok: Token, anchors: frozenset[str]) -> bool:
    """Whether a token may be part of a value of several words: a word or a number, not an anchor."""
    return tok.kind in ("word", "number") and tok.text.lower() not in anchors


def live_tokens(plan: Plan, tokens: list[Token]) -> list[Token] | None:
    """The goal's tokens as the plan reads them: aligned when the plan has words of several tokens."""
    if not has_phrases(plan):
        return tokens if len(tokens) == len(plan.skeleton) else None
    return align(plan, tokens)


def describe(plan: Plan, aligned: list[Token]) -> list[dict[str, Any]]:
    """For --explain: the slots that took several words in this goal, and the anchors around them."""
    out = []
    for pos in sorted(span_slots(plan)):
        if pos >= len(aligned) or " " not in aligned[pos].text:
            continue
        before = plan.skeleton[pos - 1].text if pos > 0 else "(start)"
        after = plan.skeleton[pos + 1].text if pos + 1 < len(plan.skeleton) else "(end)"
        out.append(
            {
                "slot": plan.slots[pos].name,
                "value": aligned[pos].text,
                "words": len(aligned[pos].text.split(" ")),
                "anchors": [before, after],
                "rule": "variable-length slot between fixed anchors, consumed whole",
            }
        )
    return out


def end_keys(plan: Plan) -> tuple[str, Any, Any]:
    """(agent, first word, last word) of the skeleton as a goal shows them (None where a slot is)."""

    def word(pos: int, at: int) -> Any:
        if pos in plan.slots:
            return None
        t = plan.skeleton[pos]
        parts = tokenize(t.text) if t.kind == "word" and " " in t.text else [t]
        return parts[at].key()

    if not plan.skeleton:
        return (plan.agent, None, None)
    return (plan.agent, word(0, 0), word(len(plan.skeleton) - 1, -1))


def matches(plan: Plan, tokens: list[Token]) -> list[Token] | None:
    """The goal's tokens aligned with the plan when they fit it fully (constants, slot shapes), else None."""
    aligned = live_tokens(plan, tokens)
    if aligned is None:
        return None
    m = match(plan, aligned)
    return aligned if m is not None and m.full else None


def full_matches(
    index: PlanIndex, agent: str, tokens: list[Token], full: list[Match]
) -> tuple[list[Match], dict[str, list[Token]]]:
    """The plans that fit the goal fully: the same-length matches (`full`, a plan with words of several
    tokens kept only when the goal aligns with it) and the plans whose slots take several words here;
    with each aligned plan's tokens by plan id."""
    out: list[Match] = []
    aligned: dict[str, list[Token]] = {}
    for m in full:
        if has_phrases(m.plan):
            a = matches(m.plan, tokens)
            if a is None:
                continue
            aligned[m.plan.id] = a
        out.append(m)
    seen = {m.plan.id for m in full}
    for plan in index.span_candidates(agent, tokens):
        if plan.id not in seen and (a := matches(plan, tokens)) is not None:
            seen.add(plan.id)
            out.append(Match(plan, [], []))
            aligned[plan.id] = a
    return out, aligned


def tokens_of(texts: tuple[str, ...]) -> list[Token]:
    """A stored goal's token texts as a goal shows them (a token of several words and numbers split again:
    "Rioja Reserva 2016", "4 Quarry Lane")."""
    out: list[Token] = []
    for text in texts:
        toks = tokenize(text)
        whole = len(toks) == 1 and toks[0].text == text
        if whole or (len(toks) > 1 and all(_joins(t) or t == _AMP for t in toks)):
            out += toks
        else:
            out.append(Token("quoted", text))
    return out


def covers(plan: Plan, tokens: list[Token]) -> bool:
    """Whether the goal lays over the plan's skeleton (its constants, not its slots' shapes): a goal
    of this plan for the branch checks, whatever the length of its slot values."""
    return has_phrases(plan) and align(plan, tokens) is not None
