"""Shell word expansion, done conservatively from the source text of a bashlex word.

bashlex gives the structure (which parts are parameters, substitutions, tildes); the quoting is
decoded here, including `$'\\x72m'` (ANSI-C quoting, which bashlex mangles). Whatever cannot be
known (an unset variable, a command substitution's output) becomes the `UNKNOWN` marker, so a
check can tell `rm -rf "$X"/` from `rm -rf build/`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from llmos.kernel.policy.paths import UNKNOWN

SPLIT = "\x01"  # where an unquoted expansion may be split into several words
ARRAY = "__llmos_array__:"  # State.vars key prefix: the elements of an array the script assigned
HOLES = "__llmos_array_holes__:"  # State.vars key prefix: the indexes of those elements that are unset
MAX_CANDIDATES = 64

Lookup = Callable[[str], list[str]]
Subst = Callable[[Any], "str | None"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-]")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def ansi_c(raw: str, i: int) -> tuple[str, int]:
    """Decode `$'...'` starting at raw[i] == '$'; returns (text, index after the closing quote)."""
    out: list[str] = []
    j = i + 2
    while j < len(raw):
        ch = raw[j]
        if ch == "'":
            return "".join(out), j + 1
        if ch == "\\" and j + 1 < len(raw):
            nxt = raw[j + 1]
            if nxt in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[nxt])
                j += 2
                continue
            m = (
                re.match(r"x([0-9A-Fa-f]{1,2})", raw[j + 1 :])
                or re.match(r"u([0-9A-Fa-f]{1,4})", raw[j + 1 :])
                or re.match(r"U([0-9A-Fa-f]{1,8})", raw[j + 1 :])
            )
            if m:
                out.append(chr(int(m.group(1), 16)))
                j += 1 + len(m.group(0))
                continue
            m = re.match(r"[0-7]{1,3}", raw[j + 1 :])
            if m:
                out.append(chr(int(m.group(0), 8) & 0xFF))
                j += 1 + len(m.group(0))
                continue
            out.append("\\" + nxt)
            j += 2
            continue
        out.append(ch)
        j += 1
    return "".join(out), j


def _subscript(name: str, index: str, rest: str, lookup: Lookup) -> list[str]:
    """`${name[index]rest}`: an element, all of them (`@`, `*`), or a slice `${name[@]:off:len}`.

    The elements of an array the script assigned are under `ARRAY + name`; a name that is not a
    known array is a scalar (`${x[0]}` and `${x[@]}` are `$x`). `@` keeps the elements as separate
    words (joined by SPLIT); an index that is not a plain number may be any element."""
    elements = lookup(ARRAY + name)
    if elements == [UNKNOWN]:
        elements = lookup(name)
        if UNKNOWN in elements or len(elements) != 1:  # unknown, or several candidates for one scalar
            return [UNKNOWN] if UNKNOWN in elements or index not in ("@", "*", "0") else elements
    holes = {int(i) for i in lookup(HOLES + name) if i.isdigit()}  # a sparse array: unset elements
    if index in ("@", "*"):
        m = re.fullmatch(r":(\d+)(?::(\d+))?", rest)
        if rest and m is None:
            return [UNKNOWN]
        start = int(m.group(1)) if m is not None else 0  # the set elements from index `start` on
        present = [e for i, e in enumerate(elements) if i >= start and i not in holes]
        if m is not None and m.group(2) is not None:
            present = present[: int(m.group(2))]
        return [(SPLIT if index == "@" else " ").join(present)]
    if rest:
        return [UNKNOWN]
    if re.fullmatch(r"-?\d+", index):
        i = int(index) + (len(elements) if index.startswith("-") else 0)
        return [elements[i]] if 0 <= i < len(elements) and i not in holes else [""]
    values = {e for i, e in enumerate(elements) if i not in holes} | ({""} if holes else set())
    return elements[:1] if len(values) == 1 else [UNKNOWN]  # ${a[$i]}, ${a[i+1]}: not followed


def _positional_slice(value: str, lookup: Lookup) -> list[str]:
    """`${@:N}`, `${@:N:L}` (and `*`): the positional parameters from $N on ($0 is not known)."""
    m = re.fullmatch(r"([@*]):(\d+)(?::(\d+))?", value)
    got = lookup("@")
    if m is None or int(m.group(2)) == 0 or len(got) != 1 or UNKNOWN in got[0]:
        return [UNKNOWN]
    words = got[0].split(SPLIT) if got[0] else []
    start = int(m.group(2)) - 1
    words = words[start : None if m.group(3) is None else start + int(m.group(3))]
    return [(SPLIT if m.group(1) == "@" else " ").join(words)]


def _default(op: str, word: str, current: list[str]) -> list[str]:
    """`${x-w}`, `${x:-w}`, `${x=w}`, `${x:=w}`, `${x+w}`, `${x:+w}`. An unset variable is stored as
    "" (like an empty one), so "" stands for both: every value the shell could produce is a candidate."""
    colon = op.startswith(":")
    unknown = UNKNOWN in current
    empty = "" in current
    known = [c for c in current if c != UNKNOWN]
    if op.endswith(("-", "=")):
        out = [c for c in known if c != "" or not colon]
        if unknown or empty:
            out.append(word)
    elif op.endswith("+"):
        out = []
        if unknown or any(c != "" for c in known) or (empty and not colon):
            out.append(word)
        if unknown or empty:
            out.append("")
    else:
        return current
    # several values of one word would become several words: where the shell's choice is not
    # known here, the value is unknown (an unknown command is asked about, never allowed)
    distinct = list(dict.fromkeys(out))
    return distinct if len(distinct) <= 1 or len(set(current)) > 1 else [UNKNOWN]


def _parameter(value: str, lookup: Lookup) -> list[str]:
    """Candidates for `${value}` (value without the braces); `${!name}` follows the indirection."""
    sub = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[([^]]*)\](.*)", value, re.DOTALL)
    if sub is not None:
        return _subscript(sub.group(1), sub.group(2), sub.group(3), lookup)
    if value[:1] in ("@", "*") and value[1:2] == ":":
        return _positional_slice(value, lookup)
    if value[:1] == "!" and _NAME.fullmatch(value[1:]):
        names = lookup(value[1:])
        if UNKNOWN in names or not all(_NAME.fullmatch(n) for n in names):
            return [UNKNOWN]
        return [v for n in names for v in lookup(n)]
    if not value or value[0] in "#!":
        return [UNKNOWN]
    m = _NAME.match(value)
    if not m:
        return [UNKNOWN]
    name, rest = m.group(0), value[m.end() :]
    if not rest:
        return lookup(name)
    op = re.match(r":?[-=+?]", rest)
    if op is None:
        return [UNKNOWN]  # substrings, pattern removal, case changes...
    return _default(op.group(0), _unquote(rest[op.end() :]), lookup(name))


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _part_values(part: Any, lookup: Lookup, subst: Subst, quoted: bool, ifs: str | None = " \t\n") -> list[str]:
    if part.kind == "parameter":
        piece = _parameter(part.value or "", lookup) if hasattr(part, "value") else [UNKNOWN]
    else:
        got = subst(part)
        piece = [UNKNOWN] if got is None else [got.rstrip("\n")]
    if quoted or ifs == "":
        return piece
    # an unknown IFS (None) could split anywhere: split on whitespace and common separators
    seps = ifs if ifs is not None else " \t\n,;:|+=_.@%"
    pattern = "[" + re.escape(seps + " \t\n") + "]+"
    return [re.sub(pattern, SPLIT, c) for c in piece]


def _combine(results: list[str], piece: list[str]) -> list[str]:
    return [r + c for r in results for c in piece][:MAX_CANDIDATES]


def expand(src: str, node: Any, lookup: Lookup, subst: Subst, *, ifs: str | None = " \t\n") -> list[str]:
    """The possible values of a word node (several for braces or multi-valued variables).

    Unquoted expansions carry `SPLIT` where whitespace would split them; use `split_words`.
    """
    start, end = node.pos
    raw = src[start:end]
    parts = {p.pos[0] - start: p for p in getattr(node, "parts", None) or []}
    results = [""]
    buf: list[str] = []
    dq = False
    braces = False
    i = 0

    def flush() -> None:
        nonlocal results
        if buf:
            results = _combine(results, ["".join(buf)])
            buf.clear()

    while i < len(raw):
        ch = raw[i]
        if ch == "$" and not dq and raw[i + 1 : i + 2] == "'":
            text, i = ansi_c(raw, i)
            buf.append(text)
            continue
        part = parts.get(i)
        if part is not None and part.kind in ("parameter", "commandsubstitution", "processsubstitution"):
            flush()
            results = _combine(results, _part_values(part, lookup, subst, dq, ifs))
            i = part.pos[1] - start
            continue
        if ch == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt == "\n":
                pass
            elif not dq or nxt in '$`"\\':
                buf.append(nxt)
            else:
                buf.append("\\" + nxt)
            i += 2
            continue
        if ch == "'" and not dq:
            close = raw.find("'", i + 1)
            close = len(raw) if close < 0 else close
            buf.append(raw[i + 1 : close])
            i = close + 1
            continue
        if ch == '"':
            dq = not dq
            i += 1
            continue
        if ch == "{" and not dq:
            braces = True
        buf.append(ch)
        i += 1
    flush()
    if braces:
        results = [b for r in results for b in brace_expand(r)][:MAX_CANDIDATES]
    return results


def brace_expand(text: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """`a{b,c}d` -> [abd, acd]; `{1..3}` ranges of small numbers or letters too."""
    depth, open_at = 0, -1
    commas: list[int] = []
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                open_at, commas = i, []
            depth += 1
        elif ch == "," and depth == 1:
            commas.append(i)
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                head, body, tail = text[:open_at], text[open_at + 1 : i], text[i + 1 :]
                if commas:
                    cuts = [open_at, *commas, i]
                    alts = [text[a + 1 : b] for a, b in itertools.pairwise(cuts)]
                else:
                    ranged = _range(body)
                    if ranged is None:
                        rest = brace_expand(tail, limit)
                        return [text[: i + 1] + r for r in rest][:limit]
                    alts = ranged
                out: list[str] = []
                for alt in alts:
                    for r in brace_expand(alt + tail, limit):
                        out.append(head + r)
                        if len(out) >= limit:
                            return out
                return out
    return [text]


def _range(body: str) -> list[str] | None:
    m = re.fullmatch(r"(-?\d+)\.\.(-?\d+)", body) or re.fullmatch(r"([A-Za-z])\.\.([A-Za-z])", body)
    if not m:
        return None
    a, b = m.group(1), m.group(2)
    if a.lstrip("-").isdigit():
        lo, hi = int(a), int(b)
        step = 1 if hi >= lo else -1
        return [str(n) for n in range(lo, hi + step, step)][:MAX_CANDIDATES]
    step = 1 if ord(b) >= ord(a) else -1
    return [chr(c) for c in range(ord(a), ord(b) + step, step)]


def split_words(values: list[str]) -> list[str]:
    """Candidates split where unquoted expansions would split; empty pieces dropped."""
    out: list[str] = []
    for v in values:
        if SPLIT in v:
            out.extend(p for p in v.split(SPLIT) if p)
        else:
            out.append(v)
    return out


def shown(value: str) -> str:
    return value.replace(UNKNOWN, "$?").replace(SPLIT, " ")
