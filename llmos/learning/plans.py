"""Plans: what the learning layer keeps from successful traces.

A plan is a goal skeleton (tokens, with slot positions observed to vary), the tool calls in order
(grouped by turn: calls of one group ran concurrently), and for every argument leaf the set of
explanations that fit ALL supporting traces. It also records its evidence (support, replays,
fallbacks), what makes it unsafe (branching, contradictions) and what a code generator needs
(`steps`, `slots`, `describe()`), so the evolution layer can crystallize it later.

Plans are derived data: `induction.py` builds them from traces; `store.py` keeps them in SQLite.
The helpers for live values (`coerce`, `result_shape`, `path_key`, ...) live in `_plan_values`, the
parts (`Slot`, `Leaf`, `PlanStep`) in `_plan_parts`, all re-exported here; a plan's row in `_plan_codec`.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from llmos.learning import _plan_codec
from llmos.learning import explain as ex
from llmos.learning._plan_parts import Leaf, PlanStep, Slot
from llmos.learning._plan_values import coerce, path_key, result_shape, set_path, value_type
from llmos.learning.goals import Token, changes_meaning, phrase_fits, shape

__all__ = [
    "Leaf",
    "Match",
    "Plan",
    "PlanStep",
    "Seq",
    "Slot",
    "coerce",
    "match",
    "path_key",
    "result_shape",
    "set_path",
    "value_type",
]

Seq = tuple[tuple[str, ...], ...]
RECENT_RUNS = 20  # supporting run ids kept on the plan (for display and savings)


@dataclass
class Plan:
    id: str
    agent: str
    skeleton: list[Token]
    slots: dict[int, Slot]
    steps: list[PlanStep]
    answer: list[ex.Cand] = field(default_factory=list)  # template parts of the final answer
    trace_ids: list[str] = field(default_factory=list)  # the latest supporting runs (all: learning_evidence)
    # distinct goals' token texts: kept in memory, stored in their own rows (learning_goal_tokens), so
    # that the plan row does not grow with its support
    evidence_tokens: list[tuple[str, ...]] = field(default_factory=list)
    # runs (their goal token texts) that sat where a formula the plan does not hold agreed with it: they
    # prove no value of a goal word no argument uses (`_coincidence.py`, `_envelope_checks._unused_problem`)
    coincident: list[tuple[str, ...]] = field(default_factory=list)
    support_count: int = 0  # independent supporting runs (trace_ids keeps only the latest)
    uses: int = 0  # FOLLOWER replays started
    replay_successes: int = 0
    fallbacks: int = 0
    penalty: float = 0.0  # confidence lost to fallbacks; halves with each later success
    branching: list[str] = field(default_factory=list)
    contradicted: list[str] = field(default_factory=list)
    relations: list[tuple[Any, ...]] = field(default_factory=list)  # envelope.Relation held in all evidence
    # envelope.Membership held in all evidence: (goal token position, step, 1 if the token's value is a
    # value of the step's result else 0)
    memberships: list[tuple[int, int, int]] = field(default_factory=list)
    example: dict[str, Any] = field(default_factory=dict)  # the latest supporting trace, shortened
    seen_runs: int = 0  # runs recorded in the steps' `seen` (0: a plan from before rule 1 was kept)
    fit_runs: int = 0  # runs in the steps' `fit_seen`: those the answer template fits (0: `seen` is theirs)
    fit_ref: list[ex.Cand] = field(default_factory=list)  # the template every run in `fit_seen` fits
    # rule 3: replays stopped by a check of a non-idempotent write's own result (the check could only run
    # after the write): such a plan needs a guard that is none, so it is not replayed blind any more
    post_write_checks: list[str] = field(default_factory=list)
    # feedback: a person said a replay of this plan was wrong. No FOLLOWER until `min_support` new
    # supporting runs arrive after `demoted_at` (the support when it was demoted)
    demoted: str = ""
    demoted_at: int = 0
    # evidence lent by a plan of another wording with the same calls (`wordings.py`): its id, runs, support
    sibling: dict[str, Any] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    # goal token texts not yet in learning_goal_tokens; `tokens_fresh`: the stored rows are stale (a new plan)
    pending_tokens: list[tuple[str, ...]] = field(default_factory=list, repr=False, compare=False)
    tokens_fresh: bool = field(default=False, repr=False, compare=False)

    # ---- derived
    @property
    def support(self) -> int:
        return max(self.support_count, len(self.trace_ids))

    def add_support(self, trace_id: str, texts: tuple[str, ...]) -> None:
        """One more independent supporting run: constant work, whatever the support already is."""
        self.support_count = self.support + 1
        self.trace_ids.append(trace_id)
        if len(self.trace_ids) > RECENT_RUNS:
            del self.trace_ids[: len(self.trace_ids) - RECENT_RUNS]
        known = self.__dict__.get("_token_set")
        if known is None or len(known) != len(self.evidence_tokens):
            known = self.__dict__["_token_set"] = set(self.evidence_tokens)
        if texts not in known:
            known.add(texts)
            self.evidence_tokens.append(texts)
            self.pending_tokens.append(texts)

    @property
    def support_run_ids(self) -> list[str]:
        return self.trace_ids

    @property
    def ntokens(self) -> int:
        return len(self.skeleton)

    @property
    def seq(self) -> Seq:
        cached: Seq | None = self.__dict__.get("_seq")
        if cached is not None:
            return cached
        groups: dict[int, list[str]] = {}
        for s in self.steps:
            groups.setdefault(s.group, []).append(s.name)
        out = tuple(tuple(groups[g]) for g in sorted(groups))
        self.__dict__["_seq"] = out
        return out

    @property
    def tool_names(self) -> list[str]:
        return list(dict.fromkeys(s.name for s in self.steps))

    def slot_names(self) -> dict[int, str]:
        return {p: s.name for p, s in self.slots.items()}

    def skeleton_text(self) -> str:
        parts = []
        for i, t in enumerate(self.skeleton):
            if i in self.slots:
                parts.append("{" + self.slots[i].name + "}")
            elif t.kind == "quoted":
                parts.append(repr(t.text))
            else:
                parts.append(t.text)
        return " ".join(parts)

    def demotion(self, min_support: int) -> str:
        """Why feedback still keeps this plan from FOLLOWER ('' when it does not)."""
        if not self.demoted:
            return ""
        need = self.demoted_at + max(1, min_support) - self.support
        if need <= 0:
            return ""
        return f"demoted ({self.demoted}): {need} more supporting run{'s' if need > 1 else ''} needed"

    def unsafe_reasons(self) -> list[str]:
        out = [f"branching: {b}" for b in self.branching[:3]]
        out += [f"contradicted: {c}" for c in self.contradicted[:3]]
        out += [f"rule 3 (side effects last): {c}" for c in self.post_write_checks[:3]]
        for step in self.steps:
            for leaf in step.leaves:
                if not leaf.cands:
                    out.append(f"{step.name}.{ex.format_path(leaf.path)} is unexplained")
        last_group = max((s.group for s in self.steps), default=0)
        used = self.essential_results()
        for i, step in enumerate(self.steps):
            # rule 1 makes such a read safe: replay checks its values against the evidence before any write
            if step.group != last_group and i not in used and not self.seen_runs:
                out.append(f"the result of step {i} ({step.name}) feeds no later argument: it may decide a branch")
        return out

    def essential_results(self) -> set[int]:
        """Steps whose result feeds a later argument (echoes of the step's own arguments excluded)."""
        used: set[int] = set()
        for step in self.steps:
            for leaf in step.leaves:
                for c in ex.awake(leaf.cands):
                    for r in ex.refs(c):
                        if r[0] == "txt" or (  # a plain text's number (`_explain_text`)
                            r[0] == "res"
                            and r[1] < len(self.steps)
                            and (path_key(r[2]) not in self.steps[r[1]].echo_paths)
                        ):
                            used.add(r[1])
        return used

    def fixed_leaf_after(self, step: int) -> bool:
        """Whether a step after `step` has an argument that depends on neither slots nor results."""
        for s in self.steps[step + 1 :]:
            for leaf in s.leaves:
                if all(
                    not ex.uses_results(c) and not (ex.token_positions(c) & self.slots.keys())
                    for c in ex.awake(leaf.cands)
                ):
                    return True
        return False

    def explanations(self) -> list[dict[str, Any]]:
        names, steps = self.slot_names(), [s.name for s in self.steps]
        out = []
        for i, step in enumerate(self.steps):
            for leaf in step.leaves:
                used = ex.awake(leaf.cands) or leaf.cands
                row: dict[str, Any] = {
                    "step": i,
                    "tool": step.name,
                    "argument": ex.format_path(leaf.path),
                    "type": leaf.type,
                    "explanations": [ex.describe(c, names, steps) for c in _ranked(used)][:6],
                    "ambiguous": len(used) > 1,
                }
                if len(used) < len(leaf.cands):  # wider families kept for when the usual ones stop fitting
                    row["dormant"] = len(leaf.cands) - len(used)
                out.append(row)
        return out

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "agent": self.agent,
            "skeleton": self.skeleton_text(),
            "slots": [
                {"name": s.name, "position": p, "shapes": s.shapes, "values": s.values[:5]}
                for p, s in sorted(self.slots.items())
            ],
            "steps": [{"tool": s.name, "group": s.group} for s in self.steps],
            "support": self.support,
            "uses": self.uses,
            "replay_successes": self.replay_successes,
            "fallbacks": self.fallbacks,
            "penalty": round(self.penalty, 4),
            "unsafe": self.unsafe_reasons(),
            "explanations": self.explanations(),
            "trace_ids": self.trace_ids[-10:],
            "demoted": self.demoted,
            "sibling": self.sibling,  # evidence lent by a plan of another wording (`wordings.py`)
        }

    # ---- serialisation (`_plan_codec`: the row's JSON form)
    def to_dict(self) -> dict[str, Any]:
        return _plan_codec.to_dict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        return _plan_codec.from_dict(cls, d)

    def copy(self) -> Plan:
        """A copy safe to change (explanations are immutable tuples and are shared)."""
        new = copy.copy(self)
        new.__dict__.pop("_consumed", None)  # derived from the explanations, which a copy may change
        new.__dict__.pop("_derived", None)
        new.__dict__.pop("_consumed_varying", None)
        new.slots = {
            p: Slot(s.pos, s.name, list(s.shapes), list(s.values), list(s.span)) for p, s in self.slots.items()
        }
        new.steps = [
            PlanStep(
                st.name,
                st.group,
                st.arguments,
                [Leaf(lf.path, list(lf.cands), lf.type) for lf in st.leaves],
                list(st.result_shapes),
                dict(st.const_results),
                list(st.echo_paths),
                {k: list(v) for k, v in st.ranges.items()},
                dict(st.lengths),
                {k: list(v) for k, v in st.categories.items()},
                dict(st.seen),  # records are replaced, never changed in place
                dict(st.fit_seen),
            )
            for st in self.steps
        ]
        new.trace_ids = list(self.trace_ids)
        # the goals seen only ever grow, and a copy replaces its original: shared, so that a copy costs the
        # same whatever the support (the original keeps seeing what the copy adds)
        new.evidence_tokens = self.evidence_tokens
        new.pending_tokens = list(self.pending_tokens)
        new.branching, new.contradicted = list(self.branching), list(self.contradicted)
        new.post_write_checks = list(self.post_write_checks)
        new.relations = list(self.relations)
        new.memberships = list(self.memberships)
        new.coincident = list(self.coincident)
        new.example = dict(self.example)
        new.sibling = dict(self.sibling)
        new.fit_ref = list(self.fit_ref)
        return new


_KIND_RANK = {"val": 0, "const": 1, "tmpl": 2, "arith": 3}


def _ranked(cands: list[ex.Cand]) -> list[ex.Cand]:
    return sorted(cands, key=lambda c: (_KIND_RANK.get(c[0], 9), len(repr(c))))


# ---------------------------------------------------------------- matching
@dataclass
class Match:
    plan: Plan
    diff: list[int]  # non-slot positions whose token differs
    bad_shapes: list[int]  # slot positions whose value has a shape never seen

    @property
    def full(self) -> bool:
        return not self.diff and not self.bad_shapes


def match(plan: Plan, tokens: list[Token], limit: int | None = None, shapes: list[str] | None = None) -> Match | None:
    """Compare a goal's tokens with a plan's skeleton (None when the lengths differ or `limit` is passed).
    `shapes`: the tokens' shapes, when the caller matches one goal against many plans."""
    if len(tokens) != len(plan.skeleton):
        return None
    diff: list[int] = []
    bad: list[int] = []
    slots = plan.slots
    for i, (t, s) in enumerate(zip(tokens, plan.skeleton, strict=True)):
        slot = slots.get(i)
        if slot is None:
            if t.kind != s.kind or t.text != s.text:
                diff.append(i)
                if limit is not None and len(diff) > limit:
                    return None
        elif t.kind == "word" and changes_meaning(t.text, slot.values):
            bad.append(i)  # "All", "None", "Half" where no value of the slot was: another goal, perhaps
        elif t.kind == "word" and " " in t.text:
            if not phrase_fits(slot.shapes, slot.values, t.text):
                bad.append(i)  # a value of several words (an aligned span, `spans.py`): word by word
        elif (shapes[i] if shapes is not None else shape(t)) not in slot.shapes and not (
            t.kind == "word" and " " in "".join(slot.values) and phrase_fits(slot.shapes, slot.values, t.text)
        ):
            bad.append(i)  # one word where values of several were seen: judged as one of their words
    return Match(plan, diff, bad)
