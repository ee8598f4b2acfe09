"""Storing traces only (the first phase of `learning_bench.py`), small enough to run under callgrind.

    PYTHONPATH=. .venv/bin/python bench/learning_store.py --traces 3000 --skeletons 1000
    PYTHONPATH=. valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
        .venv/bin/python bench/learning_store.py --traces 3000 --skeletons 1000

Wall and CPU time depend on what else the machine runs; the instruction count callgrind reports
(`I refs`) does not. `--traces 0` counts what starting Python and importing the project costs, to be
taken off. The traces are the ones `learning_bench.py` stores (same seed, batches of 5,000).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from learning_bench import CPU, store_traces

from llmos.config import LearningConfig
from llmos.learning.engine import LearningEngine
from llmos.storage.db import Database


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--traces", type=int, default=3_000)
    ap.add_argument("--skeletons", type=int, default=1_000)
    ap.add_argument("--batch", type=int, default=5_000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        engine = LearningEngine(Database(Path(d) / "llmos.db"), LearningConfig())
        wall = store_traces(engine, a.traces, a.skeletons, a.batch)
        plans = len(engine.index.plans)
    print(
        f"stored {a.traces} traces over {a.skeletons} skeletons -> {plans} plans: "
        f"wall {wall:.2f}s, CPU {CPU['store_s']:.2f}s"
    )


if __name__ == "__main__":
    main()
