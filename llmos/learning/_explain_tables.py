"""A goal word's lookup table as an explanation (rule 2 with rule 1): the value a word of a goal value decides.

    ("wtab", ("tok", position), end, ((word, value as JSON, goal value or "+"), ...))

"Book a peal of Plain Bob Major at Ashby tower": the ringers are the method's last word (Minor 6, Major 8,
Royal 10). `_word_tables` records that table in every supporting run as a rival of the explanations; once a
run kills every other explanation (a tower whose bells are not the stage), the table is the one hypothesis
left that fits every run, and without it nothing explains the ringers for good (h29_peal, after its first
trap). The candidate is made there (`_word_tables.explain`, from the records of every earlier run and this
one), never from one run, and refit by every later run (`refit`): a word with its one value keeps it, a new
word widens the table, a word with another value (or a value that copies the word) kills it.

It is used (`explain.awake`: after every other family, only when none is left) only while it is a table the
runs can tell from a key lookup and from a constant (`rival`: two words, two values, a word that went with
its value in two different goal values). Live (`evaluate`), the value is the table's only for a word the
runs saw, and only when that word came with its value in two different goal values or the live goal value is
the one it came in: a word seen once, in another goal value, is no evidence that the word (not the whole
value) decides. Anything else is Unavailable: the model decides (rule 1: no value past the evidence).
"""

from __future__ import annotations

import json
from typing import Any

from llmos.learning import _explain_described
from llmos.learning._explain_values import Cand, Env, Unavailable, is_num

KIND = "wtab"
KINDS = frozenset({KIND, _explain_described.KIND})  # a described table (`_explain_described`) is judged alike
MAX_WORDS = 32
ENDS = (0, -1)

Row = tuple[str, str, str]


def words_of(env: Env, pos: int) -> tuple[str, list[str]] | None:
    """The goal value at `pos` and its words, when it is a value of several words."""
    if pos >= len(env.tokens):
        return None
    tok = env.tokens[pos]
    text = tok.text
    if tok.kind != "word" or " " not in text.strip():
        return None
    return text, text.split()


def copies(word: str, v: Any) -> bool:
    """A text value with the word in it, or in the word: a copy, not a lookup."""
    if not isinstance(v, str):
        return False
    a, b = word.lower(), v.strip().lower()
    return bool(b) and (a in b or b in a)


def scalar(v: Any) -> bool:
    return isinstance(v, str) or is_num(v)


def rival(rows: tuple[Row, ...]) -> bool:
    """Two words, two values, and a word that went with its value in two different goal values."""
    return len(rows) >= 2 and len({r[1] for r in rows}) >= 2 and any(r[2] == "+" for r in rows)


def widen(rows: tuple[Row, ...], word: str, value: str, v: Any) -> tuple[Row, ...] | None:
    """The table after one more run (word, goal value, argument value); None when the run kills it."""
    if not scalar(v) or copies(word, v):
        return None
    got = json.dumps(v)
    out = list(rows)
    for i, (w, val, gv) in enumerate(rows):
        if w != word:
            continue
        if val != got:
            return None
        if gv != "+" and gv != value:
            out[i] = (w, val, "+")
        return tuple(out)
    if len(rows) >= MAX_WORDS:
        return None
    return tuple(sorted([*rows, (word, got, value)]))


def usable(cand: Cand) -> bool:
    """Whether replay may use the table (`explain.awake`: when nothing else is left)."""
    return cand[0] == _explain_described.KIND or rival(cand[3])


def refit(cand: Cand, value: Any, env: Env) -> Cand | None:
    """The table candidate after one more run whose argument is `value`; None when it no longer fits."""
    if cand[0] == _explain_described.KIND:
        return _explain_described.refit(cand, value, env)
    got = words_of(env, cand[1][1])
    if got is None:
        return None
    text, words = got
    rows = widen(cand[3], words[cand[2]], text, value)
    return None if rows is None else (KIND, cand[1], cand[2], rows)


def evaluate(cand: Cand, env: Env) -> Any:
    if cand[0] == _explain_described.KIND:
        return _explain_described.evaluate(cand, env)
    rows: tuple[Row, ...] = cand[3]
    if not rival(rows):
        raise Unavailable("a word table the runs cannot yet tell from a key lookup or a constant explains nothing")
    got = words_of(env, cand[1][1])
    if got is None:
        raise Unavailable("the goal value is not one of several words")
    text, words = got
    word = words[cand[2]]
    for w, val, gv in rows:
        if w == word:
            if gv != "+" and gv != text:
                raise Unavailable(f"{word!r} went with its value in one goal value only ({gv!r})")
            return json.loads(val)
    raise Unavailable(f"{word!r} is a word no supporting run had there")


def describe(cand: Cand, ref_text: str) -> str:
    rows = cand[3]
    shown = ", ".join(f"{w} {val}" for w, val, _gv in rows[:4]) + (", ..." if len(rows) > 4 else "")
    return f"table of the {'first' if cand[2] == 0 else 'last'} word of {ref_text}: {shown}"
