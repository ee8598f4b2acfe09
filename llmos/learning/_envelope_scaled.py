"""Relations of a number with the product of two reads' numbers at a unit scale.

`_envelope_facts.products` pairs two numbers of two reads (a pump's litres per minute x a zone's slot
minutes) and keeps each result number's order with that product. A limit is often that product at a
scale: a truck's fuel on board (litres) against its route's km x its litres per 100 km, which is the
product / 100. The plain product is then larger than the fuel in every run, whatever the fuel, and its
order tells nothing: each number (km, litres per 100 km, fuel) and their plain orders stayed inside
what the supporting runs saw while the fuel fell short of km x l/100km / 100, and main dispatched the
truck four times (`families_heldout16b.py` h16b_haul). So every such product also enters the relations
at each scale of `SCALES` (("prod", product, ("const", k))), against every result number that is not
one of its factors, after every other relation (the relations cap drops them first). An order that
held one way in every supporting run and not now stops the replay like any other relation; a scale
whose order the runs saw both ways is dropped like any other.
"""

from __future__ import annotations

from typing import Any

Operand = tuple[Any, ...]
SCALES = (0.1, 0.01, 0.001, 10.0, 100.0, 1000.0, 1 / 60, 60.0)
MAX_SCALED = 4  # products of two reads per run that are scaled


def two_reads(d: Operand) -> bool:
    """A product of two numbers of two different reads."""
    return bool(d[0] == "prod" and d[1][0] == "res" and d[2][0] == "res" and d[1][1] != d[2][1])


def scaled(prods: list[tuple[Operand, float]]) -> list[tuple[Operand, float]]:
    """Each product of two reads' numbers (at most MAX_SCALED) at each scale."""
    out: list[tuple[Operand, float]] = []
    for d, y in [p for p in prods if two_reads(p[0])][:MAX_SCALED]:
        out.extend((("prod", d, ("const", k)), y * k) for k in SCALES)
    return out


def factor_of(a: Operand, d: Operand) -> bool:
    """Whether a is a factor of the (scaled) product d: a number against its own multiple."""
    return a in d or (d[0] == "prod" and d[2][:1] == ("const",) and a in d[1])
