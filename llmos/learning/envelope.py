"""The evidence envelope: facts about tool results that held in every supporting run of a plan.

A plan's explanations say how each argument was computed, but not *why the model made these calls
at all*. A model that branches on a tool result ("set the budget only when it is over the cap",
"page the team only for a high-priority ticket") leaves no trace of the branch in runs that all
took the same side. What those runs do share are facts about the results they saw:

- a result value that was the same in every run (`PlanStep.const_results`: priority "high");
- the order of two numbers (`Plan.relations`): a numeric result against a number of the goal,
  against another numeric result, or against zero (`amount > cap` in every run);
- the length of a list in a result (`PlanStep.lengths`): a model that loops over a list ("e-mail
  every member") or tests it for emptiness ("register unless found") made as many calls as it had
  items; a list of another length may need other calls (or none);
- whether a goal word (or number) is one of a result's values (`Plan.memberships`): "add Quinn to
  the channel" when Quinn was never among its members; a replay that finds Quinn there stops;
- when a later argument is a constant that may have been picked from a few choices (a carrier, a
  service level): the numbers of the goal stay within the range the evidence saw (`Slot.span`), and
  a short text result (a tier, a zone) is one of the few values the evidence saw
  (`PlanStep.categories`).

A replay that sees one of these facts broken is outside the evidence: the model's branch may go
the other way, so the replay stops and the model continues (a *precaution*, not a failure of the
plan). The model's run then teaches the plan: the fact is dropped or weakened (same calls) or the skeleton is
marked as branching (other calls).

    Operand  = ("tok", position) | ("res", step, path) | ("zero",)
             | ("tnum", step, path, k)   the k-th number inside a result text ("3 of 4 passes issued")
             | ("arg", step, path)       a derived argument, checked before its call (`_arg_relations`)
    Relation = (a, b, sign)          sign of a - b in every supporting run: -1, 0 or 1; or LE (-2) / GE (2)
                                     when some runs saw a = b and the others one strict order: a live
                                     order no run saw (a > b after a < b and a = b) is outside the evidence

Rule 1 (never extrapolate past the evidence) is stricter and general: before a step that is not
read-only, every value of an earlier result that no argument consumes must lie inside what the
supporting runs saw (`PlanStep.seen`, recorded and checked in `_seen`): numbers inside their range,
texts matching a template seen once goal values and arguments are masked out. Noise (a request id,
a timestamp) is relaxed only on evidence.

Before any call, a goal amount a write takes lies inside the range every supporting run showed
(`_goal_quantities`: a limit no run reached may hold past it).

Recording the facts (and merging them across runs) lives in `_envelope_facts`, checking them at
replay in `_envelope_checks`; this module re-exports both.
"""

from __future__ import annotations

from llmos.learning._answer_text import answer_seen_problem  # rule 1 of _seen, and of plain texts
from llmos.learning._envelope_checks import (
    broken,
    goal_problem,
    member_problem,
    relation_problem,
    result_problem,
)
from llmos.learning._envelope_facts import (
    MAX_NUMBERS_PER_STEP,
    MAX_OPERANDS,
    MAX_RELATIONS,
    ZERO,
    Operand,
    Relation,
    from_json,
    keep_holding,
    numbers,
    relations,
    sign_of,
    slot_span,
    to_json,
    value,
    widen_span,
)
from llmos.learning._envelope_lists import (
    MAX_CATEGORIES,
    MAX_LISTS,
    MAX_MEMBER_TOKENS,
    MAX_PICKED_CHARS,
    MAX_PICKED_WORDS,
    Membership,
    categories,
    is_member,
    keep_members,
    list_lengths,
    memberships,
    same_lengths,
    union_categories,
)
from llmos.learning._envelope_unrelated import MAX_LATE_RELATIONS, late_relations
from llmos.learning._goal_quantities import PRECAUTION, quantities, quantity_problem
from llmos.learning._seen import record as record_seen
from llmos.learning._seen import seen_problem
from llmos.learning._seen_answer import decided_problem, listing_problem
from llmos.learning._seen_answer import view as answer_view

__all__ = [
    "MAX_CATEGORIES",
    "MAX_LATE_RELATIONS",
    "MAX_LISTS",
    "MAX_MEMBER_TOKENS",
    "MAX_NUMBERS_PER_STEP",
    "MAX_OPERANDS",
    "MAX_PICKED_CHARS",
    "MAX_PICKED_WORDS",
    "MAX_RELATIONS",
    "PRECAUTION",
    "ZERO",
    "Membership",
    "Operand",
    "Relation",
    "answer_seen_problem",
    "answer_view",
    "broken",
    "categories",
    "decided_problem",
    "from_json",
    "goal_problem",
    "is_member",
    "keep_holding",
    "keep_members",
    "late_relations",
    "list_lengths",
    "listing_problem",
    "member_problem",
    "memberships",
    "numbers",
    "quantities",
    "quantity_problem",
    "record_seen",
    "relation_problem",
    "relations",
    "result_problem",
    "same_lengths",
    "seen_problem",
    "sign_of",
    "slot_span",
    "to_json",
    "union_categories",
    "value",
    "widen_span",
]
