"""What the scheduler and the start-up relabelling cost: figures, not assertions.

    PYTHONPATH=. .venv/bin/python bench/scheduler_bench.py

1. A scheduler tick over N schedules with nothing due (what every server does every
   `[server] schedule_tick_s`): read the schedules, compute each one's latest slot.
2. Claims: four threads (four connections, as four servers) contend for the same 500 slots of one
   schedule; every slot must be won exactly once. Claims per second.
3. `relabel_interrupted` at start-up over a trace store of N finished runs and a few `running`
   ones (the `runs_status` index keeps it independent of the store's size).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import threading
import time
from pathlib import Path

from llmos.config import ConfigBuilder
from llmos.models.testmodel import TestModel
from llmos.ops.interrupted import relabel_interrupted
from llmos.ops.scheduler import Scheduler
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.storage.schedules import ScheduleStore
from llmos.storage.traces import TraceStore
from llmos.trace import Trace


async def tick_cost(ws: Path, n: int) -> float:
    config = ConfigBuilder("testing").set("learning", enabled=False).set("sentience", enabled=False).build()
    async with LLMOS(workspace=ws, config=config, model=TestModel(script=["done"])) as rt:
        assert rt.db is not None
        store = ScheduleStore(rt.db)
        for i in range(n):
            store.add(f"{i % 60} {i % 24} * * *", f"goal {i}")
        scheduler = Scheduler(rt, tick_s=60)
        now = time.time()
        await scheduler.tick(now)  # the first tick claims nothing: every slot is before created_at
        times = []
        for k in range(10):
            t0 = time.perf_counter()
            fired = await scheduler.tick(now + k)
            times.append(time.perf_counter() - t0)
            assert fired == []
        await scheduler.close()
    return statistics.median(times)


def claim_rate(path: Path, slots: int = 500, servers: int = 4) -> tuple[float, int]:
    dbs = [Database(path) for _ in range(servers)]
    stores = [ScheduleStore(db) for db in dbs]
    sched = stores[0].add("* * * * *", "g")
    won = [0] * servers

    def run(i: int) -> None:
        for slot in range(slots):
            if stores[i].claim(sched.id, slot, f"s{i}"):
                won[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(servers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    for db in dbs:
        db.close()
    assert sum(won) == slots, won
    return slots * servers / elapsed, sum(won)


def relabel_cost(path: Path, n: int) -> float:
    db = Database(path)
    store = TraceStore(db)
    for i in range(n):
        t = Trace(goal=f"goal {i}")
        t.finish("success", "ok")
        store.save(t)
    for _ in range(3):  # owned by another host: never provably dead, left running
        t = Trace(goal="elsewhere")
        t.metadata["owner"] = "another-host:1:1"
        store.save(t)
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        assert relabel_interrupted(store) == []
        times.append(time.perf_counter() - t0)
    db.close()
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for n in (10, 1000):
            ms = asyncio.run(tick_cost(base / f"ws{n}", n)) * 1000
            print(f"scheduler tick, {n:>5} schedules, nothing due: {ms:8.2f} ms (median of 10)")
        rate, won = claim_rate(base / "claims.db")
        print(f"claims, 4 connections contending for 500 slots: {rate:8.0f} claims/s, slots won {won}/500 (each once)")
        for n in (1000, 10000):
            ms = relabel_cost(base / f"traces{n}.db", n) * 1000
            print(f"start-up relabel scan, {n:>5} finished runs + 3 running: {ms:8.2f} ms (median of 10)")


if __name__ == "__main__":
    main()
