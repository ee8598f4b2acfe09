"""Rule 1 for a sum of two reads' numbers against a third number.

The evidence envelope records the order of every two numbers of a run, a result's list totals against
another read's numbers, the difference of two numbers of one result, and the product of two reads'
numbers (`_envelope_facts.relations`). It did not record a SUM of two numbers that two different reads
return: two pallets' weights against a goods lift's load, a pilot's and a passenger's weights against a
balloon's payload, two vans' lengths against a ferry's deck. Each number stayed inside the range the
supporting runs saw and every pair kept its order, while the two together passed the third: main
answered "Yes" to "Do pallets A and B fit together in goods lift L?" over 370 kg + 390 kg against a
720 kg load, 7 times of 16 (`bench/families_heldout33b.py`, h33b_lift; h33b_balloon and h33b_ferryw too).

So each sum of two numbers of two different reads, ("sum", the later read's number, the earlier
read's number), enters the relations against every number of a THIRD read and every goal number. A read
with more than `MAX_SUM_NUMBERS` numbers gives no sums (a table, not a quantity); at most `MAX_SUMS` sums
and `MAX_SUM_RELATIONS` orders a run. An order that held one way in every supporting run and not now
stops the replay like any other relation (`_envelope_checks.broken`); one the runs saw both ways is
dropped when they merge.
"""

from __future__ import annotations

from llmos.learning import explain as ex
from llmos.learning._envelope_facts import Operand, Relation, numbers, sign

MAX_SUM_NUMBERS = 4  # numbers of one read that enter sums
MAX_SUMS = 12  # sums a run
MAX_SUM_RELATIONS = 48  # their orders a run


def sums(ops: list[tuple[Operand, float]]) -> list[tuple[Operand, float]]:
    """("sum", a, b): a number of a read plus a number of an EARLIER read (a first, so that the
    relation is checked once the later read has answered)."""
    by_step: dict[int, list[tuple[Operand, float]]] = {}
    for op, v in ops:
        if op[0] == "res":
            by_step.setdefault(int(op[1]), []).append((op, v))
    steps = sorted(s for s, nums in by_step.items() if len(nums) <= MAX_SUM_NUMBERS)
    out: list[tuple[Operand, float]] = []
    for i, late in enumerate(steps):
        for early in steps[:i]:
            out.extend((("sum", a, b), x + y) for a, x in by_step[late] for b, y in by_step[early])
    return out[:MAX_SUMS]


def sum_relations(env: ex.Env, echo_paths: list[list[str]]) -> list[Relation]:
    """Each sum's order against every goal number and every number of a third read."""
    ops = numbers(env, echo_paths)
    out: list[Relation] = []
    for d, y in sums(ops):
        own = {int(d[1][1]), int(d[2][1])}
        for a, x in ops:
            if a[0] == "tok" or (a[0] in ("res", "tnum") and int(a[1]) not in own):
                out.append((a, d, sign(x - y)))
                if len(out) >= MAX_SUM_RELATIONS:
                    return out
    return out
