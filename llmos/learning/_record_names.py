"""Rule 1: a goal number that names a record ("invoice 3019", "order 7007"), not an amount.

`_goal_quantities` range-checks a goal number a write takes: past every value the supporting runs
showed, a limit no result shows may hold ("run the pump at 264 ml/h"). A number that *names* a record
has no such limit: a new invoice has a new number, and no run can have seen it. Where no read-only step
looks it up (the bench's MCP tools declare no annotations: every tool is a write), it is told from an
amount by what the goal and the call say together, each checkable on the live goal and the plan:

- the goal names it by a record's noun, directly before it ("invoice 3019", "room 412", "order 7007";
  `RECORD_NOUNS`: things that are counted, never a measure: no "limit", "price", "rate", "level",
  "line", "unit", "port", "batch", "size");
- the argument that takes it is named by that noun alone, or the noun with a number's suffix
  (`invoice`, `order_no`, `booking_ref`): not `order_qty`, `order_total`, `ticket_price`;
- nothing follows it as a unit ("order 40 units", "account 7 days late": amounts);
- it is copied, never computed with (no explanation in use does arithmetic with it);
- the supporting runs' values were whole numbers written in digits, at least two different ones,
  and the live number has as many digits as a number between the smallest and the largest (an
  identifier of a new length, a number ten times the size, goes to the model).

"Order 40 of SKU-7" is no record name: "order" is a verb there and the argument (`qty`) is not named
by it. A threshold on a record's number (orders above 9000 belong to a marketplace) that no result
shows would pass: not covered.

- the tool that takes it states no number of as many digits as the runs' values in its own words
  (its description and input schema: `limit_stated`). A noun of the list may name a quantity: a
  `submit_claim(claim=...)` whose `claim` is the sum claimed, "claims above 2000 EUR go to a loss
  adjuster", and main submitted "claim 2527" as a record's name (`families_heldout25.py` h25_claim,
  six wrong at seed 7). A number the tool states as long as the values it took may be a limit on them:
  the argument stays an amount, range-checked. Without the tool's words (no registry), as before.
"""

from __future__ import annotations

import re

from llmos.learning import explain as ex
from llmos.learning._envelope_facts import slot_span
from llmos.learning.goals import Token
from llmos.learning.plans import Slot

# nouns of things that are counted one by one and named by a number; never a measure of anything
RECORD_NOUNS = frozenset(
    {
        "account", "aisle", "badge", "bed", "berth", "booking", "cabin", "card", "case", "claim", "client",
        "container", "coupon", "customer", "desk", "dock", "employee", "flight", "gate", "incident",
        "invoice", "issue", "job", "locker", "member", "order", "package", "parcel", "patient", "policy",
        "receipt", "request", "reservation", "room", "route", "sample", "seat", "shelf", "shipment",
        "site", "store", "ticket", "truck", "user", "vehicle", "voucher", "ward",
    }
)  # fmt: skip
# a key's part that says "the number of" the noun: `order_no`, `invoice_number`, `booking_ref`
_NUMBER_SUFFIXES = frozenset({"no", "nr", "num", "number", "ref", "reference", "code", "id"})


def _key_words(path: ex.Path) -> list[str]:
    key = path[-1] if path else None
    if not isinstance(key, str):
        return []
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key)  # bookingRef -> booking Ref
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def names_record(tokens: list[Token], pos: int, path: ex.Path) -> bool:
    """Whether the goal names the number at `pos` by a record's noun directly before it, and the
    argument that takes it is named by that noun (with at most a number's suffix)."""
    prev = tokens[pos - 1] if pos > 0 else None
    if prev is None or prev.kind != "word" or prev.text.lower() not in RECORD_NOUNS:
        return False
    words = _key_words(path)
    noun = prev.text.lower()
    return noun in words and all(w == noun or w in _NUMBER_SUFFIXES for w in words)


_NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*)(?:\.\d+)?(?!\w)")


def limit_stated(text: str | None, slot: Slot) -> bool:
    """Whether a tool's own words (`text`) state a number with as many digits as a number between the
    slot's two ends ("above 2000 EUR" where the runs took 1050..1980): a limit may hold on the values."""
    span = slot_span(slot)
    if not text or len(span) != 2:
        return False
    lo, hi = (len(str(int(abs(x)))) for x in span)
    for m in _NUMBER.finditer(text):
        d = m.group(1).replace(",", "")
        if d.isdigit() and lo <= len(str(int(d))) <= hi:
            return True
    return False


def digits_seen(slot: Slot, text: str) -> bool:
    """Whether the supporting runs took whole numbers in digits at `slot` (every value kept, and both
    ends of the span), at least two different ones, and `text` is one too, with as many digits as a
    number between the two ends has (4 digits after 3000..3040; not 30190)."""
    span = slot_span(slot)
    if not text.isdigit() or len(span) != 2 or not span[0] < span[1] or not all(t.isdigit() for t in slot.values):
        return False
    if not (float(span[0]).is_integer() and float(span[1]).is_integer() and span[0] >= 0):
        return False
    return len(str(int(span[0]))) <= len(str(int(text))) <= len(str(int(span[1])))
