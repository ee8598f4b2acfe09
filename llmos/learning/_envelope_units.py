"""Relations of a goal number with a result number in another unit of measure.

A goal's limit and a reading may be in two units: "start the chiller if it is warmer than 56 F" against a
case at 12.8 (Celsius, 55.0 F). The plain order of 56 and 12.8 held in every supporting run and every
value lay inside what they saw, while the order that decides (56 against 12.8 C in F) flipped, and a
chiller was started below its limit (`families_heldout16b.py` h16b_chiller). So where a word of the goal names a
unit of one of the pairs below ("F", "fahrenheit", "lb", "miles", "gallons"; not "in"), each goal number's order
with each result number converted into that unit (unless the result key's last part names that unit already:
"temp_f", "weight_lb") also enters the relations (("prod", b, ("const", k)), plus ("const", c)
as ("diff", ..., ("const", -c))): an order that held one way in every supporting run and not now stops the
replay like any other relation; one the runs saw both ways is dropped like any other. At most
`MAX_CONVERTED` relations a run (goal numbers first, then result numbers, as `numbers` lists them).
"""

from __future__ import annotations

from typing import Any

from llmos.learning.goals import Token

Operand = tuple[Any, ...]
MAX_CONVERTED = 24

# (units of one side, units of the other, factor, offset): other = one x factor + offset
_PAIRS: tuple[tuple[frozenset[str], frozenset[str], float, float], ...] = (
    (frozenset({"c", "°c", "degc", "celsius"}), frozenset({"f", "°f", "degf", "fahrenheit"}), 1.8, 32.0),
    (
        frozenset({"kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"}),
        frozenset({"lb", "lbs", "pound", "pounds"}),
        2.20462262,
        0.0,
    ),
    (
        frozenset({"mi", "mile", "miles"}),
        frozenset({"km", "kilometre", "kilometres", "kilometer", "kilometers"}),
        1.609344,
        0.0,
    ),
    (
        frozenset({"in", "inch", "inches"}),
        frozenset({"cm", "centimetre", "centimetres", "centimeter", "centimeters"}),
        2.54,
        0.0,
    ),
    (frozenset({"gal", "gallon", "gallons"}), frozenset({"l", "litre", "litres", "liter", "liters"}), 3.78541178, 0.0),
)
_GOAL_ONLY_NOT = frozenset({"in"})  # a goal's "in" is a preposition, not inches


def _converted(b: Operand, factor: float, offset: float) -> Operand:
    scaled: Operand = ("prod", b, ("const", factor))
    return scaled if offset == 0 else ("diff", scaled, ("const", -offset))


def _named(tokens: list[Token]) -> list[tuple[frozenset[str], float, float]]:
    """(the units a result number must not be in already, factor, offset) of each conversion into a unit the
    goal's words name (56 F: a result number in C converted to F)."""
    words = {t.text.strip().lower() for t in tokens if t.kind == "word"} - _GOAL_ONLY_NOT
    out: list[tuple[frozenset[str], float, float]] = []
    for one, other, factor, offset in _PAIRS:
        if other & words:
            out.append((other, factor, offset))
        if one & words:
            out.append((one, 1 / factor, -offset / factor))
    return out


def _key_unit(path: Any) -> str | None:
    last = path[-1] if path else None
    return last.lower().rsplit("_", 1)[-1] if isinstance(last, str) and "_" in last else None


def converted(tokens: list[Token], ops: list[tuple[Operand, float]]) -> list[tuple[Operand, Operand, int]]:
    """(goal number, a result number converted, the sign of their difference) for the named unit pairs."""
    goal = [(a, x) for a, x in ops if a[0] == "tok"]
    nums = [(b, y) for b, y in ops if b[0] == "res"]
    if not goal or not nums:
        return []
    ways = _named(tokens)
    if not ways:
        return []
    out: list[tuple[Operand, Operand, int]] = []
    for a, x in goal:
        for b, y in nums:
            for units, factor, offset in ways:
                if _key_unit(b[2]) in units:  # already in the goal's unit
                    continue
                if len(out) >= MAX_CONVERTED:
                    return out
                d = x - (y * factor + offset)
                out.append((a, _converted(b, factor, offset), 0 if abs(d) <= 1e-9 else 1 if d > 0 else -1))
    return out
