"""Rule 1 for the numbers the recorded orders never reached.

`_envelope_facts.relations` records the order of every number of a run against every other (and the
goal's), but only over the operands `numbers` keeps: at most `MAX_NUMBERS_PER_STEP` numbers of one
result, `MAX_OPERANDS` in all, and no more than `MAX_RELATIONS` relations. A result with more numbers (a
spec sheet, a year of monthly figures, a day of hourly readings; the keys of a JSON result come back
sorted, so the one that decides may well come last) leaves the rest out. Each such number is still
range-checked on its own, but its order with the goal's numbers is not: "store 43 boxes" where every run
stored fewer boxes than the fridge's vacant slots, the 43 and the 40 vacant slots each inside what the
runs saw, replayed the write (`bench/families_heldout23b.py`: 13 wrong on main at seed 7).

So, before a later step, a number of the live result whose orders with the goal's numbers the relations
cannot reach (past the per-result or total caps of `numbers`, or past `MAX_RELATIONS`) stops the replay
unless it was the same value in every supporting run (a constant of the result: `const_results`, whose
change `result_problem` already stops; its orders with the goal's numbers follow from the goal
numbers' own ranges). The model decides what the unrecorded order would have meant.

(rate13) Which numbers of a long result vary is not known when the plan is built (its first run), so the
cap kept the first numbers by path order, and a number that decides often came after a spec sheet of
constants: every replay of such a plan stopped. The numbers past the cap now get their orders recorded
too (`late_relations`, with a budget of their own, `MAX_LATE_RELATIONS`, after the relations `relations`
records): each one against zero, every goal number and every other number of the run's results (the
orders a number inside the cap gets; a result of more than `MAX_DIFF_NUMBERS` numbers gives no
differences, and one of more than `MAX_FACTORS` numbers a record no products, cap or not). A number
whose orders all fit the budget is reached, and its orders are checked like any other
(`_envelope_checks.broken`); one past the budget stops the replay as before, and so does one the live
budget reaches but whose orders the plan never recorded (`recorded_late`: its first run's budget did not).
"""

from __future__ import annotations

from llmos.learning import explain as ex
from llmos.learning._envelope_facts import (
    MAX_NUMBERS_PER_STEP,
    MAX_RELATIONS,
    ZERO,
    Operand,
    Relation,
    numbers,
    sign,
    step_numbers,
)
from llmos.learning._goal_quantities import PRECAUTION
from llmos.learning.plans import Plan, path_key


def related(env: ex.Env, echo_paths: list[list[str]], ops: list[tuple[Operand, float]] | None = None) -> set[Operand]:
    """The result operands whose orders against zero and against every goal number `relations` records
    (the goal's numbers come first among the operands, so their orders come first for each number; the
    relations cap may cut the orders with the other results' numbers after them)."""
    ops = numbers(env, echo_paths) if ops is None else ops
    goal = sum(1 for op, _v in ops if op[0] == "tok")
    out: set[Operand] = set()
    count = 0
    for j, (op, _v) in enumerate(ops):
        if op[0] not in ("res", "tnum"):
            continue
        if count + 1 + min(j, goal) > MAX_RELATIONS:
            break
        out.add(op)
        count += 1 + j
    return out


MAX_LATE_RELATIONS = 480  # orders recorded a run for the numbers `related` leaves out


def late_relations(
    env: ex.Env,
    echo_paths: list[list[str]],
    ops: list[tuple[Operand, float]] | None = None,
    reached: set[Operand] | None = None,
) -> tuple[list[Relation], set[Operand]]:
    """The orders of the run's numbers that `related` leaves out (past the caps of `numbers` or of
    `MAX_RELATIONS`), and those numbers: each against zero, every goal number and every other number of
    the results (one relation a pair), in order, while the whole of a number's orders fits in
    `MAX_LATE_RELATIONS` (`ops`, `reached`: `numbers` and `related` of the run, when already made)."""
    ops = numbers(env, echo_paths) if ops is None else ops
    reached = related(env, echo_paths, ops) if reached is None else reached
    every = [nv for s in range(len(env.parsed)) for nv in step_numbers(env, echo_paths, s, cap=None)]
    if all(op in reached for op, _v in every):
        return [], set()
    goal = [(op, v) for op, v in ops if op[0] == "tok"]
    out: list[Relation] = []
    done: set[Operand] = set()
    for j, (b, y) in enumerate(every):
        if b in reached:
            continue
        later = [(c, z) for c, z in every[j + 1 :] if c in reached]  # a later unreached number pairs with b itself
        if len(out) + 1 + len(goal) + j + len(later) > MAX_LATE_RELATIONS:
            break
        out.append((b, ZERO, sign(y)))
        out.extend((a, b, sign(x - y)) for a, x in goal + every[:j])
        out.extend((b, c, sign(y - z)) for c, z in later)
        done.add(b)
    return out, done


def recorded_late(plan: Plan, late: set[Operand]) -> set[Operand]:
    """The numbers past the caps that the live run's budget reaches (`late_relations`) AND whose orders the
    plan recorded. The plan's orders come from its first run (`induction`) and are only kept or weakened
    after: a number its first run's budget did not reach (a longer list before it) has no recorded order,
    though a shorter live list brings it within the live budget. Such a number is not reached."""
    if not late:
        return late
    known = {r[0] for r in plan.relations} | {r[1] for r in plan.relations}
    return {op for op in late if op in known}


def unrelated_problem(plan: Plan, env: ex.Env, step: int) -> str | None:
    """After step `step`, before a later one: a number of its result whose orders were never recorded
    and that was not the same in every supporting run."""
    if plan.support < 2 or step >= len(plan.steps) - 1:
        return None
    echo = [s.echo_paths for s in plan.steps]
    numbers_here = step_numbers(env, echo, step, cap=None)
    if len(numbers_here) <= 1:
        return None
    ops = numbers(env, echo)
    inside = related(env, echo, ops)
    reached = inside | recorded_late(plan, late_relations(env, echo, ops, inside)[1])
    consts = plan.steps[step].const_results
    for op, v in numbers_here:
        if op in reached or path_key(op[2]) in consts:
            continue
        where = ex.format_path(op[2]) if op[0] == "res" else f"number {op[3] + 1} of its text"
        return (
            f"{PRECAUTION}: {plan.steps[step].name} returned {v:g} at {where}, a number past the "
            f"{MAX_NUMBERS_PER_STEP} per result (and past the {MAX_LATE_RELATIONS} later orders) whose orders rule 1 "
            "records, and not the same in every supporting "
            "run: its order with the goal's numbers was never checked"
        )
    return None
