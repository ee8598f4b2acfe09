"""Induction: a successful trace becomes evidence, and evidence becomes (or joins) a plan.

normalise(trace)      top-level calls, retried errors folded away, grouped by turn
new_plan(evidence)    every explanation of every argument leaf in this one trace
merge(plan, evidence) slots := slots ∪ differing positions; explanations filtered by the new
                      trace; refused (with the reason) when an argument loses every explanation
                      or a varying slot is used by nothing (`normalise`, `Evidence`: re-exported from `_evidence`)
"""

from __future__ import annotations

import hashlib
import operator
import time
from collections.abc import Callable
from typing import Any

from llmos.learning import _same_run, _seen_answer, _shortcuts, _word_tables, answers, envelope, spans
from llmos.learning import explain as ex
from llmos.learning._arg_relations import arg_relations, live_values
from llmos.learning._coincidence import coincident, has_unused
from llmos.learning._described_tables import explain as described_table
from llmos.learning._envelope_lists import MAX_CATEGORIES, short_text
from llmos.learning._envelope_sums import sum_relations
from llmos.learning._evidence import Call, Evidence, normalise, support_problem, without_repeats
from llmos.learning.goals import shape
from llmos.learning.plans import Leaf, Plan, PlanStep, Slot, match, path_key, result_shape, value_type

__all__ = [
    "EXAMPLE_RESULT_CHARS",
    "MAX_SHAPES",
    "MAX_VALUES",
    "Call",
    "Evidence",
    "arg_leaves",
    "echoes",
    "join",
    "merge",
    "new_plan",
    "normalise",
    "numeric_ranges",
    "plan_id_for",
    "refine",
    "support_problem",
    "widen",
    "without_repeats",
]

MAX_SHAPES = 10
MAX_VALUES = 20
EXAMPLE_RESULT_CHARS = 300


def arg_leaves(arguments: Any, path: ex.Path = ()) -> list[tuple[ex.Path, Any]]:
    if isinstance(arguments, dict) and arguments:
        return [x for k, v in arguments.items() for x in arg_leaves(v, (*path, k))]
    if isinstance(arguments, list) and arguments:
        return [x for i, v in enumerate(arguments) for x in arg_leaves(v, (*path, i))]
    return [(path, arguments)]


def echoes(call: Call, parsed: Any, lv: list[tuple[ex.Path, Any]] | None = None) -> set[str]:
    """Result paths whose value repeats one of the call's own argument values (`lv`: the result's
    leaves, when already listed)."""
    args = [v for _p, v in arg_leaves(call.arguments)]
    if not _shortcuts.ON:
        return {path_key(p) for p, v in (ex.leaves(parsed) if lv is None else lv) if any(ex.same(v, a) for a in args)}
    texts = {a for a in args if type(a) is str}  # a text is the same only as an equal text
    return {
        path_key(p)
        for p, v in (ex.leaves(parsed) if lv is None else lv)
        if (v in texts if type(v) is str else any(ex.same(v, a) for a in args))
    }


def plan_id_for(agent: str, trace_id: str) -> str:
    return "plan_" + hashlib.sha1(f"{agent}\0{trace_id}".encode()).hexdigest()[:12]


def new_plan(ev: Evidence, force_wider: bool = False) -> Plan:
    """The plan of one run. `force_wider`: every number's wider explanations too (`_refit`)."""
    env = ev.env()
    steps: list[PlanStep] = []
    for i, call in enumerate(ev.calls):
        # only results of earlier groups: calls of one group run concurrently
        before = next(j for j, c in enumerate(ev.calls) if c.group == call.group)
        leaves = []
        for path, value in arg_leaves(call.arguments):
            if path == ():
                continue  # no arguments at all
            cands = ex.generate(value, env, before, force_wider=force_wider)
            leaves.append(Leaf(path, sorted(cands, key=repr), value_type([value])))
        parsed, lv = env.parsed[i], env.result_leaves(i)
        echo_paths = sorted(echoes(call, parsed, lv))
        steps.append(
            PlanStep(
                name=call.name,
                group=call.group,
                arguments=call.arguments,
                leaves=leaves,
                result_shapes=[result_shape(parsed)],
                const_results={path_key(p): v for p, v in lv},
                echo_paths=echo_paths,
                ranges=numeric_ranges(parsed, lv),
                lengths=envelope.list_lengths(parsed),
                categories=envelope.categories(parsed, echo_paths, lv),
            )
        )
    plan = Plan(id=plan_id_for(ev.agent, ev.trace_id), agent=ev.agent, skeleton=list(ev.tokens), slots={}, steps=steps)
    plan.tokens_fresh = True  # rows stored under this id belong to an older plan (a rebuild)
    echo = [s.echo_paths for s in steps]
    late = envelope.late_relations(env, echo)[0]  # the orders of numbers past the caps of `relations`
    args = [c.arguments for c in ev.calls]
    plan.relations = envelope.relations(env, echo) + late + arg_relations(env, echo, steps, args)
    plan.relations += sum_relations(env, echo)  # two reads' numbers summed against a third (`_envelope_sums`)
    plan.memberships = envelope.memberships(env)
    envelope.record_seen(plan, ev.tokens, [c.arguments for c in ev.calls], env.texts, env.parsed, env)
    _add_evidence(plan, ev)
    return plan


def merge(plan: Plan, ev: Evidence, described: Described | None = None) -> tuple[Plan | None, str]:
    """The plan extended by this evidence, or (None, why not); `described`: tool -> what it says of itself."""
    if ev.seq != plan.seq or len(ev.tokens) != plan.ntokens:
        return None, "different tool sequence or goal length"
    if _shortcuts.ON and _in_place(plan, ev):
        # a run of the plan's own skeleton: checked against what the plan keeps without changing it,
        # then added to the plan itself (no copy: nothing is refused after this point)
        fitted = _fit_leaves(plan, ev, merging=True, described=described)
        if isinstance(fitted, str):
            return None, fitted
        narrowed = _apply(plan, ev, fitted)
        _add_evidence(plan, ev, rename=narrowed)  # slot names follow the explanations: same ones, same names
        _note_coincidence(plan, ev)
        return plan, "merged"
    merged = plan.copy()
    problem = _filter(merged, ev, merging=True, described=described)
    if problem:
        return None, problem
    for pos, (a, b) in enumerate(zip(merged.skeleton, ev.tokens, strict=True)):
        if pos not in merged.slots and a.key() != b.key():
            merged.slots[pos] = Slot(pos, "", [shape(a)], [a.text], envelope.widen_span([], a))
    # a goal word that varies while no argument uses it is a slot too: replay takes it only with a value
    # the evidence saw (`envelope.goal_problem`), so it cannot pick a branch nobody has seen
    _add_evidence(merged, ev)
    _note_coincidence(merged, ev)
    return merged, "merged"


def join(plan: Plan, ev: Evidence) -> str:
    """Add a run whose goal the plan's skeleton already holds (`wordings.py` built it from the run's
    goal): explanations narrowed, envelope widened, support counted. The problem, if any."""
    problem = _filter(plan, ev)
    if not problem:
        _add_evidence(plan, ev)
        _note_coincidence(plan, ev)
    return problem


def _note_coincidence(plan: Plan, ev: Evidence) -> None:
    """Mark a run that proves no value of a goal word no argument uses (`_coincidence.coincident`)."""
    texts = ev.token_texts()
    if (
        texts not in plan.coincident
        and has_unused(plan)  # else no run is coincident: the arguments' leaves are not listed
        and coincident(plan, ev, [dict(arg_leaves(c.arguments)) for c in ev.calls])
    ):
        plan.coincident.append(texts)


def refine(plan: Plan, ev: Evidence, answer_from_model: bool = False, described: Described | None = None) -> Merged:
    """The plan with explanations the evidence rules out dropped, its support unchanged (for runs that
    are not independent: a replay the model finished). (None, why) when nothing explains an argument.
    `answer_from_model`: the run succeeded and its final answer is the model's over these calls, so it
    also teaches the answer template (a replay that could not state its answer hands it to the model)."""
    if ev.seq != plan.seq or len(ev.tokens) != plan.ntokens:
        return None, "different tool sequence or goal length"
    m = match(plan, ev.tokens)
    if m is None or not m.full:
        return None, "the goal does not match the plan's skeleton"
    refined = plan.copy()
    problem = _filter(refined, ev, described=described)
    if problem:
        return None, problem
    for pos, slot in refined.slots.items():  # slot values the model has now handled with this plan's calls
        text = ev.tokens[pos].text
        if text not in slot.values and len(slot.values) < MAX_VALUES:
            slot.values.append(text)
        slot.span = envelope.widen_span(envelope.slot_span(slot), ev.tokens[pos])
    learned = bool(answer_from_model and ev.answer)
    if learned:  # the model answered over this run's results: phrasing evidence
        refined.answer = answers.learn(plan.answer, ev.answer, ev.env(), [c.arguments for c in ev.calls])
    _seen_answer.keep(refined, plan.answer, learned)  # a run that taught no answer is none the template fits
    return refined, "refined"


def _in_place(plan: Plan, ev: Evidence) -> bool:
    """Whether merging `ev` leaves the plan's index keys as they are, so that the plan itself can take
    it: every constant of the skeleton equal (no new slot) and no value of several words."""
    slots = plan.slots
    for pos, (a, b) in enumerate(zip(plan.skeleton, ev.tokens, strict=True)):
        if pos not in slots and (a.kind != b.kind or a.text != b.text):
            return False
    return not spans.has_phrases(plan)


Merged = tuple[Plan | None, str]
Described = Callable[[str], str | None]  # a tool's name -> what it says of itself (`risk.describe`)
Fitted = list[tuple[dict[ex.Path, Any], list[list[ex.Cand]]]]


def _fit_leaves(plan: Plan, ev: Evidence, merging: bool = False, described: Described | None = None) -> Fitted | str:
    """Per step, the call's argument values and each argument's explanations that also fit this
    evidence (the plan unchanged); the problem when an argument loses every explanation. `merging`: a
    failed merge may be answered by `_refit` (`_tables_may_explain`)."""
    env = ev.env()
    out: Fitted = []
    for step, call in zip(plan.steps, ev.calls, strict=True):
        values = dict(arg_leaves(call.arguments))
        if set(values) - {()} != {lf.path for lf in step.leaves}:
            return f"{step.name} was called with different argument names"
        kept = []
        for leaf in step.leaves:
            cands = ex.fitting(leaf.cands, values[leaf.path], env)
            if not cands and leaf.cands and _tables_may_explain(plan, values[leaf.path], merging):
                cands = _word_tables.explain(step, leaf.path, values[leaf.path], env)  # the one hypothesis left
                if not cands and described is not None:  # a table the tool's description states
                    cands = described_table(plan, step, leaf.path, values[leaf.path], env, described(step.name))
            if not cands:
                return f"nothing explains {step.name}.{ex.format_path(leaf.path)} in every trace"
            kept.append(cands)
        out.append((values, kept))
    return out


def _tables_may_explain(plan: Plan, value: Any, merging: bool) -> bool:
    """Whether a goal word's table may be the explanation left (`_word_tables.explain`): not in a merge
    `_refit` answers (a number of a young plan) before it searched the runs' wider forms, which would be
    rivals the table must be held to."""
    from llmos.learning._refit import REFIT_MAX_SUPPORT, WIDER_SEARCHED

    if not merging or not ex.is_num(value) or plan.__dict__.get(WIDER_SEARCHED):
        return True
    return not 0 < plan.support <= REFIT_MAX_SUPPORT


def _filter(merged: Plan, ev: Evidence, merging: bool = False, described: Described | None = None) -> str:
    """Keep the explanations that also fit this evidence (in place); the problem, if any."""
    fitted = _fit_leaves(merged, ev, merging, described)
    if isinstance(fitted, str):
        return fitted
    _apply(merged, ev, fitted)
    return ""


def _apply(merged: Plan, ev: Evidence, fitted: Fitted) -> bool:
    """The plan's explanations narrowed to `fitted` and its envelope widened by this evidence. Every
    dict is replaced, never changed in place (a replay may be reading the plan). Returns whether an
    argument lost an explanation."""
    env = ev.env()
    narrowed = False
    for i, (step, call, (values, kept)) in enumerate(zip(merged.steps, ev.calls, fitted, strict=True)):
        for leaf, cands in zip(step.leaves, kept, strict=True):
            old = leaf.cands
            narrowed = narrowed or len(cands) != len(old)
            if len(cands) != len(old) or not all(map(operator.is_, cands, old)):
                leaf.cands = cands  # the same candidates: the list kept (`_coincidence._unused`)
            leaf.type = _merge_type(leaf.type, values[leaf.path])
        parsed, lv = env.parsed[i], env.result_leaves(i)
        shp = result_shape(parsed)
        if shp not in step.result_shapes and len(step.result_shapes) < MAX_SHAPES:
            step.result_shapes.append(shp)
        live = {path_key(p): v for p, v in lv}
        step.const_results = {k: v for k, v in step.const_results.items() if k in live and ex.same(live[k], v)}
        step.arguments = call.arguments
        if _shortcuts.ON and len(lv) <= ex.MAX_LEAVES:  # what the step keeps, checked path by path
            _keep_facts(step, list(values.values()), live)
        else:
            step.echo_paths = sorted(set(step.echo_paths) & echoes(call, parsed, lv))
            step.ranges = widen(step.ranges, numeric_ranges(parsed, lv))
            step.categories = envelope.union_categories(
                step.categories, envelope.categories(parsed, step.echo_paths, lv)
            )
        # a step that keeps no list length keeps none after any run: the result's lists are not listed
        step.lengths = envelope.same_lengths(step.lengths, envelope.list_lengths(parsed)) if step.lengths else {}
    if narrowed:
        merged.__dict__.pop("_consumed", None)  # derived from the explanations
        merged.__dict__.pop("_derived", None)
    merged.relations = envelope.keep_holding(
        merged.relations, env, live_values(merged.steps, [c.arguments for c in ev.calls])
    )
    merged.memberships = envelope.keep_members(merged.memberships, env)
    envelope.record_seen(merged, ev.tokens, [c.arguments for c in ev.calls], env.texts, env.parsed, env)
    return narrowed


def _keep_facts(step: PlanStep, args: list[Any], live: dict[str, Any]) -> None:
    """The step's echoes, numeric ranges and categories that also hold in a result whose leaves (all
    of them, no more than `ex.MAX_LEAVES`) are `live`: what `echoes`, `numeric_ranges` and
    `envelope.categories` over the whole result, then intersected with what the step keeps, give; only
    paths a step keeps can stay, so only those are looked at."""
    texts = {a for a in args if type(a) is str}
    echo = []
    for k in step.echo_paths:
        if k in live:
            v = live[k]
            if v in texts if type(v) is str else any(ex.same(v, a) for a in args):
                echo.append(k)
    step.echo_paths = sorted(echo)
    ranges = {}
    for k, (lo, hi) in step.ranges.items():
        if k in live and ex.is_num(v := live[k]):
            ranges[k] = [min(lo, float(v)), max(hi, float(v))]
    step.ranges = ranges
    keep, cats = set(echo), {}
    for k, vals in step.categories.items():
        if k in live and k not in keep and short_text(v := live[k]):
            both = list(dict.fromkeys([*vals, v]))
            if len(both) <= MAX_CATEGORIES:
                cats[k] = both
    step.categories = cats


def numeric_ranges(parsed: Any, lv: list[tuple[ex.Path, Any]] | None = None) -> dict[str, list[float]]:
    """[value, value] for every numeric leaf of a result (bounded like the explanations' leaves)."""
    out: dict[str, list[float]] = {}
    for n, (p, v) in enumerate(ex.leaves(parsed) if lv is None else lv):
        if n >= ex.MAX_LEAVES:
            break
        if ex.is_num(v):
            out[path_key(p)] = [float(v), float(v)]
    return out


def widen(ranges: dict[str, list[float]], live: dict[str, list[float]]) -> dict[str, list[float]]:
    """The ranges that cover both (a path missing from either is dropped: no range is known)."""
    return {k: [min(lo, live[k][0]), max(hi, live[k][1])] for k, (lo, hi) in ranges.items() if k in live}


_TYPE_NAMES = {bool: "bool", int: "int", float: "float", str: "str", type(None): "null"}  # `value_type` of one value


def _merge_type(kind: str, value: Any) -> str:
    new = _TYPE_NAMES.get(type(value)) or value_type([value])
    if new == kind:
        return kind
    if {kind, new} <= {"int", "float", "number"}:
        return "number"
    return "mixed"


def _add_evidence(plan: Plan, ev: Evidence, rename: bool = True) -> None:
    for pos, slot in plan.slots.items():
        tok = ev.tokens[pos]
        sh = ev.shapes()[pos]
        if sh not in slot.shapes and len(slot.shapes) < MAX_SHAPES:
            slot.shapes.append(sh)
        if tok.text not in slot.values and len(slot.values) < MAX_VALUES:
            slot.values.append(tok.text)
        slot.span = envelope.widen_span(envelope.slot_span(slot), tok)
    if rename:
        _name_slots(plan)
    plan.add_support(ev.trace_id, ev.token_texts())
    before, plan.answer = plan.answer, answers.learn(plan.answer, ev.answer, ev.env(), [c.arguments for c in ev.calls])
    _seen_answer.keep(plan, before)  # rule 5 with rule 1: the envelope of the runs the template fits
    plan.example = {
        "goal": ev.goal,
        "calls": [
            {
                "name": c.name,
                "group": c.group,
                "arguments": c.arguments,
                "result": c.result[:EXAMPLE_RESULT_CHARS],
            }
            for c in ev.calls
        ],
        "answer": ev.answer[:EXAMPLE_RESULT_CHARS],
        **answers.earlier_figures(plan.example),  # rule 5: what earlier supporting answers stated
        **_same_run.record(ev, plan.example),  # rule 5: the inputs of runs the model answered alone
    }
    plan.updated_at = time.time()


def _name_slots(plan: Plan) -> None:
    taken: set[str] = set()
    for pos in sorted(plan.slots):
        name = ""
        for step in plan.steps:
            for leaf in step.leaves:
                if name:
                    break
                direct = any(c[0] == "val" and c[1] == ("tok", pos) and c[2] in ("id", "num") for c in leaf.cands)
                if direct and leaf.path and isinstance(leaf.path[-1], str):
                    name = leaf.path[-1]
        name = name or f"word{pos}"
        while name in taken:
            name = f"{name}_{pos}"
        taken.add(name)
        plan.slots[pos].name = name
