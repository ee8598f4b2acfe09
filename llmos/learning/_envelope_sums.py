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
read's number), enters the relations against every number of a THIRD read and every goal number; then
each sum of two numbers of ONE read (a parcel order's kg in boxes and kg in crates against a van's
payload) and each sum of a read's number and a goal number (12 guests more on a tour's 30 booked against
its boat's 40 seats), against the numbers of the other reads (and the goal's other numbers). First of
all, the number at one path of three or more reads (three kayakers' weights: `heldout33c` h33c_raft, 6
wrong on main) is summed over them, nested ("sum", third, ("sum", second, first)). A read
with more than `MAX_SUM_NUMBERS` numbers gives no sums (a table, not a quantity); at most `MAX_SUMS` sums
and `MAX_SUM_RELATIONS` orders a run. An order that held one way in every supporting run and not now
stops the replay like any other relation (`_envelope_checks.broken`); one the runs saw both ways is
dropped when they merge.
"""

from __future__ import annotations

from typing import Any

from llmos.learning import explain as ex
from llmos.learning._envelope_facts import Operand, Relation, numbers, sign

MAX_SUM_NUMBERS = 4  # numbers of one read that enter sums
MAX_SUMS = 16  # sums a run
MAX_SUM_RELATIONS = 64  # their orders a run


def sums(ops: list[tuple[Operand, float]]) -> list[tuple[Operand, float]]:
    """("sum", a, b): a number of a read plus a number of an EARLIER read (a first, so that the relation is
    checked once the later read has answered); then plus another number of the same read; then plus a
    goal number."""
    by_step: dict[int, list[tuple[Operand, float]]] = {}
    for op, v in ops:
        if op[0] == "res":
            by_step.setdefault(int(op[1]), []).append((op, v))
    goal = [(op, v) for op, v in ops if op[0] == "tok"][:MAX_SUM_NUMBERS]
    steps = sorted(s for s, nums in by_step.items() if len(nums) <= MAX_SUM_NUMBERS)
    across: list[tuple[Operand, float]] = []
    within: list[tuple[Operand, float]] = []
    with_goal: list[tuple[Operand, float]] = []
    for i, late in enumerate(steps):
        nums = by_step[late]
        for early in steps[:i]:
            across.extend((("sum", a, b), x + y) for a, x in nums for b, y in by_step[early])
        within.extend((("sum", a, b), x + y) for k, (a, x) in enumerate(nums) for b, y in nums[k + 1 :])
        with_goal.extend((("sum", a, b), x + y) for a, x in nums for b, y in goal)
    return (calls_total(by_step, steps) + across + within + with_goal)[:MAX_SUMS]


def calls_total(by_step: dict[int, list[tuple[Operand, float]]], steps: list[int]) -> list[tuple[Operand, float]]:
    """The number at one path of three or more reads summed (three kayakers' weights against a raft's
    limit, every two of them under it): nested sums, the latest read first."""
    at: dict[Any, list[tuple[Operand, float]]] = {}
    for s in steps:
        for op, v in by_step[s]:
            at.setdefault(tuple(op[2]), []).append((op, v))
    out: list[tuple[Operand, float]] = []
    for nums in at.values():
        if len(nums) >= 3:
            d, y = nums[0]
            for op, v in nums[1:]:
                d, y = ("sum", op, d), y + v
            out.append((d, y))
    return out


def _sources(d: Operand) -> set[Any]:
    out: set[Any] = set()
    for op in (d[1], d[2]):
        out |= _sources(op) if op[0] == "sum" else {int(op[1]) if op[0] == "res" else op}
    return out


def sum_relations(env: ex.Env, echo_paths: list[list[str]]) -> list[Relation]:
    """Each sum's order against every number of another source: a goal number that is not in the sum,
    and a number of a read none of the sum's numbers comes from."""
    ops = numbers(env, echo_paths)
    out: list[Relation] = []
    for d, y in sums(ops):
        own = _sources(d)
        for a, x in ops:
            if (a[0] == "tok" and a not in own) or (a[0] in ("res", "tnum") and int(a[1]) not in own):
                out.append((a, d, sign(x - y)))
                if len(out) >= MAX_SUM_RELATIONS:
                    return out
    return out
