"""A plan's row: `Plan.to_dict` and `Plan.from_dict` (JSON: tuples as lists; an older row's missing fields
take their defaults). The private interior of `llmos.learning.plans`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from llmos.learning import explain as ex
from llmos.learning._plan_parts import Leaf, PlanStep, Slot
from llmos.learning.goals import Token

if TYPE_CHECKING:
    from llmos.learning.plans import Plan


def to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as its row's JSON form (tuples as lists)."""
    return {
        "id": plan.id,
        "agent": plan.agent,
        "skeleton": [[t.kind, t.text] for t in plan.skeleton],
        "slots": [[p, s.name, s.shapes, s.values, s.span] for p, s in sorted(plan.slots.items())],
        "steps": [
            {
                "name": s.name,
                "group": s.group,
                "arguments": s.arguments,
                "leaves": [[list(lf.path), list(lf.cands), lf.type] for lf in s.leaves],  # JSON: tuples as lists
                "result_shapes": s.result_shapes,
                "const_results": s.const_results,
                "echo_paths": s.echo_paths,
                "ranges": s.ranges,
                "lengths": s.lengths,
                "categories": s.categories,
                "seen": s.seen,
                **({"fit_seen": s.fit_seen} if plan.fit_runs else {}),
            }
            for s in plan.steps
        ],
        "answer": [ex.to_json(p) for p in plan.answer],
        "trace_ids": plan.trace_ids,
        "support_count": plan.support,
        "uses": plan.uses,
        "replay_successes": plan.replay_successes,
        "fallbacks": plan.fallbacks,
        "penalty": plan.penalty,
        "branching": plan.branching,
        "contradicted": plan.contradicted,
        "relations": [ex.to_json(r) for r in plan.relations],
        "memberships": [list(m) for m in plan.memberships],
        "coincident": [list(t) for t in plan.coincident],
        "example": plan.example,
        "seen_runs": plan.seen_runs,
        **({"fit_runs": plan.fit_runs, "fit_ref": [ex.to_json(p) for p in plan.fit_ref]} if plan.fit_runs else {}),
        "post_write_checks": plan.post_write_checks,
        "demoted": plan.demoted,
        "demoted_at": plan.demoted_at,
        "sibling": plan.sibling,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
    }


def from_dict(cls: type[Plan], d: dict[str, Any]) -> Plan:
    """A plan from its row's JSON form (older rows: what they lack takes its default)."""
    return cls(
        id=d["id"],
        agent=d["agent"],
        skeleton=[Token(k, t) for k, t in d["skeleton"]],
        slots={s[0]: Slot(s[0], s[1], list(s[2]), list(s[3]), list(s[4]) if len(s) > 4 else []) for s in d["slots"]},
        steps=[
            PlanStep(
                name=s["name"],
                group=s["group"],
                arguments=s["arguments"],
                leaves=[Leaf(tuple(p), [ex.from_json(c) for c in cs], t) for p, cs, t in s["leaves"]],
                result_shapes=s.get("result_shapes", []),
                const_results=s.get("const_results", {}),
                echo_paths=list(s.get("echo_paths", [])),
                ranges={k: list(v) for k, v in s.get("ranges", {}).items()},
                lengths=dict(s.get("lengths", {})),
                categories={k: list(v) for k, v in s.get("categories", {}).items()},
                seen=dict(s.get("seen", {})),
                fit_seen=dict(s.get("fit_seen", {})),
            )
            for s in d["steps"]
        ],
        answer=[ex.from_json(p) for p in d.get("answer", [])],
        trace_ids=list(d.get("trace_ids", [])),
        # a plan row from before learning_goal_tokens keeps its tokens in the row: written out once
        evidence_tokens=[tuple(t) for t in d.get("evidence_tokens", [])],
        pending_tokens=[tuple(t) for t in d.get("evidence_tokens", [])],
        support_count=int(d.get("support_count", len(d.get("trace_ids", [])))),
        uses=d.get("uses", 0),
        replay_successes=d.get("replay_successes", 0),
        fallbacks=d.get("fallbacks", 0),
        penalty=d.get("penalty", 0.0),
        branching=list(d.get("branching", [])),
        contradicted=list(d.get("contradicted", [])),
        relations=[ex.from_json(r) for r in d.get("relations", [])],
        memberships=[(int(a), int(b), int(c)) for a, b, c in d.get("memberships", [])],
        coincident=[tuple(t) for t in d.get("coincident", [])],
        example=d.get("example", {}),
        seen_runs=int(d.get("seen_runs", 0)),
        fit_runs=int(d.get("fit_runs", 0)),
        fit_ref=[ex.from_json(p) for p in d.get("fit_ref", [])],
        post_write_checks=list(d.get("post_write_checks", [])),
        demoted=str(d.get("demoted", "")),
        demoted_at=int(d.get("demoted_at", 0)),
        sibling=dict(d.get("sibling") or {}),
        created_at=d.get("created_at", time.time()),
        updated_at=d.get("updated_at", time.time()),
    )
