"""FOLLOWER for a goal whose list has a length no plan of its own covers: the loop, bound to this list.

`follow_loop` is called by `selection.select` only when no plan of the goal's own skeleton may be
replayed. It finds the families of plans whose list sits where this goal's could (`PlanIndex.lists`,
by words before and after the list), reads the goal's list with each family's separators, learns the
family's loop (`_loop.learn`, cached per family state) and writes it out for this list. The plan so
built passes the same blockers as any plan (`selection._follower_blockers`, rule 4's support, the
confidence threshold), plus the loop's own: a plan of this wording that took other calls for some
list length, an item that is an anchor word or a repeat, more than one family reading the goal.
"""

from __future__ import annotations

from typing import Any

from llmos.config import LearningConfig
from llmos.learning.goals import Token, conditional_words
from llmos.learning.index import PlanIndex
from llmos.learning.loops._loop import Loop, learn, synthesize
from llmos.learning.loops._shape import MAX_ITEMS, SEPARATORS, Region, parse, region
from llmos.learning.plans import Match, Plan, match
from llmos.learning.risk import RiskOf

Family = list[tuple[Plan, Region]]


def follow_loop(
    index: PlanIndex,
    agent: str,
    tokens: list[Token],
    cfg: LearningConfig,
    policy: Any,
    risk_of: RiskOf | None,
    f_thr: float,
    requested: str,
    reason: dict[str, Any],
) -> tuple[Plan, float] | None:
    """The loop's plan for this goal and its confidence, when it may be replayed; else None, with why
    not in `reason["loop"]` when some family of list plans was near."""
    if not index.lists:
        return None
    notes: list[str] = []
    hits: list[tuple[Loop, Plan, list[int]]] = []
    for key, plans in list(index.lists.items()):
        agent_k, lpre, lpost = key
        if agent_k != agent or lpre + lpost >= len(tokens):
            continue
        for fam in _families(plans, tokens, lpre, lpost):
            got = _bind(index, fam, tokens, lpre, lpost)
            if isinstance(got, str):
                notes.append(got)
            else:
                hits.append(got)
    if not hits:
        if notes:
            reason["loop"] = {"why_not": sorted(set(notes))[:5]}
        return None
    if len(hits) > 1:
        reason["loop"] = {"why_not": [f"{len(hits)} families of list plans read this goal: ambiguous"]}
        return None
    loop, plan, items = hits[0]
    return _judge(index, loop, plan, items, tokens, cfg, policy, risk_of, f_thr, requested, reason)


def _families(plans: dict[str, Plan], tokens: list[Token], lpre: int, lpost: int) -> list[Family]:
    """The plans of one list position whose words around the list are the goal's, grouped by wording."""
    out: dict[Any, Family] = {}
    end = len(tokens) - lpost
    for plan in plans.values():
        reg = region(plan)
        if reg is None:
            continue
        pre = tuple(None if i in plan.slots else t.key() for i, t in enumerate(plan.skeleton[:lpre]))
        post = tuple(
            None if reg.end + 1 + i in plan.slots else t.key() for i, t in enumerate(plan.skeleton[reg.end + 1 :])
        )
        if any(k is not None and k != tokens[i].key() for i, k in enumerate(pre)):
            continue
        if any(k is not None and k != tokens[end + i].key() for i, k in enumerate(post)):
            continue
        out.setdefault((pre, post, reg.last), []).append((plan, reg))
    return [sorted(f, key=lambda x: (-x[0].support, x[0].id)) for f in out.values()]


def _loop_of(index: PlanIndex, fam: Family) -> Loop | str:
    cache: dict[Any, Loop | str] = index.__dict__.setdefault("_loops", {})
    key = tuple((p.id, id(p), p.support, p.updated_at) for p, _r in fam)
    got = cache.get(key)
    if got is None:
        if len(cache) > 256:
            cache.clear()
        got = cache[key] = learn(fam)
    return got


def _bind(
    index: PlanIndex, fam: Family, tokens: list[Token], lpre: int, lpost: int
) -> tuple[Loop, Plan, list[int]] | str:
    inner = next((r.inner for _p, r in fam if len(r.items) > 2), None)
    live = tokens[lpre : len(tokens) - lpost]
    parsed = parse(live, inner, fam[0][1].last)
    if parsed is None:
        return (
            "the goal's list does not parse with the separators the evidence used (one item, or items joined by them)"
        )
    items = [lpre + i for i in parsed]
    anchors = {t.text.lower() for p, r in fam for i, t in enumerate(p.skeleton) if i not in p.slots}
    texts = [tokens[i].text.lower() for i in items]
    if any(t in anchors or t in SEPARATORS for t in texts):
        return "an item of the list is a constant word of the plans (an anchor)"
    if len(set(texts)) != len(texts):
        return "an item of the list repeats another"
    loop = _loop_of(index, fam)
    if isinstance(loop, str):
        return loop
    return loop, synthesize(loop, tokens, items), items


def _dissent(index: PlanIndex, loop: Loop, agent: str) -> str:
    """A plan of this wording (any list length, any support) that took other calls than the loop."""
    lpre, lpost = len(loop.pre_tokens), len(loop.post_tokens)
    own = {p.id for p in loop.plans}
    k = len(loop.inner or ())
    for n in range(1, MAX_ITEMS + 1):
        if n > 2 and loop.inner is None:
            break
        length = n if n == 1 else n + (n - 2) * k + len(loop.last)
        for p in index.bucket(agent, lpre + lpost + length):
            if p.id in own or not _same_words(p, loop, lpre, lpost):
                continue
            if parse(p.skeleton[lpre : p.ntokens - lpost], loop.inner, loop.last) is None:
                continue
            if p.seq != loop.seq(n):
                return f"plan {p.id} took other calls for a list of {n} item{'s' if n > 1 else ''}: a branch"
    return ""


def _same_words(p: Plan, loop: Loop, lpre: int, lpost: int) -> bool:
    for i, t in enumerate(loop.pre_tokens):
        if i not in loop.pre_slots and i not in p.slots and p.skeleton[i].key() != t.key():
            return False
    for d in range(lpost):
        pos = p.ntokens - 1 - d
        t = loop.post_tokens[len(loop.post_tokens) - 1 - d]
        if d not in loop.post_slots and pos not in p.slots and p.skeleton[pos].key() != t.key():
            return False
    return True


def _judge(
    index: PlanIndex,
    loop: Loop,
    plan: Plan,
    items: list[int],
    tokens: list[Token],
    cfg: LearningConfig,
    policy: Any,
    risk_of: RiskOf | None,
    f_thr: float,
    requested: str,
    reason: dict[str, Any],
) -> tuple[Plan, float] | None:
    from llmos.learning.selection import _follower_blockers, follower_confidence, risk_config

    configured = cfg.min_support  # a demotion waits for this much new evidence at least (rule 6)
    cfg, risk = risk_config(plan, cfg, risk_of)
    m = match(plan, tokens)
    words = conditional_words(tokens)
    blockers = _follower_blockers([Match(plan, [], [])], words, cfg, policy, risk_of, after_demotion=configured)
    if m is None or not m.full:
        blockers.append("an item (or a word around the list) has a shape the evidence never showed there")
    need = max(cfg.min_support, configured)
    blockers += [f"plan {p.id}: {d}" for p in loop.plans if (d := p.demotion(need))]
    blockers += [f"plan {p.id} alone: {u}" for p in loop.plans for u in p.unsafe_reasons()[:2]]
    dissent = _dissent(index, loop, plan.agent)
    if dissent:
        blockers.append(dissent)
    conf = follower_confidence(plan, cfg)
    if not blockers and conf < f_thr and requested != "follower":
        blockers.append(f"confidence {conf} < follower threshold {round(f_thr, 4)}")
    reason["loop"] = describe(loop, plan, items, tokens) | {"risk": risk, "confidence": conf}
    if blockers:
        reason["loop"]["why_not"] = sorted(set(blockers))[:6]
        return None
    return plan, conf


def describe(loop: Loop, plan: Plan, items: list[int], tokens: list[Token]) -> dict[str, Any]:
    """For --explain: the loop, its segment and the item each iteration is bound to."""
    n = len(items)
    return {
        "plan": loop.id,
        "skeleton": plan.skeleton_text(),
        "lengths_seen": loop.lengths,
        "support": plan.support,
        "before": [s.name for s in loop.pre],
        "segment": [s.name for s in loop.seg],
        "after": [s.name for s in loop.suf],
        "items": [tokens[i].text for i in items],
        "bound": [
            {
                "item": tokens[pos].text,
                "slot": plan.slots[pos].name,
                "steps": [loop.index(n, j, t) for t in range(loop.m)],
            }
            for j, pos in enumerate(items)
        ],
        "iterations": n,
        "rule": "a segment repeated once per list item, in order; learned from plans of different list lengths",
    }
