"""Held-out probe families, round AF, one wording each: `families_heldout19.py`'s families and tools, every goal
in the family's first wording, except h19_callout, whose third wording (out of hours) is another task and keeps
its own wording. With one wording, plans gather support by goal 3 or 4, so the traps after goal 4 (two reads
compared, unit conversions, exact thresholds, late third statuses, stale repeats) meet replays, not the model.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout19b.py --goals 16 --seed 7

Family names end in `_one` (their own workload streams); the tools are heldout19's (`h19_`): run it alone.
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
from pathlib import Path
from typing import Any

_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.insert(0, _here)
try:
    import families as fam  # noqa: F401
except ImportError:  # loaded outside the bench processes
    _bench = os.environ.get("LLMOS_BENCH_DIR") or str(Path(__file__).resolve().parents[2] / "shared" / "bench")
    if _bench not in sys.path:
        sys.path.insert(0, _bench)

import families_heldout19 as h19  # noqa: E402

# wording -> the wording used instead (default: the first one)
ONE_WORDING: dict[str, dict[int, int]] = {"h19_callout": {0: 0, 1: 0, 2: 2}}


def _one(f: Any) -> Any:
    mapping = ONE_WORDING.get(f.name, {})

    def sample(rng: random.Random, w: dict, i: int) -> dict:
        p = f.sample(rng, w, i)
        p["wording"] = mapping.get(p.get("wording", 0), 0)
        return p

    return dataclasses.replace(f, name=f.name + "_one", sample=sample)


TOOLS = h19.TOOLS
FAMILIES = [_one(f) for f in h19.FAMILIES]
