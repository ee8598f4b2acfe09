"""Recording the evidence envelope: the facts a run's results show, and what is left of them when
the next supporting run is merged in (relations that still hold, list lengths that are still equal,
categories united, memberships kept, slot spans widened).

The private interior of `llmos.learning.envelope`, which re-exports every name here.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any

from llmos.learning import _envelope_scaled, _envelope_units, _seen_derived, _seen_products, _seen_text, _shortcuts
from llmos.learning import explain as ex
from llmos.learning._named_dates import iso as iso_dates
from llmos.learning.goals import Token, number_word
from llmos.learning.plans import Slot, path_key

Operand = tuple[Any, ...]
Relation = tuple[Operand, Operand, int]

MAX_NUMBERS_PER_STEP = 12
MAX_OPERANDS = 32
MAX_RELATIONS = 200
ZERO: Operand = ("zero",)
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")


def sign(x: float) -> int:
    if abs(x) <= 1e-9:
        return 0
    return 1 if x > 0 else -1


# A relation's sign is the order its supporting runs saw: -1, 0 or 1 in every run, or a weak order when
# some runs saw the two numbers equal and the others one strict order: LE (a < b or a = b), GE. A live
# order no supporting run saw ("a > b" after "<" and "=": a value past the limit the runs only reached)
# is outside the evidence like any other; only runs that saw both strict orders drop the relation.
LE, GE = -2, 2


def sign_allows(kept: int, live: int) -> bool:
    """Whether a live order `live` (-1, 0, 1) is one the supporting runs saw (`kept`, weak orders included)."""
    return live == kept or (kept == LE and live <= 0) or (kept == GE and live >= 0)


def sign_set(kept: int) -> frozenset[int]:
    """The strict orders a kept sign stands for."""
    return frozenset(s for s in (-1, 0, 1) if sign_allows(kept, s))


def merged_sign(kept: int, live: int) -> int | None:
    """The sign kept once a run with order `live` joins the evidence (None: both strict orders seen)."""
    seen = sign_set(kept) | {live}
    if seen <= {-1, 0}:
        return -1 if seen == {-1} else 0 if seen == {0} else LE
    if seen <= {0, 1}:
        return 1 if seen == {1} else GE
    return None


def numbers(env: ex.Env, echo_paths: list[list[str]]) -> list[tuple[Operand, float]]:
    """Numeric operands of one run: goal numbers, then numeric result leaves that are not echoes
    of the call's own arguments (an echo is decided by the plan's explanations, not by the world),
    then the numbers inside a result's texts ("3 of 4 passes issued": `text_numbers`)."""
    out: list[tuple[Operand, float]] = []
    for i, t in enumerate(env.tokens):
        if t.kind == "number":
            v = t.typed()
            assert not isinstance(v, str)
            out.append((("tok", i), float(v)))
    for s in range(len(env.parsed)):
        out.extend(step_numbers(env, echo_paths, s))
    return out[:MAX_OPERANDS]


def step_numbers(
    env: ex.Env, echo_paths: list[list[str]], s: int, cap: int | None = MAX_NUMBERS_PER_STEP
) -> list[tuple[Operand, float]]:
    """Step `s`'s numeric operands (`numbers`): its numeric leaves that are not echoes, then the numbers of
    its texts; at most `cap` of them (None: every one)."""
    if s >= len(env.parsed) or env.texts[s] is None:
        return []
    echo = set(echo_paths[s]) if s < len(echo_paths) else set()
    out: list[tuple[Operand, float]] = []
    for path, v in ex.leaves(env.parsed[s]):
        if ex.is_num(v) and path_key(path) not in echo:
            out.append((("res", s, path), float(v)))
            if cap is not None and len(out) >= cap:
                break
    for path, text in _texts(env, s):
        if path and path_key(path) in echo:  # the call's own argument, said back
            continue
        nums = text_numbers(text)
        out.extend((("tnum", s, path, k), x) for k, x in enumerate(nums if cap is None else nums[: cap - len(out)]))
    return out


# numbers inside a text: a date, a clock time or a version is no number ("2026-03-14", "11:05"), nor is
# the number of an identifier ("L-4821", "CO2"); a fraction's parts are ("11/12")
_NOT_NUMBERS_RE = re.compile(r"(?<!\d)\d+(?:[-:/.T]\d+){2,}|(?<!\d)\d+:\d+")
_TEXT_NUMBER_RE = re.compile(r"(?<![\w.])(?<!\w-)-?\d+(?:\.\d+)?(?!\w|\.\d)")
MAX_TEXT_CHARS = 2000


def text_numbers(text: str) -> list[float]:
    """The numbers of a text, in order (with the shortcuts on, found once per text: result texts recur)."""
    if _shortcuts.ON:
        return list(_cached_text_numbers(text[:MAX_TEXT_CHARS]))
    return _text_numbers(text)


@lru_cache(maxsize=1 << 12)
def _cached_text_numbers(text: str) -> tuple[float, ...]:
    return tuple(_text_numbers(text))


def _text_numbers(text: str) -> list[float]:
    """The numbers of a text in order; a number in groups or with a magnitude ("24,380", "840k") also as
    the whole value, right after its pieces (rule 1 orders both: `_seen_text._GROUPED`)."""
    text = iso_dates(text[:MAX_TEXT_CHARS])  # "2 December 2026" is a date: no number, as 2026-12-02
    blanked = _NOT_NUMBERS_RE.sub(lambda m: "#" * len(m.group()), text)
    found = [(m.start(), float(m.group())) for m in _TEXT_NUMBER_RE.finditer(blanked)]
    if any(ch in blanked for ch in ",.'kMb \u00a0\u202f"):
        wholes = [(g.end(), _seen_text.whole(g)) for g in _seen_text.GROUPED.finditer(blanked)]
        if wholes:
            found = sorted(found + wholes, key=lambda pv: pv[0])  # stable: a whole after its pieces
    return [v for _pos, v in found]


def _texts(env: ex.Env, s: int) -> list[tuple[ex.Path, str]]:
    """Step `s`'s texts: the whole result when it is plain text, else its text leaves."""
    parsed = env.parsed[s]
    if parsed is ex.NOT_JSON:
        text = env.texts[s]
        return [((), text)] if isinstance(text, str) else []
    out = [(p, v) for p, v in ex.leaves(parsed) if isinstance(v, str) and any(c.isdigit() for c in v)]
    return out[:MAX_NUMBERS_PER_STEP]


def _text_number(op: Operand, env: ex.Env) -> float | None:
    """The live value of a ("tnum", step, path, k) operand: the k-th number of that text."""
    s, path, k = op[1], tuple(op[2]), op[3]
    if s >= len(env.parsed) or env.texts[s] is None:
        return None
    text = dict(_texts(env, s)).get(path)
    if text is None:
        return None
    nums = text_numbers(text)
    return nums[k] if k < len(nums) else None


def relations(env: ex.Env, echo_paths: list[list[str]]) -> list[Relation]:
    """Every relation between a numeric result and another number (or zero) in one run; then every goal
    number, and every number of another step's result, against the difference of two numbers of one
    result (`differences`)."""
    ops = numbers(env, echo_paths)
    out: list[Relation] = []
    for j, (b, y) in enumerate(ops):
        if b[0] not in ("res", "tnum"):
            continue
        out.append((b, ZERO, sign(y)))
        for a, x in ops[:j]:
            out.append((a, b, sign(x - y)))
            if len(out) >= MAX_RELATIONS:
                return out
    goal = [(a, x) for a, x in ops if a[0] == "tok"]
    diffs = differences(ops)
    prods = products(env, ops)
    for d, y in diffs + prods if goal else []:
        for a, x in goal:
            if d[0] == "prod" and a in d:  # a number against its own multiple
                continue
            out.append((a, d, sign(x - y)))
            if len(out) >= MAX_RELATIONS:
                return out
    # a number of another step's result against a list's total (a basket's prices against the credit
    # left on the account: each price and the credit inside the runs', the total over the credit), or
    # against the difference (a vessel's length against a berth's length minus what is occupied)
    # or against a product (12 cases x the price per case, a room's length x width against a roll's area
    # left) or a weighted sum (an order's qty x unit price over its lines against a customer's credit)
    _across(ops, totals(env) + diffs + prods, out)
    # the same differences the other way round, last (the cap drops them first): which of two numbers a
    # result lists first says nothing of which is the limit ("poured today 100, pump capacity 210": what
    # is left is the second minus the first; the goal's 125 m3 against 100 - 210 tells nothing)
    # a goal number against a result number in another unit (56 F against 12.8 C: `_envelope_units`)
    out.extend(_envelope_units.converted(env.tokens, ops)[: MAX_RELATIONS - len(out)])
    flipped = [(("diff", d[2], d[1]), -y) for d, y in diffs]
    for d, y in flipped if goal else []:
        for a, x in goal:
            if len(out) >= MAX_RELATIONS:
                return out
            out.append((a, d, sign(x - y)))
    _across(ops, flipped, out)
    _across(ops, _envelope_scaled.scaled(prods), out)  # last: a product of two reads at a unit scale
    return out


MAX_PRODUCTS = 10  # products and weighted sums per run that enter relations
MAX_RATIOS = 6  # ratios of two numbers of one record per run that enter relations


def products(env: ex.Env, ops: list[tuple[Operand, float]]) -> list[tuple[Operand, float]]:
    """("prod", a, b): two numbers of one record of a step's result, or a goal number and such a number
    (`_seen_products.record_products`, `goal_products`, of the operands `numbers` kept); ("wsum", step, a,
    b): the sum over a list's items of the product of two of their leaves (`_seen_products.weighted_sums`)."""
    res = {(int(op[1]), tuple(op[2])): v for op, v in ops if op[0] == "res"}
    goal = [(op, v) for op, v in ops if op[0] == "tok"][: _seen_products.MAX_FACTORS]
    out: list[tuple[Operand, float]] = []
    leaves_of: dict[int, list[tuple[Any, float]]] = {}
    ratios: list[tuple[Operand, float]] = []
    for s in sorted({k[0] for k in res}):
        values = [(p, v) for (t, p), v in res.items() if t == s]
        for pa, pb in _seen_products.record_products(values):
            x, y = res[(s, pa)], res[(s, pb)]
            out.append((("prod", ("res", s, pa), ("res", s, pb)), x * y))
            # a share of one record (an invoice over its units: a price per unit against a contract's cap)
            ratios.extend(
                (("ratio", ("res", s, n), ("res", s, d)), u / v) for n, d, u, v in ((pa, pb, x, y), (pb, pa, y, x)) if v
            )
        leaves = [pv for nums in _seen_products.records(values).values() for pv in nums][: _seen_products.MAX_FACTORS]
        leaves_of[s] = leaves
        for g, x in goal:
            out.extend((("prod", g, ("res", s, p)), x * y) for p, y in leaves)
    # two numbers of two reads (a charger's kW x the hours a bus is parked, against the kWh it needs)
    steps = sorted(leaves_of)
    for i, sa in enumerate(steps):
        for sb in steps[i + 1 :]:
            for pa, x in leaves_of[sa]:
                out.extend((("prod", ("res", sa, pa), ("res", sb, pb)), x * y) for pb, y in leaves_of[sb])
    for s, parsed in enumerate(env.parsed):
        if env.texts[s] is not None and parsed is not ex.NOT_JSON:
            values = list(itertools.islice(ex.leaves(parsed), ex.MAX_LEAVES))
            for (pa, pb), (v, _paths) in _seen_products.weighted_sums(values).items():
                out.append((("wsum", s, pa, pb), v))
    return out[:MAX_PRODUCTS] + ratios[:MAX_RATIOS]


def weighted_sum(op: Operand, env: ex.Env) -> float | None:
    """The live value of a ("wsum", step, pattern a, pattern b) operand."""
    s = int(op[1])
    if s >= len(env.parsed) or env.texts[s] is None or env.parsed[s] is ex.NOT_JSON:
        return None
    values = list(itertools.islice(ex.leaves(env.parsed[s]), ex.MAX_LEAVES))
    got = _seen_products.weighted_sums(values).get((tuple(op[2]), tuple(op[3])))
    return None if got is None else got[0]


def _across(ops: list[tuple[Operand, float]], derived: list[tuple[Operand, float]], out: list[Relation]) -> None:
    """Append each result number's order with each derived quantity of ANOTHER step's result."""
    for d, y in derived:
        for a, x in ops:
            if len(out) >= MAX_RELATIONS:
                return
            if a[0] not in ("res", "tnum") or _envelope_scaled.factor_of(a, d):  # against its own multiple
                continue
            if result_step(a) != result_step(d) or _two_steps(d):
                out.append((a, d, sign(x - y)))


def _two_steps(d: Operand) -> bool:
    """A product of two reads' numbers (at a scale too): every number of either read is "another" to it."""
    return _envelope_scaled.two_reads(d[1] if d[0] == "prod" and d[2][:1] == ("const",) else d)


MAX_TOTALS = 4  # list totals per run that enter relations


def list_totals(parsed: Any) -> dict[tuple[Any, ...], float]:
    """The sum of each numeric leaf over a JSON result's list items, by its pattern (items[*].eur)."""
    if parsed is ex.NOT_JSON:
        return {}
    values = list(itertools.islice(ex.leaves(parsed), ex.MAX_LEAVES))
    return {pattern: total for pattern, (total, _paths) in _seen_derived.leaf_totals(values).items()}


def totals(env: ex.Env) -> list[tuple[Operand, float]]:
    """("tot", step, pattern): the totals of the lists of each step's JSON result."""
    out: list[tuple[Operand, float]] = []
    for s, parsed in enumerate(env.parsed):
        if env.texts[s] is not None:
            out.extend((("tot", s, pattern), v) for pattern, v in list_totals(parsed).items())
    return out[:MAX_TOTALS]


MAX_DIFF_NUMBERS = 6  # a result with more numbers gives no differences (a table, not a limit and a use)


def differences(ops: list[tuple[Operand, float]]) -> list[tuple[Operand, float]]:
    """("diff", a, b): two numbers of one result, a - b ("daily limit 2000 EUR, used today 490 EUR": what
    is left; `relations` also takes b - a). A goal number that stayed below what was left in every
    supporting run ("take out 300") kept an order no pair of single numbers shows: each number alone may
    stay inside what the runs saw, and each pair in its order, while the goal passes what is left."""
    by_step: dict[int, list[tuple[Operand, float]]] = {}
    for op, v in ops:
        if op[0] in ("res", "tnum"):
            by_step.setdefault(int(op[1]), []).append((op, v))
    out: list[tuple[Operand, float]] = []
    for nums in by_step.values():
        if len(nums) > MAX_DIFF_NUMBERS:
            continue
        for i, (a, x) in enumerate(nums):
            for b, y in nums[i + 1 :]:
                out.append((("diff", a, b), x - y))
    return out


def result_step(op: Operand) -> int | None:
    """The step whose result an operand reads (a difference: its two numbers' step); None for the goal."""
    if op[0] in ("res", "tnum", "tot"):
        return int(op[1])
    if op[0] in ("diff", "prod", "ratio", "sum"):  # a sum's first number is its later read's
        return result_step(op[1]) if op[1][0] != "tok" else result_step(op[2])
    if op[0] == "wsum":
        return int(op[1])
    return None


def value(op: Operand, env: ex.Env, live: dict[Operand, float] | None = None) -> float | None:
    """The operand's live value; None when it is not available (yet) or not a number. `live`: the
    values of operands the results do not hold (a call's derived arguments, `_arg_relations`)."""
    if op[0] in ("zero", "const"):
        return 0.0 if op[0] == "zero" else float(op[1])
    if op[0] in ("diff", "prod", "ratio", "sum"):
        a, b = value(op[1], env, live), value(op[2], env, live)
        if a is None or b is None or (op[0] == "ratio" and b == 0):
            return None
        return a - b if op[0] == "diff" else a * b if op[0] == "prod" else a + b if op[0] == "sum" else a / b
    if op[0] == "wsum":
        return weighted_sum(op, env)
    if op[0] == "arg":
        return None if live is None else live.get(op)
    if op[0] == "tnum":
        return _text_number(op, env)
    if op[0] == "tot":
        s = int(op[1])
        if s >= len(env.parsed) or env.texts[s] is None:
            return None
        return list_totals(env.parsed[s]).get(tuple(op[2]))
    try:
        v = ex.number_of(op, env)
    except (ex.Unavailable, IndexError):
        return None
    return float(v)


def sign_of(rel: Relation, env: ex.Env, live: dict[Operand, float] | None = None) -> int | None:
    a, b = value(rel[0], env, live), value(rel[1], env, live)
    if a is None or b is None:
        return None
    return sign(a - b)


def keep_holding(rels: list[Relation], env: ex.Env, live: dict[Operand, float] | None = None) -> list[Relation]:
    """The relations that also hold in this run, weakened to LE / GE when it saw the numbers equal and the
    others one strict order, or the other way round (a relation it cannot evaluate is dropped)."""
    out: list[Relation] = []
    for r in rels:
        s = sign_of(r, env, live)
        kept = None if s is None else merged_sign(int(r[2]), s)
        if kept is not None:
            out.append(r if kept == r[2] else (r[0], r[1], kept))
    return out


# ---------------------------------------------------------------- list lengths, categories, membership
def slot_span(slot: Slot) -> list[float]:
    """[min, max] of a numeric slot's values in the evidence ([] when none is known)."""
    if slot.span:
        return slot.span
    done = slot.__dict__.get("_no_number_upto", 0)  # values only grow: the first `done` hold no number
    raw = [float(v) if _NUMBER_RE.fullmatch(v) else number_word(v) for v in slot.values[done:]]
    nums = [float(n) for n in raw if n is not None]
    if not nums:
        slot.__dict__["_no_number_upto"] = len(slot.values)
    return [min(nums), max(nums)] if nums else []


def widen_span(span: list[float], tok: Token) -> list[float]:
    if tok.kind != "number":
        return span
    v = float(tok.typed())
    return [min(span[0], v), max(span[1], v)] if span else [v, v]


# ---------------------------------------------------------------- serialisation
def to_json(rels: list[Relation]) -> list[Any]:
    return [ex.to_json(r) for r in rels]


def from_json(data: list[Any]) -> list[Relation]:
    out: list[Relation] = []
    for r in data:
        a, b, s = ex.from_json(r)
        out.append((a, b, int(s)))
    return out
