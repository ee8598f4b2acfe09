"""Held-out probe families, round AE, one wording each: `families_heldout18.py`'s families and tools, every goal
in the family's first wording (h18_interp keeps one wording without the optional hours and one with them), so
plans gather support before the traps; and the traps come later: never in a family's first eight goals, then
two goals in five (heldout18's `_trap` is replaced while this module is loaded: run it alone).

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout18c.py --goals 16 --seed 7

Family names end in `_one` (their own workload streams); the tools are heldout18's (`h18_`): run it alone.
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

import families_heldout18 as h18  # noqa: E402

# wording -> the wording used instead (the first one, or the first one with the same optional parameter)
ONE_WORDING: dict[str, dict[int, int]] = {
    "h18_interp": {0: 0, 1: 1, 2: 1},
}


def _one(f: Any) -> Any:
    mapping = ONE_WORDING.get(f.name, {})

    def sample(rng: random.Random, w: dict, i: int) -> dict:
        p = f.sample(rng, w, i)
        p["wording"] = mapping.get(p.get("wording", 0), 0)
        return p

    return dataclasses.replace(f, name=f.name + "_one", sample=sample)


def _late_trap(i: int, rng: random.Random) -> bool:
    return i >= 8 and rng.random() < 0.4


h18._trap = _late_trap
TOOLS = h18.TOOLS
FAMILIES = [_one(f) for f in h18.FAMILIES]
