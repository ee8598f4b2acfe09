"""The induction's shortcuts: caches and fast paths that give exactly what the plain computation gives.

Observing a run re-reads the same result values many times (explanations, rule 1's `seen` facts, the
envelope, the answer template); the shortcuts compute each once per run (`Env.memo`), keep the JSON
form of result paths, judge the roundings of an integer once, test goal words and argument values
against a result's values as sets and compute rule 1's masks once per run. They are on by default;
`off()` turns them off (for the whole process: it is meant for tests), so that a test can induce
plans both ways from one corpus and compare them (tests/test_learning_shortcuts.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

ON = True  # read as `_shortcuts.ON` on hot paths: one attribute look-up, no call


@contextmanager
def off() -> Iterator[None]:
    """The plain computation everywhere until the block ends (process-wide: for tests)."""
    global ON
    before, ON = ON, False
    try:
        yield
    finally:
        ON = before
