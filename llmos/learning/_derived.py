"""Rule 1 for a value consumed by a derivation: which result values an explanation computes with.

Rule 1 checks the values of a result that no argument consumes; a consumed value is left to the
explanations that read it. That holds for a value *copied* into an argument (an identifier, a name,
a number passed on as it is: whatever it is, the argument is that value). A value an explanation
*computes with* (arithmetic, a total, a mean, a rounded line, the key a pick compares) is different:
the computation was only ever seen to hold over the values the supporting runs showed. Hours billed
at a rate until 40 hours may be paid double beyond; a damage over some amount may forfeit the whole
deposit; a negative amount in a sum, a 10x outlier, a price in another unit. So such a value stays
under rule 1's envelope (its range, its template), as an unconsumed value is.

Copies (never checked here): `("val", ref, transform)` of any transform, a string template, the
identity `("arith", "id", ref, None, None)`, the values a pick returns, and a date moved by days (the
calendar is exact for any date; the date's shape is still checked where it is not consumed). A count
reads how many items there are, not their values. The private interior of `llmos.learning.envelope`.
"""

from __future__ import annotations

from llmos.learning import _explain_agg
from llmos.learning import explain as ex
from llmos.learning.plans import Plan

_COPIES = frozenset({"val", "tmpl", "const", "date"})


def derived_refs(cand: ex.Cand) -> list[ex.Cand]:
    """The references `cand` computes with (not those it copies)."""
    kind = cand[0]
    if kind in _COPIES:
        return []
    if kind == "arith":
        return [] if cand[1] == "id" and not cand[4] else list(ex.refs(cand))
    if kind == "agg":
        return [] if cand[1] == "count" else _explain_agg.refs(cand)
    if kind == "pick":
        src = cand[2]  # the keys compared; the values returned (cand[3]) are copies
        return list(src[1]) if src[0] == "refs" else [src[1]] if src[0] == "all" else []
    return list(ex.refs(cand))  # three-operand forms, lines, rounded lines


def derived_paths(plan: Plan) -> dict[int, set[ex.Path]]:
    """Step -> the result paths an argument of a later step computes with (by any explanation in use).
    Cached on the plan, as `_seen.consumed_paths` is."""
    cached: dict[int, set[ex.Path]] | None = plan.__dict__.get("_derived")
    if cached is not None:
        return cached
    out: dict[int, set[ex.Path]] = {}
    for step in plan.steps:
        for leaf in step.leaves:
            for c in ex.awake(leaf.cands):
                for r in derived_refs(c):
                    if r[0] == "res":
                        out.setdefault(int(r[1]), set()).add(tuple(r[2]))
    plan.__dict__["_derived"] = out
    return out
