"""LearningEngine: the facade the runtime calls before and after every run.

    engine = LearningEngine(db, config.learning)
    decision = engine.select(goal, "auto", agent="default", policy=None)   # -> ModeDecision
    report = engine.observe(trace)                                          # after every run
    engine.reject(run_id, trace)                                            # a person said "wrong"

Plans live in memory (indexed for fast matching) and in SQLite (derived data, rebuildable).
Several processes (servers) may share the store: see `llmos.learning._sync`.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from llmos.config import LearningConfig
from llmos.exceptions import ModeUnavailable, StoreConflict, StoreError, UserError
from llmos.learning import _refit, induction, loops, spans, wordings
from llmos.learning._bulk import YoungOnly
from llmos.learning._sync import PlanSync
from llmos.learning.branches import discriminated as _discriminated
from llmos.learning.index import PlanIndex
from llmos.learning.induction import Evidence
from llmos.learning.plans import Plan, match
from llmos.learning.risk import RiskOf, writes_after
from llmos.learning.selection import MODES, ModeDecision, SelectionPolicy, select
from llmos.learning.store import Changes, PlanStore, evidence_json
from llmos.modes import REPLAY_MODES
from llmos.storage.base import StoreDB
from llmos.trace import Trace

__all__ = ["LearningEngine", "ModeDecision", "ObserveReport", "SelectionPolicy"]

FALLBACK_PENALTY = 0.1
REJECTED_REPLAY_PENALTY = 0.5
MAX_CONFLICTS = 50  # writes refused because other processes changed plans first, before giving up
T = TypeVar("T")


@dataclass
class ObserveReport:
    plan_id: str | None
    repetition_count: int  # the plan's support after this run
    novel: bool  # a new plan was started
    reason: str = ""


class LearningEngine:
    def __init__(self, db: StoreDB, config: LearningConfig) -> None:
        self.db = db
        self.config = config
        self.store = PlanStore(db)
        self.index = PlanIndex()
        self._lock = threading.RLock()
        self._seen = self.store.seen()
        self._sync = PlanSync(self.store, self.index, self._seen)  # plans other processes learn too
        self.risk_of: RiskOf | None = None  # tool name -> risk (rule 4); the runtime sets it from its registry

    # ---------------------------------------------------------------- selection
    def select(
        self,
        goal: str,
        requested_mode: str = "auto",
        *,
        agent: str = "default",
        policy: SelectionPolicy | object | None = None,
    ) -> ModeDecision:
        """The mode for this goal. `policy`: a SelectionPolicy or any object with its attributes."""
        if requested_mode not in MODES:
            raise UserError(f"unknown mode {requested_mode!r}: choose one of {', '.join(MODES)}")
        with self._lock:
            self._sync.catch_up()
            if not self.config.enabled and requested_mode in ("auto",):
                return ModeDecision("learner", 1.0, reason={"why": "learning is disabled"}, goal=goal)
            decision, blockers = select(self.index, goal, self.config, requested_mode, agent, policy, self.risk_of)
        if requested_mode == "follower" and decision.mode != "follower":
            raise ModeUnavailable("FOLLOWER is not available for this goal: " + "; ".join(blockers))
        if requested_mode == "mixed" and decision.mode != "mixed":
            raise ModeUnavailable("MIXED is not available for this goal: " + "; ".join(blockers))
        return decision

    # ---------------------------------------------------------------- learning
    def observe(self, trace: Trace) -> ObserveReport:
        return self.observe_many([trace])[0]

    def observe_many(self, traces: Iterable[Trace]) -> list[ObserveReport]:
        """Observe runs in order and write the changes in one transaction (bulk path for rebuilds)."""
        batch = list(traces)
        if len(batch) < 2:
            with self._lock:
                return self._apply(lambda changes: [self._observe(t, changes) for t in batch])
        with self._lock, YoungOnly() as gc_batch:  # no full scans of the heap while a batch is observed

            def build(changes: Changes) -> list[ObserveReport]:
                out = []
                for t in batch:
                    out.append(self._observe(t, changes))
                    gc_batch.tick()
                return out

            return self._apply(build)

    def _apply(self, build: Callable[[Changes], T]) -> T:
        """Compute a change from the store's current plans and write it; when another process changed
        plans in between, forget it, catch up and compute it again."""
        with self._lock:
            for _ in range(MAX_CONFLICTS):
                self._sync.catch_up()
                changes = Changes()
                out = build(changes)
                try:
                    self._sync.gen = self.store.write(changes, expected=self._sync.gen)
                except StoreConflict:
                    self._sync.forget(changes)
                    continue
                return out
        raise StoreError(f"the plans kept changing under this process ({MAX_CONFLICTS} attempts to save)")

    def _observe(self, trace: Trace, changes: Changes) -> ObserveReport:
        if trace.id in self._seen:
            pid = self._seen[trace.id]
            plan = self.index.plans.get(pid) if pid else None
            return ObserveReport(pid, plan.support if plan else 0, False, "already observed")
        if any(e.get("kind") == "fallback" and e.get("from_mode") == "mixed" for e in trace.events):
            report = ObserveReport(None, 0, False, "a MIXED attempt retried as LEARNER: its calls mix two attempts")
        elif is_replay_run(trace):
            report = self._observe_replay(trace, changes)
        else:
            report = self._observe_support(trace, changes)
        self._seen[trace.id] = report.plan_id
        changes.seen.append((trace.id, report.plan_id))
        return report

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
        if fell_back:  # what the model did after the replay stopped refines the plan or reveals a branch
            ev = induction.normalise(trace, frozenset(self.config.ignore_tools))
            if not isinstance(ev, str):  # a model may repeat a call the replay already made
                ev = induction.without_repeats(ev)
            if not isinstance(ev, str) and ev.seq == plan.seq:
                refined, note = induction.refine(plan, ev, trace.success and not trace.rejected)
                if refined is not None:
                    self._put(refined, changes)
                    plan = refined
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
                            f"run {trace.id} (a replay that fell back) took {_seq_text(seq)}",
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

    def _observe_support(self, trace: Trace, changes: Changes) -> ObserveReport:
        if trace.metadata.get("context_dependent"):  # memory never loosens replay
            return ObserveReport(None, 0, False, "the run used recalled facts or session history, not only its goal")
        ev = induction.normalise(trace, frozenset(self.config.ignore_tools))
        if isinstance(ev, str):
            return ObserveReport(None, 0, False, ev)
        clean = trace.mode in ("learner", "mixed") and not any(
            e.get("kind") in ("fallback", "envelope") for e in trace.events
        )  # a model run that no replay began: it may align to a sibling wording's plan (`wordings.py`)
        guide = trace.plan_id if is_guided_run(trace) else None  # never vouches for the plan it imitated
        plan, novel, why = self._induce(ev, changes, clean, guide)
        changes.evidence_rows.append((ev.trace_id, plan.id, evidence_json(ev)))
        return ObserveReport(plan.id, plan.support, novel, why)

    def _induce(
        self, ev: Evidence, changes: Changes, clean: bool = False, guide: str | None = None
    ) -> tuple[Plan, bool, str]:
        n = len(ev.tokens)
        seq = ev.seq
        for p in self._same_skeleton(ev):
            if p.seq != seq:  # same skeleton, other tool sequence: a branch
                self._mark(
                    p,
                    p.branching,
                    f"trace {ev.trace_id} took {_seq_text(seq)} instead of {_seq_text(p.seq)}",
                    changes,
                )
        limit = max(2, (n + 1) // 2)  # merge candidates: this tool sequence, a near skeleton
        shapes = ev.shapes()
        candidates = []
        for p in self.index.same_seq(ev.agent, n, seq):
            m = match(p, ev.tokens, limit, shapes)
            if m is not None:
                candidates.append((len(m.diff), -p.support, p.id, p, m))
        candidates.sort(key=lambda c: c[:3])
        notes = []
        for _d, _s, _id, p, m in candidates[:3]:
            merged, why = induction.merge(p, ev)
            if merged is None and _refit.wants_refit(p, why):  # a coincidence of its first runs
                merged = self._refit(p, ev, changes)
            if merged is not None:
                widened = len(merged.slots) > len(p.slots)
                merged.penalty /= 2  # a later success earns back half of what fallbacks cost
                self._put(merged, changes)
                if widened:
                    self._check_branching(merged, changes)
                self._lend(merged, changes)
                return merged, False, f"supports plan {merged.id}"
            notes.append(why)
            if not m.diff:
                self._mark(p, p.contradicted, f"trace {ev.trace_id}: {why}", changes)
        lent = wordings.borrow(self.index, ev, self.config, self.risk_of, clean, guide, self.store.evidence_for)
        plan = lent or induction.new_plan(ev)
        self._put(plan, changes)
        self._check_branching(plan, changes)
        if lent is not None:
            return plan, True, f"new plan, learned from the sibling wording of plan {lent.sibling['plan']}"
        return plan, True, "new plan" + (f" ({notes[0]})" if notes else "")

    def _lend(self, plan: Plan, changes: Changes) -> None:
        """A plan that can lend now (after every run it takes): one-run plans of other wordings whose run
        aligns to it learn from it."""
        for w in wordings.waiting(self.index, plan, self.config, self.risk_of):
            evs = self.store.evidence_for([w.id])
            lent = wordings.align(plan, evs[0]) if len(evs) == 1 and evs[0].mode == "learner" else None
            if lent is not None and lent.id == w.id:
                lent.uses, lent.fallbacks, lent.penalty = w.uses, w.fallbacks, w.penalty
                self.index.remove(w.id)
                self._put(lent, changes)
                self._check_branching(lent, changes)

    def _refit(self, plan: Plan, ev: Evidence, changes: Changes) -> Plan | None:
        rebuilt = _refit.refit(plan, self.store.evidence_for([plan.id]), ev)
        if rebuilt is not None and rebuilt.id != plan.id:
            self.index.remove(plan.id)
            changes.delete(plan.id)
            for trace_id in plan.trace_ids:
                changes.reassigned[trace_id] = rebuilt.id
        return rebuilt

    def _same_skeleton(self, ev: Evidence) -> list[Plan]:
        """Plans whose skeleton this run's goal fits (constants equal), a slot of several words included."""
        out = {p.id: p for p in self.index.exact(ev.agent, ev.tokens)}
        raw = ev.raw_tokens()
        for p in self.index.span_candidates(ev.agent, raw):
            if p.id not in out and spans.covers(p, raw):
                out[p.id] = p
        return list(out.values())

    def _check_branching(self, plan: Plan, changes: Changes) -> None:
        if spans.has_phrases(plan):  # goals of other lengths this plan now covers
            for n in range(plan.ntokens, plan.ntokens + spans.MAX_SPAN_WORDS):
                for other in self.index.bucket(plan.agent, n):
                    if other.id == plan.id or other.seq == plan.seq:
                        continue
                    texts = next((t for t in other.evidence_tokens if spans.covers(plan, spans.tokens_of(t))), None)
                    if texts is not None:
                        self._mark(
                            plan,
                            plan.branching,
                            f"plan {other.id} took {_seq_text(other.seq)} for the goal {' '.join(texts)!r}",
                            changes,
                        )
                        return
        seq, first_holding = plan.seq, _constants_test(plan)
        for other in self.index.bucket(plan.agent, plan.ntokens):
            if other.id == plan.id or other.seq == seq:
                continue
            texts = first_holding(other.evidence_tokens)
            if texts is not None:
                self._mark(
                    plan,
                    plan.branching,
                    f"plan {other.id} took {_seq_text(other.seq)} for the goal {' '.join(texts)!r}",
                    changes,
                )

    def _mark(self, plan: Plan, where: list[str], note: str, changes: Changes) -> None:
        if len(where) < 20:
            where.append(note)
        changes.touch(plan)

    def _put(self, plan: Plan, changes: Changes) -> None:
        self.index.put(plan)
        changes.touch(plan)

    # ---------------------------------------------------------------- rejection and rebuilds
    def reject(self, run_id: str, trace: Trace | None = None) -> list[str]:
        """Forget a run's support: rebuild the plans it supported without it. Returns affected plan ids."""
        return self._apply(lambda changes: self._reject(run_id, trace, changes))

    def _reject(self, run_id: str, trace: Trace | None, changes: Changes) -> list[str]:
        affected: list[str] = []
        pid = self.store.plan_of_trace(run_id)
        replayed_ids = [trace.plan_id, *loops.contributors(trace.plan_id)] if trace is not None else []
        followed = trace is not None and (is_replay_run(trace) or is_guided_run(trace))
        for replayed_id in replayed_ids if followed else []:
            replayed = self.index.plans.get(replayed_id or "")  # a person says the replay (or guide) was wrong
            if replayed is None:
                continue
            replayed.penalty = min(1.0, replayed.penalty + REJECTED_REPLAY_PENALTY)
            replayed.replay_successes = max(0, replayed.replay_successes - 1)
            _demote(replayed, f"run {run_id} was rejected")
            changes.touch(replayed)
            affected.append(replayed.id)
        for borrower in wordings.revoke(self.index, run_id):  # a rejected run lends nothing any more
            changes.touch(borrower)
            affected.append(borrower.id)
        if pid is not None:
            affected.append(pid)
            self._rebuild_plan(pid, run_id, changes)
        return affected

    def demote(self, plan_id: str, reason: str) -> Plan:
        """No FOLLOWER for this plan until `min_support` new supporting runs (a person said so)."""

        def build(changes: Changes) -> Plan:
            plan = self.index.plans.get(plan_id)
            if plan is None:
                raise UserError(f"no plan {plan_id!r}: `llmos plans list` shows the learned plans")
            _demote(plan, reason)
            changes.touch(plan)
            return plan

        return self._apply(build)

    def _rebuild_plan(self, pid: str, dropped: str, changes: Changes) -> None:
        old = self.index.plans.get(pid)
        evidence = [e for e in self.store.evidence_for([pid]) if e.trace_id != dropped]
        changes.dropped_evidence.add(dropped)
        self.index.remove(pid)
        changes.delete(pid)
        for ev in evidence:
            plan, novel, _why = self._induce(ev, changes)
            changes.reassigned[ev.trace_id] = plan.id
            if novel and old is not None:  # replay history stays with the rebuilt plan
                plan.uses, plan.replay_successes = old.uses, old.replay_successes
                plan.fallbacks, plan.penalty = old.fallbacks, old.penalty
                plan.demoted, plan.demoted_at = old.demoted, old.demoted_at
                plan.post_write_checks = list(old.post_write_checks)

    def rebuild(self, traces: Iterable[Trace]) -> int:
        """Forget every plan and learn again from these traces (in order). Returns the plan count."""
        with self._lock:
            self.store.clear()
            self._sync.reset()
        self.observe_many(sorted(traces, key=lambda t: t.started_at))
        return len(self.index.plans)

    # ---------------------------------------------------------------- inspection
    def plans(self) -> list[Plan]:
        with self._lock:
            self._sync.catch_up()
            return sorted(self.index.plans.values(), key=lambda p: (-p.support, p.id))

    def plan(self, plan_id: str) -> Plan:
        with self._lock:
            self._sync.catch_up()
            plan = self.index.plans.get(plan_id)
        if plan is None:
            raise UserError(f"no plan {plan_id!r}: `llmos plans list` shows the learned plans")
        return plan


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


def _demote(plan: Plan, reason: str) -> None:
    plan.demoted = reason[:300] or "demoted"
    plan.demoted_at = plan.support


def _constants_test(plan: Plan) -> Callable[[list[tuple[str, ...]]], tuple[str, ...] | None]:
    """The first goal (token texts) of a list that holds every constant of the plan's skeleton at its
    position (`all(i in plan.slots or t.text == texts[i] for i, t in enumerate(plan.skeleton))`), or
    None. Whether there is one is asked in C first (the constants picked out of every goal at once)."""
    fixed = [(i, t.text) for i, t in enumerate(plan.skeleton) if i not in plan.slots]

    def first(goals: list[tuple[str, ...]]) -> tuple[str, ...] | None:
        return next((texts for texts in goals if all(texts[i] == text for i, text in fixed)), None)

    if len(fixed) < 2:
        return first
    pick, want = operator.itemgetter(*(i for i, _t in fixed)), tuple(text for _i, text in fixed)

    def fast(goals: list[tuple[str, ...]]) -> tuple[str, ...] | None:
        try:
            if want not in map(pick, goals):
                return None
        except IndexError:  # a goal shorter than the skeleton: as the plain test does it
            pass
        return first(goals)

    return fast


def _seq_text(seq: tuple[tuple[str, ...], ...]) -> str:
    return " -> ".join("+".join(g) for g in seq) or "(no calls)"
