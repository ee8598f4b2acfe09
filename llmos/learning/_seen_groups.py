"""Rule 1 for a list's items by their category: what the items of one kind showed, whatever their place.

Rule 1 keys a list item's values by its index (and a goal item's by its role, `_seen_roles`). Where the
items come in any order, each index shows every kind of item, and a value one kind never had passes
because another kind had it at that index: a gallery's textiles room at 53% humidity where stone rooms
at that index reached 58% and every textiles room stayed under 50 (the limit the write's description
states); a cast ballot box with a broken seal where only spare boxes had broken seals; this week's hose
entries of an allotment totalling 360 litres where every run's hose entries stayed under 300, each entry
and the whole week's total inside what the runs saw (`families_heldout25.py` h25_gallery, h25_ballot,
h25_hose). The pairs of two words of one read (`_seen_joint`) and the sums of a list (`~total`) take
no list item's kind.

Recorded (`_seen.record`) for every list of records in a result: each item's *category* leaves (a short
text of at most three words, no digit, no goal value or argument: `_category`; at most MAX_CATS an item)
key the item's other leaves: of a number, the least, the greatest and the sum over the items of that
category in this run (`["~inum", list, category leaf, category, leaf, "min"|"max"|"sum"]|n`); of a
short text, the set of texts the items of that category had (`["~icat", ...]|x`).

Checked (`_seen.seen_problem`, wherever rule 1 runs) for a category the supporting runs showed in two
runs or more, while neither leaf is consumed or echoed: an item's number beyond the least or greatest
its category showed, or a sum over the category outside the sums seen, stops the replay; so does a text
no item of that category had, that items of another category had, unless the pairs seen are every
combination of the categories and texts seen (the two varied independently). A category or a text no
run showed is rule 1's own check of the item's leaf.
"""

from __future__ import annotations

import json
from typing import Any

from llmos.learning import explain as ex
from llmos.learning._seen_text import Templates, template_in

MAX_CATS = 3  # category leaves of one item that key its other leaves
MAX_ITEM_LEAVES = 8  # leaves of one item (more: a table, none)
MAX_CAT_LEN = 24
SEP = "\x1f"
NUM, CAT = "~inum", "~icat"

Groups = dict[str, tuple[str, Any, list[ex.Path]]]  # key -> ("n", number | "t", texts joined, the leaves' paths)


def _category(v: Any, masks: list[str], known: Templates | None) -> str | None:
    if not isinstance(v, str):
        return None
    s = v.strip()
    if not s or len(s) > MAX_CAT_LEN or len(s.split()) > 3 or any(c.isdigit() for c in s):
        return None
    tmpl = template_in(s, masks, known)[0] if masks else s
    return s if tmpl == s else None  # a goal value or an argument: the item's role, not its kind


def _items(values: list[tuple[ex.Path, Any]]) -> dict[ex.Path, list[tuple[ex.Path, ex.Path, Any]]]:
    """item prefix (up to its index) -> [(the leaf's path in the item, its whole path, value)]."""
    out: dict[ex.Path, list[tuple[ex.Path, ex.Path, Any]]] = {}
    for p, v in values:
        k = max((n for n, x in enumerate(p) if isinstance(x, int)), default=-1)
        if k < 0 or k == len(p) - 1:
            continue
        item = tuple(p[: k + 1])
        out.setdefault(item, []).append((tuple(p[k + 1 :]), tuple(p), v))
    return out


def groups(values: list[tuple[ex.Path, Any]], masks: list[str], known: Templates | None = None) -> Groups:
    nums: dict[str, list[tuple[float, ex.Path, ex.Path]]] = {}
    texts: dict[str, list[tuple[str, ex.Path, ex.Path]]] = {}
    for item, leaves in _items(values).items():
        if len(leaves) > MAX_ITEM_LEAVES:
            continue
        cats = [(leaf, full, c) for leaf, full, v in leaves if (c := _category(v, masks, known)) is not None]
        for cleaf, cfull, c in cats[:MAX_CATS]:
            for leaf, full, v in leaves:
                if leaf == cleaf:
                    continue
                base = json.dumps([list(item[:-1]), list(cleaf), c, list(leaf)], ensure_ascii=False)[1:-1]
                if ex.is_num(v):
                    nums.setdefault(base, []).append((float(v), full, cfull))
                elif (t := _category(v, masks, known)) is not None:
                    texts.setdefault(base, []).append((t, full, cfull))
    out: Groups = {}
    for base, got in nums.items():
        paths = [p for _v, full, cfull in got for p in (full, cfull)]
        xs = [x for x, _f, _c in got]
        for what, x in (("min", min(xs)), ("max", max(xs)), ("sum", sum(xs))):
            out[f'["{NUM}", {base}, "{what}"]|n'] = ("n", x, paths)
    for base, gt in texts.items():
        paths = [p for _v, full, cfull in gt for p in (full, cfull)]
        out[f'["{CAT}", {base}]|x'] = ("t", SEP.join(sorted({t for t, _f, _c in gt})), paths)
    return out


def observe(values: list[tuple[ex.Path, Any]], masks: list[str], known: Templates | None = None) -> dict[str, Any]:
    """The records' form (`_seen.merge`)."""
    return {k: ("n", v) if kind == "n" else ("t", (v, [])) for k, (kind, v, _p) in groups(values, masks, known).items()}


def problem(seen: dict[str, Any], values: list[tuple[ex.Path, Any]], masks: list[str], unchecked: Any) -> str | None:
    """The first item's value (or a category's sum) outside what its category showed (module docstring)."""
    for key, (kind, v, paths) in groups(values, masks).items():
        rec = seen.get(key)
        if rec is None or any(unchecked(p) for p in paths):
            continue
        parts = json.loads(key.rsplit("|", 1)[0])
        where = f"{ex.format_path(tuple(parts[1]))}[*] of {ex.format_path(tuple(parts[2]))} {parts[3]!r}"
        leaf = ex.format_path(tuple(parts[4]))
        if kind == "n":
            lo, hi, n = rec[0], rec[1], rec[4]
            what = parts[5]
            bad = (what == "max" and v > hi + 1e-9) or (what == "min" and v < lo - 1e-9)
            bad = bad or (what == "sum" and not lo - 1e-9 <= v <= hi + 1e-9)
            if n >= 2 and bad:
                shown = "the items' sum" if what == "sum" else "an item's"
                return (
                    f"{where}: {shown} {leaf} = {v:g} is outside [{lo:g}, {hi:g}] seen for that kind of item "
                    f"in {n} supporting runs"
                )
            continue
        if not isinstance(rec, dict) or rec["n"] < 2:
            continue
        mine = {t for tm in rec["t"] for t in tm.split(SEP)}
        new = set(v.split(SEP)) - mine
        if new and (why := _crossed(seen, parts, new, where, leaf)):
            return why
    return None


def _crossed(seen: dict[str, Any], parts: list[Any], new: set[str], where: str, leaf: str) -> str | None:
    """A text of another category's items (not every combination seen): the pair was never seen."""
    prefix = json.dumps([CAT, parts[1], parts[2]], ensure_ascii=False)[:-1] + ", "
    suffix = ", " + json.dumps(parts[4], ensure_ascii=False) + "]|x"
    pairs: set[tuple[str, str]] = set()
    for k, r in seen.items():
        if k.startswith(prefix) and k.endswith(suffix) and isinstance(r, dict):
            cat = json.loads(k.rsplit("|", 1)[0])[3]
            pairs.update((cat, t) for tm in r["t"] for t in tm.split(SEP))
    cats, texts = {c for c, _t in pairs}, {t for _c, t in pairs}
    crossed = sorted(t for t in new if t in texts)
    if not crossed or len(pairs) >= len(cats) * len(texts):
        return None
    return (
        f"{where} has {leaf} {crossed[0]!r}: seen on other kinds of item only, never on this kind in the "
        f"supporting runs ({len(pairs)} of the {len(cats) * len(texts)} pairs seen)"
    )
