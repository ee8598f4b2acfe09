"""A wording learns from a sibling plan: evidence shared across wordings of one task.

A plan is one goal skeleton, so "Give Rosa's Monday shift to Ada" and "Assign Monday's shift of Rosa
to Ada" are two plans, and each would need `min_support` model runs of its own before rule 2 can tell
a slot from a constant. The rule here, checkable against the code below:

A run R of a new wording W (no plan of W took it) is aligned to a plan P of another wording, of the same
agent, when all of this holds (`borrow`):

- P is replayable on its own evidence: P's own support reaches what rule 4 asks of its riskiest step,
  P is not unsafe (branching, contradicted, rule 3, unexplained), not demoted, has no recent fallbacks,
  recorded what its results looked like (rule 1), and lends no evidence it borrowed itself (no chains);
- R is a clean model run (LEARNER, or MIXED guided by another plan than P: a run shown P's example may
  have imitated it; no fallback, no envelope stop) that made exactly P's calls: the same tools in the
  same groups, the same argument names (a run that waited for P to lend: LEARNER only);
- every slot of P is used by an argument, and there is exactly one way to place P's slots on W's goal
  words (each word of a shape the slot saw) such that EVERY hypothesis P still holds for every argument
  gives R's value (P's slot -> that word of W; P's constant -> the same constant in R; P's derived value
  -> the same formula; P's data flow from a result -> the same flow in R);
- R's run tells P's sources apart: no argument of R is also the value of a goal word or a result field
  that P's explanations do not read (a coincidence of one run between two sources; P's runs settled
  only which words are constants);
- each such word occurs once in W's goal, and every other value of W's goal (a number, a quoted text, a
  name, an identifier) is one of them: a value of W that P has no slot for may mean something P's runs
  never did;
- W has no conditional, branch or negation word ("if", "unless", "only", "except", "don't", "not", ...)
  that P's wording lacks, and no word right after a number slot that P's wording lacks (a unit or
  reading: "at 4 pm" is not P's "at hour 4", though R's "12 pm" was P's hour 12: `_new_units`);
- every other formula that gives R's value reads the same sources as one of P's hypotheses (`_singles_out`:
  R's silo was empty, so P's level + N and W's N agreed on the one run).

Then W's plan is P's plan written on W's skeleton (slots where P's slots sit in W), P's envelope (ranges,
categories, templates seen) and P's hypotheses, narrowed by R, plus R as W's one supporting run. Its
answer template is learned from R alone (rule 5: one run never proves a template: a listing until W's
own runs prove one). `Plan.sibling` records P's id, skeleton, runs and support.

At selection (`lend`), W counts P's support (as it was when lent, at most P's support now) next to its
own only while P is still what it was: present under the same id (a rejected run of P rebuilds it), safe,
not demoted, with its support. `--explain` shows `mode_reason.sibling`: the plan, its runs, and why it
was (not) used. A rejected run of P revokes every loan of it (`revoke`); a rejected replay of W demotes W.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from llmos.config import LearningConfig
from llmos.learning import _pool, _word_tables, conditions, induction
from llmos.learning import _seen_mentions as _mentions
from llmos.learning import explain as ex
from llmos.learning._lend import lend, lender_problem, lent_problem, revoke
from llmos.learning.goals import STOPWORDS, Token, branch_words, phrase_fits, shape
from llmos.learning.index import PlanIndex
from llmos.learning.plans import Plan, Slot
from llmos.learning.risk import RiskOf

__all__ = ["NEGATIONS", "align", "borrow", "lend", "lent_problem", "revoke", "waiting"]

# fmt: off
NEGATIONS = frozenset([
    "not", "no", "never", "don't", "dont", "doesn't", "didn't", "won't", "without", "nor", "neither", "skip",
    "avoid", "instead", "except", "unless", "but",
    # a condition in other words: "Land branch B once it is green", "... after a green run"
    "once", "after", "before", "while", "until", "assuming",
])
# fmt: on
MAX_ASSIGNMENTS = 512  # ways to place P's slots on W's words tried before giving up (then: no loan)
MAX_LENGTH = 80  # goal lengths searched for siblings
RUNS_KEPT = 20
MAX_WAITING = 8  # one-run plans of other wordings re-aligned when a plan becomes able to lend


class _Untranslatable(Exception):
    pass


def borrow(
    index: PlanIndex,
    ev: induction.Evidence,
    cfg: LearningConfig,
    risk_of: RiskOf | None,
    clean: bool,
    guide: str | None = None,
    evidence_for: Callable[[list[str]], list[induction.Evidence]] | None = None,
) -> Plan | None:
    """W's plan learned from a sibling wording's plan and this run, or None (W then starts on its own).
    `guide`: the plan whose example guided this run (MIXED): the run may have imitated it, so its
    agreement with that plan says nothing of what W means, and that plan lends it nothing."""
    if not clean or not ev.calls:
        return None
    found: list[Plan] = []
    seq, tokens = ev.seq, ev.tokens
    others: list[Plan] = []
    for by_id in index.seq_buckets(ev.agent, seq, MAX_LENGTH):
        for p in list(by_id.values()):
            if p.id == guide or _same_skeleton(p, tokens):
                continue
            others.append(p)
            if lender_problem(p, cfg, risk_of):
                continue
            w = align(p, ev)
            if w is not None:
                found.append(w)
    if not found:  # no sibling with slots of its own: pooled with a slot-less one (`_pool.py`)
        return None if evidence_for is None else _pool.pool(others, ev, cfg, risk_of, evidence_for, align, _is_value)
    # several siblings (wordings) fit: the best supported lends (each alignment passed every check)
    return max(found, key=lambda w: (int(w.sibling["support"]), w.sibling["plan"]))


def waiting(index: PlanIndex, p: Plan, cfg: LearningConfig, risk_of: RiskOf | None) -> list[Plan]:
    """Plans of one run of another wording with P's calls that no sibling lent to, whenever P has just
    taken a run and may lend: the first run of a wording often came before its sibling could lend. Not
    only when P's support has just reached rule 4's need: P may have reached it before it had a slot
    (two runs of one goal: nothing to place on W's words), with a recent fallback, or with hypotheses a
    later run narrowed, and a read-only W needs no more support but has no slot of its own either. The
    alignment is `borrow`'s, rule for rule. At most MAX_WAITING, newest first."""
    if not p.slots:
        return []
    out: list[Plan] = []
    for by_id in index.seq_buckets(p.agent, p.seq, MAX_LENGTH):  # after every run: the lengths it has only
        for w in by_id.values():
            alone = w.id != p.id and not w.sibling and w.support == 1 and not w.slots and not w.demoted
            if alone and not _same_skeleton(p, w.skeleton):
                out.append(w)
    if not out or lender_problem(p, cfg, risk_of):  # the dearer test only when a wording waits
        return []
    return sorted(out, key=lambda w: -w.updated_at)[:MAX_WAITING]


def _same_skeleton(p: Plan, tokens: list[Token]) -> bool:
    if p.ntokens != len(tokens):
        return False
    return all(i in p.slots or t.key() == s.key() for i, (t, s) in enumerate(zip(tokens, p.skeleton, strict=True)))


def align(p: Plan, ev: induction.Evidence) -> Plan | None:
    """P written on R's wording, with R's evidence (None: R does not align to P by the rule above)."""
    tokens = ev.tokens
    if not _same_calls(p, ev) or _new_words(p, tokens):
        return None
    used = set().union(*(ex.token_positions(c) for s in p.steps for lf in s.leaves for c in ex.awake(lf.cands)))
    if not set(p.slots) <= used:
        return None  # a slot no argument uses: where it sits in W nothing tells
    values = [dict(induction.arg_leaves(c.arguments)) for c in ev.calls]
    env = ev.env()
    options = [[k for k, t in enumerate(tokens) if _fits_slot(p.slots[pos], t)] for pos in sorted(p.slots)]
    fitting: list[tuple[dict[int, int], list[list[list[ex.Cand]]]]] = []
    for tried, choice in enumerate(itertools.product(*options)):
        if tried >= MAX_ASSIGNMENTS or len(fitting) > 1:
            return None
        if len(set(choice)) != len(choice):
            continue
        sigma = dict(zip(sorted(p.slots), choice, strict=True))
        cands = _translated(p, tokens, sigma, values, env)
        if cands is not None:
            fitting.append((sigma, cands))
    if len(fitting) != 1:
        return None  # none, or ambiguous between placements
    sigma, cands = fitting[0]
    if _new_units(p, tokens, set(sigma.values())):
        return None
    if not _values_placed(tokens, set(sigma.values())) or not _singles_out(p, ev, values, cands, set(sigma.values())):
        return None
    return _written(p, ev, sigma, cands)


def _singles_out(
    p: Plan, ev: induction.Evidence, values: list[dict[Any, Any]], cands: list[list[list[ex.Cand]]], slots: set[int]
) -> bool:
    """Whether R tells P's sources apart from the others its one run allows: no argument of R is also
    the very value of a goal word or result field that P's explanations do not read (P refunds `total`;
    R's order had `paid` equal to `total`, and W may well have meant `paid`). A constant R cannot tell
    from a slot is what P's runs settled; a coincidence of one run between two sources is not. A word of W
    that is no slot is a constant of W's plan: reading it is reading a constant."""
    env = ev.env()
    for i, (call, step, leaves) in enumerate(zip(ev.calls, p.steps, cands, strict=True)):
        before = next(j for j, c in enumerate(ev.calls) if c.group == call.group)
        for leaf, kept in zip(step.leaves, leaves, strict=True):
            read = {r for c in kept for r in ex.refs(c)}
            found = ex.generate(values[i][leaf.path], env, before, wider=False)
            own = {c[1] for c in found if c[0] == "val"}
            varying = {r for r in own if r[0] in ("res", "txt") or r[1] in slots}  # W's other words are constants of W
            if varying - read:
                return False
            # every other formula R's value fits is one of P's: R's silo was empty, so "to N tonnes" gave
            # level + N = N (W may mean N itself); R's deposit divided evenly, so "rounding down" gave what
            # P's ceiling gives (the same sources, another formula: `_coincidence.py`). One run cannot tell
            held = set(kept)
            if any(c not in held for c in found if _varying(c, slots) and not _fitted(c)):
                return False
    return True


def _fitted(c: ex.Cand) -> bool:
    """A formula with a constant fitted to this one value (order + 4622): any one run fits one, so it is
    no rival reading."""
    return c[0] == "arith" and any(isinstance(x, tuple) and x[:1] == ("k",) for x in c[2:4])


def _varying(c: ex.Cand, slots: set[int]) -> frozenset[ex.Cand]:
    """The sources an explanation reads that vary between W's goals: results, and W's slots."""
    return frozenset(r for r in ex.refs(c) if r[0] in ("res", "txt") or (r[0] == "tok" and r[1] in slots))


def _same_calls(p: Plan, ev: induction.Evidence) -> bool:
    if len(p.steps) != len(ev.calls):
        return False
    for step, call in zip(p.steps, ev.calls, strict=True):
        paths = {path for path, _v in induction.arg_leaves(call.arguments)} - {()}
        if step.name != call.name or step.group != call.group or paths != {lf.path for lf in step.leaves}:
            return False
    return True


def _new_words(p: Plan, tokens: list[Token]) -> list[str]:
    """W's conditional, branch or negation words that P's wording lacks."""
    theirs = {t.text.lower() for t in p.skeleton if t.kind == "word"}
    ours = set(conditions.words(tokens)) | set(branch_words(tokens))  # a comparative of a quantity is none
    ours |= {t.text.lower() for t in tokens if t.kind == "word" and t.text.lower() in NEGATIONS}
    return sorted(ours - theirs)


# words after a number that say how it is used or how soon, not what it measures ("5 to 8", "4703 now")
_LINKS = STOPWORDS | {"now", "asap", "immediately", "per", "each"}


def _new_units(p: Plan, tokens: list[Token], placed: set[int]) -> list[str]:
    """The words right after a number slot of W that P's wording never has: a unit or reading of the
    number ("at 4 pm" from P's "at hour 16"; "52 litres" from P's "52% of capacity"). R's one run may have
    sat where both readings agree (12 pm is hour 12): W's own runs, or the model, decide."""
    theirs = {t.text.lower() for t in p.skeleton if t.kind == "word"}
    out = []
    for k in sorted(placed):
        if tokens[k].kind != "number" or k + 1 >= len(tokens) or tokens[k + 1].kind != "word":
            continue
        word = tokens[k + 1].text.lower()
        if word not in theirs and word not in _LINKS:
            out.append(word)
    return out


def _fits_slot(slot: Slot, t: Token) -> bool:
    if t.kind == "punct":
        return False
    if t.kind == "word" and " " in t.text:
        return phrase_fits(slot.shapes, slot.values, t.text)
    return shape(t) in slot.shapes


def _is_value(tokens: list[Token], k: int) -> bool:
    """A value of the goal (a number, a quoted text, several words, an identifier, a name), not a word of
    the wording ("Give", "shift")."""
    t = tokens[k]
    if t.kind in ("number", "quoted") or (t.kind == "word" and " " in t.text):
        return True
    if t.kind != "word":
        return False
    if any(ch.isdigit() for ch in t.text) or any(ch.isupper() for ch in t.text[1:]):
        return True
    sentence_start = k == 0 or tokens[k - 1].text in (".", "!", "?", ":", ";", '"', "(")
    return t.text[:1].isupper() and not sentence_start


def _values_placed(tokens: list[Token], placed: set[int]) -> bool:
    """Each slot's word once in W's goal, and every value of W's goal one of them."""
    for k in placed:
        if sum(1 for t in tokens if t.text.lower() == tokens[k].text.lower()) != 1:
            return False
    return all(k in placed for k in range(len(tokens)) if _is_value(tokens, k))


def _tr(node: Any, m: dict[int, int]) -> Any:
    if isinstance(node, tuple):
        if len(node) == 2 and node[0] == "tok" and isinstance(node[1], int):
            if node[1] not in m:
                raise _Untranslatable
            return ("tok", m[node[1]])
        if len(node) == 3 and node[0] == "res" and isinstance(node[1], int):
            return node
        return tuple(_tr(x, m) for x in node)
    return node


def _positions(p: Plan, tokens: list[Token], sigma: dict[int, int]) -> dict[int, int]:
    """P's positions in W: slots by `sigma`, a constant word where W has that very word once."""
    taken = set(sigma.values())
    m = dict(sigma)
    for q, t in enumerate(p.skeleton):
        if q in sigma:
            continue
        at = [k for k, w in enumerate(tokens) if k not in taken and w.key() == t.key()]
        if len(at) == 1:
            m[q] = at[0]
    return m


def _translated(
    p: Plan, tokens: list[Token], sigma: dict[int, int], values: list[dict[Any, Any]], env: ex.Env
) -> list[list[list[ex.Cand]]] | None:
    """Every leaf's explanations on W's positions, when every one P uses gives R's value; else None."""
    m = _positions(p, tokens, sigma)
    p_env = ex.Env(list(p.skeleton), [], [])
    out: list[list[list[ex.Cand]]] = []
    for step, vals in zip(p.steps, values, strict=True):
        leaves: list[list[ex.Cand]] = []
        for leaf in step.leaves:
            awake = set(ex.awake(leaf.cands))
            kept: list[ex.Cand] = []
            for c in leaf.cands:
                try:
                    kept.append(_tr(c, m))
                except _Untranslatable:
                    if c not in awake:
                        continue  # a dormant explanation: dropped (fewer hypotheses later: never looser)
                    const = _as_constant(c, p_env)
                    if const is None:
                        return None
                    kept.append(const)
            kept = list(dict.fromkeys(kept))
            used = ex.awake(kept)
            if not used or len(ex.fitting(used, vals[leaf.path], env)) != len(used):
                return None  # some hypothesis P holds does not give R's value
            leaves.append(kept)
        out.append(leaves)
    return out


def _as_constant(c: ex.Cand, p_env: ex.Env) -> ex.Cand | None:
    """An explanation reading only constant words of P's wording is a constant (what it gives there)."""
    if ex.uses_results(c):
        return None
    try:
        value = ex.evaluate(c, p_env)
    except (ex.Unavailable, ex.Disagree, ValueError, TypeError, ArithmeticError):
        return None
    return ("const", json.dumps(value, sort_keys=True))


def _written(p: Plan, ev: induction.Evidence, sigma: dict[int, int], cands: list[list[list[ex.Cand]]]) -> Plan | None:
    """P on W's skeleton with R joined: W's plan."""
    m = _positions(p, ev.tokens, sigma)
    w = p.copy()
    w.__dict__.pop("_token_set", None)
    w.id = induction.plan_id_for(ev.agent, ev.trace_id)
    w.skeleton = list(ev.tokens)
    w.slots = {
        sigma[q]: Slot(sigma[q], s.name, list(s.shapes), list(s.values), list(s.span)) for q, s in p.slots.items()
    }
    for step, leaves in zip(w.steps, cands, strict=True):
        for leaf, kept in zip(step.leaves, leaves, strict=True):
            leaf.cands = kept
    relations = []
    for r in p.relations:
        try:
            relations.append(_tr(r, m))
        except _Untranslatable:
            continue
    w.relations = relations
    w.memberships = [(m[a], b, c) for a, b, c in p.memberships if a in m]
    for step in w.steps:  # rule 1's presence of goal values: at W's positions
        step.seen, step.fit_seen = _mentions.remap(step.seen, m), _mentions.remap(step.fit_seen, m)
        step.seen, step.fit_seen = _word_tables.remap(step.seen, m), _word_tables.remap(step.fit_seen, m)
    w.answer, w.example = [], {}
    w.trace_ids, w.evidence_tokens, w.pending_tokens, w.support_count = [], [], [], 0
    w.uses, w.replay_successes, w.fallbacks, w.penalty = 0, 0, 0, 0.0
    w.branching, w.contradicted, w.post_write_checks = [], [], []
    w.demoted, w.demoted_at = "", 0
    w.created_at = w.updated_at = time.time()
    w.tokens_fresh = True
    if induction.join(w, ev) or w.unsafe_reasons():
        return None
    w.sibling = {
        "plan": p.id,
        "skeleton": p.skeleton_text(),
        "runs": p.trace_ids[-RUNS_KEPT:],
        "support": p.support,
        "run": ev.trace_id,
    }
    return w
