"""Induction: a successful trace becomes evidence, and evidence becomes (or joins) a plan.

normalise(trace)      top-level calls, retried errors folded away, grouped by turn
new_plan(evidence)    every explanation of every argument leaf in this one trace
merge(plan, evidence) slots := slots ∪ differing positions; explanations filtered by the new
                      trace; refused (with the reason) when an argument loses every explanation
                      or a varying slot is used by nothing
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from llmos.learning import envelope
from llmos.learning import explain as ex
from llmos.learning.goals import Token, shape, tokenize
from llmos.learning.plans import Leaf, Plan, PlanStep, Slot, match, path_key, result_shape, value_type
from llmos.learning.trace import ToolCallRecord, Trace

MAX_SHAPES = 10
MAX_VALUES = 20
EXAMPLE_RESULT_CHARS = 300


@dataclass
class Call:
    name: str
    group: int
    arguments: dict[str, Any]
    result: str


@dataclass
class Evidence:
    """A successful trace, normalised: the unit plans are built from and rebuilt from."""

    trace_id: str
    agent: str
    goal: str
    calls: list[Call]
    answer: str = ""
    mode: str = "learner"
    at: float = field(default_factory=time.time)
    tokens: list[Token] = field(default_factory=list)
    _env: ex.Env | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.tokens:
            self.tokens = tokenize(self.goal)

    @property
    def seq(self) -> tuple[tuple[str, ...], ...]:
        groups: dict[int, list[str]] = {}
        for c in self.calls:
            groups.setdefault(c.group, []).append(c.name)
        return tuple(tuple(groups[g]) for g in sorted(groups))

    def env(self) -> ex.Env:
        if self._env is None:
            texts: list[str | None] = [c.result for c in self.calls]
            self._env = ex.Env(self.tokens, texts, [ex.parse_result(c.result) for c in self.calls])
        return self._env

    def token_texts(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.tokens)

    def to_dict(self) -> dict[str, Any]:
        return {
            "trace_id": self.trace_id,
            "agent": self.agent,
            "goal": self.goal,
            "answer": self.answer,
            "mode": self.mode,
            "at": self.at,
            "calls": [[c.name, c.group, c.arguments, c.result] for c in self.calls],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(
            d["trace_id"],
            d["agent"],
            d["goal"],
            [Call(n, g, a, r) for n, g, a, r in d["calls"]],
            d.get("answer", ""),
            d.get("mode", "learner"),
            d.get("at", 0.0),
        )


def support_problem(trace: Trace) -> str | None:
    """Why a trace cannot support a plan (None: it can)."""
    if trace.rejected:
        return "the run was rejected"
    if trace.status != "success":
        return f"the run ended with status {trace.status}"
    if any(c.denied for c in trace.tool_calls):
        return "a tool call was denied"
    return None


def _evidence_calls(trace: Trace) -> list[ToolCallRecord]:
    """The top-level calls, with a crystallized tool's call replaced by the calls it made: the
    generated tool is the plan compiled, so its inner calls are what the plan did."""
    out: list[ToolCallRecord] = []
    for c in trace.top_level_calls:
        if c.source == "crystallized":
            out.extend(r for r in trace.tool_calls if r.parent_id == c.id)
        else:
            out.append(c)
    return out


def normalise(trace: Trace, ignore_tools: frozenset[str] = frozenset()) -> Evidence | str:
    """The trace as evidence, or the reason it supports no plan."""
    problem = support_problem(trace)
    if problem:
        return problem
    top = [c for c in _evidence_calls(trace) if c.name not in ignore_tools]
    if not top:
        return "the run made no tool calls"
    kept: list[ToolCallRecord | None] = list(top)
    for i, rec in enumerate(top):
        if kept[i] is None or not rec.is_error:
            continue
        # an error followed by an identical successful retry: the retry takes the error's place
        for j in range(i + 1, len(top)):
            other = top[j]
            if other.name == rec.name and _canon(other.arguments) == _canon(rec.arguments):
                if other.is_error:
                    continue
                if kept[j] is not None:
                    kept[i] = _with_turn(other, rec.turn)
                    kept[j] = None
                else:
                    kept[i] = None
                break
    calls = [c for c in kept if c is not None]
    for c in calls:
        if c.is_error:
            return f"the tool call {c.name} failed and was not retried successfully"
    turns = sorted({c.turn for c in calls})
    group_of = {t: g for g, t in enumerate(turns)}
    ordered = sorted(calls, key=lambda c: (group_of[c.turn], c.name))  # stable within a name
    return Evidence(
        trace_id=trace.id,
        agent=trace.agent,
        goal=trace.goal,
        calls=[Call(c.name, group_of[c.turn], c.arguments, c.result) for c in ordered],
        answer=trace.output,
        mode=trace.mode,
        at=trace.started_at,
    )


def without_repeats(ev: Evidence) -> Evidence:
    """The evidence without calls that repeat an earlier call (same tool, equal arguments: 3 == 3.0),
    groups renumbered. For a replay the model finished: it may redo a look-up the replay made."""
    seen: set[str] = set()
    kept: list[Call] = []
    for c in ev.calls:
        key = json.dumps([c.name, _plain(c.arguments)], sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            kept.append(c)
    if len(kept) == len(ev.calls):
        return ev
    renumber = {g: n for n, g in enumerate(sorted({c.group for c in kept}))}
    calls = [Call(c.name, renumber[c.group], c.arguments, c.result) for c in kept]
    return Evidence(ev.trace_id, ev.agent, ev.goal, calls, ev.answer, ev.mode, ev.at, list(ev.tokens))


def _plain(value: Any) -> Any:
    """Arguments with integral floats as ints (the model's 1881 and a replay's 1881.0 are one call)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _canon(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, default=str)


def _with_turn(rec: ToolCallRecord, turn: int) -> ToolCallRecord:
    return ToolCallRecord(
        id=rec.id,
        name=rec.name,
        arguments=rec.arguments,
        result=rec.result,
        is_error=rec.is_error,
        turn=turn,
        source=rec.source,
    )


def arg_leaves(arguments: Any, path: ex.Path = ()) -> list[tuple[ex.Path, Any]]:
    if isinstance(arguments, dict) and arguments:
        return [x for k, v in arguments.items() for x in arg_leaves(v, (*path, k))]
    if isinstance(arguments, list) and arguments:
        return [x for i, v in enumerate(arguments) for x in arg_leaves(v, (*path, i))]
    return [(path, arguments)]


def echoes(call: Call, parsed: Any) -> set[str]:
    """Result paths whose value repeats one of the call's own argument values."""
    args = [v for _p, v in arg_leaves(call.arguments)]
    return {path_key(p) for p, v in ex.leaves(parsed) if any(ex.same(v, a) for a in args)}


def plan_id_for(agent: str, trace_id: str) -> str:
    return "plan_" + hashlib.sha1(f"{agent}\0{trace_id}".encode()).hexdigest()[:12]


def new_plan(ev: Evidence) -> Plan:
    env = ev.env()
    steps: list[PlanStep] = []
    for i, call in enumerate(ev.calls):
        # only results of earlier groups: calls of one group run concurrently
        before = next(j for j, c in enumerate(ev.calls) if c.group == call.group)
        leaves = []
        for path, value in arg_leaves(call.arguments):
            if path == ():
                continue  # no arguments at all
            leaves.append(Leaf(path, sorted(ex.generate(value, env, before), key=repr), value_type([value])))
        parsed = env.parsed[i]
        echo_paths = sorted(echoes(call, parsed))
        steps.append(
            PlanStep(
                name=call.name,
                group=call.group,
                arguments=call.arguments,
                leaves=leaves,
                result_shapes=[result_shape(parsed)],
                const_results={path_key(p): v for p, v in ex.leaves(parsed)},
                echo_paths=echo_paths,
                ranges=numeric_ranges(parsed),
                lengths=envelope.list_lengths(parsed),
                categories=envelope.categories(parsed, echo_paths),
            )
        )
    plan = Plan(id=plan_id_for(ev.agent, ev.trace_id), agent=ev.agent, skeleton=list(ev.tokens), slots={}, steps=steps)
    plan.relations = envelope.relations(env, [s.echo_paths for s in steps])
    plan.memberships = envelope.memberships(env)
    _add_evidence(plan, ev)
    return plan


def merge(plan: Plan, ev: Evidence) -> tuple[Plan | None, str]:
    """The plan extended by this evidence, or (None, why not)."""
    if ev.seq != plan.seq or len(ev.tokens) != plan.ntokens:
        return None, "different tool sequence or goal length"
    merged = plan.copy()
    problem = _filter(merged, ev)
    if problem:
        return None, problem
    for pos, (a, b) in enumerate(zip(merged.skeleton, ev.tokens, strict=True)):
        if pos not in merged.slots and a.key() != b.key():
            merged.slots[pos] = Slot(pos, "", [shape(a)], [a.text], envelope.widen_span([], a))
    used = set().union(*(ex.token_positions(c) for s in merged.steps for lf in s.leaves for c in lf.cands))
    unused = sorted(set(merged.slots) - used)
    if unused:
        return None, "goal words vary but no argument uses them: " + ", ".join(repr(ev.tokens[p].text) for p in unused)
    _add_evidence(merged, ev)
    return merged, "merged"


def refine(plan: Plan, ev: Evidence) -> tuple[Plan | None, str]:
    """The plan with explanations the evidence rules out dropped, its support unchanged (for runs that
    are not independent: a replay the model finished). (None, why) when nothing explains an argument."""
    if ev.seq != plan.seq or len(ev.tokens) != plan.ntokens:
        return None, "different tool sequence or goal length"
    m = match(plan, ev.tokens)
    if m is None or not m.full:
        return None, "the goal does not match the plan's skeleton"
    refined = plan.copy()
    problem = _filter(refined, ev)
    if problem:
        return None, problem
    for pos, slot in refined.slots.items():  # slot values the model has now handled with this plan's calls
        text = ev.tokens[pos].text
        if text not in slot.values and len(slot.values) < MAX_VALUES:
            slot.values.append(text)
        slot.span = envelope.widen_span(envelope.slot_span(slot), ev.tokens[pos])
    return refined, "refined"


def _filter(merged: Plan, ev: Evidence) -> str:
    """Keep the explanations that also fit this evidence (in place); the problem, if any."""
    env = ev.env()
    for i, (step, call) in enumerate(zip(merged.steps, ev.calls, strict=True)):
        values = dict(arg_leaves(call.arguments))
        if set(values) - {()} != {lf.path for lf in step.leaves}:
            return f"{step.name} was called with different argument names"
        for leaf in step.leaves:
            value = values[leaf.path]
            leaf.cands = [c for c in leaf.cands if ex.fits(c, value, env)]
            if not leaf.cands:
                return f"nothing explains {step.name}.{ex.format_path(leaf.path)} in every trace"
            leaf.type = _merge_type(leaf.type, value)
        parsed = env.parsed[i]
        shp = result_shape(parsed)
        if shp not in step.result_shapes and len(step.result_shapes) < MAX_SHAPES:
            step.result_shapes.append(shp)
        live = {path_key(p): v for p, v in ex.leaves(parsed)}
        step.const_results = {k: v for k, v in step.const_results.items() if k in live and ex.same(live[k], v)}
        step.arguments = call.arguments
        step.echo_paths = sorted(set(step.echo_paths) & echoes(call, parsed))
        step.ranges = widen(step.ranges, numeric_ranges(parsed))
        step.lengths = envelope.same_lengths(step.lengths, envelope.list_lengths(parsed))
        step.categories = envelope.union_categories(step.categories, envelope.categories(parsed, step.echo_paths))
    merged.relations = envelope.keep_holding(merged.relations, env)
    merged.memberships = envelope.keep_members(merged.memberships, env)
    return ""


def numeric_ranges(parsed: Any) -> dict[str, list[float]]:
    """[value, value] for every numeric leaf of a result (bounded like the explanations' leaves)."""
    out: dict[str, list[float]] = {}
    for n, (p, v) in enumerate(ex.leaves(parsed)):
        if n >= ex.MAX_LEAVES:
            break
        if ex.is_num(v):
            out[path_key(p)] = [float(v), float(v)]
    return out


def widen(ranges: dict[str, list[float]], live: dict[str, list[float]]) -> dict[str, list[float]]:
    """The ranges that cover both (a path missing from either is dropped: no range is known)."""
    return {k: [min(lo, live[k][0]), max(hi, live[k][1])] for k, (lo, hi) in ranges.items() if k in live}


def _merge_type(kind: str, value: Any) -> str:
    new = value_type([value])
    if new == kind:
        return kind
    if {kind, new} <= {"int", "float", "number"}:
        return "number"
    return "mixed"


def _add_evidence(plan: Plan, ev: Evidence) -> None:
    for pos, slot in plan.slots.items():
        tok = ev.tokens[pos]
        sh = shape(tok)
        if sh not in slot.shapes and len(slot.shapes) < MAX_SHAPES:
            slot.shapes.append(sh)
        if tok.text not in slot.values and len(slot.values) < MAX_VALUES:
            slot.values.append(tok.text)
        slot.span = envelope.widen_span(envelope.slot_span(slot), tok)
    _name_slots(plan)
    plan.trace_ids.append(ev.trace_id)
    texts = ev.token_texts()
    if texts not in plan.evidence_tokens:
        plan.evidence_tokens.append(texts)
    plan.answer = answer_template(ev, set(plan.slots))
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


def answer_template(ev: Evidence, slots: set[int]) -> list[ex.Cand]:
    """The final answer with slot values and result values replaced by references (longest first)."""
    text = ev.answer
    if not text:
        return []
    env = ev.env()
    sources: list[tuple[str, ex.Cand]] = [(ev.tokens[p].text, ("val", ("tok", p), "id")) for p in slots]
    for s in range(len(ev.calls)):
        for n, (path, v) in enumerate(ex.leaves(env.parsed[s])):
            if n >= ex.MAX_LEAVES:
                break
            if isinstance(v, str) and len(v) >= 2:
                sources.append((v, ("val", ("res", s, path), "id")))
            elif ex.is_num(v):
                sources.append((str(v), ("val", ("res", s, path), "str")))
    sources.sort(key=lambda x: -len(x[0]))
    parts: list[ex.Cand] = [("lit", text)]
    for src, ref in sources:
        if not src:
            continue
        out: list[ex.Cand] = []
        for part in parts:
            if part[0] != "lit" or src not in part[1]:  # cheap test before the regex
                out.append(part)
                continue
            pieces = re.split(rf"(?<![0-9A-Za-z]){re.escape(src)}(?![0-9A-Za-z])", part[1])
            for k, piece in enumerate(pieces):
                if k:
                    out.append(ref)
                if piece:
                    out.append(("lit", piece))
        parts = out
    return parts
