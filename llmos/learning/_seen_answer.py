"""Rule 5 with rule 1: an answer is judged only against the runs its template fits.

A run whose final answer the plan's template does not fit contradicts it: the model said something
else over those results (a reading in Fahrenheit it converted, a cancelled order it did not count), and
the template starts again (`answers.learn`). Rule 1's envelope (`PlanStep.seen`) still holds what that
run's results showed, so a later result with the same thing (an 'F' at the same position) looks "seen",
and a replay would state the template's figure where the model had answered otherwise. The evidence for
an answer is therefore the runs its template fits, and only those: `PlanStep.fit_seen`, the same records
as `seen` (`_seen.merge`, `_seen_mentions.attach`) over the last `Plan.fit_runs` runs the template fits.
While the template fits every run the plan recorded (`fit_runs` 0), that envelope is `seen` itself and
nothing more is kept. A run recorded without teaching the answer (a replay the model finished that did
not succeed) is no run the template fits either. A contradiction is never forgotten because later runs
agreed: what only the contradicting run showed is outside this envelope for good.

`_seen.record` leaves one run's observations on the plan; `keep` (after `answers.learn`) moves them
into the answer's envelope; `view` is the plan as rule 1 judges the answer against it, for
`answer_seen_problem` (rule 1 for the numbers a computed answer reads, and its picks) and for rule 1
on every result before such an answer (`replay_plan.BoundPlan.answer`, `CrystallizedRun.answer`).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from llmos.learning import _derived, _seen_picks
from llmos.learning import _seen_mentions as _mentions
from llmos.learning import explain as ex
from llmos.learning._answer_rules import computed, template_fits
from llmos.learning._derived import derived_paths
from llmos.learning._seen import (
    Seen,
    _observed,
    consumed_paths,
    excluded,
    fresh,
    merge,
    problems,
    scalars,
    seen_problem,
    step_masks,
)
from llmos.learning._seen_text import readable, show
from llmos.learning.plans import Plan, path_key
from llmos.learning.risk import RiskOf, all_read_only

# one recorded run, per step: (step, its records before the run, the run's observations, its presence flags)
Run = list[tuple[int, Seen, dict[str, tuple[str, Any]], dict[str, Any]]]

_RUN = "_fit_run"  # the last recorded run, left on the plan's __dict__ by `_seen.record` until `keep` takes it


def keep(plan: Plan, before: list[Any], learned: bool = True) -> None:
    """After a recorded run (`before`: the answer template before it; `learned`: the run taught the answer,
    which is now `plan.answer`), the envelope of the runs the template fits (`fit_seen`: of the runs on
    which every explanation of `fit_ref` gave what the answer stated)."""
    run: Run | None = plan.__dict__.pop(_RUN, None)
    if run is None:
        return
    now, n = plan.answer, template_fits(plan.answer)
    if learned and n and n == plan.seen_runs:  # the template fits every run recorded: its envelope is `seen`
        _clear(plan)
        return
    if learned and not before and plan.seen_runs > 1:
        # a wording's first run of its own, on the runs its sibling lent (`wordings._written`): those runs
        # taught the lender's answer, never this one; its envelope starts from this run alone (before, this
        # run joined the lender's envelope: `seen`, or its `fit_seen` below; never narrower than this run)
        _start(plan, [(i, _mentions.attach({}, fresh(obs), flags)) for i, _old, obs, flags in run], 1, list(now))
        return
    if not plan.fit_runs:  # `seen` is the envelope, of the runs the template `before` fits
        if learned and (not before or (n and template_fits(before) and n == template_fits(before) + 1)):
            return  # and still is (a template continued; a plan's first template)
        if template_fits(before):  # this run is not one of them: the runs before it are
            _start(plan, [(i, old) for i, old, _obs, _flags in run], max(1, plan.seen_runs - 1), list(before))
    both = shared(now if not before else plan.fit_ref, now) if learned and n else None
    if both is not None:  # an explanation of the reference gave this run's answer: the run is one it fits
        for i, _old, obs, flags in run:
            step = plan.steps[i]
            step.fit_seen = _mentions.attach(step.fit_seen, merge(step.fit_seen, obs), flags)
        plan.fit_runs, plan.fit_ref = plan.fit_runs + 1, both
    elif learned and n and (n > 1 or not template_fits(plan.fit_ref)):
        # a template the reference's runs do not fit goes on (or none came before): its runs start again,
        # from this one (its first run, which contradicted the reference, stays out)
        _start(plan, [(i, _mentions.attach({}, fresh(obs), flags)) for i, _old, obs, flags in run], 1, list(now))
    # else: a contradiction (a run the reference does not fit, or one that taught no answer) stays out


def _start(plan: Plan, seen: list[tuple[int, Seen]], runs: int, ref: list[Any]) -> None:
    """The answer's envelope becomes `seen` (per step; a step this run did not record: what `seen` holds
    before it, when the runs before it are the envelope, else nothing), of `runs` runs that fit `ref`."""
    given = dict(seen)
    for i, step in enumerate(plan.steps):
        step.fit_seen = given.get(i, step.seen if runs > 1 else {})
    plan.fit_runs, plan.fit_ref = runs, ref


def shared(ref: Sequence[Any], now: Sequence[Any]) -> list[Any] | None:
    """`ref` narrowed to the explanations `now` keeps too, when each hole keeps one (None when not, or when
    the literal parts differ). Every explanation of `ref` gave the answer of each run it fits, and every
    one of `now` gave this run's: a run both fit is explained by the shared ones, and a replay that says
    `now` (only when all of its explanations agree) says what a shared one gives."""
    if not template_fits(ref) or not template_fits(now) or len(ref) != len(now):
        return None
    out = [ref[0]]
    for p, q in zip(ref[1:], now[1:], strict=True):
        if p[0] != q[0] or (p[0] != "hole" and p != q):
            return None
        if p[0] == "hole":
            keys = {_key(c) for c in q[1]}
            kept = tuple(c for c in p[1] if _key(c) in keys)
            if not kept:
                return None
            p = ("hole", kept)
        out.append(p)
    return out


def _key(cand: Any) -> str:
    return json.dumps(ex.to_json(cand), sort_keys=True)


def _clear(plan: Plan) -> None:
    if plan.fit_runs:
        for step in plan.steps:
            step.fit_seen = {}
        plan.fit_runs, plan.fit_ref = 0, []


def view(plan: Plan) -> Plan:
    """The plan as rule 1 judges its answer: every step's `seen` the runs the template fits saw (none
    when the template is not one `fit_ref`'s runs fit: everything is outside)."""
    if not plan.fit_runs:
        return plan
    ok = shared(plan.fit_ref, plan.answer) is not None
    out = copy.copy(plan)
    out.steps = [dataclasses.replace(s, seen=s.fit_seen if ok else {}) for s in plan.steps]
    return out


def decided_problem(
    plan: Plan | None,
    env: ex.Env,
    args: list[Any],
    noise_runs: int,
    risk_of: RiskOf | None,
    fitted: bool = False,
    judged: bool = False,
) -> tuple[int, str] | None:
    """(step, why) for the first result of this run outside what the supporting runs saw, for a plan whose
    every step is read-only (its answer decided on its results). `fitted`: before an answer template's
    figure, against the runs that template fits (`view`): every result of a read-only plan whose answer
    states a computed number; for any other plan once its template started again, a value only the runs
    the template does not fit made seen (one outside every run's evidence is rule 1's before a write, as
    before: this check did not run there). `judged`: the goal is a yes/no question, answered on the
    results whatever the tools' risk (`declined.judged_on_every_result`): judged as a read-only plan."""
    if plan is None or risk_of is None:
        return None
    read_only = judged or all_read_only((s.name for s in plan.steps), risk_of)
    strict = not fitted or (read_only and any(map(computed, plan.answer)))
    if not (strict and read_only) and not (fitted and plan.fit_runs):
        return None
    against = view(plan) if fitted else plan
    for i in range(len(plan.steps)):
        counters = not judged  # an answer that judged the results: no number passes as a counter
        why, _noise = seen_problem(against, env, args, i, noise_runs, risk_of, decides=True, counters=counters)
        if (
            why
            and not strict
            and seen_problem(plan, env, args, i, noise_runs, risk_of, decides=True, counters=counters)[0]
        ):
            # outside all the evidence, not only the runs the template fits: not this check's; but the
            # first problem says nothing of the rest (a bed's new number hid a state only they showed)
            why = _contradicted_word(plan, against, env, args, i)
        if why:
            return i, why
    return None


def _contradicted_word(plan: Plan, against: Plan, env: ex.Env, args: list[Any], i: int) -> str | None:
    """A text of step i's result that the runs the template fits never showed at its path while other runs
    of the plan did (`against`: the runs it fits): the case only runs that contradicted the template saw."""
    text = env.texts[i] if i < len(env.texts) else None
    if text is None:
        return None
    fits, every = against.steps[i].seen, plan.steps[i].seen
    masks = step_masks(plan, env.tokens, args, i)
    for key, (kind, v) in _observed(scalars(env.parsed[i], text), masks).items():
        mine, all_runs = fits.get(key), every.get(key)
        if kind != "t" or not isinstance(mine, dict) or not isinstance(all_runs, dict):
            continue
        if v[0] not in mine.get("t", {}) and v[0] in all_runs.get("t", {}):
            where = show(key.rsplit("|", 1)[0])
            return (
                f"{plan.steps[i].name} returned at {where} {readable(v[0])!r}, a text only runs whose answers the "
                "template does not fit showed"
            )
    return None


def listing_problem(plan: Plan | None, env: ex.Env, args: list[Any], risk_of: RiskOf | None) -> tuple[int, str] | None:
    """(step, why) before a listing of a read-only plan whose envelope holds runs that did not teach its
    answer (`fit_runs`: a sibling wording lent them, or the model's answer contradicted the template
    there): a listing stands in for the answers the model wrote, and only on results like theirs. Every
    value of this run's results is at a path those runs showed (a list with items where they read none),
    and every text has a template one of them showed ("pending returns: RT4447 3.5 lb; ..." where they
    read "no pending returns"); numbers are not held to their range (a listing shows them as they are)."""
    if plan is None or risk_of is None or not plan.fit_runs:
        return None
    if not all_read_only((s.name for s in plan.steps), risk_of):
        return None
    # the runs that taught the answer: those its template fits, or the runs of an answer no template
    # traced while it is the same (the model's own words: a listing stands in for them)
    taught = shared(plan.fit_ref, plan.answer) is not None or list(plan.fit_ref) == list(plan.answer)
    for i, step in enumerate(plan.steps):
        seen = step.fit_seen if taught else {}
        text = env.texts[i] if i < len(env.texts) else None
        if text is None:
            continue
        masks = step_masks(plan, env.tokens, args, i)
        for key, (kind, v) in _observed(scalars(env.parsed[i], text), masks).items():
            rec = seen.get(key)
            where = key.rsplit("|", 1)[0]
            if rec is None:
                what = "number" if kind == "n" else "text"
                why = f"{show(where)} holds a {what} where none of them had one"
            elif kind == "t" and v[0] not in rec["t"]:
                why = f"{show(where)} reads {readable(v[0])!r}, a text none of them showed"
            else:
                continue
            return i, f"{step.name} returned what no run that taught its answer showed: {why}"
    return None


def answer_seen_problem(plan: Plan, env: ex.Env, args: list[Any], noise_runs: int, answer: Sequence[Any]) -> str | None:
    """Rule 1 for an answer that states a derived number (a `calc` hole): the results it is computed from
    stay inside what the runs the template fits saw (`view`), apart from the values the answer or an argument reads;
    those it computes with keep their sign and scale (`_derived`). A factor the same in every supporting
    run (16 kWh each time) is what the arithmetic may have folded into a constant (x 0.16). A pick: `_seen_picks`."""
    steps, read, operands = _answer_reads(answer)
    if not plan.seen_runs:
        return None
    plan = view(plan)  # the runs the template fits
    if why := _seen_picks.picks_problem(plan.steps, env, answer, scalars):  # a pick or a threshold?
        return f"the answer states a pick: {why}"
    for i in sorted(steps):
        text = env.texts[i] if i < len(env.texts) else None
        if text is None or i >= len(plan.steps):
            continue
        step = plan.steps[i]
        consumed = consumed_paths(plan).get(i, set()) | read.get(i, set())
        echo, derived = set(step.echo_paths), derived_paths(plan).get(i, {})
        checked, loose = [], []
        for p, v in scalars(env.parsed[i], text):
            if not ex.is_num(v) or path_key(p) in echo:
                continue
            if not excluded(p, consumed, echo) or derived.get(p) == _derived.STRICT:
                checked.append((p, v))
            elif p in derived or p in operands.get(i, set()):
                loose.append((p, v))
        if not checked and not loose:
            continue
        why, _noise = problems(step.seen, _observed(checked, []), noise_runs, set(), set())
        if not why and loose:
            why = _derived.loose_problem(step.seen, _observed(loose, []), noise_runs, set())
        if why:
            return (
                f"{step.name} returned a value outside the evidence, and the answer states a number "
                f"computed from its result: {why}"
            )
    return None


def _answer_reads(answer: Sequence[Any]) -> tuple[set[int], dict[int, set[ex.Path]], dict[int, set[ex.Path]]]:
    """(the steps a computed number of the answer reads; every result path the answer reads; those a
    computed number computes with)."""
    steps: set[int] = set()
    read: dict[int, set[ex.Path]] = {}
    operands: dict[int, set[ex.Path]] = {}
    for part in answer:
        if part[0] != "hole":
            continue
        for cand in part[1]:
            inner = cand[1] if cand[0] == "calc" else cand
            computed = _derived.derived_refs(inner) if cand[0] == "calc" else []
            for r in ex.refs(inner):
                if r[0] in ("res", "tnum"):
                    read.setdefault(int(r[1]), set()).add(tuple(r[2]))
                    if r in computed:  # an operand of the arithmetic: its sign and scale (`_derived`)
                        operands.setdefault(int(r[1]), set()).add(tuple(r[2]))
                    if cand[0] == "calc":
                        steps.add(int(r[1]))
    return steps, read, operands
