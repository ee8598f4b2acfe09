"""CRYSTALLIZED dispatch overhead vs FOLLOWER replay of the same plan, tool time excluded.

    PYTHONPATH=. .venv/bin/python bench/crystallized_dispatch.py [--calls 500] [--json]

A plan is learned by observing a few synthetic traces (two trivial in-process tools: a lookup and
a save with a rounded product in between), then crystallized into a module under a temporary
workspace. Each iteration runs one goal both ways through the real tool-call seam (hook chain,
trace records); the time spent inside the tools' own bodies is measured and subtracted.
Target: CRYSTALLIZED p50 <= 1 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from llmos.config import Config
from llmos.evolution import Evolution
from llmos.execution.replay import replay
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import HookChain
from llmos.learning.engine import LearningEngine
from llmos.storage.db import Database
from llmos.storage.versions import VersionStore
from llmos.tools.base import tool
from llmos.tools.registry import ToolRegistry
from llmos.trace import ToolCallRecord, Trace

RATES = {"alpha": 1.25, "beta": 2.5, "gamma": 0.4, "delta": 3.75, "omega": 1.1}
TOOL_TIME = [0.0]


def _tools() -> list[Any]:
    @tool
    def lookup(key: str) -> dict[str, Any]:
        """The factor of a key."""
        start = time.perf_counter()
        out = {"key": key, "factor": RATES[key]}
        TOOL_TIME[0] += time.perf_counter() - start
        return out

    @tool
    def save(name: str, value: float) -> dict[str, Any]:
        """Save a value under a name."""
        start = time.perf_counter()
        out = {"saved": name, "value": value}
        TOOL_TIME[0] += time.perf_counter() - start
        return out

    return [lookup, save]


def _trace(amount: int, key: str, name: str) -> Trace:
    value = round(amount * RATES[key], 2)
    t = Trace(goal=f"Scale {amount} by {key} and save it as '{name}'")
    t.tool_calls = [
        ToolCallRecord("c1", "lookup", {"key": key}, json.dumps({"key": key, "factor": RATES[key]}), turn=1),
        ToolCallRecord(
            "c2", "save", {"name": name, "value": value}, json.dumps({"saved": name, "value": value}), turn=2
        ),
    ]
    t.finish("success", f"Saved {value} as '{name}'.")
    return t


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 4),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 4),
        "min_ms": round(ordered[0] * 1000, 4),
    }


async def run(calls: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        db = Database(ws / "llmos.db")
        config = Config()
        engine = LearningEngine(db, config.learning)
        for i, (amount, key) in enumerate([(10, "alpha"), (25, "beta"), (40, "gamma"), (7, "delta"), (3, "omega")]):
            engine.observe(_trace(amount, key, f"item_{i}"))
        (plan,) = engine.plans()
        registry = ToolRegistry(_tools())
        evo = Evolution(db, ws, registry, VersionStore(db, ws), config.evolution, plans=engine.index.plans.get)
        change = evo.crystallize(plan.id, who="bench", why="benchmark")
        goals = [
            f"Scale {n} by {k} and save it as 'run_{n}'" for n, k in zip(range(11, 31), list(RATES) * 4, strict=True)
        ]
        decisions = [engine.select(g) for g in goals]
        assert all(d.mode == "follower" for d in decisions), decisions[0].reason

        async def once(mode: str, decision: Any) -> float:
            ctx = RunContext(Trace(goal=decision.goal, mode=mode), ws, registry, HookChain(), config)
            TOOL_TIME[0] = 0.0
            start = time.perf_counter()
            if mode == "crystallized":
                out = await evo.run_crystallized(ctx, decision)
            else:
                out = await replay(ctx, decision)
            elapsed = time.perf_counter() - start - TOOL_TIME[0]
            if not out.success:
                raise RuntimeError(f"{mode} failed: {out.diverged}")
            return elapsed

        for d in decisions[:5]:  # warm-up
            await once("crystallized", d)
            await once("follower", d)
        samples: dict[str, list[float]] = {"crystallized": [], "follower": []}
        for i in range(calls):
            d = decisions[i % len(decisions)]
            for mode in ("crystallized", "follower") if i % 2 else ("follower", "crystallized"):
                samples[mode].append(await once(mode, d))
        db.close()
    result = {m: {"calls": calls, **_stats(s)} for m, s in samples.items()}
    result["ratio_p50"] = round(result["crystallized"]["p50_ms"] / result["follower"]["p50_ms"], 3)
    result["target_p50_ms"] = 1.0
    result["ok"] = result["crystallized"]["p50_ms"] <= 1.0
    result["tool"] = change.target
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.calls))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for mode in ("crystallized", "follower"):
        r = result[mode]
        line = f"p50 {r['p50_ms']:.3f} ms  p95 {r['p95_ms']:.3f} ms  min {r['min_ms']:.3f} ms"
        print(f"{mode:>12}: {line}  ({r['calls']} calls)")
    verdict = "OK" if result["ok"] else "ABOVE TARGET"
    print(f"crystallized/follower p50 ratio {result['ratio_p50']}; target p50 <= 1 ms: {verdict}")


if __name__ == "__main__":
    main()
