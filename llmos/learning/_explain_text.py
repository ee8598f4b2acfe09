"""Numbers inside plain-text results as explanation sources: ("txt", step, k, template).

"Tank T-40: level 660 L of 1500 L." is one text, no JSON leaf: its numbers explained nothing, so a plan
whose argument (fill 840 L) or answer figure came from one never replayed. A reference

    ("txt", step, k, digest)    the k-th number of step's plain-text result, while that text's template
                                has this digest

reads it. The template is rule 1's (`_seen_text.template`): the goal's values masked (words and
numbers of two digits or more, as rule 1 masks them), identifiers by shape, every number out. A
reference fits a run only when that run's text had the same template, so a plan keeps it only when
every supporting run's text had one template; live, a text of another template (the numbers moved,
"(estimated)" or "of which 40 reserved" added, "1,240" for "980", pounds for kilograms) makes it
Unavailable, and the model decides: a number's position in one sentence is never taken for its
position in another. A date, a clock time or a version is no operand; a text with more than
MAX_TEXT_NUMBERS numbers is a table (none of them), and so is a text whose digits rule 1's template
splits (`_SPLIT_DIGITS`: "1,240", "12,5", "11:05") or cuts (longer than `_seen_text.MAX_TEXT`).
Rule 2 is unchanged: two numbers of one text equal in every run are two hypotheses, and replay uses a
value only when they agree.

Rule 1 keeps checking the text: its template and numbers are range-checked before a write like any
text's (a number an argument computes with is not excused, as a JSON leaf would be), and before an
answer that computes with one of its numbers (`_seen.answer_seen_problem`).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

from llmos.learning._explain_values import NOT_JSON, Cand, Env, Unavailable
from llmos.learning.goals import Token

MAX_TEXT_NUMBERS = 8  # numbers of one text that are operands (more: a table, none)
KIND = "txt"
# digits grouped or split in ways rule 1's template reads as several numbers: thousands separators
# ("1,240", "1'240", "1 240"), a decimal comma ("12,5"), a clock time ("11:05"). "1,240 of 1,500" would
# give 500 - 240 = 260 where every run's thousands agreed; a text with one of them has no operands.
_SPLIT_DIGITS = re.compile(r"\d[,'\u00a0\u202f:]\d|(?<![\w.,-])\d{1,3}(?: \d{3})+(?![\d.,])")
# a clock time standing alone ("13:50", not part of a date-time or a range "06:39-06:53"): one time, no
# operand (rule 1's template reads it as two numbers, "#:#"); written "13-50-00" it is one time for
# `_template` and no split digits, so the text's other numbers stay operands ("bearing 81°" after "13:50")
_CLOCK = re.compile(r"(?<![\w.:/-])([01]?\d|2[0-3]):([0-5]\d)(?!\w|[:.,/-]\d)")


def masks_of(tokens: list[Token]) -> tuple[str, ...]:
    """What the template masks: the goal's values (rule 1's masks, `_seen_text.mask_values`): a text that
    says the goal's order number back ("Order 4703: parcel, ...") gives no operand for it (the goal's
    number is the goal's), and a number that equals a goal number by chance changes the template."""
    from llmos.learning._seen_text import mask_values  # a cycle at import time: it imports `explain`

    return tuple(mask_values(tokens, [], []))


@lru_cache(maxsize=1 << 12)
def shape(text: str, masks: tuple[str, ...]) -> tuple[str, tuple[int | float | None, ...]]:
    """(the digest of the text's template, its numbers in order: None for a date, a time or a version)."""
    from llmos.learning._seen_text import MAX_TEXT, _template

    text = _CLOCK.sub(r"\1-\2-00", text)
    if len(text) > MAX_TEXT or _SPLIT_DIGITS.search(text):  # cut short (a number cut in two), or split digits
        return "", ()
    kinds: list[str] = []
    tmpl, nums = _template(text[:MAX_TEXT], list(masks), kinds)
    digest = hashlib.blake2b(tmpl.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    values: list[int | float | None] = []
    for x, kind in zip(nums, kinds, strict=True):
        values.append(None if kind == "date" else int(x) if kind == "int" and x.is_integer() else x)
    return digest, tuple(values)


def _plain(env: Env, step: int) -> str | None:
    if step >= len(env.texts) or env.texts[step] is None or env.parsed[step] is not NOT_JSON:
        return None
    return env.texts[step]


def operands(env: Env, step: int) -> list[tuple[Cand, int | float]]:
    """(("txt", s, k, digest), number) for the numbers of every plain-text result before `step`."""
    out: list[tuple[Cand, int | float]] = []
    masks: tuple[str, ...] | None = None
    for s in range(min(step, len(env.texts))):
        text = _plain(env, s)
        if text is None:
            continue
        masks = masks_of(env.tokens) if masks is None else masks
        digest, values = shape(text, masks)
        if len(values) > MAX_TEXT_NUMBERS:
            continue
        out.extend(((KIND, s, k, digest), v) for k, v in enumerate(values) if v is not None)
    return out


def ref_value(ref: Cand, env: Env) -> Any:
    """The live value of a ("txt", step, k, digest) reference; Unavailable when the text's template is
    another one (the number's position means something else there) or it is no plain text."""
    if ref[0] != KIND or len(ref) != 4:
        raise Unavailable(f"bad reference {ref!r}")
    text = _plain(env, int(ref[1]))
    if text is None:
        raise Unavailable(f"step {ref[1]} has no plain-text result")
    if isinstance(ref[2], tuple):
        return _word_value(ref, text, env)
    digest, values = shape(text, masks_of(env.tokens))
    if not digest or digest != ref[3]:
        raise Unavailable(f"step {ref[1]}'s text has a template its supporting runs did not show")
    k = int(ref[2])
    if not 0 <= k < len(values) or values[k] is None or len(values) > MAX_TEXT_NUMBERS:
        raise Unavailable(f"step {ref[1]}'s text has no number {k}")
    return values[k]


def describe(ref: Cand, steps: list[str] | None) -> str:
    step = steps[ref[1]] if steps and ref[1] < len(steps) else f"step{ref[1]}"
    if isinstance(ref[2], tuple) and len(ref[2]) == 3:
        return f"{step}.result[after {ref[2][1]!r}, before {ref[2][2]!r}]"
    return f"{step}.result#number{ref[2]}"


# ---------------------------------------------------------------- words of a plain text
# ("txt", step, ("w", before, after), digest): the words of step's plain text between the literal text
# `before` (found exactly once) and the next `after`, while the text's template up to them and `after`,
# with those words masked (rule 1's: the goal's values masked, numbers out), has this digest.
# "Lookout Nob Hill (district Burnt Fork), 12:05: smoke confirmed; ..." gives "Burnt Fork" after
# " (district " before "), ".
WORD = "w"
MAX_WORD_CHARS = 40  # a name, not a sentence
MAX_WORD_WORDS = 4
MAX_ANCHOR = 24  # characters of literal text before the words


def _word_ok(value: str) -> bool:
    """A name: letters, digits, single spaces, "-", "'" and "/" inside; no clause ("Frozen, closed": a comma,
    a semicolon, brackets or a full stop end the value, and a value that holds one is none)."""
    return (
        0 < len(value) <= MAX_WORD_CHARS
        and value == value.strip()
        and "  " not in value
        and any(ch.isalpha() for ch in value)
        and all(ch.isalnum() or ch in " -'/" for ch in value)
        and len(value.split()) <= MAX_WORD_WORDS
    )


def _occurrences(text: str, value: str) -> list[int]:
    """Where `value` occurs in `text` as whole words (any case, as rule 1's masks match)."""
    low, want, out = text.lower(), value.lower(), []
    i = low.find(want)
    while i != -1:
        end = i + len(want)
        if (i == 0 or not low[i - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
            out.append(i)
        i = low.find(want, i + 1)
    return out


def _before(text: str, start: int, masks: tuple[str, ...]) -> str:
    """The literal text right before `start`: at most MAX_ANCHOR characters, none a digit, after every
    goal value, from the start of a word."""
    a = max(0, start - MAX_ANCHOR)
    for k in range(start - 1, a - 1, -1):
        if text[k].isdigit():
            a = k + 1
            break
    low = text[:start].lower()
    for m in masks:
        j = low.rfind(m.lower(), max(0, a - len(m) + 1))
        if j != -1:
            a = max(a, j + len(m))
    while a < start and a > 0 and text[a - 1].isalnum() and text[a].isalnum():
        a += 1  # a word cut in two: its tail is no anchor
    return text[a:start]


def _after(text: str, end: int) -> str:
    k = end
    while k < len(text) and k < end + 4 and not text[k].isalnum():
        k += 1
    return text[end:k]


def _word_digest(text: str, value: str, masks: tuple[str, ...], after: str) -> str:
    """The digest of the text's template up to the end of the words and `after` (the sentence that says what
    the words are), the words masked. What follows is rule 1's: it checks the whole text before the call
    that takes the words, as it checks a JSON result's other leaves beside the one an argument takes."""
    from llmos.learning._seen_text import _template

    stop = _occurrences(text, value)[0] + len(value) + len(after)
    tmpl, _nums = _template(text[:stop], [value, *masks])
    return hashlib.blake2b(tmpl.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def words(value: Any, env: Env, step: int) -> list[Cand]:
    """("val", ("txt", s, ("w", before, after), digest), "id") for every plain-text result before `step`
    that holds `value` once, as whole words, between literal texts that find it again."""
    from llmos.learning._seen_text import MAX_TEXT

    if not isinstance(value, str) or not _word_ok(value):
        return []
    out: list[Cand] = []
    masks: tuple[str, ...] | None = None
    for s in range(min(step, len(env.texts))):
        text = _plain(env, s)
        if text is None or len(text) > MAX_TEXT:
            continue
        found = _occurrences(text, value)
        if len(found) != 1 or text[found[0] : found[0] + len(value)] != value:
            continue
        masks = masks_of(env.tokens) if masks is None else masks
        start, end = found[0], found[0] + len(value)
        after = _after(text, end)
        if not after and end < len(text):
            continue
        for before in _anchors(text, start, masks):
            if _extract(text, before, after) == value:
                digest = _word_digest(text, value, masks, after)
                out.append(("val", (KIND, s, (WORD, before, after), digest), "id"))
                break
    return out


def _anchors(text: str, start: int, masks: tuple[str, ...]) -> list[str]:
    """The literal texts before the words that may name them, found once: first the one after every goal
    word; where that is none (no letter left: "on segment SEG-26" after a goal "... its segment" masks
    "segment"), the one that keeps goal words. A goal word in it is a literal like any other: every
    supporting run's text must hold the same anchor (a slot's value in it differs between runs, and the
    explanation is dropped), and live it must be found again, once, before the words."""
    out = []
    for before in dict.fromkeys((_before(text, start, masks), _before(text, start, ()))):
        if any(ch.isalpha() for ch in before) and text.count(before) == 1:
            out.append(before)
    return out


def _extract(text: str, before: str, after: str) -> str | None:
    if not before or text.count(before) != 1:
        return None
    start = text.index(before) + len(before)
    end = text.find(after, start) if after else len(text)
    value = text[start:end] if end != -1 else ""
    return value if _word_ok(value) and _occurrences(text, value) == [start] else None


def _word_value(ref: Cand, text: str, env: Env) -> str:
    from llmos.learning._seen_text import MAX_TEXT

    k = ref[2]
    if len(k) != 3 or k[0] != WORD or len(text) > MAX_TEXT:
        raise Unavailable(f"step {ref[1]}'s text holds no words for {k!r}")
    value = _extract(text, str(k[1]), str(k[2]))
    if value is None:
        raise Unavailable(f"step {ref[1]}'s text has no words after {k[1]!r}")
    if _word_digest(text, value, masks_of(env.tokens), str(k[2])) != ref[3]:
        raise Unavailable(f"step {ref[1]}'s text has a template its supporting runs did not show")
    return value


def is_ref(node: Any) -> bool:
    return (
        isinstance(node, tuple)
        and len(node) == 4
        and node[0] == KIND
        and isinstance(node[1], int)
        and isinstance(node[2], int)
        and isinstance(node[3], str)
    )


def steps_read(node: Any) -> set[int]:
    """The steps whose plain text a "txt" reference anywhere inside `node` reads."""
    if is_ref(node):
        return {int(node[1])}
    if isinstance(node, (tuple, list)):
        return set().union(*(steps_read(x) for x in node)) if node else set()
    return set()
