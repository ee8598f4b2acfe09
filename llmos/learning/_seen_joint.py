"""Rule 1 across two reads, for words: the pairs of categories two reads showed together.

Each value of two reads may be one the supporting runs saw while the two were never seen together: a
patient "blood group A, RhD negative" (seen: every run that issued a unit) and a unit "rhd": "positive"
(seen: runs whose patient was RhD positive), and main issued an Rh-positive unit to an Rh-negative patient
(`families_heldout18c.py` h18_xmatch, seed 41). Numbers have their order and difference across reads
(`_seen_products.read_differences`, `_envelope_facts`); words had nothing.

Recorded (`_seen.record`) for every two steps whose tool the plan calls once (`_seen_derived.called_once`):
each text leaf outside lists of the earlier read (`("@step", j, *path)`) with each text leaf outside lists
of this one, at most MAX_READ_TEXTS a read (more: a table, none), as one text record `["~xcat", a, b]|x`
(not "|t": no result path's text, `rule3` and the categories leave it alone) whose templates are the pairs
seen ("negative" + "blood group A, RhD negative" once rule 1's masks and numbers are out:
`_seen_text.template`). A plain-text result is one leaf (its template).

Checked (`_seen.seen_problem`, wherever rule 1 runs before a write) for a pair the runs recorded, while
neither leaf is consumed or echoed: a live pair of two values each seen in the pair's record but never
seen together stops the replay, unless the pairs seen are every combination of the values seen (the two
vary independently in the evidence: the decision did not hang on their pairing, as far as it shows).
A value the record never showed is left to rule 1's own check of that leaf. A loop's segment keeps
none (`_seen_mentions.strip`: two items' words pair nothing).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning import explain as ex
from llmos.learning._seen_derived import called_once
from llmos.learning._seen_products import plain_text
from llmos.learning._seen_text import Templates, readable, template_in

MAX_READ_TEXTS = 6  # text leaves of one read that pair up; more: a table, none
SEP = "\x1f"
_FLAGS = {True: "true", False: "false", None: "null"}  # json.dumps of a flag, without the call
KIND = "~xcat"

Texts = list[tuple[ex.Path, ex.Path, str]]  # (path, the path whose consumption decides, template)
Reads = list[tuple[int, Texts]]


def read_texts(
    values: list[tuple[ex.Path, Any]], masks: list[str], known: Templates | None = None
) -> Texts:
    """The text leaves of one read outside lists, as templates (a plain text: one, at ("#t",)); `known`:
    text -> (its template under these `masks`, ...) already made for this result (`_seen.record`)."""
    if plain_text(values):
        return [(("#t",), (), template_in(str(values[0][1]), masks, known)[0])]
    out: Texts = []
    for p, v in values:
        if ex.is_num(v) or any(map(ex.is_int, p)):
            continue
        text = v if isinstance(v, str) else _FLAGS[v] if (v is True or v is False or v is None) else json.dumps(v)
        out.append((p, p, template_in(text, masks, known)[0]))
        if len(out) > MAX_READ_TEXTS:
            return []
    return out


def pairs(reads: Reads, mine: Texts, i: int | None = None) -> dict[str, tuple[str, list[ex.Path]]]:
    """key -> (the pair's template, [the earlier leaf's consumption path, this one's]). With `i` (this
    step's index), also every two text leaves of this read itself, keyed as step i's leaf with this one's."""
    out: dict[str, tuple[str, list[ex.Path]]] = {}
    for j, texts in reads:
        for pa, ca, a in texts:
            for pb, cb, b in mine:
                out[pair_key(j, pa, pb)] = (a + SEP + b, [("@step", j, *ca), cb])
    if i is not None:  # one read's two leaves: a fuel and a deck of one vehicle's record
        for x, (pa, ca, a) in enumerate(mine):
            for pb, cb, b in mine[x + 1 :]:
                out[pair_key(i, pa, pb)] = (a + SEP + b, [("@step", i, *ca), cb])
    return out


def pair_key(j: int, pa: ex.Path, pb: ex.Path) -> str:
    """The record key of step j's leaf `pa` with this step's `pb`. With the shortcuts on, each is made once
    (the same steps and result paths come back in every run of a plan; paths hold texts and list indices)."""
    if _shortcuts.ON:
        try:
            return _cached_pair_key(j, pa, pb)
        except TypeError:  # a path as a list (unhashable)
            pass
    return _plain_pair_key(j, pa, pb)


def _plain_pair_key(j: int, pa: ex.Path, pb: ex.Path) -> str:
    return json.dumps([KIND, ["@step", j, *pa], list(pb)], ensure_ascii=False) + "|x"


_cached_pair_key = lru_cache(maxsize=1 << 15)(_plain_pair_key)


def observe(reads: Reads, mine: Texts, i: int | None = None) -> dict[str, tuple[str, Any]]:
    """The records' form (`_seen.merge`): key -> ("t", (template, no numbers))."""
    return {key: ("t", (t, [])) for key, (t, _paths) in pairs(reads, mine, i).items()}


def across(names: list[str], env: Any, i: int, scalars: Any, masks_of: Any) -> tuple[Reads, Texts]:
    """The text leaves of the reads before step i and of step i's, while each calls a tool the plan
    calls once (`names`)."""
    once = called_once(names)
    if i >= len(names) or i >= len(env.texts) or env.texts[i] is None or not once[i]:
        return [], []
    reads: Reads = []
    for j in range(i):
        if env.texts[j] is not None and once[j]:
            texts = read_texts(scalars(env.parsed[j], env.texts[j]), masks_of(j))
            if texts:
                reads.append((j, texts))
    return reads, read_texts(scalars(env.parsed[i], env.texts[i]), masks_of(i))


def problem(seen: dict[str, Any], reads: Reads, mine: Texts, unchecked: Any, i: int | None = None) -> str | None:
    """The first pair of two reads' values (with `i`: or of two leaves of this read) each seen, never seen
    together (see the module docstring)."""
    for key, (live, paths) in pairs(reads, mine, i).items():
        rec = seen.get(key)
        if not isinstance(rec, dict) or live in rec["t"] or any(unchecked(p) for p in paths):
            continue
        joint = [t.split(SEP, 1) for t in rec["t"]]
        firsts, seconds = {a for a, _b in joint}, {b for _a, b in joint}
        a, b = live.split(SEP, 1)
        if a not in firsts or b not in seconds or len(joint) >= len(firsts) * len(seconds):
            continue
        parts = json.loads(key.rsplit("|", 1)[0])
        j, pa, pb = int(parts[1][1]), tuple(parts[1][2:]), tuple(parts[2])
        first = f"this result's {_name(pa)}" if j == i else f"step {j + 1}'s {_name(pa)}"
        return (
            f"{first} {readable(a)!r} with this result's {_name(pb)} {readable(b)!r}: each seen, "
            f"never together in the supporting runs ({len(joint)} of the {len(firsts) * len(seconds)} pairs seen)"
        )
    return None


def _name(path: ex.Path) -> str:
    return "text" if path in ((), ("#t",)) else ex.format_path(path)
