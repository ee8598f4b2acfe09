"""Garbage collection while many runs are observed in one batch (`LearningEngine.observe_many`).

Observing a run replaces a plan's records (explanations kept, rule 1's `seen` facts, ranges, the
answer template) with new containers that outlive the run. CPython's generational collector counts
every such survivor, and each time survivors reach a quarter of the old generation it scans every
tracked object of the process: all plans, the index, everything else alive. Storing 100,000 runs over
1,000 plans spent about a quarter of its CPU time in those full scans (`bench/learning_bench.py`),
finding nearly nothing: what a run leaves behind is freed by reference counting, except small cycles
(an exception caught with its traceback, a frame).

`YoungOnly` turns the automatic collector off for the batch and collects the young generations
itself every `every` runs, so those cycles are still freed while they are young; the full scans
resume when the batch ends. Nested and concurrent batches (several engines in one process) share
one count: the collector comes back on when the last batch ends, and only if it was on before.
"""

from __future__ import annotations

import gc
import threading
from types import TracebackType

# runs between two collections of the young generations. Each collection scans what is still alive of
# what the runs since the last one made, and most of that is a plan's latest records, alive until the
# plan's next run: over 1,000 plans a collection every 1,000 runs scanned about as much as one every
# 5,000, five times as often (storing 10,000 runs over 1,000 plans, all collections: 0.72 s of 7.5 s CPU
# against 0.25 s of 7.1 s; measured with gc.callbacks on a busy machine)
EVERY = 5000

_lock = threading.Lock()
_depth = 0
_restore = False  # whether the automatic collector was on when the outermost batch began


class YoungOnly:
    """`with YoungOnly() as batch:` ... `batch.tick()` after each run."""

    def __init__(self, every: int | None = None) -> None:
        self.every = max(1, EVERY if every is None else every)
        self.count = 0

    def __enter__(self) -> YoungOnly:
        global _depth, _restore
        with _lock:
            if _depth == 0:
                _restore = gc.isenabled()
                gc.disable()
            _depth += 1
        return self

    def tick(self) -> None:
        self.count += 1
        if self.count % self.every == 0 and _restore:
            gc.collect(1)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0 and _restore:
                gc.enable()
