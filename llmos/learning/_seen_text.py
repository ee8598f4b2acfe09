"""Rule 1's texts: a result text as a template (goal values, arguments and consumed values masked
out, identifiers by shape, numbers taken out to be range-checked) and the plain words of templates
(noise covers what differed, never a word no supporting run showed). The private interior of
`llmos.learning._seen`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from llmos.learning import _named_dates, _shortcuts
from llmos.learning import _value_kinds as _kinds
from llmos.learning import explain as ex
from llmos.learning.goals import STOPWORDS, Token

MAX_TEXT = 1000  # characters of a text that are templated
MASK = "\x00"
_PUNCT = "\"'.,;:!?()[]{}<>*_`"
# a date, a time or a version (digit groups joined by one of -:/.T) is one number; a minus is a sign only
# where it does not join a word ("ARC-1001" holds 1001, not -1001)
_NUM_RE = re.compile(r"(?<![\w.])(\d+(?:[-:/.T]\d+){2,})(?![\w])|((?:(?<![\w.])-)?\d+(?:\.\d+)?)")
_MASKS_RE = re.compile(MASK + r"(?:[\s,]+" + MASK + r")+")
# A number written in groups or with a magnitude ("24,380", "1'250.5", "12 500", "1.250,5", "1.250.000",
# "1 250,5", "12k", "3.4M") names one value. `_NUM_RE` reads its pieces (24 and 380; 12): each piece inside
# the range seen is no proof of the whole ("19,600" after 14,950..19,050: 19 and 600 each seen), and a
# piece's order with another number is not the value's. The pieces are kept, and the whole value is read
# as one more number right after them (`whole`; the template marks it "=#"): rule 1 checks both. "1.250"
# alone may be 1250 or 1.25: both readings, so "1.250 kg" is never the template of "980 kg".
GROUPED = re.compile(
    r"(?<![\w.,'\u00a0\u202f])(?:"
    r"(?P<dot>[1-9]\d{0,2}(?:\.\d{3})+,\d+|[1-9]\d{0,2}(?:\.\d{3}){2,}|[1-9]\d{0,2}\.\d{3})"
    r"|(?P<sp>[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+,\d+)"
    r"|(?P<grp>[1-9]\d{0,2}(?P<sep>[,'\u00a0\u202f ])\d{3}(?:(?P=sep)\d{3})*(?:\.\d+)?)"
    r")(?![\d]|[,.'\u00a0\u202f]\d)"
    r"|(?<![\w.])(?P<mag>\d+(?:\.\d+)?)(?P<unit>k|K|M|bn)(?![A-Za-z0-9])"
)
_MAGNITUDE = {"k": 1e3, "K": 1e3, "M": 1e6, "bn": 1e9}


def whole(mo: re.Match[str]) -> float:
    """The value a grouped or scaled number names (`GROUPED`)."""
    if mo.group("mag") is not None:
        return float(mo.group("mag")) * _MAGNITUDE[mo.group("unit")]
    if mo.group("dot") is not None:
        head, _, frac = mo.group("dot").partition(",")
        return float(head.replace(".", "") + ("." + frac if frac else ""))
    if mo.group("sp") is not None:
        head, _, frac = mo.group("sp").partition(",")
        return float(re.sub(r"\D", "", head) + "." + frac)
    return float(re.sub(r"[,'\u00a0\u202f ]", "", mo.group("grp")))


def mask_values(tokens: list[Token], arguments: list[Any], consumed: list[Any]) -> list[str]:
    """The texts masked out of result texts: goal words, numbers and quoted texts, argument values
    (which carry the consumed result values on) and other values given (longest first)."""
    out: set[str] = set()
    for t in tokens:
        if t.kind in ("word", "number", "quoted") and t.text.lower() not in STOPWORDS and len(t.text) >= 2:
            out.add(t.text)
    for v in [*arguments, *consumed]:
        if isinstance(v, str) and len(v.strip()) >= 2:
            out.add(v.strip())
        elif ex.is_num(v) and abs(v) >= 10:  # a digit alone masks too much ("1 item left")
            out.add(str(v))
            if float(v).is_integer():
                out.add(str(int(v)))
    return sorted(out, key=lambda s: (-len(s), s))


def masked(text: str, masks: list[str]) -> str:
    """The text (its first MAX_TEXT characters) with every mask's whole-word occurrences masked."""
    return _masked(text[:MAX_TEXT], masks)


def _masked(t: str, masks: list[str]) -> str:
    low = t.lower()
    for m in masks:
        if m.lower() in low:  # most masks are not in the text: one substring test each
            t = _mask(t, m)
            low = t.lower()
    return t


def template(text: str, masks: list[str]) -> tuple[str, list[float]]:
    """(the text with masks and numbers taken out, its numbers in order)."""
    t = text[:MAX_TEXT]
    if _shortcuts.ON and t.isascii():
        # Only the masks in the text can mask: masking an ASCII text replaces parts of it by MASK, so a
        # text without MASK found in it afterwards was in it before. The same text with the same masks
        # in it gives the same template (flags, names, states recur in every run): made once.
        low = t.lower()
        hits = tuple(m for m in masks if m.lower() in low)
        if not any(MASK in m for m in hits):
            tmpl, nums = _cached_template(t, hits)
            return tmpl, list(nums)
    return _template(t, masks)


Templates = dict[str, tuple[str, tuple[float, ...]]]  # text -> its template under one result's masks


def template_in(text: str, masks: list[str], known: Templates | None) -> tuple[str, list[float]]:
    """`template(text, masks)`, made once per text in `known` (the readings of one result in a run share it:
    `_seen.record`); the numbers are handed out as a new list."""
    if known is None:
        return template(text, masks)
    got = known.get(text)
    if got is None:
        tmpl, nums = template(text, masks)
        got = known[text] = (tmpl, tuple(nums))
    return got[0], list(got[1])


@lru_cache(maxsize=1 << 12)
def _cached_template(t: str, masks: tuple[str, ...]) -> tuple[str, tuple[float, ...]]:
    tmpl, nums = _template(t, list(masks))
    return tmpl, tuple(nums)


def _template(t: str, masks: list[str], kinds: list[str] | None = None) -> tuple[str, list[float]]:
    """`template`'s work; `kinds`, when given, gets each number's kind in order: "date" (a date, a time, a
    version), "dec" (written with a decimal point) or "int" (`_explain_text`)."""
    t = _named_dates.iso(_masked(t, masks))  # "2 December 2026" is the date 2026-12-02: one number
    nums: list[float] = []

    def take(mo: re.Match[str]) -> str:
        if mo.group(1) is not None:  # a date, a time, a version: one number, its digits in order
            nums.append(float(re.sub(r"\D", "", mo.group(1))[:15]))
        else:
            nums.append(float(mo.group(2)))
        if kinds is not None:
            kinds.append("date" if mo.group(1) is not None else "dec" if "." in mo.group(2) else "int")
        return "#"

    def pieces(mo: re.Match[str]) -> str:
        """The pieces as `_NUM_RE` reads them, then the whole value ("#,#=#")."""
        out = _NUM_RE.sub(take, mo.group())
        value = whole(mo)
        nums.append(value)
        if kinds is not None:
            kinds.append("int" if value.is_integer() else "dec")
        return out + "=#"

    def read(part: str) -> str:
        if not any(ch.isdigit() for ch in part):
            return part
        out, start = [], 0
        for mo in GROUPED.finditer(part):
            out.append(_NUM_RE.sub(take, part[start : mo.start()]))
            out.append(pieces(mo))
            start = mo.end()
        out.append(_NUM_RE.sub(take, part[start:]))
        return "".join(out)

    # identifiers by shape (kept whole between marks), then the numbers of the rest by range; a ticket's
    # number ("BX-1234") stays a number: its size may decide what follows (never extrapolate past it)
    parts = _kinds.shape_ids(t.replace(_kinds.MARK, " "), keep=("ticket",)).split(_kinds.MARK)
    t = _kinds.MARK.join(p if k % 2 else read(p) for k, p in enumerate(parts))
    t = _MASKS_RE.sub(MASK, t)
    return " ".join(t.split()), nums


def _mask(text: str, value: str) -> str:
    """`text` with every whole-word occurrence of `value` (any case) replaced by MASK (no regex: the
    values differ in every run, and compiling a pattern for each would dominate observing a run)."""
    low, want = text.lower(), value.lower()
    if len(low) != len(text) or want not in low:
        return text if want not in low else re.sub(re.escape(value), MASK, text, flags=re.IGNORECASE)
    out, start, n = [], 0, len(want)
    i = low.find(want)
    while i != -1:
        before = low[i - 1] if i > 0 else " "
        after = low[i + n] if i + n < len(low) else " "
        if not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum()):
            out.append(text[start:i])
            out.append(MASK)
            start = i + n
        i = low.find(want, i + n if start == i + n else i + 1)
    out.append(text[start:])
    return "".join(out)


# words that turn the next word's meaning round: "no leak found" is not "leak found" (`_words`)
NEGATIONS = frozenset(
    {"no", "not", "never", "none", "nor", "without", "cannot", "nothing", "neither", "nobody", "nowhere", "non"}
)


def _negation(w: str) -> bool:
    """A negation word, or a contraction of one ("isn't", "don't", "can't", "won't")."""
    return w in NEGATIONS or w.endswith(("n't", "n’t"))


# words that close a negation's clause as punctuation does: "no leak but corrosion at the valve"
CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "whereas", "yet"})


def _words(tmpl: str) -> set[str]:
    """The plain words of a template: its tokens of letters only (an id, a number, a mask or a shape is
    not a word), lower case, without the punctuation around them. A plain word a negation governs is a
    word of its own, "no leak": a run's "no leak found at the regulator" shows neither "leak" alone nor
    the phrase without its "no" (rule 1's noise is what differed, never a negation dropped or added:
    `families_heldout22.py` h22_meter, main signed off a meter whose notes read "leak found at the
    regulator"); the negation itself stays a word. A negation governs every plain word after it in its
    clause, not only the next one: punctuation or a word that opens another clause (`CLAUSE_WORDS`, "but")
    closes it. "no evidence of foulbrood in the brood frames" negates "foulbrood" as much as "evidence":
    with the scope one word long, "evidence of foulbrood in the brood frames" had only words seen when
    another note showed "evidence of fresh nectar" (`families_heldout26.py` h26_hive). A stopword ("of",
    "the") keeps its one form: it names nothing a negation could deny."""
    out = set()
    negated = False
    for tok in tmpl.split():
        w = tok.strip(_PUNCT).lower()
        plain = bool(w) and w.replace("'", "").replace("’", "").isalpha() and MASK not in w
        plain = plain and _kinds.MARK not in w
        ends = tok.rstrip(_PUNCT) != tok  # a clause's end closes the negation
        if plain and _negation(w):
            out.add("not" if "'" in w or "’" in w else w)
            negated = not ends
            continue
        if plain and w in CLAUSE_WORDS:
            negated = False
        if plain and w.isalpha():
            out.add(f"no {w}" if negated and w not in STOPWORDS else w)
        negated = negated and not ends
    return out


def new_words(tmpl: str, seen_templates: dict[str, Any]) -> list[str]:
    """The words of `tmpl` that no template seen at this path has (rule 1's noise covers what differed,
    not words never shown: "The same message with a different name in it is not noise")."""
    vocab: set[str] = set()
    for t in seen_templates:
        vocab |= _words(t)
    return sorted(_words(tmpl) - vocab)


_JOINED = re.compile(r"[-/._][^\W_]|[^\W_][-/._]$")  # "B79932-2", "2026/B79932": one token, not B79932


def occurs(text: str, value: str) -> bool:
    """Whether `value` is a whole token (any case) of `text`: what masking would mask (`_mask`), but not
    joined to more letters or digits by - / . _ ("B79932-2" is another batch than B79932; "B79932." ends
    a sentence)."""
    return occurs_lower(text.lower(), value.lower())


def occurs_lower(low: str, want: str) -> bool:
    """`occurs` on a text and a value already in lower case (a text searched for many values)."""
    i = low.find(want)
    while i != -1:
        before, after = low[max(0, i - 2) : i], low[i + len(want) : i + len(want) + 2]
        if not (before[-1:].isalnum() or after[:1].isalnum() or _JOINED.match(after) or _JOINED.search(before)):
            return True
        i = low.find(want, i + 1)
    return False


def counter_noise(seen: dict[str, Any], key: str, value: str, noise_runs: int) -> str | None:
    """Whether a short text result is an identifier counted up by the tool ("ARC-7003" after "ARC-7001",
    "ARC-7002"): the one template every supporting run showed, unmasked, with every number in it grown
    in each of at least `noise_runs` runs, and this value's numbers at or above the least seen. Rule 1's
    noise, on evidence only; the description when it is (for `--explain`), else None. A text of another
    template ("gold" after "silver"), a number that once fell, or fewer runs: not noise."""
    rec = seen.get(key + "|t")
    if not isinstance(rec, dict) or rec.get("n", 0) < noise_runs or len(rec.get("t", {})) != 1:
        return None
    tmpl, nums = template(value, [])
    known = rec["t"].get(tmpl)
    if known is None or not nums or MASK in tmpl or len(known) != len(nums):
        return None
    for r, x in zip(known, nums, strict=True):
        lo, _hi, _last, inc, n = r
        if not inc or n < noise_runs or x < lo:
            return None
    return f"{show(key)} (an identifier that grew in all {rec['n']} supporting runs)"


def readable(tmpl: str) -> str:
    return _kinds.readable(tmpl.replace(MASK, "…"))[:120]


def show(path_json: str) -> str:
    path = tuple(json.loads(path_json))
    return "the result" if not path else ex.format_path(path)
