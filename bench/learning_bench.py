"""Learning-layer micro benchmark: plan matching at scale, and replay overhead per step.

    PYTHONPATH=. .venv/bin/python bench/learning_bench.py [--traces 100000 --skeletons 1000]

1. Stores N traces over K goal skeletons through the real observe path (`observe_many`, one
   transaction per batch: the same induction as one-by-one observe) in a fresh SQLite workspace.
2. Mode-selection latency: `select()` on fresh goals of known skeletons, near-misses and unknown
   goals; prints p50 / p99 (targets: p50 <= 5 ms, p99 <= 20 ms).
3. Replay overhead per step, excluding tool time: FOLLOWER replays of a 3-step plan through
   `execute_tool_calls` with a trivial registry tool and an empty hook chain (target <= 1 ms).
4. `observe` as one plan's support grows (`--growth`), in a database of its own: one window at each
   support (wall, CPU, and the collector's runs within it), then the grown plan against a new plan in
   alternating slices (`paired`: the machine's load cancels out of that ratio).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from llmos.config import Config, LearningConfig
from llmos.execution.replay import replay
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import HookChain
from llmos.learning.engine import LearningEngine
from llmos.storage.db import Database
from llmos.tools.base import Tool, ToolContext, ToolOutput
from llmos.tools.registry import ToolRegistry
from llmos.trace import ToolCallRecord, Trace

VERBS = ["Add", "Ship", "Move", "Book", "Count", "Order", "Send", "Load", "Pack", "Tag"]
NOUNS = ["units", "boxes", "crates", "pallets", "cases", "bags", "rolls", "kits", "sets", "packs"]
FILLERS = ["now", "please", "today", "quickly", "first", "again"]


def skeleton(k: int) -> str:
    extra = " ".join(FILLERS[: k % 4])
    verb, noun = VERBS[k % 10], NOUNS[(k // 10) % 10]
    return f"{verb} {{qty}} {noun} of {{sku}} to depot{k // 100} {{wh}} {extra}".strip()


def make_trace(k: int, rng: random.Random) -> Trace:
    qty, sku, wh = (
        rng.randint(2, 90),
        f"SKU-{rng.randint(10, 99)}",
        f"{rng.choice('ABCDE')}{rng.randint(1, 9)}",
    )
    old = rng.randint(0, 500)
    t = Trace(goal=skeleton(k).format(qty=qty, sku=sku, wh=wh))
    t.tool_calls = [
        ToolCallRecord(
            "a",
            f"get_{k}",
            {"sku": sku, "warehouse": wh},
            json.dumps({"sku": sku, "warehouse": wh, "quantity": old}),
            turn=1,
        ),
        ToolCallRecord(
            "b",
            f"set_{k}",
            {"sku": sku, "warehouse": wh, "quantity": old + qty},
            json.dumps({"ok": True, "quantity": old + qty}),
            turn=2,
        ),
    ]
    t.finish("success", f"Done: {old} -> {old + qty}")
    return t


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


# this process's CPU time: load-independent on a shared machine
CPU: dict[str, Any] = {"store_s": 0.0, "observe_ms": {}, "gc": {}}


class GCTime:
    """CPU time of the collector's runs per generation while active (`gc.callbacks`): a full collection
    scans every tracked object of the process, so its cost is that of the whole heap, not of one observe."""

    def __init__(self) -> None:
        self.active, self.start = False, 0.0
        self.ms, self.runs = [0.0, 0.0, 0.0], [0, 0, 0]
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict[str, int]) -> None:
        if not self.active:
            return
        if phase == "start":
            self.start = time.process_time()
        else:
            self.ms[info["generation"]] += (time.process_time() - self.start) * 1000
            self.runs[info["generation"]] += 1

    def __enter__(self) -> GCTime:
        self.ms, self.runs, self.active = [0.0, 0.0, 0.0], [0, 0, 0], True
        return self

    def __exit__(self, *exc: object) -> None:
        self.active = False

    def close(self) -> None:
        gc.callbacks.remove(self._cb)


def store_traces(engine: LearningEngine, n: int, k: int, batch: int) -> float:
    rng = random.Random(1)
    elapsed, cpu = 0.0, 0.0
    done = 0
    while done < n:
        traces = [make_trace((done + i) % k, rng) for i in range(min(batch, n - done))]
        t0, c0 = time.perf_counter(), time.process_time()
        engine.observe_many(traces)  # building the traces is not storing them
        elapsed += time.perf_counter() - t0
        cpu += time.process_time() - c0
        done += len(traces)
    CPU["store_s"] = cpu
    return elapsed


def selection_latency(engine: LearningEngine, k: int, samples: int) -> dict[str, Any]:
    rng = random.Random(2)
    times: list[float] = []
    cpu: list[float] = []
    modes: dict[str, int] = {}
    for i in range(samples):
        kind = i % 3
        goal = skeleton(rng.randrange(k)).format(
            qty=rng.randint(2, 90),
            sku=f"SKU-{rng.randint(10, 99)}",
            wh=f"{rng.choice('ABCDE')}{rng.randint(1, 9)}",
        )
        if kind == 1:  # near-miss: one skeleton word changed
            goal = goal.replace(" of ", " off ", 1)
        elif kind == 2:  # unknown goal
            goal = f"Summarise the {rng.choice(NOUNS)} report for {rng.choice(VERBS)} {i}"
        t0, c0 = time.perf_counter(), time.thread_time()
        d = engine.select(goal)
        cpu.append((time.thread_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
        modes[str(d.mode)] = modes.get(str(d.mode), 0) + 1
    return {
        "p50_ms": round(pct(times, 50), 3),
        "p99_ms": round(pct(times, 99), 3),
        "cpu_p50_ms": round(pct(cpu, 50), 3),
        "cpu_p99_ms": round(pct(cpu, 99), 3),
        "modes": modes,
    }


def trivial_registry() -> ToolRegistry:
    reg = ToolRegistry()

    async def lookup(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        return ToolOutput(json.dumps({"value": len(str(args.get("key", ""))), "key": args.get("key")}))

    async def store(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        return ToolOutput(json.dumps({"ok": True}))

    async def double(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        return ToolOutput(json.dumps({"doubled": args["x"] * 2}))

    reg.register(Tool("lookup", "look up", {"type": "object", "properties": {"key": {}}}, lookup))
    reg.register(Tool("double", "double", {"type": "object", "properties": {"x": {}}}, double))
    reg.register(Tool("store", "store", {"type": "object", "properties": {"name": {}, "value": {}}}, store))
    return reg


def replay_trace(i: int) -> Trace:
    key = f"k{i}"
    t = Trace(goal=f"Store the value of {key} as 'v{i}'")
    t.tool_calls = [
        ToolCallRecord("a", "lookup", {"key": key}, json.dumps({"value": len(key), "key": key}), turn=1),
        ToolCallRecord("b", "double", {"x": len(key)}, json.dumps({"doubled": len(key) * 2}), turn=2),
        ToolCallRecord("c", "store", {"name": f"v{i}", "value": len(key) * 2 + 1}, '{"ok": true}', turn=3),
    ]
    t.finish("success", "stored")
    return t


async def replay_overhead(tmp: Path, runs: int) -> dict[str, Any]:
    engine = LearningEngine(Database(tmp / "replay.db"), LearningConfig())
    # the supporting runs cover the keys replayed (k0..k299: 2 to 4 characters): rule 1 range-checks
    # a value a learned constant computes with (`doubled + 1`), so a shorter key would stop the replay
    engine.observe_many([replay_trace(i) for i in (1, 50, 299)])
    reg, cfg = trivial_registry(), Config()
    decision = engine.select("Store the value of k77 as 'v77'")
    assert decision.mode == "follower", decision.reason
    total, tool_time, steps = 0.0, 0.0, 0
    for i in range(runs):
        goal = f"Store the value of k{i} as 'v{i}'"
        d = engine.select(goal)
        trace = Trace(goal=goal, mode="follower")
        ctx = RunContext(trace, tmp, reg, HookChain(), cfg)
        t0 = time.perf_counter()
        out = await replay(ctx, d)
        total += time.perf_counter() - t0
        assert out.success, out.diverged
        tool_time += sum(r.duration_s for r in out.records)
        steps += len(out.records)
    return {"overhead_ms_per_step": round((total - tool_time) / steps * 1000, 4), "steps": steps}


def observe_growth(tmp: Path, sizes: tuple[int, ...], window: int) -> dict[str, float]:
    """ms per `observe` (one transaction each, as after a run) of a trace joining one plan whose
    support is already each of `sizes`: flat means the plan row is not rewritten with all its runs."""
    engine = LearningEngine(Database(tmp / "growth.db"), LearningConfig())
    rng = random.Random(3)
    out: dict[str, float] = {}
    gc_time = GCTime()
    done = 0
    for size in sizes:
        while done < size:  # grow the plan in bulk (one transaction per batch)
            n = min(1000, size - done)
            engine.observe_many([make_trace(7, rng) for _ in range(n)])
            done += n
        traces = [make_trace(7, rng) for _ in range(window)]
        t0, c0 = time.perf_counter(), time.process_time()
        with gc_time:
            for t in traces:
                engine.observe(t)
        out[str(size)] = round((time.perf_counter() - t0) / window * 1000, 3)
        CPU["observe_ms"][str(size)] = round((time.process_time() - c0) / window * 1000, 3)
        CPU["gc"][str(size)] = {"runs": list(gc_time.runs), "ms": [round(m, 1) for m in gc_time.ms]}
        done += window
    gc_time.close()
    if len(sizes) >= 2:
        CPU["paired"] = paired(engine, rng, sizes[0], window)
    return out


def paired(engine: LearningEngine, rng: random.Random, small: int, window: int, rounds: int = 5) -> dict[str, Any]:
    """The grown plan against a new plan of another skeleton grown to `small` runs, observed in alternating
    slices of window/rounds runs in the same process and database: both sides see the same moment of the
    machine, so its load, which moves by tens of percent within seconds on a shared machine, cancels out of
    their ratio (the timings above are one window each, taken seconds apart). Medians over the slices."""
    engine.observe_many([make_trace(8, rng) for _ in range(small)])
    per = max(1, window // rounds)
    sides: dict[int, tuple[list[float], list[float]]] = {7: ([], []), 8: ([], [])}
    supports = {k: max(p.support for p in engine.plans() if p.steps[0].name == f"get_{k}") for k in sides}
    for _ in range(rounds):
        for k in (7, 8):
            traces = [make_trace(k, rng) for _ in range(per)]
            t0, c0 = time.perf_counter(), time.process_time()
            for t in traces:
                engine.observe(t)
            sides[k][0].append((time.perf_counter() - t0) / per * 1000)
            sides[k][1].append((time.process_time() - c0) / per * 1000)
    grown, fresh = ([round(pct(v, 50), 3) for v in sides[k]] for k in (7, 8))
    return {
        "supports": [supports[7], supports[8]],
        "wall_ms": [grown[0], fresh[0]],
        "cpu_ms": [grown[1], fresh[1]],
        "wall_ratio": round(grown[0] / fresh[0], 2) if fresh[0] else 1.0,
        "cpu_ratio": round(grown[1] / fresh[1], 2) if fresh[1] else 1.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--traces", type=int, default=100_000)
    ap.add_argument("--skeletons", type=int, default=1_000)
    ap.add_argument("--batch", type=int, default=5_000)
    ap.add_argument("--samples", type=int, default=3_000)
    ap.add_argument("--replays", type=int, default=300)
    ap.add_argument("--growth", default="100,5000", help="plan supports at which observe is timed")
    ap.add_argument("--window", type=int, default=200, help="observes timed at each support")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        engine = LearningEngine(Database(tmp / "llmos.db"), LearningConfig())
        stored = store_traces(engine, a.traces, a.skeletons, a.batch)
        plans = engine.plans()
        reopened_at = time.perf_counter()
        engine = LearningEngine(Database(tmp / "llmos.db"), LearningConfig())
        load_s = time.perf_counter() - reopened_at
        sel = selection_latency(engine, a.skeletons, a.samples)
        rep = asyncio.run(replay_overhead(tmp, a.replays))
        sizes = tuple(int(x) for x in a.growth.split(",") if x)
        growth = observe_growth(tmp, sizes, a.window) if sizes else {}
    print(
        f"stored {a.traces} traces over {a.skeletons} skeletons in {stored:.1f}s -> {len(plans)} plans "
        f"(support {min(p.support for p in plans)}..{max(p.support for p in plans)}); reload {load_s:.2f}s"
    )
    print(
        f"mode selection: p50 {sel['p50_ms']} ms, p99 {sel['p99_ms']} ms (targets 5 / 20; CPU p50 "
        f"{sel['cpu_p50_ms']} ms, p99 {sel['cpu_p99_ms']} ms), modes {sel['modes']}"
    )
    print(f"replay overhead: {rep['overhead_ms_per_step']} ms per step over {rep['steps']} steps (target 1)")
    ratio = round(growth[str(sizes[-1])] / growth[str(sizes[0])], 2) if len(growth) >= 2 else 1.0
    if growth:
        steps = ", ".join(f"{k} -> {v} ms" for k, v in growth.items())
        print(f"observe as one plan's support grows: {steps} per observe; {ratio}x (target: flat, <= 1.5x)")
        cpu = CPU["observe_ms"]  # the wall time above includes SQLite's I/O and, on a busy machine, waiting
        cpu_ratio = round(cpu[str(sizes[-1])] / cpu[str(sizes[0])], 2) if len(cpu) >= 2 and cpu[str(sizes[0])] else 1.0
        print(f"  CPU per observe: {', '.join(f'{k} -> {v} ms' for k, v in cpu.items())}; {cpu_ratio}x")
        print(f"  collector in each window (runs, ms CPU per generation 0/1/2): {CPU['gc']}")
        if "paired" in CPU:
            pr = CPU["paired"]
            print(
                f"  paired, alternating slices: support {pr['supports'][0]} vs {pr['supports'][1]}: wall "
                f"{pr['wall_ms'][0]} vs {pr['wall_ms'][1]} ms ({pr['wall_ratio']}x), CPU {pr['cpu_ms'][0]} vs "
                f"{pr['cpu_ms'][1]} ms ({pr['cpu_ratio']}x) per observe"
            )
    print(f"storing: {a.traces} traces in {stored:.1f}s, CPU {CPU['store_s']:.1f}s (target <= 60 s at 100k)")
    # flat is judged on the paired ratio when there is one: the single windows are taken seconds apart, and the
    # machine's load between them moves their ratio by tens of percent (obs2's section of bench/README.md)
    flat = CPU["paired"]["wall_ratio"] if "paired" in CPU else ratio
    ok = sel["p50_ms"] <= 5 and sel["p99_ms"] <= 20 and rep["overhead_ms_per_step"] <= 1 and flat <= 1.5
    ok = ok and (a.traces < 100_000 or stored <= 60)
    summary = {"selection": sel, "replay": rep, "observe_ms": growth, "growth_ratio": ratio}
    summary["store_s"] = round(stored, 1)
    summary["store_cpu_s"] = round(CPU["store_s"], 1)
    summary["observe_cpu_ms"] = CPU["observe_ms"]
    summary["observe_paired"] = CPU.get("paired", {})
    summary["flat_ratio"] = flat
    print("RESULT", "ok" if ok else "over target", json.dumps(summary))


if __name__ == "__main__":
    main()
