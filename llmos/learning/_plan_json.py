"""The stored form of a plan, written without re-encoding what did not change.

A plan row is `json.dumps(plan.to_dict(), default=str)` (`PlanStore.write`). A batch of runs
rewrites every plan it touched, and about half of a row is the explanations kept per argument
(55 candidates for one rounded sum), which stop changing after a plan's first runs. `plan_json`
gives exactly that text (the same characters), with each argument leaf's JSON kept on the leaf
and used again while the leaf holds the same path, type and the very same candidate objects
(compared one by one by identity: candidates are immutable tuples, so the same objects give the
same text). Everything else is encoded in one call, the leaves standing in as markers that are then
replaced; JSON writes tuples as lists, so explanations, relations and memberships need no conversion.

With the shortcuts off (`_shortcuts.off()`) it is the plain `json.dumps(plan.to_dict())`.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning.plans import Leaf, Plan, PlanStep

_encode = json.JSONEncoder(default=str).encode  # what json.dumps(x, default=str) gives
# stands for a step's leaves in the one encoding of everything else; a random part no stored text holds
# (checked: where it occurs anywhere else, the plan is encoded the plain way)
_NONCE = f"llmos-leaves-{secrets.token_hex(16)}-"


def plan_json(plan: Plan) -> str:
    """`json.dumps(plan.to_dict(), default=str)`, character for character."""
    if not _shortcuts.ON:
        return json.dumps(plan.to_dict(), default=str)
    p = plan
    d = {
        "id": p.id,
        "agent": p.agent,
        "skeleton": [[t.kind, t.text] for t in p.skeleton],
        "slots": [[pos, s.name, s.shapes, s.values, s.span] for pos, s in sorted(p.slots.items())],
        "steps": [_step(s, f"{_NONCE}{i}.", p.fit_runs) for i, s in enumerate(p.steps)],
        "answer": p.answer,  # tuples are written as lists: what `ex.to_json` makes of them
        "trace_ids": p.trace_ids,
        "support_count": p.support,
        "uses": p.uses,
        "replay_successes": p.replay_successes,
        "fallbacks": p.fallbacks,
        "penalty": p.penalty,
        "branching": p.branching,
        "contradicted": p.contradicted,
        "relations": p.relations,
        "memberships": p.memberships,
        "coincident": p.coincident,
        "example": p.example,
        "seen_runs": p.seen_runs,
        **({"fit_runs": p.fit_runs, "fit_ref": p.fit_ref} if p.fit_runs else {}),
        "post_write_checks": p.post_write_checks,
        "demoted": p.demoted,
        "demoted_at": p.demoted_at,
        "sibling": p.sibling,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }
    text = _encode(d)
    if text.count(_NONCE) != len(p.steps):  # a stored text holds the marker: no shortcut
        return json.dumps(plan.to_dict(), default=str)
    for i in range(len(p.steps) - 1, -1, -1):  # the last first: each marker's first occurrence is its own
        s = p.steps[i]
        text = text.replace(f'"{_NONCE}{i}."', "[" + ", ".join(_leaf(lf) for lf in s.leaves) + "]", 1)
    return text


def _step(s: PlanStep, mark: str, fit: int) -> dict[str, Any]:
    return {
        "name": s.name,
        "group": s.group,
        "arguments": s.arguments,
        "leaves": mark,
        "result_shapes": s.result_shapes,
        "const_results": s.const_results,
        "echo_paths": s.echo_paths,
        "ranges": s.ranges,
        "lengths": s.lengths,
        "categories": s.categories,
        "seen": s.seen,
        **({"fit_seen": s.fit_seen} if fit else {}),
    }


def _leaf(lf: Leaf) -> str:
    """`[path, candidates, type]` of one argument leaf, kept on the leaf while they stay the same."""
    cached: tuple[Any, list[Any], str, str] | None = lf.__dict__.get("_json")
    cands = lf.cands
    if (
        cached is not None
        and cached[0] is lf.path
        and cached[2] == lf.type
        and len(cached[1]) == len(cands)
        and all(a is b for a, b in zip(cached[1], cands, strict=True))
    ):
        return cached[3]
    text = _encode([lf.path, cands, lf.type])
    lf.__dict__["_json"] = (lf.path, list(cands), lf.type, text)
    return text
