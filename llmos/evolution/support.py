"""What crystallized tools import: the verified tool-call step and small typed helpers.

A crystallized module (see `crystallize.py`) is plain Python: one async function whose body calls
the plan's tools in order through `CrystallizedRun.call`, computing every argument with the data
flow the plan learned. `CrystallizedRun` keeps the FOLLOWER replay's safety checks:

- every explanation the evidence allows for an argument is evaluated with live values and must
  agree with the value the code computed (else `Diverged`: the plan may not apply);
- each call goes through `ctx.call_tool` (the hook chain: policy, budget, trace) and a denied,
  failed (after transient retries) or hook-rewritten call stops the tool;
- a result must have a JSON shape the plan saw, and a result value that was the same in every
  supporting run must not change while a later argument is a constant;
- when the dispatcher passes the live plan (`Progress.plan`), the run also stays inside the plan's
  evidence envelope exactly as FOLLOWER replay does (`llmos.learning.envelope`): a stop there is a
  precaution (`Progress.precaution`), not a failure of the tool.

This module's names are a stable contract for generated files: add, never rename.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

from llmos.evolution._direct import GONE, live_plan
from llmos.evolution._support_values import (
    Diverged,
    Number,
    Result,
    as_str,
    capitalize,
    concat,
    div,
    lead_number,
    lower,
    number,
    possessive,
    round_ceil,
    round_floor,
    round_half_down,
    round_half_even,
    round_half_up,
    round_trunc,
    slug,
    strip,
    text,
    title,
    upper,
)
from llmos.execution.replay import TRANSIENT_RE
from llmos.learning import answers, conditions, declined, envelope
from llmos.learning import explain as ex
from llmos.learning._arg_relations import tool_argument_problem
from llmos.learning.goals import Kind, Token
from llmos.learning.plans import coerce, path_key, result_shape, set_path
from llmos.learning.replay_plan import CONDITIONAL_LISTING, answer_varied, own_noise, own_support
from llmos.tools.base import ToolContext, ToolOutput

__all__ = [
    "CrystallizedRun",
    "Diverged",
    "Number",
    "Result",
    "ToolContext",
    "as_str",
    "capitalize",
    "concat",
    "div",
    "lead_number",
    "lower",
    "number",
    "possessive",
    "round_ceil",
    "round_floor",
    "round_half_down",
    "round_half_even",
    "round_half_up",
    "round_trunc",
    "slug",
    "strip",
    "text",
    "title",
    "upper",
]


# ---------------------------------------------------------------- progress (for the dispatcher)
@dataclass
class Progress:
    """What one crystallized call did, read by `dispatch.run_crystallized` to continue from it."""

    calls: list[tuple[str, int]] = field(default_factory=list)  # (inner record id, plan group)
    steps_done: int = 0
    diverged: str | None = None
    step: int | None = None
    plan: Any = None  # the live plan (llmos.learning.plans.Plan): its evidence envelope is checked too
    precaution: bool = False  # the stop was the envelope's, not a failure
    check: str = ""  # "result": the stop was a check of the step's own result (rule 3)
    risk_of: Any = None  # tool name -> risk (llmos.learning.risk): rule 1 checks run before non-read-only steps
    tools: list[str] = field(default_factory=list)  # the tools available (a declined goal names one unused)
    ran: set[int] = field(default_factory=set)  # plan steps whose call returned

    def step_ran(self, step: int) -> bool:
        return step in self.ran


_WATCHED: dict[str, Progress] = {}


def watch(record_id: str) -> Progress:
    progress = _WATCHED[record_id] = Progress()
    return progress


def unwatch(record_id: str) -> None:
    _WATCHED.pop(record_id, None)


# ---------------------------------------------------------------- the verified call
STALE = "the crystallized tool was compiled from another version of its plan; the plan's rules apply as they are now"


def _same_calls(plan: Any, steps: list[_Step]) -> bool:
    """Whether the live plan makes the module's calls (the same tools, in the same groups)."""
    return len(plan.steps) == len(steps) and all(
        p.name == s.tool and p.group == s.group for p, s in zip(plan.steps, steps, strict=True)
    )


@dataclass
class _Leaf:
    path: ex.Path
    type: str
    cands: list[ex.Cand]


@dataclass
class _Step:
    tool: str
    group: int
    leaves: list[_Leaf]
    shapes: list[Any]
    constants: dict[str, Any]


def _steps(checks: dict[str, Any]) -> list[_Step]:
    cached = checks.get("_parsed")
    if cached is None:
        cached = [
            _Step(
                s["tool"],
                s["group"],
                [_Leaf(tuple(p), t, [ex.from_json(c) for c in cs]) for p, t, cs in s["leaves"]],
                s["shapes"],
                s["constants"],
            )
            for s in checks["steps"]
        ]
        checks["_parsed"] = cached
    return cached  # type: ignore[no-any-return]


class CrystallizedRun:
    """One execution of a crystallized tool: the goal's tokens, results so far, verification."""

    def __init__(self, ctx: ToolContext, checks: dict[str, Any], slots: Sequence[Any]) -> None:
        self.ctx = ctx
        self.plan_id = str(checks.get("plan", ""))
        self.checks = checks
        self.steps = _steps(checks)
        tokens = [Token(k, t) for k, t in checks["skeleton"]]
        for (pos, _name), value in zip(checks["slots"], slots, strict=True):
            kind: Kind = "number" if ex.is_num(value) else ("quoted" if tokens[pos].kind == "quoted" else "word")
            tokens[pos] = Token(kind, text(value))
        n = len(self.steps)
        self.env = ex.Env(tokens, [None] * n, [ex.NOT_JSON] * n)
        self.args: list[dict[str, Any] | None] = [None] * n  # each step's arguments, for the answer
        config = ctx.extra.get("config")
        self.retries = int(getattr(getattr(config, "learning", None), "transient_retries", 1))
        record_id = ctx.extra.get("record_id")
        self.progress = _WATCHED.get(record_id) if isinstance(record_id, str) else None
        if self.progress is None:  # the model called the tool itself: the live plan's rules apply all the same
            known, plan, risk_of, tools = live_plan(ctx, self.plan_id)
            if known and plan is None:
                raise Diverged(GONE, 0)
            if known:
                self.progress = Progress(plan=plan, risk_of=risk_of, tools=tools)
        self.plan = self.progress.plan if self.progress is not None else None
        if self.progress is not None and self.plan is not None and not _same_calls(self.plan, self.steps):
            # the module was generated from another version of the plan: its checks are no longer the plan's
            raise self.fail(f"{envelope.PRECAUTION}: {STALE}", 0, precaution=True)
        self.checked: set[int] = set()
        self.noise_runs = int(getattr(getattr(config, "learning", None), "noise_min_runs", 4))
        if self.plan is not None:  # as FOLLOWER: noise and the answer on the plan's own runs, never lent ones
            self.noise_runs = own_noise(self.plan, self.noise_runs)
        self.conditional = bool(conditions.genuine(tokens))  # rule 1 before every group and the answer
        self.declines: list[str] = []
        if self.plan is not None:
            assert self.progress is not None
            why = envelope.goal_problem(self.plan, tokens, self.progress.risk_of)
            if why:
                raise self.fail(why, 0, precaution=True)
            self.declines = declined.reasons(self.plan, tokens, self.progress.tools, self.progress.risk_of)
            if self.declines and not answers.checked(checks.get("answer") or []):  # as FOLLOWER: before any call
                why = f"{envelope.PRECAUTION}: {self.declines[0]}, a judgement a listing cannot state"
                raise self.fail(why, 0, precaution=True)
            split = declined.split(self.plan) if self.declines else ""
            if split:
                raise self.fail(f"{envelope.PRECAUTION}: {self.declines[0]}; {split}", 0, precaution=True)

    def fail(self, reason: str, step: int, precaution: bool = False, check: str = "") -> Diverged:
        if self.progress is not None and self.progress.diverged is None:
            self.progress.diverged, self.progress.step = reason, step
            self.progress.precaution, self.progress.check = precaution, check
        return Diverged(reason, step)

    async def call(self, step: int, tool: str, arguments: dict[str, Any]) -> Result:
        """Check the arguments against the plan, call the tool through the hook chain, verify the result."""
        spec = self.steps[step]
        if tool != spec.tool:
            raise self.fail(f"step {step} calls {tool} but the plan says {spec.tool}", step)
        self._check_arguments(step, spec, arguments)
        if self.plan is not None:  # rule 1 for a derived argument, as FOLLOWER replay checks it
            risk_of = self.progress.risk_of if self.progress is not None else None
            why = tool_argument_problem(self.plan, self.env, step, arguments, risk_of, spec.tool)
            if why:
                raise self.fail(f"{envelope.PRECAUTION}: {why}", step, precaution=True)
        self.args[step] = copy.deepcopy(arguments)
        self._check_seen(spec.group)
        out = await self._invoke(step, spec, arguments)
        return self._verify(step, spec, out)

    async def gather(self, *calls: Awaitable[Result]) -> list[Result]:
        """Run the calls of one plan group concurrently (as the recorded turn did)."""
        return list(await asyncio.gather(*calls))

    def done(self) -> str:
        names = ", ".join(s.tool for s in self.steps)
        return f"Done (crystallized plan {self.plan_id}: {names})."

    def answer(self) -> str:
        """The final answer: only this run's values (the checked template, else a listing of results)."""
        if self.conditional and self.steps:  # the answer says which way the condition went: rule 1 first
            self._check_seen(max(s.group for s in self.steps) + 1)
        parts = answers.checked(self.checks.get("answer") or [])
        if self.declines:  # as a FOLLOWER replay: the supporting runs declined the goal on what their results said
            self._check_decided()
        said = answers.render(parts, self.env, self.args)
        if said is not None:
            plan = self.plan
            self._check_decided(fitted=True)  # as a FOLLOWER replay: the runs the template fits (`_seen_answer`)
            why = (
                answers.derived_unproven(plan.answer, own_support(plan), plan.seen_runs, self.env)
                or envelope.answer_seen_problem(plan, self.env, list(self.args), self.noise_runs, parts)
                if plan is not None
                else None
            )
            if why:  # as a FOLLOWER replay: rule 1 for a number computed from the results
                raise self.fail(f"{envelope.PRECAUTION}: {why}", len(self.steps) - 1, precaution=True)
            return said
        unsaid = answers.unsaid_computed(self.plan.answer, self.env, self.args) if self.plan is not None else ""
        if unsaid:  # as a FOLLOWER replay: a figure the runs stated, which a listing would leave out
            raise self.fail(f"{envelope.PRECAUTION}: {unsaid}", len(self.steps) - 1, precaution=True)
        if self.plan is not None and answers.plan_states_figures(self.plan.example):  # as a FOLLOWER replay
            self._check_decided()
        varied = answer_varied(self.plan) if self.plan is not None else ""
        if varied:  # as a FOLLOWER replay: the supporting answers' own words depend on what only the model judges
            raise self.fail(f"{envelope.PRECAUTION}: {varied}", len(self.steps) - 1, precaution=True)
        if declines := declined.unlistable(self.declines):  # as FOLLOWER's
            why = f"{envelope.PRECAUTION}: {declines[0]}, a judgement a listing cannot state"
            raise self.fail(why, len(self.steps) - 1, precaution=True)
        if self.conditional:  # as a FOLLOWER replay: the answer says which way the condition went
            raise self.fail(CONDITIONAL_LISTING, len(self.steps) - 1, precaution=True)
        risk_of = self.progress.risk_of if self.progress is not None else None
        got = envelope.listing_problem(self.plan, self.env, list(self.args), risk_of)
        if got is not None:  # as a FOLLOWER replay: a listing only on results like those of the runs that taught it
            raise self.fail(f"{envelope.PRECAUTION}: {got[1]}", got[0], precaution=True)
        figures = answers.plan_figures(self.plan.example) if self.plan is not None else []
        if figures:  # as a FOLLOWER replay: a listing would leave out figures only the model works out
            why = (
                f"{envelope.PRECAUTION}: the answer cannot be stated from this run's values (the supporting "
                f"answers stated figures no value of the run gives: {', '.join(figures[:3])})"
            )
            raise self.fail(why, len(self.steps) - 1, precaution=True)
        return answers.listing([s.tool for s in self.steps], self.env, self.args)

    def _check_arguments(self, i: int, spec: _Step, arguments: dict[str, Any]) -> None:
        for leaf in spec.leaves:
            where = f"{spec.tool}.{ex.format_path(leaf.path)}"
            try:
                computed = coerce(ex.walk(arguments, leaf.path), leaf.type)
                expected = coerce(ex.evaluate_all(leaf.cands, self.env), leaf.type)
            except ex.Disagree as e:  # rule 2: the evidence cannot tell which is right
                why = f"{envelope.PRECAUTION}: {where}: explanations disagree ({e})"
                raise self.fail(why, i, precaution=True) from None
            except (ex.Unavailable, ArithmeticError, ValueError, TypeError) as e:
                raise self.fail(f"{where}: {e}", i) from None
            if not ex.same(computed, expected):
                raise self.fail(f"{where}: the code computed {computed!r} but the plan gives {expected!r}", i)
            set_path(arguments, leaf.path, computed)
        if self.plan is not None:
            self._check_live(i, arguments)

    def _check_live(self, i: int, arguments: dict[str, Any]) -> None:
        """Rule 2 as FOLLOWER replay applies it: every explanation the plan keeps *now* (a rejected run
        may have been taken out of its evidence since the module was compiled) gives the value."""
        assert self.plan is not None
        step = self.plan.steps[i]
        for leaf in step.leaves:
            where = f"{step.name}.{ex.format_path(leaf.path)}"
            try:
                expected = coerce(ex.evaluate_all(leaf.cands, self.env), leaf.type)
                computed = coerce(ex.walk(arguments, leaf.path), leaf.type)
            except ex.Disagree as e:
                why = f"{envelope.PRECAUTION}: {where}: explanations disagree ({e})"
                raise self.fail(why, i, precaution=True) from None
            except (ex.Unavailable, ArithmeticError, ValueError, TypeError) as e:
                raise self.fail(f"{envelope.PRECAUTION}: {where}: {e} ({STALE})", i, precaution=True) from None
            if not ex.same(computed, expected):
                why = f"{where}: the code computed {computed!r} but the plan now gives {expected!r} ({STALE})"
                raise self.fail(f"{envelope.PRECAUTION}: {why}", i, precaution=True)

    def _check_seen(self, group: int) -> None:
        """Rule 1, as FOLLOWER replay checks it: before a call of `group`, the results of the group
        before it stay inside what the evidence saw while a step that changes the world is ahead."""
        if self.plan is None:
            return
        before = max((s.group for s in self.steps if s.group < group), default=None)
        for i, s in enumerate(self.steps):
            if s.group != before or i in self.checked:
                continue
            self.checked.add(i)
            risk_of = self.progress.risk_of if self.progress is not None else None
            why, _noise = envelope.seen_problem(
                self.plan, self.env, list(self.args), i, self.noise_runs, risk_of, always=self.conditional
            )
            if why:
                raise self.fail(f"{envelope.PRECAUTION}: {why}", i, precaution=True)

    def _check_decided(self, fitted: bool = False) -> None:
        """Rule 1 on every result of a plan that changed nothing because of what its results said (`fitted`:
        before a template's answer, against the runs it fits; any plan once that template started again)."""
        risk_of = self.progress.risk_of if self.progress is not None else None
        judged = declined.judged(self.declines, self.env.tokens)  # a yes/no, own words: as FOLLOWER
        got = envelope.decided_problem(self.plan, self.env, list(self.args), self.noise_runs, risk_of, fitted, judged)
        if got is not None:
            raise self.fail(f"{envelope.PRECAUTION}: {got[1]}", got[0], precaution=True)

    async def _invoke(self, i: int, spec: _Step, arguments: dict[str, Any]) -> ToolOutput:
        call_tool = self.ctx.call_tool
        if call_tool is None:
            raise self.fail("a crystallized tool must run through the hook chain (no call_tool)", i)
        attempts = 0
        while True:
            out = await call_tool(spec.tool, copy.deepcopy(arguments))
            record = out.data
            if self.progress is not None and isinstance(getattr(record, "id", None), str):
                self.progress.calls.append((record.id, spec.group))
            denied = getattr(record, "decision", "allow") != "allow"
            if denied or not out.is_error or attempts >= self.retries or not TRANSIENT_RE.search(out.content[:500]):
                break
            attempts += 1
        if denied:
            raise self.fail(f"{spec.tool} was denied: {getattr(record, 'decision_reason', '') or out.content}", i)
        if out.is_error:
            raise self.fail(f"{spec.tool} failed: {out.content[:300]}", i)
        if getattr(record, "original_arguments", None) is not None:
            raise self.fail(f"a hook rewrote the arguments of {spec.tool}", i)
        return out

    def _verify(self, i: int, spec: _Step, out: ToolOutput) -> Result:
        if self.progress is not None:
            self.progress.ran.add(i)
        parsed = ex.parse_result(out.content)
        if spec.shapes and result_shape(parsed) not in spec.shapes:
            raise self.fail(f"{spec.tool} returned a result of a shape the plan never saw", i)
        self.env.texts[i] = out.content
        self.env.parsed[i] = parsed
        if spec.constants:
            live = {path_key(p): v for p, v in ex.leaves(parsed)}
            for key, value in spec.constants.items():
                if key in live and not ex.same(live[key], value):
                    raise self.fail(
                        f"{spec.tool} returned {live[key]!r} at {key} where every supporting run saw "
                        f"{value!r}, and a later argument is a constant that may depend on it",
                        i,
                    )
        if self.plan is not None:
            why = envelope.result_problem(self.plan, i, parsed, self.noise_runs)  # noise as in _check_seen
            if why:
                raise self.fail(why, i, precaution=True, check="result")
            why = envelope.relation_problem(self.plan, self.env, i)
            if why:
                raise self.fail(why, i, precaution=True)
        if self.progress is not None:
            self.progress.steps_done += 1
        return Result(parsed, out.content, spec.tool)
