"""Observing a replay (`LearningEngine`'s half that counts a FOLLOWER or loop replay's outcome and
applies rule 3), apart from the facade. `ReplayObservation` is a mixin: `LearningEngine` gives it
`index`, `config` and `risk_of`.

A replay is never evidence for a plan: it counts as a use, a success or a fallback. What the model did
after a replay stopped refines the plan or reveals a branch; a stop on a non-idempotent write's own
result, with no write left after it to guard, marks the plan as needing a check that can only run after
the write (rule 3: not replayed blind any more).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from llmos.config import LearningConfig
from llmos.learning import induction, loops, spans
from llmos.learning._told_apart import told_apart
from llmos.learning.branches import continued as _continued
from llmos.learning.branches import discriminated as _discriminated
from llmos.learning.index import PlanIndex
from llmos.learning.induction import Evidence
from llmos.learning.plans import Plan
from llmos.learning.risk import RiskOf, describe, writes_after
from llmos.learning.store import Changes
from llmos.modes import REPLAY_MODES
from llmos.trace import Trace

FALLBACK_PENALTY = 0.1


@dataclass
class ObserveReport:
    plan_id: str | None
    repetition_count: int  # the plan's support after this run
    novel: bool  # a new plan was started
    reason: str = ""


class ReplayObservation:
    index: PlanIndex
    config: LearningConfig
    risk_of: RiskOf | None

    def _observe_replay(self, trace: Trace, changes: Changes) -> ObserveReport:
        plan = self.index.plans.get(trace.plan_id or "")
        if plan is None:
            return self._observe_loop_replay(trace, changes)
        plan.uses += 1
        fell_back = any(e.get("kind") == "fallback" for e in trace.events)
        # a precaution (the replay left the evidence envelope) that the model finished is no failure (an
        # envelope event with after_write: the check ran on a write's own result, so the model continued
        # after the write; the trace says so, and the run is not a clean replay either way)
        precaution = any(e.get("kind") == "envelope" for e in trace.events)
        if fell_back and precaution and trace.success and not trace.rejected:
            why = "replay stopped outside the evidence; the model finished"
        elif fell_back or not trace.success or trace.rejected:
            plan.fallbacks += 1 if fell_back else 0
            plan.penalty = min(1.0, plan.penalty + FALLBACK_PENALTY)
            why = "replay fell back to the model" if fell_back else f"replay ended {trace.status}"
        else:
            plan.replay_successes += 1
            plan.penalty /= 2
            why = "replay succeeded"
        changes.touch(plan)
        self._rule3(trace, plan, changes)
        # what the model did after the replay stopped refines the plan or reveals a branch (after a branch
        # set's stop at the branch, the engine takes the run as evidence for the path the model took)
        if fell_back and not _continued(trace):
            ev = induction.normalise(trace, frozenset(self.config.ignore_tools))
            if not isinstance(ev, str):  # a model may repeat a call the replay already made
                ev = induction.without_repeats(ev)
            if not isinstance(ev, str) and ev.seq == plan.seq:
                told = functools.partial(describe, self.risk_of)  # a table a tool states (`_described_tables`)
                refined, note = induction.refine(plan, ev, trace.success and not trace.rejected, told)
                if refined is not None:
                    self._put(refined, changes)
                    plan = refined
                elif note.startswith("nothing explains") and (apart := told_apart(trace, plan, note)):
                    why += f"; {note}, but {apart}: not a contradiction of its evidence"
                elif note.startswith("nothing explains"):
                    self._mark(
                        plan,
                        plan.contradicted,
                        f"run {trace.id} (a replay the model finished): {note}",
                        changes,
                    )
            if not isinstance(ev, str):
                seq = ev.seq
                for p in self._same_skeleton(ev):
                    if p.id == plan.id and _discriminated(trace, plan, seq):
                        continue  # the evidence envelope stopped the replay before the branch: it decides it
                    if p.seq != seq:
                        self._mark(
                            p,
                            p.branching,
                            f"run {trace.id} (a replay that fell back) took {seq_text(seq)}",
                            changes,
                        )
        return ObserveReport(plan.id, plan.support, False, why)

    def _observe_loop_replay(self, trace: Trace, changes: Changes) -> ObserveReport:
        """A replay of a loop (`learning/loops`): its outcome counts for every plan it was learned from."""
        plans = [self.index.plans[i] for i in loops.contributors(trace.plan_id) if i in self.index.plans]
        if not plans:
            return ObserveReport(None, 0, False, "replayed plan no longer exists")
        why, rule3 = loops.count_replay(plans, trace, FALLBACK_PENALTY)
        for plan in plans:
            if rule3:
                self._mark(plan, plan.post_write_checks, rule3, changes)
            changes.touch(plan)
        return ObserveReport(trace.plan_id, sum(p.support for p in plans), False, why)

    def _rule3(self, trace: Trace, plan: Plan, changes: Changes) -> None:
        """Rule 3, strictly: a replay stopped by a check of a non-idempotent write's own result (the
        world answered otherwise than in every supporting run: `result_problem`), with no
        write left after it to guard, shows that the plan needs a check that can only run after the write.
        That is no guard (the write is done), so the plan is not replayed blind any more: FOLLOWER refuses
        it, and --explain says why. (A stop on a write's result *before a later write* guards that later
        write: rule 1's check, in its place.)"""
        names, groups = [s.name for s in plan.steps], [s.group for s in plan.steps]
        for e in trace.events:
            if e.get("kind") == "envelope" and e.get("after_write") and e.get("check") == "result":
                step = int(e.get("step") or 0)
                if 0 <= step < len(plan.steps) and writes_after(step, names, groups, self.risk_of):
                    continue
                name = plan.steps[step].name if 0 <= step < len(plan.steps) else f"step {step}"
                self._mark(
                    plan,
                    plan.post_write_checks,
                    f"run {trace.id}: a check of {name}'s own result stopped the replay after {name} (a "
                    f"non-idempotent write) had run ({str(e.get('reason') or '')[:200]}); the plan needs a check "
                    "that can only run after the write, so it is not replayed blind",
                    changes,
                )
                return

    def _same_skeleton(self, ev: Evidence) -> list[Plan]:
        """Plans whose skeleton this run's goal fits (constants equal), a slot of several words included."""
        out = {p.id: p for p in self.index.exact(ev.agent, ev.tokens)}
        raw = ev.raw_tokens()
        for p in self.index.span_candidates(ev.agent, raw):
            if p.id not in out and spans.covers(p, raw):
                out[p.id] = p
        return list(out.values())

    def _mark(self, plan: Plan, where: list[str], note: str, changes: Changes) -> None:
        if len(where) < 20:
            where.append(note)
        changes.touch(plan)

    def _put(self, plan: Plan, changes: Changes) -> None:
        self.index.put(plan)
        changes.touch(plan)


def is_replay_run(trace: Trace) -> bool:
    """A FOLLOWER or CRYSTALLIZED run, including one that fell back to the model (the runtime then
    says "learner"): it executes a plan, so it is never independent evidence for one."""
    return trace.mode in REPLAY_MODES or any(
        e.get("kind") == "fallback" and e.get("from_mode", "follower") in REPLAY_MODES for e in trace.events
    )


def is_guided_run(trace: Trace) -> bool:
    """A MIXED run: the model was guided by a plan's example (`trace.plan_id`), including one that was
    handed to the model again afterwards. A person who says it was wrong says the guide misled."""
    return trace.mode == "mixed" or any(
        e.get("kind") == "fallback" and e.get("from_mode") == "mixed" for e in trace.events
    )


def seq_text(seq: tuple[tuple[str, ...], ...]) -> str:
    return " -> ".join("+".join(g) for g in seq) or "(no calls)"
