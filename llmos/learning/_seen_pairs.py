"""Rule 1 for a goal number with a result number: what the two imply together.

Every goal number and every number of a result may each lie inside what the supporting runs saw while
the quantity a hidden rule reads from the two does not. So, for every goal number and every numeric
leaf of a result (outside a list), `_seen_derived` records (next to the days between dates and the
list totals):

    "~product"  g x v     70 units at 73.57 EUR, each seen: 5149.90 where every run's order cost at
                          most 4800 (a hidden approval limit); also g x v / e and g x e / v with a
                          number e of an earlier step's result (ml/h x units/ml / kg: a dose per kg)
    "~ratio"    g / v     a new salary over the current one (a raise over a hidden share); 360 kg of
                          alum into 5500 m3 (65 mg/L where every run dosed 20..40 mg/L)
    "~diff"     g - v     a lunch card topped up to 32 EUR from 4.11 (27.89 EUR charged where every
                          run charged 16.6..22.25, a hidden 25 EUR limit)
    "~sum"      g + v     6 overtime hours after 44 worked (50 where every run stayed under 48)

and `problem` range-checks them before a write (strict: no noise) while the goal number lies inside
the range the supporting runs showed (outside it the goal asks for something new: the explanations'
business, `_derived`), and while the result's number is not copied into an argument (`PairScope`).

Which pairs mean something: a product always (a quantity times a price, of any two units). A ratio,
a difference and a sum of a goal number that is an *amount*, one an argument of a step that changes
the world reads (verbatim or computed: what is written, dosed, charged, booked), or any goal number of
a plan whose runs judged the goal on their results (`decides`: the amount they declined), with a
result number no argument consumes: the amount lands in what the result describes, so the amount per
unit of it (kg per m3, kg per hectare, a raise per current salary) and the amount with it (the top-up
over a balance, the hours over those worked) are what a hidden limit reads, whatever the two scales.
A result number an argument computes with the amount (amount x rate) is combined by that argument
already: its product is checked, its ratio only under the older gate below (250 USD at a rate never
met with 250 before is no limit's business). A goal number that is no amount (a key a read
takes, a threshold, a word no argument uses) keeps the older gate: its ratio only between numbers
within 1/2 and 2 of each other in every supporting run (a share compares like with like), no
difference or sum at all (a threshold's margin is its order, `_envelope_facts`). A result number an
argument adds to or subtracts from (stock + qty, odometer + km) is consumed: its sum is that argument,
held by sign and template as arithmetic of values (`_derived`), not here. An identifier's number
("zip", "customer_id") is no quantity: no ratio, difference or sum with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from llmos.learning import _shortcuts, _value_kinds
from llmos.learning import explain as ex
from llmos.learning.goals import Token

Derived = dict[str, tuple[float, list[ex.Path]]]  # key -> (value, the result paths it is made of)
Earlier = list[tuple[int, list[tuple[ex.Path, Any]]]]  # (step index, its result's values) of earlier steps

MAX_PAIRS = 24  # goal number x result number pairs per result
RATIO_SCALE = (0.5, 2.0)  # a goal number that is no amount: a ratio only between numbers of one scale
KINDS = ("~product", "~ratio", "~diff", "~sum")


class PairScope(NamedTuple):
    """What the pair checks need of the plan: `copied(path)`, whether a result value is left out
    (copied or echoed, and multiplied with a goal number by no explanation in use:
    `_derived.product_exempt`); `plain(path)`, whether it is consumed or echoed at all (a difference
    or sum with it is an argument's arithmetic); `amounts`, the goal's token positions an argument of a
    step that changes the world reads (None: every goal number, `decides`)."""

    copied: Callable[[ex.Path], bool]
    plain: Callable[[ex.Path], bool]
    amounts: frozenset[int] | None


def goal_numbers(tokens: list[Token]) -> list[tuple[str, float, int]]:
    """(label "goal#k", value, token position) of every number of the goal."""
    out: list[tuple[str, float, int]] = []
    for pos, t in enumerate(tokens):
        if t.kind == "number":
            v = t.typed()
            if not isinstance(v, str):
                out.append((f"goal#{len(out)}", float(v), pos))
    return out


def goal_pairs(
    values: list[tuple[ex.Path, Any]],
    tokens: list[Token],
    earlier: Earlier,
    numbers: list[tuple[str, float, int]] | None = None,
) -> Derived:
    """The product, ratio, difference and sum of every goal number with every numeric leaf outside a
    list, and each goal number itself (`~goal`: the range the check needs, never checked on its own;
    `numbers`: `goal_numbers(tokens)`, when already made for the run: `_run_facts`)."""
    goal = goal_numbers(tokens) if numbers is None else numbers
    if not goal:
        return {}
    out: Derived = {record_key(("~goal", label)): (g, []) for label, g, _pos in goal}
    n = 0
    for path, v in values:
        if not ex.is_num(v) or any(map(ex.is_int, path)):
            continue
        quantity = not _value_kinds.id_key(path)
        for label, g, _pos in goal:
            if n >= MAX_PAIRS:
                return out
            product, ratio, diff, total = _pair_keys(label, path)
            out[product] = (g * float(v), [path])
            if float(v) != 0:
                out[ratio] = (g / float(v), [path])
            if quantity:
                out[diff] = (g - float(v), [path])
                out[total] = (g + float(v), [path])
            n += 1
            for j, vals in earlier:  # a goal number x this number / an earlier step's (ml/h x units/ml / kg)
                for epath, e in vals:
                    if ex.is_num(e) and float(e) != 0 and float(v) != 0:
                        where = ("@step", j, *epath)
                        out[record_key(("~product", label, path, where))] = (g * float(v) / e, [path])
                        out[record_key(("~product", label, where, path))] = (g * e / float(v), [path])
    out.update(_with_totals(values, goal))
    return out


def _with_totals(values: list[tuple[ex.Path, Any]], goal: list[tuple[str, float, int]]) -> Derived:
    """The sum and the difference of every goal number with the total of each numeric leaf over a list's
    items (entries[*].hours), checked like a goal number with a leaf (`skipped`, on the first item's path):
    this week's overtime entries total 8 h and the goal logs 6 more, each inside what the supporting runs
    saw (totals 2..9, hours 2..7), their sum 14 past every sum seen (9..12) where the week's cap is 12
    (main logged it, `families_heldout22b.py` h22b_overtime, seed 7)."""
    totals: dict[tuple[Any, ...], tuple[float, ex.Path]] = {}
    for path, v in values:
        if ex.is_num(v) and any(map(ex.is_int, path)) and not _value_kinds.id_key(path):
            pattern = tuple("*" if isinstance(x, int) else x for x in path)
            total, first = totals.get(pattern, (0.0, path))
            totals[pattern] = (total + float(v), first)
    out: Derived = {}
    for pattern, (total, first) in list(totals.items())[:MAX_PAIRS]:
        for label, g, _pos in goal:
            out[record_key(("~sum", label, ["@total", *pattern]))] = (g + total, [first])
            out[record_key(("~diff", label, ["@total", *pattern]))] = (g - total, [first])
    return out


def _pair_keys(label: str, path: ex.Path) -> tuple[str, ...]:
    """The keys of the product, ratio, difference and sum of a goal number and a result path."""
    if _shortcuts.ON and type(path) is tuple:
        return _cached_pair_keys(label, path)
    return _plain_pair_keys(label, path)


def _plain_pair_keys(label: str, path: ex.Path) -> tuple[str, ...]:
    return tuple(json.dumps((kind, label, path)) + "|n" for kind in KINDS)


_cached_pair_keys = lru_cache(maxsize=1 << 15)(_plain_pair_keys)


def record_key(parts: tuple[Any, ...]) -> str:
    """json(parts) + "|n" (a tuple reads as a list): a record's key. With the shortcuts on, each is made
    once (the same goal labels and result paths come back in every run of a plan)."""
    if _shortcuts.ON:
        try:
            return _cached_key(parts)
        except TypeError:  # a path as a list (unhashable)
            pass
    return json.dumps(parts) + "|n"


@lru_cache(maxsize=1 << 16)
def _cached_key(parts: tuple[Any, ...]) -> str:
    return json.dumps(parts) + "|n"


def _inside(rec: Any, v: float) -> bool:
    if not isinstance(rec, list):
        return False
    lo, hi = float(rec[0]), float(rec[1])
    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    return lo - tol <= v <= hi + tol


def skipped(seen: dict[str, Any], key: str, tokens: list[Token], path: ex.Path, scope: PairScope) -> bool:
    """Whether a goal number x result number quantity is not checked (see the module docstring): a
    pair no run recorded, a result number left out, the goal number outside its own range, or a
    ratio, difference or sum of a goal number that is no amount (a ratio of one within 1/2 and 2 of
    its result number in every run is checked still)."""
    parts = json.loads(key.rsplit("|", 1)[0])
    goal = {label: (g, pos) for label, g, pos in goal_numbers(tokens)}
    rec = seen.get(key)
    if not isinstance(rec, list) or parts[1] not in goal:
        return True
    kind, (g, pos) = parts[0], goal[parts[1]]
    if scope.copied(path) or (kind in ("~diff", "~sum") and scope.plain(path)):
        return True
    amount = (scope.amounts is None or pos in scope.amounts) and not scope.plain(path) and not _value_kinds.id_key(path)
    if kind in ("~diff", "~sum") and not amount:
        return True
    if kind == "~ratio" and not amount and not (RATIO_SCALE[0] <= float(rec[0]) and float(rec[1]) <= RATIO_SCALE[1]):
        return True
    return not _inside(seen.get(json.dumps(["~goal", parts[1]]) + "|n"), g)


def describe(parts: list[Any]) -> str:
    names = [operand(x) for x in parts[2:]]
    n = int(parts[1].split("#")[1]) + 1
    if len(names) == 2:
        return f"the goal's number #{n} x {names[0]} / {names[1]}"
    if parts[0] in ("~diff", "~sum"):
        return f"the goal's number #{n} {'-' if parts[0] == '~diff' else '+'} {names[0]}"
    return f"the {'product' if parts[0] == '~product' else 'ratio'} of the goal's number #{n} and {names[0]}"


def operand(path: list[Any]) -> str:
    if path[:1] == ["@total"]:
        return f"the total of {ex.format_path(tuple(path[1:])).replace('.*', '[*]')}"
    if path[:1] == ["@step"]:
        return f"step {int(path[1]) + 1}'s {ex.format_path(tuple(path[2:]))}"
    return ex.format_path(tuple(path))
