"""Rule 2 for an argument a word of a goal value decides: the lookup table is a rival hypothesis.

"Book a peal of Plain Bob Major at Ashby tower": the ringers are the method's stage, its last word
(Minor 6, Major 8, Royal 10), and every supporting run rang at a tower whose bells matched the stage, so
"ringers = the tower's bells" (a result number) explained every run as well. The explanations have no
form for a table from a word to a value; the replay used the bells, and booked 8 ringers for a Minor
(`bench/families_heldout29.py` h29_peal: wrong 5 and 6 of 176 at seeds 7 and 41 on redAM).

So every supporting run records, for each argument leaf of a call and each goal value of several words
(a slot the goal's alignment joined: "Plain Bob Major"), its first and its last word against the leaf's
value, under `["~wtab", token position, 0 or -1, *path]|g` in the step's `seen`: word -> [the value as
JSON, the goal value it came in, or "+" once it came in two different ones]. A word seen with two values,
a value that copies the word, or more than `MAX_WORDS` words kill the record ("x"): no table.

The table is a rival when it is one the runs could tell from a key lookup or a constant: two words at
least, two values at least, and a word that came in two different goal values with its one value (the
word, not the whole value, went with the argument: "Major" in "Plain Bob Major" and in "Cambridge
Surprise Major"). Live, before a call that is not a read, when the table is a rival:
- the live word is in the table with another value than the replay's: the hypotheses disagree (rule 2);
- the live word is not in the table: the table has no value for it, the replay's value is vouched for
  by its own explanation only, where the runs showed a word deciding that very value (rule 1 as well:
  no evidence for a word the runs never had there). The model decides. A new goal value of seen words
  ("Kent Treble Bob Major" after "Plain Bob Major") replays when the table agrees.
A table that is not a rival still predicts a value for a word the runs saw in ANOTHER goal value ("Leach
Stoneware" 30, live "Cardew Stoneware"): a key lookup of the whole value has no value for the live one, the
word's table has one, and when it is not the replay's the hypotheses disagree (rule 2): the model decides
(`bench/families_wtab.py` wt_kiln: every run's kiln matched its body until a Stoneware went into a 25 cm
kiln, and a crystallized replay loaded it on the kiln's shelves). The same goal value, or a word the runs
never had, is what a key lookup explains as well: it replays as before.
A leaf an explanation copies or computes from the goal's own values alone is not checked (the goal states
it), nor a plan whose runs recorded nothing (a plan from before this record): a table is a hypothesis the
runs must show, not a default.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llmos.learning import _explain_tables
from llmos.learning import explain as ex
from llmos.learning._plan_parts import Leaf
from llmos.learning.goals import Token
from llmos.learning.plans import Plan, PlanStep

__all__ = ["KEY", "explain", "problem", "record", "remap"]

KEY = "~wtab"
DEAD = "x"
MAX_WORDS = _explain_tables.MAX_WORDS
_ENDS = _explain_tables.ENDS


def _key(pos: int, end: int, path: ex.Path) -> str:
    return json.dumps([KEY, pos, end, *path]) + "|g"


def _phrases(tokens: Sequence[Token]) -> list[tuple[int, str, list[str]]]:
    """The goal values of several words: (position, the value, its words)."""
    return [(p, t.text, t.text.split()) for p, t in enumerate(tokens) if t.kind == "word" and " " in t.text.strip()]


def _goal_stated(leaf: Leaf) -> bool:
    """Whether some explanation kept reads the goal's own values only (the goal states the value)."""
    for c in ex.awake(leaf.cands):
        if c[0] in _explain_tables.KINDS:
            continue  # a table itself (a goal word's, a described one): a word's value, not the goal's
        rs = list(ex.refs(c))
        if rs and all(r[0] == "tok" for r in rs):
            return True
    return False


def record(plan: Plan, args: Sequence[Any], tokens: Sequence[Token]) -> None:
    """Widen each step's tables by one run (in place)."""
    phrases = _phrases(tokens)
    if not phrases:
        return
    for i, step in enumerate(plan.steps):
        a = args[i] if i < len(args) else None
        if not isinstance(a, dict):
            continue
        for leaf in step.leaves:
            try:
                v = ex.walk(a, leaf.path)
            except ex.Unavailable:
                continue
            if not _explain_tables.scalar(v):
                continue
            for pos, value, words in phrases:
                for end in _ENDS:
                    _add(step, _key(pos, end, leaf.path), words[end], value, v)


def _add(step: PlanStep, key: str, word: str, value: str, v: Any) -> None:
    old = step.seen.get(key)
    if old == DEAD:
        return
    table: dict[str, list[str]] = json.loads(old) if isinstance(old, str) else {}
    got = json.dumps(v)
    row = table.get(word)
    full = row is None and len(table) >= MAX_WORDS
    if _explain_tables.copies(word, v) or (row is not None and row[0] != got) or full:
        step.seen = {**step.seen, key: DEAD}
        return
    if row is None:
        table[word] = [got, value]
    elif row[1] != value:
        table[word] = [got, "+"]
    step.seen = {**step.seen, key: json.dumps(table, sort_keys=True)}


def remap(seen: dict[str, Any], m: dict[int, int]) -> dict[str, Any]:
    """The records with their goal positions moved to another wording's (`m`; one it lacks is dropped)."""
    out: dict[str, Any] = {}
    for key, rec in seen.items():
        if key.startswith(f'["{KEY}"'):
            parts = json.loads(key.rpartition("|")[0])
            if int(parts[1]) not in m:
                continue
            key = _key(m[int(parts[1])], int(parts[2]), tuple(parts[3:]))
        out[key] = rec
    return out


def _rival(table: dict[str, list[str]]) -> bool:
    """`_explain_tables.rival` of the recorded table (word -> [value, goal value or "+"])."""
    return _explain_tables.rival(tuple((w, row[0], row[1]) for w, row in table.items()))


def problem(plan: Plan, env: ex.Env, step: int, arguments: dict[str, Any]) -> str | None:
    """Before the call of `step` (not a read): a leaf's value the goal word's table, a rival every
    supporting run fits, gives otherwise or has no value for (the module's rule), else None."""
    st = plan.steps[step]
    phrases = _phrases(env.tokens)
    if not phrases:
        return None
    for leaf in st.leaves:
        if _goal_stated(leaf):
            continue
        try:
            v = ex.walk(arguments, leaf.path)
        except ex.Unavailable:
            continue
        if not _explain_tables.scalar(v):
            continue
        for pos, value, words in phrases:
            for end in _ENDS:
                rec = st.seen.get(_key(pos, end, leaf.path))
                if not isinstance(rec, str) or rec == DEAD:
                    continue
                table: dict[str, list[str]] = json.loads(rec)
                word = words[end]
                row = table.get(word)
                rival = _rival(table)
                if not rival and (row is None or row[1] == value):
                    continue  # a key lookup: no value for a new word, the same as the runs' for the same value
                where = f"{st.name}.{ex.format_path(leaf.path)} = {json.dumps(v)}"
                if row is None:
                    return (
                        f"{where}: in every supporting run the {'first' if end == 0 else 'last'} word of a goal "
                        f"value decided it ({_show(table)}), and {word!r} (in {value!r}) is a word none had there"
                    )
                if row[0] != json.dumps(v):
                    return (
                        f"{where}: in every supporting run {word!r} (the {'first' if end == 0 else 'last'} word "
                        f"of {value!r}) went with {row[0]}: the hypotheses disagree"
                    )
    return None


def _show(table: dict[str, list[str]]) -> str:
    return ", ".join(f"{w} {row[0]}" for w, row in sorted(table.items())[:4]) + (", ..." if len(table) > 4 else "")


def explain(step: PlanStep, path: ex.Path, value: Any, env: ex.Env) -> list[ex.Cand]:
    """When this run leaves the argument at `path` with no explanation: each goal word's table every
    earlier run recorded (`record`) that this run's value fits too and that is a rival (`_rival`), as an
    explanation (`_explain_tables`); [] when none is."""
    out: list[ex.Cand] = []
    for key, rec in step.seen.items():
        if not key.startswith(f'["{KEY}"') or not isinstance(rec, str) or rec == DEAD:
            continue
        parts = json.loads(key.rpartition("|")[0])
        if tuple(parts[3:]) != tuple(path):
            continue
        table: dict[str, list[str]] = json.loads(rec)
        rows = tuple(sorted((w, row[0], row[1]) for w, row in table.items()))
        cand: ex.Cand = (_explain_tables.KIND, ("tok", int(parts[1])), int(parts[2]), rows)
        got = _explain_tables.refit(cand, value, env)
        if got is not None and _explain_tables.rival(got[3]) and got not in out:
            out.append(got)
    return out
