"""Rule 1's records of one run, extracted from the run alone (`_seen.record` merges them into the plan).

What `_seen.record` adds to a plan's `seen` for one run is a function of the run and of the plan's step
structure only: each step's tool name and group, which are the run's own calls' (a run merges only into
a plan of its tool sequence). `extract` computes it from those, without the plan: for each step with a
result, (step, the records, json(path)|kind -> ("n", number) or ("t", (template, numbers)); the goal
values' and arguments' presence flags, `_seen_mentions`). `_seen.record` then merges them into the plan's
records, which is all that depends on the plan.

A bulk observe (`_bulk_pool`) extracts runs ahead in worker processes and leaves each run's extraction on
its `Env` (`keep`); `taken` hands it to `_seen.record` once, and only when the inputs it was made from are
the very ones `record` got (the same objects, the same tool names and groups): otherwise `record`
extracts as before. Also here: the helpers the extraction shares with the checks (`scalars`, `_observed`,
`masks_of`), re-exported by `_seen`.
"""

from __future__ import annotations

import json
import operator
from typing import Any

from llmos.learning import _run_facts, _seen_derived, _seen_groups, _seen_joint, _seen_kinds, _shortcuts
from llmos.learning import _seen_mentions as _mentions
from llmos.learning import _seen_roles as _roles
from llmos.learning import _value_kinds as _kinds
from llmos.learning import explain as ex
from llmos.learning._run_facts import RunFacts
from llmos.learning._seen_text import Templates, mask_values, template_in
from llmos.learning.goals import Token
from llmos.learning.plans import path_key

Obs = dict[str, tuple[str, Any]]
Step = tuple[int, Obs, dict[str, dict[str, int]]]  # (step, its records, its presence flags)

_KEPT = "seen_extract"  # the Env.memo key of a run's extraction made ahead (`keep`, `taken`)


def _text_of(v: Any) -> str:
    if isinstance(v, str):
        return v
    if v is True or v is False or v is None:  # most results' flags: json.dumps's words, without the call
        return "true" if v is True else "false" if v is False else "null"
    return json.dumps(v)


def scalars(parsed: Any, text: str, lv: list[tuple[ex.Path, Any]] | None = None) -> list[tuple[ex.Path, Any]]:
    """The scalar values of a result (a plain-text result is one text at []; `lv`: its leaves, when
    already listed)."""
    if parsed is ex.NOT_JSON:
        return [((), text)]
    out = []
    for n, (p, v) in enumerate(ex.leaves(parsed) if lv is None else lv):
        if n >= ex.MAX_LEAVES:
            break
        out.append((p, v))
    return out


def _observed(
    values: list[tuple[ex.Path, Any]], masks: list[str], known: Templates | None = None
) -> dict[str, tuple[str, Any]]:
    """`known`: text -> its template under these `masks`, shared by the readings of one result in a run
    (by path, by role, two reads' words: `record`); read and filled here."""
    out: dict[str, tuple[str, Any]] = {}
    for p, v in values:
        ident = _kinds.number_id_shape(p, v)
        if ident is not None:  # a whole number under an identifier's key: its shape, not its range
            out[path_key(p) + "|t"] = ("t", (ident, []))
        elif ex.is_num(v):
            out[path_key(p) + "|n"] = ("n", float(v))
        else:
            out[path_key(p) + "|t"] = ("t", template_in(_text_of(v), masks, known))
    return out


def masks_of(
    groups: list[int], tokens: list[Token], args: list[Any], i: int, facts: RunFacts | None = None
) -> list[str]:
    """The masks for step i's result: goal values and the arguments of the calls of its own group,
    earlier groups and the next group (computed before that group runs, which is when i is checked;
    `groups`: each step's group; `facts`: the run's, whose argument leaves are listed once)."""
    g = groups[i]
    values: list[Any] = []
    for k, group in enumerate(groups):
        if group <= g + 1 and k < len(args) and args[k] is not None:
            values.extend(v for _p, v in (ex.leaves(args[k]) if facts is None else facts.arg_leaves(k)))
    return mask_values(tokens, values, [])


def extract(
    groups: list[int],
    names: list[str],
    tokens: list[Token],
    args: list[Any],
    texts: list[str | None],
    parsed: list[Any],
    env: ex.Env | None = None,
) -> list[Step]:
    """One run's records, step by step (`groups`, `names`: the plan's steps'; see the module docstring).
    `env`: the run's Env, whose results' leaves are then listed once, and which keeps the run's facts
    (`_run_facts`: made once per run, shared by every recorder below)."""
    facts = _run_facts.of(env, tokens, args)
    masks = facts.masks  # the masks depend on the steps whose arguments they mask
    earlier: _seen_derived.Earlier = []  # the dates of the results before: days between two steps' dates
    goal_src = facts.goal_sources()  # the goal's part of every step's sources
    arg_src = facts.arg_texts  # and the calls' argument texts, listed once per run
    reads: list[tuple[int, _seen_derived.Numbers]] = []  # the numbers of the reads before: across reads
    texts_read: _seen_joint.Reads = []  # and their words
    cats_read: _seen_kinds.Reads = []  # and their categories
    once = _seen_derived.called_once(names)
    out: list[Step] = []
    for i, group in enumerate(groups):
        text = texts[i] if i < len(texts) else None
        if text is None:
            continue
        if _shortcuts.ON:
            key = tuple(k for k, g in enumerate(groups) if g <= group + 1)
            if key not in masks:
                masks[key] = masks_of(groups, tokens, args, i, facts)
            step_mask = masks[key]
        else:
            step_mask = masks_of(groups, tokens, args, i)
        lv = env.result_leaves(i) if env is not None and env.parsed[i] is parsed[i] else None
        values = scalars(parsed[i], text, lv)
        here = facts.step(values) if _shortcuts.ON else None  # this result's facts, for the quantities
        known: Templates | None = {} if _shortcuts.ON else None  # each text's template, made once here
        obs = _observed(values, step_mask, known)
        roles = _roles.goal_items(values, tokens)  # a goal item's role, for the records by role and derived
        obs.update(_observed(_roles.roled(values, roles), step_mask, known))  # by role too
        obs.update(_observed(_roles.from_end(values, _roles.lengths(values)), step_mask, known))  # from the end
        mine = _seen_derived.read_numbers(values, step_mask) if once[i] else []  # a tool called once
        periods_from = [(j, v) for j, v in earlier if once[j]] if once[i] else []  # a period in another read
        across = (reads, mine) if once[i] else None
        obs.update(_seen_derived.observe(values, tokens, earlier, across, periods_from, roles, here))
        if dates := _seen_derived.date_values(values):
            earlier.append((i, dates))
        reads.append((i, mine))  # none: pairs with nothing
        if once[i]:  # the words of two reads, pair by pair (`_seen_joint`)
            words = _seen_joint.read_texts(values, step_mask, known)
            obs.update(_seen_joint.observe(texts_read, words, i))
            texts_read.append((i, words))
        obs.update(_seen_groups.observe(values, step_mask, known))  # a list's items by their kind
        obs.update(_seen_kinds.observe(values, step_mask, known, cats_read if once[i] else []))  # numbers by kind
        if once[i] and (cats := _seen_kinds.read_categories(values, step_mask, known)):
            cats_read.append((i, cats))
        src = _mentions.sources_of(groups, tokens, args, i, goal_src, arg_src, facts.arg_leaves)  # what a text may hold
        out.append((i, obs, _mentions.observe(values, src)))
    return out


def keep(
    env: ex.Env, groups: list[int], names: list[str], tokens: list[Token], args: list[Any], got: list[Step]
) -> None:
    """Leave a run's extraction, made ahead from these inputs (`env`: the run's), for `_seen.record`."""
    env.memo[_KEPT] = (env.parsed, (groups, names, tokens, list(args), env.texts, got))


def taken(
    env: ex.Env | None,
    groups: list[int],
    names: list[str],
    tokens: list[Token],
    args: list[Any],
    texts: list[str | None],
    parsed: list[Any],
) -> list[Step] | None:
    """The extraction `keep` left, taken once (a second record of the run extracts afresh: no record shares
    containers with another plan's), when it was made from these very inputs; else None."""
    hit = env.memo.pop(_KEPT, None) if env is not None else None
    if hit is None or hit[0] is not parsed:
        return None
    g, n, t, a, tx, got = hit[1]
    same = t is tokens and tx is texts and len(a) == len(args) and all(map(operator.is_, a, args))
    return got if same and g == groups and n == names else None
