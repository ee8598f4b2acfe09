"""Lists of varying length: "Ship the parcels to Rome, Oslo and Lima" / "... to Kyiv and Bern" are ONE plan.

A loop is a segment of calls repeated once per list item, in order, with each item bound where the
supporting runs bound it. It is never guessed; every rule below must hold, or the goal goes to the
model (each rule is checked in the module named next to it):

learning (`_loop.learn`, from the plans the index keeps per list length)
- plans of at least two DIFFERENT list lengths, each a plan of its own (so each item position varied
  across its runs and is a slot), show the same per-item segment: the same tools in the same turns,
  every argument explained the same way relative to the item (explanations kept: those that fit every
  copy of every plan; none left for an argument, no loop), every step before and after the list the
  same, and the calls growing by exactly one segment per item; the copies one after the other or side
  by side (every item's step in one turn), read the same way in every plan (`_layouts`);
- each copy of the segment takes its own item (an argument explained by the item alone), and reads
  no other item and no other copy's results; nothing after the list reads one copy's results: what
  comes after reads them all at once, as a total or a pick (`_explain_agg`: ("each", ref) in the
  item's frame), and a hypothesis that reads some items but not all ("the first crate") leaves the
  step after the list without a loop reading (`_canon.canon_step`);
- facts about results (rule 1's records, ranges, categories, constant results, relations, memberships)
  are kept per item: what held for every copy of every plan, and what every copy showed, united.

the live goal (`_shape.parse`, `_select`)
- the words before and after the list are the plans' own, and the list parses one way only with the
  separators the evidence used (`Rome, Oslo and Lima`, `Kyiv and Bern`, or one item): no empty list,
  no nested list, no "and" inside an item, no qualifier ("Rome except Sundays" does not parse);
- every item is one word or number of a shape the items had, never a separator or a constant word of
  the plans (an anchor), never a repeat of another item;
- no plan of this wording took other calls for a list of any length (a branch), no contributing plan
  is unsafe or demoted, and the plan for this list has the support its riskiest step needs (rule 4);
- exactly one family of plans reads the goal so, or none replays.

replay (`_loop.synthesize`): the loop written out for the N items is an ordinary plan, so
`BoundPlan` applies rule 1 before every group of calls (hence before each iteration's writes), rule 2
to every argument of every iteration and rule 3 to the whole; the answer (rule 5) is the listing of
this run's results, one line per call and so one part per item, or the model answers when the
supporting answers of any plan it was learned from stated figures no value of this run gives, or when
a plan with runs that did not teach its answer leaves a read-only listing unjudged
(`_answer.judged_by_every_plan`).
"""

from llmos.learning.loops._loop import LOOP_PREFIX, Loop, learn, synthesize
from llmos.learning.loops._observe import count_replay
from llmos.learning.loops._shape import MAX_ITEMS, Region, parse, region

__all__ = [
    "LOOP_PREFIX",
    "MAX_ITEMS",
    "Loop",
    "Region",
    "contributors",
    "count_replay",
    "learn",
    "parse",
    "region",
    "synthesize",
]


def contributors(plan_id: str | None) -> list[str]:
    """The plan ids a loop's replay (plan id `loop:...`) was built from; [] for any other plan id."""
    if not plan_id or not plan_id.startswith(LOOP_PREFIX):
        return []
    return [p for p in plan_id[len(LOOP_PREFIX) :].split("+") if p]
