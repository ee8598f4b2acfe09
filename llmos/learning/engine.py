"""LearningEngine: the facade the runtime calls before and after every run.

    engine = LearningEngine(db, config.learning)
    decision = engine.select(goal, "auto", agent="default", policy=None)   # -> ModeDecision
    report = engine.observe(trace)                                          # after every run
    engine.reject(run_id, trace)                                            # a person said "wrong"

Plans live in memory (indexed for fast matching) and in SQLite (derived data, rebuildable).
Several processes (servers) may share the store: see `llmos.learning._sync`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from llmos import _log
from llmos.config import LearningConfig
from llmos.exceptions import ModeUnavailable, StoreConflict, StoreError, UserError
from llmos.learning import _bulk_pool, _pool, _refit, _same_run, branches, induction, loops, spans, wordings
from llmos.learning._bulk import YoungOnly
from llmos.learning._constants_test import constants_test as _constants_test
from llmos.learning._observe_replay import (
    FALLBACK_PENALTY,
    ObserveReport,
    ReplayObservation,
    is_guided_run,
    is_replay_run,
)
from llmos.learning._observe_replay import seq_text as _seq_text
from llmos.learning._relearn import carry_history
from llmos.learning._rules_version import rules_version
from llmos.learning._sync import PlanSync
from llmos.learning.index import PlanIndex
from llmos.learning.induction import Evidence
from llmos.learning.plans import Plan, match
from llmos.learning.risk import RiskOf, describe
from llmos.learning.selection import MODES, ModeDecision, SelectionPolicy, select
from llmos.learning.store import Changes, PlanStore, evidence_json
from llmos.storage.base import StoreDB
from llmos.trace import Trace

__all__ = [
    "FALLBACK_PENALTY",
    "LearningEngine",
    "ModeDecision",
    "ObserveReport",
    "SelectionPolicy",
    "is_guided_run",
    "is_replay_run",
]

REJECTED_REPLAY_PENALTY = 0.5
MAX_CONFLICTS = 50  # writes refused because other processes changed plans first, before giving up
T = TypeVar("T")


class LearningEngine(ReplayObservation):
    def __init__(self, db: StoreDB, config: LearningConfig) -> None:
        self.db = db
        self.config = config
        self.store = PlanStore(db)
        self.index = PlanIndex()
        self._lock = threading.RLock()
        self._seen = self.store.seen()
        self._sync = PlanSync(self.store, self.index, self._seen)  # plans other processes learn too
        self.risk_of: RiskOf | None = None  # tool name -> risk (rule 4); the runtime sets it from its registry
        self._rules_ok = False  # the stored plans are known to be this code's (`_rules_version`, `relearn`)
        self._pool = _bulk_pool.Pool()  # workers extracting a large batch's runs ahead

    def close(self) -> None:
        """Stop the workers of large batches, if any started (`_bulk_pool`); the engine stays usable."""
        self._pool.close()

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
            self._ensure_rules()  # and catches up
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
            ahead = self._pool.ahead(batch, frozenset(self.config.ignore_tools))  # rule 1's extraction (large batch)

            def build(changes: Changes) -> list[ObserveReport]:
                out = []
                for k, t in enumerate(batch):
                    out.append(self._observe(t, changes, ahead.get(k) if ahead is not None else None))
                    gc_batch.tick()
                return out

            return self._apply(build)

    def _apply(self, build: Callable[[Changes], T]) -> T:
        """Compute a change from the store's current plans and write it; when another process changed
        plans in between, forget it, catch up and compute it again."""
        with self._lock:
            for _ in range(MAX_CONFLICTS):
                self._ensure_rules()  # catches up (and relearns first, at the first use)
                changes = Changes()
                out = build(changes)
                try:
                    self._sync.gen = self.store.write(changes, expected=self._sync.gen)
                except StoreConflict:
                    self._sync.forget(changes)
                    continue
                return out
        raise StoreError(f"the plans kept changing under this process ({MAX_CONFLICTS} attempts to save)")

    def _observe(self, trace: Trace, changes: Changes, ahead: bytes | None = None) -> ObserveReport:
        if trace.id in self._seen:
            pid = self._seen[trace.id]
            plan = self.index.plans.get(pid) if pid else None
            return ObserveReport(pid, plan.support if plan else 0, False, "already observed")
        if any(e.get("kind") == "fallback" and e.get("from_mode") == "mixed" for e in trace.events):
            report = ObserveReport(None, 0, False, "a MIXED attempt retried as LEARNER: its calls mix two attempts")
        elif is_replay_run(trace):
            report = self._observe_replay(trace, changes)
            if branches.continued(trace):  # the model chose the path after the set's common reads
                report = self._observe_support(trace, changes, repeats=False)
        else:
            report = self._observe_support(trace, changes, ahead=ahead)
        self._seen[trace.id] = report.plan_id
        changes.seen.append((trace.id, report.plan_id))
        return report

    def _observe_support(
        self, trace: Trace, changes: Changes, repeats: bool = True, ahead: bytes | None = None
    ) -> ObserveReport:
        if trace.metadata.get("context_dependent"):  # memory never loosens replay
            return ObserveReport(None, 0, False, "the run used recalled facts or session history, not only its goal")
        ev = induction.normalise(trace, frozenset(self.config.ignore_tools))
        if isinstance(ev, str):
            return ObserveReport(None, 0, False, ev)
        if not repeats:  # a model that took over from a replay may redo a look-up the replay made
            ev = induction.without_repeats(ev)
        else:
            _bulk_pool.give(ev, ahead)  # what a worker extracted from this very run (`_seen_extract.taken`)
        clean = trace.mode in ("learner", "mixed") and not any(
            e.get("kind") in ("fallback", "envelope") for e in trace.events
        )  # a model run that no replay began: it may align to a sibling wording's plan (`wordings.py`)
        ev.whole_run = True  # every call of a run no replay began (`_same_run`)
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
            merged, why = induction.merge(p, ev, self._described)
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
        mirror = _pool.take_mirror(lent) if lent is not None else None
        plan = lent or induction.new_plan(ev)
        self._put(plan, changes)
        self._check_branching(plan, changes)
        lender = self.index.plans.get(mirror.id) if mirror is not None else None
        if mirror is not None and lender is not None and not lender.slots and not lender.sibling:
            self._put(mirror, changes)  # the slot-less lender learns from the same two runs (`_pool._mirror`)
            self._check_branching(mirror, changes)
        if lent is not None:
            return plan, True, f"new plan, learned from the sibling wording of plan {lent.sibling['plan']}"
        return plan, True, "new plan" + (f" ({notes[0]})" if notes else "")

    def _described(self, name: str) -> str | None:
        """What tool `name` says of itself (`_described_tables.explain`), when the runtime's lookup knows."""
        return describe(self.risk_of, name)

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

    def _ensure_rules(self) -> None:
        """Catch up; at the first use, plans another version of the learning rules made are relearned (`relearn`)."""
        self._sync.catch_up()
        if not self._rules_ok:
            self._rules_ok = True  # first: `_apply` below comes back here
            if self.store.rules() != rules_version():
                self._apply(lambda changes: self._relearn(changes, force=False))

    def relearn(self) -> int:
        """Every plan learned again by this code's rules from its runs' stored evidence, in order, keeping what
        replays and people taught it (`_relearn`); done at first use where other rules made them. Plan count."""
        with self._lock:
            self._rules_ok = True
            return self._apply(lambda changes: self._relearn(changes, force=True))

    def _relearn(self, changes: Changes, force: bool) -> int:
        changes.rules = rules_version()
        old = dict(self.index.plans)
        if not old or (not force and self.store.rules() == changes.rules):  # none, or another process did it
            return len(old)
        evidence = self.store.all_evidence()
        _log.logger.info("relearning %d plans from %d runs: the learning rules changed", len(old), len(evidence))
        for pid in old:
            self.index.remove(pid)
            changes.delete(pid)
        changes.reassigned.update({ev.trace_id: self._induce(ev, changes)[0].id for ev, _pid in evidence})
        for plan in carry_history(self.index.plans, old, changes.reassigned, {ev.trace_id: p for ev, p in evidence}):
            changes.touch(plan)
        return len(self.index.plans)

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
            self._ensure_rules()  # and catches up
            return sorted(self.index.plans.values(), key=lambda p: (-p.support, p.id))

    def plan(self, plan_id: str) -> Plan:
        with self._lock:
            self._ensure_rules()  # and catches up
            plan = self.index.plans.get(plan_id)
        if plan is None:
            raise UserError(f"no plan {plan_id!r}: `llmos plans list` shows the learned plans")
        return plan


def _demote(plan: Plan, reason: str) -> None:
    plan.demoted = reason[:300] or "demoted"
    plan.demoted_at = plan.support
    plan.example.pop(_same_run.KEY, None)  # rule 6: no answer of a run before the verdict is repeated as it was
