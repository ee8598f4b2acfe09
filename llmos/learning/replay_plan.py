"""One replay, as learning hands it to execution: the plan bound to this goal.

    bound = BoundPlan.bind(decision, risk_of)          # Stop: the goal is outside the plan
    for idxs in bound.groups():
        bound.check_before(idxs, noise_runs)            # rule 1 (and 3): before these calls run
        calls = bound.calls(idxs)                       # "the next call": (step, tool, arguments)
        ...execute them...
        bound.accept(step, record)                      # "may I go on after this result?"
        bound.after_group(idxs)
    bound.answer()                                      # rule 5: only this run's values

Execution asks only these questions; every replay rule of issue 9 is answered here (or in the
learning modules named next to each check), so a reader can check the rules in one place:

- rule 1, never extrapolate past the evidence: `check_before` (unconsumed result values before a step
  that is not read-only), `bind` (goal values), `accept` and `after_group` (result facts);
- rule 2, all hypotheses must agree: `calls` (`explain.evaluate_all`; a disagreement stops);
- rule 3, side effects last: the checks above run before the writes they guard; `after_write` says
  whether a stop came from the result of a write that already ran (the learning engine then refuses
  the plan when that check guarded nothing);
- rule 5, answers come from this run: `answer`.
Rules 4, 6 and 7 decide whether a replay starts at all (selection) and what a run teaches (the engine).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from llmos.learning import _same_run, answers, conditions, declined, envelope, spans
from llmos.learning import explain as ex
from llmos.learning._arg_relations import argument_problem
from llmos.learning.goals import Token, tokenize_goal
from llmos.learning.plans import Plan, coerce, match, path_key, result_shape, set_path
from llmos.learning.risk import RiskOf, describe


class Stop(Exception):
    """The replay must stop here; the model continues. `precaution`: a stop outside the evidence (not
    a failure of the plan); `check`: "result" when a check of the step's own result stopped it."""

    def __init__(self, reason: str, step: int, precaution: bool = False, check: str = "") -> None:
        super().__init__(reason)
        self.reason, self.step, self.precaution, self.check = reason, step, precaution, check


class Outcome(Protocol):
    """What execution knows of one call's outcome (a kernel ToolCallRecord fits)."""

    @property
    def result(self) -> str: ...
    @property
    def is_error(self) -> bool: ...
    @property
    def denied(self) -> bool: ...
    @property
    def decision_reason(self) -> Any: ...
    @property
    def original_arguments(self) -> Any: ...


CONDITIONAL_LISTING = (
    f"{envelope.PRECAUTION}: the goal is worded as a condition and its answer says which way it went; "
    "no answer template is learned yet, and a listing of the results cannot say it"
)


@dataclass
class BoundPlan:
    plan: Plan
    tokens: list[Token]
    env: ex.Env
    risk_of: RiskOf
    args: list[dict[str, object] | None] = field(default_factory=list)  # each step's arguments, as called
    noise: list[str] = field(default_factory=list)  # rule 1's relaxations, for the trace
    conditional: bool = False  # conditional wording: rule 1 before every group and the answer (`conditions`)
    declines: list[str] = field(default_factory=list)  # why the supporting runs declined the goal (`declined`)
    goal: str = ""  # the goal as written (`_same_run`)

    @classmethod
    def bind(
        cls, plan: Plan, goal: str, slots: dict[str, Any], risk_of: RiskOf, tools: Iterable[str] = ()
    ) -> BoundPlan:
        tokens = _goal_tokens(plan, goal, slots)
        m = match(plan, tokens)
        if m is None or not m.full:
            raise Stop("the goal does not match the plan's skeleton", 0)
        bound = cls(plan, tokens, ex.Env(tokens, [None] * len(plan.steps), [ex.NOT_JSON] * len(plan.steps)), risk_of)
        bound.args = [None] * len(plan.steps)
        bound.conditional = bool(conditions.genuine(tokens))
        why = envelope.goal_problem(plan, tokens, risk_of)
        if why:
            raise Stop(why, 0, precaution=True)
        bound.goal, bound.declines = goal, declined.reasons(plan, tokens, tools, risk_of)
        same = _same_run.may_answer(plan, goal) and declined.read_only(plan, risk_of)  # its results may decide
        if bound.declines and not answers.usable(plan.answer) and not same:  # rule 3: the answer would stop it
            raise Stop(declined.unstated(bound.declines), 0, precaution=True)
        split = declined.split(plan) if bound.declines else ""
        if split:
            raise Stop(f"{envelope.PRECAUTION}: {bound.declines[0]}; {split}", 0, precaution=True)
        return bound

    def groups(self) -> list[list[int]]:
        """The plan's steps by group, in order (the calls of one group run concurrently)."""
        order = sorted({s.group for s in self.plan.steps})
        return [[i for i, s in enumerate(self.plan.steps) if s.group == g] for g in order]

    def tool_names(self, idxs: list[int]) -> list[str]:
        return [self.plan.steps[i].name for i in idxs]

    def calls(self, idxs: list[int]) -> list[tuple[int, str, dict[str, object]]]:
        """The next calls: (step, tool, arguments) with this run's values (rule 2: every hypothesis agrees)."""
        out = []
        for i in idxs:
            arguments = self._arguments(i)
            name = self.plan.steps[i].name
            why = argument_problem(self.plan, self.env, i, arguments, self.risk_of(name), describe(self.risk_of, name))
            if why:  # rule 1 for a derived argument: before the call
                raise Stop(f"{envelope.PRECAUTION}: {why}", i, precaution=True)
            self.args[i] = copy.deepcopy(arguments)
            out.append((i, self.plan.steps[i].name, arguments))
        return out

    def check_before(self, previous: list[int], noise_runs: int) -> None:
        """Rule 1: the results of `previous` (the group before the one about to run) stay inside what the
        evidence saw while a step that changes the world is ahead. Noise let through goes to `noise`."""
        noise_runs = own_noise(self.plan, noise_runs)
        for i in previous:
            why, noise = envelope.seen_problem(
                self.plan, self.env, list(self.args), i, noise_runs, self.risk_of, always=self.conditional
            )
            self.noise.extend(f"{self.plan.steps[i].name}: {n} treated as noise" for n in noise)
            if why:
                raise Stop(f"{envelope.PRECAUTION}: {why}", i, precaution=True)

    def check_end(self, last: list[int], noise_runs: int) -> None:
        """Before the answer of a conditional goal: rule 1 on the last group's results too (the answer
        says which way the condition went; it must be the way the evidence saw)."""
        if self.conditional:
            self.check_before(last, noise_runs)

    def accept(self, i: int, rec: Outcome, noise_runs: int | None = None) -> None:
        """May the replay go on after this result? Stop when not (the call failed, was denied or
        rewritten, or its result left what every supporting run saw). With `noise_runs`, rule 1's
        noise applies to the result's categories too (a counted identifier; it goes to `noise`)."""
        step = self.plan.steps[i]
        if rec.denied:
            raise Stop(f"{step.name} was denied: {rec.decision_reason}", i)
        if rec.is_error:
            raise Stop(f"{step.name} failed: {rec.result[:300]}", i)
        if rec.original_arguments is not None:
            raise Stop(f"a hook rewrote the arguments of {step.name}", i)
        parsed = ex.parse_result(rec.result)
        if step.result_shapes and result_shape(parsed) not in step.result_shapes:
            raise Stop(f"{step.name} returned a result of a shape the plan never saw", i)
        self.env.texts[i] = rec.result
        self.env.parsed[i] = parsed
        if step.const_results and self.plan.fixed_leaf_after(i):
            live = {path_key(p): v for p, v in ex.leaves(parsed)}
            for key, value in step.const_results.items():
                if key in live and not ex.same(live[key], value):
                    raise Stop(
                        f"{step.name} returned {live[key]!r} at {key} where every supporting run saw "
                        f"{value!r}, and a later argument is a constant that may depend on it",
                        i,
                    )
        noise: list[str] = []
        noise_runs = None if noise_runs is None else own_noise(self.plan, noise_runs)
        why = envelope.result_problem(self.plan, i, parsed, noise_runs, noise)
        self.noise.extend(f"{step.name}: {n} treated as noise" for n in noise)
        if why:
            raise Stop(why, i, precaution=True, check="result")

    def after_group(self, idxs: list[int]) -> None:
        """The relations between this group's results and the goal still hold as in every supporting run."""
        for i in idxs:
            why = envelope.relation_problem(self.plan, self.env, i)
            if why:
                raise Stop(why, i, precaution=True)

    def after_write(self, stop: Stop) -> bool:
        """Rule 3: whether the stop came from the result of a non-idempotent write that already ran."""
        ran = stop.step < len(self.env.texts) and self.env.texts[stop.step] is not None
        return ran and self.risk_of(self.plan.steps[stop.step].name) in ("write", "destructive")

    def answer(self, noise_runs: int = 4) -> str:
        """Rule 5: the plan's verified answer template with this run's values, else a listing of the
        results; but when the supporting answers stated figures the model worked out (no value of the
        run gives them), a listing would leave out what was asked: Stop, and the model answers.
        When the supporting answers declined the goal's action (`answers.unstated_verdict`), that
        judgement was made on their results: rule 1 holds for every result of this run (a read-only
        plan included), and a listing (which cannot state the judgement) is no answer."""
        if (same := _same_run.answer(self.plan, self.goal, self.args, self.env.texts)) is not None:
            return same  # every input is the example run's: its answer (rule 5) on its results (rule 1)
        noise_runs = own_noise(self.plan, noise_runs)
        if self.declines and declined.judged_on_every_result(self.plan, self.env.tokens, self.risk_of):
            self.check_decided(noise_runs, judged=True)  # a plan that changed nothing, or a yes/no: its results decided
        said = answers.render(self.plan.answer, self.env, self.args)
        # the runs that taught the answer: a plan's own (evidence a sibling wording lent, `wordings.lend`,
        # covers its calls and envelope, never its answer)
        support = own_support(self.plan)
        if said is not None:
            plan = self.plan
            # a figure worked out from the results, or a template that started again: rule 1 on every result,
            # against what the runs the template fits saw (`_seen_answer`)
            judged = bool(self.declines) and declined.polar(self.env.tokens)  # a yes/no: as a read-only plan
            got = envelope.decided_problem(plan, self.env, list(self.args), noise_runs, self.risk_of, True, judged)
            if got is not None:
                raise Stop(f"{envelope.PRECAUTION}: {got[1]}", got[0], precaution=True)
            why = answers.derived_unproven(
                plan.answer, support, plan.seen_runs, self.env
            ) or envelope.answer_seen_problem(plan, self.env, list(self.args), noise_runs, plan.answer)
            if why:
                raise Stop(f"{envelope.PRECAUTION}: {why}", len(self.plan.steps) - 1, precaution=True)
            return said
        unsaid = answers.unsaid_computed(self.plan.answer, self.env, self.args)
        if unsaid:
            raise Stop(f"{envelope.PRECAUTION}: {unsaid}", len(self.plan.steps) - 1, precaution=True)
        if answers.plan_states_figures(self.plan.example) and declined.read_only(self.plan, self.risk_of):
            # the supporting answers stated figures: a listing stands in for them only on results like
            # theirs ("19 registered, 3 absent" where every run read "no absences": 16 sit, not 19)
            self.check_decided(noise_runs)
        varied = answer_varied(self.plan)
        if varied:
            raise Stop(f"{envelope.PRECAUTION}: {varied}", len(self.plan.steps) - 1, precaution=True)
        got = envelope.listing_problem(self.plan, self.env, list(self.args), self.risk_of)
        if got is not None:  # a listing stands in for the answers of the runs that taught it: on results like theirs
            raise Stop(f"{envelope.PRECAUTION}: {got[1]}", got[0], precaution=True)
        figures = answers.plan_figures(self.plan.example)
        if figures:
            raise Stop(
                f"{envelope.PRECAUTION}: the answer cannot be stated from this run's values (the supporting "
                f"answers stated figures no value of the run gives: {', '.join(figures[:3])})",
                len(self.plan.steps) - 1,
                precaution=True,
            )
        if declines := declined.unlistable(self.declines):
            raise Stop(declined.unstated(declines), len(self.plan.steps) - 1, precaution=True)
        if self.conditional:  # the answer says which way the condition went: a listing cannot
            raise Stop(CONDITIONAL_LISTING, len(self.plan.steps) - 1, precaution=True)
        return answers.listing([s.name for s in self.plan.steps], self.env, self.args)

    def check_decided(self, noise_runs: int, judged: bool = False) -> None:
        """Rule 1 for a plan whose supporting runs declined the goal on what their results said: every
        result of this run stays inside what they saw, or the model judges anew. `judged`: the answer judged
        the results (no number passes as a counter); not for a listing standing in for stated figures."""
        noise_runs = own_noise(self.plan, noise_runs)
        for i in range(len(self.plan.steps)):
            why, noise = envelope.seen_problem(
                self.plan, self.env, list(self.args), i, noise_runs, self.risk_of, decides=True, counters=not judged
            )
            self.noise.extend(f"{self.plan.steps[i].name}: {n} treated as noise" for n in noise)
            if why:
                raise Stop(f"{envelope.PRECAUTION}: {why}", i, precaution=True)

    def _arguments(self, i: int) -> dict[str, object]:
        step = self.plan.steps[i]
        args = copy.deepcopy(step.arguments)
        for leaf in step.leaves:
            try:
                value = coerce(ex.evaluate_all(leaf.cands, self.env), leaf.type)
            except ex.Disagree as e:  # rule 2: the evidence cannot tell which is right; the model decides
                raise Stop(
                    f"{envelope.PRECAUTION}: {step.name}.{ex.format_path(leaf.path)}: explanations disagree ({e})",
                    i,
                    precaution=True,
                ) from None
            except (ex.Unavailable, ArithmeticError, ValueError, TypeError) as e:
                raise Stop(f"{step.name}.{ex.format_path(leaf.path)}: {e}", i) from None
            set_path(args, leaf.path, value)
        return args


def _goal_tokens(plan: Plan, goal: str, slots: dict[str, Any]) -> list[Token]:
    """The goal's tokens (from the goal text, else the skeleton with the slot values)."""
    if goal:
        raw = tokenize_goal(goal)
        if spans.has_phrases(plan):  # aligned when it fits the plan whole (shapes too), else as written
            return spans.matches(plan, raw) or raw
        return raw
    tokens = list(plan.skeleton)
    for pos, slot in plan.slots.items():
        if slot.name in slots:
            v = slots[slot.name]
            tokens[pos] = Token("number" if ex.is_num(v) else tokens[pos].kind, str(v))
    return tokens


def goal_tokens(plan: Plan, goal: str, slots: dict[str, Any]) -> list[Token]:
    return _goal_tokens(plan, goal, slots)


@dataclass
class BoundPlans(BoundPlan):
    """Several plans that match one goal and make the same calls for it (`_ambiguity`), replayed as one:
    the first makes the calls; every plan binds them too and they must be equal; every plan's evidence
    checks run on every result (all must pass)."""

    others: list[BoundPlan] = field(default_factory=list)

    @classmethod
    def bind_all(
        cls,
        plan: Plan,
        others: list[Plan],
        goal: str,
        slots: dict[str, Any],
        risk_of: RiskOf,
        tools: Iterable[str] = (),
    ) -> BoundPlan:
        tools = list(tools)
        first = BoundPlan.bind(plan, goal, slots, risk_of, tools)
        if not others:
            return first
        rest = [BoundPlan.bind(p, goal, {}, risk_of, tools) for p in others]
        return cls(
            first.plan,
            first.tokens,
            first.env,
            risk_of,
            first.args,
            first.noise,
            conditional=first.conditional,
            declines=first.declines,
            goal=first.goal,
            others=rest,
        )

    def groups(self) -> list[list[int]]:
        mine = super().groups()
        if any(b.groups() != mine for b in self.others):
            raise Stop("the plans that match this goal group their calls otherwise", 0, precaution=True)
        return mine

    def calls(self, idxs: list[int]) -> list[tuple[int, str, dict[str, object]]]:
        mine = super().calls(idxs)
        for b in self.others:
            theirs = b.calls(idxs)
            if [(n, a) for _i, n, a in theirs] != [(n, a) for _i, n, a in mine]:
                raise Stop(
                    f"{envelope.PRECAUTION}: plans {self.plan.id} and {b.plan.id} both match this goal but would "
                    f"make other calls here ({b.plan.steps[idxs[0]].name})",
                    idxs[0],
                    precaution=True,
                )
        return mine

    def _each(self, check: Callable[[BoundPlan], None]) -> None:
        """A check on every other plan; the noise they let through is said as this replay's."""
        for b in self.others:
            try:
                check(b)
            finally:
                self.noise.extend(f"{b.plan.id}: {n}" for n in b.noise)
                b.noise = []

    def check_before(self, previous: list[int], noise_runs: int) -> None:
        super().check_before(previous, noise_runs)
        self._each(lambda b: b.check_before(previous, noise_runs))

    def check_end(self, last: list[int], noise_runs: int) -> None:
        super().check_end(last, noise_runs)
        self._each(lambda b: b.check_end(last, noise_runs))

    def accept(self, i: int, rec: Outcome, noise_runs: int | None = None) -> None:
        super().accept(i, rec, noise_runs)
        self._each(lambda b: b.accept(i, rec, noise_runs))

    def after_group(self, idxs: list[int]) -> None:
        super().after_group(idxs)
        for b in self.others:
            b.after_group(idxs)

    def answer(self, noise_runs: int = 4) -> str:
        for b in self.others:
            b.answer(noise_runs)  # an answer another plan cannot state from this run stops the run too
        return super().answer(noise_runs)


def own_noise(plan: Plan, noise_runs: int) -> int:
    """Rule 1's noise needs `noise_runs` runs of the plan's own: the runs a sibling wording lent
    (`wordings.lend`) widen its envelope, never what counts as noise (a sample's text that varied in
    the lender's three runs and this wording's one is no license to stop checking it)."""
    return noise_runs + int(plan.sibling.get("lent", 0))


def own_support(plan: Plan) -> int:
    """The runs that taught the plan's answer: its own (evidence a sibling wording lent, `wordings.lend`,
    covers its calls and envelope, never its answer)."""
    return plan.support - int(plan.sibling.get("lent", 0))


def answer_varied(plan: Plan) -> str:
    """Why a listing would not answer for the plan (`answers.phrasing_varied`), over its own runs: a
    wording's plan counts the runs its sibling lent in `seen_runs`, never in its template's evidence."""
    return answers.phrasing_varied(plan.answer, own_support(plan), 0 if plan.sibling else plan.seen_runs)
