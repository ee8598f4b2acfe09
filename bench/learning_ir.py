"""Instructions spent storing runs, for comparing two heads on a loaded machine (CPU time varies 10-30% there).

    for n in 0 1200; do PYTHONPATH=<tree> valgrind --tool=cachegrind --cache-sim=no \
        --cachegrind-out-file=/dev/null .venv/bin/python bench/learning_ir.py $n 2>&1 | grep "I *refs"; done

Stores 600 runs of `learning_bench.py`'s shape over 300 skeletons (every plan made and merged once), then `n`
more in one batch (merges: the steady state of the 100k run). The difference of the two counts (n=1200 minus
n=0) is the instructions of the 1,200 merges; valgrind counts them the same however busy the machine is.

The n=0 count includes the imports. Without bytecode caches (a fresh worktree or `git archive`, and
PYTHONDONTWRITEBYTECODE=1 in the environment, which keeps Python from writing them) every module is compiled
from source in each run: about 1.14 G instructions more (perf12: 7,963.5 M against 6,820.8 M on `6866da3`).
Compile them once before comparing fixed parts:
`env -u PYTHONDONTWRITEBYTECODE .venv/bin/python -m compileall -q llmos bench`.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from learning_bench import make_trace

from llmos.config import LearningConfig
from llmos.learning import _bulk_pool
from llmos.learning.engine import LearningEngine
from llmos.storage.db import Database

SKELETONS, WARM = 300, 600


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1200
    if sys.argv[2:] == ["workers"]:  # every batch's extraction made ahead by one worker (`_bulk_pool`; valgrind
        _bulk_pool.MIN_BATCH = 2  # does not follow the fork server: the count is the engine's process only)
        _bulk_pool.workers = lambda: 1
    with tempfile.TemporaryDirectory() as d:
        engine = LearningEngine(Database(Path(d) / "llmos.db"), LearningConfig())
        rng = random.Random(1)
        engine.observe_many([make_trace(i % SKELETONS, rng) for i in range(WARM)])
        if n:
            engine.observe_many([make_trace(i % SKELETONS, rng) for i in range(WARM, WARM + n)])


if __name__ == "__main__":
    main()
