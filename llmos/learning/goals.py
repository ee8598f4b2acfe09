"""Goal text as tokens: the raw material of skeletons and slots.

A goal becomes a list of tokens: words (letters, digits and inner `-`, `.`, `_`, `@`, `/`, `:`
joins, e.g. `BOLT-17`, `B2`, `a.b@c.example`), numbers (`250`, `12.75`), quoted strings (`'...'` or
`"..."`, one token whose value has no quotes) and single punctuation characters.

Slots are never guessed from one goal: a plan's slot positions are the positions observed to vary
across its supporting traces (see `plans.py`). Each slot remembers the *shapes* of the values it
has seen (a character-class pattern: `Paris` -> `Aa`, `BOLT-17` -> `A-9`, any number -> `number`,
any quoted text -> `quoted`); a new value must have one of those shapes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from llmos.learning._lead_numbers import lead_inside

Kind = Literal["word", "number", "quoted", "punct"]

_TOKEN_RE = re.compile(
    r"""(?<!\w)'(?P<sq>[^']*)'(?!\w)|"(?P<dq>[^"]*)"|(?P<word>[^\W_]\w*(?:[-./:@+']\w+)*)|(?P<punct>\S)""",
    re.UNICODE,
)
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")

# numbers written as words ("three seats", "twenty-one", "a dozen"): tokens of kind "number" whose text
# stays the word, so that "three" and "3" fill one slot and an argument 3 is explained by either
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"]
_UNITS += ["twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
NUMBER_WORDS: dict[str, int] = {**{w: n for n, w in enumerate(_UNITS)}, **_TENS, "dozen": 12}
# "one" is a pronoun after these words ("this one", "no one") and before "of" ("one of the files")
_NOT_ONE_BEFORE = frozenset(["no", "the", "this", "that", "each", "any", "which", "every", "another", "someone"])
_NOT_ONE_AFTER = frozenset(["of", "another", "by", "at", "or"])

# Conditional wording: a goal with one of these words may take a branch its evidence never showed
# (`conditions.py` tells quantities apart and replays a condition only when the evidence can see it).
CONDITIONAL_WORDS = frozenset(
    [
        "if",
        "unless",
        "when",
        "whenever",
        "whether",
        "otherwise",
        "only",
        "case",
        "provided",
        "providing",
        "below",
        "above",
        "under",
        "over",
        "less",
        "more",
        "fewer",
        "greater",
        "lower",
        "higher",
        "least",
        "most",
        "than",
        "exceeds",
        "exceed",
        "exceeding",
        "until",
        "else",
        "except",
        "either",
    ]
)

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "at",
        "and",
        "or",
        "for",
        "with",
        "it",
        "its",
        "is",
        "be",
        "as",
        "by",
        "from",
        "into",
        "this",
        "that",
        "please",
        "then",
        "my",
        "me",
        "i",
        "you",
        "your",
        "our",
        "we",
        "us",
    ]
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # the value: quoted strings without their quotes

    def typed(self) -> str | int | float:
        """The value as the goal means it: numbers parsed (int if all digits, else float; a number
        word as its value)."""
        if self.kind == "number":
            if self.text.isdigit():
                return int(self.text)
            word = number_word(self.text)
            return word if word is not None else float(self.text)
        return self.text

    def key(self) -> tuple[str, str]:
        return (self.kind, self.text)


# Courtesy words: "Please ...", "Kindly ...", "..., please", "..., thanks", "..., thank you" say nothing
# about the task; a goal's final "." or "!" neither. Only these, only at the goal's ends, and a trailing
# one only after a comma ("Tell Bob to say please" keeps its word): never a negation or a quantity. Not
# when they may be part of a value (`_name_before`): "Rename it to Oklahoma!", "... to Knock, Thanks".
_LEADING_COURTESY = frozenset(["please", "kindly"])
_TRAILING_COURTESY = (("please",), ("thanks",), ("thank", "you"), ("cheers",))


def tokenize_goal(goal: str) -> list[Token]:
    """A goal's tokens without its courtesy words (`tokenize` for the goal as a whole: the evidence
    and the live goal alike, so "Please rebook Mei, thanks." is "Rebook Mei")."""
    return courtesy(tokenize(goal))


def courtesy(tokens: list[Token]) -> list[Token]:
    """`tokens` without the courtesy words at the goal's ends and a final "." or "!"; the word after a
    leading "Please" takes its capital ("Please move ..." is "Move ...")."""
    out = list(tokens)
    if out and out[-1].kind == "punct" and out[-1].text in (".", "!") and not _name_before(out, len(out) - 1):
        out.pop()
    end = out.pop() if out and out[-1].kind == "punct" and out[-1].text == "?" else None
    for words in _TRAILING_COURTESY:
        n = len(words)
        tail = out[-n - 1 :]
        if len(out) > n + 1 and tail[0].key() == ("punct", ",") and [t.text for t in tail[1:]] == list(words):
            del out[-n - 1 :]
            break
    if end is not None:
        out.append(end)
    if len(out) > 1 and out[0].kind == "word" and out[0].text.lower() in _LEADING_COURTESY:
        lead = out.pop(0)
        if out and out[0].key() == ("punct", ","):
            out.pop(0)
        if (
            out
            and lead.text[:1].isupper()
            and out[0].kind == "word"
            and out[0].text.isascii()
            and out[0].text.isalpha()
            and out[0].text.islower()
        ):
            out[0] = Token("word", out[0].text.capitalize())
    return out if any(t.kind != "punct" for t in out) else tokens


def _name_before(tokens: list[Token], k: int) -> bool:
    """Whether the token before position k is a name or an identifier ("Oklahoma!", "Acme Inc."): a final
    "!" or "." right after one may be part of the value, so it stays (the model decides once, then the
    wording with it is a skeleton of its own). A trailing courtesy word only in lower case: a capitalised
    "Thanks" after a comma goes on a title ("Knock, Thanks" on a door sign)."""
    if k < 2 or tokens[k - 1].kind != "word":
        return False
    text = tokens[k - 1].text
    return text[:1].isupper() or any(ch.isdigit() for ch in text)


def tokenize(goal: str) -> list[Token]:
    tokens: list[Token] = []
    known = _KNOWN
    for m in _TOKEN_RE.finditer(goal):
        group = m.lastgroup  # the one alternative that matched (no group nests in another)
        text = m.group(m.lastindex or 0)
        tok = known.get((group, text))
        if tok is None:  # Tokens are immutable values: one object serves every goal that holds the word
            if group == "word":
                tok = Token("number" if _NUMBER_RE.fullmatch(text) else "word", text)
            else:
                tok = Token("punct" if group == "punct" else "quoted", text)
            if len(known) >= _MAX_KNOWN:
                known.clear()
            known[(group, text)] = tok
        tokens.append(tok)
    return _number_words(tokens)


_KNOWN: dict[tuple[str | None, str], Token] = {}  # (group of `_TOKEN_RE`, text) -> its token
_MAX_KNOWN = 1 << 16


@functools.lru_cache(maxsize=8192)
def number_word(text: str) -> int | None:
    """The value of a number written as a word ("three", "Twelve", "twenty-one", "dozen"), else None
    (memoised: called for every word of every goal and slot value)."""
    low = text.lower()
    if low in NUMBER_WORDS:
        return NUMBER_WORDS[low]
    tens, _, unit = low.partition("-")
    if tens in _TENS and unit in NUMBER_WORDS and 0 < NUMBER_WORDS[unit] < 10:
        return _TENS[tens] + NUMBER_WORDS[unit]
    return None


def _number_words(tokens: list[Token]) -> list[Token]:
    """Words that are numbers become number tokens; "one" only where it counts something ("one seat",
    not "one of the files", "this one"). "a" and "an" are never numbers."""
    for i, t in enumerate(tokens):
        if t.kind != "word" or number_word(t.text) is None:
            continue
        if t.text.lower() == "one":
            before = tokens[i - 1].text.lower() if i > 0 else ""
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            counts = after is not None and after.kind == "word" and after.text.lower() not in _NOT_ONE_AFTER
            if before in _NOT_ONE_BEFORE or not counts:
                continue
        tokens[i] = Token("number", t.text)
    return tokens


def shape(token: Token) -> str:
    """The character-class pattern of a token's value (runs collapsed)."""
    if token.kind == "number":
        return "number"
    if token.kind == "quoted":
        return "quoted"
    out: list[str] = []
    for ch in token.text:
        c = "A" if ch.isupper() else "a" if ch.islower() else "9" if ch.isdigit() else ch
        if not out or out[-1] != c or c not in "Aa9":
            out.append(c)
    return "".join(out)


# The conditional words that introduce a condition or compare (a clause word, "than", "below", ...);
# not the comparatives that also name a task or a thing without a condition ("Lower the price",
# "21 more units", "under the label"): with one of these, a guide may not cover the goal's branch.
BRANCH_WORDS = CONDITIONAL_WORDS - frozenset(
    ["under", "over", "less", "more", "fewer", "greater", "lower", "higher", "least", "most"]
)


def branch_words(tokens: list[Token]) -> list[str]:
    """The goal's words (quoted text excluded) that make it take a branch on what it reads."""
    return [w for w in conditional_words(tokens) if w in BRANCH_WORDS]


def conditional_words(tokens: list[Token]) -> list[str]:
    """Conditional words in the goal's own wording (quoted text excluded; a record's noun is none:
    `names_record`)."""
    words = (t.text.lower() for i, t in enumerate(tokens) if t.kind == "word" and not names_record(tokens, i))
    return sorted({w for w in words if w in CONDITIONAL_WORDS})


# the conditional words that are also a record's noun ("in case of rain" / "in case CV-26-3301")
RECORD_NOUN_WORDS = frozenset(["case"])


def names_record(tokens: list[Token], i: int) -> bool:
    """Whether the conditional word at `i` is the noun of the record the next token names: a noun of
    `RECORD_NOUN_WORDS` right before a number, an identifier (a word with a digit) or quoted text ("File
    the motion in case CV-26-3301", "Open case 4471"). "in case of fire", "in case it rains" keep their
    condition: a value of the goal never follows a condition's "case" directly."""
    if tokens[i].text.lower() not in RECORD_NOUN_WORDS or i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    return nxt.kind in ("number", "quoted") or (nxt.kind == "word" and any(ch.isdigit() for ch in nxt.text))


def content_words(tokens: list[Token]) -> frozenset[str]:
    """Lower-cased words for paraphrase similarity (stopwords, numbers and quoted text dropped)."""
    return frozenset(
        t.text.lower() for t in tokens if t.kind == "word" and t.text.lower() not in STOPWORDS and len(t.text) > 1
    )


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# Words that change what a value of several words means: a negation, an exception, a quantity or a
# share ("Not Paris", "All but Oslo", "Half Moon"?). Inside such a value only when the evidence saw that
# very word (in any case) inside a value of the slot: whether it names a thing or changes the goal is
# the model's call.
MEANING_WORDS = frozenset(
    [
        "not",
        "no",
        "non",
        "never",
        "nor",
        "neither",
        "none",
        "without",
        "except",
        "excluding",
        "but",
        "half",
        "quarter",
        "third",
        "double",
        "twice",
        "triple",
        "all",
        "both",
        "each",
        "every",
        "any",
        "some",
        "few",
        "several",
        "many",
        "minus",
        "plus",
        "extra",
        "instead",
        *NUMBER_WORDS,
    ]
)


def changes_meaning(word: str, values: list[str]) -> bool:
    """Whether a word of a slot's value is one of `MEANING_WORDS` that no value of the slot held, in any
    case ("Dim the All lights" where the zones seen were "Lobby" and "Atrium")."""
    low = word.lower()
    return low in MEANING_WORDS and low not in {w.lower() for v in values for w in v.split(" ")}


def possessive(word: str) -> bool:
    """Whether a word is a possessive ("Bruno's", "Luc’s"): its marker ends the owner's name."""
    return len(word) > 2 and (word.endswith("'s") or word.endswith("\u2019s"))


@functools.lru_cache(maxsize=4096)
def number_pattern(text: str) -> tuple[str, ...]:
    """Where the numbers of a value of several words sit: its tokens' kinds, a run of words as one "w"
    and each number "n" ("Rioja Reserva 2016" -> ("w", "n"), "Gate 2 North" -> ("w", "n", "w"))."""
    out: list[str] = []
    for t in tokenize(text):
        k = "n" if t.kind == "number" else "w"
        if k == "n" or not out or out[-1] != "w":
            out.append(k)
    return tuple(out)


def phrase_fits(shapes: list[str], values: list[str], text: str) -> bool:
    """Whether a value of several words fits a slot that saw `shapes` and `values`: every word has the
    shape of a word seen in the slot's values, and a lower-case word, a stopword or a conditional word
    ("de", "and", "if") only when the evidence saw that very word inside a value of this slot. A slot
    that only ever saw single words takes several only as a name: every word capitalised.
    Also (`learning/spans.py`): a word that changes the meaning ("not", "half", "all") only when the
    slot's values held it; numbers only where the values seen of several words had theirs
    (`number_pattern`), a number a value starts with inside the range they started with (`lead_inside`);
    a possessive marker only on the last word, and there whenever every value seen had one."""
    seen_shapes = {part for s in shapes for part in s.split(" ")}
    seen_words = {w for v in values for w in v.split(" ")}
    several = any(" " in v for v in values)
    words = text.split(" ")
    for word in words:
        if not several and not word[:1].isupper():
            return False  # only single words seen: a name of several words ("Los Angeles"), nothing else
        tok = Token("word", word)
        if shape(tok) not in seen_shapes:
            return False
        low = word.lower()
        # a word without letters ("2016", "07:45") has no case: its shape and place are checked instead
        plain = any(ch.isalpha() for ch in word) and (word == low or low in STOPWORDS or low in CONDITIONAL_WORDS)
        if plain and word not in seen_words:
            return False
        if changes_meaning(word, values):
            return False
    patterns = {number_pattern(v) for v in values if " " in v} if several else set()
    if several and (number_pattern(text) not in patterns or not lead_inside(text, values)):
        return False
    marks = [possessive(w) for w in words]
    owner = bool(values) and all(possessive(v) for v in values)
    return not any(marks[:-1]) and (marks[-1] or not owner)
