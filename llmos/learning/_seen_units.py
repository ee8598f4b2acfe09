"""Rule 1's products held by their units: which product of a result's numbers no decision can turn on.

`_seen_derived` holds the products of two or three numbers of one record, and of two numbers of one read
with one of another (`_seen_products`), to the range the supporting runs saw: a slab's length x width x
depth, a loan's value x months x rate per month. Many such products mean nothing, and a product that
means nothing decides nothing: a pilot's hours this week x the duty limit in hours x a flight's block
hours (hours cubed) flips no decision, yet it left its range while each operand stayed inside its own and
cost the replay (`families_heldout3.py` h3_crew). A wrong replay needs a decision that turns on the
product; a decision turns only on a quantity someone compares with a limit, and such a quantity has a
unit. The units a key names say which products have none:

    the same unit twice     hours x hours, kg x kg, EUR x EUR, litres x litres, m2 x m2: no quantity
                            is a square of a time, a mass, a sum of money or a volume (a length is
                            the exception: length x length is an area, x a third a volume)
    a mass x a size         kg x cm, kg x litres, kg x m2: no quantity (a weight per metre of cable
                            would be named "kg_per_m": a rate)

Units decide the algebra: numbers of one unit add and subtract, numbers of different units multiply and
divide. Where two numbers of one unit (not a length) make a product that is nothing, their SUM is held
in its place (`record_sums`, `read_sums`: "~rsum", "~xsum"): hours worked + the hours a flight adds, the
quantity a limit in hours is about. The product of hours caught such a sum past its limit by chance
(43.5 + 8 h past 50 h, `families_heldout3.py` h3_crew); the sum catches it by its units.

A product is left unchecked (its operands are still checked, each inside its range) only when EVERY
operand's key names a plain unit (`unit_of`: the first unit word of the key, "block_hours" -> hours,
"length_cm" -> cm) and two of them form such a pair. Anything else is held as before: an operand without
a unit word ("rooms", "value", a plain text's number: a count or a price may multiply anything), a rate
("litres_per_m2", "rate_permille_month", "daily_hours", "power_kw": it exists to be multiplied), a
temperature or a share (a mass x a temperature rise is heat; two shares compound), a time x anything
else or a sum of money x anything else (a rent in EUR is per month and a feed in kg per day, unnamed:
their product with a duration or a count is a total). Ratios are all held: a ratio of one unit is a
share (rooms booked of rooms), of two units a rate. Safe by construction: a product is dropped only
where its units say no quantity exists, never for what the runs happened to show.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

from llmos.learning import explain as ex

# unit words -> (dimension, the unit): only units of plain quantities; the first one in a key is its unit
_UNITS: dict[str, tuple[str, str]] = {}
for _dim, _names in (
    (
        "length",
        {
            "mm": "mm",
            "cm": "cm",
            "km": "km",
            "metres": "m",
            "ft": "ft",
            "feet": "ft",
            "inches": "in",
            "miles": "mi",
        },
    ),
    ("area", {"m2": "m2", "sqm": "m2", "cm2": "cm2", "km2": "km2", "ha": "ha", "sqft": "sqft"}),
    (
        "volume",
        {
            "litres": "l",
            "liters": "l",
            "litre": "l",
            "liter": "l",
            "ml": "ml",
            "m3": "m3",
            "cl": "cl",
            "gallons": "gal",
        },
    ),
    ("mass", {"kg": "kg", "tonnes": "t", "tons": "t", "lb": "lb", "lbs": "lb", "grams": "g"}),
    (
        "time",
        {
            "sec": "s",
            "secs": "s",
            "seconds": "s",
            "mins": "min",
            "minutes": "min",
            "hr": "h",
            "hrs": "h",
            "hours": "h",
            "days": "d",
            "weeks": "wk",
            "months": "mo",
            "years": "yr",
        },
    ),
    (
        "money",
        {
            "eur": "eur",
            "keur": "keur",
            "usd": "usd",
            "gbp": "gbp",
            "chf": "chf",
            "euros": "eur",
            "dollars": "usd",
            "cents": "ct",
        },
    ),
):
    for _word, _unit in _names.items():
        _UNITS[_word] = (_dim, _unit)

# words that make a key a rate or a share: it exists to be multiplied, or to compound
_RATE_WORDS = frozenset(
    [
        "per",
        "rate",
        "multiplier",
        "multiple",
        "rates",
        "permille",
        "percent",
        "pct",
        "ratio",
        "share",
        "factor",
        "coefficient",
        "daily",
        "hourly",
        "weekly",
        "monthly",
        "yearly",
        "annual",
        "annually",
        "each",
        "every",
        "avg",
        "average",
        "mean",
        "kw",
        "kwh",
        "w",
        "watts",
        "kmh",
        "kph",
        "mph",
        "rpm",
        "hz",
        "bpm",
        "lpm",
        "density",
        "speed",
        "price",
        "tariff",
        "fee",
        "cost",
        "wage",
        "salary",
        "rent",
    ]
)
# a quantity with no sense squared (a length's square is an area)
# a word that names a unit after another unit word (a rate's denominator): every unit word, the one-letter
# ones and the singular times
_UNIT_WORDS = frozenset([*_UNITS, "m", "l", "g", "t", "s", "h", "d", "day", "week", "month", "year", "hour", "min"])
_NO_SQUARE = frozenset({"area", "volume", "mass", "time", "money"})
_SIZES = frozenset({"length", "area", "volume"})
_WORD = re.compile(r"[a-z]+\d?|\d+")


@functools.lru_cache(maxsize=1 << 12)
def _key_unit(key: str) -> tuple[str, str] | None:
    """(dimension, unit) of a key that names a plain unit ("block_hours" -> ("time", "h")), else None: no
    rate word, no unit word followed by another ("inflow_m3_h", "alarm_mm_s", "deck_load_t_m2": a rate),
    and no one-letter word taken for a unit ("_l" is litres or a length, "_h" hours or a height)."""
    words = _WORD.findall(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key).lower())
    if any(w in _RATE_WORDS or w.startswith("per") for w in words):
        return None
    if any(a in _UNIT_WORDS and b in _UNIT_WORDS for a, b in itertools.pairwise(words)):
        return None
    for w in words:
        if w in _UNITS:
            return _UNITS[w]
    return None


def unit_of(path: ex.Path) -> tuple[str, str] | None:
    """The plain unit an operand's key names (its path's last key; an earlier read's ("@step", j, *path)
    alike), else None: a plain text's number, a list item's, a key without a unit word, a rate."""
    key = path[-1] if path else None
    return _key_unit(key) if isinstance(key, str) and not key.startswith("#") else None


def meaningless(paths: list[Any]) -> bool:
    """Whether a product of the numbers at `paths` (its operands) has no unit (see the module docstring):
    every operand names a plain unit and two of them are the same unit (not a length), or a mass and a
    size while no operand is a time or a sum of money (an unnamed rate's total: rent x months)."""
    units = [unit_of(p) if isinstance(p, tuple) else None for p in paths]
    known = [u for u in units if u is not None]
    if len(known) < 2 or len(known) < len(units):
        return False
    if any(a[0] in _NO_SQUARE and a in known[k + 1 :] for k, a in enumerate(known)):
        return True  # the same unit twice, not a length
    dims = {u[0] for u in known}
    return not dims & {"time", "money"} and "mass" in dims and bool(dims & _SIZES)  # a mass and a size


Sums = dict[tuple[Any, ...], tuple[float, list[ex.Path]]]


def _same_unit(a: ex.Path, b: ex.Path) -> bool:
    """Two numbers of the same plain unit whose product is nothing (not lengths: their product, an area,
    is held; their sum is not held, as before)."""
    ua = unit_of(a)
    return ua is not None and ua[0] in _NO_SQUARE and ua == unit_of(b)


def record_sums(records: dict[ex.Path, list[tuple[ex.Path, float]]]) -> Sums:
    """(a, b) -> (a + b, [a, b]) for every two numbers of one record whose keys name the same plain unit,
    not a length (`records`: `_seen_products.records`): a quantity and what is added to it, in its unit,
    is what a limit in that unit is compared with, where their product (hours x hours) is nothing: the
    sum is held in the product's place."""
    out: Sums = {}
    for nums in records.values():
        for i, (pa, x) in enumerate(nums):
            for pb, y in nums[i + 1 :]:
                if _same_unit(pa, pb):
                    out[(pa, pb)] = (x + y, [pa, pb])
    return out


def read_sums(across: Any, most: int) -> Sums:
    """(("@step", j, *a), b) -> (a + b, [the operands' paths]) for a number a of an earlier read j and a
    number b of this one whose keys name the same plain unit (`across`: `_seen_products.Across`, the pairs
    of `read_differences`), at most `most`: a pilot's hours this week (one read) + a flight's block hours
    (another) against the duty limit in hours (`families_heldout3.py` h3_crew)."""
    out: Sums = {}
    reads, mine = across
    for j, nums in reads:
        for pa, ca, x in nums:
            for pb, cb, y in mine:
                if len(out) >= most:
                    return out
                if _same_unit(ca, cb):
                    out[(("@step", j, *pa), pb)] = (x + y, [("@step", j, *ca), cb])
    return out
