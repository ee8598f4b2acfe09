"""The cost of durability per run: the same runs with `[durable]` off and on (DBOS on SQLite, and on
PostgreSQL when a URL is given), interleaved so that machine load hits both alike.

    PYTHONPATH=. .venv/bin/python bench/durable_overhead.py [--runs 40] [--pg-url postgresql://...] [--json]

Each run is the shipped test model writing one file in LEARNER mode: two model calls and one tool
call, i.e. a workflow with three steps. Prints wall p50/p95 and CPU (this process, DBOS's threads
included) per run for each mode, the overhead of each durable mode over the plain one, and the
start-up cost of launching DBOS (import, migrations, recovery scan) once per process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from llmos import LLMOS


def _stats(wall: list[float], cpu: list[float]) -> dict[str, float]:
    ordered = sorted(wall)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 2),
        "cpu_ms": round(statistics.mean(cpu) * 1000, 2),
    }


async def _open(ws: Path, durable: dict[str, Any]) -> tuple[LLMOS, float]:
    started = time.perf_counter()
    rt = LLMOS(workspace=ws, model="test", overrides={"durable": durable, "budget": {"total_usd": None}})
    await rt.start()
    return rt, time.perf_counter() - started


async def _one(rt: LLMOS, i: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = await rt.execute(f"Create a file f{i}.txt with the text 'hi {i}'", mode="learner")
    if not result.success:
        raise SystemExit(f"run {i} failed: {result.error}")
    return time.perf_counter() - wall, time.process_time() - cpu


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pg-url", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.getLogger("dbos").setLevel(logging.ERROR)
    out: dict[str, Any] = {"runs": args.runs, "steps_per_run": 3}
    with tempfile.TemporaryDirectory() as tmp:
        plain, plain_start = await _open(Path(tmp) / "plain", {"enabled": False})
        db = {"database_url": args.pg_url} if args.pg_url else {}
        durable, durable_start = await _open(Path(tmp) / "durable", {"enabled": True, **db})
        out["start_s"] = {"plain": round(plain_start, 3), "durable": round(durable_start, 3)}
        samples: dict[str, tuple[list[float], list[float]]] = {"plain": ([], []), "durable": ([], [])}
        for i in range(2):  # warm-up: first-call costs (imports, prepared statements) are not per-run costs
            await _one(plain, -1 - i)
            await _one(durable, -1 - i)
        for i in range(args.runs):
            for name, rt in (
                (("plain", plain), ("durable", durable)) if i % 2 == 0 else (("durable", durable), ("plain", plain))
            ):
                wall, cpu = await _one(rt, i)
                samples[name][0].append(wall)
                samples[name][1].append(cpu)
        await durable.close()
        await plain.close()
    label = "durable_postgres" if args.pg_url else "durable_sqlite"
    out["plain"] = _stats(*samples["plain"])
    out[label] = _stats(*samples["durable"])
    out["overhead_per_run"] = {
        "p50_ms": round(out[label]["p50_ms"] - out["plain"]["p50_ms"], 2),
        "cpu_ms": round(out[label]["cpu_ms"] - out["plain"]["cpu_ms"], 2),
    }
    if args.json:
        print(json.dumps(out))
        return
    print(f"{args.runs} runs each, 3 steps per run (2 model calls, 1 tool call), interleaved")
    print(f"start-up: plain {out['start_s']['plain']:.3f} s, durable {out['start_s']['durable']:.3f} s")
    for name in ("plain", label):
        s = out[name]
        print(f"{name:18s} p50 {s['p50_ms']:8.2f} ms  p95 {s['p95_ms']:8.2f} ms  cpu {s['cpu_ms']:8.2f} ms/run")
    o = out["overhead_per_run"]
    print(f"overhead per run: p50 +{o['p50_ms']:.2f} ms, cpu +{o['cpu_ms']:.2f} ms")


if __name__ == "__main__":
    asyncio.run(main())
