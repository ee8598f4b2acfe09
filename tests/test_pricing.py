"""Pricing: the built-in Claude table, dated names, config overrides, the test model, unpriced models."""

from __future__ import annotations

import pytest

from llmos.config import PriceConfig, load_config
from llmos.models.base import Usage
from llmos.models.pricing import Price, Pricing


def test_table_and_cache_factors() -> None:
    p = Pricing()
    assert p.price("anthropic", "claude-sonnet-4-5") == Price(3, 15, 3.75, 0.3)
    assert p.price("anthropic", "claude-opus-4-5") == Price(5, 25, 6.25, 0.5)
    assert p.price("anthropic", "claude-opus-4-1") == Price(15, 75, 18.75, 1.5)
    assert p.price("anthropic", "claude-haiku-4-5") == Price(1, 5, 1.25, 0.1)
    assert p.price("anthropic", "claude-3-5-haiku").input == 0.8  # type: ignore[union-attr]
    assert p.price("anthropic", "claude-3-haiku").output == 1.25  # type: ignore[union-attr]


def test_dated_names_take_the_longest_prefix() -> None:
    p = Pricing()
    assert p.price("anthropic", "claude-sonnet-4-5-20250929") == p.price("anthropic", "claude-sonnet-4-5")
    assert p.price("anthropic", "claude-opus-4-5-20251101").input == 5  # type: ignore[union-attr]
    assert p.price("anthropic", "claude-opus-4-20250514").input == 15  # type: ignore[union-attr]
    assert p.price("anthropic", "claude-3-7-sonnet-latest").input == 3  # type: ignore[union-attr]
    assert p.price("anthropic", "claude-sonnet-45") is None  # not a separator: no match


def test_cost_and_worst_case() -> None:
    p = Pricing()
    usage = Usage(input_tokens=1_000_000, output_tokens=100_000, cache_write_tokens=200_000, cache_read_tokens=500_000)
    assert p.cost("anthropic", "claude-sonnet-4-5", usage) == pytest.approx(3 + 1.5 + 0.75 + 0.15)
    # worst case: every input token at the dearest input rate (a cache write), every output token
    assert p.worst_case("anthropic", "claude-sonnet-4-5", 1000, 100) == pytest.approx((1000 * 3.75 + 100 * 15) / 1e6)


def test_test_model_is_priced_like_sonnet() -> None:
    p = Pricing()
    assert p.price("test", "test") == p.price("anthropic", "claude-sonnet-4-5")
    assert p.cost("test", "test", Usage(1000, 1000)) == pytest.approx(0.018)


def test_unpriced_is_none_not_zero() -> None:
    p = Pricing()
    assert p.price("ollama", "llama3.2") is None
    assert p.cost("ollama", "llama3.2", Usage(10, 10)) is None
    assert p.worst_case("openai", "gpt-4o-mini", 10, 10) is None


def test_config_overrides_win(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "llmos.toml").write_text(
        '[pricing."llama3.2"]\ninput = 0.0\noutput = 0.0\n'
        '[pricing."claude-sonnet-4-5"]\ninput = 2.0\noutput = 10.0\ncache_read = 0.05\n'
    )
    config = load_config(tmp_path)
    p = Pricing(config.pricing)
    assert p.cost("ollama", "llama3.2", Usage(1000, 1000)) == 0.0
    assert p.price("anthropic", "claude-sonnet-4-5-20250929") == Price(2.0, 10.0, 2.5, 0.05)
    assert Pricing({"my-model": PriceConfig(input=1, output=2)}).price("openai", "my-model") == Price(1, 2, 1.25, 0.1)
