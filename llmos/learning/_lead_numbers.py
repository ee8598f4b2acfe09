"""The number a value of several words starts with ("4 Quarry Lane" -> 4), held to the range of the numbers
the slot's values started with (rule 1: a number past the evidence, even inside a name, is new). Used by
`goals.phrase_fits`; a module of its own so that `goals` stays a reader of words."""

from __future__ import annotations


def lead(text: str) -> float | None:
    """The number a value of several words starts with, else None."""
    first = text.split(" ", 1)[0]
    return float(first) if " " in text and first.isdigit() else None


def lead_inside(text: str, values: list[str]) -> bool:
    """Whether a value that starts with a number ("19 Mercer Street") has it inside the range of the numbers
    the slot's values started with (4..88 after "4 Quarry Lane" and "88 Ropewalk"); True for any other."""
    first = lead(text)
    if first is None:
        return True
    seen = [n for v in values if (n := lead(v)) is not None]
    return bool(seen) and min(seen) <= first <= max(seen)
