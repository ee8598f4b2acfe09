"""Model prices in USD per million tokens, and what a call costs.

The built-in table covers current Claude models. A dated name (`claude-sonnet-4-5-20250929`)
takes the price of the longest known name it starts with. `[pricing."name"]` in llmos.toml adds
or replaces entries (and wins over the table). Cache writes cost 1.25 x input and cache reads
0.1 x input unless a price says otherwise.

The shipped test model is priced like claude-sonnet-4-5, so that demos and budget tests show
realistic figures. A model nobody priced is *unpriced*: its cost is None, never a silent 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmos.models.base import Usage

if TYPE_CHECKING:
    from llmos.config import PriceConfig

CACHE_WRITE_FACTOR = 1.25
CACHE_READ_FACTOR = 0.1
TEST_MODEL_PRICED_AS = "claude-sonnet-4-5"


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float
    cache_write: float
    cache_read: float

    @classmethod
    def of(
        cls, input: float, output: float, cache_write: float | None = None, cache_read: float | None = None
    ) -> Price:
        return cls(
            input,
            output,
            round(input * CACHE_WRITE_FACTOR, 10) if cache_write is None else cache_write,
            round(input * CACHE_READ_FACTOR, 10) if cache_read is None else cache_read,
        )

    def cost(self, usage: Usage) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_write_tokens * self.cache_write
            + usage.cache_read_tokens * self.cache_read
        ) / 1_000_000


BUILTIN_PRICES: dict[str, Price] = {
    "claude-opus-4-5": Price.of(5, 25),
    "claude-opus-4-1": Price.of(15, 75),
    "claude-opus-4": Price.of(15, 75),
    "claude-sonnet-4-5": Price.of(3, 15),
    "claude-sonnet-4": Price.of(3, 15),
    "claude-3-7-sonnet": Price.of(3, 15),
    "claude-haiku-4-5": Price.of(1, 5),
    "claude-3-5-haiku": Price.of(0.8, 4),
    "claude-3-haiku": Price.of(0.25, 1.25),
}


class Pricing:
    """Prices by model name: config overrides first, then the built-in table, by longest prefix."""

    def __init__(self, overrides: Mapping[str, PriceConfig] | None = None) -> None:
        self.table: dict[str, Price] = dict(BUILTIN_PRICES)
        self.overrides: dict[str, Price] = {
            name: Price.of(p.input, p.output, p.cache_write, p.cache_read) for name, p in (overrides or {}).items()
        }

    def price(self, provider: str, model: str) -> Price | None:
        """The price of `model`, or None when it is unpriced."""
        for table in (self.overrides, self.table):
            found = _lookup(table, provider, model)
            if found is not None:
                return found
        if provider == "test":
            return self.price("anthropic", TEST_MODEL_PRICED_AS)
        return None

    def cost(self, provider: str, model: str, usage: Usage) -> float | None:
        """What a call with this usage cost in USD, or None for an unpriced model."""
        price = self.price(provider, model)
        return None if price is None else price.cost(usage)

    def worst_case(self, provider: str, model: str, max_input_tokens: int, max_output_tokens: int) -> float | None:
        """The most one call could cost: every input token at the dearest input rate, every output token."""
        price = self.price(provider, model)
        if price is None:
            return None
        dearest_input = max(price.input, price.cache_write, price.cache_read)
        return (max(0, max_input_tokens) * dearest_input + max(0, max_output_tokens) * price.output) / 1_000_000

    def is_priced(self, provider: str, model: str) -> bool:
        return self.price(provider, model) is not None


def _lookup(table: Mapping[str, Price], provider: str, model: str) -> Price | None:
    """Exact name (also `provider:name` and `provider/name`), then the longest known prefix."""
    for key in (f"{provider}:{model}", f"{provider}/{model}", model):
        if key in table:
            return table[key]
    best = ""
    for name in table:
        if len(name) > len(best) and _is_prefix(name, model):
            best = name
    return table[best] if best else None


def _is_prefix(name: str, model: str) -> bool:
    """`name` is `model` without a suffix that starts at a separator (`-20250929`, `@2025`, `:latest`)."""
    return model.startswith(name) and (len(model) == len(name) or model[len(name)] in "-@:._")


def estimate_tokens(text: str) -> int:
    """A rough token count (4 characters a token), for budgets before a call is made."""
    return math.ceil(len(text) / 4)
