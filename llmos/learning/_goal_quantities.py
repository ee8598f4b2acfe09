"""Rule 1 for a goal number a write takes: an amount inside the range every supporting run showed.

A goal number that an argument of a step that is not read-only takes, verbatim or computed ("run it
at 264 ml/h", "transfer 500 EUR", "order 40 crates": a *quantity*), is checked before any call against
the range of that goal number over the supporting runs. Past it, the goal goes to the model: a limit no
run reached may hold there, one that no tool result shows and no goal states (a ward's maximum rate in
an agent's instructions, an approval threshold). Inside it, the replay goes on: a repeated goal with
new parameters is still replayed, within what the evidence saw.

Not every goal number a write takes is a quantity. A number that names a thing is checked for its
shape, elsewhere, not for its range:

- the write takes it as text (a string schema type: room "412", a label "Q3") or under an
  identifier's key (`_value_kinds.id_key`: "order_id", "zip"), unless the tool that takes it states a
  number of the digits its values had (`_record_names.limit_stated`: `refund(ticket=...)` whose ticket
  is the sum refunded, "refunds above 500 EUR need a supervisor", `families_heldout25b.py` h25b_refund);
- a read-only step takes it too, verbatim, and no explanation in use computes with it, and it is
  not followed by a unit ("order 5026", "room 412": the read looks the thing up by it). "40 units"
  keeps its unit word: a quantity whatever reads it;
- past the range, the goal names it by the argument's key ("order 903" into `order`), no unit
  follows it, and it is the next value of a number that grew in every supporting run (an order
  number counted up: `next_identifier`), the word before it a record's noun: a limit named so
  that grew run after run ("limit 530" after 500, 510, 520) stays an amount.
- past the range, the goal names a record by it ("invoice 3019" into `invoice`: a record's noun
  before it that the argument's key repeats, no unit after it, copied, digits like the runs':
  `_record_names`). "ceiling 5200", "Order 90 of feed" into `qty` stay amounts.

Pure functions (a calculator's `multiply`) do not change the world: a tool that says so (MCP
`readOnlyHint`, `@tool(kind="pure")`) is read-only for rule 4 and this rule alike. A tool that says
nothing counts as a write (rule 4: no hint is no promise), so an amount it takes is checked.

Without a risk lookup (a crystallized tool run with no live plan) every step counts as a write. The
private interior of `llmos.learning.envelope` (`goal_problem` calls `quantity_problem`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from llmos.learning import _value_kinds as _kinds
from llmos.learning import explain as ex
from llmos.learning._derived import derived_refs
from llmos.learning._envelope_facts import slot_span
from llmos.learning._record_names import RECORD_NOUNS, digits_seen, limit_stated, names_record
from llmos.learning.goals import STOPWORDS, Token
from llmos.learning.plans import Plan, Slot
from llmos.learning.risk import describe

PRECAUTION = "outside the evidence"  # the start of every reason rule 1's envelope checks give
_PARTS = ("lead_num", "hour")  # part transforms that read a number out of a word ("12kg", "18:00")
_COPY = ("id", "num", "str")  # transforms that take a goal number as it is


@dataclass(frozen=True)
class Quantity:
    """A goal position a write takes as an amount: which write, which argument, through which
    transform (a part transform reads the number out of a word; else the token is a number)."""

    pos: int
    tool: str
    path: ex.Path
    part: str = ""
    computed: bool = False  # an explanation in use computes with it (anywhere): never a record's name
    paths: tuple[ex.Path, ...] = ()  # every argument of a write that takes it as a number (a record's name: each)


def quantities(plan: Plan, tokens: list[Token], risk_of: Callable[[str], str] | None) -> list[Quantity]:
    """The goal positions of `plan` that a step that is not read-only takes as an amount (see the
    module's docstring), each with the first write that takes it. Positions outside `tokens` are left
    out (the plan would not match)."""
    reads: set[int] = set()  # positions a read-only step takes verbatim
    computed: set[int] = set()  # positions an explanation in use computes with (anywhere)
    taken: dict[int, Quantity] = {}
    paths: dict[int, list[ex.Path]] = {}
    for step in plan.steps:
        write = risk_of is None or risk_of(step.name) != "read_only"
        for leaf in step.leaves:
            cands = ex.awake(leaf.cands)
            copied = {int(c[1][1]) for c in cands if c[0] == "val" and c[1][0] == "tok" and c[2] in _COPY}
            for c in cands:
                toks = [r for r in ex.nested_refs(c) if r[0] == "tok"]
                if not toks:
                    continue
                # a rounding of a number the leaf also copies (every run's was whole) computes nothing
                rounds_copy = c[0] == "arith" and c[1] == "id"
                computed |= {
                    int(r[1]) for r in derived_refs(c) if r[0] == "tok" and not (rounds_copy and r[1] in copied)
                }
                if not write:
                    reads |= {int(r[1]) for r in toks}
                    continue
                if leaf.type == "str":
                    continue  # the write takes it as text: a name, not an amount
                named = _kinds.id_key(leaf.path)  # an identifier's key: a name, unless its tool states a limit
                for r in toks:
                    pos = int(r[1])
                    if named and not (
                        pos in plan.slots and limit_stated(describe(risk_of, step.name), plan.slots[pos])
                    ):
                        continue
                    if pos < len(tokens) and pos in plan.slots:
                        paths.setdefault(pos, []).append(tuple(leaf.path))
                        taken.setdefault(pos, Quantity(pos, step.name, tuple(leaf.path), _part_of(c, pos)))
    keys = {pos for pos in reads - computed if not is_measure(tokens, pos)}  # looked up by a read: names
    return [
        replace(q, computed=pos in computed, paths=tuple(paths[pos]))
        for pos, q in sorted(taken.items())
        if pos not in keys or q.part
    ]


def _part_of(cand: ex.Cand, pos: int) -> str:
    """The part transform through which `cand` reads position `pos` ("" when it reads the token whole)."""
    parts = [cand] if cand[0] == "val" else [p for p in cand[1] if p[0] == "val"] if cand[0] == "tmpl" else []
    for p in parts:
        if p[1] == ("tok", pos) and p[2] in _PARTS:
            return str(p[2])
    return ""


def is_measure(tokens: list[Token], pos: int) -> bool:
    """Whether the goal number at `pos` is a quantity of something: directly followed by a word that is
    not a stopword (a unit: "23 kg", "12 units", "in 7 days"). An identifier is not ("order 5026 from")."""
    nxt = tokens[pos + 1] if pos + 1 < len(tokens) else None
    return nxt is not None and nxt.kind == "word" and nxt.text.lower() not in STOPWORDS


def next_identifier(slot: Slot, v: float) -> bool:
    """Whether the slot looks like a growing identifier (an order or ticket number) and `v` is its next
    value: integers, at least three of them, each larger than the one before, close together for their
    size, and `v` a little above the largest. Such numbers name things; they are not measures that a
    threshold could turn into another constant."""
    nums = [float(t) for t in slot.values if t.isdigit()]
    if len(nums) < 3 or len(nums) != len(slot.values) or not v.is_integer():
        return False
    if any(b <= a for a, b in itertools.pairwise(nums)):
        return False
    lo, hi = min(nums), max(nums)
    return hi > 0 and hi - lo < 0.5 * hi and hi < v <= hi + (hi - lo)


def _named(tokens: list[Token], pos: int, path: ex.Path) -> bool:
    """Whether the goal names the number by the argument that takes it: the word before it is a record's
    noun (`RECORD_NOUNS`) and a word of the argument's key ("order 903" into `order`, "ticket 5512" into
    `ticket_no`). "limit 530" into `limit` is no name, however the limits grew."""
    prev = tokens[pos - 1] if pos > 0 else None
    key = path[-1] if path else None
    if prev is None or prev.kind != "word" or not isinstance(key, str) or prev.text.lower() not in RECORD_NOUNS:
        return False
    return prev.text.lower() in re.split(r"[^a-z0-9]+", key.lower())


def _growing_name(tokens: list[Token], q: Quantity, slot: Slot, v: float) -> bool:
    """An order number: the goal names it by the argument's key, no unit follows it, and it is the next
    value of a number that grew in every supporting run (`next_identifier`)."""
    return not is_measure(tokens, q.pos) and _named(tokens, q.pos, q.path) and next_identifier(slot, v)


def record_name(tokens: list[Token], q: Quantity, slot: Slot, risk_of: Callable[[str], str] | None = None) -> bool:
    """A record's number ("invoice 3019" into `invoice`): named by a record's noun and the argument's
    key, no unit after it, copied and never computed with, digits like the runs', and no number of
    those digits in the words of the tool that takes it (`_record_names`)."""
    return (
        not q.computed
        and not is_measure(tokens, q.pos)
        and all(names_record(tokens, q.pos, path) for path in q.paths or (q.path,))
        and digits_seen(slot, tokens[q.pos].text)
        and not limit_stated(describe(risk_of, q.tool), slot)
    )


def record_named(plan: Plan, tokens: list[Token], pos: int, risk_of: Callable[[str], str] | None = None) -> bool:
    """Whether the goal number at `pos` names a record (`record_name`) for the first argument that
    takes it, whatever the step's risk: a constant argument is never picked by a threshold on it."""
    got = [q for q in quantities(plan, tokens, None) if q.pos == pos]
    return bool(got) and record_name(tokens, got[0], plan.slots[pos], risk_of)


def _value(tok: Token, part: str) -> float | None:
    try:
        v = ex.transform(part, tok.text) if part else tok.typed() if tok.kind == "number" else None
    except ex.Unavailable:
        return None
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _span(slot: Slot, part: str) -> list[float]:
    """[lo, hi] of the numbers the supporting runs took at the slot ([] when none): the slot's span, or,
    through a part transform, the numbers read out of the values seen."""
    if not part:
        return slot_span(slot)
    nums = [v for v in (_value(Token("word", s), part) for s in slot.values) if v is not None]
    return [min(nums), max(nums)] if nums else []


def quantity_problem(plan: Plan, tokens: list[Token], risk_of: Callable[[str], str] | None) -> str | None:
    """Before any call: a goal amount a write takes outside the range every supporting run showed."""
    for q in quantities(plan, tokens, risk_of):
        tok = tokens[q.pos]
        v = _value(tok, q.part)
        if v is None and tok.kind != "number" and not q.part:
            continue  # a word a write takes whole (a name): the goal check's business
        slot = plan.slots[q.pos]
        span = _span(slot, q.part)
        if v is not None and span and span[0] - 1e-9 <= v <= span[1] + 1e-9:
            continue
        if (
            v is not None
            and not q.part
            and (_growing_name(tokens, q, slot, v) or record_name(tokens, q, slot, risk_of))
        ):
            continue
        seen = f"{span[0]:g}..{span[1]:g}" if span else "no number"
        where = f"{q.tool} {ex.format_path(q.path)}".rstrip()
        return (
            f"{PRECAUTION}: goal number {tok.text} outside the range seen {seen} taken by a write "
            f"({where}, {plan.slots[q.pos].name}): a limit no supporting run reached may hold past it"
        )
    return None
