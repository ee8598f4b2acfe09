"""Evidence pooled across wordings: one run of each of two wordings, neither with a slot of its own.

`wordings.borrow` lends the plan P of another wording to a run R of a new wording W only once P's own
runs reach rule 4's need and have placed P's slots. On fresh work the first run of each wording comes
before that: P has one run (or repeats of one goal), so nothing tells its slots from its constants, and
W's one run waits too. Two runs of two wordings that made the same calls with *other* values are the
evidence two runs of one wording would be, when each wording's own run proves where its values sit.
The rule (`pool`), checkable against the code:

- P has no slot, is safe (not branching, contradicted, rule 3, unexplained), not demoted, without recent
  fallbacks, recorded what its results looked like, lent nothing it borrowed (no `sibling`), and every
  one of its runs was a LEARNER run (never a MIXED run that may have imitated an example); R is a clean
  run not guided by P (`borrow`'s `clean` and `guide`), and made exactly P's calls (`wordings.align`);
- both runs answered alike: the final answers are one text once the values of the goal (numbers, names,
  identifiers: `wordings._is_value`), the calls' arguments and the results' values are masked out and
  numbers taken out (`_answer_shape`). A wording that asks a count where the other asks a list, a
  check that alerts where the other states a peak, a "cancel" where the other confirms, answers in
  other words: no pool;
- R's run is read into P's wording: each goal position of P that an explanation of P reads alone takes
  the word of W that the same explanation reads to give R's value (`_options`); only values move (a
  position of P and a word of W that are values of their goals: a verb, a unit, a word of the wording
  is never a slot this way), and exactly one such reading lets `induction.merge` join R to P with at
  least one slot (every argument explained in both runs, the constants that differ dropped);
- that joined plan then lends to W by `wordings.align`, rule for rule (one placement of its slots on
  W's words, every hypothesis gives R's value, R tells the sources apart, W's values all placed, no new
  condition, negation or unit word): W's plan is the joined plan written on W's skeleton, with R as its
  one run of its own and its answer learned from R alone (a listing until W's own runs prove one).

The same two runs are P's evidence too (`_mirror`): the joined plan is lent back to P's own run by
`wordings.align`, rule for rule, and replaces the slot-less P under its id with R's run lent (`sibling`
with `mirror`: W's plan, R's run, W's own support); its answer is learned from P's run alone. A later
wording pools with a mirrored P as with a slot-less one (P's own runs count; its loan's runs are listed
too, so that a rejection of R ends the new loan).

`Plan.sibling` records the loan with `pooled`: the lent support is P's own runs (the joined plan's
count without R), and at selection P lends while it is still safe, undemoted and without recent
fallbacks, though its own support is below rule 4's need (`_lend.lender_problem(pooled=True)`): P's
runs and R's are the evidence, counted once each.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from llmos.config import LearningConfig
from llmos.learning import _seen_text, induction
from llmos.learning import explain as ex
from llmos.learning._lend import lender_problem
from llmos.learning.goals import Token
from llmos.learning.plans import Plan
from llmos.learning.risk import RiskOf

__all__ = ["pool", "take_mirror"]

MAX_READINGS = 64  # readings of R into P's wording tried before giving up (then: no pool)
MIRROR = "_pool_mirror"  # where `_pooled` leaves the lender's own plan of the pool (`take_mirror`)
MAX_POOLED = 8  # slot-less plans of other wordings tried per run, newest first (each reads its evidence)

Align = Callable[[Plan, induction.Evidence], Plan | None]
IsValue = Callable[[list[Token], int], bool]


def pool(
    candidates: list[Plan],
    ev: induction.Evidence,
    cfg: LearningConfig,
    risk_of: RiskOf | None,
    evidence_for: Callable[[list[str]], list[induction.Evidence]],
    align: Align,
    is_value: IsValue,
) -> Plan | None:
    """W's plan learned from R and the one-wording runs of a slot-less plan P (None: no pool)."""
    found: list[Plan] = []
    shape = None
    alone = [p for p in candidates if (not p.slots and not p.sibling) or p.sibling.get("mirror")]
    for p in sorted(alone, key=lambda p: -p.updated_at)[:MAX_POOLED]:
        if lender_problem(p, cfg, risk_of, pooled=True):
            continue
        evs = evidence_for([p.id])
        if not evs or len(evs) != p.support or any(e.mode != "learner" for e in evs):
            continue
        if shape is None:
            shape = _answer_shape(ev, is_value)
        if not shape or any(_answer_shape(e, is_value) != shape for e in evs):
            continue
        w = _pooled(p, evs[-1], ev, align, is_value)
        if w is not None:
            found.append(w)
    if not found:
        return None
    return max(found, key=lambda w: (int(w.sibling["support"]), w.sibling["plan"]))


def _answer_shape(ev: induction.Evidence, is_value: IsValue) -> str:
    """The run's final answer with its values masked and its numbers taken out, one mark for both (a
    number one run's goal gave and another's result gave is a value either way); '' without one."""
    if not ev.answer.strip():
        return ""
    tokens = [t for k, t in enumerate(ev.tokens) if is_value(ev.tokens, k)]
    owners = [t.text[:-2] for t in tokens if t.text.endswith("'s")]  # "Lund's": the owner is the value
    args = [*owners, *(v for c in ev.calls for _p, v in induction.arg_leaves(c.arguments))]
    results: list[Any] = []
    for parsed, text in zip(ev.env().parsed, ev.env().texts, strict=True):
        leaves = [v for _p, v in ex.leaves(parsed)] if isinstance(parsed, dict | list) else []
        results.extend(leaves or [text])
    tokens = [t for t in tokens if not t.text.endswith("'s")]
    shape = _seen_text.template(ev.answer, _seen_text.mask_values(tokens, args, results))[0]
    return shape.replace(_seen_text.MASK, "#")  # a value masked or a number taken out: one mark


def _valueish(tokens: list[Token], k: int, is_value: IsValue) -> bool:
    """A value of the goal (`wordings._is_value`), or a capitalised word right after a colon ("Milk
    round today: Ballyduff and Skovgaard"): a name there, never the goal's first word (a verb)."""
    if is_value(tokens, k):
        return True
    t = tokens[k]
    return k > 1 and tokens[k - 1].text == ":" and t.kind == "word" and t.text[:1].isupper()


def _options(p: Plan, a: induction.Evidence, ev: induction.Evidence, is_value: IsValue) -> dict[int, list[int]]:
    """Per value position of P's run that an explanation reads alone, the value positions of W whose
    word the same explanation reads to give R's value."""
    values = [dict(induction.arg_leaves(c.arguments)) for c in ev.calls]
    env = ev.env()
    out: dict[int, set[int]] = {}
    for step, vals in zip(p.steps, values, strict=True):
        for leaf in step.leaves:
            for c in ex.awake(leaf.cands):
                pos = ex.token_positions(c)
                if len(pos) != 1:
                    continue
                (i,) = pos
                if not _valueish(a.tokens, i, is_value):
                    continue
                got = out.setdefault(i, set())
                for j in range(len(ev.tokens)):
                    if j in got or not _valueish(ev.tokens, j, is_value):
                        continue
                    moved: ex.Cand = _moved(c, i, j)
                    if ex.fitting([moved], vals[leaf.path], env) == [moved]:
                        got.add(j)
    return {i: sorted(js) for i, js in out.items() if js}


def _moved(node: Any, i: int, j: int) -> Any:
    """The explanation reading position j where it read position i."""
    if isinstance(node, tuple):
        if len(node) == 2 and node[0] == "tok" and isinstance(node[1], int):
            return ("tok", j) if node[1] == i else node
        return tuple(_moved(x, i, j) for x in node)
    return node


def _pooled(p: Plan, a: induction.Evidence, ev: induction.Evidence, align: Align, is_value: IsValue) -> Plan | None:
    if len(a.tokens) != p.ntokens:
        return None
    options = _options(p, a, ev, is_value)
    if not options:
        return None
    where = sorted(options)
    fitting: list[tuple[Plan, Plan]] = []
    for tried, choice in enumerate(itertools.product(*(options[i] for i in where))):
        if tried >= MAX_READINGS or len(fitting) > 1:
            return None
        if len(set(choice)) != len(choice):
            continue
        tokens = list(a.tokens)
        for i, j in zip(where, choice, strict=True):
            tokens[i] = ev.tokens[j]
        read = induction.Evidence(
            trace_id=ev.trace_id,
            agent=ev.agent,
            goal=" ".join(t.text for t in tokens),
            calls=ev.calls,
            answer=ev.answer,
            mode=ev.mode,
            at=ev.at,
            tokens=tokens,
        )
        base = p.copy()  # its goals seen are shared with P: R read into P's wording is no goal P saw
        base.evidence_tokens = list(p.evidence_tokens)
        base.__dict__.pop("_token_set", None)
        joined, _why = induction.merge(base, read)
        if joined is None or not joined.slots or joined.unsafe_reasons():
            continue
        w = align(joined, ev)
        if w is not None:
            fitting.append((w, joined))
    if len(fitting) != 1:
        return None  # none, or two readings of R into P's wording: ambiguous
    w, joined = fitting[0]
    lent_runs = [*p.trace_ids, *(p.sibling.get("runs", []) if p.sibling else [])]  # a mirror's loan too
    w.sibling = {
        "plan": p.id,
        "skeleton": p.skeleton_text(),
        "runs": lent_runs[-20:],
        "support": p.support,
        "run": ev.trace_id,
        "pooled": True,
    }
    if not p.slots and not p.sibling:
        m = _mirror(p, joined, a, w, align)
        if m is not None:
            w.__dict__[MIRROR] = m
    return w


def _mirror(p: Plan, joined: Plan, a: induction.Evidence, w: Plan, align: Align) -> Plan | None:
    """P's plan learned from the same two runs: the joined plan lent back to P's own run by
    `wordings.align`, rule for rule (P's wording checked as W's was), with P's run as its one run of its
    own and R's lent (`sibling`: W's plan, R's run, W's own support; `mirror`)."""
    m = align(joined, a)
    if m is None or m.id != p.id:
        return None
    m.uses, m.fallbacks, m.penalty, m.created_at = p.uses, p.fallbacks, p.penalty, p.created_at
    m.sibling = {
        "plan": w.id,
        "skeleton": w.skeleton_text(),
        "runs": [w.sibling["run"]],
        "support": 1,
        "run": a.trace_id,
        "pooled": True,
        "mirror": True,
    }
    return m


def take_mirror(w: Plan) -> Plan | None:
    """The lender's plan learned from the pool that made W (`_mirror`), once."""
    m = w.__dict__.pop(MIRROR, None)
    return m if isinstance(m, Plan) else None
