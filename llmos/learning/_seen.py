"""Rule 1, never extrapolate past the evidence: every value the supporting runs' results showed.

Before a step that is not read-only, every value of an earlier result of this run that no argument
consumes, or that an argument computes with rather than copies (`_derived`), must lie inside what the
supporting runs saw (`PlanStep.seen`, json(path)|kind -> record):

    number   [lo, hi, last, increasing, runs]        inside [lo, hi]
    text     {"n": runs, "d": 1 while every run showed a new template, "t": {template: [number, ...]}}
             the text with goal values, the calls' own arguments and consumed values masked out (one
             mask for a run of masked words: "New York" and "Paris" mask alike), and its numbers taken
             out as numbers (so "clearance 37 mm" is checked against the clearances seen). The template
             must be one seen; "already enrolled" and "not enrolled" are two templates. Identifiers
             (an IP address, a version, a ticket "INC-20931", a hash: `_value_kinds`) are replaced by
             their shape before numbers are taken out: checked for shape, never for range. A whole
             number under an identifier's key ("id", "zip") is such a shape too.

Booleans and nulls are texts ("true"). A plain-text result is one text at the path [].

Noise, on evidence only and after masking, once `noise_min_runs` runs show it: a text whose template
differed in every run (a request id), or a number that grew in every run (a counter, a timestamp;
a value at or above the least seen passes). Everything else is strict. Noise never drops a goal
value's presence: whether each goal value and argument occurs in a text, the same in every run, is
checked with every text (`_seen_mentions`). The private interior of `llmos.learning.envelope`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from llmos.learning import (
    _arg_dates,
    _derived,
    _seen_derived,
    _seen_extract,
    _seen_groups,
    _seen_joint,
    _seen_kinds,
)
from llmos.learning import _seen_mentions as _mentions
from llmos.learning import _seen_roles as _roles
from llmos.learning import explain as ex
from llmos.learning._derived import derived_paths
from llmos.learning._run_facts import RunFacts
from llmos.learning._seen_extract import _observed as _observed
from llmos.learning._seen_extract import _text_of as _text_of
from llmos.learning._seen_extract import masks_of
from llmos.learning._seen_extract import scalars as scalars
from llmos.learning._seen_records import MAX_TEMPLATES as MAX_TEMPLATES
from llmos.learning._seen_records import Seen as Seen
from llmos.learning._seen_records import _num_add as _num_add
from llmos.learning._seen_records import _num_new as _num_new
from llmos.learning._seen_records import _number_ok
from llmos.learning._seen_records import _text_add as _text_add
from llmos.learning._seen_records import fresh as fresh
from llmos.learning._seen_records import merge as merge
from llmos.learning._seen_text import MAX_TEXT, new_words
from llmos.learning._seen_text import counter_noise as counter_noise
from llmos.learning._seen_text import mask_values as mask_values
from llmos.learning._seen_text import readable as _readable
from llmos.learning._seen_text import show as _show
from llmos.learning._seen_text import template as template
from llmos.learning.goals import Token
from llmos.learning.plans import Plan, path_key
from llmos.learning.risk import RiskOf, writes_after

NO_NOISE = 1 << 30  # runs of noise no evidence reaches: a check without rule 1's noise


def excluded(path: ex.Path, consumed: set[ex.Path], echo: set[str]) -> bool:
    """A consumed path (or one inside a consumed value), or an echo of the call's own arguments."""
    if path_key(path) in echo:
        return True
    return any(path[: len(c)] == c for c in consumed)


def observe(parsed: Any, text: str, masks: list[str]) -> dict[str, tuple[str, Any]]:
    """json(path)|kind -> ("n", number) or ("t", (template, numbers)) for one run's result: every
    scalar (what is consumed or echoed is decided when checking, by the plan as it is then)."""
    return _observed(scalars(parsed, text), masks)


def consumed_paths(plan: Plan) -> dict[int, set[ex.Path]]:
    """Step -> the result paths an argument of a later step reads (by any explanation kept). Cached on
    the plan (`Plan.copy` drops the cache: a copy's explanations change)."""
    return _reads(plan, "_consumed", varying=False)


def varying_consumed(plan: Plan) -> dict[int, set[ex.Path]]:
    """Step -> the result paths an argument reads by an explanation of a leaf no constant explains too
    (`consumed_paths` without them): a truck count of 1 in every supporting run, explained as well by
    ceil(area x 0.01) as by the constant 1, shows no dependence on the area; the area does not decide that
    argument, so the quantities made of it (area x thickness) stay rule 1's (`families_heldout28.py`
    h28_pour: main ordered one truck for 8.5 m3). Nor does a rounded form with a constant the runs chose
    (`_derived.fit_formula`: floor(area x thickness / 365) read 1, 1, 2 trucks and gave 3 for a volume past
    every volume seen, where the rule is a threshold). Cached on the plan, as `consumed_paths` is."""
    return _reads(plan, "_consumed_varying", varying=True)


def _reads(plan: Plan, cache: str, varying: bool) -> dict[int, set[ex.Path]]:
    """Step -> the result paths the plan's kept explanations read (`varying`: see `varying_consumed`)."""
    cached: dict[int, set[ex.Path]] | None = plan.__dict__.get(cache)
    if cached is not None:
        return cached
    out: dict[int, set[ex.Path]] = {}
    for step in plan.steps:
        for leaf in step.leaves:
            cands = ex.awake(leaf.cands)  # a dormant explanation reads nothing (yet)
            if varying and any(c[0] == "const" for c in cands):
                continue
            for c in cands:
                if varying and _derived.fit_formula(c):  # a step function the runs chose: its operands' quantities stay
                    continue
                for r in ex.refs(c):
                    if r[0] == "res":
                        out.setdefault(int(r[1]), set()).add(tuple(r[2]))
    plan.__dict__[cache] = out
    return out


def step_masks(plan: Plan, tokens: list[Token], args: list[Any], i: int, facts: RunFacts | None = None) -> list[str]:
    """The masks for step i's result (`_seen_extract.masks_of`, by the plan's step groups)."""
    return masks_of([s.group for s in plan.steps], tokens, args, i, facts)


def problems(
    seen: Seen,
    obs: dict[str, tuple[str, Any]],
    noise_runs: int,
    consumed: set[ex.Path],
    echo: set[str],
    counters: bool = True,
) -> tuple[str | None, list[str]]:
    """(the first value outside what was seen, described; the paths passed as noise). Consumed and
    echoed values are not checked: the plan's explanations decide them. Not `counters`: no bare number is
    noise, however it grew (an answer that judged the results); a number inside a text still may."""
    noise: list[str] = []
    counted = noise_runs if counters else NO_NOISE
    for key, (kind, v) in obs.items():
        path = key.rsplit("|", 1)[0]
        if excluded(tuple(json.loads(path)), consumed, echo):
            continue
        rec = seen.get(key)
        if rec is None:
            return f"{_show(path)} holds a {'number' if kind == 'n' else 'text'} where no supporting run had one", noise
        if kind == "n":
            ok, by_noise = _number_ok(rec, v, counted)
            if not ok:
                return f"{_show(path)} = {v:g} is outside [{rec[0]:g}, {rec[1]:g}] seen in the supporting runs", noise
            if by_noise:
                noise.append(f"{_show(path)} (grew in all {rec[4]} supporting runs)")
            continue
        tmpl, nums = v
        if rec["d"] and rec["n"] >= noise_runs:
            unseen = new_words(tmpl, rec["t"])
            if unseen:  # noise is what differed, never a word no run showed ("hold", another name)
                return (
                    f"{_show(path)} reads {_readable(tmpl)!r}: the word(s) {', '.join(map(repr, unseen))} no "
                    "supporting run's text had (a text that differed in every run is noise only in words seen)"
                ), noise
            noise.append(f"{_show(path)} (differed in all {rec['n']} supporting runs)")
            continue
        known = rec["t"].get(tmpl)
        if known is None:
            seen_t = ", ".join(repr(_readable(t)) for t in list(rec["t"])[:3])
            return f"{_show(path)} reads {_readable(tmpl)!r}, a text never seen (seen: {seen_t})", noise
        for k, (r, x) in enumerate(zip(known, nums, strict=True)):  # a number inside a text ("HS-7003"): a
            ok, by_noise = _number_ok(r, x, noise_runs)  # reference that counts up stays a counter, judged or not
            if not ok:
                return (
                    f"{_show(path)}: its number #{k + 1} = {x:g} is outside [{r[0]:g}, {r[1]:g}] seen in the "
                    "supporting runs"
                ), noise
            if by_noise:
                noise.append(f"{_show(path)} number #{k + 1} (grew in all {r[4]} supporting runs)")
    return None, noise


def record(
    plan: Plan,
    tokens: list[Token],
    args: list[Any],
    texts: list[str | None],
    parsed: list[Any],
    env: ex.Env | None = None,
) -> None:
    """Widen every step's `seen` by one run (in place); `plan.seen_runs` counts the runs recorded.
    `env`: the run's Env (texts and parsed results), whose results' leaves are then listed once, and
    which keeps the run's facts (`_run_facts`) and, in a bulk observe, what a worker extracted from the
    run ahead (`_seen_extract.taken`: the very values `extract` gives for these inputs)."""
    groups, names = [s.group for s in plan.steps], [s.name for s in plan.steps]
    got = _seen_extract.taken(env, groups, names, tokens, args, texts, parsed)
    if got is None:
        got = _seen_extract.extract(groups, names, tokens, args, texts, parsed, env)
    run: list[tuple[int, Seen, dict[str, tuple[str, Any]], dict[str, Any]]] = []  # this run, step by step
    for i, obs, flags in got:
        step = plan.steps[i]
        new = merge(step.seen, obs) if plan.seen_runs else fresh(obs)
        run.append((i, step.seen if plan.seen_runs else {}, obs, flags))
        step.seen = _mentions.attach(step.seen if plan.seen_runs else {}, new, flags)
    # the weekdays of the dates the plan works out for its calls, the totals over the goal list's calls
    _arg_dates.record_run(plan, args, texts, env if env is not None else ex.Env(tokens, list(texts), list(parsed)))
    plan.seen_runs += 1
    plan.__dict__["_fit_run"] = run  # for the envelope of the runs the answer template fits (`_seen_answer.keep`)


def _unread(checked: list[tuple[ex.Path, Any]]) -> str | None:
    """A text past what rule 1 reads (its first `MAX_TEXT` characters are templated): the rest is no
    evidence, and a watch log's last line ("bulb two failed") may decide the write (`families_heldout27.py`
    h27_lamp). Only a text no argument consumes; the model decides."""
    for p, v in checked:
        if isinstance(v, str) and len(v) > MAX_TEXT:
            return (
                f"{_show(path_key(p))} is a text of {len(v)} characters, and rule 1 reads its first {MAX_TEXT}: "
                "what the rest says is no evidence"
            )
    return None


def seen_problem(
    plan: Plan,
    env: ex.Env,
    args: list[Any],
    i: int,
    noise_runs: int,
    risk_of: RiskOf | None,
    always: bool = False,
    decides: bool = False,
    counters: bool = True,
) -> tuple[str | None, list[str]]:
    """Before the group after step i's: (why step i's result is outside the evidence, or None; the
    values passed as noise). Only when a step of a later group is not read-only (a side effect is
    still ahead), or `always` (a conditional goal: the answer states which way it went), or the result
    `decides` the outcome (the supporting runs declined the goal's action on what their results said); only for
    plans whose evidence recorded what it saw (`seen_runs`). Not `counters`: no number passes as a counter
    (an answer that judged the results: a yes/no, the answer's own words, a declined goal)."""
    names = [s.name for s in plan.steps]
    groups = [s.group for s in plan.steps]
    text = env.texts[i] if i < len(env.texts) else None
    if not plan.seen_runs or text is None or not (always or decides or writes_after(i, names, groups, risk_of)):
        return None, []
    step = plan.steps[i]
    consumed, echo = consumed_paths(plan).get(i, set()), set(step.echo_paths)
    derived = derived_paths(plan).get(i, {})  # computed with, not copied: still rule 1's (`_derived`)
    checked, strict, loose = [], [], []
    values = scalars(env.parsed[i], text)
    for p, v in values:
        held = derived.get(p) if path_key(p) not in echo else None
        if not excluded(p, consumed, echo):
            checked.append((p, v))
        elif held == _derived.STRICT:
            strict.append((p, v))
        elif held is not None:
            loose.append((p, v))
    if not checked and not strict and not loose:  # every value is copied or echoed: the explanations decide
        return None, []
    every = checked + strict + loose
    masks = step_masks(plan, env.tokens, args, i) if any(not ex.is_num(v) for _p, v in every) else []
    # an answer that judged the results (not `counters`): a number that grew in every run is no noise there
    # (words3: a cell count that grew in 4 runs by chance let 900,000 cells pass as "milk to the vat"); rule 1
    # relaxes only on evidence that a value does not change the path. A read-only plan's answer that states
    # its results ("harbour crane 4 lifted 72 tonnes") judges nothing: a crane number stays a counter there
    why, noise = problems(step.seen, _observed(checked, masks), noise_runs, set(), set(), counters=counters)
    why = _unread(checked) or why  # a text past what rule 1 reads: the rest is no evidence
    if not why:  # a goal item's values by its role; the last items of a list by their place from the end
        why = _placed_problem(step.seen, checked, values, env.tokens, masks, noise_runs)
    if not why:  # noise may not drop a goal value's presence (nor a text that was not noise, its absence)
        why = _mentions.problem(plan, step.seen, every, _mentions.sources(plan, env.tokens, args, i))
    if not why and strict:  # a value a learned constant computes with: never noise (4 rising weeks of hours)
        why, _n = problems(step.seen, _observed(strict, masks), NO_NOISE, set(), set())
    if not why and loose:
        scaled = {path_key(p) + k for p, _v in loose if derived.get(p) == _derived.SCALED for k in ("|n", "|t")}
        why = _derived.loose_problem(step.seen, _observed(loose, masks), noise_runs, scaled)
    if not why:  # what the values imply: the days between two dates, a list's total
        why = _seen_derived.problem(
            step.seen,
            values,
            env.tokens,
            lambda p: _unchecked(plan, p, varying_consumed(plan).get(i, set()), echo, varying_consumed),
            _seen_derived.earlier_of(env.parsed, env.texts, i, scalars),
            _derived.pair_scope(plan, i, lambda p: excluded(p, consumed, echo), risk_of, decides),
            _seen_derived.across_of(names, env, i, scalars, lambda j: step_masks(plan, env.tokens, args, j)),
            _seen_derived.periods_of(names, env, i, scalars),
        )
    if not why:  # two reads' words each seen, never together; a list's items by their kind
        counted = noise_runs if counters else NO_NOISE  # a number by its kind may count up as its field does
        why = _pairs_problem(
            plan, env, args, i, names, values, masks, lambda p: _unchecked(plan, p, consumed, echo), counted
        )
    if why:
        where = "on which the supporting runs judged the goal" if decides else "before a step that changes the world"
        why = f"{step.name} returned a value outside the evidence {where}: {why}"
    return why, noise


def _placed_problem(
    seen: Seen,
    checked: list[tuple[ex.Path, Any]],
    values: list[tuple[ex.Path, Any]],
    tokens: list[Token],
    masks: list[str],
    noise_runs: int,
) -> str | None:
    """A goal item's plain values against the goal items the supporting runs showed (`_seen_roles`); the
    last items of a list against the items at that place from the end, where the runs recorded it."""
    roles = _roles.goal_items(values, tokens)
    why, _n = problems(seen, _observed(_roles.roled(checked, roles), masks), noise_runs, set(), set())
    if not why:
        ends = _observed(_roles.from_end(checked, _roles.lengths(values)), masks)
        why, _n = problems(seen, {k: o for k, o in ends.items() if k in seen}, noise_runs, set(), set())
    return why


def _pairs_problem(
    plan: Plan,
    env: ex.Env,
    args: list[Any],
    i: int,
    names: list[str],
    values: list[tuple[ex.Path, Any]],
    masks: list[str],
    unchecked: Callable[[ex.Path], bool],
    noise_runs: int = NO_NOISE,
) -> str | None:
    """Two reads' words each seen, never together (`_seen_joint`); a list item's values against the
    items of its kind (`_seen_groups`); a number against what its kind showed (`_seen_kinds`)."""
    masks_of = lambda j: step_masks(plan, env.tokens, args, j)  # noqa: E731
    why = _seen_joint.problem(plan.steps[i].seen, *_seen_joint.across(names, env, i, scalars, masks_of), unchecked, i)
    if not why:
        why = _seen_groups.problem(plan.steps[i].seen, values, masks, unchecked)
    if not why:  # a number against what its unit, its side, its flag showed
        reads = _seen_kinds.across(names, env, i, scalars, masks_of, _seen_derived.called_once(names))
        why = _seen_kinds.problem(plan.steps[i].seen, values, masks, reads, unchecked, noise_runs)
    return why


def _unchecked(
    plan: Plan,
    path: ex.Path,
    consumed: set[ex.Path],
    echo: set[str],
    table: Callable[[Plan], dict[int, set[ex.Path]]] = consumed_paths,
) -> bool:
    """An operand consumed or echoed; ("@step", j, *path): step j's (a difference across two reads);
    `table`: which paths count as consumed (`varying_consumed` for the implied quantities)."""
    if path[:1] != ("@step",):
        return excluded(path, consumed, echo)
    return excluded(path[2:], table(plan).get(int(path[1]), set()), set(plan.steps[int(path[1])].echo_paths))
