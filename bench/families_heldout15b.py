"""Held-out probe families, round AB, second set (issue 9): the rules of `families_heldout15.py`, one wording each.

`families_heldout15.py` gives every family three wordings, so with `--goals 8` a wording rarely gathers the
runs replay needs and main called the model for most goals (replay rate 0.02-0.04). Here every family keeps
its first wording only (tool names stay `h15_`; family names are `h15b_`), so plans gather support after
two or three goals and the later goals, where the hidden rules are crossed (a road surface above +1 C, a
worn flange among fine ones, a tram already on the rota, a parcel needing a signature, a week's mean over
135, an older peak reading, a licence with under 30 days left, a cancelled session, an expert skier's
length, a warm milk tank), meet replays.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout15b.py --goals 8 --seed 7
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import families_heldout15 as h15
except ImportError:  # loaded by path from elsewhere
    _here = os.environ.get("LLMOS_BENCH_PROBES") or str(Path(__file__).resolve().parent)
    sys.path.insert(0, _here)
    import families_heldout15 as h15


def _one_wording(f: Any) -> Any:
    def sample(rng: random.Random, w: dict, i: int) -> dict:
        return {**f.sample(rng, w, i), "wording": 0}

    return dataclasses.replace(f, name=f.name.replace("h15_", "h15b_"), templates=f.templates[:1], sample=sample)


TOOLS = h15.TOOLS
FAMILIES = [_one_wording(f) for f in h15.FAMILIES]
