"""docs/seed-api.md: every LLM OS equivalent of a seed snippet runs as a doctest."""

from __future__ import annotations

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "seed-api.md"


def test_seed_api_page_runs() -> None:
    result = doctest.testfile(
        str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.attempted >= 30, result
    assert result.failed == 0, result
