"""Rule 1 for a value consumed by a derivation: which result values an explanation computes with.

Rule 1 checks the values of a result that no argument consumes; a consumed value is left to the
explanations that read it. That holds for a value *copied* into an argument (an identifier, a name,
a number passed on as it is: whatever it is, the argument is that value). A value an explanation
*computes with* (arithmetic, a total, a mean, a line, the key a pick compares) is different: the
computation was only ever seen to hold over the values the supporting runs showed. So such a value
stays under rule 1's envelope, in two strengths:

- **strict** (range and template, as an unconsumed value) when the explanation carries a constant the
  runs fit (`hours * 45`, `kg + 6`; a line learned from the runs): a rate or a fee the evidence learned
  may hold only over the values it was learned on (hours over 40 paid double);
- **sign, scale and template** for a total, a mean or the keys a pick compares: a negative value
  where every run's was positive or zero (a withdrawn pledge in a sum), a value more than 10 times
  the largest seen (an outlier, another unit), or a text of a template never seen ("12 lb" after
  "12 kg", another currency) stops the replay;
- **sign and template** for arithmetic of values only (`stock + qty`, `amount * rate`): the current
  stock to which the goal's units are added is new in every run, and of any size; a negative one
  (a meter that rolled over) is not.

Copies (never checked here): `("val", ref, transform)` of any transform, a string template, the
identity `("arith", "id", ref, None, None)`, the values a pick returns, and a date moved by days (the
calendar is exact for any date; the date's shape is still checked where it is not consumed). A count
reads how many items there are, not their values. The private interior of `llmos.learning.envelope`.
"""

from __future__ import annotations

from collections.abc import Callable

from llmos.learning import _explain_agg
from llmos.learning import explain as ex
from llmos.learning._explain_search import SCALES
from llmos.learning._seen_pairs import PairScope
from llmos.learning.plans import Plan
from llmos.learning.risk import RiskOf

_COPIES = frozenset({"val", "tmpl", "const", "date"})
SCALE = 10.0  # a computed-with value more than this many times the largest seen is an outlier


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


def fit_formula(cand: ex.Cand) -> bool:
    """Whether `cand` is a step function the runs chose rather than a law they show: a rounded form over two
    or more result values and a constant (floor(area x thickness / 365): any constant of a band fits a few
    runs' counts; the runs pin it only over the values they showed). Its operands decide the argument only
    where their quantities lie inside what the runs saw (`_seen.varying_consumed`). Exact arithmetic of
    values (ceil(items / per box), amount x rate / 100 unrounded) and a form reading a goal number are not."""
    if cand[0] != "expr" or cand[3] is None:
        return False
    ops = cand[2]
    values = {o for o in ops if o[0] != "k"}  # result values (a JSON leaf, a text's number)
    return any(o[0] == "k" for o in ops) and len(values) >= 2 and not any(o[0] == "tok" for o in values)


STRICT, SCALED, SIGNED = 2, 1, 0  # how a computed-with value is held (the strongest explanation wins)


def strength(cand: ex.Cand) -> int:
    """How `cand`'s operands are held: STRICT (range and template) when it carries a constant the runs
    fit (a rate, a fee, a line); SCALED (sign, scale, template) for a total, a mean or a pick's keys;
    SIGNED (sign and template) for arithmetic of values only (`stock + qty`, `amount * rate`)."""
    if cand[0] in ("lin", "rlin"):
        return STRICT
    if cand[0] in ("agg", "pick"):
        return SCALED
    if cand[0] != "arith" or cand[3] is None or cand[3][0] != "k":
        return SIGNED
    learned = cand[1] in ("+", "-") or (cand[1] in ("*", "/") and float(cand[3][1]) not in SCALES)
    return STRICT if learned else SIGNED


def derived_paths(plan: Plan) -> dict[int, dict[ex.Path, int]]:
    """Step -> the result paths an argument of a later step computes with (by any explanation in use),
    each with how it is held (`strength`). Cached on the plan, as `_seen.consumed_paths` is."""
    cached: dict[int, dict[ex.Path, int]] | None = plan.__dict__.get("_derived")
    if cached is not None:
        return cached
    out: dict[int, dict[ex.Path, int]] = {}
    for step in plan.steps:
        for leaf in step.leaves:
            cands = ex.awake(leaf.cands)
            if any(c[0] != "const" and not derived_refs(c) for c in cands):
                continue  # a copy explains the leaf too: rule 2 holds every other explanation to it
            # the leaf's weakest explanation decides: a constant the runs fit next to an explanation
            # without one (old + 5 beside old + qty) is a coincidence of the runs, not the rule
            held = min((strength(c) for c in cands), default=SIGNED)
            for c in cands:
                for r in derived_refs(c):
                    if r[0] == "res":
                        paths = out.setdefault(int(r[1]), {})
                        paths[tuple(r[2])] = max(paths.get(tuple(r[2]), SIGNED), held)
    plan.__dict__["_derived"] = out
    return out


def product_exempt(plan: Plan, i: int, excluded: Callable[[ex.Path], bool]) -> Callable[[ex.Path], bool]:
    """For the goal number x result number quantities of `_seen_derived`: whether a value of step i's
    result is left out, being copied or echoed (`excluded`) and multiplied or divided with a goal
    number by no explanation in use. A value an argument multiplies (qty x unit price) is checked: the
    product is that argument; one an argument adds to (odometer + km) is not a product of anything."""
    cached: dict[int, set[ex.Path]] | None = plan.__dict__.get("_multiplied")
    if cached is None:
        cached = {}
        for step in plan.steps:
            for leaf in step.leaves:
                for c in ex.awake(leaf.cands):
                    ops = [c[2], c[3]] if c[0] == "arith" and c[1] in ("*", "/") else []
                    if any(isinstance(o, tuple) and o[:1] == ("tok",) for o in ops):
                        for o in ops:
                            if isinstance(o, tuple) and o[:1] == ("res",):
                                cached.setdefault(int(o[1]), set()).add(tuple(o[2]))
        plan.__dict__["_multiplied"] = cached
    mult = cached.get(i, set())
    return lambda p: excluded(p) and p not in mult


def pair_scope(
    plan: Plan, i: int, excluded: Callable[[ex.Path], bool], risk_of: RiskOf | None, decides: bool
) -> PairScope:
    """What `_seen_pairs` needs to check step i's goal number x result number quantities: the values
    left out (`product_exempt`; a difference or sum: every consumed or echoed value), and the goal's
    amounts: the token positions an argument of a step that is not read-only reads by an explanation
    in use (every goal number when the runs judged the goal on their results, `decides`)."""
    if decides:
        return PairScope(product_exempt(plan, i, excluded), excluded, None)
    amounts = {
        int(r[1])
        for step in plan.steps
        if risk_of is None or risk_of(step.name) != "read_only"
        for leaf in step.leaves
        for c in ex.awake(leaf.cands)
        for r in ex.nested_refs(c)
        if r[0] == "tok"
    }
    return PairScope(product_exempt(plan, i, excluded), excluded, frozenset(amounts))


def number_problem(rec: list[float], v: float, scaled: bool = True) -> str | None:
    """Sign (and scale): why `v` is not of the values `rec` ([lo, hi, ...]) saw, or None."""
    lo, hi = float(rec[0]), float(rec[1])
    if v < 0 <= lo:
        return f"= {v:g} is negative where every supporting run's was not (seen [{lo:g}, {hi:g}])"
    if v > 0 >= hi:
        return f"= {v:g} is positive where every supporting run's was not (seen [{lo:g}, {hi:g}])"
    top = max(abs(lo), abs(hi))
    if scaled and top > 0 and abs(v) > SCALE * top:
        return f"= {v:g} is more than {SCALE:g} times any value seen (seen [{lo:g}, {hi:g}])"
    return None


def loose_problem(
    seen: dict[str, object], obs: dict[str, tuple[str, object]], noise_runs: int, scaled: set[str]
) -> str | None:
    """Sign, scale and template of the values a computation reads (not their range): the first that
    is not of what the supporting runs saw, described; None when all are. `seen` and `obs` as in
    `_seen` (json(path)|kind -> record, and -> ("n", number) or ("t", (template, numbers))); `scaled`:
    the keys whose scale is held too."""
    for key, (kind, v) in obs.items():
        rec = seen.get(key)
        where = _show(key)
        if rec is None:
            return f"{where} holds a {'number' if kind == 'n' else 'text'} where no supporting run had one"
        if kind == "n" and isinstance(rec, list) and isinstance(v, (int, float)):
            why = number_problem(rec, float(v), key in scaled)
            if why:
                return f"{where} {why}"
            continue
        if not isinstance(rec, dict) or not isinstance(v, tuple):
            continue
        tmpl, nums = v
        if rec.get("d") and int(rec.get("n", 0)) >= noise_runs:
            continue  # a text new in every run: noise
        known = rec["t"].get(tmpl)
        if known is None:
            return f"{where} reads a text of a template never seen ({str(tmpl)[:60]!r})"
        for k, (r, x) in enumerate(zip(known, nums, strict=True)):
            why = number_problem(r, float(x), key in scaled)
            if why:
                return f"{where}: its number #{k + 1} {why}"
    return None


def _show(key: str) -> str:
    import json

    path = tuple(json.loads(key.rsplit("|", 1)[0]))
    return "the result" if not path else ex.format_path(path)
