"""Start-up overhead of one sandboxed call (a trivial function), for bwrap and the weak fallback.

    PYTHONPATH=. .venv/bin/python bench/sandbox_overhead.py [--calls 50] [--json]

Target: p50 under 50 ms per call on the development machine. Also prints a bare
`python -I -S -c pass` start for reference (the floor any process-per-call sandbox pays).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import subprocess
import sys
import time
from typing import Any

from llmos.exceptions import SandboxError
from llmos.execution.sandbox import Sandbox
from llmos.execution.sandbox.bwrap import Interpreter
from llmos.kernel.config import SandboxConfig

CODE = "def f(x):\n    return x + 1\n"


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


async def _bench(config: SandboxConfig, calls: int) -> dict[str, Any]:
    sandbox = Sandbox(config)
    try:
        await sandbox.run(CODE, function="f", args={"x": 0})  # warm-up (and the bwrap probe)
    except SandboxError as e:
        return {"error": str(e)}
    samples = []
    for i in range(calls):
        start = time.perf_counter()
        result = await sandbox.run(CODE, function="f", args={"x": i})
        samples.append(time.perf_counter() - start)
        if not result.ok or result.value != i + 1:
            return {"error": f"call {i} failed: {result.error}"}
    return {"calls": calls, **_stats(samples)}


def _bare_python(calls: int) -> dict[str, Any]:
    exe = Interpreter.current().executable
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        subprocess.run([exe, "-I", "-S", "-c", "pass"], check=True)
        samples.append(time.perf_counter() - start)
    return {"calls": calls, **_stats(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    ns = parser.parse_args()
    logging.getLogger("llmos").addHandler(logging.NullHandler())  # the weak-fallback warning, once per call
    report: dict[str, Any] = {
        "bwrap": asyncio.run(_bench(SandboxConfig.model_validate({"backend": "bwrap"}), ns.calls)),
        "subprocess": asyncio.run(
            _bench(SandboxConfig.model_validate({"backend": "subprocess", "allow_weak_fallback": True}), ns.calls)
        ),
        "bare_python": _bare_python(ns.calls),
        "target_ms": 50,
    }
    if ns.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for name in ("bwrap", "subprocess", "bare_python"):
        row = report[name]
        if "error" in row:
            sys.stdout.write(f"{name:12} unavailable: {row['error']}\n")
        else:
            verdict = "" if name == "bare_python" else ("  OK" if row["p50_ms"] < 50 else "  SLOW (target 50 ms)")
            sys.stdout.write(
                f"{name:12} p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  "
                f"(min {row['min_ms']:.2f}, max {row['max_ms']:.2f}, {row['calls']} calls){verdict}\n"
            )


if __name__ == "__main__":
    main()
