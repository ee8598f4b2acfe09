"""The plan index: learned plans found by goal skeleton, constants, tool sequence and content words.

Selection and induction compare a goal with the plans of its length; the index narrows them
without comparing skeletons one by one, so both stay fast with thousands of plans.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from llmos.learning import spans
from llmos.learning.goals import Token, content_words, jaccard
from llmos.learning.loops._shape import region as list_region
from llmos.learning.plans import Plan, Seq

PARAPHRASE_CANDIDATES = 200


class PlanIndex:
    """Plans by (agent, goal length), by constant (for near-misses), by skeleton (for exact matches),
    by tool sequence (merge candidates) and by constant content word (for paraphrases)."""

    def __init__(self) -> None:
        self.plans: dict[str, Plan] = {}
        self.buckets: dict[tuple[str, int], dict[str, Plan]] = {}
        self.words: dict[tuple[str, str], set[str]] = {}
        self._plan_words: dict[str, frozenset[str]] = {}
        # (agent, length, position, kind, text) -> plans with that constant there
        self.constants: dict[tuple[str, int, int, str, str], set[str]] = {}
        self._plan_constants: dict[str, list[tuple[str, int, int, str, str]]] = {}
        # (agent, length) -> slot positions -> the constants' (kind, text) -> plans with that skeleton
        self.skeletons: dict[tuple[str, int], dict[tuple[int, ...], dict[tuple[Any, ...], set[str]]]] = {}
        self.seqs: dict[tuple[str, int, Seq], dict[str, Plan]] = {}  # (agent, length, tool sequence) -> plans
        self._seq_lengths: dict[tuple[str, Seq], set[int]] = {}  # (agent, tool sequence) -> the lengths in `seqs`
        # plans whose slots may take several words (`spans.py`), by (agent, first word, last word) of the
        # skeleton (None where a slot is): aligned with a goal of any length
        self.spanned: dict[tuple[str, Any, Any], dict[str, tuple[Plan, frozenset[tuple[str, str]]]]] = {}
        self._plan_span_key: dict[str, tuple[str, Any, Any]] = {}
        # plans whose skeleton holds one list of slots (`loops`), by (agent, words before it, words after it)
        self.lists: dict[tuple[str, int, int], dict[str, Plan]] = {}
        self._plan_list_key: dict[str, tuple[str, int, int]] = {}

    def put(self, plan: Plan) -> None:
        old = self.plans.get(plan.id)
        # the same object again (a plan that took a run in place: `induction.merge` keeps its slots):
        # what `_same_keys(plan, plan)` says, without comparing it with itself
        same = not spans.has_phrases(plan) if old is plan else old is not None and _same_keys(old, plan)
        if same:  # a plan that learned more: only its object changes
            n, seq = plan.ntokens, plan.seq
            for by_id in (self.plans, self.buckets[(plan.agent, n)], self.seqs[(plan.agent, n, seq)]):
                del by_id[plan.id]  # and it moves to the end, as if removed and added
                by_id[plan.id] = plan
            lkey = self._plan_list_key.get(plan.id)
            if lkey is not None:
                self.lists[lkey][plan.id] = plan
            return
        self.remove(plan.id)
        self.plans[plan.id] = plan
        self.buckets.setdefault((plan.agent, plan.ntokens), {})[plan.id] = plan
        words = content_words([t for i, t in enumerate(plan.skeleton) if i not in plan.slots])
        self._plan_words[plan.id] = words
        for w in words:
            self.words.setdefault((plan.agent, w), set()).add(plan.id)
        keys: list[tuple[str, int, int, str, str]] = [
            (plan.agent, plan.ntokens, i, str(t.kind), t.text)
            for i, t in enumerate(plan.skeleton)
            if i not in plan.slots
        ]
        self._plan_constants[plan.id] = keys
        for k in keys:
            self.constants.setdefault(k, set()).add(plan.id)
        slots, consts = _skeleton_key(plan)
        self.skeletons.setdefault((plan.agent, plan.ntokens), {}).setdefault(slots, {}).setdefault(consts, set()).add(
            plan.id
        )
        self.seqs.setdefault((plan.agent, plan.ntokens, plan.seq), {})[plan.id] = plan
        self._seq_lengths.setdefault((plan.agent, plan.seq), set()).add(plan.ntokens)
        if spans.has_phrases(plan):
            skey = spans.end_keys(plan)
            self._plan_span_key[plan.id] = skey
            self.spanned.setdefault(skey, {})[plan.id] = (plan, spans.constant_keys(plan))
        reg = list_region(plan)
        if reg is not None:
            lkey = (plan.agent, reg.start, plan.ntokens - 1 - reg.end)
            self._plan_list_key[plan.id] = lkey
            self.lists.setdefault(lkey, {})[plan.id] = plan

    def span_candidates(self, agent: str, tokens: list[Token]) -> list[Plan]:
        """Plans with slots of several words whose first and last skeleton words fit this goal's, and
        whose every constant word is one of the goal's."""
        if not tokens or not self.spanned:
            return []
        first, last = tokens[0].key(), tokens[-1].key()
        words = {t.key() for t in tokens}
        out: list[Plan] = []
        for key in ((agent, first, last), (agent, first, None), (agent, None, last), (agent, None, None)):
            out += [p for p, consts in self.spanned.get(key, {}).values() if consts <= words]
        return out

    def exact(self, agent: str, tokens: list[Token]) -> list[Plan]:
        """Plans of this length whose every constant equals the goal's token there (`match(...).diff`
        empty), found by skeleton: one look-up per distinct set of slot positions."""
        out: list[Plan] = []
        for slots, by_consts in self.skeletons.get((agent, len(tokens)), {}).items():
            taken = set(slots)
            key = tuple((t.kind, t.text) for i, t in enumerate(tokens) if i not in taken)
            out += [self.plans[pid] for pid in by_consts.get(key, ())]
        return out

    def same_seq(self, agent: str, n: int, seq: Seq) -> list[Plan]:
        """Plans of this goal length and tool sequence."""
        return list(self.seqs.get((agent, n, seq), {}).values())

    def seq_buckets(self, agent: str, seq: Seq, below: int) -> list[dict[str, Plan]]:
        """`seqs` of this tool sequence for every goal length from 1 to `below` - 1, shortest first (only
        the lengths that hold a plan of it are looked up: not one look-up per length)."""
        seqs = self.seqs
        return [seqs[(agent, n, seq)] for n in sorted(self._seq_lengths.get((agent, seq), ())) if 1 <= n < below]

    def near(self, agent: str, tokens: list[Token], limit: int) -> list[Plan]:
        """Plans of this length whose constants differ from the goal in at most `limit` positions."""
        return [p for p, _d in self.near_counts(agent, tokens, limit)]

    def near_counts(self, agent: str, tokens: list[Token], limit: int) -> list[tuple[Plan, int]]:
        """`near`, each plan with the number of its constants that differ from the goal (what
        `match(...).diff` would list), counted from the index without comparing any skeleton."""
        n = len(tokens)
        hits: Counter[str] = Counter()
        for i, t in enumerate(tokens):
            ids = self.constants.get((agent, n, i, t.kind, t.text))
            if ids:
                hits.update(ids)  # counted in C: a common word is shared by most plans of a length
        consts = self._plan_constants
        out = [(self.plans[pid], d) for pid, c in hits.items() if (d := len(consts[pid]) - c) <= limit]
        if limit >= n:  # plans sharing no constant at all
            out += [(p, len(consts[pid])) for pid, p in self.buckets.get((agent, n), {}).items() if pid not in hits]
        return out

    def remove(self, plan_id: str) -> None:
        old = self.plans.pop(plan_id, None)
        if old is None:
            return
        for k in self._plan_constants.pop(plan_id, []):
            ids = self.constants.get(k)
            if ids is not None:
                ids.discard(plan_id)
                if not ids:
                    del self.constants[k]
        self.buckets.get((old.agent, old.ntokens), {}).pop(plan_id, None)
        slots, consts = _skeleton_key(old)
        by_slots = self.skeletons.get((old.agent, old.ntokens), {})
        ids = by_slots.get(slots, {}).get(consts)
        if ids is not None:
            ids.discard(plan_id)
            if not ids:
                del by_slots[slots][consts]
                if not by_slots[slots]:
                    del by_slots[slots]
        self.seqs.get((old.agent, old.ntokens, old.seq), {}).pop(plan_id, None)
        skey = self._plan_span_key.pop(plan_id, None)
        if skey is not None:
            self.spanned.get(skey, {}).pop(plan_id, None)
            if not self.spanned.get(skey, True):
                del self.spanned[skey]
        self._unlist(plan_id)
        for w in self._plan_words.pop(plan_id, frozenset()):
            ids = self.words.get((old.agent, w))
            if ids is not None:
                ids.discard(plan_id)
                if not ids:
                    del self.words[(old.agent, w)]

    def _unlist(self, plan_id: str) -> None:
        lkey = self._plan_list_key.pop(plan_id, None)
        if lkey is not None:
            self.lists.get(lkey, {}).pop(plan_id, None)
            if not self.lists.get(lkey, True):
                del self.lists[lkey]

    def bucket(self, agent: str, n: int) -> list[Plan]:
        return list(self.buckets.get((agent, n), {}).values())

    def paraphrases(self, agent: str, words: frozenset[str]) -> list[tuple[float, Plan]]:
        counts: dict[str, int] = {}
        for w in words:
            for pid in self.words.get((agent, w), ()):
                counts[pid] = counts.get(pid, 0) + 1
        best = sorted(counts.items(), key=lambda kv: -kv[1])[:PARAPHRASE_CANDIDATES]
        out = [(jaccard(words, self._plan_words[pid]), self.plans[pid]) for pid, _ in best]
        return sorted(out, key=lambda x: (-x[0], -x[1].support))


def _same_keys(a: Plan, b: Plan) -> bool:
    """Whether two plans are indexed under the same keys (agent, skeleton, slot positions, tool sequence).
    A plan with slots of several words is also indexed by its span keys (and holds its object there):
    never the same keys, it is re-indexed whole."""
    return (
        not spans.has_phrases(a)
        and not spans.has_phrases(b)
        and a.agent == b.agent
        and a.slots.keys() == b.slots.keys()
        and a.seq == b.seq
        and [t.key() for t in a.skeleton] == [t.key() for t in b.skeleton]
    )


def _skeleton_key(plan: Plan) -> tuple[tuple[int, ...], tuple[Any, ...]]:
    slots = tuple(sorted(plan.slots))
    return slots, tuple((t.kind, t.text) for i, t in enumerate(plan.skeleton) if i not in plan.slots)
