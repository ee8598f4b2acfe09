"""Rule 2 for a table of values a tool's description states: it is a hypothesis, and it must agree.

"Load Cardew Stoneware pots into kiln K2": the shelf height is the clay body's, and the loading tool says
so in its description ("the shelf height is the clay body's (the last word: Stoneware 30, Porcelain 25,
Earthenware 35), not the kiln's"). Every supporting run loaded a body into a kiln whose shelf matched it, so
"shelf = the kiln's shelf_cm" (a read) explained every run; no run had "Stoneware", so no table of the goal
words had a value for it (`_word_tables`), and a crystallized replay loaded the Stoneware on K2's 25 cm
shelves (`bench/families_wtab.py` wt_kiln, wrong on main). Only the description tells the two apart.

So a table of (word -> value) pairs a tool's description states (`tables`: "Stoneware 30, Porcelain 25",
"Merino alum, Silk tin", "Green: 80 C; Black: 95 C", "30 for Stoneware, 25 for Porcelain") is a hypothesis
of rule 2 for every argument leaf of that tool's call whose value is of the table's kind (a number, a short
text). Every supporting run records, per argument leaf, the goal's words against the leaf's value
(`["~dtab", *path]|d`: word -> the value as JSON, or "x" once a word came with two values). The table
AGREES with the runs when some run's goal held a described word and every run's that did had that word's
value in the argument (a word with two values cannot agree). Live, before a call that is not a read: when
the table agrees and the live goal holds a described word whose value is not the replay's, the hypotheses
disagree and the model decides, whether or not a supporting run had that word. A described word absent from
the live goal, a table no run agrees with (no run held a described word, or one disagreed: the table is of
another argument), or a leaf the goal states itself (a copy of a goal value) change nothing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from typing import Any

from llmos.learning import _explain_described
from llmos.learning import explain as ex
from llmos.learning.goals import Token
from llmos.learning.plans import Plan, PlanStep

__all__ = ["KEY", "SUFFIX", "explain", "problem", "record", "tables", "union"]

KEY = "~dtab"
DEAD = "x"
SUFFIX = "|d"
FULL = "~+"  # the record met MAX_WORDS words: a later word was not recorded
MAX_WORDS = 64
MAX_TEXT = 24  # a text value longer than this is no table's value
_STOP_WORDS = (
    "a an the of for to in on at by is are be it its it's and or not no with from as per this that each any all if "
    "then else when use uses used set sets value values"
)
_STOP = frozenset(_STOP_WORDS.split())
_WORD = r"[A-Za-z][A-Za-z'\-]*[A-Za-z]"
_WORD_RE = re.compile(_WORD)
_NUM = r"[-+]?\d+(?:\.\d+)?"
_UNIT = r"(?:\s?(?:°\s?[CF]|%|[A-Za-z]{1,4}\.?))?"
_SEP = r"(?:\s?(?::|=|->|→)\s?|\s)"  # a separator, or a space (an item's spaces are single)
_NUM_END = re.compile(rf"(?<![\w.])({_NUM}){_UNIT}$")
_NUM_FOR = re.compile(rf"^({_NUM}){_UNIT}\s+for\s+({_WORD})$")
_NUM_AFTER = re.compile(rf"(?:^|[\s:])({_WORD}){_SEP}({_NUM}){_UNIT}$")
_TEXT_AFTER = re.compile(rf"^(?:.*:\s*)?({_WORD}){_SEP}({_WORD})$")
_TEXT_FOR = re.compile(rf"^({_WORD})\s+for\s+({_WORD})$")
_PAREN = re.compile(rf"\(\s?({_NUM}{_UNIT})\s?\)")  # "Fedora (58)": "Fedora  58"
_ITEMS = re.compile(r"[,;()\[\]\n]|\.(?=\s|$)|\s(?:and|or)\s|\s[/\-–—]\s")  # linear: items are stripped
MAX_LEAD = 3  # words before a value: "Nigiri takes 120", "Stoneware is 30"


def _pair(item: str) -> tuple[str, str, str] | None:
    """(kind "n" or "t", the word, the value) of one listed item, else None."""
    tail = item.rsplit(":", 1)[-1].strip()
    m = _NUM_FOR.match(tail)
    if m:
        return "n", m.group(2), m.group(1)
    m = _NUM_END.search(tail)
    if m:  # the first word of a short item before its number: "Green 80", "Nigiri takes 120"
        lead = [w for w in tail[: m.start()].split() if re.fullmatch(_WORD, w)]
        if len(tail[: m.start()].split()) <= MAX_LEAD and lead and lead[0].lower() not in _STOP:
            return "n", lead[0], m.group(1)
    m = _NUM_AFTER.search(item)
    if m:  # the word before the number: "Gold: 3 kg"
        return "n", m.group(1), m.group(2)
    m = _TEXT_FOR.match(tail)
    if m and m.group(1).lower() not in _STOP:
        return "t", m.group(2), m.group(1)
    m = _TEXT_AFTER.match(item)
    if m and m.group(2).lower() not in _STOP:
        return "t", m.group(1), m.group(2)
    return None


def _texts(described: str) -> list[str]:
    """The description, and the descriptions its input schema gives its parameters."""
    head, sep, tail = described.partition("\n{")
    out = [head]
    if sep:
        try:
            schema = json.loads("{" + tail)
        except ValueError:
            return out
        stack: list[Any] = [schema]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                d = node.get("description")
                if isinstance(d, str):
                    out.append(d)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return out


@functools.lru_cache(maxsize=256)
def tables(described: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The tables the text states: (kind, ((word lowercased, value), ...)), two pairs at least, listed one
    after the other; a word given two values in one table is dropped."""
    out: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for text in _texts(described or ""):
        text = _PAREN.sub(r" \1", text)
        run: list[tuple[str, str, str]] = []
        for item in [*_ITEMS.split(text), ""]:
            item = " ".join(item.split())
            got = _pair(item) if item else None
            if got is not None and got[1].lower() not in _STOP and (not run or run[0][0] == got[0]):
                run.append(got)
                continue
            _close(run, out)
            run = [got] if got is not None and got[1].lower() not in _STOP else []
    return tuple(out)


def _close(run: list[tuple[str, str, str]], out: list[tuple[str, tuple[tuple[str, str], ...]]]) -> None:
    if len(run) < 2:
        return
    rows: dict[str, str | None] = {}
    for _kind, word, value in run:
        w = word.lower()
        rows[w] = value if rows.get(w, value) == value else None
    kept = tuple((w, v) for w, v in rows.items() if v is not None)
    if len(kept) >= 2 and len({v.lower() for _w, v in kept}) >= 2:
        out.append((run[0][0], kept))


def _kind(v: Any) -> str | None:
    if v.__class__ is int or v.__class__ is float:
        return "n"
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return "n"
    if isinstance(v, str) and 0 < len(v) <= MAX_TEXT:
        return "n" if re.fullmatch(_NUM, v.strip()) else "t"
    return None


def _same(kind: str, table_value: str, v: Any) -> bool:
    if kind == "n":
        try:
            return abs(float(table_value) - float(v)) < 1e-9
        except (TypeError, ValueError):
            return False
    return str(v).strip().lower() == table_value.lower()


def _words(tokens: Sequence[Token]) -> list[str]:
    return _explain_described.ordered_words((t.kind, t.text) for t in tokens)


@functools.lru_cache(maxsize=4096)
def _key(path: ex.Path) -> str:
    return json.dumps([KEY, *path]) + SUFFIX


def _copies(v: Any, tokens: Sequence[Token]) -> bool:
    return isinstance(v, str) and any(t.text == v for t in tokens)


def record(plan: Plan, args: Sequence[Any], tokens: Sequence[Token]) -> None:
    """Widen each step's record of the goal's words against its argument leaves by one run (in place)."""
    stated = {t.text for t in tokens}
    todo: list[tuple[PlanStep, str, Any]] = []
    for i, step in enumerate(plan.steps):
        a = args[i] if i < len(args) else None
        if not isinstance(a, dict):
            continue
        for leaf in step.leaves:
            try:
                v = ex.walk(a, leaf.path)
            except ex.Unavailable:
                continue
            if isinstance(v, str) and v in stated:
                continue  # the goal states it
            if _kind(v) is not None:
                todo.append((step, _key(tuple(leaf.path)), v))
    if not todo:
        return
    words = _words(tokens)
    for step, key, v in todo:
        _add(step, key, words, v)


@functools.lru_cache(maxsize=4096)
def _parsed(rec: str) -> dict[str, str]:
    """A record read once (never changed in place: `_add` copies it)."""
    out: dict[str, str] = json.loads(rec)
    return out


def _add(step: PlanStep, key: str, words: list[str], v: Any) -> None:
    old = step.seen.get(key)
    rec = _parsed(old) if isinstance(old, str) else {}
    got = str(v) if v.__class__ is int else json.dumps(v)
    new: dict[str, str] = {}
    size = len(rec)
    for w in words:
        row = rec.get(w)
        if row is None:
            if size >= MAX_WORDS:
                if FULL not in rec:
                    new[FULL] = "1"
                continue
            new[w] = got
            size += 1
        elif row != got and row != DEAD:
            new[w] = DEAD
    if new or not isinstance(old, str):  # a run that changes nothing leaves the record as it is
        step.seen = {**step.seen, key: json.dumps({**rec, **new}, sort_keys=True)}


def union(a: Any, b: Any) -> str:
    """The records of two readings of one step's runs, united (a word with two values: "x")."""
    ra: dict[str, str] = json.loads(a) if isinstance(a, str) else {}
    rb: dict[str, str] = json.loads(b) if isinstance(b, str) else {}
    out = dict(ra)
    for w, got in rb.items():
        out[w] = got if out.get(w, got) == got else DEAD
    return json.dumps(out, sort_keys=True)


def _agrees(kind: str, rows: tuple[tuple[str, str], ...], rec: dict[str, str]) -> bool:
    """Some run's goal held a described word, and every run's that did had that word's value."""
    hit = False
    for w, value in rows:
        row = rec.get(w)
        if row is None:
            continue
        if row == DEAD or not _same(kind, value, json.loads(row)):
            return False
        hit = True
    return hit


def problem(plan: Plan, env: ex.Env, step: int, arguments: dict[str, Any], described: str | None) -> str | None:
    """Before the call of `step` (not a read): a leaf whose value a described table the runs agree with gives
    otherwise for a word of the live goal (the module's rule), else None."""
    if not described:
        return None
    found = tables(described)
    if not found:
        return None
    st = plan.steps[step]
    live = set(_words(env.tokens))
    for leaf in st.leaves:
        rec_s = st.seen.get(_key(leaf.path))
        if not isinstance(rec_s, str):
            continue
        try:
            v = ex.walk(arguments, leaf.path)
        except ex.Unavailable:
            continue
        kind = _kind(v)
        if kind is None or _copies(v, env.tokens):
            continue
        rec = _parsed(rec_s)
        for tkind, rows in found:
            if tkind != kind or not _agrees(tkind, rows, rec):
                continue
            for w, value in rows:
                if w in live and not _same(tkind, value, v):
                    shown = ", ".join(f"{a} {b}" for a, b in rows[:5]) + (", ..." if len(rows) > 5 else "")
                    return (
                        f"{st.name}.{ex.format_path(leaf.path)} = {json.dumps(v)}: the tool's description gives "
                        f"{value} for {w!r} ({shown}), a table every supporting run agrees with, and {w!r} is "
                        "in the goal: the hypotheses disagree"
                    )
    return None


def explain(plan: Plan, step: PlanStep, path: ex.Path, value: Any, env: ex.Env, described: str | None) -> list[ex.Cand]:
    """When this run leaves the argument at `path` with no explanation: each table the tool's description
    states that explains every supporting run and this one (`_explain_described`), as an explanation; []
    when none does. A supporting run whose goal held no described word, a described word that came with
    another value (or with two), or a record that missed a word (`FULL`), and it explains nothing."""
    kind = _kind(value)
    rec_s = step.seen.get(_key(tuple(path)))
    if not described or kind is None or not isinstance(rec_s, str) or not plan.evidence_tokens:
        return []
    rec = _parsed(rec_s)
    if FULL in rec:
        return []
    live = _explain_described.words((t.kind, t.text) for t in env.tokens)
    out: list[ex.Cand] = []
    for tkind, rows in tables(described):
        if tkind != kind:
            continue
        table = dict(rows)
        now = [w for w in table if w in live]
        at = [p for p, t in enumerate(env.tokens) if _explain_described.words([(t.kind, t.text)]) & table.keys()]
        if len(at) != 1 or not all(_explain_described.same(kind, table[w], value) for w in now):
            continue  # the described words in one goal value, of this run's value
        pos = at[0]
        runs = [_explain_described.words(("word", t) for t in texts) for texts in plan.evidence_tokens]
        if not all(
            len(t) > pos and _explain_described.words([("word", t[pos])]) & table.keys() for t in plan.evidence_tokens
        ):
            continue  # a run the table does not explain: its goal value held no described word
        seen = {w: rec[w] for w in table if w in rec}
        if any(v == DEAD or not _explain_described.same(kind, table[w], json.loads(v)) for w, v in seen.items()):
            continue
        if any(w in table and w not in seen for run in runs for w in run):
            continue  # a word a run held that the record does not have (a token of another kind)
        got = json.dumps(value)
        if any(seen.setdefault(w, got) != got for w in now):
            continue
        out.append((_explain_described.KIND, ("tok", pos), kind, rows, tuple(sorted(seen.items()))))
    return out
