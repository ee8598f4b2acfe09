"""ORCHESTRATOR: parallel wall time and per-subtask overhead, with the scripted test model.

    PYTHONPATH=. .venv/bin/python bench/orchestration_bench.py [--nap 0.5] [--width 6] [--repeat 3] [--json]

1. A 3-subtask plan (two independent subtasks whose tool sleeps `--nap` seconds, one dependant)
   run concurrently and, for comparison, one at a time (the sentience knob `prefer_safe_modes`).
   Target: concurrent wall time close to the slowest path (2 naps would be the sum; 1 nap + overhead).
2. A plan of `--width` independent subtasks whose tools do not sleep: the orchestration's own
   overhead per subtask (planner + combine + one full run per subtask, SQLite traces included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from orchestration_support import GOAL, config, planner_model, three_part_plan, world_tools

from llmos.runtime import LLMOS
from llmos.sentience.policy import Policy


async def _timed(ws: Path, plan: dict[str, Any], *, safe: bool) -> float:
    async with LLMOS(ws, config=config(), model=planner_model(plan), tools=world_tools()) as os:
        policy = Policy(prefer_safe_modes=safe)
        os.sentience.policy = lambda: policy  # type: ignore[method-assign]
        started = time.perf_counter()
        result = await os.execute(GOAL, mode="orchestrator")
        elapsed = time.perf_counter() - started
        if not result.success:
            raise SystemExit(f"the orchestration failed: {result.error}")
    return elapsed


def _plan(nap: float) -> dict[str, Any]:
    plan = three_part_plan()
    for s in plan["subtasks"][:2]:
        s["goal"] = s["goal"].replace("0.4", str(nap))
    return plan


def _wide(width: int) -> dict[str, Any]:
    subtasks = [
        {"id": f"s{i}", "goal": f"{'gather prices' if i % 2 else 'collect headlines'} for 0 seconds"}
        for i in range(width)
    ]
    return {"subtasks": subtasks, "combine": "model"}


async def main(nap: float, width: int, repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {"nap_s": nap, "width": width, "repeat": repeat}
    with tempfile.TemporaryDirectory(prefix="llmos-orch-bench-") as tmp:
        root = Path(tmp)
        par = [await _timed(root / f"p{i}", _plan(nap), safe=False) for i in range(repeat)]
        seq = [await _timed(root / f"s{i}", _plan(nap), safe=True) for i in range(repeat)]
        wide = [await _timed(root / f"w{i}", _wide(width), safe=False) for i in range(repeat)]
    out["concurrent_wall_s"] = round(statistics.median(par), 3)
    out["one_at_a_time_wall_s"] = round(statistics.median(seq), 3)
    out["concurrent_overhead_s"] = round(statistics.median(par) - nap, 3)
    out["wide_wall_s"] = round(statistics.median(wide), 3)
    out["overhead_per_subtask_ms"] = round(1000 * statistics.median(wide) / width, 1)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nap", type=float, default=0.5)
    ap.add_argument("--width", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    figures = asyncio.run(main(args.nap, args.width, args.repeat))
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"3-subtask plan, two independent naps of {args.nap}s, one dependant (median of {args.repeat}):")
        overhead = figures["concurrent_overhead_s"]
        print(f"  concurrent      {figures['concurrent_wall_s']:.3f} s  (overhead {overhead:.3f} s)")
        print(f"  one at a time   {figures['one_at_a_time_wall_s']:.3f} s  (prefer_safe_modes)")
        print(
            f"{args.width} independent subtasks, no sleeping: {figures['wide_wall_s']:.3f} s in all, "
            f"{figures['overhead_per_subtask_ms']:.1f} ms per subtask"
        )
