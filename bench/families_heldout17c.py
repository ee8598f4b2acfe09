"""Held-out probe families, round AD, one wording each: `families_heldout17.py`'s families and tools, every goal
in the family's first wording (families whose goal may leave out a parameter keep one wording with it and one
without: h17_target, h17_drone, h17_garnish, h17_passes), so plans gather support before the traps.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout17c.py --goals 16 --seed 7

Family names end in `_one` (their own workload streams); the tools are heldout17's (`h17_`): run it alone.
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

import families_heldout17 as h17  # noqa: E402

# wording -> the wording used instead (the first one, or the first one with the same optional parameter)
ONE_WORDING: dict[str, dict[int, int]] = {
    "h17_target": {0: 0, 1: 0, 2: 2},
    "h17_drone": {0: 0, 1: 0, 2: 2, 3: 2},
    "h17_garnish": {0: 0, 1: 0, 2: 2, 3: 2},
    "h17_passes": {0: 0, 1: 0, 2: 2},
}


def _one(f: Any) -> Any:
    mapping = ONE_WORDING.get(f.name, {})

    def sample(rng: random.Random, w: dict, i: int) -> dict:
        p = f.sample(rng, w, i)
        p["wording"] = mapping.get(p.get("wording", 0), 0)
        return p

    return dataclasses.replace(f, name=f.name + "_one", sample=sample)


TOOLS = h17.TOOLS
FAMILIES = [_one(f) for f in h17.FAMILIES]
