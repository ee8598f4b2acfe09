"""A table a tool's description states, as the explanation left (rule 2 with rule 1).

    ("dtab", ("tok", position), kind, ((word, table value), ...), ((word, the argument's value as JSON), ...))

"Block a Fedora hat for customer C-120": the block is the style's, and the tool says so ("Fedora (58),
Trilby (56), Boater (60), Cloche (54)"). Until a trap every run's customer record gave the same size, so
"block = the customer's last hat" explained every run; `_described_tables` holds the table as a rival
that must agree. At the trap the record said 57, the described table stopped the replay, and the model
blocked 58: the read is dead, and with it every explanation of the block, so the plan was marked
contradicted for good and every later goal went to the model (desc3's ds_hat, ds_arrow, ds_wax).

The table is then the one hypothesis left, and it is made one (`_described_tables.explain`) only when it
explains EVERY supporting run: each run's goal held a described word, and each described word a run held
came with the table's value in every run that held it (the per-run record `["~dtab", *path]|d`), this run
included, and in every run the described word stood in the same goal value (`position`: the explanation reads
that value, so the argument depends on a slot, not a constant). Live (`evaluate`), that goal value must hold a
described word, and the value is the one the runs gave the live goal's described words: every
described word of the goal must have been seen in a supporting run (rule 1: a word the description lists
but no run had is past the evidence), and all of them must give one value; anything else is Unavailable
and the model decides. Each later run refits it (`refit`): a run whose goal holds no described word, or
whose value is not its words' value, kills it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from llmos.learning._explain_values import Cand, Env, Unavailable

KIND = "dtab"
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]")

Rows = tuple[tuple[str, str], ...]


def ordered_words(texts: Iterable[tuple[str, str]]) -> list[str]:
    """The lowercased words of a goal's (kind, text) tokens, in order, once each (`_described_tables` records
    them so)."""
    out: dict[str, None] = {}
    for kind, text in texts:
        if kind == "word" or kind == "quoted":
            if text.isalpha() and len(text) > 1:
                out[text.lower()] = None
            else:
                for w in _WORD_RE.findall(text):
                    out[w.lower()] = None
    return list(out)


def words(texts: Iterable[tuple[str, str]]) -> set[str]:
    """`ordered_words` as a set."""
    return set(ordered_words(texts))


def same(kind: str, table_value: str, v: Any) -> bool:
    if kind == "n":
        if isinstance(v, bool):
            return False
        try:
            return abs(float(table_value) - float(v)) < 1e-9
        except (TypeError, ValueError):
            return False
    return isinstance(v, str) and v.strip().lower() == table_value.lower()


def _hits(cand: Cand, env: Env) -> list[tuple[str, str]] | None:
    """The described words of the live goal, None when the goal value the explanation reads holds none."""
    pos = cand[1][1]
    if pos >= len(env.tokens) or not words([(env.tokens[pos].kind, env.tokens[pos].text)]) & dict(cand[3]).keys():
        return None
    live = words((t.kind, t.text) for t in env.tokens)
    return [(w, v) for w, v in cand[3] if w in live]


def evaluate(cand: Cand, env: Env) -> Any:
    hits = _hits(cand, env)
    if not hits:
        raise Unavailable("the goal value the tool's described table reads holds no word of it")
    seen = dict(cand[4])
    got = {seen.get(w) for w, _v in hits}
    if None in got:
        raise Unavailable(f"{next(w for w, _v in hits if w not in seen)!r} is a described word no supporting run had")
    if len(got) != 1:
        raise Unavailable("the goal holds described words of different values")
    return json.loads(got.pop())  # type: ignore[arg-type]


def refit(cand: Cand, value: Any, env: Env) -> Cand | None:
    """The table after one more run whose argument is `value`; None when it does not explain the run."""
    hits = _hits(cand, env)
    if not hits or not all(same(cand[2], v, value) for _w, v in hits):
        return None
    seen = dict(cand[4])
    got = json.dumps(value)
    for w, _v in hits:
        if seen.setdefault(w, got) != got:
            return None
    return (KIND, cand[1], cand[2], cand[3], tuple(sorted(seen.items())))


def describe(cand: Cand, ref_text: str) -> str:
    shown = ", ".join(f"{w} {v}" for w, v in cand[3][:4]) + (", ..." if len(cand[3]) > 4 else "")
    return f"the tool's described table of a word of {ref_text}: {shown}"
